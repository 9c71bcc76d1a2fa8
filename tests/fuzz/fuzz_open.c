/* fuzz_open.c: any bytes through pith_open and every output format, with every handler this
 * build has (detection included). Small limits keep each run fast; the property is: no crash,
 * no sanitizer report, a status from the enum, and chunks that respect their contract. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pith.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_chunk(const pith_chunk *c, uint32_t cap)
{
    /* The contract: 1..cap bytes, starting on a code-point boundary. */
    if (c->len == 0 || c->len > cap) abort();
    if ((c->data[0] & 0xC0) == 0x80) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const hints[] = {NULL, "x.txt", "x.md", "x.html", "x.csv", "x.json"};
    pith_ctx *ctx = pith_ctx_create(NULL);
    if (!ctx) return 0;
    for (int out = 0; out < PITH_OUT_COUNT; out++) {
        pith_options o = pith_options_default();
        o.output = (pith_output)out;
        o.chunk_size = 64 + (size % 200);
        const char *hint = hints[(size + (size_t)out) % (sizeof hints / sizeof hints[0])];
        o.hint = hint;
        o.hint_len = hint ? strlen(hint) : 0;
        o.limits.max_memory_bytes = 64u << 20;
        o.limits.max_work = 50u << 20;
        o.limits.max_output_bytes = 16u << 20;
        pith_doc *doc;
        pith_status st = pith_open(ctx, data, size, &o, &doc);
        if ((unsigned)st >= PITH_STATUS_COUNT) abort();
        if (st != PITH_OK) continue;
        pith_chunk c;
        while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END))
            check_chunk(&c, o.chunk_size);
        if ((unsigned)st >= PITH_STATUS_COUNT) abort();
        for (uint32_t i = 0; i < pith_doc_warning_count(doc); i++) {
            pith_warning w;
            if (pith_doc_warning(doc, i, &w) != PITH_OK || !w.message) abort();
        }
        pith_close(doc);
    }
    pith_ctx_destroy(ctx);
    return 0;
}
