/* fuzz_pdf_filters.c: src/pdf_filters.c (and src/lzw.c, src/inflate.c under it) over filter
 * chains read from the first bytes of the input.
 *
 * Input: byte 0 = number of steps (low 2 bits: 0..3); then 4 bytes per step: the filter
 * (mod 11, image and unknown filters included); the predictor (an index into the table below,
 * invalid values included) with /EarlyChange in bit 7; /Colors (bits 0-1) and
 * /BitsPerComponent (bits 2-4, an index, invalid values included); /Columns (shifted left by
 * twice bits 5-7 of the third byte; 0 is invalid). The rest is the stream
 * (tests/fuzz/make_seeds.py writes the corpus's PDF streams in this form).
 * Properties: output within max_out, `produced` at least out_len, a chain with an image or
 * unknown filter decodes nothing. */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "pdf_filters.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int32_t predictors[] = {1, 2, 10, 11, 12, 13, 14, 15, 1, 1, 3, 1, 12, 12, 2, 15};
    static const int32_t bpcs[] = {8, 1, 2, 4, 16, 8, 8, 3};
    if (size < 1) return 0;
    size_t n = data[0] & 3, pos = 1;
    pith_pdf_filter_step steps[3];
    bool image = false;
    for (size_t i = 0; i < n; i++) {
        if (size - pos < 4) return 0;
        uint8_t f = data[pos], p = data[pos + 1], q = data[pos + 2], cols = data[pos + 3];
        pos += 4;
        steps[i].filter = (pith_pdf_filter)(f % 11);
        steps[i].parms = pith_pdf_filter_parms_default();
        steps[i].parms.predictor = predictors[p & 15];
        steps[i].parms.early_change = (p >> 7) & 1;
        steps[i].parms.colors = 1 + (q & 3);
        steps[i].parms.bpc = bpcs[(q >> 2) & 7];
        steps[i].parms.columns = (int32_t)cols << ((q >> 5) * 2); /* up to 4M: overflow paths */
        if (pith_pdf_filter_is_image(steps[i].filter) || steps[i].filter == PITH_PDF_FILTER_UNKNOWN)
            image = true;
        (void)pith_pdf_filter_name(steps[i].filter);
    }
    pith_budget b;
    pith_budget_init(&b, NULL, 64u << 20);
    pith_arena a;
    pith_arena_init(&a, &b, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0, produced = 0, max_out = 4u << 20;
    pith_decode_error e;
    pith_status st = pith_pdf_filter_decode(&a, steps, n, data + pos, size - pos, size % 4096,
                                            max_out, &out, &out_len, &produced, &e);
    if ((unsigned)st >= PITH_STATUS_COUNT || !e.message) abort();
    /* Every step is checked before anything is decoded: a chain with an image or unknown
     * filter decodes nothing (UNSUPPORTED, or FORMAT when an earlier step's /DecodeParms are
     * invalid). */
    if (image && ((st != PITH_E_UNSUPPORTED && st != PITH_E_FORMAT) || out)) abort();
    if (out_len > max_out) abort();
    if (out_len && !out) abort();
    if (st == PITH_OK && produced < out_len && out != data + pos) abort();
    fuzz_touch(out, out_len);
    pith_arena_finish(&a);
    return 0;
}
