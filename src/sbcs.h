/* sbcs.h: single-byte code pages to UTF-8.
 *
 * A code page is ASCII below 0x80 and 128 code points for 0x80..0xFF, generated into
 * src/sbcs_tables.c by tools/gen_sbcs.py from Python's codecs, with the WHATWG Encoding
 * Standard's choices where the two differ (windows-125x map their undefined bytes to the C1
 * control of the same value, as browsers do; KOI8-U is the WHATWG's KOI8-RU-like table). A byte
 * a code page leaves undefined is U+FFFD in its table. Every WHATWG single-byte encoding is here
 * (ibm866, ISO-8859-2..16 and 8-I, KOI8-R/U, macintosh, windows-874 and 1250..1258,
 * x-mac-cyrillic). windows-1252 is a plain table, decoded in place; the others are stored as
 * runs, most of them relative to a related page (ISO-8859-2 to windows-1250 ...), and turned
 * into a table by pith_sbcs_expand when a document needs one. EBCDIC pages
 * (cp500), whose low half is not ASCII, would need a second table for 0x00..0x7F. Labels are
 * matched as WHATWG "get an encoding" does.
 */
#ifndef PITH_SBCS_H
#define PITH_SBCS_H

#include <stddef.h>
#include <stdint.h>

typedef struct pith_sbcs {
    const char *name;      /* WHATWG name: "windows-1252" */
    const uint16_t *high;  /* 128 code points for bytes 0x80..0xFF, or NULL when stored as runs */
    const uint8_t *runs;   /* the runs (format in tools/gen_sbcs.py) when high is NULL */
    uint32_t runs_len;
    const struct pith_sbcs *base; /* the page the runs copy from where they say so, or NULL */
} pith_sbcs;

/* Generated (src/sbcs_tables.c). */
extern const pith_sbcs pith_sbcs_windows_1252;
/* The languages the sniffer (src/charset.c) weighs: a page and, as a bit per byte 0x80..0xFF
 * (bit b & 7 of top[b >> 3] for byte 0x80 + b), the bytes that encode the language's most
 * frequent letters (tools/gen_sbcs.py SNIFF_LANGS). */
typedef struct pith_sbcs_lang {
    const pith_sbcs *cs;
    uint8_t top[16];
} pith_sbcs_lang;
extern const uint32_t pith_sbcs_lang_count;
extern const pith_sbcs_lang pith_sbcs_langs[];
extern const pith_sbcs *const pith_sbcs_pages[];  /* every page, NULL-terminated */
/* The WHATWG labels, lowercase, sorted and front-coded (tools/gen_sbcs.py): per label the bytes
 * it shares with the previous one, the index of its page in pith_sbcs_pages, then the rest
 * with bit 7 set on the last byte. */
extern const uint32_t pith_sbcs_label_count;
extern const uint8_t pith_sbcs_labels[];

/* The code page a label names (ASCII case-insensitive, surrounding ASCII whitespace ignored,
 * e.g. "ISO-8859-1" or " cp1252"), or NULL when no single-byte page has it. label may be NULL
 * when n is 0. */
const pith_sbcs *pith_sbcs_find(const char *label, size_t n);

/* The page's 128 code points for 0x80..0xFF into high. */
void pith_sbcs_expand(const pith_sbcs *cs, uint16_t high[128]);

/* Code point of byte b (a table lookup for windows-1252; a walk over the runs otherwise: for
 * a few bytes, use pith_sbcs_expand for many). */
uint32_t pith_sbcs_decode_slow(const pith_sbcs *cs, uint8_t b);
static inline uint32_t pith_sbcs_decode(const pith_sbcs *cs, uint8_t b)
{
    if (b < 0x80) return b;
    return cs->high ? cs->high[b - 0x80] : pith_sbcs_decode_slow(cs, b);
}

/* Decode in[0..n) to UTF-8 at out (cap bytes) with a table of 128 code points (a page's high,
 * or one from pith_sbcs_expand). Every byte maps to one code point of 1..3 UTF-8 bytes, so
 * cap >= 3 * n always takes the whole input; otherwise it stops at the first byte whose
 * encoding does not fit. Returns bytes written, *used = input bytes consumed. */
size_t pith_sbcs_table_to_utf8(const uint16_t high[128], const uint8_t *in, size_t n,
                               uint8_t *out, size_t cap, size_t *used);
/* The same for a page with a plain table (windows-1252). */
static inline size_t pith_sbcs_to_utf8(const pith_sbcs *cs, const uint8_t *in, size_t n,
                                       uint8_t *out, size_t cap, size_t *used)
{
    return pith_sbcs_table_to_utf8(cs->high, in, n, out, cap, used);
}

#endif
