/* crc32.h: CRC-32 (ISO 3309, reflected 0xEDB88320), the check of ZIP entries and gzip members.
 *
 * Slice-by-16 over const tables (src/crc32_tables.h, generated): 16 table lookups per 16
 * bytes, no mutable state. Compiled only into builds that carry the decoders.
 */
#ifndef PITH_CRC32_H
#define PITH_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 of p[0..n) continuing from `crc` (0 to start): pith_crc32_update(0, "123456789", 9)
 * is 0xCBF43926. p may be NULL when n is 0. Pure. */
uint32_t pith_crc32_update(uint32_t crc, const uint8_t *p, size_t n);

#endif
