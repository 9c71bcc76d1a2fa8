/* test_csv.c: the CSV/TSV handler (handlers/text/csv.c).
 *
 * Expected text is written by hand from RFC 4180's rules (§2: quoted fields, doubled quotes,
 * line breaks inside quotes) and from the corpus files, whose phrases were read off the files
 * themselves. Hostile cases (suite csv_hostile) are built in code and assert the status, the
 * text that must survive and bounded memory.
 */
#include <criterion/criterion.h>

#include "doc_util.h"

static const pith_handler *csv_handler(void) { return doc_handler(PITH_FMT_CSV, "csv"); }

static doc_result run_csv(const void *d, size_t n, pith_output out)
{
    return doc_run_with(csv_handler(), PITH_FMT_CSV, d, n, doc_options(out));
}

/* Through detection, with a file name as the hint. */
static pith_options hint_options(const char *hint, pith_output out)
{
    csv_handler();
    pith_options o = doc_options(out);
    o.hint = hint;
    o.hint_len = strlen(hint);
    return o;
}

static doc_result run_hint(const void *d, size_t n, const char *hint, pith_output out)
{
    return doc_run_with(NULL, PITH_FMT_UNKNOWN, d, n, hint_options(hint, out));
}

#define EXPECT_TEXT(r, want) cr_expect_str_eq((r).text.p, want)

Test(csv, rfc4180_quotes_doubled_quotes_and_line_breaks)
{
    const char in[] = "a,b,c\r\n1,\"x, \"\"y\"\"\r\nz\",3\r\n";
    doc_result r = run_csv(in, sizeof in - 1, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK);
    cr_assert_eq(r.next_st, PITH_OK);
    EXPECT_TEXT(r, "a\tb\tc\n1\tx, \"y\" z\t3\n");
    doc_result_free(&r);
}

Test(csv, markdown_is_a_gfm_table)
{
    const char in[] = "name,qty\napple,3\n\"pear, green\",5\n";
    doc_result r = run_csv(in, sizeof in - 1, PITH_OUT_MARKDOWN);
    EXPECT_TEXT(r, "| name | qty |\n| --- | --- |\n| apple | 3 |\n| pear, green | 5 |\n");
    doc_result_free(&r);
}

Test(csv, json_gives_rows_of_cells)
{
    const char in[] = "a,b\n1,2\n";
    doc_result r = run_csv(in, sizeof in - 1, PITH_OUT_JSONL);
    cr_expect(strstr(r.text.p, "\"rows\":[[{\"text\":\"a\"},{\"text\":\"b\"}],"
                               "[{\"text\":\"1\"},{\"text\":\"2\"}]]") != NULL,
              "got %s", r.text.p);
    doc_result_free(&r);
}

Test(csv, blank_lines_and_empty_fields)
{
    const char in[] = "a,,c\n\n\n,b,\n";
    doc_result r = run_csv(in, sizeof in - 1, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "a\t\tc\n\tb\t\n");
    doc_result_free(&r);
}

Test(csv, last_row_without_line_end)
{
    const char in[] = "a,b\n1,\"2\"";
    doc_result r = run_csv(in, sizeof in - 1, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "a\tb\n1\t2\n");
    doc_result_free(&r);
}

Test(csv, sniffs_semicolon)
{
    const char in[] = "x;y;z\n1,5;2,5;3\n4;5;6\n";
    doc_result r = run_csv(in, sizeof in - 1, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "x\ty\tz\n1,5\t2,5\t3\n4\t5\t6\n");
    char d[8];
    cr_expect_str_eq(doc_meta(&r, "delimiter", d, sizeof d), ";");
    doc_result_free(&r);
}

Test(csv, sniffs_pipe_and_tab)
{
    const char p[] = "a|b\nc, d|e\n";
    doc_result r = run_csv(p, sizeof p - 1, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "a\tb\nc, d\te\n");
    doc_result_free(&r);
    const char t[] = "a\tb, c\nd\te\n";
    r = run_csv(t, sizeof t - 1, PITH_OUT_MARKDOWN);
    EXPECT_TEXT(r, "| a | b, c |\n| --- | --- |\n| d | e |\n");
    doc_result_free(&r);
}

Test(csv, tsv_hint_means_tab)
{
    /* commas outnumber tabs, but the name says TSV */
    const char in[] = "a,1\tb,2,3\nc\td\n";
    doc_result r = run_hint(in, sizeof in - 1, "data.tsv", PITH_OUT_TEXT);
    cr_assert_eq(r.format, PITH_FMT_CSV);
    EXPECT_TEXT(r, "a,1\tb,2,3\nc\td\n");
    doc_result_free(&r);
}

Test(csv, utf16le_with_bom)
{
    /* "é,b\r\n1,2\r\n" in UTF-16LE, as Excel's "Unicode text" export writes */
    uint8_t in[64];
    size_t n = doc_utf16le_bom("\xE9,b\r\n1,2\r\n", in, sizeof in);
    doc_result r = run_csv(in, n, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "\xC3\xA9\tb\n1\t2\n");
    char e[32];
    cr_expect_str_eq(doc_meta(&r, "encoding", e, sizeof e), "utf-16le");
    doc_result_free(&r);
}

Test(csv, windows_1252_fallback)
{
    const char in[] = "caf\xE9,\x80\n";
    doc_result r = run_csv(in, sizeof in - 1, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "caf\xC3\xA9\t\xE2\x82\xAC\n");
    doc_result_free(&r);
}

Test(csv, utf8_bom_is_not_text)
{
    const char in[] = "\xEF\xBB\xBFh1,h2\n";
    doc_result r = run_csv(in, sizeof in - 1, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "h1\th2\n");
    doc_result_free(&r);
}

Test(csv, detected_by_extension)
{
    const char in[] = "a,b\n1,2\n";
    doc_result r = run_hint(in, sizeof in - 1, "x.csv", PITH_OUT_TEXT);
    cr_expect_eq(r.format, PITH_FMT_CSV);
    EXPECT_TEXT(r, "a\tb\n1\t2\n");
    doc_result_free(&r);
}

/* MARK: - Corpus: phrases read off each file by hand */

static void corpus_has(const char *rel, const char *const *phrases, size_t n)
{
    doc_result r = doc_corpus_run(NULL, PITH_FMT_UNKNOWN, rel, hint_options(rel, PITH_OUT_TEXT));
    doc_expect_phrases(&r, rel, phrases, n);
    doc_result_free(&r);
}

Test(csv, corpus_stanley_cups)
{
    static const char *const p[] = {"Team\tLocation\tStanley Cups", "Blues\tSTL\t1",
                                    "Flyers\tPHI\t2"};
    corpus_has("csv/kreuzberg__stanley_cups.csv", p, 3);
}

Test(csv, corpus_attendance)
{
    static const char *const p[] = {"Tom Brooks", "Berlinda Fong", "10/1\tFALSE\tTRUE"};
    corpus_has("csv/sheetjs__Attendance.csv", p, 3);
}

Test(csv, corpus_lo7322)
{
    static const char *const p[] = {"Wednesday, October 18, 1933", "04:17 PM"};
    corpus_has("csv/sheetjs__LO7322.csv", p, 2);
}

Test(csv, corpus_columnar)
{
    static const char *const p[] = {"Square of the Record Number", "01JAN60:00:00:01",
                                    "19NOV76:17:46:40"};
    corpus_has("csv/tika__test-columnar.csv", p, 3);
}

/* MARK: - Hostile */

Test(csv_hostile, million_column_row)
{
    buf b = {0};
    buf_rep(&b, "x,", 1000000);
    buf_str(&b, "end\n");
    doc_result r = run_csv(b.p, b.n, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(r.nwarnings >= 1);
    cr_expect(strstr(r.warnings.p, "16384 columns") != NULL, "%s", r.warnings.p);
    cr_expect(strstr(r.text.p, "end") != NULL);
    cr_expect_lt(r.stats.memory_high, 64u << 20);
    doc_result_free(&r);
    free(b.p);
}

Test(csv_hostile, quote_never_closed_at_start_of_huge_file)
{
    buf b = {0};
    buf_str(&b, "\"a,b\n");
    buf_rep(&b, "1,2,3,4,5,6,7,8\n", 2000000);  /* 32 MB */
    doc_result r = run_csv(b.p, b.n, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.warnings.p, "csv: quote at offset 0 never closed") != NULL, "%s",
              r.warnings.p);
    /* read as text: the quote is kept, the rows come out as rows */
    cr_expect(strncmp(r.text.p, "| \"a | b |", 10) == 0, "%.40s", r.text.p);
    cr_expect(strstr(r.text.p, "| 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 |") != NULL);
    cr_expect_lt(r.stats.memory_high, 16u << 20, "memory %llu",
                 (unsigned long long)r.stats.memory_high);
    doc_result_free(&r);
    free(b.p);
}

Test(csv_hostile, embedded_nuls_dropped)
{
    const char in[] = "a\0b,c\n\"d\0\",e\0\n";
    doc_result r = run_csv(in, sizeof in - 1, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK);
    EXPECT_TEXT(r, "ab\tc\nd\te\n");
    doc_result_free(&r);
}

Test(csv_hostile, big_file_streams_in_bounded_memory)
{
    buf b = {0};
    buf_rep(&b, "alpha,\"beta, gamma\",3.14159,\"multi\nline\"\n", 1500000);  /* ~60 MB */
    for (int out = 0; out < 3; out++) {
        pith_ctx *ctx = pith_ctx_create(NULL);
        pith_options o = doc_options((pith_output)out);
        pith_doc *doc;
        cr_assert_eq(pith_open_with(ctx, csv_handler(), PITH_FMT_CSV, b.p, b.n, &o, &doc),
                     PITH_OK);
        pith_chunk c;
        size_t total = 0;
        while (pith_next(doc, &c) == PITH_OK && !(c.flags & PITH_CHUNK_END)) total += c.len;
        cr_expect_gt(total, b.n / 2);
        pith_stats st = pith_ctx_stats(ctx);
        cr_expect_lt(st.memory_high, 16u << 20, "output %d: memory %llu", out,
                     (unsigned long long)st.memory_high);
        pith_close(doc);
        pith_ctx_destroy(ctx);
    }
    free(b.p);
}

Test(csv_hostile, stray_quotes_stay_linear)
{
    /* a quote opens the file and only doubled quotes follow: the scan for its close runs to
     * the end once, then every quote is text, instead of one scan to the end per quote */
    buf b = {0};
    buf_str(&b, "\"");
    buf_rep(&b, "\"\"x,y\n", 400000);
    doc_result r = run_csv(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK);
    cr_expect_lt(r.stats.work, 8u * b.n, "work %llu", (unsigned long long)r.stats.work);
    cr_expect(strncmp(r.text.p, "\"\"\"x\ty\n\"\"x\ty\n", 13) == 0, "%.20s", r.text.p);
    doc_result_free(&r);
    free(b.p);
}

Test(csv_hostile, work_limit_stops_it)
{
    buf b = {0};
    buf_rep(&b, "a,b,c\n", 100000);
    doc_expect_work_limit(csv_handler(), PITH_FMT_CSV, b.p, b.n);
    free(b.p);
}

Test(csv_hostile, empty_and_tiny_inputs)
{
    static const char *const ins[] = {"", "\"", "\n", "\r\n\r\n", ",", "\"\"\"", "a\r"};
    for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++) {
        doc_result r = run_csv(ins[i], strlen(ins[i]), PITH_OUT_MARKDOWN);
        cr_expect_eq(r.open_st, PITH_OK, "input %zu", i);
        cr_expect_eq(r.next_st, PITH_OK, "input %zu: %s", i, r.err);
        doc_result_free(&r);
    }
}

Test(csv_hostile, tiny_memory_caps_fail_cleanly)
{
    static const char in[] = "a,b,\"c\nd\"\n1,2,3\n";
    doc_expect_caps_fail_cleanly(csv_handler(), PITH_FMT_CSV, in, sizeof in - 1);
}
