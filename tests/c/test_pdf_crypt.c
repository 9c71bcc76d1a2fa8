/* test_pdf_crypt.c: the standard security handler on the corpus's encrypted PDFs, one per
 * revision and cipher: with the empty user password, with a user password, with an owner
 * password, and refused (PITH_E_ENCRYPTED) without the right one. The text must match
 * pdftotext's (the reference was made with the same password). */
#include <criterion/criterion.h>

#include "doc_util.h"

typedef struct enc_case {
    const char *name;       /* corpus file, pdf/<name>.pdf */
    const char *password;   /* NULL: opens with the empty user password */
    const char *owner;      /* an owner password that must open it too, or NULL */
} enc_case;

static doc_result open_pw(const uint8_t *d, size_t n, const char *pw)
{
    pith_options o = pith_options_default();
    if (pw) {
        o.password = pw;
        o.password_len = strlen(pw);
    }
    return doc_run_with(NULL, PITH_FMT_UNKNOWN, d, n, o);
}

static void check_text(const char *name, const doc_result *r)
{
    char rel[512];
    size_t rn = 0;
    snprintf(rel, sizeof rel, "reference/pdftotext/pdf/%s.pdf.txt", name);
    uint8_t *ref = corpus_read(rel, &rn);
    if (!ref) return;
    double f1 = word_f1(r->text.p, r->text.n, (const char *)ref, rn);
    free(ref);
    cr_expect(f1 >= 0.9, "%s: word F1 %.3f against pdftotext (text: %.200s)", name, f1, r->text.p);
}

static void run_case(const enc_case *c)
{
    char rel[512];
    size_t n = 0;
    snprintf(rel, sizeof rel, "pdf/%s.pdf", c->name);
    uint8_t *d = corpus_read(rel, &n);
    if (!d) cr_skip_test("%s is not in the corpus", rel);
    doc_result r = open_pw(d, n, c->password);
    cr_assert_eq(r.open_st, PITH_OK, "%s: %s (%s)", c->name, pith_status_name(r.open_st), r.err);
    cr_expect_eq(r.next_st, PITH_OK, "%s: %s (%s)", c->name, pith_status_name(r.next_st), r.err);
    char v[64];
    cr_expect_str_eq(doc_meta(&r, "encrypted", v, sizeof v), "true", "%s", c->name);
    check_text(c->name, &r);
    doc_result_free(&r);
    if (c->password) {
        doc_result none = open_pw(d, n, NULL);
        cr_expect_eq(none.open_st, PITH_E_ENCRYPTED, "%s without its password: %s", c->name,
                     pith_status_name(none.open_st));
        cr_expect(strstr(none.err, "password") != NULL, "message names the password: %s", none.err);
        doc_result_free(&none);
        doc_result bad = open_pw(d, n, "not the password");
        cr_expect_eq(bad.open_st, PITH_E_ENCRYPTED, "%s with a wrong password: %s", c->name,
                     pith_status_name(bad.open_st));
        doc_result_free(&bad);
    }
    if (c->owner) {
        doc_result own = open_pw(d, n, c->owner);
        cr_expect_eq(own.open_st, PITH_OK, "%s with the owner password: %s (%s)", c->name,
                     pith_status_name(own.open_st), own.err);
        if (own.open_st == PITH_OK) check_text(c->name, &own);
        doc_result_free(&own);
    }
    free(d);
}

#define ENC(id, file, pw, own)                                                                   \
    Test(pdf_crypt, id)                                                                          \
    {                                                                                            \
        enc_case c = {file, pw, own};                                                            \
        run_case(&c);                                                                            \
    }

ENC(r2_rc4_40_empty_user, "pypdf__enc-r2-empty-password", NULL, NULL)
ENC(r4_rc4_128_user_password, "pypdf__enc-r4-user-password", "asdfzxcv", NULL)
ENC(r5_aes256_empty_user, "pypdf__enc-r5-empty-password", NULL, NULL)
ENC(r6_aes256_empty_user, "pypdf__enc-r6-empty-password", NULL, NULL)
ENC(r6_aes256_user_and_owner, "pdfminer__enc-aes-256-r6", "usersecret", "ownersecret")
ENC(r6_utf8_password, "pdfium__encrypted_hello_world_r6", "h\xc3\xb4tel", "\xc3\xa2ge")
ENC(libreoffice_user_and_owner, "pdfsamples__libreoffice-writer-password", "openpassword",
    "permissionpassword")
ENC(rc4_user_password_abc, "pdfjs__issue6010_1", "abc", NULL)
ENC(indirect_objects_in_encrypt_dict, "pdfjs__issue7665", NULL, NULL)
ENC(quartz_copy_protected, "kreuzberg__copy_protected", NULL, NULL)
ENC(acrobat_aes_empty_user, "pdfjs__empty_protected", NULL, NULL)
ENC(pdfwriter_302_old, "pdfminer__dmca", NULL, NULL)
ENC(distiller7_protected, "tika__testPDF_protected", NULL, NULL)

Test(pdf_crypt, unknown_security_handler_is_refused_clearly)
{
    static const char pdf[] =
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        "3 0 obj<</Filter/Adobe.PubSec/V 4/R 4>>endobj\n"
        "trailer<</Root 1 0 R/Encrypt 3 0 R/Size 4>>\n%%EOF\n";
    doc_result r = open_pw((const uint8_t *)pdf, sizeof pdf - 1, NULL);
    cr_expect_eq(r.open_st, PITH_E_ENCRYPTED, "%s (%s)", pith_status_name(r.open_st), r.err);
    cr_expect(strstr(r.err, "Adobe.PubSec") != NULL, "%s", r.err);
    doc_result_free(&r);
}
