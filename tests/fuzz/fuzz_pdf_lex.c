/* fuzz_pdf_lex.c: the PDF lexer and object parser (handlers/pdf/pdf_lex.c) over any bytes, as
 * a content stream (ops true, the interpreter's loop) and then as file structure (ops false);
 * then the TJ fast path (pdf_lex_tj) at every '[' against the general path.
 *
 * Properties: every call makes progress or ends the input (a caller looping on pdf_parse never
 * spins), objects are well formed (kinds from the enum, nesting within PDF_MAX_NEST, every
 * string readable to its length, dictionary keys present), a status from the contract. Where
 * pdf_lex_tj takes an array, pdf_parse reads the same items (string bytes, number bits), then
 * the operator TJ, ends at the same byte and charges the work pdf_lex_tj reported; where it
 * declines, the lexer has not moved. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz_util.h"
#include "../../handlers/pdf/pdf.h"

/* Walks an object; recursion is bounded by the parser's own nesting cap. */
static void walk(const pdf_obj *o, uint32_t depth)
{
    if (depth > PDF_MAX_NEST + 1) abort();
    switch (o->kind) {
    case PDF_NULL: case PDF_BOOL: case PDF_INT: case PDF_REAL: case PDF_REF:
        break;
    case PDF_NAME: case PDF_STRING: case PDF_OP:
        if (o->n && !o->u.s) abort();
        fuzz_touch(o->u.s, o->n);
        break;
    case PDF_ARRAY:
        if (o->n && !o->u.items) abort();
        for (uint32_t i = 0; i < o->n; i++) walk(&o->u.items[i], depth + 1);
        break;
    case PDF_DICT:
        if (o->n && !o->u.pairs) abort();
        for (uint32_t i = 0; i < o->n; i++) {
            if (o->u.pairs[i].klen && !o->u.pairs[i].key) abort();
            fuzz_touch(o->u.pairs[i].key, o->u.pairs[i].klen);
            walk(&o->u.pairs[i].val, depth + 1);
        }
        break;
    case PDF_STREAM:
        if (!o->u.stream.dict) abort();
        walk(o->u.stream.dict, depth + 1);
        break;
    default:
        abort();
    }
}

static void run(pith_doc *doc, const uint8_t *data, size_t size, bool ops)
{
    pith_arena *a = pith_scratch_arena(doc);
    pdf_lex lx;
    pdf_lex_init(&lx, doc, a, data, size, 0);
    for (;;) {
        const uint8_t *before = lx.p;
        pith_arena_mark m = pith_arena_mark_get(a);
        pdf_obj o;
        pith_status st = pdf_parse(&lx, &o, ops);
        if (lx.p < lx.base || lx.p > lx.end) abort();
        if (st == PITH_OK || st == PITH_E_TRUNCATED) walk(&o, 0);
        pith_arena_release(a, m);
        if (st == PITH_OK && o.kind == PDF_NULL && lx.p == lx.end) break;
        if (st == PITH_E_FORMAT) {
            /* the caller resyncs: past one byte when the parser did not move */
            if (lx.p == before) {
                if (lx.p == lx.end) break;
                lx.p++;
            }
            continue;
        }
        if (st != PITH_OK) {
            if (st != PITH_E_TRUNCATED && st != PITH_E_LIMIT && st != PITH_E_NOMEM) abort();
            break;
        }
        if (lx.p == before) abort(); /* OK without progress: a caller's loop would spin */
    }
}

/* pdf_lex_tj at offset `at` (a '[') against pdf_parse from the same place (see the header). */
static void tj_at(pith_ctx *ctx, pith_doc *doc, const uint8_t *data, size_t size, size_t at)
{
    static pdf_tj_item items[64];
    static uint8_t bytes[256];
    pith_arena *a = pith_scratch_arena(doc);
    pith_arena_mark m = pith_arena_mark_get(a);
    pdf_tj tj = {.items = items, .cap = 64, .bytes = bytes, .cap_bytes = sizeof bytes};
    pdf_lex lx;
    pdf_lex_init(&lx, doc, a, data, size, 0);
    lx.p = lx.base + at;
    uint64_t w0 = pith_ctx_stats(ctx).work;
    bool flat = pdf_lex_tj(&lx, &tj);
    if (pith_ctx_stats(ctx).work != w0) abort(); /* the caller charges tj.work */
    const uint8_t *end_flat = lx.p;
    if (!flat) {
        if (lx.p != lx.base + at) abort();
        goto out;
    }
    if (tj.n > tj.cap) abort();
    pdf_lex_init(&lx, doc, a, data, size, 0);
    lx.p = lx.base + at;
    pdf_obj arr, op;
    pith_status st = pdf_parse(&lx, &arr, true);
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) goto out; /* the document's budget, spent */
    if (st != PITH_OK || arr.kind != PDF_ARRAY || arr.n != tj.n) abort();
    for (uint32_t i = 0; i < tj.n; i++) {
        const pdf_obj *g = &arr.u.items[i];
        const pdf_tj_item *f = &tj.items[i];
        if (g->kind == PDF_STRING) {
            if (!f->s || f->n != g->n || (g->n && memcmp(f->s, g->u.s, g->n) != 0)) abort();
        } else {
            if ((g->kind != PDF_INT && g->kind != PDF_REAL) || f->s) abort();
            double want = pdf_num(g, 0);
            if (memcmp(&f->num, &want, sizeof want) != 0) abort();
        }
    }
    if (pdf_parse(&lx, &op, true) != PITH_OK || op.kind != PDF_OP || op.n != 2 ||
        memcmp(op.u.s, "TJ", 2) != 0)
        abort();
    if (lx.p != end_flat) abort();
    if (pith_ctx_stats(ctx).work - w0 != tj.work) abort();
out:
    pith_arena_release(a, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_doc fd;
    if (!fuzz_doc_open(&fd, "pdf", PITH_FMT_PDF)) return 0;
    run(fd.doc, data, size, true);
    run(fd.doc, data, size, false);
    for (size_t i = 0; i < size; i++)
        if (data[i] == '[') tj_at(fd.ctx, fd.doc, data, size, i);
    fuzz_doc_close(&fd);
    return 0;
}
