/* status.c: status names, the document's first fatal error, warnings, work and object counts.
 *
 * The message of the first fatal error lives in a fixed buffer in the context (so a failed
 * open still has one). Warnings are kept in the document arena, the first PITH_WARN_KEEP of
 * them; later ones are only counted, so a page with a million broken objects cannot turn its
 * warnings into the memory problem.
 */
#include <string.h>

#include "doc_int.h"
#include "fmt.h"

static const char *const status_names[PITH_STATUS_COUNT] = {
    "PITH_OK",           "PITH_E_ARG",     "PITH_E_NOMEM",     "PITH_E_LIMIT",
    "PITH_E_UNSUPPORTED", "PITH_E_DISABLED", "PITH_E_FORMAT",  "PITH_E_TRUNCATED",
    "PITH_E_ENCRYPTED",  "PITH_E_ABORTED",  "PITH_E_NEED_PACK",
};

const char *pith_status_name(pith_status s)
{
    if ((unsigned)s >= PITH_STATUS_COUNT) return "PITH_E_UNKNOWN";
    return status_names[s];
}

void pith_error_clear(pith_ctx *ctx)
{
    ctx->err_code = PITH_OK;
    ctx->err_offset = 0;
    ctx->err_msg[0] = '\0';
}

pith_status pith_fail(pith_doc *doc, pith_status code, uint64_t offset, const char *fmt, ...)
{
    pith_ctx *ctx = doc->ctx;
    if (ctx->err_code == PITH_OK && code != PITH_OK) {
        va_list ap;
        va_start(ap, fmt);
        pith_vfmt(ctx->err_msg, sizeof ctx->err_msg, fmt, ap);
        va_end(ap);
        ctx->err_code = code;
        ctx->err_offset = offset;
    }
    return code;
}

pith_status pith_fail_alloc(pith_doc *doc, size_t n)
{
    pith_budget *b = &doc->ctx->budget;
    if (b->last_fail == PITH_E_NOMEM)
        return pith_fail(doc, PITH_E_NOMEM, 0, "memory: allocator refused %zu bytes", n);
    return pith_fail(doc, PITH_E_LIMIT, 0,
                     "memory: %zu more bytes would pass limit max_memory_bytes (%llu)", n,
                     (unsigned long long)b->cap);
}

pith_status pith_doc_status(const pith_doc *doc)
{
    if (doc->fatal != PITH_OK) return doc->fatal;
    return doc->ctx->err_code;
}

pith_status pith_record_warning(pith_doc *doc, uint32_t unit, pith_status code, uint64_t offset,
                                const char *msg)
{
    doc->warn_count++;
    if (doc->warn_count > PITH_WARN_KEEP) {
        doc->warn_dropped++;
        return PITH_OK;
    }
    size_t n = strlen(msg);
    pith_warn_entry *w = pith_arena_alloc(&doc->ctx->doc_arena, sizeof *w);
    char *m = w ? pith_arena_alloc(&doc->ctx->doc_arena, n + 1) : NULL;
    if (!m) {
        doc->warn_count--;
        return pith_fail_alloc(doc, sizeof *w + n + 1);
    }
    memcpy(m, msg, n + 1);
    w->next = NULL;
    w->unit = unit;
    w->code = code;
    w->offset = offset;
    w->message = m;
    if (doc->warn_tail)
        doc->warn_tail->next = w;
    else
        doc->warn_head = w;
    doc->warn_tail = w;
    return PITH_OK;
}

pith_status pith_warn(pith_doc *doc, pith_status code, uint64_t offset, const char *fmt, ...)
{
    char msg[PITH_MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    pith_vfmt(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pith_record_warning(doc, doc->unit, code, offset, msg);
}

pith_status pith_work(pith_doc *doc, uint64_t n)
{
    uint64_t max = doc->opts.limits.max_work;
    if (n > max - doc->work) {
        doc->work = max;
        return pith_fail(doc, PITH_E_LIMIT, 0,
                         "work: budget of %llu units exhausted (limit max_work)",
                         (unsigned long long)max);
    }
    doc->work += n;
    return PITH_OK;
}

pith_status pith_decompressed(pith_doc *doc, uint64_t n)
{
    uint64_t max = doc->opts.limits.max_decompressed_bytes;
    if (n > max - doc->decompressed) {
        doc->decompressed = max;
        return pith_fail(doc, PITH_E_LIMIT, 0,
                         "decode: more than %llu decompressed bytes (limit max_decompressed_bytes)",
                         (unsigned long long)max);
    }
    doc->decompressed += n;
    return PITH_OK;
}

uint64_t pith_decompressed_left(const pith_doc *doc)
{
    return doc->opts.limits.max_decompressed_bytes - doc->decompressed;
}

pith_status pith_objects(pith_doc *doc, uint64_t n)
{
    uint64_t max = doc->opts.limits.max_objects;
    if (n > max - doc->objects) {
        return pith_fail(doc, PITH_E_LIMIT, 0, "objects: more than %llu (limit max_objects)",
                         (unsigned long long)max);
    }
    doc->objects += n;
    return PITH_OK;
}

uint32_t pith_doc_warning_count(const pith_doc *doc)
{
    if (!doc) return 0;
    return doc->warn_count > PITH_WARN_KEEP ? PITH_WARN_KEEP : doc->warn_count;
}

uint32_t pith_doc_warnings_dropped(const pith_doc *doc) { return doc ? doc->warn_dropped : 0; }

pith_status pith_doc_warning(const pith_doc *doc, uint32_t i, pith_warning *out)
{
    if (!doc || !out) return PITH_E_ARG;
    const pith_warn_entry *w = doc->warn_head;
    for (uint32_t k = 0; w && k < i; k++) w = w->next;
    if (!w) return PITH_E_ARG;
    out->unit = w->unit;
    out->code = w->code;
    out->offset = w->offset;
    out->message = w->message;
    return PITH_OK;
}
