/* test_xlsx.c: the XLSX handler (handlers/office/xlsx.c) and its number formats
 * (xlsx_numfmt.c).
 *
 * Workbooks are built in code as ZIP archives (a writer written here from APPNOTE 4.3.7 and
 * 4.3.12; parts stored, or deflated by tests/c/decoders_util.h's fixed-code encoder). Expected texts are written by hand from ECMA-376 Part 1
 * §18.3 (cells, t="s|str|inlineStr|b|e|d"), §18.8.30 (built-in formats) and the output rules
 * of src/ser_text.c and src/ser_md.c; displayed numbers and dates come from the corpus's
 * LibreOffice CSVs (reference/libreoffice/xlsx/, quoted where used), never from pith's output.
 * Suite xlsx_hostile: the corpus's hostile workbooks (shared-string amplification, XML bomb,
 * XXE, a broken package) and generated ones (10^6 empty cells, huge string indices, a cell at
 * XFD1048576, missing or cyclic parts, truncation); statuses and bounded memory, never time.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "decoders_util.h"
#include "doc_util.h"
#include "test_util.h"
#include "../../handlers/office/xlsx_numfmt.h"

extern const pith_handler pith_handler_xlsx;

/* MARK: - A stored ZIP writer */

static uint32_t crc32_bits(const void *data, size_t n)
{
    const uint8_t *p = data;
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void put16(buf *b, uint32_t v)
{
    uint8_t t[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    buf_put(b, t, 2);
}
static void put32(buf *b, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    buf_put(b, t, 4);
}

typedef struct part {
    const char *name;
    const char *data;
    size_t len;  /* 0: strlen(data) */
    int deflate; /* stored (0) or deflated with a fixed Huffman code (1) */
} part;

static buf zip_build(const part *ps, size_t n)
{
    buf z = {0}, cd = {0};
    buf_put(&z, "", 0);
    buf_put(&cd, "", 0);
    for (size_t i = 0; i < n; i++) {
        size_t len = ps[i].len ? ps[i].len : strlen(ps[i].data);
        size_t nl = strlen(ps[i].name);
        uint32_t crc = crc32_bits(ps[i].data, len), off = (uint32_t)z.n;
        const uint8_t *body = (const uint8_t *)ps[i].data;
        size_t clen = len;
        uint8_t *packed = NULL;
        if (ps[i].deflate) {
            packed = malloc(len * 2 + 64);
            cr_assert(packed != NULL);
            clen = du_deflate_fixed(body, len, packed, len * 2 + 64, 32);
            body = packed;
        }
        uint32_t method = ps[i].deflate ? 8 : 0;
        put32(&z, 0x04034b50);
        put16(&z, 20);
        put16(&z, 0);
        put16(&z, method);
        put16(&z, 0);
        put16(&z, 0);
        put32(&z, crc);
        put32(&z, (uint32_t)clen);
        put32(&z, (uint32_t)len);
        put16(&z, (uint32_t)nl);
        put16(&z, 0);
        buf_put(&z, ps[i].name, nl);
        buf_put(&z, body, clen);
        free(packed);
        put32(&cd, 0x02014b50);
        put16(&cd, 20);
        put16(&cd, 20);
        put16(&cd, 0);
        put16(&cd, method);
        put16(&cd, 0);
        put16(&cd, 0);
        put32(&cd, crc);
        put32(&cd, (uint32_t)clen);
        put32(&cd, (uint32_t)len);
        put16(&cd, (uint32_t)nl);
        put16(&cd, 0);
        put16(&cd, 0);
        put16(&cd, 0);
        put16(&cd, 0);
        put32(&cd, 0);
        put32(&cd, off);
        buf_put(&cd, ps[i].name, nl);
    }
    uint32_t cd_off = (uint32_t)z.n;
    buf_put(&z, cd.p, cd.n);
    put32(&z, 0x06054b50);
    put16(&z, 0);
    put16(&z, 0);
    put16(&z, (uint32_t)n);
    put16(&z, (uint32_t)n);
    put32(&z, (uint32_t)cd.n);
    put32(&z, cd_off);
    put16(&z, 0);
    free(cd.p);
    return z;
}

/* MARK: - Workbooks */

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL_T "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define CT_SML "application/vnd.openxmlformats-officedocument.spreadsheetml."

static const char CT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"" CT_SML "sheet.main+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"" CT_SML "worksheet+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet2.xml\" ContentType=\"" CT_SML "worksheet+xml\"/>"
    "</Types>";

static const char RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL_T "officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";

static const char WB1[] =
    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
    "<sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

static const char WB_RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL_T "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" REL_T "worksheet\" Target=\"worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" REL_T "sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" REL_T "styles\" Target=\"styles.xml\"/>"
    "</Relationships>";

/* cellXfs: 0 General, 1 built-in 14 (date), 2 custom 164 yyyy-mm-dd hh:mm, 3 built-in 10
 * (0.00%), 4 built-in 46 ([h]:mm:ss), 5 built-in 4 (#,##0.00) */
static const char STYLES[] =
    "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"1\">"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\\ hh:mm\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
    "<xf numFmtId=\"10\"/><xf numFmtId=\"46\"/><xf numFmtId=\"4\"/></cellXfs></styleSheet>";

static char *sheet_xml(const char *rows)
{
    const char *a = "<worksheet xmlns=\"" NS_MAIN "\"><dimension ref=\"A1\"/><sheetData>";
    const char *b = "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells>"
                    "</worksheet>";
    size_t n = strlen(a) + strlen(rows) + strlen(b) + 1;
    char *s = malloc(n);
    cr_assert(s != NULL);
    snprintf(s, n, "%s%s%s", a, rows, b);
    return s;
}

/* A one-sheet workbook; sst or styles NULL leave the part out. */
static buf book1(const char *rows, const char *sst, const char *styles)
{
    char *sh = sheet_xml(rows);
    part ps[7] = {{"[Content_Types].xml", CT, 0, 0}, {"_rels/.rels", RELS, 0, 0},
                  {"xl/workbook.xml", WB1, 0, 0},    {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0},
                  {"xl/worksheets/sheet1.xml", sh, 0, 0}};
    size_t n = 5;
    if (sst) ps[n++] = (part){"xl/sharedStrings.xml", sst, 0, 0};
    if (styles) ps[n++] = (part){"xl/styles.xml", styles, 0, 0};
    buf z = zip_build(ps, n);
    free(sh);
    return z;
}

static doc_result run_buf(const buf *z, pith_output out)
{
    pith_options o = pith_options_default();
    o.output = out;
    return doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, z->p, z->n, o);
}

static void expect_text(const doc_result *r, const char *want)
{
    cr_assert_eq(r->open_st, PITH_OK, "open: %s (%s)", pith_status_name(r->open_st), r->err);
    cr_assert_eq(r->next_st, PITH_OK, "next: %s (%s)", pith_status_name(r->next_st), r->err);
    cr_assert_str_eq(r->text.p, want);
}

/* MARK: - Number formats */

static void expect_num(const char *v, xlsx_kind k, bool d1904, const char *want)
{
    char out[XLSX_NUM_CAP + 1];
    size_t n = xlsx_numfmt_value(out, v, strlen(v), k, d1904);
    out[n] = '\0';
    cr_expect_str_eq(out, want, "%s (kind %d): got %s, want %s", v, (int)k, out, want);
}

Test(xlsx, general_numbers_as_libreoffice_shows_them)
{
    /* reference/libreoffice/xlsx: tika__testEXCEL_big_numbers (16-digit integers kept),
     * sheetjs__formula_stress_test (SIN: -0.958924274663139; NORMINV 8.88178419700125E-016;
     * SERIESSUM 2.92842138745913E+023), sheetjs__number_format (12345.6789),
     * sheetjs__xlsx-stream-d-date-cell (1.23456789E+022, 0.3) */
    expect_num("1234567890123451", XLSX_KIND_GENERAL, false, "1234567890123451");
    expect_num("123456789012345", XLSX_KIND_GENERAL, false, "123456789012345");
    expect_num("-0.95892427466313845", XLSX_KIND_GENERAL, false, "-0.958924274663139");
    expect_num("8.8817841970012523E-16", XLSX_KIND_GENERAL, false, "8.88178419700125E-016");
    expect_num("2.9284213874591302E+23", XLSX_KIND_GENERAL, false, "2.92842138745913E+023");
    expect_num("12345.678900000001", XLSX_KIND_GENERAL, false, "12345.6789");
    expect_num("1.23456789E+22", XLSX_KIND_GENERAL, false, "1.23456789E+022");
    expect_num("0.3", XLSX_KIND_GENERAL, false, "0.3");
    /* no float noise: the shortest digits of the double, then 15 significant */
    expect_num("0.1", XLSX_KIND_GENERAL, false, "0.1");
    expect_num("0.30000000000000004", XLSX_KIND_GENERAL, false, "0.3");
    expect_num("0.97142857142857142", XLSX_KIND_GENERAL, false, "0.971428571428571");
    expect_num("-0", XLSX_KIND_GENERAL, false, "0");
    expect_num("0.0001", XLSX_KIND_GENERAL, false, "0.0001");
    expect_num(" 42 ", XLSX_KIND_GENERAL, false, "42");
    /* not numbers: the caller shows them as written */
    expect_num("abc", XLSX_KIND_GENERAL, false, "");
    expect_num("1e999", XLSX_KIND_GENERAL, false, "");
    expect_num("", XLSX_KIND_GENERAL, false, "");
}

Test(xlsx, percentages_dates_and_times)
{
    /* sheetjs__DataTypesFormats: 98.76%; sheetjs__number_format: 1234567.89% for 12345.6789
     * under 0%, 10/18/1933 16:17:36 and 03/12/1866 07:42:23 under m/d/yy;
     * sheetjs__xlsx-stream-d-date-cell: 36:00:00 (1.5 under #18 and #46), 50%;
     * sheetjs__date1904: serial 1 is 1904-01-02; poi__DateFormatTests: 14:35:27 */
    expect_num("0.9876", XLSX_KIND_PERCENT, false, "98.76%");
    expect_num("12345.6789", XLSX_KIND_PERCENT, false, "1234567.89%");
    expect_num("0.5", XLSX_KIND_PERCENT, false, "50%");
    expect_num("12345.6789", XLSX_KIND_DATE, false, "1933-10-18 16:17:36");
    expect_num("-12345.6789", XLSX_KIND_DATE, false, "1866-03-12 07:42:23");
    expect_num("1.5", XLSX_KIND_TIME, false, "36:00:00");
    expect_num("12345.6789", XLSX_KIND_TIME, false, "1933-10-18 16:17:36");
    expect_num("1", XLSX_KIND_DATE, true, "1904-01-02");
    expect_num("11111", XLSX_KIND_DATE, true, "1934-06-03");
    expect_num("44035", XLSX_KIND_DATE, false, "2020-07-23");
    expect_num("44035.375", XLSX_KIND_DATETIME, false, "2020-07-23 09:00:00");
    expect_num("0.375", XLSX_KIND_TIME, false, "09:00:00");
    /* Excel's 1900 system: serial 1 is 1900-01-01, 60 the Lotus leap day, 61 March 1st */
    expect_num("1", XLSX_KIND_DATE, false, "1900-01-01");
    expect_num("59", XLSX_KIND_DATE, false, "1900-02-28");
    expect_num("60", XLSX_KIND_DATE, false, "1900-02-29");
    expect_num("61", XLSX_KIND_DATE, false, "1900-03-01");
    /* past year 9999 a date is shown as a number */
    expect_num("3000000", XLSX_KIND_DATE, false, "3000000");

    char out[XLSX_NUM_CAP + 1];
    size_t n = xlsx_numfmt_iso(out, "2014-02-14T08:27:48.765Z", 24);
    out[n] = 0;
    cr_expect_str_eq(out, "2014-02-14 08:27:48");
    n = xlsx_numfmt_iso(out, "2014-02-14", 10);
    out[n] = 0;
    cr_expect_str_eq(out, "2014-02-14");
    cr_expect_eq(xlsx_numfmt_iso(out, "soon", 4), 0);
}

Test(xlsx, format_codes_are_classified)
{
    static const struct {
        const char *code;
        xlsx_kind kind;
    } cases[] = {
        {"General", XLSX_KIND_GENERAL},        {"0.00", XLSX_KIND_GENERAL},
        {"#,##0", XLSX_KIND_GENERAL},          {"0.00E+00", XLSX_KIND_GENERAL},
        {"0%", XLSX_KIND_PERCENT},             {"0.00\"%\"", XLSX_KIND_GENERAL},
        {"m/d/yy", XLSX_KIND_DATE},            {"mmm-yy", XLSX_KIND_DATE},
        {"yyyy\\-mm\\-dd", XLSX_KIND_DATE},    {"h:mm AM/PM", XLSX_KIND_TIME},
        {"[h]:mm:ss", XLSX_KIND_TIME},         {"mm:ss", XLSX_KIND_TIME},
        {"m/d/yy h:mm", XLSX_KIND_DATETIME},   {"[Red]0.00;[Blue]-0.00", XLSX_KIND_GENERAL},
        {"\"day\" 0", XLSX_KIND_GENERAL},      {"[$-409]d-mmm-yy;@", XLSX_KIND_DATE},
        {"_(* #,##0_);_(* (#,##0)", XLSX_KIND_GENERAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(xlsx_numfmt_classify(cases[i].code, strlen(cases[i].code)), cases[i].kind,
                     "%s", cases[i].code);
    cr_expect_eq(xlsx_numfmt_builtin(14), XLSX_KIND_DATE);
    cr_expect_eq(xlsx_numfmt_builtin(22), XLSX_KIND_DATETIME);
    cr_expect_eq(xlsx_numfmt_builtin(46), XLSX_KIND_TIME);
    cr_expect_eq(xlsx_numfmt_builtin(9), XLSX_KIND_PERCENT);
    cr_expect_eq(xlsx_numfmt_builtin(57), XLSX_KIND_DATE);
    cr_expect_eq(xlsx_numfmt_builtin(2), XLSX_KIND_GENERAL);
}

/* MARK: - Cells */

static const char SST[] =
    "<sst xmlns=\"" NS_MAIN "\" count=\"3\" uniqueCount=\"3\">"
    "<si><t>Name</t></si>"
    "<si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space=\"preserve\"> run</t></r></si>"
    "<si><t>\xE6\xBC\xA2\xE5\xAD\x97</t><rPh sb=\"0\" eb=\"2\"><t>\xE3\x82\xAB\xE3\x83\xB3"
    "</t></rPh><phoneticPr fontId=\"1\"/></si>"
    "</sst>";

Test(xlsx, cells_of_every_type)
{
    buf z = book1("<row r=\"1\">"
                  "<c r=\"A1\" t=\"s\"><v>0</v></c>"
                  "<c r=\"B1\" t=\"s\"><v>1</v></c>"
                  "<c r=\"C1\" t=\"s\"><v>2</v></c></row>"
                  "<row r=\"2\">"
                  "<c r=\"A2\" t=\"inlineStr\"><is><t>inline &amp; more</t></is></c>"
                  "<c r=\"B2\" t=\"str\"><f>A1&amp;\"x\"</f><v>Namex</v></c>"
                  "<c r=\"C2\" t=\"b\"><v>1</v></c>"
                  "<c r=\"D2\" t=\"b\"><v>0</v></c>"
                  "<c r=\"E2\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
                  "<c r=\"F2\"><f>0.1+0.2</f><v>0.30000000000000004</v></c>"
                  "<c r=\"G2\" t=\"d\"><v>2014-02-14T08:27:48Z</v></c></row>"
                  "<row r=\"3\"><c r=\"A3\" t=\"str\"><v>a_x000D_\nb_x005F_c</v></c>"
                  "<c r=\"B3\" t=\"inlineStr\"><is><r><rPr><b/></rPr><t>ru</t></r><r><t>ns</t>"
                  "</r><rPh><t>x</t></rPh></is></c></row>",
                  SST, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n"
                    "Name\tBold run\t\xE6\xBC\xA2\xE5\xAD\x97\n"
                    "inline & more\tNamex\tTRUE\tFALSE\t#DIV/0!\t0.3\t2014-02-14 08:27:48\n"
                    "a b_c\truns\n");
    cr_expect_eq(r.nwarnings, 0, "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx, numbers_follow_the_cell_style)
{
    buf z = book1("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>44035</v></c>"
                  "<c r=\"B1\" s=\"2\"><v>44035.375</v></c>"
                  "<c r=\"C1\" s=\"3\"><v>0.9876</v></c>"
                  "<c r=\"D1\" s=\"4\"><v>1.5</v></c>"
                  "<c r=\"E1\" s=\"5\"><v>7890.5</v></c>"
                  "<c r=\"F1\" s=\"99\"><v>3</v></c></row>",
                  NULL, STYLES);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n2020-07-23\t2020-07-23 09:00:00\t98.76%\t36:00:00\t7890.5\t3\n");
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx, markdown_has_a_heading_and_a_table_per_sheet)
{
    buf z = book1("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>k</t></is></c>"
                  "<c r=\"B1\" t=\"inlineStr\"><is><t>v</t></is></c></row>"
                  "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"C2\"><v>3</v></c></row>",
                  NULL, NULL);
    doc_result r = run_buf(&z, PITH_OUT_MARKDOWN);
    expect_text(&r, "## Data\n\n| k | v | |\n| --- | --- | --- |\n| 1 | | 3 |\n");
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx, rows_and_columns_without_values_cost_nothing)
{
    /* rows 2..999999 are absent; empty and styled-only cells show nothing */
    buf z = book1("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"C1\" s=\"0\"/></row>"
                  "<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"B5\"><v></v></c></row>"
                  "<row r=\"1000000\"><c r=\"D1000000\"><v>4</v></c></row>",
                  NULL, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n\t1\n\t\t\t4\n");
    doc_result_free(&r);
    free(z.p);
}

/* MARK: - Workbook */

Test(xlsx, sheets_in_workbook_order_with_names_in_metadata)
{
    static const char wb[] =
        "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><workbookPr date1904=\"1\"/>"
        "<sheets><sheet name=\"Zeta\" sheetId=\"7\" r:id=\"rId2\"/>"
        "<sheet name=\"Alpha &amp; Co\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/>"
        "</sheets><extLst><ext><x15:workbookPr xmlns:x15=\"urn:x15\" chartTrackingRefBase=\"1\"/>"
        "</ext></extLst></workbook>";
    char *s1 = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    char *s2 = sheet_xml("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>1</v></c></row>");
    part ps[] = {{"[Content_Types].xml", CT, 0, 0}, {"_rels/.rels", RELS, 0, 0},
                 {"xl/workbook.xml", wb, 0, 0},     {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0},
                 {"xl/worksheets/sheet1.xml", s1, 0, 0}, {"xl/worksheets/sheet2.xml", s2, 0, 0},
                 {"xl/styles.xml", STYLES, 0, 0}};
    buf z = zip_build(ps, sizeof ps / sizeof ps[0]);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    /* date1904 (an extension's workbookPr of the same name does not undo it) */
    expect_text(&r, "Zeta\n\n1904-01-02\n\nAlpha & Co\n\n1\n");
    cr_expect_eq(r.units, 2);
    char v[128];
    cr_expect_str_eq(doc_meta(&r, "sheet_names", v, sizeof v), "Zeta");  /* first line */
    cr_expect(strstr(r.meta.p, "sheet_names=Zeta\nAlpha & Co\n") != NULL, "%s", r.meta.p);
    cr_expect_str_eq(doc_meta(&r, "hidden_sheets", v, sizeof v), "Alpha & Co");
    doc_result_free(&r);
    /* each sheet's unit carries its name */
    r = run_buf(&z, PITH_OUT_JSONL);
    cr_expect(strstr(r.text.p, "\"index\":0,\"kind\":\"sheet\",\"name\":\"Zeta\"") != NULL, "%s",
              r.text.p);
    cr_expect(strstr(r.text.p, "\"kind\":\"sheet\",\"name\":\"Alpha & Co\"") != NULL, "%s", r.text.p);
    doc_result_free(&r);
    free(z.p);
    free(s1);
    free(s2);
}

Test(xlsx, main_part_comes_from_the_package_relationships)
{
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"a\" Type=\"" REL_T "officeDocument\" Target=\"/book/main.xml\"/>"
        "</Relationships>";
    static const char wbrels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"s\" Type=\"" REL_T "worksheet\" Target=\"../tabs/one.xml\"/>"
        "<Relationship Id=\"t\" Type=\"" REL_T "sharedStrings\" Target=\"strings.xml\"/>"
        "</Relationships>";
    static const char wb[] = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
                             "<sheet name=\"One\" sheetId=\"1\" r:id=\"s\"/></sheets></workbook>";
    /* a decoy at the usual place must not be read */
    static const char decoy[] = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
                                "<sheet name=\"Decoy\" sheetId=\"1\" r:id=\"s\"/></sheets></workbook>";
    char *sh = sheet_xml("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>");
    part ps[] = {{"[Content_Types].xml", CT, 0, 0},   {"_rels/.rels", rels, 0, 0},
                 {"book/main.xml", wb, 0, 0},         {"book/_rels/main.xml.rels", wbrels, 0, 0},
                 {"tabs/one.xml", sh, 0, 0},          {"book/strings.xml", SST, 0, 0},
                 {"xl/workbook.xml", decoy, 0, 0}};
    buf z = zip_build(ps, sizeof ps / sizeof ps[0]);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "One\n\nBold run\n");
    doc_result_free(&r);
    free(z.p);
    free(sh);
}

Test(xlsx, strict_namespace_is_read)
{
    static const char wb[] =
        "<workbook xmlns=\"http://purl.oclc.org/ooxml/spreadsheetml/main\" "
        "xmlns:r=\"http://purl.oclc.org/ooxml/officeDocument/relationships\"><sheets>"
        "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    static const char sh[] =
        "<worksheet xmlns=\"http://purl.oclc.org/ooxml/spreadsheetml/main\"><sheetData>"
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>strict</t></is></c></row>"
        "</sheetData></worksheet>";
    part ps[] = {{"[Content_Types].xml", CT, 0, 0}, {"_rels/.rels", RELS, 0, 0},
                 {"xl/workbook.xml", wb, 0, 0},     {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0},
                 {"xl/worksheets/sheet1.xml", sh, 0, 0}};
    buf z = zip_build(ps, 5);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "S\n\nstrict\n");
    doc_result_free(&r);
    free(z.p);
}

/* MARK: - Big sheets */

/* A sheet of `rows` rows of three cells: A = row number, B = "x", C = row / 4. */
static char *big_rows(uint32_t rows)
{
    buf b = {0};
    char line[160];
    for (uint32_t i = 1; i <= rows; i++) {
        snprintf(line, sizeof line,
                 "<row r=\"%u\"><c r=\"A%u\"><v>%u</v></c><c r=\"B%u\" t=\"inlineStr\"><is><t>x"
                 "</t></is></c><c r=\"C%u\"><v>%u.25</v></c></row>",
                 i, i, i, i, i, i / 4);
        buf_str(&b, line);
    }
    return b.p;
}

Test(xlsx, a_big_sheet_comes_out_whole_in_steps)
{
    char *rows = big_rows(40000);  /* ~5 MiB of XML: several unit steps */
    buf z = book1(rows, NULL, NULL);
    pith_options o = pith_options_default();
    o.chunk_size = 4096;
    doc_result r = doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, z.p, z.n, o);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    /* count rows and check a few by hand */
    size_t lines = 0;
    for (size_t i = 0; i < r.text.n; i++) lines += r.text.p[i] == '\n';
    cr_expect_eq(lines, 2 + 40000, "%zu lines", lines);
    cr_expect(strstr(r.text.p, "\n1\tx\t0.25\n") != NULL);
    cr_expect(strstr(r.text.p, "\n40000\tx\t10000.25\n") != NULL);
    doc_result_free(&r);
    /* Markdown: one GFM table per step (the serializer buffers a table whole), every row */
    o.output = PITH_OUT_MARKDOWN;
    r = doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, z.p, z.n, o);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    size_t xs = 0, tables = 0;
    for (const char *p = r.text.p; (p = strstr(p, " | x | ")) != NULL; p++) xs++;
    for (const char *p = r.text.p; (p = strstr(p, "| --- | --- | --- |")) != NULL; p++) tables++;
    cr_expect_eq(xs, 40000, "%zu rows", xs);
    cr_expect_gt(tables, 1);
    cr_expect(strstr(r.text.p, "| 40000 | x | 10000.25 |\n") != NULL);
    doc_result_free(&r);
    free(z.p);
    free(rows);
}

Test(xlsx, a_sheet_gives_its_memory_back)
{
    /* Two sheets of ~5 MiB of XML each: the first one's part is released before the second
     * is read, so the peak stays near one part, not two. */
    char *rows = big_rows(40000);
    char *sh = sheet_xml(rows);
    static const char wb[] = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
                             "<sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/>"
                             "<sheet name=\"B\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
    part ps[] = {{"[Content_Types].xml", CT, 0, 0}, {"_rels/.rels", RELS, 0, 0},
                 {"xl/workbook.xml", wb, 0, 0},     {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0},
                 {"xl/worksheets/sheet1.xml", sh, 0, 1}, {"xl/worksheets/sheet2.xml", sh, 0, 1}};
    buf z = zip_build(ps, 6);
    size_t part_len = strlen(sh);  /* deflated: each part is inflated into the arena */
    pith_options o = pith_options_default();
    doc_result r = doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, z.p, z.n, o);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "\n\nB\n\n1\tx\t0.25\n") != NULL);
    cr_expect_lt(r.stats.memory_high, (uint64_t)part_len * 3 / 2 + (1u << 20),
                 "memory high %llu for parts of %zu", (unsigned long long)r.stats.memory_high,
                 part_len);
    doc_result_free(&r);
    free(z.p);
    free(sh);
    free(rows);
}

/* MARK: - Corpus */

static void f1_against_libreoffice(const char *name, double *sum, int *count, double *min)
{
    char rel[512], refp[1024];
    size_t len = 0, rlen = 0;
    snprintf(rel, sizeof rel, "xlsx/%s", name);
    uint8_t *data = corpus_read(rel, &len);
    snprintf(refp, sizeof refp, "reference/libreoffice/xlsx/%s.txt", name);
    uint8_t *ref = corpus_read(refp, &rlen);
    if (!data || !ref) {
        free(data);
        free(ref);
        return;
    }
    /* the reference's "=== sheet: NAME ===" lines stand for our headings: keep the name */
    buf clean = {0};
    buf_put(&clean, "", 0);
    for (char *p = (char *)ref; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > 14 && memcmp(p, "=== sheet: ", 11) == 0 && memcmp(p + n - 4, " ===", 4) == 0)
            buf_put(&clean, p + 11, n - 15);
        else
            buf_put(&clean, p, n);
        buf_str(&clean, "\n");
        p += n + (nl ? 1 : 0);
    }
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_expect_eq(r.next_st, PITH_OK, "%s: %s", name, r.err);
    double f = word_f1(r.text.p, r.text.n, clean.p, clean.n);
    cr_expect_geq(f, 0.90, "%s: F1 %.3f against LibreOffice", name, f);
    *sum += f;
    (*count)++;
    if (f < *min) *min = f;
    doc_result_free(&r);
    free(clean.p);
    free(data);
    free(ref);
}

Test(xlsx, corpus_matches_libreoffice)
{
    static const char *files[] = {
        "kreuzberg__excel_multi_sheet.xlsx", "kreuzberg__test_01.xlsx",
        "poi__57893-many-merges.xlsx",       "poi__DateFormatTests.xlsx",
        "poi__InlineStrings.xlsx",           "poi__SampleSS.strict.xlsx",
        "poi__noSharedStringTable.xlsx",     "sheetjs__DataTypesFormats.xlsx",
        "sheetjs__ErrorTypes.xlsx",          "sheetjs__comments_stress_test.xlsx",
        "sheetjs__crlf.xlsx",                "sheetjs__date1904.xlsx",
        "sheetjs__formula_stress_test.xlsx", "sheetjs__merge_cells.xlsx",
        "sheetjs__number_format.xlsm",       "sheetjs__phonetic_text.xlsx",
        "sheetjs__rich_text_stress.xlsx",    "sheetjs__sheet_visibility_strict.xlsx",
        "sheetjs__wps_fn.xlsx",              "sheetjs__xlsx-stream-d-date-cell.xlsx",
        "tika__testEXCEL.xlsx",              "tika__testEXCEL_big_numbers.xlsx",
        "tika__testEXCEL_dateFormats.xlsx",
    };
    double sum = 0, min = 1;
    int count = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        f1_against_libreoffice(files[i], &sum, &count, &min);
    if (!count) cr_skip_test("no xlsx corpus files");
    cr_expect_geq(sum / count, 0.97, "mean F1 %.3f over %d files", sum / count, count);
}

Test(xlsx, password_protected_workbook_is_encrypted)
{
    size_t len = 0;
    uint8_t *data = corpus_read("xlsx/poi__protected_passtika.xlsx", &len);
    if (!data) cr_skip_test("corpus file missing");
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_expect_eq(r.open_st, PITH_E_ENCRYPTED, "%s", pith_status_name(r.open_st));
    doc_result_free(&r);
    free(data);
}

/* MARK: - Hostile */

static doc_result run_corpus(const char *rel, pith_options o, uint8_t **data)
{
    size_t len = 0;
    *data = corpus_read(rel, &len);
    if (!*data) cr_skip_test("corpus file %s missing", rel);
    return doc_run_with(NULL, PITH_FMT_UNKNOWN, *data, len, o);
}

Test(xlsx_hostile, shared_string_amplification_stops_at_the_output_limit)
{
    /* ~30,000 cells each naming one 1 MiB shared string: 30 GB of text from 110 KB */
    pith_options o = pith_options_default();
    o.limits.max_output_bytes = 8u << 20;
    uint8_t *data;
    doc_result r = run_corpus("malformed/poi__poc-shared-strings.xlsx", o, &data);
    cr_expect_eq(r.open_st, PITH_OK);
    cr_expect_eq(r.next_st, PITH_E_LIMIT, "%s", pith_status_name(r.next_st));
    cr_expect(strstr(r.err, "max_output_bytes") != NULL, "%s", r.err);
    cr_expect_leq(r.text.n, (8u << 20) + 65536);
    cr_expect_lt(r.stats.memory_high, 64u << 20);
    doc_result_free(&r);
    free(data);
}

Test(xlsx_hostile, shared_string_amplification_draws_work)
{
    pith_options o = pith_options_default();
    o.limits.max_work = 50u << 20;
    uint8_t *data;
    doc_result r = run_corpus("malformed/poi__poc-shared-strings.xlsx", o, &data);
    cr_expect_eq(r.next_st, PITH_E_LIMIT, "%s", pith_status_name(r.next_st));
    cr_expect(strstr(r.err, "max_work") != NULL, "%s", r.err);
    cr_expect_lt(r.text.n, 60u << 20);
    doc_result_free(&r);
    free(data);
}

Test(xlsx_hostile, xml_bomb_entities_are_not_expanded)
{
    uint8_t *data;
    doc_result r = run_corpus("malformed/poi__poc-xmlbomb.xlsx", pith_options_default(), &data);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "test123") != NULL);
    cr_expect(strstr(r.text.p, "aaaaaaaaa") == NULL, "an entity was expanded");
    cr_expect_lt(r.text.n, 1u << 20);
    doc_result_free(&r);
    free(data);
}

Test(xlsx_hostile, external_entity_in_a_schema_is_not_read)
{
    uint8_t *data;
    doc_result r = run_corpus("malformed/poi__xxe_in_schema.xlsx", pith_options_default(), &data);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "Column1") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "root:") == NULL);
    doc_result_free(&r);
    free(data);
}

Test(xlsx_hostile, corrupted_package_relationships_fall_back)
{
    /* _rels/.rels is "CORRUPTED": the workbook is found by its content type */
    uint8_t *data;
    doc_result r = run_corpus("malformed/poi__xlsx-corrupted.xlsx", pith_options_default(), &data);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "Sheet2") != NULL, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "third\trow\tdata") != NULL, "%s", r.text.p);
    cr_expect_gt(r.nwarnings, 0);
    doc_result_free(&r);
    free(data);
}

Test(xlsx_hostile, a_million_empty_cells)
{
    buf rows = {0};
    char line[64];
    for (uint32_t i = 1; i <= 1000; i++) {
        snprintf(line, sizeof line, "<row r=\"%u\">", i);
        buf_str(&rows, line);
        buf_rep(&rows, "<c s=\"0\"/>", 1000);
        buf_str(&rows, "</row>");
    }
    buf z = book1(rows.p, NULL, NULL);
    doc_result r = run_buf(&z, PITH_OUT_MARKDOWN);
    expect_text(&r, "## Data\n");
    cr_expect_lt(r.stats.memory_high, (uint64_t)z.n * 2 + (4u << 20));
    doc_result_free(&r);
    free(z.p);
    free(rows.p);
}

Test(xlsx_hostile, shared_string_index_out_of_range_is_empty_with_one_warning)
{
    buf z = book1("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
                  "<c r=\"B1\" t=\"s\"><v>4294967295</v></c>"
                  "<c r=\"C1\" t=\"s\"><v>99999999999999999999</v></c>"
                  "<c r=\"D1\" t=\"s\"><v>-1</v></c><c r=\"E1\"><v>5</v></c></row>",
                  SST, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\nName\t\t\t\t5\n");
    cr_expect_eq(r.nwarnings, 1, "%s", r.warnings.p);
    cr_expect(strstr(r.warnings.p, "shared string 4294967295 out of range (3 strings)") != NULL,
              "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx_hostile, a_cell_at_xfd1048576_is_a_line_not_a_grid)
{
    buf z = book1("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\"><v>2</v></c></row>"
                  "<row r=\"1048576\"><c r=\"C1048576\"><v>3</v></c>"
                  "<c r=\"IW1048576\"><v>41</v></c><c r=\"XFD1048576\"><v>42</v></c></row>"
                  "<row r=\"1048577\"><c r=\"A1048577\"><v>9</v></c></row>",
                  NULL, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n1\t2\n\t\t3\n\nIW1048576: 41\nXFD1048576: 42\n\n9\n");
    cr_expect_lt(r.stats.memory_high, 4u << 20);
    doc_result_free(&r);
    doc_result r2 = run_buf(&z, PITH_OUT_MARKDOWN);
    cr_expect(strstr(r2.text.p, "| 1 | 2 | |\n| --- | --- | --- |\n| | | 3 |\n\n"
                                "IW1048576: 41  \nXFD1048576: 42\n") != NULL ||
                  strstr(r2.text.p, "IW1048576: 41\\\nXFD1048576: 42\n") != NULL,
              "%s", r2.text.p);
    doc_result_free(&r2);
    free(z.p);
}

Test(xlsx_hostile, missing_shared_strings_part)
{
    buf z = book1("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>2</v></c></row>",
                  NULL, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n\t2\n");
    cr_expect(strstr(r.warnings.p, "no shared strings part") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx_hostile, missing_styles_part_shows_general_numbers)
{
    buf z = book1("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>44035</v></c></row>", NULL, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n44035\n");
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx_hostile, missing_workbook_takes_sheets_from_content_types)
{
    char *sh = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>7</v></c></row>");
    part ps[] = {{"[Content_Types].xml", CT, 0, 0}, {"_rels/.rels", RELS, 0, 0},
                 {"xl/worksheets/sheet1.xml", sh, 0, 0}};
    buf z = zip_build(ps, 3);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "sheet1\n\n7\n");
    cr_expect(strstr(r.warnings.p, "no workbook part") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
    free(sh);
}

Test(xlsx_hostile, no_workbook_and_no_sheet_is_a_format_error)
{
    static const char ct[] =
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
    part ps[] = {{"[Content_Types].xml", ct, 0, 0}, {"_rels/.rels", RELS, 0, 0}};
    buf z = zip_build(ps, 2);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    cr_expect_eq(r.open_st, PITH_E_FORMAT, "%s", pith_status_name(r.open_st));
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx_hostile, wrong_relationships_lose_only_their_sheet)
{
    static const char wb[] = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
                             "<sheet name=\"Gone\" sheetId=\"1\" r:id=\"rId9\"/>"
                             "<sheet name=\"Ghost\" sheetId=\"2\" r:id=\"rId2\"/>"
                             "<sheet name=\"Here\" sheetId=\"3\" r:id=\"rId1\"/></sheets></workbook>";
    char *sh = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    /* rId2 names sheet2.xml, which is not in the package */
    part ps[] = {{"[Content_Types].xml", CT, 0, 0}, {"_rels/.rels", RELS, 0, 0},
                 {"xl/workbook.xml", wb, 0, 0},     {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0},
                 {"xl/worksheets/sheet1.xml", sh, 0, 0}};
    buf z = zip_build(ps, 5);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Gone\n\nGhost\n\nHere\n\n1\n");
    cr_expect(strstr(r.warnings.p, "no relationship rId9") != NULL, "%s", r.warnings.p);
    cr_expect(strstr(r.warnings.p, "sheet2.xml") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
    free(sh);
}

Test(xlsx_hostile, cyclic_relationships_end)
{
    /* the workbook's relationships name the workbook itself as a worksheet, its shared
     * strings and its styles; the package relationship names the workbook twice */
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" REL_T "officeDocument\" Target=\"xl/workbook.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"" REL_T "officeDocument\" Target=\"xl/workbook.xml\"/>"
        "</Relationships>";
    static const char wbrels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" REL_T "worksheet\" Target=\"workbook.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"" REL_T "worksheet\" Target=\"_rels/workbook.xml.rels\"/>"
        "<Relationship Id=\"rId3\" Type=\"" REL_T "sharedStrings\" Target=\"workbook.xml\"/>"
        "<Relationship Id=\"rId4\" Type=\"" REL_T "styles\" Target=\"workbook.xml\"/>"
        "</Relationships>";
    static const char wb[] = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
                             "<sheet name=\"Self\" sheetId=\"1\" r:id=\"rId1\"/>"
                             "<sheet name=\"Rels\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
    part ps[] = {{"[Content_Types].xml", CT, 0, 0}, {"_rels/.rels", rels, 0, 0},
                 {"xl/workbook.xml", wb, 0, 0},     {"xl/_rels/workbook.xml.rels", wbrels, 0, 0}};
    buf z = zip_build(ps, 4);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Self\n\nRels\n");
    cr_expect(strstr(r.warnings.p, "1 sheets name the workbook") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx_hostile, sheets_sharing_a_part_read_it_once)
{
    buf wb = {0};
    buf_str(&wb, "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>");
    for (int i = 0; i < 3000; i++) buf_str(&wb, "<sheet name=\"T\" sheetId=\"1\" r:id=\"rId1\"/>");
    buf_str(&wb, "</sheets></workbook>");
    char *sh = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    part ps[] = {{"[Content_Types].xml", CT, 0, 0}, {"_rels/.rels", RELS, 0, 0},
                 {"xl/workbook.xml", wb.p, 0, 0},   {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0},
                 {"xl/worksheets/sheet1.xml", sh, 0, 0}};
    buf z = zip_build(ps, 5);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.units, 3000);
    cr_expect(strncmp(r.text.p, "T\n\n1\n\nT\n\nT\n", 11) == 0, "%.40s", r.text.p);
    cr_expect(strstr(r.warnings.p, "2999 sheets name") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
    free(sh);
    free(wb.p);
}

Test(xlsx_hostile, truncated_sheet_keeps_what_was_read)
{
    static const char cut[] =
        "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
        "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\"><v>2</v></c></row>"
        "<row r=\"2\"><c r=\"A2\"><v>3</v></c><c r=\"B2\"><v>4";
    part ps[] = {{"[Content_Types].xml", CT, 0, 0}, {"_rels/.rels", RELS, 0, 0},
                 {"xl/workbook.xml", WB1, 0, 0},    {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0},
                 {"xl/worksheets/sheet1.xml", cut, 0, 0}};
    buf z = zip_build(ps, 5);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n1\t2\n3\n");
    cr_expect(strstr(r.warnings.p, "PITH_E_TRUNCATED") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx_hostile, deep_nesting_between_rows_loses_only_that_subtree)
{
    /* 100,000 nested unknown elements between two rows: past max_depth the tokenizer skips
     * the subtree with a warning; both rows still come out and the sheet ends OK */
    buf rows = {0};
    buf_str(&rows, "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\"><v>2</v></c></row>");
    for (int i = 0; i < 100000; i++) buf_str(&rows, "<x>");
    buf_str(&rows, "<row r=\"9\"><c r=\"A9\"><v>9</v></c></row>");
    for (int i = 0; i < 100000; i++) buf_str(&rows, "</x>");
    buf_str(&rows, "<row r=\"2\"><c r=\"A2\"><v>3</v></c><c r=\"B2\"><v>4</v></c></row>");
    buf z = book1(rows.p, NULL, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n1\t2\n3\t4\n");
    cr_expect(strstr(r.warnings.p, "PITH_E_LIMIT xml: elements nested deeper than the limit") != NULL,
              "%s", r.warnings.p);
    cr_expect(r.stats.memory_high < (uint64_t)16 << 20);
    doc_result_free(&r);
    free(rows.p);
    free(z.p);
}

Test(xlsx_hostile, cells_out_of_order_are_dropped_with_a_warning)
{
    buf z = book1("<row r=\"1\"><c r=\"C1\"><v>3</v></c><c r=\"A1\"><v>1</v></c>"
                  "<c r=\"C1\"><v>33</v></c><c><v>4</v></c></row>",
                  NULL, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n\t\t3\t4\n");
    cr_expect_eq(r.nwarnings, 1, "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
}

Test(xlsx_hostile, every_truncation_of_a_small_book)
{
    buf z = book1("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c><c r=\"B1\" s=\"1\"><v>2</v></c>"
                  "</row>",
                  SST, STYLES);
    pith_options o = pith_options_default();
    for (size_t n = 0; n < z.n; n += 7) {
        doc_result r = doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, z.p, n, o);
        cr_expect(r.open_st != PITH_E_ARG && r.next_st != PITH_E_ARG, "cut at %zu", n);
        doc_result_free(&r);
    }
    free(z.p);
}

Test(xlsx_hostile, tiny_memory_budget_is_a_limit)
{
    /* 20,000 shared strings of 100 bytes: 2 MB of text kept for the whole document */
    buf sst = {0};
    buf_str(&sst, "<sst xmlns=\"" NS_MAIN "\">");
    for (int i = 0; i < 20000; i++) {
        buf_str(&sst, "<si><t>");
        buf_rep(&sst, "0123456789", 10);
        buf_str(&sst, "</t></si>");
    }
    buf_str(&sst, "</sst>");
    buf z = book1("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>19999</v></c></row>", sst.p, NULL);
    pith_options o = pith_options_default();
    o.limits.max_memory_bytes = 1u << 20;
    doc_result r = doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, z.p, z.n, o);
    cr_expect_eq(r.open_st, PITH_E_LIMIT, "%s (%s)", pith_status_name(r.open_st), r.err);
    doc_result_free(&r);
    o.limits.max_memory_bytes = 0;
    r = doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, z.p, z.n, o);
    cr_expect_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "\n0123456789012") != NULL);
    doc_result_free(&r);
    free(z.p);
    free(sst.p);
}

Test(xlsx_hostile, too_many_shared_strings_is_a_limit)
{
    buf sst = {0};
    buf_str(&sst, "<sst xmlns=\"" NS_MAIN "\">");
    buf_rep(&sst, "<si/>", 5000);
    buf_str(&sst, "</sst>");
    buf z = book1("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", sst.p, NULL);
    pith_options o = pith_options_default();
    o.limits.max_objects = 1000;
    doc_result r = doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, z.p, z.n, o);
    cr_expect_eq(r.open_st, PITH_E_LIMIT, "%s (%s)", pith_status_name(r.open_st), r.err);
    cr_expect(strstr(r.err, "max_objects") != NULL, "%s", r.err);
    doc_result_free(&r);
    free(z.p);
    free(sst.p);
}

/* MARK: - The direct paths for common cells and strings */

/* xlsx.c reads `<c r s t><v>..</v></c>` and `<si><t>..</t></si>` straight from the bytes; every
 * other shape goes through the tokenizer. Both ways side by side must show the same, and a
 * row whose unprefixed children are in another namespace must not take the direct way. */
Test(xlsx, direct_and_tokenized_cells_agree)
{
    static const char sst[] =
        "<sst xmlns=\"" NS_MAIN "\">"
        "<si><t>plain</t></si>"
        "<si><t xml:space=\"preserve\"> kept </t></si>"
        "<si><t>a &amp; b</t></si>"
        "<si><t></t></si>"
        "<si><t>x_x0009_y</t></si>"
        "</sst>";
    buf z = book1("<row r=\"1\">"
                  "<c r=\"A1\" t=\"s\"><v>0</v></c>"
                  "<c r='B1' s='0' t='s'><v>1</v></c>"
                  "<c r=\"C1\" t=\"s\"><v>2</v></c>"
                  "<c r=\"D1\" t=\"s\"><v>3</v></c>"
                  "<c r=\"E1\" t=\"s\"><v>4</v></c></row>"
                  "<row r=\"2\">"
                  "<c r=\"A2\"><v>1.5</v></c>"
                  "<c  r=\"B2\" ><v>2.5</v></c>"
                  "<c r=\"C2\" t=\"str\"><v>p_x005F_q</v></c>"
                  "<c r=\"D2\" t=\"str\"><v>tab\there</v></c>"
                  "<c r=\"E2\"></c>"
                  "<c r=\"F2\" t=\"b\"><v>1</v></c>"
                  "<c r=\"G2\" cm=\"1\"><v>7</v></c></row>"
                  "<x:row xmlns:x=\"" NS_MAIN "\" xmlns=\"urn:other\" r=\"3\">"
                  "<c r=\"A3\"><v>99</v></c></x:row>"
                  "<row r=\"4\"><c r=\"B4\"><v>4</v></c>\n<c r=\"A4\"><v>3</v></c></row>",
                  sst, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    expect_text(&r, "Data\n\n"
                    /* a tab inside a cell is shown as a space (tabs part the cells) */
                    "plain\t kept \ta & b\t\tx y\n"
                    "1.5\t2.5\tp_q\ttab here\t\tTRUE\t7\n"
                    "\t4\n");
    cr_expect_eq(r.nwarnings, 1, "one warning (A4 after B4): %s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
}

/* MARK: - Whole rows read without the tokenizer (fast_row) */

/* Rows fast_row reads (attribute "ab") or, byte for byte as long, rows it leaves to the
 * tokenizer ("xb": a name starting with x could be xmlns). Shared string 1 is long, so the
 * output budget of a step runs out before the input budget and some rows meet it. */
static char *step_rows(uint32_t rows, char first)
{
    buf b = {0};
    char line[200];
    for (uint32_t i = 1; i <= rows; i++) {
        snprintf(line, sizeof line,
                 "<row r=\"%u\" %cb=\"1\"><c r=\"A%u\"><v>%u</v></c><c r=\"B%u\" t=\"s\"><v>%u</v>"
                 "</c><c r=\"D%u\"><v>0.%02u</v></c></row>",
                 i, first, i, i, i, i % 2, i, i % 100);
        buf_str(&b, line);
    }
    return b.p;
}

Test(xlsx, fast_and_tokenized_rows_agree_across_steps)
{
    char lng[201];
    memset(lng, 'L', 200);
    lng[200] = '\0';
    buf sst = {0};
    buf_str(&sst, "<sst xmlns=\"" NS_MAIN "\"><si><t>short</t></si><si><t>");
    buf_str(&sst, lng);
    buf_str(&sst, "</t></si></sst>");
    char *fast = step_rows(30000, 'a'), *slow = step_rows(30000, 'x');
    cr_assert_eq(strlen(fast), strlen(slow));
    buf zf = book1(fast, sst.p, NULL), zs = book1(slow, sst.p, NULL);
    pith_options o = pith_options_default();
    o.chunk_size = 4096;
    pith_output outs[2] = {PITH_OUT_TEXT, PITH_OUT_MARKDOWN};
    for (int k = 0; k < 2; k++) {
        o.output = outs[k];
        doc_result rf = doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, zf.p, zf.n, o);
        doc_result rs = doc_run_with(&pith_handler_xlsx, PITH_FMT_XLSX, zs.p, zs.n, o);
        cr_assert_eq(rf.next_st, PITH_OK, "%s", rf.err);
        cr_assert_eq(rs.next_st, PITH_OK, "%s", rs.err);
        cr_expect_eq(rf.text.n, rs.text.n, "output %d: %zu vs %zu bytes", k, rf.text.n, rs.text.n);
        cr_expect(rf.text.n == rs.text.n && memcmp(rf.text.p, rs.text.p, rf.text.n) == 0,
                  "output %d differs", k);
        if (k == 0) {
            char want[300];
            snprintf(want, sizeof want, "\n1\t%s\t\t0.01\n", lng);
            cr_expect(strstr(rf.text.p, want) != NULL);
            cr_expect(strstr(rf.text.p, "\n30000\tshort\t\t0\n") != NULL);
            size_t lines = 0;
            for (size_t i = 0; i < rf.text.n; i++) lines += rf.text.p[i] == '\n';
            cr_expect_eq(lines, 2 + 30000, "%zu lines", lines);
        } else {
            /* several steps, so several tables (the serializer holds a table whole) */
            size_t tables = 0;
            for (const char *p = rf.text.p; (p = strstr(p, "| --- | --- | --- | --- |")); p++)
                tables++;
            cr_expect_gt(tables, 2, "%zu tables", tables);
            cr_expect(strstr(rf.text.p, "| 30000 | short | | 0 |\n") != NULL);
        }
        doc_result_free(&rf);
        doc_result_free(&rs);
    }
    free(zf.p);
    free(zs.p);
    free(fast);
    free(slow);
    free(sst.p);
}

Test(xlsx_hostile, rows_fast_row_declines_read_as_before)
{
    buf rows = {0};
    buf_str(&rows,
            /* another default namespace: neither the row nor its cell is SpreadsheetML */
            "<row r=\"1\" xmlns=\"urn:other\"><c r=\"A1\"><v>1</v></c></row>"
            /* a reference in a value: the tokenizer decodes it */
            "<row r=\"&#50;\"><c><v>2</v></c></row>"
            /* a cell of another shape (a formula) */
            "<row r=\"3\" spans=\"1:2\"><c r=\"A3\"><v>3</v></c><c r=\"B3\"><f>1+1</f><v>2</v></c>"
            "</row>"
            /* a line feed between name and attribute */
            "<row\nr=\"4\"><c r=\"A4\"><v>4</v></c></row>"
            /* an attribute twice: the first one counts */
            "<row r=\"5\" r=\"6\"><c r=\"A5\"><v>5</v></c></row>"
            "<row r=\"7\"/>"
            /* more cells than fast_row holds */
            "<row r=\"8\">");
    char cell[64];
    for (int i = 1; i <= 70; i++) {
        snprintf(cell, sizeof cell, "<c><v>%d</v></c>", i);
        buf_str(&rows, cell);
    }
    buf_str(&rows, "</row><row r=\"9\" ht=\"1\"><c r=\"B9\"><v>9</v></c></row>");
    buf z = book1(rows.p, NULL, NULL);
    doc_result r = run_buf(&z, PITH_OUT_TEXT);
    buf want = {0};
    buf_str(&want, "Data\n\n2\n3\t2\n4\n5\n");
    for (int i = 1; i <= 70; i++) {
        snprintf(cell, sizeof cell, "%d%s", i, i < 70 ? "\t" : "\n");
        buf_str(&want, cell);
    }
    buf_str(&want, "\t9\n");
    expect_text(&r, want.p);
    cr_expect_eq(r.nwarnings, 0, "%s", r.warnings.p);
    doc_result_free(&r);
    free(z.p);
    free(rows.p);
    free(want.p);
}
