/* arena.h: chunked bump allocator (the MuPDF pool design), the only owner of document memory.
 *
 * Chunks come from a pith_budget shared by the arenas of one context, so one cap
 * (limits.max_memory_bytes) covers them all and one high-water mark describes them. Small
 * requests are bumped out of the current chunk; a request over a quarter of the chunk size gets
 * a chunk of its own. mark/release rolls an arena back (a unit's scratch); reset empties it,
 * keeping up to `retain` bytes of standard chunks so a batch of documents settles at a steady
 * size instead of returning memory to malloc and asking again. Nothing is freed one by one.
 */
#ifndef PITH_ARENA_H
#define PITH_ARENA_H

#include "pith.h"

#include <stdbool.h>

/* Memory accounting shared by the arenas of one context. */
typedef struct pith_budget {
    pith_allocator alc;   /* resolved: never NULL functions */
    uint64_t cap;         /* bytes of chunks allowed at once */
    uint64_t used;        /* bytes of chunks held now (retained ones included) */
    uint64_t high;        /* most bytes held at once */
    pith_status last_fail; /* why the last failed request failed: LIMIT (cap) or NOMEM */
} pith_budget;

typedef struct pith_arena_chunk pith_arena_chunk;

typedef struct pith_arena {
    pith_budget *budget;
    pith_arena_chunk *first;  /* chunks in allocation order */
    pith_arena_chunk *cur;    /* the last of them, bumped from */
    pith_arena_chunk *spare;  /* standard chunks kept for reuse */
    size_t spare_bytes;
    size_t retain;            /* most bytes of spare chunks kept by reset/release */
    size_t next_size;         /* size of the next standard chunk (grows to PITH_ARENA_MAX) */
} pith_arena;

typedef struct pith_arena_mark {
    pith_arena_chunk *chunk;
    size_t used;
} pith_arena_mark;

#define PITH_ARENA_ALIGN 16u
#define PITH_ARENA_MIN ((size_t)16 * 1024)
#define PITH_ARENA_MAX ((size_t)1024 * 1024)

void pith_budget_init(pith_budget *b, const pith_allocator *alc, uint64_t cap);

void pith_arena_init(pith_arena *a, pith_budget *b, size_t retain);
/* Frees every chunk, spares included. */
void pith_arena_finish(pith_arena *a);
/* n bytes aligned to PITH_ARENA_ALIGN, uninitialised; NULL when the budget's cap or the
 * allocator refuses (budget->last_fail says which). n == 0 returns a valid unique pointer. */
void *pith_arena_alloc(pith_arena *a, size_t n);
/* Same, zeroed. */
void *pith_arena_calloc(pith_arena *a, size_t count, size_t size);
/* Grow the most recent allocation `p` (old bytes) in place when it is the last one bumped and
 * the chunk has room, else allocate anew and copy. NULL on failure (p stays valid). */
void *pith_arena_grow(pith_arena *a, void *p, size_t old, size_t n);
pith_arena_mark pith_arena_mark_get(const pith_arena *a);
/* Roll back to a mark: every allocation made after it is gone. */
void pith_arena_release(pith_arena *a, pith_arena_mark m);
/* Forget every allocation; keep up to `retain` bytes of chunks as spares. */
void pith_arena_reset(pith_arena *a);
/* Bytes of chunks this arena holds (spares included). */
size_t pith_arena_bytes(const pith_arena *a);

/* Checked size arithmetic: false on overflow (stb's mul2sizes_valid). */
static inline bool pith_size_mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a) return false;
    *out = a * b;
    return true;
}
static inline bool pith_size_add(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a) return false;
    *out = a + b;
    return true;
}

#endif
