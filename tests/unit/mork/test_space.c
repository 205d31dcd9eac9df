/* mork space: set operations, snapshots, trie-order dump, text and file
 * loading with error positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kindred/mork.h"

static rt_buf enc(const char *text)
{
    rt_buf b = {0};
    mork_perr err;
    if (mork_parse_one(text, strlen(text), &b, &err))
        fail_msg("cannot parse '%s': %s", text, err.msg);
    return b;
}

static int add_text(mork_space *s, const char *text)
{
    rt_buf b = enc(text);
    int added = -1;
    assert_int_equal(mork_space_add(s, b.v, b.n, &added), RT_OK);
    rt_vec_free(&b);
    return added;
}

static int has(const mork_space *s, const char *text)
{
    rt_buf b = enc(text);
    int found = -1;
    assert_int_equal(mork_space_contains(s, b.v, b.n, &found), RT_OK);
    rt_vec_free(&b);
    return found;
}

/* All atoms printed, one per line. */
static int dump_line(void *ctx, const uint8_t *e, size_t n)
{
    rt_buf *out = ctx;
    int rc = mork_expr_print(out, e, n);
    return rc ? rc : rt_buf_putc(out, '\n');
}

static char *dump(const mork_space *s)
{
    rt_buf out = {0};
    assert_int_equal(mork_space_foreach(s, dump_line, &out), RT_OK);
    rt_buf_putc(&out, 0);
    return (char *)out.v;
}

static void add_contains_remove(void **state)
{
    (void)state;
    mork_space *s;
    assert_int_equal(mork_space_new(&s), RT_OK);
    assert_int_equal(mork_space_count(s), 0);
    assert_int_equal(add_text(s, "(edge 1 2)"), 1);
    assert_int_equal(add_text(s, "(edge 1 2)"), 0);
    assert_int_equal(add_text(s, "(f $x $y)"), 1);
    assert_int_equal(add_text(s, "(f $p $q)"), 0); /* alpha-equivalent */
    assert_int_equal(add_text(s, "(f $p $p)"), 1);
    assert_int_equal(mork_space_count(s), 3);
    assert_int_equal(has(s, "(edge 1 2)"), 1);
    assert_int_equal(has(s, "(edge 2 1)"), 0);
    assert_int_equal(has(s, "(edge 1)"), 0);
    rt_buf b = enc("(edge 1 2)");
    int removed = -1;
    assert_int_equal(mork_space_remove(s, b.v, b.n, &removed), RT_OK);
    assert_int_equal(removed, 1);
    assert_int_equal(mork_space_remove(s, b.v, b.n, &removed), RT_OK);
    assert_int_equal(removed, 0);
    assert_int_equal(mork_space_count(s), 2);
    /* malformed bytes and trailing garbage are refused */
    assert_int_equal(mork_space_add(s, b.v, b.n - 1, NULL), RT_EFORMAT);
    assert_int_equal(rt_buf_putc(&b, 0xC0), RT_OK);
    assert_int_equal(mork_space_add(s, b.v, b.n, NULL), RT_EFORMAT);
    assert_int_equal(mork_space_contains(s, b.v, b.n, NULL), RT_EFORMAT);
    assert_int_equal(mork_space_count(s), 2);
    rt_vec_free(&b);
    mork_space_free(s);
}

static void snapshot_is_independent(void **state)
{
    (void)state;
    mork_space *s, *c;
    assert_int_equal(mork_space_new(&s), RT_OK);
    for (int i = 0; i < 500; i++) {
        char t[64];
        sprintf(t, "(n %d)", i);
        add_text(s, t);
    }
    assert_int_equal(mork_space_clone(s, &c), RT_OK);
    add_text(s, "(only original)");
    add_text(c, "(only clone)");
    rt_buf b = enc("(n 7)");
    assert_int_equal(mork_space_remove(c, b.v, b.n, NULL), RT_OK);
    assert_int_equal(has(s, "(n 7)"), 1);
    assert_int_equal(has(c, "(n 7)"), 0);
    assert_int_equal(has(s, "(only clone)"), 0);
    assert_int_equal(has(c, "(only original)"), 0);
    assert_int_equal(mork_space_count(s), 501);
    assert_int_equal(mork_space_count(c), 500);
    mork_space_free(s); /* the clone outlives the original */
    assert_int_equal(has(c, "(n 499)"), 1);
    rt_vec_free(&b);
    mork_space_free(c);
}

static int cmp_bufs(const void *a, const void *b)
{
    const rt_buf *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->v, y->v, n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static void dump_in_byte_order(void **state)
{
    (void)state;
    static const char *atoms[] = {
        "(edge 10 2)", "(edge 9 3)", "zeta", "(fact 1 value-1)", "()", "(a)",
        "(edge 9 $x)", "(= (rule 1) result-1)", "$v", "(b (c d) e)", "aa", "b",
    };
    size_t n = sizeof atoms / sizeof *atoms;
    mork_space *s;
    assert_int_equal(mork_space_new(&s), RT_OK);
    rt_buf e[16];
    for (size_t i = 0; i < n; i++) {
        add_text(s, atoms[i]);
        e[i] = enc(atoms[i]);
    }
    qsort(e, n, sizeof *e, cmp_bufs);
    rt_buf want = {0};
    for (size_t i = 0; i < n; i++) {
        mork_expr_print(&want, e[i].v, e[i].n);
        rt_buf_putc(&want, '\n');
        rt_vec_free(&e[i]);
    }
    rt_buf_putc(&want, 0);
    char *got = dump(s);
    assert_string_equal(got, (char *)want.v);
    /* shorter symbols first: inline numbers sort numerically */
    assert_true(strstr(got, "(edge 9 3)") < strstr(got, "(edge 10 2)"));
    rt_free(got);
    rt_vec_free(&want);
    mork_space_free(s);
}

static void add_text_counts_and_errors(void **state)
{
    (void)state;
    mork_space *s;
    assert_int_equal(mork_space_new(&s), RT_OK);
    const char *t = "(a 1) (a 2)\n; comment\n(a 1)\n(b \"x y\")\n";
    size_t n = 0;
    mork_perr err;
    assert_int_equal(mork_space_add_text(s, t, strlen(t), NULL, &n, &err), RT_OK);
    assert_int_equal(n, 4);
    assert_int_equal(mork_space_count(s), 3);
    const char *bad = "(c 1)\n(c 2)\n(c (3)\n";
    assert_int_equal(mork_space_add_text(s, bad, strlen(bad), NULL, &n, &err), RT_ESYNTAX);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 1);
    assert_int_equal(mork_space_count(s), 3); /* nothing of the bad text */
    assert_int_equal(has(s, "(c 1)"), 0);
    mork_space_free(s);
}

static void load_file_and_missing(void **state)
{
    (void)state;
    char path[] = P_tmpdir "/mork_space_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *t = "(x 1)\n(x 2)\n(x 1)\n";
    assert_int_equal(write(fd, t, strlen(t)), (ssize_t)strlen(t));
    close(fd);
    mork_space *s;
    assert_int_equal(mork_space_new(&s), RT_OK);
    size_t n;
    assert_int_equal(mork_space_load_file(s, path, NULL, &n, NULL), RT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(mork_space_count(s), 2);
    unlink(path);
    assert_int_equal(mork_space_load_file(s, path, NULL, &n, NULL), RT_EIO);
    assert_int_equal(mork_space_count(s), 2);
    mork_space_free(s);
}

static void join_spaces(void **state)
{
    (void)state;
    mork_space *a, *b;
    assert_int_equal(mork_space_new(&a), RT_OK);
    assert_int_equal(mork_space_new(&b), RT_OK);
    add_text(a, "(p 1)");
    add_text(a, "(p 2)");
    add_text(b, "(p 2)");
    add_text(b, "(q $x)");
    assert_int_equal(mork_space_join(a, b), RT_OK);
    assert_int_equal(mork_space_count(a), 3);
    assert_int_equal(mork_space_count(b), 2);
    assert_int_equal(has(a, "(q $y)"), 1);
    mork_space_free(a);
    mork_space_free(b);
}

static void alloc_failure_leaves_space_usable(void **state)
{
    (void)state;
    const char *t = "(a 1) (a 2) (b (c d) $x) (e \"s\")";
    for (long k = 0; k < 60; k++) {
        mork_space *s = NULL;
        rt_alloc_fail_after(k);
        int rc = mork_space_new(&s);
        if (rc == RT_OK)
            rc = mork_space_add_text(s, t, strlen(t), NULL, NULL, NULL);
        rt_alloc_fail_after(-1);
        assert_true(rc == RT_OK || rc == RT_ENOMEM);
        if (s) {
            size_t c = mork_space_count(s);
            assert_true(c == 0 || c == 4); /* all or nothing */
            if (rc == RT_OK)
                assert_int_equal(c, 4);
        }
        mork_space_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_contains_remove),
        cmocka_unit_test(snapshot_is_independent),
        cmocka_unit_test(dump_in_byte_order),
        cmocka_unit_test(add_text_counts_and_errors),
        cmocka_unit_test(load_file_and_missing),
        cmocka_unit_test(join_spaces),
        cmocka_unit_test(alloc_failure_leaves_space_usable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
