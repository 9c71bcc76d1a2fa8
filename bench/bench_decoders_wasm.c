/* bench_decoders_wasm.c: the loops of bench_decoders.c, as a standalone wasm module for
 * bench/bench_decoders_wasm.mjs (which builds it with emcc, times the calls from JS and
 * prints the wasm/native ratio). Benchmark-only: not part of the library or of any variant;
 * the library itself exports nothing for it. One call decodes one item.
 */
#include <stdlib.h>

#include "inflate.h"
#include "xml.h"
#include "zip.h"

#define EXPORT __attribute__((used, visibility("default")))

typedef struct bd {
    pith_budget budget;
    pith_arena arena;
} bd;

/* xml.c reports to a document when it has one; the benchmark never gives it one, so these are
 * never called, only linked. */
pith_status pith_fail(pith_doc *doc, pith_status code, uint64_t offset, const char *fmt, ...)
{
    (void)doc;
    (void)offset;
    (void)fmt;
    return code;
}
pith_status pith_warn(pith_doc *doc, pith_status code, uint64_t offset, const char *fmt, ...)
{
    (void)doc;
    (void)offset;
    (void)fmt;
    return code;
}
pith_status pith_work(pith_doc *doc, uint64_t n)
{
    (void)doc;
    (void)n;
    return PITH_OK;
}

EXPORT void *bd_alloc(size_t n) { return malloc(n ? n : 1); }

EXPORT bd *bd_create(void)
{
    bd *b = malloc(sizeof *b);
    pith_budget_init(&b->budget, NULL, (uint64_t)1 << 31);
    pith_arena_init(&b->arena, &b->budget, (size_t)64 << 20);
    return b;
}

/* zlib (1) or raw (2) stream into out[0..cap): bytes written, or -1. */
EXPORT int bd_inflate(int kind, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    pith_inflate_result r;
    pith_status st = pith_inflate_buf(in, len, kind == 1 ? PITH_INFLATE_ZLIB : PITH_INFLATE_RAW, out, cap, &r, NULL);
    return st == PITH_OK ? (int)r.out_len : -1;
}

/* Open an archive and extract every entry: bytes extracted, or -1. */
EXPORT int bd_zip(bd *b, const uint8_t *in, size_t len)
{
    pith_zip z;
    size_t total = 0;
    if (pith_zip_open(&z, &b->arena, in, len, NULL, NULL) != PITH_OK) return -1;
    for (uint32_t e = 0; e < z.count; e++) {
        const uint8_t *out;
        size_t n;
        if (pith_zip_extract(&z, &b->arena, &z.entries[e], &out, &n, NULL) == PITH_OK) total += n;
    }
    pith_arena_reset(&b->arena);
    return (int)total;
}

/* Tokenize an XML part to the end: tokens, or -1. */
EXPORT int bd_xml(bd *b, const uint8_t *in, size_t len)
{
    pith_xml x;
    pith_xml_token t;
    int n = 0;
    if (pith_xml_init(&x, &b->arena, in, len, NULL, NULL) != PITH_OK) return -1;
    while (pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) n++;
    pith_arena_reset(&b->arena);
    return n;
}
