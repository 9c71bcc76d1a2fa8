/* docx.c: WordprocessingML documents (DOCX, DOCM, DOTX; ECMA-376 Part 1 §17, transitional and
 * strict) to events.
 *
 * The main part comes from the package rels (officeDocument), else the content type Override,
 * else word/document.xml. One unit; the body, then headers and footers (each referenced part
 * once, in section order), footnotes, endnotes and comments are streamed one part after the
 * other, each note, comment, header and footer in its own PITH_EV_SECTION. Every step stops
 * after DOCX_STEP bytes of XML (PITH_MORE): the tokenizer and this file's element stacks live
 * in the document arena between steps, so output never has to be held whole.
 *
 * Structure: paragraphs; headings from paragraph styles (docx_styles.c) or outline levels;
 * lists from numbering.xml (docx_numbering.c): a simple decimal level is an ordered list with
 * its start, other formats print their label; tables (gridSpan → colspan, vMerge continuation
 * cells empty, nested); hyperlinks to external targets; text boxes (w:txbxContent) as their
 * own paragraphs; mc:AlternateContent takes one branch (the first understood mc:Choice, else
 * mc:Fallback). Text: w:t, tabs, breaks (line, page, column: a line break), w:cr,
 * w:noBreakHyphen ('-'), w:sym (Symbol font mapped to Unicode, other fonts their private-use
 * code), field results (instructions dropped), insertions kept, deletions and move sources
 * dropped, hidden text (w:vanish) dropped, math text (m:t) kept. Left out: images, comments'
 * anchors, revisions' authors, frames' positions. w:altChunk parts (HTML, MHT, RTF, text) go
 * through the core's nested extraction, a warning when this build lacks their handler.
 * Limits: element stacks are fixed; content nested deeper than they allow is skipped with a
 * warning; past the XML depth limit (max_depth) the tokenizer skips a subtree with a warning
 * (opc_xml sets skip_deep), so the text around it still comes out.
 */
#include "docx_int.h"

#include <string.h>

#include "utf.h"

#define DOCX_STEP ((size_t)256 * 1024) /* bytes of XML per step */
#define PARA_MAX 16u   /* paragraphs open at once (a text box's inside its anchor's) */
#define TABLE_MAX 64u  /* nested table cells */
#define LIST_MAX 64u   /* open list levels, all scopes */
#define SCOPE_MAX 96u  /* cells, text boxes, notes: each bounds its lists */
#define AC_MAX 32u     /* nested mc:AlternateContent */
#define FIELD_MAX 32u  /* nested complex fields */


typedef enum phase {
    PH_BODY = 0, PH_HDRFTR, PH_FOOTNOTES, PH_ENDNOTES, PH_COMMENTS, PH_DONE
} phase;

typedef enum para_kind { PK_NONE = 0, PK_PARA, PK_HEAD, PK_ITEM } para_kind;

typedef struct para_frame {
    uint32_t depth;        /* xml depth of its w:p */
    uint8_t kind;          /* what was begun: para_kind; PK_NONE = nothing yet */
    bool in_ppr;
    bool split;            /* a nested block ended it: later text reopens a plain paragraph */
    bool has_num;          /* direct numPr seen */
    int32_t num_id, ilvl, outline;
    char style[64];
    size_t style_n;
} para_frame;

typedef struct cell_frame {
    uint32_t depth;        /* of its w:tc */
    uint32_t colspan;
    bool began, vmerge_cont, in_tcpr;
} cell_frame;

typedef struct list_frame {
    int32_t num_id, ilvl;
    bool ordered;
} list_frame;

typedef struct ac_frame {
    uint32_t depth;
    bool taken;
} ac_frame;

typedef struct hdrftr {
    pith_str name;
    bool footer;
} hdrftr;

typedef struct docx_state {
    pith_doc *doc;
    opc pkg;
    pith_str main;
    opc_rels main_rels;
    docx_styles styles;
    docx_numbering numbering;
    hdrftr *hf;
    uint32_t nhf, hf_cap;
    pith_str notes_part[3];    /* footnotes, endnotes, comments */

    /* the part being streamed */
    phase ph;
    uint32_t hf_index;
    bool part_open;
    pith_xml x;
    opc_rels rels;             /* of the part being read (hyperlink targets) */
    pith_section_kind sec_kind;
    uint32_t note_depth;       /* depth of the open note/comment element (its SECTION), 0 none */

    /* element state */
    uint32_t skip_depth;       /* ignoring everything inside the element at this depth; 0 off */
    para_frame para[PARA_MAX];
    uint32_t npara;
    cell_frame cell[TABLE_MAX];
    uint32_t ncell;
    list_frame list[LIST_MAX];
    uint32_t nlist;
    uint32_t scope[SCOPE_MAX]; /* nlist at the scope's start */
    uint32_t nscope;
    ac_frame ac[AC_MAX];
    uint32_t nac;
    uint32_t field_depth;      /* open complex fields */
    uint32_t field_instr;      /* bit i: field i is still in its instruction */
    uint32_t link_depth;       /* depth of the w:hyperlink whose LINK is open, 0 none */
    bool in_run, in_rpr, in_t, vanish;
    uint32_t flags;            /* PITH_TEXT_* of the run */
    uint32_t ntbl;             /* open tables (TABLE begun) */
    bool warned_deep;
} docx_state;

/* MARK: - Small helpers */

#define local_is(t, lit) OPC_IS((t)->local, lit)
/* After on_start/on_end have checked docx_is_w(t): the local name alone. */
#define W_IS(lit) OPC_IS(t->local, lit)

static const pith_str *rel_id_attr(const pith_xml_token *t)
{
    const pith_str *v = pith_xml_attr_ns(t, DOCX_NS_R, "id");
    if (!v) v = pith_xml_attr_ns(t, DOCX_NS_R_STRICT, "id");
    return v;
}

static pith_status warn_deep(docx_state *st, const pith_xml_token *t, const char *what)
{
    st->skip_depth = t->depth;
    if (st->warned_deep) return PITH_OK;
    st->warned_deep = true;
    return pith_warn(st->doc, PITH_E_LIMIT, t->offset, "docx: %s nested too deep, content skipped",
                     what);
}

/* MARK: - Lists and blocks */

static pith_status list_pop(docx_state *st)
{
    st->nlist--;
    return pith_emit_end(st->doc, PITH_EV_LIST);
}

/* Close the lists of the current scope. */
static pith_status lists_close(docx_state *st)
{
    uint32_t base = st->nscope ? st->scope[st->nscope - 1] : 0;
    pith_status r = PITH_OK;
    while (r == PITH_OK && st->nlist > base) r = list_pop(st);
    return r;
}

static pith_status scope_push(docx_state *st)
{
    if (st->nscope >= SCOPE_MAX) return PITH_E_LIMIT;
    st->scope[st->nscope++] = st->nlist;
    return PITH_OK;
}

static pith_status scope_pop(docx_state *st)
{
    pith_status r = lists_close(st);
    if (st->nscope) st->nscope--;
    return r;
}

/* Enter a list item at (num_id, ilvl): close deeper or other lists of the scope, open the
 * list if needed, then a new ITEM. */
static pith_status list_item(docx_state *st, int32_t num_id, int32_t ilvl, bool ordered,
                             int32_t start)
{
    pith_doc *doc = st->doc;
    uint32_t base = st->nscope ? st->scope[st->nscope - 1] : 0;
    pith_status r = PITH_OK;
    while (r == PITH_OK && st->nlist > base) {
        list_frame *top = &st->list[st->nlist - 1];
        if (top->ilvl > ilvl || (top->ilvl == ilvl && (top->num_id != num_id || top->ordered != ordered)))
            r = list_pop(st);
        else
            break;
    }
    if (r != PITH_OK) return r;
    if (st->nlist > base && st->list[st->nlist - 1].ilvl == ilvl) {
        /* the next item of the open list: the previous item ends */
        if ((r = pith_emit_end(doc, PITH_EV_ITEM)) != PITH_OK) return r;
    } else if (st->nlist < LIST_MAX) {
        pith_ev_list d = {.ordered = ordered ? 1u : 0u, .start = start > 0 ? start : 0};
        if ((r = pith_emit_begin(doc, PITH_EV_LIST, &d)) != PITH_OK) return r;
        st->list[st->nlist++] = (list_frame){num_id, ilvl, ordered};
    } else if ((r = pith_emit_end(doc, PITH_EV_ITEM)) != PITH_OK) {
        return r; /* too deep: items stay at the deepest level */
    }
    pith_ev_item it = {.checked = -1};
    return pith_emit_begin(doc, PITH_EV_ITEM, &it);
}

/* Open the paragraph on top of the stack: a heading, a list item or a plain paragraph, from
 * its properties and its style's. */
static pith_status para_begin(docx_state *st)
{
    pith_doc *doc = st->doc;
    para_frame *p = &st->para[st->npara - 1];
    pith_status r;
    if (p->split) {
        p->kind = PK_PARA;
        return pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
    }
    const docx_style *s = docx_style_get(&st->styles, p->style, p->style_n);
    int32_t num_id = p->has_num ? p->num_id : (s ? s->num_id : -1);
    int32_t ilvl = p->ilvl >= 0 ? p->ilvl : (s && s->ilvl >= 0 ? s->ilvl : 0);
    uint32_t heading = 0;
    if (p->outline >= 0 && p->outline <= 8) heading = (uint32_t)p->outline + 1;
    else if (p->outline < 0 && s) heading = s->heading;
    docx_label lab;
    bool numbered = false;
    if (num_id > 0) {
        if ((r = pith_work(doc, st->numbering.nnum + 1u)) != PITH_OK) return r;
        numbered = docx_numbering_next(&st->numbering, num_id, ilvl, &lab);
    }
    if (heading || !numbered || st->npara > 1) {
        /* text boxes and headings stay out of lists */
        if (st->npara == 1 && (r = lists_close(st)) != PITH_OK) return r;
        if (heading) {
            pith_ev_heading h = {heading > 6 ? 6 : heading};
            p->kind = PK_HEAD;
            r = pith_emit_begin(doc, PITH_EV_HEADING, &h);
        } else {
            p->kind = PK_PARA;
            r = pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
        }
        if (r == PITH_OK && numbered && lab.n && lab.fmt != DOCX_NF_BULLET) {
            r = pith_emit_text(doc, lab.text, lab.n, 0);
            if (r == PITH_OK) r = pith_emit_text(doc, " ", 1, 0);
        }
        return r;
    }
    bool ordered = lab.simple;
    p->kind = PK_ITEM;
    if ((r = list_item(st, num_id, ilvl, ordered, lab.value)) != PITH_OK) return r;
    if (!ordered && lab.fmt != DOCX_NF_BULLET && lab.n) {
        r = pith_emit_text(doc, lab.text, lab.n, 0);
        if (r == PITH_OK) r = pith_emit_text(doc, " ", 1, 0);
    }
    return r;
}

/* Before inline content: the innermost paragraph is open. */
static pith_status ensure_para(docx_state *st)
{
    if (!st->npara) return PITH_OK;
    para_frame *p = &st->para[st->npara - 1];
    if (p->kind != PK_NONE || p->in_ppr) return PITH_OK;
    return para_begin(st);
}

/* A block (paragraph, table) starts inside an open paragraph (a text box's content): a plain
 * paragraph or heading ends there and reopens for what follows; a list item holds it. */
static pith_status block_inside(docx_state *st)
{
    if (!st->npara) return PITH_OK;
    para_frame *p = &st->para[st->npara - 1];
    if (p->kind == PK_NONE && !p->in_ppr) {
        /* nothing of the outer paragraph yet: it opens first so its label comes first */
        pith_status r = para_begin(st);
        if (r != PITH_OK) return r;
    }
    if (p->kind == PK_PARA || p->kind == PK_HEAD) {
        pith_status r = pith_emit_end(st->doc, p->kind == PK_HEAD ? PITH_EV_HEADING : PITH_EV_PARAGRAPH);
        p->kind = PK_NONE;
        p->split = true;
        return r;
    }
    return PITH_OK;
}

static pith_status para_end(docx_state *st)
{
    para_frame *p = &st->para[st->npara - 1];
    pith_status r = PITH_OK;
    /* an empty numbered paragraph still shows its number */
    if (p->kind == PK_NONE && !p->split && (p->has_num || p->style_n) && st->npara == 1) {
        const docx_style *s = docx_style_get(&st->styles, p->style, p->style_n);
        int32_t num_id = p->has_num ? p->num_id : (s ? s->num_id : -1);
        if (num_id > 0) r = para_begin(st);
    }
    if (r == PITH_OK && (p->kind == PK_PARA || p->kind == PK_HEAD))
        r = pith_emit_end(st->doc, p->kind == PK_HEAD ? PITH_EV_HEADING : PITH_EV_PARAGRAPH);
    st->npara--;
    return r;
}

/* MARK: - Inline */

static bool text_dropped(const docx_state *st)
{
    return st->vanish || (st->field_instr != 0);
}

static pith_status put_text(docx_state *st, const char *s, size_t n)
{
    if (text_dropped(st) || !n) return PITH_OK;
    pith_status r = ensure_para(st);
    if (r != PITH_OK) return r;
    return pith_emit_text(st->doc, s, n, st->flags);
}

static pith_status put_sym(docx_state *st, const pith_xml_token *t)
{
    const pith_str *c = docx_attr(t, "char"), *font = docx_attr(t, "font");
    if (!c || !c->n || c->n > 8) return PITH_OK;
    uint32_t cp = 0;
    for (size_t i = 0; i < c->n; i++) {
        char h = c->p[i];
        int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
              : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (v < 0) return PITH_OK;
        cp = cp * 16 + (uint32_t)v;
    }
    /* Word writes symbol-font codes in the private-use page F0xx */
    uint32_t low = cp >= 0xF000 && cp <= 0xF0FF ? cp - 0xF000 : cp;
    if (font && font->n == 6 && memcmp(font->p, "Symbol", 6) == 0 && low >= 0x20 && low <= 0xFF) {
        uint32_t u = docx_symbol_uni[low - 0x20];
        if (u) cp = u;
    } else if (cp < 0x100 && font) {
        cp += 0xF000; /* another symbol font: its private-use code */
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return PITH_OK;
    uint8_t u8[4];
    size_t n = pith_utf8_encode(cp, u8);
    return put_text(st, (const char *)u8, n);
}

/* MARK: - Headers and footers */

static pith_status note_hdrftr(docx_state *st, const pith_xml_token *t, bool footer)
{
    const pith_str *id = rel_id_attr(t);
    if (!id) return PITH_OK;
    const opc_rel *rel = opc_rel_by_id(&st->rels, id->p, id->n);
    if (!rel || rel->external) return PITH_OK;
    for (uint32_t i = 0; i < st->nhf; i++)
        if (st->hf[i].name.n == rel->target.n &&
            memcmp(st->hf[i].name.p, rel->target.p, rel->target.n) == 0)
            return PITH_OK;
    if (st->nhf == st->hf_cap) {
        uint32_t cap = st->hf_cap ? st->hf_cap * 2 : 8;
        hdrftr *n = pith_doc_alloc(st->doc, (size_t)cap * sizeof *n);
        if (!n) return pith_alloc_failed(st->doc, (size_t)cap * sizeof *n);
        if (st->nhf) memcpy(n, st->hf, (size_t)st->nhf * sizeof *n);
        st->hf = n;
        st->hf_cap = cap;
    }
    pith_status r = pith_objects(st->doc, 1);
    if (r != PITH_OK) return r;
    st->hf[st->nhf++] = (hdrftr){rel->target, footer};
    return PITH_OK;
}

/* MARK: - Imported documents */

/* w:altChunk (§17.17.2.1): a part of another format (HTML, MHT, RTF, plain text, ...) that Word
 * imports at this point of the body. It goes through the core's nested extraction with its
 * content type as the hint (the part name when it has none), so it comes out where it stands
 * if this build reads its format, and as that extraction's warning (DISABLED, the bundle that
 * has it) when not. */
static pith_status alt_chunk(docx_state *st, const pith_xml_token *t)
{
    pith_doc *doc = st->doc;
    const pith_str *id = rel_id_attr(t);
    const opc_rel *rel = id ? opc_rel_by_id(&st->rels, id->p, id->n) : NULL;
    if (!rel || rel->external || !rel->target.n)
        return pith_warn(doc, PITH_E_FORMAT, t->offset, "docx: altChunk %.*s names no part",
                         id ? (int)(id->n > 64 ? 64 : id->n) : 0, id ? id->p : "");
    pith_status r = block_inside(st);
    if (r == PITH_OK && st->npara == 0) r = lists_close(st);
    if (r != PITH_OK) return r;
    const uint8_t *p;
    size_t n;
    r = opc_part(&st->pkg, rel->target.p, rel->target.n, NULL, &p, &n);
    if (r != PITH_OK) return pith_doc_status(doc) != PITH_OK ? pith_doc_status(doc) : PITH_OK;
    pith_str hint = opc_content_type(&st->pkg, rel->target.p, rel->target.n);
    if (!hint.n) hint = rel->target;
    return pith_nested(doc, p, n, hint.p, hint.n);
}

/* MARK: - Elements */

static bool understood(const pith_str *req)
{
    /* namespaces whose markup this reader takes as it comes (text in w:txbxContent, m:t) */
    static const char *const known[] = {"wps", "wpg", "wpc", "wpi", "wp14", "w14", "w15", "w16",
                                        "w16se", "w16cid", "w16cex", "w16du", "w16sdtdh", "v",
                                        "o", "m", "a14", "mc", NULL};
    if (!req) return false;
    size_t i = 0;
    while (i < req->n) {
        while (i < req->n && req->p[i] == ' ') i++;
        size_t j = i;
        while (j < req->n && req->p[j] != ' ') j++;
        if (j > i) {
            bool ok = false;
            for (const char *const *k = known; *k; k++)
                if (strlen(*k) == j - i && memcmp(*k, req->p + i, j - i) == 0) ok = true;
            if (!ok) return false;
        }
        i = j;
    }
    return true;
}

static pith_status on_start(docx_state *st, const pith_xml_token *t)
{
    pith_doc *doc = st->doc;
    pith_status r = PITH_OK;
    if (t->ns == DOCX_NS_MC) {
        if (local_is(t, "AlternateContent")) {
            if (st->nac >= AC_MAX) return warn_deep(st, t, "alternate content");
            st->ac[st->nac++] = (ac_frame){t->depth, false};
        } else if (st->nac && st->ac[st->nac - 1].depth + 1 == t->depth) {
            ac_frame *a = &st->ac[st->nac - 1];
            bool choice = local_is(t, "Choice");
            if (a->taken || (choice && !understood(pith_xml_attr_get(t, NULL, "Requires"))))
                st->skip_depth = t->depth;
            else
                a->taken = true;
        }
        return PITH_OK;
    }
    if (local_is(t, "t") && t->ns == DOCX_NS_M) {
        st->in_t = true;
        return PITH_OK;
    }
    if (!docx_is_w(t)) return PITH_OK;
    para_frame *p = st->npara ? &st->para[st->npara - 1] : NULL;

    /* paragraph properties */
    if (p && p->in_ppr) {
        if (W_IS("pStyle")) {
            const pith_str *v = docx_attr(t, "val");
            if (v && v->n <= sizeof p->style) {
                memcpy(p->style, v->p, v->n);
                p->style_n = v->n;
            }
        } else if (W_IS("numId")) {
            p->has_num = true;
            p->num_id = docx_attr_int(t, "val", 0);
        } else if (W_IS("ilvl")) {
            int32_t v = docx_attr_int(t, "val", 0);
            p->ilvl = v >= 0 && v < DOCX_LEVELS ? v : 0;
        } else if (W_IS("outlineLvl")) {
            p->outline = docx_attr_int(t, "val", -1);
        } else if (W_IS("headerReference")) {
            r = note_hdrftr(st, t, false);
        } else if (W_IS("footerReference")) {
            r = note_hdrftr(st, t, true);
        }
        return r;
    }
    /* run properties */
    if (st->in_rpr) {
        if (W_IS("b")) {
            if (docx_attr_on(t)) st->flags |= PITH_TEXT_STRONG;
            else st->flags &= ~PITH_TEXT_STRONG;
        } else if (W_IS("i")) {
            if (docx_attr_on(t)) st->flags |= PITH_TEXT_EMPH;
            else st->flags &= ~PITH_TEXT_EMPH;
        } else if (W_IS("strike") || W_IS("dstrike")) {
            if (docx_attr_on(t)) st->flags |= PITH_TEXT_STRIKE;
            else st->flags &= ~PITH_TEXT_STRIKE;
        } else if (W_IS("vanish")) {
            st->vanish = docx_attr_on(t);
        }
        return PITH_OK;
    }
    /* cell properties */
    if (st->ncell && st->cell[st->ncell - 1].in_tcpr) {
        cell_frame *c = &st->cell[st->ncell - 1];
        if (W_IS("gridSpan")) {
            int32_t v = docx_attr_int(t, "val", 1);
            c->colspan = v > 1 && v <= 1000 ? (uint32_t)v : 1;
        } else if (W_IS("vMerge")) {
            const pith_str *v = docx_attr(t, "val");
            c->vmerge_cont = !v || !(v->n == 7 && memcmp(v->p, "restart", 7) == 0);
        }
        return PITH_OK;
    }
    /* a cell's first content opens its CELL */
    if (st->ncell && !st->cell[st->ncell - 1].began && st->cell[st->ncell - 1].depth + 1 == t->depth &&
        !W_IS("tcPr")) {
        cell_frame *c = &st->cell[st->ncell - 1];
        pith_ev_cell d = {c->colspan, 0};
        c->began = true;
        if ((r = pith_emit_begin(doc, PITH_EV_CELL, &d)) != PITH_OK) return r;
        if ((r = scope_push(st)) != PITH_OK) return warn_deep(st, t, "cells");
        if (c->vmerge_cont) {
            st->skip_depth = c->depth; /* a merged continuation: empty */
            return PITH_OK;
        }
    }

    if (W_IS("p")) {
        if ((r = block_inside(st)) != PITH_OK) return r;
        if (st->npara >= PARA_MAX) return warn_deep(st, t, "paragraphs");
        para_frame *np = &st->para[st->npara++];
        memset(np, 0, sizeof *np);
        np->depth = t->depth;
        np->num_id = -1;
        np->ilvl = -1;
        np->outline = -1;
        st->vanish = false;
        st->flags = 0;
    } else if (W_IS("pPr")) {
        if (p && p->depth + 1 == t->depth) p->in_ppr = !(t->flags & PITH_XML_EMPTY);
    } else if (W_IS("r")) {
        st->in_run = true;
        st->flags = 0;
        st->vanish = false;
    } else if (W_IS("rPr")) {
        if (st->in_run) st->in_rpr = !(t->flags & PITH_XML_EMPTY);
    } else if (W_IS("t")) {
        st->in_t = true;
    } else if (W_IS("tab") || W_IS("ptab")) {
        if (st->in_run) r = put_text(st, "\t", 1);
    } else if (W_IS("br") || W_IS("cr")) {
        if (st->in_run && !text_dropped(st)) {
            if ((r = ensure_para(st)) == PITH_OK) r = pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
        }
    } else if (W_IS("noBreakHyphen")) {
        if (st->in_run) r = put_text(st, "-", 1);
    } else if (W_IS("sym")) {
        if (st->in_run) r = put_sym(st, t);
    } else if (W_IS("fldChar")) {
        const pith_str *v = docx_attr(t, "fldCharType");
        if (v && v->n == 5 && memcmp(v->p, "begin", 5) == 0) {
            if (st->field_depth < FIELD_MAX) st->field_instr |= 1u << st->field_depth;
            st->field_depth++;
        } else if (v && v->n == 8 && memcmp(v->p, "separate", 8) == 0) {
            if (st->field_depth && st->field_depth <= FIELD_MAX)
                st->field_instr &= ~(1u << (st->field_depth - 1));
        } else if (v && v->n == 3 && memcmp(v->p, "end", 3) == 0) {
            if (st->field_depth) {
                st->field_depth--;
                if (st->field_depth < FIELD_MAX) st->field_instr &= ~(1u << st->field_depth);
            }
        }
    } else if (W_IS("hyperlink")) {
        const pith_str *id = rel_id_attr(t);
        const opc_rel *rel = id ? opc_rel_by_id(&st->rels, id->p, id->n) : NULL;
        if (rel && rel->external && rel->target.n && !st->link_depth && st->npara) {
            pith_ev_link d = {rel->target};
            if ((r = ensure_para(st)) == PITH_OK) r = pith_emit_begin(doc, PITH_EV_LINK, &d);
            st->link_depth = t->depth;
        }
    } else if (W_IS("tbl")) {
        if ((r = block_inside(st)) != PITH_OK) return r;
        if (st->npara == 0 && (r = lists_close(st)) != PITH_OK) return r;
        st->ntbl++;
        r = pith_emit_begin(doc, PITH_EV_TABLE, NULL);
    } else if (W_IS("tr")) {
        r = pith_emit_begin(doc, PITH_EV_ROW, NULL);
    } else if (W_IS("tc")) {
        if (st->ncell >= TABLE_MAX) return warn_deep(st, t, "table cells");
        cell_frame *c = &st->cell[st->ncell++];
        memset(c, 0, sizeof *c);
        c->depth = t->depth;
        c->colspan = 1;
    } else if (W_IS("tcPr")) {
        if (st->ncell && st->cell[st->ncell - 1].depth + 1 == t->depth)
            st->cell[st->ncell - 1].in_tcpr = !(t->flags & PITH_XML_EMPTY);
    } else if (W_IS("txbxContent")) {
        if ((r = scope_push(st)) != PITH_OK) return warn_deep(st, t, "text boxes");
    } else if (W_IS("sectPr")) {
        /* the body's last section (a paragraph's own sectPr is read with its pPr) */
    } else if (W_IS("headerReference")) {
        r = note_hdrftr(st, t, false);
    } else if (W_IS("footerReference")) {
        r = note_hdrftr(st, t, true);
    } else if (W_IS("del") || W_IS("moveFrom") || W_IS("delText") ||
               W_IS("instrText") || W_IS("delInstrText") || W_IS("sdtPr") ||
               W_IS("sdtEndPr") || W_IS("tblPr") || W_IS("trPr") ||
               W_IS("tblGrid") || W_IS("rt") || W_IS("fldData") ||
               W_IS("background") || W_IS("footnotePr") || W_IS("endnotePr")) {
        st->skip_depth = t->depth;
    } else if (st->sec_kind != PITH_SECTION_BODY && st->sec_kind != PITH_SECTION_HEADER &&
               st->sec_kind != PITH_SECTION_FOOTER && t->depth == 2 &&
               (W_IS("footnote") || W_IS("endnote") || W_IS("comment"))) {
        const pith_str *ty = docx_attr(t, "type");
        if (ty && ty->n && !(ty->n == 6 && memcmp(ty->p, "normal", 6) == 0)) {
            st->skip_depth = t->depth; /* separators */
            return PITH_OK;
        }
        pith_ev_section s = {st->sec_kind};
        if ((r = pith_emit_begin(doc, PITH_EV_SECTION, &s)) != PITH_OK) return r;
        st->note_depth = t->depth;
        if ((r = scope_push(st)) != PITH_OK) return r;
    } else if (W_IS("altChunk")) {
        r = alt_chunk(st, t);
    }
    return r;
}

static pith_status on_end(docx_state *st, const pith_xml_token *t)
{
    pith_doc *doc = st->doc;
    pith_status r = PITH_OK;
    if (t->ns == DOCX_NS_MC) {
        if (local_is(t, "AlternateContent") && st->nac && st->ac[st->nac - 1].depth == t->depth)
            st->nac--;
        return PITH_OK;
    }
    if (local_is(t, "t") && t->ns == DOCX_NS_M) {
        st->in_t = false;
        return PITH_OK;
    }
    if (!docx_is_w(t)) return PITH_OK;
    para_frame *p = st->npara ? &st->para[st->npara - 1] : NULL;
    if (p && p->in_ppr) {
        if (W_IS("pPr") && p->depth + 1 == t->depth) p->in_ppr = false;
        return PITH_OK;
    }
    if (st->in_rpr) {
        if (W_IS("rPr")) st->in_rpr = false;
        return PITH_OK;
    }
    if (st->ncell && st->cell[st->ncell - 1].in_tcpr) {
        if (W_IS("tcPr")) st->cell[st->ncell - 1].in_tcpr = false;
        return PITH_OK;
    }
    if (W_IS("p")) {
        if (p && p->depth == t->depth) r = para_end(st);
    } else if (W_IS("r")) {
        st->in_run = false;
        st->flags = 0;
        st->vanish = false;
    } else if (W_IS("t")) {
        st->in_t = false;
    } else if (W_IS("hyperlink")) {
        if (st->link_depth == t->depth) {
            st->link_depth = 0;
            r = pith_emit_end(doc, PITH_EV_LINK);
        }
    } else if (W_IS("tc")) {
        if (st->ncell && st->cell[st->ncell - 1].depth == t->depth) {
            cell_frame *c = &st->cell[--st->ncell];
            if (!c->began) {
                pith_ev_cell d = {c->colspan, 0};
                if ((r = pith_emit_begin(doc, PITH_EV_CELL, &d)) == PITH_OK)
                    r = pith_emit_end(doc, PITH_EV_CELL);
            } else {
                if ((r = scope_pop(st)) == PITH_OK) r = pith_emit_end(doc, PITH_EV_CELL);
            }
        }
    } else if (W_IS("tr")) {
        r = pith_emit_end(doc, PITH_EV_ROW);
    } else if (W_IS("tbl")) {
        if (st->ntbl) {
            st->ntbl--;
            r = pith_emit_end(doc, PITH_EV_TABLE);
        }
    } else if (W_IS("txbxContent")) {
        r = scope_pop(st);
    } else if (st->note_depth == t->depth) {
        st->note_depth = 0;
        if ((r = scope_pop(st)) == PITH_OK) r = pith_emit_end(doc, PITH_EV_SECTION);
    }
    return r;
}

static pith_status on_text(docx_state *st, const pith_xml_token *t)
{
    if (!st->in_t) return PITH_OK;
    return put_text(st, t->text.p, t->text.n);
}

/* MARK: - Parts */

static void reset_elements(docx_state *st)
{
    st->skip_depth = 0;
    st->npara = st->ncell = st->nlist = st->nscope = st->nac = 0;
    st->field_depth = st->field_instr = 0;
    st->link_depth = st->note_depth = 0;
    st->in_run = st->in_rpr = st->in_t = st->vanish = false;
    st->flags = 0;
    st->ntbl = 0;
}

/* The part of the current phase, or false when the phase has nothing (more) to read. */
static bool phase_part(docx_state *st, pith_str *name, pith_section_kind *kind)
{
    switch (st->ph) {
    case PH_BODY:
        *name = st->main;
        *kind = PITH_SECTION_BODY;
        return true;
    case PH_HDRFTR:
        if (st->hf_index >= st->nhf) return false;
        *name = st->hf[st->hf_index].name;
        *kind = st->hf[st->hf_index].footer ? PITH_SECTION_FOOTER : PITH_SECTION_HEADER;
        return true;
    case PH_FOOTNOTES:
    case PH_ENDNOTES:
    case PH_COMMENTS:
        *name = st->notes_part[st->ph - PH_FOOTNOTES];
        *kind = st->ph == PH_FOOTNOTES ? PITH_SECTION_FOOTNOTE
              : st->ph == PH_ENDNOTES ? PITH_SECTION_ENDNOTE : PITH_SECTION_COMMENT;
        return name->n > 0;
    default:
        return false;
    }
}

static void next_part(docx_state *st)
{
    if (st->ph == PH_HDRFTR && ++st->hf_index < st->nhf) return;
    st->ph++;
}

static pith_status open_part(docx_state *st, pith_str name, pith_section_kind kind)
{
    pith_doc *doc = st->doc;
    pith_arena *da = pith_doc_arena(doc);
    reset_elements(st);
    st->sec_kind = kind;
    pith_status r;
    if (kind == PITH_SECTION_BODY) {
        st->rels = st->main_rels;
    } else if ((r = opc_rels_load(&st->pkg, name.p, name.n, da, &st->rels)) != PITH_OK) {
        return r;
    }
    r = opc_xml(&st->pkg, name.p, name.n, da, &st->x);
    if (r != PITH_OK) return pith_doc_status(doc) != PITH_OK ? pith_doc_status(doc) : r;
    st->part_open = true;
    if (kind == PITH_SECTION_HEADER || kind == PITH_SECTION_FOOTER) {
        pith_ev_section s = {kind};
        if ((r = pith_emit_begin(doc, PITH_EV_SECTION, &s)) != PITH_OK) return r;
    }
    return PITH_OK;
}

static pith_status close_part(docx_state *st)
{
    pith_doc *doc = st->doc;
    pith_status r = PITH_OK;
    /* close what a cut part left open, from the inside out */
    while (r == PITH_OK && st->npara) r = para_end(st);
    while (r == PITH_OK && st->nlist) r = list_pop(st);
    if (r == PITH_OK && st->link_depth) r = pith_emit_end(doc, PITH_EV_LINK);
    while (r == PITH_OK && st->ntbl) {
        st->ntbl--;
        r = pith_emit_end(doc, PITH_EV_TABLE);
    }
    if (r == PITH_OK && st->note_depth) r = pith_emit_end(doc, PITH_EV_SECTION);
    if (r == PITH_OK && (st->sec_kind == PITH_SECTION_HEADER || st->sec_kind == PITH_SECTION_FOOTER))
        r = pith_emit_end(doc, PITH_EV_SECTION);
    st->part_open = false;
    /* The part's bytes and tokenizer stay in the document arena: warnings recorded while it was
     * read live there too, so it cannot be rolled back. Parts are bounded by the decompression
     * budget. */
    reset_elements(st);
    return r;
}

static pith_status run_tokens(docx_state *st)
{
    pith_doc *doc = st->doc;
    pith_xml *x = &st->x;
    const uint8_t *start = x->p;
    pith_xml_token t;
    pith_status r = PITH_OK;
    for (;;) {
        if ((size_t)(x->p - start) >= DOCX_STEP) return PITH_MORE;
        pith_status xs = pith_xml_next(x, &t);
        if (xs != PITH_OK) {
            /* FORMAT/TRUNCATED were warned by the tokenizer: the part ends here */
            if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
            return PITH_OK;
        }
        if (t.kind == PITH_XML_EOF) return PITH_OK;
        if (st->skip_depth) {
            if (t.kind == PITH_XML_TEXT ? t.depth >= st->skip_depth : t.depth > st->skip_depth)
                continue;
            if (t.kind == PITH_XML_END && t.depth == st->skip_depth) st->skip_depth = 0;
            else continue;
        }
        switch (t.kind) {
        case PITH_XML_START: r = on_start(st, &t); break;
        case PITH_XML_END: r = on_end(st, &t); break;
        case PITH_XML_TEXT: r = on_text(st, &t); break;
        default: break;
        }
        if (r != PITH_OK) return r;
    }
}

/* MARK: - Handler */

static pith_str find_main(docx_state *st)
{
    static const char *const types[] = {"wordprocessingml.document.main+xml",
                                        "wordprocessingml.template.main+xml",
                                        "document.macroEnabled.main+xml",
                                        "template.macroEnabledTemplate.main+xml", NULL};
    const opc_rel *r = opc_main_part(&st->pkg);
    if (r) return r->target;
    for (const char *const *t = types; *t; t++) {
        pith_str s = opc_main_part_by_type(&st->pkg, *t);
        if (s.n) return s;
    }
    pith_str fallback = {"word/document.xml", 17};
    if (opc_has_part(&st->pkg, fallback.p, fallback.n)) return fallback;
    return (pith_str){"", 0};
}

static pith_str rel_part(docx_state *st, const char *suffix)
{
    const opc_rel *r = opc_rel_by_type(&st->main_rels, suffix);
    if (r && !r->external && opc_has_part(&st->pkg, r->target.p, r->target.n)) return r->target;
    return (pith_str){"", 0};
}

static pith_status docx_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    docx_state *st = pith_doc_calloc(doc, sizeof *st);
    if (!st) return pith_alloc_failed(doc, sizeof *st);
    st->doc = doc;
    pith_status r = opc_open(doc, &st->pkg, data, len);
    if (r != PITH_OK) return r;
    st->pkg.ns_known = docx_ns;
    st->pkg.ns_nknown = DOCX_NS_COUNT;
    st->main = find_main(st);
    if (!st->main.n)
        return pith_fail(doc, PITH_E_FORMAT, 0, "docx: no main document part (word/document.xml)");
    if ((r = opc_rels_load(&st->pkg, st->main.p, st->main.n, NULL, &st->main_rels)) != PITH_OK)
        return r;
    pith_str sp = rel_part(st, "/styles");
    if (sp.n && (r = docx_styles_load(&st->pkg, sp.p, sp.n, &st->styles)) != PITH_OK) return r;
    st->styles.def_para = sp.n ? st->styles.def_para : -1;
    pith_str np = rel_part(st, "/numbering");
    if (np.n && (r = docx_numbering_load(&st->pkg, np.p, np.n, &st->numbering)) != PITH_OK)
        return r;
    st->notes_part[0] = rel_part(st, "/footnotes");
    st->notes_part[1] = rel_part(st, "/endnotes");
    st->notes_part[2] = rel_part(st, "/comments");
    if ((r = opc_props_load(&st->pkg)) != PITH_OK) return r;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    *state = st;
    return PITH_OK;
}

static pith_status docx_unit(pith_doc *doc, void *state, uint32_t index)
{
    docx_state *st = state;
    (void)index;
    while (st->ph < PH_DONE) {
        pith_status r;
        if (!st->part_open) {
            pith_str name;
            pith_section_kind kind;
            if (!phase_part(st, &name, &kind)) {
                next_part(st);
                continue;
            }
            r = open_part(st, name, kind);
            if (r != PITH_OK) {
                if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
                if (st->ph == PH_BODY) /* no body: what else is there still comes out */
                    pith_warn(doc, r, 0, "docx: main part %.*s unreadable", (int)(name.n > 200 ? 200 : name.n), name.p);
                next_part(st);
                continue;
            }
        }
        r = run_tokens(st);
        if (r == PITH_MORE) return PITH_MORE;
        if (r != PITH_OK) return r;
        if ((r = close_part(st)) != PITH_OK) return r;
        next_part(st);
        return st->ph < PH_DONE ? PITH_MORE : PITH_OK;
    }
    return PITH_OK;
}

const pith_handler pith_handler_docx = {"docx", docx_open, docx_unit};
