/* html.c: the HTML handler (text/html): encoding, head metadata, and the page's text as events.
 *
 * Follows WHATWG HTML §13.2.3 for the encoding (BOM, the hint's charset, the <meta> prescan of
 * 1,024 bytes; then BOM-less UTF-16, UTF-8, src/charset.c's sniffer, windows-1252; see
 * pick_encoding for the two departures), §13.2.5 for tokens (html_tok.c) and "in body" for the
 * implied end tags (html_tree.c). Elements become paragraphs, headings, lists (numbered as
 * html_items.c says), quotes, code blocks (pre, listing, xmp, plaintext), tables (colspan,
 * rowspan), links, images (alt), breaks, rules and text flags; whitespace collapses as CSS
 * white-space: normal, except in pre-like elements and textarea. Not text: head, script,
 * style, template, noscript, iframe, svg, math, title, and elements with hidden or an inline
 * display:none. Metadata: title, language, author, description, keywords, og:title,
 * og:description, encoding. Lists number as §4.4.5 says (start, reversed, li value); a cell
 * spanning rows leaves an empty cell in the rows below (html_grid.c). Left out: other CSS.
 * Limits: one unit, in steps of HTML_STEP input bytes; max_depth bounds the open elements
 * (deeper ones are counted; PITH_E_LIMIT only for a hidden or preformatted one, whose text would
 * come out wrong); one work unit per input byte.
 */
#include <stdbool.h>
#include <string.h>

#include "charset.h"
#include "core.h"
#include "entities.h"
#include "html_grid.h"
#include "html_items.h"
#include "html_tok.h"
#include "html_tree.h"
#include "swar.h"
#include "utf.h"

/* Input bytes per unit step. A step's scratch memory is the text buffer (HTML_BUF) plus
 * decoded attribute values (at most twice the step's input), so it stays under 200 KiB. */
#define HTML_STEP ((size_t)64 * 1024)
/* Text buffered before it goes out as one text event. Small, so that a small page costs
 * little: a run of text longer than half of it goes out straight from the input instead. */
#define HTML_BUF ((size_t)16 * 1024)
/* How far into the document open looks for head metadata. */
#define HTML_HEAD_SCAN ((size_t)512 * 1024)
/* Longest metadata value kept (a description is a sentence or two). */
#define HTML_META_MAX 4096u

/* Entry info bits (pith_html_entry.info). */
#define I_SKIP 0x01u    /* its content is not text */
#define I_PRE 0x02u     /* whitespace kept inside */
#define I_FLAG 0x04u    /* a text flag: aux holds it */
#define I_INERT 0x08u   /* pushed inside skipped content: no effect at all */
#define I_TABLE 0x10u   /* a table whose TABLE event has not begun (it begins at its first row) */
#define I_BLOCK 0x20u   /* a paragraph boundary at its start and end */
#define I_GRID 0x40u    /* a table whose columns html_grid.c tracks (rowspan) */

#define NO_OWNER UINT32_MAX
#define EV_NONE ((uint8_t)PITH_EV_COUNT)

/* A list item's or a table cell's inline content goes straight into it, as the source has it
 * (<li>text</li> holds no paragraph: a PARAGRAPH event there cost a third of the events of a
 * list or table and wrote <li><p>..</p></li> in HTML output). The serializers give such content
 * an implicit paragraph, which any block event closes; a boundary without an event (a </div>
 * inside the item) cannot, so after one the item's further content goes into PARAGRAPHs. */
enum { BARE_NO = 0, BARE_EMPTY, BARE_USED };

typedef enum html_phase { PH_BEFORE_BODY = 0, PH_BODY } html_phase;

/* A container event this file began, and the open element it belongs to. */
typedef struct emitted {
    uint8_t ev;
    uint32_t owner; /* index in the element stack, NO_OWNER for a paragraph */
} emitted;

typedef struct html_state {
    pith_doc *doc;
    const uint8_t *src; /* UTF-8: the input itself, or its decoded copy */
    size_t len;
    pith_html_tokenizer tok;
    pith_html_tree tree;
    pith_html_tok cur;
    html_phase phase;
    bool done;

    uint32_t skip;       /* open elements whose content is skipped */
    bool raw_skip;       /* the text tokens up to the next end tag are a script's or a style's
                            (raw text of a skipped element: dropped whatever the stack says) */
    uint32_t pre;        /* open elements that keep whitespace */
    bool pre_first;      /* a newline right after <pre>/<listing>/<textarea> is dropped */
    bool after_cr;       /* preformatted text: the last byte was CR (CRLF across tokens) */
    uint32_t flag_n[4];  /* open elements per text flag (EMPH, STRONG, CODE, STRIKE) */
    uint32_t flags;      /* the text flags now */

    bool ws;             /* whitespace seen since the last content */
    bool line_start;     /* no content since the last block boundary or line break */

    emitted *es;         /* containers this file began, innermost last */
    uint32_t es_n, es_cap;
    uint8_t leaf;        /* innermost emitted container other than LINK, or EV_NONE */
    uint8_t bare;        /* leaf is an ITEM or CELL taking inline content as it is: BARE_* */

    uint8_t *buf;        /* text not yet emitted (scratch of the current step) */
    size_t n;
    uint32_t buf_flags;

    /* Element ids by tag name hash, direct-mapped, two slots per name: a page uses a few dozen
     * tag names over and over. Known elements only (at most 10 bytes long); a hit is checked
     * against the whole name, kept as two zero-padded words like the token's, and its length,
     * so a hit reads nothing else (the element table was a dependent load on every tag). */
    struct {
        uint64_t head, tail;
        uint32_t len;
        uint32_t id;
    } cache[64];

    pith_html_items items; /* item counts of reversed lists, read ahead */
    pith_html_grid grid;   /* columns covered by rowspans, per open table */
} html_state;

/* MARK: - Events */

static pith_status flush(html_state *st)
{
    pith_status s = PITH_OK;
    if (st->n) s = pith_emit_text(st->doc, (const char *)st->buf, st->n, st->buf_flags);
    st->n = 0;
    return s;
}

static void update_leaf(html_state *st)
{
    uint32_t i = st->es_n;
    while (i > 0 && st->es[i - 1].ev == PITH_EV_LINK) i--;
    st->leaf = i ? st->es[i - 1].ev : EV_NONE;
    /* a block inside an item or cell ended: what follows is a paragraph of its own */
    st->bare = BARE_NO;
}

static pith_status es_begin(html_state *st, pith_ev ev, const void *detail, uint32_t owner)
{
    pith_status s = flush(st);
    if (s != PITH_OK) return s;
    if (st->es_n == st->es_cap) {
        uint32_t cap = st->es_cap ? st->es_cap * 2 : 32;
        emitted *e = pith_doc_alloc(st->doc, (size_t)cap * sizeof *e);
        if (!e) return pith_alloc_failed(st->doc, (size_t)cap * sizeof *e);
        if (st->es_n) memcpy(e, st->es, (size_t)st->es_n * sizeof *e);
        st->es = e;
        st->es_cap = cap;
    }
    st->es[st->es_n].ev = (uint8_t)ev;
    st->es[st->es_n].owner = owner;
    st->es_n++;
    if (ev != PITH_EV_LINK) {
        st->leaf = (uint8_t)ev;
        st->bare = ev == PITH_EV_ITEM || ev == PITH_EV_CELL ? BARE_EMPTY : BARE_NO;
    }
    if (owner != NO_OWNER) st->tree.st[owner].ev = (uint8_t)ev;
    return pith_emit_begin(st->doc, ev, detail);
}

/* End the innermost emitted container. */
static pith_status es_end(html_state *st)
{
    pith_status s = flush(st);
    if (s != PITH_OK) return s;
    emitted e = st->es[--st->es_n];
    if (e.owner != NO_OWNER && e.owner < st->tree.depth) st->tree.st[e.owner].ev = EV_NONE;
    if (e.ev != PITH_EV_LINK) update_leaf(st);
    return pith_emit_end(st->doc, (pith_ev)e.ev);
}

static pith_status leaf_event(html_state *st, pith_ev ev, const void *detail)
{
    pith_status s = flush(st);
    return s != PITH_OK ? s : pith_emit_leaf(st->doc, ev, detail);
}

/* Inline content is about to come: open a paragraph unless text already has a home. */
static pith_status ensure_para(html_state *st)
{
    if (st->leaf == PITH_EV_PARAGRAPH || st->leaf == PITH_EV_HEADING || st->leaf == PITH_EV_CODE)
        return PITH_OK;
    if (st->bare) {
        st->bare = BARE_USED;
        return PITH_OK;
    }
    return es_begin(st, PITH_EV_PARAGRAPH, NULL, NO_OWNER);
}

/* A block boundary: the open paragraph ends (with the links inside it). Inside a heading it is
 * a space, inside a code block a line end. */
static pith_status block_boundary(html_state *st)
{
    pith_status s = PITH_OK;
    if (st->leaf == PITH_EV_HEADING) {
        st->ws = !st->line_start;
        return PITH_OK;
    }
    if (st->leaf == PITH_EV_CODE) {
        if (!st->line_start) {
            if (st->n + 1 > HTML_BUF && (s = flush(st)) != PITH_OK) return s;
            st->buf[st->n++] = '\n';
        }
        st->line_start = true;
        return PITH_OK;
    }
    if (st->leaf == PITH_EV_PARAGRAPH)
        while (s == PITH_OK && st->es_n && st->leaf == PITH_EV_PARAGRAPH) s = es_end(st);
    else if (st->bare == BARE_USED)
        st->bare = BARE_NO;
    st->ws = false;
    st->line_start = true;
    return s;
}

/* MARK: - Text */

/* Byte classes of text: 0 plain, 1 whitespace, 2 '&', 3 dropped control. */
static const uint8_t tcls[256] = {
    [0] = 3, 3, 3, 3, 3, 3, 3, 3, 3, [9] = 1, [10] = 1, [11] = 3, [12] = 1, [13] = 1, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, [' '] = 1, ['&'] = 2, [0x7F] = 3,
};

/* Append content bytes (k <= PITH_HTML_TEXT_MAX) with the current flags, the pending space
 * first. k may be 0: then only the pending space goes out (before a link or an image). */
static pith_status put(html_state *st, const uint8_t *s, size_t k)
{
    pith_status r;
    if ((r = ensure_para(st)) != PITH_OK) return r;
    if (st->flags != st->buf_flags || st->n + k + 1 > HTML_BUF) {
        if ((r = flush(st)) != PITH_OK) return r;
        st->buf_flags = st->flags;
    }
    if (st->ws && !st->line_start) st->buf[st->n++] = ' ';
    st->ws = false;
    if (k == 0) return PITH_OK;
    st->line_start = false;
    if (k > HTML_BUF / 2) {
        /* a long run: well-formed UTF-8 of the input (or its decoded copy), sent as it is */
        if ((r = flush(st)) != PITH_OK) return r;
        return pith_emit_text(st->doc, (const char *)s, k, st->flags);
    }
    memcpy(st->buf + st->n, s, k);
    st->n += k;
    return PITH_OK;
}

/* A code point from a character reference: whitespace collapses like typed whitespace (outside
 * preformatted text), other controls are dropped, the rest is content. */
static pith_status put_cp(html_state *st, uint32_t cp, bool pre)
{
    uint8_t u[4];
    if (!pre && (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\f' || cp == '\r')) {
        st->ws = true;
        return PITH_OK;
    }
    if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F) return PITH_OK;
    return put(st, u, pith_utf8_encode(cp, u));
}

/* The reference at s[0..n) (s[0] == '&'): its length, the characters put. */
static size_t reference(html_state *st, const uint8_t *s, size_t n, bool pre, pith_status *r)
{
    pith_entity e;
    uint32_t cp;
    size_t k;
    if (n > 1 && s[1] == '#') {
        k = pith_entity_numeric(s + 1, n - 1, &cp);
        if (k) {
            *r = put_cp(st, cp, pre);
            return k + 1;
        }
    } else if ((k = pith_entity_match(s + 1, n - 1, &e)) > 0) {
        *r = put_cp(st, e.cp[0], pre);
        if (*r == PITH_OK && e.count == 2) *r = put_cp(st, e.cp[1], pre);
        return k + 1;
    }
    *r = put(st, s, 1);
    return 1;
}

/* The plain run of text_normal from p[j] (entry: p[j - 1] is a plain byte of the run): eight
 * bytes at a time while a block holds only plain bytes and single spaces between them (not
 * last: what follows such a space is the byte loop's to see, and so a block never starts after
 * a space), then byte by byte. The classes are tcls's: not plain are the bytes up to ' ', '&'
 * and DEL. In wasm this is 15% of a text-heavy page's time (html-100k: 640 -> 546 us). */
static size_t plain_run(const uint8_t *p, size_t j, size_t n)
{
    while (n - j >= 8 && p[j + 7] != ' ') {
        uint64_t v = pith_load8(p + j);
        uint64_t low = pith_below_bytes(v, 0x21);
        uint64_t sp = pith_zero_bytes(v ^ PITH_REP8(' '));
        uint64_t bad = (low & ~sp) | pith_zero_bytes(v ^ PITH_REP8('&')) |
                       pith_zero_bytes(v ^ PITH_REP8(0x7F));
        if (bad || (sp & (sp << 8))) break; /* a control, '&', or two spaces together */
        j += 8;
    }
    while (j < n && tcls[p[j]] == 0) j++;
    return j;
}

/* Text outside preformatted elements: whitespace collapses, references are decoded. */
static pith_status text_normal(html_state *st, const uint8_t *p, size_t n, bool raw)
{
    pith_status r = PITH_OK;
    size_t i = 0;
    while (i < n && r == PITH_OK) {
        /* a run of plain bytes, single spaces between them included */
        size_t j = i;
        if (tcls[p[j]] == 0) {
            size_t from = i + 1;
            for (;;) { /* one call site: it is inlined once */
                j = plain_run(p, from, n);
                if (!(j + 1 < n && p[j] == ' ' && tcls[p[j + 1]] == 0)) break;
                from = j + 2;
            }
        }
        if (j > i) {
            r = put(st, p + i, j - i);
            i = j;
            continue;
        }
        switch (tcls[p[i]]) {
        case 1:
            st->ws = true;
            i++;
            break;
        case 2:
            if (raw) {
                r = put(st, p + i, 1);
                i++;
            } else {
                i += reference(st, p + i, n - i, false, &r);
            }
            break;
        default:
            i++; /* NUL and other controls are not text */
            break;
        }
    }
    return r;
}

/* A line end in preformatted text: part of a code block's text, a BREAK elsewhere (textarea). */
static pith_status pre_newline(html_state *st)
{
    pith_status r;
    if (st->pre_first) {
        st->pre_first = false;
        return PITH_OK;
    }
    if (st->leaf == PITH_EV_CODE) {
        if (st->flags != st->buf_flags || st->n + 1 > HTML_BUF) {
            if ((r = flush(st)) != PITH_OK) return r;
            st->buf_flags = st->flags;
        }
        st->buf[st->n++] = '\n';
        st->line_start = true;
        return PITH_OK;
    }
    if ((r = ensure_para(st)) != PITH_OK) return r;
    st->line_start = false;
    r = leaf_event(st, PITH_EV_BREAK, NULL);
    st->line_start = true;
    return r;
}

/* Text inside pre, listing, xmp, plaintext, textarea: kept as written (CRLF and CR become LF,
 * the first line end right after the start tag is dropped). */
static pith_status text_pre(html_state *st, const uint8_t *p, size_t n, bool raw)
{
    pith_status r = PITH_OK;
    size_t i = 0;
    while (i < n && r == PITH_OK) {
        uint8_t c = p[i];
        if (c == '\n' || c == '\r') {
            bool skip = c == '\n' && st->after_cr;
            st->after_cr = c == '\r';
            if (!skip) r = pre_newline(st);
            i++;
            continue;
        }
        st->after_cr = false;
        if (c == '&' && !raw) {
            st->pre_first = false;
            size_t k = reference(st, p + i, n - i, true, &r);
            i += k;
            continue;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && p[j] >= 0x20 && p[j] != '&' && p[j] != 0x7F) j++;
        st->pre_first = false;
        /* spaces are content here: written as they are, never collapsed */
        st->ws = false;
        r = put(st, p + i, j - i);
        i = j;
    }
    return r;
}

static bool all_space(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tcls[p[i]] != 1) return false;
    return true;
}

static pith_status on_text(html_state *st, const pith_html_tok *t)
{
    if (st->skip || st->raw_skip) return PITH_OK;
    if (st->phase == PH_BEFORE_BODY) {
        /* whitespace before the body is not text; anything else starts the body */
        if (all_space(t->p, t->n)) return PITH_OK;
        st->phase = PH_BODY;
    }
    if (st->pre) return text_pre(st, t->p, t->n, t->raw);
    return text_normal(st, t->p, t->n, t->raw);
}

/* MARK: - Attributes */

static bool ieq(const uint8_t *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return false;
    for (size_t i = 0; i < n; i++)
        if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] | 0x20 : s[i]) != (uint8_t)lit[i]) return false;
    return true;
}

/* Decode an attribute value (references with the attribute rule, NUL as U+FFFD) into out
 * (room for 3 * n + 8 bytes: a NUL, one byte, becomes three; a reference grows by at most a
 * fifth); with `collapse`, whitespace runs become one space and the ends are trimmed. Returns
 * the length. */
static size_t attr_text(const uint8_t *v, size_t n, bool collapse, uint8_t *out)
{
    size_t o = 0;
    bool ws = false;
    size_t i = 0;
    while (i < n) {
        /* a run of bytes that stay as they are (the common case: URLs, plain alt text) */
        size_t j = i;
        while (j < n && tcls[v[j]] == 0) j++;
        if (j > i) {
            if (ws) out[o++] = ' ';
            ws = false;
            memcpy(out + o, v + i, j - i);
            o += j - i;
            i = j;
            if (i == n) break;
        }
        uint8_t c = v[i];
        uint32_t cp = c;
        size_t k = 1;
        if (c == '&') {
            pith_entity e;
            size_t m;
            if (i + 1 < n && v[i + 1] == '#' &&
                (m = pith_entity_numeric(v + i + 1, n - i - 1, &cp)) > 0) {
                k = m + 1;
            } else if ((m = pith_entity_match(v + i + 1, n - i - 1, &e)) > 0) {
                /* §13.2.5.72: in an attribute, a name without ';' followed by '=' or an
                 * alphanumeric is not a reference ("?a=1&copy=2") */
                uint8_t next = i + 1 + m < n ? v[i + 1 + m] : 0;
                bool alnum = (next >= '0' && next <= '9') ||
                             ((next | 0x20) >= 'a' && (next | 0x20) <= 'z');
                if (e.semicolon || !(next == '=' || alnum)) {
                    k = m + 1;
                    cp = e.cp[0];
                    if (e.count == 2) {
                        o += pith_utf8_encode(cp, out + o);
                        cp = e.cp[1];
                    }
                }
            }
        } else if (c == 0) {
            cp = PITH_UTF_REPLACEMENT;
        }
        i += k;
        bool space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f';
        if (collapse && space) {
            ws = o > 0;
            continue;
        }
        if (ws) out[o++] = ' ';
        ws = false;
        if (cp < 0x20 && !space) continue;
        o += pith_utf8_encode(cp, out + o);
    }
    return o;
}

/* An attribute's decoded value in scratch memory; *len = 0 and NULL when absent. */
static const char *attr_value_n(html_state *st, const pith_html_tok *t, const char *name,
                                size_t name_len, bool collapse, size_t *len)
{
    const pith_html_attr *a = pith_html_attr_find(t, name, name_len);
    *len = 0;
    if (!a) return NULL;
    uint8_t *out = pith_scratch_alloc(st->doc, 3 * (size_t)a->value_len + 8);
    if (!out) return NULL;
    *len = attr_text(a->value, a->value_len, collapse, out);
    return (const char *)out;
}

#define attr_value(st, t, lit, collapse, len) \
    attr_value_n(st, t, lit, sizeof(lit) - 1, collapse, len)

/* hidden, or display:none in the style attribute (any case, spaces around ':' allowed). Runs
 * for every start tag: one pass over the attributes, most of which start with neither letter. */
static bool is_hidden(const pith_html_tok *t)
{
    const pith_html_attr *a = NULL;
    for (uint32_t i = 0; i < t->attr_count; i++) {
        const pith_html_attr *x = &t->attrs[i];
        uint8_t c = x->name[0] | 0x20;
        if (c == 'h' && x->name_len == 6 && ieq(x->name, 6, "hidden")) return true;
        if (c == 's' && !a && x->name_len == 5 && ieq(x->name, 5, "style")) a = x;
    }
    if (!a) return false;
    const uint8_t *v = a->value;
    size_t n = a->value_len;
    for (size_t i = 0; i + 7 <= n; i++) {
        if ((v[i] | 0x20) != 'd' || !ieq(v + i, 7, "display")) continue;
        size_t j = i + 7;
        while (j < n && tcls[v[j]] == 1) j++;
        if (j >= n || v[j] != ':') continue;
        j++;
        while (j < n && tcls[v[j]] == 1) j++;
        if (n - j >= 4 && ieq(v + j, 4, "none") &&
            (n - j == 4 || !((v[j + 4] | 0x20) >= 'a' && (v[j + 4] | 0x20) <= 'z') ))
            return true;
    }
    return false;
}

/* MARK: - Elements */

static uint32_t element(html_state *st, const pith_html_tok *t)
{
    uint64_t head, tail;
    memcpy(&head, t->name, sizeof head);
    memcpy(&tail, t->name + 8, sizeof tail);
    uint32_t slot = t->name_hash & 63u;
    for (uint32_t probe = 0; probe < 2; probe++, slot ^= 1u) {
        /* an empty slot has len 0, which no token name has */
        if (st->cache[slot].head == head && st->cache[slot].tail == tail &&
            st->cache[slot].len == t->name_len)
            return st->cache[slot].id;
    }
    uint32_t id = pith_html_el_find(t->name, t->name_len);
    if (id) {
        slot = t->name_hash & 63u;
        if (st->cache[slot].len) slot ^= 1u; /* keep the first one there */
        st->cache[slot].head = head;
        st->cache[slot].tail = tail;
        st->cache[slot].len = t->name_len;
        st->cache[slot].id = id;
    }
    return id;
}

static uint32_t flag_of(uint32_t kind, uint32_t *idx)
{
    switch (kind) {
    case HTML_K_EM: *idx = 0; return PITH_TEXT_EMPH;
    case HTML_K_STRONG: *idx = 1; return PITH_TEXT_STRONG;
    case HTML_K_CODE: *idx = 2; return PITH_TEXT_CODE;
    case HTML_K_DEL: *idx = 3; return PITH_TEXT_STRIKE;
    default: return 0;
    }
}

static void recompute_flags(html_state *st)
{
    static const uint32_t bits[4] = {PITH_TEXT_EMPH, PITH_TEXT_STRONG, PITH_TEXT_CODE,
                                     PITH_TEXT_STRIKE};
    uint32_t f = 0;
    for (int k = 0; k < 4; k++)
        if (st->flag_n[k]) f |= bits[k];
    st->flags = f;
}

/* An empty cell over `span` columns that a cell of a row above covers (html_grid.c). */
static pith_status covered_cell(html_state *st, uint32_t span)
{
    pith_ev_cell c = {span, 0};
    pith_status r = es_begin(st, PITH_EV_CELL, &c, NO_OWNER);
    return r != PITH_OK ? r : es_end(st);
}

static pith_status on_pop(void *user, pith_html_tree *t, pith_html_entry *e)
{
    html_state *st = user;
    pith_status r = PITH_OK;
    if (e->info & I_INERT) return PITH_OK;
    if (e->info & I_SKIP) {
        st->skip--;
        return PITH_OK;
    }
    uint32_t idx = (uint32_t)(e - t->st);
    if (e->info & I_PRE) {
        st->pre--;
        st->pre_first = false;
    }
    if (e->info & I_FLAG) {
        st->flag_n[e->aux]--;
        recompute_flags(st);
    }
    if (e->el == HTML_EL_TR) {
        /* columns right of the row's last cell that a cell above covers: one cell over them */
        uint32_t fill;
        if ((r = pith_html_grid_row_end(&st->grid, st->doc, &fill)) != PITH_OK) return r;
        if (fill && e->ev == PITH_EV_ROW && st->es_n && st->es[st->es_n - 1].owner == idx &&
            (r = covered_cell(st, fill)) != PITH_OK)
            return r;
    } else if (pith_html_el_of(e->el)->kind == HTML_K_TSECT) {
        pith_html_grid_section(&st->grid);
    }
    if (e->ev != EV_NONE) {
        /* end what this element began, and whatever was opened inside it */
        while (r == PITH_OK && st->es_n) {
            bool mine = st->es[st->es_n - 1].owner == idx;
            r = es_end(st);
            if (mine) break;
        }
    }
    if (e->info & I_GRID) pith_html_grid_table_end(&st->grid);
    if (r == PITH_OK && (e->info & I_BLOCK)) r = block_boundary(st);
    return r;
}

/* The nearest open table below the top that has not begun its TABLE event yet: begin it
 * (a table begins at its first row, so a caption before the rows stays a paragraph). */
static pith_status begin_table(html_state *st)
{
    pith_html_tree *t = &st->tree;
    uint32_t i = t->depth, walked = 0;
    while (i > 0 && walked++ < PITH_HTML_SCOPE_MAX) {
        i--;
        if (t->st[i].el != HTML_EL_TABLE) continue;
        if (!(t->st[i].info & I_TABLE)) return PITH_OK;
        t->st[i].info &= (uint8_t)~I_TABLE;
        pith_status r = block_boundary(st);
        return r != PITH_OK ? r : es_begin(st, PITH_EV_TABLE, NULL, i);
    }
    return PITH_OK;
}

/* Push an element. Past the stack's limit it is only counted: fine for elements that only
 * separate blocks or flag text, wrong for those that hide content or keep whitespace (a raw
 * text element's content is dropped by the tokenizer's side, raw_skip, so it is fine too). */
static pith_status push_el(html_state *st, const pith_html_tok *t, uint32_t el, uint8_t info,
                           uint32_t aux, bool *kept)
{
    pith_html_entry e = {(uint16_t)el, EV_NONE, info, t->name_hash, aux};
    pith_html_tree *tr = &st->tree;
    bool raw = pith_html_el_of(el)->flags & (HTML_F_RAWTEXT | HTML_F_RCDATA);
    if (tr->depth >= tr->max && (info & (I_SKIP | I_PRE)) && !(info & I_INERT) &&
        !((info & I_SKIP) && raw))
        return pith_fail(st->doc, PITH_E_LIMIT, t->offset,
                         "html: <%.*s> nested deeper than %u elements (limit max_depth): its "
                         "content would come out wrong",
                         (int)(t->name_len < PITH_HTML_NAME_MAX ? t->name_len : PITH_HTML_NAME_MAX),
                         (const char *)t->name, tr->max);
    return pith_html_tree_push(tr, &e, kept);
}

/* Void elements: br, hr, img (meta and the rest have no text). */
static pith_status on_void(html_state *st, const pith_html_tok *t, const pith_html_el *e)
{
    pith_status r;
    if (st->skip || is_hidden(t)) return PITH_OK;
    switch (e->kind) {
    case HTML_K_BR:
        if (st->pre && st->leaf == PITH_EV_CODE) {
            st->pre_first = false;
            return pre_newline(st);
        }
        if (st->leaf == PITH_EV_HEADING) {
            st->ws = !st->line_start;
            return PITH_OK;
        }
        if ((r = ensure_para(st)) != PITH_OK) return r;
        st->ws = false;
        st->line_start = false;
        r = leaf_event(st, PITH_EV_BREAK, NULL);
        st->line_start = true;
        return r;
    case HTML_K_HR:
        if ((r = block_boundary(st)) != PITH_OK) return r;
        if (st->leaf == PITH_EV_HEADING || st->leaf == PITH_EV_CODE) return PITH_OK;
        return leaf_event(st, PITH_EV_RULE, NULL);
    case HTML_K_IMG: {
        pith_ev_image im;
        im.alt.p = attr_value(st, t, "alt", true, &im.alt.n);
        im.src.p = attr_value(st, t, "src", true, &im.src.n);
        if (pith_doc_status(st->doc) != PITH_OK) return pith_doc_status(st->doc);
        /* the space before the image belongs before it */
        if ((r = st->ws && im.alt.n ? put(st, NULL, 0) : ensure_para(st)) != PITH_OK) return r;
        if (im.alt.n) st->line_start = false;
        return leaf_event(st, PITH_EV_IMAGE, &im);
    }
    default:
        if (e->flags & HTML_F_BLOCK) return block_boundary(st);
        return PITH_OK;
    }
}

static pith_status on_start(html_state *st, const pith_html_tok *t)
{
    pith_status r;
    uint32_t el = element(st, t);
    const pith_html_el *e = pith_html_el_of(el);
    switch (e->kind) {
    case HTML_K_HTML:
        return PITH_OK;
    case HTML_K_HEAD:
        return PITH_OK;
    case HTML_K_BODY:
        st->phase = PH_BODY;
        return PITH_OK;
    default:
        break;
    }
    if (st->phase == PH_BEFORE_BODY && !(e->flags & HTML_F_HEAD)) st->phase = PH_BODY;
    bool foreign = st->tree.foreign > 0;
    if (!foreign && (e->flags & (HTML_F_RCDATA | HTML_F_RAWTEXT | HTML_F_PLAINTEXT)))
        st->raw_skip = (e->flags & HTML_F_SKIP) != 0;
    if (!foreign && (e->flags & (HTML_F_RCDATA | HTML_F_RAWTEXT | HTML_F_PLAINTEXT)))
        pith_html_tok_mode(&st->tok,
                           (e->flags & HTML_F_RCDATA)     ? PITH_HTML_RCDATA
                           : (e->flags & HTML_F_RAWTEXT) ? PITH_HTML_RAWTEXT
                                                         : PITH_HTML_PLAINTEXT,
                           t->name, t->name_len);
    if ((e->flags & HTML_F_VOID) && !foreign) {
        bool ignored;
        if ((e->flags & HTML_F_CLOSE_P) &&
            (r = pith_html_tree_before_start(&st->tree, el, t->name_hash, &ignored)) != PITH_OK)
            return r;
        return on_void(st, t, e);
    }
    if (foreign && t->self_closing) return PITH_OK;
    if ((e->flags & HTML_F_FOREIGN) && t->self_closing) return PITH_OK;

    bool insert;
    if ((r = pith_html_tree_before_start(&st->tree, el, t->name_hash, &insert)) != PITH_OK)
        return r;
    if (!insert) return PITH_OK;
    foreign = st->tree.foreign > 0; /* a breakout element may have ended it */

    uint8_t info = 0;
    uint32_t aux = 0, fidx = 0;
    if (st->skip) {
        info = I_INERT;
    } else if ((e->flags & HTML_F_SKIP) || is_hidden(t)) {
        info = I_SKIP;
    } else if (!foreign) {
        if (e->flags & HTML_F_BLOCK) info |= I_BLOCK;
        if (e->kind == HTML_K_PRE || e->kind == HTML_K_XMP || e->kind == HTML_K_PLAINTEXT ||
            e->kind == HTML_K_TEXTAREA)
            info |= I_PRE;
        if (flag_of(e->kind, &fidx)) {
            info |= I_FLAG;
            aux = fidx;
        }
        if (el == HTML_EL_TABLE) info |= I_TABLE | I_GRID;
    }

    /* a cell without a row: the row it implies */
    if ((e->kind == HTML_K_TD || e->kind == HTML_K_TH) && !(info & (I_INERT | I_SKIP))) {
        pith_html_entry *top = pith_html_tree_top(&st->tree);
        if (!top || pith_html_el_of(top->el)->kind != HTML_K_TR) {
            bool kept;
            if ((r = begin_table(st)) != PITH_OK) return r;
            if ((r = push_el(st, t, HTML_EL_TR, 0, 0, &kept)) != PITH_OK) return r;
            pith_html_grid_row_begin(&st->grid);
            if (kept && (r = es_begin(st, PITH_EV_ROW, NULL, st->tree.depth - 1)) != PITH_OK)
                return r;
        }
    }

    bool kept;
    if ((r = push_el(st, t, el, info, aux, &kept)) != PITH_OK) return r;
    if (!kept || (info & I_INERT)) return PITH_OK;
    if (info & I_SKIP) {
        st->skip++;
        return PITH_OK;
    }
    if (foreign) return PITH_OK;
    if ((info & I_GRID) && (r = pith_html_grid_table_begin(&st->grid, st->doc)) != PITH_OK)
        return r;
    uint32_t me = st->tree.depth - 1;
    if (info & I_BLOCK && (r = block_boundary(st)) != PITH_OK) return r;
    if (info & I_PRE) {
        st->pre++;
        st->pre_first = e->kind == HTML_K_PRE || e->kind == HTML_K_TEXTAREA;
        st->after_cr = false;
    }
    if (info & I_FLAG) {
        st->flag_n[aux]++;
        recompute_flags(st);
    }
    switch (e->kind) {
    case HTML_K_H: {
        if (st->leaf == PITH_EV_HEADING || st->leaf == PITH_EV_CODE) return PITH_OK;
        pith_ev_heading h = {e->level};
        return es_begin(st, PITH_EV_HEADING, &h, me);
    }
    case HTML_K_PRE:
    case HTML_K_XMP:
    case HTML_K_PLAINTEXT: {
        if (st->leaf == PITH_EV_HEADING || st->leaf == PITH_EV_CODE) return PITH_OK;
        pith_ev_code c = {{NULL, 0}};
        return es_begin(st, PITH_EV_CODE, &c, me);
    }
    case HTML_K_QUOTE:
        if (st->leaf == PITH_EV_HEADING || st->leaf == PITH_EV_CODE) return PITH_OK;
        return es_begin(st, PITH_EV_QUOTE, NULL, me);
    case HTML_K_UL:
    case HTML_K_OL: {
        if (st->leaf == PITH_EV_HEADING || st->leaf == PITH_EV_CODE) return PITH_OK;
        pith_ev_list l = {.ordered = e->kind == HTML_K_OL, .start = 1};
        if (e->kind == HTML_K_OL &&
            (r = pith_html_list_numbers(&st->items, st->doc, st->src, st->len, t, st->tok.pos,
                                        st->tree.max, &l)) != PITH_OK)
            return r;
        return es_begin(st, PITH_EV_LIST, &l, me);
    }
    case HTML_K_LI: {
        if (st->leaf == PITH_EV_HEADING || st->leaf == PITH_EV_CODE) return PITH_OK;
        pith_ev_item it = {.checked = -1};
        it.has_value = PITH_HTML_ATTR_INT(t, "value", &it.value);
        return es_begin(st, PITH_EV_ITEM, &it, me);
    }
    case HTML_K_TSECT:
        pith_html_grid_section(&st->grid);
        return PITH_OK;
    case HTML_K_TR:
        if ((r = begin_table(st)) != PITH_OK) return r;
        pith_html_grid_row_begin(&st->grid);
        return es_begin(st, PITH_EV_ROW, NULL, me);
    case HTML_K_TD:
    case HTML_K_TH: {
        if ((r = begin_table(st)) != PITH_OK) return r;
        /* §4.9.11: colspan 0 or none is 1, above 1000 is 1000; rowspan none or negative is 1,
         * 0 is the rest of the row group, above 65534 is 65534 */
        int64_t span = 1, rows = 1;
        PITH_HTML_ATTR_INT(t, "colspan", &span);
        PITH_HTML_ATTR_INT(t, "rowspan", &rows);
        pith_ev_cell c = {span < 1 ? 1u : span > 1000 ? 1000u : (uint32_t)span,
                          e->kind == HTML_K_TH};
        uint32_t covered = pith_html_grid_before_cell(&st->grid);
        if (covered && (r = covered_cell(st, covered)) != PITH_OK) return r;
        st->ws = false;
        st->line_start = true;
        if ((r = es_begin(st, PITH_EV_CELL, &c, me)) != PITH_OK) return r;
        return pith_html_grid_cell(&st->grid, st->doc, c.colspan,
                                   rows < 0 ? 1u : rows > 65534 ? 65534u : (uint32_t)rows);
    }
    case HTML_K_A: {
        size_t n;
        const char *href = attr_value(st, t, "href", true, &n);
        if (!href || (n >= 11 && ieq((const uint8_t *)href, 11, "javascript:")))
            return pith_doc_status(st->doc); /* no link for an anchor or a script */
        /* the space before the link goes before it */
        if ((r = st->ws ? put(st, NULL, 0) : ensure_para(st)) != PITH_OK) return r;
        pith_ev_link l = {{href, n}};
        return es_begin(st, PITH_EV_LINK, &l, me);
    }
    default:
        return PITH_OK;
    }
}

static pith_status on_end(html_state *st, const pith_html_tok *t)
{
    uint32_t el = element(st, t);
    const pith_html_el *e = pith_html_el_of(el);
    switch (e->kind) {
    case HTML_K_HEAD:
    case HTML_K_HTML:
    case HTML_K_BODY:
        return PITH_OK;
    case HTML_K_BR:
        /* "</br>" is read as <br> (§13.2.6.4.7) */
        if (st->tree.foreign == 0) return on_void(st, t, e);
        break;
    case HTML_K_P:
        if (pith_html_tree_in_scope(&st->tree, HTML_EL_P, 0, HTML_SCOPE_BUTTON) < 0 &&
            !st->tree.phantom) {
            /* a </p> without <p> makes an empty paragraph: a boundary */
            return st->skip ? PITH_OK : block_boundary(st);
        }
        break;
    default:
        break;
    }
    return pith_html_tree_end(&st->tree, el, t->name_hash);
}

/* MARK: - Metadata (open) */

static pith_status add_meta(html_state *st, const char *key, const char *v, size_t n)
{
    if (!v || n == 0) return pith_doc_status(st->doc);
    if (n > HTML_META_MAX) {
        n = HTML_META_MAX;
        while (n > 0 && (v[n] & 0xC0) == 0x80) n--; /* whole code points */
    }
    return pith_doc_add_meta(st->doc, key, v, n);
}

/* The head's metadata, read before any output so the JSON and HTML outputs carry it first.
 * Reads the start of the document with its own tokenizer up to the body (or HTML_HEAD_SCAN
 * bytes); the unit pass reads everything again and leaves this to open. */
static pith_status scan_head(html_state *st)
{
    pith_html_tokenizer tk;
    pith_html_tok *t = &st->cur;
    size_t limit = st->len < HTML_HEAD_SCAN ? st->len : HTML_HEAD_SCAN;
    pith_html_tok_init(&tk, st->src, limit);
    bool title_done = false, in_title = false, lang_done = false;
    uint8_t *title = NULL;
    size_t tn = 0;
    unsigned have = 0; /* bit per meta key already stored */
    static const char *const keys[] = {"author", "description", "keywords", "og:title",
                                       "og:description"};
    pith_status r = PITH_OK;
    while (r == PITH_OK && pith_html_tok_next(&tk, t)) {
        if (t->kind == PITH_HTML_TEXT) {
            if (in_title) {
                if (!title) {
                    title = pith_scratch_alloc(st->doc, HTML_META_MAX * 3 + 8);
                    if (!title) return pith_alloc_failed(st->doc, HTML_META_MAX * 3 + 8);
                }
                /* the output of `take` bytes is at most 3 * take (+1 joining space) */
                size_t room = (HTML_META_MAX * 3 - tn) / 3;
                size_t take = t->n < room ? t->n : room;
                /* a title cut at the cap ends on a whole character (fuzz finding) */
                while (take > 0 && take < t->n && (t->p[take] & 0xC0) == 0x80) take--;
                /* decoded and collapsed in pieces: a space may join two tokens */
                size_t k = attr_text(t->p, take, true, title + tn);
                if (k && tn && tcls[t->p[0]] == 1) {
                    memmove(title + tn + 1, title + tn, k);
                    title[tn++] = ' ';
                }
                tn += k;
            } else if (!all_space(t->p, t->n)) {
                break; /* body text */
            }
            continue;
        }
        if (t->kind == PITH_HTML_END) {
            if (in_title && ieq(t->name, t->name_len, "title")) {
                in_title = false;
                title_done = true;
                r = add_meta(st, "title", (const char *)title, tn);
            }
            continue;
        }
        if (t->kind != PITH_HTML_START) continue;
        uint32_t el = pith_html_el_find(t->name, t->name_len);
        const pith_html_el *e = pith_html_el_of(el);
        if (e->flags & (HTML_F_RAWTEXT | HTML_F_RCDATA))
            pith_html_tok_mode(&tk, (e->flags & HTML_F_RCDATA) ? PITH_HTML_RCDATA
                                                                : PITH_HTML_RAWTEXT,
                               t->name, t->name_len);
        if (el == HTML_EL_HTML && !lang_done) {
            size_t n;
            const char *v = attr_value(st, t, "lang", true, &n);
            lang_done = true;
            r = add_meta(st, "language", v, n);
        } else if (el == HTML_EL_TITLE && !title_done) {
            in_title = true;
        } else if (el == HTML_EL_META) {
            size_t kn, cn;
            const char *k = attr_value(st, t, "name", true, &kn);
            if (!k) k = attr_value(st, t, "property", true, &kn);
            if (!k) continue;
            for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
                if ((have >> i) & 1u || !ieq((const uint8_t *)k, kn, keys[i])) continue;
                const char *c = attr_value(st, t, "content", true, &cn);
                if (c && cn) {
                    have |= 1u << i;
                    r = add_meta(st, keys[i], c, cn);
                }
                break;
            }
        } else if (el == HTML_EL_BODY || !(e->flags & HTML_F_HEAD) ) {
            if (el != HTML_EL_HEAD) break;
        }
    }
    if (r == PITH_OK && in_title && tn) r = add_meta(st, "title", (const char *)title, tn);
    return r;
}

/* MARK: - Encoding (open) */

/* Decode data[0..len) with d into document memory. A large page has its exact size counted
 * first in a small scratch buffer, so it costs its UTF-8 size, not the 3x worst case; a small
 * one (the usual legacy page) gets the worst case at once and one pass. */
static pith_status decode_all(html_state *st, pith_charset_decoder *d, const uint8_t *data,
                              size_t len)
{
    const size_t piece = 16 * 1024;
    if (len <= 4 * piece) {
        size_t cap = pith_charset_decode_max(len), used;
        uint8_t *out = pith_doc_alloc(st->doc, cap);
        if (!out) return pith_alloc_failed(st->doc, cap);
        st->len = pith_charset_decode(d, data, len, true, out, cap, &used);
        st->src = out;
        return pith_work(st->doc, len);
    }
    uint8_t *tmp = pith_scratch_alloc(st->doc, pith_charset_decode_max(piece));
    if (!tmp) return pith_alloc_failed(st->doc, pith_charset_decode_max(piece));
    size_t total = 0, i = 0;
    pith_charset_decoder probe = *d;
    while (i < len) {
        size_t n = len - i < piece ? len - i : piece, used;
        total += pith_charset_decode(&probe, data + i, n, i + n == len, tmp,
                                     pith_charset_decode_max(piece), &used);
        if (used == 0) used = n; /* cannot happen with final; never loop */
        i += used;
    }
    uint8_t *out = pith_doc_alloc(st->doc, total + 1);
    if (!out) return pith_alloc_failed(st->doc, total + 1);
    size_t o = 0;
    i = 0;
    while (i < len) {
        size_t n = len - i < piece ? len - i : piece, used;
        o += pith_charset_decode(d, data + i, n, i + n == len, out + o, total + 1 - o, &used);
        if (used == 0) break;
        i += used;
    }
    st->src = out;
    st->len = o;
    return pith_work(st->doc, len);
}

/* The document's encoding, and whether data[skip..len) is well-formed UTF-8 to read in place
 * (*in_place). Two departures from the standard, both for pages that lie: valid UTF-8 with
 * non-ASCII text is UTF-8 whatever the page declares (legacy text is almost never valid UTF-8;
 * pages re-saved as UTF-8 keep their old <meta>), and a page declaring UTF-8 without one
 * well-formed multibyte sequence per hundred ill-formed ones is sniffed. East Asian encodings
 * need the cjk-encodings pack: PITH_E_NEED_PACK names it when it is not in the options. */
static pith_status pick_encoding(html_state *st, const uint8_t *data, size_t len,
                                 pith_charset *cs, size_t *skip, bool *in_place)
{
    pith_doc *doc = st->doc;
    const pith_options *o = pith_doc_options(doc);
    *in_place = false;
    *skip = pith_charset_bom(data, len, cs);
    if (*skip) {
        *in_place = cs->kind == PITH_ENC_UTF8 &&
                    pith_utf8_valid_prefix(data + *skip, len - *skip) == len - *skip;
        return PITH_OK;
    }
    bool declared = pith_charset_from_mime(o->hint, o->hint_len, cs);
    if (!declared) {
        int u16 = pith_utf16_sniff(data, len);
        if (u16) {
            *cs = pith_charset_named(u16 == 1 ? "utf-16le" : "utf-16be");
            return PITH_OK;
        }
        declared = pith_charset_html_prescan(data, len, cs);
    }
    size_t valid = pith_utf8_valid_prefix(data, len);
    bool multi = false;
    bool utf8 = valid == len || pith_utf8_mostly(data, len, NULL);
    if (valid == len) {
        /* valid UTF-8 with non-ASCII text is UTF-8, whatever the page says: legacy text is
         * almost never valid UTF-8, pages re-saved as UTF-8 often keep their old <meta> */
        if (declared && cs->kind != PITH_ENC_UTF8) {
            for (size_t i = 0; i < len && !multi; i++) multi = data[i] >= 0x80;
            if (multi) *cs = pith_charset_named("utf-8");
        } else if (!declared) {
            /* 7-bit ISO-2022-JP is valid UTF-8 too: its JIS X 0208 escape gives it away */
            const uint8_t *esc = len ? memchr(data, 0x1B, len) : NULL;
            bool jis = false;
            while (esc && !jis) {
                size_t at = (size_t)(esc - data);
                jis = len - at >= 3 && esc[1] == '$' && (esc[2] == 'B' || esc[2] == '@');
                esc = at + 1 < len ? memchr(esc + 1, 0x1B, len - at - 1) : NULL;
            }
            *cs = pith_charset_named(jis ? "iso-2022-jp" : "utf-8");
        }
        *in_place = cs->kind == PITH_ENC_UTF8;
        return PITH_OK;
    }
    if (declared && !(cs->kind == PITH_ENC_UTF8 && !utf8)) return PITH_OK;
    if (utf8) {
        *cs = pith_charset_named("utf-8");
        return PITH_OK;
    }
    /* Undeclared (or declared UTF-8 without one well-formed multibyte sequence in 100 bad
     * ones: tika's testArabicMisleadingCharset is windows-1256 under a UTF-8 <meta>). */
    pith_cjk_pack pack;
    const pith_pack *pk = pith_charset_pack_find(o, PITH_CJK_PACK_NAME);
    bool have = pk && pith_cjk_pack_parse(pk->data, pk->len, &pack) == NULL;
    bool need;
    *cs = pith_charset_sniff(data, len, have ? &pack : NULL, &need);
    if (need) /* which one is told only with the pack's tables: no name is guessed here */
        return pith_fail(doc, PITH_E_NEED_PACK, 0,
                         "charset: undeclared east asian multibyte text needs data pack %s",
                         PITH_CJK_PACK_NAME);
    return PITH_OK;
}

static pith_status html_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    html_state *st = pith_doc_calloc(doc, sizeof *st);
    if (!st) return pith_alloc_failed(doc, sizeof *st);
    st->doc = doc;
    st->line_start = true;
    st->leaf = EV_NONE;
    pith_status r = pith_work(doc, len);
    if (r != PITH_OK) return r;

    pith_charset cs;
    size_t skip;
    bool in_place;
    if ((r = pick_encoding(st, data, len, &cs, &skip, &in_place)) != PITH_OK) return r;
    if (in_place) {
        st->src = len ? data + skip : NULL;
        st->len = len - skip;
    } else {
        pith_charset_decoder dec;
        if ((r = pith_charset_decoder_open(doc, &cs, &dec)) != PITH_OK) return r;
        if ((r = decode_all(st, &dec, data + skip, len - skip)) != PITH_OK) return r;
    }
    if ((r = pith_doc_add_meta(doc, "encoding", cs.name, strlen(cs.name))) != PITH_OK) return r;
    if ((r = scan_head(st)) != PITH_OK) return r;

    pith_html_tok_init(&st->tok, st->src, st->len);
    r = pith_html_tree_init(&st->tree, doc, pith_doc_options(doc)->limits.max_depth, on_pop, st);
    if (r != PITH_OK) return r;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    *state = st;
    return PITH_OK;
}

/* MARK: - Steps */

static pith_status finish(html_state *st)
{
    pith_status r = pith_html_tree_pop_to(&st->tree, 0);
    if (r == PITH_OK) r = block_boundary(st);
    while (r == PITH_OK && st->es_n) r = es_end(st);
    if (r == PITH_OK) r = flush(st);
    st->done = true;
    return r;
}

static pith_status html_unit(pith_doc *doc, void *state, uint32_t index)
{
    html_state *st = state;
    (void)index; /* a page is one unit */
    if (st->done) return PITH_OK;
    st->buf = pith_scratch_alloc(doc, HTML_BUF + 16);
    if (!st->buf) return pith_alloc_failed(doc, HTML_BUF + 16);
    st->n = 0;
    size_t start = st->tok.pos;
    pith_status r = PITH_OK;
    pith_html_tok *t = &st->cur;
    while (r == PITH_OK) {
        if (st->tok.pos - start >= HTML_STEP) {
            r = flush(st);
            if (r == PITH_OK) r = pith_work(doc, st->tok.pos - start);
            return r == PITH_OK ? PITH_MORE : r;
        }
        if (!pith_html_tok_next(&st->tok, t)) break;
        switch (t->kind) {
        case PITH_HTML_TEXT:
        case PITH_HTML_CDATA:
            r = on_text(st, t);
            break;
        case PITH_HTML_START:
            r = on_start(st, t);
            st->tok.foreign = st->tree.foreign > 0;
            break;
        case PITH_HTML_END:
            st->raw_skip = false;
            r = on_end(st, t);
            st->tok.foreign = st->tree.foreign > 0;
            break;
        default:
            break;
        }
    }
    if (r == PITH_OK) r = finish(st);
    if (r == PITH_OK) r = pith_work(doc, st->tok.pos - start);
    return r;
}

const pith_handler pith_handler_html = {"html", html_open, html_unit};
