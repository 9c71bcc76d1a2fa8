/* test_json.c: the JSON handler (handlers/text/json.c).
 *
 * Expected text is written by hand from RFC 8259 (§7 string escapes, surrogate pairs) and from
 * phrases read off the corpus files. Hostile cases (suite json_hostile) are built in code:
 * 10^6-deep nesting, huge numbers, invalid UTF-8, unterminated strings, each asserting the
 * status, the surviving text and bounded memory.
 */
#include <criterion/criterion.h>

#include "doc_util.h"

static const pith_handler *json_handler(void) { return doc_handler(PITH_FMT_JSON, "json"); }

static doc_result run_json(const void *d, size_t n, pith_output out)
{
    return doc_run_with(json_handler(), PITH_FMT_JSON, d, n, doc_options(out));
}

#define RUN_TEXT(lit) run_json(lit, sizeof lit - 1, PITH_OUT_TEXT)

Test(json, string_values_in_order_keys_dropped)
{
    doc_result r = RUN_TEXT("{\"title\":\"Hello\",\"body\":\"World\",\"n\":true,\"z\":null}");
    cr_assert_eq(r.next_st, PITH_OK);
    cr_expect_str_eq(r.text.p, "Hello\nWorld\n");
    doc_result_free(&r);
}

static doc_result run_keys(const char *lit, pith_output out)
{
    pith_options o = doc_options(out);
    o.flags = PITH_OPT_JSON_KEYS;
    return doc_run_with(json_handler(), PITH_FMT_JSON, lit, strlen(lit), o);
}

/* With the option a pair reads "key: value"; a key whose value is a container stands on its
 * own line before it; true/false/null are kept so the pair is whole. */
Test(json, keys_option_gives_key_value_lines)
{
    doc_result r = run_keys("{\"title\":\"Hello\",\"n\":42,\"ok\":true,\"z\":null,"
                            "\"tags\":[\"a\",\"b\"],\"who\":{\"name\":\"Ann\"},\"e\":\"\"}",
                            PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "title: Hello\nn: 42\nok: true\nz: null\ntags:\n\na\nb\n\n"
                               "who:\n\nname: Ann\n\ne:\n");
    doc_result_free(&r);
}

Test(json, keys_option_escapes_in_keys_and_values_off_by_default)
{
    doc_result r = run_keys("[{\"caf\\u00e9\": \"cr\\u00e8me\"}, true]", PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "caf\xC3\xA9: cr\xC3\xA8me\n\ntrue\n");
    doc_result_free(&r);
    /* without the option the same input gives the values only */
    r = RUN_TEXT("[{\"caf\\u00e9\": \"cr\\u00e8me\"}, true]");
    cr_expect_str_eq(r.text.p, "cr\xC3\xA8me\n");
    doc_result_free(&r);
}

/* A pair cut by a step boundary (JSON_STEP = 64 KiB) keeps its line: the key closes in one step,
 * the value starts in the next. */
Test(json, keys_option_pair_across_steps)
{
    buf in = {0};
    buf_str(&in, "{\"pad\":\"");
    buf_rep(&in, "x", 65536 - 16);
    buf_str(&in, "\",\"key\":          \"value\"}");
    pith_options o = doc_options(PITH_OUT_TEXT);
    o.flags = PITH_OPT_JSON_KEYS;
    doc_result r = doc_run_with(json_handler(), PITH_FMT_JSON, in.p, in.n, o);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "\nkey: value\n") != NULL, "got ...%s",
              r.text.p + (r.text.n > 40 ? r.text.n - 40 : 0));
    doc_result_free(&r);
    free(in.p);
}

Test(json, numbers_kept_as_written)
{
    doc_result r = RUN_TEXT("[1, -2.5e+3, 0.000001, 123456789012345678901234567890]");
    cr_expect_str_eq(r.text.p, "1\n-2.5e+3\n0.000001\n123456789012345678901234567890\n");
    doc_result_free(&r);
}

Test(json, containers_separate_paragraphs)
{
    doc_result r = RUN_TEXT("{\"a\":\"x\",\"b\":{\"c\":\"y\"},\"d\":\"z\"}");
    cr_expect_str_eq(r.text.p, "x\n\ny\n\nz\n");
    doc_result_free(&r);
}

Test(json, escapes_and_surrogate_pairs)
{
    /* \u00e9 é, \ud83d\ude00 U+1F600, \/ /, \" ", \\ \, \n a line end */
    doc_result r = RUN_TEXT("[\"caf\\u00e9 \\ud83d\\ude00 a\\/b \\\"q\\\" \\\\ 1\\n2\"]");
    cr_expect_str_eq(r.text.p, "caf\xC3\xA9 \xF0\x9F\x98\x80 a/b \"q\" \\ 1\n2\n");
    doc_result_free(&r);
}

Test(json, lone_surrogates_become_fffd)
{
    doc_result r = RUN_TEXT("[\"a\\ud800b\", \"\\udc00\", \"c\\ud800\"]");
    cr_expect_str_eq(r.text.p, "a\xEF\xBF\xBD" "b\n\xEF\xBF\xBD\nc\xEF\xBF\xBD\n");
    doc_result_free(&r);
}

Test(json, empty_strings_are_no_line)
{
    doc_result r = RUN_TEXT("[\"a\", \"\", \"b\"]");
    cr_expect_str_eq(r.text.p, "a\nb\n");
    doc_result_free(&r);
}

Test(json, json_lines_input)
{
    doc_result r = RUN_TEXT("{\"msg\":\"one\"}\n{\"msg\":\"two\"}\n");
    cr_expect_str_eq(r.text.p, "one\n\ntwo\n");
    doc_result_free(&r);
}

Test(json, jsonl_output_is_paragraphs)
{
    doc_result r = run_json("{\"k\":\"v\"}", 9, PITH_OUT_JSONL);
    cr_expect(strstr(r.text.p, "{\"type\":\"paragraph\",\"text\":\"v\"}") != NULL, "%s", r.text.p);
    doc_result_free(&r);
}

Test(json, utf16le_bom)
{
    uint8_t in[64];
    size_t n = doc_utf16le_bom("[\"\xE9t\xE9\"]", in, sizeof in);
    doc_result r = run_json(in, n, PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "\xC3\xA9t\xC3\xA9\n");
    doc_result_free(&r);
}

Test(json, detected_by_content)
{
    json_handler();
    const char in[] = "{\"name\": \"pith\", \"tags\": [\"c\", \"wasm\"]}";
    doc_result r = doc_run(in, sizeof in - 1, PITH_OUT_TEXT);
    cr_expect_eq(r.format, PITH_FMT_JSON);
    cr_expect_str_eq(r.text.p, "pith\n\nc\nwasm\n");
    doc_result_free(&r);
}

/* MARK: - Corpus: phrases read off each file by hand */

static void corpus_has(const char *rel, const char *const *phrases, size_t n)
{
    doc_result r = doc_corpus_run(json_handler(), PITH_FMT_JSON, rel, doc_options(PITH_OUT_TEXT));
    cr_expect_eq(r.nwarnings, 0, "%s: %s", rel, r.warnings.p);
    doc_expect_phrases(&r, rel, phrases, n);
    doc_result_free(&r);
}

Test(json, corpus_rick_morty)
{
    static const char *const p[] = {"Rick Sanchez", "Citadel of Ricks", "Earth (C-137)"};
    corpus_has("json/kreuzberg__rick_morty_character.json", p, 3);
}

Test(json, corpus_openapi)
{
    static const char *const p[] = {"This is a sample API specification",
                                    "Maximum number of users to return", "Production server"};
    corpus_has("json/kreuzberg__openapi_spec.json", p, 3);
}

Test(json, corpus_earthquakes)
{
    static const char *const p[] = {"USGS All Earthquakes, Past Hour",
                                    "M 0.8 - 13 km ENE of Eielson Air Force Base, Alaska",
                                    "FeatureCollection"};
    corpus_has("json/kreuzberg__earthquakes.geojson", p, 3);
}

Test(json, corpus_emojis)
{
    static const char *const p[] = {
        "https://github.githubassets.com/images/icons/emoji/unicode/1f44d.png?v8"};
    corpus_has("json/kreuzberg__github_emojis.json", p, 1);
}

Test(json, corpus_pypdf_files)
{
    static const char *const p[] = {"001-trivial/minimal-document.pdf", "LibreOffice 6.4"};
    corpus_has("json/pdfsamples__pypdf_sample-files_files.json", p, 2);
}

/* MARK: - Hostile */

Test(json_hostile, million_deep_arrays)
{
    size_t depth = 1000000;
    buf b = {0};
    buf_rep(&b, "[", depth);
    buf_str(&b, "\"deep\"");
    buf_rep(&b, "]", depth);
    doc_result r = run_json(b.p, b.n, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "deep\n");
    cr_expect_lt(r.stats.memory_high, 8u << 20);
    doc_result_free(&r);
    free(b.p);
}

Test(json_hostile, million_deep_objects_never_closed)
{
    size_t depth = 1000000;
    buf b = {0};
    buf_rep(&b, "{\"k\":", depth);
    buf_str(&b, "\"v\"");
    doc_result r = run_json(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "v\n");
    cr_expect(strstr(r.warnings.p, "json: 1000000 containers not closed") != NULL, "%s",
              r.warnings.p);
    doc_result_free(&r);
    free(b.p);
}

Test(json_hostile, huge_number_streams)
{
    buf b = {0};
    buf_str(&b, "[");
    buf_rep(&b, "1234567890", 1000000);  /* a 10 MB number */
    buf_str(&b, "]");
    doc_result r = run_json(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.text.n, 10000001u);
    cr_expect_lt(r.stats.memory_high, 8u << 20);
    doc_result_free(&r);
    free(b.p);
}

Test(json_hostile, invalid_utf8_becomes_fffd)
{
    /* mostly UTF-8 (well-formed sequences outnumber the bad byte 100 to 1), one stray 0xFF */
    buf b = {0};
    buf_str(&b, "[\"");
    buf_rep(&b, "\xC3\xA9", 200);
    buf_str(&b, "\xFF\"]");
    doc_result r = run_json(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK);
    cr_expect(strstr(r.text.p, "\xC3\xA9\xEF\xBF\xBD\n") != NULL);
    doc_result_free(&r);
}

Test(json_hostile, unterminated_string_keeps_text)
{
    doc_result r = RUN_TEXT("{\"a\":\"never closed");
    cr_assert_eq(r.next_st, PITH_OK);
    cr_expect_str_eq(r.text.p, "never closed\n");
    cr_expect(strstr(r.warnings.p, "PITH_E_TRUNCATED json: string not closed") != NULL, "%s",
              r.warnings.p);
    doc_result_free(&r);
}

Test(json_hostile, huge_unterminated_string_bounded)
{
    buf b = {0};
    buf_str(&b, "[\"");
    buf_rep(&b, "abcdefgh", 4000000);  /* 32 MB */
    doc_result r = run_json(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK);
    cr_expect_eq(r.text.n, 32000001u);
    cr_expect_lt(r.stats.memory_high, 8u << 20);
    doc_result_free(&r);
    free(b.p);
}

Test(json_hostile, stray_bytes_warned_once)
{
    /* the first ']' closes the array, the next two are stray; "b" is a new top-level value */
    doc_result r = RUN_TEXT("[\"a\" @@@ ]]] \"b\"");
    cr_assert_eq(r.next_st, PITH_OK);
    cr_expect_str_eq(r.text.p, "a\n\nb\n");
    cr_expect_eq(r.nwarnings, 1, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(json_hostile, every_truncation_of_a_small_file)
{
    const char in[] = "{\"a\":[\"x\\u00e9\\ud83d\\ude00\",1.5e3,{\"b\":\"y\\n\"}],\"c\":null}";
    doc_expect_every_prefix_ok(json_handler(), PITH_FMT_JSON, in, sizeof in - 1);
}

Test(json_hostile, work_limit_stops_it)
{
    buf b = {0};
    buf_rep(&b, "[\"abc\"],", 100000);
    doc_expect_work_limit(json_handler(), PITH_FMT_JSON, b.p, b.n);
    free(b.p);
}

Test(json_hostile, tiny_memory_caps_fail_cleanly)
{
    static const char in[] = "{\"a\":[\"x\",1,{\"b\":\"y\"}]}";
    doc_expect_caps_fail_cleanly(json_handler(), PITH_FMT_JSON, in, sizeof in - 1);
}

/* A string of 3-byte characters longer than a step (64 KiB of input): the step must end on a
 * character boundary, or half a character reaches each side of a chunk (found by fuzz_open on
 * a corpus HTML page read with a .json hint). Every chunk must start on a character. */
Test(json, long_string_steps_end_on_a_character)
{
    buf in = {0};
    buf_str(&in, "[\"");
    buf_rep(&in, "\xe2\x82\xac", 50000);  /* 150,000 bytes of EURO SIGN */
    buf_str(&in, "\"]");
    pith_options o = pith_options_default();
    o.chunk_size = 100;
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc = NULL;
    cr_assert_eq(pith_open(ctx, in.p, in.n, &o, &doc), PITH_OK);
    pith_chunk c;
    size_t euros = 0;
    pith_status st;
    while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        cr_assert((c.data[0] & 0xC0) != 0x80, "chunk %u starts inside a character", c.index);
        for (uint32_t i = 0; i + 2 < c.len; i++)
            if (memcmp(c.data + i, "\xe2\x82\xac", 3) == 0) euros++, i += 2;
    }
    cr_assert_eq(st, PITH_OK);
    cr_assert_eq(euros, 50000);
    pith_close(doc);
    pith_ctx_destroy(ctx);
    free(in.p);
}
