/*
 * Two-sided unification over expression bytes, without decoding into trees.
 *
 * Bindings live in one table per namespace, indexed by De Bruijn level;
 * a binding is a term reference into some buffer (no copying). Every binding
 * is pushed on a trail so a search can undo back to a mark:
 *
 *   ns 0 (pattern):  [ $0 -> term | $1 unbound | $2 -> term ]
 *   ns 1 (atom 1):   [ $0 -> term ]
 *   trail:           (0,0) (1,0) (0,2)          <- mark
 *
 * The two sides are walked in lockstep as streams of nodes (mk_frame): an
 * expression adds its arity to the owed count of its frame, a bound variable
 * pushes a frame for its value. Nothing recurses, so depth is unbounded.
 * The occurs check keeps every binding acyclic, so dereferencing ends.
 */
#include "mork_int.h"

#include <string.h>

size_t mk_skip(const uint8_t *b, size_t off, uint32_t *nv)
{
    uint64_t owe = 1;
    while (owe) {
        mork_node nd;
        mk_dec(b + off, 0, &nd);
        off += nd.hdr;
        owe--;
        if (nd.kind == MORK_EXPR)
            owe += nd.n;
        else if (nd.kind == MORK_NEWVAR)
            (*nv)++;
    }
    return off;
}

void mk_unifier_init(mk_unifier *u)
{
    memset(u, 0, sizeof *u);
    rt_hmap_init(&u->vidx);
}

void mk_unifier_free(mk_unifier *u)
{
    for (size_t i = 0; i < u->nns; i++) {
        rt_free(u->ns[i].val);
        rt_free(u->ns[i].bound);
        rt_free(u->ns[i].seen);
    }
    rt_free(u->ns);
    rt_vec_free(&u->trail);
    rt_vec_free(&u->sa);
    rt_vec_free(&u->sb);
    rt_vec_free(&u->so);
    rt_vec_free(&u->vmap);
    rt_hmap_free(&u->vidx);
    memset(u, 0, sizeof *u);
}

int mk_ns_reserve(mk_unifier *u, uint32_t ns, size_t nvars)
{
    if (ns >= u->nns) {
        mk_ns *a = rt_realloc(u->ns, ((size_t)ns + 1) * sizeof *a);
        if (!a)
            return RT_ENOMEM;
        memset(a + u->nns, 0, ((size_t)ns + 1 - u->nns) * sizeof *a);
        u->ns = a;
        u->nns = (size_t)ns + 1;
    }
    mk_ns *s = &u->ns[ns];
    if (nvars <= s->cap)
        return RT_OK;
    size_t cap = s->cap * 2 > nvars ? s->cap * 2 : nvars;
    mk_term *v = rt_realloc(s->val, cap * sizeof *v);
    if (!v)
        return RT_ENOMEM;
    s->val = v;
    uint8_t *bd = rt_realloc(s->bound, cap);
    if (!bd)
        return RT_ENOMEM;
    memset(bd + s->cap, 0, cap - s->cap);
    s->bound = bd;
    uint32_t *sn = rt_realloc(s->seen, cap * sizeof *sn);
    if (!sn)
        return RT_ENOMEM;
    memset(sn + s->cap, 0, (cap - s->cap) * sizeof *sn);
    s->seen = sn;
    s->cap = cap;
    return RT_OK;
}

/* If the node at t is a variable: 1 and its index. */
static inline int var_at(const mk_term *t, uint32_t *idx)
{
    uint8_t c = t->b[t->off];
    if (c == MORK_TAG_NEWVAR) {
        *idx = t->base;
        return 1;
    }
    if (c >= MORK_TAG_VARREF && c < MORK_TAG_NEWVAR) {
        *idx = c - MORK_TAG_VARREF;
        return 1;
    }
    if (c == MORK_TAG_VARREF_X) {
        *idx = mk_rd32(t->b + t->off + 1);
        return 1;
    }
    return 0;
}

int mk_deref(const mk_unifier *u, mk_term *t, uint32_t *ns, uint32_t *idx)
{
    uint32_t i;
    while (var_at(t, &i)) {
        const mk_ns *s = &u->ns[t->ns];
        if (!s->bound[i]) {
            *ns = t->ns;
            *idx = i;
            return 1;
        }
        *t = s->val[i];
    }
    return 0;
}

void mk_undo(mk_unifier *u, size_t mark)
{
    while (u->trail.n > mark) {
        uint64_t e = u->trail.v[--u->trail.n];
        u->ns[e >> 32].bound[(uint32_t)e] = 0;
    }
}

static int bind(mk_unifier *u, uint32_t ns, uint32_t idx, mk_term val)
{
    int rc = rt_vec_push(&u->trail, (uint64_t)ns << 32 | idx);
    if (rc)
        return rc;
    u->ns[ns].bound[idx] = 1;
    u->ns[ns].val[idx] = val;
    return RT_OK;
}

/* The position of the next node of a stream, popping finished frames;
 * 0 when the stream is exhausted. */
static inline int peek(mk_stream *s, mk_term *t)
{
    while (s->n && s->v[s->n - 1].owe == 0)
        s->n--;
    if (!s->n)
        return 0;
    mk_frame *f = &s->v[s->n - 1];
    t->b = f->b;
    t->off = f->off;
    t->base = f->base;
    t->ns = f->ns;
    return 1;
}

/* Consume the header of the current node (children become owed). */
static inline void step_node(mk_stream *s, const mork_node *nd)
{
    mk_frame *f = &s->v[s->n - 1];
    f->off += nd->hdr;
    f->owe--;
    if (nd->kind == MORK_EXPR)
        f->owe += nd->n;
    else if (nd->kind == MORK_NEWVAR)
        f->base++;
}

/* Consume the whole current term. */
static inline void step_term(mk_stream *s)
{
    mk_frame *f = &s->v[s->n - 1];
    f->off = mk_skip(f->b, f->off, &f->base);
    f->owe--;
}

static inline int push_term(mk_stream *s, mk_term t)
{
    mk_frame f = {t.b, t.off, 1, t.base, t.ns};
    return rt_vec_push(s, f);
}

/*
 * Does variable (ns, idx) occur in t (through bindings)? Each bound
 * variable's value is walked once per call (stamped), so values that share
 * structure -- x2 = (f x1 x1), x3 = (f x2 x2), ... -- cost their size in
 * bindings, not their exponential size as trees.
 */
static int occurs(mk_unifier *u, uint32_t ns, uint32_t idx, mk_term t, int *found)
{
    mk_stream *s = &u->so;
    s->n = 0;
    *found = 0;
    if (++u->stamp == 0) { /* wrapped: forget every old visit */
        for (size_t k = 0; k < u->nns; k++)
            if (u->ns[k].seen)
                memset(u->ns[k].seen, 0, u->ns[k].cap * sizeof *u->ns[k].seen);
        u->stamp = 1;
    }
    int rc = push_term(s, t);
    if (rc)
        return rc;
    mk_term c;
    while (peek(s, &c)) {
        uint32_t i;
        if (var_at(&c, &i)) {
            mork_node nd;
            mk_dec(c.b + c.off, c.base, &nd);
            step_node(s, &nd);
            mk_ns *vs = &u->ns[c.ns];
            if (vs->bound[i]) {
                if (vs->seen[i] != u->stamp) {
                    vs->seen[i] = u->stamp;
                    if ((rc = push_term(s, vs->val[i])))
                        return rc;
                }
            } else if (c.ns == ns && i == idx) {
                *found = 1;
                return RT_OK;
            }
            continue;
        }
        mork_node nd;
        mk_dec(c.b + c.off, c.base, &nd);
        step_node(s, &nd);
    }
    return RT_OK;
}

/* Bind unbound variable (ns, idx) to the term at the head of stream s,
 * consuming that term. */
static int bind_to_head(mk_unifier *u, uint32_t ns, uint32_t idx, mk_stream *s, mk_term head,
                        int *ok)
{
    uint32_t ons, oidx;
    mk_term t = head;
    if (mk_deref(u, &t, &ons, &oidx)) {
        if (ons == ns && oidx == idx) { /* the same variable */
            step_term(s);
            return RT_OK;
        }
    } else {
        int found;
        int rc = occurs(u, ns, idx, head, &found);
        if (rc)
            return rc;
        if (found) {
            *ok = 0;
            return RT_OK;
        }
    }
    step_term(s);
    return bind(u, ns, idx, head);
}

int mk_unify(mk_unifier *u, mk_term a, mk_term b, int *ok)
{
    mk_stream *sa = &u->sa, *sb = &u->sb;
    sa->n = sb->n = 0;
    int rc;
    *ok = 1;
    if ((rc = push_term(sa, a)) || (rc = push_term(sb, b)))
        return rc;
    for (;;) {
        mk_term x, y;
        int hx = peek(sa, &x), hy = peek(sb, &y);
        if (!hx || !hy) {
            *ok = hx == hy;
            return RT_OK;
        }
        uint32_t ix = 0, iy = 0;
        int vx = var_at(&x, &ix), vy = var_at(&y, &iy);
        /* A bound variable is replaced by its value: consume the variable
         * node and continue with a frame for the value. */
        if (vx && u->ns[x.ns].bound[ix]) {
            mork_node nd;
            mk_dec(x.b + x.off, x.base, &nd);
            step_node(sa, &nd);
            if ((rc = push_term(sa, u->ns[x.ns].val[ix])))
                return rc;
            continue;
        }
        if (vy && u->ns[y.ns].bound[iy]) {
            mork_node nd;
            mk_dec(y.b + y.off, y.base, &nd);
            step_node(sb, &nd);
            if ((rc = push_term(sb, u->ns[y.ns].val[iy])))
                return rc;
            continue;
        }
        if (vx) {
            if (vy && x.ns == y.ns && ix == iy) {
                step_term(sa);
                step_term(sb);
                continue;
            }
            step_term(sa);
            if ((rc = bind_to_head(u, x.ns, ix, sb, y, ok)) || !*ok)
                return rc;
            continue;
        }
        if (vy) {
            step_term(sb);
            if ((rc = bind_to_head(u, y.ns, iy, sa, x, ok)) || !*ok)
                return rc;
            continue;
        }
        /* Neither is a variable. The encoding is canonical, so the nodes
         * are equal exactly when their header bytes are. */
        const uint8_t *px = x.b + x.off, *py = y.b + y.off;
        if (*px != *py) {
            *ok = 0;
            return RT_OK;
        }
        mork_node nx;
        mk_dec(px, x.base, &nx);
        if (nx.hdr > 1) {
            size_t fixed = *px == MORK_TAG_SYMBOL_X || *px == MORK_TAG_ARITY_X ? 5 : nx.hdr;
            if (memcmp(px + 1, py + 1, fixed - 1) != 0 ||
                (fixed < nx.hdr && memcmp(px + fixed, py + fixed, nx.hdr - fixed) != 0)) {
                *ok = 0;
                return RT_OK;
            }
        }
        step_node(sa, &nx);
        step_node(sb, &nx);
    }
}

/* Output index of unbound variable key, or assign the next one. */
static int out_var(mk_unifier *u, uint64_t key, uint32_t *k, int *fresh)
{
    enum { LINEAR = 16 };
    if (u->vmap.n <= LINEAR) {
        for (size_t i = 0; i < u->vmap.n; i++)
            if (u->vmap.v[i] == key) {
                *k = (uint32_t)i;
                *fresh = 0;
                return RT_OK;
            }
    } else {
        uint64_t v;
        int found;
        rt_hmap_get(&u->vidx, key, &v, &found);
        if (found) {
            *k = (uint32_t)v;
            *fresh = 0;
            return RT_OK;
        }
    }
    int rc = rt_vec_push(&u->vmap, key);
    if (rc)
        return rc;
    *k = (uint32_t)(u->vmap.n - 1);
    *fresh = 1;
    if (u->vmap.n == LINEAR + 1) { /* switch to the index: enter all */
        rt_hmap_clear(&u->vidx);
        for (size_t i = 0; i < u->vmap.n; i++)
            if ((rc = rt_hmap_put(&u->vidx, u->vmap.v[i], i)))
                return rc;
    } else if (u->vmap.n > LINEAR + 1) {
        rc = rt_hmap_put(&u->vidx, key, *k);
    }
    return rc;
}

static int emit_stream(mk_unifier *u, rt_buf *out)
{
    mk_stream *s = &u->so;
    mk_term c;
    int rc;
    while (peek(s, &c)) {
        mork_node nd;
        mk_dec(c.b + c.off, c.base, &nd);
        if (nd.kind == MORK_NEWVAR || nd.kind == MORK_VARREF) {
            step_node(s, &nd);
            const mk_ns *vs = &u->ns[c.ns];
            if (vs->bound[nd.n]) {
                if ((rc = push_term(s, vs->val[nd.n])))
                    return rc;
                continue;
            }
            uint32_t k;
            int fresh;
            if ((rc = out_var(u, (uint64_t)c.ns << 32 | nd.n, &k, &fresh)))
                return rc;
            rc = fresh ? mork_enc_newvar(out) : mork_enc_varref(out, k);
        } else {
            rc = rt_buf_append(out, c.b + c.off, nd.hdr);
            step_node(s, &nd);
        }
        if (rc)
            return rc;
    }
    return RT_OK;
}

int mk_instantiate(mk_unifier *u, mk_term t, rt_buf *out)
{
    u->so.n = 0;
    u->vmap.n = 0;
    size_t entry = out->n;
    int rc = push_term(&u->so, t);
    if (!rc)
        rc = emit_stream(u, out);
    if (rc)
        out->n = entry;
    return rc;
}

int mk_instantiate_var(mk_unifier *u, uint32_t ns, uint32_t idx, rt_buf *out)
{
    if (u->ns[ns].bound[idx])
        return mk_instantiate(u, u->ns[ns].val[idx], out);
    return mork_enc_newvar(out);
}
