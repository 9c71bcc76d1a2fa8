/* html_tree.h: HTML elements and the stack of open elements with the implied end tags of the
 * tree construction stage (WHATWG HTML §13.2.4.2-3, §13.2.6.4.7 "in body").
 *
 * What it models: the element categories ("special", scope boundaries, formatting, void), the
 * "has an element in (button, list item, table) scope" checks, the start tags that close an
 * open p, li, dd/dt, heading, option or table cell, end tags that close everything above their
 * element, and "any other end tag" (close up to the matching element unless a special one is in
 * the way). Left out, because text does not need it: the adoption agency (a misnested </b> just
 * closes what is above its <b>), foster parenting (text inside a table stays where it is), the
 * list of active formatting elements, template insertion modes, and quirks mode.
 * Bounds: the stack holds at most `max` entries (the caller passes limits.max_depth); deeper
 * elements are counted, not kept (a "phantom" closes with the next end tag), and scope checks
 * look at most PITH_HTML_SCOPE_MAX entries down, so a tag costs O(1) amortized and nothing is
 * quadratic on 100,000 nested elements. Memory: the stack grows by doubling in the document
 * arena, up to `max` entries.
 */
#ifndef PITH_HTML_TREE_H
#define PITH_HTML_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "html_tok.h"

#define PITH_HTML_SCOPE_MAX 512u

/* Element flags. */
#define HTML_F_VOID 0x0001u      /* no content, never pushed */
#define HTML_F_SPECIAL 0x0002u   /* the standard's "special" category */
#define HTML_F_CLOSE_P 0x0004u   /* its start tag closes a p in button scope */
#define HTML_F_SCOPE 0x0008u     /* boundary of "in scope" */
#define HTML_F_BLOCK 0x0010u     /* its start and end are paragraph boundaries */
#define HTML_F_HEAD 0x0020u      /* may stay in <head> */
#define HTML_F_SKIP 0x0040u      /* its content is not text (script, style, template, svg ...) */
#define HTML_F_RCDATA 0x0080u
#define HTML_F_RAWTEXT 0x0100u
#define HTML_F_PLAINTEXT 0x0200u
#define HTML_F_FOREIGN 0x0400u   /* svg, math: foreign content */
#define HTML_F_BREAKOUT 0x0800u  /* an HTML element that ends foreign content */
#define HTML_F_FORMAT 0x1000u    /* formatting element (a, b, i, font ...) */

/* What an element means for the text (html.c maps it to events). */
typedef enum pith_html_kind {
    HTML_K_NONE = 0, HTML_K_P, HTML_K_H, HTML_K_PRE, HTML_K_QUOTE, HTML_K_UL, HTML_K_OL,
    HTML_K_LI, HTML_K_DD, HTML_K_DT, HTML_K_TABLE, HTML_K_TSECT, HTML_K_TR, HTML_K_TD,
    HTML_K_TH, HTML_K_CAPTION, HTML_K_A, HTML_K_IMG, HTML_K_BR, HTML_K_HR, HTML_K_STRONG,
    HTML_K_EM, HTML_K_CODE, HTML_K_DEL, HTML_K_TITLE, HTML_K_META, HTML_K_HTML, HTML_K_HEAD,
    HTML_K_BODY, HTML_K_TEXTAREA, HTML_K_OPTION, HTML_K_OPTGROUP, HTML_K_SELECT,
    HTML_K_BUTTON, HTML_K_XMP, HTML_K_PLAINTEXT, HTML_K_FRAMESET, HTML_K_COLGROUP,
} pith_html_kind;

typedef struct pith_html_el {
    const char *name;
    uint16_t flags;
    uint8_t kind;   /* pith_html_kind */
    uint8_t level;  /* h1..h6: 1..6 */
    uint8_t len;    /* strlen(name) */
} pith_html_el;

/* The elements pith knows, sorted by name (bytewise): X(ID, name, flags, kind, level). Flags
 * are abbreviated (html_tree.c spells them out): V void, S special, CP closes p, SC scope
 * boundary, B block, HD allowed in head, SK content skipped, RC/RT/PT RCDATA/RAWTEXT/PLAINTEXT,
 * FG foreign, BO breaks out of foreign content, FM formatting. */
#define PITH_HTML_ELEMENTS(X) \
    X(A, "a", FM, A, 0) \
    X(ABBR, "abbr", 0, NONE, 0) \
    X(ADDRESS, "address", S | CP | B, NONE, 0) \
    X(APPLET, "applet", S | SC, NONE, 0) \
    X(AREA, "area", V | S, NONE, 0) \
    X(ARTICLE, "article", S | CP | B, NONE, 0) \
    X(ASIDE, "aside", S | CP | B, NONE, 0) \
    X(AUDIO, "audio", 0, NONE, 0) \
    X(B, "b", FM | BO, STRONG, 0) \
    X(BASE, "base", V | S | HD, NONE, 0) \
    X(BASEFONT, "basefont", V | S | HD, NONE, 0) \
    X(BDI, "bdi", 0, NONE, 0) \
    X(BDO, "bdo", 0, NONE, 0) \
    X(BGSOUND, "bgsound", V | S | HD, NONE, 0) \
    X(BIG, "big", FM | BO, NONE, 0) \
    X(BLOCKQUOTE, "blockquote", S | CP | B | BO, QUOTE, 0) \
    X(BODY, "body", S | BO, BODY, 0) \
    X(BR, "br", V | S | BO, BR, 0) \
    X(BUTTON, "button", S, BUTTON, 0) \
    X(CANVAS, "canvas", 0, NONE, 0) \
    X(CAPTION, "caption", S | SC | B, CAPTION, 0) \
    X(CENTER, "center", S | CP | B | BO, NONE, 0) \
    X(CITE, "cite", 0, NONE, 0) \
    X(CODE, "code", FM | BO, CODE, 0) \
    X(COL, "col", V | S, NONE, 0) \
    X(COLGROUP, "colgroup", S, COLGROUP, 0) \
    X(DATA, "data", 0, NONE, 0) \
    X(DATALIST, "datalist", SK, NONE, 0) \
    X(DD, "dd", S | B | BO, DD, 0) \
    X(DEL, "del", 0, DEL, 0) \
    X(DETAILS, "details", S | CP | B, NONE, 0) \
    X(DFN, "dfn", 0, NONE, 0) \
    X(DIALOG, "dialog", S | CP | B, NONE, 0) \
    X(DIR, "dir", S | CP | B, UL, 0) \
    X(DIV, "div", S | CP | B | BO, NONE, 0) \
    X(DL, "dl", S | CP | B | BO, NONE, 0) \
    X(DT, "dt", S | B | BO, DT, 0) \
    X(EM, "em", FM | BO, EM, 0) \
    X(EMBED, "embed", V | S | BO, NONE, 0) \
    X(FIELDSET, "fieldset", S | CP | B, NONE, 0) \
    X(FIGCAPTION, "figcaption", S | CP | B, NONE, 0) \
    X(FIGURE, "figure", S | CP | B, NONE, 0) \
    X(FONT, "font", FM, NONE, 0) \
    X(FOOTER, "footer", S | CP | B, NONE, 0) \
    X(FORM, "form", S | CP | B, NONE, 0) \
    X(FRAME, "frame", V | S, NONE, 0) \
    X(FRAMESET, "frameset", S | SK, FRAMESET, 0) \
    X(H1, "h1", S | CP | B | BO, H, 1) \
    X(H2, "h2", S | CP | B | BO, H, 2) \
    X(H3, "h3", S | CP | B | BO, H, 3) \
    X(H4, "h4", S | CP | B | BO, H, 4) \
    X(H5, "h5", S | CP | B | BO, H, 5) \
    X(H6, "h6", S | CP | B | BO, H, 6) \
    X(HEAD, "head", S | BO, HEAD, 0) \
    X(HEADER, "header", S | CP | B, NONE, 0) \
    X(HGROUP, "hgroup", S | CP | B, NONE, 0) \
    X(HR, "hr", V | S | CP | B | BO, HR, 0) \
    X(HTML, "html", S | SC, HTML, 0) \
    X(I, "i", FM | BO, EM, 0) \
    X(IFRAME, "iframe", S | SK | RT, NONE, 0) \
    X(IMAGE, "image", V | S, IMG, 0) \
    X(IMG, "img", V | S | BO, IMG, 0) \
    X(INPUT, "input", V | S, NONE, 0) \
    X(INS, "ins", 0, NONE, 0) \
    X(KBD, "kbd", 0, CODE, 0) \
    X(KEYGEN, "keygen", V | S, NONE, 0) \
    X(LABEL, "label", 0, NONE, 0) \
    X(LEGEND, "legend", B, NONE, 0) \
    X(LI, "li", S | B | BO, LI, 0) \
    X(LINK, "link", V | S | HD, NONE, 0) \
    X(LISTING, "listing", S | CP | B | BO, PRE, 0) \
    X(MAIN, "main", S | CP | B, NONE, 0) \
    X(MAP, "map", 0, NONE, 0) \
    X(MARK, "mark", 0, NONE, 0) \
    X(MARQUEE, "marquee", S | SC, NONE, 0) \
    X(MATH, "math", SK | FG, NONE, 0) \
    X(MENU, "menu", S | CP | B | BO, UL, 0) \
    X(META, "meta", V | S | HD | BO, META, 0) \
    X(METER, "meter", 0, NONE, 0) \
    X(NAV, "nav", S | CP | B, NONE, 0) \
    X(NOBR, "nobr", FM | BO, NONE, 0) \
    X(NOEMBED, "noembed", S | SK | RT, NONE, 0) \
    X(NOFRAMES, "noframes", S | SK | RT | HD, NONE, 0) \
    X(NOSCRIPT, "noscript", S | SK | RT | HD, NONE, 0) \
    X(OBJECT, "object", S | SC, NONE, 0) \
    X(OL, "ol", S | CP | B | BO, OL, 0) \
    X(OPTGROUP, "optgroup", B, OPTGROUP, 0) \
    X(OPTION, "option", B, OPTION, 0) \
    X(OUTPUT, "output", 0, NONE, 0) \
    X(P, "p", S | CP | B | BO, P, 0) \
    X(PARAM, "param", V | S, NONE, 0) \
    X(PICTURE, "picture", 0, NONE, 0) \
    X(PLAINTEXT, "plaintext", S | CP | B | PT, PLAINTEXT, 0) \
    X(PRE, "pre", S | CP | B | BO, PRE, 0) \
    X(PROGRESS, "progress", 0, NONE, 0) \
    X(Q, "q", 0, NONE, 0) \
    X(RP, "rp", 0, NONE, 0) \
    X(RT, "rt", 0, NONE, 0) \
    X(RUBY, "ruby", BO, NONE, 0) \
    X(S, "s", FM | BO, DEL, 0) \
    X(SAMP, "samp", 0, CODE, 0) \
    X(SCRIPT, "script", S | SK | RT | HD, NONE, 0) \
    X(SEARCH, "search", S | CP | B, NONE, 0) \
    X(SECTION, "section", S | CP | B, NONE, 0) \
    X(SELECT, "select", S, SELECT, 0) \
    X(SLOT, "slot", 0, NONE, 0) \
    X(SMALL, "small", FM | BO, NONE, 0) \
    X(SOURCE, "source", V | S, NONE, 0) \
    X(SPAN, "span", BO, NONE, 0) \
    X(STRIKE, "strike", FM | BO, DEL, 0) \
    X(STRONG, "strong", FM | BO, STRONG, 0) \
    X(STYLE, "style", S | SK | RT | HD, NONE, 0) \
    X(SUB, "sub", BO, NONE, 0) \
    X(SUMMARY, "summary", S | CP | B, NONE, 0) \
    X(SUP, "sup", BO, NONE, 0) \
    X(SVG, "svg", SK | FG, NONE, 0) \
    X(TABLE, "table", S | SC | B | BO, TABLE, 0) \
    X(TBODY, "tbody", S, TSECT, 0) \
    X(TD, "td", S | SC, TD, 0) \
    X(TEMPLATE, "template", S | SC | SK | HD, NONE, 0) \
    X(TEXTAREA, "textarea", S | RC | B, TEXTAREA, 0) \
    X(TFOOT, "tfoot", S, TSECT, 0) \
    X(TH, "th", S | SC, TH, 0) \
    X(THEAD, "thead", S, TSECT, 0) \
    X(TIME, "time", 0, NONE, 0) \
    X(TITLE, "title", S | RC | HD | SK, TITLE, 0) \
    X(TR, "tr", S, TR, 0) \
    X(TRACK, "track", V | S, NONE, 0) \
    X(TT, "tt", FM | BO, CODE, 0) \
    X(U, "u", FM | BO, NONE, 0) \
    X(UL, "ul", S | CP | B | BO, UL, 0) \
    X(VAR, "var", BO, NONE, 0) \
    X(VIDEO, "video", 0, NONE, 0) \
    X(WBR, "wbr", V | S, NONE, 0) \
    X(XMP, "xmp", S | CP | B | RT, XMP, 0)

/* Element ids: HTML_EL_<NAME>, indexes into pith_html_elements; 0 is "unknown element". */
enum {
    HTML_EL_UNKNOWN = 0,
#define PITH_HTML_EL_ID(id, name, flags, kind, level) HTML_EL_##id,
    PITH_HTML_ELEMENTS(PITH_HTML_EL_ID)
#undef PITH_HTML_EL_ID
    HTML_EL_COUNT
};

extern const pith_html_el pith_html_elements[HTML_EL_COUNT];
/* The element named name[0..len) (lowercase), or HTML_EL_UNKNOWN. */
uint32_t pith_html_el_find(const uint8_t *name, uint32_t len);
static inline const pith_html_el *pith_html_el_of(uint32_t id) { return &pith_html_elements[id]; }

/* The content model an element's start tag switches the tokenizer to (outside foreign
 * content): PITH_HTML_DATA, no switch, for most. */
static inline pith_html_mode pith_html_el_mode(const pith_html_el *e)
{
    return (e->flags & HTML_F_RCDATA)      ? PITH_HTML_RCDATA
           : (e->flags & HTML_F_RAWTEXT)   ? PITH_HTML_RAWTEXT
           : (e->flags & HTML_F_PLAINTEXT) ? PITH_HTML_PLAINTEXT
                                           : PITH_HTML_DATA;
}

/* One open element. `ev`, `info` and `aux` belong to html.c (which event it began, flags). */
typedef struct pith_html_entry {
    uint16_t el;
    uint8_t ev;
    uint8_t info;
    uint32_t hash;  /* name hash (unknown elements are matched by it) */
    uint32_t aux;
} pith_html_entry;

typedef struct pith_html_tree pith_html_tree;
/* Called for every entry popped, top first, before it leaves the stack. */
typedef pith_status (*pith_html_pop_fn)(void *user, pith_html_tree *t, pith_html_entry *e);

struct pith_html_tree {
    pith_doc *doc;
    pith_html_entry *st;
    uint32_t depth, cap, max;
    uint32_t phantom;          /* elements past `max`, counted only */
    uint32_t foreign;          /* open svg/math elements */
    pith_html_pop_fn pop;
    void *user;
    uint32_t open[HTML_EL_COUNT]; /* how many of each element are on the stack */
};

pith_status pith_html_tree_init(pith_html_tree *t, pith_doc *doc, uint32_t max,
                                pith_html_pop_fn pop, void *user);

/* Scopes of "has an element in scope". */
typedef enum pith_html_scope {
    HTML_SCOPE_DEFAULT = 0, HTML_SCOPE_LIST_ITEM, HTML_SCOPE_BUTTON, HTML_SCOPE_TABLE
} pith_html_scope;

/* Index of the topmost entry of element `el` (for unknown elements: with that hash) within
 * `scope`, or -1. */
int32_t pith_html_tree_in_scope(const pith_html_tree *t, uint32_t el, uint32_t hash,
                                pith_html_scope scope);
/* Pop entries down to and including index i. */
pith_status pith_html_tree_pop_to(pith_html_tree *t, uint32_t i);

/* The implied end tags before start tag `el` (id, name hash) is inserted: closes p, li, dd/dt,
 * headings, options, table cells and rows as the standard says. *insert is false when the
 * start tag is ignored where it stands (a cell or row outside any table). */
pith_status pith_html_tree_before_start(pith_html_tree *t, uint32_t el, uint32_t hash,
                                        bool *insert);
/* Push an element (after pith_html_tree_before_start). Past `max` entries it is counted as a
 * phantom; *kept says which. */
pith_status pith_html_tree_push(pith_html_tree *t, const pith_html_entry *e, bool *kept);
/* End tag `el`: pops what it closes (nothing when it matches no open element). */
pith_status pith_html_tree_end(pith_html_tree *t, uint32_t el, uint32_t hash);

static inline pith_html_entry *pith_html_tree_top(pith_html_tree *t)
{
    return t->depth ? &t->st[t->depth - 1] : NULL;
}

#endif
