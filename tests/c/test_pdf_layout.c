/* test_pdf_layout.c: the PDF text layout (pdf_layout.c) on synthetic glyphs, placed by hand
 * through a scripted handler: words from gaps, lines by baseline, paragraphs by spacing, two
 * columns, fake bold, right-to-left, rotated and vertical text, superscripts, headings,
 * positions, and hostile glyph sets. Expected texts are written from the page drawn. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "doc_util.h"
#include "../../handlers/pdf/pdf.h"
#include "utf.h"

/* MARK: - A page of glyphs */

typedef struct page {
    pdf_placed *g;
    uint32_t n, cap;
    bool clip;          /* pass clip_box to pdf_layout_clip (the media box) */
    double clip_box[4];
} page;

static void page_put(page *p, const pdf_placed *g)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->g = realloc(p->g, p->cap * sizeof *p->g);
        cr_assert(p->g != NULL);
    }
    p->g[p->n] = *g;
    p->g[p->n].seq = p->n;
    p->n++;
}

/* One glyph of code point c at origin (x, y), writing direction (ux, uy), advance adv. */
static void glyph_at(page *p, uint32_t c, double x, double y, double size, double adv,
                     double ux, double uy)
{
    pdf_placed g;
    memset(&g, 0, sizeof g);
    g.uni[0] = c;
    g.nuni = 1;
    g.size = size;
    g.ox = x;
    g.oy = y;
    g.adv = adv;
    g.ux = ux;
    g.uy = uy;
    g.x0 = x;
    g.x1 = x + adv * ux;
    g.y0 = y - 0.2 * size;
    g.y1 = y + 0.8 * size;
    page_put(p, &g);
}

/* UTF-8 text s drawn from (x, y) along (ux, uy): each character advances 0.5 em, a space
 * 0.3 em and draws no glyph unless with_spaces. Returns the end along the direction. */
static double text_dir(page *p, const char *s, double x, double y, double size, double ux,
                       double uy, bool with_spaces)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t c;
        size_t k = pith_utf8_decode((const uint8_t *)s + i, n - i, &c);
        i += k ? k : 1;
        if (c == ' ') {
            if (with_spaces) glyph_at(p, ' ', x, y, size, 0.3 * size, ux, uy);
            x += 0.3 * size * ux;
            y += 0.3 * size * uy;
            continue;
        }
        glyph_at(p, c, x, y, size, 0.5 * size, ux, uy);
        x += 0.5 * size * ux;
        y += 0.5 * size * uy;
    }
    return ux != 0 ? x : y;
}

static double text_at(page *p, const char *s, double x, double y, double size)
{
    return text_dir(p, s, x, y, size, 1, 0, false);
}

/* MARK: - Running a page through the layout */

typedef struct run_state {
    page *p;
} run_state;

static pith_status l_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    (void)len;
    *state = (void *)(uintptr_t)data;
    pith_doc_set_units(doc, 1, PITH_UNIT_PAGE);
    return PITH_OK;
}

static pith_status l_unit(pith_doc *doc, void *state, uint32_t index)
{
    page *p = state;
    pdf_layout *l = pdf_layout_new(doc, 612, 792);
    pith_status st;
    if (!l) return pith_doc_status(doc);
    if (p->clip) pdf_layout_clip(l, p->clip_box[0], p->clip_box[1], p->clip_box[2], p->clip_box[3]);
    for (uint32_t i = 0; i < p->n; i++)
        if ((st = pdf_layout_add(l, &p->g[i])) != PITH_OK) return st;
    return pdf_layout_emit(l, index);
}

static const pith_handler layout_handler = {"layout", l_open, l_unit};

static doc_result run_page(page *p, pith_output out, uint32_t flags)
{
    pith_options o = pith_options_default();
    o.output = out;
    o.flags = flags;
    return doc_run_with(&layout_handler, PITH_FMT_PDF, p, sizeof *p, o);
}

/* The page's text output, checked equal to want. */
static void expect_text(page *p, const char *want)
{
    doc_result r = run_page(p, PITH_OUT_TEXT, 0);
    cr_assert_eq(r.next_st, PITH_OK, "status %d: %s", r.next_st, r.err);
    cr_expect_str_eq(r.text.p, want);
    doc_result_free(&r);
    free(p->g);
}

/* MARK: - Words and lines */

Test(pdf_layout, words_from_gaps_without_space_glyphs)
{
    page p = {0};
    text_at(&p, "Hello world again", 72, 700, 10);
    expect_text(&p, "Hello world again\n");
}

Test(pdf_layout, space_glyph_ends_a_word)
{
    page p = {0};
    /* "ab", a space glyph, then "cd" drawn right after the a-b pair with no gap at all. */
    glyph_at(&p, 'a', 72, 700, 10, 5, 1, 0);
    glyph_at(&p, 'b', 77, 700, 10, 5, 1, 0);
    glyph_at(&p, ' ', 82, 700, 10, 0, 1, 0);
    glyph_at(&p, 'c', 82, 700, 10, 5, 1, 0);
    glyph_at(&p, 'd', 87, 700, 10, 5, 1, 0);
    expect_text(&p, "ab cd\n");
}

Test(pdf_layout, kerning_gaps_stay_inside_words)
{
    page p = {0};
    double x = 72;
    const char *w = "kerned";
    for (size_t i = 0; w[i]; i++) {
        glyph_at(&p, (uint8_t)w[i], x, 700, 10, 5, 1, 0);
        x += 5 + ((i & 1) ? 0.4 : -0.3);  /* small kerns both ways */
    }
    expect_text(&p, "kerned\n");
}

/* Issue 7: word gaps at poppler's 0.1 em. pdfjs__TAMReview.pdf separates words by TJ gaps
 * of 0.104 em ("Comparing)-104.3(TAM)"), which pdftotext reads as spaces; 0.09 em stays a
 * kern. */
Test(pdf_layout, word_gap_at_a_tenth_of_an_em)
{
    page p = {0};
    double x = 72;
    const char *w = "abcd";
    for (size_t i = 0; w[i]; i++) {
        glyph_at(&p, (uint8_t)w[i], x, 700, 10, 5, 1, 0);
        x += 5 + (i == 0 ? 0.9 : i == 1 ? 1.04 : 0);  /* a 0.09 em kern, then 0.104 em */
    }
    expect_text(&p, "ab cd\n");
}

Test(pdf_layout, lines_by_baseline_whatever_the_stream_order)
{
    page p = {0};
    text_at(&p, "second line", 72, 688, 10);
    text_at(&p, "first line", 72, 700, 10);
    /* a word of the first line drawn last, slightly off its baseline */
    text_at(&p, "end", 130, 700.4, 10);
    expect_text(&p, "first line end\nsecond line\n");
}

Test(pdf_layout, glyphs_drawn_in_random_order)
{
    page p = {0};
    const char *s = "scrambled";
    uint32_t order[] = {4, 0, 8, 2, 6, 1, 7, 3, 5};
    for (uint32_t k = 0; k < 9; k++)
        glyph_at(&p, (uint8_t)s[order[k]], 72 + 5 * order[k], 700, 10, 5, 1, 0);
    expect_text(&p, "scrambled\n");
}

Test(pdf_layout, paragraphs_by_spacing)
{
    page p = {0};
    text_at(&p, "one of a paragraph", 72, 700, 10);
    text_at(&p, "two of a paragraph", 72, 688, 10);
    text_at(&p, "another paragraph", 72, 660, 10);
    expect_text(&p, "one of a paragraph\ntwo of a paragraph\n\nanother paragraph\n");
}

Test(pdf_layout, superscript_stays_on_its_line)
{
    page p = {0};
    double x = text_at(&p, "E=mc", 72, 700, 10);
    glyph_at(&p, '2', x, 703.5, 7, 3.5, 1, 0);
    text_at(&p, "is famous", x + 3.5 + 3, 700, 10);
    text_at(&p, "next line", 72, 688, 10);
    expect_text(&p, "E=mc2 is famous\nnext line\n");
}

/* Issue 7: pdfjs__bug1937438_from_word.pdf sets "6∑ 1/n² = π²" with Word's superscripts
 * (8.52 pt at 12 pt) raised 4.38 pt, nearly halfway to the numerator's baseline 9.06 pt
 * above: banded from the top, π's "2" went to the numerator's line ("1 2") and n's "2" to
 * π's. A script drawn right after its base stays with the base, as pdftotext's "π2" "n2". */
Test(pdf_layout, superscript_halfway_to_the_line_above)
{
    page p = {0};
    doc_result r;
    glyph_at(&p, '1', 301.94, 680.16, 12, 6, 1, 0);       /* the fraction's numerator */
    glyph_at(&p, '6', 271.64, 671.1, 12, 6, 1, 0);
    glyph_at(&p, '=', 314.9, 671.1, 12, 6.8, 1, 0);
    glyph_at(&p, 0x3C0, 327.22, 671.1, 12, 6.9, 1, 0);    /* pi ... */
    glyph_at(&p, '2', 335.02, 675.48, 8.52, 4.26, 1, 0);  /* ... squared */
    glyph_at(&p, 'n', 299.06, 663.06, 12, 6.9, 1, 0);     /* the denominator ... */
    glyph_at(&p, '2', 306.14, 666.66, 8.52, 4.26, 1, 0);  /* ... squared */
    r = run_page(&p, PITH_OUT_TEXT, 0);
    cr_assert_eq(r.next_st, PITH_OK, "status %d: %s", r.next_st, r.err);
    cr_expect(strstr(r.text.p, "\xcf\x80" "2") != NULL, "pi squared apart: %s", r.text.p);
    cr_expect(strstr(r.text.p, "n2") != NULL, "n squared apart: %s", r.text.p);
    cr_expect(strstr(r.text.p, "1 2") == NULL, "a script on the numerator's line: %s", r.text.p);
    doc_result_free(&r);
    free(p.g);
}

/* ... and a superscript drawn before its word ("²Infectious", an affiliation mark) leaves
 * the chunk on the word's baseline, not the mark's. */
Test(pdf_layout, superscript_before_its_word)
{
    page p = {0};
    double x;
    text_at(&p, "Gothenburg, Sweden.", 72, 712, 10);
    x = text_at(&p, "Sweden.", 72, 700, 10);
    glyph_at(&p, '2', x + 3, 703.5, 7, 3.5, 1, 0);
    text_at(&p, "InfectiousDiseasesClinic", x + 6.5, 700, 10);
    text_at(&p, "Hospital, Sweden.", 72, 688, 10);
    expect_text(&p, "Gothenburg, Sweden.\nSweden. 2InfectiousDiseasesClinic\nHospital, Sweden.\n");
}

Test(pdf_layout, fake_bold_overprint_dropped)
{
    page p = {0};
    text_at(&p, "Bold title", 72, 700, 12);
    text_at(&p, "Bold title", 72.4, 700, 12);     /* a second pass, 0.4 pt to the right */
    text_at(&p, "Bold title", 72.8, 700.2, 12);   /* and a third */
    expect_text(&p, "Bold title\n");
}

Test(pdf_layout, doubled_glyphs_in_stream_dropped)
{
    page p = {0};
    const char *s = "double";
    for (size_t i = 0; s[i]; i++) {
        glyph_at(&p, (uint8_t)s[i], 72 + 5 * i, 700, 10, 5, 1, 0);
        glyph_at(&p, (uint8_t)s[i], 72.3 + 5 * i, 700, 10, 5, 1, 0);
    }
    expect_text(&p, "double\n");
}

/* MARK: - Columns and order */

Test(pdf_layout, two_columns_not_interleaved)
{
    page p = {0};
    char tx[64];
    text_at(&p, "A Title Across Both Columns", 200, 740, 16);
    /* drawn line by line across the page, left then right, as some producers do */
    for (int i = 0; i < 6; i++) {
        snprintf(tx, sizeof tx, "left line %d of the first column", i);
        text_at(&p, tx, 72, 700 - 12 * i, 10);
        snprintf(tx, sizeof tx, "right line %d of the second one", i);
        text_at(&p, tx, 320, 700 - 12 * i, 10);
    }
    text_at(&p, "a footer under both", 250, 100, 10);
    expect_text(&p, "A Title Across Both Columns\n\n"
                    "left line 0 of the first column\nleft line 1 of the first column\n"
                    "left line 2 of the first column\nleft line 3 of the first column\n"
                    "left line 4 of the first column\nleft line 5 of the first column\n\n"
                    "right line 0 of the second one\nright line 1 of the second one\n"
                    "right line 2 of the second one\nright line 3 of the second one\n"
                    "right line 4 of the second one\nright line 5 of the second one\n\n"
                    "a footer under both\n");
}

Test(pdf_layout, two_columns_with_offset_baselines)
{
    page p = {0};
    char tx[64];
    for (int i = 0; i < 5; i++) {
        snprintf(tx, sizeof tx, "right %d", i);
        text_at(&p, tx, 320, 695 - 12 * i, 10);
    }
    for (int i = 0; i < 5; i++) {
        snprintf(tx, sizeof tx, "left %d", i);
        text_at(&p, tx, 72, 700 - 12 * i, 10);
    }
    expect_text(&p, "left 0\nleft 1\nleft 2\nleft 3\nleft 4\n\nright 0\nright 1\nright 2\nright 3\n"
                    "right 4\n");
}

Test(pdf_layout, header_row_left_to_right)
{
    page p = {0};
    text_at(&p, "Journal", 72, 760, 9);
    text_at(&p, "page 5", 320, 760, 9);
    /* the body spans the text width, under both ends of the header */
    text_at(&p, "body text under the header line, as wide as the page is", 72, 700, 10);
    text_at(&p, "and a second line of the body text that is also wide enough", 72, 688, 10);
    /* a single wide gap with nothing like it above or below is not a column gap */
    expect_text(&p, "Journal page 5\n\nbody text under the header line, as wide as the page "
                    "is\nand a second line of the body text that is also wide enough\n");
}

/* Issue 7 (pdfminer__pr-00530-ml-lines.pdf): the one-word last line of a paragraph ("2020.")
 * beside the indented first line of the next column's paragraph, 17 em apart: the gap holds
 * the gutter the lines above show, so it is that gutter, however short the text left of it. */
Test(pdf_layout, short_last_line_beside_a_wide_gutter)
{
    page p = {0};
    char tx[64];
    for (int i = 0; i < 6; i++) {
        snprintf(tx, sizeof tx, "left column line %d, wide as the column", i);
        text_at(&p, tx, 72, 700 - 12 * i, 10);
        snprintf(tx, sizeof tx, "right column line %d of the other", i);
        text_at(&p, tx, 300, 700 - 12 * i, 10);
    }
    text_at(&p, "2020.", 72, 628, 10);
    text_at(&p, "The next paragraph starts", 310, 628, 10);
    text_at(&p, "and goes on here in its column", 300, 616, 10);
    expect_text(&p, "left column line 0, wide as the column\nleft column line 1, wide as the column\n"
                    "left column line 2, wide as the column\nleft column line 3, wide as the column\n"
                    "left column line 4, wide as the column\nleft column line 5, wide as the column\n"
                    "2020.\n\n"
                    "right column line 0 of the other\nright column line 1 of the other\n"
                    "right column line 2 of the other\nright column line 3 of the other\n"
                    "right column line 4 of the other\nright column line 5 of the other\n"
                    "The next paragraph starts\nand goes on here in its column\n");
}

/* Issue 7 (pdfminer__naacl06-shinyama.pdf, Table 4): the last cell of a table row ("Rows",
 * 8 pt) ends just left of the gutter, the next column's body text (11 pt) goes on right of
 * it. Little text is left of that gap, but it holds the gutter the body lines show and the
 * font size changes across it: the cell stays out of the next column's line. */
Test(pdf_layout, table_cell_beside_the_next_column)
{
    page p = {0};
    char tx[64];
    for (int i = 0; i < 6; i++) {
        snprintf(tx, sizeof tx, "left column line %d", i);
        /* 15 letters and 3 spaces of 11 pt: 92.4 pt, ending at 318 */
        text_at(&p, tx, 318 - 92.4, 700 - 13 * i, 11);
        snprintf(tx, sizeof tx, "right column line %d", i);
        text_at(&p, tx, 330, 700 - 13 * i, 11);
    }
    text_at(&p, "Description", 72, 622, 8);
    text_at(&p, "Rows", 302, 622, 8);
    text_at(&p, "lowing sentence", 330, 622, 11);
    expect_text(&p, "left column line 0\nleft column line 1\nleft column line 2\n"
                    "left column line 3\nleft column line 4\nleft column line 5\n\n"
                    "Description Rows\n\n"
                    "right column line 0\nright column line 1\nright column line 2\n"
                    "right column line 3\nright column line 4\nright column line 5\n"
                    "lowing sentence\n");
}

/* Issue 7 (pypdf__indirect-rotation.pdf, an OCR layer): each line is one run of text with a
 * space glyph between words, the words stretched to the scan so that the spaces are about an
 * em wide and line up from line to line like a gutter. A space the stream wrote, in a run
 * drawn word after word, is a word space: the lines stay whole. */
Test(pdf_layout, word_spaces_of_one_run_are_no_gutter)
{
    page p = {0};
    const char *first[] = {"Compania", "Norasias", "Companhi", "Crowleys", "Evergree"};
    const char *second[] = {"SudAmericana de", "Container Line", "Libra de Nave", "Maritime Corp",
                            "Marine Corp"};
    for (int i = 0; i < 5; i++) {
        double x = text_at(&p, first[i], 72, 700 - 14 * i, 10);
        glyph_at(&p, ' ', x, 700 - 14 * i, 10, 3, 1, 0);
        text_dir(&p, second[i], x + 10, 700 - 14 * i, 10, 1, 0, true);
    }
    expect_text(&p, "Compania SudAmericana de\nNorasias Container Line\nCompanhi Libra de Nave\n"
                    "Crowleys Maritime Corp\nEvergree Marine Corp\n");
}

/* Glyphs of s drawn 0.35 em wide every `step` em from x (a word tracked with Tc when step >
 * 0.35), a space glyph before it when with_space; returns the end of the last glyph. */
static double tracked_at(page *p, const char *s, double x, double y, double size, double step,
                         bool with_space)
{
    if (with_space) {
        glyph_at(p, ' ', x, y, size, 0.3 * size, 1, 0);
        x += 0.6 * size;
    }
    for (const char *c = s; *c; c++) {
        glyph_at(p, (uint32_t)(unsigned char)*c, x, y, size, 0.35 * size, 1, 0);
        x += (*c == ' ' ? 0.6 : step) * size;
    }
    return x;
}

/* Issue 7 (pypdf__indirect-rotation.pdf): an OCR layer stretches each word to the scan with a
 * Tc of its own, so the gaps inside a word are wide but all the same, and space glyphs stand
 * between the words: each tracked word comes out whole, whatever its neighbours' tracking. */
Test(pdf_layout, tracked_words_between_space_glyphs_stay_whole)
{
    page p = {0};
    double x = tracked_at(&p, "United", 72, 700, 10, 0.49, false);
    x = tracked_at(&p, "States", x, 700, 10, 0.45, true);
    x = tracked_at(&p, "Kuwait", x, 700, 10, 0.60, true);
    tracked_at(&p, "Ltd.", x, 700, 10, 0.52, true);
    expect_text(&p, "United States Kuwait Ltd.\n");
}

/* A tracked word alone on its line (no space glyph to set it apart) is a word too, while
 * letters set 0.42 em apart (pdfminer__simple1.pdf's 10 Tc line) stay letters as in pdftotext,
 * and so does a line of symbols. */
Test(pdf_layout, tracked_word_alone_on_its_line)
{
    page p = {0};
    tracked_at(&p, "Kuwait", 72, 700, 10, 0.52, true);
    tracked_at(&p, "Hello", 72, 686, 10, 0.77, false);
    tracked_at(&p, "#14-01", 72, 672, 10, 0.52, false);
    expect_text(&p, "Kuwait\nH e l l o\n# 1 4 - 0 1\n");
}

/* The same gaps between symbols (math set with equal thin spaces, leader dots) and between
 * single letters that have spaces of their own are not a tracked word. */
Test(pdf_layout, equal_gaps_between_symbols_stay_spaces)
{
    page p = {0};
    double x = tracked_at(&p, "which gives", 72, 700, 10, 0.45, false);
    x = tracked_at(&p, "n+1", x, 700, 10, 0.75, true);
    x = tracked_at(&p, "and then", x, 700, 10, 0.45, true);
    x = tracked_at(&p, "S=0", x, 700, 10, 0.75, true);
    x = tracked_at(&p, "for all the", x, 700, 10, 0.45, true);
    x = tracked_at(&p, "a....", x, 700, 10, 0.75, true);
    tracked_at(&p, "x y z", x, 700, 10, 0.75, true);
    expect_text(&p, "which gives n + 1 and then S = 0 for all the a . . . . x y z\n");
}

/* The same page with the second words placed by the stream without a space glyph (a move):
 * two columns, read one after the other. */
Test(pdf_layout, moved_words_in_a_run_may_be_a_gutter)
{
    page p = {0};
    const char *first[] = {"Compania", "Norasias", "Companhi", "Crowleys", "Evergree"};
    const char *second[] = {"SudAmericana", "Containers", "Libradenave", "Maritimes", "Marines"};
    for (int i = 0; i < 5; i++) {
        double x = text_at(&p, first[i], 72, 700 - 14 * i, 10);
        text_at(&p, second[i], x + 10, 700 - 14 * i, 10);
    }
    expect_text(&p, "Compania\nNorasias\nCompanhi\nCrowleys\nEvergree\n\n"
                    "SudAmericana\nContainers\nLibradenave\nMaritimes\nMarines\n");
}

/* Issue 7 (pdfminer__pr-00530-ml-lines.pdf): a title at the left and, right of it over the
 * second column, a header whose first line sits on the title's baseline and whose other
 * lines are stacked under it. The header's lines follow the title, before the columns. */
Test(pdf_layout, header_lines_stacked_right_of_a_title)
{
    page p = {0};
    char tx[64];
    text_at(&p, "Proposed Rules", 72, 730, 16);
    text_at(&p, "Federal Register", 400, 732, 10);
    text_at(&p, "Vol. 85, No. 152", 400, 720, 7);
    text_at(&p, "Thursday, August 6, 2020", 400, 711, 7);
    for (int i = 0; i < 6; i++) {
        snprintf(tx, sizeof tx, "left column line %d, wide as it", i);
        text_at(&p, tx, 72, 690 - 12 * i, 10);
        snprintf(tx, sizeof tx, "right column line %d, wide too", i);
        text_at(&p, tx, 400, 690 - 12 * i, 10);
    }
    expect_text(&p, "Proposed Rules\n\nFederal Register\n\n"
                    "Vol. 85, No. 152\nThursday, August 6, 2020\n\n"
                    "left column line 0, wide as it\nleft column line 1, wide as it\n"
                    "left column line 2, wide as it\nleft column line 3, wide as it\n"
                    "left column line 4, wide as it\nleft column line 5, wide as it\n\n"
                    "right column line 0, wide too\nright column line 1, wide too\n"
                    "right column line 2, wide too\nright column line 3, wide too\n"
                    "right column line 4, wide too\nright column line 5, wide too\n");
}

/* The sorts of the layout (merge sorts of chunks, lines and blocks) put 600 lines drawn in a
 * scrambled content order back top to bottom: every line once, in order. */
Test(pdf_layout, many_lines_drawn_out_of_order_read_top_to_bottom)
{
    page p = {0};
    enum { N = 600 };
    for (int k = 0; k < N; k++) {
        int i = (k * 7 + 3) % N;  /* 7 is prime to 600: a permutation */
        char s[16];
        snprintf(s, sizeof s, "L%03d", i);
        text_at(&p, s, 72, 780 - i * 1.25, 1);
    }
    doc_result r = run_page(&p, PITH_OUT_TEXT, 0);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    int next = 0;
    for (const char *q = r.text.p; (q = strchr(q, 'L')) != NULL; q++) {
        cr_assert_eq(atoi(q + 1), next, "line %d where %d was due", atoi(q + 1), next);
        next++;
    }
    cr_expect_eq(next, N);
    doc_result_free(&r);
    free(p.g);
}

/* MARK: - Hyphenated words */

/* Issue 7: hyphenation is left as in the source: a word broken at a line end keeps its hyphen
 * and its line break ("em-" ends one line, "ployee" starts the next), as do compounds. */
Test(pdf_layout, hyphenation_left_as_in_the_source)
{
    page p = {0};
    text_at(&p, "Social security tax for the em-", 72, 700, 10);
    text_at(&p, "ployee tax rate and a PDF-", 72, 688, 10);
    text_at(&p, "based tool.", 72, 676, 10);
    expect_text(&p, "Social security tax for the em-\nployee tax rate and a PDF-\nbased tool.\n");
}

/* MARK: - The media box */

/* Issue 7 (tika__testPDF_childAttachments.pdf): a proof stamp set above the media box (y 846
 * to 892 on a 792 pt page) is never shown, so it is no text of the page. */
Test(pdf_layout, text_outside_the_media_box_dropped)
{
    page p = {0};
    p.clip = true;
    p.clip_box[2] = 612;
    p.clip_box[3] = 792;
    text_at(&p, "Page 20 of 67 Fileid: proof stamp", 42, 880, 10);
    text_at(&p, "the page's own text", 72, 700, 10);
    text_at(&p, "left of the page", -200, 600, 10);
    text_at(&p, "edge", 596, 500, 10);  /* the last glyph starts 1 pt inside: kept */
    expect_text(&p, "the page's own text\n\nedge\n");
}

/* A page whose text all lies outside its media box keeps it: the box is more likely wrong
 * than the text invisible. */
Test(pdf_layout, text_all_outside_the_media_box_kept)
{
    page p = {0};
    p.clip = true;
    p.clip_box[2] = 100;
    p.clip_box[3] = 100;
    text_at(&p, "all of it outside", 200, 700, 10);
    expect_text(&p, "all of it outside\n");
}

/* MARK: - Directions */

Test(pdf_layout, hebrew_visual_order_to_logical)
{
    page p = {0};
    /* logical "שלום עולם" (shalom olam): drawn left to right on the page, the last letter
     * of the last word first */
    static const uint32_t vis[] = {0x05DD, 0x05DC, 0x05D5, 0x05E2, ' ', 0x05DD, 0x05D5, 0x05DC,
                                   0x05E9};
    double x = 300;
    for (size_t i = 0; i < sizeof vis / sizeof *vis; i++) {
        if (vis[i] == ' ') {
            x += 3;
            continue;
        }
        glyph_at(&p, vis[i], x, 700, 10, 5, 1, 0);
        x += 5;
    }
    expect_text(&p, "שלום עולם\n");
}

Test(pdf_layout, rtl_line_keeps_latin_runs)
{
    page p = {0};
    /* logical: "בלשון עברית R ו Python" → visual, left to right: "Python ו R תירבע ןושלב" */
    static const uint32_t vis[] = {'P', 'y', 't', 'h', 'o', 'n', ' ', 0x05D5, ' ', 'R', ' ',
                                   0x05EA, 0x05D9, 0x05E8, 0x05D1, 0x05E2, ' ',
                                   0x05DF, 0x05D5, 0x05E9, 0x05DC, 0x05D1};
    double x = 100;
    for (size_t i = 0; i < sizeof vis / sizeof *vis; i++) {
        if (vis[i] == ' ') {
            x += 3;
            continue;
        }
        glyph_at(&p, vis[i], x, 700, 10, 5, 1, 0);
        x += 5;
    }
    expect_text(&p, "בלשון עברית R ו Python\n");
}

Test(pdf_layout, rotated_90_text_reads_upwards)
{
    page p = {0};
    /* two lines written bottom to top (direction +y); the second line is to the right */
    text_dir(&p, "rotated text", 100, 200, 10, 0, 1, false);
    text_dir(&p, "second line", 112, 200, 10, 0, 1, false);
    expect_text(&p, "rotated text\nsecond line\n");
}

Test(pdf_layout, upside_down_text)
{
    page p = {0};
    text_dir(&p, "upside down", 300, 400, 10, -1, 0, false);
    text_dir(&p, "next line", 300, 412, 10, -1, 0, false);
    expect_text(&p, "upside down\nnext line\n");
}

Test(pdf_layout, vertical_columns_right_to_left)
{
    page p = {0};
    /* Japanese vertical writing: columns go down, the first column is the rightmost */
    text_dir(&p, "日本語", 200, 700, 10, 0, -1, false);
    text_dir(&p, "縦書き", 185, 700, 10, 0, -1, false);
    expect_text(&p, "日本語\n縦書き\n");
}

/* Issue 7, pdfminer__kampo.pdf: vertical Japanese drawn with a horizontal font, one glyph per
 * "0 -1 TD". Columns read top to bottom, the rightmost first. */
static void stack_at(page *p, const char *s, double x, double y, double size)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t c;
        size_t k = pith_utf8_decode((const uint8_t *)s + i, n - i, &c);
        i += k ? k : 1;
        glyph_at(p, c, x, y, size, size, 1, 0);
        y -= size;
    }
}

Test(pdf_layout, stacked_glyph_columns_read_top_down)
{
    page p = {0};
    stack_at(&p, "日本語の", 200, 700, 10);
    stack_at(&p, "縦書き", 185, 700, 10);
    expect_text(&p, "日本語の\n縦書き\n");
}

/* Horizontal rows drawn column by column (a grid of one-em cells): the "columns" touch, so
 * they are rows read across, not vertical writing. */
Test(pdf_layout, stacked_grid_drawn_by_columns_stays_rows)
{
    page p = {0};
    stack_at(&p, "日縦漢", 100, 700, 10);
    stack_at(&p, "本書字", 110, 700, 10);
    stack_at(&p, "語き表", 120, 700, 10);
    expect_text(&p, "日本語\n縦書き\n漢字表\n");
}

/* Latin letters stacked one em apart (a narrow table column of single letters) are not
 * vertical writing. */
Test(pdf_layout, stacked_latin_letters_stay_lines)
{
    page p = {0};
    stack_at(&p, "abcd", 100, 700, 10);
    expect_text(&p, "a\nb\nc\nd\n");
}

Test(pdf_layout, rotated_text_beside_normal_text)
{
    page p = {0};
    text_at(&p, "main body of the page", 72, 700, 10);
    text_dir(&p, "margin note", 30, 300, 8, 0, 1, false);
    expect_text(&p, "main body of the page\n\nmargin note\n");
}

Test(pdf_layout, angled_text_line)
{
    page p = {0};
    /* 30 degrees: cos 0.8660, sin 0.5 */
    text_dir(&p, "slanted words here", 100, 100, 10, 0.8660254, 0.5, false);
    expect_text(&p, "slanted words here\n");
}

/* MARK: - Headings and positions */

Test(pdf_layout, heading_by_font_size)
{
    page p = {0};
    text_at(&p, "Big Title", 72, 740, 24);
    text_at(&p, "Section One", 72, 700, 14);
    text_at(&p, "body text of the section goes here", 72, 680, 10);
    text_at(&p, "and continues on a second line", 72, 668, 10);
    doc_result r = run_page(&p, PITH_OUT_MARKDOWN, 0);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "# Big Title\n") != NULL, "got: %s", r.text.p);
    cr_expect(strstr(r.text.p, "## Section One\n") != NULL, "got: %s", r.text.p);
    cr_expect(strstr(r.text.p, "\nbody text of the section goes here") != NULL, "got: %s",
              r.text.p);
    cr_expect(strstr(r.text.p, "#") == strstr(r.text.p, "# Big"), "got: %s", r.text.p);
    doc_result_free(&r);
    free(p.g);
}

Test(pdf_layout, no_heading_for_uniform_text)
{
    page p = {0};
    text_at(&p, "all the same size", 72, 700, 10);
    text_at(&p, "all the same size too", 72, 660, 10);
    doc_result r = run_page(&p, PITH_OUT_MARKDOWN, 0);
    cr_expect(strchr(r.text.p, '#') == NULL, "got: %s", r.text.p);
    doc_result_free(&r);
    free(p.g);
}

Test(pdf_layout, positions_in_json)
{
    page p = {0};
    text_at(&p, "positioned", 72, 700, 10);
    doc_result r = run_page(&p, PITH_OUT_JSONL, PITH_OPT_POSITIONS);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "\"page\":1") != NULL, "got: %s", r.text.p);
    cr_expect(strstr(r.text.p, "\"bbox\":[72,698,122,708]") != NULL, "got: %s", r.text.p);
    cr_expect(strstr(r.text.p, "\"text\":\"positioned\"") != NULL, "got: %s", r.text.p);
    doc_result_free(&r);
    free(p.g);
}

/* MARK: - Hostile glyph sets */

Test(pdf_layout, empty_page_emits_nothing)
{
    page p = {0};
    expect_text(&p, "");
}

Test(pdf_layout, non_finite_coordinates_dropped)
{
    page p = {0};
    double nan = 0.0 / 0.0, inf = 1.0 / 0.0;
    text_at(&p, "kept", 72, 700, 10);
    glyph_at(&p, 'x', nan, 700, 10, 5, 1, 0);
    glyph_at(&p, 'y', 80, inf, 10, 5, 1, 0);
    glyph_at(&p, 'z', 80, 700, 10, nan, 1, 0);
    expect_text(&p, "kept\n");
}

Test(pdf_layout, many_glyphs_on_one_spot_stay_fast)
{
    page p = {0};
    /* 200,000 different glyphs piled at one point: no quadratic blow-up */
    for (uint32_t i = 0; i < 200000; i++) glyph_at(&p, 'a' + i % 26, 100, 100, 10, 5, 1, 0);
    doc_result r = run_page(&p, PITH_OUT_TEXT, 0);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(r.text.n > 0);
    doc_result_free(&r);
    free(p.g);
}

Test(pdf_layout, many_lines_and_blocks_stay_fast)
{
    page p = {0};
    char tx[32];
    /* a grid of 40 x 400 numbers: many blocks, reading order falls back to a sort */
    for (int row = 0; row < 400; row++)
        for (int col = 0; col < 40; col++) {
            snprintf(tx, sizeof tx, "%d", row * 40 + col);
            text_at(&p, tx, 10 + col * 40, 2000 - row * 5, 4);
        }
    doc_result r = run_page(&p, PITH_OUT_TEXT, 0);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "15999") != NULL);
    doc_result_free(&r);
    free(p.g);
}

Test(pdf_layout, zero_size_and_zero_advance)
{
    page p = {0};
    glyph_at(&p, 'a', 72, 700, 0, 0, 1, 0);
    glyph_at(&p, 'b', 72, 700, 0, 0, 1, 0);
    glyph_at(&p, 'c', 72, 700, 0, 0, 0, 0);  /* no direction */
    doc_result r = run_page(&p, PITH_OUT_TEXT, 0);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strchr(r.text.p, 'a') != NULL, "got: %s", r.text.p);
    doc_result_free(&r);
    free(p.g);
}
