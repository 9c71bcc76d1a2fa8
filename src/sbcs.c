/* sbcs.c: single-byte code pages to UTF-8, and WHATWG label lookup.
 *
 * The tables themselves are generated (src/sbcs_tables.c, tools/gen_sbcs.py). Decoding is a
 * table lookup per byte with an ASCII run copied as is; output is bounded by cap.
 */
#include "sbcs.h"

#include <stdbool.h>

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
    for (const pith_sbcs_label *l = pith_sbcs_labels; l->label; l++) {
        size_t i = 0;
        while (i < n && l->label[i] && ascii_lower(label[i]) == l->label[i]) i++;
        if (i == n && l->label[i] == '\0') return l->cs;
    }
    return NULL;
}

size_t pith_sbcs_to_utf8(const pith_sbcs *cs, const uint8_t *in, size_t n, uint8_t *out,
                         size_t cap, size_t *used)
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
        uint32_t cp = cs->high[b - 0x80];
        size_t len = cp < 0x800 ? 2 : 3;  /* tables hold BMP code points >= U+0080 only */
        if (len > cap - o) break;
        o += pith_utf8_encode(cp, out + o);
        i++;
    }
    *used = i;
    return o;
}
