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
    /* numId 5: levels without w:start (they start at 0, §17.9.26) and a third level that only
     * the first restarts (w:lvlRestart 1, §17.9.10); numId 6: decimalZero without w:start */
    "<w:abstractNum w:abstractNumId=\"13\">"
    "<w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
    "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.%2\"/></w:lvl>"
    "<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerRoman\"/><w:lvlRestart w:val=\"1\"/>"
    "<w:lvlText w:val=\"%1.%2.%3\"/></w:lvl></w:abstractNum>"
    "<w:abstractNum w:abstractNumId=\"14\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"decimalZero\"/>"
    "<w:lvlText w:val=\"%1\"/></w:lvl></w:abstractNum>"
    "<w:num w:numId=\"5\"><w:abstractNumId w:val=\"13\"/></w:num>"
    "<w:num w:numId=\"6\"><w:abstractNumId w:val=\"14\"/></w:num>"
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

Test(docx, sym_symbol_font_codes_follow_the_urw_font)
{
    /* StandardSymbolsPS.afm: 0x44 Delta, 0x6D mu (the Greek letters, not U+2206 INCREMENT or
     * U+00B5 MICRO SIGN), 0xE5 summation, 0xB3 greaterequal, 0x80 apple (U+F8FF in the Adobe
     * Glyph List: URW's font has it where Adobe's Symbol encoding has nothing) */
    doc_result r = run_body(P(R("<w:sym w:font=\"Symbol\" w:char=\"F044\"/>")
                              R("<w:sym w:font=\"Symbol\" w:char=\"F06D\"/>")
                              R("<w:sym w:font=\"Symbol\" w:char=\"F0E5\"/>")
                              R("<w:sym w:font=\"Symbol\" w:char=\"00B3\"/>")
                              R("<w:sym w:font=\"Symbol\" w:char=\"F080\"/>")),
                            PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "\xCE\x94\xCE\xBC\xE2\x88\x91\xE2\x89\xA5\xEF\xA3\xBF\n");
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

/* MARK: - Imported documents (w:altChunk) */

#define AFCHUNK "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"

/* A body with four altChunk parts: HTML, plain text, RTF and MHT, each with its content type
 * in [Content_Types].xml (as Word writes them), the HTML one by an absolute target. */
static doc_result run_alt_chunks(const char *body)
{
    static const char types[] =
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
        "<Override PartName=\"/word/chunk.html\" ContentType=\"text/html\"/>"
        "<Default Extension=\"txt\" ContentType=\"text/plain\"/>"
        "<Default Extension=\"rtf\" ContentType=\"application/rtf\"/>"
        "<Override PartName=\"/word/chunk.mht\" ContentType=\"message/rfc822\"/>"
        "</Types>";
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rH\" Type=\"" AFCHUNK "\" Target=\"/word/chunk.html\"/>"
        "<Relationship Id=\"rT\" Type=\"" AFCHUNK "\" Target=\"chunk.txt\"/>"
        "<Relationship Id=\"rR\" Type=\"" AFCHUNK "\" Target=\"chunk.rtf\"/>"
        "<Relationship Id=\"rM\" Type=\"" AFCHUNK "\" Target=\"chunk.mht\"/>"
        "<Relationship Id=\"rX\" Type=\"" AFCHUNK "\" Target=\"missing.html\"/>"
        "</Relationships>";
    static const char html[] =
        "<!DOCTYPE html><html><head><title>t</title></head><body><p>Imported <b>html</b></p>"
        "<table><tr><td>c1</td><td>c2</td></tr></table></body></html>";
    static const char mht[] =
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\nmht words\r\n";
    buf d, z;
    oz_docx_document(&d, body);
    oz_entry es[] = {
        {"[Content_Types].xml", types, 0, 0, 0},
        {"_rels/.rels", oz_docx_rels, 0, 0, 0},
        {"word/document.xml", d.p, 0, 0, 0},
        {"word/_rels/document.xml.rels", rels, 0, 0, 0},
        {"word/chunk.html", html, 0, 0, 0},
        {"word/chunk.txt", "plain chunk words\n", 0, 0, 0},
        {"word/chunk.rtf", "{\\rtf1\\ansi rtf chunk words\\par}", 0, 0, 0},
        {"word/chunk.mht", mht, 0, 0, 0},
    };
    oz_build(&z, es, sizeof es / sizeof *es);
    doc_result r = doc_run(z.p, z.n, PITH_OUT_TEXT);
    free(d.p);
    free(z.p);
    return r;
}

Test(docx, alt_chunk_html_and_text_come_out_where_they_stand)
{
    doc_result r = run_alt_chunks(P(T("before")) "<w:altChunk r:id=\"rH\"/>" P(T("middle"))
                                  "<w:altChunk r:id=\"rT\"/>" P(T("after")));
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    const char *b = strstr(r.text.p, "before"), *h = strstr(r.text.p, "Imported html"),
               *c = strstr(r.text.p, "c1\tc2"), *m = strstr(r.text.p, "middle"),
               *t = strstr(r.text.p, "plain chunk words"), *a = strstr(r.text.p, "after");
    cr_expect(b && h && c && m && t && a, "%s", r.text.p);
    cr_expect(b < h && h < c && c < m && m < t && t < a, "document order: %s", r.text.p);
    cr_expect_eq(r.nwarnings, 0, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(docx, alt_chunk_rtf_and_mht_need_their_handler_in_the_build)
{
    doc_result r = run_alt_chunks(P(T("before")) "<w:altChunk r:id=\"rR\"/>"
                                  "<w:altChunk r:id=\"rM\"/>" P(T("after")));
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "before") && strstr(r.text.p, "after"), "%s", r.text.p);
    bool rtf = pith_registry_find(PITH_FMT_RTF) != NULL, eml = pith_registry_find(PITH_FMT_EML) != NULL;
    cr_expect_eq(strstr(r.text.p, "rtf chunk words") != NULL, rtf, "rtf handler %d: %s", rtf, r.text.p);
    cr_expect_eq(strstr(r.text.p, "mht words") != NULL, eml, "eml handler %d: %s", eml, r.text.p);
    unsigned disabled = 0;
    for (const char *w = r.warnings.p; (w = strstr(w, "PITH_E_DISABLED")) != NULL; w++) disabled++;
    cr_expect_eq(disabled, (unsigned)!rtf + (unsigned)!eml, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(docx_hostile, alt_chunk_to_a_missing_part_is_a_warning)
{
    doc_result r = run_alt_chunks(P(T("before")) "<w:altChunk r:id=\"rX\"/><w:altChunk r:id=\"nope\"/>"
                                  P(T("after")));
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "before\n\nafter\n");
    cr_expect_eq(r.nwarnings, 2, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(docx, corpus_alt_chunk_html)
{
    /* tika__testAltChunkHTML.docx: the body is one altChunk naming word/htmlDoc.html
     * (text/html); its text, read by hand with unzip: a paragraph and a 3-row table */
    size_t len = 0;
    uint8_t *data = corpus_read("docx/tika__testAltChunkHTML.docx", &len);
    cr_assert(data != NULL, "corpus file missing");
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "Simple paragraph with a emphasized word.") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "Col 1\tCol 2\nROW 1\tROW 1\nROW 2\tROW 2") != NULL, "%s", r.text.p);
    free(data);
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

Test(docx, numbering_levels_without_start_begin_at_zero_and_lvl_restart_is_followed)
{
    char b[9][300];
    char body[4096];
    snprintf(body, sizeof body, "%s%s%s%s%s%s%s%s%s%s", num_p("5", "0", "a", b[0], 300),
             num_p("5", "1", "b", b[1], 300), num_p("5", "2", "c", b[2], 300), num_p("5", "2", "d", b[3], 300),
             num_p("5", "1", "e", b[4], 300), num_p("5", "2", "f", b[5], 300), num_p("5", "0", "g", b[6], 300),
             P(T("plain")), num_p("6", "0", "x", b[7], 300), num_p("6", "0", "y", b[8], 300));
    doc_result r = run_body(body, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* the first level counts from 0 ("0." is an ordered list from 0); "0.2.iii": the third
     * level goes on across the second level's new item, as Word shows it */
    cr_expect_str_eq(r.text.p,
                     "0. a\n  - 0.1 b\n    - 0.1.i c\n    - 0.1.ii d\n  - 0.2 e\n    - 0.2.iii f\n1. g\n\n"
                     "plain\n\n- 00 x\n- 01 y\n");
    doc_result_free(&r);
}

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

Test(docx_hostile, deep_table_nesting_keeps_the_text_around_it)
{
    /* 100,000 nested tables (300,000 elements): the cell stack (64) and then the XML depth
     * limit (max_depth 256) skip what is deeper, with warnings; the paragraphs before and
     * after the nest still come out and the document ends OK, in bounded memory. */
    buf body = {0};
    const int depth = 100000;
    buf_str(&body, P(T("before")));
    for (int i = 0; i < depth; i++) buf_str(&body, "<w:tbl><w:tr><w:tc>");
    buf_str(&body, P(T("core")));
    for (int i = 0; i < depth; i++) buf_str(&body, "</w:tc></w:tr></w:tbl>");
    buf_str(&body, P(T("after")));
    doc_result r = run_body(body.p, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s: %s", pith_status_name(r.next_st), r.err);
    cr_expect(strstr(r.text.p, "before") != NULL, "%.200s", r.text.p);
    cr_expect(strstr(r.text.p, "after") != NULL, "%.200s", r.text.p);
    cr_expect(strstr(r.text.p, "core") == NULL);
    cr_expect(strstr(r.warnings.p, "deep") != NULL, "%s", r.warnings.p);
    cr_expect_lt(r.stats.memory_high, (uint64_t)16 << 20);
    free(body.p);
    doc_result_free(&r);
}

Test(docx_hostile, deep_inline_nesting_past_the_xml_depth_limit_skips_only_that_subtree)
{
    /* 100,000 nested smart tags inside one paragraph: this reader has no stack for them, so
     * the tokenizer's depth limit is what meets them. The subtree past max_depth is skipped
     * with one warning; the runs before and after it and the next paragraph are kept. */
    buf body = {0};
    const int depth = 100000;
    buf_str(&body, P(T("before")));
    buf_str(&body, "<w:p>" T("left "));
    for (int i = 0; i < depth; i++) buf_str(&body, "<w:smartTag>");
    buf_str(&body, T("deepest"));
    for (int i = 0; i < depth; i++) buf_str(&body, "</w:smartTag>");
    buf_str(&body, T("right") "</w:p>" P(T("after")));
    doc_result r = run_body(body.p, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s: %s", pith_status_name(r.next_st), r.err);
    cr_expect_str_eq(r.text.p, "before\n\nleft right\n\nafter\n");
    cr_expect(strstr(r.warnings.p, "PITH_E_LIMIT xml: elements nested deeper than the limit") != NULL,
              "%s", r.warnings.p);
    cr_expect_eq(r.nwarnings, 1);
    cr_expect_lt(r.stats.memory_high, (uint64_t)16 << 20);
    free(body.p);
    doc_result_free(&r);
}

Test(docx_hostile, deep_nesting_cut_short_keeps_what_came_before)
{
    /* the nest never closes: the part ends inside it (a warning), the text before stays */
    buf body = {0};
    buf_str(&body, P(T("kept")) "<w:p>");
    for (int i = 0; i < 50000; i++) buf_str(&body, "<w:smartTag>");
    buf d, z;
    oz_docx_document(&d, "");
    /* the document without its closing tags: body, then the open nest */
    size_t head = d.n - strlen("</w:body></w:document>");
    buf doc = {0};
    buf_put(&doc, d.p, head);
    buf_put(&doc, body.p, body.n);
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0},
        {"_rels/.rels", oz_docx_rels, 0, 0, 0},
        {"word/document.xml", doc.p, doc.n, 0, 0},
    };
    oz_build(&z, es, 3);
    doc_result r = doc_run(z.p, z.n, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s: %s", pith_status_name(r.next_st), r.err);
    cr_expect_str_eq(r.text.p, "kept\n");
    cr_expect(strstr(r.warnings.p, "PITH_E_TRUNCATED") != NULL, "%s", r.warnings.p);
    free(body.p);
    free(doc.p);
    free(d.p);
    free(z.p);
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
