/* rt_alloc: the failure hook and checked size arithmetic; rt_strerror. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kindred/rt.h"

static void fail_after_n(void **state)
{
    (void)state;
    rt_alloc_fail_after(2);
    void *a = rt_malloc(8), *b = rt_malloc(8), *c = rt_malloc(8), *d = rt_calloc(2, 2);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_null(d); /* stays failing until disarmed */
    rt_alloc_fail_after(-1);
    void *e = rt_realloc(NULL, 16);
    assert_non_null(e);
    rt_free(a);
    rt_free(b);
    rt_free(e);
}

/* The counter moves only while counting is on, by one per attempt. */
static void count_only_when_on(void **state)
{
    (void)state;
    rt_alloc_count_on(0);
    unsigned long a = rt_alloc_count();
    rt_free(rt_malloc(8));
    assert_int_equal(rt_alloc_count(), a);
    rt_alloc_count_on(1);
    rt_free(rt_malloc(8));
    rt_free(rt_calloc(2, 4));
    void *p = rt_realloc(NULL, 8);
    rt_free(p);
    assert_int_equal(rt_alloc_count(), a + 3);
    rt_alloc_count_on(0);
    rt_free(rt_malloc(8));
    assert_int_equal(rt_alloc_count(), a + 3);
}

static void calloc_overflow(void **state)
{
    (void)state;
    assert_null(rt_calloc(SIZE_MAX / 2, 4));
    size_t out = 0;
    assert_int_equal(rt_size_mul(SIZE_MAX, 2, &out), RT_ERANGE);
    assert_int_equal(rt_size_add(SIZE_MAX, 1, &out), RT_ERANGE);
    assert_int_equal(rt_size_mul(3, 5, &out), RT_OK);
    assert_int_equal(out, 15);
}

static void strerror_distinct(void **state)
{
    (void)state;
    for (int a = RT_STATUS_MIN_; a <= 0; a++)
        for (int b = a + 1; b <= 0; b++)
            assert_string_not_equal(rt_strerror(a), rt_strerror(b));
    assert_string_equal(rt_strerror(-999), "unknown error");
}

static void strdup_copies(void **state)
{
    (void)state;
    char *s = rt_strdup("kindred");
    assert_string_equal(s, "kindred");
    rt_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fail_after_n),
        cmocka_unit_test(count_only_when_on),
        cmocka_unit_test(calloc_overflow),
        cmocka_unit_test(strerror_distinct),
        cmocka_unit_test(strdup_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
