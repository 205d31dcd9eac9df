/* mork text parser: comments, strings, whitespace, multi-expression input,
 * error positions, pattern/template pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "kindred/mork.h"

/* Parse all of text; return the printed expressions joined by '|'. */
static char *parse_all(const char *text, int *rc_out, mork_perr *err)
{
    mork_parser *p;
    assert_int_equal(mork_parser_new(&p), RT_OK);
    rt_buf e = {0}, out = {0};
    size_t pos = 0, len = strlen(text);
    int rc = 0, found = 1;
    while (!rc) {
        e.n = 0;
        rc = mork_parse_next(p, text, len, &pos, &e, &found, err);
        if (rc || !found)
            break;
        if (out.n)
            rt_buf_putc(&out, '|');
        assert_int_equal(mork_expr_print(&out, e.v, e.n), RT_OK);
    }
    rt_buf_putc(&out, 0);
    *rc_out = rc;
    mork_parser_free(p);
    rt_vec_free(&e);
    return (char *)out.v;
}

static void check_all(const char *text, const char *want)
{
    int rc;
    mork_perr err = {0};
    char *got = parse_all(text, &rc, &err);
    if (rc)
        fail_msg("'%s': %s at %zu:%zu", text, err.msg, err.line, err.col);
    assert_string_equal(got, want);
    rt_free(got);
}

static void check_error(const char *text, size_t line, size_t col, const char *msg_part)
{
    int rc;
    mork_perr err = {0};
    char *got = parse_all(text, &rc, &err);
    assert_int_equal(rc, RT_ESYNTAX);
    assert_non_null(err.msg);
    if (err.line != line || err.col != col || !strstr(err.msg, msg_part))
        fail_msg("'%s': got %s at %zu:%zu, want '%s' at %zu:%zu", text, err.msg, err.line,
                 err.col, msg_part, line, col);
    rt_free(got);
}

static void whitespace_and_comments(void **state)
{
    (void)state;
    check_all("  (a\tb\r\n  c)\n\n(d)", "(a b c)|(d)");
    check_all("; only a comment\n", "");
    check_all("", "");
    check_all("(a ; inner comment ) not closing\n b)", "(a b)");
    check_all("(a b);trailing", "(a b)");
    check_all("x y\fz\v", "x|y|z");
    check_all("(a(b)c)", "(a (b) c)");
}

static void strings_are_one_symbol(void **state)
{
    (void)state;
    check_all("(say \"hello world\")", "(say \"hello world\")");
    check_all("(s \"a \\\" ( ) ; b\")", "(s \"a \\\" ( ) ; b\")");
    check_all("(s \"\\\\\")", "(s \"\\\\\")");
    check_all("(s \"\")", "(s \"\")");
    /* a quote inside a bare symbol is just a byte */
    check_all("(ab\"c d)", "(ab\"c d)");
    /* the symbol keeps its quotes: 5 bytes */
    rt_buf b = {0};
    assert_int_equal(mork_parse_one("\"a b\"", 5, &b, NULL), RT_OK);
    static const uint8_t want[] = {0xC5, '"', 'a', ' ', 'b', '"'};
    assert_int_equal(b.n, sizeof want);
    assert_memory_equal(b.v, want, sizeof want);
    rt_vec_free(&b);
}

static void variables_scoped_per_expression(void **state)
{
    (void)state;
    check_all("(f $x $y) (g $y $x $y)", "(f $a $b)|(g $a $b $a)");
    check_all("$x", "$a");
    /* many names: the hashed table must agree with the linear scan */
    char text[4096];
    size_t k = 0;
    k += (size_t)sprintf(text + k, "(r");
    for (int i = 0; i < 40; i++)
        k += (size_t)sprintf(text + k, " $w%d", i);
    for (int i = 39; i >= 0; i -= 3)
        k += (size_t)sprintf(text + k, " $w%d", i);
    sprintf(text + k, ")");
    rt_buf b = {0};
    assert_int_equal(mork_parse_one(text, strlen(text), &b, NULL), RT_OK);
    /* r, 40 NewVars, then refs 39, 36, ..., 0 */
    size_t at = 1 + 2 + 40;
    for (int i = 39; i >= 0; i -= 3)
        assert_int_equal(b.v[at++], 0x80 + i);
    assert_int_equal(at, b.n);
    rt_vec_free(&b);
}

static void error_positions(void **state)
{
    (void)state;
    check_error("(a b)\n  (c d", 2, 3, "unclosed");
    check_error("(a))", 1, 4, "unexpected ')'");
    check_error(")", 1, 1, "unexpected ')'");
    check_error("(a \"open string)\n(b)", 1, 4, "unterminated string");
    check_error("(a \"s\"x)", 1, 7, "delimiter");
    check_error("(f $ x)", 1, 4, "variable without a name");
    check_error("(ok)\n(ok)\n\n   (x (y)", 4, 4, "unclosed");
    /* an escape at the very end must not read past the text */
    check_error("\"abc\\", 1, 1, "unterminated string");
}

static void error_keeps_output(void **state)
{
    (void)state;
    mork_parser *p;
    assert_int_equal(mork_parser_new(&p), RT_OK);
    rt_buf b = {0};
    rt_buf_append(&b, "xyz", 3);
    size_t pos = 0;
    int found;
    mork_perr err;
    assert_int_equal(mork_parse_next(p, "(a (b", 5, &pos, &b, &found, &err), RT_ESYNTAX);
    assert_int_equal(b.n, 3);
    assert_int_equal(err.offset, 3);
    mork_parser_free(p);
    rt_vec_free(&b);
}

static void parse_one_rules(void **state)
{
    (void)state;
    rt_buf b = {0};
    mork_perr err;
    assert_int_equal(mork_parse_one("  (a) ; c\n", 10, &b, &err), RT_OK);
    b.n = 0;
    assert_int_equal(mork_parse_one("(a) (b)", 7, &b, &err), RT_ESYNTAX);
    assert_int_equal(err.col, 5);
    assert_int_equal(b.n, 0);
    assert_int_equal(mork_parse_one(" ; nothing", 10, &b, &err), RT_ESYNTAX);
    rt_vec_free(&b);
}

static void pair_shares_variables(void **state)
{
    (void)state;
    rt_buf b = {0}, t = {0};
    const char *p = "(edge $a $b)", *tm = "(rev $b $a $c)";
    assert_int_equal(mork_parse_pair(p, strlen(p), tm, strlen(tm), &b, NULL), RT_OK);
    assert_int_equal(mork_expr_print(&t, b.v, b.n), RT_OK);
    rt_buf_putc(&t, 0);
    assert_string_equal((char *)t.v, "((edge $a $b) (rev $b $a $c))");
    mork_perr err;
    b.n = 0;
    assert_int_equal(mork_parse_pair("(a", 2, "b", 1, &b, &err), RT_ESYNTAX);
    assert_int_equal(b.n, 0);
    assert_int_equal(mork_parse_pair("a", 1, "b c", 3, &b, &err), RT_ESYNTAX);
    assert_non_null(strstr(err.msg, "template"));
    rt_vec_free(&b);
    rt_vec_free(&t);
}

static void text_position(void **state)
{
    (void)state;
    size_t l, c;
    mork_text_position("ab\ncd\n", 6, 4, &l, &c);
    assert_int_equal(l, 2);
    assert_int_equal(c, 2);
    mork_text_position("ab", 2, 0, &l, &c);
    assert_int_equal(l, 1);
    assert_int_equal(c, 1);
}

static void alloc_failure_is_reported(void **state)
{
    (void)state;
    /* Fail at every allocation point in turn: an error, never a crash. */
    const char *text = "(f $a $b $c $d $e $f $g $h $i $j (k $a) \"str\" ((((x)))))";
    for (long n = 0; n < 40; n++) {
        rt_buf b = {0};
        rt_alloc_fail_after(n);
        int rc = mork_parse_one(text, strlen(text), &b, NULL);
        rt_alloc_fail_after(-1);
        assert_true(rc == RT_OK || rc == RT_ENOMEM);
        rt_vec_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whitespace_and_comments),
        cmocka_unit_test(strings_are_one_symbol),
        cmocka_unit_test(variables_scoped_per_expression),
        cmocka_unit_test(error_positions),
        cmocka_unit_test(error_keeps_output),
        cmocka_unit_test(parse_one_rules),
        cmocka_unit_test(pair_shares_variables),
        cmocka_unit_test(text_position),
        cmocka_unit_test(alloc_failure_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
