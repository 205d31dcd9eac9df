/* mork queries: one-sided and two-sided matching, repeated variables,
 * conjunctions, transforms, bindings, and that a constant head prunes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/mork.h"

static mork_space *space_of(const char *text)
{
    mork_space *s;
    assert_int_equal(mork_space_new(&s), RT_OK);
    mork_perr err;
    if (mork_space_add_text(s, text, strlen(text), NULL, NULL, &err))
        fail_msg("load: %s at %zu:%zu", err.msg, err.line, err.col);
    return s;
}

typedef struct collect {
    rt_buf out;
    int mode; /* 0 atoms, 1 instantiated pattern, 2 every variable's value */
    int stop_after;
    int seen;
} collect;

static int on_solution(void *ctx, const mork_solution *sol)
{
    collect *c = ctx;
    if (c->out.n)
        rt_buf_putc(&c->out, '|');
    rt_buf e = {0};
    if (c->mode == 0) {
        for (size_t i = 0; i < mork_solution_nconj(sol); i++) {
            const uint8_t *a;
            size_t n;
            mork_solution_atom(sol, i, &a, &n);
            if (i)
                rt_buf_putc(&c->out, '&');
            mork_expr_print(&c->out, a, n);
        }
    } else if (c->mode == 1) {
        assert_int_equal(mork_solution_pattern(sol, &e), RT_OK);
        mork_expr_print(&c->out, e.v, e.n);
    } else {
        for (uint32_t v = 0; v < mork_solution_nvars(sol); v++) {
            e.n = 0;
            assert_int_equal(mork_solution_var(sol, v, &e), RT_OK);
            if (v)
                rt_buf_putc(&c->out, ',');
            mork_expr_print(&c->out, e.v, e.n);
        }
    }
    rt_vec_free(&e);
    if (c->stop_after && ++c->seen == c->stop_after)
        return 42;
    return 0;
}

static char *run(const mork_space *s, const char *pattern, int mode, mork_query_stats *st)
{
    rt_buf p = {0};
    mork_perr err;
    if (mork_parse_one(pattern, strlen(pattern), &p, &err))
        fail_msg("pattern '%s': %s", pattern, err.msg);
    collect c = {{0}, mode, 0, 0};
    assert_int_equal(mork_query_stats_run(s, p.v, p.n, on_solution, &c, st), RT_OK);
    rt_buf_putc(&c.out, 0);
    rt_vec_free(&p);
    return (char *)c.out.v;
}

static void check(const mork_space *s, const char *pattern, int mode, const char *want)
{
    char *got = run(s, pattern, mode, NULL);
    if (strcmp(got, want) != 0)
        fail_msg("query %s\n  got:  %s\n  want: %s", pattern, got, want);
    rt_free(got);
}

static const char *graph = "(edge 1 2) (edge 2 3) (edge 3 1) (edge 2 2) (edge 3 4)\n"
                           "(node 1) (node 2) (colour 2 red)\n";

static void constant_and_variables(void **state)
{
    (void)state;
    mork_space *s = space_of(graph);
    check(s, "(edge 2 $x)", 0, "(edge 2 2)|(edge 2 3)");
    check(s, "(edge $x 1)", 0, "(edge 3 1)");
    check(s, "(edge $x $x)", 0, "(edge 2 2)");
    check(s, "(edge 5 $x)", 0, "");
    check(s, "(node $n)", 2, "1|2");
    check(s, "$anything", 0,
          "(node 1)|(node 2)|(edge 1 2)|(edge 2 2)|(edge 2 3)|(edge 3 1)|(edge 3 4)|"
          "(colour 2 red)");
    check(s, "(colour $x $y)", 2, "2,red");
    check(s, "(edge 1 2)", 0, "(edge 1 2)");
    check(s, "($h 1)", 0, "(node 1)");
    mork_space_free(s);
}

static void two_sided(void **state)
{
    (void)state;
    mork_space *s = space_of("(likes $x pizza)\n(likes bob $y)\n(likes ann beer)\n"
                             "(same $z $z)\n(wrap (inner $q) $q)\n");
    /* stored variables match pattern constants */
    check(s, "(likes ann pizza)", 0, "(likes $a pizza)");
    check(s, "(likes ann $what)", 1, "(likes ann pizza)|(likes ann beer)");
    check(s, "(likes $who $what)", 2, "$a,pizza|ann,beer|bob,$a");
    /* a stored repeated variable forces equality */
    check(s, "(same 1 1)", 0, "(same $a $a)");
    check(s, "(same 1 2)", 0, "");
    check(s, "(same (f $u) $v)", 1, "(same (f $a) (f $a))");
    /* a stored variable swallowing a nested pattern term */
    check(s, "(likes (the cook) $w)", 1, "(likes (the cook) pizza)");
    check(s, "(wrap (inner 7) $r)", 2, "7");
    check(s, "(wrap $p 8)", 2, "(inner 8)");
    mork_space_free(s);
}

static void occurs_check(void **state)
{
    (void)state;
    mork_space *s = space_of("(eq $x $x)\n(pair $a (g $a))\n");
    check(s, "(eq $y (f $y))", 0, "");
    check(s, "(pair (g $b) $b)", 0, "");
    check(s, "(pair $c $d)", 1, "(pair $a (g $a))");
    mork_space_free(s);
}

static int count_only(void *ctx, const mork_solution *sol)
{
    (void)sol;
    ++*(int *)ctx;
    return 0;
}

/* x1 = (f x0 x0), x2 = (f x1 x1), ...: the occurs check must not walk the
 * 2^40-node tree these bindings describe. */
static void occurs_check_shared_values(void **state)
{
    (void)state;
    enum { N = 40 };
    rt_buf st = {0}, pt = {0};
    rt_buf_printf(&st, "(h");
    rt_buf_printf(&pt, "(h");
    for (int i = 1; i <= N; i++) {
        rt_buf_printf(&st, " $y%d", i);
        rt_buf_printf(&pt, " $x%d", i);
    }
    for (int i = 1; i <= N; i++) {
        rt_buf_printf(&st, " $y%d", i);
        rt_buf_printf(&pt, " (f $x%d $x%d)", i - 1, i - 1);
    }
    rt_buf_printf(&st, ")");
    rt_buf_printf(&pt, ")");
    rt_buf_putc(&st, 0);
    mork_space *s = space_of((char *)st.v);
    rt_buf p = {0};
    assert_int_equal(mork_parse_one((char *)pt.v, pt.n, &p, NULL), RT_OK);
    int n = 0;
    uint64_t t0 = rt_now_ns();
    assert_int_equal(mork_query(s, p.v, p.n, count_only, &n), RT_OK);
    assert_int_equal(n, 1);
    assert_true(rt_now_ns() - t0 < 5000000000ULL);
    /* and a cycle through the chain is still caught: x0 = x40 */
    p.n = 0;
    pt.n = pt.n - 1; /* drop ')' */
    rt_buf_printf(&pt, " $x0)");
    rt_vec_free(&p);
    mork_space_free(s);
    rt_buf st2 = {0};
    rt_buf_printf(&st2, "(h");
    for (int i = 1; i <= N; i++)
        rt_buf_printf(&st2, " $y%d", i);
    for (int i = 1; i <= N; i++)
        rt_buf_printf(&st2, " $y%d", i);
    rt_buf_printf(&st2, " $y%d)", N);
    rt_buf_putc(&st2, 0);
    s = space_of((char *)st2.v);
    assert_int_equal(mork_parse_one((char *)pt.v, pt.n, &p, NULL), RT_OK);
    n = 0;
    assert_int_equal(mork_query(s, p.v, p.n, count_only, &n), RT_OK);
    assert_int_equal(n, 0);
    mork_space_free(s);
    rt_vec_free(&p);
    rt_vec_free(&st);
    rt_vec_free(&st2);
    rt_vec_free(&pt);
}

static void conjunctions(void **state)
{
    (void)state;
    mork_space *s = space_of(graph);
    check(s, "(, (edge $a $b) (edge $b $c))", 1,
          "(, (edge 1 2) (edge 2 2))|(, (edge 1 2) (edge 2 3))|"
          "(, (edge 2 2) (edge 2 2))|(, (edge 2 2) (edge 2 3))|"
          "(, (edge 2 3) (edge 3 1))|(, (edge 2 3) (edge 3 4))|"
          "(, (edge 3 1) (edge 1 2))");
    check(s, "(, (edge $a $b) (colour $b red))", 0,
          "(edge 1 2)&(colour 2 red)|(edge 2 2)&(colour 2 red)");
    check(s, "(, (edge $a $b) (edge $b $a))", 0,
          "(edge 2 2)&(edge 2 2)");
    check(s, "(,)", 1, "(,)");
    check(s, "(, (node $n))", 2, "1|2");
    check(s, "(, (node $n) (missing $n))", 0, "");
    mork_space_free(s);
}

static int collect_expr(void *ctx, const uint8_t *e, size_t n)
{
    rt_buf *out = ctx;
    if (out->n)
        rt_buf_putc(out, '|');
    return mork_expr_print(out, e, n);
}

static void transforms(void **state)
{
    (void)state;
    mork_space *s = space_of(graph);
    rt_buf pair = {0}, out = {0};
    const char *p = "(, (edge $a $b) (edge $b $c))", *t = "(path $a $c $new)";
    assert_int_equal(mork_parse_pair(p, strlen(p), t, strlen(t), &pair, NULL), RT_OK);
    assert_int_equal(mork_transform(s, pair.v, pair.n, collect_expr, &out), RT_OK);
    rt_buf_putc(&out, 0);
    assert_string_equal((char *)out.v, "(path 1 2 $a)|(path 1 3 $a)|(path 2 2 $a)|"
                                       "(path 2 3 $a)|(path 2 1 $a)|(path 2 4 $a)|"
                                       "(path 3 2 $a)");
    /* transform results added to a snapshot, as MM2 does */
    mork_space *snap;
    assert_int_equal(mork_space_clone(s, &snap), RT_OK);
    pair.n = 0;
    out.n = 0;
    const char *p2 = "(edge $x $y)", *t2 = "(edge $y $x)";
    assert_int_equal(mork_parse_pair(p2, strlen(p2), t2, strlen(t2), &pair, NULL), RT_OK);
    assert_int_equal(mork_transform(s, pair.v, pair.n, collect_expr, &out), RT_OK);
    rt_buf_putc(&out, 0);
    assert_string_equal((char *)out.v,
                        "(edge 2 1)|(edge 2 2)|(edge 3 2)|(edge 1 3)|(edge 4 3)");
    mork_space_free(snap);
    rt_vec_free(&pair);
    rt_vec_free(&out);
    mork_space_free(s);
}

static void callback_stops(void **state)
{
    (void)state;
    mork_space *s = space_of(graph);
    rt_buf p = {0};
    assert_int_equal(mork_parse_one("(edge $a $b)", 12, &p, NULL), RT_OK);
    collect c = {{0}, 0, 2, 0};
    assert_int_equal(mork_query(s, p.v, p.n, on_solution, &c), 42);
    assert_int_equal(c.seen, 2);
    rt_vec_free(&c.out);
    rt_vec_free(&p);
    /* malformed pattern bytes */
    static const uint8_t bad[] = {0x02, 0xC1};
    assert_int_equal(mork_query(s, bad, sizeof bad, on_solution, &c), RT_EFORMAT);
    mork_space_free(s);
}

static void constant_head_does_not_scan(void **state)
{
    (void)state;
    rt_buf t = {0};
    for (int i = 0; i < 20000; i++)
        rt_buf_printf(&t, "(noise %d %d)\n", i, i * 7);
    rt_buf_printf(&t, "(edge 1 2)\n(edge 1 3)\n(edge 2 9)\n");
    rt_buf_putc(&t, 0);
    mork_space *s = space_of((char *)t.v);
    mork_query_stats st = {0};
    char *got = run(s, "(edge 1 $x)", 0, &st);
    assert_string_equal(got, "(edge 1 2)|(edge 1 3)");
    assert_int_equal(st.candidates, 2);
    assert_true(st.states < 20);
    rt_free(got);
    /* a variable in the middle still only walks the edge subtrie */
    memset(&st, 0, sizeof st);
    got = run(s, "(edge $x 9)", 0, &st);
    assert_string_equal(got, "(edge 2 9)");
    assert_true(st.states < 40);
    rt_free(got);
    /* joins descend on the bound value: a few states per partial solution */
    memset(&st, 0, sizeof st);
    got = run(s, "(, (edge 1 $x) (noise $x $y))", 0, &st);
    assert_string_equal(got, "(edge 1 2)&(noise 2 14)|(edge 1 3)&(noise 3 21)");
    assert_true(st.states < 60);
    rt_free(got);
    rt_vec_free(&t);
    mork_space_free(s);
}

static void escapes_in_queries(void **state)
{
    (void)state;
    /* Wildcard reads must step over the escape forms (long symbol, wide
     * expression, variable reference >= 64) to reach the constant after. */
    char big[128];
    memset(big, 'L', 100);
    big[100] = 0;
    rt_buf t = {0};
    rt_buf_printf(&t, "(k %s end)\n(k short end)\n(k %s other)\n", big, big);
    rt_buf_printf(&t, "(m (");
    for (int i = 0; i < 70; i++)
        rt_buf_printf(&t, " i%d", i);
    rt_buf_printf(&t, ") tail)\n(m2 (");
    for (int i = 0; i < 70; i++)
        rt_buf_printf(&t, " $v%d", i);
    rt_buf_printf(&t, " $v69) tail)\n(m x tail)\n");
    char huge[400];
    memset(huge, 'H', 300);
    huge[300] = 0;
    rt_buf_printf(&t, "(big $x %s $x)\n", huge); /* a key over 256 bytes */
    rt_buf_putc(&t, 0);
    mork_space *s = space_of((char *)t.v);
    char want[512];
    snprintf(want, sizeof want, "(k %s end)|(k short end)", big);
    check(s, "(k $x end)", 0, want);
    check(s, "(k $x other)", 2, big);
    mork_query_stats st = {0};
    char *got = run(s, "(m $x tail)", 0, &st);
    assert_int_equal(st.candidates, 2);
    assert_non_null(strstr(got, " i69) tail)|(m x tail)"));
    rt_free(got);
    memset(&st, 0, sizeof st);
    got = run(s, "(m2 $x tail)", 0, &st);
    assert_int_equal(st.candidates, 1);
    assert_non_null(strstr(got, " $v69 $v69) tail)"));
    rt_free(got);
    snprintf(want, sizeof want, "(big 1 %s 1)", huge);
    check(s, "(big 1 $s $t)", 1, want);
    check(s, "(big 1 $s 2)", 1, "");
    mork_space_free(s);
    rt_vec_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(constant_and_variables),
        cmocka_unit_test(two_sided),
        cmocka_unit_test(occurs_check),
        cmocka_unit_test(occurs_check_shared_values),
        cmocka_unit_test(conjunctions),
        cmocka_unit_test(transforms),
        cmocka_unit_test(callback_stops),
        cmocka_unit_test(constant_head_does_not_scan),
        cmocka_unit_test(escapes_in_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
