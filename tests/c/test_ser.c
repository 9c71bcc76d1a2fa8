/* test_ser.c: the four serializers (text, Markdown, JSON Lines, HTML), driven through the real
 * core by scripted handlers (pith_open_with). Every expected output is written by hand from the
 * output formats' rules (CommonMark/GFM, RFC 8259, HTML), never copied from pith's own output.
 * A tricky document (sloppy nesting, hostile strings, empty blocks) is checked for validity
 * instead: each JSON line parses, HTML tags balance, chunking does not change the output. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* MARK: - A scripted handler */

typedef struct script script;
typedef pith_status (*emit_fn)(pith_doc *doc, script *s, uint32_t unit);
struct script {
    uint32_t units;
    emit_fn emit;
    uint32_t calls;  /* steps of the current unit so far (for PITH_MORE) */
    uint32_t n;      /* a size some scripts take */
};

static pith_status s_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    (void)len;
    script *s = (script *)(uintptr_t)data;
    *state = s;
    pith_doc_set_units(doc, s->units ? s->units : 1, PITH_UNIT_PAGE);
    return PITH_OK;
}

static pith_status s_unit(pith_doc *doc, void *state, uint32_t i)
{
    script *s = state;
    pith_status st = s->emit(doc, s, i);
    s->calls = st == PITH_MORE ? s->calls + 1 : 0;
    return st;
}

static const pith_handler scripted = {"script", s_open, s_unit};

#define TRY(x)                                 \
    do {                                       \
        pith_status st_ = (x);                 \
        if (st_ != PITH_OK) return st_;        \
    } while (0)
#define BEGIN(ev) TRY(pith_emit_begin(doc, ev, NULL))
/* variadic: compound-literal details hold commas */
#define BEGIN_D(ev, ...) TRY(pith_emit_begin(doc, ev, __VA_ARGS__))
#define END(ev) TRY(pith_emit_end(doc, ev))
#define TEXT(s) TRY(pith_emit_text(doc, s, strlen(s), 0))
#define TEXTF(s, f) TRY(pith_emit_text(doc, s, strlen(s), f))
#define LEAF(ev, ...) TRY(pith_emit_leaf(doc, ev, __VA_ARGS__))
#define BLOCK(ev, ...) TRY(block(doc, ev, __VA_ARGS__))
#define PARA(s) BLOCK(PITH_EV_PARAGRAPH, NULL, s)

static pith_status block(pith_doc *doc, pith_ev ev, const void *detail, const char *s)
{
    return pith_emit_block(doc, ev, detail, s, strlen(s));
}

static const pith_ev_list ul = {.ordered = 0, .start = 1};
static const pith_ev_item task_done = {.checked = 1};
static const pith_ev_item task_open = {.checked = 0};

/* All chunks of a run concatenated (malloc'd, NUL-terminated); *st gets the final status. */
static char *run_opts(script *s, const pith_options *o, pith_status *st)
{
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    pith_chunk c;
    cr_assert_not_null(ctx);
    cr_assert_eq(pith_open_with(ctx, &scripted, PITH_FMT_TEXT, s, sizeof *s, o, &doc), PITH_OK);
    while ((*st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        while (n + c.len + 1 > cap) out = realloc(out, cap *= 2);
        memcpy(out + n, c.data, c.len);
        n += c.len;
    }
    out[n] = 0;
    pith_close(doc);
    pith_ctx_destroy(ctx);
    return out;
}

static char *run_full(emit_fn f, uint32_t units, pith_output output, uint32_t flags,
                      uint32_t chunk)
{
    script s = {.units = units, .emit = f};
    pith_options o = pith_options_default();
    pith_status st;
    o.output = output;
    o.flags = flags;
    if (chunk) o.chunk_size = chunk;
    char *out = run_opts(&s, &o, &st);
    cr_assert_eq(st, PITH_OK, "status %s", pith_status_name(st));
    return out;
}

static char *run(emit_fn f, pith_output output) { return run_full(f, 1, output, 0, 0); }

static void expect(emit_fn f, pith_output output, const char *want)
{
    char *got = run(f, output);
    cr_expect_str_eq(got, want);
    free(got);
}

#define JSON_HEAD "{\"type\":\"document\",\"format\":\"text\",\"units\":1}\n" \
                  "{\"type\":\"unit\",\"index\":0,\"kind\":\"page\"}\n"

/* MARK: - Headings, paragraphs, rule, code */

static pith_status doc_blocks(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BLOCK(PITH_EV_HEADING, &(pith_ev_heading){1}, "Title");
    BEGIN(PITH_EV_PARAGRAPH);
    TEXT("Hello ");
    TEXTF("world", PITH_TEXT_STRONG);
    TEXT(".");
    END(PITH_EV_PARAGRAPH);
    LEAF(PITH_EV_RULE, NULL);
    BLOCK(PITH_EV_CODE, &(pith_ev_code){{"c", 1}}, "int x;\n");
    BLOCK(PITH_EV_HEADING, &(pith_ev_heading){3}, "End");
    return PITH_OK;
}

Test(ser_text, blocks_are_separated_by_one_blank_line)
{
    expect(doc_blocks, PITH_OUT_TEXT, "Title\n\nHello world.\n\nint x;\n\nEnd\n");
}

Test(ser_md, headings_paragraphs_rule_and_fenced_code)
{
    expect(doc_blocks, PITH_OUT_MARKDOWN,
           "# Title\n\nHello **world**.\n\n---\n\n```c\nint x;\n```\n\n### End\n");
}

Test(ser_json, one_line_per_block)
{
    expect(doc_blocks, PITH_OUT_JSONL,
           JSON_HEAD "{\"type\":\"heading\",\"level\":1,\"text\":\"Title\"}\n"
                     "{\"type\":\"paragraph\",\"text\":\"Hello world.\"}\n"
                     "{\"type\":\"rule\"}\n"
                     "{\"type\":\"code\",\"lang\":\"c\",\"text\":\"int x;\\n\"}\n"
                     "{\"type\":\"heading\",\"level\":3,\"text\":\"End\"}\n");
}

Test(ser_html, blocks_become_elements)
{
    expect(doc_blocks, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<h1>Title</h1>\n<p>Hello <strong>world</strong>.</p>\n"
           "<hr>\n<pre><code class=\"language-c\">int x;\n</code></pre>\n<h3>End</h3>\n"
           "</section>\n");
}

/* MARK: - Lists */

/* 3. three / 4. four + nested tasks / 5. five, then a paragraph */
static pith_status doc_lists(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN_D(PITH_EV_LIST, &(pith_ev_list){.ordered = 1, .start = 3});
    BEGIN(PITH_EV_ITEM);
    TEXT("three");
    END(PITH_EV_ITEM);
    BEGIN(PITH_EV_ITEM);
    PARA("four");
    BEGIN_D(PITH_EV_LIST, &ul);
    BLOCK(PITH_EV_ITEM, NULL, "a");
    BLOCK(PITH_EV_ITEM, &task_done, "b");
    BLOCK(PITH_EV_ITEM, &task_open, "c");
    END(PITH_EV_LIST);
    END(PITH_EV_ITEM);
    BLOCK(PITH_EV_ITEM, NULL, "five");
    END(PITH_EV_LIST);
    PARA("after");
    return PITH_OK;
}

Test(ser_text, nested_lists_number_from_start_and_indent_two_spaces)
{
    expect(doc_lists, PITH_OUT_TEXT,
           "3. three\n4. four\n  - a\n  - [x] b\n  - [ ] c\n5. five\n\nafter\n");
}

Test(ser_md, nested_lists_indent_to_the_content_column)
{
    expect(doc_lists, PITH_OUT_MARKDOWN,
           "3. three\n4. four\n   - a\n   - [x] b\n   - [ ] c\n5. five\n\nafter\n");
}

Test(ser_json, lists_hold_items_of_blocks)
{
    expect(doc_lists, PITH_OUT_JSONL,
           JSON_HEAD
           "{\"type\":\"list\",\"ordered\":true,\"start\":3,\"items\":["
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"three\"}]},"
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"four\"},"
           "{\"type\":\"list\",\"ordered\":false,\"items\":["
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"a\"}]},"
           "{\"checked\":true,\"blocks\":[{\"type\":\"paragraph\",\"text\":\"b\"}]},"
           "{\"checked\":false,\"blocks\":[{\"type\":\"paragraph\",\"text\":\"c\"}]}]}]},"
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"five\"}]}]}\n"
           "{\"type\":\"paragraph\",\"text\":\"after\"}\n");
}

Test(ser_html, lists_with_start_and_task_boxes)
{
    expect(doc_lists, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<ol start=\"3\">\n<li>three</li>\n<li><p>four</p>\n<ul>\n"
           "<li>a</li>\n<li><input type=\"checkbox\" disabled checked> b</li>\n"
           "<li><input type=\"checkbox\" disabled> c</li>\n</ul>\n</li>\n<li>five</li>\n</ol>\n"
           "<p>after</p>\n</section>\n");
}

/* Numbering as HTML's ol: a reversed list counts down from its start, an item with a value
 * takes it and the next ones count on from there (down here), a start may be negative; an
 * unordered list ignores an item's value. */
static const pith_ev_item value_10 = {.checked = -1, .has_value = 1, .value = 10};
static const pith_ev_item task_value_5 = {.checked = 1, .has_value = 1, .value = 5};

static pith_status doc_numbering(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN_D(PITH_EV_LIST, &(pith_ev_list){.ordered = 1, .start = 2, .reversed = 1});
    BLOCK(PITH_EV_ITEM, NULL, "a");
    BLOCK(PITH_EV_ITEM, NULL, "b");
    BLOCK(PITH_EV_ITEM, &value_10, "c");
    BLOCK(PITH_EV_ITEM, NULL, "d");
    END(PITH_EV_LIST);
    PARA("p");
    BEGIN_D(PITH_EV_LIST, &(pith_ev_list){.ordered = 1, .start = -1});
    BLOCK(PITH_EV_ITEM, NULL, "e");
    BLOCK(PITH_EV_ITEM, &task_value_5, "f");
    BLOCK(PITH_EV_ITEM, NULL, "g");
    END(PITH_EV_LIST);
    PARA("q");
    BEGIN_D(PITH_EV_LIST, &ul);
    BLOCK(PITH_EV_ITEM, &value_10, "h");
    END(PITH_EV_LIST);
    return PITH_OK;
}

Test(ser_text, reversed_lists_count_down_and_values_restart_the_count)
{
    expect(doc_numbering, PITH_OUT_TEXT,
           "2. a\n1. b\n10. c\n9. d\n\np\n\n-1. e\n5. [x] f\n6. g\n\nq\n\n- h\n");
}

Test(ser_md, list_numbers_stay_within_what_commonmark_reads)
{
    /* a marker is 0 to 999999999: -1 is written 0 */
    expect(doc_numbering, PITH_OUT_MARKDOWN,
           "2. a\n1. b\n10. c\n9. d\n\np\n\n0. e\n5. [x] f\n6. g\n\nq\n\n- h\n");
}

Test(ser_json, reversed_lists_and_item_values)
{
    expect(doc_numbering, PITH_OUT_JSONL,
           JSON_HEAD
           "{\"type\":\"list\",\"ordered\":true,\"start\":2,\"reversed\":true,\"items\":["
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"a\"}]},"
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"b\"}]},"
           "{\"value\":10,\"blocks\":[{\"type\":\"paragraph\",\"text\":\"c\"}]},"
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"d\"}]}]}\n"
           "{\"type\":\"paragraph\",\"text\":\"p\"}\n"
           "{\"type\":\"list\",\"ordered\":true,\"start\":-1,\"items\":["
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"e\"}]},"
           "{\"checked\":true,\"value\":5,\"blocks\":[{\"type\":\"paragraph\",\"text\":\"f\"}]},"
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"g\"}]}]}\n"
           "{\"type\":\"paragraph\",\"text\":\"q\"}\n"
           "{\"type\":\"list\",\"ordered\":false,\"items\":["
           "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"h\"}]}]}\n");
}

Test(ser_html, reversed_lists_and_item_values)
{
    expect(doc_numbering, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<ol reversed start=\"2\">\n<li>a</li>\n<li>b</li>\n"
           "<li value=\"10\">c</li>\n<li>d</li>\n</ol>\n<p>p</p>\n<ol start=\"-1\">\n<li>e</li>\n"
           "<li value=\"5\"><input type=\"checkbox\" disabled checked> f</li>\n<li>g</li>\n</ol>\n"
           "<p>q</p>\n<ul>\n<li>h</li>\n</ul>\n</section>\n");
}

/* Two lists one after the other stay two lists in Markdown: the second changes its bullet. */
static pith_status doc_adjacent_lists(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN_D(PITH_EV_LIST, &ul);
    BLOCK(PITH_EV_ITEM, NULL, "a");
    END(PITH_EV_LIST);
    BEGIN_D(PITH_EV_LIST, &ul);
    BLOCK(PITH_EV_ITEM, NULL, "b");
    BEGIN(PITH_EV_ITEM);  /* an empty item still has its marker */
    END(PITH_EV_ITEM);
    END(PITH_EV_LIST);
    BEGIN_D(PITH_EV_LIST, &(pith_ev_list){.ordered = 1, .start = 1});
    BLOCK(PITH_EV_ITEM, NULL, "c");
    END(PITH_EV_LIST);
    BEGIN_D(PITH_EV_LIST, &(pith_ev_list){.ordered = 1, .start = 1});
    BLOCK(PITH_EV_ITEM, NULL, "d");
    END(PITH_EV_LIST);
    return PITH_OK;
}

Test(ser_md, adjacent_lists_alternate_their_bullets)
{
    expect(doc_adjacent_lists, PITH_OUT_MARKDOWN, "- a\n\n* b\n* \n\n1. c\n\n1) d\n");
}

Test(ser_text, empty_item_keeps_its_marker)
{
    expect(doc_adjacent_lists, PITH_OUT_TEXT, "- a\n\n- b\n- \n\n1. c\n\n1. d\n");
}

/* An item with two paragraphs: Markdown needs a blank line between them (a loose item). */
static pith_status doc_loose_item(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN_D(PITH_EV_LIST, &(pith_ev_list){.ordered = 1, .start = 9});
    BEGIN(PITH_EV_ITEM);
    PARA("first");
    PARA("second");
    BLOCK(PITH_EV_CODE, NULL, "x\n\ny");
    END(PITH_EV_ITEM);
    BLOCK(PITH_EV_ITEM, NULL, "next");
    END(PITH_EV_LIST);
    return PITH_OK;
}

Test(ser_md, blocks_in_an_item_continue_at_its_content_column)
{
    expect(doc_loose_item, PITH_OUT_MARKDOWN,
           "9. first\n\n   second\n\n   ```\n   x\n\n   y\n   ```\n10. next\n");
}

Test(ser_text, blocks_in_an_item_are_lines_under_it)
{
    expect(doc_loose_item, PITH_OUT_TEXT, "9. first\n  second\n  x\n\n  y\n10. next\n");
}

/* A section inside an item after the item's first block (an RTF or DOCX footnote in a list
 * item) is a block of the item like any other: a blank line first, or CommonMark reads its
 * text as a continuation of the item's paragraph. */
static pith_status doc_section_in_item(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN_D(PITH_EV_LIST, &(pith_ev_list){.ordered = 1, .start = 1});
    BEGIN(PITH_EV_ITEM);
    PARA("One");
    BEGIN_D(PITH_EV_SECTION, &((pith_ev_section){PITH_SECTION_FOOTNOTE}));
    PARA("Note");
    END(PITH_EV_SECTION);
    END(PITH_EV_ITEM);
    BEGIN(PITH_EV_ITEM);
    BEGIN_D(PITH_EV_SECTION, &((pith_ev_section){PITH_SECTION_FOOTNOTE}));
    PARA("first");
    END(PITH_EV_SECTION);
    END(PITH_EV_ITEM);
    END(PITH_EV_LIST);
    return PITH_OK;
}

Test(ser_md, a_section_after_a_block_of_an_item_is_set_apart)
{
    expect(doc_section_in_item, PITH_OUT_MARKDOWN, "1. One\n\n   Note\n2. first\n");
}

/* MARK: - Tables */

static pith_status doc_table(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_TABLE);
    BEGIN(PITH_EV_ROW);
    BLOCK(PITH_EV_CELL, &(pith_ev_cell){1, 1}, "Name");
    BLOCK(PITH_EV_CELL, &(pith_ev_cell){2, 1}, "Value");
    END(PITH_EV_ROW);
    BEGIN(PITH_EV_ROW);
    BLOCK(PITH_EV_CELL, NULL, "a|b");
    BEGIN(PITH_EV_CELL);
    PARA("x");
    PARA("y");
    END(PITH_EV_CELL);
    BLOCK(PITH_EV_CELL, NULL, "z");
    END(PITH_EV_ROW);
    BLOCK(PITH_EV_ROW, NULL, "only");  /* text in a row: the core opens its cell */
    END(PITH_EV_TABLE);
    return PITH_OK;
}

Test(ser_text, table_rows_are_lines_of_tab_separated_cells)
{
    expect(doc_table, PITH_OUT_TEXT, "Name\tValue\t\na|b\tx y\tz\nonly\n");
}

Test(ser_md, gfm_table_is_as_wide_as_its_widest_row)
{
    expect(doc_table, PITH_OUT_MARKDOWN,
           "| Name | Value | |\n| --- | --- | --- |\n| a\\|b | x<br>y | z |\n| only | | |\n");
}

Test(ser_json, table_rows_of_cells_with_colspan_and_header)
{
    expect(doc_table, PITH_OUT_JSONL,
           JSON_HEAD "{\"type\":\"table\",\"rows\":["
                     "[{\"text\":\"Name\",\"header\":true},"
                     "{\"text\":\"Value\",\"colspan\":2,\"header\":true}],"
                     "[{\"text\":\"a|b\"},{\"text\":\"x\\ny\"},{\"text\":\"z\"}],"
                     "[{\"text\":\"only\"}]]}\n");
}

Test(ser_html, table_with_th_and_colspan)
{
    expect(doc_table, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<table>\n"
           "<tr><th>Name</th><th colspan=\"2\">Value</th></tr>\n"
           "<tr><td>a|b</td><td><p>x</p>\n<p>y</p>\n</td><td>z</td></tr>\n"
           "<tr><td>only</td></tr>\n</table>\n</section>\n");
}

static pith_status doc_empty_table(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    PARA("a");
    BEGIN(PITH_EV_TABLE);
    END(PITH_EV_TABLE);
    PARA("b");
    return PITH_OK;
}

Test(ser_md, table_without_rows_writes_nothing)
{
    expect(doc_empty_table, PITH_OUT_MARKDOWN, "a\n\nb\n");
}

/* Regression (issue 4, found by the HTML truncation tests under UBSan): a table whose cells are
 * all empty never allocates its text buffer, and writing it formed NULL + 0. */
static pith_status doc_empty_cells(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_TABLE);
    BEGIN(PITH_EV_ROW);
    BEGIN(PITH_EV_CELL);
    END(PITH_EV_CELL);
    BEGIN(PITH_EV_CELL);
    END(PITH_EV_CELL);
    END(PITH_EV_ROW);
    END(PITH_EV_TABLE);
    return PITH_OK;
}

Test(ser_md, table_of_empty_cells_writes_an_empty_grid)
{
    expect(doc_empty_cells, PITH_OUT_MARKDOWN, "| | |\n| --- | --- |\n");
}

/* A table inside a cell, inline code and a code block in cells: one line per row. */
static pith_status doc_cell_blocks(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_CELL);
    TEXT("t ");
    TEXTF("a|b", PITH_TEXT_CODE);
    BEGIN(PITH_EV_TABLE);
    BLOCK(PITH_EV_CELL, NULL, "p");
    BLOCK(PITH_EV_CELL, NULL, "q");
    END(PITH_EV_TABLE);
    BLOCK(PITH_EV_CODE, NULL, "k\nl");
    END(PITH_EV_CELL);
    return PITH_OK;
}

Test(ser_md, blocks_in_a_cell_are_joined_on_its_line)
{
    expect(doc_cell_blocks, PITH_OUT_MARKDOWN, "| t `a\\|b`<br>p q<br>`k l` |\n| --- |\n");
}

Test(ser_json, blocks_in_a_cell_join_with_newlines_and_tabs)
{
    expect(doc_cell_blocks, PITH_OUT_JSONL,
           JSON_HEAD "{\"type\":\"table\",\"rows\":[[{\"text\":\"t a|b\\np\\tq\\nk\\nl\"}]]}\n");
}

Test(ser_text, blocks_in_a_cell_are_joined_with_spaces)
{
    expect(doc_cell_blocks, PITH_OUT_TEXT, "t a|b p q k l\n");
}

/* MARK: - Quotes */

static pith_status doc_quote(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_QUOTE);
    PARA("quoted");
    BEGIN_D(PITH_EV_LIST, &ul);
    BLOCK(PITH_EV_ITEM, NULL, "one");
    BEGIN(PITH_EV_ITEM);
    TEXT("two");
    LEAF(PITH_EV_BREAK, NULL);
    TEXT("more");
    END(PITH_EV_ITEM);
    END(PITH_EV_LIST);
    BEGIN(PITH_EV_QUOTE);
    PARA("deeper");
    END(PITH_EV_QUOTE);
    END(PITH_EV_QUOTE);
    PARA("out");
    return PITH_OK;
}

Test(ser_text, quote_contents_come_as_they_are)
{
    expect(doc_quote, PITH_OUT_TEXT, "quoted\n\n- one\n- two\n  more\n\ndeeper\n\nout\n");
}

Test(ser_md, quote_prefix_is_on_every_line_of_nested_blocks)
{
    expect(doc_quote, PITH_OUT_MARKDOWN,
           "> quoted\n>\n> - one\n> - two\\\n>   more\n>\n> > deeper\n\nout\n");
}

Test(ser_json, quote_holds_blocks)
{
    expect(doc_quote, PITH_OUT_JSONL,
           JSON_HEAD "{\"type\":\"quote\",\"blocks\":[{\"type\":\"paragraph\",\"text\":\"quoted\"},"
                     "{\"type\":\"list\",\"ordered\":false,\"items\":["
                     "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"one\"}]},"
                     "{\"blocks\":[{\"type\":\"paragraph\",\"text\":\"two\\nmore\"}]}]},"
                     "{\"type\":\"quote\",\"blocks\":["
                     "{\"type\":\"paragraph\",\"text\":\"deeper\"}]}]}\n"
                     "{\"type\":\"paragraph\",\"text\":\"out\"}\n");
}

Test(ser_html, quotes_nest)
{
    expect(doc_quote, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<blockquote>\n<p>quoted</p>\n<ul>\n<li>one</li>\n"
           "<li>two<br>more</li>\n</ul>\n<blockquote>\n<p>deeper</p>\n</blockquote>\n"
           "</blockquote>\n<p>out</p>\n</section>\n");
}

/* A list item holding a quote holding a table and a code block. */
static pith_status doc_quote_in_item(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_ITEM);
    BEGIN(PITH_EV_QUOTE);
    BEGIN(PITH_EV_TABLE);
    BLOCK(PITH_EV_CELL, NULL, "c");
    END(PITH_EV_TABLE);
    BLOCK(PITH_EV_CODE, NULL, "x\n\n");
    END(PITH_EV_QUOTE);
    END(PITH_EV_ITEM);
    return PITH_OK;
}

Test(ser_md, container_prefixes_stack)
{
    expect(doc_quote_in_item, PITH_OUT_MARKDOWN,
           "- > | c |\n  > | --- |\n  >\n  > ```\n  > x\n  >\n  > ```\n");
}

/* MARK: - Code and escaping */

static pith_status doc_ticks(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BLOCK(PITH_EV_CODE, &(pith_ev_code){{"md", 2}}, "a ``` b\n````");
    BEGIN(PITH_EV_PARAGRAPH);
    TEXT("use ");
    TEXTF("a`b", PITH_TEXT_CODE);
    TEXT(" or ");
    TEXTF("`x", PITH_TEXT_CODE);
    TEXT(" or ");
    TEXTF("*", PITH_TEXT_CODE);
    END(PITH_EV_PARAGRAPH);
    return PITH_OK;
}

Test(ser_md, fences_are_longer_than_any_backtick_run)
{
    expect(doc_ticks, PITH_OUT_MARKDOWN,
           "`````md\na ``` b\n````\n`````\n\nuse ``a`b`` or `` `x `` or `*`\n");
}

Test(ser_text, code_is_verbatim)
{
    expect(doc_ticks, PITH_OUT_TEXT, "a ``` b\n````\n\nuse a`b or `x or *\n");
}

static pith_status doc_escape(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    PARA("1. not a list * _ [x] <b> \\ ~ a#b &amp; a & b!");
    PARA("# not heading");
    PARA("- not item");
    PARA("+ plus");
    PARA("2) paren");
    PARA("a\n===\n  - b");
    PARA("| a |\n:-: | -");  /* would be a GFM table */
    BLOCK(PITH_EV_HEADING, &(pith_ev_heading){2}, "C# #");
    return PITH_OK;
}

Test(ser_md, special_characters_are_escaped)
{
    expect(doc_escape, PITH_OUT_MARKDOWN,
           "1\\. not a list \\* \\_ \\[x\\] \\<b\\> \\\\ \\~ a#b \\&amp; a & b!\n\n"
           "\\# not heading\n\n\\- not item\n\n\\+ plus\n\n2\\) paren\n\na\n\\===\n\\- b\n\n"
           "\\| a |\n\\:-: | -\n\n## C\\# \\#\n");
}

Test(ser_text, text_is_not_escaped)
{
    expect(doc_escape, PITH_OUT_TEXT,
           "1. not a list * _ [x] <b> \\ ~ a#b &amp; a & b!\n\n# not heading\n\n- not item\n\n"
           "+ plus\n\n2) paren\n\na\n===\n  - b\n\n| a |\n:-: | -\n\nC# #\n");
}

/* MARK: - Inline flags, links, images, breaks */

static pith_status doc_emph(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_PARAGRAPH);
    TEXT("plain ");
    TEXTF("bold", PITH_TEXT_STRONG);
    TEXTF(" both", PITH_TEXT_STRONG | PITH_TEXT_EMPH);
    TEXTF(" em", PITH_TEXT_EMPH);
    TEXTF(" strike", PITH_TEXT_STRIKE);
    TEXTF(" code", PITH_TEXT_CODE);
    TEXTF(" ", PITH_TEXT_EMPH);  /* only spaces: no empty markers */
    TEXT("end");
    END(PITH_EV_PARAGRAPH);
    return PITH_OK;
}

Test(ser_md, markers_change_with_flags_and_hug_the_text)
{
    expect(doc_emph, PITH_OUT_MARKDOWN, "plain **bold *both*** *em* ~~strike~~ `code` end\n");
}

Test(ser_html, flag_tags_nest_in_a_fixed_order)
{
    expect(doc_emph, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<p>plain <strong>bold<em> both</em></strong><em> em</em>"
           "<s> strike</s><code> code</code><em> </em>end</p>\n</section>\n");
}

Test(ser_text, flags_leave_no_mark)
{
    expect(doc_emph, PITH_OUT_TEXT, "plain bold both em strike code end\n");
}

static const pith_ev_link link_x = {{"http://x.com/a b(c)", 19}};
static const pith_ev_image logo = {{"logo [1]", 8}, {"img.png", 7}};

static pith_status doc_links(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_PARAGRAPH);
    TEXT("see ");
    BEGIN_D(PITH_EV_LINK, &link_x);
    TEXT("the ");
    TEXTF("site", PITH_TEXT_STRONG);
    END(PITH_EV_LINK);
    TEXT(" and ");
    LEAF(PITH_EV_IMAGE, &logo);
    LEAF(PITH_EV_BREAK, NULL);
    TEXT("next");
    LEAF(PITH_EV_BREAK, NULL);  /* a break ending a paragraph */
    END(PITH_EV_PARAGRAPH);
    LEAF(PITH_EV_IMAGE, &logo);  /* an image on its own */
    return PITH_OK;
}

Test(ser_md, links_images_and_hard_breaks)
{
    expect(doc_links, PITH_OUT_MARKDOWN,
           "see [the **site**](http://x.com/a%20b\\(c\\)) and ![logo \\[1\\]](img.png)\\\nnext\n\n"
           "![logo \\[1\\]](img.png)\n");
}

Test(ser_text, links_are_their_text_and_images_their_alt)
{
    expect(doc_links, PITH_OUT_TEXT, "see the site and logo [1]\nnext\n\nlogo [1]\n");
}

Test(ser_json, links_and_images_follow_the_text)
{
    expect(doc_links, PITH_OUT_JSONL,
           JSON_HEAD "{\"type\":\"paragraph\",\"text\":\"see the site and \\nnext\\n\","
                     "\"links\":[{\"text\":\"the site\",\"href\":\"http://x.com/a b(c)\"}],"
                     "\"images\":[{\"alt\":\"logo [1]\",\"src\":\"img.png\"}]}\n"
                     "{\"type\":\"image\",\"alt\":\"logo [1]\",\"src\":\"img.png\"}\n");
}

Test(ser_html, links_images_breaks)
{
    expect(doc_links, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<p>see <a href=\"http://x.com/a b(c)\">the "
           "<strong>site</strong></a> and <img src=\"img.png\" alt=\"logo [1]\"><br>next<br></p>\n"
           "<p><img src=\"img.png\" alt=\"logo [1]\"></p>\n</section>\n");
}

/* "!" right before a link would make it an image. */
static pith_status doc_bang(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_PARAGRAPH);
    TEXT("Hi!");
    BEGIN_D(PITH_EV_LINK, &(pith_ev_link){{"u", 1}});
    TEXT("l");
    END(PITH_EV_LINK);
    TEXT(" Yes!");
    END(PITH_EV_PARAGRAPH);
    return PITH_OK;
}

Test(ser_md, a_bang_before_a_link_is_escaped)
{
    expect(doc_bang, PITH_OUT_MARKDOWN, "Hi\\![l](u) Yes!\n");
}

/* MARK: - Units, metadata, positions */

static pith_status doc_units(pith_doc *doc, script *s, uint32_t u)
{
    (void)s;
    PARA(u == 0 ? "one" : "two");
    return PITH_OK;
}

Test(ser_text, units_are_separated_by_a_blank_line)
{
    char *got = run_full(doc_units, 2, PITH_OUT_TEXT, 0, 0);
    cr_expect_str_eq(got, "one\n\ntwo\n");
    free(got);
}

Test(ser_md, units_are_separated_by_a_blank_line)
{
    char *got = run_full(doc_units, 2, PITH_OUT_MARKDOWN, 0, 0);
    cr_expect_str_eq(got, "one\n\ntwo\n");
    free(got);
}

Test(ser_json, each_unit_has_its_line)
{
    char *got = run_full(doc_units, 2, PITH_OUT_JSONL, 0, 0);
    cr_expect_str_eq(got, "{\"type\":\"document\",\"format\":\"text\",\"units\":2}\n"
                          "{\"type\":\"unit\",\"index\":0,\"kind\":\"page\"}\n"
                          "{\"type\":\"paragraph\",\"text\":\"one\"}\n"
                          "{\"type\":\"unit\",\"index\":1,\"kind\":\"page\"}\n"
                          "{\"type\":\"paragraph\",\"text\":\"two\"}\n");
    free(got);
}

Test(ser_html, each_unit_is_a_section)
{
    char *got = run_full(doc_units, 2, PITH_OUT_HTML, 0, 0);
    cr_expect_str_eq(got, "<section data-unit=\"0\">\n<p>one</p>\n</section>\n"
                          "<section data-unit=\"1\">\n<p>two</p>\n</section>\n");
    free(got);
}

static pith_status meta_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    pith_status st = s_open(doc, data, len, state);
    if (st == PITH_OK) st = pith_doc_add_meta(doc, "title", "T \"q\"", 5);
    return st;
}

static pith_status doc_meta(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_PARAGRAPH);
    TEXT("a");
    TRY(pith_doc_add_meta(doc, "author", "Ann", 3));  /* mid-line: waits for its end */
    TEXT("b");
    END(PITH_EV_PARAGRAPH);
    TRY(pith_doc_add_meta(doc, "k", "v", 1));
    PARA("c");
    return PITH_OK;
}

Test(ser_json, meta_lines_never_split_a_block)
{
    static const pith_handler with_meta = {"script", meta_open, s_unit};
    script s = {.units = 1, .emit = doc_meta};
    pith_options o = pith_options_default();
    o.output = PITH_OUT_JSONL;
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    pith_chunk c;
    char out[1024];
    size_t n = 0;
    cr_assert_eq(pith_open_with(ctx, &with_meta, PITH_FMT_TEXT, &s, sizeof s, &o, &doc), PITH_OK);
    while (pith_next(doc, &c) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        cr_assert_lt(n + c.len, sizeof out);
        memcpy(out + n, c.data, c.len);
        n += c.len;
    }
    out[n] = 0;
    cr_expect_str_eq(out, "{\"type\":\"document\",\"format\":\"text\",\"units\":1}\n"
                          "{\"type\":\"meta\",\"key\":\"title\",\"value\":\"T \\\"q\\\"\"}\n"
                          "{\"type\":\"unit\",\"index\":0,\"kind\":\"page\"}\n"
                          "{\"type\":\"paragraph\",\"text\":\"ab\"}\n"
                          "{\"type\":\"meta\",\"key\":\"author\",\"value\":\"Ann\"}\n"
                          "{\"type\":\"meta\",\"key\":\"k\",\"value\":\"v\"}\n"
                          "{\"type\":\"paragraph\",\"text\":\"c\"}\n");
    pith_close(doc);
    pith_ctx_destroy(ctx);
}

Test(ser_md, meta_is_not_written)
{
    static const pith_handler with_meta = {"script", meta_open, s_unit};
    script s = {.units = 1, .emit = doc_meta};
    pith_options o = pith_options_default();
    o.output = PITH_OUT_MARKDOWN;
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    pith_chunk c;
    char out[256];
    size_t n = 0;
    cr_assert_eq(pith_open_with(ctx, &with_meta, PITH_FMT_TEXT, &s, sizeof s, &o, &doc), PITH_OK);
    while (pith_next(doc, &c) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        memcpy(out + n, c.data, c.len);
        n += c.len;
    }
    out[n] = 0;
    cr_expect_str_eq(out, "ab\n\nc\n");
    pith_close(doc);
    pith_ctx_destroy(ctx);
}

static const pith_ev_position pos = {2, 1.5f, 2.0f, 100.25f, 50.0f};

static pith_status doc_positions(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    LEAF(PITH_EV_POSITION, &pos);
    PARA("p");
    PARA("q");
    LEAF(PITH_EV_POSITION, &pos);
    BEGIN(PITH_EV_QUOTE);
    PARA("r");
    END(PITH_EV_QUOTE);
    return PITH_OK;
}

Test(ser_json, positions_go_on_the_next_block_when_asked_for)
{
    char *got = run_full(doc_positions, 1, PITH_OUT_JSONL, PITH_OPT_POSITIONS, 0);
    cr_expect_str_eq(got, JSON_HEAD
                     "{\"type\":\"paragraph\",\"page\":2,\"bbox\":[1.5,2,100.25,50],"
                     "\"text\":\"p\"}\n"
                     "{\"type\":\"paragraph\",\"text\":\"q\"}\n"
                     "{\"type\":\"quote\",\"page\":2,\"bbox\":[1.5,2,100.25,50],\"blocks\":["
                     "{\"type\":\"paragraph\",\"text\":\"r\"}]}\n");
    free(got);
    got = run_full(doc_positions, 1, PITH_OUT_JSONL, 0, 0);
    cr_expect_str_eq(got, JSON_HEAD "{\"type\":\"paragraph\",\"text\":\"p\"}\n"
                                    "{\"type\":\"paragraph\",\"text\":\"q\"}\n"
                                    "{\"type\":\"quote\",\"blocks\":["
                                    "{\"type\":\"paragraph\",\"text\":\"r\"}]}\n");
    free(got);
}

/* MARK: - String escaping */

static pith_status doc_json_escape(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BLOCK(PITH_EV_PARAGRAPH, NULL, "q\"b\\s\x01\t\n\r\b\f/\x1f\xc3\xa9");
    BLOCK(PITH_EV_CODE, &(pith_ev_code){{"a\"b", 3}}, "x");
    return PITH_OK;
}

Test(ser_json, strings_escape_quotes_backslashes_and_control_characters)
{
    expect(doc_json_escape, PITH_OUT_JSONL,
           JSON_HEAD "{\"type\":\"paragraph\",\"text\":\"q\\\"b\\\\s\\u0001\\t\\n\\r\\b\\f/\\u001f"
                     "\xc3\xa9\"}\n"
                     "{\"type\":\"code\",\"lang\":\"a\\\"b\",\"text\":\"x\"}\n");
}

/* Every byte that JSON or HTML escapes, at each of 20 places in a run of letters: the escapers
 * scan eight bytes at a time, so where a byte falls in its word must not matter. */
static const char esc_bytes[] = "\"\\\x01\x1f&<>";
#define ESC_RUN "abcdefghijklmnopqrst"

static pith_status doc_every_offset(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    for (size_t i = 0; i < sizeof esc_bytes - 1; i++) {
        for (size_t k = 0; k < sizeof ESC_RUN - 1; k++) {
            char t[sizeof ESC_RUN];
            memcpy(t, ESC_RUN, sizeof t);
            t[k] = esc_bytes[i];
            PARA(t);
        }
    }
    return PITH_OK;
}

/* out must hold "<open>" + run with its byte k escaped + "<close>" for every byte and place. */
static void expect_every_offset(const char *out, const char *open, const char *close, bool json)
{
    for (size_t i = 0; i < sizeof esc_bytes - 1; i++) {
        char c = esc_bytes[i], e[8];
        if (json && c == '"') snprintf(e, sizeof e, "\\\"");
        else if (json && c == '\\') snprintf(e, sizeof e, "\\\\");
        else if (json && (unsigned char)c < 0x20) snprintf(e, sizeof e, "\\u%04x", c);
        else if (!json && c == '&') snprintf(e, sizeof e, "&amp;");
        else if (!json && c == '<') snprintf(e, sizeof e, "&lt;");
        else if (!json && c == '>') snprintf(e, sizeof e, "&gt;");
        else if (!json && c == '"') snprintf(e, sizeof e, "&quot;");
        else snprintf(e, sizeof e, "%c", c);
        for (size_t k = 0; k < sizeof ESC_RUN - 1; k++) {
            char want[64];
            snprintf(want, sizeof want, "%s%.*s%s%s%s", open, (int)k, ESC_RUN, e, &ESC_RUN[k + 1],
                     close);
            cr_expect(strstr(out, want) != NULL, "byte 0x%02x at %zu: no %s", (unsigned char)c, k,
                      want);
        }
    }
}

Test(ser_json, escapes_a_byte_wherever_it_falls_in_a_word)
{
    char *out = run(doc_every_offset, PITH_OUT_JSONL);
    expect_every_offset(out, "\"text\":\"", "\"}", true);
    free(out);
}

Test(ser_html, escapes_a_byte_wherever_it_falls_in_a_word)
{
    char *out = run(doc_every_offset, PITH_OUT_HTML);
    expect_every_offset(out, "<p>", "</p>", false);
    free(out);
}

static pith_status doc_html_escape(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    PARA("<a & \"b\">");
    BEGIN(PITH_EV_PARAGRAPH);
    BEGIN_D(PITH_EV_LINK, &(pith_ev_link){{"x?a=1&b=\"2\"", 11}});
    TEXT("t<");
    END(PITH_EV_LINK);
    LEAF(PITH_EV_IMAGE, &((pith_ev_image){{"\"<>", 3}, {"s&", 2}}));
    END(PITH_EV_PARAGRAPH);
    BLOCK(PITH_EV_CODE, &(pith_ev_code){{"c\"x", 3}}, "<>&");
    return PITH_OK;
}

Test(ser_html, text_and_attributes_are_escaped)
{
    expect(doc_html_escape, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<p>&lt;a &amp; &quot;b&quot;&gt;</p>\n"
           "<p><a href=\"x?a=1&amp;b=&quot;2&quot;\">t&lt;</a>"
           "<img src=\"s&amp;\" alt=\"&quot;&lt;&gt;\"></p>\n"
           "<pre><code class=\"language-c&quot;x\">&lt;&gt;&amp;</code></pre>\n</section>\n");
}

static pith_status doc_sections(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    static const pith_ev_section kinds[] = {{PITH_SECTION_HEADER}, {PITH_SECTION_BODY},
                                            {PITH_SECTION_FOOTNOTE}, {PITH_SECTION_FOOTER}};
    for (size_t i = 0; i < 4; i++) {
        BEGIN_D(PITH_EV_SECTION, &kinds[i]);
        PARA(i == 0 ? "h" : i == 1 ? "b" : i == 2 ? "n" : "f");
        END(PITH_EV_SECTION);
    }
    return PITH_OK;
}

Test(ser_html, sections_map_to_semantic_elements)
{
    expect(doc_sections, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<header>\n<p>h</p>\n</header>\n<div>\n<p>b</p>\n</div>\n"
           "<aside class=\"footnote\">\n<p>n</p>\n</aside>\n<footer>\n<p>f</p>\n</footer>\n"
           "</section>\n");
}

Test(ser_json, sections_hold_blocks_with_their_kind)
{
    expect(doc_sections, PITH_OUT_JSONL,
           JSON_HEAD
           "{\"type\":\"section\",\"kind\":\"header\",\"blocks\":["
           "{\"type\":\"paragraph\",\"text\":\"h\"}]}\n"
           "{\"type\":\"section\",\"kind\":\"body\",\"blocks\":["
           "{\"type\":\"paragraph\",\"text\":\"b\"}]}\n"
           "{\"type\":\"section\",\"kind\":\"footnote\",\"blocks\":["
           "{\"type\":\"paragraph\",\"text\":\"n\"}]}\n"
           "{\"type\":\"section\",\"kind\":\"footer\",\"blocks\":["
           "{\"type\":\"paragraph\",\"text\":\"f\"}]}\n");
}

Test(ser_text, section_contents_are_top_level_blocks)
{
    expect(doc_sections, PITH_OUT_TEXT, "h\n\nb\n\nn\n\nf\n");
}

/* MARK: - Unit-level text, sloppy nesting */

static pith_status doc_raw(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    TEXT("line one\n\n  indented\t*x*");
    return PITH_OK;
}

Test(ser_text, unit_level_text_is_written_verbatim)
{
    expect(doc_raw, PITH_OUT_TEXT, "line one\n\n  indented\t*x*");
}

Test(ser_md, unit_level_text_is_an_escaped_paragraph)
{
    expect(doc_raw, PITH_OUT_MARKDOWN, "line one\nindented \\*x\\*\n");
}

Test(ser_json, unit_level_text_is_a_paragraph_line)
{
    expect(doc_raw, PITH_OUT_JSONL,
           JSON_HEAD "{\"type\":\"paragraph\",\"text\":\"line one\\n\\n  indented\\t*x*\"}\n");
}

Test(ser_html, unit_level_text_is_a_p)
{
    expect(doc_raw, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<p>line one\n\n  indented\t*x*</p>\n</section>\n");
}

/* A long plain text comes in several steps of one unit. */
static pith_status doc_raw_steps(pith_doc *doc, script *s, uint32_t u)
{
    (void)u;
    TEXT(s->calls == 0 ? "ab" : s->calls == 1 ? "c\n" : "d\n\n");
    return s->calls < 2 ? PITH_MORE : PITH_OK;
}

Test(ser_text, unit_level_text_in_steps_is_concatenated)
{
    char *got = run_full(doc_raw_steps, 2, PITH_OUT_TEXT, 0, 0);
    cr_expect_str_eq(got, "abc\nd\n\nabc\nd\n\n");
    free(got);
}

static pith_status doc_raw_then_block(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    TEXT("abc");
    PARA("p");
    TEXT("tail");
    return PITH_OK;
}

Test(ser_text, blocks_after_unit_level_text_are_separated)
{
    expect(doc_raw_then_block, PITH_OUT_TEXT, "abc\n\np\n\ntail");
}

/* A code block whose text comes in several steps of a unit stays one block. */
static pith_status doc_code_steps(pith_doc *doc, script *s, uint32_t u)
{
    (void)u;
    if (s->calls == 0) BEGIN_D(PITH_EV_CODE, &(pith_ev_code){{"py", 2}});
    TEXT(s->calls == 0 ? "a" : s->calls == 1 ? "b\n" : "c");
    if (s->calls < 2) return PITH_MORE;
    END(PITH_EV_CODE);
    return PITH_OK;
}

Test(ser_md, a_code_block_may_span_unit_steps)
{
    expect(doc_code_steps, PITH_OUT_MARKDOWN, "```py\nab\nc\n```\n");
}

/* A list inside a paragraph, a paragraph inside a heading. */
static pith_status doc_sloppy(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_PARAGRAPH);
    TEXT("before ");
    BEGIN_D(PITH_EV_LIST, &ul);
    BLOCK(PITH_EV_ITEM, NULL, "x");
    END(PITH_EV_LIST);
    TEXT("after");
    END(PITH_EV_PARAGRAPH);
    BEGIN_D(PITH_EV_HEADING, &(pith_ev_heading){2});
    TEXT("a");
    PARA("b");
    TEXT("c");
    END(PITH_EV_HEADING);
    return PITH_OK;
}

Test(ser_text, a_block_inside_a_paragraph_splits_it)
{
    expect(doc_sloppy, PITH_OUT_TEXT, "before \n\n- x\n\nafter\n\na\n\nb\n\nc\n");
}

Test(ser_md, a_block_inside_a_paragraph_splits_it)
{
    expect(doc_sloppy, PITH_OUT_MARKDOWN, "before\n\n- x\n\nafter\n\n## a\n\nb\n\n## c\n");
}

Test(ser_json, a_block_inside_a_paragraph_becomes_its_sibling)
{
    expect(doc_sloppy, PITH_OUT_JSONL,
           JSON_HEAD "{\"type\":\"paragraph\",\"text\":\"before \"}\n"
                     "{\"type\":\"list\",\"ordered\":false,\"items\":[{\"blocks\":["
                     "{\"type\":\"paragraph\",\"text\":\"x\"}]}]}\n"
                     "{\"type\":\"paragraph\",\"text\":\"after\"}\n"
                     "{\"type\":\"heading\",\"level\":2,\"text\":\"a\"}\n"
                     "{\"type\":\"paragraph\",\"text\":\"b\"}\n"
                     "{\"type\":\"heading\",\"level\":2,\"text\":\"c\"}\n");
}

Test(ser_html, a_block_inside_a_paragraph_becomes_its_sibling)
{
    expect(doc_sloppy, PITH_OUT_HTML,
           "<section data-unit=\"0\">\n<p>before </p>\n<ul>\n<li>x</li>\n</ul>\n<p>after</p>\n"
           "<h2>a</h2>\n<p>b</p>\n<h2>c</h2>\n</section>\n");
}

/* Empty blocks write nothing. */
static pith_status doc_empty(pith_doc *doc, script *s, uint32_t u)
{
    (void)s, (void)u;
    BEGIN(PITH_EV_PARAGRAPH);
    END(PITH_EV_PARAGRAPH);
    BEGIN_D(PITH_EV_HEADING, &(pith_ev_heading){1});
    END(PITH_EV_HEADING);
    PARA("x");
    BEGIN(PITH_EV_PARAGRAPH);
    END(PITH_EV_PARAGRAPH);
    return PITH_OK;
}

Test(ser_json, empty_blocks_write_nothing)
{
    expect(doc_empty, PITH_OUT_JSONL, JSON_HEAD "{\"type\":\"paragraph\",\"text\":\"x\"}\n");
}

Test(ser_html, empty_blocks_write_nothing)
{
    expect(doc_empty, PITH_OUT_HTML, "<section data-unit=\"0\">\n<p>x</p>\n</section>\n");
}

Test(ser_md, empty_blocks_write_nothing)
{
    expect(doc_empty, PITH_OUT_MARKDOWN, "x\n");
}

/* MARK: - Depth */

static pith_status doc_deep(pith_doc *doc, script *s, uint32_t u)
{
    (void)u;
    for (uint32_t i = 0; i < s->n; i++) BEGIN(PITH_EV_QUOTE);
    PARA("deep");
    return PITH_OK;  /* the core closes what is left open */
}

Test(ser_md, nesting_past_max_depth_is_flattened)
{
    script s = {.units = 1, .emit = doc_deep, .n = 20};
    pith_options o = pith_options_default();
    pith_status st;
    o.output = PITH_OUT_MARKDOWN;
    o.limits.max_depth = 8;
    char *got = run_opts(&s, &o, &st);
    cr_assert_eq(st, PITH_OK);
    cr_expect_str_eq(got, "> > > > > > > > deep\n");
    free(got);
}

Test(ser_md, very_deep_nesting_keeps_working)
{
    script s = {.units = 1, .emit = doc_deep, .n = 70000};
    pith_options o = pith_options_default();
    pith_status st;
    o.output = PITH_OUT_MARKDOWN;
    o.limits.max_depth = 100000;
    char *got = run_opts(&s, &o, &st);
    size_t n = strlen(got);
    cr_assert_eq(st, PITH_OK);
    cr_assert_gt(n, 1000);
    cr_expect_eq(strncmp(got, "> > > > ", 8), 0);
    cr_expect_str_eq(got + n - 5, "deep\n");
    free(got);
}

Test(ser_json, deep_nesting_stays_valid_json)
{
    script s = {.units = 1, .emit = doc_deep, .n = 300};
    pith_options o = pith_options_default();
    pith_status st;
    o.output = PITH_OUT_JSONL;
    char *got = run_opts(&s, &o, &st);
    cr_assert_eq(st, PITH_OK);
    /* 256 quotes (limits.max_depth), the paragraph flattened into the deepest */
    size_t opens = 0, closes = 0;
    for (char *p = got; *p; p++) {
        opens += *p == '[';
        closes += *p == ']';
    }
    cr_expect_eq(opens, 256);
    cr_expect_eq(closes, 256);
    free(got);
}

/* MARK: - Memory */

static pith_status doc_big_code(pith_doc *doc, script *s, uint32_t u)
{
    static char kb[1024];
    (void)u;
    memset(kb, 'a', sizeof kb);
    if (s->calls == 0) BEGIN(PITH_EV_CODE);
    for (int i = 0; i < 64; i++) TRY(pith_emit_text(doc, kb, sizeof kb, 0));
    if (s->calls < s->n) return PITH_MORE;
    END(PITH_EV_CODE);
    return PITH_OK;
}

Test(ser_md, buffering_counts_against_the_memory_limit)
{
    script s = {.units = 1, .emit = doc_big_code, .n = 64};  /* 4 MiB of code */
    pith_options o = pith_options_default();
    pith_status st;
    o.output = PITH_OUT_MARKDOWN;
    o.limits.max_memory_bytes = 2u << 20;
    free(run_opts(&s, &o, &st));
    cr_expect_eq(st, PITH_E_LIMIT, "status %s", pith_status_name(st));
    /* text output streams it */
    s.calls = 0;
    o.output = PITH_OUT_TEXT;
    char *got = run_opts(&s, &o, &st);
    cr_expect_eq(st, PITH_OK, "status %s", pith_status_name(st));
    cr_expect_eq(strlen(got), 65u * 64 * 1024 + 1);
    free(got);
}

/* MARK: - Validity on a tricky document */

static pith_status tricky_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    pith_status st = s_open(doc, data, len, state);
    pith_doc_set_units(doc, 3, PITH_UNIT_SHEET);
    return st;
}

static pith_status doc_tricky(pith_doc *doc, script *s, uint32_t u)
{
    (void)s;
    if (u == 1) return PITH_OK;  /* an empty unit */
    if (u == 2) {
        TEXT("only \"text\"\n");
        return PITH_OK;
    }
    TEXT("loose <text> & \"q\" ");
    LEAF(PITH_EV_IMAGE, &((pith_ev_image){{"a\"lt", 4}, {"s\\rc", 4}}));
    BLOCK(PITH_EV_HEADING, &(pith_ev_heading){9}, "h9 ## #");
    BEGIN(PITH_EV_PARAGRAPH);
    TEXT("a ");
    BEGIN_D(PITH_EV_LINK, &((pith_ev_link){{"h\"<>) |", 7}}));
    TEXTF("l\n\t\x02", PITH_TEXT_EMPH);
    TRY(pith_doc_add_meta(doc, "mid", "\x01\"", 2));
    BEGIN(PITH_EV_QUOTE);
    TEXT("q");
    END(PITH_EV_QUOTE);
    TEXTF("in link", PITH_TEXT_CODE | PITH_TEXT_STRONG);
    END(PITH_EV_LINK);
    TEXT("tail");
    END(PITH_EV_PARAGRAPH);
    BEGIN(PITH_EV_ITEM);
    BEGIN(PITH_EV_TABLE);
    BEGIN(PITH_EV_CELL);
    BEGIN(PITH_EV_QUOTE);
    TEXT("nested | in cell\n");
    LEAF(PITH_EV_RULE, NULL);
    LEAF(PITH_EV_IMAGE, &logo);
    END(PITH_EV_QUOTE);
    END(PITH_EV_CELL);
    BLOCK(PITH_EV_CELL, &((pith_ev_cell){4000000000u, 1}), "wide");
    END(PITH_EV_TABLE);
    BEGIN(PITH_EV_TABLE);
    END(PITH_EV_TABLE);
    BLOCK(PITH_EV_CODE, &((pith_ev_code){{"x`y\n", 4}}), "```\n~~~\n");
    END(PITH_EV_ITEM);
    BEGIN_D(PITH_EV_SECTION, &((pith_ev_section){PITH_SECTION_FOOTNOTE}));
    PARA("fn");
    LEAF(PITH_EV_POSITION, &pos);
    LEAF(PITH_EV_RULE, NULL);
    END(PITH_EV_SECTION);
    LEAF(PITH_EV_IMAGE, &logo);
    BEGIN_D(PITH_EV_LINK, &link_x);
    PARA("para in link");
    TEXT("after");
    END(PITH_EV_LINK);
    for (int i = 0; i < 20; i++)
        BEGIN_D(PITH_EV_LIST, &(pith_ev_list){.ordered = (uint32_t)i & 1, .start = 4000000000u});
    TEXT("deep item");
    END(PITH_EV_LIST);
    LEAF(PITH_EV_BREAK, NULL);
    BEGIN_D(PITH_EV_SECTION, &((pith_ev_section){(pith_section_kind)99}));
    END(PITH_EV_SECTION);
    return PITH_OK;
}

static char *run_tricky(pith_output out, uint32_t chunk)
{
    static const pith_handler h = {"script", tricky_open, s_unit};
    script s = {.units = 3, .emit = doc_tricky};
    pith_options o = pith_options_default();
    o.output = out;
    o.flags = PITH_OPT_POSITIONS;
    if (chunk) o.chunk_size = chunk;
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    pith_chunk c;
    pith_status st;
    size_t cap = 1 << 12, n = 0;
    char *buf = malloc(cap);
    cr_assert_eq(pith_open_with(ctx, &h, PITH_FMT_TEXT, &s, sizeof s, &o, &doc), PITH_OK);
    while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        if (chunk) cr_assert_leq(c.len, chunk);
        while (n + c.len + 1 > cap) buf = realloc(buf, cap *= 2);
        memcpy(buf + n, c.data, c.len);
        n += c.len;
    }
    cr_assert_eq(st, PITH_OK, "status %s", pith_status_name(st));
    buf[n] = 0;
    pith_close(doc);
    pith_ctx_destroy(ctx);
    return buf;
}

/* A small RFC 8259 validator (recursive: test code only). Returns the end of the value. */
static const char *j_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r') p++;
    return p;
}

static const char *j_value(const char *p, int depth);

static const char *j_string(const char *p)
{
    if (*p++ != '"') return NULL;
    while (*p != '"') {
        if ((unsigned char)*p < 0x20) return NULL;  /* includes the NUL at the end */
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i]) return NULL;
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
        p++;
    }
    return p + 1;
}

static const char *j_number(const char *p)
{
    const char *s;
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
    else return NULL;
    if (*p == '.') {
        s = ++p;
        while (*p >= '0' && *p <= '9') p++;
        if (p == s) return NULL;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        s = p;
        while (*p >= '0' && *p <= '9') p++;
        if (p == s) return NULL;
    }
    return p;
}

static const char *j_value(const char *p, int depth)
{
    if (depth > 1000) return NULL;
    p = j_ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = j_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                if (!(p = j_string(j_ws(p)))) return NULL;
                p = j_ws(p);
                if (*p++ != ':') return NULL;
            }
            if (!(p = j_value(p, depth + 1))) return NULL;
            p = j_ws(p);
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
        }
    }
    if (*p == '"') return j_string(p);
    if (!strncmp(p, "true", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    if (!strncmp(p, "null", 4)) return p + 4;
    return j_number(p);
}

Test(ser_json, every_line_of_a_tricky_document_is_valid_json)
{
    char *out = run_tricky(PITH_OUT_JSONL, 0);
    size_t lines = 0;
    cr_assert_gt(strlen(out), 0);
    cr_assert_eq(out[strlen(out) - 1], '\n');
    for (char *line = out; *line;) {
        char *nl = strchr(line, '\n');
        cr_assert_not_null(nl);
        *nl = 0;
        cr_assert_eq(*line, '{', "line %zu: %s", lines, line);
        const char *end = j_value(line, 0);
        cr_assert(end && *j_ws(end) == 0, "invalid JSON line %zu: %s", lines, line);
        line = nl + 1;
        lines++;
    }
    cr_expect_geq(lines, 12);
    free(out);
}

static int void_element(const char *name, size_t n)
{
    static const char *const v[] = {"br", "hr", "img", "input"};
    for (size_t i = 0; i < 4; i++)
        if (strlen(v[i]) == n && !strncmp(v[i], name, n)) return 1;
    return 0;
}

Test(ser_html, tags_of_a_tricky_document_balance)
{
    char *out = run_tricky(PITH_OUT_HTML, 0);
    const char *stack[256];
    size_t lens[256], depth = 0, sections = 0;
    for (const char *p = out; *p; p++) {
        if (*p == '>') cr_assert_fail("bare '>' in text at %zu", (size_t)(p - out));
        if (*p != '<') continue;
        int closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t n = 0;
        while ((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= '0' && name[n] <= '9')) n++;
        cr_assert_gt(n, 0, "bare '<' at %zu", (size_t)(p - out));
        /* attribute values are quoted and hold no '"' */
        const char *q = name + n;
        while (*q && *q != '>') {
            if (*q == '"') {
                q = strchr(q + 1, '"');
                cr_assert_not_null(q);
            }
            q++;
        }
        cr_assert_eq(*q, '>');
        if (closing) {
            cr_assert_gt(depth, 0, "unopened </%.*s>", (int)n, name);
            depth--;
            cr_assert(lens[depth] == n && !strncmp(stack[depth], name, n),
                      "</%.*s> closes <%.*s>", (int)n, name, (int)lens[depth], stack[depth]);
        } else if (!void_element(name, n)) {
            cr_assert_lt(depth, 256);
            if (n == 7 && !strncmp(name, "section", 7)) sections++;
            stack[depth] = name;
            lens[depth++] = n;
        }
        p = q;
    }
    cr_expect_eq(depth, 0);
    cr_expect_eq(sections, 3);
    free(out);
}

Test(ser_md, a_tricky_document_keeps_its_structure)
{
    char *out = run_tricky(PITH_OUT_MARKDOWN, 0);
    /* no hard break ends a block, no line has trailing whitespace but list markers, and the
     * code fence is longer than the backticks inside */
    cr_expect_null(strstr(out, "\\\n\n"));
    cr_expect_not_null(strstr(out, "  ````xy\n"));
    cr_expect_not_null(strstr(out, "[after](http://x.com/a%20b\\(c\\))"));
    cr_expect_eq(out[strlen(out) - 1], '\n');
    cr_expect_neq(out[strlen(out) - 2], '\n');
    free(out);
}

Test(ser_text, output_ends_with_one_newline)
{
    char *out = run_tricky(PITH_OUT_TEXT, 0);
    size_t n = strlen(out);
    cr_expect_eq(out[n - 1], '\n');
    cr_expect_neq(out[n - 2], '\n');
    cr_expect_neq(out[0], '\n');
    free(out);
}

static void same_in_small_chunks(pith_output o)
{
    char *a = run_tricky(o, 0), *b = run_tricky(o, 64);
    cr_expect_str_eq(a, b);
    free(a);
    free(b);
}

Test(ser_text, small_chunks_concatenate_to_the_same_output)
{
    same_in_small_chunks(PITH_OUT_TEXT);
}

Test(ser_md, small_chunks_concatenate_to_the_same_output)
{
    same_in_small_chunks(PITH_OUT_MARKDOWN);
}

Test(ser_json, small_chunks_concatenate_to_the_same_output)
{
    same_in_small_chunks(PITH_OUT_JSONL);
}

Test(ser_html, small_chunks_concatenate_to_the_same_output)
{
    same_in_small_chunks(PITH_OUT_HTML);
}
