/* test_epub.c: the EPUB handler (handlers/office/epub.c), issue 8.
 *
 * Books are built here (tests/c/office_util.h's zip writer) after EPUB 3.3 (OCF container.xml,
 * the package document's metadata, manifest and spine, encryption.xml); expected texts are
 * written by hand from the XHTML given and the text serializer's rules (blocks separated by
 * a blank line), or read off the corpus books' XHTML. Suite epub_hostile: a missing
 * container, no spine, dangling idrefs, one item listed 100,000 times, a zip bomb item, a
 * huge item, encrypted items: statuses, warnings and bounded memory, never wall time.
 */
#define _POSIX_C_SOURCE 200809L /* strdup in decoders_util.h */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "decoders_util.h"
#include "doc_util.h"
#include "office_util.h"

extern const pith_handler pith_handler_epub;

TestSuite(epub);
TestSuite(epub_hostile);

#define CONTAINER(path)                                                                        \
    "<?xml version=\"1.0\"?><container version=\"1.0\" "                                      \
    "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles><rootfile "          \
    "full-path=\"" path "\" media-type=\"application/oebps-package+xml\"/></rootfiles></container>"
#define OPF_OPEN                                                                               \
    "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">"  \
    "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
#define XHTML(body)                                                                            \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"  \
    "<head><title>t</title></head><body>" body "</body></html>"
#define ITEM(id, href) "<item id=\"" id "\" href=\"" href "\" media-type=\"application/xhtml+xml\"/>"

static doc_result run_epub(const void *data, size_t len)
{
    pith_options o = pith_options_default();
    return doc_run_with(&pith_handler_epub, PITH_FMT_EPUB, data, len, o);
}

/* mimetype, then the entries given */
static doc_result run_book(const oz_entry *es, size_t n)
{
    oz_entry all[32];
    cr_assert(n < 31);
    memset(all, 0, sizeof all);
    all[0].name = "mimetype";
    all[0].data = "application/epub+zip";
    memcpy(all + 1, es, n * sizeof *es);
    buf z;
    oz_build(&z, all, n + 1);
    doc_result r = run_epub(z.p, z.n);
    free(z.p);
    return r;
}

/* MARK: - Reading order and metadata */

Test(epub, spine_order_one_unit_per_item_and_dublin_core_metadata)
{
    static const char opf[] =
        OPF_OPEN "<dc:title>The Book</dc:title><dc:title>Second title</dc:title>"
        "<dc:creator>Ann</dc:creator><dc:creator>Bob</dc:creator><dc:language>en</dc:language>"
        "<dc:date>2020-01-02</dc:date><dc:publisher>Pub</dc:publisher>"
        "<dc:description> About it. </dc:description><dc:subject>A</dc:subject>"
        "<dc:subject>B</dc:subject></metadata><manifest>" ITEM("c1", "text/one.xhtml")
        ITEM("c2", "text/two%20x.xhtml") ITEM("c3", "../OPS/text/three.xhtml")
        "<item id=\"css\" href=\"s.css\" media-type=\"text/css\"/></manifest>"
        "<spine><itemref idref=\"c2\"/><itemref idref=\"c3\" linear=\"no\"/>"
        "<itemref idref=\"c1\"/></spine></package>";
    oz_entry es[] = {
        {.name = "META-INF/container.xml", .data = CONTAINER("OPS/book.opf")},
        {.name = "OPS/book.opf", .data = opf},
        {.name = "OPS/text/one.xhtml", .data = XHTML("<p>One</p>")},
        {.name = "OPS/text/two x.xhtml", .data = XHTML("<h1>Two</h1><p>second</p>")},
        {.name = "OPS/text/three.xhtml", .data = XHTML("<p>Three</p>")},
    };
    doc_result r = run_book(es, 5);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.units, 3);
    /* href %-escapes decoded, "../OPS/" climbs out and back; linear="no" kept in its place */
    cr_expect_str_eq(r.text.p, "Two\n\nsecond\n\nThree\n\nOne\n");
    cr_expect_eq(r.nwarnings, 0, "%s", r.warnings.p);
    char v[128];
    cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v), "The Book");
    cr_expect_str_eq(doc_meta(&r, "author", v, sizeof v), "Ann; Bob");
    cr_expect_str_eq(doc_meta(&r, "language", v, sizeof v), "en");
    cr_expect_str_eq(doc_meta(&r, "date", v, sizeof v), "2020-01-02");
    cr_expect_str_eq(doc_meta(&r, "publisher", v, sizeof v), "Pub");
    cr_expect_str_eq(doc_meta(&r, "description", v, sizeof v), "About it.");
    cr_expect_str_eq(doc_meta(&r, "subject", v, sizeof v), "A; B");
    doc_result_free(&r);
}

Test(epub, units_are_named_by_their_item_path_in_json)
{
    static const char opf[] =
        OPF_OPEN "<dc:title>T</dc:title></metadata><manifest>" ITEM("a", "text/one.xhtml")
        ITEM("b", "two%20x.xhtml") "</manifest><spine><itemref idref=\"b\"/><itemref idref=\"a\"/></spine></package>";
    oz_entry es[] = {
        {.name = "META-INF/container.xml", .data = CONTAINER("OPS/book.opf")},
        {.name = "OPS/book.opf", .data = opf},
        {.name = "OPS/text/one.xhtml", .data = XHTML("<p>One</p>")},
        {.name = "OPS/two x.xhtml", .data = XHTML("<p>Two</p>")},
    };
    oz_entry all[5];
    memset(all, 0, sizeof all);
    all[0].name = "mimetype";
    all[0].data = "application/epub+zip";
    memcpy(all + 1, es, sizeof es);
    buf z;
    oz_build(&z, all, 5);
    pith_options o = pith_options_default();
    o.output = PITH_OUT_JSONL;
    doc_result r = doc_run_with(&pith_handler_epub, PITH_FMT_EPUB, z.p, z.n, o);
    free(z.p);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.text.p, "{\"type\":\"unit\",\"index\":0,\"kind\":\"item\",\"name\":\"OPS/two x.xhtml\"}") != NULL,
              "%s", r.text.p);
    cr_expect(strstr(r.text.p, "{\"type\":\"unit\",\"index\":1,\"kind\":\"item\",\"name\":\"OPS/text/one.xhtml\"}") != NULL,
              "%s", r.text.p);
    doc_result_free(&r);
}

Test(epub, xml_declaration_names_the_encoding)
{
    /* "café" in windows-1252 (0xE9), declared only by the XML declaration */
    static const char item[] = "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"
                               "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>caf\xe9</p>"
                               "</body></html>";
    static const char opf[] = OPF_OPEN "</metadata><manifest>" ITEM("a", "a.xhtml")
        "</manifest><spine><itemref idref=\"a\"/></spine></package>";
    oz_entry es[] = {{.name = "META-INF/container.xml", .data = CONTAINER("content.opf")},
                     {.name = "content.opf", .data = opf},
                     {.name = "a.xhtml", .data = item}};
    doc_result r = run_book(es, 3);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "caf\xc3\xa9\n");
    doc_result_free(&r);
}

Test(epub, images_in_the_spine_give_no_text)
{
    static const char opf[] = OPF_OPEN "</metadata><manifest>"
        "<item id=\"cov\" href=\"c.jpg\" media-type=\"image/jpeg\"/>" ITEM("a", "a.xhtml")
        "</manifest><spine><itemref idref=\"cov\"/><itemref idref=\"a\"/></spine></package>";
    oz_entry es[] = {{.name = "META-INF/container.xml", .data = CONTAINER("content.opf")},
                     {.name = "content.opf", .data = opf},
                     {.name = "c.jpg", .data = "\xff\xd8\xff\xe0 not really", .len = 14},
                     {.name = "a.xhtml", .data = XHTML("<p>text</p>")}};
    doc_result r = run_book(es, 4);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.units, 2);
    cr_expect_str_eq(r.text.p, "text\n");
    cr_expect_eq(r.nwarnings, 0, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(epub, font_obfuscation_is_harmless_and_encrypted_content_is_skipped)
{
    static const char opf[] = OPF_OPEN "</metadata><manifest>" ITEM("a", "a.xhtml")
        ITEM("b", "b.xhtml") "</manifest><spine><itemref idref=\"a\"/><itemref idref=\"b\"/>"
        "</spine></package>";
    static const char enc[] =
        "<encryption xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" "
        "xmlns:enc=\"http://www.w3.org/2001/04/xmlenc#\"><enc:EncryptedData>"
        "<enc:EncryptionMethod Algorithm=\"http://www.idpf.org/2008/embedding\"/>"
        "<enc:CipherData><enc:CipherReference URI=\"OPS/a.xhtml\"/></enc:CipherData>"
        "</enc:EncryptedData><enc:EncryptedData>"
        "<enc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/>"
        "<enc:CipherData><enc:CipherReference URI=\"OPS/b.xhtml\"/></enc:CipherData>"
        "</enc:EncryptedData></encryption>";
    oz_entry es[] = {{.name = "META-INF/container.xml", .data = CONTAINER("OPS/p.opf")},
                     {.name = "META-INF/encryption.xml", .data = enc},
                     {.name = "OPS/p.opf", .data = opf},
                     {.name = "OPS/a.xhtml", .data = XHTML("<p>clear</p>")},
                     {.name = "OPS/b.xhtml", .data = "\x93\x11\xaf random cipher bytes", .len = 22}};
    doc_result r = run_book(es, 5);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK);
    cr_expect_str_eq(r.text.p, "clear\n");
    cr_expect(strstr(r.warnings.p, "PITH_E_ENCRYPTED") != NULL, "%s", r.warnings.p);
    cr_expect(strstr(r.warnings.p, "OPS/b.xhtml") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(epub, every_item_encrypted_is_an_encrypted_document)
{
    static const char opf[] = OPF_OPEN "</metadata><manifest>" ITEM("b", "b.xhtml")
        "</manifest><spine><itemref idref=\"b\"/></spine></package>";
    static const char enc[] =
        "<encryption xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\" "
        "xmlns:enc=\"http://www.w3.org/2001/04/xmlenc#\"><enc:EncryptedData>"
        "<enc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/>"
        "<enc:CipherData><enc:CipherReference URI=\"b.xhtml\"/></enc:CipherData>"
        "</enc:EncryptedData></encryption>";
    oz_entry es[] = {{.name = "META-INF/container.xml", .data = CONTAINER("p.opf")},
                     {.name = "META-INF/encryption.xml", .data = enc},
                     {.name = "p.opf", .data = opf},
                     {.name = "b.xhtml", .data = "\x93\x11 cipher", .len = 9}};
    doc_result r = run_book(es, 4);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_E_ENCRYPTED);
    doc_result_free(&r);
}

Test(epub, corpus_tika_book_by_hand)
{
    size_t len = 0;
    uint8_t *data = corpus_read("epub/tika__testEPUB.epub", &len);
    cr_assert(data != NULL);
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.format, PITH_FMT_EPUB);
    /* OPS/content.opf's spine: CoverPage, TableOfContents, chapter1, chapter2 */
    cr_expect_eq(r.units, 4);
    const char *one = strstr(r.text.p, "This is the text for chapter One");
    const char *two = strstr(r.text.p, "This is the text for chapter Two");
    cr_expect(one && two && one < two, "%s", r.text.p);
    cr_expect(strstr(r.text.p, "- First item\n- Second item\n") != NULL, "%s", r.text.p);
    char v[128];
    cr_expect_str_eq(doc_meta(&r, "author", v, sizeof v), "Bart Hanssens");
    cr_expect_str_eq(doc_meta(&r, "publisher", v, sizeof v), "Apache");
    doc_result_free(&r);
    free(data);
}

Test(epub, corpus_xml_extension_items_are_xhtml)
{
    size_t len = 0;
    uint8_t *data = corpus_read("epub/tika__testEPUB_xml_ext.epub", &len);
    cr_assert(data != NULL);
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* OPS/main1.xml, by hand */
    cr_expect(strstr(r.text.p, "It was a bright cold day in April, and the clocks were striking\nthirteen.") ||
                  strstr(r.text.p, "It was a bright cold day in April, and the clocks were striking thirteen."),
              "%s", r.text.p);
    char v[64];
    cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v), "1984");
    cr_expect_str_eq(doc_meta(&r, "subject", v, sizeof v), "Novels; Science Fiction; Politics");
    doc_result_free(&r);
    free(data);
}

Test(epub, corpus_books_all_open)
{
    static const char *const files[] = {"kreuzberg__features.epub", "kreuzberg__formatting.epub",
                                        "kreuzberg__wasteland.epub", "kreuzberg__winter_sports.epub"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[128];
        size_t len = 0;
        snprintf(rel, sizeof rel, "epub/%s", files[i]);
        uint8_t *data = corpus_read(rel, &len);
        cr_assert(data != NULL);
        doc_result r = doc_run(data, len, PITH_OUT_TEXT);
        cr_expect_eq(r.open_st, PITH_OK, "%s: %s", files[i], r.err);
        cr_expect_eq(r.next_st, PITH_OK, "%s: %s", files[i], r.err);
        cr_expect_eq(r.nwarnings, 0, "%s: %s", files[i], r.warnings.p);
        cr_expect(r.text.n > 1000, "%s", files[i]);
        doc_result_free(&r);
        free(data);
    }
    /* the Waste Land, by hand from EPUB/wasteland-content.xhtml */
    size_t len = 0;
    uint8_t *data = corpus_read("epub/kreuzberg__wasteland.epub", &len);
    doc_result r = doc_run(data, len, PITH_OUT_TEXT);
    cr_expect(strstr(r.text.p, "April is the cruellest month, breeding") != NULL);
    doc_result_free(&r);
    free(data);
}

/* MARK: - Hostile */

Test(epub_hostile, missing_container_falls_back_on_the_package_document)
{
    static const char opf[] = OPF_OPEN "</metadata><manifest>" ITEM("a", "a.xhtml")
        "</manifest><spine><itemref idref=\"a\"/></spine></package>";
    oz_entry es[] = {{.name = "OEBPS/x.opf", .data = opf},
                     {.name = "OEBPS/a.xhtml", .data = XHTML("<p>found</p>")}};
    doc_result r = run_book(es, 2);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_str_eq(r.text.p, "found\n");
    cr_expect(strstr(r.warnings.p, "no META-INF/container.xml") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(epub_hostile, missing_container_and_package_is_a_format_error)
{
    oz_entry es[] = {{.name = "a.xhtml", .data = XHTML("<p>x</p>")}};
    doc_result r = run_book(es, 1);
    cr_expect_eq(r.open_st, PITH_E_FORMAT);
    cr_expect(strstr(r.err, "epub:") != NULL, "%s", r.err);
    doc_result_free(&r);
}

Test(epub_hostile, package_without_spine_reads_the_manifest)
{
    static const char opf[] = OPF_OPEN "</metadata><manifest>" ITEM("a", "a.xhtml")
        "<item id=\"n\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>"
        ITEM("b", "b.xhtml") "</manifest></package>";
    oz_entry es[] = {{.name = "META-INF/container.xml", .data = CONTAINER("p.opf")},
                     {.name = "p.opf", .data = opf},
                     {.name = "a.xhtml", .data = XHTML("<p>A</p>")},
                     {.name = "toc.ncx", .data = "<ncx/>"},
                     {.name = "b.xhtml", .data = XHTML("<p>B</p>")}};
    doc_result r = run_book(es, 5);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.units, 2);
    cr_expect_str_eq(r.text.p, "A\n\nB\n");
    cr_expect(strstr(r.warnings.p, "no spine") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(epub_hostile, dangling_idrefs_and_missing_files_are_warnings)
{
    static const char opf[] = OPF_OPEN "</metadata><manifest>" ITEM("a", "a.xhtml")
        ITEM("gone", "gone.xhtml") "</manifest><spine><itemref idref=\"nope\"/>"
        "<itemref idref=\"a\"/><itemref idref=\"gone\"/></spine></package>";
    oz_entry es[] = {{.name = "META-INF/container.xml", .data = CONTAINER("p.opf")},
                     {.name = "p.opf", .data = opf},
                     {.name = "a.xhtml", .data = XHTML("<p>kept</p>")}};
    doc_result r = run_book(es, 3);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.units, 1);
    cr_expect_str_eq(r.text.p, "kept\n");
    cr_expect(strstr(r.warnings.p, "idref nope") != NULL, "%s", r.warnings.p);
    cr_expect(strstr(r.warnings.p, "gone.xhtml") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(epub_hostile, an_item_listed_a_hundred_thousand_times_is_read_once)
{
    buf opf = {0};
    buf_str(&opf, OPF_OPEN "</metadata><manifest>" ITEM("a", "a.xhtml"));
    /* and 1,000 more manifest ids naming the same file */
    for (int i = 0; i < 1000; i++) {
        char t[128];
        snprintf(t, sizeof t, "<item id=\"d%d\" href=\"./a.xhtml\" media-type=\"application/xhtml+xml\"/>", i);
        buf_str(&opf, t);
    }
    buf_str(&opf, "</manifest><spine>");
    for (int i = 0; i < 100000; i++) buf_str(&opf, "<itemref idref=\"a\"/>");
    for (int i = 0; i < 1000; i++) {
        char t[64];
        snprintf(t, sizeof t, "<itemref idref=\"d%d\"/>", i);
        buf_str(&opf, t);
    }
    buf_str(&opf, "</spine></package>");
    oz_entry es[] = {{.name = "META-INF/container.xml", .data = CONTAINER("p.opf")},
                     {.name = "p.opf", .data = opf.p, .len = opf.n},
                     {.name = "a.xhtml", .data = XHTML("<p>once</p>")}};
    doc_result r = run_book(es, 3);
    free(opf.p);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.units, 1);
    cr_expect_str_eq(r.text.p, "once\n");
    cr_expect(strstr(r.warnings.p, "100999 spine entries repeat") != NULL, "%s", r.warnings.p);
    cr_expect(r.stats.memory_high < (uint64_t)64 << 20);
    doc_result_free(&r);
}

Test(epub_hostile, zip_bomb_item_is_refused_before_inflating)
{
    /* a few hundred bytes of DEFLATE declared to inflate to 4 GB: past max_ratio, refused up front */
    uint8_t bomb[1024];
    size_t bn = du_make_bomb(bomb, sizeof bomb, 10);
    cr_assert(bn <= sizeof bomb);
    static const char opf[] = OPF_OPEN "</metadata><manifest>" ITEM("a", "a.xhtml")
        "</manifest><spine><itemref idref=\"a\"/></spine></package>";
    oz_entry es[] = {{.name = "META-INF/container.xml", .data = CONTAINER("p.opf")},
                     {.name = "p.opf", .data = opf},
                     {.name = "a.xhtml", .data = (const char *)bomb, .len = bn, .method = 8,
                      .usize = 0xFFFFFFF0u}};
    doc_result r = run_book(es, 3);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_E_LIMIT);
    cr_expect(strstr(r.err, "max_ratio") != NULL, "%s", r.err);
    cr_expect(r.stats.memory_high < (uint64_t)16 << 20);
    doc_result_free(&r);
}

Test(epub_hostile, deflate_bomb_within_the_ratio_stops_at_the_budget)
{
    /* a real bomb declared truthfully (ratio ~1000, under max_ratio): the decompression budget
     * of the document (set to 8 MiB here) stops it */
    size_t matches = 100000; /* 25.8 MB */
    size_t cap = matches / 2 + 1024;
    uint8_t *bomb = malloc(cap);
    cr_assert(bomb != NULL);
    size_t bn = du_make_bomb(bomb, cap, matches);
    static const char opf[] = OPF_OPEN "</metadata><manifest>" ITEM("a", "a.xhtml")
        "</manifest><spine><itemref idref=\"a\"/></spine></package>";
    oz_entry es[] = {{.name = "mimetype", .data = "application/epub+zip"},
                     {.name = "META-INF/container.xml", .data = CONTAINER("p.opf")},
                     {.name = "p.opf", .data = opf},
                     {.name = "a.xhtml", .data = (const char *)bomb, .len = bn, .method = 8,
                      .usize = (uint32_t)(1 + matches * 258)}};
    buf z;
    oz_build(&z, es, 4);
    free(bomb);
    pith_options o = pith_options_default();
    o.limits.max_decompressed_bytes = 8u << 20;
    doc_result r = doc_run_with(&pith_handler_epub, PITH_FMT_EPUB, z.p, z.n, o);
    free(z.p);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_E_LIMIT);
    cr_expect(strstr(r.err, "max_decompressed_bytes") != NULL, "%s", r.err);
    cr_expect(r.stats.memory_high < (uint64_t)32 << 20);
    doc_result_free(&r);
}

Test(epub_hostile, a_huge_item_streams_through)
{
    /* 200,000 paragraphs (about 5 MB): all of them come out, in order */
    buf item = {0};
    buf_str(&item, "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body>");
    for (int i = 0; i < 200000; i++) buf_str(&item, "<p>para graph</p>");
    buf_str(&item, "<p>THE END</p></body></html>");
    static const char opf[] = OPF_OPEN "</metadata><manifest>" ITEM("a", "a.xhtml")
        "</manifest><spine><itemref idref=\"a\"/></spine></package>";
    oz_entry es[] = {{.name = "META-INF/container.xml", .data = CONTAINER("p.opf")},
                     {.name = "p.opf", .data = opf},
                     {.name = "a.xhtml", .data = item.p, .len = item.n}};
    doc_result r = run_book(es, 3);
    free(item.p);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.next_st, PITH_OK);
    cr_expect_eq(r.text.n, (size_t)200000 * 12 + 8);
    cr_expect(r.text.n > 8 && strcmp(r.text.p + r.text.n - 8, "THE END\n") == 0);
    doc_result_free(&r);
}

Test(epub_hostile, every_truncation_of_a_small_book_ends_cleanly)
{
    static const char opf[] = OPF_OPEN "<dc:title>T</dc:title></metadata><manifest>"
        ITEM("a", "a.xhtml") "</manifest><spine><itemref idref=\"a\"/></spine></package>";
    oz_entry es[] = {{.name = "mimetype", .data = "application/epub+zip"},
                     {.name = "META-INF/container.xml", .data = CONTAINER("p.opf")},
                     {.name = "p.opf", .data = opf},
                     {.name = "a.xhtml", .data = XHTML("<p>text</p>")}};
    buf z;
    oz_build(&z, es, 4);
    for (size_t n = 0; n < z.n; n += 5) {
        doc_result r = run_epub(z.p, n);
        cr_expect(r.open_st != PITH_E_ARG && r.next_st != PITH_E_ARG, "cut at %zu", n);
        doc_result_free(&r);
    }
    free(z.p);
}
