/*
 * Atom spaces: MeTTa atoms stored as mork expressions in a trie.
 *
 * Grounded values have no byte form of their own in mork, so each is
 * stored as a symbol holding its canonical text, chosen so that the text a
 * reader would produce for the same literal is the same bytes (facts loaded
 * in bulk by mork's own parser then agree with atoms added one by one):
 *
 *   atom            stored symbol bytes          decoded back as
 *   Int 42          "42"                         Int (number syntax)
 *   Float 0.5       "0.5" (shortest round trip)  Float
 *   String "a\"b"   "\"a\\\"b\"" (quoted)        String (leading quote)
 *   True / False    "True" / "False"             Bool
 *   space #3        01 'S' "3"                   Space handle 3
 *   state #7        01 'T' "7"                   State handle 7
 *   variables       mork NewVar / VarRef         fresh variables
 *
 * Handles start with byte 01, which the reader can never put in a symbol
 * (it is not produced by any token: symbols are printable text), so they
 * cannot collide with user symbols; they name entries of the interpreter's
 * space and state tables and are only meaningful inside that interpreter.
 *
 * Queries go straight to mork: the pattern's constant bytes steer the trie
 * descent, so `(= (fib $n) $r)` visits only rules whose key starts with
 * `=` and `(fib`, and `(: foo $t)` only foo's declarations.
 */
#include "metta/metta_int.h"

#include <stdio.h>
#include <stdlib.h>

int msp_new(metta *mt, uint32_t *idx)
{
    mspace s = {0};
    int rc = mork_space_new(&s.ms);
    if (rc)
        return rc;
    if (rt_vec_push(&mt->spaces, s)) {
        mork_space_free(s.ms);
        return RT_ENOMEM;
    }
    *idx = (uint32_t)(mt->spaces.n - 1);
    return 0;
}

typedef RT_VEC(uint32_t) u32vec;

/* A query pattern leaves states open: the reference compares states by
 * their current values, which the trie does not hold, so a state in a
 * pattern descends as a fresh variable (one nothing refers back to) and
 * the caller's unification compares the values. */
#define STATE_VAR UINT32_MAX

static int enc_node(metta *mt, const ma *a, rt_buf *out, u32vec *vars, int pattern)
{
    char tmp[64];
    int rc;
    switch (a->kind) {
    case MA_SYM:
        return mork_enc_symbol(out, MA_NAME(a), strlen(MA_NAME(a)));
    case MA_VAR:
        for (size_t i = 0; i < vars->n; i++)
            if (vars->v[i] == a->extra)
                return mork_enc_varref(out, i);
        if (rt_vec_push(vars, a->extra))
            return RT_ENOMEM;
        return mork_enc_newvar(out);
    case MA_EXPR: /* the children follow: msp_encode walks them */
        return mork_enc_arity(out, a->nptr);
    case MA_INT: {
        /* decimal digits, written backwards: hot in queries over numbers */
        int64_t v = MA_INTV(a);
        uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        char *e = tmp + sizeof tmp, *p = e;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0)
            *--p = '-';
        return mork_enc_symbol(out, p, (size_t)(e - p));
    }
    case MA_FLT:
        ma_fmt_float(MA_FLTV(a), tmp, sizeof tmp);
        return mork_enc_symbol(out, tmp, strlen(tmp));
    case MA_STR: {
        rt_buf t = {0};
        rc = ma_print(mt, &t, a);
        if (rc == 0)
            rc = mork_enc_symbol(out, t.v, t.n);
        rt_vec_free(&t);
        return rc;
    }
    case MA_BOOL:
        return mork_enc_symbol(out, a->extra ? "True" : "False", a->extra ? 4 : 5);
    case MA_SPACE:
        snprintf(tmp, sizeof tmp, "\001S%u", a->extra);
        return mork_enc_symbol(out, tmp, strlen(tmp));
    case MA_STATE:
        if (pattern)
            return rt_vec_push(vars, STATE_VAR) ? RT_ENOMEM : mork_enc_newvar(out);
        snprintf(tmp, sizeof tmp, "\001T%u", a->extra);
        return mork_enc_symbol(out, tmp, strlen(tmp));
    default:
        return mork_enc_symbol(out, "\001B", 2);
    }
}

/* Prefix order, as the bytes are laid out: a node's header, then its
 * children. The stack holds the atoms still to encode, last child first. */
static int encode(metta *mt, const ma *a, rt_buf *out, int pattern)
{
    u32vec vars = {0};
    const ma *inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(ma *));
    int rc;
    for (;;) {
        rc = enc_node(mt, a, out, &vars, pattern);
        if (rc)
            break;
        if (a->kind == MA_EXPR) {
            for (uint32_t i = a->nptr; i-- > 0 && rc == 0;) {
                const ma **slot = mw_push(&st);
                if (!slot)
                    rc = RT_ENOMEM;
                else
                    *slot = MA_ITEMS(a)[i];
            }
            if (rc)
                break;
        }
        if (st.n == 0)
            break;
        a = *(const ma **)mw_at(&st, --st.n);
    }
    mw_free(&st);
    rt_vec_free(&vars);
    return rc;
}

int msp_encode(metta *mt, const ma *a, rt_buf *out)
{
    return encode(mt, a, out, 0);
}

static ma *sym_atom(metta *mt, const uint8_t *s, size_t n)
{
    if (n > 0 && n < 19 && s[0] >= '0' && s[0] <= '9') {
        int64_t v = 0;
        size_t i = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            v = v * 10 + (s[i++] - '0');
        if (i == n)
            return ma_int(mt, v);
    }
    if (n >= 2 && s[0] == 1) {
        unsigned long v = strtoul((const char *)s + 2, NULL, 10);
        if (s[1] == 'S')
            return ma_space(mt, (uint32_t)v);
        if (s[1] == 'T')
            return ma_state(mt, (uint32_t)v);
    }
    return mr_token(mt, (const char *)s, n);
}

typedef RT_VEC(ma *) avec;

/* Decode one node; an expression comes back empty with *arity set, to be
 * filled by the caller's walk. */
static ma *dec_node(metta *mt, const uint8_t *e, size_t n, size_t *pos, uint32_t *nv, avec *vars,
                    uint32_t *arity)
{
    mork_node nd;
    *arity = 0;
    if (*pos >= n || mork_node_decode(e + *pos, n - *pos, *nv, &nd) != 0)
        return NULL;
    *pos += nd.hdr;
    switch (nd.kind) {
    case MORK_SYMBOL:
        return sym_atom(mt, nd.sym, nd.n);
    case MORK_NEWVAR: {
        ma *v = ma_var_new(mt, 0);
        if (!v || rt_vec_push(vars, v))
            return NULL;
        (*nv)++;
        return v;
    }
    case MORK_VARREF:
        return nd.n < vars->n ? vars->v[nd.n] : NULL;
    case MORK_EXPR:
        *arity = (uint32_t)nd.n;
        return ma_expr(mt, (uint32_t)nd.n);
    }
    return NULL;
}

/* The bytes are in prefix order: a stack of the expressions being filled
 * and the next child slot of each. */
typedef struct dframe {
    ma *x;
    uint32_t i;
} dframe;

ma *msp_decode(metta *mt, const uint8_t *e, size_t n)
{
    avec vars = {0};
    size_t pos = 0;
    uint32_t nv = 0;
    dframe inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(dframe));
    ma *root = NULL;
    for (;;) {
        uint32_t arity;
        ma *a = dec_node(mt, e, n, &pos, &nv, &vars, &arity);
        if (!a) {
            root = NULL;
            break;
        }
        if (st.n == 0) {
            root = a;
        } else {
            dframe *f = mw_top(&st);
            MA_ITEMS(f->x)[f->i++] = a;
        }
        if (arity) {
            dframe *f = mw_push(&st);
            if (!f) {
                mt->oom = 1;
                root = NULL;
                break;
            }
            f->x = a;
            f->i = 0;
        }
        while (st.n && ((dframe *)mw_top(&st))->i == ((dframe *)mw_top(&st))->x->nptr)
            st.n--;
        if (st.n == 0)
            break;
    }
    mw_free(&st);
    rt_vec_free(&vars);
    return root;
}

int msp_add(metta *mt, uint32_t sp, ma *a)
{
    if (sp >= mt->spaces.n)
        return RT_EINVAL;
    mt->scratch.n = 0;
    int rc = msp_encode(mt, a, &mt->scratch);
    if (rc == 0)
        rc = mork_space_add(mt->spaces.v[sp].ms, mt->scratch.v, mt->scratch.n, NULL);
    mt->spaces.v[sp].gen++;
    if (a->kind == MA_EXPR && a->nptr == 3 && MA_ITEMS(a)[0] == mt->s.colon &&
        MA_ITEMS(a)[1]->kind == MA_EXPR)
        mt->spaces.v[sp].expr_types = 1;
    if (a->kind == MA_EXPR && a->nptr == 3 && MA_ITEMS(a)[0] == mt->s.eq) {
        ma *l = MA_ITEMS(a)[1];
        if (l->kind != MA_EXPR || l->nptr == 0 || MA_ITEMS(l)[0]->kind != MA_SYM)
            mt->spaces.v[sp].odd_rules = 1;
    }
    return rc;
}

int msp_remove(metta *mt, uint32_t sp, ma *a, int *removed)
{
    if (sp >= mt->spaces.n)
        return RT_EINVAL;
    mt->scratch.n = 0;
    int rc = msp_encode(mt, a, &mt->scratch);
    if (rc == 0)
        rc = mork_space_remove(mt->spaces.v[sp].ms, mt->scratch.v, mt->scratch.n, removed);
    mt->spaces.v[sp].gen++;
    return rc;
}

typedef struct qctx {
    metta *mt;
    msp_fn fn;
    void *ctx;
    rt_buf buf;
} qctx;

static int on_solution(void *c, const mork_solution *sol)
{
    qctx *q = c;
    q->buf.n = 0;
    int rc = mork_solution_pattern(sol, &q->buf);
    if (rc)
        return rc;
    ma *inst = msp_decode(q->mt, q->buf.v, q->buf.n);
    if (!inst)
        return RT_ENOMEM;
    return q->fn(q->mt, q->ctx, inst);
}

int msp_query(metta *mt, uint32_t sp, ma *pat, msp_fn fn, void *ctx)
{
    if (sp >= mt->spaces.n)
        return RT_EINVAL;
    rt_buf pb = {0};
    int rc = encode(mt, pat, &pb, 1);
    qctx q = {mt, fn, ctx, {0}};
    if (rc == 0)
        rc = mork_query(mt->spaces.v[sp].ms, pb.v, pb.n, on_solution, &q);
    rt_vec_free(&pb);
    rt_vec_free(&q.buf);
    return rc;
}

static int on_expr(void *c, const uint8_t *e, size_t n)
{
    qctx *q = c;
    ma *a = msp_decode(q->mt, e, n);
    if (!a)
        return RT_ENOMEM;
    return q->fn(q->mt, q->ctx, a);
}

int msp_all(metta *mt, uint32_t sp, msp_fn fn, void *ctx)
{
    if (sp >= mt->spaces.n)
        return RT_EINVAL;
    qctx q = {mt, fn, ctx, {0}};
    return mork_space_foreach(mt->spaces.v[sp].ms, on_expr, &q);
}

typedef struct typectx {
    const ma *a;
    int check; /* a holds a state: the trie matched it as a variable */
    mo_vec *out;
} typectx;

/* Whether a may hold a state; past a small depth it answers yes, which
 * only costs a unification per answer (and keeps the C stack small). */
static int has_state(const ma *a, int depth)
{
    if (a->kind == MA_STATE || depth > 32)
        return 1;
    if (a->kind != MA_EXPR)
        return 0;
    for (uint32_t i = 0; i < a->nptr; i++)
        if (has_state(MA_ITEMS(a)[i], depth + 1))
            return 1;
    return 0;
}

static int collect_type(metta *mt, void *ctx, ma *inst)
{
    typectx *t = ctx;
    if (inst->kind != MA_EXPR || inst->nptr != 3)
        return 0;
    mo *b = NULL;
    if (t->check && !mb_unify(mt, (ma *)t->a, MA_ITEMS(inst)[1], &b))
        return 0;
    return rt_vec_push(t->out, MA_ITEMS(inst)[2]);
}

int msp_types(metta *mt, uint32_t sp, ma *a, mo_vec *out)
{
    ma *v = ma_var_new(mt, 0);
    ma *pat = v ? ma_expr3(mt, mt->s.colon, a, v) : NULL;
    if (!pat)
        return RT_ENOMEM;
    typectx t = {a, has_state(a, 0), out};
    return msp_query(mt, sp, pat, collect_type, &t);
}

size_t metta_space_size(const metta *mt)
{
    return mt->spaces.n ? mork_space_count(mt->spaces.v[0].ms) : 0;
}
