/* test_opc.c: the OPC layer (handlers/office/opc.c, ECMA-376 Part 2): content types, rels,
 * target resolution, main part, properties, and hostile packages (issue 8). Packages are built
 * in code (office_util.h); expected values are written by hand from the spec's rules. */
#include <criterion/criterion.h>

#include "doc_util.h"
#include "office_util.h"
#include "../../handlers/office/opc.h"

/* A scripted handler: its open runs `probe` over the package, its one unit emits nothing. */
static void (*probe)(pith_doc *doc, const uint8_t *data, size_t len);
static pith_status probe_status;

static pith_status probe_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    probe(doc, data, len);
    *state = NULL;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    return probe_status;
}
static pith_status probe_unit(pith_doc *doc, void *state, uint32_t index)
{
    (void)doc;
    (void)state;
    (void)index;
    return PITH_OK;
}
static const pith_handler probe_handler = {"opc-test", probe_open, probe_unit};

static doc_result run_probe(const oz_entry *es, size_t n, void (*fn)(pith_doc *, const uint8_t *, size_t))
{
    buf z;
    oz_build(&z, es, n);
    probe = fn;
    probe_status = PITH_OK;
    doc_result r = doc_run_with(&probe_handler, PITH_FMT_DOCX, z.p, z.n, pith_options_default());
    free(z.p);
    return r;
}

static bool str_is(pith_str s, const char *want)
{
    return s.p && s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

/* MARK: - Resolution */

static void resolve_cases(pith_doc *doc, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    pith_arena *a = pith_doc_arena(doc);
    struct {
        const char *base, *target, *want;
    } cases[] = {
        {"word/document.xml", "media/image1.png", "word/media/image1.png"},
        {"word/document.xml", "../customXml/item1.xml", "customXml/item1.xml"},
        {"word/document.xml", "/word/styles.xml", "word/styles.xml"},
        {"word/document.xml", "./numbering.xml", "word/numbering.xml"},
        {"ppt/slides/slide1.xml", "../slideLayouts/slideLayout2.xml", "ppt/slideLayouts/slideLayout2.xml"},
        {"", "word/document.xml", "word/document.xml"},
        {"/word/document.xml", "my%20file.xml", "word/my file.xml"},
        {"word/document.xml", "../../../../x.xml", "x.xml"},
        {"word/document.xml", "styles.xml#frag", "word/styles.xml"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pith_str r = opc_resolve(a, cases[i].base, strlen(cases[i].base), cases[i].target,
                                 strlen(cases[i].target));
        cr_expect(str_is(r, cases[i].want), "resolve(%s, %s) = %.*s, want %s", cases[i].base,
                  cases[i].target, (int)r.n, r.p ? r.p : "(null)", cases[i].want);
    }
}

Test(opc, resolves_targets_against_the_source_folder)
{
    oz_entry es[] = {{"a.txt", "x", 0, 0, 0}};
    doc_result r = run_probe(es, 1, resolve_cases);
    cr_assert_eq(r.open_st, PITH_OK);
    doc_result_free(&r);
}

/* MARK: - A well-formed package */

static const char part_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"https://example.com/a?b=1\" TargetMode=\"External\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"../media/i.png\"/>"
    "</Relationships>";

static const char core_xml[] =
    "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\""
    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">"
    "<dc:title>A &amp; B</dc:title><dc:creator> Ada </dc:creator>"
    "<dcterms:created>2020-01-02T03:04:05Z</dcterms:created></cp:coreProperties>";
static const char app_xml[] =
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
    "<Pages>3</Pages><Words>120</Words><Application>Microsoft Office Word</Application></Properties>";
static const char root_rels_props[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"/word/document.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
    "</Relationships>";

static void package_cases(pith_doc *doc, const uint8_t *data, size_t len)
{
    opc o;
    cr_assert_eq(opc_open(doc, &o, data, len), PITH_OK);
    const opc_rel *main = opc_main_part(&o);
    cr_assert(main != NULL);
    cr_expect(str_is(main->target, "word/document.xml"));
    cr_expect(str_is(opc_main_part_by_type(&o, "document.main+xml"), "word/document.xml"));
    cr_expect(str_is(opc_content_type(&o, "/word/document.xml", 18),
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"));
    cr_expect(str_is(opc_content_type(&o, "word/styles.XML", 15), "application/xml"));
    cr_expect_eq(opc_content_type(&o, "word/x.bin", 10).n, 0);
    cr_expect(opc_has_part(&o, "WORD/Document.xml", 17), "case-insensitive fallback");

    opc_rels rels;
    cr_assert_eq(opc_rels_load(&o, "word/document.xml", 17, NULL, &rels), PITH_OK);
    cr_assert_eq(rels.n, 3);
    const opc_rel *h = opc_rel_by_id(&rels, "rId2", 4);
    cr_assert(h != NULL);
    cr_expect(h->external);
    cr_expect(str_is(h->target, "https://example.com/a?b=1"));
    cr_expect(str_is(opc_rel_by_id(&rels, "rId1", 4)->target, "word/styles.xml"));
    cr_expect(str_is(opc_rel_by_type(&rels, "/image")->target, "media/i.png"));
    cr_expect(opc_rel_by_id(&rels, "rId9", 4) == NULL);

    opc_rels none;
    cr_expect_eq(opc_rels_load(&o, "word/styles.xml", 15, NULL, &none), PITH_OK);
    cr_expect_eq(none.n, 0);

    const uint8_t *p;
    size_t n;
    cr_assert_eq(opc_part(&o, "/word/styles.xml", 16, NULL, &p, &n), PITH_OK);
    cr_expect(n == 7 && memcmp(p, "<s></s>", 7) == 0);
    cr_expect_eq(opc_part(&o, "word/nothere.xml", 16, NULL, &p, &n), PITH_E_FORMAT);
    cr_expect_eq(opc_props_load(&o), PITH_OK);
}

Test(opc, reads_types_rels_parts_and_properties)
{
    buf d;
    oz_docx_document(&d, "<w:p/>");
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0}, {"_rels/.rels", root_rels_props, 0, 0, 0},
        {"word/document.xml", d.p, 0, 0, 0},             {"word/_rels/document.xml.rels", part_rels, 0, 0, 0},
        {"word/styles.xml", "<s></s>", 0, 0, 0},         {"docProps/core.xml", core_xml, 0, 0, 0},
        {"docProps/app.xml", app_xml, 0, 0, 0},
    };
    doc_result r = run_probe(es, sizeof es / sizeof *es, package_cases);
    cr_assert_eq(r.open_st, PITH_OK);
    char v[256];
    cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v), "A & B");
    cr_expect_str_eq(doc_meta(&r, "author", v, sizeof v), "Ada");
    cr_expect_str_eq(doc_meta(&r, "created", v, sizeof v), "2020-01-02T03:04:05Z");
    cr_expect_str_eq(doc_meta(&r, "pages", v, sizeof v), "3");
    cr_expect_str_eq(doc_meta(&r, "words", v, sizeof v), "120");
    cr_expect_str_eq(doc_meta(&r, "application", v, sizeof v), "Microsoft Office Word");
    cr_expect(strstr(r.warnings.p, "word/nothere.xml") != NULL, "missing part warned: %s",
              r.warnings.p);
    free(d.p);
    doc_result_free(&r);
}

/* MARK: - Hostile packages */

static void missing_parts_case(pith_doc *doc, const uint8_t *data, size_t len)
{
    opc o;
    cr_assert_eq(opc_open(doc, &o, data, len), PITH_OK, "missing types and rels are warnings");
    cr_expect_eq(o.ntypes, 0);
    cr_expect_eq(o.root.n, 0);
    cr_expect(opc_main_part(&o) == NULL);
    cr_expect_eq(opc_main_part_by_type(&o, "document.main+xml").n, 0);
    cr_expect_eq(opc_props_load(&o), PITH_OK);
}

Test(opc_hostile, missing_content_types_and_rels_are_warnings)
{
    oz_entry es[] = {{"word/document.xml", "<w:document/>", 0, 0, 0}};
    doc_result r = run_probe(es, 1, missing_parts_case);
    cr_assert_eq(r.open_st, PITH_OK);
    cr_expect(strstr(r.warnings.p, "[Content_Types].xml missing") != NULL, "%s", r.warnings.p);
    cr_expect(strstr(r.warnings.p, "_rels/.rels missing") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

static void wrong_rels_case(pith_doc *doc, const uint8_t *data, size_t len)
{
    opc o;
    cr_assert_eq(opc_open(doc, &o, data, len), PITH_OK);
    /* the officeDocument rel names a part that is not there: no main part from rels, the
     * content type Override still finds it */
    cr_expect(opc_main_part(&o) == NULL);
    cr_expect(str_is(opc_main_part_by_type(&o, "document.main+xml"), "word/document.xml"));
    /* a self-referencing rels part loads as plain data: nothing follows it */
    opc_rels r;
    cr_expect_eq(opc_rels_load(&o, "word/document.xml", 17, NULL, &r), PITH_OK);
    cr_expect_eq(r.n, 2);
    cr_expect(str_is(r.rels[0].target, "word/document.xml"));
    cr_expect(str_is(r.rels[1].target, "word/_rels/document.xml.rels"));
}

Test(opc_hostile, wrong_and_cyclic_rels)
{
    buf d;
    oz_docx_document(&d, "<w:p/>");
    oz_entry es[] = {
        {"[Content_Types].xml", oz_docx_types, 0, 0, 0},
        {"_rels/.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"http://x/officeDocument\" Target=\"word/missing.xml\"/>"
         "</Relationships>", 0, 0, 0},
        {"word/document.xml", d.p, 0, 0, 0},
        {"word/_rels/document.xml.rels",
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"a\" Type=\"t\" Target=\"document.xml\"/>"
         "<Relationship Id=\"b\" Type=\"t\" Target=\"_rels/document.xml.rels\"/>"
         "</Relationships>", 0, 0, 0},
    };
    doc_result r = run_probe(es, sizeof es / sizeof *es, wrong_rels_case);
    cr_assert_eq(r.open_st, PITH_OK);
    free(d.p);
    doc_result_free(&r);
}

static void broken_xml_case(pith_doc *doc, const uint8_t *data, size_t len)
{
    opc o;
    cr_assert_eq(opc_open(doc, &o, data, len), PITH_OK);
    /* the types part breaks after its first Default: what came before is kept */
    cr_expect_eq(o.ntypes, 1);
    cr_expect_eq(o.root.n, 1, "the relationship read before the damage is kept");
    cr_expect_eq(opc_props_load(&o), PITH_OK, "a broken core.xml is a warning");
}

Test(opc_hostile, broken_xml_parts_are_warnings)
{
    oz_entry es[] = {
        {"[Content_Types].xml",
         "<Types><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override", 0, 0, 0},
        {"_rels/.rels", "<Relationships><Relationship Id=\"r\" Target=\"x\"></Oops>", 0, 0, 0},
        {"docProps/core.xml", "<cp:coreProperties><dc:title>T</dc:title", 0, 0, 0},
    };
    doc_result r = run_probe(es, sizeof es / sizeof *es, broken_xml_case);
    cr_assert_eq(r.open_st, PITH_OK);
    cr_expect(r.nwarnings >= 3, "warnings: %s", r.warnings.p);
    doc_result_free(&r);
}

static void entity_case(pith_doc *doc, const uint8_t *data, size_t len)
{
    opc o;
    cr_assert_eq(opc_open(doc, &o, data, len), PITH_OK);
    cr_expect_eq(opc_props_load(&o), PITH_OK);
}

Test(opc_hostile, dtd_entities_are_never_expanded)
{
    const char *bomb =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
        "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
        "<cp:coreProperties xmlns:cp=\"c\" xmlns:dc=\"d\"><dc:title>&lol3;&xxe;</dc:title>"
        "</cp:coreProperties>";
    oz_entry es[] = {{"[Content_Types].xml", oz_docx_types, 0, 0, 0},
                     {"_rels/.rels", oz_docx_rels, 0, 0, 0},
                     {"docProps/core.xml", bomb, 0, 0, 0}};
    doc_result r = run_probe(es, sizeof es / sizeof *es, entity_case);
    cr_assert_eq(r.open_st, PITH_OK);
    char v[256];
    cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v), "&lol3;&xxe;");
    doc_result_free(&r);
}

static void many_rels_case(pith_doc *doc, const uint8_t *data, size_t len)
{
    opc o;
    cr_assert_eq(opc_open(doc, &o, data, len), PITH_E_LIMIT);
}

Test(opc_hostile, rels_count_against_max_objects)
{
    buf rels = {0};
    buf_str(&rels, "<Relationships>");
    buf_rep(&rels, "<Relationship Id=\"r\" Type=\"t\" Target=\"x\"/>", 5000);
    buf_str(&rels, "</Relationships>");
    oz_entry es[] = {{"[Content_Types].xml", oz_docx_types, 0, 0, 0}, {"_rels/.rels", rels.p, 0, 0, 0}};
    buf z;
    oz_build(&z, es, 2);
    probe = many_rels_case;
    probe_status = PITH_OK;
    pith_options o = pith_options_default();
    o.limits.max_objects = 1000;
    doc_result r = doc_run_with(&probe_handler, PITH_FMT_DOCX, z.p, z.n, o);
    cr_expect(strstr(r.err, "max_objects") != NULL, "%s", r.err);
    free(z.p);
    free(rels.p);
    doc_result_free(&r);
}

static void not_zip_case(pith_doc *doc, const uint8_t *data, size_t len)
{
    opc o;
    pith_status st = opc_open(doc, &o, data, len);
    cr_expect(st == PITH_E_FORMAT || st == PITH_E_TRUNCATED, "status %s", pith_status_name(st));
    probe_status = st;
}

Test(opc_hostile, not_a_zip_fails_the_document)
{
    probe = not_zip_case;
    doc_result r = doc_run_with(&probe_handler, PITH_FMT_DOCX, "PK\3\4garbage", 11,
                                pith_options_default());
    cr_expect_neq(r.open_st, PITH_OK);
    cr_expect(strstr(r.err, "zip") != NULL, "%s", r.err);
    doc_result_free(&r);
}
