/* entities.c: named and numeric character references (see entities.h for the matching rules,
 * tools/gen_entities.py for the table format; WHATWG HTML §13.2.5.72 named, §13.2.5.73-80
 * numeric).
 *
 * A lookup costs a binary search over the block heads its first letter can be in (133 blocks,
 * 1 to 4 for a letter: 1 or 2 comparisons, each decoding a head only up to its first byte that
 * differs from the name) and a walk through one block of at most 16 entries, each rebuilt into
 * a 64-byte buffer from its Huffman-coded suffix (whose symbols are bytes or tokens standing
 * for several), its value skipped unless it is the one. The legacy names are at most 6 bytes,
 * so the no-semicolon fallback tries at most 6 lookups. The references most pages use are
 * matched first from a small list, without the table.
 * Bounds: names longer than the longest in the table are rejected before any lookup; the bit
 * reader stops at the end of the names (a damaged table fails to match, it is never read
 * past), a rebuilt name never passes the buffer, a token expands with a bounded stack (so even
 * a token naming itself ends), and nothing reads outside [s, s+n). A block, page or second
 * code point index comes from the table itself, which the generator checked.
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

/* The index of a first letter in the table's order (A-Z 0-25, a-z 26-51), 52 for others. */
static unsigned letter_of(unsigned c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= 'A' && c <= 'Z' ? c - 'A' : 52;
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

/* A reader of the names bit stream (most significant bit first): acc holds the next n bits at
 * its top, refilled a byte at a time. Reading past the end sets bad (and reads zeros). */
typedef struct bits {
    const uint8_t *p, *end;
    uint32_t acc;
    unsigned n;
    bool bad;
} bits;

static bits bits_at_block(size_t block)
{
    bits r = {pith_entity_names + pith_entity_blocks[block],
              pith_entity_names + pith_entity_names_len, 0, 0, false};
    return r;
}

/* At least 25 bits in acc, unless the stream ends first. */
static void refill(bits *r)
{
    while (r->n <= 24 && r->p < r->end) {
        r->acc |= (uint32_t)*r->p++ << (24 - r->n);
        r->n += 8;
    }
}

static void consume(bits *r, unsigned len)
{
    if (len > r->n) r->bad = true;
    r->acc <<= len;
    r->n = len > r->n ? 0 : r->n - len;
}

/* One symbol of a canonical Huffman code: code[0] the longest length L (at most 15), code[1..L]
 * the count of codes of each length, then the symbols in code order. The canonical decode of
 * zlib's puff.c, on the next L bits peeked at once. On a code the table does not have it sets
 * bad and returns 0. */
static unsigned read_sym(bits *r, const uint8_t *code)
{
    unsigned maxlen = code[0];
    const uint8_t *count = code + 1;
    unsigned first = 0, index = 0;
    refill(r);
    for (unsigned len = 1; len <= maxlen; len++) {
        uint32_t c = r->acc >> (32 - len);
        if (c < first + count[len - 1]) {
            consume(r, len);
            return count[maxlen + index + c - first];
        }
        index += count[len - 1];
        first = (first + count[len - 1]) << 1;
    }
    r->bad = true;
    return 0;
}

/* The next 8 bits as a number. */
static unsigned read_byte(bits *r)
{
    refill(r);
    unsigned v = r->acc >> 24;
    consume(r, 8);
    return v;
}

/* The bytes of name symbol sym into out[0..room): a symbol below 0x80 is a byte, 0x80 + i is
 * token i, a pair of symbols (byte-pair coding, tools/gen_entities.py). Returns how many bytes,
 * or room + 1 when they do not fit (or the token is damaged). */
static size_t expand(unsigned sym, uint8_t *out, size_t room)
{
    uint8_t stack[NAME_BUF];
    size_t top = 0, n = 0;
    stack[top++] = (uint8_t)sym;
    while (top > 0) {
        unsigned s = stack[--top];
        if (s < 0x80) {
            if (n == room) return room + 1;
            out[n++] = (uint8_t)s;
            continue;
        }
        s -= 0x80;
        if (s >= pith_entity_token_count || top + 2 > NAME_BUF) return room + 1;
        stack[top++] = pith_entity_tokens[2 * s + 1];
        stack[top++] = pith_entity_tokens[2 * s];
    }
    return n;
}

/* Block `block`'s head (a whole name) against name[0..n), as cmp_name: decoded only up to the
 * first symbol that differs. */
static int cmp_head(size_t block, const uint8_t *name, size_t n)
{
    bits r = bits_at_block(block);
    unsigned syms = read_sym(&r, pith_entity_code_length);
    size_t at = 0;
    for (unsigned i = 0; i < syms; i++) {
        uint8_t piece[NAME_BUF];
        size_t k = expand(read_sym(&r, pith_entity_code_char), piece, NAME_BUF);
        if (k > NAME_BUF) return 1; /* damaged: no match there */
        for (size_t j = 0; j < k; j++, at++) {
            if (at == n) return 1; /* name is a proper prefix of the head */
            if (piece[j] != name[at]) return piece[j] < name[at] ? -1 : 1;
        }
    }
    return at < n ? -1 : 0;
}

/* The entry named name[0..n): true with *out filled (semicolon set), *legacy whether the
 * name is also a reference without its semicolon. */
static bool find(const uint8_t *name, size_t n, pith_entity *out, bool *legacy)
{
    if (n == 0 || n > pith_entity_name_max) return false;
    /* Last block whose head is <= name: after the last block whose head starts with an earlier
     * letter, before the first whose head starts with a later one. Every name starts with a
     * letter. */
    unsigned letter = letter_of(name[0]);
    if (letter == 52) return false;
    size_t lo = pith_entity_first[letter], hi = pith_entity_first[letter + 1];
    if (lo > 0) lo--;
    if (hi > pith_entity_block_count || lo >= hi) return false;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_head(mid, name, n) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    bits r = bits_at_block(lo);
    uint8_t buf[NAME_BUF];
    size_t len = 0;
    uint32_t first = (uint32_t)lo * pith_entity_block_size;
    for (uint32_t k = 0; k < pith_entity_block_size && first + k < pith_entity_count; k++) {
        /* front coding: keep `shared` bytes of the previous name, then the suffix's symbols */
        size_t shared = k ? read_sym(&r, pith_entity_code_shared) : 0;
        size_t syms = read_sym(&r, pith_entity_code_length);
        if (shared > len) return false;
        len = shared;
        for (size_t i = 0; i < syms; i++) {
            size_t got = expand(read_sym(&r, pith_entity_code_char), buf + len, NAME_BUF - len);
            if (got > NAME_BUF - len) return false;
            len += got;
        }
        int c = cmp_name(buf, len, name, n);
        if (c > 0) return false; /* sorted: passed it */
        /* the value: page, low byte, kind (read to skip it when this is not the name) */
        unsigned page = read_sym(&r, pith_entity_code_page);
        unsigned low = read_byte(&r);
        unsigned kind = read_sym(&r, pith_entity_code_kind);
        if (r.bad) return false;
        if (c == 0) {
            out->cp[0] = (uint32_t)pith_entity_pages[page] << 8 | low;
            out->cp[1] = kind >= 2 ? pith_entity_second[kind - 2] : 0;
            out->count = kind >= 2 ? 2 : 1;
            out->semicolon = true;
            *legacy = kind == 1;
            return true;
        }
    }
    return false;
}

/* Can a legacy name begin with s[0], s[1] (alphanumerics)? */
static bool legacy_may_begin(const uint8_t *s)
{
    unsigned letter = letter_of(s[0]), b = s[1] | 0x20u;
    if (letter == 52 || b < 'a' || b > 'z') return false;
    return (pith_entity_legacy_second[letter] >> (b - 'a')) & 1u;
}

bool pith_entity_lookup(const uint8_t *name, size_t n, pith_entity *out)
{
    bool legacy;
    return name && find(name, n, out, &legacy);
}

size_t pith_entity_match(const uint8_t *s, size_t n, pith_entity *out)
{
    if (!s) return 0;
    size_t run = 0;
    /* One past the longest name is enough to know the run is too long for a ';' match. */
    while (run < n && run <= pith_entity_name_max && is_alnum(s[run])) run++;
    if (run == 0) return 0;
    bool legacy;
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
        if (find(s, run, out, &legacy)) return run + 1;
    }
    /* No "name;" match: the longest legacy name that begins the run ("&notit;" is "¬it;").
     * Most such runs are a URL's query parameters ("&page=2"), which no legacy name begins:
     * their first two letters say so without walking the table five times. */
    if (run < 2 || !legacy_may_begin(s)) return 0;
    size_t k = run < LEGACY_MAX ? run : LEGACY_MAX;
    for (; k >= 2; k--) {
        if (find(s, k, out, &legacy) && legacy) {
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
