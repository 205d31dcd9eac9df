/*
 * agc_compress_class: phase A of a round. One contig is cut at splitters
 * and every segment is assigned to a group key (k1 <= k2, ~0 = no k-mer)
 * and an orientation, reading only state frozen for the round (format spec
 * 7.5):
 *
 *   both ends F,B       -> (min,max); stored reverse-complemented if !(F<B)
 *   only one end K      -> best existing (K,x)/(x,K) by LZ estimate, else
 *                          (K,~0) / (~0,K) with K at the canonical end
 *   neither             -> (~0,~0): a raw group
 *   (F,B) unknown, F and B both terminate known groups sharing an end M
 *                       -> split at the cheapest position into (F,M) + (M,B)
 *
 *        S:  F======================================B
 *            |<---- part 1 (F,M) ---->|                  cost prefix sums
 *                            |<------ part 2 (M,B) ---->| cost suffix sums
 *                            ^ overlap of k around the best position
 *
 * Items that need a reverse complement get a copy in the worker's arena;
 * the others point into the contig.
 */
#include "agc/agc_compress_int.h"

#include <stdlib.h>
#include <string.h>

#include "agc/agc_codec.h"

typedef struct {
    uint64_t k1, k2;
    uint32_t gid;
    int rc;
    int64_t dist, reflen;
    size_t order;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->dist != y->dist)
        return x->dist < y->dist ? -1 : 1;
    if (x->reflen != y->reflen)
        return x->reflen < y->reflen ? -1 : 1;
    return x->order < y->order ? -1 : (x->order > y->order);
}

static int pk_less(uint64_t a1, uint64_t a2, uint64_t b1, uint64_t b2)
{
    return a1 < b1 || (a1 == b1 && a2 < b2);
}

/* One-splitter search: K is the splitter (canonical), kdir whether it reads
 * canonically at the start of sd; sr = rc(sd). */
static int one_splitter(cstate *s, uint64_t K, int kdir, const uint8_t *sd, const uint8_t *sr,
                        uint32_t n, uint64_t *pk1, uint64_t *pk2, int *prc)
{
    uint64_t b1 = AGC_KMER_NONE, b2 = AGC_KMER_NONE;
    uint32_t best = n < 16 ? n : n - 16;
    int brc = 0;
    const u64vec *t = cs_terms_get(&s->terms, K);
    if (t && t->n) {
        cand stackc[16];
        cand *c = t->n <= 16 ? stackc : rt_malloc(t->n * sizeof *c);
        if (!c)
            return RT_ENOMEM;
        for (size_t i = 0; i < t->n; i++) {
            uint64_t o = t->v[i];
            if (o < K) {
                c[i].k1 = o;
                c[i].k2 = K;
                c[i].rc = 1;
            } else {
                c[i].k1 = K;
                c[i].k2 = o;
                c[i].rc = 0;
            }
            c[i].gid = cs_pmap_get(&s->map, c[i].k1, c[i].k2);
            c[i].reflen = c[i].gid == CG_NONE ? 0 : (int64_t)s->groups.v[c[i].gid]->ref_len + 1;
            int64_t d = (int64_t)n - c[i].reflen;
            c[i].dist = d < 0 ? -d : d;
            c[i].order = i;
        }
        qsort(c, t->n, sizeof *c, cand_cmp);
        for (size_t i = 0; i < t->n; i++) {
            if (c[i].gid == CG_NONE || !s->groups.v[c[i].gid]->has_ref)
                continue;
            uint32_t est = agc_lz_estimate(&s->groups.v[c[i].gid]->lz, c[i].rc ? sr : sd, n, best);
            if (est < best || (est == best && pk_less(c[i].k1, c[i].k2, b1, b2)) ||
                (est == best && c[i].k1 == b1 && c[i].k2 == b2 && !c[i].rc)) {
                best = est;
                b1 = c[i].k1;
                b2 = c[i].k2;
                brc = c[i].rc;
            }
        }
        if (c != stackc)
            rt_free(c);
    }
    if (b1 == AGC_KMER_NONE && b2 == AGC_KMER_NONE) {
        if (kdir) {
            b1 = K;
            brc = 0;
        } else {
            b2 = K;
            brc = 1;
        }
    }
    *pk1 = b1;
    *pk2 = b2;
    *prc = brc;
    return RT_OK;
}

static int grow_u32(void *vec, size_t n)
{
    return rt_vec_reserve((RT_VEC(uint32_t) *)vec, n);
}

/* Missing-middle search over td (oriented so k1 < k2 reads front to back)
 * and tr = rc(td). *mid = ~0 when there is no shared terminator. */
static int middle(cstate *s, cworker *w, uint64_t k1, uint64_t k2, const uint8_t *td,
                  const uint8_t *tr, uint32_t n, uint64_t *mid, uint32_t *pos)
{
    *mid = AGC_KMER_NONE;
    const u64vec *a = cs_terms_get(&s->terms, k1), *b = cs_terms_get(&s->terms, k2);
    if (!a || !b)
        return RT_OK;
    size_t i = 0, j = 0;
    uint64_t m = AGC_KMER_NONE;
    while (i < a->n && j < b->n) {
        if (a->v[i] < b->v[j])
            i++;
        else if (a->v[i] > b->v[j])
            j++;
        else if (a->v[i] == AGC_KMER_NONE)
            i++, j++;
        else {
            m = a->v[i];
            break;
        }
    }
    if (m == AGC_KMER_NONE)
        return RT_OK;
    uint32_t g1 = cs_pmap_get(&s->map, k1 < m ? k1 : m, k1 < m ? m : k1);
    uint32_t g2 = cs_pmap_get(&s->map, m < k2 ? m : k2, m < k2 ? k2 : m);
    if (g1 == CG_NONE || g2 == CG_NONE || !s->groups.v[g1]->has_ref ||
        !s->groups.v[g2]->has_ref)
        return RT_OK;
    if (grow_u32(&w->c1, n) || grow_u32(&w->c2, n))
        return RT_ENOMEM;
    uint32_t *c1 = w->c1.v, *c2 = w->c2.v;
    const agc_lzref *l1 = &s->groups.v[g1]->lz, *l2 = &s->groups.v[g2]->lz;
    if (k1 < m) {
        agc_lz_costs(l1, td, n, 1, c1);
    } else {
        agc_lz_costs(l1, tr, n, 0, c1);
        for (uint32_t x = 0, y = n ? n - 1 : 0; x < y; x++, y--) {
            uint32_t t = c1[x];
            c1[x] = c1[y];
            c1[y] = t;
        }
    }
    for (uint32_t x = 1; x < n; x++)
        c1[x] += c1[x - 1];
    if (m < k2) {
        agc_lz_costs(l2, td, n, 0, c2);
        for (uint32_t x = n - 1; x-- > 0;)
            c2[x] += c2[x + 1];
    } else {
        agc_lz_costs(l2, tr, n, 1, c2);
        for (uint32_t x = 1; x < n; x++)
            c2[x] += c2[x - 1];
        for (uint32_t x = 0, y = n ? n - 1 : 0; x < y; x++, y--) {
            uint32_t t = c2[x];
            c2[x] = c2[y];
            c2[y] = t;
        }
    }
    uint32_t best_sum = UINT32_MAX, best = 0;
    for (uint32_t x = 0; x < n; x++) {
        uint32_t cs = c1[x] + c2[x];
        if (cs < best_sum) {
            best_sum = cs;
            best = x;
        }
    }
    uint32_t k = s->o.k;
    if (best < k + 1)
        best = 0;
    if ((size_t)best + k + 1 > n)
        best = n;
    *mid = m;
    *pos = best;
    return RT_OK;
}

static int fbc_cmp(const void *x, const void *y)
{
    const fbcand *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    if (p->kmer != q->kmer)
        return p->kmer < q->kmer ? -1 : 1;
    return 0;
}

/* Descending by (count, a, b); count is kept in .kmer. */
static int fbp_cmp(const void *x, const void *y)
{
    const fbcand *p = x, *q = y;
    if (p->kmer != q->kmer)
        return p->kmer > q->kmer ? -1 : 1;
    if (p->a != q->a)
        return p->a > q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b > q->b ? -1 : 1;
    return 0;
}

/*
 * Fallback search (-f): groups whose reference segments shared at least
 * min_cnt distinct minimizers with t are candidates; the 10 best by count
 * (and not below half the best) are estimated and the cheapest existing
 * group wins (the first existing one when segments are short). *p1 = ~0
 * when nothing qualifies; *prc: store tr (= rc(t)) instead of t.
 */
static int fallback(cstate *s, cworker *w, const uint8_t *t, const uint8_t *tr, uint32_t n,
                    uint64_t min_cnt, uint64_t *p1, uint64_t *p2, int *prc)
{
    *p1 = *p2 = AGC_KMER_NONE;
    *prc = 0;
    rt_vec_clear(&w->fbc);
    rt_vec_clear(&w->fbp);
    agc_kmer km;
    agc_kmer_init(&km, s->o.k);
    for (uint32_t i = 0; i < n; i++) {
        if (t[i] > 3) {
            agc_kmer_reset(&km);
            continue;
        }
        if (!agc_kmer_push(&km, t[i]))
            continue;
        uint64_t x = agc_kmer_canon(&km);
        if (!agc_fb_pass(x, s->fb_thr))
            continue;
        const fbpvec *l = cs_fb_get(&s->fb, x);
        if (!l)
            continue;
        int dir = agc_kmer_is_dir(&km);
        for (size_t j = 0; j < l->n; j++) {
            fbcand c = {dir ? l->v[j].a : l->v[j].b, dir ? l->v[j].b : l->v[j].a, x};
            if (rt_vec_push(&w->fbc, c))
                return RT_ENOMEM;
        }
    }
    if (!w->fbc.n)
        return RT_OK;
    qsort(w->fbc.v, w->fbc.n, sizeof *w->fbc.v, fbc_cmp);
    for (size_t i = 0; i < w->fbc.n;) {
        size_t j = i, distinct = 0;
        for (; j < w->fbc.n && w->fbc.v[j].a == w->fbc.v[i].a && w->fbc.v[j].b == w->fbc.v[i].b;
             j++)
            distinct += j == i || w->fbc.v[j].kmer != w->fbc.v[j - 1].kmer;
        if (distinct >= min_cnt) {
            fbcand c = {w->fbc.v[i].a, w->fbc.v[i].b, distinct};
            if (rt_vec_push(&w->fbp, c))
                return RT_ENOMEM;
        }
        i = j;
    }
    if (!w->fbp.n)
        return RT_OK;
    qsort(w->fbp.v, w->fbp.n, sizeof *w->fbp.v, fbp_cmp);
    size_t m = w->fbp.n < 10 ? w->fbp.n : 10;
    while (m > 1 && w->fbp.v[m - 1].kmer * 2 < w->fbp.v[0].kmer)
        m--;
    int short_segs = s->o.seg_size <= 10000;
    uint64_t ba = AGC_KMER_NONE, bb = AGC_KMER_NONE, best = n;
    for (size_t i = 0; i < m; i++) {
        const fbcand *c = &w->fbp.v[i];
        int seg_rc = c->a > c->b;
        uint32_t gid = cs_pmap_get(&s->map, seg_rc ? c->b : c->a, seg_rc ? c->a : c->b);
        if (gid == CG_NONE || !s->groups.v[gid]->has_ref)
            continue;
        if (short_segs) {
            ba = c->a;
            bb = c->b;
            best = 0;
            break;
        }
        uint32_t bound = best > UINT32_MAX ? UINT32_MAX : (uint32_t)best;
        uint32_t es = agc_lz_estimate(&s->groups.v[gid]->lz, seg_rc ? tr : t, n, bound);
        if (es && es < best) {
            best = es;
            ba = c->a;
            bb = c->b;
        }
    }
    if (s->o.adaptive && (double)best >= (double)n * (short_segs ? 0.9 : 0.2))
        return RT_OK;
    if (ba == AGC_KMER_NONE && bb == AGC_KMER_NONE)
        return RT_OK;
    if (ba <= bb) {
        *p1 = ba;
        *p2 = bb;
    } else {
        *p1 = bb;
        *p2 = ba;
        *prc = 1;
    }
    return RT_OK;
}

static const uint8_t *rc_copy(cworker *w, const uint8_t *src, uint32_t n)
{
    uint8_t *d = rt_arena_alloc(&w->arena, n ? n : 1);
    if (d)
        agc_revcomp_copy(d, src, n);
    return d;
}

static int emit(cseg *sg, const uint8_t *data, uint32_t len, uint32_t part, uint64_t k1,
                uint64_t k2, uint32_t gid, int rc)
{
    citem *it = &sg->it[sg->nit];
    memset(it, 0, sizeof *it);
    it->data = data;
    it->len = len;
    it->part = part;
    it->ctg = sg->ctg;
    it->k1 = k1;
    it->k2 = k2;
    it->gid = gid;
    it->rc = (uint8_t)rc;
    sg->nit++;
    return RT_OK;
}

/* Classify one segment into sg->it[0] (and it[1] after a split); the items'
 * part numbers are 0 and 1 here, made absolute per contig later. */
static int classify(cstate *s, cworker *w, const uint8_t *S, const agc_segpos *sp, cseg *out)
{
    uint32_t n = (uint32_t)sp->len;
    uint64_t F = sp->front, B = sp->back;
    uint64_t p1 = AGC_KMER_NONE, p2 = AGC_KMER_NONE;
    int store_rc = 0, rc;
    const uint8_t *Src = NULL;
    int hasF = F != AGC_KMER_NONE, hasB = B != AGC_KMER_NONE;
#define NEED_RC()                                                            \
    do {                                                                     \
        if (!Src && !(Src = rc_copy(w, S, n)))                               \
            return RT_ENOMEM;                                                \
    } while (0)

    if (!hasF && !hasB) {
        if (s->fb_thr) {
            NEED_RC();
            if ((rc = fallback(s, w, S, Src, n, 1, &p1, &p2, &store_rc)))
                return rc;
        }
    } else if (hasF && hasB) {
        if (F < B) {
            p1 = F;
            p2 = B;
        } else {
            p1 = B;
            p2 = F;
            store_rc = 1;
        }
    } else if (hasF) {
        NEED_RC();
        if ((rc = one_splitter(s, F, sp->front_dir & 1, S, Src, n, &p1, &p2, &store_rc)))
            return rc;
        if (s->fb_thr && (p1 == AGC_KMER_NONE || p2 == AGC_KMER_NONE)) {
            uint64_t a1, a2;
            int arc;
            if ((rc = fallback(s, w, S, Src, n, 5, &a1, &a2, &arc)))
                return rc;
            if (a1 != AGC_KMER_NONE || a2 != AGC_KMER_NONE) {
                p1 = a1;
                p2 = a2;
                store_rc = arc;
            }
        }
    } else if (hasB) {
        int sdir;
        NEED_RC();
        /* B viewed from the other strand: swapped orientation flag */
        if ((rc = one_splitter(s, B, (sp->back_dir >> 1) & 1, Src, S, n, &p1, &p2, &sdir)))
            return rc;
        store_rc = !sdir;
        if (s->fb_thr && (p1 == AGC_KMER_NONE || p2 == AGC_KMER_NONE)) {
            uint64_t a1, a2;
            int adir;
            if ((rc = fallback(s, w, Src, S, n, 5, &a1, &a2, &adir)))
                return rc;
            if (a1 != AGC_KMER_NONE || a2 != AGC_KMER_NONE) {
                p1 = a1;
                p2 = a2;
                store_rc = !adir;
            }
        }
    }
    uint32_t gid = cs_pmap_get(&s->map, p1, p2);
    if (!s->o.concat && gid == CG_NONE && p1 != AGC_KMER_NONE && p2 != AGC_KMER_NONE &&
        cs_terms_get(&s->terms, p1) && cs_terms_get(&s->terms, p2) && F != B) {
        uint64_t k1 = F, k2 = B;
        int use_rc = 0;
        NEED_RC();
        if (k1 > k2) {
            k1 = B;
            k2 = F;
            use_rc = 1;
        }
        uint64_t m;
        uint32_t pos = 0;
        if ((rc = middle(s, w, k1, k2, use_rc ? Src : S, use_rc ? S : Src, n, &m, &pos)))
            return rc;
        if (m != AGC_KMER_NONE) {
            uint32_t left = pos, right = n - pos;
            if (left == 0) {
                store_rc = m < k2 ? use_rc : !use_rc;
                p1 = m < k2 ? m : k2;
                p2 = m < k2 ? k2 : m;
            } else if (right == 0) {
                store_rc = k1 < m ? use_rc : !use_rc;
                p1 = k1 < m ? k1 : m;
                p2 = k1 < m ? m : k1;
            } else {
                if (use_rc) {
                    uint32_t t = left;
                    left = right;
                    right = t;
                }
                uint32_t s2 = left - s->o.k / 2;
                uint32_t n1 = s2 + s->o.k, n2 = n - s2;
                const uint8_t *d1 = S, *d2 = S + s2;
                uint64_t a1, a2, b1, b2;
                int r1 = 0, r2 = 0;
                if (F < m) {
                    a1 = F;
                    a2 = m;
                } else {
                    a1 = m;
                    a2 = F;
                    r1 = 1;
                    if (!(d1 = rc_copy(w, S, n1)))
                        return RT_ENOMEM;
                }
                if (m < B) {
                    b1 = m;
                    b2 = B;
                } else {
                    b1 = B;
                    b2 = m;
                    r2 = 1;
                    if (!(d2 = rc_copy(w, S + s2, n2)))
                        return RT_ENOMEM;
                }
                uint32_t g1 = cs_pmap_get(&s->map, a1, a2), g2 = cs_pmap_get(&s->map, b1, b2);
                emit(out, d1, n1, 0, a1, a2, g1, r1);
                emit(out, d2, n2, 1, b1, b2, g2, r2);
                return RT_OK;
            }
            gid = cs_pmap_get(&s->map, p1, p2);
        }
    }
    if (gid == CG_NONE && s->fb_thr) {
        uint64_t a1, a2;
        int arc;
        NEED_RC();
        if ((rc = fallback(s, w, S, Src, n, 2, &a1, &a2, &arc)))
            return rc;
        if (a1 != AGC_KMER_NONE || a2 != AGC_KMER_NONE) {
            p1 = a1;
            p2 = a2;
            store_rc = arc;
            gid = cs_pmap_get(&s->map, p1, p2);
        }
    }
    if (store_rc)
        NEED_RC();
    emit(out, store_rc ? Src : S, n, 0, p1, p2, gid, store_rc);
    return RT_OK;
#undef NEED_RC
}

int cs_classify_seg(cstate *s, cworker *w, cseg *sg)
{
    const cctg *c = &s->round.v[sg->ctg];
    sg->nit = 0;
    /* segment lengths are u32 in the format (collection, LZ positions) */
    if (sg->pos.len >= UINT32_MAX)
        return RT_ELIMIT;
    return classify(s, w, c->seq + sg->pos.start, &sg->pos, sg);
}
