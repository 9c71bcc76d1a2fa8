/* rd.h: bounded reader over untrusted bytes.
 *
 * A read past the end returns 0 (or NULL for spans) and sets the sticky `bad` flag, so a parser
 * reads a whole record and checks the flag once. Lengths are compared, never pointers formed
 * past the end: `n > (size_t)(end - p)`. Offsets that come from the file are checked with
 * pith_rd_at against the whole buffer before anything is read there.
 */
#ifndef PITH_RD_H
#define PITH_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pith_rd {
    const uint8_t *base;  /* start of the whole buffer (offsets are relative to it) */
    const uint8_t *p;
    const uint8_t *end;
    bool bad;
} pith_rd;

static inline pith_rd pith_rd_make(const void *data, size_t len)
{
    /* NULL + 0 is undefined in C: an absent buffer reads as an empty one */
    static const uint8_t none[1] = {0};
    pith_rd r;
    if (!data) {
        data = none;
        len = 0;
    }
    r.base = (const uint8_t *)data;
    r.p = r.base;
    r.end = r.base + len;
    r.bad = false;
    return r;
}

static inline size_t pith_rd_left(const pith_rd *r) { return (size_t)(r->end - r->p); }
static inline size_t pith_rd_pos(const pith_rd *r) { return (size_t)(r->p - r->base); }
static inline size_t pith_rd_size(const pith_rd *r) { return (size_t)(r->end - r->base); }

/* A reader over [base+off, base+off+len) of the same buffer; bad if it does not fit. */
static inline pith_rd pith_rd_at(const pith_rd *r, uint64_t off, uint64_t len)
{
    size_t size = pith_rd_size(r);
    pith_rd s = *r;
    s.bad = false;
    if (off > size || len > size - off) {
        s.p = s.end;
        s.bad = true;
        return s;
    }
    s.p = r->base + off;
    s.end = s.p + len;
    return s;
}

/* Move to absolute offset off within [base, end]; bad if past the end. */
static inline void pith_rd_seek(pith_rd *r, uint64_t off)
{
    if (off > pith_rd_size(r)) {
        r->p = r->end;
        r->bad = true;
    } else {
        r->p = r->base + off;
    }
}

static inline const uint8_t *pith_rd_span(pith_rd *r, size_t n)
{
    if (n > pith_rd_left(r)) {
        r->p = r->end;
        r->bad = true;
        return NULL;
    }
    const uint8_t *s = r->p;
    r->p += n;
    return s;
}

static inline void pith_rd_skip(pith_rd *r, size_t n) { (void)pith_rd_span(r, n); }

static inline uint8_t pith_rd_u8(pith_rd *r)
{
    const uint8_t *s = pith_rd_span(r, 1);
    return s ? s[0] : 0;
}
static inline uint16_t pith_rd_u16le(pith_rd *r)
{
    const uint8_t *s = pith_rd_span(r, 2);
    return s ? (uint16_t)(s[0] | s[1] << 8) : 0;
}
static inline uint16_t pith_rd_u16be(pith_rd *r)
{
    const uint8_t *s = pith_rd_span(r, 2);
    return s ? (uint16_t)(s[0] << 8 | s[1]) : 0;
}
static inline uint32_t pith_rd_u32le(pith_rd *r)
{
    const uint8_t *s = pith_rd_span(r, 4);
    return s ? (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24
             : 0;
}
static inline uint32_t pith_rd_u32be(pith_rd *r)
{
    const uint8_t *s = pith_rd_span(r, 4);
    return s ? (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | (uint32_t)s[3]
             : 0;
}
static inline uint64_t pith_rd_u64le(pith_rd *r)
{
    uint64_t lo = pith_rd_u32le(r);
    uint64_t hi = pith_rd_u32le(r);
    return lo | hi << 32;
}

/* Little-endian loads from a span already known to be long enough. */
static inline uint16_t pith_le16(const uint8_t *s) { return (uint16_t)(s[0] | s[1] << 8); }
static inline uint32_t pith_le32(const uint8_t *s)
{
    return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}

#endif
