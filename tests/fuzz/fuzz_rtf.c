/* fuzz_rtf.c: any bytes as RTF (the RTF handler forced): control words, groups,
 * destinations, code pages and Unicode escapes, tables.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_RTF, data, size);
    return 0;
}
