/* test_pdf_cjk.c: the PDF handler's predefined CJK CMap packs (pdf_cjk.c) and embedded font
 * program tables (pdf_font_embedded.c).
 *
 * Expected values come from poppler-data's cMap files (Adobe's), read and parsed here
 * independently of tools/gen_cmap_packs.py (every cidrange/cidchar of every packed CMap, every
 * bfchar/bfrange of the Adobe-<Ordering>-UCS2 CID → Unicode CMaps), from entries of those
 * files read by eye, and from font programs built byte by byte in this file, whose
 * glyph names and code points are known by construction. Hostile cases (suites
 * pdf_cjk_hostile, pdf_embedded_hostile) corrupt one field each.
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "doc_util.h"
#include "../../handlers/pdf/pdf_cjk.h"
#include "../../handlers/pdf/pdf_embedded.h"

/* MARK: - Helpers */

static const char *pack_names[4] = {"cmap-japan1", "cmap-gb1", "cmap-cns1", "cmap-korea1"};
static const char *orderings[4] = {"Japan1", "GB1", "CNS1", "Korea1"};

typedef struct packs {
    pith_pack p[4];
    uint8_t *data[4];
} packs;

static void packs_load(packs *ps)
{
    char root[4096];
    if (!doc_source_root(root, sizeof root)) cr_skip("PITH_CORPUS not set: cannot find dist/data");
    for (int i = 0; i < 4; i++) {
        size_t n = 0;
        ps->data[i] = doc_pack_read(pack_names[i], &n);
        if (!ps->data[i])
            cr_skip("%s/dist/data/%s.bin not found (run /usr/bin/python3 tools/gen_cmap_packs.py)",
                    root, pack_names[i]);
        ps->p[i].name = pack_names[i];
        ps->p[i].data = ps->data[i];
        ps->p[i].len = n;
    }
}

static void packs_free(packs *ps)
{
    for (int i = 0; i < 4; i++) free(ps->data[i]);
}

/* A document whose handler runs `body` at open with a pdf_ctx over it, so pdf_cjk sees the
 * options' packs and records failures the way it does in a real PDF. */
static void (*body_fn)(pdf_ctx *ctx, void *ud);
static void *body_ud;

static pith_status body_open(pith_doc *doc, const uint8_t *d, size_t n, void **state)
{
    (void)d, (void)n, (void)state;
    pdf_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.doc = doc;
    body_fn(&ctx, body_ud);
    pith_doc_set_units(doc, 1, PITH_UNIT_PAGE);
    return pith_doc_status(doc);
}

static pith_status body_unit(pith_doc *doc, void *state, uint32_t index)
{
    (void)doc, (void)state, (void)index;
    return PITH_OK;
}

static const pith_handler body_handler = {"pdf", body_open, body_unit};

/* Run body over a document with the given packs; returns pith_open's status, err the
 * context's message. */
static pith_status with_doc(const pith_pack *p, size_t np, uint64_t max_work,
                            void (*fn)(pdf_ctx *, void *), void *ud, char *err, size_t cap)
{
    pith_ctx *c = pith_ctx_create(NULL);
    cr_assert(c != NULL);
    pith_options o = pith_options_default();
    o.packs = p;
    o.pack_count = np;
    o.limits.max_work = max_work;
    body_fn = fn;
    body_ud = ud;
    pith_doc *doc = NULL;
    pith_status st = pith_open_with(c, &body_handler, PITH_FMT_PDF, "x", 1, &o, &doc);
    if (err) snprintf(err, cap, "%s", pith_ctx_error(c).message);
    pith_close(doc);
    pith_ctx_destroy(c);
    return st;
}

/* MARK: - poppler-data, parsed here */

typedef struct src_range { uint32_t bytes, lo, hi, cid; } src_range;
typedef struct src_cmap {
    src_range *r;
    size_t n, cap;
    char use[64];
    int wmode;
} src_cmap;

static void hexval(const char *s, const char *e, uint32_t *v, uint32_t *bytes)
{
    *v = 0;
    *bytes = (uint32_t)(e - s) / 2;
    for (; s < e; s++) *v = *v << 4 | (uint32_t)(*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10);
}

/* cidrange and cidchar entries only (notdef ranges are not checked); /usecmap; /WMode. */
static bool src_read(const char *path, src_cmap *cm)
{
    size_t len;
    char *t = (char *)doc_read_path(path, &len);
    if (!t) return false;
    memset(cm, 0, sizeof *cm);
    char *u = strstr(t, " usecmap");
    if (u) {
        char *s = u;
        while (s > t && s[-1] != '/') s--;
        snprintf(cm->use, sizeof cm->use, "%.*s", (int)(u - s), s);
    }
    cm->wmode = strstr(t, "/WMode 1 def") != NULL;
    for (char *p = t; (p = strstr(p, "begincid")) != NULL;) {
        bool range = strncmp(p, "begincidrange", 13) == 0;
        char *end = strstr(p, range ? "endcidrange" : "endcidchar");
        cr_assert(end != NULL);
        p = strchr(p, '\n');
        while (p && p < end) {
            char *a = strchr(p, '<');
            if (!a || a > end) break;
            char *ae = strchr(a, '>');
            src_range r;
            hexval(a + 1, ae, &r.lo, &r.bytes);
            char *q = ae + 1;
            if (range) {
                char *b = strchr(q, '<'), *be = strchr(b, '>');
                uint32_t nb;
                hexval(b + 1, be, &r.hi, &nb);
                q = be + 1;
            } else {
                r.hi = r.lo;
            }
            r.cid = (uint32_t)strtoul(q, &q, 10);
            if (cm->n == cm->cap) {
                cm->cap = cm->cap ? cm->cap * 2 : 256;
                cm->r = realloc(cm->r, cm->cap * sizeof *cm->r);
                cr_assert(cm->r != NULL);
            }
            cm->r[cm->n++] = r;
            p = q;
        }
        p = end;
    }
    free(t);
    return true;
}

static bool src_covers(const src_cmap *cm, uint32_t bytes, uint32_t code)
{
    for (size_t i = 0; i < cm->n; i++)
        if (cm->r[i].bytes == bytes && code >= cm->r[i].lo && code <= cm->r[i].hi) return true;
    return false;
}

static uint32_t lookup(const pdf_cjk_cmap *c, uint32_t bytes, uint32_t code, size_t *used)
{
    uint8_t s[4];
    for (uint32_t b = 0; b < bytes; b++) s[b] = (uint8_t)(code >> (8 * (bytes - 1 - b)));
    uint32_t cid = 0xDEAD;
    *used = pdf_cjk_cmap_next(c, s, bytes, &cid);
    return cid;
}

/* Check c against cm's entries (first, last and a middle code of every range), and those of
 * the parent `pm` that cm does not override (a sample: every 7th range). */
static void check_cmap(const char *name, const pdf_cjk_cmap *c, const src_cmap *cm,
                       const src_cmap *pm)
{
    for (int pass = 0; pass < 2; pass++) {
        const src_cmap *s = pass ? pm : cm;
        if (!s) continue;
        for (size_t i = 0; i < s->n; i += pass ? 7 : 1) {
            const src_range *r = &s->r[i];
            uint32_t codes[3] = {r->lo, r->lo + (r->hi - r->lo) / 2, r->hi};
            for (int k = 0; k < 3; k++) {
                if (pass && src_covers(cm, r->bytes, codes[k])) continue;
                size_t used;
                uint32_t cid = lookup(c, r->bytes, codes[k], &used);
                cr_assert_eq(used, r->bytes, "%s: code %x (%u bytes) used %zu bytes", name,
                             codes[k], r->bytes, used);
                cr_assert_eq(cid, r->cid + (codes[k] - r->lo), "%s: code %x: cid %u, want %u",
                             name, codes[k], cid, r->cid + (codes[k] - r->lo));
            }
        }
    }
}

/* MARK: - CMaps against poppler-data */

typedef struct all_ud { int coll; unsigned checked; } all_ud;

static void check_collection(pdf_ctx *ctx, void *ud_)
{
    all_ud *ud = ud_;
    char dir[256];
    snprintf(dir, sizeof dir, "/usr/share/poppler/cMap/Adobe-%s", orderings[ud->coll]);
    DIR *d = opendir(dir);
    if (!d) cr_skip("poppler-data not installed (%s)", dir);
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.') continue;
        pith_status st;
        const pdf_cjk_cmap *c = pdf_cjk_cmap_get(ctx, ent->d_name, strlen(ent->d_name), &st);
        cr_assert_eq(st, PITH_OK, "%s: status %d", ent->d_name, st);
        if (!c) continue; /* not a code → CID CMap (the UCS2 and CID → code ones) */
        cr_assert_str_eq(pdf_cjk_cmap_collection(c), dir + strlen("/usr/share/poppler/cMap/"));
        char path[600], ppath[600];
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        src_cmap cm, pm;
        cr_assert(src_read(path, &cm));
        bool parent = false;
        if (cm.use[0]) {
            snprintf(ppath, sizeof ppath, "%s/%s", dir, cm.use);
            parent = src_read(ppath, &pm);
        }
        cr_assert_eq(pdf_cjk_cmap_vertical(c), cm.wmode == 1, "%s: wmode", ent->d_name);
        check_cmap(ent->d_name, c, &cm, parent ? &pm : NULL);
        free(cm.r);
        if (parent) free(pm.r);
        ud->checked++;
    }
    closedir(d);
}

static void run_collection(int coll, unsigned want_at_least)
{
    packs ps;
    packs_load(&ps);
    all_ud ud = {coll, 0};
    char err[512];
    pith_status st = with_doc(ps.p, 4, 0, check_collection, &ud, err, sizeof err);
    cr_assert_eq(st, PITH_OK, "%s", err);
    cr_assert_geq(ud.checked, want_at_least, "only %u cmaps of %s", ud.checked, orderings[coll]);
    packs_free(&ps);
}

Test(pdf_cjk, japan1_cmaps_match_poppler_data) { run_collection(0, 70); }
Test(pdf_cjk, gb1_cmaps_match_poppler_data) { run_collection(1, 25); }
Test(pdf_cjk, cns1_cmaps_match_poppler_data) { run_collection(2, 35); }
Test(pdf_cjk, korea1_cmaps_match_poppler_data) { run_collection(3, 20); }

/* Codes whose CIDs are read off poppler-data's files by eye: 90ms-RKSJ-H "<20> <7d> 231" and
 * "<829f> <82f1> 842", 90ms-RKSJ-V "<8141> <8142> 7887", UniJIS-UCS2-H "<3041> <3093> 842". */
static void spot(pdf_ctx *ctx, void *ud)
{
    (void)ud;
    pith_status st;
    const pdf_cjk_cmap *c = pdf_cjk_cmap_get(ctx, "90ms-RKSJ-H", 11, &st);
    cr_assert(c != NULL);
    size_t used;
    cr_assert_eq(lookup(c, 1, 0x41, &used), 231 + 0x21);
    cr_assert_eq(lookup(c, 2, 0x82A0, &used), 843);
    uint8_t bad[2] = {0xFD, 0x41};
    uint32_t cid = 7;
    cr_assert_eq(pdf_cjk_cmap_next(c, bad, 2, &cid), 1); /* in no codespace range: one byte */
    cr_assert_eq(cid, 0);
    uint8_t cut[1] = {0x82};                              /* a lead byte at the end */
    cr_assert_eq(pdf_cjk_cmap_next(c, cut, 1, &cid), 1);
    uint8_t trail[2] = {0x82, 0x20};                      /* lead, then a byte out of range */
    cr_assert_eq(pdf_cjk_cmap_next(c, trail, 2, &cid), 2);
    cr_assert_eq(cid, 0);
    cr_assert_not(pdf_cjk_cmap_vertical(c));
    const pdf_cjk_cmap *v = pdf_cjk_cmap_get(ctx, "90ms-RKSJ-V", 11, &st);
    cr_assert(v != NULL && pdf_cjk_cmap_vertical(v));
    cr_assert_eq(lookup(v, 2, 0x8141, &used), 7887);       /* vertical ideographic comma */
    cr_assert_eq(lookup(v, 2, 0x82A0, &used), 843);        /* from the -H parent */
    /* UTF-8 and UTF-16 CMaps are stored as differences over UTF-32: check the forms agree */
    const pdf_cjk_cmap *u8 = pdf_cjk_cmap_get(ctx, "UniJIS-UTF8-H", 13, &st);
    const pdf_cjk_cmap *u16 = pdf_cjk_cmap_get(ctx, "UniJIS-UTF16-H", 14, &st);
    cr_assert(u8 && u16);
    uint8_t a8[3] = {0xE3, 0x81, 0x82}, a16[2] = {0x30, 0x42}; /* U+3042 hiragana a */
    uint32_t c8 = 0, c16 = 0;
    cr_assert_eq(pdf_cjk_cmap_next(u8, a8, 3, &c8), 3);
    cr_assert_eq(pdf_cjk_cmap_next(u16, a16, 2, &c16), 2);
    cr_assert_eq(c8, 843);
    cr_assert_eq(c16, 843);
    uint8_t over[2] = {0xC1, 0x81};  /* overlong UTF-8 'A': in the codespace, no character */
    cr_assert_eq(pdf_cjk_cmap_next(u8, over, 2, &c8), 2);
    cr_assert_eq(c8, 0);
    cr_assert_null(pdf_cjk_cmap_get(ctx, "Identity-H", 10, &st));
    cr_assert_eq(st, PITH_OK);
    cr_assert_null(pdf_cjk_cmap_get(ctx, "NoSuchCMap-H", 12, &st));
    cr_assert_eq(st, PITH_OK);
}

Test(pdf_cjk, known_codes_and_codespace_rules)
{
    packs ps;
    packs_load(&ps);
    char err[512];
    cr_assert_eq(with_doc(ps.p, 4, 0, spot, NULL, err, sizeof err), PITH_OK, "%s", err);
    packs_free(&ps);
}

Test(pdf_cjk, names_give_their_pack_without_it)
{
    cr_assert_str_eq(pdf_cjk_pack_for_cmap("90ms-RKSJ-H", 11), "cmap-japan1");
    cr_assert_str_eq(pdf_cjk_pack_for_cmap("UniJIS-UCS2-H", 13), "cmap-japan1");
    cr_assert_str_eq(pdf_cjk_pack_for_cmap("GBK-EUC-H", 9), "cmap-gb1");
    cr_assert_str_eq(pdf_cjk_pack_for_cmap("UniGB-UCS2-H", 12), "cmap-gb1");
    cr_assert_str_eq(pdf_cjk_pack_for_cmap("ETen-B5-H", 9), "cmap-cns1");
    cr_assert_str_eq(pdf_cjk_pack_for_cmap("KSCms-UHC-H", 11), "cmap-korea1");
    cr_assert_null(pdf_cjk_pack_for_cmap("Identity-H", 10));
    cr_assert_null(pdf_cjk_pack_for_cmap("90ms-RKSJ-H", 5));
    cr_assert_str_eq(pdf_cjk_pack_for_collection("Adobe-CNS1", 10), "cmap-cns1");
    cr_assert_null(pdf_cjk_pack_for_collection("Adobe-Identity", 14));
}

static void need(pdf_ctx *ctx, void *ud)
{
    (void)ud;
    pith_status st;
    cr_assert_null(pdf_cjk_cmap_get(ctx, "EUC-H", 5, &st));
    cr_assert_eq(st, PITH_E_NEED_PACK);
}

Test(pdf_cjk, missing_pack_is_need_pack_naming_it)
{
    char err[512];
    cr_assert_eq(with_doc(NULL, 0, 0, need, NULL, err, sizeof err), PITH_E_NEED_PACK);
    cr_assert(strstr(err, "needs data pack cmap-japan1") != NULL, "%s", err);
}

/* MARK: - CID → Unicode against Adobe's UCS2 CMaps */

/* One CID of an Adobe-<Ordering>-UCS2 CMap: its UTF-16BE string decoded (n 0: not mapped). */
typedef struct src_uni { uint32_t n, cp[16]; } src_uni;
#define UCS2_CIDS 65536u  /* the CMaps' codespace is <0000> <FFFF> */

/* Hex digits s[0..e) as big-endian 16-bit units; returns how many. */
static uint32_t hex_units(const char *s, const char *e, uint32_t *u, uint32_t cap)
{
    uint32_t v, bytes, n = 0;
    cr_assert_eq((e - s) % 4, 0, "odd UTF-16 string <%.*s>", (int)(e - s), s);
    for (; s < e; s += 4) {
        cr_assert_lt(n, cap);
        hexval(s, s + 4, &v, &bytes);
        u[n++] = v;
    }
    return n;
}

/* UTF-16 units to code points (a lone surrogate fails the test). */
static void utf16_decode(const uint32_t *u, uint32_t nu, src_uni *out, uint32_t cid)
{
    out->n = 0;
    for (uint32_t i = 0; i < nu; i++) {
        uint32_t c = u[i];
        if (c >= 0xD800 && c <= 0xDBFF) {
            cr_assert(i + 1 < nu && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF, "cid %u: lone high", cid);
            c = 0x10000 + ((c - 0xD800) << 10) + (u[++i] - 0xDC00);
        } else {
            cr_assert(c < 0xDC00 || c > 0xDFFF, "cid %u: lone low surrogate", cid);
        }
        cr_assert_lt(out->n, 16u);
        out->cp[out->n++] = c;
    }
}

/* The next <hex> token in [p, end), or NULL; *e its closing '>'. */
static const char *next_hex(const char *p, const char *end, const char **e)
{
    const char *a = memchr(p, '<', (size_t)(end - p));
    if (!a) return NULL;
    *e = memchr(a, '>', (size_t)(end - a));
    cr_assert(*e != NULL);
    return a + 1;
}

/* Every bfchar and bfrange of the CMap at path into uni[0..UCS2_CIDS); returns the highest
 * CID, or -1 when the file is missing. A bfrange steps the string's last UTF-16 unit as a
 * 16-bit number: Adobe's files carry past its low byte ("<55e6> <55e7> <73ff>" in Japan1). */
static long ucs2_read(const char *path, src_uni *uni)
{
    size_t len;
    char *t = (char *)doc_read_path(path, &len);
    if (!t) return -1;
    long top = -1;
    for (char *p = t; (p = strstr(p, "beginbf")) != NULL;) {
        bool range = strncmp(p, "beginbfrange", 12) == 0;
        char *end = strstr(p, range ? "endbfrange" : "endbfchar");
        cr_assert(end != NULL);
        cr_assert_null(memchr(p, '[', (size_t)(end - p)), "%s: a bfrange array", path);
        const char *q = p + 11, *e;
        const char *a;
        while ((a = next_hex(q, end, &e)) != NULL) {
            uint32_t lo, hi, bytes, units[16];
            hexval(a, e, &lo, &bytes);
            cr_assert_eq(bytes, 2u);
            hi = lo;
            if (range) {
                a = next_hex(e + 1, end, &e);
                cr_assert(a != NULL);
                hexval(a, e, &hi, &bytes);
            }
            a = next_hex(e + 1, end, &e);
            cr_assert(a != NULL);
            uint32_t nu = hex_units(a, e, units, 16);
            cr_assert(nu > 0 && lo <= hi && hi < UCS2_CIDS);
            for (uint32_t cid = lo; cid <= hi; cid++) {
                uint32_t u[16];
                memcpy(u, units, sizeof u);
                u[nu - 1] += cid - lo;
                cr_assert_leq(u[nu - 1], 0xFFFFu, "%s: cid %u steps past FFFF", path, cid);
                cr_assert_eq(uni[cid].n, 0u, "%s: cid %u twice", path, cid);
                utf16_decode(u, nu, &uni[cid], cid);
                if ((long)cid > top) top = cid;
            }
            q = e + 1;
        }
        p = end;
    }
    free(t);
    return top;
}

typedef struct uni_ud { int coll; uint32_t mapped, multi, astral, dropped; } uni_ud;

static void check_unicode(pdf_ctx *ctx, void *ud_)
{
    uni_ud *ud = ud_;
    char path[256], ro[32];
    snprintf(path, sizeof path, "/usr/share/poppler/cMap/Adobe-%s/Adobe-%s-UCS2",
             orderings[ud->coll], orderings[ud->coll]);
    snprintf(ro, sizeof ro, "Adobe-%s", orderings[ud->coll]);
    src_uni *uni = calloc(UCS2_CIDS, sizeof *uni);
    cr_assert(uni != NULL);
    long top = ucs2_read(path, uni);
    if (top < 0) cr_skip("poppler-data not installed (%s)", path);
    pith_status st;
    const pdf_cjk_unicode *u = pdf_cjk_unicode_get(ctx, ro, strlen(ro), &st);
    cr_assert(u != NULL && st == PITH_OK);
    for (uint32_t cid = 0; cid <= (uint32_t)top + 100; cid++) {
        src_uni want = cid < UCS2_CIDS ? uni[cid] : (src_uni){0};
        /* Left out of the packs (tools/gen_cmap_packs.py): ideographic variation selectors
         * after a character (U+E0100-E01EF), U+FFFD, Adobe's "no Unicode", and sequences
         * longer than the 4 code points pdf_cjk_unicode_map gives. */
        uint32_t kept = 0;
        for (uint32_t k = 0; k < want.n; k++)
            if (want.cp[k] < 0xE0100 || want.cp[k] > 0xE01EF) want.cp[kept++] = want.cp[k];
        if (kept) want.n = kept;
        if ((want.n == 1 && want.cp[0] == 0xFFFD) || want.n > 4) {
            ud->dropped++;
            want.n = 0;
        }
        uint32_t out[4] = {0};
        uint32_t n = pdf_cjk_unicode_map(u, cid, out);
        cr_assert_eq(n, want.n, "%s cid %u: %u code points, want %u", ro, cid, n, want.n);
        for (uint32_t k = 0; k < n; k++)
            cr_assert_eq(out[k], want.cp[k], "%s cid %u [%u]: U+%04X, want U+%04X", ro, cid, k,
                         out[k], want.cp[k]);
        ud->mapped += n > 0;
        ud->multi += n > 1;
        ud->astral += n == 1 && out[0] > 0xFFFF;
    }
    free(uni);
}

static uni_ud run_unicode(int coll)
{
    packs ps;
    packs_load(&ps);
    uni_ud ud = {coll, 0, 0, 0, 0};
    char err[512];
    cr_assert_eq(with_doc(ps.p, 4, 0, check_unicode, &ud, err, sizeof err), PITH_OK, "%s", err);
    packs_free(&ps);
    return ud;
}

/* The counts are floors under what the files hold (so a parser that reads nothing fails). */
Test(pdf_cjk, japan1_unicode_matches_adobe_ucs2)
{
    uni_ud ud = run_unicode(0);
    cr_assert_gt(ud.mapped, 22000);
    cr_assert_gt(ud.multi, 1000);   /* kana + U+309A, 株式会社 */
    cr_assert_gt(ud.astral, 500);
    cr_assert_geq(ud.dropped, 18);  /* CID 0's U+FFFD, the 5-8 code point squared words */
}
Test(pdf_cjk, gb1_unicode_matches_adobe_ucs2) { cr_assert_gt(run_unicode(1).mapped, 30000); }
Test(pdf_cjk, cns1_unicode_matches_adobe_ucs2)
{
    uni_ud ud = run_unicode(2);
    cr_assert_gt(ud.mapped, 18000);
    cr_assert_gt(ud.astral, 1700);
}
Test(pdf_cjk, korea1_unicode_matches_adobe_ucs2) { cr_assert_gt(run_unicode(3).multi, 500); }

/* Entries read off the UCS2 CMaps by eye: Japan1 "<2081> <670996504f1a793e>" (有限会社),
 * "<2714> <272d> <d83cdd10>" (U+1F110.., a surrogate pair stepped), "<55e6> <55e7> <73ff>"
 * (the step carries into the high byte), "<0000> <fffd>"; GB1 "<560f> <90cefe00>" (an
 * ideograph and VS1); Korea1 "<2072> <005b00310030005d>" ("[10]"). */
static void uni_spot(pdf_ctx *ctx, void *ud)
{
    (void)ud;
    pith_status st;
    const pdf_cjk_unicode *j = pdf_cjk_unicode_get(ctx, "Adobe-Japan1", 12, &st);
    const pdf_cjk_unicode *g = pdf_cjk_unicode_get(ctx, "Adobe-GB1", 9, &st);
    const pdf_cjk_unicode *k = pdf_cjk_unicode_get(ctx, "Adobe-Korea1", 12, &st);
    cr_assert(j && g && k);
    uint32_t out[4];
    cr_assert_eq(pdf_cjk_unicode_map(j, 0x2081, out), 4);
    cr_assert(out[0] == 0x6709 && out[1] == 0x9650 && out[2] == 0x4F1A && out[3] == 0x793E);
    cr_assert_eq(pdf_cjk_unicode_map(j, 0x2714, out), 1);
    cr_assert_eq(out[0], 0x1F110);
    cr_assert_eq(pdf_cjk_unicode_map(j, 0x272D, out), 1);
    cr_assert_eq(out[0], 0x1F129);
    cr_assert_eq(pdf_cjk_unicode_map(j, 0x55E7, out), 1);
    cr_assert_eq(out[0], 0x7400);
    cr_assert_eq(pdf_cjk_unicode_map(j, 0, out), 0);
    cr_assert_eq(pdf_cjk_unicode_map(g, 0x560F, out), 2);
    cr_assert(out[0] == 0x90CE && out[1] == 0xFE00);
    cr_assert_eq(pdf_cjk_unicode_map(k, 0x2072, out), 4);
    cr_assert(out[0] == '[' && out[1] == '1' && out[2] == '0' && out[3] == ']');
    cr_assert_eq(pdf_cjk_unicode_map(k, 0xFFFFFF, out), 0);
}

Test(pdf_cjk, known_cid_to_unicode_entries)
{
    packs ps;
    packs_load(&ps);
    char err[512];
    cr_assert_eq(with_doc(ps.p, 4, 0, uni_spot, NULL, err, sizeof err), PITH_OK, "%s", err);
    packs_free(&ps);
}

/* MARK: - Corrupt packs */

static void le32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}
static uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

typedef struct corrupt_ud { bool unicode; } corrupt_ud;

static void use_pack(pdf_ctx *ctx, void *ud_)
{
    corrupt_ud *ud = ud_;
    pith_status st;
    if (ud->unicode)
        cr_assert_null(pdf_cjk_unicode_get(ctx, "Adobe-Korea1", 12, &st));
    else
        cr_assert_null(pdf_cjk_cmap_get(ctx, "KSCms-UHC-V", 11, &st));
    cr_assert_eq(st, PITH_E_FORMAT);
}

/* The Korea1 pack with `edit` applied must fail with "pack: cmap-korea1: <why>". */
static void corrupt(void (*edit)(uint8_t *d, size_t *len), bool unicode, const char *why)
{
    packs ps;
    packs_load(&ps);
    size_t len = ps.p[3].len;
    uint8_t *d = malloc(len);
    memcpy(d, ps.data[3], len);
    edit(d, &len);
    ps.p[3].data = d;
    ps.p[3].len = len;
    corrupt_ud ud = {unicode};
    char err[512];
    cr_assert_eq(with_doc(ps.p, 4, 0, use_pack, &ud, err, sizeof err), PITH_E_FORMAT);
    cr_assert(strstr(err, "pack: cmap-korea1: ") != NULL, "%s", err);
    cr_assert(strstr(err, why) != NULL, "%s (want %s)", err, why);
    free(d);
    packs_free(&ps);
}

/* Index of a CMap in the directory, its record offset. */
static uint32_t dir_find(const uint8_t *d, const char *name, uint32_t *rec)
{
    uint32_t n = (uint32_t)d[10] | (uint32_t)d[11] << 8, dir = le32_get(d + 40);
    for (uint32_t i = 0; i < n; i++)
        if (strcmp((const char *)d + dir + 36 * i, name) == 0) {
            *rec = le32_get(d + dir + 36 * i + 24);
            return dir + 36 * i;
        }
    cr_assert_fail("%s not in the pack", name);
    return 0;
}

static void ed_magic(uint8_t *d, size_t *len) { (void)len, d[0] = 'X'; }
static void ed_version(uint8_t *d, size_t *len) { (void)len, d[8] = 2; }
static void ed_truncate(uint8_t *d, size_t *len) { (void)d, *len -= 1; }
static void ed_short(uint8_t *d, size_t *len) { (void)d, *len = 20; }
static void ed_coll(uint8_t *d, size_t *len) { (void)len, memcpy(d + 16, "Adobe-Japan1", 12); }
static void ed_dir(uint8_t *d, size_t *len) { le32_put(d + 40, (uint32_t)*len - 8); }
static void ed_count(uint8_t *d, size_t *len) { (void)len, d[10] = 0, d[11] = 0; }
static void ed_record_off(uint8_t *d, size_t *len)
{
    uint32_t rec;
    uint32_t e = dir_find(d, "KSCms-UHC-H", &rec);
    le32_put(d + e + 24, (uint32_t)*len - 4);
}
static void ed_record_len(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t rec;
    uint32_t e = dir_find(d, "KSCms-UHC-V", &rec);
    le32_put(d + e + 28, le32_get(d + e + 28) - 12);
}
static void ed_unsorted(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t rec;
    dir_find(d, "KSCms-UHC-H", &rec);   /* the parent: checked too */
    uint32_t ranges = rec + 8 + 12 * d[rec + 1];
    uint8_t tmp[12];
    memcpy(tmp, d + ranges, 12);
    memcpy(d + ranges, d + ranges + 12, 12);
    memcpy(d + ranges + 12, tmp, 12);
}
static void ed_range_lohi(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t rec;
    dir_find(d, "KSCms-UHC-V", &rec);
    uint32_t ranges = rec + 8 + 12 * d[rec + 1];
    le32_put(d + ranges + 4, le32_get(d + ranges) - 1);
}
static void ed_parent_loop(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t rec;
    uint32_t e = dir_find(d, "KSCms-UHC-H", &rec);
    le32_put(d + e + 32, (uint32_t)((e - le32_get(d + 40)) / 36)); /* its own parent */
}
static void ed_codespace(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t rec;
    dir_find(d, "KSCms-UHC-V", &rec);
    d[rec + 8] = 5;
}
static void ed_uni_run(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t off = le32_get(d + 32);
    d[off + 8 + 2 * 100] = 0x00, d[off + 8 + 2 * 100 + 1] = 0xD8;  /* CID 100 → U+D800 */
}
static void ed_uni_size(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t off = le32_get(d + 32);
    le32_put(d + off, le32_get(d + off) + 2);  /* claims two more CIDs than it holds */
}
static void ed_uni_bounds(uint8_t *d, size_t *len)
{
    (void)len;
    le32_put(d + 36, 0x10000000);
}
/* The pairs of the Korea1 table (its multi-code-point CIDs: "[10]" and the like). */
static uint8_t *uni_pairs(uint8_t *d, uint32_t *n)
{
    uint32_t off = le32_get(d + 32), nbmp = le32_get(d + off);
    *n = le32_get(d + off + 4);
    cr_assert_gt(*n, 8u, "korea1 pack without multi-code-point pairs");
    return d + off + 8 + (nbmp + 1) / 2 * 4;
}
static void ed_uni_pairs_unsorted(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t n;
    uint8_t *p = uni_pairs(d, &n);
    le32_put(p, le32_get(p + 8 * (n - 1)) + 1);  /* the first pair's cid above the last's */
}
static void ed_uni_five(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t n, i = 0;
    uint8_t *p = uni_pairs(d, &n);
    while (i + 4 < n && !(le32_get(p + 8 * i) == le32_get(p + 8 * (i + 3)) &&
                          le32_get(p + 8 * (i + 4)) != le32_get(p + 8 * i)))
        i++;
    cr_assert_lt(i + 4, n, "no cid of 4 code points in the korea1 pack");
    le32_put(p + 8 * (i + 4), le32_get(p + 8 * i));  /* a fifth code point for that cid */
}
static void ed_uni_pair_surrogate(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t n;
    le32_put(uni_pairs(d, &n) + 4, 0xDC00);
}
static void ed_uni_pair_too_big(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t n;
    le32_put(uni_pairs(d, &n) + 8 * 3 + 4, 0x110000);
}

Test(pdf_cjk_hostile, bad_magic) { corrupt(ed_magic, false, "bad magic"); }
Test(pdf_cjk_hostile, bad_version) { corrupt(ed_version, false, "version"); }
Test(pdf_cjk_hostile, truncated_pack) { corrupt(ed_truncate, false, "length"); }
Test(pdf_cjk_hostile, pack_shorter_than_header) { corrupt(ed_short, false, "too short"); }
Test(pdf_cjk_hostile, wrong_collection) { corrupt(ed_coll, false, "wrong collection"); }
Test(pdf_cjk_hostile, directory_past_end) { corrupt(ed_dir, false, "directory out of bounds"); }
Test(pdf_cjk_hostile, zero_cmaps) { corrupt(ed_count, false, "bad cmap count"); }
Test(pdf_cjk_hostile, record_past_end) { corrupt(ed_record_off, false, "record out of bounds"); }
Test(pdf_cjk_hostile, record_wrong_size) { corrupt(ed_record_len, false, "wrong size"); }
Test(pdf_cjk_hostile, parent_ranges_unsorted) { corrupt(ed_unsorted, false, "not sorted"); }
Test(pdf_cjk_hostile, range_hi_below_lo) { corrupt(ed_range_lohi, false, "bad cmap range"); }
Test(pdf_cjk_hostile, parent_is_itself) { corrupt(ed_parent_loop, false, "parent"); }
Test(pdf_cjk_hostile, codespace_of_five_bytes) { corrupt(ed_codespace, false, "codespace"); }
Test(pdf_cjk_hostile, unicode_table_with_a_surrogate) { corrupt(ed_uni_run, true, "surrogate"); }
Test(pdf_cjk_hostile, unicode_table_count_too_big) { corrupt(ed_uni_size, true, "wrong size"); }
Test(pdf_cjk_hostile, unicode_table_past_end) { corrupt(ed_uni_bounds, true, "unicode table"); }
Test(pdf_cjk_hostile, unicode_pairs_unsorted) { corrupt(ed_uni_pairs_unsorted, true, "not sorted"); }
Test(pdf_cjk_hostile, unicode_five_code_points) { corrupt(ed_uni_five, true, "more than 4"); }
Test(pdf_cjk_hostile, unicode_pair_surrogate) { corrupt(ed_uni_pair_surrogate, true, "pair's code point"); }
Test(pdf_cjk_hostile, unicode_pair_past_10ffff) { corrupt(ed_uni_pair_too_big, true, "pair's code point"); }

/* MARK: - Embedded font programs, built here */

typedef struct bytes { uint8_t *p; size_t n, cap; } bytes;

static void put(bytes *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        cr_assert(b->p != NULL);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}
static void u8(bytes *b, uint32_t v) { uint8_t x = (uint8_t)v; put(b, &x, 1); }
static void u16(bytes *b, uint32_t v) { u8(b, v >> 8), u8(b, v); }
static void u32(bytes *b, uint32_t v) { u16(b, v >> 16), u16(b, v); }

typedef struct table { const char *tag; bytes b; } table;

/* An sfnt from tables (checksums 0: nothing reads them). */
static bytes sfnt(table *t, int n)
{
    bytes f = {0};
    u32(&f, 0x00010000);
    u16(&f, (uint32_t)n), u16(&f, 0), u16(&f, 0), u16(&f, 0);
    size_t off = 12 + 16 * (size_t)n;
    for (int i = 0; i < n; i++) {
        put(&f, t[i].tag, 4);
        u32(&f, 0), u32(&f, (uint32_t)off), u32(&f, (uint32_t)t[i].b.n);
        off += (t[i].b.n + 3) & ~(size_t)3;
    }
    for (int i = 0; i < n; i++) {
        put(&f, t[i].b.p, t[i].b.n);
        while (f.n % 4) u8(&f, 0);
        free(t[i].b.p);
    }
    return f;
}

static bytes maxp(uint32_t n)
{
    bytes b = {0};
    u32(&b, 0x00005000), u16(&b, n);
    return b;
}

/* A format 4 subtable from segments {start, end, delta} (the 0xFFFF one added). */
static void cmap4(bytes *b, const uint32_t (*seg)[3], uint32_t n)
{
    uint32_t segs = n + 1;
    u16(b, 4), u16(b, 16 + 8 * segs), u16(b, 0), u16(b, 2 * segs), u16(b, 0), u16(b, 0), u16(b, 0);
    for (uint32_t i = 0; i < n; i++) u16(b, seg[i][1]);
    u16(b, 0xFFFF), u16(b, 0);
    for (uint32_t i = 0; i < n; i++) u16(b, seg[i][0]);
    u16(b, 0xFFFF);
    for (uint32_t i = 0; i < n; i++) u16(b, seg[i][2]);
    u16(b, 1);
    for (uint32_t i = 0; i <= n; i++) u16(b, 0);
}

/* cmap with one subtable (pid, eid). */
static bytes cmap_one(uint32_t pid, uint32_t eid, const uint32_t (*seg)[3], uint32_t n)
{
    bytes b = {0};
    u16(&b, 0), u16(&b, 1), u16(&b, pid), u16(&b, eid), u32(&b, 12);
    cmap4(&b, seg, n);
    return b;
}

/* post format 2: glyph i gets index idx[i]; Pascal strings follow. */
static bytes post2(const uint16_t *idx, uint32_t n, const char **strs, uint32_t ns)
{
    bytes b = {0};
    u32(&b, 0x00020000);
    for (int i = 0; i < 28; i++) u8(&b, 0);
    u16(&b, n);
    for (uint32_t i = 0; i < n; i++) u16(&b, idx[i]);
    for (uint32_t i = 0; i < ns; i++) {
        u8(&b, (uint32_t)strlen(strs[i]));
        put(&b, strs[i], strlen(strs[i]));
    }
    return b;
}

static pith_arena test_arena(pith_budget *bud)
{
    pith_arena a;
    pith_budget_init(bud, NULL, (uint64_t)64 << 20);
    pith_arena_init(&a, bud, 0);
    return a;
}

Test(pdf_embedded, truetype_unicode_cmap_inverted_and_post_names)
{
    /* glyphs 1-3 are A B C (delta 65 - 1 = 64: A→1), glyph 4 is U+4E00, glyph 5 'x.alt' */
    static const uint32_t seg[][3] = {{65, 67, (uint32_t)(1 - 65) & 0xFFFF},
                                      {0x4E00, 0x4E00, (uint32_t)(4 - 0x4E00) & 0xFFFF}};
    static const uint16_t idx[6] = {0, 36, 37, 38, 258, 259};
    const char *strs[2] = {"uni4E00", "x.alt"};
    table t[3] = {{"cmap", cmap_one(3, 1, seg, 2)}, {"maxp", maxp(6)},
                  {"post", post2(idx, 6, strs, 2)}};
    bytes f = sfnt(t, 3);
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TRUETYPE, f.p, f.n, &a, &e), PITH_OK);
    cr_assert_eq(e.ngid, 6);
    cr_assert_eq(e.gid_uni[1], 'A');
    cr_assert_eq(e.gid_uni[3], 'C');
    cr_assert_eq(e.gid_uni[4], 0x4E00);
    cr_assert_eq(e.gid_uni[5], 0);
    cr_assert_eq(e.ngid_names, 6);
    cr_assert_str_eq(e.gid_names[1], "A"); /* Mac standard index 36 */
    cr_assert_str_eq(e.gid_names[3], "C");
    cr_assert_str_eq(e.gid_names[4], "uni4E00");
    cr_assert_str_eq(e.gid_names[5], "x.alt");
    cr_assert(e.have_uni);
    cr_assert_eq(e.uni['B'], 'B');
    cr_assert_eq(e.uni['D'], 0);
    cr_assert_str_eq(e.names['A'], "A");
    pith_arena_finish(&a);
    free(f.p);
}

Test(pdf_embedded, truetype_symbol_cmap_gives_names_by_code)
{
    /* (3,0): codes F041-F042 → glyphs 1-2 named "alpha" "beta" (Mac standard has neither) */
    static const uint32_t seg[][3] = {{0xF041, 0xF042, (uint32_t)(1 - 0xF041) & 0xFFFF}};
    static const uint16_t idx[3] = {0, 258, 259};
    const char *strs[2] = {"alpha", "beta"};
    table t[3] = {{"cmap", cmap_one(3, 0, seg, 1)}, {"maxp", maxp(3)},
                  {"post", post2(idx, 3, strs, 2)}};
    bytes f = sfnt(t, 3);
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TRUETYPE, f.p, f.n, &a, &e), PITH_OK);
    cr_assert(e.symbolic_cmap && e.have_names);
    cr_assert_str_eq(e.names[0x41], "alpha");
    cr_assert_str_eq(e.names[0x42], "beta");
    cr_assert_null(e.names[0x43]);
    cr_assert_null(e.gid_uni);
    pith_arena_finish(&a);
    free(f.p);
}

Test(pdf_embedded, truetype_without_cmap_keeps_post_names)
{
    static const uint16_t idx[3] = {0, 68, 258}; /* 68: "a" in the Mac order */
    const char *strs[1] = {"uni3042"};
    table t[2] = {{"maxp", maxp(3)}, {"post", post2(idx, 3, strs, 1)}};
    bytes f = sfnt(t, 2);
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TRUETYPE, f.p, f.n, &a, &e), PITH_OK);
    cr_assert_str_eq(e.gid_names[1], "a");
    cr_assert_str_eq(e.gid_names[2], "uni3042");
    cr_assert_not(e.have_names);
    pith_arena_finish(&a);
    free(f.p);
}

/* A CFF font: glyphs .notdef A myglyph a; custom encoding 65→A 200→myglyph 97→a plus a
 * supplement 66→B. Offsets are written as 5-byte operands so the layout is fixed. */
static bytes cff_font(void)
{
    bytes b = {0};
    u8(&b, 1), u8(&b, 0), u8(&b, 4), u8(&b, 1);              /* header */
    u16(&b, 1), u8(&b, 1), u8(&b, 1), u8(&b, 2), u8(&b, 'F'); /* Name INDEX */
    size_t top_at = b.n;
    u16(&b, 1), u8(&b, 1), u8(&b, 1), u8(&b, 1 + 18);         /* Top DICT INDEX, 18 bytes */
    size_t dict = b.n;
    for (int i = 0; i < 18; i++) u8(&b, 0);
    u16(&b, 1), u8(&b, 1), u8(&b, 1), u8(&b, 8), put(&b, "myglyph", 7); /* String INDEX */
    u16(&b, 0);                                                /* Global Subr INDEX */
    size_t charstrings = b.n;
    u16(&b, 4), u8(&b, 1), u8(&b, 1), u8(&b, 2), u8(&b, 3), u8(&b, 4), u8(&b, 5);
    u8(&b, 14), u8(&b, 14), u8(&b, 14), u8(&b, 14);
    size_t charset = b.n;
    u8(&b, 0), u16(&b, 34), u16(&b, 391), u16(&b, 66);        /* A myglyph a */
    size_t encoding = b.n;
    u8(&b, 0x80), u8(&b, 3), u8(&b, 65), u8(&b, 200), u8(&b, 97);
    u8(&b, 1), u8(&b, 66), u16(&b, 35);                        /* supplement: 66 → B */
    uint8_t *d = b.p + dict;
    size_t offs[3] = {charset, encoding, charstrings};
    uint8_t ops[3] = {15, 16, 17};
    for (int i = 0; i < 3; i++) {
        d[6 * i] = 29;
        d[6 * i + 1] = (uint8_t)(offs[i] >> 24), d[6 * i + 2] = (uint8_t)(offs[i] >> 16);
        d[6 * i + 3] = (uint8_t)(offs[i] >> 8), d[6 * i + 4] = (uint8_t)offs[i];
        d[6 * i + 5] = ops[i];
    }
    (void)top_at;
    return b;
}

Test(pdf_embedded, cff_encoding_charset_and_supplements)
{
    bytes f = cff_font();
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_CFF, f.p, f.n, &a, &e), PITH_OK);
    cr_assert(e.have_names);
    cr_assert_str_eq(e.names[65], "A");
    cr_assert_str_eq(e.names[200], "myglyph");
    cr_assert_str_eq(e.names[97], "a");
    cr_assert_str_eq(e.names[66], "B");
    cr_assert_null(e.names[98]);
    cr_assert_eq(e.ngid_names, 4);
    cr_assert_str_eq(e.gid_names[2], "myglyph");
    cr_assert_not(e.cid_keyed);
    pith_arena_finish(&a);
    free(f.p);
}

Test(pdf_embedded, type1_cleartext_encoding)
{
    static const char t1[] =
        "%!PS-AdobeFont-1.0: Test 001\n/FontName /Test def\n"
        "/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n"
        "dup 65 /A put\ndup 97 /a.sc put\ndup 300 /toolarge put\n% dup 66 /B put\n"
        "readonly def\ncurrentfile eexec\n\x8a\x1b dup 66 /C put";
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TYPE1, (const uint8_t *)t1, sizeof t1 - 1, &a,
                                    &e), PITH_OK);
    cr_assert(e.have_names);
    cr_assert_str_eq(e.names[65], "A");
    cr_assert_str_eq(e.names[97], "a.sc");
    cr_assert_null(e.names[66]);
    cr_assert_null(e.names[0]);
    static const char std[] = "/Encoding StandardEncoding def\ncurrentfile eexec\n";
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TYPE1, (const uint8_t *)std, sizeof std - 1,
                                    &a, &e), PITH_OK);
    cr_assert_not(e.have_names);
    pith_arena_finish(&a);
}

/* MARK: - Hostile font programs */

/* Every prefix of font f (freed here), each in a buffer of its own size so that ASan sees a
 * read past it, parses as `kind` to PITH_OK or PITH_E_FORMAT. */
static void expect_every_truncation(bytes f, pdf_embedded_kind kind)
{
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    for (size_t n = 0; n <= f.n; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, f.p, n);
        pdf_embedded e;
        pith_status st = pdf_embedded_parse(NULL, kind, cut, n, &a, &e);
        cr_assert(st == PITH_OK || st == PITH_E_FORMAT, "cut at %zu: %d", n, st);
        free(cut);
    }
    pith_arena_finish(&a);
    free(f.p);
}

Test(pdf_embedded_hostile, every_truncation_of_a_truetype_font)
{
    static const uint32_t seg[][3] = {{65, 90, (uint32_t)(1 - 65) & 0xFFFF}};
    static const uint16_t idx[3] = {0, 36, 258};
    const char *strs[1] = {"x"};
    table t[3] = {{"cmap", cmap_one(3, 1, seg, 1)}, {"maxp", maxp(30)},
                  {"post", post2(idx, 3, strs, 1)}};
    expect_every_truncation(sfnt(t, 3), PDF_EMB_TRUETYPE);
}

Test(pdf_embedded_hostile, every_truncation_of_a_cff_font)
{
    expect_every_truncation(cff_font(), PDF_EMB_CFF);
}

typedef struct font_ud { bytes f; pdf_embedded_kind kind; pith_status st; } font_ud;

static void parse_in_doc(pdf_ctx *ctx, void *ud_)
{
    font_ud *ud = ud_;
    pdf_embedded e;
    ud->st = pdf_embedded_parse(ctx->doc, ud->kind, ud->f.p, ud->f.n,
                                pith_doc_arena(ctx->doc), &e);
}

Test(pdf_embedded_hostile, overlapping_cmap4_segments_walk_each_code_once)
{
    /* 2,000 segments each claiming 0..0xFFFE: walked naively that is 131 million codes; the
     * walk only goes up, so at most 65,536 codes draw work and 1,000,000 is plenty. */
    enum { N = 2000 };
    static uint32_t seg[N][3];
    for (int i = 0; i < N; i++) seg[i][0] = 0, seg[i][1] = 0xFFFE, seg[i][2] = 1;
    table t[2] = {{"cmap", cmap_one(3, 1, (const uint32_t(*)[3])seg, N)}, {"maxp", maxp(100)}};
    font_ud ud = {sfnt(t, 2), PDF_EMB_TRUETYPE, PITH_OK};
    char err[512];
    cr_assert_eq(with_doc(NULL, 0, 1000000, parse_in_doc, &ud, err, sizeof err), PITH_OK, "%s",
                 err);
    cr_assert_eq(ud.st, PITH_OK);
    free(ud.f.p);
}

Test(pdf_embedded_hostile, cmap12_groups_over_all_code_points_are_bounded)
{
    bytes b = {0};
    u16(&b, 0), u16(&b, 1), u16(&b, 3), u16(&b, 10), u32(&b, 12);
    enum { G = 5000 };
    u16(&b, 12), u16(&b, 0), u32(&b, 16 + 12 * G), u32(&b, 0), u32(&b, G);
    for (int i = 0; i < G; i++) u32(&b, 0), u32(&b, 0xFFFFFFFF), u32(&b, 0);
    table t[2] = {{"cmap", b}, {"maxp", maxp(65535)}};
    font_ud ud = {sfnt(t, 2), PDF_EMB_TRUETYPE, PITH_OK};
    char err[512];
    /* one walk over 0..0x10FFFF at most (glyph ids run out at 65535 even sooner) */
    cr_assert_eq(with_doc(NULL, 0, 3000000, parse_in_doc, &ud, err, sizeof err), PITH_OK, "%s",
                 err);
    free(ud.f.p);
}

/* A TrueType program of this cmap table and a maxp is refused with PITH_E_FORMAT. */
static void expect_cmap_refused(bytes cmap)
{
    table t[2] = {{"cmap", cmap}, {"maxp", maxp(5)}};
    bytes f = sfnt(t, 2);
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TRUETYPE, f.p, f.n, &a, &e), PITH_E_FORMAT);
    pith_arena_finish(&a);
    free(f.p);
}

Test(pdf_embedded_hostile, cmap4_segment_count_past_the_table)
{
    bytes b = {0};
    u16(&b, 0), u16(&b, 1), u16(&b, 3), u16(&b, 1), u32(&b, 12);
    u16(&b, 4), u16(&b, 0), u16(&b, 0), u16(&b, 0xFFFE), u16(&b, 0), u16(&b, 0), u16(&b, 0);
    u16(&b, 0x41), u16(&b, 0x41);
    expect_cmap_refused(b);
}

Test(pdf_embedded_hostile, cmap4_range_offset_past_the_table)
{
    bytes b = {0};
    u16(&b, 0), u16(&b, 1), u16(&b, 3), u16(&b, 1), u32(&b, 12);
    /* one segment 0x41..0x5A with idRangeOffset 0xFFF0, then the 0xFFFF segment */
    u16(&b, 4), u16(&b, 32), u16(&b, 0), u16(&b, 4), u16(&b, 0), u16(&b, 0), u16(&b, 0);
    u16(&b, 0x5A), u16(&b, 0xFFFF), u16(&b, 0), u16(&b, 0x41), u16(&b, 0xFFFF);
    u16(&b, 0), u16(&b, 1), u16(&b, 0xFFF0), u16(&b, 0);
    expect_cmap_refused(b);
}

Test(pdf_embedded_hostile, post_indices_past_the_strings)
{
    static const uint16_t idx[4] = {0, 300, 0xFFFF, 258};
    const char *strs[1] = {"only"};
    bytes p = post2(idx, 4, strs, 1);
    p.p[p.n - 5] = 200; /* the only string claims 200 bytes */
    table t[2] = {{"maxp", maxp(4)}, {"post", p}};
    bytes f = sfnt(t, 2);
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TRUETYPE, f.p, f.n, &a, &e), PITH_OK);
    cr_assert_null(e.gid_names[1]);
    cr_assert_null(e.gid_names[2]);
    cr_assert_str_eq(e.gid_names[3], "only"); /* cut at the end of the table */
    pith_arena_finish(&a);
    free(f.p);
}

Test(pdf_embedded_hostile, table_directory_count_past_the_file)
{
    uint8_t f[12] = {0, 1, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0};
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TRUETYPE, f, sizeof f, &a, &e), PITH_E_FORMAT);
    pith_arena_finish(&a);
}

Test(pdf_embedded_hostile, cff_index_offsets_out_of_order)
{
    bytes f = cff_font();
    f.p[8] = 0xF0; /* Name INDEX: the end offset 2 becomes 240, past the data */
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_CFF, f.p, f.n, &a, &e), PITH_E_FORMAT);
    f.p[8] = 2;
    f.p[6] = 0; /* offSize 0 */
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_CFF, f.p, f.n, &a, &e), PITH_E_FORMAT);
    pith_arena_finish(&a);
    free(f.p);
}

Test(pdf_embedded_hostile, cff_dict_operand_flood_and_charset_past_the_end)
{
    bytes f = cff_font();
    /* charset offset → 0x7FFFFFF0: no names, but the encoding's codes still parse */
    size_t dict = 4 + 6 + 5;
    f.p[dict + 1] = 0x7F, f.p[dict + 2] = 0xFF, f.p[dict + 3] = 0xFF, f.p[dict + 4] = 0xF0;
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_CFF, f.p, f.n, &a, &e), PITH_OK);
    cr_assert_null(e.names[65]);
    cr_assert_str_eq(e.names[66], "B"); /* the supplement names its SID directly */
    /* a Top DICT of 18 operands and no operator: the offsets stay unknown */
    for (int i = 0; i < 18; i++) f.p[dict + (size_t)i] = 139;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_CFF, f.p, f.n, &a, &e), PITH_E_FORMAT);
    pith_arena_finish(&a);
    free(f.p);
}

Test(pdf_embedded_hostile, type1_without_eexec_or_encoding)
{
    static const char t1[] = "/Encoding 256 array dup dup dup 65 put put /A";
    pith_budget bud;
    pith_arena a = test_arena(&bud);
    pdf_embedded e;
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TYPE1, (const uint8_t *)t1, sizeof t1 - 1, &a,
                                    &e), PITH_E_FORMAT);
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TYPE1, (const uint8_t *)"(", 1, &a, &e),
                 PITH_E_FORMAT);
    cr_assert_eq(pdf_embedded_parse(NULL, PDF_EMB_TYPE1, NULL, 0, &a, &e), PITH_E_FORMAT);
    pith_arena_finish(&a);
}

/* MARK: - Font programs of corpus files (expected names read with fontTools by hand) */

typedef struct corpus_ud {
    uint32_t descriptor;      /* object number of a /FontDescriptor to read; 0 = all of them */
    pdf_embedded e;
    uint32_t fonts, useful;   /* descriptors read, and those that gave something */
    pith_status st;
    void (*check)(const pdf_embedded *e);  /* run on `descriptor` while its document is open */
} corpus_ud;

static const uint8_t *corpus_data;
static size_t corpus_len;

static void read_descriptors(pdf_ctx *ctx, void *ud_)
{
    corpus_ud *ud = ud_;
    ctx->data = corpus_data;
    ctx->len = corpus_len;
    cr_assert_eq(pdf_xref_load(ctx), PITH_OK);
    for (uint32_t i = 1; i < ctx->nxref; i++) {
        if (ud->descriptor && i != ud->descriptor) continue;
        const pdf_obj *o = pdf_get_obj(ctx, i);
        if (!pdf_is_name(pdf_dict_get(ctx, o, "Type"), "FontDescriptor")) continue;
        pith_arena_mark m = pith_arena_mark_get(pith_scratch_arena(ctx->doc));
        ud->st = pdf_embedded_read(ctx, o, pith_doc_arena(ctx->doc), &ud->e);
        pith_arena_release(pith_scratch_arena(ctx->doc), m);
        cr_assert_eq(ud->st, PITH_OK, "descriptor %u", i);
        ud->fonts++;
        if (ud->e.have_names || ud->e.have_uni || ud->e.gid_uni || ud->e.gid_names ||
            ud->e.cid_keyed)
            ud->useful++;
        if (ud->descriptor) {
            if (ud->check) ud->check(&ud->e);
            return;
        }
    }
}

/* pdf/<name> of the corpus into corpus_data/corpus_len (the caller frees it); skips the test
 * when it is not there. */
static uint8_t *corpus_pdf_load(const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "pdf/%s", name);
    uint8_t *d = corpus_read(rel, &corpus_len);
    if (!d) cr_skip("%s not in the corpus", rel);
    corpus_data = d;
    return d;
}

/* Run read_descriptors over a corpus PDF. */
static void corpus_run(const char *name, corpus_ud *ud)
{
    uint8_t *d = corpus_pdf_load(name);
    char err[512];
    pith_status st = with_doc(NULL, 0, 0, read_descriptors, ud, err, sizeof err);
    cr_assert_eq(st, PITH_OK, "%s: %s", name, err);
    free(d);
}

/* fontTools: 141 glyphs, post 2.0: 1 .null, 36 A, 68 a, 100 quotesinglbase, 140 multiply */
static void masis(const pdf_embedded *e)
{
    cr_assert_eq(e->kind, PDF_EMB_TRUETYPE);
    cr_assert_null(e->gid_uni);
    cr_assert_eq(e->ngid_names, 141);
    cr_assert_str_eq(e->gid_names[1], ".null");
    cr_assert_str_eq(e->gid_names[36], "A");
    cr_assert_str_eq(e->gid_names[68], "a");
    cr_assert_str_eq(e->gid_names[100], "quotesinglbase");
    cr_assert_str_eq(e->gid_names[140], "multiply");
}

Test(pdf_embedded, corpus_truetype_without_cmap_post_names)
{
    corpus_ud ud;
    memset(&ud, 0, sizeof ud);
    ud.descriptor = 1;
    ud.check = masis;
    corpus_run("pdfjs__TrueType_without_cmap.pdf", &ud);
    cr_assert_eq(ud.fonts, 1);
}

/* fontTools: encoding 27 ff, 28 fi, 44 comma, 65 A, 89 Y, 97 a; charset: 39 glyphs, 2 "n" */
static void sfrm(const pdf_embedded *e)
{
    cr_assert_eq(e->kind, PDF_EMB_CFF);
    cr_assert(e->have_names);
    cr_assert_str_eq(e->names[27], "ff");
    cr_assert_str_eq(e->names[28], "fi");
    cr_assert_str_eq(e->names[44], "comma");
    cr_assert_str_eq(e->names[65], "A");
    cr_assert_str_eq(e->names[89], "Y");
    cr_assert_str_eq(e->names[97], "a");
    cr_assert_null(e->names[90]);
    cr_assert_eq(e->ngid_names, 39);
    cr_assert_str_eq(e->gid_names[2], "n");
}

Test(pdf_embedded, corpus_type1c_builtin_encoding)
{
    corpus_ud ud;
    memset(&ud, 0, sizeof ud);
    ud.descriptor = 12; /* VTKHKO+SFRM0900, /FontFile3 /Type1C, custom encoding */
    ud.check = sfrm;
    corpus_run("pdfsamples__crazyones-pdfa.pdf", &ud);
    cr_assert_eq(ud.fonts, 1);
}

Test(pdf_embedded, corpus_every_font_program_reads)
{
    static const char *files[] = {
        "pdfjs__90ms_rksj_h_sample.pdf", "pdfjs__noembed-eucjp.pdf", "pdfjs__XiaoBiaoSong.pdf",
        "pdfium__vertical_text.pdf", "pdfjs__TrueType_without_cmap.pdf", "pdfjs__vertical.pdf",
        "pdfsamples__crazyones-pdfa.pdf", "pdfjs__TAMReview.pdf", "pdfminer__nlp2004slides.pdf",
        "kreuzberg__embedded_images_tables.pdf",
    };
    uint32_t fonts = 0, useful = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        corpus_ud ud;
        memset(&ud, 0, sizeof ud);
        corpus_run(files[i], &ud);
        fonts += ud.fonts;
        useful += ud.useful;
    }
    cr_log_info("%u font descriptors, %u gave names, Unicode or a CID-keyed program", fonts,
                useful);
    cr_assert_gt(fonts, 20);
    cr_assert_geq(useful * 10, fonts * 6, "%u of %u descriptors gave names or Unicode", useful,
                  fonts);
}

/* MARK: - Packs asked for at open */

typedef struct open_ud { pith_status st; } open_ud;

static void open_and_check(pdf_ctx *ctx, void *ud_)
{
    open_ud *ud = ud_;
    pdf_ctx *pc = NULL;
    ud->st = pdf_ctx_open(ctx->doc, corpus_data, corpus_len, &pc);
    if (ud->st == PITH_OK) ud->st = pdf_cjk_check_packs(pc);
}

/* pdf_cjk_check_packs on a corpus file with or without the packs: its status and message. */
static pith_status check_packs(const char *name, bool packs_given, char *err, size_t cap)
{
    uint8_t *d = corpus_pdf_load(name);
    packs ps;
    memset(&ps, 0, sizeof ps);
    if (packs_given) packs_load(&ps);
    open_ud ud = {PITH_OK};
    pith_status st = with_doc(packs_given ? ps.p : NULL, packs_given ? 4 : 0, 0,
                              open_and_check, &ud, err, cap);
    cr_assert_eq(st, ud.st);
    if (packs_given) packs_free(&ps);
    free(d);
    return st;
}

static void needs(const char *file, const char *msg)
{
    char err[512];
    cr_assert_eq(check_packs(file, false, err, sizeof err), PITH_E_NEED_PACK, "%s", file);
    cr_assert(strstr(err, msg) != NULL, "%s: %s (want %s)", file, err, msg);
    cr_assert_eq(check_packs(file, true, err, sizeof err), PITH_OK, "%s: %s", file, err);
}

/* The CMaps and collections named in these files were read with pdffonts (poppler-utils). */
Test(pdf_cjk, open_asks_for_the_pack_of_a_predefined_cmap)
{
    needs("pdfjs__90ms_rksj_h_sample.pdf", "pdf: cmap 90ms-RKSJ-H needs data pack cmap-japan1");
    needs("pdfjs__noembed-eucjp.pdf", "pdf: cmap EUC-H needs data pack cmap-japan1");
    needs("pdfium__vertical_text.pdf", "pdf: cmap UniGB-UTF16-V needs data pack cmap-gb1");
}

Test(pdf_cjk, open_asks_for_the_pack_of_a_collection_without_tounicode)
{
    needs("pdfjs__vertical.pdf", "pdf: cid to unicode of Adobe-Japan1 needs data pack cmap-japan1");
}

Test(pdf_cjk, open_asks_nothing_of_a_latin_document)
{
    char err[512];
    cr_assert_eq(check_packs("pdfsamples__crazyones-pdfa.pdf", false, err, sizeof err), PITH_OK,
                 "%s", err);
    cr_assert_eq(check_packs("pdfjs__TrueType_without_cmap.pdf", false, err, sizeof err),
                 PITH_OK, "%s", err);
}

/* MARK: - Whole documents (expected text: poppler's pdftotext, reference/pdftotext) */

/* Extract a corpus PDF with all four packs given; its reference text into *want. */
static doc_result run_with_packs(const char *name, char **want)
{
    packs ps;
    packs_load(&ps);
    char rel[512];
    snprintf(rel, sizeof rel, "pdf/%s", name);
    size_t len = 0, wl = 0;
    uint8_t *d = corpus_read(rel, &len);
    snprintf(rel, sizeof rel, "reference/pdftotext/pdf/%s.txt", name);
    *want = (char *)corpus_read(rel, &wl);
    pith_options o = pith_options_default();
    o.packs = ps.p;
    o.pack_count = 4;
    doc_result r = doc_run_with(NULL, PITH_FMT_UNKNOWN, d, len, o);
    free(d);
    packs_free(&ps);
    return r;
}

/* Every line of the reference (spaces dropped: vertical text puts one glyph per line in
 * pdftotext and one column per line in pith) must be in pith's text, spaces dropped too. */
static void same_text(const char *name)
{
    char *want;
    doc_result r = run_with_packs(name, &want);
    cr_assert_eq(r.open_st, PITH_OK, "%s: %s", name, r.err);
    cr_assert_eq(r.next_st, PITH_OK, "%s: %s", name, r.err);
    char *got = malloc(r.text.n + 1), *w = malloc(strlen(want) + 1);
    size_t gn = 0, wn = 0;
    for (size_t i = 0; i < r.text.n; i++)
        if (!strchr(" \t\r\n\f", r.text.p[i])) got[gn++] = r.text.p[i];
    got[gn] = 0;
    for (size_t i = 0; want[i]; i++)
        if (!strchr(" \t\r\n\f", want[i])) w[wn++] = want[i];
    w[wn] = 0;
    cr_assert(wn > 0);
    cr_assert(strstr(got, w) != NULL, "%s: got \"%s\", want \"%s\"", name, got, w);
    free(got);
    free(w);
    free(want);
    doc_result_free(&r);
}

Test(pdf_cjk, corpus_90ms_rksj_h) { same_text("pdfjs__90ms_rksj_h_sample.pdf"); }
Test(pdf_cjk, corpus_noembed_eucjp) { same_text("pdfjs__noembed-eucjp.pdf"); }
Test(pdf_cjk, corpus_vertical_text_unigb_utf16_v) { same_text("pdfium__vertical_text.pdf"); }
Test(pdf_cjk, corpus_vertical_adobe_japan1) { same_text("pdfjs__vertical.pdf"); }
Test(pdf_embedded, corpus_truetype_without_cmap_text) { same_text("pdfjs__TrueType_without_cmap.pdf"); }
