/* test_pdf_doc.c: the document structure of the PDF handler: xref tables and streams, hybrid
 * files, /Prev chains, object streams, repair, resolution and cycles, the page tree, page
 * labels, metadata and text strings (handlers/pdf/pdf_xref.c, pdf_obj.c, pdf_pages.c,
 * pdf_meta.c, pdf.c).
 *
 * Inputs are built in code by a small writer that lays out objects and a correct xref (or a
 * deliberately wrong one); expected values are worked out by hand from ISO 32000-1 (§7.5 file
 * structure, §7.7.3 page tree, §12.4.2 page labels, §7.9.4 dates, Annex D PDFDocEncoding).
 * Corpus page counts and metadata were read with poppler's `pdfinfo` (poppler-utils) and
 * written here by hand. Suite pdf_doc_hostile: cycles, loops, 10^9 /Count, truncation at every
 * offset, wrong /Length, missing endobj/endstream, and the malformed corpus.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "doc_util.h"
#include "pdf_test_util.h"
#include "test_util.h"
#include "../../handlers/pdf/pdf.h"

extern const pith_handler pith_handler_pdf;

/* MARK: - A document to open in */

typedef struct opened {
    pith_doc *doc;
    pdf_ctx *ctx;
    pith_status st;
} opened;

static opened open_pdf_opts(const void *data, size_t len, pith_options o)
{
    opened r = {0};
    r.doc = pdf_test_open(data, len, o);
    r.st = pdf_ctx_open(r.doc, data, len, &r.ctx);
    return r;
}
static opened open_pdf(const buf *b) { return open_pdf_opts(b->p, b->n, pith_options_default()); }
static void close_pdf(opened *o) { pdf_test_close(o->doc); }

/* MARK: - A PDF writer */

#define MAXOBJ 64

typedef struct pdfw {
    buf b;
    size_t hdr;              /* where "%PDF-" starts: offsets count from there */
    size_t off[MAXOBJ];      /* object offsets, 0 = absent */
    int max;
} pdfw;

static void w_begin(pdfw *w, const char *junk)
{
    memset(w, 0, sizeof *w);
    if (junk) buf_str(&w->b, junk);
    w->hdr = w->b.n;
    buf_str(&w->b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
}

static void w_obj(pdfw *w, int num, const char *body)
{
    char h[32];
    cr_assert(num > 0 && num < MAXOBJ);
    w->off[num] = w->b.n - w->hdr;
    if (num > w->max) w->max = num;
    snprintf(h, sizeof h, "%d 0 obj\n", num);
    buf_str(&w->b, h);
    buf_str(&w->b, body);
    buf_str(&w->b, "\nendobj\n");
}

/* A stream object with data of n bytes and /Length n (plus dictionary entries `extra`). */
static void w_stream(pdfw *w, int num, const char *extra, const void *data, size_t n)
{
    char h[256];
    w->off[num] = w->b.n - w->hdr;
    if (num > w->max) w->max = num;
    snprintf(h, sizeof h, "%d 0 obj\n<< /Length %zu %s >>\nstream\n", num, n, extra);
    buf_str(&w->b, h);
    buf_put(&w->b, data, n);
    buf_str(&w->b, "\nendstream\nendobj\n");
}

/* An xref table for objects 1..max with offsets + shift, then the trailer and startxref. */
static size_t w_xref(pdfw *w, const char *trailer_extra, long shift, long prev)
{
    char line[128];
    size_t xo = w->b.n - w->hdr;
    snprintf(line, sizeof line, "xref\n0 %d\n0000000000 65535 f\r\n", w->max + 1);
    buf_str(&w->b, line);
    for (int i = 1; i <= w->max; i++) {
        if (w->off[i])
            snprintf(line, sizeof line, "%010ld 00000 n\r\n", (long)w->off[i] + shift);
        else
            snprintf(line, sizeof line, "0000000000 00000 f\r\n");
        buf_str(&w->b, line);
    }
    snprintf(line, sizeof line, "trailer\n<< /Size %d /Root 1 0 R ", w->max + 1);
    buf_str(&w->b, line);
    if (prev >= 0) {
        snprintf(line, sizeof line, "/Prev %ld ", prev);
        buf_str(&w->b, line);
    }
    if (trailer_extra) buf_str(&w->b, trailer_extra);
    snprintf(line, sizeof line, " >>\nstartxref\n%zu\n%%%%EOF\n", xo);
    buf_str(&w->b, line);
    return xo;
}

/* Three pages under one /Pages node (objects 1-5), page 2 with its own /MediaBox and /Rotate,
 * all inheriting /Resources from the root. */
static void w_three_pages(pdfw *w)
{
    w_obj(w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    w_obj(w, 2, "<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 /MediaBox [0 0 612 792] "
                "/Resources << /Font << /F1 6 0 R >> >> /Rotate 90 >>");
    w_obj(w, 3, "<< /Type /Page /Parent 2 0 R >>");
    w_obj(w, 4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] /Rotate -90 "
                "/CropBox [10 10 500 350] >>");
    w_obj(w, 5, "<< /Type /Page /Parent 2 0 R >>");
    w_obj(w, 6, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
}

/* MARK: - Tables */

Test(pdf_doc, xref_table_three_pages_with_inheritance)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 3);
    cr_assert(!o.ctx->repaired);
    cr_assert_eq(o.ctx->version, 14);
    pdf_page *p = o.ctx->pages;
    cr_assert_float_eq(p[0].box[2], 612, 1e-9);
    cr_assert_eq(p[0].rotate, 90);
    cr_assert(pdf_is_dict(p[0].resources));
    cr_assert(pdf_is_dict(pdf_dict_get(o.ctx, pdf_dict_get(o.ctx, p[2].resources, "Font"), "F1")));
    /* Page 2: own /MediaBox, /CropBox clipped to it, /Rotate -90 is 270. */
    cr_assert_float_eq(p[1].box[0], 10, 1e-9);
    cr_assert_float_eq(p[1].box[2], 300, 1e-9);
    cr_assert_float_eq(p[1].box[3], 350, 1e-9);
    cr_assert_eq(p[1].rotate, 270);
    cr_assert_eq(pith_doc_warning_count(o.doc), 0);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc, xref_table_with_odd_whitespace_and_wrong_count)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    /* One-space line ends, a subsection count too large, entries split in two subsections. */
    char t[512];
    size_t xo = w.b.n - w.hdr;
    buf_str(&w.b, "xref\n0 3\n0000000000 65535 f \n");
    snprintf(t, sizeof t, "%010zu 00000 n \n%010zu 00000 n \n4 10\n", w.off[1], w.off[2]);
    buf_str(&w.b, t);
    snprintf(t, sizeof t, "%zu 0 n\n%zu 0 n  \r\n%zu 0 n\n", w.off[4], w.off[5], w.off[6]);
    buf_str(&w.b, t);
    snprintf(t, sizeof t, "3 1\n%010zu 00000 n\r\ntrailer<</Root 1 0 R/Size 7>>\nstartxref\n%zu\n"
                          "%%%%EOF",
             w.off[3], xo);
    buf_str(&w.b, t);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 3);
    cr_assert(!o.ctx->repaired, "entries read by tokens need no repair");
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc, xref_starting_at_one_is_shifted)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    char t[128];
    size_t xo = w.b.n - w.hdr;
    /* "xref 1 N" with the free head first: the classic off-by-one (pdf.js). */
    snprintf(t, sizeof t, "xref\n1 %d\n0000000000 65535 f\r\n", w.max + 1);
    buf_str(&w.b, t);
    for (int i = 1; i <= w.max; i++) {
        snprintf(t, sizeof t, "%010zu 00000 n\r\n", w.off[i]);
        buf_str(&w.b, t);
    }
    snprintf(t, sizeof t, "trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xo);
    buf_str(&w.b, t);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 3);
    cr_assert(!o.ctx->repaired);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc, header_after_junk_offsets_count_from_the_header)
{
    pdfw w;
    buf junk = {0};
    buf_str(&junk, "<html><body>");
    buf_rep(&junk, "x", 364 - 12);
    w_begin(&w, junk.p);
    cr_assert_eq(w.hdr, 364);
    w_three_pages(&w);
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->header_off, 364);
    cr_assert_eq(o.ctx->npages, 3);
    cr_assert(!o.ctx->repaired);
    close_pdf(&o);
    free(w.b.p);
    free(junk.p);
}

/* MARK: - Incremental updates */

Test(pdf_doc, prev_chain_newest_entries_win)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    w_obj(&w, 7, "<< /Title (Old) >>");
    size_t x1 = w_xref(&w, "/Info 7 0 R", 0, -1);
    /* The update rewrites objects 2 (one page less) and 7; its table lists only those. */
    size_t o2 = w.b.n - w.hdr;
    buf_str(&w.b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>\nendobj\n");
    size_t o7 = w.b.n - w.hdr;
    buf_str(&w.b, "7 0 obj\n<< /Title (New) >>\nendobj\n");
    char t[256];
    size_t x2 = w.b.n - w.hdr;
    snprintf(t, sizeof t, "xref\n2 1\n%010zu 00000 n\r\n7 1\n%010zu 00000 n\r\ntrailer\n<< /Size 8 "
                          "/Root 1 0 R /Info 7 0 R /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n",
             o2, o7, x1, x2);
    buf_str(&w.b, t);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 2);
    const pdf_obj *title = pdf_dict_get(o.ctx, pdf_dict_get(o.ctx, o.ctx->trailer, "Info"), "Title");
    cr_assert_eq(title->kind, PDF_STRING);
    cr_assert(title->n == 3 && memcmp(title->u.s, "New", 3) == 0);
    cr_assert(!o.ctx->repaired);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc_hostile, prev_loop_is_cut)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    /* The table's /Prev points at itself (pdfium's bug_xrefv4_loop has the same shape). */
    size_t xo = w.b.n - w.hdr;
    w_xref(&w, NULL, 0, (long)xo);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 3);
    cr_assert(pdf_test_has_warning(o.doc, "loops"));
    close_pdf(&o);
    free(w.b.p);
}

/* MARK: - Xref streams and object streams */

static void put_row(buf *b, uint8_t type, uint32_t f2, uint16_t f3)
{
    uint8_t r[7] = {type, (uint8_t)(f2 >> 24), (uint8_t)(f2 >> 16), (uint8_t)(f2 >> 8),
                    (uint8_t)f2, (uint8_t)(f3 >> 8), (uint8_t)f3};
    buf_put(b, r, 7);
}

static void hex_of(buf *out, const buf *in)
{
    static const char hx[] = "0123456789ABCDEF";
    for (size_t i = 0; i < in->n; i++) {
        char c[2] = {hx[(uint8_t)in->p[i] >> 4], hx[(uint8_t)in->p[i] & 15]};
        buf_put(out, c, 2);
    }
    buf_str(out, ">");
}

/* Catalog (1) and pages node (2) as plain objects; pages 3, 4 inside object stream 5 (written
 * in ASCIIHex so the filter chain is used); the xref stream is object 6. */
static void w_objstm_doc(pdfw *w, bool hybrid)
{
    w_obj(w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    w_obj(w, 2, "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>");
    const char *o3 = "<< /Type /Page /Parent 2 0 R /Rotate 180 >>";
    const char *o4 = "<< /Type /Page /Parent 2 0 R /Label (x\\051) >>";
    char body[512];
    char head[32];
    snprintf(head, sizeof head, "3 0 4 %zu ", strlen(o3) + 1);
    snprintf(body, sizeof body, "%s%s %s", head, o3, o4);
    buf raw = {0}, hx = {0};
    buf_str(&raw, body);
    hex_of(&hx, &raw);
    char extra[128];
    snprintf(extra, sizeof extra, "/Type /ObjStm /N 2 /First %zu /Filter /ASCIIHexDecode",
             strlen(head));
    w_stream(w, 5, extra, hx.p, hx.n);
    buf rows = {0};
    put_row(&rows, 0, 0, 65535);
    put_row(&rows, 1, (uint32_t)w->off[1], 0);
    put_row(&rows, 1, (uint32_t)w->off[2], 0);
    put_row(&rows, 2, 5, 0);
    put_row(&rows, 2, 5, 1);
    put_row(&rows, 1, (uint32_t)w->off[5], 0);
    size_t xs = w->b.n - w->hdr;
    put_row(&rows, 1, (uint32_t)xs, 0);
    w_stream(w, 6, "/Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R", rows.p, rows.n);
    char t[256];
    if (!hybrid) {
        snprintf(t, sizeof t, "startxref\n%zu\n%%%%EOF\n", xs);
        buf_str(&w->b, t);
    } else {
        /* A table listing the plain objects, the compressed ones left free, /XRefStm. */
        size_t xo = w->b.n - w->hdr;
        snprintf(t, sizeof t, "xref\n0 7\n0000000000 65535 f\r\n%010zu 00000 n\r\n%010zu 00000 "
                              "n\r\n",
                 w->off[1], w->off[2]);
        buf_str(&w->b, t);
        buf_str(&w->b, "0000000000 00000 f\r\n0000000000 00000 f\r\n");
        snprintf(t, sizeof t, "%010zu 00000 n\r\n%010zu 00000 n\r\ntrailer\n<< /Size 7 /Root 1 0 "
                              "R /XRefStm %zu >>\nstartxref\n%zu\n%%%%EOF\n",
                 w->off[5], w->off[6], xs, xo);
        buf_str(&w->b, t);
    }
    free(raw.p);
    free(hx.p);
    free(rows.p);
}

Test(pdf_doc, xref_stream_and_object_stream)
{
    pdfw w;
    w_begin(&w, NULL);
    w_objstm_doc(&w, false);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK, "%s", pith_ctx_error(g_ctx).message);
    cr_assert(!o.ctx->repaired);
    cr_assert_eq(o.ctx->npages, 2);
    cr_assert_eq(o.ctx->pages[0].rotate, 180);
    const pdf_obj *l = pdf_dict_get(o.ctx, o.ctx->pages[1].dict, "Label");
    cr_assert(l->kind == PDF_STRING && l->n == 2 && memcmp(l->u.s, "x)", 2) == 0);
    cr_assert_eq(o.ctx->xref[3].type, 2);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc, hybrid_file_reads_its_xref_stream)
{
    pdfw w;
    w_begin(&w, NULL);
    w_objstm_doc(&w, true);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert(!o.ctx->repaired, "free entries in the table must not hide /XRefStm's");
    cr_assert_eq(o.ctx->npages, 2);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc, repair_finds_objects_inside_object_streams)
{
    pdfw w;
    w_begin(&w, NULL);
    w_objstm_doc(&w, false);
    /* Break the startxref: only scanning can find the pages, and they are compressed. */
    char *s = NULL;
    for (size_t i = w.b.n; i-- > 9 && !s;) /* binary rows hold NULs: no strstr */
        if (memcmp(w.b.p + i - 9, "startxref", 9) == 0) s = w.b.p + i - 9;
    cr_assert(s);
    memcpy(s, "startxxxx", 9);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert(o.ctx->repaired);
    cr_assert_eq(o.ctx->npages, 2);
    close_pdf(&o);
    free(w.b.p);
}

/* MARK: - Repair */

Test(pdf_doc, repair_when_offsets_are_wrong)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    w_xref(&w, NULL, 7, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 3);
    cr_assert(o.ctx->repaired);
    cr_assert(pdf_test_has_warning(o.doc, "rebuilt"));
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc, repair_when_startxref_is_missing)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    buf_str(&w.b, "trailer\n<< /Root 1 0 R >>\n%%EOF\n");
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert(o.ctx->repaired);
    cr_assert_eq(o.ctx->npages, 3);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc, repair_without_any_trailer_finds_the_catalog)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert(o.ctx->repaired);
    cr_assert_eq(o.ctx->npages, 3);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc, repair_later_objects_win)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    /* An appended object 2 without any xref: scanning takes the later one. */
    buf_str(&w.b, "2 0 obj\n<< /Type /Pages /Kids [5 0 R] /Count 1 >>\nendobj\n");
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert(o.ctx->repaired);
    cr_assert_eq(o.ctx->npages, 1);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc, page_objects_found_when_the_tree_is_broken)
{
    pdfw w;
    w_begin(&w, NULL);
    w_obj(&w, 1, "<< /Type /Catalog /Pages 9 0 R >>");
    w_obj(&w, 2, "<< /Type /Page /MediaBox [0 0 100 100] >>");
    w_obj(&w, 3, "<< /Type /Page >>");
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 2);
    cr_assert_float_eq(o.ctx->pages[0].box[2], 100, 1e-9);
    cr_assert(pdf_test_has_warning(o.doc, "no page"));
    close_pdf(&o);
    free(w.b.p);
}

/* MARK: - Streams */

Test(pdf_doc, stream_length_by_reference)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    w.off[7] = w.b.n - w.hdr;
    w.max = 8;
    buf_str(&w.b, "7 0 obj\n<< /Length 8 0 R >>\nstream\r\nhello world\nendstream\nendobj\n");
    w_obj(&w, 8, "11");
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    const uint8_t *d;
    size_t n;
    cr_assert_eq(pdf_stream_decode(o.ctx, pdf_get_obj(o.ctx, 7), NULL, &d, &n), PITH_OK);
    cr_assert_eq(n, 11);
    cr_assert(memcmp(d, "hello world", 11) == 0);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc_hostile, wrong_length_is_corrected_by_endstream)
{
    const int64_t lens[] = {3, 1000, -5};
    for (int k = 0; k < 3; k++) {
        pdfw w;
        w_begin(&w, NULL);
        w_three_pages(&w);
        char t[128];
        w.off[7] = w.b.n - w.hdr;
        w.max = 7;
        snprintf(t, sizeof t, "7 0 obj\n<< /Length %lld >>\nstream\nhello world\r\nendstream\n"
                              "endobj\n",
                 (long long)lens[k]);
        buf_str(&w.b, t);
        w_xref(&w, NULL, 0, -1);
        opened o = open_pdf(&w.b);
        cr_assert_eq(o.st, PITH_OK);
        const uint8_t *d;
        size_t n;
        cr_assert_eq(pdf_stream_decode(o.ctx, pdf_get_obj(o.ctx, 7), NULL, &d, &n), PITH_OK);
        cr_assert_eq(n, 11, "/Length %lld gave %zu", (long long)lens[k], n);
        cr_assert(memcmp(d, "hello world", 11) == 0);
        close_pdf(&o);
        free(w.b.p);
    }
}

Test(pdf_doc_hostile, missing_endstream_and_endobj)
{
    pdfw w;
    w_begin(&w, NULL);
    w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    /* Object 2 lacks its endobj; object 3's stream lacks endstream. */
    w.off[2] = w.b.n - w.hdr;
    buf_str(&w.b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n");
    w.off[3] = w.b.n - w.hdr;
    buf_str(&w.b, "3 0 obj\n<< /Type /Page /Contents 4 0 R >>\nendobj\n");
    w.off[4] = w.b.n - w.hdr;
    buf_str(&w.b, "4 0 obj\n<< /Length 99 >>\nstream\nBT ET\nendobj\n");
    w.max = 4;
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 1);
    const uint8_t *d;
    size_t n;
    cr_assert_eq(pdf_stream_decode(o.ctx, pdf_get_obj(o.ctx, 4), NULL, &d, &n), PITH_OK);
    cr_assert(n >= 5 && memcmp(d, "BT ET", 5) == 0);
    cr_assert(pdf_test_has_warning(o.doc, "endstream"));
    close_pdf(&o);
    free(w.b.p);
}

/* MARK: - Cycles and absurd trees */

Test(pdf_doc_hostile, reference_cycle_reads_as_null)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    w_obj(&w, 7, "8 0 R");
    w_obj(&w, 8, "7 0 R");
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    /* 7 is a reference to 8, which is a reference to 7: as a value, 7 is that reference. */
    const pdf_obj *a = pdf_get_obj(o.ctx, 7);
    cr_assert_eq(a->kind, PDF_REF);
    const pdf_obj *b = pdf_resolve(o.ctx, a);
    cr_assert_eq(b->kind, PDF_REF);
    cr_assert_eq(pdf_resolve(o.ctx, b)->kind, PDF_REF);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc_hostile, length_pointing_at_its_own_stream)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    w.off[7] = w.b.n - w.hdr;
    w.max = 7;
    buf_str(&w.b, "7 0 obj\n<< /Length 7 0 R >>\nstream\nabc\nendstream\nendobj\n");
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    const uint8_t *d;
    size_t n;
    cr_assert_eq(pdf_stream_decode(o.ctx, pdf_get_obj(o.ctx, 7), NULL, &d, &n), PITH_OK);
    cr_assert(n == 3 && memcmp(d, "abc", 3) == 0);
    cr_assert(pdf_test_has_warning(o.doc, "cycle"));
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc_hostile, page_tree_cycle_is_cut)
{
    pdfw w;
    w_begin(&w, NULL);
    w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R 2 0 R 4 0 R 3 0 R] /Count 4 >>");
    w_obj(&w, 3, "<< /Type /Page >>");
    w_obj(&w, 4, "<< /Type /Pages /Kids [2 0 R 5 0 R] >>");
    w_obj(&w, 5, "<< /Type /Page >>");
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 2);
    cr_assert(pdf_test_has_warning(o.doc, "twice"));
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc_hostile, count_of_a_billion_pages_costs_nothing)
{
    pdfw w;
    w_begin(&w, NULL);
    w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1000000000 >>");
    w_obj(&w, 3, "<< /Type /Page >>");
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 1);
    cr_assert_lt(pith_ctx_stats(g_ctx).memory_high, (uint64_t)8 << 20);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc_hostile, deep_page_tree_is_bounded)
{
    pdfw w;
    w_begin(&w, NULL);
    w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    /* A chain of 60 /Pages nodes is within the cap; the page at the bottom is found. */
    char t[128];
    for (int i = 2; i < 62; i++) {
        snprintf(t, sizeof t, "<< /Type /Pages /Kids [%d 0 R] >>", i + 1);
        w_obj(&w, i, t);
    }
    w_obj(&w, 62, "<< /Type /Page >>");
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 1);
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc_hostile, huge_object_numbers_are_ignored)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    char t[256];
    size_t xo = w.b.n - w.hdr;
    snprintf(t, sizeof t, "xref\n0 7\n0000000000 65535 f\r\n");
    buf_str(&w.b, t);
    for (int i = 1; i <= 6; i++) {
        snprintf(t, sizeof t, "%010zu 00000 n\r\n", w.off[i]);
        buf_str(&w.b, t);
    }
    buf_str(&w.b, "2000000000 1\n0000000010 00000 n\r\n");
    snprintf(t, sizeof t, "trailer\n<< /Size 2000000001 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF",
             xo);
    buf_str(&w.b, t);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(o.ctx->npages, 3);
    cr_assert_lt(o.ctx->nxref, 100);
    cr_assert(pdf_test_has_warning(o.doc, "too large"));
    close_pdf(&o);
    free(w.b.p);
}

Test(pdf_doc_hostile, every_truncation_of_a_small_pdf)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    w_obj(&w, 7, "<< /Title (T) /CreationDate (D:20170503102241+02'00') >>");
    w_xref(&w, "/Info 7 0 R", 0, -1);
    uint32_t ok = 0;
    for (size_t cut = 0; cut <= w.b.n; cut++) {
        opened o = open_pdf_opts(w.b.p, cut, pith_options_default());
        cr_assert(o.st == PITH_OK || o.st == PITH_E_FORMAT || o.st == PITH_E_TRUNCATED,
                  "cut %zu: %s", cut, pith_status_name(o.st));
        if (o.st == PITH_OK) {
            ok++;
            cr_assert_leq(o.ctx->npages, 3);
        }
        cr_assert_lt(pith_ctx_stats(g_ctx).memory_high, (uint64_t)8 << 20);
        close_pdf(&o);
    }
    /* Once the pages are in, every longer prefix opens (by repair). */
    cr_assert_gt(ok, w.b.n / 2);
    free(w.b.p);
}

Test(pdf_doc_hostile, deep_nesting_inside_an_object)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    buf deep = {0};
    buf_rep(&deep, "[", 20000);
    buf_rep(&deep, "]", 20000);
    w_obj(&w, 7, deep.p);
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    cr_assert_eq(pdf_get_obj(o.ctx, 7)->kind, PDF_ARRAY);
    close_pdf(&o);
    free(w.b.p);
    free(deep.p);
}

Test(pdf_doc_hostile, nothing_readable_fails_with_format)
{
    const char *cases[] = {"%PDF-1.4\nhello\n", "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
                           "%PDF-"};
    for (int i = 0; i < 3; i++) {
        opened o = open_pdf_opts(cases[i], strlen(cases[i]), pith_options_default());
        cr_assert_eq(o.st, PITH_E_FORMAT, "case %d: %s", i, pith_status_name(o.st));
        close_pdf(&o);
    }
}

/* MARK: - Page labels */

Test(pdf_doc, page_labels_styles_prefixes_and_starts)
{
    pdfw w;
    w_begin(&w, NULL);
    w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R /PageLabels << /Nums [0 << /S /r >> 2 << /S "
                 "/D /P (A-) /St 8 >> 4 << /S /A /St 27 >> 5 << /P (Cover) >> ] >> >>");
    w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R 3 0 R 4 0 R 5 0 R 6 0 R 7 0 R] >>");
    for (int i = 3; i <= 7; i++) w_obj(&w, i, "<< /Type /Page >>");
    w_xref(&w, NULL, 0, -1);
    opened o = open_pdf(&w.b);
    cr_assert_eq(o.st, PITH_OK);
    /* Object 3 is listed twice: the second listing is dropped, leaving 5 pages. */
    cr_assert_eq(o.ctx->npages, 5);
    const char *want[] = {"i", "ii", "A-8", "A-9", "AA"};
    for (int i = 0; i < 5; i++) {
        pith_str l = o.ctx->pages[i].label;
        cr_assert(l.n == strlen(want[i]) && memcmp(l.p, want[i], l.n) == 0,
                  "page %d: %.*s", i, (int)l.n, l.p);
    }
    close_pdf(&o);
    free(w.b.p);
}

/* MARK: - Metadata and text strings */

Test(pdf_doc, text_strings_in_every_encoding)
{
    pdfw w0;
    w_begin(&w0, NULL);
    w_three_pages(&w0);
    w_xref(&w0, NULL, 0, -1);
    opened o = open_pdf(&w0.b);
    pith_arena *a = pith_doc_arena(o.doc);
    pith_str s = pdf_text_string(a, (const uint8_t *)"\x80 \x84 \x93\x18\xA0\xE9", 8);
    /* PDFDocEncoding: bullet, em dash, fi ligature, breve, euro, e acute */
    const char *want = "\xE2\x80\xA2 \xE2\x80\x94 \xEF\xAC\x81\xCB\x98\xE2\x82\xAC\xC3\xA9";
    cr_assert(s.n == strlen(want) && memcmp(s.p, want, s.n) == 0, "%.*s", (int)s.n, s.p);
    s = pdf_text_string(a, (const uint8_t *)"\xFE\xFF\x00H\x00\xE9\xD8\x3D\xDE\x00", 10);
    want = "H\xC3\xA9\xF0\x9F\x98\x80";
    cr_assert(s.n == strlen(want) && memcmp(s.p, want, s.n) == 0);
    s = pdf_text_string(a, (const uint8_t *)"\xFF\xFEH\x00i\x00", 6);
    cr_assert(s.n == 2 && memcmp(s.p, "Hi", 2) == 0);
    s = pdf_text_string(a, (const uint8_t *)"\xEF\xBB\xBFMan\xC3\xBC", 8);
    cr_assert(s.n == 5 && memcmp(s.p, "Man\xC3\xBC", 5) == 0);
    /* A language escape inside UTF-16 is dropped (§7.9.2.2). */
    s = pdf_text_string(a, (const uint8_t *)"\xFE\xFF\x00\x1B\x00" "e\x00n\x00\x1B\x00H", 12);
    cr_assert(s.n == 1 && s.p[0] == 'H', "%.*s", (int)s.n, s.p);
    close_pdf(&o);
    free(w0.b.p);
}

static doc_result run_handler(const buf *b)
{
    return doc_run_with(&pith_handler_pdf, PITH_FMT_PDF, b->p, b->n, pith_options_default());
}

Test(pdf_doc, info_dictionary_to_metadata)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    w_obj(&w, 7, "<< /Title <FEFF00C900740065> /Author (Ann \\(A\\) B) /Subject (S) "
                 "/Keywords (k1, k2) /Creator (Writer) /Producer (Prod\\x) "
                 "/CreationDate (D:20170503102241+02'00') /ModDate (D:2019) >>");
    w_xref(&w, "/Info 7 0 R", 0, -1);
    doc_result r = run_handler(&w.b);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    char v[256];
    cr_assert_str_eq(doc_meta(&r, "title", v, sizeof v), "\xC3\x89te");
    cr_assert_str_eq(doc_meta(&r, "author", v, sizeof v), "Ann (A) B");
    cr_assert_str_eq(doc_meta(&r, "subject", v, sizeof v), "S");
    cr_assert_str_eq(doc_meta(&r, "keywords", v, sizeof v), "k1, k2");
    cr_assert_str_eq(doc_meta(&r, "creator", v, sizeof v), "Writer");
    cr_assert_str_eq(doc_meta(&r, "producer", v, sizeof v), "Prodx");
    cr_assert_str_eq(doc_meta(&r, "created", v, sizeof v), "2017-05-03T10:22:41+02:00");
    cr_assert_str_eq(doc_meta(&r, "modified", v, sizeof v), "2019");
    cr_assert_str_eq(doc_meta(&r, "pages", v, sizeof v), "3");
    cr_assert_str_eq(doc_meta(&r, "pdf_version", v, sizeof v), "1.4");
    cr_assert_str_eq(doc_meta(&r, "encrypted", v, sizeof v), "false");
    cr_assert_eq(r.units, 3);
    doc_result_free(&r);
    free(w.b.p);
}

/* Names in the Info dictionary (producers write /Title /Something): their bytes are UTF-8 by
 * convention (§7.3.5), #xx escapes included; bytes that are not are U+FFFD (fuzz_pdf found a
 * name's 0xFF bytes passed through as a title). */
Test(pdf_doc, info_names_are_utf8_text)
{
    pdfw w;
    w_begin(&w, NULL);
    w_three_pages(&w);
    w_obj(&w, 7, "<< /Title /Caf#C3#A9 /Author /Ann#FFB#E2#82 >>");
    w_xref(&w, "/Info 7 0 R", 0, -1);
    doc_result r = run_handler(&w.b);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    char v[256];
    cr_assert_str_eq(doc_meta(&r, "title", v, sizeof v), "Caf\xC3\xA9");
    cr_assert_str_eq(doc_meta(&r, "author", v, sizeof v), "Ann\xEF\xBF\xBD" "B\xEF\xBF\xBD");
    doc_result_free(&r);
    free(w.b.p);
}

Test(pdf_doc, broken_dates_are_tolerated)
{
    struct { const char *in, *want; } c[] = {
        {"D:20170503102241Z", "2017-05-03T10:22:41Z"},
        {"D:20170503102241Z00'00'", "2017-05-03T10:22:41Z"},
        {"20170503", "2017-05-03"},
        {"D:201705031022", "2017-05-03T10:22:00"},
        {"D:20170503102241-0530", "2017-05-03T10:22:41-05:30"},
        {"D:20170503102241+02'00", "2017-05-03T10:22:41+02:00"},
        {"D:20171303", "D:20171303"},                 /* month 13: kept as written */
        {"Tue May 3 2017", "Tue May 3 2017"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        pdfw w;
        w_begin(&w, NULL);
        w_three_pages(&w);
        char t[128];
        snprintf(t, sizeof t, "<< /CreationDate (%s) >>", c[i].in);
        w_obj(&w, 7, t);
        w_xref(&w, "/Info 7 0 R", 0, -1);
        doc_result r = run_handler(&w.b);
        char v[128];
        cr_assert_str_eq(doc_meta(&r, "created", v, sizeof v), c[i].want, "%s", c[i].in);
        doc_result_free(&r);
        free(w.b.p);
    }
}

Test(pdf_doc, xmp_fills_what_info_lacks)
{
    pdfw w;
    w_begin(&w, NULL);
    const char *xmp =
        "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" "
        "pdf:Producer=\"XProd\">"
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">XMP Title</rdf:li>"
        "<rdf:li xml:lang=\"de\">Titel</rdf:li></rdf:Alt></dc:title>"
        "<dc:creator><rdf:Seq><rdf:li>Ann</rdf:li><rdf:li>Bob</rdf:li></rdf:Seq></dc:creator>"
        "<xmp:CreateDate>2020-01-02T03:04:05+01:00</xmp:CreateDate>"
        "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
    w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R /Metadata 8 0 R >>");
    w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R] >>");
    w_obj(&w, 3, "<< /Type /Page >>");
    w_obj(&w, 7, "<< /Author (Info Author) >>");
    w_stream(&w, 8, "/Type /Metadata /Subtype /XML", xmp, strlen(xmp));
    w_xref(&w, "/Info 7 0 R", 0, -1);
    doc_result r = run_handler(&w.b);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    char v[256];
    cr_assert_str_eq(doc_meta(&r, "title", v, sizeof v), "XMP Title");
    cr_assert_str_eq(doc_meta(&r, "author", v, sizeof v), "Info Author", "Info wins");
    cr_assert_str_eq(doc_meta(&r, "producer", v, sizeof v), "XProd");
    cr_assert_str_eq(doc_meta(&r, "created", v, sizeof v), "2020-01-02T03:04:05+01:00");
    doc_result_free(&r);
    free(w.b.p);
}

Test(pdf_doc, xmp_list_of_creators_is_joined)
{
    pdfw w;
    w_begin(&w, NULL);
    const char *xmp =
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
        "<rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<dc:creator><rdf:Seq><rdf:li>Ann</rdf:li><rdf:li>Bob</rdf:li></rdf:Seq></dc:creator>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>";
    w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R /Metadata 8 0 R >>");
    w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R] >>");
    w_obj(&w, 3, "<< /Type /Page >>");
    w_stream(&w, 8, "/Type /Metadata /Subtype /XML", xmp, strlen(xmp));
    w_xref(&w, NULL, 0, -1);
    doc_result r = run_handler(&w.b);
    char v[256];
    cr_assert_str_eq(doc_meta(&r, "author", v, sizeof v), "Ann, Bob");
    doc_result_free(&r);
    free(w.b.p);
}

/* MARK: - Corpus */

/* Pages as `pdfinfo` (poppler 22+) reports them, written by hand. */
static const struct { const char *file; uint32_t pages; } corpus_pages[] = {
    {"pdf/pdfjs__tracemonkey.pdf", 14},
    {"pdf/pdfjs__freeculture.pdf", 352},
    {"pdf/kreuzberg__medium.pdf", 7},
    {"pdf/pdfsamples__pdflatex-4-pages.pdf", 4},
    {"pdf/pdfium__utf-8.pdf", 1},
    {"pdf/pdfminer__dmca.pdf", 18},
    {"pdf/kreuzberg__image_only_german_pdf.pdf", 3},
    {"malformed/pdfjs__xref_command_missing.pdf", 1},
    {"malformed/pdfjs__helloworld-bad.pdf", 1},
    {"malformed/pdfium__bug_xrefv4_loop.pdf", 1},
    {"malformed/tika__testPDF_bad_page_303226.pdf", 19},
};

Test(pdf_doc_corpus, page_counts_match_pdfinfo)
{
    for (size_t i = 0; i < sizeof corpus_pages / sizeof corpus_pages[0]; i++) {
        size_t len;
        uint8_t *d = corpus_read(corpus_pages[i].file, &len);
        cr_assert(d, "%s missing", corpus_pages[i].file);
        opened o = open_pdf_opts(d, len, pith_options_default());
        cr_assert_eq(o.st, PITH_OK, "%s: %s", corpus_pages[i].file,
                     pith_ctx_error(g_ctx).message);
        cr_assert_eq(o.ctx->npages, corpus_pages[i].pages, "%s: %u pages",
                     corpus_pages[i].file, o.ctx->npages);
        close_pdf(&o);
        free(d);
    }
}

Test(pdf_doc_corpus, metadata_matches_pdfinfo)
{
    size_t len;
    uint8_t *d = corpus_read("pdf/pdfjs__freeculture.pdf", &len);
    cr_assert(d);
    doc_result r = doc_run_with(&pith_handler_pdf, PITH_FMT_PDF, d, len, pith_options_default());
    char v[256];
    cr_assert_str_eq(doc_meta(&r, "title", v, sizeof v), "Free Culture");
    cr_assert_str_eq(doc_meta(&r, "author", v, sizeof v), "Lawrence Lessig");
    cr_assert_str_eq(doc_meta(&r, "producer", v, sizeof v), "Acrobat Distiller 5.0.5 for Macintosh");
    cr_assert_str_eq(doc_meta(&r, "created", v, sizeof v), "2004-02-10T21:36:42Z");
    cr_assert_str_eq(doc_meta(&r, "modified", v, sizeof v), "2004-04-22T15:00:27-07:00");
    cr_assert_str_eq(doc_meta(&r, "pdf_version", v, sizeof v), "1.5");
    doc_result_free(&r);
    free(d);
    /* A UTF-8 Info string with its BOM (ISO 32000-2): pdfinfo shows "ManÃ¼ally" because it
     * reads the bytes as Latin-1; the string is "Manüally Created". */
    d = corpus_read("pdf/pdfium__utf-8.pdf", &len);
    cr_assert(d);
    r = doc_run_with(&pith_handler_pdf, PITH_FMT_PDF, d, len, pith_options_default());
    cr_assert_str_eq(doc_meta(&r, "producer", v, sizeof v), "Man\xC3\xBC" "ally Created");
    cr_assert_str_eq(doc_meta(&r, "pdf_version", v, sizeof v), "1.7");
    doc_result_free(&r);
    free(d);
    /* Title from the XMP packet: this PDF 2.0 file's Info has none (dc:title "Math Test One",
     * as pdfinfo shows). */
    d = corpus_read("pdf/pdfjs__bug1937438_af_from_latex.pdf", &len);
    cr_assert(d);
    r = doc_run_with(&pith_handler_pdf, PITH_FMT_PDF, d, len, pith_options_default());
    cr_assert_str_eq(doc_meta(&r, "title", v, sizeof v), "Math Test One");
    cr_assert_str_eq(doc_meta(&r, "pdf_version", v, sizeof v), "2.0");
    doc_result_free(&r);
    free(d);
}

static void open_dir(const char *sub, uint32_t *files, uint32_t *opened_ok)
{
    const char *root = getenv("PITH_CORPUS");
    if (!root) cr_skip_test("PITH_CORPUS not set: the shared corpus is not available");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, sub);
    DIR *dir = opendir(path);
    if (!dir) cr_skip_test("corpus folder %s is absent", path);
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".pdf") != 0) continue;
        char rel[512];
        snprintf(rel, sizeof rel, "%s/%s", sub, e->d_name);
        size_t len;
        uint8_t *d = corpus_read(rel, &len);
        if (!d) continue;
        (*files)++;
        opened o = open_pdf_opts(d, len, pith_options_default());
        cr_assert(o.st == PITH_OK || o.st == PITH_E_ENCRYPTED || o.st == PITH_E_FORMAT ||
                      o.st == PITH_E_TRUNCATED || o.st == PITH_E_LIMIT,
                  "%s: %s", rel, pith_status_name(o.st));
        if (o.st == PITH_OK) (*opened_ok)++;
        close_pdf(&o);
        free(d);
    }
    closedir(dir);
}

Test(pdf_doc_corpus, every_corpus_pdf_opens_without_crash, .timeout = 300)
{
    uint32_t files = 0, ok = 0;
    open_dir("pdf", &files, &ok);
    cr_assert_gt(files, 50);
    /* Only the encrypted files whose password pith does not have may fail. */
    cr_assert_geq(ok, files - 8, "%u of %u opened", ok, files);
}

Test(pdf_doc_corpus, every_malformed_pdf_opens_or_fails_cleanly, .timeout = 300)
{
    uint32_t files = 0, ok = 0;
    open_dir("malformed", &files, &ok);
    cr_assert_gt(files, 5);
    cr_assert_geq(ok, files - 2, "%u of %u opened", ok, files);
}

/* MARK: - Pages without a text layer */

Test(pdf_doc, image_only_page_is_flagged)
{
    pdfw w;
    w_begin(&w, NULL);
    w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R 4 0 R] >>");
    w_obj(&w, 3, "<< /Type /Page /Resources << /XObject << /Im1 8 0 R >> >> /Contents 9 0 R >>");
    w_obj(&w, 4, "<< /Type /Page /Resources << /XObject << /Im1 8 0 R >> >> /Contents 9 0 R >>");
    w_stream(&w, 8, "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                    "/BitsPerComponent 8", "\x80", 1);
    const char *c = "q 100 0 0 100 0 0 cm /Im1 Do Q";
    w_stream(&w, 9, "", c, strlen(c));
    w_xref(&w, NULL, 0, -1);
    doc_result r = run_handler(&w.b);
    cr_assert_eq(r.open_st, PITH_OK, "%s", r.err);
    /* One entry per flagged page (a repeated key is a list) */
    cr_assert(strstr(r.meta.p, "pages_without_text=1\npages_without_text=2\n"), "%s", r.meta.p);
    cr_assert(strstr(r.warnings.p, "page 2 has images and no text layer"), "%s", r.warnings.p);
    doc_result_free(&r);
    free(w.b.p);
}

Test(pdf_doc_corpus, scanned_pages_are_flagged)
{
    /* NOTES.tsv: "scanned image-only PDF, no text layer"; pdfinfo: 3 pages. */
    size_t len;
    uint8_t *d = corpus_read("pdf/kreuzberg__image_only_german_pdf.pdf", &len);
    cr_assert(d);
    doc_result r = doc_run_with(&pith_handler_pdf, PITH_FMT_PDF, d, len, pith_options_default());
    cr_assert_eq(r.open_st, PITH_OK);
    cr_assert(strstr(r.meta.p, "pages_without_text=1\npages_without_text=2\npages_without_text=3\n"),
              "%s", r.meta.p);
    doc_result_free(&r);
    free(d);
}
