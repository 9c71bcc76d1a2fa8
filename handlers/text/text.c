/* text.c: the plain text handler (text/plain).
 *
 * Decodes a text file to UTF-8 and normalizes it: line ends (CRLF, CR) become LF, and control
 * characters that carry no text are dropped (see "Normalization" below). The encoding is decided
 * once at open, for the whole file, and stored as the "encoding" metadata: a BOM (UTF-8,
 * UTF-16LE/BE), else the zero-byte pattern of BOM-less UTF-16, else UTF-8 (with U+FFFD for the
 * rare ill-formed sequence, see pith_utf8_mostly), else windows-1252 (WHATWG Encoding Standard
 * mappings); the rule is pith_charset_guess_text, shared with the CSV and JSON handlers. Other
 * legacy encodings (cp866, Shift_JIS, EBCDIC) are not detected yet and come out as
 * windows-1252. Text output is the normalized text itself; the structured outputs get
 * paragraphs split on blank lines.
 * A file is one unit, extracted in steps of TEXT_STEP input bytes (PITH_MORE in between), so
 * memory holds one step's output, never the file's text. Draws one work unit per input byte
 * scanned at open and per byte decoded.
 */
#include <stdbool.h>
#include <string.h>

#include "charset.h"
#include "core.h"
#include "sbcs.h"
#include "swar.h"
#include "utf.h"

/* Input bytes decoded per step. The scratch memory of a step is at most about 6 times this
 * (windows-1252 grows a byte to 3, then the normalized copy), so 64 KiB keeps a step under
 * 400 KiB while making the per-step overhead negligible. */
#define TEXT_STEP ((size_t)64 * 1024)

/* Spaces and tabs held back at the end of a line in paragraph mode (see text_state.ws). */
#define TEXT_WS_MAX 64u

typedef enum text_enc {
    ENC_UTF8,         /* the whole input is well-formed UTF-8: copied through */
    ENC_UTF8_REPAIR,  /* UTF-8 with a few ill-formed sequences, each replaced by U+FFFD */
    ENC_UTF16LE,
    ENC_UTF16BE,
    ENC_CP1252,
} text_enc;

typedef struct text_state {
    const uint8_t *data;
    size_t len;
    size_t pos;          /* next input byte to decode (past the BOM at first) */
    text_enc enc;
    bool paragraphs;     /* structured output: emit PARAGRAPH/BREAK rather than bare text */
    bool warned;         /* the decoding warning (if any) has been recorded */
    uint64_t bad;        /* ill-formed UTF-8 sequences the census found (ENC_UTF8_REPAIR) */
    size_t first_bad;    /* offset of the first of them, or of the odd last UTF-16 byte */

    /* Carried across steps, so a step boundary never changes the output. */
    bool after_cr;       /* the last kept character was CR: a LF right after it is the same
                            line end (CRLF split across steps included) */
    bool line_start;     /* paragraph mode: no text on the current line yet */
    bool in_para;        /* a PARAGRAPH is open */
    bool break_pending;  /* a line of the open paragraph ended: BREAK before more text, or the
                            paragraph ends if a blank line comes first */
    bool ws_kept;        /* the current space run outgrew ws: it goes out as it comes */
    uint32_t ws_len;
    /* Spaces/tabs seen after text on the current line, not emitted yet: they are dropped if the
     * line ends first (trailing whitespace) and emitted before the next character otherwise.
     * Bounded: a run longer than TEXT_WS_MAX (only hostile files have one) is kept whole. */
    uint8_t ws[TEXT_WS_MAX];
} text_state;

/* MARK: - Encoding detection */

static pith_status text_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    text_state *st = pith_doc_calloc(doc, sizeof *st);
    if (!st) return pith_alloc_failed(doc, sizeof *st);
    st->data = data;
    st->len = len;
    st->line_start = true;
    st->paragraphs = pith_doc_output(doc) != PITH_OUT_TEXT;

    pith_status s = pith_work(doc, len);
    if (s != PITH_OK) return s;
    /* A UTF-8 BOM is authoritative: ill-formed sequences after it become U+FFFD, however
     * many. Without one, the census decides between repaired UTF-8 and windows-1252. */
    pith_utf8_census c;
    pith_charset cs = pith_charset_guess_text(data, len, &st->pos, &c);
    switch (cs.kind) {
    case PITH_ENC_UTF8: st->enc = c.bad || c.cut ? ENC_UTF8_REPAIR : ENC_UTF8; break;
    case PITH_ENC_UTF16LE: st->enc = ENC_UTF16LE; break;
    case PITH_ENC_UTF16BE: st->enc = ENC_UTF16BE; break;
    default: st->enc = ENC_CP1252; break;
    }
    /* kept for the decoding warning */
    st->bad = c.bad + c.cut;
    st->first_bad = st->pos + c.first_bad;
    if ((st->enc == ENC_UTF16LE || st->enc == ENC_UTF16BE) && (len - st->pos) % 2 != 0) {
        st->bad = 1;
        st->first_bad = len - 1;
    }

    s = pith_doc_add_meta(doc, "encoding", cs.name, strlen(cs.name));
    if (s != PITH_OK) return s;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    *state = st;
    return PITH_OK;
}

/* MARK: - Normalization
 *
 * Runs over decoded UTF-8 (whole code points only) and writes to a buffer of the step:
 *   CR and CRLF -> LF (after_cr survives a step boundary, so a split CRLF is one line end);
 *   VT (U+000B) and FF (U+000C) -> LF: each ends a line in the files that use them (Word's
 *     manual line break; the page break of RFCs and printouts, which sits between lines);
 *   other C0 controls (NUL included) and DEL -> dropped: they are not text. A dropped
 *     character is as if absent: CR NUL LF is still one line end;
 *   TAB, LF and everything else -> kept, the C1 controls U+0080..U+009F included. Those are
 *     what UTF-8 read as Latin-1 and saved again is made of ("â" U+0080 U+0093 for an en dash,
 *     as in corpus/txt/kreuzberg__norwich_city.txt): dropping them would make such mojibake
 *     unrepairable, keeping them lets a caller fix it. For the same reason NEL (U+0085, "Ä"
 *     U+0085 is a doubly encoded "ą") is not a line end here; a future EBCDIC decoder maps
 *     its NL byte to LF itself.
 * Text output takes the result as it is. Paragraph output (Markdown, JSON, HTML) splits it into
 * PARAGRAPHs at lines holding only spaces and tabs, joins the lines of a paragraph with BREAK
 * leaves (a line end in a text file is a real line end: verses, addresses, lists; <br> keeps
 * them in HTML), and drops leading and trailing spaces/tabs of each line (indentation would
 * turn into a Markdown code block and means nothing in HTML). */

enum { K_TEXT, K_SPACE, K_CR, K_LF, K_BREAK, K_DROP };

/* Class of the character at s[0..left), left >= 1, and its length in *len. */
static int classify(const uint8_t *s, size_t left, size_t *len)
{
    uint8_t b = s[0];
    *len = 1;
    if (b == ' ' || b == '\t') return K_SPACE;
    if (b == '\n') return K_LF;
    if (b == '\r') return K_CR;
    if (b == 0x0B || b == 0x0C) return K_BREAK;
    if (b < 0x20 || b == 0x7F) return K_DROP;
    size_t k = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    *len = k < left ? k : left;
    return K_TEXT;
}

/* A byte that needs no look: printable ASCII other than space, or any byte of a multibyte
 * UTF-8 sequence. A run of these therefore never stops inside a sequence. */
static inline bool plain_byte(uint8_t b) { return b > 0x20 && b != 0x7F; }

/* Length of the run of bytes that are copied as they are (>= 0x20, not DEL). The run is the
 * common case, so whole words are tested first (swar.h): a byte below 0x20 or a DEL stops
 * them. */
static size_t plain_run(const uint8_t *s, size_t n)
{
    size_t j = 0;
    for (; n - j >= 8; j += 8) {
        uint64_t w = pith_load8(s + j);
        if (pith_has_less(w, 0x20) | pith_has_byte(w, 0x7F)) break;
    }
    while (j < n && (plain_byte(s[j]) || s[j] == ' ')) j++;
    return j;
}

typedef struct text_out {
    pith_doc *doc;
    text_state *st;
    uint8_t *buf;
    size_t n;    /* bytes written to buf */
    size_t run;  /* buf[run..n) is written but not emitted yet */
} text_out;

static pith_status flush(text_out *o)
{
    pith_status s = PITH_OK;
    if (o->n > o->run) s = pith_emit_text(o->doc, (const char *)o->buf + o->run, o->n - o->run, 0);
    o->run = o->n;
    return s;
}

/* Text output: the normalized text, as one text event per step. */
static void normalize_text(text_out *o, const uint8_t *src, size_t m)
{
    text_state *st = o->st;
    size_t i = 0;
    while (i < m) {
        size_t j = i + plain_run(src + i, m - i);
        if (j > i) {
            memcpy(o->buf + o->n, src + i, j - i);
            o->n += j - i;
            st->after_cr = false;
            i = j;
            continue;
        }
        size_t len;
        switch (classify(src + i, m - i, &len)) {
        case K_CR:
            o->buf[o->n++] = '\n';
            st->after_cr = true;
            break;
        case K_LF:
            if (!st->after_cr) o->buf[o->n++] = '\n';
            st->after_cr = false;
            break;
        case K_BREAK:
            o->buf[o->n++] = '\n';
            st->after_cr = false;
            break;
        case K_DROP:
            break;
        default:  /* K_TEXT, K_SPACE */
            memcpy(o->buf + o->n, src + i, len);
            o->n += len;
            st->after_cr = false;
            break;
        }
        i += len;
    }
}

/* Paragraph output: a line end. */
static pith_status para_line_end(text_out *o)
{
    text_state *st = o->st;
    st->ws_len = 0;
    st->ws_kept = false;
    if (!st->line_start) {
        st->break_pending = true;  /* in_para is true: text opened it */
        st->line_start = true;
        return PITH_OK;
    }
    if (st->in_para) {  /* a blank line ends the paragraph */
        pith_status s = flush(o);
        if (s == PITH_OK) s = pith_emit_end(o->doc, PITH_EV_PARAGRAPH);
        st->in_para = false;
        st->break_pending = false;
        return s;
    }
    return PITH_OK;
}

/* Paragraph output: text is about to be written. Opens the paragraph or ends the previous line
 * with a BREAK, or writes the spaces held back. */
static pith_status para_before_text(text_out *o)
{
    text_state *st = o->st;
    pith_status s = PITH_OK;
    if (st->line_start) {
        st->line_start = false;
        if (!st->in_para) {
            s = flush(o);
            if (s == PITH_OK) s = pith_emit_begin(o->doc, PITH_EV_PARAGRAPH, NULL);
            st->in_para = true;
        } else if (st->break_pending) {
            s = flush(o);
            if (s == PITH_OK) s = pith_emit_leaf(o->doc, PITH_EV_BREAK, NULL);
        }
        st->break_pending = false;
    } else if (st->ws_len > 0) {
        memcpy(o->buf + o->n, st->ws, st->ws_len);
        o->n += st->ws_len;
        st->ws_len = 0;
    }
    st->ws_kept = false;
    return s;
}

static pith_status normalize_paragraphs(text_out *o, const uint8_t *src, size_t m)
{
    text_state *st = o->st;
    pith_status s = PITH_OK;
    size_t i = 0;
    while (i < m && s == PITH_OK) {
        size_t j = i;
        while (j < m && plain_byte(src[j])) j++;
        if (j > i) {
            s = para_before_text(o);
            memcpy(o->buf + o->n, src + i, j - i);
            o->n += j - i;
            st->after_cr = false;
            i = j;
            continue;
        }
        size_t len;
        int k = classify(src + i, m - i, &len);
        bool after_cr = st->after_cr;
        if (k != K_DROP) st->after_cr = k == K_CR;
        switch (k) {
        case K_CR:
        case K_BREAK:
            s = para_line_end(o);
            break;
        case K_LF:
            if (!after_cr) s = para_line_end(o);
            break;
        case K_DROP:
            break;
        case K_SPACE:
            if (st->line_start) break;  /* leading: dropped */
            if (st->ws_kept) {
                o->buf[o->n++] = src[i];
            } else if (st->ws_len < TEXT_WS_MAX) {
                st->ws[st->ws_len++] = src[i];
            } else {
                memcpy(o->buf + o->n, st->ws, st->ws_len);
                o->n += st->ws_len;
                o->buf[o->n++] = src[i];
                st->ws_len = 0;
                st->ws_kept = true;
            }
            break;
        default:  /* K_TEXT */
            s = para_before_text(o);
            memcpy(o->buf + o->n, src + i, len);
            o->n += len;
            break;
        }
        i += len;
    }
    return s;
}

/* MARK: - Steps */

static pith_status text_unit(pith_doc *doc, void *state, uint32_t index)
{
    text_state *st = state;
    (void)index;  /* a text file has one unit */
    if (!st->warned) {
        st->warned = true;
        pith_status s = PITH_OK;
        if (st->bad > 0 && st->enc == ENC_UTF8_REPAIR)
            s = pith_warn(doc, PITH_E_FORMAT, st->first_bad,
                          "text: %llu ill-formed utf-8 sequences replaced by U+FFFD",
                          (unsigned long long)st->bad);
        else if (st->bad > 0)
            s = pith_warn(doc, PITH_E_TRUNCATED, st->first_bad,
                          "text: utf-16 input of odd length (%zu bytes), last byte replaced by "
                          "U+FFFD", st->len - st->pos);
        if (s != PITH_OK) return s;
    }

    size_t left = st->len - st->pos;
    size_t n = left < TEXT_STEP ? left : TEXT_STEP;
    bool final = n == left;
    const uint8_t *in = n > 0 ? st->data + st->pos : NULL;  /* data may be NULL when empty */
    const uint8_t *src = in;
    size_t m = 0, used = 0, cap;
    uint8_t *tmp = NULL;
    switch (n > 0 ? st->enc : ENC_UTF8) {
    case ENC_UTF8:
        /* Well-formed throughout, so backing off to a lead byte (at most 3 bytes) ends the
         * slice on a code point boundary; in[n] exists since the slice is not the last. */
        if (!final)
            while (n > 0 && (in[n] & 0xC0) == 0x80) n--;
        m = used = n;
        break;
    case ENC_UTF8_REPAIR:
        cap = 3 * n + 3;
        if (!(tmp = pith_scratch_alloc(doc, cap))) return pith_alloc_failed(doc, cap);
        m = pith_utf8_repair(in, n, final, tmp, cap, &used);
        src = tmp;
        break;
    case ENC_UTF16LE:
    case ENC_UTF16BE:
        cap = pith_utf16_utf8_max(n);
        if (!(tmp = pith_scratch_alloc(doc, cap))) return pith_alloc_failed(doc, cap);
        m = pith_utf16_to_utf8(in, n, st->enc == ENC_UTF16BE, final, tmp, cap, &used);
        src = tmp;
        break;
    case ENC_CP1252:
        cap = 3 * n;
        if (!(tmp = pith_scratch_alloc(doc, cap))) return pith_alloc_failed(doc, cap);
        m = pith_sbcs_to_utf8(&pith_sbcs_windows_1252, in, n, tmp, cap, &used);
        src = tmp;
        break;
    }
    /* Every decoder takes all but a cut sequence (< 4 bytes) of a step, or everything when
     * final; anything else would be a bug that loops, so stop rather than spin. */
    if (used == 0 && !final)
        return pith_fail(doc, PITH_E_FORMAT, st->pos, "text: no progress decoding at offset %zu",
                         st->pos);
    pith_status s = pith_work(doc, used);
    if (s != PITH_OK) return s;

    /* Normalizing never grows text (CR -> LF, the rest kept or dropped), plus the spaces held
     * back from the previous step. */
    text_out o = {doc, st, pith_scratch_alloc(doc, m + TEXT_WS_MAX), 0, 0};
    if (!o.buf) return pith_alloc_failed(doc, m + TEXT_WS_MAX);
    if (st->paragraphs)
        s = normalize_paragraphs(&o, src, m);
    else
        normalize_text(&o, src, m);
    if (s == PITH_OK) s = flush(&o);
    if (s != PITH_OK) return s;

    st->pos += used;
    if (st->pos < st->len) return PITH_MORE;
    if (st->in_para) {
        st->in_para = false;
        s = pith_emit_end(doc, PITH_EV_PARAGRAPH);
    }
    return s;
}

const pith_handler pith_handler_text = {"text", text_open, text_unit};
