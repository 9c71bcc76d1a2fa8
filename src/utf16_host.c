/* utf16_host.c: UTF-8 to UTF-16 for a host whose strings are UTF-16 (JS engines: see
 * pith_wasm_utf16 for why), and the scans of non-ASCII bytes that decide when it pays.
 *
 * Built for size in wasm like the other cold files: it runs over a chunk once, after the
 * extraction made it, and at -Oz still converts several times faster than V8 decodes UTF-8.
 */
#include "utf.h"

#include <string.h>

#include "swar.h"

size_t pith_utf8_high_bytes(const uint8_t *s, size_t n)
{
    size_t i = 0, k = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t h = (pith_load8(s + i) >> 7) & PITH_REP8(1);
        k += (size_t)((h * PITH_REP8(1)) >> 56); /* the eight 0/1 bytes summed in the top one */
    }
    for (; i < n; i++) k += s[i] >> 7;
    return k;
}

size_t pith_utf8_ascii_prefix(const uint8_t *s, size_t n)
{
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t h = pith_load8(s + i) & PITH_REP8(0x80);
        if (h) return i + pith_first_marked(h);
    }
    while (i < n && s[i] < 0x80) i++;
    return i;
}

/* Eight ASCII bytes (w, host order) as eight UTF-16 units at out. The bytes spread to every
 * other byte, zeros between: in a little-endian word the low half's four bytes are the first
 * four units. */
static void widen8(uint64_t w, uint16_t *out)
{
    uint64_t lo = w & 0xFFFFFFFFu, hi = w >> 32;
    lo = (lo | lo << 16) & UINT64_C(0x0000FFFF0000FFFF);
    lo = (lo | lo << 8) & UINT64_C(0x00FF00FF00FF00FF);
    hi = (hi | hi << 16) & UINT64_C(0x0000FFFF0000FFFF);
    hi = (hi | hi << 8) & UINT64_C(0x00FF00FF00FF00FF);
    memcpy(out, &lo, 8);
    memcpy(out + 4, &hi, 8);
}

size_t pith_utf8_to_utf16(const uint8_t *s, size_t n, uint16_t *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* ASCII eight bytes a step: most text that has some non-ASCII is mostly ASCII (an
         * English page with its dashes and no-break spaces) */
        while (n - i >= 8 && !(pith_load8(s + i) & PITH_REP8(0x80))) {
            widen8(pith_load8(s + i), out + o);
            i += 8;
            o += 8;
        }
        if (i == n) break;
#endif
        uint8_t b = s[i];
        if (b < 0x80) {
            out[o++] = b;
            i++;
            continue;
        }
        /* two- and three-byte sequences in line (the ranges of Table 3-7), the rest through
         * the decoder */
        if (b >= 0xC2 && b < 0xE0 && n - i >= 2 && (s[i + 1] & 0xC0) == 0x80) {
            out[o++] = (uint16_t)((b & 0x1F) << 6 | (s[i + 1] & 0x3F));
            i += 2;
            continue;
        }
        if (b >= 0xE0 && b < 0xF0 && n - i >= 3) {
            uint8_t t = s[i + 1];
            if (t >= (b == 0xE0 ? 0xA0 : 0x80) && t <= (b == 0xED ? 0x9F : 0xBF) &&
                (s[i + 2] & 0xC0) == 0x80) {
                out[o++] = (uint16_t)((b & 0x0F) << 12 | (t & 0x3F) << 6 | (s[i + 2] & 0x3F));
                i += 3;
                continue;
            }
        }
        uint32_t cp;
        size_t k = pith_utf8_decode(s + i, n - i, &cp);
        if (k == 0) { /* cut at the end: one replacement for the rest */
            out[o++] = 0xFFFD;
            break;
        }
        i += k;
        if (cp == PITH_UTF8_BAD) cp = 0xFFFD;
        if (cp < 0x10000) {
            out[o++] = (uint16_t)cp;
        } else { /* four bytes give two units */
            cp -= 0x10000;
            out[o++] = (uint16_t)(0xD800 | cp >> 10);
            out[o++] = (uint16_t)(0xDC00 | (cp & 0x3FF));
        }
    }
    return o;
}
