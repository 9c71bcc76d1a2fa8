/* emit.c: the one gate between handlers and the sink (md4c's MD_ENTER_BLOCK/MD_TEXT place).
 *
 * It keeps the stack of open containers so the sink always sees a well-nested stream: it opens
 * the containers a child needs (ROW for a CELL, LIST for an ITEM), closes the ones a handler
 * forgot (an end closes everything above its begin; the end of a unit closes the rest), drops
 * empty text, flattens nesting beyond limits.max_depth (the text still comes through) and turns
 * a non-zero sink return into the document's status.
 *
 * Speed: every event of every handler passes here, and the wasm build compiles this file for
 * size (-Oz), where no helper is inlined. So the common case of each entry point (the top
 * container takes the event, the sink returns 0) is written out in the entry point itself,
 * with a table for "does this container take that event", and the helpers are for the rest.
 */
#include <string.h>

#include "doc_int.h"

/* A macro, not a function: at -Oz (wasm) a helper this small stays a call. */
#define IS_CONTAINER(ev) ((ev) <= PITH_EV_LINK)

/* The container an event needs as its parent, or PITH_EV_COUNT if any parent will do. */
static pith_ev needs_parent(pith_ev ev)
{
    switch (ev) {
    case PITH_EV_ITEM: return PITH_EV_LIST;
    case PITH_EV_ROW: return PITH_EV_TABLE;
    case PITH_EV_CELL: return PITH_EV_ROW;
    default: return PITH_EV_COUNT;
    }
}

/* The only child a container accepts, or PITH_EV_COUNT if it takes anything. */
static pith_ev only_child(pith_ev ev)
{
    switch (ev) {
    case PITH_EV_LIST: return PITH_EV_ITEM;
    case PITH_EV_TABLE: return PITH_EV_ROW;
    case PITH_EV_ROW: return PITH_EV_CELL;
    default: return PITH_EV_COUNT;
    }
}

static pith_status sink_result(pith_doc *doc, int rc)
{
    if (rc == 0) return PITH_OK;
    pith_status st = doc->ctx->err_code;
    if (st == PITH_OK || !pith_status_fatal(st))
        st = pith_fail(doc, PITH_E_ABORTED, 0, "sink: extraction stopped by the consumer (%d)", rc);
    doc->fatal = st;
    return st;
}

pith_status pith_emit_raw_begin(pith_doc *doc, pith_ev ev, const void *detail)
{
    if (!doc->sink.begin) return PITH_OK;
    return sink_result(doc, doc->sink.begin(doc->sink.user, ev, detail));
}

pith_status pith_emit_raw_end(pith_doc *doc, pith_ev ev)
{
    if (!doc->sink.end) return PITH_OK;
    return sink_result(doc, doc->sink.end(doc->sink.user, ev));
}

static pith_status push(pith_doc *doc, pith_ev ev, int automatic, const void *detail)
{
    if (doc->depth >= doc->opts.limits.max_depth) {
        doc->flattened++;
        return PITH_OK;
    }
    if (doc->depth == doc->stack_cap) {
        uint32_t cap = doc->stack_cap ? doc->stack_cap * 2 : 32;
        pith_frame *s = pith_arena_alloc(&doc->ctx->doc_arena, cap * sizeof *s);
        if (!s) return doc->fatal = pith_fail_alloc(doc, cap * sizeof *s);
        if (doc->depth) memcpy(s, doc->stack, doc->depth * sizeof *s);
        doc->stack = s;
        doc->stack_cap = cap;
    }
    doc->stack[doc->depth].ev = (uint8_t)ev;
    doc->stack[doc->depth].automatic = (uint8_t)automatic;
    doc->depth++;
    int rc = doc->sink.begin ? doc->sink.begin(doc->sink.user, ev, detail) : 0;
    return rc ? sink_result(doc, rc) : PITH_OK;
}

static pith_status pop(pith_doc *doc)
{
    pith_ev ev = (pith_ev)doc->stack[--doc->depth].ev;
    return pith_emit_raw_end(doc, ev);
}

static pith_ev top(const pith_doc *doc)
{
    return doc->depth ? (pith_ev)doc->stack[doc->depth - 1].ev : PITH_EV_UNIT;
}

static const pith_ev_list auto_list = {.ordered = 0, .start = 1};
static const pith_ev_item auto_item = {.checked = -1};
static const pith_ev_cell auto_cell = {1, 0};

/* Can container t (PITH_EV_UNIT for the unit level) hold `ev` directly? Bit ev of takes[t],
 * where ev is PITH_EV_COUNT for text and for leaves: any container but LIST/TABLE/ROW holds
 * those, and LIST/TABLE/ROW hold only their one child kind (only_child). A table because it is
 * asked for every event. */
#define ANY_CHILD (((1u << (PITH_EV_COUNT + 1)) - 1) & \
                   ~((1u << PITH_EV_ITEM) | (1u << PITH_EV_ROW) | (1u << PITH_EV_CELL)))
_Static_assert(PITH_EV_COUNT == 18, "takes[] lists every event");
static const uint32_t takes[PITH_EV_COUNT] = {
    ANY_CHILD, ANY_CHILD, ANY_CHILD, ANY_CHILD, ANY_CHILD, ANY_CHILD, ANY_CHILD,
    1u << PITH_EV_ITEM, /* LIST */
    ANY_CHILD,
    1u << PITH_EV_ROW,  /* TABLE */
    1u << PITH_EV_CELL, /* ROW */
    ANY_CHILD, ANY_CHILD, ANY_CHILD, ANY_CHILD, ANY_CHILD, ANY_CHILD, ANY_CHILD,
};

static int accepts(pith_ev t, pith_ev ev) { return (takes[t] >> ev) & 1u; }

/* make_room's first answer, written out where it is asked (see the file comment): nothing
 * flattened, and the top container (UNIT at unit level) takes ev as it is. */
#define FITS(d, e) \
    ((d)->flattened || \
     ((takes[(d)->depth ? (d)->stack[(d)->depth - 1].ev : PITH_EV_UNIT] >> (e)) & 1u))

/* Is there, below a run of automatic containers on top of the stack, one that takes ev? Then
 * those automatic containers are finished (a second ROW closes the automatic ROW). */
static int auto_run_gives_way(const pith_doc *doc, pith_ev ev)
{
    uint32_t i = doc->depth;
    while (i > 0 && doc->stack[i - 1].automatic) {
        i--;
        pith_ev below = i ? (pith_ev)doc->stack[i - 1].ev : PITH_EV_UNIT;
        if (accepts(below, ev)) return 1;
    }
    return 0;
}

/* Make the top of the stack a valid parent for `ev`: close automatic containers that give way,
 * then open the levels it needs (TABLE → ROW → CELL, LIST → ITEM). Every round either pops an
 * automatic container or pushes one level towards ev, and at most three levels are ever
 * missing, so this ends. At max_depth nothing is opened: the content goes into the deepest
 * container, as with flattened nesting. */
static pith_status make_room(pith_doc *doc, pith_ev ev)
{
    pith_status st;
    for (;;) {
        if (doc->flattened) return PITH_OK;
        pith_ev t = top(doc);
        if (accepts(t, ev)) return PITH_OK;
        if (auto_run_gives_way(doc, ev)) {
            if ((st = pop(doc)) != PITH_OK) return st;
            continue;
        }
        if (doc->depth >= doc->opts.limits.max_depth) return PITH_OK;
        pith_ev need = only_child(t);
        if (need == PITH_EV_COUNT) {
            need = needs_parent(ev);
            while (!accepts(t, need)) need = needs_parent(need);
        }
        const void *d = need == PITH_EV_LIST   ? (const void *)&auto_list
                        : need == PITH_EV_ITEM ? (const void *)&auto_item
                        : need == PITH_EV_CELL ? (const void *)&auto_cell
                                               : NULL;
        if ((st = push(doc, need, 1, d)) != PITH_OK) return st;
    }
}

pith_status pith_emit_begin(pith_doc *doc, pith_ev ev, const void *detail)
{
    pith_status st;
    if (doc->fatal) return doc->fatal;
    if (!IS_CONTAINER(ev) || ev == PITH_EV_DOCUMENT || ev == PITH_EV_UNIT)
        return pith_fail(doc, PITH_E_ARG, 0, "emit: event %u is not a handler container", ev);
    if (!FITS(doc, ev) && (st = make_room(doc, ev)) != PITH_OK) return st;
    return push(doc, ev, 0, detail);
}

pith_status pith_emit_end(pith_doc *doc, pith_ev ev)
{
    pith_status st;
    if (doc->fatal) return doc->fatal;
    if (doc->flattened) {
        doc->flattened--;
        return PITH_OK;
    }
    uint32_t i = doc->depth;
    if (i > 0 && doc->stack[i - 1].ev == ev && !doc->stack[i - 1].automatic) {
        /* the usual case: it ends the top container */
        doc->depth--;
        int rc = doc->sink.end ? doc->sink.end(doc->sink.user, ev) : 0;
        return rc ? sink_result(doc, rc) : PITH_OK;
    }
    while (i > 0 && (doc->stack[i - 1].ev != ev || doc->stack[i - 1].automatic)) i--;
    if (i == 0) return pith_fail(doc, PITH_E_ARG, 0, "emit: end of event %u that is not open", ev);
    while (doc->depth >= i)
        if ((st = pop(doc)) != PITH_OK) return st;
    return PITH_OK;
}

pith_status pith_emit_text(pith_doc *doc, const char *s, size_t n, uint32_t flags)
{
    pith_status st;
    if (doc->fatal) return doc->fatal;
    if (n == 0) return PITH_OK;
    if (!FITS(doc, PITH_EV_COUNT) && (st = make_room(doc, PITH_EV_COUNT)) != PITH_OK) return st;
    int rc = doc->sink.text ? doc->sink.text(doc->sink.user, s, n, flags) : 0;
    return rc ? sink_result(doc, rc) : PITH_OK;
}

pith_status pith_emit_leaf(pith_doc *doc, pith_ev ev, const void *detail)
{
    pith_status st;
    if (doc->fatal) return doc->fatal;
    if (IS_CONTAINER(ev))
        return pith_fail(doc, PITH_E_ARG, 0, "emit: event %u is a container, not a leaf", ev);
    if (ev != PITH_EV_META && ev != PITH_EV_POSITION && !FITS(doc, ev) &&
        (st = make_room(doc, ev)) != PITH_OK)
        return st;
    if (!doc->sink.leaf) return PITH_OK;
    return sink_result(doc, doc->sink.leaf(doc->sink.user, ev, detail));
}

pith_status pith_emit_block(pith_doc *doc, pith_ev ev, const void *detail, const char *s,
                            size_t n)
{
    pith_status st;
    if ((st = pith_emit_begin(doc, ev, detail)) != PITH_OK) return st;
    if ((st = pith_emit_text(doc, s, n, 0)) != PITH_OK) return st;
    return pith_emit_end(doc, ev);
}

uint32_t pith_emit_depth(const pith_doc *doc) { return doc->depth + doc->flattened; }

pith_status pith_emit_close_all(pith_doc *doc)
{
    pith_status st;
    doc->flattened = 0;
    while (doc->depth)
        if ((st = pop(doc)) != PITH_OK) return st;
    return PITH_OK;
}
