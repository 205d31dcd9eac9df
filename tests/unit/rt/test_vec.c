/* rt_vec and rt_buf: growth policy, contents, failure paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kindred/rt.h"

typedef RT_VEC(uint32_t) u32_vec;
typedef struct {
    uint64_t a, b, c;
} triple;

static void push_many_keeps_order(void **state)
{
    (void)state;
    u32_vec v = {0};
    for (uint32_t i = 0; i < 100000; i++)
        assert_int_equal(rt_vec_push(&v, i * 7u), 0);
    assert_int_equal(v.n, 100000);
    assert_true(v.cap >= v.n);
    for (uint32_t i = 0; i < 100000; i++)
        assert_int_equal(v.v[i], i * 7u);
    rt_vec_clear(&v);
    assert_int_equal(v.n, 0);
    assert_true(v.cap >= 100000); /* clear keeps the memory */
    rt_vec_free(&v);
    assert_null(v.v);
    assert_int_equal(v.cap, 0);
}

/* Geometric growth: x1.5 from a minimum of 8, so pushes reallocate rarely. */
static void growth_is_geometric(void **state)
{
    (void)state;
    RT_VEC(triple) v = {0};
    size_t expect[] = {8, 12, 18, 27, 40, 60, 90};
    size_t k = 0, last = 0;
    for (int i = 0; i < 90; i++) {
        triple t = {(uint64_t)i, (uint64_t)i * 2, (uint64_t)i * 3};
        assert_int_equal(rt_vec_push(&v, t), 0);
        if (v.cap != last) {
            assert_true(k < sizeof expect / sizeof expect[0]);
            assert_int_equal(v.cap, expect[k]);
            k++;
            last = v.cap;
        }
    }
    assert_int_equal(k, 7);
    assert_int_equal(v.v[89].c, 267);
    /* A reserve beyond the next step jumps straight to the request. */
    assert_int_equal(rt_vec_reserve(&v, 1000), 0);
    assert_int_equal(v.cap, 1000);
    assert_int_equal(rt_vec_reserve(&v, 10), 0); /* never shrinks */
    assert_int_equal(v.cap, 1000);
    rt_vec_free(&v);
}

static void reserve_overflow(void **state)
{
    (void)state;
    RT_VEC(triple) v = {0};
    assert_int_equal(rt_vec_reserve(&v, SIZE_MAX / 8), RT_ERANGE);
    assert_null(v.v);
    rt_vec_free(&v);
}

static void push_failure_leaves_vector_intact(void **state)
{
    (void)state;
    u32_vec v = {0};
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(rt_vec_push(&v, i), 0);
    assert_int_equal(v.cap, 8);
    rt_alloc_fail_after(0);
    assert_int_equal(rt_vec_push(&v, 99), RT_ENOMEM);
    rt_alloc_fail_after(-1);
    assert_int_equal(v.n, 8);
    assert_int_equal(v.cap, 8);
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(v.v[i], i);
    assert_int_equal(rt_vec_push(&v, 99), 0);
    assert_int_equal(v.v[8], 99);
    rt_vec_free(&v);

    rt_buf b = {0};
    rt_alloc_fail_after(0);
    assert_int_equal(rt_buf_append(&b, "abc", 3), RT_ENOMEM);
    assert_int_equal(rt_buf_putc(&b, 'x'), RT_ENOMEM);
    assert_int_equal(rt_buf_printf(&b, "%d", 42), RT_ENOMEM);
    rt_alloc_fail_after(-1);
    assert_int_equal(b.n, 0);
    rt_vec_free(&b);
}

static void buf_helpers(void **state)
{
    (void)state;
    rt_buf b = {0};
    assert_int_equal(rt_buf_append(&b, "kin", 3), 0);
    assert_int_equal(rt_buf_putc(&b, 'd'), 0);
    assert_int_equal(rt_buf_printf(&b, "%s-%d", "red", 7), 0);
    assert_int_equal(b.n, 9);
    assert_memory_equal(b.v, "kindred-7", 9);
    assert_int_equal(b.v[b.n], '\0'); /* printf leaves a NUL after the text */
    assert_int_equal(rt_buf_append(&b, NULL, 0), 0);
    assert_int_equal(b.n, 9);
    /* A long formatted string takes the grow-and-retry path. */
    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(rt_buf_printf(&b, "<%s>", big), 0);
    assert_int_equal(b.n, 9 + 5001);
    assert_int_equal(b.v[9], '<');
    assert_int_equal(b.v[9 + 4999], 'q');
    assert_int_equal(b.v[9 + 5000], '>');
    assert_int_equal(b.v[b.n], '\0');
    rt_vec_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_many_keeps_order),
        cmocka_unit_test(growth_is_geometric),
        cmocka_unit_test(reserve_overflow),
        cmocka_unit_test(push_failure_leaves_vector_intact),
        cmocka_unit_test(buf_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
