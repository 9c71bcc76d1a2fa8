/* test_pdf_content.c: the content stream interpreter (pdf_content.c) on hand-written content
 * streams inside small PDFs built here (text operators, graphics state, Form XObjects and their
 * cycles and fan-out, inline images, marked content with /ActualText, invisible text,
 * truncated and damaged streams, rotated pages), then the whole PDF pipeline on corpus files
 * against pdftotext's reference text (word F1 thresholds). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc_util.h"

/* MARK: - Building a PDF */

typedef struct pdfb {
    buf b;
    size_t off[32];
    uint32_t n;
} pdfb;

static void pdfb_start(pdfb *p)
{
    memset(p, 0, sizeof *p);
    buf_str(&p->b, "%PDF-1.4\n");
}

/* Object num (1-based, in order) with its body (dictionary, or dictionary + stream data). */
static void pdfb_obj(pdfb *p, const char *body)
{
    char head[32];
    p->off[++p->n] = p->b.n;
    snprintf(head, sizeof head, "%u 0 obj\n", (unsigned)p->n);
    buf_str(&p->b, head);
    buf_str(&p->b, body);
    buf_str(&p->b, "\nendobj\n");
}

/* A stream object: dict entries (without << >> and /Length) and data of n bytes. */
static void pdfb_stream(pdfb *p, const char *dict, const char *data, size_t n)
{
    char head[256];
    p->off[++p->n] = p->b.n;
    snprintf(head, sizeof head, "%u 0 obj\n<< %s /Length %zu >>\nstream\n", (unsigned)p->n, dict,
             n);
    buf_str(&p->b, head);
    buf_put(&p->b, data, n);
    buf_str(&p->b, "\nendstream\nendobj\n");
}

static void pdfb_finish(pdfb *p)
{
    char line[64];
    size_t x = p->b.n;
    snprintf(line, sizeof line, "xref\n0 %u\n0000000000 65535 f \n", (unsigned)p->n + 1);
    buf_str(&p->b, line);
    for (uint32_t i = 1; i <= p->n; i++) {
        snprintf(line, sizeof line, "%010zu 00000 n \n", p->off[i]);
        buf_str(&p->b, line);
    }
    snprintf(line, sizeof line, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
             (unsigned)p->n + 1, x);
    buf_str(&p->b, line);
}

/* A one-page PDF: 1 catalog, 2 pages, 3 page (extra page entries), 4 font F1 (Helvetica),
 * 5 the content; more objects (XObjects) from `extra` bodies as 6, 7, ... given as streams
 * "dict\0data". */
typedef struct xobj {
    const char *dict, *data;
} xobj;

static doc_result run_pdf_full(const char *content, size_t clen, const char *page_extra,
                               const char *resources_extra, const xobj *xs, uint32_t nx,
                               pith_output out)
{
    pdfb p;
    char page[1200], res[600];
    pdfb_start(&p);
    pdfb_obj(&p, "<< /Type /Catalog /Pages 2 0 R >>");
    pdfb_obj(&p, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    snprintf(res, sizeof res, "<< /Font << /F1 4 0 R >> %s >>", resources_extra ? resources_extra : "");
    snprintf(page, sizeof page,
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources %s /Contents 5 0 R "
             "%s >>",
             res, page_extra ? page_extra : "");
    pdfb_obj(&p, page);
    pdfb_obj(&p, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    pdfb_stream(&p, "", content, clen);
    for (uint32_t i = 0; i < nx; i++) pdfb_stream(&p, xs[i].dict, xs[i].data, strlen(xs[i].data));
    pdfb_finish(&p);
    pith_options o = pith_options_default();
    o.output = out;
    doc_result r = doc_run_with(NULL, PITH_FMT_UNKNOWN, p.b.p, p.b.n, o);
    free(p.b.p);
    return r;
}

static doc_result run_content(const char *content)
{
    return run_pdf_full(content, strlen(content), NULL, NULL, NULL, 0, PITH_OUT_TEXT);
}

#define EXPECT_TEXT(r, want)                                                         \
    do {                                                                             \
        cr_assert_eq((r).open_st, PITH_OK, "open: %s", (r).err);                     \
        cr_expect_eq((r).next_st, PITH_OK, "next: %s", (r).err);                     \
        cr_expect_str_eq((r).text.p, want);                                          \
    } while (0)

/* MARK: - Text operators */

Test(pdf_content, tj_td_tstar_quote)
{
    doc_result r = run_content("BT /F1 12 Tf 14 TL 72 700 Td (Hello World) Tj 0 -14 Td "
                               "[(Sec)10(ond)] TJ T* (Third line) Tj (Fourth) ' "
                               "2 0 (Fifth) \" ET");
    EXPECT_TEXT(r, "Hello World\nSecond\nThird line\nFourth\nFifth\n");
    doc_result_free(&r);
}

Test(pdf_content, tj_gap_breaks_words)
{
    /* no space glyph: the -600 adjustment (0.6 em) separates the words, the 10 kerns */
    doc_result r = run_content("BT /F1 12 Tf 72 700 Td [(Hel)10(lo)-600(World)] TJ ET");
    EXPECT_TEXT(r, "Hello World\n");
    doc_result_free(&r);
}

/* Issue 7, tika__testPDF_XFA_govdocs1_258578.pdf: letter-spaced small caps whose TJ gaps
 * (0.385 em) are cancelled by a negative Tc are one word; a TJ gap plus a positive Tc is a
 * break even when the number alone is under TJ_SPACE. */
Test(pdf_content, tc_counts_in_tj_word_break)
{
    doc_result r = run_content("BT /F1 1 Tf 14.7 0 0 14.7 72 700 Tm -0.385 Tc "
                               "[(R)-385(A)-385(N)-381(G)-353(E)-385(R)] TJ ET "
                               "BT /F1 10 Tf 72 650 Td 2 Tc [(o)-150(k)] TJ ET");
    EXPECT_TEXT(r, "RANGER\n\no k\n");
    doc_result_free(&r);
}

Test(pdf_content, tm_and_cm_place_text)
{
    /* the second line is drawn first, with a scaled CTM and a translated text matrix */
    doc_result r = run_content("q 2 0 0 2 0 0 cm BT /F1 6 Tf 1 0 0 1 36 343 Tm (Below) Tj ET Q "
                               "BT /F1 12 Tf 1 0 0 1 72 700 Tm (Above) Tj ET");
    EXPECT_TEXT(r, "Above\nBelow\n");
    doc_result_free(&r);
}

Test(pdf_content, rotated_text_matrix)
{
    doc_result r = run_content("BT /F1 12 Tf 0 1 -1 0 300 100 Tm (Going up) Tj ET");
    EXPECT_TEXT(r, "Going up\n");
    doc_result_free(&r);
}

Test(pdf_content, char_spacing_and_horizontal_scaling)
{
    /* Tc 1 and Tz 80 keep the word together; a 6-em Tc splits every letter */
    doc_result r = run_content("BT /F1 12 Tf 1 Tc 80 Tz 72 700 Td (Tight) Tj ET "
                               "BT /F1 12 Tf 0 Tc 100 Tz 72 600 Td (Spaced) Tj ET");
    EXPECT_TEXT(r, "Tight\n\nSpaced\n");
    doc_result_free(&r);
}

Test(pdf_content, unbalanced_q_and_unknown_operators)
{
    doc_result r = run_content("Q Q q 1 0 0 1 0 0 cm Q Q Q foo 1 2 3 bar BT /F1 12 Tf 72 700 Td "
                               "(Still here) Tj ET Q");
    EXPECT_TEXT(r, "Still here\n");
    doc_result_free(&r);
}

Test(pdf_content, invisible_text_kept)
{
    doc_result r = run_content("BT /F1 12 Tf 3 Tr 72 700 Td (Invisible OCR layer) Tj ET "
                               "BT /F1 12 Tf 7 Tr 72 686 Td (Clip text) Tj ET");
    EXPECT_TEXT(r, "Invisible OCR layer\nClip text\n");
    doc_result_free(&r);
}

Test(pdf_content, text_without_font_is_skipped)
{
    doc_result r = run_content("BT 72 700 Td (No font) Tj /Missing 12 Tf (Still none) Tj ET "
                               "BT /F1 12 Tf 72 650 Td (Shown) Tj ET");
    EXPECT_TEXT(r, "Shown\n");
    doc_result_free(&r);
}

/* MARK: - Marked content */

Test(pdf_content, actual_text_replaces_glyphs)
{
    doc_result r = run_content("BT /F1 12 Tf 72 700 Td (Before ) Tj "
                               "/Span << /ActualText (Replaced) >> BDC (xyz) Tj EMC "
                               "( after) Tj ET");
    EXPECT_TEXT(r, "Before Replaced after\n");
    doc_result_free(&r);
}

Test(pdf_content, actual_text_utf16_and_properties_resource)
{
    /* ActualText "ﬁ" → "fi" given in UTF-16BE through a /Properties resource */
    doc_result r = run_pdf_full("BT /F1 12 Tf 72 700 Td /Span /P1 BDC (X) Tj EMC (nal) Tj ET", 56,
                                NULL, "/Properties << /P1 << /ActualText <FEFF00660069> >> >>",
                                NULL, 0, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "final\n");
    doc_result_free(&r);
}

Test(pdf_content, nested_and_unbalanced_marked_content)
{
    doc_result r = run_content("EMC EMC /A BMC /B << /MCID 1 >> BDC BT /F1 12 Tf 72 700 Td "
                               "(Marked) Tj ET EMC EMC EMC");
    EXPECT_TEXT(r, "Marked\n");
    doc_result_free(&r);
}

/* MARK: - Inline images */

Test(pdf_content, inline_image_with_ei_inside_its_data)
{
    /* the image data holds " EI " followed by binary bytes: not the end */
    static const char content[] =
        "BT /F1 12 Tf 72 700 Td (Before) Tj ET\n"
        "BI /W 8 /H 1 /BPC 8 /CS /G ID \x01\x02 EI \x80\x81\xff\xfe\x03\x04 EI\n"
        "BT /F1 12 Tf 72 686 Td (After) Tj ET";
    doc_result r = run_pdf_full(content, sizeof content - 1, NULL, NULL, NULL, 0, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "Before\nAfter\n");
    doc_result_free(&r);
}

Test(pdf_content, inline_image_with_length_hint)
{
    static const char content[] =
        "BI /W 4 /H 1 /BPC 8 /CS /G /L 4 ID EIEI EI\n"
        "BT /F1 12 Tf 72 680 Td (After hint) Tj ET";
    doc_result r = run_pdf_full(content, sizeof content - 1, NULL, NULL, NULL, 0, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "After hint\n");
    doc_result_free(&r);
}

Test(pdf_content, inline_image_without_ei)
{
    static const char content[] = "BT /F1 12 Tf 72 700 Td (Kept) Tj ET BI /W 4 /H 1 ID \x80\x81";
    doc_result r = run_pdf_full(content, sizeof content - 1, NULL, NULL, NULL, 0, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "Kept\n");
    doc_result_free(&r);
}

/* MARK: - Form XObjects */

Test(pdf_content, form_xobject_with_matrix_and_resources)
{
    /* the form has its own font resource and a /Matrix moving it down */
    xobj xs[] = {{"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Matrix [1 0 0 1 0 -100] "
                  "/Resources << /Font << /FF 4 0 R >> >>",
                  "BT /FF 12 Tf 72 700 Td (In the form) Tj ET"}};
    doc_result r = run_pdf_full("BT /F1 12 Tf 72 700 Td (On the page) Tj ET /X1 Do", 49, NULL,
                                "/XObject << /X1 6 0 R >>", xs, 1, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "On the page\n\nIn the form\n");
    doc_result_free(&r);
}

Test(pdf_content, form_xobject_cycle_is_not_followed)
{
    /* X1 draws X2, X2 draws X1 and itself: each text comes once */
    xobj xs[] = {{"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                  "/Resources << /XObject << /X2 7 0 R >> /Font << /F1 4 0 R >> >>",
                  "/X2 Do BT /F1 12 Tf 72 700 Td (One) Tj ET"},
                 {"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                  "/Resources << /XObject << /X1 6 0 R /X2 7 0 R >> >>",
                  "/X1 Do /X2 Do BT /F1 12 Tf 72 650 Td (Two) Tj ET"}};
    doc_result r = run_pdf_full("/X1 Do", 6, NULL, "/XObject << /X1 6 0 R >>", xs, 2,
                                PITH_OUT_TEXT);
    EXPECT_TEXT(r, "One\n\nTwo\n");
    doc_result_free(&r);
}

Test(pdf_content, form_xobject_fan_out_is_bounded)
{
    /* 10 forms each drawing the next one 20 times: 20^9 runs unbounded */
    xobj xs[10];
    char dicts[10][160], datas[10][400];
    for (int i = 0; i < 10; i++) {
        snprintf(dicts[i], sizeof dicts[i],
                 "/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                 "/Resources << /XObject << /N %d 0 R >> /Font << /F1 4 0 R >> >>",
                 i < 9 ? 7 + i : 6);
        datas[i][0] = 0;
        for (int k = 0; k < 20; k++) strcat(datas[i], "/N Do ");
        if (i == 9) strcat(datas[i], "BT /F1 12 Tf 72 700 Td (Leaf) Tj ET");
        xs[i].dict = dicts[i];
        xs[i].data = datas[i];
    }
    clock_t t0 = clock();
    doc_result r = run_pdf_full("/X1 Do", 6, NULL, "/XObject << /X1 6 0 R >>", xs, 10,
                                PITH_OUT_TEXT);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect(secs < 5, "took %.1f s", secs);
    cr_expect(strstr(r.text.p, "Leaf") != NULL, "got: %.200s", r.text.p);
    cr_expect(strstr(r.warnings.p, "form XObjects") != NULL || strstr(r.warnings.p, "times") != NULL,
              "warnings: %s", r.warnings.p);
    doc_result_free(&r);
}

Test(pdf_content, image_xobject_flags_page_without_text)
{
    xobj xs[] = {{"/Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 "
                  "/ColorSpace /DeviceGray",
                  "\x80"}};
    doc_result r = run_pdf_full("q 100 0 0 100 0 0 cm /Im1 Do Q", 30, NULL,
                                "/XObject << /Im1 6 0 R >>", xs, 1, PITH_OUT_TEXT);
    char v[64];
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(doc_meta(&r, "pages_without_text", v, sizeof v), "1");
    doc_result_free(&r);
}

/* MARK: - Annotation appearances */

#define FORM_DICT(bbox) \
    "/Type /XObject /Subtype /Form /BBox " bbox " /Resources << /Font << /F1 4 0 R >> >>"

/* Issue 7: a form field's value is in its widget's appearance stream, not the page content
 * (tika__testPDF_XFA_govdocs1_258578.pdf). The form's BBox [0 0 100 10] is fitted to the Rect
 * [100 590 300 610]: drawn at y = 5 in the form, its text lands at y = 600, between the two
 * lines of the page. */
Test(pdf_content, widget_appearance_fitted_to_rect)
{
    xobj xs[] = {{FORM_DICT("[0 0 100 10]"), "BT /F1 5 Tf 2 3 Td (Filled value) Tj ET"}};
    static const char c[] = "BT /F1 12 Tf 72 700 Td (Above) Tj 0 -200 Td (Below) Tj ET";
    doc_result r = run_pdf_full(c, sizeof c - 1,
                                "/Annots [<< /Type /Annot /Subtype /Widget "
                                "/Rect [100 590 300 610] /AP << /N 6 0 R >> >>]",
                                NULL, xs, 1, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "Above\n\nFilled value\n\nBelow\n");
    doc_result_free(&r);
}

/* /N as a dictionary of states: the one /AS names is drawn (a checked box's "Yes"). */
Test(pdf_content, widget_appearance_state_from_as)
{
    xobj xs[] = {{FORM_DICT("[0 0 100 20]"), "BT /F1 10 Tf 2 5 Td (Unchosen) Tj ET"},
                 {FORM_DICT("[0 0 100 20]"), "BT /F1 10 Tf 2 5 Td (Chosen) Tj ET"}};
    static const char c[] = "BT /F1 12 Tf 72 700 Td (Page) Tj ET";
    doc_result r = run_pdf_full(c, sizeof c - 1,
                                "/Annots [<< /Subtype /Widget /Rect [72 600 172 620] "
                                "/AS /Yes /AP << /N << /Off 6 0 R /Yes 7 0 R >> >> >>]",
                                NULL, xs, 2, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "Page\n\nChosen\n");
    doc_result_free(&r);
}

/* Hidden (/F 2) and NoView (/F 32) widgets, and annotations other than Widget and FreeText
 * (a link with an appearance), are not drawn; FreeText is. */
Test(pdf_content, hidden_and_other_annotations_not_drawn)
{
    xobj xs[] = {{FORM_DICT("[0 0 100 20]"), "BT /F1 10 Tf 2 5 Td (Hidden) Tj ET"},
                 {FORM_DICT("[0 0 100 20]"), "BT /F1 10 Tf 2 5 Td (Linked) Tj ET"},
                 {FORM_DICT("[0 0 100 20]"), "BT /F1 10 Tf 2 5 Td (Comment) Tj ET"}};
    static const char c[] = "BT /F1 12 Tf 72 700 Td (Page) Tj ET";
    doc_result r = run_pdf_full(c, sizeof c - 1,
                                "/Annots [<< /Subtype /Widget /F 2 /Rect [72 600 172 620] "
                                "/AP << /N 6 0 R >> >> "
                                "<< /Subtype /Widget /F 32 /Rect [72 600 172 620] "
                                "/AP << /N 6 0 R >> >> "
                                "<< /Subtype /Link /Rect [72 560 172 580] /AP << /N 7 0 R >> >> "
                                "<< /Subtype /FreeText /F 4 /Rect [72 520 172 540] "
                                "/AP << /N 8 0 R >> >>]",
                                NULL, xs, 3, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "Page\n\nComment\n");
    doc_result_free(&r);
}

/* An appearance that draws itself (through its own resources) is entered once, and a
 * widget whose /AP is broken (no /N, /N a number, /AS naming no state, no /Rect) is skipped. */
Test(pdf_content, broken_annotations_skipped)
{
    xobj xs[] = {{"/Type /XObject /Subtype /Form /BBox [0 0 100 20] "
                  "/Resources << /Font << /F1 4 0 R >> /XObject << /Me 6 0 R >> >>",
                  "BT /F1 10 Tf 2 5 Td (Once) Tj ET /Me Do"}};
    static const char c[] = "BT /F1 12 Tf 72 700 Td (Page) Tj ET";
    doc_result r = run_pdf_full(c, sizeof c - 1,
                                "/Annots [<< /Subtype /Widget /Rect [72 600 172 620] "
                                "/AP << /N 6 0 R >> >> "
                                "<< /Subtype /Widget /Rect [72 600 172 620] /AP << >> >> "
                                "<< /Subtype /Widget /Rect [72 600 172 620] /AP << /N 3 >> >> "
                                "<< /Subtype /Widget /Rect [72 600 172 620] /AS /Nope "
                                "/AP << /N << /Yes 6 0 R >> >> >> "
                                "<< /Subtype /Widget /AP << /N 6 0 R >> >> 7 0 R]",
                                NULL, xs, 1, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "Page\n\nOnce\n");
    doc_result_free(&r);
}

/* Issue 7: "[...] TJ" is read flat (pdf_lex_tj) when it holds only numbers and strings, by
 * pdf_parse otherwise; both must show the same. */
Test(pdf_content, tj_flat_and_general_arrays_show_alike)
{
    /* line 1 flat; line 2 has a name inside (general path), line 3 hex and escapes (flat) */
    doc_result r = run_content("BT /F1 12 Tf 72 700 Td [(Sa)20(me)-600(text)] TJ ET "
                               "BT /F1 12 Tf 72 686 Td [/X (Sa)20(me)-600(text)] TJ ET "
                               "BT /F1 12 Tf 72 672 Td "
                               "[<5361>20(\\155e)-600<74 65 78 74>] TJ ET");
    EXPECT_TEXT(r, "Same text\nSame text\nSame text\n");
    doc_result_free(&r);
}

Test(pdf_content, tj_edge_cases_empty_nested_and_huge_numbers)
{
    /* an empty array shows nothing; a nested array is not shown (TJ takes strings and
     * numbers only: this one goes through pdf_parse); a huge adjustment moves "Gone" far to
     * the left, a huge negative one "Far" far to the right, both off the media box: left out */
    doc_result r = run_content("BT /F1 12 Tf 72 700 Td [] TJ [(One) [(Inner)] (Two)] TJ ET "
                               "BT /F1 12 Tf 72 686 Td "
                               "[(Three) 99999999999999999999999 (Gone)] TJ ET "
                               "BT /F1 12 Tf 72 672 Td "
                               "[(Four) -1234567890 (Far)] TJ ET");
    EXPECT_TEXT(r, "OneTwo\nThree\nFour\n");
    doc_result_free(&r);
}

Test(pdf_content, tj_unterminated_hex_string_at_the_end)
{
    /* the hex string runs to the end of the stream: the array never reaches a TJ, so only
     * what came before shows, and the stream's end inside an object is a warning */
    doc_result r = run_content("BT /F1 12 Tf 72 700 Td (Kept) Tj ET "
                               "BT /F1 12 Tf 72 686 Td [(Not)-600<41424");
    EXPECT_TEXT(r, "Kept\n");
    cr_expect(strstr(r.warnings.p, "stream ends inside an object") != NULL, "warnings: %s",
              r.warnings.p);
    doc_result_free(&r);
    /* the same cut after a complete array: no TJ either */
    r = run_content("BT /F1 12 Tf 72 700 Td (Kept) Tj ET "
                    "BT /F1 12 Tf 72 686 Td [(Not)-600<41>]");
    EXPECT_TEXT(r, "Kept\n");
    doc_result_free(&r);
}

/* The work a page of 20000 TJ arrays draws, each "[(ab)1(cd)" + last + "]TJ". */
static doc_result run_many_tj(const char *last)
{
    buf c = {0};
    buf_str(&c, "BT /F1 12 Tf 72 700 Td ");
    for (int i = 0; i < 20000; i++) {
        buf_str(&c, "[(ab)1(cd)");
        buf_str(&c, last);
        buf_str(&c, "]TJ ");
    }
    buf_str(&c, "ET");
    doc_result r = run_pdf_full(c.p, c.n, NULL, NULL, NULL, 0, PITH_OUT_TEXT);
    free(c.p);
    return r;
}

/* A last item /N sends each array through pdf_parse, a last item 00 leaves it flat (the same
 * length: the stream draws work by its bytes too). TJ skips the name and moves by nothing for
 * the 0, so both show the same and must draw the same work (one unit per token, one per
 * operator, one per byte shown, and the layout's). */
Test(pdf_content, tj_flat_arrays_draw_work_like_parsed_ones)
{
    doc_result general = run_many_tj("/N"), flat = run_many_tj("00");
    cr_assert_eq(general.next_st, PITH_OK, "%s", general.err);
    cr_assert_eq(flat.next_st, PITH_OK, "%s", flat.err);
    cr_expect_str_eq(flat.text.p, general.text.p);
    cr_expect_eq(flat.stats.work, general.stats.work, "flat %llu, general %llu",
                 (unsigned long long)flat.stats.work, (unsigned long long)general.stats.work);
    cr_expect_gt(flat.stats.work, 20000 * 7, "%llu", (unsigned long long)flat.stats.work);
    doc_result_free(&general);
    doc_result_free(&flat);
}

/* MARK: - Damaged streams and pages */

Test(pdf_content, truncated_stream_keeps_what_was_read)
{
    doc_result r = run_content("BT /F1 12 Tf 72 700 Td (Kept) Tj ET BT /F1 12 Tf 72 680 Td [(Unfini");
    EXPECT_TEXT(r, "Kept\n");
    doc_result_free(&r);
}

Test(pdf_content, garbage_between_operators)
{
    doc_result r = run_content("BT /F1 12 Tf 72 700 Td ) ) } >> ] (One) Tj \x01\x02 (Two) ' ET");
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "One") != NULL && strstr(r.text.p, "Two") != NULL, "got: %s",
              r.text.p);
    doc_result_free(&r);
}

Test(pdf_content, contents_array_with_a_broken_stream)
{
    pdfb p;
    pdfb_start(&p);
    pdfb_obj(&p, "<< /Type /Catalog /Pages 2 0 R >>");
    pdfb_obj(&p, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdfb_obj(&p, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                 "/Resources << /Font << /F1 4 0 R >> >> /Contents [5 0 R 6 0 R 7 0 R] >>");
    pdfb_obj(&p, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    static const char a[] = "BT /F1 12 Tf 72 700 Td (First) Tj ET";
    static const char c[] = "BT /F1 12 Tf 72 650 Td (Third) Tj ET";
    pdfb_stream(&p, "", a, sizeof a - 1);
    pdfb_stream(&p, "/Filter /FlateDecode", "not deflate data at all", 23);
    pdfb_stream(&p, "", c, sizeof c - 1);
    pdfb_finish(&p);
    pith_options o = pith_options_default();
    doc_result r = doc_run_with(NULL, PITH_FMT_UNKNOWN, p.b.p, p.b.n, o);
    EXPECT_TEXT(r, "First\n\nThird\n");
    doc_result_free(&r);
    free(p.b.p);
}

/* A one-page PDF whose /Contents is the array of the given streams (dict "" or a filter). */
static doc_result run_streams(const char *const *dicts, const char *const *datas,
                              const size_t *lens, uint32_t n)
{
    pdfb p;
    char page[600] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                     "/Resources << /Font << /F1 4 0 R >> >> /Contents [";
    pdfb_start(&p);
    pdfb_obj(&p, "<< /Type /Catalog /Pages 2 0 R >>");
    pdfb_obj(&p, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    for (uint32_t i = 0; i < n; i++) {
        char ref[16];
        snprintf(ref, sizeof ref, "%u 0 R ", (unsigned)(5 + i));
        strcat(page, ref);
    }
    strcat(page, "] >>");
    pdfb_obj(&p, page);
    pdfb_obj(&p, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    for (uint32_t i = 0; i < n; i++) pdfb_stream(&p, dicts[i], datas[i], lens[i]);
    pdfb_finish(&p);
    pith_options o = pith_options_default();
    doc_result r = doc_run_with(NULL, PITH_FMT_UNKNOWN, p.b.p, p.b.n, o);
    free(p.b.p);
    return r;
}

/* Issue 7: tika__testPDF_XFA_govdocs1_258578.pdf ends a stream with a TJ array's operands
 * and starts the next with "TJ", and cuts a BDC property dictionary in two. The streams are
 * one content stream (§7.8.2): the text and the /ActualText come out. */
Test(pdf_content, operands_and_operator_in_different_streams)
{
    const char *d[3] = {"", "", ""};
    const char *s[3] = {"BT /F1 12 Tf 72 700 Td [(Split)-600(across)",
                        "] TJ ET /Span <</ActualText",
                        "(Replaced) >> BDC BT /F1 12 Tf 72 650 Td (xxxxxxxx) Tj ET EMC"};
    size_t n[3] = {strlen(s[0]), strlen(s[1]), strlen(s[2])};
    doc_result r = run_streams(d, s, n, 3);
    EXPECT_TEXT(r, "Split across\n\nReplaced\n");
    doc_result_free(&r);
}

/* A stream that decodes only in part (a zlib stream cut after a non-final stored block) ends
 * inside a string; joined to the next stream, that string would swallow it. It is parsed
 * alone: its complete operators and the streams around it come out. */
Test(pdf_content, damaged_stream_does_not_swallow_the_next)
{
    static const char body[] = "BT /F1 12 Tf 72 680 Td (Kept) Tj (Cut";
    uint8_t z[64];
    size_t bn = sizeof body - 1, zn = 0;
    z[zn++] = 0x78;
    z[zn++] = 0x01;
    z[zn++] = 0x00;  /* stored block, not the last: the stream never ends */
    z[zn++] = (uint8_t)bn;
    z[zn++] = 0;
    z[zn++] = (uint8_t)~bn;
    z[zn++] = 0xff;
    memcpy(z + zn, body, bn);
    zn += bn;
    const char *d[3] = {"", "/Filter /FlateDecode", ""};
    const char *s[3] = {"BT /F1 12 Tf 72 700 Td (First) Tj ET", (const char *)z,
                        "BT /F1 12 Tf 72 650 Td (Third) Tj ET"};
    size_t n[3] = {strlen(s[0]), zn, strlen(s[2])};
    doc_result r = run_streams(d, s, n, 3);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "First") && strstr(r.text.p, "Kept") && strstr(r.text.p, "Third"),
              "got: %s", r.text.p);
    doc_result_free(&r);
}

/* A /Contents array naming one stream 3000 times: joined and parsed once, bounded, and the
 * overprinted copies collapse to one. */
Test(pdf_content, contents_array_repeating_one_stream)
{
    pdfb p;
    static char page[40000];
    size_t k = (size_t)snprintf(page, sizeof page,
                                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                                "/Resources << /Font << /F1 4 0 R >> >> /Contents [");
    for (int i = 0; i < 3000; i++) k += (size_t)snprintf(page + k, sizeof page - k, "5 0 R ");
    snprintf(page + k, sizeof page - k, "] >>");
    pdfb_start(&p);
    pdfb_obj(&p, "<< /Type /Catalog /Pages 2 0 R >>");
    pdfb_obj(&p, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdfb_obj(&p, page);
    pdfb_obj(&p, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    static const char c[] = "BT /F1 12 Tf 72 700 Td (Same) Tj ET";
    pdfb_stream(&p, "", c, sizeof c - 1);
    pdfb_finish(&p);
    pith_options o = pith_options_default();
    doc_result r = doc_run_with(NULL, PITH_FMT_UNKNOWN, p.b.p, p.b.n, o);
    EXPECT_TEXT(r, "Same\n");
    doc_result_free(&r);
    free(p.b.p);
}

Test(pdf_content, rotated_page_reads_upright)
{
    /* /Rotate 90: text drawn up the unrotated page reads left to right once shown */
    doc_result r = run_pdf_full("BT /F1 12 Tf 0 1 -1 0 300 100 Tm (Landscape line) Tj ET "
                                "BT /F1 12 Tf 0 1 -1 0 314 100 Tm (Second line) Tj ET",
                                108, "/Rotate 90", NULL, NULL, 0, PITH_OUT_TEXT);
    EXPECT_TEXT(r, "Landscape line\nSecond line\n");
    doc_result_free(&r);
}

Test(pdf_content, positions_in_json)
{
    pith_options o = pith_options_default();
    (void)o;
    doc_result r = run_pdf_full("BT /F1 10 Tf 100 500 Td (Here) Tj ET", 37, NULL, NULL, NULL, 0,
                                PITH_OUT_JSONL);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "\"text\":\"Here\"") != NULL, "got: %s", r.text.p);
    doc_result_free(&r);
}

/* MARK: - Corpus: the whole pipeline against pdftotext */

/* Word F1 of pith's text for corpus file `rel` against its pdftotext reference. */
static double corpus_f1(const char *rel, const char *password, char **text_out)
{
    size_t n, rn;
    char refrel[600];
    uint8_t *data = corpus_read(rel, &n);
    if (!data) cr_skip_test("%s is not in the corpus", rel);
    snprintf(refrel, sizeof refrel, "reference/pdftotext/%s.txt", rel);
    uint8_t *ref = corpus_read(refrel, &rn);
    if (!ref) {
        free(data);
        cr_skip_test("no reference text for %s", rel);
    }
    pith_options o = pith_options_default();
    if (password) o.password = password;
    doc_result r = doc_run_with(NULL, PITH_FMT_UNKNOWN, data, n, o);
    cr_expect_eq(r.open_st, PITH_OK, "%s: %s", rel, r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s: %s", rel, r.err);
    double f1 = word_f1(r.text.p, r.text.n, (const char *)ref, rn);
    if (text_out) {
        *text_out = malloc(r.text.n + 1);
        cr_assert(*text_out != NULL);
        memcpy(*text_out, r.text.p, r.text.n + 1);
    }
    doc_result_free(&r);
    free(data);
    free(ref);
    return f1;
}

#define CORPUS_F1(name, file, min)                                                \
    Test(pdf_content_corpus, name)                                                \
    {                                                                             \
        double f1 = corpus_f1("pdf/" file, NULL, NULL);                           \
        cr_expect(f1 >= (min), "%s: word F1 %.3f < %.2f", file, f1, (double)(min)); \
    }

CORPUS_F1(simple1, "pdfminer__simple1.pdf", 0.99)
CORPUS_F1(crazyones, "pypdf__crazyones.pdf", 0.99)
CORPUS_F1(actual_text, "poppler__WithActualText.pdf", 0.99)
CORPUS_F1(multicolumn, "pdfsamples__multicolumn.pdf", 0.95)
CORPUS_F1(naacl_two_column, "pdfminer__naacl06-shinyama.pdf", 0.95)
CORPUS_F1(standard_fonts, "pdfjs__standard_fonts.pdf", 0.99)
CORPUS_F1(orientation_rotate, "poppler__orientation.pdf", 0.99)
CORPUS_F1(rotated, "tika__testPDF_rotated.pdf", 0.99)
CORPUS_F1(td_matrix, "pypdf__Sample_Td-matrix.pdf", 0.99)
CORPUS_F1(ocr_layer, "pypdf__Seige_of_Vicksburg_Sample_OCR.pdf", 0.95)
CORPUS_F1(operator_in_tj, "pdfjs__operator-in-TJ-array.pdf", 0.99)
CORPUS_F1(searchacrosslines, "poppler__searchAcrossLines.pdf", 0.95)
CORPUS_F1(journal, "tika__testJournalParser.pdf", 0.95)

Test(pdf_content_corpus, tracemonkey_two_columns_in_order)
{
    char *text = NULL;
    double f1 = corpus_f1("pdf/pdfjs__tracemonkey.pdf", NULL, &text);
    cr_expect(f1 >= 0.95, "word F1 %.3f", f1);
    /* page 1: the left column's abstract ends before the right column's text begins */
    const char *a = strstr(text, "Categories and Subject Descriptors");
    const char *b = strstr(text, "We present a trace-based compilation technique");
    const char *c = strstr(text, "a web browser.");
    cr_expect(a && b && c && a < b && c < b, "columns interleaved");
    free(text);
}

Test(pdf_content_corpus, evil_xobjects_bounded)
{
    size_t n;
    uint8_t *data = corpus_read("malformed/pdfminer__issue-1113-evil-xobjects.pdf", &n);
    if (!data) cr_skip_test("evil-xobjects file is not in the corpus");
    clock_t t0 = clock();
    pith_options o = pith_options_default();
    doc_result r = doc_run_with(NULL, PITH_FMT_UNKNOWN, data, n, o);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    cr_expect(r.open_st == PITH_OK, "%s", r.err);
    cr_expect(secs < 10, "took %.1f s", secs);
    doc_result_free(&r);
    free(data);
}
