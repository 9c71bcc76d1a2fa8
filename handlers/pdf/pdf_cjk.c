/* pdf_cjk.c: predefined CJK CMaps and CID → Unicode from the cmap-<collection> data packs.
 *
 * ISO 32000-1 §9.7.5.2 (predefined CMaps), §9.7.6.2 (codespace ranges decide how many bytes a
 * code has), §9.10.2 (CID → Unicode through the collection's Adobe-<Ordering>-UCS2 CMap, as
 * MuPDF does: 1 to 4 code points per CID). The pack format is written down in
 * tools/gen_cmap_packs.py; this file checks it before reading: the header and every directory
 * entry's bounds whenever a pack is used, the sort order and bounds of every range of each
 * record a lookup will read (the CMap and its parent chain, at most PACK_DEPTH records), and
 * every CID → Unicode entry.
 * Lookups are binary searches over checked records, so they draw no work; checking draws work
 * per range. Nothing is copied out of the pack: the caller keeps it alive with the document.
 */
#include "pdf_cjk.h"

#include <string.h>

#include "charset.h"

#include "pdf_cjk_names.h"

#define PACK_MAGIC "PITHCMAP"
#define PACK_HEADER 48u
#define DIR_ENTRY 36u
#define DIR_NAME 24u
#define PACK_CMAPS_MAX 1024u
#define PACK_DEPTH 8u
#define CS_MAX 16u
#define NONE 0xFFFFFFFFu
#define UNI_MAX 4u  /* code points of one CID: pdf_cjk_unicode_map's out[4] */

enum { FORM_RAW = 0, FORM_UTF8 = 1, FORM_UTF16 = 2 };

static const struct {
    const char *ro;    /* Registry-Ordering */
    const char *pack;  /* data pack name */
} colls[] = {
    {"Adobe-Japan1", "cmap-japan1"},
    {"Adobe-GB1", "cmap-gb1"},
    {"Adobe-CNS1", "cmap-cns1"},
    {"Adobe-Korea1", "cmap-korea1"},
};
#define NCOLLS (sizeof colls / sizeof colls[0])

typedef struct cmap_rec {
    const uint8_t *ranges;  /* 12 bytes each, checked */
    uint32_t nranges;
    uint8_t form;
} cmap_rec;

struct pdf_cjk_cmap {
    cmap_rec rec[PACK_DEPTH];  /* the CMap, then its parents */
    uint32_t depth;
    const uint8_t *cs;         /* codespace ranges of the CMap itself, 12 bytes each */
    uint32_t ncs;
    bool vertical;
    uint8_t coll;
};

struct pdf_cjk_unicode {
    const uint8_t *bmp;    /* u16 per CID, checked: no surrogates */
    uint32_t nbmp;
    const uint8_t *pairs;  /* {u32 cid, u32 code point}, checked: sorted by cid, a cid at most
                            * UNI_MAX times (a sequence, in order), code points valid */
    uint32_t npairs;
};

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool name_eq(const char *a, const char *s, size_t n)
{
    return strlen(a) == n && memcmp(a, s, n) == 0;
}

/* MARK: - Names (no pack needed) */

static int coll_of_cmap(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof pdf_cjk_names / sizeof pdf_cjk_names[0]; i++)
        if (name_eq(pdf_cjk_names[i].name, name, n)) return pdf_cjk_names[i].coll;
    return -1;
}

static int coll_of_ro(const char *ro, size_t n)
{
    for (size_t i = 0; i < NCOLLS; i++)
        if (name_eq(colls[i].ro, ro, n)) return (int)i;
    return -1;
}

const char *pdf_cjk_pack_for_cmap(const char *name, size_t n)
{
    int c = coll_of_cmap(name, n);
    return c < 0 ? NULL : colls[c].pack;
}

const char *pdf_cjk_pack_for_collection(const char *ro, size_t n)
{
    int c = coll_of_ro(ro, n);
    return c < 0 ? NULL : colls[c].pack;
}

/* MARK: - Pack checks */

typedef struct pack_view {
    const uint8_t *d;
    size_t len;
    uint32_t ncmaps, dir, uni_off, uni_len;
} pack_view;

/* Header and directory bounds. Returns NULL or a reason. */
static const char *check_header(const uint8_t *d, size_t len, int coll, pack_view *v)
{
    memset(v, 0, sizeof *v);
    if (!d || len < PACK_HEADER) return "too short for a header";
    if (memcmp(d, PACK_MAGIC, 8) != 0) return "bad magic (not a cmap pack)";
    if (le16(d + 8) != 1) return "unsupported version (this build reads version 1)";
    if (le32(d + 12) != len) return "length in the header differs from the data's";
    char ro[17];
    memcpy(ro, d + 16, 16);
    ro[16] = 0;
    if (strcmp(ro, colls[coll].ro) != 0) return "wrong collection";
    v->d = d;
    v->len = len;
    v->ncmaps = le16(d + 10);
    v->uni_off = le32(d + 32);
    v->uni_len = le32(d + 36);
    v->dir = le32(d + 40);
    if (v->ncmaps == 0 || v->ncmaps > PACK_CMAPS_MAX) return "bad cmap count";
    if (v->dir < PACK_HEADER || v->dir > len || v->dir % 4 != 0 ||
        (size_t)v->ncmaps * DIR_ENTRY > len - v->dir)
        return "directory out of bounds";
    if (v->uni_off < PACK_HEADER || v->uni_off > len || v->uni_off % 4 != 0 ||
        v->uni_len > len - v->uni_off || v->uni_len < 8)
        return "unicode table out of bounds";
    uint64_t nbmp = le32(d + v->uni_off), npairs = le32(d + v->uni_off + 4);
    if (8 + (nbmp + 1) / 2 * 4 + npairs * 8 != v->uni_len) return "unicode table of the wrong size";
    for (uint32_t i = 0; i < v->ncmaps; i++) {
        const uint8_t *e = d + v->dir + (size_t)i * DIR_ENTRY;
        uint32_t off = le32(e + 24), n = le32(e + 28), parent = le32(e + 32);
        if (memchr(e, 0, DIR_NAME) == NULL) return "cmap name not terminated";
        if (off < PACK_HEADER || off > len || n > len - off || off % 4 != 0 || n < 8)
            return "cmap record out of bounds";
        if (parent != NONE && parent >= i) return "cmap parent does not come first";
    }
    return NULL;
}

/* One record's contents: sizes, codespace, range order and CIDs. */
static const char *check_record(pith_doc *doc, const pack_view *v, uint32_t i, cmap_rec *r,
                                const uint8_t **cs, uint32_t *ncs, uint8_t *wmode)
{
    const uint8_t *e = v->d + v->dir + (size_t)i * DIR_ENTRY;
    const uint8_t *p = v->d + le32(e + 24);
    uint32_t n = le32(e + 28);
    uint32_t ncs_ = p[1], nr = le32(p + 4);
    if (p[0] > 1 || ncs_ == 0 || ncs_ > CS_MAX || p[2] > FORM_UTF16)
        return "bad cmap record header";
    if (nr > (n - 8) / 12 || n != 8 + 12 * ncs_ + 12 * nr) return "cmap record of the wrong size";
    if (pith_work(doc, nr + 1) != PITH_OK) return NULL;
    for (uint32_t k = 0; k < ncs_; k++) {
        const uint8_t *c = p + 8 + 12 * k;
        if (c[0] < 1 || c[0] > 4) return "bad codespace range";
        for (uint32_t b = 0; b < c[0]; b++)
            if (c[4 + b] > c[8 + b]) return "bad codespace range";
    }
    const uint8_t *rg = p + 8 + 12 * ncs_;
    uint64_t prev = 0;
    for (uint32_t k = 0; k < nr; k++) {
        uint32_t lo = le32(rg + 12 * k), hi = le32(rg + 12 * k + 4), w = le32(rg + 12 * k + 8);
        uint32_t bytes = w >> 24, cid = w & 0xFFFFFFu;
        if (bytes < 1 || bytes > 4 || lo > hi) return "bad cmap range";
        if (bytes < 4 && hi >> (8 * bytes) != 0) return "bad cmap range";
        if ((uint64_t)cid + (hi - lo) > 0xFFFFFFu) return "bad cmap range";
        uint64_t key = (uint64_t)bytes << 32 | lo;
        if (k > 0 && key <= prev) return "cmap ranges not sorted";
        prev = (uint64_t)bytes << 32 | hi;
    }
    r->ranges = rg;
    r->nranges = nr;
    r->form = p[2];
    if (cs) {
        *cs = p + 8;
        *ncs = ncs_;
        *wmode = p[0];
    }
    return NULL;
}

/* The pack of collection `coll`, or NULL with *st set (NEED_PACK / FORMAT recorded). */
static const pith_pack *find_pack(pdf_ctx *ctx, int coll, const char *kind, const char *what,
                                  size_t wn, pith_status *st)
{
    const pith_pack *pk = pith_charset_pack_find(pith_doc_options(ctx->doc), colls[coll].pack);
    if (!pk)
        *st = pith_fail(ctx->doc, PITH_E_NEED_PACK, 0, "pdf: %s %.*s needs data pack %s", kind,
                        (int)wn, what, colls[coll].pack);
    return pk;
}

static pith_status pack_error(pdf_ctx *ctx, int coll, const char *why)
{
    return pith_fail(ctx->doc, PITH_E_FORMAT, 0, "pack: %s: %s", colls[coll].pack, why);
}

/* MARK: - CMaps */

const pdf_cjk_cmap *pdf_cjk_cmap_get(pdf_ctx *ctx, const char *name, size_t n, pith_status *st)
{
    *st = PITH_OK;
    int coll = coll_of_cmap(name, n);
    if (coll < 0) return NULL;
    const pith_pack *pk = find_pack(ctx, coll, "cmap", name, n, st);
    if (!pk) return NULL;
    pack_view v;
    const char *why = check_header(pk->data, pk->len, coll, &v);
    if (why) {
        *st = pack_error(ctx, coll, why);
        return NULL;
    }
    uint32_t idx = NONE;
    for (uint32_t i = 0; i < v.ncmaps && idx == NONE; i++) {
        const char *e = (const char *)v.d + v.dir + (size_t)i * DIR_ENTRY;
        if (strlen(e) == n && memcmp(e, name, n) == 0) idx = i;
    }
    if (idx == NONE) {
        /* The name table says the collection has it; a pack of another poppler-data may not. */
        *st = pith_warn(ctx->doc, PITH_E_FORMAT, 0, "pdf: cmap %.*s is not in data pack %s",
                        (int)n, name, colls[coll].pack);
        return NULL;
    }
    pdf_cjk_cmap *c = pith_doc_calloc(ctx->doc, sizeof *c);
    if (!c) {
        *st = pith_alloc_failed(ctx->doc, sizeof *c);
        return NULL;
    }
    c->coll = (uint8_t)coll;
    uint8_t wmode = 0;
    for (uint32_t i = idx; i != NONE; i = le32(v.d + v.dir + (size_t)i * DIR_ENTRY + 32)) {
        if (c->depth == PACK_DEPTH) {
            why = "cmap parent chain too long";
            break;
        }
        bool first = c->depth == 0;
        why = check_record(ctx->doc, &v, i, &c->rec[c->depth], first ? &c->cs : NULL,
                           first ? &c->ncs : NULL, first ? &wmode : NULL);
        if (why || pith_doc_status(ctx->doc) != PITH_OK) break;
        c->depth++;
    }
    if (pith_doc_status(ctx->doc) != PITH_OK) {
        *st = pith_doc_status(ctx->doc);
        return NULL;
    }
    if (why) {
        *st = pack_error(ctx, coll, why);
        return NULL;
    }
    c->vertical = wmode == 1;
    return c;
}

/* Does s[0..len) fall in codespace range r (byte-wise bounds)? */
static bool in_range(const uint8_t *r, const uint8_t *s, uint32_t len)
{
    for (uint32_t b = 0; b < len; b++)
        if (s[b] < r[4 + b] || s[b] > r[8 + b]) return false;
    return true;
}

/* The code point a UTF-8 sequence decodes to (strict: no overlong forms, no surrogates), or
 * NONE: mirrors Python's decoder, which the generator keyed the records with. */
static uint32_t utf8_cp(const uint8_t *s, uint32_t n)
{
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (n == 1) return s[0] < 0x80 ? s[0] : NONE;
    uint32_t lead_bits = n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07;
    uint8_t lead_tag = n == 2 ? 0xC0 : n == 3 ? 0xE0 : 0xF0;
    if ((s[0] & ~lead_bits & 0xFF) != lead_tag) return NONE;
    uint32_t cp = s[0] & lead_bits;
    for (uint32_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return NONE;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return NONE;
    return cp;
}

static uint32_t utf16_cp(const uint8_t *s, uint32_t n)
{
    uint32_t a = (uint32_t)s[0] << 8 | s[1];
    if (n == 2) return a >= 0xD800 && a <= 0xDFFF ? NONE : a;
    if (n != 4) return NONE;
    uint32_t b = (uint32_t)s[2] << 8 | s[3];
    if (a < 0xD800 || a > 0xDBFF || b < 0xDC00 || b > 0xDFFF) return NONE;
    return 0x10000 + ((a - 0xD800) << 10) + (b - 0xDC00);
}

/* Binary search of one record; true when found (*cid may be 0: an explicit notdef). */
static bool rec_find(const cmap_rec *r, uint32_t bytes, uint32_t code, uint32_t *cid)
{
    uint64_t key = (uint64_t)bytes << 32 | code;
    uint32_t lo = 0, hi = r->nranges;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const uint8_t *e = r->ranges + 12 * (size_t)mid;
        uint32_t w = le32(e + 8);
        uint64_t a = (uint64_t)(w >> 24) << 32 | le32(e), b = (uint64_t)(w >> 24) << 32 | le32(e + 4);
        if (key < a) {
            hi = mid;
        } else if (key > b) {
            lo = mid + 1;
        } else {
            *cid = (w & 0xFFFFFFu) + (code - le32(e));
            return true;
        }
    }
    return false;
}

size_t pdf_cjk_cmap_next(const pdf_cjk_cmap *c, const uint8_t *s, size_t n, uint32_t *cid)
{
    *cid = 0;
    uint32_t len = 0;
    for (uint32_t l = 1; l <= 4 && l <= n && !len; l++)
        for (uint32_t k = 0; k < c->ncs && !len; k++)
            if (c->cs[12 * k] == l && in_range(c->cs + 12 * k, s, l)) len = l;
    if (!len) {
        /* §9.7.6.3: not in any range: as many bytes as the shortest range whose first byte
         * fits, else one (so a stray byte costs one glyph, not the rest of the string). */
        uint32_t best = 0;
        for (uint32_t k = 0; k < c->ncs; k++) {
            const uint8_t *r = c->cs + 12 * k;
            if (s[0] >= r[4] && s[0] <= r[8] && (!best || r[0] < best)) best = r[0];
        }
        return best && best <= n ? best : 1;
    }
    /* The CMap's own form decides the key for its whole chain: a Unicode CMap's parents are
     * keyed by code point too (a UTF-32 record's 4-byte code is its code point). */
    uint32_t bytes = len, key = 0;
    for (uint32_t b = 0; b < len; b++) key = key << 8 | s[b];
    if (c->rec[0].form != FORM_RAW) {
        key = c->rec[0].form == FORM_UTF8 ? utf8_cp(s, len) : utf16_cp(s, len);
        bytes = 4;
        if (key == NONE) return len;
    }
    for (uint32_t d = 0; d < c->depth; d++)
        if (rec_find(&c->rec[d], bytes, key, cid)) break;
    return len;
}

bool pdf_cjk_cmap_vertical(const pdf_cjk_cmap *c) { return c->vertical; }

const char *pdf_cjk_cmap_collection(const pdf_cjk_cmap *c) { return colls[c->coll].ro; }

/* MARK: - CID → Unicode */

const pdf_cjk_unicode *pdf_cjk_unicode_get(pdf_ctx *ctx, const char *ro, size_t n,
                                           pith_status *st)
{
    *st = PITH_OK;
    int coll = coll_of_ro(ro, n);
    if (coll < 0) return NULL;
    const pith_pack *pk = find_pack(ctx, coll, "cid to unicode of", ro, n, st);
    if (!pk) return NULL;
    pack_view v;
    const char *why = check_header(pk->data, pk->len, coll, &v);
    if (why) {
        *st = pack_error(ctx, coll, why);
        return NULL;
    }
    const uint8_t *t = v.d + v.uni_off;
    uint32_t nbmp = le32(t), npairs = le32(t + 4);
    const uint8_t *bmp = t + 8, *pairs = bmp + (size_t)(nbmp + 1) / 2 * 4;
    if ((*st = pith_work(ctx->doc, (uint64_t)nbmp + npairs + 1)) != PITH_OK) return NULL;
    for (uint32_t i = 0; !why && i < nbmp; i++) {
        uint32_t cp = le16(bmp + 2 * (size_t)i);
        if (cp >= 0xD800 && cp <= 0xDFFF) why = "bad unicode table (a surrogate)";
    }
    uint32_t run = 0;  /* pairs so far of the current cid */
    for (uint32_t i = 0; !why && i < npairs; i++) {
        uint32_t cid = le32(pairs + 8 * (size_t)i), cp = le32(pairs + 8 * (size_t)i + 4);
        uint32_t prev = i > 0 ? le32(pairs + 8 * (size_t)(i - 1)) : 0;
        run = i > 0 && cid == prev ? run + 1 : 1;
        if (i > 0 && cid < prev)
            why = "bad unicode table (pairs not sorted)";
        else if (run > UNI_MAX)
            why = "bad unicode table (more than 4 code points for a cid)";
        else if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            why = "bad unicode table (a pair's code point)";
    }
    if (why) {
        *st = pack_error(ctx, coll, why);
        return NULL;
    }
    pdf_cjk_unicode *u = pith_doc_alloc(ctx->doc, sizeof *u);
    if (!u) {
        *st = pith_alloc_failed(ctx->doc, sizeof *u);
        return NULL;
    }
    u->bmp = bmp;
    u->nbmp = nbmp;
    u->pairs = pairs;
    u->npairs = npairs;
    return u;
}

uint32_t pdf_cjk_unicode_map(const pdf_cjk_unicode *u, uint32_t cid, uint32_t out[4])
{
    uint32_t cp = cid < u->nbmp ? le16(u->bmp + 2 * (size_t)cid) : 0;
    if (cp) {
        out[0] = cp;
        return 1;
    }
    /* The first pair of the cid (lower bound), then the rest of its sequence. */
    uint32_t lo = 0, hi = u->npairs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (le32(u->pairs + 8 * (size_t)mid) < cid)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t k = 0;
    for (; k < UNI_MAX && lo + k < u->npairs && le32(u->pairs + 8 * (size_t)(lo + k)) == cid; k++)
        out[k] = le32(u->pairs + 8 * (size_t)(lo + k) + 4);
    return k;
}

/* MARK: - Packs a document needs */

static bool pack_given(pdf_ctx *ctx, const char *pack)
{
    return pith_charset_pack_find(pith_doc_options(ctx->doc), pack) != NULL;
}

/* One font dictionary: NEED_PACK recorded when it needs a pack that was not given. */
static pith_status check_font(pdf_ctx *ctx, const pdf_obj *font)
{
    if (!pdf_is_name(pdf_dict_get(ctx, font, "Subtype"), "Type0")) return PITH_OK;
    uint32_t n;
    const uint8_t *enc = pdf_name(pdf_dict_get(ctx, font, "Encoding"), &n);
    int coll = enc ? coll_of_cmap((const char *)enc, n) : -1;
    if (coll >= 0 && !pack_given(ctx, colls[coll].pack))
        return pith_fail(ctx->doc, PITH_E_NEED_PACK, 0, "pdf: cmap %.*s needs data pack %s",
                         (int)n, (const char *)enc, colls[coll].pack);
    if (pdf_dict_get(ctx, font, "ToUnicode")->kind == PDF_STREAM) return PITH_OK;
    const pdf_obj *cid = pdf_array_get(ctx, pdf_dict_get(ctx, font, "DescendantFonts"), 0);
    const pdf_obj *si = pdf_dict_get(ctx, cid, "CIDSystemInfo");
    if (si->kind == PDF_ARRAY) si = pdf_array_get(ctx, si, 0);
    const pdf_obj *r = pdf_dict_get(ctx, si, "Registry"), *o = pdf_dict_get(ctx, si, "Ordering");
    if (r->kind != PDF_STRING || o->kind != PDF_STRING || r->n + o->n + 1 > 40) return PITH_OK;
    char ro[48];
    memcpy(ro, r->u.s, r->n);
    ro[r->n] = '-';
    memcpy(ro + r->n + 1, o->u.s, o->n);
    coll = coll_of_ro(ro, r->n + 1 + o->n);
    if (coll >= 0 && !pack_given(ctx, colls[coll].pack))
        return pith_fail(ctx->doc, PITH_E_NEED_PACK, 0,
                         "pdf: cid to unicode of %s needs data pack %s", colls[coll].ro,
                         colls[coll].pack);
    return PITH_OK;
}

/* The fonts of one /Resources dictionary, and (when xobjects) of its Form XObjects'. */
static pith_status check_resources(pdf_ctx *ctx, const pdf_obj *res, bool xobjects)
{
    const pdf_obj *fonts = pdf_dict_of(pdf_dict_get(ctx, res, "Font"));
    for (uint32_t i = 0; fonts && i < fonts->n; i++) {
        pith_status st = pith_work(ctx->doc, 1);
        if (st == PITH_OK) st = check_font(ctx, pdf_resolve(ctx, &fonts->u.pairs[i].val));
        if (st != PITH_OK) return st;
    }
    const pdf_obj *xo = xobjects ? pdf_dict_of(pdf_dict_get(ctx, res, "XObject")) : NULL;
    for (uint32_t i = 0; xo && i < xo->n; i++) {
        const pdf_obj *x = pdf_resolve(ctx, &xo->u.pairs[i].val);
        pith_status st = pith_work(ctx->doc, 1);
        if (st == PITH_OK && pdf_is_name(pdf_dict_get(ctx, x, "Subtype"), "Form"))
            st = check_resources(ctx, pdf_dict_get(ctx, x, "Resources"), false);
        if (st != PITH_OK) return st;
    }
    return PITH_OK;
}

pith_status pdf_cjk_check_packs(pdf_ctx *ctx)
{
    bool all = true;
    for (size_t c = 0; c < NCOLLS; c++) all = all && pack_given(ctx, colls[c].pack);
    if (all) return PITH_OK;
    const pdf_obj *prev = NULL;
    for (uint32_t i = 0; i < ctx->npages; i++) {
        const pdf_obj *res = ctx->pages[i].resources;
        if (!res || res == prev) continue;  /* pages sharing their resources: looked at once */
        prev = res;
        pith_status st = check_resources(ctx, res, true);
        if (st != PITH_OK) return st;
    }
    return PITH_OK;
}
