/* crypt.h: the primitives of the PDF standard security handler (ISO 32000-2 §7.6): MD5
 * (RFC 1321), RC4, AES-128/256 (FIPS 197) with CBC (SP 800-38A), SHA-256/384/512 (FIPS 180-4).
 *
 * Decryption of documents only: nothing here protects a secret, so the code is written to be
 * small and correct (constant tables, no assembly), not constant-time. Pure functions over
 * caller memory: no allocation, no globals, thread-safe. Each lives in its own file
 * (md5.c, rc4.c, aes.c, sha2.c), compiled only into builds with the PDF handler.
 */
#ifndef PITH_CRYPT_H
#define PITH_CRYPT_H

#include <stddef.h>
#include <stdint.h>

/* MARK: - MD5 */

typedef struct pith_md5 {
    uint32_t h[4];
    uint64_t len;       /* bytes hashed */
    uint8_t buf[64];
    uint32_t nbuf;
} pith_md5;

void pith_md5_init(pith_md5 *c);
void pith_md5_update(pith_md5 *c, const void *data, size_t n);
void pith_md5_final(pith_md5 *c, uint8_t out[16]);
void pith_md5_once(const void *data, size_t n, uint8_t out[16]);

/* MARK: - SHA-2 */

typedef struct pith_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    uint32_t nbuf;
} pith_sha256;

/* SHA-384 is SHA-512 with other initial values, cut to 48 bytes. */
typedef struct pith_sha512 {
    uint64_t h[8];
    uint64_t len;       /* bytes hashed (inputs past 2^61 bytes are not a concern here) */
    uint8_t buf[128];
    uint32_t nbuf;
    uint32_t outlen;    /* 48 or 64 */
} pith_sha512;

void pith_sha256_init(pith_sha256 *c);
void pith_sha256_update(pith_sha256 *c, const void *data, size_t n);
void pith_sha256_final(pith_sha256 *c, uint8_t out[32]);
void pith_sha384_init(pith_sha512 *c);
void pith_sha512_init(pith_sha512 *c);
void pith_sha512_update(pith_sha512 *c, const void *data, size_t n);
/* 48 bytes for a context made by pith_sha384_init, 64 for pith_sha512_init. */
void pith_sha512_final(pith_sha512 *c, uint8_t *out);
void pith_sha256_once(const void *data, size_t n, uint8_t out[32]);
void pith_sha384_once(const void *data, size_t n, uint8_t out[48]);
void pith_sha512_once(const void *data, size_t n, uint8_t out[64]);

/* MARK: - RC4 */

typedef struct pith_rc4 {
    uint8_t s[256];
    uint8_t i, j;
} pith_rc4;

/* key: 1..256 bytes (PDF uses 5..16). */
void pith_rc4_init(pith_rc4 *c, const uint8_t *key, size_t n);
/* out may equal in. */
void pith_rc4_crypt(pith_rc4 *c, const uint8_t *in, uint8_t *out, size_t n);

/* MARK: - AES */

typedef struct pith_aes {
    uint8_t rk[240];    /* expanded key: (rounds + 1) round keys of 16 bytes */
    uint32_t rounds;    /* 10 (AES-128) or 14 (AES-256) */
} pith_aes;

/* key: 16 or 32 bytes; returns 0, or -1 for another length. */
int pith_aes_init(pith_aes *c, const uint8_t *key, size_t n);
void pith_aes_encrypt_block(const pith_aes *c, const uint8_t in[16], uint8_t out[16]);
void pith_aes_decrypt_block(const pith_aes *c, const uint8_t in[16], uint8_t out[16]);
/* CBC over n bytes (a multiple of 16; returns -1 otherwise). iv is updated so calls chain.
 * out may equal in. No padding is added or removed: see pith_aes_unpad. */
int pith_aes_cbc_encrypt(const pith_aes *c, uint8_t iv[16], const uint8_t *in, uint8_t *out,
                         size_t n);
int pith_aes_cbc_decrypt(const pith_aes *c, uint8_t iv[16], const uint8_t *in, uint8_t *out,
                         size_t n);
/* Length of a CBC plaintext with its PKCS#7 padding removed; a padding byte that is not
 * 1..16 or not repeated gives n unchanged (PDF writers are not always right, and the
 * bytes are still the best text there is). */
size_t pith_aes_unpad(const uint8_t *d, size_t n);

#endif
