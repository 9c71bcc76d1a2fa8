/* html_items.h: list numbering attributes: integers as HTML parses them, and how many items a
 * reversed <ol> without a start attribute has, found by reading ahead (HTML §4.4.5: such a
 * list counts down from the number of its own li elements, so its first number depends on
 * markup not read yet).
 *
 * One look-ahead reads from the list's start tag to its end and counts, on the way, the items of
 * every reversed list without start inside it too; those are answered from that record when the
 * handler reaches them. So look-aheads never overlap: at most one more pass over the input,
 * whatever the nesting.
 */
#ifndef PITH_HTML_ITEMS_H
#define PITH_HTML_ITEMS_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#include "html_tok.h"

/* The integer value of attribute `lit` by the standard's rules for parsing integers (§2.3.4.1:
 * spaces, a sign, digits; what follows them is ignored) into *v, its magnitude capped at
 * 2^32 - 1; false when the tag has no such attribute or its value is no integer. */
bool pith_html_attr_int_n(const pith_html_tok *tok, const char *name, size_t len, int64_t *v);
#define PITH_HTML_ATTR_INT(tok, lit, v) pith_html_attr_int_n((tok), (lit), sizeof(lit) - 1, (v))

typedef struct pith_html_items {
    size_t *at;       /* start-tag offsets of the lists counted by the last look-ahead, ascending */
    uint32_t *count;  /* their items */
    uint32_t n, cap;
    uint32_t next;    /* the first record the handler has not passed yet */
    size_t end;       /* where the last look-ahead stopped: lists before it are recorded */
    struct html_open_list *stack; /* the look-ahead's open lists (kept: look-aheads reuse it) */
    uint32_t stack_cap;
} pith_html_items;

/* An ol's numbering (§4.4.5) into l->start and l->reversed, for its start tag t, which ends
 * before d[after] in the UTF-8 page d[0..n): from its start when that is an integer, else down
 * from its item count when reversed (read ahead), else from 1. Lists are asked in document
 * order. max_depth bounds the lists the look-ahead tracks at once (deeper ones nest past what
 * the handler keeps). Errors: memory, and the work budget (the look-ahead's bytes count as
 * work). */
pith_status pith_html_list_numbers(pith_html_items *c, pith_doc *doc, const uint8_t *d, size_t n,
                                   const pith_html_tok *t, size_t after, uint32_t max_depth,
                                   pith_ev_list *l);

#endif
