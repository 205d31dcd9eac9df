/*
 * Explicit stacks for walks over atoms, and the generic bottom-up rebuild
 * (mw_map) that substitution, renaming, binding application and token
 * replacement share.
 *
 * mw_map keeps one frame per expression on the path from the root to the
 * atom being visited:
 *
 *   frame: { src, out, i }   src = the expression whose children are mapped
 *                            out = its copy, made at the first changed child
 *                                  (NULL while every child is unchanged)
 *                            i   = next child to visit
 *
 * When a frame's children are done, its result (out, or src itself) is
 * stored into the parent's slot, copying the parent first if the result
 * differs from the parent's original child. Unchanged subtrees are shared,
 * so mapping a large ground atom allocates nothing.
 */
#include "metta/metta_int.h"

#include <stdlib.h>

int mw_grow(mw_stack *s)
{
    size_t nc = s->cap ? s->cap * 2 : 32;
    if (nc > SIZE_MAX / s->esz)
        return RT_ENOMEM;
    char *nv;
    if (s->v == s->inl) {
        nv = rt_malloc(nc * s->esz);
        if (nv && s->n)
            memcpy(nv, s->v, s->n * s->esz);
    } else {
        nv = rt_realloc(s->v, nc * s->esz);
    }
    if (!nv)
        return RT_ENOMEM;
    s->v = nv;
    s->cap = nc;
    return 0;
}

typedef struct mframe {
    ma *src, *out;
    uint32_t i;
} mframe;

/* Put child result r into slot i of frame f (copy-on-change). */
static int store(metta *mt, mframe *f, uint32_t i, ma *r)
{
    if (!f->out) {
        if (r == MA_ITEMS(f->src)[i])
            return 0;
        f->out = ma_expr(mt, f->src->nptr);
        if (!f->out)
            return RT_ENOMEM;
        memcpy(MA_ITEMS(f->out), MA_ITEMS(f->src), (size_t)f->src->nptr * sizeof(ma *));
    }
    MA_ITEMS(f->out)[i] = r;
    return 0;
}

ma *mw_map(metta *mt, ma *a, mw_fn fn, void *ctx)
{
    mframe inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(mframe));
    ma *res = NULL;
    ma *cur = a; /* atom to visit next; NULL = resume the top frame */
    for (;;) {
        ma *r;
        if (cur) {
            int descend = 0;
            r = fn(mt, ctx, cur, &descend);
            if (!r)
                goto out;
            if (descend && r->kind == MA_EXPR && r->nptr > 0) {
                mframe *f = mw_push(&st);
                if (!f) {
                    mt->oom = 1;
                    goto out;
                }
                f->src = r;
                f->out = NULL;
                f->i = 0;
                cur = NULL;
                continue;
            }
        } else {
            mframe *f = mw_top(&st);
            if (f->i < f->src->nptr) {
                cur = MA_ITEMS(f->src)[f->i++];
                continue;
            }
            r = f->out ? f->out : f->src;
            st.n--;
        }
        /* r is the result of a finished atom: hand it to its parent */
        if (st.n == 0) {
            res = r;
            break;
        }
        mframe *p = mw_top(&st);
        if (store(mt, p, p->i - 1, r)) {
            mt->oom = 1;
            goto out;
        }
        cur = NULL;
    }
out:
    mw_free(&st);
    return res;
}
