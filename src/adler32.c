/* adler32.c: Adler-32 (RFC 1950 §8.2).
 *
 * s1 = 1 + sum of bytes, s2 = sum of the s1 values, both mod 65521. The modulo is taken only
 * every NMAX = 5552 bytes, the most for which s2 cannot overflow 32 bits (zlib's bound:
 * 255 n (n+1) / 2 + (n+1)(BASE-1) <= 2^32-1). Inside a block, 8 bytes per step: s2 gains
 * 8*s1 plus the bytes weighted 8..1, so the loop-carried chain is one add per 8 bytes rather
 * than one per byte.
 */
#include "adler32.h"

#define BASE 65521u
#define NMAX 5552u

uint32_t pith_adler32_update(uint32_t adler, const uint8_t *p, size_t n)
{
    uint32_t s1 = adler & 0xffffu, s2 = adler >> 16;
    while (n > 0) {
        size_t k = n < NMAX ? n : NMAX;
        n -= k;
        while (k >= 8) {
            uint32_t b0 = p[0], b1 = p[1], b2 = p[2], b3 = p[3];
            uint32_t b4 = p[4], b5 = p[5], b6 = p[6], b7 = p[7];
            s2 += 8 * s1 + 8 * b0 + 7 * b1 + 6 * b2 + 5 * b3 + 4 * b4 + 3 * b5 + 2 * b6 + b7;
            s1 += b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7;
            p += 8;
            k -= 8;
        }
        while (k > 0) {
            s1 += *p++;
            s2 += s1;
            k--;
        }
        s1 %= BASE;
        s2 %= BASE;
    }
    return s2 << 16 | s1;
}
