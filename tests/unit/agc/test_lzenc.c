/* agc_lzenc: deltas decode back (with the reader's independent decoder),
 * a hand-worked delta, the identity case, and the relations between the
 * encoder, the estimate and the cost vector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agc/agc_lzdiff.h"
#include "agc/agc_lzenc.h"
#include "kindred/rt.h"

static uint64_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 17;
}

static void hand_worked_snp(void **state)
{
    (void)state;
    uint64_t seed = 5;
    uint8_t r[200], t[200];
    for (int i = 0; i < 200; i++)
        r[i] = (uint8_t)(rng(&seed) % 4);
    memcpy(t, r, 200);
    t[100] = (uint8_t)((r[100] + 1) % 4);
    agc_lzref z;
    assert_int_equal(agc_lzref_init(&z, r, 200, 20), 0);
    rt_buf out = {0};
    assert_int_equal(agc_lz_encode(&z, t, 200, &out), 0);
    /* copy 100 from 0 (len 100-20 = 80), the SNP literal, then a match that
     * runs to the end of both (length omitted) */
    char expect[16];
    snprintf(expect, sizeof expect, "0,80.%c0.", 'A' + t[100]);
    assert_int_equal(out.n, strlen(expect));
    assert_memory_equal(out.v, expect, out.n);
    /* identical text: empty delta, zero estimate */
    assert_int_equal(agc_lz_encode(&z, r, 200, &out), 0);
    assert_int_equal(out.n, 0);
    assert_int_equal(agc_lz_estimate(&z, r, 200, 1000), 0);
    rt_vec_free(&out);
    agc_lzref_free(&z);
}

static void mutate(const uint8_t *r, uint32_t n, uint8_t *t, uint32_t *tn, uint64_t *seed)
{
    uint32_t j = 0;
    for (uint32_t i = 0; i < n;) {
        uint64_t x = rng(seed) % 1000;
        if (x < 6) {
            t[j++] = (uint8_t)(rng(seed) % 4);   /* SNP */
            i++;
        } else if (x < 8) {
            i += (uint32_t)(rng(seed) % 30);     /* deletion */
        } else if (x < 10) {
            for (int q = (int)(rng(seed) % 30); q > 0; q--)
                t[j++] = (uint8_t)(rng(seed) % 4);  /* insertion */
        } else if (x < 11) {
            for (int q = 2 + (int)(rng(seed) % 40); q > 0; q--)
                t[j++] = 4;                      /* N run */
        } else if (x < 12) {
            t[j++] = (uint8_t)(5 + rng(seed) % 11);  /* IUPAC */
            i++;
        } else {
            t[j++] = r[i++];
        }
    }
    *tn = j;
}

static void roundtrip_random(void **state)
{
    (void)state;
    uint64_t seed = 42;
    uint32_t sizes[] = {50, 1000, 20000, 300000};
    for (int si = 0; si < 4; si++) {
        uint32_t n = sizes[si];
        uint8_t *r = malloc(n), *t = malloc(3 * n + 100), *d = malloc(3 * n + 100);
        uint32_t *c = malloc((3 * n + 100) * sizeof *c);
        assert_non_null(r);
        assert_non_null(t);
        assert_non_null(d);
        assert_non_null(c);
        for (uint32_t i = 0; i < n; i++)
            r[i] = (uint8_t)(rng(&seed) % 97 == 0 ? 4 : rng(&seed) % 4);
        for (uint32_t mml = 15; mml <= 32; mml += 17) {
            agc_lzref z;
            assert_int_equal(agc_lzref_init(&z, r, n, mml), 0);
            rt_buf out = {0};
            for (int rep = 0; rep < 4; rep++) {
                uint32_t tn;
                mutate(r, n, t, &tn, &seed);
                assert_int_equal(agc_lz_encode(&z, t, tn, &out), 0);
                size_t got = 0;
                assert_int_equal(agc_lzd_decode(r, n, out.v, out.n, mml, 2, d, 3 * n + 100, &got), 0);
                assert_int_equal(got, tn);
                assert_memory_equal(d, t, tn);
                for (size_t q = 0; q < out.n; q++)
                    assert_true(out.v[q] != 0xFF);
                /* cost vector: same tokens with explicit lengths */
                agc_lz_costs(&z, t, tn, rep & 1, c);
                uint64_t sum = 0;
                for (uint32_t q = 0; q < tn; q++)
                    sum += c[q];
                assert_true(sum >= out.n);
                assert_true(sum <= out.n + 12);
                /* an unbounded estimate ends near the delta size; a bound
                 * makes it stop above the bound */
                uint32_t e = agc_lz_estimate(&z, t, tn, UINT32_MAX);
                assert_true(out.n == 0 ? e == 0 : e > 0);
                if (out.n > 40) {
                    uint32_t b = (uint32_t)out.n / 4;
                    assert_true(agc_lz_estimate(&z, t, tn, b) > b);
                }
            }
            rt_vec_free(&out);
            agc_lzref_free(&z);
        }
        free(r);
        free(t);
        free(d);
        free(c);
    }
}

static void unrelated_text_is_literals(void **state)
{
    (void)state;
    uint64_t seed = 77;
    uint8_t r[500], t[300];
    for (int i = 0; i < 500; i++)
        r[i] = (uint8_t)(rng(&seed) % 4);
    for (int i = 0; i < 300; i++)
        t[i] = (uint8_t)(rng(&seed) % 4);
    agc_lzref z;
    assert_int_equal(agc_lzref_init(&z, r, 500, 20), 0);
    rt_buf out = {0};
    assert_int_equal(agc_lz_encode(&z, t, 300, &out), 0);
    assert_int_equal(out.n, 300);
    for (int i = 0; i < 300; i++)
        assert_int_equal(out.v[i], 'A' + t[i]);
    assert_int_equal(agc_lz_estimate(&z, t, 300, 1000), 300);
    rt_vec_free(&out);
    agc_lzref_free(&z);
}

/* A stretch copied from the reference is one match, wherever it starts:
 * every indexed key must get through the index's filter and tag checks.
 * Stretches of 21-28 symbols hold only one or two indexed keys, so losing
 * a key shows as literals (in longer ones the backward extension of a
 * later key would hide it). Two reference lengths cover both cell widths
 * (u32 below 4 * 65535 symbols, u64 above). */
static void copied_stretch_is_one_match(void **state)
{
    (void)state;
    static const uint32_t lens[] = {60000, 300000};
    uint64_t seed = 5;
    for (int li = 0; li < 2; li++) {
        uint32_t n = lens[li];
        uint8_t *r = malloc(n);
        assert_non_null(r);
        for (uint32_t i = 0; i < n; i++)
            r[i] = (uint8_t)(rng(&seed) % 4);
        agc_lzref z;
        assert_int_equal(agc_lzref_init(&z, r, n, 20), 0);
        rt_buf out = {0};
        for (int k = 0; k < 2000; k++) {
            uint32_t len = k % 2 ? 21 + (uint32_t)(rng(&seed) % 8)
                                 : 100 + (uint32_t)(rng(&seed) % 3000);
            uint32_t off = (uint32_t)(rng(&seed) % (n - len));
            assert_int_equal(agc_lz_encode(&z, r + off, len, &out), 0);
            /* "off,len-20." at most: no literal anywhere. */
            char want[32];
            int w = snprintf(want, sizeof want, "%u,%u.", off, len - 20);
            assert_int_equal(out.n, (size_t)w);
            assert_memory_equal(out.v, want, (size_t)w);
            assert_int_equal(agc_lz_estimate(&z, r + off, len, 1u << 30),
                             (uint32_t)w);
        }
        rt_vec_free(&out);
        agc_lzref_free(&z);
        free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_worked_snp),
        cmocka_unit_test(roundtrip_random),
        cmocka_unit_test(unrelated_text_is_literals),
        cmocka_unit_test(copied_stretch_is_one_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
