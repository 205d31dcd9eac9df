/*
 * Memos of trie queries, valid for one generation of one space.
 *
 * Every call of a user function needs the `:` declarations of its head and
 * the `=` rules that might match it. Both come from trie queries; this file
 * remembers the answer of the head-only queries
 *
 *   (: f $t)                    declared types of f
 *   (= (f $1 .. $n) $body)      the rules of f with arity n
 *
 * keyed by (space, symbol, arity) and stamped with the space's generation
 * counter, which every add and remove bumps. A stale entry is simply
 * recomputed from the trie, so the memo can never disagree with the space.
 * Heads with more than RULES_MAX rules are marked "large": their calls go
 * to the trie with the call's own constant arguments, which descends to the
 * few matching rules instead of trying each rule in turn.
 *
 *   entries: [ {key, gen, list} ... ]   list = (rule1 rule2 ...) or NULL
 */
#include "metta/metta_int.h"

enum { RULES_MAX = 32 };

typedef struct mc_entry {
    uint64_t key;
    uint64_t gen;
    ma *list;      /* expression of atoms (a GC root), or NULL when large */
    uint32_t lo, hi; /* ids of the variables decoded into list */
    int large;
} mc_entry;

struct mc_cache {
    rt_hmap index; /* key -> entry index */
    RT_VEC(mc_entry) e;
};

static mc_cache *cache_of(metta *mt)
{
    if (!mt->cache) {
        mt->cache = rt_calloc(1, sizeof(mc_cache));
        if (mt->cache)
            rt_hmap_init(&mt->cache->index);
    }
    return mt->cache;
}

void mc_free(metta *mt)
{
    if (!mt->cache)
        return;
    rt_hmap_free(&mt->cache->index);
    rt_vec_free(&mt->cache->e);
    rt_free(mt->cache);
    mt->cache = NULL;
}

void mc_gc(metta *mt, void (*fwd)(void *g, mo **slot), void *g)
{
    if (!mt->cache)
        return;
    for (size_t i = 0; i < mt->cache->e.n; i++)
        fwd(g, &mt->cache->e.v[i].list);
}

static mc_entry *lookup(metta *mt, uint64_t key, uint64_t gen, int *fresh)
{
    mc_cache *c = cache_of(mt);
    if (!c)
        return NULL;
    uint64_t idx;
    int found;
    ms_symbol *sy = &mt->syms.v[(uint32_t)key];
    int slot = (int)((key >> 47) & 1);
    if (sy->memo_key[slot] == key) {
        idx = sy->memo_idx[slot];
        found = 1;
    } else {
        rt_hmap_get(&c->index, key, &idx, &found);
        if (found) {
            sy->memo_key[slot] = key;
            sy->memo_idx[slot] = (uint32_t)idx;
        }
    }
    if (!found) {
        mc_entry e = {key, 0, NULL, 0, 0, 0};
        if (rt_vec_push(&c->e, e) || rt_hmap_put(&c->index, key, c->e.n - 1))
            return NULL;
        idx = c->e.n - 1;
        *fresh = 0;
    } else {
        *fresh = c->e.v[idx].gen == gen && (c->e.v[idx].list || c->e.v[idx].large);
    }
    return &c->e.v[idx];
}

typedef struct listctx {
    mo_vec v;
    size_t max;
    int over;
} listctx;

static int on_item(metta *mt, void *ctx, ma *inst)
{
    (void)mt;
    listctx *l = ctx;
    if (l->max && l->v.n >= l->max) {
        l->over = 1;
        return 1; /* stop the query */
    }
    return rt_vec_push(&l->v, inst);
}

static ma *to_expr(metta *mt, mo_vec *v, size_t from)
{
    ma *e = mh_alloc(mt, MA_EXPR, (uint32_t)(v->n - from), 0);
    if (!e)
        return NULL;
    if (v->n > from)
        memcpy(MA_ITEMS(e), v->v + from, (v->n - from) * sizeof(ma *));
    return e;
}

int mc_types_list_slow(metta *mt, uint32_t sp, ma *sym, ma **list)
{
    ms_symbol *sy = &mt->syms.v[sym->extra];
    if (sy->tlist && sy->tsp == sp && sy->tgen == mt->spaces.v[sp].gen) {
        *list = sy->tlist;
        return 0;
    }
    uint64_t key = ((uint64_t)sp << 48) | ((uint64_t)1 << 47) | sym->extra;
    int fresh;
    mc_entry *e = lookup(mt, key, mt->spaces.v[sp].gen, &fresh);
    if (!e)
        return RT_ENOMEM;
    if (!fresh) {
        listctx l = {{0}, 0, 0};
        int rc = msp_types(mt, sp, sym, &l.v);
        ma *lst = rc == 0 ? to_expr(mt, &l.v, 0) : NULL;
        rt_vec_free(&l.v);
        if (!lst)
            return rc ? rc : RT_ENOMEM;
        e = lookup(mt, key, 0, &fresh); /* the vector may have moved */
        e->list = lst;
        e->gen = mt->spaces.v[sp].gen;
    }
    *list = e->list;
    sy = &mt->syms.v[sym->extra]; /* the query may have interned symbols */
    sy->tlist = e->list;
    sy->tsp = sp;
    sy->tgen = e->gen;
    return 0;
}

int mc_types(metta *mt, uint32_t sp, ma *sym, mo_vec *out)
{
    ma *list;
    int rc = mc_types_list(mt, sp, sym, &list);
    for (uint32_t i = 0; rc == 0 && i < list->nptr; i++)
        rc = rt_vec_push(out, MA_ITEMS(list)[i]);
    return rc;
}

int mc_rules_slow(metta *mt, uint32_t sp, ma *call, ma **list, uint32_t *lo, uint32_t *hi)
{
    *list = NULL;
    ma *head = MA_ITEMS(call)[0];
    if (head->kind != MA_SYM || call->nptr > 0x7FFF)
        return 0;
    ms_symbol *sy = &mt->syms.v[head->extra];
    if (sy->rlist && sy->rsp == sp && sy->rarity == call->nptr &&
        sy->rgen == mt->spaces.v[sp].gen) {
        *list = sy->rlist;
        *lo = sy->rlo;
        *hi = sy->rhi;
        return 0;
    }
    uint64_t key = ((uint64_t)sp << 48) | ((uint64_t)call->nptr << 32) | head->extra;
    int fresh;
    mc_entry *e = lookup(mt, key, mt->spaces.v[sp].gen, &fresh);
    if (!e)
        return RT_ENOMEM;
    if (!fresh) {
        ma *pc = ma_expr(mt, call->nptr);
        if (!pc)
            return RT_ENOMEM;
        MA_ITEMS(pc)[0] = head;
        for (uint32_t i = 1; i < call->nptr; i++)
            if (!(MA_ITEMS(pc)[i] = ma_var_new(mt, 0)))
                return RT_ENOMEM;
        ma *r = ma_var_new(mt, 0);
        ma *pat = r ? ma_expr3(mt, mt->s.eq, pc, r) : NULL;
        if (!pat)
            return RT_ENOMEM;
        uint32_t v0 = mt->next_var;
        listctx l = {{0}, RULES_MAX, 0};
        int rc = msp_query(mt, sp, pat, on_item, &l);
        if (rc < 0) {
            rt_vec_free(&l.v);
            return rc;
        }
        ma *lst = l.over ? NULL : to_expr(mt, &l.v, 0);
        rt_vec_free(&l.v);
        if (!l.over && !lst)
            return RT_ENOMEM;
        e = lookup(mt, key, 0, &fresh);
        e->list = lst;
        e->large = l.over;
        e->lo = v0 + 1;
        e->hi = mt->next_var;
        e->gen = mt->spaces.v[sp].gen;
    }
    if (e->large)
        return 0;
    *list = e->list;
    *lo = e->lo;
    *hi = e->hi;
    sy = &mt->syms.v[head->extra]; /* the query may have interned symbols */
    sy->rlist = e->list;
    sy->rsp = sp;
    sy->rarity = call->nptr;
    sy->rgen = e->gen;
    sy->rlo = e->lo;
    sy->rhi = e->hi;
    return 0;
}
