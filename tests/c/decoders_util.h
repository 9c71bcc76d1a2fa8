/* decoders_util.h: helpers shared by the decoder suites (test_inflate.c, test_zip.c,
 * test_xml.c, test_pdf_filters.c) and bench/bench_decoders.c: a DEFLATE bit writer for
 * hand-made streams, a deterministic PRNG, corpus files, and the Flate streams of a PDF.
 * Everything here is written from the specs (RFC 1951 §3.2, ISO 32000-1 §7.3.8), not from
 * pith's decoders, so hand-made vectors are an independent source.
 */
#ifndef PITH_TESTS_DECODERS_UTIL_H
#define PITH_TESTS_DECODERS_UTIL_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MARK: - PRNG (xorshift64*, reproducible across platforms) */

static inline uint64_t du_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}
static inline uint32_t du_below(uint64_t *s, uint32_t n) { return n ? (uint32_t)(du_rand(s) % n) : 0; }

/* MARK: - Bit writer (LSB first, as DEFLATE packs data elements) */

typedef struct du_bits {
    uint8_t *buf;
    size_t cap, len;
    uint64_t acc;
    unsigned n;
} du_bits;

static inline void du_bits_init(du_bits *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->acc = 0;
    w->n = 0;
}

/* value's low `count` bits, least significant first (extra bits, header fields) */
static inline void du_put(du_bits *w, uint32_t value, unsigned count)
{
    w->acc |= (uint64_t)(value & ((count < 32 ? (1u << count) : 0u) - 1u)) << w->n;
    w->n += count;
    while (w->n >= 8) {
        if (w->len < w->cap) w->buf[w->len] = (uint8_t)w->acc;
        w->len++;
        w->acc >>= 8;
        w->n -= 8;
    }
}

/* a Huffman code, most significant bit first (RFC 1951 §3.1.1) */
static inline void du_put_code(du_bits *w, uint32_t code, unsigned len)
{
    uint32_t rev = 0;
    for (unsigned i = 0; i < len; i++) rev |= ((code >> i) & 1u) << (len - 1 - i);
    du_put(w, rev, len);
}

static inline size_t du_flush(du_bits *w)
{
    if (w->n) du_put(w, 0, 8 - w->n);
    return w->len;
}

/* Canonical codes from code lengths (RFC 1951 §3.2.2, steps 1-3). */
static inline void du_canonical(const uint8_t *lens, unsigned n, uint32_t *codes)
{
    unsigned count[16] = {0}, next[16] = {0};
    for (unsigned i = 0; i < n; i++) count[lens[i]]++;
    count[0] = 0;
    unsigned code = 0;
    for (unsigned b = 1; b < 16; b++) {
        code = (code + count[b - 1]) << 1;
        next[b] = code;
    }
    for (unsigned i = 0; i < n; i++)
        if (lens[i]) codes[i] = next[lens[i]]++;
}

/* Fixed Huffman code (RFC 1951 §3.2.6) for literal/length symbol s. */
static inline void du_fixed_litlen(du_bits *w, unsigned s)
{
    if (s < 144) du_put_code(w, 0x30 + s, 8);
    else if (s < 256) du_put_code(w, 0x190 + (s - 144), 9);
    else if (s < 280) du_put_code(w, s - 256, 7);
    else du_put_code(w, 0xc0 + (s - 280), 8);
}

/* Length 3..258 as symbol + extra bits, distance 1..32768 likewise (RFC 1951 §3.2.5). */
static inline void du_length_sym(unsigned len, unsigned *sym, unsigned *extra, unsigned *ebits)
{
    static const unsigned base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                      35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const unsigned eb[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    unsigned i = 28;
    while (base[i] > len) i--;
    *sym = 257 + i;
    *extra = len - base[i];
    *ebits = eb[i];
}
static inline void du_dist_sym(unsigned d, unsigned *sym, unsigned *extra, unsigned *ebits)
{
    static const unsigned base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                      257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                      8193, 12289, 16385, 24577};
    unsigned i = 29;
    while (base[i] > d) i--;
    *sym = i;
    *extra = d - base[i];
    *ebits = i < 4 ? 0 : (i - 2) / 2;
}

/* A fixed-code match. */
static inline void du_fixed_match(du_bits *w, unsigned len, unsigned dist)
{
    unsigned s, x, b;
    du_length_sym(len, &s, &x, &b);
    du_fixed_litlen(w, s);
    du_put(w, x, b);
    du_dist_sym(dist, &s, &x, &b);
    du_put_code(w, s, 5);
    du_put(w, x, b);
}

/* Dynamic block header for the given code lengths (nlit 257..288, ndist 1..32 accepted as
 * given, so invalid counts can be written too). The code length code is the complete code
 * giving symbols 0..15 four bits each; lengths are sent one symbol each, no repeats. */
static inline void du_dynamic_header(du_bits *w, int final, const uint8_t *lit, unsigned nlit,
                                     const uint8_t *dist, unsigned ndist)
{
    static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    du_put(w, final ? 1 : 0, 1);
    du_put(w, 2, 2);
    du_put(w, nlit - 257, 5);
    du_put(w, ndist - 1, 5);
    du_put(w, 19 - 4, 4);
    for (unsigned i = 0; i < 19; i++) du_put(w, order[i] < 16 ? 4 : 0, 3);
    for (unsigned i = 0; i < nlit; i++) du_put_code(w, lit[i], 4);
    for (unsigned i = 0; i < ndist; i++) du_put_code(w, dist[i], 4);
}

/* MARK: - Encoders written from the specs */

/* CRC-32 bit by bit (ISO 3309, reflected 0xEDB88320): slow, obviously right. */
static inline uint32_t du_crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

/* Raw DEFLATE of src in one fixed-code block: greedy matches of 3..258 bytes found by
 * scanning back up to `window` bytes (quadratic; for small test data). */
static inline size_t du_deflate_fixed(const uint8_t *src, size_t n, uint8_t *out, size_t cap, size_t window)
{
    du_bits w;
    du_bits_init(&w, out, cap);
    du_put(&w, 1, 1);
    du_put(&w, 1, 2);
    size_t i = 0;
    while (i < n) {
        size_t best = 0, dist = 0;
        size_t lo = i > window ? i - window : 0;
        for (size_t j = lo; j < i; j++) {
            size_t k = 0;
            while (k < 258 && i + k < n && src[j + k] == src[i + k]) k++;
            if (k > best) {
                best = k;
                dist = i - j;
            }
        }
        if (best >= 3) {
            du_fixed_match(&w, (unsigned)best, (unsigned)dist);
            i += best;
        } else {
            du_fixed_litlen(&w, src[i++]);
        }
    }
    du_fixed_litlen(&w, 256);
    return du_flush(&w);
}

/* A DEFLATE bomb: one dynamic block where a 258-byte match at distance 1 costs 2 bits (the
 * best DEFLATE can do, 1032:1): `matches` of them after one zero literal. */
static inline size_t du_make_bomb(uint8_t *buf, size_t cap, size_t matches)
{
    uint8_t lit[286] = {0}, dist[1] = {1};
    lit[0] = 2;
    lit[256] = 2;
    lit[285] = 1;
    uint32_t lc[286];
    du_canonical(lit, 286, lc);
    du_bits w;
    du_bits_init(&w, buf, cap);
    du_dynamic_header(&w, 1, lit, 286, dist, 1);
    du_put_code(&w, lc[0], 2);
    for (size_t i = 0; i < matches; i++) du_put(&w, 0, 2); /* 285 = code 0, distance 0 = code 0 */
    du_put_code(&w, lc[256], 2);
    return du_flush(&w);
}

/* MARK: - Files */

static inline const char *du_corpus(void)
{
    const char *d = getenv("PITH_CORPUS");
    return d && *d ? d : "../shared/corpus";
}

static inline uint8_t *du_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && n > 0 && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return b;
}

/* Calls fn(path) for every regular file of corpus/<sub> (sorted by name, so runs compare).
 * Returns how many, or -1 when the folder is missing. */
static inline int du_names_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}
static inline int du_each_file(const char *sub, const char *suffix, void (*fn)(const char *, void *),
                               void *user)
{
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/%s", du_corpus(), sub);
    DIR *d = opendir(dir);
    if (!d) return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t l = strlen(e->d_name), sl = suffix ? strlen(suffix) : 0;
        if (sl && (l < sl || strcmp(e->d_name + l - sl, suffix) != 0)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, du_names_cmp);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%.1000s", dir, names[i]);
        fn(path, user);
        free(names[i]);
    }
    free(names);
    return (int)n;
}

/* MARK: - PDF streams */

/* The data of every stream whose dictionary names /FlateDecode (as its only or one of its
 * filters; /Fl too). The dictionary is the text between the last "<<" before "stream" that
 * opens it; /Length is used when it is a direct integer that lands on "endstream", else the
 * data runs to the next "endstream". Calls fn(data, len, predictor_or_chain, user). This is a
 * test harness scan, not a PDF parser: it is good enough for finding streams in real files. */
typedef void (*du_stream_fn)(const uint8_t *data, size_t len, int only_flate, void *user);

static inline const uint8_t *du_find(const uint8_t *p, const uint8_t *end, const char *lit)
{
    size_t n = strlen(lit);
    while ((size_t)(end - p) >= n) {
        const uint8_t *q = memchr(p, lit[0], (size_t)(end - p) - n + 1);
        if (!q) return NULL;
        if (memcmp(q, lit, n) == 0) return q;
        p = q + 1;
    }
    return NULL;
}

static inline int du_pdf_flate_streams(const uint8_t *pdf, size_t len, du_stream_fn fn, void *user)
{
    const uint8_t *end = pdf + len, *p = pdf;
    int count = 0;
    while ((p = du_find(p, end, "stream")) != NULL) {
        const uint8_t *kw = p;
        p += 6;
        if (kw > pdf && kw[-1] == 'd') continue; /* "endstream" */
        const uint8_t *data = p;
        if (data < end && *data == '\r') data++;
        if (data < end && *data == '\n') data++;
        else if (data == p) continue;
        /* The dictionary: back to the ">>" right before the keyword, then its "<<". */
        const uint8_t *dict_end = kw;
        while (dict_end > pdf && (dict_end[-1] == ' ' || dict_end[-1] == '\r' || dict_end[-1] == '\n'))
            dict_end--;
        if (dict_end - pdf < 2 || dict_end[-1] != '>' || dict_end[-2] != '>') continue;
        const uint8_t *dict = dict_end;
        size_t back = 0;
        int depth = 0;
        while (dict > pdf + 1 && back < 8192) {
            dict--;
            back++;
            if (dict[0] == '>' && dict[-1] == '>') {
                depth++;
                dict--;
            } else if (dict[0] == '<' && dict[-1] == '<') {
                if (--depth == 0) {
                    dict--;
                    break;
                }
                dict--;
            }
        }
        if (depth != 0) continue;
        const uint8_t *fl = du_find(dict, dict_end, "/FlateDecode");
        if (!fl) fl = du_find(dict, dict_end, "/Fl ");
        if (!fl) fl = du_find(dict, dict_end, "/Fl/");
        if (!fl) fl = du_find(dict, dict_end, "/Fl]");
        if (!fl) continue;
        /* Another filter in the chain? */
        const char *others[] = {"/ASCII85Decode", "/A85", "/ASCIIHexDecode", "/AHx", "/LZWDecode",
                                "/RunLengthDecode", "/DCTDecode", "/Crypt"};
        int only = 1;
        for (size_t k = 0; k < sizeof others / sizeof *others; k++)
            if (du_find(dict, dict_end, others[k])) only = 0;
        size_t dlen = 0;
        const uint8_t *L = du_find(dict, dict_end, "/Length");
        int have = 0;
        if (L) {
            const uint8_t *q = L + 7;
            while (q < dict_end && *q == ' ') q++;
            size_t v = 0;
            const uint8_t *digits = q;
            while (q < dict_end && *q >= '0' && *q <= '9' && v < ((size_t)1 << 40)) v = v * 10 + (size_t)(*q++ - '0');
            /* Direct when digits are not followed by "0 R". */
            const uint8_t *r = q;
            while (r < dict_end && *r == ' ') r++;
            int indirect = r < dict_end && *r >= '0' && *r <= '9';
            if (q > digits && !indirect && v <= (size_t)(end - data)) {
                const uint8_t *after = data + v;
                while (after < end && (*after == '\r' || *after == '\n' || *after == ' ')) after++;
                if ((size_t)(end - after) >= 9 && memcmp(after, "endstream", 9) == 0) {
                    dlen = v;
                    have = 1;
                }
            }
        }
        if (!have) {
            const uint8_t *es = du_find(data, end, "endstream");
            if (!es) continue;
            dlen = (size_t)(es - data);
            while (dlen > 0 && (data[dlen - 1] == '\n' || data[dlen - 1] == '\r')) dlen--;
        }
        fn(data, dlen, only, user);
        count++;
        p = data + dlen;
    }
    return count;
}

#endif
