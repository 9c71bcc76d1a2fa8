/* ser_html.c: the HTML serializer (PITH_OUT_HTML): a fragment of simple semantic HTML.
 *
 * Each unit is a <section data-unit="i">; blocks map to h1-h6, p, blockquote, pre/code (class
 * "language-x"), ul/ol (start when not 1), li (tasks get a disabled checkbox), table/tr/td|th
 * (colspan), and sections to header, footer, aside class="footnote|endnote|comment|notes" or a
 * div for the body. Inline flags become s, strong, em, code, opened in that fixed order and
 * closed in reverse so they always nest; they are closed around links and at the end of a block.
 * Text that arrives in a container gets a <p>, except in a list item or a cell where it stands
 * as is. & < > " are escaped in text and attributes; each block-level close tag ends its line.
 * Not written: metadata, positions. A leaf block with no content writes nothing.
 */
#include "ser_util.h"

#include "swar.h"

typedef struct html_state {
    ser_base base;
    uint32_t cur;  /* inline flags whose tags are open */
} html_state;

static const char *const flag_open[SER_FLAG_COUNT] = {"<s>", "<strong>", "<em>", "<code>"};
static const char *const flag_close[SER_FLAG_COUNT] = {"</s>", "</strong>", "</em>", "</code>"};

/* by pith_section_kind */
static const char *const section_open[] = {
    "<div>\n", "<header>\n", "<footer>\n", "<aside class=\"footnote\">\n",
    "<aside class=\"endnote\">\n", "<aside class=\"comment\">\n", "<aside class=\"notes\">\n",
};
static const char *const section_close[] = {
    "</div>\n", "</header>\n", "</footer>\n", "</aside>\n",
    "</aside>\n", "</aside>\n", "</aside>\n",
};

/* The bytes h_esc replaces: a table, so a run of text is scanned with one test a byte. */
static const uint8_t h_special[256] = {['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1};

/* The end of the run of bytes from s[i] that h_esc keeps: eight at a time, the last few by
 * the table. */
static size_t h_plain_end(const char *s, size_t i, size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    for (; n - i >= 8; i += 8) {
        uint64_t w = pith_load8(u + i);
        uint64_t m = pith_zero_bytes(w ^ PITH_REP8('&')) | pith_zero_bytes(w ^ PITH_REP8('<')) |
                     pith_zero_bytes(w ^ PITH_REP8('>')) | pith_zero_bytes(w ^ PITH_REP8('"'));
        if (m) return i + pith_first_marked(m);
    }
    while (i < n && !h_special[u[i]]) i++;
    return i;
}

static int h_esc(ser_base *b, const char *s, size_t n)
{
    size_t i = 0, j;
    int r;
    while (i < n) {
        j = h_plain_end(s, i, n);
        if ((r = ser_put(b, s + i, j - i))) return r;
        if (j == n) break;
        char c = s[j];
        if ((r = ser_puts(b, c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : "&quot;")))
            return r;
        i = j + 1;
    }
    return 0;
}

/* ` name="value"` */
static int h_attr(ser_base *b, const char *name, const char *s, size_t n)
{
    int r;
    if ((r = ser_put(b, " ", 1)) || (r = ser_puts(b, name)) || (r = ser_puts(b, "=\"")) ||
        (r = h_esc(b, s, n)))
        return r;
    return ser_put(b, "\"", 1);
}

static int h_num_attr(ser_base *b, const char *name, int64_t v)
{
    char buf[24];
    return h_attr(b, name, buf, ser_i64(buf, v));
}

static int h_flags(html_state *h, uint32_t want)
{
    ser_base *b = &h->base;
    int split = ser_flags_split(h->cur, want), i, r;
    for (i = SER_FLAG_COUNT - 1; i >= split; i--) {
        if (!(h->cur & ser_flag_order[i])) continue;
        h->cur &= ~ser_flag_order[i];
        if ((r = ser_puts(b, flag_close[i]))) return r;
    }
    for (i = split; i < SER_FLAG_COUNT; i++) {
        if (!(want & ser_flag_order[i])) continue;
        h->cur |= ser_flag_order[i];
        if ((r = ser_puts(b, flag_open[i]))) return r;
    }
    return 0;
}

/* Is the inline content of this frame preformatted? */
static bool h_in_code(const ser_base *b)
{
    return b->leaf && b->leaf->ev == PITH_EV_CODE;
}

static int h_box_begin(ser_base *b, ser_frame *f, const void *detail)
{
    int r;
    (void)detail;
    switch ((pith_ev)f->ev) {
    case PITH_EV_UNIT:
        if ((r = ser_puts(b, "<section")) || (r = h_num_attr(b, "data-unit", f->a))) return r;
        return ser_puts(b, ">\n");
    case PITH_EV_SECTION:
        return ser_puts(b, section_open[f->a <= PITH_SECTION_NOTES ? f->a : 0]);
    case PITH_EV_QUOTE:
        return ser_puts(b, "<blockquote>\n");
    case PITH_EV_LIST:
        if (!f->a) return ser_puts(b, "<ul>\n");
        if ((r = ser_puts(b, "<ol"))) return r;
        if ((f->a & 2u) && (r = ser_puts(b, " reversed"))) return r;
        if ((f->num != 1 || (f->a & 2u)) && (r = h_num_attr(b, "start", f->num))) return r;
        return ser_puts(b, ">\n");
    case PITH_EV_ITEM: {
        const ser_frame *p = ser_parent(b, f);
        if ((r = ser_puts(b, "<li"))) return r;
        if (f->b && p && p->ev == PITH_EV_LIST && p->a && (r = h_num_attr(b, "value", f->num)))
            return r;
        if ((r = ser_put(b, ">", 1))) return r;
        if (f->a == 1) return ser_puts(b, "<input type=\"checkbox\" disabled> ");
        if (f->a == 2) return ser_puts(b, "<input type=\"checkbox\" disabled checked> ");
        return 0;
    }
    case PITH_EV_TABLE:
        return ser_puts(b, "<table>\n");
    case PITH_EV_ROW:
        return ser_puts(b, "<tr>");
    case PITH_EV_CELL:
        if ((r = ser_puts(b, f->b ? "<th" : "<td"))) return r;
        if (f->a > 1 && (r = h_num_attr(b, "colspan", f->a))) return r;
        return ser_put(b, ">", 1);
    default:
        return 0;
    }
}

static int h_box_end(ser_base *b, ser_frame *f)
{
    switch ((pith_ev)f->ev) {
    case PITH_EV_UNIT:
        return ser_puts(b, "</section>\n");
    case PITH_EV_SECTION:
        return ser_puts(b, section_close[f->a <= PITH_SECTION_NOTES ? f->a : 0]);
    case PITH_EV_QUOTE:
        return ser_puts(b, "</blockquote>\n");
    case PITH_EV_LIST:
        return ser_puts(b, f->a ? "</ol>\n" : "</ul>\n");
    case PITH_EV_ITEM:
        return ser_puts(b, "</li>\n");
    case PITH_EV_TABLE:
        return ser_puts(b, "</table>\n");
    case PITH_EV_ROW:
        return ser_puts(b, "</tr>\n");
    case PITH_EV_CELL:
        return ser_puts(b, f->b ? "</th>" : "</td>");
    default:
        return 0;
    }
}

static int h_leaf_open(ser_base *b, ser_frame *f)
{
    html_state *h = (html_state *)b;
    int r;
    h->cur = 0;
    switch ((pith_ev)f->ev) {
    case PITH_EV_HEADING: {
        char tag[4] = {'<', 'h', (char)('0' + f->a), '>'};
        return ser_put(b, tag, 4);
    }
    case PITH_EV_CODE: {
        /* the language is the first word of the info string (CommonMark §4.5) */
        size_t k = 0;
        while (k < f->s.n && f->s.p[k] != ' ' && f->s.p[k] != '\t' && f->s.p[k] != '\n' &&
               f->s.p[k] != '\r')
            k++;
        if ((r = ser_puts(b, "<pre><code"))) return r;
        if (k && ((r = ser_puts(b, " class=\"language-")) || (r = h_esc(b, f->s.p, k)) ||
                  (r = ser_put(b, "\"", 1))))
            return r;
        return ser_put(b, ">", 1);
    }
    case PITH_EV_PARAGRAPH:
        return ser_puts(b, "<p>");
    default:
        /* inline content straight in a container: a list item or a cell holds it as is */
        f->u = !(f->ev == PITH_EV_ITEM || f->ev == PITH_EV_CELL || f->ev == PITH_EV_LIST ||
                 f->ev == PITH_EV_TABLE || f->ev == PITH_EV_ROW);
        return f->u ? ser_puts(b, "<p>") : 0;
    }
}

static int h_leaf_close(ser_base *b, ser_frame *f)
{
    html_state *h = (html_state *)b;
    int r;
    if ((r = h_flags(h, 0))) return r;
    switch ((pith_ev)f->ev) {
    case PITH_EV_HEADING: {
        char tag[6] = {'<', '/', 'h', (char)('0' + f->a), '>', '\n'};
        return ser_put(b, tag, 6);
    }
    case PITH_EV_CODE:
        return ser_puts(b, "</code></pre>\n");
    case PITH_EV_PARAGRAPH:
        return ser_puts(b, "</p>\n");
    default:
        return f->u ? ser_puts(b, "</p>\n") : 0;
    }
}

static int h_span_open(ser_base *b, ser_frame *f)
{
    html_state *h = (html_state *)b;
    int r;
    if ((r = h_flags(h, 0)) || (r = ser_puts(b, "<a")) || (r = h_attr(b, "href", f->s.p, f->s.n)))
        return r;
    return ser_put(b, ">", 1);
}

static int h_span_close(ser_base *b, ser_frame *f)
{
    html_state *h = (html_state *)b;
    int r;
    (void)f;
    if ((r = h_flags(h, 0))) return r;
    return ser_puts(b, "</a>");
}

static int h_text(ser_base *b, const char *s, size_t n, uint32_t flags)
{
    html_state *h = (html_state *)b;
    int r;
    if (!h_in_code(b) && (r = h_flags(h, flags & (PITH_TEXT_EMPH | PITH_TEXT_STRONG |
                                                   PITH_TEXT_CODE | PITH_TEXT_STRIKE))))
        return r;
    return h_esc(b, s, n);
}

static int h_leaf(ser_base *b, pith_ev ev, const void *detail)
{
    int r;
    switch (ev) {
    case PITH_EV_BREAK:
        if ((r = ser_inline(b)) || !b->leaf) return r;
        return h_in_code(b) ? ser_put(b, "\n", 1) : ser_puts(b, "<br>");
    case PITH_EV_IMAGE: {
        const pith_ev_image *im = detail;
        if (!im) return 0;
        if ((r = ser_inline(b)) || !b->leaf) return r;
        if ((r = ser_puts(b, "<img")) || (r = h_attr(b, "src", im->src.p, im->src.n)) ||
            (r = h_attr(b, "alt", im->alt.p, im->alt.n)))
            return r;
        return ser_put(b, ">", 1);
    }
    case PITH_EV_RULE:
        if ((r = ser_interrupt(b))) return r;
        return ser_puts(b, "<hr>\n");
    default:
        return 0;  /* META, POSITION */
    }
}

static const ser_ops html_ops = {
    .box_begin = h_box_begin,
    .box_end = h_box_end,
    .leaf_open = h_leaf_open,
    .leaf_close = h_leaf_close,
    .span_open = h_span_open,
    .span_close = h_span_close,
    .text = h_text,
    .leaf = h_leaf,
};

pith_status pith_ser_html_init(pith_doc *doc, pith_sink *sink)
{
    html_state *h = ser_create(doc, sizeof *h, &html_ops, sink);
    if (!h) return pith_doc_status(doc);
    return PITH_OK;
}
