/*
 * Allocation failure in every pathmap operation: with the n-th allocation
 * made to fail for n = 0, 1, 2, ... the operation must return RT_ENOMEM
 * and leave the trie's contents exactly as they were, until n is large
 * enough for it to succeed with the same result as an unhindered run. Each
 * operation is tried on a trie that shares all its nodes with another (the
 * copy-on-write paths) and on a privately built one (the in-place paths).
 * Leaks show up under the ASan build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../model/pathmap/pm_oracle.h"

/* Snapshot of a trie's contents into an oracle (hook disarmed). */
static int snap_fn(void *ctx, const uint8_t *k, size_t n, uint64_t v)
{
    ora_put(ctx, k, n, v, 1);
    return 0;
}

static void snap(const pm_trie *t, ora *o)
{
    ora_clear(o);
    assert_int_equal(pm_foreach(t, NULL, 0, snap_fn, o), 0);
}

static pm_trie *rebuild(const ora *o)
{
    pm_trie *t;
    assert_int_equal(pm_new(&t), 0);
    for (size_t i = 0; i < o->n; i++)
        assert_int_equal(pm_insert(t, o->e[i].k, o->e[i].n, o->e[i].v, NULL), 0);
    return t;
}

typedef struct fx {
    pm_trie *a, *b;      /* operands */
    rt_pool *pool;
    uint8_t longkey[700];
} fx;

typedef int (*op_fn)(fx *f, pm_trie *w, pm_trie **extra);

static int op_insert(fx *f, pm_trie *w, pm_trie **x)
{
    (void)f;
    (void)x;
    int rc = pm_insert(w, "abXq", 4, 5, NULL);
    if (!rc)
        rc = pm_insert(w, "ab", 2, 6, NULL);
    return rc;
}
static int op_insert_one(fx *f, pm_trie *w, pm_trie **x)
{
    (void)f;
    (void)x;
    return pm_insert(w, "bcaZZZZ", 7, 9, NULL);
}
static int op_insert_long(fx *f, pm_trie *w, pm_trie **x)
{
    (void)x;
    return pm_insert(w, f->longkey, sizeof f->longkey, 1, NULL);
}
static int op_remove(fx *f, pm_trie *w, pm_trie **x)
{
    (void)f;
    (void)x;
    return pm_remove(w, "abc", 3, NULL, NULL);
}
static int op_join(fx *f, pm_trie *w, pm_trie **x) { (void)x; return pm_join(w, f->b); }
static int op_meet(fx *f, pm_trie *w, pm_trie **x) { (void)x; return pm_meet(w, f->b); }
static int op_sub(fx *f, pm_trie *w, pm_trie **x) { (void)x; return pm_subtract(w, f->b); }
static int op_restrict(fx *f, pm_trie *w, pm_trie **x) { (void)x; return pm_restrict(w, f->b); }
static int op_drop(fx *f, pm_trie *w, pm_trie **x)
{
    (void)f;
    (void)x;
    return pm_drop_head(w, 2);
}
static int op_graft(fx *f, pm_trie *w, pm_trie **x)
{
    (void)x;
    return pm_graft(w, "ca", 2, f->b);
}
static int op_join_at(fx *f, pm_trie *w, pm_trie **x)
{
    (void)x;
    return pm_join_at(w, "b", 1, f->b);
}
static int op_take(fx *f, pm_trie *w, pm_trie **x)
{
    (void)f;
    return pm_take(w, "a", 1, x);
}
static int op_subtrie(fx *f, pm_trie *w, pm_trie **x)
{
    (void)f;
    return pm_subtrie(w, "ab", 2, x);
}
static int op_rm_prefix(fx *f, pm_trie *w, pm_trie **x)
{
    (void)f;
    (void)x;
    return pm_remove_prefix(w, "c", 1, NULL);
}
static int op_clone(fx *f, pm_trie *w, pm_trie **x)
{
    (void)f;
    return pm_clone(w, x);
}
static int op_wcur(fx *f, pm_trie *w, pm_trie **x)
{
    (void)f;
    (void)x;
    pm_wcur c;
    int rc = pm_wcur_begin(&c, w, "ba", 2);
    if (rc)
        return rc;
    static const char *ks[] = {"", "x", "xy", "a", "ccc"};
    for (int i = 0; i < 5 && !rc; i++)
        rc = pm_wcur_insert(&c, ks[i], strlen(ks[i]), (uint64_t)i, NULL);
    if (!rc)
        rc = pm_wcur_remove(&c, "b", 1, NULL);
    if (!rc)
        rc = pm_wcur_commit(&c);
    if (rc)
        pm_wcur_abort(&c);
    return rc;
}
static int build_common(fx *f, pm_trie *w, pm_trie **x, rt_pool *pool)
{
    (void)w;
    pm_kv items[3000];
    static uint8_t keys[3000][6];
    uint64_t s = 77;
    for (int i = 0; i < 3000; i++) {
        for (int j = 0; j < 6; j++)
            keys[i][j] = (uint8_t)("abc"[ora_rng(&s) % 3]);
        items[i].key = keys[i];
        items[i].len = 1 + (size_t)(ora_rng(&s) % 6);
        items[i].val = (uint64_t)i;
    }
    (void)f;
    return pm_build(x, items, 3000, pool);
}
static int op_build_seq(fx *f, pm_trie *w, pm_trie **x) { return build_common(f, w, x, NULL); }
static int op_build_par(fx *f, pm_trie *w, pm_trie **x) { return build_common(f, w, x, f->pool); }
static int op_insert_many(fx *f, pm_trie *w, pm_trie **x)
{
    (void)x;
    pm_kv items[4] = {{(const uint8_t *)"zz", 2, 1}, {(const uint8_t *)"a", 1, 2},
                      {(const uint8_t *)"abcabc", 6, 3}, {(const uint8_t *)"", 0, 4}};
    return pm_insert_many(w, items, 4, f->pool, NULL);
}
static int kv_order(const void *pa, const void *pb)
{
    const pm_kv *a = pa, *b = pb;
    int c = ora_cmp(a->key, a->len, b->key, b->len);
    return c ? c : (a->val > b->val) - (a->val < b->val);
}
/* A sorted batch (repeats and prefixes included) takes the bottom-up
 * build; inserted into w it also exercises the join behind it. */
static int sorted_batch(pm_kv *items, uint8_t (*keys)[6], int n)
{
    uint64_t s = 99;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < 6; j++)
            keys[i][j] = (uint8_t)("abc"[ora_rng(&s) % 3]);
        items[i].key = keys[i];
        items[i].len = (size_t)(ora_rng(&s) % 7);
        items[i].val = (uint64_t)i;
    }
    qsort(items, (size_t)n, sizeof *items, kv_order);
    return n;
}
static int op_build_sorted(fx *f, pm_trie *w, pm_trie **x)
{
    pm_kv items[300];
    static uint8_t keys[300][6];
    (void)w;
    return pm_build(x, items, (size_t)sorted_batch(items, keys, 300), f->pool);
}
/* Keys over 64 byte values: the bottom-up build meets nodes with more
 * children than it keeps on the stack and moves them to the heap. */
static int op_build_sorted_wide(fx *f, pm_trie *w, pm_trie **x)
{
    pm_kv items[300];
    static uint8_t keys[300][4];
    uint64_t s = 77;
    (void)w;
    (void)f;
    for (int i = 0; i < 300; i++) {
        for (int j = 0; j < 4; j++)
            keys[i][j] = (uint8_t)(0x20 + ora_rng(&s) % 64);
        items[i].key = keys[i];
        items[i].len = 1 + (size_t)(ora_rng(&s) % 4);
        items[i].val = (uint64_t)i;
    }
    qsort(items, 300, sizeof *items, kv_order);
    return pm_build(x, items, 300, NULL);
}
static int op_insert_many_sorted(fx *f, pm_trie *w, pm_trie **x)
{
    pm_kv items[300];
    static uint8_t keys[300][6];
    (void)x;
    (void)f;
    return pm_insert_many(w, items, (size_t)sorted_batch(items, keys, 300), NULL, NULL);
}
/* Too deep for the bottom-up build: it gives up part way (freeing what it
 * made) and the insert-based build takes over. */
static int op_build_deep(fx *f, pm_trie *w, pm_trie **x)
{
    enum { D = 230 };
    static uint8_t k[D];
    pm_kv items[D];
    (void)w;
    (void)f;
    memset(k, 'c', sizeof k);
    for (size_t i = 0; i < D; i++) {
        items[i].key = k;
        items[i].len = i;
        items[i].val = i;
    }
    return pm_build(x, items, D, NULL);
}
static int op_cursor(fx *f, pm_trie *w, pm_trie **x)
{
    /* Long focus paths need heap room: a failure there must come back as
     * an error from the move, not as a wrong answer. */
    pm_cur c;
    (void)x;
    pm_cur_init(&c, w);
    int r = pm_cur_descend(&c, f->longkey, sizeof f->longkey);
    pm_cur_fini(&c);
    if (r < 0)
        return r;
    return r == 1 ? 0 : RT_EINVAL;
}

static void setup_trie(fx *f)
{
    uint64_t s = 1234;
    uint8_t k[8];
    assert_int_equal(pm_new(&f->a), 0);
    assert_int_equal(pm_new(&f->b), 0);
    for (int i = 0; i < 400; i++) {
        size_t n = (size_t)(ora_rng(&s) % 7);
        for (size_t j = 0; j < n; j++)
            k[j] = (uint8_t)("abc"[ora_rng(&s) % 3]);
        assert_int_equal(pm_insert(i % 3 ? f->a : f->b, k, n, (uint64_t)i, NULL), 0);
    }
    assert_int_equal(pm_insert(f->a, "abc", 3, 1, NULL), 0);
    for (size_t i = 0; i < sizeof f->longkey; i++)
        f->longkey[i] = (uint8_t)('a' + i % 3);
    assert_int_equal(pm_insert(f->a, f->longkey, sizeof f->longkey, 3, NULL), 0);
    assert_int_equal(rt_pool_create(&f->pool, 2, 0), 0);
}

/* The same operands grown past PM_INSERT_SLAB_MIN keys, so that inserts
 * take their leaves from the handle's slab (and a failed block allocation
 * is met half-way through an insert). */
static void setup_big(fx *f)
{
    uint64_t s = 4321;
    uint8_t k[8];
    setup_trie(f);
    for (int i = 0; i < 9000; i++) {
        size_t n = 5 + (size_t)(ora_rng(&s) % 3);
        for (size_t j = 0; j < n; j++)
            k[j] = (uint8_t)("abcdefgh"[ora_rng(&s) % 8]);
        assert_int_equal(pm_insert(i % 3 ? f->a : f->b, k, n, (uint64_t)i, NULL), 0);
    }
    assert_true(pm_count(f->a) >= 4096);
}

static void teardown_trie(fx *f)
{
    pm_free(f->a);
    pm_free(f->b);
    rt_pool_destroy(f->pool);
}

static void run_op(fx *f, op_fn op, const char *name)
{
    ora before = {0}, want = {0}, want_x = {0}, got = {0};
    snap(f->a, &before);

    /* Reference result, from a run that is allowed every allocation. */
    pm_trie *w, *x = NULL;
    assert_int_equal(pm_clone(f->a, &w), 0);
    assert_int_equal(op(f, w, &x), 0);
    snap(w, &want);
    if (x)
        snap(x, &want_x);
    pm_free(w);
    pm_free(x);

    for (int shared = 0; shared < 2; shared++) {
        int ok = 0;
        for (long n = 0; n < 20000 && !ok; n++) {
            if (shared)
                assert_int_equal(pm_clone(f->a, &w), 0);
            else
                w = rebuild(&before);
            x = NULL;
            rt_alloc_fail_after(n);
            int rc = op(f, w, &x);
            rt_alloc_fail_after(-1);
            if (rc == 0) {
                ok = 1;
                snap(w, &got);
                if (!ora_matches(w, &want))
                    fail_msg("%s: wrong result after %ld allowed allocations", name, n);
                if (x && !ora_matches(x, &want_x))
                    fail_msg("%s: wrong extra result after %ld allocations", name, n);
            } else {
                if (rc != RT_ENOMEM)
                    fail_msg("%s: status %d with %ld allocations", name, rc, n);
                if (!ora_matches(w, &before))
                    fail_msg("%s: trie changed by a failed call (%ld allocations)", name, n);
                assert_null(x);
            }
            /* The operands must never change. */
            assert_true(ora_matches(f->a, &before));
            pm_free(w);
            pm_free(x);
        }
        if (!ok)
            fail_msg("%s never succeeded", name);
    }
    ora_free(&before);
    ora_free(&want);
    ora_free(&want_x);
    ora_free(&got);
}

/* A test of op `fn` on the operands that `setup` makes. */
#define OPTEST_ON(name, setup, fn, label) \
    static void name(void **st)           \
    {                                     \
        fx f;                             \
        (void)st;                         \
        setup(&f);                        \
        run_op(&f, fn, label);            \
        teardown_trie(&f);                \
    }
#define OPTEST(fn) OPTEST_ON(t_##fn, setup_trie, fn, #fn)
#define OPTEST_BIG(fn) OPTEST_ON(tb_##fn, setup_big, fn, #fn " (big)")

OPTEST(op_insert)
OPTEST(op_insert_one)
OPTEST(op_insert_long)
OPTEST(op_remove)
OPTEST(op_join)
OPTEST(op_meet)
OPTEST(op_sub)
OPTEST(op_restrict)
OPTEST(op_drop)
OPTEST(op_graft)
OPTEST(op_join_at)
OPTEST(op_take)
OPTEST(op_subtrie)
OPTEST(op_rm_prefix)
OPTEST(op_clone)
OPTEST(op_wcur)
OPTEST(op_build_seq)
OPTEST(op_build_par)
OPTEST(op_insert_many)
OPTEST(op_cursor)
OPTEST(op_build_sorted)
OPTEST(op_build_sorted_wide)
OPTEST(op_insert_many_sorted)
OPTEST(op_build_deep)

OPTEST_BIG(op_insert)
OPTEST_BIG(op_insert_one)
OPTEST_BIG(op_insert_long)
OPTEST_BIG(op_remove)

static void new_fails(void **st)
{
    (void)st;
    pm_trie *t = NULL;
    rt_alloc_fail_after(0);
    int rc = pm_new(&t);
    rt_alloc_fail_after(-1);
    assert_int_equal(rc, RT_ENOMEM);
    assert_null(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_op_build_sorted), cmocka_unit_test(t_op_build_sorted_wide),
        cmocka_unit_test(t_op_insert_many_sorted),
        cmocka_unit_test(t_op_build_deep),
        cmocka_unit_test(t_op_insert),     cmocka_unit_test(t_op_insert_one),
        cmocka_unit_test(t_op_insert_long), cmocka_unit_test(t_op_remove),
        cmocka_unit_test(t_op_join),       cmocka_unit_test(t_op_meet),
        cmocka_unit_test(t_op_sub),        cmocka_unit_test(t_op_restrict),
        cmocka_unit_test(t_op_drop),       cmocka_unit_test(t_op_graft),
        cmocka_unit_test(t_op_join_at),    cmocka_unit_test(t_op_take),
        cmocka_unit_test(t_op_subtrie),    cmocka_unit_test(t_op_rm_prefix),
        cmocka_unit_test(t_op_clone),      cmocka_unit_test(t_op_wcur),
        cmocka_unit_test(t_op_build_seq),  cmocka_unit_test(t_op_build_par),
        cmocka_unit_test(t_op_insert_many), cmocka_unit_test(t_op_cursor),
        cmocka_unit_test(new_fails),
        cmocka_unit_test(tb_op_insert),    cmocka_unit_test(tb_op_insert_one),
        cmocka_unit_test(tb_op_insert_long), cmocka_unit_test(tb_op_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
