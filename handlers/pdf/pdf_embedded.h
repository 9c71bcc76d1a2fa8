/* pdf_embedded.h: what text extraction can learn from a font's embedded program (internal).
 *
 * When a font has no /ToUnicode and no usable /Encoding, poppler and MuPDF read the font
 * program itself: a Type1 font's cleartext /Encoding array, a CFF font's built-in encoding and
 * charset, a TrueType font's cmap and post tables. pdf_font_embedded.c does the same, for
 * /FontFile (Type1), /FontFile2 (TrueType) and /FontFile3 (/Subtype /Type1C, /CIDFontType0C,
 * /OpenType). Glyph names are given as names: mapping them to Unicode (glyph list, uniXXXX) is
 * pdf_font's job. Every table is read through bounded readers; counts and offsets from the
 * font are checked against the table sizes, and every loop draws work (pith_work).
 */
#ifndef PITH_PDF_EMBEDDED_H
#define PITH_PDF_EMBEDDED_H

#include <stdbool.h>
#include <stdint.h>

#include "pdf.h"

typedef enum pdf_embedded_kind {
    PDF_EMB_NONE = 0,   /* no font program (or one we could not read: a warning was given) */
    PDF_EMB_TYPE1,      /* /FontFile */
    PDF_EMB_TRUETYPE,   /* /FontFile2, or /FontFile3 /OpenType with glyf outlines */
    PDF_EMB_CFF,        /* /FontFile3 /Type1C or /CIDFontType0C, or /OpenType with CFF */
} pdf_embedded_kind;

typedef struct pdf_embedded {
    uint8_t kind;              /* pdf_embedded_kind */
    bool cid_keyed;            /* a CID-keyed CFF: gid_names is indexed by CID, not glyph id */
    bool symbolic_cmap;        /* the codes were mapped through a (3,0) symbol cmap */
    /* Simple fonts: code → glyph name (NULL = none; NUL-terminated, memory from `a`):
     * Type1 /Encoding, CFF encoding + charset, TrueType (3,0)/(1,0) cmap → gid → post name. */
    const char *names[256];
    bool have_names;
    /* Simple fonts: code → Unicode (0 = none): a TrueType (3,1) cmap that maps code c (c is
     * then its own Unicode), or a (3,0) cmap's F000+c whose glyph has a (3,1) Unicode. */
    uint32_t uni[256];
    bool have_uni;
    /* Glyph id → Unicode (0 = none), by inverting the (3,1)/(3,10) cmap (the lowest code
     * point wins when several map to one glyph). NULL when the font has no such cmap. For
     * CID fonts (CIDFontType2: CID → GID through /CIDToGIDMap first). */
    uint32_t *gid_uni;
    uint32_t ngid;
    /* Glyph id → glyph name (NULL = none): TrueType post names, CFF charset names (for a
     * CID-keyed CFF: CID → name, which the charset rarely has). NULL when none. */
    const char **gid_names;
    uint32_t ngid_names;
} pdf_embedded;

/* Read the font program of a /FontDescriptor (a dict or reference; &pdf_null or a descriptor
 * without a font file gives kind PDF_EMB_NONE and PITH_OK). Memory (names, tables) comes from
 * `a` (the document arena for a cached font). A damaged program gives what could be read and a
 * warning, still PITH_OK; only LIMIT/NOMEM (recorded with pith_fail) are returned. *out is
 * always initialised. */
pith_status pdf_embedded_read(pdf_ctx *ctx, const pdf_obj *descriptor, pith_arena *a,
                              pdf_embedded *out);

/* The parsers behind pdf_embedded_read, on a font program already decoded (for tests and for
 * callers that hold the bytes). kind: PDF_EMB_TYPE1, PDF_EMB_TRUETYPE or PDF_EMB_CFF (an
 * OpenType file with a 'CFF ' table is recognised under PDF_EMB_TRUETYPE). doc may be NULL
 * (no work drawn, no warnings). Returns PITH_OK or PITH_E_FORMAT for a program that gave
 * nothing ("embedded: ..."), LIMIT/NOMEM. */
pith_status pdf_embedded_parse(pith_doc *doc, pdf_embedded_kind kind, const uint8_t *data,
                               size_t len, pith_arena *a, pdf_embedded *out);

#endif
