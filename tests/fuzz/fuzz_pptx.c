/* fuzz_pptx.c: any bytes as a PPTX package (the PPTX handler forced): ZIP, OPC,
 * presentation, slides, shapes, tables, notes.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_PPTX, data, size);
    return 0;
}
