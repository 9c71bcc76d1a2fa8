/* opc.c: the Open Packaging Conventions (ECMA-376 Part 2 §9-§10) shared by DOCX, XLSX, PPTX.
 *
 * Reads [Content_Types].xml (Default by extension, Override by part name), relationship parts
 * (<dir>/_rels/<file>.rels) with targets resolved against the source part's folder, and the
 * core/app property parts into document metadata. Not read: digital signatures, thumbnails,
 * interleaved parts ("[trash]", piece names "/x/[0].piece"). Lookups tolerate case differences
 * and a leading '/'. Limits: every kept type and relationship counts against max_objects, every
 * XML token draws work; a broken content types or rels part is a warning, never the document's
 * end (the handlers fall back to the well-known part names).
 */
#include "opc.h"

#include <string.h>

/* Longest part name or target we build; longer ones are hostile or broken. */
#define OPC_NAME_MAX 4096u

/* MARK: - Strings */

static bool str_ieq(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn) return false;
    for (size_t i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return false;
    }
    return true;
}

static bool str_ends(pith_str s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.n >= n && memcmp(s.p + s.n - n, suffix, n) == 0;
}

static pith_str str_copy(pith_doc *doc, pith_arena *a, const char *s, size_t n)
{
    pith_str r = {"", 0};
    if (!n) return r;
    char *p = a ? pith_arena_alloc(a, n + 1) : pith_doc_alloc(doc, n + 1);
    if (!p) {
        if (a) pith_fail_alloc(doc, n + 1);
        return r;
    }
    memcpy(p, s, n);
    p[n] = '\0';
    r.p = p;
    r.n = n;
    return r;
}

static void strip_slash(const char **name, size_t *n)
{
    while (*n && **name == '/') {
        (*name)++;
        (*n)--;
    }
}

/* A fatal error already recorded (LIMIT, NOMEM): stop; anything else was a warning. */
static pith_status fatal(pith_doc *doc)
{
    return pith_doc_status(doc);
}

/* MARK: - Names */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

pith_str opc_resolve(pith_arena *a, const char *base, size_t base_n, const char *target,
                     size_t target_n)
{
    pith_str r = {NULL, 0};
    if (!a) return r;
    if (target_n > OPC_NAME_MAX) target_n = OPC_NAME_MAX;
    if (base_n > OPC_NAME_MAX) base_n = OPC_NAME_MAX;
    char *out = pith_arena_alloc(a, base_n + target_n + 1);
    if (!out) return r;
    size_t n = 0;
    bool absolute = target_n > 0 && target[0] == '/';
    if (!absolute) {
        /* the folder of the base part, with its trailing '/' */
        size_t dir = base_n;
        while (dir > 0 && base[dir - 1] != '/') dir--;
        size_t skip = 0;
        while (skip < dir && base[skip] == '/') skip++;
        memcpy(out, base + skip, dir - skip);
        n = dir - skip;
    }
    size_t i = 0;
    while (i < target_n) {
        size_t j = i;
        while (j < target_n && target[j] != '/' && target[j] != '#' && target[j] != '?') j++;
        size_t seg = j - i;
        if (seg == 0 || (seg == 1 && target[i] == '.')) {
            /* "//" or "./": nothing */
        } else if (seg == 2 && target[i] == '.' && target[i + 1] == '.') {
            /* climb: drop the last folder of out (never above the root) */
            if (n > 0) n--; /* its trailing '/' */
            while (n > 0 && out[n - 1] != '/') n--;
        } else {
            for (size_t k = i; k < j; k++) {
                char c = target[k];
                if (c == '%' && k + 2 < j) {
                    int h = hexval(target[k + 1]), l = hexval(target[k + 2]);
                    if (h >= 0 && l >= 0) {
                        c = (char)(h * 16 + l);
                        k += 2;
                    }
                }
                out[n++] = c;
            }
            if (j < target_n && target[j] == '/') out[n++] = '/';
        }
        if (j < target_n && target[j] != '/') break; /* a fragment or query: not in part names */
        i = j + 1;
    }
    out[n] = '\0';
    r.p = out;
    r.n = n;
    return r;
}

static const pith_zip_entry *find_part(const opc *o, const char *name, size_t n)
{
    strip_slash(&name, &n);
    if (!n) return NULL;
    const pith_zip_entry *e = pith_zip_find_entry(&o->zip, name, n);
    if (!e) e = pith_zip_find_entry_icase(&o->zip, name, n);
    return e;
}

bool opc_has_part(const opc *o, const char *name, size_t n)
{
    return find_part(o, name, n) != NULL;
}

pith_status opc_part(opc *o, const char *name, size_t n, pith_arena *a, const uint8_t **out,
                     size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    strip_slash(&name, &n);
    const pith_zip_entry *e = find_part(o, name, n);
    if (!e) {
        pith_warn(o->doc, PITH_E_FORMAT, 0, "opc: part %.*s missing", (int)(n > 200 ? 200 : n),
                  name);
        pith_status f = fatal(o->doc);
        return f != PITH_OK ? f : PITH_E_FORMAT;
    }
    const uint8_t *p = NULL;
    size_t len = 0;
    pith_status st = pith_zip_extract_doc(&o->zip, a, e, &p, &len);
    if (st == PITH_OK) {
        *out = p;
        *out_len = len;
        return PITH_OK;
    }
    /* A cut or corrupt entry keeps what was decoded (the zip layer warned): the XML reader
     * takes the readable front of the part. */
    if ((st == PITH_E_FORMAT || st == PITH_E_TRUNCATED) && p && len > 0 &&
        fatal(o->doc) == PITH_OK) {
        *out = p;
        *out_len = len;
        return PITH_OK;
    }
    return st;
}

pith_str opc_content_type(const opc *o, const char *name, size_t n)
{
    pith_str none = {"", 0};
    strip_slash(&name, &n);
    for (uint32_t i = 0; i < o->ntypes; i++)
        if (o->types[i].part && str_ieq(o->types[i].key.p, o->types[i].key.n, name, n))
            return o->types[i].type;
    size_t dot = n;
    while (dot > 0 && name[dot - 1] != '.' && name[dot - 1] != '/') dot--;
    if (dot == 0 || name[dot - 1] != '.') return none;
    for (uint32_t i = 0; i < o->ntypes; i++)
        if (!o->types[i].part && str_ieq(o->types[i].key.p, o->types[i].key.n, name + dot, n - dot))
            return o->types[i].type;
    return none;
}

/* MARK: - XML parts */

pith_status opc_xml(opc *o, const char *name, size_t n, pith_arena *a, pith_xml *x)
{
    const uint8_t *p;
    size_t len;
    pith_status st = opc_part(o, name, n, a, &p, &len);
    if (st != PITH_OK) return st;
    st = pith_xml_init_doc(x, o->doc, a, p, len);
    /* a subtree nested past max_depth is dropped with a warning; the part's other text stays */
    x->skip_deep = true;
    x->ns_known = o->ns_known;
    x->ns_nknown = o->ns_nknown;
    return st;
}

static const pith_str *attr(const pith_xml_token *t, const char *local)
{
    return pith_xml_attr_get(t, NULL, local);
}

static pith_status load_types(opc *o)
{
    static const char ct[] = "[Content_Types].xml";
    pith_doc *doc = o->doc;
    const pith_zip_entry *e = find_part(o, ct, sizeof ct - 1);
    if (!e) {
        pith_warn(doc, PITH_E_FORMAT, 0, "opc: [Content_Types].xml missing");
        return fatal(doc);
    }
    pith_arena *scratch = pith_scratch_arena(doc);
    pith_arena_mark m = pith_arena_mark_get(scratch);
    pith_xml x;
    pith_status st = opc_xml(o, ct, sizeof ct - 1, scratch, &x);
    uint32_t cap = 0;
    pith_xml_token t;
    while (st == PITH_OK && pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind != PITH_XML_START || t.depth != 2) continue;
        bool part = str_ieq(t.local.p, t.local.n, "Override", 8);
        if (!part && !str_ieq(t.local.p, t.local.n, "Default", 7)) continue;
        const pith_str *key = attr(&t, part ? "PartName" : "Extension");
        const pith_str *type = attr(&t, "ContentType");
        if (!key || !type) continue;
        if (o->ntypes == cap) {
            uint32_t ncap = cap ? cap * 2 : 32;
            opc_type *nt = pith_doc_alloc(doc, (size_t)ncap * sizeof *nt);
            if (!nt) {
                st = pith_alloc_failed(doc, (size_t)ncap * sizeof *nt);
                break;
            }
            if (o->ntypes) memcpy(nt, o->types, (size_t)o->ntypes * sizeof *nt);
            o->types = nt;
            cap = ncap;
        }
        if ((st = pith_objects(doc, 1)) != PITH_OK) break;
        const char *k = key->p;
        size_t kn = key->n;
        if (part) strip_slash(&k, &kn);
        else if (kn && k[0] == '.') {
            k++;
            kn--;
        }
        opc_type *ty = &o->types[o->ntypes];
        ty->key = str_copy(doc, NULL, k, kn);
        ty->type = str_copy(doc, NULL, type->p, type->n);
        ty->part = part;
        if (fatal(doc) != PITH_OK) break;
        o->ntypes++;
    }
    pith_arena_release(scratch, m);
    return fatal(doc);
}

pith_status opc_rels_load(opc *o, const char *name, size_t n, pith_arena *a, opc_rels *out)
{
    pith_doc *doc = o->doc;
    out->rels = NULL;
    out->n = 0;
    strip_slash(&name, &n);
    if (n > OPC_NAME_MAX) return PITH_OK;
    /* <dir>/_rels/<file>.rels; the package's own rels part is "_rels/.rels" (name "") */
    size_t dir = n;
    while (dir > 0 && name[dir - 1] != '/') dir--;
    char path[OPC_NAME_MAX + 16];
    size_t pn = 0;
    memcpy(path, name, dir);
    pn = dir;
    memcpy(path + pn, "_rels/", 6);
    pn += 6;
    memcpy(path + pn, name + dir, n - dir);
    pn += n - dir;
    memcpy(path + pn, ".rels", 5);
    pn += 5;
    if (!find_part(o, path, pn)) return PITH_OK;

    pith_arena *scratch = pith_scratch_arena(doc);
    pith_arena *keep = a ? a : pith_doc_arena(doc);
    pith_arena_mark m = pith_arena_mark_get(scratch);
    pith_xml x;
    pith_status st = opc_xml(o, path, pn, scratch, &x);
    /* Two passes would need the part twice; grow a table in the keeping arena instead, whose
     * waste is bounded by doubling. */
    uint32_t cap = 0;
    pith_xml_token t;
    while (st == PITH_OK && pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind != PITH_XML_START || t.depth != 2) continue;
        if (!str_ieq(t.local.p, t.local.n, "Relationship", 12)) continue;
        const pith_str *id = attr(&t, "Id"), *type = attr(&t, "Type"),
                       *target = attr(&t, "Target"), *mode = attr(&t, "TargetMode");
        if (!id || !target) continue;
        if (out->n == cap) {
            uint32_t ncap = cap ? cap * 2 : 16;
            opc_rel *nr = pith_arena_alloc(keep, (size_t)ncap * sizeof *nr);
            if (!nr) {
                st = pith_fail_alloc(doc, (size_t)ncap * sizeof *nr);
                break;
            }
            if (out->n) memcpy(nr, out->rels, (size_t)out->n * sizeof *nr);
            out->rels = nr;
            cap = ncap;
        }
        if ((st = pith_objects(doc, 1)) != PITH_OK) break;
        opc_rel *r = &out->rels[out->n];
        r->external = mode && str_ieq(mode->p, mode->n, "External", 8);
        r->id = str_copy(doc, keep, id->p, id->n);
        r->type = type ? str_copy(doc, keep, type->p, type->n) : (pith_str){"", 0};
        if (r->external) {
            r->target = str_copy(doc, keep, target->p, target->n);
        } else {
            r->target = opc_resolve(keep, name, n, target->p, target->n);
            if (!r->target.p) {
                st = pith_fail_alloc(doc, target->n);
                break;
            }
        }
        if (fatal(doc) != PITH_OK) break;
        out->n++;
    }
    /* the caller may keep the set in scratch itself: then nothing is rolled back */
    if (keep != scratch) pith_arena_release(scratch, m);
    return fatal(doc);
}

const opc_rel *opc_rel_by_id(const opc_rels *r, const char *id, size_t n)
{
    for (uint32_t i = 0; i < r->n; i++)
        if (r->rels[i].id.n == n && memcmp(r->rels[i].id.p, id, n) == 0) return &r->rels[i];
    return NULL;
}

const opc_rel *opc_rel_by_type(const opc_rels *r, const char *suffix)
{
    for (uint32_t i = 0; i < r->n; i++)
        if (str_ends(r->rels[i].type, suffix)) return &r->rels[i];
    return NULL;
}

/* MARK: - Package */

pith_status opc_open(pith_doc *doc, opc *o, const uint8_t *data, size_t len)
{
    memset(o, 0, sizeof *o);
    o->doc = doc;
    pith_status st = pith_zip_open_doc(doc, &o->zip, data, len);
    if (st != PITH_OK) return st;
    if ((st = load_types(o)) != PITH_OK) return st;
    if (!find_part(o, "_rels/.rels", 11)) {
        pith_warn(doc, PITH_E_FORMAT, 0, "opc: _rels/.rels missing");
        return fatal(doc);
    }
    return opc_rels_load(o, "", 0, NULL, &o->root);
}

const opc_rel *opc_main_part(opc *o)
{
    for (uint32_t i = 0; i < o->root.n; i++) {
        const opc_rel *r = &o->root.rels[i];
        if (!r->external && str_ends(r->type, "/officeDocument") &&
            opc_has_part(o, r->target.p, r->target.n))
            return r;
    }
    return NULL;
}

pith_str opc_main_part_by_type(const opc *o, const char *main_ct_suffix)
{
    pith_str none = {"", 0};
    for (uint32_t i = 0; i < o->ntypes; i++)
        if (o->types[i].part && str_ends(o->types[i].type, main_ct_suffix) &&
            opc_has_part(o, o->types[i].key.p, o->types[i].key.n))
            return o->types[i].key;
    return none;
}

/* MARK: - Properties */

typedef struct prop_map {
    const char *local; /* element local name in core.xml / app.xml */
    const char *key;   /* metadata key */
} prop_map;

static const prop_map core_props[] = {
    {"title", "title"},       {"subject", "subject"},
    {"creator", "author"},    {"keywords", "keywords"},
    {"description", "description"}, {"lastModifiedBy", "last_modified_by"},
    {"created", "created"},   {"modified", "modified"},
    {NULL, NULL},
};

static const prop_map app_props[] = {
    {"Pages", "pages"},
    {"Words", "words"},
    {"Application", "application"},
    {NULL, NULL},
};

/* Values longer than this are cut: metadata, not content. */
#define PROP_MAX 4096u

static pith_status load_props(opc *o, const char *rel_suffix, const char *fallback,
                              const prop_map *map)
{
    pith_doc *doc = o->doc;
    const opc_rel *r = opc_rel_by_type(&o->root, rel_suffix);
    const char *name = fallback;
    size_t n = strlen(fallback);
    if (r && !r->external && opc_has_part(o, r->target.p, r->target.n)) {
        name = r->target.p;
        n = r->target.n;
    } else if (!opc_has_part(o, name, n)) {
        return PITH_OK; /* no properties: nothing to say */
    }
    pith_arena *scratch = pith_scratch_arena(doc);
    pith_arena_mark m = pith_arena_mark_get(scratch);
    char *val = pith_arena_alloc(scratch, PROP_MAX);
    if (!val) return pith_fail_alloc(doc, PROP_MAX);
    pith_xml x;
    pith_status st = opc_xml(o, name, n, scratch, &x);
    const prop_map *cur = NULL;
    size_t vn = 0;
    pith_xml_token t;
    while (st == PITH_OK && pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind == PITH_XML_START && t.depth == 2) {
            cur = NULL;
            vn = 0;
            for (const prop_map *p = map; p->local; p++)
                if (t.local.n == strlen(p->local) && memcmp(t.local.p, p->local, t.local.n) == 0)
                    cur = p;
        } else if (t.kind == PITH_XML_TEXT && cur && t.depth == 2) {
            size_t take = t.text.n < PROP_MAX - vn ? t.text.n : PROP_MAX - vn;
            memcpy(val + vn, t.text.p, take);
            vn += take;
        } else if (t.kind == PITH_XML_END && t.depth == 2 && cur) {
            size_t b = 0, e = vn;
            while (b < e && (val[b] == ' ' || val[b] == '\n' || val[b] == '\t' || val[b] == '\r'))
                b++;
            while (e > b &&
                   (val[e - 1] == ' ' || val[e - 1] == '\n' || val[e - 1] == '\t' || val[e - 1] == '\r'))
                e--;
            if (e > b) st = pith_doc_add_meta(doc, cur->key, val + b, e - b);
            cur = NULL;
        }
    }
    pith_arena_release(scratch, m);
    return fatal(doc); /* a broken property part was a warning */
}

pith_status opc_props_load(opc *o)
{
    pith_status st = load_props(o, "/core-properties", "docProps/core.xml", core_props);
    if (st == PITH_OK) st = load_props(o, "/extended-properties", "docProps/app.xml", app_props);
    return st;
}
