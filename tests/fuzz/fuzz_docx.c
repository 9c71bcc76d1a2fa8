/* fuzz_docx.c: any bytes as a DOCX package (the DOCX handler forced): ZIP, OPC
 * relationships and content types, styles, numbering, the body, headers, notes.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_DOCX, data, size);
    return 0;
}
