/* wasm_mem.h: the wasm boundary — handles, input buffers and result structs JS reads in place.
 *
 * JS holds plain numbers (offsets into linear memory). Everything JS reads is a struct of
 * uint32_t fields only, so the native and wasm32 layouts agree; each offset below is mirrored
 * by dist/layout.mjs and both change in one commit together with PITH_ABI_VERSION. The
 * _Static_asserts make a drift a compile error. 64-bit values travel as lo/hi pairs.
 *
 * A handle (pith_wasm) owns one pith_ctx, one input buffer, a small scratch area for option
 * strings, the options struct JS fills, and the result struct JS reads after every call.
 * Every offset JS passes back is checked here (and only here) against what the handle owns.
 */
#ifndef PITH_WASM_MEM_H
#define PITH_WASM_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "pith.h"

/* Options JS writes before pith_wasm_open. 0 fields take the defaults. hint and password are
 * byte ranges inside the handle's scratch area (pith_wasm_scratch). packs_ptr points to
 * packs_count pith_wasm_pack entries (at most PITH_WASM_PACKS_MAX), which with the names and
 * bytes they point to JS places once per instance with pith_wasm_alloc and keeps there while
 * documents use them. */
typedef struct pith_wasm_opts {
    uint32_t output;          /* pith_output */
    uint32_t chunk_size;
    uint32_t hint_ptr, hint_len;
    uint32_t password_ptr, password_len;
    uint32_t first_unit, unit_count;
    uint32_t flags;
    uint32_t max_input_bytes, max_output_bytes, max_memory_bytes, max_decompressed_bytes;
    uint32_t max_work_lo, max_work_hi;
    uint32_t max_depth, max_objects, max_ratio, max_nesting_docs;
    uint32_t packs_ptr, packs_count;
} pith_wasm_opts;

#define PITH_WASM_OPTS_SIZE 84
_Static_assert(sizeof(pith_wasm_opts) == PITH_WASM_OPTS_SIZE, "layout.mjs OPTS");
_Static_assert(offsetof(pith_wasm_opts, output) == 0, "layout.mjs OPTS.output");
_Static_assert(offsetof(pith_wasm_opts, chunk_size) == 4, "layout.mjs OPTS.chunk_size");
_Static_assert(offsetof(pith_wasm_opts, hint_ptr) == 8, "layout.mjs OPTS.hint_ptr");
_Static_assert(offsetof(pith_wasm_opts, hint_len) == 12, "layout.mjs OPTS.hint_len");
_Static_assert(offsetof(pith_wasm_opts, password_ptr) == 16, "layout.mjs OPTS.password_ptr");
_Static_assert(offsetof(pith_wasm_opts, password_len) == 20, "layout.mjs OPTS.password_len");
_Static_assert(offsetof(pith_wasm_opts, first_unit) == 24, "layout.mjs OPTS.first_unit");
_Static_assert(offsetof(pith_wasm_opts, unit_count) == 28, "layout.mjs OPTS.unit_count");
_Static_assert(offsetof(pith_wasm_opts, flags) == 32, "layout.mjs OPTS.flags");
_Static_assert(offsetof(pith_wasm_opts, max_input_bytes) == 36, "layout.mjs OPTS.max_input_bytes");
_Static_assert(offsetof(pith_wasm_opts, max_output_bytes) == 40, "layout.mjs OPTS.max_output_bytes");
_Static_assert(offsetof(pith_wasm_opts, max_memory_bytes) == 44, "layout.mjs OPTS.max_memory_bytes");
_Static_assert(offsetof(pith_wasm_opts, max_decompressed_bytes) == 48, "layout.mjs OPTS.max_decompressed_bytes");
_Static_assert(offsetof(pith_wasm_opts, max_work_lo) == 52, "layout.mjs OPTS.max_work_lo");
_Static_assert(offsetof(pith_wasm_opts, max_work_hi) == 56, "layout.mjs OPTS.max_work_hi");
_Static_assert(offsetof(pith_wasm_opts, max_depth) == 60, "layout.mjs OPTS.max_depth");
_Static_assert(offsetof(pith_wasm_opts, max_objects) == 64, "layout.mjs OPTS.max_objects");
_Static_assert(offsetof(pith_wasm_opts, max_ratio) == 68, "layout.mjs OPTS.max_ratio");
_Static_assert(offsetof(pith_wasm_opts, max_nesting_docs) == 72, "layout.mjs OPTS.max_nesting_docs");
_Static_assert(offsetof(pith_wasm_opts, packs_ptr) == 76, "layout.mjs OPTS.packs_ptr");
_Static_assert(offsetof(pith_wasm_opts, packs_count) == 80, "layout.mjs OPTS.packs_count");

/* A data pack JS placed in wasm memory (pith_pack): name (UTF-8, no NUL) and bytes. */
typedef struct pith_wasm_pack {
    uint32_t name_ptr, name_len, data_ptr, data_len;
} pith_wasm_pack;

#define PITH_WASM_PACK_SIZE 16
#define PITH_WASM_PACKS_MAX 8u
#define PITH_WASM_PACK_NAME_MAX 63u
_Static_assert(sizeof(pith_wasm_pack) == PITH_WASM_PACK_SIZE, "layout.mjs PACK");
_Static_assert(offsetof(pith_wasm_pack, name_ptr) == 0, "layout.mjs PACK.name_ptr");
_Static_assert(offsetof(pith_wasm_pack, name_len) == 4, "layout.mjs PACK.name_len");
_Static_assert(offsetof(pith_wasm_pack, data_ptr) == 8, "layout.mjs PACK.data_ptr");
_Static_assert(offsetof(pith_wasm_pack, data_len) == 12, "layout.mjs PACK.data_len");

/* The result struct, refreshed by every pith_wasm_* call that takes a handle. */
typedef struct pith_wasm_result {
    uint32_t status;                    /* pith_status of the last call */
    uint32_t chunk_ptr, chunk_len;      /* the chunk pith_wasm_next produced (valid until the
                                           next call on this handle) */
    uint32_t chunk_unit, chunk_index, chunk_flags;
    uint32_t format, units;             /* of the open document */
    uint32_t err_code;                  /* first fatal error */
    uint32_t err_offset_lo, err_offset_hi;
    uint32_t err_msg_ptr, err_msg_len;  /* UTF-8, no NUL counted */
    uint32_t meta_count, warning_count, warnings_dropped;
    uint32_t mem_bytes, mem_high;       /* arena bytes now / high-water of this handle */
    uint32_t output_lo, output_hi;      /* output bytes of the open document */
    uint32_t work_lo, work_hi;          /* work units drawn */
} pith_wasm_result;

#define PITH_WASM_RESULT_SIZE 88
_Static_assert(sizeof(pith_wasm_result) == PITH_WASM_RESULT_SIZE, "layout.mjs RESULT");
_Static_assert(offsetof(pith_wasm_result, status) == 0, "layout.mjs RESULT.status");
_Static_assert(offsetof(pith_wasm_result, chunk_ptr) == 4, "layout.mjs RESULT.chunk_ptr");
_Static_assert(offsetof(pith_wasm_result, chunk_len) == 8, "layout.mjs RESULT.chunk_len");
_Static_assert(offsetof(pith_wasm_result, chunk_unit) == 12, "layout.mjs RESULT.chunk_unit");
_Static_assert(offsetof(pith_wasm_result, chunk_index) == 16, "layout.mjs RESULT.chunk_index");
_Static_assert(offsetof(pith_wasm_result, chunk_flags) == 20, "layout.mjs RESULT.chunk_flags");
_Static_assert(offsetof(pith_wasm_result, format) == 24, "layout.mjs RESULT.format");
_Static_assert(offsetof(pith_wasm_result, units) == 28, "layout.mjs RESULT.units");
_Static_assert(offsetof(pith_wasm_result, err_code) == 32, "layout.mjs RESULT.err_code");
_Static_assert(offsetof(pith_wasm_result, err_offset_lo) == 36, "layout.mjs RESULT.err_offset_lo");
_Static_assert(offsetof(pith_wasm_result, err_offset_hi) == 40, "layout.mjs RESULT.err_offset_hi");
_Static_assert(offsetof(pith_wasm_result, err_msg_ptr) == 44, "layout.mjs RESULT.err_msg_ptr");
_Static_assert(offsetof(pith_wasm_result, err_msg_len) == 48, "layout.mjs RESULT.err_msg_len");
_Static_assert(offsetof(pith_wasm_result, meta_count) == 52, "layout.mjs RESULT.meta_count");
_Static_assert(offsetof(pith_wasm_result, warning_count) == 56, "layout.mjs RESULT.warning_count");
_Static_assert(offsetof(pith_wasm_result, warnings_dropped) == 60, "layout.mjs RESULT.warnings_dropped");
_Static_assert(offsetof(pith_wasm_result, mem_bytes) == 64, "layout.mjs RESULT.mem_bytes");
_Static_assert(offsetof(pith_wasm_result, mem_high) == 68, "layout.mjs RESULT.mem_high");
_Static_assert(offsetof(pith_wasm_result, output_lo) == 72, "layout.mjs RESULT.output_lo");
_Static_assert(offsetof(pith_wasm_result, output_hi) == 76, "layout.mjs RESULT.output_hi");
_Static_assert(offsetof(pith_wasm_result, work_lo) == 80, "layout.mjs RESULT.work_lo");
_Static_assert(offsetof(pith_wasm_result, work_hi) == 84, "layout.mjs RESULT.work_hi");

/* One metadata entry (a = key, b = value) or warning (a = message, b unused), filled by
 * pith_wasm_meta / pith_wasm_warning into the handle's entry struct. */
typedef struct pith_wasm_entry {
    uint32_t a_ptr, a_len, b_ptr, b_len;
    uint32_t unit, code, offset_lo, offset_hi;
} pith_wasm_entry;

#define PITH_WASM_ENTRY_SIZE 32
_Static_assert(sizeof(pith_wasm_entry) == PITH_WASM_ENTRY_SIZE, "layout.mjs ENTRY");
_Static_assert(offsetof(pith_wasm_entry, a_ptr) == 0, "layout.mjs ENTRY.a_ptr");
_Static_assert(offsetof(pith_wasm_entry, a_len) == 4, "layout.mjs ENTRY.a_len");
_Static_assert(offsetof(pith_wasm_entry, b_ptr) == 8, "layout.mjs ENTRY.b_ptr");
_Static_assert(offsetof(pith_wasm_entry, b_len) == 12, "layout.mjs ENTRY.b_len");
_Static_assert(offsetof(pith_wasm_entry, unit) == 16, "layout.mjs ENTRY.unit");
_Static_assert(offsetof(pith_wasm_entry, code) == 20, "layout.mjs ENTRY.code");
_Static_assert(offsetof(pith_wasm_entry, offset_lo) == 24, "layout.mjs ENTRY.offset_lo");
_Static_assert(offsetof(pith_wasm_entry, offset_hi) == 28, "layout.mjs ENTRY.offset_hi");

typedef struct pith_wasm pith_wasm;

/* The exports; handles and pointers are offsets into linear memory (uint32_t), 0 meaning
 * failure or none. The comment below says what each does. */
uint32_t pith_wasm_abi(void);
uint32_t pith_wasm_create(void);
void pith_wasm_destroy(uint32_t h);
uint32_t pith_wasm_opts_ptr(uint32_t h);
uint32_t pith_wasm_result_ptr(uint32_t h);
uint32_t pith_wasm_entry_ptr(uint32_t h);
uint32_t pith_wasm_scratch(uint32_t h, uint32_t n);
uint32_t pith_wasm_input(uint32_t h, uint32_t n);
uint32_t pith_wasm_open(uint32_t h, uint32_t ptr, uint32_t len);
uint32_t pith_wasm_next(uint32_t h);
uint32_t pith_wasm_utf16(uint32_t h, uint32_t every);
uint32_t pith_wasm_utf16_ptr(uint32_t h);
void pith_wasm_close(uint32_t h);
uint32_t pith_wasm_meta(uint32_t h, uint32_t i);
uint32_t pith_wasm_warning(uint32_t h, uint32_t i);
uint32_t pith_wasm_detect(uint32_t h, uint32_t len);
uint32_t pith_wasm_format_name(uint32_t f);
uint32_t pith_wasm_status_name(uint32_t s);
uint32_t pith_wasm_formats(void);
uint32_t pith_wasm_variant(void);
uint32_t pith_wasm_alloc(uint32_t n);
void pith_wasm_free(uint32_t p);

/* Exports (the whole list; meson.build passes it to emcc). Handles and pointers are offsets
 * into linear memory, 0 meaning failure/none.
 *
 * uint32_t pith_wasm_abi(void)                       PITH_ABI_VERSION
 * pith_wasm *pith_wasm_create(void)                  new handle, 0 when memory is short
 * void pith_wasm_destroy(pith_wasm *h)               h may be 0; closes an open document
 * uint32_t pith_wasm_opts_ptr(pith_wasm *h)          address of its pith_wasm_opts
 * uint32_t pith_wasm_result_ptr(pith_wasm *h)        address of its pith_wasm_result
 * uint32_t pith_wasm_entry_ptr(pith_wasm *h)         address of its pith_wasm_entry
 * uint32_t pith_wasm_scratch(pith_wasm *h, n)        n writable bytes for option strings
 * uint32_t pith_wasm_input(pith_wasm *h, n)          n writable bytes for the document (the
 *                                                    previous input and document are dropped)
 * uint32_t pith_wasm_open(pith_wasm *h, ptr, len)    status; [ptr, ptr+len) inside its input
 * uint32_t pith_wasm_next(pith_wasm *h)              status; chunk in the result
 * uint32_t pith_wasm_utf16(pith_wasm *h, every)      the chunk as UTF-16LE code units in the
 *                                                    handle's text buffer: their count; 0 when
 *                                                    the chunk is all ASCII, or (every > 0)
 *                                                    under one byte in `every` of its first
 *                                                    4 KB is not, or the buffer cannot grow
 *                                                    (read the UTF-8 then: wasm_mem.c says
 *                                                    why). Valid until the next call.
 * uint32_t pith_wasm_utf16_ptr(pith_wasm *h)         address of that text buffer
 * void pith_wasm_close(pith_wasm *h)                 close the document, free the input
 * uint32_t pith_wasm_meta(pith_wasm *h, i)           1 and fills the entry, 0 out of range
 * uint32_t pith_wasm_warning(pith_wasm *h, i)        1 and fills the entry, 0 out of range
 * uint32_t pith_wasm_detect(pith_wasm *h, len)       pith_format of the first len input bytes,
 *                                                    with the hint from the opts
 * uint32_t pith_wasm_format_name(uint32_t f)         address of a static NUL-terminated name
 * uint32_t pith_wasm_status_name(uint32_t s)         same for status names
 * uint32_t pith_wasm_formats(void)                   address of a NUL-terminated, space-
 *                                                    separated list of the formats this build
 *                                                    reads ("text markdown csv ...")
 * uint32_t pith_wasm_variant(void)                   address of the variant name
 * uint32_t pith_wasm_alloc(uint32_t n)               n bytes of wasm memory that JS owns (a
 *                                                    data pack and its table), 0 when short
 * void pith_wasm_free(uint32_t p)                    give back what pith_wasm_alloc gave
 *                                                    (0 does nothing)
 */

#endif
