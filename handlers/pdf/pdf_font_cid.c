/* pdf_font_cid.c: composite fonts (Type0 with a CIDFontType0/2 descendant; ISO 32000-1 §9.7).
 *
 * Codes come from /Encoding: Identity-H/V (2-byte codes, CID = code), an embedded CMap stream
 * (codespace ranges, cidchar/cidrange, /UseCMap: a stream chain or a predefined name), or a
 * predefined CJK CMap from a data pack (pdf_cjk.h). Text, in order: /ToUnicode by code; the
 * code itself for the Uni*-UCS2/UTF16 CMaps; the collection's CID → Unicode table
 * (Adobe-Japan1/GB1/CNS1/Korea1, from the pack); the embedded program's cmap or glyph names,
 * through /CIDToGIDMap for TrueType outlines. Widths from /W and /DW, vertical metrics from
 * /W2 and /DW2. The /W arrays are read into sorted runs (bounded by the array sizes, work
 * drawn per item); a CID lookup is a binary search.
 */
#include <stdlib.h>
#include <string.h>

#include "pdf_cjk.h"
#include "pdf_embedded.h"
#include "pdf_font_int.h"

#define MAX_CID 0x10000u   /* CIDs are 16-bit in every collection and font format */

static int run_cmp(const void *x, const void *y)
{
    const pdf_wrun *a = x, *b = y;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static bool num_ok(const pdf_obj *o)
{
    if (o->kind == PDF_INT) return true;
    return o->kind == PDF_REAL && o->u.r == o->u.r && o->u.r > -1e6 && o->u.r < 1e6;
}

/* /W (stride 1: w) or /W2 (stride 3: w1y vx vy): [c [v...]] and [c_first c_last v...]. */
static pith_status read_w(pdf_ctx *ctx, const pdf_obj *arr, uint32_t stride, pdf_wrun **runs,
                          uint32_t *nruns, float **pool, uint32_t *npool)
{
    pith_doc *doc = ctx->doc;
    uint32_t n = pdf_array_len(arr);
    *runs = NULL;
    *nruns = 0;
    if (n == 0) return PITH_OK;
    pith_status st = pith_work(doc, n);
    if (st != PITH_OK) return st;
    /* the pool can hold at most every number of the arrays: count them first */
    uint64_t nums = 0;
    for (uint32_t i = 0; i < n; i++) {
        const pdf_obj *it = pdf_array_get(ctx, arr, i);
        nums += it->kind == PDF_ARRAY ? it->n : 1;
    }
    st = pith_work(doc, nums);
    if (st != PITH_OK) return st;
    pdf_wrun *r = pith_doc_alloc(doc, (size_t)n * sizeof *r);
    float *p = pith_doc_alloc(doc, (size_t)(nums + *npool) * sizeof *p);
    if (!r || !p) return pith_alloc_failed(doc, (size_t)nums * sizeof *p);
    if (*npool) memcpy(p, *pool, *npool * sizeof *p);
    uint32_t nr = 0, np = *npool;
    bool bad = false;
    for (uint32_t i = 0; i < n;) {
        const pdf_obj *a = pdf_array_get(ctx, arr, i);
        const pdf_obj *b = pdf_array_get(ctx, arr, i + 1);
        if (a->kind != PDF_INT || a->u.i < 0 || a->u.i >= MAX_CID) {
            bad = true;
            i++;
            continue;
        }
        uint32_t lo = (uint32_t)a->u.i;
        if (b->kind == PDF_ARRAY) {
            uint32_t k = b->n / stride;
            if (k && lo + k - 1 < MAX_CID) {
                r[nr] = (pdf_wrun){lo, lo + k - 1, np, 1};
                for (uint32_t j = 0; j < k * stride; j++) {
                    const pdf_obj *v = pdf_array_get(ctx, b, j);
                    p[np++] = num_ok(v) ? (float)pdf_num(v, 0) : 0.0f;
                }
                nr++;
            }
            i += 2;
            continue;
        }
        if (b->kind == PDF_INT && i + 1 + stride < n) {
            uint32_t hi = b->u.i >= (int64_t)lo && b->u.i < MAX_CID ? (uint32_t)b->u.i : lo;
            r[nr] = (pdf_wrun){lo, hi, np, 0};
            for (uint32_t j = 0; j < stride; j++) {
                const pdf_obj *v = pdf_array_get(ctx, arr, i + 2 + j);
                p[np++] = num_ok(v) ? (float)pdf_num(v, 0) : 0.0f;
            }
            nr++;
            i += 2 + stride;
            continue;
        }
        bad = true;
        i++;
    }
    if (bad) {
        st = pith_warn(doc, PITH_E_FORMAT, 0, "font: malformed /W%s array, %u runs kept",
                       stride == 3 ? "2" : "", (unsigned)nr);
        if (st != PITH_OK) return st;
    }
    qsort(r, nr, sizeof *r, run_cmp);
    *runs = r;
    *nruns = nr;
    *pool = p;
    *npool = np;
    return PITH_OK;
}

static const float *find_w(const pdf_font *f, const pdf_wrun *r, uint32_t n, uint32_t stride,
                           uint32_t cid)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r[mid].lo <= cid) lo = mid + 1;
        else hi = mid;
    }
    /* lo: first run starting after cid; the run before it may hold cid */
    if (lo == 0) return NULL;
    const pdf_wrun *w = &r[lo - 1];
    if (cid > w->hi) return NULL;
    return f->wpool + w->off + (w->list ? (cid - w->lo) * stride : 0);
}

static bool name_is(const uint8_t *s, uint32_t n, const char *w)
{
    return strlen(w) == n && memcmp(s, w, n) == 0;
}

static bool has(const uint8_t *s, uint32_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, w, k) == 0) return true;
    return false;
}

/* Uni*-UCS2-H, UniJIS-UTF16-V...: CMaps whose codes are UTF-16 */
static bool unicode_cmap(const uint8_t *s, uint32_t n)
{
    return n > 3 && memcmp(s, "Uni", 3) == 0 && (has(s, n, "-UCS2-") || has(s, n, "-UTF16-"));
}

/* Whether the options carry the pack a predefined CMap needs (asking pdf_cjk without it
 * would end the document with PITH_E_NEED_PACK). */
static bool pack_given(pdf_ctx *ctx, const uint8_t *name, uint32_t n)
{
    const char *pack = pdf_cjk_pack_for_cmap((const char *)name, n);
    if (!pack) return false;
    const pith_options *o = pith_doc_options(ctx->doc);
    for (size_t i = 0; i < o->pack_count; i++)
        if (o->packs[i].name && strcmp(o->packs[i].name, pack) == 0) return true;
    return false;
}

/* Registry-Ordering of a CIDSystemInfo into buf; its length (0 when absent). */
static uint32_t collection(pdf_ctx *ctx, const pdf_obj *cidfont, char buf[64])
{
    const pdf_obj *si = pdf_dict_get(ctx, cidfont, "CIDSystemInfo");
    if (si->kind == PDF_ARRAY) si = pdf_array_get(ctx, si, 0);  /* seen in the wild */
    const pdf_obj *r = pdf_dict_get(ctx, si, "Registry");
    const pdf_obj *o = pdf_dict_get(ctx, si, "Ordering");
    if (r->kind != PDF_STRING || o->kind != PDF_STRING || r->n + o->n + 2 > 64) return 0;
    memcpy(buf, r->u.s, r->n);
    buf[r->n] = '-';
    memcpy(buf + r->n + 1, o->u.s, o->n);
    buf[r->n + 1 + o->n] = 0;
    return r->n + 1 + o->n;
}

/* CID → text from the embedded program: gid_uni through /CIDToGIDMap (TrueType), or glyph
 * names; one code point per CID, in the document arena. */
static pith_status embedded_text(pdf_ctx *ctx, const pdf_obj *cidfont, bool truetype,
                                 pdf_font *f)
{
    pith_doc *doc = ctx->doc;
    pdf_embedded emb;
    pith_status st = pdf_embedded_read(ctx, pdf_dict_get(ctx, cidfont, "FontDescriptor"),
                                       pith_scratch_arena(doc), &emb);
    if (st != PITH_OK) return st;
    if (!emb.gid_uni && !emb.gid_names) return PITH_OK;
    const uint8_t *map = NULL;
    size_t maplen = 0;
    if (truetype) {
        const pdf_obj *m = pdf_dict_get(ctx, cidfont, "CIDToGIDMap");
        if (m->kind == PDF_STREAM) {
            pith_status ds = pdf_stream_decode(ctx, m, NULL, &map, &maplen);
            if (ds == PITH_E_LIMIT || ds == PITH_E_NOMEM) return ds;
            if (ds != PITH_OK) map = NULL;
        }
    }
    uint32_t n = map ? (uint32_t)(maplen / 2 > MAX_CID ? MAX_CID : maplen / 2)
                     : (emb.ngid > emb.ngid_names ? emb.ngid : emb.ngid_names);
    if (n > MAX_CID) n = MAX_CID;
    if (n == 0) return PITH_OK;
    st = pith_work(doc, n);
    if (st != PITH_OK) return st;
    uint32_t *u = pith_doc_calloc(doc, (size_t)n * sizeof *u);
    if (!u) return pith_alloc_failed(doc, (size_t)n * sizeof *u);
    for (uint32_t cid = 0; cid < n; cid++) {
        uint32_t gid = map ? (uint32_t)map[2 * cid] << 8 | map[2 * cid + 1] : cid;
        uint32_t cp = 0;
        if (emb.gid_uni && gid < emb.ngid) cp = emb.gid_uni[gid];
        if (!cp && emb.gid_names && gid < emb.ngid_names && emb.gid_names[gid]) {
            uint32_t out[8];
            const char *nm = emb.gid_names[gid];
            if (pdf_glyph_unicode((const uint8_t *)nm, strlen(nm), false, out)) cp = out[0];
        }
        u[cid] = cp;
    }
    f->gid_uni = u;
    f->ngid = n;
    return pith_objects(doc, n / 64 + 1);
}

pith_status pdf_font_load_cid(pdf_ctx *ctx, const pdf_obj *dict, pdf_font *f)
{
    pith_doc *doc = ctx->doc;
    pith_status st = PITH_OK;
    const pdf_obj *df = pdf_dict_get(ctx, dict, "DescendantFonts");
    const pdf_obj *cidfont = df->kind == PDF_ARRAY ? pdf_array_get(ctx, df, 0) : df;
    if (!pdf_is_dict(cidfont)) return PITH_E_FORMAT;
    bool truetype = pdf_is_name(pdf_dict_get(ctx, cidfont, "Subtype"), "CIDFontType2");

    /* encoding */
    const pdf_obj *enc = pdf_dict_get(ctx, dict, "Encoding");
    uint32_t en;
    const uint8_t *ename = pdf_name(enc, &en);
    f->enc = PDF_CID_IDENTITY;
    if (ename && (name_is(ename, en, "Identity-H") || name_is(ename, en, "Identity-V"))) {
        f->vertical = ename[en - 1] == 'V';
    } else if (ename && unicode_cmap(ename, en) && !pack_given(ctx, ename, en)) {
        /* the text is in the codes: no need to fail the document for want of the pack */
        f->enc = PDF_CID_UNICODE;
        f->code_is_unicode = true;
        f->vertical = ename[en - 1] == 'V';
        st = pith_warn(doc, PITH_E_NEED_PACK, 0, "font: cmap %.*s without data pack %s: text "
                       "from the codes, widths approximate", (int)(en > 64 ? 64 : en),
                       (const char *)ename, pdf_cjk_pack_for_cmap((const char *)ename, en));
        if (st != PITH_OK) return st;
    } else if (ename) {
        f->cjk = pdf_cjk_cmap_get(ctx, (const char *)ename, en, &st);
        if (st != PITH_OK) return st;
        if (f->cjk) {
            f->enc = PDF_CID_CJK;
            f->vertical = pdf_cjk_cmap_vertical(f->cjk);
            f->code_is_unicode = unicode_cmap(ename, en);
        } else {
            st = pith_warn(doc, PITH_E_UNSUPPORTED, 0,
                           "font: unknown cmap %.*s, read as Identity-H", (int)(en > 64 ? 64 : en),
                           (const char *)ename);
            if (st != PITH_OK) return st;
        }
    } else if (enc->kind == PDF_STREAM) {
        f->cmap = pdf_font_load_cmap(ctx, enc, true, &st);
        if (st != PITH_OK) return st;
        if (f->cmap) {
            f->enc = PDF_CID_EMBEDDED;
            f->vertical = f->cmap->wmode == 1;
            const uint8_t *u = (const uint8_t *)f->cmap->use;
            uint32_t un = f->cmap->use_len;
            if (name_is(u, un, "Identity-H") || name_is(u, un, "Identity-V")) {
                f->parent_identity = true;
            } else if (un) {
                f->cjk = pdf_cjk_cmap_get(ctx, (const char *)u, un, &st);
                if (st != PITH_OK) return st;
            }
        }
    } else {
        st = pith_warn(doc, PITH_E_FORMAT, 0, "font: Type0 without an encoding, read as "
                       "Identity-H");
        if (st != PITH_OK) return st;
    }

    /* text */
    const pdf_cmap *tu = pdf_font_load_cmap(ctx, pdf_dict_get(ctx, dict, "ToUnicode"), false, &st);
    if (st != PITH_OK) return st;
    if (tu && tu->nseg) f->tounicode = tu;
    if (!f->tounicode && !f->code_is_unicode) {
        char ro[64];
        uint32_t rn = collection(ctx, cidfont, ro);
        bool known = rn && pdf_cjk_pack_for_collection(ro, rn) != NULL;
        if (truetype || !known) {
            st = embedded_text(ctx, cidfont, truetype, f);
            if (st != PITH_OK) return st;
        }
        if (known && !f->gid_uni) {
            f->cjk_uni = pdf_cjk_unicode_get(ctx, ro, rn, &st);
            if (st != PITH_OK) return st;
        }
    }

    /* metrics */
    f->dw = 1000.0f;
    const pdf_obj *dw = pdf_dict_get(ctx, cidfont, "DW");
    if (num_ok(dw)) f->dw = (float)pdf_num(dw, 1000);
    f->dw2_vy = 880.0f;
    f->dw2_w1 = -1000.0f;
    const pdf_obj *dw2 = pdf_dict_get(ctx, cidfont, "DW2");
    if (pdf_array_len(dw2) == 2) {
        const pdf_obj *a = pdf_array_get(ctx, dw2, 0), *b = pdf_array_get(ctx, dw2, 1);
        if (num_ok(a) && num_ok(b)) {
            f->dw2_vy = (float)pdf_num(a, 880);
            f->dw2_w1 = (float)pdf_num(b, -1000);
        }
    }
    uint32_t np = 0;
    st = read_w(ctx, pdf_dict_get(ctx, cidfont, "W"), 1, &f->w, &f->nw, &f->wpool, &np);
    if (st != PITH_OK) return st;
    if (f->vertical) {
        st = read_w(ctx, pdf_dict_get(ctx, cidfont, "W2"), 3, &f->w2, &f->nw2, &f->wpool, &np);
        if (st != PITH_OK) return st;
    }
    st = pith_objects(doc, (uint64_t)f->nw + f->nw2 + 1);
    if (st != PITH_OK) return st;
    pdf_font_read_extent(ctx, pdf_dict_get(ctx, cidfont, "FontDescriptor"), f);
    return PITH_OK;
}

size_t pdf_font_next_cid(const pdf_font *f, const uint8_t *s, size_t n, pdf_glyph *g)
{
    uint32_t code = 0, cid = 0;
    size_t used;
    switch (f->enc) {
    case PDF_CID_EMBEDDED:
        used = pdf_cmap_code(f->cmap, s, n, &code);
        if (!pdf_cmap_cid(f->cmap, code, &cid)) {
            if (f->parent_identity) cid = code;
            else if (f->cjk) pdf_cjk_cmap_next(f->cjk, s, used, &cid);
        }
        break;
    case PDF_CID_CJK:
        used = pdf_cjk_cmap_next(f->cjk, s, n, &cid);
        if (used == 0 || used > n) used = 1;
        for (size_t i = 0; i < used; i++) code = code << 8 | s[i];
        break;
    case PDF_CID_UNICODE:
        /* UTF-16: a high surrogate followed by a low one is one 4-byte code */
        used = n >= 2 ? 2 : 1;
        if (n >= 4 && s[0] >= 0xD8 && s[0] <= 0xDB && s[2] >= 0xDC && s[2] <= 0xDF) used = 4;
        for (size_t i = 0; i < used; i++) code = code << 8 | s[i];
        cid = UINT32_MAX;  /* unknown: /DW */
        break;
    default:
        /* Identity: two bytes; an odd last byte is a code of its own */
        used = n >= 2 ? 2 : 1;
        code = used == 2 ? (uint32_t)s[0] << 8 | s[1] : s[0];
        cid = code;
        break;
    }
    g->code = code;
    g->nbytes = (uint32_t)used;
    g->space = used == 1 && code == 32;
    uint32_t k = 0;
    if (f->tounicode) k = pdf_cmap_unicode(f->tounicode, code, g->uni);
    if (!k && f->code_is_unicode) {
        if (used == 2 && !(code >= 0xD800 && code <= 0xDFFF) && code) {
            g->uni[0] = code;
            k = 1;
        } else if (used == 4) {
            uint32_t hi = code >> 16, lo = code & 0xFFFF;
            if (hi >= 0xD800 && hi <= 0xDBFF && lo >= 0xDC00 && lo <= 0xDFFF) {
                g->uni[0] = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                k = 1;
            }
        } else if (used == 1 && code) {
            g->uni[0] = code;
            k = 1;
        }
    }
    if (!k && f->cjk_uni) {
        uint32_t out[4];
        k = pdf_cjk_unicode_map(f->cjk_uni, cid, out);
        if (k > 4) k = 4;
        memcpy(g->uni, out, k * sizeof *out);
    }
    if (!k && f->gid_uni && cid < f->ngid && f->gid_uni[cid]) {
        g->uni[0] = f->gid_uni[cid];
        k = 1;
    }
    g->nuni = k;
    const float *w = find_w(f, f->w, f->nw, 1, cid);
    g->w0 = (w ? w[0] : f->dw) / 1000.0;
    if (f->vertical) {
        const float *v = find_w(f, f->w2, f->nw2, 3, cid);
        g->w1 = (v ? v[0] : f->dw2_w1) / 1000.0;
    }
    return used;
}
