/* test_rtf.c: the RTF handler (handlers/text/rtf.c).
 *
 * Small inputs with expected text written by hand from the RTF 1.9.1 specification's rules
 * (\uN and \ucN, \'hh through \ansicpg, destinations, \bin, lists, fields, headers); the corpus
 * checked by word F1 against LibreOffice's text export (reference/libreoffice/rtf) and by
 * list and link structure read off the files. Hostile cases (suite rtf_hostile): group bombs,
 * \bin past the end, \uc skips past the end, giant control words, every truncation, list and
 * field bombs, and the two malformed Tika files. Issue 12.
 */
#include <criterion/criterion.h>

#include "doc_util.h"

static const pith_handler *rtf_handler(void) { return doc_handler(PITH_FMT_RTF, "rtf"); }

static doc_result run_rtf_opts(const void *d, size_t n, pith_options o)
{
    return doc_run_with(rtf_handler(), PITH_FMT_RTF, d, n, o);
}

static doc_result run_rtf(const void *d, size_t n, pith_output out)
{
    return run_rtf_opts(d, n, doc_options(out));
}

#define RUN(lit, out) run_rtf(lit, sizeof lit - 1, out)

Test(rtf, paragraphs_lines_tabs_escapes)
{
    doc_result r = RUN("{\\rtf1\\ansi{\\fonttbl{\\f0 Times;}}{\\colortbl;\\red0;}"
                       "Hello \\{x\\} a\\\\b\\par Second\\line line\\tab tab\\par}",
                       PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "Hello {x} a\\b\n\nSecond\nline\ttab\n");
    doc_result_free(&r);
}

Test(rtf, ansicpg_bytes_decoded)
{
    /* \'cf\'f0\'e8 in windows-1251 is "При" */
    doc_result r = RUN("{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8 caf\\'e9}", PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "\xD0\x9F\xD1\x80\xD0\xB8 caf\xD0\xB9\n");
    doc_result_free(&r);
}

Test(rtf, unicode_with_fallback_skips)
{
    /* \uc1: one fallback character skipped; \uc2: two \'hh; \uc0: none; surrogate pair */
    doc_result r = RUN("{\\rtf1 a\\u233?b {\\uc2\\u8364\\'80\\'80c} \\uc0\\u8212 d"
                       " \\u-10179\\u-8704?}",
                       PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p,
                     "a\xC3\xA9" "b \xE2\x82\xAC" "c \xE2\x80\x94" "d \xF0\x9F\x98\x80?\n");
    doc_result_free(&r);
}

Test(rtf, destinations_skipped)
{
    doc_result r = RUN("{\\rtf1{\\stylesheet{\\s0 Normal;}}{\\*\\generator Msftedit;}"
                       "{\\*\\unknowndest hidden words}{\\pict\\pngblip 89504e47}"
                       "Visible{\\*\\bkmkstart b1}{\\field{\\*\\fldinst HYPERLINK \"http://x\"}"
                       "{\\fldrslt  link text}}.\\par}",
                       PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "Visible link text.\n");
    doc_result_free(&r);
}

Test(rtf, info_becomes_metadata)
{
    doc_result r = RUN("{\\rtf1{\\info{\\title The Title}{\\author Ann Smith}{\\creatim\\yr2020}}"
                       "Body\\par}",
                       PITH_OUT_TEXT);
    char v[64];
    cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v), "The Title");
    cr_expect_str_eq(doc_meta(&r, "author", v, sizeof v), "Ann Smith");
    cr_expect_str_eq(r.text.p, "Body\n");
    doc_result_free(&r);
}

Test(rtf, tables_become_rows)
{
    doc_result r = RUN("{\\rtf1 Before\\par\\trowd\\cellx1000\\cellx2000\\pard\\intbl A\\cell "
                       "\\pard\\intbl B\\cell\\row\\trowd\\cellx1000\\cellx2000\\pard\\intbl C"
                       "\\cell\\pard\\intbl D\\cell\\row\\pard After\\par}",
                       PITH_OUT_MARKDOWN);
    cr_expect_str_eq(r.text.p, "Before\n\n| A | B |\n| --- | --- |\n| C | D |\n\nAfter\n");
    doc_result_free(&r);
}

Test(rtf, bold_italic_to_markdown)
{
    doc_result r = RUN("{\\rtf1 plain {\\b bold} \\i it\\i0  end\\par}", PITH_OUT_MARKDOWN);
    cr_expect_str_eq(r.text.p, "plain **bold** *it* end\n");
    doc_result_free(&r);
}

Test(rtf, header_and_footnote_are_sections)
{
    doc_result r = RUN("{\\rtf1{\\header Head text\\par}Body{\\footnote Note text}\\par}",
                       PITH_OUT_JSONL);
    cr_expect(strstr(r.text.p, "\"kind\":\"header\"") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "Head text") != NULL);
    cr_expect(strstr(r.text.p, "\"kind\":\"footnote\"") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "Note text") != NULL);
    doc_result_free(&r);
}

Test(rtf, detected_by_signature)
{
    rtf_handler();
    const char in[] = "{\\rtf1\\ansi Hi\\par}";
    doc_result r = doc_run(in, sizeof in - 1, PITH_OUT_TEXT);
    cr_expect_eq(r.format, PITH_FMT_RTF);
    cr_expect_str_eq(r.text.p, "Hi\n");
    doc_result_free(&r);
}

Test(rtf, cjk_font_without_pack_asks_for_it)
{
    /* f1 is Shift_JIS (\fcharset128); \'93\'fa is 日 and no \u gives it */
    const char in[] = "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}{\\f1\\fcharset128 MS Mincho;}}"
                      "{\\f1 \\'93\\'fa}\\par}";
    doc_result r = run_rtf(in, sizeof in - 1, PITH_OUT_TEXT);
    cr_expect_eq(r.open_st, PITH_E_NEED_PACK, "%s", r.err);
    cr_expect(strstr(r.err, "cjk-encodings") != NULL, "%s", r.err);
    doc_result_free(&r);
    /* declared but only used with \u text: no pack needed */
    const char in2[] = "{\\rtf1\\ansi{\\fonttbl{\\f1\\fcharset128 MS Mincho;}}"
                       "{\\f1\\uc2\\u26085\\'93\\'fa}\\par}";
    r = run_rtf(in2, sizeof in2 - 1, PITH_OUT_TEXT);
    cr_expect_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "\xE6\x97\xA5\n");
    doc_result_free(&r);
}

/* MARK: - Lists */

/* One list (\listid7, reached through \ls1): level 0 decimal "%1.", level 1 lower letters
 * "%2)", level 2 bullets. */
#define LISTTABLE                                                                              \
    "{\\*\\listtable{\\list\\listtemplateid1{\\listlevel\\levelnfc0\\levelstartat1"               \
    "{\\leveltext\\'02\\'00.;}{\\levelnumbers\\'01;}}{\\listlevel\\levelnfc4\\levelnfcn4"         \
    "{\\leveltext\\'02\\'01);}{\\levelnumbers\\'01;}}{\\listlevel\\levelnfc23"                    \
    "{\\leveltext\\'01\\u8226 ?;}{\\levelnumbers;}}{\\listname ;}\\listid7}}"                     \
    "{\\*\\listoverridetable{\\listoverride\\listid7\\listoverridecount0\\ls1}}"

Test(rtf, list_ordered_numbers_come_from_the_list_event)
{
    static const char in[] = "{\\rtf1" LISTTABLE "Intro\\par{\\listtext 1.\\tab}\\pard\\ls1 One"
                             "\\par{\\listtext 2.\\tab}Two\\par\\pard After\\par}";
    doc_result r = RUN(in, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "Intro\n\n1. One\n2. Two\n\nAfter\n");
    doc_result_free(&r);
    /* the label is not in the item's text a second time */
    r = RUN(in, PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "Intro\n\n1. One\n2. Two\n\nAfter\n");
    doc_result_free(&r);
    r = RUN(in, PITH_OUT_JSONL);
    cr_expect(strstr(r.text.p, "{\"type\":\"list\",\"ordered\":true,\"start\":1,\"items\":[") !=
              NULL, "%s", r.text.p);
    doc_result_free(&r);
}

Test(rtf, list_nested_by_level_other_labels_stay_text)
{
    /* level 1 is lettered: Markdown has no lettered lists, so its "a)" stays the item's text;
     * "b)" keeps the paragraph properties of "a)" (no \pard), as Word writes it */
    static const char in[] = "{\\rtf1" LISTTABLE
                             "{\\listtext 1.\\tab}\\pard\\ls1\\ilvl0\\li720 One\\par"
                             "{\\listtext a)\\tab}\\pard\\ls1\\ilvl1\\li1440 Sub a\\par"
                             "{\\listtext b)\\tab}Sub b\\par"
                             "{\\listtext \\u8226?\\tab}\\pard\\ls1\\ilvl2\\li2160 Dot\\par"
                             "{\\listtext 2.\\tab}\\pard\\ls1\\ilvl0\\li720 Two\\par}";
    doc_result r = RUN(in, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "1. One\n   - a) Sub a\n   - b) Sub b\n     - Dot\n2. Two\n");
    doc_result_free(&r);
    r = RUN(in, PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "1. One\n  - a) Sub a\n  - b) Sub b\n    - Dot\n2. Two\n");
    doc_result_free(&r);
}

Test(rtf, list_bullets_drop_their_glyph)
{
    /* \levelnfc23 through the table; then \ls9, which no table names: the label alone (one
     * symbol, \'95 is U+2022 in windows-1252) says bullet */
    static const char in[] = "{\\rtf1" LISTTABLE
                             "{\\listtext\\pard\\plain\\f3 \\'b7\\tab}\\pard\\ls1\\ilvl2 first\\par"
                             "{\\listtext\\pard\\plain\\f3 \\'b7\\tab}second\\par\\pard Mid\\par"
                             "{\\listtext \\'95\\tab}\\pard\\ls9 third\\par}";
    doc_result r = RUN(in, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "- first\n- second\n\nMid\n\n- third\n");
    doc_result_free(&r);
}

Test(rtf, list_restart_and_start_number)
{
    /* "1." after "2." restarts: a second list; "7." starts a list at 7 */
    static const char in[] = "{\\rtf1" LISTTABLE
                             "{\\listtext 1.\\tab}\\pard\\ls1 a\\par{\\listtext 2.\\tab}b\\par"
                             "{\\listtext 1.\\tab}c\\par\\pard Between\\par"
                             "{\\listtext 7.\\tab}\\pard\\ls1 Seven\\par"
                             "{\\listtext 8.\\tab}Eight\\par}";
    doc_result r = RUN(in, PITH_OUT_JSONL);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    const char *a = strstr(r.text.p, "\"ordered\":true,\"start\":1");
    cr_assert(a != NULL, "%s", r.text.p);
    cr_expect(strstr(a + 1, "\"ordered\":true,\"start\":1") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "\"ordered\":true,\"start\":7") != NULL, "%s", r.text.p);
    doc_result_free(&r);
    r = RUN(in, PITH_OUT_TEXT);
    cr_expect(strstr(r.text.p, "1. a\n2. b\n") == r.text.p, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "\n1. c\n") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "Between\n\n7. Seven\n8. Eight\n") != NULL, "%s", r.text.p);
    doc_result_free(&r);
}

Test(rtf, list_old_style_pn)
{
    /* RTF 1.5 numbering as WordPad writes it: \pn in the paragraph, \pntext its label */
    static const char in[] =
        "{\\rtf1{\\fonttbl{\\f0 Arial;}{\\f1\\fcharset2 Symbol;}}"
        "\\pard{\\pntext\\f0 1.\\tab}{\\*\\pn\\pnlvlbody\\pnf0\\pnindent0\\pnstart1\\pndec"
        "{\\pntxta.}}\\fi-360\\li720 First\\par{\\pntext\\f0 2.\\tab}Second\\par"
        "\\pard Plain\\par"
        "\\pard{\\pntext\\f1\\'b7\\tab}{\\*\\pn\\pnlvlblt\\pnf1\\pnindent0{\\pntxtb\\'b7}}"
        "\\fi-360\\li720 Apple\\par{\\pntext\\f1\\'b7\\tab}Pear\\par"
        "\\pard{\\pntext\\f0 A.\\tab}{\\*\\pn\\pnlvlbody\\pnucltr\\pnstart1{\\pntxta.}}Upper\\par}";
    doc_result r = RUN(in, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "1. First\n2. Second\n\nPlain\n\n- Apple\n- Pear\n\n* A. Upper\n");
    doc_result_free(&r);
}

Test(rtf, list_label_in_a_table_cell_stays_text)
{
    static const char in[] = "{\\rtf1" LISTTABLE "\\trowd\\cellx1000\\cellx2000"
                             "\\pard\\intbl{\\listtext 1.\\tab}\\ls1 x\\cell y\\cell\\row\\pard}";
    doc_result r = RUN(in, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "1. x\ty\n");
    doc_result_free(&r);
}

Test(rtf, list_empty_item_keeps_its_number)
{
    static const char in[] = "{\\rtf1" LISTTABLE "{\\listtext 1.\\tab}\\pard\\ls1 a\\par"
                             "{\\listtext 2.\\tab}\\par{\\listtext 3.\\tab}c\\par}";
    doc_result r = RUN(in, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "1. a\n2. \n3. c\n");
    doc_result_free(&r);
}

/* MARK: - Fields and links */

Test(rtf, hyperlink_field_becomes_a_link)
{
    static const char in[] =
        "{\\rtf1 See {\\field{\\*\\fldinst {\\rtlch HYPERLINK \"http://example.com/a?b=1\" }}"
        "{\\fldrslt {\\ul the site}}} now.\\par}";
    doc_result r = RUN(in, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "See [the site](http://example.com/a?b=1) now.\n");
    doc_result_free(&r);
    r = RUN(in, PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "See the site now.\n");
    doc_result_free(&r);
}

Test(rtf, hyperlink_switches)
{
    /* \l names a bookmark (href "#name"), \o a tooltip (dropped); a bare URL has no quotes */
    static const char in[] =
        "{\\rtf1 {\\field{\\*\\fldinst HYPERLINK \\\\l \"sec2\"}{\\fldrslt Section 2}}, "
        "{\\field{\\*\\fldinst HYPERLINK \"http://x.org/p\" \\\\l \"frag\" \\\\o \"a tip\"}"
        "{\\fldrslt Frag}}, {\\field{\\*\\fldinst HYPERLINK http://y.org/}{\\fldrslt Bare}}\\par}";
    doc_result r = RUN(in, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p,
                     "[Section 2](#sec2), [Frag](http://x.org/p#frag), [Bare](http://y.org/)\n");
    doc_result_free(&r);
}

Test(rtf, other_fields_keep_their_result)
{
    static const char in[] = "{\\rtf1 Page {\\field{\\*\\fldinst { PAGE }}{\\fldrslt 3}} of "
                             "{\\field{\\*\\fldinst NUMPAGES}{\\fldrslt {9}}}\\par}";
    doc_result r = RUN(in, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "Page 3 of 9\n");
    doc_result_free(&r);
}

Test(rtf, link_result_across_paragraphs)
{
    /* a link cannot hold a paragraph break: each paragraph gets the link again */
    static const char in[] =
        "{\\rtf1 {\\field{\\*\\fldinst HYPERLINK \"http://z.org/\"}{\\fldrslt one\\par two}} "
        "after\\par}";
    doc_result r = RUN(in, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "[one](http://z.org/)\n\n[two](http://z.org/) after\n");
    doc_result_free(&r);
}

/* MARK: - Headers and footers */

Test(rtf, headers_footers_sections_empty_ones_left_out)
{
    /* Word writes empty \headerl/\headerr groups: no SECTION for them */
    static const char in[] = "{\\rtf1{\\headerl \\pard\\par}{\\headerr \\pard\\plain\\par}"
                             "{\\footer \\pard Page foot\\par}Body\\par}";
    doc_result r = RUN(in, PITH_OUT_JSONL);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    const char *sec = strstr(r.text.p, "\"type\":\"section\"");
    cr_assert(sec != NULL, "%s", r.text.p);
    cr_expect(strstr(sec + 1, "\"type\":\"section\"") == NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "{\"type\":\"section\",\"kind\":\"footer\",\"blocks\":[{\"type\":"
                               "\"paragraph\",\"text\":\"Page foot\"}]}") != NULL,
              "%s", r.text.p);
    doc_result_free(&r);
    r = RUN(in, PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "Page foot\n\nBody\n");
    doc_result_free(&r);
}

Test(rtf, footnote_in_a_list_item_stays_in_the_item)
{
    /* the footnote's own \pard ends its own paragraph's properties, not the item's */
    static const char in[] = "{\\rtf1" LISTTABLE "{\\listtext 1.\\tab}\\pard\\ls1 One"
                             "{\\footnote \\pard\\plain Note\\par}\\par"
                             "{\\listtext 2.\\tab}Two\\par}";
    doc_result r = RUN(in, PITH_OUT_JSONL);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    /* one list: the note is a section inside item 1, and "Two" is item 2 */
    cr_expect(strstr(r.text.p, "{\"type\":\"list\",\"ordered\":true,\"start\":1,\"items\":["
                               "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"One\"},"
                               "{\"type\":\"section\",\"kind\":\"footnote\",\"blocks\":["
                               "{\"type\":\"paragraph\",\"text\":\"Note\"}]}]},"
                               "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"Two\"}]}]}") !=
                  NULL,
              "%s", r.text.p);
    doc_result_free(&r);
}

/* MARK: - Corpus: word F1 against LibreOffice */

/* A copy of UTF-8 s[0..n) with punctuation and symbols outside ASCII turned into spaces:
 * doc_util.h's word_f1 counts every non-ASCII byte as a letter, while bench/lib/f1.mjs (the
 * measure) splits words on anything that is not a letter, mark or digit. Without this, the
 * reference's list glyphs ("•", "▪", "◦"), LibreOffice's U+2006 marks around hidden text and
 * CJK punctuation ("、", "「") would count as words, or glue words together. Blocks mapped:
 * U+0080..U+00BF except ª µ º, U+2000..U+2BFF, U+3000..U+303F, U+F000..U+F0FF (Symbol font
 * code points), U+FF01..U+FF0F, U+FF1A..U+FF20. */
static char *without_symbols(const char *s, size_t n, size_t *out_n)
{
    char *o = malloc(n + 1);
    cr_assert(o != NULL);
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = (uint8_t)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (len > n - i) len = n - i;
        uint32_t cp = c;
        if (len == 2) cp = (c & 0x1Fu) << 6 | ((uint8_t)s[i + 1] & 0x3Fu);
        if (len == 3)
            cp = (c & 0x0Fu) << 12 | ((uint8_t)s[i + 1] & 0x3Fu) << 6 | ((uint8_t)s[i + 2] & 0x3Fu);
        bool sym = (cp >= 0x80 && cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) ||
                   (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
                   (cp >= 0xF000 && cp <= 0xF0FF) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
                   (cp >= 0xFF1A && cp <= 0xFF20);
        if (sym) {
            o[k++] = ' ';
        } else {
            memcpy(o + k, s + i, len);
            k += len;
        }
        i += len;
    }
    o[k] = 0;
    *out_n = k;
    return o;
}

static double corpus_f1(const char *name)
{
    char rel[256], ref[300];
    size_t len = 0, rlen = 0, plen = 0;
    snprintf(rel, sizeof rel, "rtf/%s", name);
    snprintf(ref, sizeof ref, "reference/libreoffice/rtf/%s.txt", name);
    uint8_t *d = corpus_read(rel, &len);
    uint8_t *w = corpus_read(ref, &rlen);
    cr_assert(d && w, "%s or its reference missing", name);
    uint8_t *pk = doc_pack_read("cjk-encodings", &plen);
    pith_pack pack = {"cjk-encodings", pk, plen};
    pith_options o = pith_options_default();
    if (pk) {
        o.packs = &pack;
        o.pack_count = 1;
    }
    doc_result r = run_rtf_opts(d, len, o);
    cr_assert_eq(r.open_st, PITH_OK, "%s: %s", name, r.err);
    cr_assert_eq(r.next_st, PITH_OK, "%s: %s", name, r.err);
    cr_assert(r.text.n > 0, "%s: empty output", name);
    size_t an = 0, bn = 0;
    char *a = without_symbols(r.text.p, r.text.n, &an);
    char *b = without_symbols((const char *)w, rlen, &bn);
    double f1 = word_f1(a, an, b, bn);
    free(a);
    free(b);
    doc_result_free(&r);
    free(d);
    free(w);
    free(pk);
    return f1;
}

/* Every corpus RTF with a LibreOffice reference but one: kreuzberg__table_simple.rtf, where
 * the reference is wrong (below). tika__testBinControlWord.rtf has no reference (LibreOffice
 * refuses to load it: reference/libreoffice/STATUS.tsv). The Japanese file's page header is
 * kept as a header section, which LibreOffice's text export leaves out: an extra sentence. */
Test(rtf, corpus_f1_at_least_097)
{
    static const char *const files[] = {
        "kreuzberg__formatting.rtf", "kreuzberg__list_complex.rtf", "kreuzberg__unicode.rtf",
        "kreuzberg__word_sample.rtf", "tika__testRTF-ms932.rtf", "tika__testRTF.rtf",
        "tika__testRTFHyperlink.rtf", "tika__testRTFJapanese.rtf",
        "tika__testRTFListMicrosoftWord.rtf",
        "tika__testRTFUnicodeUCNControlWordCharacterDoubling.rtf",
        "tika__testRTFWindowsCodepage1250.rtf", "tika__testRTFWord2010CzechCharacters.rtf"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        double f1 = corpus_f1(files[i]);
        cr_expect_geq(f1, 0.97, "%s: word F1 %.3f", files[i], f1);
    }
}

/* kreuzberg__table_simple.rtf: each row declares one \cellx and holds four \cell's (A B C D,
 * E F G H). LibreOffice keeps only the first cell of each row ("A", "E": F1 0.40), losing
 * text the file holds; kreuzberg, where the file comes from, describes it as "Table with
 * headers A, B, C, D and data row E, F, G, H" with Pandoc's 4x2 table as the baseline. pith
 * keeps all eight. */
Test(rtf, corpus_table_simple_keeps_every_cell)
{
    size_t len = 0;
    uint8_t *d = corpus_read("rtf/kreuzberg__table_simple.rtf", &len);
    cr_assert(d != NULL);
    doc_result r = run_rtf(d, len, PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "A\tB\tC\tD\nE\tF\tG\tH\n");
    doc_result_free(&r);
    free(d);
}

/* Structure read off the files (their \listtext labels and \li indents) and the levels shown
 * by the LibreOffice reference; text output: "N." for the ordered lists, "- " otherwise, two
 * spaces a level. */
Test(rtf, corpus_list_complex_structure)
{
    size_t len = 0;
    uint8_t *d = corpus_read("rtf/kreuzberg__list_complex.rtf", &len);
    cr_assert(d != NULL);
    doc_result r = run_rtf(d, len, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    static const char *const parts[] = {
        "1. One\n2. Two\n  - a. Three\n  - b. Four\n    - i. Five\n    - ii. Six\n",
        "      - A. Seven\n      - B. Eight\n        - I. Nine\n        - II. Ten\n",
        "          - Eleven\n          - Twelve\n\nOut of list!\n\nStart with\n\n",
        "7. Seven Start\n8. Eight Continue\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        cr_expect(strstr(r.text.p, parts[i]) != NULL, "missing:\n%s\nin:\n%s", parts[i], r.text.p);
    doc_result_free(&r);
    free(d);
}

Test(rtf, corpus_list_microsoft_word_nesting)
{
    /* "aa" and "ab" (\ls4, level 0, \li1440) sit inside item "a" (\ls1, level 1, \li1080),
     * and "b" goes on as item 2 of the ordered list */
    size_t len = 0;
    uint8_t *d = corpus_read("rtf/tika__testRTFListMicrosoftWord.rtf", &len);
    cr_assert(d != NULL);
    doc_result r = run_rtf(d, len, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    static const char *const parts[] = {"1. one\n2. two\n3. three\n",
                                        "- first\n- second\n- third\n",
                                        "1. a\n  - aa\n  - ab\n2. b\n3. c\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        cr_expect(strstr(r.text.p, parts[i]) != NULL, "missing:\n%s\nin:\n%s", parts[i], r.text.p);
    doc_result_free(&r);
    free(d);
}

Test(rtf, corpus_hyperlinks)
{
    /* the file has 14 HYPERLINK fields, each with a result */
    size_t len = 0;
    uint8_t *d = corpus_read("rtf/tika__testRTFHyperlink.rtf", &len);
    cr_assert(d != NULL);
    doc_result r = run_rtf(d, len, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "[frequently asked questions](http://r.office.microsoft.com/r/"
                               "rlidwelcomeFAQ?clid=1033)") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "[Junk E-mail Filter](http://r.office.microsoft.com/r/"
                               "rlidOutlookWelcomeMail2?clid=1033) - The new") != NULL);
    size_t links = 0;
    for (const char *p = r.text.p; (p = strstr(p, "](http://r.office.microsoft.com/")); p++)
        links++;
    cr_expect_eq(links, 14u);
    doc_result_free(&r);
    free(d);
}

/* MARK: - Hostile */

Test(rtf_hostile, group_bomb)
{
    buf b = {0};
    buf_str(&b, "{\\rtf1 ");
    buf_rep(&b, "{", 1000000);
    buf_str(&b, "deep");
    buf_rep(&b, "}", 1000000);
    buf_str(&b, " after}");
    doc_result r = run_rtf(b.p, b.n, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "deep after\n");
    cr_expect(strstr(r.warnings.p, "limit max_depth") != NULL, "%s", r.warnings.p);
    cr_expect_lt(r.stats.memory_high, 8u << 20);
    doc_result_free(&r);
    free(b.p);
}

Test(rtf_hostile, group_bomb_never_closed)
{
    buf b = {0};
    buf_str(&b, "{\\rtf1 x");
    buf_rep(&b, "{\\b ", 500000);
    doc_result r = run_rtf(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "x\n");
    cr_expect(strstr(r.warnings.p, "500001 groups not closed") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(b.p);
}

Test(rtf_hostile, bin_with_huge_count)
{
    const char in[] = "{\\rtf1 before\\bin4294967295 \x01\x02{}}}";
    doc_result r = RUN(in, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "before\n");
    cr_expect(strstr(r.warnings.p, "past the end") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    /* a \bin whose data holds braces: they are data, not groups */
    const char in2[] = "{\\rtf1 a{\\bin3 }{x}b}";
    r = RUN(in2, PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "ab\n");
    doc_result_free(&r);
}

Test(rtf_hostile, uc_skip_past_the_end)
{
    doc_result r = RUN("{\\rtf1 ok \\uc2147483647\\u233 skipped to the end", PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "ok \xC3\xA9\n");
    doc_result_free(&r);
}

Test(rtf_hostile, giant_control_word_and_parameter)
{
    buf b = {0};
    buf_str(&b, "{\\rtf1 a\\");
    buf_rep(&b, "x", 1000000);
    buf_rep(&b, "9", 1000000);
    buf_str(&b, " b\\u");
    buf_rep(&b, "9", 100000);
    buf_str(&b, " xc}");  /* x is the \\uc1 fallback */
    doc_result r = run_rtf(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    /* the clamped \u parameter is some character; a, b and c survive around it */
    cr_expect(strncmp(r.text.p, "ab", 2) == 0, "%.20s", r.text.p);
    cr_expect(strstr(r.text.p, "c\n") != NULL);
    doc_result_free(&r);
    free(b.p);
}

Test(rtf_hostile, every_truncation_of_a_small_file)
{
    const char in[] = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fcharset0 Arial;}}{\\info"
                      "{\\title T}}\\f0 caf\\'e9 \\u8364?{\\b x}\\trowd\\cellx9\\intbl A\\cell"
                      "\\row\\pard{\\*\\x y}\\bin2 zz\\par}";
    doc_expect_every_prefix_ok(rtf_handler(), PITH_FMT_RTF, in, sizeof in - 1);
}

Test(rtf_hostile, corpus_corrupt_list_override)
{
    size_t len = 0;
    uint8_t *d = corpus_read("malformed/tika__testRTFCorruptListOverride.rtf", &len);
    cr_assert(d != NULL);
    doc_result r = run_rtf(d, len, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    /* phrases read off the file */
    cr_expect(strstr(r.text.p, "Apples are fun!") != NULL);
    cr_expect(strstr(r.text.p, "Order apple pie") != NULL);
    doc_result_free(&r);
    free(d);
}

Test(rtf_hostile, corpus_invalid_unicode)
{
    size_t len = 0;
    uint8_t *d = corpus_read("malformed/tika__testRTFInvalidUnicode.rtf", &len);
    cr_assert(d != NULL);
    doc_result r = run_rtf(d, len, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    /* \uc0; a lone high, a lone low, a low then a high: each a U+FFFD, never a joined pair */
    cr_expect_str_eq(r.text.p, "Unpaired hi \xEF\xBF\xBD here Unpaired lo \xEF\xBF\xBD here "
                               "Mismatched pair \xEF\xBF\xBD\xEF\xBF\xBD here \n");
    doc_result_free(&r);
    free(d);
}

Test(rtf_hostile, big_file_streams_in_bounded_memory)
{
    buf b = {0};
    buf_str(&b, "{\\rtf1\\ansi ");
    buf_rep(&b, "{\\b Some} text with caf\\'e9 and \\u8364? in it.\\par\n", 500000);
    buf_str(&b, "}");
    doc_result r = run_rtf(b.p, b.n, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_gt(r.text.n, 500000u * 30);
    cr_expect_lt(r.stats.memory_high, 16u << 20, "memory %llu",
                 (unsigned long long)r.stats.memory_high);
    doc_result_free(&r);
    free(b.p);
}

Test(rtf_hostile, tiny_memory_caps_fail_cleanly)
{
    static const char in[] = "{\\rtf1{\\fonttbl{\\f0 A;}}{\\info{\\title T}}x\\par\\intbl"
                             " a\\cell\\row}";
    doc_expect_caps_fail_cleanly(rtf_handler(), PITH_FMT_RTF, in, sizeof in - 1);
}

Test(rtf_hostile, list_table_and_paragraph_bomb)
{
    /* 2000 lists and overrides (past RTF_LIST_MAX), then 100000 list paragraphs whose
     * indents climb through 20 levels (past RTF_LIST_LEVELS) and start over */
    buf b = {0};
    char tmp[128];
    buf_str(&b, "{\\rtf1{\\*\\listtable");
    for (int i = 0; i < 2000; i++) {
        snprintf(tmp, sizeof tmp, "{\\list{\\listlevel\\levelnfc0}{\\listlevel\\levelnfc23}"
                                  "\\listid%d}", i);
        buf_str(&b, tmp);
    }
    buf_str(&b, "}{\\*\\listoverridetable");
    for (int i = 0; i < 2000; i++) {
        snprintf(tmp, sizeof tmp, "{\\listoverride\\listid%d\\ls%d}", i, i + 1);
        buf_str(&b, tmp);
    }
    buf_str(&b, "}");
    for (int i = 0; i < 100000; i++) {
        snprintf(tmp, sizeof tmp, "{\\listtext %d.\\tab}\\pard\\ls%d\\ilvl%d\\li%d x\\par", i,
                 1 + i % 2000, i % 12, 360 * (1 + i % 20));
        buf_str(&b, tmp);
    }
    buf_str(&b, "\\pard end\\par}");
    doc_result r = run_rtf(b.p, b.n, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "end") != NULL);
    cr_expect_lt(r.stats.memory_high, 16u << 20, "memory %llu",
                 (unsigned long long)r.stats.memory_high);
    doc_result_free(&r);
    free(b.p);
}

Test(rtf_hostile, giant_label_and_field_instruction)
{
    buf b = {0};
    buf_str(&b, "{\\rtf1 {\\listtext ");
    buf_rep(&b, "9", 100000);
    buf_str(&b, "\\tab}\\pard\\ls1 item\\par\\pard {\\field{\\*\\fldinst HYPERLINK \"http://h/");
    buf_rep(&b, "p", 100000);
    buf_str(&b, "\"}{\\fldrslt long}} {\\field{\\*\\fldinst ");
    buf_rep(&b, "{x", 50000);  /* nested groups inside the instruction */
    buf_rep(&b, "}", 50000);
    buf_str(&b, "}{\\fldrslt kept}}\\par}");
    doc_result r = run_rtf(b.p, b.n, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "item") != NULL, "%.200s", r.text.p);
    cr_expect(strstr(r.text.p, "[long](http://h/ppp") != NULL, "%.200s", r.text.p);
    cr_expect(strstr(r.text.p, ") kept\n") != NULL);
    cr_expect_lt(r.text.n, 8000u);  /* the label and the target were cut */
    doc_result_free(&r);
    free(b.p);
}

Test(rtf_hostile, nested_hyperlinks_make_one_link)
{
    /* a link cannot hold a link: the inner field's result is text of the outer link */
    doc_result r = RUN("{\\rtf1 {\\field{\\*\\fldinst HYPERLINK \"http://a/\"}{\\fldrslt x"
                       "{\\field{\\*\\fldinst HYPERLINK \"http://b/\"}{\\fldrslt y}}z}} w\\par}",
                       PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "[xyz](http://a/) w\n");
    doc_result_free(&r);
}

Test(rtf_hostile, link_and_list_never_closed)
{
    doc_result r = RUN("{\\rtf1{\\listtext 1.\\tab}\\pard\\ls1 a {\\field{\\*\\fldinst HYPERLINK "
                       "\"http://u/\"}{\\fldrslt text", PITH_OUT_MARKDOWN);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "1. a [text](http://u/)\n");
    cr_expect(strstr(r.warnings.p, "groups not closed") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(rtf_hostile, every_truncation_of_lists_links_and_sections)
{
    const char in[] = "{\\rtf1{\\*\\listtable{\\list{\\listlevel\\levelnfc0}\\listid3}}"
                      "{\\*\\listoverridetable{\\listoverride\\listid3\\ls1}}"
                      "{\\listtext 1.\\tab}\\pard\\ls1\\li720 a{\\footnote \\pard n\\par}\\par"
                      "{\\pntext b.\\tab}{\\*\\pn\\pnlvlbody\\pnlcltr{\\pntxta .}}\\pard x\\par"
                      "{\\header \\pard h\\par}{\\field{\\*\\fldinst HYPERLINK \\\\l \"q\"}"
                      "{\\fldrslt L\\par M}}\\par}";
    doc_expect_every_prefix_ok(rtf_handler(), PITH_FMT_RTF, in, sizeof in - 1);
}
