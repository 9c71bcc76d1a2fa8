/* test_crypto.c: MD5, SHA-2, RC4 and AES against the published vectors (RFC 1321, FIPS 180-4
 * examples, FIPS 197 Appendix C, SP 800-38A F.2, RFC 6229), then against OpenSSL's libcrypto
 * over random inputs of every length boundary (the reference, linked into this test only). */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "crypt.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        cr_assert_eq(sscanf(h + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void expect_hex(const uint8_t *got, size_t n, const char *want)
{
    char buf[260];
    cr_assert(n * 2 < sizeof buf);
    for (size_t i = 0; i < n; i++) snprintf(buf + 2 * i, 3, "%02x", got[i]);
    cr_assert_str_eq(buf, want);
}

/* MARK: - Published vectors */

Test(md5, rfc1321_suite)
{
    static const char *const in[] = {
        "", "a", "abc", "message digest", "abcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890"};
    static const char *const want[] = {
        "d41d8cd98f00b204e9800998ecf8427e", "0cc175b9c0f1b6a831c399e269772661",
        "900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0",
        "c3fcd3d76192e4007dfb496cca67e13b", "d174ab98d277d9f5a5611c2c9f419d9f",
        "57edf4a22be3c955ac49da2e2107b67a"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        uint8_t d[16];
        pith_md5_once(in[i], strlen(in[i]), d);
        expect_hex(d, 16, want[i]);
    }
}

Test(sha2, fips180_examples)
{
    uint8_t d[64];
    pith_sha256_once("abc", 3, d);
    expect_hex(d, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    pith_sha256_once(two, strlen(two), d);
    expect_hex(d, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    pith_sha384_once("abc", 3, d);
    expect_hex(d, 48,
               "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc23"
               "58baeca134c825a7");
    pith_sha512_once("abc", 3, d);
    expect_hex(d, 64,
               "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a8"
               "36ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    const char *four = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklm"
                       "nopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    pith_sha512_once(four, strlen(four), d);
    expect_hex(d, 64,
               "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4"
               "331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

Test(sha2, million_a_incremental)
{
    pith_sha256 c;
    pith_sha256_init(&c);
    char a[1000];
    memset(a, 'a', sizeof a);
    for (int i = 0; i < 1000; i++) pith_sha256_update(&c, a, sizeof a);
    uint8_t d[32];
    pith_sha256_final(&c, d);
    expect_hex(d, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(aes, fips197_appendix_c)
{
    uint8_t key[32], pt[16], out[16], back[16];
    pith_aes c;
    unhex("00112233445566778899aabbccddeeff", pt, 16);
    unhex("000102030405060708090a0b0c0d0e0f", key, 16);
    cr_assert_eq(pith_aes_init(&c, key, 16), 0);
    pith_aes_encrypt_block(&c, pt, out);
    expect_hex(out, 16, "69c4e0d86a7b0430d8cdb78070b4c55a");
    pith_aes_decrypt_block(&c, out, back);
    cr_assert_arr_eq(back, pt, 16);
    unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", key, 32);
    cr_assert_eq(pith_aes_init(&c, key, 32), 0);
    pith_aes_encrypt_block(&c, pt, out);
    expect_hex(out, 16, "8ea2b7ca516745bfeafc49904b496089");
    pith_aes_decrypt_block(&c, out, back);
    cr_assert_arr_eq(back, pt, 16);
    cr_assert_eq(pith_aes_init(&c, key, 24), -1, "AES-192 is not used by PDF and is refused");
}

Test(aes, sp800_38a_cbc)
{
    uint8_t key[32], iv[16], pt[64], out[64];
    pith_aes c;
    unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
          "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
          pt, 64);
    unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
    pith_aes_init(&c, key, 16);
    cr_assert_eq(pith_aes_cbc_encrypt(&c, iv, pt, out, 64), 0);
    expect_hex(out, 64,
               "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b"
               "7116e69e222295163ff1caa1681fac09120eca307586e1a7");
    unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
    cr_assert_eq(pith_aes_cbc_decrypt(&c, iv, out, out, 64), 0, "in place");
    cr_assert_arr_eq(out, pt, 64);
    unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", key, 32);
    unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
    pith_aes_init(&c, key, 32);
    pith_aes_cbc_encrypt(&c, iv, pt, out, 64);
    expect_hex(out, 64,
               "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacf"
               "a530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");
    cr_assert_eq(pith_aes_cbc_decrypt(&c, iv, out, out, 15), -1, "not a whole block");
}

Test(aes, unpad)
{
    uint8_t d[32];
    memset(d, 'x', 32);
    memset(d + 28, 4, 4);
    cr_assert_eq(pith_aes_unpad(d, 32), 28);
    memset(d + 16, 16, 16);
    cr_assert_eq(pith_aes_unpad(d, 32), 16);
    d[31] = 0;
    cr_assert_eq(pith_aes_unpad(d, 32), 32, "a zero pad byte is not padding");
    d[31] = 17;
    cr_assert_eq(pith_aes_unpad(d, 32), 32, "more than a block is not padding");
    d[31] = 3, d[30] = 3, d[29] = 9;
    cr_assert_eq(pith_aes_unpad(d, 32), 32, "inconsistent padding is kept");
    cr_assert_eq(pith_aes_unpad(d, 0), 0);
}

Test(rc4, rfc6229_first_bytes)
{
    /* RFC 6229 §2, key 0x0102030405 (40 bits) and the 128-bit key 0x0102...10: offset 0 */
    uint8_t key[16], zero[16] = {0}, out[16];
    pith_rc4 c;
    unhex("0102030405", key, 5);
    pith_rc4_init(&c, key, 5);
    pith_rc4_crypt(&c, zero, out, 16);
    expect_hex(out, 16, "b2396305f03dc027ccc3524a0a1118a8");
    unhex("0102030405060708090a0b0c0d0e0f10", key, 16);
    pith_rc4_init(&c, key, 16);
    pith_rc4_crypt(&c, zero, out, 8);
    pith_rc4_crypt(&c, zero, out + 8, 8);
    expect_hex(out, 16, "9ac7cc9a609d1ef7b2932899cde41b97");
}

/* MARK: - Against OpenSSL */

static uint32_t rng = 12345;
static uint8_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return (uint8_t)(rng >> 16);
}

static void ossl_digest(const EVP_MD *md, const uint8_t *d, size_t n, uint8_t *out)
{
    unsigned len = 0;
    cr_assert_eq(EVP_Digest(d, n, out, &len, md, NULL), 1);
}

Test(openssl, hashes_every_length_to_300)
{
    uint8_t data[300], a[64], b[64];
    for (size_t i = 0; i < sizeof data; i++) data[i] = rnd();
    for (size_t n = 0; n <= sizeof data; n++) {
        pith_md5_once(data, n, a);
        ossl_digest(EVP_md5(), data, n, b);
        cr_assert_arr_eq(a, b, 16, "md5 length %zu", n);
        pith_sha256_once(data, n, a);
        ossl_digest(EVP_sha256(), data, n, b);
        cr_assert_arr_eq(a, b, 32, "sha256 length %zu", n);
        pith_sha384_once(data, n, a);
        ossl_digest(EVP_sha384(), data, n, b);
        cr_assert_arr_eq(a, b, 48, "sha384 length %zu", n);
        pith_sha512_once(data, n, a);
        ossl_digest(EVP_sha512(), data, n, b);
        cr_assert_arr_eq(a, b, 64, "sha512 length %zu", n);
    }
}

Test(openssl, aes_cbc_random_keys)
{
    for (int round = 0; round < 50; round++) {
        size_t kn = round % 2 ? 32 : 16, n = 16 * (size_t)(1 + round % 7);
        uint8_t key[32], iv[16], iv2[16], pt[112], ours[112], theirs[128];
        for (size_t i = 0; i < kn; i++) key[i] = rnd();
        for (int i = 0; i < 16; i++) iv[i] = iv2[i] = rnd();
        for (size_t i = 0; i < n; i++) pt[i] = rnd();
        pith_aes c;
        pith_aes_init(&c, key, kn);
        pith_aes_cbc_encrypt(&c, iv, pt, ours, n);
        EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
        EVP_EncryptInit_ex(x, kn == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc(), NULL, key, iv2);
        EVP_CIPHER_CTX_set_padding(x, 0);
        int len = 0;
        EVP_EncryptUpdate(x, theirs, &len, pt, (int)n);
        EVP_CIPHER_CTX_free(x);
        cr_assert_eq((size_t)len, n);
        cr_assert_arr_eq(ours, theirs, n, "round %d", round);
    }
}
