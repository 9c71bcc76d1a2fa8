/* xml.h: a pull tokenizer for XML 1.0 with namespaces, no DOM.
 *
 *   pith_xml x;
 *   if (pith_xml_init(&x, arena, bytes, len, NULL, &err) != PITH_OK) ...;
 *   pith_xml_token t;
 *   while (pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) {
 *       if (t.kind == PITH_XML_START && pith_xml_is(&t, W_NS, "t")) ...
 *   }
 *   // x.err says why a call did not return PITH_OK
 *
 * Tokens are start tags (with attributes, namespaces resolved), end tags (an empty element
 * `<a/>` gives a START flagged PITH_XML_EMPTY and then its END), and text (entities and
 * character references replaced, line ends normalised, CDATA sections as text flagged
 * PITH_XML_CDATA). Comments, processing instructions, the XML declaration and the DOCTYPE are
 * skipped: a DTD is never read, so no entity it declares is ever expanded (billion laughs and
 * external entities have nothing to act on); an unknown entity reference stays as written.
 * Input: UTF-8 (BOM or not), UTF-16 LE/BE (BOM or `<?` pattern), or a single-byte encoding the
 * XML declaration names (ISO-8859-1 and the other labels of src/sbcs.h) are decoded to UTF-8
 * first; another declared encoding is PITH_E_UNSUPPORTED. Invalid UTF-8 is passed through.
 * Limits: element depth (max_depth), namespace declarations in scope (max_ns), work
 * (max_work: bytes consumed + namespace lookups). Thread-safe on distinct pith_xml values.
 */
#ifndef PITH_XML_H
#define PITH_XML_H

#include "arena.h"
#include "core.h"
#include "decode.h"

typedef enum pith_xml_kind {
    PITH_XML_EOF = 0,  /* the root element has ended (and the input with it) */
    PITH_XML_START,    /* start tag: name, attributes */
    PITH_XML_END,      /* end tag (or the end of an empty element): name */
    PITH_XML_TEXT,     /* character data: text */
} pith_xml_kind;

#define PITH_XML_EMPTY 1u  /* START of `<a/>`: its END comes next */
#define PITH_XML_CDATA 2u  /* TEXT from a CDATA section */

typedef struct pith_xml_attr {
    pith_str prefix, local;
    pith_str uri;    /* namespace of a prefixed attribute; empty for an unprefixed one */
    uint32_t ns;     /* uri's index + 1 in x->ns_known, 0 when it is not there (see below) */
    pith_str value;  /* references replaced, whitespace normalised (XML 1.0 §3.3.3) */
} pith_xml_attr;

typedef struct pith_xml_token {
    pith_xml_kind kind;
    uint32_t flags;               /* PITH_XML_EMPTY, PITH_XML_CDATA */
    uint32_t depth;               /* START/END: the element's depth (root 1); TEXT: its parent's */
    pith_str prefix, local, uri;  /* START/END; uri empty when the name has no namespace */
    uint32_t ns;                  /* START/END: uri's index + 1 in x->ns_known, else 0 */
    const pith_xml_attr *attrs;   /* START: nattrs attributes (xmlns declarations left out) */
    uint32_t nattrs;
    pith_str text;                /* TEXT: never empty */
    uint64_t offset;              /* where the token starts in the UTF-8 text (the input offset
                                     for UTF-8 input) */
} pith_xml_token;

typedef struct pith_xml_limits {
    uint32_t max_depth;  /* 0 = 256 (limits.max_depth) */
    uint32_t max_ns;     /* namespace declarations in scope at once; 0 = 1024 */
    uint64_t max_work;   /* 0 = 2^34 */
} pith_xml_limits;

typedef struct pith_xml_frame pith_xml_frame;
typedef struct pith_xml_ns pith_xml_ns;

typedef struct pith_xml {
    const uint8_t *base, *p, *end;  /* the UTF-8 text and the read position */
    const char *encoding;           /* what the input was decoded from: "utf-8", "utf-16le",
                                       "utf-16be", or a code page name */
    pith_arena *arena;
    pith_xml_limits limits;
    uint64_t work, work_charged;
    pith_xml_frame *stack;          /* open elements (internal) */
    uint32_t depth, stack_cap;
    pith_xml_ns *ns;                /* namespace bindings in scope (internal) */
    uint32_t nns, ns_cap;
    pith_xml_attr *attrs;
    uint32_t attr_cap;
    uint8_t *buf;                   /* decoded text of the current token */
    size_t buf_cap;
    bool pending_end, seen_root, done;
    /* Set by the caller after init: an element that would nest deeper than max_depth is
     * skipped whole (its subtree scanned with a counter, no stack, work charged) instead of
     * stopping the tokenizer with PITH_E_LIMIT; with a document, one warning per tokenizer.
     * For readers that would rather keep the text around a pathological subtree. */
    bool skip_deep;
    uint64_t deep_skipped;          /* subtrees skipped so far */
    pith_status status;             /* sticky: once not OK, every call returns it */
    pith_decode_error err;          /* why */
    pith_doc *doc;                  /* set by pith_xml_init_doc */
    /* Set by the caller after init, before the first pith_xml_next: the namespace URIs it
     * tests names against (a static list, ns_nknown entries). Each namespace binding is matched
     * against them once, when it is declared, and tokens and attributes carry the index + 1 of
     * their URI (tok->ns, attr->ns), so a reader tells w:p from a:p by one integer compare
     * instead of comparing a 60-byte URI on every tag (the URI strings stay as they were). */
    const char *const *ns_known;
    uint32_t ns_nknown;
    /* Recent prefix -> binding lookups (internal); emptied whenever the bindings in scope
     * change. */
    struct { pith_str uri; uint32_t id; uint8_t n, p[7]; } ns_cache[4];
    uint32_t ns_cache_next;
} pith_xml;

/* Prepare to read data[0..len) (owned by the caller, unchanged while x is used; UTF-16 and
 * single-byte input is first decoded into `a`). Everything the tokenizer allocates (stacks, the
 * decoded text, the token buffer) comes from `a` and lives as long as it. `lim` NULL =
 * defaults. Returns PITH_OK, PITH_E_UNSUPPORTED (an encoding it cannot decode), PITH_E_LIMIT or
 * PITH_E_NOMEM (the arena), PITH_E_ARG; details in x->err and *err (may be NULL). */
pith_status pith_xml_init(pith_xml *x, pith_arena *a, const uint8_t *data, size_t len,
                          const pith_xml_limits *lim, pith_decode_error *err);

/* The next token into *tok. Its strings point into the input or into x's buffer, valid until
 * the next call. Returns PITH_OK (tok->kind PITH_XML_EOF at the end, and again after it);
 * PITH_E_FORMAT (malformed markup, an end tag that does not match, no root element),
 * PITH_E_TRUNCATED (input ends inside markup or an element), PITH_E_LIMIT (depth, namespaces,
 * work, the arena), PITH_E_NOMEM. After an error every call returns it again; x->err has the
 * message and the offset. */
pith_status pith_xml_next(pith_xml *x, pith_xml_token *tok);

/* After a START: read up to and including its END, dropping what is inside. */
pith_status pith_xml_skip(pith_xml *x, const pith_xml_token *start);

/* tok is a START/END named `local` in namespace `uri` (NULL or "" = no namespace). */
bool pith_xml_is(const pith_xml_token *tok, const char *uri, const char *local);
/* The value of attribute `local` in namespace `uri` (NULL or "" = unprefixed), or NULL. */
const pith_str *pith_xml_attr_get(const pith_xml_token *tok, const char *uri, const char *local);
/* The value of attribute `local` whose namespace is x->ns_known[ns - 1], or NULL (ns 0: NULL;
 * an unprefixed attribute is pith_xml_attr_get(tok, NULL, local)). */
const pith_str *pith_xml_attr_ns(const pith_xml_token *tok, uint32_t ns, const char *local);

/* For handlers: limits from the document (max_depth, max_work as what is left), work units
 * drawn as the tokenizer goes; LIMIT and NOMEM are recorded with pith_fail (the document
 * stops), FORMAT, TRUNCATED and UNSUPPORTED with pith_warn (the handler keeps the text it has, or
 * returns the status to drop the unit). `a` NULL = the handler's scratch arena, rolled back
 * after the unit step: a parse that spans several steps (PITH_MORE) passes the document arena. */
pith_status pith_xml_init_doc(pith_xml *x, pith_doc *doc, pith_arena *a, const uint8_t *data,
                              size_t len);

#endif
