/* fuzz_detect.c: pith_detect over any bytes and hints: it must return a format from the enum
 * and read nothing outside the buffer (ASan watches every read). */
#include <stdint.h>
#include <stdlib.h>

#include "pith.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The first byte picks how much of the input is the hint. */
    size_t h = size ? data[0] % 16 : 0;
    if (h > size - (size ? 1 : 0)) h = 0;
    const char *hint = size ? (const char *)data + 1 : NULL;
    const uint8_t *body = size ? data + 1 + h : data;
    size_t n = size ? size - 1 - h : 0;
    pith_format f = pith_detect(body, n, h ? hint : NULL, h);
    if ((unsigned)f >= PITH_FMT_COUNT) abort();
    (void)pith_format_name(f);
    (void)pith_format_mime(f);
    return 0;
}
