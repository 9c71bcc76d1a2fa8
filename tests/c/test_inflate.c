/* test_inflate.c: DEFLATE/zlib/gzip decoding (issue 5).
 *
 * Suite `inflate`: hand-made RFC 1951 vectors (empty blocks, length 258, distance 32768,
 * incomplete codes), the wrappers, the arena and document entry points, and the differential
 * test against the system zlib: 10,000 generated streams over levels 1-9, five strategies,
 * window bits 9-15 and the three wrappers, every Flate stream of the corpus PDFs and every
 * deflated entry of the corpus ZIPs, each also corrupted. Suite `inflate_hostile`: bombs, every
 * truncation of a zlib stream, 1,000 bit-flipped copies, overread at a guard page, trailing
 * bytes. Expected values come from zlib or from the hand-made stream itself, never from pith.
 */
#define _DEFAULT_SOURCE
#include "decoders_util.h"

#include <criterion/criterion.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "core.h"
#include "inflate.h"
#include "zip.h"

/* MARK: - Helpers */

static pith_status dec(const uint8_t *in, size_t n, pith_inflate_wrap w, uint8_t *out, size_t cap,
                       pith_inflate_result *r)
{
    pith_decode_error e;
    pith_status st = pith_inflate_buf(in, n, w, out, cap, r, &e);
    cr_assert_eq(e.code, st);
    cr_assert_not_null(e.message);
    return st;
}

/* zlib's deflate with every knob; wrapper 0 raw, 1 zlib, 2 gzip. flush_every > 0 cuts the input
 * into pieces ended by Z_SYNC_FLUSH or Z_FULL_FLUSH (empty stored blocks, block boundaries). */
static size_t zdeflate(const uint8_t *src, size_t n, int level, int strategy, int wbits, int wrapper,
                       size_t flush_every, uint8_t *out, size_t cap)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    int wb = wrapper == 0 ? -wbits : wrapper == 1 ? wbits : wbits + 16;
    cr_assert_eq(deflateInit2(&s, level, Z_DEFLATED, wb, 8, strategy), Z_OK);
    s.next_out = out;
    s.avail_out = (uInt)cap;
    size_t pos = 0;
    int k = 0;
    while (flush_every && n - pos > flush_every) {
        s.next_in = (Bytef *)(uintptr_t)(src + pos);
        s.avail_in = (uInt)flush_every;
        cr_assert_eq(deflate(&s, (k++ & 1) ? Z_FULL_FLUSH : Z_SYNC_FLUSH), Z_OK);
        pos += flush_every;
    }
    s.next_in = (Bytef *)(uintptr_t)(src + pos);
    s.avail_in = (uInt)(n - pos);
    cr_assert_eq(deflate(&s, Z_FINISH), Z_STREAM_END);
    size_t len = s.total_out;
    deflateEnd(&s);
    return len;
}

/* zlib's inflate in one call: true when the stream ended properly. *out_len = bytes out. */
static bool zinflate(const uint8_t *in, size_t n, int wb, uint8_t *out, size_t cap, size_t *out_len)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    cr_assert_eq(inflateInit2(&s, wb), Z_OK);
    s.next_in = (Bytef *)(uintptr_t)in;
    s.avail_in = (uInt)n;
    s.next_out = out;
    s.avail_out = (uInt)cap;
    int r = inflate(&s, Z_FINISH);
    *out_len = s.total_out;
    inflateEnd(&s);
    return r == Z_STREAM_END;
}

/* Test data of several kinds, deterministic from the seed. */
static void gen(uint64_t *seed, uint8_t *b, size_t n, int kind)
{
    static const char *words[] = {"the ", "of ", "pith ", "document ", "text ", "and ", "\n",
                                  "extraction ", "<w:t>", "</w:t>", "0 0 1 rg ", "BT ", "ET\n",
                                  "(Hello) Tj ", "wasm ", "inflate "};
    size_t i = 0;
    switch (kind) {
    case 0: /* incompressible */
        for (; i < n; i++) b[i] = (uint8_t)du_rand(seed);
        break;
    case 1: /* text */
        while (i < n) {
            const char *w = words[du_below(seed, 16)];
            for (size_t k = 0; w[k] && i < n; k++) b[i++] = (uint8_t)w[k];
        }
        break;
    case 2: /* runs (RLE, distance 1, long matches) */
        while (i < n) {
            uint8_t c = (uint8_t)du_below(seed, 4);
            size_t run = 1 + du_below(seed, 600);
            for (size_t k = 0; k < run && i < n; k++) b[i++] = c;
        }
        break;
    case 3: /* small alphabet with near and far repeats */
        for (; i < n; i++) {
            uint32_t r = du_below(seed, 8);
            if (i > 40000 && r == 0) b[i] = b[i - 32768 + du_below(seed, 8)];
            else if (i > 8 && r < 5) b[i] = b[i - 1 - du_below(seed, 8)];
            else b[i] = (uint8_t)('a' + du_below(seed, 6));
        }
        break;
    default: /* binary with structure (PDF-like object streams, xref rows) */
        for (; i < n; i++) b[i] = (uint8_t)((i % 5 == 0) ? du_below(seed, 3) : (i * 7) & 0x3f);
        break;
    }
}

/* MARK: - Hand-made vectors (RFC 1951) */

Test(inflate, decodes_a_stored_block)
{
    const uint8_t s[] = {0x01, 0x05, 0x00, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o'};
    uint8_t out[8];
    pith_inflate_result r;
    cr_assert_eq(dec(s, sizeof s, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.out_len, 5);
    cr_assert_eq(r.in_used, sizeof s);
    cr_assert_arr_eq(out, "hello", 5);
}

Test(inflate, empty_stored_and_fixed_blocks_make_empty_output)
{
    /* non-final empty stored block, then a final fixed block holding only end-of-block */
    const uint8_t s[] = {0x00, 0x00, 0x00, 0xff, 0xff, 0x03, 0x00};
    uint8_t out[1];
    pith_inflate_result r;
    cr_assert_eq(dec(s, sizeof s, PITH_INFLATE_RAW, out, 0, &r), PITH_OK);
    cr_assert_eq(r.out_len, 0);
    cr_assert_eq(r.in_used, sizeof s);
    /* zlib of the empty string: 78 9c 03 00 00 00 00 01 */
    const uint8_t z[] = {0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    cr_assert_eq(dec(z, sizeof z, PITH_INFLATE_ZLIB, out, 0, &r), PITH_OK);
    cr_assert_eq(r.in_used, sizeof z);
}

Test(inflate, empty_dynamic_block_then_data)
{
    /* A dynamic block with only end-of-block (litlen: 0 and 256 one bit each; no distance
     * codes at all), then a fixed block "ab". */
    uint8_t lit[257] = {0}, dist[1] = {0};
    lit[0] = 1;
    lit[256] = 1;
    uint8_t buf[256];
    du_bits w;
    du_bits_init(&w, buf, sizeof buf);
    du_dynamic_header(&w, 0, lit, 257, dist, 1);
    du_put_code(&w, 1, 1); /* 256: codes 0 -> sym 0, 1 -> sym 256 */
    du_put(&w, 1, 1);
    du_put(&w, 1, 2);
    du_fixed_litlen(&w, 'a');
    du_fixed_litlen(&w, 'b');
    du_fixed_litlen(&w, 256);
    size_t n = du_flush(&w);
    uint8_t out[4];
    pith_inflate_result r;
    cr_assert_eq(dec(buf, n, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.out_len, 2);
    cr_assert_arr_eq(out, "ab", 2);
}

Test(inflate, length_258_at_distance_32768)
{
    /* 32768 bytes in stored blocks, then a fixed block copying 258 bytes from 32768 back. */
    static uint8_t src[32768], buf[40000], out[33100];
    uint64_t seed = 7;
    gen(&seed, src, sizeof src, 0);
    du_bits w;
    du_bits_init(&w, buf, sizeof buf);
    for (size_t off = 0; off < sizeof src; off += 16384) {
        du_put(&w, 0, 1);
        du_put(&w, 0, 2);
        du_flush(&w);
        du_put(&w, 16384, 16);
        du_put(&w, (uint16_t)~16384u, 16);
        for (size_t k = 0; k < 16384; k++) du_put(&w, src[off + k], 8);
    }
    du_put(&w, 1, 1);
    du_put(&w, 1, 2);
    du_fixed_match(&w, 258, 32768);
    du_fixed_match(&w, 3, 32768);
    du_fixed_litlen(&w, 256);
    size_t n = du_flush(&w);
    pith_inflate_result r;
    cr_assert_eq(dec(buf, n, PITH_INFLATE_RAW, out, 32768 + 261, &r), PITH_OK);
    cr_assert_eq(r.out_len, 32768 + 261);
    cr_assert_arr_eq(out, src, 32768);
    cr_assert_arr_eq(out + 32768, src, 258);
    cr_assert_arr_eq(out + 32768 + 258, src + 258, 3);
    /* and zlib agrees */
    size_t zn;
    cr_assert(zinflate(buf, n, -15, out, sizeof out, &zn));
    cr_assert_eq(zn, 32768 + 261);
}

Test(inflate, overlapping_matches_repeat_a_pattern)
{
    /* "abc" then length 258 at distance 3, length 10 at distance 1 (byte run), at 7. */
    uint8_t buf[64], out[300], want[300];
    du_bits w;
    du_bits_init(&w, buf, sizeof buf);
    du_put(&w, 1, 1);
    du_put(&w, 1, 2);
    du_fixed_litlen(&w, 'a');
    du_fixed_litlen(&w, 'b');
    du_fixed_litlen(&w, 'c');
    du_fixed_match(&w, 258, 3);
    du_fixed_match(&w, 10, 1);
    du_fixed_match(&w, 9, 7);
    du_fixed_litlen(&w, 256);
    size_t n = du_flush(&w);
    size_t k = 0;
    for (; k < 261; k++) want[k] = (uint8_t)("abc"[k % 3]);
    for (size_t j = 0; j < 10; j++, k++) want[k] = want[k - 1];
    for (size_t j = 0; j < 9; j++, k++) want[k] = want[k - 7];
    pith_inflate_result r;
    cr_assert_eq(dec(buf, n, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.out_len, k);
    cr_assert_arr_eq(out, want, k);
}

/* A dynamic block with a one-code distance code (one code of length 1): "x", then a match of
 * length 3 at distance 1 whose distance code is the code given (its bit flipped by `flip`),
 * then the end. Returns the stream's length in buf. */
static size_t one_distance_code_block(uint8_t *buf, size_t cap, uint32_t flip)
{
    uint8_t lit[258] = {0}, dist[1] = {1};
    lit['x'] = 2;
    lit[256] = 2;
    lit[257] = 1; /* length 3 */
    uint32_t lc[258], dc[1];
    du_canonical(lit, 258, lc);
    du_canonical(dist, 1, dc);
    du_bits w;
    du_bits_init(&w, buf, cap);
    du_dynamic_header(&w, 1, lit, 258, dist, 1);
    du_put_code(&w, lc['x'], 2);
    du_put_code(&w, lc[257], 1);
    du_put_code(&w, dc[0] ^ flip, 1);
    du_put_code(&w, lc[256], 2);
    return du_flush(&w);
}

Test(inflate, single_distance_code_of_length_one_is_accepted)
{
    /* Incomplete distance code (one code of length 1), which zlib and RFC 1951 allow. */
    uint8_t buf[256];
    size_t n = one_distance_code_block(buf, sizeof buf, 0);
    uint8_t out[8];
    pith_inflate_result r;
    cr_assert_eq(dec(buf, n, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.out_len, 4);
    cr_assert_arr_eq(out, "xxxx", 4);
    size_t zn;
    cr_assert(zinflate(buf, n, -15, out, sizeof out, &zn));
}

/* A main table is only as wide as the longest code (here 1 bit for the distances): the unused
 * half of a one-code distance code still decodes as invalid, as zlib has it. */
Test(inflate_hostile, unused_code_of_a_one_code_distance_table_is_invalid)
{
    uint8_t buf[256];
    size_t n = one_distance_code_block(buf, sizeof buf, 1); /* the code no symbol has */
    uint8_t out[8];
    pith_inflate_result r;
    cr_assert_eq(dec(buf, n, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
    size_t zn;
    cr_assert(!zinflate(buf, n, -15, out, sizeof out, &zn));
}

Test(inflate, codes_longer_than_the_main_table_decode)
{
    /* A litlen code using lengths up to 15 (subtables). Lengths: 0..13 get 1..14 bits, 14 and
     * 256 get 15 bits: complete (Kraft sum 1). */
    uint8_t lit[257] = {0}, dist[1] = {0};
    for (int i = 0; i < 14; i++) lit[i] = (uint8_t)(i + 1);
    lit[14] = 15;
    lit[256] = 15;
    uint32_t lc[257];
    du_canonical(lit, 257, lc);
    uint8_t buf[512];
    du_bits w;
    du_bits_init(&w, buf, sizeof buf);
    du_dynamic_header(&w, 1, lit, 257, dist, 1);
    uint8_t want[64];
    size_t k = 0;
    for (int rep = 0; rep < 3; rep++)
        for (int i = 0; i <= 14; i++) {
            du_put_code(&w, lc[i], lit[i]);
            want[k++] = (uint8_t)i;
        }
    du_put_code(&w, lc[256], 15);
    size_t n = du_flush(&w);
    uint8_t out[64];
    pith_inflate_result r;
    cr_assert_eq(dec(buf, n, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.out_len, k);
    cr_assert_arr_eq(out, want, k);
}

Test(inflate, rejects_invalid_code_sets)
{
    uint8_t out[16];
    pith_inflate_result r;
    uint8_t buf[256];
    du_bits w;
    /* incomplete literal/length code (two codes of length 2) */
    uint8_t lit[257] = {0}, dist[1] = {1};
    lit['a'] = 2;
    lit[256] = 2;
    du_bits_init(&w, buf, sizeof buf);
    du_dynamic_header(&w, 1, lit, 257, dist, 1);
    cr_assert_eq(dec(buf, du_flush(&w) + 4, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
    /* over-subscribed (three codes of length 1) */
    lit['a'] = 1;
    lit['b'] = 1;
    lit[256] = 1;
    du_bits_init(&w, buf, sizeof buf);
    du_dynamic_header(&w, 1, lit, 257, dist, 1);
    cr_assert_eq(dec(buf, du_flush(&w) + 4, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
    /* no end-of-block code */
    memset(lit, 0, sizeof lit);
    lit['a'] = 1;
    lit['b'] = 1;
    du_bits_init(&w, buf, sizeof buf);
    du_dynamic_header(&w, 1, lit, 257, dist, 1);
    cr_assert_eq(dec(buf, du_flush(&w) + 4, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
    /* HLIT = 287 symbols: more than 286 */
    uint8_t big[288] = {0};
    big[0] = 1;
    big[256] = 1;
    du_bits_init(&w, buf, sizeof buf);
    du_dynamic_header(&w, 1, big, 288, dist, 1);
    cr_assert_eq(dec(buf, du_flush(&w) + 4, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
}

Test(inflate, rejects_bad_blocks_and_distances)
{
    uint8_t out[16];
    pith_inflate_result r;
    const uint8_t type3[] = {0x07, 0x00};
    cr_assert_eq(dec(type3, sizeof type3, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
    const uint8_t nlen[] = {0x01, 0x05, 0x00, 0xfa, 0xfe, 'h', 'e', 'l', 'l', 'o'};
    cr_assert_eq(dec(nlen, sizeof nlen, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
    /* a match before any output: distance too far back */
    uint8_t buf[16];
    du_bits w;
    du_bits_init(&w, buf, sizeof buf);
    du_put(&w, 3, 3);
    du_fixed_litlen(&w, 'a');
    du_fixed_match(&w, 3, 2);
    du_fixed_litlen(&w, 256);
    cr_assert_eq(dec(buf, du_flush(&w), PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
    cr_assert_eq(r.out_len, 1, "the literal before the bad match is kept");
    /* fixed-code distance 30 and literal/length 286 are never valid */
    du_bits_init(&w, buf, sizeof buf);
    du_put(&w, 3, 3);
    du_fixed_litlen(&w, 'a');
    du_fixed_litlen(&w, 257);
    du_put_code(&w, 30, 5);
    cr_assert_eq(dec(buf, du_flush(&w), PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
    du_bits_init(&w, buf, sizeof buf);
    du_put(&w, 3, 3);
    du_fixed_litlen(&w, 286);
    cr_assert_eq(dec(buf, du_flush(&w) + 2, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_E_FORMAT);
}

/* MARK: - Wrappers */

Test(inflate, zlib_wrapper_and_adler32)
{
    const char *text = "Hello, Hello, Hello, pith!";
    uint8_t c[128], out[64];
    uLongf cn = sizeof c;
    cr_assert_eq(compress2(c, &cn, (const Bytef *)text, strlen(text), 9), Z_OK);
    pith_inflate_result r;
    cr_assert_eq(dec(c, cn, PITH_INFLATE_ZLIB, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.out_len, strlen(text));
    cr_assert_eq(r.in_used, cn);
    cr_assert_arr_eq(out, text, r.out_len);
    c[cn - 1] ^= 1; /* Adler-32 */
    cr_assert_eq(dec(c, cn, PITH_INFLATE_ZLIB, out, sizeof out, &r), PITH_E_FORMAT);
    cr_assert_eq(r.out_len, strlen(text), "the data before a bad checksum is kept");
    cr_assert_eq(dec(c, cn - 2, PITH_INFLATE_ZLIB, out, sizeof out, &r), PITH_E_TRUNCATED);
    cr_assert_eq(r.out_len, strlen(text));
    const uint8_t dict[] = {0x78, 0xbb, 0, 0, 0, 1, 0x03, 0x00};
    cr_assert_eq(dec(dict, sizeof dict, PITH_INFLATE_ZLIB, out, sizeof out, &r), PITH_E_UNSUPPORTED);
    const uint8_t badhdr[] = {0x78, 0x9d, 0x03, 0x00};
    cr_assert_eq(dec(badhdr, sizeof badhdr, PITH_INFLATE_ZLIB, out, sizeof out, &r), PITH_E_FORMAT);
}

Test(inflate, gzip_wrapper_with_every_header_field)
{
    const char *text = "gzip member with a name, a comment, extra data and a header crc";
    uint8_t c[256], out[128];
    z_stream s;
    memset(&s, 0, sizeof s);
    cr_assert_eq(deflateInit2(&s, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    gz_header h;
    memset(&h, 0, sizeof h);
    static unsigned char extra[] = "xx";
    h.extra = extra;
    h.extra_len = 2;
    h.name = (Bytef *)"name.txt";
    h.comment = (Bytef *)"a comment";
    h.hcrc = 1;
    cr_assert_eq(deflateSetHeader(&s, &h), Z_OK);
    s.next_in = (Bytef *)(uintptr_t)text;
    s.avail_in = (uInt)strlen(text);
    s.next_out = c;
    s.avail_out = sizeof c;
    cr_assert_eq(deflate(&s, Z_FINISH), Z_STREAM_END);
    size_t cn = s.total_out;
    deflateEnd(&s);
    pith_inflate_result r;
    cr_assert_eq(dec(c, cn, PITH_INFLATE_GZIP, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.out_len, strlen(text));
    cr_assert_arr_eq(out, text, r.out_len);
    cr_assert_eq(dec(c, cn, PITH_INFLATE_AUTO, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.wrap, PITH_INFLATE_GZIP);
    c[cn - 5] ^= 0x10; /* CRC-32 */
    cr_assert_eq(dec(c, cn, PITH_INFLATE_GZIP, out, sizeof out, &r), PITH_E_FORMAT);
}

Test(inflate, auto_tells_zlib_from_raw)
{
    const char *text = "auto detection of the wrapper";
    uint8_t z[128], raw[128], out[64];
    size_t zn = zdeflate((const uint8_t *)text, strlen(text), 6, Z_DEFAULT_STRATEGY, 15, 1, 0, z, sizeof z);
    size_t rn = zdeflate((const uint8_t *)text, strlen(text), 6, Z_DEFAULT_STRATEGY, 15, 0, 0, raw, sizeof raw);
    pith_inflate_result r;
    cr_assert_eq(dec(z, zn, PITH_INFLATE_AUTO, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.wrap, PITH_INFLATE_ZLIB);
    cr_assert_eq(dec(raw, rn, PITH_INFLATE_AUTO, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.wrap, PITH_INFLATE_RAW);
    cr_assert_arr_eq(out, text, strlen(text));
}

Test(inflate, arguments_are_checked)
{
    uint8_t out[4];
    pith_inflate_result r;
    cr_assert_eq(dec(NULL, 3, PITH_INFLATE_RAW, out, 4, &r), PITH_E_ARG);
    cr_assert_eq(dec((const uint8_t *)"x", 1, PITH_INFLATE_RAW, NULL, 4, &r), PITH_E_ARG);
    cr_assert_eq(dec(NULL, 0, PITH_INFLATE_RAW, out, 4, &r), PITH_E_TRUNCATED);
    cr_assert_eq(pith_inflate_buf(NULL, 0, PITH_INFLATE_RAW, NULL, 0, NULL, NULL), PITH_E_TRUNCATED);
}

/* MARK: - Output bounds */

Test(inflate, output_full_returns_limit_and_the_prefix)
{
    static uint8_t src[100000], c[120000], out[100000];
    uint64_t seed = 3;
    gen(&seed, src, sizeof src, 1);
    size_t cn = zdeflate(src, sizeof src, 6, Z_DEFAULT_STRATEGY, 15, 1, 0, c, sizeof c);
    size_t caps[] = {0, 1, 257, 4096, 65536, 99999};
    for (size_t i = 0; i < sizeof caps / sizeof *caps; i++) {
        memset(out, 0xee, sizeof out);
        pith_inflate_result r;
        cr_assert_eq(dec(c, cn, PITH_INFLATE_ZLIB, out, caps[i], &r), PITH_E_LIMIT);
        cr_assert_eq(r.out_len, caps[i]);
        cr_assert_arr_eq(out, src, caps[i]);
        if (caps[i] < sizeof out) cr_assert_eq(out[caps[i]], 0xee, "nothing written past cap");
    }
}

Test(inflate, alloc_grows_from_a_small_hint_and_keeps_one_buffer)
{
    static uint8_t src[300000], c[320000];
    uint64_t seed = 11;
    gen(&seed, src, sizeof src, 2);
    size_t cn = zdeflate(src, sizeof src, 9, Z_DEFAULT_STRATEGY, 15, 1, 0, c, sizeof c);
    pith_budget b;
    pith_arena a;
    pith_budget_init(&b, NULL, (uint64_t)64 << 20);
    pith_arena_init(&a, &b, 0);
    uint8_t *out;
    pith_inflate_result r;
    pith_decode_error e;
    cr_assert_eq(pith_inflate_alloc(&a, c, cn, PITH_INFLATE_ZLIB, 100, 1 << 20, &out, &r, &e), PITH_OK);
    cr_assert_eq(r.out_len, sizeof src);
    cr_assert_arr_eq(out, src, sizeof src);
    cr_assert_leq(pith_arena_bytes(&a), (size_t)600 << 10, "one output buffer held, not all of them");
    /* max_out smaller than the data */
    cr_assert_eq(pith_inflate_alloc(&a, c, cn, PITH_INFLATE_ZLIB, 0, 5000, &out, &r, &e), PITH_E_LIMIT);
    cr_assert_eq(r.out_len, 5000);
    cr_assert_arr_eq(out, src, 5000);
    /* the arena refuses */
    pith_budget tiny;
    pith_arena ta;
    pith_budget_init(&tiny, NULL, 40000);
    pith_arena_init(&ta, &tiny, 0);
    cr_assert_eq(pith_inflate_alloc(&ta, c, cn, PITH_INFLATE_ZLIB, 0, 1 << 20, &out, &r, &e), PITH_E_LIMIT);
    cr_assert_null(out);
    pith_arena_finish(&ta);
    pith_arena_finish(&a);
}

static void *refuse_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return n > 100000 ? NULL : malloc(n);
}
static void plain_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

Test(inflate, alloc_reports_nomem_when_the_allocator_refuses)
{
    static uint8_t src[200000], c[220000];
    uint64_t seed = 2;
    gen(&seed, src, sizeof src, 1);
    size_t cn = zdeflate(src, sizeof src, 6, Z_DEFAULT_STRATEGY, 15, 1, 0, c, sizeof c);
    pith_allocator alc = {refuse_malloc, plain_free, NULL};
    pith_budget b;
    pith_arena a;
    pith_budget_init(&b, &alc, (uint64_t)1 << 30);
    pith_arena_init(&a, &b, 0);
    uint8_t *out;
    pith_inflate_result r;
    pith_decode_error e;
    cr_assert_eq(pith_inflate_alloc(&a, c, cn, PITH_INFLATE_ZLIB, sizeof src, 1 << 20, &out, &r, &e), PITH_E_NOMEM);
    cr_assert_null(out);
    cr_assert_eq(e.code, PITH_E_NOMEM);
    pith_arena_finish(&a);
}

/* MARK: - Differential test against zlib */

Test(inflate, matches_zlib_on_10000_generated_streams)
{
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED};
    size_t cap = 300000;
    uint8_t *src = malloc(cap), *c = malloc(cap * 2 + 1024), *out = malloc(cap + 64),
            *bad = malloc(cap * 2 + 1024), *zout = malloc(cap + 64);
    uint64_t seed = 0x5eed;
    unsigned streams = 0, corrupted_ok = 0, corrupted_agree = 0;
    size_t bytes_in = 0, bytes_out = 0;
    for (unsigned i = 0; i < 10000; i++) {
        unsigned level = 1 + i % 9;
        int strategy = strategies[(i / 9) % 5];
        int wbits = 9 + (int)((i / 45) % 7);
        int wrapper = (int)du_below(&seed, 3);
        uint32_t sz = du_below(&seed, 100);
        size_t n = sz < 78 ? du_below(&seed, 4096) : sz < 98 ? du_below(&seed, 40000) : du_below(&seed, (uint32_t)cap);
        if (i % 1000 == 0) n = 0;
        gen(&seed, src, n, (int)du_below(&seed, 5));
        size_t flush = du_below(&seed, 5) == 0 ? 1 + du_below(&seed, 5000) : 0;
        size_t cn = zdeflate(src, n, (int)level, strategy, wbits, wrapper, flush, c, cap * 2 + 1024);
        pith_inflate_wrap w = wrapper == 0 ? PITH_INFLATE_RAW : wrapper == 1 ? PITH_INFLATE_ZLIB : PITH_INFLATE_GZIP;
        pith_inflate_result r;
        pith_status st = dec(c, cn, w, out, n, &r);
        cr_assert_eq(st, PITH_OK, "stream %u (level %u strategy %d wbits %d wrapper %d, %zu -> %zu): %s", i,
                     level, strategy, wbits, wrapper, n, cn, pith_status_name(st));
        cr_assert_eq(r.out_len, n);
        cr_assert_eq(r.in_used, cn);
        cr_assert(n == 0 || memcmp(out, src, n) == 0, "stream %u differs", i);
        streams++;
        bytes_in += cn;
        bytes_out += n;

        /* Corrupt a copy (1-4 bit flips, sometimes a cut) and compare with zlib: the same
         * verdict, and the same bytes when both accept it. */
        if (cn == 0) continue;
        memcpy(bad, c, cn);
        size_t bn = cn;
        unsigned flips = 1 + du_below(&seed, 4);
        for (unsigned f = 0; f < flips; f++) {
            size_t at = du_below(&seed, (uint32_t)cn);
            bad[at] ^= (uint8_t)(1u << du_below(&seed, 8));
        }
        if (du_below(&seed, 4) == 0) bn = du_below(&seed, (uint32_t)cn);
        size_t zn;
        int wb = wrapper == 0 ? -15 : wrapper == 1 ? 15 : 31;
        bool zok = zinflate(bad, bn, wb, zout, n + 64, &zn);
        st = dec(bad, bn, w, out, n + 64, &r);
        cr_assert_leq(r.out_len, n + 64);
        cr_assert_eq(st == PITH_OK, zok, "corrupted stream %u: pith %s, zlib %s", i, pith_status_name(st),
                     zok ? "ok" : "error");
        if (st == PITH_OK) {
            corrupted_ok++;
            cr_assert_eq(r.out_len, zn);
            cr_assert(memcmp(out, zout, zn) == 0);
        } else {
            /* What pith kept is what zlib decoded before its error. */
            size_t k = r.out_len < zn ? r.out_len : zn;
            cr_assert(memcmp(out, zout, k) == 0, "corrupted stream %u: partial output differs", i);
        }
        corrupted_agree++;
    }
    fprintf(stderr, "inflate: %u generated streams (%zu -> %zu bytes) match zlib; %u corrupted copies agree with zlib (%u still valid)\n",
            streams, bytes_in, bytes_out, corrupted_agree, corrupted_ok);
    free(src);
    free(c);
    free(out);
    free(bad);
    free(zout);
}

/* Decode with zlib, growing the buffer: the reference for corpus streams. */
static bool zinflate_all(const uint8_t *in, size_t n, int wb, uint8_t **out, size_t *out_len)
{
    size_t cap = n * 4 + 4096;
    for (;;) {
        *out = realloc(*out, cap);
        z_stream s;
        memset(&s, 0, sizeof s);
        inflateInit2(&s, wb);
        s.next_in = (Bytef *)(uintptr_t)in;
        s.avail_in = (uInt)n;
        s.next_out = *out;
        s.avail_out = (uInt)cap;
        int r = inflate(&s, Z_FINISH);
        *out_len = s.total_out;
        inflateEnd(&s);
        if (r == Z_BUF_ERROR && s.avail_out == 0 && cap < ((size_t)1 << 30)) {
            cap *= 4;
            continue;
        }
        return r == Z_STREAM_END;
    }
}

typedef struct corpus_stats {
    pith_arena *arena;
    unsigned streams, valid, damaged, corrupted;
    size_t bytes_in, bytes_out;
    uint64_t seed;
    uint8_t *zbuf;
    int raw; /* ZIP entries: raw deflate */
} corpus_stats;

/* One stream: pith (AUTO for PDF, RAW for ZIP) against zlib with the same wrapper. */
static void check_stream(const uint8_t *data, size_t len, int only, void *user)
{
    (void)only;
    corpus_stats *cs = user;
    pith_inflate_wrap w = PITH_INFLATE_RAW;
    int wb = -15;
    if (!cs->raw) {
        if (len >= 2 && (data[0] & 15) == 8 && (data[0] >> 4) <= 7 && ((data[0] << 8) | data[1]) % 31 == 0) {
            w = PITH_INFLATE_ZLIB;
            wb = 15;
        } else if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
            w = PITH_INFLATE_GZIP;
            wb = 31;
        }
    }
    size_t zn = 0;
    bool zok = zinflate_all(data, len, wb, &cs->zbuf, &zn);
    pith_arena_mark m = pith_arena_mark_get(cs->arena);
    uint8_t *out;
    pith_inflate_result r;
    pith_decode_error e;
    pith_status st = pith_inflate_alloc(cs->arena, data, len, PITH_INFLATE_AUTO, 0, (size_t)1 << 30, &out, &r, &e);
    if (cs->raw) {
        pith_arena_release(cs->arena, m);
        st = pith_inflate_alloc(cs->arena, data, len, PITH_INFLATE_RAW, 0, (size_t)1 << 30, &out, &r, &e);
    }
    cr_assert_eq(r.wrap, w);
    cr_assert_eq(st == PITH_OK, zok, "stream of %zu bytes: pith %s (%s), zlib %s", len, pith_status_name(st),
                 e.message, zok ? "ok" : "error");
    size_t k = r.out_len < zn ? r.out_len : zn;
    if (zok) cr_assert_eq(r.out_len, zn);
    cr_assert(k == 0 || memcmp(out, cs->zbuf, k) == 0, "stream of %zu bytes: output differs from zlib", len);
    cs->streams++;
    if (zok) cs->valid++;
    else cs->damaged++;
    cs->bytes_in += len;
    cs->bytes_out += r.out_len;
    pith_arena_release(cs->arena, m);

    /* A corrupted copy must not crash, and must agree with zlib. */
    if (len == 0) return;
    uint8_t *bad = malloc(len);
    memcpy(bad, data, len);
    for (int f = 0; f < 3; f++) bad[du_below(&cs->seed, (uint32_t)len)] ^= (uint8_t)(1u << du_below(&cs->seed, 8));
    zok = zinflate_all(bad, len, wb, &cs->zbuf, &zn);
    st = pith_inflate_alloc(cs->arena, bad, len, w, 0, (size_t)1 << 30, &out, &r, &e);
    cr_assert_eq(st == PITH_OK, zok);
    k = r.out_len < zn ? r.out_len : zn;
    cr_assert(k == 0 || memcmp(out, cs->zbuf, k) == 0);
    cs->corrupted++;
    pith_arena_release(cs->arena, m);
    free(bad);
}

static void each_pdf(const char *path, void *user)
{
    size_t n;
    uint8_t *d = du_read(path, &n);
    if (!d) return;
    du_pdf_flate_streams(d, n, check_stream, user);
    free(d);
}

static void each_zip(const char *path, void *user)
{
    corpus_stats *cs = user;
    size_t n;
    uint8_t *d = du_read(path, &n);
    if (!d) return;
    pith_zip z;
    pith_arena_mark m = pith_arena_mark_get(cs->arena);
    pith_zip_open(&z, cs->arena, d, n, NULL, NULL);
    for (uint32_t i = 0; i < z.count; i++) {
        const pith_zip_entry *e = &z.entries[i];
        if (e->method != 8 || e->status != PITH_OK || e->usize == UINT64_MAX) continue;
        check_stream(d + e->data_off, (size_t)e->csize, 1, cs);
    }
    pith_arena_release(cs->arena, m);
    free(d);
}

Test(inflate, matches_zlib_on_every_corpus_flate_stream_and_zip_entry)
{
    pith_budget b;
    pith_arena a;
    pith_budget_init(&b, NULL, (uint64_t)4 << 30);
    pith_arena_init(&a, &b, 0);
    corpus_stats pdf = {&a, 0, 0, 0, 0, 0, 0, 42, NULL, 0};
    int files = du_each_file("pdf", ".pdf", each_pdf, &pdf);
    if (files < 0) {
        pith_arena_finish(&a);
        cr_skip("corpus not found at %s (set PITH_CORPUS)", du_corpus());
    }
    files += du_each_file("malformed", ".pdf", each_pdf, &pdf);
    cr_assert_gt(pdf.streams, 1000, "the scan finds the corpus's Flate streams");
    corpus_stats zip = {&a, 0, 0, 0, 0, 0, 0, 43, NULL, 1};
    const char *dirs[] = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "malformed"};
    int zips = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        int k = du_each_file(dirs[i], NULL, each_zip, &zip);
        if (k > 0) zips += k;
    }
    cr_assert_gt(zip.streams, 500);
    fprintf(stderr,
            "inflate: corpus: %u Flate streams in %d PDFs (%u valid, %u damaged; %zu -> %zu bytes) and "
            "%u deflated entries in %d archives (%u valid, %zu -> %zu bytes) match zlib; %u corrupted copies agree\n",
            pdf.streams, files, pdf.valid, pdf.damaged, pdf.bytes_in, pdf.bytes_out, zip.streams, zips, zip.valid,
            zip.bytes_in, zip.bytes_out, pdf.corrupted + zip.corrupted);
    free(pdf.zbuf);
    free(zip.zbuf);
    pith_arena_finish(&a);
}

/* MARK: - Documents */

typedef struct doc_case {
    const uint8_t *in;
    size_t len;
    pith_status want;
    size_t out_len;
} doc_case;

static doc_case *cases;
static size_t ncases;

static pith_status case_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    (void)data;
    (void)len;
    (void)state;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    return PITH_OK;
}

static pith_status case_unit(pith_doc *doc, void *state, uint32_t i)
{
    (void)state;
    (void)i;
    for (size_t k = 0; k < ncases; k++) {
        uint8_t *out;
        size_t n;
        pith_status st = pith_inflate_doc(doc, NULL, cases[k].in, cases[k].len, PITH_INFLATE_AUTO, 0, 1000 + k, &out, &n);
        cases[k].want = st;
        cases[k].out_len = n;
        if (st == PITH_E_LIMIT) return st;
    }
    return PITH_OK;
}

static const pith_handler case_handler = {"inflate-test", case_open, case_unit};

static pith_status run_cases(pith_ctx *ctx, const pith_options *o, pith_doc **out)
{
    pith_doc *doc;
    pith_status st = pith_open_with(ctx, &case_handler, PITH_FMT_TEXT, "x", 1, o, &doc);
    cr_assert_eq(st, PITH_OK);
    pith_chunk c;
    while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
    }
    *out = doc;
    return st;
}

Test(inflate, doc_wrapper_charges_the_document_and_warns_on_damage)
{
    static uint8_t src[50000], c[60000], cut[60000];
    uint64_t seed = 5;
    gen(&seed, src, sizeof src, 1);
    size_t cn = zdeflate(src, sizeof src, 6, Z_DEFAULT_STRATEGY, 15, 1, 0, c, sizeof c);
    memcpy(cut, c, cn / 2);
    doc_case cs[3] = {{c, cn, 0, 0}, {cut, cn / 2, 0, 0}, {c, cn, 0, 0}};
    cases = cs;
    ncases = 3;
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_options o = pith_options_default();
    pith_doc *doc;
    cr_assert_eq(run_cases(ctx, &o, &doc), PITH_OK);
    cr_assert_eq(cs[0].want, PITH_OK);
    cr_assert_eq(cs[0].out_len, sizeof src);
    cr_assert_eq(cs[1].want, PITH_E_TRUNCATED);
    cr_assert_gt(cs[1].out_len, 0, "the decoded part of a cut stream is kept");
    cr_assert_eq(cs[2].want, PITH_OK);
    cr_assert_eq(pith_doc_warning_count(doc), 1, "the cut stream is a warning, not a failure");
    pith_warning wn;
    cr_assert_eq(pith_doc_warning(doc, 0, &wn), PITH_OK);
    cr_assert_eq(wn.code, PITH_E_TRUNCATED);
    cr_assert(strstr(wn.message, "inflate: input ends") != NULL, "%s", wn.message);
    cr_assert_geq(pith_ctx_stats(ctx).work, 2 * sizeof src);
    pith_ctx_destroy(ctx);

    /* Across the document: two 50,000-byte streams do not fit in 80,000 bytes. */
    ctx = pith_ctx_create(NULL);
    o.limits.max_decompressed_bytes = 80000;
    pith_status st = run_cases(ctx, &o, &doc);
    cr_assert_eq(st, PITH_E_LIMIT);
    cr_assert_eq(cs[0].want, PITH_OK);
    pith_error e = pith_ctx_error(ctx);
    cr_assert(strstr(e.message, "max_decompressed_bytes") != NULL, "%s", e.message);
    pith_ctx_destroy(ctx);

    /* Per stream: max_ratio. */
    ctx = pith_ctx_create(NULL);
    o = pith_options_default();
    o.limits.max_ratio = 3;
    st = run_cases(ctx, &o, &doc);
    cr_assert_eq(st, PITH_E_LIMIT);
    e = pith_ctx_error(ctx);
    cr_assert(strstr(e.message, "max_ratio") != NULL, "%s", e.message);
    cr_assert_eq(e.offset, 1000);
    pith_ctx_destroy(ctx);
}

/* MARK: - Hostile */

Test(inflate_hostile, bomb_stops_at_max_out_with_one_buffer)
{
    size_t matches = ((size_t)1 << 30) / 258; /* 1 GiB of zeros from about 1 MiB */
    size_t cap = matches / 4 + 1024;
    uint8_t *bomb = malloc(cap);
    size_t n = du_make_bomb(bomb, cap, matches);
    cr_assert_lt(n, (size_t)1100 << 10);
    pith_budget b;
    pith_arena a;
    pith_budget_init(&b, NULL, (uint64_t)64 << 20);
    pith_arena_init(&a, &b, 0);
    uint8_t *out;
    pith_inflate_result r;
    pith_decode_error e;
    cr_assert_eq(pith_inflate_alloc(&a, bomb, n, PITH_INFLATE_RAW, 0, (size_t)8 << 20, &out, &r, &e), PITH_E_LIMIT);
    cr_assert_eq(r.out_len, (size_t)8 << 20);
    cr_assert_leq(b.high, (uint64_t)9 << 20, "at most one 8 MiB buffer was ever held");
    pith_arena_finish(&a);

    /* A 1 KiB slice of the bomb (a valid stream start, about 900 KiB of output before it is
     * cut): max_out, not the stream, decides what is allocated. */
    pith_budget_init(&b, NULL, (uint64_t)64 << 20);
    pith_arena_init(&a, &b, 0);
    cr_assert_eq(pith_inflate_alloc(&a, bomb, 1024, PITH_INFLATE_RAW, 0, 256 * 1024, &out, &r, &e), PITH_E_LIMIT);
    cr_assert_eq(r.out_len, 256 * 1024);
    cr_assert_leq(b.high, (uint64_t)300 << 10);
    pith_arena_release(&a, pith_arena_mark_get(&a));
    cr_assert_eq(pith_inflate_alloc(&a, bomb, 1024, PITH_INFLATE_RAW, 0, 2000 * 1024, &out, &r, &e),
                 PITH_E_TRUNCATED);
    cr_assert_gt(r.out_len, 800 * 1024);
    pith_arena_finish(&a);
    free(bomb);
}

Test(inflate_hostile, every_truncation_of_a_zlib_stream)
{
    static uint8_t src[20000], c[24000], out[20000];
    uint64_t seed = 99;
    gen(&seed, src, sizeof src, 1);
    gen(&seed, src + 15000, 5000, 0);
    size_t cn = zdeflate(src, sizeof src, 6, Z_DEFAULT_STRATEGY, 15, 1, 2000, c, sizeof c);
    for (size_t t = 0; t < cn; t++) {
        pith_inflate_result r;
        pith_status st = dec(c, t, PITH_INFLATE_ZLIB, out, sizeof out, &r);
        cr_assert_eq(st, PITH_E_TRUNCATED, "cut at %zu of %zu: %s", t, cn, pith_status_name(st));
        cr_assert(r.out_len == 0 || memcmp(out, src, r.out_len) == 0, "cut at %zu: output is not a prefix", t);
        cr_assert_leq(r.in_used, t);
    }
}

Test(inflate_hostile, thousand_bit_flipped_copies)
{
    static uint8_t src[30000], c[34000], bad[34000], out[30064];
    uint64_t seed = 1234;
    gen(&seed, src, sizeof src, 3);
    size_t cn = zdeflate(src, sizeof src, 9, Z_DEFAULT_STRATEGY, 15, 1, 0, c, sizeof c);
    unsigned statuses[PITH_STATUS_COUNT] = {0};
    for (int i = 0; i < 1000; i++) {
        memcpy(bad, c, cn);
        bad[du_below(&seed, (uint32_t)cn)] ^= (uint8_t)(1u << du_below(&seed, 8));
        pith_inflate_result r;
        pith_status st = dec(bad, cn, PITH_INFLATE_ZLIB, out, sizeof out, &r);
        cr_assert(st == PITH_OK || st == PITH_E_FORMAT || st == PITH_E_TRUNCATED || st == PITH_E_LIMIT ||
                      st == PITH_E_UNSUPPORTED,
                  "%s", pith_status_name(st));
        cr_assert_leq(r.out_len, sizeof out);
        statuses[st]++;
    }
    /* A flipped bit almost always breaks the Adler-32 or the data. */
    cr_assert_gt(statuses[PITH_E_FORMAT], 800);
}

Test(inflate_hostile, never_reads_past_the_input)
{
    /* The stream ends right at a PROT_NONE page: any read past it faults. */
    long page = sysconf(_SC_PAGESIZE);
    uint8_t *map = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(map, MAP_FAILED);
    cr_assert_eq(mprotect(map + 2 * page, (size_t)page, PROT_NONE), 0);
    static uint8_t src[6000], c[8000], out[6000];
    uint64_t seed = 17;
    gen(&seed, src, sizeof src, 1);
    for (int wrapper = 0; wrapper < 3; wrapper++) {
        size_t cn = zdeflate(src, sizeof src, 6, Z_DEFAULT_STRATEGY, 15, wrapper, 0, c, sizeof c);
        cr_assert_leq(cn, (size_t)page * 2);
        for (size_t cut = 0; cut <= cn; cut += (cut < 64 || cn - cut < 64) ? 1 : 97) {
            uint8_t *at = map + 2 * page - cut;
            memcpy(at, c, cut);
            pith_inflate_result r;
            pith_inflate_wrap w = wrapper == 0 ? PITH_INFLATE_RAW : wrapper == 1 ? PITH_INFLATE_ZLIB : PITH_INFLATE_GZIP;
            pith_status st = dec(at, cut, w, out, sizeof out, &r);
            cr_assert_eq(st, cut == cn ? PITH_OK : PITH_E_TRUNCATED);
        }
    }
    munmap(map, (size_t)page * 3);
}

Test(inflate_hostile, trailing_bytes_are_left_alone)
{
    const char *text = "trailing bytes after the stream belong to the container";
    uint8_t c[256], out[128];
    size_t cn = zdeflate((const uint8_t *)text, strlen(text), 6, Z_DEFAULT_STRATEGY, 15, 1, 0, c, sizeof c);
    memcpy(c + cn, "endstream\nendobj", 16);
    pith_inflate_result r;
    cr_assert_eq(dec(c, cn + 16, PITH_INFLATE_ZLIB, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.in_used, cn);
    size_t rn = zdeflate((const uint8_t *)text, strlen(text), 6, Z_DEFAULT_STRATEGY, 15, 0, 0, c, sizeof c);
    memset(c + rn, 0xff, 32);
    cr_assert_eq(dec(c, rn + 32, PITH_INFLATE_RAW, out, sizeof out, &r), PITH_OK);
    cr_assert_eq(r.in_used, rn);
}

Test(inflate_hostile, many_tiny_dynamic_blocks_cost_linear_time)
{
    /* 20,000 dynamic blocks of one literal each: every block rebuilds its tables. What is
     * asserted is the output, and that the work stays bounded (the test's own time). */
    size_t cap = 20000 * 200;
    uint8_t *buf = malloc(cap);
    uint8_t lit[257] = {0}, dist[1] = {0};
    lit['q'] = 1;
    lit[256] = 1;
    uint32_t lc[257];
    du_canonical(lit, 257, lc);
    du_bits w;
    du_bits_init(&w, buf, cap);
    for (int i = 0; i < 20000; i++) {
        du_dynamic_header(&w, i == 19999, lit, 257, dist, 1);
        du_put_code(&w, lc['q'], 1);
        du_put_code(&w, lc[256], 1);
    }
    size_t n = du_flush(&w);
    uint8_t *out = malloc(20000);
    pith_inflate_result r;
    cr_assert_eq(dec(buf, n, PITH_INFLATE_RAW, out, 20000, &r), PITH_OK);
    cr_assert_eq(r.out_len, 20000);
    for (int i = 0; i < 20000; i++) cr_assert_eq(out[i], 'q');
    free(buf);
    free(out);
}
