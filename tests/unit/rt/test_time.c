/* rt_time: the monotonic clock, CPU time and peak RSS move as they should. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "kindred/rt.h"

static void clock_advances(void **state)
{
    (void)state;
    uint64_t a = rt_now_ns();
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    uint64_t b = rt_now_ns();
    assert_true(b - a >= 20u * 1000 * 1000);
    assert_true(b - a < 5ull * 1000 * 1000 * 1000);
    for (int i = 0; i < 1000; i++) {
        uint64_t c = rt_now_ns();
        assert_true(c >= b);
        b = c;
    }
}

static void cpu_time_counts_work(void **state)
{
    (void)state;
    double c0 = rt_cpu_seconds();
    uint64_t t0 = rt_now_ns();
    volatile uint64_t x = 1;
    while (rt_now_ns() - t0 < 60u * 1000 * 1000)
        for (int i = 0; i < 10000; i++)
            x = x * 2862933555777941757ULL + 3037000493ULL;
    double c1 = rt_cpu_seconds();
    assert_true(c1 - c0 >= 0.02); /* busy for 60 ms of wall time */
    assert_true(c1 >= c0);
}

static void peak_rss_sees_touched_memory(void **state)
{
    (void)state;
    size_t before = rt_peak_rss_bytes();
    assert_true(before > 0);
    size_t n = 64u << 20;
    char *p = rt_malloc(n);
    assert_non_null(p);
    memset(p, 1, n);
    size_t after = rt_peak_rss_bytes();
    assert_true(after >= n);
    assert_true(after >= before);
    rt_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clock_advances),
        cmocka_unit_test(cpu_time_counts_work),
        cmocka_unit_test(peak_rss_sees_touched_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
