/* agc_collw: the spec's contig-name example, name round trips through the
 * reader's decoder, and the details sub-container taken apart by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <zstd.h>

#include "agc/agc_codec.h"
#include "agc/agc_coll.h"
#include "agc/agc_collw.h"
#include "kindred/rt.h"

static void name_example(void **state)
{
    (void)state;
    rt_buf b = {0};
    assert_int_equal(agc_collw_name("chr2_s1 sample 1 desc", "chr1_s1 sample 1 desc", &b), 0);
    static const uint8_t expect[] = {0xFD, '1', 0xFD, 0x20, 0x81, 0x20, 0x81, 0x20, 0x81};
    assert_int_equal(b.n, sizeof expect);
    assert_memory_equal(b.v, expect, sizeof expect);
    rt_vec_clear(&b);
    assert_int_equal(agc_collw_name(NULL, "chr1 x", &b), 0);
    assert_int_equal(b.n, 6);
    assert_memory_equal(b.v, "chr1 x", 6);
    rt_vec_free(&b);
}

static void name_roundtrip(void **state)
{
    (void)state;
    static const char *const names[] = {
        "contig_000001 len=5000 cov=12.5",
        "contig_000002 len=5100 cov=12.5",
        "contig_000003 len=4999 cov=13.0",
        "contig_000003 len=4999 cov=13.0 extra",
        "a",
        "b",
        "scaffold_with_a_very_long_name_000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000001",
        "scaffold_with_a_very_long_name_000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000002",
        "x  y",
        "x  z",
    };
    const char *prev = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        rt_buf b = {0};
        char out[512];
        size_t n = 0;
        assert_int_equal(agc_collw_name(prev, names[i], &b), 0);
        assert_int_equal(agc_coll_name_decode(prev, prev ? strlen(prev) : 0, b.v, b.n, out,
                                              sizeof out, &n),
                         0);
        assert_int_equal(n, strlen(names[i]));
        assert_memory_equal(out, names[i], n);
        if (i == 7)
            assert_true(b.n < 10); /* runs of 100 and the differing digit */
        prev = names[i];
        rt_vec_free(&b);
    }
}

static void unzstd(const uint8_t *p, size_t n, size_t raw, uint8_t *out)
{
    size_t r = ZSTD_decompress(out, raw, p, n);
    assert_false(ZSTD_isError(r));
    assert_int_equal(r, raw);
}

static void details_layout(void **state)
{
    (void)state;
    /* one sample, two contigs; group 20 appears with ids 1, 2, 5, 0, 1 */
    agc_segdesc c0[] = {{20, 1, 60031, 0}, {20, 2, 100, 1}, {3, 7, 5, 0}};
    agc_segdesc c1[] = {{20, 5, 60000, 0}, {20, 0, 60031, 1}, {20, 1, 200000, 0}};
    agc_cw_contig ctgs[] = {{"a", c0, 3}, {"b", c1, 3}};
    agc_cw_sample smp = {"s", ctgs, 2};
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    rt_buf out = {0};
    assert_int_equal(agc_collw_details(&smp, 1, 60031, 30, cc, &out), 0);
    size_t pos = 0;
    uint32_t raw[5], packed[5];
    for (int i = 0; i < 5; i++) {
        assert_int_equal(agc_cvar_get(out.v, out.n, &pos, &raw[i]), 0);
        assert_int_equal(agc_cvar_get(out.v, out.n, &pos, &packed[i]), 0);
    }
    uint8_t col[5][64];
    for (int i = 0; i < 5; i++) {
        assert_true(raw[i] <= 64);
        unzstd(out.v + pos, packed[i], raw[i], col[i]);
        pos += packed[i];
    }
    assert_int_equal(pos, out.n);
    static const uint8_t shape[] = {1, 2, 3, 3};
    assert_int_equal(raw[0], sizeof shape);
    assert_memory_equal(col[0], shape, sizeof shape);
    static const uint8_t gids[] = {20, 20, 3, 20, 20, 20};
    assert_memory_equal(col[1], gids, 6);
    /* in-group: 1 raw (no state), 2 = prev+1 -> 1, 7 raw (group 3 new),
     * 5 vs prev+1 = 3 -> zz2(5,3)+1 = 4+1, 0 -> 0, 1 vs prev+1 = 6 -> zz2(1,6)+1 */
    uint8_t ig[6] = {1, 1, 7, 5, 0, (uint8_t)(agc_zz2_enc(1, 6) + 1)};
    assert_int_equal(raw[2], 6);
    assert_memory_equal(col[2], ig, 6);
    size_t lp = 0;
    uint32_t v;
    assert_int_equal(agc_cvar_get(col[3], raw[3], &lp, &v), 0);
    assert_int_equal(v, 0); /* 60031 predicted exactly */
    assert_int_equal(agc_cvar_get(col[3], raw[3], &lp, &v), 0);
    assert_int_equal(v, agc_zz2_enc(100, 60031));
    static const uint8_t rcs[] = {0, 1, 0, 0, 1, 0};
    assert_memory_equal(col[4], rcs, 6);
    rt_vec_free(&out);
    ZSTD_freeCCtx(cc);
}

static void contigs_and_samples(void **state)
{
    (void)state;
    agc_cw_contig c[] = {{"chr1 d", NULL, 0}, {"chr2 d", NULL, 0}};
    agc_cw_sample smp[] = {{"s0", c, 2}, {"s1", c, 1}};
    rt_buf b = {0};
    assert_int_equal(agc_collw_contigs(smp, 2, &b), 0);
    static const uint8_t expect[] = {2, 2, 'c', 'h', 'r', '1', ' ', 'd', 0, 0xFD, '2', ' ', 0x81, 0,
                                     1, 'c', 'h', 'r', '1', ' ', 'd', 0};
    assert_int_equal(b.n, sizeof expect);
    assert_memory_equal(b.v, expect, sizeof expect);
    rt_vec_clear(&b);
    const char *names[] = {"ref", "s1"};
    assert_int_equal(agc_collw_samples(names, 2, &b), 0);
    assert_int_equal(b.n, 8);
    assert_memory_equal(b.v, "\x02ref\0s1\0", 8);
    rt_vec_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(name_example),
        cmocka_unit_test(name_roundtrip),
        cmocka_unit_test(details_layout),
        cmocka_unit_test(contigs_and_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
