/* pdf_font.c: the fonts of a document: cache, dispatch by /Subtype, the fallback font, the
 * standard 14 metrics and what every font answers (ISO 32000-1 §9.5-9.10).
 *
 * pdf_font_get loads a font once per document: the cache is keyed by object number (a
 * reference) or by the dictionary's address (a direct font dictionary), an open-addressed
 * table in the document arena. Loading works in scratch memory (decoded CMap and font program
 * streams, parse tables) rolled back before returning; what the font keeps lives in the
 * document arena and is counted with pith_objects. A font that cannot be read becomes the
 * fallback (WinAnsi codes, Helvetica widths) with one warning; only LIMIT/NOMEM and
 * NEED_PACK give NULL. Simple fonts are resolved per code at load (pdf_font_simple.c); CID
 * fonts look codes up as they are shown (pdf_font_cid.c).
 */
#include <string.h>

#include "pdf_font_int.h"

typedef struct cache_ent {
    uint32_t num;            /* object number, 0 for a direct dictionary */
    const pdf_obj *dict;     /* the direct dictionary (num 0) */
    pdf_font *font;
} cache_ent;

struct pdf_font_cache {
    cache_ent *ent;
    uint32_t cap, n;         /* cap a power of two */
    pdf_font *fallback;
};

/* MARK: - Standard 14 */

static const char *const std14_names[PDF_STD_COUNT] = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic",
    "Symbol", "ZapfDingbats"};

static bool has_word(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && (s[i + j] | 0x20) == (w[j] | 0x20)) j++;
        if (j == k) return true;
    }
    return false;
}

static bool eq_ci(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && has_word(s, n, w);
}

int pdf_std14_find(const uint8_t *name, size_t n)
{
    uint32_t ln = (uint32_t)(n > 127 ? 127 : n);
    const uint8_t *s = pdf_font_strip_subset(name, &ln);
    char buf[128];
    size_t m = 0;
    for (uint32_t i = 0; i < ln; i++)
        if (s[i] != ' ') buf[m++] = (char)s[i];
    for (int i = 0; i < PDF_STD_COUNT; i++)
        if (strlen(std14_names[i]) == m && memcmp(std14_names[i], buf, m) == 0) return i;
    /* family, then style: the family ends at ',' or '-' ("Arial,Bold", "Arial-BoldMT") */
    size_t fam = 0;
    while (fam < m && buf[fam] != ',' && buf[fam] != '-') fam++;
    const char *st = buf + fam;
    size_t sn = m - fam;
    /* "TimesNewRomanPSMT", "ArialMT", "CourierNewPS": the PostScript-name endings go */
    size_t fn = fam;
    if (fn > 2 && memcmp(buf + fn - 2, "MT", 2) == 0) fn -= 2;
    if (fn > 2 && memcmp(buf + fn - 2, "PS", 2) == 0) fn -= 2;
    bool bold = has_word(st, sn, "bold") || has_word(buf, fn, "bold") ||
                has_word(st, sn, "black") || has_word(st, sn, "heavy") ||
                has_word(st, sn, "semibold") || has_word(st, sn, "demi");
    bool italic = has_word(st, sn, "italic") || has_word(st, sn, "oblique") ||
                  has_word(buf, fn, "italic");
    /* strip a style glued to the family ("ArialBold", "TimesNewRomanBoldItalic") */
    static const char *const glued[] = {"BoldItalic", "BoldOblique", "Bold", "Italic",
                                        "Oblique"};
    for (size_t g = 0; g < sizeof glued / sizeof *glued; g++) {
        size_t k = strlen(glued[g]);
        if (fn > k && has_word(buf + fn - k, k, glued[g])) {
            fn -= k;
            break;
        }
    }
    int family = -1;
    if (eq_ci(buf, fn, "Helvetica") || eq_ci(buf, fn, "Arial") || eq_ci(buf, fn, "Helv") ||
        eq_ci(buf, fn, "ArialNarrow") || eq_ci(buf, fn, "LiberationSans") ||
        eq_ci(buf, fn, "NimbusSans") || eq_ci(buf, fn, "NimbusSansL"))
        family = PDF_STD_HELVETICA;
    else if (eq_ci(buf, fn, "Times") || eq_ci(buf, fn, "TimesNewRoman") ||
             eq_ci(buf, fn, "TimesRoman") || eq_ci(buf, fn, "LiberationSerif") ||
             eq_ci(buf, fn, "NimbusRoman") || eq_ci(buf, fn, "NimbusRomNo9L"))
        family = PDF_STD_TIMES;
    else if (eq_ci(buf, fn, "Courier") || eq_ci(buf, fn, "CourierNew") ||
             eq_ci(buf, fn, "CourierStd") || eq_ci(buf, fn, "LiberationMono") ||
             eq_ci(buf, fn, "NimbusMono") || eq_ci(buf, fn, "NimbusMonoPS"))
        family = PDF_STD_COURIER;
    else if (eq_ci(buf, fn, "Symbol") || eq_ci(buf, fn, "SymbolMT"))
        return PDF_STD_SYMBOL;
    else if (eq_ci(buf, fn, "ZapfDingbats") || eq_ci(buf, fn, "Dingbats"))
        return PDF_STD_ZAPF;
    if (family < 0) return PDF_STD_NONE;
    return family + (bold ? 1 : 0) + (italic ? 2 : 0);
}

int pdf_std14_width(int f, uint32_t glyph_id, int code)
{
    if (f < 0 || f >= PDF_STD_COUNT) return -1;
    if (f == PDF_STD_SYMBOL || f == PDF_STD_ZAPF) {
        if (code < 0 || code > 255) return -1;
        uint16_t w = f == PDF_STD_SYMBOL ? pdf_met_symbol_w[code] : pdf_met_dingbats_w[code];
        return w ? w : -1;
    }
    if (glyph_id == PDF_GLYPH_NONE) return -1;
    uint32_t lo = 0, hi = pdf_met_nlatin;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (pdf_met_latin_ids[mid] < glyph_id) lo = mid + 1;
        else hi = mid;
    }
    if (lo >= pdf_met_nlatin || pdf_met_latin_ids[lo] != glyph_id) return -1;
    if (f <= PDF_STD_COURIER_BI) return 600;
    return pdf_met_latin_w[(size_t)(f - PDF_STD_HELVETICA) * pdf_met_nlatin + lo];
}

/* MARK: - Helpers the loaders share */

const uint8_t *pdf_font_strip_subset(const uint8_t *s, uint32_t *n)
{
    if (*n > 7 && s[6] == '+') {
        bool tag = true;
        for (int i = 0; i < 6; i++) tag &= s[i] >= 'A' && s[i] <= 'Z';
        if (tag) {
            *n -= 7;
            return s + 7;
        }
    }
    return s;
}

void pdf_font_read_extent(pdf_ctx *ctx, const pdf_obj *desc, pdf_font *f)
{
    const pdf_obj *a = pdf_dict_get(ctx, desc, "Ascent");
    const pdf_obj *d = pdf_dict_get(ctx, desc, "Descent");
    double asc = pdf_num(a, 0), dsc = pdf_num(d, 0);
    /* producers write 0, or positive descents, or em-sized nonsense: keep the defaults */
    if (asc > 0 && asc < 3000) f->ascent = asc / 1000.0;
    if (dsc < 0 && dsc > -3000) f->descent = dsc / 1000.0;
}

void pdf_font_set_fallback(pdf_font *f)
{
    f->kind = PDF_FONT_SIMPLE;
    f->fallback = true;
    f->std14 = PDF_STD_HELVETICA;
    for (uint32_t c = 0; c < 256; c++) {
        uint32_t gid = pdf_enc_table[PDF_ENC_WINANSI][c], u[8];
        uint32_t k = gid != PDF_GLYPH_NONE ? pdf_glyph_unicode_id(gid, false, u) : 0;
        f->nuni[c] = k == 1 ? 1 : 0;
        f->uni[c] = k == 1 ? u[0] : 0;
        int w = pdf_std14_width(PDF_STD_HELVETICA, gid, -1);
        f->width[c] = w >= 0 ? (float)w : 500.0f;
    }
}

const pdf_cmap *pdf_font_load_cmap(pdf_ctx *ctx, const pdf_obj *stream, bool chain,
                                   pith_status *st)
{
    *st = PITH_OK;
    stream = pdf_resolve(ctx, stream);
    if (!stream || stream->kind != PDF_STREAM) return NULL;
    pith_doc *doc = ctx->doc;
    pith_arena *tmp = pith_scratch_arena(doc);
    pdf_cmap_builder b;
    pdf_cmap_builder_init(&b, doc, tmp);
    const pdf_obj *seen[PDF_CMAP_MAX_LEVELS];
    uint32_t level = 0;
    const pdf_obj *s = stream;
    char use[64];
    uint32_t use_len = 0;
    /* the CMap, then its /UseCMap streams (each at a higher level: the child wins), a chain
     * walked with a loop and a visit list, never recursion */
    while (s && s->kind == PDF_STREAM && level < PDF_CMAP_MAX_LEVELS) {
        for (uint32_t i = 0; i < level; i++)
            if (seen[i] == s) s = NULL;
        if (!s) break;
        seen[level] = s;
        const uint8_t *data;
        size_t len;
        pith_status ds = pdf_stream_decode(ctx, s, tmp, &data, &len);
        if (ds == PITH_E_LIMIT || ds == PITH_E_NOMEM) {
            *st = ds;
            return NULL;
        }
        if (ds == PITH_OK) {
            *st = pdf_cmap_builder_add(&b, data, len, level);
            if (*st != PITH_OK) return NULL;
        }
        if (level == 0 && chain) {
            const pdf_obj *wm = pdf_dict_get(ctx, s, "WMode");
            if (wm->kind == PDF_INT) b.head.wmode = wm->u.i == 1;
        }
        if (!chain) break;
        const pdf_obj *u = pdf_dict_get(ctx, s, "UseCMap");
        uint32_t un;
        const uint8_t *nm = pdf_name(u, &un);
        if (nm && use_len == 0 && un < sizeof use) {
            memcpy(use, nm, un);
            use_len = un;
        }
        s = u->kind == PDF_STREAM ? u : NULL;
        level++;
    }
    pdf_cmap *c;
    *st = pdf_cmap_builder_finish(&b, pith_doc_arena(doc), &c);
    if (*st != PITH_OK) return NULL;
    if (c->use_len == 0 && use_len) {
        memcpy(c->use, use, use_len);
        c->use_len = use_len;
    }
    *st = pith_objects(doc, (uint64_t)c->nseg + 1);
    if (*st != PITH_OK) return NULL;
    return c;
}

/* MARK: - Cache and dispatch */

static pith_status cache_init(pdf_ctx *ctx)
{
    if (ctx->fonts) return PITH_OK;
    pdf_font_cache *c = pith_doc_calloc(ctx->doc, sizeof *c);
    if (!c) return pith_alloc_failed(ctx->doc, sizeof *c);
    ctx->fonts = c;
    return PITH_OK;
}

static uint32_t hash_key(uint32_t num, const pdf_obj *dict)
{
    uint64_t k = num ? num : (uint64_t)(uintptr_t)dict >> 4;
    k *= 0x9E3779B97F4A7C15ull;
    return (uint32_t)(k >> 32);
}

static cache_ent *cache_find(pdf_font_cache *c, uint32_t num, const pdf_obj *dict)
{
    if (!c->cap) return NULL;
    uint32_t i = hash_key(num, dict) & (c->cap - 1);
    for (;;) {
        cache_ent *e = &c->ent[i];
        if (!e->font) return NULL;
        if (e->num == num && (num || e->dict == dict)) return e;
        i = (i + 1) & (c->cap - 1);
    }
}

static pith_status cache_put(pdf_ctx *ctx, uint32_t num, const pdf_obj *dict, pdf_font *f)
{
    pdf_font_cache *c = ctx->fonts;
    if ((c->n + 1) * 2 > c->cap) {
        /* grow: the old table stays in the arena, at most as big as the new one */
        uint32_t ncap = c->cap ? c->cap * 2 : 16;
        cache_ent *ne = pith_doc_calloc(ctx->doc, (size_t)ncap * sizeof *ne);
        if (!ne) return pith_alloc_failed(ctx->doc, (size_t)ncap * sizeof *ne);
        cache_ent *old = c->ent;
        uint32_t ocap = c->cap;
        c->ent = ne;
        c->cap = ncap;
        c->n = 0;
        for (uint32_t i = 0; i < ocap; i++)
            if (old[i].font) cache_put(ctx, old[i].num, old[i].dict, old[i].font);
    }
    uint32_t i = hash_key(num, dict) & (c->cap - 1);
    while (c->ent[i].font) i = (i + 1) & (c->cap - 1);
    c->ent[i].num = num;
    c->ent[i].dict = num ? NULL : dict;
    c->ent[i].font = f;
    c->n++;
    return PITH_OK;
}

static void set_defaults(pdf_font *f)
{
    f->std14 = PDF_STD_NONE;
    f->matrix[0] = f->matrix[3] = 0.001;
    f->ascent = 0.75;
    f->descent = -0.25;
}

static pdf_font *fallback_font(pdf_ctx *ctx)
{
    pdf_font_cache *c = ctx->fonts;
    if (c->fallback) return c->fallback;
    pdf_font *f = pith_doc_calloc(ctx->doc, sizeof *f);
    if (!f) return NULL;
    set_defaults(f);
    pdf_font_set_fallback(f);
    f->ascent = pdf_met_extent[PDF_STD_HELVETICA][0] / 1000.0;
    f->descent = pdf_met_extent[PDF_STD_HELVETICA][1] / 1000.0;
    c->fallback = f;
    return f;
}

static pith_status load(pdf_ctx *ctx, const pdf_obj *dict, pdf_font *f)
{
    const pdf_obj *subtype = pdf_dict_get(ctx, dict, "Subtype");
    uint32_t n;
    const uint8_t *bf = pdf_name(pdf_dict_get(ctx, dict, "BaseFont"), &n);
    if (bf) {
        f->name.p = (const char *)bf;
        f->name.n = n;
    }
    if (pdf_is_name(subtype, "Type0")) {
        f->kind = PDF_FONT_CID;
        return pdf_font_load_cid(ctx, dict, f);
    }
    if (pdf_is_name(subtype, "Type3")) {
        f->kind = PDF_FONT_TYPE3;
        const pdf_obj *m = pdf_dict_get(ctx, dict, "FontMatrix");
        if (pdf_array_len(m) == 6) {
            double v[6];
            bool ok = true;
            for (uint32_t i = 0; i < 6; i++) {
                const pdf_obj *it = pdf_array_get(ctx, m, i);
                ok &= it->kind == PDF_INT || it->kind == PDF_REAL;
                v[i] = pdf_num(it, 0);
                ok &= v[i] == v[i] && v[i] > -1e6 && v[i] < 1e6;
            }
            if (ok && (v[0] != 0 || v[1] != 0)) memcpy(f->matrix, v, sizeof v);
        }
        /* glyph boxes: the font box through the matrix, when it says something */
        const pdf_obj *bb = pdf_dict_get(ctx, dict, "FontBBox");
        if (pdf_array_len(bb) == 4) {
            double y0 = pdf_num(pdf_array_get(ctx, bb, 1), 0) * f->matrix[3];
            double y1 = pdf_num(pdf_array_get(ctx, bb, 3), 0) * f->matrix[3];
            if (y1 < y0) {
                double t = y0;
                y0 = y1;
                y1 = t;
            }
            if (y1 > 0 && y1 < 3) f->ascent = y1;
            if (y0 < 0 && y0 > -3) f->descent = y0;
        }
    } else {
        f->kind = PDF_FONT_SIMPLE;
        if (bf) f->std14 = pdf_std14_find(bf, n);
        if (f->std14 != PDF_STD_NONE) {
            f->ascent = pdf_met_extent[f->std14][0] / 1000.0;
            f->descent = pdf_met_extent[f->std14][1] / 1000.0;
        }
    }
    /* a Type3 descriptor is in glyph space: its font box above says more */
    if (f->kind != PDF_FONT_TYPE3)
        pdf_font_read_extent(ctx, pdf_dict_get(ctx, dict, "FontDescriptor"), f);
    return pdf_font_load_simple(ctx, dict, f);
}

pdf_font *pdf_font_get(pdf_ctx *ctx, const pdf_obj *o)
{
    pith_doc *doc = ctx->doc;
    if (cache_init(ctx) != PITH_OK) return NULL;
    uint32_t num = o && o->kind == PDF_REF ? o->u.ref.num : 0;
    const pdf_obj *dict = pdf_resolve(ctx, o);
    cache_ent *e = cache_find(ctx->fonts, num, dict);
    if (e) return e->font;
    if (!pdf_is_dict(dict)) {
        pith_warn(doc, PITH_E_FORMAT, 0, "font: object %u is not a font dictionary, using "
                  "a fallback", (unsigned)num);
        pdf_font *fb = fallback_font(ctx);
        if (fb && cache_put(ctx, num, dict, fb) != PITH_OK) return NULL;
        return fb;
    }
    if (pith_objects(doc, 1) != PITH_OK) return NULL;
    pdf_font *f = pith_doc_calloc(doc, sizeof *f);
    if (!f) return NULL;
    set_defaults(f);
    pith_arena *sa = pith_scratch_arena(doc);
    pith_arena_mark m = pith_arena_mark_get(sa);
    pith_status st = load(ctx, dict, f);
    pith_arena_release(sa, m);
    if (st == PITH_E_FORMAT) {
        uint32_t n = (uint32_t)(f->name.n > 64 ? 64 : f->name.n);
        pith_warn(doc, PITH_E_FORMAT, 0, "font: %.*s (object %u) unreadable, using a fallback",
                  (int)n, f->name.p ? f->name.p : "", (unsigned)num);
        pith_str name = f->name;
        memset(f, 0, sizeof *f);
        set_defaults(f);
        f->name = name;
        pdf_font_set_fallback(f);
        st = PITH_OK;
    }
    if (st != PITH_OK) return NULL;
    if (cache_put(ctx, num, dict, f) != PITH_OK) return NULL;
    return f;
}

/* MARK: - What a font answers */

size_t pdf_font_next(const pdf_font *f, const uint8_t *s, size_t n, pdf_glyph *g)
{
    memset(g, 0, sizeof *g);
    if (n == 0) return 0;
    if (f->kind == PDF_FONT_CID) return pdf_font_next_cid(f, s, n, g);
    uint32_t c = s[0];
    g->code = c;
    g->nbytes = 1;
    g->nuni = pdf_font_simple_uni(f, c, g->uni);
    g->w0 = f->width[c] * (f->kind == PDF_FONT_TYPE3 ? f->matrix[0] : 0.001);
    g->space = c == 32;
    return 1;
}

bool pdf_font_vertical(const pdf_font *f) { return f->vertical; }

void pdf_font_matrix(const pdf_font *f, double m[6]) { memcpy(m, f->matrix, 6 * sizeof *m); }

void pdf_font_extent(const pdf_font *f, double *ascent, double *descent)
{
    *ascent = f->ascent;
    *descent = f->descent;
}

pith_str pdf_font_name(const pdf_font *f) { return f->name; }
