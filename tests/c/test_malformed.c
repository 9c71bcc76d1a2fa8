/* test_malformed.c: the generated malformed set of issue 11. Every corpus document
 * (MANIFEST.tsv under $PITH_CORPUS, the hostile files of malformed/ included, those also as
 * they are) is cut at a set of offsets and given single-byte flips, and each damaged copy goes
 * through pith_open/pith_next with the default limits and the data packs of dist/data: it must
 * give text or a clear error (a status pith can return for bad input, a message "module: ..."),
 * with the arena's high-water mark under the memory limit. Each case gets a buffer of its exact
 * length (ASan sees a read past the end). A crash or hang shows as a crashed or timed-out test.
 *
 * The cases come from a fixed-seed PRNG, so every run (and tests/js/malformed_gen.mjs, which
 * writes the same generator in JS for the wasm run) sees the same bytes:
 *   seed    FNV-1a 32 of the manifest path ("pdf/x.pdf"), or 1 if that is 0
 *   next    xorshift32 (x ^= x << 13; x ^= x >> 17; x ^= x << 5)
 *   cut j   (j = 0..19) at offset lo + next() % (hi - lo) in the window of j: j < 5 the first
 *           KiB [0, min(n, 1024)), j < 10 the last KiB [max(0, n - 1024), n), else the tenth
 *           (j - 10) of the file [n (j-10) / 10, n (j-9) / 10) (an empty window takes lo)
 *   flip j  (j = 0..19, after all cuts) the byte at an offset drawn the same way, XORed with
 *           1 + next() % 255 (drawn after the offset), so the byte always changes
 * The quick tier (the default) runs cases j % 4 == 0 of each kind (5 + 5 a file: 2 in the
 * head, 1 in the tail, 2 spread); PITH_MALFORMED=full runs all 20 + 20. PITH_MALFORMED_TRACE=1
 * prints each case before it runs, to name the input of a crash.
 *
 * One Test per corpus folder (Criterion runs them in parallel); a folder whose handler is not
 * in this build is skipped. Each Test prints its slowest cases and its counts per status. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "doc_util.h"
#include "test_util.h"

#define CASES_FULL 20
#define QUICK_STEP 4
#define SLOWEST 8

/* MARK: - Generator (mirrored by tests/js/malformed_gen.mjs) */

static uint32_t gen_seed(const char *rel)
{
    uint32_t h = 2166136261u;
    for (const char *c = rel; *c; c++) {
        h ^= (uint8_t)*c;
        h *= 16777619u;
    }
    return h ? h : 1;
}

static uint32_t gen_next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Offset of case j (0..19) in a file of n > 0 bytes. */
static size_t gen_offset(uint32_t *x, size_t n, int j)
{
    size_t lo, hi;
    if (j < 5) {
        lo = 0;
        hi = n < 1024 ? n : 1024;
    } else if (j < 10) {
        lo = n > 1024 ? n - 1024 : 0;
        hi = n;
    } else {
        lo = (size_t)((uint64_t)n * (uint64_t)(j - 10) / 10);
        hi = (size_t)((uint64_t)n * (uint64_t)(j - 9) / 10);
    }
    uint32_t r = gen_next(x);
    return hi > lo ? lo + (size_t)(r % (uint32_t)(hi - lo)) : lo;
}

typedef struct gen_case {
    size_t at;    /* cut: the length kept; flip: the byte changed */
    uint8_t xor_; /* 0 for a cut */
} gen_case;

/* The 20 cuts then the 20 flips of a file of n > 0 bytes. */
static void gen_cases(const char *rel, size_t n, gen_case out[2 * CASES_FULL])
{
    uint32_t x = gen_seed(rel);
    for (int j = 0; j < CASES_FULL; j++) out[j] = (gen_case){gen_offset(&x, n, j), 0};
    for (int j = 0; j < CASES_FULL; j++) {
        size_t at = gen_offset(&x, n, j);
        out[CASES_FULL + j] = (gen_case){at, (uint8_t)(1 + gen_next(&x) % 255)};
    }
}

/* MARK: - Running one case */

#define NPACKS 5
static const char *const pack_names[NPACKS] = {"cjk-encodings", "cmap-japan1", "cmap-gb1",
                                               "cmap-cns1", "cmap-korea1"};

typedef struct packs {
    pith_pack p[NPACKS];
    uint8_t *data[NPACKS];
    size_t n;
} packs;

/* The data packs of dist/data that exist, given to every case as the CLI would. */
static packs packs_load(void)
{
    packs k;
    memset(&k, 0, sizeof k);
    for (int i = 0; i < NPACKS; i++) {
        size_t len = 0;
        uint8_t *d = doc_pack_read(pack_names[i], &len);
        if (!d) continue;
        k.data[k.n] = d;
        k.p[k.n++] = (pith_pack){pack_names[i], d, len};
    }
    return k;
}

static void packs_free(packs *k)
{
    for (size_t i = 0; i < k->n; i++) free(k->data[i]);
}

typedef struct outcome {
    pith_status st;
    char err[200];
    uint64_t memory_high, work;
    double ms;
} outcome;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* d[0..n) opened with detection (the file's name as the hint, as a caller would pass it) and
 * pulled to its end; output is counted, not kept. */
static outcome run_case(const uint8_t *d, size_t n, const char *hint, const packs *k)
{
    outcome r;
    memset(&r, 0, sizeof r);
    pith_options o = pith_options_default();
    o.hint = hint;
    o.hint_len = strlen(hint);
    o.packs = k->n ? k->p : NULL;
    o.pack_count = k->n;
    double t0 = now_ms();
    pith_ctx *ctx = pith_ctx_create(NULL);
    cr_assert(ctx != NULL);
    pith_doc *doc = NULL;
    r.st = pith_open(ctx, d, n, &o, &doc);
    if (r.st == PITH_OK) {
        pith_chunk c;
        for (;;) {
            r.st = pith_next(doc, &c);
            if (r.st != PITH_OK || (c.flags & PITH_CHUNK_END)) break;
        }
    }
    const char *msg = pith_ctx_error(ctx).message;
    snprintf(r.err, sizeof r.err, "%s", msg ? msg : "");
    pith_stats s = pith_ctx_stats(ctx);
    r.memory_high = s.memory_high;
    r.work = s.work;
    pith_close(doc);
    pith_ctx_destroy(ctx);
    r.ms = now_ms() - t0;
    return r;
}

/* Statuses damaged bytes may give. PITH_E_ARG and PITH_E_ABORTED mean a caller's mistake or
 * a sink's stop: neither can come from the input. */
static bool status_for_input(pith_status s)
{
    return s == PITH_OK || s == PITH_E_NOMEM || s == PITH_E_LIMIT || s == PITH_E_UNSUPPORTED ||
           s == PITH_E_DISABLED || s == PITH_E_FORMAT || s == PITH_E_TRUNCATED ||
           s == PITH_E_ENCRYPTED || s == PITH_E_NEED_PACK;
}

/* "module: what": a lowercase word (letters, digits, '_', '-', '.', ' ' allowed after the
 * first letter, at most 40) then ": " and something. */
static bool message_names_module(const char *m)
{
    if (!(m[0] >= 'a' && m[0] <= 'z')) return false;
    for (size_t i = 1; i < 40 && m[i]; i++) {
        char c = m[i];
        if (c == ':') return m[i + 1] == ' ' && m[i + 2] != '\0';
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.' || c == ' '))
            return false;
    }
    return false;
}

/* MARK: - A corpus folder */

typedef struct slow {
    double ms;
    char what[160];
} slow;

typedef struct tally {
    uint32_t cases, files, by_status[PITH_STATUS_COUNT], bad;
    uint64_t memory_high, work_max;
    double total_ms;
    slow top[SLOWEST];
} tally;

static void tally_slow(tally *t, double ms, const char *what)
{
    int at = SLOWEST - 1;
    if (ms <= t->top[at].ms) return;
    while (at > 0 && t->top[at - 1].ms < ms) {
        t->top[at] = t->top[at - 1];
        at--;
    }
    t->top[at].ms = ms;
    snprintf(t->top[at].what, sizeof t->top[at].what, "%s", what);
}

static bool full_tier(void)
{
    const char *m = getenv("PITH_MALFORMED");
    return m && strcmp(m, "full") == 0;
}

/* Every case of one file. */
static void run_file(const char *rel, const packs *k, tally *t, bool trace, bool with_original)
{
    size_t n = 0;
    uint8_t *orig = corpus_read(rel, &n);
    cr_assert(orig != NULL, "corpus file %s (in MANIFEST.tsv) missing", rel);
    t->files++;
    if (n == 0) {
        free(orig);
        return;
    }
    gen_case cs[2 * CASES_FULL];
    gen_cases(rel, n, cs);
    const char *hint = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    uint64_t mem_limit = pith_limits_resolve(&(pith_limits){0}).max_memory_bytes;
    int step = full_tier() ? 1 : QUICK_STEP;
    /* case -1: the file as it is (hostile files only: the others are read by their own suites) */
    for (int i = with_original ? -1 : 0; i < 2 * CASES_FULL; i++) {
        if (i >= 0 && (i % CASES_FULL) % step != 0) continue;
        gen_case c = i >= 0 ? cs[i] : (gen_case){n, 0};
        char what[160];
        /* a buffer of exactly the case's length, so ASan sees a read past its end */
        size_t len = c.xor_ ? n : c.at;
        uint8_t *d = malloc(len ? len : 1);
        cr_assert(d != NULL);
        memcpy(d, orig, len);
        if (c.xor_) {
            d[c.at] ^= c.xor_;
            snprintf(what, sizeof what, "%s flip@%zu^0x%02x", rel, c.at, c.xor_);
        } else if (i >= 0) {
            snprintf(what, sizeof what, "%s cut@%zu", rel, c.at);
        } else {
            snprintf(what, sizeof what, "%s whole", rel);
        }
        if (trace) fprintf(stderr, "malformed: %s\n", what);
        outcome r = run_case(d, len, hint, k);
        free(d);
        t->cases++;
        t->total_ms += r.ms;
        if ((unsigned)r.st < PITH_STATUS_COUNT) t->by_status[r.st]++;
        if (r.memory_high > t->memory_high) t->memory_high = r.memory_high;
        if (r.work > t->work_max) t->work_max = r.work;
        tally_slow(t, r.ms, what);
        bool ok = status_for_input(r.st) &&
                  (r.st == PITH_OK || message_names_module(r.err)) &&
                  r.memory_high <= mem_limit;
        if (!ok) t->bad++;
        cr_expect(status_for_input(r.st), "%s: status %s (%s)", what, pith_status_name(r.st),
                  r.err);
        if (r.st != PITH_OK)
            cr_expect(message_names_module(r.err), "%s: %s with message \"%s\"", what,
                      pith_status_name(r.st), r.err);
        cr_expect(r.memory_high <= mem_limit, "%s: memory high-water %llu over the limit %llu",
                  what, (unsigned long long)r.memory_high, (unsigned long long)mem_limit);
    }
    free(orig);
}

/* The manifest paths under `folder`/ (a malloc'd list of malloc'd strings). */
static char **manifest_folder(const char *folder, size_t *count)
{
    size_t len = 0;
    uint8_t *m = corpus_read("MANIFEST.tsv", &len);
    if (!m) cr_skip_test("MANIFEST.tsv not found under PITH_CORPUS (%s)", getenv("PITH_CORPUS"));
    char **out = NULL;
    size_t n = 0, cap = 0, fl = strlen(folder);
    char *line = (char *)m;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        char *tab = strchr(line, '\t');
        if (tab && (size_t)(tab - line) > fl + 1 && memcmp(line, folder, fl) == 0 && line[fl] == '/') {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                out = realloc(out, cap * sizeof *out);
                cr_assert(out != NULL);
            }
            *tab = '\0';
            out[n++] = strdup(line);
        }
        line = nl ? nl + 1 : NULL;
    }
    free(m);
    *count = n;
    return out;
}

static void run_folder(const char *folder, pith_format f)
{
    if (f != PITH_FMT_UNKNOWN && !pith_registry_find(f))
        cr_skip_test("the %s handler is not in this build", pith_format_name(f));
    size_t nfiles = 0;
    char **files = manifest_folder(folder, &nfiles);
    cr_assert(nfiles > 0, "MANIFEST.tsv lists no file under %s/", folder);
    const char *tr = getenv("PITH_MALFORMED_TRACE");
    bool trace = tr && *tr && strcmp(tr, "0") != 0;
    packs k = packs_load();
    tally t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < nfiles; i++) {
        run_file(files[i], &k, &t, trace, f == PITH_FMT_UNKNOWN);
        free(files[i]);
    }
    free(files);
    packs_free(&k);

    /* one block, so the parallel Tests' reports do not interleave */
    buf out = {0};
    char line[400];
    snprintf(line, sizeof line,
             "malformed %s (%s tier): %u files, %u cases in %.1f s, %u bad; max memory high "
             "%.1f MiB, max work %llu\n",
             folder, full_tier() ? "full" : "quick", t.files, t.cases, t.total_ms / 1e3, t.bad,
             (double)t.memory_high / 1048576.0, (unsigned long long)t.work_max);
    buf_str(&out, line);
    buf_str(&out, "  status:");
    for (int s = 0; s < PITH_STATUS_COUNT; s++) {
        if (!t.by_status[s]) continue;
        snprintf(line, sizeof line, " %s %u", pith_status_name((pith_status)s), t.by_status[s]);
        buf_str(&out, line);
    }
    buf_str(&out, "\n");
    for (int i = 0; i < SLOWEST && t.top[i].ms > 0; i++) {
        snprintf(line, sizeof line, "  slow %8.1f ms  %s\n", t.top[i].ms, t.top[i].what);
        buf_str(&out, line);
    }
    fputs(out.p, stderr);
    free(out.p);
    cr_expect_eq(t.bad, 0, "%s: %u cases without text or a clear error", folder, t.bad);
}

/* MARK: - One Test per corpus folder */

Test(malformed, csv) { run_folder("csv", PITH_FMT_CSV); }
Test(malformed, docx) { run_folder("docx", PITH_FMT_DOCX); }
Test(malformed, eml) { run_folder("eml", PITH_FMT_EML); }
Test(malformed, epub) { run_folder("epub", PITH_FMT_EPUB); }
Test(malformed, html) { run_folder("html", PITH_FMT_HTML); }
Test(malformed, json) { run_folder("json", PITH_FMT_JSON); }
Test(malformed, md) { run_folder("md", PITH_FMT_MARKDOWN); }
Test(malformed, odp) { run_folder("odp", PITH_FMT_ODP); }
Test(malformed, ods) { run_folder("ods", PITH_FMT_ODS); }
Test(malformed, odt) { run_folder("odt", PITH_FMT_ODT); }
Test(malformed, pdf) { run_folder("pdf", PITH_FMT_PDF); }
Test(malformed, pptx) { run_folder("pptx", PITH_FMT_PPTX); }
Test(malformed, rtf) { run_folder("rtf", PITH_FMT_RTF); }
Test(malformed, txt) { run_folder("txt", PITH_FMT_TEXT); }
Test(malformed, xlsx) { run_folder("xlsx", PITH_FMT_XLSX); }
Test(malformed, xml) { run_folder("xml", PITH_FMT_XML); }
/* hostile files of every format: whatever handlers the build has (a missing one is
 * PITH_E_DISABLED, a clear error too) */
Test(malformed, hostile) { run_folder("malformed", PITH_FMT_UNKNOWN); }
