/* wasm_libc.c: libc's memchr for the wasm builds, eight bytes at a time.
 *
 * Emscripten's musl memchr steps four bytes at a time and is built for size; the handlers call
 * memchr for every line (Markdown), raw text run, attribute and detection window, and in Node it
 * was 11% of a 33 KB Markdown call and 4% of a 1.5 KB HTML one. wasm has 64-bit integers and
 * cheap unaligned loads, so this scans a word of eight per step (swar.h's exact per-byte test
 * and its first marked byte). Linked before libc, it is the memchr of the whole module. Native
 * builds keep their libc's (vector code).
 */
#include <stddef.h>
#include <stdint.h>

#include "swar.h"

void *memchr(const void *src, int c, size_t n)
{
    const uint8_t *s = src;
    uint8_t b = (uint8_t)c;
    uint64_t rep = PITH_REP8(b);
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t z = pith_zero_bytes(pith_load8(s + i) ^ rep);
        if (z) return (void *)(s + i + pith_first_marked(z));
    }
    for (; i < n; i++)
        if (s[i] == b) return (void *)(s + i);
    return NULL;
}
