/* eml_mime.c: RFC 5322 and MIME byte-level pieces for the email handler (see eml_int.h).
 *
 * Header fields (RFC 5322 §2.2, folding §2.2.3), parameters (RFC 2045 §5.1, RFC 2231 §4
 * filename*=charset'lang'value; continuations name*0*= are read as their first segment),
 * RFC 2047 encoded words (B and Q), base64 (RFC 2045 §6.8: characters outside the alphabet
 * are skipped and counted) and quoted-printable (§6.7: soft line breaks, =XX; a malformed
 * escape stays literal), and the RFC 5322 §3.3 date-time. No allocation; every output has a
 * capacity the code respects.
 */
#include <string.h>

#include "charset.h"
#include "eml_int.h"
#include "utf.h"

static inline uint8_t lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c; }
static inline bool is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* MARK: - Header fields */

/* Offset just past the line starting at i (its LF included), or end. */
static size_t line_end(const uint8_t *d, size_t end, size_t i)
{
    const uint8_t *nl = i < end ? memchr(d + i, '\n', end - i) : NULL;
    return nl ? (size_t)(nl - d) + 1 : end;
}

bool eml_next_field(const uint8_t *d, size_t end, size_t *pos, eml_field *f)
{
    size_t i = *pos;
    while (i < end) {
        size_t e = line_end(d, end, i);
        /* a blank line ends the block */
        if (d[i] == '\n' || (d[i] == '\r' && i + 1 < end && d[i + 1] == '\n')) {
            *pos = e;
            return false;
        }
        const uint8_t *colon = memchr(d + i, ':', e - i);
        if (!colon || d[i] == ' ' || d[i] == '\t') {  /* not a field: skip the line */
            i = e;
            continue;
        }
        f->name = d + i;
        f->name_len = (size_t)(colon - (d + i));
        while (f->name_len > 0 && is_ws(f->name[f->name_len - 1])) f->name_len--;
        f->vstart = (size_t)(colon - d) + 1;
        /* continuation lines start with whitespace */
        while (e < end && (d[e] == ' ' || d[e] == '\t')) e = line_end(d, end, e);
        f->vend = e;
        *pos = e;
        return true;
    }
    *pos = end;
    return false;
}

bool eml_name_is(const eml_field *f, const char *lit)
{
    size_t n = strlen(lit);
    if (n != f->name_len) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(f->name[i]) != (uint8_t)lit[i]) return false;
    return true;
}

size_t eml_unfold(const uint8_t *d, size_t a, size_t b, char *out, size_t cap)
{
    size_t o = 0;
    bool space = false;
    for (size_t i = a; i < b && o < cap; i++) {
        uint8_t c = d[i];
        if (is_ws(c)) {
            space = o > 0;
            continue;
        }
        if (space) {
            out[o++] = ' ';
            space = false;
            if (o == cap) break;
        }
        out[o++] = (char)c;
    }
    return o;
}

/* MARK: - Parameters */

static uint32_t hexv(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10u : 16u;
}

void eml_media_type(const char *v, size_t n, char *out, size_t cap)
{
    size_t i = 0, o = 0;
    while (i < n && is_ws((uint8_t)v[i])) i++;
    /* RFC 2045 token characters only: the type is printed, and must be UTF-8 */
    while (i < n && v[i] != ';' && !is_ws((uint8_t)v[i]) && o + 1 < cap) {
        uint8_t c = (uint8_t)v[i++];
        if (c > 0x20 && c < 0x7F && c != '"') out[o++] = (char)lower(c);
    }
    out[o] = 0;
}

bool eml_param(const char *v, size_t n, const char *name, char *out, size_t cap, char *charset)
{
    size_t nl = strlen(name);
    if (cap == 0) return false;
    out[0] = 0;
    if (charset) charset[0] = 0;
    size_t i = 0;
    bool quoted = false;
    while (i < n) {
        /* the next ';' outside quotes */
        if (v[i] == '"') quoted = !quoted;
        if (v[i] != ';' || quoted) {
            i++;
            continue;
        }
        i++;
        while (i < n && is_ws((uint8_t)v[i])) i++;
        size_t a = i;
        while (i < n && v[i] != '=' && v[i] != ';') i++;
        if (i >= n || v[i] != '=') continue;
        size_t b = i;
        while (b > a && is_ws((uint8_t)v[b - 1])) b--;
        /* name, name*, or the first continuation name*0 / name*0* */
        size_t k = 0;
        while (k < nl && a + k < b && lower((uint8_t)v[a + k]) == (uint8_t)name[k]) k++;
        if (k != nl) continue;
        const char *rest = v + a + k;
        size_t rn = b - a - k;
        bool ext = false;
        if (rn == 0) {
            ext = false;
        } else if ((rn == 1 && rest[0] == '*') || (rn == 3 && rest[0] == '*' && rest[1] == '0' &&
                                                   rest[2] == '*')) {
            ext = true;
        } else if (!(rn == 2 && rest[0] == '*' && rest[1] == '0')) {
            continue;
        }
        i++;  /* past '=' */
        while (i < n && is_ws((uint8_t)v[i])) i++;
        size_t o = 0;
        if (i < n && v[i] == '"') {
            for (i++; i < n && v[i] != '"' && o + 1 < cap; i++) {
                if (v[i] == '\\' && i + 1 < n) i++;
                out[o++] = v[i];
            }
        } else {
            while (i < n && v[i] != ';' && !is_ws((uint8_t)v[i]) && o + 1 < cap) out[o++] = v[i++];
        }
        out[o] = 0;
        if (ext) {
            /* charset'lang'percent-encoded */
            char *q1 = memchr(out, '\'', o);
            char *q2 = q1 ? memchr(q1 + 1, '\'', (size_t)(out + o - q1 - 1)) : NULL;
            size_t s = 0, w = 0;
            if (q1 && q2) {
                if (charset) {
                    size_t cl = (size_t)(q1 - out) < 39 ? (size_t)(q1 - out) : 39;
                    memcpy(charset, out, cl);
                    charset[cl] = 0;
                }
                s = (size_t)(q2 - out) + 1;
            }
            for (; s < o; s++) {
                if (out[s] == '%' && s + 2 < o && hexv((uint8_t)out[s + 1]) < 16 &&
                    hexv((uint8_t)out[s + 2]) < 16) {
                    out[w++] = (char)(hexv((uint8_t)out[s + 1]) << 4 | hexv((uint8_t)out[s + 2]));
                    s += 2;
                } else {
                    out[w++] = out[s];
                }
            }
            out[w] = 0;
        }
        return true;
    }
    return false;
}

/* MARK: - Encoded words (RFC 2047) */

/* Decode bytes b[0..n) of charset `cs` (label) to UTF-8 at out (cap); returns the length. */
static size_t to_utf8(pith_doc *doc, const char *cs, size_t csn, const uint8_t *b, size_t n,
                      char *out, size_t cap, pith_status *status)
{
    pith_charset c;
    if (!cs || !pith_charset_find(cs, csn, &c)) {
        c = pith_charset_named(pith_utf8_valid_prefix(b, n) == n ? "utf-8" : "windows-1252");
    }
    pith_charset_decoder d;
    *status = pith_charset_decoder_open(doc, &c, &d);
    if (*status != PITH_OK) return 0;
    size_t used;
    return pith_charset_decode(&d, b, n, true, (uint8_t *)out, cap, &used);
}

size_t eml_decode_words(pith_doc *doc, const char *v, size_t n, char *out, size_t cap,
                        pith_status *status)
{
    size_t o = 0, i = 0, text = 0;  /* v[text..i) is plain text not yet copied */
    bool last_word = false;         /* the last thing out was an encoded word */
    uint8_t tmp[EML_HDR_CAP];
    *status = PITH_OK;
    while (i + 1 < n) {
        if (!(v[i] == '=' && v[i + 1] == '?')) {
            i++;
            continue;
        }
        /* =?charset?E?text?= */
        size_t cs = i + 2, q1 = cs;
        while (q1 < n && v[q1] != '?') q1++;
        if (q1 + 2 >= n || v[q1 + 2] != '?') {
            i++;
            continue;
        }
        char enc = (char)lower((uint8_t)v[q1 + 1]);
        size_t t = q1 + 3, e = t;
        while (e + 1 < n && !(v[e] == '?' && v[e + 1] == '=')) e++;
        if (e + 1 >= n || (enc != 'b' && enc != 'q')) {
            i++;
            continue;
        }
        /* plain text before the word; only whitespace between two words is dropped */
        bool only_ws = true;
        for (size_t k = text; k < i; k++) only_ws = only_ws && is_ws((uint8_t)v[k]);
        if (!(last_word && only_ws) && i > text)
            o += to_utf8(doc, NULL, 0, (const uint8_t *)v + text, i - text, out + o, cap - o,
                         status);
        if (*status != PITH_OK) return o;
        size_t bn;
        if (enc == 'b') {
            uint64_t g;
            bn = eml_base64((const uint8_t *)v + t, e - t, tmp, &g);
        } else {
            bn = 0;
            for (size_t k = t; k < e; k++) {
                if (v[k] == '_') {
                    tmp[bn++] = ' ';
                } else if (v[k] == '=' && k + 2 < e && hexv((uint8_t)v[k + 1]) < 16 &&
                           hexv((uint8_t)v[k + 2]) < 16) {
                    tmp[bn++] = (uint8_t)(hexv((uint8_t)v[k + 1]) << 4 | hexv((uint8_t)v[k + 2]));
                    k += 2;
                } else {
                    tmp[bn++] = (uint8_t)v[k];
                }
            }
        }
        /* the label may carry a language: charset*lang (RFC 2231 §5) */
        size_t csn = q1 - cs;
        for (size_t k = cs; k < q1; k++)
            if (v[k] == '*') {
                csn = k - cs;
                break;
            }
        o += to_utf8(doc, v + cs, csn, tmp, bn, out + o, cap - o, status);
        if (*status != PITH_OK) return o;
        i = e + 2;
        text = i;
        last_word = true;
    }
    if (n > text) o += to_utf8(doc, NULL, 0, (const uint8_t *)v + text, n - text, out + o,
                               cap - o, status);
    return o;
}

/* MARK: - Transfer encodings */

size_t eml_base64(const uint8_t *in, size_t n, uint8_t *out, uint64_t *garbage)
{
    uint32_t acc = 0, k = 0;
    size_t o = 0;
    *garbage = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = in[i];
        uint32_t v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26u;
        else if (c >= '0' && c <= '9') v = c - '0' + 52u;
        else if (c == '+' || c == '-') v = 62;
        else if (c == '/' || c == '_') v = 63;
        else {
            if (c == '=') {  /* padding: the quantum ends; a new one may follow */
                if (k == 2) out[o++] = (uint8_t)(acc >> 4);
                if (k == 3) {
                    out[o++] = (uint8_t)(acc >> 10);
                    out[o++] = (uint8_t)(acc >> 2);
                }
                acc = k = 0;
            } else if (!is_ws(c)) {
                (*garbage)++;
            }
            continue;
        }
        acc = acc << 6 | v;
        if (++k == 4) {
            out[o++] = (uint8_t)(acc >> 16);
            out[o++] = (uint8_t)(acc >> 8);
            out[o++] = (uint8_t)acc;
            acc = k = 0;
        }
    }
    /* an unpadded tail */
    if (k == 2) out[o++] = (uint8_t)(acc >> 4);
    if (k == 3) {
        out[o++] = (uint8_t)(acc >> 10);
        out[o++] = (uint8_t)(acc >> 2);
    }
    return o;
}

size_t eml_qp(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] != '=') {
            out[o++] = in[i];
            continue;
        }
        /* a soft line break: '=' then optional trailing whitespace, then the line end */
        size_t j = i + 1;
        while (j < n && (in[j] == ' ' || in[j] == '\t')) j++;
        if (j < n && (in[j] == '\r' || in[j] == '\n')) {
            if (in[j] == '\r' && j + 1 < n && in[j + 1] == '\n') j++;
            i = j;
            continue;
        }
        if (j >= n && j > i + 1) {  /* '=' and spaces at the very end */
            i = j - 1;
            continue;
        }
        if (i + 2 < n && hexv(in[i + 1]) < 16 && hexv(in[i + 2]) < 16) {
            out[o++] = (uint8_t)(hexv(in[i + 1]) << 4 | hexv(in[i + 2]));
            i += 2;
            continue;
        }
        out[o++] = '=';  /* malformed: kept as written */
    }
    return o;
}

/* MARK: - Dates */

static bool num(const char *v, size_t n, size_t *i, uint32_t *out, uint32_t min_d, uint32_t max_d)
{
    uint32_t x = 0, d = 0;
    while (*i < n && v[*i] >= '0' && v[*i] <= '9' && d < max_d) {
        x = x * 10 + (uint32_t)(v[*i] - '0');
        (*i)++;
        d++;
    }
    *out = x;
    return d >= min_d;
}

static void skip_ws(const char *v, size_t n, size_t *i)
{
    while (*i < n && (v[*i] == ' ' || v[*i] == '\t')) (*i)++;
}

bool eml_date_iso(const char *v, size_t n, char *out, size_t cap)
{
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    size_t i = 0;
    uint32_t day, mon = 0, year, hh, mm, ss = 0;
    if (cap < 26) return false;
    skip_ws(v, n, &i);
    /* optional day of week */
    if (i + 3 < n && !(v[i] >= '0' && v[i] <= '9')) {
        while (i < n && v[i] != ',' && !(v[i] >= '0' && v[i] <= '9')) i++;
        if (i < n && v[i] == ',') i++;
        skip_ws(v, n, &i);
    }
    if (!num(v, n, &i, &day, 1, 2) || day < 1 || day > 31) return false;
    skip_ws(v, n, &i);
    if (n - i < 3) return false;
    for (uint32_t m = 0; m < 12; m++)
        if (lower((uint8_t)v[i]) == (uint8_t)months[3 * m] &&
            lower((uint8_t)v[i + 1]) == (uint8_t)months[3 * m + 1] &&
            lower((uint8_t)v[i + 2]) == (uint8_t)months[3 * m + 2])
            mon = m + 1;
    if (!mon) return false;
    i += 3;
    skip_ws(v, n, &i);
    if (!num(v, n, &i, &year, 2, 4)) return false;
    if (year < 50) year += 2000;  /* RFC 5322 §4.3 obsolete two-digit years */
    else if (year < 1000) year += 1900;
    skip_ws(v, n, &i);
    if (!num(v, n, &i, &hh, 1, 2) || i >= n || v[i] != ':') return false;
    i++;
    if (!num(v, n, &i, &mm, 2, 2)) return false;
    if (i < n && v[i] == ':') {
        i++;
        if (!num(v, n, &i, &ss, 2, 2)) return false;
    }
    if (hh > 23 || mm > 59 || ss > 60) return false;
    skip_ws(v, n, &i);
    int sign = 0;
    uint32_t zone = 0;
    if (i < n && (v[i] == '+' || v[i] == '-')) {
        sign = v[i] == '-' ? -1 : 1;
        i++;
        if (!num(v, n, &i, &zone, 4, 4)) return false;
    }
    char *p = out;
    uint32_t f[6] = {year, mon, day, hh, mm, ss};
    const char sep[6] = {'-', '-', 'T', ':', ':', 0};
    for (int k = 0; k < 6; k++) {
        uint32_t x = f[k];
        if (k == 0) {
            *p++ = (char)('0' + x / 1000 % 10);
            *p++ = (char)('0' + x / 100 % 10);
        }
        *p++ = (char)('0' + x / 10 % 10);
        *p++ = (char)('0' + x % 10);
        if (sep[k]) *p++ = sep[k];
    }
    if (sign == 0 || zone == 0) {
        *p++ = 'Z';  /* GMT, UT, +0000, or an obsolete zone name */
    } else {
        *p++ = sign < 0 ? '-' : '+';
        *p++ = (char)('0' + zone / 1000 % 10);
        *p++ = (char)('0' + zone / 100 % 10);
        *p++ = ':';
        *p++ = (char)('0' + zone / 10 % 10);
        *p++ = (char)('0' + zone % 10);
    }
    *p = 0;
    return true;
}
