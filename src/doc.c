/* doc.c: contexts, opening a document, the pull loop that extracts one unit step at a time,
 * nested documents.
 *
 * pith_next hands out sealed chunks; when none are left it rolls the out arena back and runs
 * the next unit step, until a step produced output or the document ended. A unit that fails
 * with a format-level error becomes a warning and the next unit runs; errors that concern the
 * whole document (memory, limits, an aborting sink) stop it. The document fails only when no
 * unit could be read.
 */
#include <string.h>

#include "doc_int.h"
#include "fmt.h"
#include "utf.h"

#define DEFAULT_RETAIN ((size_t)1 << 20)

/* MARK: - Options */

pith_options pith_options_default(void)
{
    pith_options o;
    memset(&o, 0, sizeof o);
    o.output = PITH_OUT_TEXT;
    o.chunk_size = 65536;
    o.limits = pith_limits_resolve(NULL);
    return o;
}

pith_limits pith_limits_resolve(const pith_limits *l)
{
    pith_limits r;
    if (l)
        r = *l;
    else
        memset(&r, 0, sizeof r);
    if (!r.max_input_bytes) r.max_input_bytes = (uint64_t)1 << 30;
    if (!r.max_output_bytes) r.max_output_bytes = (uint64_t)1 << 30;
    if (!r.max_memory_bytes) r.max_memory_bytes = (uint64_t)512 << 20;
    if (!r.max_decompressed_bytes) r.max_decompressed_bytes = (uint64_t)1 << 30;
    if (!r.max_work) r.max_work = (uint64_t)1 << 34;
    if (!r.max_depth) r.max_depth = 256;
    if (!r.max_objects) r.max_objects = 4000000;
    if (!r.max_ratio) r.max_ratio = 2000;
    if (!r.max_nesting_docs) r.max_nesting_docs = 4;
    return r;
}

/* MARK: - Context */

pith_ctx *pith_ctx_create(const pith_ctx_config *cfg)
{
    pith_budget b;
    pith_budget_init(&b, cfg ? cfg->alloc : NULL, (uint64_t)512 << 20);
    pith_ctx *ctx = b.alc.malloc(b.alc.ctx, sizeof *ctx);
    if (!ctx) return NULL;
    memset(ctx, 0, sizeof *ctx);
    ctx->budget = b;
    ctx->retain = cfg && cfg->retain_bytes ? cfg->retain_bytes : DEFAULT_RETAIN;
    /* The doc arena keeps most of the retained bytes: it is the one every document uses. */
    pith_arena_init(&ctx->doc_arena, &ctx->budget, ctx->retain / 2);
    pith_arena_init(&ctx->scratch, &ctx->budget, ctx->retain / 4);
    pith_arena_init(&ctx->ser, &ctx->budget, ctx->retain / 8);
    pith_arena_init(&ctx->out, &ctx->budget, ctx->retain / 8);
    return ctx;
}

void pith_ctx_destroy(pith_ctx *ctx)
{
    if (!ctx) return;
    if (ctx->doc) pith_close(ctx->doc);
    pith_arena_finish(&ctx->doc_arena);
    pith_arena_finish(&ctx->scratch);
    pith_arena_finish(&ctx->ser);
    pith_arena_finish(&ctx->out);
    pith_allocator alc = ctx->budget.alc;
    alc.free(alc.ctx, ctx);
}

pith_error pith_ctx_error(const pith_ctx *ctx)
{
    pith_error e;
    e.code = ctx ? ctx->err_code : PITH_E_ARG;
    e.offset = ctx ? ctx->err_offset : 0;
    e.message = ctx ? ctx->err_msg : "ctx: NULL context";
    return e;
}

pith_stats pith_ctx_stats(const pith_ctx *ctx)
{
    pith_stats s;
    memset(&s, 0, sizeof s);
    if (!ctx) return s;
    s.memory_bytes = ctx->budget.used;
    s.memory_high = ctx->budget.high;
    if (ctx->doc) {
        s.output_bytes = ctx->doc->out_total;
        s.work = ctx->doc->work;
    }
    return s;
}

/* MARK: - Memory for handlers and serializers */

static void *alloc_in(pith_doc *doc, pith_arena *a, size_t n)
{
    void *p = pith_arena_alloc(a, n);
    if (!p) {
        pith_status st = pith_fail_alloc(doc, n);
        doc->fatal = st;
    }
    return p;
}

void *pith_doc_alloc(pith_doc *doc, size_t n) { return alloc_in(doc, &doc->ctx->doc_arena, n); }
void *pith_scratch_alloc(pith_doc *doc, size_t n) { return alloc_in(doc, &doc->ctx->scratch, n); }
void *pith_ser_alloc(pith_doc *doc, size_t n) { return alloc_in(doc, &doc->ctx->ser, n); }
void *pith_doc_calloc(pith_doc *doc, size_t n)
{
    void *p = pith_doc_alloc(doc, n);
    if (p) memset(p, 0, n);
    return p;
}
pith_arena *pith_doc_arena(pith_doc *doc) { return &doc->ctx->doc_arena; }
pith_arena *pith_scratch_arena(pith_doc *doc) { return &doc->ctx->scratch; }
pith_arena *pith_ser_arena(pith_doc *doc) { return &doc->ctx->ser; }

/* MARK: - Small accessors */

const pith_options *pith_doc_options(const pith_doc *doc) { return &doc->opts; }
pith_output pith_doc_output(const pith_doc *doc) { return doc->opts.output; }
uint32_t pith_doc_unit(const pith_doc *doc) { return doc->unit; }
void pith_doc_set_unit_names(pith_doc *doc, pith_unit_namer name) { doc->unit_name = name; }
pith_format pith_doc_format(const pith_doc *doc) { return doc ? doc->format : PITH_FMT_UNKNOWN; }
uint32_t pith_doc_units(const pith_doc *doc) { return doc ? doc->units : 0; }

void pith_doc_set_units(pith_doc *doc, uint32_t units, pith_unit_kind kind)
{
    doc->units = units;
    doc->unit_kind = kind;
}

uint32_t pith_doc_meta_count(const pith_doc *doc) { return doc ? doc->meta_count : 0; }

pith_status pith_doc_meta(const pith_doc *doc, uint32_t i, pith_str *key, pith_str *value)
{
    if (!doc || !key || !value) return PITH_E_ARG;
    const pith_meta_entry *m = doc->meta_head;
    for (uint32_t k = 0; m && k < i; k++) m = m->next;
    if (!m) return PITH_E_ARG;
    *key = m->key;
    *value = m->value;
    return PITH_OK;
}

static char *copy_bytes(pith_doc *doc, const char *s, size_t n)
{
    char *p = pith_doc_alloc(doc, n + 1);
    if (p) {
        if (n) memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* s[0..*n) copied like copy_bytes, as UTF-8: pith.h promises UTF-8 values whatever a file
 * holds, so a handler's bytes that are not (a PDF name, a header in an unknown charset) keep
 * their text and get U+FFFD for the rest; *n is the copy's length. */
static char *copy_utf8(pith_doc *doc, const char *s, size_t *n)
{
    if (pith_utf8_valid_prefix((const uint8_t *)s, *n) == *n) return copy_bytes(doc, s, *n);
    if (*n >= (SIZE_MAX - 4) / 3) return NULL;
    size_t cap = 3 * *n + 3, used;
    char *p = pith_doc_alloc(doc, cap + 1);
    if (p) {
        *n = pith_utf8_repair((const uint8_t *)s, *n, true, (uint8_t *)p, cap, &used);
        p[*n] = '\0';
    }
    return p;
}

pith_status pith_doc_add_meta(pith_doc *doc, const char *key, const char *value, size_t value_len)
{
    if (doc->nest) return PITH_OK; /* an embedded document's metadata is not the document's */
    size_t klen = strlen(key);
    pith_meta_entry *m = pith_doc_alloc(doc, sizeof *m);
    char *k = m ? copy_bytes(doc, key, klen) : NULL;
    char *v = k ? copy_utf8(doc, value, &value_len) : NULL;
    if (!v) return pith_doc_status(doc);
    m->next = NULL;
    m->key.p = k;
    m->key.n = klen;
    m->value.p = v;
    m->value.n = value_len;
    if (doc->meta_tail)
        doc->meta_tail->next = m;
    else
        doc->meta_head = m;
    doc->meta_tail = m;
    doc->meta_count++;
    if (doc->phase == PHASE_START) return PITH_OK; /* replayed when the document begins */
    pith_ev_meta ev = {m->key, m->value};
    return pith_emit_leaf(doc, PITH_EV_META, &ev);
}

/* MARK: - Opening */

static int option_listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        while (*p == ' ') p++;
        const char *w = p;
        while (*p && *p != ' ') p++;
        if ((size_t)(p - w) == n && memcmp(w, name, n) == 0) return 1;
    }
    return 0;
}

/* Formats pith recognises but has no handler for, and why. */
static const struct {
    pith_format f;
    pith_status code;
    const char *msg;
} refusals[] = {
    {PITH_FMT_DOC, PITH_E_UNSUPPORTED, "doc: legacy word 97-2003 documents are not supported"},
    {PITH_FMT_XLS, PITH_E_UNSUPPORTED, "xls: legacy excel 97-2003 workbooks are not supported"},
    {PITH_FMT_PPT, PITH_E_UNSUPPORTED,
     "ppt: legacy powerpoint 97-2003 presentations are not supported"},
    {PITH_FMT_MSG, PITH_E_UNSUPPORTED, "msg: outlook messages are not supported"},
    {PITH_FMT_OOXML_ENCRYPTED, PITH_E_ENCRYPTED,
     "ooxml-encrypted: password-protected office document (an encrypted ole2 package); "
     "decrypting it is not supported"},
    {PITH_FMT_OLE2, PITH_E_UNSUPPORTED, "ole2: compound file of an unknown kind is not supported"},
    {PITH_FMT_ZIP, PITH_E_UNSUPPORTED,
     "zip: archive without a known document type is not supported"},
    {PITH_FMT_IMAGE, PITH_E_UNSUPPORTED, "image: images have no text layer to extract (no ocr)"},
    {PITH_FMT_BINARY, PITH_E_UNSUPPORTED, "detect: unrecognized binary data"},
    {PITH_FMT_UNKNOWN, PITH_E_UNSUPPORTED, "detect: unrecognized binary data"},
};

/* Why a recognised format cannot be read by this build, as the document's error. */
static pith_status refuse(pith_ctx *ctx, pith_format f)
{
    pith_doc tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.ctx = ctx;
    const char *name = pith_format_name(f);
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
        if (refusals[i].f == f) return pith_fail(&tmp, refusals[i].code, 0, "%s", refusals[i].msg);
    const char *opt = pith_format_option(f);
    if (!opt)
        return pith_fail(&tmp, PITH_E_UNSUPPORTED, 0, "%s: no handler exists for it", name);
    if (option_listed(pith_build.standard, opt))
        return pith_fail(&tmp, PITH_E_DISABLED, 0,
                         "%s: not in the %s bundle; the standard bundle reads it", name,
                         pith_build.variant);
    if (option_listed(pith_build.planned, opt) && strcmp(pith_build.variant, "standard") == 0)
        return pith_fail(&tmp, PITH_E_DISABLED, 0,
                         "%s: the %s handler is not written yet (the standard bundle will read "
                         "it)",
                         name, opt);
    if (option_listed(pith_build.planned, opt))
        return pith_fail(&tmp, PITH_E_DISABLED, 0,
                         "%s: not in the %s bundle; it belongs to the standard bundle (its %s "
                         "handler is not written yet)",
                         name, pith_build.variant, opt);
    return pith_fail(&tmp, PITH_E_DISABLED, 0,
                     "%s: not in the %s bundle; build a variant with -D%s=true", name,
                     pith_build.variant, opt);
}

/* Formats whose raw bytes read well as plain text: without their own handler they go to the
 * text handler rather than being refused. */
static const pith_handler *handler_for(pith_format f)
{
    const pith_handler *h = pith_registry_find(f);
    if (!h && (f == PITH_FMT_MARKDOWN || f == PITH_FMT_CSV || f == PITH_FMT_JSON))
        h = pith_registry_find(PITH_FMT_TEXT);
    return h;
}

static pith_status fail_arg(pith_ctx *ctx, const char *msg)
{
    pith_doc tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.ctx = ctx;
    return pith_fail(&tmp, PITH_E_ARG, 0, "%s", msg);
}

static pith_status check_options(pith_ctx *ctx, const pith_options *o)
{
    if ((unsigned)o->output >= PITH_OUT_COUNT) return fail_arg(ctx, "options: unknown output");
    if (!o->hint && o->hint_len) return fail_arg(ctx, "options: hint is NULL with a length");
    if (!o->password && o->password_len)
        return fail_arg(ctx, "options: password is NULL with a length");
    if (o->flags & ~(uint32_t)PITH_OPT_ALL) return fail_arg(ctx, "options: unknown flags");
    return PITH_OK;
}

pith_status pith_open(pith_ctx *ctx, const void *data, size_t len, const pith_options *opts,
                      pith_doc **out)
{
    if (out) *out = NULL;
    if (!ctx) return PITH_E_ARG;
    if (ctx->doc) pith_close(ctx->doc);
    pith_error_clear(ctx);
    if (!out) return fail_arg(ctx, "open: out is NULL");
    if (!data && len) return fail_arg(ctx, "open: data is NULL with a length");
    pith_options o = opts ? *opts : pith_options_default();
    pith_status st = check_options(ctx, &o);
    if (st != PITH_OK) return st;
    pith_format f = pith_detect(data, len, o.hint, o.hint_len);
    const pith_handler *h = handler_for(f);
    if (!h) return refuse(ctx, f);
    return pith_open_with(ctx, h, f, data, len, &o, out);
}

pith_status pith_open_with(pith_ctx *ctx, const pith_handler *h, pith_format f, const void *data,
                           size_t len, const pith_options *opts, pith_doc **out)
{
    if (out) *out = NULL;
    if (!ctx) return PITH_E_ARG;
    if (ctx->doc) pith_close(ctx->doc);
    pith_error_clear(ctx);
    if (!out || !h) return fail_arg(ctx, "open: out or handler is NULL");
    if (!data && len) return fail_arg(ctx, "open: data is NULL with a length");
    pith_options o = opts ? *opts : pith_options_default();
    pith_status st = check_options(ctx, &o);
    if (st != PITH_OK) return st;
    o.limits = pith_limits_resolve(&o.limits);
    if (o.chunk_size == 0) o.chunk_size = 65536;
    if (o.chunk_size < 64) o.chunk_size = 64;
    ctx->budget.cap = o.limits.max_memory_bytes;

    pith_doc tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.ctx = ctx;
    if (len > o.limits.max_input_bytes)
        return pith_fail(&tmp, PITH_E_LIMIT, 0,
                         "input: %zu bytes exceed limit max_input_bytes (%llu)", len,
                         (unsigned long long)o.limits.max_input_bytes);
    pith_doc *doc = pith_arena_alloc(&ctx->doc_arena, sizeof *doc);
    if (!doc) {
        st = pith_fail_alloc(&tmp, sizeof *doc);
        pith_arena_reset(&ctx->doc_arena);
        return st;
    }
    memset(doc, 0, sizeof *doc);
    doc->ctx = ctx;
    doc->format = f;
    doc->handler = h;
    doc->units = 1;
    doc->last_unit = UINT32_MAX;
    ctx->doc = doc;
    /* The caller's strings need not outlive the call. */
    o.hint = o.hint ? copy_bytes(doc, o.hint, o.hint_len) : NULL;
    o.password = o.password ? copy_bytes(doc, o.password, o.password_len) : NULL;
    doc->opts = o;

    if ((st = pith_doc_status(doc)) == PITH_OK) {
        pith_arena_mark m = pith_arena_mark_get(&ctx->scratch);
        st = h->open(doc, (const uint8_t *)data, len, &doc->state);
        pith_arena_release(&ctx->scratch, m);
        if (st == PITH_OK) st = pith_doc_status(doc);
    }
    if (st == PITH_OK && o.first_unit && o.first_unit >= doc->units) {
        st = pith_fail(doc, PITH_E_ARG, 0, "options: first_unit %u past the last unit (%u units)",
                       o.first_unit, doc->units);
    }
    if (st != PITH_OK) {
        if (ctx->err_code == PITH_OK) pith_fail(doc, st, 0, "%s: open failed", h->name);
        pith_close(doc);
        return st;
    }
    doc->unit = o.first_unit;
    doc->unit_end = doc->units;
    if (o.unit_count && o.unit_count < doc->units - o.first_unit)
        doc->unit_end = o.first_unit + o.unit_count;

    pith_status (*init)(pith_doc *, pith_sink *) =
        o.output == PITH_OUT_MARKDOWN ? pith_ser_md_init
        : o.output == PITH_OUT_JSONL  ? pith_ser_json_init
        : o.output == PITH_OUT_HTML   ? pith_ser_html_init
                                      : pith_ser_text_init;
    if ((st = init(doc, &doc->sink)) != PITH_OK) {
        pith_close(doc);
        return st;
    }
    *out = doc;
    return PITH_OK;
}

void pith_close(pith_doc *doc)
{
    if (!doc) return;
    pith_ctx *ctx = doc->ctx;
    ctx->doc = NULL;
    pith_arena_reset(&ctx->out);
    pith_arena_reset(&ctx->ser);
    pith_arena_reset(&ctx->scratch);
    pith_arena_reset(&ctx->doc_arena);
}

/* MARK: - The unit loop */

static pith_status begin_document(pith_doc *doc)
{
    pith_ev_document d = {doc->format, doc->units};
    pith_status st = pith_emit_raw_begin(doc, PITH_EV_DOCUMENT, &d);
    doc->phase = PHASE_UNITS;
    for (const pith_meta_entry *m = doc->meta_head; m && st == PITH_OK; m = m->next) {
        pith_ev_meta ev = {m->key, m->value};
        st = pith_emit_leaf(doc, PITH_EV_META, &ev);
    }
    return st;
}

/* Turn the error a unit returned into a warning (the unit is lost, the document goes on) or
 * into the document's fatal status. */
static pith_status unit_failed(pith_doc *doc, pith_status st)
{
    pith_ctx *ctx = doc->ctx;
    if (ctx->err_code == PITH_OK)
        pith_fail(doc, st, 0, "%s: unit %u failed", doc->handler->name, doc->unit);
    st = ctx->err_code;
    if (pith_status_fatal(st)) return doc->fatal = st;
    doc->units_failed++;
    if (doc->first_unit_err == PITH_OK) doc->first_unit_err = st;
    pith_status w = pith_record_warning(doc, doc->unit, st, ctx->err_offset, ctx->err_msg);
    pith_error_clear(ctx);
    if (w != PITH_OK) return doc->fatal = w;
    return PITH_OK;
}

static pith_status end_document(pith_doc *doc)
{
    pith_status st = pith_emit_raw_end(doc, PITH_EV_DOCUMENT);
    doc->phase = PHASE_DONE;
    if (st == PITH_OK && doc->units_ok == 0 && doc->units_failed > 0) {
        /* Nothing could be read: the first unit's error is the document's. */
        const pith_warn_entry *w = doc->warn_head;
        pith_error_clear(doc->ctx);
        pith_fail(doc, doc->first_unit_err, w ? w->offset : 0, "%s",
                  w ? w->message : "unit failed");
        doc->fatal = doc->first_unit_err;
        st = doc->fatal;
    }
    return st;
}

/* Run one step: begin the document, a unit step, or end the document. */
static pith_status step(pith_doc *doc)
{
    pith_ctx *ctx = doc->ctx;
    pith_status st;
    if (doc->phase == PHASE_START) return begin_document(doc);
    if (doc->unit >= doc->unit_end) return end_document(doc);
    if (!doc->unit_open) {
        pith_ev_unit u = {doc->unit, doc->unit_kind, {NULL, 0}};
        if (doc->unit_name) u.name = doc->unit_name(doc, doc->state, doc->unit);
        if ((st = pith_emit_raw_begin(doc, PITH_EV_UNIT, &u)) != PITH_OK) return st;
        doc->unit_open = 1;
    }
    pith_arena_mark m = pith_arena_mark_get(&ctx->scratch);
    st = doc->handler->unit(doc, doc->state, doc->unit);
    pith_arena_release(&ctx->scratch, m);
    if (doc->fatal != PITH_OK) return doc->fatal;
    if (st == PITH_MORE) {
        if (ctx->err_code != PITH_OK && pith_status_fatal(ctx->err_code))
            return doc->fatal = ctx->err_code;
        return PITH_OK;
    }
    /* A handler that recorded an error but returned OK still lost (part of) its unit. */
    if (st == PITH_OK && ctx->err_code != PITH_OK) st = ctx->err_code;
    if (st != PITH_OK) {
        if ((st = unit_failed(doc, st)) != PITH_OK) return st;
    } else {
        doc->units_ok++;
    }
    if ((st = pith_emit_close_all(doc)) != PITH_OK) return st;
    if ((st = pith_emit_raw_end(doc, PITH_EV_UNIT)) != PITH_OK) return st;
    pith_out_seal(doc); /* the unit's last chunk carries its index */
    doc->unit_open = 0;
    doc->unit++;
    pith_arena_reset(&ctx->ser);
    pith_arena_reset(&ctx->scratch);
    return PITH_OK;
}

pith_status pith_next(pith_doc *doc, pith_chunk *out)
{
    if (!doc || !out) return PITH_E_ARG;
    memset(out, 0, sizeof *out);
    /* The chunk handed out last time is consumed now. */
    if (doc->handed) {
        doc->q_head = doc->handed->next;
        if (!doc->q_head) doc->q_tail = NULL;
        doc->handed = NULL;
    }
    while (!doc->q_head) {
        if (doc->fatal != PITH_OK) return doc->fatal;
        if (doc->phase == PHASE_DONE) {
            out->flags = PITH_CHUNK_END;
            out->unit = doc->unit_end ? doc->unit_end - 1 : 0;
            out->index = doc->chunk_index;
            return PITH_OK;
        }
        /* Every chunk is consumed: the out arena starts over. */
        pith_out_reset(doc);
        pith_status st = step(doc);
        if (st != PITH_OK && doc->fatal == PITH_OK) doc->fatal = st;
        pith_out_seal(doc);
    }
    pith_out_chunk *c = doc->q_head;
    doc->handed = c;
    out->data = c->data;
    out->len = c->len;
    out->unit = c->unit;
    out->index = doc->chunk_index++;
    if (c->unit != doc->last_unit) out->flags |= PITH_CHUNK_UNIT_START;
    doc->last_unit = c->unit;
    return PITH_OK;
}

pith_status pith_run(pith_doc *doc, const pith_sink *sink)
{
    if (!doc || !sink) return PITH_E_ARG;
    if (doc->phase != PHASE_START) return pith_fail(doc, PITH_E_ARG, 0, "run: output has begun");
    doc->sink = *sink;
    while (doc->phase != PHASE_DONE && doc->fatal == PITH_OK) {
        pith_status st = step(doc);
        if (st != PITH_OK && doc->fatal == PITH_OK) doc->fatal = st;
    }
    return doc->fatal;
}

/* MARK: - Nested documents */

pith_status pith_nested(pith_doc *doc, const uint8_t *data, size_t len, const char *hint,
                        size_t hint_len)
{
    pith_ctx *ctx = doc->ctx;
    if (doc->nest >= doc->opts.limits.max_nesting_docs)
        return pith_warn(doc, PITH_E_LIMIT, 0,
                         "nested: document skipped at depth %u (limit max_nesting_docs)",
                         doc->nest);
    pith_format f = pith_detect(data, len, hint, hint_len);
    const pith_handler *h = handler_for(f);
    if (!h) {
        /* Say why in a warning, keeping the document's own error slot clean. */
        pith_status code = ctx->err_code;
        char saved[PITH_MSG_CAP];
        memcpy(saved, ctx->err_msg, sizeof saved);
        uint64_t off = ctx->err_offset;
        pith_error_clear(ctx);
        pith_status why = refuse(ctx, f);
        pith_status w = pith_record_warning(doc, doc->unit, why, 0, ctx->err_msg);
        ctx->err_code = code;
        ctx->err_offset = off;
        memcpy(ctx->err_msg, saved, sizeof saved);
        return w;
    }
    /* The child runs inside the parent's unit with the parent's sink and arenas. */
    uint32_t units = doc->units;
    pith_unit_kind kind = doc->unit_kind;
    /* the child's open may name its units: its namer reads the child's state, so the
     * parent's must be back before the parent's next unit begins */
    pith_unit_namer namer = doc->unit_name;
    pith_arena_mark m = pith_arena_mark_get(&ctx->scratch);
    void *state = NULL;
    doc->nest++;
    doc->units = 1;
    pith_status st = h->open(doc, data, len, &state);
    pith_arena_release(&ctx->scratch, m);
    for (uint32_t u = 0; st == PITH_OK && u < doc->units; u++) {
        do {
            /* Each call's scratch is rolled back, as step() does for the parent's calls. */
            st = h->unit(doc, state, u);
            pith_arena_release(&ctx->scratch, m);
            if (st == PITH_OK || st == PITH_MORE) {
                if (ctx->err_code != PITH_OK && pith_status_fatal(ctx->err_code))
                    st = ctx->err_code;
            }
        } while (st == PITH_MORE);
    }
    doc->nest--;
    doc->units = units;
    doc->unit_kind = kind;
    doc->unit_name = namer;
    pith_arena_release(&ctx->scratch, m);
    if (st == PITH_OK) return PITH_OK;
    if (ctx->err_code == PITH_OK) pith_fail(doc, st, 0, "nested: %s document failed", h->name);
    st = ctx->err_code;
    if (pith_status_fatal(st)) return doc->fatal = st;
    pith_status w = pith_record_warning(doc, doc->unit, st, ctx->err_offset, ctx->err_msg);
    pith_error_clear(ctx);
    return w;
}
