/* test_pdf_lex.c: the PDF lexer and object parser (handlers/pdf/pdf_lex.c).
 *
 * Expected values are the examples of ISO 32000-1 §7.3 (numbers §7.3.3, literal and hex strings
 * §7.3.4, names §7.3.5 Table 4, arrays, dictionaries §7.3.7 Example, references §7.3.10),
 * worked out by hand; tolerance cases follow what pdf.js and MuPDF accept ("--5", "4.",
 * missing ">>"). Suite pdf_lex_hostile: nesting far past PDF_MAX_NEST, truncation, the work
 * limit. A stub handler gives the tests a real document (arenas, warnings, limits).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "pdf_test_util.h"
#include "test_util.h"
#include "../../handlers/pdf/pdf.h"

/* MARK: - A document to parse in */

static pith_doc *open_doc_opts(pith_options o) { return pdf_test_open("", 0, o); }
static pith_doc *open_doc(void) { return open_doc_opts(pith_options_default()); }
static void close_doc(pith_doc *doc) { pdf_test_close(doc); }

typedef struct parsed {
    pdf_lex lx;
    pdf_obj o;
    pith_status st;
} parsed;

static parsed parse1(pith_doc *doc, const char *s, bool ops)
{
    parsed p;
    pdf_lex_init(&p.lx, doc, pith_doc_arena(doc), (const uint8_t *)s, strlen(s), 0);
    p.st = pdf_parse(&p.lx, &p.o, ops);
    return p;
}

static bool bytes_eq(const pdf_obj *o, const char *want, size_t n)
{
    return o->n == n && memcmp(o->u.s, want, n) == 0;
}
#define STR_EQ(o, lit) bytes_eq((o), (lit), sizeof(lit) - 1)

/* MARK: - Numbers (§7.3.3) */

Test(pdf_lex, integers_of_the_spec)
{
    pith_doc *doc = open_doc();
    const char *s = "123 43445 +17 -98 0";
    const int64_t want[] = {123, 43445, 17, -98, 0};
    pdf_lex lx;
    pdf_lex_init(&lx, doc, pith_doc_arena(doc), (const uint8_t *)s, strlen(s), 0);
    for (int i = 0; i < 5; i++) {
        pdf_obj o;
        cr_assert_eq(pdf_parse(&lx, &o, false), PITH_OK);
        cr_assert_eq(o.kind, PDF_INT, "item %d", i);
        cr_assert_eq(o.u.i, want[i], "item %d", i);
    }
    close_doc(doc);
}

Test(pdf_lex, reals_of_the_spec_and_tolerated_forms)
{
    pith_doc *doc = open_doc();
    /* §7.3.3: 34.5 -3.62 +123.6 4. -.002 0.0; pdf.js: "+.5"; "--5" is -5 (pdf.js/MuPDF) */
    const char *s = "34.5 -3.62 +123.6 4. -.002 0.0 +.5";
    const double want[] = {34.5, -3.62, 123.6, 4.0, -0.002, 0.0, 0.5};
    pdf_lex lx;
    pdf_lex_init(&lx, doc, pith_doc_arena(doc), (const uint8_t *)s, strlen(s), 0);
    for (int i = 0; i < 7; i++) {
        pdf_obj o;
        cr_assert_eq(pdf_parse(&lx, &o, false), PITH_OK);
        cr_assert_eq(o.kind, PDF_REAL, "item %d", i);
        cr_assert_float_eq(o.u.r, want[i], 1e-9, "item %d", i);
    }
    parsed p = parse1(doc, "--5", false);
    cr_assert_eq(p.o.kind, PDF_INT);
    cr_assert_eq(p.o.u.i, -5);
    p = parse1(doc, "-", false);
    cr_assert(p.o.kind == PDF_INT && p.o.u.i == 0, "a lone minus reads as 0");
    p = parse1(doc, "12345678901234567890", false);
    cr_assert_eq(p.o.kind, PDF_REAL, "an integer past 2^62 becomes a real");
    cr_assert_float_eq(p.o.u.r, 12345678901234567890.0, 1e6);
    p = parse1(doc, "[12.3.4 7]", false);
    cr_assert_eq(p.o.kind, PDF_ARRAY);
    cr_assert_eq(p.o.n, 2, "junk glued to a number is dropped");
    cr_assert_float_eq(p.o.u.items[0].u.r, 12.3, 1e-9);
    cr_assert_eq(p.o.u.items[1].u.i, 7);
    close_doc(doc);
}

/* MARK: - Names (§7.3.5, Table 4) */

Test(pdf_lex, names_with_number_sign_escapes)
{
    pith_doc *doc = open_doc();
    struct { const char *in, *want; size_t n; } c[] = {
        {"/Name1", "Name1", 5},
        {"/A;Name_With-Various***Characters?", "A;Name_With-Various***Characters?", 33},
        {"/1.2", "1.2", 3},
        {"/$$", "$$", 2},
        {"/@pattern", "@pattern", 8},
        {"/.notdef", ".notdef", 7},
        {"/Lime#20Green", "Lime Green", 10},
        {"/paired#28#29parentheses", "paired()parentheses", 19},
        {"/The_Key_of_F#23_Minor", "The_Key_of_F#_Minor", 19},
        {"/A#42", "AB", 2},
        {"/A#4", "A#4", 3}, /* not two hex digits: kept as written (pdf.js) */
        {"/", "", 0},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        parsed p = parse1(doc, c[i].in, false);
        cr_assert_eq(p.st, PITH_OK, "%s", c[i].in);
        cr_assert_eq(p.o.kind, PDF_NAME, "%s", c[i].in);
        cr_assert(bytes_eq(&p.o, c[i].want, c[i].n), "%s gave %.*s", c[i].in, (int)p.o.n,
                  (const char *)p.o.u.s);
    }
    /* A name ends at a delimiter: "/A/B" is two names. */
    parsed p = parse1(doc, "[/A/B(c)]", false);
    cr_assert_eq(p.o.n, 3);
    cr_assert(STR_EQ(&p.o.u.items[1], "B"));
    close_doc(doc);
}

/* MARK: - Strings (§7.3.4) */

Test(pdf_lex, literal_strings_nest_and_escape)
{
    pith_doc *doc = open_doc();
    parsed p = parse1(doc, "(Strings may contain balanced parentheses ( ) and\nspecial "
                           "characters (*!&}^% and so on).)", false);
    cr_assert_eq(p.o.kind, PDF_STRING);
    cr_assert(STR_EQ(&p.o, "Strings may contain balanced parentheses ( ) and\nspecial "
                           "characters (*!&}^% and so on)."));
    p = parse1(doc, "()", false);
    cr_assert(p.o.kind == PDF_STRING && p.o.n == 0);
    /* Line continuation (§7.3.4.2 Example 2). */
    p = parse1(doc, "(These \\\ntwo strings \\\r\nare the same.)", false);
    cr_assert(STR_EQ(&p.o, "These two strings are the same."), "%.*s", (int)p.o.n, p.o.u.s);
    /* An unescaped CR LF or CR reads as LF. */
    p = parse1(doc, "(a\r\nb\rc)", false);
    cr_assert(STR_EQ(&p.o, "a\nb\nc"));
    /* Escapes, octal with 1-3 digits: "\0053" is \005 then '3' (§7.3.4.2). */
    p = parse1(doc, "(\\n\\r\\t\\b\\f\\(\\)\\\\\\053\\53\\0053\\q)", false);
    const char want[] = "\n\r\t\b\f()\\++\0053q";
    cr_assert(bytes_eq(&p.o, want, sizeof want - 1));
    /* High-order overflow of \ddd is ignored. */
    p = parse1(doc, "(\\777)", false);
    cr_assert(p.o.n == 1 && p.o.u.s[0] == 0xFF);
    close_doc(doc);
}

Test(pdf_lex, hex_strings_with_odd_digits_and_space)
{
    pith_doc *doc = open_doc();
    parsed p = parse1(doc, "<4E6F762073686D6F7A206B6120706F702E>", false);
    cr_assert(STR_EQ(&p.o, "Nov shmoz ka pop."));
    cr_assert_eq(p.o.hex, 1);
    p = parse1(doc, "<901FA3>", false);
    cr_assert(bytes_eq(&p.o, "\x90\x1F\xA3", 3));
    p = parse1(doc, "<901FA>", false); /* the final digit is followed by 0 */
    cr_assert(bytes_eq(&p.o, "\x90\x1F\xA0", 3));
    p = parse1(doc, "< 9 0\n1f\ta 3 >", false);
    cr_assert(bytes_eq(&p.o, "\x90\x1F\xA3", 3));
    close_doc(doc);
}

/* MARK: - Containers and references */

Test(pdf_lex, arrays_dictionaries_and_the_spec_example)
{
    pith_doc *doc = open_doc();
    parsed p = parse1(doc, "[549 3.14 false (Ralph) /SomeName]", false);
    cr_assert_eq(p.o.kind, PDF_ARRAY);
    cr_assert_eq(p.o.n, 5);
    cr_assert_eq(p.o.u.items[0].u.i, 549);
    cr_assert_eq(p.o.u.items[2].kind, PDF_BOOL);
    cr_assert_eq(p.o.u.items[2].u.b, false);
    cr_assert(STR_EQ(&p.o.u.items[3], "Ralph"));
    cr_assert(pdf_is_name(&p.o.u.items[4], "SomeName"));
    p = parse1(doc,
               "<< /Type /Example /Subtype /DictionaryExample /Version 0.01 /IntegerItem 12 "
               "/StringItem (a string) /Subdictionary << /Item1 0.4 /Item2 true /LastItem "
               "(not !) /VeryLastItem (OK) >> >>",
               false);
    cr_assert_eq(p.o.kind, PDF_DICT);
    cr_assert_eq(p.o.n, 6);
    cr_assert(pdf_is_name(pdf_dict_get_raw(&p.o, "Subtype"), "DictionaryExample"));
    cr_assert_eq(pdf_int(pdf_dict_get_raw(&p.o, "IntegerItem"), 0), 12);
    const pdf_obj *sub = pdf_dict_get_raw(&p.o, "Subdictionary");
    cr_assert_eq(sub->kind, PDF_DICT);
    cr_assert_eq(sub->n, 4);
    cr_assert_eq(pdf_dict_get_raw(sub, "Item2")->u.b, true);
    cr_assert(STR_EQ(pdf_dict_get_raw(sub, "VeryLastItem"), "OK"));
    cr_assert_eq(pdf_dict_get_raw(sub, "Missing")->kind, PDF_NULL);
    /* Comments are whitespace; null is an object. */
    p = parse1(doc, "[1 % a comment ] here\n 2 null]", false);
    cr_assert_eq(p.o.n, 3);
    cr_assert_eq(p.o.u.items[2].kind, PDF_NULL);
    close_doc(doc);
}

Test(pdf_lex, references_need_both_numbers_and_R)
{
    pith_doc *doc = open_doc();
    parsed p = parse1(doc, "[1 0 R 2 0 R 3 4 5 R 6]", false);
    cr_assert_eq(p.o.n, 5);
    cr_assert_eq(p.o.u.items[0].kind, PDF_REF);
    cr_assert_eq(p.o.u.items[0].u.ref.num, 1);
    cr_assert_eq(p.o.u.items[1].u.ref.num, 2);
    cr_assert_eq(p.o.u.items[2].kind, PDF_INT, "3 followed by 4 5 R is a plain number");
    cr_assert_eq(p.o.u.items[3].kind, PDF_REF);
    cr_assert_eq(p.o.u.items[3].u.ref.num, 4);
    cr_assert_eq(p.o.u.items[3].u.ref.gen, 5);
    cr_assert_eq(p.o.u.items[4].u.i, 6);
    p = parse1(doc, "12 0 R", false);
    cr_assert_eq(p.o.kind, PDF_REF);
    /* "12 0 Rx" is not a reference. */
    p = parse1(doc, "[12 0 Rx]", false);
    cr_assert_eq(p.o.u.items[0].kind, PDF_INT);
    close_doc(doc);
}

Test(pdf_lex, content_stream_operators)
{
    pith_doc *doc = open_doc();
    const char *s = "BT /F1 12 Tf 1 0 0 1 72 712 Tm (Hello) Tj [(W) -250 (orld)] TJ ET";
    pdf_lex lx;
    pdf_lex_init(&lx, doc, pith_doc_arena(doc), (const uint8_t *)s, strlen(s), 0);
    const char *ops[] = {"BT", "Tf", "Tm", "Tj", "TJ", "ET"};
    int nops = 0, operands = 0;
    pdf_obj o;
    while (pdf_parse(&lx, &o, true) == PITH_OK && !(o.kind == PDF_NULL && lx.p == lx.end)) {
        if (o.kind == PDF_OP) {
            cr_assert(nops < 6);
            cr_assert(bytes_eq(&o, ops[nops], strlen(ops[nops])), "op %d", nops);
            nops++;
        } else {
            cr_assert_neq(o.kind, PDF_REF, "no references in content streams");
            operands++;
        }
    }
    cr_assert_eq(nops, 6);
    cr_assert_eq(operands, 1 + 1 + 6 + 1 + 1);
    /* An operator inside an array is kept as an item (pdf.js). */
    parsed p = parse1(doc, "[(a) Tj (b)]", true);
    cr_assert_eq(p.o.n, 3);
    cr_assert_eq(p.o.u.items[1].kind, PDF_OP);
    close_doc(doc);
}

Test(pdf_lex, keyword_at_top_level_and_structure_keywords)
{
    pith_doc *doc = open_doc();
    parsed p = parse1(doc, "endobj", false);
    cr_assert_eq(p.o.kind, PDF_OP);
    cr_assert(STR_EQ(&p.o, "endobj"));
    /* A dictionary missing its ">>": closed at "endobj", which is left for the caller. */
    p = parse1(doc, "<< /A 1 /B [2 3 endobj", false);
    cr_assert_eq(p.st, PITH_OK);
    cr_assert_eq(p.o.kind, PDF_DICT);
    cr_assert_eq(pdf_int(pdf_dict_get_raw(&p.o, "A"), 0), 1);
    cr_assert_eq(pdf_array_len(pdf_dict_get_raw(&p.o, "B")), 2);
    cr_assert(pdf_lex_keyword(&p.lx, "endobj"));
    /* Junk keywords inside a dictionary are dropped, a key without value too. */
    p = parse1(doc, "<< /A 1 junk /B 2 /C >>", false);
    cr_assert_eq(p.o.n, 2);
    cr_assert_eq(pdf_int(pdf_dict_get_raw(&p.o, "B"), 0), 2);
    /* Duplicate keys: the last one wins. */
    p = parse1(doc, "<< /A 1 /A 2 >>", false);
    cr_assert_eq(pdf_int(pdf_dict_get_raw(&p.o, "A"), 0), 2);
    close_doc(doc);
}

Test(pdf_lex, keyword_and_uint_helpers)
{
    pith_doc *doc = open_doc();
    const char *s = "  12 0 obj\n xref trailerx";
    pdf_lex lx;
    pdf_lex_init(&lx, doc, pith_doc_arena(doc), (const uint8_t *)s, strlen(s), 0);
    uint64_t a, b;
    cr_assert(pdf_lex_uint(&lx, &a) && a == 12);
    cr_assert(pdf_lex_uint(&lx, &b) && b == 0);
    cr_assert(!pdf_lex_keyword(&lx, "ob"));
    cr_assert(pdf_lex_keyword(&lx, "obj"));
    cr_assert(pdf_lex_keyword(&lx, "xref"));
    cr_assert(!pdf_lex_keyword(&lx, "trailer"), "trailerx is another keyword");
    close_doc(doc);
}

Test(pdf_lex, end_of_input_gives_null)
{
    pith_doc *doc = open_doc();
    parsed p = parse1(doc, "   % only a comment", false);
    cr_assert_eq(p.st, PITH_OK);
    cr_assert_eq(p.o.kind, PDF_NULL);
    cr_assert(p.lx.p == p.lx.end);
    close_doc(doc);
}

/* MARK: - Hostile */

Test(pdf_lex_hostile, nesting_past_the_cap_is_dropped_with_a_warning)
{
    pith_doc *doc = open_doc();
    buf b = {0};
    const size_t depth = 100000;
    buf_rep(&b, "[", depth);
    buf_str(&b, "1");
    buf_rep(&b, "]", depth);
    buf_str(&b, " 7");
    pdf_lex lx;
    pdf_lex_init(&lx, doc, pith_doc_arena(doc), (const uint8_t *)b.p, b.n, 0);
    pdf_obj o;
    cr_assert_eq(pdf_parse(&lx, &o, false), PITH_OK);
    /* PDF_MAX_NEST levels kept; the innermost of them holds a null for the skipped rest. */
    const pdf_obj *c = &o;
    uint32_t levels = 0;
    while (c->kind == PDF_ARRAY && c->n == 1) {
        c = &c->u.items[0];
        levels++;
    }
    cr_assert_eq(levels, PDF_MAX_NEST);
    cr_assert_eq(c->kind, PDF_NULL);
    cr_assert_eq(pith_doc_warning_count(doc), 1);
    /* Parsing goes on after the object. */
    cr_assert_eq(pdf_parse(&lx, &o, false), PITH_OK);
    cr_assert_eq(o.u.i, 7);
    free(b.p);
    close_doc(doc);
}

Test(pdf_lex_hostile, nesting_within_the_cap_is_kept)
{
    pith_doc *doc = open_doc();
    buf b = {0};
    buf_rep(&b, "<</A ", PDF_MAX_NEST - 1);
    buf_str(&b, "[5]");
    buf_rep(&b, ">>", PDF_MAX_NEST - 1);
    parsed p = parse1(doc, b.p, false);
    cr_assert_eq(p.st, PITH_OK);
    const pdf_obj *c = &p.o;
    for (uint32_t i = 0; i + 1 < PDF_MAX_NEST; i++) c = pdf_dict_get_raw(c, "A");
    cr_assert_eq(c->kind, PDF_ARRAY);
    cr_assert_eq(c->u.items[0].u.i, 5);
    cr_assert_eq(pith_doc_warning_count(doc), 0);
    free(b.p);
    close_doc(doc);
}

Test(pdf_lex_hostile, truncated_objects_keep_what_was_read)
{
    pith_doc *doc = open_doc();
    parsed p = parse1(doc, "<< /A (abc", false);
    cr_assert_eq(p.st, PITH_E_TRUNCATED);
    cr_assert_eq(p.o.kind, PDF_DICT);
    cr_assert(STR_EQ(pdf_dict_get_raw(&p.o, "A"), "abc"));
    p = parse1(doc, "[1 2", false);
    cr_assert_eq(p.st, PITH_E_TRUNCATED);
    cr_assert_eq(p.o.n, 2);
    p = parse1(doc, "<41424", false);
    cr_assert_eq(p.st, PITH_E_TRUNCATED);
    cr_assert(bytes_eq(&p.o, "AB@", 3));
    p = parse1(doc, "(abc\\", false);
    cr_assert_eq(p.st, PITH_E_TRUNCATED);
    cr_assert(STR_EQ(&p.o, "abc"));
    close_doc(doc);
}

Test(pdf_lex_hostile, every_truncation_of_an_object_is_safe)
{
    pith_doc *doc = open_doc();
    const char *s = "<< /Type /Page /Kids [1 0 R 2 0 R] /S (a(b)c\\n\\053) /H <414> /N -.5 "
                    "/D << /X [[[/Y]]] >> /T true /F false /Z null >>";
    size_t n = strlen(s);
    for (size_t cut = 0; cut <= n; cut++) {
        pdf_lex lx;
        pdf_lex_init(&lx, doc, pith_doc_arena(doc), (const uint8_t *)s, cut, 0);
        pdf_obj o;
        pith_status st = pdf_parse(&lx, &o, false);
        cr_assert(st == PITH_OK || st == PITH_E_TRUNCATED, "cut %zu: %d", cut, st);
        cr_assert(lx.p <= lx.end);
    }
    close_doc(doc);
}

Test(pdf_lex_hostile, unbalanced_closers_are_skipped)
{
    pith_doc *doc = open_doc();
    parsed p = parse1(doc, ") ] >> > 5", false);
    cr_assert_eq(p.st, PITH_OK);
    cr_assert_eq(p.o.kind, PDF_INT);
    cr_assert_eq(p.o.u.i, 5);
    p = parse1(doc, "[1 >> 2", false); /* ">>" closes the array: the mismatch is the file's */
    cr_assert_eq(p.o.kind, PDF_ARRAY);
    cr_assert_eq(p.o.n, 1);
    close_doc(doc);
}

Test(pdf_lex_hostile, work_limit_stops_a_huge_array)
{
    pith_options o = pith_options_default();
    o.limits.max_work = 10000;
    pith_doc *doc = open_doc_opts(o);
    buf b = {0};
    buf_str(&b, "[");
    buf_rep(&b, "1 ", 100000);
    buf_str(&b, "]");
    parsed p = parse1(doc, b.p, false);
    cr_assert_eq(p.st, PITH_E_LIMIT);
    cr_assert_eq(pith_doc_status(doc), PITH_E_LIMIT);
    free(b.p);
    close_doc(doc);
}

Test(pdf_lex_hostile, a_large_array_grows_in_the_arena)
{
    pith_doc *doc = open_doc();
    buf b = {0};
    buf_str(&b, "[");
    for (int i = 0; i < 50000; i++) {
        char t[16];
        snprintf(t, sizeof t, "%d ", i);
        buf_str(&b, t);
    }
    buf_str(&b, "]");
    parsed p = parse1(doc, b.p, false);
    cr_assert_eq(p.st, PITH_OK);
    cr_assert_eq(p.o.n, 50000);
    cr_assert_eq(p.o.u.items[49999].u.i, 49999);
    /* Arena use stays within a small multiple of the items (40 bytes each). */
    cr_assert_lt(pith_ctx_stats(g_ctx).memory_bytes, (uint64_t)50000 * 40 * 5, "%llu",
                 (unsigned long long)pith_ctx_stats(g_ctx).memory_bytes);
    free(b.p);
    close_doc(doc);
}

/* MARK: - TJ arrays read flat (pdf_lex_tj, issue 7: the content interpreter's fast path) */

/* What pdf_lex_tj gave for a source, and what the general path (pdf_parse of the array, then
 * of the operator) gave for the same source in another document: the two must agree on every
 * item, on where the lexer stops and on the work drawn. */
typedef struct tj_run {
    bool flat;
    pdf_tj tj;
    pdf_tj_item items[64];
    uint8_t bytes[256];
    size_t end_flat, end_general;
    uint64_t work_general;
    pdf_obj arr, op;
    pith_status st_arr, st_op;
} tj_run;

static void tj_read(tj_run *r, const char *s, uint32_t cap, size_t cap_bytes)
{
    size_t n = strlen(s);
    memset(r, 0, sizeof *r);
    r->tj.items = r->items;
    r->tj.cap = cap;
    r->tj.bytes = r->bytes;
    r->tj.cap_bytes = cap_bytes;
    pith_doc *doc = open_doc();
    pdf_lex lx;
    pdf_lex_init(&lx, doc, pith_doc_arena(doc), (const uint8_t *)s, n, 0);
    uint64_t w0 = pith_ctx_stats(g_ctx).work;
    r->flat = pdf_lex_tj(&lx, &r->tj);
    cr_assert_eq(pith_ctx_stats(g_ctx).work, w0, "pdf_lex_tj draws no work itself");
    r->end_flat = (size_t)(lx.p - lx.base);
    close_doc(doc);
    /* the general path, in a document of its own */
    doc = open_doc();
    pdf_lex_init(&lx, doc, pith_doc_arena(doc), (const uint8_t *)s, n, 0);
    w0 = pith_ctx_stats(g_ctx).work;
    r->st_arr = pdf_parse(&lx, &r->arr, true);
    r->st_op = pdf_parse(&lx, &r->op, true);
    r->work_general = pith_ctx_stats(g_ctx).work - w0;
    r->end_general = (size_t)(lx.p - lx.base);
    /* the array's items live in the document arena, gone at close: compare them here */
    if (r->flat) {
        cr_assert_eq(r->st_arr, PITH_OK);
        cr_assert_eq(r->arr.kind, PDF_ARRAY);
        cr_assert_eq(r->op.kind, PDF_OP);
        cr_assert(r->op.n == 2 && memcmp(r->op.u.s, "TJ", 2) == 0);
        cr_assert_eq(r->tj.n, r->arr.n, "items: flat %u, general %u", r->tj.n, r->arr.n);
        for (uint32_t i = 0; i < r->tj.n; i++) {
            const pdf_obj *g = &r->arr.u.items[i];
            const pdf_tj_item *f = &r->tj.items[i];
            if (g->kind == PDF_STRING) {
                cr_assert(f->s != NULL, "item %u: a string in the general path", i);
                cr_assert(f->n == g->n && memcmp(f->s, g->u.s, g->n) == 0, "item %u bytes", i);
            } else {
                cr_assert(g->kind == PDF_INT || g->kind == PDF_REAL, "item %u kind %d", i,
                          g->kind);
                cr_assert(f->s == NULL, "item %u: a number in the general path", i);
                double want = pdf_num(g, 0);
                cr_assert(memcmp(&f->num, &want, sizeof want) == 0, "item %u: %.17g vs %.17g",
                          i, f->num, want);
            }
        }
        cr_assert_eq(r->tj.work, r->work_general, "work: flat %llu, general %llu",
                     (unsigned long long)r->tj.work, (unsigned long long)r->work_general);
        cr_assert_eq(r->end_flat, r->end_general);
    } else {
        cr_assert_eq(r->end_flat, 0, "a refusal leaves the lexer where it was");
    }
    close_doc(doc);
}

Test(pdf_lex_tj, reads_what_pdf_parse_reads)
{
    static const char *const srcs[] = {
        "[(Hel)10(lo)-600(World)] TJ",
        "[<01>1<02>-1<0304>3<0A0b 0c>-2]TJ",
        "[ ( a ) % a comment\n -250.5 <48 65 6C 6C 6F> ]\n%c\nTJ ",
        "[(a\\(b\\)\\101\\r\\n\\\\\\q\\\r\nc) (x\r\ny) (\\0533)] TJ",
        "[(nested (parens) kept)(\\))] TJ",
        "[<> () <7>] TJ",
        "[.5 -.5 +3 --4 - . 4. 1.5.5 5-6 -0 007 0.0000001] TJ",
    };
    for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
        tj_run r;
        tj_read(&r, srcs[i], 64, 256);
        cr_expect(r.flat, "not read flat: %s", srcs[i]);
    }
}

Test(pdf_lex_tj, empty_array)
{
    tj_run r;
    tj_read(&r, "[]TJ", 64, 256);
    cr_assert(r.flat);
    cr_assert_eq(r.tj.n, 0);
    cr_assert_eq(r.tj.work, 3); /* '[' ']' TJ */
    tj_read(&r, "[ ] TJ", 64, 256);
    cr_assert(r.flat);
}

Test(pdf_lex_tj, huge_numbers_as_pdf_parse)
{
    /* past 2^62 an integer becomes a real; 10+ digits leave the short-integer reading */
    tj_run r;
    tj_read(&r,
            "[99999999999999999999999999 -9223372036854775808 4611686018427387904 "
            "1234567890 -123456789 999999999 12345678901234567890.123456789012345678]TJ",
            64, 256);
    cr_assert(r.flat);
    cr_assert_eq(r.tj.n, 7);
    cr_assert_eq(r.tj.items[4].num, -123456789.0);
}

/* Each source is left to the general path by pdf_lex_tj. */
static void expect_declined(const char *const *srcs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tj_run r;
        tj_read(&r, srcs[i], 64, 256);
        cr_expect(!r.flat, "read flat: %s", srcs[i]);
    }
}

Test(pdf_lex_tj_hostile, nested_array_goes_to_the_general_path)
{
    tj_run r;
    tj_read(&r, "[(a) [1 (b)] (c)] TJ", 64, 256);
    cr_assert(!r.flat);
    tj_read(&r, "[(a) <</K 1>> (c)] TJ", 64, 256);
    cr_assert(!r.flat);
}

Test(pdf_lex_tj_hostile, unterminated_strings_and_arrays_go_to_the_general_path)
{
    static const char *const srcs[] = {
        "[<0102 (a)] TJ", /* the hex string runs to the end of the input */
        "[<0102",
        "[(a) (unfinished] TJ",
        "[(a) 1",
        "[(a\\",
        "[",
        "[(a)]",
        "[(a)] T",
    };
    expect_declined(srcs, sizeof srcs / sizeof srcs[0]);
}

Test(pdf_lex_tj_hostile, other_items_and_operators_go_to_the_general_path)
{
    static const char *const srcs[] = {
        "[3 2] 0 d",          /* a dash array */
        "[(a)] Tj",
        "[(a)] TJx",
        "[(a) /Name] TJ",
        "[(a) true] TJ",
        "[(a) Tw] TJ",        /* a keyword inside: kept as an item by pdf_parse */
        "[(a) 5abc] TJ",
        "[(a) ) (b)] TJ",     /* junk */
        "[(a) > (b)] TJ",
        "[(a) { (b)] TJ",
    };
    expect_declined(srcs, sizeof srcs / sizeof srcs[0]);
}

Test(pdf_lex_tj_hostile, more_than_the_room_goes_to_the_general_path)
{
    tj_run r;
    tj_read(&r, "[1 2 3 4] TJ", 4, 256);
    cr_assert(r.flat);
    tj_read(&r, "[1 2 3 4 5] TJ", 4, 256);
    cr_assert(!r.flat);
    /* decoded bytes: hex strings and escaped literals take room, plain literals none */
    tj_read(&r, "[<01020304>] TJ", 64, 4);
    cr_assert(r.flat);
    tj_read(&r, "[<0102030405>] TJ", 64, 4);
    cr_assert(!r.flat);
    tj_read(&r, "[<0102> <03040>] TJ", 64, 4);
    cr_assert(!r.flat);
    tj_read(&r, "[(a\\nbcd)] TJ", 64, 4);
    cr_assert(!r.flat);
    tj_read(&r, "[(abcdefgh)] TJ", 64, 4);
    cr_assert(r.flat);
}

/* Arrays made of the tokens and characters that matter to the lexer, in a fixed pseudo-random
 * order (xorshift, seeded): whatever pdf_lex_tj takes must be what pdf_parse reads, to the
 * byte, the number's bits, the stop and the work (tj_read checks); and every cut of a long
 * array. */
Test(pdf_lex_tj_hostile, random_and_cut_arrays_read_as_pdf_parse)
{
    static const char *const pieces[] = {
        "(ab)", "<4142>", "-250", "12.5", " ", "\n", "% c\n", "(a\\(b)", "<4 1>", "()", "<>",
        "-", ".", "+3", "--4", "007", "1.5.5", "5-6", "(x\r\ny)", "(\\101\\12)", "(n(e)st)",
        "99999999999999999999", "(", ")", "<", ">", "[", "]", "/N", "T", "J", "\\", "%", "\r",
        "<<", "a", "e",
    };
    uint32_t x = 0x9e3779b9u, flat = 0;
    char src[256];
    for (int round = 0; round < 3000; round++) {
        size_t n = 1;
        src[0] = '[';
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        uint32_t len = 1 + x % 12;
        for (uint32_t i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            /* the first 22 pieces are well formed: taken three times in four */
            uint32_t k = (x >> 8) % 4 ? x % 22 : x % (sizeof pieces / sizeof pieces[0]);
            size_t m = strlen(pieces[k]);
            memcpy(src + n, pieces[k], m);
            n += m;
        }
        /* most of them closed as a TJ would be, so that many are taken */
        if (x & 3) {
            memcpy(src + n, "]TJ", 3);
            n += 3;
        }
        src[n] = '\0';
        tj_run r;
        tj_read(&r, src, 64, 256);
        flat += r.flat;
    }
    cr_expect_gt(flat, 500, "only %u of the arrays read flat", flat);
    const char *whole = "[(Tr\\(a\\)\\101y)-250.5 <48 65 6C 6C 6F2>12 % c\n(x\r\ny)] TJ";
    for (size_t cut = 1; cut <= strlen(whole); cut++) {
        char part[80];
        memcpy(part, whole, cut);
        part[cut] = '\0';
        tj_run r;
        tj_read(&r, part, 64, 256);
        cr_expect_eq(r.flat, cut == strlen(whole), "cut %zu: %s", cut, part);
    }
}
