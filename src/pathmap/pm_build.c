/*
 * Bulk build of a pathmap trie from a batch of keys, in parallel on an
 * rt_pool.
 *
 * A key's "bucket" is the pair of bytes at a fixed offset L (keys too short
 * to have them share bucket 0). L and the cut points come from a sample of
 * the batch: L is the sample's common prefix length, and the bucket range
 * is cut at the sample's quantiles so each part gets about the same number
 * of keys. A first round of jobs labels every item with its part (one byte
 * each, the batch split in contiguous chunks); then part j's job walks the
 * labels in input order and inserts its own items into a trie of its own;
 * the tries are then joined. Job 0 of each round runs on the caller.
 *
 *     items:  k0 k1 k2 k3 k4 k5 ...
 *     pid:    0  1  1  0  1  0  ...          (label jobs, one chunk each)
 *     part 0: items with pid 0 -> trie_0  \
 *     part 1: items with pid 1 -> trie_1   >-- join --> result
 *     ...                                 /
 *
 * Any L and any cut points give the right answer, because the bucket is a
 * function of the key alone: all repeats of a key go to one part and are
 * inserted in input order there (the last value wins, as sequentially),
 * and parts hold disjoint key sets. The sample only decides the balance.
 * Walking the one-byte labels instead of scattering the batch keeps every
 * job's reads of items and keys in address order.
 */
#include "pathmap/pm_node.h"

#define NBUCKETS (1u + 65536u)
#define MIN_PARALLEL 2048
#define SAMPLE 8192

typedef struct build {
    const pm_kv *items;
    size_t n, lcp;
    const uint8_t *map;    /* bucket -> part */
    uint8_t *pid;          /* item -> part, filled by the label jobs */
} build;

typedef struct job {
    build *b;
    size_t lo, hi;         /* label job: item range */
    unsigned part;         /* insert job: part index */
    pm_trie *t;
    int rc;
} job;

#define GROUP 16

/* Insert m items in order. A batched lookup first walks all their paths
 * with the cache misses overlapped, so the inserts that follow find the
 * nodes they touch already in cache. */
static int insert_group(pm_trie *t, const pm_kv *g, size_t m)
{
    uint8_t found[GROUP];
    pm_get_batch(t, g, m, found, NULL);
    for (size_t i = 0; i < m; i++) {
        int rc = pm_insert(t, g[i].key, g[i].len, g[i].val, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static int build_seq(pm_trie **out, const pm_kv *items, size_t n)
{
    pm_trie *t;
    int rc = pm_new(&t);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i += GROUP)
        rc = insert_group(t, items + i, n - i < GROUP ? n - i : GROUP);
    if (rc) {
        pm_free(t);
        return rc;
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

static void label_job(void *arg, int worker)
{
    job *j = arg;
    build *b = j->b;
    (void)worker;
    for (size_t i = j->lo; i < j->hi; i++)
        b->pid[i] = b->map[bucket_of(&b->items[i], b->lcp)];
}

static void insert_job(void *arg, int worker)
{
    job *j = arg;
    build *b = j->b;
    (void)worker;
    pm_kv g[GROUP];
    size_t m = 0;
    j->rc = pm_new(&j->t);
    for (size_t i = 0; i < b->n && j->rc == 0; i++) {
        if (b->pid[i] != j->part)
            continue;
        g[m++] = b->items[i];
        if (m == GROUP) {
            j->rc = insert_group(j->t, g, m);
            m = 0;
        }
    }
    if (j->rc == 0 && m)
        j->rc = insert_group(j->t, g, m);
}

/* Run js[1..nj) on the pool and js[0] on the calling thread, then wait;
 * first error. The caller would otherwise sit idle in the wait, and its
 * allocations come from the main heap, which measured faster than the
 * workers' secondary ones. */
static int run_all(rt_pool *pool, job *js, size_t nj, void (*fn)(void *, int))
{
    int rc = 0;
    size_t i;
    for (i = 1; i < nj; i++)
        if ((rc = rt_pool_submit(pool, fn, &js[i])) != 0)
            break;
    if (!rc)
        fn(&js[0], 0);
    rt_pool_wait(pool);
    for (size_t k = 0; k < i && !rc; k++)
        rc = js[k].rc;
    return rc;
}

/* Sorted batches are built bottom-up on the calling thread: one pass that
 * makes every node at its final size costs less than either build by
 * inserts, parallel or not. */
static int build_sorted(pm_trie **out, const pm_kv *items, size_t n)
{
    pm_node *root;
    int rc = pm_build_sorted_nodes(items, n, &root);
    if (rc)
        return rc;
    pm_trie *t;
    if ((rc = pm_new(&t)) != 0) {
        pm_release(root);
        return rc;
    }
    t->root = root;
    *out = t;
    return 0;
}

int pm_build(pm_trie **out, const pm_kv *items, size_t n, rt_pool *pool)
{
    if (n > 1 && pm_sorted_check(items, n)) {
        int rc = build_sorted(out, items, n);
        if (rc != PM_TOO_DEEP)
            return rc;
    }
    int nt = pool ? rt_pool_nthreads(pool) : 1;
    if (nt <= 1 || n < MIN_PARALLEL)
        return build_seq(out, items, n);
    if (nt > 255)
        nt = 255;

    size_t ns = n < SAMPLE ? n : SAMPLE, step = n / ns;
    size_t lcp = items[0].len;
    for (size_t i = 1; i < ns && lcp; i++)
        lcp = pm_lcp(items[0].key, lcp, items[i * step].key, items[i * step].len);

    int rc = RT_ENOMEM;
    build b = {items, n, lcp, NULL, NULL};
    uint32_t *hist = rt_calloc(NBUCKETS, sizeof *hist);
    uint8_t *map = rt_malloc(NBUCKETS);
    job *js = rt_calloc((size_t)nt, sizeof *js);
    b.pid = rt_malloc(n);
    b.map = map;
    if (!hist || !map || !js || !b.pid)
        goto done;
    for (size_t i = 0; i < ns; i++)
        hist[bucket_of(&items[i * step], lcp)]++;

    /* Cut at the sample's quantiles; a bucket is never split. */
    size_t acc = 0;
    unsigned bk = 0, np = 0;
    for (int j = 0; j < nt && bk < NBUCKETS; j++) {
        size_t goal = ns * (size_t)(j + 1) / (size_t)nt;
        unsigned lo = bk;
        while (bk < NBUCKETS && (acc + hist[bk] <= goal || bk == lo)) {
            acc += hist[bk];
            map[bk++] = (uint8_t)np;
        }
        np++;
    }
    while (bk < NBUCKETS)
        map[bk++] = (uint8_t)(np - 1);

    for (int j = 0; j < nt; j++) {
        js[j].b = &b;
        js[j].lo = n * (size_t)j / (size_t)nt;
        js[j].hi = n * (size_t)(j + 1) / (size_t)nt;
    }
    if ((rc = run_all(pool, js, (size_t)nt, label_job)) != 0)
        goto done;
    for (unsigned j = 0; j < np; j++) {
        js[j].part = j;
        js[j].rc = 0;
    }
    rc = run_all(pool, js, np, insert_job);
    if (!rc) {
        pm_trie *res = js[0].t;
        js[0].t = NULL;
        for (unsigned j = 1; j < np && !rc; j++)
            rc = pm_join(res, js[j].t);
        if (rc)
            pm_free(res);
        else
            *out = res;
    }
done:
    if (js)
        for (int j = 0; j < nt; j++)
            pm_free(js[j].t);
    rt_free(js);
    rt_free(b.pid);
    rt_free(map);
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
