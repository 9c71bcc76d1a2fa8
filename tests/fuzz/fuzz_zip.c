/* fuzz_zip.c: src/zip.c over any bytes: open (directory or recovery scan), find every entry by
 * its name both ways, extract every entry.
 *
 * Properties: the entry table stays inside the input (names, data offsets), an entry found by
 * name has that name, an extraction gives at most the declared size (a STORED slice inside the
 * input, csize bytes when its sizes differ), and the limits hold: all extractions together
 * stay under max_total. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "zip.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pith_budget b;
    pith_budget_init(&b, NULL, 64u << 20);
    pith_arena a;
    pith_arena_init(&a, &b, 0);
    pith_zip z;
    pith_zip_limits lim = {.max_entries = 4096, .max_ratio = 200, .max_total = 32u << 20};
    pith_decode_error e;
    pith_status st = pith_zip_open(&z, &a, data, size, &lim, &e);
    if ((unsigned)st >= PITH_STATUS_COUNT || !e.message) abort();
    if (st == PITH_OK || ((st == PITH_E_FORMAT || st == PITH_E_TRUNCATED) && z.recovered)) {
        if (z.count > lim.max_entries) abort();
        for (uint32_t i = 0; i < z.count; i++) {
            const pith_zip_entry *en = &z.entries[i];
            const uint8_t *np = (const uint8_t *)en->name.p;
            if (en->name.n && (np < data || en->name.n > size || np - data > (ptrdiff_t)(size - en->name.n)))
                abort();
            fuzz_touch(en->name.p, en->name.n);
            const pith_zip_entry *f = pith_zip_find_entry(&z, en->name.p, en->name.n);
            if (!f || f->name.n != en->name.n || memcmp(f->name.p, en->name.p, en->name.n) != 0)
                abort();
            if (!pith_zip_find_entry_icase(&z, en->name.p, en->name.n)) abort();
            pith_arena_mark m = pith_arena_mark_get(&a);
            const uint8_t *out = NULL;
            size_t out_len = 0;
            pith_status xs = pith_zip_extract(&z, &a, en, &out, &out_len, NULL);
            if ((unsigned)xs >= PITH_STATUS_COUNT) abort();
            /* a STORED entry whose sizes differ is FORMAT with its csize bytes kept */
            if (out_len > (en->method == 0 ? en->csize : en->usize)) abort();
            if (out_len) {
                if (!out) abort();
                if (en->method == 0 && (out < data || out_len > size || out - data > (ptrdiff_t)(size - out_len)))
                    abort();
                fuzz_touch(out, out_len);
            }
            pith_arena_release(&a, m);
        }
        if (z.extracted > lim.max_total) abort();
    }
    pith_arena_finish(&a);
    return 0;
}
