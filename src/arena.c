/* arena.c: chunked bump allocator with a shared budget (see arena.h).
 *
 * Chunk layout: a header, then `size` bytes of payload aligned to PITH_ARENA_ALIGN. Standard
 * chunks start at PITH_ARENA_MIN and double up to PITH_ARENA_MAX, so a tiny document costs one
 * 16 KiB chunk and a big one a few hundred 1 MiB chunks, not millions of mallocs. A request
 * larger than a quarter of the next standard size gets an exact-size chunk of its own. Spares
 * of either kind are kept while they fit in `retain`, so the per-document buffers of a batch
 * (a 64 KiB output chunk, a decode buffer) are malloc'd once, not once per document: in wasm,
 * emmalloc's malloc/free of such blocks cost more than the whole extraction of a small file.
 */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct pith_arena_chunk {
    pith_arena_chunk *next;
    size_t size;      /* payload bytes */
    size_t used;      /* payload bytes handed out */
    int standard;     /* 1: bumped from by small requests; 0: holds one large request */
    int pad_;
};

/* Payload offset: the header rounded up to the alignment. */
#define CHUNK_HEAD ((sizeof(pith_arena_chunk) + PITH_ARENA_ALIGN - 1) & ~(size_t)(PITH_ARENA_ALIGN - 1))

static unsigned char *payload(pith_arena_chunk *c) { return (unsigned char *)c + CHUNK_HEAD; }

static void *sys_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}
static void sys_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

void pith_budget_init(pith_budget *b, const pith_allocator *alc, uint64_t cap)
{
    memset(b, 0, sizeof *b);
    b->alc.malloc = alc && alc->malloc ? alc->malloc : sys_malloc;
    b->alc.free = alc && alc->free ? alc->free : sys_free;
    b->alc.ctx = alc ? alc->ctx : NULL;
    b->cap = cap;
}

static pith_arena_chunk *chunk_new(pith_budget *b, size_t size, int standard)
{
    size_t total;
    if (!pith_size_add(size, CHUNK_HEAD, &total) || total > b->cap || b->used > b->cap - total) {
        b->last_fail = PITH_E_LIMIT;
        return NULL;
    }
    pith_arena_chunk *c = b->alc.malloc(b->alc.ctx, total);
    if (!c) {
        b->last_fail = PITH_E_NOMEM;
        return NULL;
    }
    c->next = NULL;
    c->size = size;
    c->used = 0;
    c->standard = standard;
    b->used += total;
    if (b->used > b->high) b->high = b->used;
    return c;
}

static void chunk_free(pith_budget *b, pith_arena_chunk *c)
{
    b->used -= c->size + CHUNK_HEAD;
    b->alc.free(b->alc.ctx, c);
}

void pith_arena_init(pith_arena *a, pith_budget *b, size_t retain)
{
    memset(a, 0, sizeof *a);
    a->budget = b;
    a->retain = retain;
    a->next_size = PITH_ARENA_MIN;
}

static void free_list(pith_budget *b, pith_arena_chunk *c)
{
    while (c) {
        pith_arena_chunk *next = c->next;
        chunk_free(b, c);
        c = next;
    }
}

void pith_arena_finish(pith_arena *a)
{
    if (!a->budget) return;
    free_list(a->budget, a->first);
    free_list(a->budget, a->spare);
    a->first = a->cur = a->spare = NULL;
    a->spare_bytes = 0;
}

/* Give chunks back: they become spares while they fit in `retain`, the rest are freed. */
static void recycle(pith_arena *a, pith_arena_chunk *c)
{
    while (c) {
        pith_arena_chunk *next = c->next;
        if (a->spare_bytes + c->size <= a->retain) {
            c->used = 0;
            c->next = a->spare;
            a->spare = c;
            a->spare_bytes += c->size;
        } else {
            chunk_free(a->budget, c);
        }
        c = next;
    }
}

static void append(pith_arena *a, pith_arena_chunk *c)
{
    if (a->cur)
        a->cur->next = c;
    else
        a->first = c;
    a->cur = c;
}

/* The smallest spare with room for n bytes, or NULL. Best fit, so that a small request never
 * takes the spare a large one will want next: a batch then settles after its first few
 * documents instead of growing spares up to `retain`. */
static pith_arena_chunk *take_spare(pith_arena *a, size_t n)
{
    pith_arena_chunk **best = NULL;
    for (pith_arena_chunk **pp = &a->spare; *pp; pp = &(*pp)->next)
        if ((*pp)->size >= n && (!best || (*pp)->size < (*best)->size)) best = pp;
    if (!best) return NULL;
    pith_arena_chunk *c = *best;
    *best = c->next;
    a->spare_bytes -= c->size;
    c->next = NULL;
    c->used = 0;
    return c;
}

/* A standard chunk with room for n bytes: a spare if one fits, else a new one. */
static pith_arena_chunk *standard_chunk(pith_arena *a, size_t n)
{
    pith_arena_chunk *c = take_spare(a, n);
    if (c) {
        c->standard = 1;
        return c;
    }
    size_t size = a->next_size;
    while (size < n) size *= 2;
    c = chunk_new(a->budget, size, 1);
    if (c && a->next_size < PITH_ARENA_MAX) a->next_size *= 2;
    return c;
}

/* Size of a chunk for one large request: the next power of two up to 4 MiB, then whole MiB.
 * Size classes make a kept chunk fit the next document's slightly larger request (a decode
 * buffer for 18,494 bytes after one for 18,492), so a batch settles instead of adding a chunk
 * each time a document is a little larger than any before it. */
static size_t big_size(size_t need)
{
    size_t mib = (size_t)1 << 20;
    if (need > 4 * mib) return need > SIZE_MAX - mib ? need : (need + mib - 1) & ~(mib - 1);
    size_t s = PITH_ARENA_MIN;
    while (s < need) s *= 2;
    return s;
}

void *pith_arena_alloc(pith_arena *a, size_t n)
{
    size_t need = (n + PITH_ARENA_ALIGN - 1) & ~(size_t)(PITH_ARENA_ALIGN - 1);
    if (need < n) {
        a->budget->last_fail = PITH_E_LIMIT;
        return NULL;
    }
    if (need == 0) need = PITH_ARENA_ALIGN;
    pith_arena_chunk *c = a->cur;
    if (c && c->size - c->used >= need) {
        void *p = payload(c) + c->used;
        c->used += need;
        return p;
    }
    if (need > a->next_size / 4) {
        /* Own chunk (a kept one if it fits), appended as full: the next small request opens
         * a fresh chunk. */
        c = take_spare(a, need);
        if (!c) c = chunk_new(a->budget, big_size(need), 0);
        if (!c) return NULL;
        c->standard = 0;
        c->used = c->size;
        append(a, c);
        return payload(c);
    }
    c = standard_chunk(a, need);
    if (!c) return NULL;
    append(a, c);
    c->used = need;
    return payload(c);
}

void *pith_arena_calloc(pith_arena *a, size_t count, size_t size)
{
    size_t n;
    if (!pith_size_mul(count, size, &n)) {
        a->budget->last_fail = PITH_E_LIMIT;
        return NULL;
    }
    void *p = pith_arena_alloc(a, n);
    if (p) memset(p, 0, n);
    return p;
}

void *pith_arena_grow(pith_arena *a, void *p, size_t old, size_t n)
{
    if (n <= old) return p;
    pith_arena_chunk *c = a->cur;
    size_t old_al = (old + PITH_ARENA_ALIGN - 1) & ~(size_t)(PITH_ARENA_ALIGN - 1);
    if (old_al == 0) old_al = PITH_ARENA_ALIGN;
    if (p && c && c->standard && (unsigned char *)p + old_al == payload(c) + c->used) {
        size_t start = (size_t)((unsigned char *)p - payload(c));
        size_t need = (n + PITH_ARENA_ALIGN - 1) & ~(size_t)(PITH_ARENA_ALIGN - 1);
        if (need >= n && c->size - start >= need) {
            c->used = start + need;
            return p;
        }
    }
    void *q = pith_arena_alloc(a, n);
    if (q && p && old) memcpy(q, p, old);
    return q;
}

pith_arena_mark pith_arena_mark_get(const pith_arena *a)
{
    pith_arena_mark m;
    m.chunk = a->cur;
    m.used = a->cur ? a->cur->used : 0;
    return m;
}

void pith_arena_release(pith_arena *a, pith_arena_mark m)
{
    if (!m.chunk) {
        pith_arena_reset(a);
        return;
    }
    recycle(a, m.chunk->next);
    m.chunk->next = NULL;
    m.chunk->used = m.used;
    a->cur = m.chunk;
}

void pith_arena_reset(pith_arena *a)
{
    recycle(a, a->first);
    a->first = a->cur = NULL;
    /* Each document grows its chunks from the start again, so the chunks it asks for depend
     * on its own allocations, not on how many documents came before it. */
    a->next_size = PITH_ARENA_MIN;
}

size_t pith_arena_bytes(const pith_arena *a)
{
    size_t n = 0;
    for (const pith_arena_chunk *c = a->first; c; c = c->next) n += c->size + CHUNK_HEAD;
    for (const pith_arena_chunk *c = a->spare; c; c = c->next) n += c->size + CHUNK_HEAD;
    return n;
}
