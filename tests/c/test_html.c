/* test_html.c: the HTML handler (handlers/text/html.c), its tokenizer (html_tok.c), its stack of
 * open elements (html_tree.c) and the character references (src/entities.c).
 *
 * Expected texts are written by hand from the HTML Standard (the tokenizer states, "in body"
 * implied end tags, the named character reference table: 2,231 names, 106 of them also without
 * ';') and the output formats of src/ser_text.c and src/ser_md.c (blocks separated by a blank
 * line, "- "/"N. " items, tab-separated cells, GFM tables); code points from the Unicode
 * charts; never from pith's own output. The handler is driven through pith_open_with (one test
 * goes through detection). Suite html_hostile builds its inputs in code: 100,000 nested
 * elements, everything unclosed, 50 MB of references, NUL bytes, every truncation of a page,
 * random bytes; it checks statuses and bounded arena use, never wall time.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "test_util.h"
#include "entities.h"
#include "../../handlers/text/html_tok.h"
#include "../../handlers/text/html_tree.h"

extern const pith_handler pith_handler_html;

/* MARK: - Helpers */


typedef struct result {
    pith_status open_st, next_st;
    buf text;
    buf meta;           /* "key=value\n" for each entry but encoding */
    char enc[32];
    char err[256];
    pith_stats stats;
} result;

static result run_opts(const void *data, size_t len, pith_options o)
{
    result r;
    memset(&r, 0, sizeof r);
    buf_put(&r.text, "", 0);
    buf_put(&r.meta, "", 0);
    pith_ctx *ctx = pith_ctx_create(NULL);
    cr_assert(ctx != NULL);
    pith_doc *doc = NULL;
    r.open_st = pith_open_with(ctx, &pith_handler_html, PITH_FMT_HTML, data, len, &o, &doc);
    if (r.open_st == PITH_OK) {
        pith_chunk c;
        for (;;) {
            r.next_st = pith_next(doc, &c);
            if (r.next_st != PITH_OK || (c.flags & PITH_CHUNK_END)) break;
            buf_put(&r.text, c.data, c.len);
        }
        for (uint32_t i = 0; i < pith_doc_meta_count(doc); i++) {
            pith_str k, v;
            cr_assert_eq(pith_doc_meta(doc, i, &k, &v), PITH_OK);
            if (k.n == 8 && memcmp(k.p, "encoding", 8) == 0) {
                snprintf(r.enc, sizeof r.enc, "%.*s", (int)v.n, v.p);
                continue;
            }
            buf_put(&r.meta, k.p, k.n);
            buf_str(&r.meta, "=");
            buf_put(&r.meta, v.p, v.n);
            buf_str(&r.meta, "\n");
        }
    }
    snprintf(r.err, sizeof r.err, "%s", pith_ctx_error(ctx).message);
    r.stats = pith_ctx_stats(ctx);
    pith_close(doc);
    pith_ctx_destroy(ctx);
    return r;
}

static result run_out(const char *html, pith_output out)
{
    pith_options o = pith_options_default();
    o.output = out;
    return run_opts(html, strlen(html), o);
}

static void result_free(result *r)
{
    free(r->text.p);
    free(r->meta.p);
}

static void expect(const char *html, pith_output out, const char *want)
{
    result r = run_out(html, out);
    cr_assert_eq(r.open_st, PITH_OK, "open: %s (%s)", pith_status_name(r.open_st), r.err);
    cr_assert_eq(r.next_st, PITH_OK, "next: %s (%s)", pith_status_name(r.next_st), r.err);
    cr_assert_str_eq(r.text.p, want, "input: %s", html);
    result_free(&r);
}
#define TEXT(html, want) expect(html, PITH_OUT_TEXT, want)
#define MD(html, want) expect(html, PITH_OUT_MARKDOWN, want)

/* MARK: - Character references (HTML §13.2.5.72-80, §13.5) */

static size_t named(const char *s, pith_entity *e)
{
    return pith_entity_match((const uint8_t *)s, strlen(s), e);
}

Test(html, the_whole_named_reference_table_is_there)
{
    /* the standard's table: 2,231 names, 106 of them legacy (valid without ';') */
    cr_assert_eq(pith_entity_count, 2125u);
    uint32_t legacy = 0;
    static const char *const some_legacy[] = {"amp", "AMP", "lt", "gt", "quot", "nbsp", "copy",
                                              "reg", "not", "frac34", "yuml", "THORN"};
    for (size_t i = 0; i < sizeof some_legacy / sizeof some_legacy[0]; i++) {
        pith_entity e;
        cr_assert_eq(named(some_legacy[i], &e), strlen(some_legacy[i]), "%s", some_legacy[i]);
        cr_assert_not(e.semicolon);
        legacy++;
    }
    cr_assert_eq(legacy, 12u);
}

/* Every key of the standard's table (tests/c/html5_entities_expected.h, written from Python's
 * html.entities.html5 without the coding of src/entities_table.c) decodes through the coded
 * table to its code points, whole, with its semicolon or as a legacy name without one. */
#include "html5_entities_expected.h"

Test(html, every_named_reference_decodes_as_the_standard_says)
{
    size_t n = sizeof html5_entities / sizeof html5_entities[0], semis = 0;
    cr_assert_eq(n, 2231u);
    for (size_t i = 0; i < n; i++) {
        const char *name = html5_entities[i].name;
        size_t len = strlen(name);
        bool semi = name[len - 1] == ';';
        pith_entity e;
        memset(&e, 0, sizeof e);
        cr_assert_eq(pith_entity_match((const uint8_t *)name, len, &e), len, "%s", name);
        cr_expect_eq(e.cp[0], html5_entities[i].cp0, "%s: U+%04X", name, e.cp[0]);
        cr_expect_eq(e.count, html5_entities[i].cp1 ? 2u : 1u, "%s", name);
        if (html5_entities[i].cp1) cr_expect_eq(e.cp[1], html5_entities[i].cp1, "%s", name);
        cr_expect_eq(e.semicolon, semi, "%s", name);
        semis += semi;
        if (!semi) {
            /* a legacy name begins a longer run ("&copyx"): found as the run's prefix, past
             * the filter of legacy first letters (src/entities.c) */
            char run[40];
            snprintf(run, sizeof run, "%sx9", name);
            cr_expect_eq(pith_entity_match((const uint8_t *)run, len + 2, &e), len, "%s", run);
            cr_expect_eq(e.cp[0], html5_entities[i].cp0, "%s", run);
        }
    }
    cr_expect_eq(semis, 2125u);
}

Test(html, named_references_decode_per_the_table)
{
    static const struct {
        const char *in;
        size_t len;
        uint32_t cp0, cp1;
    } cases[] = {
        {"amp;", 4, '&', 0},
        {"NotEqualTilde;", 14, 0x2242, 0x0338},          /* two code points */
        {"Afr;", 4, 0x1D504, 0},                         /* astral */
        {"CounterClockwiseContourIntegral;", 32, 0x2233, 0}, /* the longest name */
        {"notin;", 6, 0x2209, 0},
        {"nbsp;x", 5, 0xA0, 0},
        {"Tab;", 4, 9, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pith_entity e;
        cr_assert_eq(named(cases[i].in, &e), cases[i].len, "%s", cases[i].in);
        cr_assert_eq(e.cp[0], cases[i].cp0, "%s: U+%X", cases[i].in, e.cp[0]);
        cr_assert_eq(e.cp[1], cases[i].cp1, "%s", cases[i].in);
        cr_assert(e.semicolon);
    }
}

Test(html, legacy_names_take_the_longest_prefix)
{
    pith_entity e;
    /* "&notit;" is "¬it;" (the standard's own example) */
    cr_assert_eq(named("notit;", &e), 3u);
    cr_assert_eq(e.cp[0], 0xACu);
    cr_assert_eq(named("ampx", &e), 3u);
    cr_assert_eq(named("copyright", &e), 4u);
    cr_assert_eq(e.cp[0], 0xA9u);
    cr_assert_eq(named("xyz;", &e), 0u);  /* no such name: the '&' is text */
    cr_assert_eq(named("Amp;", &e), 0u);  /* names are case-sensitive */
    cr_assert_eq(named("", &e), 0u);
    /* a URL's query parameters: no legacy name begins them */
    cr_assert_eq(named("page=2", &e), 0u);
    cr_assert_eq(named("kommtype_id=2", &e), 0u);
    cr_assert_eq(named("Notin", &e), 0u);
    pith_entity l;
    cr_assert(pith_entity_lookup((const uint8_t *)"hearts", 6, &l));
    cr_assert_eq(l.cp[0], 0x2665u);
    cr_assert_not(pith_entity_lookup((const uint8_t *)"heart", 5, &l));
}

Test(html, numeric_references_follow_the_replacement_rules)
{
    static const struct {
        const char *in;
        size_t len;
        uint32_t cp;
    } cases[] = {
        {"#65;", 4, 'A'},          {"#x41;", 5, 'A'},      {"#X41", 4, 'A'},
        {"#128;", 5, 0x20AC},      {"#x9F;", 5, 0x0178},   {"#x81;", 5, 0x81},
        {"#0;", 3, 0xFFFD},        {"#xD800;", 7, 0xFFFD}, {"#x110000;", 9, 0xFFFD},
        {"#99999999999999999999;", 22, 0xFFFD},            {"#x1F600;", 8, 0x1F600},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t cp = 0;
        const char *s = cases[i].in;
        size_t k = pith_entity_numeric((const uint8_t *)s, strlen(s), &cp);
        cr_assert_eq(k, cases[i].len, "%s", s);
        cr_assert_eq(cp, cases[i].cp, "%s: U+%X", s, cp);
    }
    uint32_t cp;
    cr_assert_eq(pith_entity_numeric((const uint8_t *)"#;", 2, &cp), 0u);
    cr_assert_eq(pith_entity_numeric((const uint8_t *)"#x;", 3, &cp), 0u);
}

/* MARK: - Elements and tokenizer */

Test(html, element_table_is_sorted_and_every_name_is_found)
{
    for (uint32_t i = 1; i < HTML_EL_COUNT; i++) {
        const pith_html_el *e = pith_html_el_of(i);
        if (i > 1) cr_assert_lt(strcmp(pith_html_el_of(i - 1)->name, e->name), 0, "%s", e->name);
        uint32_t id = pith_html_el_find((const uint8_t *)e->name, (uint32_t)strlen(e->name));
        cr_assert_eq(id, i, "%s", e->name);
    }
    cr_assert_eq(pith_html_el_find((const uint8_t *)"p", 1), (uint32_t)HTML_EL_P);
    cr_assert_eq(pith_html_el_find((const uint8_t *)"custom-el", 9), 0u);
    cr_assert_eq(pith_html_el_find((const uint8_t *)"tabl", 4), 0u);
}

/* The tokens of a string, one line each: "T:text", "S:name[attr=value,...]/", "E:name". */
static char *tokens(const char *html, const char *rawtext_after)
{
    buf b = {0};
    buf_put(&b, "", 0);
    pith_html_tokenizer t;
    pith_html_tok tok;
    pith_html_tok_init(&t, (const uint8_t *)html, strlen(html));
    while (pith_html_tok_next(&t, &tok)) {
        char line[512];
        if (tok.kind == PITH_HTML_TEXT || tok.kind == PITH_HTML_CDATA) {
            snprintf(line, sizeof line, "%s:%.*s\n", tok.kind == PITH_HTML_TEXT ? "T" : "C",
                     (int)tok.n, (const char *)tok.p);
        } else {
            int k = snprintf(line, sizeof line, "%s:%.*s", tok.kind == PITH_HTML_START ? "S" : "E",
                             (int)tok.name_len, (const char *)tok.name);
            for (uint32_t i = 0; i < tok.attr_count; i++)
                k += snprintf(line + k, sizeof line - (size_t)k, "%s%.*s=%.*s", i ? "," : "[",
                              (int)tok.attrs[i].name_len, (const char *)tok.attrs[i].name,
                              (int)tok.attrs[i].value_len, (const char *)tok.attrs[i].value);
            snprintf(line + k, sizeof line - (size_t)k, "%s%s\n", tok.attr_count ? "]" : "",
                     tok.self_closing ? "/" : "");
            if (tok.kind == PITH_HTML_START && rawtext_after &&
                strlen(rawtext_after) == tok.name_len &&
                memcmp(rawtext_after, tok.name, tok.name_len) == 0)
                pith_html_tok_mode(&t, PITH_HTML_RAWTEXT, tok.name, tok.name_len);
        }
        buf_str(&b, line);
    }
    return b.p;
}

static void toks(const char *html, const char *want)
{
    char *got = tokens(html, NULL);
    cr_assert_str_eq(got, want, "input: %s", html);
    free(got);
}

Test(html, tokenizer_tags_and_attributes)
{
    toks("<A HREF=x Title='a b' data-x=\"1\" checked>t</a>",
         "S:a[HREF=x,Title=a b,data-x=1,checked=]\nT:t\nE:a\n");
    toks("<br/><img src=a.png />", "S:br/\nS:img[src=a.png]/\n");
    toks("<p a=1 a=2>", "S:p[a=1,a=2]\n"); /* duplicates are kept; lookups take the first */
    toks("<div a = 'x' b=>c</div>", "S:div[a=x,b=]\nT:c\nE:div\n");
    toks("<p/a/b>", "S:p[a=,b=]\n");
    toks("a < b <3 </>c", "T:a < b <3 \nT:c\n");
}

Test(html, tokenizer_comments_doctype_bogus_comments)
{
    toks("a<!-- x -- y -->b", "T:a\nT:b\n");
    toks("a<!-->b<!--->c", "T:a\nT:b\nT:c\n");
    toks("a<!-- x --!>b", "T:a\nT:b\n");
    toks("<!DOCTYPE html><p>x", "S:p\nT:x\n");
    toks("a<?xml version='1.0'?>b</1>c<!x>d", "T:a\nT:b\nT:c\nT:d\n");
    toks("a<![CDATA[x]]>b", "T:a\nT:b\n"); /* in HTML content a CDATA section is a bogus comment */
    toks("a<!-- never closed", "T:a\n");
}

Test(html, tokenizer_eof_inside_a_tag_drops_it)
{
    toks("text<a href='x", "T:text\n");
    toks("text<div class=x", "T:text\n");
}

Test(html, tokenizer_rawtext_ends_only_at_its_end_tag)
{
    char *got = tokens("<script>a</b> '</scriptx>' </SCRIPT >z", "script");
    cr_assert_str_eq(got, "S:script\nT:a</b> '</scriptx>' \nE:script\nT:z\n");
    free(got);
}

/* MARK: - Text semantics */

Test(html, whitespace_collapses_like_css)
{
    TEXT("<p>  a \n\t b  </p>", "a b\n");
    TEXT("<p>a<span> b </span> c</p>", "a b c\n");
    TEXT("<p>a</p>  \n  <p>b</p>", "a\n\nb\n");
    TEXT("x&nbsp;&nbsp;y", "x\xC2\xA0\xC2\xA0y\n");
    TEXT("a&#10;&#32;b", "a b\n");
}

Test(html, block_and_inline_elements)
{
    TEXT("<div>a</div><div>b</div>", "a\n\nb\n");
    TEXT("<span>a</span><span>b</span>", "ab\n");
    TEXT("a<div>b</div>c", "a\n\nb\n\nc\n");
    TEXT("<section><article><p>deep</p></article></section>", "deep\n");
}

Test(html, pre_and_textarea_keep_whitespace)
{
    TEXT("<pre>\n  x\n\n y</pre>", "  x\n\n y\n");
    TEXT("<pre>a<b> b </b>&lt;</pre>", "a b <\n");
    TEXT("<pre>a\r\nb\rc</pre>", "a\nb\nc\n");
    TEXT("<textarea>\n 1 &amp;\n 2</textarea>", " 1 &\n 2\n");
    TEXT("<xmp><b>&amp;</b></xmp>", "<b>&amp;</b>\n");
    MD("<pre>code\n  more</pre>", "```\ncode\n  more\n```\n");
}

Test(html, breaks_rules_headings)
{
    TEXT("a<br>b", "a\nb\n");
    TEXT("a<hr>b", "a\n\nb\n");
    MD("<h1>One</h1><h3>Three</h3>", "# One\n\n### Three\n");
    MD("<h2>a <em>b</em></h2>", "## a *b*\n");
    TEXT("a</br>b", "a\nb\n"); /* </br> is <br> */
}

Test(html, lists_with_numbering_and_nesting)
{
    TEXT("<ul><li>a<li>b</ul>", "- a\n- b\n");
    TEXT("<ol><li>a<li>b</ol>", "1. a\n2. b\n");
    TEXT("<ol start=\"7\"><li>a<li>b</ol>", "7. a\n8. b\n");
    TEXT("<ul><li>a<ul><li>b</ul><li>c</ul>", "- a\n  - b\n- c\n");
    MD("<ol start=3><li>x</li></ol>", "3. x\n");
}

/* `head`, then `piece` n times, then `tail`, NUL-terminated (malloc'd); *len its length. */
static char *repeat(const char *head, const char *piece, size_t n, const char *tail, size_t *len)
{
    size_t h = strlen(head), p = strlen(piece), t = strlen(tail);
    char *s = malloc(h + p * n + t + 1);
    cr_assert_not_null(s);
    memcpy(s, head, h);
    for (size_t i = 0; i < n; i++) memcpy(s + h + i * p, piece, p);
    memcpy(s + h + p * n, tail, t + 1);
    *len = h + p * n + t;
    return s;
}

/* html (freed here) under options o succeeds, and its text starts with want. */
static void expect_start(char *html, size_t len, pith_options o, const char *want)
{
    result r = run_opts(html, len, o);
    cr_assert_eq(r.open_st, PITH_OK, "open: %s (%s)", pith_status_name(r.open_st), r.err);
    cr_assert_eq(r.next_st, PITH_OK, "next: %s (%s)", pith_status_name(r.next_st), r.err);
    cr_assert(strncmp(r.text.p, want, strlen(want)) == 0, "%.40s", r.text.p);
    result_free(&r);
    free(html);
}

/* rowspan (§4.9.12): a cell spanning rows is written in its first row; each row below has an
 * empty cell over the columns it covers, so later cells stay under their headers. */
Test(html, row_spans_leave_empty_cells_below)
{
    /* a header of two rows (the shape of the corpus's complex_table.html) */
    TEXT("<table><tr><th rowspan=2>R<th colspan=2>S<th rowspan=2>T<tr><th>a<th>b"
         "<tr><td>1<td>2<td>3<td>4</table>",
         "R\tS\t\tT\n\ta\tb\t\n1\t2\t3\t4\n");
    /* a middle column, for three rows */
    TEXT("<table><tr><td>a<td rowspan=3>b<td>c<tr><td>d<td>e<tr><td>f<td>g<tr><td>h<td>i</table>",
         "a\tb\tc\nd\t\te\nf\t\tg\nh\ti\n");
    /* 0: to the end of the row group; a span ends with its group anyway */
    TEXT("<table><tbody><tr><td rowspan=0>x<td>1<tr><td>2<tr><td>3<tbody><tr><td rowspan=9>4"
         "<td>5<tfoot><tr><td>6</table>",
         "x\t1\n\t2\n\t3\n4\t5\n6\n");
    /* a nested table has its own columns; the outer span goes on past it */
    TEXT("<table><tr><td rowspan=2>o<td><table><tr><td rowspan=2>i<td>j<tr><td>k</table>"
         "<tr><td>p</table>",
         "o\ti j k\n\tp\n");
    MD("<table><tr><th rowspan=2>a<th>b<tr><th>c</table>", "| a | b |\n| --- | --- |\n| | c |\n");
}

/* Span columns are kept per nesting depth, not per table: 20,000 tables with a span fit in a
 * memory limit that one array each (4 KiB) would pass five times over. */
Test(html, row_span_memory_is_reused_across_tables)
{
    size_t len;
    char *html = repeat("", "<table><tr><td rowspan=2>a<td>b<tr><td>c</table>", 20000, "", &len);
    pith_options o = pith_options_default();
    o.limits.max_memory_bytes = 16u << 20;
    expect_start(html, len, o, "a\tb\n\tc\n\na\tb\n\tc\n");
}

/* HTML §4.4.5 numbering: a reversed ol without (an integer) start counts down from its own
 * item count, found by reading ahead; li value restarts the count; start parses as an integer
 * (spaces, a sign, digits, anything after ignored). */
Test(html, reversed_lists_count_down_from_their_items)
{
    TEXT("<ol reversed><li>a<li>b<li>c</ol>", "3. a\n2. b\n1. c\n");
    TEXT("<ol reversed start=\"x\"><li>a<li>b</ol>", "2. a\n1. b\n");
    TEXT("<ol reversed start=2><li>a<li>b<li>c</ol>", "2. a\n1. b\n0. c\n");
    /* a nested list's items are its own; a script's "<li>" is no item */
    TEXT("<ol reversed><li>a<ol reversed><li>x<li>y<li>z</ol><li>b<script>'<li>'</script></ol>",
         "2. a\n  3. x\n  2. y\n  1. z\n1. b\n");
    /* </ol> closes the ul left open inside it, as the tree builder does */
    TEXT("<ol reversed><li>a<ul><li>u</ol><p>after", "1. a\n  - u\n\nafter\n");
    /* the input ends inside: the items so far */
    TEXT("<ol reversed><li>a<li>b", "2. a\n1. b\n");
    /* two lists one after the other: each reads ahead over its own items */
    TEXT("<ol reversed><li>a</ol><ol reversed><li>b<li>c</ol>", "1. a\n\n2. b\n1. c\n");
    MD("<ol reversed><li>a<li>b</ol>", "2. a\n1. b\n");
}

Test(html, item_values_and_signed_starts)
{
    TEXT("<ol><li>a<li value=\"7\">b<li>c</ol>", "1. a\n7. b\n8. c\n");
    TEXT("<ol reversed><li>a<li value=10>b<li>c</ol>", "3. a\n10. b\n9. c\n");
    TEXT("<ol start=\" -2x\"><li>a<li>b<li>c</ol>", "-2. a\n-1. b\n0. c\n");
    TEXT("<ol start=\"+4\"><li>a<li value=\"z\">b</ol>", "4. a\n5. b\n");
    TEXT("<ul><li value=3>a</ul>", "- a\n");
    /* a number beyond 32 bits is clamped there */
    TEXT("<ol start=99999999999><li>a</ol>", "4294967295. a\n");
}

/* Reading ahead is linear: nested reversed lists are counted by the outermost one's pass (2,000
 * lists each reading to the end would read 2,000 times the page). Past max_depth the page is
 * flattened and its numbers are whatever the flattened items give; within it they are exact. */
Test(html, reversed_list_look_ahead_is_bounded)
{
    size_t k;
    char *html = repeat("", "<ol reversed><li>x", 2000, "", &k);
    pith_options o = pith_options_default();
    o.limits.max_depth = 4100; /* an ol and an li a list, and the document and unit events */
    /* the handler draws a unit per byte, the look-ahead one per byte it reads: twice the page
     * and a margin is enough only if no byte is read ahead twice */
    o.limits.max_work = 3 * (uint64_t)k;
    result r = run_opts(html, k, o);
    cr_assert_eq(r.next_st, PITH_OK, "next: %s (%s)", pith_status_name(r.next_st), r.err);
    /* every list holds one item (its own li) */
    cr_assert(strncmp(r.text.p, "1. x\n  1. x\n", 12) == 0, "%.40s", r.text.p);
    cr_assert_null(strstr(r.text.p, "0. x"));
    cr_assert_null(strstr(r.text.p, "2. x"));
    result_free(&r);
    free(html);

    /* one after the other: each reads its own list only */
    html = repeat("", "<ol reversed><li>a<li>b</ol>", 50000, "", &k);
    o = pith_options_default();
    o.limits.max_work = 3 * (uint64_t)k;
    expect_start(html, k, o, "2. a\n1. b\n\n2. a\n1. b\n");

    /* end tags of a kind not open, under a deep stack of the other kind: each is dropped
     * without a walk down the stack (the walk is work, so a quadratic one exhausts the budget) */
    size_t deep = 5000, n;
    char *open = repeat("<ol reversed><li>a", "<ol>", deep, "", &n);
    char *ends = repeat("", "</ul>", 100000, "", &n);
    html = repeat(open, "", 0, ends, &k);
    free(open);
    free(ends);
    o = pith_options_default();
    o.limits.max_depth = 2 * deep + 100;
    o.limits.max_work = 3 * (uint64_t)k;
    expect_start(html, k, o, "1. a\n");
}

Test(html, tables_text_and_markdown)
{
    TEXT("<table><tr><th>a<th>b<tr><td>1<td>2</table>", "a\tb\n1\t2\n");
    TEXT("<table><tr><td colspan=2>wide<td>c</table>", "wide\t\tc\n");
    /* colspan parses as an integer: spaces and a sign before, anything after ignored; 0, a
     * negative or no number is 1 */
    TEXT("<table><tr><td colspan=\" +2px\">w<td>c<tr><td colspan=0>a<td colspan=-3>b<td "
         "colspan=x>c</table>",
         "w\t\tc\na\tb\tc\n");
    MD("<table><tr><th>a<th>b<tr><td>1<td>2</table>", "| a | b |\n| --- | --- |\n| 1 | 2 |\n");
    /* a cell without a row implies one; a caption stays before the table */
    TEXT("<table><caption>Cap</caption><td>x</td></table>", "Cap\n\nx\n");
}

/* An item's or a cell's inline content is the item's own (<li>a</li> holds no paragraph):
 * fewer events, and HTML output that does not add <p> the page did not have. A boundary with no
 * event of its own (a div inside the item) still starts a new paragraph, in every output. */
Test(html, items_and_cells_hold_their_inline_content)
{
    expect("<ul><li>a <b>b</b><li><a href=/x>c</a> d</ul>", PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<ul>\n<li>a<strong> b</strong></li>\n"
           "<li><a href=\"/x\">c</a> d</li>\n</ul>\n</section>\n");
    TEXT("<ul><li>a<div>b</div>c<li><div>e</div></ul>", "- a\n  b\n  c\n- e\n");
    expect("<ul><li>a<div>b</div>c</ul>", PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<ul>\n<li>a<p>b</p>\n<p>c</p>\n</li>\n</ul>\n</section>\n");
    TEXT("<table><tr><td>x<td>y<div>z</div>w</table>", "x\ty z w\n");
    /* a nested table in a cell: its cells stay on their row's line in the cell's text */
    result r = run_out("<table><tr><td>n<table><tr><td>1<td>2<tr><td>3</table></table>",
                       PITH_OUT_JSONL);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_assert(strstr(r.text.p, "{\"type\":\"table\",\"rows\":[[{\"text\":\"n\\n1\\t2\\n3\"}]]}"),
              "%s", r.text.p);
    result_free(&r);
}

Test(html, images_and_links)
{
    TEXT("see <img alt=\"a &amp; b\" src=x.png> here", "see a & b here\n");
    MD("a <a href=\"/x?a=1&amp;b=2\">link</a> b", "a [link](/x?a=1&b=2) b\n");
    MD("<a href=\"/x?a=1&copy=2\">t</a>", "[t](/x?a=1&copy=2)\n"); /* legacy name before '=' */
    TEXT("<a name=top>anchor</a>", "anchor\n");
}

Test(html, hidden_content_is_skipped)
{
    TEXT("a<div hidden>no</div>b", "ab\n"); /* no box at all: a and b share a line */
    TEXT("a<span style=\"color:red; DISPLAY : none\">no</span>b", "ab\n");
    TEXT("a<span style=\"display:nonesuch\">yes</span>", "ayes\n");
    TEXT("a<script>no()</script><style>p{}</style><template><p>no</p></template>b", "ab\n");
    TEXT("<svg><text>no</text></svg>yes", "yes\n");
    TEXT("<head><title>T</title><style>x</style></head><body>b", "b\n");
}

Test(html, implied_end_tags_give_the_right_structure)
{
    TEXT("<p>a<p>b", "a\n\nb\n");
    TEXT("<ul><li>a<p>b<li>c</ul>", "- a\n  b\n- c\n"); /* blocks of an item: one per line */
    TEXT("<table><tr><td>a<td>b<tr><td>c</table>", "a\tb\nc\n");
    TEXT("<dl><dt>t<dd>d</dl>", "t\n\nd\n");
    TEXT("<select><option>a<option>b</select>", "a\n\nb\n");
    TEXT("<h1>a<h2>b", "a\n\nb\n");
    TEXT("<p>a<div>b</div>c</p>", "a\n\nb\n\nc\n");
}

Test(html, references_in_text_and_nul_bytes)
{
    TEXT("&lt;&gt;&amp;&quot;&apos;&copy &notit; &#x263A;",
         "<>&\"'\xC2\xA9 \xC2\xACit; \xE2\x98\xBA\n");
    TEXT("&unknown; & &#;", "&unknown; & &#;\n");
    const char nul[] = "a\0b<p\0>c";
    result r = run_opts(nul, sizeof nul - 1, pith_options_default());
    /* NUL is no text; "p\0" names an unknown, inline element */
    cr_assert_str_eq(r.text.p, "abc\n");
    result_free(&r);
}

Test(html, emphasis_and_code_flags_in_markdown)
{
    MD("<p><b>bold</b> <i>it</i> <code>x</code> <del>gone</del></p>",
       "**bold** *it* `x` ~~gone~~\n");
}

/* MARK: - Metadata */

Test(html, head_metadata)
{
    result r = run_out("<html lang=fr><head><title> A &amp; B </title>"
                       "<meta name=Author content=\"Ann\"><meta name=description content=\"D\">"
                       "<meta name=keywords content=\"k1, k2\">"
                       "<meta property=\"og:title\" content=\"OG\">"
                       "<meta property=og:description content=OD>"
                       "</head><body>x",
                       PITH_OUT_TEXT);
    cr_assert_eq(r.open_st, PITH_OK);
    cr_assert_str_eq(r.text.p, "x\n");
    cr_assert_str_eq(r.meta.p, "language=fr\ntitle=A & B\nauthor=Ann\ndescription=D\n"
                               "keywords=k1, k2\nog:title=OG\nog:description=OD\n");
    result_free(&r);
}

Test(html, detection_routes_html_to_this_handler)
{
    const char *page = "<!DOCTYPE html><html><body><p>hi</p></body></html>";
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    cr_assert_eq(pith_open(ctx, page, strlen(page), NULL, &doc), PITH_OK);
    cr_assert_eq(pith_doc_format(doc), PITH_FMT_HTML);
    pith_close(doc);
    pith_ctx_destroy(ctx);
}

/* MARK: - Encodings in the handler */

Test(html, meta_charset_decodes_legacy_bytes)
{
    /* "Привет" in windows-1251 (WHATWG index-windows-1251: П = 0xCF, р = 0xF0 ...) */
    const char page[] = "<meta charset=windows-1251><p>\xCF\xF0\xE8\xE2\xE5\xF2</p>";
    result r = run_opts(page, sizeof page - 1, pith_options_default());
    cr_assert_str_eq(r.enc, "windows-1251");
    cr_assert_str_eq(r.text.p, "Привет\n");
    result_free(&r);
}

Test(html, hint_charset_beats_the_meta)
{
    const char page[] = "<meta charset=windows-1251><p>\xE9</p>";
    pith_options o = pith_options_default();
    o.hint = "text/html; charset=iso-8859-7";
    o.hint_len = strlen(o.hint);
    result r = run_opts(page, sizeof page - 1, o);
    cr_assert_str_eq(r.enc, "iso-8859-7");
    cr_assert_str_eq(r.text.p, "\xCE\xB9\n"); /* ι U+03B9 */
    result_free(&r);
}

Test(html, bom_and_bomless_utf16)
{
    const char le[] = "\xFF\xFE<\0p\0>\0\xE9\0";
    result r = run_opts(le, sizeof le - 1, pith_options_default());
    cr_assert_str_eq(r.enc, "utf-16le");
    cr_assert_str_eq(r.text.p, "\xC3\xA9\n");
    result_free(&r);
    buf b = {0};
    for (int i = 0; i < 40; i++) buf_put(&b, "<\0p\0>\0a\0<\0/\0p\0>\0", 16);
    r = run_opts(b.p, b.n, pith_options_default());
    cr_assert_str_eq(r.enc, "utf-16le");
    free(b.p);
    result_free(&r);
}

Test(html, valid_utf8_wins_over_a_legacy_meta)
{
    const char page[] = "<meta charset=iso-8859-1><p>caf\xC3\xA9</p>";
    result r = run_opts(page, sizeof page - 1, pith_options_default());
    cr_assert_str_eq(r.enc, "utf-8");
    cr_assert_str_eq(r.text.p, "caf\xC3\xA9\n");
    result_free(&r);
}

Test(html, a_multibyte_encoding_needs_its_pack)
{
    const char page[] = "<meta charset=shift_jis><p>\x82\xA0</p>";
    result r = run_opts(page, sizeof page - 1, pith_options_default());
    cr_assert_eq(r.open_st, PITH_E_NEED_PACK);
    cr_assert_str_eq(pith_status_name(r.open_st), "PITH_E_NEED_PACK");
    cr_assert_str_eq(r.err, "charset: shift_jis needs data pack cjk-encodings");
    result_free(&r);
    /* a pack that is there but corrupt is a format error naming the pack */
    pith_pack bad = {"cjk-encodings", "garbage-not-a-pack", 18};
    pith_options o = pith_options_default();
    o.packs = &bad;
    o.pack_count = 1;
    r = run_opts(page, sizeof page - 1, o);
    cr_assert_eq(r.open_st, PITH_E_FORMAT);
    cr_assert_str_eq(r.err, "pack: cjk-encodings: bad magic (not a pith data pack)");
    result_free(&r);
}

Test(html, seven_bit_iso_2022_jp_is_told_by_its_escapes)
{
    /* JIS X 0208 row 4 cell 2 (あ) between ESC $ B and ESC ( B: valid UTF-8 bytes, not UTF-8 */
    const char page[] = "<p>x\x1B$B\x24\x22\x1B(B</p>";
    result r = run_opts(page, sizeof page - 1, pith_options_default());
    cr_assert_eq(r.open_st, PITH_E_NEED_PACK);
    cr_assert_str_eq(r.err, "charset: iso-2022-jp needs data pack cjk-encodings");
    result_free(&r);
}

/* MARK: - Nested documents */

static pith_status nest_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    (void)data;
    (void)len;
    (void)state;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    return PITH_OK;
}

static pith_status nest_unit(pith_doc *doc, void *state, uint32_t index)
{
    (void)state;
    (void)index;
    pith_status st = pith_emit_block(doc, PITH_EV_PARAGRAPH, NULL, "before", 6);
    const char *block = "<ul><li>one<li><b>two</b></ul><p>after &amp; all";
    if (st == PITH_OK) st = pith_nested(doc, (const uint8_t *)block, strlen(block), "html", 4);
    if (st == PITH_OK) st = pith_emit_block(doc, PITH_EV_PARAGRAPH, NULL, "end", 3);
    return st;
}

Test(html, nested_html_blocks_come_out_in_place)
{
    const pith_handler host = {"host", nest_open, nest_unit};
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    pith_options o = pith_options_default();
    o.output = PITH_OUT_MARKDOWN;
    cr_assert_eq(pith_open_with(ctx, &host, PITH_FMT_MARKDOWN, "", 0, &o, &doc), PITH_OK);
    buf b = {0};
    buf_put(&b, "", 0);
    pith_chunk c;
    while (pith_next(doc, &c) == PITH_OK && !(c.flags & PITH_CHUNK_END)) buf_put(&b, c.data, c.len);
    cr_assert_eq(pith_doc_warning_count(doc), 0u);
    cr_assert_str_eq(b.p, "before\n\n- one\n- **two**\n\nafter & all\n\nend\n");
    free(b.p);
    pith_close(doc);
    pith_ctx_destroy(ctx);
}

/* MARK: - Corpus */

Test(html, corpus_pages_extract_and_keep_their_words)
{
    const char *corpus = getenv("PITH_CORPUS");
    if (!corpus) cr_skip("PITH_CORPUS not set");
    char path[4096];
    snprintf(path, sizeof path, "%s/html/kreuzberg__complex_table.html", corpus);
    FILE *f = fopen(path, "rb");
    if (!f) cr_skip("corpus absent: %s", path);
    char *d = malloc(1 << 16);
    size_t n = fread(d, 1, 1 << 16, f);
    fclose(f);
    result r = run_opts(d, n, pith_options_default());
    cr_assert_eq(r.open_st, PITH_OK);
    /* a row of the page, read by hand: USA, then four quarters and the total */
    cr_assert_not_null(strstr(r.text.p, "USA\t$150\t$180\t$165\t$200\t$695\n"));
    cr_assert_not_null(strstr(r.meta.p, "title=Complex Table Test\n"));
    result_free(&r);
    free(d);
}

/* MARK: - Hostile */

Test(html_hostile, hundred_thousand_nested_divs)
{
    buf b = {0};
    buf_rep(&b, "<div>", 100000);
    buf_str(&b, "deep");
    buf_rep(&b, "</div>", 100000);
    buf_str(&b, "out");
    result r = run_opts(b.p, b.n, pith_options_default());
    cr_assert_eq(r.open_st, PITH_OK);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_assert_str_eq(r.text.p, "deep\n\nout\n");
    cr_assert_lt(r.stats.memory_high, (uint64_t)8 << 20);
    result_free(&r);
    free(b.p);
}

Test(html_hostile, nesting_limit_fails_only_where_output_would_be_wrong)
{
    pith_options o = pith_options_default();
    o.limits.max_depth = 16;
    /* 100 divs deep is fine: divs past the limit only separate blocks */
    buf b = {0};
    buf_rep(&b, "<div>", 100);
    buf_str(&b, "a");
    result r = run_opts(b.p, b.n, o);
    cr_assert_eq(r.next_st, PITH_OK);
    cr_assert_str_eq(r.text.p, "a\n");
    result_free(&r);
    /* a script past it is still no text (its raw text is dropped as it comes) */
    buf_str(&b, "<script>var no;</script>b");
    r = run_opts(b.p, b.n, o);
    cr_assert_eq(r.next_st, PITH_OK);
    cr_assert_str_eq(r.text.p, "ab\n");
    result_free(&r);
    /* a <pre> past it would lose its whitespace: PITH_E_LIMIT */
    buf_str(&b, "<pre>  x  </pre>");
    r = run_opts(b.p, b.n, o);
    cr_assert_eq(r.next_st, PITH_E_LIMIT);
    cr_assert_not_null(strstr(r.err, "limit max_depth"), "%s", r.err);
    result_free(&r);
    free(b.p);
}

Test(html_hostile, unclosed_everything)
{
    buf b = {0};
    for (int i = 0; i < 20000; i++) buf_str(&b, "<b><i><ul><li><table><tr><td><a href=x>t");
    result r = run_opts(b.p, b.n, pith_options_default());
    cr_assert_eq(r.open_st, PITH_OK);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_assert_lt(r.stats.memory_high, (uint64_t)32 << 20);
    result_free(&r);
    /* and as Markdown, where every nesting level is a structure */
    pith_options o = pith_options_default();
    o.output = PITH_OUT_MARKDOWN;
    r = run_opts(b.p, b.n, o);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    result_free(&r);
    free(b.p);
}

Test(html_hostile, fifty_megabytes_of_references)
{
    size_t reps = 10u << 20; /* "&amp;" is 5 bytes: 50 MiB */
    char *d = malloc(reps * 5);
    for (size_t i = 0; i < reps; i++) memcpy(d + i * 5, "&amp;", 5);
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    cr_assert_eq(pith_open_with(ctx, &pith_handler_html, PITH_FMT_HTML, d, reps * 5, NULL, &doc),
                 PITH_OK);
    pith_chunk c;
    size_t out = 0, bad = 0;
    pith_status st;
    while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        for (size_t i = 0; i < c.len; i++) bad += c.data[i] != '&' && c.data[i] != '\n';
        out += c.len;
    }
    cr_assert_eq(st, PITH_OK);
    cr_assert_eq(bad, 0u);
    cr_assert_eq(out, reps + 1); /* every reference, and the final line end */
    cr_assert_lt(pith_ctx_stats(ctx).memory_high, (uint64_t)16 << 20);
    pith_close(doc);
    pith_ctx_destroy(ctx);
    free(d);
}

Test(html_hostile, references_across_step_boundaries_are_whole)
{
    /* 200 KiB of text with references everywhere: the handler cuts text into 64 KiB pieces,
     * never inside a reference */
    buf b = {0};
    buf_str(&b, "<p>");
    for (int i = 0; i < 20000; i++) buf_str(&b, "ab &eacute;");
    result r = run_out(b.p, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK);
    buf w = {0};
    buf_rep(&w, "ab \xC3\xA9", 20000);
    buf_str(&w, "\n");
    cr_assert_eq(r.text.n, w.n);
    cr_assert(memcmp(r.text.p, w.p, w.n) == 0);
    result_free(&r);
    free(b.p);
    free(w.p);
}

Test(html_hostile, nul_bytes_everywhere)
{
    char d[4096];
    for (size_t i = 0; i < sizeof d; i++) d[i] = (i % 7 == 0) ? '\0' : "<p a=\0>x&amp\0;"[i % 14];
    result r = run_opts(d, sizeof d, pith_options_default());
    cr_assert_eq(r.open_st, PITH_OK);
    cr_assert_eq(r.next_st, PITH_OK);
    cr_assert_null(memchr(r.text.p, '\0', r.text.n));
    result_free(&r);
}

Test(html_hostile, every_truncation_of_a_page)
{
    const char *page = "<!DOCTYPE html><html lang=en><head><title>T &amp; t</title>"
                       "<meta charset=utf-8></head><body><h1 id=x>H</h1><p>a <b>b</b> &eacute;"
                       "<!-- c --><ul><li>1<li>2</ul><table><tr><td colspan=2>x</table>"
                       "<pre>\n p</pre><script>if(a<b)x()</script><a href='u'>l</a></body></html>";
    size_t n = strlen(page);
    for (size_t cut = 0; cut <= n; cut++) {
        char *heap = malloc(cut ? cut : 1); /* exactly cut bytes: ASan flags an overread */
        memcpy(heap, page, cut);
        for (int out = 0; out < PITH_OUT_COUNT; out++) {
            pith_options o = pith_options_default();
            o.output = (pith_output)out;
            result r = run_opts(heap, cut, o);
            cr_assert_eq(r.open_st, PITH_OK, "cut %zu", cut);
            cr_assert_eq(r.next_st, PITH_OK, "cut %zu: %s", cut, r.err);
            result_free(&r);
        }
        free(heap);
    }
}

Test(html_hostile, random_bytes_and_markup_soup)
{
    static const char *const parts[] = {"<", ">", "</", "<!--", "-->", "<p>", "<table>", "<td>",
                                        "<tr>", "&", "&#x", ";", "\"", "'", "=", " ", "<svg>",
                                        "<math>", "<![CDATA[", "]]>", "<pre>", "<li>", "<ol>",
                                        "<script>", "</script>", "<title>", "\xE2\x82", "\0",
                                        "<a href=", "hidden", "<div style=display:none>", "x"};
    uint32_t s = 7;
    for (int round = 0; round < 200; round++) {
        buf b = {0};
        for (int i = 0; i < 400; i++) {
            s = s * 1103515245u + 12345u;
            buf_str(&b, parts[(s >> 16) % (sizeof parts / sizeof parts[0])]);
        }
        for (int out = 0; out < PITH_OUT_COUNT; out++) {
            pith_options o = pith_options_default();
            o.output = (pith_output)out;
            o.limits.max_depth = 1 + round % 40;
            result r = run_opts(b.p, b.n, o);
            cr_assert_eq(r.open_st, PITH_OK);
            cr_assert(r.next_st == PITH_OK || r.next_st == PITH_E_LIMIT, "%s", r.err);
            result_free(&r);
        }
        free(b.p);
    }
}

Test(html_hostile, nul_bytes_in_attribute_values_and_the_title)
{
    /* a NUL becomes U+FFFD, three bytes: the values' buffers must take 3 bytes per input byte */
    buf b = {0};
    buf_str(&b, "<title>");
    for (int i = 0; i < 9000; i++) buf_put(&b, "\0", 1);
    buf_str(&b, "</title><img alt=\"");
    for (int i = 0; i < 9000; i++) buf_put(&b, "\0", 1);
    buf_str(&b, "\"><a href='");
    for (int i = 0; i < 9000; i++) buf_put(&b, "\0", 1);
    buf_str(&b, "'>x</a>");
    for (int out = 0; out < PITH_OUT_COUNT; out++) {
        pith_options o = pith_options_default();
        o.output = (pith_output)out;
        result r = run_opts(b.p, b.n, o);
        cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
        result_free(&r);
    }
    free(b.p);
}

Test(html_hostile, thousands_of_attributes_and_a_giant_tag)
{
    buf b = {0};
    buf_str(&b, "<p");
    for (int i = 0; i < 50000; i++) buf_str(&b, " a=\"1\" hidden");
    buf_str(&b, ">x</p>y");
    result r = run_out(b.p, PITH_OUT_TEXT);
    /* the 33rd attribute onwards is not kept: hidden (the 2nd) is, so x is skipped */
    cr_assert_str_eq(r.text.p, "y\n");
    result_free(&r);
    free(b.p);
}

/* MARK: - Fast paths (issue 4: HTML speed) */

/* Whitespace collapsing as CSS white-space: normal says, written here without pith's code:
 * controls other than whitespace are dropped, "&amp;" is '&', whitespace runs become one space,
 * none at the ends. The handler scans text eight bytes at a time; this compares it with the
 * rule on strings where spaces, controls and references fall at every offset of a word. */
static void collapse_ref(const char *s, buf *out)
{
    bool ws = false, any = false;
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            ws = true;
            continue;
        }
        if (c < 0x20 || c == 0x7F) continue;
        if (ws && any) buf_put(out, " ", 1);
        ws = false;
        any = true;
        buf_put(out, s + i, 1);
        if (c == '&' && strncmp(s + i, "&amp;", 5) == 0) i += 4;
    }
    buf_put(out, "\n", 1);
}

Test(html, eight_byte_text_scan_follows_the_collapsing_rule)
{
    static const char *const pieces[] = {"a", "b", "c", "\xC3\xA9", " ", " ", "  ", "\n",
                                         "\t", "&amp;", "\x01", "\x7F", "xyz"};
    uint32_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        buf html = {0}, want = {0}, body = {0};
        int len = 1 + round % 40;
        for (int k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            buf_str(&body, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
        }
        buf_put(&body, "", 1);
        buf_str(&html, "<p>");
        buf_str(&html, body.p);
        buf_str(&html, "</p>");
        buf_put(&html, "", 1);
        collapse_ref(body.p, &want);
        buf_put(&want, "", 1);
        if (strcmp(want.p, "\n") == 0) want.p[0] = '\0'; /* an empty paragraph writes nothing */
        result r = run_out(html.p, PITH_OUT_TEXT);
        cr_assert_str_eq(r.text.p, want.p, "round %d: %s", round, html.p);
        result_free(&r);
        free(html.p);
        free(want.p);
        free(body.p);
    }
}

Test(html, a_tag_name_with_a_nul_is_not_the_known_element)
{
    /* names are compared zero-padded: "script\0" must not pass for "script" */
    const char in[] = "<script>s</script><script\0>t</script\0>u";
    pith_options o = pith_options_default();
    result r = run_opts(in, sizeof in - 1, o);
    cr_assert_str_eq(r.text.p, "tu\n");
    result_free(&r);
}
