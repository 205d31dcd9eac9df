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
    mo **p = MO_PTRS(f);
    p[0] = prev;
    /* the evaluator's frames have at most 4 slots: plain stores, which a
     * loop would turn into a memset call */
    switch (nptr) {
    case 4: p[3] = NULL; /* fall through */
    case 3: p[2] = NULL; /* fall through */
    case 2: p[1] = NULL; /* fall through */
    case 1:
    case 0: break;
    default:
        for (uint32_t i = 1; i < nptr; i++)
            p[i] = NULL;
    }
    fraw *r = FRAW(f);
    r->depth = prev ? FRAW(prev)->depth + 1 : 1;
    r->mode = r->space = r->idx = 0;
    return f;
}

int mm_depth(const mo *k)
{
    return k ? (int)FRAW(k)->depth : 0;
}

/*
 * Copy an alternative field by field. The source has usually just been
 * stored that way, and a 16-byte load of two 8-byte stores cannot take its
 * data from the store buffer: it waits until they reach the cache. The
 * compilers merge plain field copies into such wide moves, so the values
 * pass through an empty asm, which keeps them in general registers.
 */
static inline void alt_copy(ml_alt *d, const ml_alt *a)
{
    ma *atom = a->atom, *type = a->type, *aux = a->aux;
    mo *k = a->k, *b = a->b;
    uint32_t mode = a->mode, space = a->space, op = a->op;
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(atom), "+r"(type), "+r"(aux), "+r"(k), "+r"(b));
    __asm__("" : "+r"(mode), "+r"(space), "+r"(op));
#endif
    d->atom = atom;
    d->type = type;
    d->k = k;
    d->b = b;
    d->aux = aux;
    d->mode = mode;
    d->space = space;
    d->op = op;
}

int mm_push(metta_m *m, ml_alt *a)
{
    if (m->plan.n == m->plan.cap && rt_vec_reserve(&m->plan, m->plan.n + 1)) {
        m->err = RT_ENOMEM;
        return RT_ENOMEM;
    }
    alt_copy(&m->plan.v[m->plan.n++], a);
    return 0;
}

static int deliver(metta_m *m, ml_alt *cur);
static int eval_call(metta_m *m, ml_alt *cur);
static int eval_metta(metta_m *m, ml_alt *cur);
static int step(metta_m *m, ml_alt *cur);

/* Continuations that would be pushed and popped at once run in place, up
 * to this nesting depth; deeper ones go through the plan, so the C stack
 * stays bounded however long a chain of returns is. */
enum { NEST_MAX = 48 };

int mm_ret(metta_m *m, ml_alt *cur, ma *val, mo *b)
{
    if (!val)
        return m->err = RT_ENOMEM;
    ml_alt a = {val, NULL, cur->k, b, NULL, EV_RET, cur->space, 0};
    if (m->nest < NEST_MAX && m->plan.n == m->plan_mark && !m->multi) {
        m->nest++;
        int rc = deliver(m, &a);
        m->nest--;
        m->multi = 0;
        return rc;
    }
    return mm_push(m, &a);
}

int mm_eval(metta_m *m, ml_alt *cur, ma *atom, ma *type, uint32_t mode, mo *b)
{
    if (!atom)
        return m->err = RT_ENOMEM;
    ml_alt a = {atom, type ? type : m->mt->s.undefined, cur->k, b, NULL, mode, cur->space, 0};
    if (m->nest < NEST_MAX && m->plan.n == m->plan_mark && !m->multi) {
        /* the step's only outcome: run it now (it counts as a step) */
        m->nest++;
        m->steps++;
        int rc = mode == EV_METTA ? eval_metta(m, &a) : step(m, &a);
        m->nest--;
        m->multi = 0;
        return rc;
    }
    return mm_push(m, &a);
}

/* Continue with frame f pushed on cur's continuation. */
static int push_frame_eval(metta_m *m, ml_alt *cur, mo *f, ma *atom, ma *type, uint32_t mode)
{
    if (!f)
        return m->err = RT_ENOMEM;
    metta *mt = m->mt;
    if (FRAW(f)->depth > mt->lim.max_depth) {
        /* the call that would go deeper returns the error instead */
        ma *e = ma_error(mt, atom, mt->s.stackoverflow);
        ml_alt a = {e, NULL, cur->k, cur->b, NULL, EV_RET, cur->space, 0};
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
    if (t1 == t2 || t1 == mt->s.undefined || t1 == mt->s.atom || t2 == mt->s.undefined ||
        t2 == mt->s.atom)
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
    return mc_types(mt, sp, a, out);
}

/* The one type of a grounded value, or NULL. */
static ma *ground_type(metta *mt, const ma *a)
{
    switch (a->kind) {
    case MA_INT:
    case MA_FLT: return mt->s.number;
    case MA_STR: return mt->s.string;
    case MA_BOOL: return mt->s.bool_;
    case MA_SPACE: return mt->s.spacetype;
    default: return NULL;
    }
}

/* A single type known without a query (grounded values, calls of built-ins
 * with a plain return type), else NULL. */
static ma *fast_type(metta *mt, uint32_t sp, const ma *a)
{
    ma *t = ground_type(mt, a);
    if (t)
        return t;
    if (a->kind == MA_EXPR && a->nptr > 0 && MA_ITEMS(a)[0]->kind == MA_SYM) {
        ms_symbol *sy = &mt->syms.v[MA_ITEMS(a)[0]->extra];
        ma *ft = sy->type;
        /* a call of a function with no declared type (the usual case for
         * user functions): %Undefined%, as mm_types_of would find */
        if (!ft && !sy->native && !mt->spaces.v[sp].expr_types && sy->tlist &&
            sy->tlist->nptr == 0 && sy->tsp == sp && sy->tgen == mt->spaces.v[sp].gen)
            return mt->s.undefined;
        if (ft && ft->kind == MA_EXPR && ft->nptr == a->nptr + 1 && MA_ITEMS(ft)[0] == mt->s.arrow) {
            ma *r = MA_ITEMS(ft)[ft->nptr - 1];
            if (r->kind == MA_SYM)
                return r;
        }
    }
    return NULL;
}

/* Types of the arguments of a call nested this deep (or of a state's
 * value inside states) are not inferred: they count as %Undefined%. This
 * bounds the recursion below, also for a state that holds itself. */
enum { TYPES_DEPTH = 64 };

static int types_of(metta *mt, uint32_t sp, ma *a, mo_vec *out, unsigned depth);

int mm_types_of(metta *mt, uint32_t sp, ma *a, mo_vec *out)
{
    return types_of(mt, sp, a, out, 0);
}

static int types_of(metta *mt, uint32_t sp, ma *a, mo_vec *out, unsigned depth)
{
    ma *ft = ground_type(mt, a);
    if (ft)
        return rt_vec_push(out, ft);
    if (depth > TYPES_DEPTH)
        return rt_vec_push(out, mt->s.undefined);
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
        ma *v = MO_PTRS(MO_PTRS(a)[0])[0];
        if (v)
            rc = types_of(mt, sp, v, &inner, depth + 1);
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
        ma *one = NULL;
        if (op->kind == MA_SYM) {
            /* borrow the built-in type or the memo's list: no copy */
            ms_symbol *sy = &mt->syms.v[op->extra];
            if (sy->type) {
                one = sy->type;
                ot.v = &one;
                ot.n = 1;
            } else {
                ma *list;
                rc = mc_types_list(mt, sp, op, &list);
                if (rc == 0) {
                    ot.v = (mo **)MA_ITEMS(list);
                    ot.n = list->nptr;
                }
            }
        } else if (op->kind == MA_EXPR) { /* a higher-order call: ((curry +) 2) */
            rc = types_of(mt, sp, op, &ot, depth + 1);
        }
        size_t n0 = out->n;
        for (size_t i = 0; i < ot.n && rc == 0; i++) {
            ma *f = ot.v[i];
            if (is_fn_type(mt, f) && f->nptr - 2 == a->nptr - 1) {
                f = ma_fresh(mt, f);
                if (!f) {
                    rc = RT_ENOMEM;
                    break;
                }
                /* the call is typed only if every argument fits its parameter */
                mo *b = NULL;
                int ok = 1;
                for (uint32_t j = 1; j < a->nptr && ok && rc == 0; j++) {
                    ma *arg = MA_ITEMS(a)[j];
                    ma *pt = MA_ITEMS(f)[j];
                    if (arg->kind == MA_VAR || pt == mt->s.atom || pt == mm_metatype(mt, arg))
                        continue;
                    mo_vec at = {0};
                    rc = types_of(mt, sp, arg, &at, depth + 1);
                    int any = at.n == 0;
                    for (size_t q = 0; q < at.n && !any; q++)
                        any = mm_match_types(mt, pt, at.v[q], &b);
                    ok = any;
                    rt_vec_free(&at);
                }
                if (ok && rc == 0)
                    rc = rt_vec_push(out, mb_apply(mt, b, MA_ITEMS(f)[f->nptr - 1]));
            }
        }
        int had_fn = 0;
        for (size_t i = 0; i < ot.n; i++)
            had_fn |= is_fn_type(mt, ot.v[i]);
        if (op->kind == MA_EXPR)
            rt_vec_free(&ot);
        if (rc == 0 && out->n == n0 && !had_fn) {
            if (mt->spaces.v[sp].expr_types) /* declared, as in (: (A B) PairAB) */
                rc = msp_types(mt, sp, a, out);
            if (rc == 0 && out->n == n0)
                t = mt->s.undefined;
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


/* A call of a pure built-in on grounded arguments (or on nested calls of
 * the same kind), computed in place: the value metta() would produce, or
 * NULL to take the general path. */
static ma *pure_rec(metta *mt, ma *arg, ma *type, unsigned depth)
{
    ma *op = MA_ITEMS(arg)[0];
    /* a pure built-in's type has one item per argument and the result */
    if (op->kind != MA_SYM || !(op->pad & SYF_PURE) || SYF_ARITY(op->pad) != arg->nptr + 1 ||
        depth > 32)
        return NULL;
    ms_symbol *s = &mt->syms.v[op->extra];
    ma *args[8];
    uint32_t n = arg->nptr, i = 1;
    if (n > 8)
        return NULL;
    /* the usual case, grounded arguments only: call it as it is */
    while (i < n && ma_is_grounded(MA_ITEMS(arg)[i]))
        i++;
    int changed = 0;
    for (uint32_t j = 1; j < i; j++)
        args[j] = MA_ITEMS(arg)[j];
    for (; i < n; i++) {
        ma *x = MA_ITEMS(arg)[i];
        args[i] = x;
        if (x->kind == MA_EXPR && x->nptr > 0) {
            ma *v = pure_rec(mt, x, MA_ITEMS(s->type)[i], depth + 1);
            if (!v || ma_is_error(mt, v))
                return v; /* an error in an argument is the call's result */
            args[i] = v;
            changed = 1;
        } else if (x->kind == MA_EXPR || x->kind == MA_VAR || x->kind == MA_SYM) {
            return NULL;
        }
    }
    ma *call = arg;
    if (changed) {
        call = ma_expr(mt, arg->nptr);
        if (!call)
            return NULL;
        MA_ITEMS(call)[0] = op;
        for (uint32_t k = 1; k < n; k++)
            MA_ITEMS(call)[k] = args[k];
    }
    ma *r = s->pure(mt, call);
    if (!r || ma_is_error(mt, r))
        return r;
    if (type != mt->s.undefined && type != mt->s.atom && type->kind != MA_VAR &&
        type != MA_ITEMS(s->type)[s->type->nptr - 1])
        return NULL; /* let the general path report the type error */
    return r;
}

static ma *pure_inline(metta *mt, ma *arg, ma *type)
{
    return pure_rec(mt, arg, type, 0);
}

static MM_NOINLINE int check_type(metta_m *m, uint32_t sp, ma *arg, ma *type, ma **out);

/* Does metta(arg, type) need a machine evaluation? If not, *out is its
 * value (the atom, or a BadType error). */
static inline int needs_eval(metta_m *m, uint32_t sp, ma *arg, ma *type, ma **out)
{
    metta *mt = m->mt;
    *out = arg;
    if (arg->kind == MA_EXPR && arg->nptr > 0) {
        if (type == mt->s.atom || type == mt->s.expression || ma_is_error(mt, arg))
            return 0;
        ma *r = pure_inline(mt, arg, type);
        if (r) {
            *out = r;
            return 0;
        }
        return 1;
    }
    if (arg->kind == MA_VAR || type == mt->s.undefined || type == mt->s.atom ||
        type == mm_metatype(mt, arg) || arg == mt->s.empty)
        return 0;
    if (type->kind == MA_VAR || ground_type(mt, arg) == type)
        return 0;
    return check_type(m, sp, arg, type, out);
}

/* The slow half of needs_eval: arg is an atom that evaluates to itself,
 * checked against a type that is not trivially satisfied. */
static MM_NOINLINE int check_type(metta_m *m, uint32_t sp, ma *arg, ma *type, ma **out)
{
    metta *mt = m->mt;
    ma *gt = ground_type(mt, arg);
    if (gt == type)
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

/* Is a known to hold no variable (without walking it)? */
static inline int known_ground(const ma *a)
{
    return a->kind != MA_VAR &&
           (a->kind != MA_EXPR || (a->flags & (MO_HV_KNOWN | MO_HV)) == MO_HV_KNOWN);
}

/* dst is a copy of src with item i replaced by v: it is ground when both
 * src and v are known to be, which saves the walk of ma_has_vars later. */
static inline void copy_ground_flag(ma *dst, const ma *src, const ma *v)
{
    if (known_ground(src) && known_ground(v))
        dst->flags |= MO_HV_KNOWN;
}

/* Copy the items of a call: most have a few, for which a call of memcpy
 * costs more than the copy. */
static inline void items_copy(ma **dst, ma *const *src, uint32_t n)
{
    switch (n) {
    case 4: dst[3] = src[3]; /* fall through */
    case 3: dst[2] = src[2]; /* fall through */
    case 2: dst[1] = src[1]; /* fall through */
    case 1: dst[0] = src[0]; /* fall through */
    case 0: break;
    default: memcpy(dst, src, (size_t)n * sizeof(ma *));
    }
}

/*
 * metta(x) for x = (f a1 .. an) where f is a symbol with no built-in and no
 * declared type (a plain user function) and every ai evaluates in place
 * (grounded, or a pure call such as (- $n 1)): x is then interpreted as a
 * tuple, which yields (f v1 .. vn) and calls it. That call, built here, so
 * that the step popping it goes straight to the rules; NULL when any of
 * this does not hold (the caller takes the general path, which computes
 * the same again: pure built-ins have no effects). The result is only
 * pushed, as the general path's step would be, and nothing runs between
 * this and that step, so the space and the types are the ones it would see.
 */
static ma *plain_call(metta_m *m, ml_alt *cur, ma *x)
{
    metta *mt = m->mt;
    ma *op = MA_ITEMS(x)[0];
    if (op->kind != MA_SYM || (op->pad & (SYF_NATIVE | SYF_TYPED)) ||
        (cur->b && !known_ground(x)) || x->nptr > 8)
        return NULL;
    ma *tl;
    if (mc_types_list(mt, cur->space, op, &tl)) {
        m->err = RT_ENOMEM;
        return NULL;
    }
    if (tl->nptr != 0)
        return NULL;
    ma *vals[8];
    int changed = 0;
    for (uint32_t i = 1; i < x->nptr; i++) {
        ma *a = MA_ITEMS(x)[i];
        vals[i] = a;
        if (a->kind != MA_EXPR || a->nptr == 0 || ma_is_error(mt, a))
            continue; /* evaluates to itself under %Undefined% */
        ma *v = pure_inline(mt, a, mt->s.undefined);
        if (!v || ma_is_error(mt, v))
            return NULL;
        vals[i] = v;
        changed = 1;
    }
    if (!changed)
        return x;
    ma *c = ma_expr(mt, x->nptr);
    if (!c) {
        m->err = RT_ENOMEM;
        return NULL;
    }
    MA_ITEMS(c)[0] = op;
    int ground = known_ground(x);
    for (uint32_t i = 1; i < x->nptr; i++) {
        MA_ITEMS(c)[i] = vals[i];
        ground = ground && known_ground(vals[i]);
    }
    if (ground)
        c->flags = MO_HV_KNOWN;
    return c;
}

/*
 * Advance an F_ARGS evaluation: built holds the items evaluated so far
 * (index < idx); evaluate the rest, inline when possible.
 * ftype: the function type (typed mode) or NULL (tuple mode: every item
 * including the head is evaluated with %Undefined%).
 */
static int args_advance(metta_m *m, ml_alt *cur, ma *built, ma *ftype, ma *rettype, uint32_t idx,
                        int owned)
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
            ma *call = FRAW(f)->depth <= mt->lim.max_depth ? plain_call(m, cur, arg) : NULL;
            if (call) {
                ml_alt a = {call, t, f, cur->b, NULL, EV_CALL, cur->space, 0};
                return mm_push(m, &a);
            }
            if (m->err)
                return m->err;
            return push_frame_eval(m, cur, f, arg, t, EV_METTA);
        }
        if (!v)
            return m->err = RT_ENOMEM;
        if (v != arg) {
            if (ma_is_error(mt, v)) /* a BadType or runtime error: the call's result */
                return mm_ret(m, cur, v, cur->b);
            /* a pure call computed in place: copy the items once */
            if (!owned) {
                ma *nb = ma_expr(mt, n);
                if (!nb)
                    return m->err = RT_ENOMEM;
                items_copy(MA_ITEMS(nb), MA_ITEMS(built), n);
                copy_ground_flag(nb, built, v);
                built = nb;
                owned = 1;
            } else if (!known_ground(v)) {
                built->flags = 0;
            }
            MA_ITEMS(built)[idx] = v;
        }
    }
    ml_alt a = {built, rettype, cur->k, cur->b, NULL, EV_CALL, cur->space, 0};
    if (m->nest < NEST_MAX && m->plan.n == m->plan_mark && !m->multi) {
        m->nest++;
        int rc = eval_call(m, &a);
        m->nest--;
        m->multi = 0;
        return rc;
    }
    return mm_push(m, &a);
}

static int deliver_args(metta_m *m, ml_alt *cur, mo *f)
{
    metta *mt = m->mt;
    ma *built = MO_PTRS(f)[1];
    uint32_t idx = FRAW(f)->idx;
    ma *v = cur->atom;
    int typed = FRAW(f)->mode;
    if (v == mt->s.empty || ma_is_error(mt, v)) {
        if (!typed || v != MA_ITEMS(built)[idx])
            return mm_ret(m, cur, v, cur->b);
    }
    ma *nb = ma_expr(mt, built->nptr);
    if (!nb)
        return m->err = RT_ENOMEM;
    items_copy(MA_ITEMS(nb), MA_ITEMS(built), built->nptr);
    copy_ground_flag(nb, built, v);
    MA_ITEMS(nb)[idx] = v;
    return args_advance(m, cur, nb, MO_PTRS(f)[2], MO_PTRS(f)[3], idx + 1, 1);
}

/* ---------------------------------------------------------------- metta */

static int interpret_expression(metta_m *m, ml_alt *cur, ma *x)
{
    metta *mt = m->mt;
    ma *op = MA_ITEMS(x)[0];
    ma *type = cur->type;
    struct {
        ma **v;
        size_t n;
    } ts = {NULL, 0};
    ma *one;
    int rc = 0;
    if (op->kind == MA_SYM) {
        ms_symbol *sy = &mt->syms.v[op->extra];
        if (sy->type) {
            one = sy->type;
            ts.v = &one;
            ts.n = 1;
        } else {
            ma *list;
            rc = mc_types_list(mt, cur->space, op, &list);
            if (rc)
                return m->err = rc;
            ts.v = MA_ITEMS(list);
            ts.n = list->nptr;
        }
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
        /* type variables are bound only in tb, local to this check */
        mo *tb = NULL;
        int ok = 1;
        for (uint32_t j = 1; j < x->nptr && ok; j++) {
            ma *arg = MA_ITEMS(x)[j];
            ma *pt = MA_ITEMS(f)[j];
            if (arg->kind == MA_VAR || pt == mt->s.atom || pt == mt->s.undefined)
                continue;
            ma *fast = fast_type(mt, cur->space, arg);
            if (fast && (fast == pt || fast == mt->s.undefined))
                continue;
            mo_vec at = m->scr_t; /* reused storage */
            at.n = 0;
            if (mm_types_of(mt, cur->space, arg, &at) != 0) {
                m->scr_t = at;
                if (errs.v)
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
            m->scr_t = at;
        }
        if (!ok)
            continue;
        ma *ret = MA_ITEMS(f)[f->nptr - 1];
        if (!mm_match_types(mt, type, tb ? mb_apply(mt, tb, ret) : ret, &tb)) {
            rt_vec_push(&errs, ma_error(mt, x, ma_expr3(mt, mt->s.badtype, type, ret)));
            continue;
        }
        if (ret == mt->s.expression)
            ret = mt->s.undefined;
        ma *ft = tb ? mb_apply(mt, tb, f) : f;
        if (errs.v)
            rt_vec_free(&errs);
        ma *rt = tb ? mb_apply(mt, tb, ret) : ret;
        if (rt->kind == MA_VAR) /* an unconstrained result type */
            rt = mt->s.undefined;
        /* the head is a symbol: it evaluates to itself */
        return args_advance(m, cur, x, ft, rt, 1, 0);
    }
    if (!has_plain && errs.n) {
        m->multi = 1; /* several results: keep their order */
        for (size_t i = errs.n; i-- > 0;)
            if (mm_ret(m, cur, errs.v[i], cur->b))
                break;
        if (errs.v)
            rt_vec_free(&errs);
        return m->err;
    }
    if (errs.v)
        rt_vec_free(&errs);
    return args_advance(m, cur, x, NULL, type, 0, 0);
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

/* The fast paths below recurse on the C stack down to this depth; deeper
 * atoms take the general path (iterative unification and substitution). */
enum { FAST_DEPTH = 48 };

/* Values of a rule's variables lo..lo+n-1 (n <= 64) after a one-sided
 * match: vals[i] is set when bit i of seen is (no zeroing needed). */
typedef struct svals {
    metta *mt;
    ma **vals;
    uint64_t seen;
    uint32_t lo, n;
    int ok; /* cleared when a variable has no value: take the general path */
} svals;

static inline ma *sv_get(const svals *sv, const ma *var)
{
    uint32_t i = var->extra - sv->lo;
    if (var->extra < sv->lo || i >= sv->n || !(sv->seen >> i & 1))
        return NULL;
    return sv->vals[i];
}

/* One-sided match of a rule pattern (variables lo..lo+n-1) against a
 * ground term, filling vals; 0 on mismatch, -1 when the pattern needs the
 * general path. */
static int match_ground(svals *sv, ma *pat, ma *term, unsigned depth)
{
    if (pat->kind == MA_VAR) {
        uint32_t i = pat->extra - sv->lo;
        if (pat->extra < sv->lo || i >= sv->n)
            return -1;
        if (!(sv->seen >> i & 1)) {
            sv->seen |= (uint64_t)1 << i;
            sv->vals[i] = term;
            return 1;
        }
        return ma_equal(sv->vals[i], term);
    }
    if (pat->kind == MA_EXPR) {
        if (term->kind != MA_EXPR || term->nptr != pat->nptr)
            return 0;
        if (depth > FAST_DEPTH)
            return -1;
        for (uint32_t k = 0; k < pat->nptr; k++) {
            ma *p = MA_ITEMS(pat)[k], *t = MA_ITEMS(term)[k];
            if (p == t)
                continue;
            if (p->kind == MA_SYM) /* interned: a different object differs */
                return 0;
            if (p->kind == MA_VAR) { /* the first occurrence binds, here */
                uint32_t i = p->extra - sv->lo;
                if (p->extra >= sv->lo && i < sv->n && !(sv->seen >> i & 1)) {
                    sv->seen |= (uint64_t)1 << i;
                    sv->vals[i] = t;
                    continue;
                }
            }
            int r = match_ground(sv, p, t, depth + 1);
            if (r <= 0)
                return r;
        }
        return 1;
    }
    return pat == term || (pat->kind != MA_SYM && ma_equal(pat, term));
}

/* a (an expression holding variables) with its variables replaced by
 * their values; NULL with ok = 0 when a variable has none (a variable only
 * in the body), or too deep; NULL with ok = 1 when out of memory.
 * Variables among the children are looked up here rather than in a call
 * of their own: most rule bodies are shallow. */
static ma *subst_expr(svals *sv, ma *a, unsigned depth)
{
    if (depth > FAST_DEPTH) {
        sv->ok = 0;
        return NULL;
    }
    /* every variable gets a value or the whole substitution gives up, so
     * an expression with variables always becomes a new one */
    uint32_t na = a->nptr;
    ma *out = mh_alloc(sv->mt, MA_EXPR, na, 0);
    if (!out)
        return NULL;
    ma **src = MA_ITEMS(a), **dst = MA_ITEMS(out);
    for (uint32_t k = 0; k < na; k++) {
        ma *c = src[k];
        if (c->kind == MA_VAR) {
            if (!(c = sv_get(sv, c))) {
                sv->ok = 0;
                return NULL;
            }
        } else if (c->kind == MA_EXPR && ma_has_vars(c)) {
            if (!(c = subst_expr(sv, c, depth + 1)))
                return NULL;
        }
        dst[k] = c;
    }
    /* the values are parts of a ground call: so is the result */
    out->flags = MO_HV_KNOWN;
    return out;
}

/* Any atom a with its variables replaced, as subst_expr. */
static inline ma *subst_vals(svals *sv, ma *a)
{
    if (a->kind == MA_VAR) {
        ma *v = sv_get(sv, a);
        if (!v)
            sv->ok = 0;
        return v;
    }
    if (a->kind != MA_EXPR || !ma_has_vars(a)) /* ground parts are shared */
        return a;
    return subst_expr(sv, a, 0);
}

/*
 * The value of a rule's condition (op x y) where op is a pure built-in
 * returning Bool and x, y are grounded literals or variables bound to
 * grounded values: computed on a call assembled in this frame, with no
 * allocation. NULL when any of that does not hold, or when the result is
 * an error (whose atom must name a real call): the caller then
 * instantiates the condition and takes the general route.
 */
static ma *cond_vals(svals *sv, ma *c)
{
    metta *mt = sv->mt;
    if (c->kind != MA_EXPR || c->nptr < 2 || c->nptr > 3)
        return NULL;
    ma *op = MA_ITEMS(c)[0];
    /* a pure built-in of type (-> a [b] Bool) */
    if (op->kind != MA_SYM || (op->pad & (SYF_PURE | SYF_BOOL)) != (SYF_PURE | SYF_BOOL) ||
        SYF_ARITY(op->pad) != c->nptr + 1)
        return NULL;
    ms_symbol *s = &mt->syms.v[op->extra];
    struct {
        mo h;
        ma *items[3];
    } call;
    memset(&call.h, 0, sizeof call.h);
    call.h.kind = MA_EXPR;
    call.h.nptr = c->nptr;
    call.h.flags = MO_HV_KNOWN;
    call.items[0] = MA_ITEMS(c)[0];
    for (uint32_t i = 1; i < c->nptr; i++) {
        ma *x = MA_ITEMS(c)[i];
        if (x->kind == MA_VAR && !(x = sv_get(sv, x)))
            return NULL;
        if (!ma_is_grounded(x))
            return NULL;
        call.items[i] = x;
    }
    ma *r = s->pure(mt, &call.h);
    return r && !ma_is_error(mt, r) ? r : NULL;
}

/* One cached rule against call: the body with the rule's variables bound
 * and, for the call's own variables, bindings added to cur->b. */
static int try_rule(metta *mt, ml_alt *cur, ma *call, ma *rule, uint32_t lo, uint32_t hi,
                    ma **body, mo **nb, int ground)
{
    enum { NV = 64 };
    if (ground && hi - lo + 1 <= NV) {
        ma *vals[NV];
        svals sv = {mt, vals, 0, lo, hi - lo + 1, 1};
        int r = match_ground(&sv, MA_ITEMS(rule)[1], call, 0);
        if (r == 0)
            return 0;
        if (r > 0) {
            ma *rhs = MA_ITEMS(rule)[2];
            if (rhs->kind == MA_EXPR && rhs->nptr == 4 && MA_ITEMS(rhs)[0] == mt->s.if_ &&
                cur->type != mt->s.atom && cur->type != mt->s.expression) {
                /* (if C T E) whose condition is a pure built-in on ground
                 * values: decide now and instantiate only the branch taken,
                 * exactly what evaluating the whole body would give */
                ma *v = cond_vals(&sv, MA_ITEMS(rhs)[1]);
                if (!v) {
                    ma *c = subst_vals(&sv, MA_ITEMS(rhs)[1]);
                    v = sv.ok && c && c->kind == MA_EXPR && c->nptr > 0
                            ? pure_inline(mt, c, mt->s.bool_)
                            : NULL;
                }
                if (v && (v == mt->t_true || v == mt->t_false || ma_is_error(mt, v))) {
                    ma *bd = ma_is_error(mt, v)
                                 ? v
                                 : subst_vals(&sv, MA_ITEMS(rhs)[v == mt->t_true ? 2 : 3]);
                    if (sv.ok) {
                        if (!bd)
                            return -1;
                        *body = bd;
                        *nb = cur->b;
                        return 1;
                    }
                }
                sv.ok = 1;
            }
            ma *bd = subst_vals(&sv, rhs);
            if (sv.ok) {
                if (!bd)
                    return -1;
                *body = bd;
                *nb = cur->b;
                return 1;
            }
        }
    }
    mo *b2 = cur->b;
    if (!mb_unify(mt, call, MA_ITEMS(rule)[1], &b2))
        return 0;
    ma *bd = mb_apply(mt, b2, MA_ITEMS(rule)[2]);
    mo *out = cur->b;
    int oom = !bd;
    RT_VEC(ma *) map = {0};
    for (mo *c = b2; c && c != cur->b; c = MO_PTRS(c)[0]) {
        ma *var = MO_PTRS(c)[1];
        if (var->extra >= lo && var->extra <= hi)
            continue;
        ma *val = mb_apply(mt, b2, MO_PTRS(c)[2]);
        if (val && ma_has_range(val, lo, hi))
            val = ma_fresh_range(mt, val, lo, hi, &map);
        out = val ? mb_add(mt, out, var, val) : NULL;
        if (!out) {
            oom = 1;
            break;
        }
    }
    if (bd && ma_has_range(bd, lo, hi))
        bd = ma_fresh_range(mt, bd, lo, hi, &map);
    rt_vec_free(&map);
    if (oom || !bd)
        return -1;
    *body = bd;
    *nb = out;
    return 1;
}

/* Results of evaluating `call` against the `=` rules of the space. */
static int call_rules(metta_m *m, ml_alt *cur, ma *call, uint32_t mode)
{
    metta *mt = m->mt;
    ma *list;
    uint32_t lo, hi;
    ma *head = MA_ITEMS(call)[0];
    if (head->kind != MA_SYM && !mt->spaces.v[cur->space].odd_rules)
        /* no rule in this space has such a head */
        return mm_ret(m, cur, mode == EV_MINIMAL ? mt->s.notreducible : call, cur->b);
    int st = mc_rules(mt, cur->space, call, &list, &lo, &hi);
    if (st)
        return m->err = st;
    uint32_t emode = mode == EV_MINIMAL ? EV_MINIMAL : EV_METTA;
    if (list) {
        /* the usual case, one matching rule, needs no result vectors */
        int ground = !ma_has_vars(call);
        ma *body1 = NULL;
        mo *nb1 = NULL;
        uint32_t i = 0;
        for (; i < list->nptr; i++) {
            int r = try_rule(mt, cur, call, MA_ITEMS(list)[i], lo, hi, &body1, &nb1, ground);
            if (r < 0)
                return m->err = RT_ENOMEM;
            if (r > 0)
                break;
        }
        if (i == list->nptr) {
            if (mode == EV_MINIMAL) /* eval: NotReducible */
                return mm_ret(m, cur, mt->s.notreducible, cur->b);
            return mm_ret(m, cur, call, cur->b);
        }
        mo_vec *bodies = &m->scr_a, *binds = &m->scr_b;
        size_t nmore = 0;
        for (i++; i < list->nptr && st == 0; i++) {
            ma *body;
            mo *nb;
            int r = try_rule(mt, cur, call, MA_ITEMS(list)[i], lo, hi, &body, &nb, ground);
            if (r < 0)
                st = RT_ENOMEM;
            if (r <= 0)
                continue;
            if (nmore++ == 0)
                bodies->n = binds->n = 0;
            if (rt_vec_push(bodies, body) || rt_vec_push(binds, nb))
                st = RT_ENOMEM;
        }
        /* pushing the results cannot run another call_rules (mm_eval only
         * runs in place when there is a single result) */
        if (st == 0 && nmore)
            m->multi = 1; /* several results: keep their order */
        for (size_t k = nmore; k-- > 0 && st == 0;)
            st = mm_eval(m, cur, bodies->v[k], cur->type, emode, binds->v[k]);
        if (st == 0)
            st = mm_eval(m, cur, body1, cur->type, emode, nb1);
        if (st)
            m->err = st;
        return st;
    }
    rulectx rc = {mt, call, cur->b, m->scr_a, m->scr_b};
    rc.bodies.n = rc.binds.n = 0;
    {
        ma *r = ma_var_new(mt, 0);
        ma *pat = r ? ma_expr3(mt, mt->s.eq, call, r) : NULL;
        if (!pat)
            return m->err = RT_ENOMEM;
        st = msp_query(mt, cur->space, pat, on_rule, &rc);
    }
    /* hand the storage back first: a result delivered in place may run
     * another call_rules, which reuses it */
    m->scr_a = rc.bodies;
    m->scr_b = rc.binds;
    if (st == 0) {
        if (rc.bodies.n == 0) {
            if (mode == EV_MINIMAL) /* eval: NotReducible */
                st = mm_ret(m, cur, mt->s.notreducible, cur->b);
            else
                st = mm_ret(m, cur, call, cur->b);
        }
        if (rc.bodies.n > 1)
            m->multi = 1; /* several results: keep their order */
        for (size_t i = rc.bodies.n; i-- > 0 && st == 0;)
            st = mm_eval(m, cur, rc.bodies.v[i], cur->type, emode, rc.binds.v[i]);
    }
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
    if (op->kind == MA_SYM && (op->pad & SYF_NATIVE))
        return mt->syms.v[op->extra].native(m, cur, x, cur->type);
    if (op->kind == MA_VAR)
        return mm_ret(m, cur, x, cur->b);
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
    mo *l = mh_alloc0(mt, MK_LIST, 2, sizeof(uint32_t));
    return l;
}

static int list_push(metta *mt, mo *l, ma *v, mo *b)
{
    uint32_t *cnt = MO_RAW(l);
    mo *items = MO_PTRS(l)[0];
    uint32_t cap = items ? items->nptr : 0;
    if (*cnt == cap) {
        uint32_t nc = cap ? cap * 2 : 8;
        mo *ni = mh_alloc0(mt, MK_LIST, nc, 0);
        mo *nb = mh_alloc0(mt, MK_LIST, nc, 0);
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
    /* cur belongs to the caller and is not used after this call, so it
     * becomes the continuation in place: a copy of the whole alternative
     * would be read back before its parts are stored (a stall) */
    cur->k = FPREV(f);
    if (f->extra == F_ARGS)
        return deliver_args(m, cur, f);
    cur->space = FRAW(f)->space;
    switch (f->extra) {
    case F_CHAIN: {
        ma *t = ma_subst(mt, MO_PTRS(f)[2], MO_PTRS(f)[1], cur->atom);
        return mm_eval(m, cur, t, MO_PTRS(f)[3], FRAW(f)->mode, cur->b);
    }
    case F_FUNCTION: {
        ma *v = cur->b ? mb_apply(mt, cur->b, cur->atom) : cur->atom;
        if (!v)
            return m->err = RT_ENOMEM;
        if (v->kind == MA_EXPR && v->nptr == 2 && MA_ITEMS(v)[0] == mt->s.ret)
            return mm_eval(m, cur, MA_ITEMS(v)[1], MO_PTRS(f)[1], FRAW(f)->mode, cur->b);
        if (ma_is_error(mt, v))
            return mm_ret(m, cur, v, cur->b);
        return mm_ret(m, cur, ma_error(mt, v, mt->s.noreturn), cur->b);
    }
    case F_COLLECT: {
        ma *v = cur->b ? mb_apply(mt, cur->b, cur->atom) : cur->atom;
        if (!v || list_push(mt, MO_PTRS(f)[1], v, cur->b))
            return m->err = RT_ENOMEM;
        return 0;
    }
    case F_THEN:
        return ml_then(m, cur, FRAW(f)->idx, MO_PTRS(f)[1], cur->atom, cur->b);
    default:
        return m->err = RT_EINVAL;
    }
}

int mm_then(metta_m *m, ml_alt *cur, ma *atom, uint32_t op, ma *aux)
{
    mo *f = mm_frame(m->mt, F_THEN, cur->k, 2, 0);
    if (!f)
        return m->err = RT_ENOMEM;
    MO_PTRS(f)[1] = aux;
    FRAW(f)->idx = op;
    FRAW(f)->mode = cur->mode;
    FRAW(f)->space = cur->space;
    return push_frame_eval(m, cur, f, atom, m->mt->s.undefined, EV_METTA);
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
        ml_alt cur;
        alt_copy(&cur, &m->plan.v[--m->plan.n]);
        m->steps++;
        m->plan_mark = m->plan.n;
        m->multi = 0;
        step(m, &cur);
        if (mt->oom)
            m->err = RT_ENOMEM;
    }
    mt->cur_m = saved;
    return m->err;
}

void mm_fini(metta_m *m)
{
    rt_vec_free(&m->scr_a);
    rt_vec_free(&m->scr_b);
    rt_vec_free(&m->scr_t);
    rt_vec_free(&m->plan);
    rt_vec_free(&m->results);
    rt_vec_free(&m->resb);
}
