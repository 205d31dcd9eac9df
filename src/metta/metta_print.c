/*
 * Printing and comparison of atoms, in the reference interpreter's text
 * forms: strings quoted with backslash escapes, floats in the shortest form
 * that reads back to the same double and always with a `.` or an exponent
 * (1.0, 0.30000000000000004, 1e16), Bools as True/False.
 */
#include "metta/metta_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void ma_fmt_float(double v, char *buf, size_t cap)
{
    if (isnan(v)) {
        snprintf(buf, cap, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, cap, v < 0 ? "-inf" : "inf");
        return;
    }
    char tmp[64];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    /* tmp = d.ddde[+-]xx with p significant digits */
    char mant[32];
    int nd = 0;
    const char *s = tmp;
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            mant[nd++] = *s;
    mant[nd] = 0;
    int ex = atoi(s + 1);
    while (nd > 1 && mant[nd - 1] == '0')
        mant[--nd] = 0;
    size_t o = 0;
    if (neg)
        buf[o++] = '-';
    if (ex < -5 || ex >= 16) {
        buf[o++] = mant[0];
        if (nd > 1) {
            buf[o++] = '.';
            for (int i = 1; i < nd; i++)
                buf[o++] = mant[i];
        }
        snprintf(buf + o, cap - o, "e%d", ex);
        return;
    }
    if (ex < 0) {
        buf[o++] = '0';
        buf[o++] = '.';
        for (int i = -1; i > ex; i--)
            buf[o++] = '0';
        for (int i = 0; i < nd; i++)
            buf[o++] = mant[i];
    } else {
        for (int i = 0; i <= ex; i++)
            buf[o++] = i < nd ? mant[i] : '0';
        buf[o++] = '.';
        if (nd > ex + 1)
            for (int i = ex + 1; i < nd; i++)
                buf[o++] = mant[i];
        else
            buf[o++] = '0';
    }
    buf[o] = 0;
}

static int put_str_escaped(rt_buf *out, const char *s, size_t n)
{
    int rc = rt_buf_putc(out, '"');
    for (size_t i = 0; i < n && rc == 0; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': rc = rt_buf_append(out, "\\\"", 2); break;
        case '\\': rc = rt_buf_append(out, "\\\\", 2); break;
        case '\n': rc = rt_buf_append(out, "\\n", 2); break;
        case '\t': rc = rt_buf_append(out, "\\t", 2); break;
        case '\r': rc = rt_buf_append(out, "\\r", 2); break;
        case 0: rc = rt_buf_append(out, "\\0", 2); break;
        default: rc = rt_buf_putc(out, c);
        }
    }
    return rc ? rc : rt_buf_putc(out, '"');
}

static int print_bindings(metta *mt, rt_buf *out, const mo *b);

static int print_atom(metta *mt, rt_buf *out, const ma *a, int raw, unsigned depth)
{
    char num[64];
    if (depth > 100000)
        return rt_buf_append(out, "...", 3);
    switch (a->kind) {
    case MA_SYM:
        return rt_buf_append(out, MA_NAME(a), strlen(MA_NAME(a)));
    case MA_VAR:
        if (MA_VARNAME(a))
            return rt_buf_printf(out, "$%s", MA_NAME(mt->syms.v[MA_VARNAME(a)].atom));
        return rt_buf_printf(out, "$_%u", a->extra);
    case MA_EXPR: {
        int rc = rt_buf_putc(out, '(');
        for (uint32_t i = 0; i < a->nptr && rc == 0; i++) {
            if (i)
                rc = rt_buf_putc(out, ' ');
            if (rc == 0)
                rc = print_atom(mt, out, MA_ITEMS(a)[i], 0, depth + 1);
        }
        return rc ? rc : rt_buf_putc(out, ')');
    }
    case MA_INT:
        return rt_buf_printf(out, "%lld", (long long)MA_INTV(a));
    case MA_FLT:
        ma_fmt_float(MA_FLTV(a), num, sizeof num);
        return rt_buf_append(out, num, strlen(num));
    case MA_STR:
        if (raw)
            return rt_buf_append(out, MA_STRV(a), a->extra);
        return put_str_escaped(out, MA_STRV(a), a->extra);
    case MA_BOOL:
        return rt_buf_append(out, a->extra ? "True" : "False", a->extra ? 4 : 5);
    case MA_SPACE:
        if (a->extra == 0)
            return rt_buf_append(out, "&self", 5);
        return rt_buf_printf(out, "(GroundingSpace %u)", a->extra);
    case MA_STATE: {
        int rc = rt_buf_append(out, "(State ", 7);
        if (rc == 0 && a->extra < mt->states.n && mt->states.v[a->extra])
            rc = print_atom(mt, out, mt->states.v[a->extra], 0, depth + 1);
        return rc ? rc : rt_buf_putc(out, ')');
    }
    case MA_BINDS:
        return print_bindings(mt, out, MO_PTRS(a)[0]);
    default:
        return rt_buf_append(out, "<?>", 3);
    }
}

static int print_bindings(metta *mt, rt_buf *out, const mo *b)
{
    int rc = rt_buf_append(out, "{", 1);
    int first = 1;
    for (; b && rc == 0; b = MO_PTRS(b)[0]) {
        rc = rt_buf_append(out, first ? " " : ", ", first ? 1 : 2);
        first = 0;
        if (rc == 0)
            rc = print_atom(mt, out, MO_PTRS(b)[1], 0, 0);
        if (rc == 0)
            rc = rt_buf_append(out, " <- ", 4);
        if (rc == 0)
            rc = print_atom(mt, out, MO_PTRS(b)[2], 0, 0);
    }
    return rc ? rc : rt_buf_append(out, " }", 2);
}

int ma_print(metta *mt, rt_buf *out, const ma *a)
{
    return print_atom(mt, out, a, 0, 0);
}

int ma_print_raw(metta *mt, rt_buf *out, const ma *a)
{
    return print_atom(mt, out, a, 1, 0);
}

static int num_eq(const ma *a, const ma *b)
{
    if (a->kind == MA_INT && b->kind == MA_INT)
        return MA_INTV(a) == MA_INTV(b);
    double x = a->kind == MA_INT ? (double)MA_INTV(a) : MA_FLTV(a);
    double y = b->kind == MA_INT ? (double)MA_INTV(b) : MA_FLTV(b);
    return x == y;
}

int ma_equal(const ma *a, const ma *b)
{
    if (a == b)
        return 1;
    if (ma_is_num(a) && ma_is_num(b))
        return num_eq(a, b);
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case MA_SYM:
        return 0; /* interned: equal symbols are the same object */
    case MA_VAR:
        return a->extra == b->extra;
    case MA_EXPR:
        if (a->nptr != b->nptr)
            return 0;
        for (uint32_t i = 0; i < a->nptr; i++)
            if (!ma_equal(MA_ITEMS(a)[i], MA_ITEMS(b)[i]))
                return 0;
        return 1;
    case MA_STR:
        return a->extra == b->extra && memcmp(MA_STRV(a), MA_STRV(b), a->extra) == 0;
    case MA_BOOL:
    case MA_SPACE:
    case MA_STATE:
        return a->extra == b->extra;
    default:
        return 0;
    }
}

/* Alpha equality: a consistent one-to-one renaming of variables. */
typedef struct vpair { uint32_t a, b; } vpair;
typedef RT_VEC(vpair) vpairs;

static int alpha(const ma *a, const ma *b, vpairs *vp)
{
    if (a->kind == MA_VAR && b->kind == MA_VAR) {
        for (size_t i = 0; i < vp->n; i++) {
            if (vp->v[i].a == a->extra || vp->v[i].b == b->extra)
                return vp->v[i].a == a->extra && vp->v[i].b == b->extra;
        }
        vpair p = {a->extra, b->extra};
        return rt_vec_push(vp, p) == 0;
    }
    if (a->kind == MA_EXPR && b->kind == MA_EXPR) {
        if (a->nptr != b->nptr)
            return 0;
        for (uint32_t i = 0; i < a->nptr; i++)
            if (!alpha(MA_ITEMS(a)[i], MA_ITEMS(b)[i], vp))
                return 0;
        return 1;
    }
    if (a->kind == MA_VAR || b->kind == MA_VAR)
        return 0;
    return ma_equal(a, b);
}

int ma_alpha_equal(const ma *a, const ma *b)
{
    vpairs vp = {0};
    int r = alpha(a, b, &vp);
    rt_vec_free(&vp);
    return r;
}

static int kind_rank(const ma *a)
{
    switch (a->kind) {
    case MA_INT:
    case MA_FLT: return 0;
    case MA_STR: return 1;
    case MA_BOOL: return 2;
    case MA_SYM: return 3;
    case MA_VAR: return 4;
    case MA_EXPR: return 5;
    default: return 6;
    }
}

int ma_compare(const ma *a, const ma *b)
{
    int ra = kind_rank(a), rb = kind_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    switch (a->kind) {
    case MA_INT:
    case MA_FLT: {
        double x = a->kind == MA_INT ? (double)MA_INTV(a) : MA_FLTV(a);
        double y = b->kind == MA_INT ? (double)MA_INTV(b) : MA_FLTV(b);
        return x < y ? -1 : x > y;
    }
    case MA_STR: {
        size_t n = a->extra < b->extra ? a->extra : b->extra;
        int c = memcmp(MA_STRV(a), MA_STRV(b), n);
        if (c)
            return c < 0 ? -1 : 1;
        return a->extra < b->extra ? -1 : a->extra > b->extra;
    }
    case MA_SYM: {
        int c = strcmp(MA_NAME(a), MA_NAME(b));
        return c < 0 ? -1 : c > 0;
    }
    case MA_EXPR: {
        uint32_t n = a->nptr < b->nptr ? a->nptr : b->nptr;
        for (uint32_t i = 0; i < n; i++) {
            int c = ma_compare(MA_ITEMS(a)[i], MA_ITEMS(b)[i]);
            if (c)
                return c;
        }
        return a->nptr < b->nptr ? -1 : a->nptr > b->nptr;
    }
    default:
        return a->extra < b->extra ? -1 : a->extra > b->extra;
    }
}
