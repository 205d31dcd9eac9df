/* agc_cache: hits, twin inserts, LRU eviction under a byte budget, and
 * pinned entries surviving eviction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "agc/agc_cache.h"
#include "kindred/rt.h"

static uint8_t *bytes(size_t n, uint8_t v)
{
    uint8_t *p = rt_malloc(n);
    memset(p, v, n);
    return p;
}

static void get_put_twin(void **state)
{
    (void)state;
    agc_cache *c;
    assert_int_equal(agc_cache_create(&c, 1 << 20), 0);
    assert_null(agc_cache_get(c, 7));
    const agc_centry *e, *t, *g;
    assert_int_equal(agc_cache_put(c, 7, bytes(10, 1), 10, NULL, 0, &e), 0);
    assert_int_equal(e->len, 10);
    /* a racing reader inserting the same key gets the first entry */
    assert_int_equal(agc_cache_put(c, 7, bytes(10, 2), 10, NULL, 0, &t), 0);
    assert_ptr_equal(t, e);
    assert_int_equal(t->data[0], 1);
    g = agc_cache_get(c, 7);
    assert_ptr_equal(g, e);
    agc_cache_unpin(c, e);
    agc_cache_unpin(c, t);
    agc_cache_unpin(c, g);
    agc_cache_free(c);
}

static void lru_and_pins(void **state)
{
    (void)state;
    agc_cache *c;
    assert_int_equal(agc_cache_create(&c, 3000), 0);
    const agc_centry *e[4];
    for (uint64_t k = 0; k < 2; k++) {
        assert_int_equal(agc_cache_put(c, k, bytes(1000, (uint8_t)k), 1000, NULL, 0, &e[k]), 0);
        agc_cache_unpin(c, e[k]);
    }
    /* touch 0 so 1 is the least recently used */
    agc_cache_unpin(c, agc_cache_get(c, 0));
    /* keep key 2 pinned while inserting more than the budget */
    assert_int_equal(agc_cache_put(c, 2, bytes(1000, 2), 1000, NULL, 0, &e[2]), 0);
    assert_int_equal(agc_cache_put(c, 3, bytes(1500, 3), 1500, NULL, 0, &e[3]), 0);
    const agc_centry *x = agc_cache_get(c, 1);
    assert_null(x);                       /* the LRU one went first */
    assert_int_equal(e[2]->data[999], 2); /* pinned: still readable */
    assert_int_equal(e[3]->data[0], 3);
    agc_cache_unpin(c, e[2]);
    agc_cache_unpin(c, e[3]);
    /* a smaller budget evicts unpinned entries on the next unpin/put */
    agc_cache_set_budget(c, 100);
    const agc_centry *y;
    assert_int_equal(agc_cache_put(c, 9, bytes(10, 9), 10, NULL, 0, &y), 0);
    agc_cache_unpin(c, y);
    assert_null(agc_cache_get(c, 0));
    assert_null(agc_cache_get(c, 2));
    agc_cache_free(c);
}

static void put_failure_frees(void **state)
{
    (void)state;
    agc_cache *c;
    assert_int_equal(agc_cache_create(&c, 1 << 20), 0);
    uint8_t *d = bytes(16, 0);
    uint32_t *ends = rt_malloc(4);
    rt_alloc_fail_after(0);
    const agc_centry *e;
    int st = agc_cache_put(c, 1, d, 16, ends, 1, &e);
    rt_alloc_fail_after(-1);
    assert_int_equal(st, RT_ENOMEM);   /* d and ends were freed (ASan checks) */
    assert_null(agc_cache_get(c, 1));
    agc_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_put_twin),
        cmocka_unit_test(lru_and_pins),
        cmocka_unit_test(put_failure_frees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
