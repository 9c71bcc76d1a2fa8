/* docx_styles.c: paragraph styles of a WordprocessingML package (ECMA-376 Part 1 §17.7):
 * which styles are headings (their name "heading N" / "Title", or an outline level) and which
 * carry list numbering, with w:basedOn inheritance resolved once at load.
 *
 * Only paragraph styles matter for structure; character and table styles are read but never
 * asked for. Chains are followed at most STYLE_CHAIN steps, so a cycle (a basedOn b basedOn a)
 * ends there. Every style counts against max_objects; the id lookup is a hash table, so a file
 * with many styles and many paragraphs stays linear.
 */
#include "docx_int.h"

#include <string.h>

#define STYLE_CHAIN 16u

/* MARK: - Attributes (shared with docx.c) */

const char *const docx_ns[DOCX_NS_COUNT] = {DOCX_W_NS, DOCX_W_NS_STRICT, DOCX_R_NS,
                                             DOCX_R_NS_STRICT, DOCX_MC_NS, DOCX_M_NS};

const pith_str *docx_attr(const pith_xml_token *t, const char *local)
{
    const pith_str *v = pith_xml_attr_ns(t, DOCX_NS_W, local);
    if (!v) v = pith_xml_attr_ns(t, DOCX_NS_W_STRICT, local);
    if (!v) v = pith_xml_attr_get(t, NULL, local);
    return v;
}

int32_t docx_attr_int(const pith_xml_token *t, const char *local, int32_t dflt)
{
    const pith_str *v = docx_attr(t, local);
    if (!v || !v->n) return dflt;
    size_t i = 0;
    bool neg = false;
    if (v->p[0] == '-' || v->p[0] == '+') {
        neg = v->p[0] == '-';
        i = 1;
    }
    if (i >= v->n || v->p[i] < '0' || v->p[i] > '9') return dflt;
    int64_t x = 0;
    for (; i < v->n && v->p[i] >= '0' && v->p[i] <= '9'; i++) {
        x = x * 10 + (v->p[i] - '0');
        if (x > INT32_MAX) x = INT32_MAX;
    }
    return (int32_t)(neg ? -x : x);
}

bool docx_attr_on(const pith_xml_token *t)
{
    const pith_str *v = docx_attr(t, "val");
    if (!v) return true;
    if (v->n == 1 && v->p[0] == '0') return false;
    if (v->n == 5 && memcmp(v->p, "false", 5) == 0) return false;
    if (v->n == 3 && memcmp(v->p, "off", 3) == 0) return false;
    return true;
}

/* MARK: - Table */

static uint32_t hash_id(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)p[i]) * 16777619u;
    return h;
}

const docx_style *docx_style_get(const docx_styles *s, const char *id, size_t n)
{
    if (!n) return s->def_para >= 0 ? &s->s[s->def_para] : NULL;
    if (!s->hcap) return NULL;
    uint32_t mask = s->hcap - 1;
    for (uint32_t h = hash_id(id, n) & mask, k = 0; k < s->hcap; h = (h + 1) & mask, k++) {
        uint32_t v = s->hash[h];
        if (!v) return NULL;
        const docx_style *st = &s->s[v - 1];
        if (st->id.n == n && memcmp(st->id.p, id, n) == 0) return st;
    }
    return NULL;
}

static bool ieq_prefix(pith_str s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.n < n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s.p[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != lit[i]) return false;
    }
    return true;
}

/* "heading 1".."heading 9" (Word's built-in names, any case, with or without the space) and
 * "Title" are headings. */
static uint8_t heading_from_name(pith_str name)
{
    if (ieq_prefix(name, "heading")) {
        size_t i = 7;
        while (i < name.n && name.p[i] == ' ') i++;
        if (i + 1 == name.n && name.p[i] >= '1' && name.p[i] <= '9') return (uint8_t)(name.p[i] - '0');
        return 0;
    }
    if (name.n == 5 && ieq_prefix(name, "title")) return 1;
    return 0;
}

static pith_str keep(pith_doc *doc, const pith_str *v)
{
    pith_str r = {"", 0};
    if (!v || !v->n) return r;
    char *p = pith_doc_alloc(doc, v->n);
    if (!p) return r;
    memcpy(p, v->p, v->n);
    r.p = p;
    r.n = v->n;
    return r;
}

/* MARK: - Loading */

pith_status docx_styles_load(opc *o, const char *name, size_t n, docx_styles *out)
{
    pith_doc *doc = o->doc;
    memset(out, 0, sizeof *out);
    out->def_para = -1;
    pith_arena *scratch = pith_scratch_arena(doc);
    pith_arena_mark m = pith_arena_mark_get(scratch);
    pith_xml x;
    pith_status st = opc_xml(o, name, n, scratch, &x);
    uint32_t cap = 0;
    docx_style *cur = NULL;
    bool cur_para = false, in_ppr = false;
    pith_xml_token t;
    while (st == PITH_OK && pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind == PITH_XML_END) {
            if (t.depth == 2) cur = NULL;
            if (DOCX_W(&t, "pPr")) in_ppr = false;
            continue;
        }
        if (t.kind != PITH_XML_START || !docx_is_w(&t)) continue;
        if (t.depth == 2 && DOCX_W(&t, "style")) {
            if (out->n == cap) {
                uint32_t ncap = cap ? cap * 2 : 64;
                docx_style *ns = pith_doc_alloc(doc, (size_t)ncap * sizeof *ns);
                if (!ns) {
                    st = pith_alloc_failed(doc, (size_t)ncap * sizeof *ns);
                    break;
                }
                if (out->n) memcpy(ns, out->s, (size_t)out->n * sizeof *ns);
                out->s = ns;
                cap = ncap;
            }
            if ((st = pith_objects(doc, 1)) != PITH_OK) break;
            cur = &out->s[out->n++];
            memset(cur, 0, sizeof *cur);
            cur->outline = -1;
            cur->num_id = -1;
            cur->ilvl = -1;
            cur->id = keep(doc, docx_attr(&t, "styleId"));
            const pith_str *type = docx_attr(&t, "type");
            cur_para = !type || (type->n == 9 && memcmp(type->p, "paragraph", 9) == 0);
            if (cur_para && out->def_para < 0) {
                const pith_str *d = docx_attr(&t, "default");
                if (d && ((d->n == 1 && d->p[0] == '1') || (d->n == 4 && memcmp(d->p, "true", 4) == 0)))
                    out->def_para = (int32_t)(out->n - 1);
            }
            continue;
        }
        if (!cur || !cur_para) continue;
        if (t.depth == 3 && DOCX_W(&t, "name")) {
            const pith_str *v = docx_attr(&t, "val");
            if (v) cur->heading = heading_from_name(*v);
        } else if (t.depth == 3 && DOCX_W(&t, "basedOn")) {
            cur->based_on = keep(doc, docx_attr(&t, "val"));
        } else if (t.depth == 3 && DOCX_W(&t, "pPr")) {
            in_ppr = !(t.flags & PITH_XML_EMPTY);
        } else if (in_ppr && DOCX_W(&t, "outlineLvl")) {
            int32_t v = docx_attr_int(&t, "val", -1);
            if (v >= 0 && v <= 9) cur->outline = (int8_t)v;
        } else if (in_ppr && DOCX_W(&t, "numId")) {
            cur->num_id = docx_attr_int(&t, "val", -1);
        } else if (in_ppr && DOCX_W(&t, "ilvl")) {
            int32_t v = docx_attr_int(&t, "val", -1);
            if (v >= 0 && v < DOCX_LEVELS) cur->ilvl = (int8_t)v;
        }
    }
    pith_arena_release(scratch, m);
    if ((st = pith_doc_status(doc)) != PITH_OK) return st;

    /* the hash table of ids */
    uint32_t hcap = 16;
    while (hcap < out->n * 2u && hcap < (1u << 30)) hcap *= 2;
    out->hash = pith_doc_calloc(doc, (size_t)hcap * sizeof *out->hash);
    if (!out->hash) return pith_alloc_failed(doc, (size_t)hcap * sizeof *out->hash);
    out->hcap = hcap;
    for (uint32_t i = 0; i < out->n; i++) {
        docx_style *s = &out->s[i];
        if (!s->id.n || docx_style_get(out, s->id.p, s->id.n)) continue; /* first one wins */
        uint32_t h = hash_id(s->id.p, s->id.n) & (hcap - 1);
        while (out->hash[h]) h = (h + 1) & (hcap - 1);
        out->hash[h] = i + 1;
    }
    /* inheritance: what a style leaves unset comes from the nearest style of its basedOn chain
     * that sets it; each chain is cut at STYLE_CHAIN steps (cycles end there). */
    if ((st = pith_work(doc, (uint64_t)out->n * STYLE_CHAIN)) != PITH_OK) return st;
    for (uint32_t i = 0; i < out->n; i++) {
        docx_style *s = &out->s[i];
        bool need_head = !s->heading && s->outline < 0;
        bool need_num = s->num_id < 0, need_lvl = s->ilvl < 0;
        pith_str b = s->based_on;
        for (uint32_t k = 0; k < STYLE_CHAIN && b.n && (need_head || need_num || need_lvl); k++) {
            const docx_style *p = docx_style_get(out, b.p, b.n);
            if (!p || p == s) break;
            if (need_head && (p->heading || p->outline >= 0)) {
                if (p->heading) s->heading = p->heading;
                else s->outline = p->outline;
                need_head = false;
            }
            if (need_num && p->num_id >= 0) {
                s->num_id = p->num_id;
                need_num = false;
            }
            if (need_lvl && p->ilvl >= 0) {
                s->ilvl = p->ilvl;
                need_lvl = false;
            }
            b = p->based_on;
        }
        if (!s->heading && s->outline >= 0 && s->outline <= 8) s->heading = (uint8_t)(s->outline + 1);
    }
    return PITH_OK;
}
