/* eml_int.h: what the email handler's files share (handlers/text/eml.c, eml_mime.c).
 *
 * eml_mime.c holds the byte-level pieces of RFC 5322 and MIME: header fields with folded
 * lines, parameters (RFC 2045 §5.1, RFC 2231 filename*), RFC 2047 encoded words, the base64
 * and quoted-printable transfer encodings, and RFC 5322 dates as ISO 8601. All of them read
 * untrusted bytes with lengths checked and write into caller buffers of a given capacity.
 */
#ifndef PITH_EML_INT_H
#define PITH_EML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* Unfolded header values are cut to this (a hostile header can be any size). */
#define EML_HDR_CAP 4096u

/* One header field: its name and the raw value bytes, folded lines included. */
typedef struct eml_field {
    const uint8_t *name;
    size_t name_len;
    size_t vstart, vend;  /* offsets of the value in the input */
} eml_field;

/* The next field of the header block at *pos (up to end). false at the blank line that ends
 * the block (*pos then points past it) or at end. Lines without a colon are skipped. */
bool eml_next_field(const uint8_t *d, size_t end, size_t *pos, eml_field *f);

/* ASCII case-insensitive comparison of a field name with `lit`. */
bool eml_name_is(const eml_field *f, const char *lit);

/* The value d[a..b) unfolded (line ends removed, whitespace runs as one space, trimmed) into
 * out (cap bytes, cut beyond); returns its length. */
size_t eml_unfold(const uint8_t *d, size_t a, size_t b, char *out, size_t cap);

/* Parameter `name` of an unfolded Content-Type/Content-Disposition value v[0..n): its value
 * (quotes removed) into out (cap bytes, NUL-terminated). RFC 2231 `name*=charset'lang'%XX`
 * is percent-decoded and its charset returned in *charset (cap 40) when given. false when
 * the parameter is absent. */
bool eml_param(const char *v, size_t n, const char *name, char *out, size_t cap,
               char *charset);

/* The media type of an unfolded Content-Type value, lowercased, into out (cap bytes). */
void eml_media_type(const char *v, size_t n, char *out, size_t cap);

/* RFC 2047: decode encoded words of a header value v[0..n) to UTF-8 into out (cap bytes);
 * text outside them is UTF-8 if valid, else windows-1252. Whitespace between two encoded
 * words is dropped. Returns the length, or sets *status (NEED_PACK, recorded) on failure. */
size_t eml_decode_words(pith_doc *doc, const char *v, size_t n, char *out, size_t cap,
                        pith_status *status);

/* Transfer encodings: decode in[0..n) into out (cap >= n). *garbage counts bytes that are
 * neither the encoding's alphabet nor whitespace. Return the decoded length. */
size_t eml_base64(const uint8_t *in, size_t n, uint8_t *out, uint64_t *garbage);
size_t eml_qp(const uint8_t *in, size_t n, uint8_t *out);

/* RFC 5322 date-time ("Mon, 4 Jun 2014 13:50:00 -0400") as ISO 8601
 * ("2014-06-04T13:50:00-04:00") into out (cap >= 26); false when it does not parse. */
bool eml_date_iso(const char *v, size_t n, char *out, size_t cap);

#endif
