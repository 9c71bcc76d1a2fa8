/* html_grid.c: columns covered by row spans (see html_grid.h).
 *
 * Each open table keeps, per tracked column, how many rows from the current one on a spanning
 * cell covers it (ROW_GROUP: to the end of the row group), and where the row's next cell goes.
 * The array is allocated at the first span, so a table without one costs a counter, and it is
 * kept for the next table opened at the same depth: memory is the deepest nesting's, however
 * many tables a page has.
 */
#include "html_grid.h"

#include <string.h>

#define ROW_GROUP UINT32_MAX

struct html_grid_table {
    uint32_t *left;   /* rows still covered, per column (NULL until a span needs it) */
    uint32_t cols;    /* columns left[] tracks: 0 or PITH_HTML_GRID_COLS */
    uint32_t covered; /* columns whose left[] is not 0 */
    uint32_t col;     /* the column of the row's next cell */
};

static html_grid_table *top(pith_html_grid *g) { return g->n ? &g->t[g->n - 1] : NULL; }

/* No column covered any more (a new table at this depth, a new row group). */
static void clear_spans(html_grid_table *t)
{
    if (t->covered) memset(t->left, 0, (size_t)t->cols * sizeof *t->left);
    t->covered = 0;
}

pith_status pith_html_grid_table_begin(pith_html_grid *g, pith_doc *doc)
{
    if (g->n == g->cap) {
        uint32_t cap = g->cap ? g->cap * 2 : 8;
        html_grid_table *t = pith_doc_alloc(doc, (size_t)cap * sizeof *t);
        if (!t) return pith_alloc_failed(doc, (size_t)cap * sizeof *t);
        /* the entries past n are spare arrays only when n < cap: none is lost here */
        if (g->n) memcpy(t, g->t, (size_t)g->n * sizeof *t);
        memset(t + g->n, 0, (size_t)(cap - g->n) * sizeof *t);
        g->t = t;
        g->cap = cap;
    }
    html_grid_table *t = &g->t[g->n++];
    clear_spans(t);
    t->col = 0;
    return PITH_OK;
}

void pith_html_grid_table_end(pith_html_grid *g)
{
    if (g->n) g->n--;
}

void pith_html_grid_section(pith_html_grid *g)
{
    html_grid_table *t = top(g);
    if (t) clear_spans(t);
}

void pith_html_grid_row_begin(pith_html_grid *g)
{
    html_grid_table *t = top(g);
    if (t) t->col = 0;
}

uint32_t pith_html_grid_before_cell(pith_html_grid *g)
{
    html_grid_table *t = top(g);
    if (!t || !t->covered) return 0;
    uint32_t k = 0;
    while (t->col < t->cols && t->left[t->col]) {
        t->col++;
        k++;
    }
    return k; /* at most PITH_HTML_GRID_COLS - col: the walk is as long as the run it skips */
}

pith_status pith_html_grid_cell(pith_html_grid *g, pith_doc *doc, uint32_t colspan,
                                uint32_t rowspan)
{
    html_grid_table *t = top(g);
    if (!t) return PITH_OK;
    uint32_t from = t->col;
    t->col = from + colspan > from ? from + colspan : UINT32_MAX;
    if (rowspan == 1 || from >= PITH_HTML_GRID_COLS) return PITH_OK;
    if (!t->left) {
        t->left = pith_doc_calloc(doc, PITH_HTML_GRID_COLS * sizeof *t->left);
        if (!t->left) return pith_alloc_failed(doc, PITH_HTML_GRID_COLS * sizeof *t->left);
        t->cols = PITH_HTML_GRID_COLS;
    }
    uint32_t end = t->col < t->cols ? t->col : t->cols;
    for (uint32_t c = from; c < end; c++) {
        /* this row and the rowspan - 1 below it: the row's end counts it down */
        if (!t->left[c]) t->covered++;
        t->left[c] = rowspan == 0 ? ROW_GROUP : rowspan;
    }
    return PITH_OK;
}

pith_status pith_html_grid_row_end(pith_html_grid *g, pith_doc *doc, uint32_t *fill)
{
    html_grid_table *t = top(g);
    *fill = 0;
    if (!t || !t->covered) return PITH_OK;
    /* the rightmost covered column: one cell up to it closes the row */
    uint32_t last = t->cols;
    while (last > 0 && !t->left[last - 1]) last--;
    if (t->col < last) *fill = last - t->col;
    for (uint32_t c = 0; c < last; c++) {
        if (!t->left[c] || t->left[c] == ROW_GROUP) continue;
        if (--t->left[c] == 0) t->covered--;
    }
    /* a column a step: up to PITH_HTML_GRID_COLS a row, however short the row's markup */
    return pith_work(doc, t->cols);
}
