/* fuzz_util.h: what the fuzz targets share (test code only): running a document through a
 * forced handler or detection with small limits and checking every chunk against the contract
 * of pith.h, and a document to run a shared reader or a handler's internals in.
 *
 * The properties checked beyond "no crash, no sanitizer report": every status is one of the
 * enum; a chunk is 1..chunk_size bytes of valid UTF-8 (so it starts on a code point boundary),
 * chunk indices count up from 0, units never go backwards and stay under the unit count, the
 * output stays within limits.max_output_bytes, and every warning has a message.
 */
#ifndef PITH_FUZZ_UTIL_H
#define PITH_FUZZ_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Limits small enough that one input stays fast, large enough to reach deep code. */
static inline pith_options fuzz_options(size_t size, int output)
{
    pith_options o = pith_options_default();
    o.output = (pith_output)output;
    o.chunk_size = 64 + (uint32_t)(size % 200);
    o.limits.max_memory_bytes = 64u << 20;
    o.limits.max_work = 50u << 20;
    o.limits.max_output_bytes = 16u << 20;
    return o;
}

/* Length of the valid UTF-8 sequence at s[0..n) (RFC 3629: no overlongs, no surrogates, at
 * most U+10FFFF), 0 when it is not one. */
static inline size_t fuzz_utf8_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else
        return 0;
    if (n < len) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return len;
}

/* PITH_FUZZ_UTF8=0 in the environment: the UTF-8 of the output is not checked (neither the
 * sequences nor the code point boundaries of chunks). tests/fuzz/run sets it for the targets
 * with an open "invalid UTF-8 in the output" finding (tests/fuzz/REPORT.md), so that their
 * campaigns go on looking for other faults; the replays in `meson test` always check it. */
static inline bool fuzz_utf8_strict(void)
{
    const char *e = getenv("PITH_FUZZ_UTF8");
    return !(e && e[0] == '0');
}

static inline void fuzz_check_utf8(const uint8_t *s, size_t n)
{
    static int strict = -1;
    if (strict < 0) strict = fuzz_utf8_strict();
    if (!strict) return;
    for (size_t i = 0; i < n;) {
        size_t l = fuzz_utf8_len(s + i, n - i);
        if (!l) abort();
        i += l;
    }
}

/* Pull every chunk of an open document, checking the contract. */
static inline void fuzz_drain(pith_doc *doc, const pith_options *o)
{
    pith_chunk c;
    pith_status st;
    uint32_t next_index = 0, last_unit = 0, units = pith_doc_units(doc);
    uint64_t total = 0;
    while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        if (c.len == 0 || c.len > o->chunk_size || !c.data) abort();
        fuzz_check_utf8((const uint8_t *)c.data, c.len);
        if (c.index != next_index++) abort();
        if (c.unit < last_unit || (units && c.unit >= units)) abort();
        last_unit = c.unit;
        total += c.len;
    }
    if ((unsigned)st >= PITH_STATUS_COUNT) abort();
    /* The serializers may finish the block they are in past the limit, never by much. */
    if (total > o->limits.max_output_bytes + (1u << 16)) abort();
    for (uint32_t i = 0; i < pith_doc_warning_count(doc); i++) {
        pith_warning w;
        if (pith_doc_warning(doc, i, &w) != PITH_OK || !w.message) abort();
    }
    for (uint32_t i = 0; i < pith_doc_meta_count(doc); i++) {
        pith_str k, v;
        if (pith_doc_meta(doc, i, &k, &v) != PITH_OK) abort();
        fuzz_check_utf8((const uint8_t *)v.p, v.n);
    }
}

/* Open data with handler h for format f (h NULL: detection), one output format chosen by the
 * input's size so the corpus covers all four, and drain it. */
static inline void fuzz_run_handler(const pith_handler *h, pith_format f, const uint8_t *data,
                                    size_t size)
{
    pith_ctx *ctx = pith_ctx_create(NULL);
    if (!ctx) return;
    pith_options o = fuzz_options(size, (int)(size % PITH_OUT_COUNT));
    pith_doc *doc = NULL;
    pith_status st = h ? pith_open_with(ctx, h, f, data, size, &o, &doc)
                       : pith_open(ctx, data, size, &o, &doc);
    if ((unsigned)st >= PITH_STATUS_COUNT) abort();
    if (st == PITH_OK) {
        fuzz_drain(doc, &o);
        pith_close(doc);
    }
    pith_ctx_destroy(ctx);
}

/* The handler of format f forced on the input (its registry entry). A build without that
 * handler has no such target (tests/fuzz/meson.build), so a NULL here is a build error. */
static inline void fuzz_forced(pith_format f, const uint8_t *data, size_t size)
{
    const pith_handler *h = pith_registry_find(f);
    if (!h) abort();
    fuzz_run_handler(h, f, data, size);
}

/* MARK: - A document for the internals (a stub handler gives arenas, warnings, limits) */

static inline pith_status fuzz_stub_open(pith_doc *doc, const uint8_t *d, size_t n, void **st)
{
    (void)d;
    (void)n;
    *st = NULL;
    pith_doc_set_units(doc, 1, PITH_UNIT_PAGE);
    return PITH_OK;
}
static inline pith_status fuzz_stub_unit(pith_doc *doc, void *st, uint32_t i)
{
    (void)doc;
    (void)st;
    (void)i;
    return PITH_OK;
}

typedef struct fuzz_doc {
    pith_ctx *ctx;
    pith_doc *doc;
} fuzz_doc;

/* A document named after handler `name` ("pdf": the options it reads are the PDF handler's). */
static inline bool fuzz_doc_open(fuzz_doc *fd, const char *name, pith_format f)
{
    static pith_handler stub;
    stub.name = name;
    stub.open = fuzz_stub_open;
    stub.unit = fuzz_stub_unit;
    fd->doc = NULL;
    fd->ctx = pith_ctx_create(NULL);
    if (!fd->ctx) return false;
    pith_options o = fuzz_options(0, PITH_OUT_TEXT);
    if (pith_open_with(fd->ctx, &stub, f, "", 0, &o, &fd->doc) != PITH_OK) {
        pith_ctx_destroy(fd->ctx);
        return false;
    }
    return true;
}

static inline void fuzz_doc_close(fuzz_doc *fd)
{
    pith_close(fd->doc);
    pith_ctx_destroy(fd->ctx);
}

/* Touch every byte of s[0..n) so ASan checks the whole range a reader handed out. */
static inline uint32_t fuzz_touch(const void *s, size_t n)
{
    const volatile uint8_t *p = (const volatile uint8_t *)s;
    uint32_t h = 0;
    for (size_t i = 0; i < n; i++) h = h * 31u + p[i];
    return h;
}

#endif
