/* pdf_meta.c: document metadata (ISO 32000-1 §14.3.3 Info dictionary, §14.3.2 XMP metadata
 * streams) and text strings (§7.9.2.2: PDFDocEncoding, UTF-16BE with BOM; UTF-16LE with BOM as
 * written by some producers; UTF-8 with BOM from ISO 32000-2).
 *
 * Keys: title, author, subject, keywords, creator, producer, created, modified (dates as ISO
 * 8601, "2017-05-03T10:22:41+02:00", from "D:20170503102241+02'00'" and its broken variants;
 * a date that cannot be read is kept as written), then pages, pdf_version, encrypted. A field
 * the Info dictionary lacks is taken from the catalog's XMP packet (dc:title, dc:creator,
 * dc:description, pdf:Keywords, pdf:Producer, xmp:CreatorTool, xmp:CreateDate,
 * xmp:ModifyDate), read with src/xml.h; a broken packet is a warning.
 */
#include "pdf.h"

#include <string.h>

#include "fmt.h"
#include "utf.h"
#include "xml.h"

/* MARK: - Text strings */

/* PDFDocEncoding (Annex D, Table D.2): where it differs from ISO 8859-1. 0 = undefined
 * (0x7F, 0x9F); 0xAD is kept as the soft hyphen Latin-1 has there. */
static const uint16_t pdfdoc_18_1f[8] = {0x02D8, 0x02C7, 0x02C6, 0x02D9,
                                         0x02DD, 0x02DB, 0x02DA, 0x02DC};
static const uint16_t pdfdoc_80_a0[33] = {
    0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, /* 80-87 */
    0x2039, 0x203A, 0x2212, 0x2030, 0x201E, 0x201C, 0x201D, 0x2018, /* 88-8F */
    0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141, 0x0152, 0x0160, /* 90-97 */
    0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0x0000, /* 98-9F */
    0x20AC,                                                         /* A0 */
};

static uint32_t pdfdoc_char(uint8_t c)
{
    if (c >= 0x18 && c <= 0x1F) return pdfdoc_18_1f[c - 0x18];
    if (c >= 0x80 && c <= 0xA0) return pdfdoc_80_a0[c - 0x80];
    if (c == 0x7F) return 0;
    return c;
}

/* Drop the language escapes of UTF-16 text strings (§7.9.2.2: U+001B, a language code, U+001B)
 * and NULs some producers end strings with; in place, on UTF-8 bytes. */
static size_t clean_utf8(uint8_t *s, size_t n)
{
    size_t k = 0;
    bool in_esc = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0x1B) {
            in_esc = !in_esc;
            continue;
        }
        if (in_esc || s[i] == 0) continue;
        s[k++] = s[i];
    }
    return k;
}

/* s[0..n) as UTF-8, ill-formed sequences as U+FFFD, cleaned as above. */
static pith_str utf8_text(pith_arena *a, const uint8_t *s, size_t n)
{
    pith_str r = {"", 0};
    size_t cap = 3 * n + 3, used;
    uint8_t *o = pith_arena_alloc(a, cap);
    if (!o) return r;
    size_t k = pith_utf8_repair(s, n, true, o, cap, &used);
    r.p = (const char *)o;
    r.n = clean_utf8(o, k);
    return r;
}

pith_str pdf_text_string(pith_arena *a, const uint8_t *s, size_t n)
{
    pith_str r = {"", 0};
    if (!s || !n) return r;
    bool be = n >= 2 && s[0] == 0xFE && s[1] == 0xFF;
    bool le = n >= 2 && s[0] == 0xFF && s[1] == 0xFE;
    if (be || le) {
        size_t cap = pith_utf16_utf8_max(n - 2), used;
        uint8_t *o = pith_arena_alloc(a, cap);
        if (!o) return r;
        size_t k = pith_utf16_to_utf8(s + 2, n - 2, be, true, o, cap, &used);
        r.p = (const char *)o;
        r.n = clean_utf8(o, k);
        return r;
    }
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) return utf8_text(a, s + 3, n - 3);
    uint8_t *o = pith_arena_alloc(a, 3 * n);
    if (!o) return r;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = pdfdoc_char(s[i]);
        if (cp == 0) continue;
        k += pith_utf8_encode(cp, o + k);
    }
    r.p = (const char *)o;
    r.n = k;
    return r;
}

/* MARK: - Dates */

static bool digits(const uint8_t *s, size_t n, size_t at, size_t w, int *v)
{
    if (at > n || w > n - at) return false;
    int x = 0;
    for (size_t i = 0; i < w; i++) {
        if (s[at + i] < '0' || s[at + i] > '9') return false;
        x = x * 10 + (s[at + i] - '0');
    }
    *v = x;
    return true;
}

static size_t put2(char *o, int v)
{
    o[0] = (char)('0' + v / 10 % 10);
    o[1] = (char)('0' + v % 10);
    return 2;
}

/* "D:YYYYMMDDHHmmSSOHH'mm'" (§7.9.4) to ISO 8601 in buf (at least 32 bytes); every field after
 * the year is optional. Tolerated: no "D:", spaces, "Z" with or without an offset after it,
 * "+0200", "+02'00", a missing apostrophe. Returns the length, 0 when not a date. */
static size_t pdf_date_iso(const uint8_t *s, size_t n, char *buf)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (n - i >= 2 && s[i] == 'D' && s[i + 1] == ':') i += 2;
    while (i < n && s[i] == ' ') i++;
    int y, mo = 1, d = 1, h = 0, mi = 0, se = 0;
    if (!digits(s, n, i, 4, &y)) return 0;
    i += 4;
    bool has_mo = digits(s, n, i, 2, &mo);
    if (has_mo) i += 2;
    bool has_d = has_mo && digits(s, n, i, 2, &d);
    if (has_d) i += 2;
    bool has_h = has_d && digits(s, n, i, 2, &h);
    if (has_h) i += 2;
    bool has_mi = has_h && digits(s, n, i, 2, &mi);
    if (has_mi) i += 2;
    bool has_s = has_mi && digits(s, n, i, 2, &se);
    if (has_s) i += 2;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return 0;
    size_t k = 0;
    k += put2(buf + k, y / 100);
    k += put2(buf + k, y % 100);
    if (!has_mo) return k;
    buf[k++] = '-';
    k += put2(buf + k, mo);
    if (!has_d) return k;
    buf[k++] = '-';
    k += put2(buf + k, d);
    if (!has_h) return k;
    buf[k++] = 'T';
    k += put2(buf + k, h);
    buf[k++] = ':';
    k += put2(buf + k, mi);
    buf[k++] = ':';
    k += put2(buf + k, se);
    while (i < n && s[i] == ' ') i++;
    if (i >= n) return k;
    uint8_t o = s[i];
    if (o == 'Z' || o == 'z') {
        i++;
        if (i >= n || (s[i] != '+' && s[i] != '-')) {
            buf[k++] = 'Z';
            return k;
        }
        o = s[i]; /* "Z+02'00'": the offset is what the writer meant */
    }
    if (o != '+' && o != '-') return k;
    i++;
    int oh, om = 0;
    if (!digits(s, n, i, 2, &oh) || oh > 23) return k;
    i += 2;
    while (i < n && (s[i] == '\'' || s[i] == ':')) i++;
    if (!digits(s, n, i, 2, &om) || om > 59) om = 0;
    if (oh == 0 && om == 0) {
        buf[k++] = 'Z';
        return k;
    }
    buf[k++] = (char)o;
    k += put2(buf + k, oh);
    buf[k++] = ':';
    k += put2(buf + k, om);
    return k;
}

/* MARK: - Fields */

enum { F_TITLE, F_AUTHOR, F_SUBJECT, F_KEYWORDS, F_CREATOR, F_PRODUCER, F_CREATED,
       F_MODIFIED, F_COUNT };

static const char *const field_key[F_COUNT] = {"title",   "author",   "subject", "keywords",
                                               "creator", "producer", "created", "modified"};
static const char *const info_key[F_COUNT] = {"Title",   "Author",   "Subject",      "Keywords",
                                              "Creator", "Producer", "CreationDate", "ModDate"};

typedef struct fields {
    pith_str v[F_COUNT];
} fields;

static pith_str trim(pith_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\n' || s.p[0] == '\r')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\n' ||
                   s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

static void set_date(pith_doc *doc, pith_str *dst, pith_str raw)
{
    char buf[40];
    size_t k = pdf_date_iso((const uint8_t *)raw.p, raw.n, buf);
    if (!k) {
        *dst = raw; /* kept as written */
        return;
    }
    char *c = pith_doc_alloc(doc, k);
    if (!c) return;
    memcpy(c, buf, k);
    dst->p = c;
    dst->n = k;
}

static void read_info(pdf_ctx *ctx, fields *f)
{
    const pdf_obj *info = pdf_dict_get(ctx, ctx->trailer, "Info");
    if (!pdf_is_dict(info)) return;
    ctx->info = (pdf_obj *)info;
    for (int i = 0; i < F_COUNT; i++) {
        const pdf_obj *v = pdf_dict_get(ctx, info, info_key[i]);
        pith_str s = {0};
        if (v->kind == PDF_STRING) s = pdf_text_string(pith_doc_arena(ctx->doc), v->u.s, v->n);
        /* a name is any bytes (UTF-8 by convention since PDF 2.0, §7.3.5) */
        else if (v->kind == PDF_NAME) s = utf8_text(pith_doc_arena(ctx->doc), v->u.s, v->n);
        s = trim(s);
        if (!s.n) continue;
        if (i == F_CREATED || i == F_MODIFIED) set_date(ctx->doc, &f->v[i], s);
        else f->v[i] = s;
    }
}

/* MARK: - XMP */

#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_PDF "http://ns.adobe.com/pdf/1.3/"
#define NS_XMP "http://ns.adobe.com/xap/1.0/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

typedef struct xmp_prop {
    const char *ns, *local;
    int field;
    bool list;  /* rdf:Seq/Bag of several values, joined with ", " */
} xmp_prop;

static const xmp_prop xmp_props[] = {
    {NS_DC, "title", F_TITLE, false},         {NS_DC, "creator", F_AUTHOR, true},
    {NS_DC, "description", F_SUBJECT, false}, {NS_PDF, "Keywords", F_KEYWORDS, false},
    {NS_DC, "subject", F_KEYWORDS, true},     {NS_XMP, "CreatorTool", F_CREATOR, false},
    {NS_PDF, "Producer", F_PRODUCER, false},  {NS_XMP, "CreateDate", F_CREATED, false},
    {NS_XMP, "ModifyDate", F_MODIFIED, false},
};
#define NPROPS (sizeof xmp_props / sizeof xmp_props[0])

typedef struct grow {
    char *p;
    size_t n, cap;
} grow;

static bool grow_put(pith_arena *a, grow *g, const char *s, size_t n)
{
    if (n > 4096 || g->n + n > 65536) return true; /* metadata fields are short; cap them */
    if (g->n + n > g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        while (cap < g->n + n) cap *= 2;
        char *v = pith_arena_alloc(a, cap);
        if (!v) return false;
        if (g->n) memcpy(v, g->p, g->n);
        g->p = v;
        g->cap = cap;
    }
    memcpy(g->p + g->n, s, n);
    g->n += n;
    return true;
}

/* An ISO 8601 XMP date, kept but for its fraction of seconds ("2017-05-03T10:22:41.25+02:00"). */
static pith_str xmp_date(pith_str s)
{
    return trim(s);
}

static void read_xmp(pdf_ctx *ctx, fields *f)
{
    const pdf_obj *m = pdf_dict_get(ctx, ctx->catalog, "Metadata");
    if (m->kind != PDF_STREAM) return;
    bool need = false;
    for (int i = 0; i < F_COUNT; i++) need |= f->v[i].n == 0;
    if (!need) return;
    pith_arena *a = pith_doc_arena(ctx->doc);
    const uint8_t *data;
    size_t len;
    if (pdf_stream_decode(ctx, m, a, &data, &len) != PITH_OK || !len) return;
    /* The packet may sit after junk (a <?xpacket ...?> is a PI the tokenizer skips). */
    pith_xml x;
    if (pith_xml_init_doc(&x, ctx->doc, a, data, len) != PITH_OK) return;
    grow val[F_COUNT];
    memset(val, 0, sizeof val);
    int cur = -1;          /* property being read */
    bool cur_list = false;
    uint32_t cur_depth = 0, items = 0;
    bool alt_done = false;
    pith_xml_token t;
    while (pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (pith_work(ctx->doc, 1) != PITH_OK) return;
        if (t.kind == PITH_XML_START) {
            if (cur < 0) {
                for (size_t i = 0; i < NPROPS; i++) {
                    if (!pith_xml_is(&t, xmp_props[i].ns, xmp_props[i].local)) continue;
                    int fi = xmp_props[i].field;
                    if (f->v[fi].n || val[fi].n) break; /* Info (or an earlier one) wins */
                    cur = fi;
                    cur_list = xmp_props[i].list;
                    cur_depth = t.depth;
                    items = 0;
                    alt_done = false;
                    break;
                }
                /* Properties written as attributes of rdf:Description. */
                if (cur < 0 && pith_xml_is(&t, NS_RDF, "Description")) {
                    for (size_t i = 0; i < NPROPS; i++) {
                        const pith_str *v = pith_xml_attr_get(&t, xmp_props[i].ns,
                                                              xmp_props[i].local);
                        int fi = xmp_props[i].field;
                        if (!v || f->v[fi].n || val[fi].n) continue;
                        if (!grow_put(a, &val[fi], v->p, v->n)) return;
                    }
                }
            } else if (pith_xml_is(&t, NS_RDF, "li")) {
                if (!cur_list && items > 0) alt_done = true; /* rdf:Alt: the first value */
                else if (items > 0 && val[cur].n && !grow_put(a, &val[cur], ", ", 2)) return;
                items++;
            }
        } else if (t.kind == PITH_XML_END) {
            if (cur >= 0 && t.depth == cur_depth) cur = -1;
        } else if (t.kind == PITH_XML_TEXT && cur >= 0 && !alt_done) {
            pith_str s = trim(t.text);
            if (s.n && !grow_put(a, &val[cur], s.p, s.n)) return;
        }
    }
    for (int i = 0; i < F_COUNT; i++) {
        if (f->v[i].n || !val[i].n) continue;
        pith_str s = {val[i].p, val[i].n};
        f->v[i] = i == F_CREATED || i == F_MODIFIED ? xmp_date(s) : trim(s);
    }
}

/* MARK: - Load */

pith_status pdf_meta_load(pdf_ctx *ctx)
{
    fields f;
    memset(&f, 0, sizeof f);
    read_info(ctx, &f);
    read_xmp(ctx, &f);
    pith_status st = pith_doc_status(ctx->doc);
    if (st != PITH_OK) return st;
    for (int i = 0; i < F_COUNT; i++) {
        if (!f.v[i].n) continue;
        if ((st = pith_doc_add_meta(ctx->doc, field_key[i], f.v[i].p, f.v[i].n)) != PITH_OK)
            return st;
    }
    char buf[24];
    size_t k = pith_fmt_u64(buf, ctx->npages);
    if ((st = pith_doc_add_meta(ctx->doc, "pages", buf, k)) != PITH_OK) return st;
    int v = ctx->version > 0 ? ctx->version : 14;
    buf[0] = (char)('0' + v / 10 % 10);
    buf[1] = '.';
    buf[2] = (char)('0' + v % 10);
    if ((st = pith_doc_add_meta(ctx->doc, "pdf_version", buf, 3)) != PITH_OK) return st;
    const char *enc = ctx->crypt ? "true" : "false";
    return pith_doc_add_meta(ctx->doc, "encrypted", enc, strlen(enc));
}
