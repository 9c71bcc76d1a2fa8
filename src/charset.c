/* charset.c: WHATWG encoding labels, the decoder front end, the HTML <meta> prescan and the
 * sniffer for documents that declare no encoding (see charset.h).
 *
 * Specs: WHATWG Encoding Standard §4.2 (labels), §6 (BOM sniffing); WHATWG HTML §13.2.3.2
 * (prescan) and §2.6.3 (extracting a character encoding from a meta element). The sniffer is
 * ours: the HTML Standard allows any frequency analysis (§13.2.3.2 step 8); see sniff below.
 * Bounds: the prescan reads at most 1,024 bytes, the sniffer at most SNIFF_MAX bytes, and every
 * loop consumes a byte per round.
 */
#include "charset.h"

#include <string.h>

#include "swar.h"
#include "utf.h"

/* MARK: - Labels */

/* Encodings that are not single-byte pages, and their WHATWG labels (sbcs_tables.c has the
 * single-byte ones). */
typedef struct enc_def {
    const char *name;
    uint8_t kind, cjk;
} enc_def;

static const enc_def encs[] = {
    {"utf-8", PITH_ENC_UTF8, 0},
    {"utf-16le", PITH_ENC_UTF16LE, 0},
    {"utf-16be", PITH_ENC_UTF16BE, 0},
    {"shift_jis", PITH_ENC_CJK, PITH_CJK_SHIFT_JIS},
    {"euc-jp", PITH_ENC_CJK, PITH_CJK_EUC_JP},
    {"gbk", PITH_ENC_CJK, PITH_CJK_GB18030},
    {"gb18030", PITH_ENC_CJK, PITH_CJK_GB18030},
    {"big5", PITH_ENC_CJK, PITH_CJK_BIG5},
    {"euc-kr", PITH_ENC_CJK, PITH_CJK_EUC_KR},
    {"iso-2022-jp", PITH_ENC_ISO2022JP, 0},
    {"replacement", PITH_ENC_REPLACEMENT, 0},
    {"x-user-defined", PITH_ENC_USER, 0},
};
enum { E_UTF8, E_UTF16LE, E_UTF16BE, E_SJIS, E_EUCJP, E_GBK, E_GB18030, E_BIG5, E_EUCKR,
       E_ISO2022JP, E_REPLACEMENT, E_USER };

/* Labels of the encodings above (the single-byte ones are in sbcs_tables.c): NUL-terminated
 * strings, an empty one last, and the encoding of each. */
static const char label_names[] =
    "unicode-1-1-utf-8\000unicode11utf8\000unicode20utf8\000utf-8\000utf8\000x-unicode20utf8\000"
    "csunicode\000iso-10646-ucs-2\000ucs-2\000unicode\000unicodefeff\000utf-16\000utf-16le\000"
    "unicodefffe\000utf-16be\000csshiftjis\000ms932\000ms_kanji\000shift-jis\000shift_jis\000"
    "sjis\000windows-31j\000x-sjis\000cseucpkdfmtjapanese\000euc-jp\000x-euc-jp\000chinese\000"
    "csgb2312\000csiso58gb231280\000gb2312\000gb_2312\000gb_2312-80\000gbk\000iso-ir-58\000"
    "x-gbk\000gb18030\000big5\000big5-hkscs\000cn-big5\000csbig5\000x-x-big5\000cseuckr\000"
    "csksc56011987\000euc-kr\000iso-ir-149\000korean\000ks_c_5601-1987\000ks_c_5601-1989\000"
    "ksc5601\000ksc_5601\000windows-949\000csiso2022jp\000iso-2022-jp\000csiso2022kr\000"
    "hz-gb-2312\000iso-2022-cn\000iso-2022-cn-ext\000iso-2022-kr\000replacement\000"
    "x-user-defined\000";
static const uint8_t label_encs[60] = {
    E_UTF8, E_UTF8, E_UTF8, E_UTF8, E_UTF8, E_UTF8, E_UTF16LE, E_UTF16LE, E_UTF16LE, E_UTF16LE,
    E_UTF16LE, E_UTF16LE, E_UTF16LE, E_UTF16BE, E_UTF16BE, E_SJIS, E_SJIS, E_SJIS, E_SJIS,
    E_SJIS, E_SJIS, E_SJIS, E_SJIS, E_EUCJP, E_EUCJP, E_EUCJP, E_GBK, E_GBK, E_GBK, E_GBK,
    E_GBK, E_GBK, E_GBK, E_GBK, E_GBK, E_GB18030, E_BIG5, E_BIG5, E_BIG5, E_BIG5, E_BIG5,
    E_EUCKR, E_EUCKR, E_EUCKR, E_EUCKR, E_EUCKR, E_EUCKR, E_EUCKR, E_EUCKR, E_EUCKR, E_EUCKR,
    E_ISO2022JP, E_ISO2022JP, E_REPLACEMENT, E_REPLACEMENT, E_REPLACEMENT, E_REPLACEMENT,
    E_REPLACEMENT, E_REPLACEMENT, E_USER,
};

static bool is_space(uint8_t c)
{
    /* WHATWG "ASCII whitespace": TAB, LF, FF, CR, SPACE */
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static uint8_t lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c; }

static pith_charset of(uint8_t e)
{
    pith_charset cs;
    memset(&cs, 0, sizeof cs);
    cs.kind = (pith_enc_kind)encs[e].kind;
    cs.name = encs[e].name;
    cs.cjk = (pith_cjk_enc)encs[e].cjk;
    return cs;
}

static pith_charset of_sbcs(const pith_sbcs *p)
{
    pith_charset cs;
    memset(&cs, 0, sizeof cs);
    cs.kind = PITH_ENC_SBCS;
    cs.name = p->name;
    cs.sbcs = p;
    return cs;
}

bool pith_charset_find(const char *label, size_t n, pith_charset *out)
{
    if (!label) return false;
    const uint8_t *s = (const uint8_t *)label;
    while (n > 0 && is_space(s[0])) s++, n--;
    while (n > 0 && is_space(s[n - 1])) n--;
    if (n == 0) return false;
    const char *l = label_names;
    for (size_t i = 0; *l; i++) {
        size_t k = 0;
        while (k < n && l[k] && lower(s[k]) == (uint8_t)l[k]) k++;
        if (k == n && l[k] == '\0') {
            *out = of(label_encs[i]);
            return true;
        }
        while (*l) l++;
        l++;
    }
    const pith_sbcs *p = pith_sbcs_find((const char *)s, n);
    if (!p) return false;
    *out = of_sbcs(p);
    return true;
}

pith_charset pith_charset_named(const char *name)
{
    pith_charset cs;
    if (!pith_charset_find(name, strlen(name), &cs)) cs = of_sbcs(&pith_sbcs_windows_1252);
    return cs;
}

size_t pith_charset_bom(const uint8_t *d, size_t n, pith_charset *out)
{
    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        *out = of(E_UTF8);
        return 3;
    }
    if (n >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
        *out = of(E_UTF16LE);
        return 2;
    }
    if (n >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
        *out = of(E_UTF16BE);
        return 2;
    }
    return 0;
}

/* The order matters: a BOM is authoritative; UTF-16 before UTF-8 because UTF-16 of ASCII is
 * often well-formed UTF-8 (see pith_utf16_sniff); the full validity scan before the census,
 * because valid text (nearly all of it) is settled by the fast ASCII path alone. */
pith_charset pith_charset_guess_text(const uint8_t *d, size_t n, size_t *bom,
                                     pith_utf8_census *c)
{
    pith_charset cs;
    *bom = pith_charset_bom(d, n, &cs);
    static const uint8_t empty[1] = {0};
    const uint8_t *t = d ? d + *bom : empty;  /* NULL + 0 is undefined: empty input */
    size_t tn = n - *bom;
    pith_utf8_census none = {0, 0, false, tn};
    if (c) *c = none;
    if (*bom) {
        /* after a UTF-8 BOM, ill-formed sequences are errors in UTF-8 text, whatever their
         * number */
        if (cs.kind == PITH_ENC_UTF8 && c && pith_utf8_valid_prefix(t, tn) != tn)
            (void)pith_utf8_mostly(t, tn, c);
        return cs;
    }
    int u16 = pith_utf16_sniff(d, n);
    if (u16) return of(u16 == 1 ? E_UTF16LE : E_UTF16BE);
    if (pith_utf8_valid_prefix(d, n) == n) return of(E_UTF8);
    /* without a census first: legacy text is told from its first few hundred high bytes; the
     * census of mostly-UTF-8 text (rare: a stray byte, a cut end) costs a second scan */
    if (pith_utf8_mostly(d, n, NULL)) {
        if (c) (void)pith_utf8_mostly(d, n, c);
        return of(E_UTF8);
    }
    return of_sbcs(&pith_sbcs_windows_1252);
}

/* MARK: - charset= in a MIME type or a meta content */

/* HTML §2.6.3 "extract a character encoding from a meta element", over s[0..n). */
static bool extract_charset(const uint8_t *s, size_t n, pith_charset *out)
{
    size_t i = 0;
    while (i + 7 <= n) {
        size_t k = 0;
        while (k < 7 && lower(s[i + k]) == (uint8_t)"charset"[k]) k++;
        if (k < 7) {
            i++;
            continue;
        }
        i += 7;
        while (i < n && is_space(s[i])) i++;
        if (i >= n || s[i] != '=') continue; /* look for the next "charset" */
        i++;
        while (i < n && is_space(s[i])) i++;
        if (i >= n) return false;
        if (s[i] == '"' || s[i] == '\'') {
            uint8_t q = s[i++];
            size_t j = i;
            while (j < n && s[j] != q) j++;
            if (j >= n) return false; /* unmatched quote: nothing */
            return pith_charset_find((const char *)s + i, j - i, out);
        }
        size_t j = i;
        while (j < n && !is_space(s[j]) && s[j] != ';') j++;
        return pith_charset_find((const char *)s + i, j - i, out);
    }
    return false;
}

bool pith_charset_from_mime(const char *mime, size_t n, pith_charset *out)
{
    if (!mime || n == 0) return false;
    const uint8_t *s = (const uint8_t *)mime;
    size_t semi = 0;
    while (semi < n && s[semi] != ';') semi++;
    if (semi == n) return false; /* no parameters: a bare type or a file name */
    return extract_charset(s + semi, n - semi, out);
}

/* MARK: - HTML prescan (§13.2.3.2) */

#define PRESCAN_MAX 1024u
#define ATTR_NAME_MAX 16u
#define ATTR_VALUE_MAX 128u

typedef struct attr {
    uint8_t name[ATTR_NAME_MAX];
    uint8_t value[ATTR_VALUE_MAX];
    size_t name_len, value_len;  /* may exceed the buffers: then no name or value matches */
} attr;

static void put(uint8_t *buf, size_t cap, size_t *len, uint8_t c)
{
    if (*len < cap) buf[*len] = lower(c);
    (*len)++;
}

/* "get an attribute": 1 with *a filled, 0 when there is none ('>' reached), -1 at the end of
 * the input. *i is advanced as the standard says. */
static int get_attr(const uint8_t *d, size_t n, size_t *i, attr *a)
{
    size_t p = *i;
    a->name_len = a->value_len = 0;
    while (p < n && (is_space(d[p]) || d[p] == '/')) p++;
    if (p >= n) return -1;
    if (d[p] == '>') {
        *i = p;
        return 0;
    }
    for (;; p++) { /* name */
        if (p >= n) return -1;
        uint8_t c = d[p];
        if (c == '=' && a->name_len > 0) {
            p++;
            goto value;
        }
        if (is_space(c)) break;
        if (c == '/' || c == '>') {
            *i = p;
            return 1;
        }
        put(a->name, ATTR_NAME_MAX, &a->name_len, c);
    }
    while (p < n && is_space(d[p])) p++; /* spaces */
    if (p >= n) return -1;
    if (d[p] != '=') {
        *i = p;
        return 1;
    }
    p++;
value:
    while (p < n && is_space(d[p])) p++;
    if (p >= n) return -1;
    if (d[p] == '"' || d[p] == '\'') {
        uint8_t q = d[p++];
        for (; p < n && d[p] != q; p++) put(a->value, ATTR_VALUE_MAX, &a->value_len, d[p]);
        if (p >= n) return -1;
        *i = p + 1;
        return 1;
    }
    if (d[p] == '>') {
        *i = p;
        return 1;
    }
    for (; p < n && !is_space(d[p]) && d[p] != '>'; p++)
        put(a->value, ATTR_VALUE_MAX, &a->value_len, d[p]);
    if (p >= n) return -1;
    *i = p;
    return 1;
}

static bool name_is(const attr *a, const char *lit)
{
    size_t m = strlen(lit);
    return a->name_len == m && memcmp(a->name, lit, m) == 0;
}

/* d[i..n) starts with lit[0..m) (lowercase), ASCII case-insensitively. m is given, not
 * strlen'd: this runs at every '<' of the prescan, and at -Oz strlen stays a call. */
static bool starts_i(const uint8_t *d, size_t n, size_t i, const char *lit, size_t m)
{
    if (n - i < m) return false;
    for (size_t k = 0; k < m; k++)
        if (lower(d[i + k]) != (uint8_t)lit[k]) return false;
    return true;
}

static bool is_alpha(uint8_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* A <meta> whose attributes start at *i: true with the encoding it declares. */
static bool meta_charset(const uint8_t *d, size_t n, size_t *i, pith_charset *out)
{
    /* The names seen (a repeated attribute is ignored), bit per name we care about. */
    unsigned seen = 0;
    bool got_pragma = false, have = false;
    int need_pragma = -1; /* -1 null, 0 false, 1 true */
    pith_charset cs;
    attr a;
    int r;
    while ((r = get_attr(d, n, i, &a)) == 1) {
        unsigned bit = name_is(&a, "http-equiv") ? 1u : name_is(&a, "content") ? 2u
                       : name_is(&a, "charset")  ? 4u : 0u;
        if (!bit || (seen & bit)) continue;
        seen |= bit;
        if (bit == 1) {
            got_pragma = a.value_len == 12 && memcmp(a.value, "content-type", 12) == 0;
        } else if (bit == 2) {
            size_t len = a.value_len < ATTR_VALUE_MAX ? a.value_len : ATTR_VALUE_MAX;
            if (!have && extract_charset(a.value, len, &cs)) {
                have = true;
                need_pragma = 1;
            }
        } else if (a.value_len <= ATTR_VALUE_MAX) {
            have = pith_charset_find((const char *)a.value, a.value_len, &cs);
            need_pragma = 0;
        }
    }
    if (r < 0 || need_pragma < 0 || (need_pragma == 1 && !got_pragma) || !have) return false;
    if (cs.kind == PITH_ENC_UTF16LE || cs.kind == PITH_ENC_UTF16BE) cs = of(E_UTF8);
    if (cs.kind == PITH_ENC_USER) cs = of_sbcs(&pith_sbcs_windows_1252);
    *out = cs;
    return true;
}

bool pith_charset_html_prescan(const uint8_t *d, size_t n, pith_charset *out)
{
    if (!d) return false;
    if (n > PRESCAN_MAX) n = PRESCAN_MAX;
    size_t i = 0;
    while (i < n) {
        if (d[i] != '<') {
            const uint8_t *lt = memchr(d + i, '<', n - i);
            if (!lt) break;
            i = (size_t)(lt - d);
        }
        if (starts_i(d, n, i, "<!--", 4)) {
            /* the '>' of a "-->", whose dashes may be those of "<!--" */
            size_t j = i + 2;
            while (j + 2 < n && !(d[j] == '-' && d[j + 1] == '-' && d[j + 2] == '>')) j++;
            if (j + 2 >= n) break;
            i = j + 3;
        } else if (starts_i(d, n, i, "<meta", 5) && i + 5 < n &&
                   (is_space(d[i + 5]) || d[i + 5] == '/')) {
            i += 6;
            if (meta_charset(d, n, &i, out)) return true;
            i++;
        } else if (i + 1 < n && (is_alpha(d[i + 1]) ||
                                 (d[i + 1] == '/' && i + 2 < n && is_alpha(d[i + 2])))) {
            while (i < n && !is_space(d[i]) && d[i] != '>') i++;
            attr a;
            int r;
            while ((r = get_attr(d, n, &i, &a)) == 1) {}
            if (r < 0) break;
            i++;
        } else if (i + 1 < n && (d[i + 1] == '!' || d[i + 1] == '/' || d[i + 1] == '?')) {
            const uint8_t *gt = memchr(d + i, '>', n - i);
            if (!gt) break;
            i = (size_t)(gt - d) + 1;
        } else {
            i++;
        }
    }
    return false;
}

/* MARK: - Sniffing */

/* How much of a document the sniffer reads. Only the bytes >= 0x80 weigh, and legacy pages
 * hold their text in the body after a head of ASCII scripts and styles, so it reads far. */
#define SNIFF_MAX ((size_t)1 << 20)

/* Frequent characters of Korean (Hangul syllables), Chinese (simplified and traditional) and
 * Japanese (kanji; kana count as well), sorted for a binary search. Text decoded with the
 * right encoding has a quarter or more of its characters here; random characters from a wrong
 * one, a few per cent. */
static const uint16_t top_ko[] = {
    0xAC00, 0xAC83, 0xAC8C, 0xACE0, 0xACFC, 0xAD6D, 0xADF8, 0xAE30, 0xB098, 0xB0B4, 0xB294,
    0xB2E4, 0xB300, 0xB3C4, 0xB3D9, 0xB4E4, 0xB77C, 0xB85C, 0xB97C, 0xB9AC, 0xB9CC, 0xBA74,
    0xBB34, 0xBB38, 0xBC29, 0xBCF4, 0xBD80, 0xBE44, 0xC0AC, 0xC0C1, 0xC11C, 0xC131, 0xC18C,
    0xC218, 0xC2DC, 0xC544, 0xC5B4, 0xC5D0, 0xC5EC, 0xC694, 0xC6B0, 0xC6D0, 0xC720, 0xC744,
    0xC758, 0xC774, 0xC778, 0xC77C, 0xC788, 0xC790, 0xC7A5, 0xC801, 0xC804, 0xC815, 0xC81C,
    0xC8FC, 0xC911, 0xC9C0, 0xD558, 0xD55C, 0xD574,
};
static const uint16_t top_zh[] = {
    0x4E00, 0x4E09, 0x4E0A, 0x4E0B, 0x4E0D, 0x4E24, 0x4E2A, 0x4E2D, 0x4E3A, 0x4E3B, 0x4E48,
    0x4E4B, 0x4E5F, 0x4E86, 0x4E8B, 0x4E8E, 0x4EBA, 0x4ECE, 0x4ED6, 0x4EE5, 0x4EEC, 0x4F1A,
    0x4F5C, 0x4F60, 0x4F86, 0x500B, 0x5011, 0x5169, 0x516C, 0x51FA, 0x5230, 0x524D, 0x52A8,
    0x52D5, 0x5341, 0x53BB, 0x53C8, 0x53D1, 0x53EA, 0x53EF, 0x540C, 0x540E, 0x548C, 0x56FD,
    0x570B, 0x5728, 0x5730, 0x591A, 0x5927, 0x5929, 0x5934, 0x5979, 0x597D, 0x5982, 0x5B50,
    0x5B66, 0x5B78, 0x5BB6, 0x5BF9, 0x5C0D, 0x5C0F, 0x5C31, 0x5DF2, 0x5E74, 0x5F00, 0x5F53,
    0x5F8C, 0x5F97, 0x5F9E, 0x5FC3, 0x60F3, 0x6210, 0x6211, 0x6240, 0x624B, 0x6587, 0x65B9,
    0x65BC, 0x65E0, 0x65E5, 0x65F6, 0x662F, 0x6642, 0x6703, 0x6709, 0x672C, 0x6765, 0x6C92,
    0x6CA1, 0x70BA, 0x7121, 0x7136, 0x751F, 0x7528, 0x7576, 0x767C, 0x7684, 0x770B, 0x7740,
    0x7D93, 0x7ECF, 0x8001, 0x800C, 0x80FD, 0x81EA, 0x8457, 0x884C, 0x88E1, 0x8981, 0x898B,
    0x89C1, 0x8AAA, 0x8BF4, 0x8D77, 0x8FC7, 0x8FD8, 0x8FD9, 0x9019, 0x904E, 0x9053, 0x9084,
    0x90A3, 0x90FD, 0x91CC, 0x9577, 0x957F, 0x958B, 0x9762, 0x982D, 0x9EBC,
};
static const uint16_t top_ja[] = {
    0x4E00, 0x4E09, 0x4E0A, 0x4E2D, 0x4E8B, 0x4E8C, 0x4E94, 0x4EBA, 0x4ECA, 0x4F1A, 0x4F53,
    0x515A, 0x5165, 0x5185, 0x5186, 0x51FA, 0x5206, 0x524D, 0x5341, 0x5408, 0x540C, 0x54E1,
    0x56DB, 0x56FD, 0x5730, 0x5834, 0x5927, 0x5B50, 0x5B66, 0x5B9A, 0x5E74, 0x5E9C, 0x5F37,
    0x5F8C, 0x624B, 0x653F, 0x65B0, 0x65B9, 0x65E5, 0x6642, 0x6708, 0x672C, 0x6771, 0x696D,
    0x6C17, 0x751F, 0x767A, 0x7684, 0x76EE, 0x76F8, 0x793E, 0x8005, 0x81EA, 0x884C, 0x898B,
    0x8B70, 0x9577, 0x9593, 0x9662, 0x9996, 0x9AD8,
};

static bool in_set(const uint16_t *set, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set[mid] == cp) return true;
        if (set[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Share (per 1,000) of the multibyte characters of d decoded as e that are frequent in e's
 * language. */
static uint32_t cjk_score(const pith_cjk_pack *p, pith_cjk_enc e, const uint8_t *d, size_t n)
{
    uint32_t hits = 0, total = 0;
    size_t i = 0;
    while (i < n) {
        if (d[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = pith_cjk_next(p, e, d + i, n - i, true, &cp);
        i += k;
        if (k < 2) continue;
        total++;
        bool hit;
        switch (e) {
        case PITH_CJK_EUC_KR:
            hit = in_set(top_ko, sizeof top_ko / sizeof top_ko[0], cp);
            break;
        case PITH_CJK_SHIFT_JIS:
        case PITH_CJK_EUC_JP:
            hit = (cp >= 0x3040 && cp <= 0x30FF) ||
                  in_set(top_ja, sizeof top_ja / sizeof top_ja[0], cp);
            break;
        default:
            hit = in_set(top_zh, sizeof top_zh / sizeof top_zh[0], cp);
            break;
        }
        hits += hit;
    }
    return total ? (uint32_t)((uint64_t)hits * 1000 / total) : 0;
}

pith_charset pith_charset_sniff(const uint8_t *d, size_t n, const pith_cjk_pack *pack,
                                bool *needs_pack)
{
    *needs_pack = false;
    if (n > SNIFF_MAX) n = SNIFF_MAX;
    /* Histogram of the high bytes, and how many of them stand next to another high byte: in
     * Latin text a letter outside ASCII sits between ASCII letters; Cyrillic, Greek, Arabic,
     * Hebrew, Thai and every multibyte encoding write whole words of high bytes. */
    /* No branch on a byte's value: in such text high and ASCII bytes alternate too often for
     * one to be predicted (a windows-1251 page spent a third of its time here). Words of eight
     * ASCII bytes are stepped over; every byte of the others is counted. */
    uint32_t all[256];
    memset(all, 0, sizeof all);
    uint64_t paired = 0;
    unsigned prev = 0; /* byte i-1 is high */
    size_t i = 0;
    while (i < n) {
        if (n - i >= 8 && !(pith_load8(d + i) & PITH_REP8(0x80))) {
            /* eight ASCII bytes (markup, scripts, spaces): nothing to count */
            prev = 0;
            i += 8;
            continue;
        }
        unsigned h = d[i] >> 7, next = i + 1 < n ? d[i + 1] >> 7 : 0;
        all[d[i]]++;
        paired += h & (prev | next);
        prev = h;
        i++;
    }
    const uint32_t *hist = all + 0x80; /* the high bytes' counts */
    uint64_t high = 0;
    for (unsigned b = 0; b < 128; b++) high += hist[b];
    pith_charset latin = of_sbcs(&pith_sbcs_windows_1252);
    if (high == 0 || paired * 2 < high) return latin;

    /* Single-byte scripts: the page whose frequent letters cover most of the high bytes. In
     * a page of the right encoding they are over half of the non-ASCII letters; read through
     * the wrong page (or multibyte text read as single bytes), about a tenth. */
    uint32_t sb_best = 0;
    const pith_sbcs *sb = NULL;
    for (uint32_t k = 0; k < pith_sbcs_lang_count; k++) {
        const pith_sbcs_lang *l = &pith_sbcs_langs[k];
        uint64_t hits = 0;
        for (uint32_t w = 0; w < 16; w++)
            for (uint32_t m = l->top[w]; m; m &= m - 1)
                hits += hist[w * 8 + (uint32_t)__builtin_ctz(m)];
        uint32_t score = (uint32_t)(hits * 1000 / high);
        if (score > sb_best) {
            sb_best = score;
            sb = l->cs;
        }
    }
    /* Well over a third: no multibyte text reads like that through a single-byte page. */
    if (sb && sb_best >= 400) return of_sbcs(sb);

    /* Multibyte: the encodings whose byte structure the text fits (at most 1 ill-formed
     * sequence in 50 multibyte characters, and at least 2 of those). */
    static const uint8_t cjk_encs[PITH_CJK_COUNT] = {E_SJIS, E_EUCJP, E_GBK, E_BIG5, E_EUCKR};
    int best = -1;
    uint32_t best_score = 0, best_bad = UINT32_MAX;
    for (int e = 0; e < PITH_CJK_COUNT; e++) {
        uint32_t pairs, bad = pith_cjk_structure((pith_cjk_enc)e, d, n, &pairs);
        if (pairs < 2 || (uint64_t)bad * 50 > pairs) continue;
        if (!pack) {
            /* By structure alone: fewest errors, then the most multibyte characters. */
            if (best < 0 || bad < best_bad || (bad == best_bad && pairs > best_score)) {
                best = e;
                best_bad = bad;
                best_score = pairs;
            }
            continue;
        }
        uint32_t score = cjk_score(pack, (pith_cjk_enc)e, d, n);
        if (best < 0 || score > best_score) {
            best = e;
            best_score = score;
        }
    }
    if (best >= 0) {
        *needs_pack = pack == NULL;
        return of(cjk_encs[best]);
    }
    if (sb && sb_best >= 250) return of_sbcs(sb);
    return latin;
}

/* MARK: - Decoding */

const pith_pack *pith_charset_pack_find(const pith_options *o, const char *name)
{
    if (!o->packs) return NULL;
    for (size_t i = 0; i < o->pack_count; i++)
        if (o->packs[i].name && strcmp(o->packs[i].name, name) == 0) return &o->packs[i];
    return NULL;
}

pith_status pith_charset_decoder_open(pith_doc *doc, const pith_charset *cs,
                                      pith_charset_decoder *d)
{
    memset(d, 0, sizeof *d);
    d->cs = *cs;
    if (cs->kind == PITH_ENC_SBCS) pith_sbcs_expand(cs->sbcs, d->high);
    if (cs->kind != PITH_ENC_CJK && cs->kind != PITH_ENC_ISO2022JP) return PITH_OK;
    const pith_pack *pk = pith_charset_pack_find(pith_doc_options(doc), PITH_CJK_PACK_NAME);
    if (!pk)
        return pith_fail(doc, PITH_E_NEED_PACK, 0, "charset: %s needs data pack %s", cs->name,
                         PITH_CJK_PACK_NAME);
    const char *why = pith_cjk_pack_parse(pk->data, pk->len, &d->pack);
    if (why) return pith_fail(doc, PITH_E_FORMAT, 0, "pack: %s: %s", PITH_CJK_PACK_NAME, why);
    return PITH_OK;
}

size_t pith_charset_decode(pith_charset_decoder *d, const uint8_t *in, size_t n, bool final,
                           uint8_t *out, size_t cap, size_t *used)
{
    size_t o = 0, i = 0;
    switch (d->cs.kind) {
    case PITH_ENC_UTF8:
        return pith_utf8_repair(in, n, final, out, cap, used);
    case PITH_ENC_UTF16LE:
    case PITH_ENC_UTF16BE:
        return pith_utf16_to_utf8(in, n, d->cs.kind == PITH_ENC_UTF16BE, final, out, cap, used);
    case PITH_ENC_CJK:
        return pith_cjk_to_utf8(&d->pack, d->cs.cjk, in, n, final, out, cap, used);
    case PITH_ENC_ISO2022JP:
        return pith_cjk_iso2022jp_to_utf8(&d->pack, &d->iso2022jp, in, n, final, out, cap, used);
    case PITH_ENC_REPLACEMENT:
        /* WHATWG: the whole stream decodes to one U+FFFD (these encodings could smuggle
         * markup past a filter); later input adds nothing. */
        if (n > 0 && !d->replaced) {
            if (cap < 3) {
                *used = 0;
                return 0;
            }
            d->replaced = true;
            o = pith_utf8_encode(PITH_UTF_REPLACEMENT, out);
        }
        *used = n;
        return o;
    case PITH_ENC_USER:
        for (; i < n; i++) {
            uint32_t cp = in[i] < 0x80 ? in[i] : 0xF780u + (in[i] - 0x80u);
            if ((cp < 0x80 ? 1u : 3u) > cap - o) break;
            o += pith_utf8_encode(cp, out + o);
        }
        *used = i;
        return o;
    default: /* SBCS */
        return pith_sbcs_table_to_utf8(d->high, in, n, out, cap, used);
    }
}
