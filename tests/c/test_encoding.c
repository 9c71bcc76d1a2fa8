/* test_encoding.c: character encodings (src/charset.c, src/sbcs.c, src/cjk.c) and the data
 * pack format (tools/gen_cjk_pack.mjs).
 *
 * Expected values come from the WHATWG Encoding Standard (its label table, §4.2; its index
 * files index-windows-1251.txt, index-koi8-u.txt, ...; the gb18030 ranges rules), from the
 * HTML Standard's prescan examples, from the Unicode code charts for the characters of the
 * JIS X 0208, GB 2312, Big5 and KS X 1001 code tables, and from the corpus's own NOTES.tsv for
 * the pages whose encoding is undeclared; never from pith's output. Packs for the failure
 * cases are built here byte by byte. Suite encoding_hostile: every corrupt-pack case, random
 * bytes through every decoder, decoding split at every byte.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "cjk.h"
#include "core.h"
#include "doc_util.h"
#include "sbcs.h"
#include "utf.h"

/* MARK: - Helpers */

static uint8_t *pack_or_skip(size_t *len, pith_cjk_pack *p)
{
    uint8_t *b = doc_pack_read("cjk-encodings", len);
    if (!b) cr_skip("dist/data/cjk-encodings.bin not found (run node tools/gen_cjk_pack.mjs)");
    const char *why = pith_cjk_pack_parse(b, *len, p);
    cr_assert_null(why, "the shipped pack does not parse: %s", why ? why : "");
    return b;
}

/* Decode all of in[0..n) as `label` with an optional pack, into a NUL-terminated string. */
static char *decode(const char *label, const uint8_t *in, size_t n, const pith_cjk_pack *pack)
{
    pith_charset cs;
    cr_assert(pith_charset_find(label, strlen(label), &cs), "label %s", label);
    pith_charset_decoder d;
    memset(&d, 0, sizeof d);
    d.cs = cs;
    if (cs.kind == PITH_ENC_SBCS) pith_sbcs_expand(cs.sbcs, d.high);
    if (pack) d.pack = *pack;
    size_t cap = pith_charset_decode_max(n) + 1, used = 0;
    char *out = malloc(cap);
    cr_assert(out != NULL);
    size_t o = pith_charset_decode(&d, in, n, true, (uint8_t *)out, cap, &used);
    cr_assert_eq(used, n);
    out[o] = '\0';
    return out;
}

/* The first code point of a UTF-8 string. */
static uint32_t first_cp(const char *s)
{
    uint32_t cp = 0;
    pith_utf8_decode((const uint8_t *)s, strlen(s), &cp);
    return cp;
}

/* MARK: - Labels (WHATWG Encoding §4.2) */

/* The standard's table: every label with its encoding's name. */
static const struct {
    const char *label, *name;
} whatwg[] = {
    {"unicode-1-1-utf-8", "utf-8"}, {"unicode11utf8", "utf-8"}, {"unicode20utf8", "utf-8"},
    {"utf-8", "utf-8"}, {"utf8", "utf-8"}, {"x-unicode20utf8", "utf-8"},
    {"866", "ibm866"}, {"cp866", "ibm866"}, {"csibm866", "ibm866"}, {"ibm866", "ibm866"},
    {"csisolatin2", "iso-8859-2"}, {"iso-8859-2", "iso-8859-2"}, {"iso-ir-101", "iso-8859-2"},
    {"iso8859-2", "iso-8859-2"}, {"iso88592", "iso-8859-2"}, {"iso_8859-2", "iso-8859-2"},
    {"iso_8859-2:1987", "iso-8859-2"}, {"l2", "iso-8859-2"}, {"latin2", "iso-8859-2"},
    {"csisolatin3", "iso-8859-3"}, {"iso-8859-3", "iso-8859-3"}, {"iso-ir-109", "iso-8859-3"},
    {"iso8859-3", "iso-8859-3"}, {"iso88593", "iso-8859-3"}, {"iso_8859-3", "iso-8859-3"},
    {"iso_8859-3:1988", "iso-8859-3"}, {"l3", "iso-8859-3"}, {"latin3", "iso-8859-3"},
    {"csisolatin4", "iso-8859-4"}, {"iso-8859-4", "iso-8859-4"}, {"iso-ir-110", "iso-8859-4"},
    {"iso8859-4", "iso-8859-4"}, {"iso88594", "iso-8859-4"}, {"iso_8859-4", "iso-8859-4"},
    {"iso_8859-4:1988", "iso-8859-4"}, {"l4", "iso-8859-4"}, {"latin4", "iso-8859-4"},
    {"csisolatincyrillic", "iso-8859-5"}, {"cyrillic", "iso-8859-5"},
    {"iso-8859-5", "iso-8859-5"}, {"iso-ir-144", "iso-8859-5"}, {"iso8859-5", "iso-8859-5"},
    {"iso88595", "iso-8859-5"}, {"iso_8859-5", "iso-8859-5"}, {"iso_8859-5:1988", "iso-8859-5"},
    {"arabic", "iso-8859-6"}, {"asmo-708", "iso-8859-6"}, {"csiso88596e", "iso-8859-6"},
    {"csiso88596i", "iso-8859-6"}, {"csisolatinarabic", "iso-8859-6"},
    {"ecma-114", "iso-8859-6"}, {"iso-8859-6", "iso-8859-6"}, {"iso-8859-6-e", "iso-8859-6"},
    {"iso-8859-6-i", "iso-8859-6"}, {"iso-ir-127", "iso-8859-6"}, {"iso8859-6", "iso-8859-6"},
    {"iso88596", "iso-8859-6"}, {"iso_8859-6", "iso-8859-6"}, {"iso_8859-6:1987", "iso-8859-6"},
    {"csisolatingreek", "iso-8859-7"}, {"ecma-118", "iso-8859-7"}, {"elot_928", "iso-8859-7"},
    {"greek", "iso-8859-7"}, {"greek8", "iso-8859-7"}, {"iso-8859-7", "iso-8859-7"},
    {"iso-ir-126", "iso-8859-7"}, {"iso8859-7", "iso-8859-7"}, {"iso88597", "iso-8859-7"},
    {"iso_8859-7", "iso-8859-7"}, {"iso_8859-7:1987", "iso-8859-7"},
    {"sun_eu_greek", "iso-8859-7"},
    {"csiso88598e", "iso-8859-8"}, {"csisolatinhebrew", "iso-8859-8"}, {"hebrew", "iso-8859-8"},
    {"iso-8859-8", "iso-8859-8"}, {"iso-8859-8-e", "iso-8859-8"}, {"iso-ir-138", "iso-8859-8"},
    {"iso8859-8", "iso-8859-8"}, {"iso88598", "iso-8859-8"}, {"iso_8859-8", "iso-8859-8"},
    {"iso_8859-8:1988", "iso-8859-8"}, {"visual", "iso-8859-8"},
    {"csiso88598i", "iso-8859-8-i"}, {"iso-8859-8-i", "iso-8859-8-i"}, {"logical", "iso-8859-8-i"},
    {"csisolatin6", "iso-8859-10"}, {"iso-8859-10", "iso-8859-10"}, {"iso-ir-157", "iso-8859-10"},
    {"iso8859-10", "iso-8859-10"}, {"iso885910", "iso-8859-10"}, {"l6", "iso-8859-10"},
    {"latin6", "iso-8859-10"},
    {"iso-8859-13", "iso-8859-13"}, {"iso8859-13", "iso-8859-13"}, {"iso885913", "iso-8859-13"},
    {"iso-8859-14", "iso-8859-14"}, {"iso8859-14", "iso-8859-14"}, {"iso885914", "iso-8859-14"},
    {"csisolatin9", "iso-8859-15"}, {"iso-8859-15", "iso-8859-15"}, {"iso8859-15", "iso-8859-15"},
    {"iso885915", "iso-8859-15"}, {"iso_8859-15", "iso-8859-15"}, {"l9", "iso-8859-15"},
    {"iso-8859-16", "iso-8859-16"},
    {"cskoi8r", "koi8-r"}, {"koi", "koi8-r"}, {"koi8", "koi8-r"}, {"koi8-r", "koi8-r"},
    {"koi8_r", "koi8-r"}, {"koi8-ru", "koi8-u"}, {"koi8-u", "koi8-u"},
    {"csmacintosh", "macintosh"}, {"mac", "macintosh"}, {"macintosh", "macintosh"},
    {"x-mac-roman", "macintosh"},
    {"dos-874", "windows-874"}, {"iso-8859-11", "windows-874"}, {"iso8859-11", "windows-874"},
    {"iso885911", "windows-874"}, {"tis-620", "windows-874"}, {"windows-874", "windows-874"},
    {"cp1250", "windows-1250"}, {"windows-1250", "windows-1250"}, {"x-cp1250", "windows-1250"},
    {"cp1251", "windows-1251"}, {"windows-1251", "windows-1251"}, {"x-cp1251", "windows-1251"},
    {"ansi_x3.4-1968", "windows-1252"}, {"ascii", "windows-1252"}, {"cp1252", "windows-1252"},
    {"cp819", "windows-1252"}, {"csisolatin1", "windows-1252"}, {"ibm819", "windows-1252"},
    {"iso-8859-1", "windows-1252"}, {"iso-ir-100", "windows-1252"},
    {"iso8859-1", "windows-1252"}, {"iso88591", "windows-1252"}, {"iso_8859-1", "windows-1252"},
    {"iso_8859-1:1987", "windows-1252"}, {"l1", "windows-1252"}, {"latin1", "windows-1252"},
    {"us-ascii", "windows-1252"}, {"windows-1252", "windows-1252"},
    {"x-cp1252", "windows-1252"},
    {"cp1253", "windows-1253"}, {"windows-1253", "windows-1253"}, {"x-cp1253", "windows-1253"},
    {"cp1254", "windows-1254"}, {"csisolatin5", "windows-1254"}, {"iso-8859-9", "windows-1254"},
    {"iso-ir-148", "windows-1254"}, {"iso8859-9", "windows-1254"}, {"iso88599", "windows-1254"},
    {"iso_8859-9", "windows-1254"}, {"iso_8859-9:1989", "windows-1254"}, {"l5", "windows-1254"},
    {"latin5", "windows-1254"}, {"windows-1254", "windows-1254"}, {"x-cp1254", "windows-1254"},
    {"cp1255", "windows-1255"}, {"windows-1255", "windows-1255"}, {"x-cp1255", "windows-1255"},
    {"cp1256", "windows-1256"}, {"windows-1256", "windows-1256"}, {"x-cp1256", "windows-1256"},
    {"cp1257", "windows-1257"}, {"windows-1257", "windows-1257"}, {"x-cp1257", "windows-1257"},
    {"cp1258", "windows-1258"}, {"windows-1258", "windows-1258"}, {"x-cp1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"}, {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"chinese", "gbk"}, {"csgb2312", "gbk"}, {"csiso58gb231280", "gbk"}, {"gb2312", "gbk"},
    {"gb_2312", "gbk"}, {"gb_2312-80", "gbk"}, {"gbk", "gbk"}, {"iso-ir-58", "gbk"},
    {"x-gbk", "gbk"}, {"gb18030", "gb18030"},
    {"big5", "big5"}, {"big5-hkscs", "big5"}, {"cn-big5", "big5"}, {"csbig5", "big5"},
    {"x-x-big5", "big5"},
    {"cseucpkdfmtjapanese", "euc-jp"}, {"euc-jp", "euc-jp"}, {"x-euc-jp", "euc-jp"},
    {"csiso2022jp", "iso-2022-jp"}, {"iso-2022-jp", "iso-2022-jp"},
    {"csshiftjis", "shift_jis"}, {"ms932", "shift_jis"}, {"ms_kanji", "shift_jis"},
    {"shift-jis", "shift_jis"}, {"shift_jis", "shift_jis"}, {"sjis", "shift_jis"},
    {"windows-31j", "shift_jis"}, {"x-sjis", "shift_jis"},
    {"cseuckr", "euc-kr"}, {"csksc56011987", "euc-kr"}, {"euc-kr", "euc-kr"},
    {"iso-ir-149", "euc-kr"}, {"korean", "euc-kr"}, {"ks_c_5601-1987", "euc-kr"},
    {"ks_c_5601-1989", "euc-kr"}, {"ksc5601", "euc-kr"}, {"ksc_5601", "euc-kr"},
    {"windows-949", "euc-kr"},
    {"csiso2022kr", "replacement"}, {"hz-gb-2312", "replacement"}, {"iso-2022-cn", "replacement"},
    {"iso-2022-cn-ext", "replacement"}, {"iso-2022-kr", "replacement"},
    {"replacement", "replacement"},
    {"unicodefffe", "utf-16be"}, {"utf-16be", "utf-16be"},
    {"csunicode", "utf-16le"}, {"iso-10646-ucs-2", "utf-16le"}, {"ucs-2", "utf-16le"},
    {"unicode", "utf-16le"}, {"unicodefeff", "utf-16le"}, {"utf-16", "utf-16le"},
    {"utf-16le", "utf-16le"},
    {"x-user-defined", "x-user-defined"},
};

Test(encoding, every_whatwg_label_names_its_encoding)
{
    size_t n = sizeof whatwg / sizeof whatwg[0];
    cr_assert_eq(n, 228u, "the standard lists 228 labels");
    for (size_t i = 0; i < n; i++) {
        pith_charset cs;
        cr_assert(pith_charset_find(whatwg[i].label, strlen(whatwg[i].label), &cs), "%s",
                  whatwg[i].label);
        cr_assert_str_eq(cs.name, whatwg[i].name, "label %s", whatwg[i].label);
    }
}

Test(encoding, labels_ignore_case_and_surrounding_whitespace)
{
    pith_charset cs;
    cr_assert(pith_charset_find(" \tShift_JIS\n", 12, &cs));
    cr_assert_str_eq(cs.name, "shift_jis");
    cr_assert(pith_charset_find("WINDOWS-1251", 12, &cs));
    cr_assert_str_eq(cs.name, "windows-1251");
    cr_assert_not(pith_charset_find("utf-7", 5, &cs));
    cr_assert_not(pith_charset_find("utf 8", 5, &cs));
    cr_assert_not(pith_charset_find("", 0, &cs));
    cr_assert_not(pith_charset_find("latin", 5, &cs));
}

Test(encoding, bom_decides_utf8_and_utf16)
{
    pith_charset cs;
    cr_assert_eq(pith_charset_bom((const uint8_t *)"\xEF\xBB\xBFx", 4, &cs), 3u);
    cr_assert_str_eq(cs.name, "utf-8");
    cr_assert_eq(pith_charset_bom((const uint8_t *)"\xFF\xFEx\0", 4, &cs), 2u);
    cr_assert_str_eq(cs.name, "utf-16le");
    cr_assert_eq(pith_charset_bom((const uint8_t *)"\xFE\xFF\0x", 4, &cs), 2u);
    cr_assert_str_eq(cs.name, "utf-16be");
    cr_assert_eq(pith_charset_bom((const uint8_t *)"\xEF\xBB", 2, &cs), 0u);
}

/* The undeclared-text rule of the text, CSV and JSON handlers; expectations worked by hand
 * from the rule's statement in charset.h (100 well-formed multibyte sequences per error). */
static pith_charset guess(const char *d, size_t n, size_t *bom, pith_utf8_census *c)
{
    return pith_charset_guess_text((const uint8_t *)d, n, bom, c);
}

Test(encoding, guess_text_bom_utf16_utf8_then_windows_1252)
{
    size_t bom;
    pith_utf8_census c;
    /* a UTF-8 BOM wins however bad the rest: C0 two bytes after it */
    cr_assert_str_eq(guess("\xEF\xBB\xBF" "ab\xC0" "cd", 8, &bom, &c).name, "utf-8");
    cr_expect_eq(bom, 3u);
    cr_expect_eq(c.bad, 1u);
    cr_expect_eq(c.first_bad, 2u);
    cr_assert_str_eq(guess("\xFE\xFF\0x", 4, &bom, &c).name, "utf-16be");
    cr_expect_eq(bom, 2u);
    cr_expect(c.bad == 0 && !c.cut && c.first_bad == 2);
    /* "hello" in UTF-16LE: five zero bytes at odd offsets */
    cr_assert_str_eq(guess("h\0e\0l\0l\0o\0", 10, &bom, &c).name, "utf-16le");
    cr_expect_eq(bom, 0u);
    cr_assert_str_eq(guess("caf\xC3\xA9", 5, &bom, &c).name, "utf-8");
    cr_expect(c.bad == 0 && !c.cut && c.first_bad == 5);
    /* Latin-1 "café x": an error and no multibyte sequence */
    cr_assert_str_eq(guess("caf\xE9 x", 6, &bom, &c).name, "windows-1252");
    cr_expect(c.bad == 0 && !c.cut && c.first_bad == 6);
    /* cut at the end with no multibyte sequence before it: legacy */
    cr_assert_str_eq(guess("caf\xC3", 4, &bom, NULL).name, "windows-1252");
    cr_assert_eq(bom, 0u);
}

Test(encoding, guess_text_mostly_utf8_at_100_to_1)
{
    char d[202];
    for (int i = 0; i < 100; i++) memcpy(d + 2 * i, "\xC3\xA9", 2);
    d[200] = (char)0xFF;
    size_t bom;
    pith_utf8_census c;
    cr_assert_str_eq(guess(d, 201, &bom, &c).name, "utf-8");
    cr_expect_eq(c.multi, 100u);
    cr_expect_eq(c.bad, 1u);
    cr_expect_eq(c.first_bad, 200u);
    /* 99 to 1 is legacy text */
    cr_assert_str_eq(guess(d + 2, 199, &bom, &c).name, "windows-1252");
    /* the same text cut inside a character after them is UTF-8 with its end cut */
    memcpy(d + 200, "\xC3", 1);
    cr_assert_str_eq(guess(d, 201, &bom, &c).name, "utf-8");
    cr_expect(c.cut && c.bad == 0 && c.first_bad == 200);
}

Test(encoding, mime_charset_parameter)
{
    pith_charset cs;
    const char *m = "text/html; charset=\"Shift_JIS\"";
    cr_assert(pith_charset_from_mime(m, strlen(m), &cs));
    cr_assert_str_eq(cs.name, "shift_jis");
    m = "text/html;charset=koi8-r;format=flowed";
    cr_assert(pith_charset_from_mime(m, strlen(m), &cs));
    cr_assert_str_eq(cs.name, "koi8-r");
    m = "page.html";
    cr_assert_not(pith_charset_from_mime(m, strlen(m), &cs));
    m = "text/html; charset=nonsense";
    cr_assert_not(pith_charset_from_mime(m, strlen(m), &cs));
}

/* MARK: - Single-byte pages (WHATWG index files) */

Test(encoding, single_byte_pages_match_the_whatwg_indexes)
{
    static const struct {
        const char *label;
        uint8_t byte;
        uint32_t cp;
    } cases[] = {
        {"windows-1252", 0x80, 0x20AC}, {"windows-1252", 0x81, 0x0081},
        {"windows-1251", 0xC0, 0x0410}, {"windows-1251", 0xFF, 0x044F},
        {"windows-1251", 0x98, 0x0098}, {"koi8-r", 0xC1, 0x0430}, {"koi8-r", 0xE1, 0x0410},
        {"koi8-u", 0xAE, 0x045E}, {"koi8-u", 0xBE, 0x040E}, {"koi8-u", 0xA4, 0x0454},
        {"ibm866", 0x80, 0x0410}, {"ibm866", 0xE0, 0x0440}, {"iso-8859-2", 0xA1, 0x0104},
        {"iso-8859-5", 0xB0, 0x0410}, {"iso-8859-6", 0xC7, 0x0627}, {"iso-8859-6", 0xA1, 0xFFFD},
        {"iso-8859-7", 0xE1, 0x03B1}, {"iso-8859-8", 0xE0, 0x05D0}, {"iso-8859-8-i", 0xFA, 0x05EA},
        {"iso-8859-15", 0xA4, 0x20AC}, {"iso-8859-16", 0xAA, 0x0218}, {"macintosh", 0xF0, 0xF8FF},
        {"macintosh", 0x80, 0x00C4}, {"windows-874", 0xA1, 0x0E01}, {"windows-874", 0xDB, 0xFFFD},
        {"windows-874", 0x81, 0x0081}, {"windows-1253", 0xAA, 0xFFFD},
        {"windows-1253", 0xC1, 0x0391},
        {"windows-1255", 0xE0, 0x05D0}, {"windows-1255", 0xD9, 0xFFFD},
        {"windows-1255", 0xCA, 0x05BA}, /* whatwg/encoding#73 */
        {"windows-1256", 0xC7, 0x0627}, {"windows-1257", 0xA1, 0xFFFD},
        {"windows-1250", 0x8A, 0x0160}, {"windows-1254", 0xF0, 0x011F},
        {"windows-1258", 0xD2, 0x0309}, {"x-mac-cyrillic", 0x80, 0x0410},
        {"iso-8859-3", 0xA5, 0xFFFD}, {"iso-8859-10", 0xA1, 0x0104}, {"iso-8859-13", 0xA1, 0x201D},
        {"iso-8859-14", 0xA1, 0x1E02}, {"iso-8859-4", 0xA1, 0x0104},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = decode(cases[i].label, &cases[i].byte, 1, NULL);
        cr_assert_eq(first_cp(s), cases[i].cp, "%s 0x%02X: U+%04X", cases[i].label, cases[i].byte,
                     first_cp(s));
        free(s);
    }
}

Test(encoding, expanded_tables_agree_with_per_byte_lookup)
{
    for (const pith_sbcs *const *p = pith_sbcs_pages; *p; p++) {
        uint16_t t[128];
        pith_sbcs_expand(*p, t);
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t want = b < 0x80 ? b : t[b - 0x80];
            cr_assert_eq(pith_sbcs_decode(*p, (uint8_t)b), want, "%s 0x%02X", (*p)->name, b);
        }
    }
}

Test(encoding, user_defined_and_replacement)
{
    char *s = decode("x-user-defined", (const uint8_t *)"a\x80\xFF", 3, NULL);
    cr_assert_str_eq(s, "a\xEF\x9E\x80\xEF\x9F\xBF"); /* U+F780, U+F7FF */
    free(s);
    s = decode("iso-2022-kr", (const uint8_t *)"abc\x1b$)C", 7, NULL);
    cr_assert_str_eq(s, "\xEF\xBF\xBD"); /* the whole stream is one U+FFFD */
    free(s);
}

Test(encoding, utf16_both_orders_with_surrogates)
{
    char *s = decode("utf-16le", (const uint8_t *)"A\0\x3D\xD8\x00\xDE", 6, NULL);
    cr_assert_str_eq(s, "A\xF0\x9F\x98\x80"); /* U+1F600 */
    free(s);
    s = decode("utf-16be", (const uint8_t *)"\0A\xD8\x3D\xDE\x00", 6, NULL);
    cr_assert_str_eq(s, "A\xF0\x9F\x98\x80");
    free(s);
}

/* MARK: - Prescan (HTML §13.2.3.2) */

static const char *prescan(const char *html)
{
    pith_charset cs;
    if (!pith_charset_html_prescan((const uint8_t *)html, strlen(html), &cs)) return "-";
    return cs.name;
}

Test(encoding, prescan_reads_meta_charset_and_http_equiv)
{
    cr_assert_str_eq(prescan("<meta charset=\"windows-1251\">"), "windows-1251");
    cr_assert_str_eq(prescan("<META CHARSET=koi8-r>"), "koi8-r");
    cr_assert_str_eq(prescan("<meta/charset='gbk'>"), "gbk");
    cr_assert_str_eq(
        prescan("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-2\">"),
        "iso-8859-2");
    cr_assert_str_eq(
        prescan("<meta content=\"text/html; charset=ISO-8859-2\" http-equiv=content-type>"),
        "iso-8859-2");
    /* content without http-equiv content-type: needs the pragma, so nothing */
    cr_assert_str_eq(prescan("<meta content=\"text/html; charset=ISO-8859-2\">"), "-");
    cr_assert_str_eq(prescan("<meta content=\"charset = 'euc-jp'\" http-equiv=content-type>"),
                     "euc-jp");
    /* the first of a repeated attribute counts */
    cr_assert_str_eq(prescan("<meta charset=big5 charset=gbk>"), "big5");
}

Test(encoding, prescan_skips_comments_and_other_tags)
{
    cr_assert_str_eq(prescan("<!-- <meta charset=gbk> --><meta charset=euc-kr>"), "euc-kr");
    cr_assert_str_eq(prescan("<!---><meta charset=euc-kr>"), "euc-kr");
    cr_assert_str_eq(prescan("<p title='<meta charset=gbk>'><meta charset=euc-kr>"), "euc-kr");
    cr_assert_str_eq(prescan("<!doctype html><?php x ?><meta charset=big5>"), "big5");
    cr_assert_str_eq(prescan("<metax charset=gbk>"), "-");
    cr_assert_str_eq(prescan("<meta charset=nonsense>"), "-");
}

Test(encoding, prescan_utf16_means_utf8_and_user_defined_means_1252)
{
    cr_assert_str_eq(prescan("<meta charset=utf-16>"), "utf-8");
    cr_assert_str_eq(prescan("<meta charset=UTF-16BE>"), "utf-8");
    cr_assert_str_eq(prescan("<meta charset=x-user-defined>"), "windows-1252");
}

Test(encoding, prescan_looks_at_1024_bytes_only)
{
    static const char meta[] = "<meta charset=gbk>";
    char doc[2048];
    size_t at[3] = {1100, 1010, 990}; /* past 1024; ending past it (cut, not read); inside */
    const char *want[3] = {"-", "-", "gbk"};
    for (int k = 0; k < 3; k++) {
        memset(doc, ' ', sizeof doc);
        memcpy(doc + at[k], meta, sizeof meta); /* with its NUL */
        cr_assert_str_eq(prescan(doc), want[k], "meta at %zu", at[k]);
    }
}

/* MARK: - Multibyte (the shipped pack) */

Test(encoding, cjk_decoders_map_known_characters)
{
    size_t len;
    pith_cjk_pack p;
    uint8_t *b = pack_or_skip(&len, &p);
    static const struct {
        const char *label;
        const char *bytes;
        const char *utf8;
    } cases[] = {
        {"shift_jis", "\x82\xA0\x83\x41\x88\x9F", "あア亜"},     /* JIS X 0208 1-2, 5-2, 16-1 */
        {"shift_jis", "\xB1", "ｱ"},                             /* halfwidth katakana U+FF71 */
        {"shift_jis", "a\x5C", "a\\"},                          /* ASCII stays ASCII */
        {"euc-jp", "\xA4\xA2\xA5\xA2\xB0\xA1", "あア亜"},
        {"euc-jp", "\x8E\xB1", "ｱ"},
        {"euc-jp", "\x8F\xB0\xA1", "丂"},                       /* JIS X 0212 16-1: U+4E02 */
        {"gbk", "\xB0\xA1\xD6\xD0", "啊中"},                    /* GB 2312 16-1, 54-48 */
        {"gb18030", "\x80", "€"},
        {"gb18030", "\x81\x30\x81\x30", "\xC2\x80"},            /* four bytes: U+0080 */
        {"gb18030", "\x90\x30\x81\x30", "\xF0\x90\x80\x80"},    /* U+10000 by the formula */
        {"big5", "\xA4\x40\xA4\xA4", "一中"},
        {"euc-kr", "\xB0\xA1\xC7\xD1", "가한"},                  /* KS X 1001 16-1, 44-49 */
        {"iso-2022-jp", "a\x1B$B\x24\x22\x30\x21\x1B(Bb", "aあ亜b"}, /* JIS X 0208 4-2, 16-1 */
        {"iso-2022-jp", "\x1B(J\x5C\x7E\x1B(I\x31\x1B(B", "¥‾ｱ"},  /* Roman, katakana */
        {"iso-2022-jp", "\x1B(B\x1B(Ba", "\xEF\xBF\xBD" "a"},      /* two escapes in a row */
        {"iso-2022-jp", "\x1B(Xa", "\xEF\xBF\xBD(Xa"},              /* unknown escape */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const uint8_t *in = (const uint8_t *)cases[i].bytes;
        char *s = decode(cases[i].label, in, strlen(cases[i].bytes), &p);
        cr_assert_str_eq(s, cases[i].utf8, "%s case %zu", cases[i].label, i);
        free(s);
    }
    free(b);
}

Test(encoding, cjk_errors_follow_the_standard)
{
    size_t len;
    pith_cjk_pack p;
    uint8_t *b = pack_or_skip(&len, &p);
    /* a bad trail that is ASCII is decoded again as itself (WHATWG: restore to the queue) */
    char *s = decode("shift_jis", (const uint8_t *)"\x82" "A", 2, &p);
    cr_assert_str_eq(s, "\xEF\xBF\xBD" "A");
    free(s);
    s = decode("euc-kr", (const uint8_t *)"\xB0" "a", 2, &p);
    cr_assert_str_eq(s, "\xEF\xBF\xBD" "a");
    free(s);
    /* a lead at the end of the input */
    s = decode("big5", (const uint8_t *)"x\xA4", 2, &p);
    cr_assert_str_eq(s, "x\xEF\xBF\xBD");
    free(s);
    /* gb18030: a bad third byte keeps the second and third for the next round */
    s = decode("gb18030", (const uint8_t *)"\x81\x30" "ab", 4, &p);
    cr_assert_str_eq(s, "\xEF\xBF\xBD" "0ab");
    free(s);
    /* the four-byte gap between the BMP ranges and the supplementary planes is unmapped */
    s = decode("gb18030", (const uint8_t *)"\x84\x31\xA5\x30", 4, &p);
    cr_assert_str_eq(s, "\xEF\xBF\xBD");
    free(s);
    free(b);
}

Test(encoding, corpus_pages_without_a_charset_are_sniffed)
{
    size_t len;
    pith_cjk_pack p;
    uint8_t *b = pack_or_skip(&len, &p);
    const char *corpus = getenv("PITH_CORPUS");
    if (!corpus) cr_skip("PITH_CORPUS not set");
    /* NOTES.tsv of the corpus says what each of these is */
    static const struct {
        const char *file, *name;
    } cases[] = {
        {"html/chardet__big5_no_charset.html", "big5"},
        {"html/chardet__euc-kr_no_charset.html", "euc-kr"},
        {"html/chardet__gb2312_mozilla_bug171813.html", "gbk"},
        {"html/chardet__shift_jis_no_charset.html", "shift_jis"},
        {"html/chardet__windows-1251_no_charset.html", "windows-1251"},
        {"html/tika__testArabicMisleadingCharset.html", "windows-1256"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", corpus, cases[i].file);
        FILE *f = fopen(path, "rb");
        if (!f) cr_skip("corpus file %s missing", path);
        uint8_t *d = malloc(1 << 20);
        size_t n = fread(d, 1, 1 << 20, f);
        fclose(f);
        bool need;
        pith_charset cs = pith_charset_sniff(d, n, &p, &need);
        cr_assert_not(need);
        cr_assert_str_eq(cs.name, cases[i].name, "%s", cases[i].file);
        cs = pith_charset_sniff(d, n, NULL, &need);
        bool multibyte = i < 4;
        cr_assert_eq(need, multibyte, "%s: a pack is needed only for multibyte text",
                     cases[i].file);
        free(d);
    }
    free(b);
}

Test(encoding, sniffer_keeps_latin_text_windows_1252)
{
    const char *s = "Caf\xE9 cr\xE8me br\xFBl\xE9" "e, na\xEFve fa\xE7" "ade \xE0 la gar\xE7on.";
    bool need;
    pith_charset cs = pith_charset_sniff((const uint8_t *)s, strlen(s), NULL, &need);
    cr_assert_not(need);
    cr_assert_str_eq(cs.name, "windows-1252");
}

/* Text of each language the sniffer weighs, encoded here into its page through the page's
 * own table (not the sniffer's masks), is named as that page, Russian in each of its three. */
Test(encoding, sniffer_names_each_single_byte_language)
{
    static const struct {
        const char *label, *utf8;
    } cases[] = {
        {"windows-1251", "Съешь же ещё этих мягких французских булок, да выпей чаю. Он сказал"},
        {"koi8-r", "Съешь же ещё этих мягких французских булок, да выпей чаю. Он сказал"},
        {"ibm866", "Съешь же ещё этих мягких французских булок, да выпей чаю. Он сказал"},
        {"windows-1256", "اللغة العربية هي لغة رسمية في كل دول الوطن العربي إضافة إلى أنها لغة"},
        {"windows-1255", "עברית היא שפה שמית ממשפחת השפות האפרו-אסיאתיות, הידועה כשפתם של"},
        {"windows-1253", "Η ελληνική γλώσσα είναι μία από τις ινδοευρωπαϊκές γλώσσες και"},
        {"windows-874", "ภาษาไทยเป็นภาษาราชการของประเทศไทยและเป็นภาษาแม่ของชาวไทย"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const pith_sbcs *cs = pith_sbcs_find(cases[i].label, strlen(cases[i].label));
        cr_assert_not_null(cs, "%s", cases[i].label);
        uint16_t t[128];
        pith_sbcs_expand(cs, t);
        uint8_t out[512];
        size_t n = 0;
        const uint8_t *s = (const uint8_t *)cases[i].utf8;
        for (size_t k = 0, len = strlen(cases[i].utf8); k < len;) {
            uint32_t cp;
            k += pith_utf8_decode(s + k, len - k, &cp);
            if (cp < 0x80) {
                out[n++] = (uint8_t)cp;
                continue;
            }
            uint32_t b = 0;
            while (b < 128 && t[b] != cp) b++;
            if (b < 128) out[n++] = (uint8_t)(0x80 + b); /* a letter the page lacks is left out */
        }
        bool need;
        pith_charset got = pith_charset_sniff(out, n, NULL, &need);
        cr_assert_not(need, "%s", cases[i].label);
        cr_assert_str_eq(got.name, cases[i].label);
    }
}

/* MARK: - Hostile */

/* A pack the test builds: every section present and of the right size, a few cells set. */
typedef struct pk {
    uint8_t *p;
    size_t n;
} pk;

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static pk build_pack(void)
{
    static const uint32_t sizes[8] = {60 * 188 * 2, 94 * 94 * 2, 94 * 94 * 2, 126 * 190 * 2, 16,
                                      126 * 157 * 2, (126 * 157 + 7) / 8, 126 * 190 * 2};
    size_t at = 16 + 8 * 16, total = at;
    for (int i = 0; i < 8; i++) total += (sizes[i] + 3) & ~3u;
    pk k = {calloc(1, total), total};
    memcpy(k.p, "PITHPACK", 8);
    k.p[8] = 1;
    k.p[10] = 8;
    put32(k.p + 12, (uint32_t)total);
    for (int i = 0; i < 8; i++) {
        uint8_t *e = k.p + 16 + i * 16;
        put32(e, (uint32_t)i + 1);
        put32(e + 4, (uint32_t)at);
        put32(e + 8, sizes[i]);
        at += (sizes[i] + 3) & ~3u;
    }
    /* gb ranges: pointer 0 -> U+0080, pointer 100 -> U+1000 */
    uint8_t *r = k.p + 16 + 8 * 16 + ((60 * 188 * 2 + 94 * 94 * 4 + 126 * 190 * 2 + 3) & ~3u);
    put32(r, 0);
    put32(r + 4, 0x80);
    put32(r + 8, 100);
    put32(r + 12, 0x1000);
    /* shift_jis 0x82A0 (pointer (0x82-0x81)*188 + 0xA0-0x41 = 283) -> U+3042 */
    uint8_t *sj = k.p + 16 + 8 * 16;
    sj[283 * 2] = 0x42;
    sj[283 * 2 + 1] = 0x30;
    return k;
}

static const char *parse(const pk *k)
{
    pith_cjk_pack p;
    return pith_cjk_pack_parse(k->p, k->n, &p);
}

Test(encoding_hostile, a_pack_built_by_hand_decodes_what_it_holds)
{
    pk k = build_pack();
    pith_cjk_pack p;
    cr_assert_null(pith_cjk_pack_parse(k.p, k.n, &p));
    char *s = decode("shift_jis", (const uint8_t *)"\x82\xA0\x82\xA1", 4, &p);
    cr_assert_str_eq(s, "あ\xEF\xBF\xBD"); /* 0x82A1 is 0 in this pack: unmapped */
    free(s);
    s = decode("gb18030", (const uint8_t *)"\x81\x30\x81\x35\x81\x30\x8B\x30", 8, &p);
    /* pointer 5 -> U+0085; pointer 100 ((0x8B-0x81)*10) -> U+1000 */
    cr_assert_str_eq(s, "\xC2\x85\xE1\x80\x80");
    free(s);
    free(k.p);
}

Test(encoding_hostile, corrupt_packs_are_refused_with_a_reason)
{
    pk k = build_pack();
    cr_assert_str_eq(pith_cjk_pack_parse(k.p, 10, &(pith_cjk_pack){0}), "too short for a header");
    k.p[0] = 'X';
    cr_assert_str_eq(parse(&k), "bad magic (not a pith data pack)");
    k.p[0] = 'P';
    k.p[8] = 2;
    cr_assert_str_eq(parse(&k), "unsupported version (this build reads version 1)");
    k.p[8] = 1;
    k.n--;
    cr_assert_str_eq(parse(&k), "length in the header differs from the data's");
    k.n++;
    put32(k.p + 16 + 4, (uint32_t)k.n); /* section 1 starts at the end: its bytes are past it */
    cr_assert_str_eq(parse(&k), "section out of bounds");
    put32(k.p + 16 + 4, 16 + 8 * 16);
    put32(k.p + 16 + 8, 100); /* shift_jis of the wrong size */
    cr_assert_str_eq(parse(&k), "section of the wrong size");
    put32(k.p + 16 + 8, 60 * 188 * 2);
    put32(k.p + 16 + 16, 1); /* section 2 claims to be shift_jis again */
    cr_assert_str_eq(parse(&k), "section repeated");
    put32(k.p + 16 + 16, 9); /* an unknown kind is skipped, and then euc-jp is missing */
    cr_assert_str_eq(parse(&k), "a section is missing");
    put32(k.p + 16 + 16, 2);
    cr_assert_null(parse(&k));
    /* gb ranges out of order */
    uint8_t *r = k.p + 16 + 8 * 16 + ((60 * 188 * 2 + 94 * 94 * 4 + 126 * 190 * 2 + 3) & ~3u);
    put32(r + 8, 0);
    cr_assert_str_eq(parse(&k), "bad gb18030 range table");
    free(k.p);
}

/* Decoding in two pieces at every split point gives what decoding at once gives. */
static void split_everywhere(const char *label, const uint8_t *in, size_t n, const pith_cjk_pack *p)
{
    char *whole = decode(label, in, n, p);
    pith_charset cs;
    cr_assert(pith_charset_find(label, strlen(label), &cs));
    for (size_t cut = 0; cut <= n; cut++) {
        pith_charset_decoder d;
        memset(&d, 0, sizeof d);
        d.cs = cs;
        if (cs.kind == PITH_ENC_SBCS) pith_sbcs_expand(cs.sbcs, d.high);
        if (p) d.pack = *p;
        uint8_t out[1024];
        size_t used, o = pith_charset_decode(&d, in, cut, false, out, sizeof out, &used);
        cr_assert_leq(used, cut);
        size_t used2;
        o += pith_charset_decode(&d, in + used, n - used, true, out + o, sizeof out - o, &used2);
        cr_assert_eq(used + used2, n);
        cr_assert(o == strlen(whole) && memcmp(out, whole, o) == 0, "%s split at %zu", label, cut);
    }
    free(whole);
}

/* A single-byte page into every amount of room: the output stops before the first character
 * that does not fit whole, `used` says how far the input went, and the rest decodes to the rest
 * (the decoder copies ASCII eight bytes at a time and writes each other byte from a table while
 * four bytes of room are certain: every mix of runs and room ends the same way). */
Test(encoding_hostile, single_byte_decoding_into_any_room)
{
    static const uint8_t piece[] = "<p class=\"x\">\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0!</p>"
                                   "<a href=\"/q?a=1\">\x88 \xB9 \x98</a>0123456789abcdef\xFF";
    /* long enough for the table (512 bytes and more) and the short path's pieces alike */
    uint8_t in[700];
    size_t n = 0;
    while (n + sizeof piece - 1 <= sizeof in) {
        memcpy(in + n, piece, sizeof piece - 1);
        n += sizeof piece - 1;
    }
    char *whole = decode("windows-1251", in, n, NULL);
    size_t total = strlen(whole);
    pith_charset cs;
    cr_assert(pith_charset_find("windows-1251", 12, &cs));
    for (size_t room = 0; room <= total + 8; room++) {
        pith_charset_decoder d;
        memset(&d, 0, sizeof d);
        d.cs = cs;
        pith_sbcs_expand(cs.sbcs, d.high);
        uint8_t out[2048];
        size_t used, o = pith_charset_decode(&d, in, n, true, out, room, &used);
        cr_assert_leq(o, room);
        cr_assert(memcmp(out, whole, o) == 0, "room %zu: not a prefix", room);
        /* it stopped only because the next character did not fit */
        if (used < n) cr_assert_lt(room - o, 3u, "room %zu: stopped with %zu bytes left", room,
                                   room - o);
        char *head = decode("windows-1251", in, used, NULL);
        cr_assert_eq(strlen(head), o, "room %zu: used %zu is not what was written", room, used);
        free(head);
        size_t used2, o2 = pith_charset_decode(&d, in + used, n - used, true, out + o,
                                               sizeof out - o, &used2);
        cr_assert_eq(used + used2, n);
        cr_assert(o + o2 == total && memcmp(out, whole, total) == 0, "room %zu", room);
    }
    free(whole);
}

Test(encoding_hostile, decoding_split_at_every_byte_is_the_same)
{
    size_t len;
    pith_cjk_pack p;
    uint8_t *b = pack_or_skip(&len, &p);
    split_everywhere("shift_jis", (const uint8_t *)"a\x82\xA0\xB1\x82" "A\x88\x9F", 8, &p);
    split_everywhere("euc-jp", (const uint8_t *)"\x8F\xB0\xA1\x8E\xB1\xA4\xA2x\xA4", 9, &p);
    split_everywhere("gb18030",
                     (const uint8_t *)"\x81\x30\x81\x30\xB0\xA1\x80\x90\x30\x81\x30\x81\x30"
                                      "a",
                     14, &p);
    split_everywhere("big5", (const uint8_t *)"\xA4\x40z\xA4\xA4\xFF", 6, &p);
    split_everywhere("euc-kr", (const uint8_t *)"\xB0\xA1 \xC7\xD1\xB0", 6, &p);
    split_everywhere("iso-2022-jp",
                     (const uint8_t *)"x\x1B$B\x24\x22\x30\x21\x1B(J\x5C\x1B(B", 15, &p);
    split_everywhere("utf-16le", (const uint8_t *)"A\0\x3D\xD8\x00\xDE", 6, NULL);
    split_everywhere("utf-8", (const uint8_t *)"a\xE2\x82\xAC\xF0\x9F\x98\x80\xC3", 9, NULL);
    free(b);
}

Test(encoding_hostile, random_bytes_through_every_decoder)
{
    size_t len;
    pith_cjk_pack p;
    uint8_t *b = pack_or_skip(&len, &p);
    static const char *const labels[] = {"shift_jis", "euc-jp", "gb18030", "big5", "euc-kr",
                                         "iso-2022-jp", "utf-16be", "utf-8", "koi8-u",
                                         "x-user-defined"};
    uint8_t in[4096];
    uint32_t x = 12345;
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof in; i++) {
            x = x * 1103515245u + 12345u;
            in[i] = (uint8_t)(x >> 16);
        }
        for (size_t l = 0; l < sizeof labels / sizeof labels[0]; l++) {
            char *s = decode(labels[l], in, sizeof in, &p);
            size_t n = strlen(s);
            cr_assert_eq(pith_utf8_valid_prefix((const uint8_t *)s, n), n, "%s: output not UTF-8",
                         labels[l]);
            free(s);
        }
        bool need;
        (void)pith_charset_sniff(in, sizeof in, round % 2 ? &p : NULL, &need);
    }
    free(b);
}

Test(encoding_hostile, structure_check_without_a_pack_reads_nothing_past_the_end)
{
    /* every encoding, every truncation of a multibyte sequence at the end */
    static const char *const seqs[] = {"\x82", "\x8F\xB0", "\x81\x30\x81", "\xA4", "\xB0"};
    for (int e = 0; e < PITH_CJK_COUNT; e++) {
        for (size_t s = 0; s < sizeof seqs / sizeof seqs[0]; s++) {
            uint32_t pairs;
            size_t n = strlen(seqs[s]);
            uint8_t *heap = malloc(n); /* exactly n bytes: ASan flags any overread */
            memcpy(heap, seqs[s], n);
            uint32_t bad = pith_cjk_structure((pith_cjk_enc)e, heap, n, &pairs);
            cr_assert_leq(bad + pairs, n);
            free(heap);
        }
    }
}
