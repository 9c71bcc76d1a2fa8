/* pdf_filters.h: PDF stream filters (ISO 32000-1 §7.4) for the PDF handler.
 *
 * The handler parses /Filter and /DecodeParms (a name or an array of them) into steps; the
 * chain decodes them in order into the arena. FlateDecode and LZWDecode take the PNG (10-15)
 * and TIFF (2) predictors of their /DecodeParms. ASCIIHexDecode, ASCII85Decode and
 * RunLengthDecode are there for old and hand-made files. Image filters (DCTDecode, JPXDecode,
 * JBIG2Decode, CCITTFaxDecode) are recognised and never decoded: a chain holding one returns
 * PITH_E_UNSUPPORTED before decoding anything, since images carry no text. Crypt passes the
 * bytes through (decryption is the security handler's, before the chain).
 * Limits: every step's output is capped by `max_out` (the _doc wrapper: max_ratio times the
 * stream, and what is left of max_decompressed_bytes); no recursion, no allocation outside the
 * arena. Pure and thread-safe on distinct arenas.
 */
#ifndef PITH_PDF_FILTERS_H
#define PITH_PDF_FILTERS_H

#include "arena.h"
#include "core.h"
#include "decode.h"

typedef enum pith_pdf_filter {
    PITH_PDF_FILTER_UNKNOWN = 0,
    PITH_PDF_FILTER_FLATE,      /* FlateDecode, Fl */
    PITH_PDF_FILTER_LZW,        /* LZWDecode, LZW */
    PITH_PDF_FILTER_ASCII85,    /* ASCII85Decode, A85 */
    PITH_PDF_FILTER_ASCIIHEX,   /* ASCIIHexDecode, AHx */
    PITH_PDF_FILTER_RUNLENGTH,  /* RunLengthDecode, RL */
    PITH_PDF_FILTER_CRYPT,      /* Crypt: passed through */
    PITH_PDF_FILTER_DCT,        /* image filters from here on: never decoded */
    PITH_PDF_FILTER_JPX,
    PITH_PDF_FILTER_JBIG2,
    PITH_PDF_FILTER_CCITTFAX,
} pith_pdf_filter;

typedef struct pith_pdf_filter_parms {
    int32_t predictor;     /* /Predictor: 1 none, 2 TIFF, 10-15 PNG */
    int32_t colors;        /* /Colors, 1 */
    int32_t bpc;           /* /BitsPerComponent, 8 */
    int32_t columns;       /* /Columns, 1 */
    int32_t early_change;  /* /EarlyChange (LZW), 1 */
} pith_pdf_filter_parms;

typedef struct pith_pdf_filter_step {
    pith_pdf_filter filter;
    pith_pdf_filter_parms parms;
} pith_pdf_filter_step;

/* The defaults of ISO 32000-1 Tables 8 and 9 (a step without /DecodeParms). */
pith_pdf_filter_parms pith_pdf_filter_parms_default(void);

/* The filter a /Filter name names (without the slash; full and abbreviated names, §7.4 and
 * Table 94), PITH_PDF_FILTER_UNKNOWN for any other. */
pith_pdf_filter pith_pdf_filter_from_name(const char *name, size_t n);
/* DCT, JPX, JBIG2, CCITTFax. */
bool pith_pdf_filter_is_image(pith_pdf_filter f);
/* "FlateDecode", ... (static). */
const char *pith_pdf_filter_name(pith_pdf_filter f);

/* Decode in[0..len) through steps[0..n) in order. *out is the result: `in` itself when n is 0
 * or every step is Crypt, else a buffer in `a`. size_hint is the expected final size (/DL, 0
 * when unknown). Every step's output is capped at max_out bytes. `produced` (may be NULL) gets
 * the bytes all steps wrote together (what a document charges).
 * Returns PITH_OK; PITH_E_UNSUPPORTED (an image or unknown filter: nothing decoded, *out NULL;
 * or a predictor other than 1, 2, 10-15); PITH_E_LIMIT (a step passes max_out; *out holds the
 * first max_out bytes of that step) or the arena refusing (PITH_E_NOMEM too); PITH_E_FORMAT,
 * PITH_E_TRUNCATED (damaged data: *out holds that step's output so far, predictor applied);
 * PITH_E_ARG. `err` may be NULL. */
pith_status pith_pdf_filter_decode(pith_arena *a, const pith_pdf_filter_step *steps, size_t n,
                                   const uint8_t *in, size_t len, size_t size_hint,
                                   size_t max_out, const uint8_t **out, size_t *out_len,
                                   size_t *produced, pith_decode_error *err);

/* For handlers: max_out from the document (len * max_ratio, what is left of
 * max_decompressed_bytes), produced bytes charged, work drawn; `a` NULL = scratch; file_off is
 * where the stream's data starts (messages). LIMIT/NOMEM recorded with pith_fail; FORMAT and
 * TRUNCATED with pith_warn (the partial output is kept in *out); an image filter is returned
 * as PITH_E_UNSUPPORTED without a warning (skipping images is normal), an unknown filter with
 * one. */
pith_status pith_pdf_filter_decode_doc(pith_doc *doc, pith_arena *a,
                                       const pith_pdf_filter_step *steps, size_t n,
                                       const uint8_t *in, size_t len, size_t size_hint,
                                       uint64_t file_off, const uint8_t **out, size_t *out_len);

#endif
