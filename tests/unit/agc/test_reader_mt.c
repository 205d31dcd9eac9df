/* agc_reader clones used from pool threads at once: every thread decodes
 * every contig of a golden archive and must get the bytes a single reader
 * gets; cache claims make one thread decode each part while the others wait
 * (run under ThreadSanitizer too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdatomic.h>

#include "agc/agc_cache.h"
#include "kindred/agc.h"
#include "kindred/rt.h"

typedef struct item {
    uint32_t s, c;
    uint64_t len;
    uint64_t want;       /* hash from the single-threaded pass */
} item;

typedef struct shared_ctx {
    agc_reader *base;
    agc_reader *clones[4];
    item *items;
    size_t nitems;
    int bad[4];
} shared_ctx;

typedef struct task {
    shared_ctx *sc;
    size_t first;
} task;

static uint64_t hash_range(agc_reader *r, const item *it, int *err)
{
    char *b = malloc(it->len + 1);
    *err = agc_reader_fetch(r, it->s, it->c, 0, it->len, b);
    uint64_t h = rt_hash64(b, it->len, 7);
    free(b);
    return h;
}

static void run(void *arg, int worker)
{
    task *t = arg;
    shared_ctx *sc = t->sc;
    for (size_t k = 0; k < sc->nitems; k++) {
        const item *it = &sc->items[(k + t->first) % sc->nitems];
        int err;
        uint64_t h = hash_range(sc->clones[worker], it, &err);
        if (err || h != it->want)
            sc->bad[worker]++;
    }
}

static void clones_agree(void **state)
{
    (void)state;
    const char *e = getenv("KINDRED_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/golden/agc/archives/synth_b2_s10k.agc",
             e && *e ? e : "../shared");
    shared_ctx sc;
    memset(&sc, 0, sizeof sc);
    assert_int_equal(agc_reader_open(&sc.base, path), 0);
    uint32_t ns = agc_reader_n_samples(sc.base);
    sc.items = calloc(1024, sizeof *sc.items);
    for (uint32_t s = 0; s < ns; s++) {
        uint32_t nc;
        assert_int_equal(agc_reader_n_contigs(sc.base, s, &nc), 0);
        for (uint32_t c = 0; c < nc && sc.nitems < 1024; c++) {
            item *it = &sc.items[sc.nitems++];
            it->s = s;
            it->c = c;
            assert_int_equal(agc_reader_contig(sc.base, s, c, NULL, &it->len), 0);
            int err;
            it->want = hash_range(sc.base, it, &err);
            assert_int_equal(err, 0);
        }
    }
    /* Fresh clones from a fresh reader: batches load lazily under the lock
     * while other threads decode. */
    agc_reader *fresh;
    assert_int_equal(agc_reader_open(&fresh, path), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(agc_reader_clone(&sc.clones[i], fresh), 0);
        agc_reader_set_cache(sc.clones[i], (size_t)(i + 1) << 16); /* small: evictions */
    }
    agc_reader_close(fresh); /* clones keep the shared state alive */
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 4, 0), 0);
    task tasks[8];
    for (int i = 0; i < 8; i++) {
        tasks[i].sc = &sc;
        tasks[i].first = (size_t)i * 3;
        assert_int_equal(rt_pool_submit(pool, run, &tasks[i]), 0);
    }
    rt_pool_wait(pool);
    rt_pool_destroy(pool);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(sc.bad[i], 0);
        agc_reader_close(sc.clones[i]);
    }
    agc_reader_close(sc.base);
    free(sc.items);
}

enum { NKEYS = 64 };

typedef struct claim_ctx {
    agc_cache *cache;
    atomic_int claims[NKEYS];
    atomic_int fills[NKEYS];
    atomic_int bad;
} claim_ctx;

/* Every thread asks for every key. A claimer "decodes" (a little work, so
 * others arrive meanwhile) and fills; the first claimer of every fifth key
 * abandons instead, as after a decode error, so another thread must claim
 * and fill it. */
static void claim_all(void *arg, int worker)
{
    claim_ctx *cc = arg;
    for (int k = 0; k < NKEYS; k++) {
        int key = (k * 7 + worker * 13) % NKEYS;
        const agc_centry *e;
        int mine;
        if (agc_cache_acquire(cc->cache, (uint64_t)key, &e, &mine)) {
            atomic_fetch_add(&cc->bad, 1);
            continue;
        }
        if (mine) {
            int nth = atomic_fetch_add(&cc->claims[key], 1);
            volatile uint64_t spin = 0;
            for (int i = 0; i < 20000; i++)
                spin = spin + (uint64_t)i;
            if (spin != 199990000u)
                atomic_fetch_add(&cc->bad, 1);
            if (key % 5 == 0 && nth == 0) {
                agc_cache_abandon(cc->cache, e);
                k--;   /* ask again, like a retrying reader */
                continue;
            }
            uint8_t *d = rt_malloc(16);
            memset(d, key, 16);
            atomic_fetch_add(&cc->fills[key], 1);
            agc_cache_fill(cc->cache, e, d, 16, NULL, 0);
        }
        if (e->len != 16 || e->data[15] != (uint8_t)key)
            atomic_fetch_add(&cc->bad, 1);
        agc_cache_unpin(cc->cache, e);
    }
}

static void cache_claims_decode_once(void **state)
{
    (void)state;
    claim_ctx cc;
    memset(&cc, 0, sizeof cc);
    assert_int_equal(agc_cache_create(&cc.cache, 1 << 20), 0);
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 4, 0), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(rt_pool_submit(pool, claim_all, &cc), 0);
    rt_pool_wait(pool);
    rt_pool_destroy(pool);
    assert_int_equal(atomic_load(&cc.bad), 0);
    for (int k = 0; k < NKEYS; k++) {
        assert_int_equal(atomic_load(&cc.fills[k]), 1);
        assert_int_equal(atomic_load(&cc.claims[k]), k % 5 == 0 ? 2 : 1);
    }
    agc_cache_free(cc.cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clones_agree),
        cmocka_unit_test(cache_claims_decode_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
