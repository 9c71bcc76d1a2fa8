/* ser_text.c: the plain text serializer (PITH_OUT_TEXT).
 *
 * Blocks are separated by one blank line, list items and table rows by a line break; list items
 * start with "- " or "N. " (plus "[x] "/"[ ] " for tasks; N counts down in a reversed list, to 0
 * and below if the items outnumber the start) and nested lists are indented two spaces a level;
 * a table row is one line of tab-separated cells (a cell spanning n columns is followed by n-1
 * more tabs). Text is written as it comes (handlers have normalized it); flags, links and
 * metadata leave no mark. Text that arrives at unit level, outside any block, is written
 * verbatim: the plain-text handler relies on it to give a .txt back byte for byte, so no final
 * newline is added after it either.
 */
#include "ser_util.h"

typedef struct txt_state {
    ser_base base;
    uint8_t raw;  /* the last thing written was unit-level text, verbatim */
} txt_state;

/* Separation between the blocks a container holds (NULL: the document level): a line in lists
 * and tables, none in rows and cells, a blank line elsewhere. A table and a macro, as it is
 * asked at the end of every block and at -Oz (wasm) a helper stays a call. */
#define BL SER_SEP_BLANK
#define LN SER_SEP_LINE
#define NO SER_SEP_NONE
_Static_assert(PITH_EV_COUNT == 18, "block_sep lists every event");
static const uint8_t block_sep[PITH_EV_COUNT] = {
    BL, BL, BL, BL, BL, BL, BL,
    LN, /* LIST */
    LN, /* ITEM */
    LN, /* TABLE */
    NO, /* ROW */
    NO, /* CELL */
    BL, BL, BL, BL, BL, BL,
};
#undef BL
#undef LN
#undef NO
#define CTX_SEP(box) ((box) ? block_sep[(box)->ev] : SER_SEP_BLANK)

/* Text of a cell stays on its row's line: a line break (like a block boundary in the cell)
 * becomes one space before the next content, a tab a space. */
static int put_flat(ser_base *b, const char *s, size_t n)
{
    size_t i = 0, j;
    int r;
    while (i < n) {
        if (s[i] == '\n') {
            if (b->fsep < SER_FSEP_LINE) b->fsep = SER_FSEP_LINE;
            i++;
            continue;
        }
        for (j = i; j < n && s[j] != '\n' && s[j] != '\t'; j++) {}
        if (ser_flat_take(b) != SER_FSEP_NONE && (r = ser_lines_put(b, " ", 1))) return r;
        if ((r = ser_lines_put(b, s + i, j - i))) return r;
        if (j < n && s[j] == '\t') {
            if ((r = ser_lines_put(b, " ", 1))) return r;
            j++;
        }
        i = j;
    }
    return 0;
}

static int txt_text(ser_base *b, const char *s, size_t n, uint32_t flags)
{
    txt_state *t = (txt_state *)b;
    (void)flags;
    if (ser_is_flat(b)) {
        t->raw = 0;
        return put_flat(b, s, n);
    }
    t->raw = b->leaf->ev == PITH_EV_UNIT;
    return ser_lines_put(b, s, n);
}

static int txt_box_begin(ser_base *b, ser_frame *f, const void *detail)
{
    txt_state *t = (txt_state *)b;
    ser_frame *p = ser_parent(b, f);
    (void)detail;
    switch ((pith_ev)f->ev) {
    case PITH_EV_UNIT:
        ser_lines_owe(b, SER_SEP_BLANK);
        return 0;
    case PITH_EV_ITEM: {
        size_t k = 0;
        if (p && p->ev == PITH_EV_LIST && p->a) {
            k = ser_i64(f->mark, ser_item_number(p, f));
            f->mark[k++] = '.';
        } else {
            f->mark[k++] = '-';
        }
        f->mark[k++] = ' ';
        if (f->a) {
            f->mark[k++] = '[';
            f->mark[k++] = f->a == 2 ? 'x' : ' ';
            f->mark[k++] = ']';
            f->mark[k++] = ' ';
        }
        f->mark_len = (uint8_t)k;
        f->mark_w = 2;
        f->pfx = SER_PFX_ITEM;
        f->fresh = 1;
        if (p) p->n++;
        return 0;
    }
    case PITH_EV_CELL:
        if (p && p->n++ > 0) {
            t->raw = 0;
            return ser_lines_put(b, "\t", 1);
        }
        return 0;
    default:
        return 0;
    }
}

static int txt_box_end(ser_base *b, ser_frame *f)
{
    txt_state *t = (txt_state *)b;
    int r;
    switch ((pith_ev)f->ev) {
    case PITH_EV_DOCUMENT:
        return t->raw ? 0 : ser_lines_end(b);
    case PITH_EV_UNIT:
        return t->raw ? 0 : ser_lines_end(b);
    case PITH_EV_ITEM:
        if (f->fresh) {  /* an empty item still shows its marker */
            t->raw = 0;
            if ((r = ser_lines_touch(b))) return r;
        }
        break;
    case PITH_EV_CELL: {
        uint32_t i;
        t->raw = 0;
        for (i = 1; i < f->a; i++)
            if ((r = ser_lines_put(b, "\t", 1))) return r;
        return 0;
    }
    default:
        break;
    }
    const ser_frame *p = ser_parent(b, f);
    ser_lines_set(b, CTX_SEP(p));
    return 0;
}

static int txt_leaf_close(ser_base *b, ser_frame *f)
{
    const ser_frame *box = f->cls == SER_BOX ? f : ser_parent(b, f);
    ser_lines_set(b, CTX_SEP(box));
    return 0;
}

static int txt_leaf(ser_base *b, pith_ev ev, const void *detail)
{
    txt_state *t = (txt_state *)b;
    int r;
    switch (ev) {
    case PITH_EV_BREAK:
        if ((r = ser_inline(b))) return r;
        if (!b->leaf) return 0;
        if (ser_is_flat(b)) {
            if (b->fsep < SER_FSEP_LINE) b->fsep = SER_FSEP_LINE;
            return 0;
        }
        t->raw = b->leaf->ev == PITH_EV_UNIT;
        return ser_lines_put(b, "\n", 1);
    case PITH_EV_IMAGE: {
        const pith_ev_image *im = detail;
        if (!im || !im->alt.n) return 0;
        if ((r = ser_inline(b))) return r;
        if (!b->leaf) return 0;
        t->raw = 0;  /* an image is not the text of a plain file: the document ends with \n */
        if (ser_is_flat(b)) return put_flat(b, im->alt.p, im->alt.n);
        return ser_lines_put(b, im->alt.p, im->alt.n);
    }
    case PITH_EV_RULE: {
        if (ser_is_flat(b)) {
            if (b->fsep < SER_FSEP_LINE) b->fsep = SER_FSEP_LINE;
            return 0;
        }
        if ((r = ser_interrupt(b))) return r;
        const ser_frame *box = ser_top_box(b);
        ser_lines_set(b, CTX_SEP(box));
        return 0;
    }
    default:
        return 0;  /* META, POSITION: not part of plain text */
    }
}

static const ser_ops txt_ops = {
    .box_begin = txt_box_begin,
    .box_end = txt_box_end,
    .leaf_close = txt_leaf_close,
    .text = txt_text,
    .leaf = txt_leaf,
    .flat_mask = 1u << PITH_EV_CELL,
};

pith_status pith_ser_text_init(pith_doc *doc, pith_sink *sink)
{
    txt_state *t = ser_create(doc, sizeof *t, &txt_ops, sink);
    if (!t) return pith_doc_status(doc);
    return PITH_OK;
}
