/* fuzz_pdf_cmap.c: the CMap parser (handlers/pdf/pdf_cmap.c) over any bytes, and the lookups
 * over the result.
 *
 * Input: up to 4 CMap programs separated by "\n%%\n", added at usecmap levels 0, 1, 2, 3 (a
 * lower level wins). Properties: the segments are sorted, disjoint and inside the code space
 * of 4 bytes; string rules point inside the pool; pdf_cmap_code reads 1..n bytes; every code
 * read from the input maps to at most 8 code points; a code a segment covers is found. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz_util.h"
#include "../../handlers/pdf/pdf.h"
#include "../../handlers/pdf/pdf_font_int.h"

static const uint8_t *find_sep(const uint8_t *p, const uint8_t *end)
{
    for (; end - p >= 4; p++)
        if (memcmp(p, "\n%%\n", 4) == 0) return p;
    return end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_doc fd;
    if (!fuzz_doc_open(&fd, "pdf", PITH_FMT_PDF)) return 0;
    pith_arena *a = pith_scratch_arena(fd.doc);
    pdf_cmap_builder b;
    pdf_cmap_builder_init(&b, fd.doc, a);
    const uint8_t *p = data, *end = data + size;
    pith_status st = PITH_OK;
    for (uint32_t level = 0; level < PDF_CMAP_MAX_LEVELS && st == PITH_OK; level++) {
        const uint8_t *q = find_sep(p, end);
        st = pdf_cmap_builder_add(&b, p, (size_t)(q - p), level);
        if (q == end) break;
        p = q + 4;
    }
    pdf_cmap *c = NULL;
    if (st == PITH_OK) st = pdf_cmap_builder_finish(&b, a, &c);
    if ((unsigned)st >= PITH_STATUS_COUNT) abort();
    if (st == PITH_OK) {
        if (!c || c->nspace > PDF_CMAP_MAX_SPACE || c->use_len > sizeof c->use) abort();
        for (uint32_t i = 0; i < c->nseg; i++) {
            const pdf_cmap_seg *s = &c->seg[i];
            if (s->lo > s->hi || s->base > s->lo) abort();
            if (i && c->seg[i - 1].hi >= s->lo) abort();
            if (s->kind > PDF_CMAP_STR) abort();
            if (s->kind == PDF_CMAP_STR && (s->val > c->npool || s->len > c->npool - s->val))
                abort();
            if (pdf_cmap_find(c, s->lo) != s || pdf_cmap_find(c, s->hi) != s) abort();
        }
        uint32_t cps[8];
        for (size_t i = 0; i < size;) {
            uint32_t code = 0, cid = 0;
            size_t n = pdf_cmap_code(c, data + i, size - i, &code);
            if (n == 0 || n > 4 || n > size - i) abort();
            if (pdf_cmap_unicode(c, code, cps) > 8) abort();
            (void)pdf_cmap_cid(c, code, &cid);
            i += n;
        }
    }
    fuzz_doc_close(&fd);
    return 0;
}
