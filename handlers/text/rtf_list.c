/* rtf_list.c: RTF list tables and list labels (RTF 1.9.1, "Lists" and "Bullets and
 * numbering"); see rtf_list.h.
 *
 * \listtable holds {\list ... {\listlevel \levelnfcN ...} ... \listidN} groups and
 * \listoverridetable {\listoverride \listidN ... \lsN} groups; only the number format of each
 * level and the \ls → \listid map are kept: the number itself comes from the paragraph's
 * \listtext, which already counts restarts and overrides the way Word did. Left out: level
 * start overrides (\lfolevel), \leveltext templates, picture bullets. Limits: RTF_LIST_MAX
 * lists and as many overrides; a \listoverride naming a missing list is ignored (the
 * malformed tika__testRTFCorruptListOverride.rtf has one).
 */
#include "rtf_list.h"

#include <string.h>

#define NFC_DECIMAL 0u
#define NFC_BULLET 23u

static pith_status ensure_tables(pith_doc *doc, rtf_lists *l)
{
    if (l->defs) return PITH_OK;
    size_t nd = RTF_LIST_MAX * sizeof *l->defs, no = RTF_LIST_MAX * sizeof *l->ovr;
    l->defs = pith_doc_alloc(doc, nd);
    if (!l->defs) return pith_alloc_failed(doc, nd);
    l->ovr = pith_doc_alloc(doc, no);
    if (!l->ovr) return pith_alloc_failed(doc, no);
    return PITH_OK;
}

pith_status rtf_lists_word(pith_doc *doc, rtf_lists *l, rtf_list_table t, const char *name,
                           bool has_arg, int32_t arg)
{
    pith_status s = ensure_tables(doc, l);
    if (s != PITH_OK) return s;
    if (t == RTF_LISTTABLE) {
        if (strcmp(name, "list") == 0) {
            l->in_def = l->ndefs < RTF_LIST_MAX;
            l->level = -1;
            if (l->in_def) {
                memset(&l->defs[l->ndefs], 0, sizeof l->defs[0]);
                l->defs[l->ndefs++].id = -1;
                s = pith_objects(doc, 1);
            }
            return s;
        }
        if (!l->in_def) return PITH_OK;
        rtf_list_def *d = &l->defs[l->ndefs - 1];
        if (strcmp(name, "listlevel") == 0) {
            if (l->level < (int32_t)RTF_LIST_LEVELS) l->level++;
        } else if ((strcmp(name, "levelnfc") == 0 || strcmp(name, "levelnfcn") == 0) &&
                   has_arg && l->level >= 0 && l->level < (int32_t)RTF_LIST_LEVELS) {
            d->nfc[l->level] = (uint8_t)(arg >= 0 && arg <= 255 ? arg : 255);
            d->known |= (uint16_t)(1u << l->level);
        } else if (strcmp(name, "listid") == 0 && has_arg) {
            d->id = arg;
        }
        return PITH_OK;
    }
    if (strcmp(name, "listoverride") == 0) {
        l->in_ovr = l->novr < RTF_LIST_MAX;
        if (l->in_ovr) {
            l->ovr[l->novr].ls = -1;
            l->ovr[l->novr++].listid = -1;
            s = pith_objects(doc, 1);
        }
        return s;
    }
    if (!l->in_ovr || !has_arg) return PITH_OK;
    rtf_list_override *o = &l->ovr[l->novr - 1];
    if (strcmp(name, "listid") == 0) o->listid = arg;
    else if (strcmp(name, "ls") == 0) o->ls = arg;
    return PITH_OK;
}

/* The number format of level ilvl of the list \ls points at; false when unknown. */
static bool level_nfc(const rtf_lists *l, int32_t ls, uint32_t ilvl, uint8_t *nfc)
{
    if (ls <= 0 || ilvl >= RTF_LIST_LEVELS) return false;
    for (uint32_t i = 0; i < l->novr; i++) {
        if (l->ovr[i].ls != ls) continue;
        for (uint32_t k = 0; k < l->ndefs; k++) {
            const rtf_list_def *d = &l->defs[k];
            if (d->id != l->ovr[i].listid || !(d->known & (1u << ilvl))) continue;
            *nfc = d->nfc[ilvl];
            return true;
        }
        return false;
    }
    return false;
}

/* "12." or "3)": the label an ordered list draws by itself. */
static bool simple_number(const char *s, size_t n, uint32_t *v)
{
    if (n < 2 || n > 10 || (s[n - 1] != '.' && s[n - 1] != ')')) return false;
    uint32_t x = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        x = x * 10 + (uint32_t)(s[i] - '0');
    }
    *v = x;
    return true;
}

/* One character that is no ASCII letter or digit ("·", "•", U+F0B7, "-"): a bullet. */
static bool bullet_glyph(const char *s, size_t n)
{
    if (n == 0) return true;
    uint8_t c = (uint8_t)s[0];
    if (c < 0x80) {
        bool alnum = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
        return n == 1 && !alnum;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return n == len;
}

rtf_label_kind rtf_lists_classify(const rtf_lists *l, int32_t ls, uint32_t ilvl, rtf_pn pn,
                                  const char *label, size_t n, uint32_t *number)
{
    uint8_t nfc = 0;
    uint32_t v = RTF_LIST_NO_NUMBER;
    *number = v;
    if (level_nfc(l, ls, ilvl, &nfc)) {
        if (nfc == NFC_BULLET) return RTF_LABEL_BULLET;
        if (nfc == NFC_DECIMAL && (n == 0 || simple_number(label, n, &v))) {
            *number = v;
            return RTF_LABEL_NUMBER;
        }
        return RTF_LABEL_TEXT;
    }
    if (pn == RTF_PN_BULLET) return RTF_LABEL_BULLET;
    if ((pn == RTF_PN_DECIMAL || pn == RTF_PN_NONE) && simple_number(label, n, &v)) {
        *number = v;
        return RTF_LABEL_NUMBER;
    }
    if (pn == RTF_PN_DECIMAL && n == 0) return RTF_LABEL_NUMBER;
    if (pn != RTF_PN_OTHER && bullet_glyph(label, n)) return RTF_LABEL_BULLET;
    return RTF_LABEL_TEXT;
}
