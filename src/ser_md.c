/* ser_md.c: the Markdown serializer (PITH_OUT_MARKDOWN): CommonMark 0.31 plus GFM tables,
 * task items and strikethrough.
 *
 * Container blocks work as in the CommonMark spec (§5): every line starts with the prefixes of
 * the open quotes ("> ") and list items (the marker on an item's first line, its width in
 * spaces after), written by the shared line writer, so any nesting comes out right. Lists are
 * tight; a block after the first one inside an item (other than a nested list) gets a blank
 * line, which makes that list loose. Two adjacent lists alternate their bullet ('-'/'*', '.'/')')
 * so they stay two lists. Text is escaped so it renders to itself: the inline specials always;
 * at the start of a line, what would start a block (# - + = "1." and the | : of a GFM table
 * delimiter row). Inline flags become ~~ ** * and code spans, whose markers hug the text (spaces
 * are moved outside) and close at line ends. Fenced code blocks and tables are buffered in
 * per-unit memory until their end: a fence must be longer than every backtick run inside, and a
 * GFM table needs its width before its first line. A table cell is one line: blocks inside it
 * are joined with <br>, pipes escaped. Not written: metadata, positions; a table without rows
 * writes nothing; hard breaks at the start or end of a block (Markdown cannot express them).
 */
#include "ser_util.h"

#include <string.h>

enum { M_PARA = 0, M_HEAD, M_CELL, M_CODE };

typedef struct md_cell {
    size_t off, len;  /* bytes of tbuf */
    uint32_t span;
} md_cell;

typedef struct md_state {
    ser_base base;
    uint32_t cur;      /* inline flags whose markers are open (CODE: the span is in `code`) */
    uint32_t held;     /* spaces held back so markers hug text; dropped at a line end */
    uint8_t brk;       /* a hard break owed before the next content */
    uint8_t bang;      /* a '!' ending a text held back: "![" after it would be an image */
    uint8_t wrote;     /* content written in the current heading or cell line */
    uint8_t in_tbl;    /* inside a table: output goes to the cell buffer, or nowhere */
    uint8_t in_cell;
    uint32_t flat_code;  /* code blocks open inside the current cell: their text is code */
    ser_buf code;      /* the open code block or code span */
    ser_buf tbuf;      /* text of the table's cells */
    ser_buf cells;     /* md_cell records */
    ser_buf rows;      /* uint32_t: cells per row */
    size_t cell_off;
} md_state;

static const char *const md_marker[SER_FLAG_COUNT] = {"~~", "**", "*", "`"};

static void md_drop(md_state *md)
{
    md->cur = 0;
    ser_buf_drop(&md->code);
    ser_buf_drop(&md->tbuf);
    ser_buf_drop(&md->cells);
    ser_buf_drop(&md->rows);
    md->in_tbl = md->in_cell = 0;
    md->flat_code = 0;
}

static void md_reset(ser_base *b) { md_drop((md_state *)b); }

/* MARK: - Output (Private) */

/* Everything Markdown writes goes here: into the current table cell while a table is open
 * (and nowhere between cells), else to the line writer. */
static int md_out(md_state *md, const char *s, size_t n)
{
    if (md->in_tbl) return md->in_cell ? ser_buf_put(md->base.doc, &md->tbuf, s, n) : 0;
    return ser_lines_put(&md->base, s, n);
}

static int md_repeat(md_state *md, char c, size_t n)
{
    char buf[32];
    int r;
    memset(buf, c, sizeof buf);
    while (n) {
        size_t k = n < sizeof buf ? n : sizeof buf;
        if ((r = md_out(md, buf, k))) return r;
        n -= k;
    }
    return 0;
}

static size_t longest_backticks(const char *s, size_t n)
{
    size_t i, run = 0, best = 0;
    for (i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > best) best = run;
    }
    return best;
}

/* A code span (CommonMark §6.1): a fence longer than any backtick run inside; a space of
 * padding on both sides when the content starts or ends with a backtick (the parser strips one
 * from each side). Trailing spaces go after the span, as held spaces, the way leading ones were
 * held before it. Pipes are escaped in a table even here (GFM §4.10). */
static int md_code_span(md_state *md)
{
    const char *s = md->code.p;
    size_t n = md->code.n, fence, i, j;
    int pad, r;
    while (n > 0 && s[n - 1] == ' ') {
        n--;
        md->held++;
    }
    md->code.n = 0;
    if (n == 0) return 0;
    fence = longest_backticks(s, n) + 1;
    pad = s[0] == '`' || s[n - 1] == '`';
    if ((r = md_repeat(md, '`', fence))) return r;
    if (pad && (r = md_out(md, " ", 1))) return r;
    for (i = 0; i < n; i = j + 1) {
        for (j = i; j < n && !(md->in_cell && s[j] == '|'); j++) {}
        if ((r = md_out(md, s + i, j - i))) return r;
        if (j < n && (r = md_out(md, "\\|", 2))) return r;
    }
    if (pad && (r = md_out(md, " ", 1))) return r;
    return md_repeat(md, '`', fence);
}

/* Write the held '!', escaped when a link or image is next. */
static int md_bang(md_state *md, bool esc)
{
    if (!md->bang) return 0;
    md->bang = 0;
    return esc ? md_out(md, "\\!", 2) : md_out(md, "!", 1);
}

/* Close the open markers from flag index `split` inward, innermost first. */
static int md_close_to(md_state *md, int split)
{
    int i, r;
    if ((r = md_bang(md, false))) return r;
    for (i = SER_FLAG_COUNT - 1; i >= split; i--) {
        uint32_t fl = ser_flag_order[i];
        if (!(md->cur & fl)) continue;
        md->cur &= ~fl;
        if (fl == PITH_TEXT_CODE) r = md_code_span(md);
        else r = md_out(md, md_marker[i], strlen(md_marker[i]));
        if (r) return r;
    }
    return 0;
}

static int md_open_from(md_state *md, uint32_t want, int split)
{
    int i, r;
    for (i = split; i < SER_FLAG_COUNT; i++) {
        uint32_t fl = ser_flag_order[i];
        if (!(want & fl)) continue;
        md->cur |= fl;
        if (fl == PITH_TEXT_CODE) md->code.n = 0;
        else if ((r = md_out(md, md_marker[i], strlen(md_marker[i])))) return r;
    }
    return 0;
}

/* Close every marker and forget held spaces: the end of a line, a block. */
static int md_inline_end(md_state *md)
{
    int r = md_close_to(md, 0);
    md->held = 0;
    return r;
}

/* Before a content byte: the owed cell separator or hard break, then the flag change (markers
 * closed before the held spaces, opened after them, so they hug the text). */
static int md_content(md_state *md, int mode, uint32_t flags)
{
    int split, r;
    if ((r = md_bang(md, false))) return r;
    if (mode == M_CELL) {
        int k = ser_flat_take(&md->base);
        if (k != SER_FSEP_NONE) {
            if ((r = md_inline_end(md))) return r;
            if ((r = k == SER_FSEP_LINE ? md_out(md, "<br>", 4) : md_out(md, " ", 1))) return r;
        }
    }
    if (md->brk) {
        md->brk = 0;
        if ((r = md_inline_end(md))) return r;
        if ((r = md_out(md, "\\\n", 2))) return r;
    }
    split = ser_flags_split(md->cur, flags);
    if (split < SER_FLAG_COUNT && (r = md_close_to(md, split))) return r;
    if (md->held) {
        uint32_t h = md->held;
        md->held = 0;
        if ((r = md_repeat(md, ' ', h))) return r;
    }
    if (split < SER_FLAG_COUNT && (r = md_open_from(md, flags, split))) return r;
    md->wrote = 1;
    return 0;
}

static bool md_at_start(md_state *md, int mode)
{
    if (mode == M_PARA) return md->brk || ser_lines_at_start(&md->base);
    return !md->wrote;
}

/* The bytes md_plain may not pass; every other byte is plain wherever it stands. A table, so
 * that a run of text is scanned without a call per byte (md_plain per byte was a sixth of a
 * Markdown document's time to Markdown output, the run loop around it another third). */
static const uint8_t md_special[256] = {
    ['\\'] = 1, ['*'] = 1, ['_'] = 1, ['`'] = 1, ['['] = 1, [']'] = 1, ['<'] = 1, ['>'] = 1,
    ['~'] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['|'] = 1, ['#'] = 1, ['&'] = 1,
};

/* A byte that can be written as is (not at the start of a line). '&' only matters before
 * what could make an entity reference. */
static bool md_plain(int mode, const char *s, size_t i, size_t n)
{
    switch (s[i]) {
    case '\\': case '*': case '_': case '`': case '[': case ']': case '<': case '>': case '~':
    case ' ': case '\t': case '\n': case '\r':
        return false;
    case '|':
        return mode != M_CELL;
    case '#':
        return mode != M_HEAD;  /* trailing #s would close the heading */
    case '&':
        if (i + 1 >= n) return false;
        {
            char c = s[i + 1];
            return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '#');
        }
    default:
        return true;
    }
}

/* Escaped text without whitespace handling (image alts): line ends become spaces. */
static int md_esc(md_state *md, int mode, const char *s, size_t n)
{
    size_t i = 0, j;
    int r;
    while (i < n) {
        for (j = i; j < n && (md_plain(mode, s, j, n) || s[j] == ' ' || s[j] == '\t'); j++) {}
        if ((r = md_out(md, s + i, j - i))) return r;
        if (j >= n) break;
        if (s[j] == '\n' || s[j] == '\r') r = md_out(md, " ", 1);
        else if ((r = md_out(md, "\\", 1)) == 0) r = md_out(md, s + j, 1);
        if (r) return r;
        i = j + 1;
    }
    return 0;
}

static int md_code_put(md_state *md, const char *s, size_t n)
{
    size_t i, j;
    int r;
    for (i = 0; i < n; i = j + 1) {
        for (j = i; j < n && s[j] != '\n' && s[j] != '\r'; j++) {}
        if ((r = ser_buf_put(md->base.doc, &md->code, s + i, j - i))) return r;
        if (j < n && (r = ser_buf_put(md->base.doc, &md->code, " ", 1))) return r;
    }
    return 0;
}

static int md_inline(md_state *md, int mode, const char *s, size_t n, uint32_t flags)
{
    size_t i = 0, j;
    int r;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (flags & PITH_TEXT_CODE) {
            /* spaces opening a code run are held like others, so the span hugs its text */
            if (!(md->cur & PITH_TEXT_CODE) && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                if (!md_at_start(md, mode) && c != '\n' && c != '\r') md->held++;
                i++;
                continue;
            }
            if ((r = md_content(md, mode, flags))) return r;
            return md_code_put(md, s + i, n - i);
        }
        if (c == ' ' || c == '\t') {
            if (!md_at_start(md, mode)) md->held++;
            i++;
            continue;
        }
        if (c == '\n' || c == '\r') {  /* both end a line in CommonMark (§2.1) */
            i++;
            if (mode == M_HEAD) {  /* a heading is one line */
                md->held = md->wrote ? 1 : 0;
            } else if (mode == M_CELL) {
                md->held = 0;
                if (md->base.fsep < SER_FSEP_LINE) md->base.fsep = SER_FSEP_LINE;
            } else if (!md_at_start(md, mode)) {
                if ((r = md_inline_end(md))) return r;
                if ((r = md_out(md, "\n", 1))) return r;
            } else {
                md->held = 0;
            }
            continue;
        }
        if ((r = md_content(md, mode, flags))) return r;
        if (mode == M_PARA && ser_lines_at_start(&md->base)) {
            /* block starts: ATX heading, bullet, setext underline, ordered list marker, and
             * what could make a line a GFM table delimiter row */
            if (c == '#' || c == '-' || c == '+' || c == '=' || c == '|' || c == ':') {
                if ((r = md_out(md, "\\", 1)) || (r = md_out(md, s + i, 1))) return r;
                i++;
                continue;
            }
            if (c >= '0' && c <= '9') {
                for (j = i; j < n && j - i < 10 && s[j] >= '0' && s[j] <= '9'; j++) {}
                if (j < n && (s[j] == '.' || s[j] == ')')) {
                    if ((r = md_out(md, s + i, j - i)) || (r = md_out(md, "\\", 1)) ||
                        (r = md_out(md, s + j, 1)))
                        return r;
                    i = j + 1;
                    continue;
                }
            }
        }
        /* a run of plain bytes; single spaces between them too: such a space would be held
         * and written before the next byte anyway (the flags are the same, nothing is owed
         * mid-run), so the run goes out in one piece instead of a write per word */
        for (j = i; j < n; j++) {
            unsigned char b = (unsigned char)s[j];
            if (!md_special[b]) continue;
            if (b != ' ') {
                if (md_plain(mode, s, j, n)) continue;
                break;
            }
            /* a single space with plain bytes on both sides */
            if (j == i || j + 1 >= n) break;
            if (!md_special[(unsigned char)s[j + 1]] || md_plain(mode, s, j + 1, n)) continue;
            break;
        }
        if (j > i) {
            size_t k = j - i;
            if (j == n && s[n - 1] == '!') {  /* what follows decides its escape */
                md->bang = 1;
                k--;
            }
            if ((r = md_out(md, s + i, k))) return r;
            i = j;
            continue;
        }
        if ((r = md_out(md, "\\", 1)) || (r = md_out(md, s + i, 1))) return r;
        i++;
    }
    return 0;
}

/* Link destinations (CommonMark §6.3) in the bare form: bytes that would end or break it are
 * percent-encoded (also '|', which would split a table cell), parentheses and backslashes
 * escaped. */
static int md_href(md_state *md, pith_str h)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0, j;
    int r;
    while (i < h.n) {
        for (j = i; j < h.n; j++) {
            unsigned char c = (unsigned char)h.p[j];
            if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '|' || c == '(' ||
                c == ')' || c == '\\')
                break;
        }
        if ((r = md_out(md, h.p + i, j - i))) return r;
        if (j >= h.n) break;
        {
            unsigned char c = (unsigned char)h.p[j];
            char e[3];
            if (c == '(' || c == ')' || c == '\\') {
                e[0] = '\\';
                e[1] = (char)c;
                r = md_out(md, e, 2);
            } else {
                e[0] = '%';
                e[1] = hex[c >> 4];
                e[2] = hex[c & 15];
                r = md_out(md, e, 3);
            }
            if (r) return r;
        }
        i = j + 1;
    }
    return 0;
}

/* MARK: - Blocks (Private) */

static int md_mode(md_state *md)
{
    ser_base *b = &md->base;
    uint32_t i = b->depth;
    if (md->in_cell) return M_CELL;
    while (i > 0 && b->st[i - 1].cls == SER_SPAN) i--;
    if (i == 0) return M_PARA;
    switch ((pith_ev)b->st[i - 1].ev) {
    case PITH_EV_HEADING:
        return M_HEAD;
    case PITH_EV_CODE:
        return M_CODE;
    default:
        return M_PARA;
    }
}

/* Separation between the blocks a container holds. */
static int ctx_sep(const ser_frame *box)
{
    if (box && (box->ev == PITH_EV_ITEM || box->ev == PITH_EV_LIST)) return SER_SEP_LINE;
    return SER_SEP_BLANK;
}

/* A block starts in `parent`: inside a list item a blank line keeps it from being read as a
 * continuation of the previous block (a nested list may follow a line directly and keep the
 * list tight); and the previous list of that container is no longer adjacent. */
static void md_block_start(md_state *md, ser_frame *parent, pith_ev ev)
{
    if (!parent || parent->ev == PITH_EV_LIST) return;  /* a list's u is its bullet */
    if (ev == PITH_EV_LIST) return;
    if (parent->ev == PITH_EV_ITEM && !parent->fresh) ser_lines_owe(&md->base, SER_SEP_BLANK);
    parent->u = 0;
}

static int md_code_block(md_state *md, ser_frame *f)
{
    const char *s = md->code.p;
    size_t n = md->code.n, fence = longest_backticks(s, n) + 1, i, j;
    int r;
    if (fence < 3) fence = 3;
    if ((r = md_repeat(md, '`', fence))) return r;
    /* the info string may not hold backticks (§4.5) nor line ends */
    for (i = 0; i < f->s.n; i = j + 1) {
        const char *l = f->s.p;
        for (j = i; j < f->s.n && l[j] != '`' && l[j] != '\n' && l[j] != '\r'; j++) {}
        if ((r = md_out(md, l + i, j - i))) return r;
    }
    if ((r = md_out(md, "\n", 1))) return r;
    if ((r = md_out(md, s, n))) return r;
    if (n && s[n - 1] != '\n' && (r = md_out(md, "\n", 1))) return r;
    md->code.n = 0;
    return md_repeat(md, '`', fence);
}

/* GFM table (§4.10): the first row is the header, then the delimiter row; every row gets as
 * many cells as the widest row, a cell spanning n columns being followed by n-1 empty ones. */
static int md_table(md_state *md)
{
    ser_base *b = &md->base;
    const uint32_t *rows = (const uint32_t *)(void *)md->rows.p;
    const md_cell *cells = (const md_cell *)(void *)md->cells.p;
    size_t nrows = md->rows.n / sizeof(uint32_t), r, c, k = 0, cols = 0, w, i;
    int e;
    for (r = 0; r < nrows; r++) {
        for (w = 0, c = 0; c < rows[r]; c++) w += cells[k + c].span;
        if (w > cols) cols = w;
        k += rows[r];
    }
    if (cols == 0) return 0;
    for (k = 0, r = 0; r < nrows; r++) {
        if (r > 0 && (e = ser_lines_put(b, "\n", 1))) return e;
        if ((e = ser_lines_put(b, "|", 1))) return e;
        for (w = 0, c = 0; c < rows[r]; c++) {
            const md_cell *cl = &cells[k + c];
            /* A table of empty cells never allocated its text buffer: no offset into NULL. */
            const char *text = cl->len ? md->tbuf.p + cl->off : "";
            if ((e = ser_lines_put(b, " ", 1)) || (e = ser_lines_put(b, text, cl->len)))
                return e;
            if ((e = ser_lines_put(b, cl->len ? " |" : "|", cl->len ? 2 : 1))) return e;
            for (i = 1; i < cl->span; i++)
                if ((e = ser_lines_put(b, " |", 2))) return e;
            w += cl->span;
        }
        for (; w < cols; w++)
            if ((e = ser_lines_put(b, " |", 2))) return e;
        k += rows[r];
        if (r == 0) {
            if ((e = ser_lines_put(b, "\n|", 2))) return e;
            for (i = 0; i < cols; i++)
                if ((e = ser_lines_put(b, " --- |", 6))) return e;
        }
    }
    return 0;
}

static int md_box_begin(ser_base *b, ser_frame *f, const void *detail)
{
    md_state *md = (md_state *)b;
    ser_frame *p = ser_parent(b, f);
    (void)detail;
    switch ((pith_ev)f->ev) {
    case PITH_EV_UNIT:
        md_drop(md);
        ser_lines_owe(b, SER_SEP_BLANK);
        return 0;
    case PITH_EV_QUOTE:
        md_block_start(md, p, PITH_EV_QUOTE);
        f->pfx = SER_PFX_QUOTE;
        f->fresh = 1;
        f->mark[0] = '>';
        f->mark[1] = ' ';
        f->mark_len = 2;
        return 0;
    case PITH_EV_LIST: {
        /* the previous block of this container was a list of the same kind: another bullet */
        char c = f->a ? '.' : '-';
        md_block_start(md, p, PITH_EV_LIST);
        if (p && p->u == (uint32_t)c) c = f->a ? ')' : '*';
        f->u = (uint32_t)c;
        return 0;
    }
    case PITH_EV_ITEM: {
        size_t k = 0;
        if (p && p->ev == PITH_EV_LIST && p->a) {
            /* CommonMark: 0 to 999999999 (a reversed list has no Markdown of its own: its
             * numbers are written as they count down, which a reader takes as a start) */
            int64_t num = ser_item_number(p, f);
            k = ser_u64(f->mark, num < 0 ? 0 : num > 999999999 ? 999999999u : (uint64_t)num);
            f->mark[k++] = (char)p->u;
        } else {
            f->mark[k++] = p && p->ev == PITH_EV_LIST ? (char)p->u : '-';
        }
        f->mark[k++] = ' ';
        f->mark_w = (uint8_t)k;
        if (f->a) {
            f->mark[k++] = '[';
            f->mark[k++] = f->a == 2 ? 'x' : ' ';
            f->mark[k++] = ']';
            f->mark[k++] = ' ';
        }
        f->mark_len = (uint8_t)k;
        f->pfx = SER_PFX_ITEM;
        f->fresh = 1;
        if (p) p->n++;
        return 0;
    }
    case PITH_EV_SECTION:
        /* a block of its parent (a footnote in a list item): set apart like one */
        md_block_start(md, p, PITH_EV_SECTION);
        return 0;
    case PITH_EV_TABLE:
        md_block_start(md, p, PITH_EV_TABLE);
        md->in_tbl = 1;
        md->tbuf.n = md->cells.n = md->rows.n = 0;
        return 0;
    case PITH_EV_ROW: {
        uint32_t zero = 0;
        return ser_buf_put(b->doc, &md->rows, (const char *)&zero, sizeof zero);
    }
    case PITH_EV_CELL: {
        int r;
        if (!md->in_tbl) return 0;
        if (md->rows.n == 0) {
            uint32_t zero = 0;
            if ((r = ser_buf_put(b->doc, &md->rows, (const char *)&zero, sizeof zero))) return r;
        }
        md->in_cell = 1;
        md->cell_off = md->tbuf.n;
        md->wrote = 0;
        md->held = 0;
        md->flat_code = 0;
        return 0;
    }
    default:
        return 0;
    }
}

static int md_box_end(ser_base *b, ser_frame *f)
{
    md_state *md = (md_state *)b;
    ser_frame *p = ser_parent(b, f);
    int r;
    switch ((pith_ev)f->ev) {
    case PITH_EV_DOCUMENT:
        return ser_lines_end(b);
    case PITH_EV_UNIT:
        md_drop(md);
        return ser_lines_end(b);
    case PITH_EV_ITEM:
        if (f->fresh && (r = ser_lines_touch(b))) return r;
        break;
    case PITH_EV_LIST:
        if (p) p->u = f->u;
        break;
    case PITH_EV_CELL: {
        md_cell cl;
        if (!md->in_cell) return 0;
        if ((r = md_inline_end(md))) return r;
        md->in_cell = 0;
        cl.off = md->cell_off;
        cl.len = md->tbuf.n - md->cell_off;
        cl.span = f->a;
        if ((r = ser_buf_put(b->doc, &md->cells, (const char *)&cl, sizeof cl))) return r;
        ((uint32_t *)(void *)md->rows.p)[md->rows.n / sizeof(uint32_t) - 1]++;
        return 0;
    }
    case PITH_EV_ROW:
        return 0;
    case PITH_EV_TABLE:
        md->in_tbl = 0;
        if ((r = md_table(md))) return r;
        break;
    default:
        break;
    }
    ser_lines_set(b, ctx_sep(p));
    return 0;
}

static int md_leaf_open(ser_base *b, ser_frame *f)
{
    md_state *md = (md_state *)b;
    ser_frame *p = f->cls == SER_BOX ? f : ser_parent(b, f);
    md->held = 0;
    md->brk = 0;
    md->wrote = 0;
    md->cur = 0;
    if (md->in_tbl) return 0;
    md_block_start(md, p, (pith_ev)f->ev);
    if (f->ev == PITH_EV_HEADING) {
        static const char hashes[] = "###### ";
        return ser_lines_put(b, hashes + 6 - f->a, f->a + 1);
    }
    if (f->ev == PITH_EV_CODE) md->code.n = 0;
    return 0;
}

static int md_leaf_close(ser_base *b, ser_frame *f)
{
    md_state *md = (md_state *)b;
    int r;
    if ((r = md_inline_end(md))) return r;
    md->brk = 0;
    if (md->in_tbl) return 0;
    if (f->ev == PITH_EV_CODE && (r = md_code_block(md, f))) return r;
    ser_lines_set(b, ctx_sep(f->cls == SER_BOX ? f : ser_parent(b, f)));
    return 0;
}

static int md_span_open(ser_base *b, ser_frame *f)
{
    md_state *md = (md_state *)b;
    int mode = md_mode(md), r;
    if (mode == M_CODE || (md->in_tbl && !md->in_cell)) return 0;
    if ((r = md_bang(md, true)) || (r = md_content(md, mode, 0))) return r;
    f->u = 1;  /* "[" written */
    return md_out(md, "[", 1);
}

static int md_span_close(ser_base *b, ser_frame *f)
{
    md_state *md = (md_state *)b;
    int r;
    if (!f->u) return 0;
    /* spaces held at the end of the link text stay held: they go after it */
    if ((r = md_close_to(md, 0))) return r;
    if ((r = md_out(md, "](", 2)) || (r = md_href(md, f->s))) return r;
    return md_out(md, ")", 1);
}

static int md_flat(ser_base *b, ser_frame *f, int begin)
{
    md_state *md = (md_state *)b;
    if (f->ev == PITH_EV_CODE) {
        if (begin) md->flat_code++;
        else if (md->flat_code) md->flat_code--;
    }
    return 0;
}

static int md_text(ser_base *b, const char *s, size_t n, uint32_t flags)
{
    md_state *md = (md_state *)b;
    int mode = md->in_cell ? M_CELL : md_mode(md);
    if (md->in_tbl && !md->in_cell) return 0;
    if (mode == M_CODE) return ser_buf_put(b->doc, &md->code, s, n);
    if (mode == M_CELL && md->flat_code) flags |= PITH_TEXT_CODE;
    return md_inline(md, mode, s, n, flags & (PITH_TEXT_EMPH | PITH_TEXT_STRONG | PITH_TEXT_CODE |
                                              PITH_TEXT_STRIKE));
}

static int md_leaf(ser_base *b, pith_ev ev, const void *detail)
{
    md_state *md = (md_state *)b;
    int mode, r;
    switch (ev) {
    case PITH_EV_BREAK:
        if (md->in_tbl && !md->in_cell) return 0;
        if ((r = ser_inline(b)) || !b->leaf) return r;
        mode = md->in_cell ? M_CELL : md_mode(md);
        if (mode == M_CODE) return ser_buf_put(b->doc, &md->code, "\n", 1);
        if (mode == M_CELL) {
            if (b->fsep < SER_FSEP_LINE) b->fsep = SER_FSEP_LINE;
        } else if (mode == M_HEAD) {
            if (md->wrote) md->held = 1;
        } else if (!md_at_start(md, mode)) {
            md->brk = 1;  /* written before the next content: a break ending a block is lost */
        }
        return 0;
    case PITH_EV_IMAGE: {
        const pith_ev_image *im = detail;
        if (!im || (md->in_tbl && !md->in_cell)) return 0;
        if ((r = ser_inline(b)) || !b->leaf) return r;
        mode = md->in_cell ? M_CELL : md_mode(md);
        if (mode == M_CODE) return ser_buf_put(b->doc, &md->code, im->alt.p, im->alt.n);
        if ((r = md_bang(md, true)) || (r = md_content(md, mode, 0))) return r;
        if ((r = md_out(md, "![", 2)) || (r = md_esc(md, mode, im->alt.p, im->alt.n)) ||
            (r = md_out(md, "](", 2)) || (r = md_href(md, im->src)))
            return r;
        return md_out(md, ")", 1);
    }
    case PITH_EV_RULE: {
        ser_frame *p;
        if (md->in_tbl) {
            if (md->in_cell && b->fsep < SER_FSEP_LINE) b->fsep = SER_FSEP_LINE;
            return 0;
        }
        if ((r = ser_interrupt(b))) return r;
        p = ser_top_box(b);
        md_block_start(md, p, PITH_EV_RULE);
        if ((r = ser_lines_put(b, "---", 3))) return r;
        ser_lines_set(b, ctx_sep(p));
        return 0;
    }
    default:
        return 0;  /* META, POSITION */
    }
}

static const ser_ops md_ops = {
    .box_begin = md_box_begin,
    .box_end = md_box_end,
    .leaf_open = md_leaf_open,
    .leaf_close = md_leaf_close,
    .span_open = md_span_open,
    .span_close = md_span_close,
    .flat = md_flat,
    .text = md_text,
    .leaf = md_leaf,
    .reset = md_reset,
    .flat_mask = 1u << PITH_EV_CELL,
};

pith_status pith_ser_md_init(pith_doc *doc, pith_sink *sink)
{
    md_state *md = ser_create(doc, sizeof *md, &md_ops, sink);
    if (!md) return pith_doc_status(doc);
    return PITH_OK;
}
