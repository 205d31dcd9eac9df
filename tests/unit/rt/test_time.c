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

/* Busy work shows up as CPU time, and one thread cannot use more CPU time
 * than wall time (with a little slack for clock granularity). A loaded
 * machine only makes the loop run longer. */
static void cpu_time_counts_work(void **state)
{
    (void)state;
    double c0 = rt_cpu_seconds(), c1 = c0;
    uint64_t t0 = rt_now_ns();
    volatile uint64_t x = 1;
    while (c1 - c0 < 0.05 && rt_now_ns() - t0 < 20ull * 1000 * 1000 * 1000) {
        for (int i = 0; i < 100000; i++)
            x = x * 2862933555777941757ULL + 3037000493ULL;
        c1 = rt_cpu_seconds();
    }
    double wall = (double)(rt_now_ns() - t0) * 1e-9;
    assert_true(c1 - c0 >= 0.05);
    assert_true(c1 - c0 <= wall + 0.02);
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
