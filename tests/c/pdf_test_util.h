/* pdf_test_util.h: what the PDF suites that test the handler's parts share (test code only):
 * a real document to work in (arenas, warnings, limits) opened through a stub handler that
 * does nothing, so a test can call pdf_lex, pdf_ctx_open or the font loader on its own, and a
 * lookup of the document's warnings.
 */
#ifndef PITH_PDF_TEST_UTIL_H
#define PITH_PDF_TEST_UTIL_H

#include <criterion/criterion.h>

#include <stdbool.h>
#include <string.h>

#include "core.h"

static inline pith_status pdf_stub_open(pith_doc *doc, const uint8_t *d, size_t n, void **st)
{
    (void)d;
    (void)n;
    *st = NULL;
    pith_doc_set_units(doc, 1, PITH_UNIT_PAGE);
    return PITH_OK;
}

static inline pith_status pdf_stub_unit(pith_doc *doc, void *st, uint32_t i)
{
    (void)doc;
    (void)st;
    (void)i;
    return PITH_OK;
}

static const pith_handler pdf_stub = {"pdf", pdf_stub_open, pdf_stub_unit};

/* The context of the document pdf_test_open opened last (its stats and error message). */
static pith_ctx *g_ctx;

/* A document over data[0..len) (it may be empty) with options o, in a new context. */
static inline pith_doc *pdf_test_open(const void *data, size_t len, pith_options o)
{
    g_ctx = pith_ctx_create(NULL);
    cr_assert(g_ctx);
    pith_doc *doc = NULL;
    cr_assert_eq(pith_open_with(g_ctx, &pdf_stub, PITH_FMT_PDF, data, len, &o, &doc), PITH_OK);
    return doc;
}

static inline void pdf_test_close(pith_doc *doc)
{
    pith_close(doc);
    pith_ctx_destroy(g_ctx);
}

/* Whether one of doc's warnings contains `part`. */
static inline bool pdf_test_has_warning(pith_doc *doc, const char *part)
{
    for (uint32_t i = 0; i < pith_doc_warning_count(doc); i++) {
        pith_warning w;
        if (pith_doc_warning(doc, i, &w) == PITH_OK && strstr(w.message, part)) return true;
    }
    return false;
}

#endif
