/* eml.c: the email handler (message/rfc822), after RFC 5322 and MIME (RFC 2045-2049).
 *
 * Open reads the message headers (subject as "title", from, to, cc, date as ISO 8601,
 * message-id: metadata) and walks the MIME tree without recursion (an explicit stack of
 * multipart frames, EML_MAX_DEPTH deep), recording each leaf part. multipart/alternative
 * keeps one child: text/plain, else text/html, else a nested multipart, else the first
 * (text/html first with PITH_OPT_EMAIL_HTML).
 * Unit 0 is the message: a heading with the subject, a paragraph with From/To/Cc/Date, then
 * the body parts, one per step; text/plain is decoded here (transfer encoding, then charset),
 * text/html goes through the HTML handler (pith_nested, with a UTF-8 BOM when the part names
 * its charset). Each attachment is a unit of its own: a line with its name, type and size,
 * then its text through the handler its type or name selects when the build has one
 * (message/rfc822 included: nesting is bounded by limits.max_nesting_docs).
 * Damage is a warning: a boundary never closed (the part runs to the end of its parent),
 * base64 with characters outside the alphabet (skipped), parts past EML_MAX_PARTS (ignored),
 * multiparts past EML_MAX_DEPTH (read as one opaque part). Header values are cut at
 * EML_HDR_CAP bytes.
 */
#include <stdbool.h>
#include <string.h>

#include "charset.h"
#include "core.h"
#include "eml_int.h"
#include "utf.h"

#define EML_MAX_PARTS 1024u
#define EML_MAX_DEPTH 32u

typedef enum eml_cte { CTE_IDENTITY = 0, CTE_BASE64, CTE_QP } eml_cte;
typedef enum eml_role { R_TEXT = 0, R_HTML, R_ATTACH } eml_role;

typedef struct eml_part {
    size_t body, end;   /* encoded body bytes */
    uint8_t cte, role;
    char type[64];      /* lowercased media type */
    char charset[40];   /* "" when none */
    pith_str name;      /* decoded file name (document memory), may be empty */
} eml_part;

typedef struct eml_frame {
    size_t pos, end;
    char boundary[72];  /* RFC 2046 §5.1.1: at most 70 characters */
    size_t blen;
} eml_frame;

typedef struct eml_state {
    const uint8_t *data;
    size_t len;
    eml_part *parts;
    uint32_t nparts;
    uint32_t *attach;   /* part index of unit k + 1 */
    uint32_t nattach;
    uint32_t next;      /* unit 0: the next body part to emit */
    bool head_done;
    pith_str subject, from, to, cc, date;
    char *v, *u;        /* header buffers: an unfolded value, its decoded text (kept off the
                           stack, which is small in wasm) */
} eml_state;

#define EML_U_CAP (EML_HDR_CAP * 3 / 2)

/* The headers of one entity that matter here. */
typedef struct eml_head {
    char type[64], charset[40], boundary[72], name[256], name_cs[40];
    uint8_t cte;
    bool attachment;
    size_t body;  /* where the body starts */
} eml_head;

static bool ieq_prefix(const char *s, const char *lit)
{
    for (; *lit; s++, lit++)
        if (!*s || (*s | 0x20) != (*lit | 0x20)) return false;
    return true;
}

/* Read the header block at [a, b) of an entity. Top-level headers also give metadata. */
static pith_status read_head(pith_doc *doc, eml_state *st, size_t a, size_t b, eml_head *h,
                             bool top)
{
    memset(h, 0, sizeof *h);
    char *v = st->v;
    size_t pos = a;
    eml_field f;
    pith_status s = PITH_OK;
    while (eml_next_field(st->data, b, &pos, &f)) {
        size_t n = eml_unfold(st->data, f.vstart, f.vend, v, EML_HDR_CAP);
        if (eml_name_is(&f, "content-type")) {
            eml_media_type(v, n, h->type, sizeof h->type);
            eml_param(v, n, "charset", h->charset, sizeof h->charset, NULL);
            eml_param(v, n, "boundary", h->boundary, sizeof h->boundary, NULL);
            if (!h->name[0]) eml_param(v, n, "name", h->name, sizeof h->name, h->name_cs);
        } else if (eml_name_is(&f, "content-transfer-encoding")) {
            char t[32];
            eml_media_type(v, n, t, sizeof t);
            h->cte = strcmp(t, "base64") == 0             ? CTE_BASE64
                     : strcmp(t, "quoted-printable") == 0 ? CTE_QP
                                                          : CTE_IDENTITY;
        } else if (eml_name_is(&f, "content-disposition")) {
            char t[32];
            eml_media_type(v, n, t, sizeof t);
            h->attachment = strcmp(t, "attachment") == 0;
            char nm[256], cs[40];
            if (eml_param(v, n, "filename", nm, sizeof nm, cs)) {
                memcpy(h->name, nm, sizeof nm);
                memcpy(h->name_cs, cs, sizeof cs);
            }
        } else if (top) {
            static const char *const keys[][2] = {
                {"subject", "title"}, {"from", "from"}, {"to", "to"}, {"cc", "cc"},
                {"date", "date"}, {"message-id", "message_id"}};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                if (!eml_name_is(&f, keys[k][0])) continue;
                char *u = st->u;
                size_t un;
                if (k == 4) {
                    un = eml_date_iso(v, n, u, EML_U_CAP) ? strlen(u) : 0;
                    if (!un) un = eml_decode_words(doc, v, n, u, EML_U_CAP, &s);
                } else {
                    un = eml_decode_words(doc, v, n, u, EML_U_CAP, &s);
                }
                if (s != PITH_OK) return s;
                if (un == 0) break;
                if ((s = pith_doc_add_meta(doc, keys[k][1], u, un)) != PITH_OK) return s;
                char *copy = pith_doc_alloc(doc, un);
                if (!copy) return pith_alloc_failed(doc, un);
                memcpy(copy, u, un);
                pith_str str = {copy, un};
                pith_str *slot[] = {&st->subject, &st->from, &st->to, &st->cc, &st->date, NULL};
                if (slot[k]) *slot[k] = str;
                break;
            }
        }
    }
    h->body = pos;
    if (!h->type[0]) memcpy(h->type, "text/plain", 11);
    return PITH_OK;
}

/* MARK: - The MIME walk */

/* The next delimiter line "--boundary" at or after i in [i, end): *line at its start, *after
 * past its line end, *last for the close delimiter "--boundary--". false when none. */
static bool find_delim(const eml_state *st, const eml_frame *fr, size_t i, size_t *line,
                       size_t *after, bool *last)
{
    const uint8_t *d = st->data;
    size_t end = fr->end, bl = fr->blen;
    while (i < end) {
        bool at_line = i == 0 || d[i - 1] == '\n';
        if (at_line && end - i >= bl + 2 && d[i] == '-' && d[i + 1] == '-' &&
            memcmp(d + i + 2, fr->boundary, bl) == 0) {
            size_t j = i + 2 + bl;
            *last = end - j >= 2 && d[j] == '-' && d[j + 1] == '-';
            const uint8_t *nl = memchr(d + j, '\n', end - j);
            *line = i;
            *after = nl ? (size_t)(nl - d) + 1 : end;
            return true;
        }
        const uint8_t *nl = memchr(d + i, '\n', end - i);
        if (!nl) break;
        i = (size_t)(nl - d) + 1;
    }
    return false;
}

/* The next child of frame fr: [*a, *b). false when the frame is done. */
static pith_status next_child(pith_doc *doc, eml_state *st, eml_frame *fr, size_t *a, size_t *b,
                              bool *got)
{
    size_t line, after, line2, after2;
    bool last, last2;
    *got = false;
    if (fr->pos >= fr->end || !find_delim(st, fr, fr->pos, &line, &after, &last) || last) {
        fr->pos = fr->end;
        return PITH_OK;
    }
    pith_status s = pith_work(doc, after - fr->pos);
    if (s != PITH_OK) return s;
    *a = after;
    if (find_delim(st, fr, after, &line2, &after2, &last2)) {
        /* the line end before the delimiter belongs to it (RFC 2046 §5.1.1) */
        size_t e = line2;
        if (e > after && st->data[e - 1] == '\n') e--;
        if (e > after && st->data[e - 1] == '\r') e--;
        *b = e;
        fr->pos = line2;
    } else {
        *b = fr->end;
        fr->pos = fr->end;
        s = pith_warn(doc, PITH_E_TRUNCATED, after, "eml: boundary \"%s\" never closed; the "
                      "last part runs to offset %zu", fr->boundary, fr->end);
    }
    if (s == PITH_OK) s = pith_work(doc, *b - *a);
    *got = true;
    return s;
}

/* PITH_OPT_EMAIL_HTML swaps the first two: a reader that keeps links and tables asks for the
 * HTML part, the default keeps the sender's own plain text. */
static int alt_rank(const char *type, bool html_first)
{
    if (strcmp(type, "text/plain") == 0) return html_first ? 2 : 3;
    if (strcmp(type, "text/html") == 0) return html_first ? 3 : 2;
    if (ieq_prefix(type, "multipart/")) return 1;
    return 0;
}

static pith_status add_part(pith_doc *doc, eml_state *st, const eml_head *h, size_t end)
{
    if (st->nparts == EML_MAX_PARTS) {
        if (st->nparts++ == EML_MAX_PARTS)
            return pith_warn(doc, PITH_E_LIMIT, h->body, "eml: more than %u parts; the rest "
                             "ignored", EML_MAX_PARTS);
        return PITH_OK;
    }
    if (st->nparts > EML_MAX_PARTS) return PITH_OK;
    eml_part *p = &st->parts[st->nparts];
    memset(p, 0, sizeof *p);
    p->body = h->body < end ? h->body : end;
    p->end = end;
    p->cte = h->cte;
    memcpy(p->type, h->type, sizeof p->type);
    memcpy(p->charset, h->charset, sizeof p->charset);
    bool text = ieq_prefix(h->type, "text/");
    if (h->attachment || h->name[0] || !text || strcmp(h->type, "message/rfc822") == 0)
        p->role = R_ATTACH;
    else
        p->role = strcmp(h->type, "text/html") == 0 ? R_HTML : R_TEXT;
    if (h->name[0]) {
        pith_status s = PITH_OK;
        char u[768];
        size_t un;
        if (h->name_cs[0]) {
            /* RFC 2231: the charset is given once for the whole value */
            pith_charset cs;
            if (!pith_charset_find(h->name_cs, strlen(h->name_cs), &cs))
                cs = pith_charset_named("utf-8");
            pith_charset_decoder dec;
            if ((s = pith_charset_decoder_open(doc, &cs, &dec)) != PITH_OK) return s;
            size_t used;
            un = pith_charset_decode(&dec, (const uint8_t *)h->name, strlen(h->name), true,
                                     (uint8_t *)u, sizeof u, &used);
        } else {
            un = eml_decode_words(doc, h->name, strlen(h->name), u, sizeof u, &s);
            if (s != PITH_OK) return s;
        }
        char *copy = pith_doc_alloc(doc, un ? un : 1);
        if (!copy) return pith_alloc_failed(doc, un);
        memcpy(copy, u, un);
        p->name.p = copy;
        p->name.n = un;
    }
    /* a text part in a pack encoding asks for the pack now, while the caller can give it */
    if (p->role != R_ATTACH && p->charset[0]) {
        pith_charset cs;
        if (pith_charset_find(p->charset, strlen(p->charset), &cs)) {
            pith_charset_decoder dec;
            pith_status s = pith_charset_decoder_open(doc, &cs, &dec);
            if (s != PITH_OK) return s;
        }
    }
    if (p->role == R_ATTACH) st->nattach++;
    st->nparts++;
    return pith_objects(doc, 1);
}

static pith_status walk(pith_doc *doc, eml_state *st)
{
    eml_frame *frames = pith_doc_alloc(doc, EML_MAX_DEPTH * sizeof *frames);
    if (!frames) return pith_alloc_failed(doc, EML_MAX_DEPTH * sizeof *frames);
    uint32_t nf = 0;
    size_t a = 0, b = st->len;
    bool have = true, top = true;
    bool warned_depth = false;
    bool html_first = (pith_doc_options(doc)->flags & PITH_OPT_EMAIL_HTML) != 0;
    pith_status s = PITH_OK;
    for (;;) {
        if (have) {
            eml_head h;
            have = false;
            if ((s = read_head(doc, st, a, b, &h, top)) != PITH_OK) return s;
            top = false;
            bool multi = ieq_prefix(h.type, "multipart/") && h.boundary[0];
            if (multi && nf == EML_MAX_DEPTH) {
                if (!warned_depth) {
                    warned_depth = true;
                    s = pith_warn(doc, PITH_E_LIMIT, a, "eml: multiparts nested deeper than "
                                  "%u read as one part", EML_MAX_DEPTH);
                    if (s != PITH_OK) return s;
                }
                multi = false;
            }
            if (!multi) {
                if ((s = add_part(doc, st, &h, b)) != PITH_OK) return s;
            } else {
                eml_frame *fr = &frames[nf++];
                fr->pos = h.body;
                fr->end = b;
                fr->blen = strlen(h.boundary);
                memcpy(fr->boundary, h.boundary, sizeof fr->boundary);
                if (strcmp(h.type, "multipart/alternative") == 0) {
                    /* keep the best child only */
                    size_t best_a = 0, best_b = 0, ca, cb;
                    int best = -1;
                    bool got;
                    for (;;) {
                        if ((s = next_child(doc, st, fr, &ca, &cb, &got)) != PITH_OK) return s;
                        if (!got) break;
                        eml_head ch;
                        if ((s = read_head(doc, st, ca, cb, &ch, false)) != PITH_OK) return s;
                        int r = alt_rank(ch.type, html_first);
                        if (r > best) {
                            best = r;
                            best_a = ca;
                            best_b = cb;
                        }
                    }
                    nf--;
                    if (best >= 0) {
                        a = best_a;
                        b = best_b;
                        have = true;
                        continue;
                    }
                }
            }
        }
        if (nf == 0) break;
        bool got;
        if ((s = next_child(doc, st, &frames[nf - 1], &a, &b, &got)) != PITH_OK) return s;
        if (!got) {
            nf--;
            continue;
        }
        have = true;
    }
    return PITH_OK;
}

/* An attachment's unit is named by its file name; the message (unit 0) has none. */
static pith_str unit_name(pith_doc *doc, void *state, uint32_t index)
{
    (void)doc;
    const eml_state *st = state;
    if (index == 0 || index > st->nattach) return (pith_str){NULL, 0};
    return st->parts[st->attach[index - 1]].name;
}

static pith_status eml_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    eml_state *st = pith_doc_calloc(doc, sizeof *st);
    if (!st) return pith_alloc_failed(doc, sizeof *st);
    st->data = data;
    st->len = len;
    st->v = pith_doc_alloc(doc, EML_HDR_CAP + EML_U_CAP);
    if (!st->v) return pith_alloc_failed(doc, EML_HDR_CAP + EML_U_CAP);
    st->u = st->v + EML_HDR_CAP;
    st->parts = pith_doc_alloc(doc, EML_MAX_PARTS * sizeof *st->parts);
    if (!st->parts) return pith_alloc_failed(doc, EML_MAX_PARTS * sizeof *st->parts);
    pith_status s = walk(doc, st);
    if (s != PITH_OK) return s;
    if (st->nparts > EML_MAX_PARTS) st->nparts = EML_MAX_PARTS;
    st->nattach = 0;
    st->attach = pith_doc_alloc(doc, (st->nparts + 1) * sizeof *st->attach);
    if (!st->attach) return pith_alloc_failed(doc, (st->nparts + 1) * sizeof *st->attach);
    for (uint32_t i = 0; i < st->nparts; i++)
        if (st->parts[i].role == R_ATTACH) st->attach[st->nattach++] = i;
    pith_doc_set_units(doc, 1 + st->nattach, PITH_UNIT_PART);
    pith_doc_set_unit_names(doc, unit_name);
    *state = st;
    return PITH_OK;
}

/* MARK: - Output */

/* The part's bytes with the transfer encoding undone (scratch memory for the encoded ones). */
static pith_status part_bytes(pith_doc *doc, const eml_state *st, const eml_part *p,
                              const uint8_t **out, size_t *n)
{
    const uint8_t *in = st->data + p->body;
    size_t len = p->end - p->body;
    pith_status s = pith_work(doc, len);
    if (s != PITH_OK) return s;
    if (p->cte == CTE_IDENTITY || len == 0) {
        *out = len ? in : (const uint8_t *)"";
        *n = len;
        return PITH_OK;
    }
    uint8_t *buf = pith_scratch_alloc(doc, len);
    if (!buf) return pith_alloc_failed(doc, len);
    if (p->cte == CTE_BASE64) {
        uint64_t garbage;
        *n = eml_base64(in, len, buf, &garbage);
        if (garbage > 0 &&
            (s = pith_warn(doc, PITH_E_FORMAT, p->body, "eml: base64 part at offset %zu: %llu "
                           "characters outside the alphabet skipped", p->body,
                           (unsigned long long)garbage)) != PITH_OK)
            return s;
    } else {
        *n = eml_qp(in, len, buf);
    }
    *out = buf;
    return PITH_OK;
}

/* UTF-8 text u[0..n) as paragraphs: blank lines split them, line ends inside are BREAKs,
 * control characters are dropped, spaces at line ends trimmed. */
static pith_status emit_plain(pith_doc *doc, const uint8_t *u, size_t n)
{
    pith_status s = PITH_OK;
    bool in_para = false;
    size_t i = 0, pending_breaks = 0;
    while (i < n && s == PITH_OK) {
        const uint8_t *nl = memchr(u + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - u) : n;
        size_t a = i, b = e;
        while (b > a && (u[b - 1] == '\r' || u[b - 1] == ' ' || u[b - 1] == '\t')) b--;
        while (a < b && (u[a] == ' ' || u[a] == '\t')) a++;
        if (a == b) {
            if (in_para) s = pith_emit_end(doc, PITH_EV_PARAGRAPH);
            in_para = false;
            pending_breaks = 0;
        } else {
            if (!in_para) {
                s = pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
                in_para = true;
            } else if (pending_breaks) {
                s = pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
            }
            /* the line, controls dropped */
            size_t r = a;
            for (size_t k = a; k < b && s == PITH_OK; k++) {
                if (u[k] >= 0x20 && u[k] != 0x7F) continue;
                if (k > r) s = pith_emit_text(doc, (const char *)u + r, k - r, 0);
                if (s == PITH_OK && u[k] == '\t') s = pith_emit_text(doc, " ", 1, 0);
                r = k + 1;
            }
            if (s == PITH_OK && b > r) s = pith_emit_text(doc, (const char *)u + r, b - r, 0);
            pending_breaks = 1;
        }
        i = e + 1;
    }
    if (s == PITH_OK && in_para) s = pith_emit_end(doc, PITH_EV_PARAGRAPH);
    return s;
}

/* Charset of a part: its label, else UTF-8 when the bytes are, else windows-1252. */
static pith_charset part_charset(const eml_part *p, const uint8_t *b, size_t n)
{
    pith_charset cs;
    if (p->charset[0] && pith_charset_find(p->charset, strlen(p->charset), &cs)) return cs;
    return pith_charset_named(pith_utf8_valid_prefix(b, n) == n ? "utf-8" : "windows-1252");
}

/* Decode b[0..n) to UTF-8 in scratch, with room for a BOM in front when bom is set. */
static pith_status to_utf8(pith_doc *doc, const pith_charset *cs, const uint8_t *b, size_t n,
                           bool bom, const uint8_t **out, size_t *m)
{
    pith_charset_decoder d;
    pith_status s = pith_charset_decoder_open(doc, cs, &d);
    if (s != PITH_OK) return s;
    size_t cap = pith_charset_decode_max(n) + 3;
    uint8_t *u = pith_scratch_alloc(doc, cap);
    if (!u) return pith_alloc_failed(doc, cap);
    size_t k = 0, used;
    if (bom) {
        u[0] = 0xEF;
        u[1] = 0xBB;
        u[2] = 0xBF;
        k = 3;
    }
    *m = k + pith_charset_decode(&d, b, n, true, u + k, cap - k, &used);
    *out = u;
    return pith_work(doc, n);
}

static pith_status emit_body_part(pith_doc *doc, eml_state *st, const eml_part *p)
{
    const uint8_t *b, *u;
    size_t n, m;
    pith_status s = part_bytes(doc, st, p, &b, &n);
    if (s != PITH_OK || n == 0) return s;
    pith_charset cs = part_charset(p, b, n);
    if (p->role == R_HTML) {
        /* a BOM is authoritative for the HTML handler: the part's charset wins over what the
         * markup's <meta> says, as mail readers do */
        if ((s = to_utf8(doc, &cs, b, n, true, &u, &m)) != PITH_OK) return s;
        return pith_nested(doc, u, m, "text/html", 9);
    }
    if ((s = to_utf8(doc, &cs, b, n, false, &u, &m)) != PITH_OK) return s;
    return emit_plain(doc, u, m);
}

static pith_status emit_head(pith_doc *doc, eml_state *st)
{
    pith_status s = PITH_OK;
    if (st->subject.n) {
        pith_ev_heading h = {1};
        s = pith_emit_block(doc, PITH_EV_HEADING, &h, st->subject.p, st->subject.n);
    }
    static const char *const labels[] = {"From: ", "To: ", "Cc: ", "Date: "};
    const pith_str *vals[] = {&st->from, &st->to, &st->cc, &st->date};
    bool open = false;
    for (int k = 0; k < 4 && s == PITH_OK; k++) {
        if (!vals[k]->n) continue;
        if (!open) {
            s = pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
            open = true;
        } else {
            s = pith_emit_leaf(doc, PITH_EV_BREAK, NULL);
        }
        if (s == PITH_OK) s = pith_emit_text(doc, labels[k], strlen(labels[k]), 0);
        if (s == PITH_OK) s = pith_emit_text(doc, vals[k]->p, vals[k]->n, 0);
    }
    if (s == PITH_OK && open) s = pith_emit_end(doc, PITH_EV_PARAGRAPH);
    return s;
}

static pith_status emit_attachment(pith_doc *doc, eml_state *st, const eml_part *p)
{
    const uint8_t *b;
    size_t n;
    pith_status s = part_bytes(doc, st, p, &b, &n);
    if (s != PITH_OK) return s;
    /* "Attachment: name (type, N bytes)" */
    char num[24];
    size_t k = sizeof num;
    size_t v = n;
    do {
        num[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v && k > 0);
    if ((s = pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL)) != PITH_OK) return s;
    s = pith_emit_text(doc, "Attachment: ", 12, 0);
    if (s == PITH_OK && p->name.n) s = pith_emit_text(doc, p->name.p, p->name.n, 0);
    if (s == PITH_OK) s = pith_emit_text(doc, p->name.n ? " (" : "(", p->name.n ? 2 : 1, 0);
    if (s == PITH_OK) s = pith_emit_text(doc, p->type, strlen(p->type), 0);
    if (s == PITH_OK) s = pith_emit_text(doc, ", ", 2, 0);
    if (s == PITH_OK) s = pith_emit_text(doc, num + k, sizeof num - k, 0);
    if (s == PITH_OK) s = pith_emit_text(doc, " bytes)", 7, 0);
    if (s == PITH_OK) s = pith_emit_end(doc, PITH_EV_PARAGRAPH);
    if (s != PITH_OK || n == 0) return s;
    /* its text, when this build reads its format: the name's extension decides, else the
     * type; formats with no handler here are only listed */
    const char *hint = p->name.n ? p->name.p : p->type;
    size_t hint_len = p->name.n ? p->name.n : strlen(p->type);
    pith_format f = pith_detect(b, n, hint, hint_len);
    bool readable = pith_registry_find(f) != NULL ||
                    ((f == PITH_FMT_CSV || f == PITH_FMT_JSON || f == PITH_FMT_MARKDOWN) &&
                     pith_registry_find(PITH_FMT_TEXT) != NULL);
    if (!readable) return PITH_OK;
    return pith_nested(doc, b, n, hint, hint_len);
}

static pith_status eml_unit(pith_doc *doc, void *state, uint32_t index)
{
    eml_state *st = state;
    pith_status s = PITH_OK;
    if (index > 0) {
        if (index > st->nattach) return PITH_OK;
        return emit_attachment(doc, st, &st->parts[st->attach[index - 1]]);
    }
    if (!st->head_done) {
        st->head_done = true;
        if ((s = emit_head(doc, st)) != PITH_OK) return s;
    }
    while (st->next < st->nparts && st->parts[st->next].role == R_ATTACH) st->next++;
    if (st->next >= st->nparts) return PITH_OK;
    s = emit_body_part(doc, st, &st->parts[st->next++]);
    if (s != PITH_OK) return s;
    return PITH_MORE;
}

const pith_handler pith_handler_eml = {"eml", eml_open, eml_unit};
