/* utf.h: UTF-8 validation, decoding and encoding, and UTF-16 to UTF-8, over bounded buffers.
 *
 * Follows Unicode 15 §3.9 (Table 3-7, well-formed UTF-8: no overlongs, no encoded surrogates,
 * nothing above U+10FFFF) and, for ill-formed input, the "maximal subpart" substitution of
 * §3.9 / WHATWG Encoding §4.3 (one U+FFFD per maximal subpart, so one bad byte never swallows
 * the valid character after it). UTF-16 follows RFC 2781; the only replacement it makes is for
 * unpaired surrogates and a dangling odd byte. Every function reads only [s, s+n) and writes only
 * [out, out+cap); nothing allocates. Used by the text, HTML, RTF, email and XML handlers.
 */
#ifndef PITH_UTF_H
#define PITH_UTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What pith_utf8_decode gives for an ill-formed sequence: above U+10FFFF, so it cannot be a
 * real code point, and pith_utf8_encode writes it as U+FFFD. */
#define PITH_UTF8_BAD ((uint32_t)0x110000)
#define PITH_UTF_REPLACEMENT ((uint32_t)0xFFFD)

/* Length of the longest prefix of s[0..n) that is well-formed UTF-8 and ends on a code point
 * boundary: n when the whole buffer is valid. A sequence cut by the end of the buffer is not
 * part of the prefix. s may be NULL when n is 0. */
size_t pith_utf8_valid_prefix(const uint8_t *s, size_t n);

/* Decode one code point from s[0..n), n >= 1. Returns how many bytes it spans:
 *   - a well-formed sequence: its length (1..4), *cp = the code point;
 *   - an ill-formed one: the length of its maximal subpart (1..3), *cp = PITH_UTF8_BAD;
 *   - 0 when s[0..n) is a proper prefix of a well-formed sequence that the end of the buffer
 *     cut (more bytes could complete it); *cp is untouched. At the real end of the input the
 *     caller treats those n bytes as one ill-formed subpart. */
size_t pith_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);

/* Write the UTF-8 encoding of cp to out (room for 4 bytes) and return its length (1..4).
 * Surrogates (U+D800..U+DFFF) and values above U+10FFFF (PITH_UTF8_BAD among them) are
 * written as U+FFFD. */
size_t pith_utf8_encode(uint32_t cp, uint8_t *out);

/* Copy UTF-8 from in[0..n) to out, replacing each ill-formed maximal subpart with U+FFFD.
 * Stops when the next code point does not fit in cap, or, when !final, at a sequence cut by the
 * end of `in` (left for the next call). With final, a cut sequence at the end becomes one
 * U+FFFD. Returns the bytes written and sets *used to the input bytes consumed.
 * cap >= 3 * n + 3 always takes the whole input (each bad byte grows to 3). */
size_t pith_utf8_repair(const uint8_t *in, size_t n, bool final, uint8_t *out, size_t cap,
                        size_t *used);

/* Decode UTF-16 (big_endian or little) from in[0..n) to UTF-8 at out (cap bytes). A surrogate
 * pair becomes its code point; an unpaired surrogate becomes U+FFFD. Stops when the next code
 * point does not fit in cap, or, when !final, before a high surrogate or an odd byte at the end
 * of `in` (left for the next call, which sees what follows). With final, a high surrogate at
 * the end and a dangling odd last byte each become U+FFFD (as the WHATWG decoder does). The BOM
 * is not looked at: the caller strips it. Returns the bytes written, *used = input consumed.
 * cap >= pith_utf16_utf8_max(n) always takes the whole input. */
size_t pith_utf16_to_utf8(const uint8_t *in, size_t n, bool big_endian, bool final, uint8_t *out,
                          size_t cap, size_t *used);

/* How many bytes of s[0..n) are not ASCII (>= 0x80). */
size_t pith_utf8_high_bytes(const uint8_t *s, size_t n);

/* The length of the ASCII prefix of s[0..n): the offset of the first byte >= 0x80, or n. */
size_t pith_utf8_ascii_prefix(const uint8_t *s, size_t n);

/* UTF-8 s[0..n) as UTF-16 code units in host order (little-endian in wasm) at out, which has
 * room for n units (a sequence never gives more units than it has bytes). Ill-formed bytes
 * become U+FFFD as pith_utf8_decode reads them. Returns the number of units. */
size_t pith_utf8_to_utf16(const uint8_t *s, size_t n, uint16_t *out);

/* Output bound of pith_utf16_to_utf8 for n input bytes: a 2-byte unit gives at most 3 bytes
 * (U+0800..U+FFFF and U+FFFD), a 4-byte pair gives 4, an odd byte gives 3. n must be small
 * enough not to overflow (any step-sized buffer is). */
static inline size_t pith_utf16_utf8_max(size_t n) { return n / 2 * 3 + 3; }

/* What a scan of not-quite-valid UTF-8 found: well-formed multibyte sequences, ill-formed ones,
 * whether the input ends inside a sequence, and where the first problem is. */
typedef struct pith_utf8_census {
    uint64_t multi, bad;
    bool cut;
    size_t first_bad; /* offset of the first ill-formed or cut sequence; len if none */
} pith_utf8_census;

/* Is d[0..len) UTF-8 with a few errors rather than legacy single-byte text? The rule every
 * text-like handler shares (its reasons are in utf.c): at least 100 well-formed multibyte
 * sequences per ill-formed one, and a sequence cut by the end of the input counts only when
 * no well-formed multibyte sequence came before it. Fills *c when c is not NULL; without c it
 * stops as soon as the answer is certainly no. */
bool pith_utf8_mostly(const uint8_t *d, size_t len, pith_utf8_census *c);

/* BOM-less UTF-16 by the zero bytes of its first PITH_UTF16_SNIFF bytes (the rule is in
 * utf.c). Detection and the text handler both ask this, so they never disagree. Returns 0
 * (not UTF-16), 1 (little-endian) or 2 (big-endian). */
#define PITH_UTF16_SNIFF ((size_t)4096)
int pith_utf16_sniff(const uint8_t *d, size_t len);

#endif
