/* test_docx.c: the DOCX handler (handlers/office/docx*.c, issue 8). Packages are built in code
 * (office_util.h) with the WordprocessingML each test is about; expected text is written by
 * hand from ECMA-376 Part 1's rules. Corpus cases read ../shared/corpus (malformed/ and the
 * encrypted docx) and compare with what the file holds, checked by hand with unzip. */
#include "decoders_util.h" /* first: it asks for POSIX (strdup) */

#include <criterion/criterion.h>

#include "doc_util.h"
#include "office_util.h"

static const char styles_xml[] =
    "<w:styles xmlns:w=\"" OZ_W_NS "\">"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"Heading 2\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Mine\"><w:name w:val=\"My Chapter\"/><w:basedOn w:val=\"Heading2\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Outline\"><w:name w:val=\"Outlined\"/><w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"LoopA\"><w:name w:val=\"a\"/><w:basedOn w:val=\"LoopB\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"LoopB\"><w:name w:val=\"b\"/><w:basedOn w:val=\"LoopA\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Numbered\"><w:name w:val=\"List Number\"/><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>"
    "</w:styles>";

/* numId 1: decimal "%1." with a lowerLetter "%2)" level; numId 2: the same definition,
 * restarted at 5; numId 3: bullets; numId 4: upperRoman "%1." starting at 3. */
static const char numbering_xml[] =
    "<w:numbering xmlns:w=\"" OZ_W_NS "\">"
    "<w:abstractNum w:abstractNumId=\"10\">"
    "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
    "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"%2)\"/></w:lvl>"
    "</w:abstractNum>"
    "<w:abstractNum w:abstractNumId=\"11\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"*\"/></w:lvl></w:abstractNum>"
    "<w:abstractNum w:abstractNumId=\"12\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"3\"/><w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/></w:lvl></w:abstractNum>"
    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"10\"/></w:num>"
    "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"10\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"5\"/></w:lvlOverride></w:num>"
    "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"11\"/></w:num>"
    "<w:num w:numId=\"4\"><w:abstractNumId w:val=\"12\"/></w:num>"
    "</w:numbering>";

static const char doc_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rIdN\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>"
    "<Relationship Id=\"rIdL\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"https://example.com/x\" TargetMode=\"External\"/>"
    "<Relationship Id=\"rIdH\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>"
    "<Relationship Id=\"rIdF\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>"
    "<Relationship Id=\"rIdFN\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes\" Target=\"footnotes.xml\"/>"
    "<Relationship Id=\"rIdC\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/>"
    "</Relationships>";

static const char header_xml[] = "<w:hdr xmlns:w=\"" OZ_W_NS "\"><w:p><w:r><w:t>Head text</w:t></w:r></w:p></w:hdr>";
static const char footer_xml[] = "<w:ftr xmlns:w=\"" OZ_W_NS "\"><w:p><w:r><w:t>Foot text</w:t></w:r></w:p></w:ftr>";
static const char footnotes_xml[] =
    "<w:footnotes xmlns:w=\"" OZ_W_NS "\">"
    "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/><w:t>SEP</w:t></w:r></w:p></w:footnote>"
    "<w:footnote w:id=\"1\"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t>Note one</w:t></w:r></w:p></w:footnote>"
    "</w:footnotes>";
static const char comments_xml[] =
    "<w:comments xmlns:w=\"" OZ_W_NS "\"><w:comment w:id=\"0\" w:author=\"A\"><w:p><w:r><w:t>Remark</w:t></w:r></w:p></w:comment></w:comments>";

/* A package with the shared parts and `body` as the document's body; footnotes and comments
 * only when `notes`. */
static doc_result run_body_notes(const char *body, pith_output out, bool notes)
{
    buf d, z;
    oz_docx_document(&d, body);
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0},
        {"_rels/.rels", oz_docx_rels, 0, 0, 0},
        {"word/document.xml", d.p, 0, 0, 0},
        {"word/_rels/document.xml.rels", doc_rels, 0, 0, 0},
        {"word/styles.xml", styles_xml, 0, 0, 0},
        {"word/numbering.xml", numbering_xml, 0, 0, 0},
        {"word/header1.xml", header_xml, 0, 0, 0},
        {"word/footer1.xml", footer_xml, 0, 0, 0},
        {"word/footnotes.xml", footnotes_xml, 0, 0, 0},
        {"word/comments.xml", comments_xml, 0, 0, 0},
    };
    oz_build(&z, es, sizeof es / sizeof *es - (notes ? 0 : 2));
    doc_result r = doc_run(z.p, z.n, out);
    free(d.p);
    free(z.p);
    return r;
}

static doc_result run_body(const char *body, pith_output out)
{
    return run_body_notes(body, out, false);
}

#define P(x) "<w:p>" x "</w:p>"
#define R(x) "<w:r>" x "</w:r>"
#define T(x) "<w:r><w:t xml:space=\"preserve\">" x "</w:t></w:r>"

/* MARK: - Text */

Test(docx, runs_tabs_breaks_hyphens_symbols)
{
    doc_result r = run_body(P(T("a") R("<w:tab/>") T("b") R("<w:br/>") T("c") R("<w:softHyphen/>")
                              T("d") R("<w:noBreakHyphen/>") T("e") R("<w:sym w:font=\"Symbol\" w:char=\"F061\"/>")
                              R("<w:sym w:font=\"Wingdings\" w:char=\"F04A\"/>") R("<w:cr/>") T("f")),
                            PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.format, PITH_FMT_DOCX);
    /* Symbol 0x61 is alpha (Adobe Symbol encoding); Wingdings keeps its private-use code */
    cr_expect_str_eq(r.text.p, "a\tb\ncd-e\xCE\xB1\xEF\x81\x8A\nf\n");
    doc_result_free(&r);
}

Test(docx, fields_show_results_not_instructions)
{
    doc_result r = run_body(P(T("p ") R("<w:fldChar w:fldCharType=\"begin\"/>")
                              R("<w:instrText> PAGE \\* MERGEFORMAT</w:instrText>")
                              R("<w:fldChar w:fldCharType=\"separate\"/>") T("7")
                              R("<w:fldChar w:fldCharType=\"end\"/>") T(" q ")
                              "<w:fldSimple w:instr=\" DATE \">" T("today") "</w:fldSimple>"),
                            PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "p 7 q today\n");
    doc_result_free(&r);
}

Test(docx, tracked_changes_keep_insertions_only)
{
    doc_result r = run_body(P(T("keep ") "<w:ins w:id=\"1\">" T("added ") "</w:ins>"
                              "<w:del w:id=\"2\">" R("<w:delText>gone </w:delText>") "</w:del>"
                              "<w:moveFrom w:id=\"3\">" T("moved-away ") "</w:moveFrom>"
                              "<w:moveTo w:id=\"4\">" T("moved-here") "</w:moveTo>"),
                            PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "keep added moved-here\n");
    doc_result_free(&r);
}

Test(docx, alternate_content_takes_one_branch)
{
    doc_result r = run_body(
        P(R("<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>"
            P(T("boxed")) "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>"
            "<v:textbox><w:txbxContent>" P(T("boxed")) "</w:txbxContent></v:textbox></w:pict>"
            "</mc:Fallback></mc:AlternateContent>"))
        P(R("<mc:AlternateContent><mc:Choice Requires=\"future\">" "<w:t>new</w:t>"
            "</mc:Choice><mc:Fallback><w:t>old</w:t></mc:Fallback></mc:AlternateContent>")),
        PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "boxed\n\nold\n");
    doc_result_free(&r);
}

Test(docx, content_controls_and_smart_tags_keep_text)
{
    doc_result r = run_body("<w:sdt><w:sdtPr><w:alias w:val=\"x\"/><w:placeholder><w:docPart w:val=\"y\"/>"
                            "</w:placeholder></w:sdtPr><w:sdtContent>" P(T("inside")) "</w:sdtContent></w:sdt>"
                            P("<w:smartTag>" T("tagged") "</w:smartTag>"),
                            PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "inside\n\ntagged\n");
    doc_result_free(&r);
}

Test(docx, flags_links_and_headings_in_markdown)
{
    doc_result r = run_body(
        "<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr>" T("Big") "</w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>" T("One") "</w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"Mine\"/></w:pPr>" T("Two") "</w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"Outline\"/></w:pPr>" T("Three") "</w:p>"
        "<w:p><w:pPr><w:outlineLvl w:val=\"3\"/></w:pPr>" T("Four") "</w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"LoopA\"/></w:pPr>" T("Plain") "</w:p>"
        P("<w:r><w:rPr><w:b/></w:rPr><w:t>bold</w:t></w:r>" T(" ")
          "<w:r><w:rPr><w:i w:val=\"1\"/></w:rPr><w:t>it</w:t></w:r>" T(" ")
          "<w:r><w:rPr><w:b w:val=\"false\"/></w:rPr><w:t>not</w:t></w:r>" T(" ")
          "<w:r><w:rPr><w:strike/></w:rPr><w:t>old</w:t></w:r>" T(" ")
          "<w:hyperlink r:id=\"rIdL\">" T("site") "</w:hyperlink>")
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdH\"/></w:sectPr>",
        PITH_OUT_MARKDOWN);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "# Big\n") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "# One\n") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "## Two\n") != NULL, "basedOn Heading2: %s", r.text.p);
    cr_expect(strstr(r.text.p, "### Three\n") != NULL, "style outline level 2: %s", r.text.p);
    cr_expect(strstr(r.text.p, "#### Four\n") != NULL, "direct outline level 3: %s", r.text.p);
    cr_expect(strstr(r.text.p, "\nPlain\n") != NULL, "cyclic basedOn: %s", r.text.p);
    cr_expect(strstr(r.text.p, "**bold** *it* not ~~old~~ [site](https://example.com/x)") != NULL,
              "%s", r.text.p);
    doc_result_free(&r);
}

/* MARK: - Lists */

static const char *num_p(const char *num, const char *lvl, const char *text, char *out, size_t cap)
{
    snprintf(out, cap,
             "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"%s\"/><w:numId w:val=\"%s\"/></w:numPr></w:pPr>"
             "<w:r><w:t>%s</w:t></w:r></w:p>",
             lvl, num, text);
    return out;
}

Test(docx, lists_with_real_numbering)
{
    buf b = {0};
    char tmp[512];
    buf_str(&b, num_p("1", "0", "one", tmp, sizeof tmp));
    buf_str(&b, num_p("1", "0", "two", tmp, sizeof tmp));
    buf_str(&b, num_p("1", "1", "two-a", tmp, sizeof tmp));
    buf_str(&b, num_p("1", "1", "two-b", tmp, sizeof tmp));
    buf_str(&b, num_p("1", "0", "three", tmp, sizeof tmp));
    buf_str(&b, P(T("between")));
    buf_str(&b, num_p("2", "0", "five", tmp, sizeof tmp)); /* startOverride 5 */
    buf_str(&b, num_p("2", "0", "six", tmp, sizeof tmp));
    buf_str(&b, num_p("3", "0", "dot", tmp, sizeof tmp));
    buf_str(&b, num_p("4", "0", "roman", tmp, sizeof tmp));
    buf_str(&b, "<w:p><w:pPr><w:pStyle w:val=\"Numbered\"/></w:pPr>" T("styled") "</w:p>");
    doc_result r = run_body(b.p, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* level 2 is "%2)" in lowerLetter: printed as its label; abstract 10 goes on at 7 for the
     * list-number style (numId 1 shares the definition numId 2 restarted) */
    const char *want = "1. one\n2. two\n   - a) two-a\n   - b) two-b\n3. three\n\nbetween\n\n"
                       "5. five\n6. six\n\n- dot\n\n* III. roman\n\n7. styled\n";
    cr_expect(strstr(r.text.p, want) != NULL, "got:\n%s\nwant:\n%s", r.text.p, want);
    free(b.p);
    doc_result_free(&r);
}

/* MARK: - Tables */

Test(docx, tables_with_spans_merges_and_nesting)
{
    const char *body =
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>" P(T("wide")) "</w:tc>"
        "<w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>" P(T("tall")) "</w:tc></w:tr>"
        "<w:tr><w:tc>" P(T("x")) "</w:tc><w:tc>"
        "<w:tbl><w:tr><w:tc>" P(T("in")) "</w:tc></w:tr></w:tbl>" P("")
        "</w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr>" P(T("hidden")) "</w:tc></w:tr>"
        "</w:tbl>" P(T("after"));
    doc_result r = run_body(body, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "wide\t\ttall\nx\tin\t\n\nafter\n");
    doc_result_free(&r);
    r = run_body(body, PITH_OUT_MARKDOWN);
    cr_expect(strstr(r.text.p, "| wide |") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "hidden") == NULL, "%s", r.text.p);
    doc_result_free(&r);
}

/* MARK: - Sections */

Test(docx, headers_footers_notes_and_comments_come_after_the_body)
{
    doc_result r = run_body_notes(P(T("Body") R("<w:footnoteReference w:id=\"1\"/>") R("<w:commentReference w:id=\"0\"/>"))
                                  "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdH\"/>"
                                  "<w:headerReference w:type=\"first\" r:id=\"rIdH\"/>"
                                  "<w:footerReference w:type=\"default\" r:id=\"rIdF\"/></w:sectPr>",
                                  PITH_OUT_JSONL, true);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    const char *b = strstr(r.text.p, "Body"), *h = strstr(r.text.p, "\"kind\":\"header\"");
    const char *f = strstr(r.text.p, "\"kind\":\"footer\""), *n = strstr(r.text.p, "\"kind\":\"footnote\"");
    const char *c = strstr(r.text.p, "\"kind\":\"comment\"");
    cr_assert(b && h && f && n && c, "%s", r.text.p);
    cr_expect(b < h && h < f && f < n && n < c, "%s", r.text.p);
    cr_expect(strstr(h + 1, "\"kind\":\"header\"") == NULL, "a header referenced twice comes once");
    cr_expect(strstr(r.text.p, "SEP") == NULL, "separator footnotes are left out");
    cr_expect(strstr(r.text.p, "Note one") && strstr(r.text.p, "Remark") && strstr(r.text.p, "Head text") &&
              strstr(r.text.p, "Foot text"), "%s", r.text.p);
    doc_result_free(&r);
}

Test(docx, properties_become_metadata)
{
    buf d, z;
    oz_docx_document(&d, P(T("x")));
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0},
        {"_rels/.rels", oz_docx_rels, 0, 0, 0},
        {"word/document.xml", d.p, 0, 0, 0},
        {"docProps/core.xml", "<cp:coreProperties xmlns:cp=\"c\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                              "<dc:title>Report</dc:title><dc:creator>Ann</dc:creator></cp:coreProperties>", 0, 0, 0},
    };
    oz_build(&z, es, 4);
    doc_result r = doc_run(z.p, z.n, PITH_OUT_TEXT);
    char v[64];
    cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v), "Report");
    cr_expect_str_eq(doc_meta(&r, "author", v, sizeof v), "Ann");
    free(d.p);
    free(z.p);
    doc_result_free(&r);
}

Test(docx, a_long_body_streams_in_steps)
{
    buf body = {0};
    char tmp[128];
    for (int i = 0; i < 20000; i++) {
        snprintf(tmp, sizeof tmp, "<w:p><w:r><w:t>para %d</w:t></w:r></w:p>", i);
        buf_str(&body, tmp);
    }
    doc_result r = run_body(body.p, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "para 0\n\npara 1\n") != NULL);
    cr_expect(strstr(r.text.p, "para 19999\n") != NULL);
    size_t lines = 0;
    for (const char *p = r.text.p; *p; p++) lines += *p == '\n';
    cr_expect_eq(lines, 20000 * 2 - 1 + 0, "lines %zu", lines);
    free(body.p);
    doc_result_free(&r);
}

/* MARK: - Hostile */

Test(docx_hostile, missing_main_part_is_a_format_error)
{
    buf z;
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0},
        {"_rels/.rels", oz_docx_rels, 0, 0, 0},
        {"word/styles.xml", styles_xml, 0, 0, 0},
    };
    oz_build(&z, es, 3);
    pith_options o = pith_options_default();
    o.hint = "x.docx";
    o.hint_len = 6;
    doc_result r = doc_run_with(NULL, PITH_FMT_UNKNOWN, z.p, z.n, o);
    cr_expect(r.open_st == PITH_E_FORMAT || r.open_st == PITH_E_UNSUPPORTED, "%s: %s",
              pith_status_name(r.open_st), r.err);
    free(z.p);
    doc_result_free(&r);
}

Test(docx_hostile, no_rels_falls_back_to_word_document_xml)
{
    buf d, z;
    oz_docx_document(&d, P(T("found")));
    oz_entry es[] = {{"word/document.xml", d.p, 0, 0, 0}};
    oz_build(&z, es, 1);
    doc_result r = doc_run(z.p, z.n, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "found\n");
    cr_expect(r.nwarnings >= 2, "missing types and rels are warned: %s", r.warnings.p);
    free(d.p);
    free(z.p);
    doc_result_free(&r);
}

Test(docx_hostile, wrong_and_self_rels)
{
    buf d, z;
    oz_docx_document(&d, P(T("still here")) "<w:sectPr><w:headerReference r:id=\"rSelf\"/>"
                         "<w:headerReference r:id=\"rMissing\"/></w:sectPr>"
                         P("<w:hyperlink r:id=\"nope\">" T("text") "</w:hyperlink>"));
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0},
        {"_rels/.rels", oz_docx_rels, 0, 0, 0},
        {"word/document.xml", d.p, 0, 0, 0},
        {"word/_rels/document.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rSelf\" Type=\"x/header\" Target=\"document.xml\"/>"
         "<Relationship Id=\"rMissing\" Type=\"x/footer\" Target=\"nothere.xml\"/>"
         "<Relationship Id=\"rS\" Type=\"x/styles\" Target=\"document.xml\"/>"
         "</Relationships>", 0, 0, 0},
    };
    oz_build(&z, es, 4);
    doc_result r = doc_run(z.p, z.n, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* the body as a "header" of itself is read once more as a header section: bounded, and
     * the missing one is a warning */
    cr_expect(strstr(r.text.p, "still here") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.warnings.p, "nothere.xml") != NULL, "%s", r.warnings.p);
    free(d.p);
    free(z.p);
    doc_result_free(&r);
}

Test(docx_hostile, dtd_entities_are_not_expanded)
{
    buf z;
    const char *doc =
        "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
        "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<w:document xmlns:w=\"" OZ_W_NS "\"><w:body><w:p><w:r><w:t>&c;&x;</w:t></w:r></w:p></w:body></w:document>";
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0},
        {"_rels/.rels", oz_docx_rels, 0, 0, 0},
        {"word/document.xml", doc, 0, 0, 0},
    };
    oz_build(&z, es, 3);
    doc_result r = doc_run(z.p, z.n, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "&c;&x;\n");
    free(z.p);
    doc_result_free(&r);
}

Test(docx_hostile, deep_table_nesting_is_bounded)
{
    buf body = {0};
    const int depth = 3000;
    for (int i = 0; i < depth; i++) buf_str(&body, "<w:tbl><w:tr><w:tc>");
    buf_str(&body, P(T("core")));
    for (int i = 0; i < depth; i++) buf_str(&body, "</w:tc></w:tr></w:tbl>");
    doc_result r = run_body(body.p, PITH_OUT_MARKDOWN);
    /* the XML depth limit (max_depth 256) stops the part: a clear status, bounded memory */
    cr_expect(r.open_st == PITH_OK);
    cr_expect(r.next_st == PITH_E_LIMIT || r.next_st == PITH_OK, "%s", pith_status_name(r.next_st));
    cr_expect_lt(r.stats.memory_high, (uint64_t)64 << 20);
    free(body.p);
    doc_result_free(&r);
}

Test(docx_hostile, zip_bomb_part_is_refused_by_ratio)
{
    static uint8_t bomb[1 << 16];
    size_t n = du_make_bomb(bomb, sizeof bomb, 200000); /* ~51 MB from ~50 KB */
    buf z;
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0},
        {"_rels/.rels", oz_docx_rels, 0, 0, 0},
        {"word/document.xml", (const char *)bomb, n, 8, 200000u * 258u + 1u},
    };
    oz_build(&z, es, 3);
    pith_options o = pith_options_default();
    o.limits.max_ratio = 100;
    doc_result r = doc_run_with(NULL, PITH_FMT_UNKNOWN, z.p, z.n, o);
    pith_status st = r.open_st != PITH_OK ? r.open_st : r.next_st;
    cr_expect(st == PITH_E_LIMIT, "%s %s", pith_status_name(st), r.err);
    cr_expect(strstr(r.err, "max_ratio") != NULL, "%s", r.err);
    cr_expect_lt(r.stats.memory_high, (uint64_t)16 << 20);
    free(z.p);
    doc_result_free(&r);
}

Test(docx_hostile, broken_part_is_a_warning_and_the_rest_comes_out)
{
    buf d, z;
    oz_docx_document(&d, P(T("body ok")) "<w:sectPr><w:footerReference r:id=\"rIdF\"/></w:sectPr>");
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0},
        {"_rels/.rels", oz_docx_rels, 0, 0, 0},
        {"word/document.xml", d.p, 0, 0, 0},
        {"word/_rels/document.xml.rels", doc_rels, 0, 0, 0},
        {"word/styles.xml", "<w:styles><w:style", 0, 0, 0},
        {"word/numbering.xml", "not xml at all", 0, 0, 0},
        {"word/footer1.xml", "<w:ftr xmlns:w=\"" OZ_W_NS "\"><w:p><w:r><w:t>cut foot</w:t></w:r></w:p", 0, 0, 0},
        {"word/footnotes.xml", footnotes_xml, 0, 0, 0},
    };
    oz_build(&z, es, sizeof es / sizeof *es);
    doc_result r = doc_run(z.p, z.n, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK);
    cr_expect_str_eq(r.text.p, "body ok\n\ncut foot\n\nNote one\n");
    cr_expect(r.nwarnings >= 3, "%s", r.warnings.p);
    free(d.p);
    free(z.p);
    doc_result_free(&r);
}

/* MARK: - Corpus */

Test(docx_hostile, corpus_external_entity_is_not_resolved)
{
    size_t len = 0;
    uint8_t *data = corpus_read("malformed/poi__ExternalEntityInText.docx", &len);
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* document.xml declares <!ENTITY testent SYSTEM "http://poi.apache.org/"> and uses it in
     * "Here should not be the POI web site: "&testent;"" (read with unzip) */
    cr_expect(strstr(r.text.p, "Here should not be the POI web site") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "&testent;") != NULL, "%s", r.text.p);
    free(data);
    doc_result_free(&r);
}

Test(docx_hostile, corpus_truncated_files_give_text_or_a_clear_status)
{
    const char *files[] = {"malformed/poi__truncated62886.docx", "malformed/tika__testWORD_truncated.docx",
                           "malformed/poi__clusterfuzz-testcase-minimized-POIXWPFFuzzer-5313273089884160.docx"};
    for (size_t i = 0; i < 3; i++) {
        size_t len = 0;
        uint8_t *data = corpus_read(files[i], &len);
        doc_result r = doc_run(data, len, PITH_OUT_TEXT);
        pith_status st = r.open_st != PITH_OK ? r.open_st : r.next_st;
        cr_expect(st == PITH_OK || st == PITH_E_FORMAT || st == PITH_E_TRUNCATED || st == PITH_E_UNSUPPORTED,
                  "%s: %s %s", files[i], pith_status_name(st), r.err);
        if (i == 0) /* the cut document.xml still holds its signature line (read with unzip) */
            cr_expect(strstr(r.text.p, "Assinatura do Respons") != NULL, "%s", r.text.p);
        if (i == 2) /* comments.xml fails its CRC: a warning, its text kept */
            cr_expect(strstr(r.warnings.p, "crc") != NULL, "%s", r.warnings.p);
        free(data);
        doc_result_free(&r);
    }
}

Test(docx_hostile, corpus_password_protected_is_encrypted)
{
    size_t len = 0;
    uint8_t *data = corpus_read("docx/poi__bug53475-password-is-pass.docx", &len);
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_expect_eq(r.open_st, PITH_E_ENCRYPTED, "%s", r.err);
    free(data);
    doc_result_free(&r);
}

Test(docx, corpus_matches_reference_words)
{
    /* poi__ComplexNumberedLists.docx: body text only, LibreOffice's reference */
    size_t len = 0, rlen = 0;
    uint8_t *data = corpus_read("docx/poi__ComplexNumberedLists.docx", &len);
    uint8_t *ref = corpus_read("reference/libreoffice/docx/poi__ComplexNumberedLists.docx.txt", &rlen);
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "10. Jump to new list at 10\n11. Now 11\n") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "12. Carrying on @ 12\n") != NULL, "%s", r.text.p);
    (void)rlen;
    free(ref);
    free(data);
    doc_result_free(&r);
}
