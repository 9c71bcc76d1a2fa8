/* decode.h: what the shared decoders (inflate, zip, xml, pdf_filters, lzw) have in common.
 *
 * Every decoder is first a pure function over buffers: explicit limits in, a pith_status and a
 * pith_decode_error out, no pith_doc, no globals, no allocation except from an arena the caller
 * passes. Handlers use the `_doc` wrappers next to each one, which take their limits from the
 * document, draw work units, charge limits.max_decompressed_bytes, and record the failure:
 * pith_fail for what ends the document (LIMIT, NOMEM), pith_warn for damage confined to one
 * stream or entry (FORMAT, TRUNCATED, ENCRYPTED, UNSUPPORTED), whose partial output the handler
 * may still use (a PDF page keeps the text of a cut content stream).
 */
#ifndef PITH_DECODE_H
#define PITH_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "pith.h"

/* Why a decoder stopped: yyjson's read error. `message` is a static lowercase string naming the
 * module ("inflate: invalid distance too far back"); `offset` is the byte offset in the
 * decoder's input where the problem was found (the doc wrappers add the stream's own offset in
 * the file). code PITH_OK and message "" when nothing went wrong. */
typedef struct pith_decode_error {
    pith_status code;
    uint64_t offset;
    const char *message;
} pith_decode_error;

static inline pith_status pith_decode_set(pith_decode_error *e, pith_status code, uint64_t offset,
                                          const char *message)
{
    if (e) {
        e->code = code;
        e->offset = offset;
        e->message = message;
    }
    return code;
}

static inline void pith_decode_clear(pith_decode_error *e) { pith_decode_set(e, PITH_OK, 0, ""); }

#if defined(__GNUC__)
#define PITH_LIKELY(x) __builtin_expect(!!(x), 1)
#define PITH_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define PITH_LIKELY(x) (x)
#define PITH_UNLIKELY(x) (x)
#endif

/* The one input check (libdeflate's SAFETY_CHECK). A function that uses it declares
 * `pith_status fail_code; const char *fail_msg;` and ends with a `fail:` label that turns them
 * into its error (with the offset it knows). Every test of a value that came from the input
 * goes through it, so a reader can find them all by name. */
#define PITH_CHECK(cond, code, msg)                                                             \
    do {                                                                                        \
        if (PITH_UNLIKELY(!(cond))) {                                                           \
            fail_code = (code);                                                                 \
            fail_msg = (msg);                                                                   \
            goto fail;                                                                          \
        }                                                                                       \
    } while (0)

#endif
