/* md_inline.h: the Markdown handler's inline parser, link reference table and the small
 * lexical helpers its block parser shares (raw HTML tags, entities, backslash escapes).
 *
 * Follows CommonMark 0.31.2 §6 (inlines) and appendix "A parsing strategy", plus GFM 0.29
 * strikethrough (§6.5). Internal to handlers/text/markdown.c and md_block.c.
 */
#ifndef PITH_MD_INLINE_H
#define PITH_MD_INLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* MARK: - Link reference definitions (Private) */

/* The document's link reference definitions (§4.7): an open-addressing hash table keyed by the
 * normalized label (case folded, inner whitespace collapsed), in document memory. The first
 * definition of a label wins. Caller memory: md_refs_init, no finish (arena memory). */
typedef struct md_ref {
    const char *key;   /* normalized label; NULL for an empty slot */
    uint32_t key_len;
    uint32_t hash;
    const char *href;  /* destination, unescaped and percent-encoded */
    size_t href_len;
} md_ref;

typedef struct md_refs {
    md_ref *slots;
    uint32_t cap;      /* power of two, or 0 */
    uint32_t count;
} md_refs;

void md_refs_init(md_refs *r);
/* Parse the link reference definitions that open s[0..n) (a paragraph's content), add them to
 * the table, and set *used to the bytes they span (0 when the text does not open with one). */
pith_status md_refs_parse(md_refs *r, pith_doc *doc, const char *s, size_t n, size_t *used);
/* Look up a raw label (as written between the brackets); NULL when undefined or invalid. */
const md_ref *md_refs_find(const md_refs *r, pith_doc *doc, const char *label, size_t n);

/* MARK: - Lexical helpers (Private) */

/* Where searches for the end of a raw HTML comment, processing instruction, CDATA section
 * or declaration failed: there is none from that offset on, so later attempts fail at once
 * (an unclosed "<!--" repeated stays linear). */
#define MD_HC_COUNT 4
typedef struct md_html_cache {
    size_t none_from[MD_HC_COUNT];  /* SIZE_MAX: not searched yet */
} md_html_cache;
void md_html_cache_init(md_html_cache *c);

/* Length of the raw HTML construct (§6.6: open tag, closing tag, comment, processing
 * instruction, declaration, CDATA) at s[0..n), s[0] == '<'; 0 when there is none. With
 * `tags_only`, only open and closing tags count (HTML block condition 7). */
size_t md_html_inline(const char *s, size_t n, bool tags_only);
/* The same at text[at] (text[at] == '<') within text[0..n), remembering failed searches. */
size_t md_html_at(const char *text, size_t n, size_t at, md_html_cache *c);
/* The character reference at s[0..n) (s[0] == '&', §2.5): its length, or 0 when there is
 * none; its UTF-8 (at most 8 bytes) goes to out and its length to *out_n. */
size_t md_entity(const char *s, size_t n, char *out, size_t *out_n);
/* Backslash escapes and character references of s[0..n) resolved into out (room for 2n
 * bytes); returns the bytes written. Used for link destinations and info strings. */
size_t md_unescape(const char *s, size_t n, char *out);
/* Percent-encode what may not stand in a URL (cmark's href escaping; '%' is kept as is, so
 * an already encoded URL stays the same) into out (room for 3n bytes); returns the length. */
size_t md_url_encode(const char *s, size_t n, char *out);

/* MARK: - Inline content (Private) */

/* Parse the inline content s[0..n) of a paragraph, heading or table cell and emit it into the
 * open block: text with EMPH/STRONG/CODE/STRIKE flags, LINK containers, IMAGE and BREAK
 * leaves. Soft line breaks are kept as '\n'; raw HTML tags are dropped (their text content is
 * ordinary text around them) except <br>, which is a BREAK. Working memory comes from the
 * scratch arena and is released before returning. Draws n work units. */
pith_status md_inline_emit(pith_doc *doc, const md_refs *refs, const char *s, size_t n);

#endif
