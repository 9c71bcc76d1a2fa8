/* test_text.c: the plain text handler (handlers/text/text.c) and its decoders (src/utf.c,
 * src/sbcs.c).
 *
 * Expected texts are written by hand (code points looked up in the Unicode charts and the
 * windows-1252 table of the WHATWG Encoding Standard), or built by the test from the same
 * pattern as the input, never taken from pith's output. The handler is driven through
 * pith_open_with so these tests do not depend on format detection; one test checks that a
 * ".txt" hint reaches it through pith_open. Hostile cases (suite text_hostile) build their
 * inputs in code: invalid UTF-8 at every position, sequences cut at the 64 KiB step boundary
 * of the handler (TEXT_STEP in text.c; the boundary tests sweep a window of offsets around
 * it, so they hold for any alignment), 100 MB of NULs, 10 MB cut into 4 KiB chunks.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "test_util.h"
#include "sbcs.h"
#include "utf.h"

extern const pith_handler pith_handler_text;

#define STEP ((size_t)64 * 1024) /* TEXT_STEP of text.c */

/* MARK: - Helpers */

static void buf_byte(buf *b, uint8_t c) { buf_put(b, &c, 1); }
/* UTF-16 code unit, written by the test itself (independent of pith's decoder). */
static void buf_u16(buf *b, uint16_t u, bool be)
{
    uint8_t two[2] = {(uint8_t)(be ? u >> 8 : u), (uint8_t)(be ? u : u >> 8)};
    buf_put(b, two, 2);
}

typedef struct result {
    pith_status open_st;   /* pith_open_with */
    pith_status next_st;   /* the last pith_next */
    buf text;              /* the chunks, concatenated */
    char enc[32];          /* the "encoding" metadata, read right after open */
    size_t chunks;
    bool chunks_ok;        /* every chunk <= chunk size, starting on a code point boundary */
    uint32_t warnings;
    pith_status warn_code;
    uint64_t warn_offset;
    pith_stats stats;
} result;

static void read_encoding(pith_doc *doc, result *r)
{
    for (uint32_t i = 0; i < pith_doc_meta_count(doc); i++) {
        pith_str k, v;
        cr_assert_eq(pith_doc_meta(doc, i, &k, &v), PITH_OK);
        if (k.n == 8 && memcmp(k.p, "encoding", 8) == 0 && v.n < sizeof r->enc) {
            memcpy(r->enc, v.p, v.n);
            r->enc[v.n] = '\0';
        }
    }
}

static result run_opts(const void *data, size_t len, pith_options o)
{
    result r;
    memset(&r, 0, sizeof r);
    r.chunks_ok = true;
    buf_put(&r.text, "", 0);
    pith_ctx *ctx = pith_ctx_create(NULL);
    cr_assert(ctx != NULL);
    pith_doc *doc = NULL;
    r.open_st = pith_open_with(ctx, &pith_handler_text, PITH_FMT_TEXT, data, len, &o, &doc);
    if (r.open_st == PITH_OK) {
        read_encoding(doc, &r);
        size_t limit = o.chunk_size ? (o.chunk_size < 64 ? 64 : o.chunk_size) : 65536;
        pith_chunk c;
        for (;;) {
            r.next_st = pith_next(doc, &c);
            if (r.next_st != PITH_OK || (c.flags & PITH_CHUNK_END)) break;
            r.chunks++;
            if (c.len == 0 || c.len > limit || ((uint8_t)c.data[0] & 0xC0) == 0x80)
                r.chunks_ok = false;
            buf_put(&r.text, c.data, c.len);
        }
        r.warnings = pith_doc_warning_count(doc);
        if (r.warnings) {
            pith_warning w;
            cr_assert_eq(pith_doc_warning(doc, 0, &w), PITH_OK);
            r.warn_code = w.code;
            r.warn_offset = w.offset;
        }
        r.stats = pith_ctx_stats(ctx);
        pith_close(doc);
    }
    pith_ctx_destroy(ctx);
    return r;
}

static result run(const void *data, size_t len)
{
    return run_opts(data, len, pith_options_default());
}

static void result_free(result *r) { free(r->text.p); }

/* Compare the output with the expected bytes; on a mismatch, say where. */
static void expect_bytes(const result *r, const void *exp, size_t n)
{
    cr_assert_eq(r->open_st, PITH_OK, "open: %s", pith_status_name(r->open_st));
    cr_assert_eq(r->next_st, PITH_OK, "next: %s", pith_status_name(r->next_st));
    size_t i = 0;
    while (i < n && i < r->text.n && r->text.p[i] == ((const char *)exp)[i]) i++;
    cr_assert(i == n && n == r->text.n,
              "output differs at byte %zu (got %zu bytes, expected %zu): got \"%.40s\", "
              "expected \"%.40s\"",
              i, r->text.n, n, r->text.p + (i < r->text.n ? i : r->text.n),
              (const char *)exp + (i < n ? i : n));
}
static void expect_text(const result *r, const char *exp) { expect_bytes(r, exp, strlen(exp)); }

static void check(const void *data, size_t len, const char *enc, const char *exp)
{
    result r = run(data, len);
    expect_text(&r, exp);
    cr_assert_str_eq(r.enc, enc);
    result_free(&r);
}
#define CHECK(lit, enc, exp) check(lit, sizeof(lit) - 1, enc, exp)

/* Events of paragraph mode, written as <p>...<br>...</p>, through a sink of the test's own. */
static int rec_begin(void *u, pith_ev ev, const void *d)
{
    (void)d;
    if (ev == PITH_EV_PARAGRAPH) buf_str(u, "<p>");
    else if (ev != PITH_EV_DOCUMENT && ev != PITH_EV_UNIT) buf_str(u, "<?>");
    return 0;
}
static int rec_end(void *u, pith_ev ev)
{
    if (ev == PITH_EV_PARAGRAPH) buf_str(u, "</p>");
    else if (ev != PITH_EV_DOCUMENT && ev != PITH_EV_UNIT) buf_str(u, "</?>");
    return 0;
}
static int rec_text(void *u, const char *s, size_t n, uint32_t flags)
{
    cr_assert_eq(flags, 0u);
    cr_assert(n > 0);
    buf_put(u, s, n);
    return 0;
}
static int rec_leaf(void *u, pith_ev ev, const void *d)
{
    (void)d;
    if (ev == PITH_EV_BREAK) buf_str(u, "<br>");
    else if (ev != PITH_EV_META) buf_str(u, "<leaf>");
    return 0;
}

static buf events(const void *data, size_t len)
{
    buf b = {0};
    buf_put(&b, "", 0);
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_options o = pith_options_default();
    o.output = PITH_OUT_MARKDOWN;
    pith_doc *doc = NULL;
    cr_assert_eq(pith_open_with(ctx, &pith_handler_text, PITH_FMT_TEXT, data, len, &o, &doc),
                 PITH_OK);
    pith_sink sink = {&b, rec_begin, rec_end, rec_text, rec_leaf};
    cr_assert_eq(pith_run(doc, &sink), PITH_OK);
    pith_close(doc);
    pith_ctx_destroy(ctx);
    return b;
}
static void check_events_n(const char *in, size_t n, const char *exp)
{
    buf b = events(in, n);
    cr_assert_str_eq(b.p, exp);
    free(b.p);
}
static void check_events(const char *in, const char *exp)
{
    buf b = events(in, strlen(in));
    cr_assert_str_eq(b.p, exp);
    free(b.p);
}

/* MARK: - Decoders */

/* Is seq[0..k) one whole well-formed sequence, as pith_utf8_decode (decode_seq) reads it? */
static bool one_sequence(const uint8_t *seq, size_t k)
{
    uint32_t cp;
    return pith_utf8_decode(seq, k, &cp) == k && cp != PITH_UTF8_BAD;
}

/* pith_utf8_valid_prefix checks sequences itself (not through decode_seq): it must agree with
 * the decoder on every 2- and 3-byte sequence, the 4-byte ones at each edge of their ranges,
 * and on each of those cut short, after ASCII of every length mod 8 (the word fast path). */
Test(text, utf8_valid_prefix_agrees_with_the_decoder_everywhere)
{
    static const uint8_t edges[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
    uint8_t in[16];
    for (size_t pre = 0; pre < 8; pre++) {
        memset(in, 'a', pre);
        uint8_t *q = in + pre;
        for (uint32_t x = 0x8000; x < 0x10000; x++) { /* a high lead, any second byte */
            q[0] = (uint8_t)(x >> 8);
            q[1] = (uint8_t)x;
            cr_assert_eq(pith_utf8_valid_prefix(in, pre + 2), one_sequence(q, 2) ? pre + 2 : pre,
                         "%02X %02X", q[0], q[1]);
        }
        if (pre > 1) continue; /* the longer sweeps with and without the word path */
        for (uint32_t x = 0xE00000; x < 0xF00000; x++) {
            q[0] = (uint8_t)(x >> 16);
            q[1] = (uint8_t)(x >> 8);
            q[2] = (uint8_t)x;
            bool whole = one_sequence(q, 3);
            cr_assert_eq(pith_utf8_valid_prefix(in, pre + 3), whole ? pre + 3 : pre,
                         "%02X %02X %02X", q[0], q[1], q[2]);
            if (whole) cr_assert_eq(pith_utf8_valid_prefix(in, pre + 2), pre); /* cut */
        }
        for (uint32_t x = 0xF000; x < 0x10000; x++) /* lead F0..FF, any second byte */
            for (size_t b = 0; b < sizeof edges; b++)
                for (size_t c = 0; c < sizeof edges; c++) {
                    q[0] = (uint8_t)(x >> 8);
                    q[1] = (uint8_t)x;
                    q[2] = edges[b];
                    q[3] = edges[c];
                    bool whole = one_sequence(q, 4);
                    cr_assert_eq(pith_utf8_valid_prefix(in, pre + 4), whole ? pre + 4 : pre,
                                 "%02X %02X %02X %02X", q[0], q[1], q[2], q[3]);
                    if (whole) cr_assert_eq(pith_utf8_valid_prefix(in, pre + 3), pre);
                }
    }
}

/* UTF-8 to UTF-16 (pith_wasm_utf16 hands non-ASCII chunks to JS so): every code point of every
 * length, ill-formed and cut sequences, against the decoder character by character. */
Test(text, utf8_to_utf16_matches_the_decoder)
{
    static uint8_t in[1 << 16];
    static uint16_t out[1 << 16], want[1 << 16];
    uint32_t x = 7;
    for (int round = 0; round < 40; round++) {
        size_t n = 0;
        while (n + 8 < sizeof in) {
            x = x * 1103515245u + 12345u;
            uint32_t r = x >> 8;
            if (round % 4 == 3) { /* any bytes at all */
                in[n++] = (uint8_t)r;
                continue;
            }
            /* a code point from each length class, surrogates and out of range included */
            static const uint32_t spans[][2] = {{0, 0x7F}, {0x80, 0x7FF}, {0x800, 0xFFFF},
                                                {0xD800, 0xDFFF}, {0x10000, 0x10FFFF}};
            /* a quarter of the rounds mostly ASCII (long runs for the eight-byte path) */
            const uint32_t *sp = spans[round % 4 == 2 && r % 16 ? 0 : r % 5];
            uint32_t cp = sp[0] + (r >> 3) % (sp[1] - sp[0] + 1);
            if (cp >= 0xD800 && cp <= 0xDFFF) { /* as CESU-style bytes: ill-formed */
                in[n++] = (uint8_t)(0xE0 | cp >> 12);
                in[n++] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
                in[n++] = (uint8_t)(0x80 | (cp & 0x3F));
            } else {
                n += pith_utf8_encode(cp, in + n);
            }
        }
        size_t cut = round % 2 ? n - 1 : n; /* half the rounds end inside a sequence */
        size_t w = 0, i = 0, ascii = 0;
        while (ascii < cut && in[ascii] < 0x80) ascii++;
        while (i < cut) {
            uint32_t cp;
            size_t k = pith_utf8_decode(in + i, cut - i, &cp);
            if (k == 0) {
                want[w++] = 0xFFFD;
                break;
            }
            i += k;
            if (cp == PITH_UTF8_BAD) cp = 0xFFFD;
            if (cp >= 0x10000) {
                want[w++] = (uint16_t)(0xD800 | (cp - 0x10000) >> 10);
                want[w++] = (uint16_t)(0xDC00 | ((cp - 0x10000) & 0x3FF));
            } else {
                want[w++] = (uint16_t)cp;
            }
        }
        size_t got = pith_utf8_to_utf16(in, cut, out);
        cr_assert_eq(got, w, "round %d: %zu units, want %zu", round, got, w);
        cr_assert(got <= cut);
        cr_assert(memcmp(out, want, w * sizeof *out) == 0, "round %d", round);
        cr_assert_eq(pith_utf8_ascii_prefix(in, cut), ascii, "round %d", round);
        for (size_t k = 0; k < 64 && k < cut; k++) { /* a first non-ASCII byte at each offset */
            size_t a = pith_utf8_ascii_prefix(in + k, cut - k);
            size_t m = 0;
            while (k + m < cut && in[k + m] < 0x80) m++;
            cr_assert_eq(a, m, "round %d offset %zu", round, k);
        }
    }
}

Test(text, utf8_valid_prefix_stops_at_the_first_ill_formed_byte)
{
    const uint8_t ok[] = "abcdefghij\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80xyz";
    cr_assert_eq(pith_utf8_valid_prefix(ok, sizeof ok - 1), sizeof ok - 1);
    const uint8_t bad[] = "abcdefghijklmnop\xC3\xA9\xE0\x80\xAFz"; /* overlong '/' at 18 */
    cr_assert_eq(pith_utf8_valid_prefix(bad, sizeof bad - 1), 18u);
    const uint8_t cut[] = "abcdefgh\xE2\x82"; /* cut at the end: not part of the prefix */
    cr_assert_eq(pith_utf8_valid_prefix(cut, sizeof cut - 1), 8u);
    cr_assert_eq(pith_utf8_valid_prefix(NULL, 0), 0u);
}

Test(text, utf8_decode_follows_table_3_7)
{
    uint32_t cp = 0;
    cr_assert_eq(pith_utf8_decode((const uint8_t *)"\xF4\x8F\xBF\xBF", 4, &cp), 4u);
    cr_assert_eq(cp, 0x10FFFFu);
    cr_assert_eq(pith_utf8_decode((const uint8_t *)"\xF4\x90\x80\x80", 4, &cp), 1u);
    cr_assert_eq(cp, PITH_UTF8_BAD);
    cr_assert_eq(pith_utf8_decode((const uint8_t *)"\xED\xA0\x80", 3, &cp), 1u); /* U+D800 */
    cr_assert_eq(pith_utf8_decode((const uint8_t *)"\xE2\x82x", 3, &cp), 2u); /* subpart E2 82 */
    cr_assert_eq(cp, PITH_UTF8_BAD);
    cr_assert_eq(pith_utf8_decode((const uint8_t *)"\xE2\x82", 2, &cp), 0u); /* needs more */
    cr_assert_eq(pith_utf8_decode((const uint8_t *)"\xC1\xBF", 2, &cp), 1u);
}

Test(text, utf8_encode_replaces_surrogates_and_out_of_range)
{
    uint8_t o[4];
    cr_assert_eq(pith_utf8_encode(0x1F600, o), 4u);
    cr_assert_eq(memcmp(o, "\xF0\x9F\x98\x80", 4), 0);
    cr_assert_eq(pith_utf8_encode(0xDC00, o), 3u);
    cr_assert_eq(memcmp(o, "\xEF\xBF\xBD", 3), 0);
    cr_assert_eq(pith_utf8_encode(0x110000, o), 3u);
    cr_assert_eq(memcmp(o, "\xEF\xBF\xBD", 3), 0);
}

Test(text, sbcs_finds_whatwg_labels)
{
    cr_assert_eq(pith_sbcs_find(" ISO-8859-1\t", 12), &pith_sbcs_windows_1252);
    cr_assert_eq(pith_sbcs_find("latin1", 6), &pith_sbcs_windows_1252);
    cr_assert_eq(pith_sbcs_find("latin", 5), NULL);
    cr_assert_eq(pith_sbcs_find("utf-8", 5), NULL);
    cr_assert_eq(pith_sbcs_decode(&pith_sbcs_windows_1252, 0x80), 0x20ACu);
    cr_assert_eq(pith_sbcs_decode(&pith_sbcs_windows_1252, 0x9F), 0x0178u);
    cr_assert_eq(pith_sbcs_decode(&pith_sbcs_windows_1252, 0x8D), 0x008Du);
}

Test(text, utf16_decoder_keeps_a_cut_pair_for_the_next_call)
{
    /* "a" U+1F600 (D83D DE00), little-endian, cut after the high surrogate */
    const uint8_t in[] = {'a', 0, 0x3D, 0xD8, 0x00, 0xDE};
    uint8_t out[16];
    size_t used;
    cr_assert_eq(pith_utf16_to_utf8(in, 4, false, false, out, sizeof out, &used), 1u);
    cr_assert_eq(used, 2u);
    cr_assert_eq(pith_utf16_to_utf8(in + 2, 4, false, true, out, sizeof out, &used), 4u);
    cr_assert_eq(memcmp(out, "\xF0\x9F\x98\x80", 4), 0);
}

/* MARK: - Encodings */

Test(text, utf8_without_bom_passes_through)
{
    CHECK("h\xC3\xA9llo w\xC3\xB6rld \xE2\x82\xAC \xF0\x9F\x98\x80\n", "utf-8",
          "h\xC3\xA9llo w\xC3\xB6rld \xE2\x82\xAC \xF0\x9F\x98\x80\n");
}

Test(text, utf8_bom_is_not_output)
{
    CHECK("\xEF\xBB\xBF" "abc \xC3\xA9", "utf-8", "abc \xC3\xA9");
}

Test(text, utf16le_with_bom)
{
    /* FF FE, "h", U+00E9, U+20AC, U+1F600 as D83D DE00, "\n" */
    CHECK("\xFF\xFEh\0\xE9\0\xAC\x20\x3D\xD8\x00\xDE\n\0", "utf-16le",
          "h\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n");
}

Test(text, utf16be_with_bom)
{
    CHECK("\xFE\xFF\0h\0\xE9\x20\xAC\xD8\x3D\xDE\x00\0\n", "utf-16be",
          "h\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n");
}

Test(text, bomless_utf16le_latin_text)
{
    /* "Hello, w\u00f6rld\r\nline two\r\n" */
    const uint16_t u[] = {'H', 'e', 'l', 'l', 'o', ',', ' ', 'w', 0xF6, 'r', 'l', 'd', '\r',
                          '\n', 'l', 'i', 'n', 'e', ' ', 't', 'w', 'o', '\r', '\n'};
    buf b = {0};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) buf_u16(&b, u[i], false);
    check(b.p, b.n, "utf-16le", "Hello, w\xC3\xB6rld\nline two\n");
    free(b.p);
}

Test(text, bomless_utf16le_cyrillic_is_not_taken_for_utf8)
{
    /* "Привет, мир! Это тест.\n": its UTF-16LE bytes (1F 04 40 04 ...) are all ASCII, so the
     * file is also well-formed UTF-8; the zero-byte test must win. */
    const uint16_t u[] = {0x041F, 0x0440, 0x0438, 0x0432, 0x0435, 0x0442, ',', ' ',
                          0x043C, 0x0438, 0x0440, '!', ' ', 0x042D, 0x0442, 0x043E,
                          ' ', 0x0442, 0x0435, 0x0441, 0x0442, '.', '\n'};
    buf b = {0};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) buf_u16(&b, u[i], false);
    check(b.p, b.n, "utf-16le",
          "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8\xD1\x80! "
          "\xD0\xAD\xD1\x82\xD0\xBE \xD1\x82\xD0\xB5\xD1\x81\xD1\x82.\n");
    free(b.p);
}

Test(text, bomless_utf16be_text)
{
    buf b = {0};
    const char *s = "plain ASCII in big-endian UTF-16\n";
    for (size_t i = 0; s[i]; i++) buf_u16(&b, (uint16_t)s[i], true);
    check(b.p, b.n, "utf-16be", s);
    free(b.p);
}

Test(text, windows_1252_maps_every_byte)
{
    /* 0x80 euro, 0x93/0x94 curly quotes, 0xE9 e-acute, 0x85 ellipsis, 0x9F Y-diaeresis */
    CHECK("\x80 5, \x93quoted\x94, caf\xE9\x85 \x9F", "windows-1252",
          "\xE2\x82\xAC 5, \xE2\x80\x9Cquoted\xE2\x80\x9D, caf\xC3\xA9\xE2\x80\xA6 \xC5\xB8");
}

Test(text, windows_1252_undefined_bytes_become_c1_controls)
{
    /* WHATWG: 0x81 0x8D 0x8F 0x90 0x9D decode to U+0081 ... (kept, like every C1 control) */
    CHECK("a\x81" "b\x8D" "c\x8F" "d\x90" "e\x9D" "f\xE9", "windows-1252",
          "a\xC2\x81" "b\xC2\x8D" "c\xC2\x8F" "d\xC2\x90" "e\xC2\x9D" "f\xC3\xA9");
}

Test(text, ascii_with_one_stray_byte_is_windows_1252)
{
    CHECK("caf\xE9 au lait", "windows-1252", "caf\xC3\xA9 au lait");
    /* a cp1252 word at the very end looks like a cut UTF-8 sequence: still windows-1252 */
    CHECK("un caf\xE9", "windows-1252", "un caf\xC3\xA9");
}

Test(text, mostly_utf8_with_one_stray_byte_stays_utf8)
{
    /* 200 well-formed two-byte sequences and one stray 0xFF: UTF-8, the byte -> U+FFFD */
    buf in = {0}, exp = {0};
    buf_rep(&in, "\xC3\xA9", 100);
    buf_byte(&in, 0xFF);
    buf_rep(&in, "\xC3\xA9", 100);
    buf_rep(&exp, "\xC3\xA9", 100);
    buf_str(&exp, "\xEF\xBF\xBD");
    buf_rep(&exp, "\xC3\xA9", 100);
    result r = run(in.p, in.n);
    expect_bytes(&r, exp.p, exp.n);
    cr_assert_str_eq(r.enc, "utf-8");
    cr_assert_eq(r.warnings, 1u);
    cr_assert_eq(r.warn_code, PITH_E_FORMAT);
    cr_assert_eq(r.warn_offset, 200u);
    result_free(&r);
    free(in.p);
    free(exp.p);
}

Test(text, too_many_stray_bytes_make_windows_1252)
{
    /* 99 well-formed sequences per stray byte is under the 100:1 rule */
    buf in = {0}, exp = {0};
    buf_rep(&in, "\xC3\xA9", 99);
    buf_str(&in, "\xE9x");
    buf_rep(&exp, "\xC3\x83\xC2\xA9", 99); /* C3 -> U+00C3, A9 -> U+00A9 */
    buf_str(&exp, "\xC3\xA9x");
    result r = run(in.p, in.n);
    expect_bytes(&r, exp.p, exp.n);
    cr_assert_str_eq(r.enc, "windows-1252");
    result_free(&r);
    free(in.p);
    free(exp.p);
}

Test(text, utf8_cut_at_the_end_gets_one_replacement)
{
    /* a cut sequence at the end is a truncation, not an encoding error: however few the
     * well-formed multibyte sequences before it, the file stays UTF-8 */
    CHECK("\xC3\xA9\xE2\x82\xAC \xE2\x82", "utf-8", "\xC3\xA9\xE2\x82\xAC \xEF\xBF\xBD");
    CHECK("x\xC3\xA9 \xF0\x9F\x98", "utf-8", "x\xC3\xA9 \xEF\xBF\xBD");
}

Test(text, utf8_bom_makes_ill_formed_bytes_replacements)
{
    /* The BOM is authoritative: C0 (never valid) and a lone continuation byte -> U+FFFD */
    CHECK("\xEF\xBB\xBF" "a\xC0" "b\x80" "c", "utf-8", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
}

Test(text, empty_input)
{
    result r = run("", 0);
    expect_text(&r, "");
    cr_assert_str_eq(r.enc, "utf-8");
    cr_assert_eq(r.chunks, 0u);
    result_free(&r);
    r = run(NULL, 0);
    expect_text(&r, "");
    result_free(&r);
}

Test(text, encoding_metadata_is_known_right_after_open)
{
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc = NULL;
    cr_assert_eq(pith_open_with(ctx, &pith_handler_text, PITH_FMT_TEXT, "\xFE\xFF\0a", 4, NULL,
                                &doc),
                 PITH_OK);
    cr_assert_eq(pith_doc_meta_count(doc), 1u);
    pith_str k, v;
    cr_assert_eq(pith_doc_meta(doc, 0, &k, &v), PITH_OK);
    cr_assert(k.n == 8 && memcmp(k.p, "encoding", 8) == 0);
    cr_assert(v.n == 8 && memcmp(v.p, "utf-16be", 8) == 0);
    cr_assert_eq(pith_doc_units(doc), 1u);
    pith_close(doc);
    pith_ctx_destroy(ctx);
}

Test(text, txt_hint_reaches_the_text_handler)
{
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_options o = pith_options_default();
    o.hint = "x.txt";
    o.hint_len = 5;
    pith_doc *doc = NULL;
    cr_assert_eq(pith_open(ctx, "caf\xE9\r\n", 6, &o, &doc), PITH_OK);
    cr_assert_eq(pith_doc_format(doc), PITH_FMT_TEXT);
    pith_chunk c;
    cr_assert_eq(pith_next(doc, &c), PITH_OK);
    cr_assert(c.len == 6 && memcmp(c.data, "caf\xC3\xA9\n", 6) == 0);
    pith_close(doc);
    pith_ctx_destroy(ctx);
}

/* MARK: - Normalization */

Test(text, crlf_and_lone_cr_become_lf)
{
    CHECK("a\r\nb\rc\n\r\nd\r", "utf-8", "a\nb\nc\n\nd\n");
    CHECK("\r\r\n\n", "utf-8", "\n\n\n");
}

Test(text, dropped_characters_do_not_split_crlf)
{
    CHECK("a\r\0\nb", "utf-8", "a\nb");
}

Test(text, c0_controls_are_dropped_tab_kept_vt_ff_end_lines)
{
    CHECK("a\0b\x01" "c\x1B" "d\x1F" "e\x7F" "f\tg\x0Bh\x0Ci", "utf-8",
          "abcdef\tg\nh\ni");
    /* C1 controls are kept: U+0080, NEL U+0085, U+009F; U+00A0 of course */
    CHECK("\xC3\xA9\xC2\x80\xC2\x85\xC2\x9F\xC2\xA0", "utf-8",
          "\xC3\xA9\xC2\x80\xC2\x85\xC2\x9F\xC2\xA0");
}

Test(text, unpaired_surrogates_become_replacement_characters)
{
    /* LE: lone high D800 before 'a', lone low DC00, then a high surrogate ending the file */
    CHECK("\xFF\xFE\x00\xD8" "a\0" "\x00\xDC" "b\0" "\x3D\xD8", "utf-16le",
          "\xEF\xBF\xBD" "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    /* two high surrogates, then a low one: the second pairs */
    CHECK("\xFE\xFF\xD8\x3D\xD8\x3D\xDE\x00", "utf-16be", "\xEF\xBF\xBD\xF0\x9F\x98\x80");
}

/* MARK: - Paragraph mode */

Test(text, paragraphs_split_on_blank_lines_with_breaks_between_lines)
{
    check_events("First line\nsecond line\n\nSecond paragraph\n",
                 "<p>First line<br>second line</p><p>Second paragraph</p>");
}

Test(text, whitespace_only_lines_separate_paragraphs)
{
    check_events("\n\n  \t\none\r\n \t \r\ntwo\r\n\r\n\r\n", "<p>one</p><p>two</p>");
}

Test(text, paragraph_lines_lose_leading_and_trailing_blanks)
{
    check_events("   indented  \t\n\tnext   line \n", "<p>indented<br>next   line</p>");
    /* dropped controls do not count as text: a line of NULs is blank */
    check_events_n("a\n\0\0\nb", 6, "<p>a</p><p>b</p>");
}

Test(text, paragraph_mode_decodes_like_text_mode)
{
    check_events("\xEF\xBB\xBF\xC3\xA9t\xC3\xA9\r\r\xE2\x82\xAC", "<p>\xC3\xA9t\xC3\xA9</p><p>\xE2\x82\xAC</p>");
}

Test(text, markdown_output_of_two_paragraphs)
{
    pith_options o = pith_options_default();
    o.output = PITH_OUT_MARKDOWN;
    const char *in = "Hello world\r\n\r\nSecond paragraph\r\n";
    result r = run_opts(in, strlen(in), o);
    expect_text(&r, "Hello world\n\nSecond paragraph\n");
    result_free(&r);
}

/* MARK: - Corpus */

/* $PITH_CORPUS (meson test sets it), else ../shared/corpus from the source root (the
 * working directory), else the same found from this file's path (running from a build dir). */
static const char *corpus_dir(void)
{
    static char from_file[1024];
    const char *d = getenv("PITH_CORPUS");
    if (d && *d) return d;
    FILE *f = fopen("../shared/corpus/txt/kreuzberg__german_text.txt", "rb");
    if (f) {
        fclose(f);
        return "../shared/corpus";
    }
    const char *slash = strrchr(__FILE__, '/');
    int n = slash ? (int)(slash - __FILE__) : 0;
    snprintf(from_file, sizeof from_file, "%.*s%s../../../shared/corpus", n, __FILE__,
             slash ? "/" : "");
    return from_file;
}

static bool read_file(const char *name, buf *b)
{
    char path[1024];
    int k = snprintf(path, sizeof path, "%s/txt/%s", corpus_dir(), name);
    if (k < 0 || (size_t)k >= sizeof path) return false;
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char tmp[65536];
    size_t n;
    buf_put(b, "", 0);
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_put(b, tmp, n);
    fclose(f);
    return true;
}

static bool contains(const buf *b, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= b->n; i++)
        if (memcmp(b->p + i, needle, n) == 0) return true;
    return false;
}

typedef struct corpus_case {
    const char *file;
    const char *enc;    /* expected "encoding" metadata */
    size_t exact;       /* 0: no exact comparison; else 1 + the BOM's length: the output must
                           be the file after its BOM */
    const char *phrase; /* a phrase read off the file, NULL for none */
} corpus_case;

Test(text, corpus_files)
{
    /* Checked by hand with iconv and Python: the UTF-8 files hold no control characters but
     * LF and no CR, so their text output is the file itself (BOM dropped). */
    static const corpus_case cases[] = {
        {"chardet__utf-8-bom_ude_4.txt", "utf-8", 4, NULL},
        {"kreuzberg__book_war_and_peace_1p.txt", "utf-8", 1,
         "\"Well, Prince, so Genoa and Lucca are now just family estates of the\nBuonapartes."},
        {"kreuzberg__german_text.txt", "utf-8", 1,
         "Dies ist ein deutscher Text f\xC3\xBCr Tests der Spracherkennung."},
        {"kreuzberg__norwich_city.txt", "utf-8", 1, "Iwan Roberts\nRoberts celebrating"},
        {"pypdf__pypdf_crazyones_expected.txt", "utf-8", 1,
         "Heres to the crazy ones. The mis\xEF\xAC\x81ts. The rebels."},
        {"tika__testTXT_win-1252.txt", "windows-1252", 0,
         "These smart quotes are the trigger for CharsetRecog_sbcs to think this is a "
         "\xE2\x80\x9Cwindows\xE2\x80\x9D encoding"},
        {"chardet__utf-16le_bom.txt", "utf-16le", 0,
         "00:00:06,500 --> 00:00:09,000\nAbout 2 months ago I found myself on\n"
         "the comment section of YouTube\n\n2\n"},
        /* Not detected yet (the legacy decoding issue adds them): they come out as
         * windows-1252 mojibake, so only their ASCII survives. */
        {"chardet__shift_jis_ude_1.txt", "windows-1252", 0,
         "\nThe Project Gutenberg Etext of Rashomon by AKUTAGAWA Ryunosuke\n\n\n\n\n\n"
         "Copyright laws are changing all over the world"},
        {"tika__english.cp500.txt", "windows-1252", 0, NULL},
        {"tika__russian.cp866.txt", "windows-1252", 0, NULL},
    };
    buf probe = {0};
    if (!read_file(cases[0].file, &probe)) {
        free(probe.p);
        cr_skip("corpus not found at %s (set PITH_CORPUS)", corpus_dir());
    }
    free(probe.p);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf in = {0};
        cr_assert(read_file(cases[i].file, &in), "missing %s", cases[i].file);
        result r = run(in.p, in.n);
        cr_assert_eq(r.open_st, PITH_OK, "%s", cases[i].file);
        cr_assert_eq(r.next_st, PITH_OK, "%s", cases[i].file);
        cr_assert(r.text.n > 0, "%s: empty output", cases[i].file);
        cr_assert_str_eq(r.enc, cases[i].enc, "%s", cases[i].file);
        if (cases[i].exact) {
            size_t bom = cases[i].exact - 1;
            expect_bytes(&r, in.p + bom, in.n - bom);
        }
        if (cases[i].phrase)
            cr_assert(contains(&r.text, cases[i].phrase), "%s: phrase not found",
                      cases[i].file);
        result_free(&r);
        free(in.p);
    }
}

Test(text, corpus_utf16_matches_an_independent_decode)
{
    buf in = {0};
    if (!read_file("chardet__utf-16le_bom.txt", &in)) {
        free(in.p);
        cr_skip("corpus not found at %s (set PITH_CORPUS)", corpus_dir());
    }
    /* Every code unit of this subtitle file is ASCII (checked here), so its text is the low
     * bytes after the BOM. */
    buf exp = {0};
    buf_put(&exp, "", 0);
    cr_assert(in.n % 2 == 0 && (uint8_t)in.p[0] == 0xFF && (uint8_t)in.p[1] == 0xFE);
    for (size_t i = 2; i < in.n; i += 2) {
        cr_assert(in.p[i + 1] == 0 && (uint8_t)in.p[i] < 0x80 && in.p[i] != '\r');
        buf_byte(&exp, (uint8_t)in.p[i]);
    }
    result r = run(in.p, in.n);
    expect_bytes(&r, exp.p, exp.n);
    result_free(&r);
    free(in.p);
    free(exp.p);
}

/* MARK: - Hostile */

typedef struct bad_seq {
    const char *bytes;
    const char *repl; /* the U+FFFDs it becomes: one per maximal subpart */
} bad_seq;

static const bad_seq bad_seqs[] = {
    {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                      /* overlong '/' */
    {"\xE0\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},      /* overlong, 3 bytes */
    {"\xF0\x80\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},      /* U+D800 */
    {"\xED\xBF\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},      /* U+DFFF */
    {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* U+110000 */
    {"\xF8\x88\x80\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"\xFF", "\xEF\xBF\xBD"},
    {"\x80", "\xEF\xBF\xBD"},                                      /* lone continuation */
    {"\xE2\x82", "\xEF\xBF\xBD"},                                  /* cut, then more text */
    {"\xF0\x9F\x98", "\xEF\xBF\xBD"},
};

Test(text_hostile, invalid_utf8_at_every_position)
{
    /* 500 two-byte characters keep the file UTF-8 (100:1), whatever one bad sequence is
     * inserted before character p. */
    const size_t chars = 500;
    for (size_t k = 0; k < sizeof bad_seqs / sizeof bad_seqs[0]; k++) {
        for (size_t p = 0; p <= chars; p += (p < 8 || p > chars - 8) ? 1 : 37) {
            buf in = {0}, exp = {0};
            buf_rep(&in, "\xC3\xA9", p);
            buf_rep(&exp, "\xC3\xA9", p);
            buf_str(&in, bad_seqs[k].bytes);
            buf_str(&exp, bad_seqs[k].repl);
            buf_rep(&in, "\xC3\xA9", chars - p);
            buf_rep(&exp, "\xC3\xA9", chars - p);
            result r = run(in.p, in.n);
            expect_bytes(&r, exp.p, exp.n);
            cr_assert_str_eq(r.enc, "utf-8", "sequence %zu at %zu", k, p);
            result_free(&r);
            free(in.p);
            free(exp.p);
        }
    }
}

Test(text_hostile, invalid_utf8_in_ascii_makes_windows_1252)
{
    CHECK("abc\xE2\x82", "windows-1252", "abc\xC3\xA2\xE2\x80\x9A"); /* a-circumflex, 0x82 */
    CHECK("\xC0\xAF", "windows-1252", "\xC3\x80\xC2\xAF");
    CHECK("\xED\xA0\x80x", "windows-1252", "\xC3\xAD\xC2\xA0\xE2\x82\xAC" "x");
}

Test(text_hostile, truncated_sequences_at_the_end)
{
    static const char *cuts[] = {"\xC3", "\xE2", "\xE2\x82", "\xF0", "\xF0\x9F", "\xF0\x9F\x98"};
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
        buf in = {0}, exp = {0};
        buf_rep(&in, "\xC3\xA9", 5);
        buf_rep(&exp, "\xC3\xA9", 5);
        buf_str(&in, cuts[k]);
        buf_str(&exp, "\xEF\xBF\xBD");
        result r = run(in.p, in.n);
        expect_bytes(&r, exp.p, exp.n);
        cr_assert_str_eq(r.enc, "utf-8");
        result_free(&r);
        free(in.p);
        free(exp.p);
    }
}

/* Run `in` with a special sequence placed so that it straddles the first step boundary at
 * every offset of a window around it (covers a BOM of 0, 2 or 3 bytes too). */
static void sweep_boundary(const char *bom, size_t bom_len, const char *exp_bom, bool utf16,
                           const char *pad, const char *seq, size_t seq_len, const char *exp_seq)
{
    for (size_t k = STEP - 12; k <= STEP + 4; k += utf16 ? 2 : 1) {
        buf in = {0}, exp = {0};
        buf_put(&in, bom, bom_len);
        buf_str(&exp, exp_bom);
        size_t n = utf16 ? k / 2 : k;
        for (size_t i = 0; i < n; i++) {
            if (utf16) buf_put(&in, pad, 2);
            else buf_str(&in, pad);
            buf_str(&exp, utf16 ? "a" : pad);
        }
        buf_put(&in, seq, seq_len);
        buf_str(&exp, exp_seq);
        if (utf16) buf_put(&in, pad[0] ? "z\0" : "\0z", 2); /* same byte order as pad */
        else buf_str(&in, "z");
        buf_str(&exp, "z");
        result r = run(in.p, in.n);
        expect_bytes(&r, exp.p, exp.n);
        result_free(&r);
        free(in.p);
        free(exp.p);
    }
}

Test(text_hostile, step_boundary_inside_a_multibyte_sequence)
{
    sweep_boundary("", 0, "", false, "a", "\xF0\x9F\x98\x80\xE2\x82\xAC", 7,
                   "\xF0\x9F\x98\x80\xE2\x82\xAC");
    sweep_boundary("\xEF\xBB\xBF", 3, "", false, "a", "\xE2\x82\xAC\xC3\xA9", 5,
                   "\xE2\x82\xAC\xC3\xA9");
}

Test(text_hostile, step_boundary_inside_crlf)
{
    sweep_boundary("", 0, "", false, "a", "\r\n\r", 3, "\n\n");
    sweep_boundary("\xFF\xFE", 2, "", true, "a\0", "\r\0\n\0", 4, "\n");
    /* windows-1252 (the leading E9, e-acute, makes it so) */
    sweep_boundary("\xE9", 1, "\xC3\xA9", false, "a", "\r\n", 2, "\n");
}

Test(text_hostile, step_boundary_inside_a_surrogate_pair)
{
    sweep_boundary("\xFF\xFE", 2, "", true, "a\0", "\x3D\xD8\x00\xDE", 4,
                   "\xF0\x9F\x98\x80");
    sweep_boundary("\xFE\xFF", 2, "", true, "\0a", "\xD8\x3D\xDE\x00", 4,
                   "\xF0\x9F\x98\x80");
}

Test(text_hostile, step_boundary_inside_an_ill_formed_sequence)
{
    /* UTF-8 with a BOM, so the repairing decoder runs; the cut sequence is completed by the
     * next step, the ill-formed one still gives one U+FFFD per maximal subpart */
    sweep_boundary("\xEF\xBB\xBF", 3, "", false, "a", "\xF0\x9F\x98\x80\xE2\x82" "b", 7,
                   "\xF0\x9F\x98\x80\xEF\xBF\xBD" "b");
}

Test(text_hostile, utf16_with_an_odd_byte_count)
{
    result r = run("\xFF\xFE" "a\0b", 5);
    expect_text(&r, "a\xEF\xBF\xBD");
    cr_assert_str_eq(r.enc, "utf-16le");
    cr_assert_eq(r.warnings, 1u);
    cr_assert_eq(r.warn_code, PITH_E_TRUNCATED);
    cr_assert_eq(r.warn_offset, 4u);
    result_free(&r);
    /* without a BOM: 4 zero odd bytes in 4 units */
    CHECK("a\0b\0c\0d\0e", "utf-16le", "abcd\xEF\xBF\xBD");
}

Test(text_hostile, nul_padding_and_c_string_terminators_are_not_utf16)
{
    CHECK("abc\0\0\0\0\0", "utf-8", "abc");
    CHECK("hello\0", "utf-8", "hello");
    CHECK("\0\0\0\0\0\0\0\0\0\0x", "utf-8", "x");
}

Test(text_hostile, long_whitespace_runs_in_paragraph_mode)
{
    /* up to 64 trailing blanks are dropped, a longer run is kept whole (bounded state) */
    buf in = {0}, exp = {0};
    buf_str(&in, "a");
    buf_rep(&in, " ", 64);
    buf_str(&in, "\nb");
    buf_rep(&in, " ", 100);
    buf_str(&in, "\nc");
    buf_rep(&in, "\t", 200);
    buf_str(&in, "d");
    buf_str(&exp, "<p>a<br>b");
    buf_rep(&exp, " ", 100);
    buf_str(&exp, "<br>c");
    buf_rep(&exp, "\t", 200);
    buf_str(&exp, "d</p>");
    buf ev = events(in.p, in.n);
    cr_assert_str_eq(ev.p, exp.p);
    free(ev.p);
    free(in.p);
    free(exp.p);
}

Test(text_hostile, a_million_lines_in_paragraph_mode)
{
    buf in = {0};
    buf_rep(&in, "x\n", 1000000);
    pith_options o = pith_options_default();
    o.output = PITH_OUT_MARKDOWN;
    result r = run_opts(in.p, in.n, o);
    cr_assert_eq(r.next_st, PITH_OK);
    cr_assert(r.text.n >= 2000000);
    cr_assert(r.stats.memory_high < 4u << 20, "memory_high %llu",
              (unsigned long long)r.stats.memory_high);
    result_free(&r);
    free(in.p);
}

Test(text_hostile, hundred_mb_of_nuls)
{
    size_t n = (size_t)100 << 20;
    char *in = calloc(n, 1);
    cr_assert(in != NULL);
    result r = run(in, n);
    expect_text(&r, "");
    cr_assert_str_eq(r.enc, "utf-8");
    cr_assert(r.stats.memory_high < 4u << 20, "memory_high %llu",
              (unsigned long long)r.stats.memory_high);
    cr_log_info("100 MB of NULs: memory_high %llu bytes",
                (unsigned long long)r.stats.memory_high);
    result_free(&r);
    free(in);
}

Test(text_hostile, ten_mb_in_4096_byte_chunks)
{
    /* "Grüße, 世界 — 😀 ok\r\n": 1- to 4-byte characters and a CRLF, repeated to 10 MB */
    const char *pat = "Gr\xC3\xBC\xC3\x9F" "e, \xE4\xB8\x96\xE7\x95\x8C \xE2\x80\x94 "
                      "\xF0\x9F\x98\x80 ok\r\n";
    const char *exp_pat = "Gr\xC3\xBC\xC3\x9F" "e, \xE4\xB8\x96\xE7\x95\x8C \xE2\x80\x94 "
                          "\xF0\x9F\x98\x80 ok\n";
    size_t reps = ((size_t)10 << 20) / strlen(pat);
    buf in = {0}, exp = {0};
    buf_rep(&in, pat, reps);
    buf_rep(&exp, exp_pat, reps);
    pith_options o = pith_options_default();
    o.chunk_size = 4096;
    result r = run_opts(in.p, in.n, o);
    expect_bytes(&r, exp.p, exp.n);
    cr_assert(r.chunks_ok, "a chunk was over 4096 bytes or started inside a code point");
    cr_assert(r.chunks >= exp.n / 4096);
    cr_assert(r.stats.memory_high < 4u << 20, "memory_high %llu",
              (unsigned long long)r.stats.memory_high);
    cr_log_info("10 MB in 4 KiB chunks: %zu chunks, memory_high %llu bytes", r.chunks,
                (unsigned long long)r.stats.memory_high);
    result_free(&r);
    free(in.p);
    free(exp.p);
}

Test(text_hostile, work_limit_stops_a_large_file)
{
    buf in = {0};
    buf_rep(&in, "abcdefgh", 4096);
    pith_options o = pith_options_default();
    o.limits.max_work = 1000;
    result r = run_opts(in.p, in.n, o);
    cr_assert_eq(r.open_st, PITH_E_LIMIT);
    result_free(&r);
    free(in.p);
}

Test(text_hostile, memory_limit_gives_limit_not_a_crash)
{
    /* windows-1252 needs 3 bytes of scratch per input byte: 64 KiB steps do not fit 128 KiB */
    buf in = {0};
    buf_rep(&in, "\xE9\x80", 200000);
    pith_options o = pith_options_default();
    o.limits.max_memory_bytes = 128 * 1024;
    result r = run_opts(in.p, in.n, o);
    cr_assert(r.open_st == PITH_E_LIMIT || r.next_st == PITH_E_LIMIT, "open %s, next %s",
              pith_status_name(r.open_st), pith_status_name(r.next_st));
    result_free(&r);
    free(in.p);
}
