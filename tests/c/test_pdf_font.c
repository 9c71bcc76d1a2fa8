/* test_pdf_font.c: PDF fonts (handlers/pdf/pdf_font*.c, pdf_cmap.c and the generated glyph
 * list, encodings and metrics).
 *
 * Expected values come from the specs and Adobe's data, worked by hand: the Adobe Glyph List
 * (glyphlist.txt: "Euro;20AC", "afii10017;0410", "dalethatafpatah;05D3 05B2"), ISO 32000-1
 * Annex D (the encodings' code tables), Adobe's core-14 AFM files (Helvetica "C 65 ; WX 667 ;
 * N A", Times-Roman A 722 and space 250, Courier 600, Symbol alpha 631, ZapfDingbats a1 974),
 * ISO 32000-1 §9.10.3 (bfrange incrementing into the previous byte, arrays) and §9.7.6.2 (code
 * lengths by codespace ranges, Example 2's mixed one- and two-byte ranges). Font dictionaries
 * are written as small PDF files opened through pdf_ctx_open. Suite pdf_font_hostile: CMaps
 * with a million entries, overlapping and broken programs, absurd /W and /Differences.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "pdf_test_util.h"
#include "test_util.h"
#include "../../handlers/pdf/pdf.h"
#include "../../handlers/pdf/pdf_font_int.h"

/* MARK: - A document to load fonts in */

static pith_doc *open_doc(void) { return pdf_test_open("", 0, pith_options_default()); }
static void close_doc(pith_doc *doc) { pdf_test_close(doc); }

/* A PDF whose objects 1-3 are a catalog, a page tree and a page, and 4.. the given bodies. */
typedef struct pdf_file {
    buf b;
    pith_doc *doc;
    pdf_ctx *ctx;
} pdf_file;

static char *stream_obj(const char *dict_extra, const char *data, size_t n)
{
    size_t cap = strlen(dict_extra) + n + 128;
    char *s = malloc(cap);
    int k = snprintf(s, cap, "<< /Length %zu %s >>\nstream\n", n, dict_extra);
    memcpy(s + k, data, n);
    snprintf(s + k + n, cap - k - n, "\nendstream");
    return s;
}

static void open_pdf(pdf_file *f, const char *const *bodies, size_t n)
{
    memset(f, 0, sizeof *f);
    const char *head[3] = {"<< /Type /Catalog /Pages 2 0 R >>",
                           "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                           "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"};
    size_t total = n + 3, off[64];
    cr_assert(total < 64);
    buf_str(&f->b, "%PDF-1.7\n");
    char line[64];
    for (size_t i = 0; i < total; i++) {
        off[i] = f->b.n;
        snprintf(line, sizeof line, "%zu 0 obj\n", i + 1);
        buf_str(&f->b, line);
        buf_str(&f->b, i < 3 ? head[i] : bodies[i - 3]);
        buf_str(&f->b, "\nendobj\n");
    }
    size_t xref = f->b.n;
    snprintf(line, sizeof line, "xref\n0 %zu\n0000000000 65535 f \n", total + 1);
    buf_str(&f->b, line);
    for (size_t i = 0; i < total; i++) {
        snprintf(line, sizeof line, "%010zu 00000 n \n", off[i]);
        buf_str(&f->b, line);
    }
    snprintf(line, sizeof line, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
             total + 1, xref);
    buf_str(&f->b, line);
    f->doc = open_doc();
    cr_assert_eq(pdf_ctx_open(f->doc, (const uint8_t *)f->b.p, f->b.n, &f->ctx), PITH_OK);
}

static void close_pdf(pdf_file *f)
{
    close_doc(f->doc);
    free(f->b.p);
}

static pdf_font *font_num(pdf_file *f, uint32_t num)
{
    pdf_obj ref;
    memset(&ref, 0, sizeof ref);
    ref.kind = PDF_REF;
    ref.u.ref.num = num;
    ref.u.ref.gen = 0;
    return pdf_font_get(f->ctx, &ref);
}

/* Decode s[0..n) with f: the text as UTF-32 and the advance total. */
typedef struct shown {
    uint32_t cp[64];
    uint32_t ncp;
    double w;
    uint32_t codes, spaces;
} shown;

static shown show(const pdf_font *f, const char *s, size_t n)
{
    shown r;
    memset(&r, 0, sizeof r);
    size_t i = 0;
    while (i < n) {
        pdf_glyph g;
        size_t k = pdf_font_next(f, (const uint8_t *)s + i, n - i, &g);
        cr_assert(k >= 1 && k <= n - i);
        for (uint32_t j = 0; j < g.nuni && r.ncp < 64; j++) r.cp[r.ncp++] = g.uni[j];
        r.w += g.w0;
        r.codes++;
        r.spaces += g.space;
        i += k;
    }
    return r;
}

static void expect_cps(const shown *r, const uint32_t *want, uint32_t n)
{
    cr_assert_eq(r->ncp, n, "got %u code points, want %u", r->ncp, n);
    for (uint32_t i = 0; i < n; i++)
        cr_expect_eq(r->cp[i], want[i], "code point %u: U+%04X, want U+%04X", i, r->cp[i],
                     want[i]);
}

static bool near(double a, double b) { return a - b < 1e-6 && b - a < 1e-6; }

/* MARK: - Glyph list */

static uint32_t uni_of(const char *name, bool zapf, uint32_t out[8])
{
    return pdf_glyph_unicode((const uint8_t *)name, strlen(name), zapf, out);
}

Test(pdf_font, glyph_list_has_every_agl_name_once)
{
    char name[PDF_GLYPH_NAME_MAX];
    char prev[PDF_GLYPH_NAME_MAX] = "";
    uint32_t agl = 0;
    for (uint32_t id = 0; id < pdf_gl_count; id++) {
        size_t n = pdf_glyph_name(id, name);
        cr_assert(n > 0);
        cr_assert(strcmp(prev, name) < 0, "names out of order at %u: %s, %s", id, prev, name);
        cr_assert_eq(pdf_glyph_id((const uint8_t *)name, n), id, "%s", name);
        uint32_t u[8];
        if (pdf_glyph_unicode_id(id, false, u)) agl++;
        memcpy(prev, name, n + 1);
    }
    /* glyphlist.txt has 4,281 names; the rest are the ITC Zapf Dingbats a1..a191 */
    cr_expect_eq(agl, 4281);
    cr_expect_eq(pdf_glyph_id((const uint8_t *)"nosuchglyph", 11), PDF_GLYPH_NONE);
    cr_expect_eq(pdf_glyph_id((const uint8_t *)"", 0), PDF_GLYPH_NONE);
}

/* pdf_glyph_unicode_id reads the list's value without the name for non-dingbats fonts (issue
 * 7): it must still answer what the name itself answers, for every id, both ways. */
Test(pdf_font, glyph_ids_answer_as_their_names)
{
    char name[PDF_GLYPH_NAME_MAX];
    for (uint32_t id = 0; id < pdf_gl_count; id++) {
        size_t n = pdf_glyph_name(id, name);
        for (int zapf = 0; zapf < 2; zapf++) {
            uint32_t a[8] = {0}, b[8] = {0};
            uint32_t ka = pdf_glyph_unicode_id(id, zapf, a);
            uint32_t kb = pdf_glyph_unicode((const uint8_t *)name, n, zapf, b);
            cr_assert_eq(ka, kb, "%s zapf %d", name, zapf);
            cr_assert(memcmp(a, b, sizeof a) == 0, "%s zapf %d", name, zapf);
        }
    }
    uint32_t u[8];
    cr_expect_eq(pdf_glyph_unicode_id(pdf_gl_count, false, u), 0);
    cr_expect_eq(pdf_glyph_unicode_id(PDF_GLYPH_NONE, true, u), 0);
}

/* The name index (a hash table over the compressed list) answers only for the exact name:
 * not for a prefix, an extension, another case, the stored compressed bytes themselves, or
 * bytes the list never holds. */
Test(pdf_font_hostile, glyph_index_matches_whole_names_only)
{
    const char *miss[] = {"Aacut", "Aacutee", "AACUTE", "aacute ", " aacute", "aacute\n",
                          "uni0041", "a.sc", "f_f_i", "A\xC3\xA9", "\xFF", "g12", "cid65"};
    for (size_t i = 0; i < sizeof miss / sizeof *miss; i++)
        cr_expect_eq(pdf_glyph_id((const uint8_t *)miss[i], strlen(miss[i])), PDF_GLYPH_NONE,
                     "%s", miss[i]);
    uint32_t id = pdf_glyph_id((const uint8_t *)"Aacute", 6);
    cr_assert_neq(id, PDF_GLYPH_NONE);
    cr_expect_eq(pdf_glyph_id((const uint8_t *)"Aacute\0", 7), PDF_GLYPH_NONE);
    /* the stored bytes of long names use tokens: looked up as a name, they are no name */
    char name[PDF_GLYPH_NAME_MAX];
    uint32_t tried = 0;
    const uint8_t *p = pdf_gl_blob;
    for (uint32_t i = 0; i < pdf_gl_count; i++, p += strlen((const char *)p) + 1) {
        size_t n = strlen((const char *)p), m = pdf_glyph_name(i, name);
        if (n == m && memcmp(p, name, n) == 0) continue;  /* stored plainly */
        tried++;
        cr_assert_eq(pdf_glyph_id(p, n), PDF_GLYPH_NONE, "raw bytes of %s", name);
    }
    cr_expect_gt(tried, 4000);
    /* every length up to the limit, and past it */
    uint8_t longname[PDF_GLYPH_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname);
    for (size_t n = 0; n <= sizeof longname; n++)
        cr_expect_eq(pdf_glyph_id(longname, n), n == 1 ? pdf_glyph_id((const uint8_t *)"a", 1)
                                                       : PDF_GLYPH_NONE, "%zu", n);
}

Test(pdf_font, glyph_names_from_the_agl)
{
    uint32_t u[8];
    cr_expect_eq(uni_of("A", false, u), 1);
    cr_expect_eq(u[0], 0x41);
    cr_expect_eq(uni_of("Euro", false, u), 1);
    cr_expect_eq(u[0], 0x20AC);
    cr_expect_eq(uni_of("afii10017", false, u), 1);
    cr_expect_eq(u[0], 0x0410);
    cr_expect_eq(uni_of("quoteright", false, u), 1);
    cr_expect_eq(u[0], 0x2019);
    cr_expect_eq(uni_of("dalethatafpatah", false, u), 2);
    cr_expect(u[0] == 0x05D3 && u[1] == 0x05B2);
    cr_expect_eq(uni_of("zukatakana", false, u), 1);
    cr_expect_eq(u[0], 0x30BA);
    cr_expect_eq(uni_of(".notdef", false, u), 0);
}

Test(pdf_font, glyph_names_by_the_naming_rules)
{
    uint32_t u[8];
    cr_expect_eq(uni_of("uni20AC", false, u), 1);
    cr_expect_eq(u[0], 0x20AC);
    cr_expect_eq(uni_of("uni00660069", false, u), 2);
    cr_expect(u[0] == 'f' && u[1] == 'i');
    cr_expect_eq(uni_of("u1F600", false, u), 1);
    cr_expect_eq(u[0], 0x1F600);
    cr_expect_eq(uni_of("uniD800", false, u), 0);    /* a surrogate is no character */
    cr_expect_eq(uni_of("a.sc", false, u), 1);
    cr_expect_eq(u[0], 'a');
    cr_expect_eq(uni_of("one.oldstyle", false, u), 1);
    cr_expect_eq(u[0], '1');
    cr_expect_eq(uni_of("f_f_i", false, u), 3);
    cr_expect(u[0] == 'f' && u[1] == 'f' && u[2] == 'i');
    cr_expect_eq(uni_of("T_h.liga", false, u), 2);
    cr_expect(u[0] == 'T' && u[1] == 'h');
    cr_expect_eq(uni_of("f_nosuch", false, u), 0);
    cr_expect_eq(uni_of("G41", false, u), 1);
    cr_expect_eq(u[0], 'A');
    cr_expect_eq(uni_of("g0042", false, u), 1);
    cr_expect_eq(u[0], 'B');
    cr_expect_eq(uni_of("cid67", false, u), 1);
    cr_expect_eq(u[0], 'C');
}

Test(pdf_font, dingbats_names_only_for_dingbats_fonts)
{
    uint32_t u[8];
    cr_expect_eq(uni_of("a1", true, u), 1);
    cr_expect_eq(u[0], 0x2701);
    cr_expect_eq(uni_of("a1", false, u), 0);
    cr_expect_eq(uni_of("a71", true, u), 1);
    cr_expect_eq(u[0], 0x25CF);
}

/* MARK: - Encodings and metrics */

static uint32_t enc_uni(int enc, int code)
{
    uint32_t u[8];
    uint32_t gid = pdf_enc_table[enc][code];
    if (gid == PDF_GLYPH_NONE) return 0;
    return pdf_glyph_unicode_id(gid, enc == PDF_ENC_ZAPF, u) == 1 ? u[0] : 0;
}

Test(pdf_font, builtin_encodings_of_annex_d)
{
    cr_expect_eq(enc_uni(PDF_ENC_STANDARD, 0x27), 0x2019);  /* quoteright */
    cr_expect_eq(enc_uni(PDF_ENC_STANDARD, 0xAE), 0xFB01);  /* fi */
    cr_expect_eq(enc_uni(PDF_ENC_STANDARD, 0xEA), 0x0152);  /* OE, octal 352 */
    cr_expect_eq(enc_uni(PDF_ENC_WINANSI, 0x27), 0x27);     /* quotesingle */
    cr_expect_eq(enc_uni(PDF_ENC_WINANSI, 0x80), 0x20AC);
    cr_expect_eq(enc_uni(PDF_ENC_WINANSI, 0x95), 0x2022);
    cr_expect_eq(enc_uni(PDF_ENC_WINANSI, 0xE9), 0xE9);
    cr_expect_eq(enc_uni(PDF_ENC_MACROMAN, 0x8E), 0xE9);    /* eacute */
    cr_expect_eq(enc_uni(PDF_ENC_MACROMAN, 0xD0), 0x2013);  /* endash */
    cr_expect_eq(enc_uni(PDF_ENC_PDFDOC, 0x18), 0x02D8);    /* breve */
    cr_expect_eq(enc_uni(PDF_ENC_PDFDOC, 0xA0), 0x20AC);
    cr_expect_eq(enc_uni(PDF_ENC_SYMBOL, 0x61), 0x03B1);    /* alpha */
    cr_expect_eq(enc_uni(PDF_ENC_ZAPF, 0x21), 0x2701);      /* a1 */
    cr_expect_eq(pdf_enc_table[PDF_ENC_MACEXPERT][0x21],
                 pdf_glyph_id((const uint8_t *)"exclamsmall", 11));
    cr_expect_eq(pdf_enc_table[PDF_ENC_STANDARD][0x7F], PDF_GLYPH_NONE);
    cr_expect_eq(pdf_encoding_by_name((const uint8_t *)"MacRomanEncoding", 16), PDF_ENC_MACROMAN);
    cr_expect_eq(pdf_encoding_by_name((const uint8_t *)"Nope", 4), PDF_ENC_NONE);
}

static int width_of(int f, const char *glyph)
{
    uint32_t id = pdf_glyph_id((const uint8_t *)glyph, strlen(glyph));
    int code = -1;
    int e = f == PDF_STD_SYMBOL ? PDF_ENC_SYMBOL : f == PDF_STD_ZAPF ? PDF_ENC_ZAPF : -1;
    for (int c = 0; e >= 0 && c < 256; c++)
        if (pdf_enc_table[e][c] == id) code = c;
    return pdf_std14_width(f, id, code);
}

Test(pdf_font, standard_14_widths_match_adobe)
{
    cr_expect_eq(width_of(PDF_STD_HELVETICA, "A"), 667);
    cr_expect_eq(width_of(PDF_STD_HELVETICA, "space"), 278);
    cr_expect_eq(width_of(PDF_STD_HELVETICA, "W"), 944);
    cr_expect_eq(width_of(PDF_STD_HELVETICA_B, "A"), 722);
    cr_expect_eq(width_of(PDF_STD_TIMES, "A"), 722);
    cr_expect_eq(width_of(PDF_STD_TIMES, "space"), 250);
    cr_expect_eq(width_of(PDF_STD_TIMES_I, "a"), 500);
    cr_expect_eq(width_of(PDF_STD_COURIER_BI, "Euro"), 600);
    cr_expect_eq(width_of(PDF_STD_SYMBOL, "alpha"), 631);
    cr_expect_eq(width_of(PDF_STD_ZAPF, "a1"), 974);
    cr_expect_eq(width_of(PDF_STD_HELVETICA, "afii10017"), -1);
}

static int find(const char *s) { return pdf_std14_find((const uint8_t *)s, strlen(s)); }

Test(pdf_font, standard_font_names_and_aliases)
{
    cr_expect_eq(find("Helvetica"), PDF_STD_HELVETICA);
    cr_expect_eq(find("Times-BoldItalic"), PDF_STD_TIMES_BI);
    cr_expect_eq(find("ABCDEF+Helvetica-Oblique"), PDF_STD_HELVETICA_I);
    cr_expect_eq(find("Arial"), PDF_STD_HELVETICA);
    cr_expect_eq(find("ArialMT"), PDF_STD_HELVETICA);
    cr_expect_eq(find("Arial,Bold"), PDF_STD_HELVETICA_B);
    cr_expect_eq(find("QWERTY+Arial-BoldItalicMT"), PDF_STD_HELVETICA_BI);
    cr_expect_eq(find("TimesNewRomanPSMT"), PDF_STD_TIMES);
    cr_expect_eq(find("TimesNewRomanPS-BoldMT"), PDF_STD_TIMES_B);
    cr_expect_eq(find("Times New Roman,Italic"), PDF_STD_TIMES_I);
    cr_expect_eq(find("CourierNew,BoldItalic"), PDF_STD_COURIER_BI);
    cr_expect_eq(find("Symbol"), PDF_STD_SYMBOL);
    cr_expect_eq(find("ZapfDingbats"), PDF_STD_ZAPF);
    cr_expect_eq(find("Calibri"), PDF_STD_NONE);
    cr_expect_eq(find(""), PDF_STD_NONE);
}

/* MARK: - CMaps from bytes */

static pdf_cmap *cmap_of(pith_arena *a, const char *s)
{
    pdf_cmap *c = NULL;
    cr_assert_eq(pdf_cmap_parse(NULL, a, (const uint8_t *)s, strlen(s), &c), PITH_OK);
    cr_assert(c);
    return c;
}

static uint32_t cm_uni1(const pdf_cmap *c, uint32_t code)
{
    uint32_t u[8];
    uint32_t n = pdf_cmap_unicode(c, code, u);
    return n == 1 ? u[0] : n == 0 ? 0 : 0xFFFFFFFF;
}

static pith_budget g_budget;
static pith_arena g_arena;
static void arena_setup(void)
{
    pith_budget_init(&g_budget, NULL, (uint64_t)1 << 30);
    pith_arena_init(&g_arena, &g_budget, 0);
}
static void arena_teardown(void) { pith_arena_finish(&g_arena); }

static const char tounicode_src[] =
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
    "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
    "3 beginbfchar\n<0003> <0020>\n<0044> <00660069>\n<0050> <D835DC00>\nendbfchar\n"
    "4 beginbfrange\n<0010> <0012> <0041>\n<0200> <0202> <00FF>\n"
    "<0100> <0102> <D835DC00>\n<0300> <0302> [<0061> <00660066> <0063>]\nendbfrange\n"
    "endcmap CMapName currentdict /CMap defineresource pop end end\n";

Test(pdf_font, tounicode_bfchar_and_bfrange, .init = arena_setup, .fini = arena_teardown)
{
    pdf_cmap *c = cmap_of(&g_arena, tounicode_src);
    uint32_t u[8];
    cr_expect_eq(cm_uni1(c, 0x0003), 0x20);
    cr_expect_eq(pdf_cmap_unicode(c, 0x0044, u), 2);
    cr_expect(u[0] == 'f' && u[1] == 'i');
    cr_expect_eq(cm_uni1(c, 0x0050), 0x1D400);            /* surrogate pair */
    cr_expect_eq(cm_uni1(c, 0x0010), 'A');
    cr_expect_eq(cm_uni1(c, 0x0012), 'C');
    cr_expect_eq(cm_uni1(c, 0x0013), 0);
    cr_expect_eq(cm_uni1(c, 0x0200), 0xFF);
    cr_expect_eq(cm_uni1(c, 0x0201), 0x100);              /* carried into the first byte */
    cr_expect_eq(cm_uni1(c, 0x0102), 0x1D402);
    cr_expect_eq(cm_uni1(c, 0x0300), 'a');
    cr_expect_eq(pdf_cmap_unicode(c, 0x0301, u), 2);
    cr_expect(u[0] == 'f' && u[1] == 'f');
    cr_expect_eq(cm_uni1(c, 0x0302), 'c');
    cr_expect_eq(cm_uni1(c, 0x0303), 0);
    cr_expect_eq(cm_uni1(c, 0x0000), 0);
}

Test(pdf_font, bfrange_from_zero_keeps_its_other_codes, .init = arena_setup,
     .fini = arena_teardown)
{
    /* TCPDF writes "<0000> <00ff> <0000>" (pdfjs__mixedfonts.pdf): code 0 is no text, the
     * rest of the range maps */
    pdf_cmap *c = cmap_of(&g_arena, "1 beginbfrange <0000> <00ff> <0000> endbfrange "
                                    "1 beginbfchar <0100> <0000> endbfchar");
    cr_expect_eq(cm_uni1(c, 0x0000), 0);
    cr_expect_eq(cm_uni1(c, 0x0041), 'A');
    cr_expect_eq(c->nseg, 1, "bfchar to <0000> is dropped");
}

Test(pdf_font, codespace_mixed_lengths, .init = arena_setup, .fini = arena_teardown)
{
    /* §9.7.6.2 Example 2: one-byte codes 00-80, two-byte 8140-9FFC, and A0-DF one byte */
    pdf_cmap *c = cmap_of(&g_arena,
                          "3 begincodespacerange <00> <80> <8140> <9FFC> <A0> <DF> "
                          "endcodespacerange 2 begincidrange <20> <7E> 1 <8140> <817E> 633 "
                          "endcidrange 1 beginnotdefrange <00> <1F> 231 endnotdefrange");
    const uint8_t s[] = {0x41, 0x81, 0x40, 0xA5, 0x05, 0x9F};
    uint32_t code, cid;
    size_t at = 0, k;
    k = pdf_cmap_code(c, s + at, sizeof s - at, &code);
    cr_expect(k == 1 && code == 0x41);
    cr_expect(pdf_cmap_cid(c, code, &cid) && cid == 0x41 - 0x20 + 1);
    at += k;
    k = pdf_cmap_code(c, s + at, sizeof s - at, &code);
    cr_expect(k == 2 && code == 0x8140);
    cr_expect(pdf_cmap_cid(c, code, &cid) && cid == 633);
    at += k;
    k = pdf_cmap_code(c, s + at, sizeof s - at, &code);
    cr_expect(k == 1 && code == 0xA5);
    cr_expect(!pdf_cmap_cid(c, code, &cid));
    at += k;
    k = pdf_cmap_code(c, s + at, sizeof s - at, &code);
    cr_expect(k == 1 && code == 0x05);
    cr_expect(pdf_cmap_cid(c, code, &cid) && cid == 231);  /* notdefrange: one CID for all */
    at += k;
    /* 9F starts a two-byte code but the string ends: what is left is used */
    k = pdf_cmap_code(c, s + at, sizeof s - at, &code);
    cr_expect(k == 1 && code == 0x9F);
}

Test(pdf_font, later_definitions_win, .init = arena_setup, .fini = arena_teardown)
{
    pdf_cmap *c = cmap_of(&g_arena,
                          "1 begincodespacerange <00> <FF> endcodespacerange\n"
                          "1 beginbfrange <00> <FF> <0041> endbfrange\n"
                          "2 beginbfchar <10> <0078> <10> <0079> endbfchar\n"
                          "/WMode 1 def /Parent-H usecmap");
    cr_expect_eq(cm_uni1(c, 0x00), 'A');
    cr_expect_eq(cm_uni1(c, 0x0F), 'A' + 15);
    cr_expect_eq(cm_uni1(c, 0x10), 'y');
    cr_expect_eq(cm_uni1(c, 0x11), 'A' + 17);
    cr_expect_eq(c->wmode, 1);
    cr_expect(c->use_len == 8 && memcmp(c->use, "Parent-H", 8) == 0);
}

Test(pdf_font, usecmap_parent_loses_to_child, .init = arena_setup, .fini = arena_teardown)
{
    pdf_cmap_builder b;
    pdf_cmap_builder_init(&b, NULL, &g_arena);
    const char *child = "1 begincidchar <0005> 99 endcidchar";
    const char *parent = "1 begincodespacerange <0000> <FFFF> endcodespacerange "
                         "1 begincidrange <0000> <00FF> 0 endcidrange";
    cr_assert_eq(pdf_cmap_builder_add(&b, (const uint8_t *)child, strlen(child), 0), PITH_OK);
    cr_assert_eq(pdf_cmap_builder_add(&b, (const uint8_t *)parent, strlen(parent), 1), PITH_OK);
    pdf_cmap *c;
    cr_assert_eq(pdf_cmap_builder_finish(&b, &g_arena, &c), PITH_OK);
    uint32_t cid;
    cr_expect(pdf_cmap_cid(c, 5, &cid) && cid == 99);
    cr_expect(pdf_cmap_cid(c, 6, &cid) && cid == 6);
    cr_expect(pdf_cmap_cid(c, 4, &cid) && cid == 4);
    cr_expect_eq(c->nspace, 1);
}

/* MARK: - Fonts from dictionaries */

Test(pdf_font, standard_font_without_widths)
{
    const char *objs[] = {"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                          "/Encoding /WinAnsiEncoding >>"};
    pdf_file f;
    open_pdf(&f, objs, 1);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    shown r = show(font, "A \x80", 3);
    const uint32_t want[] = {'A', ' ', 0x20AC};
    expect_cps(&r, want, 3);
    cr_expect(near(r.w, 0.667 + 0.278 + 0.556), "width %f", r.w);
    cr_expect_eq(r.spaces, 1);
    cr_expect_eq(font_num(&f, 4), font, "cached by object number");
    double a, d;
    pdf_font_extent(font, &a, &d);
    cr_expect(a > 0.6 && a < 0.8 && d < -0.1 && d > -0.3);
    pith_str nm = pdf_font_name(font);
    cr_expect(nm.n == 9 && memcmp(nm.p, "Helvetica", 9) == 0);
    close_pdf(&f);
}

Test(pdf_font, differences_over_a_base_encoding_and_widths)
{
    const char *objs[] = {
        "<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Minion /FirstChar 65 /LastChar 67 "
        "/Widths [100 200 300] /FontDescriptor 5 0 R /Encoding << /BaseEncoding "
        "/WinAnsiEncoding /Differences [66 /f_f_i /a.sc 128 /uni2014 /g0041] >> >>",
        "<< /Type /FontDescriptor /FontName /ABCDEF+Minion /Flags 32 /MissingWidth 333 "
        "/Ascent 700 /Descent -300 >>"};
    pdf_file f;
    open_pdf(&f, objs, 2);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    shown r = show(font, "ABC\x80\x81\xe9", 6);
    const uint32_t want[] = {'A', 'f', 'f', 'i', 'a', 0x2014, 'A', 0xE9};
    expect_cps(&r, want, 8);
    cr_expect(near(r.w, 0.1 + 0.2 + 0.3 + 3 * 0.333), "width %f", r.w);
    double a, d;
    pdf_font_extent(font, &a, &d);
    cr_expect(near(a, 0.7) && near(d, -0.3));
    close_pdf(&f);
}

Test(pdf_font, tounicode_wins_over_the_encoding)
{
    const char cm[] = "1 begincodespacerange <00> <FF> endcodespacerange "
                      "2 beginbfchar <41> <0042> <42> <> endbfchar";
    char *tu = stream_obj("", cm, sizeof cm - 1);
    const char *objs[] = {"<< /Type /Font /Subtype /TrueType /BaseFont /Arial "
                          "/Encoding /WinAnsiEncoding /ToUnicode 5 0 R >>",
                          tu};
    pdf_file f;
    open_pdf(&f, objs, 2);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    shown r = show(font, "ABC", 3);
    /* B maps to nothing in the ToUnicode: the encoding answers */
    const uint32_t want[] = {'B', 'B', 'C'};
    expect_cps(&r, want, 3);
    /* Arial without /Widths: Helvetica's metrics (A 667, B 667, C 722) */
    cr_expect(near(r.w, 0.667 + 0.667 + 0.722), "width %f", r.w);
    close_pdf(&f);
    free(tu);
}

Test(pdf_font, type3_widths_through_the_font_matrix)
{
    const char *objs[] = {
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 -20 100 80] "
        "/FontMatrix [0.01 0 0 0.01 0 0] /FirstChar 65 /LastChar 66 /Widths [50 75] "
        "/Encoding << /Differences [65 /A /bullet] >> /CharProcs << >> /Resources << >> >>"};
    pdf_file f;
    open_pdf(&f, objs, 1);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    shown r = show(font, "AB", 2);
    const uint32_t want[] = {'A', 0x2022};
    expect_cps(&r, want, 2);
    cr_expect(near(r.w, 0.5 + 0.75), "width %f", r.w);
    double m[6];
    pdf_font_matrix(font, m);
    cr_expect(near(m[0], 0.01) && near(m[3], 0.01));
    double a, d;
    pdf_font_extent(font, &a, &d);
    cr_expect(near(a, 0.8) && near(d, -0.2), "%f %f", a, d);
    close_pdf(&f);
}

Test(pdf_font, type3_unknown_glyph_names_give_the_code)
{
    /* pdfjs__french_diacritics.pdf names its glyphs a192, a224... and pdftotext shows the
     * codes as Latin-1: "à" for 0xE0 */
    const char *objs[] = {
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1 1] /FontMatrix [0.001 0 0 0.001 0 0] "
        "/FirstChar 97 /LastChar 98 /Widths [1000 1000] /Encoding << /Differences [97 /square "
        "/triangle 224 /a224] >> /CharProcs << >> >>"};
    pdf_file f;
    open_pdf(&f, objs, 1);
    shown r = show(font_num(&f, 4), "ab\xe0", 3);
    const uint32_t want[] = {'a', 'b', 0xE0};
    expect_cps(&r, want, 3);
    close_pdf(&f);
}

/* Issue 7: a Type3 font's codes that its /Differences leave out have their Standard
 * encoding name's text, poppler's base encoding for Type3 (poppler__type3.pdf draws "faipdb"
 * in a font whose /Differences name a, i, b, p but not f and d: pdftotext keeps all six). */
Test(pdf_font, type3_codes_outside_differences_read_as_standard)
{
    const char *objs[] = {
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1 1] /FontMatrix [0.001 0 0 0.001 0 0] "
        "/FirstChar 65 /LastChar 65 /Widths [1000] /Encoding << /Differences [65 /a65] >> "
        "/CharProcs << >> >>"};
    pdf_file f;
    open_pdf(&f, objs, 1);
    shown r = show(font_num(&f, 4), "Afd\x27", 4);
    const uint32_t want[] = {'A', 'f', 'd', 0x2019};  /* 0x27 is quoteright in Standard */
    expect_cps(&r, want, 4);
    close_pdf(&f);
}

Test(pdf_font, ucs2_cmap_without_its_pack_reads_the_codes)
{
    const char *objs[] = {
        "<< /Type /Font /Subtype /Type0 /BaseFont /Arial-UniJIS-UTF16-H /Encoding "
        "/UniJIS-UTF16-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont "
        "/Arial /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 5 >> "
        "/DW 1000 >>] >>"};
    pdf_file f;
    open_pdf(&f, objs, 1);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font, "no pack needed: the codes are the text");
    shown r = show(font, "\x30\x42\xd8\x3d\xde\x00\x00\x41", 8);
    const uint32_t want[] = {0x3042, 0x1F600, 'A'};
    expect_cps(&r, want, 3);
    cr_expect_eq(r.codes, 3);
    cr_expect_eq(pith_doc_status(f.doc), PITH_OK);
    close_pdf(&f);
}

Test(pdf_font, symbol_font_builtin_encoding)
{
    const char *objs[] = {"<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>",
                          "<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>"};
    pdf_file f;
    open_pdf(&f, objs, 2);
    shown r = show(font_num(&f, 4), "ab", 2);
    const uint32_t want[] = {0x03B1, 0x03B2};
    expect_cps(&r, want, 2);
    cr_expect(near(r.w, 0.631 + 0.549), "width %f", r.w);
    r = show(font_num(&f, 5), "!", 1);
    const uint32_t want2[] = {0x2701};
    expect_cps(&r, want2, 1);
    cr_expect(near(r.w, 0.974), "width %f", r.w);
    close_pdf(&f);
}

Test(pdf_font, identity_h_with_tounicode_and_w)
{
    const char cm[] = "1 begincodespacerange <0000> <FFFF> endcodespacerange "
                      "3 beginbfchar <0003> <0020> <0044> <FB01> <0045> <00660069> endbfchar";
    char *tu = stream_obj("", cm, sizeof cm - 1);
    const char *objs[] = {
        "<< /Type /Font /Subtype /Type0 /BaseFont /XYZABC+NotoSans /Encoding /Identity-H "
        "/DescendantFonts [6 0 R] /ToUnicode 5 0 R >>",
        tu,
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /XYZABC+NotoSans "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        "/DW 1000 /W [3 [260] 68 69 550] >>"};
    pdf_file f;
    open_pdf(&f, objs, 3);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    cr_expect(!pdf_font_vertical(font));
    shown r = show(font, "\x00\x03\x00\x44\x00\x45\x00\x07", 8);
    const uint32_t want[] = {' ', 0xFB01, 'f', 'i'};
    expect_cps(&r, want, 4);
    cr_expect_eq(r.codes, 4);
    cr_expect_eq(r.spaces, 0, "a two-byte code is never a word space (§9.3.3)");
    cr_expect(near(r.w, 0.26 + 0.55 + 0.55 + 1.0), "width %f", r.w);
    close_pdf(&f);
    free(tu);
}

Test(pdf_font, embedded_cmap_with_one_byte_space_and_vertical_metrics)
{
    const char cm[] = "/CMapName /Test-V def /WMode 1 def\n"
                      "2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange\n"
                      "2 begincidrange <20> <7E> 1 <8000> <80FF> 200 endcidrange";
    const char tcm[] = "1 begincodespacerange <00> <FF> endcodespacerange "
                       "1 beginbfrange <20> <7E> <0020> endbfrange";
    char *enc = stream_obj("/Type /CMap /CMapName /Test-V", cm, sizeof cm - 1);
    char *tu = stream_obj("", tcm, sizeof tcm - 1);
    const char *objs[] = {
        "<< /Type /Font /Subtype /Type0 /BaseFont /Mincho /Encoding 5 0 R "
        "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /Mincho "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        "/DW 500 /W2 [1 [-500 250 880]] >>] /ToUnicode 6 0 R >>",
        enc, tu};
    pdf_file f;
    open_pdf(&f, objs, 3);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    cr_expect(pdf_font_vertical(font));
    pdf_glyph g;
    const uint8_t s[] = {0x20, 0x80, 0x01, 0x41};
    size_t k = pdf_font_next(font, s, 4, &g);
    cr_expect(k == 1 && g.code == 0x20 && g.space && g.nuni == 1 && g.uni[0] == ' ');
    cr_expect(near(g.w1, -0.5), "w1 %f", g.w1);   /* CID 1 from /W2 */
    k = pdf_font_next(font, s + 1, 3, &g);
    cr_expect(k == 2 && g.code == 0x8001 && !g.space);
    cr_expect(near(g.w0, 0.5) && near(g.w1, -1.0), "default /DW2 [880 -1000]");
    k = pdf_font_next(font, s + 3, 1, &g);
    cr_expect(k == 1 && g.uni[0] == 'A');
    close_pdf(&f);
    free(enc);
    free(tu);
}

Test(pdf_font, broken_font_gives_the_fallback)
{
    const char *objs[] = {"42", "<< /Type /Font /Subtype /Type0 /BaseFont /Broken >>"};
    pdf_file f;
    open_pdf(&f, objs, 2);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    shown r = show(font, "A\x80", 2);
    const uint32_t want[] = {'A', 0x20AC};
    expect_cps(&r, want, 2);
    cr_expect(near(r.w, 0.667 + 0.556), "Helvetica widths, got %f", r.w);
    font = font_num(&f, 5);  /* Type0 without descendants */
    cr_assert(font);
    r = show(font, "A", 1);
    cr_expect_eq(r.ncp, 1);
    cr_expect_eq(r.cp[0], 'A');
    cr_expect(pdf_font_name(font).n == 6);
    cr_expect_geq(pith_doc_warning_count(f.doc), 2);
    close_pdf(&f);
}

/* A Type1 font without /Encoding whose ToUnicode maps A to "X" and whose program's builtin
 * encoding (Adobe Type 1 Font Format §10.3, cleartext "dup 66 /Eacute put") names B. */
#define LAZY_TU "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n" \
                "1 begincodespacerange <00> <FF> endcodespacerange\n"            \
                "1 beginbfchar <41> <0058> endbfchar\nendcmap end end\n"
#define LAZY_T1 "%!PS-AdobeFont-1.0: Foo 001\n/Encoding 256 array\n"              \
                "0 1 255 {1 index exch /.notdef put} for\ndup 65 /Aring put\n"      \
                "dup 66 /Eacute put\nreadonly def\ncurrentfile eexec\n"

static void lazy_font_pdf(pdf_file *f, const char *program)
{
    char *tu = stream_obj("", LAZY_TU, strlen(LAZY_TU));
    char *prog = stream_obj("/Length1 0", program, strlen(program));
    const char *objs[] = {
        "<< /Type /Font /Subtype /Type1 /BaseFont /Foo /FirstChar 65 /LastChar 66 "
        "/Widths [600 700] /ToUnicode 5 0 R /FontDescriptor 6 0 R >>",
        tu, "<< /Type /FontDescriptor /FontName /Foo /Flags 32 /FontFile 7 0 R >>", prog};
    open_pdf(f, objs, 4);
    free(tu);
    free(prog);
}

/* Issue 7: the program is read when a code the ToUnicode leaves out is shown, and then
 * gives that code the text an eager load gave it (B: Eacute, U+00C9 in the glyph list). */
Test(pdf_font, embedded_program_read_when_a_code_needs_it)
{
    pdf_file f;
    lazy_font_pdf(&f, LAZY_T1);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    cr_assert_eq(pdf_font_prepare(f.ctx, font, (const uint8_t *)"AA", 2), PITH_OK);
    cr_expect(font->has_pending, "a ToUnicode code alone does not read the program");
    cr_assert_eq(pdf_font_prepare(f.ctx, font, (const uint8_t *)"AB", 2), PITH_OK);
    cr_expect(!font->has_pending);
    shown r = show(font, "AB", 2);
    const uint32_t want[] = {'X', 0x00C9};
    expect_cps(&r, want, 2);
    cr_expect(near(r.w, 0.6 + 0.7), "the /Widths, got %f", r.w);
    close_pdf(&f);
}

/* MARK: - Hostile */

/* A broken program is warned about only when it is needed, and then the code reads as if
 * there were none (StandardEncoding: B). */
Test(pdf_font_hostile, broken_program_warns_only_when_needed)
{
    pdf_file f;
    lazy_font_pdf(&f, "%!PS-AdobeFont-1.0: Foo\n/Encoding junk\n");
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    cr_assert_eq(pdf_font_prepare(f.ctx, font, (const uint8_t *)"A", 1), PITH_OK);
    cr_expect(!pdf_test_has_warning(f.doc, "embedded"));
    cr_assert_eq(pdf_font_prepare(f.ctx, font, (const uint8_t *)"B", 1), PITH_OK);
    cr_expect(pdf_test_has_warning(f.doc, "embedded"));
    shown r = show(font, "AB", 2);
    const uint32_t want[] = {'X', 'B'};
    expect_cps(&r, want, 2);
    close_pdf(&f);
}

Test(pdf_font_hostile, million_entry_tounicode_is_capped, .init = arena_setup,
     .fini = arena_teardown)
{
    buf b = {0};
    buf_str(&b, "1 begincodespacerange <000000> <FFFFFF> endcodespacerange\n");
    char line[64];
    for (uint32_t i = 0; i < 1000000; i++) {
        if (i % 100 == 0) buf_str(&b, i ? "endbfchar\n100 beginbfchar\n" : "100 beginbfchar\n");
        snprintf(line, sizeof line, "<%06X> <%04X>\n", i, 0x4E00 + (i & 0xFFF));
        buf_str(&b, line);
    }
    buf_str(&b, "endbfchar\n");
    size_t before = pith_arena_bytes(&g_arena);
    pdf_cmap *c = NULL;
    cr_assert_eq(pdf_cmap_parse(NULL, &g_arena, (const uint8_t *)b.p, b.n, &c), PITH_OK);
    cr_expect_leq(c->nseg, PDF_CMAP_MAX_MAPS);
    cr_expect_eq(cm_uni1(c, 5), 0x4E05);
    cr_expect_eq(cm_uni1(c, 999999), 0, "past the cap: not kept");
    cr_expect_lt(pith_arena_bytes(&g_arena) - before, (size_t)32 << 20);
    free(b.p);
}

Test(pdf_font_hostile, overlapping_ranges_resolve_in_n_log_n, .init = arena_setup,
     .fini = arena_teardown)
{
    /* 50,000 ranges all covering code 0 with different starts: the sweep must not go
     * quadratic, and the last definition wins everywhere it covers */
    buf b = {0};
    buf_str(&b, "50000 begincidrange\n");
    char line[64];
    for (uint32_t i = 0; i < 50000; i++) {
        snprintf(line, sizeof line, "<0000> <%04X> %u\n", 50000 - i, i);
        buf_str(&b, line);
    }
    buf_str(&b, "endcidrange\n");
    pdf_cmap *c = cmap_of(&g_arena, b.p);
    uint32_t cid;
    cr_expect(pdf_cmap_cid(c, 0, &cid) && cid == 49999);
    cr_expect(pdf_cmap_cid(c, 3, &cid) && cid == 49997 + 3);  /* the last reaching 3 */
    cr_expect(pdf_cmap_cid(c, 50000, &cid) && cid == 50000);  /* only the first reaches it */
    free(b.p);
}

Test(pdf_font_hostile, truncated_cmap_keeps_what_parsed, .init = arena_setup,
     .fini = arena_teardown)
{
    pdf_cmap *c = cmap_of(&g_arena, "2 beginbfchar <01> <0041> <02> <00");
    cr_expect_eq(cm_uni1(c, 1), 'A');
    c = cmap_of(&g_arena, "1 beginbfrange <01> <05> [<0041> (lit");
    cr_expect_eq(cm_uni1(c, 1), 'A');
    c = cmap_of(&g_arena, "begincodespacerange <00> endcodespacerange beginbfchar <0102030405> "
                          "<0041> <> <0042> endbfchar ] ) >> << { beginbfrange <05> <01> <41> "
                          "endbfrange");
    cr_expect_eq(c->nseg, 0);
    /* every prefix of a valid program parses */
    size_t n = strlen(tounicode_src);
    for (size_t i = 0; i <= n; i++) {
        pdf_cmap *p = NULL;
        cr_assert_eq(pdf_cmap_parse(NULL, &g_arena, (const uint8_t *)tounicode_src, i, &p),
                     PITH_OK);
    }
}

Test(pdf_font_hostile, broken_cmap_warns_once_in_a_document)
{
    const char cm[] = "1 beginbfchar <41> <0042> <42> /nosuchglyph endbfchar 1 beginbfrange <43>";
    char *tu = stream_obj("", cm, sizeof cm - 1);
    const char *objs[] = {"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >>",
                          tu};
    pdf_file f;
    open_pdf(&f, objs, 2);
    uint32_t w0 = pith_doc_warning_count(f.doc);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    shown r = show(font, "AC", 2);
    const uint32_t want[] = {'B', 'C'};
    expect_cps(&r, want, 2);
    cr_expect_eq(pith_doc_warning_count(f.doc), w0 + 1);
    close_pdf(&f);
    free(tu);
}

Test(pdf_font_hostile, absurd_widths_and_differences)
{
    const char *objs[] = {
        "<< /Type /Font /Subtype /Type1 /BaseFont /Foo /FirstChar -5 /Widths [1 2 3] "
        "/Encoding << /Differences [-3 /A 300 /B 1e30 /C 9223372036854775807 /G /H "
        "65 /D /E (x) /F] >> >>",
        "<< /Type /Font /Subtype /Type0 /Encoding /Identity-H /DescendantFonts [<< /Subtype "
        "/CIDFontType2 /W [70000 [5] 1 [2 3] -1 10 100 7 (x) 200 [9] 300] /DW (x) >>] >>"};
    pdf_file f;
    open_pdf(&f, objs, 2);
    pdf_font *font = font_num(&f, 4);
    cr_assert(font);
    shown r = show(font, "ABC", 3);
    /* names after a start past 255 name nothing (and the count from INT64_MAX does not
     * overflow: fuzz_pdf finding 7, UBSan); a string in /Differences is skipped: /F still
     * goes to 67 */
    const uint32_t want[] = {'D', 'E', 'F'};
    expect_cps(&r, want, 3);
    cr_expect(near(r.w, 1.5), "default widths, got %f", r.w);
    font = font_num(&f, 5);
    cr_assert(font);
    /* the well-formed runs are kept around the junk; /DW (x) is the default 1000 */
    r = show(font, "\x00\x01\x00\x02\x00\x05\x00\x32\x00\xc8", 10);
    cr_expect(near(r.w, (2.0 + 3.0 + 1000 + 7 + 9) / 1000), "width %f", r.w);
    cr_expect_geq(pith_doc_warning_count(f.doc), 1);
    close_pdf(&f);
}
