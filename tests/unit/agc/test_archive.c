/* agc_archive: a container built by hand (parts, footer, u64 size), looked
 * up by name; every truncation and corrupt offsets are rejected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "agc/agc_archive.h"
#include "agc/agc_codec.h"
#include "kindred/rt.h"

typedef struct img {
    uint8_t b[4096];
    size_t n;
} img;

static void put(img *m, const void *p, size_t n)
{
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

static void avar(img *m, uint64_t x)
{
    m->n += agc_avar_put(m->b + m->n, x);
}

/* Three streams: "alpha" (2 parts), "beta" (0 parts), "x1d" (1 empty part). */
static void build(img *m, uint64_t *off)
{
    memset(m, 0, sizeof *m);
    off[0] = m->n;
    avar(m, 5);
    put(m, "hello", 5);
    off[1] = m->n;
    avar(m, 300);
    put(m, "abc", 3);
    off[2] = m->n;
    avar(m, 9);   /* size 0: metadata is reported as 0 */
    size_t fstart = m->n;
    avar(m, 3);
    put(m, "alpha", 6);
    avar(m, 2);
    avar(m, 0);
    avar(m, off[0]);
    avar(m, 5);
    avar(m, off[1]);
    avar(m, 3);
    put(m, "beta", 5);
    avar(m, 0);
    avar(m, 0);
    put(m, "x1d", 4);
    avar(m, 1);
    avar(m, 0);
    avar(m, off[2]);
    avar(m, 0);
    uint64_t fsz = m->n - fstart;
    for (int i = 0; i < 8; i++)
        m->b[m->n++] = (uint8_t)(fsz >> (8 * i));
}

static void open_and_lookup(void **state)
{
    (void)state;
    img m;
    uint64_t off[3];
    build(&m, off);
    agc_archive *a;
    assert_int_equal(agc_ar_open_mem(&a, m.b, m.n), 0);
    assert_int_equal(agc_ar_nstreams(a), 3);
    long s = agc_ar_find(a, "alpha");
    assert_int_equal(s, 0);
    assert_int_equal(agc_ar_find(a, "beta"), 1);
    assert_int_equal(agc_ar_find(a, "x1d"), 2);
    assert_int_equal(agc_ar_find(a, "gamma"), -1);
    assert_int_equal(agc_ar_find(a, "alph"), -1);
    const uint8_t *p;
    size_t n;
    uint64_t meta;
    assert_int_equal(agc_ar_part(a, s, 0, &p, &n, &meta), 0);
    assert_int_equal(n, 5);
    assert_int_equal(meta, 5);
    assert_memory_equal(p, "hello", 5);
    assert_int_equal(agc_ar_part(a, s, 1, &p, &n, &meta), 0);
    assert_int_equal(meta, 300);
    assert_memory_equal(p, "abc", 3);
    assert_int_equal(agc_ar_part(a, s, 2, &p, &n, &meta), RT_ERANGE);
    assert_int_equal(agc_ar_part(a, 1, 0, &p, &n, &meta), RT_ERANGE);
    assert_int_equal(agc_ar_part(a, 2, 0, &p, &n, &meta), 0);
    assert_int_equal(n, 0);
    assert_int_equal(meta, 0);
    assert_int_equal(agc_ar_part(a, 7, 0, &p, &n, &meta), RT_ERANGE);
    assert_string_equal(agc_ar_stream_at(a, 1)->name, "beta");
    agc_ar_close(a);
}

static void every_truncation_fails(void **state)
{
    (void)state;
    img m;
    uint64_t off[3];
    build(&m, off);
    for (size_t len = 0; len < m.n; len++) {
        agc_archive *a = NULL;
        /* a copy of exactly len bytes, so ASan sees any overread */
        uint8_t *cp = rt_malloc(len ? len : 1);
        memcpy(cp, m.b, len);
        assert_int_not_equal(agc_ar_open_mem(&a, cp, len), 0);
        assert_null(a);
        rt_free(cp);
    }
}

static void corrupt_offsets_fail(void **state)
{
    (void)state;
    img m;
    uint64_t off[3];
    build(&m, off);
    /* every single-byte change: open either fails or yields sane parts */
    for (size_t i = 0; i < m.n; i++)
        for (int bit = 0; bit < 8; bit++) {
            img c = m;
            c.b[i] ^= (uint8_t)(1u << bit);
            agc_archive *a = NULL;
            if (agc_ar_open_mem(&a, c.b, c.n) == 0) {
                for (size_t s = 0; s < agc_ar_nstreams(a); s++)
                    for (uint32_t k = 0; k < agc_ar_stream_at(a, s)->nparts; k++) {
                        const uint8_t *p;
                        size_t n;
                        uint64_t meta;
                        if (agc_ar_part(a, (long)s, k, &p, &n, &meta) == 0)
                            assert_true(p >= c.b && p + n <= c.b + c.n);
                    }
                agc_ar_close(a);
            }
        }
}

static void huge_counts_rejected(void **state)
{
    (void)state;
    img m;
    memset(&m, 0, sizeof m);
    size_t fstart = m.n;
    avar(&m, UINT64_MAX / 2);   /* absurd stream count */
    uint64_t fsz = m.n - fstart;
    for (int i = 0; i < 8; i++)
        m.b[m.n++] = (uint8_t)(fsz >> (8 * i));
    agc_archive *a;
    rt_alloc_count_on(1);
    unsigned long before = rt_alloc_count();
    assert_int_equal(agc_ar_open_mem(&a, m.b, m.n), RT_EFORMAT);
    assert_true(rt_alloc_count() - before < 4);
    /* footer size larger than the file */
    uint8_t big[9] = {0, 0xff, 0xff, 0, 0, 0, 0, 0, 0};
    assert_int_equal(agc_ar_open_mem(&a, big, 9), RT_EFORMAT);
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    img m;
    uint64_t off[3];
    build(&m, off);
    for (long k = 0; k < 8; k++) {
        agc_archive *a = NULL;
        rt_alloc_fail_after(k);
        int st = agc_ar_open_mem(&a, m.b, m.n);
        rt_alloc_fail_after(-1);
        if (st == 0) {
            agc_ar_close(a);
            break;
        }
        assert_int_equal(st, RT_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_and_lookup),
        cmocka_unit_test(every_truncation_fails),
        cmocka_unit_test(corrupt_offsets_fail),
        cmocka_unit_test(huge_counts_rejected),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
