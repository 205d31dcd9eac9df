/* The ordered extraction pipeline (diagram in cagc_get.h). */
#include <libdeflate.h>
#include <stdio.h>
#include <string.h>

#include "cli/cagc_get.h"

enum { CHUNK_BASES = 1 << 17 };

typedef struct job {
    struct job *next;
    uint32_t sample, ctg;
    uint64_t from, to;
    int last;                 /* last chunk of its record */
    uint64_t col;             /* line column of the chunk's first letter */
    int file;
    char *hdr;                /* header line of the first chunk, else hlen 0 */
    size_t hlen, hcap;
    uint8_t *out;             /* wrapped (and maybe gzipped) bytes */
    size_t outlen, outcap;
    uint8_t *gz;
    size_t gzcap;
} job;

struct cagc_emit {
    const cagc_opts *o;
    agc_reader *r;            /* the owner's reader (planning, headers) */
    int nthreads;
    agc_reader **readers;     /* one clone per worker */
    struct libdeflate_compressor **c1, **cg;
    rt_pool *pool;
    rt_pipe *pipe;
    job *free_jobs;
    char **paths;
    int npaths, cur_file;
    rt_out *w;
    uint64_t chunk;
    int status;
};

static int grow(void *pp, size_t *cap, size_t need)
{
    void **p = pp;
    if (need <= *cap && *p)
        return 0;
    size_t nc = *cap ? *cap : 4096;
    while (nc < need)
        nc *= 2;
    void *n = rt_realloc(*p, nc);
    if (!n)
        return RT_ENOMEM;
    *p = n;
    *cap = nc;
    return 0;
}

static int gz_member(struct libdeflate_compressor *c, const void *src, size_t n, uint8_t **dst,
                     size_t *cap, size_t *len)
{
    size_t bound = libdeflate_gzip_compress_bound(c, n);
    if (grow(dst, cap, *len + bound))
        return RT_ENOMEM;
    size_t got = libdeflate_gzip_compress(c, src, n, *dst + *len, bound);
    if (!got)
        return RT_ENOMEM;
    *len += got;
    return 0;
}

/* Header and sequence lines go straight into one buffer, so the consumer
 * makes a single write per job (large ones bypass the output buffer). */
static int work(void *ctx, void *jp, int worker)
{
    cagc_emit *e = ctx;
    job *j = jp;
    uint64_t n = j->to - j->from, L = e->o->line;
    size_t need = j->hlen + (size_t)n + (L ? (size_t)(n / L) : 0) + 2;
    if (grow(&j->out, &j->outcap, need))
        return RT_ENOMEM;
    if (j->hlen)
        memcpy(j->out, j->hdr, j->hlen);
    size_t got = 0;
    uint64_t col = j->col;
    int st = agc_reader_fetch_lines(e->readers[worker], j->sample, j->ctg, j->from, j->to, L,
                                    &col, (char *)j->out + j->hlen, &got);
    if (st)
        return st;
    /* The record's last line ends here; with no wrapping, the sequence. */
    if (j->last && (L ? col != 0 : n != 0))
        j->out[j->hlen + got++] = '\n';
    j->outlen = j->hlen + got;
    if (e->o->gzip) {
        /* Two members per record as the reference tool writes them: the
         * header at level 1, the sequence at the requested level. */
        size_t gl = 0;
        if (j->hlen && (st = gz_member(e->c1[worker], j->out, j->hlen, &j->gz, &j->gzcap, &gl)))
            return st;
        if (got && (st = gz_member(e->cg[worker], j->out + j->hlen, got, &j->gz, &j->gzcap, &gl)))
            return st;
        uint8_t *t = j->out;
        size_t tc = j->outcap;
        j->out = j->gz;
        j->outcap = j->gzcap;
        j->gz = t;
        j->gzcap = tc;
        j->outlen = gl;
    }
    return 0;
}

static int switch_file(cagc_emit *e, int file)
{
    if (e->w && file == e->cur_file)
        return 0;
    if (e->w) {
        int st = rt_out_close(e->w);
        e->w = NULL;
        if (st)
            return st;
    }
    const char *path = e->paths ? e->paths[file] : e->o->out;
    int st = rt_out_open(&e->w, path, 0, &e->o->lg);
    if (st) {
        fprintf(stderr, "[cagc] cannot write %s: %s\n", path ? path : "stdout", rt_strerror(st));
        return st;
    }
    e->cur_file = file;
    return 0;
}

static int consume(void *ctx, void *jp, int status)
{
    cagc_emit *e = ctx;
    job *j = jp;
    int st = status;
    if (!st)
        st = switch_file(e, j->file);
    if (!st && j->outlen)
        st = rt_out_write(e->w, j->out, j->outlen);
    j->next = e->free_jobs;
    e->free_jobs = j;
    return st;
}

int cagc_emit_open(cagc_emit **out, agc_reader *r, const cagc_opts *o, char **paths, int npaths)
{
    *out = NULL;
    cagc_emit *e = rt_calloc(1, sizeof *e);
    if (!e)
        return RT_ENOMEM;
    e->o = o;
    e->r = r;
    e->paths = paths;
    e->npaths = npaths;
    e->cur_file = -1;
    e->nthreads = o->threads < 1 ? 1 : o->threads;
    e->chunk = o->line ? o->line * (CHUNK_BASES / o->line ? CHUNK_BASES / o->line : 1)
                       : CHUNK_BASES;
    int st = RT_ENOMEM;
    e->readers = rt_calloc((size_t)e->nthreads, sizeof *e->readers);
    e->c1 = rt_calloc((size_t)e->nthreads, sizeof *e->c1);
    e->cg = rt_calloc((size_t)e->nthreads, sizeof *e->cg);
    if (!e->readers || !e->c1 || !e->cg)
        goto fail;
    for (int i = 0; i < e->nthreads; i++) {
        if ((st = agc_reader_clone(&e->readers[i], r)))
            goto fail;
        if (o->gzip) {
            e->c1[i] = libdeflate_alloc_compressor(1);
            e->cg[i] = libdeflate_alloc_compressor(o->gzip);
            st = RT_ENOMEM;
            if (!e->c1[i] || !e->cg[i])
                goto fail;
        }
    }
    if ((st = rt_pool_create(&e->pool, e->nthreads, 0)))
        goto fail;
    if ((st = rt_pipe_create(&e->pipe, e->pool, (size_t)e->nthreads + 2, work, consume, e)))
        goto fail;
    *out = e;
    return 0;
fail:
    cagc_emit_close(e);
    return st;
}

static int submit(cagc_emit *e, const cagc_rec *rec, uint64_t from, uint64_t to, int first,
                  int last)
{
    job *j = e->free_jobs;
    if (j) {
        e->free_jobs = j->next;
    } else {
        j = rt_calloc(1, sizeof *j);
        if (!j)
            return RT_ENOMEM;
    }
    j->sample = rec->sample;
    j->ctg = rec->ctg;
    j->from = from;
    j->to = to;
    j->last = last;
    j->col = e->o->line ? (from - rec->from) % e->o->line : 0;
    j->file = rec->file;
    j->hlen = 0;
    j->outlen = 0;
    if (first) {
        const char *name;
        int st = agc_reader_contig(e->r, rec->sample, rec->ctg, &name, NULL);
        const char *sname = agc_reader_sample_name(e->r, rec->sample);
        size_t need = strlen(name) + strlen(sname) + (rec->range ? strlen(rec->range) : 0) + 4;
        if (!st && grow(&j->hdr, &j->hcap, need))
            st = RT_ENOMEM;
        if (st) {
            j->next = e->free_jobs;
            e->free_jobs = j;
            return st;
        }
        j->hlen = (size_t)snprintf(j->hdr, j->hcap, ">%s%s%s%s\n", e->o->pansn ? sname : "",
                                   e->o->pansn ? "#" : "", name, rec->range ? rec->range : "");
    }
    return rt_pipe_submit(e->pipe, j);
}

int cagc_emit_rec(cagc_emit *e, const cagc_rec *rec)
{
    if (e->status)
        return e->status;
    uint64_t from = rec->from;
    int first = 1;
    do {
        uint64_t to = rec->to;
        if (rec->to - from > e->chunk) {
            /* End the chunk where a stored segment ends, so that no segment
             * is decoded for two chunks (lines continue across chunks);
             * unless the segment is far longer than a chunk. */
            uint64_t target = from + e->chunk, cut;
            int st = agc_reader_next_cut(e->r, rec->sample, rec->ctg, target - 1, &cut);
            if (st)
                return e->status = st;
            to = cut <= rec->to && cut - from <= 4 * e->chunk ? cut : target;
        }
        int st = submit(e, rec, from, to, first, to == rec->to);
        if (st)
            return e->status = st;
        first = 0;
        from = to;
    } while (from < rec->to);
    return 0;
}

int cagc_emit_close(cagc_emit *e)
{
    if (!e)
        return 0;
    int st = e->status;
    if (e->pipe) {
        int pst = rt_pipe_finish(e->pipe);
        if (!st)
            st = pst;
        rt_pipe_destroy(e->pipe);
    }
    rt_pool_destroy(e->pool);
    if (!st && !e->w && e->cur_file < 0 && !e->paths)
        st = switch_file(e, 0);   /* no record: still create/truncate -o */
    if (e->w) {
        int cst = rt_out_close(e->w);
        if (!st)
            st = cst;
    }
    while (e->free_jobs) {
        job *j = e->free_jobs;
        e->free_jobs = j->next;
        rt_free(j->hdr);
        rt_free(j->out);
        rt_free(j->gz);
        rt_free(j);
    }
    for (int i = 0; i < e->nthreads; i++) {
        if (e->readers)
            agc_reader_close(e->readers[i]);
        if (e->c1 && e->c1[i])
            libdeflate_free_compressor(e->c1[i]);
        if (e->cg && e->cg[i])
            libdeflate_free_compressor(e->cg[i]);
    }
    rt_free(e->readers);
    rt_free(e->c1);
    rt_free(e->cg);
    rt_free(e);
    return st;
}
