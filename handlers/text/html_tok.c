/* html_tok.c: the HTML tokenizer (see html_tok.h for what it covers and leaves out).
 *
 * Speed: text is found with find_byte for '<' (8 bytes at a time, inline), attribute values and
 * raw text with memchr for their closing quote or "</" (most of a page's bytes are text runs or
 * attribute values, and both are skipped so), and only tag and attribute names go through a
 * per-byte loop with a 256-entry class table. Every state consumes input or ends the token, so
 * a call is linear in the bytes it consumes; the caller bounds the work of a step by the bytes
 * consumed.
 */
#include "html_tok.h"

#include <string.h>

#include "swar.h"

/* Byte classes for tag and attribute names. */
enum { C_OTHER = 0, C_SPACE = 1, C_SLASH = 2, C_GT = 4, C_EQ = 8, C_UPPER = 16 };

static const uint8_t cls[256] = {
    ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\f'] = C_SPACE, ['\r'] = C_SPACE, [' '] = C_SPACE,
    ['/'] = C_SLASH, ['>'] = C_GT, ['='] = C_EQ,
    ['A'] = C_UPPER, ['B'] = C_UPPER, ['C'] = C_UPPER, ['D'] = C_UPPER, ['E'] = C_UPPER,
    ['F'] = C_UPPER, ['G'] = C_UPPER, ['H'] = C_UPPER, ['I'] = C_UPPER, ['J'] = C_UPPER,
    ['K'] = C_UPPER, ['L'] = C_UPPER, ['M'] = C_UPPER, ['N'] = C_UPPER, ['O'] = C_UPPER,
    ['P'] = C_UPPER, ['Q'] = C_UPPER, ['R'] = C_UPPER, ['S'] = C_UPPER, ['T'] = C_UPPER,
    ['U'] = C_UPPER, ['V'] = C_UPPER, ['W'] = C_UPPER, ['X'] = C_UPPER, ['Y'] = C_UPPER,
    ['Z'] = C_UPPER,
};

static bool is_alpha(uint8_t c) { return (uint8_t)((c | 0x20) - 'a') < 26; }
static uint8_t lower(uint8_t c) { return (cls[c] & C_UPPER) ? (uint8_t)(c | 0x20) : c; }

void pith_html_tok_init(pith_html_tokenizer *t, const uint8_t *d, size_t n)
{
    memset(t, 0, sizeof *t);
    t->d = d;
    t->n = d ? n : 0;
}

void pith_html_tok_mode(pith_html_tokenizer *t, pith_html_mode mode, const uint8_t *name,
                        uint32_t name_len)
{
    t->mode = mode;
    t->end_len = name_len < PITH_HTML_NAME_MAX ? name_len : PITH_HTML_NAME_MAX;
    memcpy(t->end_name, name, t->end_len);
}

const pith_html_attr *pith_html_attr_find(const pith_html_tok *tok, const char *name, size_t m)
{
    for (uint32_t i = 0; i < tok->attr_count; i++) {
        const pith_html_attr *a = &tok->attrs[i];
        if (a->name_len != m || lower(a->name[0]) != (uint8_t)name[0]) continue;
        size_t k = 0;
        while (k < m && lower(a->name[k]) == (uint8_t)name[k]) k++;
        if (k == m) return a;
    }
    return NULL;
}

/* The first d[k] == c with i <= k < n, or n. Eight bytes at a time, inline: the runs between
 * a page's tags are short (tens of bytes), where a memchr call costs more than its scan, and
 * in wasm memchr is a plain C loop over 4-byte words (the 100 KB generated page: 9% of its
 * time in memchr; 5% faster with this, for 137 bytes of the minimal .wasm with one call site).
 * Natively a long run goes to memchr after the first 64 bytes: libc scans 32 or 64 bytes a
 * step there. */
static size_t find_byte(const uint8_t *d, size_t i, size_t n, uint8_t c)
{
    size_t end = n;
#ifndef __wasm__
    if (n - i > 64) end = i + 64;
#endif
    while (end - i >= 8) {
        uint64_t z = pith_zero_bytes(pith_load8(d + i) ^ PITH_REP8(c));
        if (z) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + (size_t)(__builtin_ctzll(z) >> 3);
#else
            break; /* the byte loop below finds it within these 8 */
#endif
        }
        i += 8;
    }
    while (i < end && d[i] != c) i++;
    if (i < end || end == n) return i;
    const uint8_t *p = memchr(d + i, c, n - i);
    return p ? (size_t)(p - d) : n;
}

/* The closing quote of an attribute value from d[i], or n. In wasm inline: most values are
 * short, where a call costs more than the scan (a real 1.8 MB page 4% faster than through
 * src/wasm_libc.c's memchr, 7% than through musl's); natively libc's vector memchr (the
 * inline scan was 5% slower on that page). */
static size_t value_end(const uint8_t *d, size_t i, size_t n, uint8_t quote)
{
#ifdef __wasm__
    return find_byte(d, i, n, quote);
#else
    const uint8_t *p = memchr(d + i, quote, n - i);
    return p ? (size_t)(p - d) : n;
#endif
}

/* MARK: - Text */

/* Where a text token that would run to `end` is cut, if it is longer than PITH_HTML_TEXT_MAX:
 * never inside a UTF-8 sequence (back over continuation bytes) nor inside a character
 * reference (before an '&' among the last 40 bytes: the longest reference, "&" plus a 31-byte
 * name plus ';', or a numeric one with its digits, fits in 40). Always > start. */
static size_t cut_text(const uint8_t *d, size_t start, size_t end)
{
    if (end - start <= PITH_HTML_TEXT_MAX) return end;
    size_t cut = start + PITH_HTML_TEXT_MAX;
    for (size_t k = 0; k < 40; k++) {
        if (d[cut - 1 - k] == '&') {
            cut = cut - 1 - k;
            break;
        }
    }
    for (int k = 0; k < 3 && cut > start + 1 && (d[cut] & 0xC0) == 0x80; k++) cut--;
    return cut;
}

/* Does d[i] ('<') start markup in the data state? A letter (tag), '/' (end tag, "</>" or a bogus
 * comment), '!' or '?' (declarations and bogus comments). Anything else makes '<' text. */
static bool markup_at(const pith_html_tokenizer *t, size_t i)
{
    if (i + 1 >= t->n) return false;
    uint8_t c = t->d[i + 1];
    return is_alpha(c) || c == '/' || c == '!' || c == '?';
}

static void text_token(pith_html_tokenizer *t, pith_html_tok *tok, pith_html_tok_kind kind,
                       size_t start, size_t end)
{
    end = cut_text(t->d, start, end);
    tok->kind = kind;
    tok->raw = kind == PITH_HTML_CDATA || t->mode == PITH_HTML_RAWTEXT ||
               t->mode == PITH_HTML_PLAINTEXT;
    tok->p = t->d + start;
    tok->n = end - start;
    tok->offset = start;
    t->pos = end;
}

/* RCDATA/RAWTEXT: text up to "</" + the end tag's name + a byte that ends a tag name. */
static size_t raw_end(const pith_html_tokenizer *t, size_t from)
{
    const uint8_t *d = t->d;
    size_t n = t->n, i = from;
    while (i < n) {
        const uint8_t *lt = memchr(d + i, '<', n - i);
        if (!lt) return n;
        i = (size_t)(lt - d);
        size_t j = i + 2;
        if (i + 1 < n && d[i + 1] == '/' && n - j > t->end_len) {
            size_t k = 0;
            while (k < t->end_len && lower(d[j + k]) == t->end_name[k]) k++;
            if (k == t->end_len && (cls[d[j + k]] & (C_SPACE | C_SLASH | C_GT))) return i;
        }
        i++;
    }
    return n;
}

/* MARK: - Tags */

#define EOF_IN_TAG ((size_t)-1)

/* Tag name and attributes from d[i] (just past "<" or "</"). Returns the position after the
 * tag's '>', or EOF_IN_TAG when the input ends inside the tag (the standard drops the tag). */
static size_t read_tag(pith_html_tokenizer *t, size_t i, pith_html_tok *tok)
{
    const uint8_t *d = t->d;
    size_t n = t->n;
    uint32_t h = 2166136261u, len = 0;
    memset(tok->name, 0, sizeof tok->name);
    /* tag name state */
    while (i < n && !(cls[d[i]] & (C_SPACE | C_SLASH | C_GT))) {
        uint8_t c = lower(d[i++]);
        if (len < PITH_HTML_NAME_MAX) tok->name[len] = c;
        len++;
        h = (h ^ c) * 16777619u;
    }
    tok->name_len = len;
    tok->name_hash = h;
    tok->self_closing = false;
    tok->attr_count = 0;
    for (;;) {
        /* before attribute name */
        while (i < n && (cls[d[i]] & C_SPACE)) i++;
        if (i >= n) return EOF_IN_TAG;
        if (d[i] == '>') return i + 1;
        if (d[i] == '/') {
            /* self-closing start tag state: '/' right before '>' marks it; otherwise the
             * slash is dropped and attributes go on */
            if (i + 1 < n && d[i + 1] == '>') {
                tok->self_closing = true;
                return i + 2;
            }
            i++;
            continue;
        }
        /* attribute name: '=' may be its first byte; quotes and '<' are part of it */
        size_t ns = i++;
        while (i < n && !(cls[d[i]] & (C_SPACE | C_SLASH | C_GT | C_EQ))) i++;
        pith_html_attr *a = tok->attr_count < PITH_HTML_ATTR_MAX ? &tok->attrs[tok->attr_count++]
                                                                 : NULL;
        if (a) {
            a->name = d + ns;
            a->name_len = (uint32_t)(i - ns);
            a->value = d + i;
            a->value_len = 0;
        }
        /* after attribute name */
        while (i < n && (cls[d[i]] & C_SPACE)) i++;
        if (i >= n) return EOF_IN_TAG;
        if (d[i] != '=') continue; /* '/', '>' or the next attribute's name */
        i++;
        /* before attribute value */
        while (i < n && (cls[d[i]] & C_SPACE)) i++;
        if (i >= n) return EOF_IN_TAG;
        size_t vs, ve;
        if (d[i] == '"' || d[i] == '\'') {
            ve = value_end(d, i + 1, n, d[i]);
            if (ve == n) return EOF_IN_TAG;
            vs = i + 1;
            i = ve + 1;
        } else if (d[i] == '>') {
            continue; /* missing value: the '>' ends the tag */
        } else {
            vs = i;
            while (i < n && !(cls[d[i]] & (C_SPACE | C_GT))) i++;
            ve = i;
        }
        if (a) {
            a->value = d + vs;
            a->value_len = (uint32_t)(ve - vs);
        }
    }
}

/* The end of a comment that starts at d[i] ("<!--"): after "-->" or "--!>", or right after
 * "<!-->" / "<!--->" (abrupt endings); n when it runs to the end of the input. */
static size_t comment_end(const uint8_t *d, size_t n, size_t i)
{
    size_t j = i + 4;
    if (j < n && d[j] == '>') return j + 1;
    if (j + 1 < n && d[j] == '-' && d[j + 1] == '>') return j + 2;
    while (j < n) {
        const uint8_t *dash = memchr(d + j, '-', n - j);
        if (!dash) return n;
        j = (size_t)(dash - d);
        if (j + 2 < n && d[j + 1] == '-' && d[j + 2] == '>') return j + 3;
        if (j + 3 < n && d[j + 1] == '-' && d[j + 2] == '!' && d[j + 3] == '>') return j + 4;
        j++;
    }
    return n;
}

static size_t after_gt(const uint8_t *d, size_t n, size_t i)
{
    const uint8_t *gt = memchr(d + i, '>', n - i);
    return gt ? (size_t)(gt - d) + 1 : n;
}

static bool starts_ci(const uint8_t *d, size_t n, size_t i, const char *lit)
{
    size_t m = strlen(lit);
    if (n - i < m) return false;
    for (size_t k = 0; k < m; k++)
        if (lower(d[i + k]) != (uint8_t)lit[k]) return false;
    return true;
}

bool pith_html_tok_next(pith_html_tokenizer *t, pith_html_tok *tok)
{
    const uint8_t *d = t->d;
    size_t n = t->n;
    while (t->pos < n) {
        size_t i = t->pos;
        if (t->in_cdata) {
            /* CDATA section: text up to "]]>" (a long one comes in several tokens) */
            size_t j = i;
            for (;;) {
                const uint8_t *b = j < n ? memchr(d + j, ']', n - j) : NULL;
                if (!b) {
                    j = n;
                    break;
                }
                j = (size_t)(b - d);
                if (n - j >= 3 && d[j + 1] == ']' && d[j + 2] == '>') break;
                j++;
            }
            if (j > i) {
                text_token(t, tok, PITH_HTML_CDATA, i, j);
                return true;
            }
            t->in_cdata = false;
            t->pos = j < n ? j + 3 : n;
            continue;
        }
        if (t->mode == PITH_HTML_PLAINTEXT) {
            text_token(t, tok, PITH_HTML_TEXT, i, n);
            return true;
        }
        if (t->mode != PITH_HTML_DATA) {
            size_t end = raw_end(t, i);
            if (end == i) {
                t->mode = PITH_HTML_DATA; /* the end tag itself comes as a token next */
                continue;
            }
            text_token(t, tok, PITH_HTML_TEXT, i, end);
            return true;
        }
        if (d[i] != '<' || !markup_at(t, i)) {
            /* text up to the next '<' that starts markup */
            size_t j = i + 1;
            for (;;) {
                j = find_byte(d, j, n, '<');
                if (j == n || markup_at(t, j)) break;
                j++;
            }
            text_token(t, tok, PITH_HTML_TEXT, i, j);
            return true;
        }
        uint8_t c = d[i + 1];
        tok->offset = i;
        tok->p = d + i;
        /* a start tag "<a" or an end tag "</a": one call site, so read_tag is inlined here */
        bool end_tag = c == '/';
        if (is_alpha(c) || (end_tag && i + 2 < n && is_alpha(d[i + 2]))) {
            size_t end = read_tag(t, i + 1 + end_tag, tok);
            if (end == EOF_IN_TAG) {
                t->pos = n; /* eof in tag: dropped */
                continue;
            }
            t->pos = end;
            tok->kind = end_tag ? PITH_HTML_END : PITH_HTML_START;
            tok->n = end - i;
            return true;
        }
        if (end_tag) {
            /* "</>" is dropped; "</" + anything else is a bogus comment up to '>' */
            t->pos = after_gt(d, n, i + 2);
            continue;
        }
        if (c == '!') {
            if (starts_ci(d, n, i, "<!--")) {
                t->pos = comment_end(d, n, i);
            } else if (n - i >= 9 && memcmp(d + i, "<![CDATA[", 9) == 0 && t->foreign) {
                t->in_cdata = true;
                t->pos = i + 9;
            } else {
                /* DOCTYPE, or "<!x": a bogus comment; both end at the first '>' */
                t->pos = after_gt(d, n, i + 2);
            }
            continue;
        }
        /* "<?": bogus comment */
        t->pos = after_gt(d, n, i + 1);
    }
    tok->kind = PITH_HTML_EOF;
    tok->p = d ? d + n : NULL; /* d is NULL for an empty input */
    tok->n = 0;
    tok->offset = n;
    return false;
}
