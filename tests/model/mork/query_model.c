/*
 * Model test: mork queries against a naive matcher.
 *
 * Random small atoms (some containing variables) go into a space; random
 * patterns, plain and two-conjunct, are answered by the engine and by an
 * oracle written here from scratch: terms as trees, textbook unification
 * with an occurs check over every atom (every pair of atoms for
 * conjunctions), no trie. Each solution is compared as
 * "matched atoms => instantiated pattern", as multisets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/mork.h"

enum { SYM = 0, VAR = 1, EXPR = 2 };
enum { MAXNS = 4, MAXV = 8, MAXKIDS = 4 };

typedef struct term {
    int kind;
    int id;   /* symbol index or variable index */
    int ns;   /* variable namespace: 0 pattern, k atom of conjunct k */
    int n;
    struct term *kid[MAXKIDS];
} term;

static const char *syms[] = {"a", "b", "c", "f", "g"};

static uint64_t rng;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static term *mk(int kind, int id, int ns)
{
    term *t = calloc(1, sizeof *t);
    t->kind = kind;
    t->id = id;
    t->ns = ns;
    return t;
}

static void drop(term *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->n; i++)
        drop(t->kid[i]);
    free(t);
}

static term *gen(int depth, int var_pct, int nvars)
{
    unsigned r = rnd(100);
    if ((int)r < var_pct)
        return mk(VAR, (int)rnd((unsigned)nvars), 0);
    if (depth == 0 || r < 55)
        return mk(SYM, (int)rnd(5), 0);
    term *t = mk(EXPR, 0, 0);
    t->n = (int)rnd(4);
    for (int i = 0; i < t->n; i++)
        t->kid[i] = gen(depth - 1, var_pct, nvars);
    return t;
}

/* A top-level atom or pattern: (head x y ...) with a constant head mostly. */
static term *gen_top(int var_pct, int head_var_pct, int nvars)
{
    term *t = mk(EXPR, 0, 0);
    t->n = 1 + (int)rnd(3);
    t->kid[0] = (int)rnd(100) < head_var_pct ? mk(VAR, (int)rnd((unsigned)nvars), 0)
                                              : mk(SYM, 3 + (int)rnd(2), 0);
    for (int i = 1; i < t->n; i++)
        t->kid[i] = gen(2, var_pct, nvars);
    return t;
}

static term *copy_ns(const term *t, int ns)
{
    term *c = mk(t->kind, t->id, t->kind == VAR ? ns : 0);
    c->n = t->n;
    for (int i = 0; i < t->n; i++)
        c->kid[i] = copy_ns(t->kid[i], ns);
    return c;
}

/* Source text with the generator's variable names. */
static void to_text(const term *t, rt_buf *out)
{
    if (t->kind == SYM) {
        rt_buf_printf(out, "%s", syms[t->id]);
    } else if (t->kind == VAR) {
        rt_buf_printf(out, "$v%d", t->id);
    } else {
        rt_buf_putc(out, '(');
        for (int i = 0; i < t->n; i++) {
            if (i)
                rt_buf_putc(out, ' ');
            to_text(t->kid[i], out);
        }
        rt_buf_putc(out, ')');
    }
}

/* ---- the oracle: bindings per (ns, var), plain recursion */
typedef struct subst {
    const term *val[MAXNS][MAXV];
} subst;

static const term *walk(const subst *s, const term *t)
{
    while (t->kind == VAR && s->val[t->ns][t->id])
        t = s->val[t->ns][t->id];
    return t;
}

static int occurs(const subst *s, const term *v, const term *t)
{
    t = walk(s, t);
    if (t->kind == VAR)
        return t->ns == v->ns && t->id == v->id;
    if (t->kind == EXPR)
        for (int i = 0; i < t->n; i++)
            if (occurs(s, v, t->kid[i]))
                return 1;
    return 0;
}

static int unify(subst *s, const term *a, const term *b)
{
    a = walk(s, a);
    b = walk(s, b);
    if (a->kind == VAR && b->kind == VAR && a->ns == b->ns && a->id == b->id)
        return 1;
    if (a->kind == VAR) {
        if (occurs(s, a, b))
            return 0;
        s->val[a->ns][a->id] = b;
        return 1;
    }
    if (b->kind == VAR)
        return unify(s, b, a);
    if (a->kind != b->kind || a->id != b->id || a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!unify(s, a->kid[i], b->kid[i]))
            return 0;
    return 1;
}

/* Canonical text: substitution applied, free variables named $a, $b, ...
 * in order of first appearance. */
typedef struct namer {
    int ns[64], id[64], n;
} namer;

static void canon(const subst *s, const term *t, namer *nm, rt_buf *out)
{
    t = s ? walk(s, t) : t;
    if (t->kind == SYM) {
        rt_buf_printf(out, "%s", syms[t->id]);
    } else if (t->kind == VAR) {
        int k = 0;
        while (k < nm->n && !(nm->ns[k] == t->ns && nm->id[k] == t->id))
            k++;
        if (k == nm->n) {
            nm->ns[k] = t->ns;
            nm->id[k] = t->id;
            nm->n++;
        }
        rt_buf_printf(out, "$%c", 'a' + k);
    } else {
        rt_buf_putc(out, '(');
        for (int i = 0; i < t->n; i++) {
            if (i)
                rt_buf_putc(out, ' ');
            canon(s, t->kid[i], nm, out);
        }
        rt_buf_putc(out, ')');
    }
}

static char *canon_str(const subst *s, const term *t)
{
    rt_buf b = {0};
    namer nm = {{0}, {0}, 0};
    canon(s, t, &nm, &b);
    rt_buf_putc(&b, 0);
    return (char *)b.v;
}

/* ---- result lists */
typedef struct strs {
    char **v;
    size_t n, cap;
} strs;

static void push_str(strs *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_strs(strs *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

typedef struct engine_ctx {
    strs got;
} engine_ctx;

static int on_sol(void *ctx, const mork_solution *sol)
{
    engine_ctx *c = ctx;
    rt_buf line = {0}, e = {0};
    for (size_t i = 0; i < mork_solution_nconj(sol); i++) {
        const uint8_t *a;
        size_t n;
        mork_solution_atom(sol, i, &a, &n);
        if (i)
            rt_buf_printf(&line, " & ");
        assert_int_equal(mork_expr_print(&line, a, n), RT_OK);
    }
    assert_int_equal(mork_solution_pattern(sol, &e), RT_OK);
    rt_buf_printf(&line, " => ");
    assert_int_equal(mork_expr_print(&line, e.v, e.n), RT_OK);
    rt_buf_putc(&line, 0);
    push_str(&c->got, strdup((char *)line.v));
    rt_vec_free(&line);
    rt_vec_free(&e);
    return 0;
}

static void one_round(int natoms, int conj)
{
    /* atoms, deduplicated by canonical text as the space does */
    term *atoms[64];
    int na = 0;
    strs seen = {0};
    mork_space *s;
    assert_int_equal(mork_space_new(&s), RT_OK);
    rt_buf text = {0};
    for (int i = 0; i < natoms; i++) {
        term *a = gen_top(15, 5, 3);
        char *c = canon_str(NULL, a);
        int dup = 0;
        for (size_t k = 0; k < seen.n; k++)
            dup |= strcmp(seen.v[k], c) == 0;
        push_str(&seen, c);
        to_text(a, &text); /* duplicates too: the space must drop them */
        rt_buf_putc(&text, '\n');
        if (dup)
            drop(a);
        else
            atoms[na++] = a;
    }
    free_strs(&seen);
    mork_perr err;
    assert_int_equal(mork_space_add_text(s, (char *)text.v, text.n, NULL, NULL, &err), RT_OK);
    assert_int_equal(mork_space_count(s), (size_t)na);

    for (int q = 0; q < 12; q++) {
        term *pt;
        if (conj) {
            pt = mk(EXPR, 0, 0);
            pt->n = 3;
            pt->kid[0] = mk(SYM, 0, 0); /* stands for ',' below */
            pt->kid[1] = gen_top(40, 10, 4);
            pt->kid[2] = gen_top(40, 10, 4);
        } else {
            pt = gen_top(40, 10, 4);
        }
        /* pattern text: the conjunction head is written as ',' */
        rt_buf ptext = {0};
        if (conj) {
            rt_buf_printf(&ptext, "(, ");
            to_text(pt->kid[1], &ptext);
            rt_buf_putc(&ptext, ' ');
            to_text(pt->kid[2], &ptext);
            rt_buf_putc(&ptext, ')');
        } else {
            to_text(pt, &ptext);
        }
        /* oracle */
        strs want = {0};
        if (!conj) {
            for (int i = 0; i < na; i++) {
                subst sb;
                memset(&sb, 0, sizeof sb);
                term *a = copy_ns(atoms[i], 1);
                if (unify(&sb, pt, a)) {
                    char *as = canon_str(NULL, atoms[i]), *ps = canon_str(&sb, pt);
                    rt_buf l = {0};
                    rt_buf_printf(&l, "%s => %s", as, ps);
                    rt_buf_putc(&l, 0);
                    push_str(&want, (char *)l.v);
                    free(as);
                    free(ps);
                }
                drop(a);
            }
        } else {
            for (int i = 0; i < na; i++)
                for (int j = 0; j < na; j++) {
                    subst sb;
                    memset(&sb, 0, sizeof sb);
                    term *a = copy_ns(atoms[i], 1), *b = copy_ns(atoms[j], 2);
                    if (unify(&sb, pt->kid[1], a) && unify(&sb, pt->kid[2], b)) {
                        char *as = canon_str(NULL, atoms[i]), *bs = canon_str(NULL, atoms[j]);
                        /* the instantiated pattern, printed with ',' as head */
                        rt_buf pb = {0};
                        namer nm = {{0}, {0}, 0};
                        rt_buf_printf(&pb, "(, ");
                        canon(&sb, pt->kid[1], &nm, &pb);
                        rt_buf_putc(&pb, ' ');
                        canon(&sb, pt->kid[2], &nm, &pb);
                        rt_buf_putc(&pb, ')');
                        rt_buf_putc(&pb, 0);
                        rt_buf l = {0};
                        rt_buf_printf(&l, "%s & %s => %s", as, bs, (char *)pb.v);
                        rt_buf_putc(&l, 0);
                        push_str(&want, (char *)l.v);
                        free(as);
                        free(bs);
                        rt_vec_free(&pb);
                    }
                    drop(a);
                    drop(b);
                }
        }
        /* engine */
        rt_buf pb = {0};
        assert_int_equal(mork_parse_one((char *)ptext.v, ptext.n, &pb, &err), RT_OK);
        engine_ctx ec = {{0}};
        assert_int_equal(mork_query(s, pb.v, pb.n, on_sol, &ec), RT_OK);
        if (want.n)
            qsort(want.v, want.n, sizeof *want.v, cmp_str);
        if (ec.got.n)
            qsort(ec.got.v, ec.got.n, sizeof *ec.got.v, cmp_str);
        int same = want.n == ec.got.n;
        for (size_t k = 0; same && k < want.n; k++)
            same = strcmp(want.v[k], ec.got.v[k]) == 0;
        if (!same) {
            rt_buf_putc(&ptext, 0);
            rt_buf_putc(&text, 0);
            fprintf(stderr, "pattern %s\nspace:\n%s", (char *)ptext.v, (char *)text.v);
            for (size_t k = 0; k < want.n; k++)
                fprintf(stderr, "  want %s\n", want.v[k]);
            for (size_t k = 0; k < ec.got.n; k++)
                fprintf(stderr, "  got  %s\n", ec.got.v[k]);
            fail_msg("engine and oracle disagree");
        }
        free_strs(&want);
        free_strs(&ec.got);
        rt_vec_free(&pb);
        rt_vec_free(&ptext);
        drop(pt);
    }
    for (int i = 0; i < na; i++)
        drop(atoms[i]);
    rt_vec_free(&text);
    mork_space_free(s);
}

static int scale(void)
{
    const char *e = getenv("KINDRED_TEST_SCALE");
    int k = e ? atoi(e) : 1;
    return k > 0 ? k : 1;
}

static void plain_patterns(void **state)
{
    (void)state;
    rng = 0x1234567ULL;
    for (int r = 0; r < 600 * scale(); r++)
        one_round(5 + (int)rnd(40), 0);
}

static void conjunctions(void **state)
{
    (void)state;
    rng = 0xABCDEF1ULL;
    for (int r = 0; r < 200 * scale(); r++)
        one_round(3 + (int)rnd(20), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_patterns),
        cmocka_unit_test(conjunctions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
