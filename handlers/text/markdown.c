/* markdown.c: the Markdown handler (text/markdown): CommonMark 0.31.2 with GFM 0.29 tables,
 * task list items and strikethrough, YAML front matter as metadata.
 *
 * The file is decoded like plain text (a BOM, BOM-less UTF-16, else UTF-8, with windows-1252
 * for files that are not), NUL becoming U+FFFD as §2.3 asks; only a file that needs it is
 * copied. Front matter goes to metadata (md_front.c). Then two passes of the block parser
 * (md_block.c): a first one, at open and only when needed, collects link reference
 * definitions (a reference may come before its definition, §4.7; skipped when the file holds
 * no "]:") and the looseness of lists (whether their items are paragraphs, §5.3; needed only
 * for HTML and JSON output, which show it); the second one emits events in steps of MD_STEP
 * bytes of lines (PITH_MORE in between), each leaf block when it is complete, inline content
 * through md_inline.c. So memory holds one block, never the file's text.
 * HTML blocks go to the HTML handler through pith_nested; in a build without it their text is
 * kept with the tags removed. A task item's checkbox is known from its first paragraph, so an
 * item's begin waits for its first child.
 */
#include <string.h>

#include "core.h"
#include "md_block.h"
#include "md_front.h"
#include "md_inline.h"
#include "sbcs.h"
#include "utf.h"

/* Input bytes of lines parsed per step: output and work per step stay bounded while the
 * per-step overhead stays negligible (as TEXT_STEP in text.c). */
#define MD_STEP ((size_t)64 * 1024)

/* Empty cells added to short table rows, at most, per table (cmark-gfm's
 * MAX_AUTOCOMPLETED_CELLS): a 20,000-column header over 50,000 one-cell rows would otherwise
 * turn 200 KB of input into a billion cells. Past it, rows keep only their own cells. */
#define MD_PAD_MAX ((uint64_t)1 << 19)

typedef struct md_state {
    pith_doc *doc;
    const char *data;       /* UTF-8 text after the front matter */
    size_t len;
    size_t pos;
    size_t base;            /* offset of data in the input, for messages */
    md_refs refs;
    md_block blk;
    md_block_cb cb;
    const uint8_t *loose;   /* list looseness from the first pass, or NULL */
    uint32_t nloose;
    bool loose_known;       /* the first pass ran: else every list is taken as loose, so
                               each paragraph stays one (text and Markdown show no difference) */
    bool started;
    bool item_pending;      /* an ITEM is open whose begin waits for its first child */
    bool html;              /* the HTML handler is in this build */
    md_buf cell;            /* a table cell with "\|" unescaped */
    uint64_t padded;        /* empty cells added to the current table's rows */
} md_state;

/* MARK: - Decoding */

/* Decode the input to UTF-8 without NULs; *enc names the encoding found. */
static pith_status decode(pith_doc *doc, const uint8_t *d, size_t len, const char **out,
                          size_t *out_n, const char **enc)
{
    const uint8_t *src = d;
    size_t n = len;
    uint8_t *buf = NULL;
    size_t m = 0, used;
    *enc = "utf-8";
    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        src += 3;
        n -= 3;
    }
    int u16 = 0;
    if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE) u16 = 1;
    else if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF) u16 = 2;
    if (u16) {
        src = d + 2;
        n = len - 2;
    } else if (src == d) {
        u16 = pith_utf16_sniff(d, len);
    }
    if (u16) {
        size_t cap = pith_utf16_utf8_max(n);
        if (!(buf = pith_doc_alloc(doc, cap))) return pith_alloc_failed(doc, cap);
        m = pith_utf16_to_utf8(src, n, u16 == 2, true, buf, cap, &used);
        *enc = u16 == 2 ? "utf-16be" : "utf-16le";
    } else if (pith_utf8_valid_prefix(src, n) != n) {
        size_t cap;
        if (!pith_size_mul(n, 3, &cap) || !pith_size_add(cap, 3, &cap))
            return pith_fail(doc, PITH_E_LIMIT, 0, "markdown: input too large to decode");
        if (!(buf = pith_doc_alloc(doc, cap))) return pith_alloc_failed(doc, cap);
        if (pith_utf8_mostly(src, n, NULL)) {
            m = pith_utf8_repair(src, n, true, buf, cap, &used);
        } else {
            m = pith_sbcs_to_utf8(&pith_sbcs_windows_1252, src, n, buf, cap, &used);
            *enc = "windows-1252";
        }
    }
    const char *t = buf ? (const char *)buf : (const char *)src;
    size_t tn = buf ? m : n;
    /* NUL is U+FFFD (§2.3): only a file that has one pays for the copy */
    size_t nuls = 0;
    for (const char *p = t; (p = memchr(p, 0, tn - (size_t)(p - t))) != NULL; p++) nuls++;
    if (nuls) {
        size_t cap = tn + 2 * nuls;
        char *c = pith_doc_alloc(doc, cap);
        if (!c) return pith_alloc_failed(doc, cap);
        size_t o = 0;
        for (size_t i = 0; i < tn; i++) {
            if (t[i]) {
                c[o++] = t[i];
            } else {
                memcpy(c + o, "\xEF\xBF\xBD", 3);
                o += 3;
            }
        }
        t = c;
        tn = o;
    }
    *out = t;
    *out_n = tn;
    return PITH_OK;
}

/* MARK: - Events */

static pith_status item_begin(md_state *s, int32_t checked)
{
    pith_ev_item it = {.checked = checked};
    s->item_pending = false;
    return pith_emit_begin(s->doc, PITH_EV_ITEM, &it);
}

/* A child block is about to be emitted: the waiting item begins, not a task. */
static pith_status settle(md_state *s)
{
    return s->item_pending ? item_begin(s, -1) : PITH_OK;
}

static pith_status cb_open(void *user, const md_blk_ev *e)
{
    md_state *s = user;
    pith_status st = settle(s);
    if (st != PITH_OK) return st;
    switch (e->kind) {
    case MD_QUOTE:
        return pith_emit_begin(s->doc, PITH_EV_QUOTE, NULL);
    case MD_LIST: {
        pith_ev_list l = {.ordered = e->ordered, .start = e->ordered ? e->start : 1};
        return pith_emit_begin(s->doc, PITH_EV_LIST, &l);
    }
    default:
        s->item_pending = true;
        return PITH_OK;
    }
}

static pith_status cb_close(void *user, md_kind kind)
{
    md_state *s = user;
    pith_status st;
    switch (kind) {
    case MD_QUOTE:
        return pith_emit_end(s->doc, PITH_EV_QUOTE);
    case MD_LIST:
        return pith_emit_end(s->doc, PITH_EV_LIST);
    default:
        if ((st = settle(s)) != PITH_OK) return st;
        return pith_emit_end(s->doc, PITH_EV_ITEM);
    }
}

static pith_status inline_block(md_state *s, pith_ev ev, const void *detail, const char *t,
                                size_t n)
{
    pith_status st = pith_emit_begin(s->doc, ev, detail);
    if (st == PITH_OK) st = md_inline_emit(s->doc, &s->refs, t, n);
    if (st == PITH_OK) st = pith_emit_end(s->doc, ev);
    return st;
}

/* A paragraph: the first one of a waiting item may hold a GFM task list marker. */
static pith_status paragraph(md_state *s, const md_blk_ev *e)
{
    const char *t = e->text;
    size_t n = e->len;
    pith_status st;
    if (s->item_pending) {
        int32_t checked = -1;
        if (n >= 3 && t[0] == '[' && t[2] == ']' && (t[1] == ' ' || t[1] == 'x' || t[1] == 'X') &&
            (n == 3 || t[3] == ' ' || t[3] == '\t' || t[3] == '\n')) {
            checked = t[1] != ' ';
            t += 3;
            n -= 3;
            while (n > 0 && (*t == ' ' || *t == '\t')) t++, n--;
        }
        if ((st = item_begin(s, checked)) != PITH_OK) return st;
    }
    if (e->tight) return md_inline_emit(s->doc, &s->refs, t, n);
    return inline_block(s, PITH_EV_PARAGRAPH, NULL, t, n);
}

/* Room for `need` bytes in the cell buffer (document memory, reused). */
static pith_status cell_reserve(md_state *s, size_t need)
{
    if (need <= s->cell.cap) return PITH_OK;
    size_t cap = s->cell.cap ? s->cell.cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) return pith_fail(s->doc, PITH_E_LIMIT, 0, "markdown: block too large");
        cap *= 2;
    }
    char *p = pith_doc_alloc(s->doc, cap);
    if (!p) return pith_alloc_failed(s->doc, cap);
    if (s->cell.n) memcpy(p, s->cell.p, s->cell.n);
    s->cell.p = p;
    s->cell.cap = cap;
    return PITH_OK;
}

/* HTML with the tags removed and references decoded: an HTML block in a build without the
 * HTML handler. A script or style block says nothing to a reader and is dropped. */
static pith_status html_as_text(md_state *s, const char *t, size_t n)
{
    size_t i = 0;
    while (i < n && (t[i] == ' ' || t[i] == '\t')) i++;
    if (n - i >= 7 && (memcmp(t + i, "<script", 7) == 0 || memcmp(t + i, "<style", 6) == 0))
        return PITH_OK;
    md_html_cache hc;
    md_html_cache_init(&hc);
    s->cell.n = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && t[j] != '<' && t[j] != '&') j++;
        pith_status st = cell_reserve(s, s->cell.n + (j - i) + 8);
        if (st != PITH_OK) return st;
        memcpy(s->cell.p + s->cell.n, t + i, j - i);
        s->cell.n += j - i;
        if (j >= n) break;
        size_t k;
        if (t[j] == '<' && (k = md_html_at(t, n, j, &hc)) > 0) {
            i = j + k;
            continue;
        }
        size_t on;
        if (t[j] == '&' && (k = md_entity(t + j, n - j, s->cell.p + s->cell.n, &on)) > 0) {
            s->cell.n += on;
            i = j + k;
            continue;
        }
        s->cell.p[s->cell.n++] = t[j];
        i = j + 1;
    }
    size_t a = 0, z = s->cell.n;
    while (a < z && (s->cell.p[a] == '\n' || s->cell.p[a] == ' ')) a++;
    while (z > a && (s->cell.p[z - 1] == '\n' || s->cell.p[z - 1] == ' ')) z--;
    if (a == z) return PITH_OK;
    return pith_emit_block(s->doc, PITH_EV_PARAGRAPH, NULL, s->cell.p + a, z - a);
}

/* The cells of a table row: `cols` of them, missing ones empty, extra ones dropped; "\|"
 * in a cell is a pipe (GFM §4.10), even inside code spans. */
static pith_status row(md_state *s, const char *t, size_t n, uint32_t cols, bool header)
{
    pith_status st = pith_emit_begin(s->doc, PITH_EV_ROW, NULL);
    uint32_t k = 0;
    size_t i = 0, e = n;
    while (i < e && (t[i] == ' ' || t[i] == '\t')) i++;
    while (e > i && (t[e - 1] == ' ' || t[e - 1] == '\t')) e--;
    if (i < e && t[i] == '|') i++;
    if (e > i && t[e - 1] == '|' && !(e - 1 > i && t[e - 2] == '\\')) e--;
    bool more = i < e || n > 0;
    while (st == PITH_OK && k < cols) {
        pith_ev_cell c = {1, header};
        if (!more && ++s->padded > MD_PAD_MAX) break;
        size_t j = i;
        while (j < e && t[j] != '|') j += t[j] == '\\' && j + 1 < e ? 2 : 1;
        if (j > e) j = e;
        size_t a = i, b = j;
        if (!more) a = b = i;
        while (a < b && (t[a] == ' ' || t[a] == '\t')) a++;
        while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t')) b--;
        /* "\|" -> "|" */
        s->cell.n = 0;
        if ((st = cell_reserve(s, b - a + 1)) != PITH_OK) break;
        for (size_t q = a; q < b; q++) {
            if (t[q] == '\\' && q + 1 < b && t[q + 1] == '|') q++;
            s->cell.p[s->cell.n++] = t[q];
        }
        if ((st = pith_emit_begin(s->doc, PITH_EV_CELL, &c)) != PITH_OK) break;
        if ((st = md_inline_emit(s->doc, &s->refs, s->cell.p, s->cell.n)) != PITH_OK) break;
        st = pith_emit_end(s->doc, PITH_EV_CELL);
        k++;
        if (j >= e) more = false;
        i = j + 1;
    }
    if (st == PITH_OK) st = pith_emit_end(s->doc, PITH_EV_ROW);
    return st;
}

static pith_status cb_leaf(void *user, const md_blk_ev *e)
{
    md_state *s = user;
    pith_status st;
    if (e->kind == MD_PARA) return paragraph(s, e);
    if ((st = settle(s)) != PITH_OK) return st;
    switch (e->kind) {
    case MD_HEADING: {
        pith_ev_heading h = {e->level};
        return inline_block(s, PITH_EV_HEADING, &h, e->text, e->len);
    }
    case MD_CODE: {
        pith_ev_code c = {{NULL, 0}};
        char *lang = NULL;
        if (e->info_len) {
            lang = pith_scratch_alloc(s->doc, 2 * e->info_len);
            if (!lang) return pith_alloc_failed(s->doc, 2 * e->info_len);
            c.lang.p = lang;
            c.lang.n = md_unescape(e->info, e->info_len, lang);
        }
        return pith_emit_block(s->doc, PITH_EV_CODE, &c, e->text, e->len);
    }
    case MD_HTML:
        if (s->html) return pith_nested(s->doc, (const uint8_t *)e->text, e->len, "html", 4);
        return html_as_text(s, e->text, e->len);
    case MD_RULE:
        return pith_emit_leaf(s->doc, PITH_EV_RULE, NULL);
    case MD_TABLE:
        s->padded = 0;
        if ((st = pith_emit_begin(s->doc, PITH_EV_TABLE, NULL)) != PITH_OK) return st;
        return row(s, e->text, e->len, e->cols, true);
    case MD_ROW:
        return row(s, e->text, e->len, e->cols, false);
    case MD_TABLE_END:
        return pith_emit_end(s->doc, PITH_EV_TABLE);
    default:
        return PITH_OK;
    }
}

/* MARK: - Handler */

/* Could the file hold a link reference definition? One needs "]:". */
static bool has_ref_mark(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while (p < end && (p = memchr(p, ']', (size_t)(end - p))) != NULL) {
        if (p + 1 < end && p[1] == ':') return true;
        p++;
    }
    return false;
}

static pith_status md_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    md_state *s = pith_doc_calloc(doc, sizeof *s);
    if (!s) return pith_alloc_failed(doc, sizeof *s);
    s->doc = doc;
    pith_status st = pith_work(doc, len);
    if (st != PITH_OK) return st;
    const char *enc;
    if ((st = decode(doc, data, len, &s->data, &s->len, &enc)) != PITH_OK) return st;
    if ((st = pith_doc_add_meta(doc, "encoding", enc, strlen(enc))) != PITH_OK) return st;
    size_t skip;
    if ((st = md_front_parse(doc, s->data, s->len, &skip)) != PITH_OK) return st;
    s->data += skip;
    s->len -= skip;
    s->base = skip;
    md_refs_init(&s->refs);
    s->html = pith_registry_find(PITH_FMT_HTML) != NULL;
    uint32_t depth = pith_doc_options(doc)->limits.max_depth;

    /* The first pass: only when its results can show. */
    pith_output out = pith_doc_output(doc);
    if (out == PITH_OUT_HTML || out == PITH_OUT_JSONL || has_ref_mark(s->data, s->len)) {
        md_block b;
        size_t pos = 0;
        if ((st = md_block_init(&b, doc, &s->refs, NULL, NULL, 0, false, depth)) != PITH_OK) return st;
        while (st == PITH_OK && pos < s->len) st = md_block_feed(&b, s->data, s->len, &pos, s->len);
        if (st == PITH_OK) st = md_block_finish(&b);
        if (st != PITH_OK) return st;
        s->loose = b.loose;
        s->nloose = b.loose ? b.loose_cap * 8 : 0;
        s->loose_known = true;
    }
    s->cb.user = s;
    s->cb.open = cb_open;
    s->cb.close = cb_close;
    s->cb.leaf = cb_leaf;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    *state = s;
    return PITH_OK;
}

static pith_status md_unit(pith_doc *doc, void *state, uint32_t index)
{
    md_state *s = state;
    pith_status st;
    (void)index;
    if (!s->started) {
        uint32_t depth = pith_doc_options(doc)->limits.max_depth;
        if ((st = md_block_init(&s->blk, doc, &s->refs, &s->cb, s->loose, s->nloose, s->loose_known, depth)) != PITH_OK)
            return st;
        s->started = true;
    }
    if ((st = md_block_feed(&s->blk, s->data, s->len, &s->pos, MD_STEP)) != PITH_OK) return st;
    if (s->pos < s->len) return PITH_MORE;
    return md_block_finish(&s->blk);
}

const pith_handler pith_handler_markdown = {"markdown", md_open, md_unit};
