/* agc_segment: the sequential cut, the chunked hit scan plus build, and the
 * k-symbol overlap, against a naive scan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "agc/agc_segment.h"
#include "kindred/rt.h"

static uint64_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 17;
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

enum { N = 5000, K = 17 };

static void setup_data(uint8_t *s, agc_sset *set, uint64_t seed)
{
    for (size_t i = 0; i < N; i++)
        s[i] = (uint8_t)(rng(&seed) % 50 == 0 ? 4 : rng(&seed) % 4);
    /* splitters: k-mers at some positions, including two overlapping ones */
    uint64_t sp[40];
    size_t m = 0;
    for (size_t p = 40; p + K < N && m < 38; p += 131) {
        int ok = 1;
        for (size_t j = 0; j < K; j++)
            ok &= s[p + j] < 4;
        if (ok)
            sp[m++] = canon_at(s + p, K);
        if (ok && m == 3 && s[p + 5] < 4 && s[p + 5 + K - 1] < 4) {
            int ok2 = 1;
            for (size_t j = 0; j < K; j++)
                ok2 &= s[p + 5 + j] < 4;
            if (ok2)
                sp[m++] = canon_at(s + p + 5, K);
        }
    }
    assert_int_equal(agc_sset_build(set, sp, m), 0);
}

static void chunked_equals_sequential(void **state)
{
    (void)state;
    uint8_t *s = malloc(N);
    assert_non_null(s);
    for (uint64_t seed = 1; seed < 6; seed++) {
        agc_sset set;
        setup_data(s, &set, seed);
        agc_segpos_vec a = {0}, b = {0};
        assert_int_equal(agc_segment_contig(s, N, K, &set, &a), 0);
        assert_true(a.n > 10);
        for (size_t chunk = 7; chunk < N; chunk = chunk * 3 + 1) {
            agc_hit_vec h = {0};
            for (size_t f = 0; f < N; f += chunk)
                assert_int_equal(agc_segment_hits(s, N, f, f + chunk, K, &set, &h), 0);
            assert_int_equal(agc_segment_build(h.v, h.n, N, K, &b), 0);
            assert_int_equal(a.n, b.n);
            for (size_t i = 0; i < a.n; i++) {
                assert_int_equal(a.v[i].start, b.v[i].start);
                assert_int_equal(a.v[i].len, b.v[i].len);
                assert_true(a.v[i].front == b.v[i].front && a.v[i].back == b.v[i].back);
                assert_int_equal(a.v[i].front_dir, b.v[i].front_dir);
                assert_int_equal(a.v[i].back_dir, b.v[i].back_dir);
            }
            rt_vec_free(&h);
        }
        /* segments tile the contig with k-symbol overlaps */
        assert_int_equal(a.v[0].start, 0);
        assert_true(a.v[0].front == AGC_KMER_NONE);
        assert_true(a.v[a.n - 1].back == AGC_KMER_NONE);
        for (size_t i = 1; i < a.n; i++) {
            assert_int_equal(a.v[i].start, a.v[i - 1].start + a.v[i - 1].len - K);
            assert_true(a.v[i].front == a.v[i - 1].back);
            assert_true(agc_sset_has(&set, a.v[i].front));
            assert_true(canon_at(s + a.v[i].start, K) == a.v[i].front);
        }
        assert_int_equal(a.v[a.n - 1].start + a.v[a.n - 1].len, N);
        rt_vec_free(&a);
        rt_vec_free(&b);
        agc_sset_free(&set);
    }
    free(s);
}

static void no_splitter_and_empty(void **state)
{
    (void)state;
    uint8_t s[100];
    memset(s, 2, sizeof s);
    agc_sset set;
    uint64_t x = 1;
    assert_int_equal(agc_sset_build(&set, &x, 1), 0);
    agc_segpos_vec a = {0};
    assert_int_equal(agc_segment_contig(s, 100, K, &set, &a), 0);
    assert_int_equal(a.n, 1);
    assert_int_equal(a.v[0].len, 100);
    assert_true(a.v[0].front == AGC_KMER_NONE && a.v[0].back == AGC_KMER_NONE);
    assert_int_equal(agc_segment_contig(s, 0, K, &set, &a), 0);
    assert_int_equal(a.n, 0);
    rt_vec_free(&a);
    agc_sset_free(&set);
}

static void splitter_at_end(void **state)
{
    (void)state;
    uint64_t seed = 11;
    uint8_t s[200];
    for (size_t i = 0; i < sizeof s; i++)
        s[i] = (uint8_t)(rng(&seed) % 4);
    uint64_t x = canon_at(s + 200 - K, K);
    agc_sset set;
    assert_int_equal(agc_sset_build(&set, &x, 1), 0);
    agc_segpos_vec a = {0};
    assert_int_equal(agc_segment_contig(s, 200, K, &set, &a), 0);
    /* the contig ends with the splitter: a last segment of exactly k */
    assert_int_equal(a.n, 2);
    assert_int_equal(a.v[0].len, 200);
    assert_int_equal(a.v[1].start, 200 - K);
    assert_int_equal(a.v[1].len, K);
    rt_vec_free(&a);
    agc_sset_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chunked_equals_sequential),
        cmocka_unit_test(no_splitter_and_empty),
        cmocka_unit_test(splitter_at_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
