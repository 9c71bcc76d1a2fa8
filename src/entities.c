/* entities.c: named and numeric character references (see entities.h for the table format and
 * the matching rules; WHATWG HTML §13.2.5.72 named, §13.2.5.73-80 numeric).
 *
 * A lookup costs a binary search over the block heads (133 of them: 8 comparisons) and a walk
 * through one block of at most 16 front-coded entries, each rebuilt into a 32-byte buffer. The
 * legacy names are at most 6 bytes, so the no-semicolon fallback tries at most 6 lookups.
 * Bounds: names longer than the longest in the table are rejected before any lookup; nothing
 * reads outside [s, s+n) or the tables.
 */
#include "entities.h"

#include <string.h>

/* Longest legacy name ("frac12", "middot", "plusmn" ...): the fallback never tries longer. */
#define LEGACY_MAX 6u
#define NAME_BUF 64u

static bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Bytewise comparison of a[0..an) and b[0..bn), shorter first on a tie. Names are at most 31
 * bytes: a plain loop beats a call to memcmp. */
static int cmp_name(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    for (size_t i = 0; i < m; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return (an > bn) - (an < bn);
}

/* The references that make up nearly all of those in real pages, tried before the table (a
 * page of prose has one every few hundred bytes; the table walk costs a dozen comparisons). */
static const struct {
    char name[7];
    uint8_t len;
    uint16_t cp;
} hot[] = {
    {"amp", 3, '&'},        {"nbsp", 4, 0xA0},      {"quot", 4, '"'},     {"lt", 2, '<'},
    {"gt", 2, '>'},         {"mdash", 5, 0x2014},   {"ndash", 5, 0x2013}, {"rsquo", 5, 0x2019},
    {"hellip", 6, 0x2026},  {"copy", 4, 0xA9},      {"ldquo", 5, 0x201C}, {"rdquo", 5, 0x201D},
    {"middot", 6, 0xB7},    {"raquo", 5, 0xBB},     {"apos", 4, '\''},    {"bull", 4, 0x2022},
};

/* One entry decoded at blob[*at]: its name rebuilt in buf (which holds the previous name),
 * its flags and where its value starts. Advances *at past the entry. */
typedef struct entry {
    size_t len;
    uint8_t header;
    size_t value;
} entry;

static void read_entry(size_t *at, uint8_t buf[NAME_BUF], entry *e)
{
    const uint8_t *b = pith_entity_blob;
    size_t p = *at;
    e->header = b[p++];
    size_t len = e->header & 0x3Fu;
    for (;;) {
        uint8_t c = b[p++];
        if (len < NAME_BUF) buf[len] = c & 0x7Fu;
        len++;
        if (c & 0x80u) break;
    }
    e->len = len < NAME_BUF ? len : NAME_BUF;
    e->value = p;
    /* skip the value: 1 or 2 code points of 1 or 2 UTF-16 units */
    unsigned cps = (e->header & 0x40u) ? 2u : 1u;
    for (unsigned k = 0; k < cps; k++) {
        unsigned hi = b[p];
        p += (hi >= 0xD8 && hi <= 0xDB) ? 4 : 2;
    }
    *at = p;
}

static uint32_t read_cp(size_t *p)
{
    const uint8_t *b = pith_entity_blob;
    uint32_t u = (uint32_t)b[*p] << 8 | b[*p + 1];
    *p += 2;
    if (u >= 0xD800 && u <= 0xDBFF) {
        uint32_t lo = (uint32_t)b[*p] << 8 | b[*p + 1];
        *p += 2;
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    }
    return u;
}

static void fill(const entry *e, pith_entity *out)
{
    size_t p = e->value;
    out->cp[0] = read_cp(&p);
    out->cp[1] = 0;
    out->count = 1;
    if (e->header & 0x40u) {
        out->cp[1] = read_cp(&p);
        out->count = 2;
    }
    out->semicolon = true;
}

/* The entry named name[0..n): true with *e filled. */
static bool find(const uint8_t *name, size_t n, entry *e)
{
    if (n == 0 || n > pith_entity_name_max) return false;
    /* Last block whose head is <= name. A head is a whole name (shared prefix 0). */
    size_t lo = 0, hi = pith_entity_block_count;
    uint8_t buf[NAME_BUF];
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        size_t at = pith_entity_blocks[mid];
        read_entry(&at, buf, e);
        if (cmp_name(buf, e->len, name, n) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    size_t at = pith_entity_blocks[lo];
    size_t end = lo + 1 < pith_entity_block_count ? pith_entity_blocks[lo + 1] : (size_t)-1;
    uint32_t left = pith_entity_count - (uint32_t)lo * pith_entity_block_size;
    uint32_t count = left < pith_entity_block_size ? left : pith_entity_block_size;
    for (uint32_t k = 0; k < count && at < end; k++) {
        read_entry(&at, buf, e);
        int c = cmp_name(buf, e->len, name, n);
        if (c == 0) return true;
        if (c > 0) return false; /* sorted: passed it */
    }
    return false;
}

bool pith_entity_lookup(const uint8_t *name, size_t n, pith_entity *out)
{
    entry e;
    if (!name || !find(name, n, &e)) return false;
    fill(&e, out);
    return true;
}

size_t pith_entity_match(const uint8_t *s, size_t n, pith_entity *out)
{
    if (!s) return 0;
    size_t run = 0;
    /* One past the longest name is enough to know the run is too long for a ';' match. */
    while (run < n && run <= pith_entity_name_max && is_alnum(s[run])) run++;
    if (run == 0) return 0;
    entry e;
    if (run < n && s[run] == ';') {
        for (size_t h = 0; h < sizeof hot / sizeof hot[0]; h++) {
            if (hot[h].len != run || hot[h].name[0] != s[0] ||
                cmp_name((const uint8_t *)hot[h].name, run, s, run) != 0)
                continue;
            out->cp[0] = hot[h].cp;
            out->cp[1] = 0;
            out->count = 1;
            out->semicolon = true;
            return run + 1;
        }
        if (find(s, run, &e)) {
            fill(&e, out);
            return run + 1;
        }
    }
    /* No "name;" match: the longest legacy name that begins the run ("&notit;" is "¬it;"). */
    size_t k = run < LEGACY_MAX ? run : LEGACY_MAX;
    for (; k >= 2; k--) {
        if (find(s, k, &e) && (e.header & 0x80u)) {
            fill(&e, out);
            out->semicolon = false;
            return k;
        }
    }
    return 0;
}

/* MARK: - Numeric references */

/* What 0x80..0x9F mean in a numeric reference: windows-1252's characters (HTML §13.2.5.80, the
 * numeric character reference end state's table); 0 where the byte is undefined there and the
 * C1 control itself is kept. */
static const uint16_t c1_1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

size_t pith_entity_numeric(const uint8_t *s, size_t n, uint32_t *cp)
{
    if (!s || n < 2 || s[0] != '#') return 0;
    size_t i = 1;
    bool hex = false;
    if (s[1] == 'x' || s[1] == 'X') {
        hex = true;
        i = 2;
    }
    size_t digits = i;
    uint32_t v = 0;
    bool big = false;
    for (; i < n; i++) {
        uint8_t c = s[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (uint32_t)(c | 0x20) - 'a' + 10;
        else
            break;
        /* Past U+10FFFF the value no longer matters: stop growing it (no overflow). */
        if (!big) {
            v = v * (hex ? 16u : 10u) + d;
            if (v > 0x10FFFF) big = true;
        }
    }
    if (i == digits) return 0; /* "&#" or "&#x" with no digit: not a reference */
    if (i < n && s[i] == ';') i++;
    if (big || v == 0 || (v >= 0xD800 && v <= 0xDFFF))
        v = 0xFFFD;
    else if (v >= 0x80 && v <= 0x9F && c1_1252[v - 0x80])
        v = c1_1252[v - 0x80];
    *cp = v;
    return i;
}
