/* rtf_list.h: RTF list tables and list labels (RTF 1.9.1, "Lists" and "Bullets and numbering").
 *
 * Word writes a paragraph's label twice: as the text of a {\listtext ...} (or old-style
 * {\pntext ...}) group, which is what every reader shows, and as a level of \listtable that
 * \lsN (through \listoverridetable) and \ilvlN point at. The table says what kind of label it
 * is (\levelnfc: 0 decimal, 23 bullet, others letters and numerals); the label text gives the
 * number. rtf_lists_classify puts the two together. Tables are bounded: RTF_LIST_MAX lists and
 * overrides are kept, later ones are ignored (their paragraphs fall back to the label text).
 */
#ifndef PITH_RTF_LIST_H
#define PITH_RTF_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

#define RTF_LIST_MAX 512u
#define RTF_LIST_LEVELS 9u

typedef struct rtf_list_def {
    int32_t id;                     /* \listidN */
    uint16_t known;                 /* bit k: level k has a \levelnfc */
    uint8_t nfc[RTF_LIST_LEVELS];   /* \levelnfcN of each level */
} rtf_list_def;

typedef struct rtf_list_override { int32_t ls, listid; } rtf_list_override;

typedef struct rtf_lists {
    rtf_list_def *defs;
    rtf_list_override *ovr;
    uint32_t ndefs, novr;
    int32_t level;                  /* in \listtable: the \listlevel being read, -1 none */
    bool in_def, in_ovr;            /* a \list / \listoverride is being read */
} rtf_lists;

/* Which table a control word is read in. */
typedef enum rtf_list_table { RTF_LISTTABLE, RTF_LISTOVERRIDES } rtf_list_table;

/* A control word inside \listtable or \listoverridetable (name NUL-terminated). Allocates
 * the tables in the document arena on first use. */
pith_status rtf_lists_word(pith_doc *doc, rtf_lists *l, rtf_list_table t, const char *name,
                           bool has_arg, int32_t arg);

/* What old-style numbering (\pn) says about a paragraph. */
typedef enum rtf_pn {
    RTF_PN_NONE = 0, RTF_PN_BULLET, RTF_PN_DECIMAL, RTF_PN_OTHER
} rtf_pn;

typedef enum rtf_label_kind {
    RTF_LABEL_BULLET,   /* an unordered item; the label glyph is the serializer's to draw */
    RTF_LABEL_NUMBER,   /* an ordered item numbered *number ("3." or "3)") */
    RTF_LABEL_TEXT,     /* an unordered item whose label ("a.", "iv)", "1.2.") stays as text */
} rtf_label_kind;

#define RTF_LIST_NO_NUMBER UINT32_MAX

/* The kind of a list paragraph from its \ls and \ilvl (ls <= 0: none), its \pn kind and its
 * label text (UTF-8, trimmed). *number is the label's number for RTF_LABEL_NUMBER, or
 * RTF_LIST_NO_NUMBER when the label has none (the item continues the open list). */
rtf_label_kind rtf_lists_classify(const rtf_lists *l, int32_t ls, uint32_t ilvl, rtf_pn pn,
                                  const char *label, size_t n, uint32_t *number);

#endif
