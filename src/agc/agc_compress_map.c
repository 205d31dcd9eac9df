/* agc_compress_map: the (k1,k2) -> group map and the terminator lists
 * (drawn in agc_compress_int.h). Both change only in the sequential
 * registration step; workers only read them. */
#include "agc/agc_compress_int.h"

#include <string.h>

static size_t pm_hash(uint64_t k1, uint64_t k2)
{
    return (size_t)rt_mix64(k1 ^ rt_mix64(k2 + 0x9E3779B97F4A7C15ULL));
}

int cs_pmap_init(pmap *m)
{
    m->mask = 1023;
    m->n = 0;
    m->s = rt_malloc((m->mask + 1) * sizeof *m->s);
    if (!m->s)
        return RT_ENOMEM;
    for (size_t i = 0; i <= m->mask; i++)
        m->s[i].gid = CG_NONE;
    return RT_OK;
}

void cs_pmap_free(pmap *m)
{
    rt_free(m->s);
    memset(m, 0, sizeof *m);
}

uint32_t cs_pmap_get(const pmap *m, uint64_t k1, uint64_t k2)
{
    size_t i = pm_hash(k1, k2) & m->mask;
    for (;;) {
        const pm_slot *p = &m->s[i];
        if (p->gid == CG_NONE)
            return CG_NONE;
        if (p->k1 == k1 && p->k2 == k2)
            return p->gid;
        i = (i + 1) & m->mask;
    }
}

static void raw_put(pm_slot *s, size_t mask, uint64_t k1, uint64_t k2, uint32_t gid)
{
    size_t i = pm_hash(k1, k2) & mask;
    while (s[i].gid != CG_NONE && !(s[i].k1 == k1 && s[i].k2 == k2))
        i = (i + 1) & mask;
    s[i].k1 = k1;
    s[i].k2 = k2;
    s[i].gid = gid;
}

int cs_pmap_put(pmap *m, uint64_t k1, uint64_t k2, uint32_t gid)
{
    if (2 * (m->n + 1) > m->mask + 1) {
        size_t nmask = 2 * (m->mask + 1) - 1;
        pm_slot *ns = rt_malloc((nmask + 1) * sizeof *ns);
        if (!ns)
            return RT_ENOMEM;
        for (size_t i = 0; i <= nmask; i++)
            ns[i].gid = CG_NONE;
        for (size_t i = 0; i <= m->mask; i++)
            if (m->s[i].gid != CG_NONE)
                raw_put(ns, nmask, m->s[i].k1, m->s[i].k2, m->s[i].gid);
        rt_free(m->s);
        m->s = ns;
        m->mask = nmask;
    }
    if (cs_pmap_get(m, k1, k2) == CG_NONE)
        m->n++;
    raw_put(m->s, m->mask, k1, k2, gid);
    return RT_OK;
}

void cs_terms_init(tmap *t)
{
    rt_hmap_init(&t->idx);
    memset(&t->lists, 0, sizeof t->lists);
}

void cs_terms_free(tmap *t)
{
    for (size_t i = 0; i < t->lists.n; i++)
        rt_vec_free(&t->lists.v[i]);
    rt_vec_free(&t->lists);
    rt_hmap_free(&t->idx);
}

const u64vec *cs_terms_get(const tmap *t, uint64_t k)
{
    uint64_t v = 0;
    int found = 0;
    rt_hmap_get(&t->idx, k, &v, &found);
    return found ? &t->lists.v[v] : NULL;
}

int cs_terms_add(tmap *t, uint64_t k, uint64_t other)
{
    uint64_t v = t->lists.n;
    int inserted = 0;
    if (rt_hmap_put_new(&t->idx, k, &v, &inserted))
        return RT_ENOMEM;
    if (inserted) {
        u64vec e = {0};
        if (rt_vec_push(&t->lists, e))
            return RT_ENOMEM;
    }
    u64vec *l = &t->lists.v[v];
    if (rt_vec_reserve(l, l->n + 1))
        return RT_ENOMEM;
    size_t i = l->n;
    while (i > 0 && l->v[i - 1] > other) {
        l->v[i] = l->v[i - 1];
        i--;
    }
    l->v[i] = other;
    l->n++;
    return RT_OK;
}

void cs_fb_init(fbmap *m)
{
    rt_hmap_init(&m->idx);
    memset(&m->lists, 0, sizeof m->lists);
}

void cs_fb_free(fbmap *m)
{
    for (size_t i = 0; i < m->lists.n; i++)
        rt_vec_free(&m->lists.v[i]);
    rt_vec_free(&m->lists);
    rt_hmap_free(&m->idx);
}

const fbpvec *cs_fb_get(const fbmap *m, uint64_t kmer)
{
    uint64_t v = 0;
    int found = 0;
    rt_hmap_get(&m->idx, kmer, &v, &found);
    return found ? &m->lists.v[v] : NULL;
}

/* The pair is stored as seen from the minimizer's canonical strand; pairs
 * with a missing end never match and are not stored. */
int cs_fb_add(fbmap *m, const agc_fbrec *r)
{
    if (r->s1 == AGC_KMER_NONE || r->s2 == AGC_KMER_NONE)
        return RT_OK;
    fbpair p = r->dir ? (fbpair){r->s1, r->s2} : (fbpair){r->s2, r->s1};
    uint64_t v = m->lists.n;
    int inserted = 0;
    if (rt_hmap_put_new(&m->idx, r->kmer, &v, &inserted))
        return RT_ENOMEM;
    if (inserted) {
        fbpvec e = {0};
        if (rt_vec_push(&m->lists, e))
            return RT_ENOMEM;
    }
    fbpvec *l = &m->lists.v[v];
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].a == p.a && l->v[i].b == p.b)
            return RT_OK;
    return rt_vec_push(l, p);
}
