/* swar.h: tests on 8 bytes at once ("SIMD within a register"), for the byte scanners that step
 * over runs of plain bytes a word at a time (text, HTML, XML, detection).
 *
 * The tricks are those of "Bit Twiddling Hacks" (haszero, hasvalue, hasless): each leaves 0x80
 * set in some byte when the test holds for some byte. pith_has_zero and pith_has_less are exact
 * as a yes/no only (a borrow may also mark the byte above a hit); pith_zero_bytes marks exactly
 * the zero bytes, for callers that look at which bytes matched. Byte order does not matter to
 * any of them. */
#ifndef PITH_SWAR_H
#define PITH_SWAR_H

#include <stdint.h>
#include <string.h>

/* c in every byte */
#define PITH_REP8(c) ((uint64_t)(c) * UINT64_C(0x0101010101010101))

/* 8 bytes at p, in host order; memcpy is the portable unaligned load (one instruction on x86
 * and wasm). */
static inline uint64_t pith_load8(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* Non-zero when a byte of w is zero. */
static inline uint64_t pith_has_zero(uint64_t w)
{
    return (w - PITH_REP8(0x01)) & ~w & PITH_REP8(0x80);
}

/* Non-zero when a byte of w is b. */
static inline uint64_t pith_has_byte(uint64_t w, uint8_t b)
{
    return pith_has_zero(w ^ PITH_REP8(b));
}

/* Non-zero when a byte of w is below n (n <= 0x80). */
static inline uint64_t pith_has_less(uint64_t w, uint8_t n)
{
    return (w - PITH_REP8(n)) & ~w & PITH_REP8(0x80);
}

/* 0x80 in each byte of w that is zero, and only there (no carry crosses bytes). */
static inline uint64_t pith_zero_bytes(uint64_t w)
{
    const uint64_t low7 = PITH_REP8(0x7F);
    return ~(((w & low7) + low7) | w | low7);
}

/* 0x80 in each byte of w below n (n <= 0x80), and only there: a byte's low seven bits plus
 * 0x80 - n carry into its top bit exactly when it is n or more, and never past it. */
static inline uint64_t pith_below_bytes(uint64_t w, uint8_t n)
{
    return ~(((w & PITH_REP8(0x7F)) + PITH_REP8(0x80 - n)) | w) & PITH_REP8(0x80);
}

/* Index 0..7, in memory order, of the first byte marked 0x80 in m (m != 0, marks exact as
 * pith_zero_bytes and pith_below_bytes make them). */
static inline unsigned pith_first_marked(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (unsigned)__builtin_clzll(m) >> 3;
#else
    return (unsigned)__builtin_ctzll(m) >> 3;
#endif
}

#endif
