/* json.c: the JSON handler (application/json, GeoJSON, JSON Lines).
 *
 * Reads RFC 8259 text leniently and emits its string and number values in document order;
 * object keys, true, false and null are dropped (keys are names, not text) unless the options
 * ask for keys (PITH_OPT_JSON_KEYS): then a key starts a line "key:", a scalar value follows it
 * on that line after a space, and true/false/null are kept, so each pair reads "key: value"
 * (a key whose value is a container stands alone on its line before it). Consecutive scalar
 * values of one container form a PARAGRAPH, one per line (BREAK between them); a container
 * starting or ending closes the paragraph. Escapes are decoded (\uXXXX with surrogate pairs,
 * a lone surrogate gives U+FFFD); control characters other than line ends are dropped.
 * The encoding is decided at open by the text handler's rule, pith_charset_guess_text (BOM,
 * BOM-less UTF-16, UTF-8 with U+FFFD for ill-formed sequences, else windows-1252).
 * The tokenizer is a byte-at-a-time state machine with no recursion: nesting is a bit stack
 * (object or array per level) grown in document memory, at most one bit per input byte, so a
 * 10^6-deep file costs 125 KB. A file is one unit read in steps of JSON_STEP input bytes, a
 * string longer than a step streaming through. Damage (a stray byte, a string or container
 * left open at the end) is a warning; the text read so far stays. One work unit per byte.
 */
#include <stdbool.h>
#include <string.h>

#include "charset.h"
#include "core.h"
#include "utf.h"

#define JSON_STEP ((size_t)64 * 1024)

typedef enum json_mode {
    J_VALUE,   /* between tokens: waits for a value, a separator or a container end */
    J_STR,     /* inside a string */
    J_ESC,     /* after a backslash in a string */
    J_HEX,     /* in the 4 hex digits of \u */
    J_NUM,     /* inside a number */
    J_WORD,    /* inside true/false/null (or a bare word of a broken file) */
} json_mode;

typedef struct json_state {
    const uint8_t *data;
    size_t len;
    size_t pos;           /* next input byte */
    pith_charset_decoder dec;
    bool direct;          /* the input is valid UTF-8: read in place, no decoding */

    json_mode mode;
    bool keys;            /* PITH_OPT_JSON_KEYS: keys and literal words are text */
    bool key;             /* the current string is an object key, dropped */
    bool key_text;        /* the current string is an object key, written (keys on) */
    bool after_key;       /* a written key ended its line with ':': a scalar joins the line */
    bool want_key;        /* in an object, after '{' or ',': the next string is a key */
    bool para;            /* a PARAGRAPH is open */
    bool pending;         /* a string value began but has no text yet: an empty string is
                             no line */
    bool warned_stray;
    uint32_t hex_n;       /* hex digits of \u read so far */
    uint32_t hex;
    uint32_t high;        /* a high surrogate waiting for its low half, or 0 */

    uint8_t *stack;       /* bit per level: 1 = object */
    uint64_t depth;
    uint64_t stack_bits;  /* capacity */
} json_state;

static pith_status json_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    json_state *st = pith_doc_calloc(doc, sizeof *st);
    if (!st) return pith_alloc_failed(doc, sizeof *st);
    st->data = data;
    st->len = len;
    st->keys = (pith_doc_options(doc)->flags & PITH_OPT_JSON_KEYS) != 0;
    pith_status s = pith_work(doc, len);
    if (s != PITH_OK) return s;

    pith_utf8_census scan;
    pith_charset cs = pith_charset_guess_text(data, len, &st->pos, &scan);
    st->direct = cs.kind == PITH_ENC_UTF8 && !scan.bad && !scan.cut;
    if ((s = pith_charset_decoder_open(doc, &cs, &st->dec)) != PITH_OK) return s;
    if ((s = pith_doc_add_meta(doc, "encoding", cs.name, strlen(cs.name))) != PITH_OK) return s;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    *state = st;
    return PITH_OK;
}

/* MARK: - Output of one step */

typedef struct json_out {
    pith_doc *doc;
    json_state *st;
    uint8_t *buf;  /* decoded text of the current value, not emitted yet */
    size_t n;
} json_out;

static pith_status flush(json_out *o)
{
    pith_status s = PITH_OK;
    if (o->n) s = pith_emit_text(o->doc, (const char *)o->buf, o->n, 0);
    o->n = 0;
    return s;
}

/* A scalar value starts: open the paragraph or break the line (or, after a written key, go on
 * on its line). */
static pith_status value_start(json_out *o)
{
    if (o->st->after_key) {
        o->st->after_key = false;
        o->buf[o->n++] = ' ';
        return PITH_OK;
    }
    pith_status s = flush(o);
    if (s != PITH_OK) return s;
    if (o->st->para) return pith_emit_leaf(o->doc, PITH_EV_BREAK, NULL);
    o->st->para = true;
    return pith_emit_begin(o->doc, PITH_EV_PARAGRAPH, NULL);
}

static pith_status para_end(json_out *o)
{
    o->st->after_key = false;
    pith_status s = flush(o);
    if (s != PITH_OK || !o->st->para) return s;
    o->st->para = false;
    return pith_emit_end(o->doc, PITH_EV_PARAGRAPH);
}

/* Text of a string value is about to be written: its line starts now. */
static pith_status text_start(json_out *o)
{
    if (!o->st->pending) return PITH_OK;
    o->st->pending = false;
    return value_start(o);
}

/* Append code point cp to the value (keys are dropped). Controls other than LF become nothing
 * (a tab becomes a space): they are not text. */
static pith_status put_cp(json_out *o, uint32_t cp)
{
    if (o->st->key) return PITH_OK;
    if (cp == '\t') cp = ' ';
    if ((cp < 0x20 && cp != '\n') || cp == 0x7F) return PITH_OK;
    pith_status s = text_start(o);
    if (s == PITH_OK) o->n += pith_utf8_encode(cp, o->buf + o->n);
    return s;
}

/* MARK: - Nesting */

static pith_status push(pith_doc *doc, json_state *st, bool object)
{
    if (st->depth == st->stack_bits) {
        /* double, in document memory (the old copy is abandoned: at most as much again) */
        uint64_t bits = st->stack_bits ? st->stack_bits * 2 : 4096;
        uint8_t *p = pith_doc_alloc(doc, (size_t)(bits / 8));
        if (!p) return pith_alloc_failed(doc, (size_t)(bits / 8));
        if (st->stack) memcpy(p, st->stack, (size_t)(st->stack_bits / 8));
        st->stack = p;
        st->stack_bits = bits;
    }
    uint64_t d = st->depth++;
    if (object)
        st->stack[d / 8] |= (uint8_t)(1u << (d % 8));
    else
        st->stack[d / 8] &= (uint8_t)~(1u << (d % 8));
    st->want_key = object;
    return PITH_OK;
}

static bool in_object(const json_state *st)
{
    if (st->depth == 0) return false;
    uint64_t d = st->depth - 1;
    return (st->stack[d / 8] >> (d % 8)) & 1u;
}

static uint32_t hex_val(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return 16;
}

/* A \uXXXX unit is complete: pair surrogates, U+FFFD for a lone one. */
static pith_status hex_done(json_out *o)
{
    json_state *st = o->st;
    uint32_t u = st->hex;
    if (st->high) {
        uint32_t hi = st->high;
        st->high = 0;
        if (u >= 0xDC00 && u <= 0xDFFF)
            return put_cp(o, 0x10000 + ((hi - 0xD800) << 10) + (u - 0xDC00));
        pith_status s = put_cp(o, 0xFFFD);
        if (s != PITH_OK) return s;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
        st->high = u;
        return PITH_OK;
    }
    return put_cp(o, u >= 0xDC00 && u <= 0xDFFF ? 0xFFFD : u);
}

/* A high surrogate not followed by its low half. */
static pith_status lone_high(json_out *o)
{
    if (!o->st->high) return PITH_OK;
    o->st->high = 0;
    return put_cp(o, 0xFFFD);
}

static pith_status stray(json_out *o, size_t at, uint8_t c)
{
    if (o->st->warned_stray) return PITH_OK;
    o->st->warned_stray = true;
    return pith_warn(o->doc, PITH_E_FORMAT, at, "json: unexpected byte 0x%02x at offset %zu "
                     "skipped", (unsigned)c, at);
}

/* MARK: - The tokenizer */

/* Run the machine over UTF-8 u[0..n). `base` is the input offset of u (exact when the input is
 * read in place, the step's start otherwise: only messages use it). */
static pith_status scan(json_out *o, const uint8_t *u, size_t n, size_t base)
{
    json_state *st = o->st;
    pith_status s = PITH_OK;
    for (size_t i = 0; i < n && s == PITH_OK; i++) {
        uint8_t c = u[i];
        switch (st->mode) {
        case J_STR: {
            /* the common case: a run of plain bytes copied at once */
            size_t j = i;
            while (j < n && u[j] != '"' && u[j] != '\\' && u[j] >= 0x20 && u[j] != 0x7F) j++;
            if (j > i) {
                if (!st->key && (s = lone_high(o)) == PITH_OK && (s = text_start(o)) == PITH_OK) {
                    memcpy(o->buf + o->n, u + i, j - i);
                    o->n += j - i;
                }
                i = j - 1;
                continue;
            }
            if (c == '"') {
                s = lone_high(o);
                st->mode = J_VALUE;
                st->key = false;
                if (st->key_text && s == PITH_OK && (s = text_start(o)) == PITH_OK) {
                    o->buf[o->n++] = ':';
                    st->after_key = true;
                }
                st->key_text = false;
                st->pending = false;
            } else if (c == '\\') {
                st->mode = J_ESC;
            } else {
                s = put_cp(o, c);  /* a raw control character: dropped, LF kept */
            }
            break;
        }
        case J_ESC: {
            static const char from[] = "\"\\/bfnrt";
            static const char to[] = "\"\\/\b\f\n\r\t";
            const char *e = memchr(from, c, sizeof from - 1);
            st->mode = J_STR;
            if (c == 'u') {
                st->mode = J_HEX;
                st->hex_n = 0;
                st->hex = 0;
            } else if (c >= 0x80) {
                i--;  /* a backslash before a multibyte character: the character, read whole */
            } else if ((s = lone_high(o)) == PITH_OK) {
                s = put_cp(o, e ? (uint8_t)to[e - from] : c);  /* unknown escape: the byte */
            }
            break;
        }
        case J_HEX: {
            uint32_t v = hex_val(c);
            if (v == 16) {  /* a broken \u: U+FFFD, and the byte is read as string text */
                s = put_cp(o, 0xFFFD);
                st->mode = J_STR;
                i--;
                break;
            }
            st->hex = st->hex << 4 | v;
            if (++st->hex_n == 4) {
                s = hex_done(o);
                st->mode = J_STR;
            }
            break;
        }
        case J_NUM:
            if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' ||
                c == '-') {
                o->buf[o->n++] = c;
                break;
            }
            st->mode = J_VALUE;
            i--;  /* the byte ends the number: read it again as a token */
            break;
        case J_WORD:
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                if (st->keys) o->buf[o->n++] = c;
                break;
            }
            st->mode = J_VALUE;
            i--;
            break;
        case J_VALUE:
            switch (c) {
            case ' ': case '\t': case '\n': case '\r':
                break;
            case '{':
            case '[':
                if ((s = para_end(o)) == PITH_OK) s = push(o->doc, st, c == '{');
                break;
            case '}':
            case ']':
                s = para_end(o);
                if (st->depth > 0) st->depth--;
                else if (s == PITH_OK) s = stray(o, base + i, c);
                st->want_key = false;
                break;
            case ',':
                st->want_key = in_object(st);
                st->after_key = false;  /* a key without a value: the next pair starts a line */
                break;
            case ':':
                st->want_key = false;
                break;
            case '"':
                st->mode = J_STR;
                st->key = st->want_key && !st->keys;
                st->key_text = st->want_key && st->keys;
                st->want_key = false;
                st->pending = !st->key;
                break;
            default:
                if ((c >= '0' && c <= '9') || c == '-') {
                    st->mode = J_NUM;
                    if ((s = value_start(o)) == PITH_OK) o->buf[o->n++] = c;
                } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                    st->mode = J_WORD;
                    if (st->keys && (s = value_start(o)) == PITH_OK) o->buf[o->n++] = c;
                } else {
                    s = stray(o, base + i, c);
                }
                st->want_key = false;
                break;
            }
            break;
        }
    }
    return s;
}

static pith_status json_unit(pith_doc *doc, void *state, uint32_t index)
{
    json_state *st = state;
    (void)index;  /* one unit */
    size_t left = st->len - st->pos;
    size_t n = left < JSON_STEP ? left : JSON_STEP;
    /* Valid UTF-8 read in place: end the step on a character boundary, or a string cut there
     * would reach the output (and a chunk) with half a character at each side. */
    if (st->direct && n < left)
        while (n > 1 && (st->data[st->pos + n] & 0xC0) == 0x80) n--;
    bool final = n == left;
    const uint8_t *u = n ? st->data + st->pos : NULL;
    size_t m = n, used = n;
    if (n && !st->direct) {
        size_t cap = pith_charset_decode_max(n);
        uint8_t *tmp = pith_scratch_alloc(doc, cap);
        if (!tmp) return pith_alloc_failed(doc, cap);
        m = pith_charset_decode(&st->dec, u, n, final, tmp, cap, &used);
        u = tmp;
        if (used == 0 && !final)
            return pith_fail(doc, PITH_E_FORMAT, st->pos, "json: no progress decoding at "
                             "offset %zu", st->pos);
    }
    pith_status s = pith_work(doc, used);
    if (s != PITH_OK) return s;
    /* Decoding a value never grows it (an escape is longer than what it gives; a lone high
     * surrogate's U+FFFD is 3 bytes for 6), plus one U+FFFD for a surrogate of the last step.
     * With keys: a key's quotes become its ':' and the space before its value, except once a
     * step for a pair that straddles the step's start. */
    json_out o = {doc, st, pith_scratch_alloc(doc, m + 8), 0};
    if (!o.buf) return pith_alloc_failed(doc, m + 8);
    s = scan(&o, u, m, st->pos);
    if (s == PITH_OK) s = flush(&o);
    if (s != PITH_OK) return s;
    st->pos += used;
    if (st->pos < st->len) return PITH_MORE;

    /* the end */
    if (st->mode == J_STR || st->mode == J_ESC || st->mode == J_HEX)
        s = pith_warn(doc, PITH_E_TRUNCATED, st->len, "json: string not closed at the end of the "
                      "input");
    else if (st->depth > 0)
        s = pith_warn(doc, PITH_E_TRUNCATED, st->len, "json: %llu containers not closed at the end "
                      "of the input", (unsigned long long)st->depth);
    if (s == PITH_OK) s = para_end(&o);
    return s;
}

const pith_handler pith_handler_json = {"json", json_open, json_unit};
