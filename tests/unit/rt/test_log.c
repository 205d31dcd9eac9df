/* rt_log: level filter, line format, silence without a logger, truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "kindred/rt.h"

static size_t read_all(FILE *f, char *buf, size_t cap)
{
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    return n;
}

static void levels_and_format(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    rt_logger lg = {.level = RT_LOG_WARN, .tag = "cagc", .sink = f};
    rt_log(&lg, RT_LOG_ERROR, "bad %s", "input");
    rt_log(&lg, RT_LOG_WARN, "odd %d", 7);
    rt_log(&lg, RT_LOG_INFO, "hidden");
    rt_log(&lg, RT_LOG_DEBUG, "hidden too");
    rt_log(NULL, RT_LOG_ERROR, "nowhere");
    char buf[4096];
    read_all(f, buf, sizeof buf);
    assert_string_equal(buf, "[cagc] bad input\n[cagc] odd 7\n");
    fclose(f);
}

static void default_tag_and_truncation(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    rt_logger lg = {.level = RT_LOG_DEBUG, .tag = NULL, .sink = f};
    char big[3000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    rt_log(&lg, RT_LOG_DEBUG, "%s", big);
    rt_log(&lg, RT_LOG_INFO, "after");
    char buf[8192];
    size_t n = read_all(f, buf, sizeof buf);
    assert_true(strncmp(buf, "[kindred] zzz", 13) == 0);
    /* One line, cut short but still ended by a newline. */
    char *nl = strchr(buf, '\n');
    assert_non_null(nl);
    assert_true(nl - buf < 3000);
    assert_string_equal(nl + 1, "[kindred] after\n");
    assert_true(n < 3000);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(levels_and_format),
        cmocka_unit_test(default_tag_and_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
