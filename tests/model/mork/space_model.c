/*
 * Model test: the space against a naive set of byte strings under random
 * add / remove / contains, with snapshots taken along the way that must
 * keep their contents while the original changes. The dump must list the
 * set sorted bytewise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/mork.h"

enum { UNIVERSE = 300, SNAPS = 4 };

static uint64_t rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

typedef struct model {
    unsigned char in[UNIVERSE];
} model;

static rt_buf univ[UNIVERSE];

static void make_universe(void)
{
    static const char *heads[] = {"edge", "fact", "=", "x", "edge2"};
    for (int i = 0; i < UNIVERSE; i++) {
        char t[128];
        /* distinct texts; some differ only in variables' pattern */
        switch (i % 4) {
        case 0: sprintf(t, "(%s %d %d)", heads[i % 5], i, i * 31 % 97); break;
        case 1: sprintf(t, "(%s $x %d $x)", heads[i % 5], i); break;
        case 2: sprintf(t, "(%s (n %d) $y $z)", heads[i % 5], i); break;
        default: sprintf(t, "s%d", i); break;
        }
        assert_int_equal(mork_parse_one(t, strlen(t), &univ[i], NULL), RT_OK);
    }
}

static int cmp_idx(const void *a, const void *b)
{
    const rt_buf *x = &univ[*(const int *)a], *y = &univ[*(const int *)b];
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->v, y->v, n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

typedef struct dump_ctx {
    int want[UNIVERSE];
    int n, at, bad;
} dump_ctx;

static int on_expr(void *ctx, const uint8_t *e, size_t n)
{
    dump_ctx *d = ctx;
    if (d->at >= d->n)
        return d->bad = 1;
    const rt_buf *w = &univ[d->want[d->at++]];
    if (w->n != n || memcmp(w->v, e, n) != 0)
        d->bad = 1;
    return 0;
}

static void check_same(const mork_space *s, const model *m)
{
    dump_ctx d = {{0}, 0, 0, 0};
    for (int i = 0; i < UNIVERSE; i++)
        if (m->in[i])
            d.want[d.n++] = i;
    assert_int_equal(mork_space_count(s), (size_t)d.n);
    qsort(d.want, (size_t)d.n, sizeof *d.want, cmp_idx);
    assert_int_equal(mork_space_foreach(s, on_expr, &d), RT_OK);
    assert_int_equal(d.bad, 0);
    assert_int_equal(d.at, d.n);
}

static void random_ops(void **state)
{
    (void)state;
    make_universe();
    const char *e = getenv("KINDRED_TEST_SCALE");
    int scale = e && atoi(e) > 0 ? atoi(e) : 1;
    mork_space *s, *snap[SNAPS] = {0};
    model m, msnap[SNAPS];
    memset(&m, 0, sizeof m);
    assert_int_equal(mork_space_new(&s), RT_OK);
    for (int step = 0; step < 20000 * scale; step++) {
        int i = (int)rnd(UNIVERSE), flag = -1;
        switch (rnd(8)) {
        case 0: case 1: case 2:
            assert_int_equal(mork_space_add(s, univ[i].v, univ[i].n, &flag), RT_OK);
            assert_int_equal(flag, !m.in[i]);
            m.in[i] = 1;
            break;
        case 3: case 4:
            assert_int_equal(mork_space_remove(s, univ[i].v, univ[i].n, &flag), RT_OK);
            assert_int_equal(flag, m.in[i]);
            m.in[i] = 0;
            break;
        case 5: case 6:
            assert_int_equal(mork_space_contains(s, univ[i].v, univ[i].n, &flag), RT_OK);
            assert_int_equal(flag, m.in[i]);
            break;
        default: {
            int k = (int)rnd(SNAPS);
            if (snap[k])
                check_same(snap[k], &msnap[k]);
            mork_space_free(snap[k]);
            assert_int_equal(mork_space_clone(s, &snap[k]), RT_OK);
            msnap[k] = m;
            break;
        }
        }
        if (step % 1000 == 0)
            check_same(s, &m);
    }
    check_same(s, &m);
    for (int k = 0; k < SNAPS; k++) {
        if (snap[k])
            check_same(snap[k], &msnap[k]);
        mork_space_free(snap[k]);
    }
    mork_space_free(s);
    for (int i = 0; i < UNIVERSE; i++)
        rt_vec_free(&univ[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_ops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
