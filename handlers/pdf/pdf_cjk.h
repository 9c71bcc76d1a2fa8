/* pdf_cjk.h: the predefined CJK CMaps and CID → Unicode tables, from data packs (internal).
 *
 * ISO 32000-1 §9.7.5.2 lists the predefined CMaps (90ms-RKSJ-H, UniGB-UCS2-H, ...); their
 * code → CID tables and each character collection's CID → Unicode table (its
 * Adobe-<Ordering>-UCS2 CMap) come from poppler-data's cMap folder (Adobe's cmap-resources,
 * BSD-3-Clause) through one data pack per collection: "cmap-japan1",
 * "cmap-gb1", "cmap-cns1", "cmap-korea1" (dist/data/cmap-<collection>.bin, written by
 * tools/gen_cmap_packs.py, format described there). Packs are never inside a .wasm: the caller
 * gives them in pith_options.packs. Which collection a CMap name belongs to is known without
 * the pack (a small generated name table), so a document that needs a pack it was not given
 * fails with PITH_E_NEED_PACK "pdf: cmap 90ms-RKSJ-H needs data pack cmap-japan1". A pack is
 * checked before use (magic, version, every section's bounds); corrupt → PITH_E_FORMAT
 * "pack: cmap-japan1: ...".
 */
#ifndef PITH_PDF_CJK_H
#define PITH_PDF_CJK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdf.h"

/* One predefined CMap, checked, from a loaded pack (document arena; lives with the document). */
typedef struct pdf_cjk_cmap pdf_cjk_cmap;
/* One collection's CID → Unicode table, checked (document arena). */
typedef struct pdf_cjk_unicode pdf_cjk_unicode;

/* The predefined CMap `name` (name[0..n), e.g. "90ms-RKSJ-H"), flattened (usecmap applied).
 * NULL with *st = PITH_OK for a name no collection has (Identity-H/V are pdf_font's own and
 * also answer NULL). NULL with *st = PITH_E_NEED_PACK (recorded with pith_fail) when its
 * collection's pack was not given, PITH_E_FORMAT (recorded) for a corrupt pack, LIMIT/NOMEM.
 * Cheap to call once per font; cache the result with the font. */
const pdf_cjk_cmap *pdf_cjk_cmap_get(pdf_ctx *ctx, const char *name, size_t n, pith_status *st);

/* The code at s[0..n) (n > 0): returns the bytes it uses (1..4, by the codespace ranges; a byte
 * sequence in no codespace range uses the shortest range length that fits, as in §9.7.6.3) and
 * its CID in *cid (0 = notdef: in the codespace but not mapped). */
size_t pdf_cjk_cmap_next(const pdf_cjk_cmap *c, const uint8_t *s, size_t n, uint32_t *cid);
bool pdf_cjk_cmap_vertical(const pdf_cjk_cmap *c);
/* The collection's "Registry-Ordering", e.g. "Adobe-Japan1" (NUL-terminated, static). */
const char *pdf_cjk_cmap_collection(const pdf_cjk_cmap *c);

/* The CID → Unicode table of a collection (ro[0..n): "Adobe-Japan1", "Adobe-GB1",
 * "Adobe-CNS1", "Adobe-Korea1"; "Adobe-KR" is not there). NULL with *st = PITH_OK for another
 * collection; errors as pdf_cjk_cmap_get. Call once per font. */
const pdf_cjk_unicode *pdf_cjk_unicode_get(pdf_ctx *ctx, const char *ro, size_t n,
                                           pith_status *st);
/* CID → code points in out (at most 4); returns how many, 0 when unknown. */
uint32_t pdf_cjk_unicode_map(const pdf_cjk_unicode *u, uint32_t cid, uint32_t out[4]);

/* The pack a CMap name or a Registry-Ordering needs ("cmap-japan1"...), NULL when none: lets
 * pdf_font say what is missing before asking. */
const char *pdf_cjk_pack_for_cmap(const char *name, size_t n);
const char *pdf_cjk_pack_for_collection(const char *ro, size_t n);

/* Ask, at open, for every pack the document's fonts will need, so a caller that fetches packs
 * on PITH_E_NEED_PACK (the CLI's --packs, the JS loader) can do it before the first page
 * rather than lose a page: the fonts of every page's /Resources and of the Form XObjects
 * they name (one level) are looked at (dictionary lookups only, no content is read). A Type0
 * font needs its collection's pack when its /Encoding names a predefined CMap (not Identity),
 * or when it has no /ToUnicode and its CIDSystemInfo is one of the four collections.
 * Returns PITH_OK, or PITH_E_NEED_PACK (recorded: "pdf: cmap EUC-H needs data pack
 * cmap-japan1") for the first pack missing, LIMIT (work). Call after pdf_pages_load. */
pith_status pdf_cjk_check_packs(pdf_ctx *ctx);

#endif
