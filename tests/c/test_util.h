/* test_util.h: helpers the Criterion suites share (test code only): a growable byte buffer
 * for building inputs and collecting output. Built by the tests themselves, independent of
 * pith's own code. */
#ifndef PITH_TEST_UTIL_H
#define PITH_TEST_UTIL_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static inline void buf_put(buf *b, const void *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1) cap *= 2;
        b->p = realloc(b->p, cap);
        cr_assert(b->p != NULL);
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}
static inline void buf_str(buf *b, const char *s) { buf_put(b, s, strlen(s)); }
static inline void buf_rep(buf *b, const char *s, size_t times)
{
    for (size_t i = 0; i < times; i++) buf_str(b, s);
}

#endif
