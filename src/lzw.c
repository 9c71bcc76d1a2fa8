/* lzw.c: LZW decoding (ISO 32000-1 §7.4.4.2, TIFF 6.0 §13).
 *
 * The table holds, per code, the code of its prefix string, its last byte, its first byte and
 * its length; a code's string is written back to front by following prefixes, so each output
 * byte costs one step and nothing recurses. Codes past the table (other than the one being
 * defined, the KwKwK case) are invalid. Limits: output never passes `cap`; every code read
 * consumes input.
 */
#include "lzw.h"

#include <string.h>

#define CLEAR 256u
#define EOD 257u
#define FIRST 258u
#define MAX_CODES 4096u

typedef struct lzw_entry {
    uint16_t prefix;
    uint16_t len;
    uint8_t last, first;
} lzw_entry;

pith_status pith_lzw_decode(const uint8_t *in, size_t len, int early_change, uint8_t *out,
                            size_t cap, size_t *out_len, pith_decode_error *err)
{
    pith_status fail_code = PITH_OK;
    const char *fail_msg = "";
    lzw_entry t[MAX_CODES];
    for (unsigned c = 0; c < 256; c++) {
        t[c].prefix = 0;
        t[c].len = 1;
        t[c].last = t[c].first = (uint8_t)c;
    }
    pith_decode_clear(err);
    unsigned early = early_change ? 1u : 0u;
    unsigned next = FIRST, width = 9;
    int prev = -1;
    uint32_t bits = 0;
    unsigned nbits = 0;
    size_t ip = 0, op = 0;

    /* Each pass reads one code: it consumes at least one input byte every two passes. */
    for (;;) {
        while (nbits < width && ip < len) {
            bits = bits << 8 | in[ip++];
            nbits += 8;
        }
        if (nbits < width) break; /* input ends: leftover bits are padding */
        unsigned code = (bits >> (nbits - width)) & ((1u << width) - 1u);
        nbits -= width;
        if (code == CLEAR) {
            next = FIRST;
            width = 9;
            prev = -1;
            continue;
        }
        if (code == EOD) break;
        PITH_CHECK(code < next || (code == next && prev >= 0), PITH_E_FORMAT,
                   "lzw: code not in the table");
        /* The string of `code`: for the KwKwK case (code == next) it is prev's string plus
         * prev's first byte. */
        unsigned slen, src = code;
        uint8_t first;
        if (code < next) {
            slen = t[code].len;
            first = t[code].first;
        } else {
            slen = t[prev].len + 1u;
            first = t[prev].first;
        }
        size_t room = cap - op;
        size_t keep = slen <= room ? slen : room;
        /* Back to front: position k of the string is written when k < keep. */
        size_t k = slen;
        if (code == next) {
            k--;
            if (k < keep) out[op + k] = first;
            src = (unsigned)prev;
        }
        while (k > 0) {
            k--;
            if (k < keep) out[op + k] = t[src].last;
            src = t[src].prefix;
        }
        op += keep;
        PITH_CHECK(keep == slen, PITH_E_LIMIT, "lzw: output is full");
        if (prev >= 0 && next < MAX_CODES) {
            t[next].prefix = (uint16_t)prev;
            t[next].len = (uint16_t)(t[prev].len + 1u);
            t[next].last = first;
            t[next].first = t[prev].first;
            next++;
        }
        if (next + early >= (1u << width) && width < 12) width++;
        prev = (int)code;
    }
    *out_len = op;
    return PITH_OK;

fail:
    *out_len = op;
    return pith_decode_set(err, fail_code, ip, fail_msg);
}
