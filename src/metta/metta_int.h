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
 *   SYM    perm; extra = symbol id; raw = name (NUL-terminated);
 *          pad = SYF_* bits, a copy of what its ms_symbol defines
 *          (checked on every call without a load from the table)
 *   VAR    extra = unique id; raw u32 = name symbol id
 *   EXPR   nptr = arity; ptrs = children
 *   INT    raw i64         FLT  raw double
 *   STR    extra = length; raw = bytes (NUL-terminated)
 *   BOOL   perm; extra = 0 or 1
 *   SPACE  extra = space index
 *   STATE  extra = state index; ptrs[0] = its shared cell {value} (MK_LIST);
 *          the cell's extra is 0 except while a walk is inside its value,
 *          when it counts how often (how printing and equality stop on a
 *          state that holds itself, metta_print.c)
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
enum {
    MO_PERM = 1,     /* outside the heap, never moved */
    MO_HV_KNOWN = 2, /* expression: MO_HV below is valid */
    MO_HV = 4        /* expression: holds a variable somewhere */
};

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
    char *bump, *limit;   /* free space of the head chunk (its `used` is
                           * brought up to date when the head changes) */
    mh_chunk *head;       /* newest chunk: allocation happens here */
    size_t allocated;     /* bytes handed out since the last collection */
    size_t live;          /* bytes that survived the last collection */
    size_t threshold;     /* collect when allocated exceeds this */
    uint64_t collections;
    mh_chunk *free1;      /* spare default-size chunks (already faulted in) */
    mh_chunk *reserve;    /* emergency chunk, used once allocation fails */
} mh_heap;

/* A root: the address of a pointer slot the collector must update. */
typedef RT_VEC(mo **) mh_roots;
typedef RT_VEC(mo *) mo_vec;

/* Native (built-in) operations attached to symbols, see metta_lib*.c. */
struct metta_m;
typedef struct ml_alt ml_alt;
typedef int (*ml_native_fn)(struct metta_m *m, ml_alt *alt, ma *call, ma *type);

typedef ma *(*ml_pure_fn)(struct metta *mt, ma *call);

/*
 * The symbol atom's copy of its table entry (ms_sync sets it):
 *
 *   pad: | arity u8 | 0000 | BOOL | TYPED | PURE | NATIVE |
 *
 * arity = items of the built-in type (-> a1 .. an r), 0 when there is
 * none or it has more than 255; BOOL: that type's result is Bool.
 */
enum { SYF_NATIVE = 1, SYF_PURE = 2, SYF_TYPED = 4, SYF_BOOL = 8 };
#define SYF_ARITY(pad) ((uint32_t)(pad) >> 8)

typedef struct ms_symbol {
    ma *atom;             /* perm symbol atom */
    /* native, pure and type are set only while the library is installed,
     * each followed by ms_sync */
    ml_native_fn native;  /* NULL if the symbol names no built-in */
    ml_pure_fn pure;      /* a side-effect-free grounded function, or NULL */
    ma *type;             /* built-in type, perm expression, or NULL */
    ma *token;            /* atom bound with bind!, or NULL (a root) */
    uint64_t memo_key[2]; /* last memo keys looked up for this symbol: */
    uint32_t memo_idx[2]; /* [0] rules, [1] types, and their entries */
    /* One-entry copies of the memos (metta_cache.c) for the symbol's last
     * lookups, valid while the space's generation is unchanged; the lists
     * are roots. Every call of a user function reads both. */
    ma *tlist;            /* declared types in space tsp at generation tgen */
    ma *rlist;            /* rules of arity rarity in space rsp at rgen */
    uint64_t tgen, rgen;
    uint32_t tsp, rsp, rarity, rlo, rhi;
} ms_symbol;

typedef struct mspace {
    mork_space *ms;
    uint64_t gen; /* bumped by every change, to invalidate caches */
    int expr_types; /* may hold (: <expression> T): set on add, never cleared */
    int odd_rules;  /* may hold (= (<non-symbol head> ...) ...): likewise */
} mspace;

/* Copy a symbol's native/pure/type presence into its atom's SYF_* bits. */
static inline void ms_sync(ms_symbol *sy)
{
    unsigned f = (sy->native ? SYF_NATIVE : 0) | (sy->pure ? SYF_PURE : 0);
    const ma *t = sy->type;
    if (t) {
        f |= SYF_TYPED;
        if (t->kind == MA_EXPR && t->nptr >= 2 && t->nptr < 256) {
            const ma *r = MA_ITEMS(t)[t->nptr - 1];
            f |= t->nptr << 8;
            if (r->kind == MA_SYM && strcmp(MA_NAME(r), "Bool") == 0)
                f |= SYF_BOOL;
        }
    }
    sy->atom->pad = (uint16_t)f;
}

/* Well-known symbols interned at start-up. */
typedef struct msyms {
    ma *eq, *colon, *arrow, *comma, *empty, *notreducible, *error, *undefined, *atom, *symbol,
        *variable, *expression, *grounded, *type, *number, *string, *bool_, *spacetype,
        *statemonad, *unit, *stackoverflow, *noreturn, *incorrect_nargs, *badtype, *badargtype,
        *ret, *function, *quote, *self, *chain, *eval, *unify, *metta, *cons, *decons,
        *collapse_bind, *superpose_bind, *context_space, *evalc, *true_, *false_, *divzero,
        *errortype, *if_;
} msyms;

typedef struct mc_cache mc_cache;

/* Integers in [LO, HI) are shared perm atoms: counters and small results
 * then cost no allocation. */
enum { SMALL_INT_LO = -128, SMALL_INT_HI = 1024 };

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
    ma *small_int[SMALL_INT_HI - SMALL_INT_LO]; /* perm Ints, made once */
    uint32_t next_var;
    RT_VEC(mspace) spaces;       /* index 0 is &self */
    mo_vec states;               /* state cells, by index (roots) */
    rt_pool *pool;               /* borrowed, for bulk loads */
    FILE *out;                   /* println!, trace! output */
    metta_limits lim;
    rt_buf scratch;              /* encoding scratch */
    rt_buf scratch2;
    char errbuf[256];
    int oom;                     /* set when an allocation failed */
    mc_cache *cache;             /* query memos (metta_cache.c) */
    char *base_dir;              /* where import! and include look (owned) */
    int import_depth;            /* nesting of import! (bounded) */
    struct metta_m *cur_m;       /* the running evaluator (its plan is a root) */
    uint32_t gen_base;           /* for caches keyed on space generations */
};

/* ---- heap (metta_heap.c) ---- */
int mh_init(metta *mt);
void mh_fini(metta *mt);
/* Pointer slots and raw bytes are left uninitialised: the caller fills
 * them before the step ends (collection only runs between steps). The
 * bump fast path is inline; mh_alloc_slow starts a new chunk. */
mo *mh_alloc_slow(metta *mt, uint8_t kind, uint32_t nptr, size_t raw);
static inline mo *mh_alloc(metta *mt, uint8_t kind, uint32_t nptr, size_t raw)
{
    size_t sz = (sizeof(mo) + (size_t)nptr * sizeof(void *) + raw + 7) & ~(size_t)7;
    if (sz < sizeof(mo) + 8)
        sz = sizeof(mo) + 8;
    char *p = mt->heap.bump;
    if (RT_UNLIKELY((size_t)(mt->heap.limit - p) < sz || sz > UINT32_MAX))
        return mh_alloc_slow(mt, kind, nptr, raw);
    mt->heap.bump = p + sz;
    mt->heap.allocated += sz;
    mo *o = (mo *)p;
    o->size = (uint32_t)sz;
    o->nptr = nptr;
    o->kind = kind;
    o->flags = 0;
    o->pad = 0;
    o->extra = 0;
    return o;
}
/* The same, zero-filled (frames, growable lists). */
mo *mh_alloc0(metta *mt, uint8_t kind, uint32_t nptr, size_t raw);
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

static inline int ma_is_error(metta *mt, const ma *a)
{
    return a->kind == MA_EXPR && a->nptr >= 1 && MO_PTRS(a)[0] == mt->s.error;
}

/* ---- explicit stacks for walks over atoms (metta_walk.c) ---- */
/*
 * Atoms can nest as deep as the text (or a program) makes them, so no walk
 * over an atom recurses on the C stack. A walk keeps its frames in an
 * mw_stack that starts in a small array in the caller's frame and moves to
 * the heap when it outgrows it:
 *
 *   inline:  [f0 f1 .. f31]          (no allocation for ordinary atoms)
 *   spilled: heap [f0 f1 ........ fn] (geometric growth, freed by mw_free)
 */
typedef struct mw_stack {
    char *v;     /* frames */
    size_t n;    /* frames in use */
    size_t cap;  /* frames available */
    size_t esz;  /* bytes per frame */
    char *inl;   /* the caller's inline array (not freed) */
} mw_stack;

static inline void mw_init(mw_stack *s, void *inl, size_t cap, size_t esz)
{
    s->v = s->inl = inl;
    s->n = 0;
    s->cap = cap;
    s->esz = esz;
}
int mw_grow(mw_stack *s); /* RT_ENOMEM */
static inline void *mw_push(mw_stack *s)
{
    if (s->n == s->cap && mw_grow(s))
        return NULL;
    return s->v + s->n++ * s->esz;
}
static inline void *mw_top(mw_stack *s)
{
    return s->v + (s->n - 1) * s->esz;
}
static inline void *mw_at(mw_stack *s, size_t i)
{
    return s->v + i * s->esz;
}
static inline void mw_free(mw_stack *s)
{
    if (s->v != s->inl)
        rt_free(s->v);
    s->v = s->inl;
    s->n = 0;
}

/*
 * Rebuild an atom bottom-up, copying only the expressions whose children
 * changed. fn is called on every atom reached (a before its children):
 * it returns the atom's replacement, and sets *descend when the children
 * of that replacement (an expression) are to be visited in turn. NULL from
 * fn or from an allocation: the result is NULL (mt->oom says which).
 */
typedef ma *(*mw_fn)(metta *mt, void *ctx, ma *a, int *descend);
ma *mw_map(metta *mt, ma *a, mw_fn fn, void *ctx);

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
int ma_has_vars_slow(const ma *a);
static inline int ma_has_vars(const ma *a)
{
    if (a->kind == MA_VAR)
        return 1;
    if (a->kind != MA_EXPR)
        return 0;
    if (a->flags & MO_HV_KNOWN)
        return (a->flags & MO_HV) != 0;
    return ma_has_vars_slow(a);
}

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

/* Slower paths kept out of line, so the hot callers stay small. */
#if defined(__GNUC__) || defined(__clang__)
#define MM_NOINLINE __attribute__((noinline))
#else
#define MM_NOINLINE
#endif

/* ---- query memos (metta_cache.c) ---- */
int mc_types(metta *mt, uint32_t sp, ma *sym, mo_vec *out);
/* The declared types of sym in space sp, as an expression (a memo). */
int mc_types_list_slow(metta *mt, uint32_t sp, ma *sym, ma **list);
static inline int mc_types_list(metta *mt, uint32_t sp, ma *sym, ma **list)
{
    /* the symbol's one-entry copy, valid while the space is unchanged */
    ms_symbol *sy = &mt->syms.v[sym->extra];
    if (RT_LIKELY(sy->tlist && sy->tsp == sp && sy->tgen == mt->spaces.v[sp].gen)) {
        *list = sy->tlist;
        return 0;
    }
    return mc_types_list_slow(mt, sp, sym, list);
}
/* The rules of call's head and arity: *list = expression of (= lhs rhs)
 * atoms whose variables have ids lo..hi, or NULL (query the trie). */
int mc_rules_slow(metta *mt, uint32_t sp, ma *call, ma **list, uint32_t *lo, uint32_t *hi);
static inline int mc_rules(metta *mt, uint32_t sp, ma *call, ma **list, uint32_t *lo,
                           uint32_t *hi)
{
    ma *head = MA_ITEMS(call)[0];
    if (RT_LIKELY(head->kind == MA_SYM)) {
        ms_symbol *sy = &mt->syms.v[head->extra];
        if (sy->rlist && sy->rsp == sp && sy->rarity == call->nptr &&
            sy->rgen == mt->spaces.v[sp].gen) {
            *list = sy->rlist;
            *lo = sy->rlo;
            *hi = sy->rhi;
            return 0;
        }
    }
    return mc_rules_slow(mt, sp, call, list, lo, hi);
}
void mc_free(metta *mt);
void mc_gc(metta *mt, void (*fwd)(void *g, mo **slot), void *g);
/* Copy a renaming variables with ids in [lo, hi]; map is shared scratch. */
ma *ma_fresh_range(metta *mt, ma *a, uint32_t lo, uint32_t hi, void *map);
int ma_has_range(const ma *a, uint32_t lo, uint32_t hi);

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
    mo_vec scr_a, scr_b; /* reusable scratch of call_rules */
    mo_vec scr_t;        /* reusable scratch of argument type checks */
    size_t plan_mark;    /* plan size when the current step began */
    int nest;            /* continuations run in place (see mm_ret) */
    int multi;           /* the step is pushing several results */
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
    CT_ASSERT_INCL, CT_SET1, CT_SET2
};
/* Evaluate atom (METTA mode), then call ml_then with each result. */
int mm_then(metta_m *m, ml_alt *cur, ma *atom, uint32_t op, ma *aux);
int ml_then(metta_m *m, ml_alt *cur, uint32_t op, ma *aux, ma *val, mo *b);
int mm_chain(metta_m *m, ml_alt *cur, ma *atom, ma *var, ma *tmpl);
int mm_function(metta_m *m, ml_alt *cur, ma *call, ma *body);
int mm_eval_step(metta_m *m, ml_alt *cur, ma *x);
enum { TH_MAP = 1, TH_FILTER, TH_FOLDL, TH_ASSERT, TH_FOREACH };
int ml_install_extra(metta *mt);
int ml_install_mod(metta *mt);
int ml_install_doc(metta *mt);
/* metta_run into space sp (module loading); `&self` names sp. */
int mrun_text(metta *mt, uint32_t sp, const char *text, size_t len, metta_result_fn fn,
              void *ctx, metta_stats *st, metta_error *err);
/* The list operations on the items of a and b, as a new expression in
 * *out: b NULL: a without repeats, first kept (unique); op 'u': a then b
 * (union); 'i': the items of a matched one-to-one by items of b
 * (intersection); otherwise those left unmatched (subtraction). RT_ENOMEM. */
int ml_set_combine(metta *mt, const ma *a, const ma *b, int op, ma **out);
int ml_set_finish(metta_m *m, ml_alt *cur, ma *call, ma *a, ma *b);
int ml_assert_then(metta_m *m, ml_alt *cur, ma *call, ma *val, mo *b);
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
