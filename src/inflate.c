/* inflate.c: DEFLATE (RFC 1951) decoding with zlib (RFC 1950) and gzip (RFC 1952) wrappers.
 *
 * Whole buffer in, bounded buffer out (the libdeflate model), so the decoder never pauses and
 * resumes, and most of it runs in a fast loop that checks no bounds. What makes it fast:
 *   - a 64-bit bit buffer refilled with one unaligned 8-byte load (at least 56 valid bits after
 *     each refill: one refill covers a whole length/distance pair, or three literals);
 *   - table-driven Huffman decoding: a main table of up to 11 bits for literal/lengths and up
 *     to 8 for distances (as many as the longest code needs), with subtables for longer codes;
 *     an entry holds the decoded value, the bits to consume (code + extra bits) and flags, so
 *     a symbol is one lookup and a shift;
 *   - matches copied 8 bytes at a time, overrunning into a slack the loop condition reserves.
 * Leaves out: zlib preset dictionaries (PITH_E_UNSUPPORTED), gzip members after the first.
 * Limits: output never passes the caller's `cap`; each loop consumes input or output or is
 * bounded by a table size; no recursion. The stack holds ~12 KiB of tables per call.
 */
#include "inflate.h"

#include <string.h>

#include "adler32.h"
#include "crc32.h"
#include "rd.h"

/* MARK: - Tables */

/* Most index bits of a main table; longer codes go to subtables. A code whose longest length
 * is shorter gets a main table of 2^(that length) entries instead (zlib's `root` rule): a small
 * part's block often has no code over 9 or 10 bits, and filling 2048 entries per dynamic block
 * was 13% of a 30-slide PPTX. */
#define LITLEN_BITS 11u
#define DIST_BITS 8u
#define PRE_BITS 7u     /* code length codes are at most 7 bits: no subtables */
/* Most entries a main table plus its subtables can need, from zlib's `enough` utility for
 * our table bits (enough 288 11 15, enough 32 8 15, enough 19 7 7). The builder still checks
 * that it stays inside them. */
#define LITLEN_ENOUGH 2342u
#define DIST_ENOUGH 402u
#define PRE_ENOUGH 128u
#define MAX_CODE_LEN 15u

/* A decode table entry (uint32_t):
 *   bits 0-7    bits to consume: code length + extra bits (for a subtable pointer: the main
 *               table bits)
 *   bits 8-11   code length alone, so the extra bits are (bitbuf & mask(0-7)) >> (8-11); for a
 *               subtable pointer, its index bits
 *   bits 16-30  literal byte, length or distance base, or subtable start
 *   flags       E_LIT (bit 31: a literal, tested as a sign), E_EXC (anything but a literal or a
 *               plain length/distance: subtable pointer, end of block, invalid code),
 *               E_SUB, E_EOB. An E_EXC entry with neither E_SUB nor E_EOB is an invalid code
 *               (litlen 286-287, distance 30-31, or the unused half of an incomplete code). */
#define E_LIT 0x80000000u
#define E_EXC 0x00008000u
#define E_SUB 0x00004000u
#define E_EOB 0x00002000u

/* What a symbol decodes to, before the code length is added: value << 16 | flags | extra. */
static const uint32_t litlen_results[288] = {
#define L(v) (E_LIT | (uint32_t)(v) << 16)
#define L8(v) L(v), L(v + 1), L(v + 2), L(v + 3), L(v + 4), L(v + 5), L(v + 6), L(v + 7)
#define L64(v) L8(v), L8(v + 8), L8(v + 16), L8(v + 24), L8(v + 32), L8(v + 40), L8(v + 48), L8(v + 56)
    L64(0), L64(64), L64(128), L64(192),
#undef L64
#undef L8
#undef L
    E_EXC | E_EOB,
#define N(base, extra) ((uint32_t)(base) << 16 | (extra))
    N(3, 0),   N(4, 0),   N(5, 0),   N(6, 0),   N(7, 0),   N(8, 0),   N(9, 0),   N(10, 0),
    N(11, 1),  N(13, 1),  N(15, 1),  N(17, 1),  N(19, 2),  N(23, 2),  N(27, 2),  N(31, 2),
    N(35, 3),  N(43, 3),  N(51, 3),  N(59, 3),  N(67, 4),  N(83, 4),  N(99, 4),  N(115, 4),
    N(131, 5), N(163, 5), N(195, 5), N(227, 5), N(258, 0),
    E_EXC, E_EXC, /* 286, 287: part of the fixed code, never valid */
};

static const uint32_t dist_results[32] = {
    N(1, 0),     N(2, 0),     N(3, 0),     N(4, 0),     N(5, 1),     N(7, 1),
    N(9, 2),     N(13, 2),    N(17, 3),    N(25, 3),    N(33, 4),    N(49, 4),
    N(65, 5),    N(97, 5),    N(129, 6),   N(193, 6),   N(257, 7),   N(385, 7),
    N(513, 8),   N(769, 8),   N(1025, 9),  N(1537, 9),  N(2049, 10), N(3073, 10),
    N(4097, 11), N(6145, 11), N(8193, 12), N(12289, 12), N(16385, 13), N(24577, 13),
    E_EXC, E_EXC, /* 30, 31: part of the fixed code, never valid */
};

static const uint32_t pre_results[19] = {
    N(0, 0),  N(1, 0),  N(2, 0),  N(3, 0),  N(4, 0),  N(5, 0),  N(6, 0),
    N(7, 0),  N(8, 0),  N(9, 0),  N(10, 0), N(11, 0), N(12, 0), N(13, 0),
    N(14, 0), N(15, 0), N(16, 0), N(17, 0), N(18, 0),
#undef N
};

/* The order code length code lengths are sent in (RFC 1951 §3.2.7). */
static const uint8_t pre_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

typedef enum code_kind { CODE_PRE, CODE_LITLEN, CODE_DIST } code_kind;

/* Build the decode table of a canonical Huffman code from its code lengths (0 = unused).
 *
 * Symbols are sorted by (length, symbol), the canonical order, and codes are walked in that
 * order as bit-reversed integers (DEFLATE sends codes most significant bit first into an LSB-first
 * stream). The main table is built up by doubling (libdeflate's way): while codes of length L
 * are placed, the table is 2^L entries long; going to L+1 copies it onto its upper half, which
 * repeats every shorter code at all its indices. Memory copies make a table of 2048 entries cheap
 * to build, which matters: a hostile stream can send a new dynamic block every few bytes. The
 * doubling stops at the longest code (or table_bits): *mask_out gets the main table's index
 * mask, which the decoder applies to the bit buffer.
 * Codes longer than the main table go to subtables sized as zlib's inflate_table sizes them.
 *
 * Accepts what zlib accepts: an over-subscribed code never; an incomplete one only when it
 * is a single code of length 1 (litlen/distance), and an empty distance code (a block of
 * literals only). Unused entries of an incomplete code decode as invalid. */
static bool build_table(uint32_t *table, unsigned table_bits, unsigned enough, const uint8_t *lens,
                        unsigned nsyms, const uint32_t *results, code_kind kind, uint32_t *mask_out)
{
    unsigned count[MAX_CODE_LEN + 1], offs[MAX_CODE_LEN + 2];
    uint16_t sorted[288];
    /* Four histograms, summed after: one counter bumped for every symbol was 40% of this
     * function (each increment waits for the previous one's store when lengths repeat, and
     * the unused symbols of a small block are long runs of 0). */
    unsigned c4[4][MAX_CODE_LEN + 1];
    memset(c4, 0, sizeof c4);
    unsigned s4 = 0;
    for (; s4 + 4 <= nsyms; s4 += 4) {
        c4[0][lens[s4]]++;
        c4[1][lens[s4 + 1]]++;
        c4[2][lens[s4 + 2]]++;
        c4[3][lens[s4 + 3]]++;
    }
    for (; s4 < nsyms; s4++) c4[0][lens[s4]]++;
    count[0] = 0;
    for (unsigned len = 1; len <= MAX_CODE_LEN; len++)
        count[len] = c4[0][len] + c4[1][len] + c4[2][len] + c4[3][len];
    unsigned max = 0;
    int left = 1;
    for (unsigned len = 1; len <= MAX_CODE_LEN; len++) {
        left = left * 2 - (int)count[len];
        if (left < 0) return false; /* over-subscribed */
        if (count[len]) max = len;
    }
    if (max == 0) {
        /* No codes: a distance code of a literals-only block. Every entry is invalid. */
        if (kind != CODE_DIST) return false;
        table[0] = table[1] = E_EXC;
        *mask_out = 1;
        return true;
    }
    if (left > 0 && (kind == CODE_PRE || max != 1)) return false; /* incomplete */

    offs[1] = 0;
    for (unsigned len = 1; len <= MAX_CODE_LEN; len++) offs[len + 1] = offs[len] + count[len];
    for (unsigned s = 0; s < nsyms; s++)
        if (lens[s]) sorted[offs[lens[s]]++] = (uint16_t)s;
    unsigned total = offs[MAX_CODE_LEN + 1];

    /* Main table by doubling. Start from 2 invalid entries: an incomplete code leaves some
     * indices unfilled, and the doubling copies the invalid marker into them. */
    unsigned i = 0;           /* next symbol in sorted order */
    unsigned huff = 0;        /* its code, bit-reversed, as wide as its length */
    unsigned size = 2;
    table[0] = table[1] = E_EXC;
    unsigned main_max = max < table_bits ? max : table_bits;
    *mask_out = (1u << main_max) - 1u;
    for (unsigned len = 1; len <= main_max; len++) {
        if (len > 1) {
            memcpy(table + size, table, size * sizeof *table);
            size *= 2;
        }
        for (unsigned n = count[len]; n > 0; n--) {
            unsigned s = sorted[i++];
            table[huff] = results[s] + (len << 8) + len;
            /* Next code: add 1 to the reversed integer from its top bit down. */
            unsigned inc = 1u << (len - 1);
            while (huff & inc) inc >>= 1;
            huff = inc ? (huff & (inc - 1)) + inc : 0;
        }
    }
    if (i == total) return true;
    /* Codes longer than the main table: it has table_bits bits (max > table_bits). */

    /* Subtables: codes sharing their low table_bits bits (as read) share one; its size is what
     * the remaining codes of that prefix need (zlib's rule). */
    unsigned mask = (1u << table_bits) - 1, low = ~0u, used = 1u << table_bits;
    unsigned sub_start = 0, sub_bits = 0;
    unsigned remaining[MAX_CODE_LEN + 1];
    memcpy(remaining, count, sizeof remaining);
    for (unsigned len = 1; len <= table_bits; len++) remaining[len] = 0;
    for (; i < total; i++) {
        unsigned s = sorted[i];
        unsigned len = lens[s];
        if ((huff & mask) != low) {
            unsigned cur = len - table_bits;
            int room = 1 << cur;
            while (cur + table_bits < max) {
                room -= (int)remaining[cur + table_bits];
                if (room <= 0) break;
                cur++;
                room *= 2;
            }
            if (used + (1u << cur) > enough) return false;
            sub_start = used;
            sub_bits = cur;
            used += 1u << cur;
            low = huff & mask;
            table[low] = E_EXC | E_SUB | (uint32_t)sub_start << 16 | sub_bits << 8 | table_bits;
        }
        unsigned sub_len = len - table_bits;
        uint32_t e = results[s] + (sub_len << 8) + sub_len;
        for (unsigned j = huff >> table_bits; j < (1u << sub_bits); j += 1u << sub_len)
            table[sub_start + j] = e;
        remaining[len]--;
        unsigned inc = 1u << (len - 1);
        while (huff & inc) inc >>= 1;
        huff = inc ? (huff & (inc - 1)) + inc : 0;
    }
    return true;
}

/* MARK: - Decoder state */

typedef struct inf_tables {
    uint32_t litlen[LITLEN_ENOUGH];
    uint32_t dist[DIST_ENOUGH];
    uint32_t pre[PRE_ENOUGH];
    uint32_t litlen_mask, dist_mask, pre_mask; /* 2^(main table bits) - 1 */
    uint8_t lens[288 + 32];
    bool fixed_loaded; /* litlen/dist hold the fixed code (kept across fixed blocks) */
} inf_tables;

static bool load_fixed(inf_tables *t)
{
    unsigned s = 0;
    for (; s < 144; s++) t->lens[s] = 8;
    for (; s < 256; s++) t->lens[s] = 9;
    for (; s < 280; s++) t->lens[s] = 7;
    for (; s < 288; s++) t->lens[s] = 8;
    for (; s < 288 + 32; s++) t->lens[s] = 5;
    t->fixed_loaded = build_table(t->litlen, LITLEN_BITS, LITLEN_ENOUGH, t->lens, 288,
                                  litlen_results, CODE_LITLEN, &t->litlen_mask) &&
                      build_table(t->dist, DIST_BITS, DIST_ENOUGH, t->lens + 288, 32,
                                  dist_results, CODE_DIST, &t->dist_mask);
    return t->fixed_loaded;
}

static inline uint64_t load_le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void copy8(uint8_t *dst, const uint8_t *src)
{
    uint64_t v;
    memcpy(&v, src, 8);
    memcpy(dst, &v, 8);
}

/* Room the fast loop needs in the output: one match (258) plus the 8-byte copy overrun, or
 * three literals. */
#define FAST_OUT_ROOM (258u + 16u)
/* Input the fast loop needs: one 8-byte refill load. */
#define FAST_IN_ROOM 8u

/* MARK: - DEFLATE */

/* Decode raw DEFLATE blocks from in[0..in_len) into out[0..cap). On return *in_used is where
 * the last block ended (rounded up to a byte) and *out_len the bytes written.
 *
 * The bit buffer: `bitbuf` holds the next `bitsleft` unread bits of the stream, least
 * significant first. Bits above `bitsleft` may hold the next input bits too (a refill loads a
 * whole word but only counts the whole bytes that fit); they are real stream bits, so ORing the
 * same bytes in again at the next refill changes nothing. Past the end of the input, the slow
 * refill shifts in zero bytes and counts them in `overread`; a symbol whose bits reach into
 * those phantom bytes (bitsleft < 8 * overread after consuming it) means the input was cut,
 * and it is not applied. */
static pith_status deflate_run(inf_tables *t, const uint8_t *in, size_t in_len, uint8_t *out,
                               size_t cap, size_t *in_used, size_t *out_len,
                               pith_decode_error *err)
{
    const uint8_t *ip = in, *const in_end = in + in_len;
    uint8_t *op = out, *const out_end = out + cap;
    uint64_t bitbuf = 0;
    unsigned bitsleft = 0, overread = 0;
    pith_status fail_code = PITH_OK;
    const char *fail_msg = "";
    bool final = false;

/* At least 56 bits in the buffer, reading byte by byte and adding zero bytes past the end. */
#define REFILL_SLOW()                                                                           \
    while (bitsleft < 56) {                                                                     \
        uint64_t b_ = 0;                                                                        \
        if (ip != in_end) b_ = *ip++;                                                           \
        else overread++;                                                                        \
        bitbuf |= b_ << bitsleft;                                                               \
        bitsleft += 8;                                                                          \
    }
/* Entry assumption: in_end - ip >= 8 and bitsleft <= 63. Loads a word, counts the whole
 * bytes that fit: afterwards 56 <= bitsleft <= 63. */
#define REFILL_FAST()                                                                           \
    do {                                                                                        \
        bitbuf |= load_le64(ip) << bitsleft;                                                    \
        ip += (63u - bitsleft) >> 3;                                                            \
        bitsleft |= 56u;                                                                        \
    } while (0)
#define BITS(n) ((uint32_t)bitbuf & ((1u << (n)) - 1u))
#define CONSUME(n)                                                                              \
    do {                                                                                        \
        bitbuf >>= (n);                                                                         \
        bitsleft -= (n);                                                                        \
    } while (0)
/* The symbols just consumed were wholly inside the input. */
#define PRESENT() (bitsleft >= 8u * overread)

    do {
        /* Block header (RFC 1951 §3.2.3). */
        REFILL_SLOW();
        final = BITS(1);
        unsigned type = (unsigned)(bitbuf >> 1) & 3u;
        CONSUME(3);
        PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends in a block header");

        if (type == 0) {
            /* Stored: skip to a byte boundary, give the whole bytes still in the bit buffer
             * back to the input, then LEN and its complement NLEN. */
            CONSUME(bitsleft & 7u);
            PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends in a block header");
            ip -= bitsleft / 8u - overread;
            bitbuf = 0;
            bitsleft = 0;
            overread = 0;
            PITH_CHECK(in_end - ip >= 4, PITH_E_TRUNCATED, "inflate: input ends in a stored block header");
            unsigned len = (unsigned)ip[0] | (unsigned)ip[1] << 8;
            unsigned nlen = (unsigned)ip[2] | (unsigned)ip[3] << 8;
            PITH_CHECK(len == (~nlen & 0xffffu), PITH_E_FORMAT,
                       "inflate: stored block length does not match its complement");
            ip += 4;
            size_t avail = (size_t)(in_end - ip), room = (size_t)(out_end - op);
            size_t n = len;
            if (n > avail) n = avail;
            if (n > room) n = room;
            memcpy(op, ip, n);
            op += n;
            ip += n;
            PITH_CHECK(n == len || avail > room, PITH_E_TRUNCATED, "inflate: input ends in a stored block");
            PITH_CHECK(n == len, PITH_E_LIMIT, "inflate: output is full");
            continue;
        }

        if (type == 1) {
            if (!t->fixed_loaded && !load_fixed(t))
                PITH_CHECK(false, PITH_E_FORMAT, "inflate: fixed code tables"); /* cannot happen */
        } else {
            PITH_CHECK(type == 2, PITH_E_FORMAT, "inflate: invalid block type 3");
            /* Dynamic: the code lengths of both codes, themselves Huffman coded with the code
             * length code (RFC 1951 §3.2.7). */
            t->fixed_loaded = false;
            REFILL_SLOW();
            unsigned nlit = BITS(5) + 257u;
            CONSUME(5);
            unsigned ndist = BITS(5) + 1u;
            CONSUME(5);
            unsigned npre = BITS(4) + 4u;
            CONSUME(4);
            PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends in a block header");
            PITH_CHECK(nlit <= 286 && ndist <= 30, PITH_E_FORMAT,
                       "inflate: too many length or distance symbols");
            uint8_t prelens[19];
            memset(prelens, 0, sizeof prelens);
            for (unsigned k = 0; k < npre; k++) {
                REFILL_SLOW();
                prelens[pre_order[k]] = (uint8_t)BITS(3);
                CONSUME(3);
            }
            PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends in a block header");
            PITH_CHECK(build_table(t->pre, PRE_BITS, PRE_ENOUGH, prelens, 19, pre_results, CODE_PRE,
                                   &t->pre_mask),
                       PITH_E_FORMAT, "inflate: invalid code lengths set");
            unsigned n = 0, total = nlit + ndist;
            /* Each pass writes at least one length: at most 316 passes. */
            while (n < total) {
                REFILL_SLOW();
                uint32_t e = t->pre[(uint32_t)bitbuf & t->pre_mask];
                CONSUME(e & 0xffu);
                unsigned sym = e >> 16, rep;
                uint8_t val = 0;
                PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends in a block header");
                if (sym < 16) {
                    t->lens[n++] = (uint8_t)sym;
                    continue;
                }
                if (sym == 16) {
                    PITH_CHECK(n > 0, PITH_E_FORMAT, "inflate: repeat of no previous length");
                    val = t->lens[n - 1];
                    rep = 3u + BITS(2);
                    CONSUME(2);
                } else if (sym == 17) {
                    rep = 3u + BITS(3);
                    CONSUME(3);
                } else {
                    rep = 11u + BITS(7);
                    CONSUME(7);
                }
                PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends in a block header");
                PITH_CHECK(rep <= total - n, PITH_E_FORMAT, "inflate: invalid bit length repeat");
                memset(t->lens + n, val, rep);
                n += rep;
            }
            PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends in a block header");
            PITH_CHECK(t->lens[256] != 0, PITH_E_FORMAT, "inflate: code has no end-of-block");
            PITH_CHECK(build_table(t->litlen, LITLEN_BITS, LITLEN_ENOUGH, t->lens, nlit,
                                   litlen_results, CODE_LITLEN, &t->litlen_mask),
                       PITH_E_FORMAT, "inflate: invalid literal/lengths set");
            PITH_CHECK(build_table(t->dist, DIST_BITS, DIST_ENOUGH, t->lens + nlit, ndist,
                                   dist_results, CODE_DIST, &t->dist_mask),
                       PITH_E_FORMAT, "inflate: invalid distances set");
        }

        const uint32_t *litlen = t->litlen, *dist = t->dist;
        const uint32_t lmask = t->litlen_mask, dmask = t->dist_mask;
        uint32_t e;
        unsigned len, off;

        /* Fast loop. Entry assumptions, checked by the loop condition: FAST_IN_ROOM input bytes
         * for REFILL_FAST, FAST_OUT_ROOM output bytes for one match with its overrun. After the
         * refill there are >= 56 bits: a length (15 + 5) and a distance (15 + 13) take 48. */
        while ((size_t)(in_end - ip) >= FAST_IN_ROOM && (size_t)(out_end - op) >= FAST_OUT_ROOM) {
            REFILL_FAST();
            e = litlen[(uint32_t)bitbuf & lmask];
            if (e & E_LIT) {
                /* Up to three literals from one refill (3 x 11 bits from the main table). */
                CONSUME(e & 0xffu);
                *op++ = (uint8_t)(e >> 16);
                e = litlen[(uint32_t)bitbuf & lmask];
                if (e & E_LIT) {
                    CONSUME(e & 0xffu);
                    *op++ = (uint8_t)(e >> 16);
                    e = litlen[(uint32_t)bitbuf & lmask];
                    if (e & E_LIT) {
                        CONSUME(e & 0xffu);
                        *op++ = (uint8_t)(e >> 16);
                    }
                }
                continue;
            }
            if (e & E_EXC) {
                if (e & E_SUB) {
                    CONSUME(e & 0xffu);
                    e = litlen[(e >> 16) + BITS((e >> 8) & 15u)];
                    if (e & E_LIT) {
                        CONSUME(e & 0xffu);
                        *op++ = (uint8_t)(e >> 16);
                        continue;
                    }
                }
                if (e & E_EXC) {
                    PITH_CHECK(e & E_EOB, PITH_E_FORMAT, "inflate: invalid literal/length code");
                    CONSUME(e & 0xffu);
                    goto block_done;
                }
            }
            len = (e >> 16) + (BITS(e & 0xffu) >> ((e >> 8) & 15u));
            CONSUME(e & 0xffu);
            e = dist[(uint32_t)bitbuf & dmask];
            if (e & E_EXC) {
                if (e & E_SUB) {
                    CONSUME(e & 0xffu);
                    e = dist[(e >> 16) + BITS((e >> 8) & 15u)];
                }
                PITH_CHECK(!(e & E_EXC), PITH_E_FORMAT, "inflate: invalid distance code");
            }
            off = (e >> 16) + (BITS(e & 0xffu) >> ((e >> 8) & 15u));
            CONSUME(e & 0xffu);
            PITH_CHECK(off <= (size_t)(op - out), PITH_E_FORMAT,
                       "inflate: invalid distance too far back");
            {
                uint8_t *dst = op, *const end = op + len;
                const uint8_t *src = op - off;
                if (off >= 8) {
                    /* Whole words: src + 8 <= dst, so every word read is already written. */
                    do {
                        copy8(dst, src);
                        dst += 8;
                        src += 8;
                    } while (dst < end);
                } else if (off == 1) {
                    uint64_t v = 0x0101010101010101ull * src[0];
                    do {
                        memcpy(dst, &v, 8);
                        dst += 8;
                    } while (dst < end);
                } else {
                    do *dst++ = *src++;
                    while (dst < end);
                }
                op = end;
            }
        }

        /* Careful loop: the end of the input or of the output is near. Every read is a slow
         * refill (zeros past the end, counted), every write is checked. */
        for (;;) {
            REFILL_SLOW();
            e = litlen[(uint32_t)bitbuf & lmask];
            if (e & E_SUB) {
                CONSUME(e & 0xffu);
                e = litlen[(e >> 16) + BITS((e >> 8) & 15u)];
            }
            if (e & E_LIT) {
                CONSUME(e & 0xffu);
                PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends inside a block");
                PITH_CHECK(op != out_end, PITH_E_LIMIT, "inflate: output is full");
                *op++ = (uint8_t)(e >> 16);
                continue;
            }
            if (e & E_EXC) {
                CONSUME(e & 0xffu);
                PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends inside a block");
                PITH_CHECK(e & E_EOB, PITH_E_FORMAT, "inflate: invalid literal/length code");
                break;
            }
            len = (e >> 16) + (BITS(e & 0xffu) >> ((e >> 8) & 15u));
            CONSUME(e & 0xffu);
            e = dist[(uint32_t)bitbuf & dmask];
            if (e & E_SUB) {
                CONSUME(e & 0xffu);
                e = dist[(e >> 16) + BITS((e >> 8) & 15u)];
            }
            PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends inside a block");
            PITH_CHECK(!(e & E_EXC), PITH_E_FORMAT, "inflate: invalid distance code");
            off = (e >> 16) + (BITS(e & 0xffu) >> ((e >> 8) & 15u));
            CONSUME(e & 0xffu);
            PITH_CHECK(PRESENT(), PITH_E_TRUNCATED, "inflate: input ends inside a block");
            PITH_CHECK(off <= (size_t)(op - out), PITH_E_FORMAT,
                       "inflate: invalid distance too far back");
            size_t room = (size_t)(out_end - op);
            size_t n = len <= room ? len : room;
            const uint8_t *src = op - off;
            for (size_t k = 0; k < n; k++) op[k] = src[k];
            op += n;
            PITH_CHECK(n == len, PITH_E_LIMIT, "inflate: output is full");
        }
    block_done:;
    } while (!final);

    /* The stream ends at the byte holding its last bit: whole bytes left in the buffer go back. */
    ip -= bitsleft / 8u - overread;
    *in_used = (size_t)(ip - in);
    *out_len = (size_t)(op - out);
    return PITH_OK;

fail:
    *in_used = (size_t)(ip - in);
    *out_len = (size_t)(op - out);
    return pith_decode_set(err, fail_code, (size_t)(ip - in), fail_msg);
#undef REFILL_SLOW
#undef REFILL_FAST
#undef BITS
#undef CONSUME
#undef PRESENT
}

/* MARK: - Wrappers */

static bool zlib_header_ok(const uint8_t *in, size_t in_len)
{
    return in_len >= 2 && (in[0] & 0x0fu) == 8 && (in[0] >> 4) <= 7 &&
           ((unsigned)in[0] << 8 | in[1]) % 31u == 0;
}

pith_status pith_inflate_buf(const uint8_t *in, size_t in_len, pith_inflate_wrap wrap,
                             uint8_t *out, size_t cap, pith_inflate_result *res,
                             pith_decode_error *err)
{
    pith_inflate_result r_local;
    pith_inflate_result *r = res ? res : &r_local;
    r->in_used = 0;
    r->out_len = 0;
    pith_decode_clear(err);
    if ((!in && in_len) || (!out && cap)) {
        r->wrap = wrap;
        return pith_decode_set(err, PITH_E_ARG, 0, "inflate: NULL buffer");
    }
    static const uint8_t none[1] = {0};
    if (!in) in = none;
    uint8_t dummy[1];
    if (!out) out = dummy;

    if (wrap == PITH_INFLATE_AUTO) {
        if (zlib_header_ok(in, in_len)) wrap = PITH_INFLATE_ZLIB;
        else if (in_len >= 2 && in[0] == 0x1f && in[1] == 0x8b) wrap = PITH_INFLATE_GZIP;
        else wrap = PITH_INFLATE_RAW;
    }
    r->wrap = wrap;

    pith_status fail_code = PITH_OK;
    const char *fail_msg = "";
    pith_rd rd = pith_rd_make(in, in_len);
    bool gz_hcrc = false;
    if (wrap == PITH_INFLATE_ZLIB) {
        /* RFC 1950 §2.2: CM 8, CINFO <= 7 (window up to 32 KiB), FCHECK, FDICT. */
        PITH_CHECK(in_len >= 2, PITH_E_TRUNCATED, "inflate: input ends in the zlib header");
        PITH_CHECK(zlib_header_ok(in, in_len), PITH_E_FORMAT, "inflate: invalid zlib header");
        PITH_CHECK(!(in[1] & 0x20u), PITH_E_UNSUPPORTED, "inflate: zlib preset dictionary");
        pith_rd_skip(&rd, 2);
    } else if (wrap == PITH_INFLATE_GZIP) {
        /* RFC 1952 §2.3: ID1 ID2 CM FLG MTIME(4) XFL OS, then the optional fields. */
        uint8_t id1 = pith_rd_u8(&rd), id2 = pith_rd_u8(&rd), cm = pith_rd_u8(&rd);
        uint8_t flg = pith_rd_u8(&rd);
        pith_rd_skip(&rd, 6);
        PITH_CHECK(!rd.bad, PITH_E_TRUNCATED, "inflate: input ends in the gzip header");
        PITH_CHECK(id1 == 0x1f && id2 == 0x8b, PITH_E_FORMAT, "inflate: not a gzip member");
        PITH_CHECK(cm == 8, PITH_E_FORMAT, "inflate: gzip compression method is not deflate");
        PITH_CHECK(!(flg & 0xe0u), PITH_E_FORMAT, "inflate: reserved gzip flags set");
        if (flg & 4u) pith_rd_skip(&rd, pith_rd_u16le(&rd)); /* FEXTRA */
        for (unsigned f = 8; f <= 16; f <<= 1) {             /* FNAME, FCOMMENT */
            if (!(flg & f)) continue;
            /* Zero-terminated: each pass consumes a byte. */
            while (!rd.bad && pith_rd_u8(&rd) != 0) {
            }
        }
        PITH_CHECK(!rd.bad, PITH_E_TRUNCATED, "inflate: input ends in the gzip header");
        if (flg & 2u) { /* FHCRC: low 16 bits of the CRC-32 of the header before it */
            size_t hlen = pith_rd_pos(&rd);
            uint16_t hcrc = pith_rd_u16le(&rd);
            PITH_CHECK(!rd.bad, PITH_E_TRUNCATED, "inflate: input ends in the gzip header");
            gz_hcrc = (pith_crc32_update(0, in, hlen) & 0xffffu) == hcrc;
            PITH_CHECK(gz_hcrc, PITH_E_FORMAT, "inflate: gzip header crc mismatch");
        }
    }

    size_t start = pith_rd_pos(&rd), used = 0, produced = 0;
    inf_tables t;
    t.fixed_loaded = false;
    pith_status st = deflate_run(&t, in + start, in_len - start, out, cap, &used, &produced, err);
    r->out_len = produced;
    r->in_used = start + used;
    if (st != PITH_OK) {
        if (err) err->offset += start;
        return st;
    }

    pith_rd_seek(&rd, start + used);
    if (wrap == PITH_INFLATE_ZLIB) {
        uint32_t want = pith_rd_u32be(&rd);
        PITH_CHECK(!rd.bad, PITH_E_TRUNCATED, "inflate: input ends before the adler-32 check");
        r->in_used = pith_rd_pos(&rd);
        PITH_CHECK(pith_adler32_update(1, out, produced) == want, PITH_E_FORMAT,
                   "inflate: adler-32 check mismatch");
    } else if (wrap == PITH_INFLATE_GZIP) {
        uint32_t want = pith_rd_u32le(&rd);
        uint32_t isize = pith_rd_u32le(&rd);
        PITH_CHECK(!rd.bad, PITH_E_TRUNCATED, "inflate: input ends before the gzip trailer");
        r->in_used = pith_rd_pos(&rd);
        PITH_CHECK(pith_crc32_update(0, out, produced) == want, PITH_E_FORMAT,
                   "inflate: gzip crc-32 mismatch");
        PITH_CHECK(isize == (uint32_t)produced, PITH_E_FORMAT, "inflate: gzip size mismatch");
    }
    return PITH_OK;

fail:
    return pith_decode_set(err, fail_code, pith_rd_pos(&rd), fail_msg);
}

pith_status pith_inflate_alloc(pith_arena *a, const uint8_t *in, size_t in_len,
                               pith_inflate_wrap wrap, size_t size_hint, size_t max_out,
                               uint8_t **out, pith_inflate_result *res, pith_decode_error *err)
{
    pith_inflate_result r_local;
    pith_inflate_result *r = res ? res : &r_local;
    r->in_used = 0;
    r->out_len = 0;
    r->wrap = wrap;
    if (out) *out = NULL;
    pith_decode_clear(err);
    if (!a || !out || (!in && in_len)) return pith_decode_set(err, PITH_E_ARG, 0, "inflate: NULL argument");

    size_t cap = size_hint;
    if (cap == 0) {
        cap = in_len > SIZE_MAX / 4 ? SIZE_MAX : in_len * 4;
        if (cap < 4096) cap = 4096;
    }
    if (cap > max_out) cap = max_out;
    /* Each pass doubles cap until max_out: at most ~64 passes, normally one. */
    for (;;) {
        pith_arena_mark m = pith_arena_mark_get(a);
        uint8_t *buf = pith_arena_alloc(a, cap);
        if (!buf) {
            pith_status why = a->budget ? a->budget->last_fail : PITH_E_NOMEM;
            if (why != PITH_E_LIMIT) why = PITH_E_NOMEM;
            return pith_decode_set(err, why, 0, "inflate: no memory for the output buffer");
        }
        pith_decode_error e;
        pith_status st = pith_inflate_buf(in, in_len, wrap, buf, cap, r, &e);
        if (st == PITH_E_LIMIT && cap < max_out) {
            pith_arena_release(a, m);
            cap = cap > max_out / 2 ? max_out : cap < 2048 ? 4096 : cap * 2;
            continue;
        }
        *out = buf;
        if (err) *err = e;
        if (st == PITH_E_LIMIT && err) err->message = "inflate: output passes its limit";
        return st;
    }
}

pith_status pith_inflate_doc(pith_doc *doc, pith_arena *a, const uint8_t *in, size_t in_len,
                             pith_inflate_wrap wrap, size_t size_hint, uint64_t file_off,
                             uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!a) a = pith_scratch_arena(doc);
    const pith_limits *lim = &pith_doc_options(doc)->limits;
    uint64_t left = pith_decompressed_left(doc);
    uint64_t by_ratio = in_len > UINT64_MAX / lim->max_ratio ? UINT64_MAX
                                                               : (uint64_t)in_len * lim->max_ratio;
    uint64_t max = by_ratio < left ? by_ratio : left;
    if (max > SIZE_MAX) max = SIZE_MAX;
    pith_inflate_result r;
    pith_decode_error e;
    pith_status st = pith_inflate_alloc(a, in, in_len, wrap, size_hint, (size_t)max, out, &r, &e);
    *out_len = r.out_len;
    pith_status ch = pith_decompressed(doc, r.out_len);
    if (ch == PITH_OK) ch = pith_work(doc, (uint64_t)r.in_used + r.out_len);
    if (ch != PITH_OK) return ch;
    if (st == PITH_OK) return PITH_OK;
    uint64_t at = file_off + e.offset;
    if (!*out && (st == PITH_E_LIMIT || st == PITH_E_NOMEM)) {
        size_t want = size_hint ? size_hint : in_len;
        return pith_fail_alloc(doc, want < max ? want : (size_t)max);
    }
    if (st == PITH_E_LIMIT) {
        if (by_ratio <= left)
            return pith_fail(doc, st, file_off,
                             "inflate: stream of %zu bytes inflates past %llu bytes (limit "
                             "max_ratio %u)",
                             in_len, (unsigned long long)max, lim->max_ratio);
        return pith_fail(doc, st, file_off,
                         "inflate: stream inflates past the %llu decompressed bytes left (limit "
                         "max_decompressed_bytes)",
                         (unsigned long long)left);
    }
    if (st == PITH_E_ARG)
        return pith_fail(doc, st, at, "%s (stream at %llu)", e.message, (unsigned long long)file_off);
    pith_warn(doc, st, at, "%s at offset %llu (stream at %llu, %zu bytes kept)", e.message,
              (unsigned long long)at, (unsigned long long)file_off, r.out_len);
    return st;
}
