/* rt_hash64 and rt_mix64: known values, seeds, distribution, bijectivity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kindred/rt.h"

/* XXH3-64 of the empty input with seed 0, as published with the algorithm. */
static void known_value(void **state)
{
    (void)state;
    assert_true(rt_hash64("", 0, 0) == 0x2D06800538D394C2ULL);
}

static void deterministic_and_seeded(void **state)
{
    (void)state;
    const char *s = "ACGTACGTTTGACCA";
    uint64_t h = rt_hash64(s, strlen(s), 0);
    char copy[32];
    strcpy(copy, s);
    assert_true(rt_hash64(copy, strlen(copy), 0) == h); /* depends on bytes only */
    assert_true(rt_hash64(s, strlen(s), 1) != h);
    assert_true(rt_hash64(s, strlen(s) - 1, 0) != h);
    copy[3] ^= 1;
    assert_true(rt_hash64(copy, strlen(copy), 0) != h);
}

/* Flipping one input bit flips about half of the output bits. */
static void avalanche(void **state)
{
    (void)state;
    uint8_t buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = (uint8_t)(i * 37 + 11);
    uint64_t base = rt_hash64(buf, sizeof buf, 0), total = 0;
    for (int bit = 0; bit < 512; bit++) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        total += (uint64_t)__builtin_popcountll(base ^ rt_hash64(buf, sizeof buf, 0));
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    double mean = (double)total / 512.0;
    assert_true(mean > 30.0 && mean < 34.0);
}

/* Inverse of an odd multiplier modulo 2^64 (Newton's iteration). */
static uint64_t inv_odd(uint64_t a)
{
    uint64_t x = a; /* correct to 3 bits */
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

/* x ^= x >> 33 is its own inverse because 33 >= 64 / 2. */
static uint64_t unmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= inv_odd(0xc4ceb9fe1a85ec53ULL);
    x ^= x >> 33;
    x *= inv_odd(0xff51afd7ed558ccdULL);
    x ^= x >> 33;
    return x;
}

static void mix64_is_bijective(void **state)
{
    (void)state;
    uint64_t x = 1;
    for (int i = 0; i < 100000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        assert_true(unmix64(rt_mix64(x)) == x);
        assert_true(unmix64(rt_mix64((uint64_t)i)) == (uint64_t)i);
    }
}

/* Sequential keys, the common case for ids, spread evenly over buckets. */
static void mix64_spreads_sequential_keys(void **state)
{
    (void)state;
    enum { BUCKETS = 1024, KEYS = 1024 * 64 };
    static unsigned count[BUCKETS];
    memset(count, 0, sizeof count);
    for (uint64_t k = 0; k < KEYS; k++)
        count[rt_mix64(k) & (BUCKETS - 1)]++;
    double chi = 0, expect = (double)KEYS / BUCKETS;
    for (int b = 0; b < BUCKETS; b++)
        chi += ((double)count[b] - expect) * ((double)count[b] - expect) / expect;
    /* 1023 degrees of freedom: mean 1023, sd ~45; 1300 is beyond 6 sd. */
    assert_true(chi < 1300.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_value),
        cmocka_unit_test(deterministic_and_seeded),
        cmocka_unit_test(avalanche),
        cmocka_unit_test(mix64_is_bijective),
        cmocka_unit_test(mix64_spreads_sequential_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
