/* test_pptx.c: the PPTX handler (handlers/office/pptx.c), issue 8.
 *
 * Packages are built here (tests/c/office_util.h's STORED zip writer) from ECMA-376 Part 1
 * §19 PresentationML and §21 DrawingML as the spec spells the elements; expected texts are
 * written by hand from those parts and from the output rules of src/ser_text.c and
 * src/ser_md.c (blocks separated by a blank line, "- "/"N. " items indented two spaces a
 * level, tab-separated cells, "# " headings), or taken from the corpus's LibreOffice
 * references. Suite pptx_hostile: missing and cyclic parts, a slide that is not XML, deep
 * group nesting, 100,000 slide ids naming one part, an XML bomb, the OSS-Fuzz file, an
 * encrypted package: statuses, warnings and bounded memory, never wall time.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "doc_util.h"
#include "office_util.h"

extern const pith_handler pith_handler_pptx;

#define P_NS "http://schemas.openxmlformats.org/presentationml/2006/main"
#define A_NS "http://schemas.openxmlformats.org/drawingml/2006/main"
#define R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL_T "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

TestSuite(pptx);
TestSuite(pptx_hostile);

/* MARK: - Building packages */

static const char types_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/ppt/presentation.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.presentationml.presentation.main+xml\"/>"
    "</Types>";

static const char pkg_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL_T "officeDocument\" Target=\"ppt/presentation.xml\"/>"
    "</Relationships>";

#define SLD_OPEN "<p:sld xmlns:p=\"" P_NS "\" xmlns:a=\"" A_NS "\" xmlns:r=\"" R_NS "\"><p:cSld><p:spTree>"
#define SLD_CLOSE "</p:spTree></p:cSld></p:sld>"
#define NV(ph) "<p:nvSpPr><p:cNvPr id=\"2\" name=\"s\"/><p:cNvSpPr/><p:nvPr>" ph "</p:nvPr></p:nvSpPr>"
/* A shape: placeholder markup (or "") and its paragraphs. */
#define SP(ph, paras) "<p:sp>" NV(ph) "<p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>" paras "</p:txBody></p:sp>"
#define PARA(text) "<a:p><a:r><a:rPr lang=\"en-US\"/><a:t>" text "</a:t></a:r></a:p>"
#define PARA_PPR(ppr, text) "<a:p><a:pPr" ppr "</a:pPr><a:r><a:t>" text "</a:t></a:r></a:p>"

/* A presentation of n slides: ppt/slides/slide<i>.xml with body[i] inside the shape tree
 * (NULL: the part is left out), slide rels from rels[i] (NULL: none). extra entries are added
 * as given. */
typedef struct pkg {
    buf zip;
    char *names[64];
    buf parts[64];
    oz_entry es[80];
    size_t n;
} pkg;

static void pkg_add(pkg *p, const char *name, const char *data, size_t len)
{
    cr_assert(p->n < 80);
    memset(&p->es[p->n], 0, sizeof p->es[p->n]);
    p->es[p->n].name = name;
    p->es[p->n].data = data;
    p->es[p->n].len = len;
    p->n++;
}

static char *fmt_alloc(const char *fmt, int i)
{
    char *s = malloc(strlen(fmt) + 24);
    cr_assert(s != NULL);
    sprintf(s, fmt, i);
    return s;
}

/* body[i]: the slide's shape tree content; a body starting with "!" is the whole part as is. */
static void pkg_build(pkg *p, const char *const *body, const char *const *rels, int n,
                      const oz_entry *extra, size_t nextra)
{
    memset(p, 0, sizeof *p);
    pkg_add(p, "[Content_Types].xml", types_xml, 0);
    pkg_add(p, "_rels/.rels", pkg_rels, 0);
    buf *pres = &p->parts[0], *prel = &p->parts[1];
    buf_str(pres, "<p:presentation xmlns:p=\"" P_NS "\" xmlns:r=\"" R_NS "\"><p:sldIdLst>");
    buf_str(prel, "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
    for (int i = 0; i < n; i++) {
        char t[256];
        snprintf(t, sizeof t, "<p:sldId id=\"%d\" r:id=\"rId%d\"/>", 256 + i, i + 10);
        buf_str(pres, t);
        snprintf(t, sizeof t,
                 "<Relationship Id=\"rId%d\" Type=\"" REL_T "slide\" Target=\"slides/slide%d.xml\"/>",
                 i + 10, i + 1);
        buf_str(prel, t);
    }
    buf_str(pres, "</p:sldIdLst></p:presentation>");
    buf_str(prel, "</Relationships>");
    pkg_add(p, "ppt/presentation.xml", pres->p, pres->n);
    pkg_add(p, "ppt/_rels/presentation.xml.rels", prel->p, prel->n);
    for (int i = 0; i < n && i < 30; i++) {
        if (body[i]) {
            buf *b = &p->parts[2 + 2 * i];
            if (body[i][0] == '!') {
                buf_str(b, body[i] + 1);
            } else {
                buf_str(b, SLD_OPEN);
                buf_str(b, body[i]);
                buf_str(b, SLD_CLOSE);
            }
            p->names[2 * i] = fmt_alloc("ppt/slides/slide%d.xml", i + 1);
            pkg_add(p, p->names[2 * i], b->p, b->n);
        }
        if (rels && rels[i]) {
            p->names[2 * i + 1] = fmt_alloc("ppt/slides/_rels/slide%d.xml.rels", i + 1);
            pkg_add(p, p->names[2 * i + 1], rels[i], 0);
        }
    }
    for (size_t i = 0; i < nextra; i++) pkg_add(p, extra[i].name, extra[i].data, extra[i].len);
    oz_build(&p->zip, p->es, p->n);
}

static void pkg_free(pkg *p)
{
    free(p->zip.p);
    for (int i = 0; i < 64; i++) {
        free(p->names[i]);
        free(p->parts[i].p);
    }
}

static doc_result run_pptx(const void *data, size_t len, pith_output out)
{
    pith_options o = pith_options_default();
    o.output = out;
    return doc_run_with(&pith_handler_pptx, PITH_FMT_PPTX, data, len, o);
}

static doc_result run_slides(const char *const *body, const char *const *rels, int n,
                             const oz_entry *extra, size_t nextra, pith_output out)
{
    pkg p;
    pkg_build(&p, body, rels, n, extra, nextra);
    doc_result r = run_pptx(p.zip.p, p.zip.n, out);
    pkg_free(&p);
    return r;
}

static void expect_has(const doc_result *r, const char *want)
{
    cr_expect(strstr(r->text.p, want) != NULL, "expected \"%s\" in:\n%s", want, r->text.p);
}

/* MARK: - Slides, titles, lists */

Test(pptx, slides_come_in_sldIdLst_order_with_titles_as_headings)
{
    /* presentation.xml lists slide2 before slide1: the list, not the part names, decides */
    const char *body[] = {SP("<p:ph type=\"title\"/>", PARA("First")),
                          SP("<p:ph type=\"ctrTitle\"/>", PARA("Second"))};
    pkg p;
    pkg_build(&p, body, NULL, 2, NULL, 0);
    /* swap the two ids in presentation.xml */
    char *s = strstr(p.parts[0].p, "rId10");
    char *t = strstr(p.parts[0].p, "rId11");
    cr_assert(s && t);
    s[4] = '1';
    t[4] = '0';
    free(p.zip.p);
    oz_build(&p.zip, p.es, p.n);
    doc_result r = run_pptx(p.zip.p, p.zip.n, PITH_OUT_MARKDOWN);
    pkg_free(&p);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_assert_eq(r.units, 2);
    cr_expect_str_eq(r.text.p, "# Second\n\n# First\n");
    char v[64];
    cr_expect_str_eq(doc_meta(&r, "slides", v, sizeof v), "2");
    doc_result_free(&r);
}

Test(pptx, body_placeholder_paragraphs_are_items_unless_buNone)
{
    const char *body[] = {SP("<p:ph idx=\"1\"/>",
                             PARA("one") PARA_PPR(" lvl=\"1\">", "deeper") PARA("two")
                             PARA_PPR("><a:buNone/>", "plain"))};
    doc_result r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* a ph without type is "obj" (ST_PlaceholderType default): bullets from the master */
    cr_expect_str_eq(r.text.p, "- one\n  - deeper\n- two\n\nplain\n");
    doc_result_free(&r);
}

Test(pptx, explicit_bullets_and_autonumbers_in_a_text_box)
{
    const char *body[] = {SP("", PARA("intro")
                                 PARA_PPR("><a:buAutoNum type=\"arabicPeriod\" startAt=\"3\"/>", "c")
                                 PARA_PPR("><a:buAutoNum type=\"arabicPeriod\" startAt=\"3\"/>", "d")
                                 PARA_PPR(" lvl=\"1\"><a:buChar char=\"-\"/>", "sub")
                                 PARA_PPR("><a:buAutoNum type=\"arabicPeriod\" startAt=\"3\"/>", "e"))};
    doc_result r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* a text box (no ph): plain unless bulleted; ordered from startAt */
    cr_expect_str_eq(r.text.p, "intro\n\n3. c\n4. d\n  - sub\n5. e\n");
    doc_result_free(&r);
}

Test(pptx, runs_breaks_fields_and_flags)
{
    const char *body[] = {SP("", "<a:p><a:r><a:rPr b=\"1\"/><a:t>Bold</a:t></a:r>"
                                 "<a:r><a:t> and </a:t></a:r><a:r><a:rPr i=\"1\"/><a:t>it</a:t></a:r>"
                                 "<a:br/><a:fld id=\"{1}\" type=\"slidenum\"><a:t>7</a:t></a:fld></a:p>")};
    doc_result r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    expect_has(&r, "**Bold** and *it*");
    expect_has(&r, "7");
    doc_result_free(&r);
    r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_TEXT);
    cr_expect_str_eq(r.text.p, "Bold and it\n7\n");
    doc_result_free(&r);
}

Test(pptx, group_shapes_keep_document_order)
{
    const char *body[] = {SP("", PARA("A"))
                          "<p:grpSp><p:nvGrpSpPr><p:cNvPr id=\"3\" name=\"g\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>"
                          SP("", PARA("B"))
                          "<p:grpSp><p:nvGrpSpPr><p:cNvPr id=\"4\" name=\"h\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>"
                          SP("", PARA("C")) "</p:grpSp>" SP("", PARA("D")) "</p:grpSp>"
                          SP("", PARA("E"))};
    doc_result r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "A\n\nB\n\nC\n\nD\n\nE\n");
    doc_result_free(&r);
}

#define TC(attrs, text) "<a:tc" attrs "><a:txBody><a:bodyPr/>" PARA(text) "</a:txBody><a:tcPr/></a:tc>"
#define FRAME(inner)                                                                            \
    "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"5\" name=\"t\"/><p:cNvGraphicFramePr/>" \
    "<p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic><a:graphicData uri=\"http://"          \
    "schemas.openxmlformats.org/drawingml/2006/table\">" inner "</a:graphicData></a:graphic>"    \
    "</p:graphicFrame>"

Test(pptx, tables_with_gridSpan_hMerge_and_vMerge)
{
    const char *body[] = {FRAME("<a:tbl><a:tblPr firstRow=\"1\"/><a:tblGrid><a:gridCol/><a:gridCol/>"
                                "<a:gridCol/></a:tblGrid>"
                                "<a:tr>" TC(" gridSpan=\"2\"", "wide") TC(" hMerge=\"1\"", "HIDDEN")
                                TC("", "c") "</a:tr>"
                                "<a:tr>" TC(" rowSpan=\"2\"", "tall") TC("", "x") TC("", "y") "</a:tr>"
                                "<a:tr>" TC(" vMerge=\"1\"", "GONE") TC("", "p") TC("", "q") "</a:tr>"
                                "</a:tbl>")};
    doc_result r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* a cell spanning 2 columns is followed by one more tab; a covered cell is empty */
    cr_expect_str_eq(r.text.p, "wide\t\tc\ntall\tx\ty\n\tp\tq\n");
    doc_result_free(&r);
    r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_MARKDOWN);
    expect_has(&r, "| wide |");
    expect_has(&r, "| --- |");
    cr_expect(strstr(r.text.p, "HIDDEN") == NULL && strstr(r.text.p, "GONE") == NULL);
    doc_result_free(&r);
}

Test(pptx, notes_come_after_the_slide_in_a_notes_section)
{
    const char *body[] = {SP("<p:ph type=\"title\"/>", PARA("Slide")) SP("", PARA("text"))};
    const char *rels[] = {
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId2\" Type=\"" REL_T "notesSlide\" Target=\"../notesSlides/notesSlide1.xml\"/>"
        "</Relationships>"};
    static const char notes[] =
        "<p:notes xmlns:p=\"" P_NS "\" xmlns:a=\"" A_NS "\"><p:cSld><p:spTree>"
        SP("<p:ph type=\"sldImg\"/>", "") SP("<p:ph type=\"body\" idx=\"1\"/>", PARA("Speak up"))
        SP("<p:ph type=\"sldNum\" idx=\"5\"/>", PARA("99")) "</p:spTree></p:cSld></p:notes>";
    oz_entry extra[] = {{.name = "ppt/notesSlides/notesSlide1.xml", .data = notes}};
    doc_result r = run_slides(body, rels, 1, extra, 1, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* the notes' slide number placeholder is not notes text */
    cr_expect_str_eq(r.text.p, "Slide\n\ntext\n\nSpeak up\n");
    doc_result_free(&r);
    r = run_slides(body, rels, 1, extra, 1, PITH_OUT_JSONL);
    expect_has(&r, "\"type\":\"section\",\"kind\":\"notes\"");
    doc_result_free(&r);
}

Test(pptx, hidden_slides_are_extracted_and_listed)
{
    const char *body[] = {SP("", PARA("one")),
                          "!<p:sld xmlns:p=\"" P_NS "\" xmlns:a=\"" A_NS "\" show=\"0\"><p:cSld><p:spTree>"
                          SP("", PARA("two")) SLD_CLOSE,
                          SP("", PARA("three"))};
    doc_result r = run_slides(body, NULL, 3, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "one\n\ntwo\n\nthree\n");
    char v[64];
    cr_expect_str_eq(doc_meta(&r, "hidden_slides", v, sizeof v), "2");
    doc_result_free(&r);
}

Test(pptx, alternate_content_takes_one_branch)
{
    const char *body[] = {"<mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/"
                          "markup-compatibility/2006\"><mc:Choice Requires=\"p14\">"
                          SP("", PARA("chosen")) "</mc:Choice><mc:Fallback>" SP("", PARA("fallback"))
                          "</mc:Fallback></mc:AlternateContent>"};
    doc_result r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "chosen\n");
    doc_result_free(&r);
}

Test(pptx, hyperlinks_carry_their_target_in_markdown)
{
    const char *body[] = {SP("", "<a:p><a:r><a:rPr><a:hlinkClick r:id=\"rId3\"/></a:rPr>"
                                 "<a:t>site</a:t></a:r></a:p>")};
    const char *rels[] = {
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId3\" Type=\"" REL_T "hyperlink\" Target=\"https://example.org/\" "
        "TargetMode=\"External\"/></Relationships>"};
    doc_result r = run_slides(body, rels, 1, NULL, 0, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "[site](https://example.org/)\n");
    doc_result_free(&r);
}

Test(pptx, chart_titles_series_and_categories)
{
    const char *body[] = {"<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"6\" name=\"c\"/>"
                          "<p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><a:graphic>"
                          "<a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/chart\">"
                          "<c:chart xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" "
                          "r:id=\"rId4\"/></a:graphicData></a:graphic></p:graphicFrame>"};
    const char *rels[] = {
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId4\" Type=\"" REL_T "chart\" Target=\"../charts/chart1.xml\"/>"
        "</Relationships>"};
#define SER(name, cat)                                                                         \
    "<c:ser><c:tx><c:strRef><c:f>S!$B$1</c:f><c:strCache><c:pt idx=\"0\"><c:v>" name           \
    "</c:v></c:pt></c:strCache></c:strRef></c:tx><c:cat><c:strRef><c:strCache><c:pt idx=\"0\">" \
    "<c:v>" cat "</c:v></c:pt></c:strCache></c:strRef></c:cat><c:val><c:numRef><c:numCache>"    \
    "<c:pt idx=\"0\"><c:v>42</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser>"
    static const char chart[] =
        "<c:chartSpace xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" "
        "xmlns:a=\"" A_NS "\"><c:chart><c:title><c:tx><c:rich><a:bodyPr/>" PARA("Sales")
        "</c:rich></c:tx></c:title><c:plotArea><c:barChart>" SER("North", "Q1") SER("South", "Q1")
        "</c:barChart></c:plotArea></c:chart></c:chartSpace>";
    oz_entry extra[] = {{.name = "ppt/charts/chart1.xml", .data = chart}};
    doc_result r = run_slides(body, rels, 1, extra, 1, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* values are left out (a viewer shows axis ticks, not them); categories once */
    cr_expect_str_eq(r.text.p, "Sales\n\nNorth\n\nQ1\n\nSouth\n");
    doc_result_free(&r);
}

/* MARK: - Corpus */

/* Word F1 of the text output against LibreOffice's text (Impress → PDF → pdftotext). */
static double f1_against_libreoffice(const char *name)
{
    char rel[256];
    size_t len = 0, rlen = 0;
    snprintf(rel, sizeof rel, "pptx/%s", name);
    uint8_t *data = corpus_read(rel, &len);
    cr_assert(data != NULL, "corpus file %s missing", rel);
    snprintf(rel, sizeof rel, "reference/libreoffice/pptx/%s.txt", name);
    uint8_t *ref = corpus_read(rel, &rlen);
    cr_assert(ref != NULL, "reference %s missing", rel);
    doc_result r = run_pptx(data, len, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s: %s", name, r.err);
    double f = word_f1(r.text.p, r.text.n, (const char *)ref, rlen);
    doc_result_free(&r);
    free(data);
    free(ref);
    return f;
}

Test(pptx, corpus_matches_libreoffice_where_it_renders_everything)
{
    /* files without speaker notes, off-page text or chart axes (see the report for those).
     * 0.90: doc_util.h's ASCII word F1 counts the reference's bullet glyphs as words, which
     * bench/lib/f1.mjs does not (it gives these files 0.95-1.00) */
    static const char *const files[] = {
        "kreuzberg__powerpoint_bad_text.pptx", "poi__bug58144-headers-footers-2007.pptx",
        "poi__ececapstonespring2012.pptx",     "tika__testPPT_masterFooter.pptx",
        "tika__testPPT_comment.pptx",          "pypptx__tbl-cell.pptx",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        double f = f1_against_libreoffice(files[i]);
        cr_expect(f >= 0.90, "%s: word F1 %.3f", files[i], f);
    }
}

Test(pptx, corpus_sample_show_by_hand)
{
    size_t len = 0;
    uint8_t *data = corpus_read("pptx/poi__SampleShow.pptx", &len);
    cr_assert(data != NULL);
    doc_result r = run_pptx(data, len, PITH_OUT_MARKDOWN);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* from reference/libreoffice/pptx/poi__SampleShow.pptx.txt, and the notes slides' text */
    expect_has(&r, "# Title of the first slide");
    expect_has(&r, "# This is the second slide");
    expect_has(&r, "- It has bullet points on it\n");
    expect_has(&r, "I am the notes of the first slide");
    char v[64];
    cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v), "SlideShow Sample");
    cr_expect_str_eq(doc_meta(&r, "author", v, sizeof v), "Nick Burch");
    doc_result_free(&r);
    free(data);
}

Test(pptx, corpus_no_slides_is_an_empty_document)
{
    size_t len = 0;
    uint8_t *data = corpus_read("pptx/pypptx__no-slides.pptx", &len);
    cr_assert(data != NULL);
    doc_result r = run_pptx(data, len, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK);
    cr_expect_eq(r.units, 0);
    cr_expect_str_eq(r.text.p, "");
    doc_result_free(&r);
    free(data);
}

Test(pptx, detection_picks_the_handler)
{
    const char *body[] = {SP("", PARA("detected"))};
    pkg p;
    pkg_build(&p, body, NULL, 1, NULL, 0);
    doc_result r = doc_run(p.zip.p, p.zip.n, PITH_OUT_TEXT);
    pkg_free(&p);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.format, PITH_FMT_PPTX);
    cr_expect_str_eq(r.text.p, "detected\n");
    doc_result_free(&r);
}

/* MARK: - Hostile */

Test(pptx_hostile, oss_fuzz_minimized_file_gives_what_it_has)
{
    size_t len = 0;
    uint8_t *data =
        corpus_read("malformed/poi__clusterfuzz-testcase-minimized-POIXSLFFuzzer-6254434927378432.pptx", &len);
    cr_assert(data != NULL);
    doc_result r = run_pptx(data, len, PITH_OUT_TEXT);
    /* no end record: the entries come from their local headers (a warning), a CRC mismatch on
     * the slide is another; its text still comes out */
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK);
    cr_expect(r.nwarnings >= 1);
    cr_expect(strstr(r.warnings.p, "zip:") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(data);
}

Test(pptx_hostile, missing_slide_part_is_a_warning_and_the_rest_comes_out)
{
    const char *body[] = {SP("", PARA("first")), NULL, SP("", PARA("third"))};
    doc_result r = run_slides(body, NULL, 3, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK);
    cr_expect_eq(r.units, 3); /* slide numbers stay those of the presentation */
    cr_expect_str_eq(r.text.p, "first\n\nthird\n");
    cr_expect(strstr(r.warnings.p, "ppt/slides/slide2.xml") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(pptx_hostile, slide_id_without_relationship_is_a_warning)
{
    const char *body[] = {SP("", PARA("only"))};
    pkg p;
    pkg_build(&p, body, NULL, 1, NULL, 0);
    /* a second id naming no relationship */
    buf pres = {0};
    buf_str(&pres, "<p:presentation xmlns:p=\"" P_NS "\" xmlns:r=\"" R_NS "\"><p:sldIdLst>"
                   "<p:sldId id=\"256\" r:id=\"rId10\"/><p:sldId id=\"257\" r:id=\"rId99\"/>"
                   "</p:sldIdLst></p:presentation>");
    p.es[2].data = pres.p;
    p.es[2].len = pres.n;
    free(p.zip.p);
    oz_build(&p.zip, p.es, p.n);
    doc_result r = run_pptx(p.zip.p, p.zip.n, PITH_OUT_TEXT);
    pkg_free(&p);
    free(pres.p);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "only\n");
    cr_expect(strstr(r.warnings.p, "rId99") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(pptx_hostile, cyclic_relationships_end)
{
    /* the slide's notes are the slide itself, and the slide also names presentation.xml as a
     * chart: each is followed one step, never further */
    const char *body[] = {SP("<p:ph type=\"body\"/>", PARA("loop"))
                          "<p:graphicFrame><a:graphic><a:graphicData uri=\"c\"><c:chart "
                          "xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" r:id=\"rId2\"/>"
                          "</a:graphicData></a:graphic></p:graphicFrame>"};
    const char *rels[] = {
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" REL_T "notesSlide\" Target=\"slide1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"" REL_T "chart\" Target=\"../presentation.xml\"/>"
        "</Relationships>"};
    doc_result r = run_slides(body, rels, 1, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK);
    /* once as the slide's list item, once as its (own) notes' body paragraph */
    cr_expect_str_eq(r.text.p, "- loop\n\nloop\n");
    doc_result_free(&r);
}

Test(pptx_hostile, slide_that_is_not_xml_is_a_warning)
{
    static const char junk[] = "!\x01\x02PK not xml at all <<<";
    const char *body[] = {SP("", PARA("good")), junk, SP("", PARA("after"))};
    doc_result r = run_slides(body, NULL, 3, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK);
    cr_expect_str_eq(r.text.p, "good\n\nafter\n");
    cr_expect(r.nwarnings >= 1);
    cr_expect(strstr(r.warnings.p, "slide 2") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

static char *nested_groups(int depth, const char *inner)
{
    static const char open[] = "<p:grpSp><p:nvGrpSpPr/><p:grpSpPr/>";
    static const char close[] = "</p:grpSp>";
    size_t n = (size_t)depth * (sizeof open + sizeof close) + strlen(inner) + 1;
    char *s = malloc(n);
    cr_assert(s != NULL);
    char *p = s;
    for (int i = 0; i < depth; i++) p += sprintf(p, "%s", open);
    p += sprintf(p, "%s", inner);
    for (int i = 0; i < depth; i++) p += sprintf(p, "%s", close);
    return s;
}

Test(pptx_hostile, deep_group_nesting_within_the_depth_limit_reads)
{
    char *g = nested_groups(200, SP("", PARA("deep")));
    const char *body[] = {g};
    doc_result r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_TEXT);
    free(g);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "deep\n");
    doc_result_free(&r);
}

Test(pptx_hostile, deep_group_nesting_past_max_depth_keeps_the_other_shapes)
{
    /* a 100,000-deep group between two shapes: the tokenizer skips what lies past max_depth
     * with a warning; the shapes before and after it, and the next slide, come out */
    char *g = nested_groups(100000, SP("", PARA("deep")));
    size_t n = strlen(g) + 1000;
    char *s1 = malloc(n);
    cr_assert(s1 != NULL);
    snprintf(s1, n, "%s%s%s", SP("", PARA("before")), g, SP("", PARA("after")));
    const char *body[] = {s1, SP("", PARA("next slide"))};
    doc_result r = run_slides(body, NULL, 2, NULL, 0, PITH_OUT_TEXT);
    free(g);
    free(s1);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s: %s", pith_status_name(r.next_st), r.err);
    cr_expect(strstr(r.text.p, "before") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "after") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "next slide") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "deep") == NULL, "%s", r.text.p);
    cr_expect(strstr(r.warnings.p, "xml: elements nested deeper than the limit") != NULL, "%s", r.warnings.p);
    cr_expect(r.stats.memory_high < (uint64_t)16 << 20);
    doc_result_free(&r);
}

Test(pptx_hostile, a_hundred_thousand_slide_ids_naming_one_part_read_it_once)
{
    const char *body[] = {SP("", PARA("once"))};
    pkg p;
    pkg_build(&p, body, NULL, 1, NULL, 0);
    buf pres = {0}, prel = {0};
    buf_str(&pres, "<p:presentation xmlns:p=\"" P_NS "\" xmlns:r=\"" R_NS "\"><p:sldIdLst>");
    buf_str(&prel, "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
    for (int i = 0; i < 100000; i++) {
        char t[200];
        snprintf(t, sizeof t, "<p:sldId id=\"%d\" r:id=\"r%d\"/>", 256 + i, i);
        buf_str(&pres, t);
        snprintf(t, sizeof t, "<Relationship Id=\"r%d\" Type=\"" REL_T "slide\" Target=\"slides/slide1.xml\"/>", i);
        buf_str(&prel, t);
    }
    buf_str(&pres, "</p:sldIdLst></p:presentation>");
    buf_str(&prel, "</Relationships>");
    p.es[2].data = pres.p;
    p.es[2].len = pres.n;
    p.es[3].data = prel.p;
    p.es[3].len = prel.n;
    free(p.zip.p);
    oz_build(&p.zip, p.es, p.n);
    doc_result r = run_pptx(p.zip.p, p.zip.n, PITH_OUT_TEXT);
    pkg_free(&p);
    free(pres.p);
    free(prel.p);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.units, 1);
    cr_expect_str_eq(r.text.p, "once\n");
    cr_expect(strstr(r.warnings.p, "99999 slide ids repeat") != NULL, "%s", r.warnings.p);
    cr_expect(r.stats.memory_high < (uint64_t)128 << 20);
    doc_result_free(&r);
}

Test(pptx_hostile, slide_ids_past_max_objects_are_a_limit)
{
    const char *body[] = {SP("", PARA("x"))};
    pkg p;
    pkg_build(&p, body, NULL, 1, NULL, 0);
    buf pres = {0};
    buf_str(&pres, "<p:presentation xmlns:p=\"" P_NS "\" xmlns:r=\"" R_NS "\"><p:sldIdLst>");
    for (int i = 0; i < 5000; i++) buf_str(&pres, "<p:sldId id=\"256\" r:id=\"rId10\"/>");
    buf_str(&pres, "</p:sldIdLst></p:presentation>");
    p.es[2].data = pres.p;
    p.es[2].len = pres.n;
    free(p.zip.p);
    oz_build(&p.zip, p.es, p.n);
    pith_options o = pith_options_default();
    o.limits.max_objects = 1000;
    doc_result r = doc_run_with(&pith_handler_pptx, PITH_FMT_PPTX, p.zip.p, p.zip.n, o);
    pkg_free(&p);
    free(pres.p);
    cr_expect_eq(r.open_st, PITH_E_LIMIT);
    cr_expect(strstr(r.err, "max_objects") != NULL, "%s", r.err);
    doc_result_free(&r);
}

Test(pptx_hostile, xml_bomb_in_a_slide_is_not_expanded)
{
    buf s = {0};
    buf_str(&s, "!<?xml version=\"1.0\"?><!DOCTYPE p:sld [<!ENTITY lol \"lol\">");
    for (int i = 1; i <= 9; i++) {
        /* lol<i> is ten lol<i-1>: 10^9 "lol"s if anything expanded it */
        char prev[8], t[200];
        if (i == 1)
            snprintf(prev, sizeof prev, "lol");
        else
            snprintf(prev, sizeof prev, "lol%d", i - 1);
        int k = snprintf(t, sizeof t, "<!ENTITY lol%d \"", i);
        for (int j = 0; j < 10; j++) k += snprintf(t + k, sizeof t - (size_t)k, "&%s;", prev);
        snprintf(t + k, sizeof t - (size_t)k, "\">");
        buf_str(&s, t);
    }
    buf_str(&s, "]><p:sld xmlns:p=\"" P_NS "\" xmlns:a=\"" A_NS "\"><p:cSld><p:spTree>"
                SP("", PARA("&lol9;")) SP("", PARA("after")) SLD_CLOSE);
    const char *body[] = {s.p};
    doc_result r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_TEXT);
    free(s.p);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* the DTD is never read: the reference stays as written, nothing grows */
    cr_expect_str_eq(r.text.p, "&lol9;\n\nafter\n");
    cr_expect(r.stats.memory_high < (uint64_t)16 << 20);
    doc_result_free(&r);
}

Test(pptx_hostile, external_entity_is_not_fetched)
{
    const char *body[] = {"!<?xml version=\"1.0\"?><!DOCTYPE p:sld [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                          "<p:sld xmlns:p=\"" P_NS "\" xmlns:a=\"" A_NS "\"><p:cSld><p:spTree>"
                          SP("", PARA("&x;")) SLD_CLOSE};
    doc_result r = run_slides(body, NULL, 1, NULL, 0, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "root:") == NULL);
    doc_result_free(&r);
}

Test(pptx_hostile, encrypted_package_is_refused)
{
    size_t len = 0;
    uint8_t *data = corpus_read("pptx/tika__testPPT_protected_passtika.pptx", &len);
    cr_assert(data != NULL);
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_expect_eq(r.open_st, PITH_E_ENCRYPTED, "%s", r.err);
    doc_result_free(&r);
    free(data);
}

Test(pptx_hostile, no_presentation_part_is_a_format_error)
{
    oz_entry es[] = {{.name = "[Content_Types].xml", .data = types_xml},
                     {.name = "_rels/.rels", .data = pkg_rels},
                     {.name = "ppt/other.xml", .data = "<x/>"}};
    buf z;
    oz_build(&z, es, 3);
    doc_result r = run_pptx(z.p, z.n, PITH_OUT_TEXT);
    free(z.p);
    cr_expect_eq(r.open_st, PITH_E_FORMAT);
    cr_expect(strstr(r.err, "pptx:") != NULL, "%s", r.err);
    doc_result_free(&r);
}

Test(pptx_hostile, every_truncation_of_a_small_package_ends_cleanly)
{
    const char *body[] = {SP("<p:ph type=\"title\"/>", PARA("T")) SP("", PARA("body"))};
    pkg p;
    pkg_build(&p, body, NULL, 1, NULL, 0);
    for (size_t n = 0; n < p.zip.n; n += 7) {
        doc_result r = run_pptx(p.zip.p, n, PITH_OUT_TEXT);
        cr_expect(r.open_st != PITH_E_ARG && r.next_st != PITH_E_ARG, "cut at %zu", n);
        doc_result_free(&r);
    }
    pkg_free(&p);
}
