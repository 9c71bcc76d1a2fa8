/* bench_native.c: native per-call time of pith over files, the baseline for wasm/native ratios.
 *
 *   bench_native [--output text|markdown|json|html] [--seconds S] FILE...
 *
 * For each file: one context reused across calls (as extractBatch does), calls repeated for
 * about S seconds (default 0.5) after a warm-up; prints one line per file:
 *   <file>\t<bytes>\t<median_us>\t<min_us>\t<MB/s at median>\t<calls>\t<arena_high>
 * Figures are printed, never asserted (the machine is noisy; ratios within one run are what
 * the reports compare).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pith.h"

#include "bench_util.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int one_call(pith_ctx *ctx, const unsigned char *d, size_t n, const pith_options *o,
                    size_t *out_bytes)
{
    pith_doc *doc;
    if (pith_open(ctx, d, n, o, &doc) != PITH_OK) return 1;
    pith_chunk c;
    size_t total = 0;
    pith_status st;
    while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) total += c.len;
    pith_close(doc);
    *out_bytes = total;
    return st != PITH_OK;
}

int main(int argc, char **argv)
{
    pith_options o = pith_options_default();
    double seconds = 0.5;
    int first = 1;
    for (; first < argc && argv[first][0] == '-' && argv[first][1] == '-'; first++) {
        if (strcmp(argv[first], "--output") == 0 && first + 1 < argc) {
            const char *v = argv[++first];
            o.output = strcmp(v, "markdown") == 0 ? PITH_OUT_MARKDOWN
                       : strcmp(v, "json") == 0   ? PITH_OUT_JSONL
                       : strcmp(v, "html") == 0   ? PITH_OUT_HTML
                                                  : PITH_OUT_TEXT;
        } else if (strcmp(argv[first], "--seconds") == 0 && first + 1 < argc) {
            seconds = atof(argv[++first]);
        } else {
            fprintf(stderr, "bench_native: unknown option %s\n", argv[first]);
            return 2;
        }
    }
    pith_ctx *ctx = pith_ctx_create(NULL);
    printf("file\tbytes\tmedian_us\tmin_us\tMB_s\tcalls\tarena_high\n");
    for (int i = first; i < argc; i++) {
        size_t n;
        unsigned char *d = bench_read_file(argv[i], &n);
        if (!d) {
            fprintf(stderr, "bench_native: cannot read %s\n", argv[i]);
            continue;
        }
        o.hint = argv[i];
        o.hint_len = strlen(argv[i]);
        size_t out = 0;
        for (int w = 0; w < 3; w++) one_call(ctx, d, n, &o, &out);
        size_t cap = 1 << 20, calls = 0;
        double *t = malloc(cap * sizeof *t);
        double start = now_us();
        while (calls < cap && (calls < 5 || now_us() - start < seconds * 1e6)) {
            double t0 = now_us();
            if (one_call(ctx, d, n, &o, &out)) {
                pith_error e = pith_ctx_error(ctx);
                fprintf(stderr, "bench_native: %s: %s\n", argv[i], e.message);
                break;
            }
            t[calls++] = now_us() - t0;
        }
        if (calls) {
            qsort(t, calls, sizeof *t, cmp_double);
            double med = t[calls / 2];
            printf("%s\t%zu\t%.2f\t%.2f\t%.1f\t%zu\t%llu\n", argv[i], n, med, t[0],
                   med > 0 ? (double)n / med : 0.0, calls,
                   (unsigned long long)pith_ctx_stats(ctx).memory_high);
        }
        free(t);
        free(d);
    }
    pith_ctx_destroy(ctx);
    return 0;
}
