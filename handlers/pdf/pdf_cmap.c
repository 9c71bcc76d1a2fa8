/* pdf_cmap.c: one parser for CMap programs, ToUnicode and encoding CMaps alike (ISO 32000-1
 * §9.7.5 and §9.10.3; Adobe Technical Note #5014 for the syntax).
 *
 * Reads codespacerange (codes of 1-4 bytes), bfchar and bfrange (destination strings in
 * UTF-16BE with surrogates and ligatures of several code points, arrays of strings, glyph
 * names), cidchar, cidrange, notdefrange, /WMode and usecmap (the name is recorded: the caller
 * resolves parents and adds them at a higher level, so nothing here recurses). Everything else
 * of the PostScript wrapper is skipped token by token. Overlapping definitions are resolved once
 * at the end (a sweep over range boundaries, later definitions and lower levels win), so a
 * lookup is one binary search over disjoint segments. Limits: PDF_CMAP_MAX_MAPS mappings,
 * PDF_CMAP_MAX_SPACE codespace ranges, destination strings of at most 8 code points; a
 * damaged program keeps what parsed, with one warning. Work is drawn per token.
 */
#include <stdlib.h>
#include <string.h>

#include "pdf_font_int.h"

struct pdf_cmap_ent {
    uint32_t lo, hi, val, prio;
    uint8_t kind, len;
};

#define TOK_CAP 64u   /* bytes kept of a string token: 32 UTF-16 units is beyond any ligature */

typedef enum tok_kind {
    TK_EOF = 0, TK_STR, TK_NAME, TK_NUM, TK_KEY, TK_AOPEN, TK_ACLOSE, TK_OTHER
} tok_kind;

typedef struct tok {
    uint8_t kind;
    uint32_t len;              /* TK_STR: bytes kept; TK_NAME (slash included)/TK_KEY: at s */
    bool overlong;             /* TK_STR longer than TOK_CAP */
    uint8_t buf[TOK_CAP];
    const uint8_t *s;
    int64_t num;
} tok;

typedef struct parser {
    pdf_cmap_builder *b;
    const uint8_t *p, *end;
    uint32_t prio_base;
    uint32_t seq;
    bool damaged, full;
    pith_status st;            /* LIMIT/NOMEM */
    uint32_t work;             /* tokens since the last pith_work */
} parser;

static bool is_ws(uint8_t c)
{
    return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
}

static bool is_delim(uint8_t c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_byte(tok *t, uint8_t c)
{
    if (t->len < TOK_CAP) t->buf[t->len++] = c;
    else t->overlong = true;
}

static void lex_hex(parser *ps, tok *t)
{
    int hi = -1;
    while (ps->p < ps->end && *ps->p != '>') {
        int v = hexval(*ps->p++);
        if (v < 0) continue;   /* whitespace, or junk a lenient reader skips too */
        if (hi < 0) {
            hi = v;
        } else {
            put_byte(t, (uint8_t)(hi << 4 | v));
            hi = -1;
        }
    }
    if (hi >= 0) put_byte(t, (uint8_t)(hi << 4));  /* odd digit count: a final 0 (§7.3.4.3) */
    if (ps->p < ps->end) ps->p++;
    else ps->damaged = true;
}

static void lex_literal(parser *ps, tok *t)
{
    uint32_t depth = 1;  /* balanced parentheses are part of the string: a counter, no stack */
    while (ps->p < ps->end) {
        uint8_t c = *ps->p++;
        if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0) return;
        } else if (c == '\\' && ps->p < ps->end) {
            c = *ps->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case '\r':
                if (ps->p < ps->end && *ps->p == '\n') ps->p++;
                continue;
            case '\n': continue;
            default:
                if (c >= '0' && c <= '7') {
                    uint32_t v = (uint32_t)(c - '0');
                    for (int k = 0; k < 2 && ps->p < ps->end && *ps->p >= '0' && *ps->p <= '7';
                         k++)
                        v = v * 8 + (uint32_t)(*ps->p++ - '0');
                    c = (uint8_t)v;
                }
                break;
            }
        }
        put_byte(t, c);
    }
    ps->damaged = true;
}

/* The next token; TK_EOF at the end. Draws one work unit per 64 tokens. */
static void lex(parser *ps, tok *t)
{
    t->kind = TK_EOF;
    t->len = 0;
    t->overlong = false;
    if (++ps->work >= 64) {
        ps->work = 0;
        if (ps->b->doc && ps->st == PITH_OK) {
            pith_status s = pith_work(ps->b->doc, 64);
            if (s != PITH_OK) {
                ps->st = s;
                ps->p = ps->end;
            }
        }
    }
    for (;;) {
        while (ps->p < ps->end && is_ws(*ps->p)) ps->p++;
        if (ps->p < ps->end && *ps->p == '%') {
            while (ps->p < ps->end && *ps->p != '\n' && *ps->p != '\r') ps->p++;
            continue;
        }
        break;
    }
    if (ps->p >= ps->end) return;
    uint8_t c = *ps->p++;
    switch (c) {
    case '<':
        if (ps->p < ps->end && *ps->p == '<') {
            ps->p++;
            t->kind = TK_OTHER;
            return;
        }
        t->kind = TK_STR;
        lex_hex(ps, t);
        return;
    case '>':
        if (ps->p < ps->end && *ps->p == '>') ps->p++;
        t->kind = TK_OTHER;
        return;
    case '(':
        t->kind = TK_STR;
        lex_literal(ps, t);
        return;
    case '[': t->kind = TK_AOPEN; return;
    case ']': t->kind = TK_ACLOSE; return;
    case '{': case '}': case ')': t->kind = TK_OTHER; return;
    default: break;
    }
    const uint8_t *s = ps->p - 1;  /* a name keeps its slash */
    while (ps->p < ps->end && !is_ws(*ps->p) && !is_delim(*ps->p)) ps->p++;
    t->s = s;
    t->len = (uint32_t)(ps->p - s);
    if (c == '/') {
        t->kind = TK_NAME;
        return;
    }
    bool num = true, digit = false;
    for (uint32_t i = 0; i < t->len; i++) {
        uint8_t d = s[i];
        if (d >= '0' && d <= '9') digit = true;
        else if (!((d == '-' || d == '+') && i == 0) && d != '.') num = false;
    }
    if (num && digit) {
        int64_t v = 0;
        bool neg = s[0] == '-';
        for (uint32_t i = 0; i < t->len && s[i] != '.'; i++)
            if (s[i] >= '0' && s[i] <= '9' && v < ((int64_t)1 << 40)) v = v * 10 + (s[i] - '0');
        t->num = neg ? -v : v;
        t->kind = TK_NUM;
        return;
    }
    t->kind = TK_KEY;
}

static bool key_is(const tok *t, const char *k)
{
    size_t n = strlen(k);
    return t->kind == TK_KEY && t->len == n && memcmp(t->s, k, n) == 0;
}

/* A source code: 1-4 bytes. */
static bool code_of(const tok *t, uint32_t *code, uint8_t *len)
{
    if (t->kind != TK_STR || t->len == 0 || t->len > 4 || t->overlong) return false;
    uint32_t v = 0;
    for (uint32_t i = 0; i < t->len; i++) v = v << 8 | t->buf[i];
    *code = v;
    *len = (uint8_t)t->len;
    return true;
}

/* UTF-16BE (surrogate pairs joined, a lone surrogate becomes U+FFFD) into out[0..8). A single
 * byte is taken as its own value: broken producers write <20> for a space. */
static uint32_t dst_unicode(const tok *t, uint32_t out[8])
{
    if (t->len == 1) {
        out[0] = t->buf[0];
        return 1;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i + 1 < t->len && n < 8; i += 2) {
        uint32_t u = (uint32_t)t->buf[i] << 8 | t->buf[i + 1];
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < t->len) {
            uint32_t l = (uint32_t)t->buf[i + 2] << 8 | t->buf[i + 3];
            if (l >= 0xDC00 && l <= 0xDFFF) {
                out[n++] = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
                i += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
        out[n++] = u;
    }
    return n;
}

static bool grow(parser *ps, void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap) return true;
    uint32_t ncap = *cap ? *cap : 256;
    while (ncap < need) ncap *= 2;
    size_t old, nb;
    if (!pith_size_mul(*cap, elem, &old) || !pith_size_mul(ncap, elem, &nb)) return false;
    void *q = pith_arena_grow(ps->b->tmp, *p, old, nb);
    if (!q) {
        ps->st = ps->b->doc ? pith_fail_alloc(ps->b->doc, nb) : PITH_E_NOMEM;
        ps->p = ps->end;
        return false;
    }
    *p = q;
    *cap = ncap;
    return true;
}

static void add(parser *ps, uint32_t lo, uint32_t hi, uint8_t len, uint8_t kind, const uint32_t *cp,
                uint32_t ncp)
{
    pdf_cmap_builder *b = ps->b;
    if (ncp == 0 || hi < lo) return;
    if (b->nent >= PDF_CMAP_MAX_MAPS) {
        ps->full = true;
        ps->p = ps->end;
        return;
    }
    if (!grow(ps, (void **)&b->ent, &b->cap, b->nent + 1, sizeof *b->ent)) return;
    struct pdf_cmap_ent *e = &b->ent[b->nent];
    e->lo = lo;
    e->hi = hi;
    e->kind = kind;
    e->len = 0;
    e->prio = ps->prio_base | (ps->seq++ & 0xFFFFFFu);
    if (ncp == 1) {
        e->val = cp[0];
    } else {
        if (!grow(ps, (void **)&b->pool, &b->pool_cap, b->npool + ncp, sizeof *b->pool)) return;
        memcpy(b->pool + b->npool, cp, ncp * sizeof *cp);
        e->val = b->npool;
        e->len = (uint8_t)ncp;
        e->kind = PDF_CMAP_STR;
        b->npool += ncp;
    }
    if (b->head.min_len == 0 || len < b->head.min_len) b->head.min_len = len;
    b->nent++;
}

typedef enum block { B_SPACE, B_BFCHAR, B_BFRANGE, B_CIDCHAR, B_CIDRANGE, B_NOTDEF } block;

/* Destination of bfchar/bfrange: a string, or a glyph name (pdf.js accepts /space). */
static uint32_t dst_of(const tok *t, uint32_t cp[8])
{
    if (t->kind == TK_STR) return dst_unicode(t, cp);
    if (t->kind == TK_NAME && t->len > 1)
        return pdf_glyph_unicode(t->s + 1, t->len - 1, false, cp);
    return 0;
}

/* Read the entries up to the block's end keyword. */
static void parse_block(parser *ps, block kind)
{
    static const char *const ends[] = {"endcodespacerange", "endbfchar", "endbfrange",
                                       "endcidchar", "endcidrange", "endnotdefrange"};
    bool range = kind == B_SPACE || kind == B_BFRANGE || kind == B_CIDRANGE || kind == B_NOTDEF;
    tok a, z, d;
    for (;;) {
        lex(ps, &a);
        if (a.kind == TK_EOF) {
            ps->damaged = true;
            return;
        }
        if (a.kind == TK_KEY) {
            if (!key_is(&a, ends[kind])) ps->damaged = true;
            return;  /* its end, or a keyword where an entry should be: the block is over */
        }
        uint32_t lo = 0, hi = 0;
        uint8_t llen = 0, hlen = 0;
        bool ok = code_of(&a, &lo, &llen);
        if (range) {
            lex(ps, &z);
            ok = ok && code_of(&z, &hi, &hlen);
        } else {
            hi = lo;
            hlen = llen;
        }
        if (kind == B_SPACE) {
            if (!ok || llen != hlen) {
                ps->damaged = true;
                continue;
            }
            pdf_cmap *h = &ps->b->head;
            if (h->nspace < PDF_CMAP_MAX_SPACE) {
                pdf_cmap_space *sp = &h->space[h->nspace++];
                sp->n = llen;
                memcpy(sp->lo, a.buf, llen);
                memcpy(sp->hi, z.buf, llen);
            }
            continue;
        }
        lex(ps, &d);
        if (kind == B_BFRANGE && d.kind == TK_AOPEN) {
            /* one destination per code, lo upwards; the array ends the entry */
            uint32_t c = lo;
            for (;;) {
                tok e;
                lex(ps, &e);
                if (e.kind == TK_ACLOSE || e.kind == TK_EOF || e.kind == TK_KEY) {
                    if (e.kind != TK_ACLOSE) ps->damaged = true;
                    break;
                }
                uint32_t cp[8], n = dst_of(&e, cp);
                if (ok && c <= hi && n) add(ps, c, c, llen, PDF_CMAP_INC, cp, n);
                if (c == UINT32_MAX) ok = false;
                c++;
            }
            continue;
        }
        if (!ok) {
            ps->damaged = true;
            continue;
        }
        if (kind == B_BFCHAR || kind == B_BFRANGE) {
            uint32_t cp[8], n = dst_of(&d, cp);
            if (n == 0 && d.kind != TK_STR) ps->damaged = true;
            /* bfchar to <0000> or an empty string: "no text", the next source is asked
             * instead (a range from <0000> is kept: its other codes map; lookups drop U+0000) */
            if (n == 1 && cp[0] == 0 && lo == hi) n = 0;
            add(ps, lo, hi, llen, PDF_CMAP_INC, cp, n);
        } else if (d.kind == TK_NUM && d.num >= 0 && d.num <= 0xFFFFFF) {
            uint32_t cid = (uint32_t)d.num;
            add(ps, lo, hi, llen, kind == B_NOTDEF ? PDF_CMAP_CONST : PDF_CMAP_INC, &cid, 1);
        } else {
            ps->damaged = true;
        }
    }
}

void pdf_cmap_builder_init(pdf_cmap_builder *b, pith_doc *doc, pith_arena *tmp)
{
    memset(b, 0, sizeof *b);
    b->doc = doc;
    b->tmp = tmp;
}

pith_status pdf_cmap_builder_add(pdf_cmap_builder *b, const uint8_t *data, size_t len,
                                 uint32_t level)
{
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.b = b;
    ps.p = data;
    ps.end = data ? data + len : data;
    if (level >= PDF_CMAP_MAX_LEVELS) level = PDF_CMAP_MAX_LEVELS - 1;
    ps.prio_base = (uint32_t)(PDF_CMAP_MAX_LEVELS - level) << 24;
    tok prev2 = {0}, prev = {0}, t;
    for (;;) {
        lex(&ps, &t);
        if (t.kind == TK_EOF) break;
        if (t.kind == TK_KEY) {
            block k;
            bool blk = true;
            if (key_is(&t, "begincodespacerange")) k = B_SPACE;
            else if (key_is(&t, "beginbfchar")) k = B_BFCHAR;
            else if (key_is(&t, "beginbfrange")) k = B_BFRANGE;
            else if (key_is(&t, "begincidchar")) k = B_CIDCHAR;
            else if (key_is(&t, "begincidrange")) k = B_CIDRANGE;
            else if (key_is(&t, "beginnotdefrange")) k = B_NOTDEF;
            else blk = false;
            if (blk) {
                parse_block(&ps, k);
                prev.kind = prev2.kind = TK_EOF;
                continue;
            }
            if (key_is(&t, "usecmap") && prev.kind == TK_NAME && prev.len > 1 &&
                prev.len - 1 < sizeof b->head.use && level == 0) {
                memcpy(b->head.use, prev.s + 1, prev.len - 1);
                b->head.use_len = prev.len - 1;
            } else if (key_is(&t, "def") && prev2.kind == TK_NAME && prev2.len == 6 &&
                       memcmp(prev2.s, "/WMode", 6) == 0 && prev.kind == TK_NUM && level == 0) {
                b->head.wmode = prev.num == 1;
            }
        }
        prev2 = prev;
        prev = t;
    }
    if (ps.st != PITH_OK) return ps.st;
    if ((ps.damaged || ps.full) && b->doc && !b->warned) {
        b->warned = true;
        pith_status s = ps.full
            ? pith_warn(b->doc, PITH_E_LIMIT, 0, "cmap: more than %u mappings, the rest ignored",
                        (unsigned)PDF_CMAP_MAX_MAPS)
            : pith_warn(b->doc, PITH_E_FORMAT, 0, "cmap: damaged program, %u mappings kept",
                        (unsigned)b->nent);
        if (s != PITH_OK) return s;
    }
    return PITH_OK;
}

static int ent_cmp(const void *x, const void *y)
{
    const struct pdf_cmap_ent *a = x, *b = y;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    if (a->prio != b->prio) return a->prio < b->prio ? -1 : 1;
    return 0;
}

static int u64_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static void seg_from(pdf_cmap_seg *s, const struct pdf_cmap_ent *e, uint32_t lo, uint32_t hi)
{
    s->lo = lo;
    s->hi = hi;
    s->base = e->lo;
    s->val = e->val;
    s->kind = e->kind;
    s->len = e->len;
}

/* Max-heap of entry indices by priority. */
static void heap_push(uint32_t *h, uint32_t *n, uint32_t v, const struct pdf_cmap_ent *e)
{
    uint32_t i = (*n)++;
    h[i] = v;
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (e[h[p]].prio >= e[h[i]].prio) break;
        uint32_t t = h[p];
        h[p] = h[i];
        h[i] = t;
        i = p;
    }
}

static void heap_pop(uint32_t *h, uint32_t *n, const struct pdf_cmap_ent *e)
{
    h[0] = h[--*n];
    uint32_t i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && e[h[l]].prio > e[h[m]].prio) m = l;
        if (r < *n && e[h[r]].prio > e[h[m]].prio) m = r;
        if (m == i) break;
        uint32_t t = h[m];
        h[m] = h[i];
        h[i] = t;
        i = m;
    }
}

pith_status pdf_cmap_builder_finish(pdf_cmap_builder *b, pith_arena *a, pdf_cmap **out)
{
    *out = NULL;
    pdf_cmap *c = pith_arena_alloc(a, sizeof *c);
    if (!c) goto nomem;
    *c = b->head;
    c->seg = NULL;
    c->nseg = 0;
    if (c->min_len == 0) c->min_len = 2;
    uint32_t n = b->nent;
    struct pdf_cmap_ent *e = b->ent;
    if (b->npool) {
        c->pool = pith_arena_alloc(a, b->npool * sizeof *c->pool);
        if (!c->pool) goto nomem;
        memcpy(c->pool, b->pool, b->npool * sizeof *c->pool);
        c->npool = b->npool;
    }
    if (n == 0) {
        *out = c;
        return PITH_OK;
    }
    if (b->doc) {
        pith_status s = pith_work(b->doc, (uint64_t)n * 4);
        if (s != PITH_OK) return s;
    }
    qsort(e, n, sizeof *e, ent_cmp);
    bool overlap = false;
    for (uint32_t i = 0; i + 1 < n && !overlap; i++) overlap = e[i].hi >= e[i + 1].lo;
    if (!overlap) {
        c->seg = pith_arena_alloc(a, (size_t)n * sizeof *c->seg);
        if (!c->seg) goto nomem;
        for (uint32_t i = 0; i < n; i++) seg_from(&c->seg[i], &e[i], e[i].lo, e[i].hi);
        c->nseg = n;
        *out = c;
        return PITH_OK;
    }
    /* Sweep: between two consecutive boundaries (every lo and hi+1) the set of covering
     * entries is fixed; the one with the highest priority (lower level, later definition)
     * gives the segment. Entries whose hi has passed leave the heap lazily. */
    uint64_t *pts = pith_arena_alloc(b->tmp, (size_t)n * 2 * sizeof *pts);
    uint32_t *heap = pith_arena_alloc(b->tmp, (size_t)n * sizeof *heap);
    pdf_cmap_seg *seg = pith_arena_alloc(a, (size_t)n * 2 * sizeof *seg);
    if (!pts || !heap || !seg) goto nomem;
    for (uint32_t i = 0; i < n; i++) {
        pts[2 * i] = e[i].lo;
        pts[2 * i + 1] = (uint64_t)e[i].hi + 1;
    }
    qsort(pts, (size_t)n * 2, sizeof *pts, u64_cmp);
    uint32_t np = 0;
    for (uint32_t i = 0; i < 2 * n; i++)
        if (np == 0 || pts[np - 1] != pts[i]) pts[np++] = pts[i];
    uint32_t nh = 0, j = 0, ns = 0;
    for (uint32_t k = 0; k + 1 < np; k++) {
        uint64_t p = pts[k];
        while (j < n && e[j].lo <= p) heap_push(heap, &nh, j++, e);
        while (nh && e[heap[0]].hi < p) heap_pop(heap, &nh, e);
        if (!nh) continue;
        const struct pdf_cmap_ent *top = &e[heap[0]];
        uint32_t lo = (uint32_t)p, hi = (uint32_t)(pts[k + 1] - 1);
        if (ns && seg[ns - 1].hi + 1 == lo && seg[ns - 1].base == top->lo &&
            seg[ns - 1].val == top->val && seg[ns - 1].kind == top->kind &&
            seg[ns - 1].len == top->len) {
            seg[ns - 1].hi = hi;
        } else {
            seg_from(&seg[ns++], top, lo, hi);
        }
    }
    c->seg = seg;
    c->nseg = ns;
    *out = c;
    return PITH_OK;
nomem:
    return b->doc ? pith_alloc_failed(b->doc, sizeof *c) : PITH_E_NOMEM;
}

pith_status pdf_cmap_parse(pith_doc *doc, pith_arena *a, const uint8_t *data, size_t len,
                           pdf_cmap **out)
{
    pdf_cmap_builder b;
    pdf_cmap_builder_init(&b, doc, a);
    *out = NULL;
    pith_status s = pdf_cmap_builder_add(&b, data, len, 0);
    if (s != PITH_OK) return s;
    return pdf_cmap_builder_finish(&b, a, out);
}

static bool space_match(const pdf_cmap_space *sp, const uint8_t *s, size_t n)
{
    if (sp->n > n) return false;
    for (uint32_t i = 0; i < sp->n; i++)
        if (s[i] < sp->lo[i] || s[i] > sp->hi[i]) return false;
    return true;
}

size_t pdf_cmap_code(const pdf_cmap *c, const uint8_t *s, size_t n, uint32_t *code)
{
    size_t len = 0;
    if (c->nspace == 0) {
        len = c->min_len;
    } else {
        /* the shortest range that matches: one pass keeping the least length (a length-1
         * match cannot be beaten) */
        uint32_t least = 5;
        for (uint32_t i = 0; i < c->nspace && least > 1; i++)
            if (c->space[i].n < least && space_match(&c->space[i], s, n)) least = c->space[i].n;
        len = least < 5 ? least : 0;
        if (!len) {
            /* §9.7.6.3: the shortest range whose first byte matches, else the shortest */
            uint32_t best = 5, any = 5;
            for (uint32_t i = 0; i < c->nspace; i++) {
                const pdf_cmap_space *sp = &c->space[i];
                if (sp->n < any) any = sp->n;
                if (s[0] >= sp->lo[0] && s[0] <= sp->hi[0] && sp->n < best) best = sp->n;
            }
            len = best < 5 ? best : any;
        }
    }
    if (len > n) len = n;
    if (len == 0) len = 1;
    uint32_t v = 0;
    for (size_t i = 0; i < len; i++) v = v << 8 | s[i];
    *code = v;
    return len;
}

const pdf_cmap_seg *pdf_cmap_find(const pdf_cmap *c, uint32_t code)
{
    if (!c) return NULL;
    uint32_t lo = 0, hi = c->nseg;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const pdf_cmap_seg *s = &c->seg[mid];
        if (code < s->lo) hi = mid;
        else if (code > s->hi) lo = mid + 1;
        else return s;
    }
    return NULL;
}

bool pdf_cmap_cid(const pdf_cmap *c, uint32_t code, uint32_t *cid)
{
    const pdf_cmap_seg *s = pdf_cmap_find(c, code);
    if (!s || s->kind == PDF_CMAP_STR) return false;
    *cid = s->kind == PDF_CMAP_CONST ? s->val : s->val + (code - s->base);
    return true;
}

uint32_t pdf_cmap_unicode(const pdf_cmap *c, uint32_t code, uint32_t out[8])
{
    const pdf_cmap_seg *s = pdf_cmap_find(c, code);
    if (!s) return 0;
    uint32_t n = 1;
    if (s->kind == PDF_CMAP_STR) {
        n = s->len;
        if (n > 8 || s->val > c->npool || n > c->npool - s->val) return 0;
        memcpy(out, c->pool + s->val, n * sizeof *out);
        out[n - 1] += code - s->base;
    } else {
        out[0] = s->kind == PDF_CMAP_CONST ? s->val : s->val + (code - s->base);
    }
    /* an increment past the last code point, a surrogate or U+0000 is no text */
    if (code - s->base > 0x10FFFF || out[n - 1] > 0x10FFFF || (n == 1 && out[0] == 0) ||
        (out[n - 1] >= 0xD800 && out[n - 1] <= 0xDFFF))
        return 0;
    return n;
}
