/* fuzz_json.c: any bytes as JSON (the JSON handler forced): the parser, nesting,
 * strings and escapes, what it makes of non-JSON.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_JSON, data, size);
    return 0;
}
