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

static int enc(metta *mt, const ma *a, rt_buf *out, u32vec *vars)
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
    case MA_EXPR:
        rc = mork_enc_arity(out, a->nptr);
        for (uint32_t i = 0; i < a->nptr && rc == 0; i++)
            rc = enc(mt, MA_ITEMS(a)[i], out, vars);
        return rc;
    case MA_INT:
        snprintf(tmp, sizeof tmp, "%lld", (long long)MA_INTV(a));
        return mork_enc_symbol(out, tmp, strlen(tmp));
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
        snprintf(tmp, sizeof tmp, "\001T%u", a->extra);
        return mork_enc_symbol(out, tmp, strlen(tmp));
    default:
        return mork_enc_symbol(out, "\001B", 2);
    }
}

int msp_encode(metta *mt, const ma *a, rt_buf *out)
{
    u32vec vars = {0};
    int rc = enc(mt, a, out, &vars);
    rt_vec_free(&vars);
    return rc;
}

static ma *sym_atom(metta *mt, const uint8_t *s, size_t n)
{
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

static ma *dec(metta *mt, const uint8_t *e, size_t n, size_t *pos, uint32_t *nv, avec *vars,
               unsigned depth)
{
    mork_node nd;
    if (depth > 200000 || mork_node_decode(e + *pos, n - *pos, *nv, &nd) != 0)
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
    case MORK_EXPR: {
        ma *x = ma_expr(mt, nd.n);
        if (!x)
            return NULL;
        for (uint32_t i = 0; i < nd.n; i++) {
            ma *c = dec(mt, e, n, pos, nv, vars, depth + 1);
            if (!c)
                return NULL;
            MA_ITEMS(x)[i] = c;
        }
        return x;
    }
    }
    return NULL;
}

ma *msp_decode(metta *mt, const uint8_t *e, size_t n)
{
    avec vars = {0};
    size_t pos = 0;
    uint32_t nv = 0;
    ma *a = dec(mt, e, n, &pos, &nv, &vars, 0);
    rt_vec_free(&vars);
    return a;
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
    int rc = msp_encode(mt, pat, &pb);
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

static int collect_type(metta *mt, void *ctx, ma *inst)
{
    (void)mt;
    mo_vec *out = ctx;
    if (inst->kind != MA_EXPR || inst->nptr != 3)
        return 0;
    return rt_vec_push(out, MA_ITEMS(inst)[2]);
}

int msp_types(metta *mt, uint32_t sp, ma *a, mo_vec *out)
{
    ma *v = ma_var_new(mt, 0);
    ma *pat = v ? ma_expr3(mt, mt->s.colon, a, v) : NULL;
    if (!pat)
        return RT_ENOMEM;
    return msp_query(mt, sp, pat, collect_type, out);
}

size_t metta_space_size(const metta *mt)
{
    return mt->spaces.n ? mork_space_count(mt->spaces.v[0].ms) : 0;
}
