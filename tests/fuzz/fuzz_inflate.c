/* fuzz_inflate.c: src/inflate.c over any bytes, in both ways in (a caller's buffer and the
 * arena), and against zlib where the build has it.
 *
 * Input: byte 0 picks the wrapper (bits 0-1: raw, zlib, gzip, auto) and a small output cap
 * (bits 2-7, to reach PITH_E_LIMIT); the rest is the stream. Properties: out_len and in_used
 * within their buffers, statuses from the contract, the arena way gives the same bytes as the
 * buffer way, and a stream zlib decodes to its end is decoded by pith to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "inflate.h"
#include "fuzz_util.h"
#ifdef FUZZ_ZLIB
#include <zlib.h>
#endif

#define CAP (1u << 20)

static uint8_t out_buf[CAP];
#ifdef FUZZ_ZLIB
static uint8_t ref_buf[CAP];

/* zlib's inflate in one call; true when the stream ended properly within cap. */
static bool zlib_inflate(const uint8_t *in, size_t n, int wb, size_t *out_len, size_t *in_used)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, wb) != Z_OK) abort();
    s.next_in = (Bytef *)(uintptr_t)in;
    s.avail_in = (uInt)n;
    s.next_out = ref_buf;
    s.avail_out = CAP;
    int r = inflate(&s, Z_FINISH);
    *out_len = s.total_out;
    *in_used = s.total_in;
    inflateEnd(&s);
    return r == Z_STREAM_END;
}
#endif

static void check_status(pith_status st)
{
    if (st != PITH_OK && st != PITH_E_LIMIT && st != PITH_E_TRUNCATED && st != PITH_E_FORMAT &&
        st != PITH_E_UNSUPPORTED)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    pith_inflate_wrap wrap = (pith_inflate_wrap)(data[0] & 3);
    size_t small = (size_t)(data[0] >> 2) * 97;
    const uint8_t *in = data + 1;
    size_t n = size - 1;

    /* Into a caller's buffer, full size and small. */
    pith_inflate_result r;
    pith_decode_error e;
    pith_status st = pith_inflate_buf(in, n, wrap, out_buf, CAP, &r, &e);
    check_status(st);
    if (r.out_len > CAP || r.in_used > n || !e.message) abort();
    if ((st == PITH_OK) != (e.code == PITH_OK)) abort();
    uint8_t *small_buf = malloc(small ? small : 1);
    pith_inflate_result rs;
    pith_status sts = pith_inflate_buf(in, n, wrap, small_buf, small, &rs, NULL);
    check_status(sts);
    if (rs.out_len > small) abort();
    /* The first bytes agree whatever the cap. */
    size_t common = rs.out_len < r.out_len ? rs.out_len : r.out_len;
    if (memcmp(small_buf, out_buf, common) != 0) abort();
    free(small_buf);

    /* Into the arena: the same bytes. */
    pith_budget b;
    pith_budget_init(&b, NULL, 64u << 20);
    pith_arena a;
    pith_arena_init(&a, &b, 0);
    uint8_t *out = NULL;
    pith_inflate_result ra;
    pith_status sta = pith_inflate_alloc(&a, in, n, wrap, (size_t)data[0] * 31, CAP, &out, &ra, NULL);
    check_status(sta);
    if (sta != st && !(st == PITH_E_LIMIT || sta == PITH_E_LIMIT)) abort();
    if (out && st == PITH_OK && (ra.out_len != r.out_len || memcmp(out, out_buf, r.out_len) != 0))
        abort();
    pith_arena_finish(&a);

#ifdef FUZZ_ZLIB
    /* zlib decodes it to its end: so does pith, to the same bytes. (AUTO is pith's own.) */
    if (wrap != PITH_INFLATE_AUTO) {
        static const int wbits[] = {-15, 15, 31};
        size_t zl, zused;
        if (zlib_inflate(in, n, wbits[wrap], &zl, &zused)) {
            if (st != PITH_OK || r.out_len != zl || memcmp(out_buf, ref_buf, zl) != 0) abort();
            if (r.in_used != zused) abort();
        }
    }
#endif
    return 0;
}
