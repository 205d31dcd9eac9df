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

static int occurs(mo *b, const ma *var, ma *a, unsigned depth)
{
    a = mb_walk(b, a);
    if (depth > 10000)
        return 1;
    if (a->kind == MA_VAR)
        return a->extra == var->extra;
    if (a->kind == MA_EXPR)
        for (uint32_t i = 0; i < a->nptr; i++)
            if (occurs(b, var, MA_ITEMS(a)[i], depth + 1))
                return 1;
    return 0;
}

static int unify(metta *mt, ma *a, ma *b, mo **bind, unsigned depth)
{
    a = mb_walk(*bind, a);
    b = mb_walk(*bind, b);
    if (a == b)
        return 1;
    if (depth > 100000)
        return 0;
    if (a->kind == MA_VAR && b->kind == MA_VAR && a->extra == b->extra)
        return 1;
    if (a->kind == MA_VAR) {
        if (b->kind == MA_EXPR && occurs(*bind, a, b, 0))
            return 0;
        mo *n = mb_add(mt, *bind, a, b);
        if (!n)
            return 0;
        *bind = n;
        return 1;
    }
    if (b->kind == MA_VAR) {
        if (a->kind == MA_EXPR && occurs(*bind, b, a, 0))
            return 0;
        mo *n = mb_add(mt, *bind, b, a);
        if (!n)
            return 0;
        *bind = n;
        return 1;
    }
    if (a->kind == MA_EXPR && b->kind == MA_EXPR) {
        if (a->nptr != b->nptr)
            return 0;
        for (uint32_t i = 0; i < a->nptr; i++)
            if (!unify(mt, MA_ITEMS(a)[i], MA_ITEMS(b)[i], bind, depth + 1))
                return 0;
        return 1;
    }
    return ma_equal(a, b);
}

int mb_unify(metta *mt, ma *a, ma *b, mo **bind)
{
    return unify(mt, a, b, bind, 0);
}

static ma *apply(metta *mt, mo *b, ma *a, unsigned depth)
{
    if (depth > 100000)
        return a;
    if (a->kind == MA_VAR) {
        ma *v = mb_walk(b, a);
        if (v == a || v->kind == MA_VAR)
            return v;
        return apply(mt, b, v, depth + 1);
    }
    if (a->kind != MA_EXPR)
        return a;
    ma *out = NULL;
    for (uint32_t i = 0; i < a->nptr; i++) {
        ma *c = MA_ITEMS(a)[i];
        ma *n = (c->kind == MA_VAR || c->kind == MA_EXPR) ? apply(mt, b, c, depth + 1) : c;
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
    if (!b)
        return a;
    return apply(mt, b, a, 0);
}

ma *ma_subst(metta *mt, ma *a, const ma *var, ma *val)
{
    if (a->kind == MA_VAR)
        return a->extra == var->extra ? val : a;
    if (a->kind != MA_EXPR)
        return a;
    ma *out = NULL;
    for (uint32_t i = 0; i < a->nptr; i++) {
        ma *c = MA_ITEMS(a)[i];
        ma *n = ma_subst(mt, c, var, val);
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

typedef RT_VEC(ma *) avec;

static ma *fresh(metta *mt, ma *a, avec *map)
{
    if (a->kind == MA_VAR) {
        for (size_t i = 0; i < map->n; i += 2)
            if (map->v[i]->extra == a->extra)
                return map->v[i + 1];
        ma *v = ma_var_new(mt, MA_VARNAME(a));
        if (!v || rt_vec_push(map, a) || rt_vec_push(map, v))
            return NULL;
        return v;
    }
    if (a->kind != MA_EXPR)
        return a;
    ma *out = ma_expr(mt, a->nptr);
    if (!out)
        return NULL;
    for (uint32_t i = 0; i < a->nptr; i++) {
        ma *c = fresh(mt, MA_ITEMS(a)[i], map);
        if (!c)
            return NULL;
        MA_ITEMS(out)[i] = c;
    }
    return out;
}

ma *ma_fresh(metta *mt, ma *a)
{
    if (!ma_has_vars(a))
        return a;
    avec map = {0};
    ma *r = fresh(mt, a, &map);
    rt_vec_free(&map);
    return r;
}

int ma_has_vars(const ma *a)
{
    if (a->kind == MA_VAR)
        return 1;
    if (a->kind == MA_EXPR)
        for (uint32_t i = 0; i < a->nptr; i++)
            if (ma_has_vars(MA_ITEMS(a)[i]))
                return 1;
    return 0;
}
