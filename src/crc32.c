/* crc32.c: CRC-32 as ZIP (APPNOTE 4.4.7) and gzip (RFC 1952 §8) define it.
 *
 * Slicing-by-16: the running CRC is xored into the first four bytes of each 16-byte block and
 * the sixteen bytes are looked up in sixteen tables at once, which breaks the byte-at-a-time
 * dependency chain of the classic table method (about 6x faster than it, 1.6x faster than
 * slicing-by-8 for 8 KiB more of tables). The tail is done bytewise.
 */
#include "crc32.h"

#include <string.h>

#include "crc32_tables.h"

static inline uint32_t load_le32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

#define T(k, x) crc32_table[k][(x) & 0xffu]

uint32_t pith_crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    uint32_t c = ~crc;
    while (n >= 16) {
        uint32_t a = load_le32(p) ^ c, b = load_le32(p + 4), d = load_le32(p + 8), e = load_le32(p + 12);
        c = T(15, a) ^ T(14, a >> 8) ^ T(13, a >> 16) ^ T(12, a >> 24) ^ T(11, b) ^ T(10, b >> 8) ^
            T(9, b >> 16) ^ T(8, b >> 24) ^ T(7, d) ^ T(6, d >> 8) ^ T(5, d >> 16) ^ T(4, d >> 24) ^
            T(3, e) ^ T(2, e >> 8) ^ T(1, e >> 16) ^ T(0, e >> 24);
        p += 16;
        n -= 16;
    }
    while (n > 0) {
        c = T(0, c ^ *p++) ^ (c >> 8);
        n--;
    }
    return ~c;
}
