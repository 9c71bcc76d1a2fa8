/* cjk.c: the data pack's parser and the Shift_JIS, EUC-JP, GB18030, Big5 and EUC-KR decoders
 * (WHATWG Encoding Standard §13.1 euc-jp, §13.3 shift_jis, §14.1 euc-kr, §12.2 gb18030, §11.1
 * big5; mappings from the pack, see cjk.h and tools/gen_cjk_pack.mjs).
 *
 * Each decoder is one step function: at most 4 bytes are looked at per code point, every step
 * consumes at least one byte (or asks for more input when !final), so decoding is linear and
 * cannot loop. With no pack (p == NULL) the same steps only check the structure: a sequence
 * whose bytes are in range counts as a character, which is what detection needs before the pack
 * is loaded. The pack's tables are read a byte at a time at offsets checked by the parser.
 */
#include "cjk.h"

#include <string.h>

#include "utf.h"

/* Section kinds and exact sizes (tools/gen_cjk_pack.mjs). */
enum {
    SEC_SJIS = 1, SEC_EUCJP, SEC_EUCJP0212, SEC_GB, SEC_GB_RANGES, SEC_BIG5, SEC_BIG5_PLANE2,
    SEC_EUCKR, SEC_COUNT
};
#define SJIS_CELLS (60u * 188u)
#define EUC_CELLS (94u * 94u)
#define GB_CELLS (126u * 190u)
#define BIG5_CELLS (126u * 157u)
#define KR_CELLS (126u * 190u)
#define HEADER 16u
#define GB_RANGES_MAX 1024u

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* MARK: - Pack */

const char *pith_cjk_pack_parse(const void *data, size_t len, pith_cjk_pack *out)
{
    const uint8_t *d = data;
    memset(out, 0, sizeof *out);
    if (!d || len < HEADER) return "too short for a header";
    if (memcmp(d, "PITHPACK", 8) != 0) return "bad magic (not a pith data pack)";
    if (le16(d + 8) != 1) return "unsupported version (this build reads version 1)";
    uint32_t count = le16(d + 10);
    if (le32(d + 12) != len) return "length in the header differs from the data's";
    if (count == 0 || count > 64) return "bad section count";
    if ((size_t)count * 16 > len - HEADER) return "section table out of bounds";
    const uint8_t **slot[SEC_COUNT] = {
        NULL, &out->sjis, &out->eucjp, &out->eucjp0212, &out->gb, &out->gb_ranges, &out->big5,
        &out->big5_plane2, &out->euckr,
    };
    static const uint32_t want[SEC_COUNT] = {
        0, SJIS_CELLS * 2, EUC_CELLS * 2, EUC_CELLS * 2, GB_CELLS * 2, 0, BIG5_CELLS * 2,
        (BIG5_CELLS + 7) / 8, KR_CELLS * 2,
    };
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = d + HEADER + (size_t)i * 16;
        uint32_t kind = le32(e), off = le32(e + 4), n = le32(e + 8);
        if (off > len || n > len - off) return "section out of bounds";
        if (off < HEADER + count * 16u || off % 4 != 0) return "section overlaps the header";
        if (kind == 0 || kind >= SEC_COUNT) continue; /* a later version's section: ignored */
        if (*slot[kind]) return "section repeated";
        if (kind == SEC_GB_RANGES) {
            if (n == 0 || n % 8 != 0 || n / 8 > GB_RANGES_MAX) return "bad gb18030 range table";
            out->gb_range_count = n / 8;
        } else if (n != want[kind]) {
            return "section of the wrong size";
        }
        *slot[kind] = d + off;
    }
    for (uint32_t k = 1; k < SEC_COUNT; k++)
        if (!*slot[k]) return "a section is missing";
    /* The range table must be sorted with pointers below 39420 and start at pointer 0, so a
     * lookup never runs off its ends. */
    uint32_t prev = 0;
    for (uint32_t i = 0; i < out->gb_range_count; i++) {
        uint32_t ptr = le32(out->gb_ranges + i * 8), cp = le32(out->gb_ranges + i * 8 + 4);
        if ((i == 0 && ptr != 0) || (i > 0 && ptr <= prev) || ptr >= 39420 || cp > 0xFFFF)
            return "bad gb18030 range table";
        prev = ptr;
    }
    return NULL;
}

/* A u16 table cell, or (no pack) a stand-in for "some character". */
static uint32_t cell(const uint8_t *table, uint32_t i)
{
    return table ? le16(table + 2 * (size_t)i) : 0x3000;
}

/* MARK: - Decoders */

#define ASCII(b) ((b) < 0x80)

/* The error step shared by the double-byte decoders: the lead is consumed; the trail too unless
 * it is ASCII, which is decoded again (WHATWG: "restore byte to ioQueue"). */
static size_t bad_pair(uint8_t trail, uint32_t *cp)
{
    *cp = PITH_UTF_REPLACEMENT;
    return ASCII(trail) ? 1 : 2;
}

static size_t step_sjis(const pith_cjk_pack *p, const uint8_t *in, size_t n, bool final,
                        uint32_t *cp)
{
    uint8_t b = in[0];
    if (b <= 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xA1 && b <= 0xDF) {
        *cp = 0xFF61 + (b - 0xA1u);
        return 1;
    }
    if (!((b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC))) {
        *cp = PITH_UTF_REPLACEMENT;
        return 1;
    }
    if (n < 2) {
        if (!final) return 0;
        *cp = PITH_UTF_REPLACEMENT;
        return 1;
    }
    uint8_t t = in[1];
    uint32_t c = 0;
    if ((t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFC)) {
        uint32_t ptr = (b - (b < 0xA0 ? 0x81u : 0xC1u)) * 188u + (t - (t < 0x7F ? 0x40u : 0x41u));
        c = cell(p ? p->sjis : NULL, ptr);
    }
    if (!c) return bad_pair(t, cp);
    *cp = c;
    return 2;
}

static size_t step_eucjp(const pith_cjk_pack *p, const uint8_t *in, size_t n, bool final,
                         uint32_t *cp)
{
    uint8_t b = in[0];
    if (ASCII(b)) {
        *cp = b;
        return 1;
    }
    if (!(b == 0x8E || b == 0x8F || (b >= 0xA1 && b <= 0xFE))) {
        *cp = PITH_UTF_REPLACEMENT;
        return 1;
    }
    size_t need = b == 0x8F ? 3 : 2;
    if (n < need) {
        /* Ask for more only while what is there could still be a sequence. */
        bool could = n < 2 || (in[1] >= 0xA1 && in[1] <= 0xFE);
        if (!final && could) return 0;
        if (n < 2) {
            *cp = PITH_UTF_REPLACEMENT;
            return 1;
        }
    }
    uint8_t t = in[1];
    if (b == 0x8E) {
        if (t >= 0xA1 && t <= 0xDF) {
            *cp = 0xFF61 + (t - 0xA1u);
            return 2;
        }
        return bad_pair(t, cp);
    }
    if (b == 0x8F) {
        /* 0x8F, lead, trail: JIS X 0212. A bad second byte is handled like a bad trail. */
        if (!(t >= 0xA1 && t <= 0xFE)) return bad_pair(t, cp);
        if (n < 3) {
            *cp = PITH_UTF_REPLACEMENT;
            return 2;
        }
        uint8_t u = in[2];
        uint32_t c = 0;
        if (u >= 0xA1 && u <= 0xFE)
            c = cell(p ? p->eucjp0212 : NULL, (t - 0xA1u) * 94u + (u - 0xA1u));
        if (!c) {
            *cp = PITH_UTF_REPLACEMENT;
            return ASCII(u) ? 2 : 3;
        }
        *cp = c;
        return 3;
    }
    uint32_t c = 0;
    if (t >= 0xA1 && t <= 0xFE) c = cell(p ? p->eucjp : NULL, (b - 0xA1u) * 94u + (t - 0xA1u));
    if (!c) return bad_pair(t, cp);
    *cp = c;
    return 2;
}

/* WHATWG "index gb18030 ranges code point". */
static uint32_t gb_ranges(const pith_cjk_pack *p, uint32_t ptr)
{
    if (ptr >= 189000 && ptr <= 1237575) return 0x10000 + ptr - 189000;
    if (ptr >= 39420) return 0;
    if (!p) return 0x3000;
    if (ptr == 7457) return 0xE7C7;
    /* last range whose pointer is <= ptr (the first range starts at 0: checked on load) */
    uint32_t lo = 0, hi = p->gb_range_count;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (le32(p->gb_ranges + (size_t)mid * 8) <= ptr)
            lo = mid;
        else
            hi = mid;
    }
    const uint8_t *r = p->gb_ranges + (size_t)lo * 8;
    return le32(r + 4) + (ptr - le32(r));
}

static size_t step_gb(const pith_cjk_pack *p, const uint8_t *in, size_t n, bool final,
                      uint32_t *cp)
{
    uint8_t b = in[0];
    if (ASCII(b)) {
        *cp = b;
        return 1;
    }
    if (b == 0x80) {
        *cp = 0x20AC;
        return 1;
    }
    if (b == 0xFF) {
        *cp = PITH_UTF_REPLACEMENT;
        return 1;
    }
    if (n < 2) {
        if (!final) return 0;
        *cp = PITH_UTF_REPLACEMENT;
        return 1;
    }
    uint8_t t = in[1];
    if (t >= 0x30 && t <= 0x39) {
        /* four bytes: lead, 0x30-0x39, 0x81-0xFE, 0x30-0x39 */
        if (n < 4 && !final && (n < 3 || (in[2] >= 0x81 && in[2] <= 0xFE))) return 0;
        if (n < 3 || !(in[2] >= 0x81 && in[2] <= 0xFE)) {
            /* WHATWG restores the second and third bytes: only the lead is consumed */
            *cp = PITH_UTF_REPLACEMENT;
            return 1;
        }
        if (n < 4 || !(in[3] >= 0x30 && in[3] <= 0x39)) {
            *cp = PITH_UTF_REPLACEMENT;
            return 1;
        }
        uint32_t ptr = (b - 0x81u) * 12600u + (t - 0x30u) * 1260u + (in[2] - 0x81u) * 10u +
                       (in[3] - 0x30u);
        uint32_t c = gb_ranges(p, ptr);
        *cp = c ? c : PITH_UTF_REPLACEMENT;
        return 4;
    }
    uint32_t c = 0;
    if ((t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFE))
        c = cell(p ? p->gb : NULL, (b - 0x81u) * 190u + (t - (t < 0x7F ? 0x40u : 0x41u)));
    if (!c) return bad_pair(t, cp);
    *cp = c;
    return 2;
}

static size_t step_big5(const pith_cjk_pack *p, const uint8_t *in, size_t n, bool final,
                        uint32_t *cp)
{
    uint8_t b = in[0];
    if (ASCII(b)) {
        *cp = b;
        return 1;
    }
    if (b == 0x80 || b == 0xFF) {
        *cp = PITH_UTF_REPLACEMENT;
        return 1;
    }
    if (n < 2) {
        if (!final) return 0;
        *cp = PITH_UTF_REPLACEMENT;
        return 1;
    }
    uint8_t t = in[1];
    uint32_t c = 0;
    if ((t >= 0x40 && t <= 0x7E) || (t >= 0xA1 && t <= 0xFE)) {
        uint32_t ptr = (b - 0x81u) * 157u + (t - (t < 0x7F ? 0x40u : 0x62u));
        c = cell(p ? p->big5 : NULL, ptr);
        if (c && p && (p->big5_plane2[ptr >> 3] >> (ptr & 7)) & 1u) c += 0x20000;
    }
    if (!c) return bad_pair(t, cp);
    *cp = c;
    return 2;
}

static size_t step_euckr(const pith_cjk_pack *p, const uint8_t *in, size_t n, bool final,
                         uint32_t *cp)
{
    uint8_t b = in[0];
    if (ASCII(b)) {
        *cp = b;
        return 1;
    }
    if (b == 0x80 || b == 0xFF) {
        *cp = PITH_UTF_REPLACEMENT;
        return 1;
    }
    if (n < 2) {
        if (!final) return 0;
        *cp = PITH_UTF_REPLACEMENT;
        return 1;
    }
    uint8_t t = in[1];
    uint32_t c = 0;
    if (t >= 0x41 && t <= 0xFE) c = cell(p ? p->euckr : NULL, (b - 0x81u) * 190u + (t - 0x41u));
    if (!c) return bad_pair(t, cp);
    *cp = c;
    return 2;
}

size_t pith_cjk_next(const pith_cjk_pack *p, pith_cjk_enc e, const uint8_t *in, size_t n,
                     bool final, uint32_t *cp)
{
    switch (e) {
    case PITH_CJK_SHIFT_JIS: return step_sjis(p, in, n, final, cp);
    case PITH_CJK_EUC_JP: return step_eucjp(p, in, n, final, cp);
    case PITH_CJK_GB18030: return step_gb(p, in, n, final, cp);
    case PITH_CJK_BIG5: return step_big5(p, in, n, final, cp);
    default: return step_euckr(p, in, n, final, cp);
    }
}

size_t pith_cjk_to_utf8(const pith_cjk_pack *p, pith_cjk_enc e, const uint8_t *in, size_t n,
                        bool final, uint8_t *out, size_t cap, size_t *used)
{
    size_t i = 0, o = 0;
    while (i < n) {
        /* ASCII runs: the common case in markup-heavy pages. */
        if (in[i] < 0x80) {
            if (o == cap) break;
            out[o++] = in[i++];
            continue;
        }
        uint32_t cp;
        size_t k = pith_cjk_next(p, e, in + i, n - i, final, &cp);
        if (k == 0) break;
        size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (len > cap - o) break;
        o += pith_utf8_encode(cp, out + o);
        i += k;
    }
    *used = i;
    return o;
}

/* MARK: - ISO-2022-JP (§13.2) */

/* *state: bits 0-1 the mode (ASCII, Roman, katakana, JIS X 0208), bit 2 "the last thing was
 * an escape sequence" (the standard's output flag: two in a row are an error). */
enum { J_ASCII = 0, J_ROMAN, J_KANA, J_0208 };
#define J_ESCAPED 4u

size_t pith_cjk_iso2022jp_to_utf8(const pith_cjk_pack *p, uint32_t *state, const uint8_t *in,
                                  size_t n, bool final, uint8_t *out, size_t cap, size_t *used)
{
    size_t i = 0, o = 0;
    uint32_t st = *state;
    while (i < n) {
        uint8_t b = in[i];
        uint32_t cp = PITH_UTF_REPLACEMENT;
        size_t k = 1;
        if (b == 0x1B) {
            if (n - i < 3 && !final) break;
            uint8_t b1 = n - i > 1 ? in[i + 1] : 0, b2 = n - i > 2 ? in[i + 2] : 0;
            int mode = -1;
            if (b1 == '(')
                mode = b2 == 'B' ? J_ASCII : b2 == 'J' ? J_ROMAN : b2 == 'I' ? J_KANA : -1;
            if (b1 == '$' && (b2 == '@' || b2 == 'B')) mode = J_0208;
            if (mode >= 0) {
                bool twice = st & J_ESCAPED;
                st = (uint32_t)mode | J_ESCAPED;
                i += 3;
                if (!twice) continue;
                k = 0; /* the sequence is consumed; the error is all that comes out */
            }
            /* an unknown sequence: U+FFFD, and its bytes are read again in the current mode */
        } else if ((st & 3u) == J_KANA) {
            if (b >= 0x21 && b <= 0x5F) cp = 0xFF61 + (b - 0x21u);
        } else if ((st & 3u) == J_0208) {
            if (b >= 0x21 && b <= 0x7E) {
                if (n - i < 2 && !final) break;
                uint8_t t = n - i > 1 ? in[i + 1] : 0;
                if (t >= 0x21 && t <= 0x7E) {
                    uint32_t c = cell(p ? p->eucjp : NULL, (b - 0x21u) * 94u + (t - 0x21u));
                    if (c) cp = c;
                    k = 2;
                } else if (t != 0x1B && n - i > 1) {
                    k = 2; /* a bad trail is consumed with its lead */
                }
            }
        } else if (b < 0x80 && b != 0x0E && b != 0x0F) {
            cp = b;
            if ((st & 3u) == J_ROMAN && b == 0x5C) cp = 0xA5;
            if ((st & 3u) == J_ROMAN && b == 0x7E) cp = 0x203E;
        }
        size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
        if (len > cap - o) break;
        o += pith_utf8_encode(cp, out + o);
        if (k) st &= ~J_ESCAPED;
        i += k;
    }
    *state = st;
    *used = i;
    return o;
}

uint32_t pith_cjk_structure(pith_cjk_enc e, const uint8_t *in, size_t n, uint32_t *pairs)
{
    uint32_t bad = 0, multi = 0;
    size_t i = 0;
    while (i < n) {
        if (in[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = pith_cjk_next(NULL, e, in + i, n - i, true, &cp);
        if (cp == PITH_UTF_REPLACEMENT)
            bad++;
        else if (k > 1)
            multi++;
        i += k;
    }
    *pairs = multi;
    return bad;
}
