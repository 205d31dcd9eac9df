/*
 * Built-in grounded operations on data: arithmetic, comparison and logic,
 * the -math functions, expression (tuple) operations, spaces, states,
 * types, text and output.
 *
 * Conventions of the reference: an operation that gets arguments it does
 * not handle (a variable, an unreduced expression) returns its call
 * unchanged (NotReducible); a runtime failure returns
 * (Error <call> <message symbol>), e.g. (Error (/ 5 0) DivisionByZero).
 */
#include "metta/metta_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define ARG(i) (MA_ITEMS(call)[(i)])
#define NARGS (call->nptr - 1)

static double num_d(const ma *a)
{
    return a->kind == MA_INT ? (double)MA_INTV(a) : MA_FLTV(a);
}

/* ---------------------------------------------------------------- numbers */

/*
 * The pure operations compute their result directly from grounded
 * arguments: NULL when an argument is outside their domain (the call is
 * then returned unreduced), an Error atom for a runtime failure. The
 * evaluator also calls them inline for arguments such as (- $n 1) once $n
 * is a number, which saves the machine steps of a full call.
 */
static ma *p_arith(metta *mt, ma *call)
{
    if (NARGS != 2 || !ma_is_num(ARG(1)) || !ma_is_num(ARG(2)))
        return NULL;
    char op = MA_NAME(ARG(0))[0];
    ma *a = ARG(1), *b = ARG(2);
    if (a->kind == MA_INT && b->kind == MA_INT) {
        int64_t x = MA_INTV(a), y = MA_INTV(b), z;
        switch (op) {
        case '+': z = (int64_t)((uint64_t)x + (uint64_t)y); break;
        case '-': z = (int64_t)((uint64_t)x - (uint64_t)y); break;
        case '*': z = (int64_t)((uint64_t)x * (uint64_t)y); break;
        case '/':
            if (y == 0)
                return ma_error(mt, call, mt->s.divzero);
            z = (x == INT64_MIN && y == -1) ? x : x / y;
            break;
        default:
            if (y == 0)
                return ma_error(mt, call, mt->s.divzero);
            z = (y == -1) ? 0 : x % y;
        }
        return ma_int(mt, z);
    }
    double x = num_d(a), y = num_d(b), z;
    switch (op) {
    case '+': z = x + y; break;
    case '-': z = x - y; break;
    case '*': z = x * y; break;
    case '/': z = x / y; break;
    default: z = fmod(x, y);
    }
    return ma_flt(mt, z);
}

static ma *p_cmp(metta *mt, ma *call)
{
    if (NARGS != 2 || !ma_is_num(ARG(1)) || !ma_is_num(ARG(2)))
        return NULL;
    const char *op = MA_NAME(ARG(0));
    int r;
    if (ARG(1)->kind == MA_INT && ARG(2)->kind == MA_INT) {
        int64_t x = MA_INTV(ARG(1)), y = MA_INTV(ARG(2));
        r = op[0] == '<' ? (op[1] ? x <= y : x < y) : (op[1] ? x >= y : x > y);
    } else {
        double x = num_d(ARG(1)), y = num_d(ARG(2));
        r = op[0] == '<' ? (op[1] ? x <= y : x < y) : (op[1] ? x >= y : x > y);
    }
    return ma_bool(mt, r);
}

static ma *p_eq(metta *mt, ma *call)
{
    if (NARGS != 2)
        return NULL;
    return ma_bool(mt, ma_equal(ARG(1), ARG(2)));
}

static ma *p_logic(metta *mt, ma *call)
{
    const char *op = MA_NAME(ARG(0));
    if (strcmp(op, "not") == 0) {
        if (NARGS != 1 || ARG(1)->kind != MA_BOOL)
            return NULL;
        return ma_bool(mt, !ARG(1)->extra);
    }
    if (NARGS != 2 || ARG(1)->kind != MA_BOOL || ARG(2)->kind != MA_BOOL)
        return NULL;
    int x = (int)ARG(1)->extra, y = (int)ARG(2)->extra, r;
    if (op[0] == 'a')
        r = x && y;
    else if (op[0] == 'o')
        r = x || y;
    else
        r = x != y;
    return ma_bool(mt, r);
}

static int n_pure(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    ma *r = mt->syms.v[ARG(0)->extra].pure(mt, call);
    if (!r)
        return mt->oom ? (m->err = RT_ENOMEM) : ml_noreduce(m, cur, call);
    return mm_ret(m, cur, r, cur->b);
}

static int def_pure(metta *mt, const char *name, ml_pure_fn fn, const char *type)
{
    int rc = ml_def(mt, name, n_pure, type);
    if (rc == 0) {
        ms_symbol *sy = &mt->syms.v[ma_symz(mt, name)->extra];
        sy->pure = fn;
        ms_sync(sy);
    }
    return rc;
}

typedef double (*fn1)(double);

static const struct {
    const char *name;
    fn1 f;
    int to_int; /* result is an integer when it fits */
} MATH1[] = {
    {"sqrt-math", sqrt, 0}, {"abs-math", fabs, 0},   {"trunc-math", trunc, 1},
    {"ceil-math", ceil, 1}, {"floor-math", floor, 1}, {"round-math", round, 1},
    {"sin-math", sin, 0},   {"asin-math", asin, 0},   {"cos-math", cos, 0},
    {"acos-math", acos, 0}, {"tan-math", tan, 0},     {"atan-math", atan, 0},
};

static int n_math1(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    const char *name = MA_NAME(ARG(0));
    if (NARGS != 1 || !ma_is_num(ARG(1))) {
        char msg[96];
        int plain = strcmp(name, "sqrt-math") == 0 || strcmp(name, "abs-math") == 0;
        snprintf(msg, sizeof msg, "%s expects one argument: %s", name,
                 plain ? "number" : "input number");
        return ml_error(m, cur, call, msg);
    }
    ma *a = ARG(1);
    if (strcmp(name, "isnan-math") == 0)
        return mm_ret(m, cur, ma_bool(mt, a->kind == MA_FLT && isnan(MA_FLTV(a))), cur->b);
    if (strcmp(name, "isinf-math") == 0)
        return mm_ret(m, cur, ma_bool(mt, a->kind == MA_FLT && isinf(MA_FLTV(a))), cur->b);
    for (size_t i = 0; i < sizeof MATH1 / sizeof *MATH1; i++) {
        if (strcmp(MATH1[i].name, name) != 0)
            continue;
        if (a->kind == MA_INT && (MATH1[i].to_int || strcmp(name, "abs-math") == 0)) {
            int64_t v = MA_INTV(a);
            return mm_ret(m, cur, ma_int(mt, (name[0] == 'a' && v < 0) ? -v : v), cur->b);
        }
        double r = MATH1[i].f(num_d(a));
        if (MATH1[i].to_int && r >= -9.2e18 && r <= 9.2e18)
            return mm_ret(m, cur, ma_int(mt, (int64_t)r), cur->b);
        return mm_ret(m, cur, ma_flt(mt, r), cur->b);
    }
    return ml_noreduce(m, cur, call);
}

static int n_math2(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    const char *name = MA_NAME(ARG(0));
    if (NARGS != 2 || !ma_is_num(ARG(1)) || !ma_is_num(ARG(2)))
        return ml_error(m, cur, call,
                        name[0] == 'p'
                            ? "pow-math expects two arguments: number (base) and number (power)"
                            : "log-math expects two arguments: base (number) and input value (number)");
    double x = num_d(ARG(1)), y = num_d(ARG(2));
    if (name[0] == 'p') { /* pow-math */
        if (ARG(1)->kind == MA_INT && ARG(2)->kind == MA_INT && MA_INTV(ARG(2)) >= 0) {
            int64_t b = MA_INTV(ARG(1)), e = MA_INTV(ARG(2));
            uint64_t r = 1;
            while (e-- > 0)
                r *= (uint64_t)b;
            return mm_ret(m, cur, ma_int(mt, (int64_t)r), cur->b);
        }
        return mm_ret(m, cur, ma_flt(mt, pow(x, y)), cur->b);
    }
    /* log-math base x */
    return mm_ret(m, cur, ma_flt(mt, log(y) / log(x)), cur->b);
}

/* ---------------------------------------------------------------- tuples */

static int need_expr(metta_m *m, ml_alt *cur, ma *call, uint32_t nargs)
{
    (void)cur;
    (void)m;
    return NARGS == nargs && ARG(1)->kind == MA_EXPR;
}

static int n_car(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (!need_expr(m, cur, call, 1) || ARG(1)->nptr == 0)
        return mm_ret(m, cur,
                      ma_error_str(m->mt, call,
                                   "car-atom expects a non-empty expression as an argument"),
                      cur->b);
    return ml_result(m, cur, MA_ITEMS(ARG(1))[0], type);
}

static int n_cdr(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (!need_expr(m, cur, call, 1) || ARG(1)->nptr == 0)
        return mm_ret(m, cur,
                      ma_error_str(m->mt, call,
                                   "cdr-atom expects a non-empty expression as an argument"),
                      cur->b);
    ma *e = ARG(1);
    ma *t = ma_expr(m->mt, e->nptr - 1);
    if (!t)
        return m->err = RT_ENOMEM;
    if (e->nptr > 1)
        memcpy(MA_ITEMS(t), MA_ITEMS(e) + 1, (size_t)(e->nptr - 1) * sizeof(ma *));
    return mm_ret(m, cur, t, cur->b);
}

static int n_size(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (!need_expr(m, cur, call, 1))
        return ml_noreduce(m, cur, call);
    return mm_ret(m, cur, ma_int(m->mt, ARG(1)->nptr), cur->b);
}

static int n_index(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    if (!need_expr(m, cur, call, 2) || ARG(2)->kind != MA_INT)
        return ml_noreduce(m, cur, call);
    int64_t i = MA_INTV(ARG(2));
    if (i < 0 || i >= (int64_t)ARG(1)->nptr)
        return ml_error(m, cur, call, "Index is out of bounds");
    return ml_result(m, cur, MA_ITEMS(ARG(1))[i], type);
}

static int n_minmax(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (!need_expr(m, cur, call, 1))
        return ml_noreduce(m, cur, call);
    ma *e = ARG(1);
    if (e->nptr == 0)
        return ml_error(m, cur, call, "Empty expression");
    int want_max = MA_NAME(ARG(0))[1] == 'a';
    ma *best = NULL;
    for (uint32_t i = 0; i < e->nptr; i++) {
        ma *x = MA_ITEMS(e)[i];
        if (!ma_is_num(x)) {
            rt_buf b = {0};
            rt_buf_printf(&b, "Only numbers are allowed in expression: ");
            ma_print(m->mt, &b, e);
            rt_buf_putc(&b, 0);
            int rc = ml_error(m, cur, call, (const char *)b.v);
            rt_vec_free(&b);
            return rc;
        }
        if (!best || (want_max ? num_d(x) > num_d(best) : num_d(x) < num_d(best)))
            best = x;
    }
    return mm_ret(m, cur, best, cur->b);
}

int ml_set_combine(metta *mt, const ma *a, const ma *b, int op, ma **outp)
{
    ma *out = ma_expr(mt, a->nptr + (b ? b->nptr : 0));
    if (!out)
        return RT_ENOMEM;
    uint32_t n = 0;
    if (!b) {
        for (uint32_t i = 0; i < a->nptr; i++) {
            int dup = 0;
            for (uint32_t j = 0; j < n && !dup; j++)
                dup = ma_equal(MA_ITEMS(out)[j], MA_ITEMS(a)[i]);
            if (!dup)
                MA_ITEMS(out)[n++] = MA_ITEMS(a)[i];
        }
    } else if (op == 'u') {
        memcpy(MA_ITEMS(out), MA_ITEMS(a), (size_t)a->nptr * sizeof(ma *));
        memcpy(MA_ITEMS(out) + a->nptr, MA_ITEMS(b), (size_t)b->nptr * sizeof(ma *));
        n = a->nptr + b->nptr;
    } else {
        /* Each item of b matches at most one item of a. */
        int inter = op == 'i';
        uint8_t *used = rt_calloc(b->nptr + 1, 1);
        if (!used)
            return RT_ENOMEM;
        for (uint32_t i = 0; i < a->nptr; i++) {
            int hit = 0;
            for (uint32_t j = 0; j < b->nptr && !hit; j++)
                if (!used[j] && ma_equal(MA_ITEMS(a)[i], MA_ITEMS(b)[j]))
                    used[j] = hit = 1;
            if (hit == inter)
                MA_ITEMS(out)[n++] = MA_ITEMS(a)[i];
        }
        rt_free(used);
    }
    out->nptr = n;
    *outp = out;
    return RT_OK;
}

/* unique-atom, union-atom, intersection-atom, subtraction-atom */
static int n_setop(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    const char *name = MA_NAME(ARG(0));
    int unique = name[1] == 'n' && name[2] == 'i' && name[3] == 'q';
    if (unique ? !need_expr(m, cur, call, 1) : (!need_expr(m, cur, call, 2) || ARG(2)->kind != MA_EXPR))
        return ml_noreduce(m, cur, call);
    ma *a = ARG(1);
    ma *b = unique ? NULL : ARG(2);
    ma *out;
    int rc = ml_set_combine(mt, a, b, name[0], &out);
    if (rc)
        return m->err = rc;
    if (out->nptr == 0)
        out = mt->t_unit;
    return mm_ret(m, cur, out, cur->b);
}

/* map-atom, filter-atom, foldl-atom: element by element through F_THEN. */
static int n_map(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 3 || ARG(1)->kind != MA_EXPR || ARG(2)->kind != MA_VAR)
        return ml_noreduce(m, cur, call);
    int filter = MA_NAME(ARG(0))[0] == 'f';
    ma *list = ARG(1);
    if (list->nptr == 0)
        return mm_ret(m, cur, mt->t_unit, cur->b);
    /* aux = (list var body index-int acc) */
    ma *aux = ma_expr(mt, 5);
    if (!aux)
        return m->err = RT_ENOMEM;
    MA_ITEMS(aux)[0] = list;
    MA_ITEMS(aux)[1] = ARG(2);
    MA_ITEMS(aux)[2] = ARG(3);
    MA_ITEMS(aux)[3] = ma_int(mt, 0);
    MA_ITEMS(aux)[4] = mt->t_unit;
    ma *x = ma_fresh(mt, ma_subst(mt, ARG(3), ARG(2), MA_ITEMS(list)[0]));
    return mm_then(m, cur, x, filter ? TH_FILTER : TH_MAP, aux);
}

static int n_foldl(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 5 || ARG(1)->kind != MA_EXPR || ARG(3)->kind != MA_VAR || ARG(4)->kind != MA_VAR)
        return ml_noreduce(m, cur, call);
    ma *list = ARG(1);
    if (list->nptr == 0)
        return ml_result(m, cur, ARG(2), cur->type);
    /* aux = (list a b op index-int) */
    ma *aux = ma_expr(mt, 5);
    if (!aux)
        return m->err = RT_ENOMEM;
    MA_ITEMS(aux)[0] = list;
    MA_ITEMS(aux)[1] = ARG(3);
    MA_ITEMS(aux)[2] = ARG(4);
    MA_ITEMS(aux)[3] = ARG(5);
    MA_ITEMS(aux)[4] = ma_int(mt, 0);
    ma *x = ma_fresh(mt, ma_subst(mt, ma_subst(mt, ARG(5), ARG(3), ARG(2)), ARG(4), MA_ITEMS(list)[0]));
    return mm_then(m, cur, x, TH_FOLDL, aux);
}

static ma *append1(metta *mt, ma *acc, ma *v)
{
    ma *n = ma_expr(mt, acc->nptr + 1);
    if (!n)
        return NULL;
    memcpy(MA_ITEMS(n), MA_ITEMS(acc), (size_t)acc->nptr * sizeof(ma *));
    MA_ITEMS(n)[acc->nptr] = v;
    return n;
}

int ml_then(metta_m *m, ml_alt *cur, uint32_t op, ma *aux, ma *val, mo *b)
{
    metta *mt = m->mt;
    ml_alt c = *cur;
    c.b = b;
    if (op == TH_ASSERT)
        return ml_assert_then(m, &c, aux, val, b);
    if (op == TH_FOREACH) {
        /* aux = (list func index-int) */
        ma *lst = MA_ITEMS(aux)[0];
        int64_t i = MA_INTV(MA_ITEMS(aux)[2]) + 1;
        if (i >= (int64_t)lst->nptr)
            return mm_ret(m, &c, mt->t_unit, b);
        ma *na = ma_expr3(mt, lst, MA_ITEMS(aux)[1], ma_int(mt, i));
        ma *x = na ? ma_expr2(mt, MA_ITEMS(aux)[1], MA_ITEMS(lst)[i]) : NULL;
        if (!x)
            return m->err = RT_ENOMEM;
        return mm_then(m, &c, x, op, na);
    }
    ma *list = MA_ITEMS(aux)[0];
    if (op == TH_FOLDL) {
        int64_t i = MA_INTV(MA_ITEMS(aux)[4]) + 1;
        if (i >= (int64_t)list->nptr)
            return mm_ret(m, &c, val, b);
        ma *na = ma_expr(mt, 5);
        if (!na)
            return m->err = RT_ENOMEM;
        memcpy(MA_ITEMS(na), MA_ITEMS(aux), 5 * sizeof(ma *));
        MA_ITEMS(na)[4] = ma_int(mt, i);
        ma *x = ma_fresh(mt, ma_subst(mt, ma_subst(mt, MA_ITEMS(aux)[3], MA_ITEMS(aux)[1], val),
                                      MA_ITEMS(aux)[2], MA_ITEMS(list)[i]));
        return mm_then(m, &c, x, op, na);
    }
    int64_t i = MA_INTV(MA_ITEMS(aux)[3]);
    ma *acc = MA_ITEMS(aux)[4];
    if (op == TH_MAP)
        acc = append1(mt, acc, val);
    else if (val == mt->t_true)
        acc = append1(mt, acc, MA_ITEMS(list)[i]);
    if (!acc)
        return m->err = RT_ENOMEM;
    i++;
    if (i >= (int64_t)list->nptr)
        return mm_ret(m, &c, acc, b);
    ma *na = ma_expr(mt, 5);
    if (!na)
        return m->err = RT_ENOMEM;
    memcpy(MA_ITEMS(na), MA_ITEMS(aux), 5 * sizeof(ma *));
    MA_ITEMS(na)[3] = ma_int(mt, i);
    MA_ITEMS(na)[4] = acc;
    ma *x = ma_fresh(mt, ma_subst(mt, MA_ITEMS(aux)[2], MA_ITEMS(aux)[1], MA_ITEMS(list)[i]));
    return mm_then(m, &c, x, op, na);
}

/* ---------------------------------------------------------------- spaces */

static int n_add_atom(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(1)->kind != MA_SPACE)
        return ml_noreduce(m, cur, call);
    int rc = msp_add(m->mt, ARG(1)->extra, ARG(2));
    if (rc)
        return ml_error(m, cur, call, rt_strerror(rc));
    return mm_ret(m, cur, m->mt->t_unit, cur->b);
}

static int n_remove_atom(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(1)->kind != MA_SPACE)
        return ml_noreduce(m, cur, call);
    int removed = 0;
    int rc = msp_remove(m->mt, ARG(1)->extra, ARG(2), &removed);
    if (rc)
        return ml_error(m, cur, call, rt_strerror(rc));
    return mm_ret(m, cur, m->mt->t_unit, cur->b);
}

static int collect_all(metta *mt, void *ctx, ma *a)
{
    (void)mt;
    return rt_vec_push((mo_vec *)ctx, a);
}

static int n_get_atoms(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1 || ARG(1)->kind != MA_SPACE)
        return ml_noreduce(m, cur, call);
    mo_vec all = {0};
    int rc = msp_all(m->mt, ARG(1)->extra, collect_all, &all);
    m->multi = 1; /* several results: keep their order */
    for (size_t i = all.n; rc == 0 && i-- > 0;)
        rc = mm_ret(m, cur, all.v[i], cur->b);
    rt_vec_free(&all);
    return rc;
}

static int n_new_space(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    (void)call;
    uint32_t idx;
    int rc = msp_new(m->mt, &idx);
    if (rc)
        return m->err = rc;
    return mm_ret(m, cur, ma_space(m->mt, idx), cur->b);
}

static int n_bind(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(1)->kind != MA_SYM)
        return ml_noreduce(m, cur, call);
    m->mt->syms.v[ARG(1)->extra].token = ARG(2);
    return mm_ret(m, cur, m->mt->t_unit, cur->b);
}

static int n_new_state(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    mo *cell = mh_alloc0(mt, MK_LIST, 1, 0);
    if (!cell || rt_vec_push(&mt->states, cell))
        return m->err = RT_ENOMEM;
    MO_PTRS(cell)[0] = ARG(1);
    return mm_ret(m, cur, ma_state(mt, (uint32_t)(mt->states.n - 1)), cur->b);
}

static int n_get_state(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 1 || ARG(1)->kind != MA_STATE || ARG(1)->extra >= mt->states.n)
        return ml_noreduce(m, cur, call);
    return mm_ret(m, cur, MO_PTRS(MO_PTRS(ARG(1))[0])[0], cur->b);
}

static int n_change_state(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 2 || ARG(1)->kind != MA_STATE || ARG(1)->extra >= mt->states.n)
        return ml_noreduce(m, cur, call);
    MO_PTRS(MO_PTRS(ARG(1))[0])[0] = ARG(2);
    return mm_ret(m, cur, ARG(1), cur->b);
}

/* ---------------------------------------------------------------- types */

static int n_get_type(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS < 1 || NARGS > 2)
        return ml_noreduce(m, cur, call);
    uint32_t sp = cur->space;
    if (NARGS == 2 && ARG(2)->kind == MA_SPACE)
        sp = ARG(2)->extra;
    mo_vec ts = {0};
    int rc = mm_types_of(mt, sp, ARG(1), &ts);
    m->multi = 1; /* several results: keep their order */
    /* like any grounded result, a type is evaluated: a dependent type such
     * as (VecN String (+ 1 1)) becomes (VecN String 2) */
    for (size_t i = ts.n; rc == 0 && i-- > 0;)
        rc = ml_result(m, cur, ts.v[i], mt->s.undefined);
    rt_vec_free(&ts);
    return rc;
}

static int n_get_metatype(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    return mm_ret(m, cur, mm_metatype(m->mt, ARG(1)), cur->b);
}

/* ---------------------------------------------------------------- text */

static int n_println(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    rt_buf b = {0};
    int rc = ma_print_raw(mt, &b, ARG(1));
    if (rc == 0)
        rc = rt_buf_putc(&b, '\n');
    if (rc == 0)
        fwrite(b.v, 1, b.n, mt->out);
    rt_vec_free(&b);
    return rc ? (m->err = rc) : mm_ret(m, cur, mt->t_unit, cur->b);
}

static int n_trace(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    metta *mt = m->mt;
    if (NARGS != 2)
        return ml_noreduce(m, cur, call);
    rt_buf b = {0};
    int rc = ma_print_raw(mt, &b, ARG(1));
    if (rc == 0)
        rc = rt_buf_putc(&b, '\n');
    if (rc == 0)
        fwrite(b.v, 1, b.n, stderr);
    rt_vec_free(&b);
    return rc ? (m->err = rc) : ml_result(m, cur, ARG(2), type);
}

static int n_repr(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    rt_buf b = {0};
    int rc = ma_print(m->mt, &b, ARG(1));
    ma *s = rc == 0 ? ma_str(m->mt, b.v ? (const char *)b.v : "", b.n) : NULL;
    rt_vec_free(&b);
    return mm_ret(m, cur, s, cur->b);
}

static int n_format_args(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 2 || ARG(1)->kind != MA_STR || ARG(2)->kind != MA_EXPR)
        return ml_noreduce(m, cur, call);
    const char *f = MA_STRV(ARG(1));
    size_t n = ARG(1)->extra;
    ma *args = ARG(2);
    uint32_t k = 0;
    rt_buf b = {0};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (f[i] == '{' && i + 1 < n && f[i + 1] == '{') {
            rc = rt_buf_putc(&b, '{');
            i++;
        } else if (f[i] == '}' && i + 1 < n && f[i + 1] == '}') {
            rc = rt_buf_putc(&b, '}');
            i++;
        } else if (f[i] == '{' && i + 1 < n && f[i + 1] == '}') {
            if (k < args->nptr)
                rc = ma_print_raw(m->mt, &b, MA_ITEMS(args)[k++]);
            else
                rc = rt_buf_append(&b, "{}", 2);
            i++;
        } else {
            rc = rt_buf_putc(&b, (uint8_t)f[i]);
        }
    }
    ma *s = rc == 0 ? ma_str(m->mt, b.v ? (const char *)b.v : "", b.n) : NULL;
    rt_vec_free(&b);
    return mm_ret(m, cur, s, cur->b);
}

static int cmp_atoms(const void *a, const void *b)
{
    return ma_compare(*(ma *const *)a, *(ma *const *)b);
}

static int n_sort_strings(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (!need_expr(m, cur, call, 1))
        return ml_noreduce(m, cur, call);
    ma *e = ARG(1);
    for (uint32_t i = 0; i < e->nptr; i++)
        if (MA_ITEMS(e)[i]->kind != MA_STR)
            return ml_error(m, cur, call, "sort-strings expects expression with strings as a first argument");
    ma *out = ma_expr(m->mt, e->nptr);
    if (!out)
        return m->err = RT_ENOMEM;
    if (e->nptr) {
        memcpy(MA_ITEMS(out), MA_ITEMS(e), (size_t)e->nptr * sizeof(ma *));
        qsort(MA_ITEMS(out), e->nptr, sizeof(ma *), cmp_atoms);
    }
    return mm_ret(m, cur, out, cur->b);
}

static int n_pragma(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS == 2 && ARG(1)->kind == MA_SYM && strcmp(MA_NAME(ARG(1)), "max-stack-depth") == 0) {
        if (ARG(2)->kind != MA_INT || MA_INTV(ARG(2)) < 0)
            return ml_error(m, cur, call, "UnsignedIntegerIsExpected");
        int64_t v = MA_INTV(ARG(2));
        mt->lim.max_depth = v == 0 || v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    }
    return mm_ret(m, cur, mt->t_unit, cur->b);
}

int ml_install_data(metta *mt)
{
    int rc = 0;
    static const char *const arith[] = {"+", "-", "*", "/", "%"};
    for (int i = 0; i < 5; i++)
        rc |= def_pure(mt, arith[i], p_arith, "(-> Number Number Number)");
    static const char *const cmp[] = {"<", "<=", ">", ">="};
    for (int i = 0; i < 4; i++)
        rc |= def_pure(mt, cmp[i], p_cmp, "(-> Number Number Bool)");
    rc |= def_pure(mt, "==", p_eq, "(-> $t $t Bool)");
    rc |= def_pure(mt, "and", p_logic, "(-> Bool Bool Bool)");
    rc |= def_pure(mt, "or", p_logic, "(-> Bool Bool Bool)");
    rc |= def_pure(mt, "xor", p_logic, "(-> Bool Bool Bool)");
    rc |= def_pure(mt, "not", p_logic, "(-> Bool Bool)");
    for (size_t i = 0; i < sizeof MATH1 / sizeof *MATH1; i++)
        rc |= ml_def(mt, MATH1[i].name, n_math1, "(-> Number Number)");
    rc |= ml_def(mt, "isnan-math", n_math1, "(-> Number Bool)");
    rc |= ml_def(mt, "isinf-math", n_math1, "(-> Number Bool)");
    rc |= ml_def(mt, "pow-math", n_math2, "(-> Number Number Number)");
    rc |= ml_def(mt, "log-math", n_math2, "(-> Number Number Number)");
    rc |= ml_def(mt, "car-atom", n_car, "(-> Expression %Undefined%)");
    rc |= ml_def(mt, "cdr-atom", n_cdr, "(-> Expression Expression)");
    rc |= ml_def(mt, "size-atom", n_size, "(-> Expression Number)");
    rc |= ml_def(mt, "index-atom", n_index, "(-> Expression Number %Undefined%)");
    rc |= ml_def(mt, "min-atom", n_minmax, "(-> Expression Number)");
    rc |= ml_def(mt, "max-atom", n_minmax, "(-> Expression Number)");
    rc |= ml_def(mt, "unique-atom", n_setop, "(-> Expression Expression)");
    rc |= ml_def(mt, "union-atom", n_setop, "(-> Expression Expression Expression)");
    rc |= ml_def(mt, "intersection-atom", n_setop, "(-> Expression Expression Expression)");
    rc |= ml_def(mt, "subtraction-atom", n_setop, "(-> Expression Expression Expression)");
    rc |= ml_def(mt, "map-atom", n_map, "(-> Expression Variable Atom Expression)");
    rc |= ml_def(mt, "filter-atom", n_map, "(-> Expression Variable Atom Expression)");
    rc |= ml_def(mt, "foldl-atom", n_foldl, "(-> Expression Atom Variable Variable Atom %Undefined%)");
    rc |= ml_def(mt, "add-atom", n_add_atom, "(-> SpaceType Atom (->))");
    rc |= ml_def(mt, "remove-atom", n_remove_atom, "(-> SpaceType Atom (->))");
    rc |= ml_def(mt, "get-atoms", n_get_atoms, "(-> SpaceType Atom)");
    rc |= ml_def(mt, "new-space", n_new_space, "(-> SpaceType)");
    rc |= ml_def(mt, "bind!", n_bind, "(-> Symbol %Undefined% (->))");
    rc |= ml_def(mt, "new-state", n_new_state, "(-> $t (StateMonad $t))");
    rc |= ml_def(mt, "get-state", n_get_state, "(-> (StateMonad $t) $t)");
    rc |= ml_def(mt, "change-state!", n_change_state, "(-> (StateMonad $t) $t (StateMonad $t))");
    rc |= ml_def(mt, "get-type", n_get_type, "(-> Atom Atom)");
    rc |= ml_def(mt, "get-metatype", n_get_metatype, "(-> Atom Atom)");
    rc |= ml_def(mt, "println!", n_println, "(-> %Undefined% (->))");
    rc |= ml_def(mt, "trace!", n_trace, "(-> %Undefined% $a $a)");
    rc |= ml_def(mt, "repr", n_repr, "(-> Atom String)");
    rc |= ml_def(mt, "format-args", n_format_args, "(-> String Atom String)");
    rc |= ml_def(mt, "sort-strings", n_sort_strings, "(-> Expression Expression)");
    rc |= ml_def(mt, "pragma!", n_pragma, "(-> Atom Atom (->))");
    /* `=` is no operation, but has the reference's type, which makes
     * ill-typed equations untyped for get-type */
    ma *eq = ma_symz(mt, "=");
    if (eq) {
        ma *t = ml_parse(mt, "(-> $t $t %Undefined%)");
        mt->syms.v[eq->extra].type = t;
        ms_sync(&mt->syms.v[eq->extra]);
        rc |= t ? 0 : RT_ENOMEM;
    }
    return rc ? RT_ENOMEM : 0;
}
