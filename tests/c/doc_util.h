/* doc_util.h: what the handler suites share (test code only): run a document through the
 * public API into a string (chunks, metadata, warnings), read corpus files and the source
 * tree's data packs, check phrases of a corpus file's text, and the word F1 of
 * bench/lib/f1.mjs, so quality checks in C agree with the benchmark's. */
#ifndef PITH_DOC_UTIL_H
#define PITH_DOC_UTIL_H

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "test_util.h"

typedef struct doc_result {
    pith_status open_st, next_st;  /* next_st: the first non-OK pith_next, else PITH_OK */
    pith_format format;
    uint32_t units;
    buf text;                      /* every chunk, concatenated */
    buf meta;                      /* "key=value\n" per entry */
    buf warnings;                  /* "STATUS message\n" per warning */
    uint32_t nwarnings;
    char err[256];                 /* the context's error message */
    pith_stats stats;
} doc_result;

/* Open with detection (h NULL) or with handler h for format f, pull every chunk. */
static inline doc_result doc_run_with(const pith_handler *h, pith_format f, const void *data,
                                      size_t len, pith_options o)
{
    doc_result r;
    memset(&r, 0, sizeof r);
    buf_put(&r.text, "", 0);
    buf_put(&r.meta, "", 0);
    buf_put(&r.warnings, "", 0);
    pith_ctx *ctx = pith_ctx_create(NULL);
    cr_assert(ctx != NULL);
    pith_doc *doc = NULL;
    r.open_st = h ? pith_open_with(ctx, h, f, data, len, &o, &doc)
                  : pith_open(ctx, data, len, &o, &doc);
    if (r.open_st == PITH_OK) {
        r.format = pith_doc_format(doc);
        r.units = pith_doc_units(doc);
        pith_chunk c;
        for (;;) {
            r.next_st = pith_next(doc, &c);
            if (r.next_st != PITH_OK) break;
            buf_put(&r.text, c.data, c.len);
            if (c.flags & PITH_CHUNK_END) break;
        }
        for (uint32_t i = 0; i < pith_doc_meta_count(doc); i++) {
            pith_str k, v;
            if (pith_doc_meta(doc, i, &k, &v) != PITH_OK) continue;
            buf_put(&r.meta, k.p, k.n);
            buf_str(&r.meta, "=");
            buf_put(&r.meta, v.p, v.n);
            buf_str(&r.meta, "\n");
        }
        r.nwarnings = pith_doc_warning_count(doc);
        for (uint32_t i = 0; i < r.nwarnings; i++) {
            pith_warning w;
            if (pith_doc_warning(doc, i, &w) != PITH_OK) continue;
            buf_str(&r.warnings, pith_status_name(w.code));
            buf_str(&r.warnings, " ");
            buf_str(&r.warnings, w.message);
            buf_str(&r.warnings, "\n");
        }
    }
    snprintf(r.err, sizeof r.err, "%s", pith_ctx_error(ctx).message);
    r.stats = pith_ctx_stats(ctx);
    pith_close(doc);
    pith_ctx_destroy(ctx);
    return r;
}

/* The default options with output `out`. */
static inline pith_options doc_options(pith_output out)
{
    pith_options o = pith_options_default();
    o.output = out;
    return o;
}

static inline doc_result doc_run(const void *data, size_t len, pith_output out)
{
    return doc_run_with(NULL, PITH_FMT_UNKNOWN, data, len, doc_options(out));
}

/* The handler `name` registered for f; skips the test when this build does not have it. */
static inline const pith_handler *doc_handler(pith_format f, const char *name)
{
    const pith_handler *h = pith_registry_find(f);
    if (!h || strcmp(h->name, name) != 0)
        cr_skip_test("the %s handler is not in this build", name);
    return h;
}

/* latin1 (one byte a character, U+0000..U+00FF) as UTF-16LE with a BOM, into out (cap bytes,
 * at least 2 + 2 * strlen(latin1)). Returns the length. */
static inline size_t doc_utf16le_bom(const char *latin1, uint8_t *out, size_t cap)
{
    size_t n = 0;
    cr_assert(cap >= 2 + 2 * strlen(latin1));
    out[n++] = 0xFF;
    out[n++] = 0xFE;
    for (const char *c = latin1; *c; c++) {
        out[n++] = (uint8_t)*c;
        out[n++] = 0;
    }
    return n;
}

static inline void doc_result_free(doc_result *r)
{
    free(r->text.p);
    free(r->meta.p);
    free(r->warnings.p);
}

/* The value of metadata `key` in r->meta ("" when absent), into out. */
static inline const char *doc_meta(const doc_result *r, const char *key, char *out, size_t cap)
{
    size_t kn = strlen(key);
    out[0] = '\0';
    for (const char *p = r->meta.p; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > kn && memcmp(p, key, kn) == 0 && p[kn] == '=') {
            snprintf(out, cap, "%.*s", (int)(n - kn - 1), p + kn + 1);
            break;
        }
        p += n + (nl ? 1 : 0);
    }
    return out;
}

/* d[0..n) through handler h for format f under memory caps from 4 KiB to 1 MiB, doubling:
 * each run works or stops with PITH_E_LIMIT or PITH_E_NOMEM, never another status. */
static inline void doc_expect_caps_fail_cleanly(const pith_handler *h, pith_format f,
                                                const void *d, size_t n)
{
    for (uint64_t cap = 4096; cap <= (1u << 20); cap *= 2) {
        pith_options o = pith_options_default();
        o.limits.max_memory_bytes = cap;
        doc_result r = doc_run_with(h, f, d, n, o);
        cr_expect(r.open_st == PITH_OK || r.open_st == PITH_E_LIMIT || r.open_st == PITH_E_NOMEM,
                  "cap %llu: %s", (unsigned long long)cap, pith_status_name(r.open_st));
        cr_expect(r.next_st == PITH_OK || r.next_st == PITH_E_LIMIT || r.next_st == PITH_E_NOMEM,
                  "cap %llu: %s %s", (unsigned long long)cap, pith_status_name(r.next_st), r.err);
        doc_result_free(&r);
    }
}

/* Every prefix of d[0..n) through handler h for format f (JSON Lines output): each opens and
 * runs to its end with PITH_OK, a cut document being damage (a warning), not a failure. */
static inline void doc_expect_every_prefix_ok(const pith_handler *h, pith_format f,
                                              const void *d, size_t n)
{
    for (size_t k = 0; k <= n; k++) {
        doc_result r = doc_run_with(h, f, d, k, doc_options(PITH_OUT_JSONL));
        cr_expect_eq(r.open_st, PITH_OK, "prefix %zu: %s", k, r.err);
        cr_expect_eq(r.next_st, PITH_OK, "prefix %zu: %s", k, r.err);
        doc_result_free(&r);
    }
}

/* d[0..n) through handler h for format f with limits.max_work 10,000 (the input is to be
 * much larger): the work limit stops it, at open or at a step. */
static inline void doc_expect_work_limit(const pith_handler *h, pith_format f, const void *d,
                                         size_t n)
{
    pith_options o = pith_options_default();
    o.limits.max_work = 10000;
    doc_result r = doc_run_with(h, f, d, n, o);
    cr_expect(r.open_st == PITH_E_LIMIT || r.next_st == PITH_E_LIMIT, "%s %s",
              pith_status_name(r.open_st), pith_status_name(r.next_st));
    doc_result_free(&r);
}

/* MARK: - Files */

/* A whole file, malloc'd and NUL-terminated after its *len bytes; NULL when it cannot be
 * opened. */
static inline uint8_t *doc_read_path(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n + 1 : 1);
    cr_assert(b != NULL);
    size_t got = n > 0 ? fread(b, 1, (size_t)n, f) : 0;
    fclose(f);
    cr_assert_eq(got, n > 0 ? (size_t)n : 0, "%s: short read", path);
    b[got] = 0;
    *len = got;
    return b;
}

/* A corpus file's bytes (malloc'd) or NULL; path relative to $PITH_CORPUS. Skips the test
 * with a message when the corpus is absent. */
static inline uint8_t *corpus_read(const char *rel, size_t *len)
{
    const char *root = getenv("PITH_CORPUS");
    char path[1024];
    if (!root) cr_skip_test("PITH_CORPUS not set: the shared corpus is not available");
    snprintf(path, sizeof path, "%s/%s", root, rel);
    uint8_t *b = doc_read_path(path, len);
    if (!b && strchr(rel, '/')) {
        FILE *d = fopen(root, "rb");
        if (!d) cr_skip_test("corpus folder %s is absent", root);
        fclose(d);
    }
    return b;
}

/* The source tree's root into out: meson passes PITH_CORPUS as <root>/../shared/corpus.
 * false when it is not set or not of that form. */
static inline bool doc_source_root(char *out, size_t cap)
{
    const char *corpus = getenv("PITH_CORPUS");
    const char *tail = "/../shared/corpus";
    size_t n = corpus ? strlen(corpus) : 0, t = strlen(tail);
    if (!corpus || n < t || strcmp(corpus + n - t, tail) != 0) return false;
    snprintf(out, cap, "%.*s", (int)(n - t), corpus);
    return true;
}

/* The data pack dist/data/<name>.bin of the source tree (malloc'd), or NULL when the source
 * root is unknown or the pack was not generated. */
static inline uint8_t *doc_pack_read(const char *name, size_t *len)
{
    char root[4096], path[4400];
    if (!doc_source_root(root, sizeof root)) return NULL;
    snprintf(path, sizeof path, "%s/dist/data/%s.bin", root, name);
    return doc_read_path(path, len);
}

/* MARK: - Corpus phrases */

/* Corpus file `rel` through handler h (NULL: detection) for format f, asserting that it opens,
 * every step succeeds and some text comes out. */
static inline doc_result doc_corpus_run(const pith_handler *h, pith_format f, const char *rel,
                                        pith_options o)
{
    size_t len = 0;
    uint8_t *d = corpus_read(rel, &len);
    cr_assert(d != NULL, "corpus file %s missing", rel);
    doc_result r = doc_run_with(h, f, d, len, o);
    free(d);
    cr_assert_eq(r.open_st, PITH_OK, "%s: %s", rel, r.err);
    cr_assert_eq(r.next_st, PITH_OK, "%s: %s", rel, r.err);
    cr_assert(r.text.n > 0, "%s: no text", rel);
    return r;
}

/* Expect each of phrases[0..n) somewhere in r's text (rel names the file in messages). */
static inline void doc_expect_phrases(const doc_result *r, const char *rel,
                                      const char *const *phrases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_expect(strstr(r->text.p, phrases[i]) != NULL, "%s: missing \"%s\"", rel, phrases[i]);
}

/* MARK: - Word F1, an ASCII approximation of bench/lib/f1.mjs (which uses Unicode classes and
 * NFKC; the benchmark is the measure, this is for test thresholds): words are maximal runs of
 * letters and digits (any non-ASCII byte counts as a letter), compared case-folded (ASCII)
 * as bags. */

typedef struct words {
    char **w;
    size_t n, cap;
} words;

static inline int words_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline words words_of(const char *s, size_t len)
{
    words r = {0};
    size_t i = 0;
    while (i < len) {
        while (i < len && !(isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)) i++;
        size_t st = i;
        while (i < len && (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)) i++;
        if (i > st) {
            if (r.n == r.cap) {
                r.cap = r.cap ? r.cap * 2 : 256;
                r.w = realloc(r.w, r.cap * sizeof *r.w);
                cr_assert(r.w != NULL);
            }
            char *w = malloc(i - st + 1);
            cr_assert(w != NULL);
            for (size_t k = 0; k < i - st; k++) w[k] = (char)tolower((unsigned char)s[st + k]);
            w[i - st] = 0;
            r.w[r.n++] = w;
        }
    }
    return r;
}

static inline void words_free(words *w)
{
    for (size_t i = 0; i < w->n; i++) free(w->w[i]);
    free(w->w);
}

/* Bag-of-words F1 of `got` against `want` (1.0 when both are empty). */
static inline double word_f1(const char *got, size_t gn, const char *want, size_t wn)
{
    words a = words_of(got, gn), b = words_of(want, wn);
    double f1;
    if (a.n == 0 && b.n == 0) {
        f1 = 1.0;
    } else if (a.n == 0 || b.n == 0) {
        f1 = 0.0;
    } else {
        qsort(a.w, a.n, sizeof *a.w, words_cmp);
        qsort(b.w, b.n, sizeof *b.w, words_cmp);
        size_t i = 0, j = 0, common = 0;
        while (i < a.n && j < b.n) {
            int c = strcmp(a.w[i], b.w[j]);
            if (c == 0) {
                common++;
                i++;
                j++;
            } else if (c < 0) {
                i++;
            } else {
                j++;
            }
        }
        double p = (double)common / (double)a.n, rc = (double)common / (double)b.n;
        f1 = common ? 2 * p * rc / (p + rc) : 0.0;
    }
    words_free(&a);
    words_free(&b);
    return f1;
}

#endif
