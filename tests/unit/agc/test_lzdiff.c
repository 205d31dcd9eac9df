/* agc_lzdiff: each token of the grammar against hand-computed output, the
 * format description's example shapes, and rejection of malformed deltas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "agc/agc_lzdiff.h"
#include "kindred/rt.h"

/* ref: 100 symbols, r[i] = i % 4 */
static uint8_t ref[100];

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < 100; i++)
        ref[i] = (uint8_t)(i % 4);
    return 0;
}

static int dec(const char *d, int version, uint8_t *out, size_t cap, size_t *n)
{
    return agc_lzd_decode(ref, sizeof ref, (const uint8_t *)d, strlen(d), 20, version, out, cap, n);
}

static void match_with_length(void **state)
{
    (void)state;
    uint8_t out[200];
    size_t n;
    /* copy 20+5 from ref[0], then skip 3 and copy 20 */
    assert_int_equal(dec("0,5.3,0.", 2, out, sizeof out, &n), 0);
    assert_int_equal(n, 45);
    assert_memory_equal(out, ref, 25);
    assert_memory_equal(out + 25, ref + 28, 20);
}

static void match_to_end_and_negative(void **state)
{
    (void)state;
    uint8_t out[300];
    size_t n;
    /* copy 30 from 0 (pred 30), then -10 to the end: ref[20..100) */
    assert_int_equal(dec("0,10.-10.", 2, out, sizeof out, &n), 0);
    assert_int_equal(n, 30 + 80);
    assert_memory_equal(out + 30, ref + 20, 80);
    /* the length-free form does not exist in version 1 */
    assert_int_equal(dec("0,10.-10.", 1, out, sizeof out, &n), RT_EFORMAT);
}

static void literals_bang_and_nrun(void **state)
{
    (void)state;
    uint8_t out[64];
    size_t n;
    /* literals are 'A' + code: A (0) B (1), ! (ref[2] = 2), 7 N (0x1E "3"
     * 0x04), literal D (3), then ! at pred 4 */
    assert_int_equal(dec("AB!\x1e" "3\x04" "D!", 2, out, sizeof out, &n), 0);
    static const uint8_t want[] = {0, 1, 2, 4, 4, 4, 4, 4, 4, 4, 3, 0};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(out, want, sizeof want);
    /* '!' is not a literal in version 1: it parses as a (bad) match */
    assert_int_equal(dec("!", 1, out, sizeof out, &n), RT_EFORMAT);
    /* tolerated codes 30 ('_') and 32 ('a') */
    assert_int_equal(dec("_a", 2, out, sizeof out, &n), 0);
    assert_int_equal(out[0], 30);
    assert_int_equal(out[1], 32);
}

static void pred_follows_literals_not_nruns(void **state)
{
    (void)state;
    uint8_t out[128];
    size_t n;
    /* two literals advance pred to 2; the N-run does not; match d=0 from 2 */
    assert_int_equal(dec("GG\x1e" "0\x04" "0,0.", 2, out, sizeof out, &n), 0);
    assert_int_equal(n, 2 + 4 + 20);
    assert_memory_equal(out + 6, ref + 2, 20);
}

static void empty_delta_is_reference(void **state)
{
    (void)state;
    uint8_t out[100];
    size_t n;
    assert_int_equal(dec("", 2, out, sizeof out, &n), 0);
    assert_int_equal(n, 100);
    assert_memory_equal(out, ref, 100);
    assert_int_equal(dec("", 2, out, 50, &n), RT_EFORMAT);
}

static void rejects_malformed(void **state)
{
    (void)state;
    uint8_t out[256];
    size_t n;
    static const char *bad[] = {
        "0,100.",          /* runs past the reference */
        "200.",            /* starts past the reference */
        "-1.",             /* before the reference start */
        "0,5",             /* unterminated */
        "0",               /* no terminator */
        ",5.",             /* no distance */
        "\0365",           /* N-run without 0x04 (0x1E then 5) */
        "\x1e\x04",        /* N-run without a count */
        "0;5.",            /* bad separator */
        "99999999999999999999999.", /* overflow */
        "Z",               /* not a literal, not a number */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(dec(bad[i], 2, out, sizeof out, &n), RT_EFORMAT);
    /* output bound */
    assert_int_equal(dec("0,5.", 2, out, 24, &n), RT_EFORMAT);
    assert_int_equal(dec("\x1e" "1000\x04", 2, out, sizeof out, &n), RT_EFORMAT);
    assert_int_equal(dec("AAAA", 2, out, 3, &n), RT_EFORMAT);
}

static void measure_mode(void **state)
{
    (void)state;
    size_t n = 0;
    assert_int_equal(agc_lzd_decode(ref, sizeof ref, (const uint8_t *)"0,5.AB\x1e" "996\x04", 11,
                                    20, 2, NULL, 0, &n), 0);
    assert_int_equal(n, 25 + 2 + 1000);
    assert_int_equal(agc_lzd_decode(ref, sizeof ref, (const uint8_t *)"", 0, 20, 2, NULL, 0, &n), 0);
    assert_int_equal(n, 100);
    assert_int_equal(agc_lzd_decode(ref, sizeof ref, (const uint8_t *)"0,100.", 6, 20, 2, NULL, 0, &n),
                     RT_EFORMAT);
}

/* Long literal runs (the unchecked fast path) against a naive oracle of
 * the grammar, at every output capacity around the exact size: a run that
 * would overflow the output or read '!' past the reference end must fail
 * exactly like a short one. */
static void literal_runs_and_bounds(void **state)
{
    (void)state;
    char d[400];
    uint8_t want[400], out[400];
    size_t w = 0, n;
    int p = 0, pred = 0;
    /* 150 literals mixing codes, '!' and the tolerated 30/32 letters, a
     * match, 90 more literals */
    for (int i = 0; i < 150; i++, pred++) {
        if (i % 7 == 3 && pred < 100) {
            d[p++] = '!';
            want[w++] = ref[pred];
        } else {
            uint8_t c = (uint8_t)(i % 11 == 5 ? 30 : i % 13 == 6 ? 32 : i % 21);
            d[p++] = (char)('A' + c);
            want[w++] = c;
        }
    }
    /* pred = 150 > 100: a '!' here would read past the reference */
    p += snprintf(d + p, sizeof d - (size_t)p, "-140,0.");
    memcpy(want + w, ref + 10, 20);
    w += 20;
    pred = 30;
    for (int i = 0; i < 90; i++, pred++) {
        if (i % 5 == 0 && pred < 100) {
            d[p++] = '!';
            want[w++] = ref[pred];
        } else {
            d[p++] = (char)('A' + i % 4);
            want[w++] = (uint8_t)(i % 4);
        }
    }
    d[p] = '\0';
    assert_int_equal(dec(d, 2, out, sizeof out, &n), 0);
    assert_int_equal(n, w);
    assert_memory_equal(out, want, w);
    for (size_t cap = w - 30; cap < w; cap++)
        assert_int_equal(dec(d, 2, out, cap, &n), RT_EFORMAT);
    assert_int_equal(dec(d, 2, out, w, &n), 0);
    /* '!' is not a version 1 token, also inside a run */
    assert_int_equal(dec("ACGT!ACGT", 1, out, sizeof out, &n), RT_EFORMAT);
    /* a '!' run running past the reference end */
    char bang[120];
    memset(bang, '!', 101);
    bang[101] = '\0';
    assert_int_equal(dec(bang, 2, out, sizeof out, &n), RT_EFORMAT);
    bang[100] = '\0';
    assert_int_equal(dec(bang, 2, out, sizeof out, &n), 0);
    assert_memory_equal(out, ref, 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(match_with_length),
        cmocka_unit_test(match_to_end_and_negative),
        cmocka_unit_test(literals_bang_and_nrun),
        cmocka_unit_test(pred_follows_literals_not_nruns),
        cmocka_unit_test(empty_delta_is_reference),
        cmocka_unit_test(rejects_malformed),
        cmocka_unit_test(measure_mode),
        cmocka_unit_test(literal_runs_and_bounds),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
