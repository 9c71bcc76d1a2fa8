/* rtf.c: the RTF handler (application/rtf), after the RTF 1.9.1 specification.
 *
 * A single pass over the bytes: groups push and pop a state (destination, \uc skip count,
 * font, bold/italic) on an explicit stack; control words act through a sorted table.
 * Text: literal bytes and \'hh are decoded through the code page of the current font's
 * \fcharset, else \ansicpg (Windows-125x, Mac Roman, and Shift_JIS/GBK/Big5/EUC-KR through
 * the cjk-encodings pack: PITH_E_NEED_PACK at open when \ansicpg names one, or when a prescan
 * of the first MiB finds East Asian font bytes that are not \uN fallbacks; found only later,
 * a warning and U+FFFD); \uN with \ucN fallback skipping (surrogate pairs joined).
 * Structure: \par paragraphs, \line breaks, \tab, tables (\intbl ... \cell ... \row) as TABLE
 * rows, headers/footers/footnotes as SECTIONs (begun on their first text, so the empty ones
 * Word writes leave no event; a footnote in a list item is a SECTION inside the ITEM), field
 * results kept (instructions dropped, a HYPERLINK's target becomes a LINK around its result:
 * rtf_field.c); lists: paragraphs with \lsN/\ilvlN (or old-style \pn) become LIST/ITEM
 * events nested by their left indent (\li, else \ilvl), the label Word
 * wrote in \listtext/\pntext classified through \listtable (rtf_list.c): a decimal label is
 * the ordered list's number, a bullet the serializer's, any other label ("a.", "iv.") stays
 * the item's text; \info title/subject/author/keywords/company become metadata. Skipped: \*
 * destinations, font/color/style tables, pictures, object data, \bin data (N clamped to the
 * bytes left). Hidden text (\v) is kept, as LibreOffice and Word's own text export keep it.
 * Paragraph list properties (\ls, \ilvl, \li, \pn) live in the group state, so a footnote's own
 * \pard does not end the list around it; \intbl is document state, as Word writes it.
 * Limits: groups deeper than limits.max_depth share their parent's state (a group bomb costs
 * a counter); one work unit per byte; one unit read in steps of RTF_STEP bytes; list nesting
 * is at most RTF_LIST_LEVELS (deeper items stay at the deepest level); each list paragraph
 * draws work for its table lookup; labels, field instructions and link targets are cut at
 * fixed caps.
 */
#include <stdbool.h>
#include <string.h>

#include "charset.h"
#include "core.h"
#include "rtf_field.h"
#include "rtf_list.h"
#include "utf.h"

#define RTF_STEP ((size_t)64 * 1024)
#define RTF_TEXT_CAP 4096u  /* decoded body text held before it is emitted */
#define RTF_RAW_CAP 256u    /* code page bytes held before they are decoded */
#define RTF_META_CAP 1024u
#define RTF_MAX_FONTS 4096u
#define RTF_DECODERS 4u
#define RTF_LABEL_CAP 64u   /* a list label ("1.", "iv)", "•") */
#define RTF_INST_CAP 2048u  /* a field instruction */
#define RTF_HREF_CAP 2048u  /* a link target */

typedef enum rtf_dest {
    D_BODY = 0,  /* document text */
    D_SKIP,      /* ignored with everything inside */
    D_FONTTBL,   /* \fonttbl: font numbers and their charsets */
    D_INFO,      /* \info: only the children below are read */
    D_META,      /* an \info child: its text is metadata */
    D_LABEL,     /* \listtext, \pntext: the paragraph's list label */
    D_FLDINST,   /* \fldinst: a field instruction */
    D_LISTTABLE, /* \listtable */
    D_LISTOVR,   /* \listoverridetable */
    D_PN,        /* \pn: old-style numbering of the paragraph */
} rtf_dest;

typedef struct rtf_group {
    uint8_t dest;
    uint8_t meta;      /* D_META: index in meta_keys */
    uint8_t section;   /* 1 + pith_section_kind when this group opened a SECTION, else 0 */
    uint8_t sec_live;  /* that SECTION was emitted (on its first text: Word writes empty
                        * headers and footers, which would be empty events) */
    uint8_t link;      /* this group is the \fldrslt of a HYPERLINK */
    uint8_t resume;    /* SECTION groups: opened inside a paragraph, which goes on after */
    uint8_t list_base; /* SECTION groups: st->list_base outside the section */
    uint32_t uc;       /* \ucN: fallback characters after \uN */
    uint32_t flags;    /* PITH_TEXT_* */
    int32_t font;      /* \fN, -1 for none */
    /* paragraph list properties, reset by \pard */
    int32_t ls;        /* \lsN, 0 for none */
    int32_t li;        /* \liN: the left indent (twips), which shows the nesting */
    uint8_t ilvl;      /* \ilvlN */
    uint8_t pn;        /* rtf_pn */
    uint8_t pn_level;  /* \pnlvlN - 1 */
} rtf_group;

/* A list open in the output: its LIST and the ITEM inside it are both open. */
typedef struct rtf_open_list {
    int32_t key;       /* \ls, -1 for \pn or a bare label */
    int32_t indent;    /* nesting measure: \li, else 360 twips a level */
    bool ordered;
    uint32_t start, count;
} rtf_open_list;

typedef struct rtf_font { int32_t num; uint16_t cp; } rtf_font;

typedef struct rtf_dec { uint32_t cp; bool ok; pith_charset_decoder d; } rtf_dec;

static const char *const meta_keys[] = {"title", "subject", "author", "keywords", "company",
                                        "comments"};

typedef struct rtf_state {
    const uint8_t *data;
    size_t len, pos;

    rtf_group cur;
    rtf_group *stack;
    uint32_t depth, cap;
    uint64_t overflow;       /* groups opened past the stack (they share cur) */
    bool warned_depth, warned_pack;

    uint32_t ansicpg;
    rtf_font *fonts;
    uint32_t nfonts;
    int32_t fontdef;         /* in \fonttbl: the font being defined */
    rtf_dec dec[RTF_DECODERS];
    uint32_t dec_next;

    bool star;               /* a \* was just read (kept across steps) */
    uint32_t skip;           /* fallback characters still to skip after \uN */
    uint32_t high;           /* a \u high surrogate waiting for its low half */

    uint8_t raw[RTF_RAW_CAP];
    uint32_t nraw, raw_cp;

    char text[RTF_TEXT_CAP];
    uint32_t ntext, text_flags;

    char meta[RTF_META_CAP];
    uint32_t nmeta;

    /* blocks */
    bool intbl;              /* the current paragraph is in a table (\intbl, reset by \pard) */
    bool in_para, in_table, in_row, in_cell, cell_text, cell_break;
    bool in_item;            /* the current paragraph is the open ITEM of open[nopen - 1] */
    bool resume;             /* the paragraph goes on after a footnote: no new item */
    bool sec_pending;        /* a section group is open and its SECTION not yet emitted */

    /* lists */
    rtf_lists lists;
    rtf_open_list open[RTF_LIST_LEVELS];
    uint32_t nopen;
    uint32_t list_base;      /* open[0..list_base) belong outside the current section */
    char label[RTF_LABEL_CAP];
    uint32_t nlabel;
    bool has_label;          /* a \listtext/\pntext was read for the coming paragraph */

    /* fields */
    char inst[RTF_INST_CAP];
    uint32_t ninst;
    char href[RTF_HREF_CAP]; /* the target of the link being emitted (events point here) */
    uint32_t nhref;
    bool href_ready;         /* a HYPERLINK instruction was read: the next \fldrslt links */
    bool link_want;          /* inside a linking \fldrslt: text goes in a LINK */
    bool link_open;          /* the LINK event is open */
} rtf_state;

/* MARK: - Code pages */

static uint32_t charset_cp(int32_t cs, uint32_t ansicpg)
{
    switch (cs) {
    case 0: return 1252;
    case 77: return 10000;
    case 128: return 932;
    case 129: return 949;
    case 134: return 936;
    case 136: return 950;
    case 161: return 1253;
    case 162: return 1254;
    case 163: return 1258;
    case 177: return 1255;
    case 178: return 1256;
    case 186: return 1257;
    case 204: return 1251;
    case 222: return 874;
    case 238: return 1250;
    default: return ansicpg;  /* 1 (default), 2 (symbol) and the OEM sets */
    }
}

static pith_charset cp_charset(uint32_t cp)
{
    const char *name = NULL;
    switch (cp) {
    case 932: name = "shift_jis"; break;
    case 936: name = "gbk"; break;
    case 949: name = "euc-kr"; break;
    case 950: name = "big5"; break;
    case 10000: name = "macintosh"; break;
    case 20866: name = "koi8-r"; break;
    case 28591: name = "iso-8859-1"; break;
    case 65001: name = "utf-8"; break;
    case 866: name = "ibm866"; break;
    default: break;
    }
    pith_charset cs;
    if (!name && cp >= 874 && cp <= 1258) {  /* windows-874, windows-1250..1258 */
        char label[16] = "windows-", dig[8];
        size_t k = 8, nd = 0;
        for (uint32_t v = cp; v; v /= 10) dig[nd++] = (char)('0' + v % 10);
        while (nd) label[k++] = dig[--nd];
        if (pith_charset_find(label, k, &cs)) return cs;
    }
    if (name && pith_charset_find(name, strlen(name), &cs)) return cs;
    return pith_charset_named("windows-1252");
}

static bool cp_needs_pack(uint32_t cp)
{
    return cp == 932 || cp == 936 || cp == 949 || cp == 950;
}

/* The decoder of code page cp (a small cache); NULL when it needs the pack and there is none
 * (warned once). */
static pith_charset_decoder *decoder(pith_doc *doc, rtf_state *st, uint32_t cp, pith_status *s)
{
    for (uint32_t i = 0; i < RTF_DECODERS; i++)
        if (st->dec[i].ok && st->dec[i].cp == cp) return &st->dec[i].d;
    rtf_dec *e = &st->dec[st->dec_next++ % RTF_DECODERS];
    pith_charset cs = cp_charset(cp);
    if (cp_needs_pack(cp) &&
        !pith_charset_pack_find(pith_doc_options(doc), PITH_CJK_PACK_NAME)) {
        if (!st->warned_pack) {
            st->warned_pack = true;
            *s = pith_warn(doc, PITH_E_NEED_PACK, st->pos, "rtf: a font uses code page %u, "
                           "which needs data pack cjk-encodings; its text is U+FFFD", cp);
        }
        e->ok = false;
        return NULL;
    }
    *s = pith_charset_decoder_open(doc, &cs, &e->d);
    if (*s != PITH_OK) return NULL;
    e->cp = cp;
    e->ok = true;
    return &e->d;
}

static uint32_t current_cp(const rtf_state *st)
{
    if (st->cur.font >= 0)
        for (uint32_t i = 0; i < st->nfonts; i++)
            if (st->fonts[i].num == st->cur.font) return st->fonts[i].cp;
    return st->ansicpg;
}

/* MARK: - Blocks and text */

static pith_status flush_text(pith_doc *doc, rtf_state *st);

static pith_status end_table(pith_doc *doc, rtf_state *st)
{
    pith_status s = PITH_OK;
    if (st->in_table) s = pith_emit_end(doc, PITH_EV_TABLE);
    st->in_table = st->in_row = st->in_cell = false;
    return s;
}

static pith_status link_close(pith_doc *doc, rtf_state *st)
{
    if (!st->link_open) return PITH_OK;
    st->link_open = false;
    return pith_emit_end(doc, PITH_EV_LINK);
}

/* The innermost open list ends: its ITEM, then the LIST. */
static pith_status list_pop(pith_doc *doc, rtf_state *st)
{
    st->nopen--;
    pith_status s = pith_emit_end(doc, PITH_EV_ITEM);
    return s == PITH_OK ? pith_emit_end(doc, PITH_EV_LIST) : s;
}

static pith_status lists_close(pith_doc *doc, rtf_state *st)
{
    pith_status s = PITH_OK;
    while (st->nopen > st->list_base && s == PITH_OK) s = list_pop(doc, st);
    st->in_item = false;
    return s;
}

static void label_clear(rtf_state *st)
{
    st->nlabel = 0;
    st->has_label = false;
}

/* The label without the tab and spaces around it (Word writes "1.\tab"). */
static pith_str label_trimmed(const rtf_state *st)
{
    uint32_t a = 0, b = (uint32_t)pith_utf8_valid_prefix((const uint8_t *)st->label, st->nlabel);
    while (a < b && (st->label[a] == ' ' || st->label[a] == '\t')) a++;
    while (b > a && (st->label[b - 1] == ' ' || st->label[b - 1] == '\t')) b--;
    pith_str r = {st->label + a, b - a};
    return r;
}

static bool is_list_para(const rtf_state *st)
{
    return st->cur.ls > 0 || st->cur.pn != RTF_PN_NONE || st->has_label;
}

/* The paragraph about to start is a list item: close deeper lists and lists of another kind
 * at its level, continue the open list when the item is its next one (an ordered list's
 * number must follow on), else open a list nested in the enclosing item. Nesting follows the
 * left indent, as the reader sees it, not \ilvl: Word nests items of one list (\ls4, level
 * 0, indented 1440) inside another's (\ls1, level 1, indented 1080), as
 * tika__testRTFListMicrosoftWord.rtf does; \ilvl decides only when there is no \li. */
static pith_status list_item(pith_doc *doc, rtf_state *st)
{
    const rtf_group *g = &st->cur;
    bool old_style = g->ls <= 0 && g->pn != RTF_PN_NONE;
    uint32_t level = old_style ? g->pn_level : g->ilvl;
    if (level >= RTF_LIST_LEVELS) level = RTF_LIST_LEVELS - 1;
    pith_str lab = label_trimmed(st);
    uint32_t number = RTF_LIST_NO_NUMBER;
    /* the classification looks the list up through both tables */
    pith_status s = pith_work(doc, 1u + st->lists.novr + st->lists.ndefs);
    if (s != PITH_OK) return s;
    rtf_label_kind kind = rtf_lists_classify(&st->lists, g->ls, level, (rtf_pn)g->pn, lab.p,
                                             lab.n, &number);
    bool ordered = kind == RTF_LABEL_NUMBER;
    int32_t key = g->ls > 0 ? g->ls : -1;
    int32_t indent = g->li > 0 ? g->li : (int32_t)level * 360;
    while (s == PITH_OK && st->nopen > st->list_base && st->open[st->nopen - 1].indent > indent)
        s = list_pop(doc, st);
    if (s != PITH_OK) return s;
    bool goes_on = false;
    rtf_open_list *top = st->nopen > st->list_base ? &st->open[st->nopen - 1] : NULL;
    if (!top && st->nopen == RTF_LIST_LEVELS) {
        /* a section's list inside items nested as deep as they go: a paragraph */
        label_clear(st);
        st->in_para = true;
        return pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
    }
    if (top && (top->indent == indent || st->nopen == RTF_LIST_LEVELS)) {
        goes_on = top->key == key && top->ordered == ordered &&
                  (!ordered || number == RTF_LIST_NO_NUMBER ||
                   number == top->start + top->count);
        if (goes_on) {
            top->count++;
            s = pith_emit_end(doc, PITH_EV_ITEM);
        } else {
            s = list_pop(doc, st);
        }
    }
    if (s == PITH_OK && !goes_on) {
        /* a full stack had its top popped just above: room left */
        uint32_t start = ordered && number != RTF_LIST_NO_NUMBER ? number : 1u;
        pith_ev_list l = {.ordered = ordered ? 1u : 0u, .start = start};
        st->open[st->nopen++] = (rtf_open_list){key, indent, ordered, start, 1};
        s = pith_emit_begin(doc, PITH_EV_LIST, &l);
    }
    if (s != PITH_OK) return s;
    pith_ev_item it = {.checked = -1};
    if ((s = pith_emit_begin(doc, PITH_EV_ITEM, &it)) != PITH_OK) return s;
    st->in_item = true;
    if (kind == RTF_LABEL_TEXT && lab.n > 0 &&
        (s = pith_emit_text(doc, lab.p, lab.n, 0)) == PITH_OK)
        s = pith_emit_text(doc, " ", 1, 0);
    label_clear(st);
    return s;
}

/* A list label where no list can be (a table cell): its text, bullets left out. */
static pith_status label_as_text(pith_doc *doc, rtf_state *st)
{
    pith_str lab = label_trimmed(st);
    uint32_t number = 0;
    pith_status s = pith_work(doc, 1u + st->lists.novr + st->lists.ndefs);
    if (s != PITH_OK) return s;
    rtf_label_kind kind = rtf_lists_classify(&st->lists, st->cur.ls, st->cur.ilvl,
                                             (rtf_pn)st->cur.pn, lab.p, lab.n, &number);
    if (kind != RTF_LABEL_BULLET && lab.n > 0 &&
        (s = pith_emit_text(doc, lab.p, lab.n, 0)) == PITH_OK)
        s = pith_emit_text(doc, " ", 1, 0);
    label_clear(st);
    return s;
}

/* The SECTION whose group the text is in goes out on its first text: the nearest group that
 * opened one (a search bounded by the stack, once per section). */
static pith_status section_begin(pith_doc *doc, rtf_state *st)
{
    st->sec_pending = false;
    rtf_group *g = &st->cur;
    for (uint32_t d = st->depth; !g->section && d > 0; d--) g = &st->stack[d - 1];
    if (!g->section || g->sec_live) return PITH_OK;
    g->sec_live = 1;
    pith_ev_section sec = {(pith_section_kind)(g->section - 1)};
    return pith_emit_begin(doc, PITH_EV_SECTION, &sec);
}

/* Text is about to go out: the block it belongs to is open. */
static pith_status ensure_block(pith_doc *doc, rtf_state *st)
{
    pith_status s = PITH_OK;
    if (st->sec_pending && (s = section_begin(doc, st)) != PITH_OK) return s;
    if (st->intbl) {
        if (st->in_para || st->nopen || !st->in_table || !st->in_row || !st->in_cell) {
            if ((s = link_close(doc, st)) != PITH_OK) return s;
        }
        if (st->in_para) {
            st->in_para = false;
            if ((s = pith_emit_end(doc, PITH_EV_PARAGRAPH)) != PITH_OK) return s;
        }
        if (st->nopen && (s = lists_close(doc, st)) != PITH_OK) return s;
        if (!st->in_table && (s = pith_emit_begin(doc, PITH_EV_TABLE, NULL)) != PITH_OK)
            return s;
        st->in_table = true;
        if (!st->in_row && (s = pith_emit_begin(doc, PITH_EV_ROW, NULL)) != PITH_OK) return s;
        st->in_row = true;
        if (!st->in_cell) {
            pith_ev_cell c = {1, 0};
            if ((s = pith_emit_begin(doc, PITH_EV_CELL, &c)) != PITH_OK) return s;
            st->in_cell = true;
            st->cell_text = st->cell_break = false;
        }
        if (st->cell_break && st->cell_text) s = pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
        st->cell_break = false;
        st->cell_text = true;
        if (s == PITH_OK && st->has_label) s = label_as_text(doc, st);
        return s;
    }
    if (st->in_table) {
        if ((s = link_close(doc, st)) != PITH_OK || (s = end_table(doc, st)) != PITH_OK) return s;
    }
    if (st->in_para || st->in_item) return PITH_OK;
    if ((s = link_close(doc, st)) != PITH_OK) return s;
    if (st->resume && st->nopen > st->list_base) {
        /* an item's text after its footnote: a paragraph in the item */
        st->in_para = true;
        return pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
    }
    if (is_list_para(st) && !st->resume) return list_item(doc, st);
    if ((s = lists_close(doc, st)) != PITH_OK) return s;
    st->in_para = true;
    s = pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
    if (s == PITH_OK && st->has_label) s = label_as_text(doc, st);
    return s;
}

/* ensure_block, then the LINK when the text is a hyperlink's result. */
static pith_status ensure_inline(pith_doc *doc, rtf_state *st)
{
    pith_status s = ensure_block(doc, st);
    if (s != PITH_OK || !st->link_want || st->link_open) return s;
    pith_ev_link l = {{st->href, st->nhref}};
    st->link_open = true;
    return pith_emit_begin(doc, PITH_EV_LINK, &l);
}

static pith_status flush_text(pith_doc *doc, rtf_state *st)
{
    if (st->ntext == 0) return PITH_OK;
    pith_status s = ensure_inline(doc, st);
    if (s == PITH_OK) s = pith_emit_text(doc, st->text, st->ntext, st->text_flags);
    st->ntext = 0;
    return s;
}

/* Decoded UTF-8 for the current destination. */
static pith_status put_utf8(pith_doc *doc, rtf_state *st, const char *s, size_t n)
{
    if (st->cur.dest == D_META) {
        for (size_t i = 0; i < n && st->nmeta < RTF_META_CAP; i++) st->meta[st->nmeta++] = s[i];
        return PITH_OK;
    }
    if (st->cur.dest == D_LABEL) {
        for (size_t i = 0; i < n && st->nlabel < RTF_LABEL_CAP; i++) st->label[st->nlabel++] = s[i];
        return PITH_OK;
    }
    if (st->cur.dest == D_FLDINST) {
        for (size_t i = 0; i < n && st->ninst < RTF_INST_CAP; i++) st->inst[st->ninst++] = s[i];
        return PITH_OK;
    }
    if (st->cur.dest != D_BODY) return PITH_OK;
    pith_status r = PITH_OK;
    if (st->high) {  /* a \u high surrogate followed by anything but its low half */
        st->high = 0;
        if ((r = put_utf8(doc, st, "\xEF\xBF\xBD", 3)) != PITH_OK) return r;
    }
    if (st->text_flags != st->cur.flags || RTF_TEXT_CAP - st->ntext < n) {
        if ((r = flush_text(doc, st)) != PITH_OK) return r;
        st->text_flags = st->cur.flags;
    }
    if (n > RTF_TEXT_CAP) {  /* cannot happen with the callers' pieces, but stay safe */
        if ((r = ensure_inline(doc, st)) != PITH_OK) return r;
        return pith_emit_text(doc, s, n, st->cur.flags);
    }
    memcpy(st->text + st->ntext, s, n);
    st->ntext += (uint32_t)n;
    return PITH_OK;
}

static pith_status put_cp(pith_doc *doc, rtf_state *st, uint32_t cp)
{
    uint8_t u[4];
    if (cp < 0x20 && cp != '\t') return PITH_OK;
    size_t n = pith_utf8_encode(cp, u);
    return put_utf8(doc, st, (const char *)u, n);
}

/* Decode the held code page bytes. A DBCS lead byte cut by the end of the buffer stays. */
static pith_status flush_raw(pith_doc *doc, rtf_state *st, bool final)
{
    if (st->nraw == 0) return PITH_OK;
    pith_status s = PITH_OK;
    pith_charset_decoder *d = decoder(doc, st, st->raw_cp, &s);
    if (s != PITH_OK) return s;
    if (!d) {
        st->nraw = 0;
        return put_cp(doc, st, 0xFFFD);
    }
    uint8_t out[3 * RTF_RAW_CAP + 4];
    size_t used = 0;
    size_t m = pith_charset_decode(d, st->raw, st->nraw, final, out, sizeof out, &used);
    if (used < st->nraw) memmove(st->raw, st->raw + used, st->nraw - used);
    st->nraw -= (uint32_t)used;
    if (final) st->nraw = 0;
    return put_utf8(doc, st, (const char *)out, m);
}

static pith_status put_byte(pith_doc *doc, rtf_state *st, uint8_t b)
{
    pith_status s = PITH_OK;
    if (st->skip > 0) {
        st->skip--;
        return PITH_OK;
    }
    if (st->cur.dest != D_BODY && st->cur.dest != D_META && st->cur.dest != D_LABEL &&
        st->cur.dest != D_FLDINST)
        return PITH_OK;
    if (b < 0x80 && st->nraw == 0) return put_cp(doc, st, b);
    uint32_t cp = current_cp(st);
    if (st->nraw > 0 && cp != st->raw_cp && (s = flush_raw(doc, st, true)) != PITH_OK) return s;
    if (st->nraw == RTF_RAW_CAP && (s = flush_raw(doc, st, false)) != PITH_OK) return s;
    if (st->nraw == RTF_RAW_CAP) st->nraw = 0;  /* the decoder took nothing: drop */
    st->raw_cp = cp;
    st->raw[st->nraw++] = b;
    return PITH_OK;
}

/* Spaces before a paragraph or cell end are the writer's, not text ("A \cell"). Only what is
 * still held can go; a space already emitted stays. */
static void trim_text(rtf_state *st)
{
    while (st->ntext > 0 && st->text[st->ntext - 1] == ' ') st->ntext--;
}

/* A paragraph ends (\par, \sect, \page). */
static pith_status par(pith_doc *doc, rtf_state *st)
{
    pith_status s = flush_raw(doc, st, true);
    trim_text(st);
    if (s == PITH_OK) s = flush_text(doc, st);
    if (s == PITH_OK) s = link_close(doc, st);  /* reopened in the next paragraph */
    if (s != PITH_OK) return s;
    st->resume = false;
    if (st->intbl) {
        if (st->in_cell) st->cell_break = true;  /* a paragraph inside a cell */
        label_clear(st);
        return PITH_OK;
    }
    if (st->in_table && (s = end_table(doc, st)) != PITH_OK) return s;
    if (st->in_para) {
        st->in_para = false;
        s = pith_emit_end(doc, PITH_EV_PARAGRAPH);
    } else if (!st->in_item && st->has_label && !st->in_table) {
        /* an item with no text still shows its label */
        if (st->sec_pending) s = section_begin(doc, st);
        if (s == PITH_OK) s = list_item(doc, st);
    }
    st->in_item = false;  /* the ITEM stays open: a deeper list may nest in it */
    label_clear(st);
    return s;
}

/* Every block ends: before a section, at the end of the document. */
static pith_status close_blocks(pith_doc *doc, rtf_state *st)
{
    bool tbl = st->intbl;
    st->intbl = false;
    pith_status s = par(doc, st);
    if (s == PITH_OK) s = end_table(doc, st);
    if (s == PITH_OK) s = lists_close(doc, st);
    st->intbl = tbl;
    return s;
}

/* MARK: - Control words */

typedef enum rtf_act {
    A_SKIPDEST, A_FONTTBL, A_INFO, A_META, A_PAR, A_LINE, A_TAB, A_CHAR, A_UC, A_U, A_BIN,
    A_ANSICPG, A_F, A_FCHARSET, A_B, A_I, A_STRIKE, A_V, A_PLAIN, A_PARD, A_INTBL, A_CELL,
    A_ROW, A_SECTION, A_IGNORE, A_LISTTEXT, A_LS, A_ILVL, A_PN, A_FLDINST, A_FLDRSLT,
    A_LISTTABLE, A_LISTOVR, A_LI,
} rtf_act;

typedef struct rtf_word { const char *name; uint8_t act; uint32_t arg; } rtf_word;

/* Sorted by name (strcmp) for the binary search. */
static const rtf_word words[] = {
    {"aftnsep", A_SKIPDEST, 0}, {"aftnsepc", A_SKIPDEST, 0}, {"annotation", A_SKIPDEST, 0},
    {"ansicpg", A_ANSICPG, 0}, {"atnauthor", A_SKIPDEST, 0}, {"atnid", A_SKIPDEST, 0},
    {"author", A_META, 2}, {"b", A_B, 0}, {"background", A_SKIPDEST, 0}, {"bin", A_BIN, 0},
    {"bkmkend", A_SKIPDEST, 0}, {"bkmkstart", A_SKIPDEST, 0}, {"bullet", A_CHAR, 0x2022},
    {"buptim", A_SKIPDEST, 0}, {"category", A_SKIPDEST, 0}, {"cell", A_CELL, 0},
    {"colortbl", A_SKIPDEST, 0}, {"comment", A_META, 5}, {"company", A_META, 4},
    {"creatim", A_SKIPDEST, 0}, {"datafield", A_SKIPDEST, 0}, {"datastore", A_SKIPDEST, 0},
    {"doccomm", A_META, 5}, {"docvar", A_SKIPDEST, 0}, {"emdash", A_CHAR, 0x2014},
    {"emspace", A_CHAR, 0x2003}, {"endash", A_CHAR, 0x2013}, {"enspace", A_CHAR, 0x2002},
    {"f", A_F, 0}, {"falt", A_SKIPDEST, 0}, {"fcharset", A_FCHARSET, 0},
    {"ffdeftext", A_SKIPDEST, 0}, {"ffentrymcr", A_SKIPDEST, 0}, {"ffexitmcr", A_SKIPDEST, 0},
    {"ffformat", A_SKIPDEST, 0}, {"ffhelptext", A_SKIPDEST, 0}, {"ffl", A_SKIPDEST, 0},
    {"ffname", A_SKIPDEST, 0}, {"ffstattext", A_SKIPDEST, 0}, {"fldinst", A_FLDINST, 0},
    {"fldrslt", A_FLDRSLT, 0}, {"fonttbl", A_FONTTBL, 0},
    {"footer", A_SECTION, PITH_SECTION_FOOTER}, {"footerf", A_SECTION, PITH_SECTION_FOOTER},
    {"footerl", A_SECTION, PITH_SECTION_FOOTER}, {"footerr", A_SECTION, PITH_SECTION_FOOTER},
    {"footnote", A_SECTION, PITH_SECTION_FOOTNOTE}, {"formfield", A_SKIPDEST, 0},
    {"ftncn", A_SKIPDEST, 0}, {"ftnsep", A_SKIPDEST, 0}, {"ftnsepc", A_SKIPDEST, 0},
    {"generator", A_SKIPDEST, 0}, {"header", A_SECTION, PITH_SECTION_HEADER},
    {"headerf", A_SECTION, PITH_SECTION_HEADER}, {"headerl", A_SECTION, PITH_SECTION_HEADER},
    {"headerr", A_SECTION, PITH_SECTION_HEADER}, {"i", A_I, 0}, {"ilvl", A_ILVL, 0},
    {"info", A_INFO, 0}, {"intbl", A_INTBL, 0}, {"keywords", A_META, 3},
    {"latentstyles", A_SKIPDEST, 0}, {"ldblquote", A_CHAR, 0x201C}, {"li", A_LI, 0},
    {"line", A_LINE, 0}, {"listoverridetable", A_LISTOVR, 0}, {"listpicture", A_SKIPDEST, 0},
    {"listtable", A_LISTTABLE, 0}, {"listtext", A_LISTTEXT, 0}, {"lquote", A_CHAR, 0x2018},
    {"ls", A_LS, 0}, {"mmathPr", A_SKIPDEST, 0}, {"nestcell", A_CHAR, ' '},
    {"nestrow", A_CHAR, ' '}, {"nesttableprops", A_SKIPDEST, 0}, {"nonesttables", A_SKIPDEST, 0},
    {"nonshppict", A_SKIPDEST, 0}, {"objclass", A_SKIPDEST, 0}, {"objdata", A_SKIPDEST, 0},
    {"objname", A_SKIPDEST, 0}, {"oldcprops", A_SKIPDEST, 0}, {"oldpprops", A_SKIPDEST, 0},
    {"oldsprops", A_SKIPDEST, 0}, {"oldtprops", A_SKIPDEST, 0}, {"operator", A_SKIPDEST, 0},
    {"page", A_PAR, 0}, {"panose", A_SKIPDEST, 0}, {"par", A_PAR, 0}, {"pard", A_PARD, 0},
    {"pgdsctbl", A_SKIPDEST, 0}, {"pict", A_SKIPDEST, 0}, {"plain", A_PLAIN, 0}, {"pn", A_PN, 0},
    {"pntext", A_LISTTEXT, 0}, {"printim", A_SKIPDEST, 0}, {"private", A_SKIPDEST, 0},
    {"protusertbl", A_SKIPDEST, 0}, {"pxe", A_SKIPDEST, 0}, {"rdblquote", A_CHAR, 0x201D},
    {"revtbl", A_SKIPDEST, 0}, {"revtim", A_SKIPDEST, 0}, {"row", A_ROW, 0},
    {"rquote", A_CHAR, 0x2019}, {"rsidtbl", A_SKIPDEST, 0}, {"sect", A_PAR, 0},
    {"shpinst", A_SKIPDEST, 0}, {"sn", A_SKIPDEST, 0}, {"sp", A_SKIPDEST, 0},
    {"strike", A_STRIKE, 0}, {"stylesheet", A_SKIPDEST, 0}, {"subject", A_META, 1},
    {"sv", A_SKIPDEST, 0}, {"tab", A_TAB, 0}, {"tc", A_SKIPDEST, 0}, {"template", A_SKIPDEST, 0},
    {"themedata", A_SKIPDEST, 0}, {"title", A_META, 0}, {"txe", A_SKIPDEST, 0}, {"u", A_U, 0},
    {"uc", A_UC, 0}, {"userprops", A_SKIPDEST, 0}, {"v", A_V, 0},
    {"wgrffmtfilter", A_SKIPDEST, 0}, {"xe", A_SKIPDEST, 0}, {"xmlnstbl", A_SKIPDEST, 0},
};

static const rtf_word *find_word(const char *name)
{
    size_t lo = 0, hi = sizeof words / sizeof words[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, words[mid].name);
        if (c == 0) return &words[mid];
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

static pith_status open_section(pith_doc *doc, rtf_state *st, uint32_t kind)
{
    if (st->cur.dest != D_BODY || st->cur.section) return PITH_OK;
    pith_status s;
    if ((s = flush_raw(doc, st, true)) != PITH_OK || (s = flush_text(doc, st)) != PITH_OK)
        return s;
    uint8_t resume = st->in_para || st->in_item;
    if (st->in_item && !st->intbl) {
        /* a footnote in a list item: the SECTION goes in the ITEM, the lists stay open */
        if ((s = link_close(doc, st)) != PITH_OK) return s;
        st->in_item = false;
    } else if ((s = close_blocks(doc, st)) != PITH_OK) {
        return s;
    }
    st->cur.resume = resume;
    st->cur.list_base = (uint8_t)st->list_base;
    st->list_base = st->nopen;
    st->cur.section = (uint8_t)(1 + kind);
    st->cur.sec_live = 0;
    st->sec_pending = true;
    return PITH_OK;
}

static pith_status add_font(pith_doc *doc, rtf_state *st, int32_t num, int32_t charset)
{
    for (uint32_t i = 0; i < st->nfonts; i++)
        if (st->fonts[i].num == num) {
            st->fonts[i].cp = (uint16_t)charset_cp(charset, st->ansicpg);
            return PITH_OK;
        }
    if (st->nfonts == RTF_MAX_FONTS) return PITH_OK;  /* the rest read in \ansicpg */
    if (!st->fonts) {
        st->fonts = pith_doc_alloc(doc, RTF_MAX_FONTS * sizeof *st->fonts);
        if (!st->fonts) return pith_alloc_failed(doc, RTF_MAX_FONTS * sizeof *st->fonts);
    }
    st->fonts[st->nfonts].num = num;
    st->fonts[st->nfonts++].cp = (uint16_t)charset_cp(charset, st->ansicpg);
    return pith_work(doc, st->nfonts);
}

/* A control word inside {\*\pn ...} (group g): the old-style numbering of the paragraph,
 * kept in the group around the destination, which the paragraph's text is in. */
static void pn_word(rtf_state *st, rtf_group *dst, const char *name, bool has_arg, int32_t arg)
{
    rtf_group *g = st->overflow || st->depth == 0 ? dst : &st->stack[st->depth - 1];
    if (strcmp(name, "pn") == 0) {
        g->pn = RTF_PN_NONE;
        g->pn_level = 0;
    } else if (strcmp(name, "pnlvlblt") == 0) {
        g->pn = RTF_PN_BULLET;
        g->pn_level = 0;
    } else if (strcmp(name, "pnlvlbody") == 0) {
        g->pn_level = 0;
        if (g->pn == RTF_PN_NONE) g->pn = RTF_PN_DECIMAL;
    } else if (strcmp(name, "pnlvl") == 0 && has_arg) {
        g->pn_level = (uint8_t)(arg >= 1 && arg <= (int32_t)RTF_LIST_LEVELS ? arg - 1 : 0);
        if (g->pn == RTF_PN_NONE) g->pn = RTF_PN_DECIMAL;
    } else if (strcmp(name, "pndec") == 0) {
        if (g->pn != RTF_PN_BULLET) g->pn = RTF_PN_DECIMAL;
    } else if (strcmp(name, "pnucltr") == 0 || strcmp(name, "pnlcltr") == 0 ||
               strcmp(name, "pnucrm") == 0 || strcmp(name, "pnlcrm") == 0 ||
               strcmp(name, "pncard") == 0 || strcmp(name, "pnord") == 0 ||
               strcmp(name, "pnordt") == 0) {
        if (g->pn != RTF_PN_BULLET) g->pn = RTF_PN_OTHER;
    } else if (strcmp(name, "pntxta") == 0 || strcmp(name, "pntxtb") == 0) {
        dst->dest = D_SKIP;  /* the label's text around the number: \pntext has it whole */
    }
}

static pith_status control_word(pith_doc *doc, rtf_state *st, const char *name, bool has_arg,
                                int32_t arg, bool star)
{
    const rtf_word *w = find_word(name);
    pith_status s = PITH_OK;
    rtf_group *g = &st->cur;
    if (st->skip > 0 && !(w && (w->act == A_PAR || w->act == A_CELL || w->act == A_ROW))) {
        st->skip--;  /* a control word in the \uN fallback counts as one character */
        return PITH_OK;
    }
    if (star && (!w || !(w->act == A_SECTION || w->act == A_FLDINST || w->act == A_PN ||
                         w->act == A_LISTTABLE || w->act == A_LISTOVR))) {
        g->dest = D_SKIP;  /* \* destinations this reader does not know */
        return PITH_OK;
    }
    if (g->dest == D_SKIP) return PITH_OK;
    if (g->dest == D_LISTTABLE || g->dest == D_LISTOVR) {
        if (w && w->act == A_SKIPDEST) {  /* \listpicture */
            g->dest = D_SKIP;
            return PITH_OK;
        }
        return rtf_lists_word(doc, &st->lists,
                              g->dest == D_LISTTABLE ? RTF_LISTTABLE : RTF_LISTOVERRIDES, name,
                              has_arg, arg);
    }
    if (g->dest == D_PN) {
        pn_word(st, g, name, has_arg, arg);
        return PITH_OK;
    }
    if (!w) return PITH_OK;
    if (g->dest == D_FONTTBL) {
        if (w->act == A_F) st->fontdef = arg;
        if (w->act == A_FCHARSET && has_arg) s = add_font(doc, st, st->fontdef, arg);
        if (w->act == A_SKIPDEST) g->dest = D_SKIP;
        return s;
    }
    if (g->dest == D_INFO) {
        if (w->act == A_META) {
            g->dest = D_META;
            g->meta = (uint8_t)w->arg;
            st->nmeta = 0;
        } else if (w->act == A_SKIPDEST) {
            g->dest = D_SKIP;
        }
        return PITH_OK;
    }
    /* in metadata, labels and field instructions only characters (and the font that decodes
     * them) count; in the body everything */
    if ((g->dest == D_META || g->dest == D_LABEL || g->dest == D_FLDINST) && w->act != A_U &&
        w->act != A_CHAR && w->act != A_UC && w->act != A_TAB && w->act != A_F)
        return PITH_OK;
    if ((s = flush_raw(doc, st, true)) != PITH_OK) return s;
    switch ((rtf_act)w->act) {
    case A_SKIPDEST: g->dest = D_SKIP; break;
    case A_FONTTBL: g->dest = D_FONTTBL; st->fontdef = -1; break;
    case A_INFO: g->dest = D_INFO; break;
    case A_META: g->dest = D_SKIP; break;  /* \title and the like outside \info */
    case A_PAR: s = par(doc, st); break;
    case A_LINE:
        if ((s = flush_text(doc, st)) == PITH_OK && (s = ensure_block(doc, st)) == PITH_OK)
            s = pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
        break;
    case A_TAB: s = put_cp(doc, st, '\t'); break;
    case A_CHAR: s = put_cp(doc, st, w->arg); break;
    case A_UC: g->uc = has_arg && arg >= 0 ? (uint32_t)arg : 1; break;
    case A_U: {
        uint32_t u = (uint32_t)(arg < 0 ? arg + 65536 : arg) & 0xFFFF;
        uint32_t hi = st->high;
        st->high = 0;
        if (hi && u >= 0xDC00 && u <= 0xDFFF) {
            s = put_cp(doc, st, 0x10000 + ((hi - 0xD800) << 10) + (u - 0xDC00));
        } else {
            if (hi) s = put_cp(doc, st, 0xFFFD);
            if (u >= 0xD800 && u <= 0xDBFF) st->high = u;
            else if (s == PITH_OK) s = put_cp(doc, st, u >= 0xDC00 && u <= 0xDFFF ? 0xFFFD : u);
        }
        st->skip = g->uc;
        return s;
    }
    case A_ANSICPG:
        if (has_arg && arg > 0) st->ansicpg = (uint32_t)arg;
        break;
    case A_F: g->font = has_arg ? arg : -1; break;
    case A_B: g->flags = (has_arg && arg == 0) ? g->flags & ~PITH_TEXT_STRONG
                                               : g->flags | PITH_TEXT_STRONG; break;
    case A_I: g->flags = (has_arg && arg == 0) ? g->flags & ~PITH_TEXT_EMPH
                                               : g->flags | PITH_TEXT_EMPH; break;
    case A_STRIKE: g->flags = (has_arg && arg == 0) ? g->flags & ~PITH_TEXT_STRIKE
                                                    : g->flags | PITH_TEXT_STRIKE; break;
    case A_V:
        /* hidden text is kept: LibreOffice and Word's own text export show it, and field
         * instructions, the common hidden material, are skipped as \fldinst already */
        break;
    case A_PLAIN: g->flags = 0; break;
    case A_PARD:
        if ((s = flush_text(doc, st)) == PITH_OK) st->intbl = false;
        g->ls = 0;
        g->li = 0;
        g->ilvl = 0;
        g->pn = RTF_PN_NONE;
        g->pn_level = 0;
        break;
    case A_LS: g->ls = has_arg && arg > 0 ? arg : 0; break;
    case A_LI: g->li = has_arg ? arg : 0; break;
    case A_ILVL:
        g->ilvl = (uint8_t)(has_arg && arg > 0 ? (arg < (int32_t)RTF_LIST_LEVELS ? arg
                                                   : (int32_t)RTF_LIST_LEVELS - 1) : 0);
        break;
    case A_PN:
        pn_word(st, g, "pn", false, 0);
        g->dest = D_PN;
        break;
    case A_LISTTEXT:
        /* the label of the paragraph that follows: read, then placed by ensure_block */
        if ((s = flush_text(doc, st)) != PITH_OK) break;
        g->dest = D_LABEL;
        st->nlabel = 0;
        st->has_label = true;
        break;
    case A_LISTTABLE: g->dest = D_LISTTABLE; break;
    case A_LISTOVR: g->dest = D_LISTOVR; break;
    case A_FLDINST:
        g->dest = D_FLDINST;
        st->ninst = 0;
        st->href_ready = false;
        break;
    case A_FLDRSLT:
        /* a HYPERLINK's result: the text before it goes out unlinked, the rest in a LINK */
        if (st->href_ready && !st->link_want && (s = flush_text(doc, st)) == PITH_OK) {
            g->link = 1;
            st->link_want = true;
        }
        st->href_ready = false;
        break;
    case A_INTBL: st->intbl = true; break;
    case A_CELL:
        trim_text(st);
        if ((s = flush_text(doc, st)) != PITH_OK) break;
        st->intbl = true;
        if (!st->in_cell) {  /* an empty cell */
            if ((s = ensure_block(doc, st)) != PITH_OK) break;
        }
        st->in_cell = false;
        s = pith_emit_end(doc, PITH_EV_CELL);
        break;
    case A_ROW:
        if ((s = flush_text(doc, st)) != PITH_OK) break;
        if (st->in_cell) {
            st->in_cell = false;
            if ((s = pith_emit_end(doc, PITH_EV_CELL)) != PITH_OK) break;
        }
        if (st->in_row) {
            st->in_row = false;
            s = pith_emit_end(doc, PITH_EV_ROW);
        }
        break;
    case A_SECTION: s = open_section(doc, st, w->arg); break;
    case A_BIN:
    case A_FCHARSET:
    case A_IGNORE:
        break;
    }
    return s;
}

/* MARK: - Groups */

static pith_status group_open(pith_doc *doc, rtf_state *st)
{
    pith_status s = flush_raw(doc, st, true);
    if (s != PITH_OK) return s;
    st->skip = 0;  /* a group ends the \uN fallback */
    if (st->depth == st->cap) {
        st->overflow++;
        if (!st->warned_depth) {
            st->warned_depth = true;
            return pith_warn(doc, PITH_E_LIMIT, st->pos, "rtf: groups nested deeper than %u "
                             "(limit max_depth) share their parent's state", st->cap);
        }
        return PITH_OK;
    }
    st->stack[st->depth++] = st->cur;
    st->cur.section = 0;
    st->cur.sec_live = 0;
    st->cur.link = 0;
    st->cur.resume = 0;
    return PITH_OK;
}

static pith_status group_close(pith_doc *doc, rtf_state *st)
{
    pith_status s = flush_raw(doc, st, true);
    if (s != PITH_OK) return s;
    st->skip = 0;
    if (st->overflow) {
        st->overflow--;
        return PITH_OK;
    }
    if (st->depth == 0) return PITH_OK;  /* an extra '}' (or the end of the document) */
    rtf_group *g = &st->cur;
    uint8_t outer = st->stack[st->depth - 1].dest;  /* a destination ends with its own group */
    if (g->dest == D_META && outer != D_META && g->meta < sizeof meta_keys / sizeof meta_keys[0]) {
        /* the buffer may have cut a sequence: keep the valid prefix */
        uint32_t a = 0, b = (uint32_t)pith_utf8_valid_prefix((const uint8_t *)st->meta, st->nmeta);
        while (a < b && st->meta[a] == ' ') a++;
        while (b > a && st->meta[b - 1] == ' ') b--;
        if (b > a) s = pith_doc_add_meta(doc, meta_keys[g->meta], st->meta + a, b - a);
        st->nmeta = 0;
        if (s != PITH_OK) return s;
    }
    if (g->dest == D_FLDINST && outer != D_FLDINST && !st->link_want) {
        /* the href buffer is free (no link is being emitted): a HYPERLINK fills it */
        size_t n = pith_utf8_valid_prefix((const uint8_t *)st->inst, st->ninst);
        st->nhref = (uint32_t)rtf_field_href(st->inst, n, st->href, RTF_HREF_CAP);
        st->nhref = (uint32_t)pith_utf8_valid_prefix((const uint8_t *)st->href, st->nhref);
        st->href_ready = st->nhref > 0;
        st->ninst = 0;
    }
    if (g->link) {
        if ((s = flush_text(doc, st)) != PITH_OK || (s = link_close(doc, st)) != PITH_OK)
            return s;
        st->link_want = false;
    }
    if (g->section) {
        if ((s = close_blocks(doc, st)) != PITH_OK) return s;
        if (g->sec_live && (s = pith_emit_end(doc, PITH_EV_SECTION)) != PITH_OK) return s;
        st->sec_pending = false;
        st->resume = g->resume;
        st->list_base = g->list_base;
    }
    if (g->dest == D_BODY && (s = flush_text(doc, st)) != PITH_OK) return s;
    st->cur = st->stack[--st->depth];
    return PITH_OK;
}

/* MARK: - Open and steps */

static inline bool is_alpha(uint8_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

static uint32_t hexv(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10u : 16u;
}

/* \ansicpgN in the header (the first 4 KiB), to know before the first unit whether the
 * document needs the pack. */
static uint32_t header_cp(const uint8_t *d, size_t n)
{
    static const char key[] = "\\ansicpg";
    size_t lim = n < 4096 ? n : 4096;
    for (size_t i = 0; i + sizeof key - 1 < lim; i++) {
        if (memcmp(d + i, key, sizeof key - 1) != 0) continue;
        uint32_t v = 0;
        for (size_t j = i + sizeof key - 1; j < lim && d[j] >= '0' && d[j] <= '9' && v < 100000;
             j++)
            v = v * 10 + (d[j] - '0');
        return v ? v : 1252;
    }
    return 1252;
}

/* Does the text need a pack code page through a font? A rough pass over the first
 * RTF_PRESCAN bytes: groups carry the font and \uc, and a \'hh byte >= 0x80 that is not the
 * fallback of a \uN, written in a font whose \fcharset is East Asian, says yes. Word declares
 * CJK fonts in nearly every font table, so the table alone cannot decide. Returns the code
 * page or 0. */
#define RTF_PRESCAN ((size_t)1 << 20)
#define RTF_PRESCAN_DEPTH 64u

static uint32_t prescan_cjk(pith_doc *doc, rtf_state *st, pith_status *s)
{
    struct { int32_t font; uint32_t uc; } g[RTF_PRESCAN_DEPTH];
    uint32_t depth = 0, skip = 0;
    int32_t font = -1;
    uint32_t uc = 1;
    const uint8_t *d = st->data;
    size_t n = st->len < RTF_PRESCAN ? st->len : RTF_PRESCAN;
    for (size_t i = 0; i < n;) {
        uint8_t c = d[i++];
        if (c == '{') {
            if (depth < RTF_PRESCAN_DEPTH) {
                g[depth].font = font;
                g[depth].uc = uc;
            }
            depth++;
            skip = 0;
            continue;
        }
        if (c == '}') {
            if (depth > 0 && --depth < RTF_PRESCAN_DEPTH) {
                font = g[depth].font;
                uc = g[depth].uc;
            }
            skip = 0;
            continue;
        }
        if (c != '\\' || i >= n) {
            if (skip && c != '\r' && c != '\n') skip--;
            continue;
        }
        if (d[i] == '\'') {
            uint32_t h = i + 1 < n ? hexv(d[i + 1]) : 16, l = i + 2 < n ? hexv(d[i + 2]) : 16;
            i += 3;
            if (skip) {
                skip--;
                continue;
            }
            if (h < 16 && l < 16 && h >= 8 && font >= 0) {
                for (uint32_t k = 0; k < st->nfonts; k++)
                    if (st->fonts[k].num == font && cp_needs_pack(st->fonts[k].cp))
                        return st->fonts[k].cp;
            }
            continue;
        }
        if (!is_alpha(d[i])) {
            i++;
            if (skip) skip--;
            continue;
        }
        size_t a = i;
        while (i < n && is_alpha(d[i])) i++;
        size_t wl = i - a;
        bool neg = i < n && d[i] == '-';
        if (neg) i++;
        int64_t v = 0;
        bool has = false;
        while (i < n && d[i] >= '0' && d[i] <= '9') {
            if (v < 1000000000) v = v * 10 + (d[i] - '0');
            has = true;
            i++;
        }
        if (i < n && d[i] == ' ') i++;
        if (neg) v = -v;
        if (wl == 1 && d[a] == 'u' && has) {
            skip = uc;
        } else if (skip) {
            skip--;
        } else if (wl == 2 && d[a] == 'u' && d[a + 1] == 'c' && has && v >= 0) {
            uc = (uint32_t)v;
        } else if (wl == 1 && d[a] == 'f' && has) {
            font = (int32_t)v;
        } else if (wl == 8 && memcmp(d + a, "fcharset", 8) == 0 && has) {
            if ((*s = add_font(doc, st, font, (int32_t)v)) != PITH_OK) return 0;
        } else if (wl == 3 && memcmp(d + a, "bin", 3) == 0 && v > 0) {
            i = (uint64_t)v > n - i ? n : i + (size_t)v;
        }
    }
    return 0;
}

static pith_status rtf_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    rtf_state *st = pith_doc_calloc(doc, sizeof *st);
    if (!st) return pith_alloc_failed(doc, sizeof *st);
    st->data = data;
    st->len = len;
    st->cur.font = -1;
    st->cur.uc = 1;
    st->fontdef = -1;
    st->cap = pith_doc_options(doc)->limits.max_depth;
    if (st->cap < 16) st->cap = 16;
    st->stack = pith_doc_alloc(doc, st->cap * sizeof *st->stack);
    if (!st->stack) return pith_alloc_failed(doc, st->cap * sizeof *st->stack);
    st->ansicpg = header_cp(data, len);
    pith_status s = pith_work(doc, len < RTF_PRESCAN ? len : RTF_PRESCAN);
    if (s != PITH_OK) return s;
    uint32_t font_cp = prescan_cjk(doc, st, &s);
    if (s != PITH_OK) return s;
    /* a pack code page the text needs: PITH_E_NEED_PACK now, while the caller can still give
     * the pack and open again */
    uint32_t need[2] = {st->ansicpg, font_cp};
    for (int k = 0; k < 2; k++) {
        if (!cp_needs_pack(need[k]) || (k == 1 && need[1] == need[0])) continue;
        pith_charset cs = cp_charset(need[k]);
        rtf_dec *e = &st->dec[st->dec_next++];
        if ((s = pith_charset_decoder_open(doc, &cs, &e->d)) != PITH_OK) return s;
        e->cp = need[k];
        e->ok = true;
    }
    pith_charset cs = cp_charset(st->ansicpg);
    if ((s = pith_doc_add_meta(doc, "encoding", cs.name, strlen(cs.name))) != PITH_OK) return s;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    *state = st;
    return PITH_OK;
}

/* One control word or symbol at d[i] == '\\'; returns the offset after it. */
static size_t control(pith_doc *doc, rtf_state *st, size_t i, bool *star, pith_status *s)
{
    const uint8_t *d = st->data;
    size_t n = st->len;
    i++;
    if (i >= n) return i;
    uint8_t c = d[i];
    if (!is_alpha(c)) {
        i++;
        if (c == '*') {
            *star = true;
            return i;
        }
        if (c == '\'') {
            uint32_t h = i < n ? hexv(d[i]) : 16, l = i + 1 < n ? hexv(d[i + 1]) : 16;
            if (h < 16 && l < 16) {
                *s = put_byte(doc, st, (uint8_t)(h << 4 | l));
                return i + 2;
            }
            return i;
        }
        if (st->skip > 0 && c != '\r' && c != '\n') {
            st->skip--;
            return i;
        }
        if (c == '\\' || c == '{' || c == '}') *s = put_byte(doc, st, c);
        else if (c == '~') *s = put_cp(doc, st, 0xA0);
        else if (c == '_') *s = put_cp(doc, st, 0x2011);
        else if (c == '\r' || c == '\n') *s = control_word(doc, st, "par", false, 0, false);
        else if (c == '\t') *s = put_cp(doc, st, '\t');
        /* \- (optional hyphen), \| \: (formula, index) give nothing */
        return i;
    }
    char name[33];
    size_t k = 0;
    while (i < n && is_alpha(d[i])) {
        if (k < sizeof name - 1) name[k++] = (char)d[i];
        i++;
    }
    name[k] = 0;
    bool neg = false, has_arg = false;
    int64_t v = 0;
    if (i < n && d[i] == '-') {
        neg = true;
        i++;
    }
    while (i < n && d[i] >= '0' && d[i] <= '9') {
        if (v < 100000000000LL) v = v * 10 + (d[i] - '0');
        has_arg = true;
        i++;
    }
    if (i < n && d[i] == ' ') i++;
    if (neg) v = -v;
    if (v > INT32_MAX) v = INT32_MAX;
    if (v < INT32_MIN) v = INT32_MIN;
    if (strcmp(name, "bin") == 0 && !*star) {
        /* binary data: N bytes taken as they are, N clamped to what is left */
        uint64_t want = v > 0 ? (uint64_t)v : 0;
        if (want > n - i) {
            *s = pith_warn(doc, PITH_E_TRUNCATED, i, "rtf: \\bin%lld past the end of the "
                           "input (%zu bytes left)", (long long)v, n - i);
            want = n - i;
        }
        if (st->skip > 0) st->skip--;
        return i + (size_t)want;
    }
    bool was_star = *star;
    *star = false;
    *s = control_word(doc, st, name, has_arg, (int32_t)v, was_star);
    return i;
}

static pith_status rtf_unit(pith_doc *doc, void *state, uint32_t index)
{
    rtf_state *st = state;
    (void)index;  /* one unit */
    const uint8_t *d = st->data;
    size_t n = st->len, i = st->pos;
    size_t stop = n - i > RTF_STEP ? i + RTF_STEP : n;
    pith_status s = pith_work(doc, stop - i);
    bool star = st->star;
    while (i < stop && s == PITH_OK) {
        uint8_t c = d[i];
        if (c == '{') {
            st->pos = i;
            s = group_open(doc, st);
            i++;
        } else if (c == '}') {
            st->pos = i;
            s = group_close(doc, st);
            i++;
        } else if (c == '\\') {
            st->pos = i;
            i = control(doc, st, i, &star, &s);
            continue;
        } else if (c == '\r' || c == '\n') {
            i++;
        } else if (c == '\t') {
            s = control_word(doc, st, "tab", false, 0, false);
            i++;
        } else {
            /* a run of plain ASCII text: the common case */
            if (st->skip == 0 && st->nraw == 0 && c >= 0x20 && c < 0x80 &&
                st->cur.dest == D_BODY) {
                size_t j = i;
                while (j < stop && j - i < 1024 && d[j] >= 0x20 && d[j] < 0x80 && d[j] != '\\' &&
                       d[j] != '{' && d[j] != '}')
                    j++;
                s = put_utf8(doc, st, (const char *)d + i, j - i);
                i = j;
                continue;
            }
            s = put_byte(doc, st, c);
            i++;
        }
        star = false;
    }
    if (s != PITH_OK) return s;
    st->pos = i;
    st->star = star;
    if ((s = flush_raw(doc, st, i >= n)) != PITH_OK) return s;
    if ((s = flush_text(doc, st)) != PITH_OK) return s;
    if (i < n) return PITH_MORE;
    if (st->depth > 0 || st->overflow > 0) {
        s = pith_warn(doc, PITH_E_TRUNCATED, n, "rtf: %llu groups not closed at the end of "
                      "the input", (unsigned long long)(st->depth + st->overflow));
        if (s != PITH_OK) return s;
    }
    st->link_want = false;
    while (st->depth > 0 && s == PITH_OK) {
        rtf_group *g = &st->cur;
        if (g->section && (s = close_blocks(doc, st)) == PITH_OK && g->sec_live)
            s = pith_emit_end(doc, PITH_EV_SECTION);
        if (g->section) st->list_base = g->list_base;
        st->cur = st->stack[--st->depth];
    }
    if (s == PITH_OK) {
        st->intbl = false;
        s = close_blocks(doc, st);
    }
    return s;
}

const pith_handler pith_handler_rtf = {"rtf", rtf_open, rtf_unit};
