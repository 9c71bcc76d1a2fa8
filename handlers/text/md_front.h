/* md_front.h: YAML front matter of a Markdown file (internal to the Markdown handler). */
#ifndef PITH_MD_FRONT_H
#define PITH_MD_FRONT_H

#include "core.h"

/* If s[0..n) opens with YAML front matter, store its title, author, date and tags as the
 * document's metadata and set *skip to the bytes it spans (its closing line included);
 * otherwise *skip is 0. Uses a few KiB of scratch memory. */
pith_status md_front_parse(pith_doc *doc, const char *s, size_t n, size_t *skip);

#endif
