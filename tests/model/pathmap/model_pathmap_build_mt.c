/*
 * Model test of pm_build on unsorted batches, the path that sorts the batch
 * (a bucket pass on the one or two bytes after the common prefix, then each
 * bucket) before building bottom-up. Without a pool, and with a pool when
 * the byte after the prefix takes many values, the buckets are on one byte
 * (build_wide); with a pool and few values, on two (build_binary,
 * build_one_bucket). Batch sizes straddle the thresholds where the
 * build switches from inserts to sorting and from one thread to a pool.
 * Keys share a random common prefix and then end right there, one byte
 * later, or further on, so every bucket form is hit; repeats with distinct
 * values sit anywhere in the batch (the last must win); some rounds pile
 * the whole batch into one bucket or add a key past the 65535-byte prefix
 * limit. Each batch is built with no pool, a 2-thread and a 3-thread pool,
 * and each result is compared with the oracle fed the items in input order.
 *
 * KINDRED_TEST_SCALE multiplies the number of rounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pm_oracle.h"

#define MAXN 6000
#define LONGLEN 70000

typedef struct batch {
    pm_kv *it;
    uint8_t **buf;
    size_t n;
} batch;

typedef struct shape {
    const uint8_t *alpha;
    unsigned na;
    unsigned maxtail;   /* bytes after the common prefix */
    size_t maxn;
} shape;

static void gen(batch *b, uint64_t *s, const shape *sh)
{
    uint8_t pre[6];
    size_t lp = (size_t)(ora_rng(s) % sizeof pre);
    for (size_t j = 0; j < lp; j++)
        pre[j] = (uint8_t)ora_rng(s);
    /* Sizes cluster around the thresholds, but anything up to maxn. */
    static const size_t near[] = {1, 2, 63, 64, 65, 2047, 2048, 2049};
    size_t n = ora_rng(s) % 3 ? 1 + (size_t)(ora_rng(s) % sh->maxn)
                              : near[ora_rng(s) % (sizeof near / sizeof near[0])];
    if (n > sh->maxn)
        n = sh->maxn;
    int long_round = ora_rng(s) % 8 == 0;
    b->n = n;
    for (size_t i = 0; i < n; i++) {
        size_t tail;
        unsigned r = (unsigned)(ora_rng(s) % 16);
        if (i > 0 && r < 2) {
            /* A repeat of an earlier key, with its own value. */
            size_t src = (size_t)(ora_rng(s) % i);
            size_t len = b->it[src].len;
            b->buf[i] = malloc(len ? len : 1);
            assert_non_null(b->buf[i]);
            if (len)
                memcpy(b->buf[i], b->buf[src], len);
            b->it[i].key = len ? b->buf[i] : NULL;
            b->it[i].len = len;
            b->it[i].val = i;
            continue;
        }
        if (long_round && i == n / 2)
            tail = LONGLEN;
        else if (r < 4)
            tail = r & 1;             /* 0 or 1: the short bucket forms */
        else
            tail = (size_t)(ora_rng(s) % (sh->maxtail + 1));
        size_t len = lp + tail;
        b->buf[i] = malloc(len ? len : 1);
        assert_non_null(b->buf[i]);
        if (lp)
            memcpy(b->buf[i], pre, lp);
        for (size_t j = lp; j < len; j++)
            b->buf[i][j] = sh->alpha[ora_rng(s) % sh->na];
        b->it[i].key = len ? b->buf[i] : NULL;
        b->it[i].len = len;
        b->it[i].val = i;
    }
}

static void drop(batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->buf[i]);
    b->n = 0;
}

static void check_build(const batch *b, rt_pool *pool, const ora *want)
{
    pm_trie *t;
    assert_int_equal(pm_build(&t, b->it, b->n, pool), 0);
    assert_int_equal(pm_count(t), want->n);
    assert_true(ora_matches(t, want));
    pm_free(t);
}

static void run(uint64_t seed, const shape *sh, long base_rounds)
{
    rt_pool *p2, *p3;
    assert_int_equal(rt_pool_create(&p2, 2, 0), 0);
    assert_int_equal(rt_pool_create(&p3, 3, 0), 0);
    batch b = {0};
    b.it = calloc(sh->maxn, sizeof *b.it);
    b.buf = calloc(sh->maxn, sizeof *b.buf);
    assert_non_null(b.it);
    assert_non_null(b.buf);
    uint64_t s = seed;
    long rounds = ora_ops(base_rounds);
    for (long r = 0; r < rounds; r++) {
        gen(&b, &s, sh);
        ora want = {0};
        for (size_t i = 0; i < b.n; i++)
            ora_put(&want, b.it[i].key, b.it[i].len, b.it[i].val, 1);
        check_build(&b, NULL, &want);
        check_build(&b, p2, &want);
        check_build(&b, p3, &want);
        ora_free(&want);
        drop(&b);
    }
    free(b.it);
    free(b.buf);
    rt_pool_destroy(p3);
    rt_pool_destroy(p2);
}

static void build_wide(void **state)
{
    (void)state;
    uint8_t a[256];
    for (int i = 0; i < 256; i++)
        a[i] = (uint8_t)i;
    shape sh = {a, 256, 12, MAXN};
    run(0xb1dULL, &sh, 150);
}

static void build_binary(void **state)
{
    (void)state;
    static const uint8_t a[] = {0x00, 0xff};
    shape sh = {a, 2, 14, MAXN};
    run(0xb2dULL, &sh, 150);
}

/* One letter: the keys differ only in length, so after the prefix nearly
 * every key lands in one bucket and the in-bucket sort does all the work. */
static void build_one_bucket(void **state)
{
    (void)state;
    static const uint8_t a[] = {'a'};
    shape sh = {a, 1, 300, 1500};
    run(0xb3dULL, &sh, 60);
}

/* Keys "x", "xx", ... shuffled: too deep for the bottom-up builder, so the
 * parts fall back to inserting their sorted ranges. */
static void build_deep_unsorted(void **state)
{
    (void)state;
    enum { D = 600 };
    static uint8_t k[D];
    static pm_kv it[D + 200];
    memset(k, 'x', sizeof k);
    uint64_t s = 0xdeeULL;
    size_t n = 0;
    for (size_t i = 0; i < D; i++) {
        it[n].key = k;
        it[n].len = i + 1;
        it[n].val = i;
        n++;
    }
    for (size_t i = 0; i < 200; i++) {   /* repeats, later values win */
        it[n].key = k;
        it[n].len = 1 + (size_t)(ora_rng(&s) % D);
        it[n].val = 100000 + i;
        n++;
    }
    for (size_t i = D; i > 1; i--) {     /* shuffle the first D only */
        size_t j = (size_t)(ora_rng(&s) % i);
        pm_kv tmp = it[i - 1];
        it[i - 1] = it[j];
        it[j] = tmp;
    }
    ora want = {0};
    for (size_t i = 0; i < n; i++)
        ora_put(&want, it[i].key, it[i].len, it[i].val, 1);
    batch b = {it, NULL, n};
    rt_pool *p2;
    assert_int_equal(rt_pool_create(&p2, 2, 0), 0);
    check_build(&b, NULL, &want);
    check_build(&b, p2, &want);
    rt_pool_destroy(p2);
    ora_free(&want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(build_wide),
        cmocka_unit_test(build_binary),
        cmocka_unit_test(build_one_bucket),
        cmocka_unit_test(build_deep_unsorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
