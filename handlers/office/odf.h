/* odf.h: what the OpenDocument handler's files share (internal): the package state built at
 * open (odf.c) and the content walker that turns content.xml into events (odf_body.c).
 *
 * OASIS ODF 1.2 Part 1 (content, styles, meta), Part 3 (package). One handler reads ODT, ODS
 * and ODP: the kind comes from the element under office:body, not from the detected format.
 */
#ifndef PITH_ODF_H
#define PITH_ODF_H

#include <stdbool.h>
#include <string.h>

#include "core.h"
#include "xml.h"
#include "zip.h"

/* Namespaces the handler looks at, as small numbers (odf_ns). */
enum {
    ODF_NS_OTHER = 0, ODF_NS_OFFICE, ODF_NS_TEXT, ODF_NS_TABLE, ODF_NS_DRAW, ODF_NS_PRES,
    ODF_NS_STYLE, ODF_NS_XLINK, ODF_NS_META, ODF_NS_DC, ODF_NS_SVG, ODF_NS_MANIFEST
};

#define ODF_URI_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define ODF_URI_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define ODF_URI_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define ODF_URI_DRAW "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define ODF_URI_PRES "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
#define ODF_URI_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define ODF_URI_XLINK "http://www.w3.org/1999/xlink"
#define ODF_URI_META "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define ODF_URI_DC "http://purl.org/dc/elements/1.1/"
#define ODF_URI_MANIFEST "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

typedef enum odf_kind { ODF_KIND_TEXT = 0, ODF_KIND_SHEET, ODF_KIND_SLIDES } odf_kind;

/* List levels a list style describes (ODF allows 10). */
#define ODF_LIST_LEVELS 10u

typedef struct odf_list_style {
    pith_str name;
    uint16_t numbered;                  /* bit L-1: level L shows a number */
    uint32_t start[ODF_LIST_LEVELS];    /* text:start-value per level (1 when absent) */
} odf_list_style;

/* A text or paragraph style's inline look (PITH_TEXT_* flags), from its own
 * style:text-properties (parents are not followed). */
typedef struct odf_text_style {
    pith_str name;
    uint32_t flags;
} odf_text_style;

/* A master page's header or footer text, plain (paragraphs joined by '\n'). */
typedef struct odf_master {
    pith_str name;
    pith_str header, footer;   /* ODT: style:header / style:footer; ODP: the footer frame */
} odf_master;

/* A growable byte buffer in the document arena (reused, so it costs its largest size). */
typedef struct odf_buf {
    char *p;
    size_t n, cap;
} odf_buf;

typedef struct odf_walk odf_walk;

typedef struct odf {
    pith_doc *doc;
    pith_zip zip;
    odf_kind kind;
    const uint8_t *content;        /* content.xml, in the document arena */
    size_t content_len;
    odf_list_style *lists;
    uint32_t nlists, lists_cap;
    odf_master *masters;
    uint32_t nmasters, masters_cap;
    odf_text_style *tstyles;       /* sorted by name once read (odf_text_flags) */
    uint32_t ntstyles, tstyles_cap;
    pith_str *footer_pages;        /* ODP drawing-page styles with display-footer="true" */
    uint32_t nfooter_pages, footer_pages_cap;
    uint32_t units;
    size_t *unit_at;               /* ODS/ODP: offset in content of each unit's start tag (its
                                      name is read from there), SIZE_MAX unknown; NULL none */
    uint32_t nunit_at, unit_at_cap;
    odf_walk *walk;                /* the body walker, created at the first unit */
    odf_walk *notes;               /* ODT: the second pass for footnotes and endnotes */
    uint32_t phase;                /* ODT: header, body, notes, footer, done */
} odf;

/* Namespace of a resolved URI. */
int odf_ns(pith_str uri);
/* s equals a string literal (the "" makes anything else a compile error): the length is
 * known at compile time, so most mismatches cost one comparison. */
static inline bool odf_eq_n(pith_str s, const char *lit, size_t n)
{
    return s.n == n && memcmp(s.p, lit, n) == 0;
}
#define odf_eq(s, lit) odf_eq_n((s), "" lit, sizeof(lit) - 1)
/* Attribute `local` in namespace `ns` (ODF_NS_*) of a START token, or NULL. */
const pith_str *odf_attr(const pith_xml_token *t, int ns, const char *local);
/* A decimal attribute value, saturated at UINT32_MAX; `dflt` when absent or not a number. */
uint32_t odf_attr_u32(const pith_xml_token *t, int ns, const char *local, uint32_t dflt);
pith_status odf_buf_put(pith_doc *doc, odf_buf *b, const char *s, size_t n);
const odf_list_style *odf_list_find(const odf *o, pith_str name);
/* PITH_TEXT_* flags of a text or paragraph style, 0 when unknown. */
uint32_t odf_text_flags(const odf *o, pith_str name);

/* The walker. mode ODF_WALK_BODY emits the body (ODT: all of office:text; ODS/ODP: the
 * sheet or page `index`); ODF_WALK_NOTES emits only ODT note bodies, each in a FOOTNOTE or
 * ENDNOTE section. A walker lives in the document arena, so it can stop after a bounded amount
 * of input and go on at the next step. */
enum { ODF_WALK_BODY = 0, ODF_WALK_NOTES };
pith_status odf_walk_create(odf *o, int mode, odf_walk **out);
/* Run unit `index`: PITH_OK when it is complete, PITH_MORE to be called again, or an error. */
pith_status odf_walk_unit(odf_walk *w, uint32_t index);
/* Emit plain text (paragraphs separated by '\n') as paragraphs, in a section of `kind`. */
pith_status odf_emit_plain_section(pith_doc *doc, pith_section_kind kind, pith_str text);
/* The master page of the ODP page being walked (draw:master-page-name), and whether its
 * drawing-page style shows the footer. */
pith_str odf_walk_master(const odf_walk *w, bool *show_footer);

#endif
