/* pdf_obj.c: indirect objects (ISO 32000-1 §7.3.10, §7.5.7 object streams) resolved lazily
 * into a cache in the document arena, the accessors everything else reads them with, and
 * stream decoding (§7.3.8: decryption first, then the /Filter chain of src/pdf_filters.c).
 *
 * An object is read where the xref says; when it is not there ("N G obj" missing or another
 * number) the xref is rebuilt once by scanning (pdf_xref_repair) and the lookup tried again.
 * A stream's /Length is checked against "endstream" and searched for when wrong (MuPDF,
 * pdf.js). Cycles: an entry being resolved that is asked for again reads as null, with a
 * warning (the first few). Nested resolutions (a /Length that lives in an object stream whose
 * own /Length is a reference...) are capped at PDF_MAX_NEST. Cached objects count against
 * limits.max_objects.
 */
#include "pdf.h"

#include <string.h>

#include "pdf_filters.h"

enum { XS_UNSEEN = 0, XS_RESOLVING, XS_DONE, XS_BAD };

/* A decoded object stream: its data and the offsets of its objects. */
typedef struct pdf_objstm {
    const uint8_t *data;
    size_t len;
    uint32_t n;          /* objects in it */
    uint32_t *nums;      /* their numbers */
    uint64_t *offs;      /* their offsets in data (already /First-based) */
    bool bad;            /* could not be decoded: every object in it is null */
} pdf_objstm;

/* MARK: - Accessors */

static const pdf_obj *null_obj(void) { return &pdf_null; }

uint32_t pdf_array_len(const pdf_obj *o) { return o && o->kind == PDF_ARRAY ? o->n : 0; }

bool pdf_is_name(const pdf_obj *o, const char *name)
{
    if (!o || o->kind != PDF_NAME) return false;
    size_t n = strlen(name);
    return o->n == n && memcmp(o->u.s, name, n) == 0;
}

const pdf_obj *pdf_dict_of(const pdf_obj *o)
{
    if (!o) return NULL;
    if (o->kind == PDF_DICT) return o;
    if (o->kind == PDF_STREAM && o->u.stream.dict && o->u.stream.dict->kind == PDF_DICT)
        return o->u.stream.dict;
    return NULL;
}

bool pdf_is_dict(const pdf_obj *o) { return pdf_dict_of(o) != NULL; }

double pdf_num(const pdf_obj *o, double dflt)
{
    if (!o) return dflt;
    if (o->kind == PDF_INT) return (double)o->u.i;
    if (o->kind == PDF_REAL) return o->u.r;
    return dflt;
}

int64_t pdf_int(const pdf_obj *o, int64_t dflt)
{
    if (!o) return dflt;
    if (o->kind == PDF_INT) return o->u.i;
    if (o->kind == PDF_REAL) {
        double r = o->u.r;
        if (r != r) return dflt; /* NaN */
        if (r >= 9.2e18) return INT64_MAX;
        if (r <= -9.2e18) return INT64_MIN;
        return (int64_t)r;
    }
    return dflt;
}

const uint8_t *pdf_name(const pdf_obj *o, uint32_t *n)
{
    if (!o || o->kind != PDF_NAME) {
        if (n) *n = 0;
        return NULL;
    }
    if (n) *n = o->n;
    return o->u.s;
}

const pdf_obj *pdf_dict_get_raw(const pdf_obj *dict, const char *key)
{
    const pdf_obj *d = pdf_dict_of(dict);
    if (!d) return null_obj();
    size_t kl = strlen(key);
    /* The last of duplicate keys wins, as a writer appending to a dictionary meant. */
    for (uint32_t i = d->n; i-- > 0;) {
        const pdf_pair *p = &d->u.pairs[i];
        if (p->klen == kl && memcmp(p->key, key, kl) == 0) return &p->val;
    }
    return null_obj();
}

const pdf_obj *pdf_dict_get(pdf_ctx *ctx, const pdf_obj *dict, const char *key)
{
    return pdf_resolve(ctx, pdf_dict_get_raw(pdf_resolve(ctx, dict), key));
}

const pdf_obj *pdf_array_get(pdf_ctx *ctx, const pdf_obj *arr, uint32_t i)
{
    arr = pdf_resolve(ctx, arr);
    if (!arr || arr->kind != PDF_ARRAY || i >= arr->n) return null_obj();
    return pdf_resolve(ctx, &arr->u.items[i]);
}

const pdf_obj *pdf_resolve(pdf_ctx *ctx, const pdf_obj *o)
{
    if (!o) return null_obj();
    if (o->kind != PDF_REF) return o;
    if (!ctx) return null_obj();
    return pdf_get_obj(ctx, o->u.ref.num);
}

/* MARK: - Reading objects */

static size_t find_bytes(const uint8_t *s, size_t n, const char *pat)
{
    size_t m = strlen(pat);
    if (m == 0 || n < m) return SIZE_MAX;
    for (size_t i = 0; i + m <= n;) {
        const uint8_t *q = memchr(s + i, pat[0], n - m + 1 - i);
        if (!q) return SIZE_MAX;
        i = (size_t)(q - s);
        if (memcmp(q, pat, m) == 0) return i;
        i++;
    }
    return SIZE_MAX;
}

/* Is "endstream" at pos (after optional whitespace)? */
static bool endstream_at(const pdf_ctx *ctx, uint64_t pos)
{
    if (pos > ctx->len) return false;
    size_t i = (size_t)pos;
    for (int k = 0; k < 4 && i < ctx->len && pdf_is_ws(ctx->data[i]); k++) i++;
    return ctx->len - i >= 9 && memcmp(ctx->data + i, "endstream", 9) == 0;
}

/* Where a stream's data ends: /Length when "endstream" follows it, else the first
 * "endstream" (its preceding EOL dropped), else the next "endobj", else the end of file. */
static pith_status stream_extent(pdf_ctx *ctx, uint64_t off, const pdf_obj *len_obj,
                                 uint64_t *len_out)
{
    int64_t l = pdf_int(len_obj, -1);
    if (l >= 0 && (uint64_t)l <= ctx->len - off && endstream_at(ctx, off + (uint64_t)l)) {
        *len_out = (uint64_t)l;
        return PITH_OK;
    }
    const uint8_t *s = ctx->data + off;
    size_t n = ctx->len - (size_t)off;
    size_t at = find_bytes(s, n, "endstream");
    pith_status st = pith_work(ctx->doc, (at == SIZE_MAX ? n : at) / 8 + 1);
    if (st != PITH_OK) return st;
    ctx->nrepairs++;
    if (at == SIZE_MAX) {
        size_t eo = find_bytes(s, n, "endobj");
        if (l >= 0 && (uint64_t)l <= n && (eo == SIZE_MAX || (uint64_t)l <= eo)) at = (size_t)l;
        else at = eo == SIZE_MAX ? n : eo;
        pith_warn(ctx->doc, PITH_E_FORMAT, off,
                  "obj: stream at %llu has no endstream, %zu bytes taken",
                  (unsigned long long)off, at);
    } else {
        if (at > 0 && s[at - 1] == '\n') at--;
        if (at > 0 && s[at - 1] == '\r') at--;
        if (l >= 0)
            pith_warn(ctx->doc, PITH_E_FORMAT, off,
                      "obj: stream at %llu has /Length %lld, endstream found after %zu bytes",
                      (unsigned long long)off, (long long)l, at);
    }
    *len_out = at;
    return PITH_OK;
}

pith_status pdf_obj_read_at(pdf_ctx *ctx, uint64_t off, uint32_t num, uint32_t gen,
                            pdf_obj **out)
{
    *out = NULL;
    if (off >= ctx->len) return PITH_E_FORMAT;
    pdf_lex lx;
    pdf_lex_init(&lx, ctx->doc, pith_doc_arena(ctx->doc), ctx->data, ctx->len, (size_t)off);
    uint64_t n, g;
    if (!pdf_lex_uint(&lx, &n) || !pdf_lex_uint(&lx, &g) || !pdf_lex_keyword(&lx, "obj"))
        return PITH_E_FORMAT;
    if (n != num) return PITH_E_FORMAT;
    (void)gen; /* a wrong generation is common in repaired files: the number decides */
    pdf_obj *o = pith_doc_alloc(ctx->doc, sizeof *o);
    if (!o) return pith_alloc_failed(ctx->doc, sizeof *o);
    pith_status st = pdf_parse(&lx, o, false);
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
    if (st != PITH_OK && st != PITH_E_TRUNCATED) return PITH_E_FORMAT;
    if (o->kind == PDF_OP) {
        /* "N G obj endobj" (an empty object) reads as null; another keyword is damage. */
        if (!(o->n == 6 && memcmp(o->u.s, "endobj", 6) == 0)) return PITH_E_FORMAT;
        *o = pdf_null;
    }
    if ((st = pith_objects(ctx->doc, lx.made)) != PITH_OK) return st;
    if (o->kind == PDF_DICT && pdf_lex_keyword(&lx, "stream")) {
        /* The data starts after CRLF or LF (§7.3.8.1); a lone CR is tolerated. */
        const uint8_t *p = lx.p;
        if (p < lx.end && *p == '\r') p++;
        if (p < lx.end && *p == '\n') p++;
        uint64_t doff = (uint64_t)(p - ctx->data);
        pdf_obj *dict = pith_doc_alloc(ctx->doc, sizeof *dict);
        if (!dict) return pith_alloc_failed(ctx->doc, sizeof *dict);
        *dict = *o;
        /* A /Length pointing back at this object reads as null (a cycle: the caller marked
         * it resolving) and the data is then found by "endstream". */
        const pdf_obj *lo = pdf_resolve(ctx, pdf_dict_get_raw(dict, "Length"));
        uint64_t dlen = 0;
        if ((st = stream_extent(ctx, doff, lo, &dlen)) != PITH_OK) return st;
        memset(o, 0, sizeof *o);
        o->kind = PDF_STREAM;
        o->u.stream.dict = dict;
        o->u.stream.off = doff;
        o->u.stream.len = dlen;
        o->u.stream.num = num;
        o->u.stream.gen = (uint32_t)(g > UINT32_MAX ? UINT32_MAX : g);
    }
    if (ctx->crypt && num != ctx->encrypt_num) {
        const pdf_obj *d = pdf_dict_of(o);
        if (!(d && pdf_is_name(pdf_dict_get_raw(d, "Type"), "XRef")))
            st = pdf_obj_decrypt(ctx, o, num, (uint32_t)(g > UINT32_MAX ? UINT32_MAX : g));
        if (st != PITH_OK) return st;
    }
    *out = o;
    return PITH_OK;
}

pith_status pdf_obj_decrypt(pdf_ctx *ctx, pdf_obj *o, uint32_t num, uint32_t gen)
{
    if (!ctx->crypt || !o) return PITH_OK;
    /* Explicit stack: objects are at most PDF_MAX_NEST deep (the parser's cap), a stream adds
     * its dictionary. */
    struct { pdf_obj *o; uint32_t i; } stk[PDF_MAX_NEST + 2];
    uint32_t sp = 0;
    stk[sp].o = o->kind == PDF_STREAM ? o->u.stream.dict : o;
    stk[sp].i = 0;
    sp++;
    while (sp) {
        pdf_obj *c = stk[sp - 1].o;
        if (!c) {
            sp--;
            continue;
        }
        if (c->kind == PDF_STRING) {
            const uint8_t *out;
            size_t on;
            pith_status st = pdf_crypt_data(ctx, 's', num, gen, c->u.s, c->n,
                                            pith_doc_arena(ctx->doc), &out, &on);
            if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
            if (st == PITH_OK) {
                c->u.s = out;
                c->n = (uint32_t)on;
            }
            sp--;
            continue;
        }
        pdf_obj *child = NULL;
        uint32_t i = stk[sp - 1].i++;
        if (c->kind == PDF_ARRAY && i < c->n) child = &c->u.items[i];
        else if (c->kind == PDF_DICT && i < c->n) child = &c->u.pairs[i].val;
        if (!child) {
            sp--;
            continue;
        }
        if ((child->kind == PDF_STRING || child->kind == PDF_ARRAY || child->kind == PDF_DICT) &&
            sp < PDF_MAX_NEST + 2) {
            stk[sp].o = child;
            stk[sp].i = 0;
            sp++;
        }
    }
    return PITH_OK;
}

/* MARK: - Object streams */

static pith_status objstm_load(pdf_ctx *ctx, uint32_t snum, pdf_objstm **out)
{
    *out = NULL;
    if (!ctx->objstm || ctx->nobjstm < ctx->nxref) {
        size_t bytes;
        if (!pith_size_mul(ctx->nxref, sizeof(pdf_objstm *), &bytes))
            return pith_fail_alloc(ctx->doc, SIZE_MAX);
        pdf_objstm **v = pith_doc_calloc(ctx->doc, bytes);
        if (!v) return pith_alloc_failed(ctx->doc, bytes);
        if (ctx->objstm) memcpy(v, ctx->objstm, ctx->nobjstm * sizeof *v);
        ctx->objstm = v;
        ctx->nobjstm = ctx->nxref;
    }
    if (snum >= ctx->nobjstm) return PITH_E_FORMAT;
    if (ctx->objstm[snum]) {
        *out = ctx->objstm[snum];
        return PITH_OK;
    }
    pdf_objstm *os = pith_doc_calloc(ctx->doc, sizeof *os);
    if (!os) return pith_alloc_failed(ctx->doc, sizeof *os);
    ctx->objstm[snum] = os;
    os->bad = true;
    *out = os;
    const pdf_obj *s = pdf_get_obj(ctx, snum);
    if (s->kind != PDF_STREAM) {
        pith_warn(ctx->doc, PITH_E_FORMAT, 0, "obj: object stream %u is not a stream",
                  (unsigned)snum);
        return PITH_OK;
    }
    int64_t n = pdf_int(pdf_dict_get(ctx, s, "N"), -1);
    int64_t first = pdf_int(pdf_dict_get(ctx, s, "First"), -1);
    const uint8_t *data;
    size_t len;
    pith_status st = pdf_stream_decode(ctx, s, pith_doc_arena(ctx->doc), &data, &len);
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
    if (st != PITH_OK) {
        pith_warn(ctx->doc, PITH_E_FORMAT, s->u.stream.off,
                  "obj: object stream %u cannot be decoded", (unsigned)snum);
        return PITH_OK;
    }
    if (n < 0 || first < 0 || (uint64_t)first > len || (uint64_t)n > len / 2) {
        pith_warn(ctx->doc, PITH_E_FORMAT, s->u.stream.off,
                  "obj: object stream %u has /N %lld /First %lld for %zu bytes", (unsigned)snum,
                  (long long)n, (long long)first, len);
        if (n < 0 || (uint64_t)n > len / 2) return PITH_OK;
        if (first < 0 || (uint64_t)first > len) first = 0; /* offsets then found by scanning */
    }
    os->data = data;
    os->len = len;
    os->nums = pith_doc_alloc(ctx->doc, (size_t)n * sizeof(uint32_t) + 1);
    os->offs = pith_doc_alloc(ctx->doc, (size_t)n * sizeof(uint64_t) + 1);
    if (!os->nums || !os->offs) return pith_alloc_failed(ctx->doc, (size_t)n * 12);
    pdf_lex lx;
    pdf_lex_init(&lx, ctx->doc, pith_doc_arena(ctx->doc), data, len, 0);
    uint32_t k = 0;
    for (; k < (uint64_t)n; k++) {
        uint64_t on, oo;
        if ((st = pith_work(ctx->doc, 1)) != PITH_OK) return st;
        if (!pdf_lex_uint(&lx, &on) || !pdf_lex_uint(&lx, &oo)) break;
        os->nums[k] = (uint32_t)(on > UINT32_MAX ? UINT32_MAX : on);
        os->offs[k] = oo > len - (size_t)first ? len : (size_t)first + oo;
    }
    if (k < (uint64_t)n)
        pith_warn(ctx->doc, PITH_E_FORMAT, s->u.stream.off,
                  "obj: object stream %u lists %u of its %lld objects", (unsigned)snum,
                  (unsigned)k, (long long)n);
    os->n = k;
    os->bad = false;
    return PITH_OK;
}

pith_status pdf_objstm_nums(pdf_ctx *ctx, uint32_t snum, const uint32_t **nums, uint32_t *n)
{
    *nums = NULL;
    *n = 0;
    pdf_objstm *os;
    pith_status st = objstm_load(ctx, snum, &os);
    if (st != PITH_OK) return st;
    if (!os || os->bad) return PITH_E_FORMAT;
    *nums = os->nums;
    *n = os->n;
    return PITH_OK;
}

static pith_status read_in_objstm(pdf_ctx *ctx, uint32_t num, uint32_t snum, uint32_t idx,
                                  pdf_obj **out)
{
    *out = NULL;
    if (snum == num) return PITH_E_FORMAT;
    pdf_objstm *os;
    pith_status st = objstm_load(ctx, snum, &os);
    if (st != PITH_OK) return st;
    if (!os || os->bad) return PITH_E_FORMAT;
    uint32_t k = idx;
    if (k >= os->n || os->nums[k] != num) {
        for (k = 0; k < os->n && os->nums[k] != num; k++) {
        }
        if (k >= os->n) return PITH_E_FORMAT;
    }
    pdf_lex lx;
    pdf_lex_init(&lx, ctx->doc, pith_doc_arena(ctx->doc), os->data, os->len,
                 (size_t)os->offs[k]);
    pdf_obj *o = pith_doc_alloc(ctx->doc, sizeof *o);
    if (!o) return pith_alloc_failed(ctx->doc, sizeof *o);
    st = pdf_parse(&lx, o, false);
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
    if (st != PITH_OK && st != PITH_E_TRUNCATED) return PITH_E_FORMAT;
    if (o->kind == PDF_OP) *o = pdf_null;
    if ((st = pith_objects(ctx->doc, lx.made)) != PITH_OK) return st;
    *out = o;
    return PITH_OK;
}

/* MARK: - Resolution */

static pith_status read_entry(pdf_ctx *ctx, uint32_t num, pdf_obj **o)
{
    pdf_xref_entry *e = &ctx->xref[num];
    if (e->type == 1) return pdf_obj_read_at(ctx, e->off, num, e->gen, o);
    if (e->type == 2)
        return read_in_objstm(ctx, num, (uint32_t)(e->off > UINT32_MAX ? UINT32_MAX : e->off),
                              e->gen, o);
    *o = NULL;
    return PITH_OK;
}

const pdf_obj *pdf_get_obj(pdf_ctx *ctx, uint32_t num)
{
    if (!ctx || num >= ctx->nxref || pith_doc_status(ctx->doc) != PITH_OK) return null_obj();
    pdf_xref_entry *e = &ctx->xref[num];
    if (e->state == XS_DONE) return e->obj ? e->obj : null_obj();
    if (e->state == XS_BAD) return null_obj();
    if (e->state == XS_RESOLVING) {
        if (ctx->warned_cycles < 8) {
            ctx->warned_cycles++;
            pith_warn(ctx->doc, PITH_E_FORMAT, e->type == 1 ? e->off : 0,
                      "obj: reference cycle through object %u", (unsigned)num);
        }
        return null_obj();
    }
    if (e->type == 0) return null_obj();
    if (ctx->resolve_depth >= PDF_MAX_NEST) return null_obj();
    ctx->resolve_depth++;
    e->state = XS_RESOLVING;
    pdf_obj *o = NULL;
    pith_status st = read_entry(ctx, num, &o);
    if (st == PITH_E_FORMAT && !ctx->repaired && pith_doc_status(ctx->doc) == PITH_OK) {
        /* Not where the xref says: rebuild it by scanning and look again. */
        ctx->nrepairs++;
        pith_warn(ctx->doc, PITH_E_FORMAT, e->type == 1 ? e->off : 0,
                  "xref: object %u not at its offset, repairing", (unsigned)num);
        st = pdf_xref_repair(ctx);
        if (st == PITH_OK && num < ctx->nxref) {
            e = &ctx->xref[num];
            e->state = XS_RESOLVING;
            st = read_entry(ctx, num, &o);
        }
    }
    ctx->resolve_depth--;
    if (num >= ctx->nxref) return null_obj();
    e = &ctx->xref[num];
    if (st != PITH_OK || !o) {
        e->state = st == PITH_OK ? XS_DONE : XS_BAD;
        e->obj = NULL;
        return null_obj();
    }
    e->state = XS_DONE;
    e->obj = o;
    return o;
}

/* MARK: - Streams */

static void read_parms(pdf_ctx *ctx, const pdf_obj *p, pith_pdf_filter_parms *out)
{
    *out = pith_pdf_filter_parms_default();
    if (!pdf_is_dict(p)) return;
    out->predictor = (int32_t)pdf_int(pdf_dict_get(ctx, p, "Predictor"), 1);
    out->colors = (int32_t)pdf_int(pdf_dict_get(ctx, p, "Colors"), 1);
    out->bpc = (int32_t)pdf_int(pdf_dict_get(ctx, p, "BitsPerComponent"), 8);
    out->columns = (int32_t)pdf_int(pdf_dict_get(ctx, p, "Columns"), 1);
    out->early_change = (int32_t)pdf_int(pdf_dict_get(ctx, p, "EarlyChange"), 1);
}

#define MAX_FILTERS 16

pith_status pdf_stream_decode(pdf_ctx *ctx, const pdf_obj *stream, pith_arena *a,
                              const uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!a) a = pith_scratch_arena(ctx->doc);
    stream = pdf_resolve(ctx, stream);
    if (!stream || stream->kind != PDF_STREAM) return PITH_E_FORMAT;
    uint64_t off = stream->u.stream.off, len = stream->u.stream.len;
    if (off > ctx->len || len > ctx->len - off) return PITH_E_FORMAT;
    const uint8_t *in = ctx->data + off;
    size_t n = (size_t)len;
    const pdf_obj *d = stream->u.stream.dict;

    pith_pdf_filter_step steps[MAX_FILTERS];
    size_t nsteps = 0;
    bool identity = false;
    const pdf_obj *f = pdf_dict_get(ctx, d, "Filter");
    const pdf_obj *parms = pdf_dict_get(ctx, d, "DecodeParms");
    uint32_t nf = f->kind == PDF_ARRAY ? f->n : f->kind == PDF_NAME ? 1 : 0;
    if (nf > MAX_FILTERS) {
        pith_warn(ctx->doc, PITH_E_FORMAT, off, "obj: stream at %llu has %u filters",
                  (unsigned long long)off, (unsigned)nf);
        return PITH_E_UNSUPPORTED;
    }
    for (uint32_t i = 0; i < nf; i++) {
        const pdf_obj *fi = f->kind == PDF_ARRAY ? pdf_array_get(ctx, f, i) : f;
        const pdf_obj *pi = parms->kind == PDF_ARRAY ? pdf_array_get(ctx, parms, i) : parms;
        uint32_t ln;
        const uint8_t *nm = pdf_name(fi, &ln);
        if (!nm) continue;
        steps[nsteps].filter = pith_pdf_filter_from_name((const char *)nm, ln);
        read_parms(ctx, pi, &steps[nsteps].parms);
        if (steps[nsteps].filter == PITH_PDF_FILTER_CRYPT) {
            /* §7.6.5: /Crypt with /Name /Identity (or no name) leaves the stream as is. */
            const pdf_obj *cn = pdf_dict_get(ctx, pi, "Name");
            if (cn->kind == PDF_NULL || pdf_is_name(cn, "Identity")) identity = true;
        }
        nsteps++;
    }
    if (ctx->crypt && !identity && !pdf_crypt_skips(ctx, d)) {
        const uint8_t *dec;
        size_t dn;
        pith_status st = pdf_crypt_data(ctx, 'S', stream->u.stream.num, stream->u.stream.gen,
                                        in, n, a, &dec, &dn);
        if (st != PITH_OK) return st;
        in = dec;
        n = dn;
    }
    int64_t dl = pdf_int(pdf_dict_get(ctx, d, "DL"), 0);
    size_t hint = dl > 0 && (uint64_t)dl < ((uint64_t)1 << 40) ? (size_t)dl : 0;
    if (nsteps == 0) {
        *out = in;
        *out_len = n;
        return pith_work(ctx->doc, n / 64 + 1);
    }
    pith_status st = pith_pdf_filter_decode_doc(ctx->doc, a, steps, nsteps, in, n, hint, off,
                                                out, out_len);
    if (st == PITH_E_FORMAT || st == PITH_E_TRUNCATED) {
        if (!*out) {
            *out = (const uint8_t *)"";
            *out_len = 0;
        }
        return PITH_OK; /* warned; the partial output is what there is */
    }
    return st;
}
