/* docx_int.h: what the DOCX handler's files share (internal): WordprocessingML namespaces,
 * paragraph styles (docx_styles.c) and list numbering (docx_numbering.c).
 * ECMA-376 Part 1 §17.7 (styles) and §17.9 (numbering); both transitional and strict
 * namespaces are read.
 */
#ifndef PITH_DOCX_INT_H
#define PITH_DOCX_INT_H

#include "opc.h"

#define DOCX_W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define DOCX_W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define DOCX_R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define DOCX_R_NS_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships"

/* Levels of a list definition (ilvl 0..8). */
#define DOCX_LEVELS 9

#define DOCX_MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define DOCX_M_NS "http://schemas.openxmlformats.org/officeDocument/2006/math"

/* The namespaces the reader tests names against, by id: docx_ns[id - 1] is the URI. docx_open
 * gives the list to every tokenizer (opc's ns_known), so a token's t->ns says its namespace
 * and a test is an integer compare, not a compare of a 60-byte URI on every tag. */
enum {
    DOCX_NS_W = 1, DOCX_NS_W_STRICT, DOCX_NS_R, DOCX_NS_R_STRICT, DOCX_NS_MC, DOCX_NS_M,
    DOCX_NS_COUNT = DOCX_NS_M
};
extern const char *const docx_ns[DOCX_NS_COUNT];

/* The token is an element of the WordprocessingML namespace (either flavour). */
static inline bool docx_is_w(const pith_xml_token *t)
{
    return t->ns == DOCX_NS_W || t->ns == DOCX_NS_W_STRICT;
}
/* The element is w:<lit> (lit a string literal). */
#define DOCX_W(t, lit) (docx_is_w(t) && OPC_IS((t)->local, lit))
/* Attribute w:<local> (either namespace, or unprefixed: some producers drop the prefix). */
const pith_str *docx_attr(const pith_xml_token *t, const char *local);
/* A decimal attribute value; `dflt` when absent or not a number. */
int32_t docx_attr_int(const pith_xml_token *t, const char *local, int32_t dflt);
/* An on/off property (w:b, w:vanish...): on unless w:val is "0", "false" or "off". */
bool docx_attr_on(const pith_xml_token *t);

/* MARK: - Styles */

typedef struct docx_style {
    pith_str id;
    pith_str based_on;
    uint8_t heading;    /* 1..9 from the name ("heading N", "Title") or outline level; 0 none */
    int8_t outline;     /* w:outlineLvl 0..8, -1 none (9 = body text) */
    int32_t num_id;     /* numbering from the style's numPr; -1 none, 0 = explicitly none */
    int8_t ilvl;        /* -1 none */
} docx_style;

typedef struct docx_styles {
    docx_style *s;
    uint32_t n;
    uint32_t *hash;     /* open addressing over style ids: index + 1, 0 empty */
    uint32_t hcap;      /* power of two */
    int32_t def_para;   /* index of the default paragraph style, -1 none */
} docx_styles;

/* Load styles.xml (part `name`): ids, basedOn chains resolved (bounded, cycles cut). A missing
 * or broken part leaves an empty set (a warning). Document arena. */
pith_status docx_styles_load(opc *o, const char *name, size_t n, docx_styles *out);
/* The style with id[0..n), else the default paragraph style when n == 0, else NULL. */
const docx_style *docx_style_get(const docx_styles *s, const char *id, size_t n);

/* MARK: - Numbering */

typedef enum docx_numfmt {
    DOCX_NF_DECIMAL = 0, DOCX_NF_DECIMAL_ZERO, DOCX_NF_LOWER_LETTER, DOCX_NF_UPPER_LETTER,
    DOCX_NF_LOWER_ROMAN, DOCX_NF_UPPER_ROMAN, DOCX_NF_ORDINAL, DOCX_NF_BULLET, DOCX_NF_NONE
} docx_numfmt;

typedef struct docx_lvl {
    uint8_t fmt;        /* docx_numfmt */
    bool set;           /* defined in the file */
    bool legal;         /* w:isLgl: every %N in decimal */
    int8_t restart;     /* w:lvlRestart: 1-based level whose use restarts this one, 0 never,
                           -1 absent (any higher level) */
    int32_t start;      /* w:start; 0 when a defined level omits it (§17.9.26) */
    pith_str text;      /* w:lvlText, "%1.%2." */
} docx_lvl;

typedef struct docx_abstract {
    int32_t id;
    docx_lvl lvl[DOCX_LEVELS];
    int32_t counter[DOCX_LEVELS];  /* last value given; INT32_MIN = not started */
} docx_abstract;

typedef struct docx_num {
    int32_t id;
    int32_t abs;                   /* index into abstracts, -1 unknown */
    int32_t start_override[DOCX_LEVELS]; /* -1 none */
    docx_lvl lvl[DOCX_LEVELS];     /* lvlOverride/lvl: set ones replace the abstract's */
    bool used;                     /* startOverrides applied once, at first use */
} docx_num;

typedef struct docx_numbering {
    docx_abstract *abs;
    uint32_t nabs;
    docx_num *num;
    uint32_t nnum;
} docx_numbering;

/* What one numbered paragraph shows. */
typedef struct docx_label {
    uint8_t fmt;        /* of its level */
    int32_t value;      /* its counter */
    bool simple;        /* lvlText is just "%L" plus punctuation: a plain ordered list can
                           show it; otherwise `text` is the label to print */
    char text[64];      /* the rendered lvlText ("1.2.", "a)") */
    size_t n;
} docx_label;

pith_status docx_numbering_load(opc *o, const char *name, size_t n, docx_numbering *out);
/* Advance the counter of (num_id, ilvl) and render its label. false when num_id is unknown,
 * 0, or its level has format "none" (the paragraph is then not a list item). */
bool docx_numbering_next(docx_numbering *nb, int32_t num_id, int32_t ilvl, docx_label *out);

/* The Symbol font's codes 0x20..0xFF to Unicode (docx_symbol.c, generated by
 * tools/gen_symbol_font.py); 0 where the font has no glyph. */
extern const uint16_t docx_symbol_uni[224];

#endif
