/*
 * Expression bytes: decoding one node, validating a whole expression,
 * building nodes, printing. The grammar (drawn in kindred/mork.h):
 *
 *   expr   := ARITY(n) expr{n}           00..3F, or 40 u32be(n >= 64)
 *           | SYMBOL(s) byte{s}          C1..FF, or 41 u32be(s >= 64)
 *           | NEWVAR                     C0
 *           | VARREF(i)                  80..BF, or 42 u32be(i >= 64)
 *
 * Everything here walks with a counter of "expressions still owed" instead of
 * recursion, so no input depth can exhaust the stack.
 */
#include "mork_int.h"

#include <string.h>

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int mork_node_decode(const uint8_t *b, size_t len, uint32_t nvars, mork_node *out)
{
    if (len == 0)
        return RT_EFORMAT;
    uint8_t t = b[0];
    out->sym = NULL;
    if (t <= MORK_ARITY_MAX) {
        out->kind = MORK_EXPR;
        out->n = t;
        out->hdr = 1;
        return RT_OK;
    }
    if (t == MORK_TAG_NEWVAR) {
        out->kind = MORK_NEWVAR;
        out->n = nvars;
        out->hdr = 1;
        return nvars == UINT32_MAX ? RT_EFORMAT : RT_OK;
    }
    if (t > MORK_TAG_NEWVAR) {
        size_t s = t - MORK_TAG_SYMBOL;
        if (len - 1 < s)
            return RT_EFORMAT;
        out->kind = MORK_SYMBOL;
        out->n = (uint32_t)s;
        out->sym = b + 1;
        out->hdr = 1 + s;
        return RT_OK;
    }
    if (t >= MORK_TAG_VARREF) {
        out->kind = MORK_VARREF;
        out->n = t - MORK_TAG_VARREF;
        out->hdr = 1;
        return out->n < nvars ? RT_OK : RT_EFORMAT;
    }
    if (t > MORK_TAG_VARREF_X || len < 5)
        return RT_EFORMAT;
    uint32_t v = rd32(b + 1);
    if (v <= MORK_INLINE_MAX) /* non-canonical: the inline form would do */
        return RT_EFORMAT;
    out->n = v;
    out->hdr = 5;
    if (t == MORK_TAG_ARITY_X) {
        out->kind = MORK_EXPR;
    } else if (t == MORK_TAG_VARREF_X) {
        out->kind = MORK_VARREF;
        if (v >= nvars)
            return RT_EFORMAT;
    } else {
        if (len - 5 < v)
            return RT_EFORMAT;
        out->kind = MORK_SYMBOL;
        out->sym = b + 5;
        out->hdr = 5 + (size_t)v;
    }
    return RT_OK;
}

int mork_expr_span(const uint8_t *b, size_t len, size_t *span, uint32_t *nvars)
{
    size_t pos = 0;
    uint64_t owed = 1;
    uint32_t nv = 0;
    while (owed) {
        mork_node nd;
        int rc = mork_node_decode(b + pos, len - pos, nv, &nd);
        if (rc)
            return rc;
        pos += nd.hdr;
        owed--;
        if (nd.kind == MORK_EXPR)
            owed += nd.n;
        else if (nd.kind == MORK_NEWVAR)
            nv++;
        /* Every owed child needs at least one byte: reject early, so a tiny
         * input cannot claim billions of children and spin. */
        if (owed > len - pos)
            return RT_EFORMAT;
    }
    *span = pos;
    if (nvars)
        *nvars = nv;
    return RT_OK;
}

/* ---------------------------------------------------------------- builders */

static int put_escape(rt_buf *b, uint8_t tag, size_t v)
{
    if (v > UINT32_MAX)
        return RT_ELIMIT;
    uint8_t h[5] = {tag, (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return rt_buf_append(b, h, 5);
}

int mork_enc_arity(rt_buf *b, size_t n)
{
    if (n <= MORK_INLINE_MAX)
        return rt_buf_putc(b, (uint8_t)n);
    return put_escape(b, MORK_TAG_ARITY_X, n);
}

int mork_enc_symbol(rt_buf *b, const void *s, size_t n)
{
    if (n == 0)
        return RT_EINVAL;
    int rc;
    if (n <= MORK_INLINE_MAX)
        rc = rt_buf_putc(b, (uint8_t)(MORK_TAG_SYMBOL + n));
    else
        rc = put_escape(b, MORK_TAG_SYMBOL_X, n);
    return rc ? rc : rt_buf_append(b, s, n);
}

int mork_enc_newvar(rt_buf *b)
{
    return rt_buf_putc(b, MORK_TAG_NEWVAR);
}

int mork_enc_varref(rt_buf *b, size_t i)
{
    if (i <= MORK_INLINE_MAX)
        return rt_buf_putc(b, (uint8_t)(MORK_TAG_VARREF + i));
    return put_escape(b, MORK_TAG_VARREF_X, i);
}

/* ---------------------------------------------------------------- printer */

int mork_print_var(rt_buf *out, uint32_t i)
{
    if (i < 26) {
        uint8_t v[2] = {'$', (uint8_t)('a' + i)};
        return rt_buf_append(out, v, 2);
    }
    return rt_buf_printf(out, "$v%u", (unsigned)i);
}

int mork_expr_print(rt_buf *out, const uint8_t *e, size_t n)
{
    size_t span;
    int rc = mork_expr_span(e, n, &span, NULL);
    if (rc)
        return rc;
    /* Stack of children still to print per open expression. */
    RT_VEC(uint32_t) st = {0};
    size_t entry = out->n, pos = 0;
    uint32_t nv = 0;
    int first = 1;
    do {
        mork_node nd;
        rc = mork_node_decode(e + pos, span - pos, nv, &nd);
        if (rc)
            goto fail;
        pos += nd.hdr;
        if (st.n) {
            st.v[st.n - 1]--; /* this node is one child of the open expression */
            if (!first && (rc = rt_buf_putc(out, ' ')))
                goto fail;
        }
        first = 0;
        switch (nd.kind) {
        case MORK_EXPR:
            if (nd.n == 0) {
                rc = rt_buf_append(out, "()", 2);
                break;
            }
            if ((rc = rt_buf_putc(out, '(')) || (rc = rt_vec_push(&st, nd.n)))
                goto fail;
            first = 1;
            break;
        case MORK_SYMBOL:
            rc = rt_buf_append(out, nd.sym, nd.n);
            break;
        case MORK_NEWVAR:
            rc = mork_print_var(out, nv++);
            break;
        case MORK_VARREF:
            rc = mork_print_var(out, nd.n);
            break;
        }
        if (rc)
            goto fail;
        /* Close every expression whose children are all printed. */
        while (st.n && st.v[st.n - 1] == 0) {
            st.n--;
            if ((rc = rt_buf_putc(out, ')')))
                goto fail;
        }
    } while (st.n);
    rt_vec_free(&st);
    return RT_OK;
fail:
    rt_vec_free(&st);
    out->n = entry;
    return rc;
}
