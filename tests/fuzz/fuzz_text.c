/* fuzz_text.c: any bytes as plain text (the text handler forced): BOMs, UTF-16,
 * charset detection, single-byte and CJK decoding, line and paragraph structure.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_TEXT, data, size);
    return 0;
}
