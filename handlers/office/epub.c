/* epub.c: the EPUB handler (EPUB 3.3 OCF and Packages; EPUB 2.0.1 OPF reads the same way).
 *
 * META-INF/container.xml names the package document (OPF); its manifest maps ids to hrefs
 * (relative to the OPF's folder, %-escaped) and its spine gives the reading order. Each spine
 * item is one unit (PITH_UNIT_ITEM), extracted through the core's nested extraction (the HTML
 * handler for XHTML), so EPUB adds no text rules of its own. linear="no" items stay where the
 * spine puts them: they are part of the book and a reader reaches them from there. Metadata
 * from the OPF's Dublin Core elements. META-INF/encryption.xml: font obfuscation is ignored
 * (fonts are never read), an encrypted content document is a warning and its unit is lost.
 * Fallbacks: no container → the first *.opf entry; no spine → the manifest's XHTML items in
 * manifest order (each with a warning). Units are named by their item's path. Left out: the
 * NCX/nav as a table of contents (and its labels as unit names), fallback chains of foreign
 * spine items.
 * Limits: manifest and spine entries count against max_objects; a spine item listed twice
 * (or two manifest ids naming one file) is read once, so units never exceed the ZIP entries.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "xml.h"
#include "zip.h"

#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_ENC "http://www.w3.org/2001/04/xmlenc#"
/* Longest metadata value kept (a description is a paragraph or two). */
#define META_MAX 4096u
/* The XML declaration is looked for in the first bytes of an item only. */
#define DECL_SCAN 256u

typedef struct epub_item {
    const pith_zip_entry *entry; /* NULL: missing from the archive */
    pith_str path;               /* resolved ZIP name */
    pith_str media;              /* media-type as written */
    bool encrypted;              /* listed in encryption.xml with a real cipher */
} epub_item;

typedef struct epub_state {
    pith_zip zip;
    epub_item *items; /* spine order, one per unit */
    uint32_t n;
} epub_state;

/* A manifest entry while the OPF is read (scratch). */
typedef struct man_item {
    pith_str id, href, media;
    bool xhtml;
} man_item;

/* MARK: - Small string helpers */

static bool str_eq(pith_str a, const char *lit)
{
    size_t n = strlen(lit);
    return a.n == n && memcmp(a.p, lit, n) == 0;
}

static bool str_ieq(pith_str a, const char *lit)
{
    size_t n = strlen(lit);
    if (a.n != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = a.p[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lit[i]) return false;
    }
    return true;
}

static int str_cmp(pith_str a, pith_str b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    if (c) return c;
    return a.n < b.n ? -1 : a.n > b.n;
}

static pith_str attr_or_empty(const pith_xml_token *t, const char *local)
{
    const pith_str *v = pith_xml_attr_get(t, "", local);
    pith_str e = {"", 0};
    return v ? *v : e;
}

static char *copy_into(pith_arena *a, pith_str s)
{
    char *p = pith_arena_alloc(a, s.n + 1);
    if (p) {
        if (s.n) memcpy(p, s.p, s.n);
        p[s.n] = '\0';
    }
    return p;
}

/* Statuses that end the whole document (the core's rule): the rest stay with one part. */
static bool doc_fatal(pith_status st)
{
    return st == PITH_E_LIMIT || st == PITH_E_NOMEM || st == PITH_E_ABORTED || st == PITH_E_ARG;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* MARK: - Paths */

/* The folder of a ZIP name, with its trailing '/' ("" at the root). */
static pith_str folder_of(pith_str name)
{
    pith_str d = name;
    while (d.n && d.p[d.n - 1] != '/') d.n--;
    return d;
}

/* Resolve a relative URL `href` against folder `base` (RFC 3986 §5.2 for the path part) into
 * a ZIP name in `a`: the fragment and query are dropped, %-escapes decoded, "." and ".."
 * segments applied (".." at the root stays at the root). A URL with a scheme points outside
 * the container: empty result. Each byte is written once and removed at most once. */
static pith_str resolve_href(pith_arena *a, pith_str base, pith_str href)
{
    pith_str none = {NULL, 0};
    size_t hn = 0;
    while (hn < href.n && href.p[hn] != '#' && href.p[hn] != '?') hn++;
    for (size_t i = 0; i < hn && href.p[i] != '/'; i++) {
        if (href.p[i] == ':') return none;
    }
    bool absolute = hn && href.p[0] == '/';
    size_t cap;
    if (!pith_size_add(base.n, hn, &cap) || !pith_size_add(cap, 1, &cap)) return none;
    char *out = pith_arena_alloc(a, cap);
    if (!out) return none;
    size_t o = 0;
    if (!absolute) {
        memcpy(out, base.p, base.n);
        o = base.n;
    }
    /* Decode the href after the base, then normalise the whole path segment by segment. */
    for (size_t i = 0; i < hn; i++) {
        char c = href.p[i];
        if (c == '%' && hn - i >= 3 && hexval(href.p[i + 1]) >= 0 && hexval(href.p[i + 2]) >= 0) {
            c = (char)(hexval(href.p[i + 1]) * 16 + hexval(href.p[i + 2]));
            i += 2;
        }
        out[o++] = c;
    }
    size_t w = 0, r = 0;
    while (r < o) {
        size_t s = r;
        while (r < o && out[r] != '/') r++;
        size_t len = r - s;
        bool slash = r < o;
        if (r < o) r++;
        if (len == 0 || (len == 1 && out[s] == '.')) continue;
        if (len == 2 && out[s] == '.' && out[s + 1] == '.') {
            /* drop the last segment written (and its '/') */
            if (w) w--;
            while (w && out[w - 1] != '/') w--;
            continue;
        }
        memmove(out + w, out + s, len);
        w += len;
        if (slash) out[w++] = '/';
    }
    pith_str res = {out, w};
    return res;
}

/* MARK: - Reading XML parts */

/* The text content of the element whose START is *start (descendants' text included, markup
 * dropped), trimmed, at most META_MAX bytes, in buf (META_MAX bytes, reused). */
static pith_status element_text(pith_xml *x, const pith_xml_token *start, char *buf,
                                pith_str *out)
{
    size_t n = 0;
    uint32_t depth = start->depth;
    out->p = buf;
    out->n = 0;
    if (start->flags & PITH_XML_EMPTY) {
        pith_xml_token t;
        return pith_xml_next(x, &t); /* its END */
    }
    for (;;) {
        pith_xml_token t;
        pith_status st = pith_xml_next(x, &t);
        if (st != PITH_OK) return st;
        if (t.kind == PITH_XML_EOF) break;
        if (t.kind == PITH_XML_END && t.depth == depth) break;
        if (t.kind == PITH_XML_TEXT) {
            size_t k = t.text.n < META_MAX - n ? t.text.n : META_MAX - n;
            memcpy(buf + n, t.text.p, k);
            n += k;
        }
    }
    size_t b = 0;
    while (b < n && (buf[b] == ' ' || buf[b] == '\t' || buf[b] == '\n' || buf[b] == '\r')) b++;
    while (n > b && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\n' ||
                     buf[n - 1] == '\r'))
        n--;
    out->p = buf + b;
    out->n = n - b;
    return PITH_OK;
}

/* Extract a part into scratch; *found false when it is not in the archive. A damaged entry
 * has been warned about by pith_zip_extract_doc; only LIMIT/NOMEM come back as errors. */
static pith_status read_entry(pith_zip *z, const pith_zip_entry *e,
                              const uint8_t **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    pith_status st = pith_zip_extract_doc(z, NULL, e, data, len);
    if (st == PITH_OK) return PITH_OK;
    if (doc_fatal(st)) return st;
    /* a CRC mismatch keeps the whole data, a cut stream what was decoded: text from it is
     * still worth having (the warning says it is damaged) */
    if (*len == 0) *data = NULL;
    return PITH_OK;
}

/* MARK: - Container and encryption */

/* The OPF's ZIP name from META-INF/container.xml (the first rootfile of the OPF media type,
 * else the first rootfile), or the first *.opf entry when the container is missing or names
 * nothing usable. Empty when there is none. In the document arena. */
static pith_status find_opf(pith_doc *doc, epub_state *s, pith_str *opf)
{
    static const char cname[] = "META-INF/container.xml";
    opf->p = NULL;
    opf->n = 0;
    const pith_zip_entry *ce = pith_zip_find_entry_icase(&s->zip, cname, sizeof cname - 1);
    const uint8_t *data = NULL;
    size_t len = 0;
    pith_status st;
    if (ce && (st = read_entry(&s->zip, ce, &data, &len)) != PITH_OK) return st;
    pith_str first = {NULL, 0}, typed = {NULL, 0};
    if (data) {
        pith_xml x;
        st = pith_xml_init_doc(&x, doc, NULL, data, len);
        x.skip_deep = true; /* a subtree past max_depth: skipped with a warning */
        if (doc_fatal(st)) return st;
        pith_xml_token t;
        while (st == PITH_OK && (st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
            if (t.kind != PITH_XML_START || !str_eq(t.local, "rootfile")) continue;
            pith_str fp = attr_or_empty(&t, "full-path");
            if (!fp.n) continue;
            bool opf_type = str_ieq(attr_or_empty(&t, "media-type"), "application/oebps-package+xml");
            if (!first.p || (opf_type && !typed.p)) {
                pith_str root = {"", 0};
                pith_str r = resolve_href(pith_scratch_arena(doc), root, fp);
                if (!r.p) return pith_alloc_failed(doc, fp.n);
                if (!first.p) first = r;
                if (opf_type && !typed.p) typed = r;
            }
            if (typed.p) break;
        }
        if (doc_fatal(st)) return st;
    }
    pith_str pick = typed.p ? typed : first;
    if (pick.p && pith_zip_find_entry_icase(&s->zip, pick.p, pick.n)) {
        const pith_zip_entry *e = pith_zip_find_entry_icase(&s->zip, pick.p, pick.n);
        *opf = e->name;
        return PITH_OK;
    }
    /* No usable container: a package document anywhere will do (tika's files open this way
     * too). Directory order, so the choice is the producer's. */
    for (uint32_t i = 0; i < s->zip.count; i++) {
        pith_str nm = s->zip.entries[i].name;
        if (nm.n > 4 && (nm.p[nm.n - 4] == '.') && str_ieq((pith_str){nm.p + nm.n - 3, 3}, "opf")) {
            if ((st = pith_warn(doc, PITH_E_FORMAT, 0,
                                ce ? "epub: container.xml names no package document; using %.*s"
                                   : "epub: no META-INF/container.xml; using %.*s",
                                (int)(nm.n > 200 ? 200 : nm.n), nm.p)) != PITH_OK)
                return st;
            *opf = nm;
            return PITH_OK;
        }
    }
    return pith_fail(doc, PITH_E_FORMAT, 0,
                     ce ? "epub: container.xml names no package document in the archive"
                        : "epub: no META-INF/container.xml and no package document (*.opf)");
}

/* Mark the spine items META-INF/encryption.xml lists with a real cipher. Font obfuscation
 * (IDPF's, Adobe's) only scrambles fonts, which are never read. URIs are relative to the
 * container root (OCF §4.2.6.3.2). */
static pith_status mark_encrypted(pith_doc *doc, epub_state *s)
{
    static const char ename[] = "META-INF/encryption.xml";
    const pith_zip_entry *ee = pith_zip_find_entry_icase(&s->zip, ename, sizeof ename - 1);
    if (!ee) return PITH_OK;
    const uint8_t *data;
    size_t len;
    pith_status st = read_entry(&s->zip, ee, &data, &len);
    if (st != PITH_OK || !data) return st;
    pith_xml x;
    st = pith_xml_init_doc(&x, doc, NULL, data, len);
    x.skip_deep = true; /* a subtree past max_depth: skipped with a warning */
    if (st != PITH_OK) return doc_fatal(st) ? st : PITH_OK;
    /* one flag per ZIP entry: each reference is a lookup, not a pass over the spine */
    uint8_t *flag = pith_scratch_alloc(doc, (size_t)s->zip.count + 1);
    if (!flag) return pith_alloc_failed(doc, (size_t)s->zip.count + 1);
    memset(flag, 0, (size_t)s->zip.count + 1);
    bool obfuscation = false;
    pith_xml_token t;
    pith_str root = {"", 0};
    while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind != PITH_XML_START) continue;
        if (str_eq(t.local, "EncryptedData")) {
            obfuscation = false;
        } else if (str_eq(t.local, "EncryptionMethod")) {
            pith_str alg = attr_or_empty(&t, "Algorithm");
            obfuscation = str_eq(alg, "http://www.idpf.org/2008/embedding") ||
                          str_eq(alg, "http://ns.adobe.com/pdf/enc#RC");
        } else if (str_eq(t.local, "CipherReference") && !obfuscation) {
            pith_str uri = attr_or_empty(&t, "URI");
            pith_str path = resolve_href(pith_scratch_arena(doc), root, uri);
            const pith_zip_entry *e = path.p ? pith_zip_find_entry_icase(&s->zip, path.p, path.n)
                                             : NULL;
            if (e) flag[e->index] = 1;
        }
    }
    for (uint32_t i = 0; i < s->n; i++)
        if (s->items[i].entry && flag[s->items[i].entry->index]) s->items[i].encrypted = true;
    return doc_fatal(st) ? st : PITH_OK;
}

/* MARK: - Package document */

/* Dublin Core elements kept as metadata; `join` ones gather every occurrence. */
static const struct {
    const char *local, *key;
    bool join;
} dc_meta[] = {
    {"title", "title", false},         {"creator", "author", true},
    {"language", "language", false},   {"date", "date", false},
    {"publisher", "publisher", false}, {"description", "description", false},
    {"subject", "subject", true},
};
#define DC_N (sizeof dc_meta / sizeof dc_meta[0])

typedef struct opf_read {
    man_item *man;     /* manifest, in document order */
    uint32_t nman, man_cap;
    pith_str *refs;    /* spine idrefs, in order */
    uint32_t nref, ref_cap;
    bool spine_seen;
    char *meta[DC_N];  /* scratch buffers of META_MAX bytes, NULL until seen */
    size_t meta_n[DC_N];
    char *tmp;         /* one element's text */
} opf_read;

/* Grow an array in scratch to hold one more element of `size` bytes. */
static pith_status grow(pith_doc *doc, void **arr, uint32_t n, uint32_t *cap, size_t size)
{
    if (n < *cap) return PITH_OK;
    uint32_t nc = *cap ? *cap * 2 : 64;
    size_t bytes;
    if (nc < *cap || !pith_size_mul(nc, size, &bytes)) return pith_fail_alloc(doc, SIZE_MAX);
    void *p = *arr ? pith_arena_grow(pith_scratch_arena(doc), *arr, (size_t)*cap * size, bytes)
                   : pith_arena_alloc(pith_scratch_arena(doc), bytes);
    if (!p) return pith_alloc_failed(doc, bytes);
    *arr = p;
    *cap = nc;
    return PITH_OK;
}

static pith_status scratch_copy(pith_doc *doc, pith_str in, pith_str *out)
{
    char *p = copy_into(pith_scratch_arena(doc), in);
    if (!p) return pith_alloc_failed(doc, in.n + 1);
    out->p = p;
    out->n = in.n;
    return PITH_OK;
}

static pith_status on_dc(pith_doc *doc, pith_xml *x, const pith_xml_token *t, opf_read *r)
{
    size_t k = 0;
    while (k < DC_N && !str_eq(t->local, dc_meta[k].local)) k++;
    if (k == DC_N) return pith_xml_skip(x, t);
    if (!r->tmp) {
        r->tmp = pith_scratch_alloc(doc, META_MAX);
        if (!r->tmp) return pith_alloc_failed(doc, META_MAX);
    }
    pith_str v;
    pith_status st = element_text(x, t, r->tmp, &v);
    if (st != PITH_OK || v.n == 0) return st;
    if (r->meta[k] && !dc_meta[k].join) return PITH_OK; /* the first title is the title */
    if (!r->meta[k]) {
        r->meta[k] = pith_scratch_alloc(doc, META_MAX);
        if (!r->meta[k]) return pith_alloc_failed(doc, META_MAX);
    } else if (r->meta_n[k] + 2 < META_MAX) {
        memcpy(r->meta[k] + r->meta_n[k], "; ", 2);
        r->meta_n[k] += 2;
    }
    size_t room = META_MAX - r->meta_n[k];
    size_t n = v.n < room ? v.n : room;
    memcpy(r->meta[k] + r->meta_n[k], v.p, n);
    r->meta_n[k] += n;
    return PITH_OK;
}

/* Read the OPF: Dublin Core metadata, manifest, spine. Damage is a warning: what was read
 * before it is used. */
static pith_status read_opf(pith_doc *doc, epub_state *s, pith_str opf_name, opf_read *r)
{
    const pith_zip_entry *oe = pith_zip_find_entry(&s->zip, opf_name.p, opf_name.n);
    const uint8_t *data;
    size_t len;
    pith_status st = read_entry(&s->zip, oe, &data, &len);
    if (st != PITH_OK) return st;
    if (!data)
        return pith_fail(doc, PITH_E_FORMAT, 0, "epub: package document %.*s is unreadable",
                         (int)(opf_name.n > 200 ? 200 : opf_name.n), opf_name.p);
    pith_xml x;
    st = pith_xml_init_doc(&x, doc, NULL, data, len);
    x.skip_deep = true; /* a subtree past max_depth: skipped with a warning */
    if (st != PITH_OK)
        return doc_fatal(st) ? st
                             : pith_fail(doc, st, 0, "epub: package document %.*s is unreadable",
                                         (int)(opf_name.n > 200 ? 200 : opf_name.n), opf_name.p);
    bool in_meta = false, in_man = false, in_spine = false;
    uint32_t meta_depth = 0;
    pith_xml_token t;
    while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind == PITH_XML_END) {
            if (in_meta && t.depth == meta_depth) in_meta = false;
            if (str_eq(t.local, "manifest")) in_man = false;
            if (str_eq(t.local, "spine")) in_spine = false;
            continue;
        }
        if (t.kind != PITH_XML_START) continue;
        if (str_eq(t.local, "metadata") && !in_meta) {
            in_meta = true;
            meta_depth = t.depth;
        } else if (in_meta && (str_eq(t.uri, NS_DC) || str_eq(t.prefix, "dc"))) {
            if ((st = on_dc(doc, &x, &t, r)) != PITH_OK) break;
        } else if (str_eq(t.local, "manifest")) {
            in_man = true;
        } else if (str_eq(t.local, "spine")) {
            in_spine = true;
            r->spine_seen = true;
        } else if (in_man && str_eq(t.local, "item")) {
            if ((st = pith_objects(doc, 1)) != PITH_OK) return st;
            if ((st = grow(doc, (void **)&r->man, r->nman, &r->man_cap, sizeof *r->man)) != PITH_OK)
                return st;
            man_item *m = &r->man[r->nman];
            memset(m, 0, sizeof *m);
            if ((st = scratch_copy(doc, attr_or_empty(&t, "id"), &m->id)) != PITH_OK ||
                (st = scratch_copy(doc, attr_or_empty(&t, "href"), &m->href)) != PITH_OK ||
                (st = scratch_copy(doc, attr_or_empty(&t, "media-type"), &m->media)) != PITH_OK)
                return st;
            m->xhtml = str_ieq(m->media, "application/xhtml+xml") || str_ieq(m->media, "text/html");
            r->nman++;
        } else if (in_spine && str_eq(t.local, "itemref")) {
            if ((st = pith_objects(doc, 1)) != PITH_OK) return st;
            if ((st = grow(doc, (void **)&r->refs, r->nref, &r->ref_cap, sizeof *r->refs)) != PITH_OK)
                return st;
            if ((st = scratch_copy(doc, attr_or_empty(&t, "idref"), &r->refs[r->nref])) != PITH_OK)
                return st;
            r->nref++;
        }
    }
    if (doc_fatal(st)) return st;
    return PITH_OK; /* a damaged OPF was warned about by the tokenizer: keep what came before */
}

static int man_cmp(const void *a, const void *b)
{
    const man_item *x = *(const man_item *const *)a, *y = *(const man_item *const *)b;
    int c = str_cmp(x->id, y->id);
    if (c) return c;
    return x < y ? -1 : x > y; /* the first of equal ids wins */
}

static const man_item *man_find(man_item **sorted, uint32_t n, pith_str id)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (str_cmp(sorted[mid]->id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && str_cmp(sorted[lo]->id, id) == 0 ? sorted[lo] : NULL;
}

/* Add manifest item m as the next unit, unless its file is already one or is missing. */
static pith_status add_item(pith_doc *doc, epub_state *s, pith_str base, const man_item *m,
                            uint8_t *taken, uint32_t *dups)
{
    pith_str path = resolve_href(pith_scratch_arena(doc), base, m->href);
    if (!path.p) {
        if (m->href.n == 0 || (m->href.n && memchr(m->href.p, ':', m->href.n)))
            return pith_warn(doc, PITH_E_FORMAT, 0, "epub: spine item %.*s has no local href",
                             (int)(m->id.n > 200 ? 200 : m->id.n), m->id.p);
        return pith_alloc_failed(doc, m->href.n);
    }
    const pith_zip_entry *e = pith_zip_find_entry(&s->zip, path.p, path.n);
    if (!e) e = pith_zip_find_entry_icase(&s->zip, path.p, path.n);
    if (!e)
        return pith_warn(doc, PITH_E_FORMAT, 0, "epub: spine item %.*s (%.*s) is not in the archive",
                         (int)(m->id.n > 100 ? 100 : m->id.n), m->id.p,
                         (int)(path.n > 200 ? 200 : path.n), path.p);
    if (taken[e->index]) {
        (*dups)++;
        return PITH_OK;
    }
    taken[e->index] = 1;
    epub_item *it = &s->items[s->n++];
    memset(it, 0, sizeof *it);
    it->entry = e;
    it->path = e->name;
    char *media = copy_into(pith_doc_arena(doc), m->media);
    if (!media) return pith_alloc_failed(doc, m->media.n + 1);
    it->media.p = media;
    it->media.n = m->media.n;
    return PITH_OK;
}

static pith_status build_spine(pith_doc *doc, epub_state *s, pith_str opf_name, opf_read *r)
{
    pith_str base = folder_of(opf_name);
    pith_status st;
    size_t cap = (size_t)(r->nref > r->nman ? r->nref : r->nman);
    if (cap > s->zip.count) cap = s->zip.count; /* each unit is a distinct entry */
    s->items = pith_doc_alloc(doc, (cap ? cap : 1) * sizeof *s->items);
    if (!s->items) return pith_alloc_failed(doc, cap * sizeof *s->items);
    uint8_t *taken = pith_scratch_alloc(doc, (size_t)s->zip.count + 1);
    if (!taken) return pith_alloc_failed(doc, (size_t)s->zip.count + 1);
    memset(taken, 0, (size_t)s->zip.count + 1);
    uint32_t dups = 0, missing = 0;
    if (r->nref) {
        man_item **sorted = pith_scratch_alloc(doc, ((size_t)r->nman + 1) * sizeof *sorted);
        if (!sorted) return pith_alloc_failed(doc, ((size_t)r->nman + 1) * sizeof *sorted);
        for (uint32_t i = 0; i < r->nman; i++) sorted[i] = &r->man[i];
        if (r->nman) qsort(sorted, r->nman, sizeof *sorted, man_cmp);
        if ((st = pith_work(doc, (uint64_t)r->nman * 20u + r->nref * 20u)) != PITH_OK) return st;
        for (uint32_t i = 0; i < r->nref; i++) {
            const man_item *m = man_find(sorted, r->nman, r->refs[i]);
            if (!m) {
                if (missing++ < 16 &&
                    (st = pith_warn(doc, PITH_E_FORMAT, 0,
                                    "epub: spine idref %.*s names no manifest item",
                                    (int)(r->refs[i].n > 200 ? 200 : r->refs[i].n),
                                    r->refs[i].p)) != PITH_OK)
                    return st;
                continue;
            }
            if ((st = add_item(doc, s, base, m, taken, &dups)) != PITH_OK) return st;
        }
        if (missing > 16 &&
            (st = pith_warn(doc, PITH_E_FORMAT, 0, "epub: %u spine idrefs name no manifest item",
                            missing)) != PITH_OK)
            return st;
    } else {
        st = pith_warn(doc, PITH_E_FORMAT, 0,
                       r->spine_seen ? "epub: empty spine; reading the manifest's xhtml items"
                                     : "epub: no spine; reading the manifest's xhtml items");
        if (st != PITH_OK) return st;
        for (uint32_t i = 0; i < r->nman; i++) {
            if (!r->man[i].xhtml) continue;
            if ((st = add_item(doc, s, base, &r->man[i], taken, &dups)) != PITH_OK) return st;
        }
    }
    if (dups &&
        (st = pith_warn(doc, PITH_E_FORMAT, 0,
                        "epub: %u spine entries repeat an item already listed; read once", dups)) !=
            PITH_OK)
        return st;
    return PITH_OK;
}

/* MARK: - Open and units */

/* A spine item's unit is named by its path in the container (what a reader's URL shows; the
 * nav's label would need the navigation document read at open). */
static pith_str item_name(pith_doc *doc, void *state, uint32_t index)
{
    (void)doc;
    const epub_state *s = state;
    return index < s->n ? s->items[index].path : (pith_str){NULL, 0};
}

static pith_status epub_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    epub_state *s = pith_doc_calloc(doc, sizeof *s);
    if (!s) return pith_alloc_failed(doc, sizeof *s);
    pith_status st = pith_zip_open_doc(doc, &s->zip, data, len);
    if (st != PITH_OK) return st;
    pith_str opf;
    if ((st = find_opf(doc, s, &opf)) != PITH_OK) return st;
    opf_read r;
    memset(&r, 0, sizeof r);
    if ((st = read_opf(doc, s, opf, &r)) != PITH_OK) return st;
    if ((st = build_spine(doc, s, opf, &r)) != PITH_OK) return st;
    if ((st = mark_encrypted(doc, s)) != PITH_OK) return st;
    for (size_t k = 0; k < DC_N; k++) {
        if (r.meta[k] && (st = pith_doc_add_meta(doc, dc_meta[k].key, r.meta[k], r.meta_n[k])) !=
                             PITH_OK)
            return st;
    }
    pith_doc_set_units(doc, s->n, PITH_UNIT_ITEM);
    pith_doc_set_unit_names(doc, item_name);
    *state = s;
    return PITH_OK;
}

/* The encoding an XML declaration names (`<?xml ... encoding="x"?>` at the very start), so the
 * HTML rules, which only read <meta>, decode the item as XML says. Empty when none. */
static pith_str xml_decl_encoding(const uint8_t *d, size_t n)
{
    pith_str none = {NULL, 0};
    if (n > DECL_SCAN) n = DECL_SCAN;
    if (n < 6 || memcmp(d, "<?xml", 5) != 0) return none;
    size_t end = 5;
    while (end + 1 < n && !(d[end] == '?' && d[end + 1] == '>')) end++;
    for (size_t i = 5; i + 8 <= end; i++) {
        if (memcmp(d + i, "encoding", 8) != 0) continue;
        size_t j = i + 8;
        while (j < end && (d[j] == ' ' || d[j] == '\t' || d[j] == '\r' || d[j] == '\n')) j++;
        if (j >= end || d[j] != '=') return none;
        j++;
        while (j < end && (d[j] == ' ' || d[j] == '\t' || d[j] == '\r' || d[j] == '\n')) j++;
        if (j >= end || (d[j] != '"' && d[j] != '\'')) return none;
        uint8_t q = d[j++];
        size_t v = j;
        while (j < end && d[j] != q) {
            uint8_t c = d[j];
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) return none;
            j++;
        }
        if (j >= end || j == v || j - v > 40) return none;
        pith_str r = {(const char *)d + v, j - v};
        return r;
    }
    return none;
}

static pith_status epub_unit(pith_doc *doc, void *state, uint32_t index)
{
    epub_state *s = state;
    if (index >= s->n) return PITH_OK;
    const epub_item *it = &s->items[index];
    int pn = (int)(it->path.n > 200 ? 200 : it->path.n);
    if (it->encrypted)
        return pith_fail(doc, PITH_E_ENCRYPTED, 0,
                         "epub: %.*s is encrypted (listed in encryption.xml); skipped", pn,
                         it->path.p);
    /* Images in the spine (a cover page) have no text; a reading system shows them. */
    if (it->media.n > 6 && memcmp(it->media.p, "image/", 6) == 0 &&
        !str_ieq(it->media, "image/svg+xml"))
        return PITH_OK;
    const uint8_t *data;
    size_t len;
    pith_status st = read_entry(&s->zip, it->entry, &data, &len);
    if (st != PITH_OK) return st;
    if (!data) {
        if (it->entry->usize == 0 && it->entry->status == PITH_OK)
            return PITH_OK; /* an empty file: nothing to say */
        /* the zip layer said why (an encrypted or unsupported entry keeps its status) */
        pith_status why = it->entry->status != PITH_OK ? it->entry->status : PITH_E_FORMAT;
        return pith_fail(doc, why, 0, "epub: %.*s could not be read; skipped", pn, it->path.p);
    }
    /* The hint: the item's media type (OEB 1 documents are HTML), plus the charset of its XML
     * declaration. */
    char hint[128];
    size_t hn = 0;
    pith_str media = it->media;
    if (media.n == 0 || media.n > 80 || str_ieq(media, "text/x-oeb1-document"))
        media = (pith_str){"application/xhtml+xml", 21};
    memcpy(hint, media.p, media.n);
    hn = media.n;
    pith_str enc = xml_decl_encoding(data, len);
    if (enc.n) {
        memcpy(hint + hn, ";charset=", 9);
        hn += 9;
        memcpy(hint + hn, enc.p, enc.n);
        hn += enc.n;
    }
    return pith_nested(doc, data, len, hint, hn);
}

const pith_handler pith_handler_epub = {"epub", epub_open, epub_unit};
