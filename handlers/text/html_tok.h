/* html_tok.h: the HTML tokenizer, a pull iterator over a UTF-8 buffer (WHATWG HTML §13.2.5).
 *
 * It follows the standard's states for what decides where text is: data, tag open, end tag
 * open, tag name, the attribute name/value states (double-, single-quoted and unquoted),
 * self-closing start tag, markup declarations (comments with their abrupt "<!-->" and "--!>"
 * endings, DOCTYPE, CDATA sections in foreign content, bogus comments for "<?", "</1" and
 * "<!x"), and the RCDATA, RAWTEXT, script data and PLAINTEXT content models, which the tree
 * builder switches on after the start tags that need them. Text comes out raw: character
 * references and newlines are the caller's (html.c decodes them as it collapses whitespace).
 * Left out: the script data escape states ("<!--<script>" inside a script keeps "</script>"
 * from ending it) and the parse errors themselves. Bounds: a text token is at most
 * PITH_HTML_TEXT_MAX bytes (cut where no character reference or UTF-8 sequence spans the cut),
 * a tag keeps its first PITH_HTML_ATTR_MAX attributes (later ones are skipped), and every call
 * consumes at least one byte until the end. No allocation, no recursion.
 */
#ifndef PITH_HTML_TOK_H
#define PITH_HTML_TOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PITH_HTML_TEXT_MAX ((size_t)64 * 1024)
#define PITH_HTML_ATTR_MAX 32u
#define PITH_HTML_NAME_MAX 16u

typedef enum pith_html_tok_kind {
    PITH_HTML_EOF = 0,
    PITH_HTML_TEXT,    /* p[0..n): text, with references and CR/LF as written */
    PITH_HTML_CDATA,   /* p[0..n): text of a CDATA section: no references in it */
    PITH_HTML_START,   /* name, attributes, self_closing */
    PITH_HTML_END,     /* name */
} pith_html_tok_kind;

/* Content models the tree builder can switch to after a start tag (§13.2.5.2-5). */
typedef enum pith_html_mode {
    PITH_HTML_DATA = 0,
    PITH_HTML_RCDATA,    /* title, textarea: text with references, until the end tag */
    PITH_HTML_RAWTEXT,   /* style, xmp, iframe, noembed, noframes, noscript, script: until the
                            end tag, no references */
    PITH_HTML_PLAINTEXT, /* plaintext: the rest of the input is text */
} pith_html_mode;

typedef struct pith_html_attr {
    const uint8_t *name, *value;  /* raw slices of the input; value may hold references */
    uint32_t name_len, value_len;
} pith_html_attr;

typedef struct pith_html_tok {
    pith_html_tok_kind kind;
    const uint8_t *p;          /* TEXT/CDATA: the text; START/END: the tag's source */
    size_t n;
    size_t offset;             /* where the token starts in the input */
    /* START/END: the name in ASCII lowercase, cut to PITH_HTML_NAME_MAX bytes (name_len is
     * the real length, so a long name never equals a short one), zero bytes after it: a short
     * name compares as two 8-byte words. */
    uint8_t name[PITH_HTML_NAME_MAX];
    uint32_t name_len;
    uint32_t name_hash;        /* FNV-1a of the whole lowercase name */
    bool self_closing;
    bool raw;                  /* TEXT from RAWTEXT/PLAINTEXT content: references are text */
    uint32_t attr_count;
    pith_html_attr attrs[PITH_HTML_ATTR_MAX];
} pith_html_tok;

typedef struct pith_html_tokenizer {
    const uint8_t *d;
    size_t n, pos;
    pith_html_mode mode;
    bool foreign;              /* inside svg/math: CDATA sections are text (set by the tree) */
    bool in_cdata;             /* inside a CDATA section */
    uint8_t end_name[PITH_HTML_NAME_MAX]; /* RCDATA/RAWTEXT end at "</" end_name */
    uint32_t end_len;
} pith_html_tokenizer;

void pith_html_tok_init(pith_html_tokenizer *t, const uint8_t *d, size_t n);
/* Switch the content model after the start tag just returned (name = that tag's name). */
void pith_html_tok_mode(pith_html_tokenizer *t, pith_html_mode mode, const uint8_t *name,
                        uint32_t name_len);
/* The next token into *tok; false (kind PITH_HTML_EOF) at the end of the input. */
bool pith_html_tok_next(pith_html_tokenizer *t, pith_html_tok *tok);

/* The first attribute named name[0..len) (lowercase ASCII), compared ASCII case-insensitively;
 * NULL when the tag has none. PITH_HTML_ATTR(tok, "href") passes a literal's length. */
const pith_html_attr *pith_html_attr_find(const pith_html_tok *tok, const char *name, size_t len);
#define PITH_HTML_ATTR(tok, lit) pith_html_attr_find((tok), (lit), sizeof(lit) - 1)

#endif
