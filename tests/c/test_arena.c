/* test_arena.c: the chunked bump allocator and its budget. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

static pith_budget budget;
static pith_arena arena;

static void setup(void)
{
    pith_budget_init(&budget, NULL, (uint64_t)64 << 20);
    pith_arena_init(&arena, &budget, (size_t)1 << 20);
}
static void teardown(void) { pith_arena_finish(&arena); }

TestSuite(arena, .init = setup, .fini = teardown);

Test(arena, allocations_are_aligned_and_distinct)
{
    unsigned char *prev = NULL;
    for (size_t n = 0; n < 300; n++) {
        unsigned char *p = pith_arena_alloc(&arena, n);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % PITH_ARENA_ALIGN, 0);
        memset(p, 0xAB, n);
        cr_assert_neq(p, prev);
        prev = p;
    }
}

Test(arena, large_request_gets_its_own_chunk)
{
    void *small = pith_arena_alloc(&arena, 100);
    void *big = pith_arena_alloc(&arena, (size_t)8 << 20);
    cr_assert_not_null(small);
    cr_assert_not_null(big);
    memset(big, 1, (size_t)8 << 20);
    cr_assert_geq(budget.used, (uint64_t)8 << 20);
    pith_arena_reset(&arena);
    /* a big chunk is never kept as a spare */
    cr_assert_lt(budget.used, (uint64_t)2 << 20);
}

Test(arena, release_rolls_back_to_the_mark)
{
    (void)pith_arena_alloc(&arena, 64);
    pith_arena_mark m = pith_arena_mark_get(&arena);
    for (int i = 0; i < 10000; i++) cr_assert_not_null(pith_arena_alloc(&arena, 100));
    uint64_t grown = budget.used;
    pith_arena_release(&arena, m);
    void *again = pith_arena_alloc(&arena, 16);
    cr_assert_not_null(again);
    /* allocating the same amount again reuses the spares: no new chunk */
    for (int i = 0; i < 10000; i++) cr_assert_not_null(pith_arena_alloc(&arena, 100));
    cr_assert_leq(budget.used, grown);
}

Test(arena, reset_keeps_at_most_retain_bytes)
{
    for (int i = 0; i < 100000; i++) cr_assert_not_null(pith_arena_alloc(&arena, 100));
    cr_assert_gt(budget.used, (uint64_t)4 << 20);
    pith_arena_reset(&arena);
    cr_assert_leq(budget.used, ((uint64_t)1 << 20) + 4096);
}

Test(arena, cap_refuses_with_limit)
{
    pith_budget b;
    pith_arena a;
    pith_budget_init(&b, NULL, 100000);
    pith_arena_init(&a, &b, 0);
    void *p = NULL;
    int n = 0;
    while ((p = pith_arena_alloc(&a, 1000)) != NULL) n++;
    cr_assert_eq(b.last_fail, PITH_E_LIMIT);
    cr_assert_leq(b.used, 100000);
    cr_assert_gt(n, 10);
    pith_arena_finish(&a);
    cr_assert_eq(b.used, 0);
}

static void *failing_malloc(void *ctx, size_t n)
{
    (void)ctx;
    (void)n;
    return NULL;
}
static void plain_free(void *ctx, void *p)
{
    (void)ctx;
    (void)p;
}

Test(arena, allocator_failure_is_nomem)
{
    pith_allocator alc = {failing_malloc, plain_free, NULL};
    pith_budget b;
    pith_arena a;
    pith_budget_init(&b, &alc, 1 << 30);
    pith_arena_init(&a, &b, 0);
    cr_assert_null(pith_arena_alloc(&a, 10));
    cr_assert_eq(b.last_fail, PITH_E_NOMEM);
    pith_arena_finish(&a);
}

Test(arena, size_overflow_is_refused)
{
    cr_assert_null(pith_arena_alloc(&arena, SIZE_MAX));
    cr_assert_null(pith_arena_alloc(&arena, SIZE_MAX - 8));
    cr_assert_null(pith_arena_calloc(&arena, SIZE_MAX / 2, 3));
    size_t out;
    cr_assert_not(pith_size_mul(SIZE_MAX / 2, 3, &out));
    cr_assert_not(pith_size_add(SIZE_MAX, 1, &out));
    cr_assert(pith_size_add(2, 3, &out));
    cr_assert_eq(out, 5);
}

Test(arena, grow_extends_the_last_allocation_in_place)
{
    char *p = pith_arena_alloc(&arena, 32);
    memcpy(p, "abc", 4);
    char *q = pith_arena_grow(&arena, p, 32, 1000);
    cr_assert_eq(p, q);
    cr_assert_str_eq(q, "abc");
    (void)pith_arena_alloc(&arena, 8);
    char *r = pith_arena_grow(&arena, q, 1000, 2000);
    cr_assert_neq(r, q);
    cr_assert_str_eq(r, "abc");
}

Test(arena, high_water_is_flat_over_a_batch)
{
    uint64_t at10 = 0;
    for (int doc = 1; doc <= 1000; doc++) {
        for (int i = 0; i < 500; i++) cr_assert_not_null(pith_arena_alloc(&arena, 37 + i % 200));
        (void)pith_arena_alloc(&arena, 300000);
        pith_arena_reset(&arena);
        if (doc == 10) at10 = budget.high;
    }
    cr_assert_eq(budget.high, at10, "high-water grew from %llu to %llu",
                 (unsigned long long)at10, (unsigned long long)budget.high);
}
