/*
 * Growable vectors and byte buffers.
 *
 * Every RT_VEC(T) shares one layout, which is all this file relies on:
 *
 *   struct { T *v; size_t n; size_t cap; }
 *            |
 *            v
 *            [ e0 | e1 | ... | e(n-1) | unused ... ]   cap elements
 *
 * so a single untyped grow function serves every element type.
 */
#include "kindred/rt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    void *v;
    size_t n, cap;
} any_vec;

int rt_vec_reserve_(void *vec, size_t elem, size_t need)
{
    any_vec *a = vec;
    if (need <= a->cap)
        return RT_OK;
    size_t cap = a->cap + a->cap / 2;
    if (cap < a->cap) /* overflow of the x1.5 step */
        cap = need;
    if (cap < 8)
        cap = 8;
    if (cap < need)
        cap = need;
    size_t bytes;
    if (elem == 0 || rt_size_mul(cap, elem, &bytes) != 0) {
        if (elem == 0)
            return RT_EINVAL;
        /* Fall back to the exact request before giving up. */
        cap = need;
        if (rt_size_mul(cap, elem, &bytes) != 0)
            return RT_ERANGE;
    }
    void *p = rt_realloc(a->v, bytes);
    if (!p)
        return RT_ENOMEM;
    a->v = p;
    a->cap = cap;
    return RT_OK;
}

void rt_vec_free_(void *vec)
{
    any_vec *a = vec;
    rt_free(a->v);
    a->v = NULL;
    a->n = 0;
    a->cap = 0;
}

int rt_buf_append(rt_buf *b, const void *p, size_t n)
{
    size_t need;
    if (rt_size_add(b->n, n, &need) != 0)
        return RT_ERANGE;
    int rc = rt_vec_reserve(b, need);
    if (rc != 0)
        return rc;
    if (n)
        memcpy(b->v + b->n, p, n);
    b->n = need;
    return RT_OK;
}

int rt_buf_putc(rt_buf *b, uint8_t c)
{
    return rt_vec_push(b, c);
}

int rt_buf_printf(rt_buf *b, const char *fmt, ...)
{
    va_list ap;
    /* First try the room that is already there; most lines fit. */
    size_t room = b->cap - b->n;
    va_start(ap, fmt);
    int m = vsnprintf(room ? (char *)b->v + b->n : NULL, room, fmt, ap);
    va_end(ap);
    if (m < 0)
        return RT_EINVAL;
    size_t len = (size_t)m;
    if (len >= room) {
        /* +1: vsnprintf always writes its terminating NUL. */
        size_t need;
        if (rt_size_add(b->n, len + 1, &need) != 0)
            return RT_ERANGE;
        int rc = rt_vec_reserve(b, need);
        if (rc != 0)
            return rc;
        va_start(ap, fmt);
        m = vsnprintf((char *)b->v + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (m < 0 || (size_t)m != len)
            return RT_EINVAL;
    }
    b->n += len;
    return RT_OK;
}
