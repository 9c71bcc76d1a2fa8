/* rc4.c: RC4, the stream cipher of PDF encryption R2-R4 (40 to 128-bit keys). */
#include "crypt.h"

void pith_rc4_init(pith_rc4 *c, const uint8_t *key, size_t n)
{
    for (int i = 0; i < 256; i++) c->s[i] = (uint8_t)i;
    uint8_t j = 0;
    for (size_t i = 0; i < 256 && n; i++) {
        j = (uint8_t)(j + c->s[i] + key[i % n]);
        uint8_t t = c->s[i];
        c->s[i] = c->s[j];
        c->s[j] = t;
    }
    c->i = c->j = 0;
}

void pith_rc4_crypt(pith_rc4 *c, const uint8_t *in, uint8_t *out, size_t n)
{
    uint8_t i = c->i, j = c->j;
    for (size_t k = 0; k < n; k++) {
        i = (uint8_t)(i + 1);
        j = (uint8_t)(j + c->s[i]);
        uint8_t t = c->s[i];
        c->s[i] = c->s[j];
        c->s[j] = t;
        out[k] = in[k] ^ c->s[(uint8_t)(c->s[i] + c->s[j])];
    }
    c->i = i;
    c->j = j;
}
