/* sbcs.c: single-byte code pages to UTF-8, WHATWG label lookup, and the run decoder.
 *
 * The tables themselves are generated (src/sbcs_tables.c, tools/gen_sbcs.py). Decoding is a
 * table lookup per byte with an ASCII run copied as is; output is bounded by cap. The run form
 * is validated by the generator (runs cover exactly 128 bytes, a page's bases form a chain of
 * at most 8); the expander still stops at 128 entries and at MAX_CHAIN bases whatever the
 * data says. Labels are front-coded: a lookup rebuilds each in a buffer (once per document).
 */
#include "sbcs.h"

#include <stdbool.h>
#include <string.h>

#include "swar.h"
#include "utf.h"

static bool is_ascii_space(char c)
{
    /* WHATWG "ASCII whitespace": TAB, LF, FF, CR, SPACE */
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* Labels are at most 18 bytes ("csisolatincyrillic"); a longer input is no label. */
#define LABEL_MAX 32u

const pith_sbcs *pith_sbcs_find(const char *label, size_t n)
{
    if (!label) return NULL;
    while (n > 0 && is_ascii_space(label[0])) {
        label++;
        n--;
    }
    while (n > 0 && is_ascii_space(label[n - 1])) n--;
    if (n == 0 || n > LABEL_MAX) return NULL;
    /* Rebuild each front-coded label in buf and compare (once per document: a plain walk). */
    char buf[LABEL_MAX];
    size_t len = 0;
    const uint8_t *l = pith_sbcs_labels;
    for (uint32_t k = 0; k < pith_sbcs_label_count; k++) {
        size_t shared = *l++;
        uint8_t page = *l++;
        len = shared < len ? shared : len;
        for (;;) {
            uint8_t c = *l++;
            if (len < LABEL_MAX) buf[len++] = (char)(c & 0x7Fu);
            if (c & 0x80u) break;
        }
        if (len != n) continue;
        size_t i = 0;
        while (i < n && ascii_lower(label[i]) == buf[i]) i++;
        if (i == n) return pith_sbcs_pages[page];
    }
    return NULL;
}

/* How deep pages stack on their bases (tools/gen_sbcs.py MAX_DEPTH is 8): a chain longer than
 * this is a damaged table, and its pages decode as U+FFFD. */
#define MAX_CHAIN 16u

enum { KIND_UP, KIND_SAME, KIND_BASE };

/* The run at cs->runs[*at] (format in tools/gen_sbcs.py): its length, kind and, unless it
 * copies the base, its first code point; *expect is the code point a run starting there would
 * continue from. False at the end of the runs or on a run cut short. */
typedef struct run {
    uint32_t n, cp, kind;
} run;

static bool next_run(const pith_sbcs *cs, uint32_t *at, uint32_t *expect, run *r)
{
    uint32_t p = *at;
    if (p >= cs->runs_len) return false;
    uint8_t h = cs->runs[p++];
    r->n = (h & 0x3Fu) + 1;
    r->kind = h >> 6;
    r->cp = 0;
    if (r->kind != KIND_BASE) {
        uint32_t z = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (p >= cs->runs_len || shift > 14) return false;
            uint8_t b = cs->runs[p++];
            z |= (uint32_t)(b & 0x7Fu) << shift;
            if (!(b & 0x80u)) break;
        }
        /* zigzag: 0, 1, 2, 3 ... are 0, -1, 1, -2 ... */
        uint32_t d = z >> 1;
        r->cp = ((z & 1u) ? *expect - d - 1 : *expect + d) & 0xFFFFu;
        *expect = (r->kind == KIND_SAME ? r->cp : r->cp + r->n - 1) + 1;
    }
    *at = p;
    return true;
}

/* Code point i of a run of kind UP or SAME. */
static uint16_t run_cp(const run *r, uint32_t i)
{
    return (uint16_t)(r->kind == KIND_SAME ? r->cp : r->cp + i);
}

void pith_sbcs_expand(const pith_sbcs *cs, uint16_t high[128])
{
    /* The chain from cs down to its root, then each page's runs laid over its base's table,
     * root first: a run of kind BASE leaves the base's code points in place. */
    const pith_sbcs *chain[MAX_CHAIN];
    uint32_t depth = 0;
    for (const pith_sbcs *p = cs; p; p = p->base) {
        if (depth == MAX_CHAIN) {
            for (uint32_t k = 0; k < 128; k++) high[k] = 0xFFFD;
            return;
        }
        chain[depth++] = p;
    }
    for (uint32_t k = 0; k < 128; k++) high[k] = 0xFFFD;
    while (depth > 0) {
        const pith_sbcs *p = chain[--depth];
        if (p->high) {
            memcpy(high, p->high, 128 * sizeof high[0]);
            continue;
        }
        uint32_t k = 0, at = 0, expect = 0x80;
        run r;
        while (k < 128 && next_run(p, &at, &expect, &r))
            for (uint32_t i = 0; i < r.n && k < 128; i++, k++)
                if (r.kind != KIND_BASE) high[k] = run_cp(&r, i);
    }
}

uint32_t pith_sbcs_decode_slow(const pith_sbcs *cs, uint8_t b)
{
    if (b < 0x80) return b;
    uint32_t want = b - 0x80u;
    for (uint32_t depth = 0; cs && depth < MAX_CHAIN; depth++) {
        if (cs->high) return cs->high[want];
        uint32_t k = 0, at = 0, expect = 0x80;
        run r;
        bool found = false;
        while (next_run(cs, &at, &expect, &r)) {
            if (want < k + r.n) {
                found = true;
                break;
            }
            k += r.n;
        }
        if (!found) return 0xFFFD;
        if (r.kind != KIND_BASE) return run_cp(&r, want - k);
        cs = cs->base; /* the base page's code point for this byte */
    }
    return 0xFFFD;
}

/* Byte b's UTF-8 for a page whose high half is high[]: its bytes in the low 24 bits, its length
 * in the top 8 (tables hold BMP code points >= U+0080 only, no surrogates: the generator checks). */
static uint32_t utf8_of(const uint16_t high[128], unsigned b)
{
    if (b < 0x80) return 1u << 24 | b;
    uint32_t cp = high[b - 0x80];
    if (cp < 0x800) return 2u << 24 | (0x80u | (cp & 0x3F)) << 8 | (0xC0u | cp >> 6);
    return 3u << 24 | (0x80u | (cp & 0x3F)) << 16 | (0x80u | ((cp >> 6) & 0x3F)) << 8 |
           (0xE0u | cp >> 12);
}

size_t pith_sbcs_table_to_utf8(const uint16_t high[128], const uint8_t *in, size_t n,
                               uint8_t *out, size_t cap, size_t *used)
{
    /* Every byte's UTF-8 from one table, with no branch on the byte: text in a non-Latin page
     * mixes high bytes (letters) and ASCII (spaces, markup) too often for a branch to be
     * predicted (a windows-1251 page: a third of its time was spent here, and half of that in
     * mispredictions). Runs of eight ASCII bytes are copied as they are. The table costs about
     * as much as decoding 300 bytes the other way: short input goes byte by byte. */
    size_t i = 0, o = 0;
    if (n >= 512) {
        uint32_t enc[256];
        for (unsigned b = 0; b < 256; b++) enc[b] = utf8_of(high, b);
        while (i < n && cap - o >= 4) {
            while (n - i >= 8 && cap - o >= 8 && !(pith_load8(in + i) & PITH_REP8(0x80))) {
                memcpy(out + o, in + i, 8);
                i += 8;
                o += 8;
            }
            /* at most 8 bytes, each written as 3 (the room checked) and counted as its length */
            for (size_t end = n - i < 8 ? n : i + 8; i < end && cap - o >= 4; i++) {
                uint32_t e = enc[in[i]];
                out[o] = (uint8_t)e;
                out[o + 1] = (uint8_t)(e >> 8);
                out[o + 2] = (uint8_t)(e >> 16);
                o += e >> 24;
            }
        }
    }
    /* short input, and the last bytes of room: each character only if it fits whole */
    while (i < n) {
        uint32_t e = utf8_of(high, in[i]), k = e >> 24;
        if (cap - o < k) break;
        for (uint32_t j = 0; j < k; j++) out[o + j] = (uint8_t)(e >> (8 * j));
        o += k;
        i++;
    }
    *used = i;
    return o;
}
