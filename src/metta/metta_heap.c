/*
 * The interpreter heap: bump allocation in chunks and a copying collector.
 *
 *   from-space chunks (newest first)          to-space (one chunk)
 *   [hdr|obj obj obj ....free] -> [...] ->    [obj' obj' ... | free]
 *                                               ^scan        ^alloc
 *
 * A collection allocates one to-space chunk as large as everything handed
 * out since the previous collection plus the previous survivors (an upper
 * bound on what can be live), copies the roots into it, then scans it left
 * to right forwarding the pointer slots of every copied object (Cheney).
 * The survivors' chunk then becomes the allocation chunk, so a program
 * whose live data is small runs in a small, steady amount of memory however
 * many atoms it creates (a 1M-step loop allocates gigabytes in total).
 */
#include "metta/metta_int.h"

#include <stdlib.h>

enum {
    CHUNK_DEFAULT = 1 << 20,
    GC_MIN_THRESHOLD = 4 << 20,
    RESERVE_BYTES = 4 << 20 /* set aside so that running out of memory in
                             * the middle of a step never yields NULL atoms */
};

static mh_chunk *chunk_new(size_t cap)
{
    mh_chunk *c = rt_malloc(sizeof(mh_chunk) + 16 + cap);
    if (!c)
        return NULL;
    c->next = NULL;
    c->cap = cap;
    c->used = 0;
    return c;
}

static char *chunk_data(mh_chunk *c)
{
    uintptr_t p = (uintptr_t)(c + 1);
    p = (p + 15) & ~(uintptr_t)15;
    return (char *)p;
}

static void set_bump(mh_heap *h)
{
    h->bump = chunk_data(h->head) + h->head->used;
    h->limit = chunk_data(h->head) + h->head->cap;
}

int mh_init(metta *mt)
{
    mt->heap.head = chunk_new(CHUNK_DEFAULT);
    mt->heap.reserve = chunk_new(RESERVE_BYTES);
    if (!mt->heap.head || !mt->heap.reserve)
        return RT_ENOMEM;
    set_bump(&mt->heap);
    mt->heap.threshold = GC_MIN_THRESHOLD;
    return 0;
}

static void free_list(mh_chunk *c)
{
    while (c) {
        mh_chunk *n = c->next;
        rt_free(c);
        c = n;
    }
}

void mh_fini(metta *mt)
{
    free_list(mt->heap.head);
    free_list(mt->heap.free1);
    free_list(mt->heap.reserve);
    mt->heap.reserve = NULL;
    mt->heap.head = mt->heap.free1 = NULL;
    rt_vec_free(&mt->roots);
}

mo *mh_alloc_slow(metta *mt, uint8_t kind, uint32_t nptr, size_t raw)
{
    size_t sz = sizeof(mo) + (size_t)nptr * sizeof(void *) + raw;
    if (sz < sizeof(mo) + 8)
        sz = sizeof(mo) + 8; /* room for a forwarding pointer */
    sz = (sz + 7) & ~(size_t)7;
    if (sz > UINT32_MAX) {
        mt->oom = 1;
        return NULL;
    }
    mh_heap *h = &mt->heap;
    mh_chunk *c = h->head;
    c->used = (size_t)(h->bump - chunk_data(c));
    if (c->cap - c->used < sz) {
        size_t cap = sz > CHUNK_DEFAULT ? sz : CHUNK_DEFAULT;
        mh_chunk *n;
        if (cap == CHUNK_DEFAULT && h->free1) {
            n = h->free1;
            h->free1 = n->next;
            n->used = 0;
            n->next = NULL;
        } else {
            n = chunk_new(cap);
        }
        if (!n && h->reserve && h->reserve->cap >= sz) {
            /* out of memory: finish this step from the reserve; the
             * evaluator sees mt->oom after the step and stops */
            n = h->reserve;
            h->reserve = NULL;
            n->used = 0;
        }
        if (!n) {
            mt->oom = 1;
            return NULL;
        }
        if (!h->reserve)
            mt->oom = 1;
        n->next = c;
        h->head = c = n;
        set_bump(h);
    }
    mo *o = (mo *)h->bump;
    h->bump += sz;
    h->allocated += sz;
    o->size = (uint32_t)sz;
    o->nptr = nptr;
    o->kind = kind;
    o->flags = 0;
    o->pad = 0;
    o->extra = 0;
    return o;
}

mo *mh_alloc0(metta *mt, uint8_t kind, uint32_t nptr, size_t raw)
{
    mo *o = mh_alloc(mt, kind, nptr, raw);
    if (o)
        memset(MO_PTRS(o), 0, o->size - sizeof(mo));
    return o;
}

int mh_root_push(metta *mt, mo **slot)
{
    return rt_vec_push(&mt->roots, slot);
}

void mh_root_pop(metta *mt, size_t n)
{
    mt->roots.n -= n;
}

/* ---------------------------------------------------------------- collector */

typedef struct gc {
    metta *mt;
    RT_VEC(mh_chunk *) to; /* to-space chunks in the order they were filled */
    int oom;
} gc;

static mh_chunk *gc_chunk(gc *g, size_t need)
{
    mh_heap *h = &g->mt->heap;
    mh_chunk *c;
    if (need <= CHUNK_DEFAULT && h->free1) {
        c = h->free1;
        h->free1 = c->next;
    } else {
        c = chunk_new(need > CHUNK_DEFAULT ? need : CHUNK_DEFAULT);
    }
    if (!c || rt_vec_push(&g->to, c)) {
        rt_free(c);
        g->oom = 1;
        return NULL;
    }
    c->used = 0;
    c->next = NULL;
    return c;
}

static mo *gc_copy(gc *g, mo *o)
{
    if (!o || (o->flags & MO_PERM))
        return o;
    if (o->kind == MK_FWD)
        return *(mo **)MO_PTRS(o);
    mh_chunk *c = g->to.n ? g->to.v[g->to.n - 1] : NULL;
    if (!c || c->cap - c->used < o->size) {
        c = gc_chunk(g, o->size);
        if (!c)
            return o; /* out of memory: leave it in place (from-space is kept) */
    }
    mo *n = (mo *)(chunk_data(c) + c->used);
    c->used += o->size;
    memcpy(n, o, o->size);
    o->kind = MK_FWD;
    *(mo **)MO_PTRS(o) = n;
    return n;
}

static void gc_slot(gc *g, mo **slot)
{
    *slot = gc_copy(g, *slot);
}

static void gc_slot_cb(void *g, mo **slot)
{
    gc_slot(g, slot);
}

void mh_collect(metta *mt)
{
    mh_heap *h = &mt->heap;
    gc g = {mt, {0}, 0};
    if (!gc_chunk(&g, CHUNK_DEFAULT))
        return; /* keep going without collecting; allocation will report OOM */
    for (size_t i = 0; i < mt->roots.n; i++)
        gc_slot(&g, mt->roots.v[i]);
    for (size_t i = 0; i < mt->states.n; i++)
        gc_slot(&g, &mt->states.v[i]);
    for (size_t i = 0; i < mt->syms.n; i++) {
        if (mt->syms.v[i].token)
            gc_slot(&g, &mt->syms.v[i].token);
        if (mt->syms.v[i].type)
            gc_slot(&g, &mt->syms.v[i].type);
        if (mt->syms.v[i].tlist)
            gc_slot(&g, &mt->syms.v[i].tlist);
        if (mt->syms.v[i].rlist)
            gc_slot(&g, &mt->syms.v[i].rlist);
    }
    mc_gc(mt, gc_slot_cb, &g);
    metta_m *m = mt->cur_m;
    if (m) {
        for (size_t i = 0; i < m->plan.n; i++) {
            ml_alt *a = &m->plan.v[i];
            gc_slot(&g, &a->atom);
            gc_slot(&g, &a->type);
            gc_slot(&g, &a->k);
            gc_slot(&g, &a->b);
            gc_slot(&g, &a->aux);
        }
        gc_slot(&g, &m->top);
        for (size_t i = 0; i < m->results.n; i++)
            gc_slot(&g, &m->results.v[i]);
        for (size_t i = 0; i < m->resb.n; i++)
            gc_slot(&g, &m->resb.v[i]);
    }
    /* Cheney scan over the to-space chunks, which grow while we scan */
    for (size_t ci = 0; ci < g.to.n; ci++) {
        size_t scan = 0;
        while (scan < g.to.v[ci]->used) {
            mo *o = (mo *)(chunk_data(g.to.v[ci]) + scan);
            mo **p = MO_PTRS(o);
            for (uint32_t i = 0; i < o->nptr; i++)
                p[i] = gc_copy(&g, p[i]);
            scan += o->size;
        }
    }
    if (g.oom) {
        /* a partial copy: objects are split between the spaces, so keep both */
        for (size_t i = 0; i < g.to.n; i++) {
            g.to.v[i]->next = h->head;
            h->head = g.to.v[i];
        }
        rt_vec_free(&g.to);
        mt->oom = 1;
        return;
    }
    /* recycle default-size chunks: their pages are already mapped */
    size_t nfree = 0;
    for (mh_chunk *f = h->free1; f; f = f->next)
        nfree++;
    mh_chunk *c = h->head;
    while (c) {
        mh_chunk *n = c->next;
        if (c->cap == CHUNK_DEFAULT && nfree < 256) {
            c->next = h->free1;
            h->free1 = c;
            nfree++;
        } else {
            rt_free(c);
        }
        c = n;
    }
    /* link the to-space chunks, newest (the one with room) first */
    h->head = NULL;
    size_t live = 0;
    for (size_t i = 0; i < g.to.n; i++) {
        g.to.v[i]->next = h->head;
        h->head = g.to.v[i];
        live += g.to.v[i]->used;
    }
    rt_vec_free(&g.to);
    set_bump(h);
    h->live = live;
    h->allocated = 0;
    h->threshold = h->live * 2 > GC_MIN_THRESHOLD ? h->live * 2 : GC_MIN_THRESHOLD;
    h->collections++;
}

/* ---------------------------------------------------------------- atoms */

static mo *perm_alloc(metta *mt, uint8_t kind, uint32_t nptr, size_t raw)
{
    size_t sz = sizeof(mo) + (size_t)nptr * sizeof(void *) + raw;
    if (sz < sizeof(mo) + 8)
        sz = sizeof(mo) + 8;
    sz = (sz + 7) & ~(size_t)7;
    mo *o = rt_arena_alloc(&mt->perm, sz);
    if (!o) {
        mt->oom = 1;
        return NULL;
    }
    memset(o, 0, sz);
    o->size = (uint32_t)sz;
    o->nptr = nptr;
    o->kind = kind;
    o->flags = MO_PERM;
    return o;
}

ma *ma_sym(metta *mt, const char *name, size_t len)
{
    uint64_t id;
    int found;
    rt_smap_get(&mt->symtab, name, len, &id, &found);
    if (found)
        return mt->syms.v[id].atom;
    ma *a = perm_alloc(mt, MA_SYM, 0, len + 1);
    if (!a)
        return NULL;
    memcpy((char *)MO_RAW(a), name, len);
    ((char *)MO_RAW(a))[len] = 0;
    a->extra = (uint32_t)mt->syms.n;
    ms_symbol s = {a, NULL, NULL, NULL, NULL, {UINT64_MAX, UINT64_MAX}, {0, 0}, NULL, NULL,
                   0, 0, 0, 0, 0, 0, 0};
    if (rt_vec_push(&mt->syms, s) != 0 || rt_smap_put(&mt->symtab, name, len, a->extra) != 0) {
        mt->oom = 1;
        return NULL;
    }
    return a;
}

ma *ma_symz(metta *mt, const char *name)
{
    return ma_sym(mt, name, strlen(name));
}

uint32_t ma_sym_id(const ma *a)
{
    return a->extra;
}

ma *ma_var_new(metta *mt, uint32_t name_sym)
{
    ma *a = mh_alloc(mt, MA_VAR, 0, sizeof(uint32_t));
    if (!a)
        return NULL;
    a->extra = ++mt->next_var;
    MA_VARNAME(a) = name_sym;
    return a;
}

ma *ma_var_named(metta *mt, const char *name, size_t len)
{
    ma *s = ma_sym(mt, name, len);
    return s ? ma_var_new(mt, ma_sym_id(s)) : NULL;
}

ma *ma_expr(metta *mt, uint32_t n)
{
    if (n == 0)
        return mt->t_unit;
    return mh_alloc(mt, MA_EXPR, n, 0);
}

ma *ma_expr2(metta *mt, ma *a, ma *b)
{
    ma *e = ma_expr(mt, 2);
    if (e) {
        MA_ITEMS(e)[0] = a;
        MA_ITEMS(e)[1] = b;
    }
    return e;
}

ma *ma_expr3(metta *mt, ma *a, ma *b, ma *c)
{
    ma *e = ma_expr(mt, 3);
    if (e) {
        MA_ITEMS(e)[0] = a;
        MA_ITEMS(e)[1] = b;
        MA_ITEMS(e)[2] = c;
    }
    return e;
}

ma *ma_expr4(metta *mt, ma *a, ma *b, ma *c, ma *d)
{
    ma *e = ma_expr(mt, 4);
    if (e) {
        MA_ITEMS(e)[0] = a;
        MA_ITEMS(e)[1] = b;
        MA_ITEMS(e)[2] = c;
        MA_ITEMS(e)[3] = d;
    }
    return e;
}

ma *ma_int(metta *mt, int64_t v)
{
    if (v >= SMALL_INT_LO && v < SMALL_INT_HI && mt->small_int[0])
        return mt->small_int[v - SMALL_INT_LO];
    ma *a = mh_alloc(mt, MA_INT, 0, 8);
    if (a)
        MA_INTV(a) = v;
    return a;
}

ma *ma_flt(metta *mt, double v)
{
    ma *a = mh_alloc(mt, MA_FLT, 0, 8);
    if (a)
        MA_FLTV(a) = v;
    return a;
}

ma *ma_str(metta *mt, const char *s, size_t n)
{
    ma *a = mh_alloc(mt, MA_STR, 0, n + 1);
    if (!a)
        return NULL;
    a->extra = (uint32_t)n;
    memcpy((char *)MO_RAW(a), s, n);
    ((char *)MO_RAW(a))[n] = 0;
    return a;
}

ma *ma_bool(metta *mt, int v)
{
    return v ? mt->t_true : mt->t_false;
}

ma *ma_space(metta *mt, uint32_t idx)
{
    ma *a = mh_alloc(mt, MA_SPACE, 0, 0);
    if (a)
        a->extra = idx;
    return a;
}

ma *ma_state(metta *mt, uint32_t idx)
{
    if (idx >= mt->states.n)
        return ma_symz(mt, "InvalidState");
    ma *a = mh_alloc(mt, MA_STATE, 1, 0);
    if (a) {
        a->extra = idx;
        MO_PTRS(a)[0] = mt->states.v[idx];
    }
    return a;
}

ma *ma_error(metta *mt, ma *what, ma *msg)
{
    return ma_expr3(mt, mt->s.error, what, msg);
}

ma *ma_error_str(metta *mt, ma *what, const char *msg)
{
    ma *s = ma_str(mt, msg, strlen(msg));
    return s ? ma_error(mt, what, s) : NULL;
}


/* Perm atoms for the two Bools and the unit expression. */
int mh_perm_consts(metta *mt);
int mh_perm_consts(metta *mt)
{
    mt->t_true = perm_alloc(mt, MA_BOOL, 0, 0);
    mt->t_false = perm_alloc(mt, MA_BOOL, 0, 0);
    mt->t_unit = perm_alloc(mt, MA_EXPR, 0, 0);
    if (!mt->t_true || !mt->t_false || !mt->t_unit)
        return RT_ENOMEM;
    mt->t_true->extra = 1;
    for (int v = SMALL_INT_LO; v < SMALL_INT_HI; v++) {
        ma *a = perm_alloc(mt, MA_INT, 0, 8);
        if (!a)
            return RT_ENOMEM;
        MA_INTV(a) = v;
        mt->small_int[v - SMALL_INT_LO] = a;
    }
    return 0;
}
