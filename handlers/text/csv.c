/* csv.c: the CSV/TSV handler (text/csv, text/tab-separated-values).
 *
 * RFC 4180 fields: quoted fields with embedded delimiters, line ends and doubled quotes; bare
 * quotes inside an unquoted field are text, as every spreadsheet reads them. The delimiter is
 * sniffed from the first lines (comma, semicolon, tab, pipe; a .tsv hint means tab). The
 * encoding is decided at open by the text handler's rule, pith_charset_guess_text (BOM,
 * BOM-less UTF-16, UTF-8, else windows-1252); the CJK encodings are not sniffed here.
 * A file is one unit extracted in steps: each step reads whole rows up to CSV_STEP input bytes
 * or CSV_STEP_ROWS rows and emits them as one TABLE, so the serializers (the Markdown one holds
 * a table until it ends) keep one step's rows, never the file's. Limits: columns past
 * CSV_MAX_COLS (Excel's 16,384) go into the last cell; a quote never closed before the end of
 * the file is read as a literal character, and so are all later quotes (a second scan to the
 * end would make a file of stray quotes quadratic). One work unit per byte scanned.
 */
#include <stdbool.h>
#include <string.h>

#include "charset.h"
#include "core.h"

#define CSV_STEP ((size_t)256 * 1024)
#define CSV_STEP_ROWS 4096u
#define CSV_MAX_COLS 16384u
/* Input bytes decoded at once when a field is emitted: bounds the scratch of a huge field. */
#define CSV_PIECE ((size_t)32 * 1024)
/* How much of the file the delimiter sniffer looks at. */
#define CSV_SNIFF_BYTES ((size_t)16 * 1024)
#define CSV_SNIFF_LINES 20u

typedef struct csv_state {
    const uint8_t *data;
    size_t len;
    size_t pos;          /* start of the next row */
    unsigned w;          /* code unit width: 1, or 2 for UTF-16 */
    bool be;             /* UTF-16BE */
    uint8_t delim;
    bool quotes_off;     /* a quote ran to the end of the file: quotes are text from then on */
    bool warned_cols;
    pith_charset_decoder dec;
    uint8_t *buf;        /* decode buffer of one step (scratch) */
    size_t cap;
} csv_state;

/* The code unit at byte offset i (i + w <= len), as a value: ASCII characters compare equal
 * to their byte in every encoding read here. */
static inline uint32_t unit_at(const csv_state *st, size_t i)
{
    if (st->w == 1) return st->data[i];
    return st->be ? (uint32_t)st->data[i] << 8 | st->data[i + 1]
                  : (uint32_t)st->data[i + 1] << 8 | st->data[i];
}

/* MARK: - Open: encoding and delimiter */

static bool hint_is_tsv(const pith_options *o)
{
    static const char *const tsv[] = {".tsv", ".tab", "tab-separated-values"};
    if (!o->hint) return false;
    for (size_t k = 0; k < sizeof tsv / sizeof tsv[0]; k++) {
        size_t n = strlen(tsv[k]);
        if (o->hint_len < n) continue;
        const char *h = o->hint + o->hint_len - n;
        size_t i = 0;
        while (i < n && (h[i] | 0x20) == (tsv[k][i] | 0x20)) i++;
        if (i == n) return true;
    }
    return false;
}

/* The candidate whose count per line is the same on the most lines (ties: the larger count,
 * then the order of the list). Quoted text is skipped so a comma in a sentence does not vote. */
static uint8_t sniff_delim(const csv_state *st)
{
    static const uint8_t cand[4] = {',', ';', '\t', '|'};
    uint32_t count[CSV_SNIFF_LINES][4];
    memset(count, 0, sizeof count);
    uint32_t lines = 0;
    bool quoted = false, any = false;
    size_t end = st->len - st->pos < CSV_SNIFF_BYTES ? st->len : st->pos + CSV_SNIFF_BYTES;
    for (size_t i = st->pos; end - i >= st->w && lines < CSV_SNIFF_LINES; i += st->w) {
        uint32_t u = unit_at(st, i);
        if (u == '"') quoted = !quoted;
        if (quoted) continue;
        if (u == '\n' || u == '\r') {
            if (any) lines++;
            any = false;
            continue;
        }
        for (int k = 0; k < 4; k++)
            if (u == cand[k]) count[lines][k]++;
        any = true;
    }
    if (any && lines < CSV_SNIFF_LINES) lines++;
    uint8_t best = ',';
    uint32_t best_lines = 0, best_count = 0;
    for (int k = 0; k < 4; k++) {
        /* the most frequent non-zero per-line count and on how many lines it occurs */
        for (uint32_t a = 0; a < lines; a++) {
            uint32_t c = count[a][k], same = 0;
            if (c == 0) continue;
            for (uint32_t b = 0; b < lines; b++) same += count[b][k] == c;
            if (same > best_lines || (same == best_lines && c > best_count)) {
                best = cand[k];
                best_lines = same;
                best_count = c;
            }
        }
    }
    return best;
}

static pith_status csv_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    csv_state *st = pith_doc_calloc(doc, sizeof *st);
    if (!st) return pith_alloc_failed(doc, sizeof *st);
    st->data = data;
    st->len = len;
    st->w = 1;
    pith_status s = pith_work(doc, len);
    if (s != PITH_OK) return s;

    pith_charset cs = pith_charset_guess_text(data, len, &st->pos, NULL);
    if (cs.kind == PITH_ENC_UTF16LE || cs.kind == PITH_ENC_UTF16BE) {
        st->w = 2;
        st->be = cs.kind == PITH_ENC_UTF16BE;
        st->len = st->pos + (len - st->pos) / 2 * 2;  /* an odd last byte is dropped */
    }
    if ((s = pith_charset_decoder_open(doc, &cs, &st->dec)) != PITH_OK) return s;
    st->delim = hint_is_tsv(pith_doc_options(doc)) ? '\t' : sniff_delim(st);

    char d[2] = {(char)st->delim, 0};
    if ((s = pith_doc_add_meta(doc, "encoding", cs.name, strlen(cs.name))) != PITH_OK) return s;
    if ((s = pith_doc_add_meta(doc, "delimiter", st->delim == '\t' ? "\\t" : d,
                               st->delim == '\t' ? 2 : 1)) != PITH_OK)
        return s;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    *state = st;
    return PITH_OK;
}

/* MARK: - Emitting a field */

/* Emit decoded UTF-8 u[0..n) of a cell: C0 controls (NUL included) and DEL are dropped, a tab
 * becomes a space (tabs separate cells in text output), a line end (CRLF, CR, LF) inside a
 * quoted field becomes a BREAK. *cr carries "the last character was CR" across pieces. */
static pith_status emit_clean(pith_doc *doc, const uint8_t *u, size_t n, bool *cr)
{
    size_t run = 0;
    pith_status s = PITH_OK;
    for (size_t i = 0; i < n && s == PITH_OK; i++) {
        uint8_t b = u[i];
        if (b >= 0x20 && b != 0x7F) {
            *cr = false;
            continue;
        }
        if (i > run) s = pith_emit_text(doc, (const char *)u + run, i - run, 0);
        run = i + 1;
        if (s != PITH_OK) break;
        if (b == '\t') {
            s = pith_emit_text(doc, " ", 1, 0);
            *cr = false;
        } else if (b == '\r' || (b == '\n' && !*cr)) {
            s = pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
            *cr = b == '\r';
        } else if (b == '\n') {
            *cr = false;
        }
    }
    if (s == PITH_OK && n > run) s = pith_emit_text(doc, (const char *)u + run, n - run, 0);
    return s;
}

/* Decode and emit input bytes [a, b) in pieces of at most CSV_PIECE. */
static pith_status emit_raw(pith_doc *doc, csv_state *st, size_t a, size_t b, bool *cr)
{
    while (a < b) {
        size_t n = b - a < CSV_PIECE ? b - a : CSV_PIECE;
        size_t used = 0;
        bool final = n == b - a;
        size_t m = pith_charset_decode(&st->dec, st->data + a, n, final, st->buf, st->cap, &used);
        if (used == 0) {
            /* a sequence cut by the piece end is taken whole by the next piece; with nothing
             * used at all the rest is shorter than a sequence: decode it as final */
            m = pith_charset_decode(&st->dec, st->data + a, b - a, true, st->buf, st->cap, &used);
            if (used == 0) return PITH_OK;
        }
        pith_status s = pith_work(doc, used);
        if (s == PITH_OK) s = emit_clean(doc, st->buf, m, cr);
        if (s != PITH_OK) return s;
        a += used;
    }
    return PITH_OK;
}

/* Offset of the next '"' unit in [i, len), or len. */
static size_t find_quote(const csv_state *st, size_t i)
{
    if (st->w == 1) {
        const void *q = i < st->len ? memchr(st->data + i, '"', st->len - i) : NULL;
        return q ? (size_t)((const uint8_t *)q - st->data) : st->len;
    }
    for (; st->len - i >= 2; i += 2)
        if (unit_at(st, i) == '"') return i;
    return st->len;
}

/* A quoted field opening at `open`: emit its content (doubled quotes as one) and return the
 * offset just past the closing quote, or 0 when no quote closes it before the end. */
static size_t quoted_field(pith_doc *doc, csv_state *st, size_t open, pith_status *s)
{
    size_t w = st->w, i = open + w;
    /* find the close first: if there is none, nothing may be emitted */
    size_t close = 0;
    for (size_t j = i;;) {
        size_t q = find_quote(st, j);
        if ((*s = pith_work(doc, q - j + 1)) != PITH_OK) return 0;
        if (q >= st->len) return 0;
        if (st->len - q >= 2 * w && unit_at(st, q + w) == '"') {
            j = q + 2 * w;
            continue;
        }
        close = q;
        break;
    }
    bool cr = false;
    while (i < close) {
        size_t q = find_quote(st, i);
        if (q > close) q = close;
        if ((*s = emit_raw(doc, st, i, q, &cr)) != PITH_OK) return 0;
        if (q == close) break;
        if ((*s = pith_emit_text(doc, "\"", 1, 0)) != PITH_OK) return 0;
        i = q + 2 * w;  /* a doubled quote */
    }
    return close + w;
}

/* MARK: - Rows */

/* If a line end (CRLF, CR, LF) is at *i, step past it and return true. */
static bool skip_line_end(const csv_state *st, size_t *i)
{
    if (st->len - *i < st->w) return false;
    uint32_t u = unit_at(st, *i);
    if (u != '\n' && u != '\r') return false;
    *i += st->w;
    if (u == '\r' && st->len - *i >= st->w && unit_at(st, *i) == '\n') *i += st->w;
    return true;
}

/* Parse one row at st->pos and emit it; returns with st->pos past its line end. A line with no
 * text at all (a blank line) emits nothing. */
static pith_status csv_row(pith_doc *doc, csv_state *st)
{
    size_t w = st->w, i = st->pos;
    uint32_t col = 0;
    bool row_open = false, cell_open = false;
    pith_status s = PITH_OK;
    pith_ev_cell cell = {1, 0};
    if (skip_line_end(st, &i)) {  /* a blank line: no row */
        st->pos = i;
        return PITH_OK;
    }
    for (;;) {
        /* a field starts at i */
        if (!cell_open) {
            if (!row_open) {
                if ((s = pith_emit_begin(doc, PITH_EV_ROW, NULL)) != PITH_OK) return s;
                row_open = true;
            }
            if ((s = pith_emit_begin(doc, PITH_EV_CELL, &cell)) != PITH_OK) return s;
            cell_open = true;
        }
        col++;
        size_t j = i;
        if (!st->quotes_off && st->len - i >= w && unit_at(st, i) == '"') {
            size_t past = quoted_field(doc, st, i, &s);
            if (s != PITH_OK) return s;
            if (past == 0) {
                s = pith_warn(doc, PITH_E_TRUNCATED, i,
                              "csv: quote at offset %zu never closed; quotes read as text from "
                              "there", i);
                if (s != PITH_OK) return s;
                st->quotes_off = true;
            } else {
                j = past;
            }
        }
        /* the unquoted field, or what follows a closing quote up to the delimiter */
        size_t k = j;
        while (st->len - k >= w) {
            uint32_t u = unit_at(st, k);
            if (u == st->delim || u == '\n' || u == '\r') break;
            k += w;
        }
        if ((s = pith_work(doc, k - j)) != PITH_OK) return s;
        bool cr = false;
        if ((s = emit_raw(doc, st, j, k, &cr)) != PITH_OK) return s;
        if (st->len - k < w) {  /* end of file */
            i = k;
            break;
        }
        uint32_t u = unit_at(st, k);
        if (u == st->delim) {
            i = k + w;
            if (col < CSV_MAX_COLS) {
                if ((s = pith_emit_end(doc, PITH_EV_CELL)) != PITH_OK) return s;
                cell_open = false;
            } else {
                if (!st->warned_cols) {
                    st->warned_cols = true;
                    s = pith_warn(doc, PITH_E_LIMIT, k,
                                  "csv: row with more than %u columns; the rest joined in the "
                                  "last cell", CSV_MAX_COLS);
                    if (s != PITH_OK) return s;
                }
                if ((s = pith_emit_text(doc, " ", 1, 0)) != PITH_OK) return s;
            }
            continue;
        }
        /* a line end: CRLF, CR or LF */
        i = k;
        (void)skip_line_end(st, &i);
        break;
    }
    st->pos = i;
    if (cell_open && (s = pith_emit_end(doc, PITH_EV_CELL)) != PITH_OK) return s;
    if (row_open) s = pith_emit_end(doc, PITH_EV_ROW);
    return s;
}

static pith_status csv_unit(pith_doc *doc, void *state, uint32_t index)
{
    csv_state *st = state;
    (void)index;  /* one unit */
    st->cap = pith_charset_decode_max(CSV_PIECE);
    if (!(st->buf = pith_scratch_alloc(doc, st->cap))) return pith_alloc_failed(doc, st->cap);
    size_t start = st->pos;
    pith_status s = PITH_OK;
    bool table = false;
    for (uint32_t rows = 0; st->pos < st->len && rows < CSV_STEP_ROWS; rows++) {
        if (st->pos - start >= CSV_STEP) break;
        if (!table) {
            if ((s = pith_emit_begin(doc, PITH_EV_TABLE, NULL)) != PITH_OK) return s;
            table = true;
        }
        size_t before = st->pos;
        if ((s = csv_row(doc, st)) != PITH_OK) return s;
        if (st->pos <= before)  /* every row consumes input; anything else is a bug */
            return pith_fail(doc, PITH_E_FORMAT, before, "csv: no progress at offset %zu",
                             before);
    }
    if (table && (s = pith_emit_end(doc, PITH_EV_TABLE)) != PITH_OK) return s;
    return st->pos < st->len ? PITH_MORE : PITH_OK;
}

const pith_handler pith_handler_csv = {"csv", csv_open, csv_unit};
