/*
 * agc_compress: the `create` driver. It reads inputs sample by sample,
 * groups contigs into rounds, runs the phases of agc_compress_class.c and
 * agc_compress_store.c on the runtime pool, serialises collection batches,
 * and writes the fixed metadata streams at close (pipeline drawn in
 * agc_compress.h).
 *
 * Memory: one round's contigs and segments (about one genome), the group
 * references with their LZ indexes, each group's open pack, and the
 * metadata of samples whose batch is not written yet.
 */
#include "agc/agc_compress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agc/agc_codec.h"
#include "agc/agc_compress_int.h"
#include "agc/agc_fasta.h"

void agc_create_opts_default(agc_create_opts *o)
{
    memset(o, 0, sizeof *o);
    o->k = 31;
    o->seg_size = 60000;
    o->mml = 20;
    o->pack = 50;
    o->threads = 1;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t m = strlen(suf);
    return n > m && memcmp(s + n - m, suf, m) == 0;
}

void agc_sample_name(const char *path, char *dst, size_t cap)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    /* stem: drop the last extension unless the dot starts the name */
    const char *dot = strrchr(b, '.');
    if (dot && dot != b)
        n = (size_t)(dot - b);
    static const char *const sufs[] = {".fna", ".gz", ".fa", ".fasta"};
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < sizeof sufs / sizeof *sufs; i++)
            if (ends_with(b, n, sufs[i])) {
                n -= strlen(sufs[i]);
                changed = 1;
            }
    }
    if (cap == 0)
        return;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, b, n);
    dst[n] = 0;
}

/* ------------------------------------------------------------ samples */

static void free_sample_rows(csample *sm)
{
    for (size_t i = 0; i < sm->contigs.n; i++) {
        rt_free((char *)sm->contigs.v[i].name);
        rt_free((agc_segdesc *)sm->contigs.v[i].segs);
    }
    rt_vec_free(&sm->contigs);
}

static int start_sample(cstate *s, const char *name)
{
    uint64_t v = s->samples.n;
    int inserted = 0;
    if (rt_smap_put_new(&s->sample_names, name, strlen(name), &v, &inserted))
        return RT_ENOMEM;
    if (!inserted) {
        if (s->o.pansn)
            rt_log(s->o.lg, RT_LOG_ERROR,
                   "--pansn: the records of sample '%s' are not contiguous (or it occurs in "
                   "two inputs); group each sample's records together",
                   name);
        else
            rt_log(s->o.lg, RT_LOG_ERROR, "sample name '%s' occurs twice", name);
        return RT_EEXIST;
    }
    csample sm;
    memset(&sm, 0, sizeof sm);
    sm.name = rt_strdup(name);
    if (!sm.name || rt_vec_push(&s->samples, sm)) {
        rt_free(sm.name);
        return RT_ENOMEM;
    }
    return RT_OK;
}

static int write_batch(cstate *s, size_t from, size_t to)
{
    size_t n = to - from;
    agc_cw_sample *arr = rt_calloc(n ? n : 1, sizeof *arr);
    rt_buf raw = {0}, z = {0};
    int rc = RT_ENOMEM;
    if (!arr)
        return rc;
    for (size_t i = 0; i < n; i++) {
        csample *sm = &s->samples.v[from + i];
        arr[i].name = sm->name;
        arr[i].contigs = sm->contigs.v;
        arr[i].ncontigs = (uint32_t)sm->contigs.n;
    }
    rc = agc_collw_contigs(arr, n, &raw);
    if (!rc)
        rc = agc_zstd_into(s->cctx, raw.v, raw.n, 18, &z);
    if (!rc)
        rc = agc_arw_part(s->ar, s->sid_contigs, z.v, z.n, raw.n);
    if (!rc)
        rc = agc_collw_details(arr, n, s->o.seg_size + s->o.k, (uint32_t)s->groups.n, s->cctx, &z);
    if (!rc)
        rc = agc_arw_part(s->ar, s->sid_details, z.v, z.n, 0);
    for (size_t i = 0; i < n; i++)
        free_sample_rows(&s->samples.v[from + i]);
    rt_vec_free(&raw);
    rt_vec_free(&z);
    rt_free(arr);
    return rc;
}

/* Write every complete batch; with all = 1 also the last partial one. */
static int write_batches(cstate *s, size_t complete, int all)
{
    while (complete - s->batch_done >= s->o.pack || (all && complete > s->batch_done)) {
        size_t to = s->batch_done + s->o.pack;
        if (to > complete)
            to = complete;
        int rc = write_batch(s, s->batch_done, to);
        if (rc)
            return rc;
        s->batch_done = to;
    }
    return RT_OK;
}

/* ------------------------------------------------------------ input */

typedef struct {
    agc_fa_rec *v;          /* records read ahead (the reference) */
    size_t n, pos, cap;
} prefetch;

static const char *name_override(const cstate *s, const char *path)
{
    if (!s->o.names)
        return NULL;
    for (size_t i = 0; i < s->ninputs; i++)
        if (s->o.names[i] && strcmp(s->inputs[i], path) == 0)
            return s->o.names[i];
    return NULL;
}

static int sample_of(cstate *s, const char *path, const char *header, char *dst, size_t cap)
{
    const char *forced = name_override(s, path);
    if (forced) {
        snprintf(dst, cap, "%s", forced);
    } else if (s->o.concat) {
        size_t l = strcspn(header, " \t");
        if (l >= cap)
            l = cap - 1;
        memcpy(dst, header, l);
        dst[l] = 0;
    } else if (s->o.pansn) {
        const char *h1 = strchr(header, '#');
        const char *h2 = h1 ? strchr(h1 + 1, '#') : NULL;
        size_t sp = strcspn(header, " \t");
        if (!h2 || (size_t)(h2 - header) > sp || h2 == h1 + 1 || h1 == header) {
            rt_log(s->o.lg, RT_LOG_ERROR, "%s: header '%s' is not sample#haplotype#contig",
                   path, header);
            return RT_EINVAL;
        }
        size_t l = (size_t)(h2 - header);
        if (l >= cap)
            l = cap - 1;
        memcpy(dst, header, l);
        dst[l] = 0;
    } else {
        agc_sample_name(path, dst, cap);
    }
    return RT_OK;
}

typedef struct {
    cstate *s;
    char cur[4096];         /* current sample name */
    int open;               /* a sample is being filled */
    rt_smap names;          /* contig names of the current sample */
    size_t round_contigs;
} feeder;

static int feed_into(feeder *f, const char *path, agc_fa_rec *rec, cctg_vec *target);

static int feed(feeder *f, const char *path, agc_fa_rec *rec)
{
    return feed_into(f, path, rec, &f->s->round);
}

static int feed_into(feeder *f, const char *path, agc_fa_rec *rec, cctg_vec *target)
{
    cstate *s = f->s;
    char name[4096];
    int rc = sample_of(s, path, rec->name, name, sizeof name);
    if (rc)
        return rc;
    if (!f->open || strcmp(name, f->cur) != 0) {
        if (f->open && s->o.pansn) {
            if ((rc = cs_run_round(s, NULL)) || (rc = write_batches(s, s->samples.n, 0)))
                return rc;
        }
        if ((rc = start_sample(s, name)))
            return rc;
        snprintf(f->cur, sizeof f->cur, "%s", name);
        f->open = 1;
        rt_smap_free(&f->names);
        rt_smap_init(&f->names);
    }
    uint64_t v = 0;
    int inserted = 0;
    if (rt_smap_put_new(&f->names, rec->name, strlen(rec->name), &v, &inserted))
        return RT_ENOMEM;
    if (!inserted) {
        rt_log(s->o.lg, RT_LOG_ERROR, "%s: contig name '%s' occurs twice in sample '%s'", path,
               rec->name, f->cur);
        return RT_EEXIST;
    }
    cctg c;
    memset(&c, 0, sizeof c);
    c.name = rec->name;
    c.seq = rec->seq;
    c.len = rec->len;
    c.sample = (uint32_t)(s->samples.n - 1);
    if (rt_vec_push(target, c))
        return RT_ENOMEM;
    rec->name = NULL;
    rec->seq = NULL;
    if (s->o.concat && ++f->round_contigs >= s->o.pack) {
        f->round_contigs = 0;
        /* the last sample stays open: a following contig with the same
         * short name joins it */
        if ((rc = cs_run_round(s, NULL)) || (rc = write_batches(s, s->samples.n - 1, 0)))
            return rc;
    }
    return RT_OK;
}

static void rec_free(agc_fa_rec *r)
{
    rt_free(r->name);
    rt_free(r->seq);
    r->name = NULL;
    r->seq = NULL;
}

static int fasta_error(cstate *s, const char *path, int rc)
{
    rt_log(s->o.lg, RT_LOG_ERROR, "%s: %s", path,
           rc == RT_EFORMAT ? "not FASTA (text before the first '>' header) or corrupt gzip"
                            : rt_strerror(rc));
    return rc;
}

/* Read the reference part of the first input (the whole file; with --pansn
 * its first sample plus the record that starts the next). */
static int read_reference(cstate *s, agc_fasta *fa, const char *path, prefetch *pf)
{
    char first[4096], name[4096];
    int eof = 0, rc;
    for (;;) {
        agc_fa_rec r;
        if ((rc = agc_fasta_next(fa, &r, &eof)))
            return fasta_error(s, path, rc);
        if (eof)
            return RT_OK;
        if (pf->n == pf->cap) {
            size_t nc = pf->cap ? 2 * pf->cap : 64;
            agc_fa_rec *t = rt_realloc(pf->v, nc * sizeof *t);
            if (!t) {
                rec_free(&r);
                return RT_ENOMEM;
            }
            pf->v = t;
            pf->cap = nc;
        }
        pf->v[pf->n++] = r;
        if (s->o.pansn) {
            if ((rc = sample_of(s, path, r.name, name, sizeof name)))
                return rc;
            if (pf->n == 1)
                snprintf(first, sizeof first, "%s", name);
            else if (strcmp(first, name) != 0)
                return RT_OK;
        }
    }
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* s->ref.spl (sorted, unique) becomes its union with o.extra_splitters. */
static int merge_extra(cstate *s)
{
    size_t n = s->ref.nspl + s->o.n_extra_splitters;
    uint64_t *v = rt_malloc(n * sizeof *v);
    if (!v)
        return RT_ENOMEM;
    if (s->ref.nspl)
        memcpy(v, s->ref.spl, s->ref.nspl * sizeof *v);
    memcpy(v + s->ref.nspl, s->o.extra_splitters, s->o.n_extra_splitters * sizeof *v);
    qsort(v, n, sizeof *v, u64_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[i] != v[m - 1])
            v[m++] = v[i];
    rt_free(s->ref.spl);
    s->ref.spl = v;
    s->ref.nspl = m;
    return RT_OK;
}

static int compute_splitters(cstate *s, const prefetch *pf)
{
    size_t n = pf->n;
    if (s->o.pansn && n > 1) {
        /* the last record read ahead belongs to the next sample, unless the
         * file ended inside the first sample */
        char a[4096], b[4096];
        if (sample_of(s, "", pf->v[0].name, a, sizeof a) == 0 &&
            sample_of(s, "", pf->v[n - 1].name, b, sizeof b) == 0 && strcmp(a, b) != 0)
            n--;
    }
    agc_seqref *refs = rt_calloc(n ? n : 1, sizeof *refs);
    if (!refs)
        return RT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        refs[i].s = pf->v[i].seq;
        refs[i].n = pf->v[i].len;
    }
    int rc = agc_splitters_find(refs, n, s->o.k, s->o.seg_size, s->fb_thr, s->o.adaptive,
                                s->pool, &s->ref);
    rt_free(refs);
    if (!rc && s->o.n_extra_splitters)
        rc = merge_extra(s);
    if (!rc)
        rc = agc_sset_build(&s->splitters, s->ref.spl, s->ref.nspl);
    for (size_t i = 0; !rc && i < s->ref.fb.n; i++)
        rc = rt_vec_push(&s->fb_pending, s->ref.fb.v[i]);
    rt_vec_free(&s->ref.fb);
    if (!rc)
        rt_log(s->o.lg, RT_LOG_INFO, "%zu splitters from the reference", s->ref.nspl);
    return rc;
}

/* ------------------------------------------------------------ close */

static int put_u32le(rt_buf *b, uint32_t x)
{
    uint8_t t[4] = {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24)};
    return rt_buf_append(b, t, 4);
}

static int put_u64le(rt_buf *b, uint64_t x)
{
    int rc = put_u32le(b, (uint32_t)x);
    return rc ? rc : put_u32le(b, (uint32_t)(x >> 32));
}

typedef struct {
    uint64_t k1, k2;
    uint32_t gid;
} sskey;

static int sskey_cmp(const void *a, const void *b)
{
    const sskey *x = a, *y = b;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2)
        return x->k2 < y->k2 ? -1 : 1;
    return 0;
}

static int meta_part(cstate *s, const char *name, const rt_buf *b, uint64_t meta)
{
    uint32_t id;
    int rc = agc_arw_stream(s->ar, name, &id);
    return rc ? rc : agc_arw_part(s->ar, id, b->v, b->n, meta);
}

static int write_metadata(cstate *s)
{
    rt_buf b = {0}, z = {0};
    int rc = RT_OK;
    rc = put_u32le(&b, s->o.k);
    if (!rc)
        rc = put_u32le(&b, s->o.mml);
    if (!rc)
        rc = put_u32le(&b, s->o.pack);
    if (!rc)
        rc = put_u32le(&b, s->o.seg_size);
    if (!rc)
        rc = meta_part(s, "params", &b, 0);
    rt_vec_clear(&b);
    for (size_t i = 0; i < s->ref.nspl && !rc; i++)
        rc = put_u64le(&b, s->ref.spl[i]);
    if (!rc)
        rc = meta_part(s, "splitters", &b, s->ref.nspl);
    rt_vec_clear(&b);
    if (!rc) {
        sskey *e = rt_malloc((s->map.n + 1) * sizeof *e);
        size_t m = 0;
        if (!e)
            rc = RT_ENOMEM;
        for (size_t i = 0; !rc && i <= s->map.mask; i++)
            if (s->map.s[i].gid != CG_NONE) {
                e[m].k1 = s->map.s[i].k1;
                e[m].k2 = s->map.s[i].k2;
                e[m].gid = s->map.s[i].gid;
                m++;
            }
        if (!rc)
            qsort(e, m, sizeof *e, sskey_cmp);
        for (size_t i = 0; i < m && !rc; i++) {
            rc = put_u64le(&b, e[i].k1);
            if (!rc)
                rc = put_u64le(&b, e[i].k2);
            if (!rc)
                rc = put_u32le(&b, e[i].gid);
        }
        if (!rc)
            rc = meta_part(s, "segment-splitters", &b, m);
        rt_free(e);
    }
    rt_vec_clear(&b);
    if (!rc)
        rc = write_batches(s, s->samples.n, 1);
    if (!rc) {
        const char **names = rt_calloc(s->samples.n + 1, sizeof *names);
        if (!names)
            rc = RT_ENOMEM;
        for (size_t i = 0; !rc && i < s->samples.n; i++)
            names[i] = s->samples.v[i].name;
        if (!rc)
            rc = agc_collw_samples(names, s->samples.n, &b);
        rt_free(names);
        if (!rc)
            rc = agc_zstd_into(s->cctx, b.v, b.n, 19, &z);
        if (!rc)
            rc = agc_arw_part(s->ar, s->sid_samples, z.v, z.n, b.n);
    }
    rt_vec_clear(&b);
    static const char *const fti[][2] = {
        {"comment", "kindred cagc " KINDRED_VERSION},
        {"file_version_major", "3"},
        {"file_version_minor", "0"},
        {"producer", "cagc"},
        {"producer_version_build", "0"},
        {"producer_version_major", "0"},
        {"producer_version_minor", "1"},
    };
    for (size_t i = 0; i < 7 && !rc; i++) {
        rc = rt_buf_append(&b, fti[i][0], strlen(fti[i][0]) + 1);
        if (!rc)
            rc = rt_buf_append(&b, fti[i][1], strlen(fti[i][1]) + 1);
    }
    if (!rc)
        rc = meta_part(s, "file_type_info", &b, 7);
    rt_vec_free(&b);
    rt_vec_free(&z);
    return rc;
}

/* ------------------------------------------------------------ main */

static void state_free(cstate *s)
{
    cs_free_round(s);
    rt_vec_free(&s->round);
    cs_advance_round(s); /* the look-ahead round, if any, becomes current */
    cs_free_round(s);
    rt_vec_free(&s->round);
    rt_vec_free(&s->next);
    rt_vec_free(&s->next_chunks);
    rt_vec_free(&s->all);
    rt_vec_free(&s->chunks);
    rt_vec_free(&s->segs);
    for (size_t i = 0; i < s->groups.n; i++) {
        cgroup *g = s->groups.v[i];
        agc_lzref_free(&g->lz);
        rt_vec_free(&g->pack);
        rt_vec_free(&g->ent);
        rt_vec_free(&g->todo);
        for (size_t j = 0; j < g->out.n; j++)
            rt_free(g->out.v[j].data);
        rt_vec_free(&g->out);
        rt_free(g);
    }
    rt_vec_free(&s->groups);
    for (size_t i = 0; i < s->samples.n; i++) {
        free_sample_rows(&s->samples.v[i]);
        rt_free(s->samples.v[i].name);
    }
    rt_vec_free(&s->samples);
    rt_smap_free(&s->sample_names);
    cs_pmap_free(&s->map);
    cs_terms_free(&s->terms);
    agc_sset_free(&s->splitters);
    agc_split_out_free(&s->ref);
    cs_fb_free(&s->fb);
    rt_vec_free(&s->fb_pending);
    if (s->w) {
        for (int i = 0; i < s->nw; i++) {
            cworker *w = &s->w[i];
            rt_arena_free(&w->arena);
            rt_vec_free(&w->segs);
            rt_vec_free(&w->c1);
            rt_vec_free(&w->c2);
            rt_vec_free(&w->delta);
            rt_vec_free(&w->tmp);
            rt_vec_free(&w->fbc);
            rt_vec_free(&w->fbp);
            rt_vec_free(&w->nspl);
            rt_vec_free(&w->nfb);
            ZSTD_freeCCtx(w->cctx);
            agc_zpack_free(w->zp);
        }
        rt_free(s->w);
    }
    ZSTD_freeCCtx(s->cctx);
    rt_pool_destroy(s->pool);
}

static int check_opts(const agc_create_opts *o)
{
    if (o->k < 17 || o->k > 32 || o->mml < 15 || o->mml > 32 || o->pack < 1 ||
        o->seg_size < 100 || o->threads < 1 || !(o->fallback >= 0 && o->fallback <= 0.05))
        return RT_EINVAL;
    return RT_OK;
}

static int setup(cstate *s, const agc_create_opts *o)
{
    memset(s, 0, sizeof *s);
    s->o = *o;
    rt_smap_init(&s->sample_names);
    cs_terms_init(&s->terms);
    cs_fb_init(&s->fb);
    if (o->fallback > 0)
        s->fb_thr = (uint64_t)((double)UINT64_MAX * o->fallback);
    if (cs_pmap_init(&s->map))
        return RT_ENOMEM;
    /* A deep queue: submitting a round's jobs never blocks the owner, which
     * then queues the next sample's splitter scan behind them. */
    int rc = rt_pool_create(&s->pool, o->threads, 1 << 16);
    if (rc)
        return rc;
    s->nw = rt_pool_nthreads(s->pool);
    s->w = rt_calloc((size_t)s->nw, sizeof *s->w);
    s->cctx = ZSTD_createCCtx();
    if (!s->w || !s->cctx)
        return RT_ENOMEM;
    for (int i = 0; i < s->nw; i++) {
        rt_arena_init(&s->w[i].arena, 1 << 20);
        if (!(s->w[i].cctx = ZSTD_createCCtx()) || !(s->w[i].zp = agc_zpack_new()))
            return RT_ENOMEM;
    }
    return RT_OK;
}

/* Records of one whole input, read ahead while earlier rounds run. */
typedef struct {
    const char *path;
    prefetch pf;
    uint64_t nbad;
    int rc;
} readahead;

static void read_whole(readahead *ra)
{
    agc_fasta *fa = NULL;
    memset(&ra->pf, 0, sizeof ra->pf);
    ra->nbad = 0;
    if ((ra->rc = agc_fasta_open(&fa, ra->path)))
        return;
    for (int eof = 0;;) {
        agc_fa_rec r;
        if ((ra->rc = agc_fasta_next(fa, &r, &eof)) || eof)
            break;
        if (ra->pf.n == ra->pf.cap) {
            size_t nc = ra->pf.cap ? 2 * ra->pf.cap : 64;
            agc_fa_rec *t = rt_realloc(ra->pf.v, nc * sizeof *t);
            if (!t) {
                rec_free(&r);
                ra->rc = RT_ENOMEM;
                break;
            }
            ra->pf.v = t;
            ra->pf.cap = nc;
        }
        ra->pf.v[ra->pf.n++] = r;
    }
    ra->nbad = agc_fasta_nbad(fa);
    agc_fasta_close(fa);
}

/* Records handed to feed() are emptied there; the rest are freed here. */
static void prefetch_free(prefetch *pf)
{
    for (size_t i = 0; i < pf->n; i++)
        rec_free(&pf->v[i]);
    rt_free(pf->v);
    memset(pf, 0, sizeof *pf);
}

/* One sample per input file, in a three-deep pipeline. While the pool
 * compresses the groups of file i, its queue also holds the splitter scan
 * of file i+1 (registered at the end of the previous round):
 *
 *   pool:    [A3 i]       [C i ...... A1 i+1]      [A3 i+1]       [C i+1 ...
 *   owner:   ...... B i                  D i, take i+2 ...... B i+1
 *   reader:  read i+2 .................................. read i+3 .......
 *
 * Files are read on a serial pool of their own, READ_AHEAD files past the
 * one being taken: file i+2 is queued when i+1 is taken, a round early.
 * When the read ran on the owner inside phase C it had to end before C
 * did: on short rounds the workers then waited for it, and during the
 * owner's sequential steps (B, D) nobody read. Now the reader has a whole
 * round of slack and fills the owner's idle steps too. Single-threaded
 * runs read each file in place when it is needed.
 */
#define READ_AHEAD 1

typedef struct {
    cstate *s;
    void *jobs;             /* A1 jobs of the next round, freed after the wait */
    int rc, done;
} ahead;

static void ahead_hook(void *ctx)
{
    ahead *a = ctx;
    cstate *s = a->s;
    a->done = 1;
    if (s->next.n)
        a->rc = cs_scan_ahead(s, &a->jobs);
}

typedef struct {
    rt_pool *pool;          /* serial: file j is job j + 1 */
    readahead *slot;        /* one per input */
    size_t n, submitted, depth;
    int rc;                 /* a submit failed */
} reader;

static void read_job(void *arg, int worker)
{
    (void)worker;
    read_whole(arg);
}

/* Submit reads up to file `upto` (exclusive). */
static void reader_feed(reader *r, size_t upto)
{
    while (!r->rc && r->submitted < upto && r->submitted < r->n)
        if (!(r->rc = rt_pool_submit(r->pool, read_job, &r->slot[r->submitted])))
            r->submitted++;
}

/* File j, read; later files are queued behind it. */
static readahead *reader_get(reader *r, size_t j)
{
    reader_feed(r, j + 1 + r->depth);
    if (j >= r->submitted)
        r->slot[j].rc = r->rc; /* its submit, or an earlier one, failed */
    else
        rt_pool_wait_for(r->pool, j + 1);
    return &r->slot[j];
}

/* Register the records of ra (one file) as the next sample, in s->next. */
static int take_file(cstate *s, feeder *fd, readahead *ra, size_t *ncontigs)
{
    int rc = RT_OK;
    *ncontigs = 0;
    if (ra->rc) {
        rc = ra->rc == RT_EIO ? ra->rc : fasta_error(s, ra->path, ra->rc);
        if (ra->rc == RT_EIO)
            rt_log(s->o.lg, RT_LOG_ERROR, "cannot open %s: %s", ra->path, rt_strerror(rc));
        prefetch_free(&ra->pf);
        return rc;
    }
    s->nbad += ra->nbad;
    *ncontigs = ra->pf.n;
    if (!ra->pf.n)
        rt_log(s->o.lg, RT_LOG_WARN, "%s contains no contigs; no sample added", ra->path);
    fd->open = 0;
    for (size_t i = 0; i < ra->pf.n && !rc; i++)
        rc = feed_into(fd, ra->path, &ra->pf.v[i], &s->next);
    prefetch_free(&ra->pf);
    return rc;
}

static int run_files(cstate *s, const char *const *inputs, size_t n)
{
    reader rd;
    feeder fd;
    int rc = RT_OK;
    memset(&fd, 0, sizeof fd);
    memset(&rd, 0, sizeof rd);
    fd.s = s;
    rt_smap_init(&fd.names);
    rd.n = n;
    rd.depth = s->nw > 1 ? READ_AHEAD : 0;
    rd.slot = rt_calloc(n, sizeof *rd.slot);
    if (!rd.slot || (rc = rt_pool_create_serial(&rd.pool, s->nw > 1, READ_AHEAD + 2))) {
        rt_free(rd.slot);
        rt_smap_free(&fd.names);
        return rc ? rc : RT_ENOMEM;
    }
    for (size_t j = 0; j < n; j++)
        rd.slot[j].path = inputs[j];
    readahead *first = reader_get(&rd, 0);
    size_t ncontigs = first->pf.n, nnext = 0;
    if (first->rc) {
        rc = first->rc == RT_EIO ? first->rc : fasta_error(s, first->path, first->rc);
        if (first->rc == RT_EIO)
            rt_log(s->o.lg, RT_LOG_ERROR, "cannot open %s: %s", first->path, rt_strerror(rc));
    }
    uint64_t ts = rt_now_ns();
    if (!rc)
        rc = compute_splitters(s, &first->pf);
    rt_log(s->o.lg, RT_LOG_DEBUG, "reference read %.3f s, splitters %.3f s",
           (double)(ts - s->t_start) * 1e-9, (double)(rt_now_ns() - ts) * 1e-9);
    s->nbad += first->nbad;
    if (!rc && !ncontigs)
        rt_log(s->o.lg, RT_LOG_WARN, "%s contains no contigs; no sample added", first->path);
    for (size_t i = 0; i < first->pf.n && !rc; i++)
        rc = feed(&fd, first->path, &first->pf.v[i]);
    prefetch_free(&first->pf);
    if (!rc && n > 1)
        rc = take_file(s, &fd, reader_get(&rd, 1), &nnext);
    for (size_t fi = 0; fi < n && !rc; fi++) {
        ahead a;
        memset(&a, 0, sizeof a);
        a.s = s;
        cs_idle hook = {ahead_hook, &a};
        rc = cs_run_round(s, &hook);
        if (!a.done && !rc)
            ahead_hook(&a);
        /* the look-ahead scan must be complete before its jobs are freed
         * (an empty round has no wait of its own) */
        rt_pool_wait(s->pool);
        rt_free(a.jobs);
        if (!rc)
            rc = a.rc;
        for (int i = 0; i < s->nw && !rc; i++)
            rc = s->w[i].err;
        /* the sample of the next file is open already */
        if (!rc)
            rc = write_batches(s, s->samples.n - (nnext ? 1 : 0), 0);
        if (!rc && ncontigs)
            rt_log(s->o.lg, RT_LOG_INFO, "%s: %zu contigs, %zu groups so far", inputs[fi],
                   ncontigs, s->groups.n);
        cs_advance_round(s);
        ncontigs = nnext;
        nnext = 0;
        if (!rc && fi + 2 < n)
            rc = take_file(s, &fd, reader_get(&rd, fi + 2), &nnext);
    }
    /* reads still queued or running finish before their slots go */
    rt_pool_destroy(rd.pool);
    for (size_t j = 0; j < n; j++)
        prefetch_free(&rd.slot[j].pf);
    rt_free(rd.slot);
    rt_smap_free(&fd.names);
    return rc;
}

static int run_inputs(cstate *s, const char *const *inputs, size_t n)
{
    prefetch pf = {0};
    feeder fd;
    int rc = RT_OK;
    memset(&fd, 0, sizeof fd);
    fd.s = s;
    rt_smap_init(&fd.names);
    for (size_t fi = 0; fi < n && !rc; fi++) {
        agc_fasta *fa = NULL;
        const char *path = inputs[fi];
        if ((rc = agc_fasta_open(&fa, path))) {
            rt_log(s->o.lg, RT_LOG_ERROR, "cannot open %s: %s", path, rt_strerror(rc));
            break;
        }
        size_t nsamples = s->samples.n, ncontigs = 0;
        if (fi == 0) {
            rc = read_reference(s, fa, path, &pf);
            if (!rc)
                rc = compute_splitters(s, &pf);
            for (; pf.pos < pf.n && !rc; pf.pos++, ncontigs++)
                rc = feed(&fd, path, &pf.v[pf.pos]);
        }
        for (int eof = 0; !rc;) {
            agc_fa_rec r;
            if ((rc = agc_fasta_next(fa, &r, &eof))) {
                rc = fasta_error(s, path, rc);
                break;
            }
            if (eof)
                break;
            rc = feed(&fd, path, &r);
            rec_free(&r);
            ncontigs++;
        }
        s->nbad += agc_fasta_nbad(fa);
        agc_fasta_close(fa);
        if (rc)
            break;
        if (!ncontigs)
            rt_log(s->o.lg, RT_LOG_WARN, "%s contains no contigs; no sample added", path);
        if (!s->o.concat) {
            fd.open = 0;
            if ((rc = cs_run_round(s, NULL)) || (rc = write_batches(s, s->samples.n, 0)))
                break;
        }
        if (s->samples.n > nsamples)
            rt_log(s->o.lg, RT_LOG_INFO, "%s: %zu sample(s), %zu contigs, %zu groups so far",
                   path, s->samples.n - nsamples, ncontigs, s->groups.n);
    }
    if (!rc && s->o.concat)
        rc = cs_run_round(s, NULL);
    for (size_t i = 0; i < pf.n; i++)
        rec_free(&pf.v[i]);
    rt_free(pf.v);
    rt_smap_free(&fd.names);
    return rc;
}

int agc_create(const agc_create_opts *o, const char *const *inputs, size_t n,
               const char *out_path)
{
    cstate s;
    int rc = check_opts(o);
    if (rc || n == 0) {
        rt_log(o->lg, RT_LOG_ERROR, "invalid options or no input");
        return RT_EINVAL;
    }
    rc = setup(&s, o);
    s.inputs = inputs;
    s.ninputs = n;
    s.t_start = rt_now_ns();
    if (!rc && (rc = agc_arw_open(&s.ar, out_path, o->lg)))
        rt_log(o->lg, RT_LOG_ERROR, "cannot open %s for writing: %s",
               out_path ? out_path : "stdout", rt_strerror(rc));
    if (!rc)
        rc = agc_arw_stream(s.ar, "collection-samples", &s.sid_samples);
    if (!rc)
        rc = agc_arw_stream(s.ar, "collection-contigs", &s.sid_contigs);
    if (!rc)
        rc = agc_arw_stream(s.ar, "collection-details", &s.sid_details);
    if (!rc)
        rc = cs_init_groups(&s);
    if (!rc)
        rc = (o->concat || o->pansn) ? run_inputs(&s, inputs, n) : run_files(&s, inputs, n);
    if (!rc && s.samples.n == 0) {
        rt_log(o->lg, RT_LOG_ERROR, "no contigs in any input");
        rc = RT_EFORMAT;
    }
    uint64_t tf0 = rt_now_ns();
    if (!rc)
        rc = cs_finish_groups(&s);
    uint64_t tf1 = rt_now_ns();
    if (!rc)
        rc = write_metadata(&s);
    rt_log(o->lg, RT_LOG_DEBUG, "close: partial packs %.3f s, metadata %.3f s",
           (double)(tf1 - tf0) * 1e-9, (double)(rt_now_ns() - tf1) * 1e-9);
    if (!rc)
        rt_log(o->lg, RT_LOG_DEBUG,
               "rounds: A (segment, classify) %.3f s, B (register) %.3f s, "
               "C (compress, scan ahead) %.3f s, D (rows) %.3f s",
               (double)s.ns_phase[0] * 1e-9, (double)s.ns_phase[1] * 1e-9,
               (double)s.ns_phase[2] * 1e-9, (double)s.ns_phase[3] * 1e-9);
    if (!rc && s.nbad)
        rt_log(o->lg, RT_LOG_WARN, "%llu letters outside ACGTN/IUPAC were stored as N",
               (unsigned long long)s.nbad);
    if (s.ar) {
        if (rc) {
            agc_arw_abort(s.ar);
            /* no half-written archive is left behind (regular files only:
             * never a device such as /dev/stdout) */
            struct stat st;
            if (out_path && strcmp(out_path, "-") != 0 && stat(out_path, &st) == 0 &&
                S_ISREG(st.st_mode))
                unlink(out_path);
        } else {
            /* a failed write was reported once by the output layer */
            rc = agc_arw_close(s.ar);
        }
        s.ar = NULL;
    }
    state_free(&s);
    return rc;
}
