/* fuzz_epub.c: any bytes as an EPUB (the EPUB handler forced): ZIP, container,
 * OPF package and spine, XHTML items through the HTML handler.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_EPUB, data, size);
    return 0;
}
