/* inflate.h: DEFLATE decoding (RFC 1951) with the zlib (RFC 1950) and gzip (RFC 1952)
 * wrappers, whole buffer in, bounded buffer out.
 *
 * Three ways in:
 *   pith_inflate_buf    into a caller's buffer of `cap` bytes (the size a container gives:
 *                       a ZIP entry's size, a PDF /DL); never writes past it
 *   pith_inflate_alloc  into an arena buffer grown up to `max_out`, so a 1 KB -> 1 GB bomb stops
 *                       at the limit having allocated at most the limit
 *   pith_inflate_doc    the same for handlers: the limit is the document's (max_ratio per stream,
 *                       max_decompressed_bytes across the document), work units are drawn and
 *                       the failure recorded (see decode.h)
 * A damaged or cut stream still hands back what was decoded before the damage, with
 * PITH_E_FORMAT or PITH_E_TRUNCATED: PDF readers keep the text of a broken content stream.
 * Nothing here keeps state between calls; all are thread-safe on distinct buffers.
 */
#ifndef PITH_INFLATE_H
#define PITH_INFLATE_H

#include "arena.h"
#include "core.h"
#include "decode.h"

typedef enum pith_inflate_wrap {
    PITH_INFLATE_RAW = 0, /* bare DEFLATE blocks (ZIP entries) */
    PITH_INFLATE_ZLIB,    /* 2-byte header, Adler-32 trailer (PDF FlateDecode) */
    PITH_INFLATE_GZIP,    /* gzip member: header, CRC-32 and size trailer (first member only) */
    PITH_INFLATE_AUTO     /* zlib if the first two bytes are a valid zlib header, gzip if they
                             are 1f 8b, else raw: PDF producers sometimes write raw DEFLATE */
} pith_inflate_wrap;

typedef struct pith_inflate_result {
    size_t in_used;          /* input bytes consumed: wrapper, blocks and trailer (a ZIP entry's
                                real compressed size; what follows is not looked at) */
    size_t out_len;          /* bytes written, also when the status is not PITH_OK */
    pith_inflate_wrap wrap;  /* the wrapper read (AUTO resolved) */
} pith_inflate_result;

/* Decode in[0..in_len) into out[0..cap). Bytes of out past out_len may have been written
 * (word-sized copies overrun) but never past cap. `res` and `err` may be NULL.
 * Returns
 *   PITH_OK           the stream ended properly and its checksum (if any) matched
 *   PITH_E_LIMIT      out is full and the stream goes on (out holds the first cap bytes)
 *   PITH_E_TRUNCATED  the input ends inside the stream or its trailer (out holds every byte
 *                     decoded from symbols that were wholly present)
 *   PITH_E_FORMAT     invalid data (bad block type, code lengths, distance too far back,
 *                     checksum mismatch); out holds what came before it
 *   PITH_E_UNSUPPORTED a zlib preset dictionary (never used by PDF or ZIP)
 *   PITH_E_ARG        in or out NULL with a non-zero length
 * Uses about 12 KiB of stack for its decode tables; no allocation. */
pith_status pith_inflate_buf(const uint8_t *in, size_t in_len, pith_inflate_wrap wrap,
                             uint8_t *out, size_t cap, pith_inflate_result *res,
                             pith_decode_error *err);

/* Decode into a buffer from `a`. The buffer starts at size_hint (the expected size, 0 when
 * unknown: then 4 times the input, at least 4 KiB), capped by max_out, and doubles whenever
 * the stream needs more, decoding again from the start into the bigger buffer after rolling
 * the arena back: the arena holds one buffer at a time, and the work is at most twice the
 * final size. *out and res->out_len describe the output on every status that has any (it lives
 * in `a`); *out is NULL only when nothing could be allocated. Statuses as pith_inflate_buf,
 * PITH_E_LIMIT meaning more than max_out bytes, plus PITH_E_LIMIT/PITH_E_NOMEM when the arena
 * refuses (err says which). */
pith_status pith_inflate_alloc(pith_arena *a, const uint8_t *in, size_t in_len,
                               pith_inflate_wrap wrap, size_t size_hint, size_t max_out,
                               uint8_t **out, pith_inflate_result *res, pith_decode_error *err);

/* For handlers: pith_inflate_alloc with max_out = the smaller of in_len * limits.max_ratio
 * and what is left of limits.max_decompressed_bytes; the bytes produced are charged to the
 * document and in_used + out_len work units drawn. `file_off` is where the stream starts in the
 * document's input (for messages). LIMIT and NOMEM are recorded with pith_fail; FORMAT,
 * TRUNCATED and UNSUPPORTED with pith_warn, leaving the partial output in *out and *out_len for the
 * handler to use or drop. `a` NULL = the handler's scratch arena. */
pith_status pith_inflate_doc(pith_doc *doc, pith_arena *a, const uint8_t *in, size_t in_len,
                             pith_inflate_wrap wrap, size_t size_hint, uint64_t file_off,
                             uint8_t **out, size_t *out_len);

#endif
