/* agc_splitter: reference singletons -> spaced splitters (see the header for
 * the rule), and the read-only probe set. */
#include "agc/agc_splitter.h"

#include <string.h>

int agc_sset_build(agc_sset *s, const uint64_t *v, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap <<= 1;
    s->slot = rt_malloc(cap * sizeof *s->slot);
    if (!s->slot)
        return RT_ENOMEM;
    memset(s->slot, 0xFF, cap * sizeof *s->slot);
    s->mask = cap - 1;
    s->n = 0;
    s->fbits = 16;
    while (s->fbits < 30 && ((size_t)1 << s->fbits) < 16 * n)
        s->fbits++;
    s->filter = rt_calloc(((size_t)1 << s->fbits) / 64, sizeof *s->filter);
    if (!s->filter) {
        rt_free(s->slot);
        s->slot = NULL;
        return RT_ENOMEM;
    }
    for (size_t j = 0; j < n; j++) {
        uint64_t x = v[j];
        size_t i = (size_t)rt_mix64(x) & s->mask;
        while (s->slot[i] != AGC_KMER_NONE && s->slot[i] != x)
            i = (i + 1) & s->mask;
        if (s->slot[i] == AGC_KMER_NONE) {
            s->slot[i] = x;
            s->n++;
            uint64_t f = (x * AGC_SSET_MUL) >> (64 - s->fbits);
            s->filter[f >> 6] |= (uint64_t)1 << (f & 63);
        }
    }
    return RT_OK;
}

void agc_sset_free(agc_sset *s)
{
    rt_free(s->slot);
    rt_free(s->filter);
    s->slot = NULL;
    s->filter = NULL;
    s->n = 0;
}

int agc_splitters_scan(const uint8_t *s, size_t n, uint32_t k, uint32_t seg_size,
                       const uint64_t *cand, size_t ncand, uint64_t fb_thr, agc_u64vec *spl,
                       agc_fbvec *fb)
{
    /* minimizers since the last splitter: kmer, dir */
    RT_VEC(agc_fbrec) seen = {0};
    uint64_t cur = seg_size, prev = AGC_KMER_NONE, last = AGC_KMER_NONE;
    size_t tail = 0;
    int rc = RT_OK;
    agc_kmer km;
    agc_kmer_init(&km, k);
    for (size_t i = 0; i < n && !rc; i++) {
        if (s[i] > 3) {
            agc_kmer_reset(&km);
        } else if (agc_kmer_push(&km, s[i])) {
            uint64_t d = agc_kmer_canon(&km);
            if (fb_thr && agc_fb_pass(d, fb_thr) && km.dir != km.rc) {
                agc_fbrec r = {0, 0, d, (uint8_t)agc_kmer_is_dir(&km)};
                rc = rt_vec_push(&seen, r);
            }
            if (cur >= seg_size && agc_kmer_bsearch(cand, ncand, d)) {
                if (!rc)
                    rc = rt_vec_push(spl, d);
                for (size_t j = 0; j < seen.n && !rc; j++) {
                    agc_fbrec r = {prev, d, seen.v[j].kmer, seen.v[j].dir};
                    rc = rt_vec_push(fb, r);
                }
                rt_vec_clear(&seen);
                prev = d;
                cur = 0;
                agc_kmer_reset(&km);
                tail = i + 1;
            }
        }
        cur++;
    }
    /* the rightmost candidate after the last splitter */
    agc_kmer_reset(&km);
    for (size_t i = tail; i < n && !rc; i++) {
        if (s[i] > 3) {
            agc_kmer_reset(&km);
        } else if (agc_kmer_push(&km, s[i])) {
            uint64_t d = agc_kmer_canon(&km);
            if (agc_kmer_bsearch(cand, ncand, d))
                last = d;
        }
    }
    if (!rc && last != AGC_KMER_NONE) {
        rc = rt_vec_push(spl, last);
        for (size_t j = 0; j < seen.n && !rc; j++) {
            agc_fbrec r = {prev, last, seen.v[j].kmer, seen.v[j].dir};
            rc = rt_vec_push(fb, r);
        }
    }
    rt_vec_free(&seen);
    return rc;
}

/* Enumeration runs over chunks of at most ECHUNK symbols so that one long
 * contig still spreads over the pool; chunk i writes at off[i]. */
#define ECHUNK ((size_t)1 << 20)

typedef struct {
    size_t ctg, from, to;
} echunk;

typedef struct {
    const agc_seqref *ctg;
    uint32_t k, seg_size;
    uint64_t fb_thr;
    uint64_t *kmers;        /* enumeration area */
    const echunk *ch;
    size_t *off, *cnt;      /* per chunk */
    const uint64_t *cand;   /* sorted singletons */
    size_t ncand;
    agc_u64vec *spl;        /* per contig splitters */
    agc_fbvec *fb;          /* per contig fallback records */
    int err;
} find_ctx;

typedef struct {
    find_ctx *c;
    size_t i;
} find_job;

static void enum_job(void *arg, int worker)
{
    find_job *j = arg;
    find_ctx *c = j->c;
    const echunk *e = &c->ch[j->i];
    (void)worker;
    c->cnt[j->i] = agc_kmer_enumerate_range(c->ctg[e->ctg].s, c->ctg[e->ctg].n, e->from, e->to,
                                            c->k, c->kmers + c->off[j->i]);
}

static void scan_job(void *arg, int worker)
{
    find_job *j = arg;
    find_ctx *c = j->c;
    (void)worker;
    int rc = agc_splitters_scan(c->ctg[j->i].s, c->ctg[j->i].n, c->k, c->seg_size, c->cand,
                                c->ncand, c->fb_thr, &c->spl[j->i], &c->fb[j->i]);
    if (rc)
        c->err = rc;
}

static void run_all(rt_pool *pool, rt_job_fn fn, find_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (pool)
            rt_pool_submit(pool, fn, &jobs[i]);
        else
            fn(&jobs[i], 0);
    }
    if (pool)
        rt_pool_wait(pool);
}

/* Sort v[0..n) with tmp as scratch: the top byte distributes the keys into
 * 256 buckets (one sequential pass), the buckets are sorted by the pool. */
typedef struct {
    uint64_t *v, *tmp;
    size_t from, to;
} sort_job;

static void bucket_job(void *arg, int worker)
{
    sort_job *j = arg;
    (void)worker;
    size_t n = j->to - j->from;
    agc_kmer_sort(j->tmp + j->from, j->v + j->from, n);
    memcpy(j->v + j->from, j->tmp + j->from, n * sizeof *j->v);
}

static int par_sort(uint64_t *v, uint64_t *tmp, size_t n, rt_pool *pool)
{
    if (!pool || rt_pool_nthreads(pool) < 2 || n < ((size_t)1 << 20)) {
        agc_kmer_sort(v, tmp, n);
        return RT_OK;
    }
    size_t cnt[257] = {0};
    for (size_t i = 0; i < n; i++)
        cnt[(v[i] >> 56) + 1]++;
    for (int b = 0; b < 256; b++)
        cnt[b + 1] += cnt[b];
    size_t pos[256];
    memcpy(pos, cnt, sizeof pos);
    for (size_t i = 0; i < n; i++)
        tmp[pos[v[i] >> 56]++] = v[i];
    /* about 4 jobs per thread, cut at bucket boundaries */
    size_t per = n / (size_t)(4 * rt_pool_nthreads(pool)) + 1;
    sort_job jobs[256];
    size_t nj = 0, from = 0;
    for (int b = 1; b <= 256; b++) {
        if (cnt[b] - from >= per || b == 256) {
            if (cnt[b] > from) {
                jobs[nj].v = v;
                jobs[nj].tmp = tmp;
                jobs[nj].from = from;
                jobs[nj].to = cnt[b];
                nj++;
            }
            from = cnt[b];
        }
    }
    int rc = RT_OK;
    for (size_t i = 0; i < nj && !rc; i++)
        rc = rt_pool_submit(pool, bucket_job, &jobs[i]);
    rt_pool_wait(pool);
    return rc;
}

/* Split sorted v into its singletons (kept in v, returned count) and, when
 * dups is set, its distinct repeated values (into dups, *ndups). */
static size_t split_singletons(uint64_t *v, size_t n, uint64_t *dups, size_t *ndups)
{
    size_t m = 0, d = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i])
            j++;
        if (j == i + 1)
            v[m++] = v[i];
        else if (dups)
            dups[d++] = v[i];
        i = j;
    }
    if (ndups)
        *ndups = d;
    return m;
}

void agc_split_out_free(agc_split_out *out)
{
    rt_free(out->spl);
    rt_vec_free(&out->fb);
    rt_free(out->singles);
    rt_free(out->dups);
    memset(out, 0, sizeof *out);
}

int agc_splitters_find(const agc_seqref *ctg, size_t nctg, uint32_t k, uint32_t seg_size,
                       uint64_t fb_thr, int keep_kmers, rt_pool *pool, agc_split_out *out)
{
    int rc = RT_ENOMEM;
    find_ctx c;
    memset(&c, 0, sizeof c);
    memset(out, 0, sizeof *out);
    c.ctg = ctg;
    c.k = k;
    c.seg_size = seg_size;
    c.fb_thr = fb_thr;
    size_t total = 0, nch = 0;
    uint64_t *tmp = NULL, *all = NULL;
    echunk *ch = NULL;
    find_job *ejobs = NULL;
    find_job *jobs = rt_calloc(nctg ? nctg : 1, sizeof *jobs);
    c.spl = rt_calloc(nctg + 1, sizeof *c.spl);
    c.fb = rt_calloc(nctg + 1, sizeof *c.fb);
    for (size_t i = 0; i < nctg; i++)
        nch += (ctg[i].n + ECHUNK - 1) / ECHUNK;
    ch = rt_calloc(nch + 1, sizeof *ch);
    ejobs = rt_calloc(nch + 1, sizeof *ejobs);
    c.off = rt_calloc(nch + 1, sizeof *c.off);
    c.cnt = rt_calloc(nch + 1, sizeof *c.cnt);
    if (!jobs || !c.off || !c.cnt || !c.spl || !c.fb || !ch || !ejobs)
        goto done;
    nch = 0;
    for (size_t i = 0; i < nctg; i++) {
        jobs[i].c = &c;
        jobs[i].i = i;
        for (size_t f = 0; f < ctg[i].n; f += ECHUNK) {
            ch[nch].ctg = i;
            ch[nch].from = f;
            ch[nch].to = f + ECHUNK < ctg[i].n ? f + ECHUNK : ctg[i].n;
            c.off[nch] = total + f;
            ejobs[nch].c = &c;
            ejobs[nch].i = nch;
            nch++;
        }
        total += ctg[i].n;
    }
    c.ch = ch;
    c.kmers = rt_malloc((total + 1) * sizeof *c.kmers);
    if (!c.kmers)
        goto done;
    run_all(pool, enum_job, ejobs, nch);
    size_t m = 0;
    for (size_t i = 0; i < nch; i++) {
        memmove(c.kmers + m, c.kmers + c.off[i], c.cnt[i] * sizeof *c.kmers);
        m += c.cnt[i];
    }
    tmp = rt_malloc((m + 1) * sizeof *tmp);
    if (!tmp)
        goto done;
    if ((rc = par_sort(c.kmers, tmp, m, pool)))
        goto done;
    rc = RT_ENOMEM;
    /* the repeated values go into the (now free) radix buffer */
    size_t ndups = 0;
    c.ncand = split_singletons(c.kmers, m, keep_kmers ? tmp : NULL, &ndups);
    c.cand = c.kmers;
    if (keep_kmers) {
        out->dups = rt_realloc(tmp, (ndups + 1) * sizeof *tmp);
        if (!out->dups)
            goto done;
        out->ndups = ndups;
        tmp = NULL;
    } else {
        rt_free(tmp);
        tmp = NULL;
    }
    run_all(pool, scan_job, jobs, nctg);
    if (c.err) {
        rc = c.err;
        goto done;
    }
    size_t ns = 0, nf = 0;
    for (size_t i = 0; i < nctg; i++) {
        ns += c.spl[i].n;
        nf += c.fb[i].n;
    }
    all = rt_malloc((ns + 1) * sizeof *all);
    tmp = rt_malloc((ns + 1) * sizeof *tmp);
    if (!all || !tmp || rt_vec_reserve(&out->fb, nf + 1))
        goto done;
    ns = 0;
    for (size_t i = 0; i < nctg; i++) {
        if (c.spl[i].n)
            memcpy(all + ns, c.spl[i].v, c.spl[i].n * sizeof *all);
        ns += c.spl[i].n;
        for (size_t j = 0; j < c.fb[i].n; j++)
            out->fb.v[out->fb.n++] = c.fb[i].v[j];
    }
    agc_kmer_sort(all, tmp, ns);
    size_t u = 0;
    for (size_t i = 0; i < ns; i++)
        if (u == 0 || all[u - 1] != all[i])
            all[u++] = all[i];
    out->spl = all;
    out->nspl = u;
    all = NULL;
    if (keep_kmers) {
        out->singles = rt_realloc(c.kmers, (c.ncand + 1) * sizeof *c.kmers);
        if (!out->singles)
            goto done;
        out->nsingles = c.ncand;
        c.kmers = NULL;
    }
    rc = RT_OK;
done:
    if (c.spl)
        for (size_t i = 0; i < nctg; i++) {
            rt_vec_free(&c.spl[i]);
            rt_vec_free(&c.fb[i]);
        }
    rt_free(all);
    rt_free(tmp);
    rt_free(c.kmers);
    rt_free(c.spl);
    rt_free(c.fb);
    rt_free(c.off);
    rt_free(c.cnt);
    rt_free(ch);
    rt_free(ejobs);
    rt_free(jobs);
    if (rc)
        agc_split_out_free(out);
    return rc;
}
