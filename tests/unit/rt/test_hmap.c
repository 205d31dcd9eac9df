/*
 * rt_hmap and rt_smap against a naive oracle (a flat array of every key the
 * test can use, with a present flag) under long random operation sequences.
 *
 * The key domain is small so hits, misses, overwrites and deletions of
 * present keys are all frequent, and part of it is built to collide: keys
 * whose hashes share their low bits, so probe runs are long, wrap around
 * the end of the table and get split by backward-shift deletion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kindred/rt.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* splitmix64: independent of everything under test */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static long scale(void)
{
    const char *s = getenv("KINDRED_TEST_SCALE");
    long v = s ? atol(s) : 1;
    return v > 0 ? v : 1;
}

/* Inverse of rt_mix64, to build keys with chosen hashes. */
static uint64_t inv_odd(uint64_t a)
{
    uint64_t x = a;
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

static uint64_t unmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= inv_odd(0xc4ceb9fe1a85ec53ULL);
    x ^= x >> 33;
    x *= inv_odd(0xff51afd7ed558ccdULL);
    x ^= x >> 33;
    return x;
}

/* ------------------------------------------------------------ rt_hmap */

enum { HK = 3000 };

typedef struct {
    uint64_t key[HK], val[HK];
    int present[HK];
    size_t n;
} hmodel;

static hmodel hm; /* large: keep it off the stack */

static void hmodel_init(void)
{
    memset(&hm, 0, sizeof hm);
    size_t i = 0;
    hm.key[i++] = 0;
    hm.key[i++] = UINT64_MAX;
    /* Colliding groups: the same low 20 bits of the hash, and hashes just
     * below a multiple of 2^20 so their runs wrap past the table end. */
    for (int g = 0; g < 4; g++)
        for (int k = 0; k < 150; k++) {
            uint64_t low = g < 2 ? (uint64_t)g * 77 : (1u << 20) - 1 - (uint64_t)g;
            hm.key[i++] = unmix64((rnd() << 20) | low);
        }
    while (i < HK) {
        uint64_t k = (i % 3 == 0) ? (uint64_t)i : rnd(); /* small ints too */
        hm.key[i++] = k;
    }
    /* The domain must hold distinct keys; a duplicate would be a test bug. */
    rt_hmap seen;
    rt_hmap_init(&seen);
    for (size_t j = 0; j < HK; j++) {
        uint64_t v = j;
        int ins;
        assert_int_equal(rt_hmap_put_new(&seen, hm.key[j], &v, &ins), 0);
        if (!ins)
            hm.key[j] = rnd(); /* astronomically rare */
    }
    rt_hmap_free(&seen);
}

static void hmap_check_all(const rt_hmap *m)
{
    assert_int_equal(m->n, hm.n);
    for (size_t i = 0; i < HK; i++) {
        uint64_t v = 0;
        int found = -1;
        rt_hmap_get(m, hm.key[i], &v, &found);
        assert_int_equal(found, hm.present[i]);
        if (found)
            assert_true(v == hm.val[i]);
    }
}

/* Every entry exactly once, and nothing the oracle lacks. */
static void hmap_check_iter(const rt_hmap *m)
{
    rt_hmap seen;
    rt_hmap_init(&seen);
    size_t it = 0, count = 0;
    uint64_t k, v;
    while (rt_hmap_next(m, &it, &k, &v)) {
        uint64_t one = 1;
        int ins;
        assert_int_equal(rt_hmap_put_new(&seen, k, &one, &ins), 0);
        assert_true(ins); /* not returned twice */
        count++;
    }
    assert_int_equal(count, hm.n);
    for (size_t i = 0; i < HK; i++) {
        int found;
        rt_hmap_get(&seen, hm.key[i], NULL, &found);
        assert_int_equal(found, hm.present[i]);
        if (found) {
            uint64_t got;
            rt_hmap_get(m, hm.key[i], &got, &found);
            assert_true(got == hm.val[i]);
        }
    }
    rt_hmap_free(&seen);
}

static void hmap_random_ops(void **state)
{
    (void)state;
    rng_state = 42;
    hmodel_init();
    rt_hmap m;
    rt_hmap_init(&m);
    long ops = 400000 * scale();
    for (long op = 0; op < ops; op++) {
        size_t i = (size_t)(rnd() % HK);
        uint64_t r = rnd() % 100, v = rnd();
        if (r < 35) {
            assert_int_equal(rt_hmap_put(&m, hm.key[i], v), 0);
            if (!hm.present[i])
                hm.n++;
            hm.present[i] = 1;
            hm.val[i] = v;
        } else if (r < 55) {
            uint64_t io = v;
            int ins = -1;
            assert_int_equal(rt_hmap_put_new(&m, hm.key[i], &io, &ins), 0);
            assert_int_equal(ins, !hm.present[i]);
            if (!hm.present[i]) {
                hm.present[i] = 1;
                hm.val[i] = v;
                hm.n++;
            }
            assert_true(io == hm.val[i]);
        } else if (r < 80) {
            int rem = -1;
            rt_hmap_del(&m, hm.key[i], &rem);
            assert_int_equal(rem, hm.present[i]);
            if (hm.present[i])
                hm.n--;
            hm.present[i] = 0;
        } else if (r < 99) {
            uint64_t got = 0;
            int found = -1;
            rt_hmap_get(&m, hm.key[i], &got, &found);
            assert_int_equal(found, hm.present[i]);
            if (found)
                assert_true(got == hm.val[i]);
        } else if (op % 7 == 0 && rnd() % 50 == 0) {
            rt_hmap_clear(&m);
            memset(hm.present, 0, sizeof hm.present);
            hm.n = 0;
        } else {
            assert_int_equal(rt_hmap_reserve(&m, (size_t)(rnd() % 4000)), 0);
        }
        assert_int_equal(m.n, hm.n);
        if (op % 20000 == 0) {
            hmap_check_all(&m);
            hmap_check_iter(&m);
        }
    }
    hmap_check_all(&m);
    hmap_check_iter(&m);
    /* Delete everything: the table must end empty and still work. */
    for (size_t i = 0; i < HK; i++) {
        rt_hmap_del(&m, hm.key[i], NULL);
        hm.present[i] = 0;
    }
    hm.n = 0;
    hmap_check_all(&m);
    size_t it = 0;
    assert_int_equal(rt_hmap_next(&m, &it, NULL, NULL), 0);
    rt_hmap_free(&m);
}

static void hmap_load_factor_and_reserve(void **state)
{
    (void)state;
    rt_hmap m;
    rt_hmap_init(&m);
    int found = -1;
    rt_hmap_get(&m, 5, NULL, &found); /* empty map, no table yet */
    assert_int_equal(found, 0);
    rt_hmap_del(&m, 5, NULL);
    for (uint64_t k = 0; k < 100000; k++) {
        assert_int_equal(rt_hmap_put(&m, k, k * 3), 0);
        assert_true(m.n * 8 <= m.cap * 7);
        assert_int_equal(m.cap & (m.cap - 1), 0);
    }
    rt_hmap_free(&m);
    rt_hmap_init(&m);
    assert_int_equal(rt_hmap_reserve(&m, 1000), 0);
    size_t cap = m.cap;
    assert_true(cap * 7 / 8 >= 1000);
    rt_alloc_count_on(1);
    unsigned long before = rt_alloc_count();
    for (uint64_t k = 0; k < 1000; k++)
        assert_int_equal(rt_hmap_put(&m, k, k), 0);
    assert_int_equal(rt_alloc_count(), before); /* reserved: no rehash */
    assert_int_equal(m.cap, cap);
    rt_hmap_free(&m);
}

static void hmap_alloc_failure(void **state)
{
    (void)state;
    rt_hmap m;
    rt_hmap_init(&m);
    rt_alloc_fail_after(0);
    assert_int_equal(rt_hmap_put(&m, 1, 1), RT_ENOMEM);
    uint64_t io = 7;
    int ins = -1;
    assert_int_equal(rt_hmap_put_new(&m, 1, &io, &ins), RT_ENOMEM);
    assert_int_equal(ins, 0);
    assert_int_equal(rt_hmap_reserve(&m, 100), RT_ENOMEM);
    rt_alloc_fail_after(-1);
    assert_int_equal(m.n, 0);
    /* Fill to the growth point, then fail the growth. */
    uint64_t k = 0;
    while (m.n == 0 || !(m.n + 1 > m.cap - m.cap / 8)) {
        assert_int_equal(rt_hmap_put(&m, k, k + 100), 0);
        k++;
    }
    size_t n = m.n, cap = m.cap;
    rt_alloc_fail_after(0);
    assert_int_equal(rt_hmap_put(&m, k, 0), RT_ENOMEM);
    assert_int_equal(rt_hmap_put(&m, 0, 555), 0); /* overwrite needs no room */
    rt_alloc_fail_after(-1);
    assert_int_equal(m.n, n);
    assert_int_equal(m.cap, cap);
    for (uint64_t j = 0; j < k; j++) {
        uint64_t v;
        int found;
        rt_hmap_get(&m, j, &v, &found);
        assert_int_equal(found, 1);
        assert_true(v == (j == 0 ? 555 : j + 100));
    }
    int found;
    rt_hmap_get(&m, k, NULL, &found);
    assert_int_equal(found, 0);
    rt_hmap_free(&m);
}

/* ------------------------------------------------------------ rt_smap */

enum { SK = 1500, SMAXLEN = 40 };

typedef struct {
    uint8_t key[SK][SMAXLEN];
    size_t klen[SK];
    uint64_t val[SK];
    int present[SK];
    size_t n;
} smodel;

static smodel sm;

static void smodel_init(void)
{
    memset(&sm, 0, sizeof sm);
    /* Index 0 is the empty key. Keys come in families that stress the
     * comparison: prefixes of each other, and equal but for the last byte. */
    for (size_t i = 1; i < SK; i++) {
        size_t fam = i % 3;
        if (fam == 0 && i >= 3) { /* a prefix of an earlier key */
            size_t src = i - 3;
            memcpy(sm.key[i], sm.key[src], sm.klen[src]);
            sm.klen[i] = sm.klen[src] ? sm.klen[src] - 1 : 1;
            if (sm.klen[src] == 0)
                sm.key[i][0] = 0; /* one NUL byte */
        } else if (fam == 1 && i >= 4) { /* last byte differs */
            size_t src = i - 3;
            memcpy(sm.key[i], sm.key[src], sm.klen[src]);
            sm.klen[i] = sm.klen[src] ? sm.klen[src] : 1;
            sm.key[i][sm.klen[i] - 1] ^= (uint8_t)(1 + rnd() % 255);
        } else {
            sm.klen[i] = (size_t)(rnd() % SMAXLEN);
            for (size_t b = 0; b < sm.klen[i]; b++)
                sm.key[i][b] = (uint8_t)rnd();
        }
    }
    /* Make the domain distinct (regenerate the rare duplicates). */
    for (size_t i = 1; i < SK; i++)
        for (size_t j = 0; j < i; j++)
            if (sm.klen[i] == sm.klen[j] && memcmp(sm.key[i], sm.key[j], sm.klen[i]) == 0) {
                sm.klen[i] = SMAXLEN;
                for (size_t b = 0; b < SMAXLEN; b++)
                    sm.key[i][b] = (uint8_t)rnd();
                j = (size_t)-1; /* recheck against all */
            }
}

static void smap_check_all(const rt_smap *m)
{
    assert_int_equal(m->n, sm.n);
    for (size_t i = 0; i < SK; i++) {
        uint64_t v = 0;
        int found = -1;
        rt_smap_get(m, sm.key[i], sm.klen[i], &v, &found);
        assert_int_equal(found, sm.present[i]);
        if (found)
            assert_true(v == sm.val[i]);
    }
}

static void smap_check_iter(const rt_smap *m)
{
    static int seen[SK];
    memset(seen, 0, sizeof seen);
    size_t it = 0, count = 0, klen;
    const uint8_t *k;
    uint64_t v;
    while (rt_smap_next(m, &it, &k, &klen, &v)) {
        size_t i = 0;
        while (i < SK && !(sm.klen[i] == klen && memcmp(sm.key[i], k, klen) == 0))
            i++;
        assert_true(i < SK);
        assert_true(sm.present[i]);
        assert_false(seen[i]);
        assert_true(v == sm.val[i]);
        seen[i] = 1;
        count++;
    }
    assert_int_equal(count, sm.n);
}

static void smap_random_ops(void **state)
{
    (void)state;
    rng_state = 7;
    smodel_init();
    rt_smap m;
    rt_smap_init(&m);
    long ops = 200000 * scale();
    for (long op = 0; op < ops; op++) {
        size_t i = (size_t)(rnd() % SK);
        uint64_t r = rnd() % 100, v = rnd();
        /* The map must copy keys: hand it a scratch copy we then clobber. */
        uint8_t kbuf[SMAXLEN + 1];
        memcpy(kbuf, sm.key[i], sm.klen[i]);
        if (r < 35) {
            assert_int_equal(rt_smap_put(&m, kbuf, sm.klen[i], v), 0);
            if (!sm.present[i])
                sm.n++;
            sm.present[i] = 1;
            sm.val[i] = v;
        } else if (r < 55) {
            uint64_t io = v;
            int ins = -1;
            assert_int_equal(rt_smap_put_new(&m, kbuf, sm.klen[i], &io, &ins), 0);
            assert_int_equal(ins, !sm.present[i]);
            if (!sm.present[i]) {
                sm.present[i] = 1;
                sm.val[i] = v;
                sm.n++;
            }
            assert_true(io == sm.val[i]);
        } else if (r < 80) {
            int rem = -1;
            rt_smap_del(&m, kbuf, sm.klen[i], &rem);
            assert_int_equal(rem, sm.present[i]);
            if (sm.present[i])
                sm.n--;
            sm.present[i] = 0;
        } else if (r < 99) {
            uint64_t got = 0;
            int found = -1;
            rt_smap_get(&m, kbuf, sm.klen[i], &got, &found);
            assert_int_equal(found, sm.present[i]);
            if (found)
                assert_true(got == sm.val[i]);
        } else if (rnd() % 40 == 0) {
            rt_smap_clear(&m);
            memset(sm.present, 0, sizeof sm.present);
            sm.n = 0;
        } else {
            assert_int_equal(rt_smap_reserve(&m, (size_t)(rnd() % 2000)), 0);
        }
        memset(kbuf, 0xEE, sizeof kbuf);
        assert_int_equal(m.n, sm.n);
        if (op % 20000 == 0) {
            smap_check_all(&m);
            smap_check_iter(&m);
        }
    }
    smap_check_all(&m);
    smap_check_iter(&m);
    rt_smap_free(&m);
}

/* A zero-initialised smap (no rt_smap_init) works too. */
static void smap_zero_init(void **state)
{
    (void)state;
    rt_smap m = {0};
    for (int i = 0; i < 1000; i++) {
        char k[16];
        int n = snprintf(k, sizeof k, "key%d", i);
        assert_int_equal(rt_smap_put(&m, k, (size_t)n, (uint64_t)i), 0);
    }
    rt_arena_stats st;
    rt_arena_get_stats(&m.keys, &st);
    assert_true(st.nblocks < 10); /* not one block per key */
    uint64_t v;
    int found;
    rt_smap_get(&m, "key999", 6, &v, &found);
    assert_int_equal(found, 1);
    assert_true(v == 999);
    rt_smap_free(&m);
}

static void smap_alloc_failure(void **state)
{
    (void)state;
    rt_smap m;
    rt_smap_init(&m);
    rt_alloc_fail_after(0);
    assert_int_equal(rt_smap_put(&m, "a", 1, 1), RT_ENOMEM);
    rt_alloc_fail_after(-1);
    assert_int_equal(m.n, 0);
    /* Slot array present (1 allocation), key block fails. */
    assert_int_equal(rt_smap_reserve(&m, 4), 0);
    rt_alloc_fail_after(0);
    uint64_t io = 9;
    int ins = -1;
    assert_int_equal(rt_smap_put_new(&m, "abc", 3, &io, &ins), RT_ENOMEM);
    assert_int_equal(ins, 0);
    rt_alloc_fail_after(-1);
    assert_int_equal(m.n, 0);
    int found = -1;
    rt_smap_get(&m, "abc", 3, NULL, &found);
    assert_int_equal(found, 0);
    assert_int_equal(rt_smap_put(&m, "abc", 3, 5), 0);
    rt_smap_get(&m, "abc", 3, &io, &found);
    assert_int_equal(found, 1);
    assert_true(io == 5);
    rt_smap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hmap_random_ops),
        cmocka_unit_test(hmap_load_factor_and_reserve),
        cmocka_unit_test(hmap_alloc_failure),
        cmocka_unit_test(smap_random_ops),
        cmocka_unit_test(smap_zero_init),
        cmocka_unit_test(smap_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
