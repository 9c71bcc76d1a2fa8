/* xml.c: pull tokenizer for XML 1.0 (Fifth Edition) with Namespaces in XML 1.0 (Third Edition).
 *
 * A loop over the input that stops at each start tag, end tag and text run; every iteration
 * consumes input, and the only state is the stack of open elements and the namespace bindings
 * in scope (arena arrays, no recursion). Text is handed out in place when it needs no
 * decoding, else decoded into one buffer sized before any write (decoding never lengthens:
 * the shortest reference, `&#N;`, is 4 bytes and becomes at most 4), so attribute values of
 * one tag all stay valid together. Leaves out: validation, DTDs (skipped unread, so nothing
 * declared there is expanded), duplicate-attribute checks, XML 1.1, name character classes
 * beyond "not a delimiter". Limits: max_depth, max_ns, max_work (see xml.h).
 */
#include "xml.h"

#include <string.h>

#include "sbcs.h"
#include "swar.h"
#include "utf.h"

#define DEFAULT_MAX_DEPTH 256u
#define DEFAULT_MAX_NS 1024u
#define DEFAULT_MAX_WORK ((uint64_t)1 << 34)
/* Work drawn from a document in batches of this many units (one pith_work call per batch). */
#define WORK_BATCH ((uint64_t)1 << 16)
/* The longest entity or character reference looked at: `&#x0010FFFF;` with some zeros. */
#define MAX_REF 32u

static const char xml_ns_uri[] = "http://www.w3.org/XML/1998/namespace";

struct pith_xml_frame {
    const uint8_t *qname;
    uint32_t qlen;
    uint32_t ns_mark; /* bindings in scope before this element's own */
    pith_str uri;
    uint32_t ns;      /* uri's known id */
    uint32_t plen;    /* bytes of qname's prefix (0: none), so the END needs no second split */
};

struct pith_xml_ns {
    const uint8_t *prefix; /* NULL/0 for the default namespace */
    uint32_t plen;
    uint32_t id;           /* the uri's known id (index + 1 in x->ns_known, or 0) */
    pith_str uri;
};

/* MARK: - Small helpers */

static inline bool is_ws(uint8_t c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

/* Name characters, loosely: anything that cannot end a name. Non-ASCII bytes are name bytes
 * (XML names may hold any letter); ill-formed names are not our business. ASCII: letters,
 * digits, '-', '.', ':' and '_'. A bitmap of the 256 bytes (bit c of the 32-bit word c / 32):
 * names are most of a tag's bytes, and one lookup beats a chain of range compares. */
static const uint32_t name_bits[8] = {
    0x00000000u,                                           /* controls */
    0x07ff6000u,                                           /* '-' '.' 0-9 ':' */
    0x87fffffeu,                                           /* A-Z '_' */
    0x07fffffeu,                                           /* a-z */
    0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,    /* 0x80-0xff */
};

static inline bool is_name(uint8_t c) { return (name_bits[c >> 5] >> (c & 31)) & 1u; }

/* Byte classes for the scans of text and attribute values: one pass finds where the run ends
 * and whether it needs decoding (a reference, a CR; in an attribute value also LF and tab),
 * instead of a memchr for the end and one more per byte that needs decoding. Inline loops:
 * the runs of Office XML are short (a word, a number, an attribute value), where a libc call
 * costs more than the scan, in wasm most of all. */
enum { XC_AMP = 1, XC_CR = 2, XC_WS = 4, XC_LT = 8 };
static const uint8_t xc[256] = {['&'] = XC_AMP, ['\r'] = XC_CR, ['\n'] = XC_WS, ['\t'] = XC_WS,
                                ['<'] = XC_LT};

/* The first '<' in [p, end), or end; *seen gets the classes of the bytes before it. Blocks of
 * 8 bytes with no '<', '&' or CR are stepped over whole (most of a text run; LF and tab only
 * matter in attribute values); a block holding one is read bytewise up to it. */
static const uint8_t *scan_text(const uint8_t *p, const uint8_t *end, unsigned *seen)
{
    unsigned s = 0;
    for (;;) {
        while ((size_t)(end - p) >= 8) {
            uint64_t w = pith_load8(p);
            if (pith_has_byte(w, '<') | pith_has_byte(w, '&') | pith_has_byte(w, '\r')) break;
            p += 8;
        }
        if (p == end) break;
        unsigned c = xc[*p];
        if (c & XC_LT) break;
        s |= c;
        p++;
    }
    *seen = s;
    return p;
}

/* The first `quote` in [p, end), or NULL; *seen as for scan_text. */
static const uint8_t *scan_value(const uint8_t *p, const uint8_t *end, uint8_t quote,
                                 unsigned *seen)
{
    unsigned s = 0;
    for (; p < end; p++) {
        if (*p == quote) {
            *seen = s;
            return p;
        }
        s |= xc[*p];
    }
    return NULL;
}

/* Text with these classes needs decoding. */
static bool needs_decode_cls(unsigned seen, bool attr)
{
    return (seen & (XC_AMP | XC_CR)) || (attr && (seen & XC_WS));
}

static const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
    while (p < end && is_ws(*p)) p++;
    return p;
}

static const uint8_t *scan_name(const uint8_t *p, const uint8_t *end)
{
    while (p < end && is_name(*p)) p++;
    return p;
}

/* First occurrence of the n-byte `lit` in [p, end), or NULL. memchr on its first byte, so each
 * input byte is looked at a constant number of times. */
static const uint8_t *find_lit(const uint8_t *p, const uint8_t *end, const char *lit, size_t n)
{
    while ((size_t)(end - p) >= n) {
        const uint8_t *q = memchr(p, (uint8_t)lit[0], (size_t)(end - p) - n + 1);
        if (!q) return NULL;
        if (memcmp(q, lit, n) == 0) return q;
        p = q + 1;
    }
    return NULL;
}

/* 1 if [p, end) starts with lit, 0 if not, -1 if the input ends while it still could. */
static int starts(const uint8_t *p, const uint8_t *end, const char *lit, size_t n)
{
    size_t have = (size_t)(end - p);
    size_t m = have < n ? have : n;
    if (memcmp(p, lit, m) != 0) return 0;
    return have >= n ? 1 : -1;
}

static bool lit_ieq(const uint8_t *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t a = s[i], b = (uint8_t)lit[i];
        if (a >= 'A' && a <= 'Z') a = (uint8_t)(a + 32);
        if (a != b) return false;
    }
    return true;
}

static pith_str str_of(const uint8_t *p, size_t n)
{
    pith_str s;
    s.p = (const char *)p;
    s.n = n;
    return s;
}

/* MARK: - Errors, work, memory */

static pith_status fail(pith_xml *x, pith_status code, const uint8_t *at, const char *msg)
{
    x->status = code;
    pith_decode_set(&x->err, code, at ? (uint64_t)(at - x->base) : 0, msg);
    if (x->doc) {
        if (code == PITH_E_LIMIT || code == PITH_E_NOMEM || code == PITH_E_ARG)
            pith_fail(x->doc, code, x->err.offset, "%s", msg);
        else
            pith_warn(x->doc, code, x->err.offset, "%s at offset %llu", msg,
                      (unsigned long long)x->err.offset);
    }
    return code;
}

/* Count work; in a document, draw it in batches. */
static pith_status work(pith_xml *x, uint64_t n, bool flush)
{
    x->work += n;
    if (x->doc) {
        uint64_t due = x->work - x->work_charged;
        if (due >= WORK_BATCH || (flush && due)) {
            x->work_charged = x->work;
            pith_status st = pith_work(x->doc, due);
            if (st != PITH_OK) {
                x->status = st;
                pith_decode_set(&x->err, st, (uint64_t)(x->p - x->base), "xml: work limit");
                return st;
            }
        }
        return PITH_OK;
    }
    if (x->work > x->limits.max_work)
        return fail(x, PITH_E_LIMIT, x->p, "xml: work limit reached (max_work)");
    return PITH_OK;
}

static pith_status no_memory(pith_xml *x)
{
    pith_status why = x->arena->budget && x->arena->budget->last_fail == PITH_E_LIMIT
                          ? PITH_E_LIMIT
                          : PITH_E_NOMEM;
    return fail(x, why, x->p, "xml: arena refused memory");
}

/* Make room for n items of `size` bytes in an arena array (doubling). */
static bool grow(pith_xml *x, void **arr, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap) return true;
    uint32_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > UINT32_MAX / 2) return false;
        c *= 2;
    }
    size_t bytes;
    if (!pith_size_mul(c, size, &bytes)) return false;
    void *n = pith_arena_alloc(x->arena, bytes);
    if (!n) return false;
    if (*cap) memcpy(n, *arr, (size_t)*cap * size);
    *arr = n;
    *cap = c;
    return true;
}

static bool reserve_buf(pith_xml *x, size_t n)
{
    if (n <= x->buf_cap) return true;
    size_t c = x->buf_cap ? x->buf_cap : 256;
    while (c < n) {
        if (c > SIZE_MAX / 2) {
            c = n;
            break;
        }
        c *= 2;
    }
    uint8_t *b = pith_arena_alloc(x->arena, c);
    if (!b) return false;
    x->buf = b;
    x->buf_cap = c;
    return true;
}

/* MARK: - Character data */

/* Decode one entity or character reference at s[0..n) (s[0] == '&'). Writes its UTF-8 to o
 * and returns the bytes consumed, or 0 when it is not one we know (the '&' is then kept). */
static size_t decode_ref(const uint8_t *s, size_t n, uint8_t *o, size_t *wrote)
{
    size_t lim = n < MAX_REF ? n : MAX_REF;
    const uint8_t *semi = memchr(s, ';', lim);
    if (!semi) return 0;
    const uint8_t *name = s + 1;
    size_t len = (size_t)(semi - name);
    if (len >= 2 && name[0] == '#') {
        uint32_t cp = 0;
        bool hex = name[1] == 'x';
        size_t i = hex ? 2 : 1;
        if (i == len) return 0;
        for (; i < len; i++) {
            uint8_t c = name[i];
            uint32_t d;
            if (c >= '0' && c <= '9') d = (uint32_t)(c - '0');
            else if (hex && c >= 'a' && c <= 'f') d = (uint32_t)(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F') d = (uint32_t)(c - 'A' + 10);
            else return 0;
            cp = cp * (hex ? 16u : 10u) + d;
            if (cp > 0x10ffff) cp = 0x110000; /* stays out of range, no overflow */
        }
        /* &#0; and out-of-range values are not characters: U+FFFD, as for bad UTF-8. */
        if (cp == 0 || cp > 0x10ffff) cp = PITH_UTF_REPLACEMENT;
        *wrote = pith_utf8_encode(cp, o);
        return len + 2;
    }
    uint8_t c = 0;
    if (len == 3 && memcmp(name, "amp", 3) == 0) c = '&';
    else if (len == 2 && memcmp(name, "lt", 2) == 0) c = '<';
    else if (len == 2 && memcmp(name, "gt", 2) == 0) c = '>';
    else if (len == 4 && memcmp(name, "quot", 4) == 0) c = '"';
    else if (len == 4 && memcmp(name, "apos", 4) == 0) c = '\'';
    else return 0;
    *o = c;
    *wrote = 1;
    return len + 2;
}

/* Decode s[0..n) to o (room for n bytes: decoding never lengthens). Returns the length. */
static size_t decode(const uint8_t *s, size_t n, bool attr, uint8_t *o)
{
    uint8_t *start = o;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && s[run] != '&' && s[run] != '\r' &&
               !(attr && (s[run] == '\n' || s[run] == '\t')))
            run++;
        memcpy(o, s + i, run - i);
        o += run - i;
        i = run;
        if (i == n) break;
        uint8_t c = s[i];
        if (c == '&') {
            size_t wrote = 0, used = decode_ref(s + i, n - i, o, &wrote);
            if (used) {
                o += wrote;
                i += used;
            } else {
                *o++ = '&';
                i++;
            }
        } else if (c == '\r') {
            /* XML 1.0 §2.11: CR LF and a lone CR are one LF (then a space in attributes). */
            *o++ = attr ? ' ' : '\n';
            i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
        } else {
            *o++ = ' ';
            i++;
        }
    }
    return (size_t)(o - start);
}

/* The text s[0..n), whose bytes have classes `seen`, as a token string: in place, or decoded
 * at x->buf + *used. */
static pith_str text_of(pith_xml *x, const uint8_t *s, size_t n, unsigned seen, bool attr,
                        size_t *used)
{
    if (!needs_decode_cls(seen, attr)) return str_of(s, n);
    uint8_t *o = x->buf + *used;
    size_t m = decode(s, n, attr, o);
    *used += m;
    return str_of(o, m);
}

/* MARK: - Namespaces */

/* n bytes equal; inline, as the names compared are short (a libc memcmp call costs more than
 * the compare, in wasm most of all). */
static inline bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

/* Index + 1 of `uri` in the caller's list of known namespaces, 0 when absent. Once per
 * binding (and per cache fill for the xml prefix), never per tag. */
static uint32_t known_id(const pith_xml *x, pith_str uri)
{
    for (uint32_t i = 0; i < x->ns_nknown; i++) {
        const char *k = x->ns_known[i];
        if (k && strlen(k) == uri.n && memcmp(k, uri.p, uri.n) == 0) return i + 1;
    }
    return 0;
}

static void cache_clear(pith_xml *x)
{
    for (size_t i = 0; i < sizeof x->ns_cache / sizeof x->ns_cache[0]; i++) x->ns_cache[i].n = 0;
}

/* The namespace a prefix (plen 0: the default namespace) is bound to, and its known id. A
 * few recent answers are cached (prefixes of up to 7 bytes: w, r, a, mc, w14 ...): the cache
 * is emptied whenever the bindings in scope change, so a hit is what the scan would find. */
static pith_str lookup(pith_xml *x, const uint8_t *prefix, size_t plen, uint32_t *id,
                       uint64_t *steps)
{
    const size_t nc = sizeof x->ns_cache / sizeof x->ns_cache[0];
    bool cacheable = plen < sizeof x->ns_cache[0].p + 1;
    if (cacheable) {
        for (size_t c = 0; c < nc; c++) {
            if (x->ns_cache[c].n == plen + 1 && bytes_eq(x->ns_cache[c].p, prefix, plen)) {
                (*steps)++;
                *id = x->ns_cache[c].id;
                return x->ns_cache[c].uri;
            }
        }
    }
    pith_str uri = str_of((const uint8_t *)"", 0);
    uint32_t found = 0;
    if (plen == 3 && bytes_eq(prefix, (const uint8_t *)"xml", 3)) {
        uri = str_of((const uint8_t *)xml_ns_uri, sizeof xml_ns_uri - 1);
        found = known_id(x, uri);
    } else {
        /* Unbound: no namespace (the default one), or an undeclared prefix, which Namespaces
         * in XML forbids; producers of Office files are known to do it, so it is let through. */
        for (uint32_t i = x->nns; i-- > 0;) {
            (*steps)++;
            const pith_xml_ns *b = &x->ns[i];
            if (b->plen == plen && bytes_eq(b->prefix, prefix, plen)) {
                uri = b->uri;
                found = b->id;
                break;
            }
        }
    }
    if (cacheable) {
        uint32_t c = x->ns_cache_next++ % (uint32_t)nc;
        x->ns_cache[c].uri = uri;
        x->ns_cache[c].id = found;
        x->ns_cache[c].n = (uint8_t)(plen + 1);
        if (plen) memcpy(x->ns_cache[c].p, prefix, plen);
    }
    *id = found;
    return uri;
}

static void split_qname(const uint8_t *q, size_t n, pith_str *prefix, pith_str *local)
{
    const uint8_t *colon = NULL;
    for (size_t i = 0; i < n; i++) {
        if (q[i] == ':') {
            colon = q + i;
            break;
        }
    }
    if (colon && colon != q && colon + 1 != q + n) {
        *prefix = str_of(q, (size_t)(colon - q));
        *local = str_of(colon + 1, n - (size_t)(colon - q) - 1);
    } else {
        *prefix = str_of(q, 0);
        *local = str_of(q, n);
    }
}

/* MARK: - Tags */

static pith_status end_token(pith_xml *x, pith_xml_token *tok, const uint8_t *at)
{
    const pith_xml_frame *f = &x->stack[x->depth - 1];
    tok->kind = PITH_XML_END;
    tok->depth = x->depth;
    tok->prefix = str_of(f->qname, f->plen);
    tok->local = f->plen ? str_of(f->qname + f->plen + 1, f->qlen - f->plen - 1)
                         : str_of(f->qname, f->qlen);
    tok->uri = f->uri;
    tok->ns = f->ns;
    tok->offset = (uint64_t)(at - x->base);
    if (x->nns != f->ns_mark) cache_clear(x);
    x->nns = f->ns_mark;
    x->depth--;
    if (x->depth == 0) x->done = true; /* the root has ended: what follows is not read */
    return PITH_OK;
}

/* A start tag at x->p ('<' then a name character). */
static pith_status start_tag(pith_xml *x, pith_xml_token *tok)
{
    pith_status fail_code = PITH_OK;
    const char *fail_msg = "";
    const uint8_t *tag = x->p, *end = x->end;
    const uint8_t *q = tag + 1, *qend = scan_name(q, end);
    const uint8_t *p = qend;
    uint32_t n = 0;
    bool empty = false;
    /* Attributes, raw: local = qualified name, value = the bytes between the quotes. Each pass
     * consumes at least the name and a quote pair. */
    for (;;) {
        p = skip_ws(p, end);
        PITH_CHECK(p < end, PITH_E_TRUNCATED, "xml: input ends inside a start tag");
        if (*p == '>') {
            p++;
            break;
        }
        if (*p == '/') {
            PITH_CHECK(p + 1 < end, PITH_E_TRUNCATED, "xml: input ends inside a start tag");
            PITH_CHECK(p[1] == '>', PITH_E_FORMAT, "xml: '/' not followed by '>' in a start tag");
            p += 2;
            empty = true;
            break;
        }
        const uint8_t *an = p, *aend = scan_name(p, end);
        PITH_CHECK(aend != an, aend == end ? PITH_E_TRUNCATED : PITH_E_FORMAT,
                   "xml: invalid character in a start tag");
        p = skip_ws(aend, end);
        PITH_CHECK(p < end, PITH_E_TRUNCATED, "xml: input ends inside a start tag");
        PITH_CHECK(*p == '=', PITH_E_FORMAT, "xml: attribute without '='");
        p = skip_ws(p + 1, end);
        PITH_CHECK(p < end, PITH_E_TRUNCATED, "xml: input ends inside a start tag");
        PITH_CHECK(*p == '"' || *p == '\'', PITH_E_FORMAT, "xml: attribute value not quoted");
        unsigned seen = 0;
        const uint8_t *v = p + 1, *vend = scan_value(v, end, *p, &seen);
        PITH_CHECK(vend != NULL, PITH_E_TRUNCATED, "xml: input ends inside an attribute value");
        if (!grow(x, (void **)&x->attrs, &x->attr_cap, n + 1, sizeof *x->attrs)) return no_memory(x);
        pith_xml_attr *a = &x->attrs[n++];
        a->local = str_of(an, (size_t)(aend - an));
        a->value = str_of(v, (size_t)(vend - v));
        a->ns = seen; /* until the namespaces are resolved: the value's byte classes */
        p = vend + 1;
    }
    size_t tag_len = (size_t)(p - tag);
    PITH_CHECK(x->depth < x->limits.max_depth, PITH_E_LIMIT,
               "xml: elements nested deeper than the limit (max_depth)");
    if (!reserve_buf(x, tag_len)) return no_memory(x);
    if (!grow(x, (void **)&x->stack, &x->stack_cap, x->depth + 1, sizeof *x->stack))
        return no_memory(x);

    /* Namespace declarations first: they apply to the element's own name and attributes. */
    uint32_t mark = x->nns;
    size_t used = 0;
    uint64_t steps = 0;
    for (uint32_t i = 0; i < n; i++) {
        pith_xml_attr *a = &x->attrs[i];
        const uint8_t *an = (const uint8_t *)a->local.p;
        size_t alen = a->local.n;
        /* most attributes are not declarations: the first byte settles it without a call */
        if (alen < 5 || an[0] != 'x') continue;
        bool dflt = alen == 5 && bytes_eq(an, (const uint8_t *)"xmlns", 5);
        if (!dflt && !(alen > 6 && bytes_eq(an, (const uint8_t *)"xmlns:", 6))) continue;
        PITH_CHECK(x->nns < x->limits.max_ns, PITH_E_LIMIT,
                   "xml: more namespace declarations in scope than the limit");
        if (!grow(x, (void **)&x->ns, &x->ns_cap, x->nns + 1, sizeof *x->ns)) return no_memory(x);
        pith_str uri = a->value;
        if (needs_decode_cls(a->ns, true)) {
            /* Bindings outlive the token buffer: decode into arena memory of their own. */
            uint8_t *o = pith_arena_alloc(x->arena, uri.n);
            if (!o) return no_memory(x);
            uri = str_of(o, decode((const uint8_t *)uri.p, uri.n, true, o));
        }
        pith_xml_ns *b = &x->ns[x->nns++];
        b->prefix = dflt ? NULL : an + 6;
        b->plen = dflt ? 0 : (uint32_t)(alen - 6);
        b->uri = uri;
        b->id = known_id(x, uri);
        a->local.n = 0; /* marked: not reported */
    }
    if (x->nns != mark) cache_clear(x);

    pith_xml_frame *f = &x->stack[x->depth++];
    f->qname = q;
    f->qlen = (uint32_t)(qend - q);
    f->ns_mark = mark;
    split_qname(q, f->qlen, &tok->prefix, &tok->local);
    f->plen = (uint32_t)tok->prefix.n;
    f->uri = lookup(x, (const uint8_t *)tok->prefix.p, tok->prefix.n, &f->ns, &steps);

    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
        pith_xml_attr a = x->attrs[i];
        if (a.local.n == 0) continue;
        pith_xml_attr *o = &x->attrs[kept++];
        split_qname((const uint8_t *)a.local.p, a.local.n, &o->prefix, &o->local);
        o->ns = 0;
        o->uri = o->prefix.n ? lookup(x, (const uint8_t *)o->prefix.p, o->prefix.n, &o->ns, &steps)
                             : str_of((const uint8_t *)"", 0);
        o->value = text_of(x, (const uint8_t *)a.value.p, a.value.n, a.ns, true, &used);
    }

    tok->kind = PITH_XML_START;
    tok->flags = empty ? PITH_XML_EMPTY : 0;
    tok->depth = x->depth;
    tok->uri = f->uri;
    tok->ns = f->ns;
    tok->attrs = x->attrs;
    tok->nattrs = kept;
    tok->offset = (uint64_t)(tag - x->base);
    x->p = p;
    x->pending_end = empty;
    x->seen_root = true;
    return work(x, tag_len + steps, false);

fail:
    return fail(x, fail_code, p < end ? p : end, fail_msg);
}

static pith_status end_tag(pith_xml *x, pith_xml_token *tok)
{
    pith_status fail_code = PITH_OK;
    const char *fail_msg = "";
    const uint8_t *tag = x->p, *end = x->end;
    const uint8_t *q = tag + 2, *qend = scan_name(q, end);
    const uint8_t *p = skip_ws(qend, end);
    PITH_CHECK(p < end, PITH_E_TRUNCATED, "xml: input ends inside an end tag");
    PITH_CHECK(*p == '>' && qend != q, PITH_E_FORMAT, "xml: malformed end tag");
    PITH_CHECK(x->depth > 0, PITH_E_FORMAT, "xml: end tag without a start tag");
    const pith_xml_frame *f = &x->stack[x->depth - 1];
    PITH_CHECK(f->qlen == (size_t)(qend - q) && bytes_eq(f->qname, q, f->qlen), PITH_E_FORMAT,
               "xml: end tag does not match its start tag");
    x->p = p + 1;
    end_token(x, tok, tag);
    return work(x, (uint64_t)(x->p - tag), false);

fail:
    p = tag;
    return fail(x, fail_code, p, fail_msg);
}

/* Skip a DOCTYPE declaration from just after "<!DOCTYPE": up to the '>' that is outside the
 * internal subset, quoted strings, comments and PIs. Returns the position after it, or NULL if
 * the input ends first. Moves forward only. */
static const uint8_t *skip_doctype(const uint8_t *p, const uint8_t *end)
{
    bool subset = false;
    while (p < end) {
        uint8_t c = *p;
        if (c == '"' || c == '\'') {
            const uint8_t *q = memchr(p + 1, c, (size_t)(end - p - 1));
            if (!q) return NULL;
            p = q + 1;
            continue;
        }
        if (c == '<' && starts(p, end, "<!--", 4) == 1) {
            const uint8_t *q = find_lit(p + 4, end, "-->", 3);
            if (!q) return NULL;
            p = q + 3;
            continue;
        }
        if (c == '<' && starts(p, end, "<?", 2) == 1) {
            const uint8_t *q = find_lit(p + 2, end, "?>", 2);
            if (!q) return NULL;
            p = q + 2;
            continue;
        }
        if (c == '[') subset = true;
        else if (c == ']') subset = false;
        else if (c == '>' && !subset) return p + 1;
        p++;
    }
    return NULL;
}

/* The element starting at x->p would nest deeper than max_depth and x->skip_deep is set: move
 * past its whole subtree. Only a counter of open elements is kept (so a 10^6-deep subtree costs
 * no memory); tags are told apart by their first bytes, quoted attribute values may hold '>',
 * comments, CDATA and PIs are stepped over whole. End tags are not matched against their start
 * tags: what is inside is dropped anyway. Each pass consumes input; the bytes are charged as
 * work. Returns PITH_OK with x->p after the subtree, or TRUNCATED when the input ends first. */
static pith_status skip_deep(pith_xml *x)
{
    const uint8_t *start = x->p, *p = x->p, *end = x->end;
    uint64_t open = 0;
    for (;;) {
        const uint8_t *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt || end - lt < 2) break;
        const uint8_t *q;
        uint8_t c = lt[1];
        if (c == '!' && starts(lt, end, "<!--", 4) == 1) {
            q = find_lit(lt + 4, end, "-->", 3);
            if (!q) break;
            p = q + 3;
        } else if (c == '!' && starts(lt, end, "<![CDATA[", 9) == 1) {
            q = find_lit(lt + 9, end, "]]>", 3);
            if (!q) break;
            p = q + 3;
        } else if (c == '?' || c == '!') {
            q = find_lit(lt + 2, end, ">", 1);
            if (!q) break;
            p = q + 1;
        } else if (c == '/') {
            q = memchr(lt + 2, '>', (size_t)(end - lt - 2));
            if (!q) break;
            p = q + 1;
            if (open) open--;
            if (open == 0) goto done;
        } else {
            /* a start tag: to its '>', over quoted values */
            q = lt + 1;
            while (q < end && *q != '>') {
                if (*q == '"' || *q == '\'') {
                    const uint8_t *e = memchr(q + 1, *q, (size_t)(end - q - 1));
                    if (!e) break;
                    q = e;
                }
                q++;
            }
            if (q >= end || *q != '>') break;
            p = q + 1;
            if (q[-1] != '/') open++;
            if (open == 0) goto done;
        }
    }
    x->p = end;
    return fail(x, PITH_E_TRUNCATED, start, "xml: input ends inside an element nested past the depth limit");
done:
    x->p = p;
    if (x->deep_skipped++ == 0 && x->doc) {
        pith_status st = pith_warn(x->doc, PITH_E_LIMIT, (uint64_t)(start - x->base),
                                   "xml: elements nested deeper than the limit (max_depth %u) "
                                   "skipped at offset %llu",
                                   x->limits.max_depth, (unsigned long long)(start - x->base));
        if (st != PITH_OK) return fail(x, st, start, "xml: no memory for a warning");
    }
    return work(x, (uint64_t)(p - start), false);
}

/* MARK: - The iterator */

pith_status pith_xml_next(pith_xml *x, pith_xml_token *tok)
{
    memset(tok, 0, sizeof *tok);
    if (!x) return PITH_E_ARG;
    if (x->status != PITH_OK) return x->status;
    if (x->pending_end) {
        x->pending_end = false;
        end_token(x, tok, x->p);
        return PITH_OK;
    }
    const uint8_t *end = x->end;
    /* Each pass consumes input, or returns. */
    for (;;) {
        const uint8_t *p = x->p;
        if (x->done || p == end) {
            if (!x->done && x->depth > 0)
                return fail(x, PITH_E_TRUNCATED, p, "xml: input ends inside an element");
            if (!x->seen_root)
                return p == x->base ? fail(x, PITH_E_FORMAT, p, "xml: no root element (empty input)")
                                    : fail(x, PITH_E_TRUNCATED, p, "xml: input ends before the root element");
            x->done = true;
            tok->kind = PITH_XML_EOF;
            tok->offset = (uint64_t)(p - x->base);
            return work(x, 0, true);
        }
        if (*p != '<') {
            unsigned seen;
            const uint8_t *stop = scan_text(p, end, &seen);
            x->p = stop;
            pith_status st = work(x, (uint64_t)(stop - p), false);
            if (st != PITH_OK) return st;
            if (x->depth == 0) {
                /* Between prolog items only white space may stand (XML 1.0 §2.8). */
                for (const uint8_t *k = p; k < stop; k++)
                    if (!is_ws(*k)) return fail(x, PITH_E_FORMAT, k, "xml: text before the root element");
                continue;
            }
            if (!reserve_buf(x, (size_t)(stop - p))) return no_memory(x);
            size_t used = 0;
            tok->kind = PITH_XML_TEXT;
            tok->depth = x->depth;
            tok->text = text_of(x, p, (size_t)(stop - p), seen, false, &used);
            tok->offset = (uint64_t)(p - x->base);
            return PITH_OK;
        }
        if (end - p < 2) return fail(x, PITH_E_TRUNCATED, p, "xml: input ends inside markup");
        uint8_t c = p[1];
        if (c == '/') return end_tag(x, tok);
        if (c == '?') {
            const uint8_t *q = find_lit(p + 2, end, "?>", 2);
            if (!q) return fail(x, PITH_E_TRUNCATED, p, "xml: input ends inside a processing instruction");
            x->p = q + 2;
        } else if (c == '!') {
            int m;
            if ((m = starts(p, end, "<!--", 4)) != 0) {
                const uint8_t *q = m > 0 ? find_lit(p + 4, end, "-->", 3) : NULL;
                if (!q) return fail(x, PITH_E_TRUNCATED, p, "xml: input ends inside a comment");
                x->p = q + 3;
            } else if ((m = starts(p, end, "<![CDATA[", 9)) != 0) {
                const uint8_t *s = p + 9;
                const uint8_t *q = m > 0 ? find_lit(s, end, "]]>", 3) : NULL;
                if (!q) return fail(x, PITH_E_TRUNCATED, p, "xml: input ends inside a CDATA section");
                x->p = q + 3;
                pith_status st = work(x, (uint64_t)(x->p - p), false);
                if (st != PITH_OK) return st;
                if (x->depth == 0 || q == s) continue;
                if (!reserve_buf(x, (size_t)(q - s))) return no_memory(x);
                tok->kind = PITH_XML_TEXT;
                tok->flags = PITH_XML_CDATA;
                tok->depth = x->depth;
                /* Only line ends are normalised in CDATA: no references there. */
                if (memchr(s, '\r', (size_t)(q - s))) {
                    uint8_t *o = x->buf;
                    size_t k = 0;
                    for (const uint8_t *r = s; r < q; r++) {
                        if (*r == '\r') {
                            o[k++] = '\n';
                            if (r + 1 < q && r[1] == '\n') r++;
                        } else {
                            o[k++] = *r;
                        }
                    }
                    tok->text = str_of(o, k);
                } else {
                    tok->text = str_of(s, (size_t)(q - s));
                }
                tok->offset = (uint64_t)(p - x->base);
                return PITH_OK;
            } else if ((m = starts(p, end, "<!DOCTYPE", 9)) != 0) {
                const uint8_t *q = m > 0 ? skip_doctype(p + 9, end) : NULL;
                if (!q) return fail(x, PITH_E_TRUNCATED, p, "xml: input ends inside the DOCTYPE");
                x->p = q;
            } else {
                return fail(x, PITH_E_FORMAT, p, "xml: unknown markup declaration");
            }
        } else if (is_name(c)) {
            if (x->seen_root && x->depth == 0) {
                /* A second root element: the document already ended. */
                x->done = true;
                continue;
            }
            if (x->depth >= x->limits.max_depth && x->skip_deep) {
                pith_status st = skip_deep(x);
                if (st != PITH_OK) return st;
                continue;
            }
            return start_tag(x, tok);
        } else {
            return fail(x, PITH_E_FORMAT, p, "xml: invalid character after '<'");
        }
        pith_status st = work(x, (uint64_t)(x->p - p), false);
        if (st != PITH_OK) return st;
    }
}

pith_status pith_xml_skip(pith_xml *x, const pith_xml_token *start)
{
    if (!x || !start || start->kind != PITH_XML_START) return PITH_E_ARG;
    uint32_t depth = start->depth;
    pith_xml_token t;
    /* Every call consumes input or ends an element: bounded by the input. */
    for (;;) {
        pith_status st = pith_xml_next(x, &t);
        if (st != PITH_OK) return st;
        if (t.kind == PITH_XML_EOF) return PITH_OK;
        if (t.kind == PITH_XML_END && t.depth == depth) return PITH_OK;
    }
}

/* MARK: - Names */

/* s equals the NUL-terminated lit (NULL = ""): one pass, no strlen, no libc call. */
static bool str_is(pith_str s, const char *lit)
{
    if (!lit) return s.n == 0;
    size_t i = 0;
    for (; i < s.n; i++)
        if (lit[i] == 0 || lit[i] != s.p[i]) return false;
    return lit[i] == 0;
}

bool pith_xml_is(const pith_xml_token *tok, const char *uri, const char *local)
{
    return tok && (tok->kind == PITH_XML_START || tok->kind == PITH_XML_END) &&
           str_is(tok->local, local) && str_is(tok->uri, uri);
}

const pith_str *pith_xml_attr_get(const pith_xml_token *tok, const char *uri, const char *local)
{
    if (!tok || tok->kind != PITH_XML_START) return NULL;
    for (uint32_t i = 0; i < tok->nattrs; i++)
        if (str_is(tok->attrs[i].local, local) && str_is(tok->attrs[i].uri, uri))
            return &tok->attrs[i].value;
    return NULL;
}

const pith_str *pith_xml_attr_ns(const pith_xml_token *tok, uint32_t ns, const char *local)
{
    if (!tok || tok->kind != PITH_XML_START || ns == 0) return NULL;
    for (uint32_t i = 0; i < tok->nattrs; i++)
        if (tok->attrs[i].ns == ns && str_is(tok->attrs[i].local, local))
            return &tok->attrs[i].value;
    return NULL;
}

/* MARK: - Encodings */

/* The encoding named by an XML declaration at the start of s[0..n) (XML 1.0 §4.3.3), or
 * false when there is no declaration or it names none. */
static bool decl_encoding(const uint8_t *s, size_t n, const uint8_t **label, size_t *len)
{
    if (n < 6 || memcmp(s, "<?xml", 5) != 0 || !is_ws(s[5])) return false;
    const uint8_t *end = s + (n < 1024 ? n : 1024);
    const uint8_t *close = find_lit(s, end, "?>", 2);
    if (!close) return false;
    const uint8_t *k = find_lit(s, close, "encoding", 8);
    if (!k) return false;
    const uint8_t *p = skip_ws(k + 8, close);
    if (p == close || *p != '=') return false;
    p = skip_ws(p + 1, close);
    if (p == close || (*p != '"' && *p != '\'')) return false;
    const uint8_t *q = memchr(p + 1, *p, (size_t)(close - p - 1));
    if (!q) return false;
    *label = p + 1;
    *len = (size_t)(q - p - 1);
    return true;
}

pith_status pith_xml_init(pith_xml *x, pith_arena *a, const uint8_t *data, size_t len,
                          const pith_xml_limits *lim, pith_decode_error *err)
{
    pith_decode_clear(err);
    if (!x) return pith_decode_set(err, PITH_E_ARG, 0, "xml: NULL parser");
    memset(x, 0, sizeof *x);
    pith_decode_clear(&x->err);
    x->arena = a;
    if (!a || (!data && len)) {
        x->status = PITH_E_ARG;
        pith_decode_set(&x->err, PITH_E_ARG, 0, "xml: NULL argument");
        if (err) *err = x->err;
        return PITH_E_ARG;
    }
    if (lim) x->limits = *lim;
    if (!x->limits.max_depth) x->limits.max_depth = DEFAULT_MAX_DEPTH;
    if (!x->limits.max_ns) x->limits.max_ns = DEFAULT_MAX_NS;
    if (!x->limits.max_work) x->limits.max_work = DEFAULT_MAX_WORK;
    static const uint8_t none[1] = {0};
    if (!data) data = none;
    x->encoding = "utf-8";

    const uint8_t *s = data;
    size_t n = len;
    int utf16 = 0; /* 1 LE, 2 BE */
    if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
        s += 3;
        n -= 3;
    } else if (n >= 2 && s[0] == 0xff && s[1] == 0xfe) {
        utf16 = 1;
        s += 2;
        n -= 2;
    } else if (n >= 2 && s[0] == 0xfe && s[1] == 0xff) {
        utf16 = 2;
        s += 2;
        n -= 2;
    } else if (n >= 2 && s[0] == '<' && s[1] == 0) {
        utf16 = 1;
    } else if (n >= 2 && s[0] == 0 && s[1] == '<') {
        utf16 = 2;
    }

    pith_status st = PITH_OK;
    const char *msg = "";
    if (utf16) {
        x->encoding = utf16 == 1 ? "utf-16le" : "utf-16be";
        size_t cap = n / 2 * 3 + 3; /* pith_utf16_utf8_max, no overflow for n < SIZE_MAX */
        uint8_t *o = pith_arena_alloc(a, cap);
        if (!o) {
            st = a->budget && a->budget->last_fail == PITH_E_LIMIT ? PITH_E_LIMIT : PITH_E_NOMEM;
            msg = "xml: no memory to decode UTF-16";
        } else {
            size_t used;
            n = pith_utf16_to_utf8(s, n, utf16 == 2, true, o, cap, &used);
            s = o;
        }
    } else {
        const uint8_t *label;
        size_t llen;
        if (decl_encoding(s, n, &label, &llen) && !lit_ieq(label, llen, "utf-8") &&
            !lit_ieq(label, llen, "utf8") && !lit_ieq(label, llen, "us-ascii") &&
            !lit_ieq(label, llen, "ascii") && !lit_ieq(label, llen, "utf-16") &&
            !lit_ieq(label, llen, "unicode")) {
            /* "utf-16" without a BOM or zero bytes is a mislabelled 8-bit file: read as UTF-8. */
            const pith_sbcs *cs = pith_sbcs_find((const char *)label, llen);
            if (!cs) {
                st = PITH_E_UNSUPPORTED;
                msg = "xml: the declared encoding is not supported";
            } else {
                x->encoding = cs->name;
                bool ascii = true;
                for (size_t i = 0; i < n && ascii; i++) ascii = s[i] < 0x80;
                if (!ascii) {
                    size_t cap;
                    uint8_t *o = pith_size_mul(n, 3, &cap) ? pith_arena_alloc(a, cap) : NULL;
                    if (!o) {
                        st = a->budget && a->budget->last_fail == PITH_E_LIMIT ? PITH_E_LIMIT
                                                                               : PITH_E_NOMEM;
                        msg = "xml: no memory to decode the input";
                    } else {
                        size_t used;
                        uint16_t high[128]; /* only windows-1252 has a plain table */
                        pith_sbcs_expand(cs, high);
                        n = pith_sbcs_table_to_utf8(high, s, n, o, cap, &used);
                        s = o;
                    }
                }
            }
        } else {
            /* UTF-8: what the tokenizer hands out must be UTF-8 (handlers emit its text
             * as is), so a file with ill-formed sequences is repaired once, here, each to
             * U+FFFD; offsets then count in the repaired text. One pass over valid input. */
            size_t ok = pith_utf8_valid_prefix(s, n);
            if (ok < n) {
                size_t cap, rest;
                uint8_t *o = pith_size_mul(n - ok, 3, &rest) && pith_size_add(ok, rest, &cap) &&
                                     pith_size_add(cap, 3, &cap)
                                 ? pith_arena_alloc(a, cap)
                                 : NULL;
                if (!o) {
                    st = a->budget && a->budget->last_fail == PITH_E_LIMIT ? PITH_E_LIMIT
                                                                           : PITH_E_NOMEM;
                    msg = "xml: no memory to repair the input's UTF-8";
                } else {
                    size_t used;
                    memcpy(o, s, ok);
                    n = ok + pith_utf8_repair(s + ok, n - ok, true, o + ok, cap - ok, &used);
                    s = o;
                }
            }
        }
    }
    x->base = x->p = s;
    x->end = s + n;
    if (st != PITH_OK) {
        x->status = st;
        pith_decode_set(&x->err, st, 0, msg);
    }
    if (err) *err = x->err;
    return st;
}

pith_status pith_xml_init_doc(pith_xml *x, pith_doc *doc, pith_arena *a, const uint8_t *data,
                              size_t len)
{
    const pith_limits *l = &pith_doc_options(doc)->limits;
    pith_xml_limits lim = {l->max_depth, 0, UINT64_MAX};
    pith_status st = pith_xml_init(x, a ? a : pith_scratch_arena(doc), data, len, &lim, NULL);
    x->doc = doc;
    if (st == PITH_OK) return PITH_OK;
    if (st == PITH_E_UNSUPPORTED) {
        const uint8_t *label;
        size_t llen;
        if (decl_encoding(data, len, &label, &llen))
            pith_warn(doc, st, 0, "xml: encoding %.*s not supported", (int)(llen > 40 ? 40 : llen),
                      (const char *)label);
        return st;
    }
    return pith_fail(doc, st, 0, "%s", x->err.message);
}
