/* odf_body.c: the content.xml walker of the OpenDocument handler (ODF 1.2 Part 1 §5 text, §9
 * tables, §10 drawing, §6.1.2 white space).
 *
 * A token-driven state machine, no recursion: each element's START pushes a frame (indexed by
 * its XML depth) saying what its END must close, so the walker can stop after ODF_STEP bytes
 * and resume at the next unit step (its state, the tokenizer's included, lives in the document
 * arena). Three ways out for text:
 *   - blocks: text:p/text:h/lists/tables become events;
 *   - inline: a block inside a paragraph (a frame anchored in it) is flattened into line
 *     breaks, so paragraphs never nest;
 *   - cell: a table cell's content is collected as plain text, because a row is only known to
 *     be empty (and its repeats worth expanding) at its end. Rows are buffered, trailing empty
 *     rows and cells are dropped, empty runs before content and repeated content are expanded
 *     up to ODF_MAX_EXPAND cells per table (a 10^9 repeat costs nothing), columns past
 *     ODF_MAX_COLS are dropped with a warning.
 * Tracked changes (the deleted text), annotations, forms, shapes' geometry and index
 * templates are skipped; ODT notes leave their citation in the text and their body to the
 * notes pass (mode ODF_WALK_NOTES). Limits: depth (the tokenizer's max_depth), work (bytes and
 * emitted cells), the expansion and column caps.
 */
#include <string.h>

#include "odf.h"

/* Input bytes tokenized per step: bounds one step's output without making steps costly. */
#define ODF_STEP ((size_t)256 * 1024)
/* Cells a table may gain from repeats (empty runs before content, repeated cells and rows):
 * a whole LibreOffice sheet row is 16384 columns; a million covers real sheets. */
#define ODF_MAX_EXPAND ((uint64_t)1 << 20)
/* Columns of a row that are kept (LibreOffice's widest sheet). */
#define ODF_MAX_COLS 16384u

/* What an element's END does. */
enum {
    A_NONE = 0, A_PARA, A_HEAD, A_INLINE, A_LINK, A_LIST, A_ITEM, A_FLAT_LIST, A_FLAT_ITEM,
    A_TABLE, A_ROW, A_CELL, A_FLAT_TABLE, A_FLAT_ROW, A_FLAT_CELL, A_SECTION, A_NOTE_BODY,
    A_TITLE, A_PAGE, A_TEXT_ROOT
};

typedef struct odf_frame {
    uint8_t act;
    uint8_t began;                    /* A_LIST: its LIST event was emitted */
    uint8_t sheet;                    /* A_TABLE: the sheet of an ODS unit */
    uint8_t restore;                  /* the END restores `flags` */
    uint32_t flags;                   /* text flags in force before the element */
    uint32_t level;                   /* A_LIST: the nesting level before it */
    const odf_list_style *ls;         /* A_LIST: the style in force before it */
} odf_frame;

typedef struct odf_cellrec {
    size_t off, len;                  /* text in w->row */
    uint32_t col, span, repeat;
} odf_cellrec;

struct odf_walk {
    odf *o;
    pith_doc *doc;
    int mode;
    pith_xml x;
    bool ready, done, broken;
    odf_frame *fr;
    uint32_t fr_cap;
    odf_buf tmp;                      /* white space collapsing of one text token */

    /* units (ODS sheets, ODP pages) */
    uint32_t container_depth;         /* depth of office:spreadsheet/presentation/text */
    uint32_t next_index;              /* index of the next sheet/page to be met */
    uint32_t target;                  /* the unit asked for */
    bool in_unit, unit_done;
    pith_str master;                  /* ODP page: its master page's name (copied) */
    bool show_footer;                 /* its drawing-page style shows the footer */

    /* text flow */
    uint32_t inp;                     /* open p/h */
    uint32_t inl;                     /* direct mode: open p/h (1 = the outer block) */
    bool any;                         /* output since the outer block (or cell) began */
    char sep;                         /* separator owed before the next output: ' ', '\n' */
    bool at_start, pend_sp;           /* white space collapsing */
    uint32_t title;                   /* inside a presentation title frame */
    uint32_t flags;                   /* PITH_TEXT_* of the spans open */
    uint32_t list_level;
    const odf_list_style *list_style;
    int pend_section;                 /* -1 or a section kind waiting for content */
    bool in_note;                     /* notes mode: inside a note body */
    pith_section_kind note_kind;

    /* the live table (only the outermost one at block level; nested ones are flattened) */
    bool in_table;
    uint32_t cell_depth;              /* >0: inside a live cell (cell mode) */
    bool table_begun, capped, cols_warned;
    uint64_t pend_rows, expanded;
    uint32_t row_repeat, col;
    odf_buf row;                      /* the texts of the row's cells */
    odf_cellrec *cells;
    uint32_t ncells, cells_cap;
    size_t cell_off;
    uint32_t cell_span, cell_repeat;
    odf_buf fb;                       /* the cell's office:*-value, used when it has no text */
};

/* MARK: - Shared helpers */

int odf_ns(pith_str u)
{
    static const char pre[] = "urn:oasis:names:tc:opendocument:xmlns:";
    size_t pn = sizeof pre - 1;
    if (u.n > pn && memcmp(u.p, pre, pn) == 0) {
        pith_str r = {u.p + pn, u.n - pn};
        if (odf_eq(r, "office:1.0")) return ODF_NS_OFFICE;
        if (odf_eq(r, "text:1.0")) return ODF_NS_TEXT;
        if (odf_eq(r, "table:1.0")) return ODF_NS_TABLE;
        if (odf_eq(r, "drawing:1.0")) return ODF_NS_DRAW;
        if (odf_eq(r, "presentation:1.0")) return ODF_NS_PRES;
        if (odf_eq(r, "style:1.0")) return ODF_NS_STYLE;
        if (odf_eq(r, "meta:1.0")) return ODF_NS_META;
        if (odf_eq(r, "svg-compatible:1.0")) return ODF_NS_SVG;
        if (odf_eq(r, "manifest:1.0")) return ODF_NS_MANIFEST;
        return ODF_NS_OTHER;
    }
    if (odf_eq(u, ODF_URI_XLINK)) return ODF_NS_XLINK;
    if (odf_eq(u, ODF_URI_DC)) return ODF_NS_DC;
    return ODF_NS_OTHER;
}

const pith_str *odf_attr(const pith_xml_token *t, int ns, const char *local)
{
    size_t n = strlen(local);
    for (uint32_t i = 0; i < t->nattrs; i++) {
        const pith_xml_attr *a = &t->attrs[i];
        if (odf_eq_n(a->local, local, n) && odf_ns(a->uri) == ns) return &a->value;
    }
    return NULL;
}

uint32_t odf_attr_u32(const pith_xml_token *t, int ns, const char *local, uint32_t dflt)
{
    const pith_str *v = odf_attr(t, ns, local);
    if (!v) return dflt;
    size_t i = 0;
    while (i < v->n && v->p[i] == ' ') i++;
    if (i >= v->n || v->p[i] < '0' || v->p[i] > '9') return dflt;
    uint64_t n = 0;
    for (; i < v->n && v->p[i] >= '0' && v->p[i] <= '9'; i++) {
        n = n * 10 + (uint64_t)(v->p[i] - '0');
        if (n > UINT32_MAX) return UINT32_MAX;
    }
    return (uint32_t)n;
}

pith_status odf_buf_put(pith_doc *doc, odf_buf *b, const char *s, size_t n)
{
    if (n > b->cap - b->n) {
        size_t need, cap = b->cap ? b->cap : 256;
        if (!pith_size_add(b->n, n, &need)) return pith_fail(doc, PITH_E_LIMIT, 0, "odf: text too large");
        while (cap < need) {
            if (cap > SIZE_MAX / 2) return pith_fail(doc, PITH_E_LIMIT, 0, "odf: text too large");
            cap *= 2;
        }
        char *p = pith_doc_alloc(doc, cap);
        if (!p) return pith_alloc_failed(doc, cap);
        if (b->n) memcpy(p, b->p, b->n);
        b->p = p;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    return PITH_OK;
}

const odf_list_style *odf_list_find(const odf *o, pith_str name)
{
    for (uint32_t i = o->nlists; i-- > 0;)
        if (o->lists[i].name.n == name.n && memcmp(o->lists[i].name.p, name.p, name.n) == 0)
            return &o->lists[i];
    return NULL;
}

pith_status odf_emit_plain_section(pith_doc *doc, pith_section_kind kind, pith_str text)
{
    pith_ev_section s = {kind};
    pith_status st = pith_emit_begin(doc, PITH_EV_SECTION, &s);
    size_t i = 0;
    while (st == PITH_OK && i < text.n) {
        size_t j = i;
        while (j < text.n && text.p[j] != '\n') j++;
        if (j > i) st = pith_emit_block(doc, PITH_EV_PARAGRAPH, NULL, text.p + i, j - i);
        i = j + 1;
    }
    if (st == PITH_OK) st = pith_emit_end(doc, PITH_EV_SECTION);
    return st;
}

pith_str odf_walk_master(const odf_walk *w, bool *show_footer)
{
    *show_footer = w->show_footer;
    return w->master;
}

/* MARK: - Output */

static bool cell_mode(const odf_walk *w) { return w->cell_depth > 0; }

/* A section waiting for its first content begins now. */
static pith_status flush_pending(odf_walk *w)
{
    if (w->pend_section < 0) return PITH_OK;
    pith_ev_section s = {(pith_section_kind)w->pend_section};
    w->pend_section = -1;
    return pith_emit_begin(w->doc, PITH_EV_SECTION, &s);
}

static pith_status ev_begin(odf_walk *w, pith_ev ev, const void *detail)
{
    pith_status st = flush_pending(w);
    return st != PITH_OK ? st : pith_emit_begin(w->doc, ev, detail);
}

/* Bytes of text into the current destination, after the separator owed. */
static pith_status out(odf_walk *w, const char *s, size_t n)
{
    pith_status st;
    if (n == 0) return PITH_OK;
    if (w->sep && w->any) {
        if (cell_mode(w)) {
            if ((st = odf_buf_put(w->doc, &w->row, &w->sep, 1)) != PITH_OK) return st;
        } else if (w->sep == '\n') {
            if ((st = pith_emit_leaf(w->doc, PITH_EV_BREAK, NULL)) != PITH_OK) return st;
        } else {
            if ((st = pith_emit_text(w->doc, " ", 1, 0)) != PITH_OK) return st;
        }
    }
    w->sep = 0;
    w->any = true;
    if (cell_mode(w)) return odf_buf_put(w->doc, &w->row, s, n);
    if ((st = flush_pending(w)) != PITH_OK) return st;
    return pith_emit_text(w->doc, s, n, w->flags);
}

static void owe(odf_walk *w, char c)
{
    if (c == '\n' || !w->sep) w->sep = c;
}

/* Character data of a paragraph: runs of white space become one space, dropped at the start
 * of a line and at the end of a paragraph (ODF 1.2 §6.1.2). */
static pith_status text_token(odf_walk *w, pith_str t)
{
    pith_status st;
    w->tmp.n = 0;
    if (t.n + 1 > w->tmp.cap) {
        /* grow once to the token's size: the buffer is reused for every token */
        if ((st = odf_buf_put(w->doc, &w->tmp, t.p, t.n)) != PITH_OK) return st;
        w->tmp.n = 0;
        if ((st = odf_buf_put(w->doc, &w->tmp, " ", 1)) != PITH_OK) return st;
    }
    char *o = w->tmp.p;
    size_t k = 0;
    for (size_t i = 0; i < t.n; i++) {
        char c = t.p[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!w->at_start) w->pend_sp = true;
            continue;
        }
        if (w->pend_sp) o[k++] = ' ';
        w->pend_sp = false;
        w->at_start = false;
        o[k++] = c;
    }
    return out(w, o, k);
}

/* text:s, text:tab: explicit white space, kept as written. */
static pith_status explicit_ws(odf_walk *w, char c, uint32_t count)
{
    char sp[64];
    pith_status st = PITH_OK;
    if (w->inp == 0) return PITH_OK;  /* only paragraphs hold text */
    if (w->pend_sp) {
        w->pend_sp = false;
        if ((st = out(w, " ", 1)) != PITH_OK) return st;
    }
    w->at_start = false;
    memset(sp, c, sizeof sp);
    /* a hostile count is bounded by work: one unit per 64 spaces */
    if (count > 1u << 16) count = 1u << 16;
    while (st == PITH_OK && count > 0) {
        uint32_t k = count > sizeof sp ? (uint32_t)sizeof sp : count;
        if ((st = pith_work(w->doc, 1)) != PITH_OK) return st;
        st = out(w, sp, k);
        count -= k;
    }
    return st;
}

/* MARK: - Tables */

static pith_status table_expand(odf_walk *w, uint64_t n)
{
    if (w->capped) return PITH_E_LIMIT;
    if (n > ODF_MAX_EXPAND - w->expanded) {
        w->capped = true;
        pith_status st = pith_warn(w->doc, PITH_E_LIMIT, w->x.p ? (uint64_t)(w->x.p - w->x.base) : 0,
                                   "odf: table repeats past %llu cells, no longer expanded",
                                   (unsigned long long)ODF_MAX_EXPAND);
        return st != PITH_OK ? st : PITH_E_LIMIT;
    }
    w->expanded += n;
    return pith_work(w->doc, n);
}

static pith_status empty_cell(odf_walk *w)
{
    pith_ev_cell c = {1, 0};
    pith_status st = pith_emit_begin(w->doc, PITH_EV_CELL, &c);
    return st != PITH_OK ? st : pith_emit_end(w->doc, PITH_EV_CELL);
}

static pith_status emit_row_once(odf_walk *w)
{
    pith_status st = pith_emit_begin(w->doc, PITH_EV_ROW, NULL);
    uint32_t cursor = 0;
    for (uint32_t i = 0; st == PITH_OK && i < w->ncells; i++) {
        const odf_cellrec *r = &w->cells[i];
        if (r->col > cursor) {
            uint32_t gap = r->col - cursor;
            st = table_expand(w, gap);
            if (st == PITH_E_LIMIT && pith_doc_status(w->doc) == PITH_OK) {
                st = PITH_OK;
                gap = 0;
            }
            for (uint32_t k = 0; st == PITH_OK && k < gap; k++) st = empty_cell(w);
            if (st != PITH_OK) break;
        }
        uint32_t rep = r->repeat;
        if (rep > 1) {
            pith_status e = table_expand(w, rep - 1u);
            if (e == PITH_E_LIMIT && pith_doc_status(w->doc) == PITH_OK) rep = 1;
            else if (e != PITH_OK) return e;
        }
        /* a span shows as that many columns: it draws on the expansion budget too */
        uint32_t span = r->span ? r->span : 1;
        if (span > ODF_MAX_COLS) span = ODF_MAX_COLS;
        if (span > 1) {
            pith_status e = table_expand(w, (uint64_t)(span - 1u) * rep);
            if (e == PITH_E_LIMIT && pith_doc_status(w->doc) == PITH_OK) span = 1;
            else if (e != PITH_OK) return e;
        }
        for (uint32_t k = 0; st == PITH_OK && k < rep; k++) {
            pith_ev_cell c = {span, 0};
            if ((st = pith_emit_begin(w->doc, PITH_EV_CELL, &c)) != PITH_OK) break;
            if ((st = pith_emit_text(w->doc, w->row.p + r->off, r->len, 0)) != PITH_OK) break;
            st = pith_emit_end(w->doc, PITH_EV_CELL);
        }
        uint64_t next = (uint64_t)r->col + r->repeat - 1u + (r->span ? r->span : 1);
        cursor = next > UINT32_MAX ? UINT32_MAX : (uint32_t)next;
    }
    if (st == PITH_OK) st = pith_emit_end(w->doc, PITH_EV_ROW);
    return st;
}

/* A row ends: an empty one only adds to the run of empty rows (dropped if nothing follows). */
static pith_status row_end(odf_walk *w)
{
    pith_status st;
    uint32_t rep = w->row_repeat ? w->row_repeat : 1;
    if (w->ncells == 0) {
        w->pend_rows += rep;
        return PITH_OK;
    }
    if (!w->table_begun) {
        if ((st = ev_begin(w, PITH_EV_TABLE, NULL)) != PITH_OK) return st;
        w->table_begun = true;
    }
    if (w->pend_rows) {
        uint64_t n = w->pend_rows;
        w->pend_rows = 0;
        st = table_expand(w, n);
        if (st == PITH_OK) {
            for (uint64_t i = 0; st == PITH_OK && i < n; i++) {
                if ((st = pith_emit_begin(w->doc, PITH_EV_ROW, NULL)) == PITH_OK)
                    st = pith_emit_end(w->doc, PITH_EV_ROW);
            }
        } else if (pith_doc_status(w->doc) != PITH_OK) {
            return st;
        }
    }
    if (rep > 1) {
        uint64_t cost = (uint64_t)(rep - 1u) * (w->ncells ? w->ncells : 1);
        st = table_expand(w, cost);
        if (st != PITH_OK) {
            if (pith_doc_status(w->doc) != PITH_OK) return st;
            rep = 1;
        }
    }
    for (uint32_t i = 0; i < rep; i++)
        if ((st = emit_row_once(w)) != PITH_OK) return st;
    w->ncells = 0;
    w->row.n = 0;
    return PITH_OK;
}

static pith_status cell_start(odf_walk *w, const pith_xml_token *t)
{
    w->cell_depth = t->depth;
    w->cell_off = w->row.n;
    w->cell_repeat = odf_attr_u32(t, ODF_NS_TABLE, "number-columns-repeated", 1);
    if (w->cell_repeat == 0) w->cell_repeat = 1;
    w->cell_span = odf_attr_u32(t, ODF_NS_TABLE, "number-columns-spanned", 1);
    if (w->cell_span == 0) w->cell_span = 1;
    w->any = false;
    w->sep = 0;
    w->fb.n = 0;
    /* the value as stored, for a cell whose text is missing (ODF 1.2 §19.385-19.389) */
    static const char *const vals[] = {"value", "date-value", "time-value", "boolean-value",
                                       "string-value"};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        const pith_str *v = odf_attr(t, ODF_NS_OFFICE, vals[i]);
        if (v && v->n) return odf_buf_put(w->doc, &w->fb, v->p, v->n);
    }
    return PITH_OK;
}

static pith_status cell_end(odf_walk *w)
{
    pith_status st;
    w->cell_depth = 0;
    size_t len = w->row.n - w->cell_off;
    if (len == 0 && w->fb.n) {
        if ((st = odf_buf_put(w->doc, &w->row, w->fb.p, w->fb.n)) != PITH_OK) return st;
        len = w->fb.n;
    }
    uint32_t col = w->col;
    uint64_t next = (uint64_t)w->col + w->cell_repeat;
    w->col = next > UINT32_MAX ? UINT32_MAX : (uint32_t)next;
    if (len == 0) return PITH_OK;
    if (col >= ODF_MAX_COLS) {
        w->row.n = w->cell_off;
        if (w->cols_warned) return PITH_OK;
        w->cols_warned = true;
        return pith_warn(w->doc, PITH_E_LIMIT, (uint64_t)(w->x.p - w->x.base),
                         "odf: cell in column %u dropped (more than %u columns)", col + 1,
                         ODF_MAX_COLS);
    }
    if (w->ncells == w->cells_cap) {
        uint32_t cap = w->cells_cap ? w->cells_cap * 2 : 64;
        odf_cellrec *c = pith_doc_alloc(w->doc, (size_t)cap * sizeof *c);
        if (!c) return pith_alloc_failed(w->doc, (size_t)cap * sizeof *c);
        if (w->ncells) memcpy(c, w->cells, (size_t)w->ncells * sizeof *c);
        w->cells = c;
        w->cells_cap = cap;
    }
    uint32_t rep = w->cell_repeat;
    if ((uint64_t)col + rep > ODF_MAX_COLS) {
        rep = ODF_MAX_COLS - col;
        if (!w->cols_warned) {
            w->cols_warned = true;
            st = pith_warn(w->doc, PITH_E_LIMIT, (uint64_t)(w->x.p - w->x.base),
                           "odf: repeated cell cut at column %u (more than %u columns)", ODF_MAX_COLS,
                           ODF_MAX_COLS);
            if (st != PITH_OK) return st;
        }
    }
    odf_cellrec r = {w->cell_off, len, col, w->cell_span, rep};
    w->cells[w->ncells++] = r;
    return PITH_OK;
}

/* The live table ends (also when the input stops inside it): a row cut short still shows. */
static pith_status table_end(odf_walk *w, bool cut)
{
    pith_status st = PITH_OK;
    if (cut) {
        if (w->cell_depth && (st = cell_end(w)) != PITH_OK) return st;
        if (w->ncells && (st = row_end(w)) != PITH_OK) return st;
    }
    if (w->table_begun) st = pith_emit_end(w->doc, PITH_EV_TABLE);
    w->in_table = false;
    w->table_begun = false;
    w->cell_depth = 0;
    w->ncells = 0;
    w->row.n = 0;
    return st;
}

static void table_start(odf_walk *w)
{
    w->in_table = true;
    w->table_begun = false;
    w->capped = false;
    w->cols_warned = false;
    w->pend_rows = 0;
    w->expanded = 0;
    w->ncells = 0;
    w->row.n = 0;
}

/* MARK: - Elements */

/* Elements whose content is never text a reader sees. */
static bool skipped(const odf_walk *w, int ns, pith_str l)
{
    switch (ns) {
    case ODF_NS_OFFICE:
        return odf_eq(l, "automatic-styles") || odf_eq(l, "font-face-decls") ||
               odf_eq(l, "scripts") || odf_eq(l, "forms") || odf_eq(l, "event-listeners") ||
               odf_eq(l, "annotation") || odf_eq(l, "settings") || odf_eq(l, "styles") ||
               odf_eq(l, "master-styles") || odf_eq(l, "meta");
    case ODF_NS_TEXT:
        if (l.n > 7 && memcmp(l.p + l.n - 7, "-source", 7) == 0) return true;
        if (odf_eq(l, "note-body")) return w->mode == ODF_WALK_BODY;
        if (odf_eq(l, "note-citation")) return w->mode == ODF_WALK_NOTES;
        return odf_eq(l, "tracked-changes") || odf_eq(l, "sequence-decls") ||
               odf_eq(l, "variable-decls") || odf_eq(l, "user-field-decls") ||
               odf_eq(l, "dde-connection-decls") || odf_eq(l, "number") ||
               odf_eq(l, "ruby-text");
    case ODF_NS_TABLE:
        return odf_eq(l, "table-column") || odf_eq(l, "table-columns") ||
               odf_eq(l, "table-header-columns") || odf_eq(l, "table-column-group") ||
               odf_eq(l, "named-expressions") || odf_eq(l, "database-ranges") ||
               odf_eq(l, "calculation-settings") || odf_eq(l, "content-validations") ||
               odf_eq(l, "label-ranges") || odf_eq(l, "dde-links") ||
               odf_eq(l, "tracked-changes") || odf_eq(l, "table-source") ||
               odf_eq(l, "scenario") || odf_eq(l, "data-pilot-tables") ||
               odf_eq(l, "consolidation") || odf_eq(l, "named-range") ||
               (odf_eq(l, "shapes") && w->o->kind == ODF_KIND_SHEET);
    case ODF_NS_DRAW:
        return odf_eq(l, "enhanced-geometry") || odf_eq(l, "page-thumbnail") ||
               odf_eq(l, "object") || odf_eq(l, "object-ole") || odf_eq(l, "plugin") ||
               odf_eq(l, "applet") || odf_eq(l, "glue-point") || odf_eq(l, "image");
    case ODF_NS_SVG:
        return odf_eq(l, "title") || odf_eq(l, "desc");
    case ODF_NS_PRES:
        return odf_eq(l, "settings") || odf_eq(l, "header-decl") || odf_eq(l, "footer-decl") ||
               odf_eq(l, "date-time-decl") || odf_eq(l, "event-listener");
    default:
        return false;
    }
}

static pith_status para_start(odf_walk *w, odf_frame *f, bool heading, uint32_t level)
{
    pith_status st;
    w->inp++;
    if (cell_mode(w) || w->inl > 0) {
        owe(w, '\n');
        w->at_start = true;
        w->pend_sp = false;
        f->act = A_INLINE;
        if (!cell_mode(w)) w->inl++;
        return PITH_OK;
    }
    if (heading) {
        pith_ev_heading h = {level < 1 ? 1 : level > 6 ? 6 : level};
        f->act = A_HEAD;
        st = ev_begin(w, PITH_EV_HEADING, &h);
    } else {
        f->act = A_PARA;
        st = ev_begin(w, PITH_EV_PARAGRAPH, NULL);
    }
    w->inl = 1;
    w->any = false;
    w->sep = 0;
    w->at_start = true;
    w->pend_sp = false;
    return st;
}

static pith_status list_start(odf_walk *w, odf_frame *f, const pith_xml_token *t)
{
    if (cell_mode(w) || w->inl > 0) {
        f->act = A_FLAT_LIST;
        owe(w, '\n');
        return PITH_OK;
    }
    f->act = A_LIST;
    f->began = 0;
    f->ls = w->list_style;
    f->level = w->list_level;
    const pith_str *sn = odf_attr(t, ODF_NS_TEXT, "style-name");
    if (sn) {
        const odf_list_style *ls = odf_list_find(w->o, *sn);
        if (ls) w->list_style = ls;
    }
    w->list_level++;
    return PITH_OK;
}

static pith_status item_start(odf_walk *w, odf_frame *f, const pith_xml_token *t, odf_frame *parent)
{
    pith_status st;
    if (!parent || parent->act != A_LIST) {
        f->act = A_FLAT_ITEM;
        owe(w, '\n');
        return PITH_OK;
    }
    if (!parent->began) {
        uint32_t lv = w->list_level ? w->list_level : 1;
        const odf_list_style *ls = w->list_style;
        pith_ev_list l = {.ordered = 0, .start = 1};
        if (ls && lv <= ODF_LIST_LEVELS) {
            l.ordered = (ls->numbered >> (lv - 1)) & 1u;
            l.start = ls->start[lv - 1];
        }
        l.start = odf_attr_u32(t, ODF_NS_TEXT, "start-value", l.start);
        if ((st = ev_begin(w, PITH_EV_LIST, &l)) != PITH_OK) return st;
        parent->began = 1;
    }
    f->act = A_ITEM;
    pith_ev_item it = {.checked = -1};
    return ev_begin(w, PITH_EV_ITEM, &it);
}

static pith_status table_el_start(odf_walk *w, odf_frame *f, pith_str l, const pith_xml_token *t)
{
    bool flat = cell_mode(w) || w->inl > 0 || (w->in_table && !cell_mode(w));
    if (odf_eq(l, "table")) {
        if (flat) {
            f->act = A_FLAT_TABLE;
            owe(w, '\n');
            return PITH_OK;
        }
        f->act = A_TABLE;
        table_start(w);
        return PITH_OK;
    }
    if (odf_eq(l, "table-row")) {
        if (!w->in_table || cell_mode(w)) {
            f->act = A_FLAT_ROW;
            owe(w, '\n');
            return PITH_OK;
        }
        f->act = A_ROW;
        w->row_repeat = odf_attr_u32(t, ODF_NS_TABLE, "number-rows-repeated", 1);
        w->ncells = 0;
        w->row.n = 0;
        w->col = 0;
        return PITH_OK;
    }
    bool covered = odf_eq(l, "covered-table-cell");
    if (odf_eq(l, "table-cell") || covered) {
        if (!w->in_table || cell_mode(w)) {
            f->act = A_FLAT_CELL;
            owe(w, ' ');
            return PITH_OK;
        }
        if (covered) {
            /* the column is taken by the span of a cell before it */
            uint32_t rep = odf_attr_u32(t, ODF_NS_TABLE, "number-columns-repeated", 1);
            uint64_t next = (uint64_t)w->col + (rep ? rep : 1);
            w->col = next > UINT32_MAX ? UINT32_MAX : (uint32_t)next;
            return pith_xml_skip(&w->x, t);
        }
        f->act = A_CELL;
        return cell_start(w, t);
    }
    return PITH_OK;
}

static pith_status on_start(odf_walk *w, const pith_xml_token *t)
{
    uint32_t d = t->depth;
    odf_frame *f = d < w->fr_cap ? &w->fr[d] : NULL;
    odf_frame *parent = d - 1 < w->fr_cap && d > 0 ? &w->fr[d - 1] : NULL;
    int ns = odf_ns(t->uri);
    pith_str l = t->local;
    pith_status st;
    if (f) memset(f, 0, sizeof *f);
    /* a paragraph's own look, not a slide title's (it is a heading already) */
    if (f && ns == ODF_NS_TEXT && w->o->ntstyles && (odf_eq(l, "span") || (odf_eq(l, "p") && !w->title))) {
        const pith_str *sn = odf_attr(t, ODF_NS_TEXT, "style-name");
        uint32_t add = sn ? odf_text_flags(w->o, *sn) : 0;
        f->restore = 1;
        f->flags = w->flags;
        w->flags |= add;
    }

    /* Document structure: office:body's child names the kind; in ODS/ODP only the sheets
     * and pages under it are units, and everything beside them is skipped. */
    if (ns == ODF_NS_OFFICE && (odf_eq(l, "text") || odf_eq(l, "spreadsheet") ||
                                odf_eq(l, "presentation") || odf_eq(l, "drawing")) && d == 3) {
        w->container_depth = d;
        if (f) f->act = A_TEXT_ROOT;
        return PITH_OK;
    }
    if (w->container_depth && d == w->container_depth + 1 && w->o->kind != ODF_KIND_TEXT &&
        w->mode == ODF_WALK_BODY) {
        bool unit = (w->o->kind == ODF_KIND_SHEET && ns == ODF_NS_TABLE && odf_eq(l, "table")) ||
                    (w->o->kind == ODF_KIND_SLIDES && ns == ODF_NS_DRAW && odf_eq(l, "page"));
        if (!unit || w->next_index != w->target) {
            if (unit) w->next_index++;
            return pith_xml_skip(&w->x, t);
        }
        w->next_index++;
        w->in_unit = true;
        if (w->o->kind == ODF_KIND_SHEET) {
            const pith_str *name = odf_attr(t, ODF_NS_TABLE, "name");
            if (name && name->n) {
                pith_ev_heading h = {2};
                if ((st = pith_emit_block(w->doc, PITH_EV_HEADING, &h, name->p, name->n)) != PITH_OK)
                    return st;
            }
            if (f) {
                f->act = A_TABLE;
                f->sheet = 1;
            }
            table_start(w);
            return PITH_OK;
        }
        const pith_str *m = odf_attr(t, ODF_NS_DRAW, "master-page-name");
        const pith_str *ps = odf_attr(t, ODF_NS_DRAW, "style-name");
        w->master.n = 0;
        w->show_footer = false;
        if (m && m->n) {
            char *c = pith_doc_alloc(w->doc, m->n);
            if (!c) return pith_alloc_failed(w->doc, m->n);
            memcpy(c, m->p, m->n);
            w->master.p = c;
            w->master.n = m->n;
        }
        if (ps)
            for (uint32_t i = 0; i < w->o->nfooter_pages; i++)
                if (w->o->footer_pages[i].n == ps->n && memcmp(w->o->footer_pages[i].p, ps->p, ps->n) == 0)
                    w->show_footer = true;
        if (f) f->act = A_PAGE;
        return PITH_OK;
    }
    if (!f) return PITH_OK;  /* deeper than the frames: the tokenizer's depth limit is lower */
    if (skipped(w, ns, l)) return pith_xml_skip(&w->x, t);

    /* notes pass: everything outside a note body is looked through */
    if (w->mode == ODF_WALK_NOTES && !w->in_note) {
        if (ns == ODF_NS_TEXT && odf_eq(l, "note")) {
            const pith_str *cls = odf_attr(t, ODF_NS_TEXT, "note-class");
            w->note_kind = cls && odf_eq(*cls, "endnote") ? PITH_SECTION_ENDNOTE : PITH_SECTION_FOOTNOTE;
        } else if (ns == ODF_NS_TEXT && odf_eq(l, "note-body")) {
            w->in_note = true;
            w->pend_section = (int)w->note_kind;
            f->act = A_NOTE_BODY;
            w->inl = 0;
            w->inp = 0;
            w->cell_depth = 0;
            w->in_table = false;
            w->list_level = 0;
            w->list_style = NULL;
        }
        return PITH_OK;
    }

    switch (ns) {
    case ODF_NS_TEXT:
        if (odf_eq(l, "p")) return para_start(w, f, w->title > 0, 2);
        if (odf_eq(l, "h")) return para_start(w, f, true, odf_attr_u32(t, ODF_NS_TEXT, "outline-level", 1));
        if (odf_eq(l, "s")) return explicit_ws(w, ' ', odf_attr_u32(t, ODF_NS_TEXT, "c", 1));
        if (odf_eq(l, "tab")) return explicit_ws(w, '\t', 1);
        if (odf_eq(l, "line-break")) {
            if (w->inp == 0) return PITH_OK;
            w->pend_sp = false;
            if ((st = out(w, "", 0)) != PITH_OK) return st;
            if (cell_mode(w)) st = odf_buf_put(w->doc, &w->row, "\n", 1);
            else st = pith_emit_leaf(w->doc, PITH_EV_BREAK, NULL);
            w->at_start = true;
            w->any = true;
            return st;
        }
        if (odf_eq(l, "a") && !cell_mode(w) && w->inl > 0) {
            const pith_str *href = odf_attr(t, ODF_NS_XLINK, "href");
            if (w->pend_sp) {  /* the space before the link is outside it */
                w->pend_sp = false;
                if ((st = out(w, " ", 1)) != PITH_OK) return st;
            }
            pith_ev_link k = {{href ? href->p : NULL, href ? href->n : 0}};
            f->act = A_LINK;
            return ev_begin(w, PITH_EV_LINK, &k);
        }
        if (odf_eq(l, "list")) return list_start(w, f, t);
        if (odf_eq(l, "list-item") || odf_eq(l, "list-header")) return item_start(w, f, t, parent);
        return PITH_OK;
    case ODF_NS_TABLE:
        return table_el_start(w, f, l, t);
    case ODF_NS_DRAW:
        if (odf_eq(l, "frame") && w->o->kind == ODF_KIND_SLIDES) {
            const pith_str *cls = odf_attr(t, ODF_NS_PRES, "class");
            if (cls && odf_eq(*cls, "title")) {
                f->act = A_TITLE;
                w->title++;
            }
        }
        return PITH_OK;
    case ODF_NS_PRES:
        if (odf_eq(l, "notes") && !cell_mode(w) && w->inl == 0 && w->pend_section < 0) {
            f->act = A_SECTION;
            w->pend_section = PITH_SECTION_NOTES;
        }
        return PITH_OK;
    default:
        return PITH_OK;
    }
}

static pith_status on_end(odf_walk *w, const pith_xml_token *t)
{
    uint32_t d = t->depth;
    if (d >= w->fr_cap) return PITH_OK;
    odf_frame *f = &w->fr[d];
    uint8_t act = f->act;
    f->act = A_NONE;
    if (f->restore) {
        w->flags = f->flags;
        f->restore = 0;
    }
    pith_status st = PITH_OK;
    switch (act) {
    case A_PARA:
    case A_HEAD:
        w->inp--;
        w->inl = 0;
        w->pend_sp = false;
        return pith_emit_end(w->doc, act == A_PARA ? PITH_EV_PARAGRAPH : PITH_EV_HEADING);
    case A_INLINE:
        w->inp--;
        if (!cell_mode(w) && w->inl > 1) w->inl--;
        w->pend_sp = false;
        owe(w, '\n');
        return PITH_OK;
    case A_LINK:
        return pith_emit_end(w->doc, PITH_EV_LINK);
    case A_LIST:
        w->list_level = f->level;
        w->list_style = f->ls;
        return f->began ? pith_emit_end(w->doc, PITH_EV_LIST) : PITH_OK;
    case A_ITEM:
        return pith_emit_end(w->doc, PITH_EV_ITEM);
    case A_FLAT_LIST:
    case A_FLAT_ITEM:
    case A_FLAT_TABLE:
    case A_FLAT_ROW:
        owe(w, '\n');
        return PITH_OK;
    case A_FLAT_CELL:
        owe(w, ' ');
        return PITH_OK;
    case A_TABLE:
        st = table_end(w, false);
        if (f->sheet) w->unit_done = true;
        return st;
    case A_ROW:
        return row_end(w);
    case A_CELL:
        return cell_end(w);
    case A_SECTION:
        if (w->pend_section >= 0) {
            w->pend_section = -1;
            return PITH_OK;
        }
        return pith_emit_end(w->doc, PITH_EV_SECTION);
    case A_NOTE_BODY:
        w->in_note = false;
        if (w->in_table) st = table_end(w, true);
        w->inl = 0;
        w->inp = 0;
        if (w->pend_section >= 0) {
            w->pend_section = -1;
            return st;
        }
        if (st == PITH_OK) st = pith_emit_end(w->doc, PITH_EV_SECTION);
        return st;
    case A_TITLE:
        if (w->title) w->title--;
        return PITH_OK;
    case A_PAGE:
        w->unit_done = true;
        return PITH_OK;
    case A_TEXT_ROOT:
        if (w->o->kind == ODF_KIND_TEXT || w->mode == ODF_WALK_NOTES) w->unit_done = true;
        w->container_depth = 0;
        return PITH_OK;
    default:
        return PITH_OK;
    }
}

/* MARK: - Running */

pith_status odf_walk_create(odf *o, int mode, odf_walk **out)
{
    pith_doc *doc = o->doc;
    odf_walk *w = pith_doc_calloc(doc, sizeof *w);
    if (!w) return pith_alloc_failed(doc, sizeof *w);
    w->o = o;
    w->doc = doc;
    w->mode = mode;
    w->pend_section = -1;
    /* one frame per element depth: the tokenizer never goes past max_depth (skip_deep) */
    uint32_t cap = pith_doc_options(doc)->limits.max_depth + 2u;
    w->fr = pith_doc_calloc(doc, (size_t)cap * sizeof *w->fr);
    if (!w->fr) return pith_alloc_failed(doc, (size_t)cap * sizeof *w->fr);
    w->fr_cap = cap;
    *out = w;
    pith_status st = pith_xml_init_doc(&w->x, doc, pith_doc_arena(doc), o->content, o->content_len);
    /* a subtree nested past max_depth is dropped with a warning; the text around it stays */
    w->x.skip_deep = true;
    if (st != PITH_OK) {
        w->done = w->broken = true;
        return st;
    }
    w->ready = true;
    return PITH_OK;
}

/* The input stopped (cut short, malformed): what parsed is kept, the warning is the
 * tokenizer's. */
static pith_status stop_broken(odf_walk *w, pith_status why)
{
    w->done = w->broken = true;
    pith_status fatal = pith_doc_status(w->doc);
    if (fatal != PITH_OK) return fatal;
    if (w->in_table) {
        pith_status st = table_end(w, true);
        if (st != PITH_OK) return st;
    }
    return w->in_unit ? PITH_OK : why;
}

pith_status odf_walk_unit(odf_walk *w, uint32_t index)
{
    pith_status st;
    if (!w->ready) return PITH_E_FORMAT;
    w->target = index;
    if (w->o->kind == ODF_KIND_TEXT || w->mode == ODF_WALK_NOTES) w->in_unit = !w->done;
    if (w->done) {
        if (w->broken && !w->in_unit)
            return pith_warn(w->doc, PITH_E_TRUNCATED, 0, "odf: unit %u lies past the end of content.xml", index + 1) != PITH_OK
                       ? pith_doc_status(w->doc) : PITH_E_TRUNCATED;
        return PITH_OK;
    }
    const uint8_t *from = w->x.p;
    for (;;) {
        if ((size_t)(w->x.p - from) >= ODF_STEP) return PITH_MORE;
        pith_xml_token t;
        st = pith_xml_next(&w->x, &t);
        if (st != PITH_OK) return stop_broken(w, st);
        if (t.kind == PITH_XML_EOF) {
            w->done = true;
            break;
        }
        if (t.kind == PITH_XML_START) st = on_start(w, &t);
        else if (t.kind == PITH_XML_END) st = on_end(w, &t);
        else if (w->inp > 0) st = text_token(w, t.text);
        if (st != PITH_OK) {
            /* a skip that met the end of the input is the same as the input stopping */
            if (w->x.status != PITH_OK) return stop_broken(w, st);
            return st;
        }
        if (w->unit_done) {
            w->unit_done = false;
            w->in_unit = false;
            return PITH_OK;
        }
    }
    if (w->in_unit || w->o->kind == ODF_KIND_TEXT || w->mode == ODF_WALK_NOTES) {
        w->in_unit = false;
        return PITH_OK;
    }
    pith_warn(w->doc, PITH_E_FORMAT, 0, "odf: unit %u not found in content.xml", index + 1);
    return pith_doc_status(w->doc) != PITH_OK ? pith_doc_status(w->doc) : PITH_E_FORMAT;
}
