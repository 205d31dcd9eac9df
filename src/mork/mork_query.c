/*
 * Queries: find stored expressions that unify with a pattern by walking the
 * trie and the pattern together, then confirm each candidate by full
 * unification (mork_unify.c).
 *
 * The walk is a depth-first search over trie positions with an explicit
 * stack of states. A state says what must still be read from the trie below
 * its position:
 *
 *   items  pattern terms still to match, in order (an immutable list, so
 *          states share tails)
 *   owe    complete expressions to read whatever they are (a pattern
 *          variable stands here, or a stored variable swallowed a term)
 *   raw    bytes to read whatever they are (inside a symbol or escape)
 *
 *   pattern (edge 5 $x) against the trie:
 *
 *   root --03--> --C4 edge--> --C1 '5'--> items=[$x]: owe 1 --> every key
 *        |                 \--80..C0 (a stored variable): skip the pattern
 *        |                    term `5`, continue with [$x]
 *        (other arities are never entered)
 *
 * A constant pattern node descends its exact bytes; a stored variable tag
 * in the trie at that point swallows the whole pattern term; a pattern
 * variable (unbound, or bound to a term that is then walked instead) reads
 * one whole expression. Once no items remain every key below the position
 * is a candidate: the code is prefix-free and each key is one expression, so
 * a valid prefix owing k expressions can only continue with exactly k.
 *
 * The walk over-approximates (it ignores repeated variables and the values
 * bound to stored variables); unification of each candidate is exact.
 * Conjunctions solve conjunct k for each solution of conjuncts 0..k-1, with
 * the bindings so far applied, so a shared variable turns into constant
 * bytes that the next walk descends on (an index nested-loop join).
 */
#include "mork_int.h"

#include <string.h>

typedef struct wcell {
    mk_term t;
    const struct wcell *next;
} wcell;

enum { ESC_NONE = 0, ESC_ARITY = 1, ESC_SYMBOL = 2 };

typedef struct wstate {
    size_t pdepth;       /* cursor depth of the parent position */
    const uint8_t *step; /* bytes from the parent to this position */
    size_t nstep;        /* 0: same position as the parent */
    const wcell *items;
    uint64_t owe;
    uint64_t raw;
    uint32_t escval;
    uint8_t byte; /* step storage for single-byte steps */
    uint8_t esc;
    uint8_t escgot;
} wstate;

typedef struct level {
    pm_cur cur;
    RT_VEC(wstate) st;
    rt_arena arena;
    const uint8_t *atom;
    size_t atom_len;
    int open;
} level;

struct mork_solution {
    const mork_space *s;
    mk_unifier u;
    mk_term pat;
    mk_term *conj;
    size_t nconj;
    uint32_t npvars;
    level *lv;
    mork_solution_fn emit;
    void *ctx;
    mork_query_stats st;
    /* transform */
    mk_term tmpl;
    rt_buf tbuf;
    mork_expr_fn tfn;
    void *tctx;
};

static int solve(struct mork_solution *q, size_t k);

typedef struct cand_ctx {
    struct mork_solution *q;
    size_t k;
} cand_ctx;

/* A complete key that survived the walk: unify, then go deeper. */
static int candidate(void *ctx, const uint8_t *key, size_t n, uint64_t val)
{
    (void)val;
    cand_ctx *c = ctx;
    struct mork_solution *q = c->q;
    mk_unifier *u = &q->u;
    uint32_t ns = (uint32_t)c->k + 1;
    /* A key of n bytes has fewer than n variables; count them exactly only
     * when that bound would waste much memory. */
    size_t nv = n;
    if (n > 256) {
        uint32_t cnt = 0;
        mk_skip(key, 0, &cnt);
        nv = (size_t)cnt + 1;
    }
    int rc = mk_ns_reserve(u, ns, nv);
    if (rc)
        return rc;
    size_t mark = u->trail.n;
    mk_term at = {key, 0, 0, ns};
    int ok;
    q->st.candidates++;
    rc = mk_unify(u, q->conj[c->k], at, &ok);
    if (!rc && ok) {
        q->lv[c->k].atom = key;
        q->lv[c->k].atom_len = n;
        rc = solve(q, c->k + 1);
    }
    mk_undo(u, mark);
    return rc;
}

static int push_state(level *L, const wstate *s)
{
    return rt_vec_push(&L->st, *s);
}

/* Children bytes of the focus, largest first (so they pop smallest first). */
typedef struct bytes256 {
    uint8_t b[256];
    unsigned n;
} bytes256;

static void children_desc(const pm_cur *c, bytes256 *out)
{
    uint64_t m[4];
    pm_cur_child_mask(c, m);
    out->n = 0;
    for (int w = 3; w >= 0; w--) {
        uint64_t x = m[w];
        while (x) {
            int hi = 63 - __builtin_clzll(x);
            out->b[out->n++] = (uint8_t)(w * 64 + hi);
            x &= ~(1ULL << hi);
        }
    }
}

static int has_child(const uint64_t m[4], unsigned b)
{
    return (int)(m[b >> 6] >> (b & 63) & 1);
}

/* Descend the exact header bytes of pattern term t; its children, then
 * `rest`, remain to match. */
static int push_exact(level *L, size_t depth, mk_term t, const mork_node *nd, const wcell *rest)
{
    wstate e = {depth, t.b + t.off, nd->hdr, rest, 0, 0, 0, 0, ESC_NONE, 0};
    if (nd->kind == MORK_EXPR && nd->n) {
        wcell *cells = rt_arena_alloc(&L->arena, nd->n * sizeof *cells);
        if (!cells)
            return RT_ENOMEM;
        size_t off = t.off + nd->hdr;
        uint32_t base = t.base;
        for (uint32_t i = 0; i < nd->n; i++) {
            cells[i].t = (mk_term){t.b, off, base, t.ns};
            cells[i].next = i + 1 < nd->n ? &cells[i + 1] : rest;
            off = mk_skip(t.b, off, &base);
        }
        e.items = cells;
    }
    return push_state(L, &e);
}

/* Expand the state the cursor is at; push its successors. */
static int expand(struct mork_solution *q, size_t k, const wstate *s)
{
    level *L = &q->lv[k];
    size_t depth = pm_cur_depth(&L->cur);
    int rc;
    if (!s->items) {
        cand_ctx cc = {q, k};
        return pm_foreach(q->s->trie, pm_cur_path(&L->cur), depth, candidate, &cc);
    }
    wstate n = {depth, NULL, 1, s->items, s->owe, s->raw, s->escval, 0, s->esc, s->escgot};
    if (s->raw) {
        bytes256 ch;
        children_desc(&L->cur, &ch);
        for (unsigned i = 0; i < ch.n; i++) {
            uint8_t c = ch.b[i];
            n.byte = c;
            n.raw = s->raw - 1;
            n.owe = s->owe;
            n.esc = s->esc;
            n.escgot = s->escgot;
            n.escval = s->escval;
            if (n.esc) {
                n.escval = n.escval << 8 | c;
                if (++n.escgot == 4) {
                    if (n.esc == ESC_ARITY)
                        n.owe += n.escval;
                    else
                        n.raw = n.escval;
                    n.esc = ESC_NONE;
                    n.escgot = 0;
                    n.escval = 0;
                }
            }
            if ((rc = push_state(L, &n)))
                return rc;
        }
        return RT_OK;
    }
    if (s->owe) {
        bytes256 ch;
        children_desc(&L->cur, &ch);
        for (unsigned i = 0; i < ch.n; i++) {
            uint8_t c = ch.b[i];
            n.byte = c;
            n.owe = s->owe - 1;
            n.raw = 0;
            n.esc = ESC_NONE;
            n.escgot = 0;
            n.escval = 0;
            if (c <= MORK_ARITY_MAX) {
                n.owe += c;
            } else if (c == MORK_TAG_ARITY_X) {
                n.raw = 4;
                n.esc = ESC_ARITY;
            } else if (c == MORK_TAG_SYMBOL_X) {
                n.raw = 4;
                n.esc = ESC_SYMBOL;
            } else if (c == MORK_TAG_VARREF_X) {
                n.raw = 4;
            } else if (c < MORK_TAG_VARREF) {
                continue; /* invalid tag: cannot be stored */
            } else if (c > MORK_TAG_NEWVAR) {
                n.raw = c - MORK_TAG_SYMBOL;
            }
            if ((rc = push_state(L, &n)))
                return rc;
        }
        return RT_OK;
    }
    /* Next pattern term. */
    mk_term t = s->items->t;
    uint32_t vns, vidx;
    if (mk_deref(&q->u, &t, &vns, &vidx)) {
        wstate e = {depth, NULL, 0, s->items->next, 1, 0, 0, 0, ESC_NONE, 0};
        return push_state(L, &e);
    }
    mork_node nd;
    mk_dec(t.b + t.off, t.base, &nd);
    /* Successors, pushed in descending first byte: stored variables and
     * the exact step. Stored variable tags are C0, 80..BF and 42. */
    uint64_t m[4];
    pm_cur_child_mask(&L->cur, m);
    uint8_t first = t.b[t.off];
    uint8_t vars[66];
    unsigned nv = 0;
    if (m[3] & 1)
        vars[nv++] = MORK_TAG_NEWVAR;
    for (uint64_t x = m[2]; x; x &= ~(1ULL << (63 - __builtin_clzll(x))))
        vars[nv++] = (uint8_t)(MORK_TAG_VARREF + 63 - __builtin_clzll(x));
    if (m[1] >> (MORK_TAG_VARREF_X - 64) & 1)
        vars[nv++] = MORK_TAG_VARREF_X;
    int exact = has_child(m, first);
    for (unsigned i = 0; i < nv; i++) {
        if (exact && first > vars[i]) {
            exact = 0;
            if ((rc = push_exact(L, depth, t, &nd, s->items->next)))
                return rc;
        }
        /* A stored variable here swallows the whole pattern term. */
        wstate e = {depth, NULL, 1, s->items->next, 0, 0, 0, vars[i], ESC_NONE, 0};
        if (vars[i] == MORK_TAG_VARREF_X)
            e.raw = 4;
        if ((rc = push_state(L, &e)))
            return rc;
    }
    if (exact && (rc = push_exact(L, depth, t, &nd, s->items->next)))
        return rc;
    return RT_OK;
}

/* Every candidate of conjunct k under the current bindings. */
static int walk(struct mork_solution *q, size_t k)
{
    level *L = &q->lv[k];
    pm_cur_reset(&L->cur);
    rt_arena_reset(&L->arena);
    L->st.n = 0;
    wcell *first = rt_arena_alloc(&L->arena, sizeof *first);
    if (!first)
        return RT_ENOMEM;
    first->t = q->conj[k];
    first->next = NULL;
    wstate s0 = {0, NULL, 0, first, 0, 0, 0, 0, ESC_NONE, 0};
    int rc = push_state(L, &s0);
    while (!rc && L->st.n) {
        wstate s = L->st.v[--L->st.n];
        size_t d = pm_cur_depth(&L->cur);
        if (d > s.pdepth && (rc = pm_cur_ascend(&L->cur, d - s.pdepth)))
            break;
        if (s.nstep) {
            int r = s.step ? pm_cur_descend(&L->cur, s.step, s.nstep)
                           : pm_cur_descend_byte(&L->cur, s.byte);
            if (r < 0) {
                rc = r;
                break;
            }
            if (r == 0)
                continue;
        }
        q->st.states++;
        rc = expand(q, k, &s);
    }
    return rc;
}

static int solve(struct mork_solution *q, size_t k)
{
    if (k == q->nconj) {
        q->st.solutions++;
        return q->emit(q->ctx, q);
    }
    return walk(q, k);
}

/* Is t `(, ...)`? Then *n = its arity. */
static int is_conjunction(mk_term t, uint32_t *n)
{
    mork_node nd, h;
    mk_dec(t.b + t.off, t.base, &nd);
    if (nd.kind != MORK_EXPR || nd.n == 0)
        return 0;
    mk_dec(t.b + t.off + nd.hdr, t.base, &h);
    if (h.kind != MORK_SYMBOL || h.n != 1 || h.sym[0] != ',')
        return 0;
    *n = nd.n;
    return 1;
}

static void query_fini(struct mork_solution *q)
{
    if (q->lv)
        for (size_t i = 0; i < q->nconj; i++) {
            if (q->lv[i].open)
                pm_cur_fini(&q->lv[i].cur);
            rt_vec_free(&q->lv[i].st);
            rt_arena_free(&q->lv[i].arena);
        }
    rt_free(q->lv);
    rt_free(q->conj);
    mk_unifier_free(&q->u);
    rt_vec_free(&q->tbuf);
}

/* Set up the query for pattern term p (ns 0) of a buffer with nvars. */
static int query_init(struct mork_solution *q, const mork_space *s, mk_term p, uint32_t nvars)
{
    memset(q, 0, sizeof *q);
    q->s = s;
    q->pat = p;
    q->npvars = nvars;
    mk_unifier_init(&q->u);
    int rc = mk_ns_reserve(&q->u, 0, nvars ? nvars : 1);
    if (rc)
        return rc;
    uint32_t arity;
    if (is_conjunction(p, &arity)) {
        q->nconj = arity - 1;
        size_t off = mk_skip(p.b, p.off + (p.b[p.off] == MORK_TAG_ARITY_X ? 5 : 1), &(uint32_t){0});
        uint32_t base = p.base;
        if (q->nconj && !(q->conj = rt_calloc(q->nconj, sizeof *q->conj)))
            return RT_ENOMEM;
        for (size_t i = 0; i < q->nconj; i++) {
            q->conj[i] = (mk_term){p.b, off, base, 0};
            off = mk_skip(p.b, off, &base);
        }
    } else {
        q->nconj = 1;
        if (!(q->conj = rt_calloc(1, sizeof *q->conj)))
            return RT_ENOMEM;
        q->conj[0] = p;
    }
    if (q->nconj && !(q->lv = rt_calloc(q->nconj, sizeof *q->lv)))
        return RT_ENOMEM;
    for (size_t i = 0; i < q->nconj; i++) {
        pm_cur_init(&q->lv[i].cur, s->trie);
        q->lv[i].open = 1;
        rt_arena_init(&q->lv[i].arena, 0);
    }
    return RT_OK;
}

int mork_query_stats_run(const mork_space *s, const uint8_t *pat, size_t n, mork_solution_fn fn,
                         void *ctx, mork_query_stats *stats)
{
    size_t span;
    uint32_t nvars;
    int rc = mork_expr_span(pat, n, &span, &nvars);
    if (rc)
        return rc;
    if (span != n)
        return RT_EFORMAT;
    struct mork_solution q;
    mk_term p = {pat, 0, 0, 0};
    rc = query_init(&q, s, p, nvars);
    if (!rc) {
        q.emit = fn;
        q.ctx = ctx;
        rc = solve(&q, 0);
    }
    if (stats) {
        stats->states += q.st.states;
        stats->candidates += q.st.candidates;
        stats->solutions += q.st.solutions;
    }
    query_fini(&q);
    return rc;
}

int mork_query(const mork_space *s, const uint8_t *pat, size_t n, mork_solution_fn fn, void *ctx)
{
    return mork_query_stats_run(s, pat, n, fn, ctx, NULL);
}

size_t mork_solution_nconj(const mork_solution *sol)
{
    return sol->nconj;
}

void mork_solution_atom(const mork_solution *sol, size_t i, const uint8_t **e, size_t *n)
{
    *e = sol->lv[i].atom;
    *n = sol->lv[i].atom_len;
}

uint32_t mork_solution_nvars(const mork_solution *sol)
{
    return sol->npvars;
}

int mork_solution_var(const mork_solution *sol, uint32_t i, rt_buf *out)
{
    if (i >= sol->npvars)
        return RT_EINVAL;
    /* Instantiation only uses the unifier's scratch, not its bindings. */
    return mk_instantiate_var((mk_unifier *)&sol->u, 0, i, out);
}

int mork_solution_pattern(const mork_solution *sol, rt_buf *out)
{
    return mk_instantiate((mk_unifier *)&sol->u, sol->pat, out);
}

static int transform_emit(void *ctx, const mork_solution *sol)
{
    struct mork_solution *q = ctx;
    (void)sol;
    q->tbuf.n = 0;
    int rc = mk_instantiate(&q->u, q->tmpl, &q->tbuf);
    if (rc)
        return rc;
    return q->tfn(q->tctx, q->tbuf.v, q->tbuf.n);
}

int mork_transform(const mork_space *s, const uint8_t *pair, size_t n, mork_expr_fn fn, void *ctx)
{
    size_t span;
    uint32_t nvars;
    int rc = mork_expr_span(pair, n, &span, &nvars);
    if (rc)
        return rc;
    if (span != n || pair[0] != 2)
        return RT_EFORMAT;
    uint32_t pv = 0;
    size_t toff = mk_skip(pair, 1, &pv);
    struct mork_solution q;
    rc = query_init(&q, s, (mk_term){pair, 1, 0, 0}, nvars);
    if (!rc) {
        q.npvars = pv;
        q.tmpl = (mk_term){pair, toff, pv, 0};
        q.tfn = fn;
        q.tctx = ctx;
        q.emit = transform_emit;
        q.ctx = &q;
        rc = solve(&q, 0);
    }
    query_fini(&q);
    return rc;
}
