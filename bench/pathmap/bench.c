/*
 * pathmap-bench: throughput and memory of the pathmap trie.
 *
 *   pathmap-bench [--keys N] [--threads T] [--repeat R] [--seed S] [--wall]
 *
 * Prints one measure per line as "name value unit"; with --repeat R each
 * timed measure is run R times and the median is printed (the bulk builds
 * at least five times, after one untimed build of each kind).
 *   insert_random16         ns/key  N random 16-byte keys into an empty trie
 *   get_random16            ns/key  look each of them up again (other order)
 *   get_batch_random16      ns/key  the same lookups through pm_get_batch
 *   insert_prefixed         ns/key  keys "cat<NNN>:<8 random bytes>"
 *   bytes_per_key_prefixed  B/key   heap bytes in use (malloc's count,
 *                                   overhead included) for those keys
 *   node_bytes_per_key_prefixed B/key  sum of node sizes alone
 *   count_prefix_prefixed   ns/op   pm_count_prefix("cat<NNN>")
 *   join_1m                 ms      union of two tries of 1M random keys
 *                                   (min(N, 1M) when N is smaller)
 *   insert_batch_random16   ns/key  pm_build of the random keys without a pool
 *                                   (inserts in groups, paths prefetched)
 *   build_seq / build_par   ms      pm_build of the random keys, no pool /
 *                                   a pool of T threads
 *   parallel_build_speedup_2t x     build_seq / build_par (T = 2 unless
 *                                   --threads says otherwise), wall clock
 *   build_seq_cpu / build_par_cpu ms  CPU time of the two builds (all
 *                                   threads): their ratio is the parallel
 *                                   overhead, whatever the machine's load
 *   build_sorted_random16   ns/key  pm_build of the same keys sorted
 *                                   (bottom-up build; sort not timed)
 *
 * Single-threaded measures use process CPU time unless --wall is given:
 * on a machine shared with other work the wall clock mostly measures the
 * neighbours. The build timings are always wall clock.
 */
#include "kindred/pathmap.h"

#include <malloc.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

static int use_wall;
#define NOW() (use_wall ? rt_now_ns() : cpu_ns())

typedef struct opts {
    size_t keys;
    int threads;
    int repeat;
    uint64_t seed;
} opts;

static uint64_t rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static size_t heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#else
    return 0;
#endif
}

/* CPU time of the whole process (the pool does not exist yet while the
 * single-threaded measures run, so this is their thread's time). */
static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int cmp_kv16(const void *a, const void *b)
{
    return memcmp(((const pm_kv *)a)->key, ((const pm_kv *)b)->key, 16);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "pathmap-bench: %s: %s\n", what, rt_strerror(rc));
    exit(1);
}

static pm_trie *insert_all(const uint8_t *keys, size_t klen, size_t n, double *ns)
{
    pm_trie *t;
    int rc = pm_new(&t);
    if (rc)
        die("new", rc);
    uint64_t t0 = NOW();
    for (size_t i = 0; i < n; i++)
        if ((rc = pm_insert(t, keys + i * klen, klen, i, NULL)) != 0)
            die("insert", rc);
    *ns = (double)(NOW() - t0) / (double)n;
    return t;
}

int main(int argc, char **argv)
{
    opts o = {1000000, 2, 1, 42};
    for (int i = 1; i < argc; i++) {
        long v;
        if (i + 1 < argc && !strcmp(argv[i], "--keys") &&
            rt_cli_parse_int(argv[i + 1], 1, 1L << 34, &v) == 0) {
            o.keys = (size_t)v;
            i++;
        } else if (i + 1 < argc && !strcmp(argv[i], "--threads") &&
                   rt_cli_parse_int(argv[i + 1], 1, 256, &v) == 0) {
            o.threads = (int)v;
            i++;
        } else if (i + 1 < argc && !strcmp(argv[i], "--repeat") &&
                   rt_cli_parse_int(argv[i + 1], 1, 100, &v) == 0) {
            o.repeat = (int)v;
            i++;
        } else if (i + 1 < argc && !strcmp(argv[i], "--seed") &&
                   rt_cli_parse_int(argv[i + 1], 0, 1L << 62, &v) == 0) {
            o.seed = (uint64_t)v;
            i++;
        } else if (!strcmp(argv[i], "--wall")) {
            use_wall = 1;
        } else {
            fprintf(stderr, "usage: pathmap-bench [--keys N] [--threads T] [--repeat R] [--seed S] [--wall]\n");
            return 2;
        }
    }
    size_t n = o.keys;
    int R = o.repeat;
    double *m = calloc((size_t)R, sizeof *m);
    uint64_t s = o.seed | 1;

    /* Random 16-byte keys, and a second order for lookups. */
    uint8_t *rk = malloc(n * 16);
    size_t *perm = malloc(n * sizeof *perm);
    if (!rk || !perm || !m)
        die("keys", RT_ENOMEM);
    for (size_t i = 0; i < n * 2; i++) {
        uint64_t x = rng(&s);
        memcpy(rk + i * 8, &x, 8);
    }
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = rng(&s) % i, tmp = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = tmp;
    }

    pm_trie *t = NULL;
    for (int r = 0; r < R; r++) {
        pm_free(t);
        t = insert_all(rk, 16, n, &m[r]);
    }
    printf("insert_random16 %.1f ns/key\n", median(m, R));
    fflush(stdout);

    /* Lookup keys laid out in their probe order, so the benchmark's own
     * key reads are sequential and only the trie's accesses are random. */
    uint8_t *gk = malloc(n * 16);
    if (!gk)
        die("keys", RT_ENOMEM);
    for (size_t i = 0; i < n; i++)
        memcpy(gk + i * 16, rk + perm[i] * 16, 16);
    for (int r = 0; r < R; r++) {
        size_t found = 0;
        uint64_t t0 = NOW();
        for (size_t i = 0; i < n; i++)
            found += (size_t)pm_contains(t, gk + i * 16, 16);
        m[r] = (double)(NOW() - t0) / (double)n;
        if (found != n)
            die("get: keys missing", RT_EINVAL);
    }
    printf("get_random16 %.1f ns/key\n", median(m, R));
    fflush(stdout);
    {
        pm_kv *q = malloc(n * sizeof *q);
        uint8_t *found = malloc(n);
        if (!q || !found)
            die("keys", RT_ENOMEM);
        for (size_t i = 0; i < n; i++) {
            q[i].key = gk + i * 16;
            q[i].len = 16;
            q[i].val = 0;
        }
        for (int r = 0; r < R; r++) {
            uint64_t t0 = NOW();
            pm_get_batch(t, q, n, found, NULL);
            m[r] = (double)(NOW() - t0) / (double)n;
            for (size_t i = 0; i < n; i++)
                if (!found[i])
                    die("get_batch: keys missing", RT_EINVAL);
        }
        printf("get_batch_random16 %.1f ns/key\n", median(m, R));
        free(q);
        free(found);
    }
    free(gk);
    fflush(stdout);

    /* Prefixed keys: cat<NNN>:<8 random bytes>, 15 bytes. */
    uint8_t *pk = malloc(n * 15);
    if (!pk)
        die("keys", RT_ENOMEM);
    for (size_t i = 0; i < n; i++) {
        uint8_t *k = pk + i * 15;
        unsigned c = (unsigned)(rng(&s) % 1000);
        uint64_t x = rng(&s);
        k[0] = 'c';
        k[1] = 'a';
        k[2] = 't';
        k[3] = (uint8_t)('0' + c / 100);
        k[4] = (uint8_t)('0' + c / 10 % 10);
        k[5] = (uint8_t)('0' + c % 10);
        k[6] = ':';
        memcpy(k + 7, &x, 8);
    }
    pm_trie *tp = NULL;
    size_t heap_delta = 0;
    for (int r = 0; r < R; r++) {
        pm_free(tp);
        tp = NULL;
        size_t h0 = heap_in_use();
        tp = insert_all(pk, 15, n, &m[r]);
        heap_delta = heap_in_use() - h0;
    }
    printf("insert_prefixed %.1f ns/key\n", median(m, R));
    pm_stats st;
    pm_get_stats(tp, &st);
    if (heap_delta)
        printf("bytes_per_key_prefixed %.1f B/key\n", (double)heap_delta / (double)st.keys);
    printf("node_bytes_per_key_prefixed %.1f B/key\n", (double)st.bytes / (double)st.keys);
    for (int r = 0; r < R; r++) {
        uint64_t total = 0;
        uint64_t t0 = NOW();
        char p[8];
        for (unsigned c = 0; c < 1000; c++) {
            snprintf(p, sizeof p, "cat%03u", c);
            total += pm_count_prefix(tp, p, 6);
        }
        m[r] = (double)(NOW() - t0) / 1000.0;
        if (total != st.keys)
            die("count_prefix mismatch", RT_EINVAL);
    }
    printf("count_prefix_prefixed %.1f ns/op\n", median(m, R));
    pm_free(tp);
    fflush(stdout);

    /* Join: two disjoint tries of up to 1M random keys each. */
    size_t jn = n < 1000000 ? n : 1000000;
    double ign;
    pm_trie *ja = insert_all(rk, 16, jn, &ign);
    uint8_t *rk2 = malloc(jn * 16);
    if (!rk2)
        die("keys", RT_ENOMEM);
    for (size_t i = 0; i < jn * 2; i++) {
        uint64_t x = rng(&s);
        memcpy(rk2 + i * 8, &x, 8);
    }
    pm_trie *jb = insert_all(rk2, 16, jn, &ign);
    for (int r = 0; r < R; r++) {
        pm_trie *c;
        int rc = pm_clone(ja, &c);
        if (rc)
            die("clone", rc);
        uint64_t t0 = NOW();
        if ((rc = pm_join(c, jb)) != 0)
            die("join", rc);
        m[r] = (double)(NOW() - t0) / 1e6;
        if (pm_count(c) != pm_count(ja) + pm_count(jb))
            die("join count", RT_EINVAL);
        pm_free(c);
    }
    printf("join_1m %.1f ms\n", median(m, R));
    pm_free(ja);
    pm_free(jb);
    free(rk2);
    pm_free(t);
    fflush(stdout);

    /* Bulk build: sequential and on a pool. */
    pm_kv *items = malloc(n * sizeof *items);
    if (!items)
        die("items", RT_ENOMEM);
    for (size_t i = 0; i < n; i++) {
        items[i].key = rk + i * 16;
        items[i].len = 16;
        items[i].val = i;
    }
    rt_pool *pool;
    int rc = rt_pool_create(&pool, o.threads, 0);
    if (rc)
        die("pool", rc);
    /* At least five rounds here whatever --repeat says: a build is short,
     * and one round on a shared machine was as likely to measure a
     * neighbour as the build (speed-ups from 1.1 to 1.9 on the same code). */
    int RB = R < 5 ? 5 : R;
    double *mb = calloc((size_t)RB, sizeof *mb);
    double *m2 = calloc((size_t)RB, sizeof *m2);
    double *ratio = calloc((size_t)RB, sizeof *ratio);
    double *cpu_seq = calloc((size_t)RB, sizeof *cpu_seq);
    double *cpu_par = calloc((size_t)RB, sizeof *cpu_par);
    /* A reference trie, built once and kept: every timed build runs with
     * it alive, so both kinds of build meet the same heap. Each build is
     * freed before the next, and the order alternates between rounds. */
    pm_trie *ref;
    if ((rc = pm_build(&ref, items, n, NULL)) != 0)
        die("build", rc);
    uint64_t nuniq = pm_count(ref);
    /* One untimed build of each kind first. A first build takes its memory
     * fresh from the kernel (at 10M keys those page faults cost the
     * sequential build half as much again as a build on reused memory),
     * and the pool's threads allocate from malloc arenas of their own; so
     * without this, whichever build ran first in a round paid the faults,
     * and with an odd number of rounds that was the parallel one more
     * often. */
    for (int k = 0; k < 2; k++) {
        pm_trie *bt;
        if ((rc = pm_build(&bt, items, n, k ? pool : NULL)) != 0)
            die("build", rc);
        pm_free(bt);
    }
    for (int r = 0; r < RB; r++) {
        for (int k = 0; k < 2; k++) {
            int par = (k + r) % 2 == 0;
            pm_trie *bt;
            uint64_t t0 = rt_now_ns(), c0 = cpu_ns();
            if ((rc = pm_build(&bt, items, n, par ? pool : NULL)) != 0)
                die("build", rc);
            uint64_t t1 = rt_now_ns(), c1 = cpu_ns();
            if (!pm_equal(bt, ref))
                die("parallel build differs", RT_EINVAL);
            pm_free(bt);
            (par ? m2 : mb)[r] = (double)(t1 - t0) / 1e6;
            (par ? cpu_par : cpu_seq)[r] = (double)(c1 - c0) / 1e6;
        }
        ratio[r] = mb[r] / m2[r];
    }
    pm_free(ref);
    printf("insert_batch_random16 %.1f ns/key\n",
           (use_wall ? median(mb, RB) : median(cpu_seq, RB)) * 1e6 / (double)n);
    printf("build_seq %.1f ms\n", median(mb, RB));
    printf("build_par %.1f ms\n", median(m2, RB));
    printf("parallel_build_speedup_%dt %.2f x\n", o.threads, median(ratio, RB));
    printf("build_seq_cpu %.1f ms\n", median(cpu_seq, RB));
    printf("build_par_cpu %.1f ms\n", median(cpu_par, RB));

    /* The same keys sorted first, as the atom space hands them over:
     * pm_build then builds bottom-up. Sorting is not timed. */
    qsort(items, n, sizeof *items, cmp_kv16);
    for (int r = 0; r < R; r++) {
        pm_trie *a;
        uint64_t t0 = NOW();
        if ((rc = pm_build(&a, items, n, NULL)) != 0)
            die("build", rc);
        m[r] = (double)(NOW() - t0) / (double)n;
        if (pm_count(a) != nuniq)
            die("sorted build count", RT_EINVAL);
        for (size_t i = 0; i < n; i += 997)
            if (!pm_contains(a, items[i].key, 16))
                die("sorted build: key missing", RT_EINVAL);
        pm_free(a);
    }
    printf("build_sorted_random16 %.1f ns/key\n", median(m, R));
    free(cpu_seq);
    free(cpu_par);
    rt_pool_destroy(pool);
    free(items);
    free(m2);
    free(mb);
    free(ratio);
    free(m);
    free(rk);
    free(pk);
    free(perm);
    return 0;
}
