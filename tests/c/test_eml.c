/* test_eml.c: the email handler (handlers/text/eml.c, eml_mime.c).
 *
 * Expected values are written by hand from RFC 5322 (folding, dates), RFC 2045 (base64,
 * quoted-printable), RFC 2046 (multipart), RFC 2047 (its own examples in §8) and phrases read
 * off the corpus messages. Hostile cases (suite eml_hostile): deep multipart nesting, base64
 * garbage, a boundary never closed, huge headers, too many parts, nested messages past the
 * nesting limit, every truncation of a small message.
 */
#include <criterion/criterion.h>

#include "doc_util.h"

static const pith_handler *eml_handler(void) { return doc_handler(PITH_FMT_EML, "eml"); }

static doc_result run_eml(const void *d, size_t n, pith_output out)
{
    return doc_run_with(eml_handler(), PITH_FMT_EML, d, n, doc_options(out));
}

#define RUN(lit) run_eml(lit, sizeof lit - 1, PITH_OUT_TEXT)
#define HAS(r, s) cr_expect(strstr((r).text.p, s) != NULL, "missing \"%s\" in:\n%s", s, (r).text.p)

Test(eml, headers_become_metadata)
{
    doc_result r = RUN("From: Ann <ann@example.com>\r\nTo: bob@example.com,\r\n"
                       " carol@example.com\r\n"
                       "Cc: dan@example.com\r\nSubject: Quarterly\r\n report\r\n"
                       "Date: Tue, 1 Jul 2003 10:52:37 +0200\r\nMessage-ID: <x@y>\r\n\r\nHi.\r\n");
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    char v[128];
    cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v), "Quarterly report");
    cr_expect_str_eq(doc_meta(&r, "from", v, sizeof v), "Ann <ann@example.com>");
    cr_expect_str_eq(doc_meta(&r, "to", v, sizeof v), "bob@example.com, carol@example.com");
    cr_expect_str_eq(doc_meta(&r, "cc", v, sizeof v), "dan@example.com");
    cr_expect_str_eq(doc_meta(&r, "date", v, sizeof v), "2003-07-01T10:52:37+02:00");
    cr_expect_str_eq(doc_meta(&r, "message_id", v, sizeof v), "<x@y>");
    cr_expect_str_eq(r.text.p, "Quarterly report\n\nFrom: Ann <ann@example.com>\n"
                               "To: bob@example.com, carol@example.com\nCc: dan@example.com\n"
                               "Date: 2003-07-01T10:52:37+02:00\n\nHi.\n");
    doc_result_free(&r);
}

Test(eml, rfc2047_encoded_words)
{
    /* RFC 2047 §8: "(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)" displays as "(ab)"; B words */
    doc_result r = RUN("Subject: =?ISO-8859-1?Q?Andr=E9?= Pirard and (=?ISO-8859-1?Q?a?= "
                       "=?ISO-8859-1?Q?b?=) =?UTF-8?B?4oKs?=\r\n\r\nbody\r\n");
    char v[128];
    cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v),
                     "Andr\xC3\xA9 Pirard and (ab) \xE2\x82\xAC");
    doc_result_free(&r);
}

Test(eml, quoted_printable_and_charset)
{
    doc_result r = RUN("Content-Type: text/plain; charset=iso-8859-1\r\n"
                       "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                       "D=FCsseldorf is long=\r\n and soft-broken.\r\n\r\nSecond =3D para.\r\n");
    cr_expect_str_eq(r.text.p, "D\xC3\xBCsseldorf is long and soft-broken.\n\nSecond = para.\n");
    doc_result_free(&r);
}

Test(eml, base64_body)
{
    /* "Hello, world!" */
    doc_result r = RUN("Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8s\r\nIHdvcmxkIQ==\r\n");
    cr_expect_str_eq(r.text.p, "Hello, world!\n");
    cr_expect_eq(r.nwarnings, 0, "%s", r.warnings.p);
    doc_result_free(&r);
}

static const char alt_msg[] =
    "Subject: alt\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
    "preamble\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>HTML version</p>\r\n"
    "--b1\r\nContent-Type: text/plain\r\n\r\nPlain version\r\n--b1--\r\nepilogue\r\n";

Test(eml, alternative_prefers_plain)
{
    doc_result r = run_eml(alt_msg, sizeof alt_msg - 1, PITH_OUT_TEXT);
    HAS(r, "Plain version");
    cr_expect(strstr(r.text.p, "HTML version") == NULL);
    cr_expect(strstr(r.text.p, "preamble") == NULL);
    cr_expect(strstr(r.text.p, "epilogue") == NULL);
    doc_result_free(&r);
}

/* The option asks for the HTML alternative: a reader keeping links and tables wants it. */
Test(eml, alternative_takes_html_with_the_option)
{
    if (!pith_registry_find(PITH_FMT_HTML)) cr_skip_test("no html handler in this build");
    pith_options o = doc_options(PITH_OUT_TEXT);
    o.flags = PITH_OPT_EMAIL_HTML;
    doc_result r = doc_run_with(eml_handler(), PITH_FMT_EML, alt_msg, sizeof alt_msg - 1, o);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    HAS(r, "HTML version");
    cr_expect(strstr(r.text.p, "Plain version") == NULL);
    cr_expect(strstr(r.text.p, "<p>") == NULL, "markup reached the text:\n%s", r.text.p);
    doc_result_free(&r);
}

Test(eml, html_body_through_html_handler)
{
    if (!pith_registry_find(PITH_FMT_HTML)) cr_skip_test("no html handler in this build");
    doc_result r = RUN("Content-Type: text/html; charset=iso-8859-1\r\n\r\n"
                       "<html><body><h1>Title</h1><p>caf\xE9 <b>bold</b></p></body></html>\r\n");
    HAS(r, "Title");
    HAS(r, "caf\xC3\xA9 bold");
    doc_result_free(&r);
}

static const char mixed_msg[] =
    "Subject: files\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n"
    "--outer\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
    "--outer\r\nContent-Type: text/plain; name=notes.txt\r\n"
    "Content-Disposition: attachment; filename=\"notes.txt\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nQXR0YWNoZWQgbm90ZXM=\r\n"
    "--outer\r\nContent-Type: image/png\r\nContent-Disposition: attachment;\r\n"
    " filename*=UTF-8''caf%C3%A9.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
    "--outer\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nInner body.\r\n"
    "--outer--\r\n";

Test(eml, attachments_are_units)
{
    doc_result r = run_eml(mixed_msg, sizeof mixed_msg - 1, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.units, 4u);
    HAS(r, "See attached.");
    HAS(r, "Attachment: notes.txt (text/plain, 14 bytes)");
    HAS(r, "Attached notes");
    HAS(r, "Attachment: caf\xC3\xA9.png (image/png, 8 bytes)");
    HAS(r, "Attachment: (message/rfc822,");
    HAS(r, "Inner body.");
    doc_result_free(&r);
    /* attachment units are named by their files */
    r = run_eml(mixed_msg, sizeof mixed_msg - 1, PITH_OUT_JSONL);
    HAS(r, "\"index\":1,\"kind\":\"part\",\"name\":\"notes.txt\"");
    doc_result_free(&r);
}

Test(eml, detected_by_headers)
{
    eml_handler();
    const char in[] = "From: a@b.c\r\nTo: d@e.f\r\nSubject: Hi\r\nDate: Mon, 4 Jun 2014 13:50:00 "
                      "-0400\r\nMIME-Version: 1.0\r\n\r\nBody text.\r\n";
    doc_result r = doc_run(in, sizeof in - 1, PITH_OUT_TEXT);
    cr_expect_eq(r.format, PITH_FMT_EML);
    HAS(r, "Body text.");
    doc_result_free(&r);
}

/* MARK: - Corpus: phrases read off each message by hand */

static void corpus_has(const char *rel, const char *title, const char *const *phrases, size_t n)
{
    doc_result r = doc_corpus_run(eml_handler(), PITH_FMT_EML, rel, doc_options(PITH_OUT_TEXT));
    char v[256];
    if (title) cr_expect_str_eq(doc_meta(&r, "title", v, sizeof v), title, "%s", rel);
    doc_expect_phrases(&r, rel, phrases, n);
    doc_result_free(&r);
}

Test(eml, corpus_mailgun_pdf)
{
    static const char *const p[] = {"Test - body content", "Attachment: test.pdf"};
    corpus_has("eml/kreuzberg__mailgun_pdf_attachment.eml", "Test message with PDF attachment",
               p, 2);
}

Test(eml, corpus_mixed_content_types)
{
    static const char *const p[] = {("It contains multiple lines of text to test proper "
                                     "extraction."), "Attachment: document.pdf",
                                    "Attachment: image.png"};
    corpus_has("eml/kreuzberg__mixed_content_types.eml", "Test Email with Multiple Attachments",
               p, 3);
}

Test(eml, corpus_thunderbird_png)
{
    static const char *const p[] = {"This is a test email with a PNG image attachment.",
                                    "test_image.png"};
    corpus_has("eml/kreuzberg__thunderbird_png_attachment.eml", "Test email with PNG attachment",
               p, 2);
}

Test(eml, corpus_groupwise_nested_message)
{
    static const char *const p[] = {"Neues Textdokument.txt", "ssssssssssssssssssssss", "test2"};
    corpus_has("eml/tika__testGroupWiseEml.eml", "test333", p, 3);
}

Test(eml, corpus_rfc822_base64)
{
    static const char *const p[] = {
        "Here is some text, with international characters, voil\xC3\xA0!"};
    corpus_has("eml/tika__testRFC822_base64.eml", "This tests a base64 encoded body", p, 1);
}

Test(eml, corpus_rfc822_i18n_headers)
{
    static const char *const p[] = {"Keld J\xC3\xB8rn Simonsen", "Examples taken from RFC 2047."};
    corpus_has("eml/tika__testRFC822_i18nheaders.eml",
               "If you can read this you understand the example.", p, 2);
}

Test(eml, corpus_rfc822_quoted)
{
    static const char *const p[] = {"D\xC3\xBCsseldorf has non-ascii.",
                                    "Lines can be split like this."};
    corpus_has("eml/tika__testRFC822_quoted.eml", "Sample with Quoted Printable Text", p, 2);
}

Test(eml, corpus_thunderbird_8bit)
{
    static const char *const p[] = {"Dear Vladimir"};
    corpus_has("eml/tika__testThunderbirdEml.eml", "JUnit test message", p, 1);
}

Test(eml, corpus_html_bodies)
{
    if (!pith_registry_find(PITH_FMT_HTML)) cr_skip_test("no html handler in this build");
    static const char *const p1[] = {"This email contains only HTML content."};
    corpus_has("eml/kreuzberg__html_only.eml", "HTML Only Email", p1, 1);
    static const char *const p2[] = {"Message body"};
    corpus_has("eml/tika__testLotusEml.eml", NULL, p2, 1);
    static const char *const p3[] = {("This is an email that will have some rich text and "
                                      "an attachment."), "Mary with cooler.jpeg"};
    corpus_has("eml/tika__testRFC822-mixed-simple.eml", "Test BCCing email (rev 2)", p3, 2);
}

/* A real PDF (its text per reference/pdftotext: "Hello", "World") attached in base64: in a
 * build with the PDF handler its text comes out in the attachment's unit. */
Test(eml, pdf_attachment_text_when_pdf_is_built_in)
{
    eml_handler();
    if (!pith_registry_find(PITH_FMT_PDF)) cr_skip_test("no pdf handler in this build");
    size_t len = 0;
    uint8_t *pdf = corpus_read("pdf/pdfminer__simple1.pdf", &len);
    cr_assert(pdf != NULL);
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    buf b = {0};
    buf_str(&b, "Subject: report\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
                "--x\r\nContent-Type: text/plain\r\n\r\nSee the PDF.\r\n--x\r\n"
                "Content-Type: application/pdf; name=r.pdf\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n");
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)pdf[i] << 16 | (i + 1 < len ? (uint32_t)pdf[i + 1] << 8 : 0) |
                     (i + 2 < len ? pdf[i + 2] : 0);
        char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < len ? b64[v >> 6 & 63] : '=',
                     i + 2 < len ? b64[v & 63] : '='};
        buf_put(&b, q, 4);
        if (i % 57 == 54) buf_str(&b, "\r\n");
    }
    /* a unit after the PDF's: the PDF handler's page namer must not outlive its nesting (it
     * did: the next UNIT event called it with this handler's state read as a PDF's; whether
     * that crashed depended on the state's bytes, so this runs the path, and the mutated
     * message that crashed under ASan is the fuzz replay's to keep) */
    buf_str(&b, "\r\n--x\r\nContent-Disposition: attachment; filename=after.txt\r\n\r\n"
                "after text\r\n--x--\r\n");
    doc_result r = run_eml(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect_eq(r.units, 3u);
    HAS(r, "after text");
    HAS(r, "Attachment: r.pdf (application/pdf, 849 bytes)");
    const char *after = strstr(r.text.p, "849 bytes)");
    cr_expect(after && strstr(after, "Hello") && strstr(after, "World"), "%s", r.text.p);
    doc_result_free(&r);
    free(b.p);
    free(pdf);
}

/* MARK: - Hostile */

Test(eml_hostile, deep_multipart_nesting)
{
    buf b = {0};
    int depth = 1000;
    for (int i = 0; i < depth; i++) {
        char line[128];
        snprintf(line, sizeof line, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n",
                 i, i);
        buf_str(&b, line);
    }
    buf_str(&b, "Content-Type: text/plain\r\n\r\ndeep text\r\n");
    doc_result r = run_eml(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.warnings.p, "eml: multiparts nested deeper than 32") != NULL, "%s",
              r.warnings.p);
    cr_expect(strstr(r.warnings.p, "never closed") != NULL);
    cr_expect_lt(r.stats.memory_high, 16u << 20);
    doc_result_free(&r);
    free(b.p);
}

Test(eml_hostile, base64_garbage)
{
    doc_result r = RUN("Content-Transfer-Encoding: base64\r\n\r\n"
                       "SGVs!!bG8s\x01\x02 IHdv***cmxkIQ==\r\n");
    cr_assert_eq(r.next_st, PITH_OK);
    cr_expect_str_eq(r.text.p, "Hello, world!\n");
    cr_expect(strstr(r.warnings.p, "7 characters outside the alphabet") != NULL, "%s",
              r.warnings.p);
    doc_result_free(&r);
    /* pure garbage decodes to nothing, and nothing breaks */
    r = RUN("Content-Transfer-Encoding: base64\r\n\r\n\xFF\xFE\x80!!!===\r\n");
    cr_assert_eq(r.next_st, PITH_OK);
    doc_result_free(&r);
}

Test(eml_hostile, boundary_never_closed)
{
    doc_result r = RUN("Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
                       "Content-Type: text/plain\r\n\r\nfirst part\r\n--zz\r\n\r\n"
                       "second part runs to the end\r\n");
    cr_assert_eq(r.next_st, PITH_OK);
    HAS(r, "first part");
    HAS(r, "second part runs to the end");
    cr_expect(strstr(r.warnings.p, "boundary \"zz\" never closed") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
}

Test(eml_hostile, huge_header_cut)
{
    buf b = {0};
    buf_str(&b, "Subject: ");
    buf_rep(&b, "word ", 2000000);  /* 10 MB, folded nowhere */
    buf_str(&b, "\r\nX-Folded: a\r\n");
    buf_rep(&b, " more\r\n", 200000);
    buf_str(&b, "\r\nbody after the headers\r\n");
    doc_result r = run_eml(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    HAS(r, "body after the headers");
    char v[8192];
    cr_expect_leq(strlen(doc_meta(&r, "title", v, sizeof v)), 4096u);
    cr_expect_lt(r.stats.memory_high, 16u << 20);
    doc_result_free(&r);
    free(b.p);
}

Test(eml_hostile, too_many_parts)
{
    buf b = {0};
    buf_str(&b, "Content-Type: multipart/mixed; boundary=p\r\n\r\n");
    buf_rep(&b, "--p\r\n\r\nx\r\n", 3000);
    buf_str(&b, "--p--\r\n");
    doc_result r = run_eml(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.warnings.p, "more than 1024 parts") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(b.p);
}

Test(eml_hostile, nested_messages_past_the_limit)
{
    buf b = {0};
    for (int i = 0; i < 10; i++) buf_str(&b, "Content-Type: message/rfc822\r\n\r\n");
    buf_str(&b, "Subject: innermost\r\n\r\ninnermost body\r\n");
    doc_result r = run_eml(b.p, b.n, PITH_OUT_TEXT);
    cr_assert_eq(r.next_st, PITH_OK, "%s", r.err);
    cr_expect(strstr(r.warnings.p, "limit max_nesting_docs") != NULL, "%s", r.warnings.p);
    doc_result_free(&r);
    free(b.p);
}

Test(eml_hostile, every_truncation_of_a_small_message)
{
    doc_expect_every_prefix_ok(eml_handler(), PITH_FMT_EML, mixed_msg, sizeof mixed_msg - 1);
}

Test(eml_hostile, cjk_charset_needs_pack)
{
    doc_result r = RUN("Content-Type: text/plain; charset=shift_jis\r\n\r\n\x93\xfa\r\n");
    cr_expect_eq(r.open_st, PITH_E_NEED_PACK, "%s", r.err);
    doc_result_free(&r);
}

Test(eml_hostile, tiny_memory_caps_fail_cleanly)
{
    static const char in[] = "Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n"
                             "\r\n--b\r\n\r\nhi\r\n--b\r\n"
                             "Content-Disposition: attachment; filename=a.txt\r\n\r\nfile\r\n"
                             "--b--\r\n";
    doc_expect_caps_fail_cleanly(eml_handler(), PITH_FMT_EML, in, sizeof in - 1);
}
