/* test_xml_doc.c: the XML document handler (handlers/text/xmldoc.c); the tokenizer's own suite
 * is test_xml.c.
 *
 * Expected text is written by hand from the small inputs here and from phrases read off the
 * corpus files. Hostile cases (suite xml_doc_hostile): entity bombs and external entities
 * (never expanded: the tokenizer does not read DTDs), 10^5-deep nesting (PITH_E_LIMIT naming
 * max_depth, bounded memory), truncation at every byte of a small file, a large file streamed
 * in bounded memory.
 */
#include <criterion/criterion.h>

#include "doc_util.h"

static const pith_handler *xml_handler(void) { return doc_handler(PITH_FMT_XML, "xml"); }

static doc_result run_xml_opts(const void *d, size_t n, pith_options o)
{
    return doc_run_with(xml_handler(), PITH_FMT_XML, d, n, o);
}

static doc_result run_xml(const void *d, size_t n, pith_output out)
{
    return run_xml_opts(d, n, doc_options(out));
}

#define RUN(lit, out) run_xml(lit, sizeof lit - 1, out)

Test(xml_doc, generic_text_per_element)
{
    doc_result r = RUN("<?xml version=\"1.0\"?>\n<CATALOG>\n  <CD>\n    <TITLE>Empire "
                       "Burlesque</TITLE>\n    <ARTIST>Bob\n      Dylan</ARTIST>\n  </CD>\n"
                       "</CATALOG>\n",
                       PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "Empire Burlesque\n\nBob Dylan\n");
    doc_result_free(&r);
}

Test(xml_doc, attributes_dropped_entities_replaced)
{
    doc_result r = RUN("<r a=\"hidden\"><x k=\"v\">caf&#233; &amp; &lt;tea&gt;</x>"
                       "<![CDATA[<raw>]]></r>",
                       PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "caf\xC3\xA9 & <tea>\n\n<raw>\n");
    doc_result_free(&r);
}

Test(xml_doc, xhtml_inline_heading_title_script)
{
    doc_result r = RUN("<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>The "
                       "Title</title><script>var x = 1;</script></head><body><h2>Part</h2>"
                       "<p>Hello <b>bold</b> world<br/>again</p></body></html>",
                       PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "## Part\n\nHello bold world\\\nagain\n");
    char t[64];
    cr_expect_str_eq(doc_meta(&r, "title", t, sizeof t), "The Title");
    doc_result_free(&r);
}

Test(xml_doc, svg_text_only)
{
    doc_result r = RUN("<svg xmlns=\"http://www.w3.org/2000/svg\"><style>.a{}</style>"
                       "<g><rect/><text x=\"1\">Label <tspan>one</tspan></text></g>"
                       "<text>Two</text></svg>",
                       PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "Label one\n\nTwo\n");
    doc_result_free(&r);
}

Test(xml_doc, docbook_titles_are_headings)
{
    doc_result r = RUN("<article xmlns=\"http://docbook.org/ns/docbook\"><title>Guide</title>"
                       "<section><title>Install</title><para>Run <command>make</command> "
                       "now.</para></section></article>",
                       PITH_OUT_MARKDOWN);
    cr_expect_str_eq(r.text.p, "# Guide\n\n## Install\n\nRun make now.\n");
    doc_result_free(&r);
}

Test(xml_doc, spreadsheetml_2003_tables)
{
    doc_result r = RUN("<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
                       "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">"
                       "<Worksheet ss:Name=\"Data\"><Table><Row><Cell><Data>a</Data></Cell>"
                       "<Cell><Data>b</Data></Cell></Row><Row><Cell><Data>1</Data></Cell>"
                       "<Cell><Data>2</Data></Cell></Row></Table></Worksheet></Workbook>",
                       PITH_OUT_MARKDOWN);
    cr_expect_str_eq(r.text.p, "## Data\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n");
    doc_result_free(&r);
}

Test(xml_doc, utf16le_input)
{
    uint8_t in[64];
    size_t n = doc_utf16le_bom("<r>\xE9t\xE9</r>", in, sizeof in);
    doc_result r = run_xml(in, n, PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "\xC3\xA9t\xC3\xA9\n");
    doc_result_free(&r);
}

Test(xml_doc, detected_by_content)
{
    xml_handler();
    const char in[] = "<?xml version=\"1.0\"?><note><to>Tove</to></note>";
    doc_result r = doc_run(in, sizeof in - 1, PITH_OUT_TEXT);
    cr_expect_eq(r.format, PITH_FMT_XML);
    cr_expect_str_eq(r.text.p, "Tove\n");
    doc_result_free(&r);
}

/* MARK: - Corpus: phrases read off each file by hand */

static void corpus_has(const char *rel, const char *const *phrases, size_t n, pith_options o)
{
    doc_result r = doc_corpus_run(xml_handler(), PITH_FMT_XML, rel, o);
    doc_expect_phrases(&r, rel, phrases, n);
    doc_result_free(&r);
}

Test(xml_doc, corpus_cd_catalog)
{
    static const char *const p[] = {"Empire Burlesque", "Bob Dylan", "Hide your heart"};
    corpus_has("xml/kreuzberg__cd_catalog.xml", p, 3, pith_options_default());
}

Test(xml_doc, corpus_rss)
{
    static const char *const p[] = {"Project Gutenberg Recently Posted or Updated EBooks",
                                    "This feed is regenerated every night."};
    corpus_has("xml/kreuzberg__rss_feed.xml", p, 2, pith_options_default());
}

Test(xml_doc, corpus_jats)
{
    static const char *const p[] = {"Pandoc Test Suite", "MacFarlane"};
    pith_options o = doc_options(PITH_OUT_MARKDOWN);
    corpus_has("xml/kreuzberg__jats-reader.xml", p, 2, o);
    static const char *const h[] = {"# Pandoc Test Suite"};
    corpus_has("xml/kreuzberg__jats-reader.xml", h, 1, o);
}

Test(xml_doc, corpus_excel_2003)
{
    static const char *const p[] = {"Col1\tCol2\tCol3\tCol4", "tika_hyperlink"};
    corpus_has("xml/tika__testEXCEL2003.xml", p, 2, pith_options_default());
}

Test(xml_doc, corpus_word_2003)
{
    static const char *const p[] = {"R1 c1", "R3 c4", "footnote"};
    corpus_has("xml/tika__testWORD2003.xml", p, 3, pith_options_default());
}

Test(xml_doc, corpus_euc_kr_needs_pack_then_decodes)
{
    size_t len = 0, plen = 0;
    uint8_t *d = corpus_read("xml/chardet__euc-kr_sparcs.kaist.ac.kr.xml", &len);
    cr_assert(d != NULL);
    doc_result r = run_xml(d, len, PITH_OUT_TEXT);
    cr_expect_eq(r.open_st, PITH_E_NEED_PACK, "%s", r.err);
    doc_result_free(&r);
    uint8_t *pk = doc_pack_read("cjk-encodings", &plen);
    if (!pk) {
        free(d);
        cr_skip_test("dist/data/cjk-encodings.bin not found");
    }
    pith_pack pack = {"cjk-encodings", pk, plen};
    pith_options o = pith_options_default();
    o.packs = &pack;
    o.pack_count = 1;
    r = run_xml_opts(d, len, o);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* the first item's title, read with iconv -f euc-kr */
    cr_expect(strstr(r.text.p, "Ari's World") != NULL);
    cr_expect(strstr(r.text.p, "\xEA\xB2\x8C\xEC\x9E\x84") != NULL);  /* "게임" */
    doc_result_free(&r);
    free(pk);
    free(d);
}

/* MARK: - Hostile */

/* fuzz finding 5 (tests/fuzz/REPORT.md, regressions/xmldoc/xmldoc-crash-17275f...): a
 * SpreadsheetML sheet name went out as a heading without the UTF-8 check text gets */
Test(xml_doc_hostile, sheet_name_with_invalid_utf8_becomes_fffd)
{
    doc_result r = RUN("<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
                       "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">"
                       "<Worksheet ss:Name=\"Da\xFFta\"><Table><Row><Cell><Data>a</Data>"
                       "</Cell></Row></Table></Worksheet></Workbook>",
                       PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strncmp(r.text.p, "## Da\xEF\xBF\xBDta\n", 11) == 0, "%s", r.text.p);
    doc_result_free(&r);
}

Test(xml_doc_hostile, billion_laughs_not_expanded)
{
    buf b = {0};
    buf_str(&b, "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for (int i = 1; i < 10; i++) {
        char line[160];
        snprintf(line, sizeof line, "<!ENTITY lol%d \"&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;"
                 "&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;\">", i, i - 1, i - 1, i - 1, i - 1,
                 i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        buf_str(&b, line);
    }
    buf_str(&b, "]><lolz>&lol9;</lolz>");
    doc_result r = run_xml(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_lt(r.text.n, 64u, "%s", r.text.p);
    doc_result_free(&r);
    free(b.p);
}

Test(xml_doc_hostile, external_entity_not_read)
{
    const char in[] = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "
                      "\"file:///etc/passwd\">]><r>a&xxe;b</r>";
    doc_result r = run_xml(in, sizeof in - 1, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK);
    cr_expect(strstr(r.text.p, "root:") == NULL);
    cr_expect(strncmp(r.text.p, "a", 1) == 0);
    doc_result_free(&r);
}

Test(xml_doc_hostile, deep_nesting_stops_at_max_depth)
{
    buf b = {0};
    buf_str(&b, "<r>before</r>");  /* not a second root: wrapped below */
    b.n = 0;
    buf_str(&b, "<r><p>before</p>");
    buf_rep(&b, "<a>", 100000);
    buf_str(&b, "deep");
    buf_rep(&b, "</a>", 100000);
    buf_str(&b, "</r>");
    doc_result r = run_xml(b.p, b.n, PITH_OUT_TEXT);
    cr_expect_eq(r.next_st, PITH_E_LIMIT, "%s", r.err);
    cr_expect(strstr(r.err, "max_depth") != NULL, "%s", r.err);
    cr_expect(strstr(r.text.p, "before") != NULL);
    cr_expect_lt(r.stats.memory_high, 8u << 20);
    doc_result_free(&r);
    free(b.p);
}

Test(xml_doc_hostile, every_truncation_of_a_small_file)
{
    const char in[] = "<?xml version=\"1.0\"?><r><t>one &amp; two</t><![CDATA[x]]><!-- c -->"
                      "<p a='1'>three<b>four</b></p></r>";
    for (size_t n = 0; n <= sizeof in - 1; n++) {
        doc_result r = run_xml(in, n, PITH_OUT_JSONL);
        cr_expect(r.open_st == PITH_OK || r.open_st == PITH_E_FORMAT ||
                      r.open_st == PITH_E_TRUNCATED,
                  "prefix %zu: %s", n, pith_status_name(r.open_st));
        cr_expect(r.next_st == PITH_OK || r.next_st == PITH_E_FORMAT ||
                      r.next_st == PITH_E_TRUNCATED,
                  "prefix %zu: %s %s", n, pith_status_name(r.next_st), r.err);
        doc_result_free(&r);
    }
}

Test(xml_doc_hostile, truncated_keeps_text_with_warning)
{
    doc_result r = RUN("<r><p>one</p><p>tw", PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK);
    cr_expect_str_eq(r.text.p, "one\n\ntw\n");
    cr_expect(strstr(r.warnings.p, "PITH_E_TRUNCATED") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(xml_doc_hostile, big_file_streams_in_bounded_memory)
{
    buf b = {0};
    buf_str(&b, "<feed>");
    buf_rep(&b, "<item><title>Some title here</title><d>a &amp; b</d></item>\n", 600000);
    buf_str(&b, "</feed>");
    doc_result r = run_xml(b.p, b.n, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_gt(r.text.n, 600000u * 20);
    cr_expect_lt(r.stats.memory_high, 16u << 20, "memory %llu",
                 (unsigned long long)r.stats.memory_high);
    doc_result_free(&r);
    free(b.p);
}

Test(xml_doc_hostile, tiny_memory_caps_fail_cleanly)
{
    static const char in[] = "<r><p>one <b>two</b></p><t>three</t></r>";
    doc_expect_caps_fail_cleanly(xml_handler(), PITH_FMT_XML, in, sizeof in - 1);
}
