/* adler32.h: Adler-32 (RFC 1950 §8.2), the check at the end of a zlib stream. */
#ifndef PITH_ADLER32_H
#define PITH_ADLER32_H

#include <stddef.h>
#include <stdint.h>

/* Adler-32 of p[0..n) continuing from `adler` (1 to start): pith_adler32_update(1,
 * "Wikipedia", 9) is 0x11E60398. p may be NULL when n is 0. Pure. */
uint32_t pith_adler32_update(uint32_t adler, const uint8_t *p, size_t n);

#endif
