/*
 * Bulk build of a pathmap trie from a batch of keys, sequentially or in
 * parallel on an rt_pool.
 *
 * An unsorted batch is sorted first and then built bottom-up (pm_sorted.c),
 * which makes every node once at its final size; that beats inserting the
 * keys one by one, with or without a pool. The sort is a stable bucket
 * pass on the byte (or, see want_wide, the two bytes) that follows the
 * batch's common prefix L, then a stable sort inside each bucket
 * (insertion sort for a few items, counting passes on the next bytes for
 * big buckets, merge sort otherwise):
 *
 *   one byte:   bucket(key) = 0          len == L
 *                           = 1 + x      len >= L+1, key[L] = x
 *   two bytes:  bucket(key) = 0                     len == L
 *                           = 1 + x*257             len == L+1, key[L] = x
 *                           = 2 + x*257 + y         len >= L+2, key[L] = x,
 *                                                   key[L+1] = y
 *
 * so bucket order is key order (a key sorts before its extensions) and
 * stability keeps repeats in input order, where the bottom-up build lets
 * the last one win, as a sequence of inserts would.
 *
 *   items (input order), cut in chunks, one per thread
 *     |  1. count:   items and key bytes per [chunk][bucket]  (a job per chunk)
 *     |  2. offsets: exclusive sums, bucket-major, chunk-minor (caller)
 *     |  3. scatter: sorted[off[chunk][bucket]++] = item, its key bytes
 *     |              copied to keys[] in the same order
 *     v
 *   sorted: | bucket 0 | bucket 1 | ....................... | bucket NB-1 |
 *           |<- part 0 ->|<- part 1 ->|<- ... ->|<---- part np-1 ---->|
 *     4. each part (whole buckets, about n/np items) sorts its buckets
 *        and builds its range bottom-up into a trie of its own
 *     5. the part tries hold disjoint key ranges and are joined in order
 *
 * The key copy is what makes steps 4 and 5 fast: a bucket's keys sit
 * together, so sorting and building read them from a few cache lines
 * instead of chasing the caller's key pointers all over memory (that
 * chase was most of the cost). Memory: 24 bytes per item plus the key
 * bytes, for the duration of the call.
 *
 * Parts are cut on exact counts, so the jobs are balanced whatever the key
 * distribution, short of one bucket holding most of the batch. Whatever the
 * cuts, each part's range is sorted and the parts are disjoint, so the
 * result holds exactly what a sequential build holds. Steps 1, 3 and 4 run
 * on the pool, one job per thread and the first on the caller; in step 4
 * those jobs claim parts (PARTS_PER_THREAD per thread) from a shared
 * counter, so a thread slowed down by page faults in a fresh malloc arena
 * or by a neighbour on its core simply takes fewer of them.
 */
#include "pathmap/pm_node.h"

#define NBUCKETS_WIDE (1u + 256u * 257u)
#define NBUCKETS_NARROW 257u
#define MIN_PARALLEL 2048
#define MIN_SORTED 64      /* smaller batches are cheaper to insert */
#define SAMPLE 8192
#define INSERTION_MAX 16
#define RADIX_MIN 64       /* larger runs are split on their next byte first */
#define RADIX_DEPTH 4      /* ... for at most this many bytes */
#define PARTS_PER_THREAD 16

struct job;

typedef struct build {
    const pm_kv *items;
    size_t n, lcp;
    int wide;              /* buckets on two bytes, not one */
    pm_kv *sorted;
    uint8_t *keys;         /* the keys' bytes again, in bucket order */
    size_t *hist;          /* [chunk][2][bucket]: item and byte counts, then
                            * write offsets into sorted and keys */
    size_t *bstart;        /* bucket -> first index in sorted; [NB] = n */
    size_t *kstart;        /* bucket -> first byte in keys; [NB] = total */
    struct job *parts;     /* np part jobs, claimed in order by the runners */
    size_t np;
    _Atomic size_t next_part;
} build;

typedef struct job {
    struct build *b;
    size_t *hist;          /* this chunk's row of b->hist */
    size_t lo, hi;         /* chunk: item range */
    unsigned blo, bhi;     /* part: bucket range */
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

static int insert_range(pm_trie *t, const pm_kv *items, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i += GROUP)
        rc = insert_group(t, items + i, n - i < GROUP ? n - i : GROUP);
    return rc;
}

static int build_by_inserts(pm_trie **out, const pm_kv *items, size_t n)
{
    pm_trie *t;
    int rc = pm_new(&t);
    if (rc)
        return rc;
    if ((rc = insert_range(t, items, n)) != 0) {
        pm_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

/* A trie of the sorted range, bottom-up with nodes cut from sl; by
 * inserts (in order, so repeats still resolve the same way) when the keys
 * branch too deep for that. */
static int build_range(pm_trie **out, const pm_kv *items, size_t n, pm_slab *sl)
{
    pm_node *root;
    int rc = pm_build_sorted_nodes(sl, items, n, &root);
    if (rc == PM_TOO_DEEP)
        return build_by_inserts(out, items, n);
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

static inline size_t bucket_of(const pm_kv *kv, size_t lcp, int wide)
{
    if (kv->len == lcp)
        return 0;
    size_t x = kv->key[lcp];
    if (!wide)
        return 1 + x;
    if (kv->len == lcp + 1)
        return 1 + x * 257;
    return 2 + x * 257 + kv->key[lcp + 1];
}

static inline size_t nbuckets(int wide)
{
    return wide ? NBUCKETS_WIDE : NBUCKETS_NARROW;
}

/* Whether bucket k can hold different keys; the others hold copies of one
 * key, already in input order. */
static inline int bucket_mixed(unsigned k, int wide)
{
    return wide ? k >= 2 && (k - 1) % 257 != 0 : k >= 1;
}

/* Byte order of two keys that agree on their first d bytes. Eight bytes
 * at a time as big-endian words first: most pairs differ there, and the
 * library call costs more than the comparison. */
static inline int cmp_from(const pm_kv *a, const pm_kv *b, size_t d)
{
    size_t m = a->len < b->len ? a->len : b->len;
    while (d + 8 <= m) {
        uint64_t x = pm_be64(a->key + d), y = pm_be64(b->key + d);
        if (x != y)
            return x < y ? -1 : 1;
        d += 8;
    }
    int c = m > d ? memcmp(a->key + d, b->key + d, m - d) : 0;
    if (c)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* Bytes d..d+7 of a key as a number in byte order, zero past its end
 * (so keys that tie here may still differ, and must be compared in full). */
static inline uint64_t word_from(const pm_kv *kv, size_t d)
{
    size_t r = kv->len - d;
    if (r >= 8)
        return pm_be64(kv->key + d);
    uint8_t b[8] = {0};
    if (r)
        memcpy(b, kv->key + d, r);
    return pm_be64(b);
}

/* Insertion sort, stable, of at most INSERTION_MAX items that agree on
 * their first d bytes. Most of a batch ends up here in runs of about a
 * dozen, and comparing the keys through their pointers made each step a
 * byte-swapped load pair and a call; here each item's next eight bytes
 * are loaded once and the steps compare those, the keys themselves only
 * on a tie. */
_Static_assert(INSERTION_MAX <= 256, "sort_small keeps its item indexes in bytes");

static void sort_small(pm_kv *v, size_t n, size_t d)
{
    uint64_t w[INSERTION_MAX];
    uint8_t ix[INSERTION_MAX];
    for (size_t i = 0; i < n; i++) {
        uint64_t x = word_from(&v[i], d);
        size_t j = i;
        while (j > 0 && (w[j - 1] > x ||
                         (w[j - 1] == x && cmp_from(&v[ix[j - 1]], &v[i], d) > 0))) {
            w[j] = w[j - 1];
            ix[j] = ix[j - 1];
            j--;
        }
        w[j] = x;
        ix[j] = (uint8_t)i;
    }
    pm_kv out[INSERTION_MAX];
    for (size_t i = 0; i < n; i++)
        out[i] = v[ix[i]];
    memcpy(v, out, n * sizeof *v);
}

/* Stable sort of v[0..n) by key from byte d on; tmp has room for n. */
static void sort_stable(pm_kv *v, size_t n, pm_kv *tmp, size_t d)
{
    if (n <= INSERTION_MAX) {
        sort_small(v, n, d);
        return;
    }
    size_t h = n / 2;
    sort_stable(v, h, tmp, d);
    sort_stable(v + h, n - h, tmp, d);
    if (cmp_from(&v[h - 1], &v[h], d) <= 0)
        return;
    memcpy(tmp, v, h * sizeof *v);
    size_t i = 0, j = h, o = 0;
    while (i < h && j < n)
        v[o++] = cmp_from(&v[j], &tmp[i], d) < 0 ? v[j++] : tmp[i++];
    while (i < h)
        v[o++] = tmp[i++];
}

/* Stable sort of v[0..n), whose keys agree on their first d bytes: big
 * runs are split by a counting pass on byte d (a key ending at d first),
 * which costs two moves per item where comparison sorting costs several
 * comparisons; the pieces, and runs that keep agreeing past RADIX_DEPTH
 * bytes, go to sort_stable. tmp has room for n. */
static void sort_run(pm_kv *v, size_t n, pm_kv *tmp, size_t d, unsigned depth)
{
    if (n <= RADIX_MIN || depth >= RADIX_DEPTH) {
        sort_stable(v, n, tmp, d);
        return;
    }
    size_t cnt[257] = {0};
    for (size_t i = 0; i < n; i++)
        cnt[v[i].len == d ? 0 : 1u + v[i].key[d]]++;
    if (cnt[0] == n)
        return;                 /* all the same key, already in input order */
    size_t start[257], acc = 0;
    for (unsigned g = 0; g < 257; g++) {
        start[g] = acc;
        acc += cnt[g];
    }
    for (size_t i = 0; i < n; i++)
        tmp[start[v[i].len == d ? 0 : 1u + v[i].key[d]]++] = v[i];
    memcpy(v, tmp, n * sizeof *v);
    /* Group 0 holds copies of one key; each other group agrees on d+1. */
    size_t at = cnt[0];
    for (unsigned g = 1; g < 257; g++) {
        if (cnt[g] > 1)
            sort_run(v + at, cnt[g], tmp, d + 1, depth + 1);
        at += cnt[g];
    }
}

static void count_job(void *arg, int worker)
{
    job *j = arg;
    const build *b = j->b;
    (void)worker;
    size_t *bytes = j->hist + nbuckets(b->wide);
    for (size_t i = j->lo; i < j->hi; i++) {
        size_t k = bucket_of(&b->items[i], b->lcp, b->wide);
        j->hist[k]++;
        bytes[k] += b->items[i].len;
    }
    j->rc = 0;
}

static void scatter_job(void *arg, int worker)
{
    job *j = arg;
    const build *b = j->b;
    (void)worker;
    size_t *bytes = j->hist + nbuckets(b->wide);
    for (size_t i = j->lo; i < j->hi; i++) {
        const pm_kv *kv = &b->items[i];
        size_t k = bucket_of(kv, b->lcp, b->wide);
        pm_kv *o = &b->sorted[j->hist[k]++];
        uint8_t *kb = b->keys + bytes[k];
        bytes[k] += kv->len;
        pm_copy_short(kb, kv->key, kv->len);
        o->key = kb;
        o->len = kv->len;
        o->val = kv->val;
    }
    j->rc = 0;
}

/* A sorted bucket's items still point at their key bytes in input order,
 * spread over the bucket's whole stretch of keys[]. The bottom-up build
 * reads every key several times in item order, and with buckets of
 * thousands of keys those reads missed the first-level cache; laying the
 * bytes out in item order once makes them sequential. */
static void regroup_keys(pm_kv *v, size_t m, uint8_t *base, uint8_t *tmp)
{
    size_t o = 0;
    for (size_t i = 0; i < m; i++) {
        pm_copy_short(tmp + o, v[i].key, v[i].len);
        o += v[i].len;
    }
    memcpy(base, tmp, o);
    o = 0;
    for (size_t i = 0; i < m; i++) {
        v[i].key = base + o;
        o += v[i].len;
    }
}

static void part_job(void *arg, pm_slab *sl)
{
    job *j = arg;
    build *b = j->b;
    size_t big = 0, bigk = 0;
    for (unsigned k = j->blo; k < j->bhi; k++) {
        size_t m = b->bstart[k + 1] - b->bstart[k];
        if (bucket_mixed(k, b->wide) && m > INSERTION_MAX) {
            if (m > big)
                big = m;
            if (b->kstart[k + 1] - b->kstart[k] > bigk)
                bigk = b->kstart[k + 1] - b->kstart[k];
        }
    }
    pm_kv *tmp = NULL;
    if (big) {
        tmp = rt_malloc(big * sizeof *tmp + bigk);
        if (!tmp) {
            j->rc = RT_ENOMEM;
            return;
        }
    }
    for (unsigned k = j->blo; k < j->bhi; k++) {
        size_t s = b->bstart[k], m = b->bstart[k + 1] - s;
        if (m < 2 || !bucket_mixed(k, b->wide))
            continue;
        sort_run(b->sorted + s, m, tmp, b->lcp + 1 + (size_t)b->wide, 0);
        if (m > INSERTION_MAX)
            regroup_keys(b->sorted + s, m, b->keys + b->kstart[k], (uint8_t *)(tmp + big));
    }
    rt_free(tmp);
    size_t lo = b->bstart[j->blo], hi = b->bstart[j->bhi];
    j->t = NULL;
    j->rc = lo < hi ? build_range(&j->t, b->sorted + lo, hi - lo, sl) : pm_new(&j->t);
}

/* Take parts until none is left: a thread that drew cheap parts (or got
 * the core to itself) does more of them, so the threads finish together. */
static void runner_job(void *arg, int worker)
{
    job *j = arg;
    build *b = j->b;
    (void)worker;
    /* One slab per thread, not per part, so that each thread leaves at
     * most one block partly filled. */
    pm_slab sl = {NULL, 0, 0};
    for (;;) {
        size_t k = atomic_fetch_add_explicit(&b->next_part, 1, memory_order_relaxed);
        if (k >= b->np)
            break;
        part_job(&b->parts[k], &sl);
    }
    pm_slab_close(&sl);
    j->rc = 0;
}

/* Run js[1..nj) on the pool and js[0] on the calling thread, then wait;
 * first error. The caller would otherwise sit idle in the wait. */
static int run_all(rt_pool *pool, job *js, size_t nj, void (*fn)(void *, int))
{
    int rc = 0;
    size_t i;
    for (i = 1; i < nj; i++)
        if ((rc = rt_pool_submit(pool, fn, &js[i])) != 0)
            break;
    if (!rc)
        fn(&js[0], 0);
    if (nj > 1)
        rt_pool_wait(pool);
    for (size_t k = 0; k < i && !rc; k++)
        rc = js[k].rc;
    return rc;
}

/* Common prefix length of all n keys: a sample first (it usually finds the
 * answer), then every key, each compared over no more than that. */
static size_t common_prefix(const pm_kv *items, size_t n)
{
    size_t ns = n < SAMPLE ? n : SAMPLE, step = n / ns;
    const uint8_t *k0 = pm_key(items[0].key);
    size_t lcp = items[0].len;
    for (size_t i = 1; i < ns && lcp; i++)
        lcp = pm_lcp(k0, lcp, pm_key(items[i * step].key), items[i * step].len);
    for (size_t i = 1; i < n && lcp; i++)
        lcp = pm_lcp(k0, lcp, pm_key(items[i].key), items[i].len);
    return lcp;
}

/* Buckets on one byte are far cheaper to fill: the scatter writes to 257
 * places, which stay in cache, where two bytes make it write to 65,793
 * places all over memory and miss on nearly every item. The second byte is
 * then sorted inside each bucket, in cache. Two bytes are kept for batches
 * whose byte after the common prefix takes few values (keys like
 * "cat<NNN>:..."), where one byte would leave buckets too big to balance
 * the threads. The sample decides; the resulting trie is the same. */
static int want_wide(const pm_kv *items, size_t n, size_t lcp, size_t nc)
{
    if (nc == 1)
        return 0;
    size_t ns = n < SAMPLE ? n : SAMPLE, step = n / ns, cnt[257] = {0}, top = 0;
    for (size_t i = 0; i < ns; i++) {
        const pm_kv *kv = &items[i * step];
        size_t k = bucket_of(kv, lcp, 0);
        if (++cnt[k] > top)
            top = cnt[k];
    }
    return top * nc * 8 > ns;
}

static int build_unsorted(pm_trie **out, const pm_kv *items, size_t n, rt_pool *pool)
{
    int nt = pool ? rt_pool_nthreads(pool) : 1;
    if (n < MIN_PARALLEL)
        nt = 1;
    if (nt > 64)
        nt = 64;
    size_t nc = (size_t)nt;
    build b = {.items = items, .n = n, .lcp = common_prefix(items, n)};
    b.wide = want_wide(items, n, b.lcp, nc);
    const size_t nb = nbuckets(b.wide);
    int rc = RT_ENOMEM;
    job *js = rt_calloc(nc, sizeof *js);
    b.sorted = rt_malloc(n * sizeof *b.sorted);
    b.hist = rt_calloc(nc * 2 * nb, sizeof *b.hist);
    b.bstart = rt_malloc((nb + 1) * sizeof *b.bstart);
    b.kstart = rt_malloc((nb + 1) * sizeof *b.kstart);
    if (!js || !b.sorted || !b.hist || !b.bstart || !b.kstart)
        goto done;

    for (size_t c = 0; c < nc; c++) {
        js[c].b = &b;
        js[c].hist = b.hist + c * 2 * nb;
        js[c].lo = n * c / nc;
        js[c].hi = n * (c + 1) / nc;
    }
    if ((rc = run_all(pool, js, nc, count_job)) != 0)
        goto done;
    /* Chunk c's items of bucket k go after those of chunks before it. */
    size_t acc = 0, bacc = 0;
    for (size_t k = 0; k < nb; k++) {
        b.bstart[k] = acc;
        b.kstart[k] = bacc;
        for (size_t c = 0; c < nc; c++) {
            size_t *h = b.hist + c * 2 * nb;
            size_t m = h[k], mb = h[nb + k];
            h[k] = acc;
            h[nb + k] = bacc;
            acc += m;
            bacc += mb;
        }
    }
    b.bstart[nb] = acc;
    b.kstart[nb] = bacc;
    b.keys = rt_malloc(bacc ? bacc : 1);
    if (!b.keys) {
        rc = RT_ENOMEM;
        goto done;
    }
    if ((rc = run_all(pool, js, nc, scatter_job)) != 0)
        goto done;

    /* Parts: whole buckets, cut where the running count passes j*n/np. */
    size_t want = nc == 1 ? 1 : nc * PARTS_PER_THREAD;
    b.parts = rt_calloc(want, sizeof *b.parts);
    if (!b.parts) {
        rc = RT_ENOMEM;
        goto done;
    }
    unsigned k = 0;
    for (size_t j = 0; j < want && k < nb; j++) {
        size_t goal = n * (j + 1) / want;
        job *pj = &b.parts[b.np++];
        pj->b = &b;
        pj->blo = k;
        while (k < nb && (b.bstart[k + 1] <= goal || k == pj->blo))
            k++;
        pj->bhi = k;
    }
    b.parts[b.np - 1].bhi = nb;
    atomic_init(&b.next_part, 0);
    if ((rc = run_all(pool, js, nc, runner_job)) == 0)
        for (size_t j = 0; j < b.np && !rc; j++)
            rc = b.parts[j].rc;
    if (!rc) {
        pm_trie *res = b.parts[0].t;
        b.parts[0].t = NULL;
        for (size_t j = 1; j < b.np && !rc; j++)
            rc = pm_join(res, b.parts[j].t);
        if (rc)
            pm_free(res);
        else
            *out = res;
    }
done:
    if (b.parts)
        for (size_t j = 0; j < b.np; j++)
            pm_free(b.parts[j].t);
    rt_free(b.parts);
    rt_free(js);
    rt_free(b.bstart);
    rt_free(b.kstart);
    rt_free(b.hist);
    rt_free(b.sorted);
    rt_free(b.keys);
    return rc;
}

int pm_build(pm_trie **out, const pm_kv *items, size_t n, rt_pool *pool)
{
    if (n > 1 && pm_sorted_check(items, n)) {
        pm_slab sl = {NULL, 0, 0};
        int rc = build_range(out, items, n, &sl);
        pm_slab_close(&sl);
        return rc;
    }
    if (n < MIN_SORTED)
        return build_by_inserts(out, items, n);
    return build_unsorted(out, items, n, pool);
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
