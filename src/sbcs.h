/* sbcs.h: single-byte code pages (windows-1252 for now) to UTF-8.
 *
 * A code page is ASCII below 0x80 and a table of 128 code points for 0x80..0xFF, generated into
 * src/sbcs_tables.c by tools/gen_sbcs.py from Python's codecs, with the WHATWG Encoding
 * Standard's choices where the two differ (windows-1252 maps its five undefined bytes 0x81,
 * 0x8D, 0x8F, 0x90, 0x9D to U+0081.. as browsers do). A byte a code page leaves undefined is
 * U+FFFD in its table. ISO-8859-x, windows-125x and KOI8 fit the same shape and are added by
 * listing them in the script; EBCDIC pages (cp500), whose low half is not ASCII, will need a
 * second table for 0x00..0x7F. Labels are matched as WHATWG "get an encoding" does.
 */
#ifndef PITH_SBCS_H
#define PITH_SBCS_H

#include <stddef.h>
#include <stdint.h>

typedef struct pith_sbcs {
    const char *name;      /* WHATWG name: "windows-1252" */
    const uint16_t *high;  /* 128 code points for bytes 0x80..0xFF; U+FFFD where undefined */
} pith_sbcs;

typedef struct pith_sbcs_label {
    const char *label;     /* lowercase: "latin1", "cp1252", ... */
    const pith_sbcs *cs;
} pith_sbcs_label;

/* Generated (src/sbcs_tables.c). */
extern const pith_sbcs pith_sbcs_windows_1252;
extern const pith_sbcs_label pith_sbcs_labels[];  /* terminated by {NULL, NULL} */

/* The code page a label names (ASCII case-insensitive, surrounding ASCII whitespace ignored,
 * e.g. "ISO-8859-1" or " cp1252"), or NULL when none of the compiled-in pages has it. label may
 * be NULL when n is 0. */
const pith_sbcs *pith_sbcs_find(const char *label, size_t n);

static inline uint32_t pith_sbcs_decode(const pith_sbcs *cs, uint8_t b)
{
    return b < 0x80 ? b : cs->high[b - 0x80];
}

/* Decode in[0..n) to UTF-8 at out (cap bytes). Every byte maps to one code point of 1..3 UTF-8
 * bytes, so cap >= 3 * n always takes the whole input; otherwise it stops at the first byte
 * whose encoding does not fit. Returns bytes written, *used = input bytes consumed. */
size_t pith_sbcs_to_utf8(const pith_sbcs *cs, const uint8_t *in, size_t n, uint8_t *out,
                         size_t cap, size_t *used);

#endif
