/* pdf_font_simple.c: simple fonts (Type1, MMType1, TrueType, Type3; ISO 32000-1 §9.6) and
 * glyph names.
 *
 * A simple font's 256 codes are resolved once, when the font is loaded: each code's text from,
 * in order, the /ToUnicode CMap; the glyph name of /Differences or of a named base encoding
 * through the glyph list (pdf_glyph_unicode, the pdf.js/MuPDF rules); the embedded program's
 * own tables (pdf_embedded.h) when there is no ToUnicode and the font's builtin encoding
 * matters; the default base encoding pdf.js picks from the flags (Standard, WinAnsi for
 * TrueType, Symbol/ZapfDingbats for those fonts). In a symbolic font a code point F020-F0FF
 * (the (3,0) cmap's symbol area) becomes its low byte, as poppler does. Widths from /Widths,
 * else the standard-14 metrics by glyph name, else /MissingWidth, else 500 (0 for Type3).
 * Nothing here depends on input size beyond the 256 codes and the /Differences array, whose
 * walk draws work. The embedded program is read only when a code it decides is shown
 * (pdf_font_prepare): a subset font whose /ToUnicode covers what it shows never inflates it.
 * Glyph names are found through a hash table over the compressed glyph list (the format is
 * in tools/gen_glyphlist.py).
 */
#include <string.h>

#include "pdf_embedded.h"
#include "pdf_font_int.h"

/* MARK: - Glyph names */

/* Read the name at *pp (tokens expanded with a stack: pdf_gl_pair is constant data, its depth
 * is checked by the generator) and step past its terminating 0. */
static size_t gl_decode(const uint8_t **pp, char out[PDF_GLYPH_NAME_MAX])
{
    const uint8_t *p = *pp;
    size_t len = 0;
    uint8_t stack[PDF_GL_MAX_DEPTH + 8];
    for (; *p; p++) {
        uint32_t sp = 0;
        stack[sp++] = *p;
        while (sp) {
            uint8_t b = stack[--sp];
            if (pdf_gl_pair[b][0] && sp + 2 <= sizeof stack) {
                stack[sp++] = pdf_gl_pair[b][1];
                stack[sp++] = pdf_gl_pair[b][0];
            } else if (len < PDF_GLYPH_NAME_MAX - 1) {
                out[len++] = (char)b;
            }
        }
    }
    *pp = p + 1;
    out[len] = 0;
    return len;
}

/* FNV-1a, then MurmurHash3's finalizer: tools/gen_glyphlist.py gl_hash, bit for bit (the
 * table's slots and tags were placed with it) */
static uint32_t gl_hash(const uint8_t *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

/* Where the stored name of glyph id starts (id < pdf_gl_count): past the names before it in
 * its block, each ended by the only 0 bytes of the blob. */
static const uint8_t *gl_name_at(uint32_t id)
{
    const uint8_t *p = pdf_gl_blob + pdf_gl_block[id / PDF_GL_BLOCK];
    for (uint32_t k = id % PDF_GL_BLOCK; k; k--) {
        while (*p) p++;
        p++;
    }
    return p;
}

/* One hash, then the probe run of its slot: a stored name is decoded only when its 3-bit tag
 * and its first letter match, so a hit usually decodes one name and a miss almost none. The
 * run ends at an empty slot (the generator leaves a quarter of them empty); the counter only
 * bounds the loop. */
uint32_t pdf_glyph_id(const uint8_t *name, size_t n)
{
    if (n == 0 || n >= PDF_GLYPH_NAME_MAX) return PDF_GLYPH_NONE;
    uint32_t h = gl_hash(name, n);
    uint32_t tag = h & 7u, slot = (uint32_t)(((uint64_t)h * PDF_GL_HASH_SIZE) >> 32);
    char buf[PDF_GLYPH_NAME_MAX];
    for (uint32_t k = 0; k < PDF_GL_HASH_SIZE; k++) {
        uint32_t v = pdf_gl_hash[slot];
        if (v == 0xFFFFu) break;
        uint32_t id = v & 0x1FFFu;
        if ((v >> 13) == tag && id < pdf_gl_count) {
            const uint8_t *p = gl_name_at(id);
            /* a first byte that is a letter, not a token, must be the name's own */
            if (pdf_gl_pair[*p][0] || *p == name[0]) {
                size_t len = gl_decode(&p, buf);
                if (len == n && memcmp(buf, name, n) == 0) return id;
            }
        }
        if (++slot == PDF_GL_HASH_SIZE) slot = 0;
    }
    return PDF_GLYPH_NONE;
}

size_t pdf_glyph_name(uint32_t id, char out[PDF_GLYPH_NAME_MAX])
{
    out[0] = 0;
    if (id >= pdf_gl_count) return 0;
    const uint8_t *p = gl_name_at(id);
    return gl_decode(&p, out);
}

static uint32_t list_value(uint32_t id, uint32_t out[8])
{
    if (pdf_gl_uni[id]) {
        out[0] = pdf_gl_uni[id];
        return 1;
    }
    uint32_t lo = 0, hi = pdf_gl_nmulti;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (pdf_gl_multi[mid][0] < id) lo = mid + 1;
        else hi = mid;
    }
    if (lo < pdf_gl_nmulti && pdf_gl_multi[lo][0] == id) {
        uint32_t k = pdf_gl_multi[lo][1];
        for (uint32_t i = 0; i < k && i < 4; i++) out[i] = pdf_gl_multi[lo][2 + i];
        return k;
    }
    return 0;
}

static bool all_hex(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return n > 0;
}

static bool all_digits(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return n > 0;
}

static uint32_t parse_num(const uint8_t *s, size_t n, uint32_t base)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n && v < 0x1000000; i++) {
        uint8_t c = s[i];
        uint32_t d = c <= '9' ? (uint32_t)(c - '0') : (uint32_t)((c | 0x20) - 'a' + 10);
        v = v * base + d;
    }
    return v;
}

static bool good_cp(uint32_t v)
{
    return v > 0 && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF);
}

/* One name without suffix or components: the list, dingbats, uniXXXX, uXXXX[XX]. */
static uint32_t name_plain(const uint8_t *s, size_t n, bool zapf, uint32_t out[8])
{
    if (zapf && n >= 2 && s[0] == 'a' && all_digits(s + 1, n - 1) && n <= 4) {
        uint32_t k = parse_num(s + 1, n - 1, 10);
        if (k < pdf_gl_nzapf && pdf_gl_zapf[k]) {
            out[0] = pdf_gl_zapf[k];
            return 1;
        }
    }
    uint32_t id = pdf_glyph_id(s, n);
    if (id != PDF_GLYPH_NONE) {
        uint32_t k = list_value(id, out);
        if (k) return k;
    }
    if (n >= 7 && memcmp(s, "uni", 3) == 0 && (n - 3) % 4 == 0 && (n - 3) / 4 <= 8 &&
        all_hex(s + 3, n - 3)) {
        uint32_t k = 0;
        for (size_t i = 3; i < n; i += 4) {
            uint32_t v = parse_num(s + i, 4, 16);
            if (!good_cp(v)) return 0;
            out[k++] = v;
        }
        return k;
    }
    if (n >= 5 && n <= 7 && s[0] == 'u' && all_hex(s + 1, n - 1)) {
        uint32_t v = parse_num(s + 1, n - 1, 16);
        if (good_cp(v)) {
            out[0] = v;
            return 1;
        }
    }
    return 0;
}

/* Names that encode a code rather than a character (pdf.js recovers these): "Gxx" hex,
 * "g00xx" hex, "Cnn"/"cnnn" and "cidnnn" decimal. */
static uint32_t name_code(const uint8_t *s, size_t n, uint32_t out[8])
{
    uint32_t v = 0;
    if (n == 3 && s[0] == 'G' && all_hex(s + 1, 2)) v = parse_num(s + 1, 2, 16);
    else if (n == 5 && s[0] == 'g' && all_hex(s + 1, 4)) v = parse_num(s + 1, 4, 16);
    else if ((n == 3 || n == 4) && (s[0] == 'C' || s[0] == 'c') && all_digits(s + 1, n - 1))
        v = parse_num(s + 1, n - 1, 10);
    else if (n > 3 && n <= 8 && memcmp(s, "cid", 3) == 0 && all_digits(s + 3, n - 3))
        v = parse_num(s + 3, n - 3, 10);
    if (!good_cp(v) || v < 0x20) return 0;
    out[0] = v;
    return 1;
}

uint32_t pdf_glyph_unicode(const uint8_t *name, size_t n, bool zapf, uint32_t out[8])
{
    if (n == 0 || n > 255) return 0;
    uint32_t k = name_plain(name, n, zapf, out);
    if (k) return k;
    /* "a.sc", "one.oldstyle", "f_f_i.liga": the part before the first '.' */
    size_t base = 0;
    while (base < n && name[base] != '.') base++;
    if (base == 0) return 0;  /* ".notdef", ".null" */
    if (base < n) {
        k = name_plain(name, base, zapf, out);
        if (k) return k;
    }
    /* "f_f_i", "T_h": every component must map */
    bool under = false;
    for (size_t i = 0; i < base; i++) under |= name[i] == '_';
    if (under) {
        uint32_t total = 0;
        size_t i = 0;
        while (i < base) {
            size_t j = i;
            while (j < base && name[j] != '_') j++;
            if (j > i) {
                uint32_t part[8];
                uint32_t m = name_plain(name + i, j - i, zapf, part);
                if (m == 0 || total + m > 8) return 0;
                memcpy(out + total, part, m * sizeof *part);
                total += m;
            }
            i = j + 1;
        }
        if (total) return total;
    }
    return name_code(name, base, out);
}

uint32_t pdf_glyph_unicode_id(uint32_t id, bool zapf, uint32_t out[8])
{
    /* what pdf_glyph_unicode finds for this id's name: the list's own value comes first but
     * for a dingbats "aN" in a dingbats font, so the name is decoded only then and for the
     * names without a value (a1..a191) */
    if (id >= pdf_gl_count) return 0;
    if (!zapf) {
        uint32_t k = list_value(id, out);
        if (k) return k;
    }
    char buf[PDF_GLYPH_NAME_MAX];
    size_t n = pdf_glyph_name(id, buf);
    return n ? pdf_glyph_unicode((const uint8_t *)buf, n, zapf, out) : 0;
}

int pdf_encoding_by_name(const uint8_t *name, size_t n)
{
    static const char *const names[PDF_ENC_COUNT] = {
        "StandardEncoding", "WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding",
        "PDFDocEncoding", "SymbolEncoding", "ZapfDingbatsEncoding"};
    if (!name) return PDF_ENC_NONE;
    for (int i = 0; i < PDF_ENC_COUNT; i++)
        if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0) return i;
    return PDF_ENC_NONE;
}

/* MARK: - Simple fonts */

static bool contains(const pith_str *s, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= s->n; i++)
        if (memcmp(s->p + i, w, n) == 0) return true;
    return false;
}

static uint32_t symbol_low(uint32_t k, uint32_t *u, bool symbolic)
{
    if (symbolic && k == 1 && u[0] >= 0xF020 && u[0] <= 0xF0FF) u[0] &= 0xFF;
    return k;
}

uint32_t pdf_font_simple_uni(const pdf_font *f, uint32_t c, uint32_t out[8])
{
    if (c > 255) return 0;
    uint32_t n = f->nuni[c];
    if (n == 1 && !(f->uni[c] & PDF_UNI_POOL)) {
        out[0] = f->uni[c];
        return 1;
    }
    if (n > 1 && f->upool) memcpy(out, f->upool + (f->uni[c] & ~PDF_UNI_POOL), n * sizeof *out);
    return n;
}

static int std_code_of(int std14, uint32_t gid)
{
    int e = std14 == PDF_STD_SYMBOL ? PDF_ENC_SYMBOL : std14 == PDF_STD_ZAPF ? PDF_ENC_ZAPF : -1;
    if (e < 0 || gid == PDF_GLYPH_NONE) return -1;
    for (int c = 0; c < 256; c++)
        if (pdf_enc_table[e][c] == gid) return c;
    return -1;
}

/* Resolve the 256 codes. With defer, a font whose text would consult its embedded program
 * does not read it yet: the codes whose text or width the program can change are marked
 * pending (their values meanwhile are as if there were no program), and pdf_font_prepare
 * runs this again without defer when one of them is shown. Most such fonts (subsets with a
 * /ToUnicode for every code they show) then never inflate their program: at load it was a
 * fifth of a one-page document's time (issue 7). The second run gives every code what a
 * single eager run gives; it reuses the first run's ToUnicode (f->tounicode). */
static pith_status load_simple(pdf_ctx *ctx, const pdf_obj *dict, pdf_font *f, bool defer)
{
    pith_doc *doc = ctx->doc;
    pith_status st = PITH_OK;
    bool type3 = f->kind == PDF_FONT_TYPE3;
    const pdf_obj *subtype = pdf_dict_get(ctx, dict, "Subtype");
    bool truetype = pdf_is_name(subtype, "TrueType");
    const pdf_obj *desc = pdf_dict_get(ctx, dict, "FontDescriptor");
    int64_t flags = pdf_int(pdf_dict_get(ctx, desc, "Flags"), 0);
    bool symbolic = (flags & 4) != 0, nonsymbolic = (flags & 32) != 0;
    bool zapf = f->std14 == PDF_STD_ZAPF || contains(&f->name, "Dingbats");
    if (f->std14 == PDF_STD_SYMBOL || f->std14 == PDF_STD_ZAPF) symbolic = true;

    /* encoding: a name, or a dictionary with /BaseEncoding and /Differences */
    const pdf_obj *enc = pdf_dict_get(ctx, dict, "Encoding");
    int base = PDF_ENC_NONE;
    const pdf_obj *diffs = NULL;
    uint32_t nlen;
    const uint8_t *nm = pdf_name(enc, &nlen);
    if (nm) {
        base = pdf_encoding_by_name(nm, nlen);
    } else if (pdf_is_dict(enc)) {
        nm = pdf_name(pdf_dict_get(ctx, enc, "BaseEncoding"), &nlen);
        if (nm) base = pdf_encoding_by_name(nm, nlen);
        diffs = pdf_dict_get(ctx, enc, "Differences");
    }
    /* Differences: [code /name /name code /name ...] */
    const uint8_t *dname[256];
    uint32_t dlen[256];
    memset(dname, 0, sizeof dname);
    memset(dlen, 0, sizeof dlen);
    uint32_t nd = pdf_array_len(diffs);
    if (nd) {
        st = pith_work(doc, nd);
        if (st != PITH_OK) return st;
    }
    int64_t code = -1;
    for (uint32_t i = 0; i < nd; i++) {
        const pdf_obj *it = pdf_array_get(ctx, diffs, i);
        if (it->kind == PDF_INT || it->kind == PDF_REAL) {
            code = pdf_int(it, -1);
        } else if (it->kind == PDF_NAME) {
            /* past 255 a name names no code: code stays where it is (a count from a huge
             * start would overflow) */
            if (code >= 0 && code < 256) {
                dname[code] = it->u.s;
                dlen[code] = it->n;
                code++;
            }
        }
    }

    const pdf_cmap *tu = f->tounicode;
    if (!f->has_pending) {
        tu = pdf_font_load_cmap(ctx, pdf_dict_get(ctx, dict, "ToUnicode"), false, &st);
        if (st != PITH_OK) return st;
        f->tounicode = tu;
    }

    /* the embedded program, when the font's builtin encoding decides the text; not deferred
     * when the default encoding below depends on whether there is one */
    pdf_embedded emb;
    memset(&emb, 0, sizeof emb);
    bool want = !type3 && (base == PDF_ENC_NONE || symbolic);
    if (base == PDF_ENC_NONE && f->std14 != PDF_STD_SYMBOL &&
        (zapf || contains(&f->name, "Symbol")))
        defer = false;
    defer = defer && want;
    if (want && !defer) {
        st = pdf_embedded_read(ctx, desc, pith_scratch_arena(doc), &emb);
        if (st != PITH_OK) return st;
    }
    memset(f->pending, 0, sizeof f->pending);
    /* the default base encoding (pdf.js's choice, for fonts without an encoding name; a
     * Type3 font's is Standard too, as poppler has it: a code its /Differences leave out
     * still has the text of its Standard name) */
    int dflt = base;
    if (dflt == PDF_ENC_NONE && type3) dflt = PDF_ENC_STANDARD;
    if (dflt == PDF_ENC_NONE) {
        dflt = PDF_ENC_STANDARD;
        if (truetype && !nonsymbolic) dflt = PDF_ENC_WINANSI;
        if (f->std14 == PDF_STD_SYMBOL ||
            (emb.kind == PDF_EMB_NONE && contains(&f->name, "Symbol")))
            dflt = PDF_ENC_SYMBOL;
        else if (zapf && emb.kind == PDF_EMB_NONE)
            dflt = PDF_ENC_ZAPF;
    }

    uint32_t pool[256 * 8];
    uint32_t npool = 0;
    uint32_t gids[256];
    for (uint32_t c = 0; c < 256; c++) {
        uint32_t u[8], k = 0;
        uint32_t gid = PDF_GLYPH_NONE;
        if (dname[c]) gid = pdf_glyph_id(dname[c], dlen[c]);
        else if (base != PDF_ENC_NONE) gid = pdf_enc_table[base][c];
        else if (emb.have_names && emb.names[c])
            gid = pdf_glyph_id((const uint8_t *)emb.names[c], strlen(emb.names[c]));
        else if (dflt != PDF_ENC_NONE) gid = pdf_enc_table[dflt][c];
        gids[c] = gid;
        if (tu) k = pdf_cmap_unicode(tu, c, u);
        if (!k && dname[c]) k = pdf_glyph_unicode(dname[c], dlen[c], zapf, u);
        if (!k && !dname[c] && base != PDF_ENC_NONE && pdf_enc_table[base][c] != PDF_GLYPH_NONE)
            k = pdf_glyph_unicode_id(pdf_enc_table[base][c], zapf, u);
        /* from here on the program has its say */
        if (!k && defer) f->pending[c >> 5] |= 1u << (c & 31);
        if (!k && emb.have_uni && emb.uni[c]) {
            u[0] = emb.uni[c];
            k = 1;
        }
        if (!k && emb.have_names && emb.names[c])
            k = pdf_glyph_unicode((const uint8_t *)emb.names[c], strlen(emb.names[c]), zapf, u);
        if (!k && !dname[c] && dflt != PDF_ENC_NONE && base == PDF_ENC_NONE &&
            pdf_enc_table[dflt][c] != PDF_GLYPH_NONE)
            k = pdf_glyph_unicode_id(pdf_enc_table[dflt][c], zapf, u);
        /* Type3 glyph names are the producer's own ("a192", "square"): poppler then takes the
         * code for the character (pdf.js too for such fonts), and so do we */
        if (!k && type3 && c >= 0x20 && (dname[c] || base != PDF_ENC_NONE)) {
            u[0] = c;
            k = 1;
        }
        k = symbol_low(k, u, symbolic);
        if (k == 1 && u[0] == 0) k = 0;
        f->nuni[c] = (uint8_t)k;
        if (k == 1) {
            f->uni[c] = u[0];
        } else if (k > 1) {
            f->uni[c] = PDF_UNI_POOL | npool;
            memcpy(pool + npool, u, k * sizeof *u);
            npool += k;
        }
    }
    if (npool) {
        f->upool = pith_doc_alloc(doc, npool * sizeof *pool);
        if (!f->upool) return pith_alloc_failed(doc, npool * sizeof *pool);
        memcpy(f->upool, pool, npool * sizeof *pool);
    }

    /* widths */
    bool have[256];
    memset(have, 0, sizeof have);
    const pdf_obj *widths = pdf_dict_get(ctx, dict, "Widths");
    int64_t first = pdf_int(pdf_dict_get(ctx, dict, "FirstChar"), 0);
    uint32_t nw = pdf_array_len(widths);
    for (uint32_t i = 0; i < nw && first >= 0 && first + (int64_t)i < 256; i++) {
        const pdf_obj *w = pdf_array_get(ctx, widths, i);
        if (w->kind != PDF_INT && w->kind != PDF_REAL) continue;
        double v = pdf_num(w, 0);
        if (v != v || v < -1e6 || v > 1e6) continue;  /* NaN or absurd: not a width */
        f->width[first + i] = (float)v;
        have[first + i] = true;
    }
    const pdf_obj *mw = pdf_dict_get(ctx, desc, "MissingWidth");
    double missing = pdf_num(mw, 0);
    bool have_missing =
        (mw->kind == PDF_INT || mw->kind == PDF_REAL) && missing > 0 && missing < 1e6;
    for (uint32_t c = 0; c < 256; c++) {
        if (have[c]) continue;
        /* a standard font's width by glyph name, the name the program's encoding gives */
        if (defer && f->std14 != PDF_STD_NONE && !dname[c] && base == PDF_ENC_NONE)
            f->pending[c >> 5] |= 1u << (c & 31);
        int w = -1;
        if (f->std14 != PDF_STD_NONE)
            w = pdf_std14_width(f->std14, gids[c], std_code_of(f->std14, gids[c]));
        if (w < 0 && f->std14 == PDF_STD_SYMBOL && !dname[c] && base == PDF_ENC_NONE)
            w = pdf_met_symbol_w[c] ? pdf_met_symbol_w[c] : -1;
        f->width[c] = w >= 0 ? (float)w : have_missing ? (float)missing : type3 ? 0.0f : 500.0f;
    }
    f->has_pending = false;
    for (uint32_t i = 0; i < 8; i++) f->has_pending |= f->pending[i] != 0;
    f->dict = f->has_pending ? dict : NULL;
    return PITH_OK;
}

pith_status pdf_font_load_simple(pdf_ctx *ctx, const pdf_obj *dict, pdf_font *f)
{
    return load_simple(ctx, dict, f, true);
}

pith_status pdf_font_prepare(pdf_ctx *ctx, const pdf_font *f, const uint8_t *s, size_t n)
{
    if (!f || !f->has_pending || f->kind == PDF_FONT_CID) return PITH_OK;
    size_t i = 0;
    /* once per shown string: written out, as this file is built for size in the wasm */
    while (i < n && !((f->pending[s[i] >> 5] >> (s[i] & 31)) & 1u)) i++;
    if (i == n) return PITH_OK;
    /* fonts live in the document arena and are written only here and at load: the const is
     * the content interpreter's promise not to change them */
    pdf_font *mf = (pdf_font *)(uintptr_t)f;
    pith_arena *sa = pith_scratch_arena(ctx->doc);
    pith_arena_mark m = pith_arena_mark_get(sa);
    pith_status st = load_simple(ctx, mf->dict, mf, false);
    pith_arena_release(sa, m);
    return st;
}
