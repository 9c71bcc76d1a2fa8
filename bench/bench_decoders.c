/* bench_decoders.c: throughput of the shared decoders on the corpus, against zlib.
 *
 *   bench_decoders [--seconds S] [--dump FILE] [--corpus DIR]
 *
 * Data (from $PITH_CORPUS or --corpus, default ../shared/corpus):
 *   pdf-flate   every zlib-wrapped Flate stream of the PDFs that zlib decodes cleanly
 *   zip-entry   every deflated entry of the DOCX/XLSX/PPTX files (raw DEFLATE)
 *   zip-extract whole DOCX/XLSX/PPTX/ODF/EPUB archives: open, then extract every entry
 *   xml         every XML part of those archives, tokenized to the end
 * For each set, every item is decoded in a pass; passes repeat for about S seconds (default
 * 1) after a warm-up, and the best and median pass are kept. MB/s counts output bytes for
 * inflate and extraction, input bytes for XML. zlib is measured in the same run on the same
 * buffers: `uncompress` for zlib streams, inflateInit2(-15)/inflate for raw ones. Figures are
 * printed, never asserted. --dump writes the same data for bench/bench_decoders_wasm.mjs,
 * which runs the same loops in wasm and prints the wasm/native ratio.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "inflate.h"
#include "xml.h"
#include "zip.h"

#include "bench_util.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* MARK: - Data sets */

enum { SET_FLATE = 1, SET_ENTRY, SET_ZIP, SET_XML, SET_COUNT };
static const char *set_names[SET_COUNT] = {"", "pdf-flate", "zip-entry", "zip-extract", "xml"};

typedef struct item {
    uint8_t *data;
    size_t len, out_len;
} item;

typedef struct set {
    item *items;
    size_t n, cap, in_bytes, out_bytes;
} set;

static set sets[SET_COUNT];

static void add(int k, const uint8_t *d, size_t len, size_t out_len)
{
    set *s = &sets[k];
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->items = realloc(s->items, s->cap * sizeof *s->items);
    }
    item *it = &s->items[s->n++];
    it->data = malloc(len ? len : 1);
    memcpy(it->data, d, len);
    it->len = len;
    it->out_len = out_len;
    s->in_bytes += len;
    s->out_bytes += out_len;
}

static const uint8_t *find(const uint8_t *p, const uint8_t *end, const char *lit)
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

/* zlib-wrapped streams after "stream" EOL whose data zlib inflates cleanly: the data runs to
 * the end of the zlib stream, so no dictionary parsing is needed to find its length. */
static void scan_pdf(const uint8_t *d, size_t len, uint8_t *scratch, size_t scratch_cap)
{
    if (find(d, d + len, "/Encrypt")) return;
    const uint8_t *p = d, *end = d + len;
    while ((p = find(p, end, "stream")) != NULL) {
        p += 6;
        const uint8_t *s = p;
        if (s < end && *s == '\r') s++;
        if (s < end && *s == '\n') s++;
        if (s == p || (size_t)(end - s) < 2) continue;
        if ((s[0] & 15) != 8 || (s[0] >> 4) > 7 || ((s[0] << 8) | s[1]) % 31 != 0) continue;
        z_stream z;
        memset(&z, 0, sizeof z);
        inflateInit(&z);
        z.next_in = (Bytef *)(uintptr_t)s;
        z.avail_in = (uInt)(end - s);
        z.next_out = scratch;
        z.avail_out = (uInt)scratch_cap;
        int r = inflate(&z, Z_FINISH);
        if (r == Z_STREAM_END) add(SET_FLATE, s, z.total_in, z.total_out);
        inflateEnd(&z);
        p = s + z.total_in;
    }
}

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static void scan_zip(const uint8_t *d, size_t len, int office)
{
    pith_budget b;
    pith_arena a;
    pith_budget_init(&b, NULL, (uint64_t)1 << 32);
    pith_arena_init(&a, &b, 0);
    pith_zip z;
    if (pith_zip_open(&z, &a, d, len, NULL, NULL) == PITH_OK) {
        add(SET_ZIP, d, len, 0);
        size_t total = 0;
        for (uint32_t i = 0; i < z.count; i++) {
            const pith_zip_entry *e = &z.entries[i];
            const uint8_t *out;
            size_t n;
            if (pith_zip_extract(&z, &a, e, &out, &n, NULL) != PITH_OK) continue;
            total += n;
            if (office && e->method == 8) add(SET_ENTRY, d + e->data_off, (size_t)e->csize, n);
            if (ends_with(e->name.p, e->name.n, ".xml") || ends_with(e->name.p, e->name.n, ".rels"))
                add(SET_XML, out, n, 0);
        }
        sets[SET_ZIP].items[sets[SET_ZIP].n - 1].out_len = total;
        sets[SET_ZIP].out_bytes += total;
    }
    pith_arena_finish(&a);
}

static void scan_dir(const char *corpus, const char *sub, int kind)
{
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/%s", corpus, sub);
    DIR *dd = opendir(dir);
    if (!dd) return;
    size_t scap = (size_t)256 << 20;
    uint8_t *scratch = kind == 0 ? malloc(scap) : NULL;
    struct dirent *de;
    char **names = NULL;
    size_t nn = 0;
    while ((de = readdir(dd)) != NULL) {
        if (de->d_name[0] == '.') continue;
        names = realloc(names, (nn + 1) * sizeof *names);
        names[nn++] = strdup(de->d_name);
    }
    closedir(dd);
    /* sorted, so every run sees the same order */
    for (size_t i = 0; i < nn; i++)
        for (size_t j = i + 1; j < nn; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    for (size_t i = 0; i < nn; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%.1000s", dir, names[i]);
        size_t len;
        uint8_t *d = bench_read_file(path, &len);
        if (d && kind == 0) scan_pdf(d, len, scratch, scap);
        else if (d) scan_zip(d, len, kind == 1);
        free(d);
        free(names[i]);
    }
    free(names);
    free(scratch);
}

/* MARK: - Passes */

typedef struct ctx {
    uint8_t *out;
    size_t out_cap;
    pith_budget budget;
    pith_arena arena;
} ctx;

/* One pass of engine e over set k: returns bytes that count for MB/s (0 on a failure). */
static size_t pass(ctx *c, int k, int zlib)
{
    set *s = &sets[k];
    size_t total = 0;
    for (size_t i = 0; i < s->n; i++) {
        const item *it = &s->items[i];
        if (k == SET_FLATE || k == SET_ENTRY) {
            if (zlib && k == SET_FLATE) {
                uLongf n = (uLongf)it->out_len;
                if (uncompress(c->out, &n, it->data, (uLong)it->len) != Z_OK) return 0;
                total += n;
            } else if (zlib) {
                z_stream z;
                memset(&z, 0, sizeof z);
                inflateInit2(&z, -15);
                z.next_in = it->data;
                z.avail_in = (uInt)it->len;
                z.next_out = c->out;
                z.avail_out = (uInt)it->out_len;
                int r = inflate(&z, Z_FINISH);
                inflateEnd(&z);
                if (r != Z_STREAM_END) return 0;
                total += z.total_out;
            } else {
                pith_inflate_result r;
                if (pith_inflate_buf(it->data, it->len, k == SET_FLATE ? PITH_INFLATE_ZLIB : PITH_INFLATE_RAW, c->out,
                                     it->out_len, &r, NULL) != PITH_OK)
                    return 0;
                total += r.out_len;
            }
        } else if (k == SET_ZIP) {
            pith_zip z;
            if (pith_zip_open(&z, &c->arena, it->data, it->len, NULL, NULL) != PITH_OK) return 0;
            for (uint32_t e = 0; e < z.count; e++) {
                const uint8_t *out;
                size_t n;
                if (pith_zip_extract(&z, &c->arena, &z.entries[e], &out, &n, NULL) == PITH_OK) total += n;
            }
            pith_arena_reset(&c->arena);
        } else {
            pith_xml x;
            pith_xml_token t;
            if (pith_xml_init(&x, &c->arena, it->data, it->len, NULL, NULL) != PITH_OK) continue;
            while (pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) {
            }
            total += it->len;
            pith_arena_reset(&c->arena);
        }
    }
    return total;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* MB/s at the median pass (and best), repeating for `seconds`. */
static void measure(ctx *c, int k, int zlib, double seconds, double *med, double *best)
{
    size_t bytes = pass(c, k, zlib); /* warm-up */
    double t[4096];
    int n = 0;
    double start = now_s();
    while (n < 4096 && (n < 3 || now_s() - start < seconds)) {
        double t0 = now_s();
        pass(c, k, zlib);
        t[n++] = now_s() - t0;
    }
    qsort(t, (size_t)n, sizeof *t, cmp_d);
    *med = (double)bytes / t[n / 2] / 1e6;
    *best = (double)bytes / t[0] / 1e6;
}

static void dump(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "bench_decoders: cannot write %s\n", path);
        exit(1);
    }
    /* records: u8 set, u32 len, u32 out_len, bytes (little-endian) */
    for (int k = 1; k < SET_COUNT; k++)
        for (size_t i = 0; i < sets[k].n; i++) {
            const item *it = &sets[k].items[i];
            uint8_t h[9] = {(uint8_t)k};
            for (int b = 0; b < 4; b++) {
                h[1 + b] = (uint8_t)(it->len >> (8 * b));
                h[5 + b] = (uint8_t)(it->out_len >> (8 * b));
            }
            fwrite(h, 1, 9, f);
            fwrite(it->data, 1, it->len, f);
        }
    fclose(f);
}

int main(int argc, char **argv)
{
    double seconds = 1.0;
    const char *dump_path = NULL, *corpus = getenv("PITH_CORPUS");
    if (!corpus || !*corpus) corpus = "../shared/corpus";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump_path = argv[++i];
        else if (!strcmp(argv[i], "--corpus") && i + 1 < argc) corpus = argv[++i];
        else {
            fprintf(stderr, "usage: bench_decoders [--seconds S] [--dump FILE] [--corpus DIR]\n");
            return 2;
        }
    }
    scan_dir(corpus, "pdf", 0);
    const char *office[] = {"docx", "xlsx", "pptx"}, *other[] = {"odt", "ods", "odp", "epub"};
    for (int i = 0; i < 3; i++) scan_dir(corpus, office[i], 1);
    for (int i = 0; i < 4; i++) scan_dir(corpus, other[i], 2);
    if (!sets[SET_FLATE].n) {
        fprintf(stderr, "bench_decoders: no data under %s (set PITH_CORPUS or --corpus)\n", corpus);
        return 1;
    }
    if (dump_path) dump(dump_path);

    ctx c;
    size_t max_out = 0;
    for (int k = 1; k < SET_COUNT; k++)
        for (size_t i = 0; i < sets[k].n; i++)
            if (sets[k].items[i].out_len > max_out) max_out = sets[k].items[i].out_len;
    c.out_cap = max_out + 64;
    c.out = malloc(c.out_cap);
    pith_budget_init(&c.budget, NULL, (uint64_t)1 << 32);
    pith_arena_init(&c.arena, &c.budget, (size_t)64 << 20);

    printf("set\titems\tin_bytes\tout_bytes\tengine\tMB_s_median\tMB_s_best\n");
    for (int k = 1; k < SET_COUNT; k++) {
        double pm, pb, zm = 0, zb = 0;
        measure(&c, k, 0, seconds, &pm, &pb);
        printf("%s\t%zu\t%zu\t%zu\tpith\t%.1f\t%.1f\n", set_names[k], sets[k].n, sets[k].in_bytes,
               sets[k].out_bytes, pm, pb);
        if (k == SET_FLATE || k == SET_ENTRY) {
            measure(&c, k, 1, seconds, &zm, &zb);
            printf("%s\t%zu\t%zu\t%zu\tzlib\t%.1f\t%.1f\n", set_names[k], sets[k].n, sets[k].in_bytes,
                   sets[k].out_bytes, zm, zb);
            fprintf(stderr, "%s: pith/zlib = %.2fx (median)\n", set_names[k], pm / zm);
        }
        fflush(stdout);
    }
    pith_arena_finish(&c.arena);
    free(c.out);
    return 0;
}
