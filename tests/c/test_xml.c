/* test_xml.c: the XML pull tokenizer (issue 5).
 *
 * Suite `xml`: token sequences of hand-written documents (expected values written from the
 * XML 1.0 and Namespaces specs), encodings, entities, DTD skipping (billion laughs, external
 * entities), the helpers, the document wrapper, and every XML part of the corpus packages.
 * Suite `xml_hostile`: every truncation of a small XML file, 1,000 bit-flipped copies, deep
 * nesting, namespace floods, huge attribute lists, reference floods, the work limit.
 */
#include "decoders_util.h"

#include <criterion/criterion.h>

#include "core.h"
#include "xml.h"
#include "zip.h"

static pith_budget budget;
static pith_arena arena;
static void setup(void)
{
    pith_budget_init(&budget, NULL, (uint64_t)256 << 20);
    pith_arena_init(&arena, &budget, 0);
}
static void teardown(void) { pith_arena_finish(&arena); }
TestSuite(xml, .init = setup, .fini = teardown);
TestSuite(xml_hostile, .init = setup, .fini = teardown);

/* Render the token stream in a compact form to compare with an expected string:
 *   <{uri}local a={uri}name="v"> for START (/> suffix flag for EMPTY), </local> for END,
 *   "text" for TEXT ([cdata] prefix). Returns the final status. last_text is where the output
 * of the last token starts when that token is text (else the output's length). */
static size_t last_text;
static pith_status render(const char *xml, size_t len, char *out, size_t cap, const pith_xml_limits *lim)
{
    pith_xml x;
    pith_decode_error e;
    size_t o = 0;
    out[0] = 0;
    last_text = 0;
    pith_status st = pith_xml_init(&x, &arena, (const uint8_t *)xml, len, lim, &e);
    if (st != PITH_OK) return st;
    pith_xml_token t;
    while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
        last_text = o;
        if (t.kind == PITH_XML_START) {
            o += (size_t)snprintf(out + o, cap - o, "<");
            if (t.uri.n) o += (size_t)snprintf(out + o, cap - o, "{%.*s}", (int)t.uri.n, t.uri.p);
            o += (size_t)snprintf(out + o, cap - o, "%.*s", (int)t.local.n, t.local.p);
            for (uint32_t i = 0; i < t.nattrs; i++) {
                const pith_xml_attr *a = &t.attrs[i];
                o += (size_t)snprintf(out + o, cap - o, " ");
                if (a->uri.n) o += (size_t)snprintf(out + o, cap - o, "{%.*s}", (int)a->uri.n, a->uri.p);
                o += (size_t)snprintf(out + o, cap - o, "%.*s=\"%.*s\"", (int)a->local.n, a->local.p, (int)a->value.n,
                                      a->value.p);
            }
            o += (size_t)snprintf(out + o, cap - o, "%s>", (t.flags & PITH_XML_EMPTY) ? "/" : "");
        } else if (t.kind == PITH_XML_END) {
            o += (size_t)snprintf(out + o, cap - o, "</%.*s>", (int)t.local.n, t.local.p);
        } else {
            cr_assert_gt(t.text.n, 0, "text tokens are never empty");
            o += (size_t)snprintf(out + o, cap - o, "%s\"%.*s\"", (t.flags & PITH_XML_CDATA) ? "[cdata]" : "",
                                  (int)t.text.n, t.text.p);
        }
        cr_assert_lt(o, cap);
        if (t.kind != PITH_XML_TEXT) last_text = o;
    }
    if (st == PITH_OK) {
        /* EOF again and again */
        cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
        cr_assert_eq(t.kind, PITH_XML_EOF);
    } else {
        cr_assert_eq(pith_xml_next(&x, &t), st, "errors are sticky");
        cr_assert_eq(x.err.code, st);
    }
    return st;
}

static void expect(const char *xml, const char *want)
{
    char got[8192];
    pith_status st = render(xml, strlen(xml), got, sizeof got, NULL);
    cr_assert_eq(st, PITH_OK, "%s: %s", xml, pith_status_name(st));
    cr_assert_str_eq(got, want);
}

static pith_status status_of(const char *xml, size_t len)
{
    char got[65536];
    return render(xml, len, got, sizeof got, NULL);
}

/* MARK: - Tokens */

Test(xml, elements_attributes_and_text)
{
    expect("<a x=\"1\" y='two'>hi<b/>there</a>", "<a x=\"1\" y=\"two\">\"hi\"<b/></b>\"there\"</a>");
    expect("<?xml version=\"1.0\"?>\n<!-- c -->\n<r >\n <c a = \"v\" />\n</r >\n<!-- after -->\n",
           "<r>\"\n \"<c a=\"v\"/></c>\"\n\"</r>");
    expect("<r><?pi data?>a<!--x-->b</r>", "<r>\"a\"\"b\"</r>");
}

/* Ill-formed UTF-8 in a UTF-8 file (a stray continuation byte, a cut sequence, 0xFF) is
 * repaired to U+FFFD before tokenizing, in text and attribute values alike: handlers emit what
 * the tokenizer gives as UTF-8 text (found by fuzz_docx and fuzz_odf). */
Test(xml, ill_formed_utf8_becomes_replacement_characters)
{
    expect("<a t=\"x\xff\">pi\xef\xbcth \x80 \xe2\x82</a>",
           "<a t=\"x\xef\xbf\xbd\">\"pi\xef\xbf\xbdth \xef\xbf\xbd \xef\xbf\xbd\"</a>");
}

Test(xml, depth_and_offsets)
{
    const char *doc = "<a><b>t</b></a>";
    pith_xml x;
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)doc, strlen(doc), NULL, NULL), PITH_OK);
    pith_xml_token t;
    uint32_t depths[] = {1, 2, 2, 2, 1};
    uint64_t offs[] = {0, 3, 6, 7, 11};
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
        cr_assert_eq(t.depth, depths[i], "token %d", i);
        cr_assert_eq(t.offset, offs[i], "token %d", i);
    }
    cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
    cr_assert_eq(t.kind, PITH_XML_EOF);
}

Test(xml, namespaces_resolve_to_uris)
{
    expect("<w:doc xmlns:w=\"urn:w\" xmlns=\"urn:d\"><p w:val=\"1\" val=\"2\"/><w:p/></w:doc>",
           "<{urn:w}doc><{urn:d}p {urn:w}val=\"1\" val=\"2\"/></p><{urn:w}p/></p></doc>");
    /* redeclared inside, undeclared default, back out of scope */
    expect("<a xmlns=\"urn:1\" xmlns:p=\"urn:p\"><b xmlns=\"\" xmlns:p=\"urn:q\"><p:c/></b><p:c/></a>",
           "<{urn:1}a><b><{urn:q}c/></c></b><{urn:p}c/></c></a>");
    /* the xml prefix is always bound; an undeclared prefix has no namespace */
    expect("<a xml:space=\"preserve\" u:x=\"1\"/>",
           "<a {http://www.w3.org/XML/1998/namespace}space=\"preserve\" x=\"1\"/></a>");
    /* a namespace name with a reference in it */
    expect("<a xmlns=\"urn:a&amp;b\"/>", "<{urn:a&b}a/></a>");
}

Test(xml, known_namespaces_give_ids)
{
    /* ids are the index + 1 in ns_known; prefixes rebound in a child right after their use
     * (the lookup cache must forget them there) and back out of scope (and there again), more
     * prefixes than the cache holds, the xml prefix, an unknown namespace (0) */
    static const char *const known[] = {"urn:w", "urn:r", "http://www.w3.org/XML/1998/namespace"};
    const char *doc = "<w:d xmlns:w=\"urn:w\" xmlns:r=\"urn:r\" xmlns:a=\"urn:a\" xmlns:b=\"urn:b\""
                      " xmlns:c=\"urn:c\" xmlns:e=\"urn:e\">"
                      "<w:p r:id=\"1\" a:id=\"2\" xml:space=\"x\"/>"
                      "<w:p xmlns:w=\"urn:r\" xmlns:r=\"urn:w\" r:id=\"3\"><w:t/></w:p>"
                      "<w:p r:id=\"4\"/><a:q/><b:q/><c:q/><e:q/><w:p r:id=\"5\"/><x/></w:d>";
    /* element: name, ns id; for w:p the id of its r:id attribute and its value */
    static const struct { const char *local; uint32_t ns; uint32_t rid_ns; const char *rid; } want[] = {
        {"d", 1, 0, NULL}, {"p", 1, 2, "1"}, {"p", 2, 1, "3"}, {"t", 2, 0, NULL},
        {"p", 1, 2, "4"}, {"q", 0, 0, NULL}, {"q", 0, 0, NULL}, {"q", 0, 0, NULL},
        {"q", 0, 0, NULL}, {"p", 1, 2, "5"}, {"x", 0, 0, NULL}};
    pith_xml x;
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)doc, strlen(doc), NULL, NULL), PITH_OK);
    x.ns_known = known;
    x.ns_nknown = 3;
    pith_xml_token t;
    size_t k = 0;
    uint32_t open[8]; /* ns ids of the open elements: an END carries its START's */
    while (pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind == PITH_XML_END) {
            cr_assert(t.depth >= 1 && t.depth <= 8);
            cr_assert_eq(t.ns, open[t.depth - 1], "END at depth %u: ns %u", t.depth, t.ns);
            continue;
        }
        if (t.kind != PITH_XML_START) continue;
        cr_assert(t.depth >= 1 && t.depth <= 8);
        open[t.depth - 1] = t.ns;
        cr_assert_lt(k, sizeof want / sizeof want[0]);
        cr_assert_eq(t.local.n, strlen(want[k].local));
        cr_assert_eq(memcmp(t.local.p, want[k].local, t.local.n), 0);
        cr_assert_eq(t.ns, want[k].ns, "element %zu: ns %u, want %u", k, t.ns, want[k].ns);
        if (want[k].rid) {
            const pith_str *v = pith_xml_attr_ns(&t, want[k].rid_ns, "id");
            cr_assert_not_null(v, "element %zu: no id attribute in namespace %u", k, want[k].rid_ns);
            cr_assert_eq(v->n, 1);
            cr_assert_eq(v->p[0], want[k].rid[0]);
        }
        if (k == 1) {
            /* a:id is in no known namespace; xml:space is known[2] */
            cr_assert_eq(t.nattrs, 3);
            cr_assert_eq(t.attrs[1].ns, 0);
            cr_assert_eq(t.attrs[2].ns, 3);
            cr_assert_null(pith_xml_attr_ns(&t, 0, "id"));
        }
        k++;
    }
    cr_assert_eq(k, sizeof want / sizeof want[0]);
    cr_assert_eq(x.status, PITH_OK);
}

Test(xml, entities_and_character_references)
{
    expect("<a t=\"&lt;&gt;&amp;&quot;&apos;\">&lt;&gt;&amp;&quot;&apos;</a>",
           "<a t=\"<>&\"'\">\"<>&\"'\"</a>");
    expect("<a>&#65;&#x42;&#X43;&#xe9;&#x20AC;&#x1F600;</a>", "<a>\"AB&#X43;é€😀\"</a>");
    /* not characters: U+FFFD */
    expect("<a>&#0;&#x110000;&#99999999999;</a>", "<a>\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"</a>");
    /* unknown or malformed references stay as written */
    expect("<a>&nbsp; & &amp &#; &#xZZ;</a>", "<a>\"&nbsp; & &amp &#; &#xZZ;\"</a>");
}

Test(xml, line_ends_and_attribute_normalisation)
{
    expect("<a v=\"x\ty\nz\r\nw\">l1\r\nl2\rl3\n</a>", "<a v=\"x y z w\">\"l1\nl2\nl3\n\"</a>");
    expect("<a v=\"&#9;&#10;\"/>", "<a v=\"\t\n\"/></a>");
}

Test(xml, cdata_sections_are_text)
{
    expect("<a><![CDATA[x < y && ]] z]]>tail<![CDATA[]]></a>", "<a>[cdata]\"x < y && ]] z\"\"tail\"</a>");
    expect("<a><![CDATA[1\r\n2]]></a>", "<a>[cdata]\"1\n2\"</a>");
}

Test(xml, doctype_is_skipped_whole)
{
    expect("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"x.dtd\"><html/>", "<html/></html>");
    expect("<!DOCTYPE r [\n<!ENTITY e \"a > b ] c\">\n<!-- ] > -->\n<?pi ] > ?>\n<!ELEMENT r ANY>\n]>\n<r>&e;</r>",
           "<r>\"&e;\"</r>");
}

Test(xml, billion_laughs_is_never_expanded)
{
    const char *doc =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol9 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        "]>\n<lolz>&lol9;</lolz>";
    expect(doc, "<lolz>\"&lol9;\"</lolz>");
    /* external entities (XXE): nothing is fetched, the reference stays */
    expect("<!DOCTYPE f [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><f>&xxe;</f>", "<f>\"&xxe;\"</f>");
}

Test(xml, encodings)
{
    /* UTF-8 BOM */
    expect("\xEF\xBB\xBF<a>\xC3\xA9</a>", "<a>\"é\"</a>");
    /* Latin-1 declared: é is one byte */
    expect("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a v=\"\xE9\">caf\xE9</a>", "<a v=\"é\">\"café\"</a>");
    /* declared UTF-8 / ASCII / a UTF-16 label on 8-bit bytes: read as UTF-8 */
    expect("<?xml version='1.0' encoding='us-ascii'?><a/>", "<a/></a>");
    expect("<?xml version='1.0' encoding='UTF-16'?><a>\xC3\xA9</a>", "<a>\"é\"</a>");
    /* UTF-16 LE and BE, with and without BOM */
    const char *src = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a b=\"\xC3\xA9\">x\xE2\x82\xAC</a>";
    uint16_t units[128];
    size_t n = 0;
    for (const uint8_t *p = (const uint8_t *)src; *p;) {
        uint32_t cp = *p++;
        if (cp >= 0xE0) {
            cp = (cp & 15) << 12 | (uint32_t)(p[0] & 63) << 6 | (p[1] & 63);
            p += 2;
        } else if (cp >= 0xC0) {
            cp = (cp & 31) << 6 | (*p++ & 63);
        }
        units[n++] = (uint16_t)cp;
    }
    for (int be = 0; be < 2; be++)
        for (int bom = 0; bom < 2; bom++) {
            uint8_t buf[300];
            size_t k = 0;
            if (bom) {
                buf[k++] = be ? 0xFE : 0xFF;
                buf[k++] = be ? 0xFF : 0xFE;
            }
            for (size_t i = 0; i < n; i++) {
                buf[k++] = (uint8_t)(be ? units[i] >> 8 : units[i]);
                buf[k++] = (uint8_t)(be ? units[i] : units[i] >> 8);
            }
            char got[256];
            pith_xml x;
            cr_assert_eq(pith_xml_init(&x, &arena, buf, k, NULL, NULL), PITH_OK);
            cr_assert_str_eq(x.encoding, be ? "utf-16be" : "utf-16le");
            cr_assert_eq(render((const char *)buf, k, got, sizeof got, NULL), PITH_OK);
            cr_assert_str_eq(got, "<a b=\"é\">\"x€\"</a>", "be %d bom %d", be, bom);
        }
    /* an encoding pith does not decode */
    pith_xml x;
    pith_decode_error e;
    const char *big5 = "<?xml version=\"1.0\" encoding=\"big5\"?><a/>";
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)big5, strlen(big5), NULL, &e), PITH_E_UNSUPPORTED);
    pith_xml_token t;
    cr_assert_eq(pith_xml_next(&x, &t), PITH_E_UNSUPPORTED);
}

Test(xml, malformed_documents)
{
    struct {
        const char *doc;
        pith_status want;
    } cases[] = {
        {"", PITH_E_FORMAT},
        {"   \n", PITH_E_TRUNCATED},
        {"hello", PITH_E_FORMAT},
        {"<a></b>", PITH_E_FORMAT},
        {"</a>", PITH_E_FORMAT},
        {"<a><b></a></b>", PITH_E_FORMAT},
        {"<a>", PITH_E_TRUNCATED},
        {"<a x=1/>", PITH_E_FORMAT},
        {"<a x/>", PITH_E_FORMAT},
        {"<a / >", PITH_E_FORMAT},
        {"<a>< b/></a>", PITH_E_FORMAT},
        {"<a><!WHAT></a>", PITH_E_FORMAT},
        {"<a x=\"1", PITH_E_TRUNCATED},
        {"<a><!-- x", PITH_E_TRUNCATED},
        {"<a><![CDATA[x", PITH_E_TRUNCATED},
        {"<!DOCTYPE a [ <!ENTITY", PITH_E_TRUNCATED},
        {"<a><?pi", PITH_E_TRUNCATED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pith_status st = status_of(cases[i].doc, strlen(cases[i].doc));
        cr_assert_eq(st, cases[i].want, "%s: %s, want %s", cases[i].doc, pith_status_name(st),
                     pith_status_name(cases[i].want));
    }
    /* what follows the root is not read: a second root, junk */
    expect("<a/><b/>", "<a/></a>");
    expect("<a/>junk \x01 < not xml", "<a/></a>");
}

Test(xml, helpers_and_skip)
{
    const char *doc = "<w:r xmlns:w=\"urn:w\"><w:rPr><w:b w:val=\"1\"/><w:i/></w:rPr><w:t xml:space=\"preserve\">x</w:t></w:r>";
    pith_xml x;
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)doc, strlen(doc), NULL, NULL), PITH_OK);
    pith_xml_token t;
    cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
    cr_assert(pith_xml_is(&t, "urn:w", "r"));
    cr_assert_not(pith_xml_is(&t, NULL, "r"));
    cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
    cr_assert(pith_xml_is(&t, "urn:w", "rPr"));
    cr_assert_eq(pith_xml_skip(&x, &t), PITH_OK);
    cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
    cr_assert(pith_xml_is(&t, "urn:w", "t"));
    const pith_str *v = pith_xml_attr_get(&t, "http://www.w3.org/XML/1998/namespace", "space");
    cr_assert_not_null(v);
    cr_assert_eq(v->n, 8);
    cr_assert_null(pith_xml_attr_get(&t, NULL, "space"));
    cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
    cr_assert_eq(t.kind, PITH_XML_TEXT);
    cr_assert_eq(pith_xml_skip(&x, &t), PITH_E_ARG);
    cr_assert_eq(pith_xml_init(&x, NULL, (const uint8_t *)doc, 3, NULL, NULL), PITH_E_ARG);
    cr_assert_eq(pith_xml_init(NULL, &arena, (const uint8_t *)doc, 3, NULL, NULL), PITH_E_ARG);
    cr_assert_eq(pith_xml_next(NULL, &t), PITH_E_ARG);
}

/* MARK: - Corpus */

typedef struct xml_corpus {
    unsigned parts, tokens, unsupported, broken;
    size_t bytes;
} xml_corpus;

static void tokenize_part(xml_corpus *c, const uint8_t *d, size_t n, const char *what, bool may_fail)
{
    pith_arena_mark m = pith_arena_mark_get(&arena);
    pith_xml x;
    pith_status st = pith_xml_init(&x, &arena, d, n, NULL, NULL);
    pith_xml_token t;
    if (st == PITH_OK)
        while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) c->tokens++;
    c->parts++;
    c->bytes += n;
    if (st == PITH_E_UNSUPPORTED) c->unsupported++;
    else if (st != PITH_OK) {
        c->broken++;
        cr_assert(may_fail, "%s: %s at %llu (%s)", what, pith_status_name(st), (unsigned long long)x.err.offset,
                  x.err.message);
    }
    pith_arena_release(&arena, m);
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static void each_package(const char *path, void *user)
{
    size_t n;
    uint8_t *d = du_read(path, &n);
    if (!d) return;
    bool malformed = strstr(path, "/malformed/") != NULL || strstr(path, "Encrypted") != NULL;
    pith_arena_mark m = pith_arena_mark_get(&arena);
    pith_zip z;
    pith_zip_open(&z, &arena, d, n, NULL, NULL);
    for (uint32_t i = 0; i < z.count; i++) {
        const pith_zip_entry *e = &z.entries[i];
        const char *nm = e->name.p;
        size_t nl = e->name.n;
        if (!(ends_with(nm, nl, ".xml") || ends_with(nm, nl, ".rels") || ends_with(nm, nl, ".opf") ||
              ends_with(nm, nl, ".xhtml") || ends_with(nm, nl, ".ncx")))
            continue;
        if (memcmp(nm, "__MACOSX/", nl < 9 ? nl : 9) == 0) continue; /* resource forks */
        const uint8_t *out;
        size_t len;
        if (pith_zip_extract(&z, &arena, e, &out, &len, NULL) != PITH_OK || len == 0) continue;
        char what[512];
        snprintf(what, sizeof what, "%s:%.*s", path, (int)(nl > 200 ? 200 : nl), nm);
        tokenize_part(user, out, len, what, malformed);
    }
    pith_arena_release(&arena, m);
    free(d);
}

static void each_xml(const char *path, void *user)
{
    size_t n;
    uint8_t *d = du_read(path, &n);
    if (!d) return;
    tokenize_part(user, d, n, path, false);
    free(d);
}

Test(xml, every_corpus_xml_part_tokenizes)
{
    xml_corpus c = {0};
    const char *dirs[] = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "malformed"};
    int found = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (du_each_file(dirs[i], NULL, each_package, &c) >= 0) found = 1;
    if (!found) cr_skip("corpus not found at %s (set PITH_CORPUS)", du_corpus());
    du_each_file("xml", ".xml", each_xml, &c);
    cr_assert_gt(c.parts, 1000);
    cr_assert_eq(c.unsupported, 2, "the Big5 and EUC-KR samples");
    fprintf(stderr, "xml: corpus: %u parts (%zu bytes), %u tokens; %u in unsupported encodings, %u broken (malformed samples)\n",
            c.parts, c.bytes, c.tokens, c.unsupported, c.broken);
}

/* MARK: - Documents */

static const char *doc_src;
static pith_status doc_result;
static unsigned doc_tokens;

static pith_status xdoc_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    (void)data;
    (void)len;
    (void)state;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    return PITH_OK;
}

static pith_status xdoc_unit(pith_doc *doc, void *state, uint32_t u)
{
    (void)state;
    (void)u;
    pith_xml x;
    doc_tokens = 0;
    pith_status st = pith_xml_init_doc(&x, doc, NULL, (const uint8_t *)doc_src, strlen(doc_src));
    pith_xml_token t;
    if (st == PITH_OK)
        while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) doc_tokens++;
    doc_result = st;
    return st == PITH_E_LIMIT ? st : PITH_OK;
}

static const pith_handler xml_handler = {"xml-test", xdoc_open, xdoc_unit};

static pith_ctx *run_doc(const char *src, const pith_options *o, pith_status *final)
{
    doc_src = src;
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    cr_assert_eq(pith_open_with(ctx, &xml_handler, PITH_FMT_XML, "x", 1, o, &doc), PITH_OK);
    pith_chunk c;
    pith_status st;
    while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
    }
    *final = st;
    return ctx;
}

Test(xml, doc_wrapper_takes_limits_and_records_failures)
{
    pith_options o = pith_options_default();
    pith_status final;
    pith_ctx *ctx = run_doc("<a><b><c/></b></a>", &o, &final);
    cr_assert_eq(final, PITH_OK);
    cr_assert_eq(doc_result, PITH_OK);
    cr_assert_eq(doc_tokens, 6);
    cr_assert_gt(pith_ctx_stats(ctx).work, 0, "work is drawn");
    pith_ctx_destroy(ctx);

    o.limits.max_depth = 2;
    ctx = run_doc("<a><b><c/></b></a>", &o, &final);
    cr_assert_eq(doc_result, PITH_E_LIMIT);
    cr_assert_eq(final, PITH_E_LIMIT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "max_depth") != NULL);
    pith_ctx_destroy(ctx);

    o = pith_options_default();
    ctx = run_doc("<a><b></a>", &o, &final);
    cr_assert_eq(doc_result, PITH_E_FORMAT);
    cr_assert_eq(final, PITH_OK, "a broken part is a warning");
    pith_ctx_destroy(ctx);

    o.limits.max_work = 1000;
    static char big[100000];
    memset(big, 'x', sizeof big - 8);
    memcpy(big, "<a>", 3);
    memcpy(big + sizeof big - 8, "</a>", 5);
    ctx = run_doc(big, &o, &final);
    cr_assert_eq(final, PITH_E_LIMIT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "max_work") != NULL, "%s", pith_ctx_error(ctx).message);
    pith_ctx_destroy(ctx);
}

/* MARK: - Hostile */

static const char fixture[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
    "<!DOCTYPE doc [<!ENTITY e \"x\">]>\n"
    "<w:document xmlns:w=\"urn:w\" xmlns:r=\"urn:r\" w:a=\"1 &amp; 2\">\n"
    "  <!-- a comment -->\n"
    "  <w:body><w:p r:id=\"rId7\"><w:r><w:t xml:space=\"preserve\">Caf&#xE9; &lt;b&gt; </w:t></w:r>"
    "<w:r><w:t><![CDATA[<raw> & ]]></w:t></w:r><?page break?><w:br/></w:p>\n"
    "  <w:p><w:r><w:t>&unknown; line\r\nend</w:t></w:r></w:p></w:body>\n"
    "</w:document>\n";

Test(xml_hostile, every_truncation_of_an_xml_file)
{
    size_t len = sizeof fixture - 1;
    char full[8192], got[8192];
    cr_assert_eq(render(fixture, len, full, sizeof full, NULL), PITH_OK);
    const char *root_end = strstr(fixture, "</w:document>") + strlen("</w:document>");
    size_t complete = (size_t)(root_end - fixture);
    for (size_t t = 0; t < len; t++) {
        pith_status st = render(fixture, t, got, sizeof got, NULL);
        if (t >= complete) {
            cr_assert_eq(st, PITH_OK, "cut at %zu", t);
            cr_assert_str_eq(got, full);
            continue;
        }
        cr_assert_eq(st, t == 0 ? PITH_E_FORMAT : PITH_E_TRUNCATED, "cut at %zu: %s", t, pith_status_name(st));
        /* What came out is the start of the full token stream (the last text may be cut, in
         * the middle of a reference even). */
        size_t k = last_text;
        cr_assert(strncmp(got, full, k) == 0, "cut at %zu:\n%s\nvs\n%s", t, got, full);
    }
}

Test(xml_hostile, thousand_bit_flipped_copies)
{
    size_t len = sizeof fixture - 1;
    char bad[sizeof fixture], got[65536];
    uint64_t seed = 31337;
    unsigned ok = 0;
    for (int i = 0; i < 1000; i++) {
        memcpy(bad, fixture, len);
        for (int f = 0; f < 1 + i % 3; f++) bad[du_below(&seed, (uint32_t)len)] ^= (char)(1u << du_below(&seed, 8));
        pith_arena_mark m = pith_arena_mark_get(&arena);
        pith_status st = render(bad, len, got, sizeof got, NULL);
        cr_assert(st == PITH_OK || st == PITH_E_FORMAT || st == PITH_E_TRUNCATED || st == PITH_E_UNSUPPORTED,
                  "%s", pith_status_name(st));
        if (st == PITH_OK) ok++;
        pith_arena_release(&arena, m);
    }
    cr_assert_gt(ok, 100);
}

Test(xml_hostile, deep_nesting_stops_at_the_depth_limit)
{
    size_t depth = 100000;
    char *doc = malloc(depth * 3 + 1);
    for (size_t i = 0; i < depth; i++) memcpy(doc + 3 * i, "<a>", 3);
    pith_xml_limits lim = {256, 0, 0};
    pith_xml x;
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)doc, depth * 3, &lim, NULL), PITH_OK);
    pith_xml_token t;
    pith_status st;
    unsigned n = 0;
    while ((st = pith_xml_next(&x, &t)) == PITH_OK) n++;
    cr_assert_eq(st, PITH_E_LIMIT);
    cr_assert_eq(n, 256);
    cr_assert_leq(pith_arena_bytes(&arena), (size_t)256 << 10);
    free(doc);
}

Test(xml_hostile, namespace_declaration_flood)
{
    /* 5,000 prefixes declared on the root; 40 of them used below, each once (distinct
     * prefixes: the tokenizer caches a few recent lookups, so each of these scans) */
    size_t cap = 2 << 20, o = 0;
    char *doc = malloc(cap);
    o += (size_t)sprintf(doc + o, "<r");
    for (int i = 0; i < 5000; i++) o += (size_t)sprintf(doc + o, " xmlns:p%d=\"urn:%d\"", i, i);
    o += (size_t)sprintf(doc + o, ">");
    for (int i = 0; i < 20; i++) o += (size_t)sprintf(doc + o, "<p%d:a p%d:x=\"1\"/>", i, 20 + i);
    o += (size_t)sprintf(doc + o, "</r>");
    char got[64];
    (void)got;
    pith_xml_limits lim = {0, 1024, 0};
    pith_xml x;
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)doc, o, &lim, NULL), PITH_OK);
    pith_xml_token t;
    cr_assert_eq(pith_xml_next(&x, &t), PITH_E_LIMIT);
    cr_assert(strstr(x.err.message, "namespace") != NULL);
    /* within the limit, lookups are charged as work */
    lim.max_ns = 10000;
    lim.max_work = 200000;
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)doc, o, &lim, NULL), PITH_OK);
    pith_status st;
    while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
    }
    cr_assert_eq(st, PITH_E_LIMIT, "5,000 bindings scanned per prefixed name exhaust 200,000 units");
    free(doc);
}

Test(xml_hostile, huge_attribute_list_and_reference_floods_are_linear)
{
    size_t n = 100000, o = 0;
    char *doc = malloc(n * 16 + 64);
    o += (size_t)sprintf(doc + o, "<r");
    for (size_t i = 0; i < n; i++) o += (size_t)sprintf(doc + o, " a%zu=\"&amp;\"", i);
    o += (size_t)sprintf(doc + o, ">");
    pith_xml x;
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)doc, o, NULL, NULL), PITH_OK);
    pith_xml_token t;
    cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
    cr_assert_eq(t.nattrs, n);
    cr_assert_eq(t.attrs[n - 1].value.n, 1);
    cr_assert_eq(t.attrs[n - 1].value.p[0], '&');
    cr_assert_leq(pith_arena_bytes(&arena), (size_t)32 << 20);
    free(doc);

    /* a megabyte of '&' with no ';': each looks at most a few bytes ahead */
    size_t m = 1 << 20;
    doc = malloc(m + 16);
    memcpy(doc, "<r>", 3);
    memset(doc + 3, '&', m);
    memcpy(doc + 3 + m, "</r>", 4);
    char *got = malloc(m + 64);
    pith_arena_release(&arena, pith_arena_mark_get(&arena));
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)doc, m + 7, NULL, NULL), PITH_OK);
    cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
    cr_assert_eq(pith_xml_next(&x, &t), PITH_OK);
    cr_assert_eq(t.text.n, m);
    free(got);
    free(doc);
}

Test(xml_hostile, work_limit)
{
    pith_xml_limits lim = {0, 0, 100};
    char got[256];
    cr_assert_eq(render("<a>0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789</a>",
                        107, got, sizeof got, &lim),
                 PITH_E_LIMIT);
}

/* x.skip_deep (the office handlers set it): a subtree past max_depth is stepped over with a
 * counter, so text around it survives; '>' in quoted values, comments, CDATA and PIs inside
 * it do not end it early, and an empty element at the limit is skipped alone. */
static pith_status render_skipping(const char *xml, char *out, size_t cap, uint64_t *skipped)
{
    pith_xml x;
    pith_xml_limits lim = {3, 0, 0};
    size_t o = 0;
    out[0] = 0;
    pith_status st = pith_xml_init(&x, &arena, (const uint8_t *)xml, strlen(xml), &lim, NULL);
    if (st != PITH_OK) return st;
    x.skip_deep = true;
    pith_xml_token t;
    while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind == PITH_XML_START) o += (size_t)snprintf(out + o, cap - o, "<%.*s>", (int)t.local.n, t.local.p);
        else if (t.kind == PITH_XML_END) o += (size_t)snprintf(out + o, cap - o, "</%.*s>", (int)t.local.n, t.local.p);
        else o += (size_t)snprintf(out + o, cap - o, "%.*s", (int)t.text.n, t.text.p);
    }
    *skipped = x.deep_skipped;
    return st;
}

Test(xml_hostile, skip_deep_steps_over_subtrees_past_the_depth_limit)
{
    char got[512];
    uint64_t k = 0;
    cr_assert_eq(render_skipping("<a><b><c>x<d q='>'><e>gone</e><!-- </d> --><![CDATA[</d>]]><?p </d>?></d>"
                                 "y<d/>z<d a=\"/>\"/>w</c></b></a>", got, sizeof got, &k),
                 PITH_OK);
    cr_expect_str_eq(got, "<a><b><c>xyzw</c></b></a>");
    cr_expect_eq(k, 3);
    /* 100,000 levels under the limit: no stack, one pass */
    size_t depth = 100000, o = 0;
    char *doc = malloc(depth * 7 + 64);
    o += (size_t)sprintf(doc, "<a><b><c>L");
    for (size_t i = 0; i < depth; i++) memcpy(doc + o + 3 * i, "<d>", 3);
    o += 3 * depth;
    for (size_t i = 0; i < depth; i++) memcpy(doc + o + 4 * i, "</d>", 4);
    o += 4 * depth;
    o += (size_t)sprintf(doc + o, "R</c></b></a>");
    size_t before = pith_arena_bytes(&arena);
    pith_xml x;
    pith_xml_limits lim = {3, 0, 0};
    cr_assert_eq(pith_xml_init(&x, &arena, (const uint8_t *)doc, o, &lim, NULL), PITH_OK);
    x.skip_deep = true;
    pith_xml_token t;
    pith_status st;
    char text[8] = {0};
    size_t tn = 0;
    while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF)
        if (t.kind == PITH_XML_TEXT && tn + t.text.n < sizeof text) {
            memcpy(text + tn, t.text.p, t.text.n);
            tn += t.text.n;
        }
    cr_expect_eq(st, PITH_OK);
    cr_expect_str_eq(text, "LR");
    cr_expect_leq(pith_arena_bytes(&arena) - before, (size_t)64 << 10);
    /* cut inside the skipped subtree: TRUNCATED, as any input ending inside an element */
    cr_expect_eq(render_skipping("<a><b><c>x<d><e>", got, sizeof got, &k), PITH_E_TRUNCATED);
    cr_expect_str_eq(got, "<a><b><c>x");
    free(doc);
}
