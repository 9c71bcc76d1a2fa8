/* fuzz_html.c: any bytes as HTML (the HTML handler forced): encoding sniffing,
 * tokenizer, tree builder, serialization.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_HTML, data, size);
    return 0;
}
