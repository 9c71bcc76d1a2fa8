/* md_block.c: Markdown block structure (CommonMark 0.31.2 §4-§5, GFM 0.29 tables §4.10).
 *
 * Each line goes through three phases, as in the spec's appendix and commonmark.js: match the
 * open containers (a '>' for a quote, the content indent for a list item), try block starts on
 * what is left (quote, ATX heading, fence, HTML block, setext underline, GFM table delimiter
 * row, thematic break, list item, indented code), then either continue the open paragraph
 * lazily or close what did not match and add the rest of the line to the leaf block. Tabs
 * count to the next multiple of 4 columns, and a tab that a marker only partly consumes leaves
 * its other columns as spaces (commonmark.js "partiallyConsumedTab").
 * List looseness (§5.3) is decided the moment a block or item is added after a blank line
 * (commonmark.js's endsWithBlankLine rules, evaluated as lines come): the first pass records
 * one bit per list, the second reads it when the list opens, so events never wait for a
 * list to end. Nothing recurses; containers nest at most max_depth deep (the markers of
 * deeper ones stay text), so matching a line costs at most max_depth steps.
 */
#include "md_block.h"

#include <string.h>

enum { C_DOC, C_QUOTE, C_LIST, C_ITEM };
enum { L_NONE, L_PARA, L_FENCE, L_ICODE, L_HTML, L_TABLE };

struct md_cont {
    uint8_t type;
    uint8_t lb;            /* the last line processed in it was blank (commonmark.js
                              _lastLineBlank) */
    uint8_t prev_item_lb;  /* LIST: its last closed item ended with a blank line */
    uint8_t has_child;     /* ITEM: a block was added to it */
    uint8_t ordered;
    char mark;             /* LIST: bullet character or '.'/')' */
    uint32_t start;
    uint32_t content_col;  /* ITEM: marker offset + padding, in columns */
    uint32_t list_id;      /* LIST: its looseness bit */
    uint64_t line_no;      /* ITEM: the line it started on */
};

/* The line being parsed, and the position in it (commonmark.js offset/column). */
typedef struct md_line {
    const char *p;
    size_t n;              /* without its line ending */
    size_t off;
    uint32_t col;
    bool partial;          /* the tab at off is partly consumed */
    size_t nonspace;
    uint32_t nonspace_col;
    uint32_t indent;
    bool blank, indented;
    bool ns_ok, ns_tab;    /* find_nonspace's memo: [ns_from, ns_pos) is spaces (ns_tab: or
                              tabs) and ns_pos is not one */
    size_t ns_from, ns_pos;
} md_line;

/* MARK: - Buffers */

static pith_status buf_reserve(pith_doc *doc, md_buf *b, size_t extra)
{
    size_t need;
    if (!pith_size_add(b->n, extra, &need))
        return pith_fail(doc, PITH_E_LIMIT, 0, "markdown: block too large");
    if (need <= b->cap) return PITH_OK;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *p = b->p ? pith_arena_grow(pith_doc_arena(doc), b->p, b->n, cap)
                   : pith_doc_alloc(doc, cap);
    if (!p) {
        pith_status st = pith_doc_status(doc);
        return st != PITH_OK ? st : pith_fail_alloc(doc, cap);
    }
    b->p = p;
    b->cap = cap;
    return PITH_OK;
}

static pith_status buf_put(pith_doc *doc, md_buf *b, const char *s, size_t n)
{
    pith_status st = buf_reserve(doc, b, n);
    if (st != PITH_OK) return st;
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    return PITH_OK;
}

/* MARK: - Line position */

/* The next non-space of the line (commonmark.js findNextNonspace). The end of the space run
 * is remembered: each container of a deep list looks for it again, and rescanning a long
 * indent every time would make a line cost depth x indent. Without a tab in the run the
 * column follows from the byte count. */
static void find_nonspace(md_line *l)
{
    size_t i;
    uint32_t col;
    if (l->ns_ok && l->off >= l->ns_from && l->off <= l->ns_pos && !l->ns_tab && !l->partial) {
        i = l->ns_pos;
        col = l->col + (uint32_t)(i - l->off);
    } else {
        bool tab = false;
        i = l->off;
        col = l->col;
        while (i < l->n) {
            char c = l->p[i];
            if (c == ' ') {
                i++;
                col++;
            } else if (c == '\t') {
                i++;
                col += 4 - col % 4;
                tab = true;
            } else {
                break;
            }
        }
        l->ns_ok = true;
        l->ns_from = l->off;
        l->ns_pos = i;
        l->ns_tab = tab;
    }
    l->blank = i >= l->n;
    l->nonspace = i;
    l->nonspace_col = col;
    l->indent = col - l->col;
    l->indented = l->indent >= 4;
}

static void advance(md_line *l, uint32_t count, bool columns)
{
    while (count > 0 && l->off < l->n) {
        if (l->p[l->off] == '\t') {
            uint32_t to_tab = 4 - l->col % 4;
            if (columns) {
                l->partial = to_tab > count;
                uint32_t k = to_tab > count ? count : to_tab;
                l->col += k;
                l->off += l->partial ? 0 : 1;
                count -= k;
            } else {
                l->partial = false;
                l->col += to_tab;
                l->off++;
                count--;
            }
        } else {
            l->partial = false;
            l->off++;
            l->col++;
            count--;
        }
    }
}

static void advance_nonspace(md_line *l)
{
    l->off = l->nonspace;
    l->col = l->nonspace_col;
    l->partial = false;
}

static inline char peek(const md_line *l, size_t i) { return i < l->n ? l->p[i] : 0; }
static inline bool sp_tab(char c) { return c == ' ' || c == '\t'; }

/* Is the rest of the line from i only spaces and tabs? */
static bool rest_blank(const md_line *l, size_t i)
{
    while (i < l->n && sp_tab(l->p[i])) i++;
    return i >= l->n;
}

/* MARK: - Callbacks */

static pith_status ev_open(md_block *b, const md_blk_ev *e)
{
    return b->cb && b->cb->open ? b->cb->open(b->cb->user, e) : PITH_OK;
}

static pith_status ev_leaf(md_block *b, const md_blk_ev *e)
{
    return b->cb && b->cb->leaf ? b->cb->leaf(b->cb->user, e) : PITH_OK;
}

static bool list_tight(const md_block *b, uint32_t id)
{
    if (!b->loose_known) return false;
    if (!b->loose_in || id >= b->loose_in_n) return true;
    return !(b->loose_in[id >> 3] & (1u << (id & 7)));
}

static pith_status mark_loose(md_block *b, const md_cont *list)
{
    if (b->cb) return PITH_OK;  /* only the first pass records it */
    uint32_t id = list->list_id;
    if (id / 8 >= b->loose_cap) {
        uint32_t cap = b->loose_cap ? b->loose_cap * 2 : 64;
        while (cap <= id / 8) cap *= 2;
        uint8_t *p = pith_doc_calloc(b->doc, cap);
        if (!p) return pith_doc_status(b->doc);
        if (b->loose_cap) memcpy(p, b->loose, b->loose_cap);
        b->loose = p;
        b->loose_cap = cap;
    }
    b->loose[id >> 3] |= (uint8_t)(1u << (id & 7));
    return PITH_OK;
}

/* MARK: - Closing blocks */

static void trim_end(const char *s, size_t *n)
{
    while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\n')) (*n)--;
}

/* Is the paragraph directly in an item of a tight list? */
static bool in_tight_item(const md_block *b)
{
    if (b->depth < 2) return false;
    const md_cont *top = &b->st[b->depth - 1], *up = &b->st[b->depth - 2];
    return top->type == C_ITEM && up->type == C_LIST && list_tight(b, up->list_id);
}

/* Remove the link reference definitions that open the paragraph (§4.7). */
static pith_status strip_refs(md_block *b)
{
    size_t used = 0;
    if (b->buf.n == 0 || b->buf.p[0] != '[') return PITH_OK;
    pith_status st = md_refs_parse(b->refs, b->doc, b->buf.p, b->buf.n, &used);
    if (st != PITH_OK || used == 0) return st;
    memmove(b->buf.p, b->buf.p + used, b->buf.n - used);
    b->buf.n -= used;
    b->last_line = b->last_line > used ? b->last_line - used : 0;
    return PITH_OK;
}

static pith_status close_leaf(md_block *b)
{
    int leaf = b->leaf;
    pith_status st = PITH_OK;
    md_blk_ev e;
    memset(&e, 0, sizeof e);
    e.offset = b->leaf_offset;
    b->leaf = L_NONE;
    switch (leaf) {
    case L_PARA:
        if ((st = strip_refs(b)) != PITH_OK) break;
        e.kind = MD_PARA;
        e.text = b->buf.p;
        e.len = b->buf.n;
        trim_end(e.text, &e.len);
        e.tight = in_tight_item(b);
        if (e.len) st = ev_leaf(b, &e);
        break;
    case L_FENCE:
    case L_ICODE:
        e.kind = MD_CODE;
        e.text = b->buf.p;
        e.len = leaf == L_ICODE ? b->code_keep : b->buf.n;
        if (leaf == L_FENCE) {
            e.info = b->info.p;
            e.info_len = b->info.n;
        }
        st = ev_leaf(b, &e);
        break;
    case L_HTML:
        e.kind = MD_HTML;
        e.text = b->buf.p;
        e.len = b->buf.n;
        st = ev_leaf(b, &e);
        break;
    case L_TABLE:
        e.kind = MD_TABLE_END;
        st = ev_leaf(b, &e);
        break;
    default:
        break;
    }
    b->buf.n = 0;
    return st;
}

static pith_status close_cont(md_block *b)
{
    md_cont *c = &b->st[b->depth - 1];
    b->depth--;
    if (c->type == C_ITEM && b->depth > 0 && b->st[b->depth - 1].type == C_LIST)
        b->st[b->depth - 1].prev_item_lb = c->lb;
    if (b->cb && b->cb->close) return b->cb->close(b->cb->user, (md_kind)(c->type == C_QUOTE ? MD_QUOTE : c->type == C_LIST ? MD_LIST : MD_ITEM));
    return PITH_OK;
}

/* MARK: - Line state */

typedef struct md_ctx {
    md_line l;
    uint32_t matched;   /* the deepest container whose continuation matched */
    uint32_t ci;        /* the container new content goes into */
    bool cleaf;         /* ... or the open leaf block, which matched */
    bool all_closed;
} md_ctx;

/* Close the blocks the line did not continue (commonmark.js closeUnmatchedBlocks). */
static pith_status close_unmatched(md_block *b, md_ctx *x)
{
    pith_status st;
    if (x->all_closed) return PITH_OK;
    if (b->leaf != L_NONE && !x->cleaf && (st = close_leaf(b)) != PITH_OK) return st;
    while (b->depth - 1 > x->matched)
        if ((st = close_cont(b)) != PITH_OK) return st;
    x->all_closed = true;
    return PITH_OK;
}

/* A block of kind `container` (C_*) or a leaf (C_DOC standing for "a leaf") is about to be
 * added to x->ci: close what cannot hold it, and note looseness of the list it lands in. */
static pith_status add_child(md_block *b, md_ctx *x, int type)
{
    pith_status st;
    if ((st = close_unmatched(b, x)) != PITH_OK) return st;
    if (b->leaf != L_NONE && (st = close_leaf(b)) != PITH_OK) return st;
    x->cleaf = false;
    /* only a list holds items, and a list holds only items */
    for (;;) {
        md_cont *t = &b->st[b->depth - 1];
        if ((type == C_ITEM) == (t->type == C_LIST)) break;
        if ((st = close_cont(b)) != PITH_OK) return st;
    }
    md_cont *p = &b->st[b->depth - 1];
    if (p->type == C_ITEM) {
        if (p->lb && (st = mark_loose(b, &b->st[b->depth - 2])) != PITH_OK) return st;
        p->has_child = 1;
    } else if (p->type == C_LIST && p->prev_item_lb) {
        if ((st = mark_loose(b, p)) != PITH_OK) return st;
    }
    x->ci = b->depth - 1;
    return PITH_OK;
}

static pith_status push_cont(md_block *b, md_ctx *x, md_cont *c)
{
    if (b->depth == b->cap) {
        uint32_t cap = b->cap * 2;
        md_cont *s = pith_doc_alloc(b->doc, (size_t)cap * sizeof *s);
        if (!s) return pith_doc_status(b->doc);
        memcpy(s, b->st, (size_t)b->depth * sizeof *s);
        b->st = s;
        b->cap = cap;
    }
    b->st[b->depth++] = *c;
    x->ci = b->depth - 1;
    x->cleaf = false;
    md_blk_ev e;
    memset(&e, 0, sizeof e);
    e.offset = b->line_off;
    if (c->type == C_QUOTE) {
        e.kind = MD_QUOTE;
    } else if (c->type == C_LIST) {
        e.kind = MD_LIST;
        e.ordered = c->ordered;
        e.start = c->start;
        e.tight = list_tight(b, c->list_id);
    } else {
        e.kind = MD_ITEM;
    }
    return ev_open(b, &e);
}

static pith_status open_leaf(md_block *b, md_ctx *x, int leaf)
{
    pith_status st = add_child(b, x, C_DOC);
    if (st != PITH_OK) return st;
    b->leaf = leaf;
    b->buf.n = 0;
    b->last_line = 0;
    b->code_keep = 0;
    b->leaf_offset = b->line_off;
    x->cleaf = true;
    return PITH_OK;
}

/* MARK: - Block starts */

/* HTML block start conditions 1-7 (§4.6) for the text at s[0..n), s[0] == '<'; 0 if none. */
static int html_start(const char *s, size_t n, bool can_seven)
{
    static const char *const c1[] = {"pre", "script", "style", "textarea"};
    static const char *const c6[] = {
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption",
        "center", "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2",
        "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "iframe", "legend", "li",
        "link", "main", "menu", "menuitem", "nav", "noframes", "ol", "optgroup", "option", "p",
        "param", "search", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "title", "tr", "track", "ul"};
    if (n < 2) return 0;
    size_t i = 1;
    bool closing = s[1] == '/';
    if (closing) i++;
    size_t t = i;
    while (i < n && i - t < 16 &&
           (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') || (i > t && s[i] >= '0' && s[i] <= '9')))
        i++;
    size_t tl = i - t;
    char name[16];
    for (size_t k = 0; k < tl && k < sizeof name; k++) name[k] = (char)(s[t + k] | 0x20);
    char after = i < n ? s[i] : '\n';
    if (!closing && tl) {
        for (size_t k = 0; k < 4; k++)
            if (strlen(c1[k]) == tl && memcmp(c1[k], name, tl) == 0 &&
                (after == ' ' || after == '\t' || after == '>' || after == '\n'))
                return 1;
    }
    if (!closing && n >= 4 && memcmp(s, "<!--", 4) == 0) return 2;
    if (!closing && s[1] == '?') return 3;
    if (!closing && n >= 9 && memcmp(s, "<![CDATA[", 9) == 0) return 5;
    if (!closing && s[1] == '!' && n >= 3 && (s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'z') return 4;
    if (tl && (after == ' ' || after == '\t' || after == '>' || after == '\n' ||
               (after == '/' && i + 1 < n && s[i + 1] == '>'))) {
        for (size_t k = 0; k < sizeof c6 / sizeof c6[0]; k++)
            if (strlen(c6[k]) == tl && memcmp(c6[k], name, tl) == 0) return 6;
    }
    if (can_seven && tl) {
        size_t k = md_html_inline(s, n, true);
        if (k) {
            bool is_c1 = false;
            for (size_t q = 0; q < 4; q++)
                if (strlen(c1[q]) == tl && memcmp(c1[q], name, tl) == 0) is_c1 = true;
            while (k < n && sp_tab(s[k])) k++;
            if (k >= n && !is_c1) return 7;
        }
    }
    return 0;
}

/* Does the line s[0..n) end an HTML block of start condition kind (1-5)? */
static bool html_end(int kind, const char *s, size_t n)
{
    static const char *const ends[] = {"</pre>", "</script>", "</style>", "</textarea>"};
    switch (kind) {
    case 1:
        for (size_t i = 0; i + 1 < n; i++) {
            if (s[i] != '<' || s[i + 1] != '/') continue;
            for (size_t k = 0; k < 4; k++) {
                size_t m = strlen(ends[k]), j;
                if (i + m > n) continue;
                for (j = 0; j < m && (s[i + j] | 0x20) == ends[k][j]; j++) {}
                if (j == m) return true;
            }
        }
        return false;
    case 2:
        for (size_t i = 0; i + 2 < n; i++)
            if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>') return true;
        return false;
    case 3:
        for (size_t i = 0; i + 1 < n; i++)
            if (s[i] == '?' && s[i + 1] == '>') return true;
        return false;
    case 4:
        return memchr(s, '>', n) != NULL;
    case 5:
        for (size_t i = 0; i + 2 < n; i++)
            if (s[i] == ']' && s[i + 1] == ']' && s[i + 2] == '>') return true;
        return false;
    default:
        return false;
    }
}

/* Is s[0..n) a thematic break (§4.1)? */
static bool is_rule(const char *s, size_t n)
{
    char c = n ? s[0] : 0;
    size_t k = 0;
    if (c != '*' && c != '-' && c != '_') return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == c) k++;
        else if (!sp_tab(s[i])) return false;
    }
    return k >= 3;
}

/* GFM table rows: the cells of a row line s[0..n), split on unescaped '|' (a leading and a
 * trailing pipe open and close the row). Returns the number of cells; with `cells` it also
 * fills up to max (offset, length) pairs, trimmed. */
static uint32_t row_cells(const char *s, size_t n, size_t *cells, uint32_t max)
{
    size_t i = 0, e = n;
    uint32_t k = 0;
    while (i < e && sp_tab(s[i])) i++;
    while (e > i && sp_tab(s[e - 1])) e--;
    if (i < e && s[i] == '|') i++;
    if (e > i && s[e - 1] == '|' && !(e - 1 > i && s[e - 2] == '\\')) e--;
    size_t a = i;
    for (;;) {
        size_t j = a;
        while (j < e && s[j] != '|') j += s[j] == '\\' && j + 1 < e ? 2 : 1;
        if (j > e) j = e;
        if (cells && k < max) {
            size_t b = a, c = j;
            while (b < c && sp_tab(s[b])) b++;
            while (c > b && sp_tab(s[c - 1])) c--;
            cells[2 * k] = b;
            cells[2 * k + 1] = c - b;
        }
        k++;
        if (j >= e) break;
        a = j + 1;
    }
    return k;
}

/* A GFM delimiter row (§4.10): cells of '-' with an optional ':' at either end, split by
 * '|'. Returns the number of columns (0: not one); *pipe tells whether it has a '|'. */
static uint32_t delim_row(const char *s, size_t n, bool *pipe)
{
    size_t i = 0;
    uint32_t cols = 0;
    *pipe = false;
    while (i < n && sp_tab(s[i])) i++;
    if (i < n && s[i] == '|') {
        *pipe = true;
        i++;
    }
    for (;;) {
        while (i < n && sp_tab(s[i])) i++;
        if (i >= n) break;
        if (s[i] == ':') i++;
        size_t d = i;
        while (i < n && s[i] == '-') i++;
        if (i == d) return 0;
        if (i < n && s[i] == ':') i++;
        while (i < n && sp_tab(s[i])) i++;
        cols++;
        if (i >= n) break;
        if (s[i] != '|') return 0;
        *pipe = true;
        i++;
    }
    return cols;
}

/* The line starts a table if it is a delimiter row matching the paragraph's last line. */
static pith_status try_table(md_block *b, md_ctx *x, bool *started)
{
    md_line *l = &x->l;
    *started = false;
    bool pipe;
    uint32_t cols = delim_row(l->p + l->nonspace, l->n - l->nonspace, &pipe);
    if (!cols) return PITH_OK;
    pith_status st = strip_refs(b);
    if (st != PITH_OK) return st;
    if (b->buf.n == 0) return PITH_OK;
    const char *h = b->buf.p + b->last_line;
    size_t hn = b->buf.n - b->last_line;
    trim_end(h, &hn);
    if (!pipe && !memchr(h, '|', hn)) return PITH_OK;
    if (row_cells(h, hn, NULL, 0) != cols) return PITH_OK;
    /* the lines before the header row stay a paragraph */
    if ((st = close_unmatched(b, x)) != PITH_OK) return st;
    md_blk_ev e;
    memset(&e, 0, sizeof e);
    e.offset = b->leaf_offset;
    if (b->last_line > 0) {
        e.kind = MD_PARA;
        e.text = b->buf.p;
        e.len = b->last_line;
        trim_end(e.text, &e.len);
        e.tight = in_tight_item(b);
        if (e.len && (st = ev_leaf(b, &e)) != PITH_OK) return st;
    }
    e.kind = MD_TABLE;
    e.text = h;
    e.len = hn;
    e.cols = cols;
    e.tight = 0;
    if ((st = ev_leaf(b, &e)) != PITH_OK) return st;
    b->leaf = L_TABLE;
    b->cols = cols;
    b->buf.n = 0;
    *started = true;
    return PITH_OK;
}

/* A list marker (§5.2) at the line's next nonspace; fills the item and list data. */
static bool list_marker(md_block *b, md_ctx *x, md_cont *item, md_cont *list)
{
    md_line *l = &x->l;
    (void)b;
    if (l->indent >= 4) return false;
    const char *s = l->p + l->nonspace;
    size_t n = l->n - l->nonspace, m;
    memset(list, 0, sizeof *list);
    list->type = C_LIST;
    bool in_para = x->cleaf && b->leaf == L_PARA;
    if (n && (s[0] == '-' || s[0] == '+' || s[0] == '*')) {
        list->mark = s[0];
        m = 1;
    } else {
        uint32_t v = 0;
        m = 0;
        while (m < n && m < 9 && s[m] >= '0' && s[m] <= '9') v = v * 10 + (uint32_t)(s[m++] - '0');
        if (m == 0 || m >= n || (s[m] != '.' && s[m] != ')')) return false;
        if (in_para && v != 1) return false;
        list->ordered = 1;
        list->start = v;
        list->mark = s[m];
        m++;
    }
    if (m < n && !sp_tab(s[m])) return false;
    if (in_para && rest_blank(l, l->nonspace + m)) return false;
    uint32_t marker_offset = l->indent;
    advance_nonspace(l);
    advance(l, (uint32_t)m, true);
    uint32_t sp_col = l->col;
    size_t sp_off = l->off;
    bool sp_partial = l->partial;
    do {
        advance(l, 1, true);
    } while (l->col - sp_col < 5 && sp_tab(peek(l, l->off)));
    bool blank_item = l->off >= l->n;
    uint32_t spaces = l->col - sp_col, padding;
    if (spaces >= 5 || spaces < 1 || blank_item) {
        padding = (uint32_t)m + 1;
        l->col = sp_col;
        l->off = sp_off;
        l->partial = sp_partial;
        if (sp_tab(peek(l, l->off))) advance(l, 1, true);
    } else {
        padding = (uint32_t)m + spaces;
    }
    memset(item, 0, sizeof *item);
    item->type = C_ITEM;
    item->content_col = marker_offset + padding;
    item->line_no = b->line_no;
    return true;
}

enum { S_NONE, S_CONTAINER, S_LEAF, S_DONE };

/* First bytes that may start a block (commonmark.js reMaybeSpecial, plus GFM table rows):
 * a line opening with anything else is paragraph text without trying every start. */
static const uint8_t maybe_special[256] = {
    ['#'] = 1, ['`'] = 1, ['~'] = 1, ['*'] = 1, ['+'] = 1, ['_'] = 1, ['='] = 1, ['<'] = 1,
    ['>'] = 1, ['-'] = 1, ['|'] = 1, [':'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
    ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
};

/* Try every block start at the line's position; returns S_*. */
static pith_status block_start(md_block *b, md_ctx *x, int *res)
{
    md_line *l = &x->l;
    const char *s = l->p + l->nonspace;
    size_t n = l->n - l->nonspace;
    char c = n ? s[0] : 0;
    pith_status st;
    bool room = b->depth < b->max_depth;
    bool para = x->cleaf && b->leaf == L_PARA;
    md_blk_ev e;
    *res = S_NONE;
    memset(&e, 0, sizeof e);
    e.offset = b->line_off;

    if (!l->indented) {
        /* block quote */
        if (c == '>' && room) {
            advance_nonspace(l);
            advance(l, 1, false);
            if (sp_tab(peek(l, l->off))) advance(l, 1, true);
            if ((st = add_child(b, x, C_QUOTE)) != PITH_OK) return st;
            md_cont q;
            memset(&q, 0, sizeof q);
            q.type = C_QUOTE;
            *res = S_CONTAINER;
            return push_cont(b, x, &q);
        }
        /* ATX heading */
        if (c == '#') {
            size_t k = 0;
            while (k < n && s[k] == '#') k++;
            if (k <= 6 && (k == n || sp_tab(s[k]))) {
                if ((st = add_child(b, x, C_DOC)) != PITH_OK) return st;
                size_t a = k, z = n;
                while (a < z && sp_tab(s[a])) a++;
                while (z > a && sp_tab(s[z - 1])) z--;
                /* a closing sequence: #s preceded by a space (or alone) */
                size_t h = z;
                while (h > a && s[h - 1] == '#') h--;
                if (h < z && (h == a || sp_tab(s[h - 1]))) {
                    z = h;
                    while (z > a && sp_tab(s[z - 1])) z--;
                }
                e.kind = MD_HEADING;
                e.level = (uint32_t)k;
                e.text = s + a;
                e.len = z - a;
                *res = S_DONE;
                return ev_leaf(b, &e);
            }
        }
        /* fenced code */
        if (c == '`' || c == '~') {
            size_t k = 0;
            while (k < n && s[k] == c) k++;
            if (k >= 3 && !(c == '`' && memchr(s + k, '`', n - k))) {
                uint32_t indent = l->indent;
                if ((st = open_leaf(b, x, L_FENCE)) != PITH_OK) return st;
                b->fence_ch = c;
                b->fence_len = (uint32_t)k;
                b->fence_indent = indent;
                size_t a = k, z = n;
                while (a < z && sp_tab(s[a])) a++;
                while (z > a && sp_tab(s[z - 1])) z--;
                b->info.n = 0;
                if ((st = buf_put(b->doc, &b->info, s + a, z - a)) != PITH_OK) return st;
                *res = S_DONE;
                return PITH_OK;
            }
        }
        /* HTML block */
        if (c == '<') {
            bool lazy_para = !x->all_closed && b->leaf == L_PARA;
            int kind = html_start(s, n, !para && !lazy_para);
            if (kind) {
                if ((st = open_leaf(b, x, L_HTML)) != PITH_OK) return st;
                b->html_kind = kind;
                *res = S_LEAF;
                return PITH_OK;
            }
        }
        /* setext underline, or a GFM table under the paragraph */
        if (para && (c == '=' || c == '-')) {
            size_t k = 0;
            while (k < n && s[k] == c) k++;
            if (rest_blank(l, l->nonspace + k)) {
                if ((st = close_unmatched(b, x)) != PITH_OK) return st;
                if ((st = strip_refs(b)) != PITH_OK) return st;
                size_t len = b->buf.n;
                trim_end(b->buf.p, &len);
                if (len > 0) {
                    e.kind = MD_HEADING;
                    e.level = c == '=' ? 1 : 2;
                    e.text = b->buf.p;
                    e.len = len;
                    e.offset = b->leaf_offset;
                    b->leaf = L_NONE;
                    b->buf.n = 0;
                    x->cleaf = false;
                    *res = S_DONE;
                    return ev_leaf(b, &e);
                }
            }
        }
        if (para && (c == '|' || c == '-' || c == ':')) {
            bool started;
            if ((st = try_table(b, x, &started)) != PITH_OK) return st;
            if (started) {
                *res = S_DONE;
                return PITH_OK;
            }
        }
        /* thematic break */
        if ((c == '*' || c == '-' || c == '_') && is_rule(s, n)) {
            if ((st = add_child(b, x, C_DOC)) != PITH_OK) return st;
            e.kind = MD_RULE;
            *res = S_DONE;
            return ev_leaf(b, &e);
        }
    }
    /* list item */
    if ((!l->indented || (!x->cleaf && b->st[x->ci].type == C_LIST)) && room &&
        ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '*')) {
        md_cont item, list;
        if (list_marker(b, x, &item, &list)) {
            if ((st = close_unmatched(b, x)) != PITH_OK) return st;
            md_cont *t = &b->st[b->depth - 1];
            bool same = b->leaf == L_NONE && t->type == C_LIST && t->ordered == list.ordered &&
                        t->mark == list.mark;
            if (!same) {
                if ((st = add_child(b, x, C_LIST)) != PITH_OK) return st;
                list.list_id = b->nlists++;
                if ((st = push_cont(b, x, &list)) != PITH_OK) return st;
            }
            if ((st = add_child(b, x, C_ITEM)) != PITH_OK) return st;
            *res = S_CONTAINER;
            return push_cont(b, x, &item);
        }
    }
    /* indented code */
    if (l->indented && b->leaf != L_PARA && !(x->cleaf && b->leaf == L_TABLE) && !l->blank) {
        advance(l, 4, true);
        if ((st = open_leaf(b, x, L_ICODE)) != PITH_OK) return st;
        *res = S_LEAF;
    }
    return PITH_OK;
}

/* MARK: - Lines */

/* Set the looseness flag of the containers st[0..to] (commonmark.js propagates it upwards). */
static void set_lb(md_block *b, uint32_t to, bool lb)
{
    for (uint32_t k = 0; k <= to && k < b->depth; k++) b->st[k].lb = lb;
}

/* Add the rest of the line to the open leaf (commonmark.js addLine). */
static pith_status add_line(md_block *b, md_line *l)
{
    pith_status st;
    if (l->partial) {
        l->off++;
        uint32_t k = 4 - l->col % 4;
        if ((st = buf_put(b->doc, &b->buf, "    ", k)) != PITH_OK) return st;
    }
    if (b->leaf == L_PARA) b->last_line = b->buf.n;
    if ((st = buf_put(b->doc, &b->buf, l->p + l->off, l->n - l->off)) != PITH_OK) return st;
    if ((st = buf_put(b->doc, &b->buf, "\n", 1)) != PITH_OK) return st;
    if (b->leaf == L_ICODE && !rest_blank(l, l->off)) b->code_keep = b->buf.n;
    return PITH_OK;
}

static pith_status line(md_block *b, const char *p, size_t n)
{
    md_ctx x;
    memset(&x, 0, sizeof x);
    md_line *l = &x.l;
    l->p = p;
    l->n = n;
    pith_status st;

    /* 1. the open containers */
    uint32_t i;
    for (i = 1; i < b->depth; i++) {
        md_cont *c = &b->st[i];
        find_nonspace(l);
        bool ok = true;
        switch (c->type) {
        case C_QUOTE:
            if (!l->indented && peek(l, l->nonspace) == '>') {
                advance_nonspace(l);
                advance(l, 1, false);
                if (sp_tab(peek(l, l->off))) advance(l, 1, true);
            } else {
                ok = false;
            }
            break;
        case C_ITEM:
            if (l->blank) {
                /* an item may begin with at most one blank line */
                if (!c->has_child) ok = false;
                else advance_nonspace(l);
            } else if (l->indent >= c->content_col) {
                advance(l, c->content_col, true);
            } else {
                ok = false;
            }
            break;
        default:
            break;
        }
        if (!ok) break;
    }
    x.matched = i - 1;
    x.ci = x.matched;
    x.cleaf = false;

    /* the open leaf */
    if (i == b->depth && b->leaf != L_NONE) {
        find_nonspace(l);
        switch (b->leaf) {
        case L_FENCE:
            if (l->indent <= 3 && peek(l, l->nonspace) == b->fence_ch) {
                size_t k = l->nonspace;
                while (k < n && p[k] == b->fence_ch) k++;
                if (k - l->nonspace >= b->fence_len && rest_blank(l, k)) {
                    x.all_closed = true;
                    return close_leaf(b);
                }
            }
            for (uint32_t k = b->fence_indent; k > 0 && sp_tab(peek(l, l->off)); k--) advance(l, 1, true);
            x.cleaf = true;
            break;
        case L_ICODE:
            if (l->indent >= 4) {
                advance(l, 4, true);
                x.cleaf = true;
            } else if (l->blank) {
                advance_nonspace(l);
                x.cleaf = true;
            }
            break;
        case L_HTML:
            x.cleaf = !(l->blank && b->html_kind >= 6);
            break;
        case L_PARA:
        case L_TABLE:
            x.cleaf = !l->blank;
            break;
        default:
            break;
        }
    }
    x.all_closed = x.matched == b->depth - 1 && (b->leaf == L_NONE || x.cleaf);

    /* 2. new block starts, unless a leaf that takes lines as they are continues */
    bool takes_lines = x.cleaf && (b->leaf == L_FENCE || b->leaf == L_ICODE || b->leaf == L_HTML);
    while (!takes_lines) {
        find_nonspace(l);
        char c = peek(l, l->nonspace);
        if (!l->indented && !maybe_special[(unsigned char)c]) {
            advance_nonspace(l);
            break;
        }
        int res;
        if ((st = block_start(b, &x, &res)) != PITH_OK) return st;
        if (res == S_DONE) {
            set_lb(b, x.ci, false);
            return PITH_OK;
        }
        if (res == S_LEAF) break;
        if (res == S_NONE) {
            advance_nonspace(l);
            break;
        }
    }

    /* 3. lazy continuation, or the rest of the line goes to the leaf */
    find_nonspace(l);
    if (!x.all_closed && !l->blank && b->leaf == L_PARA) return add_line(b, l);
    if ((st = close_unmatched(b, &x)) != PITH_OK) return st;

    /* whether this line counts as blank for list looseness (commonmark.js lastLineBlank),
     * applied once the line is done: add_child reads the previous line's */
    int t = x.cleaf ? -1 : b->st[x.ci].type;
    const md_cont *ct = &b->st[x.ci];
    bool lb = l->blank && !(t == C_QUOTE || (x.cleaf && b->leaf == L_FENCE) ||
                            (t == C_ITEM && !ct->has_child && ct->line_no == b->line_no));
    uint32_t lb_to = x.ci;
    /* commonmark.js also marks the container's last child: for a list, the empty item a
     * blank line just closed ends with a blank line */
    if (l->blank && !x.cleaf && t == C_LIST) b->st[x.ci].prev_item_lb = 1;

    if (x.cleaf && (b->leaf == L_FENCE || b->leaf == L_ICODE || b->leaf == L_HTML)) {
        if ((st = add_line(b, l)) != PITH_OK) return st;
        if (b->leaf == L_HTML && b->html_kind <= 5 && html_end(b->html_kind, p + l->off, n - l->off))
            st = close_leaf(b);
    } else if (x.cleaf && b->leaf == L_TABLE) {
        md_blk_ev e;
        memset(&e, 0, sizeof e);
        e.kind = MD_ROW;
        e.text = p + l->off;
        e.len = n - l->off;
        e.cols = b->cols;
        e.offset = b->line_off;
        st = ev_leaf(b, &e);
    } else if (x.cleaf && b->leaf == L_PARA) {
        st = add_line(b, l);
    } else if (!l->blank) {
        advance_nonspace(l);
        if ((st = open_leaf(b, &x, L_PARA)) == PITH_OK) st = add_line(b, l);
    }
    set_lb(b, lb_to, lb);
    return st;
}

/* MARK: - Driver (Private) */

pith_status md_block_init(md_block *b, pith_doc *doc, md_refs *refs, const md_block_cb *cb,
                          const uint8_t *loose, uint32_t nloose, bool known, uint32_t max_depth)
{
    memset(b, 0, sizeof *b);
    b->doc = doc;
    b->refs = refs;
    b->cb = cb;
    b->loose_in = loose;
    b->loose_in_n = nloose;
    b->loose_known = known;
    b->max_depth = max_depth < 2 ? 2 : max_depth;
    b->cap = 16;
    b->st = pith_doc_calloc(doc, (size_t)b->cap * sizeof *b->st);
    if (!b->st) return pith_doc_status(doc);
    b->st[0].type = C_DOC;
    b->depth = 1;
    b->next_lf = b->next_cr = 0;
    return PITH_OK;
}

/* Offset of the next c at or after `from` in data[0..len), or len. The answer is cached in
 * *next and reused while it lies ahead, so each byte is searched once however the lines end
 * (a file of CR line ends would otherwise search for LF to its end on every line). */
static size_t next_of(const char *data, size_t len, size_t from, char c, size_t *next)
{
    if (*next >= from && (*next == len || data[*next] == c)) return *next;
    const char *q = memchr(data + from, c, len - from);
    *next = q ? (size_t)(q - data) : len;
    return *next;
}

pith_status md_block_feed(md_block *b, const char *data, size_t len, size_t *pos, size_t budget)
{
    size_t at = *pos;
    pith_status st = PITH_OK;
    while (at < len && at - *pos < budget) {
        size_t e = next_of(data, len, at, '\n', &b->next_lf);
        size_t cr = next_of(data, len, at, '\r', &b->next_cr);
        if (cr < e) e = cr;
        size_t next = e;
        if (e < len) next = data[e] == '\r' && e + 1 < len && data[e + 1] == '\n' ? e + 2 : e + 1;
        b->line_no++;
        b->line_off = at;
        if ((st = line(b, data + at, e - at)) != PITH_OK) break;
        at = next;
    }
    if (st == PITH_OK) st = pith_work(b->doc, at - *pos);
    *pos = at;
    return st;
}

pith_status md_block_finish(md_block *b)
{
    pith_status st = PITH_OK;
    if (b->leaf != L_NONE) st = close_leaf(b);
    while (st == PITH_OK && b->depth > 1) st = close_cont(b);
    return st;
}
