/* odf.c: the OpenDocument handler (ODT, ODS, ODP): the package, metadata, styles and units.
 *
 * OASIS ODF 1.2 Part 3 (package: content.xml, styles.xml, meta.xml, META-INF/manifest.xml)
 * and Part 1 (§3 meta, §16 list styles and master pages). The kind is the element under
 * office:body (office:text, office:spreadsheet, office:presentation/drawing), so a package
 * without a `mimetype` entry, detected as ODT, still reads as what it is.
 * Units: ODT one part (cut into steps: header, body, notes, footer), ODS one per sheet
 * (table:table under office:spreadsheet, a "##" heading with its name), ODP one per
 * draw:page (title frames as headings, speaker notes in a NOTES section, the master page's
 * footer when the page shows it). ODT footnotes and endnotes are a second pass over
 * content.xml after the body, each in a FOOTNOTE/ENDNOTE section; the citation mark stays in
 * the text where LibreOffice shows it. Headers and footers of the ODT master page "Standard"
 * (else the first one that has them) come before and after the body; ODS print headers are
 * left out (not sheet content). Bold, italic and strike-through come from the style a span or
 * paragraph names (its own properties; parent styles are not followed). Lists are ordered when
 * their list style numbers the level (text:list-level-style-number with a num-format), from
 * its text:start-value; continued numbering across lists is not followed. Flat ODF (.fodt) is
 * not read.
 * Refused: no content.xml (FORMAT), an encrypted content.xml (ENCRYPTED, from the manifest).
 * Missing or broken meta.xml/styles.xml are warnings. Limits: the zip layer (ratio, total),
 * the tokenizer (depth, work), max_objects for styles kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "odf.h"
#include "utf.h"

enum { PH_HEADER = 0, PH_BODY, PH_NOTES, PH_FOOTER, PH_DONE };

/* MARK: - Small helpers */

static pith_str copy_str(pith_doc *doc, pith_str s)
{
    pith_str r = {NULL, 0};
    if (!s.n) return r;
    char *p = pith_doc_alloc(doc, s.n);
    if (!p) return r;
    memcpy(p, s.p, s.n);
    r.p = p;
    r.n = s.n;
    return r;
}

/* Open an XML tokenizer over bytes that need not be kept: errors are not recorded (the
 * caller decides), work is charged by the caller. */
static pith_status xml_quiet(pith_doc *doc, pith_xml *x, const uint8_t *p, size_t n)
{
    const pith_limits *l = &pith_doc_options(doc)->limits;
    pith_xml_limits lim = {l->max_depth, 0, l->max_work};
    pith_status st = pith_xml_init(x, pith_scratch_arena(doc), p, n, &lim, NULL);
    x->skip_deep = true; /* as the body walker: what lies past max_depth is not read */
    return st;
}

/* An entry's bytes into the scratch arena (or the document arena), or NULL when absent.
 * A damaged entry that still gave bytes is used (the zip layer warned). */
static pith_status part(odf *o, const char *name, pith_arena *a, const uint8_t **p, size_t *n)
{
    *p = NULL;
    *n = 0;
    const pith_zip_entry *e = pith_zip_find_entry(&o->zip, name, strlen(name));
    if (!e) return PITH_OK;
    pith_status st = pith_zip_extract_doc(&o->zip, a, e, p, n);
    if (st == PITH_OK) return PITH_OK;
    if (pith_doc_status(o->doc) != PITH_OK) return pith_doc_status(o->doc);
    if (st == PITH_E_ENCRYPTED) return st;
    return *n ? PITH_OK : st;
}

/* Plain text of an element's content (header, footer, master-page frame, meta field):
 * paragraphs end with '\n', white space runs are one space. Reads up to the element's END. */
static pith_status collect(pith_doc *doc, pith_xml *x, const pith_xml_token *start, odf_buf *b)
{
    uint32_t depth = start->depth;
    bool sp = false;
    if (start->flags & PITH_XML_EMPTY) {
        pith_xml_token t;
        return pith_xml_next(x, &t);
    }
    for (;;) {
        pith_xml_token t;
        pith_status st = pith_xml_next(x, &t);
        if (st != PITH_OK) return st;
        if (t.kind == PITH_XML_EOF) return PITH_E_TRUNCATED;
        if (t.kind == PITH_XML_END && t.depth == depth) return PITH_OK;
        int ns = odf_ns(t.uri);
        if (t.kind == PITH_XML_START) {
            if (ns == ODF_NS_TEXT && (odf_eq(t.local, "s") || odf_eq(t.local, "tab"))) sp = true;
            if (ns == ODF_NS_TEXT && odf_eq(t.local, "line-break") && (st = odf_buf_put(doc, b, "\n", 1)))
                return st;
            if ((ns == ODF_NS_TEXT && odf_eq(t.local, "tracked-changes")) ||
                (ns == ODF_NS_OFFICE && odf_eq(t.local, "annotation")))
                if ((st = pith_xml_skip(x, &t)) != PITH_OK) return st;
            continue;
        }
        if (t.kind == PITH_XML_END) {
            if (ns == ODF_NS_TEXT && (odf_eq(t.local, "p") || odf_eq(t.local, "h"))) {
                sp = false;
                if (b->n && b->p[b->n - 1] != '\n' && (st = odf_buf_put(doc, b, "\n", 1))) return st;
            }
            continue;
        }
        for (size_t i = 0; i < t.text.n; i++) {
            char c = t.text.p[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                sp = true;
                continue;
            }
            if (sp && b->n && b->p[b->n - 1] != '\n' && (st = odf_buf_put(doc, b, " ", 1))) return st;
            sp = false;
            if ((st = odf_buf_put(doc, b, &c, 1)) != PITH_OK) return st;
        }
    }
}

static pith_str trimmed(const odf_buf *b)
{
    pith_str s = {b->p, b->n};
    while (s.n && (s.p[s.n - 1] == '\n' || s.p[s.n - 1] == ' ')) s.n--;
    return s;
}

/* MARK: - Styles */

/* text:list-style: which levels are numbered, and from where. */
static pith_status list_style(odf *o, pith_xml *x, const pith_xml_token *t)
{
    pith_doc *doc = o->doc;
    const pith_str *name = odf_attr(t, ODF_NS_STYLE, "name");
    if (!name || !name->n || (t->flags & PITH_XML_EMPTY)) return pith_xml_skip(x, t);
    pith_status st = pith_objects(doc, 1);
    if (st != PITH_OK) return st;
    if (o->nlists == o->lists_cap) {
        uint32_t cap = o->lists_cap ? o->lists_cap * 2 : 16;
        odf_list_style *n = pith_doc_alloc(doc, (size_t)cap * sizeof *n);
        if (!n) return pith_alloc_failed(doc, (size_t)cap * sizeof *n);
        if (o->nlists) memcpy(n, o->lists, (size_t)o->nlists * sizeof *n);
        o->lists = n;
        o->lists_cap = cap;
    }
    odf_list_style *ls = &o->lists[o->nlists];
    memset(ls, 0, sizeof *ls);
    ls->name = copy_str(doc, *name);
    if (!ls->name.n) return pith_alloc_failed(doc, name->n);
    for (uint32_t i = 0; i < ODF_LIST_LEVELS; i++) ls->start[i] = 1;
    uint32_t depth = t->depth;
    for (;;) {
        pith_xml_token c;
        if ((st = pith_xml_next(x, &c)) != PITH_OK) return st;
        if (c.kind == PITH_XML_EOF || (c.kind == PITH_XML_END && c.depth == depth)) break;
        if (c.kind != PITH_XML_START || c.depth != depth + 1) continue;
        uint32_t lv = odf_attr_u32(&c, ODF_NS_TEXT, "level", 0);
        if (lv >= 1 && lv <= ODF_LIST_LEVELS && odf_ns(c.uri) == ODF_NS_TEXT &&
            odf_eq(c.local, "list-level-style-number")) {
            /* an empty num-format shows no number: a list that only indents */
            const pith_str *fmt = odf_attr(&c, ODF_NS_STYLE, "num-format");
            if (!fmt || fmt->n) ls->numbered |= (uint16_t)(1u << (lv - 1));
            ls->start[lv - 1] = odf_attr_u32(&c, ODF_NS_TEXT, "start-value", 1);
        }
    }
    o->nlists++;
    return PITH_OK;
}

/* Bold, italic, struck through from a style:text-properties element (XSL-FO values). */
static uint32_t text_props(const pith_xml_token *c)
{
    uint32_t f = 0;
    for (uint32_t i = 0; i < c->nattrs; i++) {
        const pith_xml_attr *a = &c->attrs[i];
        pith_str l = a->local, v = a->value;
        if (odf_eq(l, "font-weight") && (odf_eq(v, "bold") || odf_eq(v, "700") || odf_eq(v, "800") ||
                                        odf_eq(v, "900")))
            f |= PITH_TEXT_STRONG;
        else if (odf_eq(l, "font-style") && (odf_eq(v, "italic") || odf_eq(v, "oblique")))
            f |= PITH_TEXT_EMPH;
        else if (odf_eq(l, "text-line-through-style") && v.n && !odf_eq(v, "none"))
            f |= PITH_TEXT_STRIKE;
    }
    return f;
}

static pith_status text_style(odf *o, pith_xml *x, const pith_xml_token *t, pith_str name)
{
    uint32_t depth = t->depth, flags = 0;
    for (;;) {
        pith_xml_token c;
        pith_status st = pith_xml_next(x, &c);
        if (st != PITH_OK) return st;
        if (c.kind == PITH_XML_EOF || (c.kind == PITH_XML_END && c.depth == depth)) break;
        if (c.kind == PITH_XML_START && odf_eq(c.local, "text-properties")) flags |= text_props(&c);
    }
    if (!flags) return PITH_OK;
    pith_status st = pith_objects(o->doc, 1);
    if (st != PITH_OK) return st;
    if (o->ntstyles == o->tstyles_cap) {
        uint32_t cap = o->tstyles_cap ? o->tstyles_cap * 2 : 32;
        odf_text_style *n = pith_doc_alloc(o->doc, (size_t)cap * sizeof *n);
        if (!n) return pith_alloc_failed(o->doc, (size_t)cap * sizeof *n);
        if (o->ntstyles) memcpy(n, o->tstyles, (size_t)o->ntstyles * sizeof *n);
        o->tstyles = n;
        o->tstyles_cap = cap;
    }
    odf_text_style *ts = &o->tstyles[o->ntstyles++];
    ts->name = copy_str(o->doc, name);
    ts->flags = flags;
    if (!ts->name.n) return pith_alloc_failed(o->doc, name.n);
    return PITH_OK;
}

static int str_cmp(pith_str a, pith_str b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    return c ? c : (a.n > b.n) - (a.n < b.n);
}

static int tstyle_cmp(const void *a, const void *b)
{
    return str_cmp(((const odf_text_style *)a)->name, ((const odf_text_style *)b)->name);
}

uint32_t odf_text_flags(const odf *o, pith_str name)
{
    uint32_t lo = 0, hi = o->ntstyles;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = str_cmp(o->tstyles[mid].name, name);
        if (c == 0) return o->tstyles[mid].flags;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

/* style:style: the look of a text or paragraph style; for a drawing-page style, whether the
 * page shows the master's footer. */
static pith_status page_style(odf *o, pith_xml *x, const pith_xml_token *t)
{
    const pith_str *fam = odf_attr(t, ODF_NS_STYLE, "family");
    const pith_str *name = odf_attr(t, ODF_NS_STYLE, "name");
    if (fam && name && name->n && !(t->flags & PITH_XML_EMPTY) &&
        (odf_eq(*fam, "text") || odf_eq(*fam, "paragraph")))
        return text_style(o, x, t, *name);
    if (!fam || !odf_eq(*fam, "drawing-page") || !name || (t->flags & PITH_XML_EMPTY))
        return pith_xml_skip(x, t);
    pith_str nm = copy_str(o->doc, *name);
    if (!nm.n) return pith_alloc_failed(o->doc, name->n);
    uint32_t depth = t->depth;
    bool show = false;
    for (;;) {
        pith_xml_token c;
        pith_status st = pith_xml_next(x, &c);
        if (st != PITH_OK) return st;
        if (c.kind == PITH_XML_EOF || (c.kind == PITH_XML_END && c.depth == depth)) break;
        if (c.kind == PITH_XML_START && odf_eq(c.local, "drawing-page-properties")) {
            const pith_str *v = odf_attr(&c, ODF_NS_PRES, "display-footer");
            show = v && odf_eq(*v, "true");
        }
    }
    if (!show) return PITH_OK;
    pith_status st = pith_objects(o->doc, 1);
    if (st != PITH_OK) return st;
    if (o->nfooter_pages == o->footer_pages_cap) {
        uint32_t cap = o->footer_pages_cap ? o->footer_pages_cap * 2 : 8;
        pith_str *n = pith_doc_alloc(o->doc, (size_t)cap * sizeof *n);
        if (!n) return pith_alloc_failed(o->doc, (size_t)cap * sizeof *n);
        if (o->nfooter_pages) memcpy(n, o->footer_pages, (size_t)o->nfooter_pages * sizeof *n);
        o->footer_pages = n;
        o->footer_pages_cap = cap;
    }
    o->footer_pages[o->nfooter_pages++] = nm;
    return PITH_OK;
}

/* The children of office:styles / office:automatic-styles. */
static pith_status styles_block(odf *o, pith_xml *x, const pith_xml_token *t)
{
    uint32_t depth = t->depth;
    if (t->flags & PITH_XML_EMPTY) return pith_xml_skip(x, t);
    for (;;) {
        pith_xml_token c;
        pith_status st = pith_xml_next(x, &c);
        if (st != PITH_OK) return st;
        if (c.kind == PITH_XML_EOF || (c.kind == PITH_XML_END && c.depth == depth)) return PITH_OK;
        if (c.kind != PITH_XML_START) continue;
        int ns = odf_ns(c.uri);
        if (ns == ODF_NS_TEXT && odf_eq(c.local, "list-style")) st = list_style(o, x, &c);
        else if (ns == ODF_NS_STYLE && odf_eq(c.local, "style")) st = page_style(o, x, &c);
        else st = pith_xml_skip(x, &c);
        if (st != PITH_OK) return st;
    }
}

/* style:master-page: ODT header and footer, ODP footer frame. */
static pith_status master_page(odf *o, pith_xml *x, const pith_xml_token *t)
{
    pith_doc *doc = o->doc;
    if (t->flags & PITH_XML_EMPTY) return pith_xml_skip(x, t);
    pith_status st = pith_objects(doc, 1);
    if (st != PITH_OK) return st;
    if (o->nmasters == o->masters_cap) {
        uint32_t cap = o->masters_cap ? o->masters_cap * 2 : 8;
        odf_master *n = pith_doc_alloc(doc, (size_t)cap * sizeof *n);
        if (!n) return pith_alloc_failed(doc, (size_t)cap * sizeof *n);
        if (o->nmasters) memcpy(n, o->masters, (size_t)o->nmasters * sizeof *n);
        o->masters = n;
        o->masters_cap = cap;
    }
    odf_master *m = &o->masters[o->nmasters++];
    memset(m, 0, sizeof *m);
    const pith_str *name = odf_attr(t, ODF_NS_STYLE, "name");
    if (name) m->name = copy_str(doc, *name);
    uint32_t depth = t->depth;
    for (;;) {
        pith_xml_token c;
        if ((st = pith_xml_next(x, &c)) != PITH_OK) return st;
        if (c.kind == PITH_XML_EOF || (c.kind == PITH_XML_END && c.depth == depth)) return PITH_OK;
        if (c.kind != PITH_XML_START || c.depth != depth + 1) continue;
        int ns = odf_ns(c.uri);
        pith_str *dst = NULL;
        if (ns == ODF_NS_STYLE && odf_eq(c.local, "header")) dst = &m->header;
        else if (ns == ODF_NS_STYLE && odf_eq(c.local, "footer")) dst = &m->footer;
        else if (ns == ODF_NS_DRAW && odf_eq(c.local, "frame")) {
            const pith_str *cls = odf_attr(&c, ODF_NS_PRES, "class");
            if (cls && odf_eq(*cls, "footer")) dst = &m->footer;
        }
        if (!dst || dst->n) {
            if ((st = pith_xml_skip(x, &c)) != PITH_OK) return st;
            continue;
        }
        odf_buf b = {NULL, 0, 0};
        if ((st = collect(doc, x, &c, &b)) != PITH_OK) return st;
        *dst = trimmed(&b);
    }
}

static pith_status read_styles(odf *o)
{
    pith_doc *doc = o->doc;
    const uint8_t *p;
    size_t n;
    pith_status st = part(o, "styles.xml", NULL, &p, &n);
    if (st != PITH_OK || !p) return pith_doc_status(doc);
    pith_xml x;
    if (xml_quiet(doc, &x, p, n) != PITH_OK) return pith_warn(doc, PITH_E_FORMAT, 0, "odf: styles.xml unreadable");
    for (;;) {
        pith_xml_token t;
        if ((st = pith_xml_next(&x, &t)) != PITH_OK || t.kind == PITH_XML_EOF) break;
        if (t.kind != PITH_XML_START) continue;
        int ns = odf_ns(t.uri);
        if (t.depth == 3) {  /* inside office:master-styles */
            if (ns == ODF_NS_STYLE && odf_eq(t.local, "master-page")) st = master_page(o, &x, &t);
            else st = pith_xml_skip(&x, &t);
        } else if (ns == ODF_NS_OFFICE && (odf_eq(t.local, "styles") || odf_eq(t.local, "automatic-styles"))) {
            st = styles_block(o, &x, &t);
        } else if (!(ns == ODF_NS_OFFICE && odf_eq(t.local, "master-styles")) && t.depth == 2) {
            st = pith_xml_skip(&x, &t);
        }
        if (st != PITH_OK) break;
    }
    pith_status w = pith_work(doc, n);
    if (w != PITH_OK) return w;
    if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
    if (st != PITH_OK) return pith_warn(doc, st, x.err.offset, "odf: styles.xml: %s", x.err.message);
    return PITH_OK;
}

/* MARK: - content.xml scan */

/* Position of lit in c[from..n), or n. */
static size_t find(const uint8_t *c, size_t n, size_t from, const char *lit, size_t m)
{
    while (from < n && n - from >= m) {
        const uint8_t *p = memchr(c + from, lit[0], n - from);
        if (!p) return n;
        from = (size_t)(p - c);
        if (n - from >= m && memcmp(p, lit, m) == 0) return from;
        from++;
    }
    return n;
}

/* MARK: - Unit names */

/* Remember where unit `count` (0-based) starts, for its name. Names are a nicety: when the arena
 * refuses, they are dropped, not the document (a real shortage fails the next allocation). */
static void note_unit(odf *o, uint64_t count, size_t at)
{
    if (count != o->nunit_at || count >= UINT32_MAX) return;
    if (o->nunit_at == o->unit_at_cap) {
        uint32_t cap = o->unit_at_cap ? o->unit_at_cap * 2 : 16;
        if (cap < o->unit_at_cap) return;
        size_t *n = pith_arena_alloc(pith_doc_arena(o->doc), (size_t)cap * sizeof *n);
        if (!n) return;
        if (o->nunit_at) memcpy(n, o->unit_at, (size_t)o->nunit_at * sizeof *n);
        o->unit_at = n;
        o->unit_at_cap = cap;
    }
    o->unit_at[o->nunit_at++] = at;
}

static bool xml_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* An attribute value's references replaced and its white space normalised (XML 1.0 §3.3.3),
 * into the document arena: decoding never lengthens (the shortest reference, `&#N;`, is 4
 * bytes and gives at most 4). */
static pith_str attr_decode(pith_doc *doc, const uint8_t *v, size_t n)
{
    pith_str r = {NULL, 0};
    char *o = pith_arena_alloc(pith_doc_arena(doc), n ? n : 1);
    if (!o) return r;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = v[i];
        if (c != '&') {
            o[k++] = xml_space(c) ? ' ' : (char)c;
            i++;
            continue;
        }
        const uint8_t *semi = memchr(v + i, ';', n - i < 12 ? n - i : 12);
        size_t len = semi ? (size_t)(semi - (v + i)) - 1 : 0; /* between '&' and ';' */
        const uint8_t *nm = v + i + 1;
        char one = 0;
        uint32_t cp = 0;
        if (len == 3 && memcmp(nm, "amp", 3) == 0) one = '&';
        else if (len == 2 && memcmp(nm, "lt", 2) == 0) one = '<';
        else if (len == 2 && memcmp(nm, "gt", 2) == 0) one = '>';
        else if (len == 4 && memcmp(nm, "quot", 4) == 0) one = '"';
        else if (len == 4 && memcmp(nm, "apos", 4) == 0) one = '\'';
        else if (len >= 2 && nm[0] == '#') {
            bool hex = nm[1] == 'x';
            for (size_t j = hex ? 2 : 1; j < len && cp <= 0x10FFFF; j++) {
                uint8_t d = nm[j];
                uint32_t dv = d >= '0' && d <= '9' ? (uint32_t)(d - '0')
                            : hex && d >= 'a' && d <= 'f' ? (uint32_t)(d - 'a' + 10)
                            : hex && d >= 'A' && d <= 'F' ? (uint32_t)(d - 'A' + 10) : 99u;
                if (dv > (hex ? 15u : 9u)) {
                    cp = 0;
                    break;
                }
                cp = cp * (hex ? 16u : 10u) + dv;
            }
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0;
        }
        if (one) {
            o[k++] = one;
        } else if (cp) {
            k += pith_utf8_encode(cp, (uint8_t *)o + k);
        } else {
            o[k++] = '&'; /* not a reference we know: kept as written */
            i++;
            continue;
        }
        i += len + 2;
    }
    r.p = o;
    r.n = k;
    return r;
}

/* The name of sheet or page `index`: its start tag's table:name or draw:name (the only
 * attribute of table:table and draw:page whose local name is "name"), read from content.xml
 * where the count found the tag. Within the tag only: bounded by it. */
static pith_str unit_name(pith_doc *doc, void *state, uint32_t index)
{
    const odf *o = state;
    pith_str none = {NULL, 0};
    if (o->kind == ODF_KIND_TEXT || index >= o->nunit_at || o->unit_at[index] >= o->content_len)
        return none;
    const uint8_t *c = o->content;
    size_t n = o->content_len, i = o->unit_at[index] + 1;
    while (i < n && !xml_space(c[i]) && c[i] != '>' && c[i] != '/') i++;
    for (;;) {
        while (i < n && xml_space(c[i])) i++;
        if (i >= n || c[i] == '>' || c[i] == '/') return none;
        size_t a = i;
        while (i < n && c[i] != '=' && !xml_space(c[i]) && c[i] != '>') i++;
        size_t an = i - a;
        while (i < n && xml_space(c[i])) i++;
        if (i >= n || c[i] != '=') return none;
        i++;
        while (i < n && xml_space(c[i])) i++;
        if (i >= n || (c[i] != '"' && c[i] != '\'')) return none;
        const uint8_t *v = c + i + 1, *e = memchr(v, c[i], n - i - 1);
        if (!e) return none;
        i = (size_t)(e - c) + 1;
        const uint8_t *colon = memchr(c + a, ':', an);
        const uint8_t *local = colon ? colon + 1 : c + a;
        if ((size_t)(c + a + an - local) == 4 && memcmp(local, "name", 4) == 0)
            return attr_decode(doc, v, (size_t)(e - v));
    }
}

/* Count the sheets (table:table) or pages (draw:page) from `from` on without tokenizing: a
 * tag is the only place a raw '<' can stand (text and attribute values escape it), so
 * counting start tags of the name, outside comments, CDATA and processing instructions,
 * gives the units; nested tables are told apart by depth. It halves the open cost of a big
 * sheet. Only used when the root binds the usual prefix (every producer we know does);
 * false asks for the tokenizing count. */
static bool raw_units(odf *o, size_t from, const char *decl, const char *name, uint32_t *out)
{
    const uint8_t *c = o->content;
    size_t n = o->content_len, nl = strlen(name);
    if (find(c, from, 0, decl, strlen(decl)) >= from) return false;
    uint32_t depth = 0;
    uint64_t count = 0;
    size_t i = from;
    while (i < n) {
        const uint8_t *p = memchr(c + i, '<', n - i);
        if (!p) break;
        i = (size_t)(p - c);
        size_t rest = n - i, e;
        if (rest >= 4 && memcmp(p, "<!--", 4) == 0) {
            e = find(c, n, i + 4, "-->", 3);
            i = e >= n ? n : e + 3;
            continue;
        }
        if (rest >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
            e = find(c, n, i + 9, "]]>", 3);
            i = e >= n ? n : e + 3;
            continue;
        }
        if (rest >= 2 && p[1] == '?') {
            e = find(c, n, i + 2, "?>", 2);
            i = e >= n ? n : e + 2;
            continue;
        }
        bool close = rest >= 2 && p[1] == '/';
        size_t k = i + 1 + (close ? 1 : 0);
        uint8_t d;
        if (k >= n || n - k <= nl || memcmp(c + k, name, nl) != 0 ||
            !((d = c[k + nl]) == ' ' || d == '>' || d == '/' || d == '\t' || d == '\n' || d == '\r')) {
            i++;
            continue;
        }
        /* the end of the tag: '>' may stand inside a quoted attribute value */
        size_t j = k + nl;
        uint8_t q = 0;
        for (; j < n; j++) {
            uint8_t ch = c[j];
            if (q) {
                if (ch == q) q = 0;
            } else if (ch == '"' || ch == '\'') {
                q = ch;
            } else if (ch == '>') {
                break;
            }
        }
        if (j >= n) break;  /* cut inside the tag: the tokenizer would not start it either */
        if (close) {
            if (depth) depth--;
        } else {
            if (depth == 0) note_unit(o, count++, i);
            if (c[j - 1] != '/') depth++;
        }
        i = j + 1;
    }
    if (count > UINT32_MAX) count = UINT32_MAX;
    *out = (uint32_t)count;
    return true;
}

/* Before the first unit: the automatic styles, the kind under office:body, and the number of
 * sheets or pages (each skipped whole). ODT stops at office:text. Errors are the walker's to
 * report, so this pass is quiet; its work is charged. */
static pith_status scan_content(odf *o, bool *found_kind)
{
    pith_doc *doc = o->doc;
    pith_xml x;
    pith_status st;
    *found_kind = false;
    if (xml_quiet(doc, &x, o->content, o->content_len) != PITH_OK) return PITH_OK;
    for (;;) {
        pith_xml_token t;
        if ((st = pith_xml_next(&x, &t)) != PITH_OK || t.kind == PITH_XML_EOF) break;
        if (t.kind != PITH_XML_START) continue;
        int ns = odf_ns(t.uri);
        if (t.depth == 2) {
            if (ns == ODF_NS_OFFICE && odf_eq(t.local, "automatic-styles")) st = styles_block(o, &x, &t);
            else if (!(ns == ODF_NS_OFFICE && odf_eq(t.local, "body"))) st = pith_xml_skip(&x, &t);
        } else if (t.depth == 3) {
            if (ns == ODF_NS_OFFICE && odf_eq(t.local, "text")) {
                o->kind = ODF_KIND_TEXT;
                *found_kind = true;
                break;
            }
            bool sheet = ns == ODF_NS_OFFICE && odf_eq(t.local, "spreadsheet");
            if (sheet || (ns == ODF_NS_OFFICE && (odf_eq(t.local, "presentation") || odf_eq(t.local, "drawing")))) {
                o->kind = sheet ? ODF_KIND_SHEET : ODF_KIND_SLIDES;
                *found_kind = true;
                size_t at = (size_t)(x.p - x.base);
                uint32_t count;
                if (x.base == o->content &&
                    raw_units(o, at, sheet ? "xmlns:table=\"" ODF_URI_TABLE "\"" : "xmlns:draw=\"" ODF_URI_DRAW "\"",
                              sheet ? "table:table" : "draw:page", &count)) {
                    if ((st = pith_objects(doc, count)) != PITH_OK) return st;
                    o->units = count;
                    if ((st = pith_work(doc, o->content_len)) != PITH_OK) return st;
                    return pith_doc_status(doc);
                }
            } else {
                st = pith_xml_skip(&x, &t);
            }
        } else if (t.depth == 4) {
            if ((o->kind == ODF_KIND_SHEET && ns == ODF_NS_TABLE && odf_eq(t.local, "table")) ||
                (o->kind == ODF_KIND_SLIDES && ns == ODF_NS_DRAW && odf_eq(t.local, "page"))) {
                if ((st = pith_objects(doc, 1)) != PITH_OK) return st;
                /* offsets are the input's only when it was UTF-8 (else decoded text's) */
                note_unit(o, o->units++, x.base == o->content ? (size_t)t.offset : SIZE_MAX);
            }
            st = pith_xml_skip(&x, &t);
        }
        if (st != PITH_OK) break;
    }
    size_t used = (size_t)(x.p - x.base);
    if ((st = pith_work(doc, used)) != PITH_OK) return st;
    return pith_doc_status(doc);
}

/* MARK: - Manifest and metadata */

/* META-INF/manifest.xml: is content.xml encrypted (a manifest:encryption-data child)? */
static pith_status check_manifest(odf *o, bool *encrypted)
{
    const uint8_t *p;
    size_t n;
    *encrypted = false;
    pith_status st = part(o, "META-INF/manifest.xml", NULL, &p, &n);
    if (st != PITH_OK || !p) return pith_doc_status(o->doc);
    pith_xml x;
    if (xml_quiet(o->doc, &x, p, n) != PITH_OK) return PITH_OK;
    bool content = false;
    for (;;) {
        pith_xml_token t;
        if (pith_xml_next(&x, &t) != PITH_OK || t.kind == PITH_XML_EOF) break;
        if (t.kind != PITH_XML_START || odf_ns(t.uri) != ODF_NS_MANIFEST) continue;
        if (odf_eq(t.local, "file-entry")) {
            const pith_str *path = odf_attr(&t, ODF_NS_MANIFEST, "full-path");
            content = path && (odf_eq(*path, "content.xml") || odf_eq(*path, "/content.xml"));
        } else if (odf_eq(t.local, "encryption-data") && content) {
            *encrypted = true;
            break;
        }
    }
    return pith_work(o->doc, n);
}

static pith_status read_meta(odf *o)
{
    pith_doc *doc = o->doc;
    const uint8_t *p;
    size_t n;
    pith_status st = part(o, "meta.xml", NULL, &p, &n);
    if (st != PITH_OK || !p) return pith_doc_status(doc);  /* meta.xml is optional */
    pith_xml x;
    if (xml_quiet(doc, &x, p, n) != PITH_OK) return pith_warn(doc, PITH_E_FORMAT, 0, "odf: meta.xml unreadable");
    odf_buf kw = {NULL, 0, 0};
    pith_str initial = {NULL, 0}, creator = {NULL, 0};
    for (;;) {
        pith_xml_token t;
        if ((st = pith_xml_next(&x, &t)) != PITH_OK || t.kind == PITH_XML_EOF) break;
        if (t.kind != PITH_XML_START || t.depth != 3) continue;
        int ns = odf_ns(t.uri);
        const char *key = NULL;
        if (ns == ODF_NS_DC) {
            if (odf_eq(t.local, "title")) key = "title";
            else if (odf_eq(t.local, "subject")) key = "subject";
            else if (odf_eq(t.local, "description")) key = "description";
            else if (odf_eq(t.local, "date")) key = "modified";
            else if (odf_eq(t.local, "language")) key = "language";
            else if (odf_eq(t.local, "creator")) key = "\1creator";
        } else if (ns == ODF_NS_META) {
            if (odf_eq(t.local, "creation-date")) key = "created";
            else if (odf_eq(t.local, "generator")) key = "application";
            else if (odf_eq(t.local, "initial-creator")) key = "\1initial";
            else if (odf_eq(t.local, "keyword")) key = "\1keyword";
            else if (odf_eq(t.local, "document-statistic")) {
                static const struct { const char *attr, *key; } stats[] = {
                    {"page-count", "pages"}, {"word-count", "words"}};
                for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++) {
                    const pith_str *v = odf_attr(&t, ODF_NS_META, stats[i].attr);
                    if (v && v->n && (st = pith_doc_add_meta(doc, stats[i].key, v->p, v->n)) != PITH_OK)
                        return st;
                }
            }
        }
        if (!key) {
            if ((st = pith_xml_skip(&x, &t)) != PITH_OK) break;
            continue;
        }
        odf_buf b = {NULL, 0, 0};
        if ((st = collect(doc, &x, &t, &b)) != PITH_OK) break;
        pith_str v = trimmed(&b);
        if (!v.n) continue;
        if (key[0] == '\1') {
            if (key[1] == 'c') creator = v;
            else if (key[1] == 'i') initial = v;
            else if ((kw.n && (st = odf_buf_put(doc, &kw, ", ", 2)) != PITH_OK) ||
                     (st = odf_buf_put(doc, &kw, v.p, v.n)) != PITH_OK)
                return st;
            continue;
        }
        if ((st = pith_doc_add_meta(doc, key, v.p, v.n)) != PITH_OK) return st;
    }
    pith_status e = st;
    /* dc:creator is who saved last; meta:initial-creator is the author */
    if (initial.n) st = pith_doc_add_meta(doc, "author", initial.p, initial.n);
    else if (creator.n) st = pith_doc_add_meta(doc, "author", creator.p, creator.n);
    else st = PITH_OK;
    if (st == PITH_OK && initial.n && creator.n) st = pith_doc_add_meta(doc, "last_modified_by", creator.p, creator.n);
    if (st == PITH_OK && kw.n) st = pith_doc_add_meta(doc, "keywords", kw.p, kw.n);
    if (st == PITH_OK) st = pith_work(doc, n);
    if (st != PITH_OK) return st;
    if (e != PITH_OK) return pith_warn(doc, e, x.err.offset, "odf: meta.xml: %s", x.err.message);
    return PITH_OK;
}

/* MARK: - Handler */

static pith_status odf_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    odf *o = pith_doc_calloc(doc, sizeof *o);
    if (!o) return pith_alloc_failed(doc, sizeof *o);
    o->doc = doc;
    pith_status st = pith_zip_open_doc(doc, &o->zip, data, len);
    if (st != PITH_OK) return st;
    const pith_zip_entry *ce = pith_zip_find_entry(&o->zip, "content.xml", 11);
    if (!ce) {
        return pith_fail(doc, PITH_E_FORMAT, 0, "odf: no content.xml in the package (%u entries)",
                         o->zip.count);
    }
    bool enc;
    if ((st = check_manifest(o, &enc)) != PITH_OK) return st;
    if (enc || ce->status == PITH_E_ENCRYPTED)
        return pith_fail(doc, PITH_E_ENCRYPTED, ce->local_off,
                         "odf: content.xml is encrypted (password-protected document)");
    st = pith_zip_extract_doc(&o->zip, pith_doc_arena(doc), ce, &o->content, &o->content_len);
    if (st != PITH_OK) {
        if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
        if (!o->content_len)
            return pith_fail(doc, st, ce->local_off, "odf: content.xml unreadable");
        /* a damaged entry that still gave bytes (CRC, cut short): the zip layer warned */
    }
    pith_format f = pith_doc_format(doc);
    o->kind = f == PITH_FMT_ODS ? ODF_KIND_SHEET : f == PITH_FMT_ODP ? ODF_KIND_SLIDES : ODF_KIND_TEXT;
    bool found;
    if ((st = scan_content(o, &found)) != PITH_OK) return st;
    /* styles.xml (often the largest part: master pages full of shapes) holds what an ODT
     * needs (list styles, header and footer) and an ODP's footers; a sheet needs none of it */
    if ((o->kind == ODF_KIND_TEXT || (o->kind == ODF_KIND_SLIDES && o->nfooter_pages)) &&
        (st = read_styles(o)) != PITH_OK)
        return st;
    if ((st = read_meta(o)) != PITH_OK) return st;
    /* an automatic style and a named one never share a name, so one sorted table serves */
    if (o->ntstyles > 1) qsort(o->tstyles, o->ntstyles, sizeof *o->tstyles, tstyle_cmp);
    if (o->kind == ODF_KIND_TEXT) pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    else pith_doc_set_units(doc, o->units, o->kind == ODF_KIND_SHEET ? PITH_UNIT_SHEET : PITH_UNIT_SLIDE);
    if (o->kind != ODF_KIND_TEXT) pith_doc_set_unit_names(doc, unit_name);
    *state = o;
    return PITH_OK;
}

/* The master page whose header and footer an ODT shows: "Standard", else the first with any. */
static const odf_master *text_master(const odf *o)
{
    const odf_master *first = NULL;
    for (uint32_t i = 0; i < o->nmasters; i++) {
        const odf_master *m = &o->masters[i];
        if (odf_eq(m->name, "Standard")) return m;
        if (!first && (m->header.n || m->footer.n)) first = m;
    }
    return first;
}

static pith_status text_unit(odf *o)
{
    pith_doc *doc = o->doc;
    const odf_master *m = text_master(o);
    pith_status st;
    switch (o->phase) {
    case PH_HEADER:
        if (m && m->header.n && (st = odf_emit_plain_section(doc, PITH_SECTION_HEADER, m->header)) != PITH_OK)
            return st;
        o->phase = PH_BODY;
        return PITH_MORE;
    case PH_BODY:
        if (!o->walk && (st = odf_walk_create(o, ODF_WALK_BODY, &o->walk)) != PITH_OK) return st;
        if ((st = odf_walk_unit(o->walk, 0)) != PITH_OK) return st;
        o->phase = PH_NOTES;
        return PITH_MORE;
    case PH_NOTES: {
        /* a second pass only for a document that has notes */
        static const char mark[] = "note-body";
        bool any = false;
        for (size_t i = 0; !any && i + sizeof mark - 1 <= o->content_len; i++) {
            const uint8_t *p = memchr(o->content + i, 'n', o->content_len - i);
            if (!p) break;
            i = (size_t)(p - o->content);
            any = o->content_len - i >= sizeof mark - 1 && memcmp(p, mark, sizeof mark - 1) == 0;
        }
        if (any) {
            if (!o->notes && (st = odf_walk_create(o, ODF_WALK_NOTES, &o->notes)) != PITH_OK) return st;
            if ((st = odf_walk_unit(o->notes, 0)) != PITH_OK) return st;
        }
        o->phase = PH_FOOTER;
        return PITH_MORE;
    }
    case PH_FOOTER:
        o->phase = PH_DONE;
        if (m && m->footer.n) return odf_emit_plain_section(doc, PITH_SECTION_FOOTER, m->footer);
        return PITH_OK;
    default:
        return PITH_OK;
    }
}

static pith_status odf_unit(pith_doc *doc, void *state, uint32_t index)
{
    odf *o = state;
    pith_status st;
    if (o->kind == ODF_KIND_TEXT) return text_unit(o);
    if (!o->walk && (st = odf_walk_create(o, ODF_WALK_BODY, &o->walk)) != PITH_OK) return st;
    if ((st = odf_walk_unit(o->walk, index)) != PITH_OK) return st;
    if (o->kind == ODF_KIND_SLIDES) {
        bool show;
        pith_str name = odf_walk_master(o->walk, &show);
        for (uint32_t i = 0; show && i < o->nmasters; i++) {
            const odf_master *m = &o->masters[i];
            if (m->footer.n && m->name.n == name.n && memcmp(m->name.p, name.p, name.n) == 0)
                return odf_emit_plain_section(doc, PITH_SECTION_FOOTER, m->footer);
        }
    }
    return PITH_OK;
}

const pith_handler pith_handler_odf = {"odf", odf_open, odf_unit};
