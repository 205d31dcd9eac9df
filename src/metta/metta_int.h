/*
 * cmetta internals shared by the src/metta modules.
 *
 * Heap objects. Every atom, continuation frame and binding cell lives in one
 * per-interpreter heap and starts with the same 16-byte header, followed by
 * `nptr` pointer slots and then raw bytes:
 *
 *   +---------+---------+------+-------+-------+----------------+---------+
 *   | size u32| nptr u32| kind | flags | pad16 | extra u32      | ptrs... | raw...
 *   +---------+---------+------+-------+-------+----------------+---------+
 *
 * Because the layout is uniform, the collector copies any object without
 * knowing its kind: it moves `size` bytes and then forwards the first `nptr`
 * slots. Objects flagged MO_PERM (interned symbols, True/False, constants)
 * live outside the heap and are never moved. Collection is a Cheney copy
 * that runs only between evaluator steps, when every live pointer is held
 * by a registered root (the evaluator's plan and results, interpreter state
 * cells, the runner's current expression); C locals never hold heap
 * pointers across a step boundary.
 *
 * Atom kinds and their fields:
 *   SYM    perm; extra = symbol id; raw = name (NUL-terminated)
 *   VAR    extra = unique id; raw u32 = name symbol id
 *   EXPR   nptr = arity; ptrs = children
 *   INT    raw i64         FLT  raw double
 *   STR    extra = length; raw = bytes (NUL-terminated)
 *   BOOL   perm; extra = 0 or 1
 *   SPACE  extra = space index      STATE  extra = state index
 *   BINDS  ptrs[0] = a bindings list (the grounded result of collapse-bind)
 */
#ifndef KINDRED_METTA_INT_H
#define KINDRED_METTA_INT_H

#include <stdint.h>
#include <string.h>

#include "kindred/metta.h"
#include "kindred/mork.h"
#include "kindred/rt.h"

typedef struct mo {
    uint32_t size;
    uint32_t nptr;
    uint8_t kind;
    uint8_t flags;
    uint16_t pad;
    uint32_t extra;
} mo;

enum {
    MA_SYM = 1, MA_VAR, MA_EXPR, MA_INT, MA_FLT, MA_STR, MA_BOOL, MA_SPACE, MA_STATE, MA_BINDS,
    MK_FRAME = 32, MK_BIND, MK_LIST, MK_FWD = 255
};
enum { MO_PERM = 1 };

typedef mo ma; /* an atom is a heap object of kind < MK_FRAME */

#define MO_PTRS(o) ((mo **)((char *)(o) + sizeof(mo)))
#define MO_RAW(o) ((void *)((char *)(o) + sizeof(mo) + (size_t)(o)->nptr * sizeof(void *)))
#define MA_ITEMS(a) ((ma **)MO_PTRS(a))
#define MA_ARITY(a) ((a)->nptr)
#define MA_NAME(a) ((const char *)MO_RAW(a))
#define MA_INTV(a) (*(int64_t *)MO_RAW(a))
#define MA_FLTV(a) (*(double *)MO_RAW(a))
#define MA_STRV(a) ((const char *)MO_RAW(a))
#define MA_VARNAME(a) (*(uint32_t *)MO_RAW(a))

static inline int ma_is_expr(const ma *a) { return a->kind == MA_EXPR; }
static inline int ma_is_num(const ma *a) { return a->kind == MA_INT || a->kind == MA_FLT; }
static inline int ma_is_grounded(const ma *a)
{
    return a->kind >= MA_INT && a->kind <= MA_BINDS;
}

/* A chunk of heap memory; objects never span chunks. */
typedef struct mh_chunk {
    struct mh_chunk *next;
    size_t cap, used;
    /* data follows, 16-byte aligned */
} mh_chunk;

typedef struct mh_heap {
    mh_chunk *head;       /* newest chunk: allocation happens here */
    size_t allocated;     /* bytes handed out since the last collection */
    size_t live;          /* bytes that survived the last collection */
    size_t threshold;     /* collect when allocated exceeds this */
    uint64_t collections;
} mh_heap;

/* A root: the address of a pointer slot the collector must update. */
typedef RT_VEC(mo **) mh_roots;
typedef RT_VEC(mo *) mo_vec;

/* Native (built-in) operations attached to symbols, see metta_lib*.c. */
struct metta_m;
typedef struct ml_alt ml_alt;
typedef int (*ml_native_fn)(struct metta_m *m, ml_alt *alt, ma *call, ma *type);

typedef struct ms_symbol {
    ma *atom;             /* perm symbol atom */
    ml_native_fn native;  /* NULL if the symbol names no built-in */
    ma *type;             /* built-in type, perm expression, or NULL */
    ma *token;            /* atom bound with bind!, or NULL (a root) */
} ms_symbol;

typedef struct mspace {
    mork_space *ms;
    uint64_t gen; /* bumped by every change, to invalidate caches */
} mspace;

/* Well-known symbols interned at start-up. */
typedef struct msyms {
    ma *eq, *colon, *arrow, *comma, *empty, *notreducible, *error, *undefined, *atom, *symbol,
        *variable, *expression, *grounded, *type, *number, *string, *bool_, *spacetype,
        *statemonad, *unit, *stackoverflow, *noreturn, *incorrect_nargs, *badtype, *badargtype,
        *ret, *function, *quote, *self, *chain, *eval, *unify, *metta, *cons, *decons,
        *collapse_bind, *superpose_bind, *context_space, *evalc, *true_, *false_, *divzero,
        *errortype;
} msyms;

/* The interpreter. */
struct metta {
    mh_heap heap;
    mh_roots roots;              /* registered root slots */
    RT_VEC(ms_symbol) syms;      /* by symbol id */
    rt_smap symtab;              /* name -> symbol id */
    rt_arena perm;               /* perm atoms */
    msyms s;
    ma *t_true, *t_false;        /* perm Bool atoms */
    ma *t_unit;                  /* perm () */
    uint32_t next_var;
    RT_VEC(mspace) spaces;       /* index 0 is &self */
    mo_vec states;               /* state values (roots) */
    rt_pool *pool;               /* borrowed, for bulk loads */
    FILE *out;                   /* println!, trace! output */
    metta_limits lim;
    rt_buf scratch;              /* encoding scratch */
    rt_buf scratch2;
    char errbuf[256];
    int oom;                     /* set when an allocation failed */
    struct metta_m *cur_m;       /* the running evaluator (its plan is a root) */
    uint32_t gen_base;           /* for caches keyed on space generations */
};

/* ---- heap (metta_heap.c) ---- */
int mh_init(metta *mt);
void mh_fini(metta *mt);
mo *mh_alloc(metta *mt, uint8_t kind, uint32_t nptr, size_t raw);
void mh_collect(metta *mt);
int mh_root_push(metta *mt, mo **slot);
void mh_root_pop(metta *mt, size_t n);

ma *ma_sym(metta *mt, const char *name, size_t len);
ma *ma_symz(metta *mt, const char *name);
uint32_t ma_sym_id(const ma *a);
ma *ma_var_new(metta *mt, uint32_t name_sym);
ma *ma_var_named(metta *mt, const char *name, size_t len);
ma *ma_expr(metta *mt, uint32_t n);
ma *ma_expr2(metta *mt, ma *a, ma *b);
ma *ma_expr3(metta *mt, ma *a, ma *b, ma *c);
ma *ma_expr4(metta *mt, ma *a, ma *b, ma *c, ma *d);
ma *ma_int(metta *mt, int64_t v);
ma *ma_flt(metta *mt, double v);
ma *ma_str(metta *mt, const char *s, size_t n);
ma *ma_bool(metta *mt, int v);
ma *ma_space(metta *mt, uint32_t idx);
ma *ma_state(metta *mt, uint32_t idx);
ma *ma_error(metta *mt, ma *what, ma *msg);
ma *ma_error_str(metta *mt, ma *what, const char *msg);
int ma_is_error(metta *mt, const ma *a);

/* ---- printing and comparison (metta_print.c) ---- */
int ma_print(metta *mt, rt_buf *out, const ma *a);
int ma_print_raw(metta *mt, rt_buf *out, const ma *a); /* strings without quotes */
void ma_fmt_float(double v, char *buf, size_t cap);
int ma_equal(const ma *a, const ma *b);
int ma_alpha_equal(const ma *a, const ma *b);
int ma_compare(const ma *a, const ma *b); /* total order for sorting */

/* ---- reader (metta_read.c) ---- */
/* Classify and build the atom for one token (numbers, strings, bools, symbols). */
ma *mr_token(metta *mt, const char *tok, size_t n);
typedef struct mr_reader {
    metta *mt;
    const char *text;
    size_t len, pos;
    RT_VEC(struct mr_var { uint32_t name; ma *var; }) vars; /* scope of one top-level expr */
} mr_reader;
/* Read one top-level item: *bang = 1 if prefixed by `!`. *found = 0 at end. */
int mr_next(mr_reader *r, ma **out, int *bang, int *found, size_t *start, metta_error *err);
void mr_fini(mr_reader *r);
/* Skip one top-level expression without building it; for bulk loading. */
int mr_skip(const char *text, size_t len, size_t *pos, int *bang, size_t *start);

/* ---- bindings and matching (metta_unify.c) ---- */
/* Bindings: immutable list of MK_BIND cells {next, var, value}; NULL = empty. */
mo *mb_add(metta *mt, mo *b, ma *var, ma *val);
ma *mb_lookup(mo *b, const ma *var);
ma *mb_walk(mo *b, ma *a);
/* Unify a and b under *b (two-sided, occurs check); extends *b. 1 = success. */
int mb_unify(metta *mt, ma *a, ma *b, mo **bind);
ma *mb_apply(metta *mt, mo *b, ma *a);
ma *ma_subst(metta *mt, ma *a, const ma *var, ma *val);
/* Copy a with every variable replaced by a fresh one (consistent). */
ma *ma_fresh(metta *mt, ma *a);
int ma_has_vars(const ma *a);

/* ---- spaces (metta_space.c) ---- */
int msp_new(metta *mt, uint32_t *idx);
int msp_encode(metta *mt, const ma *a, rt_buf *out);
ma *msp_decode(metta *mt, const uint8_t *e, size_t n);
int msp_add(metta *mt, uint32_t sp, ma *a);
int msp_remove(metta *mt, uint32_t sp, ma *a, int *removed);
/* Every atom unifying with pat: cb gets the atom instance of pat. */
typedef int (*msp_fn)(metta *mt, void *ctx, ma *inst);
int msp_query(metta *mt, uint32_t sp, ma *pat, msp_fn fn, void *ctx);
int msp_all(metta *mt, uint32_t sp, msp_fn fn, void *ctx);
/* Declared types of a symbol/atom in space sp (atoms T of (: a T)). */
int msp_types(metta *mt, uint32_t sp, ma *a, mo_vec *out);

/* ---- evaluator (metta_eval.c) ---- */
enum { EV_METTA = 0, EV_MINIMAL = 1, EV_CALL = 2, EV_RET = 3, EV_FINISH = 4 };

struct ml_alt {
    ma *atom;  /* atom to evaluate, or value being returned (EV_RET) */
    ma *type;  /* expected type */
    mo *k;     /* continuation frame (NULL = top) */
    mo *b;     /* bindings */
    ma *aux;   /* EV_FINISH: data for the continuation */
    uint32_t mode;
    uint32_t space;
    uint32_t op; /* EV_FINISH: which continuation */
};

typedef RT_VEC(ml_alt) ml_plan;

typedef struct metta_m {
    metta *mt;
    ml_plan plan;
    mo_vec results; /* values reaching the top */
    mo_vec resb;    /* unused slot kept for the collector */
    ma *top;        /* the atom being evaluated */
    uint64_t steps;
    int stopped;    /* step limit reached */
    int err;        /* fatal status (OOM) */
} metta_m;

/* Push an alternative (copied). */
int mm_push(metta_m *m, ml_alt *a);
int mm_ret(metta_m *m, ml_alt *cur, ma *val, mo *b);
int mm_eval(metta_m *m, ml_alt *cur, ma *atom, ma *type, uint32_t mode, mo *b);
/* Frames: generic builder used by natives. */
mo *mm_frame(metta *mt, uint32_t ftype, mo *prev, uint32_t nptr, size_t raw);
/* Evaluate atom completely (with collapse semantics) then call `after` native
 * continuation: used by collapse, case, assert*. */
int mm_collapse_then(metta_m *m, ml_alt *cur, ma *atom, uint32_t op, ma *aux, ma *type);
/* Run one evaluation to completion from atom; results in m->results. */
int mm_run(metta *mt, metta_m *m, ma *atom, uint32_t space);
void mm_fini(metta_m *m);
int mm_depth(const mo *k);
/* Types of an atom for type checking (grounded types, declarations). */
int mm_types_of(metta *mt, uint32_t sp, ma *a, mo_vec *out);
int mm_match_types(metta *mt, ma *t1, ma *t2, mo **b);
ma *mm_metatype(metta *mt, const ma *a);

/* Continuations delivered after a collapse (mm_collapse_then). */
enum {
    CT_COLLAPSE = 1, CT_CASE, CT_ASSERT_EQ, CT_ASSERT_EQ2, CT_ASSERT_RES, CT_COLLAPSE_BIND,
    CT_ASSERT_INCL
};
int ml_after_collapse(metta_m *m, ml_alt *cur, uint32_t op, ma *aux, ma *list, mo *listb);

/* ---- library (metta_lib*.c) ---- */
int ml_install(metta *mt);
int ml_install_core(metta *mt);
int ml_install_data(metta *mt);
int ml_def(metta *mt, const char *name, ml_native_fn fn, const char *type);
/* Parse one atom from text (for built-in types). */
ma *ml_parse(metta *mt, const char *text);
/* Results of a simple grounded op: evaluate each with the call's type. */
int ml_result(metta_m *m, ml_alt *cur, ma *r, ma *type);
int ml_result_b(metta_m *m, ml_alt *cur, ma *r, ma *type, mo *b);
int ml_error(metta_m *m, ml_alt *cur, ma *call, const char *msg);
int ml_noreduce(metta_m *m, ml_alt *cur, ma *call);

#endif
