/* xmldoc.c: the XML document handler (application/xml and the vocabularies it recognises).
 *
 * Text content in document order through the pull tokenizer of src/xml.c (which never reads a
 * DTD, so entity bombs and external entities have nothing to expand); attributes are dropped.
 * Generic XML: the text of each element that holds text directly is a PARAGRAPH, whitespace
 * runs collapsed. The root element picks a vocabulary where it is cheap:
 *   XHTML: HTML's inline elements join their paragraph, h1-h6 are headings, head/script/style
 *     are skipped, <title> becomes the "title" metadata;
 *   SVG: only <text> content (and <title>/<desc>);
 *   DocBook and JATS (root article/book/chapter or the DocBook namespace): title,
 *     article-title and subtitle become headings by section depth, inline elements join;
 *   SpreadsheetML 2003: a TABLE per Worksheet (its name a heading), Row/Cell/Data as cells;
 *   WordprocessingML 2003: w:p paragraphs, w:t text, binary data and properties skipped.
 * XML declared in a pack encoding (Big5, EUC-KR, Shift_JIS...) is decoded here first, since
 * the tokenizer reads only UTF-8, UTF-16 and single-byte encodings.
 * Streaming: one unit, XML_STEP_BYTES of input per step. Nesting is bounded by the tokenizer
 * (limits.max_depth: PITH_E_LIMIT past it); this file keeps a fixed-size array per depth.
 */
#include <stdbool.h>
#include <string.h>

#include "charset.h"
#include "core.h"
#include "utf.h"
#include "xml.h"

#define XML_STEP_BYTES ((size_t)64 * 1024)
#define XML_TITLE_MAX 512u

typedef enum xml_vocab { V_GENERIC, V_XHTML, V_SVG, V_DOC, V_SSML, V_WORDML } xml_vocab;

/* What an element is, per vocabulary. */
typedef enum xml_kind {
    K_BLOCK = 0,  /* its text is a paragraph of its own */
    K_INLINE,     /* its text joins the enclosing block */
    K_HEADING,    /* a block emitted as a heading */
    K_SKIP,       /* dropped with everything inside */
    K_TITLE,      /* its text is the "title" metadata, not output */
    K_TABLE, K_ROW, K_CELL,
    K_SHEET,      /* a SpreadsheetML Worksheet: heading with its name, then its table */
    K_BREAK,      /* a line break leaf */
    K_HIDDEN,     /* a container whose direct text is not output (SVG outside <text>) */
} xml_kind;

typedef struct xml_state {
    pith_xml x;
    xml_vocab vocab;
    bool started;       /* the root START has been read */
    bool done;
    uint32_t max_depth;
    uint8_t *kind;      /* per depth: xml_kind of the element open there */
    uint32_t *blk;      /* per depth: depth of the nearest enclosing block (0 = none) */
    uint8_t *secs;      /* per depth: enclosing section elements (heading levels) */
    uint8_t *hidden;    /* per depth: inside an element whose direct text is not output */
    uint32_t para;      /* depth of the open paragraph/heading/cell, 0 when none */
    bool para_cell;     /* the open block is a table cell (its CELL was begun at START) */
    bool space;         /* whitespace seen after text in the open block: one space owed */
    bool title_on;
    uint32_t title_n;
    char title[XML_TITLE_MAX];
    bool title_done;
} xml_state;

/* MARK: - Vocabularies */

static bool name_in(const pith_str *n, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == n->n && memcmp(*list, n->p, n->n) == 0) return true;
    return false;
}

static bool str_is(const pith_str *s, const char *lit)
{
    return strlen(lit) == s->n && memcmp(lit, s->p, s->n) == 0;
}

static const char *const xhtml_inline[] = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var", "img", NULL};
static const char *const xhtml_skip[] = {"script", "style", "noscript", "template", NULL};
static const char *const doc_inline[] = {
    /* DocBook */
    "emphasis", "link", "ulink", "xref", "literal", "code", "filename", "command", "quote",
    "phrase", "citetitle", "firstterm", "acronym", "abbrev", "replaceable", "userinput",
    "computeroutput", "varname", "function", "parameter", "guilabel", "keycap", "olink",
    "subscript", "superscript", "trademark", "email", "uri",
    /* JATS */
    "italic", "bold", "sup", "sub", "ext-link", "named-content", "monospace", "underline",
    "sc", "inline-formula", "styled-content", "inline-graphic", "roman", "sans-serif",
    "strike", "overline", "abbrev", NULL};
static const char *const doc_sections[] = {
    "sec", "section", "sect1", "sect2", "sect3", "sect4", "sect5", "chapter", "appendix",
    "part", "preface", "app", "ack", "refsect1", "refsect2", NULL};
static const char *const doc_skip[] = {"mml:math", "math", "graphic", "media", NULL};

#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_SVG "http://www.w3.org/2000/svg"
#define NS_DOCBOOK "http://docbook.org/ns/docbook"
#define NS_SSML "urn:schemas-microsoft-com:office:spreadsheet"
#define NS_WORDML "http://schemas.microsoft.com/office/word/2003/wordml"

static xml_vocab vocab_of(const pith_xml_token *t)
{
    if (str_is(&t->uri, NS_XHTML) || (t->uri.n == 0 && str_is(&t->local, "html")))
        return V_XHTML;
    if (str_is(&t->uri, NS_SVG) || (t->uri.n == 0 && str_is(&t->local, "svg"))) return V_SVG;
    if (str_is(&t->uri, NS_DOCBOOK)) return V_DOC;
    if (str_is(&t->uri, NS_SSML) && str_is(&t->local, "Workbook")) return V_SSML;
    if (str_is(&t->uri, NS_WORDML)) return V_WORDML;
    static const char *const doc_roots[] = {"article", "book", "chapter", "part", "set",
                                            "refentry", NULL};
    if (t->uri.n == 0 && name_in(&t->local, doc_roots)) return V_DOC;
    return V_GENERIC;
}

static xml_kind kind_of(xml_state *st, const pith_xml_token *t, uint32_t parent_kind)
{
    const pith_str *n = &t->local;
    switch (st->vocab) {
    case V_XHTML:
        if (name_in(n, xhtml_inline)) return K_INLINE;
        if (name_in(n, xhtml_skip)) return K_SKIP;
        if (str_is(n, "br")) return K_BREAK;
        if (str_is(n, "title")) return K_TITLE;
        if (n->n == 2 && n->p[0] == 'h' && n->p[1] >= '1' && n->p[1] <= '6') return K_HEADING;
        if (str_is(n, "table")) return K_TABLE;
        if (str_is(n, "tr")) return K_ROW;
        if (str_is(n, "td") || str_is(n, "th")) return K_CELL;
        return K_BLOCK;
    case V_SVG:
        if (str_is(n, "text") || str_is(n, "title") || str_is(n, "desc")) return K_BLOCK;
        if (str_is(n, "tspan") || str_is(n, "textPath") || str_is(n, "a")) {
            return parent_kind == K_HIDDEN ? K_HIDDEN : K_INLINE;
        }
        if (str_is(n, "style") || str_is(n, "script")) return K_SKIP;
        return K_HIDDEN;
    case V_DOC:
        if (name_in(n, doc_inline)) return K_INLINE;
        if (name_in(n, doc_skip)) return K_SKIP;
        if (str_is(n, "title") || str_is(n, "article-title") || str_is(n, "subtitle"))
            return K_HEADING;
        return K_BLOCK;
    case V_SSML:
        if (str_is(n, "Worksheet")) return K_SHEET;
        if (str_is(n, "Table")) return K_TABLE;
        if (str_is(n, "Row")) return K_ROW;
        if (str_is(n, "Cell")) return K_CELL;
        if (str_is(n, "Data")) return K_INLINE;
        if (str_is(n, "DocumentProperties") || str_is(n, "ExcelWorkbook") ||
            str_is(n, "Styles") || str_is(n, "WorksheetOptions") || str_is(n, "Comment"))
            return K_SKIP;
        return K_BLOCK;
    case V_WORDML:
        if (str_is(&t->uri, NS_WORDML)) {
            if (str_is(n, "p")) return K_BLOCK;
            if (str_is(n, "br")) return K_BREAK;
            if (str_is(n, "binData") || str_is(n, "instrText") || str_is(n, "docPr") ||
                str_is(n, "fonts") || str_is(n, "styles") || str_is(n, "lists"))
                return K_SKIP;
            if (str_is(n, "tbl")) return K_TABLE;
            if (str_is(n, "tr")) return K_ROW;
            if (str_is(n, "tc")) return K_CELL;
            return K_INLINE;
        }
        /* Office properties, VML shapes' text paths and the like: no body text */
        if (str_is(n, "DocumentProperties") || str_is(n, "CustomDocumentProperties"))
            return K_SKIP;
        return K_INLINE;
    case V_GENERIC:
    default:
        return K_BLOCK;
    }
}

/* MARK: - Open */

/* The encoding label of an XML declaration at the start of d, if any. */
static bool decl_encoding(const uint8_t *d, size_t n, pith_str *label, size_t *decl_end)
{
    size_t i = 0;
    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) i = 3;
    if (n - i < 6 || memcmp(d + i, "<?xml", 5) != 0) return false;
    size_t e = i;
    while (e < n && e - i < 512 && !(d[e] == '?' && e + 1 < n && d[e + 1] == '>')) e++;
    if (e >= n || e - i >= 512) return false;
    for (size_t k = i; k + 8 < e; k++) {
        if (memcmp(d + k, "encoding", 8) != 0) continue;
        size_t j = k + 8;
        while (j < e && (d[j] == ' ' || d[j] == '=' || d[j] == '\t')) j++;
        if (j >= e || (d[j] != '"' && d[j] != '\'')) return false;
        uint8_t q = d[j++];
        size_t s0 = j;
        while (j < e && d[j] != q) j++;
        label->p = (const char *)d + s0;
        label->n = j - s0;
        *decl_end = e + 2;
        return true;
    }
    return false;
}

/* Input declared in a pack encoding: decoded to UTF-8 in document memory, the declaration
 * left out so the tokenizer reads it as UTF-8. */
static pith_status predecode(pith_doc *doc, const uint8_t **data, size_t *len)
{
    pith_str label;
    size_t decl_end;
    pith_charset cs;
    if (!decl_encoding(*data, *len, &label, &decl_end)) return PITH_OK;
    if (!pith_charset_find(label.p, label.n, &cs)) return PITH_OK;
    if (cs.kind != PITH_ENC_CJK && cs.kind != PITH_ENC_ISO2022JP) return PITH_OK;
    pith_charset_decoder dec;
    pith_status s = pith_charset_decoder_open(doc, &cs, &dec);
    if (s != PITH_OK) return s;
    size_t n = *len - decl_end;
    if ((s = pith_work(doc, n)) != PITH_OK) return s;
    if ((s = pith_decompressed(doc, n)) != PITH_OK) return s;
    size_t cap = pith_charset_decode_max(n);
    uint8_t *out = pith_doc_alloc(doc, cap);
    if (!out) return pith_alloc_failed(doc, cap);
    size_t used;
    *len = pith_charset_decode(&dec, *data + decl_end, n, true, out, cap, &used);
    *data = out;
    return pith_doc_add_meta(doc, "encoding", cs.name, strlen(cs.name));
}

static pith_status xml_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    xml_state *st = pith_doc_calloc(doc, sizeof *st);
    if (!st) return pith_alloc_failed(doc, sizeof *st);
    pith_status s = predecode(doc, &data, &len);
    if (s != PITH_OK) return s;
    /* the document arena: the parse spans steps */
    s = pith_xml_init_doc(&st->x, doc, pith_doc_arena(doc), data, len);
    if (s != PITH_OK && pith_doc_status(doc) == PITH_OK)
        s = pith_fail(doc, s, 0, "xml: %s", st->x.err.message ? st->x.err.message : "unreadable");
    if (s != PITH_OK) return s;
    st->max_depth = st->x.limits.max_depth + 2;
    size_t n = st->max_depth;
    st->kind = pith_doc_calloc(doc, n);
    st->blk = pith_doc_calloc(doc, n * sizeof *st->blk);
    st->secs = pith_doc_calloc(doc, n);
    st->hidden = pith_doc_calloc(doc, n);
    if (!st->kind || !st->blk || !st->secs || !st->hidden) return pith_alloc_failed(doc, n * 4);
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    *state = st;
    return PITH_OK;
}

/* MARK: - Blocks */

static pith_status block_end(pith_doc *doc, xml_state *st)
{
    if (!st->para) return PITH_OK;
    xml_kind k = (xml_kind)st->kind[st->para];
    st->para = 0;
    st->space = false;
    if (st->para_cell) {
        st->para_cell = false;
        return PITH_OK;  /* the CELL ends with its element */
    }
    return pith_emit_end(doc, k == K_HEADING ? PITH_EV_HEADING : PITH_EV_PARAGRAPH);
}

static uint32_t heading_level(const xml_state *st, uint32_t depth, const pith_xml_token *t)
{
    if (st->vocab == V_XHTML) return (uint32_t)(t->local.p[1] - '0');
    if (str_is(&t->local, "article-title")) return 1;
    uint32_t l = 1u + st->secs[depth];
    if (str_is(&t->local, "subtitle")) l++;
    return l > 6 ? 6 : l;
}

/* The tokenizer passes ill-formed UTF-8 through (element text and attribute values alike);
 * output is UTF-8, so (*p, *n) is replaced by a scratch copy with each bad sequence U+FFFD. */
static pith_status utf8_clean(pith_doc *doc, const char **p, size_t *n)
{
    if (pith_utf8_valid_prefix((const uint8_t *)*p, *n) == *n) return PITH_OK;
    size_t cap = 3 * *n + 3, used;
    uint8_t *fix = pith_scratch_alloc(doc, cap);
    if (!fix) return pith_alloc_failed(doc, cap);
    *n = pith_utf8_repair((const uint8_t *)*p, *n, true, fix, cap, &used);
    *p = (const char *)fix;
    return PITH_OK;
}

/* Text under the element at `depth`: emit it into its block, whitespace runs as one space. */
static pith_status on_text(pith_doc *doc, xml_state *st, uint32_t depth, const pith_str *text)
{
    if (depth == 0 || depth >= st->max_depth || st->hidden[depth]) return PITH_OK;
    const char *p = text->p;
    size_t n = text->n;
    pith_status s = utf8_clean(doc, &p, &n);
    if (s != PITH_OK) return s;
    if (st->title_on) {
        for (size_t i = 0; i < n && st->title_n < XML_TITLE_MAX; i++)
            st->title[st->title_n++] = p[i];
        return PITH_OK;
    }
    size_t i = 0;
    while (i < n && s == PITH_OK) {
        size_t j = i;
        while (j < n && p[j] != ' ' && p[j] != '\t' && p[j] != '\n' && p[j] != '\r') j++;
        if (j > i) {
            if (!st->para) {
                uint32_t b = st->blk[depth] ? st->blk[depth] : depth;
                xml_kind k = (xml_kind)st->kind[b];
                st->para = b;
                if (k == K_CELL) {
                    st->para_cell = true;
                } else if (k == K_HEADING) {
                    pith_ev_heading h = {(uint32_t)st->secs[b]};  /* level kept at START */
                    s = pith_emit_begin(doc, PITH_EV_HEADING, &h);
                } else {
                    s = pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
                }
            } else if (st->space) {
                s = pith_emit_text(doc, " ", 1, 0);
            }
            st->space = false;
            if (s == PITH_OK) s = pith_emit_text(doc, p + i, j - i, 0);
            i = j;
        }
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) {
            if (st->para) st->space = true;
            i++;
        }
    }
    return s;
}

static pith_status on_start(pith_doc *doc, xml_state *st, const pith_xml_token *t)
{
    uint32_t d = t->depth;
    if (!st->started) {
        st->started = true;
        st->vocab = vocab_of(t);
    }
    if (d >= st->max_depth) return PITH_OK;  /* the tokenizer stops before this */
    xml_kind parent = d > 1 ? (xml_kind)st->kind[d - 1] : K_BLOCK;
    xml_kind k = kind_of(st, t, parent);
    pith_status s = PITH_OK;
    if (k == K_SKIP) return pith_xml_skip(&st->x, t);
    st->kind[d] = (uint8_t)k;
    st->hidden[d] = (uint8_t)(k == K_HIDDEN || (d > 1 && st->hidden[d - 1] && k == K_INLINE));
    st->secs[d] = d > 1 ? st->secs[d - 1] : 0;
    if (st->vocab == V_DOC && name_in(&t->local, doc_sections) && st->secs[d] < 250)
        st->secs[d]++;
    bool block = k != K_INLINE && k != K_HIDDEN && k != K_BREAK;
    st->blk[d] = block ? d : (d > 1 ? st->blk[d - 1] : 0);
    if (k == K_HEADING) st->secs[d] = (uint8_t)heading_level(st, d, t);
    if (block && st->para && k != K_TITLE) s = block_end(doc, st);
    if (s != PITH_OK) return s;
    switch (k) {
    case K_TITLE:
        if (!st->title_done) {
            st->title_on = true;
            st->title_n = 0;
        } else {
            return pith_xml_skip(&st->x, t);
        }
        break;
    case K_BREAK:
        if (st->para) {
            st->space = false;
            s = pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
        }
        break;
    case K_SHEET: {
        const pith_str *name = pith_xml_attr_get(t, NS_SSML, "Name");
        if (name && name->n) {
            pith_ev_heading h = {2};
            const char *p = name->p;
            size_t n = name->n;
            s = utf8_clean(doc, &p, &n);
            if (s == PITH_OK) s = pith_emit_block(doc, PITH_EV_HEADING, &h, p, n);
        }
        break;
    }
    case K_TABLE:
        s = pith_emit_begin(doc, PITH_EV_TABLE, NULL);
        break;
    case K_ROW:
        s = pith_emit_begin(doc, PITH_EV_ROW, NULL);
        break;
    case K_CELL: {
        pith_ev_cell c = {1, 0};
        s = pith_emit_begin(doc, PITH_EV_CELL, &c);
        break;
    }
    default:
        break;
    }
    return s;
}

static pith_status on_end(pith_doc *doc, xml_state *st, const pith_xml_token *t)
{
    uint32_t d = t->depth;
    if (d >= st->max_depth) return PITH_OK;
    pith_status s = PITH_OK;
    xml_kind k = (xml_kind)st->kind[d];
    if (st->para && d <= st->para) s = block_end(doc, st);
    if (s != PITH_OK) return s;
    switch (k) {
    case K_TITLE:
        if (st->title_on) {
            st->title_on = false;
            st->title_done = true;
            /* the buffer may have cut a sequence: keep the valid prefix */
            size_t a = 0, b = pith_utf8_valid_prefix((const uint8_t *)st->title, st->title_n);
            while (a < b && (st->title[a] == ' ' || st->title[a] == '\n')) a++;
            while (b > a && (st->title[b - 1] == ' ' || st->title[b - 1] == '\n')) b--;
            if (b > a) s = pith_doc_add_meta(doc, "title", st->title + a, b - a);
        }
        break;
    case K_TABLE: return pith_emit_end(doc, PITH_EV_TABLE);
    case K_ROW: return pith_emit_end(doc, PITH_EV_ROW);
    case K_CELL: return pith_emit_end(doc, PITH_EV_CELL);
    default: break;
    }
    return s;
}

static pith_status xml_unit(pith_doc *doc, void *state, uint32_t index)
{
    xml_state *st = state;
    (void)index;  /* one unit */
    const uint8_t *start = st->x.p;
    pith_status s = PITH_OK;
    while (!st->done) {
        if ((size_t)(st->x.p - start) >= XML_STEP_BYTES) return PITH_MORE;
        pith_xml_token t;
        s = pith_xml_next(&st->x, &t);
        if (s != PITH_OK) break;
        switch (t.kind) {
        case PITH_XML_EOF: st->done = true; break;
        case PITH_XML_START: s = on_start(doc, st, &t); break;
        case PITH_XML_END: s = on_end(doc, st, &t); break;
        case PITH_XML_TEXT: s = on_text(doc, st, t.depth, &t.text); break;
        }
        if (s != PITH_OK) break;
    }
    if (s == PITH_OK) return block_end(doc, st);
    /* LIMIT and NOMEM were recorded (the document stops); a malformed or truncated file was
     * warned about by the tokenizer and keeps the text read so far */
    st->done = true;
    if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
    if (s == PITH_E_FORMAT || s == PITH_E_TRUNCATED || s == PITH_E_UNSUPPORTED)
        return block_end(doc, st);
    return s;
}

const pith_handler pith_handler_xml = {"xml", xml_open, xml_unit};
