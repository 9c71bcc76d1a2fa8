/* test_pdf_filters.c: PDF stream filters, predictors, LZW (issue 5).
 *
 * Suite `pdf_filters`: names, ASCIIHex/ASCII85 (expected values from Python's
 * base64.a85encode), RunLength, LZW (the ISO 32000-1 §7.4.4.2 example, and an encoder written
 * here from the spec for EarlyChange 0 and 1), PNG predictors 10-15 and TIFF predictor 2
 * (rows filtered here by an encoder written from RFC 2083 §6 and TIFF 6.0 §14), chains, image
 * filters skipped, the document wrapper, and the LZW streams of the corpus. Suite
 * `pdf_filters_hostile`: run-length and LZW bombs, every truncation and bit flips of each
 * filter's input, absurd /DecodeParms.
 */
#include "decoders_util.h"

#include <criterion/criterion.h>

#include "core.h"
#include "lzw.h"
#include "pdf_filters.h"

static pith_budget budget;
static pith_arena arena;
static void setup(void)
{
    pith_budget_init(&budget, NULL, (uint64_t)256 << 20);
    pith_arena_init(&arena, &budget, 0);
}
static void teardown(void) { pith_arena_finish(&arena); }
TestSuite(pdf_filters, .init = setup, .fini = teardown);
TestSuite(pdf_filters_hostile, .init = setup, .fini = teardown);

static pith_pdf_filter_step step(pith_pdf_filter f)
{
    pith_pdf_filter_step s;
    s.filter = f;
    s.parms = pith_pdf_filter_parms_default();
    return s;
}

static pith_status run(const pith_pdf_filter_step *steps, size_t n, const void *in, size_t len, const uint8_t **out,
                       size_t *out_len)
{
    pith_decode_error e;
    pith_status st = pith_pdf_filter_decode(&arena, steps, n, in, len, 0, (size_t)64 << 20, out, out_len, NULL, &e);
    cr_assert_eq(e.code, st);
    return st;
}

static void expect1(pith_pdf_filter f, const char *in, const void *want, size_t want_len)
{
    pith_pdf_filter_step s = step(f);
    const uint8_t *out;
    size_t n;
    pith_status st = run(&s, 1, in, strlen(in), &out, &n);
    cr_assert_eq(st, PITH_OK, "%s: %s", in, pith_status_name(st));
    cr_assert_eq(n, want_len, "%s: %zu bytes", in, n);
    cr_assert_arr_eq(out, want, n);
}

/* MARK: - Names */

Test(pdf_filters, names_and_abbreviations)
{
    struct {
        const char *name;
        pith_pdf_filter f;
    } names[] = {
        {"FlateDecode", PITH_PDF_FILTER_FLATE}, {"Fl", PITH_PDF_FILTER_FLATE}, {"/FlateDecode", PITH_PDF_FILTER_FLATE},
        {"LZWDecode", PITH_PDF_FILTER_LZW},     {"LZW", PITH_PDF_FILTER_LZW},   {"ASCII85Decode", PITH_PDF_FILTER_ASCII85},
        {"A85", PITH_PDF_FILTER_ASCII85},       {"ASCIIHexDecode", PITH_PDF_FILTER_ASCIIHEX}, {"AHx", PITH_PDF_FILTER_ASCIIHEX},
        {"RunLengthDecode", PITH_PDF_FILTER_RUNLENGTH}, {"RL", PITH_PDF_FILTER_RUNLENGTH}, {"DCTDecode", PITH_PDF_FILTER_DCT},
        {"DCT", PITH_PDF_FILTER_DCT},           {"JPXDecode", PITH_PDF_FILTER_JPX}, {"JBIG2Decode", PITH_PDF_FILTER_JBIG2},
        {"CCITTFaxDecode", PITH_PDF_FILTER_CCITTFAX}, {"CCF", PITH_PDF_FILTER_CCITTFAX}, {"Crypt", PITH_PDF_FILTER_CRYPT},
        {"flatedecode", PITH_PDF_FILTER_UNKNOWN}, {"", PITH_PDF_FILTER_UNKNOWN}, {"Flate", PITH_PDF_FILTER_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        cr_assert_eq(pith_pdf_filter_from_name(names[i].name, strlen(names[i].name)), names[i].f, "%s", names[i].name);
    cr_assert_eq(pith_pdf_filter_from_name(NULL, 0), PITH_PDF_FILTER_UNKNOWN);
    cr_assert(pith_pdf_filter_is_image(PITH_PDF_FILTER_JBIG2));
    cr_assert_not(pith_pdf_filter_is_image(PITH_PDF_FILTER_LZW));
    cr_assert_str_eq(pith_pdf_filter_name(PITH_PDF_FILTER_CCITTFAX), "CCITTFaxDecode");
    cr_assert_str_eq(pith_pdf_filter_name(PITH_PDF_FILTER_UNKNOWN), "unknown");
    pith_pdf_filter_parms p = pith_pdf_filter_parms_default();
    cr_assert(p.predictor == 1 && p.colors == 1 && p.bpc == 8 && p.columns == 1 && p.early_change == 1);
}

/* MARK: - Simple filters */

Test(pdf_filters, ascii_hex)
{
    expect1(PITH_PDF_FILTER_ASCIIHEX, "48656c6C6f>", "Hello", 5);
    expect1(PITH_PDF_FILTER_ASCIIHEX, " 48 65\n6c\t6c 6f", "Hello", 5);
    expect1(PITH_PDF_FILTER_ASCIIHEX, "414>ignored", "A@", 2);
    expect1(PITH_PDF_FILTER_ASCIIHEX, ">", "", 0);
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_ASCIIHEX);
    const uint8_t *out;
    size_t n;
    cr_assert_eq(run(&s, 1, "41 4G", 5, &out, &n), PITH_E_FORMAT);
    cr_assert_eq(n, 1, "the byte before the bad digit is kept");
}

Test(pdf_filters, ascii85)
{
    expect1(PITH_PDF_FILTER_ASCII85, "<~9jqo^BlbD-BleB1DJ+*+F(f,q~>", "Man is distinguished", 20);
    expect1(PITH_PDF_FILTER_ASCII85, "F*2M7/c~>", "sure.", 5);
    expect1(PITH_PDF_FILTER_ASCII85, "z@:E^~>", "\0\0\0\0abc", 7);
    expect1(PITH_PDF_FILTER_ASCII85, "s8W-!~>", "\xff\xff\xff\xff", 4);
    expect1(PITH_PDF_FILTER_ASCII85, "G Q\n~>", "x", 1);
    expect1(PITH_PDF_FILTER_ASCII85, "F*2M7/c", "sure.", 5);
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_ASCII85);
    const uint8_t *out;
    size_t n;
    cr_assert_eq(run(&s, 1, "s8W-\"~>", 7, &out, &n), PITH_E_FORMAT, "group above 2^32-1");
    cr_assert_eq(run(&s, 1, "9jzqo~>", 7, &out, &n), PITH_E_FORMAT, "z inside a group");
    cr_assert_eq(run(&s, 1, "9jqo^G~>", 8, &out, &n), PITH_E_FORMAT, "a single digit at the end");
    cr_assert_eq(n, 4);
    cr_assert_eq(run(&s, 1, "9jqo^v", 6, &out, &n), PITH_E_FORMAT, "v is not a digit");
}

Test(pdf_filters, run_length)
{
    const uint8_t in[] = {2, 'a', 'b', 'c', 254, 'x', 0, 'y', 128, 'z'};
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_RUNLENGTH);
    const uint8_t *out;
    size_t n;
    cr_assert_eq(run(&s, 1, in, sizeof in, &out, &n), PITH_OK);
    cr_assert_eq(n, 7);
    cr_assert_arr_eq(out, "abcxxxy", 7);
    cr_assert_eq(run(&s, 1, in, 3, &out, &n), PITH_E_TRUNCATED);
    cr_assert_eq(n, 2);
    cr_assert_eq(run(&s, 1, in, 5, &out, &n), PITH_E_TRUNCATED);
    cr_assert_eq(run(&s, 1, in, 4, &out, &n), PITH_OK, "no EOD: the data just ends");
}

/* MARK: - LZW */

Test(pdf_filters, lzw_spec_example)
{
    /* ISO 32000-1 §7.4.4.2: "-----A---B" is the codes 256 45 258 258 65 259 66 257. */
    const uint8_t in[] = {0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01};
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_LZW);
    const uint8_t *out;
    size_t n;
    cr_assert_eq(run(&s, 1, in, sizeof in, &out, &n), PITH_OK);
    cr_assert_eq(n, 10);
    cr_assert_arr_eq(out, "-----A---B", 10);
}

/* An LZW encoder written from the spec's description: codes after a clear are 9 bits until
 * the table (as the decoder holds it) reaches 2^9 - early entries, then 10, 11, 12. The
 * decoder's table lags the encoder's by one: code j after a clear (the clear being j = 0) is
 * read when the decoder has added j - 2 entries. */
typedef struct lzw_writer {
    uint8_t *buf;
    size_t len;
    uint32_t acc;
    unsigned n;
} lzw_writer;

static void lzw_put(lzw_writer *w, unsigned code, unsigned width)
{
    w->acc = w->acc << width | code;
    w->n += width;
    while (w->n >= 8) {
        w->buf[w->len++] = (uint8_t)(w->acc >> (w->n - 8));
        w->n -= 8;
    }
}

static unsigned lzw_width(unsigned j, int early)
{
    unsigned size = 258 + (j >= 2 ? j - 2 : 0), w = 9;
    while (w < 12 && size + (unsigned)early >= (1u << w)) w++;
    return w;
}

static size_t lzw_encode(const uint8_t *src, size_t n, int early, int clear_when_full, uint8_t *out)
{
    static uint16_t dict[4096][256];
    lzw_writer w = {out, 0, 0, 0};
    unsigned j = 0, next = 258;
    memset(dict, 0, sizeof dict);
    lzw_put(&w, 256, lzw_width(j++, early));
    int prefix = -1;
    for (size_t i = 0; i < n; i++) {
        unsigned c = src[i];
        if (prefix < 0) {
            prefix = (int)c;
            continue;
        }
        if (dict[prefix][c]) {
            prefix = dict[prefix][c];
            continue;
        }
        lzw_put(&w, (unsigned)prefix, lzw_width(j++, early));
        if (next < 4096) {
            dict[prefix][c] = (uint16_t)next++;
        } else if (clear_when_full) {
            lzw_put(&w, 256, lzw_width(j, early));
            j = 1;
            next = 258;
            memset(dict, 0, sizeof dict);
        }
        prefix = (int)c;
    }
    if (prefix >= 0) lzw_put(&w, (unsigned)prefix, lzw_width(j++, early));
    lzw_put(&w, 257, lzw_width(j, early));
    if (w.n) lzw_put(&w, 0, 8 - w.n);
    return w.len;
}

Test(pdf_filters, lzw_round_trips_with_both_early_change_values)
{
    size_t n = 200000;
    uint8_t *src = malloc(n), *enc = malloc(n * 2);
    uint64_t seed = 5;
    for (size_t i = 0; i < n; i++)
        src[i] = (uint8_t)(i > 100 && du_below(&seed, 3) ? src[i - 1 - du_below(&seed, 90)] : 'a' + du_below(&seed, 20));
    memset(src + 5000, 'z', 3000); /* KwKwK codes */
    for (int early = 0; early < 2; early++)
        for (int clear = 0; clear < 2; clear++) {
            size_t en = lzw_encode(src, n, early, clear, enc);
            uint8_t *out = malloc(n);
            size_t on;
            pith_decode_error e;
            pith_status st = pith_lzw_decode(enc, en, early, out, n, &on, &e);
            cr_assert_eq(st, PITH_OK, "early %d clear %d: %s", early, clear, e.message);
            cr_assert_eq(on, n);
            cr_assert_arr_eq(out, src, n);
            /* the filter step reads EarlyChange from its parms */
            pith_pdf_filter_step s = step(PITH_PDF_FILTER_LZW);
            s.parms.early_change = early;
            const uint8_t *o2;
            size_t n2;
            cr_assert_eq(run(&s, 1, enc, en, &o2, &n2), PITH_OK);
            cr_assert_eq(n2, n);
            free(out);
        }
    free(src);
    free(enc);
}

Test(pdf_filters, lzw_rejects_codes_not_in_the_table)
{
    /* clear, 'A', then code 300 (the table ends at 258) */
    uint8_t buf[16];
    lzw_writer w = {buf, 0, 0, 0};
    lzw_put(&w, 256, 9);
    lzw_put(&w, 'A', 9);
    lzw_put(&w, 300, 9);
    lzw_put(&w, 0, 8 - w.n);
    uint8_t out[16];
    size_t n;
    cr_assert_eq(pith_lzw_decode(buf, w.len, 1, out, sizeof out, &n, NULL), PITH_E_FORMAT);
    cr_assert_eq(n, 1);
    cr_assert_eq(pith_lzw_decode(buf, w.len, 1, out, 0, &n, NULL), PITH_E_LIMIT);
}

/* MARK: - Predictors */

static uint8_t paeth_ref(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (uint8_t)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* PNG-filter rows of `rowlen` bytes (bpp bytes per pixel), row r with type types[r % ntypes]. */
static size_t png_encode(const uint8_t *raw, size_t rows, size_t rowlen, size_t bpp, const int *types, size_t ntypes,
                         uint8_t *out)
{
    size_t o = 0;
    for (size_t r = 0; r < rows; r++) {
        const uint8_t *cur = raw + r * rowlen, *up = r ? cur - rowlen : NULL;
        int t = types[r % ntypes];
        out[o++] = (uint8_t)t;
        for (size_t j = 0; j < rowlen; j++) {
            int a = j >= bpp ? cur[j - bpp] : 0, b = up ? up[j] : 0, c = (up && j >= bpp) ? up[j - bpp] : 0;
            int pred = t == 1 ? a : t == 2 ? b : t == 3 ? (a + b) / 2 : t == 4 ? paeth_ref(a, b, c) : 0;
            out[o++] = (uint8_t)(cur[j] - pred);
        }
    }
    return o;
}

static void check_png(int colors, int bpc, int columns, int predictor)
{
    size_t rowlen = ((size_t)colors * (size_t)bpc * (size_t)columns + 7) / 8;
    size_t bpp = ((size_t)colors * (size_t)bpc + 7) / 8;
    if (bpp == 0) bpp = 1;
    size_t rows = 23;
    uint8_t *raw = malloc(rows * rowlen), *filt = malloc(rows * (rowlen + 1)), *z = malloc(rows * (rowlen + 1) * 2 + 64);
    uint64_t seed = (uint64_t)(colors * 1000 + bpc * 100 + columns + predictor);
    for (size_t i = 0; i < rows * rowlen; i++) raw[i] = (uint8_t)(i % 7 == 0 ? du_rand(&seed) : i * 3);
    /* /Predictor 10-14 name one filter for all rows in theory; writers mix them, and 15
     * (optimum) says so. Every row type is exercised whatever the number. */
    int all[] = {0, 1, 2, 3, 4};
    size_t fn = png_encode(raw, rows, rowlen, bpp, all, 5, filt);
    size_t zn = du_deflate_fixed(filt, fn, z, rows * (rowlen + 1) * 2 + 64, 32);
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_FLATE);
    s.parms.predictor = predictor;
    s.parms.colors = colors;
    s.parms.bpc = bpc;
    s.parms.columns = columns;
    const uint8_t *out;
    size_t n;
    pith_status st = run(&s, 1, z, zn, &out, &n);
    cr_assert_eq(st, PITH_OK, "colors %d bpc %d columns %d", colors, bpc, columns);
    cr_assert_eq(n, rows * rowlen);
    cr_assert_arr_eq(out, raw, n, "colors %d bpc %d columns %d predictor %d", colors, bpc, columns, predictor);
    free(raw);
    free(filt);
    free(z);
}

Test(pdf_filters, flate_with_png_predictors)
{
    for (int p = 10; p <= 15; p++) check_png(1, 8, 5, p);
    check_png(3, 8, 17, 15);
    check_png(4, 8, 1, 12);
    check_png(1, 16, 9, 15);
    check_png(2, 16, 3, 11);
    check_png(1, 1, 21, 15);
    check_png(1, 4, 7, 15);
    check_png(3, 2, 11, 15);
    /* The xref-stream case: /Columns 5 /Predictor 12, every row "Up". */
    const uint8_t rows[] = {2, 1, 0, 16, 0, 0, 2, 0, 1, 0xe0, 0, 0, 2, 0, 0, 0x5f, 0, 1};
    uint8_t z[64];
    size_t zn = du_deflate_fixed(rows, sizeof rows, z, sizeof z, 0);
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_FLATE);
    s.parms.predictor = 12;
    s.parms.columns = 5;
    const uint8_t *out;
    size_t n;
    cr_assert_eq(run(&s, 1, z, zn, &out, &n), PITH_OK);
    const uint8_t want[] = {1, 0, 16, 0, 0, 1, 1, 0xf0, 0, 0, 1, 1, 0x4f, 0, 1};
    cr_assert_eq(n, sizeof want);
    cr_assert_arr_eq(out, want, n);
}

Test(pdf_filters, png_predictor_last_row_cut_short)
{
    /* 2.5 rows of Sub-filtered data: the half row decodes as far as it goes. */
    const uint8_t rows[] = {1, 10, 1, 1, 1, 1, 20, 2, 2, 2, 1, 30, 3};
    uint8_t z[64];
    size_t zn = du_deflate_fixed(rows, sizeof rows, z, sizeof z, 0);
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_FLATE);
    s.parms.predictor = 11;
    s.parms.columns = 4;
    const uint8_t *out;
    size_t n;
    cr_assert_eq(run(&s, 1, z, zn, &out, &n), PITH_OK);
    const uint8_t want[] = {10, 11, 12, 13, 20, 22, 24, 26, 30, 33};
    cr_assert_eq(n, sizeof want);
    cr_assert_arr_eq(out, want, n);
}

static void check_tiff(int colors, int bpc, int columns)
{
    size_t rowlen = ((size_t)colors * (size_t)bpc * (size_t)columns + 7) / 8, rows = 9;
    size_t samples = (size_t)colors * (size_t)columns;
    uint8_t *raw = calloc(rows, rowlen), *diff = calloc(rows, rowlen), *z = malloc(rows * rowlen * 2 + 64);
    uint64_t seed = (uint64_t)(colors * 100 + bpc * 10 + columns);
    unsigned mask = bpc == 16 ? 0xffff : (1u << bpc) - 1;
    for (size_t r = 0; r < rows; r++) {
        /* sample values, then their differences, packed MSB first */
        unsigned vals[512];
        for (size_t s = 0; s < samples; s++) vals[s] = (unsigned)du_rand(&seed) & mask;
        for (size_t s = 0; s < samples; s++) {
            unsigned d = s >= (size_t)colors ? (vals[s] - vals[s - (size_t)colors]) & mask : vals[s];
            for (int k = 0; k < 2; k++) {
                uint8_t *row = (k ? diff : raw) + r * rowlen;
                unsigned v = k ? d : vals[s];
                if (bpc == 16) {
                    row[2 * s] = (uint8_t)(v >> 8);
                    row[2 * s + 1] = (uint8_t)v;
                } else if (bpc == 8) {
                    row[s] = (uint8_t)v;
                } else {
                    size_t bit = s * (size_t)bpc;
                    row[bit / 8] |= (uint8_t)(v << (8 - bpc - (int)(bit % 8)));
                }
            }
        }
    }
    size_t zn = du_deflate_fixed(diff, rows * rowlen, z, rows * rowlen * 2 + 64, 16);
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_FLATE);
    s.parms.predictor = 2;
    s.parms.colors = colors;
    s.parms.bpc = bpc;
    s.parms.columns = columns;
    const uint8_t *out;
    size_t n;
    cr_assert_eq(run(&s, 1, z, zn, &out, &n), PITH_OK);
    cr_assert_eq(n, rows * rowlen);
    cr_assert_arr_eq(out, raw, n, "tiff colors %d bpc %d columns %d", colors, bpc, columns);
    free(raw);
    free(diff);
    free(z);
}

Test(pdf_filters, flate_with_tiff_predictor)
{
    check_tiff(1, 8, 10);
    check_tiff(3, 8, 7);
    check_tiff(1, 16, 5);
    check_tiff(3, 16, 4);
    check_tiff(1, 1, 19);
    check_tiff(2, 2, 9);
    check_tiff(3, 4, 5);
}

/* MARK: - Chains */

Test(pdf_filters, chains_of_filters)
{
    const char *text = "BT /F1 12 Tf 72 712 Td (A chain of filters) Tj ET";
    uint8_t z[256];
    size_t zn = du_deflate_fixed((const uint8_t *)text, strlen(text), z, sizeof z, 64);
    /* [/ASCIIHexDecode /FlateDecode] */
    char hex[600];
    size_t h = 0;
    for (size_t i = 0; i < zn; i++) h += (size_t)sprintf(hex + h, "%02X%s", z[i], i % 30 == 29 ? "\n" : "");
    hex[h++] = '>';
    pith_pdf_filter_step chain[3] = {step(PITH_PDF_FILTER_ASCIIHEX), step(PITH_PDF_FILTER_CRYPT), step(PITH_PDF_FILTER_FLATE)};
    const uint8_t *out;
    size_t n, produced;
    pith_decode_error e;
    cr_assert_eq(pith_pdf_filter_decode(&arena, chain, 3, (const uint8_t *)hex, h, 0, 1 << 20, &out, &n, &produced, &e), PITH_OK);
    cr_assert_eq(n, strlen(text));
    cr_assert_arr_eq(out, text, n);
    cr_assert_eq(produced, zn + strlen(text));
    /* no filters, or only Crypt: the input itself */
    cr_assert_eq(run(NULL, 0, text, 5, &out, &n), PITH_OK);
    cr_assert_eq(out, (const uint8_t *)text);
    cr_assert_eq(run(&chain[1], 1, text, 5, &out, &n), PITH_OK);
    cr_assert_eq(out, (const uint8_t *)text);
    /* a damaged step: the output of that step so far */
    hex[10] = 'G';
    cr_assert_eq(run(chain, 3, hex, h, &out, &n), PITH_E_FORMAT);
}

Test(pdf_filters, image_filters_and_unknown_ones_are_not_decoded)
{
    pith_pdf_filter_step chain[2] = {step(PITH_PDF_FILTER_FLATE), step(PITH_PDF_FILTER_DCT)};
    const uint8_t *out = (const uint8_t *)"x";
    size_t n = 9;
    uint64_t before = budget.used;
    cr_assert_eq(run(chain, 2, "\x78\x9c\x03\x00\x00\x00\x00\x01", 8, &out, &n), PITH_E_UNSUPPORTED);
    cr_assert_null(out);
    cr_assert_eq(n, 0);
    cr_assert_eq(budget.used, before, "nothing decoded, nothing allocated");
    chain[1] = step(PITH_PDF_FILTER_UNKNOWN);
    cr_assert_eq(run(chain, 2, "x", 1, &out, &n), PITH_E_UNSUPPORTED);
    chain[0].parms.predictor = 3;
    chain[1] = step(PITH_PDF_FILTER_CRYPT);
    cr_assert_eq(run(chain, 1, "x", 1, &out, &n), PITH_E_UNSUPPORTED, "predictor 3 does not exist");
    chain[0].parms.predictor = 12;
    chain[0].parms.bpc = 3;
    cr_assert_eq(run(chain, 1, "x", 1, &out, &n), PITH_E_FORMAT, "3 bits per component");
    chain[0].parms.bpc = 8;
    chain[0].parms.colors = 0;
    cr_assert_eq(run(chain, 1, "x", 1, &out, &n), PITH_E_FORMAT);
    cr_assert_eq(pith_pdf_filter_decode(NULL, chain, 1, (const uint8_t *)"x", 1, 0, 10, &out, &n, NULL, NULL), PITH_E_ARG);
    cr_assert_eq(pith_pdf_filter_decode(&arena, NULL, 1, (const uint8_t *)"x", 1, 0, 10, &out, &n, NULL, NULL), PITH_E_ARG);
}

Test(pdf_filters, size_hint_sizes_the_buffer)
{
    static uint8_t src[100000], z[120000];
    for (size_t i = 0; i < sizeof src; i++) src[i] = (uint8_t)("0123456789 "[i % 11]);
    size_t zn = du_deflate_fixed(src, sizeof src, z, sizeof z, 64);
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_FLATE);
    const uint8_t *out;
    size_t n;
    uint64_t before = budget.high;
    cr_assert_eq(pith_pdf_filter_decode(&arena, &s, 1, z, zn, sizeof src, 1 << 20, &out, &n, NULL, NULL), PITH_OK);
    cr_assert_eq(n, sizeof src);
    cr_assert_leq(budget.high - before, 200000, "one buffer of the hinted size");
}

/* MARK: - Corpus */

typedef struct lzw_corpus {
    unsigned streams, ok, text;
} lzw_corpus;

static void lzw_stream(const uint8_t *data, size_t len, bool a85, lzw_corpus *c)
{
    pith_pdf_filter_step s[2] = {step(PITH_PDF_FILTER_ASCII85), step(PITH_PDF_FILTER_LZW)};
    const uint8_t *out;
    size_t n;
    pith_arena_mark m = pith_arena_mark_get(&arena);
    pith_status st = pith_pdf_filter_decode(&arena, a85 ? s : s + 1, a85 ? 2 : 1, data, len, 0, 64 << 20, &out, &n,
                                            NULL, NULL);
    cr_assert_eq(st, PITH_OK, "LZW stream of %zu bytes: %s", len, pith_status_name(st));
    c->streams++;
    if (st == PITH_OK) c->ok++;
    if (st == PITH_OK && n > 4 && (du_find(out, out + n, "BT") || du_find(out, out + n, "obj") || du_find(out, out + n, "/Type")))
        c->text++;
    pith_arena_release(&arena, m);
}

static void lzw_pdf(const char *path, void *user)
{
    size_t len;
    uint8_t *d = du_read(path, &len);
    if (!d) return;
    if (du_find(d, d + len, "/Encrypt")) { /* its streams are ciphertext */
        free(d);
        return;
    }
    /* streams whose dictionary names LZWDecode, alone or after ASCII85Decode */
    const uint8_t *p = d, *end = d + len;
    while ((p = du_find(p, end, "/LZWDecode")) != NULL) {
        bool a85 = p - d > 20 && du_find(p - 20, p, "/ASCII85Decode") != NULL;
        const uint8_t *s = du_find(p, end, "stream");
        p += 10;
        if (!s || s - p > 400) continue;
        s += 6;
        if (s < end && *s == '\r') s++;
        if (s < end && *s == '\n') s++;
        const uint8_t *e = du_find(s, end, "endstream");
        if (!e) break;
        lzw_stream(s, (size_t)(e - s), a85, user);
        p = e;
    }
    free(d);
}

Test(pdf_filters, corpus_lzw_streams_decode)
{
    lzw_corpus c = {0};
    if (du_each_file("pdf", ".pdf", lzw_pdf, &c) < 0) cr_skip("corpus not found at %s (set PITH_CORPUS)", du_corpus());
    cr_assert_gt(c.streams, 0);
    cr_assert_eq(c.ok, c.streams);
    cr_assert_gt(c.text, 0, "some decode to PDF content or objects");
    fprintf(stderr, "pdf_filters: corpus: %u LZW streams decode, %u of them to PDF syntax\n", c.streams, c.text);
}

/* MARK: - Documents */

static const pith_pdf_filter_step *doc_steps;
static size_t doc_nsteps;
static const uint8_t *doc_in;
static size_t doc_len;
static pith_status doc_st;

static pith_status fdoc_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    (void)data;
    (void)len;
    (void)state;
    pith_doc_set_units(doc, 1, PITH_UNIT_PAGE);
    return PITH_OK;
}

static pith_status fdoc_unit(pith_doc *doc, void *state, uint32_t u)
{
    (void)state;
    (void)u;
    const uint8_t *out;
    size_t n;
    doc_st = pith_pdf_filter_decode_doc(doc, NULL, doc_steps, doc_nsteps, doc_in, doc_len, 0, 500, &out, &n);
    return doc_st == PITH_E_LIMIT ? doc_st : PITH_OK;
}

static const pith_handler filt_handler = {"filter-test", fdoc_open, fdoc_unit};

static pith_ctx *run_doc(const pith_options *o, pith_status *final)
{
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    cr_assert_eq(pith_open_with(ctx, &filt_handler, PITH_FMT_PDF, "x", 1, o, &doc), PITH_OK);
    pith_chunk c;
    while ((*final = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
    }
    return ctx;
}

Test(pdf_filters, doc_wrapper)
{
    pith_options o = pith_options_default();
    pith_status final;
    pith_pdf_filter_step img[1] = {step(PITH_PDF_FILTER_JPX)};
    doc_steps = img;
    doc_nsteps = 1;
    doc_in = (const uint8_t *)"jpx";
    doc_len = 3;
    pith_ctx *ctx = run_doc(&o, &final);
    cr_assert_eq(doc_st, PITH_E_UNSUPPORTED);
    cr_assert_eq(final, PITH_OK);
    pith_ctx_destroy(ctx);

    /* A run-length bomb: 2 bytes make 128, ratio 64 > max_ratio 10 */
    static uint8_t rl[2000];
    for (size_t i = 0; i < sizeof rl; i += 2) {
        rl[i] = 129;
        rl[i + 1] = 'A';
    }
    pith_pdf_filter_step r[1] = {step(PITH_PDF_FILTER_RUNLENGTH)};
    doc_steps = r;
    doc_in = rl;
    doc_len = sizeof rl;
    o.limits.max_ratio = 10;
    ctx = run_doc(&o, &final);
    cr_assert_eq(doc_st, PITH_E_LIMIT);
    cr_assert_eq(final, PITH_E_LIMIT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "max_ratio") != NULL, "%s", pith_ctx_error(ctx).message);
    cr_assert_eq(pith_ctx_error(ctx).offset, 500);
    pith_ctx_destroy(ctx);

    /* damaged: a warning, the unit goes on */
    o = pith_options_default();
    pith_pdf_filter_step a85[1] = {step(PITH_PDF_FILTER_ASCII85)};
    doc_steps = a85;
    doc_in = (const uint8_t *)"9jqo^vv";
    doc_len = 7;
    ctx = run_doc(&o, &final);
    cr_assert_eq(doc_st, PITH_E_FORMAT);
    cr_assert_eq(final, PITH_OK);
    pith_ctx_destroy(ctx);
}

/* MARK: - Hostile */

Test(pdf_filters_hostile, bombs_stop_at_max_out)
{
    /* LZW: one 12-bit code can stand for thousands of bytes */
    size_t n = 4 << 20;
    uint8_t *src = calloc(n, 1), *enc = malloc(n);
    size_t en = lzw_encode(src, n, 1, 0, enc);
    cr_assert_lt(en, n / 100);
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_LZW);
    const uint8_t *out;
    size_t on;
    uint64_t before = budget.high;
    cr_assert_eq(pith_pdf_filter_decode(&arena, &s, 1, enc, en, 0, 1 << 20, &out, &on, NULL, NULL), PITH_E_LIMIT);
    cr_assert_eq(on, 1 << 20);
    cr_assert_leq(budget.high - before, (uint64_t)(1 << 20) + 65536);
    /* run length: 257 - 129 = 128 bytes per two */
    uint8_t rl[4096];
    for (size_t i = 0; i < sizeof rl; i += 2) {
        rl[i] = 129;
        rl[i + 1] = 0;
    }
    s = step(PITH_PDF_FILTER_RUNLENGTH);
    cr_assert_eq(pith_pdf_filter_decode(&arena, &s, 1, rl, sizeof rl, 0, 100000, &out, &on, NULL, NULL), PITH_E_LIMIT);
    cr_assert_eq(on, 100000);
    free(src);
    free(enc);
}

Test(pdf_filters_hostile, truncations_and_bit_flips_of_every_filter)
{
    const char *text = "q 1 0 0 1 72 720 cm BT /F1 11 Tf (Every truncation, every filter) Tj ET Q\n";
    size_t tl = strlen(text);
    static uint8_t enc[5][2048];
    size_t en[5];
    en[0] = du_deflate_fixed((const uint8_t *)text, tl, enc[0], sizeof enc[0], 32);
    en[1] = lzw_encode((const uint8_t *)text, tl, 1, 1, enc[1]);
    en[2] = 0;
    for (size_t i = 0; i < tl; i++) en[2] += (size_t)sprintf((char *)enc[2] + en[2], "%02x ", (uint8_t)text[i]);
    enc[2][en[2]++] = '>';
    en[3] = 0;
    for (size_t i = 0; i < tl; i += 4) {
        uint32_t v = 0;
        size_t k = tl - i < 4 ? tl - i : 4;
        for (size_t j = 0; j < 4; j++) v = v << 8 | (j < k ? (uint8_t)text[i + j] : 0);
        char g[5];
        for (int j = 4; j >= 0; j--) {
            g[j] = (char)('!' + v % 85);
            v /= 85;
        }
        memcpy(enc[3] + en[3], g, k + 1);
        en[3] += k + 1;
    }
    memcpy(enc[3] + en[3], "~>", 2);
    en[3] += 2;
    en[4] = 0;
    for (size_t i = 0; i < tl; i += 10) {
        size_t k = tl - i < 10 ? tl - i : 10;
        enc[4][en[4]++] = (uint8_t)(k - 1);
        memcpy(enc[4] + en[4], text + i, k);
        en[4] += k;
    }
    enc[4][en[4]++] = 128;
    pith_pdf_filter fs[5] = {PITH_PDF_FILTER_FLATE, PITH_PDF_FILTER_LZW, PITH_PDF_FILTER_ASCIIHEX,
                             PITH_PDF_FILTER_ASCII85, PITH_PDF_FILTER_RUNLENGTH};
    uint64_t seed = 4242;
    for (int f = 0; f < 5; f++) {
        pith_pdf_filter_step s = step(fs[f]);
        const uint8_t *out;
        size_t n;
        cr_assert_eq(run(&s, 1, enc[f], en[f], &out, &n), PITH_OK, "filter %d", f);
        cr_assert_eq(n, tl, "filter %d", f);
        cr_assert_arr_eq(out, text, tl);
        for (size_t t = 0; t < en[f]; t++) {
            pith_arena_mark m = pith_arena_mark_get(&arena);
            pith_status st = run(&s, 1, enc[f], t, &out, &n);
            cr_assert(st == PITH_OK || st == PITH_E_TRUNCATED || st == PITH_E_FORMAT, "filter %d cut %zu: %s", f, t,
                      pith_status_name(st));
            /* what comes out of a cut stream is a prefix of the text (LZW and hex may end a
             * byte early, ASCII85 a partial group differently) */
            size_t k = n < tl ? n : tl;
            if (fs[f] != PITH_PDF_FILTER_ASCII85) cr_assert(memcmp(out, text, k > 0 ? k - (fs[f] == PITH_PDF_FILTER_ASCIIHEX) : 0) == 0, "filter %d cut %zu", f, t);
            pith_arena_release(&arena, m);
        }
        uint8_t bad[2048];
        for (int i = 0; i < 1000; i++) {
            memcpy(bad, enc[f], en[f]);
            bad[du_below(&seed, (uint32_t)en[f])] ^= (uint8_t)(1u << du_below(&seed, 8));
            pith_arena_mark m = pith_arena_mark_get(&arena);
            pith_status st = run(&s, 1, bad, en[f], &out, &n);
            cr_assert(st == PITH_OK || st == PITH_E_TRUNCATED || st == PITH_E_FORMAT || st == PITH_E_UNSUPPORTED,
                      "filter %d flip %d: %s", f, i, pith_status_name(st));
            pith_arena_release(&arena, m);
        }
    }
}

Test(pdf_filters_hostile, absurd_decode_parms)
{
    pith_pdf_filter_step s = step(PITH_PDF_FILTER_FLATE);
    s.parms.predictor = 15;
    s.parms.columns = 0x7fffffff;
    s.parms.colors = 255;
    s.parms.bpc = 16;
    uint8_t z[64];
    const uint8_t rows[] = {2, 1, 2, 3, 4, 5, 6};
    size_t zn = du_deflate_fixed(rows, sizeof rows, z, sizeof z, 0);
    const uint8_t *out;
    size_t n;
    pith_status st = run(&s, 1, z, zn, &out, &n);
    if (sizeof(size_t) == 8) {
        /* one enormous row, cut short: decoded as far as it goes, nothing allocated for it */
        cr_assert_eq(st, PITH_OK);
        cr_assert_eq(n, 6);
    } else {
        cr_assert_eq(st, PITH_E_FORMAT);
    }
    s.parms.columns = -5;
    cr_assert_eq(run(&s, 1, z, zn, &out, &n), PITH_E_FORMAT);
    s.parms.columns = 1;
    s.parms.colors = 100000;
    cr_assert_eq(run(&s, 1, z, zn, &out, &n), PITH_E_FORMAT);
}
