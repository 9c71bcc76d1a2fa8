/* charset.h: character encodings by WHATWG label, decoding to UTF-8, and how a document's
 * encoding is found when it does not say.
 *
 * Labels and names follow the WHATWG Encoding Standard's table (§4.2, all 228 labels of its 40
 * encodings). Decoding covers UTF-8 (ill-formed sequences become U+FFFD), UTF-16LE/BE, every
 * single-byte encoding (src/sbcs.h), x-user-defined, "replacement" (one U+FFFD for the whole
 * input), and through the "cjk-encodings" data pack Shift_JIS, EUC-JP, GBK/GB18030, Big5 and
 * EUC-KR, and ISO-2022-JP (src/cjk.h). The decoder is a value (no allocation) and works in
 * steps: a sequence cut by the end of a step is left for the next one.
 * Sniffing (pith_charset_sniff) is the "frequency analysis" the HTML Standard allows when a
 * document declares nothing: the byte structure of the multibyte encodings, and the share of
 * each script's most frequent letters among the decoded characters. Used by the HTML handler;
 * the RTF, email and XML handlers use the labels and the decoder. Text that declares nothing
 * and is not HTML (plain text, CSV, JSON) has a simpler rule, pith_charset_guess_text.
 */
#ifndef PITH_CHARSET_H
#define PITH_CHARSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cjk.h"
#include "core.h"
#include "sbcs.h"
#include "utf.h"

typedef enum pith_enc_kind {
    PITH_ENC_UTF8 = 0,
    PITH_ENC_UTF16LE,
    PITH_ENC_UTF16BE,
    PITH_ENC_SBCS,        /* a single-byte page (sbcs) */
    PITH_ENC_CJK,         /* a pack encoding (cjk) */
    PITH_ENC_ISO2022JP,   /* stateful, JIS X 0208 from the pack */
    PITH_ENC_REPLACEMENT, /* the whole input is one U+FFFD (WHATWG: unsafe legacy encodings) */
    PITH_ENC_USER,        /* x-user-defined: 0x80..0xFF -> U+F780..U+F7FF */
} pith_enc_kind;

typedef struct pith_charset {
    pith_enc_kind kind;
    const char *name;       /* WHATWG name: "utf-8", "shift_jis", "windows-1252" ... */
    const pith_sbcs *sbcs;  /* PITH_ENC_SBCS */
    pith_cjk_enc cjk;       /* PITH_ENC_CJK */
} pith_charset;

/* The encoding a label names (ASCII case-insensitive, surrounding whitespace ignored). false
 * when no encoding has that label. */
bool pith_charset_find(const char *label, size_t n, pith_charset *out);
/* The encoding of a name known to be valid ("utf-8", "windows-1252"). */
pith_charset pith_charset_named(const char *name);

/* A byte order mark at the start of d: its length (3 or 2) and the encoding, or 0. */
size_t pith_charset_bom(const uint8_t *d, size_t n, pith_charset *out);

/* The encoding of text that declares none, as the plain-text-like handlers (text, Markdown,
 * CSV, JSON) decide it: a BOM (*bom = its length, else 0); else BOM-less UTF-16
 * (pith_utf16_sniff); else UTF-8 when d[0..n) is well-formed UTF-8 or UTF-8 with a few errors
 * (pith_utf8_mostly); else windows-1252. When c is not NULL it tells how far the UTF-8 text
 * after the BOM is from valid: for a UTF-8 answer whose text is not well-formed, the census
 * pith_utf8_mostly took of it (bad or cut is then set; offsets count from after the BOM);
 * otherwise all zero with first_bad = n - *bom. */
pith_charset pith_charset_guess_text(const uint8_t *d, size_t n, size_t *bom,
                                     pith_utf8_census *c);

/* The charset parameter of a MIME type ("text/html; charset=Shift_JIS"): true when there is one
 * that names an encoding. */
bool pith_charset_from_mime(const char *mime, size_t n, pith_charset *out);

/* WHATWG HTML "prescan a byte stream to determine its encoding" (§13.2.3.2) over the first
 * 1,024 bytes: <meta charset>, <meta http-equiv=content-type content="...charset=...">. A
 * UTF-16 answer means UTF-8 and x-user-defined means windows-1252, as the standard says. */
bool pith_charset_html_prescan(const uint8_t *d, size_t n, pith_charset *out);

/* Guess the encoding of text that declares none and is not UTF-8. `pack` is the loaded
 * cjk-encodings pack or NULL. Returns the guess; *needs_pack is set when the bytes look like a
 * multibyte East Asian encoding and no pack was given (the guess is then the likeliest of
 * them by structure alone). windows-1252 when nothing else is convincing. */
pith_charset pith_charset_sniff(const uint8_t *d, size_t n, const pith_cjk_pack *pack,
                                bool *needs_pack);

/* A decoder: an encoding with what it needs (a single-byte table, the pack). */
typedef struct pith_charset_decoder {
    pith_charset cs;
    pith_cjk_pack pack;
    uint16_t high[128];
    uint32_t iso2022jp;  /* ISO-2022-JP's mode between steps */
    bool replaced;       /* "replacement": its one U+FFFD is out */
} pith_charset_decoder;

/* Prepare a decoder for cs in the document: for a pack encoding, find the pack in the
 * document's options and check it. PITH_E_NEED_PACK ("charset: shift_jis needs data pack
 * cjk-encodings") when it is not there, PITH_E_FORMAT ("pack: ...") when it is corrupt. */
pith_status pith_charset_decoder_open(pith_doc *doc, const pith_charset *cs,
                                      pith_charset_decoder *d);

/* Decode in[0..n) to UTF-8 at out (cap bytes); see pith_utf8_repair for the contract (stops
 * when the next code point does not fit or, if !final, before a cut sequence; *used = input
 * consumed). cap >= pith_charset_decode_max(n) takes all of it. */
size_t pith_charset_decode(pith_charset_decoder *d, const uint8_t *in, size_t n, bool final,
                           uint8_t *out, size_t cap, size_t *used);
static inline size_t pith_charset_decode_max(size_t n) { return 3 * n + 4; }

/* The pack named `name` among the options' packs, or NULL. */
const pith_pack *pith_charset_pack_find(const pith_options *o, const char *name);

#endif
