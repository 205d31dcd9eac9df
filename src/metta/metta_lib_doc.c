/*
 * Documentation: `get-doc` and `help!` over the `@doc` atoms of a space.
 *
 * A program documents an atom with an ordinary atom of the space:
 *
 *   (@doc name (@desc "text"))                                   an atom
 *   (@doc name (@desc "text") (@params ((@param "p1") ...))      a function
 *              (@return "text"))
 *
 * get-doc joins that with the atom's declared types into the formal shape
 * the reference interpreter returns:
 *
 *   (@doc-formal (@item name) (@kind atom) (@type T) (@desc "text"))
 *   (@doc-formal (@item name) (@kind function) (@type (-> A B R)) (@desc "text")
 *                (@params ((@param (@type A) (@desc "p1")) ...))
 *                (@return (@type R) (@desc "text")))
 *
 * A function without a declared type gets %Undefined% for every parameter
 * and the result. Every declared type of the name gives one answer (types
 * are nondeterministic); no documentation gives no answer (Empty). help!
 * prints the same in the reference's words.
 */
#include "metta/metta_int.h"

#include <string.h>

#define ARG(i) (MA_ITEMS(call)[(i)])
#define NARGS (call->nptr - 1)

typedef struct doc_hits {
    ma *pat;
    mo_vec binds;
} doc_hits;

static int on_doc(metta *mt, void *c, ma *inst)
{
    doc_hits *h = c;
    mo *b = NULL;
    if (!mb_unify(mt, h->pat, inst, &b))
        return 0;
    return rt_vec_push(&h->binds, b) ? RT_ENOMEM : 0;
}

/* The bindings of every atom of space sp that unifies with pat. */
static int doc_query(metta *mt, uint32_t sp, ma *pat, doc_hits *h)
{
    h->pat = pat;
    h->binds.n = 0;
    return msp_query(mt, sp, pat, on_doc, h);
}

/* (tag x) and (tag x y) */
static ma *tagged(metta *mt, const char *tag, ma *x)
{
    ma *t = ma_symz(mt, tag);
    return t && x ? ma_expr2(mt, t, x) : NULL;
}

/* (@param (@type T) (@desc d)) or (@return (@type T) (@desc d)) */
static ma *typed_item(metta *mt, const char *tag, ma *type, ma *desc)
{
    ma *t = ma_symz(mt, tag), *ty = tagged(mt, "@type", type), *d = tagged(mt, "@desc", desc);
    return t && ty && d ? ma_expr3(mt, t, ty, d) : NULL;
}

/* The single argument of (tag x), or NULL when a is not of that shape. */
static ma *untag(metta *mt, ma *a, const char *tag)
{
    if (!a || a->kind != MA_EXPR || a->nptr != 2)
        return NULL;
    ma *h = MA_ITEMS(a)[0];
    if (h->kind != MA_SYM || h != ma_symz(mt, tag))
        return NULL;
    return MA_ITEMS(a)[1];
}

/* Formal documentation of function `name` of type `type` (an arrow type, or
 * %Undefined%) from one (@doc name desc (@params ps) ret) match. */
static ma *formal_function(metta *mt, ma *name, ma *type, ma *desc, ma *ps, ma *ret)
{
    if (!ps || ps->kind != MA_EXPR)
        return NULL;
    uint32_t np = ps->nptr;
    int typed = type->kind == MA_EXPR && type->nptr == np + 2 && MA_ITEMS(type)[0] == mt->s.arrow;
    ma *plist = ma_expr(mt, np);
    if (!plist)
        return NULL;
    for (uint32_t i = 0; i < np; i++) {
        ma *d = untag(mt, MA_ITEMS(ps)[i], "@param");
        if (!d)
            return NULL;
        ma *ti = typed ? MA_ITEMS(type)[i + 1] : mt->s.undefined;
        if (!(MA_ITEMS(plist)[i] = typed_item(mt, "@param", ti, d)))
            return NULL;
    }
    ma *rd = untag(mt, ret, "@return");
    if (!rd)
        return NULL;
    ma *rt = typed ? MA_ITEMS(type)[np + 1] : mt->s.undefined;
    ma *r = typed_item(mt, "@return", rt, rd);
    ma *f = ma_expr(mt, 7);
    if (!r || !f)
        return NULL;
    ma **it = MA_ITEMS(f);
    it[0] = ma_symz(mt, "@doc-formal");
    it[1] = tagged(mt, "@item", name);
    it[2] = tagged(mt, "@kind", ma_symz(mt, "function"));
    it[3] = tagged(mt, "@type", type);
    it[4] = desc;
    it[5] = tagged(mt, "@params", plist);
    it[6] = r;
    for (int i = 0; i < 7; i++)
        if (!it[i])
            return NULL;
    return f;
}

/* Every function documentation of name under type: appended to out. */
static int doc_function(metta *mt, uint32_t sp, ma *name, ma *type, doc_hits *h, mo_vec *out)
{
    ma *vd = ma_var_named(mt, "doc-desc", 8), *vp = ma_var_named(mt, "doc-params", 10),
       *vr = ma_var_named(mt, "doc-ret", 7);
    ma *params = vp ? tagged(mt, "@params", vp) : NULL;
    ma *pat = vd && params && vr ? ma_expr(mt, 5) : NULL;
    if (!pat)
        return RT_ENOMEM;
    ma **it = MA_ITEMS(pat);
    it[0] = ma_symz(mt, "@doc");
    it[1] = name;
    it[2] = vd;
    it[3] = params;
    it[4] = vr;
    if (!it[0])
        return RT_ENOMEM;
    int rc = doc_query(mt, sp, pat, h);
    for (size_t i = 0; i < h->binds.n && rc == 0; i++) {
        mo *b = h->binds.v[i];
        ma *f = formal_function(mt, name, type, mb_apply(mt, b, vd), mb_apply(mt, b, vp),
                                mb_apply(mt, b, vr));
        if (f)
            rc = rt_vec_push(out, f) ? RT_ENOMEM : 0;
        else if (mt->oom)
            rc = RT_ENOMEM;
    }
    return rc;
}

/* Atom documentation of a under type, or its function documentation with
 * undefined types when only that exists. */
static int doc_atom(metta *mt, uint32_t sp, ma *a, ma *type, doc_hits *h, mo_vec *out)
{
    ma *vd = ma_var_named(mt, "doc-desc", 8);
    ma *pat = vd ? ma_expr3(mt, ma_symz(mt, "@doc"), a, vd) : NULL;
    if (!pat || !MA_ITEMS(pat)[0])
        return RT_ENOMEM;
    int rc = doc_query(mt, sp, pat, h);
    if (rc == 0 && h->binds.n == 0)
        return doc_function(mt, sp, a, mt->s.undefined, h, out);
    for (size_t i = 0; i < h->binds.n && rc == 0; i++) {
        ma *f = ma_expr(mt, 5);
        if (!f)
            return RT_ENOMEM;
        ma **it = MA_ITEMS(f);
        it[0] = ma_symz(mt, "@doc-formal");
        it[1] = tagged(mt, "@item", a);
        it[2] = tagged(mt, "@kind", ma_symz(mt, "atom"));
        it[3] = tagged(mt, "@type", type);
        it[4] = mb_apply(mt, h->binds.v[i], vd);
        for (int k = 0; k < 5; k++)
            if (!it[k])
                return RT_ENOMEM;
        rc = rt_vec_push(out, f) ? RT_ENOMEM : 0;
    }
    return rc;
}

static int is_arrow(metta *mt, const ma *t)
{
    return t->kind == MA_EXPR && t->nptr > 0 && MA_ITEMS(t)[0] == mt->s.arrow;
}

/* All formal documentation of a in space sp, in type order. */
static int get_doc(metta *mt, uint32_t sp, ma *a, mo_vec *out)
{
    mo_vec ts = {0};
    doc_hits h = {0};
    int rc = mm_types_of(mt, sp, a, &ts);
    for (size_t i = 0; i < ts.n && rc == 0; i++) {
        ma *t = ts.v[i];
        if (a->kind != MA_EXPR && is_arrow(mt, t))
            rc = doc_function(mt, sp, a, t, &h, out);
        else
            rc = doc_atom(mt, sp, a, t, &h, out);
    }
    rt_vec_free(&h.binds);
    rt_vec_free(&ts);
    return rc;
}

static int n_get_doc(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    uint32_t sp = 0;
    ma *a;
    if (NARGS == 1) {
        a = ARG(1);
    } else if (NARGS == 2 && ARG(1)->kind == MA_SPACE) {
        sp = ARG(1)->extra;
        a = ARG(2);
    } else {
        return ml_noreduce(m, cur, call);
    }
    mo_vec out = {0};
    int rc = get_doc(mt, sp, a, &out);
    m->multi = 1; /* several results: keep their order */
    for (size_t i = out.n; rc == 0 && i-- > 0;)
        rc = mm_ret(m, cur, out.v[i], cur->b);
    rt_vec_free(&out);
    if (rc)
        m->err = rc;
    return rc;
}

/* Appends a as format-args shows it (strings without quotes). */
static int put(metta *mt, rt_buf *o, const ma *a)
{
    return a ? ma_print_raw(mt, o, a) : RT_EINVAL;
}

/* The text of one @doc-formal, as the reference's help! prints it. */
static int print_formal(metta *mt, rt_buf *o, ma *f)
{
    ma **it = MA_ITEMS(f);
    ma *item = untag(mt, it[1], "@item"), *kind = untag(mt, it[2], "@kind");
    ma *ty = untag(mt, it[3], "@type"), *desc = untag(mt, it[4], "@desc");
    if (!item || !kind || !ty || !desc)
        return RT_EINVAL;
    int fn = kind == ma_symz(mt, "function");
    int rc = rt_buf_append(o, fn ? "Function " : "Atom ", fn ? 9 : 5);
    if (rc == 0)
        rc = put(mt, o, item);
    if (rc == 0)
        rc = rt_buf_append(o, ": ", 2);
    if (rc == 0)
        rc = put(mt, o, ty);
    if (rc == 0)
        rc = rt_buf_putc(o, ' ');
    if (rc == 0)
        rc = put(mt, o, desc);
    if (rc == 0)
        rc = rt_buf_putc(o, '\n');
    if (rc || !fn || f->nptr != 7)
        return rc;
    ma *ps = untag(mt, it[5], "@params");
    if (!ps || ps->kind != MA_EXPR)
        return RT_EINVAL;
    rc = rt_buf_append(o, "Parameters:\n", 12);
    for (uint32_t i = 0; i <= ps->nptr && rc == 0; i++) {
        ma *p = i < ps->nptr ? MA_ITEMS(ps)[i] : it[6];
        if (p->kind != MA_EXPR || p->nptr != 3)
            return RT_EINVAL;
        ma *pt = untag(mt, MA_ITEMS(p)[1], "@type"), *pd = untag(mt, MA_ITEMS(p)[2], "@desc");
        if (!pt || !pd)
            return RT_EINVAL;
        rc = i < ps->nptr ? rt_buf_append(o, "  (type ", 8) : rt_buf_append(o, "Return: (type ", 14);
        if (rc == 0)
            rc = put(mt, o, pt);
        if (rc == 0)
            rc = rt_buf_append(o, ") ", 2);
        if (rc == 0)
            rc = put(mt, o, pd);
        if (rc == 0)
            rc = rt_buf_putc(o, '\n');
    }
    return rc;
}

static int n_help(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    mo_vec out = {0};
    rt_buf o = {0};
    int rc = get_doc(mt, 0, ARG(1), &out);
    if (rc == 0 && out.n == 0) {
        rc = rt_buf_append(&o, "No documentation found for ", 27);
        if (rc == 0)
            rc = put(mt, &o, ARG(1));
        if (rc == 0)
            rc = rt_buf_putc(&o, '\n');
    }
    for (size_t i = 0; i < out.n && rc == 0; i++)
        rc = print_formal(mt, &o, out.v[i]);
    if (rc == 0)
        fwrite(o.v, 1, o.n, mt->out);
    rt_vec_free(&o);
    rt_vec_free(&out);
    if (rc == RT_EINVAL)
        return ml_error(m, cur, call, "Cannot match @doc-formal structure");
    return rc ? (m->err = rc) : mm_ret(m, cur, mt->t_unit, cur->b);
}

int ml_install_doc(metta *mt)
{
    /* Atom: the argument is the name itself, never its value. */
    int rc = ml_def(mt, "get-doc", n_get_doc, "(-> Atom %Undefined%)");
    rc |= ml_def(mt, "help!", n_help, "(-> Atom (->))");
    return rc ? RT_ENOMEM : RT_OK;
}
