/* html_grid.h: the columns of an HTML table that cells of rows above still cover (rowspan), so
 * that the cells of a row land in their columns (HTML §4.9.12, "forming a table", reduced to
 * what a stream of cells needs).
 *
 * pith's events have no row span: a cell spanning rows is written in its first row, and each row
 * below gets an empty cell over the columns it covers (as the DOCX handler does for vMerge), so
 * a text row's tabs and a Markdown row's pipes keep every later cell under its header. The
 * handler asks before each cell how many covered columns come first, and at each row's end how
 * many columns close the row (up to the last covered one): one empty cell spanning them each
 * time, so a row gets at most one empty cell before each of its cells and one at its end. Spans
 * end with their row group (thead, tbody, tfoot; rowspan=0 reaches its end) and their table;
 * nested tables have their own.
 * Columns past PITH_HTML_GRID_COLS are not tracked (a span there fills nothing), so a hostile
 * colspan or cell count costs no memory.
 */
#ifndef PITH_HTML_GRID_H
#define PITH_HTML_GRID_H

#include <stdint.h>

#include "core.h"

#define PITH_HTML_GRID_COLS 1024u

typedef struct html_grid_table html_grid_table;

typedef struct pith_html_grid {
    html_grid_table *t; /* the open tables, innermost last */
    uint32_t n, cap;
} pith_html_grid;

/* A table opens (its cells are tracked until pith_html_grid_table_end). */
pith_status pith_html_grid_table_begin(pith_html_grid *g, pith_doc *doc);
void pith_html_grid_table_end(pith_html_grid *g);
/* A row group (thead, tbody, tfoot) starts or ends in the innermost table: its spans end. */
void pith_html_grid_section(pith_html_grid *g);
/* A row starts in the innermost table. */
void pith_html_grid_row_begin(pith_html_grid *g);
/* The columns covered from above right before the row's next cell: an empty cell spanning them
 * comes first. */
uint32_t pith_html_grid_before_cell(pith_html_grid *g);
/* The cell just begun spans colspan columns and rowspan rows (0: to the end of its row group). */
pith_status pith_html_grid_cell(pith_html_grid *g, pith_doc *doc, uint32_t colspan,
                                uint32_t rowspan);
/* The row ends: *fill columns (right of its last cell, up to the last covered one) close it with
 * an empty cell spanning them. Spans then count the row down. Error: the work budget (a row's
 * end walks the tracked columns). */
pith_status pith_html_grid_row_end(pith_html_grid *g, pith_doc *doc, uint32_t *fill);

#endif
