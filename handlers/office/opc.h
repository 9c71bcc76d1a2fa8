/* opc.h: the Open Packaging Conventions (ECMA-376 Part 2) that DOCX, XLSX and PPTX share:
 * the ZIP package, [Content_Types].xml, relationship parts, and the core/app properties.
 *
 * Part names are kept without the leading '/' (as ZIP stores them) and resolved against the
 * source part's folder ("word/document.xml" + "../media/a.png" → "media/a.png"; "/x" is
 * absolute). Lookups fall back to ASCII case-insensitive matches (producers disagree on case).
 * Everything lives in the document arena unless an arena is passed.
 */
#ifndef PITH_OPC_H
#define PITH_OPC_H

#include <stdbool.h>

#include "core.h"
#include "xml.h"
#include "zip.h"

/* s is the n bytes of lit / ends with them. The readers test element names in long chains on
 * every tag, where a strlen and a memcmp call per test cost more than the compare (in wasm
 * most of all): OPC_IS (lit a string literal) compares the length in place and calls only
 * when it matches, so most tests of a chain are one integer compare even where the compiler
 * inlines nothing (-Oz). (Testing the first byte in place too was 2-5% faster in wasm for
 * 2.8 KB of code at the ~200 call sites: left out.) s is evaluated twice: pass a plain
 * lvalue. */
static inline bool opc_bytes_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}
static inline bool opc_name_ends(pith_str s, const char *lit, size_t n)
{
    return s.n >= n && opc_bytes_eq(s.p + s.n - n, lit, n);
}
#define OPC_IS(s, lit) ((s).n == sizeof(lit) - 1 && opc_bytes_eq((s).p, "" lit, sizeof(lit) - 1))
#define OPC_ENDS(s, lit) opc_name_ends((s), "" lit, sizeof(lit) - 1)

typedef struct opc_rel {
    pith_str id;
    pith_str type;     /* the full relationship type URI */
    pith_str target;   /* resolved part name (internal), or the target as written (external) */
    bool external;     /* TargetMode="External" (hyperlinks) */
} opc_rel;

typedef struct opc_rels {
    opc_rel *rels;
    uint32_t n;
} opc_rels;

typedef struct opc_type {
    pith_str key;      /* an extension (Default, lowercase, no dot) or a part name (Override) */
    pith_str type;     /* the content type */
    bool part;         /* Override */
} opc_type;

typedef struct opc {
    pith_doc *doc;
    pith_zip zip;
    opc_type *types;
    uint32_t ntypes;
    opc_rels root;     /* _rels/.rels (empty when missing: a warning) */
    /* Set by the handler after opc_open: the namespaces it tests names against, given to
     * every tokenizer opc_xml starts (pith_xml's ns_known: tokens carry their index + 1). */
    const char *const *ns_known;
    uint32_t ns_nknown;
} opc;

/* Open the package: the ZIP directory, [Content_Types].xml, _rels/.rels. A missing or broken
 * content types part or package rels is a warning (the handlers fall back to well-known
 * names); an unreadable ZIP is the error pith_zip_open_doc gives. */
pith_status opc_open(pith_doc *doc, opc *o, const uint8_t *data, size_t len);

/* The bytes of part `name` (n bytes, with or without a leading '/'), extracted into `a` (NULL =
 * scratch). PITH_E_FORMAT with a warning when the part is missing (a handler that can go on
 * without it does); LIMIT/NOMEM recorded. A cut or corrupt entry whose front could be decoded
 * gives PITH_OK with those bytes (the zip layer recorded the warning). */
pith_status opc_part(opc *o, const char *name, size_t n, pith_arena *a, const uint8_t **out,
                     size_t *out_len);
/* The part exists. */
bool opc_has_part(const opc *o, const char *name, size_t n);
/* Content type of a part (Override first, then Default by extension); empty when unknown. */
pith_str opc_content_type(const opc *o, const char *name, size_t n);

/* Relationships of part `name` (read from <dir>/_rels/<file>.rels), in `a` (NULL = document
 * arena). A missing rels part gives an empty set and PITH_OK; a broken one a warning. */
pith_status opc_rels_load(opc *o, const char *name, size_t n, pith_arena *a, opc_rels *out);
const opc_rel *opc_rel_by_id(const opc_rels *r, const char *id, size_t n);
/* The first relationship whose type ends with `suffix` ("/officeDocument", "/slide"): the
 * strict (purl.oclc.org) and transitional (schemas.openxmlformats.org) namespaces differ only
 * before it. */
const opc_rel *opc_rel_by_type(const opc_rels *r, const char *suffix);

/* The main part: the package relationship of type .../officeDocument, else the Override whose
 * content type ends with `main_ct_suffix` (e.g. "document.main+xml"), else NULL. */
const opc_rel *opc_main_part(opc *o);
pith_str opc_main_part_by_type(const opc *o, const char *main_ct_suffix);

/* docProps/core.xml and app.xml (found through the package rels, then the usual names) into
 * metadata: title, subject, author (dc:creator), keywords, description, last_modified_by,
 * created, modified (ISO 8601 as written), and from app.xml pages, words, application.
 * Failures are warnings. */
pith_status opc_props_load(opc *o);

/* Resolve `target` against the folder of part `base` into `a`: "../x" climbs, "/x" is
 * absolute, "./" and "%20"-style escapes are decoded, a "#fragment" is dropped. p is NULL when
 * the arena refuses (the caller records the failure). */
pith_str opc_resolve(pith_arena *a, const char *base, size_t base_n, const char *target,
                     size_t target_n);

/* Open an XML part for reading: extract it into `a` and initialise *x for the document
 * (pith_xml_init_doc). */
pith_status opc_xml(opc *o, const char *name, size_t n, pith_arena *a, pith_xml *x);

#endif
