/* pdf_font_embedded.c: glyph names and Unicode from embedded font programs (see pdf_embedded.h).
 *
 * Specs: ISO 32000-1 §9.9 (embedded font programs), Apple TrueType Reference / OpenType 1.9
 * 'cmap' (formats 0, 4, 6, 12) and 'post' (formats 1, 2, 3), Adobe TN 5176 (CFF: INDEX, Top
 * DICT, charsets 0-2, encodings 0-1 with supplements), Adobe Type 1 Font Format §10.3
 * (cleartext /Encoding: "dup <code> /<name> put", or StandardEncoding). Left out: the eexec
 * part of Type1 (no names live there), Expert charsets/encodings, charstrings, cmap formats
 * 2, 8, 10, 13, 14. Bounds: every offset and count is checked against its table (rd.h);
 * cmap segments are clamped so that codes only go up (overlapping or looping segments cannot
 * make a walk longer than 0x110000 codes); glyph counts are capped at 65536; every mapping,
 * name and token draws work when a document is given.
 */
#include "pdf_embedded.h"

#include <string.h>

#include "rd.h"

#include "pdf_embedded_names.h"

#define NGLYPHS_MAX 65536u
#define SFNT_TABLES_MAX 1024u
#define CFF_STACK 48u

typedef struct emb {
    pith_doc *doc;
    pith_arena *a;
    pdf_embedded *out;
    const char *why;   /* a format problem, for the warning */
    pith_status st;    /* LIMIT/NOMEM recorded */
} emb;

static bool work(emb *e, uint64_t n)
{
    if (e->st != PITH_OK) return false;
    if (e->doc && pith_work(e->doc, n) != PITH_OK) e->st = pith_doc_status(e->doc);
    return e->st == PITH_OK;
}

static void *alloc0(emb *e, size_t count, size_t size)
{
    if (e->st != PITH_OK) return NULL;
    void *p = pith_arena_calloc(e->a, count, size);
    if (!p) {
        size_t n = 0;
        if (!pith_size_mul(count, size, &n)) n = SIZE_MAX;
        e->st = e->doc ? pith_alloc_failed(e->doc, n) : PITH_E_NOMEM;
    }
    return p;
}

static const char *str_copy(emb *e, const uint8_t *s, size_t n)
{
    char *p = alloc0(e, n + 1, 1);
    if (p) memcpy(p, s, n);
    return p;
}

static pith_status bad(emb *e, const char *why)
{
    if (!e->why) e->why = why;
    return PITH_E_FORMAT;
}

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }

/* MARK: - TrueType cmap */

/* What one cmap subtable maps, in the forms the callers need. */
typedef struct cmap_map {
    uint16_t low[256];  /* code 0..255 → glyph */
    uint16_t f0[256];   /* code 0xF000+c → glyph ((3,0) symbol fonts) */
    uint32_t *gid_uni;  /* inverted (Unicode subtables only) */
    uint32_t ngid;
    bool any;
} cmap_map;

static bool is_pua(uint32_t cp) { return cp >= 0xE000 && cp <= 0xF8FF; }

static void cmap_put(cmap_map *m, uint32_t code, uint32_t gid)
{
    if (gid == 0 || gid >= m->ngid) return;
    m->any = true;
    if (code < 256) m->low[code] = (uint16_t)gid;
    if ((code & 0xFFFF00u) == 0xF000u) m->f0[code & 0xFF] = (uint16_t)gid;
    if (m->gid_uni && code != 0) {
        /* Lowest code point wins, but a real character beats a private-use one. */
        uint32_t old = m->gid_uni[gid];
        if (!old || (is_pua(old) && !is_pua(code)) || (code < old && is_pua(code) == is_pua(old)))
            m->gid_uni[gid] = code;
    }
}

/* Walk one subtable at `off` in the cmap table `cm`. Format problems end the walk (what was
 * mapped stays). */
static void cmap_walk(emb *e, const pith_rd *cm, uint32_t off, cmap_map *m)
{
    if (off > pith_rd_size(cm)) return;
    pith_rd r = pith_rd_at(cm, off, pith_rd_size(cm) - off);
    uint32_t format = pith_rd_u16be(&r);
    if (format == 0) {
        pith_rd_skip(&r, 4);
        const uint8_t *g = pith_rd_span(&r, 256);
        if (!g || !work(e, 256)) return;
        for (uint32_t c = 0; c < 256; c++) cmap_put(m, c, g[c]);
    } else if (format == 4) {
        pith_rd_skip(&r, 4);
        uint32_t segs = pith_rd_u16be(&r) / 2;
        pith_rd_skip(&r, 6);
        size_t base = pith_rd_pos(&r);  /* endCode[] */
        if (r.bad || (size_t)segs * 8 + 2 > pith_rd_left(&r)) return;
        const uint8_t *endc = r.base + base, *startc = endc + 2 * segs + 2;
        const uint8_t *delta = startc + 2 * segs, *rangeo = delta + 2 * segs;
        uint32_t next = 0;  /* lowest code not yet walked: segments only go up */
        for (uint32_t s = 0; s < segs && next <= 0xFFFF; s++) {
            uint32_t start = be16(startc + 2 * s), end = be16(endc + 2 * s);
            uint32_t d = be16(delta + 2 * s), ro = be16(rangeo + 2 * s);
            if (start < next) start = next;
            if (start > end) continue;
            if (!work(e, end - start + 1)) return;
            size_t ro_pos = (size_t)(rangeo - r.base) + 2 * s;
            for (uint32_t c = start; c <= end && c != 0xFFFF; c++) {
                uint32_t g;
                if (ro == 0) {
                    g = (c + d) & 0xFFFF;
                } else {
                    /* idRangeOffset is relative to its own slot (the spec's pointer trick) */
                    uint64_t at = (uint64_t)ro_pos + ro + 2 * (uint64_t)(c - start);
                    if (at + 2 > pith_rd_size(&r)) break;
                    g = be16(r.base + at);
                    if (g) g = (g + d) & 0xFFFF;
                }
                cmap_put(m, c, g);
            }
            next = end + 1;
        }
    } else if (format == 6) {
        pith_rd_skip(&r, 4);
        uint32_t first = pith_rd_u16be(&r), count = pith_rd_u16be(&r);
        if (r.bad || (size_t)count * 2 > pith_rd_left(&r) || !work(e, count)) return;
        for (uint32_t i = 0; i < count && first + i <= 0xFFFF; i++)
            cmap_put(m, first + i, be16(r.p + 2 * i));
    } else if (format == 12) {
        pith_rd_skip(&r, 10);
        uint32_t n = pith_rd_u32be(&r);
        if (r.bad || n > pith_rd_left(&r) / 12) return;
        uint32_t next = 0;
        for (uint32_t i = 0; i < n && next <= 0x10FFFF; i++) {
            uint32_t start = pith_rd_u32be(&r), end = pith_rd_u32be(&r);
            uint32_t g0 = pith_rd_u32be(&r);
            if (r.bad) return;
            if (end > 0x10FFFF) end = 0x10FFFF;
            if (start < next) {
                if (g0 + (next - start) < g0) continue;
                g0 += next - start;
                start = next;
            }
            if (start > end) continue;
            if (!work(e, end - start + 1)) return;
            for (uint32_t c = start; c <= end; c++) {
                uint32_t g = g0 + (c - start);
                if (g >= m->ngid) break;
                cmap_put(m, c, g);
            }
            next = end + 1;
        }
    }
}

/* MARK: - TrueType post */

/* Glyph names from 'post' into out->gid_names (formats 1 and 2). */
static void post_names(emb *e, const pith_rd *post, uint32_t ngid)
{
    pith_rd r = *post;
    uint32_t version = pith_rd_u32be(&r);
    if (r.bad) return;
    pdf_embedded *o = e->out;
    if (version == 0x00010000u) {
        uint32_t n = ngid < 258 ? ngid : 258;
        o->gid_names = alloc0(e, n ? n : 1, sizeof *o->gid_names);
        if (!o->gid_names) return;
        for (uint32_t g = 0; g < n; g++)
            o->gid_names[g] = pdf_mac_glyph_names_text + pdf_mac_glyph_names[g];
        o->ngid_names = n;
        return;
    }
    if (version != 0x00020000u) return;
    pith_rd_seek(&r, 32);
    uint32_t n = pith_rd_u16be(&r);
    if (n > ngid) n = ngid;
    const uint8_t *idx = pith_rd_span(&r, (size_t)n * 2);
    if (r.bad || !work(e, (uint64_t)n + pith_rd_left(&r))) return;
    /* The Pascal strings after the indices: count them, then copy them NUL-terminated. */
    size_t left = pith_rd_left(&r), nstr = 0;
    for (size_t p = 0; p < left; p += 1 + (size_t)r.p[p]) nstr++;
    const char **strs = alloc0(e, nstr ? nstr : 1, sizeof *strs);
    char *text = alloc0(e, left + 1, 1);
    o->gid_names = alloc0(e, n ? n : 1, sizeof *o->gid_names);
    if (!strs || !text || !o->gid_names) return;
    size_t k = 0;
    for (size_t p = 0; p < left && k < nstr; k++) {
        size_t len = r.p[p];
        if (len > left - p - 1) len = left - p - 1;  /* the last string, cut short */
        memcpy(text + p, r.p + p + 1, len);
        text[p + len] = 0;
        strs[k] = text + p;
        p += 1 + (size_t)r.p[p];
    }
    for (uint32_t g = 0; g < n; g++) {
        uint32_t i = be16(idx + 2 * g);
        if (i < 258)
            o->gid_names[g] = pdf_mac_glyph_names_text + pdf_mac_glyph_names[i];
        else if (i - 258 < k)
            o->gid_names[g] = strs[i - 258];
    }
    o->ngid_names = n;
}

/* MARK: - TrueType without cmap or post */

/* A subset TrueType font that kept neither cmap nor post (Acrobat Distiller writes them for
 * CID fonts without /ToUnicode) still has its original glyph order, and most Latin fonts
 * (Microsoft's core fonts, Segoe, Calibri, Cambria...) start with the 258 standard Macintosh
 * glyphs in that order, as a 'post' format 1 table would say. The order is taken only when
 * the advance widths in 'hmtx' (subsetters keep the whole table) show it: the ten digits
 * share one width, accented letters have their base letter's width, and 'm' is wider than
 * 'i' (not a monospaced or empty table, where every check would pass). pdftotext gives the
 * glyph ids as text for these fonts (an alphabet shifted by 29). */

/* Standard Macintosh glyph ids with the same advance: an accented letter and its base
 * letter, and pairs of quotes. The first rows check ids up to 129 (ASCII and the accented
 * letters of Mac Roman), the rest the upper ids 130..257, where fonts part ways more often
 * (Segoe UI leaves the standard order near 138): each range is taken only if it passes. */
#define MAC_LOW_PAIRS 31u
static const uint8_t mac_same_width[][2] = {
    {98, 36}, {99, 36}, {100, 38}, {101, 40}, {102, 49}, {103, 50}, {104, 56},
    {105, 68}, {106, 68}, {107, 68}, {108, 68}, {109, 68}, {110, 68}, {111, 70},
    {112, 72}, {113, 72}, {114, 72}, {115, 72}, {120, 81}, {121, 82}, {122, 82},
    {123, 82}, {124, 82}, {125, 82}, {126, 88}, {127, 88}, {128, 88}, {129, 88},
    {116, 117}, {116, 118}, {116, 119},
    /* upper */
    {173, 36}, {174, 36}, {175, 50}, {199, 36}, {200, 40}, {201, 36}, {202, 40},
    {203, 40}, {204, 44}, {205, 44}, {206, 44}, {207, 44}, {208, 50}, {209, 50},
    {211, 50}, {212, 56}, {213, 56}, {214, 56}, {180, 181}, {182, 183}, {186, 92},
    {187, 60}, {228, 54}, {229, 86}, {230, 61}, {231, 93}, {235, 60}, {236, 92},
};

/* Advance width of glyph g from hmtx (n long metrics), or UINT32_MAX when out of range. */
static uint32_t hmtx_width(const pith_rd *hmtx, uint32_t nlong, uint32_t g)
{
    uint64_t at = (uint64_t)(g < nlong ? g : nlong - 1) * 4;
    if (nlong == 0 || at + 2 > pith_rd_size(hmtx)) return UINT32_MAX;
    return be16(hmtx->base + at);
}

/* Whether 9 in 10 of pairs [from, to) have equal widths. */
static bool mac_pairs(const pith_rd *hmtx, uint32_t nlong, uint32_t from, uint32_t to)
{
    uint32_t same = 0;
    for (uint32_t i = from; i < to; i++) {
        uint32_t a = hmtx_width(hmtx, nlong, mac_same_width[i][0]);
        if (a != UINT32_MAX && a == hmtx_width(hmtx, nlong, mac_same_width[i][1])) same++;
    }
    return same * 10 >= (to - from) * 9;
}

/* How many glyph ids (0, 130, 138 or 258) follow the standard Macintosh order by the widths. */
static uint32_t mac_order(const pith_rd *hhea, const pith_rd *hmtx, uint32_t ngid)
{
    pith_rd h = *hhea;
    if (ngid < 130) return 0;
    pith_rd_skip(&h, 34);
    uint32_t nlong = pith_rd_u16be(&h);
    if (h.bad || nlong < 130 || nlong > ngid) return 0;
    uint32_t w0 = hmtx_width(hmtx, nlong, 19);
    for (uint32_t g = 20; g <= 28; g++)
        if (hmtx_width(hmtx, nlong, g) != w0) return 0;
    uint32_t wi = hmtx_width(hmtx, nlong, 76), wm = hmtx_width(hmtx, nlong, 80);
    if (w0 == UINT32_MAX || wi == UINT32_MAX || wm == UINT32_MAX || wm <= wi) return 0;
    if (!mac_pairs(hmtx, nlong, 0, MAC_LOW_PAIRS)) return 0;
    /* cent and sterling (132, 133) on the digits' width take the ids up to germandbls */
    if (nlong < 138 || hmtx_width(hmtx, nlong, 132) != w0 || hmtx_width(hmtx, nlong, 133) != w0)
        return 130;
    uint32_t all = (uint32_t)(sizeof mac_same_width / sizeof mac_same_width[0]);
    if (nlong < 258 || !mac_pairs(hmtx, nlong, MAC_LOW_PAIRS, all)) return 138;
    uint32_t en = hmtx_width(hmtx, nlong, 178), em = hmtx_width(hmtx, nlong, 179);
    return en < em ? 258 : 138;
}

static void mac_names(emb *e, uint32_t n)
{
    pdf_embedded *o = e->out;
    o->gid_names = alloc0(e, n, sizeof *o->gid_names);
    if (!o->gid_names) return;
    for (uint32_t g = 0; g < n; g++)
        o->gid_names[g] = pdf_mac_glyph_names_text + pdf_mac_glyph_names[g];
    o->ngid_names = n;
}

/* MARK: - CFF */

typedef struct cff_index {
    uint32_t count, offsize;
    size_t offs, data;   /* positions in the CFF data: offset array, byte before item data */
    size_t end;          /* position after the INDEX */
} cff_index;

/* Read an INDEX at pos; false when it does not fit. */
static bool cff_index_read(const pith_rd *cff, size_t pos, cff_index *x)
{
    pith_rd r = *cff;
    memset(x, 0, sizeof *x);
    pith_rd_seek(&r, pos);
    x->count = pith_rd_u16be(&r);
    if (r.bad) return false;
    if (x->count == 0) {
        x->end = pos + 2;
        return true;
    }
    x->offsize = pith_rd_u8(&r);
    if (r.bad || x->offsize < 1 || x->offsize > 4) return false;
    x->offs = pith_rd_pos(&r);
    size_t need = ((size_t)x->count + 1) * x->offsize;
    if (need > pith_rd_left(&r)) return false;
    x->data = x->offs + need - 1;  /* offsets are 1-based */
    uint64_t last = 0;
    const uint8_t *lp = r.base + x->offs + (size_t)x->count * x->offsize;
    for (uint32_t b = 0; b < x->offsize; b++) last = last << 8 | lp[b];
    if (last < 1 || last > pith_rd_size(&r) - x->data) return false;
    x->end = x->data + last;
    return true;
}

static uint64_t cff_off(const pith_rd *cff, const cff_index *x, uint32_t i)
{
    const uint8_t *p = cff->base + x->offs + (size_t)i * x->offsize;
    uint64_t v = 0;
    for (uint32_t b = 0; b < x->offsize; b++) v = v << 8 | p[b];
    return v;
}

/* Item i: a reader over its bytes (bad when its offsets are out of order or out of range). */
static pith_rd cff_item(const pith_rd *cff, const cff_index *x, uint32_t i)
{
    if (i >= x->count) return pith_rd_at(cff, pith_rd_size(cff) + 1, 0);
    uint64_t a = cff_off(cff, x, i), b = cff_off(cff, x, i + 1);
    if (a < 1 || b < a || x->data + b > x->end) return pith_rd_at(cff, pith_rd_size(cff) + 1, 0);
    return pith_rd_at(cff, x->data + a, b - a);
}

typedef struct cff_top {
    int64_t charset, encoding, charstrings;
    bool ros;
} cff_top;

/* The Top DICT's operators that matter here (TN 5176 §4). */
static void cff_dict(emb *e, pith_rd r, cff_top *t)
{
    int64_t stack[CFF_STACK];
    uint32_t n = 0;
    while (!r.bad && pith_rd_left(&r) > 0) {
        if (!work(e, 1)) return;
        uint32_t b0 = pith_rd_u8(&r);
        int64_t v;
        if (b0 <= 21) {
            uint32_t op = b0 == 12 ? 1200u + pith_rd_u8(&r) : b0;
            if (n > 0) {
                if (op == 15) t->charset = stack[n - 1];
                if (op == 16) t->encoding = stack[n - 1];
                if (op == 17) t->charstrings = stack[n - 1];
            }
            if (op == 1230) t->ros = true;
            n = 0;
            continue;
        }
        if (b0 == 28) {
            v = (int16_t)pith_rd_u16be(&r);
        } else if (b0 == 29) {
            v = (int32_t)pith_rd_u32be(&r);
        } else if (b0 == 30) {
            /* a real: nibbles up to an 0xF one; its value is never an offset we use */
            uint8_t b;
            do b = pith_rd_u8(&r);
            while (!r.bad && (b & 0x0F) != 0x0F && (b >> 4) != 0x0F);
            v = 0;
        } else if (b0 >= 32 && b0 <= 246) {
            v = (int64_t)b0 - 139;
        } else if (b0 >= 247 && b0 <= 250) {
            v = ((int64_t)b0 - 247) * 256 + pith_rd_u8(&r) + 108;
        } else if (b0 >= 251 && b0 <= 254) {
            v = -((int64_t)b0 - 251) * 256 - pith_rd_u8(&r) - 108;
        } else {
            continue;  /* reserved byte */
        }
        if (n == CFF_STACK) n = 0;  /* overflow: a broken DICT; start over */
        stack[n++] = v;
    }
}

/* A SID's name: standard string, or String INDEX item (copied once into `strs`). */
static const char *cff_sid(uint32_t sid, const char **strs, uint32_t nstrs)
{
    if (sid < 391) return pdf_cff_std_strings_text + pdf_cff_std_strings[sid];
    return sid - 391 < nstrs ? strs[sid - 391] : NULL;
}

static pith_status cff_parse(emb *e, const uint8_t *data, size_t len)
{
    pdf_embedded *o = e->out;
    pith_rd cff = pith_rd_make(data, len), r = cff;
    uint32_t major = pith_rd_u8(&r);
    pith_rd_skip(&r, 1);
    uint32_t hdr = pith_rd_u8(&r);
    if (r.bad || major != 1 || hdr < 4) return bad(e, "cff: bad header");
    cff_index names, top, strings;
    if (!cff_index_read(&cff, hdr, &names) || !cff_index_read(&cff, names.end, &top) ||
        !cff_index_read(&cff, top.end, &strings))
        return bad(e, "cff: index out of bounds");
    cff_top t = {0, 0, 0, false};
    pith_rd td = cff_item(&cff, &top, 0);
    if (td.bad) return bad(e, "cff: no top dict");
    cff_dict(e, td, &t);
    if (e->st) return e->st;
    if (t.ros) {
        /* CID-keyed: the charset holds CIDs, not names (TN 5176 §18). Nothing to give. */
        o->cid_keyed = true;
        return PITH_OK;
    }
    cff_index cs;
    if (t.charstrings <= 0 || !cff_index_read(&cff, (size_t)t.charstrings, &cs) || cs.count == 0)
        return bad(e, "cff: no charstrings");
    uint32_t ng = cs.count < NGLYPHS_MAX ? cs.count : NGLYPHS_MAX;
    /* The String INDEX copied once, NUL-terminated. */
    const char **strs = alloc0(e, strings.count ? strings.count : 1, sizeof *strs);
    if (!strs || !work(e, strings.count)) return e->st;
    for (uint32_t i = 0; i < strings.count; i++) {
        pith_rd it = cff_item(&cff, &strings, i);
        if (!it.bad) strs[i] = str_copy(e, it.p, pith_rd_left(&it));
        if (e->st) return e->st;
    }
    const char **gn = alloc0(e, ng, sizeof *gn);
    if (!gn || !work(e, ng)) return e->st;
    gn[0] = ".notdef";
    if (t.charset == 0) {
        for (uint32_t g = 1; g < ng && g < 229; g++) gn[g] = cff_sid(g, strs, strings.count);
    } else if (t.charset > 2) {
        pith_rd c = cff;
        pith_rd_seek(&c, (uint64_t)t.charset);
        uint32_t fmt = pith_rd_u8(&c);
        for (uint32_t g = 1; g < ng && !c.bad;) {
            if (fmt == 0) {
                gn[g++] = cff_sid(pith_rd_u16be(&c), strs, strings.count);
                continue;
            }
            if (fmt != 1 && fmt != 2) break;
            uint32_t first = pith_rd_u16be(&c);
            uint32_t left = fmt == 1 ? pith_rd_u8(&c) : pith_rd_u16be(&c);
            if (c.bad) break;
            for (uint32_t k = 0; k <= left && g < ng; k++)
                gn[g++] = first + k <= 0xFFFF ? cff_sid(first + k, strs, strings.count) : NULL;
        }
    }  /* 1, 2: Expert charsets, left out */
    o->gid_names = gn;
    o->ngid_names = ng;
    /* The built-in encoding: Standard (0) and Expert (1) are pdf_font's tables already. */
    if (t.encoding > 1) {
        pith_rd c = cff;
        pith_rd_seek(&c, (uint64_t)t.encoding);
        uint32_t fmt = pith_rd_u8(&c);
        uint32_t g = 1;
        if ((fmt & 0x7F) == 0) {
            uint32_t n = pith_rd_u8(&c);
            for (uint32_t i = 0; i < n && !c.bad; i++, g++) {
                uint32_t code = pith_rd_u8(&c);
                if (!c.bad && g < ng && gn[g]) o->names[code] = gn[g];
            }
        } else if ((fmt & 0x7F) == 1) {
            uint32_t n = pith_rd_u8(&c);
            for (uint32_t i = 0; i < n && !c.bad; i++) {
                uint32_t first = pith_rd_u8(&c), left = pith_rd_u8(&c);
                for (uint32_t k = 0; k <= left && first + k < 256 && !c.bad; k++, g++)
                    if (g < ng && gn[g]) o->names[first + k] = gn[g];
            }
        }
        if ((fmt & 0x80) && !c.bad) {
            uint32_t n = pith_rd_u8(&c);
            for (uint32_t i = 0; i < n && !c.bad; i++) {
                uint32_t code = pith_rd_u8(&c), sid = pith_rd_u16be(&c);
                const char *nm = cff_sid(sid, strs, strings.count);
                if (!c.bad && nm) o->names[code] = nm;
            }
        }
        for (uint32_t code = 0; code < 256; code++)
            if (o->names[code]) o->have_names = true;
    }
    return PITH_OK;
}

/* MARK: - TrueType / OpenType */

static uint32_t tag(const char *s)
{
    return (uint32_t)(uint8_t)s[0] << 24 | (uint32_t)(uint8_t)s[1] << 16 |
           (uint32_t)(uint8_t)s[2] << 8 | (uint8_t)s[3];
}

static pith_status sfnt_parse(emb *e, const uint8_t *data, size_t len)
{
    pdf_embedded *o = e->out;
    pith_rd all = pith_rd_make(data, len), r = all;
    uint32_t ver = pith_rd_u32be(&r);
    if (ver == tag("ttcf")) {
        /* A collection: the first font (a PDF embeds one face; some producers wrap it). */
        pith_rd_skip(&r, 4);
        uint32_t nfonts = pith_rd_u32be(&r), off = pith_rd_u32be(&r);
        if (r.bad || nfonts == 0) return bad(e, "truetype: empty collection");
        pith_rd_seek(&r, off);
        ver = pith_rd_u32be(&r);
    }
    if (r.bad || (ver != 0x00010000u && ver != tag("true") && ver != tag("OTTO")))
        return bad(e, "truetype: not an sfnt");
    uint32_t ntab = pith_rd_u16be(&r);
    pith_rd_skip(&r, 6);
    if (r.bad || ntab > SFNT_TABLES_MAX || (size_t)ntab * 16 > pith_rd_left(&r))
        return bad(e, "truetype: table directory out of bounds");
    pith_rd cmap = {0}, post = {0}, maxp = {0}, cff = {0}, hhea = {0}, hmtx = {0};
    bool have_cmap = false, have_post = false, have_maxp = false, have_cff = false;
    bool have_hmtx = false;
    for (uint32_t i = 0; i < ntab; i++) {
        uint32_t t = pith_rd_u32be(&r);
        pith_rd_skip(&r, 4);
        uint32_t off = pith_rd_u32be(&r), n = pith_rd_u32be(&r);
        pith_rd tb = pith_rd_at(&all, off, n);
        if (tb.bad) {
            /* Producers often write a table's length a little long at the end of the file. */
            tb = pith_rd_at(&all, off, off <= len ? len - off : 0);
            if (tb.bad) continue;
        }
        tb.base = tb.p;  /* offsets inside a table are relative to its start */
        if (t == tag("cmap")) cmap = tb, have_cmap = true;
        if (t == tag("post")) post = tb, have_post = true;
        if (t == tag("maxp")) maxp = tb, have_maxp = true;
        if (t == tag("CFF ")) cff = tb, have_cff = true;
        if (t == tag("hhea")) hhea = tb;
        if (t == tag("hmtx")) hmtx = tb, have_hmtx = true;
    }
    uint32_t ngid = NGLYPHS_MAX - 1;
    if (have_maxp) {
        pith_rd_skip(&maxp, 4);
        uint32_t n = pith_rd_u16be(&maxp);
        if (!maxp.bad && n > 0) ngid = n;
    }
    if (have_cff) {
        o->kind = PDF_EMB_CFF;
        pith_status st = cff_parse(e, cff.p, pith_rd_left(&cff));
        if (st != PITH_OK && st != PITH_E_FORMAT) return st;
        memset(o->names, 0, sizeof o->names);  /* in OpenType the cmap is the encoding */
        o->have_names = false;
        o->cid_keyed = false;
    }
    if (have_post && !o->gid_names) post_names(e, &post, ngid);
    if (e->st) return e->st;
    /* No cmap and no post names (subset CID fonts often keep neither): the standard
     * Macintosh order when the widths show it, else nothing to give, and nothing wrong with
     * the font either, so no warning. */
    if (!have_cmap) {
        uint32_t n = !o->gid_names && !have_cff && have_hmtx ? mac_order(&hhea, &hmtx, ngid) : 0;
        if (n) mac_names(e, n);
        return e->st;
    }
    /* Subtables by platform/encoding: (3,10) or (3,1) Unicode, (3,0) symbol, (1,0) Mac. */
    pith_rd c = cmap;
    pith_rd_skip(&c, 2);
    uint32_t nsub = pith_rd_u16be(&c);
    uint32_t off31 = 0, off310 = 0, off30 = 0, off10 = 0;
    bool h31 = false, h310 = false, h30 = false, h10 = false;
    if (!work(e, nsub)) return e->st;
    for (uint32_t i = 0; i < nsub && !c.bad; i++) {
        uint32_t pid = pith_rd_u16be(&c), eid = pith_rd_u16be(&c), off = pith_rd_u32be(&c);
        if (c.bad) break;
        if (pid == 3 && eid == 1 && !h31) off31 = off, h31 = true;
        if (pid == 3 && eid == 10 && !h310) off310 = off, h310 = true;
        if (pid == 3 && eid == 0 && !h30) off30 = off, h30 = true;
        if (pid == 1 && eid == 0 && !h10) off10 = off, h10 = true;
    }
    cmap_map *mu = alloc0(e, 1, sizeof *mu), *ms = alloc0(e, 1, sizeof *ms);
    cmap_map *mm = alloc0(e, 1, sizeof *mm);
    if (!mu || !ms || !mm) return e->st;
    mu->ngid = ms->ngid = mm->ngid = ngid;
    if (h31 || h310) {
        mu->gid_uni = alloc0(e, ngid, sizeof *mu->gid_uni);
        if (!mu->gid_uni) return e->st;
        if (h31) cmap_walk(e, &cmap, off31, mu);
        if (h310) cmap_walk(e, &cmap, off310, mu);
        if (mu->any) {
            o->gid_uni = mu->gid_uni;
            o->ngid = ngid;
        }
    }
    if (h30) cmap_walk(e, &cmap, off30, ms);
    if (h10) cmap_walk(e, &cmap, off10, mm);
    if (e->st) return e->st;
    o->symbolic_cmap = ms->any;
    for (uint32_t code = 0; code < 256; code++) {
        uint32_t g = ms->f0[code] ? ms->f0[code] : ms->low[code] ? ms->low[code]
                   : mm->low[code] ? mm->low[code] : mu->low[code];
        if (mu->low[code])
            o->uni[code] = code;
        else if (g && o->gid_uni && o->gid_uni[g])
            o->uni[code] = o->gid_uni[g];
        if (g && g < o->ngid_names && o->gid_names[g] && strcmp(o->gid_names[g], ".notdef") != 0)
            o->names[code] = o->gid_names[g];
        if (o->uni[code]) o->have_uni = true;
        if (o->names[code]) o->have_names = true;
    }
    if (!mu->any && !ms->any && !mm->any && !o->gid_names)
        return bad(e, "truetype: cmap maps nothing");
    return PITH_OK;
}

/* MARK: - Type 1 */

/* The next token of PostScript cleartext: a name (with its '/'), a word, a number, or one of
 * [ ] { }. Strings and comments are skipped. Returns its length, 0 at the end. */
static size_t ps_token(pith_rd *r, const uint8_t **tok)
{
    for (;;) {
        while (pith_rd_left(r) && (*r->p <= ' ')) r->p++;
        if (!pith_rd_left(r)) return 0;
        if (*r->p == '%') {
            while (pith_rd_left(r) && *r->p != '\n' && *r->p != '\r') r->p++;
            continue;
        }
        if (*r->p == '(') {
            uint32_t depth = 0;
            while (pith_rd_left(r)) {
                uint8_t ch = *r->p++;
                if (ch == '\\' && pith_rd_left(r)) r->p++;
                else if (ch == '(') depth++;
                else if (ch == ')' && --depth == 0) break;
            }
            continue;
        }
        break;
    }
    *tok = r->p;
    if (strchr("[]{}", *r->p)) {
        r->p++;
        return 1;
    }
    const uint8_t *s = r->p++;
    while (pith_rd_left(r) && *r->p > ' ' && !strchr("/[]{}()%<>", *r->p)) r->p++;
    return (size_t)(r->p - s);
}

static bool tok_is(const uint8_t *t, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(t, w, n) == 0;
}

static pith_status type1_parse(emb *e, const uint8_t *data, size_t len)
{
    pdf_embedded *o = e->out;
    pith_rd r = pith_rd_make(data, len);
    if (len >= 6 && data[0] == 0x80 && data[1] == 1) {
        /* PFB: the first segment is the cleartext */
        uint32_t n = pith_le32(data + 2);
        r = pith_rd_at(&r, 6, n <= len - 6 ? n : len - 6);
    }
    /* Only the cleartext, up to "eexec" */
    const uint8_t *p = r.p;
    size_t n = pith_rd_left(&r);
    static const char key[] = "/Encoding";
    size_t enc = SIZE_MAX;
    for (size_t i = 0; i + 5 <= n; i++) {
        if (memcmp(p + i, "eexec", 5) == 0) {
            n = i;
            break;
        }
        if (enc == SIZE_MAX && i + 9 <= n && memcmp(p + i, key, 9) == 0) enc = i + 9;
    }
    if (!work(e, n / 64 + 1)) return e->st;
    if (enc == SIZE_MAX || enc > n) return bad(e, "type1: no /Encoding in the cleartext");
    pith_rd t = pith_rd_make(p, n);
    t.p = p + enc;
    const uint8_t *tk[3] = {NULL, NULL, NULL};
    size_t tn[3] = {0, 0, 0};
    const uint8_t *s;
    size_t sn = ps_token(&t, &s);
    if (sn && tok_is(s, sn, "StandardEncoding")) return PITH_OK;  /* pdf_font's own table */
    bool literal = sn == 1 && s[0] == '[';
    uint32_t code = 0;
    for (; sn; sn = ps_token(&t, &s)) {
        if (!work(e, 1)) return e->st;
        if (tok_is(s, sn, "def") || tok_is(s, sn, "readonly")) break;
        if (literal) {
            if (s[0] == ']') break;
            if (s[0] == '/' && code < 256) o->names[code] = str_copy(e, s + 1, sn - 1);
            code++;
        } else if (tok_is(s, sn, "put") && tk[0] && tok_is(tk[0], tn[0], "dup") && tn[2] > 1 &&
                   tk[2][0] == '/') {
            /* dup <code> /<name> put */
            uint32_t c = 0;
            bool num = tn[1] > 0 && tn[1] <= 3;
            for (size_t i = 0; num && i < tn[1]; i++) {
                if (tk[1][i] < '0' || tk[1][i] > '9') num = false;
                else c = c * 10 + (tk[1][i] - '0');
            }
            if (num && c < 256) o->names[c] = str_copy(e, tk[2] + 1, tn[2] - 1);
        }
        tk[0] = tk[1], tn[0] = tn[1];
        tk[1] = tk[2], tn[1] = tn[2];
        tk[2] = s, tn[2] = sn;
        if (e->st) return e->st;
    }
    for (uint32_t c = 0; c < 256; c++)
        if (o->names[c]) o->have_names = true;
    return o->have_names ? PITH_OK : bad(e, "type1: /Encoding names nothing");
}

/* MARK: - Entry points */

/* Parse one program; returns the reason of a format failure (static), *st the status. */
static const char *parse_why(pith_doc *doc, pdf_embedded_kind kind, const uint8_t *data,
                             size_t len, pith_arena *a, pdf_embedded *out, pith_status *st)
{
    memset(out, 0, sizeof *out);
    emb e = {doc, a, out, NULL, PITH_OK};
    out->kind = (uint8_t)kind;
    if (!data) len = 0;
    if (kind == PDF_EMB_TYPE1)
        *st = type1_parse(&e, data, len);
    else if (kind == PDF_EMB_CFF)
        *st = cff_parse(&e, data, len);
    else if (kind == PDF_EMB_TRUETYPE)
        *st = sfnt_parse(&e, data, len);
    else
        *st = PITH_OK;
    if (e.st != PITH_OK) *st = e.st;
    return e.why ? e.why : "unreadable font program";
}

pith_status pdf_embedded_parse(pith_doc *doc, pdf_embedded_kind kind, const uint8_t *data,
                               size_t len, pith_arena *a, pdf_embedded *out)
{
    pith_status st;
    (void)parse_why(doc, kind, data, len, a, out, &st);
    return st;
}

pith_status pdf_embedded_read(pdf_ctx *ctx, const pdf_obj *descriptor, pith_arena *a,
                              pdf_embedded *out)
{
    memset(out, 0, sizeof *out);
    const pdf_obj *d = pdf_resolve(ctx, descriptor);
    if (!pdf_is_dict(d)) return PITH_OK;
    pdf_embedded_kind kind = PDF_EMB_TYPE1;
    const pdf_obj *ff = pdf_dict_get(ctx, d, "FontFile");
    if (ff->kind != PDF_STREAM) {
        kind = PDF_EMB_TRUETYPE;
        ff = pdf_dict_get(ctx, d, "FontFile2");
    }
    if (ff->kind != PDF_STREAM) {
        ff = pdf_dict_get(ctx, d, "FontFile3");
        const pdf_obj *sub = pdf_dict_get(ctx, ff, "Subtype");
        if (pdf_is_name(sub, "Type1C") || pdf_is_name(sub, "CIDFontType0C"))
            kind = PDF_EMB_CFF;
        else if (pdf_is_name(sub, "OpenType"))
            kind = PDF_EMB_TRUETYPE;
        else
            return PITH_OK;
    }
    if (ff->kind != PDF_STREAM) return PITH_OK;
    const uint8_t *data = NULL;
    size_t len = 0;
    pith_status st = pdf_stream_decode(ctx, ff, NULL, &data, &len);
    if (pith_doc_status(ctx->doc) != PITH_OK) return pith_doc_status(ctx->doc);
    if (st != PITH_OK || !data) {
        memset(out, 0, sizeof *out);
        return pith_warn(ctx->doc, st != PITH_OK ? st : PITH_E_FORMAT, 0,
                         "embedded: font program of object %u not decoded", ff->u.stream.num);
    }
    const char *why = parse_why(ctx->doc, kind, data, len, a, out, &st);
    if (st == PITH_E_FORMAT) {
        bool some = out->have_names || out->have_uni || out->gid_uni || out->gid_names ||
                    out->cid_keyed;
        if (!some) out->kind = PDF_EMB_NONE;
        return pith_warn(ctx->doc, PITH_E_FORMAT, 0, "embedded: %s (font program object %u)",
                         why, ff->u.stream.num);
    }
    return st;
}
