/* pdf_crypt.c: the standard security handler (ISO 32000-2 §7.6.4) and crypt filters (§7.6.6).
 *
 * Most encrypted PDFs people have are "owner password only": the user password is empty, so
 * anyone may read them and the encryption only carries permission bits. We try the empty
 * user password first, then the password from the options as user and as owner password.
 * Revisions: 2-4 (MD5 key, RC4 40-128 bit or AES-128), 5 (Adobe's AES-256 extension level 3,
 * SHA-256) and 6 (PDF 2.0, the iterated SHA-256/384/512 hash of Algorithm 2.B). Permission
 * bits are not enforced: pith extracts text, which is what they would forbid, but the file
 * is readable and the user has it (every reader library takes the same stance).
 */
#include <string.h>

#include "crypt.h"
#include "pdf.h"

typedef enum crypt_method { CM_NONE = 0, CM_RC4, CM_AESV2, CM_AESV3 } crypt_method;

struct pdf_crypt {
    uint8_t key[32];
    uint32_t keylen;           /* bytes: 5..16 for R2-4, 32 for R5-6 */
    crypt_method stm, str;     /* methods of the default stream and string filters */
    bool encrypt_metadata;
    int revision;
};

/* Algorithm 2 step a: the padding string that fills a password to 32 bytes. */
static const uint8_t PAD[32] = {0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e,
                                0x56, 0xff, 0xfa, 0x01, 0x08, 0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68,
                                0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a};

typedef struct enc_dict {
    int v, r;
    uint32_t keylen;
    const uint8_t *o, *u, *oe, *ue;
    uint32_t on, un, oen, uen;
    int32_t p;
    const uint8_t *id0;
    uint32_t id0n;
    bool encrypt_metadata;
} enc_dict;

static const uint8_t *str_of(const pdf_obj *o, uint32_t *n)
{
    if (o->kind != PDF_STRING) {
        *n = 0;
        return NULL;
    }
    *n = o->n;
    return o->u.s;
}

/* MARK: - Revisions 2-4 */

static void pad_password(const uint8_t *pw, size_t n, uint8_t out[32])
{
    if (n > 32) n = 32;
    memcpy(out, pw, n);
    memcpy(out + n, PAD, 32 - n);
}

/* Algorithm 2: the file key from a user password. */
static void key_r4(const enc_dict *e, const uint8_t *pw, size_t pwn, uint8_t key[16])
{
    uint8_t padded[32], digest[16];
    pad_password(pw, pwn, padded);
    pith_md5 c;
    pith_md5_init(&c);
    pith_md5_update(&c, padded, 32);
    pith_md5_update(&c, e->o, 32);
    uint8_t p[4] = {(uint8_t)e->p, (uint8_t)(e->p >> 8), (uint8_t)(e->p >> 16),
                    (uint8_t)(e->p >> 24)};
    pith_md5_update(&c, p, 4);
    pith_md5_update(&c, e->id0, e->id0n);
    if (e->r >= 4 && !e->encrypt_metadata) pith_md5_update(&c, "\xff\xff\xff\xff", 4);
    pith_md5_final(&c, digest);
    if (e->r >= 3)
        for (int i = 0; i < 50; i++) pith_md5_once(digest, e->keylen, digest);
    memcpy(key, digest, e->keylen);
}

/* Algorithms 4, 5 and 6: does `key` reproduce /U? */
static bool check_user_r4(const enc_dict *e, const uint8_t key[16])
{
    uint8_t u[32];
    pith_rc4 rc;
    if (e->r == 2) {
        pith_rc4_init(&rc, key, e->keylen);
        pith_rc4_crypt(&rc, PAD, u, 32);
        return memcmp(u, e->u, 32) == 0;
    }
    pith_md5 c;
    pith_md5_init(&c);
    pith_md5_update(&c, PAD, 32);
    pith_md5_update(&c, e->id0, e->id0n);
    pith_md5_final(&c, u);
    for (uint8_t i = 0; i < 20; i++) {
        uint8_t k[16];
        for (uint32_t j = 0; j < e->keylen; j++) k[j] = key[j] ^ i;
        pith_rc4_init(&rc, k, e->keylen);
        pith_rc4_crypt(&rc, u, u, 16);
    }
    /* only the first 16 bytes are defined; the rest is arbitrary padding */
    return memcmp(u, e->u, 16) == 0;
}

/* Algorithm 7: the user password recovered from /O with an owner password. */
static void user_from_owner_r4(const enc_dict *e, const uint8_t *pw, size_t pwn, uint8_t out[32])
{
    uint8_t padded[32], digest[16];
    pad_password(pw, pwn, padded);
    pith_md5_once(padded, 32, digest);
    if (e->r >= 3)
        for (int i = 0; i < 50; i++) pith_md5_once(digest, 16, digest);
    memcpy(out, e->o, 32);
    pith_rc4 rc;
    if (e->r == 2) {
        pith_rc4_init(&rc, digest, e->keylen);
        pith_rc4_crypt(&rc, out, out, 32);
        return;
    }
    for (int i = 19; i >= 0; i--) {
        uint8_t k[16];
        for (uint32_t j = 0; j < e->keylen; j++) k[j] = digest[j] ^ (uint8_t)i;
        pith_rc4_init(&rc, k, e->keylen);
        pith_rc4_crypt(&rc, out, out, 32);
    }
}

static bool try_r4(const enc_dict *e, const uint8_t *pw, size_t pwn, uint8_t key[16])
{
    key_r4(e, pw, pwn, key);
    if (check_user_r4(e, key)) return true;
    uint8_t user[32];
    user_from_owner_r4(e, pw, pwn, user);
    /* the recovered user password is padded: the key is computed from all 32 bytes, which
     * pad_password reproduces for any unpadded prefix */
    key_r4(e, user, 32, key);
    return check_user_r4(e, key);
}

/* MARK: - Revisions 5 and 6 */

/* Algorithm 2.B (R6) or plain SHA-256 (R5) of password, salt and (owner) the 48 bytes of /U. */
static void hash_r6(int r, const uint8_t *pw, size_t pwn, const uint8_t *salt, const uint8_t *udata,
                    size_t un, uint8_t out[32])
{
    uint8_t k[64];
    pith_sha256 c;
    pith_sha256_init(&c);
    pith_sha256_update(&c, pw, pwn);
    pith_sha256_update(&c, salt, 8);
    if (un) pith_sha256_update(&c, udata, un);
    pith_sha256_final(&c, k);
    if (r < 6) {
        memcpy(out, k, 32);
        return;
    }
    size_t klen = 32;
    /* K1 is (password, K, udata) 64 times: at most 64 * (127 + 64 + 48) bytes */
    static const size_t K1_MAX = 64 * (127 + 64 + 48);
    uint8_t k1[64 * (127 + 64 + 48)];
    for (unsigned round = 0;; round++) {
        size_t one = pwn + klen + un, n = 0;
        for (int i = 0; i < 64 && n + one <= K1_MAX; i++) {
            if (pwn) memcpy(k1 + n, pw, pwn);
            memcpy(k1 + n + pwn, k, klen);
            if (un) memcpy(k1 + n + pwn + klen, udata, un);
            n += one;
        }
        pith_aes aes;
        uint8_t iv[16];
        pith_aes_init(&aes, k, 16);
        memcpy(iv, k + 16, 16);
        pith_aes_cbc_encrypt(&aes, iv, k1, k1, n);  /* n is a multiple of 64 */
        unsigned sum = 0;
        for (int i = 0; i < 16; i++) sum += k1[i];
        switch (sum % 3) {
        case 0: pith_sha256_once(k1, n, k); klen = 32; break;
        case 1: pith_sha384_once(k1, n, k); klen = 48; break;
        default: pith_sha512_once(k1, n, k); klen = 64; break;
        }
        if (round >= 63 && k1[n - 1] <= round - 32) break;
        if (round > 2000) break;  /* the condition above always ends it; a bound anyway */
    }
    memcpy(out, k, 32);
}

static bool try_r6(const enc_dict *e, const uint8_t *pw, size_t pwn, uint8_t key[32])
{
    if (pwn > 127) pwn = 127;
    uint8_t h[32], iv[16] = {0};
    pith_aes aes;
    /* user: validation salt U[32..40], key salt U[40..48] */
    hash_r6(e->r, pw, pwn, e->u + 32, NULL, 0, h);
    if (memcmp(h, e->u, 32) == 0) {
        hash_r6(e->r, pw, pwn, e->u + 40, NULL, 0, h);
        pith_aes_init(&aes, h, 32);
        pith_aes_cbc_decrypt(&aes, iv, e->ue, key, 32);
        return true;
    }
    /* owner: salts in O, and the 48 bytes of U mixed in */
    hash_r6(e->r, pw, pwn, e->o + 32, e->u, 48, h);
    if (memcmp(h, e->o, 32) == 0) {
        hash_r6(e->r, pw, pwn, e->o + 40, e->u, 48, h);
        pith_aes_init(&aes, h, 32);
        pith_aes_cbc_decrypt(&aes, iv, e->oe, key, 32);
        return true;
    }
    return false;
}

/* MARK: - Opening */

static crypt_method method_of(pdf_ctx *ctx, const pdf_obj *enc, const char *which, int v)
{
    if (v < 4) return CM_RC4;
    const pdf_obj *name = pdf_dict_get(ctx, enc, which);
    if (name->kind != PDF_NAME || pdf_is_name(name, "Identity")) return CM_NONE;
    uint32_t n;
    const uint8_t *nm = pdf_name(name, &n);
    char key[64];
    if (n >= sizeof key) return CM_NONE;
    memcpy(key, nm, n);
    key[n] = '\0';
    const pdf_obj *filter = pdf_dict_get(ctx, pdf_dict_get(ctx, enc, "CF"), key);
    const pdf_obj *cfm = pdf_dict_get(ctx, filter, "CFM");
    if (pdf_is_name(cfm, "AESV2")) return CM_AESV2;
    if (pdf_is_name(cfm, "AESV3")) return CM_AESV3;
    if (pdf_is_name(cfm, "V2")) return CM_RC4;
    if (pdf_is_name(cfm, "None")) return CM_NONE;
    /* no /CFM: V2 is the default for a named filter (Table 25), AESV3 under V5 in practice */
    return v >= 5 ? CM_AESV3 : CM_RC4;
}

/* A UTF-8 password as Latin-1 (R2-4 passwords are PDFDocEncoding): NULL when a code point does
 * not fit, so the caller tries the bytes as given only. */
static size_t utf8_to_latin1(const uint8_t *s, size_t n, uint8_t *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o < cap;) {
        if (s[i] < 0x80) {
            out[o++] = s[i++];
        } else if ((s[i] & 0xe0) == 0xc0 && i + 1 < n && (s[i + 1] & 0xc0) == 0x80 &&
                   s[i] <= 0xc3) {
            out[o++] = (uint8_t)((s[i] & 0x1f) << 6 | (s[i + 1] & 0x3f));
            i += 2;
        } else {
            return 0;
        }
    }
    return o;
}

pith_status pdf_crypt_open(pdf_ctx *ctx)
{
    pith_doc *doc = ctx->doc;
    const pdf_obj *enc = pdf_dict_get(ctx, ctx->trailer, "Encrypt");
    if (!pdf_is_dict(enc)) return PITH_OK;
    const pdf_obj *filter = pdf_dict_get(ctx, enc, "Filter");
    if (!pdf_is_name(filter, "Standard")) {
        uint32_t n = 0;
        const uint8_t *nm = pdf_name(filter, &n);
        return pith_fail(doc, PITH_E_ENCRYPTED, 0,
                         "pdf: encrypted with the security handler /%.*s, which pith does not "
                         "read (only /Standard)",
                         (int)n, nm ? (const char *)nm : "");
    }
    enc_dict e;
    memset(&e, 0, sizeof e);
    e.v = (int)pdf_int(pdf_dict_get(ctx, enc, "V"), 0);
    e.r = (int)pdf_int(pdf_dict_get(ctx, enc, "R"), 0);
    e.p = (int32_t)pdf_int(pdf_dict_get(ctx, enc, "P"), 0);
    e.o = str_of(pdf_dict_get(ctx, enc, "O"), &e.on);
    e.u = str_of(pdf_dict_get(ctx, enc, "U"), &e.un);
    e.oe = str_of(pdf_dict_get(ctx, enc, "OE"), &e.oen);
    e.ue = str_of(pdf_dict_get(ctx, enc, "UE"), &e.uen);
    const pdf_obj *em = pdf_dict_get(ctx, enc, "EncryptMetadata");
    e.encrypt_metadata = em->kind != PDF_BOOL || em->u.b;
    const pdf_obj *id0 = pdf_array_get(ctx, pdf_dict_get(ctx, ctx->trailer, "ID"), 0);
    e.id0 = str_of(id0, &e.id0n);
    if (!e.id0) e.id0 = (const uint8_t *)"";
    int64_t bits = pdf_int(pdf_dict_get(ctx, enc, "Length"), 40);
    if (e.v == 1 || e.r == 2) bits = 40;
    if (bits < 40 || bits > 128 || bits % 8) bits = bits < 40 ? 40 : 128;
    e.keylen = (uint32_t)bits / 8;

    pdf_crypt *c = pith_doc_calloc(doc, sizeof *c);
    if (!c) return pith_alloc_failed(doc, sizeof *c);
    c->revision = e.r;
    c->encrypt_metadata = e.encrypt_metadata;
    c->stm = method_of(ctx, enc, "StmF", e.v);
    c->str = method_of(ctx, enc, "StrF", e.v);

    const pith_options *opt = pith_doc_options(doc);
    const uint8_t *pw = (const uint8_t *)opt->password;
    size_t pwn = opt->password ? opt->password_len : 0;
    bool ok = false;
    if (e.r >= 2 && e.r <= 4) {
        if (e.on < 32 || e.un < 32)
            return pith_fail(doc, PITH_E_FORMAT, 0,
                             "pdf: /Encrypt /O or /U is %u and %u bytes, 32 expected", e.on, e.un);
        if (e.keylen > 16) e.keylen = 16;
        c->keylen = e.r == 2 ? 5 : e.keylen;
        e.keylen = c->keylen;
        ok = try_r4(&e, (const uint8_t *)"", 0, c->key);
        if (!ok && pwn) ok = try_r4(&e, pw, pwn, c->key);
        if (!ok && pwn) {
            uint8_t latin[127];
            size_t ln = utf8_to_latin1(pw, pwn, latin, sizeof latin);
            if (ln && ln != pwn) ok = try_r4(&e, latin, ln, c->key);
        }
    } else if (e.r == 5 || e.r == 6) {
        if (e.on < 48 || e.un < 48 || e.oen < 32 || e.uen < 32)
            return pith_fail(doc, PITH_E_FORMAT, 0,
                             "pdf: /Encrypt revision %d needs 48-byte /O /U and 32-byte /OE /UE",
                             e.r);
        c->keylen = 32;
        ok = try_r6(&e, (const uint8_t *)"", 0, c->key);
        if (!ok && pwn) ok = try_r6(&e, pw, pwn, c->key);
        if (!ok && e.v >= 4 && c->stm == CM_RC4) c->stm = CM_AESV3;
    } else {
        return pith_fail(doc, PITH_E_ENCRYPTED, 0,
                         "pdf: standard security handler revision %d is not supported (2-6 are)",
                         e.r);
    }
    if (!ok)
        return pith_fail(doc, PITH_E_ENCRYPTED, 0,
                         pwn ? "pdf: encrypted (revision %d): the password given is neither the "
                               "user nor the owner password"
                             : "pdf: encrypted (revision %d): a user password is needed "
                               "(pith_options.password)",
                         e.r);
    ctx->crypt = c;
    pith_status st = pith_doc_add_meta(doc, "encryption",
                                       e.r >= 5 ? "AES-256" : c->stm == CM_AESV2 ? "AES-128" : "RC4",
                                       e.r >= 5 ? 7 : c->stm == CM_AESV2 ? 7 : 3);
    return st;
}

/* MARK: - Decrypting */

bool pdf_crypt_skips(const pdf_ctx *ctx, const pdf_obj *dict)
{
    if (!ctx->crypt) return true;
    const pdf_obj *type = pdf_dict_get_raw(dict, "Type");
    if (pdf_is_name(type, "XRef")) return true;
    if (!ctx->crypt->encrypt_metadata && pdf_is_name(type, "Metadata")) return true;
    return false;
}

pith_status pdf_crypt_data(pdf_ctx *ctx, char kind, uint32_t num, uint32_t gen,
                           const uint8_t *in, size_t n, pith_arena *a, const uint8_t **out,
                           size_t *out_n)
{
    pdf_crypt *c = ctx->crypt;
    pith_doc *doc = ctx->doc;
    if (!a) a = pith_scratch_arena(doc);
    crypt_method m = !c ? CM_NONE : kind == 'S' ? c->stm : c->str;
    if (m == CM_NONE) {
        *out = in;
        *out_n = n;
        return PITH_OK;
    }
    uint8_t key[32];
    size_t keyn;
    if (m == CM_AESV3) {
        memcpy(key, c->key, 32);
        keyn = 32;
    } else {
        /* Algorithm 1: the object's key */
        uint8_t ext[9] = {(uint8_t)num, (uint8_t)(num >> 8), (uint8_t)(num >> 16), (uint8_t)gen,
                          (uint8_t)(gen >> 8), 's', 'A', 'l', 'T'};
        pith_md5 h;
        pith_md5_init(&h);
        pith_md5_update(&h, c->key, c->keylen);
        pith_md5_update(&h, ext, m == CM_AESV2 ? 9 : 5);
        pith_md5_final(&h, key);
        keyn = c->keylen + 5 < 16 ? c->keylen + 5 : 16;
    }
    pith_status st = pith_work(doc, n / 16 + 1);
    if (st != PITH_OK) return st;
    uint8_t *buf = pith_arena_alloc(a, n ? n : 1);
    if (!buf) return pith_alloc_failed(doc, n);
    if (m == CM_RC4) {
        pith_rc4 rc;
        pith_rc4_init(&rc, key, keyn);
        pith_rc4_crypt(&rc, in, buf, n);
        *out = buf;
        *out_n = n;
        return PITH_OK;
    }
    /* AES: a 16-byte IV, then CBC blocks with PKCS#7 padding. A length that is not whole
     * blocks is damage: decrypt the whole blocks and warn. */
    if (n < 16) {
        *out = buf;
        *out_n = 0;
        return n == 0 ? PITH_OK
                      : pith_warn(doc, PITH_E_FORMAT, 0,
                                  "pdf: AES data of object %u is %zu bytes, shorter than its IV",
                                  num, n);
    }
    size_t body = (n - 16) / 16 * 16;
    if (body != n - 16)
        st = pith_warn(doc, PITH_E_FORMAT, 0,
                       "pdf: AES data of object %u is not whole blocks (%zu bytes)", num, n);
    if (st != PITH_OK) return st;
    pith_aes aes;
    uint8_t iv[16];
    pith_aes_init(&aes, key, keyn);
    memcpy(iv, in, 16);
    pith_aes_cbc_decrypt(&aes, iv, in + 16, buf, body);
    *out = buf;
    *out_n = pith_aes_unpad(buf, body);
    return PITH_OK;
}
