/* core.h: what handlers and serializers see of a document (internal, not installed).
 *
 * A handler reads its input and calls the pith_emit_* functions; the core checks nesting,
 * counts output and work, and forwards events to the document's sink (a serializer or a
 * caller's pith_sink). Memory comes from arenas: pith_doc_alloc for what lives as long as the
 * document (object caches, tables, metadata), pith_scratch_alloc for a handler's working set of
 * one unit step, pith_ser_alloc for a serializer's per-unit buffers. Failures are recorded
 * with pith_fail and returned as a pith_status; the core decides whether they end the document
 * or only the unit.
 */
#ifndef PITH_CORE_H
#define PITH_CORE_H

#include "pith.h"

#include <stdarg.h>
#include <stdbool.h>

#include "arena.h"

/* A unit step may stop early and ask to be called again for the same unit, so a long unit (a
 * plain text file is one) is cut into bounded pieces of output. Never leaves the core. */
#define PITH_MORE ((pith_status)100)

/* MARK: - Handlers (Private) */

typedef struct pith_handler {
    const char *name;                /* its Meson option: "text", "pdf", "docx" ... */
    /* Parse what the document needs before its first unit (xref, part lists, encoding) and
     * call pith_doc_set_units. *state is the handler's own, allocated with pith_doc_alloc. */
    pith_status (*open)(pith_doc *doc, const uint8_t *data, size_t len, void **state);
    /* Emit unit `index` (0-based). Return PITH_OK when the unit is complete, PITH_MORE to be
     * called again for the same unit, or an error recorded with pith_fail. */
    pith_status (*unit)(pith_doc *doc, void *state, uint32_t index);
} pith_handler;

/* The handlers compiled into this build (generated registry.c), NULL-terminated, and what
 * the build knows of the variants (for PITH_E_DISABLED messages). */
extern const pith_handler *const pith_registry[];
typedef struct pith_build_info {
    const char *variant;   /* "minimal", "standard", "native", ... */
    const char *enabled;   /* " text html " : space-separated options on in this build */
    const char *minimal;   /* options of variants/minimal.ini */
    const char *standard;  /* options of variants/standard.ini */
    const char *planned;   /* options the standard bundle is meant to carry, written or not */
    const char *formats;   /* "text markdown csv json": format names this build reads */
} pith_build_info;
extern const pith_build_info pith_build;

/* Option name of the handler that reads format f ("odf" for ODT/ODS/ODP), NULL if none. */
const char *pith_format_option(pith_format f);
/* The handler for a format in this build, or NULL. */
const pith_handler *pith_registry_find(pith_format f);
/* pith_open with a given handler and format instead of detection: tests drive serializers
 * and the unit machinery through scripted handlers with it. */
pith_status pith_open_with(pith_ctx *ctx, const pith_handler *h, pith_format f, const void *data,
                           size_t len, const pith_options *opts, pith_doc **out);

/* MARK: - Document (Private) */

/* Options of the open document, resolved (limits filled in, chunk size clamped). */
const pith_options *pith_doc_options(const pith_doc *doc);
pith_output pith_doc_output(const pith_doc *doc);
/* Set by a handler's open: how many units, and what they are. */
void pith_doc_set_units(pith_doc *doc, uint32_t units, pith_unit_kind kind);
/* Optional, from a handler's open: `name` gives the name of unit `index` (a sheet's or slide's
 * name, a page label), UTF-8 living as long as the document, {NULL, 0} for none. Called once
 * before the unit's first step, so it must be known without extracting the unit. */
typedef pith_str (*pith_unit_namer)(pith_doc *doc, void *state, uint32_t index);
void pith_doc_set_unit_names(pith_doc *doc, pith_unit_namer name);
/* The unit being extracted (for messages and warnings). */
uint32_t pith_doc_unit(const pith_doc *doc);

void *pith_doc_alloc(pith_doc *doc, size_t n);      /* document lifetime; NULL → pith_fail */
void *pith_doc_calloc(pith_doc *doc, size_t n);
/* A handler's working memory for one call of its unit function: rolled back when the call
 * returns (PITH_MORE included), so keep nothing in it across calls. */
void *pith_scratch_alloc(pith_doc *doc, size_t n);
/* A serializer's per-unit memory (table rows, code blocks, links): rolled back when the unit
 * ends. Serializers may also mark/release pith_ser_arena themselves, e.g. per top-level block:
 * nothing else allocates there. Handlers never use it. */
void *pith_ser_alloc(pith_doc *doc, size_t n);
pith_arena *pith_doc_arena(pith_doc *doc);
pith_arena *pith_scratch_arena(pith_doc *doc);
pith_arena *pith_ser_arena(pith_doc *doc);
/* Record that an arena request failed (LIMIT or NOMEM from the budget) and return the code. */
pith_status pith_fail_alloc(pith_doc *doc, size_t n);

/* Record the first fatal error (later ones are ignored) and return `code`. Message: lowercase,
 * module first, values named: "xref: offset %llu past end of file (size %zu)". printf-like
 * with the subset pith_fmt supports. */
pith_status pith_fail(pith_doc *doc, pith_status code, uint64_t offset, const char *fmt, ...);
/* Record a warning for the current unit and go on. Returns PITH_OK, or the error when the
 * warning could not be stored for lack of memory. */
pith_status pith_warn(pith_doc *doc, pith_status code, uint64_t offset, const char *fmt, ...);
/* The recorded fatal error's code, PITH_OK if none. */
pith_status pith_doc_status(const pith_doc *doc);
/* The status to return after an allocator above gave NULL: the error it recorded, or (should
 * there be none) the allocation failure itself, so a NULL never becomes PITH_OK. */
static inline pith_status pith_alloc_failed(pith_doc *doc, size_t n)
{
    pith_status s = pith_doc_status(doc);
    return s != PITH_OK ? s : pith_fail_alloc(doc, n);
}

/* Draw n work units; PITH_E_LIMIT (recorded) when limits.max_work is exhausted. */
pith_status pith_work(pith_doc *doc, uint64_t n);
/* Count n parsed objects kept at once against limits.max_objects. */
pith_status pith_objects(pith_doc *doc, uint64_t n);
/* Charge n bytes produced by a decoder (inflate, LZW, ...) against
 * limits.max_decompressed_bytes, across the whole document (nested ones included); PITH_E_LIMIT
 * (recorded) past it. pith_decompressed_left is what remains. */
pith_status pith_decompressed(pith_doc *doc, uint64_t n);
uint64_t pith_decompressed_left(const pith_doc *doc);

/* Store a metadata entry (copied) and, once output has begun, emit it as PITH_EV_META. */
pith_status pith_doc_add_meta(pith_doc *doc, const char *key, const char *value, size_t value_len);

/* Extract an embedded document (an EPUB item, an attachment, an HTML block) into the current
 * sink, through the registry, sharing the limits; depth bounded by limits.max_nesting_docs.
 * `hint` as in pith_detect. Errors of the embedded document become warnings. */
pith_status pith_nested(pith_doc *doc, const uint8_t *data, size_t len, const char *hint,
                        size_t hint_len);

/* MARK: - Emitting events (Private) */

/* Each returns PITH_OK, or the error that stops the unit (the sink aborted, a limit). The
 * core closes containers left open when a unit ends, so an early return loses no output.
 * Text is UTF-8; empty text is dropped here, in one place. ITEM outside a LIST, ROW outside
 * a TABLE, CELL outside a ROW and text directly in a LIST/TABLE/ROW open the missing
 * containers; an end closes every container above the matching begin. Containers deeper than
 * limits.max_depth are flattened (their text still comes through). */
pith_status pith_emit_begin(pith_doc *doc, pith_ev ev, const void *detail);
pith_status pith_emit_end(pith_doc *doc, pith_ev ev);
pith_status pith_emit_text(pith_doc *doc, const char *s, size_t n, uint32_t flags);
pith_status pith_emit_leaf(pith_doc *doc, pith_ev ev, const void *detail);
/* begin, text, end in one call */
pith_status pith_emit_block(pith_doc *doc, pith_ev ev, const void *detail, const char *s,
                            size_t n);
/* How many containers are open in the current unit (0 at unit level). */
uint32_t pith_emit_depth(const pith_doc *doc);

/* MARK: - Output (Private) */

/* Serializers write their bytes here. Output is cut into chunks of at most chunk_size bytes,
 * never inside a UTF-8 sequence, and counted against limits.max_output_bytes. Returns 0, or
 * non-zero after recording the error (LIMIT, NOMEM): return it from the sink callback. */
int pith_out_write(pith_doc *doc, const char *s, size_t n);
static inline int pith_out_str(pith_doc *doc, const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return pith_out_write(doc, s, n);
}

/* Serializers: each fills a pith_sink for the document. State goes in pith_doc_alloc memory;
 * anything per unit in pith_ser_alloc memory (never pith_scratch_alloc: that belongs to the
 * handler and is rolled back between the steps of a long unit). */
pith_status pith_ser_text_init(pith_doc *doc, pith_sink *sink);
pith_status pith_ser_md_init(pith_doc *doc, pith_sink *sink);
pith_status pith_ser_json_init(pith_doc *doc, pith_sink *sink);
pith_status pith_ser_html_init(pith_doc *doc, pith_sink *sink);

#endif
