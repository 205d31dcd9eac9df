/*
 * agc_reader: the public read API (kindred/agc.h). A reader is a thin
 * per-thread part (its decoder and decoded-segment table) over a shared,
 * refcounted core:
 *
 *   agc_reader ──► core { archive (mmap), params, collection, part cache,
 *                         lock, refs }
 *   agc_reader ──┘   (clones point at the same core)
 *
 * The lock serialises only lazy collection loading; the part cache has its
 * own short lock, and decoding runs outside both.
 */
#include "kindred/agc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "agc/agc_archive.h"
#include "agc/agc_cache.h"
#include "agc/agc_codec.h"
#include "agc/agc_coll.h"
#include "agc/agc_meta.h"
#include "agc/agc_unpack.h"

typedef struct core {
    agc_archive *ar;
    agc_params prm;
    agc_coll *coll;
    agc_cache *cache;        /* decoded parts, shared by all clones */
    pthread_mutex_t lock;
    atomic_int refs;
} core;

struct agc_reader {
    core *c;
    agc_unpack *up;          /* created on first decode */
};

enum { DEFAULT_CACHE = 256 << 20 };

static void core_release(core *c)
{
    if (!c || atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    agc_coll_free(c->coll);
    agc_cache_free(c->cache);
    agc_ar_close(c->ar);
    pthread_mutex_destroy(&c->lock);
    rt_free(c);
}

static int core_open(agc_reader **out, agc_archive *ar)
{
    *out = NULL;
    core *c = rt_calloc(1, sizeof *c);
    agc_reader *r = rt_calloc(1, sizeof *r);
    if (!c || !r) {
        rt_free(c);
        rt_free(r);
        agc_ar_close(ar);
        return RT_ENOMEM;
    }
    c->ar = ar;
    atomic_init(&c->refs, 1);
    if (pthread_mutex_init(&c->lock, NULL)) {
        rt_free(c);
        rt_free(r);
        agc_ar_close(ar);
        return RT_ETHREAD;
    }
    r->c = c;
    int st = agc_cache_create(&c->cache, DEFAULT_CACHE);
    if (!st)
        st = agc_meta_read(ar, &c->prm);
    if (!st) {
        size_t ns = agc_ar_nstreams(ar);
        st = agc_coll_open(&c->coll, ar, &c->prm, ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns);
    }
    if (st) {
        agc_reader_close(r);
        return st;
    }
    *out = r;
    return RT_OK;
}

int agc_reader_open(agc_reader **out, const char *path)
{
    agc_archive *ar;
    *out = NULL;
    int st = agc_ar_open_file(&ar, path);
    if (st)
        return st;
    return core_open(out, ar);
}

int agc_reader_open_mem(agc_reader **out, const uint8_t *data, size_t len)
{
    agc_archive *ar;
    *out = NULL;
    int st = agc_ar_open_mem(&ar, data, len);
    if (st)
        return st;
    return core_open(out, ar);
}

int agc_reader_clone(agc_reader **out, agc_reader *r)
{
    agc_reader *n = rt_calloc(1, sizeof *n);
    *out = NULL;
    if (!n)
        return RT_ENOMEM;
    atomic_fetch_add(&r->c->refs, 1);
    n->c = r->c;
    *out = n;
    return RT_OK;
}

void agc_reader_set_cache(agc_reader *r, size_t bytes)
{
    agc_cache_set_budget(r->c->cache, bytes);
}

void agc_reader_close(agc_reader *r)
{
    if (!r)
        return;
    agc_unpack_free(r->up);
    core_release(r->c);
    rt_free(r);
}

void agc_reader_get_info(const agc_reader *r, agc_reader_info *out)
{
    const agc_params *p = &r->c->prm;
    out->version = p->version;
    out->k = p->k;
    out->min_match_len = p->mml;
    out->pack = p->pack;
    out->segment_size = p->segment_size;
    out->n_samples = agc_coll_nsamples(r->c->coll);
}

int agc_reader_file_info(const agc_reader *r,
                         int (*fn)(void *ctx, const char *key, const char *val), void *ctx)
{
    return agc_meta_info_pairs(r->c->ar, fn, ctx);
}

void agc_reader_cmd_lines(const agc_reader *r,
                          int (*fn)(void *ctx, const char *cmd, const char *date), void *ctx)
{
    uint32_t n = agc_coll_ncmd(r->c->coll);
    for (uint32_t i = 0; i < n; i++) {
        const char *cmd, *date;
        agc_coll_cmd(r->c->coll, i, &cmd, &date);
        if (fn(ctx, cmd, date))
            break;
    }
}

uint32_t agc_reader_n_samples(const agc_reader *r)
{
    return agc_coll_nsamples(r->c->coll);
}

const char *agc_reader_sample_name(const agc_reader *r, uint32_t sample)
{
    return agc_coll_sample_name(r->c->coll, sample);
}

const char *agc_reader_ref_sample(const agc_reader *r)
{
    return agc_coll_sample_name(r->c->coll, 0);
}

uint32_t agc_reader_sample_sorted(const agc_reader *r, uint32_t i)
{
    return agc_coll_sorted(r->c->coll, i);
}

void agc_reader_find_sample(const agc_reader *r, const char *name, uint32_t *sample, int *found)
{
    agc_coll_find_sample(r->c->coll, name, sample, found);
}

static int get_sample(agc_reader *r, uint32_t sample, agc_sample *s)
{
    pthread_mutex_lock(&r->c->lock);
    int st = agc_coll_sample(r->c->coll, sample, s);
    pthread_mutex_unlock(&r->c->lock);
    return st;
}

/* Contig ctg of a sample, checked; with `unpack`, the reader's unpacker
 * is made on first use, as the range queries need it. */
static int get_contig(agc_reader *r, uint32_t sample, uint32_t ctg, int unpack,
                      const agc_ctg **out)
{
    agc_sample s;
    int st = get_sample(r, sample, &s);
    if (st)
        return st;
    if (ctg >= s.nctg)
        return RT_ERANGE;
    if (unpack && !r->up) {
        st = agc_unpack_create(&r->up, r->c->ar, &r->c->prm, r->c->cache, 0);
        if (st)
            return st;
    }
    *out = &s.ctgs[ctg];
    return RT_OK;
}

int agc_reader_n_contigs(agc_reader *r, uint32_t sample, uint32_t *n)
{
    agc_sample s;
    int st = get_sample(r, sample, &s);
    if (st)
        return st;
    *n = s.nctg;
    return RT_OK;
}

int agc_reader_contig(agc_reader *r, uint32_t sample, uint32_t ctg, const char **name,
                      uint64_t *len)
{
    const agc_ctg *c;
    int st = get_contig(r, sample, ctg, 0, &c);
    if (st)
        return st;
    if (name)
        *name = c->name;
    if (len)
        *len = c->len;
    return RT_OK;
}

int agc_reader_find_contig(agc_reader *r, uint32_t sample, const char *name, size_t nlen,
                           uint32_t *ctg, int *found)
{
    agc_sample s;
    *found = 0;
    int st = get_sample(r, sample, &s);
    if (st)
        return st;
    for (uint32_t i = 0; i < s.nctg; i++)
        if (s.ctgs[i].short_len == nlen && memcmp(s.ctgs[i].name, name, nlen) == 0) {
            *ctg = i;
            *found = 1;
            break;
        }
    return RT_OK;
}

int agc_reader_fetch(agc_reader *r, uint32_t sample, uint32_t ctg, uint64_t from, uint64_t to,
                     char *buf)
{
    const agc_ctg *c;
    int st = get_contig(r, sample, ctg, 1, &c);
    if (st)
        return st;
    st = agc_unpack_range(r->up, c, from, to, (uint8_t *)buf);
    if (st)
        return st;
    agc_codes_to_letters((uint8_t *)buf, (size_t)(to - from));
    return RT_OK;
}

int agc_reader_next_cut(agc_reader *r, uint32_t sample, uint32_t ctg, uint64_t pos,
                        uint64_t *cut)
{
    const agc_ctg *c;
    int st = get_contig(r, sample, ctg, 0, &c);
    if (st)
        return st;
    *cut = agc_unpack_next_cut(&r->c->prm, c, pos);
    return RT_OK;
}

int agc_reader_fetch_lines(agc_reader *r, uint32_t sample, uint32_t ctg, uint64_t from,
                           uint64_t to, uint64_t line, uint64_t *col, char *buf, size_t *n)
{
    const agc_ctg *c;
    int st = get_contig(r, sample, ctg, 1, &c);
    if (st)
        return st;
    return agc_unpack_range_lines(r->up, c, from, to, line, col, (uint8_t *)buf, n);
}

void agc_reader_cache_stats(const agc_reader *r, uint64_t *hits, uint64_t *misses)
{
    *hits = *misses = 0;
    if (r->up)
        agc_unpack_stats(r->up, hits, misses);
}
