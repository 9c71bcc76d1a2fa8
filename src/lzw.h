/* lzw.h: LZW decoding as PDF's LZWDecode (ISO 32000-1 §7.4.4) and TIFF use it. */
#ifndef PITH_LZW_H
#define PITH_LZW_H

#include "decode.h"

/* Decode in[0..len) into out[0..cap): codes of 9 to 12 bits, most significant bit first,
 * 256 = clear table, 257 = end of data. early_change 1 (PDF's default) widens codes one code
 * early, as PDF and TIFF writers do; 0 widens them when the table is full to the width.
 * The input may end without an end-of-data code (many producers omit it).
 * Returns PITH_OK; PITH_E_LIMIT when out is full and the data goes on; PITH_E_FORMAT for a
 * code not yet in the table (out holds what came before). *out_len is set on every status;
 * `err` may be NULL. No allocation: the 4096-entry table (16 KiB) is on the stack. Pure. */
pith_status pith_lzw_decode(const uint8_t *in, size_t len, int early_change, uint8_t *out,
                            size_t cap, size_t *out_len, pith_decode_error *err);

#endif
