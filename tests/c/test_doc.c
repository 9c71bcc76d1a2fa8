/* test_doc.c: the document machinery — statuses, units and warnings, chunking, the emit
 * gate's nesting repairs, nested documents, limits, batch memory. Driven by a scripted handler
 * (pith_open_with) so the core is tested apart from any real format. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "utf.h"

/* MARK: - A scripted handler */

typedef struct script {
    uint32_t units;
    uint32_t fail_mask;     /* bit i: unit i emits a little then fails with fail_code */
    pith_status fail_code;
    pith_status open_code;  /* open fails with it when not OK */
    uint64_t work_per_unit;
    size_t repeat;          /* unit text repeated this many times (long output) */
    const char *text;       /* the repeated text; default "unit <i>" */
    pith_status (*emit)(pith_doc *doc, uint32_t unit);
} script;

static pith_status s_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    (void)len;
    const script *s = (const script *)(const void *)data;
    *state = (void *)(uintptr_t)s;
    if (s->open_code != PITH_OK) return pith_fail(doc, s->open_code, 3, "script: open fails");
    pith_doc_set_units(doc, s->units, PITH_UNIT_PAGE);
    pith_doc_add_meta(doc, "title", "Scripted", 8);
    return PITH_OK;
}

static pith_status s_unit(pith_doc *doc, void *state, uint32_t i)
{
    const script *s = state;
    pith_status st;
    if (s->work_per_unit && (st = pith_work(doc, s->work_per_unit)) != PITH_OK) return st;
    if (s->emit) return s->emit(doc, i);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "unit %u", i);
    if (s->fail_mask & (1u << i)) {
        pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
        pith_emit_text(doc, "partial", 7, 0);
        return pith_fail(doc, s->fail_code, 100 + i, "script: unit %u is broken", i);
    }
    if ((st = pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL)) != PITH_OK) return st;
    for (size_t k = 0; k < (s->repeat ? s->repeat : 1); k++) {
        const char *t = s->text ? s->text : buf;
        if ((st = pith_emit_text(doc, t, s->text ? strlen(t) : (size_t)n, 0)) != PITH_OK)
            return st;
    }
    return pith_emit_end(doc, PITH_EV_PARAGRAPH);
}

static const pith_handler scripted = {"script", s_open, s_unit};

static pith_ctx *ctx;
static void setup(void) { ctx = pith_ctx_create(NULL); }
static void teardown(void) { pith_ctx_destroy(ctx); }
TestSuite(doc, .init = setup, .fini = teardown);
TestSuite(status, .init = setup, .fini = teardown);

static pith_status open_script(const script *s, const pith_options *o, pith_doc **doc)
{
    return pith_open_with(ctx, &scripted, PITH_FMT_TEXT, s, sizeof *s, o, doc);
}

/* All chunks concatenated (malloc'd, NUL-terminated); the final status in *st. */
static char *collect(pith_doc *doc, pith_status *st, size_t *chunks, size_t max_chunk)
{
    size_t cap = 1 << 16, n = 0, count = 0;
    char *out = malloc(cap);
    pith_chunk c;
    uint32_t expect_index = 0;
    while ((*st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        cr_assert_gt(c.len, 0, "empty chunk");
        cr_assert_eq(c.index, expect_index++);
        if (max_chunk) cr_assert_leq(c.len, max_chunk);
        while (n + c.len + 1 > cap) out = realloc(out, cap *= 2);
        memcpy(out + n, c.data, c.len);
        n += c.len;
        count++;
    }
    out[n] = 0;
    if (chunks) *chunks = count;
    return out;
}

/* MARK: - Units and warnings */

Test(doc, units_come_out_in_order_separated_by_a_blank_line)
{
    script s = {.units = 3};
    pith_doc *doc;
    cr_assert_eq(open_script(&s, NULL, &doc), PITH_OK);
    cr_assert_eq(pith_doc_units(doc), 3);
    pith_status st;
    char *t = collect(doc, &st, NULL, 0);
    cr_assert_eq(st, PITH_OK);
    cr_assert_str_eq(t, "unit 0\n\nunit 1\n\nunit 2\n");
    free(t);
}

Test(doc, chunks_never_span_units_and_flag_unit_starts)
{
    script s = {.units = 3};
    pith_doc *doc;
    cr_assert_eq(open_script(&s, NULL, &doc), PITH_OK);
    pith_chunk c;
    uint32_t starts = 0, last_unit = 0;
    while (pith_next(doc, &c) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        cr_assert_geq(c.unit, last_unit);
        if (c.flags & PITH_CHUNK_UNIT_START) starts++;
        last_unit = c.unit;
    }
    cr_assert_eq(starts, 3);
    cr_assert_eq(last_unit, 2);
    /* the end is sticky */
    cr_assert_eq(pith_next(doc, &c), PITH_OK);
    cr_assert(c.flags & PITH_CHUNK_END);
}

Test(doc, a_broken_unit_is_a_warning_and_the_rest_comes_out)
{
    script s = {.units = 3, .fail_mask = 2, .fail_code = PITH_E_FORMAT};
    pith_doc *doc;
    cr_assert_eq(open_script(&s, NULL, &doc), PITH_OK);
    pith_status st;
    char *t = collect(doc, &st, NULL, 0);
    cr_assert_eq(st, PITH_OK);
    cr_assert_str_eq(t, "unit 0\n\npartial\n\nunit 2\n");
    cr_assert_eq(pith_doc_warning_count(doc), 1);
    pith_warning w;
    cr_assert_eq(pith_doc_warning(doc, 0, &w), PITH_OK);
    cr_assert_eq(w.unit, 1);
    cr_assert_eq(w.code, PITH_E_FORMAT);
    cr_assert_eq(w.offset, 101);
    cr_assert_str_eq(w.message, "script: unit 1 is broken");
    cr_assert_eq(pith_doc_warning(doc, 1, &w), PITH_E_ARG);
    cr_assert_eq(pith_ctx_error(ctx).code, PITH_OK);
    free(t);
}

Test(status, format_when_no_unit_can_be_read)
{
    script s = {.units = 2, .fail_mask = 3, .fail_code = PITH_E_FORMAT};
    pith_doc *doc;
    cr_assert_eq(open_script(&s, NULL, &doc), PITH_OK);
    pith_status st;
    char *t = collect(doc, &st, NULL, 0);
    cr_assert_eq(st, PITH_E_FORMAT);
    pith_error e = pith_ctx_error(ctx);
    cr_assert_eq(e.code, PITH_E_FORMAT);
    cr_assert_str_eq(e.message, "script: unit 0 is broken");
    cr_assert_eq(e.offset, 100);
    pith_chunk c;
    cr_assert_eq(pith_next(doc, &c), PITH_E_FORMAT, "a fatal status is sticky");
    free(t);
}

Test(doc, unit_range_selects_units)
{
    script s = {.units = 5};
    pith_options o = pith_options_default();
    o.first_unit = 1;
    o.unit_count = 2;
    pith_doc *doc;
    cr_assert_eq(open_script(&s, &o, &doc), PITH_OK);
    pith_status st;
    char *t = collect(doc, &st, NULL, 0);
    cr_assert_str_eq(t, "unit 1\n\nunit 2\n");
    free(t);
}

Test(doc, metadata_is_there_before_the_first_chunk_and_in_json)
{
    script s = {.units = 1};
    pith_options o = pith_options_default();
    o.output = PITH_OUT_JSONL;
    pith_doc *doc;
    cr_assert_eq(open_script(&s, &o, &doc), PITH_OK);
    cr_assert_eq(pith_doc_meta_count(doc), 1);
    pith_str k, v;
    cr_assert_eq(pith_doc_meta(doc, 0, &k, &v), PITH_OK);
    cr_assert_eq(k.n, 5);
    cr_assert_eq(memcmp(k.p, "title", 5), 0);
    cr_assert_eq(memcmp(v.p, "Scripted", 8), 0);
    pith_status st;
    char *t = collect(doc, &st, NULL, 0);
    cr_assert(strstr(t, "{\"type\":\"meta\",\"key\":\"title\",\"value\":\"Scripted\"}\n"), "%s", t);
    free(t);
}

/* The script's whole JSON Lines output (malloc'd), the document left open in *doc. */
static char *run_jsonl(const script *s, pith_doc **doc)
{
    pith_options o = pith_options_default();
    o.output = PITH_OUT_JSONL;
    cr_assert_eq(open_script(s, &o, doc), PITH_OK);
    pith_status st;
    char *t = collect(*doc, &st, NULL, 0);
    cr_assert_eq(st, PITH_OK);
    return t;
}

static pith_status emit_bad_meta(pith_doc *doc, uint32_t unit)
{
    (void)unit;
    /* two stray bytes, then a sequence cut by the end of the value */
    pith_status st = pith_doc_add_meta(doc, "subject", "Pr\xFF\xFEx\xE2\x82", 7);
    if (st != PITH_OK) return st;
    if ((st = pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL)) != PITH_OK) return st;
    if ((st = pith_emit_text(doc, "body", 4, 0)) != PITH_OK) return st;
    return pith_emit_end(doc, PITH_EV_PARAGRAPH);
}

/* pith.h promises UTF-8 metadata: a handler's value that is not (found by fuzz_pdf: a PDF
 * name's raw bytes) is repaired where it is added, each ill-formed subpart one U+FFFD. */
Test(doc, metadata_values_are_utf8_whatever_the_handler_gives)
{
    script s = {.units = 1, .emit = emit_bad_meta};
    pith_doc *doc;
    char *t = run_jsonl(&s, &doc);
    cr_assert_eq(pith_utf8_valid_prefix((const uint8_t *)t, strlen(t)), strlen(t), "%s", t);
    static const char want[] = "Pr\xEF\xBF\xBD\xEF\xBF\xBDx\xEF\xBF\xBD";
    cr_assert(strstr(t, want), "%s", t);
    cr_assert_eq(pith_doc_meta_count(doc), 2);
    pith_str k, v;
    cr_assert_eq(pith_doc_meta(doc, 1, &k, &v), PITH_OK);
    cr_assert_eq(v.n, sizeof want - 1);
    cr_assert_eq(memcmp(v.p, want, v.n), 0);
    free(t);
}

/* MARK: - Chunking */

Test(doc, ten_megabytes_in_4096_byte_chunks_on_code_point_boundaries)
{
    /* 7 bytes of mixed-width UTF-8: a, é (2), € (3), x — never aligned to 4096 */
    static const char pat[] = "a\xc3\xa9\xe2\x82\xacx";
    size_t plen = sizeof pat - 1, reps = (10u << 20) / plen;
    script s = {.units = 1, .text = pat, .repeat = reps};
    pith_options o = pith_options_default();
    o.chunk_size = 4096;
    pith_doc *doc;
    cr_assert_eq(open_script(&s, &o, &doc), PITH_OK);
    pith_chunk c;
    size_t total = 0, chunks = 0;
    pith_status st;
    while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        cr_assert_leq(c.len, 4096);
        cr_assert_neq((unsigned char)c.data[0] & 0xC0, 0x80, "chunk starts inside a code point");
        /* compare with the pattern at this offset (the text ends with "\n") */
        for (size_t i = 0; i < c.len; i++) {
            size_t at = total + i;
            char want = at < reps * plen ? pat[at % plen] : '\n';
            if (c.data[i] != want) cr_assert_fail("byte %zu differs", at);
        }
        total += c.len;
        chunks++;
    }
    cr_assert_eq(st, PITH_OK);
    cr_assert_eq(total, reps * plen + 1);
    cr_assert_geq(chunks, total / 4096);
}

Test(doc, chunk_size_below_64_is_raised_to_64)
{
    script s = {.units = 1, .text = "\xe2\x82\xac", .repeat = 100};
    pith_options o = pith_options_default();
    o.chunk_size = 1;
    pith_doc *doc;
    cr_assert_eq(open_script(&s, &o, &doc), PITH_OK);
    pith_status st;
    size_t chunks;
    char *t = collect(doc, &st, &chunks, 64);
    cr_assert_eq(strlen(t), 301);
    cr_assert_geq(chunks, 5);
    free(t);
}

/* MARK: - The emit gate */

typedef struct recorder {
    char buf[4096];
    size_t n;
    int stop_after; /* abort after this many callbacks (0 = never) */
    int calls;
} recorder;

static int rec_put(recorder *r, const char *s)
{
    size_t n = strlen(s);
    if (r->n + n < sizeof r->buf) {
        memcpy(r->buf + r->n, s, n + 1);
        r->n += n;
    }
    r->calls++;
    return r->stop_after && r->calls >= r->stop_after;
}

static const char *const names[] = {"doc", "unit", "section", "h", "p", "quote", "code", "list",
                                    "item", "table", "row", "cell", "link", "img", "br", "hr",
                                    "meta", "pos"};

static int rec_begin(void *u, pith_ev ev, const void *d)
{
    (void)d;
    char b[32];
    snprintf(b, sizeof b, "<%s>", names[ev]);
    return rec_put(u, b);
}
static int rec_end(void *u, pith_ev ev)
{
    char b[32];
    snprintf(b, sizeof b, "</%s>", names[ev]);
    return rec_put(u, b);
}
static int rec_text(void *u, const char *s, size_t n, uint32_t flags)
{
    (void)flags;
    char b[256];
    snprintf(b, sizeof b, "%.*s", (int)n, s);
    return rec_put(u, b);
}
static int rec_leaf(void *u, pith_ev ev, const void *d)
{
    (void)d;
    char b[32];
    snprintf(b, sizeof b, "<%s/>", names[ev]);
    return rec_put(u, b);
}

static pith_status emit_sloppy(pith_doc *doc, uint32_t unit)
{
    (void)unit;
    /* a CELL with no table, a second CELL, text straight in a LIST, an end for a container
     * two levels down, and an unclosed QUOTE at the end of the unit */
    pith_emit_block(doc, PITH_EV_CELL, NULL, "a", 1);
    pith_emit_block(doc, PITH_EV_CELL, NULL, "b", 1);
    pith_emit_begin(doc, PITH_EV_ROW, NULL);
    pith_emit_text(doc, "c", 1, 0);
    pith_emit_end(doc, PITH_EV_ROW);
    pith_emit_begin(doc, PITH_EV_LIST, NULL);
    pith_emit_text(doc, "d", 1, 0);
    pith_emit_begin(doc, PITH_EV_ITEM, NULL);
    pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
    pith_emit_text(doc, "e", 1, 0);
    pith_emit_end(doc, PITH_EV_LIST);
    pith_emit_begin(doc, PITH_EV_QUOTE, NULL);
    pith_emit_text(doc, "", 0, 0);
    return pith_emit_text(doc, "f", 1, 0);
}

Test(doc, the_emit_gate_repairs_nesting)
{
    script s = {.units = 1, .emit = emit_sloppy};
    pith_doc *doc;
    cr_assert_eq(open_script(&s, NULL, &doc), PITH_OK);
    recorder r = {0};
    pith_sink sink = {&r, rec_begin, rec_end, rec_text, rec_leaf};
    cr_assert_eq(pith_run(doc, &sink), PITH_OK);
    cr_assert_str_eq(r.buf,
                     "<doc><meta/><unit>"
                     "<table><row><cell>a</cell><cell>b</cell></row>"
                     "<row><cell>c</cell></row></table>"
                     "<list><item>d</item><item><p>e</p></item></list>"
                     "<quote>f</quote></unit></doc>");
}

static pith_status emit_deep(pith_doc *doc, uint32_t unit)
{
    (void)unit;
    pith_status st = PITH_OK;
    for (int i = 0; i < 100000 && st == PITH_OK; i++) st = pith_emit_begin(doc, PITH_EV_QUOTE, NULL);
    if (st == PITH_OK) st = pith_emit_text(doc, "deep", 4, 0);
    for (int i = 0; i < 100000 && st == PITH_OK; i++) st = pith_emit_end(doc, PITH_EV_QUOTE);
    return st;
}

Test(doc, nesting_beyond_max_depth_is_flattened_not_lost)
{
    script s = {.units = 1, .emit = emit_deep};
    pith_options o = pith_options_default();
    o.limits.max_depth = 8;
    pith_doc *doc;
    cr_assert_eq(open_script(&s, &o, &doc), PITH_OK);
    pith_status st;
    char *t = collect(doc, &st, NULL, 0);
    cr_assert_eq(st, PITH_OK);
    cr_assert(strstr(t, "deep"));
    cr_assert_lt(pith_ctx_stats(ctx).memory_high, (uint64_t)1 << 20);
    free(t);
}

/* MARK: - Every status */

Test(status, ok_and_names)
{
    cr_assert_str_eq(pith_status_name(PITH_OK), "PITH_OK");
    cr_assert_str_eq(pith_status_name(PITH_E_DISABLED), "PITH_E_DISABLED");
    cr_assert_str_eq(pith_status_name(PITH_E_ABORTED), "PITH_E_ABORTED");
    cr_assert_str_eq(pith_status_name((pith_status)999), "PITH_E_UNKNOWN");
}

Test(status, arg_for_bad_arguments)
{
    pith_doc *doc = (pith_doc *)1;
    cr_assert_eq(pith_open(NULL, "x", 1, NULL, &doc), PITH_E_ARG);
    cr_assert_eq(pith_open(ctx, NULL, 5, NULL, &doc), PITH_E_ARG);
    cr_assert_null(doc);
    cr_assert_str_eq(pith_ctx_error(ctx).message, "open: data is NULL with a length");
    pith_options o = pith_options_default();
    o.output = (pith_output)42;
    cr_assert_eq(pith_open(ctx, "x", 1, &o, &doc), PITH_E_ARG);
    o = pith_options_default();
    o.hint_len = 3;
    cr_assert_eq(pith_open(ctx, "x", 1, &o, &doc), PITH_E_ARG);
    script s = {.units = 2};
    o = pith_options_default();
    o.first_unit = 2;
    cr_assert_eq(open_script(&s, &o, &doc), PITH_E_ARG);
    cr_assert(strstr(pith_ctx_error(ctx).message, "first_unit 2"));
    cr_assert_eq(pith_next(NULL, NULL), PITH_E_ARG);
}

static int fail_now;
static void *flaky_malloc(void *c, size_t n)
{
    (void)c;
    return fail_now ? NULL : malloc(n);
}
static void flaky_free(void *c, void *p)
{
    (void)c;
    free(p);
}

Test(status, nomem_when_the_allocator_refuses)
{
    pith_allocator alc = {flaky_malloc, flaky_free, NULL};
    pith_ctx_config cfg = {&alc, 0};
    fail_now = 0;
    pith_ctx *c = pith_ctx_create(&cfg);
    cr_assert_not_null(c);
    fail_now = 1;
    script s = {.units = 1};
    pith_doc *doc;
    pith_status st = pith_open_with(c, &scripted, PITH_FMT_TEXT, &s, sizeof s, NULL, &doc);
    cr_assert_eq(st, PITH_E_NOMEM);
    cr_assert(strstr(pith_ctx_error(c).message, "memory: allocator refused"));
    fail_now = 0;
    pith_ctx_destroy(c);
}

Test(status, limit_for_input_size)
{
    pith_options o = pith_options_default();
    o.limits.max_input_bytes = 4;
    pith_doc *doc;
    cr_assert_eq(pith_open(ctx, "hello", 5, &o, &doc), PITH_E_LIMIT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "max_input_bytes"));
}

Test(status, limit_for_output_size)
{
    script s = {.units = 1, .text = "0123456789", .repeat = 1000};
    pith_options o = pith_options_default();
    o.limits.max_output_bytes = 5000;
    pith_doc *doc;
    cr_assert_eq(open_script(&s, &o, &doc), PITH_OK);
    pith_status st;
    char *t = collect(doc, &st, NULL, 0);
    cr_assert_eq(st, PITH_E_LIMIT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "max_output_bytes"));
    cr_assert_leq(strlen(t), 5000);
    free(t);
}

Test(status, limit_for_memory)
{
    script s = {.units = 1};
    pith_options o = pith_options_default();
    o.limits.max_memory_bytes = 1000;
    pith_doc *doc;
    cr_assert_eq(open_script(&s, &o, &doc), PITH_E_LIMIT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "max_memory_bytes"));
}

Test(status, limit_for_work)
{
    script s = {.units = 100, .work_per_unit = 1000};
    pith_options o = pith_options_default();
    o.limits.max_work = 10500;
    pith_doc *doc;
    cr_assert_eq(open_script(&s, &o, &doc), PITH_OK);
    pith_status st;
    char *t = collect(doc, &st, NULL, 0);
    cr_assert_eq(st, PITH_E_LIMIT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "max_work"));
    cr_assert(strstr(t, "unit 9\n"));
    cr_assert_null(strstr(t, "unit 11"));
    free(t);
}

Test(status, unsupported_for_an_image)
{
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13,
                                        'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    pith_doc *doc;
    cr_assert_eq(pith_open(ctx, png, sizeof png, NULL, &doc), PITH_E_UNSUPPORTED);
    cr_assert(strstr(pith_ctx_error(ctx).message, "image"), "%s", pith_ctx_error(ctx).message);
}

Test(status, disabled_names_the_bundle_that_has_it)
{
    /* a document of a format whose handler this build leaves out */
    static const struct { pith_format f; const char *name, *doc; } cases[] = {
        {PITH_FMT_PDF, "pdf", "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"},
        {PITH_FMT_RTF, "rtf", "{\\rtf1\\ansi hello}"},
    };
    size_t i = 0;
    while (i < sizeof cases / sizeof cases[0] && pith_registry_find(cases[i].f)) i++;
    if (i == sizeof cases / sizeof cases[0])
        cr_skip_test("this build has every handler: DISABLED is checked on the minimal .wasm "
                     "(tests/js)");
    pith_doc *doc;
    cr_assert_eq(pith_open(ctx, cases[i].doc, strlen(cases[i].doc), NULL, &doc), PITH_E_DISABLED);
    const char *m = pith_ctx_error(ctx).message;
    char want[64];
    snprintf(want, sizeof want, "%s: not in the", cases[i].name);
    cr_assert(strstr(m, want), "%s", m);
    cr_assert(strstr(m, "standard bundle"), "%s", m);
}

Test(status, truncated_from_a_handler_open)
{
    script s = {.units = 1, .open_code = PITH_E_TRUNCATED};
    pith_doc *doc;
    cr_assert_eq(open_script(&s, NULL, &doc), PITH_E_TRUNCATED);
    cr_assert_eq(pith_ctx_error(ctx).offset, 3);
    cr_assert_str_eq(pith_ctx_error(ctx).message, "script: open fails");
}

Test(status, encrypted_from_a_handler_open)
{
    script s = {.units = 1, .open_code = PITH_E_ENCRYPTED};
    pith_doc *doc;
    cr_assert_eq(open_script(&s, NULL, &doc), PITH_E_ENCRYPTED);
}

Test(status, aborted_when_the_sink_says_stop)
{
    script s = {.units = 3};
    pith_doc *doc;
    cr_assert_eq(open_script(&s, NULL, &doc), PITH_OK);
    recorder r = {.stop_after = 4};
    pith_sink sink = {&r, rec_begin, rec_end, rec_text, rec_leaf};
    cr_assert_eq(pith_run(doc, &sink), PITH_E_ABORTED);
    cr_assert(strstr(pith_ctx_error(ctx).message, "sink"));
}

/* MARK: - Nested documents */

static pith_status emit_nested(pith_doc *doc, uint32_t unit)
{
    (void)unit;
    static const char inner[] = "inner text";
    static const char pdf[] = "%PDF-1.4\n%%EOF\n";
    pith_status st = pith_emit_block(doc, PITH_EV_PARAGRAPH, NULL, "outer", 5);
    if (st == PITH_OK) st = pith_nested(doc, (const uint8_t *)inner, sizeof inner - 1, "a.txt", 5);
    if (st == PITH_OK) st = pith_nested(doc, (const uint8_t *)pdf, sizeof pdf - 1, NULL, 0);
    return st;
}

Test(doc, nested_documents_share_the_sink_and_report_what_they_cannot_read)
{
    script s = {.units = 1, .emit = emit_nested};
    pith_doc *doc;
    cr_assert_eq(open_script(&s, NULL, &doc), PITH_OK);
    pith_status st;
    char *t = collect(doc, &st, NULL, 0);
    cr_assert_eq(st, PITH_OK);
    cr_assert(strstr(t, "outer"));
    cr_assert(strstr(t, "inner text"), "%s", t);
    /* the empty PDF: not in this build, or in it and unreadable (no objects) */
    uint32_t nw = pith_doc_warning_count(doc);
    cr_assert(nw >= 1);
    pith_warning w;
    pith_doc_warning(doc, nw - 1, &w);  /* the nested document's own failure comes last */
    cr_assert_eq(w.code, pith_registry_find(PITH_FMT_PDF) ? PITH_E_FORMAT : PITH_E_DISABLED,
                 "%s: %s", pith_status_name(w.code), w.message);
    if (!pith_registry_find(PITH_FMT_PDF)) cr_assert_eq(nw, 1);
    free(t);
}

/* A parent that names its units and nests, in unit 0, a document whose handler names its own
 * (the PDF handler names pages by label): the parent's unit 1 must still be named by the
 * parent. The child's namer, called with the parent's state, would read the wrong structure. */
static pith_str parent_name(pith_doc *doc, void *state, uint32_t index)
{
    (void)doc;
    (void)state;
    static const char *const labels[] = {"first", "second"};
    return (pith_str){labels[index & 1], strlen(labels[index & 1])};
}

static pith_status emit_named_nest(pith_doc *doc, uint32_t unit)
{
    static const char pdf[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                              "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                              "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
                              "trailer<</Root 1 0 R>>\n%%EOF\n";
    if (unit == 0) pith_doc_set_unit_names(doc, parent_name);
    pith_status st = pith_emit_block(doc, PITH_EV_PARAGRAPH, NULL, "outer", 5);
    if (st == PITH_OK && unit == 0)
        st = pith_nested(doc, (const uint8_t *)pdf, sizeof pdf - 1, NULL, 0);
    return st;
}

Test(doc, nested_documents_leave_the_parents_unit_names)
{
    if (!pith_registry_find(PITH_FMT_PDF)) cr_skip_test("needs a handler that names units (pdf)");
    script s = {.units = 2, .emit = emit_named_nest};
    pith_doc *doc;
    char *t = run_jsonl(&s, &doc);
    cr_assert(strstr(t, "\"index\":1,\"kind\":\"page\",\"name\":\"second\"") != NULL, "%s", t);
    free(t);
}

/* MARK: - Batch memory */

Test(doc, a_thousand_documents_keep_the_same_high_water)
{
    script s = {.units = 4, .text = "some words here ", .repeat = 2000};
    uint64_t at10 = 0;
    for (int i = 1; i <= 1000; i++) {
        pith_doc *doc;
        cr_assert_eq(open_script(&s, NULL, &doc), PITH_OK);
        pith_chunk c;
        while (pith_next(doc, &c) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        }
        pith_close(doc);
        if (i == 10) at10 = pith_ctx_stats(ctx).memory_high;
    }
    cr_assert_eq(pith_ctx_stats(ctx).memory_high, at10);
}
