/* docx_numbering.c: list numbering of a WordprocessingML package (ECMA-376 Part 1 §17.9):
 * abstract definitions (w:abstractNum, nine levels of format, start and label text), their
 * instances (w:num, with w:lvlOverride / w:startOverride restarts), and the counters that give
 * each numbered paragraph its label.
 *
 * Counters live with the abstract definition, as in Word: two instances of one definition
 * continue each other's numbering unless an instance overrides a start, which restarts its
 * level the first time that instance is used. Starting a level resets the deeper ones.
 * Formats read: decimal, decimalZero, lower/upperLetter, lower/upperRoman, ordinal (English
 * suffixes), bullet, none; others
 * count as decimal. w:lvlRestart decides which levels restart a deeper one; a defined level
 * without w:start starts at 0. Not read: w:numStyleLink indirection. Every definition counts
 * against max_objects.
 */
#include "docx_int.h"

#include <string.h>

static uint8_t parse_fmt(const pith_str *v)
{
    static const struct {
        const char *name;
        docx_numfmt fmt;
    } fmts[] = {
        {"decimal", DOCX_NF_DECIMAL},          {"decimalZero", DOCX_NF_DECIMAL_ZERO},
        {"lowerLetter", DOCX_NF_LOWER_LETTER}, {"upperLetter", DOCX_NF_UPPER_LETTER},
        {"lowerRoman", DOCX_NF_LOWER_ROMAN},   {"upperRoman", DOCX_NF_UPPER_ROMAN},
        {"ordinal", DOCX_NF_ORDINAL},          {"bullet", DOCX_NF_BULLET},
        {"none", DOCX_NF_NONE},
    };
    if (!v) return DOCX_NF_DECIMAL;
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++)
        if (v->n == strlen(fmts[i].name) && memcmp(v->p, fmts[i].name, v->n) == 0)
            return (uint8_t)fmts[i].fmt;
    return DOCX_NF_DECIMAL;
}

static pith_str keep(pith_doc *doc, const pith_str *v)
{
    pith_str r = {"", 0};
    if (!v || !v->n) return r;
    size_t n = v->n > 48 ? 48 : v->n; /* a label, not content */
    char *p = pith_doc_alloc(doc, n);
    if (!p) return r;
    memcpy(p, v->p, n);
    r.p = p;
    r.n = n;
    return r;
}

static void lvl_init(docx_lvl *l)
{
    memset(l, 0, sizeof *l);
    l->start = 1;
    l->restart = -1;
}

/* A w:lvl element: its start is 0 unless it says (ECMA-376 Part 1 §17.9.26; Word shows "0",
 * "00" or "0th" for such a level, as tika__testWORD_override_list_numbering.docx's own text
 * says), where a level the file never defines keeps 1. */
static void lvl_defined(docx_lvl *l)
{
    l->set = true;
    l->start = 0;
}

/* Grow a table of `size`-byte records in the document arena (doubling). */
static void *grow(pith_doc *doc, void *old, uint32_t n, uint32_t *cap, size_t size)
{
    if (n < *cap) return old;
    uint32_t ncap = *cap ? *cap * 2 : 16;
    void *p = pith_doc_alloc(doc, (size_t)ncap * size);
    if (!p) return NULL;
    if (n) memcpy(p, old, (size_t)n * size);
    *cap = ncap;
    return p;
}

pith_status docx_numbering_load(opc *o, const char *name, size_t n, docx_numbering *out)
{
    pith_doc *doc = o->doc;
    memset(out, 0, sizeof *out);
    pith_arena *scratch = pith_scratch_arena(doc);
    pith_arena_mark m = pith_arena_mark_get(scratch);
    pith_xml x;
    pith_status st = opc_xml(o, name, n, scratch, &x);
    uint32_t acap = 0, ncap = 0;
    docx_abstract *ab = NULL;
    docx_num *nm = NULL;
    docx_lvl *lv = NULL;   /* the level being read (of ab, or an override of nm) */
    int32_t ovr = -1;      /* the lvlOverride's ilvl */
    pith_xml_token t;
    while (st == PITH_OK && pith_xml_next(&x, &t) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind == PITH_XML_END) {
            if (t.depth == 2) ab = NULL, nm = NULL;
            if (DOCX_W(&t, "lvl")) lv = NULL;
            if (DOCX_W(&t, "lvlOverride")) ovr = -1;
            continue;
        }
        if (t.kind != PITH_XML_START || !docx_is_w(&t)) continue;
        if (t.depth == 2 && DOCX_W(&t, "abstractNum")) {
            docx_abstract *na = grow(doc, out->abs, out->nabs, &acap, sizeof *na);
            if (!na || (st = pith_objects(doc, DOCX_LEVELS)) != PITH_OK) break;
            out->abs = na;
            ab = &out->abs[out->nabs++];
            ab->id = docx_attr_int(&t, "abstractNumId", -1);
            for (int i = 0; i < DOCX_LEVELS; i++) {
                lvl_init(&ab->lvl[i]);
                ab->counter[i] = INT32_MIN;
            }
            nm = NULL;
        } else if (t.depth == 2 && DOCX_W(&t, "num")) {
            docx_num *nn = grow(doc, out->num, out->nnum, &ncap, sizeof *nn);
            if (!nn || (st = pith_objects(doc, 1)) != PITH_OK) break;
            out->num = nn;
            nm = &out->num[out->nnum++];
            memset(nm, 0, sizeof *nm);
            nm->id = docx_attr_int(&t, "numId", -1);
            nm->abs = -1;
            for (int i = 0; i < DOCX_LEVELS; i++) {
                lvl_init(&nm->lvl[i]);
                nm->start_override[i] = -1;
            }
            ab = NULL;
        } else if (ab && DOCX_W(&t, "lvl")) {
            int32_t i = docx_attr_int(&t, "ilvl", -1);
            lv = i >= 0 && i < DOCX_LEVELS ? &ab->lvl[i] : NULL;
            if (lv) lvl_defined(lv);
        } else if (nm && DOCX_W(&t, "abstractNumId")) {
            nm->abs = docx_attr_int(&t, "val", -1); /* an id for now: made an index below */
        } else if (nm && DOCX_W(&t, "lvlOverride")) {
            ovr = docx_attr_int(&t, "ilvl", -1);
            if (ovr >= DOCX_LEVELS) ovr = -1;
        } else if (nm && ovr >= 0 && DOCX_W(&t, "startOverride")) {
            nm->start_override[ovr] = docx_attr_int(&t, "val", 0);
        } else if (nm && ovr >= 0 && DOCX_W(&t, "lvl")) {
            lv = &nm->lvl[ovr];
            lvl_defined(lv);
        } else if (lv && DOCX_W(&t, "start")) {
            lv->start = docx_attr_int(&t, "val", 1);
        } else if (lv && DOCX_W(&t, "numFmt")) {
            lv->fmt = parse_fmt(docx_attr(&t, "val"));
        } else if (lv && DOCX_W(&t, "lvlText")) {
            lv->text = keep(doc, docx_attr(&t, "val"));
        } else if (lv && DOCX_W(&t, "lvlRestart")) {
            int32_t v = docx_attr_int(&t, "val", -1);
            lv->restart = (int8_t)(v >= 0 && v <= DOCX_LEVELS ? v : -1);
        } else if (lv && DOCX_W(&t, "isLgl")) {
            lv->legal = docx_attr_on(&t);
        }
        if (pith_doc_status(doc) != PITH_OK) break;
    }
    pith_arena_release(scratch, m);
    if ((st = pith_doc_status(doc)) != PITH_OK) return st;
    if ((st = pith_work(doc, (uint64_t)out->nnum * out->nabs + 1)) != PITH_OK) return st;
    for (uint32_t i = 0; i < out->nnum; i++) {
        int32_t id = out->num[i].abs;
        out->num[i].abs = -1;
        for (uint32_t k = 0; k < out->nabs; k++)
            if (out->abs[k].id == id) {
                out->num[i].abs = (int32_t)k;
                break;
            }
    }
    return PITH_OK;
}

/* MARK: - Labels */

static size_t put_int(char *out, size_t cap, int64_t v, bool zero)
{
    char tmp[24];
    size_t n = 0, k = 0;
    bool neg = v < 0;
    uint64_t u = neg ? (uint64_t)(-(v + 1)) + 1u : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && n < sizeof tmp);
    if (zero && n == 1 && !neg) tmp[n++] = '0';
    if (neg && k < cap) out[k++] = '-';
    while (n && k < cap) out[k++] = tmp[--n];
    return k;
}

/* a, b, ... z, aa, bb, ... (Word repeats the letter) */
static size_t put_letter(char *out, size_t cap, int32_t v, bool upper)
{
    if (v <= 0) return put_int(out, cap, v, false);
    int32_t reps = (v - 1) / 26 + 1;
    char c = (char)((upper ? 'A' : 'a') + (v - 1) % 26);
    size_t k = 0;
    for (int32_t i = 0; i < reps && k < cap && i < 16; i++) out[k++] = c;
    return k;
}

static size_t put_roman(char *out, size_t cap, int32_t v, bool upper)
{
    static const struct {
        int32_t v;
        const char *s;
    } r[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"},
             {50, "l"},   {40, "xl"},  {10, "x"},  {9, "ix"},   {5, "v"},   {4, "iv"}, {1, "i"}};
    if (v <= 0 || v >= 4000) return put_int(out, cap, v, false);
    size_t k = 0;
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        while (v >= r[i].v) {
            for (const char *s = r[i].s; *s && k < cap; s++)
                out[k++] = upper ? (char)(*s - 32) : *s;
            v -= r[i].v;
        }
    return k;
}

static size_t put_value(char *out, size_t cap, int32_t v, uint8_t fmt)
{
    switch ((docx_numfmt)fmt) {
    case DOCX_NF_DECIMAL_ZERO: return put_int(out, cap, v, true);
    case DOCX_NF_LOWER_LETTER: return put_letter(out, cap, v, false);
    case DOCX_NF_UPPER_LETTER: return put_letter(out, cap, v, true);
    case DOCX_NF_LOWER_ROMAN: return put_roman(out, cap, v, false);
    case DOCX_NF_UPPER_ROMAN: return put_roman(out, cap, v, true);
    case DOCX_NF_ORDINAL: {
        size_t k = put_int(out, cap, v, false);
        int32_t a = v < 0 ? -v : v;
        const char *suf = (a % 100 >= 11 && a % 100 <= 13) ? "th"
                        : a % 10 == 1 ? "st" : a % 10 == 2 ? "nd" : a % 10 == 3 ? "rd" : "th";
        for (; *suf && k < cap; suf++) out[k++] = *suf;
        return k;
    }
    case DOCX_NF_BULLET:
    case DOCX_NF_NONE: return 0;
    default: return put_int(out, cap, v, false);
    }
}

static const docx_lvl *level_of(const docx_numbering *nb, const docx_num *num, int32_t i)
{
    if (num->lvl[i].set) return &num->lvl[i];
    return &nb->abs[num->abs].lvl[i];
}

bool docx_numbering_next(docx_numbering *nb, int32_t num_id, int32_t ilvl, docx_label *out)
{
    memset(out, 0, sizeof *out);
    if (num_id <= 0) return false;
    if (ilvl < 0 || ilvl >= DOCX_LEVELS) ilvl = 0;
    docx_num *num = NULL;
    for (uint32_t i = 0; i < nb->nnum; i++)
        if (nb->num[i].id == num_id) {
            num = &nb->num[i];
            break;
        }
    if (!num || num->abs < 0) return false;
    docx_abstract *ab = &nb->abs[num->abs];
    const docx_lvl *lv = level_of(nb, num, ilvl);
    if (lv->fmt == DOCX_NF_NONE && !lv->text.n) return false;
    if (!num->used) {
        num->used = true;
        for (int i = 0; i < DOCX_LEVELS; i++)
            if (num->start_override[i] >= 0) ab->counter[i] = num->start_override[i] - 1;
    }
    int32_t c = ab->counter[ilvl];
    ab->counter[ilvl] = c == INT32_MIN ? lv->start : (c < INT32_MAX ? c + 1 : c);
    /* deeper levels restart, unless their w:lvlRestart names a level above this one (or 0,
     * never): "1.a.I 1.a.II 1.b.III" for a third level that restarts only with the first */
    for (int i = ilvl + 1; i < DOCX_LEVELS; i++) {
        int8_t rs = level_of(nb, num, i)->restart;
        if (rs < 0 || ilvl < rs) ab->counter[i] = INT32_MIN;
    }
    /* a level used before its parents were: the parents count as started (Word and LibreOffice
     * then go on from there: "2.a.I" is followed by "2.b") */
    for (int i = 0; i < ilvl; i++)
        if (ab->counter[i] == INT32_MIN) ab->counter[i] = level_of(nb, num, i)->start;
    out->fmt = lv->fmt;
    out->value = ab->counter[ilvl];

    /* the label: lvlText with %1..%9 replaced by those levels' values */
    size_t k = 0, cap = sizeof out->text;
    int places = 0;
    bool other = false;
    for (size_t i = 0; i < lv->text.n && k < cap; i++) {
        char ch = lv->text.p[i];
        if (ch == '%' && i + 1 < lv->text.n && lv->text.p[i + 1] >= '1' && lv->text.p[i + 1] <= '9') {
            int32_t l = lv->text.p[++i] - '1';
            const docx_lvl *ll = level_of(nb, num, l);
            int32_t v = ab->counter[l] == INT32_MIN ? ll->start : ab->counter[l];
            uint8_t f = lv->legal ? DOCX_NF_DECIMAL : (l == ilvl ? lv->fmt : ll->fmt);
            k += put_value(out->text + k, cap - k, v, f);
            places++;
            if (l != ilvl) other = true;
        } else {
            out->text[k++] = ch;
        }
    }
    out->n = k;
    /* "%1." or "%1)" alone is what an ordered list shows by itself */
    out->simple = lv->fmt == DOCX_NF_DECIMAL && places == 1 && !other && lv->text.n >= 2 &&
                  lv->text.n <= 3 && lv->text.p[0] == '%' && out->value >= 0;
    return true;
}
