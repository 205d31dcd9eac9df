/* rt_arena: alignment, stats, reset reuse, large blocks, failure, debug fill. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kindred/rt.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

static void alignment_and_no_overlap(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a, 1024);
    enum { N = 500 };
    uint8_t *p[N];
    size_t len[N];
    uint64_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        len[i] = (size_t)(x >> 33) % 700; /* includes 0 and sizes > block/4 */
        p[i] = rt_arena_alloc(&a, len[i]);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        memset(p[i], i & 0xff, len[i]);
    }
    for (int i = 0; i < N; i++) {
        for (size_t k = 0; k < len[i]; k++)
            assert_int_equal(p[i][k], i & 0xff);
        for (int j = i + 1; j < N; j++) /* distinct, even for n == 0 */
            assert_ptr_not_equal(p[i], p[j]);
    }
    rt_arena_free(&a);
}

static void stats_track_use(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a, 4096);
    rt_arena_stats st;
    rt_arena_get_stats(&a, &st);
    assert_int_equal(st.used, 0);
    assert_int_equal(st.reserved, 0);
    assert_int_equal(st.nblocks, 0);
    assert_non_null(rt_arena_alloc(&a, 10));  /* rounds to 16 */
    assert_non_null(rt_arena_alloc(&a, 100)); /* rounds to 112 */
    rt_arena_get_stats(&a, &st);
    assert_int_equal(st.used, 128);
    assert_int_equal(st.peak, 128);
    assert_int_equal(st.nblocks, 1);
    assert_int_equal(st.reserved, 4096);
    assert_int_equal(st.gen, 0);
    assert_non_null(rt_arena_alloc(&a, 10000)); /* needs its own block */
    rt_arena_get_stats(&a, &st);
    assert_int_equal(st.nblocks, 2);
    assert_int_equal(st.reserved, 4096 + 10000);
    rt_arena_reset(&a);
    rt_arena_get_stats(&a, &st);
    assert_int_equal(st.used, 0);
    assert_int_equal(st.peak, 128 + 10000);
    assert_int_equal(st.gen, 1);
    assert_int_equal(st.nblocks, 1);
    assert_int_equal(st.reserved, 10000); /* the largest block is kept */
    rt_arena_free(&a);
    rt_arena_get_stats(&a, &st);
    assert_int_equal(st.reserved, 0);
    assert_int_equal(st.nblocks, 0);
}

/* After one job and a reset, the same job runs with no allocator call. */
static void reset_reaches_steady_state(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a, 0);
    for (int round = 0; round < 3; round++) {
        rt_alloc_count_on(1);
        unsigned long before = rt_alloc_count();
        for (int i = 0; i < 100; i++)
            assert_non_null(rt_arena_alloc(&a, 200));
        unsigned long calls = rt_alloc_count() - before;
        if (round == 0)
            assert_true(calls >= 1);
        else
            assert_int_equal(calls, 0);
        rt_arena_reset(&a);
    }
    rt_arena_free(&a);
}

/* A large request must not waste the head block's free space. */
static void large_block_keeps_head(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a, 4096);
    uint8_t *s1 = rt_arena_alloc(&a, 32);
    uint8_t *big = rt_arena_alloc(&a, 5000); /* does not fit the head */
    uint8_t *s2 = rt_arena_alloc(&a, 32);
    assert_non_null(s1);
    assert_non_null(big);
    assert_ptr_equal(s2, s1 + 32);
    memset(big, 1, 5000);
    rt_arena_free(&a);
}

static void calloc_strndup(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a, 256);
    assert_null(rt_arena_calloc(&a, SIZE_MAX / 4, 8));
    assert_null(rt_arena_alloc(&a, SIZE_MAX - 8));
    uint8_t *z = rt_arena_calloc(&a, 100, 3);
    assert_non_null(z);
    for (int i = 0; i < 300; i++)
        assert_int_equal(z[i], 0);
    char *s = rt_arena_strndup(&a, "kindred-rt", 7);
    assert_string_equal(s, "kindred");
    s = rt_arena_strndup(&a, "ab\0cd", 5); /* stops at NUL like strndup */
    assert_string_equal(s, "ab");
    const char raw[3] = {'x', 'y', 'z'}; /* not NUL-terminated */
    s = rt_arena_strndup(&a, raw, 3);
    assert_string_equal(s, "xyz");
    rt_arena_free(&a);
}

static void alloc_failure(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a, 1024);
    rt_alloc_fail_after(0);
    assert_null(rt_arena_alloc(&a, 8));
    assert_null(rt_arena_strndup(&a, "x", 1));
    rt_alloc_fail_after(-1);
    rt_arena_stats st;
    rt_arena_get_stats(&a, &st);
    assert_int_equal(st.used, 0);
    assert_int_equal(st.nblocks, 0);
    assert_non_null(rt_arena_alloc(&a, 1000));
    /* The second block fails; the first stays usable. */
    rt_alloc_fail_after(0);
    assert_null(rt_arena_alloc(&a, 1000));
    rt_alloc_fail_after(-1);
    rt_arena_get_stats(&a, &st);
    assert_int_equal(st.used, 1008);
    assert_int_equal(st.nblocks, 1);
    assert_non_null(rt_arena_alloc(&a, 8));
    rt_arena_free(&a);
}

#ifdef RT_ARENA_DEBUG
/* Only debug builds fill and poison released memory; release builds do not
 * register this test at all rather than reporting it skipped. */
static void debug_fill_after_reset(void **state)
{
    (void)state;
    rt_arena a;
    rt_arena_init(&a, 1024);
    uint8_t *p = rt_arena_alloc(&a, 64);
    memset(p, 0x11, 64);
    rt_arena_reset(&a);
#ifdef TEST_ASAN
    /* Any use through p would be reported; look only after unpoisoning. */
    assert_true(__asan_address_is_poisoned(p));
    assert_true(__asan_address_is_poisoned(p + 63));
    ASAN_UNPOISON_MEMORY_REGION(p, 64);
#endif
    for (int i = 0; i < 64; i++)
        assert_int_equal(p[i], 0xA5);
    /* Handing the memory out again makes it usable (and unpoisoned). */
    uint8_t *q = rt_arena_alloc(&a, 64);
    assert_ptr_equal(p, q);
    q[0] = 1;
    rt_arena_free(&a);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alignment_and_no_overlap),
        cmocka_unit_test(stats_track_use),
        cmocka_unit_test(reset_reaches_steady_state),
        cmocka_unit_test(large_block_keeps_head),
        cmocka_unit_test(calloc_strndup),
        cmocka_unit_test(alloc_failure),
#ifdef RT_ARENA_DEBUG
        cmocka_unit_test(debug_fill_after_reset),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
