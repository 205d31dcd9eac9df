/* agc_splitter: splitter choice against a naive implementation of the rule
 * (singletons of the whole reference, spaced by segment_size, plus the
 * rightmost candidate of each contig), with and without a thread pool; and
 * the probe set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "agc/agc_splitter.h"
#include "kindred/rt.h"

static uint64_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33; /* the high bits: low LCG bits have short periods */
}

static uint64_t canon_at(const uint8_t *s, uint32_t k)
{
    uint64_t d = 0, r = 0;
    for (uint32_t i = 0; i < k; i++) {
        d = (d << 2) | s[i];
        r = (r << 2) | (uint64_t)(3 - s[k - 1 - i]);
    }
    d <<= 64 - 2 * k;
    r <<= 64 - 2 * k;
    return d < r ? d : r;
}

static int valid_at(const uint8_t *s, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++)
        if (s[i] > 3)
            return 0;
    return 1;
}

/* Count occurrences of x over all windows of all contigs (quadratic). */
static size_t occurrences(const agc_seqref *c, size_t nc, uint32_t k, uint64_t x)
{
    size_t cnt = 0;
    for (size_t j = 0; j < nc; j++)
        for (size_t i = 0; i + k <= c[j].n; i++)
            if (valid_at(c[j].s + i, k) && canon_at(c[j].s + i, k) == x)
                cnt++;
    return cnt;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static size_t naive_splitters(const agc_seqref *c, size_t nc, uint32_t k, uint32_t seg,
                              uint64_t *out)
{
    size_t m = 0;
    for (size_t j = 0; j < nc; j++) {
        uint64_t cur = seg;
        size_t last_reset = 0, run = 0;
        uint64_t rightmost = ~(uint64_t)0;
        for (size_t i = 0; i < c[j].n; i++) {
            if (c[j].s[i] > 3) {
                run = 0;
            } else if (++run >= k) {
                uint64_t x = canon_at(c[j].s + i + 1 - k, k);
                int single = occurrences(c, nc, k, x) == 1;
                if (single)
                    rightmost = x;
                if (cur >= seg && single) {
                    out[m++] = x;
                    cur = 0;
                    run = 0;
                    last_reset = i + 1;
                    rightmost = ~(uint64_t)0;
                }
            }
            cur++;
        }
        (void)last_reset;
        if (rightmost != ~(uint64_t)0)
            out[m++] = rightmost;
    }
    qsort(out, m, sizeof *out, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || out[u - 1] != out[i])
            out[u++] = out[i];
    return u;
}

static void matches_naive(void **state)
{
    (void)state;
    uint64_t seed = 3;
    uint8_t a[900], b[700], c[40];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (uint8_t)(rng(&seed) % 4);
    /* b repeats a stretch of a (so those k-mers are not singletons) */
    for (size_t i = 0; i < sizeof b; i++)
        b[i] = i >= 100 && i < 300 ? a[i + 200] : (uint8_t)(rng(&seed) % 4);
    for (size_t i = 0; i < sizeof c; i++)
        c[i] = (uint8_t)(i == 20 ? 4 : rng(&seed) % 4);
    agc_seqref refs[3] = {{a, sizeof a}, {b, sizeof b}, {c, sizeof c}};
    uint64_t expect[64];
    size_t ne = naive_splitters(refs, 3, 17, 150, expect);
    assert_true(ne > 6);
    rt_pool *pool = NULL;
    assert_int_equal(rt_pool_create(&pool, 2, 0), 0);
    for (int withpool = 0; withpool < 2; withpool++) {
        agc_split_out so;
        assert_int_equal(agc_splitters_find(refs, 3, 17, 150, 0, withpool, withpool ? pool : NULL, &so), 0);
        uint64_t *got = so.spl;
        size_t ng = so.nspl;
        assert_int_equal(ng, ne);
        assert_memory_equal(got, expect, ne * sizeof *got);
        agc_sset set;
        assert_int_equal(agc_sset_build(&set, got, ng), 0);
        for (size_t i = 0; i < ng; i++)
            assert_true(agc_sset_has(&set, got[i]));
        assert_false(agc_sset_has(&set, 12345));
        agc_sset_free(&set);
        if (withpool) {
            /* the kept lists partition the distinct k-mers of the reference */
            assert_true(so.nsingles > 0 && so.ndups > 0);
            for (size_t i = 0; i < so.nsingles; i += 37)
                assert_int_equal(occurrences(refs, 3, 17, so.singles[i]), 1);
            for (size_t i = 0; i < so.ndups; i += 7)
                assert_true(occurrences(refs, 3, 17, so.dups[i]) > 1);
        }
        agc_split_out_free(&so);
    }
    rt_pool_destroy(pool);
}

/* Above a million k-mers the sort is split over the pool: same result. */
static void large_reference_pool_invariant(void **state)
{
    (void)state;
    uint64_t seed = 8;
    size_t n = 1300000;
    uint8_t *a = malloc(n);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        a[i] = (uint8_t)(rng(&seed) % 4);
    memcpy(a + 700000, a + 100000, 50000); /* some repeated k-mers */
    agc_seqref refs[1] = {{a, n}};
    rt_pool *pool = NULL;
    assert_int_equal(rt_pool_create(&pool, 2, 0), 0);
    agc_split_out x, y;
    assert_int_equal(agc_splitters_find(refs, 1, 21, 20000, 1ULL << 60, 1, NULL, &x), 0);
    assert_int_equal(agc_splitters_find(refs, 1, 21, 20000, 1ULL << 60, 1, pool, &y), 0);
    assert_true(x.nspl > 50);
    assert_int_equal(x.nspl, y.nspl);
    assert_memory_equal(x.spl, y.spl, x.nspl * sizeof *x.spl);
    assert_int_equal(x.nsingles, y.nsingles);
    assert_memory_equal(x.singles, y.singles, x.nsingles * sizeof *x.singles);
    assert_int_equal(x.ndups, y.ndups);
    assert_true(x.ndups > 40000);
    assert_memory_equal(x.dups, y.dups, x.ndups * sizeof *x.dups);
    for (size_t i = 1; i < x.nsingles; i++)
        assert_true(x.singles[i - 1] < x.singles[i]);
    assert_int_equal(x.fb.n, y.fb.n);
    assert_true(x.fb.n > 0);
    agc_split_out_free(&x);
    agc_split_out_free(&y);
    rt_pool_destroy(pool);
    free(a);
}

static void empty_reference(void **state)
{
    (void)state;
    agc_split_out so;
    assert_int_equal(agc_splitters_find(NULL, 0, 31, 60000, 0, 0, NULL, &so), 0);
    assert_int_equal(so.nspl, 0);
    agc_split_out_free(&so);
    agc_sset set;
    assert_int_equal(agc_sset_build(&set, NULL, 0), 0);
    assert_false(agc_sset_has(&set, 1));
    agc_sset_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_naive),
        cmocka_unit_test(large_reference_pool_invariant),
        cmocka_unit_test(empty_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
