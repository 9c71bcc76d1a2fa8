/* html_tree.c: HTML element table and the stack of open elements (see html_tree.h).
 *
 * The element table is sorted by name (tests/c/test_html.c checks the order), so the names of
 * a first letter are together for pith_html_el_find. The rules below cite the "in body"
 * insertion mode (§13.2.6.4.7) and the table modes (§13.2.6.4.9-15) by the tag they handle.
 * Every loop walks down a stack bounded by `max`, and the scope checks stop after
 * PITH_HTML_SCOPE_MAX entries (an element further down than that counts as out of scope: real
 * pages never have one; hostile ones cannot make a tag cost more).
 * Every tag passes through here and the wasm build compiles this file for size (-Oz, where not
 * even pith_html_el_of is inlined), so the per-tag paths read pith_html_elements directly.
 */
#include "html_tree.h"

#include <string.h>

#define V HTML_F_VOID
#define S HTML_F_SPECIAL
#define CP HTML_F_CLOSE_P
#define SC HTML_F_SCOPE
#define B HTML_F_BLOCK
#define HD HTML_F_HEAD
#define SK HTML_F_SKIP
#define RC HTML_F_RCDATA
#define RT HTML_F_RAWTEXT
#define PT HTML_F_PLAINTEXT
#define FG HTML_F_FOREIGN
#define BO HTML_F_BREAKOUT
#define FM HTML_F_FORMAT

const pith_html_el pith_html_elements[HTML_EL_COUNT] = {
    {"", 0, HTML_K_NONE, 0, 0},
#define PITH_HTML_EL_ROW(id, name, flags, kind, level) \
    {name, flags, HTML_K_##kind, level, sizeof name - 1},
    PITH_HTML_ELEMENTS(PITH_HTML_EL_ROW)
#undef PITH_HTML_EL_ROW
};

/* Where the names of each first letter 'a'..'z' start in the sorted table, then its end (a
 * letter no name starts with starts where the next one does). A letter has at most 17 names
 * (s), and a name of another length is passed over with one byte compare: this is cheaper
 * than the binary search over the whole table (7 steps of string compares at -Oz) that it
 * replaced, on every tag name the handler's cache has not seen yet. */
static const uint8_t by_letter[27] = {
    HTML_EL_A, HTML_EL_B, HTML_EL_CANVAS, HTML_EL_DATA, HTML_EL_EM, HTML_EL_FIELDSET,
    HTML_EL_H1, HTML_EL_H1, HTML_EL_I, HTML_EL_KBD, HTML_EL_KBD, HTML_EL_LABEL, HTML_EL_MAIN,
    HTML_EL_NAV, HTML_EL_OBJECT, HTML_EL_P, HTML_EL_Q, HTML_EL_RP, HTML_EL_S, HTML_EL_TABLE,
    HTML_EL_U, HTML_EL_VAR, HTML_EL_WBR, HTML_EL_XMP, HTML_EL_COUNT, HTML_EL_COUNT,
    HTML_EL_COUNT,
};
_Static_assert(HTML_EL_COUNT <= 255, "by_letter holds element ids in bytes");

uint32_t pith_html_el_find(const uint8_t *name, uint32_t len)
{
    if (len == 0 || len > 10) return 0; /* the longest name is 10 bytes (blockquote) */
    uint32_t letter = (uint32_t)name[0] - 'a';
    if (letter >= 26) return 0; /* every name starts with a lowercase letter */
    for (uint32_t id = by_letter[letter]; id < by_letter[letter + 1]; id++) {
        const pith_html_el *m = &pith_html_elements[id];
        if (m->len != len) continue;
        uint32_t i = 1; /* names are short: no memcmp call */
        while (i < len && name[i] == (uint8_t)m->name[i]) i++;
        if (i == len) return id;
    }
    return 0;
}

/* MARK: - Stack */

pith_status pith_html_tree_init(pith_html_tree *t, pith_doc *doc, uint32_t max,
                                pith_html_pop_fn pop, void *user)
{
    memset(t, 0, sizeof *t);
    t->doc = doc;
    t->max = max ? max : 1;
    t->pop = pop;
    t->user = user;
    return PITH_OK;
}

#define EL(id) (&pith_html_elements[id])

/* The kind of entry i. A macro, not a function: at -Oz a helper this small stays a call. */
#define KIND_AT(t, i) (EL((t)->st[(i)].el)->kind)

static bool is_el(const pith_html_tree *t, uint32_t i, uint32_t el, uint32_t hash)
{
    return t->st[i].el == el && (el != HTML_EL_UNKNOWN || t->st[i].hash == hash);
}

/* Is element id a boundary of `scope` (§13.2.4.2 "has an element in the specific scope")? */
static bool boundary(uint32_t id, pith_html_scope scope)
{
    const pith_html_el *e = EL(id);
    if (scope == HTML_SCOPE_TABLE)
        return id == HTML_EL_TABLE || id == HTML_EL_HTML || id == HTML_EL_TEMPLATE;
    if (e->flags & (HTML_F_SCOPE | HTML_F_FOREIGN)) return true;
    if (scope == HTML_SCOPE_LIST_ITEM) return id == HTML_EL_OL || id == HTML_EL_UL;
    if (scope == HTML_SCOPE_BUTTON) return id == HTML_EL_BUTTON;
    return false;
}

int32_t pith_html_tree_in_scope(const pith_html_tree *t, uint32_t el, uint32_t hash,
                                pith_html_scope scope)
{
    if (t->open[el] == 0) return -1; /* not open at all: no walk */
    uint32_t i = t->depth, walked = 0;
    while (i > 0 && walked++ < PITH_HTML_SCOPE_MAX) {
        i--;
        uint32_t id = t->st[i].el;
        if (id == el && (el != HTML_EL_UNKNOWN || t->st[i].hash == hash)) return (int32_t)i;
        if (boundary(id, scope)) return -1;
    }
    return -1;
}

pith_status pith_html_tree_pop_to(pith_html_tree *t, uint32_t i)
{
    pith_status st = PITH_OK;
    while (t->depth > i && st == PITH_OK) {
        pith_html_entry *e = &t->st[t->depth - 1];
        st = t->pop ? t->pop(t->user, t, e) : PITH_OK;
        t->open[e->el]--;
        if ((EL(e->el)->flags & HTML_F_FOREIGN) && t->foreign) t->foreign--;
        t->depth--;
    }
    return st;
}

pith_status pith_html_tree_push(pith_html_tree *t, const pith_html_entry *e, bool *kept)
{
    *kept = false;
    if (t->depth >= t->max) {
        t->phantom++;
        return PITH_OK;
    }
    if (t->depth == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 64;
        if (cap > t->max) cap = t->max;
        pith_html_entry *s = pith_doc_alloc(t->doc, (size_t)cap * sizeof *s);
        if (!s) return pith_doc_status(t->doc);
        if (t->depth) memcpy(s, t->st, (size_t)t->depth * sizeof *s);
        t->st = s;
        t->cap = cap;
    }
    t->st[t->depth++] = *e;
    t->open[e->el]++;
    if (EL(e->el)->flags & HTML_F_FOREIGN) t->foreign++;
    *kept = true;
    return PITH_OK;
}

static pith_status pop_in_scope(pith_html_tree *t, uint32_t el, pith_html_scope scope)
{
    int32_t i = pith_html_tree_in_scope(t, el, 0, scope);
    return i < 0 ? PITH_OK : pith_html_tree_pop_to(t, (uint32_t)i);
}

/* "close a p element" when one is in button scope. */
static pith_status close_p(pith_html_tree *t)
{
    return pop_in_scope(t, HTML_EL_P, HTML_SCOPE_BUTTON);
}

/* Pop until the current node is one of the kinds in `stop` (bit per pith_html_kind) or the
 * html/template element: "clear the stack back to a table (body, row) context". */
static pith_status clear_back(pith_html_tree *t, uint64_t stop)
{
    uint32_t i = t->depth;
    while (i > 0 && !((stop >> KIND_AT(t, i - 1)) & 1u) && t->st[i - 1].el != HTML_EL_TEMPLATE)
        i--;
    return pith_html_tree_pop_to(t, i);
}

#define KB(k) ((uint64_t)1 << (k))

/* li (dd, dt): close the open li (dd or dt) unless a special element other than address, div
 * and p stands between ("in body", start tag "li" and "dd"/"dt"). */
static pith_status close_item(pith_html_tree *t, uint64_t kinds)
{
    uint32_t i = t->depth, walked = 0;
    while (i > 0 && walked++ < PITH_HTML_SCOPE_MAX) {
        i--;
        if ((kinds >> KIND_AT(t, i)) & 1u) return pith_html_tree_pop_to(t, i);
        uint32_t id = t->st[i].el;
        if ((EL(id)->flags & HTML_F_SPECIAL) && id != HTML_EL_ADDRESS &&
            id != HTML_EL_DIV && id != HTML_EL_P)
            break;
    }
    return PITH_OK;
}

pith_status pith_html_tree_before_start(pith_html_tree *t, uint32_t el, uint32_t hash,
                                        bool *insert)
{
    (void)hash;
    *insert = true;
    const pith_html_el *e = EL(el);
    pith_status st = PITH_OK;
    if (t->foreign) {
        /* Foreign content: an HTML element like <p> or <table> ends the svg/math first
         * (§13.2.6.5); anything else nests inside it as is. */
        if (!(e->flags & HTML_F_BREAKOUT)) return PITH_OK;
        uint32_t i = t->depth;
        while (i > 0 && t->foreign) {
            i--;
            if (EL(t->st[i].el)->flags & HTML_F_FOREIGN) {
                st = pith_html_tree_pop_to(t, i);
                if (st != PITH_OK) return st;
                i = t->depth;
            }
        }
    }
    switch (e->kind) {
    case HTML_K_LI:
        if ((st = close_item(t, KB(HTML_K_LI))) != PITH_OK) return st;
        return close_p(t);
    case HTML_K_DD:
    case HTML_K_DT:
        if ((st = close_item(t, KB(HTML_K_DD) | KB(HTML_K_DT))) != PITH_OK) return st;
        return close_p(t);
    case HTML_K_H:
        if ((st = close_p(t)) != PITH_OK) return st;
        if (t->depth && KIND_AT(t, t->depth - 1) == HTML_K_H)
            return pith_html_tree_pop_to(t, t->depth - 1);
        return PITH_OK;
    case HTML_K_OPTION:
    case HTML_K_OPTGROUP:
        if (t->depth && KIND_AT(t, t->depth - 1) == HTML_K_OPTION)
            st = pith_html_tree_pop_to(t, t->depth - 1);
        return st;
    case HTML_K_TR:
        if (pith_html_tree_in_scope(t, HTML_EL_TABLE, 0, HTML_SCOPE_TABLE) < 0) {
            *insert = false; /* a row outside any table is ignored */
            return PITH_OK;
        }
        return clear_back(t, KB(HTML_K_TABLE) | KB(HTML_K_TSECT) | KB(HTML_K_HTML));
    case HTML_K_TD:
    case HTML_K_TH:
        if (pith_html_tree_in_scope(t, HTML_EL_TABLE, 0, HTML_SCOPE_TABLE) < 0) {
            *insert = false;
            return PITH_OK;
        }
        return clear_back(t, KB(HTML_K_TR) | KB(HTML_K_TABLE) | KB(HTML_K_TSECT) | KB(HTML_K_HTML));
    case HTML_K_TSECT:
    case HTML_K_CAPTION:
    case HTML_K_COLGROUP:
        if (pith_html_tree_in_scope(t, HTML_EL_TABLE, 0, HTML_SCOPE_TABLE) < 0) {
            *insert = false;
            return PITH_OK;
        }
        return clear_back(t, KB(HTML_K_TABLE) | KB(HTML_K_HTML));
    case HTML_K_A:
        /* a second <a> closes the first (the adoption agency's effect on text) */
        return pop_in_scope(t, HTML_EL_A, HTML_SCOPE_DEFAULT);
    case HTML_K_BUTTON:
        return pop_in_scope(t, HTML_EL_BUTTON, HTML_SCOPE_DEFAULT);
    default:
        break;
    }
    if (el == HTML_EL_NOBR) return pop_in_scope(t, HTML_EL_NOBR, HTML_SCOPE_DEFAULT);
    if (e->flags & HTML_F_CLOSE_P) return close_p(t);
    return PITH_OK;
}

pith_status pith_html_tree_end(pith_html_tree *t, uint32_t el, uint32_t hash)
{
    if (t->phantom) {
        /* the deepest elements were only counted: this end tag closes one of them */
        t->phantom--;
        return PITH_OK;
    }
    const pith_html_el *e = EL(el);
    int32_t i = -1;
    if (t->foreign && !(e->flags & HTML_F_FOREIGN)) {
        /* "any other end tag" in foreign content: the nearest element of that name, if it is
         * inside the svg/math */
        uint32_t k = t->depth, walked = 0;
        while (k > 0 && walked++ < PITH_HTML_SCOPE_MAX) {
            k--;
            if (t->st[k].hash == hash) {
                i = (int32_t)k;
                break;
            }
            if (EL(t->st[k].el)->flags & HTML_F_FOREIGN) break;
        }
        if (i >= 0) return pith_html_tree_pop_to(t, (uint32_t)i);
    }
    switch (e->kind) {
    case HTML_K_P:
        i = pith_html_tree_in_scope(t, el, hash, HTML_SCOPE_BUTTON);
        break;
    case HTML_K_LI:
        i = pith_html_tree_in_scope(t, el, hash, HTML_SCOPE_LIST_ITEM);
        break;
    case HTML_K_H: {
        /* </h2> closes an open h1..h6, whichever it is */
        uint32_t k = t->depth, walked = 0;
        while (k > 0 && walked++ < PITH_HTML_SCOPE_MAX) {
            k--;
            if (KIND_AT(t, k) == HTML_K_H) {
                i = (int32_t)k;
                break;
            }
            if (boundary(t->st[k].el, HTML_SCOPE_DEFAULT)) break;
        }
        break;
    }
    case HTML_K_TABLE:
    case HTML_K_TR:
    case HTML_K_TD:
    case HTML_K_TH:
    case HTML_K_TSECT:
    case HTML_K_CAPTION:
        i = pith_html_tree_in_scope(t, el, hash, HTML_SCOPE_TABLE);
        break;
    case HTML_K_BR:
    case HTML_K_HTML:
    case HTML_K_HEAD:
    case HTML_K_BODY:
        return PITH_OK; /* html.c handles these */
    default:
        if (e->flags & (HTML_F_SPECIAL | HTML_F_FORMAT)) {
            i = pith_html_tree_in_scope(t, el, hash, HTML_SCOPE_DEFAULT);
        } else {
            /* "any other end tag": the nearest element of that name, unless a special element
             * comes first */
            uint32_t k = t->depth, walked = 0;
            while (k > 0 && walked++ < PITH_HTML_SCOPE_MAX) {
                k--;
                if (is_el(t, k, el, hash)) {
                    i = (int32_t)k;
                    break;
                }
                if (EL(t->st[k].el)->flags & HTML_F_SPECIAL) break;
            }
        }
        break;
    }
    return i < 0 ? PITH_OK : pith_html_tree_pop_to(t, (uint32_t)i);
}
