/* pdf_filters.c: PDF stream filters and predictors (ISO 32000-1 §7.4.1-7.4.5, Tables 6-9).
 *
 * Each decoding filter is a function into a bounded buffer; the chain runs them one after the
 * other, each into an arena buffer that starts at an estimate and doubles (decoding again from
 * the start after rolling the arena back) up to max_out, as pith_inflate_alloc does. Predictors
 * (PNG 10-15, TIFF 2, per /DecodeParms) are undone in place after FlateDecode/LZWDecode: a PNG
 * row without its type byte is shorter than with it, so writing row r never reaches input
 * bytes not yet read. Follows pdf.js and MuPDF in what it forgives: a missing EOD marker, an
 * unknown PNG row type (taken as None), a last row cut short (decoded as far as it goes).
 * Leaves out: image filters (recognised, never decoded), JBIG2 globals, Crypt (the security
 * handler decrypts first). Bounds: every loop consumes input or output.
 */
#include "pdf_filters.h"

#include <string.h>

#include "inflate.h"
#include "lzw.h"

/* MARK: - Names */

static const struct {
    const char *full, *abbrev;
} filter_names[] = {
    [PITH_PDF_FILTER_UNKNOWN] = {"", ""},
    [PITH_PDF_FILTER_FLATE] = {"FlateDecode", "Fl"},
    [PITH_PDF_FILTER_LZW] = {"LZWDecode", "LZW"},
    [PITH_PDF_FILTER_ASCII85] = {"ASCII85Decode", "A85"},
    [PITH_PDF_FILTER_ASCIIHEX] = {"ASCIIHexDecode", "AHx"},
    [PITH_PDF_FILTER_RUNLENGTH] = {"RunLengthDecode", "RL"},
    [PITH_PDF_FILTER_CRYPT] = {"Crypt", "Crypt"},
    [PITH_PDF_FILTER_DCT] = {"DCTDecode", "DCT"},
    [PITH_PDF_FILTER_JPX] = {"JPXDecode", "JPXDecode"},
    [PITH_PDF_FILTER_JBIG2] = {"JBIG2Decode", "JBIG2Decode"},
    [PITH_PDF_FILTER_CCITTFAX] = {"CCITTFaxDecode", "CCF"},
};
#define FILTER_COUNT (sizeof filter_names / sizeof filter_names[0])

static bool name_is(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && memcmp(s, lit, n) == 0;
}

pith_pdf_filter pith_pdf_filter_from_name(const char *name, size_t n)
{
    if (!name) return PITH_PDF_FILTER_UNKNOWN;
    if (n > 0 && name[0] == '/') {
        name++;
        n--;
    }
    for (size_t f = 1; f < FILTER_COUNT; f++)
        if (name_is(name, n, filter_names[f].full) || name_is(name, n, filter_names[f].abbrev))
            return (pith_pdf_filter)f;
    return PITH_PDF_FILTER_UNKNOWN;
}

const char *pith_pdf_filter_name(pith_pdf_filter f)
{
    return (size_t)f < FILTER_COUNT && f != PITH_PDF_FILTER_UNKNOWN ? filter_names[f].full
                                                                     : "unknown";
}

bool pith_pdf_filter_is_image(pith_pdf_filter f)
{
    return f == PITH_PDF_FILTER_DCT || f == PITH_PDF_FILTER_JPX || f == PITH_PDF_FILTER_JBIG2 ||
           f == PITH_PDF_FILTER_CCITTFAX;
}

pith_pdf_filter_parms pith_pdf_filter_parms_default(void)
{
    pith_pdf_filter_parms p = {1, 1, 8, 1, 1};
    return p;
}

/* MARK: - Simple filters */

/* PDF white-space (§7.2.2): NUL, HT, LF, FF, CR, SP. */
static inline bool pdf_ws(uint8_t c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

typedef pith_status (*filter_fn)(const uint8_t *in, size_t len, const pith_pdf_filter_parms *p,
                                 uint8_t *out, size_t cap, size_t *out_len, pith_decode_error *err);

/* ASCIIHexDecode (§7.4.2): pairs of hex digits, white-space ignored, '>' ends; an odd last
 * digit counts as followed by 0. */
static pith_status ahx_decode(const uint8_t *in, size_t len, const pith_pdf_filter_parms *p,
                              uint8_t *out, size_t cap, size_t *out_len, pith_decode_error *err)
{
    (void)p;
    pith_status fail_code = PITH_OK;
    const char *fail_msg = "";
    size_t o = 0, i = 0;
    int hi = -1;
    for (; i < len; i++) {
        uint8_t c = in[i];
        if (pdf_ws(c)) continue;
        if (c == '>') break;
        int v = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        PITH_CHECK(v >= 0, PITH_E_FORMAT, "pdf filter: invalid character in ASCIIHexDecode data");
        if (hi < 0) {
            hi = v;
            continue;
        }
        PITH_CHECK(o < cap, PITH_E_LIMIT, "pdf filter: output is full");
        out[o++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0) {
        PITH_CHECK(o < cap, PITH_E_LIMIT, "pdf filter: output is full");
        out[o++] = (uint8_t)(hi << 4);
    }
    *out_len = o;
    return PITH_OK;
fail:
    *out_len = o;
    return pith_decode_set(err, fail_code, i, fail_msg);
}

/* ASCII85Decode (§7.4.3): groups of five '!'..'u' digits are four bytes base 85, 'z' is four
 * zero bytes, white-space is ignored, "~>" ends; a last group of n < 5 digits is n - 1 bytes
 * (padded with 'u'). A leading "<~" (PostScript's) is skipped. */
static pith_status a85_decode(const uint8_t *in, size_t len, const pith_pdf_filter_parms *p,
                              uint8_t *out, size_t cap, size_t *out_len, pith_decode_error *err)
{
    (void)p;
    pith_status fail_code = PITH_OK;
    const char *fail_msg = "";
    size_t o = 0, i = 0;
    uint64_t acc = 0;
    unsigned n = 0;
    while (i < len && pdf_ws(in[i])) i++;
    if (len - i >= 2 && in[i] == '<' && in[i + 1] == '~') i += 2;
    for (; i < len; i++) {
        uint8_t c = in[i];
        if (pdf_ws(c)) continue;
        if (c == '~') break;
        if (c == 'z') {
            PITH_CHECK(n == 0, PITH_E_FORMAT, "pdf filter: 'z' inside an ASCII85 group");
            PITH_CHECK(cap - o >= 4, PITH_E_LIMIT, "pdf filter: output is full");
            memset(out + o, 0, 4);
            o += 4;
            continue;
        }
        PITH_CHECK(c >= '!' && c <= 'u', PITH_E_FORMAT, "pdf filter: invalid character in ASCII85Decode data");
        acc = acc * 85 + (uint64_t)(c - '!');
        if (++n == 5) {
            PITH_CHECK(acc <= 0xffffffffu, PITH_E_FORMAT, "pdf filter: ASCII85 group out of range");
            PITH_CHECK(cap - o >= 4, PITH_E_LIMIT, "pdf filter: output is full");
            out[o++] = (uint8_t)(acc >> 24);
            out[o++] = (uint8_t)(acc >> 16);
            out[o++] = (uint8_t)(acc >> 8);
            out[o++] = (uint8_t)acc;
            acc = 0;
            n = 0;
        }
    }
    if (n > 0) {
        PITH_CHECK(n > 1, PITH_E_FORMAT, "pdf filter: ASCII85 data ends with a single digit");
        for (unsigned k = n; k < 5; k++) acc = acc * 85 + 84;
        PITH_CHECK(acc <= 0xffffffffu, PITH_E_FORMAT, "pdf filter: ASCII85 group out of range");
        for (unsigned k = 0; k + 1 < n; k++) {
            PITH_CHECK(o < cap, PITH_E_LIMIT, "pdf filter: output is full");
            out[o++] = (uint8_t)(acc >> (24 - 8 * k));
        }
    }
    *out_len = o;
    return PITH_OK;
fail:
    *out_len = o;
    return pith_decode_set(err, fail_code, i, fail_msg);
}

/* RunLengthDecode (§7.4.5): a length byte L then L+1 literal bytes (L < 128), or one byte
 * repeated 257-L times (L > 128); 128 ends. */
static pith_status rl_decode(const uint8_t *in, size_t len, const pith_pdf_filter_parms *p,
                             uint8_t *out, size_t cap, size_t *out_len, pith_decode_error *err)
{
    (void)p;
    pith_status fail_code = PITH_OK;
    const char *fail_msg = "";
    size_t o = 0, i = 0;
    while (i < len) {
        unsigned l = in[i++];
        if (l == 128) break;
        size_t room = cap - o;
        if (l < 128) {
            size_t n = l + 1u, avail = len - i;
            size_t k = n < avail ? n : avail;
            if (k > room) k = room;
            memcpy(out + o, in + i, k);
            o += k;
            i += k;
            PITH_CHECK(k == n || avail > room, PITH_E_TRUNCATED, "pdf filter: RunLengthDecode data ends inside a run");
            PITH_CHECK(k == n, PITH_E_LIMIT, "pdf filter: output is full");
        } else {
            size_t n = 257u - l;
            PITH_CHECK(i < len, PITH_E_TRUNCATED, "pdf filter: RunLengthDecode data ends inside a run");
            size_t k = n <= room ? n : room;
            memset(out + o, in[i++], k);
            o += k;
            PITH_CHECK(k == n, PITH_E_LIMIT, "pdf filter: output is full");
        }
    }
    *out_len = o;
    return PITH_OK;
fail:
    *out_len = o;
    return pith_decode_set(err, fail_code, i, fail_msg);
}

static pith_status flate_decode(const uint8_t *in, size_t len, const pith_pdf_filter_parms *p,
                                uint8_t *out, size_t cap, size_t *out_len, pith_decode_error *err)
{
    (void)p;
    pith_inflate_result r;
    pith_status st = pith_inflate_buf(in, len, PITH_INFLATE_AUTO, out, cap, &r, err);
    *out_len = r.out_len;
    return st;
}

static pith_status lzw_decode(const uint8_t *in, size_t len, const pith_pdf_filter_parms *p,
                              uint8_t *out, size_t cap, size_t *out_len, pith_decode_error *err)
{
    return pith_lzw_decode(in, len, p->early_change, out, cap, out_len, err);
}

/* MARK: - Predictors */

/* Row geometry of /DecodeParms: bytes per row and per pixel (at least 1). False when the
 * values are out of range (Colors 1..255, BitsPerComponent 1, 2, 4, 8, 16, Columns >= 1). */
static bool row_geometry(const pith_pdf_filter_parms *p, size_t *rowlen, size_t *bpp)
{
    if (p->colors < 1 || p->colors > 255 || p->columns < 1) return false;
    if (p->bpc != 1 && p->bpc != 2 && p->bpc != 4 && p->bpc != 8 && p->bpc != 16) return false;
    uint64_t bits = (uint64_t)p->columns * (uint64_t)p->colors * (uint64_t)p->bpc;
    uint64_t bytes = (bits + 7) / 8;
    if (bytes >= SIZE_MAX / 2) return false;
    *rowlen = (size_t)bytes;
    size_t px = ((size_t)p->colors * (size_t)p->bpc + 7) / 8;
    *bpp = px ? px : 1;
    return true;
}

static inline uint8_t paeth(uint8_t a, uint8_t b, uint8_t c)
{
    int pa = b - c, pb = a - c;
    int pc = pa + pb;
    pa = pa < 0 ? -pa : pa;
    pb = pb < 0 ? -pb : pb;
    pc = pc < 0 ? -pc : pc;
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* PNG filters (RFC 2083 §6): each row is a type byte then rowlen bytes, undone in place into
 * rows of rowlen bytes. Returns the decoded length. */
static size_t undo_png(uint8_t *buf, size_t n, size_t rowlen, size_t bpp)
{
    size_t in_row = rowlen + 1, o = 0;
    /* Each pass consumes one input row. */
    for (size_t r = 0; r * in_row < n; r++) {
        const uint8_t *src = buf + r * in_row;
        size_t avail = n - r * in_row;
        size_t dlen = (avail < in_row ? avail : in_row) - 1;
        uint8_t type = src[0];
        const uint8_t *d = src + 1;
        uint8_t *dst = buf + o;
        const uint8_t *up = r > 0 ? dst - rowlen : NULL;
        size_t j = 0;
        switch (type) {
        case 1: /* Sub */
            for (; j < dlen && j < bpp; j++) dst[j] = d[j];
            for (; j < dlen; j++) dst[j] = (uint8_t)(d[j] + dst[j - bpp]);
            break;
        case 2: /* Up */
            if (up)
                for (; j < dlen; j++) dst[j] = (uint8_t)(d[j] + up[j]);
            else
                memmove(dst, d, dlen);
            break;
        case 3: /* Average */
            for (; j < dlen && j < bpp; j++) dst[j] = (uint8_t)(d[j] + (up ? up[j] : 0) / 2);
            for (; j < dlen; j++)
                dst[j] = (uint8_t)(d[j] + ((unsigned)dst[j - bpp] + (up ? up[j] : 0u)) / 2);
            break;
        case 4: /* Paeth */
            for (; j < dlen && j < bpp; j++) dst[j] = (uint8_t)(d[j] + paeth(0, up ? up[j] : 0, 0));
            for (; j < dlen; j++)
                dst[j] = (uint8_t)(d[j] + paeth(dst[j - bpp], up ? up[j] : 0, up ? up[j - bpp] : 0));
            break;
        default: /* None, and unknown types (pdf.js and MuPDF copy them too) */
            memmove(dst, d, dlen);
            break;
        }
        o += dlen;
    }
    return o;
}

/* TIFF predictor 2 (TIFF 6.0 §14): each sample is the difference from the same component of
 * the pixel to its left, per row. */
static void undo_tiff(uint8_t *buf, size_t n, size_t rowlen, const pith_pdf_filter_parms *p)
{
    size_t colors = (size_t)p->colors;
    for (size_t r = 0; r * rowlen < n; r++) {
        uint8_t *row = buf + r * rowlen;
        size_t len = n - r * rowlen < rowlen ? n - r * rowlen : rowlen;
        if (p->bpc == 8) {
            for (size_t j = colors; j < len; j++) row[j] = (uint8_t)(row[j] + row[j - colors]);
        } else if (p->bpc == 16) {
            for (size_t j = 2 * colors; j + 1 < len; j += 2) {
                unsigned v = ((unsigned)row[j] << 8 | row[j + 1]) +
                             ((unsigned)row[j - 2 * colors] << 8 | row[j - 2 * colors + 1]);
                row[j] = (uint8_t)(v >> 8);
                row[j + 1] = (uint8_t)v;
            }
        } else {
            /* 1, 2 or 4 bits: samples packed most significant first. */
            unsigned bpc = (unsigned)p->bpc, mask = (1u << bpc) - 1u;
            size_t samples = len * 8 / bpc, per_row = colors * (size_t)p->columns;
            if (samples > per_row) samples = per_row; /* the rest is row padding */
            for (size_t s = colors; s < samples; s++) {
                size_t bit = s * bpc, lbit = (s - colors) * bpc;
                unsigned sh = 8 - bpc - (unsigned)(bit & 7), lsh = 8 - bpc - (unsigned)(lbit & 7);
                unsigned v = (row[bit >> 3] >> sh) & mask;
                unsigned l = (row[lbit >> 3] >> lsh) & mask;
                v = (v + l) & mask;
                row[bit >> 3] = (uint8_t)((row[bit >> 3] & ~(mask << sh)) | v << sh);
            }
        }
    }
}

/* MARK: - The chain */

static pith_status arena_refused(pith_arena *a, pith_decode_error *err)
{
    pith_status why = a->budget && a->budget->last_fail == PITH_E_LIMIT ? PITH_E_LIMIT : PITH_E_NOMEM;
    return pith_decode_set(err, why, 0, "pdf filter: no memory for the output");
}

/* Run one filter into an arena buffer grown from `estimate` up to max_out. */
static pith_status run_grow(pith_arena *a, filter_fn fn, const uint8_t *in, size_t len,
                            const pith_pdf_filter_parms *p, size_t estimate, size_t max_out,
                            uint8_t **out, size_t *out_len, pith_decode_error *err)
{
    size_t cap = estimate < 4096 ? 4096 : estimate;
    if (cap > max_out) cap = max_out;
    /* cap doubles every pass until max_out: bounded by the bits of size_t. */
    for (;;) {
        pith_arena_mark m = pith_arena_mark_get(a);
        uint8_t *buf = pith_arena_alloc(a, cap);
        if (!buf) return arena_refused(a, err);
        pith_status st = fn(in, len, p, buf, cap, out_len, err);
        if (st == PITH_E_LIMIT && cap < max_out) {
            pith_arena_release(a, m);
            cap = cap > max_out / 2 ? max_out : cap * 2;
            continue;
        }
        *out = buf;
        if (st == PITH_E_LIMIT && err) err->message = "pdf filter: output passes its limit";
        return st;
    }
}

static size_t mul_sat(size_t a, size_t b)
{
    size_t r;
    return pith_size_mul(a, b, &r) ? r : SIZE_MAX;
}

pith_status pith_pdf_filter_decode(pith_arena *a, const pith_pdf_filter_step *steps, size_t n,
                                   const uint8_t *in, size_t len, size_t size_hint,
                                   size_t max_out, const uint8_t **out, size_t *out_len,
                                   size_t *produced, pith_decode_error *err)
{
    pith_decode_clear(err);
    if (out) *out = NULL;
    if (out_len) *out_len = 0;
    if (produced) *produced = 0;
    if (!out || !out_len || (!in && len) || (n && !steps) || !a)
        return pith_decode_set(err, PITH_E_ARG, 0, "pdf filter: NULL argument");

    /* Look at every step before decoding anything: an image anywhere means skip the stream. */
    for (size_t k = 0; k < n; k++) {
        pith_pdf_filter f = steps[k].filter;
        if (pith_pdf_filter_is_image(f))
            return pith_decode_set(err, PITH_E_UNSUPPORTED, 0, "pdf filter: image data, not decoded");
        if (f == PITH_PDF_FILTER_UNKNOWN || (size_t)f >= FILTER_COUNT)
            return pith_decode_set(err, PITH_E_UNSUPPORTED, 0, "pdf filter: unknown filter");
        if (f == PITH_PDF_FILTER_FLATE || f == PITH_PDF_FILTER_LZW) {
            int32_t pr = steps[k].parms.predictor;
            size_t rl, bpp;
            if (pr != 1 && pr != 2 && (pr < 10 || pr > 15))
                return pith_decode_set(err, PITH_E_UNSUPPORTED, 0, "pdf filter: unknown predictor");
            if (pr != 1 && !row_geometry(&steps[k].parms, &rl, &bpp))
                return pith_decode_set(err, PITH_E_FORMAT, 0, "pdf filter: invalid /DecodeParms");
        }
    }

    const uint8_t *cur = in;
    size_t cur_len = len, total = 0;
    pith_status st = PITH_OK;
    for (size_t k = 0; k < n && st == PITH_OK; k++) {
        const pith_pdf_filter_parms *p = &steps[k].parms;
        bool last = k + 1 == n;
        filter_fn fn;
        size_t est;
        switch (steps[k].filter) {
        case PITH_PDF_FILTER_FLATE:
            fn = flate_decode;
            est = mul_sat(cur_len, 4);
            break;
        case PITH_PDF_FILTER_LZW:
            fn = lzw_decode;
            est = mul_sat(cur_len, 3);
            break;
        case PITH_PDF_FILTER_ASCII85:
            fn = a85_decode;
            est = cur_len / 5 * 4 + 8;
            break;
        case PITH_PDF_FILTER_ASCIIHEX:
            fn = ahx_decode;
            est = cur_len / 2 + 1;
            break;
        case PITH_PDF_FILTER_RUNLENGTH:
            fn = rl_decode;
            est = mul_sat(cur_len, 2);
            break;
        default: /* Crypt */
            continue;
        }
        if (last && size_hint) {
            /* /DL is the final size: a PNG predictor adds one byte per row before it is undone. */
            est = size_hint;
            if (p->predictor >= 10) {
                size_t rl, bpp;
                if (row_geometry(p, &rl, &bpp)) est += size_hint / rl + 1;
            }
        }
        uint8_t *buf = NULL;
        size_t blen = 0;
        st = run_grow(a, fn, cur, cur_len, p, est, max_out, &buf, &blen, err);
        if (!buf) return st;
        total += blen;
        /* An offset inside an intermediate buffer means nothing in the file. */
        if (err && k > 0) err->offset = 0;
        if ((steps[k].filter == PITH_PDF_FILTER_FLATE || steps[k].filter == PITH_PDF_FILTER_LZW) &&
            p->predictor != 1) {
            size_t rl = 1, bpp = 1;
            (void)row_geometry(p, &rl, &bpp); /* checked above */
            if (p->predictor == 2) undo_tiff(buf, blen, rl, p);
            else blen = undo_png(buf, blen, rl, bpp);
        }
        cur = buf;
        cur_len = blen;
    }
    *out = cur;
    *out_len = cur_len;
    if (produced) *produced = total;
    return st;
}

pith_status pith_pdf_filter_decode_doc(pith_doc *doc, pith_arena *a,
                                       const pith_pdf_filter_step *steps, size_t n,
                                       const uint8_t *in, size_t len, size_t size_hint,
                                       uint64_t file_off, const uint8_t **out, size_t *out_len)
{
    if (!a) a = pith_scratch_arena(doc);
    const pith_limits *lim = &pith_doc_options(doc)->limits;
    uint64_t left = pith_decompressed_left(doc);
    uint64_t by_ratio = len > UINT64_MAX / lim->max_ratio ? UINT64_MAX : (uint64_t)len * lim->max_ratio;
    uint64_t max = by_ratio < left ? by_ratio : left;
    if (max > SIZE_MAX) max = SIZE_MAX;
    size_t produced = 0;
    pith_decode_error e;
    pith_status st = pith_pdf_filter_decode(a, steps, n, in, len, size_hint, (size_t)max, out,
                                            out_len, &produced, &e);
    pith_status ch = pith_decompressed(doc, produced);
    if (ch == PITH_OK) ch = pith_work(doc, (uint64_t)len + produced);
    if (ch != PITH_OK) return ch;
    if (st == PITH_OK) return PITH_OK;
    if (st == PITH_E_UNSUPPORTED) {
        for (size_t k = 0; k < n; k++)
            if (pith_pdf_filter_is_image(steps[k].filter)) return st;
        pith_warn(doc, st, file_off, "%s (stream at %llu)", e.message, (unsigned long long)file_off);
        return st;
    }
    if (st == PITH_E_LIMIT && *out) {
        if (by_ratio <= left)
            return pith_fail(doc, st, file_off,
                             "pdf filter: stream of %zu bytes decodes past %llu bytes (limit "
                             "max_ratio %u)",
                             len, (unsigned long long)max, lim->max_ratio);
        return pith_fail(doc, st, file_off,
                         "pdf filter: stream decodes past the %llu decompressed bytes left (limit "
                         "max_decompressed_bytes)",
                         (unsigned long long)left);
    }
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return pith_fail_alloc(doc, len);
    if (st == PITH_E_ARG) return pith_fail(doc, st, file_off, "%s", e.message);
    pith_warn(doc, st, file_off + e.offset, "%s (stream at %llu, %zu bytes kept)", e.message,
              (unsigned long long)file_off, *out_len);
    return st;
}
