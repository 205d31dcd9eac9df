/*
 * agc_compress_round: phase A of a round and the round as a whole.
 *
 *   A1  chunks of 1 Mbp of every contig scanned for splitter hits (pool)
 *   A2  hits -> segments per contig (owner, cheap)
 *   (-a) contigs without any splitter: new splitters (pool), cut again
 *   A3  every segment classified (pool)
 *   A4  part numbers per contig (owner)
 *   B-D registration, group compression, parts (agc_compress_store.c)
 *
 * Splitting A into a scan and a per-segment step keeps every worker busy
 * even when a round is one long contig.
 */
#include <stdlib.h>
#include <string.h>

#include "agc/agc_compress_int.h"

/* Scan window of A1: large enough to amortise a job, small enough that a
 * bacterial chromosome gives every worker several. */
#define CHUNK ((size_t)1 << 20)

typedef struct {
    cstate *s;
    uint32_t from, to;
    cctg_vec *round;        /* A1 only: which round's contigs and chunks */
    cchunk_vec *chunks;
} ajob;

static void hits_job(void *arg, int worker)
{
    ajob *j = arg;
    cstate *s = j->s;
    cworker *w = &s->w[worker];
    for (uint32_t i = j->from; i < j->to && !w->err; i++) {
        cchunk *ch = &j->chunks->v[i];
        const cctg *c = &j->round->v[ch->ctg];
        w->err = agc_segment_hits(c->seq, c->len, ch->from, ch->to, s->o.k, &s->splitters,
                                  &ch->hits);
    }
}

static void seg_job(void *arg, int worker)
{
    ajob *j = arg;
    cstate *s = j->s;
    cworker *w = &s->w[worker];
    for (uint32_t i = j->from; i < j->to && !w->err; i++)
        w->err = cs_classify_seg(s, w, &s->segs.v[i]);
}


/* Submit fn over [0, n) in jobs of per_job items; *out receives the job
 * array (owned) that must live until the pool has been waited for. */
static int submit_jobs(cstate *s, rt_job_fn fn, size_t n, size_t per_job, cctg_vec *round,
                       cchunk_vec *chunks, ajob **out)
{
    size_t nj = (n + per_job - 1) / per_job;
    ajob *jobs = rt_calloc(nj ? nj : 1, sizeof *jobs);
    int rc = RT_OK;
    *out = jobs;
    if (!jobs)
        return RT_ENOMEM;
    for (size_t i = 0; i < nj && !rc; i++) {
        jobs[i].s = s;
        jobs[i].from = (uint32_t)(i * per_job);
        jobs[i].to = (uint32_t)((i + 1) * per_job < n ? (i + 1) * per_job : n);
        jobs[i].round = round;
        jobs[i].chunks = chunks;
        rc = rt_pool_submit(s->pool, fn, &jobs[i]);
    }
    return rc;
}

static int run_jobs(cstate *s, rt_job_fn fn, size_t n, size_t per_job)
{
    ajob *jobs = NULL;
    int rc = submit_jobs(s, fn, n, per_job, &s->round, &s->chunks, &jobs);
    rt_pool_wait(s->pool);
    rt_free(jobs);
    for (int i = 0; i < s->nw && !rc; i++)
        rc = s->w[i].err;
    return rc;
}

static void free_ctgs(cctg_vec *r)
{
    for (size_t i = 0; i < r->n; i++) {
        cctg *c = &r->v[i];
        rt_free(c->name);
        rt_free(c->seq);
        rt_free(c->items);
    }
    rt_vec_clear(r);
}

static void free_chunks(cchunk_vec *ch)
{
    for (size_t i = 0; i < ch->n; i++)
        rt_vec_free(&ch->v[i].hits);
    rt_vec_clear(ch);
}

void cs_free_round(cstate *s)
{
    free_ctgs(&s->round);
    free_chunks(&s->chunks);
    s->scanned = 0;
    rt_vec_clear(&s->segs);
    for (int i = 0; i < s->nw; i++)
        rt_arena_reset(&s->w[i].arena);
}

/* A1 + A2 for the contigs ci[0..nci): their segments are appended to
 * s->segs (seg0/nsegs set). */
/* Scan windows for the contigs ci[0..nci) of round r (ci NULL = all). */
static int make_chunks(cctg_vec *r, cchunk_vec *chunks, const uint32_t *ci, size_t nci)
{
    int rc = RT_OK;
    free_chunks(chunks);
    for (size_t x = 0; x < nci && !rc; x++) {
        uint32_t i = ci ? ci[x] : (uint32_t)x;
        cctg *c = &r->v[i];
        c->chunk0 = (uint32_t)chunks->n;
        for (size_t f = 0; f < c->len && !rc; f += CHUNK) {
            cchunk ch;
            memset(&ch, 0, sizeof ch);
            ch.ctg = i;
            ch.from = f;
            ch.to = f + CHUNK < c->len ? f + CHUNK : c->len;
            rc = rt_vec_push(chunks, ch);
        }
        c->nchunks = (uint32_t)(chunks->n - c->chunk0);
    }
    return rc;
}

int cs_scan_ahead(cstate *s, void **jobs)
{
    ajob *j = NULL;
    int rc = make_chunks(&s->next, &s->next_chunks, NULL, s->next.n);
    if (!rc)
        rc = submit_jobs(s, hits_job, s->next_chunks.n, 1, &s->next, &s->next_chunks, &j);
    *jobs = j;
    return rc;
}

void cs_advance_round(cstate *s)
{
    cctg_vec r = s->round;
    cchunk_vec c = s->chunks;
    s->round = s->next;
    s->chunks = s->next_chunks;
    s->next = r;
    s->next_chunks = c;
    s->scanned = 1;
}

/* A1 (unless done ahead) + A2 for the contigs ci[0..nci): their segments
 * are appended to s->segs (seg0/nsegs set). */
static int scan_contigs(cstate *s, const uint32_t *ci, size_t nci, int scanned)
{
    int rc = RT_OK;
    if (!scanned) {
        rc = make_chunks(&s->round, &s->chunks, ci, nci);
        if (!rc)
            rc = run_jobs(s, hits_job, s->chunks.n, 1);
    }
    agc_hit_vec all = {0};
    agc_segpos_vec pos = {0};
    for (size_t x = 0; x < nci && !rc; x++) {
        cctg *c = &s->round.v[ci[x]];
        rt_vec_clear(&all);
        for (uint32_t q = 0; q < c->nchunks && !rc; q++) {
            const agc_hit_vec *h = &s->chunks.v[c->chunk0 + q].hits;
            if (rt_vec_reserve(&all, all.n + h->n))
                rc = RT_ENOMEM;
            else if (h->n) {
                memcpy(all.v + all.n, h->v, h->n * sizeof *h->v);
                all.n += h->n;
            }
        }
        if (!rc)
            rc = agc_segment_build(all.v, all.n, c->len, s->o.k, &pos);
        c->seg0 = (uint32_t)s->segs.n;
        for (size_t q = 0; q < pos.n && !rc; q++) {
            cseg sg;
            memset(&sg, 0, sizeof sg);
            sg.ctg = ci[x];
            sg.pos = pos.v[q];
            rc = rt_vec_push(&s->segs, sg);
        }
        c->nsegs = (uint32_t)(s->segs.n - c->seg0);
    }
    rt_vec_free(&all);
    rt_vec_free(&pos);
    return rc;
}

/* ---- adaptive mode (-a): contigs without any splitter get new ones */

typedef struct {
    cstate *s;
    uint32_t ctg;
} njob;

/* Candidates: k-mers occurring once in the contig and neither once nor
 * repeatedly in the reference; then the usual spacing scan. */
static void newspl_job(void *arg, int worker)
{
    njob *j = arg;
    cstate *s = j->s;
    cworker *w = &s->w[worker];
    const cctg *c = &s->round.v[j->ctg];
    if (w->err)
        return;
    uint64_t *v = rt_malloc((c->len + 1) * sizeof *v), *t = rt_malloc((c->len + 1) * sizeof *t);
    if (!v || !t) {
        rt_free(v);
        rt_free(t);
        w->err = RT_ENOMEM;
        return;
    }
    size_t n = agc_kmer_enumerate(c->seq, c->len, s->o.k, v);
    agc_kmer_sort(v, t, n);
    n = agc_kmer_singletons(v, n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!agc_kmer_bsearch(s->ref.singles, s->ref.nsingles, v[i]) &&
            !agc_kmer_bsearch(s->ref.dups, s->ref.ndups, v[i]))
            v[m++] = v[i];
    w->err = agc_splitters_scan(c->seq, c->len, s->o.k, s->o.seg_size, v, m, s->fb_thr, &w->nspl,
                                &w->nfb);
    rt_free(v);
    rt_free(t);
}

static int add_splitters(cstate *s)
{
    size_t add = 0;
    for (int i = 0; i < s->nw; i++)
        add += s->w[i].nspl.n;
    int rc = RT_OK;
    for (int i = 0; i < s->nw && !rc; i++) {
        cworker *w = &s->w[i];
        for (size_t j = 0; j < w->nfb.n && !rc; j++)
            rc = rt_vec_push(&s->fb_pending, w->nfb.v[j]);
        rt_vec_clear(&w->nfb);
    }
    if (rc || !add)
        return rc;
    size_t n = s->ref.nspl + add;
    uint64_t *v = rt_realloc(s->ref.spl, (n + 1) * sizeof *v);
    uint64_t *t = rt_malloc((n + 1) * sizeof *t);
    if (!v || !t) {
        if (v)
            s->ref.spl = v;
        rt_free(t);
        return RT_ENOMEM;
    }
    s->ref.spl = v;
    for (int i = 0; i < s->nw; i++) {
        cworker *w = &s->w[i];
        if (w->nspl.n)
            memcpy(v + s->ref.nspl, w->nspl.v, w->nspl.n * sizeof *v);
        s->ref.nspl += w->nspl.n;
        rt_vec_clear(&w->nspl);
    }
    agc_kmer_sort(v, t, n);
    rt_free(t);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || v[u - 1] != v[i])
            v[u++] = v[i];
    s->ref.nspl = u;
    agc_sset_free(&s->splitters);
    return agc_sset_build(&s->splitters, v, u);
}

static int adaptive_step(cstate *s)
{
    RT_VEC(uint32_t) hard = {0};
    int rc = RT_OK;
    for (size_t i = 0; i < s->round.n && !rc; i++) {
        const cctg *c = &s->round.v[i];
        int none = c->nsegs == 0 || (c->nsegs == 1 && s->segs.v[c->seg0].pos.front == AGC_KMER_NONE &&
                                     s->segs.v[c->seg0].pos.back == AGC_KMER_NONE);
        if (none)
            rc = rt_vec_push(&hard, (uint32_t)i);
    }
    if (rc || !hard.n) {
        rt_vec_free(&hard);
        return rc;
    }
    njob *jobs = rt_calloc(hard.n, sizeof *jobs);
    if (!jobs) {
        rt_vec_free(&hard);
        return RT_ENOMEM;
    }
    for (size_t i = 0; i < hard.n && !rc; i++) {
        jobs[i].s = s;
        jobs[i].ctg = hard.v[i];
        if (s->round.v[hard.v[i]].len >= s->o.seg_size)
            rc = rt_pool_submit(s->pool, newspl_job, &jobs[i]);
    }
    rt_pool_wait(s->pool);
    rt_free(jobs);
    for (int i = 0; i < s->nw && !rc; i++)
        rc = s->w[i].err;
    if (!rc)
        rc = add_splitters(s);
    /* drop the hard contigs' segments, then cut them again */
    uint8_t *is_hard = rc ? NULL : rt_calloc(s->round.n + 1, 1);
    if (!rc && !is_hard)
        rc = RT_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < hard.n; i++)
            is_hard[hard.v[i]] = 1;
        size_t m = 0;
        for (size_t i = 0; i < s->segs.n; i++)
            if (!is_hard[s->segs.v[i].ctg])
                s->segs.v[m++] = s->segs.v[i];
        s->segs.n = m;
        uint32_t prev = UINT32_MAX;
        for (size_t i = 0; i < m; i++)
            if (s->segs.v[i].ctg != prev) {
                prev = s->segs.v[i].ctg;
                s->round.v[prev].seg0 = (uint32_t)i;
            }
        rc = scan_contigs(s, hard.v, hard.n, 0);
    }
    rt_free(is_hard);
    rt_vec_free(&hard);
    return rc;
}

static int segment_round(cstate *s)
{
    int rc = RT_OK;
    uint32_t *all = rt_malloc((s->round.n + 1) * sizeof *all);
    if (!all)
        return RT_ENOMEM;
    for (size_t i = 0; i < s->round.n; i++)
        all[i] = (uint32_t)i;
    rc = scan_contigs(s, all, s->round.n, s->scanned);
    rt_free(all);
    if (!rc && s->o.adaptive)
        rc = adaptive_step(s);
    if (!rc)
        rc = run_jobs(s, seg_job, s->segs.n, 1);
    for (size_t i = 0; i < s->round.n && !rc; i++) {
        cctg *c = &s->round.v[i];
        uint32_t m = 0;
        for (uint32_t q = 0; q < c->nsegs; q++)
            m += s->segs.v[c->seg0 + q].nit;
        c->items = rt_calloc(m ? m : 1, sizeof *c->items);
        if (!c->items) {
            rc = RT_ENOMEM;
            break;
        }
        uint32_t part = 0;
        for (uint32_t q = 0; q < c->nsegs; q++) {
            cseg *sg = &s->segs.v[c->seg0 + q];
            for (uint32_t x = 0; x < sg->nit; x++) {
                citem it = sg->it[x];
                it.part += part;
                c->items[c->nitems++] = it;
            }
            part += sg->nit;
        }
        c->nparts = part;
    }
    /* fallback records found before or during this round take effect for
     * the next one, as the reference tool applies them at registration */
    for (size_t i = 0; i < s->fb_pending.n && !rc; i++)
        rc = cs_fb_add(&s->fb, &s->fb_pending.v[i]);
    rt_vec_clear(&s->fb_pending);
    return rc;
}

int cs_run_round(cstate *s, const cs_idle *idle)
{
    size_t n = s->round.n;
    int rc = RT_OK;
    if (!n) {
        if (idle && idle->fn)
            idle->fn(idle->ctx);
        return RT_OK;
    }
    uint64_t t0 = rt_now_ns();
    rc = segment_round(s);
    uint64_t t1 = rt_now_ns();
    if (!rc)
        rc = cs_register(s);
    uint64_t t2 = rt_now_ns();
    if (!rc)
        rc = cs_store_groups(s, idle ? idle->fn : NULL, idle ? idle->ctx : NULL);
    uint64_t t3 = rt_now_ns();
    /* collection rows, in contig order */
    for (size_t i = 0; i < n && !rc; i++) {
        cctg *c = &s->round.v[i];
        agc_segdesc *segs = rt_calloc(c->nparts ? c->nparts : 1, sizeof *segs);
        if (!segs) {
            rc = RT_ENOMEM;
            break;
        }
        for (uint32_t j = 0; j < c->nitems; j++) {
            const citem *it = &c->items[j];
            agc_segdesc *d = &segs[it->part];
            d->group = it->gid;
            d->in_group = it->in_group;
            d->raw_len = it->len;
            d->rc = it->rc;
        }
        agc_cw_contig row = {c->name, segs, c->nparts};
        if (rt_vec_push(&s->samples.v[c->sample].contigs, row)) {
            rt_free(segs);
            rc = RT_ENOMEM;
            break;
        }
        c->name = NULL;
    }
    cs_free_round(s);
    s->ns_phase[0] += t1 - t0;
    s->ns_phase[1] += t2 - t1;
    s->ns_phase[2] += t3 - t2;
    s->ns_phase[3] += rt_now_ns() - t3;
    return rc;
}


