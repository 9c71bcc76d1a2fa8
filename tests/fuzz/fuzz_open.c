/* fuzz_open.c: any bytes through pith_open (detection) and every output format, with every
 * handler this build has. Small limits keep each run fast; the properties are those of
 * fuzz_util.h: no crash, no sanitizer report, a status from the enum, and chunks that respect
 * their contract (size, UTF-8, order), the output limit, warnings with messages. */
#include <string.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const hints[] = {NULL, "x.txt", "x.md", "x.html", "x.csv", "x.json"};
    pith_ctx *ctx = pith_ctx_create(NULL);
    if (!ctx) return 0;
    for (int out = 0; out < PITH_OUT_COUNT; out++) {
        pith_options o = fuzz_options(size, out);
        const char *hint = hints[(size + (size_t)out) % (sizeof hints / sizeof hints[0])];
        o.hint = hint;
        o.hint_len = hint ? strlen(hint) : 0;
        pith_doc *doc;
        pith_status st = pith_open(ctx, data, size, &o, &doc);
        if ((unsigned)st >= PITH_STATUS_COUNT) abort();
        if (st != PITH_OK) continue;
        fuzz_drain(doc, &o);
        pith_close(doc);
    }
    pith_ctx_destroy(ctx);
    return 0;
}
