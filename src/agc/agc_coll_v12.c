/*
 * agc_coll_v12: the collection of format 1.x and 2.x archives (AGC 1.x and
 * 2.x), read into the same views as format 3 (agc_coll_int.h).
 *
 * Both keep every name in one zstd part (meta = raw size), in the
 * collection varint of agc_codec, strings NUL-terminated:
 *
 *   v1 collection-desc:
 *     cv(ns) { name\0 cv(nc) { name\0 cv(nseg) { cv(g) cv(id) cv(len) cv(rc) }*nseg }*nc }*ns
 *     cv(ncmd) { cmd\0 date\0 }*ncmd
 *        g, id, len: signed zigzag (0,-1,1,-2.. -> 0,1,2,3..) of the
 *        difference to the previous segment of the same contig (first: 0),
 *        wrapping modulo 2^32
 *
 *   v2 collection-main:
 *     cv(dbs) cv(ns) { name\0 cv(nc) { name\0 cv(nseg) }*nc }*ns
 *     cv(ncmd) { cmd\0 date\0 }*ncmd
 *   v2 collection-details, part b = samples [b*dbs, (b+1)*dbs):
 *     column g | column id | column len | column rc
 *        each column: every segment of the batch, sample -> contig ->
 *        segment order, cv(zz2(value, previous value in the contig, first 0))
 *
 * Sample names are unique and stored in insertion order by AGC 2.x; AGC 1.x
 * wrote them in byte order. Contig names are stored verbatim.
 */
#include <string.h>

#include "agc/agc_codec.h"
#include "agc/agc_coll_int.h"
#include "kindred/rt.h"

typedef struct cur {
    const uint8_t *d;
    size_t len, pos;
} cur;

static int take_cv(cur *k, uint32_t *v)
{
    return agc_cvar_get(k->d, k->len, &k->pos, v);
}

static int take_str(cur *k, const char **s)
{
    if (k->pos >= k->len)
        return RT_EFORMAT;
    const uint8_t *z = memchr(k->d + k->pos, 0, k->len - k->pos);
    if (!z)
        return RT_EFORMAT;
    if (s)
        *s = (const char *)(k->d + k->pos);
    k->pos = (size_t)(z - k->d) + 1;
    return RT_OK;
}

static size_t left(const cur *k)
{
    return k->len - k->pos;
}

/* Signed zigzag, as v1 stores differences. */
static uint32_t zz_signed_dec(uint32_t e)
{
    return (e & 1) ? (uint32_t)0 - ((e >> 1) + 1) : e >> 1;
}

/* Contig length from its segments; a non-first segment shorter than the
 * k-symbol overlap cannot exist. */
static int ctg_len(agc_ctg *ct, uint32_t k)
{
    uint64_t len = 0;
    for (uint32_t s = 0; s < ct->nseg; s++) {
        uint32_t rl = ct->segs[s].raw_len;
        if (s == 0)
            len = rl;
        else if (rl < k)
            return RT_EFORMAT;
        else
            len += rl - k;
    }
    ct->len = len;
    return RT_OK;
}

/* Command lines after the samples; pass 0 counts, pass 1 records. */
static int take_cmds(agc_coll *c, cur *k, int fill)
{
    uint32_t n;
    if (take_cv(k, &n) || n > left(k) / 2)
        return RT_EFORMAT;
    if (fill) {
        c->cmds = rt_calloc(2 * (size_t)n + 1, sizeof *c->cmds);
        if (!c->cmds)
            return RT_ENOMEM;
        c->ncmd = n;
    }
    for (size_t i = 0; i < 2 * (size_t)n; i++)
        if (take_str(k, fill ? &c->cmds[i] : NULL))
            return RT_EFORMAT;
    return RT_OK;
}

typedef struct tally {
    uint32_t ns;
    size_t nctg, nseg;
} tally;

/*
 * One walk over the name stream. Pass 0 validates and counts (every count is
 * checked against the bytes that must follow it), pass 1 fills the arrays
 * sized from pass 0. with_segs: v1 (segments inline).
 */
static int walk(agc_coll *c, cur *k, int with_segs, int fill, tally *t)
{
    uint32_t ns;
    if (take_cv(k, &ns) || ns > left(k) / 2)
        return RT_EFORMAT;
    size_t ci = 0, si = 0;
    agc_seg *segs = fill && with_segs ? c->batches[0]->segs : NULL;
    for (uint32_t i = 0; i < ns; i++) {
        const char *sname;
        uint32_t nc;
        if (take_str(k, &sname) || take_cv(k, &nc) || nc > left(k) / 2)
            return RT_EFORMAT;
        if (fill) {
            c->snames[i] = (char *)(uintptr_t)sname;
            c->osamples[i].name = sname;
            c->osamples[i].ctgs = c->octgs + ci;
            c->osamples[i].nctg = nc;
            c->ctg_first[i] = ci;
        }
        for (uint32_t j = 0; j < nc; j++, ci++) {
            const char *cname;
            uint32_t nseg;
            if (take_str(k, &cname) || take_cv(k, &nseg))
                return RT_EFORMAT;
            if (with_segs ? nseg > left(k) / 4 : nseg > UINT32_MAX / 4)
                return RT_EFORMAT;
            agc_ctg *ct = fill ? &c->octgs[ci] : NULL;
            if (ct) {
                ct->name = cname;
                ct->short_len = agc_coll_short_len(cname);
                ct->nseg = nseg;
                ct->segs = segs ? segs + si : NULL;
            }
            if (!with_segs)
                continue;
            uint32_t pg = 0, pid = 0, plen = 0;
            for (uint32_t s = 0; s < nseg; s++, si++) {
                uint32_t eg, eid, elen, rc;
                if (take_cv(k, &eg) || take_cv(k, &eid) || take_cv(k, &elen) || take_cv(k, &rc))
                    return RT_EFORMAT;
                pg += zz_signed_dec(eg);
                pid += zz_signed_dec(eid);
                plen += zz_signed_dec(elen);
                if (pg >= c->max_groups || rc > 1)
                    return RT_EFORMAT;
                if (segs) {
                    segs[si].group = pg;
                    segs[si].in_group = pid;
                    segs[si].raw_len = plen;
                    segs[si].rc = rc;
                }
            }
            if (ct && ctg_len(ct, c->prm.k))
                return RT_EFORMAT;
        }
    }
    if (fill)
        c->ctg_first[ns] = ci;
    int st = take_cmds(c, k, fill);
    if (st)
        return st;
    t->ns = ns;
    t->nctg = ci;
    t->nseg = si;
    return RT_OK;
}

int agc_coll_v12_open(agc_coll *c)
{
    int v1 = c->prm.version < 2000;
    long s = agc_ar_find(c->ar, v1 ? "collection-desc" : "collection-main");
    if (!v1)
        c->s_details = agc_ar_find(c->ar, "collection-details");
    if (s < 0 || (!v1 && c->s_details < 0))
        return RT_EFORMAT;
    size_t cap = 0;
    int st = agc_zpart_plain(c->ar, s, 0, c->dctx, &c->blob, &cap, &c->blob_len);
    if (st)
        return st;
    cur k = {c->blob, c->blob_len, 0};
    uint32_t dbs = 0;
    if (!v1 && (take_cv(&k, &dbs) || dbs == 0))
        return RT_EFORMAT;
    size_t start = k.pos;
    tally t;
    st = walk(c, &k, v1, 0, &t);
    if (st)
        return st;
    c->snames = rt_calloc(t.ns ? t.ns : 1, sizeof *c->snames);
    c->osamples = rt_calloc(t.ns ? t.ns : 1, sizeof *c->osamples);
    c->octgs = rt_calloc(t.nctg ? t.nctg : 1, sizeof *c->octgs);
    c->ctg_first = rt_calloc((size_t)t.ns + 1, sizeof *c->ctg_first);
    if (!c->snames || !c->osamples || !c->octgs || !c->ctg_first)
        return RT_ENOMEM;
    if (v1) {
        /* Everything is in this one stream: a single batch, loaded now. */
        c->nbatches = 1;
        c->batches = rt_calloc(1, sizeof *c->batches);
        if (!c->batches || !(c->batches[0] = rt_calloc(1, sizeof **c->batches)))
            return RT_ENOMEM;
        c->batches[0]->segs = rt_calloc(t.nseg ? t.nseg : 1, sizeof(agc_seg));
        if (!c->batches[0]->segs)
            return RT_ENOMEM;
        c->bsize = t.ns ? t.ns : 1;
    } else {
        c->bsize = dbs;
    }
    k.pos = start;
    st = walk(c, &k, v1, 1, &t);
    if (st)
        return st;
    c->nsamples = t.ns;
    return RT_OK;
}

int agc_coll_v12_batch(agc_coll *c, uint32_t b)
{
    if (c->prm.version < 2000 || b >= c->nbatches)
        return RT_EFORMAT;
    uint64_t first = (uint64_t)b * c->bsize;
    uint64_t last = first + c->bsize < c->nsamples ? first + c->bsize : c->nsamples;
    size_t c0 = c->ctg_first[first], c1 = c->ctg_first[last];
    uint64_t total = 0;
    for (size_t i = c0; i < c1; i++)
        total += c->octgs[i].nseg;
    uint8_t *raw = NULL;
    size_t cap = 0, len = 0;
    coll_batch *bt = NULL;
    int st = agc_zpart_plain(c->ar, c->s_details, b, c->dctx, &raw, &cap, &len);
    if (st)
        goto done;
    st = RT_EFORMAT;
    if (total > len / 4)
        goto done;
    st = RT_ENOMEM;
    bt = rt_calloc(1, sizeof *bt);
    if (!bt || !(bt->segs = rt_calloc(total ? (size_t)total : 1, sizeof *bt->segs)))
        goto done;
    st = RT_EFORMAT;
    cur k = {raw, len, 0};
    for (int col = 0; col < 4; col++) {
        size_t si = 0;
        for (size_t i = c0; i < c1; i++) {
            uint64_t prev = 0;
            for (uint32_t s = 0; s < c->octgs[i].nseg; s++, si++) {
                uint32_t e;
                if (take_cv(&k, &e))
                    goto done;
                uint64_t v = agc_zz2_dec(e, prev);
                if (v > UINT32_MAX)
                    goto done;
                agc_seg *sg = &bt->segs[si];
                if (col == 0) {
                    if (v >= c->max_groups)
                        goto done;
                    sg->group = (uint32_t)v;
                } else if (col == 1) {
                    sg->in_group = (uint32_t)v;
                } else if (col == 2) {
                    sg->raw_len = (uint32_t)v;
                } else {
                    if (e > 1)
                        goto done;
                    sg->rc = e;
                    v = 0;   /* flags are stored plain */
                }
                prev = v;
            }
        }
    }
    size_t si = 0;
    for (size_t i = c0; i < c1; i++) {
        agc_ctg *ct = &c->octgs[i];
        ct->segs = bt->segs + si;
        si += ct->nseg;
        if (ctg_len(ct, c->prm.k))
            goto done;
    }
    c->batches[b] = bt;
    bt = NULL;
    st = RT_OK;
done:
    if (st)
        for (size_t i = c0; i < c1; i++)
            c->octgs[i].segs = NULL;
    agc_coll_batch_free(bt);
    rt_free(raw);
    return st;
}
