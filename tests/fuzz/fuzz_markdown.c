/* fuzz_markdown.c: any bytes as Markdown (the Markdown handler forced): front matter,
 * block structure, inlines, embedded HTML.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_MARKDOWN, data, size);
    return 0;
}
