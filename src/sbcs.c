/* sbcs.c: single-byte code pages to UTF-8, WHATWG label lookup, and the run decoder.
 *
 * The tables themselves are generated (src/sbcs_tables.c, tools/gen_sbcs.py). Decoding is a
 * table lookup per byte with an ASCII run copied as is; output is bounded by cap. The run form
 * is validated by the generator (runs cover exactly 128 bytes); the expander still stops at
 * 128 entries whatever the data says.
 */
#include "sbcs.h"

#include <stdbool.h>
#include <string.h>

#include "utf.h"

static bool is_ascii_space(char c)
{
    /* WHATWG "ASCII whitespace": TAB, LF, FF, CR, SPACE */
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

const pith_sbcs *pith_sbcs_find(const char *label, size_t n)
{
    if (!label) return NULL;
    while (n > 0 && is_ascii_space(label[0])) {
        label++;
        n--;
    }
    while (n > 0 && is_ascii_space(label[n - 1])) n--;
    if (n == 0) return NULL;
    const char *l = pith_sbcs_label_names;
    for (size_t k = 0; *l; k++) {
        size_t i = 0;
        while (i < n && l[i] && ascii_lower(label[i]) == l[i]) i++;
        if (i == n && l[i] == '\0') return pith_sbcs_pages[pith_sbcs_label_pages[k]];
        while (*l) l++;
        l++;
    }
    return NULL;
}

void pith_sbcs_expand(const pith_sbcs *cs, uint16_t high[128])
{
    if (cs->high) {
        memcpy(high, cs->high, 128 * sizeof high[0]);
        return;
    }
    size_t k = 0;
    for (uint32_t r = 0; r + 3 <= cs->runs_len && k < 128; r += 3) {
        uint32_t n = (cs->runs[r] & 0x7Fu) + 1;
        uint32_t cp = cs->runs[r + 1] | (uint32_t)cs->runs[r + 2] << 8;
        bool same = cs->runs[r] & 0x80u;
        for (uint32_t i = 0; i < n && k < 128; i++) high[k++] = (uint16_t)(same ? cp : cp + i);
    }
    while (k < 128) high[k++] = 0xFFFD;
}

uint32_t pith_sbcs_decode_slow(const pith_sbcs *cs, uint8_t b)
{
    uint32_t at = b - 0x80u, k = 0;
    for (uint32_t r = 0; r + 3 <= cs->runs_len; r += 3) {
        uint32_t n = (cs->runs[r] & 0x7Fu) + 1;
        if (at < k + n) {
            uint32_t cp = cs->runs[r + 1] | (uint32_t)cs->runs[r + 2] << 8;
            return (cs->runs[r] & 0x80u) ? cp : cp + (at - k);
        }
        k += n;
    }
    return 0xFFFD;
}

size_t pith_sbcs_table_to_utf8(const uint16_t high[128], const uint8_t *in, size_t n,
                               uint8_t *out, size_t cap, size_t *used)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t b = in[i];
        if (b < 0x80) {
            if (o == cap) break;
            out[o++] = b;
            i++;
            continue;
        }
        uint32_t cp = high[b - 0x80];
        /* tables hold BMP code points >= U+0080 only (no surrogates: the generator checks) */
        if (cp < 0x800) {
            if (cap - o < 2) break;
            out[o++] = (uint8_t)(0xC0 | cp >> 6);
        } else {
            if (cap - o < 3) break;
            out[o++] = (uint8_t)(0xE0 | cp >> 12);
            out[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        }
        out[o++] = (uint8_t)(0x80 | (cp & 0x3F));
        i++;
    }
    *used = i;
    return o;
}
