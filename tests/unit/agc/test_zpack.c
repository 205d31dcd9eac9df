/* agc_zpack: frames decode with plain zstd to the input; long runs are
 * parsed by the module's matcher and still find the repeats; the output
 * of a pack does not depend on what the same state compressed before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "agc/agc_zpack.h"
#include "kindred/rt.h"

/* splitmix64: an LCG's low bits would repeat within a long run */
static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void put_letters(rt_buf *b, uint64_t *seed, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(rt_buf_putc(b, (uint8_t)("ACGT"[rng(seed) % 4])), 0);
}

/* An edit record of LZ-diff text: "pos,len." with now and then a letter. */
static void put_records(rt_buf *b, uint64_t *seed, int k)
{
    char t[64];
    for (int i = 0; i < k; i++) {
        int w = snprintf(t, sizeof t, "%s%u,%u.", rng(seed) % 3 ? "" : "G",
                         (unsigned)(rng(seed) % 60000), (unsigned)(rng(seed) % 400));
        assert_int_equal(rt_buf_append(b, t, (size_t)w), 0);
    }
}

/* Append a copy of b[from..from+n) with `changes` symbols replaced by
 * symbols of alpha (4 of them). */
static void put_copy(rt_buf *b, uint64_t *seed, size_t from, size_t n, int changes,
                     const char *alpha)
{
    size_t start = b->n;
    assert_int_equal(rt_vec_reserve(b, b->n + n), 0);
    assert_int_equal(rt_buf_append(b, b->v + from, n), 0);
    for (int m = 0; m < changes; m++) {
        size_t at = start + rng(seed) % n;
        b->v[at] = (uint8_t)alpha[rng(seed) % 4];
    }
}

/* A pack-like text: records between runs; half of the runs are copies of
 * an earlier run with a few letters changed, as descendants carry a
 * stretch their ancestor gained. */
static void make_pack(rt_buf *b, uint64_t seed, int runs)
{
    RT_VEC(size_t) at = {0}, len = {0};
    for (int r = 0; r < runs; r++) {
        put_records(b, &seed, 20 + (int)(rng(&seed) % 200));
        size_t n = 2100 + rng(&seed) % 18000;
        if (r > 2 && rng(&seed) % 2) {
            size_t j = rng(&seed) % at.n;
            put_copy(b, &seed, at.v[j], len.v[j], 5, "ACGT");
            continue;
        }
        assert_int_equal(rt_vec_push(&at, b->n), 0);
        assert_int_equal(rt_vec_push(&len, n), 0);
        put_letters(b, &seed, n);
    }
    rt_vec_free(&at);
    rt_vec_free(&len);
}

static void assert_decodes_to(const rt_buf *z, const uint8_t *src, size_t n)
{
    uint8_t *back = malloc(n + 1);
    assert_non_null(back);
    size_t r = ZSTD_decompress(back, n + 1, z->v, z->n);
    assert_false(ZSTD_isError(r));
    assert_int_equal(r, n);
    if (n)
        assert_memory_equal(back, src, n);
    free(back);
}

/* The pack settings of the writer; the frame must decode to src. */
static void pack_as(agc_zpack *z, ZSTD_CCtx *c, const rt_buf *src, agc_zp_text text, rt_buf *out)
{
    assert_int_equal(agc_zpack_compress(z, c, src->v, src->n, 17, 6, 32, text, out), 0);
    assert_decodes_to(out, src->v, src->n);
}

static void pack_roundtrip(agc_zpack *z, ZSTD_CCtx *c, const rt_buf *src, rt_buf *out)
{
    pack_as(z, c, src, AGC_ZP_LZDIFF, out);
}

static size_t plain_size(ZSTD_CCtx *c, const rt_buf *src)
{
    size_t cap = ZSTD_compressBound(src->n);
    void *o = malloc(cap);
    assert_non_null(o);
    ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 17);
    ZSTD_CCtx_setParameter(c, ZSTD_c_minMatch, 6);
    ZSTD_CCtx_setParameter(c, ZSTD_c_targetLength, 32);
    size_t r = ZSTD_compress2(c, o, cap, src->v, src->n);
    assert_false(ZSTD_isError(r));
    free(o);
    return r;
}

static void runs_are_parsed_and_repeats_found(void **state)
{
    (void)state;
    agc_zpack *z = agc_zpack_new();
    ZSTD_CCtx *c = ZSTD_createCCtx();
    assert_non_null(z);
    assert_non_null(c);
    for (uint64_t seed = 1; seed <= 4; seed++) {
        rt_buf src = {0}, out = {0};
        make_pack(&src, seed, 120);
        pack_roundtrip(z, c, &src, &out);
        assert_true(agc_zpack_own_blocks(z) > 0);
        /* The copies cost next to nothing only if their matches were
         * found: without them the frame is about 1.5 times this size. */
        size_t p = plain_size(c, &src);
        assert_true(out.n * 100 <= p * 101);
        rt_vec_free(&src);
        rt_vec_free(&out);
    }
    ZSTD_freeCCtx(c);
    agc_zpack_free(z);
}

/* A pack of raw segments (groups 0-15): codes 0..3 between 0xFF
 * separators, after the placeholder entry; a third of the segments are
 * copies of earlier ones with a few changes, as a plasmid recurs in many
 * samples. Read as LZ-diff text nothing in it is a run: zstd parses it all.
 * Read as codes, the matcher takes its blocks, and must find the copies
 * as zstd does. */
static void raw_segments_are_parsed_as_codes(void **state)
{
    (void)state;
    agc_zpack *z = agc_zpack_new();
    ZSTD_CCtx *c = ZSTD_createCCtx();
    rt_buf src = {0}, out = {0};
    RT_VEC(size_t) at = {0}, len = {0};
    uint64_t seed = 5;
    assert_int_equal(rt_buf_putc(&src, 0x7F), 0);
    assert_int_equal(rt_buf_putc(&src, 0xFF), 0);
    for (int e = 0; e < 60; e++) {
        size_t n = 500 + rng(&seed) % 12000, start = src.n;
        if (e > 3 && rng(&seed) % 3 == 0) {
            size_t j = rng(&seed) % at.n;
            n = len.v[j];
            put_copy(&src, &seed, at.v[j], n, 3, "\0\1\2\3");
        } else {
            for (size_t i = 0; i < n; i++)
                assert_int_equal(rt_buf_putc(&src, (uint8_t)(rng(&seed) % 4)), 0);
        }
        assert_int_equal(rt_vec_push(&at, start), 0);
        assert_int_equal(rt_vec_push(&len, n), 0);
        assert_int_equal(rt_buf_putc(&src, 0xFF), 0);
    }
    pack_as(z, c, &src, AGC_ZP_LZDIFF, &out);
    assert_int_equal(agc_zpack_own_blocks(z), 0);
    pack_as(z, c, &src, AGC_ZP_CODES, &out);
    assert_true(agc_zpack_own_blocks(z) > 0);
    /* about 2 bits a code for the new segments and little for the copies */
    assert_true(out.n * 100 <= plain_size(c, &src) * 101);
    rt_vec_free(&at);
    rt_vec_free(&len);
    rt_vec_free(&src);
    rt_vec_free(&out);
    ZSTD_freeCCtx(c);
    agc_zpack_free(z);
}

static void records_only_stay_with_zstd(void **state)
{
    (void)state;
    agc_zpack *z = agc_zpack_new();
    ZSTD_CCtx *c = ZSTD_createCCtx();
    uint64_t seed = 9;
    rt_buf src = {0}, out = {0};
    put_records(&src, &seed, 40000);
    pack_roundtrip(z, c, &src, &out);
    assert_int_equal(agc_zpack_own_blocks(z), 0);
    rt_vec_free(&src);
    rt_vec_free(&out);
    ZSTD_freeCCtx(c);
    agc_zpack_free(z);
}

static void history_does_not_change_output(void **state)
{
    (void)state;
    agc_zpack *used = agc_zpack_new(), *fresh = agc_zpack_new();
    ZSTD_CCtx *c = ZSTD_createCCtx();
    rt_buf a = {0}, b = {0}, o1 = {0}, o2 = {0}, o3 = {0};
    make_pack(&a, 21, 80);
    make_pack(&b, 22, 80);
    /* b shares a's runs: a table that kept a's cells would find them. */
    assert_int_equal(rt_buf_append(&b, a.v, a.n / 2), 0);
    pack_roundtrip(used, c, &a, &o1);
    pack_roundtrip(used, c, &b, &o2);
    pack_roundtrip(fresh, c, &b, &o3);
    assert_int_equal(o2.n, o3.n);
    assert_memory_equal(o2.v, o3.v, o2.n);
    assert_decodes_to(&o2, b.v, b.n);
    rt_vec_free(&a);
    rt_vec_free(&b);
    rt_vec_free(&o1);
    rt_vec_free(&o2);
    rt_vec_free(&o3);
    ZSTD_freeCCtx(c);
    agc_zpack_free(used);
    agc_zpack_free(fresh);
}

static void edges(void **state)
{
    (void)state;
    agc_zpack *z = agc_zpack_new();
    ZSTD_CCtx *c = ZSTD_createCCtx();
    uint64_t seed = 3;
    rt_buf src = {0}, out = {0};
    /* empty, shorter than a hash key, one run filling many 128 kb blocks,
     * and runs back to back with one byte between them */
    size_t sizes[] = {0, 1, 15, 16, 17};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        rt_vec_clear(&src);
        put_letters(&src, &seed, sizes[k]);
        pack_roundtrip(z, c, &src, &out);
    }
    rt_vec_clear(&src);
    put_letters(&src, &seed, 700000);
    assert_int_equal(rt_vec_reserve(&src, src.n + 300000), 0);
    assert_int_equal(rt_buf_append(&src, src.v + 1000, 300000), 0);
    pack_roundtrip(z, c, &src, &out);
    assert_true(agc_zpack_own_blocks(z) >= 8);
    /* the copied 300 kb cost almost nothing: 2 bits a letter for the rest */
    assert_true(out.n < 700000 / 4 + 700000 / 50);
    rt_vec_clear(&src);
    for (int r = 0; r < 50; r++) {
        put_letters(&src, &seed, 2048 + (size_t)r);
        assert_int_equal(rt_buf_putc(&src, (uint8_t)('0' + r % 10)), 0);
    }
    pack_roundtrip(z, c, &src, &out);
    rt_vec_free(&src);
    rt_vec_free(&out);
    ZSTD_freeCCtx(c);
    agc_zpack_free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(runs_are_parsed_and_repeats_found),
        cmocka_unit_test(records_only_stay_with_zstd),
        cmocka_unit_test(raw_segments_are_parsed_as_codes),
        cmocka_unit_test(history_does_not_change_output),
        cmocka_unit_test(edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
