/* pdf_lex.c: the PDF lexer and object parser (ISO 32000-1 §7.2 lexical conventions, §7.3
 * objects): numbers, names with #xx, literal strings (nesting, escapes, octal, line
 * continuations), hex strings (odd digit counts), arrays, dictionaries, "N G R" references,
 * booleans and null, and the operators of content streams.
 *
 * No recursion: open arrays/dictionaries are frames of a fixed stack (PDF_MAX_NEST) and their
 * items wait on one item stack that starts on the C stack and moves to the arena when it grows.
 * A closed container gets an exact-size copy of its items. Deeper nesting is skipped as a
 * whole (counted, never stored) with one warning. Tolerance follows pdf.js and MuPDF: "--5" is
 * -5, a lone "-" is 0, a missing ">>" is closed at the next structure keyword, junk keywords
 * inside containers are dropped, unbalanced ")" are ignored. Work: one unit per token plus one
 * per 16 bytes of strings. pdf_lex_tj reads the commonest content array, "[...] TJ" of
 * numbers and strings, into flat items instead (the same values, stop and work, checked
 * against pdf_parse by test_pdf_lex).
 */
#include "pdf.h"

#include <string.h>

const pdf_obj pdf_null = {0};

/* MARK: - Characters */

/* 1 whitespace (§7.2.2 Table 1), 2 delimiter (Table 2), 0 regular. */
static const uint8_t char_class[256] = {
    [0] = 1, ['\t'] = 1, ['\n'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
    ['('] = 2, [')'] = 2, ['<'] = 2, ['>'] = 2, ['['] = 2, [']'] = 2, ['{'] = 2, ['}'] = 2,
    ['/'] = 2, ['%'] = 2,
};

bool pdf_is_ws(uint8_t c) { return char_class[c] == 1; }
bool pdf_is_delim(uint8_t c) { return char_class[c] == 2; }
static bool is_regular(uint8_t c) { return char_class[c] == 0; }

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static size_t left(const pdf_lex *lx) { return (size_t)(lx->end - lx->p); }

void pdf_lex_init(pdf_lex *lx, pith_doc *doc, pith_arena *a, const uint8_t *data, size_t len,
                  size_t pos)
{
    memset(lx, 0, sizeof *lx);
    lx->base = data;
    lx->end = data + len;
    lx->p = data + (pos > len ? len : pos);
    lx->doc = doc;
    lx->arena = a;
}

void pdf_lex_skip_ws(pdf_lex *lx)
{
    while (lx->p < lx->end) {
        uint8_t c = *lx->p;
        if (char_class[c] == 1) {
            lx->p++;
        } else if (c == '%') {
            while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r') lx->p++;
        } else {
            break;
        }
    }
}

bool pdf_lex_keyword(pdf_lex *lx, const char *kw)
{
    pdf_lex_skip_ws(lx);
    size_t n = strlen(kw);
    if (n > left(lx) || memcmp(lx->p, kw, n) != 0) return false;
    if (n < left(lx) && is_regular(lx->p[n])) return false;
    lx->p += n;
    return true;
}

bool pdf_lex_uint(pdf_lex *lx, uint64_t *v)
{
    pdf_lex_skip_ws(lx);
    const uint8_t *p = lx->p;
    uint64_t x = 0;
    while (p < lx->end && *p >= '0' && *p <= '9') {
        x = x > (UINT64_MAX >> 1) / 10 ? (UINT64_MAX >> 1) : x * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p == lx->p) return false;
    lx->p = p;
    *v = x;
    return true;
}

/* MARK: - Scalars */

/* A number at p (the caller saw [0-9+-.]). Signs repeat in broken files ("--5" is -5, pdf.js);
 * a second '.' or a sign after digits ends the number. Integers past 2^62 become reals. */
static void lex_number(pdf_lex *lx, pdf_obj *o)
{
    const uint8_t *p = lx->p, *end = lx->end;
    bool neg = false;
    while (p < end && (*p == '-' || *p == '+')) {
        if (*p == '-') neg = true; /* any '-' makes it negative: "--5" is -5 */
        p++;
    }
    int64_t ip = 0;
    double r = 0;
    bool big = false, real = false;
    /* 17 digits stay below the bound checked next (2^62 / 10): no check for them */
    for (uint32_t k = 0; k < 17 && p < end && *p >= '0' && *p <= '9'; k++, p++)
        ip = ip * 10 + (*p - '0');
    while (p < end && *p >= '0' && *p <= '9') {
        if (!big && ip > (INT64_MAX >> 1) / 10) {
            big = true;
            r = (double)ip;
        }
        if (big)
            r = r * 10 + (*p - '0');
        else
            ip = ip * 10 + (*p - '0');
        p++;
    }
    if (p < end && *p == '.') {
        /* the fraction's digits as an integer, divided once (exact for the 15 digits a
         * double holds; later digits are read and dropped) */
        static const double pow10[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                         1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        uint64_t frac = 0;
        uint32_t k = 0;
        real = true;
        if (!big) r = (double)ip;
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            if (k < 15) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                k++;
            }
            p++;
        }
        r += (double)frac / pow10[k];
    }
    /* Junk glued to a number ("12.3.4", "5-6") is dropped up to the next delimiter, as MuPDF
     * lexes a number as a run of number characters. */
    while (p < end && is_regular(*p) &&
           ((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+'))
        p++;
    lx->p = p; /* "-" or "." alone is 0 (pdf.js) */
    if (real || big) {
        o->kind = PDF_REAL;
        o->u.r = neg ? -r : r;
    } else {
        o->kind = PDF_INT;
        o->u.i = neg ? -ip : ip;
    }
}

/* A name after its '/': regular characters, #xx decoded (a '#' not followed by two hex digits
 * stays, as pdf.js keeps it). Points into the input when there is no '#'. */
static pith_status lex_name(pdf_lex *lx, pdf_obj *o)
{
    const uint8_t *s = lx->p, *p = s;
    bool esc = false;
    while (p < lx->end && is_regular(*p)) {
        if (*p == '#') esc = true;
        p++;
    }
    size_t n = (size_t)(p - s);
    lx->p = p;
    o->kind = PDF_NAME;
    o->u.s = s;
    o->n = (uint32_t)n;
    if (n > UINT32_MAX) o->n = UINT32_MAX;
    if (!esc) return PITH_OK;
    uint8_t *d = pith_arena_alloc(lx->arena, n);
    if (!d) return pith_alloc_failed(lx->doc, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '#' && i + 2 < n && (h = hexval(s[i + 1])) >= 0 &&
            (l = hexval(s[i + 2])) >= 0) {
            d[k++] = (uint8_t)(h << 4 | l);
            i += 2;
        } else {
            d[k++] = s[i];
        }
    }
    o->u.s = d;
    o->n = (uint32_t)k;
    return PITH_OK;
}

/* The end of a literal string whose bytes start at s (after its '('): the ')' closing it, or
 * end when the input ends first. *simple tells whether the bytes stand as they are (no
 * escape, no CR to turn into LF). */
static const uint8_t *string_end(const uint8_t *s, const uint8_t *end, bool *simple)
{
    const uint8_t *p = s;
    uint64_t depth = 1;
    bool plain = true;
    while (p < end) {
        uint8_t c = *p;
        if (c == '\\') {
            plain = false;
            p++;
            if (p < end) p++;
            continue;
        }
        if (c == '\r') plain = false;
        if (c == '(') depth++;
        if (c == ')' && --depth == 0) break;
        p++;
    }
    *simple = plain;
    return p;
}

/* The bytes of literal string s[0..n) (its raw text) after escapes and line ends, into d
 * (room for n bytes: the result is never longer). Returns the length. */
static size_t string_unescape(const uint8_t *s, size_t n, uint8_t *d)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i++];
        if (c == '\r') {
            if (i < n && s[i] == '\n') i++;
            d[k++] = '\n';
            continue;
        }
        if (c != '\\') {
            d[k++] = c;
            continue;
        }
        if (i >= n) break; /* a trailing backslash of a truncated string */
        c = s[i++];
        switch (c) {
        case 'n': d[k++] = '\n'; break;
        case 'r': d[k++] = '\r'; break;
        case 't': d[k++] = '\t'; break;
        case 'b': d[k++] = '\b'; break;
        case 'f': d[k++] = '\f'; break;
        case '\r':
            if (i < n && s[i] == '\n') i++;
            break;
        case '\n': break;
        default:
            if (c >= '0' && c <= '7') {
                unsigned v = (unsigned)(c - '0');
                for (int j = 0; j < 2 && i < n && s[i] >= '0' && s[i] <= '7'; j++)
                    v = v * 8 + (unsigned)(s[i++] - '0');
                d[k++] = (uint8_t)v; /* \777 overflows: high bit ignored (§7.3.4.2) */
            } else {
                d[k++] = c; /* \( \) \\ and an unknown escape: the character itself */
            }
        }
    }
    return k;
}

/* A literal string after its '(' (§7.3.4.2). Balanced parentheses nest; escapes \n \r \t \b
 * \f \( \) \\ \ddd; a backslash before an end of line continues the line; an unescaped
 * CR or CR LF reads as LF. Without any of those it points into the input. Returns TRUNCATED
 * when the input ends first (the string holds what was read). */
static pith_status lex_string(pdf_lex *lx, pdf_obj *o)
{
    const uint8_t *s = lx->p, *end = lx->end;
    bool simple;
    const uint8_t *p = string_end(s, end, &simple);
    size_t n = (size_t)(p - s);
    bool truncated = p >= end;
    lx->p = truncated ? end : p + 1;
    o->kind = PDF_STRING;
    o->hex = 0;
    pith_status st = pith_work(lx->doc, n / 16);
    if (st != PITH_OK) return st;
    if (simple) {
        o->u.s = s;
        o->n = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
        return truncated ? PITH_E_TRUNCATED : PITH_OK;
    }
    uint8_t *d = pith_arena_alloc(lx->arena, n);
    if (!d) return pith_alloc_failed(lx->doc, n);
    size_t k = string_unescape(s, n, d);
    o->u.s = d;
    o->n = k > UINT32_MAX ? UINT32_MAX : (uint32_t)k;
    return truncated ? PITH_E_TRUNCATED : PITH_OK;
}

/* The bytes of hex string s[0..n) (its raw text, without '<' '>') into d (room for n / 2 + 1
 * bytes): whitespace and junk skipped, an odd final digit followed by 0. Returns the length. */
static size_t hex_decode(const uint8_t *s, size_t n, uint8_t *d)
{
    size_t k = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        int v = hexval(s[i]);
        if (v < 0) continue;
        if (hi < 0) {
            hi = v;
        } else {
            d[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0) d[k++] = (uint8_t)(hi << 4);
    return k;
}

/* A hex string after its '<' (§7.3.4.3). */
static pith_status lex_hex(pdf_lex *lx, pdf_obj *o)
{
    const uint8_t *s = lx->p, *p = s, *end = lx->end;
    while (p < end && *p != '>') p++;
    size_t n = (size_t)(p - s);
    bool truncated = p >= end;
    lx->p = truncated ? end : p + 1;
    pith_status st = pith_work(lx->doc, n / 16);
    if (st != PITH_OK) return st;
    uint8_t *d = pith_arena_alloc(lx->arena, n / 2 + 1);
    if (!d) return pith_alloc_failed(lx->doc, n / 2 + 1);
    size_t k = hex_decode(s, n, d);
    o->kind = PDF_STRING;
    o->hex = 1;
    o->u.s = d;
    o->n = (uint32_t)k;
    return truncated ? PITH_E_TRUNCATED : PITH_OK;
}

/* MARK: - Tokens */

typedef enum tok {
    TOK_EOF, TOK_OBJ, TOK_ARRAY, TOK_ARRAY_END, TOK_DICT, TOK_DICT_END, TOK_KEYWORD,
    TOK_JUNK, /* a stray ')' or '>' or '}' / '{' outside content streams */
} tok;

/* The keyword's length is known where it is written (KW): a strlen per token showed in the
 * wasm profile, where this call is not inlined. */
#define KW(lit) (lit), sizeof(lit) - 1
static bool kw_is(const uint8_t *s, size_t n, const char *kw, size_t m)
{
    return n == m && memcmp(s, kw, m) == 0;
}

/* Is a keyword one that ends an object in a file (a missing ">>" or "]")? */
static bool kw_structure(const uint8_t *s, size_t n)
{
    return kw_is(s, n, KW("obj")) || kw_is(s, n, KW("endobj")) || kw_is(s, n, KW("stream")) ||
           kw_is(s, n, KW("endstream")) || kw_is(s, n, KW("xref")) ||
           kw_is(s, n, KW("trailer")) || kw_is(s, n, KW("startxref"));
}

/* "G R" after an integer: both consumed when they are there. */
static bool lex_ref_tail(pdf_lex *lx, int64_t num, pdf_obj *o)
{
    if (num < 0 || num > (int64_t)UINT32_MAX) return false;
    const uint8_t *save = lx->p;
    pdf_lex_skip_ws(lx);
    const uint8_t *p = lx->p;
    uint64_t gen = 0;
    if (p >= lx->end || *p < '0' || *p > '9') goto no;
    while (p < lx->end && *p >= '0' && *p <= '9') {
        if (gen < 100000000) gen = gen * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p < lx->end && is_regular(*p)) goto no;
    lx->p = p;
    pdf_lex_skip_ws(lx);
    if (lx->p >= lx->end || *lx->p != 'R' || (left(lx) > 1 && is_regular(lx->p[1]))) goto no;
    lx->p++;
    o->kind = PDF_REF;
    o->u.ref.num = (uint32_t)num;
    o->u.ref.gen = (uint32_t)(gen > UINT32_MAX ? UINT32_MAX : gen);
    return true;
no:
    lx->p = save;
    return false;
}

/* One token. Scalars fill *o (TOK_OBJ); a keyword gives its bytes in *o as PDF_OP. */
static pith_status next_token(pdf_lex *lx, pdf_obj *o, tok *t, bool ops)
{
    memset(o, 0, sizeof *o);
    pdf_lex_skip_ws(lx);
    if (lx->p >= lx->end) {
        *t = TOK_EOF;
        return PITH_OK;
    }
    pith_status st = pith_work(lx->doc, 1);
    if (st != PITH_OK) return st;
    uint8_t c = *lx->p;
    *t = TOK_OBJ;
    switch (c) {
    case '/':
        lx->p++;
        return lex_name(lx, o);
    case '(':
        lx->p++;
        return lex_string(lx, o);
    case '<':
        if (left(lx) > 1 && lx->p[1] == '<') {
            lx->p += 2;
            *t = TOK_DICT;
            return PITH_OK;
        }
        lx->p++;
        return lex_hex(lx, o);
    case '>':
        if (left(lx) > 1 && lx->p[1] == '>') {
            lx->p += 2;
            *t = TOK_DICT_END;
            return PITH_OK;
        }
        lx->p++;
        *t = TOK_JUNK;
        return PITH_OK;
    case '[':
        lx->p++;
        *t = TOK_ARRAY;
        return PITH_OK;
    case ']':
        lx->p++;
        *t = TOK_ARRAY_END;
        return PITH_OK;
    case ')':
        lx->p++;
        *t = TOK_JUNK;
        return PITH_OK;
    case '{':
    case '}':
        /* PostScript calculator braces: operators of their own in content (never met in
         * practice), junk elsewhere. */
        o->kind = PDF_OP;
        o->u.s = lx->p;
        o->n = 1;
        lx->p++;
        *t = ops ? TOK_KEYWORD : TOK_JUNK;
        return PITH_OK;
    default:
        break;
    }
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        lex_number(lx, o);
        /* Content streams hold no references ("1 0 R" there is operands and an operator). */
        if (o->kind == PDF_INT && !ops) (void)lex_ref_tail(lx, o->u.i, o);
        return PITH_OK;
    }
    const uint8_t *s = lx->p;
    while (lx->p < lx->end && is_regular(*lx->p)) lx->p++;
    size_t n = (size_t)(lx->p - s);
    if (kw_is(s, n, KW("true")) || kw_is(s, n, KW("false"))) {
        o->kind = PDF_BOOL;
        o->u.b = n == 4;
        return PITH_OK;
    }
    if (kw_is(s, n, KW("null"))) {
        o->kind = PDF_NULL;
        return PITH_OK;
    }
    o->kind = PDF_OP;
    o->u.s = s;
    o->n = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    *t = TOK_KEYWORD;
    return PITH_OK;
}

/* MARK: - Containers */

/* The items of all open containers, one after another, each frame's from its `start`. */
typedef struct item_stack {
    pdf_obj *v;
    size_t n, cap;
    pith_arena *tmp;  /* where it grows: scratch, rolled back after the parse (see pdf_parse) */
    pdf_obj local[32];
} item_stack;

typedef struct frame {
    size_t start;
    bool dict;
} frame;

static pith_status push_item(pdf_lex *lx, item_stack *is, const pdf_obj *o)
{
    if (is->n == is->cap) {
        size_t cap = is->cap * 2, bytes;
        if (!pith_size_mul(cap, sizeof(pdf_obj), &bytes))
            return pith_fail(lx->doc, PITH_E_LIMIT, (uint64_t)(lx->p - lx->base),
                             "lex: array of %zu items too large", is->n);
        pdf_obj *v = pith_arena_alloc(is->tmp, bytes);
        if (!v) return pith_alloc_failed(lx->doc, bytes);
        memcpy(v, is->v, is->n * sizeof(pdf_obj));
        is->v = v;
        is->cap = cap;
    }
    is->v[is->n++] = *o;
    return PITH_OK;
}

/* Close the top frame: its items become an array or a dictionary in *o. A dictionary takes
 * name/value pairs; a key that is not a name is dropped, and so is a last key without value. */
static pith_status close_frame(pdf_lex *lx, item_stack *is, const frame *f, pdf_obj *o)
{
    size_t n = is->n - f->start;
    const pdf_obj *it = is->v + f->start;
    memset(o, 0, sizeof *o);
    if (!f->dict) {
        o->kind = PDF_ARRAY;
        o->n = (uint32_t)n;
        if (n) {
            pdf_obj *items = pith_arena_alloc(lx->arena, n * sizeof(pdf_obj));
            if (!items) return pith_alloc_failed(lx->doc, n * sizeof(pdf_obj));
            memcpy(items, it, n * sizeof(pdf_obj));
            o->u.items = items;
        }
        lx->made += n + 1;
        is->n = f->start;
        return PITH_OK;
    }
    size_t np = 0;
    for (size_t i = 0; i + 1 < n;) {
        if (it[i].kind != PDF_NAME) {
            i++;
            continue;
        }
        np++;
        i += 2;
    }
    pdf_pair *pairs = NULL;
    if (np) {
        pairs = pith_arena_alloc(lx->arena, np * sizeof(pdf_pair));
        if (!pairs) return pith_alloc_failed(lx->doc, np * sizeof(pdf_pair));
    }
    size_t k = 0;
    for (size_t i = 0; i + 1 < n && k < np;) {
        if (it[i].kind != PDF_NAME) {
            i++;
            continue;
        }
        pairs[k].key = it[i].u.s;
        pairs[k].klen = it[i].n;
        pairs[k].val = it[i + 1];
        k++;
        i += 2;
    }
    o->kind = PDF_DICT;
    o->n = (uint32_t)np;
    o->u.pairs = pairs;
    lx->made += np + 1;
    is->n = f->start;
    return PITH_OK;
}

static pith_status parse(pdf_lex *lx, pdf_obj *out, bool ops, pith_arena *tmp, tok first);

/* An item read into the stack's next slot is kept by counting it; one made elsewhere (a
 * container just closed, written past where its items began, or a token read aside while
 * the stack was full) is copied. */
static pith_status keep_item(pdf_lex *lx, item_stack *is, const pdf_obj *o)
{
    if (is->n < is->cap && o == &is->v[is->n]) {
        is->n++;
        return PITH_OK;
    }
    return push_item(lx, is, o);
}

/* Most objects asked for are scalars (a content stream is operands and operators), so the
 * tokens before the first container are read here, as parse would read them at depth 0,
 * without its item stack. A container goes to parse, its opening token already read. The
 * item stack grows in the scratch arena and is rolled back when the object is done, so a
 * large array costs its final copy only in the document arena. When the objects themselves go
 * to scratch (content streams), rolling back would lose them: the stack then stays there,
 * released with the unit. */
pith_status pdf_parse(pdf_lex *lx, pdf_obj *out, bool ops)
{
    for (;;) {
        /* straight into *out (next_token clears it first): a copy of a token just written
         * field by field cost more than the lexing (a stalled store forward, perf) */
        tok t;
        pith_status st = next_token(lx, out, &t, ops);
        if (st == PITH_E_TRUNCATED) {
            lx->made++;
            return st;
        }
        if (st != PITH_OK) {
            memset(out, 0, sizeof *out);
            return st;
        }
        switch (t) {
        case TOK_EOF:
            return PITH_OK; /* *out is null */
        case TOK_OBJ:
        case TOK_KEYWORD:
            lx->made++;
            return PITH_OK;
        case TOK_JUNK:
        case TOK_ARRAY_END:
        case TOK_DICT_END:
            continue; /* unbalanced close or junk at the top level: skipped */
        case TOK_ARRAY:
        case TOK_DICT:
            break;
        }
        memset(out, 0, sizeof *out);
        pith_arena *tmp = pith_scratch_arena(lx->doc);
        if (tmp == lx->arena) return parse(lx, out, ops, tmp, t);
        pith_arena_mark m = pith_arena_mark_get(tmp);
        st = parse(lx, out, ops, tmp, t);
        pith_arena_release(tmp, m);
        return st;
    }
}

/* The container opened by `first` (TOK_ARRAY or TOK_DICT, already read) and what it holds. */
static pith_status parse(pdf_lex *lx, pdf_obj *out, bool ops, pith_arena *tmp, tok first)
{
    item_stack is;
    is.v = is.local;
    is.n = 0;
    is.cap = sizeof is.local / sizeof is.local[0];
    is.tmp = tmp;
    frame frames[PDF_MAX_NEST];
    frames[0].start = 0;
    frames[0].dict = first == TOK_DICT;
    uint32_t depth = 1;
    uint64_t skip = 0; /* containers open beyond PDF_MAX_NEST, read and dropped */
    pith_status st = PITH_OK;
    for (;;) {
        /* the token is read into the item stack's next slot, where it stays when it is an
         * item (no copy of it: see pdf_parse); a full stack grows only for an item */
        pdf_obj spare, *o = is.n < is.cap ? &is.v[is.n] : &spare;
        tok t;
        st = next_token(lx, o, &t, ops);
        if (st != PITH_OK && st != PITH_E_TRUNCATED) return st;
        if (st == PITH_E_TRUNCATED || t == TOK_EOF) {
            if (t == TOK_EOF && depth == 0 && skip == 0) return PITH_OK; /* *out is null */
            if (st == PITH_E_TRUNCATED && !skip && depth) {
                pith_status s2 = keep_item(lx, &is, o);
                if (s2 != PITH_OK) return s2;
            } else if (st == PITH_E_TRUNCATED && !skip) {
                *out = *o;
                lx->made++;
                return PITH_E_TRUNCATED;
            }
            /* Input ended inside containers: close them so the caller has what was read. */
            while (depth) {
                pdf_obj c;
                pith_status s2 = close_frame(lx, &is, &frames[--depth], &c);
                if (s2 != PITH_OK) return s2;
                if (depth) {
                    if ((s2 = push_item(lx, &is, &c)) != PITH_OK) return s2;
                } else {
                    *out = c;
                }
            }
            return PITH_E_TRUNCATED;
        }
        if (skip) {
            if (t == TOK_ARRAY || t == TOK_DICT) skip++;
            else if (t == TOK_ARRAY_END || t == TOK_DICT_END) skip--;
            else if (t == TOK_KEYWORD && !ops && kw_structure(o->u.s, o->n)) {
                lx->p = o->u.s; /* give the keyword back; close what is open */
                skip = 0;
                goto close_all;
            }
            if (skip) continue;
            *o = pdf_null; /* the skipped container reads as null */
            goto have_obj;
        }
        switch (t) {
        case TOK_ARRAY:
        case TOK_DICT:
            if (depth >= PDF_MAX_NEST) {
                if (!lx->warned_depth) {
                    lx->warned_depth = true;
                    st = pith_warn(lx->doc, PITH_E_FORMAT, (uint64_t)(lx->p - lx->base),
                                   "lex: objects nested deeper than %u, inner ones dropped",
                                   (unsigned)PDF_MAX_NEST);
                    if (st != PITH_OK) return st;
                }
                skip = 1;
                continue;
            }
            frames[depth].start = is.n;
            frames[depth].dict = t == TOK_DICT;
            depth++;
            continue;
        case TOK_ARRAY_END:
        case TOK_DICT_END:
            if (!depth) continue; /* unbalanced close at the top level: skipped */
            /* "]" closing a dict or ">>" closing an array: close the innermost anyway (the
             * mismatch is the file's; MuPDF and pdf.js accept it the same way). */
            st = close_frame(lx, &is, &frames[--depth], o);
            if (st != PITH_OK) return st;
            goto have_obj;
        case TOK_JUNK:
            continue;
        case TOK_KEYWORD:
            if (depth == 0) {
                lx->made++;
                *out = *o;
                return PITH_OK;
            }
            if (ops) goto have_obj; /* an operator inside an array: kept (pdf.js) */
            if (kw_structure(o->u.s, o->n)) {
                lx->p = o->u.s;
                goto close_all;
            }
            continue; /* junk keyword inside a container */
        case TOK_OBJ:
        case TOK_EOF:
            goto have_obj;
        }
    have_obj:
        if (depth == 0) {
            lx->made++;
            *out = *o;
            return PITH_OK;
        }
        st = keep_item(lx, &is, o);
        if (st != PITH_OK) return st;
        continue;
    close_all:
        while (depth) {
            pdf_obj c;
            st = close_frame(lx, &is, &frames[--depth], &c);
            if (st != PITH_OK) return st;
            if (depth) {
                if ((st = push_item(lx, &is, &c)) != PITH_OK) return st;
            } else {
                *out = c;
            }
        }
        return PITH_OK;
    }
}

/* MARK: - TJ arrays */

/* Most text is shown by "[(a) -20 <0102> ...] TJ", often one or two glyphs a string (kerned
 * text from Word and pdfTeX; bench/gen's 200-page file is nothing else). As a generic array
 * every token was a pdf_obj written twice (item stack, then the array's copy) and every hex
 * string an arena allocation, more than showing the glyphs cost (wasm profile). This reads the
 * array flat instead, only when the general path would read it the same way and TJ would use
 * all of it: numbers, hex and literal strings, whitespace and comments, then "]" and the
 * operator TJ. Anything else returns false with lx untouched and nothing charged, and
 * pdf_parse reads it as before: a nested container, a name, a keyword or junk in the array, an
 * unterminated string or array, another operator after it, more items or string bytes than
 * tj holds. Entry assumption: lx->p is at the '['. */
bool pdf_lex_tj(pdf_lex *lx, pdf_tj *tj)
{
    /* the position and the count live in locals, written back once at the end */
    const uint8_t *start = lx->p, *p = start + 1, *end = lx->end;
    uint64_t work = 2; /* the tokens '[' and ']' */
    size_t used = 0;
    uint32_t n = 0;
    for (;;) {
        /* items mostly follow each other with no space between */
        if (p < end && (char_class[*p] == 1 || *p == '%')) {
            lx->p = p;
            pdf_lex_skip_ws(lx);
            p = lx->p;
        }
        if (p >= end) goto fail; /* unterminated: the general path's TRUNCATED */
        uint8_t c = *p;
        if (c == ']') {
            p++;
            break;
        }
        if (n == tj->cap) goto fail;
        pdf_tj_item *it = &tj->items[n];
        if (c == '(') {
            bool simple;
            const uint8_t *s = p + 1, *q = string_end(s, end, &simple);
            size_t sn = (size_t)(q - s);
            if (q >= end || sn > UINT32_MAX) goto fail;
            if (simple) {
                it->s = s;
                it->n = (uint32_t)sn;
            } else {
                if (sn > tj->cap_bytes - used) goto fail;
                size_t k = string_unescape(s, sn, tj->bytes + used);
                it->s = tj->bytes + used;
                it->n = (uint32_t)k;
                used += k;
            }
            work += sn / 16;
            p = q + 1;
        } else if (c == '<') {
            /* hex_decode's reading, done while looking for the '>' */
            const uint8_t *s = p + 1, *q = s;
            uint8_t *d = tj->bytes;
            size_t k = used, cap = tj->cap_bytes;
            int hi = -1;
            if (q < end && *q == '<') goto fail; /* a dictionary */
            for (; q < end && *q != '>'; q++) {
                int v = hexval(*q);
                if (v < 0) continue;
                if (hi < 0) {
                    hi = v;
                    continue;
                }
                if (k == cap) goto fail;
                d[k++] = (uint8_t)(hi << 4 | v);
                hi = -1;
            }
            if (q >= end) goto fail;
            if (hi >= 0) {
                if (k == cap) goto fail;
                d[k++] = (uint8_t)(hi << 4);
            }
            it->s = d + used;
            it->n = (uint32_t)(k - used);
            used = k;
            work += (size_t)(q - s) / 16;
            p = q + 1;
        } else if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
            /* TJ numbers are mostly short integers ("-12"): read here when lex_number would
             * read the same (at most one '-', up to 9 digits, no number character after) */
            const uint8_t *q = p + (c == '-');
            int64_t v = 0;
            uint32_t k = 0;
            for (; k < 9 && q < end && *q >= '0' && *q <= '9'; k++, q++)
                v = v * 10 + (*q - '0');
            it->s = NULL;
            it->n = 0;
            if (k && (q >= end || !((*q >= '0' && *q <= '9') || *q == '.' || *q == '-' ||
                                    *q == '+'))) {
                it->num = (double)(c == '-' ? -v : v);
                p = q;
            } else {
                pdf_obj o;
                lx->p = p;
                lex_number(lx, &o);
                p = lx->p;
                it->num = o.kind == PDF_INT ? (double)o.u.i : o.u.r; /* as pdf_num */
            }
        } else {
            goto fail;
        }
        work++;
        n++;
    }
    lx->p = p;
    pdf_lex_skip_ws(lx);
    if (left(lx) < 2 || lx->p[0] != 'T' || lx->p[1] != 'J' ||
        (left(lx) > 2 && is_regular(lx->p[2])))
        goto fail;
    lx->p += 2;
    tj->n = n;
    tj->work = work + 1; /* the token TJ */
    return true;
fail:
    lx->p = start;
    tj->n = 0;
    return false;
}
