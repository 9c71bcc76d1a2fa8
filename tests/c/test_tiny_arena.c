/* test_tiny_arena.c: every memory failure path, reached on purpose.
 *
 * Two sweeps over the same documents and all four outputs: (1) limits.max_memory_bytes from
 * far too small to enough, (2) an allocator that refuses its k-th request, for every k until
 * extraction succeeds. Each run must end in PITH_OK with exactly the output of an unhindered
 * run, or in PITH_E_LIMIT / PITH_E_NOMEM — never a crash, a leak or a wrong text.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pith.h"

typedef struct outcome {
    pith_status st;
    char *text;
    size_t len;
} outcome;

static outcome run(pith_ctx *ctx, const char *data, size_t len, const pith_options *o)
{
    outcome r = {PITH_OK, NULL, 0};
    pith_doc *doc;
    r.st = pith_open(ctx, data, len, o, &doc);
    if (r.st != PITH_OK) return r;
    size_t cap = 1024;
    r.text = malloc(cap);
    pith_chunk c;
    while ((r.st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        while (r.len + c.len > cap) r.text = realloc(r.text, cap *= 2);
        memcpy(r.text + r.len, c.data, c.len);
        r.len += c.len;
    }
    pith_close(doc);
    return r;
}

static char *sample(size_t *len)
{
    /* paragraphs, CRLF, multi-byte text: long enough to need several arena chunks */
    const char *para = "Caf\xc3\xa9 r\xc3\xa9sum\xc3\xa9 \xe2\x82\xac 12.\r\nSecond line\r\n\r\n";
    size_t pl = strlen(para), reps = 3000;
    char *d = malloc(pl * reps);
    for (size_t i = 0; i < reps; i++) memcpy(d + i * pl, para, pl);
    *len = pl * reps;
    return d;
}

Test(tiny_arena, memory_cap_sweep_gives_limit_or_the_right_text)
{
    size_t len;
    char *data = sample(&len);
    for (int out = 0; out < PITH_OUT_COUNT; out++) {
        pith_options o = pith_options_default();
        o.output = (pith_output)out;
        o.hint = "sample.txt";
        o.hint_len = 10;
        o.chunk_size = 4096;
        pith_ctx *ref_ctx = pith_ctx_create(NULL);
        outcome ref = run(ref_ctx, data, len, &o);
        cr_assert_eq(ref.st, PITH_OK, "reference run of output %d", out);
        pith_ctx_destroy(ref_ctx);
        int limits = 0, oks = 0;
        for (uint64_t cap = 256; cap < ((uint64_t)4 << 20); cap = cap * 3 / 2) {
            o.limits.max_memory_bytes = cap;
            pith_ctx *ctx = pith_ctx_create(NULL);
            outcome r = run(ctx, data, len, &o);
            if (r.st == PITH_OK) {
                oks++;
                cr_assert_eq(r.len, ref.len, "cap %llu output %d", (unsigned long long)cap, out);
                cr_assert_eq(memcmp(r.text, ref.text, r.len), 0);
            } else {
                limits++;
                cr_assert_eq(r.st, PITH_E_LIMIT, "cap %llu gave %s", (unsigned long long)cap,
                             pith_status_name(r.st));
                cr_assert(strstr(pith_ctx_error(ctx).message, "max_memory_bytes"));
            }
            cr_assert_leq(pith_ctx_stats(ctx).memory_high, cap);
            free(r.text);
            pith_ctx_destroy(ctx);
        }
        cr_assert_gt(limits, 0, "the sweep never reached the limit");
        cr_assert_gt(oks, 0, "the sweep never succeeded");
        free(ref.text);
    }
    free(data);
}

typedef struct counting {
    long calls, fail_at, live;
} counting;

static void *count_malloc(void *ctx, size_t n)
{
    counting *c = ctx;
    if (c->calls++ == c->fail_at) return NULL;
    void *p = malloc(n);
    if (p) c->live++;
    return p;
}
static void count_free(void *ctx, void *p)
{
    counting *c = ctx;
    if (p) c->live--;
    free(p);
}

Test(tiny_arena, every_allocation_failure_is_nomem_without_leaks)
{
    size_t len;
    char *data = sample(&len);
    for (int out = 0; out < PITH_OUT_COUNT; out++) {
        pith_options o = pith_options_default();
        o.output = (pith_output)out;
        o.hint = "sample.txt";
        o.hint_len = 10;
        o.chunk_size = 4096;
        int nomems = 0;
        for (long k = 1;; k++) { /* k = 0 would fail creating the context itself */
            counting cnt = {0, k, 0};
            pith_allocator alc = {count_malloc, count_free, &cnt};
            pith_ctx_config cfg = {&alc, 0};
            pith_ctx *ctx = pith_ctx_create(&cfg);
            cr_assert_not_null(ctx);
            outcome r = run(ctx, data, len, &o);
            free(r.text);
            pith_ctx_destroy(ctx);
            cr_assert_eq(cnt.live, 0, "leak after failing allocation %ld", k);
            if (r.st == PITH_OK) break;
            cr_assert_eq(r.st, PITH_E_NOMEM, "allocation %ld failing gave %s", k,
                         pith_status_name(r.st));
            nomems++;
            cr_assert_lt(k, 100000, "no success after 100000 allocations");
        }
        cr_assert_gt(nomems, 0);
    }
    free(data);
}
