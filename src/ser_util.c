/* ser_util.c: the driver, line writer and buffers the serializers share (see ser_util.h).
 *
 * The driver turns the core's well-nested events into lazy opens and closes. Why lazy: a
 * handler may begin a paragraph and put nothing in it, and a serializer should not write an
 * empty <p></p> or a blank JSON line for it; and when a block starts inside inline content (a
 * sloppy handler's list inside a paragraph) everything inline is closed and reopened after the
 * block, so every output format stays well formed. Frames live in document memory, at most
 * limits.max_depth (capped at SER_DEPTH_CAP) plus a margin; deeper events are counted as ghosts
 * and ignored, their text still flows into the deepest kept frame.
 */
#include "ser_util.h"

#include <string.h>

#include "fmt.h"

/* MARK: - Helpers (Private) */

const uint32_t ser_flag_order[SER_FLAG_COUNT] = {
    PITH_TEXT_STRIKE, PITH_TEXT_STRONG, PITH_TEXT_EMPH, PITH_TEXT_CODE,
};

int ser_flags_split(uint32_t open, uint32_t want)
{
    int i;
    for (i = 0; i < SER_FLAG_COUNT; i++)
        if ((open ^ want) & ser_flag_order[i]) return i;
    return SER_FLAG_COUNT;
}

size_t ser_u64(char *buf, uint64_t v) { return pith_fmt_u64(buf, v); }

size_t ser_i64(char *buf, int64_t v)
{
    if (v >= 0) return pith_fmt_u64(buf, (uint64_t)v);
    buf[0] = '-';
    return 1 + pith_fmt_u64(buf + 1, 0 - (uint64_t)v);
}

int64_t ser_item_number(ser_frame *p, const ser_frame *f)
{
    /* numbers are clamped to 32 bits and a list has fewer than 2^32 items: no overflow */
    int64_t k = f->b ? f->num : p->num;
    p->num = k + ((p->a & 2u) ? -1 : 1);
    return k;
}

int ser_put_i64(ser_base *b, int64_t v)
{
    char buf[24];
    return ser_put(b, buf, ser_i64(buf, v));
}

/* An arena request failed: the core may already have recorded why. */
static int alloc_failed(pith_doc *doc, size_t n)
{
    pith_status st = pith_doc_status(doc);
    return st != PITH_OK ? (int)st : (int)pith_fail_alloc(doc, n);
}

int ser_buf_reserve(pith_doc *doc, ser_buf *buf, size_t extra)
{
    size_t need, cap;
    char *p;
    if (!pith_size_add(buf->n, extra, &need))
        return pith_fail(doc, PITH_E_LIMIT, 0, "ser: buffer of %zu bytes too large", buf->n);
    if (need <= buf->cap) return 0;
    cap = buf->cap ? buf->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    pith_arena *a = pith_ser_arena(doc);
    p = buf->p ? pith_arena_grow(a, buf->p, buf->n, cap) : pith_arena_alloc(a, cap);
    if (!p) return alloc_failed(doc, cap);
    buf->p = p;
    buf->cap = cap;
    return 0;
}

int ser_buf_put(pith_doc *doc, ser_buf *buf, const char *s, size_t n)
{
    int r;
    if (!n) return 0;
    if ((r = ser_buf_reserve(doc, buf, n))) return r;
    memcpy(buf->p + buf->n, s, n);
    buf->n += n;
    return 0;
}

/* MARK: - Frames (Private) */

/* SER_BOX for every event but these; a table, as it runs for every begin. */
static const uint8_t ev_cls[PITH_EV_COUNT] = {
    [PITH_EV_HEADING] = SER_LEAF, [PITH_EV_PARAGRAPH] = SER_LEAF, [PITH_EV_CODE] = SER_LEAF,
    [PITH_EV_LINK] = SER_SPAN,
};

static int ev_class(pith_ev ev) { return (unsigned)ev < PITH_EV_COUNT ? ev_cls[ev] : SER_BOX; }

static int copy_str(ser_base *b, pith_str *dst, pith_str src)
{
    char *p;
    dst->p = NULL;
    dst->n = 0;
    if (!src.p || !src.n) return 0;
    p = pith_ser_alloc(b->doc, src.n);
    if (!p) return alloc_failed(b->doc, src.n);
    memcpy(p, src.p, src.n);
    dst->p = p;
    dst->n = src.n;
    return 0;
}

/* List numbers within 32 bits, as pith.h says: then a list's count never overflows. */
static int64_t clamp32(int64_t v)
{
    return v < INT32_MIN ? INT32_MIN : v > UINT32_MAX ? UINT32_MAX : v;
}

/* Copy what the frame needs of the detail (see ser_frame). */
static int frame_fill(ser_base *b, ser_frame *f, const void *detail)
{
    switch ((pith_ev)f->ev) {
    case PITH_EV_DOCUMENT:
        if (detail) {
            const pith_ev_document *d = detail;
            f->a = (uint32_t)d->format;
            f->b = d->units;
        }
        return 0;
    case PITH_EV_UNIT:
        if (detail) {
            const pith_ev_unit *d = detail;
            f->a = d->index;
            f->b = (uint32_t)d->kind;
        }
        return 0;
    case PITH_EV_SECTION:
        if (detail) f->a = (uint32_t)((const pith_ev_section *)detail)->kind;
        return 0;
    case PITH_EV_HEADING:
        f->a = detail ? ((const pith_ev_heading *)detail)->level : 1;
        if (f->a < 1) f->a = 1;
        if (f->a > 6) f->a = 6;
        return 0;
    case PITH_EV_LIST:
        f->num = 1;
        if (detail) {
            const pith_ev_list *d = detail;
            f->a = d->ordered ? 1u | (d->reversed ? 2u : 0u) : 0u;
            f->num = clamp32(d->start);
        }
        return 0;
    case PITH_EV_ITEM:
        if (detail) {
            const pith_ev_item *d = detail;
            f->a = d->checked < 0 ? 0 : d->checked == 0 ? 1 : 2;
            f->b = d->has_value != 0;
            f->num = clamp32(d->value);
        }
        return 0;
    case PITH_EV_CELL:
        f->a = 1;
        if (detail) {
            const pith_ev_cell *d = detail;
            f->a = d->colspan < 1 ? 1 : d->colspan > SER_COLSPAN_MAX ? SER_COLSPAN_MAX : d->colspan;
            f->b = d->header != 0;
        }
        return 0;
    case PITH_EV_CODE:
        return detail ? copy_str(b, &f->s, ((const pith_ev_code *)detail)->lang) : 0;
    case PITH_EV_LINK:
        return detail ? copy_str(b, &f->s, ((const pith_ev_link *)detail)->href) : 0;
    default:
        return 0;
    }
}

static ser_frame *frame_push(ser_base *b, pith_ev ev)
{
    ser_frame *f = &b->st[b->depth];
    /* Every field but the mark bytes, which are read only up to mark_len (a third of the
     * frame): a push runs for every block and link. */
    f->ev = (uint8_t)ev;
    f->cls = (uint8_t)ev_class(ev);
    f->open = f->inert = f->pfx = f->fresh = f->mark_len = f->mark_w = 0;
    f->a = f->b = f->n = f->u = f->up = 0;
    f->num = 0;
    f->s.p = NULL;
    f->s.n = 0;
    if (b->depth) {
        /* the parent box is the frame below when it is a box, else that frame's parent box */
        const ser_frame *below = &b->st[b->depth - 1];
        f->up = below->cls == SER_BOX ? b->depth : below->up;
    }
    b->depth++;
    return f;
}

/* Both asked for every block a serializer writes: frames know their parent box (up). */
ser_frame *ser_parent(ser_base *b, const ser_frame *f) { return f->up ? &b->st[f->up - 1] : NULL; }

ser_frame *ser_top_box(ser_base *b)
{
    if (b->depth == 0) return NULL;
    ser_frame *t = &b->st[b->depth - 1];
    return t->cls == SER_BOX ? t : ser_parent(b, t);
}

int ser_flat_take(ser_base *b)
{
    int k = b->fany ? b->fsep : SER_FSEP_NONE;
    b->fsep = SER_FSEP_NONE;
    b->fany = 1;
    return k;
}

static void flat_owe(ser_base *b, int k)
{
    if (b->fsep < k) b->fsep = (uint8_t)k;
}

/* MARK: - Driver (Private) */

int ser_interrupt(ser_base *b)
{
    const ser_ops *ops = b->ops;
    uint32_t i = b->depth;
    int r;
    if (b->flat) return 0;
    while (i > 0) {
        ser_frame *f = &b->st[i - 1];
        if (f->cls == SER_BOX) break;
        if (f->open) {
            f->open = 0;
            if (f->cls == SER_SPAN) r = ops->span_close ? ops->span_close(b, f) : 0;
            else r = ops->leaf_close ? ops->leaf_close(b, f) : 0;
            if (r) return r;
        }
        i--;
    }
    if (i > 0 && b->st[i - 1].open) {
        ser_frame *box = &b->st[i - 1];
        box->open = 0;
        if (ops->leaf_close && (r = ops->leaf_close(b, box))) return r;
    }
    return 0;
}

int ser_inline(ser_base *b)
{
    const ser_ops *ops = b->ops;
    uint32_t k, i;
    int r;
    b->leaf = NULL;
    if (b->flat) {
        k = b->flat - 1;
    } else {
        k = b->depth;
        while (k > 0 && b->st[k - 1].cls == SER_SPAN) k--;
        if (k == 0) return 0;  /* inline content outside any frame: nowhere to go */
        k--;
        ser_frame *l = &b->st[k];
        if (!l->open) {
            l->open = 1;
            if (ops->leaf_open && (r = ops->leaf_open(b, l))) return r;
        }
    }
    for (i = k + 1; i < b->depth; i++) {
        ser_frame *f = &b->st[i];
        if (f->cls == SER_SPAN && !f->open) {
            f->open = 1;
            if (ops->span_open && (r = ops->span_open(b, f))) return r;
        }
    }
    b->leaf = &b->st[k];
    return 0;
}

static int cb_begin(void *user, pith_ev ev, const void *detail)
{
    ser_base *b = user;
    const ser_ops *ops = b->ops;
    ser_frame *f;
    int cls = ev_class(ev), r;
    if (b->ghost || b->depth >= b->cap) {
        b->ghost++;
        return 0;
    }
    if (b->flat && cls != SER_SPAN) {
        /* a block inside a flattened frame is only a boundary between its texts */
        f = frame_push(b, ev);
        f->inert = 1;
        if ((r = frame_fill(b, f, detail))) return r;
        if (ev != PITH_EV_CELL) flat_owe(b, SER_FSEP_LINE);
        return ops->flat ? ops->flat(b, f, 1) : 0;
    }
    if (cls != SER_SPAN && (r = ser_interrupt(b))) return r;
    f = frame_push(b, ev);
    if ((r = frame_fill(b, f, detail))) return r;
    if (cls == SER_BOX) {
        if (ev == PITH_EV_UNIT) {
            /* the core rolled the serializer arena back after the previous unit */
            if (ops->reset) ops->reset(b);
            b->unit_mark = pith_arena_mark_get(pith_ser_arena(b->doc));
        }
        if (ops->flat_mask & (1u << ev)) {
            b->flat = b->depth;
            b->fsep = SER_FSEP_NONE;
            b->fany = 0;
        }
        if (ops->box_begin) {
            r = ops->box_begin(b, f, detail);
            /* box_begin is where a serializer gives a frame its prefix */
            if (f->pfx != SER_PFX_NONE) b->npfx++;
            return r;
        }
    }
    return 0;
}

static int cb_end(void *user, pith_ev ev)
{
    ser_base *b = user;
    const ser_ops *ops = b->ops;
    ser_frame *f;
    int r = 0;
    (void)ev;  /* the core guarantees nesting: the top frame is the one that ends */
    if (b->ghost) {
        b->ghost--;
        return 0;
    }
    if (b->depth == 0) return 0;
    f = &b->st[b->depth - 1];
    if (f->inert) {
        flat_owe(b, f->ev == PITH_EV_CELL ? SER_FSEP_CELL : SER_FSEP_LINE);
        r = ops->flat ? ops->flat(b, f, 0) : 0;
    } else if (f->cls == SER_SPAN) {
        if (f->open && ops->span_close) r = ops->span_close(b, f);
    } else if (f->cls == SER_LEAF) {
        if (f->open && ops->leaf_close) r = ops->leaf_close(b, f);
    } else {
        if (f->open) {
            f->open = 0;
            if (ops->leaf_close) r = ops->leaf_close(b, f);
        }
        if (!r && ops->box_end) r = ops->box_end(b, f);
        if (b->flat == b->depth) b->flat = 0;
        if (f->ev == PITH_EV_UNIT && ops->reset) ops->reset(b);
    }
    f->open = 0;
    if (f->pfx != SER_PFX_NONE && !f->inert) b->npfx--;
    b->depth--;
    /* A top-level block is complete and nothing inline is open: its per-block memory (buffers,
     * copied hrefs) goes, so a long unit holds one block's working set, not all of them. */
    if (b->depth > 0) {
        ser_frame *t = &b->st[b->depth - 1];
        if (t->ev == PITH_EV_UNIT && !t->inert && !t->open) {
            if (ops->reset) ops->reset(b);
            pith_arena_release(pith_ser_arena(b->doc), b->unit_mark);
        }
    }
    return r;
}

static int cb_text(void *user, const char *s, size_t n, uint32_t flags)
{
    ser_base *b = user;
    int r;
    if (!n) return 0;
    if ((r = ser_inline(b))) return r;
    if (!b->leaf || !b->ops->text) return 0;
    return b->ops->text(b, s, n, flags);
}

static int cb_leaf(void *user, pith_ev ev, const void *detail)
{
    ser_base *b = user;
    return b->ops->leaf ? b->ops->leaf(b, ev, detail) : 0;
}

pith_status ser_base_init(ser_base *b, pith_doc *doc, const ser_ops *ops)
{
    const pith_options *o = pith_doc_options(doc);
    uint32_t depth = o ? o->limits.max_depth : 256;
    size_t cap, bytes;
    if (depth > SER_DEPTH_CAP) depth = SER_DEPTH_CAP;
    /* the document and unit frames, the containers the core inserts, and a margin */
    cap = (size_t)depth + 8;
    if (!pith_size_mul(cap, sizeof(ser_frame), &bytes))
        return pith_fail(doc, PITH_E_LIMIT, 0, "ser: depth %zu too large", cap);
    /* Not zeroed: frame_push clears each frame as it is used, and most documents use few. */
    b->st = pith_doc_alloc(doc, bytes);
    if (!b->st) return pith_doc_status(doc);
    b->doc = doc;
    b->ops = ops;
    b->cap = (uint32_t)cap;
    b->ln.bol = 1;
    return PITH_OK;
}

void ser_sink_fill(ser_base *b, pith_sink *sink)
{
    sink->user = b;
    sink->begin = cb_begin;
    sink->end = cb_end;
    sink->text = cb_text;
    sink->leaf = cb_leaf;
}

/* MARK: - Line writer (Private) */

static const char spaces[] = "                                ";

static int put_spaces(ser_base *b, size_t n)
{
    int r;
    while (n) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        if ((r = ser_put(b, spaces, k))) return r;
        n -= k;
    }
    return 0;
}

/* The prefix of a line with content: each open quote's mark, each list item's marker on its
 * first line and its width in spaces after. */
static int line_prefix(ser_base *b)
{
    uint32_t i;
    int r;
    for (i = 0; i < b->depth; i++) {
        ser_frame *f = &b->st[i];
        if (f->inert || f->pfx == SER_PFX_NONE) continue;
        if (f->pfx == SER_PFX_QUOTE || f->fresh) r = ser_put(b, f->mark, f->mark_len);
        else r = put_spaces(b, f->mark_w);
        f->fresh = 0;
        if (r) return r;
    }
    return 0;
}

/* The prefix of an empty line: only frames that already have lines (a quote about to start
 * does not own the blank line before it), ending at the last quote's mark with its trailing
 * space cut, so no line ends in whitespace. Without a quote it is empty. */
static int blank_prefix(ser_base *b)
{
    uint32_t i, end = 0, last = 0;
    int r;
    if (b->npfx == 0) return 0;
    for (i = 0; i < b->depth; i++) {
        ser_frame *f = &b->st[i];
        if (f->inert || f->pfx == SER_PFX_NONE) continue;
        if (f->fresh) break;
        if (f->pfx == SER_PFX_QUOTE) {
            end = i + 1;
            last = 1;
        }
    }
    if (!last) return 0;
    for (i = 0; i < end; i++) {
        ser_frame *f = &b->st[i];
        size_t k;
        if (f->inert || f->pfx == SER_PFX_NONE) continue;
        if (f->pfx == SER_PFX_ITEM) {
            r = put_spaces(b, f->mark_w);
        } else {
            k = f->mark_len;
            if (i + 1 == end)
                while (k > 0 && f->mark[k - 1] == ' ') k--;
            r = ser_put(b, f->mark, k);
        }
        if (r) return r;
    }
    return 0;
}

static int lines_newline(ser_base *b)
{
    ser_lines *l = &b->ln;
    int r;
    if (l->bol && (r = blank_prefix(b))) return r;
    if ((r = ser_put(b, "\n", 1))) return r;
    if (l->nl < 2) l->nl++;
    l->bol = 1;
    l->col = 0;
    l->any = 1;
    return 0;
}

static int lines_flush(ser_base *b)
{
    ser_lines *l = &b->ln;
    int sep = l->sep, r;
    l->sep = SER_SEP_NONE;
    if (!l->any) return 0;  /* nothing before: no separation opens the document */
    if (sep >= SER_SEP_LINE && l->nl == 0) {
        if ((r = ser_put(b, "\n", 1))) return r;
        l->nl = 1;
        l->bol = 1;
        l->col = 0;
    }
    if (sep == SER_SEP_BLANK && l->nl == 1) return lines_newline(b);
    return 0;
}

/* True when no open frame writes a line prefix: lines then need no per-line work. */
static int prefix_free(const ser_base *b) { return b->npfx == 0; }

int ser_lines_put(ser_base *b, const char *s, size_t n)
{
    ser_lines *l = &b->ln;
    size_t i = 0;
    int r;
    if (!n) return 0;
    if (l->sep && (r = lines_flush(b))) return r;
    if (prefix_free(b)) {
        /* Fast path (plain text, paragraphs outside lists and quotes): every prefix and blank
         * prefix is empty, so the text goes out in one write and only the line state at its
         * end is worked out, from its last bytes. */
        size_t k = n, trail = 0;
        if ((r = ser_put(b, s, n))) return r;
        while (k > 0 && s[k - 1] == '\n' && trail < 2) {
            k--;
            trail++;
        }
        if (trail) {
            /* the text ends with line ends: count them with those already owed before it */
            l->nl = (uint8_t)(k == 0 ? (l->nl + trail > 2 ? 2 : l->nl + trail) : trail);
            l->bol = 1;
            l->col = 0;
        } else {
            /* Content after the last line end: only "col > 0" is ever asked, so no need to
             * scan back for that line end (it was a third of a dense HTML page's time). */
            l->col += n;
            l->nl = 0;
            l->bol = 0;
        }
        l->any = 1;
        return 0;
    }
    while (i < n) {
        const char *nl;
        size_t k;
        if (s[i] == '\n') {
            if ((r = lines_newline(b))) return r;
            i++;
            continue;
        }
        if (l->bol) {
            if ((r = line_prefix(b))) return r;
            l->bol = 0;
        }
        nl = memchr(s + i, '\n', n - i);
        k = nl ? (size_t)(nl - (s + i)) : n - i;
        if ((r = ser_put(b, s + i, k))) return r;
        l->col += k;
        l->nl = 0;
        l->any = 1;
        i += k;
    }
    return 0;
}

int ser_lines_touch(ser_base *b)
{
    ser_lines *l = &b->ln;
    int r;
    if (l->sep && (r = lines_flush(b))) return r;
    if (l->bol) {
        if ((r = line_prefix(b))) return r;
        l->bol = 0;
        l->nl = 0;
        l->any = 1;
    }
    return 0;
}

int ser_lines_end(ser_base *b)
{
    ser_lines *l = &b->ln;
    int r;
    if (!l->any || l->nl > 0) return 0;
    if ((r = ser_put(b, "\n", 1))) return r;
    l->nl = 1;
    l->bol = 1;
    l->col = 0;
    return 0;
}

void *ser_create(pith_doc *doc, size_t size, const ser_ops *ops, pith_sink *sink)
{
    ser_base *b = pith_doc_calloc(doc, size);
    if (!b || ser_base_init(b, doc, ops) != PITH_OK) return NULL;
    ser_sink_fill(b, sink);
    return b;
}
