/*
 * Smaller standard-library operations: noeval, if-equal, if-decons-expr,
 * switch-minimal, assert, =alpha, noreduce-eq, is-function, the
 * nondeterministic set operations (unique, union, intersection,
 * subtraction: collapse the arguments, combine, superpose the result),
 * add-reduct, add-reducts, add-atoms, get-type-space, capture, type-cast,
 * match-types, match-type-or, first-from-pair and print-alternatives!.
 */
#include "metta/metta_int.h"

#define ARG(i) (MA_ITEMS(call)[(i)])
#define NARGS (call->nptr - 1)

static int n_noeval(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    return mm_ret(m, cur, ARG(1), cur->b);
}

static int n_if_equal(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 4)
        return ml_noreduce(m, cur, call);
    ma *pick = ma_equal(ARG(1), ARG(2)) ? ARG(3) : ARG(4);
    return mm_eval(m, cur, pick, type, cur->mode == EV_MINIMAL ? EV_MINIMAL : EV_METTA, cur->b);
}

static int n_if_decons(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    metta *mt = m->mt;
    if (NARGS != 5 || ARG(2)->kind != MA_VAR || ARG(3)->kind != MA_VAR)
        return ml_noreduce(m, cur, call);
    ma *e = ARG(1);
    uint32_t mode = cur->mode == EV_MINIMAL ? EV_MINIMAL : EV_METTA;
    if (e->kind != MA_EXPR || e->nptr == 0)
        return mm_eval(m, cur, ARG(5), type, mode, cur->b);
    ma *tail = ma_expr(mt, e->nptr - 1);
    if (!tail)
        return m->err = RT_ENOMEM;
    if (e->nptr > 1)
        memcpy(MA_ITEMS(tail), MA_ITEMS(e) + 1, (size_t)(e->nptr - 1) * sizeof(ma *));
    ma *t = ma_subst(mt, ma_subst(mt, ARG(4), ARG(2), MA_ITEMS(e)[0]), ARG(3), tail);
    return mm_eval(m, cur, t, type, mode, cur->b);
}

static int n_switch_minimal(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 2 || ARG(2)->kind != MA_EXPR)
        return ml_noreduce(m, cur, call);
    ma *cases = ARG(2);
    for (uint32_t i = 0; i < cases->nptr; i++) {
        ma *c = MA_ITEMS(cases)[i];
        if (c->kind != MA_EXPR || c->nptr != 2)
            continue;
        mo *b = cur->b;
        if (mb_unify(m->mt, ARG(1), MA_ITEMS(c)[0], &b))
            return mm_eval(m, cur, MA_ITEMS(c)[1], type, EV_METTA, b);
    }
    return 0;
}

static int n_assert1(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    return mm_then(m, cur, ARG(1), TH_ASSERT, call);
}

int ml_assert_then(metta_m *m, ml_alt *cur, ma *call, ma *val, mo *b)
{
    metta *mt = m->mt;
    if (val == mt->t_true)
        return mm_ret(m, cur, mt->t_unit, b);
    ma *msg = ma_expr3(mt, ARG(1), ma_symz(mt, "not"), mt->t_true);
    return mm_ret(m, cur, msg ? ma_error(mt, call, msg) : NULL, b);
}

static int n_alpha_eq(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2)
        return ml_noreduce(m, cur, call);
    return mm_ret(m, cur, ma_bool(m->mt, ma_alpha_equal(ARG(1), ARG(2))), cur->b);
}

static int n_noreduce_eq(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2)
        return ml_noreduce(m, cur, call);
    return mm_ret(m, cur, ma_bool(m->mt, ma_equal(ARG(1), ARG(2))), cur->b);
}

static int n_is_function(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    ma *t = ARG(1);
    int f = t->kind == MA_EXPR && t->nptr > 0 && MA_ITEMS(t)[0] == mt->s.arrow;
    return mm_ret(m, cur, ma_bool(mt, f), cur->b);
}

static int n_setnd(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    const char *name = MA_NAME(ARG(0));
    uint32_t need = strcmp(name, "unique") == 0 ? 1 : 2;
    if (NARGS != need)
        return ml_noreduce(m, cur, call);
    return mm_collapse_then(m, cur, ARG(1), CT_SET1, call, type);
}

int ml_set_finish(metta_m *m, ml_alt *cur, ma *call, ma *a, ma *b)
{
    ma *out;
    int rc = ml_set_combine(m->mt, a, b, MA_NAME(ARG(0))[0], &out);
    if (rc)
        return m->err = rc;
    m->multi = 1; /* several results: keep their order */
    for (uint32_t i = out->nptr; i-- > 0;)
        if (mm_ret(m, cur, MA_ITEMS(out)[i], cur->b))
            return m->err;
    return 0;
}

static int n_add_atoms(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(1)->kind != MA_SPACE || ARG(2)->kind != MA_EXPR)
        return ml_noreduce(m, cur, call);
    for (uint32_t i = 0; i < ARG(2)->nptr; i++) {
        int rc = msp_add(m->mt, ARG(1)->extra, MA_ITEMS(ARG(2))[i]);
        if (rc)
            return m->err = rc;
    }
    return mm_ret(m, cur, m->mt->t_unit, cur->b);
}

static int n_get_type_space(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(1)->kind != MA_SPACE)
        return ml_noreduce(m, cur, call);
    mo_vec ts = {0};
    int rc = mm_types_of(m->mt, ARG(1)->extra, ARG(2), &ts);
    m->multi = 1; /* several results: keep their order */
    for (size_t i = ts.n; rc == 0 && i-- > 0;)
        rc = mm_ret(m, cur, ts.v[i], cur->b);
    rt_vec_free(&ts);
    return rc;
}

static int n_for_each(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 2 || ARG(1)->kind != MA_EXPR)
        return ml_noreduce(m, cur, call);
    ma *lst = ARG(1);
    if (lst->nptr == 0)
        return mm_ret(m, cur, mt->t_unit, cur->b);
    ma *aux = ma_expr3(mt, lst, ARG(2), ma_int(mt, 0));
    ma *x = aux ? ma_expr2(mt, ARG(2), MA_ITEMS(lst)[0]) : NULL;
    if (!x)
        return m->err = RT_ENOMEM;
    return mm_then(m, cur, x, TH_FOREACH, aux);
}

static int n_add_reduct(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(1)->kind != MA_SPACE)
        return ml_noreduce(m, cur, call);
    int rc = msp_add(m->mt, ARG(1)->extra, ARG(2));
    if (rc)
        return m->err = rc;
    return mm_ret(m, cur, m->mt->t_unit, cur->b);
}

/* (capture X): the results of evaluating X in the current space. */
static int n_capture(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    return mm_eval(m, cur, ARG(1), m->mt->s.undefined, EV_METTA, cur->b);
}

/* (match-types T1 T2 THEN ELSE): THEN when the types match (either is
 * %Undefined% or Atom, or they unify; type variables bound by that are
 * seen by THEN), else ELSE; the branch taken is evaluated. */
static int n_match_types(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (NARGS != 4)
        return ml_noreduce(m, cur, call);
    mo *b = cur->b;
    if (mm_match_types(m->mt, ARG(1), ARG(2), &b))
        return mm_eval(m, cur, ARG(3), type, EV_METTA, b);
    return mm_eval(m, cur, ARG(4), type, EV_METTA, cur->b);
}

/* (match-type-or FOLDED NEXT T): FOLDED or (NEXT matches T). */
static int n_match_type_or(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 3 || ARG(1)->kind != MA_BOOL)
        return ml_noreduce(m, cur, call);
    mo *b = cur->b;
    int r = ARG(1)->extra || mm_match_types(mt, ARG(2), ARG(3), &b);
    return mm_ret(m, cur, ma_bool(mt, r), cur->b);
}

/* (first-from-pair (A B)): A, not evaluated further. */
static int n_first_from_pair(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    ma *p = ARG(1);
    if (p->kind == MA_EXPR && p->nptr == 2)
        return mm_ret(m, cur, MA_ITEMS(p)[0], cur->b);
    return mm_ret(m, cur, ma_error_str(mt, call, "incorrect pair format"), cur->b);
}

/*
 * (type-cast ATOM T SPACE): ATOM (then evaluated) when its meta-type is T
 * or one of its types in SPACE matches T; else the first Error among its
 * types, or (Error ATOM BadType).
 */
static int n_type_cast(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    metta *mt = m->mt;
    if (NARGS != 3 || ARG(3)->kind != MA_SPACE)
        return ml_noreduce(m, cur, call);
    ma *a = ARG(1), *t = ARG(2);
    if (mm_metatype(mt, a) == t)
        return ml_result(m, cur, a, type);
    mo_vec ts = {0};
    if (mm_types_of(mt, ARG(3)->extra, a, &ts) != 0) {
        rt_vec_free(&ts);
        return m->err = RT_ENOMEM;
    }
    int ok = 0;
    ma *err = NULL;
    for (size_t i = 0; i < ts.n && !ok; i++) {
        mo *b = NULL;
        ok = mm_match_types(mt, ts.v[i], t, &b);
        if (!err && ma_is_error(mt, ts.v[i]))
            err = ts.v[i];
    }
    rt_vec_free(&ts);
    if (ok)
        return ml_result(m, cur, a, type);
    return mm_ret(m, cur, err ? err : ma_error(mt, a, mt->s.badtype), cur->b);
}

/* (add-reducts SPACE (a b ...)): adds each item of the evaluated tuple. */
static int n_add_reducts(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(1)->kind != MA_SPACE || ARG(2)->kind != MA_EXPR)
        return ml_noreduce(m, cur, call);
    for (uint32_t i = 0; i < ARG(2)->nptr; i++) {
        int rc = msp_add(m->mt, ARG(1)->extra, MA_ITEMS(ARG(2))[i]);
        if (rc)
            return m->err = rc;
    }
    return mm_ret(m, cur, m->mt->t_unit, cur->b);
}

/* (print-alternatives! HEAD (a b ...)): "N HEAD:" then one indented line
 * per item (strings without quotes), as the reference prints them. */
static int n_print_alternatives(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 2 || ARG(2)->kind != MA_EXPR)
        return ml_noreduce(m, cur, call);
    ma *l = ARG(2);
    rt_buf b = {0};
    int rc = rt_buf_printf(&b, "%u ", l->nptr);
    if (rc == 0)
        rc = ma_print_raw(mt, &b, ARG(1));
    if (rc == 0)
        rc = rt_buf_append(&b, ":\n", 2);
    for (uint32_t i = 0; i < l->nptr && rc == 0; i++) {
        rc = rt_buf_append(&b, "    ", 4);
        if (rc == 0)
            rc = ma_print_raw(mt, &b, MA_ITEMS(l)[i]);
        if (rc == 0)
            rc = rt_buf_putc(&b, '\n');
    }
    if (rc == 0)
        fwrite(b.v, 1, b.n, mt->out);
    rt_vec_free(&b);
    return rc ? (m->err = rc) : mm_ret(m, cur, mt->t_unit, cur->b);
}

/* Named constants are tokens, replaced when the program is read. */
static int def_const(metta *mt, const char *name, double v)
{
    ma *s = ma_symz(mt, name);
    ma *c = s ? ma_flt(mt, v) : NULL;
    if (!c)
        return RT_ENOMEM;
    mt->syms.v[s->extra].token = c;
    return 0;
}

int ml_install_extra(metta *mt)
{
    int rc = 0;
    rc |= ml_def(mt, "noeval", n_noeval, "(-> Atom Atom)");
    rc |= ml_def(mt, "if-equal", n_if_equal, "(-> Atom Atom Atom Atom %Undefined%)");
    rc |= ml_def(mt, "if-decons-expr", n_if_decons,
                 "(-> Expression Variable Variable Atom Atom %Undefined%)");
    rc |= ml_def(mt, "switch-minimal", n_switch_minimal, "(-> Atom Expression Atom)");
    rc |= ml_def(mt, "assert", n_assert1, "(-> Atom (->))");
    rc |= ml_def(mt, "=alpha", n_alpha_eq, "(-> Atom Atom Bool)");
    rc |= ml_def(mt, "noreduce-eq", n_noreduce_eq, "(-> Atom Atom Bool)");
    rc |= ml_def(mt, "is-function", n_is_function, "(-> Type Bool)");
    rc |= ml_def(mt, "unique", n_setnd, "(-> Atom %Undefined%)");
    rc |= ml_def(mt, "union", n_setnd, "(-> Atom Atom %Undefined%)");
    rc |= ml_def(mt, "intersection", n_setnd, "(-> Atom Atom %Undefined%)");
    rc |= ml_def(mt, "subtraction", n_setnd, "(-> Atom Atom %Undefined%)");
    rc |= ml_def(mt, "add-atoms", n_add_atoms, "(-> SpaceType Expression (->))");
    rc |= ml_def(mt, "get-type-space", n_get_type_space, "(-> SpaceType Atom Atom)");
    rc |= ml_def(mt, "for-each-in-atom", n_for_each, "(-> Expression Atom (->))");
    rc |= ml_def(mt, "add-reduct", n_add_reduct, "(-> SpaceType %Undefined% (->))");
    rc |= ml_def(mt, "capture", n_capture, "(-> Atom Atom)");
    rc |= ml_def(mt, "match-types", n_match_types, "(-> Atom Atom Atom Atom %Undefined%)");
    rc |= ml_def(mt, "match-type-or", n_match_type_or, "(-> Bool Atom Atom Bool)");
    rc |= ml_def(mt, "first-from-pair", n_first_from_pair, "(-> Expression Atom)");
    rc |= ml_def(mt, "type-cast", n_type_cast, "(-> Atom Atom SpaceType %Undefined%)");
    rc |= ml_def(mt, "add-reducts", n_add_reducts, "(-> SpaceType %Undefined% (->))");
    rc |= ml_def(mt, "print-alternatives!", n_print_alternatives, "(-> Atom Expression (->))");
    rc |= def_const(mt, "PI", 3.141592653589793);
    rc |= def_const(mt, "EXP", 2.718281828459045);
    return rc ? RT_ENOMEM : 0;
}
