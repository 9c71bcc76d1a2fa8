/* wasm_mem.c: the wasm exports (see wasm_mem.h for the list and the struct layouts).
 *
 * This is the only file that turns numbers from JS into pointers. Every such cast carries a
 * SAFETY comment and is checked first: a handle must be an aligned, in-bounds live handle
 * (magic), an input range must lie inside the handle's own input buffer, a string range inside
 * its scratch area. Nothing here trusts JS to pass back what it was given.
 */
#include "wasm_mem.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "fmt.h"
#include "utf.h"

#define WASM_API __attribute__((used, visibility("default")))
#define HANDLE_MAGIC 0x70697468u /* "pith" */
#define INPUT_KEEP ((size_t)1 << 20)

struct pith_wasm {
    uint32_t magic;
    pith_ctx *ctx;
    pith_doc *doc;
    uint8_t *input;
    size_t input_cap;
    char *scratch;
    size_t scratch_cap;
    const uint8_t *chunk;  /* the chunk pith_wasm_next produced (kept here: JS may write the
                              result struct) */
    size_t chunk_len;
    uint16_t *text16;      /* pith_wasm_utf16's buffer, kept across documents */
    size_t text16_cap;     /* in units */
    pith_wasm_opts opts;
    pith_wasm_result result;
    pith_wasm_entry entry;
    pith_pack packs[PITH_WASM_PACKS_MAX];              /* the opts' packs, checked */
    char pack_names[PITH_WASM_PACKS_MAX][PITH_WASM_PACK_NAME_MAX + 1];
    char msg[160]; /* errors of the handle itself (input too large, bad range) */
};

static size_t memory_bytes(void)
{
#ifdef __wasm__
    return __builtin_wasm_memory_size(0) * (size_t)65536;
#else
    return SIZE_MAX; /* native test builds: no linear memory to bound against */
#endif
}

/* A handle JS passed back, or NULL if it is not one of ours. */
static pith_wasm *handle(uint32_t h)
{
    if (h == 0 || h % alignof(pith_wasm) != 0) return NULL;
    if ((size_t)h > memory_bytes() - sizeof(pith_wasm)) return NULL;
    // SAFETY: h is non-zero, aligned for pith_wasm and the whole struct lies inside linear
    // memory (checked above); the magic below tells a live handle from other memory.
    pith_wasm *w = (pith_wasm *)(uintptr_t)h;
    return w->magic == HANDLE_MAGIC ? w : NULL;
}

static uint32_t addr(const void *p) { return (uint32_t)(uintptr_t)p; }

static void set_u64(uint32_t *lo, uint32_t *hi, uint64_t v)
{
    *lo = (uint32_t)v;
    *hi = (uint32_t)(v >> 32);
}

static void refresh(pith_wasm *w, pith_status st)
{
    pith_wasm_result *r = &w->result;
    r->status = (uint32_t)st;
    pith_error e = pith_ctx_error(w->ctx);
    if (w->msg[0]) {
        r->err_code = (uint32_t)st;
        set_u64(&r->err_offset_lo, &r->err_offset_hi, 0);
        r->err_msg_ptr = addr(w->msg);
        r->err_msg_len = (uint32_t)strlen(w->msg);
    } else {
        r->err_code = (uint32_t)e.code;
        set_u64(&r->err_offset_lo, &r->err_offset_hi, e.offset);
        r->err_msg_ptr = addr(e.message);
        r->err_msg_len = (uint32_t)strlen(e.message);
    }
    r->format = w->doc ? (uint32_t)pith_doc_format(w->doc) : 0;
    r->units = w->doc ? pith_doc_units(w->doc) : 0;
    r->meta_count = pith_doc_meta_count(w->doc);
    r->warning_count = pith_doc_warning_count(w->doc);
    r->warnings_dropped = pith_doc_warnings_dropped(w->doc);
    pith_stats s = pith_ctx_stats(w->ctx);
    r->mem_bytes = (uint32_t)s.memory_bytes;
    r->mem_high = (uint32_t)s.memory_high;
    set_u64(&r->output_lo, &r->output_hi, s.output_bytes);
    set_u64(&r->work_lo, &r->work_hi, s.work);
}

WASM_API uint32_t pith_wasm_abi(void) { return PITH_ABI_VERSION; }

WASM_API uint32_t pith_wasm_create(void)
{
    pith_wasm *w = calloc(1, sizeof *w);
    if (!w) return 0;
    w->ctx = pith_ctx_create(NULL);
    if (!w->ctx) {
        free(w);
        return 0;
    }
    w->magic = HANDLE_MAGIC;
    return addr(w);
}

static void close_doc(pith_wasm *w)
{
    pith_close(w->doc);
    w->doc = NULL;
    w->chunk = NULL;
    w->chunk_len = 0;
    pith_wasm_result *r = &w->result;
    r->chunk_ptr = r->chunk_len = r->chunk_unit = r->chunk_index = r->chunk_flags = 0;
    r->format = r->units = 0;
}

WASM_API void pith_wasm_destroy(uint32_t h)
{
    pith_wasm *w = handle(h);
    if (!w) return;
    close_doc(w);
    pith_ctx_destroy(w->ctx);
    free(w->input);
    free(w->scratch);
    free(w->text16);
    w->magic = 0;
    free(w);
}

WASM_API uint32_t pith_wasm_opts_ptr(uint32_t h)
{
    pith_wasm *w = handle(h);
    return w ? addr(&w->opts) : 0;
}

WASM_API uint32_t pith_wasm_result_ptr(uint32_t h)
{
    pith_wasm *w = handle(h);
    return w ? addr(&w->result) : 0;
}

WASM_API uint32_t pith_wasm_entry_ptr(uint32_t h)
{
    pith_wasm *w = handle(h);
    return w ? addr(&w->entry) : 0;
}

WASM_API uint32_t pith_wasm_scratch(uint32_t h, uint32_t n)
{
    pith_wasm *w = handle(h);
    if (!w) return 0;
    if (n > w->scratch_cap || !w->scratch) {
        char *s = malloc(n ? n : 1);
        if (!s) return 0;
        free(w->scratch);
        w->scratch = s;
        w->scratch_cap = n;
    }
    return addr(w->scratch);
}

static uint64_t wide(uint32_t lo, uint32_t hi) { return (uint64_t)hi << 32 | lo; }

static size_t input_limit(const pith_wasm *w)
{
    return w->opts.max_input_bytes ? w->opts.max_input_bytes : (size_t)1 << 30;
}

WASM_API uint32_t pith_wasm_input(uint32_t h, uint32_t n)
{
    pith_wasm *w = handle(h);
    if (!w) return 0;
    close_doc(w);
    w->msg[0] = '\0';
    if (n > input_limit(w)) {
        pith_fmt(w->msg, sizeof w->msg, "input: %u bytes exceed limit max_input_bytes (%zu)", n,
                 input_limit(w));
        refresh(w, PITH_E_LIMIT);
        return 0;
    }
    /* Keep a buffer that fits, unless it is much larger than needed (a batch of small
     * documents after a big one should not pin the big one's memory). */
    size_t keep_max = (size_t)n * 4 > INPUT_KEEP ? (size_t)n * 4 : INPUT_KEEP;
    if (!w->input || n > w->input_cap || w->input_cap > keep_max) {
        free(w->input);
        w->input = malloc(n ? n : 1);
        w->input_cap = w->input ? n : 0;
        if (!w->input) {
            pith_fmt(w->msg, sizeof w->msg, "input: cannot allocate %u bytes", n);
            refresh(w, PITH_E_NOMEM);
            return 0;
        }
    }
    refresh(w, PITH_OK);
    return addr(w->input);
}

/* A byte range JS says lies in `buf` (cap bytes): pointer to it, or NULL when it does not. */
static const char *in_range(const void *buf, size_t cap, uint32_t ptr, uint32_t len)
{
    if (len == 0) return buf ? (const char *)buf : "";
    if (!buf || ptr < addr(buf)) return NULL;
    size_t off = ptr - addr(buf);
    if (off > cap || len > cap - off) return NULL;
    // SAFETY: [ptr, ptr+len) was just checked to lie inside buf's cap bytes, which this handle
    // allocated; the pointer is rebuilt from buf so it keeps buf's provenance.
    return (const char *)buf + off;
}

/* [ptr, ptr+len) inside linear memory (JS-owned memory such as a data pack). */
static bool in_memory(uint32_t ptr, uint32_t len)
{
    size_t mem = memory_bytes();
    return ptr != 0 && (size_t)ptr <= mem && (size_t)len <= mem - ptr;
}

/* The packs the opts list, copied into the handle as pith_pack values. false when an entry or
 * what it points to lies outside linear memory. */
static bool read_packs(pith_wasm *w, size_t *count)
{
    const pith_wasm_opts *jo = &w->opts;
    *count = 0;
    if (jo->packs_count == 0) return true;
    if (jo->packs_count > PITH_WASM_PACKS_MAX || jo->packs_ptr % alignof(pith_wasm_pack) != 0 ||
        !in_memory(jo->packs_ptr, jo->packs_count * (uint32_t)sizeof(pith_wasm_pack)))
        return false;
    // SAFETY: packs_ptr is non-zero, aligned for pith_wasm_pack, and the packs_count entries
    // lie inside linear memory (checked above); JS wrote them with pith_wasm_alloc'd memory.
    const pith_wasm_pack *e = (const pith_wasm_pack *)(uintptr_t)jo->packs_ptr;
    for (uint32_t i = 0; i < jo->packs_count; i++) {
        pith_wasm_pack p = e[i];
        if (p.name_len == 0 || p.name_len > PITH_WASM_PACK_NAME_MAX || !in_memory(p.name_ptr, p.name_len) ||
            (p.data_len && !in_memory(p.data_ptr, p.data_len)))
            return false;
        // SAFETY: [name_ptr, name_ptr+name_len) and [data_ptr, data_ptr+data_len) were just
        // checked to lie inside linear memory. The name is copied (pith_pack wants it
        // NUL-terminated); the bytes are read in place and pith checks their structure
        // before use (a corrupt pack is PITH_E_FORMAT, never a wild read).
        memcpy(w->pack_names[i], (const char *)(uintptr_t)p.name_ptr, p.name_len);
        w->pack_names[i][p.name_len] = '\0';
        w->packs[i].name = w->pack_names[i];
        w->packs[i].data = p.data_len ? (const void *)(uintptr_t)p.data_ptr : NULL;
        w->packs[i].len = p.data_len;
    }
    *count = jo->packs_count;
    return true;
}

static pith_status bad_range(pith_wasm *w, const char *what)
{
    pith_fmt(w->msg, sizeof w->msg, "wasm: %s range outside the handle's buffer", what);
    refresh(w, PITH_E_ARG);
    return PITH_E_ARG;
}

WASM_API uint32_t pith_wasm_open(uint32_t h, uint32_t ptr, uint32_t len)
{
    pith_wasm *w = handle(h);
    if (!w) return PITH_E_ARG;
    close_doc(w); /* the previous document, and the handle's copy of its chunk */
    w->msg[0] = '\0';
    const char *data = in_range(w->input, w->input_cap, ptr, len);
    if (!data) return bad_range(w, "input");
    const pith_wasm_opts *jo = &w->opts;
    pith_options o = pith_options_default();
    o.output = (pith_output)jo->output;
    o.chunk_size = jo->chunk_size;
    if (jo->hint_len) {
        o.hint = in_range(w->scratch, w->scratch_cap, jo->hint_ptr, jo->hint_len);
        if (!o.hint) return bad_range(w, "hint");
        o.hint_len = jo->hint_len;
    }
    if (jo->password_len) {
        o.password = in_range(w->scratch, w->scratch_cap, jo->password_ptr, jo->password_len);
        if (!o.password) return bad_range(w, "password");
        o.password_len = jo->password_len;
    }
    o.first_unit = jo->first_unit;
    o.unit_count = jo->unit_count;
    o.flags = jo->flags;
    memset(&o.limits, 0, sizeof o.limits);
    o.limits.max_input_bytes = jo->max_input_bytes;
    o.limits.max_output_bytes = jo->max_output_bytes;
    o.limits.max_memory_bytes = jo->max_memory_bytes;
    o.limits.max_decompressed_bytes = jo->max_decompressed_bytes;
    o.limits.max_work = wide(jo->max_work_lo, jo->max_work_hi);
    o.limits.max_depth = jo->max_depth;
    o.limits.max_objects = jo->max_objects;
    o.limits.max_ratio = jo->max_ratio;
    o.limits.max_nesting_docs = jo->max_nesting_docs;
    size_t packs;
    if (!read_packs(w, &packs)) return bad_range(w, "pack");
    o.packs = packs ? w->packs : NULL;
    o.pack_count = packs;
    pith_status st = pith_open(w->ctx, data, len, &o, &w->doc);
    refresh(w, st);
    return (uint32_t)st;
}

WASM_API uint32_t pith_wasm_next(uint32_t h)
{
    pith_wasm *w = handle(h);
    if (!w) return PITH_E_ARG;
    if (!w->doc) {
        pith_fmt(w->msg, sizeof w->msg, "wasm: next without an open document");
        refresh(w, PITH_E_ARG);
        return PITH_E_ARG;
    }
    pith_chunk c;
    pith_status st = pith_next(w->doc, &c);
    pith_wasm_result *r = &w->result;
    w->chunk = st == PITH_OK ? (const uint8_t *)c.data : NULL;
    w->chunk_len = st == PITH_OK ? c.len : 0;
    r->chunk_ptr = addr(w->chunk);
    r->chunk_len = (uint32_t)w->chunk_len;
    r->chunk_unit = c.unit;
    r->chunk_index = c.index;
    r->chunk_flags = c.flags;
    refresh(w, st);
    return (uint32_t)st;
}

/* JS engines make a string of ASCII bytes at memory speed and of other UTF-8 several times
 * slower; what a string of UTF-16 costs instead depends on the engine. Measured on 60 KB of
 * UTF-8 text, microseconds a string (ASCII alone: 10-13 in both):
 *
 *                                       Node 20                      Chromium
 *                              UTF-8  UTF-16:     UTF-16:     UTF-8  UTF-16:
 *                                     TextDecoder ucs2Slice          TextDecoder
 *   English, a dash or a no-break
 *     space every 1,500 bytes    74      42          8         149     139
 *   French                      103      42         12          66     147
 *   Russian                     203      27          5         113      64
 *   Chinese                     221      14          3          72      46
 *
 * So JS asks with the rule its engine needs: every = 0 converts a chunk with any byte that is
 * not ASCII (Node, with Buffer's ucs2Slice), every = k one where at least one byte in k of the
 * first 4 KB is not ASCII (elsewhere: pages of Russian, Hebrew or Chinese, not French). Returns
 * the units written at pith_wasm_utf16_ptr, or 0: keep the UTF-8 (the rule says no, or no
 * memory). The conversion itself costs about what a TextDecoder takes for ASCII. */
WASM_API uint32_t pith_wasm_utf16(uint32_t h, uint32_t every)
{
    pith_wasm *w = handle(h);
    if (!w || !w->chunk) return 0;
    if (every == 0) {
        if (pith_utf8_ascii_prefix(w->chunk, w->chunk_len) == w->chunk_len) return 0;
    } else {
        /* judged by the first 4 KB: a wrong guess costs a little time, never a wrong string */
        size_t probe = w->chunk_len < 4096 ? w->chunk_len : 4096;
        if (pith_utf8_high_bytes(w->chunk, probe) < probe / every + 1) return 0;
    }
    if (w->chunk_len > w->text16_cap) {
        uint16_t *t = malloc(w->chunk_len * sizeof *t); /* units <= bytes */
        if (!t) return 0;
        free(w->text16);
        w->text16 = t;
        w->text16_cap = w->chunk_len;
    }
    return (uint32_t)pith_utf8_to_utf16(w->chunk, w->chunk_len, w->text16);
}

WASM_API uint32_t pith_wasm_utf16_ptr(uint32_t h)
{
    pith_wasm *w = handle(h);
    return w ? addr(w->text16) : 0;
}

WASM_API void pith_wasm_close(uint32_t h)
{
    pith_wasm *w = handle(h);
    if (!w) return;
    close_doc(w);
    if (w->input_cap > INPUT_KEEP) {
        free(w->input);
        w->input = NULL;
        w->input_cap = 0;
    }
    refresh(w, PITH_OK);
}

WASM_API uint32_t pith_wasm_meta(uint32_t h, uint32_t i)
{
    pith_wasm *w = handle(h);
    pith_str k, v;
    if (!w || pith_doc_meta(w->doc, i, &k, &v) != PITH_OK) return 0;
    memset(&w->entry, 0, sizeof w->entry);
    w->entry.a_ptr = addr(k.p);
    w->entry.a_len = (uint32_t)k.n;
    w->entry.b_ptr = addr(v.p);
    w->entry.b_len = (uint32_t)v.n;
    return 1;
}

WASM_API uint32_t pith_wasm_warning(uint32_t h, uint32_t i)
{
    pith_wasm *w = handle(h);
    pith_warning x;
    if (!w || pith_doc_warning(w->doc, i, &x) != PITH_OK) return 0;
    memset(&w->entry, 0, sizeof w->entry);
    w->entry.a_ptr = addr(x.message);
    w->entry.a_len = (uint32_t)strlen(x.message);
    w->entry.unit = x.unit;
    w->entry.code = (uint32_t)x.code;
    set_u64(&w->entry.offset_lo, &w->entry.offset_hi, x.offset);
    return 1;
}

WASM_API uint32_t pith_wasm_detect(uint32_t h, uint32_t len)
{
    pith_wasm *w = handle(h);
    if (!w || len > w->input_cap) return PITH_FMT_UNKNOWN;
    const char *hint = NULL;
    if (w->opts.hint_len) {
        hint = in_range(w->scratch, w->scratch_cap, w->opts.hint_ptr, w->opts.hint_len);
        if (!hint) return PITH_FMT_UNKNOWN;
    }
    return (uint32_t)pith_detect(w->input, len, hint, hint ? w->opts.hint_len : 0);
}

WASM_API uint32_t pith_wasm_format_name(uint32_t f) { return addr(pith_format_name((pith_format)f)); }
WASM_API uint32_t pith_wasm_status_name(uint32_t s) { return addr(pith_status_name((pith_status)s)); }
WASM_API uint32_t pith_wasm_formats(void) { return addr(pith_build.formats); }
WASM_API uint32_t pith_wasm_variant(void) { return addr(pith_build.variant); }

/* Blocks handed to JS carry a header (a magic and their size) in front of what JS sees, so a
 * free of anything else — a stale or made-up address, a double free — is refused instead of
 * corrupting the heap. 16 bytes keep the payload 8- (and 16-) aligned like malloc's. */
#define BLOCK_MAGIC 0x70616b21u /* "pak!" */
#define BLOCK_HEAD 16u

WASM_API uint32_t pith_wasm_alloc(uint32_t n)
{
    if (n > UINT32_MAX - BLOCK_HEAD) return 0;
    uint32_t *b = malloc((size_t)n + BLOCK_HEAD);
    if (!b) return 0;
    b[0] = BLOCK_MAGIC;
    b[1] = n;
    return addr((unsigned char *)b + BLOCK_HEAD);
}

WASM_API void pith_wasm_free(uint32_t p)
{
    /* 0 does nothing, as free(NULL). */
    if (p < BLOCK_HEAD || p % 8 != 0 || !in_memory(p - BLOCK_HEAD, BLOCK_HEAD)) return;
    // SAFETY: [p - BLOCK_HEAD, p) lies inside linear memory and is 8-aligned (checked above);
    // it is freed only when it holds the header pith_wasm_alloc wrote and the block it
    // announces fits in memory, and the magic is cleared first so a second free is refused.
    uint32_t *b = (uint32_t *)(uintptr_t)(p - BLOCK_HEAD);
    if (b[0] != BLOCK_MAGIC || !in_memory(p, b[1] ? b[1] : 1)) return;
    b[0] = 0;
    free(b);
}
