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

/*
 * Printing walks the atom with an explicit stack (any nesting depth). A
 * state prints its current value, which may contain the state itself
 * (`(change-state! $s (f $s))`); a state met again inside its own value
 * prints as `(State ...)`, so printing always ends. Frames:
 *
 *   EXPR   { a, i = next child }
 *   STATE  { a, i = 0 before the value, 1 after }
 *   BINDS  { a, cell = next binding cell, i = 0 var / 1 value / 2 next }
 */
typedef struct pframe {
    const ma *a;
    const mo *cell;
    uint32_t i;
} pframe;

/* The shared cell of a state; while a walk is inside the state's value,
 * the cell's `extra` counts how many times (it is 0 between walks). */
static mo *cell_of(const ma *a)
{
    return MO_PTRS(a)[0];
}

/* Print a leaf, or open a frame for a compound atom. */
static int print_open(metta *mt, rt_buf *out, const ma *a, int raw, mw_stack *st)
{
    char num[64];
    switch (a->kind) {
    case MA_SYM:
        return rt_buf_append(out, MA_NAME(a), strlen(MA_NAME(a)));
    case MA_VAR:
        if (MA_VARNAME(a))
            return rt_buf_printf(out, "$%s", MA_NAME(mt->syms.v[MA_VARNAME(a)].atom));
        return rt_buf_printf(out, "$_%u", a->extra);
    case MA_EXPR:
        if (a->nptr == 0)
            return rt_buf_append(out, "()", 2);
        break;
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
    case MA_STATE:
        if (cell_of(a)->extra)
            return rt_buf_append(out, "(State ...)", 11);
        break;
    case MA_BINDS:
        break;
    default:
        return rt_buf_append(out, "<?>", 3);
    }
    pframe *f = mw_push(st);
    if (!f)
        return RT_ENOMEM;
    f->a = a;
    f->i = 0;
    f->cell = a->kind == MA_BINDS ? MO_PTRS(a)[0] : NULL;
    if (a->kind == MA_STATE)
        cell_of(a)->extra++;
    if (a->kind == MA_EXPR)
        return rt_buf_putc(out, '(');
    if (a->kind == MA_STATE)
        return rt_buf_append(out, "(State ", 7);
    return rt_buf_append(out, "{", 1);
}

static int print_atom(metta *mt, rt_buf *out, const ma *a, int raw)
{
    pframe inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(pframe));
    int rc = print_open(mt, out, a, raw, &st);
    while (rc == 0 && st.n) {
        pframe *f = mw_top(&st);
        const ma *next = NULL;
        switch (f->a->kind) {
        case MA_EXPR:
            if (f->i == f->a->nptr) {
                rc = rt_buf_putc(out, ')');
                st.n--;
            } else {
                if (f->i)
                    rc = rt_buf_putc(out, ' ');
                next = MA_ITEMS(f->a)[f->i++];
            }
            break;
        case MA_STATE:
            if (f->i == 1) {
                rc = rt_buf_putc(out, ')');
                st.n--;
                cell_of(f->a)->extra--;
            } else {
                f->i = 1;
                next = MO_PTRS(MO_PTRS(f->a)[0])[0];
            }
            break;
        default: /* MA_BINDS: { $x <- v, $y <- w } */
            if (!f->cell) {
                rc = rt_buf_append(out, " }", 2);
                st.n--;
            } else if (f->i == 0) {
                int first = f->cell == MO_PTRS(f->a)[0];
                rc = rt_buf_append(out, first ? " " : ", ", first ? 1 : 2);
                f->i = 1;
                next = MO_PTRS(f->cell)[1];
            } else if (f->i == 1) {
                rc = rt_buf_append(out, " <- ", 4);
                f->i = 2;
                next = MO_PTRS(f->cell)[2];
            } else {
                f->cell = MO_PTRS(f->cell)[0];
                f->i = 0;
            }
            break;
        }
        /* children print quoted strings, whatever raw says */
        if (rc == 0 && next)
            rc = print_open(mt, out, next, 0, &st);
    }
    for (size_t k = 0; k < st.n; k++) { /* stopped early: close the states */
        pframe *f = mw_at(&st, k);
        if (f->a->kind == MA_STATE)
            cell_of(f->a)->extra--;
    }
    mw_free(&st);
    return rc;
}

int ma_print(metta *mt, rt_buf *out, const ma *a)
{
    return print_atom(mt, out, a, 0);
}

int ma_print_raw(metta *mt, rt_buf *out, const ma *a)
{
    return print_atom(mt, out, a, 1);
}

static int num_eq(const ma *a, const ma *b)
{
    if (a->kind == MA_INT && b->kind == MA_INT)
        return MA_INTV(a) == MA_INTV(b);
    double x = a->kind == MA_INT ? (double)MA_INTV(a) : MA_FLTV(a);
    double y = b->kind == MA_INT ? (double)MA_INTV(b) : MA_FLTV(b);
    return x == y;
}

/* Equality of two atoms that are not compound: 1, 0, or -1 when both are
 * expressions or both states (the walk compares their parts). */
static int leaf_equal(const ma *a, const ma *b)
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
        return a->nptr != b->nptr ? 0 : -1;
    case MA_STR:
        return a->extra == b->extra && memcmp(MA_STRV(a), MA_STRV(b), a->extra) == 0;
    case MA_BOOL:
    case MA_SPACE:
        return a->extra == b->extra;
    case MA_STATE:
        return a->extra == b->extra ? 1 : -1;
    default:
        return 0;
    }
}

/*
 * Structural equality over pairs of atoms on an explicit stack. Two
 * states are equal when their values are (the reference compares the
 * shared cells by value); values may contain the states themselves, so a
 * pair of states already being compared on the path counts as equal (the
 * largest consistent answer), and the walk always ends.
 */
typedef struct eframe {
    const ma *a, *b;
    uint32_t i;
} eframe;

/* Is the pair of states (a, b) being compared on the path? Only scanned
 * when a's cell is open, i.e. when a state is met again. */
static int pair_open(mw_stack *st, const ma *a, const ma *b)
{
    if (!cell_of(a)->extra)
        return 0;
    for (size_t k = 0; k < st->n; k++) {
        const eframe *f = mw_at(st, k);
        if (f->a->kind == MA_STATE && f->a->extra == a->extra && f->b->extra == b->extra)
            return 1;
    }
    return 0;
}

/* alpha: also a one-to-one renaming of variables, recorded in vp */
typedef struct vpair { uint32_t a, b; } vpair;
typedef RT_VEC(vpair) vpairs;

static int var_pair(const ma *a, const ma *b, vpairs *vp)
{
    for (size_t i = 0; i < vp->n; i++) {
        if (vp->v[i].a == a->extra || vp->v[i].b == b->extra)
            return vp->v[i].a == a->extra && vp->v[i].b == b->extra;
    }
    vpair p = {a->extra, b->extra};
    return rt_vec_push(vp, p) == 0;
}

static int equal_walk(const ma *a, const ma *b, vpairs *vp)
{
    eframe inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(eframe));
    int eq = 1;
    for (;;) {
        int r;
        if (vp && (a->kind == MA_VAR || b->kind == MA_VAR))
            r = a->kind == MA_VAR && b->kind == MA_VAR && var_pair(a, b, vp);
        else if (vp && a->kind == MA_EXPR && b->kind == MA_EXPR)
            r = a->nptr != b->nptr ? 0 : -1;
        else
            r = leaf_equal(a, b);
        if (r == 0) {
            eq = 0;
            break;
        }
        if (r < 0 && !(a->kind == MA_STATE && pair_open(&st, a, b))) {
            eframe *f = mw_push(&st);
            if (!f) {
                eq = 0; /* out of memory: cannot confirm */
                break;
            }
            f->a = a;
            f->b = b;
            f->i = 0;
            if (a->kind == MA_STATE)
                cell_of(a)->extra++;
        }
        /* next pair: the next child of the innermost unfinished frame */
        a = NULL;
        while (st.n) {
            eframe *f = mw_top(&st);
            if (f->a->kind == MA_EXPR && f->i < f->a->nptr) {
                a = MA_ITEMS(f->a)[f->i];
                b = MA_ITEMS(f->b)[f->i];
                f->i++;
                break;
            }
            if (f->a->kind == MA_STATE && f->i == 0) {
                f->i = 1;
                a = MO_PTRS(MO_PTRS(f->a)[0])[0];
                b = MO_PTRS(MO_PTRS(f->b)[0])[0];
                break;
            }
            if (f->a->kind == MA_STATE)
                cell_of(f->a)->extra--;
            st.n--;
        }
        if (!a)
            break;
    }
    for (size_t k = 0; k < st.n; k++) { /* stopped early: close the states */
        eframe *f = mw_at(&st, k);
        if (f->a->kind == MA_STATE)
            cell_of(f->a)->extra--;
    }
    mw_free(&st);
    return eq;
}

int ma_equal(const ma *a, const ma *b)
{
    int r = leaf_equal(a, b);
    return r >= 0 ? r : equal_walk(a, b, NULL);
}

int ma_alpha_equal(const ma *a, const ma *b)
{
    vpairs vp = {0};
    int r = equal_walk(a, b, &vp);
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

/* Compare two atoms of the same rank that are not both expressions. */
static int leaf_compare(const ma *a, const ma *b)
{
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
    default:
        return a->extra < b->extra ? -1 : a->extra > b->extra;
    }
}

/* Lexicographic over the children, then by arity; explicit stack of
 * expression pairs with the index of the next child. */
int ma_compare(const ma *a, const ma *b)
{
    eframe inl[32];
    mw_stack st;
    mw_init(&st, inl, 32, sizeof(eframe));
    int c = 0;
    for (;;) {
        int ra = kind_rank(a), rb = kind_rank(b);
        if (ra != rb) {
            c = ra < rb ? -1 : 1;
            break;
        }
        if (a->kind == MA_EXPR) {
            eframe *f = mw_push(&st);
            if (!f)
                break; /* out of memory: "equal" keeps a sort consistent */
            f->a = a;
            f->b = b;
            f->i = 0;
        } else if ((c = leaf_compare(a, b)) != 0) {
            break;
        }
        a = NULL;
        while (st.n) {
            eframe *f = mw_top(&st);
            uint32_t n = f->a->nptr < f->b->nptr ? f->a->nptr : f->b->nptr;
            if (f->i < n) {
                a = MA_ITEMS(f->a)[f->i];
                b = MA_ITEMS(f->b)[f->i];
                f->i++;
                break;
            }
            c = f->a->nptr < f->b->nptr ? -1 : f->a->nptr > f->b->nptr;
            st.n--;
            if (c)
                goto out;
        }
        if (!a)
            break;
    }
out:
    mw_free(&st);
    return c;
}
