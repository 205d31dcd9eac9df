/*
 * The evaluator: the reference's `metta` algorithm (docs/metta.md) and the
 * minimal instructions, run by an explicit machine so that no MeTTa
 * recursion ever uses the C stack.
 *
 * State. The plan is a LIFO stack of alternatives; each alternative is one
 * branch of the nondeterministic evaluation:
 *
 *   plan:  [ alt | alt | alt ]  <- top (popped next: depth-first order)
 *   alt:   { atom, type, mode, bindings, k }
 *   k:     frame -> frame -> ... -> NULL (NULL = deliver to the results)
 *
 * Modes: METTA evaluates `atom` with the expected type (interpret
 * expression: type-directed argument evaluation, then a call); CALL calls an
 * expression whose arguments are already evaluated (a built-in, or the `=`
 * rules found in the space); MINIMAL executes minimal instructions and
 * treats every other atom as a value; RET delivers the value `atom` to the
 * frame k; FINISH resumes a collapse once all its branches are done.
 *
 * Frames are immutable heap objects shared by the branches that continue
 * from them, so forking a branch costs one plan entry. A frame records its
 * depth; going past the depth limit ends that branch with
 * (Error <atom> StackOverflow). Tail calls (a rule body, the chosen branch
 * of `if`, `let`'s body) reuse the caller's k, so a tail-recursive loop
 * runs in constant space.
 *
 * Collapse. A collapse pushes a FINISH marker and then the evaluation of
 * its argument with a COLLECT frame. Because the plan is LIFO, every branch
 * spawned by that evaluation sits above the marker, so when the marker is
 * popped all results have been appended to the collector.
 */
#include "metta/metta_int.h"

#include <stdlib.h>

enum { F_ARGS = 1, F_CHAIN, F_FUNCTION, F_COLLECT, F_THEN };

typedef struct fraw {
    uint32_t depth, mode, space, idx;
} fraw;

#define FRAW(f) ((fraw *)MO_RAW(f))
#define FPREV(f) (MO_PTRS(f)[0])

mo *mm_frame(metta *mt, uint32_t ftype, mo *prev, uint32_t nptr, size_t raw)
{
    (void)raw;
    mo *f = mh_alloc(mt, MK_FRAME, nptr, sizeof(fraw));
    if (!f)
        return NULL;
    f->extra = ftype;
    MO_PTRS(f)[0] = prev;
    FRAW(f)->depth = prev ? FRAW(prev)->depth + 1 : 1;
    return f;
}

int mm_depth(const mo *k)
{
    return k ? (int)FRAW(k)->depth : 0;
}

int mm_push(metta_m *m, ml_alt *a)
{
    if (rt_vec_push(&m->plan, *a)) {
        m->err = RT_ENOMEM;
        return RT_ENOMEM;
    }
    return 0;
}

int mm_ret(metta_m *m, ml_alt *cur, ma *val, mo *b)
{
    if (!val)
        return m->err = RT_ENOMEM;
    ml_alt a = {val, NULL, cur->k, b, NULL, EV_RET, cur->space, 0};
    return mm_push(m, &a);
}

int mm_eval(metta_m *m, ml_alt *cur, ma *atom, ma *type, uint32_t mode, mo *b)
{
    if (!atom)
        return m->err = RT_ENOMEM;
    ml_alt a = {atom, type ? type : m->mt->s.undefined, cur->k, b, NULL, mode, cur->space, 0};
    return mm_push(m, &a);
}

/* Continue with frame f pushed on cur's continuation. */
static int push_frame_eval(metta_m *m, ml_alt *cur, mo *f, ma *atom, ma *type, uint32_t mode)
{
    if (!f)
        return m->err = RT_ENOMEM;
    metta *mt = m->mt;
    if (FRAW(f)->depth > mt->lim.max_depth) {
        ma *e = ma_error(mt, atom, mt->s.stackoverflow);
        ml_alt a = {e, NULL, NULL, cur->b, NULL, EV_RET, cur->space, 0};
        return e ? mm_push(m, &a) : (m->err = RT_ENOMEM);
    }
    ml_alt a = {atom, type ? type : mt->s.undefined, f, cur->b, NULL, mode, cur->space, 0};
    return mm_push(m, &a);
}

/* ---------------------------------------------------------------- types */

ma *mm_metatype(metta *mt, const ma *a)
{
    switch (a->kind) {
    case MA_SYM:
        return mt->syms.v[a->extra].native ? mt->s.grounded : mt->s.symbol;
    case MA_VAR:
        return mt->s.variable;
    case MA_EXPR:
        return mt->s.expression;
    default:
        return mt->s.grounded;
    }
}

int mm_match_types(metta *mt, ma *t1, ma *t2, mo **b)
{
    if (t1 == mt->s.undefined || t1 == mt->s.atom || t2 == mt->s.undefined || t2 == mt->s.atom)
        return 1;
    mo *save = *b;
    if (mb_unify(mt, t1, t2, b))
        return 1;
    *b = save;
    return 0;
}

static int is_fn_type(metta *mt, const ma *t)
{
    return t->kind == MA_EXPR && t->nptr >= 1 && MA_ITEMS(t)[0] == mt->s.arrow;
}

/* Types of a symbol: its built-in type, else its declarations. */
static int sym_types(metta *mt, uint32_t sp, ma *a, mo_vec *out)
{
    ms_symbol *s = &mt->syms.v[a->extra];
    if (s->type)
        return rt_vec_push(out, s->type);
    return msp_types(mt, sp, a, out);
}

int mm_types_of(metta *mt, uint32_t sp, ma *a, mo_vec *out)
{
    int rc = 0;
    ma *t = NULL;
    switch (a->kind) {
    case MA_INT:
    case MA_FLT: t = mt->s.number; break;
    case MA_STR: t = mt->s.string; break;
    case MA_BOOL: t = mt->s.bool_; break;
    case MA_SPACE: t = mt->s.spacetype; break;
    case MA_STATE: {
        mo_vec inner = {0};
        ma *v = a->extra < mt->states.n ? mt->states.v[a->extra] : NULL;
        if (v)
            rc = mm_types_of(mt, sp, v, &inner);
        ma *it = inner.n ? inner.v[0] : mt->s.undefined;
        rt_vec_free(&inner);
        t = ma_expr2(mt, mt->s.statemonad, it);
        break;
    }
    case MA_VAR: t = mt->s.undefined; break;
    case MA_SYM: {
        size_t n0 = out->n;
        rc = sym_types(mt, sp, a, out);
        if (rc == 0 && out->n == n0)
            t = mt->s.undefined;
        break;
    }
    case MA_EXPR: {
        if (a->nptr == 0) {
            t = mt->s.undefined;
            break;
        }
        ma *op = MA_ITEMS(a)[0];
        mo_vec ot = {0};
        if (op->kind == MA_SYM)
            rc = sym_types(mt, sp, op, &ot);
        size_t n0 = out->n;
        for (size_t i = 0; i < ot.n && rc == 0; i++) {
            ma *f = ot.v[i];
            if (is_fn_type(mt, f) && f->nptr - 2 == a->nptr - 1) {
                f = ma_fresh(mt, f);
                /* bind type variables from the argument types where they are known */
                mo *b = NULL;
                for (uint32_t j = 1; j < a->nptr; j++) {
                    ma *arg = MA_ITEMS(a)[j];
                    if (arg->kind == MA_EXPR || arg->kind == MA_VAR)
                        continue;
                    mo_vec at = {0};
                    rc = mm_types_of(mt, sp, arg, &at);
                    for (size_t q = 0; q < at.n; q++)
                        if (mm_match_types(mt, MA_ITEMS(f)[j], at.v[q], &b))
                            break;
                    rt_vec_free(&at);
                }
                rc = rc ? rc : rt_vec_push(out, mb_apply(mt, b, MA_ITEMS(f)[f->nptr - 1]));
            }
        }
        int had_fn = 0;
        for (size_t i = 0; i < ot.n; i++)
            had_fn |= is_fn_type(mt, ot.v[i]);
        rt_vec_free(&ot);
        if (rc == 0 && out->n == n0 && !had_fn) {
            /* a tuple: the tuple of its items' types */
            ma *tt = ma_expr(mt, a->nptr);
            for (uint32_t j = 0; tt && j < a->nptr && rc == 0; j++) {
                mo_vec at = {0};
                rc = mm_types_of(mt, sp, MA_ITEMS(a)[j], &at);
                MA_ITEMS(tt)[j] = at.n ? at.v[0] : mt->s.undefined;
                rt_vec_free(&at);
            }
            t = tt;
        }
        break;
    }
    default: t = mt->s.undefined;
    }
    if (t && rc == 0)
        rc = rt_vec_push(out, t);
    return rc;
}

/* ---------------------------------------------------------------- args */

static ma *undef(metta_m *m) { return m->mt->s.undefined; }

/* Does metta(arg, type) need a machine evaluation? If not, *out is its
 * value (the atom, or a BadType error). */
static int needs_eval(metta_m *m, uint32_t sp, ma *arg, ma *type, ma **out)
{
    metta *mt = m->mt;
    *out = arg;
    if (arg->kind == MA_EXPR && arg->nptr > 0) {
        if (type == mt->s.atom || type == mt->s.expression || ma_is_error(mt, arg))
            return 0;
        return 1;
    }
    if (arg->kind == MA_VAR || type == mt->s.undefined || type == mt->s.atom ||
        type == mm_metatype(mt, arg) || arg == mt->s.empty)
        return 0;
    if (type->kind == MA_VAR)
        return 0;
    mo_vec ts = {0};
    if (mm_types_of(mt, sp, arg, &ts) != 0) {
        rt_vec_free(&ts);
        m->err = RT_ENOMEM;
        return 0;
    }
    for (size_t i = 0; i < ts.n; i++) {
        mo *b = NULL;
        if (mm_match_types(mt, ts.v[i], type, &b)) {
            rt_vec_free(&ts);
            return 0;
        }
    }
    ma *bt = ma_expr3(mt, mt->s.badtype, type, ts.n ? ts.v[0] : mt->s.undefined);
    rt_vec_free(&ts);
    *out = bt ? ma_error(mt, arg, bt) : NULL;
    if (!*out)
        m->err = RT_ENOMEM;
    return 0;
}

/*
 * Advance an F_ARGS evaluation: built holds the items evaluated so far
 * (index < idx); evaluate the rest, inline when possible.
 * ftype: the function type (typed mode) or NULL (tuple mode: every item
 * including the head is evaluated with %Undefined%).
 */
static int args_advance(metta_m *m, ml_alt *cur, ma *built, ma *ftype, ma *rettype, uint32_t idx)
{
    metta *mt = m->mt;
    uint32_t n = built->nptr;
    for (; idx < n; idx++) {
        ma *arg = MA_ITEMS(built)[idx];
        ma *t = ftype ? MA_ITEMS(ftype)[idx] : mt->s.undefined;
        ma *v;
        if (needs_eval(m, cur->space, arg, t, &v)) {
            mo *f = mm_frame(mt, F_ARGS, cur->k, 4, 0);
            if (!f)
                return m->err = RT_ENOMEM;
            MO_PTRS(f)[1] = built;
            MO_PTRS(f)[2] = ftype;
            MO_PTRS(f)[3] = rettype;
            FRAW(f)->idx = idx;
            FRAW(f)->mode = ftype ? 1 : 0;
            return push_frame_eval(m, cur, f, arg, t, EV_METTA);
        }
        if (!v)
            return m->err = RT_ENOMEM;
        if (v != arg) { /* a BadType error: the call's result */
            return mm_ret(m, cur, v, cur->b);
        }
    }
    ml_alt a = {built, rettype, cur->k, cur->b, NULL, EV_CALL, cur->space, 0};
    return mm_push(m, &a);
}

static int deliver_args(metta_m *m, ml_alt *cur, mo *f)
{
    metta *mt = m->mt;
    ma *built = MO_PTRS(f)[1];
    uint32_t idx = FRAW(f)->idx;
    ma *v = cur->atom;
    ml_alt next = *cur;
    next.k = FPREV(f);
    int typed = FRAW(f)->mode;
    if (v == mt->s.empty || ma_is_error(mt, v)) {
        if (!typed || v != MA_ITEMS(built)[idx])
            return mm_ret(m, &next, v, cur->b);
    }
    ma *nb = ma_expr(mt, built->nptr);
    if (!nb)
        return m->err = RT_ENOMEM;
    memcpy(MA_ITEMS(nb), MA_ITEMS(built), (size_t)built->nptr * sizeof(ma *));
    MA_ITEMS(nb)[idx] = v;
    return args_advance(m, &next, nb, MO_PTRS(f)[2], MO_PTRS(f)[3], idx + 1);
}

/* ---------------------------------------------------------------- metta */

static int interpret_expression(metta_m *m, ml_alt *cur, ma *x)
{
    metta *mt = m->mt;
    ma *op = MA_ITEMS(x)[0];
    ma *type = cur->type;
    mo_vec ts = {0};
    int rc = 0;
    if (op->kind == MA_SYM)
        rc = sym_types(mt, cur->space, op, &ts);
    if (rc) {
        rt_vec_free(&ts);
        return m->err = rc;
    }
    int has_plain = ts.n == 0;
    mo_vec errs = {0};
    for (size_t i = 0; i < ts.n; i++) {
        ma *f = ts.v[i];
        if (!is_fn_type(mt, f)) {
            has_plain = 1;
            continue;
        }
        if (f->nptr - 2 != x->nptr - 1) {
            rt_vec_push(&errs, ma_error(mt, x, mt->s.incorrect_nargs));
            continue;
        }
        f = ma_fresh(mt, f);
        mo *tb = NULL;
        int ok = 1;
        for (uint32_t j = 1; j < x->nptr && ok; j++) {
            ma *arg = MA_ITEMS(x)[j];
            ma *pt = MA_ITEMS(f)[j];
            if (arg->kind == MA_VAR || pt == mt->s.atom || pt == mt->s.undefined)
                continue;
            mo_vec at = {0};
            if (mm_types_of(mt, cur->space, arg, &at) != 0) {
                rt_vec_free(&at);
                rt_vec_free(&ts);
                rt_vec_free(&errs);
                return m->err = RT_ENOMEM;
            }
            int any = at.n == 0;
            for (size_t q = 0; q < at.n && !any; q++) {
                ma *atq = at.v[q];
                /* meta-types accept any atom of that kind */
                if (pt == mm_metatype(mt, arg) || mm_match_types(mt, pt, atq, &tb))
                    any = 1;
            }
            if (!any) {
                ma *bat = ma_expr4(mt, mt->s.badargtype, ma_int(mt, j), mb_apply(mt, tb, pt),
                                   at.v[0]);
                rt_vec_push(&errs, ma_error(mt, x, bat));
                ok = 0;
            }
            rt_vec_free(&at);
        }
        if (!ok)
            continue;
        ma *ret = MA_ITEMS(f)[f->nptr - 1];
        if (!mm_match_types(mt, type, mb_apply(mt, tb, ret), &tb)) {
            rt_vec_push(&errs, ma_error(mt, x, ma_expr3(mt, mt->s.badtype, type, ret)));
            continue;
        }
        if (ret == mt->s.expression)
            ret = mt->s.undefined;
        ma *ft = mb_apply(mt, tb, f);
        rt_vec_free(&ts);
        rt_vec_free(&errs);
        ml_alt c = *cur;
        /* the head is a symbol: it evaluates to itself */
        return args_advance(m, &c, x, ft, mb_apply(mt, tb, ret), 1);
    }
    rt_vec_free(&ts);
    if (!has_plain && errs.n) {
        for (size_t i = errs.n; i-- > 0;)
            if (mm_ret(m, cur, errs.v[i], cur->b))
                break;
        rt_vec_free(&errs);
        return m->err;
    }
    rt_vec_free(&errs);
    return args_advance(m, cur, x, NULL, type, 0);
}

static int eval_metta(metta_m *m, ml_alt *cur)
{
    metta *mt = m->mt;
    ma *x = cur->atom;
    if (cur->b)
        x = mb_apply(mt, cur->b, x);
    if (!x)
        return m->err = RT_ENOMEM;
    ma *type = cur->type;
    if (x == mt->s.empty)
        return 0; /* an empty branch: no result */
    if (ma_is_error(mt, x) || type == mt->s.atom || x->kind == MA_VAR)
        return mm_ret(m, cur, x, cur->b);
    if (x->kind != MA_EXPR || x->nptr == 0) {
        ma *v;
        needs_eval(m, cur->space, x, type, &v);
        return mm_ret(m, cur, v, cur->b);
    }
    if (type == mt->s.expression)
        return mm_ret(m, cur, x, cur->b);
    cur->atom = x;
    return interpret_expression(m, cur, x);
}

/* ---------------------------------------------------------------- call */

typedef struct rulectx {
    metta *mt;
    ma *call;
    mo *b;
    mo_vec bodies;
    mo_vec binds;
} rulectx;

static int on_rule(metta *mt, void *c, ma *inst)
{
    rulectx *r = c;
    if (inst->kind != MA_EXPR || inst->nptr != 3)
        return 0;
    mo *b = r->b;
    if (!mb_unify(mt, r->call, MA_ITEMS(inst)[1], &b))
        return 0;
    if (rt_vec_push(&r->bodies, MA_ITEMS(inst)[2]) || rt_vec_push(&r->binds, b))
        return RT_ENOMEM;
    return 0;
}

/* Results of evaluating `call` against the `=` rules of the space. */
static int call_rules(metta_m *m, ml_alt *cur, ma *call, uint32_t mode)
{
    metta *mt = m->mt;
    ma *r = ma_var_new(mt, 0);
    ma *pat = r ? ma_expr3(mt, mt->s.eq, call, r) : NULL;
    if (!pat)
        return m->err = RT_ENOMEM;
    rulectx rc = {mt, call, cur->b, {0}, {0}};
    int st = msp_query(mt, cur->space, pat, on_rule, &rc);
    if (st == 0) {
        if (rc.bodies.n == 0) {
            if (mode == EV_MINIMAL) /* eval: NotReducible */
                st = mm_ret(m, cur, mt->s.notreducible, cur->b);
            else
                st = mm_ret(m, cur, call, cur->b);
        }
        for (size_t i = rc.bodies.n; i-- > 0 && st == 0;)
            st = mm_eval(m, cur, rc.bodies.v[i], cur->type, mode == EV_MINIMAL ? EV_MINIMAL : EV_METTA,
                         rc.binds.v[i]);
    }
    rt_vec_free(&rc.bodies);
    rt_vec_free(&rc.binds);
    if (st)
        m->err = st;
    return st;
}

static int eval_call(metta_m *m, ml_alt *cur)
{
    metta *mt = m->mt;
    ma *x = cur->atom;
    if (cur->b)
        x = mb_apply(mt, cur->b, x);
    if (!x)
        return m->err = RT_ENOMEM;
    if (ma_is_error(mt, x))
        return mm_ret(m, cur, x, cur->b);
    ma *op = MA_ITEMS(x)[0];
    cur->mode = EV_METTA;
    if (op->kind == MA_SYM && mt->syms.v[op->extra].native)
        return mt->syms.v[op->extra].native(m, cur, x, cur->type);
    return call_rules(m, cur, x, EV_METTA);
}

/* `(eval x)`: one step of x; results continue in cur's mode. */
int mm_eval_step(metta_m *m, ml_alt *cur, ma *x);
int mm_eval_step(metta_m *m, ml_alt *cur, ma *x)
{
    metta *mt = m->mt;
    if (x->kind != MA_EXPR || x->nptr == 0)
        return mm_ret(m, cur, mt->s.notreducible, cur->b);
    ma *op = MA_ITEMS(x)[0];
    if (op->kind == MA_SYM && mt->syms.v[op->extra].native)
        return mt->syms.v[op->extra].native(m, cur, x, cur->type);
    return call_rules(m, cur, x, cur->mode);
}

static int is_minimal_instr(metta *mt, const ma *op)
{
    const msyms *s = &mt->s;
    return op == s->eval || op == s->evalc || op == s->chain || op == s->unify || op == s->cons ||
           op == s->decons || op == s->function || op == s->collapse_bind ||
           op == s->superpose_bind || op == s->metta || op == s->context_space;
}

static int eval_minimal(metta_m *m, ml_alt *cur)
{
    metta *mt = m->mt;
    ma *x = cur->atom;
    if (cur->b)
        x = mb_apply(mt, cur->b, x);
    if (!x)
        return m->err = RT_ENOMEM;
    if (x == mt->s.empty)
        return 0;
    if (x->kind == MA_EXPR && x->nptr > 0 && is_minimal_instr(mt, MA_ITEMS(x)[0]))
        return mt->syms.v[MA_ITEMS(x)[0]->extra].native(m, cur, x, cur->type);
    return mm_ret(m, cur, x, cur->b);
}

/* ---------------------------------------------------------------- collect */

/* A growable list: MK_LIST {items-array, binds-array}, raw u32 count. */
static mo *list_new(metta *mt)
{
    mo *l = mh_alloc(mt, MK_LIST, 2, sizeof(uint32_t));
    return l;
}

static int list_push(metta *mt, mo *l, ma *v, mo *b)
{
    uint32_t *cnt = MO_RAW(l);
    mo *items = MO_PTRS(l)[0];
    uint32_t cap = items ? items->nptr : 0;
    if (*cnt == cap) {
        uint32_t nc = cap ? cap * 2 : 8;
        mo *ni = mh_alloc(mt, MK_LIST, nc, 0);
        mo *nb = mh_alloc(mt, MK_LIST, nc, 0);
        if (!ni || !nb)
            return RT_ENOMEM;
        if (items) {
            memcpy(MO_PTRS(ni), MO_PTRS(items), (size_t)cap * sizeof(mo *));
            memcpy(MO_PTRS(nb), MO_PTRS(MO_PTRS(l)[1]), (size_t)cap * sizeof(mo *));
        }
        MO_PTRS(l)[0] = ni;
        MO_PTRS(l)[1] = nb;
        items = ni;
    }
    MO_PTRS(items)[*cnt] = v;
    MO_PTRS(MO_PTRS(l)[1])[*cnt] = b;
    (*cnt)++;
    return 0;
}

int mm_collapse_then(metta_m *m, ml_alt *cur, ma *atom, uint32_t op, ma *aux, ma *type)
{
    metta *mt = m->mt;
    mo *l = list_new(mt);
    if (!l)
        return m->err = RT_ENOMEM;
    ml_alt fin = {l, type, cur->k, cur->b, aux, EV_FINISH, cur->space, op};
    if (mm_push(m, &fin))
        return m->err;
    mo *f = mm_frame(mt, F_COLLECT, cur->k, 2, 0);
    if (!f)
        return m->err = RT_ENOMEM;
    MO_PTRS(f)[1] = l;
    uint32_t mode = op == CT_COLLAPSE_BIND ? EV_MINIMAL : EV_METTA;
    return push_frame_eval(m, cur, f, atom, mt->s.undefined, mode);
}

static int finish(metta_m *m, ml_alt *cur)
{
    metta *mt = m->mt;
    mo *l = cur->atom;
    uint32_t n = *(uint32_t *)MO_RAW(l);
    ma *tuple = ma_expr(mt, n);
    ma *binds = ma_expr(mt, n);
    if (!tuple || !binds)
        return m->err = RT_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        MA_ITEMS(tuple)[i] = MO_PTRS(MO_PTRS(l)[0])[i];
        MA_ITEMS(binds)[i] = MO_PTRS(MO_PTRS(l)[1])[i];
    }
    /* binds is not an atom: an expression used as an array of bindings */
    return ml_after_collapse(m, cur, cur->op, cur->aux, tuple, binds);
}

/* ---------------------------------------------------------------- deliver */

static int deliver(metta_m *m, ml_alt *cur)
{
    metta *mt = m->mt;
    mo *f = cur->k;
    if (!f) {
        ma *v = cur->b ? mb_apply(mt, cur->b, cur->atom) : cur->atom;
        if (!v || rt_vec_push(&m->results, v))
            return m->err = RT_ENOMEM;
        return 0;
    }
    ml_alt next = *cur;
    next.k = FPREV(f);
    next.space = FRAW(f)->space;
    switch (f->extra) {
    case F_ARGS:
        next.space = cur->space;
        return deliver_args(m, cur, f);
    case F_CHAIN: {
        ma *t = ma_subst(mt, MO_PTRS(f)[2], MO_PTRS(f)[1], cur->atom);
        return mm_eval(m, &next, t, MO_PTRS(f)[3], FRAW(f)->mode, cur->b);
    }
    case F_FUNCTION: {
        ma *v = cur->b ? mb_apply(mt, cur->b, cur->atom) : cur->atom;
        if (v->kind == MA_EXPR && v->nptr == 2 && MA_ITEMS(v)[0] == mt->s.ret)
            return mm_eval(m, &next, MA_ITEMS(v)[1], MO_PTRS(f)[1], FRAW(f)->mode, cur->b);
        if (ma_is_error(mt, v))
            return mm_ret(m, &next, v, cur->b);
        return mm_ret(m, &next, ma_error(mt, MO_PTRS(f)[2], mt->s.noreturn), cur->b);
    }
    case F_COLLECT: {
        ma *v = cur->b ? mb_apply(mt, cur->b, cur->atom) : cur->atom;
        if (!v || list_push(mt, MO_PTRS(f)[1], v, cur->b))
            return m->err = RT_ENOMEM;
        return 0;
    }
    default:
        return m->err = RT_EINVAL;
    }
}

/* Frames used by the library. */
int mm_chain(metta_m *m, ml_alt *cur, ma *atom, ma *var, ma *tmpl);
int mm_chain(metta_m *m, ml_alt *cur, ma *atom, ma *var, ma *tmpl)
{
    mo *f = mm_frame(m->mt, F_CHAIN, cur->k, 4, 0);
    if (!f)
        return m->err = RT_ENOMEM;
    MO_PTRS(f)[1] = var;
    MO_PTRS(f)[2] = tmpl;
    MO_PTRS(f)[3] = cur->type;
    FRAW(f)->mode = cur->mode;
    FRAW(f)->space = cur->space;
    return push_frame_eval(m, cur, f, atom, m->mt->s.undefined, EV_MINIMAL);
}

int mm_function(metta_m *m, ml_alt *cur, ma *call, ma *body);
int mm_function(metta_m *m, ml_alt *cur, ma *call, ma *body)
{
    mo *f = mm_frame(m->mt, F_FUNCTION, cur->k, 3, 0);
    if (!f)
        return m->err = RT_ENOMEM;
    MO_PTRS(f)[1] = cur->type;
    MO_PTRS(f)[2] = call;
    FRAW(f)->mode = cur->mode;
    FRAW(f)->space = cur->space;
    return push_frame_eval(m, cur, f, body, m->mt->s.undefined, EV_MINIMAL);
}

/* ---------------------------------------------------------------- run */

static int step(metta_m *m, ml_alt *cur)
{
    switch (cur->mode) {
    case EV_RET: return deliver(m, cur);
    case EV_FINISH: return finish(m, cur);
    case EV_CALL: return eval_call(m, cur);
    case EV_MINIMAL: return eval_minimal(m, cur);
    default: return eval_metta(m, cur);
    }
}

int mm_run(metta *mt, metta_m *m, ma *atom, uint32_t space)
{
    memset(m, 0, sizeof *m);
    m->mt = mt;
    m->top = atom;
    metta_m *saved = mt->cur_m;
    mt->cur_m = m;
    ml_alt a = {atom, mt->s.undefined, NULL, NULL, NULL, EV_METTA, space, 0};
    if (mm_push(m, &a)) {
        mt->cur_m = saved;
        return RT_ENOMEM;
    }
    uint64_t max_steps = mt->lim.max_steps;
    while (m->plan.n && !m->err) {
        if (mt->heap.allocated > mt->heap.threshold && !saved)
            mh_collect(mt);
        if (max_steps && m->steps >= max_steps) {
            m->stopped = 1;
            ma *e = ma_error_str(mt, m->top, "step limit reached");
            if (!e || rt_vec_push(&m->results, e))
                m->err = RT_ENOMEM;
            break;
        }
        ml_alt cur = m->plan.v[--m->plan.n];
        m->steps++;
        step(m, &cur);
        if (mt->oom)
            m->err = RT_ENOMEM;
    }
    mt->cur_m = saved;
    return m->err;
}

void mm_fini(metta_m *m)
{
    rt_vec_free(&m->plan);
    rt_vec_free(&m->results);
    rt_vec_free(&m->resb);
}
