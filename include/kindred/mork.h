/*
 * mork: an atom space of S-expressions stored as byte paths in a trie.
 *
 * Expressions are encoded in prefix order with one tag byte per node, the
 * layout MORK uses, so an expression's bytes are its trie key and equality is
 * memcmp. Variables are De Bruijn levels: the first occurrence of a variable
 * is NewVar, later occurrences name it by the order in which variables were
 * introduced. Alpha-equivalent expressions therefore have identical bytes.
 *
 *   tag byte   meaning                                   followed by
 *   ---------  ----------------------------------------  --------------------
 *   00..3F     expression of arity n = tag (0..63)       its n children
 *   40         expression of arity n >= 64     (escape)  u32 BE n, children
 *   41         symbol of length s >= 64        (escape)  u32 BE s, s bytes
 *   42         reference to variable i >= 64   (escape)  u32 BE i
 *   43..7F     invalid
 *   80..BF     reference to variable i = tag - 0x80
 *   C0         new variable (its index is the count of NewVars before it)
 *   C1..FF     symbol of length s = tag - 0xC0 (1..63)   s bytes
 *
 *   (edge 1 2)    03 | C4 'e' 'd' 'g' 'e' | C1 '1' | C1 '2'
 *   (foo $x $x)   03 | C3 'f' 'o' 'o' | C0 | 80
 *
 * The escapes live in the range MORK leaves unused (40..7F), and each is
 * used only when the inline form cannot hold the value, so every expression
 * MORK can encode keeps MORK's exact bytes and every expression has exactly
 * one encoding. Empty symbols do not exist (the text syntax cannot write
 * one). Limits: arity, symbol length and variable count below 2^32.
 *
 * Text syntax (mork_parse_*): atoms separated by whitespace; `(` `)` group;
 * `;` starts a comment to the end of the line; `$name` is a variable (names
 * are scoped to one top-level expression); a token starting with `"` is a
 * string running to the next unescaped `"` (backslash escapes the next byte)
 * and is kept, quotes included, as one symbol; anything else is a symbol.
 * The printer writes variables as $a .. $z, then $v26, $v27, ...
 *
 * Thread safety: every function is safe to call concurrently on distinct
 * objects. A space may be read (count, contains, foreach, query) by many
 * threads at once while no thread modifies it; snapshots (mork_space_clone)
 * are independent spaces and may be modified by other threads freely.
 */
#ifndef KINDRED_MORK_H
#define KINDRED_MORK_H

#include <stddef.h>
#include <stdint.h>

#include "kindred/rt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Byte encoding (mork_expr.c)                                               */
/* ------------------------------------------------------------------------ */

enum {
    MORK_ARITY_MAX = 0x3F,    /* largest inline arity */
    MORK_TAG_ARITY_X = 0x40,  /* escape: u32 BE arity follows */
    MORK_TAG_SYMBOL_X = 0x41, /* escape: u32 BE length and the bytes follow */
    MORK_TAG_VARREF_X = 0x42, /* escape: u32 BE variable index follows */
    MORK_TAG_VARREF = 0x80,   /* | index 0..63 */
    MORK_TAG_NEWVAR = 0xC0,
    MORK_TAG_SYMBOL = 0xC0,   /* | length 1..63 */
    MORK_INLINE_MAX = 63      /* largest inline arity, length or index */
};

/* Kinds of one decoded node. */
typedef enum mork_kind {
    MORK_EXPR = 0,   /* n = arity */
    MORK_SYMBOL = 1, /* n = length, sym = its bytes */
    MORK_NEWVAR = 2, /* n = the variable's index */
    MORK_VARREF = 3  /* n = the index it refers to */
} mork_kind;

typedef struct mork_node {
    mork_kind kind;
    uint32_t n;
    const uint8_t *sym; /* MORK_SYMBOL only; points into the decoded bytes */
    size_t hdr;         /* bytes of the tag (and escape and symbol bytes) */
} mork_node;

/*
 * Decode the node whose tag is at b[0] (len bytes available). `nvars` is the
 * number of NewVars before it in its expression; it numbers a NewVar and
 * bounds a reference. Returns RT_EFORMAT for a bad tag, a truncated node, a
 * non-canonical escape, or a reference to a variable not yet introduced.
 */
int mork_node_decode(const uint8_t *b, size_t len, uint32_t nvars, mork_node *out);

/*
 * Validate the one expression at the start of b (len bytes available):
 * *span = its length in bytes, *nvars (may be NULL) = its variable count.
 * Bytes after it are ignored. RT_EFORMAT if it is malformed or truncated.
 * Iterative: any nesting depth is fine.
 */
int mork_expr_span(const uint8_t *b, size_t len, size_t *span, uint32_t *nvars);

/* Builders: append one node's header to b. RT_ENOMEM; RT_EINVAL for an empty
 * symbol; RT_ELIMIT for values >= 2^32. Children of an arity follow it. */
int mork_enc_arity(rt_buf *b, size_t n);
int mork_enc_symbol(rt_buf *b, const void *s, size_t n);
int mork_enc_newvar(rt_buf *b);
int mork_enc_varref(rt_buf *b, size_t i);

/*
 * Append the text form of the expression e (n bytes, validated) to out, with
 * no trailing newline. Symbols are written byte for byte, so text produced
 * by the parser round-trips exactly. RT_EFORMAT on malformed bytes.
 */
int mork_expr_print(rt_buf *out, const uint8_t *e, size_t n);

/* ------------------------------------------------------------------------ */
/* Text parser (mork_parse.c)                                                */
/* ------------------------------------------------------------------------ */

/* Where and why text failed to parse. line and col are 1-based; col counts
 * bytes. msg is a static string. */
typedef struct mork_perr {
    size_t offset;
    size_t line, col;
    const char *msg;
} mork_perr;

/* Reusable parser scratch (variable table, nesting stack). One per thread. */
typedef struct mork_parser mork_parser;

int mork_parser_new(mork_parser **out);
void mork_parser_free(mork_parser *p); /* NULL ok */

/*
 * Skip whitespace and comments from text[*pos], then parse one expression
 * and append its encoding to out; *pos moves past it. *found = 0 (and
 * nothing appended) when only whitespace and comments remained. On a syntax
 * error returns RT_ESYNTAX, fills err (offset relative to text; line and col
 * counted from text), truncates out back to its length on entry. RT_ELIMIT
 * for values beyond the encoding's limits; RT_ENOMEM. Never reads outside
 * text[0..len).
 */
int mork_parse_next(mork_parser *p, const char *text, size_t len, size_t *pos,
                    rt_buf *out, int *found, mork_perr *err);

/* Parse text holding exactly one expression (comments and whitespace
 * around it allowed); RT_ESYNTAX when there is none or more than one. */
int mork_parse_one(const char *text, size_t len, rt_buf *out, mork_perr *err);

/*
 * Parse a pattern and a template with one variable scope and append the
 * 2-expression `(pattern template)`: the form mork_transform takes.
 * err->offset refers to whichever text failed (err->msg says which).
 */
int mork_parse_pair(const char *pattern, size_t plen, const char *tmpl, size_t tlen,
                    rt_buf *out, mork_perr *err);

/* 1-based line and byte column of offset in text. */
void mork_text_position(const char *text, size_t len, size_t offset, size_t *line, size_t *col);

/* ------------------------------------------------------------------------ */
/* Space (mork_space.c, mork_load.c)                                         */
/* ------------------------------------------------------------------------ */

/* A set of expressions. Owned by its creator; free with mork_space_free. */
typedef struct mork_space mork_space;

int mork_space_new(mork_space **out);
void mork_space_free(mork_space *s); /* NULL ok */

/* An O(1) snapshot: an independent space sharing structure with s
 * (copy-on-write). Free it with mork_space_free. */
int mork_space_clone(const mork_space *s, mork_space **out);

/* Add/remove/test one encoded expression (validated first: RT_EFORMAT if
 * malformed or followed by extra bytes). The flag out-parameter (*added,
 * *removed or *found) may be NULL. RT_ENOMEM leaves s unchanged. */
int mork_space_add(mork_space *s, const uint8_t *e, size_t n, int *added);
int mork_space_remove(mork_space *s, const uint8_t *e, size_t n, int *removed);
int mork_space_contains(const mork_space *s, const uint8_t *e, size_t n, int *found);

/* Number of distinct expressions. */
size_t mork_space_count(const mork_space *s);

/* Add every expression of s2 to s (set union). s2 is unchanged. */
int mork_space_join(mork_space *s, const mork_space *s2);

/*
 * Called once per expression (borrowed bytes, valid during the call). A
 * non-zero return stops the walk and is returned by the caller.
 */
typedef int (*mork_expr_fn)(void *ctx, const uint8_t *e, size_t n);

/* Every expression in trie order (bytewise lexicographic order). */
int mork_space_foreach(const mork_space *s, mork_expr_fn fn, void *ctx);

/*
 * Parse all of text and add every expression. With a pool of more than one
 * thread the text is cut at top-level expression boundaries, every worker
 * parses its part, the keys are split into disjoint ranges and every worker
 * builds the trie of one range; the tries are then joined. The result is
 * identical to a sequential load, whatever the thread count. *nexprs (may
 * be NULL) = expressions parsed, duplicates included. On a syntax error
 * returns RT_ESYNTAX (RT_ELIMIT beyond the encoding's limits) with err
 * filled for the first error in text order (offset within text); on any
 * error s is unchanged. pool is borrowed, may be NULL (sequential), and
 * this must be called from the pool's owner thread.
 */
int mork_space_add_text(mork_space *s, const char *text, size_t len, rt_pool *pool,
                        size_t *nexprs, mork_perr *err);

/*
 * Where a bulk load spent its time, for benchmarks on a shared machine:
 * per phase, the wall time, the sum of the jobs' thread CPU time and the
 * largest single job's thread CPU time. Sum over phases of cpu_max (plus
 * serial_ns) is what the load would take with a free core per thread.
 * Every field accumulates, so one struct can sum several loads.
 */
enum { MORK_PHASE_PARSE = 0, MORK_PHASE_SORT = 1, MORK_PHASE_BUILD = 2, MORK_PHASES = 3 };
typedef struct mork_load_stats {
    uint64_t wall_ns[MORK_PHASES];
    uint64_t cpu_sum_ns[MORK_PHASES];
    uint64_t cpu_max_ns[MORK_PHASES];
    uint64_t serial_ns; /* the owner's work between phases (joins included) */
    uint32_t parts, ranges;
} mork_load_stats;

/* mork_space_add_text, also filling *stats (may be NULL). */
int mork_space_add_text_stats(mork_space *s, const char *text, size_t len, rt_pool *pool,
                              size_t *nexprs, mork_perr *err, mork_load_stats *stats);

/* mork_space_add_text on a memory-mapped file. RT_EIO if it cannot be
 * opened (errno kept). */
int mork_space_load_file(mork_space *s, const char *path, rt_pool *pool, size_t *nexprs,
                         mork_perr *err);

/* ------------------------------------------------------------------------ */
/* Queries (mork_query.c, mork_unify.c)                                      */
/* ------------------------------------------------------------------------ */
/*
 * A pattern is an expression whose variables unify with stored expressions;
 * stored expressions may contain variables too (two-sided unification, with
 * occurs check), and every stored expression's variables are its own. A
 * pattern with head `,` -- `(, p1 p2 ...)` -- is a conjunction: a solution
 * picks one stored expression per conjunct such that all unify at once,
 * variables shared across conjuncts included. `(,)` has one solution.
 * The trie is descended on the pattern's constant bytes (and on stored
 * variables), so a pattern with a constant head never visits expressions
 * with another head. Solutions come in trie order of the first conjunct,
 * then the second, and so on.
 */
typedef struct mork_solution mork_solution;

/* Called once per solution; the solution is valid only during the call. A
 * non-zero return stops the query and is returned by it. */
typedef int (*mork_solution_fn)(void *ctx, const mork_solution *sol);

/* The space must not be modified while a query runs on it (query a clone
 * to add results as they come). RT_EFORMAT for a malformed pattern. */
int mork_query(const mork_space *s, const uint8_t *pat, size_t n, mork_solution_fn fn,
               void *ctx);

/* Work done by one query, to check that it stays proportional to the
 * answer rather than to the space. */
typedef struct mork_query_stats {
    uint64_t states;     /* trie positions expanded by the walks */
    uint64_t candidates; /* complete expressions handed to unification */
    uint64_t solutions;
} mork_query_stats;

/* mork_query, also accumulating into *stats (may be NULL). */
int mork_query_stats_run(const mork_space *s, const uint8_t *pat, size_t n, mork_solution_fn fn,
                         void *ctx, mork_query_stats *stats);

/* Solution accessors: call them only inside the callback, on its thread. */

/* Number of conjuncts (1 for a plain pattern). */
size_t mork_solution_nconj(const mork_solution *sol);
/* The stored expression matched by conjunct i (borrowed). */
void mork_solution_atom(const mork_solution *sol, size_t i, const uint8_t **e, size_t *n);
/* Number of variables in the pattern. */
uint32_t mork_solution_nvars(const mork_solution *sol);
/*
 * Append the value of pattern variable i, fully substituted, to out. Variables
 * left unbound are renumbered from 0 within the appended expression.
 */
int mork_solution_var(const mork_solution *sol, uint32_t i, rt_buf *out);
/* Append the whole pattern instantiated with the solution's bindings. */
int mork_solution_pattern(const mork_solution *sol, rt_buf *out);

/*
 * For each solution of the pattern, instantiate the template and call fn with
 * it. `pair` is the 2-expression (pattern template) (see mork_parse_pair), so
 * both share variables. Template variables absent from the pattern stay
 * variables. fn's bytes are borrowed, valid during the call.
 */
int mork_transform(const mork_space *s, const uint8_t *pair, size_t n, mork_expr_fn fn,
                   void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* KINDRED_MORK_H */
