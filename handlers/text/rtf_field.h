/* rtf_field.h: the target of a HYPERLINK field instruction (RTF 1.9.1 "Fields"; the field
 * codes are Word's: HYPERLINK "url" [\l "anchor"] [\o "tip"] [\t "frame"] [\m] [\n]).
 */
#ifndef PITH_RTF_FIELD_H
#define PITH_RTF_FIELD_H

#include <stddef.h>

/* The href of instruction inst[0..n) into out (cap bytes): the URL, then "#anchor" for \l;
 * returns its length, 0 when inst is not a HYPERLINK or names no target. A target longer than
 * cap is cut (never past cap). */
size_t rtf_field_href(const char *inst, size_t n, char *out, size_t cap);

#endif
