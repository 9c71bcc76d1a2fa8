/* fuzz_csv.c: any bytes as CSV/TSV (the CSV handler forced): dialect sniffing,
 * quoting, the table out.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_CSV, data, size);
    return 0;
}
