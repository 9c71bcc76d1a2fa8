/* pptx.c: the PPTX handler (ECMA-376 Part 1 §19 PresentationML, §21 DrawingML text and tables).
 *
 * The main part comes from the package rels (officeDocument); slide order from its
 * p:sldIdLst through its rels. Each slide is one unit (PITH_UNIT_SLIDE). A slide's shape tree
 * is read as one stream of tokens, so shapes come in document order, grouped ones included,
 * with no stack of our own (the XML reader bounds the nesting by max_depth). Title
 * placeholders become headings; a body/object placeholder's paragraphs are list items unless
 * they say buNone (the layout's bullets, approximated without reading layouts); explicit
 * buChar/buAutoNum make items anywhere, nested by a:pPr lvl. Tables (gridSpan, hMerge,
 * vMerge), charts (titles, series names, the first series' categories), SmartArt (the drawing
 * part when there is one, else the data model) and speaker notes (the notes slide's body
 * placeholder, in a NOTES section after the slide's text). mc:AlternateContent: the first
 * Choice only. Hidden slides (show="0") are still extracted; they are listed in the
 * "hidden_slides" metadata at the end of the last unit. Left out: text inherited from layouts
 * and masters (prompt text, master footers), comments, math (a14:m), unit names: a slide's
 * title is only known from its part, which open does not read (naming would inflate and parse
 * every slide twice), and docProps/app.xml's TitlesOfParts is no substitute: it holds the
 * application's localized stand-ins for untitled slides ("PowerPoint Presentation", "Slide 1")
 * and goes stale when another tool edits the deck. Limits: slide ids count against max_objects; a part listed twice is
 * read once; chart, diagram and notes parts are followed one step from a slide, never further,
 * so cyclic rels cannot loop.
 */
#include <stdlib.h>
#include <string.h>

#include "opc.h"

/* List levels of DrawingML (a:pPr lvl 0..8). */
#define LVL_MAX 9u
/* AlternateContent blocks tracked at once; deeper ones take no branch at all. */
#define AC_MAX 64u
/* Longest hyperlink target kept. */
#define HREF_MAX 2048u

typedef struct pptx_slide {
    pith_str part; /* resolved part name; empty when its relationship is missing */
    pith_str rid;  /* r:id in presentation.xml, for messages */
} pptx_slide;

typedef struct pptx_state {
    opc o;
    pptx_slide *slides;
    uint32_t n;
    uint8_t *hidden; /* per slide: show="0" seen (filled as units run) */
    bool hidden_last; /* the slide part just read said show="0" */
} pptx_state;

typedef enum walk_mode {
    MODE_SLIDE = 0, /* a slide: placeholders decide headings and lists */
    MODE_NOTES,     /* a notes slide: only the body placeholder's paragraphs */
    MODE_TEXT,      /* a diagram part: every paragraph, plain */
    MODE_CHART,     /* a chart part: paragraphs plus series names and categories */
} walk_mode;

typedef enum shape_kind { SH_PLAIN = 0, SH_TITLE, SH_BODY, SH_OTHER_PH } shape_kind;
typedef enum bullet { BU_DEFAULT = 0, BU_NONE, BU_CHAR, BU_NUM } bullet;

typedef struct walker {
    pith_doc *doc;
    pptx_state *s;
    pith_str part;
    opc_rels rels;
    walk_mode mode;
    bool rels_loaded;
    bool emitted;        /* some content came out of this part */
    bool hidden;         /* p:sld show="0" */
    bool section_open;   /* NOTES section begun */

    shape_kind kind;     /* of the shape being read (its p:ph) */
    bool heading_open;
    uint32_t ldepth;     /* lists open in the current shape */
    bool lord[LVL_MAX];  /* ordered, per open list */

    bool in_p, p_open, p_para; /* in a:p; its block begun; that block is a PARAGRAPH */
    uint32_t lvl, start;
    bullet bu;

    bool in_run;
    uint32_t flags;
    uint32_t in_t;       /* open a:t (text is read only inside one) */
    pith_str href;
    bool link_open;

    uint32_t tables;     /* open a:tbl */
    uint32_t row;        /* rows begun in the innermost table */
    bool head_row;       /* its tblPr says firstRow */
    bool in_cell;
    uint32_t cell_paras;

    uint32_t ac_n;       /* open mc:AlternateContent */
    uint64_t ac_taken;   /* bit i: block i took a branch */

    uint32_t ser;        /* chart: c:ser begun */
    uint32_t in_tx, in_cat; /* chart: inside a series' c:tx / the first series' c:cat */
} walker;

/* MARK: - Small helpers */

#define str_eq(a, lit) OPC_IS(a, lit)
#define str_ends(a, lit) OPC_ENDS(a, lit)

static int str_cmp(pith_str a, pith_str b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    if (c) return c;
    return a.n < b.n ? -1 : a.n > b.n;
}

/* Statuses that end the whole document (the core's rule); the rest stay with one part. */
static bool doc_fatal(pith_status st)
{
    return st == PITH_E_LIMIT || st == PITH_E_NOMEM || st == PITH_E_ABORTED || st == PITH_E_ARG;
}

/* DrawingML main namespace, transitional or strict. */
static bool is_a_uri(const pith_xml_token *t)
{
    return str_ends(t->uri, "/drawingml/2006/main") || str_ends(t->uri, "/drawingml/main");
}
#define is_a(t, lit) (str_eq((t)->local, lit) && is_a_uri(t))

/* The value of an attribute in the relationships namespace (r:id, r:dm), transitional or
 * strict, or NULL. */
static const pith_str *rel_attr(const pith_xml_token *t, const char *local)
{
    size_t n = strlen(local);
    for (uint32_t i = 0; i < t->nattrs; i++) {
        const pith_xml_attr *a = &t->attrs[i];
        if (a->uri.n && a->local.n == n && opc_bytes_eq(a->local.p, local, n) &&
            str_ends(a->uri, "relationships"))
            return &a->value;
    }
    return NULL;
}

static const pith_str *attr(const pith_xml_token *t, const char *local)
{
    return pith_xml_attr_get(t, "", local);
}

static uint32_t attr_uint(const pith_xml_token *t, const char *local, uint32_t dflt, uint32_t max)
{
    const pith_str *v = attr(t, local);
    if (!v || !v->n) return dflt;
    uint64_t n = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (v->p[i] < '0' || v->p[i] > '9') return dflt;
        n = n * 10 + (uint64_t)(v->p[i] - '0');
        if (n > max) return max;
    }
    return (uint32_t)n;
}

static bool attr_true(const pith_xml_token *t, const char *local)
{
    const pith_str *v = attr(t, local);
    return v && (str_eq(*v, "1") || str_eq(*v, "true") || str_eq(*v, "on"));
}

static bool all_space(pith_str s)
{
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != '\n' && s.p[i] != '\r') return false;
    return true;
}

/* MARK: - Blocks */

static pith_status close_lists(walker *w)
{
    pith_status st;
    while (w->ldepth) {
        if ((st = pith_emit_end(w->doc, PITH_EV_LIST)) != PITH_OK) return st;
        w->ldepth--;
    }
    return PITH_OK;
}

/* The end of a shape (or of anything that is not its paragraphs): its heading and lists. */
static pith_status shape_flush(walker *w)
{
    pith_status st;
    if (w->link_open) {
        w->link_open = false;
        if ((st = pith_emit_end(w->doc, PITH_EV_LINK)) != PITH_OK) return st;
    }
    if (w->p_open && w->p_para) {
        w->p_open = false;
        if ((st = pith_emit_end(w->doc, PITH_EV_PARAGRAPH)) != PITH_OK) return st;
    }
    if (w->heading_open) {
        w->heading_open = false;
        if ((st = pith_emit_end(w->doc, PITH_EV_HEADING)) != PITH_OK) return st;
    }
    return close_lists(w);
}

/* Begin an item at level `lvl`: lists deeper than it end, a list of the other kind at its
 * level ends, missing levels open (an item holds the next level's list, as in HTML). */
static pith_status list_item(walker *w, uint32_t lvl, bool ordered, uint32_t start)
{
    pith_doc *doc = w->doc;
    pith_status st;
    while (w->ldepth > lvl + 1) {
        if ((st = pith_emit_end(doc, PITH_EV_LIST)) != PITH_OK) return st;
        w->ldepth--;
    }
    if (w->ldepth == lvl + 1) {
        if (w->lord[lvl] != ordered) {
            if ((st = pith_emit_end(doc, PITH_EV_LIST)) != PITH_OK) return st;
            w->ldepth--;
        } else if ((st = pith_emit_end(doc, PITH_EV_ITEM)) != PITH_OK) {
            return st;
        }
    }
    while (w->ldepth < lvl + 1) {
        bool o = w->ldepth == lvl ? ordered : false;
        pith_ev_list l = {.ordered = o ? 1u : 0u, .start = w->ldepth == lvl ? start : 1u};
        if ((st = pith_emit_begin(doc, PITH_EV_LIST, &l)) != PITH_OK) return st;
        w->lord[w->ldepth++] = o;
        pith_ev_item it = {.checked = -1};
        if (w->ldepth < lvl + 1 && (st = pith_emit_begin(doc, PITH_EV_ITEM, &it)) != PITH_OK)
            return st;
    }
    pith_ev_item it = {.checked = -1};
    return pith_emit_begin(doc, PITH_EV_ITEM, &it);
}

/* The paragraph has content: begin its block (lazily, so that empty paragraphs leave no
 * trace and a:pPr, which comes first, is known). */
static pith_status content_open(walker *w)
{
    pith_doc *doc = w->doc;
    pith_status st;
    if (w->p_open) return PITH_OK;
    w->p_open = true;
    w->p_para = false;
    w->emitted = true;
    if (w->mode == MODE_NOTES && !w->section_open) {
        pith_ev_section sec = {PITH_SECTION_NOTES};
        if ((st = pith_emit_begin(doc, PITH_EV_SECTION, &sec)) != PITH_OK) return st;
        w->section_open = true;
    }
    if (w->in_cell) {
        /* a cell's paragraphs are lines of the cell */
        if (w->cell_paras++ > 0) return pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
        return PITH_OK;
    }
    if (w->mode == MODE_SLIDE && w->kind == SH_TITLE) {
        if (w->heading_open) return pith_emit_text(doc, " ", 1, 0);
        if ((st = close_lists(w)) != PITH_OK) return st;
        pith_ev_heading h = {1};
        w->heading_open = true;
        return pith_emit_begin(doc, PITH_EV_HEADING, &h);
    }
    bool item = w->bu == BU_CHAR || w->bu == BU_NUM ||
                (w->bu == BU_DEFAULT && w->kind == SH_BODY && w->mode == MODE_SLIDE);
    if (item) return list_item(w, w->lvl, w->bu == BU_NUM, w->start);
    if ((st = close_lists(w)) != PITH_OK) return st;
    w->p_para = true;
    return pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
}

static void para_begin(walker *w)
{
    w->in_p = true;
    w->p_open = false;
    w->lvl = 0;
    w->start = 1;
    w->bu = BU_DEFAULT;
    w->flags = 0;
    w->href.n = 0;
}

static pith_status para_end(walker *w)
{
    pith_status st;
    w->in_p = false;
    if (w->link_open) {
        w->link_open = false;
        if ((st = pith_emit_end(w->doc, PITH_EV_LINK)) != PITH_OK) return st;
    }
    if (w->p_open && w->p_para) {
        w->p_open = false;
        return pith_emit_end(w->doc, PITH_EV_PARAGRAPH);
    }
    w->p_open = false; /* an item stays open for a deeper list; a heading for the next line */
    return PITH_OK;
}

/* Text of an a:t (or a chart value): into the paragraph, inside the run's link. */
static pith_status put_text(walker *w, pith_str s)
{
    pith_status st;
    if (!w->p_open && all_space(s)) return PITH_OK;
    if ((st = content_open(w)) != PITH_OK) return st;
    if (w->href.n && !w->link_open) {
        pith_ev_link l = {w->href};
        if ((st = pith_emit_begin(w->doc, PITH_EV_LINK, &l)) != PITH_OK) return st;
        w->link_open = true;
    }
    return pith_emit_text(w->doc, s.p, s.n, w->flags);
}

/* MARK: - Relationships of the part being read */

static const opc_rel *part_rel(walker *w, const pith_str *id)
{
    if (!id) return NULL;
    if (!w->rels_loaded) {
        w->rels_loaded = true;
        /* a broken rels part was a warning; an empty set then */
        if (opc_rels_load(&w->s->o, w->part.p, w->part.n, pith_scratch_arena(w->doc), &w->rels) !=
            PITH_OK)
            w->rels.n = 0;
    }
    return opc_rel_by_id(&w->rels, id->p, id->n);
}

static pith_status walk_part(pith_doc *doc, pptx_state *s, pith_str part, walk_mode mode,
                             walker *parent);

/* c:chart r:id: the chart part's text, then back to the slide. */
static pith_status follow_chart(walker *w, const pith_xml_token *t)
{
    const opc_rel *r = part_rel(w, rel_attr(t, "id"));
    pith_status st = shape_flush(w);
    if (st != PITH_OK || !r || r->external) return st;
    st = walk_part(w->doc, w->s, r->target, MODE_CHART, w);
    return doc_fatal(st) ? st : PITH_OK; /* a broken chart was a warning; the slide goes on */
}

/* The relId of a diagram data part's dsp:dataModelExt: the slide's relationship to the
 * drawing Office rendered from the data (what a viewer shows). Found by a scan of the bytes,
 * because it sits at the end of the data part. */
static pith_str drawing_rel_id(const uint8_t *d, size_t n)
{
    static const char key[] = "relId=\"";
    pith_str none = {NULL, 0};
    const size_t k = sizeof key - 1;
    for (size_t i = 0; i + k < n; i++) {
        if (d[i] != 'r' || memcmp(d + i, key, k) != 0) continue;
        size_t j = i + k;
        while (j < n && d[j] != '"' && j - (i + k) < 256) j++;
        if (j >= n || d[j] != '"') return none;
        pith_str r = {(const char *)d + i + k, j - (i + k)};
        return r;
    }
    return none;
}

/* dgm:relIds r:dm: the drawing part when the data part names one, else the data part. */
static pith_status follow_diagram(walker *w, const pith_xml_token *t)
{
    const opc_rel *r = part_rel(w, rel_attr(t, "dm"));
    pith_status st = shape_flush(w);
    if (st != PITH_OK || !r || r->external) return st;
    pith_str target = r->target;
    const uint8_t *d;
    size_t n;
    pith_arena *sa = pith_scratch_arena(w->doc);
    pith_arena_mark m = pith_arena_mark_get(sa);
    if (opc_part(&w->s->o, r->target.p, r->target.n, sa, &d, &n) == PITH_OK) {
        pith_str id = drawing_rel_id(d, n);
        const opc_rel *dr = id.n ? opc_rel_by_id(&w->rels, id.p, id.n) : NULL;
        if (dr && !dr->external && opc_has_part(&w->s->o, dr->target.p, dr->target.n))
            target = dr->target;
        st = pith_work(w->doc, n);
    }
    pith_arena_release(sa, m);
    if (st != PITH_OK) return st;
    if ((st = pith_doc_status(w->doc)) != PITH_OK && doc_fatal(st)) return st;
    st = walk_part(w->doc, w->s, target, MODE_TEXT, w);
    return doc_fatal(st) ? st : PITH_OK;
}

/* MARK: - Tokens */

static shape_kind ph_kind(const pith_xml_token *t)
{
    const pith_str *ty = attr(t, "type");
    /* no type: "obj" (ECMA-376 §19.7.10 ST_PlaceholderType default) */
    if (!ty || str_eq(*ty, "obj") || str_eq(*ty, "body")) return SH_BODY;
    if (str_eq(*ty, "title") || str_eq(*ty, "ctrTitle")) return SH_TITLE;
    if (str_eq(*ty, "subTitle")) return SH_PLAIN;
    return SH_OTHER_PH;
}

static pith_status on_start(walker *w, pith_xml *x, const pith_xml_token *t)
{
    pith_doc *doc = w->doc;
    pith_status st;
    pith_str l = t->local;

    /* markup compatibility: the first Choice of each block, nothing else */
    if (str_eq(l, "AlternateContent")) {
        if (w->ac_n < AC_MAX) w->ac_taken &= ~((uint64_t)1 << w->ac_n);
        w->ac_n++;
        return PITH_OK;
    }
    if (str_eq(l, "Choice") || str_eq(l, "Fallback")) {
        if (w->ac_n == 0) return PITH_OK; /* not inside a block: ordinary content */
        uint32_t i = w->ac_n - 1;
        if (i >= AC_MAX || (w->ac_taken >> i & 1u) || str_eq(l, "Fallback"))
            return pith_xml_skip(x, t);
        w->ac_taken |= (uint64_t)1 << i;
        return PITH_OK;
    }

    if (w->mode == MODE_SLIDE || w->mode == MODE_NOTES) {
        if (str_eq(l, "sld") && t->depth == 1) {
            const pith_str *show = attr(t, "show");
            w->hidden = show && (str_eq(*show, "0") || str_eq(*show, "false"));
            return PITH_OK;
        }
        if (str_eq(l, "sp") || str_eq(l, "graphicFrame") || str_eq(l, "cxnSp") ||
            str_eq(l, "pic") || str_eq(l, "grpSp")) {
            if ((st = shape_flush(w)) != PITH_OK) return st;
            w->kind = SH_PLAIN;
            return PITH_OK;
        }
        if (str_eq(l, "ph")) {
            w->kind = ph_kind(t);
            return PITH_OK;
        }
        if (w->mode == MODE_SLIDE && str_eq(l, "chart") && rel_attr(t, "id"))
            return follow_chart(w, t);
        if (w->mode == MODE_SLIDE && str_eq(l, "relIds") && rel_attr(t, "dm"))
            return follow_diagram(w, t);
    }

    if (w->mode == MODE_CHART) {
        if (str_eq(l, "ser")) {
            w->ser++;
            return PITH_OK;
        }
        if (str_eq(l, "tx") && w->ser) w->in_tx++;
        if (str_eq(l, "cat") && w->ser == 1) w->in_cat++;
        if ((str_eq(l, "val") || str_eq(l, "yVal") || str_eq(l, "xVal") ||
             str_eq(l, "bubbleSize")) && !w->in_tx)
            return pith_xml_skip(x, t); /* numbers: shown by a viewer as axis ticks, not text */
        if (str_eq(l, "v") && (w->in_tx || w->in_cat)) {
            /* a cached string: a paragraph of its own */
            if (w->in_p && (st = para_end(w)) != PITH_OK) return st;
            para_begin(w);
            w->in_t++;
            return PITH_OK;
        }
    }

    /* tables */
    if (is_a(t, "tbl")) {
        if ((st = shape_flush(w)) != PITH_OK) return st;
        w->tables++;
        w->row = 0;
        w->head_row = false;
        w->in_cell = false;
        return pith_emit_begin(doc, PITH_EV_TABLE, NULL);
    }
    if (w->tables) {
        if (is_a(t, "tblPr")) {
            w->head_row = attr_true(t, "firstRow");
            return PITH_OK;
        }
        if (is_a(t, "tr")) {
            w->row++;
            return pith_emit_begin(doc, PITH_EV_ROW, NULL);
        }
        if (is_a(t, "tc")) {
            if (attr_true(t, "hMerge")) return pith_xml_skip(x, t); /* inside a gridSpan */
            pith_ev_cell c = {attr_uint(t, "gridSpan", 1, 1000), w->row == 1 && w->head_row};
            if (c.colspan == 0) c.colspan = 1;
            if ((st = pith_emit_begin(doc, PITH_EV_CELL, &c)) != PITH_OK) return st;
            if (attr_true(t, "vMerge")) {
                /* covered by the rowSpan above: an empty cell keeps the grid */
                if ((st = pith_emit_end(doc, PITH_EV_CELL)) != PITH_OK) return st;
                return pith_xml_skip(x, t);
            }
            w->in_cell = true;
            w->cell_paras = 0;
            return PITH_OK;
        }
    }

    /* text */
    if (is_a(t, "p")) {
        if (w->mode == MODE_NOTES && w->kind != SH_BODY) return pith_xml_skip(x, t);
        if (w->in_p && (st = para_end(w)) != PITH_OK) return st;
        para_begin(w);
        return PITH_OK;
    }
    if (!w->in_p) return PITH_OK;
    if (is_a(t, "pPr")) {
        w->lvl = attr_uint(t, "lvl", 0, LVL_MAX - 1);
    } else if (is_a(t, "buNone")) {
        w->bu = BU_NONE;
    } else if (is_a(t, "buChar") || is_a(t, "buBlip")) {
        w->bu = BU_CHAR;
    } else if (is_a(t, "buAutoNum")) {
        w->bu = BU_NUM;
        w->start = attr_uint(t, "startAt", 1, 32767);
    } else if (is_a(t, "r") || is_a(t, "fld")) {
        w->in_run = true;
        w->flags = 0;
        w->href.n = 0;
    } else if (is_a(t, "rPr") && w->in_run) {
        if (attr_true(t, "b")) w->flags |= PITH_TEXT_STRONG;
        if (attr_true(t, "i")) w->flags |= PITH_TEXT_EMPH;
        const pith_str *sk = attr(t, "strike");
        if (sk && !str_eq(*sk, "noStrike")) w->flags |= PITH_TEXT_STRIKE;
    } else if (is_a(t, "hlinkClick") && w->in_run) {
        const opc_rel *r = part_rel(w, rel_attr(t, "id"));
        if (r && r->external && r->target.n && r->target.n <= HREF_MAX) {
            char *h = pith_scratch_alloc(doc, r->target.n);
            if (!h) return pith_alloc_failed(doc, r->target.n);
            memcpy(h, r->target.p, r->target.n);
            w->href.p = h;
            w->href.n = r->target.n;
        }
    } else if (is_a(t, "t")) {
        w->in_t++;
    } else if (is_a(t, "br")) {
        if ((st = content_open(w)) != PITH_OK) return st;
        return pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
    }
    return PITH_OK;
}

static pith_status on_end(walker *w, const pith_xml_token *t)
{
    pith_doc *doc = w->doc;
    pith_status st;
    pith_str l = t->local;
    if (str_eq(l, "AlternateContent")) {
        if (w->ac_n) w->ac_n--;
        return PITH_OK;
    }
    if (w->mode == MODE_CHART) {
        if (str_eq(l, "v") && w->in_t) {
            w->in_t--;
            return para_end(w);
        }
        if (str_eq(l, "tx") && w->in_tx) w->in_tx--;
        if (str_eq(l, "cat") && w->in_cat) w->in_cat--;
    }
    if (is_a(t, "t")) {
        if (w->in_t) w->in_t--;
    } else if (is_a(t, "r") || is_a(t, "fld")) {
        w->in_run = false;
        w->href.n = 0;
        if (w->link_open) {
            w->link_open = false;
            return pith_emit_end(doc, PITH_EV_LINK);
        }
    } else if (is_a(t, "p")) {
        if (w->in_p) return para_end(w);
    } else if (w->tables && is_a(t, "tc")) {
        if (w->in_p && (st = para_end(w)) != PITH_OK) return st;
        w->in_cell = false;
        return pith_emit_end(doc, PITH_EV_CELL);
    } else if (w->tables && is_a(t, "tr")) {
        return pith_emit_end(doc, PITH_EV_ROW);
    } else if (is_a(t, "tbl") && w->tables) {
        w->tables--;
        w->in_cell = false;
        return pith_emit_end(doc, PITH_EV_TABLE);
    } else if (str_eq(l, "sp") || str_eq(l, "graphicFrame") || str_eq(l, "txBody")) {
        if (w->in_p && (st = para_end(w)) != PITH_OK) return st;
        return shape_flush(w);
    }
    return PITH_OK;
}

/* Read one part's tokens into events. Damage to the part is a warning (the reader's); what
 * came before it stays. Returns a fatal status, or the part's own failure when nothing at all
 * came out of it. */
static pith_status walk_part(pith_doc *doc, pptx_state *s, pith_str part, walk_mode mode,
                             walker *parent)
{
    walker *w = pith_scratch_alloc(doc, sizeof *w);
    if (!w) return pith_alloc_failed(doc, sizeof *w);
    memset(w, 0, sizeof *w);
    w->doc = doc;
    w->s = s;
    w->part = part;
    w->mode = mode;
    pith_xml x;
    pith_status st = opc_xml(&s->o, part.p, part.n, NULL, &x);
    if (st == PITH_OK) {
        pith_xml_token t;
        while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
            /* an empty element (<a:tc/>) gives its END next: START and END pair up as usual */
            if (t.kind == PITH_XML_START) {
                st = on_start(w, &x, &t);
            } else if (t.kind == PITH_XML_END) {
                st = on_end(w, &t);
            } else if (t.kind == PITH_XML_TEXT && w->in_t && w->in_p) {
                st = put_text(w, t.text);
            }
            if (st != PITH_OK) break;
        }
    }
    pith_status fin = PITH_OK;
    if (!doc_fatal(st) && !doc_fatal(pith_doc_status(doc))) {
        if (w->in_p) fin = para_end(w);
        if (fin == PITH_OK) fin = shape_flush(w);
        while (fin == PITH_OK && w->tables) {
            w->tables--;
            fin = pith_emit_end(doc, PITH_EV_TABLE);
        }
        if (fin == PITH_OK && w->section_open) fin = pith_emit_end(doc, PITH_EV_SECTION);
    }
    if (parent) parent->emitted |= w->emitted;
    if (mode == MODE_SLIDE) s->hidden_last = w->hidden;
    if (fin != PITH_OK) return fin;
    if (doc_fatal(st)) return st;
    if (st != PITH_OK) {
        pith_status rec = pith_doc_status(doc);
        if (rec != PITH_OK) return rec;
        return w->emitted ? PITH_OK : st;
    }
    return PITH_OK;
}

/* MARK: - Presentation */

static int rel_cmp(const void *a, const void *b)
{
    const opc_rel *x = *(const opc_rel *const *)a, *y = *(const opc_rel *const *)b;
    int c = str_cmp(x->id, y->id);
    if (c) return c;
    return x < y ? -1 : x > y; /* the first of equal ids wins */
}

static const opc_rel *rel_find(const opc_rel **sorted, uint32_t n, pith_str id)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (str_cmp(sorted[mid]->id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && str_cmp(sorted[lo]->id, id) == 0 ? sorted[lo] : NULL;
}

/* The number a slide part's name ends with ("slide12.xml" → 12), for the fallback order. */
static uint64_t name_number(pith_str s)
{
    size_t e = s.n;
    while (e && s.p[e - 1] != '.') e--;
    if (e) e--;
    size_t b = e;
    while (b && s.p[b - 1] >= '0' && s.p[b - 1] <= '9' && e - b < 9) b--;
    uint64_t v = 0;
    for (size_t i = b; i < e; i++) v = v * 10 + (uint64_t)(s.p[i] - '0');
    return v;
}

static int fallback_cmp(const void *a, const void *b)
{
    const opc_rel *x = *(const opc_rel *const *)a, *y = *(const opc_rel *const *)b;
    uint64_t p = name_number(x->target), q = name_number(y->target);
    if (p != q) return p < q ? -1 : 1;
    return str_cmp(x->target, y->target);
}

static pith_str main_part(pptx_state *s)
{
    static const char *const types[] = {
        "presentationml.presentation.main+xml",      "presentationml.slideshow.main+xml",
        "presentationml.template.main+xml",          "presentation.macroEnabled.main+xml",
        "slideshow.macroEnabled.main+xml",           "template.macroEnabled.main+xml",
    };
    const opc_rel *r = opc_main_part(&s->o);
    if (r) return r->target;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        pith_str m = opc_main_part_by_type(&s->o, types[i]);
        if (m.n) return m;
    }
    pith_str dflt = {"ppt/presentation.xml", 20};
    pith_str none = {"", 0};
    return opc_has_part(&s->o, dflt.p, dflt.n) ? dflt : none;
}

/* The r:ids of p:sldIdLst, in order, into scratch. *ok false when the part could not be read
 * as XML at all (then the caller falls back on the rels). */
static pith_status read_slide_ids(pith_doc *doc, pptx_state *s, pith_str main, pith_str **ids,
                                  uint32_t *n, bool *ok)
{
    pith_arena *sa = pith_scratch_arena(doc);
    uint32_t cap = 0;
    *ids = NULL;
    *n = 0;
    *ok = false;
    pith_xml x;
    pith_status st = opc_xml(&s->o, main.p, main.n, NULL, &x);
    if (st != PITH_OK) return doc_fatal(st) ? st : PITH_OK;
    bool in_list = false;
    pith_xml_token t;
    while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (str_eq(t.local, "sldIdLst")) {
            in_list = t.kind == PITH_XML_START && !(t.flags & PITH_XML_EMPTY);
            continue;
        }
        if (t.kind != PITH_XML_START || !in_list || !str_eq(t.local, "sldId")) continue;
        const pith_str *rid = rel_attr(&t, "id");
        if (!rid) continue;
        if ((st = pith_objects(doc, 1)) != PITH_OK) return st;
        if (*n == cap) {
            uint32_t nc = cap ? cap * 2 : 64;
            pith_str *g = pith_arena_alloc(sa, (size_t)nc * sizeof *g);
            if (!g) return pith_alloc_failed(doc, (size_t)nc * sizeof *g);
            if (*n) memcpy(g, *ids, (size_t)*n * sizeof *g);
            *ids = g;
            cap = nc;
        }
        char *c = pith_arena_alloc(sa, rid->n + 1);
        if (!c) return pith_alloc_failed(doc, rid->n + 1);
        memcpy(c, rid->p, rid->n);
        (*ids)[*n].p = c;
        (*ids)[(*n)++].n = rid->n;
    }
    if (doc_fatal(st)) return st;
    /* damage after some ids: keep them (the reader warned) */
    *ok = st == PITH_OK || *n > 0;
    return PITH_OK;
}

static pith_status add_slide(pith_doc *doc, pptx_state *s, uint8_t *taken, const opc_rel *r,
                             pith_str rid, uint32_t *dups)
{
    pptx_slide *sl = &s->slides[s->n];
    memset(sl, 0, sizeof *sl);
    if (r && !r->external) {
        const pith_zip_entry *e = pith_zip_find_entry_icase(&s->o.zip, r->target.p, r->target.n);
        if (e && taken[e->index]) {
            (*dups)++;
            return PITH_OK;
        }
        if (e) taken[e->index] = 1;
        sl->part = r->target;
    }
    char *c = pith_doc_alloc(doc, rid.n + 1);
    if (!c) return pith_alloc_failed(doc, rid.n + 1);
    if (rid.n) memcpy(c, rid.p, rid.n);
    sl->rid.p = c;
    sl->rid.n = rid.n;
    s->n++;
    return PITH_OK;
}

static pith_status pptx_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    pptx_state *s = pith_doc_calloc(doc, sizeof *s);
    if (!s) return pith_alloc_failed(doc, sizeof *s);
    pith_status st = opc_open(doc, &s->o, data, len);
    if (st != PITH_OK) return st;
    pith_str main = main_part(s);
    if (!main.n)
        return pith_fail(doc, PITH_E_FORMAT, 0,
                         "pptx: no presentation part (no officeDocument relationship, content "
                         "type or ppt/presentation.xml)");
    opc_rels prels;
    if ((st = opc_rels_load(&s->o, main.p, main.n, NULL, &prels)) != PITH_OK) return st;
    const opc_rel **sorted = pith_scratch_alloc(doc, ((size_t)prels.n + 1) * sizeof *sorted);
    if (!sorted) return pith_alloc_failed(doc, ((size_t)prels.n + 1) * sizeof *sorted);
    for (uint32_t i = 0; i < prels.n; i++) sorted[i] = &prels.rels[i];
    if (prels.n) qsort(sorted, prels.n, sizeof *sorted, rel_cmp);

    pith_str *ids;
    uint32_t nids;
    bool ok;
    if ((st = read_slide_ids(doc, s, main, &ids, &nids, &ok)) != PITH_OK) return st;
    uint32_t nslide_rels = 0;
    for (uint32_t i = 0; i < prels.n; i++)
        if (str_ends(prels.rels[i].type, "/slide")) nslide_rels++;
    uint32_t cap = ok ? nids : nslide_rels;
    if ((st = pith_work(doc, (uint64_t)cap * 32u + prels.n * 32u)) != PITH_OK) return st;
    s->slides = pith_doc_alloc(doc, ((size_t)cap + 1) * sizeof *s->slides);
    uint8_t *taken = pith_scratch_alloc(doc, (size_t)s->o.zip.count + 1);
    if (!s->slides || !taken) return pith_alloc_failed(doc, (size_t)cap * sizeof *s->slides);
    memset(taken, 0, (size_t)s->o.zip.count + 1);
    uint32_t dups = 0;
    if (ok) {
        for (uint32_t i = 0; i < nids; i++) {
            const opc_rel *r = rel_find(sorted, prels.n, ids[i]);
            if ((st = add_slide(doc, s, taken, r, ids[i], &dups)) != PITH_OK) return st;
        }
    } else {
        /* presentation.xml unreadable: the slide relationships in the order of their names */
        if ((st = pith_warn(doc, PITH_E_FORMAT, 0,
                            "pptx: slide list unreadable; %u slides taken in the order of their "
                            "part names",
                            nslide_rels)) != PITH_OK)
            return st;
        uint32_t k = 0;
        for (uint32_t i = 0; i < prels.n; i++)
            if (str_ends(prels.rels[i].type, "/slide")) sorted[k++] = &prels.rels[i];
        if (k) qsort(sorted, k, sizeof *sorted, fallback_cmp);
        for (uint32_t i = 0; i < k; i++)
            if ((st = add_slide(doc, s, taken, sorted[i], sorted[i]->id, &dups)) != PITH_OK)
                return st;
    }
    if (dups && (st = pith_warn(doc, PITH_E_FORMAT, 0,
                                "pptx: %u slide ids repeat a slide part already listed; read once",
                                dups)) != PITH_OK)
        return st;
    s->hidden = pith_doc_calloc(doc, (size_t)s->n + 1);
    if (!s->hidden) return pith_alloc_failed(doc, (size_t)s->n + 1);
    if ((st = opc_props_load(&s->o)) != PITH_OK) return st;
    char num[24];
    size_t nn = 0;
    uint32_t v = s->n;
    char rev[12];
    do {
        rev[nn++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < nn; i++) num[i] = rev[nn - 1 - i];
    if ((st = pith_doc_add_meta(doc, "slides", num, nn)) != PITH_OK) return st;
    pith_doc_set_units(doc, s->n, PITH_UNIT_SLIDE);
    *state = s;
    return PITH_OK;
}

/* MARK: - Slides */

/* After the last unit of the range: "hidden_slides" = the 1-based numbers of hidden slides. */
static pith_status hidden_meta(pith_doc *doc, pptx_state *s, uint32_t index)
{
    const pith_options *o = pith_doc_options(doc);
    uint32_t last = s->n - 1;
    if (o->unit_count && o->first_unit + o->unit_count - 1 < last)
        last = o->first_unit + o->unit_count - 1;
    if (index != last) return PITH_OK;
    uint32_t count = 0;
    for (uint32_t i = 0; i < s->n; i++) count += s->hidden[i];
    if (!count) return PITH_OK;
    size_t cap = (size_t)count * 11u + 1u;
    char *b = pith_scratch_alloc(doc, cap);
    if (!b) return pith_alloc_failed(doc, cap);
    size_t n = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        if (!s->hidden[i]) continue;
        if (n) b[n++] = ',';
        char rev[12];
        size_t k = 0;
        uint32_t v = i + 1;
        do {
            rev[k++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        while (k) b[n++] = rev[--k];
    }
    return pith_doc_add_meta(doc, "hidden_slides", b, n);
}

static pith_status pptx_unit(pith_doc *doc, void *state, uint32_t index)
{
    pptx_state *s = state;
    if (index >= s->n) return PITH_OK;
    const pptx_slide *sl = &s->slides[index];
    pith_status st, meta;
    if (!sl->part.n) {
        meta = hidden_meta(doc, s, index);
        if (meta != PITH_OK) return meta;
        return pith_fail(doc, PITH_E_FORMAT, 0,
                         "pptx: slide %u: relationship %.*s is not in the presentation's rels",
                         index + 1, (int)(sl->rid.n > 100 ? 100 : sl->rid.n), sl->rid.p);
    }
    s->hidden_last = false;
    st = walk_part(doc, s, sl->part, MODE_SLIDE, NULL);
    if (doc_fatal(st)) return st;
    s->hidden[index] = s->hidden_last;
    /* speaker notes, after the slide's own text */
    opc_rels rels;
    pith_status r = opc_rels_load(&s->o, sl->part.p, sl->part.n, pith_scratch_arena(doc), &rels);
    if (doc_fatal(r)) return r;
    const opc_rel *nr = r == PITH_OK ? opc_rel_by_type(&rels, "/notesSlide") : NULL;
    if (nr && !nr->external) {
        r = walk_part(doc, s, nr->target, MODE_NOTES, NULL);
        if (doc_fatal(r)) return r;
    }
    if ((meta = hidden_meta(doc, s, index)) != PITH_OK) return meta;
    if (st != PITH_OK) {
        /* nothing came out of the slide: the reader's warning says why; the unit is lost */
        return pith_fail(doc, st, 0, "pptx: slide %u (%.*s) unreadable", index + 1,
                         (int)(sl->part.n > 200 ? 200 : sl->part.n), sl->part.p);
    }
    return PITH_OK;
}

const pith_handler pith_handler_pptx = {"pptx", pptx_open, pptx_unit};
