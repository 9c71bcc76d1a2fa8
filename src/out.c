/* out.c: output chunks. Serializers write bytes; this cuts them into chunks of at most
 * chunk_size bytes, never inside a UTF-8 sequence, in the out arena.
 *
 * A chunk is sealed when it is full and at the end of every unit step, so a unit's output is
 * handed out as soon as the step that made it returns, and chunks never span two units. The
 * out arena is rolled back by pith_next once every sealed chunk has been handed out and
 * consumed: memory holds one step's output, not the document's.
 */
#include <string.h>

#include "doc_int.h"

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

void pith_out_seal(pith_doc *doc)
{
    if (!doc->fill || doc->fill_len == 0) return;
    pith_out_chunk *c = pith_arena_alloc(&doc->ctx->out, sizeof *c);
    if (!c) {
        pith_fail_alloc(doc, sizeof *c);
        return;
    }
    c->next = NULL;
    /* Output written while the document ends belongs to its last unit. */
    c->unit = doc->unit < doc->unit_end || doc->unit == 0 ? doc->unit : doc->unit_end - 1;
    c->len = (uint32_t)doc->fill_len;
    c->data = doc->fill;
    if (doc->q_tail)
        doc->q_tail->next = c;
    else
        doc->q_head = c;
    doc->q_tail = c;
    doc->fill = NULL;
    doc->fill_len = 0;
}

void pith_out_reset(pith_doc *doc)
{
    doc->q_head = doc->q_tail = NULL;
    doc->handed = NULL;
    doc->fill = NULL;
    doc->fill_len = 0;
    pith_arena_reset(&doc->ctx->out);
}

/* Everything but the common case: n == 0, a failed document, the output limit, a chunk to
 * start, seal or cut. Out of line, so that the common case saves no registers (native: its
 * prologue was a third of a write's instructions). */
static int out_write_rest(pith_doc *doc, const char *s, size_t n)
{
    size_t cap = doc->opts.chunk_size;
    if (n == 0) return 0;
    if (doc->fatal != PITH_OK) return (int)doc->fatal;
    uint64_t max = doc->opts.limits.max_output_bytes;
    if (n > max - doc->out_total) {
        return (int)pith_fail(doc, PITH_E_LIMIT, 0,
                              "output: more than %llu bytes (limit max_output_bytes)",
                              (unsigned long long)max);
    }
    doc->out_total += n;
    while (n) {
        if (!doc->fill) {
            doc->fill = pith_arena_alloc(&doc->ctx->out, cap);
            if (!doc->fill) return (int)pith_fail_alloc(doc, cap);
            doc->fill_len = 0;
        }
        size_t room = cap - doc->fill_len;
        size_t k = n;
        if (k > room) {
            /* Cut before the lead byte of the sequence that does not fit. chunk_size >= 64,
             * so an empty chunk always takes at least one whole sequence (at most 4 bytes). */
            k = room;
            while (k > 0 && is_cont((unsigned char)s[k])) k--;
        }
        memcpy(doc->fill + doc->fill_len, s, k);
        doc->fill_len += k;
        s += k;
        n -= k;
        if (n) pith_out_seal(doc);
        if (doc->ctx->err_code != PITH_OK && pith_status_fatal(doc->ctx->err_code))
            return (int)doc->ctx->err_code;
    }
    return 0;
}

int pith_out_write(pith_doc *doc, const char *s, size_t n)
{
    /* The common case: 1..room bytes that fit in the chunk being written, within the output
     * limit, the document not failed (nothing to seal, allocate or cut, so no error can arise).
     * A single byte (a line end, a tab, a space) is stored, not copied: in wasm memcpy is a
     * call into a bulk copy, most of the cost of such a write. */
    if (doc->fill && n - 1 < doc->opts.chunk_size - doc->fill_len && doc->fatal == PITH_OK &&
        n <= doc->opts.limits.max_output_bytes - doc->out_total) {
        doc->out_total += n;
        if (n == 1)
            doc->fill[doc->fill_len] = s[0];
        else
            memcpy(doc->fill + doc->fill_len, s, n);
        doc->fill_len += n;
        return 0;
    }
    return out_write_rest(doc, s, n);
}
