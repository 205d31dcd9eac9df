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

typedef struct {
    const agc_seqref *ctg;
    uint32_t k, seg_size;
    uint64_t *kmers;        /* enumeration area, contig i at off[i] */
    size_t *off, *cnt;
    const uint64_t *cand;   /* sorted singletons */
    size_t ncand;
    uint64_t **spl;         /* per contig splitters */
    size_t *nspl;
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
    (void)worker;
    c->cnt[j->i] = agc_kmer_enumerate(c->ctg[j->i].s, c->ctg[j->i].n, c->k, c->kmers + c->off[j->i]);
}

/* The scan of one contig. After the last splitter the tail is scanned again
 * to find its rightmost candidate, which is also a splitter. */
static void scan_job(void *arg, int worker)
{
    find_job *j = arg;
    find_ctx *c = j->c;
    const uint8_t *s = c->ctg[j->i].s;
    size_t n = c->ctg[j->i].n;
    (void)worker;
    size_t cap = n / (c->seg_size ? c->seg_size : 1) + 3;
    uint64_t *spl = rt_malloc(cap * sizeof *spl);
    if (!spl) {
        c->err = RT_ENOMEM;
        return;
    }
    size_t ns = 0, tail = 0;
    uint64_t cur = c->seg_size;
    agc_kmer km;
    agc_kmer_init(&km, c->k);
    for (size_t i = 0; i < n; i++) {
        if (s[i] > 3) {
            agc_kmer_reset(&km);
        } else if (agc_kmer_push(&km, s[i])) {
            uint64_t d = agc_kmer_canon(&km);
            if (cur >= c->seg_size && agc_kmer_bsearch(c->cand, c->ncand, d)) {
                /* at most one splitter per seg_size symbols, so cap holds */
                spl[ns++] = d;
                cur = 0;
                agc_kmer_reset(&km);
                tail = i + 1;
            }
        }
        cur++;
    }
    uint64_t last = AGC_KMER_NONE;
    agc_kmer_reset(&km);
    for (size_t i = tail; i < n; i++) {
        if (s[i] > 3) {
            agc_kmer_reset(&km);
        } else if (agc_kmer_push(&km, s[i])) {
            uint64_t d = agc_kmer_canon(&km);
            if (agc_kmer_bsearch(c->cand, c->ncand, d))
                last = d;
        }
    }
    if (last != AGC_KMER_NONE && ns < cap)
        spl[ns++] = last;
    c->spl[j->i] = spl;
    c->nspl[j->i] = ns;
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

int agc_splitters_find(const agc_seqref *ctg, size_t nctg, uint32_t k, uint32_t seg_size,
                       rt_pool *pool, uint64_t **out, size_t *nout)
{
    int rc = RT_ENOMEM;
    find_ctx c;
    memset(&c, 0, sizeof c);
    c.ctg = ctg;
    c.k = k;
    c.seg_size = seg_size;
    size_t total = 0;
    uint64_t *tmp = NULL, *all = NULL;
    find_job *jobs = rt_calloc(nctg ? nctg : 1, sizeof *jobs);
    c.off = rt_calloc(nctg + 1, sizeof *c.off);
    c.cnt = rt_calloc(nctg + 1, sizeof *c.cnt);
    c.spl = rt_calloc(nctg + 1, sizeof *c.spl);
    c.nspl = rt_calloc(nctg + 1, sizeof *c.nspl);
    if (!jobs || !c.off || !c.cnt || !c.spl || !c.nspl)
        goto done;
    for (size_t i = 0; i < nctg; i++) {
        c.off[i] = total;
        total += ctg[i].n;
        jobs[i].c = &c;
        jobs[i].i = i;
    }
    c.kmers = rt_malloc((total + 1) * sizeof *c.kmers);
    if (!c.kmers)
        goto done;
    run_all(pool, enum_job, jobs, nctg);
    size_t m = 0;
    for (size_t i = 0; i < nctg; i++) {
        memmove(c.kmers + m, c.kmers + c.off[i], c.cnt[i] * sizeof *c.kmers);
        m += c.cnt[i];
    }
    tmp = rt_malloc((m + 1) * sizeof *tmp);
    if (!tmp)
        goto done;
    agc_kmer_sort(c.kmers, tmp, m);
    rt_free(tmp);
    tmp = NULL;
    c.cand = c.kmers;
    c.ncand = agc_kmer_singletons(c.kmers, m);
    run_all(pool, scan_job, jobs, nctg);
    if (c.err) {
        rc = c.err;
        goto done;
    }
    size_t ns = 0;
    for (size_t i = 0; i < nctg; i++)
        ns += c.nspl[i];
    all = rt_malloc((ns + 1) * sizeof *all);
    tmp = rt_malloc((ns + 1) * sizeof *tmp);
    if (!all || !tmp)
        goto done;
    ns = 0;
    for (size_t i = 0; i < nctg; i++) {
        memcpy(all + ns, c.spl[i], c.nspl[i] * sizeof *all);
        ns += c.nspl[i];
    }
    agc_kmer_sort(all, tmp, ns);
    size_t u = 0;
    for (size_t i = 0; i < ns; i++)
        if (u == 0 || all[u - 1] != all[i])
            all[u++] = all[i];
    *out = all;
    *nout = u;
    all = NULL;
    rc = RT_OK;
done:
    if (c.spl)
        for (size_t i = 0; i < nctg; i++)
            rt_free(c.spl[i]);
    rt_free(all);
    rt_free(tmp);
    rt_free(c.kmers);
    rt_free(c.spl);
    rt_free(c.nspl);
    rt_free(c.off);
    rt_free(c.cnt);
    rt_free(jobs);
    return rc;
}
