/*
 * Bulk loading of text: parse in parallel, then build disjoint subtries in
 * parallel and join them.
 *
 *   text --cut at "\n("--> part 0 | part 1 | ...      (one job per part)
 *   part i: parse -> keys_i (bytes) + recs_i {key, len}
 *   owner:  verify the cuts; lcp = common prefix of all keys; splitters
 *   part i: pfx = 8 bytes after lcp; radix sort recs_i by pfx
 *   range j: insert the slice of every recs_i with pfx in [split_j, split_j+1)
 *            into trie_j, in sorted order                   (one job per range)
 *   owner:  trie_0 join trie_1 join ...  (disjoint ranges: only top nodes meet)
 *
 * Why sort: inserting keys in order walks the trie like a scan instead of
 * missing the cache on every level, which is several times faster for
 * randomly ordered input. Why ranges: tries built from disjoint key ranges
 * join in time proportional to their shared top, not to their size.
 *
 * Nothing is shared between workers while they write; in particular there is
 * no symbol table (symbols are stored inline in the encoding).
 *
 * The cuts are speculative: part 0 starts at a real expression boundary, and
 * part i+1 does if part i did and its parse ended exactly at part i+1's
 * start. A cut inside a multi-line expression or string shows up as part i
 * reading past its end; the parts after it are dropped and the rest of the
 * text, from where part i stopped, is parsed on the owner's thread. So the
 * result never depends on where the cuts fell. Errors are reported for the
 * first part (in text order) that has one and starts at a verified boundary:
 * the first error of the text.
 */
#include "mork_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct rec {
    uint64_t pfx; /* up to 8 key bytes after the common prefix, big-endian */
    const uint8_t *key;
    size_t len;
} rec;

typedef RT_VEC(rec) rec_vec;

typedef struct part {
    const char *text; /* the whole text: error positions count from 0 */
    size_t len;
    size_t start, end; /* this part's expressions start in [start, end) */
    size_t stop;       /* where parsing stopped (== end when consistent) */
    rt_buf keys;
    rec_vec recs;
    rec_vec tmp;    /* radix sort scratch */
    size_t lcp;     /* common prefix of this part's keys */
    size_t lcp_all; /* set by the owner before sorting */
    size_t *cut;    /* nranges + 1 slice bounds after sorting */
    uint64_t cpu[2]; /* thread CPU of the parse and sort jobs */
    int rc;
    mork_perr err;
} part;

typedef struct range {
    part *parts;
    size_t nparts, j;
    pm_trie *trie;
    uint64_t cpu;
    int rc;
} range;

static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Fold the per-job CPU times of one phase into the stats. */
static void phase_done(mork_load_stats *st, int ph, uint64_t wall0, const uint64_t *cpu,
                       size_t stride, size_t n)
{
    if (!st)
        return;
    st->wall_ns[ph] += rt_now_ns() - wall0;
    uint64_t mx = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t c = *(const uint64_t *)((const char *)cpu + i * stride);
        st->cpu_sum_ns[ph] += c;
        mx = c > mx ? c : mx;
    }
    st->cpu_max_ns[ph] += mx;
}

static size_t lcp_of(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    size_t n = na < nb ? na : nb, i = 0;
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* Parse every expression that starts in [p->start, p->end). */
static void parse_part(part *p)
{
    mork_parser *ps = NULL;
    size_t pos = p->start;
    p->rc = mork_parser_new(&ps);
    /* The encoding is never much longer than the text: reserve once
     * instead of copying the buffer as it grows. */
    size_t span = p->end - p->start;
    if (!p->rc && (rt_vec_reserve(&p->keys, span + span / 8 + 64) ||
                   rt_vec_reserve(&p->recs, span / 16 + 16)))
        p->rc = RT_ENOMEM;
    while (!p->rc) {
        pos = mork_skip_blank(p->text, p->len, pos);
        if (pos >= p->end)
            break;
        int found;
        size_t before = p->keys.n;
        p->rc = mork_parse_next(ps, p->text, p->len, &pos, &p->keys, &found, &p->err);
        if (p->rc || !found)
            break;
        /* An offset for now: the buffer may still move. */
        rec r = {0, (const uint8_t *)(uintptr_t)before, p->keys.n - before};
        p->rc = rt_vec_push(&p->recs, r);
    }
    p->stop = pos;
    mork_parser_free(ps);
    if (p->rc)
        return;
    for (size_t i = 0; i < p->recs.n; i++)
        p->recs.v[i].key = p->keys.v + (size_t)(uintptr_t)p->recs.v[i].key;
    p->lcp = p->recs.n ? p->recs.v[0].len : 0;
    for (size_t i = 1; i < p->recs.n && p->lcp; i++)
        p->lcp = lcp_of(p->recs.v[0].key, p->lcp, p->recs.v[i].key, p->recs.v[i].len);
}

static uint64_t prefix8(const rec *r, size_t at)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | (at + i < r->len ? r->key[at + i] : 0);
    return v;
}

/* LSD radix sort by pfx, skipping digits on which all records agree.
 * Large inputs use 16-bit digits (4 passes instead of 8). */
static int sort_recs(part *p)
{
    size_t n = p->recs.n;
    if (n < 2)
        return RT_OK;
    rec *a = p->recs.v, *b;
    size_t k = 1;
    while (k < n && a[k - 1].pfx <= a[k].pfx) /* text already in order */
        k++;
    if (k == n)
        return RT_OK;
    int bits = n >= (1u << 16) ? 16 : 8;
    size_t nd = (size_t)1 << bits, mask = nd - 1;
    size_t *cnt = rt_malloc(nd * sizeof *cnt);
    if (!cnt || rt_vec_reserve(&p->tmp, n)) {
        rt_free(cnt);
        return RT_ENOMEM;
    }
    b = p->tmp.v;
    for (int shift = 0; shift < 64; shift += bits) {
        memset(cnt, 0, nd * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            cnt[(a[i].pfx >> shift) & mask]++;
        if (cnt[(a[0].pfx >> shift) & mask] == n)
            continue;
        size_t sum = 0;
        for (size_t d = 0; d < nd; d++) {
            size_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[cnt[(a[i].pfx >> shift) & mask]++] = a[i];
        rec *t = a;
        a = b;
        b = t;
    }
    rt_free(cnt);
    if (a != p->recs.v) { /* the result sits in the scratch vector: swap */
        rec *t = p->recs.v;
        size_t c = p->recs.cap;
        p->recs.v = p->tmp.v;
        p->recs.cap = p->tmp.cap;
        p->tmp.v = t;
        p->tmp.cap = c;
    }
    return RT_OK;
}

/* Byte order of two records' keys (a proper prefix first). */
static int rec_cmp(const rec *a, const rec *b)
{
    if (a->pfx != b->pfx)
        return a->pfx < b->pfx ? -1 : 1;
    size_t m = a->len < b->len ? a->len : b->len;
    int c = m ? memcmp(a->key, b->key, m) : 0;
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int rec_qcmp(const void *a, const void *b)
{
    return rec_cmp(a, b);
}

/* The radix sort orders by the 8-byte prefix only; runs that tie on it are
 * put in full byte order so the ranges can be built bottom-up. Repeats of
 * a key are the same bytes with the same (absent) value, so their order
 * among themselves does not matter. */
static void order_ties(part *p)
{
    rec *a = p->recs.v;
    size_t n = p->recs.n;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a[j].pfx == a[i].pfx)
            j++;
        if (j - i > 1) {
            int sorted = 1;
            for (size_t k = i + 1; k < j && sorted; k++)
                sorted = rec_cmp(&a[k - 1], &a[k]) <= 0;
            if (!sorted)
                qsort(a + i, j - i, sizeof *a, rec_qcmp);
        }
        i = j;
    }
}

/* Copy the keys into sorted order. Sorting scattered them over the parse
 * buffer; every later pass (tie order, merge, the bottom-up build, which
 * reads each key once per level) then walks memory in address order
 * instead of missing the cache on every key. */
static int gather_keys(part *p)
{
    enum { AHEAD = 16 };
    rt_buf out = {0};
    if (rt_vec_reserve(&out, p->keys.n ? p->keys.n : 1))
        return RT_ENOMEM;
    rec *a = p->recs.v;
    size_t n = p->recs.n, o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n)
            __builtin_prefetch(a[i + AHEAD].key);
        memcpy(out.v + o, a[i].key, a[i].len);
        a[i].key = out.v + o;
        o += a[i].len;
    }
    out.n = o;
    rt_vec_free(&p->keys);
    p->keys = out;
    return RT_OK;
}

static void parse_job(void *arg, int worker)
{
    (void)worker;
    part *p = arg;
    uint64_t c0 = thread_cpu_ns();
    parse_part(p);
    p->cpu[0] = thread_cpu_ns() - c0;
}

typedef struct sort_arg {
    part *p;
    const uint64_t *split; /* nsplit ascending splitters */
    size_t nsplit;
} sort_arg;

static void sort_job(void *arg, int worker)
{
    (void)worker;
    sort_arg *s = arg;
    part *p = s->p;
    uint64_t c0 = thread_cpu_ns();
    for (size_t i = 0; i < p->recs.n; i++)
        p->recs.v[i].pfx = prefix8(&p->recs.v[i], p->lcp_all);
    p->rc = sort_recs(p);
    if (!p->rc)
        p->rc = gather_keys(p);
    if (!p->rc)
        order_ties(p);
    rt_vec_free(&p->tmp); /* scratch: not needed while the tries are built */
    if (p->rc) {
        p->cpu[1] = thread_cpu_ns() - c0;
        return;
    }
    /* Slice j holds pfx in [split[j-1], split[j]). */
    size_t at = 0;
    p->cut[0] = 0;
    for (size_t j = 0; j < s->nsplit; j++) {
        while (at < p->recs.n && p->recs.v[at].pfx < s->split[j])
            at++;
        p->cut[j + 1] = at;
    }
    p->cut[s->nsplit + 1] = p->recs.n;
    p->cpu[1] = thread_cpu_ns() - c0;
}

/* Range j: merge part slices (each sorted) into one sorted batch and build
 * its trie bottom-up, every node made once at its final size. */
static void range_job(void *arg, int worker)
{
    (void)worker;
    range *r = arg;
    uint64_t c0 = thread_cpu_ns();
    size_t n = 0;
    for (size_t i = 0; i < r->nparts; i++)
        n += r->parts[i].cut[r->j + 1] - r->parts[i].cut[r->j];
    pm_kv *kv = rt_malloc((n ? n : 1) * sizeof *kv);
    size_t *at = rt_calloc(r->nparts, sizeof *at);
    if (!kv || !at) {
        r->rc = RT_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < r->nparts; i++)
        at[i] = r->parts[i].cut[r->j];
    /* A linear scan over the part heads: there is one part per thread. */
    for (size_t k = 0; k < n; k++) {
        const rec *best = NULL;
        size_t bi = 0;
        for (size_t i = 0; i < r->nparts; i++) {
            const part *p = &r->parts[i];
            if (at[i] < p->cut[r->j + 1] &&
                (!best || rec_cmp(&p->recs.v[at[i]], best) < 0)) {
                best = &p->recs.v[at[i]];
                bi = i;
            }
        }
        at[bi]++;
        kv[k] = (pm_kv){best->key, best->len, 0};
    }
    r->rc = n ? pm_build(&r->trie, kv, n, NULL) : pm_new(&r->trie);
out:
    rt_free(at);
    rt_free(kv);
    r->cpu = thread_cpu_ns() - c0;
}

/* Start of the first line at or after `at` that begins with '('. */
static size_t cut_at(const char *text, size_t len, size_t at)
{
    if (at == 0)
        return 0;
    while (at < len) {
        const char *nl = memchr(text + at - 1, '\n', len - at + 1);
        if (!nl)
            return len;
        at = (size_t)(nl - text) + 1;
        if (at < len && text[at] == '(')
            return at;
        at++;
    }
    return len;
}

static void free_parts(part *parts, size_t np)
{
    for (size_t i = 0; i < np; i++) {
        rt_vec_free(&parts[i].keys);
        rt_vec_free(&parts[i].recs);
        rt_vec_free(&parts[i].tmp);
        rt_free(parts[i].cut);
    }
    rt_free(parts);
}

/* Run fn over args on the pool (or inline); returns the submit status. */
static int run_all(rt_pool *pool, rt_job_fn fn, void *args, size_t size, size_t n)
{
    int rc = RT_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        void *a = (char *)args + i * size;
        if (pool)
            rc = rt_pool_submit(pool, fn, a);
        else
            fn(a, 0);
    }
    if (pool)
        rt_pool_wait(pool);
    return rc;
}

/* Up to nr - 1 splitters from a sample of the prefixes: ascending. */
static size_t pick_splitters(const part *parts, size_t np, size_t lcp, size_t total, size_t nr,
                             uint64_t *split)
{
    enum { SAMPLES = 1024 };
    uint64_t smp[SAMPLES];
    size_t ns = 0, step = total / SAMPLES + 1, k = 0;
    for (size_t i = 0; i < np; i++)
        for (size_t r = 0; r < parts[i].recs.n; r++, k++)
            if (k % step == 0 && ns < SAMPLES)
                smp[ns++] = prefix8(&parts[i].recs.v[r], lcp);
    for (size_t i = 1; i < ns; i++) { /* insertion sort: small */
        uint64_t v = smp[i];
        size_t j = i;
        while (j > 0 && smp[j - 1] > v) {
            smp[j] = smp[j - 1];
            j--;
        }
        smp[j] = v;
    }
    size_t nsplit = 0;
    for (size_t j = 1; j < nr && ns; j++) {
        uint64_t v = smp[ns * j / nr];
        if (nsplit == 0 || v > split[nsplit - 1])
            split[nsplit++] = v;
    }
    return nsplit;
}

enum { MIN_RANGE = 1 << 14 }; /* fewer keys than this: one range */

static int build(mork_space *s, part *parts, size_t np, rt_pool *pool, size_t *nexprs,
                 mork_load_stats *st)
{
    uint64_t t0 = rt_now_ns(), serial = 0;
    size_t total = 0, lcp = SIZE_MAX;
    const rec *first = NULL;
    for (size_t i = 0; i < np; i++) {
        total += parts[i].recs.n;
        if (!parts[i].recs.n)
            continue;
        if (!first) {
            first = &parts[i].recs.v[0];
            lcp = parts[i].lcp;
        } else {
            size_t l = lcp_of(first->key, first->len, parts[i].recs.v[0].key,
                              parts[i].recs.v[0].len);
            l = l < parts[i].lcp ? l : parts[i].lcp;
            lcp = l < lcp ? l : lcp;
        }
    }
    if (nexprs)
        *nexprs = total;
    if (!total)
        return RT_OK;
    /* Small loads are not worth a hand-off to the pool. */
    size_t nr = pool && total >= MIN_RANGE ? (size_t)rt_pool_nthreads(pool) : 1;
    uint64_t split[64];
    if (nr > 64)
        nr = 64;
    size_t nsplit = nr > 1 ? pick_splitters(parts, np, lcp, total, nr, split) : 0;
    nr = nsplit + 1;

    int rc = RT_OK;
    sort_arg *sa = rt_calloc(np, sizeof *sa);
    range *rg = rt_calloc(nr, sizeof *rg);
    if (!sa || !rg) {
        rc = RT_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < np; i++) {
        parts[i].lcp_all = lcp;
        if (!(parts[i].cut = rt_calloc(nr + 1, sizeof *parts[i].cut))) {
            rc = RT_ENOMEM;
            goto done;
        }
        sa[i] = (sort_arg){&parts[i], split, nsplit};
    }
    serial += rt_now_ns() - t0;
    uint64_t w = rt_now_ns();
    rc = run_all(pool, sort_job, sa, sizeof *sa, np);
    phase_done(st, MORK_PHASE_SORT, w, &parts[0].cpu[1], sizeof *parts, np);
    if (rc)
        goto done;
    for (size_t i = 0; i < np; i++)
        if ((rc = parts[i].rc))
            goto done;
    for (size_t j = 0; j < nr; j++)
        rg[j] = (range){.parts = parts, .nparts = np, .j = j};
    w = rt_now_ns();
    rc = run_all(nr > 1 ? pool : NULL, range_job, rg, sizeof *rg, nr);
    phase_done(st, MORK_PHASE_BUILD, w, &rg[0].cpu, sizeof *rg, nr);
    if (rc)
        goto done;
    t0 = rt_now_ns();
    for (size_t j = 0; j < nr && !rc; j++)
        rc = rg[j].rc;
    for (size_t j = 1; j < nr && !rc; j++)
        rc = pm_join(rg[0].trie, rg[j].trie);
    if (!rc)
        rc = pm_is_empty(s->trie) ? (pm_swap(s->trie, rg[0].trie), RT_OK)
                                  : pm_join(s->trie, rg[0].trie);
    serial += rt_now_ns() - t0;
    if (st) {
        st->serial_ns += serial;
        st->ranges = (uint32_t)nr;
    }
done:
    if (rg)
        for (size_t j = 0; j < nr; j++)
            pm_free(rg[j].trie);
    rt_free(rg);
    rt_free(sa);
    return rc;
}

enum { MIN_PART = 1 << 16 }; /* below this a part is not worth a thread */

int mork_space_add_text(mork_space *s, const char *text, size_t len, rt_pool *pool,
                        size_t *nexprs, mork_perr *err)
{
    return mork_space_add_text_stats(s, text, len, pool, nexprs, err, NULL);
}

int mork_space_add_text_stats(mork_space *s, const char *text, size_t len, rt_pool *pool,
                              size_t *nexprs, mork_perr *err, mork_load_stats *st)
{
    uint64_t start = rt_now_ns();
    int nt = pool ? rt_pool_nthreads(pool) : 1;
    if (nexprs)
        *nexprs = 0;
    if (nt <= 1)
        pool = NULL;
    size_t np = (size_t)nt;
    if (np > len / MIN_PART)
        np = len / MIN_PART;
    if (np < 1)
        np = 1;
    part *parts = rt_calloc(np, sizeof *parts);
    if (!parts)
        return RT_ENOMEM;
    int rc = RT_OK;
    size_t prev = 0;
    for (size_t i = 0; i < np; i++) {
        size_t next = i + 1 == np ? len : cut_at(text, len, len / np * (i + 1));
        if (next < prev)
            next = prev;
        parts[i] = (part){.text = text, .len = len, .start = prev, .end = next};
        prev = next;
    }
    uint64_t w = rt_now_ns();
    if (st)
        st->serial_ns += w - start;
    rc = run_all(np > 1 ? pool : NULL, parse_job, parts, sizeof *parts, np);
    phase_done(st, MORK_PHASE_PARSE, w, &parts[0].cpu[0], sizeof *parts, np);
    if (st)
        st->parts = (uint32_t)np;
    if (rc)
        goto done;
    for (size_t i = 0; i < np; i++) {
        if (parts[i].rc) {
            rc = parts[i].rc;
            if ((rc == RT_ESYNTAX || rc == RT_ELIMIT) && err)
                *err = parts[i].err;
            goto done;
        }
        if (parts[i].stop != parts[i].end && i + 1 < np) {
            /* The cut after part i fell inside an expression or a string:
             * parts 0..i are right (part i read on past its end), the later
             * ones started at a false boundary. Parse the rest after part
             * i's last expression, on this thread. */
            part *q = &parts[i + 1];
            for (size_t j = i + 1; j < np; j++) {
                rt_vec_free(&parts[j].keys);
                rt_vec_free(&parts[j].recs);
            }
            *q = (part){.text = text, .len = len, .start = parts[i].stop, .end = len};
            np = i + 2;
            w = rt_now_ns();
            parse_job(q, 0);
            if (st) { /* on the critical path: serial work */
                st->wall_ns[MORK_PHASE_PARSE] += rt_now_ns() - w;
                st->cpu_sum_ns[MORK_PHASE_PARSE] += q->cpu[0];
                st->serial_ns += q->cpu[0];
                st->parts = (uint32_t)np;
            }
            if ((rc = q->rc)) {
                if ((rc == RT_ESYNTAX || rc == RT_ELIMIT) && err)
                    *err = q->err;
                goto done;
            }
            break;
        }
    }
    rc = build(s, parts, np, pool, nexprs, st);
done:
    free_parts(parts, np);
    return rc;
}

int mork_space_load_file(mork_space *s, const char *path, rt_pool *pool, size_t *nexprs,
                         mork_perr *err)
{
    rt_map m;
    int rc = rt_map_open(&m, path);
    if (rc)
        return rc;
    rc = mork_space_add_text(s, (const char *)m.data, m.len, pool, nexprs, err);
    rt_map_close(&m);
    return rc;
}
