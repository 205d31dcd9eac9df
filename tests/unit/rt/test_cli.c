/* rt_cli: number parsing, common options inside a getopt_long loop, the
 * footer line, and the progress line (silent unless enabled). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kindred/rt.h"

static void parse_int(void **state)
{
    (void)state;
    long v = -1;
    assert_int_equal(rt_cli_parse_int("42", 1, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(rt_cli_parse_int("-5", -10, 10, &v), 0);
    assert_int_equal(v, -5);
    assert_int_equal(rt_cli_parse_int("0", 1, 100, &v), RT_ERANGE);
    assert_int_equal(rt_cli_parse_int("101", 1, 100, &v), RT_ERANGE);
    assert_int_equal(rt_cli_parse_int("99999999999999999999", 1, 100, &v), RT_ERANGE);
    const char *bad[] = {"", "x", "4x", " 4", "+4", "4 ", "0x10", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(rt_cli_parse_int(bad[i], 1, 100, &v), RT_EINVAL);
    assert_int_equal(rt_cli_parse_int(NULL, 1, 100, &v), RT_EINVAL);
    assert_int_equal(v, -5); /* untouched on error */
}

static void parse_u64(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_int_equal(rt_cli_parse_u64("18446744073709551615", &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(rt_cli_parse_u64("18446744073709551616", &v), RT_ERANGE);
    assert_int_equal(rt_cli_parse_u64("0", &v), 0);
    assert_true(v == 0);
    assert_int_equal(rt_cli_parse_u64("-1", &v), RT_EINVAL);
    assert_int_equal(rt_cli_parse_u64("12a", &v), RT_EINVAL);
    assert_int_equal(rt_cli_parse_u64("", &v), RT_EINVAL);
}

/* Runs a program-like getopt_long loop: "-o FILE" is the program's own. */
static int parse_argv(rt_cli_common *co, int argc, char **argv, const char **out_opt, int *unknown)
{
    static const struct option longopts[] = {RT_CLI_LONGOPTS, {"out", 1, NULL, 'o'}, {0, 0, 0, 0}};
    rt_cli_common_init(co);
    optind = 0; /* full re-initialisation of GNU getopt between runs */
    opterr = 0;
    *out_opt = NULL;
    *unknown = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:" RT_CLI_SHORTOPTS, longopts, NULL)) != -1) {
        int rc = rt_cli_common_opt(co, c, optarg);
        if (rc < 0)
            return rc;
        if (rc == 1)
            continue;
        if (c == 'o')
            *out_opt = optarg;
        else
            (*unknown)++;
    }
    return 0;
}

/* The same with a NULL-terminated list of literals (copied: getopt may
 * permute argv, and literals are read-only). */
static int parse(rt_cli_common *co, const char *const *args, const char **out_opt, int *unknown)
{
    static char store[16][64];
    static char *argv[17];
    int argc = 0;
    for (; args[argc]; argc++) {
        snprintf(store[argc], sizeof store[argc], "%s", args[argc]);
        argv[argc] = store[argc];
    }
    argv[argc] = NULL;
    return parse_argv(co, argc, argv, out_opt, unknown);
}

static void common_options(void **state)
{
    (void)state;
    rt_cli_common co;
    const char *o;
    int unk;
    const char *const a1[] = {"prog", "-vv", "-t", "3", "-o", "x.txt", "--footer", "in.fa", NULL};
    assert_int_equal(parse(&co, a1, &o, &unk), 0);
    assert_int_equal(co.verbose, 2);
    assert_int_equal(co.threads, 3);
    assert_int_equal(co.footer, 1);
    assert_int_equal(co.help, 0);
    assert_string_equal(o, "x.txt");
    assert_int_equal(unk, 0);
    assert_int_equal(rt_cli_log_level(&co), RT_LOG_DEBUG);

    const char *const a2[] = {"prog", "--verbose=1", "-@", "2", "--version", "-h", NULL};
    assert_int_equal(parse(&co, a2, &o, &unk), 0);
    assert_int_equal(co.verbose, 1);
    assert_int_equal(co.threads, 2);
    assert_int_equal(co.version, 1);
    assert_int_equal(co.help, 1);
    assert_int_equal(rt_cli_log_level(&co), RT_LOG_INFO);

    const char *const a3[] = {"prog", "-v", "-v", "--threads=7", "-z", NULL};
    assert_int_equal(parse(&co, a3, &o, &unk), 0);
    assert_int_equal(co.verbose, 2);
    assert_int_equal(co.threads, 7);
    assert_int_equal(unk, 1); /* -z is the program's business ('?') */

    const char *const a4[] = {"prog", "-v3", "--help", NULL};
    assert_int_equal(parse(&co, a4, &o, &unk), 0);
    assert_int_equal(co.verbose, 3);
    assert_int_equal(co.help, 1);

    const char *const bad1[] = {"prog", "-t", "0", NULL};
    assert_int_equal(parse(&co, bad1, &o, &unk), RT_ERANGE);
    const char *const bad2[] = {"prog", "-t", "many", NULL};
    assert_int_equal(parse(&co, bad2, &o, &unk), RT_EINVAL);
    const char *const bad3[] = {"prog", "--verbose=loud", NULL};
    assert_int_equal(parse(&co, bad3, &o, &unk), RT_EINVAL);
    assert_int_equal(rt_cli_common_opt(&co, 'o', "x"), 0);
}

static void defaults(void **state)
{
    (void)state;
    rt_cli_common co;
    rt_cli_common_init(&co);
    assert_true(co.threads >= 1 && co.threads <= 16);
    assert_int_equal(co.verbose, 0);
    assert_int_equal(co.footer, 0);
    assert_int_equal(rt_cli_log_level(&co), RT_LOG_WARN);
    assert_true(co.start_ns > 0);
}

static void footer_line(void **state)
{
    (void)state;
    rt_cli_common co;
    rt_cli_common_init(&co);
    FILE *f = tmpfile();
    rt_cli_footer(&co, "cagc", f);
    rewind(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    double real = -1, cpu = -1, gb = -1;
    char nl = 0;
    assert_int_equal(sscanf(line, "[cagc] Real time: %lf s; CPU: %lf s; Peak RSS: %lf GB%c",
                            &real, &cpu, &gb, &nl), 4);
    assert_int_equal(nl, '\n');
    assert_true(real >= 0 && real < 60);
    assert_true(cpu >= 0 && cpu < 60);
    assert_true(gb > 0 && gb < 1024);
    fclose(f);
}

static size_t contents(FILE *f, char *buf, size_t cap)
{
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    return n;
}

static void progress_line(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    rt_progress p;
    rt_progress_init(&p, "reading", 10, f);
    assert_int_equal(p.enabled, 0); /* a file is not a terminal */
    rt_progress_update(&p, 5);
    rt_progress_done(&p);
    char buf[512];
    assert_int_equal(contents(f, buf, sizeof buf), 0);

    rt_progress_init(&p, "reading", 10, f);
    p.enabled = 1; /* forced, as for a terminal */
    uint64_t t0 = rt_now_ns();
    rt_progress_update(&p, 5);
    rt_progress_update(&p, 6); /* within the rate limit: not shown */
    uint64_t dt = rt_now_ns() - t0;
    rt_progress_done(&p);
    contents(f, buf, sizeof buf);
    if (dt < 150u * 1000 * 1000) /* unless this thread stalled in between */
        assert_string_equal(buf, "\r[reading] 5 / 10 (50.0%)\r\033[K");
    else
        assert_true(strncmp(buf, "\r[reading] 5 / 10 (50.0%)", 26) == 0);
    fclose(f);

    f = tmpfile();
    rt_progress_init(&p, "records", 0, f);
    p.enabled = 1;
    rt_progress_update(&p, 1234);
    rt_progress_done(&p);
    rt_progress_done(&p); /* nothing left to erase */
    contents(f, buf, sizeof buf);
    assert_string_equal(buf, "\r[records] 1234\r\033[K");
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_int),
        cmocka_unit_test(parse_u64),
        cmocka_unit_test(common_options),
        cmocka_unit_test(defaults),
        cmocka_unit_test(footer_line),
        cmocka_unit_test(progress_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
