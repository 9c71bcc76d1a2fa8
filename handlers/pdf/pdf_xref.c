/* pdf_xref.c: the cross-reference of a PDF (ISO 32000-1 §7.5.4 tables, §7.5.5 trailer,
 * §7.5.6 incremental updates, §7.5.8 xref streams and hybrid files) and its repair.
 *
 * Reading starts at the last "startxref" and follows /XRefStm then /Prev; sections are read
 * newest first, so the first entry met for an object wins, and a free entry never hides an
 * older one (hybrid files list their compressed objects as free in the table). A chain that
 * loops is cut at the first offset seen twice. Tables are read by tokens, not by fixed 20-byte
 * lines, so odd whitespace and wrong subsection counts do not matter; the classic off-by-one
 * ("xref 1 N" whose first entry is the free head) is shifted back as pdf.js does.
 * Repair (MuPDF's pdf-repair.c, pdf.js's indexObjects): when there is no usable xref, no
 * /Root, or an object is not where the xref says, the whole file is scanned for "N G obj"
 * (later ones win: incremental updates append), "trailer" dictionaries, /Type /XRef streams
 * (trailers of their own), object streams (whose objects are added) and catalogs.
 * Limits: object numbers past 2^23 (Annex C) or beyond what the file size allows are
 * ignored with a warning; every entry and scanned byte draws work.
 */
#include "pdf.h"

#include <string.h>

#define MAX_SECTIONS 512u
#define MAX_OBJNUM ((uint32_t)1 << 23)

/* MARK: - Entries */

/* Most entries this file can have: a few objects per byte is impossible (the shortest object
 * "1 0 obj 0 endobj" takes 16), so len/4 with room for small files. */
static uint32_t entry_cap(const pdf_ctx *ctx)
{
    uint64_t cap = (uint64_t)ctx->len / 4 + 4096;
    return cap > MAX_OBJNUM ? MAX_OBJNUM : (uint32_t)cap;
}

typedef struct xref_build {
    pdf_ctx *ctx;
    uint32_t cap;         /* allocated entries */
    bool warned_big;
} xref_build;

static pith_status ensure(xref_build *b, uint32_t num)
{
    pdf_ctx *ctx = b->ctx;
    if (num < ctx->nxref) return PITH_OK;
    if (num >= entry_cap(ctx)) return PITH_E_LIMIT;
    if (num >= b->cap) {
        uint64_t cap = b->cap ? (uint64_t)b->cap * 2 : 256;
        while (cap <= num) cap *= 2;
        if (cap > entry_cap(ctx)) cap = entry_cap(ctx);
        size_t bytes = (size_t)cap * sizeof(pdf_xref_entry);
        pdf_xref_entry *v = pith_doc_calloc(ctx->doc, bytes);
        if (!v) return pith_alloc_failed(ctx->doc, bytes);
        if (ctx->nxref) memcpy(v, ctx->xref, ctx->nxref * sizeof *v);
        ctx->xref = v;
        b->cap = (uint32_t)cap;
    }
    ctx->nxref = num + 1;
    return PITH_OK;
}

/* Record an entry unless a newer section gave one (first wins; free entries are not kept). */
static pith_status set_entry(xref_build *b, uint64_t num, uint8_t type, uint64_t off,
                             uint32_t gen, bool override)
{
    if (type == 0) return PITH_OK;
    if (num >= entry_cap(b->ctx)) {
        if (!b->warned_big) {
            b->warned_big = true;
            pith_warn(b->ctx->doc, PITH_E_FORMAT, 0,
                      "xref: object number %llu too large for a file of %zu bytes, ignored",
                      (unsigned long long)num, b->ctx->len);
        }
        return PITH_OK;
    }
    pith_status st = ensure(b, (uint32_t)num);
    if (st != PITH_OK) return st;
    pdf_xref_entry *e = &b->ctx->xref[num];
    if (e->type != 0 && !override) return PITH_OK;
    if (override && e->type == type && e->off == off) return PITH_OK;
    if (e->state == 1 /* resolving: its reader goes on with what it has */) {
        e->type = type;
        e->off = off;
        e->gen = gen;
        return PITH_OK;
    }
    e->type = type;
    e->off = off;
    e->gen = gen;
    if (e->state != 2) { /* keep objects already resolved; retry damaged ones */
        e->state = 0;
        e->obj = NULL;
    }
    return PITH_OK;
}

/* MARK: - Trailers */

/* Merge dictionary src under dst: keys dst lacks are added (dst is newer). */
static pith_status merge_trailer(pdf_ctx *ctx, const pdf_obj *src)
{
    src = pdf_dict_of(src);
    if (!src) return PITH_OK;
    if (!ctx->trailer) {
        pdf_obj *t = pith_doc_alloc(ctx->doc, sizeof *t);
        if (!t) return pith_alloc_failed(ctx->doc, sizeof *t);
        *t = *src;
        ctx->trailer = t;
        return PITH_OK;
    }
    pdf_obj *d = ctx->trailer;
    uint32_t add = 0;
    for (uint32_t i = 0; i < src->n; i++) {
        const pdf_pair *p = &src->u.pairs[i];
        char key[64];
        if (p->klen >= sizeof key) continue;
        memcpy(key, p->key, p->klen);
        key[p->klen] = 0;
        if (pdf_dict_get_raw(d, key)->kind == PDF_NULL) add++;
    }
    if (!add) return PITH_OK;
    size_t n = (size_t)d->n + add;
    pdf_pair *pairs = pith_doc_alloc(ctx->doc, n * sizeof *pairs);
    if (!pairs) return pith_alloc_failed(ctx->doc, n * sizeof *pairs);
    /* Older keys first, newer after: lookups take the last of duplicates. */
    uint32_t k = 0;
    for (uint32_t i = 0; i < src->n; i++) {
        const pdf_pair *p = &src->u.pairs[i];
        char key[64];
        if (p->klen >= sizeof key) continue;
        memcpy(key, p->key, p->klen);
        key[p->klen] = 0;
        if (pdf_dict_get_raw(d, key)->kind == PDF_NULL) pairs[k++] = *p;
    }
    if (d->n) memcpy(pairs + k, d->u.pairs, d->n * sizeof *pairs);
    d->u.pairs = pairs;
    d->n = k + d->n;
    return PITH_OK;
}

/* MARK: - Tables */

static bool at_entry_kind(pdf_lex *lx, uint8_t *kind)
{
    pdf_lex_skip_ws(lx);
    if (lx->p >= lx->end) return false;
    uint8_t c = *lx->p;
    if (c != 'n' && c != 'f') return false;
    if (lx->end - lx->p > 1 && !pdf_is_ws(lx->p[1]) && !pdf_is_delim(lx->p[1])) return false;
    lx->p++;
    *kind = c;
    return true;
}

/* A table after its "xref" keyword, then its trailer dictionary into *trailer. */
static pith_status read_table(xref_build *b, pdf_lex *lx, pdf_obj *trailer)
{
    pdf_ctx *ctx = b->ctx;
    uint64_t start = 0, idx = 0, count = 0;
    bool in_sub = false, first_sub = true;
    pith_status st;
    memset(trailer, 0, sizeof *trailer);
    for (;;) {
        if ((st = pith_work(ctx->doc, 1)) != PITH_OK) return st;
        if (pdf_lex_keyword(lx, "trailer")) break;
        uint64_t a, c;
        const uint8_t *save = lx->p;
        if (!pdf_lex_uint(lx, &a) || !pdf_lex_uint(lx, &c)) {
            lx->p = save;
            /* Not an entry and no "trailer": a table without its keyword (pdf.js's
             * xref_command_missing) or garbage. A dictionary here is taken as the trailer. */
            pdf_lex_skip_ws(lx);
            if (lx->end - lx->p >= 2 && lx->p[0] == '<' && lx->p[1] == '<') break;
            return PITH_E_FORMAT;
        }
        uint8_t kind;
        if (!at_entry_kind(lx, &kind)) {
            start = a;
            count = c;
            idx = 0;
            in_sub = true;
            continue;
        }
        if (!in_sub) return PITH_E_FORMAT;
        if (first_sub && idx == 0 && start == 1 && kind == 'f' && c == 65535) {
            start = 0; /* "xref 1 N" whose first entry is object 0 */
        }
        if (idx == 0) first_sub = false;
        uint64_t num = start + idx;
        idx++;
        (void)count;
        if (kind == 'n' && a > 0) {
            if ((st = set_entry(b, num, 1, a, (uint32_t)(c > 65535 ? 65535 : c), false)) !=
                PITH_OK && st != PITH_E_LIMIT)
                return st;
        } else if (kind == 'n' && num != 0) {
            /* offset 0 "n": an object said to be at the file start, i.e. nowhere */
        }
    }
    pdf_lex_skip_ws(lx);
    st = pdf_parse(lx, trailer, false);
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
    if (trailer->kind != PDF_DICT) return PITH_E_FORMAT;
    return PITH_OK;
}

/* MARK: - Streams */

static uint64_t be_field(const uint8_t *s, uint32_t w)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < w; i++) v = v << 8 | s[i];
    return v;
}

/* An xref stream (object at off), its entries and its dictionary as the trailer. */
static pith_status read_xref_stream(xref_build *b, uint64_t off, pdf_obj *trailer)
{
    pdf_ctx *ctx = b->ctx;
    pdf_lex lx;
    pdf_lex_init(&lx, ctx->doc, pith_doc_arena(ctx->doc), ctx->data, ctx->len, (size_t)off);
    uint64_t num;
    if (!pdf_lex_uint(&lx, &num)) return PITH_E_FORMAT;
    pdf_obj *o;
    pith_status st = pdf_obj_read_at(ctx, off, (uint32_t)(num > UINT32_MAX ? 0 : num), 0, &o);
    if (st != PITH_OK) return st == PITH_E_LIMIT || st == PITH_E_NOMEM ? st : PITH_E_FORMAT;
    if (o->kind != PDF_STREAM) return PITH_E_FORMAT;
    const pdf_obj *d = o->u.stream.dict;
    *trailer = *d;
    const pdf_obj *w = pdf_dict_get(ctx, d, "W");
    if (pdf_array_len(w) < 3) return PITH_E_FORMAT;
    uint32_t ws[3];
    for (uint32_t i = 0; i < 3; i++) {
        int64_t v = pdf_int(pdf_array_get(ctx, w, i), -1);
        if (v < 0 || v > 8) return PITH_E_FORMAT;
        ws[i] = (uint32_t)v;
    }
    uint32_t row = ws[0] + ws[1] + ws[2];
    if (row == 0) return PITH_E_FORMAT;
    const uint8_t *data;
    size_t len;
    st = pdf_stream_decode(ctx, o, pith_doc_arena(ctx->doc), &data, &len);
    if (st != PITH_OK) return st == PITH_E_LIMIT || st == PITH_E_NOMEM ? st : PITH_E_FORMAT;
    int64_t size = pdf_int(pdf_dict_get(ctx, d, "Size"), 0);
    const pdf_obj *index = pdf_dict_get(ctx, d, "Index");
    uint32_t nidx = pdf_array_len(index) / 2;
    size_t pos = 0;
    for (uint32_t s = 0; s < (nidx ? nidx : 1); s++) {
        int64_t first = nidx ? pdf_int(pdf_array_get(ctx, index, 2 * s), 0) : 0;
        int64_t cnt = nidx ? pdf_int(pdf_array_get(ctx, index, 2 * s + 1), 0) : size;
        if (first < 0 || cnt < 0) continue;
        for (int64_t k = 0; k < cnt && len - pos >= row; k++, pos += row) {
            if ((st = pith_work(ctx->doc, 1)) != PITH_OK) return st;
            const uint8_t *r = data + pos;
            uint64_t type = ws[0] ? be_field(r, ws[0]) : 1;
            uint64_t f2 = be_field(r + ws[0], ws[1]);
            uint64_t f3 = be_field(r + ws[0] + ws[1], ws[2]);
            if (type != 1 && type != 2) continue; /* 0 free; others read as null (§7.5.8.3) */
            if (type == 2 && f2 >= MAX_OBJNUM) continue;
            st = set_entry(b, (uint64_t)first + (uint64_t)k, (uint8_t)type, f2,
                           (uint32_t)(f3 > UINT32_MAX ? UINT32_MAX : f3), false);
            if (st != PITH_OK && st != PITH_E_LIMIT) return st;
        }
    }
    return PITH_OK;
}

/* MARK: - Sections */

/* One section at off: a table or a stream; *trailer gets its dictionary. */
static pith_status read_section(xref_build *b, uint64_t off, pdf_obj *trailer)
{
    pdf_ctx *ctx = b->ctx;
    if (off >= ctx->len) return PITH_E_FORMAT;
    pdf_lex lx;
    pdf_lex_init(&lx, ctx->doc, pith_doc_arena(ctx->doc), ctx->data, ctx->len, (size_t)off);
    if (pdf_lex_keyword(&lx, "xref")) return read_table(b, &lx, trailer);
    pdf_lex_skip_ws(&lx);
    const uint8_t *save = lx.p;
    uint64_t a, c;
    if (pdf_lex_uint(&lx, &a) && pdf_lex_uint(&lx, &c)) {
        if (pdf_lex_keyword(&lx, "obj"))
            return read_xref_stream(b, (uint64_t)(save - ctx->data), trailer);
        /* Entries without the "xref" keyword (pdf.js: xref_command_missing). */
        lx.p = save;
        return read_table(b, &lx, trailer);
    }
    return PITH_E_FORMAT;
}

/* The offset after the last "startxref", or -1. */
static int64_t find_startxref(const pdf_ctx *ctx)
{
    size_t n = ctx->len;
    /* Search the tail (trailing junk after %%EOF is common), then further back. */
    size_t lim = n > ((size_t)1 << 20) ? n - ((size_t)1 << 20) : 0;
    for (size_t i = n >= 9 ? n - 9 : 0; i + 1 > lim; i--) {
        if (ctx->data[i] == 's' && n - i >= 9 && memcmp(ctx->data + i, "startxref", 9) == 0) {
            pdf_lex lx;
            pdf_lex_init(&lx, ctx->doc, pith_doc_arena(ctx->doc), ctx->data, n, i + 9);
            uint64_t v;
            if (pdf_lex_uint(&lx, &v) && v < n) return (int64_t)v;
            return -1;
        }
        if (i == 0) break;
    }
    return -1;
}

static bool root_ok(pdf_ctx *ctx)
{
    return pdf_is_dict(pdf_dict_get(ctx, ctx->trailer, "Root"));
}

pith_status pdf_xref_load(pdf_ctx *ctx)
{
    xref_build b = {ctx, 0, false};
    pith_status st;
    /* Resolution during loading (a /Length by reference) must not start a repair: say it is
     * done until loading is over. */
    ctx->repaired = true;
    int64_t start = find_startxref(ctx);
    uint64_t seen[MAX_SECTIONS];
    uint32_t nseen = 0;
    bool damaged = start < 0;
    uint64_t off = start < 0 ? 0 : (uint64_t)start;
    /* Pending offsets: /XRefStm of a table is read before its /Prev. */
    uint64_t pend[2 * MAX_SECTIONS];
    uint32_t npend = 0;
    if (start >= 0) pend[npend++] = off;
    while (npend && !damaged) {
        off = pend[--npend];
        bool loop = false;
        for (uint32_t i = 0; i < nseen; i++) loop |= seen[i] == off;
        if (loop) {
            pith_warn(ctx->doc, PITH_E_FORMAT, off, "xref: /Prev chain loops back to %llu",
                      (unsigned long long)off);
            continue;
        }
        if (nseen == MAX_SECTIONS) {
            pith_warn(ctx->doc, PITH_E_FORMAT, off, "xref: more than %u sections",
                      MAX_SECTIONS);
            break;
        }
        seen[nseen++] = off;
        pdf_obj tr;
        st = read_section(&b, off, &tr);
        if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
        if (st != PITH_OK) {
            pith_warn(ctx->doc, PITH_E_FORMAT, off, "xref: no cross-reference section at %llu",
                      (unsigned long long)off);
            damaged = true;
            break;
        }
        if ((st = merge_trailer(ctx, &tr)) != PITH_OK) return st;
        int64_t prev = pdf_int(pdf_dict_get_raw(&tr, "Prev"), -1);
        int64_t xs = pdf_int(pdf_dict_get_raw(&tr, "XRefStm"), -1);
        if (prev >= 0 && (uint64_t)prev < ctx->len) pend[npend++] = (uint64_t)prev;
        if (xs >= 0 && (uint64_t)xs < ctx->len) pend[npend++] = (uint64_t)xs;
    }
    ctx->repaired = false;
    if (damaged || !ctx->trailer || !root_ok(ctx)) {
        if (!damaged)
            pith_warn(ctx->doc, PITH_E_FORMAT, 0, "xref: %s, repairing",
                      ctx->trailer ? "no usable /Root" : "no trailer");
        else if (start < 0)
            pith_warn(ctx->doc, PITH_E_FORMAT, 0, "xref: no startxref, repairing");
        return pdf_xref_repair(ctx);
    }
    return PITH_OK;
}

/* MARK: - Repair */

/* Does "obj" at i end an "N G obj" header? *num and *hstart get the number and where it
 * starts. */
static bool obj_header_before(const uint8_t *d, size_t i, uint64_t *num, uint64_t *gen,
                              size_t *hstart)
{
    size_t j = i;
    while (j > 0 && pdf_is_ws(d[j - 1])) j--;
    size_t ge = j;
    while (j > 0 && d[j - 1] >= '0' && d[j - 1] <= '9' && ge - j < 6) j--;
    if (j == ge || ge == i) return false;
    uint64_t g = 0;
    for (size_t k = j; k < ge; k++) g = g * 10 + (uint64_t)(d[k] - '0');
    size_t k2 = j;
    while (k2 > 0 && pdf_is_ws(d[k2 - 1])) k2--;
    if (k2 == j) return false;
    size_t ne = k2;
    while (k2 > 0 && d[k2 - 1] >= '0' && d[k2 - 1] <= '9' && ne - k2 < 10) k2--;
    if (k2 == ne) return false;
    if (k2 > 0 && !pdf_is_ws(d[k2 - 1]) && !pdf_is_delim(d[k2 - 1])) return false;
    uint64_t n = 0;
    for (size_t k = k2; k < ne; k++) n = n * 10 + (uint64_t)(d[k] - '0');
    *num = n;
    *gen = g;
    *hstart = k2;
    return true;
}

pith_status pdf_xref_repair(pdf_ctx *ctx)
{
    if (ctx->repaired) return PITH_OK;
    ctx->repaired = true;
    xref_build b = {ctx, ctx->nxref, false};
    const uint8_t *d = ctx->data;
    size_t n = ctx->len;
    pith_arena *keep = pith_doc_arena(ctx->doc); /* lists that outlive each object's parse */
    pith_status st = pith_work(ctx->doc, n / 8 + 1);
    if (st != PITH_OK) return st;
    uint32_t found = 0, catalog = 0, nstm = 0;
    pdf_obj *trailers = NULL; /* chained through a small list: newest last */
    uint32_t ntrailers = 0, captr = 0;
    uint32_t *objstms = NULL, capstm = 0;
    for (size_t i = 0; i + 3 <= n;) {
        const uint8_t *q = memchr(d + i, 'o', n - i - 2);
        if (!q) break;
        i = (size_t)(q - d);
        if (memcmp(q, "obj", 3) != 0 || (i + 3 < n && !pdf_is_ws(d[i + 3]) &&
                                         !pdf_is_delim(d[i + 3]))) {
            i++;
            continue;
        }
        uint64_t num, gen;
        size_t hs;
        if (!obj_header_before(d, i, &num, &gen, &hs)) {
            i += 3;
            continue;
        }
        if ((st = pith_work(ctx->doc, 16)) != PITH_OK) return st;
        if (num == 0 || num >= entry_cap(ctx)) {
            i += 3;
            continue;
        }
        found++;
        if ((st = set_entry(&b, num, 1, hs, (uint32_t)(gen > 65535 ? 65535 : gen), true)) !=
                PITH_OK &&
            st != PITH_E_LIMIT)
            return st;
        /* Look at the object: its /Type, and skip a stream's data (binary data may hold
         * "obj" by chance). Parsed in scratch memory, released at once. */
        pith_arena_mark m = pith_arena_mark_get(pith_scratch_arena(ctx->doc));
        pdf_lex lx;
        pdf_lex_init(&lx, ctx->doc, pith_scratch_arena(ctx->doc), d, n, i + 3);
        pdf_obj o;
        st = pdf_parse(&lx, &o, false);
        if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
        size_t next = (size_t)(lx.p - d);
        if (o.kind == PDF_DICT) {
            const pdf_obj *t = pdf_dict_get_raw(&o, "Type");
            bool is_xref = pdf_is_name(t, "XRef");
            if (pdf_is_name(t, "Catalog")) catalog = (uint32_t)num;
            if (pdf_is_name(t, "ObjStm")) {
                if (nstm == capstm) {
                    uint32_t cap = capstm ? capstm * 2 : 16;
                    uint32_t *v = pith_arena_alloc(keep, cap * sizeof *v);
                    if (!v) return pith_alloc_failed(ctx->doc, cap * sizeof *v);
                    if (nstm) memcpy(v, objstms, nstm * sizeof *v);
                    objstms = v;
                    capstm = cap;
                }
                objstms[nstm++] = (uint32_t)num;
            }
            if (is_xref) {
                /* Its dictionary is a trailer: copy it out of scratch. */
                pith_arena_release(pith_scratch_arena(ctx->doc), m);
                pdf_lex_init(&lx, ctx->doc, pith_doc_arena(ctx->doc), d, n, i + 3);
                st = pdf_parse(&lx, &o, false);
                if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
                if (ntrailers == captr) {
                    uint32_t cap = captr ? captr * 2 : 8;
                    pdf_obj *v = pith_arena_alloc(keep, cap * sizeof *v);
                    if (!v) return pith_alloc_failed(ctx->doc, cap * sizeof *v);
                    if (ntrailers) memcpy(v, trailers, ntrailers * sizeof *v);
                    trailers = v;
                    captr = cap;
                }
                trailers[ntrailers++] = o;
            }
            if (pdf_lex_keyword(&lx, "stream")) {
                const pdf_obj *l = pdf_dict_get_raw(&o, "Length");
                size_t ds = (size_t)(lx.p - d);
                int64_t ln = l->kind == PDF_INT ? l->u.i : -1;
                size_t skip_to = ds;
                if (ln >= 0 && (uint64_t)ln <= n - ds) {
                    size_t e = ds + (size_t)ln;
                    while (e < n && pdf_is_ws(d[e]) && e - ds - (size_t)ln < 4) e++;
                    if (n - e >= 9 && memcmp(d + e, "endstream", 9) == 0) skip_to = e + 9;
                }
                if (skip_to == ds) {
                    /* Search "endstream" (work drawn per byte searched). */
                    size_t e = ds;
                    for (;;) {
                        const uint8_t *z = memchr(d + e, 'e', n - e);
                        if (!z) {
                            e = n;
                            break;
                        }
                        e = (size_t)(z - d);
                        if (n - e >= 9 && memcmp(z, "endstream", 9) == 0) break;
                        e++;
                    }
                    if ((st = pith_work(ctx->doc, (e - ds) / 8)) != PITH_OK) return st;
                    skip_to = e;
                }
                next = skip_to;
            }
        }
        if (o.kind != PDF_DICT || !pdf_is_name(pdf_dict_get_raw(&o, "Type"), "XRef"))
            pith_arena_release(pith_scratch_arena(ctx->doc), m);
        i = next > i + 3 ? next : i + 3;
    }
    /* "trailer" dictionaries, in file order. */
    for (size_t i = 0; i + 7 <= n;) {
        const uint8_t *q = memchr(d + i, 't', n - i - 6);
        if (!q) break;
        i = (size_t)(q - d);
        if (memcmp(q, "trailer", 7) != 0) {
            i++;
            continue;
        }
        pdf_lex lx;
        pdf_lex_init(&lx, ctx->doc, pith_doc_arena(ctx->doc), d, n, i + 7);
        pdf_obj o;
        st = pdf_parse(&lx, &o, false);
        if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
        if (o.kind == PDF_DICT) {
            if (ntrailers == captr) {
                uint32_t cap = captr ? captr * 2 : 8;
                pdf_obj *v = pith_arena_alloc(keep, cap * sizeof *v);
                if (!v) return pith_alloc_failed(ctx->doc, cap * sizeof *v);
                if (ntrailers) memcpy(v, trailers, ntrailers * sizeof *v);
                trailers = v;
                captr = cap;
            }
            trailers[ntrailers++] = o;
        }
        i += 7;
    }
    /* The trailer read from the xref (if any) stays newest; scanned ones are merged under it,
     * later ones first. */
    for (uint32_t k = ntrailers; k-- > 0;)
        if ((st = merge_trailer(ctx, &trailers[k])) != PITH_OK) return st;
    /* Objects inside object streams the scan found (those the xref did not place). */
    for (uint32_t k = 0; k < nstm; k++) {
        const uint32_t *nums;
        uint32_t cnt;
        st = pdf_objstm_nums(ctx, objstms[k], &nums, &cnt);
        if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
        if (st != PITH_OK) continue;
        for (uint32_t j = 0; j < cnt; j++) {
            if (nums[j] == 0 || nums[j] >= entry_cap(ctx)) continue;
            if (nums[j] < ctx->nxref && ctx->xref[nums[j]].type != 0) continue;
            st = set_entry(&b, nums[j], 2, objstms[k], j, false);
            if (st != PITH_OK && st != PITH_E_LIMIT) return st;
        }
    }
    if (!root_ok(ctx)) {
        /* No trailer names a usable catalog: the last /Type /Catalog object found. */
        if (!catalog) {
            for (uint32_t k = 1; k < ctx->nxref && !catalog; k++) {
                if (ctx->xref[k].type != 2) continue;
                const pdf_obj *o = pdf_get_obj(ctx, k);
                if (pdf_is_name(pdf_dict_get_raw(o, "Type"), "Catalog")) catalog = k;
                if ((st = pith_doc_status(ctx->doc)) != PITH_OK) return st;
            }
        }
        if (catalog) {
            pdf_obj root[2];
            memset(root, 0, sizeof root);
            root[1].kind = PDF_REF;
            root[1].u.ref.num = catalog;
            pdf_pair *p = pith_doc_alloc(ctx->doc, sizeof *p);
            pdf_obj *t = pith_doc_alloc(ctx->doc, sizeof *t);
            if (!p || !t) return pith_alloc_failed(ctx->doc, sizeof *p);
            p->key = (const uint8_t *)"Root";
            p->klen = 4;
            p->val = root[1];
            memset(t, 0, sizeof *t);
            t->kind = PDF_DICT;
            t->n = 1;
            t->u.pairs = p;
            /* The found catalog overrides a broken /Root: put it newest. */
            pdf_obj *old = ctx->trailer;
            ctx->trailer = NULL;
            if ((st = merge_trailer(ctx, t)) != PITH_OK) return st;
            if (old && (st = merge_trailer(ctx, old)) != PITH_OK) return st;
        }
    }
    pith_warn(ctx->doc, PITH_E_FORMAT, 0, "xref: rebuilt by scanning, %u objects found",
              (unsigned)found);
    if (!found && !ctx->nxref)
        return pith_fail(ctx->doc, PITH_E_FORMAT, 0, "xref: no objects in %zu bytes", n);
    return PITH_OK;
}
