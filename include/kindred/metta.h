/*
 * metta: an interpreter for the MeTTa language whose atom space is the mork
 * trie space (include/kindred/mork.h).
 *
 * Semantics follow the reference interpreter (hyperon-experimental): the
 * `metta` evaluation algorithm of its docs/metta.md (type-directed argument
 * evaluation, nondeterministic results with variable bindings, Empty,
 * NotReducible, Error atoms), the minimal instructions of its
 * docs/minimal-metta.md, and the core of its standard library. docs/metta.md
 * in this repository lists what is implemented and where it differs.
 *
 * Program text is a sequence of top-level atoms. An atom prefixed by `!` is
 * evaluated and its results reported; every other atom is added to the
 * space `&self` (facts, `=` rules and `:` declarations alike).
 *
 * Thread safety: an interpreter is used by one thread at a time; distinct
 * interpreters are independent (no global state).
 */
#ifndef KINDRED_METTA_H
#define KINDRED_METTA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kindred/rt.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct metta metta;

/* Resource limits; 0 means the default. */
typedef struct metta_limits {
    uint64_t max_steps;  /* evaluator steps per `!` expression; default unlimited */
    uint32_t max_depth;  /* continuation depth; default 1000000 */
} metta_limits;

/* Where and why text failed. line and col are 1-based (col counts bytes). */
typedef struct metta_error {
    size_t line, col;
    char msg[160];
} metta_error;

/*
 * Create an interpreter with the standard library installed.
 * lim may be NULL. pool (borrowed, may be NULL) is used for parallel bulk
 * loading of facts. out (borrowed; NULL = stdout) receives println! and
 * trace! output. Free with metta_free. RT_ENOMEM.
 */
int metta_new(metta **out, const metta_limits *lim, rt_pool *pool, FILE *print_out);
void metta_free(metta *mt); /* NULL ok */

/* One reported `!` expression. text is the results in the reference
 * interpreter's form, `[r1, r2]`, borrowed for the duration of the call. */
typedef struct metta_result {
    const char *text;
    size_t len;
    size_t line, col;   /* position of the `!` */
    int is_assert;      /* the expression's head is an assert* operation */
    int failed;         /* an assertion that produced an Error result */
} metta_result;

typedef int (*metta_result_fn)(void *ctx, const metta_result *r);

/* Counters of one run. */
typedef struct metta_stats {
    size_t loaded;      /* atoms added to &self */
    size_t evaluated;   /* `!` expressions */
    size_t asserts, assert_failures;
    uint64_t steps;
} metta_stats;

/*
 * Run program text: atoms are processed in order, each `!` expression sees
 * every atom before it. Runs of consecutive non-`!` atoms are bulk-loaded
 * through the space's parallel path when a pool was given; the outcome is
 * identical to loading them one by one. fn (may be NULL) is called once per
 * `!` expression; a non-zero return stops the run and is returned.
 * st (may be NULL) accumulates counters.
 * Errors: RT_ESYNTAX with err filled (position of the first bad byte);
 * RT_ENOMEM. Evaluation errors are Error atoms in the results, not failures.
 */
int metta_run(metta *mt, const char *text, size_t len, metta_result_fn fn, void *ctx,
              metta_stats *st, metta_error *err);

/*
 * Directory where import! and include look for `NAME.metta` (the CLI sets
 * it to the directory of the program file). Copied. Default: ".".
 */
int metta_set_base_dir(metta *mt, const char *dir);

/* Number of atoms in &self. */
size_t metta_space_size(const metta *mt);

#ifdef __cplusplus
}
#endif
#endif /* KINDRED_METTA_H */
