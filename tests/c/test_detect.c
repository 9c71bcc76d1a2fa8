/* test_detect.c: format detection (src/detect.c, src/sniff_zip.c, src/sniff_ole2.c).
 *
 * Containers are built here byte by byte: a small ZIP writer (stored entries, central
 * directory, EOCD, optionally a comment, a ZIP64 record and locator, or data in front) after
 * APPNOTE.TXT §4.3, and a CFB writer (header, one FAT sector, directory sectors) after
 * [MS-CFB] §2.2-2.6. Expected formats come from the entry names we chose, the corpus folder
 * names in MANIFEST.tsv and the "ENCRYPTED OOXML" notes in NOTES.tsv, never from pith.
 * Hostile cases (suite detect_hostile): every truncation of a small ZIP and CFB file, FAT,
 * directory-chain, DIFAT and sibling-tree cycles, garbage headers, random bytes, and the
 * corpus malformed/ folder; they check the result is a valid format and that calls return.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect_int.h"
#include "pith.h"

/* MARK: - Helpers */

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n) cap *= 2;
        b->p = realloc(b->p, cap);
        cr_assert(b->p != NULL);
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
}
static void put_str(buf *b, const char *s) { put(b, s, strlen(s)); }
static void put8(buf *b, uint8_t v) { put(b, &v, 1); }
static void put16(buf *b, uint16_t v)
{
    uint8_t s[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(b, s, 2);
}
static void put32(buf *b, uint32_t v)
{
    uint8_t s[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, s, 4);
}
static void put64(buf *b, uint64_t v)
{
    put32(b, (uint32_t)v);
    put32(b, (uint32_t)(v >> 32));
}
static void set32(buf *b, size_t at, uint32_t v)
{
    b->p[at] = (uint8_t)v;
    b->p[at + 1] = (uint8_t)(v >> 8);
    b->p[at + 2] = (uint8_t)(v >> 16);
    b->p[at + 3] = (uint8_t)(v >> 24);
}

static pith_format det(const void *s, size_t n, const char *hint)
{
    return pith_detect(s, n, hint, hint ? strlen(hint) : 0);
}
static pith_format det_str(const char *s, const char *hint) { return det(s, strlen(s), hint); }

#define expect_fmt(got, want)                                                                 \
    cr_expect_eq((got), (want), "got %s, want %s", pith_format_name(got), pith_format_name(want))

/* MARK: - ZIP writer */

typedef struct zent {
    const char *name;
    const char *data; /* NULL: empty */
    uint16_t method;  /* 0 stored; 8 claims deflate (the bytes are what they are: never inflated) */
} zent;

typedef struct zopt {
    const char *comment;
    bool zip64;       /* ZIP64 EOCD record + locator, EOCD fields set to 0xFFFF.. */
    size_t prefix;    /* bytes of junk before the archive (offsets stay archive-relative) */
} zopt;

static uint32_t crc32_of(const uint8_t *s, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= s[i];
        for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
    }
    return ~c;
}

static buf zip_build(const zent *e, size_t n, zopt o)
{
    buf b = {0};
    for (size_t i = 0; i < o.prefix; i++) put8(&b, (uint8_t)('a' + i % 26));
    size_t base = b.n;
    uint32_t *offs = calloc(n ? n : 1, sizeof *offs);
    for (size_t i = 0; i < n; i++) {
        const char *d = e[i].data ? e[i].data : "";
        uint32_t len = (uint32_t)strlen(d);
        offs[i] = (uint32_t)(b.n - base);
        put32(&b, 0x04034b50u);
        put16(&b, 20);
        put16(&b, 0);
        put16(&b, e[i].method);
        put32(&b, 0); /* time, date */
        put32(&b, crc32_of((const uint8_t *)d, len));
        put32(&b, len);
        put32(&b, len);
        put16(&b, (uint16_t)strlen(e[i].name));
        put16(&b, 0);
        put_str(&b, e[i].name);
        put(&b, d, len);
    }
    size_t cd = b.n - base;
    for (size_t i = 0; i < n; i++) {
        const char *d = e[i].data ? e[i].data : "";
        uint32_t len = (uint32_t)strlen(d);
        put32(&b, 0x02014b50u);
        put16(&b, 20);
        put16(&b, 20);
        put16(&b, 0);
        put16(&b, e[i].method);
        put32(&b, 0);
        put32(&b, crc32_of((const uint8_t *)d, len));
        put32(&b, len);
        put32(&b, len);
        put16(&b, (uint16_t)strlen(e[i].name));
        put16(&b, 0);
        put16(&b, 0);
        put16(&b, 0);
        put16(&b, 0);
        put32(&b, 0);
        put32(&b, offs[i]);
        put_str(&b, e[i].name);
    }
    size_t cd_size = b.n - base - cd;
    if (o.zip64) {
        size_t rec = b.n - base;
        put32(&b, 0x06064b50u);
        put64(&b, 44);
        put16(&b, 45);
        put16(&b, 45);
        put32(&b, 0);
        put32(&b, 0);
        put64(&b, n);
        put64(&b, n);
        put64(&b, cd_size);
        put64(&b, cd);
        put32(&b, 0x07064b50u);
        put32(&b, 0);
        put64(&b, rec);
        put32(&b, 1);
    }
    const char *c = o.comment ? o.comment : "";
    put32(&b, 0x06054b50u);
    put16(&b, 0);
    put16(&b, 0);
    put16(&b, o.zip64 ? 0xffff : (uint16_t)n);
    put16(&b, o.zip64 ? 0xffff : (uint16_t)n);
    put32(&b, o.zip64 ? 0xffffffffu : (uint32_t)cd_size);
    put32(&b, o.zip64 ? 0xffffffffu : (uint32_t)cd);
    put16(&b, (uint16_t)strlen(c));
    put_str(&b, c);
    free(offs);
    return b;
}

static pith_format zip_detect(const zent *e, size_t n, zopt o, const char *hint)
{
    buf b = zip_build(e, n, o);
    pith_format f = det(b.p, b.n, hint);
    free(b.p);
    return f;
}

#define Z(...) ((const zent[]){__VA_ARGS__}), (sizeof((const zent[]){__VA_ARGS__}) / sizeof(zent))
static const zopt no_opt = {0};

/* MARK: - CFB writer */

typedef struct oent {
    const char *name;
    uint8_t type;    /* 1 storage, 2 stream */
    uint32_t parent; /* index in the list + 1; 0 = the root */
} oent;

typedef struct oopt {
    uint16_t shift;     /* 9 (v3, default) or 12 (v4) */
    bool dir_cycle;     /* the last directory sector's FAT entry points back to the first */
    bool sibling_cycle; /* the last root child's right sibling is the first one */
} oopt;

/* Header, FAT in sector 0, directory from sector 1 on; each parent's children are chained
 * through their right-sibling ids (a degenerate but valid tree). */
static buf ole_build(const oent *e, size_t n, oopt o)
{
    uint16_t shift = o.shift ? o.shift : 9;
    size_t ssz = (size_t)1 << shift;
    size_t per = ssz / 128;
    size_t entries = n + 1;
    size_t dsec = (entries + per - 1) / per;
    buf b = {0};
    static const uint8_t magic[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
    put(&b, magic, 8);
    for (int i = 0; i < 16; i++) put8(&b, 0);
    put16(&b, 0x3e);
    put16(&b, shift == 12 ? 4 : 3);
    put16(&b, 0xfffe);
    put16(&b, shift);
    put16(&b, 6);
    for (int i = 0; i < 6; i++) put8(&b, 0);
    put32(&b, shift == 12 ? (uint32_t)dsec : 0);
    put32(&b, 1);           /* FAT sectors */
    put32(&b, 1);           /* first directory sector */
    put32(&b, 0);
    put32(&b, 4096);
    put32(&b, 0xfffffffeu); /* no mini FAT */
    put32(&b, 0);
    put32(&b, 0xfffffffeu); /* no DIFAT sectors */
    put32(&b, 0);
    put32(&b, 0);           /* DIFAT[0]: the FAT is sector 0 */
    for (int i = 1; i < 109; i++) put32(&b, 0xffffffffu);
    while (b.n < ssz) put8(&b, 0); /* v4: the header sector is 4096 bytes */

    /* sector 0: FAT */
    size_t fat = b.n;
    for (size_t i = 0; i < ssz / 4; i++) put32(&b, 0xffffffffu);
    set32(&b, fat, 0xfffffffdu);
    for (size_t s = 1; s <= dsec; s++)
        set32(&b, fat + s * 4, s < dsec ? (uint32_t)(s + 1) : (o.dir_cycle ? 1u : 0xfffffffeu));

    /* directory */
    for (size_t i = 0; i < dsec * per; i++) {
        uint8_t name[64] = {0};
        uint16_t nbytes = 0;
        uint8_t type = 0;
        uint32_t left = 0xffffffffu, right = 0xffffffffu, child = 0xffffffffu;
        const char *nm = NULL;
        uint32_t me = (uint32_t)i; /* as a parent id: 0 root, k = entry k */
        if (i == 0) {
            nm = "Root Entry";
            type = 5;
        } else if (i <= n) {
            nm = e[i - 1].name;
            type = e[i - 1].type ? e[i - 1].type : 2;
            for (size_t j = i; j < n; j++)
                if (e[j].parent == e[i - 1].parent) {
                    right = (uint32_t)(j + 1);
                    break;
                }
            if (right == 0xffffffffu && o.sibling_cycle && e[i - 1].parent == 0)
                for (size_t j = 0; j < n; j++)
                    if (e[j].parent == 0) {
                        right = (uint32_t)(j + 1);
                        break;
                    }
        }
        if (i <= n)
            for (size_t j = 0; j < n; j++)
                if (e[j].parent == me) {
                    child = (uint32_t)(j + 1);
                    break;
                }
        if (nm) {
            size_t k = 0;
            for (; nm[k] && k < 31; k++) name[2 * k] = (uint8_t)nm[k];
            nbytes = (uint16_t)(2 * (k + 1));
        }
        if (i > n) child = 0xffffffffu;
        put(&b, name, 64);
        put16(&b, nbytes);
        put8(&b, type);
        put8(&b, 1);
        put32(&b, left);
        put32(&b, right);
        put32(&b, child);
        for (int k = 0; k < 16 + 4 + 16; k++) put8(&b, 0);
        put32(&b, type == 2 ? 0xfffffffeu : 0);
        put64(&b, 0);
    }
    return b;
}

static pith_format ole_detect(const oent *e, size_t n, oopt o)
{
    buf b = ole_build(e, n, o);
    pith_format f = det(b.p, b.n, NULL);
    free(b.p);
    return f;
}

#define O(...) ((const oent[]){__VA_ARGS__}), (sizeof((const oent[]){__VA_ARGS__}) / sizeof(oent))
static const oopt o_none = {0};

/* MARK: - Names and MIME types */

Test(detect, names_every_format)
{
    static const char *const want[PITH_FMT_COUNT] = {
        "unknown", "text", "html", "markdown", "pdf", "docx", "xlsx", "pptx", "odt", "ods",
        "odp", "epub", "rtf", "eml", "csv", "xml", "json", "doc", "xls", "ppt", "msg",
        "ooxml-encrypted", "ole2", "zip", "image", "binary",
    };
    for (int f = 0; f < PITH_FMT_COUNT; f++)
        cr_expect_str_eq(pith_format_name((pith_format)f), want[f]);
    cr_expect_str_eq(pith_format_name(PITH_FMT_COUNT), "unknown");
    cr_expect_str_eq(pith_format_name((pith_format)-1), "unknown");
}

Test(detect, gives_standard_mime_types)
{
    cr_expect_str_eq(pith_format_mime(PITH_FMT_TEXT), "text/plain");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_HTML), "text/html");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_MARKDOWN), "text/markdown");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_PDF), "application/pdf");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_DOCX),
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_XLSX),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_PPTX),
                     "application/vnd.openxmlformats-officedocument.presentationml.presentation");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_ODT), "application/vnd.oasis.opendocument.text");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_ODS),
                     "application/vnd.oasis.opendocument.spreadsheet");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_ODP),
                     "application/vnd.oasis.opendocument.presentation");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_EPUB), "application/epub+zip");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_RTF), "application/rtf");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_EML), "message/rfc822");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_CSV), "text/csv");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_XML), "application/xml");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_JSON), "application/json");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_DOC), "application/msword");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_XLS), "application/vnd.ms-excel");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_PPT), "application/vnd.ms-powerpoint");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_MSG), "application/vnd.ms-outlook");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_ZIP), "application/zip");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_BINARY), "application/octet-stream");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_OLE2), "application/octet-stream");
    cr_expect_str_eq(pith_format_mime(PITH_FMT_COUNT), "application/octet-stream");
}

/* MARK: - ZIP packages */

Test(detect, recognises_docx_by_entry_names)
{
    expect_fmt(zip_detect(Z({"[Content_Types].xml", "<Types/>", 0}, {"_rels/.rels", "x", 0},
                            {"word/document.xml", "<w:document/>", 0}),
                          no_opt, NULL),
               PITH_FMT_DOCX);
}

Test(detect, recognises_docx_by_content_types_and_a_word_part)
{
    expect_fmt(zip_detect(Z({"[Content_Types].xml", "x", 0}, {"word/document2.xml", "x", 0}),
                          no_opt, NULL),
               PITH_FMT_DOCX);
    /* a word/ folder without the OPC content types is just a zip */
    expect_fmt(zip_detect(Z({"word/document2.xml", "x", 0}), no_opt, NULL), PITH_FMT_ZIP);
}

Test(detect, recognises_xlsx_and_xlsb_workbooks)
{
    expect_fmt(zip_detect(Z({"[Content_Types].xml", "x", 0}, {"xl/workbook.xml", "x", 0}),
                          no_opt, NULL),
               PITH_FMT_XLSX);
    expect_fmt(zip_detect(Z({"xl/workbook.bin", "x", 0}), no_opt, NULL), PITH_FMT_XLSX);
    expect_fmt(zip_detect(Z({"[Content_Types].xml", "x", 0}, {"xl/styles.xml", "x", 0}), no_opt,
                          NULL),
               PITH_FMT_XLSX);
}

Test(detect, recognises_pptx_by_presentation_part)
{
    expect_fmt(zip_detect(Z({"[Content_Types].xml", "x", 0}, {"ppt/slides/slide1.xml", "x", 0},
                            {"ppt/presentation.xml", "x", 0}),
                          no_opt, NULL),
               PITH_FMT_PPTX);
}

Test(detect, entry_names_compare_case_insensitively)
{
    expect_fmt(zip_detect(Z({"Word/Document.XML", "x", 0}), no_opt, NULL), PITH_FMT_DOCX);
}

Test(detect, recognises_odf_kinds_by_stored_mimetype)
{
    static const struct { const char *mime; pith_format f; } cases[] = {
        {"application/vnd.oasis.opendocument.text", PITH_FMT_ODT},
        {"application/vnd.oasis.opendocument.text-template", PITH_FMT_ODT},
        {"application/vnd.oasis.opendocument.spreadsheet", PITH_FMT_ODS},
        {"application/vnd.oasis.opendocument.spreadsheet-template", PITH_FMT_ODS},
        {"application/vnd.oasis.opendocument.presentation", PITH_FMT_ODP},
        {"application/vnd.oasis.opendocument.presentation-template", PITH_FMT_ODP},
        {"application/vnd.oasis.opendocument.graphics", PITH_FMT_ZIP},
        {"application/epub+zip", PITH_FMT_EPUB},
        {"application/epub+zip\n", PITH_FMT_EPUB},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pith_format f = zip_detect(Z({"mimetype", cases[i].mime, 0}, {"content.xml", "x", 8},
                                     {"META-INF/manifest.xml", "x", 8}),
                                   no_opt, NULL);
        cr_expect_eq(f, cases[i].f, "%s: got %s", cases[i].mime, pith_format_name(f));
    }
}

Test(detect, mimetype_outranks_a_misleading_hint)
{
    expect_fmt(zip_detect(Z({"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0},
                            {"content.xml", "x", 8}),
                          no_opt, "x.odt"),
               PITH_FMT_ODS);
}

Test(detect, recognises_odf_by_manifest_when_mimetype_is_deflated)
{
    /* The mimetype claims deflate, so its bytes cannot be trusted without inflating. */
    expect_fmt(zip_detect(Z({"mimetype", "garbage", 8}, {"content.xml", "x", 8},
                            {"META-INF/manifest.xml", "x", 8}),
                          no_opt, NULL),
               PITH_FMT_ODT);
    expect_fmt(zip_detect(Z({"content.xml", "x", 8}, {"META-INF/manifest.xml", "x", 8}), no_opt,
                          "report.ods"),
               PITH_FMT_ODS);
    expect_fmt(zip_detect(Z({"content.xml", "x", 8}, {"META-INF/manifest.xml", "x", 8}), no_opt,
                          "application/vnd.oasis.opendocument.presentation"),
               PITH_FMT_ODP);
    expect_fmt(zip_detect(Z({"content.xml", "x", 8}), no_opt, NULL), PITH_FMT_ZIP);
}

Test(detect, recognises_epub_by_container_and_opf)
{
    expect_fmt(zip_detect(Z({"META-INF/container.xml", "x", 8}, {"OEBPS/content.opf", "x", 8}),
                          no_opt, NULL),
               PITH_FMT_EPUB);
    expect_fmt(zip_detect(Z({"META-INF/container.xml", "x", 8}), no_opt, NULL), PITH_FMT_ZIP);
}

Test(detect, plain_zip_is_zip_whatever_the_hint)
{
    expect_fmt(zip_detect(Z({"readme.txt", "hello", 0}, {"src/a.c", "int a;", 0}), no_opt,
                          "x.docx"),
               PITH_FMT_ZIP);
    expect_fmt(zip_detect(NULL, 0, no_opt, NULL), PITH_FMT_ZIP); /* PK\5\6: an empty archive */
}

Test(detect, reads_zip64_end_of_central_directory)
{
    zopt o = {.zip64 = true};
    expect_fmt(zip_detect(Z({"[Content_Types].xml", "x", 0}, {"word/document.xml", "x", 0}), o,
                          NULL),
               PITH_FMT_DOCX);
    expect_fmt(zip_detect(Z({"mimetype", "application/vnd.oasis.opendocument.text", 0}), o, NULL),
               PITH_FMT_ODT);
}

Test(detect, finds_eocd_behind_an_archive_comment)
{
    zopt o = {.comment = "made by a test; the central directory is above"};
    expect_fmt(zip_detect(Z({"ppt/presentation.xml", "x", 0}), o, NULL), PITH_FMT_PPTX);
    /* a comment holding a fake EOCD signature of its own */
    zopt fake = {.comment = "PK\x05\x06 not the record"};
    expect_fmt(zip_detect(Z({"xl/workbook.xml", "x", 0}), fake, NULL), PITH_FMT_XLSX);
}

Test(detect, finds_central_directory_after_prepended_data)
{
    /* A self-extractor's stub: the EOCD's offsets are relative to the archive, not the file.
     * pith_detect wants PK at 0, so the sniffer is called directly. */
    zopt o = {.prefix = 300};
    buf b = zip_build(Z({"[Content_Types].xml", "x", 0}, {"word/document.xml", "x", 0}), o);
    expect_fmt(pith_sniff_zip_format(b.p, b.n, PITH_FMT_UNKNOWN), PITH_FMT_DOCX);
    free(b.p);
}

Test(detect, scans_local_headers_when_the_directory_is_cut_off)
{
    buf b = zip_build(Z({"[Content_Types].xml", "<Types/>", 0}, {"word/document.xml", "x", 0},
                        {"word/styles.xml", "<styles/>", 0}),
                      no_opt);
    /* cut inside the last entry's data: no central directory, no EOCD */
    size_t cut = 30 + 19 + 8 + 30 + 17 + 1 + 20;
    expect_fmt(det(b.p, cut, NULL), PITH_FMT_DOCX);
    free(b.p);
    buf m = zip_build(Z({"mimetype", "application/epub+zip", 0}, {"OEBPS/a.xhtml", "long data", 0}),
                      no_opt);
    expect_fmt(det(m.p, 30 + 8 + 20 + 10, NULL), PITH_FMT_EPUB);
    free(m.p);
}

/* MARK: - OLE2 compound files */

Test(detect, recognises_legacy_office_and_outlook_in_ole2)
{
    expect_fmt(ole_detect(O({"WordDocument", 2, 0}, {"1Table", 2, 0}, {"\x05SummaryInformation", 2, 0}),
                          o_none),
               PITH_FMT_DOC);
    expect_fmt(ole_detect(O({"Workbook", 2, 0}), o_none), PITH_FMT_XLS);
    expect_fmt(ole_detect(O({"Book", 2, 0}), o_none), PITH_FMT_XLS);
    expect_fmt(ole_detect(O({"Current User", 2, 0}, {"PowerPoint Document", 2, 0}), o_none),
               PITH_FMT_PPT);
    expect_fmt(ole_detect(O({"__nameid_version1.0", 1, 0}, {"__substg1.0_0037001F", 2, 0},
                            {"__properties_version1.0", 2, 0}),
                          o_none),
               PITH_FMT_MSG);
    expect_fmt(ole_detect(O({"Contents", 2, 0}, {"Foo", 1, 0}), o_none), PITH_FMT_OLE2);
    expect_fmt(ole_detect(NULL, 0, o_none), PITH_FMT_OLE2);
}

Test(detect, recognises_encrypted_ooxml_in_ole2)
{
    expect_fmt(ole_detect(O({"\x06" "DataSpaces", 1, 0}, {"EncryptionInfo", 2, 0},
                            {"EncryptedPackage", 2, 0}),
                          o_none),
               PITH_FMT_OOXML_ENCRYPTED);
    /* one of the pair is not enough */
    expect_fmt(ole_detect(O({"EncryptedPackage", 2, 0}), o_none), PITH_FMT_OLE2);
}

Test(detect, ole2_names_compare_case_insensitively)
{
    expect_fmt(ole_detect(O({"worddocument", 2, 0}), o_none), PITH_FMT_DOC);
}

Test(detect, ole2_looks_only_at_root_children)
{
    /* a mail with a Word attachment: the WordDocument stream sits two storages down */
    expect_fmt(ole_detect(O({"__substg1.0_0037001F", 2, 0}, {"__attach_version1.0_#00000000", 1, 0},
                            {"__substg1.0_3701000D", 1, 2}, {"WordDocument", 2, 3}),
                          o_none),
               PITH_FMT_MSG);
}

Test(detect, reads_version4_compound_files)
{
    oopt o = {.shift = 12};
    expect_fmt(ole_detect(O({"Workbook", 2, 0}), o), PITH_FMT_XLS);
}

Test(detect, follows_the_directory_chain_across_sectors)
{
    /* 9 entries + root = 3 directory sectors at 512 bytes; the one we want is in the last */
    expect_fmt(ole_detect(O({"a", 2, 0}, {"b", 2, 0}, {"c", 2, 0}, {"d", 2, 0}, {"e", 2, 0},
                            {"f", 2, 0}, {"g", 2, 0}, {"h", 2, 0}, {"PowerPoint Document", 2, 0}),
                          o_none),
               PITH_FMT_PPT);
}

/* A v3 file whose directory runs over two sectors, dir_sect and dir_sect+1, with WordDocument
 * in the second, so finding it takes the FAT entry of dir_sect, which lies past the 109 FAT
 * sectors the header lists ([MS-CFB] §2.5): FAT sector #k (k >= 109) comes from DIFAT sector
 * (k-109)/127, slot (k-109)%127. Sector 1 is DIFAT sector #0, sector 3 DIFAT sector #1 (or,
 * with `cycle`, DIFAT #0 names itself as next), and sector 2 is the one FAT sector used. */
static buf ole_with_difat(uint32_t dir_sect, uint32_t n_difat, bool cycle)
{
    enum { SSZ = 512 };
    buf b = ole_build(O({"a", 2, 0}, {"b", 2, 0}, {"c", 2, 0}, {"WordDocument", 2, 0}), o_none);
    cr_assert_eq(b.n, 4 * SSZ);
    uint8_t dir[2 * SSZ];
    memcpy(dir, b.p + 2 * SSZ, 2 * SSZ); /* sectors 1 and 2 of the small file */
    size_t total = (size_t)(dir_sect + 3) * SSZ;
    b.p = realloc(b.p, total);
    cr_assert(b.p != NULL);
    memset(b.p + SSZ, 0xff, total - SSZ);
    b.n = b.cap = total;
    set32(&b, 48, dir_sect); /* first directory sector */
    set32(&b, 68, 1);        /* first DIFAT sector */
    set32(&b, 72, n_difat);
    uint32_t k = dir_sect / 128 - 109;
    size_t difat = k / 127 == 0 ? 1 : 3; /* the DIFAT sector holding slot k */
    set32(&b, SSZ * 2 + 127 * 4, cycle ? 1u : 3u);
    set32(&b, SSZ * 4 + 127 * 4, 0xfffffffeu);
    set32(&b, SSZ * (difat + 1) + (k % 127) * 4, 2);
    set32(&b, SSZ * 3 + (dir_sect % 128) * 4, dir_sect + 1);
    set32(&b, SSZ * 3 + ((dir_sect + 1) % 128) * 4, 0xfffffffeu);
    memcpy(b.p + (size_t)(dir_sect + 1) * SSZ, dir, 2 * SSZ);
    return b;
}

Test(detect, finds_fat_sectors_through_the_difat_chain)
{
    /* FAT sector #109: slot 0 of the first DIFAT sector */
    buf b = ole_with_difat(14000, 1, false);
    expect_fmt(det(b.p, b.n, NULL), PITH_FMT_DOC);
    free(b.p);
    /* FAT sector #236: slot 0 of the second DIFAT sector, one hop down the chain */
    buf c = ole_with_difat(30300, 2, false);
    expect_fmt(det(c.p, c.n, NULL), PITH_FMT_DOC);
    free(c.p);
}

/* MARK: - Signatures */

Test(detect, binary_magic_wins_over_hints)
{
    expect_fmt(det_str("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", NULL), PITH_FMT_PDF);
    expect_fmt(det_str("%PDF-1.7\n", "notes.md"), PITH_FMT_PDF);
    expect_fmt(det_str("{\\rtf1\\ansi hello}", "x.txt"), PITH_FMT_RTF);
    buf z = zip_build(Z({"word/document.xml", "x", 0}), no_opt);
    expect_fmt(det(z.p, z.n, "text/plain"), PITH_FMT_DOCX);
    free(z.p);
}

Test(detect, finds_pdf_header_within_1024_bytes)
{
    char s[1200];
    memset(s, ' ', sizeof s);
    memcpy(s + 1000, "%PDF-1.4\n", 9);
    expect_fmt(det(s, sizeof s, NULL), PITH_FMT_PDF);
    memset(s, ' ', sizeof s);
    memcpy(s + 1100, "%PDF-1.4\n", 9);
    expect_fmt(det(s, sizeof s, NULL), PITH_FMT_TEXT);
    /* prose mentioning the header without a version is not a PDF */
    expect_fmt(det_str("files start with %PDF- and a version", NULL), PITH_FMT_TEXT);
}

Test(detect, recognises_images)
{
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', 13, 10, 0x1a, 10, 0, 0, 0, 13, 'I', 'H'};
    static const uint8_t jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0};
    static const uint8_t tif[] = {'I', 'I', 42, 0, 8, 0, 0, 0};
    static const uint8_t tifm[] = {'M', 'M', 0, 42, 0, 0, 0, 8};
    static const uint8_t webp[] = {'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P'};
    uint8_t bmp[54] = {'B', 'M', 54, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40};
    expect_fmt(det(png, sizeof png, NULL), PITH_FMT_IMAGE);
    expect_fmt(det(jpg, sizeof jpg, "photo.txt"), PITH_FMT_IMAGE);
    expect_fmt(det_str("GIF89a\x01\x00\x01\x00", NULL), PITH_FMT_IMAGE);
    expect_fmt(det_str("GIF87a\x01\x00\x01\x00", NULL), PITH_FMT_IMAGE);
    expect_fmt(det(tif, sizeof tif, NULL), PITH_FMT_IMAGE);
    expect_fmt(det(tifm, sizeof tifm, NULL), PITH_FMT_IMAGE);
    expect_fmt(det(webp, sizeof webp, NULL), PITH_FMT_IMAGE);
    expect_fmt(det(bmp, sizeof bmp, NULL), PITH_FMT_IMAGE);
    /* "BM" opening a sentence is not a bitmap */
    expect_fmt(det_str("BMW and Audi are car makers from Germany, both in Bavaria.", NULL),
               PITH_FMT_TEXT);
}

Test(detect, recognises_archives_and_executables_as_binary)
{
    static const uint8_t gz[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    static const uint8_t sz[] = {'7', 'z', 0xbc, 0xaf, 0x27, 0x1c, 0, 4};
    static const uint8_t rar[] = {'R', 'a', 'r', '!', 0x1a, 7, 1, 0};
    static const uint8_t xz[] = {0xfd, '7', 'z', 'X', 'Z', 0, 0, 4};
    static const uint8_t elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    expect_fmt(det(gz, sizeof gz, "x.md"), PITH_FMT_BINARY);
    expect_fmt(det(sz, sizeof sz, NULL), PITH_FMT_BINARY);
    expect_fmt(det(rar, sizeof rar, NULL), PITH_FMT_BINARY);
    expect_fmt(det(xz, sizeof xz, NULL), PITH_FMT_BINARY);
    expect_fmt(det(elf, sizeof elf, NULL), PITH_FMT_BINARY);
}

/* The signatures detect.c keeps packed (a length byte before each): each one, including those
 * with NUL bytes inside and the last of its list, and a near miss that is text. */
Test(detect, every_packed_signature)
{
    static const struct { const char *b; size_t n; pith_format f; } sigs[] = {
        {"\x1f\x9d\x90", 3, PITH_FMT_BINARY},                   /* compress */
        {"\x28\xb5\x2f\xfd\0", 5, PITH_FMT_BINARY},             /* zstd */
        {"MSCF\0\0\0\0\1", 9, PITH_FMT_BINARY},                 /* cabinet */
        {"\0asm\1\0\0\0", 8, PITH_FMT_BINARY},                  /* WebAssembly */
        {"\xca\xfe\xba\xbe\0", 5, PITH_FMT_BINARY},             /* Java class */
        {"\xcf\xfa\xed\xfe\7", 5, PITH_FMT_BINARY},             /* Mach-O 64 */
        {"\xce\xfa\xed\xfe\7", 5, PITH_FMT_BINARY},             /* Mach-O 32 */
        {"SQLite format 3\0\x10", 17, PITH_FMT_BINARY},
        {"OggS\0\2", 6, PITH_FMT_BINARY},
        {"fLaC\0", 5, PITH_FMT_BINARY},
        {"wOFF\0\1", 6, PITH_FMT_BINARY},
        {"wOF2\0\1", 6, PITH_FMT_BINARY},                       /* the last of its list */
        {"\xff\xd8\xff\xdb", 4, PITH_FMT_IMAGE},                /* the first of its list */
        {"MM\0*\0\0\0\x08", 8, PITH_FMT_IMAGE},                 /* the last of its list */
        /* near misses: a signature cut short, or one byte off, is text */
        {"SQLite format 3 is a file format", 32, PITH_FMT_TEXT},
        {"wOF3 is no font", 15, PITH_FMT_TEXT},
        {"fLa", 3, PITH_FMT_TEXT},
    };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        cr_expect_eq(det(sigs[i].b, sigs[i].n, NULL), sigs[i].f, "signature %zu: got %s", i,
                     pith_format_name(det(sigs[i].b, sigs[i].n, NULL)));
}

/* Every word of the hint tables (the MIME aliases, then the extensions of each format) on text
 * that content alone calls plain, ASCII case-insensitively, and words that only resemble one. */
Test(detect, every_hint_word)
{
    static const struct { const char *hint; pith_format f; } hints[] = {
        {"application/xhtml+xml", PITH_FMT_HTML}, {"TEXT/X-MARKDOWN", PITH_FMT_MARKDOWN},
        {"application/csv", PITH_FMT_CSV}, {"text/tab-separated-values", PITH_FMT_CSV},
        {"text/json", PITH_FMT_JSON}, {"text/xml", PITH_FMT_XML}, {"text/rtf", PITH_FMT_RTF},
        {"application/xml", PITH_FMT_XML}, {"application/json; charset=utf-8", PITH_FMT_JSON},
        {"a.text", PITH_FMT_TEXT}, {"a.shtml", PITH_FMT_HTML}, {"a.xht", PITH_FMT_HTML},
        {"a.mdwn", PITH_FMT_MARKDOWN}, {"a.mkd", PITH_FMT_MARKDOWN}, {"a.tab", PITH_FMT_CSV},
        {"a.svg", PITH_FMT_XML}, {"a.ATOM", PITH_FMT_XML}, {"a.xsd", PITH_FMT_XML},
        {"a.eml", PITH_FMT_EML}, {"a.rtf", PITH_FMT_RTF},
        /* a binary format's hint is ignored once the content says text */
        {"a.dotm", PITH_FMT_TEXT}, {"a.xlsb", PITH_FMT_TEXT}, {"a.ppsx", PITH_FMT_TEXT},
        {"application/vnd.ms-outlook", PITH_FMT_TEXT}, {"application/octet-stream", PITH_FMT_TEXT},
        /* near misses name nothing */
        {"a.mdx", PITH_FMT_TEXT}, {"a.htmlx", PITH_FMT_TEXT}, {"a.tx", PITH_FMT_TEXT},
        {"a.m", PITH_FMT_TEXT}, {"md;charset=utf-8", PITH_FMT_TEXT}, {"text/", PITH_FMT_TEXT},
        {"a.", PITH_FMT_TEXT}, {"|", PITH_FMT_TEXT}, {"md|csv", PITH_FMT_TEXT},
        {"text/plain|txt", PITH_FMT_TEXT},
    };
    const char *s = "a,b,c\n1,2,3\n";
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        cr_expect_eq(det_str(s, hints[i].hint), hints[i].f, "hint \"%s\": got %s", hints[i].hint,
                     pith_format_name(det_str(s, hints[i].hint)));
}

/* MARK: - Text formats */

Test(detect, empty_input_is_an_empty_text_document)
{
    expect_fmt(det("", 0, NULL), PITH_FMT_TEXT);
    expect_fmt(pith_detect(NULL, 0, NULL, 0), PITH_FMT_TEXT);
    expect_fmt(det("", 0, "empty.md"), PITH_FMT_MARKDOWN);
    expect_fmt(det("", 0, "x.pdf"), PITH_FMT_TEXT);
    expect_fmt(det_str(" \n\t\n", NULL), PITH_FMT_TEXT);
}

Test(detect, recognises_whatwg_html_patterns)
{
    static const char *const yes[] = {
        "<!DOCTYPE html>\n<html>", "<!doctype HTML><p>x", "  \n<html lang=en>", "<HEAD>",
        "<script>var a;</script>", "<iframe src=x>", "<h1>Title</h1>", "<div class=a>",
        "<font size=2>", "<table>", "<a href=x>y</a>", "<style>p{}</style>", "<title>T</title>",
        "<b>bold</b>", "<body>", "<br>", "<p>para", "<!-- comment -->", "<!-->",
        "<!--\n licence\n-->\n<html>",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        pith_format f = det_str(yes[i], NULL);
        cr_expect_eq(f, PITH_FMT_HTML, "%s: got %s", yes[i], pith_format_name(f));
    }
    /* a pattern must end at a tag-terminating byte */
    expect_fmt(det_str("<abbr>x</abbr>", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("<bogus>", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("<!---x", NULL), PITH_FMT_TEXT);
}

Test(detect, decodes_byte_order_marks)
{
    expect_fmt(det_str("\xef\xbb\xbf<html><body>x", NULL), PITH_FMT_HTML);
    static const uint8_t le[] = {0xff, 0xfe, '<', 0, 'h', 0, 't', 0, 'm', 0, 'l', 0, '>', 0};
    static const uint8_t be[] = {0xfe, 0xff, 0, '<', 0, 'h', 0, 't', 0, 'm', 0, 'l', 0, '>'};
    expect_fmt(det(le, sizeof le, NULL), PITH_FMT_HTML);
    expect_fmt(det(be, sizeof be, NULL), PITH_FMT_HTML);
    static const uint8_t txt[] = {0xff, 0xfe, 'h', 0, 'i', 0, 0x3a, 0x4e, '\n', 0};
    expect_fmt(det(txt, sizeof txt, NULL), PITH_FMT_TEXT);
    expect_fmt(det(txt, sizeof txt, "a.csv"), PITH_FMT_CSV);
}

Test(detect, recognises_bomless_utf16_html)
{
    const char *html = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0//EN\">\r\n<HTML><BODY>hi";
    buf b = {0};
    for (const char *p = html; *p; p++) {
        put8(&b, (uint8_t)*p);
        put8(&b, 0);
    }
    expect_fmt(det(b.p, b.n, NULL), PITH_FMT_HTML);
    buf e = {0};
    for (const char *p = html; *p; p++) {
        put8(&e, 0);
        put8(&e, (uint8_t)*p);
    }
    expect_fmt(det(e.p, e.n, NULL), PITH_FMT_HTML);
    free(b.p);
    free(e.p);
}

Test(detect, xml_prolog_is_xml_unless_the_root_is_html)
{
    expect_fmt(det_str("<?xml version=\"1.0\"?>\n<catalog><cd/></catalog>", NULL), PITH_FMT_XML);
    expect_fmt(det_str("<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n"
                       "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">",
                       NULL),
               PITH_FMT_XML);
    expect_fmt(det_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- c -->\n"
                       "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
                       "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n"
                       "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head>",
                       NULL),
               PITH_FMT_HTML);
    expect_fmt(det_str("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a '>'> ]><h:HTML "
                       "xmlns:h='http://www.w3.org/1999/xhtml'>",
                       NULL),
               PITH_FMT_HTML);
    expect_fmt(det_str("<?xml version='1.0'?><htmlish/>", NULL), PITH_FMT_XML);
    /* a root past the 4 KiB window is not looked for */
    buf b = {0};
    put_str(&b, "<?xml version='1.0'?><!--");
    for (int i = 0; i < 5000; i++) put8(&b, 'x');
    put_str(&b, "--><html>");
    expect_fmt(det(b.p, b.n, NULL), PITH_FMT_XML);
    free(b.p);
}

Test(detect, looks_past_a_leading_comment)
{
    expect_fmt(det_str("<!--\n licence\n-->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", NULL),
               PITH_FMT_XML);
    expect_fmt(det_str("<!-- generated -->\n<?xml version=\"1.0\"?><root/>", NULL), PITH_FMT_XML);
    expect_fmt(det_str("<!-- toc -->\n\n# Title\n\nSee [the docs](http://x.org).\n", NULL),
               PITH_FMT_MARKDOWN);
    expect_fmt(det_str("<!-- toc -->\nplain words\n", NULL), PITH_FMT_HTML);
}

Test(detect, recognises_rfc5322_messages)
{
    expect_fmt(det_str("From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n"
                       "Date: Fri, 10 May 2024 16:45:00 +0000\r\n\r\nbody\r\n",
                       NULL),
               PITH_FMT_EML);
    expect_fmt(det_str("Received: from x\n\tby y; Tue, 6 Jun 2017\nX-Thing: 1\n"
                       "Message-ID: <a@b>\nMIME-Version: 1.0\n\nbody",
                       NULL),
               PITH_FMT_EML);
    expect_fmt(det_str("From someone@example.com Sat Jan  3 01:05:34 1996\n"
                       "Subject: mbox\nFrom: someone@example.com\n\nbody\n",
                       NULL),
               PITH_FMT_EML);
    /* header-like lines that are not a mail */
    expect_fmt(det_str("Subject: notes\n\nplain", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("Name: x\nTodo: y\nDate: today\n\nmore", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("From: a\nTo: b\nthis line is prose\nSubject: c\n\n", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("From the start, this is a story.\nSubject: none\n", NULL), PITH_FMT_TEXT);
}

Test(detect, recognises_json_by_a_bounded_check)
{
    expect_fmt(det_str("{\"a\": [1, -2.5e3, true, false, null, \"x\\\"y\"], \"b\": {}}", NULL),
               PITH_FMT_JSON);
    expect_fmt(det_str("  [\n  {\"id\": 1}\n]\n", NULL), PITH_FMT_JSON);
    expect_fmt(det_str("[]", NULL), PITH_FMT_JSON);
    expect_fmt(det_str("[x](y) is a markdown link", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("{ this is not json }", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("[1] first footnote", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("{\"a\": 1", NULL), PITH_FMT_TEXT);   /* the whole input, unfinished */
    expect_fmt(det_str("{\"a\" 1}", NULL), PITH_FMT_TEXT);   /* missing colon */
    expect_fmt(det_str("[1,, 2]", NULL), PITH_FMT_TEXT);
    /* longer than the window: the part seen is valid, the rest is not judged */
    buf b = {0};
    put_str(&b, "{\"items\": [");
    for (int i = 0; i < 2000; i++) put_str(&b, "\"abc\", ");
    put_str(&b, "\"end\"]}");
    expect_fmt(det(b.p, b.n, NULL), PITH_FMT_JSON);
    free(b.p);
}

Test(detect, text_hints_refine_plain_text)
{
    const char *s = "a,b,c\n1,2,3\n";
    expect_fmt(det_str(s, NULL), PITH_FMT_TEXT);
    expect_fmt(det_str(s, "data.csv"), PITH_FMT_CSV);
    expect_fmt(det_str(s, "DATA.CSV"), PITH_FMT_CSV);
    expect_fmt(det_str(s, "dir.v2/data.tsv"), PITH_FMT_CSV);
    expect_fmt(det_str(s, "C:\\files\\data.csv"), PITH_FMT_CSV);
    expect_fmt(det_str(s, "text/csv"), PITH_FMT_CSV);
    expect_fmt(det_str(s, "csv"), PITH_FMT_CSV);
    expect_fmt(det_str(s, ".csv"), PITH_FMT_CSV);
    expect_fmt(det_str(s, "notes.md"), PITH_FMT_MARKDOWN);
    expect_fmt(det_str(s, "text/markdown; charset=utf-8"), PITH_FMT_MARKDOWN);
    expect_fmt(det_str(s, "README.markdown"), PITH_FMT_MARKDOWN);
    expect_fmt(det_str(s, "x.json"), PITH_FMT_JSON);
    expect_fmt(det_str(s, "x.geojson"), PITH_FMT_JSON);
    expect_fmt(det_str(s, "application/ld+json"), PITH_FMT_JSON);
    expect_fmt(det_str(s, "feed.xml"), PITH_FMT_XML);
    expect_fmt(det_str(s, "image/svg+xml"), PITH_FMT_XML);
    expect_fmt(det_str(s, "page.htm"), PITH_FMT_HTML);
    expect_fmt(det_str(s, "page.xhtml"), PITH_FMT_HTML);
    expect_fmt(det_str(s, "text/html"), PITH_FMT_HTML);
    expect_fmt(det_str(s, "mail.eml"), PITH_FMT_EML);
    expect_fmt(det_str(s, "message/rfc822"), PITH_FMT_EML);
    expect_fmt(det_str(s, "x.rtf"), PITH_FMT_RTF);
    expect_fmt(det_str(s, "x.txt"), PITH_FMT_TEXT);
    expect_fmt(det_str(s, "text/plain"), PITH_FMT_TEXT);
    expect_fmt(det_str(s, "README"), PITH_FMT_TEXT);
    expect_fmt(det_str(s, "application/x-unknown"), PITH_FMT_TEXT);
    /* the hint length is honoured: "x.csvjunk" cut to "x.csv" */
    expect_fmt(pith_detect(s, strlen(s), "x.csvjunk", 5), PITH_FMT_CSV);
}

Test(detect, text_hint_outranks_content_sniffing)
{
    /* Markdown that opens with HTML, JSON-looking text in a .txt */
    expect_fmt(det_str("<p align=center><img src=logo.png></p>\n\n# Project\n", "README.md"),
               PITH_FMT_MARKDOWN);
    expect_fmt(det_str("<p>x</p>", "x.txt"), PITH_FMT_HTML);
    expect_fmt(det_str("# Title\n\nSee [x](y).\n", "x.txt"), PITH_FMT_TEXT);
}

Test(detect, binary_hint_does_not_override_text_content)
{
    expect_fmt(det_str("just some words\n", "report.pdf"), PITH_FMT_TEXT);
    expect_fmt(det_str("just some words\n", "report.docx"), PITH_FMT_TEXT);
    expect_fmt(det_str("<html><body>", "application/pdf"), PITH_FMT_HTML);
}

Test(detect, recognises_clear_markdown_without_a_hint)
{
    expect_fmt(det_str("# Title\n\nSome **bold** text.\n", NULL), PITH_FMT_MARKDOWN);
    expect_fmt(det_str("Intro\n\n## Build\n\n```sh\nmake\n```\n", NULL), PITH_FMT_MARKDOWN);
    expect_fmt(det_str("# A\n\nsee [the site](https://example.com)\n", NULL), PITH_FMT_MARKDOWN);
    expect_fmt(det_str("# A\n\n- one\n- two\n\n# B\n\ntext\n", NULL), PITH_FMT_MARKDOWN);
}

Test(detect, keeps_code_and_comments_as_text)
{
    /* a heading alone is not enough */
    expect_fmt(det_str("# Title\n\nJust prose.\n", NULL), PITH_FMT_TEXT);
    /* shell script */
    expect_fmt(det_str("#!/bin/sh\n\n# Build it\n\nmake **all**\n", NULL), PITH_FMT_TEXT);
    /* Python: comments on top of code, indexing-then-call, **kwargs */
    expect_fmt(det_str("# helpers\ndef f(*a, **kw):\n    return g[k](x)\n", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("\n# comment one\n# comment two\n\n[x](y) x**2 + y**2\n", NULL),
               PITH_FMT_TEXT);
    /* C preprocessor lines */
    expect_fmt(det_str("\n# include <stdio.h>\n\n/* see [a](b) */\n", NULL), PITH_FMT_TEXT);
    /* YAML */
    expect_fmt(det_str("# config\n\n- a\n- b\n", NULL), PITH_FMT_TEXT);
}

Test(detect, random_bytes_are_binary)
{
    uint8_t s[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof s; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = (uint8_t)(x >> 16);
    }
    s[0] = 'x'; /* no accidental signature */
    expect_fmt(det(s, sizeof s, NULL), PITH_FMT_BINARY);
    expect_fmt(det(s, sizeof s, "x.txt"), PITH_FMT_BINARY);
    uint8_t zeros[64] = {0};
    expect_fmt(det(zeros, sizeof zeros, NULL), PITH_FMT_BINARY);
}

Test(detect, legacy_8bit_text_is_text)
{
    /* windows-1252 smart quotes, a DOS EOF mark, an ISO-2022 escape */
    expect_fmt(det_str("These \x93smart\x94 quotes\x1a", NULL), PITH_FMT_TEXT);
    expect_fmt(det_str("\x1b$B$3$s$K$A$O\x1b(B and more plain words to make it long", NULL),
               PITH_FMT_TEXT);
}

/* MARK: - Hostile inputs */

static bool valid(pith_format f) { return (unsigned)f < PITH_FMT_COUNT; }

Test(detect_hostile, every_truncation_of_a_small_zip)
{
    buf b = zip_build(Z({"mimetype", "application/vnd.oasis.opendocument.text", 0},
                        {"content.xml", "<office:document-content/>", 0},
                        {"META-INF/manifest.xml", "<manifest/>", 0}),
                      (zopt){.comment = "c"});
    for (size_t n = 0; n <= b.n; n++) {
        /* a fresh copy of exactly n bytes so ASan sees any overread */
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, b.p, n);
        pith_format f = pith_detect(p, n, "x.odt", 5);
        cr_assert(valid(f));
        if (n >= 38 + 39) cr_expect_eq(f, PITH_FMT_ODT, "cut at %zu: %s", n, pith_format_name(f));
        free(p);
    }
    free(b.p);
}

Test(detect_hostile, every_truncation_of_a_zip64_archive)
{
    buf b = zip_build(Z({"word/document.xml", "x", 0}), (zopt){.zip64 = true});
    for (size_t n = 0; n <= b.n; n++) {
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, b.p, n);
        cr_assert(valid(pith_detect(p, n, NULL, 0)));
        free(p);
    }
    free(b.p);
}

Test(detect_hostile, zip_with_lying_directory_fields)
{
    buf b = zip_build(Z({"word/document.xml", "x", 0}), no_opt);
    size_t eocd = b.n - 22;
    static const uint32_t lies[] = {0, 1, 0x7fffffffu, 0xfffffffeu, 0xffffffffu};
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        for (size_t j = 0; j < sizeof lies / sizeof lies[0]; j++) {
            buf c = {0};
            put(&c, b.p, b.n);
            set32(&c, eocd + 12, lies[i]); /* cd size */
            set32(&c, eocd + 16, lies[j]); /* cd offset */
            cr_assert(valid(det(c.p, c.n, NULL)));
            /* name length past the end */
            c.p[eocd - 17 - 46 + 28] = 0xff;
            c.p[eocd - 17 - 46 + 29] = 0xff;
            cr_assert(valid(det(c.p, c.n, NULL)));
            free(c.p);
        }
    }
    /* a ZIP64 locator pointing anywhere */
    buf z = zip_build(Z({"word/document.xml", "x", 0}), (zopt){.zip64 = true});
    size_t loc = z.n - 22 - 20;
    for (uint32_t off = 0; off < 0xffffffffu; off = off * 3 + 7) {
        set32(&z, loc + 8, off);
        set32(&z, loc + 12, off);
        cr_assert(valid(det(z.p, z.n, NULL)));
        if (off > 0x40000000u) break;
    }
    free(z.p);
    free(b.p);
}

Test(detect_hostile, zip_signature_soup)
{
    /* local and central signatures back to back: the fallback scan must still end */
    buf b = {0};
    put_str(&b, "PK\x03\x04");
    for (int i = 0; i < 20000; i++) put_str(&b, i % 2 ? "PK\x01\x02" : "PK\x03\x04");
    cr_assert(valid(det(b.p, b.n, NULL)));
    free(b.p);
}

Test(detect_hostile, every_truncation_of_a_small_ole2)
{
    buf b = ole_build(O({"WordDocument", 2, 0}, {"1Table", 2, 0}), o_none);
    for (size_t n = 0; n <= b.n; n++) {
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, b.p, n);
        pith_format f = pith_detect(p, n, NULL, 0);
        cr_assert(valid(f));
        if (n >= 8 && n < 512 + 512) cr_expect_eq(f, PITH_FMT_OLE2, "cut at %zu", n);
        free(p);
    }
    free(b.p);
}

Test(detect_hostile, ole2_garbage_headers)
{
    buf b = ole_build(O({"WordDocument", 2, 0}), o_none);
    static const struct { size_t at; uint16_t v; } pokes[] = {
        {26, 5},      /* major version */
        {28, 0xfeff}, /* byte order */
        {30, 30},     /* sector shift */
        {30, 0},
        {30, 12},     /* v4 sectors in a v3 file */
    };
    for (size_t i = 0; i < sizeof pokes / sizeof pokes[0]; i++) {
        buf c = {0};
        put(&c, b.p, b.n);
        c.p[pokes[i].at] = (uint8_t)pokes[i].v;
        c.p[pokes[i].at + 1] = (uint8_t)(pokes[i].v >> 8);
        expect_fmt(det(c.p, c.n, NULL), PITH_FMT_OLE2);
        free(c.p);
    }
    static const uint32_t dirs[] = {0, 2, 1000, 0xfffffffau, 0xfffffffeu, 0xffffffffu};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        buf c = {0};
        put(&c, b.p, b.n);
        set32(&c, 48, dirs[i]); /* first directory sector */
        cr_assert(valid(det(c.p, c.n, NULL)));
        set32(&c, 76, dirs[i]); /* the FAT sector */
        cr_assert(valid(det(c.p, c.n, NULL)));
        free(c.p);
    }
    free(b.p);
}

Test(detect_hostile, ole2_directory_chain_cycle)
{
    /* the chain returns to its first sector: the walk stops, the names still count */
    oopt o = {.dir_cycle = true};
    expect_fmt(ole_detect(O({"a", 2, 0}, {"b", 2, 0}, {"c", 2, 0}, {"d", 2, 0},
                            {"WordDocument", 2, 0}),
                          o),
               PITH_FMT_DOC);
    /* a sector whose FAT entry points at itself */
    buf b = ole_build(O({"Workbook", 2, 0}), o_none);
    set32(&b, 512 + 4, 1);
    expect_fmt(det(b.p, b.n, NULL), PITH_FMT_XLS);
    free(b.p);
}

Test(detect_hostile, ole2_sibling_tree_cycle)
{
    oopt o = {.sibling_cycle = true};
    expect_fmt(ole_detect(O({"a", 2, 0}, {"b", 2, 0}, {"PowerPoint Document", 2, 0}), o),
               PITH_FMT_PPT);
    /* an entry that is its own left and right sibling and child */
    buf b = ole_build(O({"a", 2, 0}), o_none);
    size_t e1 = 1024 + 128;
    set32(&b, e1 + 68, 1);
    set32(&b, e1 + 72, 1);
    set32(&b, e1 + 76, 1);
    expect_fmt(det(b.p, b.n, NULL), PITH_FMT_OLE2);
    free(b.p);
}

Test(detect_hostile, ole2_difat_chain_cycle)
{
    /* the first DIFAT sector names itself as next, and the header claims 2^32-1 of them */
    buf b = ole_with_difat(30300, 0xffffffffu, true);
    cr_assert(valid(det(b.p, b.n, NULL)));
    free(b.p);
    /* the hop the FAT sector needs is past the DIFAT sectors the header claims: the first
     * directory sector is still read, the second is out of reach */
    buf c = ole_with_difat(30300, 1, false);
    expect_fmt(det(c.p, c.n, NULL), PITH_FMT_OLE2);
    free(c.p);
}

Test(detect_hostile, pathological_text)
{
    /* unclosed comments, doctype subsets, strings and nesting, all longer than the window */
    static const char *const heads[] = {"<?xml version='1.0'?><!--", "<?xml version='1.0'?><!DOCTYPE x [",
                                        "[\"", "[[[[[[[[", "<!--", "From: a\n "};
    for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
        buf b = {0};
        put_str(&b, heads[h]);
        for (int i = 0; i < 10000; i++) put8(&b, heads[h][strlen(heads[h]) - 1]);
        cr_assert(valid(det(b.p, b.n, NULL)));
        free(b.p);
    }
    buf d = {0};
    for (int i = 0; i < 100000; i++) put8(&d, '[');
    expect_fmt(det(d.p, d.n, NULL), PITH_FMT_JSON); /* nesting past the stack: JSON-ish */
    free(d.p);
}

/* MARK: - Corpus */

static const char *corpus_dir(void)
{
    const char *d = getenv("PITH_CORPUS");
    return d && *d ? d : "../shared/corpus";
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    buf b = {0};
    uint8_t tmp[65536];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) put(&b, tmp, k);
    fclose(f);
    *len = b.n;
    return b.p ? b.p : malloc(1);
}

typedef struct row {
    char path[512];
    char format[64];
} row;

/* MANIFEST.tsv rows (path, format); NULL if the corpus is absent. */
static row *read_manifest(size_t *count)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/MANIFEST.tsv", corpus_dir());
    FILE *f = fopen(p, "r");
    if (!f) return NULL;
    row *rows = NULL;
    size_t n = 0, cap = 0;
    char line[4096];
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        if (header) {
            header = false;
            continue;
        }
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        char *tab2 = strchr(tab + 1, '\t');
        if (!tab2) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            rows = realloc(rows, cap * sizeof *rows);
        }
        snprintf(rows[n].path, sizeof rows[n].path, "%.*s", (int)(tab - line), line);
        snprintf(rows[n].format, sizeof rows[n].format, "%.*s", (int)(tab2 - tab - 1), tab + 1);
        n++;
    }
    fclose(f);
    *count = n;
    return rows;
}

/* Paths NOTES.tsv marks as "ENCRYPTED OOXML": a .docx/.xlsx/.pptx that is really a CFB
 * container, which detection must call ooxml-encrypted whatever the name says. */
static bool noted_encrypted(const char *path)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/NOTES.tsv", corpus_dir());
    FILE *f = fopen(p, "r");
    if (!f) return false;
    char line[4096];
    size_t n = strlen(path);
    bool yes = false;
    while (!yes && fgets(line, sizeof line, f))
        yes = strncmp(line, path, n) == 0 && line[n] == '\t' && strstr(line, "ENCRYPTED OOXML");
    fclose(f);
    return yes;
}

static const char *expected_name(const row *r)
{
    if (noted_encrypted(r->path)) return "ooxml-encrypted";
    if (!strcmp(r->format, "md")) return "markdown";
    if (!strcmp(r->format, "txt")) return "text";
    return r->format;
}

static bool content_decides(const char *want)
{
    static const char *const fmts[] = {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp",
                                       "epub", "rtf", "ooxml-encrypted", "html", "xml", "eml",
                                       "json"};
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
        if (!strcmp(want, fmts[i])) return true;
    return false;
}

Test(detect, corpus_matches_manifest)
{
    size_t n = 0;
    row *rows = read_manifest(&n);
    if (!rows) cr_skip("corpus not found at %s (set PITH_CORPUS)", corpus_dir());
    /* per folder: files, right with hint, right without */
    struct tally { char fmt[64]; int files, hinted, bare; } t[32];
    size_t nt = 0;
    int checked = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(rows[i].format, "malformed", 9)) continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", corpus_dir(), rows[i].path);
        size_t len = 0;
        uint8_t *data = slurp(p, &len);
        cr_expect(data != NULL, "cannot read %s", p);
        if (!data) continue;
        const char *want = expected_name(&rows[i]);
        const char *base = strrchr(rows[i].path, '/');
        base = base ? base + 1 : rows[i].path;
        const char *with = pith_format_name(pith_detect(data, len, base, strlen(base)));
        const char *bare = pith_format_name(pith_detect(data, len, NULL, 0));
        cr_expect_str_eq(with, want, "%s with its name as hint: got %s, want %s", rows[i].path,
                         with, want);
        if (content_decides(want))
            cr_expect_str_eq(bare, want, "%s without hint: got %s, want %s", rows[i].path, bare,
                             want);
        else if (strcmp(bare, want) != 0)
            cr_log_info("detect: %s without hint is %s (%s with its name)", rows[i].path, bare,
                        want);
        size_t k = 0;
        while (k < nt && strcmp(t[k].fmt, rows[i].format) != 0) k++;
        if (k == nt && nt < 32) {
            snprintf(t[nt].fmt, sizeof t[nt].fmt, "%s", rows[i].format);
            t[nt].files = t[nt].hinted = t[nt].bare = 0;
            nt++;
        }
        if (k < nt) {
            t[k].files++;
            t[k].hinted += !strcmp(with, want);
            t[k].bare += !strcmp(bare, want);
        }
        checked++;
        free(data);
    }
    for (size_t k = 0; k < nt; k++)
        cr_log_info("detect: %-5s %3d files, %3d right with hint, %3d without", t[k].fmt,
                    t[k].files, t[k].hinted, t[k].bare);
    cr_expect_gt(checked, 250, "only %d corpus files checked", checked);
    free(rows);
}

Test(detect_hostile, corpus_malformed_files_do_not_crash)
{
    size_t n = 0;
    row *rows = read_manifest(&n);
    if (!rows) cr_skip("corpus not found at %s (set PITH_CORPUS)", corpus_dir());
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(rows[i].format, "malformed", 9) != 0) continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", corpus_dir(), rows[i].path);
        size_t len = 0;
        uint8_t *data = slurp(p, &len);
        if (!data) continue;
        const char *base = strrchr(rows[i].path, '/');
        base = base ? base + 1 : rows[i].path;
        cr_expect(valid(pith_detect(data, len, base, strlen(base))), "%s", rows[i].path);
        cr_expect(valid(pith_detect(data, len, NULL, 0)), "%s", rows[i].path);
        seen++;
        free(data);
    }
    cr_expect_gt(seen, 0, "no malformed files found");
    free(rows);
}

Test(detect_hostile, every_truncation_of_a_corpus_docx)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/docx/mammoth__empty.docx", corpus_dir());
    size_t len = 0;
    uint8_t *data = slurp(p, &len);
    if (!data) cr_skip("corpus not found at %s (set PITH_CORPUS)", corpus_dir());
    for (size_t n = 0; n <= len; n++) {
        uint8_t *c = malloc(n ? n : 1);
        memcpy(c, data, n);
        cr_assert(valid(pith_detect(c, n, NULL, 0)));
        free(c);
    }
    expect_fmt(pith_detect(data, len, NULL, 0), PITH_FMT_DOCX);
    free(data);
}
