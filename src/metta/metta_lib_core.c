/*
 * Built-in control operations: the minimal instructions (eval, evalc, chain,
 * unify, cons-atom, decons-atom, function/return, collapse-bind,
 * superpose-bind, metta, context-space) and the control part of the
 * standard library (if, let, let*, case, switch, superpose, collapse, quote,
 * unquote, empty, nop, if-error, return-on-error, match, assertions).
 *
 * Each built-in is a symbol with a native function and the type the
 * reference's stdlib gives it; the type decides which arguments the
 * evaluator evaluates before the call (Atom, Expression and Variable
 * parameters are passed as written). A native receives the call with
 * evaluated arguments and pushes its results back on the machine: a value
 * (mm_ret), an atom to evaluate further in the caller's place (mm_eval, a
 * tail call), or a frame to resume after a sub-evaluation.
 */
#include "metta/metta_int.h"

#include <stdio.h>

#define ARG(i) (MA_ITEMS(call)[(i)])
#define NARGS (call->nptr - 1)

int ml_result_b(metta_m *m, ml_alt *cur, ma *r, ma *type, mo *b)
{
    if (!r)
        return m->err = RT_ENOMEM;
    if (r->kind != MA_EXPR || r->nptr == 0)
        return mm_ret(m, cur, r, b);
    return mm_eval(m, cur, r, type, cur->mode == EV_MINIMAL ? EV_MINIMAL : EV_METTA, b);
}

int ml_result(metta_m *m, ml_alt *cur, ma *r, ma *type)
{
    return ml_result_b(m, cur, r, type, cur->b);
}

int ml_error(metta_m *m, ml_alt *cur, ma *call, const char *msg)
{
    metta *mt = m->mt;
    ma *s = ma_symz(mt, msg);
    return mm_ret(m, cur, s ? ma_error(mt, call, s) : NULL, cur->b);
}

static int ml_error_str(metta_m *m, ml_alt *cur, ma *call, const char *msg)
{
    return mm_ret(m, cur, ma_error_str(m->mt, call, msg), cur->b);
}

int ml_noreduce(metta_m *m, ml_alt *cur, ma *call)
{
    return mm_ret(m, cur, call, cur->b);
}

/* ---------------------------------------------------------------- minimal */

static int n_eval(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1)
        return ml_error(m, cur, call, "IncorrectNumberOfArguments");
    return mm_eval_step(m, cur, ARG(1));
}

static int n_evalc(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(2)->kind != MA_SPACE)
        return ml_error(m, cur, call, "IncorrectNumberOfArguments");
    ml_alt c = *cur;
    c.space = ARG(2)->extra;
    return mm_eval_step(m, &c, ARG(1));
}

static int n_chain(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 3 || ARG(2)->kind != MA_VAR)
        return ml_error_str(m, cur, call, "chain expects a variable as its second argument");
    return mm_chain(m, cur, ARG(1), ARG(2), ARG(3));
}

static int n_unify(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 4)
        return ml_error(m, cur, call, "IncorrectNumberOfArguments");
    mo *b = cur->b;
    uint32_t mode = cur->mode == EV_MINIMAL ? EV_MINIMAL : EV_METTA;
    if (mb_unify(m->mt, ARG(1), ARG(2), &b))
        return mm_eval(m, cur, ARG(3), type, mode, b);
    return mm_eval(m, cur, ARG(4), type, mode, cur->b);
}

static int n_cons(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(2)->kind != MA_EXPR)
        return ml_error_str(m, cur, call, "cons-atom expects an atom and an expression");
    ma *t = ARG(2);
    ma *e = ma_expr(m->mt, t->nptr + 1);
    if (!e)
        return m->err = RT_ENOMEM;
    MA_ITEMS(e)[0] = ARG(1);
    memcpy(MA_ITEMS(e) + 1, MA_ITEMS(t), (size_t)t->nptr * sizeof(ma *));
    return mm_ret(m, cur, e, cur->b);
}

static int n_decons(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1 || ARG(1)->kind != MA_EXPR || ARG(1)->nptr == 0)
        return ml_error_str(m, cur, call, "decons-atom expects a non-empty expression");
    ma *e = ARG(1);
    ma *tail = ma_expr(m->mt, e->nptr - 1);
    if (!tail)
        return m->err = RT_ENOMEM;
    if (e->nptr > 1)
        memcpy(MA_ITEMS(tail), MA_ITEMS(e) + 1, (size_t)(e->nptr - 1) * sizeof(ma *));
    return mm_ret(m, cur, ma_expr2(m->mt, MA_ITEMS(e)[0], tail), cur->b);
}

static int n_function(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1)
        return ml_error(m, cur, call, "IncorrectNumberOfArguments");
    return mm_function(m, cur, call, ARG(1));
}

static int n_return(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    return mm_ret(m, cur, call, cur->b);
}

static int n_collapse_bind(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 1)
        return ml_error(m, cur, call, "IncorrectNumberOfArguments");
    return mm_collapse_then(m, cur, ARG(1), CT_COLLAPSE_BIND, NULL, type);
}

/* Merge the bindings list `add` into *b; 0 on conflict. */
static int merge_binds(metta *mt, mo **b, mo *add)
{
    for (; add; add = MO_PTRS(add)[0])
        if (!mb_unify(mt, MO_PTRS(add)[1], MO_PTRS(add)[2], b))
            return 0;
    return 1;
}

static int n_superpose_bind(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 1 || ARG(1)->kind != MA_EXPR)
        return ml_error(m, cur, call, "IncorrectNumberOfArguments");
    ma *l = ARG(1);
    m->multi = 1; /* several results: keep their order */
    for (uint32_t i = l->nptr; i-- > 0;) {
        ma *p = MA_ITEMS(l)[i];
        mo *b = cur->b;
        ma *v = p;
        if (p->kind == MA_EXPR && p->nptr == 2) {
            v = MA_ITEMS(p)[0];
            ma *bs = MA_ITEMS(p)[1];
            if (bs->kind == MA_BINDS && !merge_binds(mt, &b, MO_PTRS(bs)[0]))
                continue;
        }
        if (mm_ret(m, cur, v, b))
            return m->err;
    }
    return 0;
}

static int n_metta(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 3 || ARG(3)->kind != MA_SPACE)
        return ml_error(m, cur, call, "IncorrectNumberOfArguments");
    ml_alt c = *cur;
    c.space = ARG(3)->extra;
    return mm_eval(m, &c, ARG(1), ARG(2), EV_METTA, cur->b);
}

static int n_context_space(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    (void)call;
    return mm_ret(m, cur, ma_space(m->mt, cur->space), cur->b);
}

/* ---------------------------------------------------------------- control */

static int n_if(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    metta *mt = m->mt;
    if (NARGS != 3)
        return ml_noreduce(m, cur, call);
    if (ARG(1) == mt->t_true)
        return mm_eval(m, cur, ARG(2), type, EV_METTA, cur->b);
    if (ARG(1) == mt->t_false)
        return mm_eval(m, cur, ARG(3), type, EV_METTA, cur->b);
    return ml_noreduce(m, cur, call);
}

static int n_let(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 3)
        return ml_noreduce(m, cur, call);
    mo *b = cur->b;
    if (!mb_unify(m->mt, ARG(2), ARG(1), &b))
        return 0;
    return mm_eval(m, cur, ARG(3), type, EV_METTA, b);
}

static int n_let_star(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    metta *mt = m->mt;
    if (NARGS != 2 || ARG(1)->kind != MA_EXPR)
        return ml_noreduce(m, cur, call);
    ma *pairs = ARG(1);
    if (pairs->nptr == 0)
        return mm_eval(m, cur, ARG(2), type, EV_METTA, cur->b);
    ma *p = MA_ITEMS(pairs)[0];
    if (p->kind != MA_EXPR || p->nptr != 2)
        return ml_error_str(m, cur, call,
                            "List of (<pattern> <atom>) pairs is expected as a second argument");
    ma *rest = ma_expr(mt, pairs->nptr - 1);
    if (!rest)
        return m->err = RT_ENOMEM;
    if (pairs->nptr > 1)
        memcpy(MA_ITEMS(rest), MA_ITEMS(pairs) + 1, (size_t)(pairs->nptr - 1) * sizeof(ma *));
    ma *inner = ma_expr3(mt, MA_ITEMS(call)[0], rest, ARG(2));
    ma *let = ma_expr4(mt, ma_symz(mt, "let"), MA_ITEMS(p)[0], MA_ITEMS(p)[1], inner);
    return mm_eval(m, cur, let, type, EV_METTA, cur->b);
}

/* First case whose pattern unifies with e; none: no result. */
static int switch_cases(metta_m *m, ml_alt *cur, ma *e, ma *cases, mo *b0, ma *type)
{
    if (cases->kind != MA_EXPR)
        return 0;
    for (uint32_t i = 0; i < cases->nptr; i++) {
        ma *c = MA_ITEMS(cases)[i];
        if (c->kind != MA_EXPR || c->nptr != 2)
            continue;
        mo *b = b0;
        if (mb_unify(m->mt, e, MA_ITEMS(c)[0], &b))
            return mm_eval(m, cur, MA_ITEMS(c)[1], type, EV_METTA, b);
    }
    return 0;
}

static int n_switch(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 2)
        return ml_noreduce(m, cur, call);
    return switch_cases(m, cur, ARG(1), ARG(2), cur->b, type);
}

static int n_case(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 2)
        return ml_noreduce(m, cur, call);
    return mm_collapse_then(m, cur, ARG(1), CT_CASE, ARG(2), type);
}

static int n_superpose(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 1 || ARG(1)->kind != MA_EXPR)
        return ml_noreduce(m, cur, call);
    ma *l = ARG(1);
    m->multi = 1; /* several results: keep their order */
    for (uint32_t i = l->nptr; i-- > 0;)
        if (ml_result(m, cur, MA_ITEMS(l)[i], type))
            return m->err;
    return 0;
}

static int n_collapse(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    return mm_collapse_then(m, cur, ARG(1), CT_COLLAPSE, NULL, type);
}

static int n_quote(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    return mm_ret(m, cur, call, cur->b);
}

static int n_unquote(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    metta *mt = m->mt;
    ma *q = NARGS == 1 ? ARG(1) : NULL;
    if (q && q->kind == MA_EXPR && q->nptr == 2 && MA_ITEMS(q)[0] == mt->s.quote)
        return mm_eval(m, cur, MA_ITEMS(q)[1], type, EV_METTA, cur->b);
    return ml_noreduce(m, cur, call);
}

static int n_empty(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)m, (void)cur, (void)call, (void)type;
    return 0;
}

static int n_nop(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    (void)call;
    return mm_ret(m, cur, m->mt->t_unit, cur->b);
}

static int n_id(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    return ml_result(m, cur, ARG(1), type);
}

static int n_if_error(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 3)
        return ml_noreduce(m, cur, call);
    ma *pick = ma_is_error(m->mt, ARG(1)) ? ARG(2) : ARG(3);
    return mm_eval(m, cur, pick, type, EV_METTA, cur->b);
}

static int n_return_on_error(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    metta *mt = m->mt;
    if (NARGS != 2)
        return ml_noreduce(m, cur, call);
    if (ARG(1) == mt->s.empty)
        return 0;
    if (ma_is_error(mt, ARG(1)))
        return mm_ret(m, cur, ma_expr2(mt, mt->s.ret, ARG(1)), cur->b);
    return mm_eval(m, cur, ARG(2), type, cur->mode == EV_MINIMAL ? EV_MINIMAL : EV_METTA, cur->b);
}

static int n_sealed(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2)
        return ml_noreduce(m, cur, call);
    return mm_ret(m, cur, ma_fresh(m->mt, ARG(2)), cur->b);
}

static int n_atom_subst(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 3 || ARG(2)->kind != MA_VAR)
        return ml_error_str(m, cur, call, "atom-subst expects a variable as a second argument");
    return ml_result(m, cur, ma_subst(m->mt, ARG(3), ARG(2), ARG(1)), type);
}

/* ---------------------------------------------------------------- match */

typedef struct matchctx {
    metta_m *m;
    ml_alt *cur;
    ma *pat, *tmpl;
    mo_vec vals, binds;
} matchctx;

static int on_match(metta *mt, void *c, ma *inst)
{
    matchctx *x = c;
    mo *b = x->cur->b;
    if (!mb_unify(mt, x->pat, inst, &b))
        return 0;
    ma *v = mb_apply(mt, b, x->tmpl);
    if (!v || rt_vec_push(&x->vals, v) || rt_vec_push(&x->binds, b))
        return RT_ENOMEM;
    return 0;
}

static int n_match(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    metta *mt = m->mt;
    if (NARGS != 3 || ARG(1)->kind != MA_SPACE)
        return ml_noreduce(m, cur, call);
    matchctx x = {m, cur, ARG(2), ARG(3), {0}, {0}};
    int rc = msp_query(mt, ARG(1)->extra, ARG(2), on_match, &x);
    m->multi = 1; /* several results: keep their order */
    for (size_t i = x.vals.n; rc == 0 && i-- > 0;)
        rc = ml_result_b(m, cur, x.vals.v[i], type, x.binds.v[i]);
    rt_vec_free(&x.vals);
    rt_vec_free(&x.binds);
    if (rc)
        m->err = rc;
    return rc;
}

/* ---------------------------------------------------------------- asserts */

static int put_list(metta *mt, rt_buf *o, ma *l)
{
    int rc = rt_buf_putc(o, '[');
    for (uint32_t i = 0; i < l->nptr && rc == 0; i++) {
        if (i)
            rc = rt_buf_append(o, ", ", 2);
        if (rc == 0)
            rc = ma_print(mt, o, MA_ITEMS(l)[i]);
    }
    return rc ? rc : rt_buf_putc(o, ']');
}

/* Multiset comparison; returns 1 if equal, else writes the report. */
static int compare_results(metta *mt, ma *actual, ma *expected, int alpha, rt_buf *o)
{
    uint32_t na = actual->nptr, ne = expected->nptr;
    uint8_t *used = rt_calloc(na + 1, 1);
    uint8_t *found = rt_calloc(ne + 1, 1);
    if (!used || !found) {
        rt_free(used);
        rt_free(found);
        return -1;
    }
    int ok = 1;
    for (uint32_t i = 0; i < ne; i++) {
        for (uint32_t j = 0; j < na; j++) {
            if (used[j])
                continue;
            ma *x = MA_ITEMS(expected)[i], *y = MA_ITEMS(actual)[j];
            if (alpha ? ma_alpha_equal(x, y) : ma_equal(x, y)) {
                used[j] = found[i] = 1;
                break;
            }
        }
        if (!found[i])
            ok = 0;
    }
    for (uint32_t j = 0; j < na; j++)
        if (!used[j])
            ok = 0;
    if (!ok) {
        rt_buf_append(o, "\nExpected: ", 11);
        put_list(mt, o, expected);
        rt_buf_append(o, "\nGot: ", 6);
        put_list(mt, o, actual);
        int first = 1;
        for (uint32_t i = 0; i < ne; i++) {
            if (found[i])
                continue;
            rt_buf_append(o, first ? "\nMissed results: " : ", ", first ? 17 : 2);
            first = 0;
            ma_print(mt, o, MA_ITEMS(expected)[i]);
        }
        first = 1;
        for (uint32_t j = 0; j < na; j++) {
            if (used[j])
                continue;
            rt_buf_append(o, first ? "\nExcessive results: " : ", ", first ? 20 : 2);
            first = 0;
            ma_print(mt, o, MA_ITEMS(actual)[j]);
        }
    }
    rt_free(used);
    rt_free(found);
    return ok;
}

typedef struct assert_kind {
    const char *name;
    int alpha, to_result, msg;
} assert_kind;

static const assert_kind ASSERTS[] = {
    {"assertEqual", 0, 0, 0},
    {"assertEqualMsg", 0, 0, 1},
    {"assertAlphaEqual", 1, 0, 0},
    {"assertAlphaEqualMsg", 1, 0, 1},
    {"assertEqualToResult", 0, 1, 0},
    {"assertEqualToResultMsg", 0, 1, 1},
    {"assertAlphaEqualToResult", 1, 1, 0},
    {"assertAlphaEqualToResultMsg", 1, 1, 1},
};

static const assert_kind *assert_of(const ma *call)
{
    const char *name = MA_NAME(MA_ITEMS(call)[0]);
    for (size_t i = 0; i < sizeof ASSERTS / sizeof *ASSERTS; i++)
        if (strcmp(ASSERTS[i].name, name) == 0)
            return &ASSERTS[i];
    return NULL;
}

static int n_assert(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    const assert_kind *k = assert_of(call);
    if (!k || NARGS != (uint32_t)(2 + k->msg))
        return ml_error(m, cur, call, "IncorrectNumberOfArguments");
    return mm_collapse_then(m, cur, ARG(1), k->to_result ? CT_ASSERT_RES : CT_ASSERT_EQ, call,
                            type);
}

static int assert_finish(metta_m *m, ml_alt *cur, ma *call, ma *actual, ma *expected)
{
    metta *mt = m->mt;
    const assert_kind *k = assert_of(call);
    rt_buf o = {0};
    int eq = compare_results(mt, actual, expected, k->alpha, &o);
    int rc;
    if (eq < 0) {
        rc = m->err = RT_ENOMEM;
    } else if (eq) {
        rc = mm_ret(m, cur, mt->t_unit, cur->b);
    } else {
        ma *what = ma_expr3(mt, MA_ITEMS(call)[0], ARG(1), ARG(2));
        ma *msg = k->msg ? ARG(3) : ma_str(mt, o.v ? (const char *)o.v : "", o.n);
        rc = mm_ret(m, cur, (what && msg) ? ma_error(mt, what, msg) : NULL, cur->b);
    }
    rt_vec_free(&o);
    return rc;
}

static int n_assert_includes(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 2 || ARG(2)->kind != MA_EXPR)
        return ml_error(m, cur, call, "IncorrectNumberOfArguments");
    return mm_collapse_then(m, cur, ARG(1), CT_ASSERT_INCL, call, type);
}

int ml_after_collapse(metta_m *m, ml_alt *cur, uint32_t op, ma *aux, ma *list, mo *listb)
{
    metta *mt = m->mt;
    ma *binds = (ma *)listb;
    switch (op) {
    case CT_COLLAPSE:
        return mm_ret(m, cur, list, cur->b);
    case CT_COLLAPSE_BIND: {
        ma *t = ma_expr(mt, list->nptr);
        for (uint32_t i = 0; t && i < list->nptr; i++) {
            ma *bs = mh_alloc(mt, MA_BINDS, 1, 0);
            if (!bs)
                return m->err = RT_ENOMEM;
            MO_PTRS(bs)[0] = MA_ITEMS(binds)[i];
            MA_ITEMS(t)[i] = ma_expr2(mt, MA_ITEMS(list)[i], bs);
        }
        return mm_ret(m, cur, t, cur->b);
    }
    case CT_CASE:
        if (list->nptr == 0)
            return switch_cases(m, cur, mt->s.empty, aux, cur->b, cur->type);
        m->multi = 1; /* several results: keep their order */
        for (uint32_t i = list->nptr; i-- > 0;) {
            mo *b = cur->b;
            if (!merge_binds(mt, &b, MA_ITEMS(binds)[i]))
                continue;
            if (switch_cases(m, cur, MA_ITEMS(list)[i], aux, b, cur->type))
                return m->err;
        }
        return 0;
    case CT_ASSERT_EQ: {
        ma *call = aux;
        ma *st = ma_expr2(mt, call, list);
        if (!st)
            return m->err = RT_ENOMEM;
        return mm_collapse_then(m, cur, ARG(2), CT_ASSERT_EQ2, st, cur->type);
    }
    case CT_ASSERT_EQ2:
        return assert_finish(m, cur, MA_ITEMS(aux)[0], MA_ITEMS(aux)[1], list);
    case CT_ASSERT_RES: {
        ma *call = aux;
        ma *exp = ARG(2);
        if (exp->kind != MA_EXPR)
            return ml_error(m, cur, call, "expected results must be an expression");
        return assert_finish(m, cur, call, list, exp);
    }
    case CT_ASSERT_INCL: {
        ma *call = aux;
        ma *content = ARG(2);
        /* content items missing from the results (multiset difference) */
        uint8_t *used = rt_calloc(list->nptr + 1, 1);
        ma *diff = ma_expr(mt, content->nptr);
        if (!used || !diff) {
            rt_free(used);
            return m->err = RT_ENOMEM;
        }
        uint32_t nd = 0;
        for (uint32_t i = 0; i < content->nptr; i++) {
            int hit = 0;
            for (uint32_t j = 0; j < list->nptr && !hit; j++)
                if (!used[j] && ma_equal(MA_ITEMS(content)[i], MA_ITEMS(list)[j]))
                    used[j] = hit = 1;
            if (!hit)
                MA_ITEMS(diff)[nd++] = MA_ITEMS(content)[i];
        }
        rt_free(used);
        if (nd == 0)
            return mm_ret(m, cur, mt->t_unit, cur->b);
        diff->nptr = nd; /* shrink in place: the tail slots are unused */
        /* (assertIncludes error: <missing> not included in result: <results>) */
        ma *tail = ma_expr(mt, 8);
        if (!tail)
            return m->err = RT_ENOMEM;
        static const char *const words[] = {"assertIncludes", "error:", NULL, "not",
                                            "included", "in", "result:", NULL};
        for (int i = 0; i < 8; i++)
            MA_ITEMS(tail)[i] = words[i] ? ma_symz(mt, words[i]) : NULL;
        MA_ITEMS(tail)[2] = diff;
        MA_ITEMS(tail)[7] = list;
        return mm_ret(m, cur, ma_error(mt, call, tail), cur->b);
    }
    case CT_SET1: {
        ma *call = aux;
        if (NARGS == 1)
            return ml_set_finish(m, cur, call, list, NULL);
        ma *st = ma_expr2(mt, call, list);
        if (!st)
            return m->err = RT_ENOMEM;
        return mm_collapse_then(m, cur, ARG(2), CT_SET2, st, cur->type);
    }
    case CT_SET2:
        return ml_set_finish(m, cur, MA_ITEMS(aux)[0], MA_ITEMS(aux)[1], list);
    default:
        return m->err = RT_EINVAL;
    }
}

int ml_install_core(metta *mt)
{
    int rc = 0;
    rc |= ml_def(mt, "eval", n_eval, "(-> Atom Atom)");
    rc |= ml_def(mt, "evalc", n_evalc, "(-> Atom SpaceType Atom)");
    rc |= ml_def(mt, "chain", n_chain, "(-> Atom Variable Atom %Undefined%)");
    rc |= ml_def(mt, "unify", n_unify, "(-> Atom Atom Atom Atom %Undefined%)");
    rc |= ml_def(mt, "cons-atom", n_cons, "(-> Atom Expression Atom)");
    rc |= ml_def(mt, "decons-atom", n_decons, "(-> Expression Atom)");
    rc |= ml_def(mt, "function", n_function, "(-> Atom Atom)");
    rc |= ml_def(mt, "return", n_return, "(-> $t $t)");
    rc |= ml_def(mt, "collapse-bind", n_collapse_bind, "(-> Atom Expression)");
    rc |= ml_def(mt, "superpose-bind", n_superpose_bind, "(-> Expression Atom)");
    rc |= ml_def(mt, "metta", n_metta, "(-> Atom Type SpaceType Atom)");
    rc |= ml_def(mt, "context-space", n_context_space, "(-> SpaceType)");
    rc |= ml_def(mt, "if", n_if, "(-> Bool Atom Atom $t)");
    rc |= ml_def(mt, "let", n_let, "(-> Atom %Undefined% Atom %Undefined%)");
    rc |= ml_def(mt, "let*", n_let_star, "(-> Expression Atom %Undefined%)");
    rc |= ml_def(mt, "case", n_case, "(-> Atom Expression %Undefined%)");
    rc |= ml_def(mt, "switch", n_switch, "(-> %Undefined% Expression %Undefined%)");
    rc |= ml_def(mt, "superpose", n_superpose, "(-> Expression %Undefined%)");
    rc |= ml_def(mt, "collapse", n_collapse, "(-> Atom Atom)");
    rc |= ml_def(mt, "quote", n_quote, "(-> Atom Atom)");
    rc |= ml_def(mt, "unquote", n_unquote, "(-> %Undefined% %Undefined%)");
    rc |= ml_def(mt, "empty", n_empty, NULL);
    rc |= ml_def(mt, "nop", n_nop, NULL);
    rc |= ml_def(mt, "id", n_id, "(-> $t $t)");
    rc |= ml_def(mt, "if-error", n_if_error, "(-> Atom Atom Atom %Undefined%)");
    rc |= ml_def(mt, "return-on-error", n_return_on_error, "(-> Atom Atom %Undefined%)");
    rc |= ml_def(mt, "sealed", n_sealed, "(-> Expression Atom Atom)");
    rc |= ml_def(mt, "atom-subst", n_atom_subst, "(-> Atom Variable Atom Atom)");
    rc |= ml_def(mt, "match", n_match, "(-> SpaceType Atom Atom %Undefined%)");
    for (size_t i = 0; i < sizeof ASSERTS / sizeof *ASSERTS; i++)
        rc |= ml_def(mt, ASSERTS[i].name, n_assert,
                     ASSERTS[i].msg ? "(-> Atom Atom Atom (->))" : "(-> Atom Atom (->))");
    rc |= ml_def(mt, "assertIncludes", n_assert_includes, "(-> Atom Expression (->))");
    return rc ? RT_ENOMEM : 0;
}
