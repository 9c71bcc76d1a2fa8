/* fuzz_xml.c: src/xml.c over any bytes, tokenized to EOF or the first error, skipping some
 * elements whole (pith_xml_skip) as the handlers do.
 *
 * Properties: every string of a token is readable to its length (ASan), TEXT is never empty,
 * START/END depths pair up, an error is sticky and has a message, and the tokenizer ends
 * within a bound of calls (no token without progress). */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "xml.h"
#include "fuzz_util.h"

static uint32_t touch_str(const pith_str *s)
{
    if (s->n && !s->p) abort();
    return fuzz_touch(s->p, s->n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pith_budget b;
    pith_budget_init(&b, NULL, 64u << 20);
    pith_arena a;
    pith_arena_init(&a, &b, 0);
    pith_xml x;
    pith_xml_limits lim = {.max_depth = 64, .max_ns = 256, .max_work = 64u << 20};
    pith_status st = pith_xml_init(&x, &a, data, size, &lim, NULL);
    if (st == PITH_OK) {
        pith_xml_token t;
        /* A token needs at least one byte of the decoded text (UTF-16 and code pages at most
         * triple it), END of an empty element none: so 2 tokens per byte, times 3. */
        uint64_t bound = 6 * (uint64_t)size + 16, n = 0;
        uint32_t depth = 0;
        while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
            if (++n > bound) abort();
            switch (t.kind) {
            case PITH_XML_START:
                touch_str(&t.prefix);
                touch_str(&t.local);
                touch_str(&t.uri);
                for (uint32_t i = 0; i < t.nattrs; i++) {
                    touch_str(&t.attrs[i].prefix);
                    touch_str(&t.attrs[i].local);
                    touch_str(&t.attrs[i].uri);
                    touch_str(&t.attrs[i].value);
                }
                if (t.depth != depth + 1 || t.depth > lim.max_depth) abort();
                depth = t.depth;
                /* Skip one element in 8 whole, chosen by its offset. */
                if ((t.offset & 7) == 3 && !(t.flags & PITH_XML_EMPTY)) {
                    st = pith_xml_skip(&x, &t);
                    if (st != PITH_OK) goto done;
                    depth--;
                }
                break;
            case PITH_XML_END:
                touch_str(&t.local);
                if (t.depth != depth || depth == 0) abort();
                depth--;
                break;
            case PITH_XML_TEXT:
                if (t.text.n == 0) abort();
                touch_str(&t.text);
                if (t.depth != depth) abort();
                break;
            default:
                abort();
            }
        }
    done:
        if ((unsigned)st >= PITH_STATUS_COUNT) abort();
        if (st != PITH_OK) {
            if (!x.err.message || x.err.code != st) abort();
            if (pith_xml_next(&x, &t) != st) abort(); /* sticky */
        } else if (depth != 0) {
            abort(); /* EOF with elements open */
        }
    }
    pith_arena_finish(&a);
    return 0;
}
