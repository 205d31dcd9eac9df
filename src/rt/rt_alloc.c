/*
 * Allocation wrappers with a failure hook for tests.
 *
 * The hook is the single piece of process-wide mutable state in the library
 * (rt.h says so): a countdown that tests arm to make the n-th allocation fail,
 * so every error path that handles RT_ENOMEM can be exercised.
 */
#include "kindred/rt.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_countdown = -1;   /* < 0: disarmed */
static atomic_int counting = 0;           /* 0: rt_alloc_count is frozen */
static atomic_ulong alloc_attempts = 0;

void rt_alloc_fail_after(long n)
{
    atomic_store(&fail_countdown, n);
}

void rt_alloc_count_on(int on)
{
    atomic_store(&counting, on != 0);
}

unsigned long rt_alloc_count(void)
{
    return atomic_load(&alloc_attempts);
}

/* 1 when this allocation must fail. Once the countdown reaches 0 it stays
 * there, so every later allocation fails until the test disarms the hook.
 * Disarmed and not counting, this only reads two flags that nobody writes:
 * an unconditional atomic increment here put one cache line in ping-pong
 * between all threads on every allocation, and cost a parallel bulk build
 * of the trie a fifth of its time. */
static int must_fail(void)
{
    if (atomic_load_explicit(&counting, memory_order_relaxed))
        atomic_fetch_add(&alloc_attempts, 1);
    long c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    if (c < 0)
        return 0;
    while (c > 0) {
        if (atomic_compare_exchange_weak(&fail_countdown, &c, c - 1))
            return 0;
    }
    return c == 0;
}

void *rt_malloc(size_t n)
{
    if (must_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *rt_aligned_alloc(size_t align, size_t n)
{
    if (align == 0 || (align & (align - 1)) != 0 || n == 0 || n % align != 0)
        return NULL;
    if (must_fail())
        return NULL;
    return aligned_alloc(align, n);
}

void *rt_calloc(size_t count, size_t size)
{
    size_t total;
    if (rt_size_mul(count, size, &total) != 0)
        return NULL;
    if (must_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *rt_realloc(void *p, size_t n)
{
    if (n == 0) {
        free(p);
        return NULL;
    }
    if (must_fail())
        return NULL;
    return realloc(p, n);
}

void rt_free(void *p)
{
    free(p);
}

void *rt_memdup(const void *p, size_t n)
{
    void *q = rt_malloc(n);
    if (q && n)
        memcpy(q, p, n);
    return q;
}

char *rt_strdup(const char *s)
{
    return rt_memdup(s, strlen(s) + 1);
}

int rt_size_mul(size_t a, size_t b, size_t *out)
{
    if (b && a > SIZE_MAX / b)
        return RT_ERANGE;
    *out = a * b;
    return RT_OK;
}

int rt_size_add(size_t a, size_t b, size_t *out)
{
    if (a > SIZE_MAX - b)
        return RT_ERANGE;
    *out = a + b;
    return RT_OK;
}
