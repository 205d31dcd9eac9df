/*
 * agc_compress_store: phases B-D of a round and the final flush.
 *
 *   B (owner)    items sorted by (contig name, part); keys never seen get
 *                the next group ids in that order; raw items are spread
 *                over groups 1..15 then 0 (format spec 7.6)
 *   C (workers)  one job per touched group, in its sorted order:
 *                first item of an LZ group -> reference part (tuples+zstd 13
 *                or zstd 19), then LZ-diff entries; full packs -> zstd 17
 *   D (owner)    parts written in ascending group order
 *
 * Group parts:
 *   x<g>r  zstd(ref or tuples(ref)) | marker 0/1       meta = |ref|
 *   x<g>d  zstd(e0 FF e1 FF ... e(pack-1) FF) | 00    meta = pack length
 *   either stored raw with meta 0 when compression does not pay.
 */
#include "agc/agc_compress_int.h"

#include <stdlib.h>
#include <string.h>

#include "agc/agc_codec.h"

/* ---------------------------------------------------------------- phase B */

typedef struct {
    const char *name;
    uint32_t part, ctg, idx;
} skey;

static int skey_cmp(const void *a, const void *b)
{
    const skey *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    if (x->part != y->part)
        return x->part < y->part ? -1 : 1;
    if (x->ctg != y->ctg)
        return x->ctg < y->ctg ? -1 : 1;
    return 0;
}

/* Sort item indices v[0..n) by (contig name, part, contig index). */
static int sort_items(cstate *s, uint32_t *v, size_t n, skey **scratch, size_t *scap)
{
    if (n < 2)
        return RT_OK;
    if (*scap < n) {
        skey *t = rt_realloc(*scratch, n * sizeof *t);
        if (!t)
            return RT_ENOMEM;
        *scratch = t;
        *scap = n;
    }
    skey *k = *scratch;
    for (size_t i = 0; i < n; i++) {
        const citem *it = s->all.v[v[i]];
        k[i].name = s->round.v[it->ctg].name;
        k[i].part = it->part;
        k[i].ctg = it->ctg;
        k[i].idx = v[i];
    }
    qsort(k, n, sizeof *k, skey_cmp);
    for (size_t i = 0; i < n; i++)
        v[i] = k[i].idx;
    return RT_OK;
}

static int new_group(cstate *s, uint64_t k1, uint64_t k2, uint32_t *gid)
{
    cgroup *g = rt_calloc(1, sizeof *g);
    if (!g)
        return RT_ENOMEM;
    uint32_t id = (uint32_t)s->groups.n;
    char name[AGC_SNAME_MAX];
    g->k1 = k1;
    g->k2 = k2;
    if (rt_vec_push(&s->groups, g)) {
        rt_free(g);
        return RT_ENOMEM;
    }
    if (id >= CG_RAW) {
        agc_group_sname(name, id, 'r');
        if (agc_arw_stream(s->ar, name, &g->sid_r))
            return RT_ENOMEM;
    }
    agc_group_sname(name, id, 'd');
    if (agc_arw_stream(s->ar, name, &g->sid_d))
        return RT_ENOMEM;
    if (id < CG_RAW) {
        /* the placeholder entry 0 every raw group carries */
        if (rt_buf_putc(&g->pack, 0x7F) || rt_buf_putc(&g->pack, AGC_PACK_SEP) ||
            rt_vec_push(&g->ent, 0u))
            return RT_ENOMEM;
        g->no_seqs = 1;
        *gid = id;
        return RT_OK;
    }
    if (cs_pmap_put(&s->map, k1, k2, id))
        return RT_ENOMEM;
    if (k1 != AGC_KMER_NONE && k2 != AGC_KMER_NONE) {
        if (cs_terms_add(&s->terms, k1, k2))
            return RT_ENOMEM;
        if (k1 != k2 && cs_terms_add(&s->terms, k2, k1))
            return RT_ENOMEM;
    }
    *gid = id;
    return RT_OK;
}

int cs_init_groups(cstate *s)
{
    uint32_t gid;
    for (uint32_t i = 0; i < CG_RAW; i++)
        if (new_group(s, AGC_KMER_NONE, AGC_KMER_NONE, &gid))
            return RT_ENOMEM;
    return cs_pmap_put(&s->map, AGC_KMER_NONE, AGC_KMER_NONE, 0);
}

int cs_register(cstate *s)
{
    int rc = RT_OK;
    RT_VEC(uint32_t) fresh = {0};
    skey *scratch = NULL;
    size_t scap = 0;
    rt_vec_clear(&s->all);
    for (size_t c = 0; c < s->round.n; c++)
        for (uint32_t i = 0; i < s->round.v[c].nitems; i++)
            if (rt_vec_push(&s->all, &s->round.v[c].items[i]))
                return RT_ENOMEM;
    for (size_t i = 0; i < s->all.n; i++) {
        citem *it = s->all.v[i];
        if (it->gid == CG_NONE)
            rc = rt_vec_push(&fresh, (uint32_t)i);
        else
            rc = rt_vec_push(&s->groups.v[it->gid]->todo, (uint32_t)i);
        if (rc)
            goto done;
    }
    for (size_t g = 0; g < s->groups.n && !rc; g++)
        rc = sort_items(s, s->groups.v[g]->todo.v, s->groups.v[g]->todo.n, &scratch, &scap);
    if (!rc)
        rc = sort_items(s, fresh.v, fresh.n, &scratch, &scap);
    for (size_t i = 0; i < fresh.n && !rc; i++) {
        citem *it = s->all.v[fresh.v[i]];
        uint32_t gid = cs_pmap_get(&s->map, it->k1, it->k2);
        if (gid == CG_NONE)
            rc = new_group(s, it->k1, it->k2, &gid);
        it->gid = gid;
        if (!rc)
            rc = rt_vec_push(&s->groups.v[gid]->todo, fresh.v[i]);
    }
    if (rc)
        goto done;
    /* Raw spreading: destinations cycle 0..15; a non-zero destination takes
     * the front item of group 0's list, destination 0 takes nothing. */
    cgroup *g0 = s->groups.v[0];
    size_t n0 = g0->todo.n, f = 0;
    for (size_t i = 0; i < n0; i++) {
        uint32_t d = (uint32_t)(i % CG_RAW);
        if (d == 0)
            continue;
        uint32_t idx = g0->todo.v[f++];
        s->all.v[idx]->gid = d;
        if ((rc = rt_vec_push(&s->groups.v[d]->todo, idx)))
            goto done;
    }
    if (f) {
        memmove(g0->todo.v, g0->todo.v + f, (n0 - f) * sizeof *g0->todo.v);
        g0->todo.n = n0 - f;
    }
done:
    rt_vec_free(&fresh);
    rt_free(scratch);
    return rc;
}

/* ---------------------------------------------------------------- phase C */

static int add_part(cgroup *g, const uint8_t *payload, size_t n, const uint8_t *tail,
                    size_t ntail, uint64_t meta, int is_ref)
{
    cg_part p;
    p.data = rt_malloc(n + ntail + 1);
    if (!p.data)
        return RT_ENOMEM;
    if (n)
        memcpy(p.data, payload, n);
    if (ntail)
        memcpy(p.data + n, tail, ntail);
    p.n = n + ntail;
    p.meta = meta;
    p.is_ref = is_ref;
    if (rt_vec_push(&g->out, p)) {
        rt_free(p.data);
        return RT_ENOMEM;
    }
    return RT_OK;
}

/* The frame in w->tmp + marker, or the raw bytes with meta 0 when that is
 * not smaller. */
static int keep_smaller(cworker *w, cgroup *g, const uint8_t *raw, size_t nraw, uint8_t marker,
                        int is_ref)
{
    if (w->tmp.n + 1 >= nraw)
        return add_part(g, raw, nraw, NULL, 0, 0, is_ref);
    return add_part(g, w->tmp.v, w->tmp.n, &marker, 1, nraw, is_ref);
}

static int store_ref(cworker *w, cgroup *g, const uint8_t *s, uint32_t n, uint32_t mml)
{
    int rc;
    /* Periodic references compress better as plain zstd than as tuples. */
    if (agc_periodic(s, n)) {
        rc = agc_zstd_into(w->cctx, s, n, 19, &w->tmp);
        if (!rc)
            rc = keep_smaller(w, g, s, n, 0, 1);
    } else {
        size_t tl = 0, cap = agc_tuples_bound(n);
        if (rt_vec_reserve(&w->delta, cap))
            return RT_ENOMEM;
        if ((rc = agc_tuples_pack(s, n, w->delta.v, cap, &tl)))
            return rc;
        rc = agc_zstd_into(w->cctx, w->delta.v, tl, 13, &w->tmp);
        if (!rc)
            rc = keep_smaller(w, g, s, n, 1, 1);
    }
    if (rc)
        return rc;
    if ((rc = agc_lzref_init(&g->lz, s, n, mml)))
        return rc;
    g->has_ref = 1;
    g->ref_len = n;
    g->no_seqs = 1;
    return RT_OK;
}

/* Delta packs go through agc_zpack at level 17. From 16 KiB on, with a
 * minimum match of 6 and a target length of 32: LZ-diff text repeats in
 * long runs (the same edits in many samples), so the optimal parser gains
 * little from short matches or long searches in a pack of many entries.
 * In a smaller pack (few or short entries) the short matches are most of
 * what there is, and the level's own parameters are the smallest: 6 made
 * the generated golden collections' archives 0.2-0.6% larger.
 * On the packs of a 100-genome benchmark set, against plain level 17 below
 * 128 KiB (the former split): 2.5% smaller in about two thirds of the time. */
enum { PACK_MIN_MATCH = 6, PACK_TARGET_LEN = 32, PACK_SMALL = 16 * 1024 };

/* Groups below CG_RAW hold raw segments, the others LZ-diff text. */
static int flush_pack(cworker *w, cgroup *g, uint32_t gid)
{
    if (!g->ent.n)
        return RT_OK;
    int small = g->pack.n < PACK_SMALL;
    int rc = agc_zpack_compress(w->zp, w->cctx, g->pack.v, g->pack.n, 17,
                                small ? 0 : PACK_MIN_MATCH, small ? 0 : PACK_TARGET_LEN,
                                gid < CG_RAW ? AGC_ZP_CODES : AGC_ZP_LZDIFF, &w->tmp);
    if (!rc)
        rc = keep_smaller(w, g, g->pack.v, g->pack.n, 0, 0);
    rt_vec_clear(&g->pack);
    rt_vec_clear(&g->ent);
    return rc;
}

static int append_entry(cgroup *g, const uint8_t *p, size_t n)
{
    if (rt_vec_push(&g->ent, (uint32_t)g->pack.n) || rt_buf_append(&g->pack, p, n) ||
        rt_buf_putc(&g->pack, AGC_PACK_SEP))
        return RT_ENOMEM;
    return RT_OK;
}

static int store_item(cstate *s, cworker *w, uint32_t gid, cgroup *g, citem *it)
{
    int rc;
    if (gid < CG_RAW) {
        if (g->ent.n == s->o.pack && (rc = flush_pack(w, g, gid)))
            return rc;
        if ((rc = append_entry(g, it->data, it->len)))
            return rc;
        it->in_group = g->no_seqs++;
        return RT_OK;
    }
    if (!g->has_ref) {
        it->in_group = 0;
        return store_ref(w, g, it->data, it->len, s->o.mml);
    }
    if (g->ent.n == s->o.pack && (rc = flush_pack(w, g, gid)))
        return rc;
    if ((rc = agc_lz_encode(&g->lz, it->data, it->len, &w->delta)))
        return rc;
    if (w->delta.n == 0) {
        it->in_group = 0;
        return RT_OK;
    }
    for (size_t j = 0; j < g->ent.n; j++) {
        size_t b = g->ent.v[j];
        size_t e = (j + 1 < g->ent.n ? g->ent.v[j + 1] : g->pack.n) - 1;
        if (e - b == w->delta.n && memcmp(g->pack.v + b, w->delta.v, e - b) == 0) {
            it->in_group = g->no_seqs - (uint32_t)(g->ent.n - j);
            return RT_OK;
        }
    }
    if ((rc = append_entry(g, w->delta.v, w->delta.n)))
        return rc;
    it->in_group = g->no_seqs++;
    return RT_OK;
}

typedef struct {
    cstate *s;
    const uint32_t *gids;
    size_t from, to;
    int finish;
} gjob;

static void group_job(void *arg, int worker)
{
    gjob *j = arg;
    cstate *s = j->s;
    cworker *w = &s->w[worker];
    for (size_t x = j->from; x < j->to && !w->err; x++) {
        uint32_t gid = j->gids[x];
        cgroup *g = s->groups.v[gid];
        if (j->finish) {
            w->err = flush_pack(w, g, gid);
            continue;
        }
        for (size_t i = 0; i < g->todo.n && !w->err; i++)
            w->err = store_item(s, w, gid, g, s->all.v[g->todo.v[i]]);
        rt_vec_clear(&g->todo);
    }
}

int cs_write_group_parts(cstate *s, uint32_t gid)
{
    cgroup *g = s->groups.v[gid];
    int rc = RT_OK;
    for (size_t i = 0; i < g->out.n; i++) {
        cg_part *p = &g->out.v[i];
        if (!rc)
            rc = agc_arw_part(s->ar, p->is_ref ? g->sid_r : g->sid_d, p->data, p->n, p->meta);
        rt_free(p->data);
    }
    rt_vec_clear(&g->out);
    return rc;
}

/* Run group_job over gids in chunks on the pool, then write the parts in
 * ascending group order. */
static int run_groups(cstate *s, const uint32_t *gids, size_t n, int finish,
                      void (*idle)(void *ctx), void *ctx)
{
    size_t chunk = n / (size_t)(8 * s->nw) + 1;
    if (chunk > 64)
        chunk = 64;
    size_t nj = (n + chunk - 1) / chunk;
    gjob *jobs = rt_calloc(nj ? nj : 1, sizeof *jobs);
    if (!jobs)
        return RT_ENOMEM;
    for (size_t i = 0; i < nj; i++) {
        jobs[i].s = s;
        jobs[i].gids = gids;
        jobs[i].from = i * chunk;
        jobs[i].to = (i + 1) * chunk < n ? (i + 1) * chunk : n;
        jobs[i].finish = finish;
        int rc = rt_pool_submit(s->pool, group_job, &jobs[i]);
        if (rc) {
            rt_pool_wait(s->pool);
            rt_free(jobs);
            return rc;
        }
    }
    if (idle)
        idle(ctx);
    rt_pool_wait(s->pool);
    rt_free(jobs);
    int rc = RT_OK;
    for (int i = 0; i < s->nw; i++)
        if (s->w[i].err && !rc)
            rc = s->w[i].err;
    for (size_t i = 0; i < n; i++) {
        int r = cs_write_group_parts(s, gids[i]);
        if (!rc)
            rc = r;
    }
    return rc;
}

int cs_store_groups(cstate *s, void (*idle)(void *ctx), void *ctx)
{
    RT_VEC(uint32_t) gids = {0};
    for (size_t g = 0; g < s->groups.n; g++)
        if (s->groups.v[g]->todo.n && rt_vec_push(&gids, (uint32_t)g)) {
            rt_vec_free(&gids);
            return RT_ENOMEM;
        }
    int rc = run_groups(s, gids.v, gids.n, 0, idle, ctx);
    rt_vec_free(&gids);
    return rc;
}

int cs_finish_groups(cstate *s)
{
    uint32_t *gids = rt_malloc((s->groups.n + 1) * sizeof *gids);
    if (!gids)
        return RT_ENOMEM;
    for (size_t g = 0; g < s->groups.n; g++)
        gids[g] = (uint32_t)g;
    int rc = run_groups(s, gids, s->groups.n, 1, NULL, NULL);
    rt_free(gids);
    return rc;
}
