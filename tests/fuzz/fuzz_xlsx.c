/* fuzz_xlsx.c: any bytes as an XLSX package (the XLSX handler forced): ZIP,
 * OPC, workbook, shared strings, styles and number formats, sheets.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_XLSX, data, size);
    return 0;
}
