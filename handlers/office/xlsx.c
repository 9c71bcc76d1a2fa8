/* xlsx.c: the XLSX/XLSM handler (ECMA-376 Part 1 §18: SpreadsheetML; Part 2: OPC).
 *
 * Open: the package (opc.c), the workbook found through the package relationship of type
 * officeDocument (else the content type sheet.main+xml, else xl/workbook.xml), its sheet list
 * in tab order and date system, the shared strings (rich text runs joined, phonetic runs
 * dropped) kept as one blob plus offsets, and the kind of each cell style's number format
 * (xlsx_numfmt.c). Sheets are the units: each is a "##" heading with the sheet's name and a
 * table of the rows that have values, cells from column A to the row's last value. The sheet
 * part is read with the pull tokenizer in steps of XLSX_STEP_IN input bytes or XLSX_STEP_OUT
 * output bytes (PITH_MORE in between), so output and work per step stay bounded; the tokenizer
 * and the part live in the document arena across the steps, and are given back when the
 * sheet ends (see run_end).
 * Sparse sheets: rows without values are skipped and nothing is allocated per empty cell. The
 * table holds columns A..IV (256, the old Excel limit); a value beyond IV is written as a
 * "REF: value" line ("XFD1048576: 42") after closing the table, so a cell far out never turns
 * into thousands of empty cells. In Markdown a sheet longer than one step is several tables
 * (the serializer holds a table whole until it ends). Formulas show their cached value;
 * comments, drawings, charts and merged-cell extents are left out. Metadata: "sheet_names"
 * and "hidden_sheets" (names joined by line feeds) and the package properties.
 * Limits: sheets and strings count against max_objects, every emitted byte draws work, the
 * parts' sizes go through the zip layer's budget; two sheets naming one part (or the
 * workbook) read it once.
 */
#include <stdlib.h>
#include <string.h>

#include "opc.h"
#include "swar.h"
#include "xlsx_numfmt.h"

/* Input bytes of a sheet part, or output bytes, per unit step (see markdown.c's MD_STEP). */
#define XLSX_STEP_IN ((size_t)1024 * 1024)
#define XLSX_STEP_OUT ((size_t)1024 * 1024)
/* Columns of the table: A..IV. Values further right become "REF: value" lines. */
#define XLSX_TABLE_COLS 256u
/* Excel's grid: XFD, row 1048576. References far past it saturate (they only label cells). */
#define XLSX_MAX_COL 16384u
#define XLSX_MAX_ROW 1048576u

typedef struct xlsx_sheet {
    pith_str name;
    pith_str part;    /* the worksheet part, empty when its relationship is missing */
    uint8_t hidden;   /* state="hidden" or "veryHidden" */
} xlsx_sheet;

/* A sheet being read: everything here lives in the document arena from run_begin to run_end. */
typedef struct xlsx_run {
    pith_xml x;
    pith_arena_mark m0;     /* the document arena before the sheet */
    uint32_t warn0;         /* warnings before the sheet */
    bool tainted;           /* someone else allocated in the document arena meanwhile */
    bool in_data, done;
    bool table, row_open, para;
    uint32_t row;           /* current row number (1-based) */
    uint32_t col;           /* column of the last cell read in the row (0: none yet) */
    uint32_t emitted;       /* columns of the current table row emitted */
    bool warned_sst, warned_order;
    uint32_t fast_depth;    /* depth of the row whose cells fast_cell may read, 0: none */
    uint32_t data_depth;    /* depth of the sheetData whose rows fast_row may read, 0: none */
    bool batch;             /* a batch of fast_cell cells is open, watched from batch_mark */
    pith_arena_mark batch_mark;
} xlsx_run;

typedef struct xlsx_state {
    pith_doc *doc;
    pith_arena *da;         /* the document arena (watched around events) */
    opc o;
    xlsx_sheet *sheets;
    uint32_t nsheets;
    bool date1904;
    /* shared strings: string i is sst[off[i] .. off[i+1]) */
    const char *sst;
    const uint32_t *sst_off;
    uint32_t nsst;
    uint32_t sst_max;       /* the longest string's length */
    bool have_sst;
    /* number format kind of each cellXfs entry */
    const uint8_t *xf_kind;
    uint32_t nxf;
    xlsx_run *run;          /* the sheet being read, NULL between sheets */
    uint32_t run_unit;
} xlsx_state;

/* MARK: - Small helpers */

#define str_is(s, lit) OPC_IS(s, lit)

static bool str_eq(pith_str a, pith_str b) { return a.n == b.n && (!a.n || memcmp(a.p, b.p, a.n) == 0); }

#define ends_with(s, lit) OPC_ENDS(s, lit)

/* An element of SpreadsheetML: transitional or strict (purl.oclc.org) namespace, or none (some
 * writers leave xmlns out). Extensions reuse the names (x15:workbookPr), so the namespace is
 * checked. */
/* The two SpreadsheetML URIs by id (the tokenizer's ns_known, given by xlsx_open): the common
 * case is an integer compare; another namespace still gets the suffix test. */
static const char *const xlsx_ns[2] = {"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                       "http://purl.oclc.org/ooxml/spreadsheetml/main"};

static bool is_sml(const pith_xml_token *t)
{
    return t->ns != 0 || t->uri.n == 0 || ends_with(t->uri, "/spreadsheetml/2006/main") ||
           ends_with(t->uri, "/ooxml/spreadsheetml/main");
}
#define is_el(t, lit) (str_is((t)->local, lit) && is_sml(t))

static const pith_str *attr(const pith_xml_token *t, const char *local)
{
    return pith_xml_attr_get(t, NULL, local);
}

/* r:id, whichever relationships namespace the producer used */
static const pith_str *attr_rid(const pith_xml_token *t)
{
    for (uint32_t i = 0; i < t->nattrs; i++) {
        const pith_xml_attr *a = &t->attrs[i];
        if (str_is(a->local, "id") && a->uri.n >= 13 &&
            memcmp(a->uri.p + a->uri.n - 13, "relationships", 13) == 0)
            return &a->value;
    }
    return NULL;
}

static bool parse_u32(pith_str s, uint32_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < s.n && s.p[i] == ' ') i++;
    if (i >= s.n) return false;
    for (; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
        v = v * 10 + (uint64_t)(s.p[i] - '0');
        if (v > UINT32_MAX) return false;
    }
    while (i < s.n && s.p[i] == ' ') i++;
    if (i != s.n) return false;
    *out = (uint32_t)v;
    return true;
}

static bool is_true(const pith_str *v) { return v && (str_is(*v, "1") || str_is(*v, "true")); }

/* "XFD1048576" → column 16384, row 1048576; either is 0 when absent. Values past Excel's grid
 * saturate (they only label cells). */
static void parse_ref(pith_str s, uint32_t *col, uint32_t *row)
{
    size_t i = 0;
    uint32_t c = 0, r = 0;
    for (; i < s.n; i++) {
        char ch = s.p[i];
        if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
        if (ch < 'A' || ch > 'Z') break;
        c = c > XLSX_MAX_COL * 26u ? c : c * 26u + (uint32_t)(ch - 'A' + 1);
    }
    if (i < s.n && s.p[i] == '$') i++;
    for (; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++)
        r = r > XLSX_MAX_ROW * 10u ? r : r * 10u + (uint32_t)(s.p[i] - '0');
    *col = c;
    *row = r;
}

/* The fast paths below compare markup a word at a time: emscripten's memcmp is a byte loop
 * behind a call, and it was 3% of an XLSX's time in wasm. Both sides load in host order, so
 * the compares hold on any byte order. The caller checks that the bytes are there. */
static inline uint32_t load4(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
#define EQ4(p, lit) (load4(p) == load4("" lit))
#define EQ8(p, lit) (pith_load8(p) == pith_load8((const uint8_t *)"" lit))

/* What parse_ref and parse_u32 give for the common short forms, without their calls: a
 * reference of 1-3 capital letters and 1-7 digits ("B7"; nothing saturates there), or an
 * index of 1-9 digits. False (nothing stored) for anything else: the caller then calls them. */
static inline bool ref_short(const uint8_t *p, size_t n, uint32_t *col, uint32_t *row)
{
    size_t i = 0;
    uint32_t c = 0, r = 0;
    for (; i < n && i < 3 && p[i] >= 'A' && p[i] <= 'Z'; i++) c = c * 26u + (uint32_t)(p[i] - 'A' + 1);
    if (i == 0 || i == n || n - i > 7) return false;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return false;
        r = r * 10u + (uint32_t)(p[i] - '0');
    }
    *col = c;
    *row = r;
    return true;
}

static inline bool u32_short(const char *p, size_t n, uint32_t *out)
{
    if (n == 0 || n > 9) return false;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return false;
        v = v * 10u + (uint32_t)(p[i] - '0');
    }
    *out = v;
    return true;
}

/* The A1-style name of a cell into out (at least 24 bytes); returns the length. */
static size_t ref_name(char *out, uint32_t col, uint32_t row)
{
    char t[12];
    size_t k = 0, n = 0;
    while (col > 0 && k < sizeof t) {
        col--;
        t[k++] = (char)('A' + col % 26);
        col /= 26;
    }
    while (k) out[n++] = t[--k];
    char d[12];
    k = 0;
    do {
        d[k++] = (char)('0' + row % 10);
        row /= 10;
    } while (row && k < sizeof d);
    while (k) out[n++] = d[--k];
    return n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode ST_Xstring escapes (_x000D_ is a carriage return, _x005F_ an underscore) in place,
 * and drop the control characters a cell cannot show (CR among them: "abc_x000D_\ndef" is
 * two lines). Returns the new length. */
static size_t unescape(char *s, size_t n)
{
    size_t i = 0, o = 0;
    while (i < n) {
        if (s[i] == '_' && n - i >= 7 && s[i + 1] == 'x' && s[i + 6] == '_') {
            int h0 = hexval(s[i + 2]), h1 = hexval(s[i + 3]), h2 = hexval(s[i + 4]),
                h3 = hexval(s[i + 5]);
            if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
                uint32_t cp = (uint32_t)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
                i += 7;
                if (cp < 0x20 && cp != '\t' && cp != '\n') continue;
                if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
                if (cp < 0x80) {
                    s[o++] = (char)cp;
                } else if (cp < 0x800) {
                    s[o++] = (char)(0xC0 | cp >> 6);
                    s[o++] = (char)(0x80 | (cp & 0x3F));
                } else {
                    s[o++] = (char)(0xE0 | cp >> 12);
                    s[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
                    s[o++] = (char)(0x80 | (cp & 0x3F));
                }
                continue;
            }
        }
        if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n') {
            i++;
            continue;
        }
        s[o++] = s[i++];
    }
    return o;
}

/* A growable byte buffer in an arena (grows in place while it is the arena's last block). */
typedef struct gbuf {
    pith_arena *a;
    char *p;
    size_t n, cap;
} gbuf;

static bool gbuf_put(gbuf *b, const char *s, size_t n)
{
    if (n > b->cap - b->n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->n < n) {
            if (cap > SIZE_MAX / 2) return false;
            cap *= 2;
        }
        char *p = pith_arena_grow(b->a, b->p, b->n, cap);
        if (!p) return false;
        b->p = p;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    return true;
}

static pith_status gbuf_failed(pith_doc *doc, const gbuf *b)
{
    pith_status st = pith_doc_status(doc);
    if (st != PITH_OK) return st;
    if (b->a->budget->last_fail == PITH_E_NOMEM)
        return pith_fail(doc, PITH_E_NOMEM, 0, "xlsx: out of memory (buffer of %zu bytes)", b->cap);
    return pith_fail(doc, PITH_E_LIMIT, 0,
                     "xlsx: buffer of %zu bytes past the memory budget (limit max_memory_bytes)",
                     b->cap);
}

/* MARK: - Workbook */

static pith_status read_workbook(xlsx_state *s, pith_str wb, const opc_rels *rels)
{
    pith_doc *doc = s->doc;
    pith_arena *sa = pith_scratch_arena(doc);
    pith_xml x;
    pith_status st = opc_xml(&s->o, wb.p, wb.n, sa, &x);
    if (st != PITH_OK) return st;
    gbuf list = {sa, NULL, 0, 0};
    pith_xml_token t;
    while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind != PITH_XML_START) continue;
        if (is_el(&t, "workbookPr")) {
            s->date1904 = is_true(attr(&t, "date1904"));
        } else if (is_el(&t, "sheet")) {
            const pith_str *name = attr(&t, "name"), *state = attr(&t, "state");
            const pith_str *rid = attr_rid(&t);
            xlsx_sheet sh;
            memset(&sh, 0, sizeof sh);
            if ((st = pith_objects(doc, 1)) != PITH_OK) return st;
            pith_str nm = name ? *name : (pith_str){"", 0};
            char *c = pith_doc_alloc(doc, nm.n + 1);
            if (!c) return pith_alloc_failed(doc, nm.n + 1);
            if (nm.n) memcpy(c, nm.p, nm.n);
            sh.name = (pith_str){c, nm.n};
            sh.hidden = state && (str_is(*state, "hidden") || str_is(*state, "veryHidden"));
            const opc_rel *r = rid ? opc_rel_by_id(rels, rid->p, rid->n) : NULL;
            if (r && !r->external) {
                sh.part = r->target;
            } else {
                pith_warn(doc, PITH_E_FORMAT, t.offset,
                          "xlsx: sheet '%.*s' has no relationship %.*s", (int)(nm.n > 64 ? 64 : nm.n),
                          nm.p, rid ? (int)(rid->n > 32 ? 32 : rid->n) : 0, rid ? rid->p : "");
            }
            if (!gbuf_put(&list, (const char *)&sh, sizeof sh)) return gbuf_failed(doc, &list);
        }
    }
    /* A broken workbook keeps the sheets listed before the damage (the tokenizer warned). */
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
    uint32_t n = (uint32_t)(list.n / sizeof(xlsx_sheet));
    if (n) {
        s->sheets = pith_doc_alloc(doc, list.n);
        if (!s->sheets) return pith_alloc_failed(doc, list.n);
        memcpy(s->sheets, list.p, list.n);
        s->nsheets = n;
    }
    return PITH_OK;
}

/* Without a readable workbook: the worksheet parts the content types list and the package
 * holds, in their order. */
static pith_status sheets_from_types(xlsx_state *s)
{
    pith_doc *doc = s->doc;
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->o.ntypes; i++) {
        const opc_type *ty = &s->o.types[i];
        pith_str suf = {"worksheet+xml", 13};
        if (ty->part && ty->type.n >= suf.n &&
            memcmp(ty->type.p + ty->type.n - suf.n, suf.p, suf.n) == 0 &&
            opc_has_part(&s->o, ty->key.p, ty->key.n))
            n++;
    }
    if (!n) return PITH_OK;
    if (pith_objects(doc, n) != PITH_OK) return pith_doc_status(doc);
    s->sheets = pith_doc_calloc(doc, (size_t)n * sizeof *s->sheets);
    if (!s->sheets) return pith_alloc_failed(doc, (size_t)n * sizeof *s->sheets);
    for (uint32_t i = 0; i < s->o.ntypes; i++) {
        const opc_type *ty = &s->o.types[i];
        if (!(ty->part && ty->type.n >= 13 &&
              memcmp(ty->type.p + ty->type.n - 13, "worksheet+xml", 13) == 0 &&
              opc_has_part(&s->o, ty->key.p, ty->key.n)))
            continue;
        xlsx_sheet *sh = &s->sheets[s->nsheets++];
        sh->part = ty->key;
        /* the part's file name without folder and extension stands for the sheet's name */
        size_t b = ty->key.n, e = ty->key.n;
        while (b > 0 && ty->key.p[b - 1] != '/') b--;
        for (size_t k = b; k < ty->key.n; k++)
            if (ty->key.p[k] == '.') e = k;
        if (e < b) e = ty->key.n;
        sh->name = (pith_str){ty->key.p + b, e - b};
    }
    return PITH_OK;
}

static int sheet_part_cmp(const void *a, const void *b)
{
    const xlsx_sheet *x = *(const xlsx_sheet *const *)a, *y = *(const xlsx_sheet *const *)b;
    size_t n = x->part.n < y->part.n ? x->part.n : y->part.n;
    int c = n ? memcmp(x->part.p, y->part.p, n) : 0;
    if (c) return c;
    if (x->part.n != y->part.n) return x->part.n < y->part.n ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Sheets that name a part an earlier sheet reads (or the workbook itself) keep only their
 * heading: otherwise 100,000 <sheet> entries naming one big part read it 100,000 times. */
static pith_status drop_shared_parts(xlsx_state *s, pith_str wb)
{
    pith_doc *doc = s->doc;
    if (s->nsheets < 2 && !wb.n) return PITH_OK;
    size_t bytes = (size_t)s->nsheets * sizeof(xlsx_sheet *);
    xlsx_sheet **ix = pith_scratch_alloc(doc, bytes);
    if (!ix) return pith_alloc_failed(doc, bytes);
    uint32_t dropped = 0;
    for (uint32_t i = 0; i < s->nsheets; i++) {
        ix[i] = &s->sheets[i];
        if (wb.n && str_eq(ix[i]->part, wb)) {
            ix[i]->part = (pith_str){"", 0};
            dropped++;
        }
    }
    if (pith_work(doc, s->nsheets) != PITH_OK) return pith_doc_status(doc);
    qsort(ix, s->nsheets, sizeof *ix, sheet_part_cmp);
    /* sorted by address within equal names: the first of a run is the sheet that keeps it */
    pith_str keep = ix[0]->part;
    for (uint32_t i = 1; i < s->nsheets; i++) {
        if (ix[i]->part.n && str_eq(ix[i]->part, keep)) {
            ix[i]->part = (pith_str){"", 0};
            dropped++;
        } else {
            keep = ix[i]->part;
        }
    }
    if (dropped)
        return pith_warn(doc, PITH_E_FORMAT, 0,
                         "xlsx: %u sheets name the workbook or another sheet's part; left empty",
                         dropped);
    return PITH_OK;
}

/* MARK: - Shared strings */

/* The end of string item whose text starts at blob[si_start]: its text unescaped (unless
 * `plain`: known to hold nothing to unescape), its offset kept. */
static pith_status sst_close(pith_doc *doc, gbuf *blob, gbuf *off, size_t si_start, bool plain)
{
    if (!plain && blob->n > si_start)
        blob->n = si_start + unescape(blob->p + si_start, blob->n - si_start);
    if (blob->n > UINT32_MAX)
        return pith_fail(doc, PITH_E_LIMIT, 0, "xlsx: shared strings past 4 GiB of text");
    uint32_t o32 = (uint32_t)si_start;
    pith_status st = pith_objects(doc, 1);
    if (st != PITH_OK) return st;
    if (!gbuf_put(off, (const char *)&o32, sizeof o32)) return gbuf_failed(doc, off);
    return PITH_OK;
}

/* The common item, `<si><t>text</t></si>` or with `<t xml:space="preserve">`, read straight
 * from the input where the tokenizer stands between the children of an unprefixed
 * SpreadsheetML <sst> (so si and t are SpreadsheetML too), its text free of references and
 * carriage returns: appended to blob. Returns 1 when read (the bytes counted as the
 * tokenizer's work; 2 when the text has nothing for unescape to change), 0 when the item has
 * another shape (nothing consumed: the tokenizer reads it), -1 when blob cannot grow. */
static int sst_fast(pith_xml *x, gbuf *blob)
{
    /* ` xml:space="preserve">`: 22 bytes, three overlapping words */
    static const char pre[] = " xml:space=\"preserve\">";
    const uint8_t *pre_u = (const uint8_t *)pre;
    const uint8_t *p = x->p, *end = x->end;
    size_t left = (size_t)(end - p);
    if (left < 6 || !EQ4(p, "<si>") || p[4] != '<' || p[5] != 't') return 0;
    const uint8_t *q = p + 6;
    if (q < end && *q == '>') {
        q++;
    } else if ((size_t)(end - q) > sizeof pre - 1 && pith_load8(q) == pith_load8(pre_u) &&
               pith_load8(q + 8) == pith_load8(pre_u + 8) &&
               pith_load8(q + 14) == pith_load8(pre_u + 14)) {
        q += sizeof pre - 1;
    } else {
        return 0;
    }
    const uint8_t *e = q;
    bool plain = true;  /* nothing for unescape to change */
    for (; e < end && *e != '<'; e++) {
        uint8_t c = *e;
        if (c == '&' || c == '\r') return 0;
        if (c < 0x20 || c == '_') plain = false;
    }
    if ((size_t)(end - e) < 9 || !EQ8(e, "</t></si") || e[8] != '>') return 0;
    if (!gbuf_put(blob, (const char *)q, (size_t)(e - q))) return -1;
    x->p = e + 9;
    x->work += (uint64_t)(x->p - p) + 2;  /* charged with the tokenizer's next batch */
    return plain ? 2 : 1;
}

static pith_status read_sst(xlsx_state *s, pith_str part)
{
    pith_doc *doc = s->doc;
    pith_arena *sa = pith_scratch_arena(doc);
    pith_xml x;
    pith_status st = opc_xml(&s->o, part.p, part.n, sa, &x);
    if (st != PITH_OK) return st;
    gbuf blob = {sa, NULL, 0, 0}, off = {sa, NULL, 0, 0};
    pith_xml_token t;
    uint32_t si_depth = 0, t_depth = 0;
    size_t si_start = 0;
    uint32_t fast_depth = 0;  /* depth of the sst element when sst_fast may read its items */
    for (;;) {
        if (fast_depth && x.depth == fast_depth && !x.pending_end && x.status == PITH_OK &&
            !x.done) {
            size_t start = blob.n;
            int k = sst_fast(&x, &blob);
            if (k < 0) return gbuf_failed(doc, &blob);
            if (k > 0) {
                if ((st = sst_close(doc, &blob, &off, start, k == 2)) != PITH_OK) return st;
                continue;
            }
        }
        if ((st = pith_xml_next(&x, &t)) != PITH_OK || t.kind == PITH_XML_EOF) break;
        if (t.kind == PITH_XML_START) {
            if (!si_depth && t.depth == 1 && !t.prefix.n && !(t.flags & PITH_XML_EMPTY) &&
                2 < x.limits.max_depth && is_el(&t, "sst")) {
                fast_depth = 1;
            } else if (!si_depth && is_el(&t, "si")) {
                si_depth = t.depth;
                si_start = blob.n;
            } else if (si_depth && is_el(&t, "rPh")) {
                /* phonetic guide (furigana): not the cell's text */
                if ((st = pith_xml_skip(&x, &t)) != PITH_OK) break;
            } else if (si_depth && !t_depth && is_el(&t, "t")) {
                t_depth = t.depth;
            }
        } else if (t.kind == PITH_XML_TEXT) {
            if (t_depth && !gbuf_put(&blob, t.text.p, t.text.n)) return gbuf_failed(doc, &blob);
        } else if (t.kind == PITH_XML_END) {
            if (t_depth && t.depth == t_depth) {
                t_depth = 0;
            } else if (si_depth && t.depth == si_depth) {
                si_depth = 0;
                if ((st = sst_close(doc, &blob, &off, si_start, false)) != PITH_OK) return st;
            }
        }
    }
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
    /* a damaged table keeps the strings before the damage (the tokenizer warned) */
    uint32_t n = (uint32_t)(off.n / sizeof(uint32_t));
    uint32_t end = (uint32_t)(si_depth ? si_start : blob.n);
    if (!gbuf_put(&off, (const char *)&end, sizeof end)) return gbuf_failed(doc, &off);
    char *b = pith_doc_alloc(doc, end);
    uint32_t *o = b ? pith_doc_alloc(doc, off.n) : NULL;
    if (!o) return pith_alloc_failed(doc, end + off.n);
    if (end) memcpy(b, blob.p, end);
    memcpy(o, off.p, off.n);
    s->sst = b;
    s->sst_off = o;
    s->nsst = n;
    for (uint32_t i = 0; i < n; i++)
        if (o[i + 1] - o[i] > s->sst_max) s->sst_max = o[i + 1] - o[i];
    return PITH_OK;
}

/* MARK: - Styles */

typedef struct numfmt {
    uint32_t id;
    uint8_t kind;
} numfmt;

static pith_status read_styles(xlsx_state *s, pith_str part)
{
    pith_doc *doc = s->doc;
    pith_arena *sa = pith_scratch_arena(doc);
    pith_xml x;
    pith_status st = opc_xml(&s->o, part.p, part.n, sa, &x);
    if (st != PITH_OK) return st;
    gbuf fmts = {sa, NULL, 0, 0}, kinds = {sa, NULL, 0, 0};
    pith_xml_token t;
    uint32_t xfs_depth = 0;
    while ((st = pith_xml_next(&x, &t)) == PITH_OK && t.kind != PITH_XML_EOF) {
        if (t.kind == PITH_XML_END) {
            if (xfs_depth && t.depth == xfs_depth) xfs_depth = 0;
            continue;
        }
        if (t.kind != PITH_XML_START) continue;
        if (is_el(&t, "numFmt")) {
            const pith_str *id = attr(&t, "numFmtId"), *code = attr(&t, "formatCode");
            numfmt f;
            if (!id || !code || !parse_u32(*id, &f.id)) continue;
            f.kind = (uint8_t)xlsx_numfmt_classify(code->p, code->n);
            if ((st = pith_objects(doc, 1)) != PITH_OK) return st;
            if (!gbuf_put(&fmts, (const char *)&f, sizeof f)) return gbuf_failed(doc, &fmts);
        } else if (is_el(&t, "cellXfs")) {
            xfs_depth = t.depth;
        } else if (xfs_depth && t.depth == xfs_depth + 1 && is_el(&t, "xf")) {
            const pith_str *id = attr(&t, "numFmtId");
            uint32_t fid = 0;
            uint8_t kind = XLSX_KIND_GENERAL;
            if (id && parse_u32(*id, &fid)) {
                /* a numFmt element overrides the built-in format of the same id */
                kind = (uint8_t)xlsx_numfmt_builtin(fid);
                const numfmt *f = (const numfmt *)(const void *)fmts.p;
                for (size_t i = fmts.n / sizeof *f; i-- > 0;)
                    if (f[i].id == fid) {
                        kind = f[i].kind;
                        break;
                    }
            }
            if ((st = pith_objects(doc, 1)) != PITH_OK) return st;
            if (!gbuf_put(&kinds, (const char *)&kind, 1)) return gbuf_failed(doc, &kinds);
        }
    }
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
    if (kinds.n) {
        uint8_t *k = pith_doc_alloc(doc, kinds.n);
        if (!k) return pith_alloc_failed(doc, kinds.n);
        memcpy(k, kinds.p, kinds.n);
        s->xf_kind = k;
        s->nxf = (uint32_t)kinds.n;
    }
    return PITH_OK;
}

/* MARK: - Open */

/* The part a workbook relationship of type `suffix` names, else `fallback` when that part
 * exists, else empty. */
static pith_str workbook_part(xlsx_state *s, const opc_rels *rels, const char *suffix,
                              const char *fallback)
{
    const opc_rel *r = opc_rel_by_type(rels, suffix);
    if (r && !r->external && opc_has_part(&s->o, r->target.p, r->target.n)) return r->target;
    if (opc_has_part(&s->o, fallback, strlen(fallback)))
        return (pith_str){fallback, strlen(fallback)};
    return (pith_str){"", 0};
}

/* Names joined by line feeds (sheet names cannot hold one) as one metadata entry. */
static pith_status meta_names(xlsx_state *s, const char *key, bool hidden_only)
{
    pith_doc *doc = s->doc;
    gbuf b = {pith_scratch_arena(doc), NULL, 0, 0};
    bool any = false;
    for (uint32_t i = 0; i < s->nsheets; i++) {
        if (hidden_only && !s->sheets[i].hidden) continue;
        if ((any && !gbuf_put(&b, "\n", 1)) ||
            !gbuf_put(&b, s->sheets[i].name.p, s->sheets[i].name.n))
            return gbuf_failed(doc, &b);
        any = true;
    }
    if (!any) return PITH_OK;
    return pith_doc_add_meta(doc, key, b.p, b.n);
}

/* A sheet's unit is named after the sheet (the UNIT event of JSON and HTML output). */
static pith_str sheet_name(pith_doc *doc, void *state, uint32_t index)
{
    (void)doc;
    const xlsx_state *s = state;
    return index < s->nsheets ? s->sheets[index].name : (pith_str){NULL, 0};
}

static pith_status xlsx_open(pith_doc *doc, const uint8_t *data, size_t len, void **out)
{
    xlsx_state *s = pith_doc_calloc(doc, sizeof *s);
    if (!s) return pith_alloc_failed(doc, sizeof *s);
    s->doc = doc;
    s->da = pith_doc_arena(doc);
    *out = s;
    pith_status st = opc_open(doc, &s->o, data, len);
    if (st != PITH_OK) return st;
    s->o.ns_known = xlsx_ns;
    s->o.ns_nknown = 2;

    pith_str wb = {"", 0};
    const opc_rel *main = opc_main_part(&s->o);
    if (main) wb = main->target;
    if (!wb.n) wb = opc_main_part_by_type(&s->o, "sheet.main+xml");
    if (!wb.n) wb = opc_main_part_by_type(&s->o, "sheet.macroEnabled.main+xml");
    if (!wb.n && opc_has_part(&s->o, "xl/workbook.xml", 15)) wb = (pith_str){"xl/workbook.xml", 15};

    opc_rels rels = {NULL, 0};
    if (wb.n) {
        if ((st = opc_rels_load(&s->o, wb.p, wb.n, NULL, &rels)) != PITH_OK &&
            pith_doc_status(doc) != PITH_OK)
            return st;
        st = read_workbook(s, wb, &rels);
        if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
    }
    if (!s->nsheets) {
        pith_warn(doc, PITH_E_FORMAT, 0, "xlsx: %s; sheets taken from the content types",
                  wb.n ? "workbook lists no readable sheet" : "no workbook part");
        if ((st = sheets_from_types(s)) != PITH_OK) return st;
        if (!s->nsheets)
            return pith_fail(doc, PITH_E_FORMAT, 0, "xlsx: no workbook and no worksheet part");
    }

    if ((st = drop_shared_parts(s, wb)) != PITH_OK) return st;

    pith_str sst = workbook_part(s, &rels, "/sharedStrings", "xl/sharedStrings.xml");
    if (sst.n) {
        st = read_sst(s, sst);
        if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
        s->have_sst = true;
    }
    pith_str sty = workbook_part(s, &rels, "/styles", "xl/styles.xml");
    if (sty.n) {
        st = read_styles(s, sty);
        if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
    }

    opc_props_load(&s->o);
    if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
    if ((st = meta_names(s, "sheet_names", false)) != PITH_OK) return st;
    if ((st = meta_names(s, "hidden_sheets", true)) != PITH_OK) return st;
    pith_doc_set_units(doc, s->nsheets, PITH_UNIT_SHEET);
    pith_doc_set_unit_names(doc, sheet_name);
    return PITH_OK;
}

/* MARK: - Emitting, watched */

/* Events and warnings may allocate in the document arena (a warning's text, a deeper event
 * stack); once that happened during a sheet, its memory cannot be given back at its end. */
/* Macros, not functions: -Oz does not inline them, and they run around every cell's events. */
#define watch_begin(s, m) (*(m) = pith_arena_mark_get((s)->da))
#define watch_end(s, m)                                                                      \
    do {                                                                                     \
        pith_arena_mark now_ = pith_arena_mark_get((s)->da);                                 \
        if ((s)->run && (now_.chunk != (m)->chunk || now_.used != (m)->used))                \
            (s)->run->tainted = true;                                                        \
    } while (0)

static pith_status ev_end(xlsx_state *s, pith_ev ev)
{
    pith_arena_mark m;
    watch_begin(s, &m);
    pith_status st = pith_emit_end(s->doc, ev);
    watch_end(s, &m);
    return st;
}

/* MARK: - Sheets */

/* Start reading sheet `index`: its part and tokenizer in the document arena. */
static pith_status run_begin(xlsx_state *s, uint32_t index)
{
    pith_doc *doc = s->doc;
    const xlsx_sheet *sh = &s->sheets[index];
    pith_arena *da = pith_doc_arena(doc);
    pith_arena_mark m0 = pith_arena_mark_get(da);
    uint32_t w0 = pith_doc_warning_count(doc);
    xlsx_run *r = pith_doc_calloc(doc, sizeof *r);
    if (!r) return pith_alloc_failed(doc, sizeof *r);
    r->m0 = m0;
    r->warn0 = w0;
    s->run = r;
    s->run_unit = index;
    if (!sh->part.n) {
        r->done = true;
        return PITH_OK;
    }
    pith_status st = opc_xml(&s->o, sh->part.p, sh->part.n, da, &r->x);
    if (st != PITH_OK) {
        /* missing or unreadable part: the sheet is its heading (opc warned) */
        if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
        r->done = true;
    }
    return PITH_OK;
}

/* Give the sheet's memory back when nothing but this sheet allocated in the document arena
 * since run_begin: no warning was recorded and no event grew the core's stack (watched). */
static void run_end(xlsx_state *s)
{
    xlsx_run *r = s->run;
    s->run = NULL;
    if (!r) return;
    if (!r->tainted && pith_doc_warning_count(s->doc) == r->warn0)
        pith_arena_release(pith_doc_arena(s->doc), r->m0);
}

static pith_status row_close(xlsx_state *s)
{
    xlsx_run *r = s->run;
    pith_status st = PITH_OK;
    if (r->row_open) {
        r->row_open = false;
        st = ev_end(s, PITH_EV_ROW);
    }
    if (st == PITH_OK && r->para) {
        r->para = false;
        st = ev_end(s, PITH_EV_PARAGRAPH);
    }
    return st;
}

/* Text of a cell: work drawn for its bytes, then the event (put_cell watches around it). */
static pith_status put_text(xlsx_state *s, const char *p, size_t n)
{
    pith_status st = pith_work(s->doc, n);
    return st != PITH_OK ? st : pith_emit_text(s->doc, p, n, 0);
}

/* One value of the current row at column `col`; put_cell watches the arena around it. */
static pith_status put_cell_unwatched(xlsx_state *s, uint32_t col, const char *v, size_t n,
                                      size_t *out)
{
    xlsx_run *r = s->run;
    pith_status st;
    pith_ev_cell cell = {1, 0};
    if (col <= XLSX_TABLE_COLS) {
        if (r->para) {
            r->para = false;
            if ((st = pith_emit_end(s->doc, PITH_EV_PARAGRAPH)) != PITH_OK) return st;
        }
        if (!r->table) {
            r->table = true;
            if ((st = pith_emit_begin(s->doc, PITH_EV_TABLE, NULL)) != PITH_OK) return st;
        }
        if (!r->row_open) {
            r->row_open = true;
            r->emitted = 0;
            if ((st = pith_emit_begin(s->doc, PITH_EV_ROW, NULL)) != PITH_OK) return st;
        }
        while (r->emitted + 1 < col) {
            if ((st = pith_emit_begin(s->doc, PITH_EV_CELL, &cell)) != PITH_OK ||
                (st = pith_emit_end(s->doc, PITH_EV_CELL)) != PITH_OK)
                return st;
            r->emitted++;
            *out += 1;
        }
        r->emitted = col;
        *out += n + 1;
        if ((st = pith_emit_begin(s->doc, PITH_EV_CELL, &cell)) != PITH_OK ||
            (st = put_text(s, v, n)) != PITH_OK)
            return st;
        return pith_emit_end(s->doc, PITH_EV_CELL);
    }
    /* beyond IV: a line "REF: value" outside the table */
    if (r->row_open) {
        r->row_open = false;
        if ((st = pith_emit_end(s->doc, PITH_EV_ROW)) != PITH_OK) return st;
    }
    if (r->table) {
        r->table = false;
        if ((st = pith_emit_end(s->doc, PITH_EV_TABLE)) != PITH_OK) return st;
    }
    if (!r->para) {
        r->para = true;
        if ((st = pith_emit_begin(s->doc, PITH_EV_PARAGRAPH, NULL)) != PITH_OK) return st;
    } else if ((st = pith_emit_leaf(s->doc, PITH_EV_BREAK, NULL)) != PITH_OK) {
        return st;
    }
    char ref[32];
    size_t k = ref_name(ref, col, r->row);
    ref[k++] = ':';
    ref[k++] = ' ';
    *out += k + n + 1;
    if ((st = put_text(s, ref, k)) != PITH_OK) return st;
    return put_text(s, v, n);
}

/* One watch around all of a cell's events (they run for every cell); none of its own inside a
 * batch of direct cells (read_sheet watches the batch). */
static pith_status put_cell(xlsx_state *s, uint32_t col, const char *v, size_t n, size_t *out)
{
    if (s->run && s->run->batch) return put_cell_unwatched(s, col, v, n, out);
    pith_arena_mark m;
    watch_begin(s, &m);
    pith_status st = put_cell_unwatched(s, col, v, n, out);
    watch_end(s, &m);
    return st;
}

typedef enum cell_type { CT_NUM, CT_SST, CT_STR, CT_INLINE, CT_BOOL, CT_ERR, CT_DATE } cell_type;

static cell_type cell_type_of(const pith_str *t)
{
    if (!t) return CT_NUM;
    if (t->n == 1) {
        switch (t->p[0]) {
        case 'n': return CT_NUM;
        case 's': return CT_SST;
        case 'b': return CT_BOOL;
        case 'e': return CT_ERR;
        case 'd': return CT_DATE;
        default: break;
        }
    }
    if (str_is(*t, "inlineStr")) return CT_INLINE;
    return CT_STR;  /* "str" (a formula's text) and anything unknown: as written */
}

static pith_status cell_show(xlsx_state *s, uint32_t col, uint32_t style, cell_type type,
                             gbuf *val, const char *v, size_t n, uint64_t offset, size_t *out);

/* Read one <c> element (its START is `c`) to its end and show its value. */
static pith_status read_cell(xlsx_state *s, const pith_xml_token *c, gbuf *val, size_t *out)
{
    pith_doc *doc = s->doc;
    xlsx_run *r = s->run;
    uint32_t col = 0, row = 0, style = 0;
    /* r, s and t in one pass over the attributes (as attr() finds them: the first unprefixed
     * one of each name); this runs for every cell */
    const pith_str *ref = NULL, *sty = NULL, *typ = NULL;
    for (uint32_t i = 0; i < c->nattrs; i++) {
        const pith_xml_attr *a = &c->attrs[i];
        if (a->uri.n || a->local.n != 1) continue;
        char k = a->local.p[0];
        if (k == 'r' && !ref) ref = &a->value;
        else if (k == 's' && !sty) sty = &a->value;
        else if (k == 't' && !typ) typ = &a->value;
    }
    cell_type type = cell_type_of(typ);
    if (ref) parse_ref(*ref, &col, &row);
    if (sty && !parse_u32(*sty, &style)) style = 0;
    if (!col) col = r->col + 1;
    uint32_t depth = c->depth;
    bool empty_el = c->flags & PITH_XML_EMPTY;
    /* c's attributes are gone after the next token: only plain values kept above */
    val->n = 0;
    bool have_is = false;
    pith_status st;
    pith_xml_token t;
    uint32_t text_depth = 0;  /* <v>, or <t> of <is>, being read */
    while (!empty_el) {
        if ((st = pith_xml_next(&r->x, &t)) != PITH_OK) return st;
        if (t.kind == PITH_XML_EOF) break;
        if (t.kind == PITH_XML_END) {
            if (t.depth == depth) break;
            if (t.depth == text_depth) text_depth = 0;
            continue;
        }
        if (t.kind == PITH_XML_TEXT) {
            if (text_depth && !gbuf_put(val, t.text.p, t.text.n)) return gbuf_failed(doc, val);
            continue;
        }
        if (t.depth == depth + 1 && is_el(&t, "v") && !have_is) {
            text_depth = t.depth;
        } else if (t.depth == depth + 1 && is_el(&t, "is")) {
            if (!have_is) val->n = 0;  /* the inline string wins over a <v> */
            have_is = true;
        } else if (have_is && !text_depth && is_el(&t, "r")) {
            /* a rich text run of the inline string: its <t> comes next, <rPr> is skipped */
        } else if (have_is && !text_depth && is_el(&t, "t")) {
            text_depth = t.depth;
        } else if (!text_depth) {
            /* <f> (the formula: its cached value is in <v>), <rPh> of an inline string,
             * extLst */
            if ((st = pith_xml_skip(&r->x, &t)) != PITH_OK) return st;
        }
    }
    if (have_is) type = CT_INLINE;
    return cell_show(s, col, style, type, val, val->p, val->n, c->offset, out);
}

/* The value v[0..n) of a cell read (val holds it when it is a string to unescape in place):
 * shown at column col as its type and style say. */
static pith_status cell_show(xlsx_state *s, uint32_t col, uint32_t style, cell_type type,
                             gbuf *val, const char *v, size_t n, uint64_t offset, size_t *out)
{
    pith_doc *doc = s->doc;
    xlsx_run *r = s->run;
    if (col <= r->col) {
        /* a cell left of or on the previous one: its column is taken */
        if (!r->warned_order) {
            r->warned_order = true;
            pith_warn(doc, PITH_E_FORMAT, offset,
                      "xlsx: cell column %u out of order in row %u (after %u); dropped", col,
                      r->row, r->col);
        }
        return PITH_OK;
    }
    r->col = col;
    if (!n) return PITH_OK;

    char num[XLSX_NUM_CAP];
    switch (type) {
    case CT_NUM: {
        xlsx_kind kind = style < s->nxf ? (xlsx_kind)s->xf_kind[style] : XLSX_KIND_GENERAL;
        size_t k = xlsx_numfmt_value(num, v, n, kind, s->date1904);
        if (k) v = num, n = k;
        break;
    }
    case CT_DATE: {
        size_t k = xlsx_numfmt_iso(num, v, n);
        if (k) v = num, n = k;
        break;
    }
    case CT_BOOL:
        if (str_is(((pith_str){v, n}), "1")) v = "TRUE", n = 4;
        else if (str_is(((pith_str){v, n}), "0")) v = "FALSE", n = 5;
        break;
    case CT_SST: {
        uint32_t i;
        if ((u32_short(v, n, &i) || parse_u32((pith_str){v, n}, &i)) && i < s->nsst) {
            v = s->sst + s->sst_off[i];
            n = s->sst_off[i + 1] - s->sst_off[i];
        } else {
            if (!r->warned_sst) {
                r->warned_sst = true;
                pith_warn(doc, PITH_E_FORMAT, offset,
                          "xlsx: shared string %.*s out of range (%u strings)%s",
                          (int)(n > 24 ? 24 : n), v, s->nsst,
                          s->have_sst ? "" : ": no shared strings part");
            }
            n = 0;
        }
        break;
    }
    case CT_STR:
    case CT_INLINE:
        n = unescape(val->p, n);
        break;
    case CT_ERR:
        break;
    }
    if (!n) return PITH_OK;
    return put_cell(s, col, v, n, out);
}

/* A cell fast_cell_parse read: the value raw, the column 0 when the cell has no reference. */
typedef struct fast_rec {
    const char *v;
    size_t n;
    uint64_t offset;
    uint32_t col, style;
    cell_type type;
} fast_rec;

/* The common cell, `<c r="B2" s="1" t="n"><v>42</v></c>` or `<c r="B2"></c>`, read straight
 * from the input without the tokenizer's tokens: only where the tokenizer stands between the
 * children of a row whose unprefixed name is SpreadsheetML (so `c` and `v` are too: no xmlns
 * can occur in this shape), with attributes r, s, t at most once each, quoted values and the
 * value's text free of references, markup, controls and "]". Anything else (another
 * attribute, <f>, <is>, white space, an empty element) is left to read_cell. Returns the byte
 * after the cell, or NULL when it has another shape. Reads nothing past `end`, changes nothing
 * but *c (offset not set). */
static const uint8_t *fast_cell_parse(const uint8_t *p, const uint8_t *end, fast_rec *c)
{
    if (end - p < 5 || p[0] != '<' || p[1] != 'c' || (p[2] != ' ' && p[2] != '>')) return NULL;
    const uint8_t *q = p + 2;
    pith_str av[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};  /* r, s, t */
    unsigned seen = 0;
    for (;;) {
        while (q < end && *q == ' ') q++;
        if (q >= end) return NULL;
        if (*q == '>') break;
        if (end - q < 4 || q[1] != '=' || (q[2] != '"' && q[2] != '\'')) return NULL;
        unsigned k = q[0] == 'r' ? 0u : q[0] == 's' ? 1u : q[0] == 't' ? 2u : 3u;
        if (k > 2 || (seen >> k & 1u)) return NULL;
        seen |= 1u << k;
        uint8_t quote = q[2];
        const uint8_t *v = q + 3, *e = v;
        while (e < end && *e != quote) {
            if (*e < 0x20 || *e == '<' || *e == '&') return NULL;
            e++;
        }
        if (e >= end) return NULL;
        av[k] = (pith_str){(const char *)v, (size_t)(e - v)};
        q = e + 1;
        if (q < end && *q != ' ' && *q != '>') return NULL;
    }
    q++;  /* '>' */
    const uint8_t *v = q, *e = q;
    if (end - q >= 4 && EQ4(q, "</c>")) {
        q += 4;
    } else {
        if (end - q < 3 || q[0] != '<' || q[1] != 'v' || q[2] != '>') return NULL;
        v = e = q + 3;
        while (e < end && *e != '<') {
            if (*e < 0x20 || *e == '&' || *e == ']') return NULL;
            e++;
        }
        if (e == v || end - e < 8 || !EQ8(e, "</v></c>")) return NULL;
        q = e + 8;
    }
    /* as read_cell takes them */
    uint32_t row = 0;
    c->col = 0;
    c->style = 0;
    c->type = cell_type_of(seen >> 2 & 1u ? &av[2] : NULL);
    if ((seen & 1u) && !ref_short((const uint8_t *)av[0].p, av[0].n, &c->col, &row))
        parse_ref(av[0], &c->col, &row);
    if ((seen >> 1 & 1u) && !u32_short(av[1].p, av[1].n, &c->style) && !parse_u32(av[1], &c->style))
        c->style = 0;
    c->v = (const char *)v;
    c->n = (size_t)(e - v);
    return q;
}

/* Show a cell fast_cell_parse read, as read_cell shows it. */
static pith_status fast_cell_show(xlsx_state *s, const fast_rec *c, gbuf *val, size_t *out)
{
    uint32_t col = c->col ? c->col : s->run->col + 1;
    const char *vs = c->v;
    size_t n = c->n;
    if (c->type == CT_STR || c->type == CT_INLINE) {
        /* unescaped in place: a copy */
        val->n = 0;
        if (!gbuf_put(val, vs, n)) return gbuf_failed(s->doc, val);
        vs = val->p;
    }
    return cell_show(s, col, c->style, c->type, val, vs, n, c->offset, out);
}

/* The next cell of the row when it has fast_cell_parse's shape: read and shown (true, *st
 * its status; the bytes counted as the tokenizer's work), else false with nothing consumed. */
static bool fast_cell(xlsx_state *s, gbuf *val, size_t *out, pith_status *st)
{
    pith_xml *x = &s->run->x;
    fast_rec c;
    const uint8_t *q = fast_cell_parse(x->p, x->end, &c);
    if (!q) return false;
    c.offset = (uint64_t)(x->p - x->base);
    x->work += (uint64_t)(q - x->p) + 2;  /* charged with the tokenizer's next batch */
    x->p = q;
    *st = fast_cell_show(s, &c, val, out);
    return true;
}

/* Attributes and cells a row may have for fast_row (a wider row takes the tokenizer's way). */
#define FAST_ROW_ATTRS 16u
#define FAST_ROW_CELLS 64u

static pith_status row_start(xlsx_state *s, const pith_str *rr);

/* A whole row, `<row r="7" ...>`, cells of fast_cell_parse's shape and `</row>`, read straight
 * from the input: the tokenizer's START and END of each row, attributes decoded, were a tenth
 * of a sheet's time. Only where the tokenizer stands between the children of an unprefixed
 * SpreadsheetML sheetData (data_depth), so that an unprefixed row is SpreadsheetML too; with
 * at most FAST_ROW_ATTRS attributes, each an unprefixed name (letters and digits, no xmlns:
 * none starting with "x"), once, quoted, its value free of references, markup and controls
 * (so it is what the tokenizer would decode it to); and at most FAST_ROW_CELLS cells. The row
 * is parsed whole before anything is shown, and taken only when the step cannot end inside
 * it (the input up to `</row>` and a bound on the output stay under the step's budgets), so
 * the events and the step boundaries are those of the tokenizer's way. Returns false with
 * nothing consumed when it does not apply, else true with *st the status. */
static bool fast_row(xlsx_state *s, const uint8_t *p0, gbuf *val, size_t *out, pith_status *st)
{
    xlsx_run *r = s->run;
    pith_xml *x = &r->x;
    const uint8_t *p = x->p, *end = x->end;
    if (end - p < 5 || !EQ4(p, "<row") || (p[4] != ' ' && p[4] != '>')) return false;
    const uint8_t *q = p + 4;
    pith_str names[FAST_ROW_ATTRS];
    unsigned na = 0;
    pith_str rv = {NULL, 0};
    bool have_r = false;
    for (;;) {
        while (q < end && *q == ' ') q++;
        if (q >= end) return false;
        if (*q == '>') break;
        const uint8_t *nm = q;
        while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                           (q > nm && *q >= '0' && *q <= '9')))
            q++;
        size_t nl = (size_t)(q - nm);
        if (nl == 0 || nm[0] == 'x' || nm[0] == 'X' || na == FAST_ROW_ATTRS || end - q < 3 ||
            q[0] != '=' || (q[1] != '"' && q[1] != '\''))
            return false;
        for (unsigned j = 0; j < na; j++)
            if (names[j].n == nl && opc_bytes_eq(names[j].p, (const char *)nm, nl)) return false;
        names[na++] = (pith_str){(const char *)nm, nl};
        uint8_t quote = q[1];
        const uint8_t *v = q + 2, *e = v;
        while (e < end && *e != quote) {
            if (*e < 0x20 || *e == '<' || *e == '&') return false;
            e++;
        }
        if (e >= end) return false;
        if (nl == 1 && nm[0] == 'r') {
            rv = (pith_str){(const char *)v, (size_t)(e - v)};
            have_r = true;
        }
        q = e + 1;
        if (q < end && *q != ' ' && *q != '>') return false;
    }
    q++;  /* '>' */
    fast_rec cells[FAST_ROW_CELLS];
    unsigned nc = 0;
    /* what put_cell may add to *out: the empty cells before values, then per cell its shown
     * value (a shared string, a formatted number, or the text as it is) and a label */
    uint64_t bound = XLSX_TABLE_COLS;
    for (;;) {
        if (end - q >= 6 && EQ4(q, "</ro") && q[4] == 'w' && q[5] == '>') break;
        if (nc == FAST_ROW_CELLS) return false;
        fast_rec *c = &cells[nc];
        const uint8_t *next = fast_cell_parse(q, end, c);
        if (!next) return false;
        c->offset = (uint64_t)(q - x->base);
        bound += (uint64_t)c->n + 32u + (c->type == CT_SST ? s->sst_max : XLSX_NUM_CAP);
        nc++;
        q = next;
    }
    if ((size_t)(q - p0) >= XLSX_STEP_IN || *out >= XLSX_STEP_OUT ||
        bound >= (uint64_t)(XLSX_STEP_OUT - *out))
        return false;
    x->work += (uint64_t)(q + 6 - p) + 2u * nc + 4;  /* charged with the tokenizer's next batch */
    x->p = q + 6;
    if ((*st = row_start(s, have_r ? &rv : NULL)) != PITH_OK) return true;
    if (!r->batch) {
        r->batch = true;
        watch_begin(s, &r->batch_mark);
    }
    for (unsigned i = 0; i < nc; i++)
        if ((*st = fast_cell_show(s, &cells[i], val, out)) != PITH_OK) return true;
    *st = row_close(s);
    return true;
}

/* The end of a batch of cells read by fast_cell: one watch covers their events (the handler
 * allocates nothing in the document arena between them; the tokenizer may, so a batch ends
 * before it runs). */
static void batch_end(xlsx_state *s)
{
    xlsx_run *r = s->run;
    if (r && r->batch) {
        r->batch = false;
        watch_end(s, &r->batch_mark);
    }
}

static pith_status read_sheet_step(xlsx_state *s);

/* Read the sheet on until its end or the step's budget. */
static pith_status read_sheet(xlsx_state *s)
{
    pith_status st = read_sheet_step(s);
    batch_end(s);
    return st;
}

/* A row begins (its r attribute, or NULL): the previous one ends. */
static pith_status row_start(xlsx_state *s, const pith_str *rr)
{
    xlsx_run *r = s->run;
    uint32_t n = 0;
    pith_status st = row_close(s);
    if (st != PITH_OK) return st;
    r->row = rr && parse_u32(*rr, &n) && n ? n : r->row + 1;
    r->col = 0;
    return PITH_OK;
}

static pith_status read_sheet_step(xlsx_state *s)
{
    pith_doc *doc = s->doc;
    xlsx_run *r = s->run;
    gbuf val = {pith_scratch_arena(doc), NULL, 0, 0};
    const uint8_t *p0 = r->x.p;
    size_t out = 0;
    pith_xml_token t;
    pith_status st;
    while (!r->done) {
        if ((size_t)(r->x.p - p0) >= XLSX_STEP_IN || out >= XLSX_STEP_OUT) {
            /* A GFM table is buffered whole by the Markdown serializer (its delimiter row
             * needs the column count): there a long sheet becomes one table per step, so
             * memory stays at a step's output. Other outputs stream their rows. */
            if (pith_doc_output(doc) == PITH_OUT_MARKDOWN && r->table) {
                if (r->row_open) {
                    r->row_open = false;
                    if ((st = ev_end(s, PITH_EV_ROW)) != PITH_OK) return st;
                }
                r->table = false;
                if ((st = ev_end(s, PITH_EV_TABLE)) != PITH_OK) return st;
            }
            return PITH_MORE;
        }
        bool direct = false;
        if (r->data_depth && r->x.depth == r->data_depth && !r->x.pending_end &&
            r->x.status == PITH_OK && !r->x.done) {
            direct = fast_row(s, p0, &val, &out, &st);
        } else if (r->fast_depth && r->x.depth == r->fast_depth && !r->x.pending_end &&
                   r->x.status == PITH_OK && !r->x.done) {
            if (!r->batch) {
                r->batch = true;
                watch_begin(s, &r->batch_mark);
            }
            direct = fast_cell(s, &val, &out, &st);
        }
        if (direct) {
            t.kind = PITH_XML_TEXT;  /* a whole cell was read: nothing more to do with it */
        } else {
            batch_end(s);
            st = pith_xml_next(&r->x, &t);
            if (st == PITH_OK && t.kind == PITH_XML_START && r->in_data && is_el(&t, "c") &&
                t.depth >= 3) {
                st = read_cell(s, &t, &val, &out);
            }
        }
        /* A warning recorded meanwhile (its text in the document arena) needs no flag here:
         * run_end compares the warning count with the sheet's start. */
        if (st != PITH_OK) {
            if (pith_doc_status(doc) != PITH_OK) return pith_doc_status(doc);
            if (st != PITH_E_FORMAT && st != PITH_E_TRUNCATED && st != PITH_E_UNSUPPORTED) return st;
            /* the tokenizer warned: what was read stays, the rest of the sheet is lost */
            r->done = true;
            break;
        }
        if (t.kind == PITH_XML_EOF) {
            r->done = true;
        } else if (t.kind == PITH_XML_START) {
            if (is_el(&t, "sheetData")) {
                r->in_data = true;
                /* its rows may take fast_row's way (see there): row and cell depths allowed */
                if (!t.prefix.n && !(t.flags & PITH_XML_EMPTY) && !r->data_depth &&
                    t.depth + 2 < r->x.limits.max_depth)
                    r->data_depth = t.depth;
            } else if (r->in_data && is_el(&t, "row")) {
                if ((st = row_start(s, attr(&t, "r"))) != PITH_OK) return st;
                /* its children may take fast_cell's way (see there) */
                if (!t.prefix.n && !(t.flags & PITH_XML_EMPTY) && t.depth >= 2 &&
                    t.depth + 1 < r->x.limits.max_depth)
                    r->fast_depth = t.depth;
            } else if (!r->in_data && !is_el(&t, "worksheet") && !is_el(&t, "dialogsheet") &&
                       !is_el(&t, "macrosheet")) {
                /* sheet properties, views, columns: nothing to show */
                if ((st = pith_xml_skip(&r->x, &t)) != PITH_OK) continue;
            }
        } else if (t.kind == PITH_XML_END) {
            if (t.depth == r->fast_depth) r->fast_depth = 0;
            if (is_el(&t, "row")) {
                if ((st = row_close(s)) != PITH_OK) return st;
            } else if (is_el(&t, "sheetData")) {
                /* merged cells, conditional formats, page setup follow: not text */
                r->done = true;
            }
        }
    }
    if ((st = row_close(s)) != PITH_OK) return st;
    if (r->table) {
        r->table = false;
        if ((st = ev_end(s, PITH_EV_TABLE)) != PITH_OK) return st;
    }
    return PITH_OK;
}

static pith_status xlsx_unit(pith_doc *doc, void *state, uint32_t index)
{
    xlsx_state *s = state;
    pith_status st;
    if (index >= s->nsheets) return pith_fail(doc, PITH_E_ARG, 0, "xlsx: no sheet %u", index);
    if (!s->run || s->run_unit != index) {
        const xlsx_sheet *sh = &s->sheets[index];
        pith_ev_heading h = {2};
        /* the heading before run_begin: the event stack it may allocate is not the sheet's */
        if ((st = pith_emit_block(doc, PITH_EV_HEADING, &h, sh->name.p, sh->name.n)) != PITH_OK)
            return st;
        if ((st = run_begin(s, index)) != PITH_OK) return st;
    }
    st = read_sheet(s);
    if (st == PITH_MORE) return st;
    run_end(s);
    return st;
}

const pith_handler pith_handler_xlsx = {"xlsx", xlsx_open, xlsx_unit};
