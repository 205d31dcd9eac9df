/*
 * Threads and the pathmap: readers of snapshots (and writers of their own
 * clones) on pool workers while the owner keeps writing the original; and
 * the parallel bulk build, which must give exactly the sequential result.
 * Runs under ThreadSanitizer in the tsan build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>

#include "../../model/pathmap/pm_oracle.h"

static size_t mk_key(uint64_t i, uint8_t *k)
{
    /* Keys that share prefixes at several depths: "p" . byte . i (LE). */
    k[0] = 'p';
    k[1] = (uint8_t)(i % 7);
    memcpy(k + 2, &i, 8);
    return 2 + (i % 3 == 0 ? 3 : 8);
}

typedef struct reader {
    const pm_trie *snap;     /* shared, read only */
    const ora *want;         /* its contents */
    int rounds;
    atomic_int bad;
} reader;

static int collect(void *ctx, const uint8_t *k, size_t n, uint64_t v)
{
    (void)k;
    (void)n;
    uint64_t *acc = ctx;
    acc[0]++;
    acc[1] += v;
    return 0;
}

static void reader_job(void *arg, int worker)
{
    reader *r = arg;
    (void)worker;
    for (int round = 0; round < r->rounds; round++) {
        /* Point reads. */
        for (size_t i = 0; i < r->want->n; i += 3) {
            uint64_t v;
            if (!pm_get(r->snap, r->want->e[i].k, r->want->e[i].n, &v) || v != r->want->e[i].v)
                atomic_store(&r->bad, 1);
        }
        /* An ordered walk with a cursor. */
        pm_cur c;
        pm_cur_init(&c, r->snap);
        size_t i = 0;
        for (int m = pm_cur_seek(&c, NULL, 0); m == 1; m = pm_cur_next(&c), i++)
            if (i >= r->want->n || ora_cmp(pm_cur_path(&c), pm_cur_depth(&c), r->want->e[i].k,
                                           r->want->e[i].n) != 0)
                atomic_store(&r->bad, 2);
        if (i != r->want->n)
            atomic_store(&r->bad, 3);
        pm_cur_fini(&c);
        /* A private clone, written here while others read the same nodes. */
        pm_trie *mine;
        if (pm_clone(r->snap, &mine) != 0) {
            atomic_store(&r->bad, 4);
            continue;
        }
        uint8_t k[16];
        for (uint64_t j = 0; j < 50; j++) {
            size_t n = mk_key(j * 31 + (uint64_t)round, k);
            if (pm_insert(mine, k, n, 1, NULL) != 0 || pm_remove(mine, k, 2, NULL, NULL) != 0)
                atomic_store(&r->bad, 5);
        }
        if (pm_remove_prefix(mine, "p\x01", 2, NULL) != 0 || pm_drop_head(mine, 1) != 0)
            atomic_store(&r->bad, 6);
        pm_free(mine);
        uint64_t acc[2] = {0, 0};
        pm_foreach(r->snap, NULL, 0, collect, acc);
        if (acc[0] != r->want->n)
            atomic_store(&r->bad, 7);
    }
}

static void snapshot_readers(void **st)
{
    (void)st;
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 2, 0), 0);
    pm_trie *w, *other;
    assert_int_equal(pm_new(&w), 0);
    assert_int_equal(pm_new(&other), 0);
    uint8_t k[16];
    uint64_t s = 99;
    /* More keys than PM_INSERT_SLAB_MIN: the owner's inserts and the
     * readers' clones then cut leaves from slabs of their own, and blocks
     * are freed by whichever thread drops their last leaf. */
    for (uint64_t i = 0; i < 6000; i++) {
        size_t n = mk_key(i, k);
        assert_int_equal(pm_insert(w, k, n, i, NULL), 0);
        if (i % 5 == 0)
            assert_int_equal(pm_insert(other, k, n, i + 1, NULL), 0);
    }
    int rounds = 6 * (int)ora_scale();
    for (int round = 0; round < rounds; round++) {
        pm_trie *snap;
        assert_int_equal(pm_clone(w, &snap), 0);
        ora want = {0};
        pm_cur c;
        pm_cur_init(&c, snap);
        for (int m = pm_cur_seek(&c, NULL, 0); m == 1; m = pm_cur_next(&c)) {
            uint64_t v;
            pm_cur_val(&c, &v);
            ora_put(&want, pm_cur_path(&c), pm_cur_depth(&c), v, 1);
        }
        pm_cur_fini(&c);
        reader r[2];
        for (int j = 0; j < 2; j++) {
            r[j].snap = snap;
            r[j].want = &want;
            r[j].rounds = 3;
            atomic_init(&r[j].bad, 0);
            assert_int_equal(rt_pool_submit(pool, reader_job, &r[j]), 0);
        }
        /* Meanwhile the owner rewrites the original in every way. */
        for (int op = 0; op < 400; op++) {
            uint64_t i = ora_rng(&s) % 8000;
            size_t n = mk_key(i, k);
            switch (op % 8) {
            case 0: case 1: case 2:
                assert_int_equal(pm_insert(w, k, n, i * 2, NULL), 0);
                break;
            case 3: case 4:
                assert_int_equal(pm_remove(w, k, n, NULL, NULL), 0);
                break;
            case 5:
                assert_int_equal(pm_join(w, other), 0);
                break;
            case 6:
                assert_int_equal(pm_subtract(w, other), 0);
                break;
            default:
                assert_int_equal(pm_graft(w, "p\x03", 2, other), 0);
                break;
            }
        }
        rt_pool_wait(pool);
        for (int j = 0; j < 2; j++)
            assert_int_equal(atomic_load(&r[j].bad), 0);
        /* The snapshot itself never moved. */
        assert_true(ora_matches(snap, &want));
        pm_free(snap);
        ora_free(&want);
    }
    pm_free(w);
    pm_free(other);
    rt_pool_destroy(pool);
}

/* ------------------------------------------------------- parallel build */

static void check_build(pm_kv *items, size_t n, rt_pool *pool)
{
    pm_trie *a, *b;
    assert_int_equal(pm_build(&a, items, n, NULL), 0);
    assert_int_equal(pm_build(&b, items, n, pool), 0);
    /* Independent expectation: later items win. */
    ora o = {0};
    for (size_t i = 0; i < n; i++)
        ora_put(&o, items[i].key, items[i].len, items[i].val, 1);
    assert_true(ora_matches(a, &o));
    assert_true(ora_matches(b, &o));
    assert_true(pm_equal(a, b));
    pm_free(a);
    pm_free(b);
    ora_free(&o);
}

static void parallel_build(void **st)
{
    (void)st;
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 2, 0), 0);
    size_t n = 20000 * (size_t)ora_scale();
    pm_kv *items = malloc(n * sizeof *items);
    uint8_t *keys = malloc(n * 24);
    assert_non_null(items);
    assert_non_null(keys);
    uint64_t s = 5;
    for (int dist = 0; dist < 5; dist++) {
        for (size_t i = 0; i < n; i++) {
            uint8_t *k = keys + i * 24;
            size_t len;
            uint64_t x = ora_rng(&s);
            switch (dist) {
            case 0:   /* random 16-byte keys */
                len = 16;
                memcpy(k, &x, 8);
                x = ora_rng(&s);
                memcpy(k + 8, &x, 8);
                break;
            case 1:   /* long common prefix, then few distinct bytes */
                memcpy(k, "commonprefix", 12);
                len = 12 + x % 5;
                for (size_t j = 12; j < len; j++)
                    k[j] = (uint8_t)("ab"[(x >> j) & 1]);
                break;
            case 2:   /* many duplicates: the last value must win */
                len = 3;
                k[0] = 'd';
                k[1] = (uint8_t)(x % 20);
                k[2] = (uint8_t)(x % 3);
                break;
            case 3:   /* short and empty keys mixed in */
                len = x % 4;
                for (size_t j = 0; j < len; j++)
                    k[j] = (uint8_t)((x >> (8 * j)) & 3);
                break;
            default:  /* skewed: nearly all keys under one leading byte */
                len = 10;
                memcpy(k + 2, &x, 8);
                k[0] = (x % 100) ? 'z' : 'a';
                k[1] = (uint8_t)(x % 100 ? 0 : x >> 56);
                break;
            }
            items[i].key = k;
            items[i].len = len;
            items[i].val = i;
        }
        check_build(items, n, pool);
        check_build(items, 100, pool);   /* below the parallel threshold */
    }
    free(items);
    free(keys);
    rt_pool_destroy(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snapshot_readers),
        cmocka_unit_test(parallel_build),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
