/*
 * Variable bindings and two-sided unification.
 *
 * A binding set is an immutable singly linked list of cells, newest first,
 * shared between the evaluation branches that extend it:
 *
 *   b2 -> [ $y <- (f $x) ] -> [ $x <- 1 ] -> NULL      (b1 = the tail)
 *
 * A variable bound to another variable records the reference's "$a = $b"
 * relation; lookups follow such chains (walk). Adding a binding never
 * modifies a cell, so a branch that fails to unify simply drops its new
 * cells. The occurs check rejects loops such as $x <- (f $x), which the
 * reference filters out as "variable loops".
 */
#include "metta/metta_int.h"

mo *mb_add(metta *mt, mo *b, ma *var, ma *val)
{
    mo *c = mh_alloc(mt, MK_BIND, 3, 0);
    if (!c)
        return NULL;
    MO_PTRS(c)[0] = b;
    MO_PTRS(c)[1] = var;
    MO_PTRS(c)[2] = val;
    return c;
}

ma *mb_lookup(mo *b, const ma *var)
{
    for (; b; b = MO_PTRS(b)[0])
        if (MO_PTRS(b)[1]->extra == var->extra)
            return MO_PTRS(b)[2];
    return NULL;
}

ma *mb_walk(mo *b, ma *a)
{
    unsigned guard = 0;
    while (a->kind == MA_VAR && b && guard++ < 1000000) {
        ma *v = mb_lookup(b, a);
        if (!v)
            break;
        a = v;
    }
    return a;
}

/* Does var occur in a under b? Ground subterms (cached flag) are skipped. */
static int occurs(mo *b, const ma *var, ma *a, int *oom)
{
    ma *inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(ma *));
    int found = 0;
    for (;;) {
        a = mb_walk(b, a);
        if (a->kind == MA_VAR) {
            if (a->extra == var->extra) {
                found = 1;
                break;
            }
        } else if (a->kind == MA_EXPR && ma_has_vars(a)) {
            for (uint32_t i = 0; i < a->nptr; i++) {
                ma **slot = mw_push(&st);
                if (!slot) {
                    *oom = 1;
                    found = 1; /* refuse the binding */
                    goto out;
                }
                *slot = MA_ITEMS(a)[i];
            }
        }
        if (st.n == 0)
            break;
        a = *(ma **)mw_at(&st, --st.n);
    }
out:
    mw_free(&st);
    return found;
}

/* Bind var to val under *bind unless it would make a loop. */
static int bind_var(metta *mt, ma *var, ma *val, mo **bind)
{
    int oom = 0;
    if (val->kind == MA_EXPR && occurs(*bind, var, val, &oom)) {
        if (oom)
            mt->oom = 1;
        return 0;
    }
    mo *n = mb_add(mt, *bind, var, val);
    if (!n)
        return 0;
    *bind = n;
    return 1;
}

/* Pairs still to unify are kept on an explicit stack, pushed in reverse
 * so that children are unified left to right, depth first: the order (and
 * so the bindings made) of a recursive unifier. */
typedef struct upair {
    ma *a, *b;
} upair;

int mb_unify(metta *mt, ma *a, ma *b, mo **bind)
{
    upair inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(upair));
    int ok = 1;
    for (;;) {
        a = mb_walk(*bind, a);
        b = mb_walk(*bind, b);
        if (a == b) {
            /* identical */
        } else if (a->kind == MA_VAR && b->kind == MA_VAR) {
            /* keep the first atom's variable: bind the second one to it */
            if (a->extra != b->extra) {
                mo *n = mb_add(mt, *bind, b, a);
                if (!n) {
                    ok = 0;
                    break;
                }
                *bind = n;
            }
        } else if (a->kind == MA_VAR) {
            if (!bind_var(mt, a, b, bind)) {
                ok = 0;
                break;
            }
        } else if (b->kind == MA_VAR) {
            if (!bind_var(mt, b, a, bind)) {
                ok = 0;
                break;
            }
        } else if (a->kind == MA_EXPR && b->kind == MA_EXPR) {
            if (a->nptr != b->nptr) {
                ok = 0;
                break;
            }
            for (uint32_t i = a->nptr; i-- > 0;) {
                upair *p = mw_push(&st);
                if (!p) {
                    mt->oom = 1;
                    ok = 0;
                    goto out;
                }
                p->a = MA_ITEMS(a)[i];
                p->b = MA_ITEMS(b)[i];
            }
        } else if (!ma_equal(a, b)) {
            ok = 0;
            break;
        }
        if (st.n == 0)
            break;
        upair *p = mw_at(&st, --st.n);
        a = p->a;
        b = p->b;
    }
out:
    mw_free(&st);
    return ok;
}

static ma *apply_fn(metta *mt, void *ctx, ma *a, int *descend)
{
    (void)mt;
    mo *b = ctx;
    if (a->kind == MA_VAR) {
        ma *v = mb_walk(b, a);
        if (v == a || v->kind == MA_VAR)
            return v;
        a = v; /* a bound value: apply the bindings inside it too */
    }
    *descend = a->kind == MA_EXPR && ma_has_vars(a);
    return a;
}

/* The usual shallow atom is done by recursion, which is faster than the
 * general walk; below this depth the walk takes over. */
enum { APPLY_REC_DEPTH = 48 };

static ma *apply_rec(metta *mt, mo *b, ma *a, unsigned depth)
{
    if (a->kind == MA_VAR) {
        ma *v = mb_walk(b, a);
        if (v == a || v->kind == MA_VAR)
            return v;
        a = v;
    }
    if (a->kind != MA_EXPR || !ma_has_vars(a))
        return a;
    if (depth > APPLY_REC_DEPTH)
        return mw_map(mt, a, apply_fn, b);
    ma *out = NULL;
    for (uint32_t i = 0; i < a->nptr; i++) {
        ma *c = MA_ITEMS(a)[i];
        ma *n = (c->kind == MA_VAR || c->kind == MA_EXPR) ? apply_rec(mt, b, c, depth + 1) : c;
        if (!n)
            return NULL;
        if (n != c && !out) {
            out = ma_expr(mt, a->nptr);
            if (!out)
                return NULL;
            memcpy(MA_ITEMS(out), MA_ITEMS(a), (size_t)a->nptr * sizeof(ma *));
        }
        if (out)
            MA_ITEMS(out)[i] = n;
    }
    return out ? out : a;
}

ma *mb_apply(metta *mt, mo *b, ma *a)
{
    if (!b || (a->kind != MA_VAR && !ma_has_vars(a)))
        return a;
    return apply_rec(mt, b, a, 0);
}

typedef struct substctx {
    const ma *var;
    ma *val;
} substctx;

static ma *subst_fn(metta *mt, void *ctx, ma *a, int *descend)
{
    (void)mt;
    substctx *c = ctx;
    if (a->kind == MA_VAR)
        return a->extra == c->var->extra ? c->val : a;
    *descend = a->kind == MA_EXPR && ma_has_vars(a);
    return a;
}

ma *ma_subst(metta *mt, ma *a, const ma *var, ma *val)
{
    if (a->kind != MA_VAR && !ma_has_vars(a))
        return a;
    substctx c = {var, val};
    return mw_map(mt, a, subst_fn, &c);
}

typedef RT_VEC(ma *) avec;

/* Renaming: map holds (old, new) variable pairs; ids in [lo, hi] are
 * renamed (all ids for ma_fresh). */
typedef struct freshctx {
    avec *map;
    uint32_t lo, hi;
} freshctx;

static ma *fresh_fn(metta *mt, void *ctx, ma *a, int *descend)
{
    freshctx *c = ctx;
    if (a->kind == MA_VAR) {
        if (a->extra < c->lo || a->extra > c->hi)
            return a;
        avec *map = c->map;
        for (size_t i = 0; i < map->n; i += 2)
            if (map->v[i]->extra == a->extra)
                return map->v[i + 1];
        ma *v = ma_var_new(mt, MA_VARNAME(a));
        if (!v || rt_vec_push(map, a) || rt_vec_push(map, v)) {
            mt->oom = 1;
            return NULL;
        }
        return v;
    }
    *descend = a->kind == MA_EXPR && ma_has_vars(a);
    return a;
}

ma *ma_fresh(metta *mt, ma *a)
{
    if (a->kind != MA_VAR && !ma_has_vars(a))
        return a;
    avec map = {0};
    freshctx c = {&map, 0, UINT32_MAX};
    ma *r = mw_map(mt, a, fresh_fn, &c);
    rt_vec_free(&map);
    return r;
}

/* Atoms are immutable once built, so the answer is cached in the flags of
 * every expression whose answer the walk learns: asking again costs
 * nothing. Frames hold the expressions on the path from the root. */
typedef struct hvframe {
    ma *a;
    uint32_t i;
} hvframe;

static int has_vars_walk(const ma *a);

static void set_hv(ma *a, int hv)
{
    if (!(a->flags & MO_PERM))
        a->flags |= (uint8_t)(MO_HV_KNOWN | (hv ? MO_HV : 0));
}

int ma_has_vars_slow(const ma *a)
{
    /* most expressions are flat or have children already known */
    int hv = 0;
    uint32_t k;
    for (k = 0; k < a->nptr; k++) {
        const ma *c = MA_ITEMS(a)[k];
        if (c->kind == MA_VAR || (c->kind == MA_EXPR && (c->flags & MO_HV))) {
            hv = 1;
            break;
        }
        if (c->kind == MA_EXPR && !(c->flags & MO_HV_KNOWN))
            break;
    }
    if (hv || k == a->nptr) {
        set_hv((ma *)a, hv);
        return hv;
    }
    return has_vars_walk(a);
}

static int has_vars_walk(const ma *a)
{
    hvframe inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(hvframe));
    hvframe *f = mw_push(&st);
    f->a = (ma *)a;
    f->i = 0;
    int hv = 0;
    while (st.n) {
        f = mw_top(&st);
        if (f->i == f->a->nptr) {
            set_hv(f->a, 0);
            st.n--;
            continue;
        }
        ma *c = MA_ITEMS(f->a)[f->i++];
        if (c->kind == MA_VAR || (c->kind == MA_EXPR && (c->flags & MO_HV))) {
            hv = 1;
            break;
        }
        if (c->kind != MA_EXPR || (c->flags & MO_HV_KNOWN))
            continue;
        f = mw_push(&st);
        if (!f) { /* no memory for the walk: answer conservatively */
            hv = 1;
            st.n = 0;
            break;
        }
        f->a = c;
        f->i = 0;
    }
    /* a variable was found: every expression on the path holds it */
    for (size_t i = 0; i < st.n; i++)
        set_hv(((hvframe *)mw_at(&st, i))->a, 1);
    mw_free(&st);
    return hv;
}

ma *ma_fresh_range(metta *mt, ma *a, uint32_t lo, uint32_t hi, void *map)
{
    freshctx c = {map, lo, hi};
    return mw_map(mt, a, fresh_fn, &c);
}

int ma_has_range(const ma *a, uint32_t lo, uint32_t hi)
{
    ma *inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(ma *));
    int found = 0;
    for (;;) {
        if (a->kind == MA_VAR) {
            if (a->extra >= lo && a->extra <= hi) {
                found = 1;
                break;
            }
        } else if (a->kind == MA_EXPR && ma_has_vars(a)) {
            for (uint32_t i = a->nptr; i-- > 0;) {
                const ma **slot = mw_push(&st);
                if (!slot) {
                    found = 1; /* conservative: the caller renames */
                    goto out;
                }
                *slot = MA_ITEMS(a)[i];
            }
        }
        if (st.n == 0)
            break;
        a = *(const ma **)mw_at(&st, --st.n);
    }
out:
    mw_free(&st);
    return found;
}
