/* agc_codec: worked examples from the format description, round trips and
 * rejection of malformed bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "agc/agc_codec.h"
#include "kindred/rt.h"

static void avar_examples(void **state)
{
    (void)state;
    uint8_t b[AGC_AVAR_MAX];
    assert_int_equal(agc_avar_put(b, 0), 1);
    assert_int_equal(b[0], 0);
    assert_int_equal(agc_avar_put(b, 31), 2);
    assert_memory_equal(b, "\x01\x1f", 2);
    assert_int_equal(agc_avar_put(b, 476822), 4);
    assert_memory_equal(b, "\x03\x07\x46\x96", 4);
    assert_int_equal(agc_avar_put(b, 60031), 3);
    assert_memory_equal(b, "\x02\xea\x7f", 3);
    assert_int_equal(agc_avar_put(b, UINT64_MAX), 9);
    size_t pos = 0;
    uint64_t v = 0;
    assert_int_equal(agc_avar_get(b, 9, &pos, &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(pos, 9);
}

static void avar_roundtrip_and_errors(void **state)
{
    (void)state;
    uint8_t b[AGC_AVAR_MAX];
    uint64_t x = 1;
    for (int i = 0; i < 200; i++) {
        size_t n = agc_avar_put(b, x), pos = 0;
        uint64_t v;
        assert_int_equal(agc_avar_get(b, n, &pos, &v), 0);
        assert_true(v == x);
        assert_int_equal(pos, n);
        pos = 0;
        assert_int_equal(agc_avar_get(b, n - 1, &pos, &v), RT_EFORMAT); /* truncated */
        assert_int_equal(pos, 0);
        x = x * 3 + (uint64_t)i;
    }
    uint8_t bad[10] = {9, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    size_t pos = 0;
    uint64_t v;
    assert_int_equal(agc_avar_get(bad, 10, &pos, &v), RT_EFORMAT);
    assert_int_equal(agc_avar_get(bad, 0, &pos, &v), RT_EFORMAT);
}

static void cvar_examples(void **state)
{
    (void)state;
    uint8_t b[AGC_CVAR_MAX];
    assert_int_equal(agc_cvar_put(b, 119999), 3);
    assert_memory_equal(b, "\xc1\x94\x3f", 3);
    static const uint32_t edges[] = {0, 127, 128, 16511, 16512, 2113663, 2113664,
                                     270549119, 270549120, UINT32_MAX};
    static const size_t lens[] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        size_t n = agc_cvar_put(b, edges[i]), pos = 0;
        assert_int_equal(n, lens[i]);
        uint32_t v;
        assert_int_equal(agc_cvar_get(b, n, &pos, &v), 0);
        assert_int_equal(v, edges[i]);
        pos = 0;
        assert_int_equal(agc_cvar_get(b, n - 1, &pos, &v), RT_EFORMAT);
    }
    uint8_t bad1[5] = {0xF1, 0, 0, 0, 0};
    uint8_t bad2[5] = {0xF0, 0xFF, 0xFF, 0xFF, 0xFF}; /* exceeds u32 after the offset */
    size_t pos = 0;
    uint32_t v;
    assert_int_equal(agc_cvar_get(bad1, 5, &pos, &v), RT_EFORMAT);
    assert_int_equal(agc_cvar_get(bad2, 5, &pos, &v), RT_EFORMAT);
}

static void zz2_cases(void **state)
{
    (void)state;
    const uint64_t p = 60031;
    assert_true(agc_zz2_enc(60031, p) == 0);
    assert_true(agc_zz2_enc(60030, p) == 1);
    assert_true(agc_zz2_enc(60032, p) == 2);
    assert_true(agc_zz2_enc(0, p) == 2 * p - 1);
    assert_true(agc_zz2_enc(3 * p, p) == 3 * p);
    for (uint64_t pp = 0; pp < 40; pp++)
        for (uint64_t x = 0; x < 130; x++)
            assert_true(agc_zz2_dec(agc_zz2_enc(x, pp), pp) == x);
    for (uint64_t x = 0; x < 200000; x += 7)
        assert_true(agc_zz2_dec(agc_zz2_enc(x, p), p) == x);
}

static void b64_names(void **state)
{
    (void)state;
    char s[AGC_SNAME_MAX];
    static const struct { uint32_t g; const char *r; } ex[] = {
        {0, "x0r"}, {15, "xFr"}, {16, "xGr"}, {63, "x#r"}, {64, "x01r"}, {65, "x11r"}, {100, "xa1r"}};
    for (size_t i = 0; i < sizeof ex / sizeof *ex; i++) {
        agc_group_sname(s, ex[i].g, 'r');
        assert_string_equal(s, ex[i].r);
        uint64_t v;
        assert_int_equal(agc_b64_get(s + 1, strlen(s) - 2, &v), 0);
        assert_true(v == ex[i].g);
    }
    agc_group_sname(s, UINT32_MAX, 'd');
    assert_true(strlen(s) < AGC_SNAME_MAX);
    uint64_t v;
    assert_int_equal(agc_b64_get("0!", 2, &v), RT_EFORMAT);
    assert_int_equal(agc_b64_get("", 0, &v), RT_EFORMAT);
    assert_int_equal(agc_b64_get("############", 12, &v), RT_EFORMAT);
}

static void tuples_roundtrip(void **state)
{
    (void)state;
    uint8_t src[64], pk[70], out[70];
    static const uint8_t maxes[] = {3, 5, 15, 32};
    static const uint8_t nbs[] = {4, 3, 2, 1};
    for (size_t m = 0; m < 4; m++)
        for (size_t n = 0; n < 64; n++) {
            for (size_t i = 0; i < n; i++)
                src[i] = (uint8_t)((i * 7 + n) % (maxes[m] + 1u));
            if (n)
                src[n - 1] = maxes[m];
            size_t pl = 0, ol = 0, cnt = 0;
            assert_int_equal(agc_tuples_pack(src, n, pk, sizeof pk, &pl), 0);
            assert_true(pl <= agc_tuples_bound(n));
            if (n)
                assert_int_equal(pk[pl - 1] >> 4, nbs[m]);
            assert_int_equal(agc_tuples_count(pk, pl, &cnt), 0);
            assert_int_equal(cnt, n);
            assert_int_equal(agc_tuples_unpack(pk, pl, out, sizeof out, &ol), 0);
            assert_int_equal(ol, n);
            assert_memory_equal(out, src, n);
        }
}

static void tuples_spec_example(void **state)
{
    (void)state;
    /* 60031 ACGT symbols: 15007 full tuples, 1 remainder byte, marker 0x43. */
    static uint8_t src[60031], pk[60040], out[60031];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i % 4);
    size_t pl = 0, ol = 0;
    assert_int_equal(agc_tuples_pack(src, sizeof src, pk, sizeof pk, &pl), 0);
    assert_int_equal(pl, 15007 + 2);
    assert_int_equal(pk[pl - 1], 0x43);
    assert_int_equal(pk[0], 0 * 64 + 1 * 16 + 2 * 4 + 3); /* first symbol most significant */
    assert_int_equal(agc_tuples_unpack(pk, pl, out, sizeof out, &ol), 0);
    assert_memory_equal(out, src, sizeof src);
    assert_int_equal(agc_tuples_unpack(pk, pl, out, 100, &ol), RT_ERANGE);
}

static void tuples_reject(void **state)
{
    (void)state;
    uint8_t out[16];
    size_t ol;
    static const uint8_t base6_overflow[] = {216, 0, 0x30};
    static const uint8_t bad_marker[] = {1, 0, 0x50};
    static const uint8_t rem_too_big[] = {1, 0, 0x24};
    static const uint8_t rem_digit[] = {0, 7, 0x31}; /* one base-6 digit cannot be 7 */
    assert_int_equal(agc_tuples_unpack(base6_overflow, 3, out, 16, &ol), RT_EFORMAT);
    assert_int_equal(agc_tuples_unpack(bad_marker, 3, out, 16, &ol), RT_EFORMAT);
    assert_int_equal(agc_tuples_unpack(rem_too_big, 3, out, 16, &ol), RT_EFORMAT);
    assert_int_equal(agc_tuples_unpack(rem_digit, 3, out, 16, &ol), RT_EFORMAT);
    assert_int_equal(agc_tuples_unpack(out, 0, out, 16, &ol), RT_EFORMAT);
    static const uint8_t raw[] = {40, 41, 0x10};
    assert_int_equal(agc_tuples_unpack(raw, 3, out, 16, &ol), 0);
    assert_int_equal(ol, 2);
    assert_int_equal(out[1], 41);
}

static void nucleotide_tables(void **state)
{
    (void)state;
    const char *iupac = "ACGTNRYSWKMBDHVU";
    for (int i = 0; i < 16; i++) {
        assert_int_equal(agc_code2char[i], iupac[i]);
        assert_int_equal(agc_char2code[(uint8_t)iupac[i]], i);
        assert_int_equal(agc_char2code[(uint8_t)iupac[i] | 0x20], i);
    }
    assert_int_equal(agc_char2code['\n'], AGC_CODE_SKIP);
    assert_int_equal(agc_char2code['-'], AGC_CODE_SKIP);
    assert_int_equal(agc_char2code['@'], AGC_CODE_AT);
    assert_int_equal(agc_char2code['`'], AGC_CODE_AT);
    assert_int_equal(agc_char2code['X'], AGC_CODE_BAD);
    assert_int_equal(agc_char2code['_'], AGC_CODE_BAD);
    assert_int_equal(agc_char2code[200], AGC_CODE_BAD);
    assert_int_equal(agc_code2char[30], ' ');
    assert_int_equal(agc_code2char[32], ' ');
}

static void revcomp_cases(void **state)
{
    (void)state;
    /* A C G T N R  ->  reversed, only ACGT complemented: R N A C G T */
    uint8_t s[6] = {0, 1, 2, 3, 4, 5};
    static const uint8_t want[6] = {5, 4, 0, 1, 2, 3};
    uint8_t c[6];
    agc_revcomp_copy(c, s, 6);
    assert_memory_equal(c, want, 6);
    agc_revcomp(s, 6);
    assert_memory_equal(s, want, 6);
    uint8_t odd[5] = {0, 0, 1, 9, 3}, oc[5];
    agc_revcomp_copy(oc, odd, 5);
    agc_revcomp(odd, 5);
    assert_memory_equal(odd, oc, 5);
    static const uint8_t wodd[5] = {0, 9, 2, 3, 3};
    assert_memory_equal(odd, wodd, 5);
    agc_revcomp(odd, 5);
    agc_revcomp(odd, 0);
    uint8_t one = 2;
    agc_revcomp(&one, 1);
    assert_int_equal(one, 1);
}

static void revcomp_long_matches_naive(void **state)
{
    (void)state;
    uint8_t src[203] = {0}, dst[203];
    for (size_t n = 0; n <= sizeof src; n++) {
        for (size_t i = 0; i < n; i++)
            src[i] = (uint8_t)((i * 37 + n) % 19 == 0 ? 200 + i % 50 : (i * 7 + n) % 17);
        agc_revcomp_copy(dst, src, n);
        for (size_t i = 0; i < n; i++) {
            uint8_t c = src[n - 1 - i];
            assert_int_equal(dst[i], c < 4 ? 3 - c : c);
        }
    }
}

static void letters_match_table(void **state)
{
    (void)state;
    uint8_t b[300], want[300];
    for (size_t n = 0; n < sizeof b; n += 7) {
        for (size_t i = 0; i < n; i++) {
            /* mostly ACGT words, some words with other codes */
            b[i] = (uint8_t)(((i / 8) % 5 == 4) ? (i * 13) % 256 : (i * 7 + n) % 4);
            want[i] = (uint8_t)agc_code2char[b[i]];
        }
        agc_codes_to_letters(b, n);
        assert_memory_equal(b, want, n);
    }
}

/* Letters copied from codes, forward and reverse-complemented, at every
 * length and alignment around the 8- and 16-code blocks, with codes of
 * every kind sprinkled in, against a byte-by-byte oracle. */
static void letters_copy_matches_naive(void **state)
{
    (void)state;
    uint8_t src[200], dst[200], want[200];
    uint64_t x = 99;
    for (int round = 0; round < 40; round++) {
        for (int i = 0; i < 200; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned r = (unsigned)(x >> 33);
            /* mostly ACGT, sometimes IUPAC / 30 / 32, per round a density */
            src[i] = (uint8_t)(r % 100 < (unsigned)round ? (r >> 8) % 33 : r % 4);
        }
        for (size_t off = 0; off < 3; off++)
            for (size_t n = 0; n + off <= 120; n += (n < 40 ? 1 : 7)) {
                for (int rc = 0; rc < 2; rc++) {
                    for (size_t i = 0; i < n; i++) {
                        uint8_t c = rc ? src[off + n - 1 - i] : src[off + i];
                        if (rc && c < 4)
                            c = (uint8_t)(3 - c);
                        want[i] = (uint8_t)agc_code2char[c];
                    }
                    memset(dst, 0xEE, sizeof dst);
                    agc_codes_to_letters_copy(dst, src + off, n, rc);
                    assert_memory_equal(dst, want, n);
                    assert_int_equal(dst[n], 0xEE);
                }
            }
    }
}

/* The periodicity test against its description in the format spec (4.2),
 * read literally: fractions in floating point, the maximum tracked with an
 * early stop. Inputs: random codes with a repeat unit of 1..40 symbols
 * copied with a chosen error rate, N runs and IUPAC codes, lengths from 0
 * to 3000 so that both the word loop and its tail are exercised. */
static int spec_periodic(const uint8_t *s, size_t n)
{
    double best = 0.0;
    for (size_t i = 4; i <= 31; i++) {
        double cnt = 0, acgt = 0;
        for (size_t j = 0; j + i < n; j++) {
            cnt += s[j] == s[j + i];
            acgt += s[j] < 4;
        }
        double frac = acgt > 0 ? cnt / acgt : 0.0;
        if (frac > best)
            best = frac;
        if (best >= 0.5)
            break;
    }
    return best >= 0.5;
}

static void periodic_matches_spec(void **state)
{
    (void)state;
    uint8_t s[3000];
    uint64_t x = 99;
    int seen[2] = {0, 0};
    for (int round = 0; round < 4000; round++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t n = (size_t)(x >> 33) % (round < 400 ? 40 : 3000);
        unsigned unit = 1 + (unsigned)(x >> 20) % 40, err = (unsigned)(x >> 10) % 100;
        unsigned alpha = round % 3 == 0 ? 16 : 4;
        for (size_t j = 0; j < n; j++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned r = (unsigned)(x >> 33);
            if (j >= unit && r % 100 >= err)
                s[j] = s[j - unit];
            else
                s[j] = (uint8_t)(r / 100 % alpha);
            if (round % 5 == 0 && r % 997 < 5)
                s[j] = 4;   /* N */
        }
        int want = spec_periodic(s, n);
        assert_int_equal(agc_periodic(s, n), want);
        seen[want]++;
    }
    /* Both answers occur often enough for the comparison to mean something. */
    assert_true(seen[0] > 500 && seen[1] > 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(avar_examples),      cmocka_unit_test(avar_roundtrip_and_errors),
        cmocka_unit_test(cvar_examples),      cmocka_unit_test(zz2_cases),
        cmocka_unit_test(b64_names),          cmocka_unit_test(tuples_roundtrip),
        cmocka_unit_test(tuples_spec_example), cmocka_unit_test(tuples_reject),
        cmocka_unit_test(nucleotide_tables),  cmocka_unit_test(revcomp_cases),
        cmocka_unit_test(revcomp_long_matches_naive),
        cmocka_unit_test(letters_match_table),
        cmocka_unit_test(letters_copy_matches_naive),
        cmocka_unit_test(periodic_matches_spec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
