/*
 * Fuzz the byte decoder: arbitrary bytes offered as an encoded expression
 * must be rejected (RT_EFORMAT) or accepted as exactly one well-formed
 * expression that prints, can be stored,
 * found and removed, and can serve as a query pattern against a small
 * space holding variables, escapes and nesting.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/mork.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_solutions(void *ctx, const mork_solution *sol)
{
    size_t *n = ctx;
    rt_buf b = {0};
    if (mork_solution_pattern(sol, &b))
        abort();
    size_t span;
    if (mork_expr_span(b.v, b.n, &span, NULL) || span != b.n)
        abort();
    rt_vec_free(&b);
    return ++*n > 1000; /* bound the work per input */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t span;
    uint32_t nv;
    int rc = mork_expr_span(data, size, &span, &nv);
    if (rc) {
        if (rc != RT_EFORMAT)
            abort();
        return 0;
    }
    if (span == 0 || span > size)
        abort();
    rt_buf t = {0};
    if (mork_expr_print(&t, data, span))
        abort();
    mork_space *s;
    if (mork_space_new(&s))
        abort();
    static const char base[] =
        "(edge 1 2) (edge $x $x) (f (g $y) $y) (h \"s t\") $z ()\n"
        "(long xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)";
    if (mork_space_add_text(s, base, sizeof base - 1, NULL, NULL, NULL))
        abort();
    int added, found, removed;
    if (mork_space_add(s, data, span, &added))
        abort();
    if (mork_space_contains(s, data, span, &found) || !found)
        abort();
    size_t n = 0;
    rc = mork_query(s, data, span, count_solutions, &n);
    if (rc != 0 && rc != 1)
        abort();
    /* A plain pattern is stored itself, so it has a solution. */
    int conj = span >= 3 && data[0] >= 1 && data[0] <= MORK_ARITY_MAX && data[1] == 0xC1 &&
               data[2] == ',';
    if (n == 0 && !conj)
        abort();
    if (mork_space_remove(s, data, span, &removed) || !removed)
        abort();
    mork_space_free(s);
    rt_vec_free(&t);
    return 0;
}
