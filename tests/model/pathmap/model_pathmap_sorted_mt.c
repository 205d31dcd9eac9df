/*
 * Model test of the bottom-up build that pm_build uses for batches whose
 * keys are already sorted: random sorted batches (repeats, the empty key,
 * keys that are prefixes of others, the odd key past the 65535-byte prefix
 * limit, chains deep enough to make the builder fall back to inserts) are
 * built with and without a 2-thread pool and compared with the oracle fed
 * the same items one by one. The built tries are then edited further
 * (insert, remove, join with an insert-built trie), since a bottom-up node
 * is allocated at its exact size and the edits must grow it.
 *
 * KINDRED_TEST_SCALE multiplies the number of rounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pm_oracle.h"

#define MAXN 600
#define LONGLEN 70000

typedef struct batch {
    pm_kv it[MAXN];
    uint8_t *buf[MAXN];
    size_t n;
} batch;

static int kv_cmp(const void *pa, const void *pb)
{
    const pm_kv *a = pa, *b = pb;
    int c = ora_cmp(a->key, a->len, b->key, b->len);
    if (c)
        return c;
    /* Equal keys keep their input order (val is the input position). */
    return (a->val > b->val) - (a->val < b->val);
}

static void gen(batch *b, uint64_t *s, const uint8_t *alpha, unsigned na, unsigned maxlen)
{
    b->n = 1 + (size_t)(ora_rng(s) % MAXN);
    for (size_t i = 0; i < b->n; i++) {
        size_t len;
        unsigned r = (unsigned)(ora_rng(s) % 200);
        if (r == 0)
            len = LONGLEN;
        else if (r < 3 && i > 0)
            len = b->it[i - 1].len;  /* a likely repeat, copied below */
        else
            len = (size_t)(ora_rng(s) % (maxlen + 1));
        b->buf[i] = malloc(len ? len : 1);
        assert_non_null(b->buf[i]);
        if (r > 0 && r < 3 && i > 0)
            memcpy(b->buf[i], b->buf[i - 1], len);
        else
            for (size_t j = 0; j < len; j++)
                b->buf[i][j] = alpha[ora_rng(s) % na];
        b->it[i].key = len ? b->buf[i] : NULL;
        b->it[i].len = len;
        b->it[i].val = i;
    }
    qsort(b->it, b->n, sizeof b->it[0], kv_cmp);
}

static void drop(batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->buf[i]);
    b->n = 0;
}

/* The oracle of a batch: items in array order, later ones overwrite. */
static void oracle_of(const batch *b, ora *o)
{
    for (size_t i = 0; i < b->n; i++)
        ora_put(o, b->it[i].key, b->it[i].len, b->it[i].val, 1);
}

static void edit_more(pm_trie *t, ora *o, uint64_t *s, const uint8_t *alpha,
                      unsigned na, unsigned maxlen)
{
    uint8_t k[64];
    for (int i = 0; i < 200; i++) {
        size_t len = (size_t)(ora_rng(s) % (maxlen + 1));
        for (size_t j = 0; j < len; j++)
            k[j] = alpha[ora_rng(s) % na];
        if (ora_rng(s) % 3) {
            assert_int_equal(pm_insert(t, k, len, 1000u + (unsigned)i, NULL), 0);
            ora_put(o, k, len, 1000u + (unsigned)i, 1);
        } else {
            int removed = 0;
            assert_int_equal(pm_remove(t, k, len, &removed, NULL), 0);
            assert_int_equal(removed, ora_del(o, k, len));
        }
    }
    assert_true(ora_matches(t, o));
    assert_int_equal(pm_count(t), o->n);
}

static void run(uint64_t seed, const uint8_t *alpha, unsigned na, unsigned maxlen)
{
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 2, 0), 0);
    uint64_t s = seed;
    long rounds = ora_ops(250);
    static batch b;
    for (long r = 0; r < rounds; r++) {
        gen(&b, &s, alpha, na, maxlen);
        ora want = {0};
        oracle_of(&b, &want);

        pm_trie *t1, *t2, *base;
        assert_int_equal(pm_build(&t1, b.it, b.n, NULL), 0);
        assert_int_equal(pm_build(&t2, b.it, b.n, pool), 0);
        assert_true(ora_matches(t1, &want));
        assert_true(ora_matches(t2, &want));
        assert_int_equal(pm_count(t1), want.n);

        /* Into a non-empty trie: the batch's values win. */
        ora both = {0};
        assert_int_equal(pm_new(&base), 0);
        uint8_t k[16];
        for (int i = 0; i < 100; i++) {
            size_t len = (size_t)(ora_rng(&s) % (maxlen + 1));
            for (size_t j = 0; j < len; j++)
                k[j] = alpha[ora_rng(&s) % na];
            assert_int_equal(pm_insert(base, k, len, 5000u + (unsigned)i, NULL), 0);
            ora_put(&both, k, len, 5000u + (unsigned)i, 1);
        }
        size_t before = both.n;
        for (size_t i = 0; i < want.n; i++)
            ora_put(&both, want.e[i].k, want.e[i].n, want.e[i].v, 1);
        uint64_t added = 0;
        assert_int_equal(pm_insert_many(base, b.it, b.n, pool, &added), 0);
        assert_true(ora_matches(base, &both));
        assert_int_equal(added, both.n - before);

        edit_more(t1, &want, &s, alpha, na, maxlen);
        pm_free(t1);
        pm_free(t2);
        pm_free(base);
        ora_free(&want);
        ora_free(&both);
        drop(&b);
    }
    rt_pool_destroy(pool);
}

static void sorted_binary(void **state)
{
    (void)state;
    static const uint8_t a[] = {0x00, 0xff};
    run(0x5eedULL, a, 2, 10);
}

static void sorted_abc(void **state)
{
    (void)state;
    static const uint8_t a[] = {'a', 'b', 'c'};
    run(0xabcULL, a, 3, 7);
}

static void sorted_wide(void **state)
{
    (void)state;
    uint8_t a[256];
    for (int i = 0; i < 256; i++)
        a[i] = (uint8_t)i;
    run(0x77ULL, a, 256, 4);
}

/* "a", "aa", "aaa", ...: one branching level per key, deeper than the
 * bottom-up builder goes, so pm_build must fall back to inserts. */
static void sorted_deep(void **state)
{
    (void)state;
    enum { D = 400 };
    static uint8_t k[D];
    static pm_kv it[D];
    memset(k, 'a', sizeof k);
    ora want = {0};
    for (size_t i = 0; i < D; i++) {
        it[i].key = k;
        it[i].len = i + 1;
        it[i].val = i * 7;
        ora_put(&want, k, i + 1, i * 7, 1);
    }
    pm_trie *t;
    assert_int_equal(pm_build(&t, it, D, NULL), 0);
    assert_true(ora_matches(t, &want));
    pm_free(t);
    ora_free(&want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sorted_binary),
        cmocka_unit_test(sorted_abc),
        cmocka_unit_test(sorted_wide),
        cmocka_unit_test(sorted_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
