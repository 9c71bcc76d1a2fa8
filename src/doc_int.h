/* doc_int.h: the context and document structs, shared by the core's own files only
 * (ctx.c, doc.c, emit.c, out.c, status.c). Handlers and serializers go through core.h.
 *
 * Four arenas share one budget (limits.max_memory_bytes):
 *   doc      lives until close: handler state, caches, metadata, warnings, serializer state
 *   scratch  a handler's working set for one step (rolled back after every unit step)
 *   ser      a serializer's per-unit buffers (tables, code blocks), rolled back per unit
 *   out      output chunks, rolled back once every chunk handed out has been consumed
 */
#ifndef PITH_DOC_INT_H
#define PITH_DOC_INT_H

#include "core.h"

#define PITH_MSG_CAP 256
#define PITH_WARN_KEEP 256

typedef struct pith_out_chunk {
    struct pith_out_chunk *next;
    uint32_t unit;
    uint32_t len;
    char *data;
} pith_out_chunk;

typedef struct pith_meta_entry {
    struct pith_meta_entry *next;
    pith_str key, value;
} pith_meta_entry;

typedef struct pith_warn_entry {
    struct pith_warn_entry *next;
    uint32_t unit;
    pith_status code;
    uint64_t offset;
    char *message;
} pith_warn_entry;

typedef struct pith_frame {
    uint8_t ev;
    uint8_t automatic; /* opened by the core to hold a child (ROW for a CELL, ...) */
} pith_frame;

typedef enum doc_phase {
    PHASE_START = 0, /* DOCUMENT not begun */
    PHASE_UNITS,     /* between or inside units */
    PHASE_DONE,      /* DOCUMENT ended */
} doc_phase;

struct pith_ctx {
    pith_budget budget;
    pith_arena doc_arena, scratch, ser, out;
    size_t retain;
    pith_doc *doc;
    pith_status err_code;
    uint64_t err_offset;
    char err_msg[PITH_MSG_CAP];
};

struct pith_doc {
    pith_ctx *ctx;
    pith_options opts;            /* resolved; hint/password copied into the doc arena */
    pith_format format;
    const pith_handler *handler;
    void *state;
    uint32_t units;
    pith_unit_kind unit_kind;
    uint32_t unit;                /* the unit being (or next to be) extracted */
    uint32_t unit_end;            /* one past the last unit of the requested range */
    doc_phase phase;
    int unit_open;
    pith_unit_namer unit_name;  /* set by the handler's open, or NULL */
    pith_status fatal;            /* sticky: the document's fatal status */
    pith_status first_unit_err;   /* the first unit failure, for "nothing could be read" */
    uint32_t units_ok, units_failed;

    pith_sink sink;

    /* emit stack */
    pith_frame *stack;
    uint32_t depth, stack_cap;
    uint32_t flattened;           /* containers beyond max_depth not forwarded */
    uint32_t nest;                /* depth of nested documents */

    /* output */
    pith_out_chunk *q_head, *q_tail; /* sealed chunks not yet handed out */
    pith_out_chunk *handed;       /* the chunk last returned by pith_next */
    char *fill;                   /* chunk being written */
    size_t fill_len;
    uint32_t chunk_index;
    uint32_t last_unit;           /* unit of the last chunk handed out (UNIT_START flags) */
    uint64_t out_total;

    uint64_t work, objects;
    uint64_t decompressed;        /* bytes the shared decoders produced (max_decompressed_bytes) */

    pith_meta_entry *meta_head, *meta_tail;
    uint32_t meta_count;
    pith_warn_entry *warn_head, *warn_tail;
    uint32_t warn_count, warn_dropped;
};

/* out.c */
void pith_out_seal(pith_doc *doc);
void pith_out_reset(pith_doc *doc);
/* emit.c */
pith_status pith_emit_close_all(pith_doc *doc);
pith_status pith_emit_raw_begin(pith_doc *doc, pith_ev ev, const void *detail);
pith_status pith_emit_raw_end(pith_doc *doc, pith_ev ev);
/* status.c */
pith_status pith_record_warning(pith_doc *doc, uint32_t unit, pith_status code, uint64_t offset,
                                const char *msg);
void pith_error_clear(pith_ctx *ctx);
/* True for statuses that end the whole document rather than one unit. */
static inline int pith_status_fatal(pith_status s)
{
    return s == PITH_E_NOMEM || s == PITH_E_LIMIT || s == PITH_E_ABORTED || s == PITH_E_ARG;
}

#endif
