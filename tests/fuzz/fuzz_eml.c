/* fuzz_eml.c: any bytes as an email (the EML handler forced): RFC 5322 headers and
 * encoded words, MIME multipart, transfer encodings, charsets, nested parts.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_EML, data, size);
    return 0;
}
