/* cjk.h: the East Asian multibyte encodings, decoded with a data pack.
 *
 * Shift_JIS, EUC-JP, GBK/GB18030, Big5 and EUC-KR follow the decoders of the WHATWG Encoding
 * Standard (§13-§15: lead/trail ranges, pointers, GB18030's four-byte ranges and its
 * supplementary formula, and the error rule that an ASCII byte after a bad lead is decoded
 * again as itself). Their mapping tables are not in any .wasm: they come from the data pack
 * "cjk-encodings" (dist/data/cjk-encodings.bin, written by tools/gen_cjk_pack.mjs from Node's
 * TextDecoder, format described there), which the caller owns and passes in pith_options.packs.
 * pith_cjk_pack_parse checks the pack before anything reads it: magic, version, the file
 * length, and every section's kind, bounds, alignment and exact size. ISO-2022-JP (§13.2),
 * the one stateful decoder, reads JIS X 0208 from the EUC-JP table (same rows and cells).
 */
#ifndef PITH_CJK_H
#define PITH_CJK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PITH_CJK_PACK_NAME "cjk-encodings"

typedef enum pith_cjk_enc {
    PITH_CJK_SHIFT_JIS = 0,
    PITH_CJK_EUC_JP,
    PITH_CJK_GB18030,  /* also gbk: WHATWG decodes both with the gb18030 decoder */
    PITH_CJK_BIG5,
    PITH_CJK_EUC_KR,
    PITH_CJK_COUNT
} pith_cjk_enc;

/* A checked pack: pointers into the caller's bytes (each table is little-endian u16, read a
 * byte at a time, so the bytes need no alignment). */
typedef struct pith_cjk_pack {
    const uint8_t *sjis, *eucjp, *eucjp0212, *gb, *gb_ranges, *big5, *big5_plane2, *euckr;
    uint32_t gb_range_count;
} pith_cjk_pack;

/* Check the pack's structure and fill *out. Returns NULL, or a static lowercase reason
 * ("bad magic", "section 3 out of bounds", ...) for a "pack: ..." error. data may be NULL
 * when len is 0. */
const char *pith_cjk_pack_parse(const void *data, size_t len, pith_cjk_pack *out);

/* One code point from in[0..n), n >= 1. Returns the bytes it spans (>= 1), *cp the code point
 * (U+FFFD for an error), or 0 when !final and in[0..n) is a proper prefix of a longer sequence
 * (call again with more). At the end (final), a cut sequence is one U+FFFD. */
size_t pith_cjk_next(const pith_cjk_pack *p, pith_cjk_enc e, const uint8_t *in, size_t n,
                     bool final, uint32_t *cp);

/* Decode in[0..n) to UTF-8 at out (cap bytes). Stops when the next code point does not fit
 * or, when !final, before a sequence cut by the end of `in`. Returns bytes written, *used =
 * bytes consumed. Every byte gives at most 3 bytes of output (a lone bad byte is U+FFFD, a
 * four-byte GB18030 sequence gives 4), so cap >= 3 * n + 4 always takes the whole input. */
size_t pith_cjk_to_utf8(const pith_cjk_pack *p, pith_cjk_enc e, const uint8_t *in, size_t n,
                        bool final, uint8_t *out, size_t cap, size_t *used);

/* ISO-2022-JP to UTF-8, as pith_cjk_to_utf8; *state (0 at the start of the input) carries the
 * mode and the lead byte between calls. An escape sequence cut by the end of `in` is left for
 * the next call unless final. */
size_t pith_cjk_iso2022jp_to_utf8(const pith_cjk_pack *p, uint32_t *state, const uint8_t *in,
                                  size_t n, bool final, uint8_t *out, size_t cap, size_t *used);

/* Without a pack: how well in[0..n) fits the byte structure of encoding e (lead and trail
 * ranges only). *pairs counts multibyte characters, return value the ill-formed sequences. */
uint32_t pith_cjk_structure(pith_cjk_enc e, const uint8_t *in, size_t n, uint32_t *pairs);

#endif
