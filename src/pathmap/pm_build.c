/*
 * Bulk build of a pathmap trie from a batch of keys, in parallel on an
 * rt_pool.
 *
 * A key's "bucket" is the pair of bytes at a fixed offset L (keys too short
 * to have them share bucket 0). L and the cut points come from a sample of
 * the batch: L is the sample's common prefix length, and the bucket range
 * is cut at the sample's quantiles so each part gets about the same number
 * of keys. Part j's job walks the whole batch in input order and inserts
 * only the keys whose bucket falls in its range, into a trie of its own;
 * the tries are then joined.
 *
 *     items:  k0 k1 k2 k3 k4 k5 ...          (read by every job, in order)
 *     part 0: buckets [0, c1)   -> trie_0  \
 *     part 1: buckets [c1, c2)  -> trie_1   >-- join --> result
 *     ...                                  /
 *
 * Any L and any cut points give the right answer, because the bucket is a
 * function of the key alone: all repeats of a key go to one part and are
 * inserted in input order there (the last value wins, as sequentially),
 * and parts hold disjoint key sets. The sample only decides the balance.
 * Walking the batch in every job costs one extra streaming read of it per
 * thread, which is much cheaper than scattering it: the inserts then read
 * keys in address order instead of at random.
 */
#include "pathmap/pm_node.h"

#define NBUCKETS (1u + 65536u)
#define MIN_PARALLEL 2048
#define SAMPLE 8192

typedef struct part {
    const pm_kv *items;
    size_t n, lcp;
    unsigned blo, bhi;     /* bucket range [blo, bhi) */
    pm_trie *t;
    int rc;
} part;

static int build_seq(pm_trie **out, const pm_kv *items, size_t n)
{
    pm_trie *t;
    int rc = pm_new(&t);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        rc = pm_insert(t, items[i].key, items[i].len, items[i].val, NULL);
        if (rc) {
            pm_free(t);
            return rc;
        }
    }
    *out = t;
    return 0;
}

static inline unsigned bucket_of(const pm_kv *kv, size_t lcp)
{
    if (kv->len < lcp + 2)
        return 0;
    return 1u + ((unsigned)kv->key[lcp] << 8 | kv->key[lcp + 1]);
}

static void part_job(void *arg, int worker)
{
    part *p = arg;
    (void)worker;
    p->rc = pm_new(&p->t);
    for (size_t i = 0; i < p->n && p->rc == 0; i++) {
        const pm_kv *kv = &p->items[i];
        unsigned b = bucket_of(kv, p->lcp);
        if (b >= p->blo && b < p->bhi)
            p->rc = pm_insert(p->t, kv->key, kv->len, kv->val, NULL);
    }
}

int pm_build(pm_trie **out, const pm_kv *items, size_t n, rt_pool *pool)
{
    int nt = pool ? rt_pool_nthreads(pool) : 1;
    if (nt <= 1 || n < MIN_PARALLEL)
        return build_seq(out, items, n);

    size_t ns = n < SAMPLE ? n : SAMPLE, step = n / ns;
    size_t lcp = items[0].len;
    for (size_t i = 1; i < ns && lcp; i++)
        lcp = pm_lcp(items[0].key, lcp, items[i * step].key, items[i * step].len);

    int rc = RT_ENOMEM;
    uint32_t *hist = rt_calloc(NBUCKETS, sizeof *hist);
    part *parts = rt_calloc((size_t)nt, sizeof *parts);
    if (!hist || !parts)
        goto done;
    for (size_t i = 0; i < ns; i++)
        hist[bucket_of(&items[i * step], lcp)]++;

    /* Cut at the sample's quantiles; a bucket is never split. */
    size_t np = 0, acc = 0;
    unsigned b = 0;
    for (int j = 0; j < nt && b < NBUCKETS; j++) {
        size_t goal = ns * (size_t)(j + 1) / (size_t)nt;
        unsigned lo = b;
        while (b < NBUCKETS && (acc + hist[b] <= goal || b == lo)) {
            acc += hist[b];
            b++;
        }
        if (j == nt - 1)
            b = NBUCKETS;
        parts[np].items = items;
        parts[np].n = n;
        parts[np].lcp = lcp;
        parts[np].blo = lo;
        parts[np].bhi = b;
        np++;
    }
    parts[np - 1].bhi = NBUCKETS;

    size_t submitted = 0;
    rc = 0;
    for (size_t j = 0; j < np; j++) {
        if ((rc = rt_pool_submit(pool, part_job, &parts[j])) != 0)
            break;
        submitted++;
    }
    rt_pool_wait(pool);
    for (size_t j = 0; j < submitted && !rc; j++)
        rc = parts[j].rc;
    if (!rc) {
        pm_trie *res = parts[0].t;
        parts[0].t = NULL;
        for (size_t j = 1; j < np && !rc; j++)
            rc = pm_join(res, parts[j].t);
        if (rc)
            pm_free(res);
        else
            *out = res;
    }
    for (size_t j = 0; j < np; j++)
        pm_free(parts[j].t);
done:
    rt_free(parts);
    rt_free(hist);
    return rc;
}

int pm_insert_many(pm_trie *t, const pm_kv *items, size_t n, rt_pool *pool,
                   uint64_t *added)
{
    pm_trie *b;
    int rc = pm_build(&b, items, n, pool);
    if (rc)
        return rc;
    uint64_t before = pm_count(t);
    /* The batch goes on the left so its values win. */
    rc = pm_join(b, t);
    if (!rc) {
        pm_swap(t, b);
        if (added)
            *added = pm_count(t) - before;
    }
    pm_free(b);
    return rc;
}
