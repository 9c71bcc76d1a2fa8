/* ser_json.c: the JSON Lines serializer (PITH_OUT_JSONL), RFC 8259 values, one per line.
 *
 * Lines: the document ({"type":"document","format","units"}), each unit ({"type":"unit",
 * "index","kind","name"?}), each metadata entry ({"type":"meta","key","value"}) and each
 * top-level block. Leaf blocks are {"type":"paragraph"|"heading"|"code", "text", ...}, with
 * the links and images met in their text as "links":[{"text","href"}] and
 * "images":[{"alt","src"}]; containers hold their children ("blocks", "items", "rows"), and a
 * table cell is {"text", "colspan"?, "header"?} whose text joins the blocks inside it with
 * "\n" (cells of a table inside it with "\t"). Text is escaped and streamed into its string as
 * it comes; only link texts are kept (per-unit memory) until their block ends. With
 * PITH_OPT_POSITIONS a position event puts "page" and "bbox" on the next block. Metadata that
 * arrives inside a block waits for the end of the line. Inline flags are not represented.
 */
#include "ser_util.h"

#include <string.h>

#include "fmt.h"
#include "swar.h"

/* A link or an inline image of the open leaf block or cell. */
typedef struct js_ref {
    uint32_t image;  /* 0: link {text, href}; 1: image {alt, src} */
    ser_buf text;    /* link text, image alt */
    ser_buf href;    /* link href, image src */
} js_ref;

typedef struct js_state {
    ser_base base;
    uint8_t drop;       /* inline content with no place in JSON (directly in a list or table) */
    uint8_t have_pos;
    uint8_t positions;  /* PITH_OPT_POSITIONS */
    uint8_t in_line;    /* a top-level line is being written */
    pith_ev_position pos;
    ser_buf refs;       /* js_ref records, reused from block to block */
    size_t nrefs;       /* records in use by the open leaf block or cell */
    ser_buf meta;       /* meta lines waiting for the current top-level line to end */
} js_state;

static const char *const unit_kinds[] = {"part", "page", "sheet", "slide", "item"};
/* by pith_section_kind */
static const char *const section_kinds[] = {"body", "header", "footer", "footnote",
                                            "endnote", "comment", "notes"};

/* MARK: - Strings (Private) */

/* RFC 8259 §7: '"', '\\' and control characters escaped (the short forms where there are
 * some), everything else raw UTF-8. Writes to the output, or appends to `into`. */
/* The bytes a JSON string escapes (RFC 8259 §7): controls, '"' and '\\'. A table, so a run of
 * text is scanned with one test a byte (three were a sixth of a document's time to JSON). */
static const uint8_t js_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

/* The end of the run of bytes from s[i] that a JSON string keeps as they are: eight at a time
 * (a control, '"' or '\\' marked in each word), the last few by the table. */
static size_t js_plain_end(const char *s, size_t i, size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    for (; n - i >= 8; i += 8) {
        uint64_t w = pith_load8(u + i);
        uint64_t m = pith_below_bytes(w, 0x20) | pith_zero_bytes(w ^ PITH_REP8('"')) |
                     pith_zero_bytes(w ^ PITH_REP8('\\'));
        if (m) return i + pith_first_marked(m);
    }
    while (i < n && !js_special[u[i]]) i++;
    return i;
}

static int js_esc_to(ser_base *b, ser_buf *into, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, j;
    int r;
    while (i < n) {
        j = js_plain_end(s, i, n);
        r = into ? ser_buf_put(b->doc, into, s + i, j - i) : ser_put(b, s + i, j - i);
        if (r) return r;
        if (j >= n) break;
        {
            unsigned char c = (unsigned char)s[j];
            char e[6] = {'\\', 0, 0, 0, 0, 0};
            size_t k = 2;
            switch (c) {
            case '"': e[1] = '"'; break;
            case '\\': e[1] = '\\'; break;
            case '\n': e[1] = 'n'; break;
            case '\t': e[1] = 't'; break;
            case '\r': e[1] = 'r'; break;
            case '\b': e[1] = 'b'; break;
            case '\f': e[1] = 'f'; break;
            default:
                e[1] = 'u';
                e[2] = '0';
                e[3] = '0';
                e[4] = hex[c >> 4];
                e[5] = hex[c & 15];
                k = 6;
            }
            r = into ? ser_buf_put(b->doc, into, e, k) : ser_put(b, e, k);
            if (r) return r;
        }
        i = j + 1;
    }
    return 0;
}

static int js_esc(ser_base *b, const char *s, size_t n) { return js_esc_to(b, NULL, s, n); }

/* ,"key":"value" */
static int js_field(ser_base *b, const char *key, const char *s, size_t n)
{
    int r;
    if ((r = ser_puts(b, ",\"")) || (r = ser_puts(b, key)) || (r = ser_puts(b, "\":\"")) ||
        (r = js_esc(b, s, n)))
        return r;
    return ser_put(b, "\"", 1);
}

/* ,"key":N */
static int js_num(ser_base *b, const char *key, int64_t v)
{
    int r;
    if ((r = ser_puts(b, ",\"")) || (r = ser_puts(b, key)) || (r = ser_puts(b, "\":"))) return r;
    return ser_put_i64(b, v);
}

static int js_float(ser_base *b, float v)
{
    char buf[32];
    double d = v;
    if (!(d - d == 0.0)) d = 0;  /* NaN and infinities are not JSON */
    return ser_put(b, buf, pith_fmt_f2(buf, d));
}

/* MARK: - Objects (Private) */

static bool js_top(const ser_frame *p)
{
    return !p || p->ev == PITH_EV_UNIT || p->ev == PITH_EV_DOCUMENT;
}

/* Containers whose arrays take only one kind of child: nothing else may be written there. */
static bool js_closed(const ser_frame *p)
{
    return p && (p->ev == PITH_EV_LIST || p->ev == PITH_EV_TABLE || p->ev == PITH_EV_ROW);
}

static int js_comma(ser_base *b, ser_frame *p)
{
    if (js_top(p) || p->n++ == 0) return 0;
    return ser_put(b, ",", 1);
}

/* {"type":"<type>" and the pending position, as a line or an element of p's array */
static int js_obj(js_state *js, ser_frame *p, const char *type)
{
    ser_base *b = &js->base;
    int r;
    if (js_top(p)) js->in_line = 1;
    if ((r = js_comma(b, p)) || (r = ser_puts(b, "{\"type\":\"")) || (r = ser_puts(b, type)) ||
        (r = ser_put(b, "\"", 1)))
        return r;
    if (js->have_pos) {
        js->have_pos = 0;
        if ((r = js_num(b, "page", js->pos.page)) || (r = ser_puts(b, ",\"bbox\":[")) ||
            (r = js_float(b, js->pos.x0)) || (r = ser_put(b, ",", 1)) ||
            (r = js_float(b, js->pos.y0)) || (r = ser_put(b, ",", 1)) ||
            (r = js_float(b, js->pos.x1)) || (r = ser_put(b, ",", 1)) ||
            (r = js_float(b, js->pos.y1)) || (r = ser_put(b, "]", 1)))
            return r;
    }
    return 0;
}

/* Close an object (`close` is "}" or "]}"); at top level end its line and let waiting
 * metadata out. */
static int js_obj_end(js_state *js, ser_frame *p, const char *close)
{
    ser_base *b = &js->base;
    int r;
    if ((r = ser_puts(b, close))) return r;
    if (!js_top(p)) return 0;
    js->in_line = 0;
    if ((r = ser_put(b, "\n", 1))) return r;
    if (js->meta.n) {
        r = ser_put(b, js->meta.p, js->meta.n);
        js->meta.n = 0;
    }
    return r;
}

static js_ref *js_ref_add(js_state *js, uint32_t image)
{
    size_t have = js->refs.n / sizeof(js_ref);
    js_ref *ref;
    if (js->nrefs == have) {
        js_ref z;
        memset(&z, 0, sizeof z);
        if (ser_buf_put(js->base.doc, &js->refs, (const char *)&z, sizeof z)) return NULL;
    }
    ref = (js_ref *)(void *)js->refs.p + js->nrefs++;
    ref->image = image;
    ref->text.n = 0;
    ref->href.n = 0;
    return ref;
}

/* ,"links":[...] ,"images":[...] for the open leaf block or cell */
static int js_refs(js_state *js)
{
    ser_base *b = &js->base;
    const js_ref *refs = (const js_ref *)(const void *)js->refs.p;
    uint32_t kind;
    size_t i;
    int r;
    for (kind = 0; kind < 2; kind++) {
        size_t count = 0;
        for (i = 0; i < js->nrefs; i++) {
            const js_ref *f = &refs[i];
            if (f->image != kind) continue;
            if ((r = ser_puts(b, count++ ? ",{\"" : kind ? ",\"images\":[{\"" : ",\"links\":[{\"")))
                return r;
            if ((r = ser_puts(b, kind ? "alt\":\"" : "text\":\"")) ||
                (r = js_esc(b, f->text.p, f->text.n)) ||
                (r = ser_puts(b, kind ? "\",\"src\":\"" : "\",\"href\":\"")) ||
                (r = js_esc(b, f->href.p, f->href.n)) || (r = ser_puts(b, "\"}")))
                return r;
        }
        if (count && (r = ser_put(b, "]", 1))) return r;
    }
    js->nrefs = 0;
    return 0;
}

/* MARK: - Events (Private) */

static int js_box_begin(ser_base *b, ser_frame *f, const void *detail)
{
    js_state *js = (js_state *)b;
    ser_frame *p = ser_parent(b, f);
    int r;
    switch ((pith_ev)f->ev) {
    case PITH_EV_DOCUMENT: {
        const char *name = pith_format_name((pith_format)f->a);
        if ((r = ser_puts(b, "{\"type\":\"document\"")) ||
            (r = js_field(b, "format", name, strlen(name))) || (r = js_num(b, "units", f->b)))
            return r;
        return ser_puts(b, "}\n");
    }
    case PITH_EV_UNIT: {
        const pith_ev_unit *u = detail;
        const char *kind = unit_kinds[f->b <= PITH_UNIT_ITEM ? f->b : 0];
        js->have_pos = 0;
        if ((r = ser_puts(b, "{\"type\":\"unit\"")) || (r = js_num(b, "index", f->a)) ||
            (r = js_field(b, "kind", kind, strlen(kind))))
            return r;
        if (u && u->name.n && (r = js_field(b, "name", u->name.p, u->name.n))) return r;
        return ser_puts(b, "}\n");
    }
    case PITH_EV_SECTION: {
        const char *k = section_kinds[f->a <= PITH_SECTION_NOTES ? f->a : 0];
        if ((r = js_obj(js, p, "section")) || (r = js_field(b, "kind", k, strlen(k)))) return r;
        return ser_puts(b, ",\"blocks\":[");
    }
    case PITH_EV_QUOTE:
        if ((r = js_obj(js, p, "quote"))) return r;
        return ser_puts(b, ",\"blocks\":[");
    case PITH_EV_LIST:
        if ((r = js_obj(js, p, "list"))) return r;
        if (!f->a) return ser_puts(b, ",\"ordered\":false,\"items\":[");
        if ((r = ser_puts(b, ",\"ordered\":true")) || (r = js_num(b, "start", f->num))) return r;
        if ((f->a & 2u) && (r = ser_puts(b, ",\"reversed\":true"))) return r;
        return ser_puts(b, ",\"items\":[");
    case PITH_EV_ITEM:
        if ((r = js_comma(b, p)) || (r = ser_put(b, "{", 1))) return r;
        if (f->a && (r = ser_puts(b, f->a == 2 ? "\"checked\":true," : "\"checked\":false,")))
            return r;
        /* js_num writes ",key": after '{' the value goes first, with its own comma after */
        if (f->b && p && p->ev == PITH_EV_LIST && p->a &&
            ((r = ser_puts(b, "\"value\":")) || (r = ser_put_i64(b, f->num)) ||
             (r = ser_put(b, ",", 1))))
            return r;
        return ser_puts(b, "\"blocks\":[");
    case PITH_EV_TABLE:
        if ((r = js_obj(js, p, "table"))) return r;
        return ser_puts(b, ",\"rows\":[");
    case PITH_EV_ROW:
        if ((r = js_comma(b, p))) return r;
        return ser_put(b, "[", 1);
    case PITH_EV_CELL:
        js->nrefs = 0;
        if ((r = js_comma(b, p))) return r;
        return ser_puts(b, "{\"text\":\"");
    default:
        return 0;
    }
}

static int js_box_end(ser_base *b, ser_frame *f)
{
    js_state *js = (js_state *)b;
    ser_frame *p = ser_parent(b, f);
    int r;
    switch ((pith_ev)f->ev) {
    case PITH_EV_SECTION:
    case PITH_EV_QUOTE:
    case PITH_EV_LIST:
    case PITH_EV_ITEM:
    case PITH_EV_TABLE:
        return js_obj_end(js, p, "]}");
    case PITH_EV_ROW:
        return ser_put(b, "]", 1);
    case PITH_EV_CELL:
        if ((r = ser_put(b, "\"", 1))) return r;
        if (f->a > 1 && (r = js_num(b, "colspan", f->a))) return r;
        if (f->b && (r = ser_puts(b, ",\"header\":true"))) return r;
        if ((r = js_refs(js))) return r;
        return ser_put(b, "}", 1);
    case PITH_EV_UNIT:
        if (js->meta.n) {  /* cannot be left over, but never lose it */
            r = ser_put(b, js->meta.p, js->meta.n);
            js->meta.n = 0;
            return r;
        }
        return 0;
    default:
        return 0;
    }
}

static int js_leaf_open(ser_base *b, ser_frame *f)
{
    js_state *js = (js_state *)b;
    ser_frame *p = f->cls == SER_BOX ? f : ser_parent(b, f);
    int r;
    js->nrefs = 0;
    if (js_closed(p)) {
        js->drop = 1;
        return 0;
    }
    switch ((pith_ev)f->ev) {
    case PITH_EV_HEADING:
        if ((r = js_obj(js, p, "heading")) || (r = js_num(b, "level", f->a))) return r;
        break;
    case PITH_EV_CODE:
        if ((r = js_obj(js, p, "code"))) return r;
        if (f->s.n && (r = js_field(b, "lang", f->s.p, f->s.n))) return r;
        break;
    default:  /* a paragraph, or the implicit one of a container */
        if ((r = js_obj(js, p, "paragraph"))) return r;
        break;
    }
    return ser_puts(b, ",\"text\":\"");
}

static int js_leaf_close(ser_base *b, ser_frame *f)
{
    js_state *js = (js_state *)b;
    int r;
    if (js->drop) {
        js->drop = 0;
        js->nrefs = 0;
        return 0;
    }
    if ((r = ser_put(b, "\"", 1)) || (r = js_refs(js))) return r;
    return js_obj_end(js, f->cls == SER_BOX ? f : ser_parent(b, f), "}");
}

static int js_span_open(ser_base *b, ser_frame *f)
{
    js_state *js = (js_state *)b;
    js_ref *ref;
    if (js->drop) return 0;
    if (!(ref = js_ref_add(js, 0))) return pith_doc_status(b->doc);
    f->u = (uint32_t)js->nrefs;  /* index + 1 */
    return ser_buf_put(b->doc, &ref->href, f->s.p, f->s.n);
}

static int js_text(ser_base *b, const char *s, size_t n, uint32_t flags)
{
    js_state *js = (js_state *)b;
    uint32_t i;
    int r;
    (void)flags;
    if (js->drop) return 0;
    if (ser_is_flat(b)) {
        int k = ser_flat_take(b);
        if (k != SER_FSEP_NONE && (r = ser_puts(b, k == SER_FSEP_LINE ? "\\n" : "\\t"))) return r;
    }
    if ((r = js_esc(b, s, n))) return r;
    /* the text of every open link above the leaf is kept for its "links" entry */
    for (i = (uint32_t)(b->leaf - b->st) + 1; i < b->depth; i++) {
        ser_frame *f = &b->st[i];
        if (f->cls == SER_SPAN && f->u && f->u <= js->nrefs) {
            js_ref *ref = (js_ref *)(void *)js->refs.p + (f->u - 1);
            if ((r = ser_buf_put(b->doc, &ref->text, s, n))) return r;
        }
    }
    return 0;
}

/* Is there inline content open that an image joins, rather than being a block of its own? */
static bool js_inline_open(ser_base *b)
{
    uint32_t k = b->depth;
    if (ser_is_flat(b)) return true;
    while (k > 0 && b->st[k - 1].cls == SER_SPAN) k--;
    if (k == 0) return false;
    return b->st[k - 1].cls == SER_LEAF || b->st[k - 1].open || k < b->depth;
}

static int js_meta(js_state *js, const pith_ev_meta *m)
{
    ser_base *b = &js->base;
    ser_buf *into = js->in_line ? &js->meta : NULL;  /* a line is open: wait for its end */
    int r;
    if (!into) {
        if ((r = ser_puts(b, "{\"type\":\"meta\"")) ||
            (r = js_field(b, "key", m->key.p, m->key.n)) ||
            (r = js_field(b, "value", m->value.p, m->value.n)))
            return r;
        return ser_puts(b, "}\n");
    }
    if ((r = ser_buf_put(b->doc, into, "{\"type\":\"meta\",\"key\":\"", 22)) ||
        (r = js_esc_to(b, into, m->key.p, m->key.n)) ||
        (r = ser_buf_put(b->doc, into, "\",\"value\":\"", 11)) ||
        (r = js_esc_to(b, into, m->value.p, m->value.n)))
        return r;
    return ser_buf_put(b->doc, into, "\"}\n", 3);
}

static int js_leaf(ser_base *b, pith_ev ev, const void *detail)
{
    js_state *js = (js_state *)b;
    int r;
    switch (ev) {
    case PITH_EV_META:
        return detail ? js_meta(js, detail) : 0;
    case PITH_EV_POSITION:
        if (js->positions && detail) {
            js->pos = *(const pith_ev_position *)detail;
            js->have_pos = 1;
        }
        return 0;
    case PITH_EV_BREAK:
        if ((r = ser_inline(b)) || !b->leaf || js->drop) return r;
        if (ser_is_flat(b)) {
            if (b->fsep < SER_FSEP_LINE) b->fsep = SER_FSEP_LINE;
            return 0;
        }
        return ser_puts(b, "\\n");
    case PITH_EV_RULE: {
        ser_frame *p;
        if (ser_is_flat(b)) {
            if (b->fsep < SER_FSEP_LINE) b->fsep = SER_FSEP_LINE;
            return 0;
        }
        if ((r = ser_interrupt(b))) return r;
        p = ser_top_box(b);
        if (js_closed(p)) return 0;
        if ((r = js_obj(js, p, "rule"))) return r;
        return js_obj_end(js, p, "}");
    }
    case PITH_EV_IMAGE: {
        const pith_ev_image *im = detail;
        ser_frame *p;
        if (!im) return 0;
        if (js_inline_open(b)) {
            js_ref *ref;
            if ((r = ser_inline(b)) || !b->leaf || js->drop) return r;
            if (!(ref = js_ref_add(js, 1))) return pith_doc_status(b->doc);
            if ((r = ser_buf_put(b->doc, &ref->text, im->alt.p, im->alt.n))) return r;
            return ser_buf_put(b->doc, &ref->href, im->src.p, im->src.n);
        }
        p = ser_top_box(b);
        if (js_closed(p)) return 0;
        if ((r = js_obj(js, p, "image")) || (r = js_field(b, "alt", im->alt.p, im->alt.n)) ||
            (r = js_field(b, "src", im->src.p, im->src.n)))
            return r;
        return js_obj_end(js, p, "}");
    }
    default:
        return 0;
    }
}

static void js_reset(ser_base *b)
{
    js_state *js = (js_state *)b;
    js->in_line = 0;
    ser_buf_drop(&js->refs);
    ser_buf_drop(&js->meta);
    js->nrefs = 0;
}

static const ser_ops js_ops = {
    .box_begin = js_box_begin,
    .box_end = js_box_end,
    .leaf_open = js_leaf_open,
    .leaf_close = js_leaf_close,
    .span_open = js_span_open,
    .text = js_text,
    .leaf = js_leaf,
    .reset = js_reset,
    .flat_mask = 1u << PITH_EV_CELL,
};

pith_status pith_ser_json_init(pith_doc *doc, pith_sink *sink)
{
    js_state *js = ser_create(doc, sizeof *js, &js_ops, sink);
    if (!js) return pith_doc_status(doc);
    js->positions = (pith_doc_options(doc)->flags & PITH_OPT_POSITIONS) != 0;
    return PITH_OK;
}
