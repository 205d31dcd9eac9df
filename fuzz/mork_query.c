/*
 * Fuzz queries from text: the first line is a pattern, the rest is loaded
 * into a space. Every solution must name stored expressions, and the
 * instantiated pattern must be well-formed; a plain pattern's solutions
 * must be distinct stored expressions (one most general unifier each).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/mork.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct ctx {
    const mork_space *s;
    size_t n;
    rt_buf last;
} ctx;

static int on_sol(void *p, const mork_solution *sol)
{
    ctx *c = p;
    for (size_t i = 0; i < mork_solution_nconj(sol); i++) {
        const uint8_t *e;
        size_t n;
        int found = 0;
        mork_solution_atom(sol, i, &e, &n);
        if (mork_space_contains(c->s, e, n, &found) || !found)
            abort();
        if (mork_solution_nconj(sol) == 1) { /* trie order: strictly rising */
            if (c->n) {
                size_t m = n < c->last.n ? n : c->last.n;
                int cmp = memcmp(c->last.v, e, m);
                if (cmp > 0 || (cmp == 0 && c->last.n >= n))
                    abort();
            }
            c->last.n = 0;
            if (rt_buf_append(&c->last, e, n))
                abort();
        }
    }
    rt_buf b = {0};
    size_t span;
    if (mork_solution_pattern(sol, &b) || mork_expr_span(b.v, b.n, &span, NULL) || span != b.n)
        abort();
    rt_vec_free(&b);
    return ++c->n > 2000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    if (!nl)
        return 0;
    size_t plen = (size_t)(nl - text);
    rt_buf pat = {0};
    if (mork_parse_one(text, plen, &pat, NULL)) {
        rt_vec_free(&pat);
        return 0;
    }
    mork_space *s;
    if (mork_space_new(&s))
        abort();
    if (mork_space_add_text(s, nl + 1, size - plen - 1, NULL, NULL, NULL) == RT_OK) {
        ctx c = {s, 0, {0}};
        int rc = mork_query(s, pat.v, pat.n, on_sol, &c);
        if (rc != 0 && rc != 1)
            abort();
        rt_vec_free(&c.last);
    }
    mork_space_free(s);
    rt_vec_free(&pat);
    return 0;
}
