/* detect_int.h: the container sniffers behind pith_detect (internal, not installed).
 *
 * Each looks only at names and headers of a container it was handed after its magic matched,
 * never decompresses, and never reads outside [data, data+len). Both are pure and bounded by
 * the input size (see the head comments of sniff_zip.c and sniff_ole2.c).
 */
#ifndef PITH_DETECT_INT_H
#define PITH_DETECT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pith.h"

/* ZIP (data starts with PK\3\4 or PK\5\6): DOCX, XLSX, PPTX, ODT, ODS, ODP, EPUB or
 * PITH_FMT_ZIP. `hint` is the format the caller's hint names (PITH_FMT_UNKNOWN for none); it is
 * used only to tell ODT/ODS/ODP apart when the package is ODF but its mimetype entry cannot be
 * read without inflating. */
pith_format pith_sniff_zip_format(const uint8_t *data, size_t len, pith_format hint);

/* OLE2 / Compound File Binary (data starts with D0 CF 11 E0 A1 B1 1A E1): DOC, XLS, PPT, MSG,
 * OOXML_ENCRYPTED, or PITH_FMT_OLE2 when the directory names none of them or is damaged. */
pith_format pith_sniff_ole2_format(const uint8_t *data, size_t len);

#endif
