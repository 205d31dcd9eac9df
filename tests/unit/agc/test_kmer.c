/* agc_kmer: rolling canonical k-mers against a naive recomputation, the
 * radix sort against qsort, singleton filtering and binary search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "agc/agc_kmer.h"
#include "kindred/rt.h"

static uint64_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 17;
}

/* Left-aligned value of s[0..k) read forward, and of its reverse complement. */
static void naive(const uint8_t *s, uint32_t k, uint64_t *dir, uint64_t *rc)
{
    uint64_t d = 0, r = 0;
    for (uint32_t i = 0; i < k; i++) {
        d = (d << 2) | s[i];
        r = (r << 2) | (uint64_t)(3 - s[k - 1 - i]);
    }
    *dir = d << (64 - 2 * k);
    *rc = r << (64 - 2 * k);
}

static void rolling_matches_naive(void **state)
{
    (void)state;
    uint64_t seed = 7;
    uint8_t s[2000];
    for (size_t i = 0; i < sizeof s; i++)
        s[i] = (uint8_t)(rng(&seed) % 23 == 0 ? 4 : rng(&seed) % 4);
    for (uint32_t k = 17; k <= 32; k += 5) {
        agc_kmer km;
        agc_kmer_init(&km, k);
        size_t run = 0, checked = 0;
        for (size_t i = 0; i < sizeof s; i++) {
            if (s[i] > 3) {
                agc_kmer_reset(&km);
                run = 0;
                continue;
            }
            run++;
            int full = agc_kmer_push(&km, s[i]);
            assert_int_equal(full, run >= k);
            if (!full)
                continue;
            uint64_t d, r;
            naive(s + i + 1 - k, k, &d, &r);
            assert_true(agc_kmer_canon(&km) == (d < r ? d : r));
            assert_int_equal(agc_kmer_is_dir(&km), d <= r);
            unsigned o = agc_kmer_orient(&km);
            assert_int_equal(o & 1, d <= r);
            assert_int_equal((o >> 1) & 1, r <= d);
            checked++;
        }
        assert_true(checked > 500);
    }
}

static void palindrome_orientation(void **state)
{
    (void)state;
    /* ACGT...: even-k palindromes read the same on both strands */
    const uint8_t p[18] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3};
    uint8_t s[18];
    for (int i = 0; i < 9; i++) {
        s[i] = p[i];
        s[17 - i] = (uint8_t)(3 - p[i]);
    }
    agc_kmer km;
    agc_kmer_init(&km, 18);
    for (int i = 0; i < 18; i++)
        agc_kmer_push(&km, s[i]);
    assert_int_equal(agc_kmer_orient(&km), 3);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void sort_and_singletons(void **state)
{
    (void)state;
    uint64_t seed = 99;
    size_t n = 50000;
    uint64_t *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w), *t = malloc(n * sizeof *t);
    assert_non_null(v);
    assert_non_null(w);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++) {
        uint64_t x = rng(&seed);
        v[i] = i % 3 == 0 ? (x % 1000) << 40 : x * 0x9E3779B97F4A7C15ULL;
    }
    memcpy(w, v, n * sizeof *v);
    agc_kmer_sort(v, t, n);
    qsort(w, n, sizeof *w, cmp_u64);
    assert_memory_equal(v, w, n * sizeof *v);
    size_t m = agc_kmer_singletons(v, n);
    size_t expect = 0;
    for (size_t i = 0; i < n; i++) {
        int dup = (i > 0 && w[i - 1] == w[i]) || (i + 1 < n && w[i + 1] == w[i]);
        if (!dup) {
            assert_true(v[expect] == w[i]);
            expect++;
        }
    }
    assert_int_equal(m, expect);
    assert_true(m < n);
    for (size_t i = 0; i < m; i += 97)
        assert_true(agc_kmer_bsearch(v, m, v[i]));
    assert_false(agc_kmer_bsearch(v, m, 1));
    assert_false(agc_kmer_bsearch(v, 0, 5));
    free(v);
    free(w);
    free(t);
}

static void enumerate_resets_on_n(void **state)
{
    (void)state;
    uint8_t s[60];
    for (int i = 0; i < 60; i++)
        s[i] = (uint8_t)(i % 4);
    s[30] = 4;
    uint64_t out[60];
    /* windows of 17 before the N: 30-17+1 = 14; after: 29-17+1 = 13 */
    assert_int_equal(agc_kmer_enumerate(s, 60, 17, out), 27);
    assert_int_equal(agc_kmer_enumerate(s, 10, 17, out), 0);
}

static void ranges_concatenate(void **state)
{
    (void)state;
    uint64_t seed = 5;
    uint8_t s[3000];
    for (size_t i = 0; i < sizeof s; i++)
        s[i] = (uint8_t)(rng(&seed) % 37 == 0 ? 4 : rng(&seed) % 4);
    uint64_t whole[3000], parts[3000];
    size_t n = agc_kmer_enumerate(s, sizeof s, 21, whole);
    for (size_t step = 1; step < 1200; step = step * 2 + 7) {
        size_t m = 0;
        for (size_t f = 0; f < sizeof s; f += step)
            m += agc_kmer_enumerate_range(s, sizeof s, f, f + step, 21, parts + m);
        assert_int_equal(m, n);
        assert_memory_equal(parts, whole, n * sizeof *whole);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rolling_matches_naive),
        cmocka_unit_test(palindrome_orientation),
        cmocka_unit_test(sort_and_singletons),
        cmocka_unit_test(enumerate_resets_on_n),
        cmocka_unit_test(ranges_concatenate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
