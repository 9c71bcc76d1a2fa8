/* html_items.c: list numbering: integer attributes, and the item count of a reversed list
 * without start, read ahead (see html_items.h).
 *
 * The look-ahead runs its own tokenizer (with the raw text content models the handler switches
 * on, so a "<li>" inside a script is no item) and keeps only a stack of open lists: an li start
 * tag counts for the innermost list, a list end tag closes lists down to one of its kind (as
 * "in body" closes an ol or ul with what is open inside it), and an end tag without such a list
 * open is dropped. The tree builder's other rules (an li outside any list, implied ends through
 * tables) are not followed: a count can differ from a browser's only in markup broken that way.
 */
#include "html_items.h"

#include <string.h>

#include "html_tok.h"
#include "html_tree.h"

#define NO_RECORD UINT32_MAX

/* An open list in the look-ahead. */
typedef struct html_open_list {
    uint32_t record; /* its index in the record, or NO_RECORD when it needs no count */
    uint32_t items;
    bool ol;
} open_list;

/* ASCII whitespace (HTML §2.3.3) */
static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Built for size with the rest of this file: it runs for the list tags only. */
bool pith_html_attr_int_n(const pith_html_tok *tok, const char *name, size_t len, int64_t *v)
{
    const pith_html_attr *a = pith_html_attr_find(tok, name, len);
    if (!a) return false;
    const uint8_t *s = a->value;
    size_t n = a->value_len, i = 0;
    while (i < n && is_space(s[i])) i++;
    bool neg = i < n && s[i] == '-';
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    if (i >= n || s[i] < '0' || s[i] > '9') return false;
    int64_t x = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        x = x * 10 + (s[i] - '0');
        if (x > UINT32_MAX) x = UINT32_MAX;
    }
    *v = neg ? -x : x;
    return true;
}

static bool is_list(uint32_t kind) { return kind == HTML_K_OL || kind == HTML_K_UL; }

/* A reversed ol without an integer start: a list whose count is asked for (html.c's
 * pith_html_list_numbers). */
static bool wants_count(const pith_html_tok *t)
{
    int64_t start;
    return PITH_HTML_ATTR(t, "reversed") && !PITH_HTML_ATTR_INT(t, "start", &start);
}

static pith_status add_record(pith_html_items *c, pith_doc *doc, size_t at, uint32_t *index)
{
    if (c->n == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 16;
        size_t *a = pith_doc_alloc(doc, (size_t)cap * sizeof *a);
        uint32_t *k = pith_doc_alloc(doc, (size_t)cap * sizeof *k);
        if (!a || !k) return pith_alloc_failed(doc, (size_t)cap * (sizeof *a + sizeof *k));
        if (c->n) {
            memcpy(a, c->at, (size_t)c->n * sizeof *a);
            memcpy(k, c->count, (size_t)c->n * sizeof *k);
        }
        c->at = a;
        c->count = k;
        c->cap = cap;
    }
    c->at[c->n] = at;
    c->count[c->n] = 0;
    *index = c->n++;
    return PITH_OK;
}

/* Close the innermost open list and record its count; returns its kind (1 for an ol). */
static bool close_top(pith_html_items *c, uint32_t *depth)
{
    const open_list *l = &c->stack[--*depth];
    if (l->record != NO_RECORD) c->count[l->record] = l->items;
    return l->ol;
}

/* Room for one more open list, up to max lists: the stack grows as deep as the page nests, in
 * document memory, and the next look-ahead starts with it. */
static bool stack_room(pith_html_items *c, pith_doc *doc, uint32_t depth, uint32_t max,
                       pith_status *r)
{
    if (depth < c->stack_cap) return true;
    if (c->stack_cap >= max) return false;
    uint32_t grown = c->stack_cap == 0 ? (max < 32 ? max : 32)
                     : c->stack_cap > max / 2 ? max : c->stack_cap * 2;
    open_list *s = pith_doc_alloc(doc, (size_t)grown * sizeof *s);
    if (!s) {
        *r = pith_alloc_failed(doc, (size_t)grown * sizeof *s);
        return false;
    }
    if (depth) memcpy(s, c->stack, (size_t)depth * sizeof *s);
    c->stack = s;
    c->stack_cap = grown;
    return true;
}

/* Read from d[pos] to the end of the list opened just before it, counting. Returns where the
 * look-ahead stopped. Lists deeper than max are not tracked: the handler's tree and the event
 * layer keep no deeper ones either (limits.max_depth), so their numbers never show. */
static size_t look_ahead(pith_html_items *c, pith_doc *doc, const uint8_t *d, size_t n,
                         size_t pos, uint32_t max, uint64_t *walked, pith_status *r)
{
    pith_html_tokenizer tz;
    pith_html_tok t;
    uint32_t depth = 0, over = 0, foreign = 0;
    uint32_t open_n[2] = {0, 1}; /* open lists of each kind (ul-like, ol) */
    if (!stack_room(c, doc, depth, max, r)) return pos; /* max >= 1: only memory fails here */
    c->stack[depth++] = (open_list){0, 0, true}; /* the list asked about: record 0 */
    pith_html_tok_init(&tz, d, n);
    tz.pos = pos;
    while (depth > 0 && pith_html_tok_next(&tz, &t)) {
        if (t.kind != PITH_HTML_START && t.kind != PITH_HTML_END) continue;
        const pith_html_el *e = pith_html_el_of(pith_html_el_find(t.name, t.name_len));
        if (t.kind == PITH_HTML_START) {
            if (e->flags & HTML_F_FOREIGN) {
                if (!t.self_closing) foreign++;
            } else if (!foreign && pith_html_el_mode(e) != PITH_HTML_DATA) {
                pith_html_tok_mode(&tz, pith_html_el_mode(e), t.name, t.name_len);
            }
            tz.foreign = foreign > 0;
            if (e->kind == HTML_K_LI && !over) c->stack[depth - 1].items++;
            if (!is_list(e->kind)) continue;
            if (!stack_room(c, doc, depth, max, r)) {
                if (*r != PITH_OK) return pos;
                over++; /* too deep to track: skipped with its items */
                continue;
            }
            open_list l = {NO_RECORD, 0, e->kind == HTML_K_OL};
            if (l.ol && wants_count(&t) &&
                (*r = add_record(c, doc, t.offset, &l.record)) != PITH_OK)
                return pos;
            c->stack[depth++] = l;
            open_n[l.ol]++;
            continue;
        }
        if ((e->flags & HTML_F_FOREIGN) && foreign) foreign--;
        tz.foreign = foreign > 0;
        if (!is_list(e->kind)) continue;
        if (over) {
            over--;
            continue;
        }
        bool ol = e->kind == HTML_K_OL;
        /* no such list open: the end tag is dropped (counted, so that a run of them costs no
         * walk down the stack each; a walk that finds one pops what it walked over) */
        if (!open_n[ol]) continue;
        uint32_t i = depth;
        while (c->stack[i - 1].ol != ol) i--;
        *walked += depth - i + 1;
        while (depth >= i) open_n[close_top(c, &depth)]--;
    }
    while (depth > 0) close_top(c, &depth); /* the input ended inside */
    return tz.pos;
}

/* The items of the reversed list whose start tag begins at d[tag_at] and ends before d[after]
 * (asked in document order: see html_items.h). */
static pith_status items_count(pith_html_items *c, pith_doc *doc, const uint8_t *d, size_t n,
                               size_t tag_at, size_t after, uint32_t max_depth, uint32_t *count)
{
    pith_status r = PITH_OK;
    *count = 0;
    if (tag_at < c->end) {
        /* inside the last look-ahead's list: recorded there, and asked in document order */
        while (c->next < c->n && c->at[c->next] < tag_at) c->next++;
        if (c->next < c->n && c->at[c->next] == tag_at) *count = c->count[c->next];
        return PITH_OK;
    }
    uint32_t first;
    c->n = c->next = 0;
    if ((r = add_record(c, doc, tag_at, &first)) != PITH_OK) return r;
    uint64_t walked = 0;
    size_t end = look_ahead(c, doc, d, n, after, max_depth ? max_depth : 1, &walked, &r);
    if (r != PITH_OK) return r;
    c->end = end;
    c->next = 1;
    *count = c->count[0];
    /* the bytes read and the lists an end tag walked down to close (work a page could make
     * quadratic if a walk did not pop what it passed) */
    return pith_work(doc, end - after + walked);
}

pith_status pith_html_list_numbers(pith_html_items *c, pith_doc *doc, const uint8_t *d, size_t n,
                                   const pith_html_tok *t, size_t after, uint32_t max_depth,
                                   pith_ev_list *l)
{
    l->reversed = PITH_HTML_ATTR(t, "reversed") != NULL;
    if (PITH_HTML_ATTR_INT(t, "start", &l->start) || !l->reversed) return PITH_OK;
    uint32_t count;
    pith_status r = items_count(c, doc, d, n, t->offset, after, max_depth, &count);
    l->start = count;
    return r;
}
