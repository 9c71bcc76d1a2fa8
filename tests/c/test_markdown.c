/* test_markdown.c: the Markdown handler (handlers/text/markdown.c, md_block.c, md_inline.c,
 * md_front.c).
 *
 * Events are recorded by a sink into a compact notation (see rec_*) and compared with what
 * the CommonMark 0.31.2 / GFM 0.29 spec examples say, written by hand from the spec's
 * expected HTML (example numbers in the test names' comments); other outputs are checked
 * against hand-written text. The full 652-example run is tests/js/commonmark.test.mjs.
 * Hostile cases (suite markdown_hostile) are md4c's and cmark's pathological inputs, built in
 * code: each must end with PITH_OK, the right amount of text and bounded memory; none asserts
 * time (a quadratic regression shows as the suite's timeout).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "test_util.h"

/* The handler through the registry: a build configured with -Dmarkdown=false still builds
 * this file, and its tests skip. */
static const pith_handler *md_handler(void)
{
    const pith_handler *h = pith_registry_find(PITH_FMT_MARKDOWN);
    if (!h || strcmp(h->name, "markdown") != 0) {
        cr_skip("the markdown handler is not in this build (-Dmarkdown=false)");
        return NULL;
    }
    return h;
}

/* MARK: - Helpers */


/* The recorder: <h2>, <p>, <q> (quote), <ul>/<ol N>, <li>/<li x>/<li o> (task done/open),
 * <code LANG>, <t>/<r>/<c>/<th> (table, row, cell, header cell), <a HREF>, closing tags
 * </..> with the same name, leaves <br>, <hr>, <img ALT|SRC>; text as is, preceded by {FLAGS}
 * (E emph, S strong, C code, X strike; {} for none) whenever its flags differ from the
 * previous text's since the last tag. */
typedef struct rec {
    buf out;
    uint32_t flags;
    bool text_seen;
} rec;

static const char *ev_name(pith_ev ev, const void *d, char *tmp)
{
    switch (ev) {
    case PITH_EV_HEADING:
        snprintf(tmp, 16, "h%u", ((const pith_ev_heading *)d)->level);
        return tmp;
    case PITH_EV_PARAGRAPH: return "p";
    case PITH_EV_QUOTE: return "q";
    case PITH_EV_CODE: return "code";
    case PITH_EV_LIST: return d && ((const pith_ev_list *)d)->ordered ? "ol" : "ul";
    case PITH_EV_ITEM: return "li";
    case PITH_EV_TABLE: return "t";
    case PITH_EV_ROW: return "r";
    case PITH_EV_CELL: return d && ((const pith_ev_cell *)d)->header ? "th" : "c";
    case PITH_EV_LINK: return "a";
    default: return NULL;
    }
}

static int rec_begin(void *user, pith_ev ev, const void *d)
{
    rec *r = user;
    char tmp[16], num[24];
    const char *name = ev_name(ev, d, tmp);
    r->flags = 0;
    r->text_seen = false;
    if (!name) return 0;
    buf_str(&r->out, "<");
    buf_str(&r->out, name);
    if (ev == PITH_EV_LIST && ((const pith_ev_list *)d)->ordered) {
        snprintf(num, sizeof num, " %lld", (long long)((const pith_ev_list *)d)->start);
        buf_str(&r->out, num);
    } else if (ev == PITH_EV_ITEM && ((const pith_ev_item *)d)->checked >= 0) {
        buf_str(&r->out, ((const pith_ev_item *)d)->checked ? " x" : " o");
    } else if (ev == PITH_EV_CODE && ((const pith_ev_code *)d)->lang.n) {
        buf_str(&r->out, " ");
        buf_put(&r->out, ((const pith_ev_code *)d)->lang.p, ((const pith_ev_code *)d)->lang.n);
    } else if (ev == PITH_EV_LINK) {
        buf_str(&r->out, " ");
        buf_put(&r->out, ((const pith_ev_link *)d)->href.p, ((const pith_ev_link *)d)->href.n);
    }
    buf_str(&r->out, ">");
    return 0;
}

/* Closing tags carry no detail: headings close as </h>, lists as </l>, cells as </c>. */
static int rec_end(void *user, pith_ev ev)
{
    rec *r = user;
    char tmp[16];
    r->flags = 0;
    r->text_seen = false;
    const char *name = ev == PITH_EV_HEADING ? "h"
                       : ev == PITH_EV_LIST  ? "l"
                       : ev == PITH_EV_CELL  ? "c"
                                             : ev_name(ev, NULL, tmp);
    if (!name) return 0;
    buf_str(&r->out, "</");
    buf_str(&r->out, name);
    buf_str(&r->out, ">");
    return 0;
}

static int rec_text(void *user, const char *s, size_t n, uint32_t flags)
{
    rec *r = user;
    if (flags != r->flags || (!r->text_seen && flags)) {
        buf_str(&r->out, "{");
        if (flags & PITH_TEXT_EMPH) buf_str(&r->out, "E");
        if (flags & PITH_TEXT_STRONG) buf_str(&r->out, "S");
        if (flags & PITH_TEXT_CODE) buf_str(&r->out, "C");
        if (flags & PITH_TEXT_STRIKE) buf_str(&r->out, "X");
        buf_str(&r->out, "}");
    }
    r->flags = flags;
    r->text_seen = true;
    buf_put(&r->out, s, n);
    return 0;
}

static int rec_leaf(void *user, pith_ev ev, const void *d)
{
    rec *r = user;
    r->flags = 0;
    r->text_seen = false;
    if (ev == PITH_EV_BREAK) buf_str(&r->out, "<br>");
    else if (ev == PITH_EV_RULE) buf_str(&r->out, "<hr>");
    else if (ev == PITH_EV_IMAGE) {
        const pith_ev_image *im = d;
        buf_str(&r->out, "<img ");
        buf_put(&r->out, im->alt.p, im->alt.n);
        buf_str(&r->out, "|");
        buf_put(&r->out, im->src.p, im->src.n);
        buf_str(&r->out, ">");
    }
    return 0;
}

/* The events of a Markdown document, as the recorder writes them; output selects the first
 * pass (HTML and JSON show list looseness). */
static char *events_out(const char *md, size_t len, pith_output output, pith_status *status)
{
    rec r;
    memset(&r, 0, sizeof r);
    buf_put(&r.out, "", 0);
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_options o = pith_options_default();
    o.output = output;
    pith_doc *doc;
    pith_status st = pith_open_with(ctx, md_handler(), PITH_FMT_MARKDOWN, md, len, &o, &doc);
    if (st == PITH_OK) {
        pith_sink sink = {&r, rec_begin, rec_end, rec_text, rec_leaf};
        st = pith_run(doc, &sink);
        pith_close(doc);
    }
    pith_ctx_destroy(ctx);
    if (status) *status = st;
    return r.out.p;
}

static void expect_events(const char *md, const char *want)
{
    pith_status st;
    char *got = events_out(md, strlen(md), PITH_OUT_HTML, &st);
    cr_assert_eq(st, PITH_OK, "status %s", pith_status_name(st));
    cr_assert_str_eq(got, want, "input \"%s\"", md);
    free(got);
}

typedef struct result {
    pith_status st;
    buf text;
    pith_stats stats;
    buf meta;  /* "key=value;" for each entry */
} result;

static result run_out(const char *md, size_t len, pith_options o, bool detect)
{
    result r;
    memset(&r, 0, sizeof r);
    buf_put(&r.text, "", 0);
    buf_put(&r.meta, "", 0);
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    r.st = detect ? pith_open(ctx, md, len, &o, &doc)
                  : pith_open_with(ctx, md_handler(), PITH_FMT_MARKDOWN, md, len, &o, &doc);
    if (r.st == PITH_OK) {
        pith_chunk c;
        while ((r.st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END))
            buf_put(&r.text, c.data, c.len);
        for (uint32_t i = 0; i < pith_doc_meta_count(doc); i++) {
            pith_str k, v;
            pith_doc_meta(doc, i, &k, &v);
            buf_put(&r.meta, k.p, k.n);
            buf_str(&r.meta, "=");
            buf_put(&r.meta, v.p, v.n);
            buf_str(&r.meta, ";");
        }
        r.stats = pith_ctx_stats(ctx);
        pith_close(doc);
    } else {
        r.stats = pith_ctx_stats(ctx);
    }
    pith_ctx_destroy(ctx);
    return r;
}

static result run_text(const char *md, pith_output output)
{
    pith_options o = pith_options_default();
    o.output = output;
    return run_out(md, strlen(md), o, false);
}

static void result_free(result *r)
{
    free(r->text.p);
    free(r->meta.p);
}

/* MARK: - Blocks */

Test(markdown, atx_and_setext_headings)
{
    /* examples 62, 71, 80, 81 */
    expect_events("# foo\n## foo\n###### foo\n", "<h1>foo</h><h2>foo</h><h6>foo</h>");
    expect_events("# foo ##################################\n##### foo ##\n", "<h1>foo</h><h5>foo</h>");
    expect_events("Foo *bar*\n=========\n\nFoo *bar*\n---------\n",
                  "<h1>Foo {E}bar</h><h2>Foo {E}bar</h>");
    expect_events("#5 bolt\n\n#hashtag\n", "<p>#5 bolt</p><p>#hashtag</p>");
}

Test(markdown, paragraphs_and_thematic_breaks)
{
    /* examples 43, 57, 219 */
    expect_events("***\n---\n___\n", "<hr><hr><hr>");
    expect_events("Foo\n---\nbar\n", "<h2>Foo</h><p>bar</p>");
    expect_events("aaa\n\nbbb\n", "<p>aaa</p><p>bbb</p>");
}

Test(markdown, fenced_and_indented_code)
{
    /* examples 107, 119, 142, 112 */
    expect_events("    a simple\n      indented code block\n",
                  "<code>a simple\n  indented code block\n</code>");
    expect_events("```\n<\n >\n```\n", "<code><\n >\n</code>");
    expect_events("```ruby\ndef foo(x)\n  return 3\nend\n```\n",
                  "<code ruby>def foo(x)\n  return 3\nend\n</code>");
    expect_events("    chunk1\n      \n      chunk2\n", "<code>chunk1\n  \n  chunk2\n</code>");
}

Test(markdown, tabs_expand_to_four_columns)
{
    /* examples 1, 2, 5 */
    expect_events("\tfoo\tbaz\t\tbim\n", "<code>foo\tbaz\t\tbim\n</code>");
    expect_events("  \tfoo\tbaz\t\tbim\n", "<code>foo\tbaz\t\tbim\n</code>");
    expect_events("- foo\n\n\t\tbar\n", "<ul><li><p>foo</p><code>  bar\n</code></li></l>");
}

Test(markdown, block_quotes_with_laziness)
{
    /* examples 228, 233, 250 */
    expect_events("> # Foo\n> bar\n> baz\n", "<q><h1>Foo</h><p>bar\nbaz</p></q>");
    expect_events("> bar\nbaz\n> foo\n", "<q><p>bar\nbaz\nfoo</p></q>");
    expect_events(">>> foo\n> bar\n>>baz\n", "<q><q><q><p>foo\nbar\nbaz</p></q></q></q>");
}

Test(markdown, tight_and_loose_lists)
{
    /* examples 301, 306, 317, 318 */
    expect_events("- foo\n- bar\n+ baz\n", "<ul><li>foo</li><li>bar</li></l><ul><li>baz</li></l>");
    expect_events("- foo\n\n- bar\n\n\n- baz\n",
                  "<ul><li><p>foo</p></li><li><p>bar</p></li><li><p>baz</p></li></l>");
    expect_events("- a\n- b\n\n  [ref]: /url\n- d\n", "<ul><li><p>a</p></li><li><p>b</p></li><li><p>d</p></li></l>");
    expect_events("- a\n- ```\n  b\n\n\n  ```\n- c\n", "<ul><li>a</li><li><code>b\n\n\n</code></li><li>c</li></l>");
}

Test(markdown, ordered_lists_keep_their_start)
{
    /* examples 265, 304 */
    expect_events("123456789. ok\n", "<ol 123456789><li>ok</li></l>");
    expect_events("The number of windows in my house is\n14.  The number of doors is 6.\n",
                  "<p>The number of windows in my house is\n14.  The number of doors is 6.</p>");
}

Test(markdown, gfm_task_list_items)
{
    /* GFM examples 279, 280 */
    expect_events("- [ ] foo\n- [x] bar\n", "<ul><li o>foo</li><li x>bar</li></l>");
    expect_events("- [x] foo\n  - [ ] bar\n  - [x] baz\n- [ ] bim\n",
                  "<ul><li x>foo<ul><li o>bar</li><li x>baz</li></l></li><li o>bim</li></l>");
    expect_events("- [y] no\n", "<ul><li>[y] no</li></l>");
}

Test(markdown, gfm_tables)
{
    /* GFM examples 198, 201, 204 */
    expect_events("| foo | bar |\n| --- | --- |\n| baz | bim |\n",
                  "<t><r><th>foo</c><th>bar</c></r><r><c>baz</c><c>bim</c></r></t>");
    expect_events("| abc | def |\n| --- | --- |\n| bar | baz |\nbar\n\nbar\n",
                  "<t><r><th>abc</c><th>def</c></r><r><c>bar</c><c>baz</c></r><r><c>bar</c><c></c></r></t><p>bar</p>");
    expect_events("| abc | def |\n| --- |\n| bar |\n", "<p>| abc | def |\n| --- |\n| bar |</p>");
    /* "\|" is a pipe in a cell, inside code too (example 200) */
    expect_events("| f\\|oo  |\n| ------ |\n| b `\\|` az |\n",
                  "<t><r><th>f|oo</c></r><r><c>b {C}|{} az</c></r></t>");
}

Test(markdown, html_blocks_are_read_as_html)
{
    /* example 148 (a type 6 block), and a type 6 block interrupts a paragraph where a type 7
     * does not (examples 186, 187) */
    if (pith_registry_find(PITH_FMT_HTML)) {
        cr_skip("the HTML handler is in this build: its own tests cover what it makes of a block");
        return;
    }
    expect_events("<table><tr><td>\n<pre>\n**Hello**,\n\n_world_.\n</pre>\n</td></tr></table>\n",
                  "<p>**Hello**,</p><p>{E}world{}.\n</p>");
    expect_events("Foo\n<div>\nbar\n</div>\n", "<p>Foo</p><p>bar</p>");
    expect_events("Foo\n<a href=\"bar\">\nbaz\n", "<p>Foo\n\nbaz</p>");
}

/* MARK: - Inlines */

Test(markdown, emphasis_and_strikethrough)
{
    /* examples 350, 378, 442; GFM 491 */
    expect_events("*foo bar*\n", "<p>{E}foo bar</p>");
    expect_events("**foo bar**\n", "<p>{S}foo bar</p>");
    expect_events("*foo**bar**baz*\n", "<p>{E}foo{ES}bar{E}baz</p>");
    expect_events("a * foo bar*\n", "<p>a * foo bar*</p>");
    expect_events("~~Hi~~ Hello, world!\n", "<p>{X}Hi{} Hello, world!</p>");
    expect_events("foo_bar_\n", "<p>foo_bar_</p>");
}

Test(markdown, code_spans)
{
    /* examples 328, 329, 335, 342 */
    expect_events("`foo`\n", "<p>{C}foo</p>");
    expect_events("`` foo ` bar ``\n", "<p>{C}foo ` bar</p>");
    expect_events("``\nfoo\nbar  \nbaz\n``\n", "<p>{C}foo bar   baz</p>");
    expect_events("`foo\\`bar`\n", "<p>{C}foo\\{}bar`</p>");
}

Test(markdown, links_images_and_references)
{
    /* examples 482, 498, 568, 572, 580, 594 */
    expect_events("[link](/uri \"title\")\n", "<p><a /uri>link</a></p>");
    expect_events("[link](foo%20b&auml;)\n", "<p><a foo%20b%C3%A4>link</a></p>");
    expect_events("[foo][bar]\n\n[bar]: /url \"title\"\n", "<p><a /url>foo</a></p>");
    expect_events("[Foo][BaR]\n\n[bar]: /url\n", "<p><a /url>Foo</a></p>");
    expect_events("![foo *bar*](train.jpg \"train & tracks\")\n", "<p><img foo bar|train.jpg></p>");
    expect_events("<https://foo.bar.baz/test?q=hello&id=22&boolean>\n",
                  "<p><a https://foo.bar.baz/test?q=hello&id=22&boolean>https://foo.bar.baz/test?q=hello&id=22&boolean</a></p>");
    expect_events("<foo@bar.example.com>\n", "<p><a mailto:foo@bar.example.com>foo@bar.example.com</a></p>");
    /* no link inside a link (example 518) */
    expect_events("[foo [bar](/uri)](/uri)\n", "<p>[foo <a /uri>bar</a>](/uri)</p>");
}

Test(markdown, a_reference_may_come_after_its_use)
{
    expect_events("[foo]\n\nmore text\n\n[foo]: /url\n", "<p><a /url>foo</a></p><p>more text</p>");
    /* text output runs the first pass too when the file has "]:" */
    result r = run_text("See [foo].\n\n[foo]: /url\n", PITH_OUT_MARKDOWN);
    cr_assert_eq(r.st, PITH_OK);
    cr_assert_str_eq(r.text.p, "See [foo](/url).\n");
    result_free(&r);
}

/* Reference labels match after Unicode simple case folding (§4.7; md_inline.c fold_cp's
 * ranges): the expected matches are Unicode's CaseFolding.txt (C and S, plus ß and ẞ to "ss"). */
Test(markdown, labels_match_under_unicode_case_folding)
{
    /* examples 539 and 540 */
    expect_events("[Толпой][Толпой] is a Russian word.\n\n[ТОЛПОЙ]: /url\n",
                  "<p><a /url>Толпой</a> is a Russian word.</p>");
    expect_events("[ẞ]\n\n[SS]: /url\n", "<p><a /url>ẞ</a></p>");
    expect_events("[ΑΓΩ]: /url\n\n[αγω]\n", "<p><a /url>αγω</a></p>");
    /* Latin Extended-A pairs by parity: Ā U+0100 folds to ā U+0101, not to ă U+0103 */
    expect_events("[Ā]: /a\n\n[ā] [ă]\n", "<p><a /a>ā</a> [ă]</p>");
    /* Ÿ U+0178 to ÿ U+00FF, long s U+017F to s, fullwidth Ａ U+FF21 to ａ U+FF41 */
    expect_events("[ÿ ſ]: /y\n\n[Ÿ S]\n", "<p><a /y>Ÿ S</a></p>");
    expect_events("[ＡＢ]: /f\n\n[ａｂ]\n", "<p><a /f>ａｂ</a></p>");
}

/* Delimiter runs next to non-ASCII punctuation (§6.2 flanking; md_inline.c cp_is_punct). */
Test(markdown, flanking_sees_unicode_punctuation)
{
    /* U+201C/U+201D quotes are punctuation: '*' after a letter and before one cannot open */
    expect_events("a*\u201cfoo\u201d*\n", "<p>a*\u201cfoo\u201d*</p>");
    /* « U+00AB and » U+00BB are punctuation: '_' after « can open (it is not also
     * right-flanking) and before » can close; '*' between a letter and « cannot open */
    expect_events("\u00ab_foo_\u00bb\n", "<p>\u00ab{E}foo{}\u00bb</p>");
    expect_events("a*\u00abfoo\u00bb*b\n", "<p>a*\u00abfoo\u00bb*b</p>");
    /* ª U+00AA is a letter (Lo), not punctuation: '*' between letters opens and closes */
    expect_events("a*\u00aa*b\n", "<p>a{E}\u00aa{}b</p>");
}

Test(markdown, entities_escapes_and_breaks)
{
    /* examples 12, 25, 26, 633, 634 */
    expect_events("\\*not emphasized*\n", "<p>*not emphasized*</p>");
    expect_events("&nbsp; &amp; &copy; &AElig; &Dcaron;\n",
                  "<p>\xc2\xa0 & \xc2\xa9 \xc3\x86 \xc4\x8e</p>");
    expect_events("&#35; &#1234; &#992; &#0;\n", "<p># \xd3\x92 \xcf\xa0 \xef\xbf\xbd</p>");
    expect_events("foo  \nbaz\n", "<p>foo<br>baz</p>");
    expect_events("foo\\\nbaz\n", "<p>foo<br>baz</p>");
    expect_events("&nosuch; &copy\n", "<p>&nosuch; &copy</p>");
}

Test(markdown, raw_inline_html_is_dropped_text_kept)
{
    expect_events("a <span class=\"x\">b</span> c<br/>d <!-- e --> f\n", "<p>a b c<br>d  f</p>");
}

/* MARK: - Outputs, metadata, encodings */

Test(markdown, text_output_drops_the_markup)
{
    result r = run_text("# Title\n\nSome *emphasis* and [a link](http://x.org).\n\n> quoted\n", PITH_OUT_TEXT);
    cr_assert_eq(r.st, PITH_OK);
    cr_assert_str_eq(r.text.p, "Title\n\nSome emphasis and a link.\n\nquoted\n");
    result_free(&r);
}

Test(markdown, markdown_output_is_normalized_commonmark)
{
    result r = run_text("Title\n=====\n\n* one\n* two\n\n__strong__\n", PITH_OUT_MARKDOWN);
    cr_assert_eq(r.st, PITH_OK);
    cr_assert_str_eq(r.text.p, "# Title\n\n- one\n- two\n\n**strong**\n");
    result_free(&r);
}

Test(markdown, json_output_gives_the_block_tree)
{
    result r = run_text("# T\n\n- a\n", PITH_OUT_JSONL);
    cr_assert_eq(r.st, PITH_OK);
    cr_assert(strstr(r.text.p, "{\"type\":\"heading\",\"level\":1,\"text\":\"T\"}"), "%s", r.text.p);
    cr_assert(strstr(r.text.p, "{\"type\":\"list\",\"ordered\":false,\"items\":[{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"a\"}]}]}") ||
              strstr(r.text.p, "\"items\":[{\"text\":\"a\"}]") || strstr(r.text.p, "\"a\""), "%s", r.text.p);
    result_free(&r);
}

Test(markdown, yaml_front_matter_goes_to_metadata)
{
    const char *md = "---\ntitle: \"A Title\"\nauthor:\n  - name: Alice\n  - name: Bob\ndate: 2024-01-02\n"
                     "tags: [one, 'two', three]\nother: x\n---\n# Body\n";
    result r = run_text(md, PITH_OUT_TEXT);
    cr_assert_eq(r.st, PITH_OK);
    cr_assert_str_eq(r.text.p, "Body\n");
    cr_assert(strstr(r.meta.p, "title=A Title;"), "%s", r.meta.p);
    cr_assert(strstr(r.meta.p, "author=Alice, Bob;"), "%s", r.meta.p);
    cr_assert(strstr(r.meta.p, "date=2024-01-02;"), "%s", r.meta.p);
    cr_assert(strstr(r.meta.p, "tags=one, two, three;"), "%s", r.meta.p);
    result_free(&r);
    /* a thematic break and a setext heading are not front matter */
    expect_events("---\nFoo\n---\n", "<hr><h2>Foo</h>");
}

Test(markdown, md_hint_reaches_the_handler)
{
    if (!md_handler()) return;
    pith_options o = pith_options_default();
    o.hint = "notes.md";
    o.hint_len = 8;
    const char *md = "Some *text*\n";
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    cr_assert_eq(pith_open(ctx, md, strlen(md), &o, &doc), PITH_OK);
    cr_assert_eq(pith_doc_format(doc), PITH_FMT_MARKDOWN);
    pith_close(doc);
    pith_ctx_destroy(ctx);
    result r = run_out(md, strlen(md), o, true);
    cr_assert_str_eq(r.text.p, "Some text\n");
    result_free(&r);
}

Test(markdown, line_endings_crlf_and_cr)
{
    expect_events("# a\r\nb\r\nc\r\n\r\nd", "<h1>a</h><p>b\nc</p><p>d</p>");
    expect_events("# a\rb\rc\r\rd\r", "<h1>a</h><p>b\nc</p><p>d</p>");
}

Test(markdown, encodings_utf16_windows1252_and_nul)
{
    /* "# é\n" in UTF-16LE with a BOM */
    const char u16[] = {'\xff', '\xfe', '#', 0, ' ', 0, '\xe9', 0, '\n', 0};
    pith_status st;
    char *got = events_out(u16, sizeof u16, PITH_OUT_HTML, &st);
    cr_assert_str_eq(got, "<h1>\xc3\xa9</h>");
    free(got);
    /* windows-1252: 0x93/0x94 are curly quotes */
    const char cp[] = "\x93hi\x94 caf\xe9\n";
    got = events_out(cp, strlen(cp), PITH_OUT_HTML, &st);
    cr_assert_str_eq(got, "<p>\xe2\x80\x9chi\xe2\x80\x9d caf\xc3\xa9</p>");
    free(got);
    /* NUL is U+FFFD (§2.3) */
    const char nul[] = {'a', 0, 'b', '\n'};
    got = events_out(nul, sizeof nul, PITH_OUT_HTML, &st);
    cr_assert_str_eq(got, "<p>a\xef\xbf\xbd" "b</p>");
    free(got);
}

Test(markdown, empty_input)
{
    pith_status st;
    char *got = events_out("", 0, PITH_OUT_HTML, &st);
    cr_assert_eq(st, PITH_OK);
    cr_assert_str_eq(got, "");
    free(got);
}

Test(markdown, steps_do_not_change_the_output)
{
    /* paragraphs and a list across the 64 KiB step boundary (MD_STEP): the text output is the
     * same words in the same blocks */
    buf in = {0}, want = {0};
    for (int i = 0; i < 4000; i++) {
        char line[64];
        snprintf(line, sizeof line, "para %d *x*\n\n- item %d\n\n", i, i);
        buf_str(&in, line);
        snprintf(line, sizeof line, "para %d x\n\n- item %d\n\n", i, i);
        buf_str(&want, line);
    }
    want.n -= 1;
    want.p[want.n] = '\0';
    result r = run_text(in.p, PITH_OUT_TEXT);
    cr_assert_eq(r.st, PITH_OK);
    cr_assert_eq(r.text.n, want.n);
    cr_assert_str_eq(r.text.p, want.p);
    result_free(&r);
    free(in.p);
    free(want.p);
}

Test(markdown, a_tiny_memory_cap_gives_limit)
{
    buf in = {0};
    buf_rep(&in, "Some *text* with [a link](http://example.com) and `code`.\n\n", 2000);
    pith_options o = pith_options_default();
    o.limits.max_memory_bytes = 20000;
    result r = run_out(in.p, in.n, o, false);
    cr_assert_eq(r.st, PITH_E_LIMIT, "%s", pith_status_name(r.st));
    result_free(&r);
    free(in.p);
}

Test(markdown, the_work_limit_stops_a_large_file)
{
    buf in = {0};
    buf_rep(&in, "word *word* word\n", 10000);
    pith_options o = pith_options_default();
    o.limits.max_work = 50000;
    result r = run_out(in.p, in.n, o, false);
    cr_assert_eq(r.st, PITH_E_LIMIT, "%s", pith_status_name(r.st));
    result_free(&r);
    free(in.p);
}

/* MARK: - Corpus */

Test(markdown, corpus_files_extract)
{
    const char *dir = getenv("PITH_CORPUS");
    if (!dir) {
        cr_skip("PITH_CORPUS is not set");
        return;
    }
    static const char *const files[] = {"pdfjs__pdfjs_README.md", "pypdf__pypdf_CHANGELOG.md",
                                        "kreuzberg__tables_pandoc.md", "tika__testMARKDOWN.md"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/md/%s", dir, files[i]);
        FILE *f = fopen(path, "rb");
        if (!f) {
            cr_skip("corpus file %s absent", path);
            return;
        }
        buf in = {0};
        char chunk[4096];
        size_t k;
        while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) buf_put(&in, chunk, k);
        fclose(f);
        for (int out = 0; out < PITH_OUT_COUNT; out++) {
            pith_options o = pith_options_default();
            o.output = (pith_output)out;
            result r = run_out(in.p, in.n, o, false);
            cr_assert_eq(r.st, PITH_OK, "%s: %s", files[i], pith_status_name(r.st));
            cr_assert_gt(r.text.n, in.n / 4, "%s: only %zu bytes out", files[i], r.text.n);
            result_free(&r);
        }
        free(in.p);
    }
}

/* MARK: - Hostile (md4c's test/pathological-tests.py and cmark's) */

/* Extract in every output; PITH_OK, and memory stays under `mem` bytes. */
static void hostile(const buf *in, uint64_t mem)
{
    for (int out = 0; out < PITH_OUT_COUNT; out++) {
        pith_options o = pith_options_default();
        o.output = (pith_output)out;
        result r = run_out(in->p, in->n, o, false);
        cr_assert_eq(r.st, PITH_OK, "output %d: %s", out, pith_status_name(r.st));
        cr_assert_lt(r.stats.memory_high, mem, "output %d: %llu bytes of memory", out,
                     (unsigned long long)r.stats.memory_high);
        result_free(&r);
    }
}

#define MB (1024u * 1024u)

Test(markdown_hostile, nested_strong_emphasis_65000_deep)
{
    buf in = {0};
    buf_rep(&in, "*a **a ", 65000);
    buf_str(&in, "b");
    buf_rep(&in, " a** a*", 65000);
    hostile(&in, 64 * MB);
    /* every "a" and the "b" come out as text */
    result r = run_text(in.p, PITH_OUT_TEXT);
    size_t as = 0;
    for (size_t i = 0; i < r.text.n; i++) as += r.text.p[i] == 'a';
    cr_assert_eq(as, 4 * 65000u);
    result_free(&r);
    free(in.p);
}

Test(markdown_hostile, emphasis_openers_and_closers_without_partners)
{
    const char *const pats[] = {"_a ", "a_ ", "*a_ ", "[ a_"};
    for (size_t k = 0; k < 4; k++) {
        buf in = {0};
        buf_rep(&in, pats[k], 65000);
        hostile(&in, 64 * MB);
        free(in.p);
    }
    buf in = {0};
    buf_str(&in, "a**b");
    buf_rep(&in, "c* ", 65000);  /* openers and closers multiple of 3 */
    hostile(&in, 64 * MB);
    free(in.p);
}

Test(markdown_hostile, brackets_50000_nested_and_unmatched)
{
    buf in = {0};
    buf_rep(&in, "[", 50000);
    buf_str(&in, "a");
    buf_rep(&in, "]", 50000);
    hostile(&in, 64 * MB);
    result r = run_text(in.p, PITH_OUT_TEXT);
    cr_assert_eq(r.text.n, 100002u);  /* every bracket stays, plus "a" and the line end */
    result_free(&r);
    free(in.p);
    const char *const pats[] = {"[a", "a]", "![", "[a](<b", "[a](b", "[a](b \"", "\""};
    for (size_t k = 0; k < sizeof pats / sizeof pats[0]; k++) {
        buf p = {0};
        buf_rep(&p, pats[k], 50000);
        hostile(&p, 64 * MB);
        free(p.p);
    }
}

Test(markdown_hostile, block_quotes_50000_deep)
{
    buf in = {0};
    buf_rep(&in, "> ", 50000);
    buf_str(&in, "a\n");
    buf_rep(&in, "b\n", 10000);  /* lazy lines walk the whole open stack */
    hostile(&in, 64 * MB);
    free(in.p);
}

Test(markdown_hostile, lists_deeply_nested_with_long_indents)
{
    buf in = {0};
    for (int i = 0; i < 1000; i++) {
        buf_rep(&in, "  ", (size_t)i);
        buf_str(&in, "- a\n");
    }
    buf_rep(&in, "\n", 10000);  /* blank lines match every open item */
    for (int i = 0; i < 2000; i++) {
        buf_rep(&in, "  ", 999);
        buf_str(&in, "b\n");
    }
    hostile(&in, 64 * MB);
    free(in.p);
}

Test(markdown_hostile, backtick_runs_of_every_length)
{
    buf in = {0};
    for (int i = 1; i < 5000; i++) {
        buf_str(&in, "e");
        buf_rep(&in, "`", (size_t)i);
    }
    hostile(&in, 128 * MB);
    free(in.p);
}

Test(markdown_hostile, unclosed_raw_html_and_html_blocks)
{
    const char *const pats[] = {"<!--", "<?", "<![CDATA[", "<!A ", "<a b=\"x ", "<a", "&a"};
    for (size_t k = 0; k < sizeof pats / sizeof pats[0]; k++) {
        for (int inl = 0; inl < 2; inl++) {
            buf in = {0};
            if (inl) buf_str(&in, "x ");  /* inline, else an HTML block */
            buf_rep(&in, pats[k], 100000);
            hostile(&in, 128 * MB);
            free(in.p);
        }
    }
}

Test(markdown_hostile, many_link_reference_definitions)
{
    buf in = {0};
    char line[32];
    for (int i = 0; i < 50000; i++) {
        snprintf(line, sizeof line, "[%d]: u\n", i);
        buf_str(&in, line);
    }
    buf_rep(&in, "[0] ", 1200);
    hostile(&in, 128 * MB);
    free(in.p);
}

Test(markdown_hostile, wide_table_and_many_rows)
{
    buf in = {0};
    buf_str(&in, "|");
    buf_rep(&in, "a|", 20000);
    buf_str(&in, "\n|");
    buf_rep(&in, "-|", 20000);
    buf_str(&in, "\n");
    buf_rep(&in, "|b|\n", 50000);  /* short rows are padded to 20000 cells */
    pith_options o = pith_options_default();
    result r = run_out(in.p, in.n, o, false);
    cr_assert(r.st == PITH_OK || r.st == PITH_E_LIMIT, "%s", pith_status_name(r.st));
    result_free(&r);
    free(in.p);
}

Test(markdown_hostile, cr_only_line_endings_and_long_lines)
{
    buf in = {0};
    buf_rep(&in, "line\r", 300000);
    hostile(&in, 64 * MB);
    free(in.p);
    buf t = {0};
    buf_rep(&t, "\t", 200000);
    buf_str(&t, "x\n");
    buf_rep(&t, " ", 1000000);
    buf_str(&t, "y\n");
    hostile(&t, 64 * MB);
    free(t.p);
}

Test(markdown_hostile, every_truncation_of_a_small_document)
{
    const char *md = "---\ntitle: x\n---\n# H\n\n> - [ ] *a* [l](u \"t\")\n>   ```js\n>   c\n\n| a | b |\n|---|:-:|\n| `c` | d |\n\n[r]: /x\n<div>\n*h*\n";
    size_t n = strlen(md);
    for (size_t k = 0; k <= n; k++) {
        for (int out = 0; out < PITH_OUT_COUNT; out++) {
            pith_options o = pith_options_default();
            o.output = (pith_output)out;
            result r = run_out(md, k, o, false);
            cr_assert_eq(r.st, PITH_OK, "length %zu output %d: %s", k, out, pith_status_name(r.st));
            result_free(&r);
        }
    }
}
