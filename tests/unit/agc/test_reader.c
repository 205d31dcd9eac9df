/* agc_reader: decoding golden archives written by the reference tool,
 * checked against their FASTA inputs (an independent oracle), random ranges
 * served from the cache, the compatibility API, contig-name decoding, and
 * corrupt copies (every truncation, bit flips) failing cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agc/agc_coll.h"
#include "kindred/agc.h"
#include "kindred/rt.h"

#include "agc_test_golden.h"

static char shared[1024];

static int find_shared(void)
{
    return tg_golden_dir(shared, sizeof shared, "archives/toy_default.agc");
}

static char *path_of(const char *rel)
{
    static char p[1200];
    snprintf(p, sizeof p, "%s/%s", shared, rel);
    return p;
}


static void matches_fasta_input(void **state)
{
    (void)state;
    /* The golden data is part of the test setup: missing means failed. */
    assert_true(find_shared());
    static const char *arcs[] = {"archives/synth_default.agc", "archives/synth_b2_s10k.agc",
                                 "archives/synth_k25.agc"};
    tg_rec r[8];
    int nr = tg_read_fasta(path_of("inputs/synth/s2.fa"), r, 8);
    assert_int_equal(nr, 3);
    for (size_t a = 0; a < sizeof arcs / sizeof *arcs; a++) {
        agc_reader *rd;
        assert_int_equal(agc_reader_open(&rd, path_of(arcs[a])), 0);
        assert_string_equal(agc_reader_ref_sample(rd), "ref");
        uint32_t s, nc;
        int found;
        agc_reader_find_sample(rd, "s2", &s, &found);
        assert_true(found);
        assert_int_equal(agc_reader_n_contigs(rd, s, &nc), 0);
        assert_int_equal(nc, 3);
        for (uint32_t c = 0; c < nc; c++) {
            const char *name;
            uint64_t len;
            assert_int_equal(agc_reader_contig(rd, s, c, &name, &len), 0);
            assert_string_equal(name, r[c].name);
            assert_int_equal(len, r[c].n);
            char *buf = malloc(len + 1);
            assert_int_equal(agc_reader_fetch(rd, s, c, 0, len, buf), 0);
            assert_memory_equal(buf, r[c].seq, len);
            /* ranges crossing segment boundaries, served from the cache */
            uint64_t x = 12345;
            for (int i = 0; i < 300; i++) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                uint64_t from = (x >> 11) % len, span = (x >> 40) % 70000;
                uint64_t to = from + span > len ? len : from + span;
                assert_int_equal(agc_reader_fetch(rd, s, c, from, to, buf), 0);
                assert_memory_equal(buf, r[c].seq + from, to - from);
            }
            assert_int_equal(agc_reader_fetch(rd, s, c, len, len, buf), 0);
            assert_int_equal(agc_reader_fetch(rd, s, c, 0, len + 1, buf), RT_ERANGE);
            assert_int_equal(agc_reader_fetch(rd, s, c, 5, 4, buf), RT_ERANGE);
            free(buf);
        }
        uint64_t hits, misses;
        agc_reader_cache_stats(rd, &hits, &misses);
        assert_true(hits > 10 * misses);
        agc_reader_close(rd);
    }
    for (int i = 0; i < nr; i++)
        free(r[i].seq);
}

/* fetch_lines: random ranges cut at random points and at segment ends
 * (next_cut), each piece continuing the previous one's line column, give
 * exactly the letters of fetch wrapped by a naive loop. */
static void fetch_lines_matches_wrapped_fetch(void **state)
{
    (void)state;
    assert_true(find_shared());
    agc_reader *rd;
    assert_int_equal(agc_reader_open(&rd, path_of("archives/synth_b2_s10k.agc")), 0);
    uint32_t s;
    int found;
    agc_reader_find_sample(rd, "s5", &s, &found);
    assert_true(found);
    uint32_t nc;
    assert_int_equal(agc_reader_n_contigs(rd, s, &nc), 0);
    uint64_t x = 7;
    for (uint32_t c = 0; c < nc; c++) {
        uint64_t len;
        assert_int_equal(agc_reader_contig(rd, s, c, NULL, &len), 0);
        char *letters = malloc(len + 1), *want = malloc(2 * len + 2), *got = malloc(2 * len + 2);
        assert_int_equal(agc_reader_fetch(rd, s, c, 0, len, letters), 0);
        for (int round = 0; round < 6; round++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t from = len ? (x >> 20) % len : 0, to = len;
            uint64_t L = round == 0 ? 0 : round == 1 ? 1 : 40 + (x >> 50) % 50;
            size_t w = 0;
            for (uint64_t i = from; i < to; i++) {
                want[w++] = letters[i];
                if (L && (i - from + 1) % L == 0)
                    want[w++] = '\n';
            }
            size_t g = 0;
            uint64_t col = 0, pos = from;
            while (pos < to) {
                uint64_t end;
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                if (x >> 63) {
                    assert_int_equal(agc_reader_next_cut(rd, s, c, pos, &end), 0);
                    assert_true(end > pos && end <= len);
                } else {
                    end = pos + 1 + (x >> 40) % 30000;
                }
                if (end > to)
                    end = to;
                size_t n;
                assert_int_equal(agc_reader_fetch_lines(rd, s, c, pos, end, L, &col, got + g, &n),
                                 0);
                g += n;
                pos = end;
            }
            assert_int_equal(g, w);
            assert_memory_equal(got, want, w);
            assert_int_equal(col, L ? (to - from) % L : 0);
        }
        uint64_t col = 0;
        size_t n;
        assert_int_equal(agc_reader_fetch_lines(rd, s, c, 0, len + 1, 60, &col, got, &n),
                         RT_ERANGE);
        col = 60;
        assert_int_equal(agc_reader_fetch_lines(rd, s, c, 0, 1, 60, &col, got, &n), RT_ERANGE);
        free(letters), free(want), free(got);
    }
    agc_reader_close(rd);
}

static void toy_metadata_and_compat(void **state)
{
    (void)state;
    /* The golden data is part of the test setup: missing means failed. */
    assert_true(find_shared());
    agc_t *a = agc_open(path_of("archives/toy_default.agc"), 1);
    assert_non_null(a);
    assert_int_equal(agc_n_sample(a), 4);
    char *ref = agc_reference_sample(a);
    assert_string_equal(ref, "ref");
    agc_string_destroy(ref);
    int n = 0;
    char **l = agc_list_sample(a, &n);
    assert_int_equal(n, 4);
    assert_string_equal(l[0], "ref");
    assert_null(l[4]);
    agc_list_destroy(l);
    l = agc_list_ctg(a, "b", &n);
    assert_int_equal(n, 4);
    assert_string_equal(l[1], "g h i 21");
    agc_list_destroy(l);
    assert_int_equal(agc_n_ctg(a, "c"), 3);
    assert_int_equal(agc_n_ctg(a, "zz"), -1);
    /* a.fa: >chr1a CTGAGCTGACTGA; unique short name, no sample needed */
    assert_int_equal(agc_get_ctg_len(a, "", "chr1a"), 13);
    char buf[32];
    assert_int_equal(agc_get_ctg_seq(a, "a", "chr1a", 2, 6, buf), 5);
    assert_string_equal(buf, "GAGCT");
    assert_int_equal(agc_get_ctg_seq(a, NULL, "chr1a", 0, 12, buf), 13);
    assert_string_equal(buf, "CTGAGCTGACTGA");
    assert_int_equal(agc_get_ctg_seq(a, "a", "chr1a", 0, 13, buf), -1);
    assert_int_equal(agc_get_ctg_len(a, NULL, "chr1"), -1); /* in ref and b: ambiguous */
    assert_int_equal(agc_get_ctg_len(a, "b", "g"), agc_get_ctg_len(a, "b", "g h i 21"));
    assert_int_equal(agc_get_ctg_len(a, "b", "nope"), -1);
    agc_close(a);
    assert_null(agc_open(path_of("archives/missing.agc"), 0));
}

static void name_delta_decoding(void **state)
{
    (void)state;
    const char *prev = "chr2_s1 sample 1 desc";
    static const uint8_t enc[] = {0xFD, '1', 0xFD, ' ', 0x81, ' ', 0x81, ' ', 0x81};
    char out[64];
    size_t n;
    assert_int_equal(agc_coll_name_decode(prev, strlen(prev), enc, sizeof enc, out, sizeof out, &n), 0);
    assert_int_equal(n, strlen("chr1_s1 sample 1 desc"));
    assert_memory_equal(out, "chr1_s1 sample 1 desc", n);
    /* different component count: verbatim */
    static const uint8_t verb[] = {'a', ' ', 'b'};
    assert_int_equal(agc_coll_name_decode(prev, strlen(prev), verb, 3, out, sizeof out, &n), 0);
    assert_memory_equal(out, "a b", 3);
    /* a copy-run longer than the previous component is corrupt */
    static const uint8_t bad[] = {0x80, ' ', 0x81, ' ', 0x81, ' ', 0x81};
    assert_int_equal(agc_coll_name_decode(prev, strlen(prev), bad, sizeof bad, out, sizeof out, &n),
                     RT_EFORMAT);
}

static uint8_t *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(*n);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

/* Open and decode everything; returns 0 or the first error. */
static int decode_all(const uint8_t *d, size_t n)
{
    agc_reader *r;
    int st = agc_reader_open_mem(&r, d, n);
    if (st)
        return st;
    static char buf[1 << 20];
    for (uint32_t s = 0; s < agc_reader_n_samples(r) && !st; s++) {
        uint32_t nc;
        st = agc_reader_n_contigs(r, s, &nc);
        for (uint32_t c = 0; c < nc && !st; c++) {
            uint64_t len;
            st = agc_reader_contig(r, s, c, NULL, &len);
            if (!st)
                st = agc_reader_fetch(r, s, c, 0, len < sizeof buf ? len : sizeof buf, buf);
        }
    }
    agc_reader_close(r);
    return st;
}

static void corrupt_copies_fail_cleanly(void **state)
{
    (void)state;
    /* The golden data is part of the test setup: missing means failed. */
    assert_true(find_shared());
    size_t n;
    uint8_t *d = slurp(path_of("archives/toy_default.agc"), &n);
    assert_int_equal(decode_all(d, n), 0);
    for (size_t len = 0; len < n; len++) {
        uint8_t *cp = malloc(len ? len : 1);
        memcpy(cp, d, len);
        assert_int_not_equal(decode_all(cp, len), 0);
        free(cp);
    }
    int errors = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t *cp = malloc(n);
        memcpy(cp, d, n);
        cp[i] ^= (uint8_t)(1u << (i % 8));
        errors += decode_all(cp, n) != 0;
        free(cp);
    }
    assert_true(errors > 0);
    free(d);
}

/* Every allocation of open + full decode failing in turn: each attempt ends
 * in RT_ENOMEM (or success once the budget suffices), never a crash or leak. */
static void allocation_failures(void **state)
{
    (void)state;
    /* The golden data is part of the test setup: missing means failed. */
    assert_true(find_shared());
    size_t n;
    uint8_t *d = slurp(path_of("archives/synth_b2_s10k.agc"), &n);
    rt_alloc_count_on(1);
    unsigned long before = rt_alloc_count();
    assert_int_equal(decode_all(d, n), 0);
    long total = (long)(rt_alloc_count() - before);
    int ok = 0;
    /* the first 60 allocations each, then about 150 spread over the rest */
    for (long k = 0; k <= total + 1; k += k < 60 ? 1 : total / 150 + 1) {
        rt_alloc_fail_after(k);
        int st = decode_all(d, n);
        rt_alloc_fail_after(-1);
        if (st == 0)
            ok = 1;
        else if (st != RT_ENOMEM)
            fail_msg("allocation %ld failing gave %d", k, st);
    }
    /* exactly the measured number of allocations is enough */
    rt_alloc_fail_after(total);
    int st = decode_all(d, n);
    rt_alloc_fail_after(-1);
    assert_int_equal(st, 0);
    (void)ok;
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_fasta_input),
        cmocka_unit_test(fetch_lines_matches_wrapped_fetch),
        cmocka_unit_test(toy_metadata_and_compat),
        cmocka_unit_test(name_delta_decoding),
        cmocka_unit_test(corrupt_copies_fail_cleanly),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
