/* md_inline.c: Markdown inlines (CommonMark 0.31.2 §6, GFM strikethrough) and link reference
 * definitions (§4.7), for the Markdown handler.
 *
 * One left-to-right scan turns the content into tokens (text runs, delimiter runs, code spans,
 * brackets, autolinks, raw HTML, entities, breaks) and resolves links the moment their ']'
 * is seen, as the spec's appendix "A parsing strategy" does; emphasis runs through the
 * "process emphasis" algorithm over a delimiter list. Then one walk emits the tokens. No tree
 * and no recursion: nesting is a counter per flag, which is all pith's flags need.
 * Pathological input stays linear (md4c's and cmark's pathological tests): openers_bottom per
 * (delimiter, closer length mod 3, can-open) for emphasis; brackets that fail are dropped and
 * "links in links" are cut by one floor index, never by walking the bracket stack; a code span
 * opener finds "no closer of this length" from one forward scan (cmark's backtick table); raw
 * HTML comments, processing instructions, CDATA and declarations remember where a search for
 * their end failed; link destinations nest parentheses at most 32 deep (as cmark does).
 * Left out: link titles (pith's LINK has no field for them: parsed, then dropped), GFM
 * extended autolinks (www., bare URLs), footnotes. Label case folding covers Latin, Greek,
 * Cyrillic, Armenian and full-width Latin, plus ß/ẞ -> ss (the full Unicode table is not here).
 */
#include "md_inline.h"

#include <string.h>

#include "entities.h"
#include "utf.h"

/* MARK: - Character classes */

static inline bool is_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}
static inline bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }
static inline bool is_sp(unsigned char c) { return c == ' ' || c == '\t'; }
/* Spaces, tabs and line endings (CommonMark "whitespace" inside inlines). */
static inline bool is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* Unicode whitespace (Zs plus tab, LF, FF, CR), as flanking rules need it. */
static bool cp_is_space(uint32_t c)
{
    if (c < 0x80) return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

/* Unicode punctuation (categories P and S, §2.1): ASCII exactly, the rest by the blocks that
 * hold mostly P and S characters, as inclusive ranges (a table takes 150 bytes where the
 * same tests written out as comparisons took 410 of code). */
static const uint16_t punct_ranges[][2] = {
    {0xA1, 0xA9}, {0xAB, 0xAC}, {0xAE, 0xB1}, {0xB4, 0xB4}, {0xB6, 0xB8}, {0xBB, 0xBB},
    {0xBF, 0xBF}, {0xD7, 0xD7}, {0xF7, 0xF7}, {0x37E, 0x37E}, {0x387, 0x387},
    {0x55A, 0x55F}, {0x589, 0x589}, {0x5BE, 0x5BE}, {0x5C0, 0x5C0}, {0x5C3, 0x5C3},
    {0x5C6, 0x5C6}, {0x5F3, 0x5F4}, {0x60C, 0x60C}, {0x61B, 0x61B}, {0x61F, 0x61F},
    {0x964, 0x965}, {0x2010, 0x2027}, {0x2030, 0x205E}, {0x20A0, 0x20C0}, {0x2190, 0x23FF},
    {0x2500, 0x27BF}, {0x2900, 0x2BFF}, {0x2E00, 0x2E7F}, {0x3001, 0x3003}, {0x3008, 0x3011},
    {0x3014, 0x301F}, {0xFE30, 0xFE4F}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40},
    {0xFF5B, 0xFF65},
};

static bool cp_is_punct(uint32_t c)
{
    if (c < 0x80) return is_punct((unsigned char)c);
    for (size_t k = 0; k < sizeof punct_ranges / sizeof punct_ranges[0]; k++)
        if (c >= punct_ranges[k][0] && c <= punct_ranges[k][1]) return true;
    return false;
}

/* The code point ending at s[i) (i > 0): the start of its UTF-8 sequence is found by walking
 * back over at most 3 continuation bytes. */
static uint32_t cp_before(const char *s, size_t i)
{
    size_t k = i - 1, lim = i >= 4 ? i - 4 : 0;
    while (k > lim && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
    uint32_t cp;
    size_t len = pith_utf8_decode((const uint8_t *)s + k, i - k, &cp);
    return len == i - k ? cp : 0xFFFD;
}

static uint32_t cp_at(const char *s, size_t n, size_t i)
{
    uint32_t cp;
    size_t len = pith_utf8_decode((const uint8_t *)s + i, n - i, &cp);
    return len ? cp : 0xFFFD;
}

/* MARK: - Scratch arrays */

/* Grow an array in the scratch arena to hold at least `need` elements of `size` bytes. */
static pith_status grow(pith_doc *doc, void **p, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap) return PITH_OK;
    uint64_t c = *cap ? *cap : 64;
    while (c < need) c *= 2;
    size_t bytes;
    if (c > UINT32_MAX || !pith_size_mul((size_t)c, size, &bytes))
        return pith_fail(doc, PITH_E_LIMIT, 0, "markdown: inline content too large");
    pith_arena *a = pith_scratch_arena(doc);
    void *q = *p ? pith_arena_grow(a, *p, (size_t)*cap * size, bytes) : pith_arena_alloc(a, bytes);
    if (!q) {
        pith_status st = pith_doc_status(doc);
        return st != PITH_OK ? st : pith_fail_alloc(doc, bytes);
    }
    *p = q;
    *cap = (uint32_t)c;
    return PITH_OK;
}

/* MARK: - Entities */

/* Named character references: the HTML5 table (src/entities.h), name followed by ';' as
 * CommonMark requires (§6.2: no legacy names without it). */
static size_t named_entity(const char *name, size_t n, char *out)
{
    pith_entity e;
    if (!pith_entity_lookup((const uint8_t *)name, n, &e)) return 0;
    size_t k = pith_utf8_encode(e.cp[0], (uint8_t *)out);
    if (e.count > 1) k += pith_utf8_encode(e.cp[1], (uint8_t *)out + k);
    return k;
}

size_t md_entity(const char *s, size_t n, char *out, size_t *out_n)
{
    size_t i = 1;
    if (n < 3 || s[0] != '&') return 0;
    if (s[1] == '#') {
        uint32_t cp = 0;
        size_t d = 0;
        i = 2;
        bool hex = i < n && (s[i] == 'x' || s[i] == 'X');
        if (hex) {
            i++;
            while (i < n && d < 6) {
                unsigned char c = (unsigned char)s[i];
                uint32_t v = is_digit(c) ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : 99;
                if (v > 15) break;
                cp = cp * 16 + v;
                i++, d++;
            }
        } else {
            while (i < n && d < 7 && is_digit((unsigned char)s[i])) {
                cp = cp * 10 + (uint32_t)(s[i] - '0');
                i++, d++;
            }
        }
        if (d == 0 || i >= n || s[i] != ';') return 0;
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
        *out_n = pith_utf8_encode(cp, (uint8_t *)out);
        return i + 1;
    }
    while (i < n && i <= 32 && is_alnum((unsigned char)s[i])) i++;
    if (i == 1 || i >= n || s[i] != ';' || !is_alpha((unsigned char)s[1])) return 0;
    size_t k = named_entity(s + 1, i - 1, out);
    if (!k) return 0;
    *out_n = k;
    return i + 1;
}

size_t md_unescape(const char *s, size_t n, char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\\' && i + 1 < n && is_punct((unsigned char)s[i + 1])) {
            out[o++] = s[i + 1];
            i += 2;
            continue;
        }
        if (c == '&') {
            size_t k, len = md_entity(s + i, n - i, out + o, &k);
            if (len) {
                o += k;
                i += len;
                continue;
            }
        }
        out[o++] = c;
        i++;
    }
    return o;
}

size_t md_url_encode(const char *s, size_t n, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum(c) || (c && strchr("-_.!~*'();/?:@&=+$,%#", c))) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    return o;
}

/* MARK: - Raw HTML */

enum { HC_COMMENT, HC_PI, HC_CDATA, HC_DECL };
typedef md_html_cache html_cache;

void md_html_cache_init(md_html_cache *c)
{
    for (int k = 0; k < MD_HC_COUNT; k++) c->none_from[k] = SIZE_MAX;
}

/* Offset of `pat` (m bytes) in s[from..n), or n. */
static size_t find_str(const char *s, size_t n, size_t from, const char *pat, size_t m)
{
    while (from + m <= n) {
        const char *p = memchr(s + from, pat[0], n - from);
        if (!p) return n;
        size_t at = (size_t)(p - s);
        if (at + m > n) return n;
        if (memcmp(p, pat, m) == 0) return at;
        from = at + 1;
    }
    return n;
}

static size_t find_cached(html_cache *hc, int kind, const char *s, size_t n, size_t from,
                          const char *pat)
{
    if (hc && hc->none_from[kind] <= from) return n;
    size_t at = find_str(s, n, from, pat, strlen(pat));
    if (at == n && hc && from < hc->none_from[kind]) hc->none_from[kind] = from;
    return at;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && is_ws((unsigned char)s[i])) i++;
    return i;
}

/* An open tag (§6.6) at s[0..n), s[0] == '<': its length or 0. */
static size_t open_tag(const char *s, size_t n)
{
    size_t i = 1;
    if (i >= n || !is_alpha((unsigned char)s[i])) return 0;
    while (i < n && (is_alnum((unsigned char)s[i]) || s[i] == '-')) i++;
    for (;;) {
        size_t j = skip_ws(s, n, i);
        if (j >= n) return 0;
        if (s[j] == '>') return j + 1;
        if (s[j] == '/') return j + 1 < n && s[j + 1] == '>' ? j + 2 : 0;
        if (j == i) return 0;  /* an attribute needs whitespace before it */
        unsigned char c = (unsigned char)s[j];
        if (!(is_alpha(c) || c == '_' || c == ':')) return 0;
        while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '.' ||
                         s[j] == ':' || s[j] == '-'))
            j++;
        i = j;
        j = skip_ws(s, n, j);
        if (j < n && s[j] == '=') {
            j = skip_ws(s, n, j + 1);
            if (j >= n) return 0;
            if (s[j] == '"' || s[j] == '\'') {
                const char *q = memchr(s + j + 1, s[j], n - j - 1);
                if (!q) return 0;
                j = (size_t)(q - s) + 1;
            } else {
                size_t k = j;
                while (k < n && !is_ws((unsigned char)s[k]) && !strchr("\"'=<>`", s[k])) k++;
                if (k == j) return 0;
                j = k;
            }
            i = j;
        }
    }
}

static size_t close_tag(const char *s, size_t n)
{
    size_t i = 2;
    if (n < 3 || s[1] != '/' || !is_alpha((unsigned char)s[2])) return 0;
    while (i < n && (is_alnum((unsigned char)s[i]) || s[i] == '-')) i++;
    i = skip_ws(s, n, i);
    return i < n && s[i] == '>' ? i + 1 : 0;
}

/* s[0..n) is the rest of a paragraph from '<'; base is s's offset in the cached text. */
static size_t html_inline_at(const char *s, size_t n, bool tags_only, html_cache *hc,
                             const char *text, size_t tn, size_t base)
{
    if (n < 2) return 0;
    if (s[1] == '/') return close_tag(s, n);
    if (is_alpha((unsigned char)s[1])) return open_tag(s, n);
    if (tags_only) return 0;
    if (s[1] == '?') {
        size_t at = find_cached(hc, HC_PI, text, tn, base + 2, "?>");
        return at < tn ? at + 2 - base : 0;
    }
    if (s[1] != '!') return 0;
    if (n >= 4 && s[2] == '-' && s[3] == '-') {
        /* <!--> and <!---> are comments too (0.31) */
        if (n >= 5 && s[4] == '>') return 5;
        if (n >= 6 && s[4] == '-' && s[5] == '>') return 6;
        size_t at = find_cached(hc, HC_COMMENT, text, tn, base + 4, "-->");
        return at < tn ? at + 3 - base : 0;
    }
    if (n >= 9 && memcmp(s + 2, "[CDATA[", 7) == 0) {
        size_t at = find_cached(hc, HC_CDATA, text, tn, base + 9, "]]>");
        return at < tn ? at + 3 - base : 0;
    }
    if (n >= 3 && is_alpha((unsigned char)s[2])) {
        size_t at = find_cached(hc, HC_DECL, text, tn, base + 3, ">");
        return at < tn ? at + 1 - base : 0;
    }
    return 0;
}

size_t md_html_inline(const char *s, size_t n, bool tags_only)
{
    return html_inline_at(s, n, tags_only, NULL, s, n, 0);
}

size_t md_html_at(const char *text, size_t n, size_t at, md_html_cache *c)
{
    return html_inline_at(text + at, n - at, false, c, text, n, at);
}

/* MARK: - Labels and the reference table */

/* Simple case folding as ranges: code points lo..hi (only the even ones, or only the odd
 * ones, when `parity` says so) fold to themselves plus delta. A table of 27 ranges is smaller
 * than the same tests written out as comparisons. */
enum { FOLD_ALL, FOLD_EVEN, FOLD_ODD };
static const struct fold_range {
    uint16_t lo, hi;
    int16_t delta;
    uint8_t parity;
} fold_ranges[] = {
    {'A', 'Z', 32, FOLD_ALL},         {0xB5, 0xB5, 0x307, FOLD_ALL},  /* µ to μ */
    {0xC0, 0xD6, 32, FOLD_ALL},       {0xD8, 0xDE, 32, FOLD_ALL},
    {0x100, 0x12F, 1, FOLD_EVEN},     {0x132, 0x137, 1, FOLD_EVEN},
    {0x14A, 0x177, 1, FOLD_EVEN},     {0x139, 0x148, 1, FOLD_ODD},
    {0x179, 0x17E, 1, FOLD_ODD},      {0x178, 0x178, -0x79, FOLD_ALL}, /* Ÿ to ÿ */
    {0x17F, 0x17F, -0x10C, FOLD_ALL}, /* long s to s */
    {0x386, 0x386, 38, FOLD_ALL},     {0x388, 0x38A, 37, FOLD_ALL},
    {0x38C, 0x38C, 64, FOLD_ALL},     {0x38E, 0x38F, 63, FOLD_ALL},
    {0x391, 0x3A1, 32, FOLD_ALL},     {0x3A3, 0x3A9, 32, FOLD_ALL},
    {0x3C2, 0x3C2, 1, FOLD_ALL},      /* final sigma */
    {0x400, 0x40F, 80, FOLD_ALL},     {0x410, 0x42F, 32, FOLD_ALL},
    {0x460, 0x481, 1, FOLD_EVEN},     {0x48A, 0x4BF, 1, FOLD_EVEN},
    {0x4D0, 0x52F, 1, FOLD_EVEN},     {0x531, 0x556, 48, FOLD_ALL},
    {0x1E00, 0x1E95, 1, FOLD_EVEN},   {0x1EA0, 0x1EFF, 1, FOLD_EVEN},
    {0xFF21, 0xFF3A, 32, FOLD_ALL},
};

/* Simple case folding (see the file comment for what it covers); `ss` set for ß and ẞ. */
static uint32_t fold_cp(uint32_t c, bool *ss)
{
    *ss = c == 0xDF || c == 0x1E9E;
    if (*ss) return c;
    for (size_t k = 0; k < sizeof fold_ranges / sizeof fold_ranges[0]; k++) {
        const struct fold_range *r = &fold_ranges[k];
        if (c < r->lo || c > r->hi) continue;
        bool fold = r->parity == FOLD_ALL || (c & 1) == (r->parity == FOLD_ODD);
        return fold ? c + (uint32_t)(int32_t)r->delta : c;
    }
    return c;
}

/* Normalize a raw label (§4.7: case fold, strip, collapse whitespace) into out (room for 3n
 * bytes). Returns the length; 0 when the label is invalid for a reference: blank, longer than
 * 999 characters, or holding an unescaped bracket. */
static size_t label_key(const char *s, size_t n, char *out)
{
    size_t i = 0, o = 0;
    bool space = false, any = false;
    if (n > 999) return 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (is_ws(c)) {
            space = true;
            i++;
            continue;
        }
        if (c == '[' || c == ']') return 0;
        if (space && any) out[o++] = ' ';
        space = false;
        any = true;
        if (c == '\\' && i + 1 < n) {
            /* the escape is kept: "[foo\!]" and "[foo!]" are different labels */
            out[o++] = '\\';
            i++;
            c = (unsigned char)s[i];
            if (c < 0x80) {
                out[o++] = (char)c;
                i++;
                continue;
            }
        }
        if (c < 0x80) {
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = pith_utf8_decode((const uint8_t *)s + i, n - i, &cp);
        if (k == 0) k = n - i;
        bool ss;
        cp = fold_cp(cp, &ss);
        if (ss) {
            out[o++] = 's';
            out[o++] = 's';
        } else {
            o += pith_utf8_encode(cp, (uint8_t *)out + o);
        }
        i += k;
    }
    return any ? o : 0;
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void md_refs_init(md_refs *r) { memset(r, 0, sizeof *r); }

static md_ref *ref_slot(const md_refs *r, const char *key, size_t n, uint32_t h)
{
    uint32_t mask = r->cap - 1, i = h & mask;
    for (;;) {
        md_ref *e = &r->slots[i];
        if (!e->key || (e->hash == h && e->key_len == n && memcmp(e->key, key, n) == 0))
            return e;
        i = (i + 1) & mask;
    }
}

static pith_status ref_add(md_refs *r, pith_doc *doc, const char *key, size_t kn, const char *href,
                           size_t hn)
{
    uint32_t h = hash_bytes(key, kn);
    if (r->cap == 0 || (r->count + 1) * 4 > r->cap * 3) {
        uint32_t cap = r->cap ? r->cap * 2 : 64;
        if (cap == 0 || cap > (1u << 28))
            return pith_fail(doc, PITH_E_LIMIT, 0, "markdown: too many link reference definitions");
        md_ref *s = pith_doc_calloc(doc, (size_t)cap * sizeof *s);
        if (!s) return pith_doc_status(doc);
        md_refs old = *r;
        r->slots = s;
        r->cap = cap;
        for (uint32_t i = 0; i < old.cap; i++)
            if (old.slots[i].key) *ref_slot(r, old.slots[i].key, old.slots[i].key_len, old.slots[i].hash) = old.slots[i];
    }
    md_ref *e = ref_slot(r, key, kn, h);
    if (e->key) return PITH_OK;  /* the first definition wins */
    pith_status st = pith_objects(doc, 1);
    if (st != PITH_OK) return st;
    char *k = pith_doc_alloc(doc, kn + hn + 1);
    if (!k) return pith_doc_status(doc);
    memcpy(k, key, kn);
    if (hn) memcpy(k + kn, href, hn);
    e->key = k;
    e->key_len = (uint32_t)kn;
    e->hash = h;
    e->href = k + kn;
    e->href_len = hn;
    r->count++;
    return PITH_OK;
}

const md_ref *md_refs_find(const md_refs *r, pith_doc *doc, const char *label, size_t n)
{
    if (r->count == 0 || n > 999) return NULL;
    char buf[3 * 999 + 8];
    size_t kn = label_key(label, n, buf);
    (void)doc;
    if (!kn) return NULL;
    md_ref *e = ref_slot(r, buf, kn, hash_bytes(buf, kn));
    return e->key ? e : NULL;
}

/* MARK: - Link destinations and titles (§6.3) */

/* Link label "[...]" at s[i..n): on success *e is past ']' and the label is s[i+1 .. *e-1). */
static bool scan_label(const char *s, size_t n, size_t i, size_t *e)
{
    size_t j = i + 1, lim = i + 1 + 1000;
    if (i >= n || s[i] != '[') return false;
    while (j < n && j < lim) {
        char c = s[j];
        if (c == '\\' && j + 1 < n && is_punct((unsigned char)s[j + 1])) {
            j += 2;
            continue;
        }
        if (c == '[') return false;
        if (c == ']') {
            *e = j + 1;
            return true;
        }
        j++;
    }
    return false;
}

/* A destination at s[i..n): *b,*e its raw bytes (without <>), *next past it. */
static bool scan_dest(const char *s, size_t n, size_t i, size_t *b, size_t *e, size_t *next)
{
    if (i < n && s[i] == '<') {
        size_t j = i + 1;
        while (j < n) {
            char c = s[j];
            if (c == '\n' || c == '\r' || c == '<') return false;
            if (c == '>') {
                *b = i + 1;
                *e = j;
                *next = j + 1;
                return true;
            }
            j += c == '\\' && j + 1 < n && is_punct((unsigned char)s[j + 1]) ? 2 : 1;
        }
        return false;
    }
    size_t j = i;
    int depth = 0;
    while (j < n) {
        unsigned char c = (unsigned char)s[j];
        if (c == '\\' && j + 1 < n && is_punct((unsigned char)s[j + 1])) {
            j += 2;
            continue;
        }
        if (c <= 0x20 || c == 0x7F) break;
        if (c == '(') {
            if (++depth > 32) return false;
        } else if (c == ')') {
            if (depth == 0) break;
            depth--;
        }
        j++;
    }
    if (depth != 0) return false;
    *b = i;
    *e = j;
    *next = j;
    return true;
}

/* A title at s[i..n) ("...", '...' or (...)): *next past it. */
static bool scan_title(const char *s, size_t n, size_t i, size_t *next)
{
    if (i >= n) return false;
    char open = s[i], close = open == '(' ? ')' : open;
    if (open != '"' && open != '\'' && open != '(') return false;
    size_t j = i + 1;
    while (j < n) {
        char c = s[j];
        if (c == '\\' && j + 1 < n && is_punct((unsigned char)s[j + 1])) {
            j += 2;
            continue;
        }
        if (c == close) {
            *next = j + 1;
            return true;
        }
        if (open == '(' && c == '(') return false;
        j++;
    }
    return false;
}

/* Spaces and tabs, then at most one line ending, then spaces and tabs. */
static size_t skip_one_line(const char *s, size_t n, size_t i, bool *newline)
{
    *newline = false;
    while (i < n && is_sp((unsigned char)s[i])) i++;
    if (i < n && s[i] == '\n') {
        *newline = true;
        i++;
        while (i < n && is_sp((unsigned char)s[i])) i++;
    }
    return i;
}

/* Unescape then percent-encode a destination into scratch memory. */
static char *dest_bytes(pith_doc *doc, const char *s, size_t n, size_t *out_n)
{
    size_t cap;
    if (!pith_size_mul(n, 6, &cap)) return NULL;
    char *tmp = pith_scratch_alloc(doc, cap + 1);
    if (!tmp) return NULL;
    size_t u = md_unescape(s, n, tmp + 4 * n);
    *out_n = md_url_encode(tmp + 4 * n, u, tmp);
    return tmp;
}

pith_status md_refs_parse(md_refs *r, pith_doc *doc, const char *s, size_t n, size_t *used)
{
    size_t pos = 0;
    *used = 0;
    while (pos < n && s[pos] == '[') {
        size_t le, db, de, i, after_dest, t;
        bool nl;
        if (!scan_label(s, n, pos, &le) || le >= n || s[le] != ':') break;
        char key[3 * 999 + 8];
        size_t kn = label_key(s + pos + 1, le - pos - 2, key);
        if (!kn) break;
        i = skip_one_line(s, n, le + 1, &nl);
        if (i >= n || !scan_dest(s, n, i, &db, &de, &after_dest)) break;
        if (s[i] != '<' && de == db) break;  /* a bare destination may not be empty */
        /* the definition ends with the title's line, or else with the destination's */
        size_t end = 0;
        size_t j = skip_one_line(s, n, after_dest, &nl);
        if (j > after_dest && scan_title(s, n, j, &t)) {
            size_t k = t;
            while (k < n && is_sp((unsigned char)s[k])) k++;
            if (k >= n || s[k] == '\n') end = k < n ? k + 1 : k;
        }
        if (!end) {
            size_t k = after_dest;
            while (k < n && is_sp((unsigned char)s[k])) k++;
            if (k < n && s[k] != '\n') break;
            end = k < n ? k + 1 : k;
        }
        pith_arena *a = pith_scratch_arena(doc);
        pith_arena_mark m = pith_arena_mark_get(a);
        size_t hn;
        char *href = dest_bytes(doc, s + db, de - db, &hn);
        pith_status st = href ? ref_add(r, doc, key, kn, href, hn) : pith_doc_status(doc);
        pith_arena_release(a, m);
        if (st != PITH_OK) return st;
        pos = end;
        *used = pos;
    }
    return PITH_OK;
}

/* MARK: - Tokens */

enum {
    TK_TEXT,   /* s[beg..beg+len) as is */
    TK_ENT,    /* a character reference: s[beg..beg+len) decoded */
    TK_DELIM,  /* a run of * _ ~: x = its delimiter record */
    TK_CODE,   /* code span content; line endings become spaces */
    TK_SOFT,   /* soft line break */
    TK_HARD,   /* hard line break */
    TK_OPEN,   /* '[' or '![' not (yet) a link: literal */
    TK_LINK,   /* start of a link: href aux[x..x+y) */
    TK_IMAGE,  /* start of an image: src aux[x..x+y) */
    TK_END,    /* end of a link or image */
    TK_AUTO,   /* autolink: text s[beg..beg+len), href aux[x..x+y) */
    TK_HTML,   /* raw HTML: dropped (x = 1 for <br>) */
};

typedef struct md_tok {
    uint32_t beg, len;
    uint32_t x, y;
    uint8_t kind;
    uint8_t img;  /* TK_OPEN: '![' */
} md_tok;

/* A delimiter run on the delimiter list (§6.2 / appendix). */
typedef struct md_delim {
    uint32_t tok;
    uint32_t prev, next;   /* list links; NONE at the ends */
    uint32_t count;        /* delimiters left */
    uint32_t orig;         /* run length */
    uint32_t used_close;   /* taken from the left as closers */
    uint32_t used_open;    /* taken from the right as openers */
    uint32_t em_open, st_open, del_open, em_close, st_close, del_close;
    char ch;
    uint8_t can_open, can_close, live;
} md_delim;

typedef struct md_bracket {
    uint32_t tok;
    uint32_t delim_bottom;  /* the last delimiter before it (NONE if none) */
    uint8_t img;
} md_bracket;

#define NONE UINT32_MAX
#define MAX_TICKS 1000u

typedef struct md_in {
    pith_doc *doc;
    const md_refs *refs;
    const char *s;
    size_t n;
    md_tok *tok;
    uint32_t ntok, captok;
    md_delim *dl;
    uint32_t ndl, capdl;
    uint32_t dl_last;        /* the last live delimiter on the list */
    md_bracket *br;
    uint32_t nbr, capbr;
    uint32_t link_floor;     /* brackets below this index are inactive '[' (links in links) */
    char *aux;               /* hrefs */
    uint32_t naux, capaux;
    html_cache hc;
    /* code spans: the last offset of a backtick run of each length (runs longer than
     * MAX_TICKS in a small hash table), complete once a scan reached the end */
    uint32_t *ticks;
    uint32_t *long_ticks;    /* pairs (length, offset); length 0 = empty slot */
    uint32_t nlong, caplong;
    bool ticks_scanned;
} md_in;

static pith_status tok_add(md_in *in, int kind, size_t beg, size_t len)
{
    pith_status st = grow(in->doc, (void **)&in->tok, &in->captok, in->ntok + 1, sizeof(md_tok));
    if (st != PITH_OK) return st;
    md_tok *t = &in->tok[in->ntok++];
    t->beg = (uint32_t)beg;
    t->len = (uint32_t)len;
    t->x = t->y = 0;
    t->kind = (uint8_t)kind;
    t->img = 0;
    return PITH_OK;
}

static pith_status aux_put(md_in *in, const char *s, size_t n, uint32_t *off)
{
    pith_status st = grow(in->doc, (void **)&in->aux, &in->capaux, in->naux + (uint32_t)n + 1, 1);
    if (st != PITH_OK) return st;
    if (n) memcpy(in->aux + in->naux, s, n);
    *off = in->naux;
    in->naux += (uint32_t)n;
    return PITH_OK;
}

/* Store a destination as the href of token t: unescaped and percent-encoded, unless it comes
 * from the reference table (`encoded`), which stores it so. */
static pith_status set_href(md_in *in, md_tok *t, const char *s, size_t n, bool encoded)
{
    pith_status st;
    if (encoded) {
        if ((st = aux_put(in, s, n, &t->x)) != PITH_OK) return st;
        t->y = (uint32_t)n;
        return PITH_OK;
    }
    size_t cap;
    if (!pith_size_mul(n, 6, &cap) || cap > UINT32_MAX / 2)
        return pith_fail(in->doc, PITH_E_LIMIT, 0, "markdown: link destination too long");
    char *tmp = pith_scratch_alloc(in->doc, 2 * n + 1);
    if (!tmp) return pith_doc_status(in->doc);
    size_t u = md_unescape(s, n, tmp);
    if ((st = grow(in->doc, (void **)&in->aux, &in->capaux, in->naux + (uint32_t)(3 * u) + 1, 1)) != PITH_OK)
        return st;
    t->x = in->naux;
    t->y = (uint32_t)md_url_encode(tmp, u, in->aux + in->naux);
    in->naux += t->y;
    return PITH_OK;
}

/* MARK: - Delimiter list */

static void dl_unlink(md_in *in, uint32_t d)
{
    md_delim *x = &in->dl[d];
    if (!x->live) return;
    x->live = 0;
    if (x->prev != NONE) in->dl[x->prev].next = x->next;
    if (x->next != NONE) in->dl[x->next].prev = x->prev;
    else in->dl_last = x->prev;
}

/* Process emphasis (the spec's appendix) for the delimiters above `bottom` (NONE: all). */
static void process_emphasis(md_in *in, uint32_t bottom)
{
    /* openers_bottom: [*, _, ~][closer length % 3][closer can open] -> a delimiter index,
     * NONE meaning `bottom` */
    uint32_t ob[3][3][2];
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) ob[a][b][0] = ob[a][b][1] = bottom;
    uint32_t cur = bottom == NONE ? NONE : in->dl[bottom].next;
    if (bottom == NONE) {
        /* the first live delimiter: walk back from the last one */
        uint32_t d = in->dl_last;
        while (d != NONE && in->dl[d].prev != NONE) d = in->dl[d].prev;
        cur = d;
    }
    while (cur != NONE) {
        md_delim *c = &in->dl[cur];
        if (!c->can_close) {
            cur = c->next;
            continue;
        }
        int ci = c->ch == '*' ? 0 : c->ch == '_' ? 1 : 2;
        int m3 = (int)(c->orig % 3), co = c->can_open ? 1 : 0;
        uint32_t lim = ob[ci][ci == 2 ? (int)(c->orig > 2 ? 2 : c->orig) : m3][ci == 2 ? 0 : co];
        uint32_t o = c->prev;
        bool found = false;
        while (o != NONE && o != bottom && o != lim) {
            md_delim *d = &in->dl[o];
            if (d->ch == c->ch && d->can_open) {
                if (ci == 2) {
                    if (d->count == c->count) { found = true; break; }
                } else if (!((d->can_close || c->can_open) && (d->orig + c->orig) % 3 == 0 &&
                             !(d->orig % 3 == 0 && c->orig % 3 == 0))) {
                    found = true;
                    break;
                }
            }
            o = d->prev;
        }
        if (!found) {
            uint32_t next = c->next;
            ob[ci][ci == 2 ? (int)(c->orig > 2 ? 2 : c->orig) : m3][ci == 2 ? 0 : co] = c->prev;
            if (!c->can_open) dl_unlink(in, cur);
            cur = next;
            continue;
        }
        md_delim *d = &in->dl[o];
        uint32_t use = ci == 2 ? c->count : (c->count >= 2 && d->count >= 2 ? 2 : 1);
        if (ci == 2) {
            d->del_open++;
            c->del_close++;
        } else if (use == 2) {
            d->st_open++;
            c->st_close++;
        } else {
            d->em_open++;
            c->em_close++;
        }
        d->count -= use;
        d->used_open += use;
        c->count -= use;
        c->used_close += use;
        /* delimiters between them can no longer match anything */
        uint32_t k = d->next;
        while (k != cur && k != NONE) {
            uint32_t nk = in->dl[k].next;
            dl_unlink(in, k);
            k = nk;
        }
        if (d->count == 0) dl_unlink(in, o);
        if (c->count == 0) {
            uint32_t next = c->next;
            dl_unlink(in, cur);
            cur = next;
        }
    }
    /* everything above bottom is done with */
    uint32_t k = bottom == NONE ? in->dl_last : in->dl_last;
    while (k != NONE && k != bottom) {
        uint32_t pk = in->dl[k].prev;
        dl_unlink(in, k);
        k = pk;
    }
}

/* MARK: - Scanning */

/* A delimiter run of c at s[i..j): flanking (§6.2) decides whether it can open or close. */
static pith_status add_delim(md_in *in, char c, size_t i, size_t j)
{
    const char *s = in->s;
    size_t n = in->n;
    uint32_t before = i > 0 ? cp_before(s, i) : '\n';
    uint32_t after = j < n ? cp_at(s, n, j) : '\n';
    bool ws_b = cp_is_space(before), ws_a = cp_is_space(after);
    bool p_b = cp_is_punct(before), p_a = cp_is_punct(after);
    bool left = !ws_a && (!p_a || ws_b || p_b);
    bool right = !ws_b && (!p_b || ws_a || p_a);
    bool can_open, can_close;
    if (c == '_') {
        can_open = left && (!right || p_b);
        can_close = right && (!left || p_a);
    } else {
        can_open = left;
        can_close = right;
    }
    if (c == '~' && j - i > 2) can_open = can_close = false;  /* GFM: ~ or ~~ only */
    pith_status st = tok_add(in, TK_DELIM, i, j - i);
    if (st != PITH_OK) return st;
    if (!can_open && !can_close) {
        in->tok[in->ntok - 1].kind = TK_TEXT;
        return PITH_OK;
    }
    if ((st = grow(in->doc, (void **)&in->dl, &in->capdl, in->ndl + 1, sizeof(md_delim))) != PITH_OK)
        return st;
    md_delim *d = &in->dl[in->ndl];
    memset(d, 0, sizeof *d);
    d->tok = in->ntok - 1;
    d->prev = in->dl_last;
    d->next = NONE;
    d->count = d->orig = (uint32_t)(j - i);
    d->ch = c;
    d->can_open = can_open;
    d->can_close = can_close;
    d->live = 1;
    if (in->dl_last != NONE) in->dl[in->dl_last].next = in->ndl;
    in->dl_last = in->ndl;
    in->tok[in->ntok - 1].x = in->ndl;
    in->ndl++;
    return PITH_OK;
}

/* The last offset of a backtick run of length k seen so far, or UINT32_MAX. */
static uint32_t ticks_get(const md_in *in, size_t k)
{
    if (k <= MAX_TICKS) return in->ticks[k];
    if (!in->caplong) return UINT32_MAX;
    uint32_t mask = in->caplong - 1, i = (uint32_t)k & mask;
    while (in->long_ticks[2 * i]) {
        if (in->long_ticks[2 * i] == k) return in->long_ticks[2 * i + 1];
        i = (i + 1) & mask;
    }
    return UINT32_MAX;
}

/* Put (length, offset) into a long-run table of `cap` pairs (cap a power of two); returns
 * true when the length is new. */
static bool long_put(uint32_t *t, uint32_t cap, uint32_t k, uint32_t at)
{
    uint32_t mask = cap - 1, i = k & mask;
    while (t[2 * i] && t[2 * i] != k) i = (i + 1) & mask;
    bool added = !t[2 * i];
    t[2 * i] = k;
    t[2 * i + 1] = at;
    return added;
}

static pith_status ticks_set(md_in *in, size_t k, size_t at)
{
    if (k <= MAX_TICKS) {
        in->ticks[k] = (uint32_t)at;
        return PITH_OK;
    }
    if ((in->nlong + 1) * 2 > in->caplong) {
        /* a long run is over MAX_TICKS bytes, so there are few of them: rebuild on growth */
        uint32_t cap = in->caplong ? in->caplong * 2 : 64, old = in->caplong;
        uint32_t *t = pith_scratch_alloc(in->doc, (size_t)cap * 2 * sizeof *t);
        if (!t) return pith_doc_status(in->doc);
        memset(t, 0, (size_t)cap * 2 * sizeof *t);
        for (uint32_t i = 0; i < old; i++)
            if (in->long_ticks[2 * i]) long_put(t, cap, in->long_ticks[2 * i], in->long_ticks[2 * i + 1]);
        in->long_ticks = t;
        in->caplong = cap;
    }
    if (long_put(in->long_ticks, in->caplong, (uint32_t)k, (uint32_t)at)) in->nlong++;
    return PITH_OK;
}

/* A code span opening with k backticks at s[i..i+k): its end (past the closer) or 0. Every
 * run a scan passes is recorded, so once one scan has reached the end, an opener with no
 * run of its length after it fails without scanning (cmark's backticks table). */
static pith_status code_span(md_in *in, size_t i, size_t k, size_t *end)
{
    const char *s = in->s;
    size_t n = in->n;
    pith_status st;
    *end = 0;
    if (in->ticks_scanned) {
        uint32_t last = ticks_get(in, k);
        if (last == UINT32_MAX || last <= i) return PITH_OK;
    }
    size_t j = i + k;
    while (j < n) {
        const char *p = memchr(s + j, '`', n - j);
        if (!p) break;
        size_t a = (size_t)(p - s), b = a;
        while (b < n && s[b] == '`') b++;
        if ((st = ticks_set(in, b - a, a)) != PITH_OK) return st;
        if (b - a == k) {
            *end = b;
            return PITH_OK;
        }
        j = b;
    }
    in->ticks_scanned = true;
    return PITH_OK;
}

/* An autolink (§6.5) at s[i..n), s[i] == '<': its length or 0; *email set for e-mail. */
static size_t autolink(const char *s, size_t n, size_t i, bool *email)
{
    size_t j = i + 1;
    *email = false;
    if (j < n && is_alpha((unsigned char)s[j])) {
        size_t k = j + 1;
        while (k < n && k - j < 32 && (is_alnum((unsigned char)s[k]) || s[k] == '+' || s[k] == '.' || s[k] == '-'))
            k++;
        if (k < n && s[k] == ':' && k - j >= 2) {
            k++;
            while (k < n && (unsigned char)s[k] > 0x20 && s[k] != '<' && s[k] != '>' && s[k] != 0x7F) k++;
            if (k < n && s[k] == '>') return k + 1 - i;
        }
    }
    /* e-mail: the HTML5 "valid e-mail address" pattern */
    size_t k = j;
    while (k < n && (is_alnum((unsigned char)s[k]) || (s[k] && strchr(".!#$%&'*+/=?^_`{|}~-", s[k])))) k++;
    if (k == j || k >= n || s[k] != '@') return 0;
    k++;
    for (;;) {
        size_t lb = k;
        while (k < n && k - lb < 63 && (is_alnum((unsigned char)s[k]) || s[k] == '-')) k++;
        if (k == lb || s[lb] == '-' || s[k - 1] == '-') return 0;
        if (k < n && s[k] == '.') {
            k++;
            continue;
        }
        break;
    }
    if (k < n && s[k] == '>') {
        *email = true;
        return k + 1 - i;
    }
    return 0;
}

static void pop_bracket(md_in *in)
{
    in->nbr--;
    /* brackets pushed from here on are above every link made so far */
    if (in->link_floor > in->nbr) in->link_floor = in->nbr;
}

/* ']' at s[i]: try to close the topmost bracket as a link or image (§6.3, §6.4). Sets *next
 * past what was consumed. */
static pith_status close_bracket(md_in *in, size_t i, size_t *next)
{
    const char *s = in->s;
    size_t n = in->n;
    pith_status st;
    *next = i + 1;
    if (in->nbr == 0) return tok_add(in, TK_TEXT, i, 1);
    md_bracket *b = &in->br[in->nbr - 1];
    if (!b->img && in->nbr - 1 < in->link_floor) {
        pop_bracket(in);
        return tok_add(in, TK_TEXT, i, 1);
    }
    md_tok *ot = &in->tok[b->tok];
    size_t text_beg = ot->beg + ot->len;  /* after "[" or "![" */
    size_t end = 0;
    const char *dest = NULL;
    size_t dest_n = 0;
    bool encoded = false;

    /* inline link: "(" dest? title? ")" */
    if (i + 1 < n && s[i + 1] == '(') {
        bool nl;
        size_t j = skip_one_line(s, n, i + 2, &nl), db, de, a, t;
        if (j < n && s[j] == ')') {
            end = j + 1;
        } else if (j < n && scan_dest(s, n, j, &db, &de, &a)) {
            size_t k = skip_one_line(s, n, a, &nl);
            if (k < n && s[k] == ')') {
                end = k + 1;
            } else if (k > a && scan_title(s, n, k, &t)) {
                k = skip_one_line(s, n, t, &nl);
                if (k < n && s[k] == ')') end = k + 1;
            }
            if (end) {
                dest = s + db;
                dest_n = de - db;
            }
        }
    }
    /* reference link: full "[label]", collapsed "[]", or shortcut */
    if (!end && in->refs->count) {
        size_t le;
        const md_ref *r = NULL;
        if (i + 1 < n && s[i + 1] == '[' && scan_label(s, n, i + 1, &le)) {
            if (le - i - 1 > 2) {
                r = md_refs_find(in->refs, in->doc, s + i + 2, le - i - 3);
            } else {
                r = md_refs_find(in->refs, in->doc, s + text_beg, i - text_beg);
            }
            if (r) end = le;
        } else {
            r = md_refs_find(in->refs, in->doc, s + text_beg, i - text_beg);
            if (r) end = i + 1;
        }
        if (r) {
            dest = r->href;
            dest_n = r->href_len;
            encoded = true;
        }
    }
    if (!end) {
        pop_bracket(in);
        return tok_add(in, TK_TEXT, i, 1);
    }
    /* a link: the bracket becomes its start, emphasis inside it is resolved now */
    uint32_t open_tok = b->tok;
    bool img = b->img;
    process_emphasis(in, b->delim_bottom);
    pop_bracket(in);
    md_tok *t = &in->tok[open_tok];
    t->kind = img ? TK_IMAGE : TK_LINK;
    if ((st = set_href(in, t, dest ? dest : "", dest_n, encoded)) != PITH_OK) return st;
    if ((st = tok_add(in, TK_END, i, end - i)) != PITH_OK) return st;
    if (!img) in->link_floor = in->nbr;  /* no link inside a link: earlier '[' are inactive */
    *next = end;
    return PITH_OK;
}

/* Bytes that end a plain text run. */
static const uint8_t special[256] = {
    ['\\'] = 1, ['\n'] = 1, ['*'] = 1, ['_'] = 1, ['~'] = 1, ['`'] = 1, ['['] = 1,
    [']'] = 1, ['!'] = 1, ['<'] = 1, ['&'] = 1,
};

static pith_status scan(md_in *in)
{
    const char *s = in->s;
    size_t n = in->n, i = 0;
    pith_status st = PITH_OK;
    while (i < n && st == PITH_OK) {
        size_t j = i;
        while (j < n && !special[(unsigned char)s[j]]) j++;
        if (j > i) {
            if ((st = tok_add(in, TK_TEXT, i, j - i)) != PITH_OK) return st;
            i = j;
            continue;
        }
        char c = s[i];
        switch (c) {
        case '\\':
            if (i + 1 < n && s[i + 1] == '\n') {
                st = tok_add(in, TK_HARD, i, 2);
                i += 2;
                while (i < n && is_sp((unsigned char)s[i])) i++;
            } else if (i + 1 < n && is_punct((unsigned char)s[i + 1])) {
                st = tok_add(in, TK_TEXT, i + 1, 1);
                i += 2;
            } else {
                st = tok_add(in, TK_TEXT, i, 1);
                i++;
            }
            break;
        case '\n': {
            /* spaces before a line ending: dropped; two or more make a hard break */
            size_t sp = 0;
            if (in->ntok > 0) {
                md_tok *t = &in->tok[in->ntok - 1];
                if (t->kind == TK_TEXT && t->beg + t->len == i) {
                    while (sp < t->len && s[t->beg + t->len - 1 - sp] == ' ') sp++;
                    t->len -= (uint32_t)sp;
                }
            }
            st = tok_add(in, sp >= 2 ? TK_HARD : TK_SOFT, i, 1);
            i++;
            while (i < n && is_sp((unsigned char)s[i])) i++;
            break;
        }
        case '*':
        case '_':
        case '~': {
            size_t k = i;
            while (k < n && s[k] == c) k++;
            st = add_delim(in, c, i, k);
            i = k;
            break;
        }
        case '`': {
            size_t k = i, end;
            while (k < n && s[k] == '`') k++;
            if ((st = code_span(in, i, k - i, &end)) != PITH_OK) return st;
            if (!end) {
                st = tok_add(in, TK_TEXT, i, k - i);
                i = k;
                break;
            }
            /* content: line endings are spaces; one space is stripped from each side when
             * both are spaces and the content is not all spaces */
            size_t cb = k, ce = end - (k - i);
            bool all_sp = true;
            for (size_t q = cb; q < ce && all_sp; q++) all_sp = s[q] == ' ' || s[q] == '\n';
            if (!all_sp && ce - cb >= 2 && (s[cb] == ' ' || s[cb] == '\n') &&
                (s[ce - 1] == ' ' || s[ce - 1] == '\n')) {
                cb++;
                ce--;
            }
            st = tok_add(in, TK_CODE, cb, ce - cb);
            i = end;
            break;
        }
        case '!':
            if (i + 1 < n && s[i + 1] == '[') {
                if ((st = tok_add(in, TK_OPEN, i, 2)) != PITH_OK) return st;
                in->tok[in->ntok - 1].img = 1;
                goto bracket;
            }
            st = tok_add(in, TK_TEXT, i, 1);
            i++;
            break;
        case '[':
            if ((st = tok_add(in, TK_OPEN, i, 1)) != PITH_OK) return st;
        bracket:
            if ((st = grow(in->doc, (void **)&in->br, &in->capbr, in->nbr + 1, sizeof(md_bracket))) != PITH_OK)
                return st;
            in->br[in->nbr].tok = in->ntok - 1;
            in->br[in->nbr].delim_bottom = in->dl_last;
            in->br[in->nbr].img = in->tok[in->ntok - 1].img;
            in->nbr++;
            i += in->tok[in->ntok - 1].len;
            break;
        case ']': {
            size_t next;
            st = close_bracket(in, i, &next);
            i = next;
            break;
        }
        case '<': {
            bool email;
            size_t k = autolink(s, n, i, &email);
            if (k) {
                if ((st = tok_add(in, TK_AUTO, i + 1, k - 2)) != PITH_OK) return st;
                md_tok *t = &in->tok[in->ntok - 1];
                if (email) {
                    size_t len = k - 2;
                    char *m = pith_scratch_alloc(in->doc, len + 7);
                    if (!m) return pith_doc_status(in->doc);
                    memcpy(m, "mailto:", 7);
                    memcpy(m + 7, s + i + 1, len);
                    st = set_href(in, t, m, len + 7, false);
                } else {
                    st = set_href(in, t, s + i + 1, k - 2, false);
                }
                i += k;
                break;
            }
            k = html_inline_at(s + i, n - i, false, &in->hc, s, n, i);
            if (k) {
                if ((st = tok_add(in, TK_HTML, i, k)) != PITH_OK) return st;
                /* <br>, <br/>, <br /> is a line break */
                if (k >= 4 && (s[i + 1] | 0x20) == 'b' && (s[i + 2] | 0x20) == 'r' &&
                    (s[i + 3] == '>' || s[i + 3] == '/' || is_ws((unsigned char)s[i + 3])))
                    in->tok[in->ntok - 1].x = 1;
                i += k;
                break;
            }
            st = tok_add(in, TK_TEXT, i, 1);
            i++;
            break;
        }
        case '&': {
            char tmp[8];
            size_t k, len = md_entity(s + i, n - i, tmp, &k);
            if (len) {
                st = tok_add(in, TK_ENT, i, len);
                i += len;
            } else {
                st = tok_add(in, TK_TEXT, i, 1);
                i++;
            }
            break;
        }
        default:
            st = tok_add(in, TK_TEXT, i, 1);
            i++;
            break;
        }
    }
    if (st != PITH_OK) return st;
    process_emphasis(in, NONE);
    return PITH_OK;
}

/* MARK: - Emission */

typedef struct md_out {
    md_in *in;
    char *buf;          /* text waiting for the current flags */
    uint32_t n, cap;
    uint32_t flags;     /* flags of buf */
    uint32_t em, st, del;
    uint32_t img;       /* images open: text goes to the alt buffer */
    char *alt;
    uint32_t nalt, capalt;
} md_out;

static uint32_t cur_flags(const md_out *o)
{
    return (o->em ? PITH_TEXT_EMPH : 0) | (o->st ? PITH_TEXT_STRONG : 0) |
           (o->del ? PITH_TEXT_STRIKE : 0);
}

static pith_status flush(md_out *o)
{
    if (!o->n) return PITH_OK;
    pith_status st = pith_emit_text(o->in->doc, o->buf, o->n, o->flags);
    o->n = 0;
    return st;
}

static pith_status put(md_out *o, const char *s, size_t n, uint32_t flags)
{
    pith_status st;
    if (!n) return PITH_OK;
    if (o->img) {
        if ((st = grow(o->in->doc, (void **)&o->alt, &o->capalt, o->nalt + (uint32_t)n, 1)) != PITH_OK)
            return st;
        memcpy(o->alt + o->nalt, s, n);
        o->nalt += (uint32_t)n;
        return PITH_OK;
    }
    if (o->n && flags != o->flags && (st = flush(o)) != PITH_OK) return st;
    o->flags = flags;
    if ((st = grow(o->in->doc, (void **)&o->buf, &o->cap, o->n + (uint32_t)n, 1)) != PITH_OK) return st;
    memcpy(o->buf + o->n, s, n);
    o->n += (uint32_t)n;
    return PITH_OK;
}

static pith_status emit_tokens(md_in *in)
{
    md_out o;
    memset(&o, 0, sizeof o);
    o.in = in;
    pith_doc *doc = in->doc;
    const char *s = in->s;
    pith_status st = PITH_OK;
    for (uint32_t t = 0; t < in->ntok && st == PITH_OK; t++) {
        md_tok *k = &in->tok[t];
        switch (k->kind) {
        case TK_TEXT:
        case TK_OPEN:
            st = put(&o, s + k->beg, k->len, cur_flags(&o));
            break;
        case TK_ENT: {
            char tmp[8];
            size_t m;
            md_entity(s + k->beg, k->len, tmp, &m);
            st = put(&o, tmp, m, cur_flags(&o));
            break;
        }
        case TK_DELIM: {
            md_delim *d = &in->dl[k->x];
            o.em -= d->em_close < o.em ? d->em_close : o.em;
            o.st -= d->st_close < o.st ? d->st_close : o.st;
            o.del -= d->del_close < o.del ? d->del_close : o.del;
            uint32_t lit = d->orig - d->used_close - d->used_open;
            st = put(&o, s + k->beg + d->used_close, lit, cur_flags(&o));
            o.em += d->em_open;
            o.st += d->st_open;
            o.del += d->del_open;
            break;
        }
        case TK_CODE: {
            uint32_t f = cur_flags(&o) | PITH_TEXT_CODE;
            size_t a = k->beg, e = k->beg + k->len;
            while (a < e && st == PITH_OK) {
                const char *nl = memchr(s + a, '\n', e - a);
                size_t b = nl ? (size_t)(nl - s) : e;
                st = put(&o, s + a, b - a, f);
                if (st == PITH_OK && b < e) st = put(&o, " ", 1, f);
                a = b + 1;
            }
            break;
        }
        case TK_SOFT:
            st = put(&o, "\n", 1, cur_flags(&o));
            break;
        case TK_HARD:
            if (o.img) {
                st = put(&o, "\n", 1, 0);
            } else if ((st = flush(&o)) == PITH_OK) {
                st = pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
            }
            break;
        case TK_HTML:
            if (k->x && !o.img && (st = flush(&o)) == PITH_OK) st = pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
            break;
        case TK_AUTO:
            if (o.img) {
                st = put(&o, s + k->beg, k->len, 0);
                break;
            }
            if ((st = flush(&o)) != PITH_OK) break;
            {
                pith_ev_link l = {{in->aux + k->x, k->y}};
                st = pith_emit_begin(doc, PITH_EV_LINK, &l);
            }
            if (st == PITH_OK) st = put(&o, s + k->beg, k->len, cur_flags(&o));
            if (st == PITH_OK) st = flush(&o);
            if (st == PITH_OK) st = pith_emit_end(doc, PITH_EV_LINK);
            break;
        case TK_LINK:
            /* a link inside an image's description only gives its text to the alt */
            if (o.img) break;
            if ((st = flush(&o)) != PITH_OK) break;
            {
                pith_ev_link l = {{in->aux + k->x, k->y}};
                st = pith_emit_begin(doc, PITH_EV_LINK, &l);
            }
            break;
        case TK_IMAGE:
            if (o.img++ == 0) o.nalt = 0;
            break;
        case TK_END: {
            md_tok *it = &in->tok[k->y];
            if (it->kind == TK_LINK) {
                if (!o.img && (st = flush(&o)) == PITH_OK) st = pith_emit_end(doc, PITH_EV_LINK);
                break;
            }
            if (it->kind != TK_IMAGE || o.img == 0 || --o.img > 0) break;
            pith_ev_image im = {{o.alt ? o.alt : "", o.nalt}, {in->aux + it->x, it->y}};
            if ((st = flush(&o)) == PITH_OK) st = pith_emit_leaf(doc, PITH_EV_IMAGE, &im);
            break;
        }
        default:
            break;
        }
    }
    if (st == PITH_OK) st = flush(&o);
    return st;
}

/* Each TK_END learns the token index of its TK_LINK/TK_IMAGE (they nest). */
static pith_status pair_ends(md_in *in)
{
    uint32_t *stack = NULL, n = 0, cap = 0;
    pith_status st;
    for (uint32_t t = 0; t < in->ntok; t++) {
        md_tok *k = &in->tok[t];
        if (k->kind == TK_LINK || k->kind == TK_IMAGE) {
            if ((st = grow(in->doc, (void **)&stack, &cap, n + 1, sizeof *stack)) != PITH_OK) return st;
            stack[n++] = t;
        } else if (k->kind == TK_END && n > 0) {
            k->y = stack[--n];
        }
    }
    return PITH_OK;
}

pith_status md_inline_emit(pith_doc *doc, const md_refs *refs, const char *s, size_t n)
{
    if (n == 0) return PITH_OK;
    if (n >= UINT32_MAX / 8) return pith_fail(doc, PITH_E_LIMIT, 0, "markdown: block of %zu bytes too large", n);
    pith_status st = pith_work(doc, n);
    if (st != PITH_OK) return st;
    /* Fast path: nothing special at all, one text event. */
    size_t i = 0;
    while (i < n && !special[(unsigned char)s[i]]) i++;
    if (i == n) return pith_emit_text(doc, s, n, 0);

    pith_arena *a = pith_scratch_arena(doc);
    pith_arena_mark m = pith_arena_mark_get(a);
    md_in in;
    memset(&in, 0, sizeof in);
    in.doc = doc;
    in.refs = refs;
    in.s = s;
    in.n = n;
    in.dl_last = NONE;
    md_html_cache_init(&in.hc);
    if (memchr(s, '`', n)) {
        in.ticks = pith_scratch_alloc(doc, (MAX_TICKS + 1) * sizeof(uint32_t));
        if (!in.ticks) st = pith_doc_status(doc);
        else memset(in.ticks, 0xFF, (MAX_TICKS + 1) * sizeof(uint32_t));
    }
    if (st == PITH_OK) st = scan(&in);
    if (st == PITH_OK) st = pair_ends(&in);
    if (st == PITH_OK) st = emit_tokens(&in);
    pith_arena_release(a, m);
    return st;
}
