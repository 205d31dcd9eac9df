/* metta matcher: two-sided unification with bindings, occurs check, alpha
 * equality, and space queries (rule lookup, conjunctions) through mork,
 * checked against hand-worked answers. */
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

/* Parse two atoms in one variable scope: "(A B)" -> A, B. */
static void pair(const char *text, ma **a, ma **b)
{
    ma *p = ml_parse(g_mt, text);
    assert_non_null(p);
    assert_int_equal(p->nptr, 2);
    *a = MA_ITEMS(p)[0];
    *b = MA_ITEMS(p)[1];
}

static char *show(ma *a)
{
    rt_buf o = {0};
    assert_int_equal(ma_print(g_mt, &o, a), 0);
    rt_buf_putc(&o, 0);
    char *s = strdup((const char *)o.v);
    rt_vec_free(&o);
    return s;
}

/* Unify the two atoms of text; return the first instantiated, or NULL. */
static char *unify_show(const char *text)
{
    ma *a, *b;
    pair(text, &a, &b);
    mo *bind = NULL;
    if (!mb_unify(g_mt, a, b, &bind))
        return NULL;
    ma *x = mb_apply(g_mt, bind, a);
    ma *y = mb_apply(g_mt, bind, b);
    char *sx = show(x), *sy = show(y);
    assert_string_equal(sx, sy); /* a unifier makes both sides equal */
    free(sy);
    return sx;
}

static void expect_unify(const char *text, const char *want)
{
    char *got = unify_show(text);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_unify_basic(void **state)
{
    (void)state;
    expect_unify("((f $x b) (f a $y))", "(f a b)");
    expect_unify("((f $x $x) (f a b))", NULL);
    expect_unify("((f $x $x) (f a a))", "(f a a)");
    expect_unify("((g 1 2.5 \"s\") (g 1 2.5 \"s\"))", "(g 1 2.5 \"s\")");
    expect_unify("((g 1) (g 2))", NULL);
    expect_unify("((a b) (a b c))", NULL);
    expect_unify("(() ())", "()");
}

static void test_unify_chains_and_occurs(void **state)
{
    (void)state;
    /* $x = $y, then $y <- (h $z), then $z <- c */
    expect_unify("((p $x $y $z) (p $y (h $z) c))", "(p (h c) (h c) c)");
    /* occurs check: $x cannot be (f $x) */
    expect_unify("(($x) ((f $x)))", NULL);
    expect_unify("((p $x $y) (p $y (f $x)))", NULL);
}

static void test_alpha(void **state)
{
    (void)state;
    ma *a, *b;
    pair("((R $x $y) (R $a $b))", &a, &b);
    assert_true(ma_alpha_equal(a, b));
    assert_false(ma_equal(a, b));
    pair("((R $x $y) (R $a $a))", &a, &b);
    assert_false(ma_alpha_equal(a, b));
    pair("((R $x $x) (R $a $b))", &a, &b);
    assert_false(ma_alpha_equal(a, b));
}

typedef struct collected {
    char buf[1024];
} collected;

static int collect(metta *mt, void *ctx, ma *inst)
{
    (void)mt;
    collected *c = ctx;
    char *s = show(inst);
    if (c->buf[0])
        strcat(c->buf, "|");
    strcat(c->buf, s);
    free(s);
    return 0;
}

static void add(const char *text)
{
    assert_int_equal(msp_add(g_mt, 0, ml_parse(g_mt, text)), 0);
}

static void test_space_queries(void **state)
{
    (void)state;
    add("(edge 1 2)");
    add("(edge 1 3)");
    add("(edge 2 3)");
    add("(= (f $x) (g $x))");
    add("(= (f 0) zero)");
    collected c = {{0}};
    assert_int_equal(msp_query(g_mt, 0, ml_parse(g_mt, "(edge 1 $x)"), collect, &c), 0);
    assert_string_equal(c.buf, "(edge 1 2)|(edge 1 3)");
    c.buf[0] = 0;
    assert_int_equal(msp_query(g_mt, 0, ml_parse(g_mt, "(, (edge $a $b) (edge $b $c))"), collect, &c), 0);
    assert_string_equal(c.buf, "(, (edge 1 2) (edge 2 3))");
    /* rule lookup: both rules match (f 0); only the general one (f 5) */
    c.buf[0] = 0;
    assert_int_equal(msp_query(g_mt, 0, ml_parse(g_mt, "(= (f 0) $r)"), collect, &c), 0);
    assert_true(strstr(c.buf, "(= (f 0) zero)") != NULL);
    assert_true(strstr(c.buf, "(= (f 0) (g 0))") != NULL);
    c.buf[0] = 0;
    assert_int_equal(msp_query(g_mt, 0, ml_parse(g_mt, "(= (f 5) $r)"), collect, &c), 0);
    assert_string_equal(c.buf, "(= (f 5) (g 5))");
}

static void test_grounded_round_trip(void **state)
{
    (void)state;
    const char *texts[] = {"(v 42 -7 2.5 1e-7 \"q\\\"s\" True False sym)", "(w () (()) $x $y $x)"};
    for (size_t i = 0; i < 2; i++) {
        ma *a = ml_parse(g_mt, texts[i]);
        rt_buf e = {0};
        assert_int_equal(msp_encode(g_mt, a, &e), 0);
        ma *b = msp_decode(g_mt, e.v, e.n);
        assert_non_null(b);
        assert_true(ma_alpha_equal(a, b));
        rt_vec_free(&e);
    }
}

/* "(a (a ... (a LEAF) ...))" nested d deep, built here character by
 * character: the expected text of printing, independent of the printer. */
static char *nest_text(size_t d, const char *leaf)
{
    size_t n = 4 * d + strlen(leaf) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    char *p = s;
    for (size_t i = 0; i < d; i++, p += 3)
        memcpy(p, "(a ", 3);
    p += sprintf(p, "%s", leaf);
    for (size_t i = 0; i < d; i++)
        *p++ = ')';
    *p = 0;
    return s;
}

typedef struct deepq {
    ma *want;
    int hits;
} deepq;

static int deep_found(metta *mt, void *ctx, ma *inst)
{
    (void)mt;
    deepq *q = ctx;
    q->hits += ma_equal(inst, q->want);
    return 0;
}

/* Every walk over atoms on atoms far deeper than the C stack could
 * recurse: they use explicit stacks. */
static void test_deep_walks(void **state)
{
    (void)state;
    enum { D = 200000 };
    char *tx = nest_text(D, "x"), *tv = nest_text(D, "$v"), *tw = nest_text(D, "$w");
    ma *a = ml_parse(g_mt, tx), *a2 = ml_parse(g_mt, tx);
    ma *v = ml_parse(g_mt, tv), *w = ml_parse(g_mt, tw);
    assert_non_null(a);
    assert_non_null(a2);
    assert_non_null(v);
    assert_non_null(w);
    assert_true(a != a2);
    /* printing */
    char *shown = show(a);
    assert_string_equal(shown, tx);
    free(shown);
    /* equality, alpha equality, ordering */
    assert_true(ma_equal(a, a2));
    assert_true(ma_alpha_equal(v, w));
    assert_false(ma_alpha_equal(v, a));
    assert_int_equal(ma_compare(a, a2), 0);
    assert_int_equal(ma_compare(v, a), 1); /* a variable ranks after a symbol */
    /* variables, unification and application of bindings */
    assert_false(ma_has_vars(a));
    assert_true(ma_has_vars(v));
    mo *bind = NULL;
    assert_true(mb_unify(g_mt, v, a, &bind));
    ma *vv = v;
    for (size_t i = 0; i < D; i++)
        vv = MA_ITEMS(vv)[1];
    assert_string_equal(MA_NAME(mb_walk(bind, vv)), "x");
    assert_true(ma_equal(mb_apply(g_mt, bind, v), a));
    /* the occurs check: $v against a term holding $v */
    ma *loop = ma_expr2(g_mt, ma_symz(g_mt, "a"), v);
    bind = NULL;
    assert_false(mb_unify(g_mt, vv, loop, &bind));
    /* renaming and substitution */
    ma *f = ma_fresh(g_mt, v);
    assert_true(ma_alpha_equal(f, v));
    assert_false(ma_equal(f, v));
    assert_true(ma_equal(ma_subst(g_mt, v, vv, ma_symz(g_mt, "x")), a));
    /* the space: encoded, stored, found and decoded */
    rt_buf e = {0};
    assert_int_equal(msp_encode(g_mt, v, &e), 0);
    ma *d = msp_decode(g_mt, e.v, e.n);
    assert_non_null(d);
    assert_true(ma_alpha_equal(d, v));
    rt_vec_free(&e);
    assert_int_equal(msp_add(g_mt, 0, ma_expr2(g_mt, ma_symz(g_mt, "deep"), a)), 0);
    deepq q = {ma_expr2(g_mt, ma_symz(g_mt, "deep"), a2), 0};
    assert_int_equal(msp_query(g_mt, 0, ml_parse(g_mt, "(deep $q)"), deep_found, &q), 0);
    assert_int_equal(q.hits, 1);
    free(tx);
    free(tv);
    free(tw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unify_basic),
        cmocka_unit_test(test_unify_chains_and_occurs),
        cmocka_unit_test(test_alpha),
        cmocka_unit_test(test_space_queries),
        cmocka_unit_test(test_grounded_round_trip),
        cmocka_unit_test(test_deep_walks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
