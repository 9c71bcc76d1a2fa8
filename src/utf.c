/* utf.c: UTF-8 validation, decoding, encoding and repair; UTF-16 to UTF-8.
 *
 * Unicode 15 §3.9 Table 3-7 defines well-formed UTF-8; ill-formed input is replaced one maximal
 * subpart at a time (§3.9, "U+FFFD Substitution of Maximal Subparts", the practice WHATWG
 * Encoding §4.3 requires), so results agree with browsers and Python's 'replace' handler.
 * UTF-16 per RFC 2781. All loops consume input; nothing reads past [s, s+n).
 */
#include "utf.h"

#include <string.h>

/* One sequence at s[0..n), n >= 1. Returns its length when well-formed (and sets *cp), 0 when
 * the buffer ends inside a sequence that could still be completed, or -k for an ill-formed
 * sequence whose maximal subpart is k bytes. The second byte's range depends on the lead
 * (Table 3-7): E0 needs A0..BF (no overlongs), ED needs 80..9F (no surrogates), F0 needs 90..BF
 * (no overlongs), F4 needs 80..8F (nothing above U+10FFFF); C0, C1 and F5..FF never lead. */
static int decode_seq(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t need;
    uint8_t lo = 0x80, hi = 0xBF;
    uint32_t c;
    if (b < 0xC2) {
        return -1;  /* a continuation byte, or C0/C1 (always overlong) */
    } else if (b < 0xE0) {
        need = 2;
        c = b & 0x1Fu;
    } else if (b < 0xF0) {
        need = 3;
        c = b & 0x0Fu;
        if (b == 0xE0) lo = 0xA0;
        else if (b == 0xED) hi = 0x9F;
    } else if (b < 0xF5) {
        need = 4;
        c = b & 0x07u;
        if (b == 0xF0) lo = 0x90;
        else if (b == 0xF4) hi = 0x8F;
    } else {
        return -1;
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= n) return 0;
        uint8_t t = s[i];
        if (t < lo || t > hi) return -(int)i;
        lo = 0x80;
        hi = 0xBF;
        c = c << 6 | (t & 0x3Fu);
    }
    *cp = c;
    return (int)need;
}

/* Checked here rather than through decode_seq: no code point is built and the common lengths
 * take no call or loop (a Chinese page spent a fifth of its native time validating its input
 * through decode_seq). The byte ranges are decode_seq's (Table 3-7). */
size_t pith_utf8_valid_prefix(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* Fast path: 8 bytes at a time while they are all ASCII. Entry assumption: 8 bytes are
         * left; memcpy is the portable unaligned load (one instruction on x86 and wasm). */
        if (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080u) == 0) {
                i += 8;
                continue;
            }
        }
        uint8_t b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        if (b < 0xC2 || b > 0xF4) return i; /* a continuation byte, C0/C1 (always overlong) or
                                                F5..FF (never a lead) */
        if (b < 0xE0) {
            if (n - i < 2 || (s[i + 1] & 0xC0) != 0x80) return i;
            i += 2;
        } else if (b < 0xF0) {
            if (n - i < 3) return i;
            uint8_t t = s[i + 1];
            if (t < (b == 0xE0 ? 0xA0 : 0x80) || t > (b == 0xED ? 0x9F : 0xBF) ||
                (s[i + 2] & 0xC0) != 0x80)
                return i;
            i += 3;
        } else {
            if (n - i < 4) return i;
            uint8_t t = s[i + 1];
            if (t < (b == 0xF0 ? 0x90 : 0x80) || t > (b == 0xF4 ? 0x8F : 0xBF) ||
                (s[i + 2] & 0xC0) != 0x80 || (s[i + 3] & 0xC0) != 0x80)
                return i;
            i += 4;
        }
    }
    return n;
}

size_t pith_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    int r = decode_seq(s, n, cp);
    if (r < 0) {
        *cp = PITH_UTF8_BAD;
        return (size_t)-r;
    }
    return (size_t)r;
}

size_t pith_utf8_encode(uint32_t cp, uint8_t *out)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = PITH_UTF_REPLACEMENT;
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

size_t pith_utf8_repair(const uint8_t *in, size_t n, bool final, uint8_t *out, size_t cap,
                        size_t *used)
{
    size_t i = 0, o = 0;
    while (i < n) {
        if (in[i] < 0x80) {
            if (o == cap) break;
            out[o++] = in[i++];
            continue;
        }
        uint32_t cp;
        int r = decode_seq(in + i, n - i, &cp);
        size_t k;
        if (r > 0) {
            k = (size_t)r;
            if (k > cap - o) break;
            memcpy(out + o, in + i, k);  /* well-formed: the bytes are their own encoding */
            o += k;
            i += k;
            continue;
        }
        if (r == 0) {
            if (!final) break;  /* the next call sees the rest of the sequence */
            k = n - i;          /* cut by the real end: one maximal subpart */
        } else {
            k = (size_t)-r;
        }
        if (3 > cap - o) break;
        o += pith_utf8_encode(PITH_UTF_REPLACEMENT, out + o);
        i += k;
    }
    *used = i;
    return o;
}

size_t pith_utf16_to_utf8(const uint8_t *in, size_t n, bool big_endian, bool final, uint8_t *out,
                          size_t cap, size_t *used)
{
    /* Byte order as two shifts, so the loop has no branch on it. */
    unsigned sh0 = big_endian ? 8 : 0, sh1 = big_endian ? 0 : 8;
    size_t i = 0, o = 0;
    uint8_t tmp[4];
    while (n - i >= 2) {
        uint32_t u = (uint32_t)in[i] << sh0 | (uint32_t)in[i + 1] << sh1;
        size_t k = 2;
        uint32_t cp = u;
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (n - i >= 4) {
                uint32_t v = (uint32_t)in[i + 2] << sh0 | (uint32_t)in[i + 3] << sh1;
                if (v >= 0xDC00 && v <= 0xDFFF) {
                    cp = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                    k = 4;
                } else {
                    cp = PITH_UTF_REPLACEMENT;  /* unpaired; v is decoded on its own next */
                }
            } else if (!final) {
                break;  /* its low half may start the next buffer */
            } else {
                cp = PITH_UTF_REPLACEMENT;
            }
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            cp = PITH_UTF_REPLACEMENT;  /* a low surrogate with no high one before it */
        }
        if (cp < 0x80) {
            if (o == cap) break;
            out[o++] = (uint8_t)cp;
        } else {
            size_t len = pith_utf8_encode(cp, tmp);
            if (len > cap - o) break;
            memcpy(out + o, tmp, len);
            o += len;
        }
        i += k;
    }
    /* A dangling odd byte: half a code unit, so nothing can be made of it but U+FFFD. */
    if (final && n - i == 1 && cap - o >= 3) {
        o += pith_utf8_encode(PITH_UTF_REPLACEMENT, out + o);
        i = n;
    }
    *used = i;
    return o;
}

/* BOM-less UTF-16: in the first PITH_UTF16_SNIFF bytes, count zero bytes at even and at odd offsets.
 * UTF-16 text of any script that uses ASCII spaces, digits, punctuation or line ends (Latin,
 * Cyrillic, Greek, Arabic...) has a zero high byte in at least 1 unit in 8; the low byte of a
 * unit is zero only for U+0000 and U+xx00 characters, which are rare. So: little-endian when
 * at least 1/8 of the units have a zero odd byte and at most 1/32 a zero even byte; big-endian
 * the other way round; and at least 4 such zeros, so that a short file ending in a C string's
 * NUL is not taken for UTF-16 (short ASCII or Latin-1 UTF-16 missed this way loses nothing: as
 * UTF-8 or windows-1252 with its NULs dropped it reads the same). A file of zeros or with NUL
 * padding has zeros at both parities: not UTF-16. CJK UTF-16 without a BOM has no zero bytes
 * and is not recognised (it decodes as windows-1252 mojibake); real UTF-8 and single-byte
 * text contain no NUL bytes, so the rule does not misfire on them.
 * This test runs before the UTF-8 test on purpose: UTF-16 of ASCII or Cyrillic text is often
 * well-formed UTF-8 (its zero and 0x04 bytes are ASCII controls), and decoding it as UTF-8
 * would drop every other byte. Returns 0 (no), 1 (LE) or 2 (BE). */
int pith_utf16_sniff(const uint8_t *d, size_t len)
{
    size_t n = len < PITH_UTF16_SNIFF ? len : PITH_UTF16_SNIFF;
    /* Text without a single NUL (nearly all of it) is settled by one memchr. */
    if (n < 2 || !memchr(d, 0, n)) return 0;
    size_t units = n / 2, z_even = 0, z_odd = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        z_even += d[i] == 0;
        z_odd += d[i + 1] == 0;
    }
    if (z_odd >= 4 && z_odd * 8 >= units && z_even * 32 <= units) return 1;
    if (z_even >= 4 && z_even * 8 >= units && z_odd * 32 <= units) return 2;
    return 0;
}

/* Input that is not well-formed UTF-8 is legacy text (windows-1252 for plain text), unless it
 * is UTF-8 with a few errors. Why not "any error means legacy": a UTF-8 file with one stray
 * byte (a concatenated log, a Latin-1 name pasted in) or one cut at its end (head -c, a
 * truncated download) would turn every accented letter of it into mojibake ("Ã©"), where this
 * rule loses one character to U+FFFD. Legacy text is unharmed: in windows-1252 text a high
 * byte is almost always followed by an ASCII letter, which is ill-formed UTF-8, so it has
 * about as many errors as non-ASCII characters and well-formed multibyte sequences only by
 * accident ("café" ending the file is a cut sequence with no multibyte one before it). */
bool pith_utf8_mostly(const uint8_t *d, size_t len, pith_utf8_census *out)
{
    pith_utf8_census c = {0, 0, false, len};
    size_t i = 0;
    while (i < len) {
        if (d[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = pith_utf8_decode(d + i, len - i, &cp);
        if (k == 0) {
            c.cut = true;
            if (c.first_bad == len) c.first_bad = i;
            break;
        }
        if (cp == PITH_UTF8_BAD) {
            c.bad++;
            if (c.first_bad == len) c.first_bad = i;
            /* No census wanted: stop once the answer is no even if every byte left began a
             * two-byte sequence (legacy text: within its first few hundred high bytes). */
            if (!out && c.multi + (len - i) / 2 < c.bad * 100) return false;
        } else {
            c.multi++;
        }
        i += k;
    }
    if (out) *out = c;
    return c.multi >= c.bad * 100 && (!c.cut || c.multi > 0);
}
