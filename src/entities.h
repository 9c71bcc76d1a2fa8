/* entities.h: HTML character references, named and numeric (WHATWG HTML §13.2.5.72-80 and the
 * named character references table of §13.5).
 *
 * The table is generated (src/entities_table.c by tools/gen_entities.py, from Python's
 * html.entities.html5; the format is described there): all 2,231 names, front-coded and
 * Huffman-coded in blocks with their values and found by a binary search over the block heads,
 * never a linear scan. Matching follows the tokenizer's "maximum
 * match" rule: a name followed by ';' is looked up whole, else the longest of the 106 legacy
 * names (those valid without a semicolon, "amp", "copy", "not" ...) that starts the input.
 * Used by the HTML handler; the XML and Markdown handlers can use the same calls (XML only needs
 * the five predefined names, CommonMark needs the semicolon and pith_entity_lookup). Pure
 * functions over static tables: thread-safe, no allocation.
 */
#ifndef PITH_ENTITIES_H
#define PITH_ENTITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Generated (src/entities_table.c). */
extern const uint32_t pith_entity_count;
extern const uint32_t pith_entity_block_count;
extern const uint32_t pith_entity_block_size;
extern const uint32_t pith_entity_name_max;  /* longest name without ';' (31) */
extern const uint32_t pith_entity_names_len;  /* bytes of pith_entity_names */
extern const uint16_t pith_entity_blocks[];   /* byte offset of each block in the names */
extern const uint8_t pith_entity_first[];     /* first block of each first letter (A-Z a-z) */
extern const uint32_t pith_entity_legacy_second[]; /* per first letter (A-Z a-z): bit per second
                                                  * letter (a-z, folded) of a legacy name */
extern const uint8_t pith_entity_code_shared[], pith_entity_code_length[],
    pith_entity_code_char[], pith_entity_code_page[],
    pith_entity_code_kind[];                  /* the canonical Huffman codes */
extern const uint32_t pith_entity_token_count;
extern const uint8_t pith_entity_tokens[];    /* token i (symbol 0x80 + i): a pair of symbols */
extern const uint16_t pith_entity_pages[];    /* code point >> 8 of each page index */
extern const uint16_t pith_entity_second[];   /* the second code points */
extern const uint8_t pith_entity_names[];     /* the bit stream of names and values */

/* What a reference stands for. */
typedef struct pith_entity {
    uint32_t cp[2];      /* the code points; cp[1] is 0 when there is one */
    uint8_t count;       /* 1 or 2 */
    bool semicolon;      /* the match ended with ';' (else it is a legacy name without one) */
} pith_entity;

/* Named reference at s[0..n), the bytes right after '&'. Returns how many bytes it spans (the
 * name, plus ';' when semicolon is set), or 0 when no name matches (the '&' is then literal
 * text). Spec rule for attribute values, left to the caller: a match without ';' followed by
 * '=' or an ASCII alphanumeric is not a reference there. s may be NULL when n is 0. */
size_t pith_entity_match(const uint8_t *s, size_t n, pith_entity *out);

/* Exact lookup of a name without its ';' (name[0..n), case-sensitive): true and *out filled
 * (semicolon set) when it is in the table. */
bool pith_entity_lookup(const uint8_t *name, size_t n, pith_entity *out);

/* Numeric reference at s[0..n), the bytes right after '&' (starting with '#'): "#169;",
 * "#xA9;", "#XA9" (';' optional, as in HTML). Returns the bytes it spans (';' included when
 * present) and the code point after HTML's replacement rules (0, surrogates and values above
 * U+10FFFF become U+FFFD; 0x80-0x9F are read as windows-1252, so "&#150;" is an en dash), or 0
 * when no digit follows "#" / "#x" (then nothing is a reference). Digits beyond what fits are
 * consumed and give U+FFFD. */
size_t pith_entity_numeric(const uint8_t *s, size_t n, uint32_t *cp);

#endif
