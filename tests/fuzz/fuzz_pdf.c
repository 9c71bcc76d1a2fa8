/* fuzz_pdf.c: any bytes as a PDF (the PDF handler forced, no detection): xref or
 * repair, encryption, page tree, fonts, content streams, layout, metadata, in every output format
 * (one per input).
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_PDF, data, size);
    return 0;
}
