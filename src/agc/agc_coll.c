/* agc_coll: decoding of the v3 collection streams (layout in agc_coll.h);
 * formats 1 and 2 are in agc_coll_v12.c. */
#include "agc/agc_coll.h"
#include "agc/agc_coll_int.h"

#include <stdlib.h>
#include <string.h>

#include "agc/agc_codec.h"
#include "kindred/rt.h"

static int cmp_str(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int c = strcmp(x, y);
    return c ? c : (x > y) - (x < y);
}

int agc_coll_sort_names(agc_coll *c)
{
    uint32_t n = c->nsamples;
    char **tmp = rt_calloc(n ? n : 1, sizeof *tmp);
    c->sorted = rt_calloc(n ? n : 1, sizeof *c->sorted);
    if (!tmp || !c->sorted) {
        rt_free(tmp);
        return RT_ENOMEM;
    }
    /* Names lie in index order inside their blob, so a pointer gives back
     * its index; sorting pointers with a tie-break on address is stable. */
    for (uint32_t i = 0; i < n; i++)
        tmp[i] = c->snames[i];
    qsort(tmp, n, sizeof *tmp, cmp_str);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t lo = 0, hi = n;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (c->snames[mid] < tmp[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        c->sorted[i] = lo;
    }
    rt_free(tmp);
    return RT_OK;
}

/* collection-samples: the v3 sample list. */
static int open_v3(agc_coll *c)
{
    const agc_archive *ar = c->ar;
    uint8_t *raw = NULL;
    size_t cap = 0, len = 0;
    int st = RT_EFORMAT;
    long s = agc_ar_find(ar, "collection-samples");
    c->s_contigs = agc_ar_find(ar, "collection-contigs");
    c->s_details = agc_ar_find(ar, "collection-details");
    if (s < 0 || c->s_contigs < 0 || c->s_details < 0)
        goto fail;
    st = agc_zpart_plain(ar, s, 0, c->dctx, &raw, &cap, &len);
    if (st)
        goto fail;
    st = RT_EFORMAT;
    size_t pos = 0;
    uint32_t n;
    if (agc_cvar_get(raw, len, &pos, &n) || n > len - pos)
        goto fail;
    st = RT_ENOMEM;
    c->sblob = rt_malloc(len - pos + 1);
    c->snames = rt_calloc(n ? n : 1, sizeof *c->snames);
    if (!c->sblob || !c->snames)
        goto fail;
    memcpy(c->sblob, raw + pos, len - pos);
    c->sblob[len - pos] = '\0';
    st = RT_EFORMAT;
    size_t bpos = 0, blen = len - pos;
    for (uint32_t i = 0; i < n; i++) {
        const char *z = memchr(c->sblob + bpos, 0, blen - bpos);
        if (!z)
            goto fail;
        c->snames[i] = c->sblob + bpos;
        bpos = (size_t)(z - c->sblob) + 1;
        if (i + 1 < n && bpos >= blen)
            goto fail;
    }
    c->nsamples = n;
    c->bsize = c->prm.pack;
    st = RT_OK;
fail:
    rt_free(raw);
    return st;
}

int agc_coll_open(agc_coll **out, const agc_archive *ar, const agc_params *p, uint32_t max_groups)
{
    *out = NULL;
    agc_coll *c = rt_calloc(1, sizeof *c);
    if (!c)
        return RT_ENOMEM;
    c->ar = ar;
    c->prm = *p;
    c->max_groups = max_groups;
    c->dctx = ZSTD_createDCtx();
    int st = RT_ENOMEM;
    if (!c->dctx)
        goto fail;
    st = p->version < 3000 ? agc_coll_v12_open(c) : open_v3(c);
    if (st)
        goto fail;
    uint32_t n = c->nsamples;
    st = RT_ENOMEM;
    if (!c->batches) {
        c->nbatches = n ? (uint32_t)((n - 1) / c->bsize + 1) : 0;
        c->batches = rt_calloc(c->nbatches ? c->nbatches : 1, sizeof *c->batches);
        if (!c->batches)
            goto fail;
    }
    st = agc_coll_sort_names(c);
    if (st)
        goto fail;
    *out = c;
    return RT_OK;
fail:
    agc_coll_free(c);
    return st;
}

void agc_coll_batch_free(coll_batch *b)
{
    if (!b)
        return;
    rt_free(b->samples);
    rt_free(b->ctgs);
    rt_free(b->segs);
    rt_free(b->names);
    rt_free(b);
}

void agc_coll_free(agc_coll *c)
{
    if (!c)
        return;
    if (c->batches)
        for (uint32_t i = 0; i < c->nbatches; i++)
            agc_coll_batch_free(c->batches[i]);
    rt_free(c->batches);
    rt_free(c->sorted);
    rt_free(c->snames);
    rt_free(c->sblob);
    rt_free(c->blob);
    rt_free(c->osamples);
    rt_free(c->octgs);
    rt_free(c->ctg_first);
    rt_free(c->cmds);
    ZSTD_freeDCtx(c->dctx);
    rt_free(c);
}

uint32_t agc_coll_ncmd(const agc_coll *c)
{
    return c->ncmd;
}

void agc_coll_cmd(const agc_coll *c, uint32_t i, const char **cmd, const char **date)
{
    *cmd = c->cmds[2 * (size_t)i];
    *date = c->cmds[2 * (size_t)i + 1];
}

uint32_t agc_coll_nsamples(const agc_coll *c)
{
    return c->nsamples;
}

const char *agc_coll_sample_name(const agc_coll *c, uint32_t i)
{
    return i < c->nsamples ? c->snames[i] : NULL;
}

uint32_t agc_coll_sorted(const agc_coll *c, uint32_t i)
{
    return c->sorted[i];
}

void agc_coll_find_sample(const agc_coll *c, const char *name, uint32_t *idx, int *found)
{
    uint32_t lo = 0, hi = c->nsamples;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->snames[c->sorted[mid]], name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < c->nsamples && strcmp(c->snames[c->sorted[lo]], name) == 0;
    if (*found)
        *idx = c->sorted[lo];
}

/* ---------------------------------------------------------------- names */

/* Component boundaries: count of ' '-separated pieces. */
static size_t ncomp(const uint8_t *s, size_t n)
{
    size_t c = 1;
    for (size_t i = 0; i < n; i++)
        c += s[i] == ' ';
    return c;
}

int agc_coll_name_decode(const char *prev, size_t prev_len, const uint8_t *enc, size_t enc_len,
                         char *out, size_t cap, size_t *out_len)
{
    if (cap < enc_len + prev_len + 1)
        return RT_ERANGE;
    if (!prev || ncomp((const uint8_t *)prev, prev_len) != ncomp(enc, enc_len)) {
        memcpy(out, enc, enc_len);
        *out_len = enc_len;
        return RT_OK;
    }
    size_t o = 0, e = 0, p = 0;
    for (;;) {
        size_t ee = e, pe = p;
        while (ee < enc_len && enc[ee] != ' ')
            ee++;
        while (pe < prev_len && prev[pe] != ' ')
            pe++;
        if (ee - e == 1 && enc[e] == 0x81) {
            memcpy(out + o, prev + p, pe - p);
            o += pe - p;
        } else {
            size_t pp = p;
            for (size_t i = e; i < ee; i++) {
                uint8_t b = enc[i];
                if (b < 128) {
                    out[o++] = (char)b;
                    pp++;
                } else {
                    size_t run = 256u - b;
                    if (pp > pe || run > pe - pp)
                        return RT_EFORMAT;
                    memcpy(out + o, prev + pp, run);
                    o += run;
                    pp += run;
                }
            }
        }
        if (ee >= enc_len)
            break;
        out[o++] = ' ';
        e = ee + 1;
        p = pe < prev_len ? pe + 1 : pe;
    }
    *out_len = o;
    return RT_OK;
}

/* ---------------------------------------------------------------- batches */

size_t agc_coll_short_len(const char *s)
{
    size_t i = 0;
    while (s[i] && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
        i++;
    return i;
}

typedef struct col {
    uint8_t *d;
    size_t len, pos;
} col;

static int col_next(col *c, uint32_t *v)
{
    return agc_cvar_get(c->d, c->len, &c->pos, v);
}

static int load_names(agc_coll *c, uint32_t b, uint32_t ns, coll_batch *bt, uint32_t **nctg_out,
                      size_t **name_off, size_t *nctg_total)
{
    uint8_t *raw = NULL;
    size_t cap = 0, len = 0;
    int st = agc_zpart_plain(c->ar, c->s_contigs, b, c->dctx, &raw, &cap, &len);
    if (st) {
        rt_free(raw);
        return st;
    }
    size_t pos = 0, ncap = 0, nlen = 0, total = 0, ocap = 0;
    uint32_t v, *nctg = NULL;
    size_t *offs = NULL;
    st = RT_EFORMAT;
    if (agc_cvar_get(raw, len, &pos, &v) || v != ns)
        goto done;
    st = RT_ENOMEM;
    nctg = rt_calloc(ns, sizeof *nctg);
    if (!nctg)
        goto done;
    for (uint32_t i = 0; i < ns; i++) {
        st = RT_EFORMAT;
        if (agc_cvar_get(raw, len, &pos, &nctg[i]) || nctg[i] > len - pos)
            goto done;
        size_t prev_off = 0, prev_len = 0;
        int have_prev = 0;
        for (uint32_t j = 0; j < nctg[i]; j++) {
            const uint8_t *z = memchr(raw + pos, 0, len - pos);
            st = RT_EFORMAT;
            if (!z)
                goto done;
            size_t el = (size_t)(z - (raw + pos));
            st = agc_buf_grow((uint8_t **)&bt->names, &ncap, nlen + el + prev_len + 2);
            if (st)
                goto done;
            if (total >= ocap) {
                size_t oc = ocap ? ocap * 2 : 64;
                size_t *no = rt_realloc(offs, oc * sizeof *no);
                st = RT_ENOMEM;
                if (!no)
                    goto done;
                offs = no;
                ocap = oc;
            }
            size_t ol = 0;
            st = agc_coll_name_decode(have_prev ? bt->names + prev_off : NULL, prev_len, raw + pos,
                                      el, bt->names + nlen, ncap - nlen, &ol);
            if (st)
                goto done;
            bt->names[nlen + ol] = '\0';
            offs[total++] = nlen;
            prev_off = nlen;
            prev_len = ol;
            have_prev = 1;
            nlen += ol + 1;
            pos += el + 1;
        }
    }
    st = RT_OK;
    *nctg_out = nctg;
    *name_off = offs;
    *nctg_total = total;
    nctg = NULL;
    offs = NULL;
done:
    rt_free(nctg);
    rt_free(offs);
    rt_free(raw);
    return st;
}

static int load_details(agc_coll *c, uint32_t b, col cols[5])
{
    const uint8_t *p;
    size_t n;
    uint64_t meta;
    int st = agc_ar_part(c->ar, c->s_details, b, &p, &n, &meta);
    if (st)
        return st == RT_ERANGE ? RT_EFORMAT : st;
    size_t pos = 0;
    uint32_t raw[5], packed[5];
    for (int i = 0; i < 5; i++)
        if (agc_cvar_get(p, n, &pos, &raw[i]) || agc_cvar_get(p, n, &pos, &packed[i]))
            return RT_EFORMAT;
    for (int i = 0; i < 5; i++) {
        if (packed[i] > n - pos || (raw[i] && agc_zprecheck(p + pos, packed[i], raw[i])))
            return RT_EFORMAT;
        cols[i].d = rt_malloc(raw[i] ? raw[i] : 1);
        if (!cols[i].d)
            return RT_ENOMEM;
        cols[i].len = raw[i];
        cols[i].pos = 0;
        if (raw[i]) {
            st = agc_zdec(c->dctx, p + pos, packed[i], cols[i].d, raw[i]);
            if (st)
                return st;
        }
        pos += packed[i];
    }
    return RT_OK;
}

static int load_batch(agc_coll *c, uint32_t b)
{
    uint32_t first = b * c->prm.pack;
    uint32_t ns = c->nsamples - first < c->prm.pack ? c->nsamples - first : c->prm.pack;
    coll_batch *bt = rt_calloc(1, sizeof *bt);
    uint32_t *nctg = NULL;
    size_t *offs = NULL, total = 0;
    col cols[5];
    int64_t *last = NULL;
    memset(cols, 0, sizeof cols);
    if (!bt)
        return RT_ENOMEM;
    int st = load_names(c, b, ns, bt, &nctg, &offs, &total);
    if (st)
        goto fail;
    st = load_details(c, b, cols);
    if (st)
        goto fail;
    st = RT_EFORMAT;
    uint32_t v;
    if (col_next(&cols[0], &v) || v != ns)
        goto fail;
    st = RT_ENOMEM;
    bt->samples = rt_calloc(ns ? ns : 1, sizeof *bt->samples);
    bt->ctgs = rt_calloc(total ? total : 1, sizeof *bt->ctgs);
    if (!bt->samples || !bt->ctgs)
        goto fail;
    /* Shape first: per-contig segment counts, bounded by column 1's size. */
    size_t nsegs = 0, ci = 0;
    for (uint32_t i = 0; i < ns; i++) {
        st = RT_EFORMAT;
        if (col_next(&cols[0], &v) || v != nctg[i])
            goto fail;
        for (uint32_t j = 0; j < nctg[i]; j++, ci++) {
            if (col_next(&cols[0], &v))
                goto fail;
            bt->ctgs[ci].nseg = v;
            nsegs += v;
            if (nsegs > cols[1].len)
                goto fail;
        }
    }
    st = RT_ENOMEM;
    bt->segs = rt_calloc(nsegs ? nsegs : 1, sizeof *bt->segs);
    last = rt_malloc((c->max_groups ? c->max_groups : 1) * sizeof *last);
    if (!bt->segs || !last)
        goto fail;
    for (uint32_t g = 0; g < c->max_groups; g++)
        last[g] = -1;
    const uint64_t pred = (uint64_t)c->prm.segment_size + c->prm.k;
    size_t si = 0;
    ci = 0;
    st = RT_EFORMAT;
    for (uint32_t i = 0; i < ns; i++) {
        bt->samples[i].name = c->snames[first + i];
        bt->samples[i].ctgs = bt->ctgs + ci;
        bt->samples[i].nctg = nctg[i];
        for (uint32_t j = 0; j < nctg[i]; j++, ci++) {
            agc_ctg *ct = &bt->ctgs[ci];
            ct->segs = bt->segs + si;
            uint64_t clen = 0;
            for (uint32_t s = 0; s < ct->nseg; s++, si++) {
                agc_seg *sg = &bt->segs[si];
                uint32_t g, e, rl, rc;
                if (col_next(&cols[1], &g) || col_next(&cols[2], &e) || col_next(&cols[3], &rl) ||
                    col_next(&cols[4], &rc))
                    goto fail;
                if (g >= c->max_groups || rc > 1)
                    goto fail;
                int64_t prev = last[g];
                uint64_t id;
                if (prev < 0)
                    id = e;
                else if (e == 0)
                    id = 0;
                else if (e == 1)
                    id = (uint64_t)prev + 1;
                else
                    id = agc_zz2_dec(e - 1, (uint64_t)prev + 1);
                if (id > UINT32_MAX)
                    goto fail;
                if ((int64_t)id > prev && id > 0)
                    last[g] = (int64_t)id;
                uint64_t len = agc_zz2_dec(rl, pred);
                if (len > UINT32_MAX)
                    goto fail;
                sg->group = g;
                sg->in_group = (uint32_t)id;
                sg->raw_len = (uint32_t)len;
                sg->rc = rc;
                if (s == 0)
                    clen = len;
                else if (len < c->prm.k)
                    goto fail;
                else
                    clen += len - c->prm.k;
            }
            ct->len = clen;
        }
    }
    for (size_t i = 0; i < total; i++) {
        bt->ctgs[i].name = bt->names + offs[i];
        bt->ctgs[i].short_len = agc_coll_short_len(bt->ctgs[i].name);
    }
    c->batches[b] = bt;
    bt = NULL;
    st = RT_OK;
fail:
    rt_free(last);
    for (int i = 0; i < 5; i++)
        rt_free(cols[i].d);
    rt_free(nctg);
    rt_free(offs);
    agc_coll_batch_free(bt);
    return st;
}

int agc_coll_sample(agc_coll *c, uint32_t i, agc_sample *out)
{
    if (i >= c->nsamples)
        return RT_ERANGE;
    uint32_t b = i / c->bsize;
    if (c->prm.version < 3000) {
        if (!c->batches[b]) {
            int st = agc_coll_v12_batch(c, b);
            if (st)
                return st;
        }
        *out = c->osamples[i];
        return RT_OK;
    }
    if (!c->batches[b]) {
        int st = load_batch(c, b);
        if (st)
            return st;
    }
    *out = c->batches[b]->samples[i - b * c->bsize];
    return RT_OK;
}
