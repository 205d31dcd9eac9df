/* metta reader: token classes, strings and escapes, numbers, variables and
 * their scope, the `!` prefix, comments, nesting depth and error positions.
 * Expected forms follow the reference tokenizer (docs/metta.md grammar). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metta/metta_int.h"

static metta *g_mt;

static int setup(void **state)
{
    (void)state;
    return metta_new(&g_mt, NULL, NULL, stdout);
}

static int teardown(void **state)
{
    (void)state;
    metta_free(g_mt);
    return 0;
}

/* Read every item of text; printed atoms joined by '|', '!' marks bangs. */
static char *read_all(const char *text, int *rc_out, metta_error *err)
{
    mr_reader r = {g_mt, text, strlen(text), 0, {0}};
    rt_buf out = {0};
    int rc = 0;
    for (;;) {
        ma *a = NULL;
        int bang, found;
        size_t start;
        rc = mr_next(&r, &a, &bang, &found, &start, err);
        if (rc || !found)
            break;
        if (out.n)
            rt_buf_putc(&out, '|');
        if (bang)
            rt_buf_putc(&out, '!');
        assert_int_equal(ma_print(g_mt, &out, a), 0);
    }
    mr_fini(&r);
    rt_buf_putc(&out, 0);
    *rc_out = rc;
    char *s = strdup((const char *)out.v);
    rt_vec_free(&out);
    return s;
}

static void expect(const char *text, const char *want)
{
    int rc;
    metta_error err;
    char *got = read_all(text, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    free(got);
}

static ma *one(const char *text)
{
    ma *a = ml_parse(g_mt, text);
    assert_non_null(a);
    return a;
}

static void test_symbols_split_on_space_and_parens(void **state)
{
    (void)state;
    expect("&self -> +1a a.b", "&self|->|+1a|a.b");
    expect("(a(b)c)", "(a (b) c)");
    expect("  x\t\ny  ", "x|y");
    assert_int_equal(one("&self")->kind, MA_SYM);
    assert_int_equal(one("->")->kind, MA_SYM);
}

static void test_numbers(void **state)
{
    (void)state;
    ma *a = one("9223372036854775807");
    assert_int_equal(a->kind, MA_INT);
    assert_true(MA_INTV(a) == INT64_MAX);
    a = one("-42");
    assert_int_equal(a->kind, MA_INT);
    assert_true(MA_INTV(a) == -42);
    a = one("2.5");
    assert_int_equal(a->kind, MA_FLT);
    assert_true(MA_FLTV(a) == 2.5);
    a = one("1e3");
    assert_int_equal(a->kind, MA_FLT);
    assert_true(MA_FLTV(a) == 1000.0);
    /* not numbers: symbols */
    assert_int_equal(one("1.")->kind, MA_SYM);
    assert_int_equal(one("1a")->kind, MA_SYM);
    assert_int_equal(one("99999999999999999999")->kind, MA_SYM);
    expect("1.0 0.1 100000000000000000.0 -0.5", "1.0|0.1|1e17|-0.5");
}

static void test_strings(void **state)
{
    (void)state;
    ma *a = one("\"a b\\n\\\"c\\\\\"");
    assert_int_equal(a->kind, MA_STR);
    assert_int_equal(a->extra, 7);
    assert_memory_equal(MA_STRV(a), "a b\n\"c\\", 7);
    expect("\"(not ; a comment)\"", "\"(not ; a comment)\"");
    expect("\"\"", "\"\"");
}

static void test_bools_and_vars(void **state)
{
    (void)state;
    assert_true(one("True") == g_mt->t_true);
    assert_true(one("False") == g_mt->t_false);
    ma *e = one("($x $y $x)");
    assert_int_equal(e->kind, MA_EXPR);
    assert_int_equal(MA_ITEMS(e)[0]->kind, MA_VAR);
    assert_int_equal(MA_ITEMS(e)[0]->extra, MA_ITEMS(e)[2]->extra);
    assert_true(MA_ITEMS(e)[0]->extra != MA_ITEMS(e)[1]->extra);
    /* a new top-level atom starts a new scope */
    ma *f = one("$x");
    assert_true(f->extra != MA_ITEMS(e)[0]->extra);
}

static void test_bang_and_comments(void **state)
{
    (void)state;
    expect("!(a) ; comment (b\n(c) !d ! (e)", "!(a)|(c)|!d|!(e)");
    expect("; only a comment", "");
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 200000;
    char *t = malloc(2 * depth + 2);
    memset(t, '(', depth);
    t[depth] = 'x';
    memset(t + depth + 1, ')', depth);
    t[2 * depth + 1] = 0;
    ma *a = ml_parse(g_mt, t);
    assert_non_null(a);
    size_t d = 0;
    while (a->kind == MA_EXPR) {
        a = MA_ITEMS(a)[0];
        d++;
    }
    assert_int_equal(d, depth);
    free(t);
}

static void err_at(const char *text, size_t line, size_t col)
{
    int rc;
    metta_error err = {0};
    char *got = read_all(text, &rc, &err);
    free(got);
    assert_int_equal(rc, RT_ESYNTAX);
    assert_int_equal(err.line, line);
    assert_int_equal(err.col, col);
}

static void test_errors(void **state)
{
    (void)state;
    err_at("(a b", 1, 1);
    err_at("(a)\n  (b (c)\n", 2, 3);
    err_at("(a))", 1, 4);
    err_at("x \"abc", 1, 3);
    err_at("!", 1, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symbols_split_on_space_and_parens),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_bools_and_vars),
        cmocka_unit_test(test_bang_and_comments),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
