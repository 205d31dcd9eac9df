/*
 * Interpreter set-up and the program runner.
 *
 * A program is processed top to bottom. Each `!` atom is evaluated against
 * everything loaded before it. A run of consecutive plain atoms is loaded
 * into &self; a long run goes through mork's parallel text loader (cut at
 * top-level boundaries, one trie per worker, then joined), which stores
 * exactly the bytes the one-by-one path would, because grounded literals are
 * stored in their source spelling (see metta_space.c). Runs that mention a
 * bound token (a symbol starting with `&`, such as &self) are read by the
 * MeTTa reader instead, because tokens are replaced by their values at read
 * time as in the reference.
 *
 *   text:  fact fact fact ... fact !(query) fact fact !(query)
 *          \______ bulk run ____/ \ eval / \_ run _/ \ eval /
 */
#include "metta/metta_int.h"

#include <stdio.h>
#include <stdlib.h>

enum { BULK_MIN_BYTES = 1 << 16 };

int ml_def(metta *mt, const char *name, ml_native_fn fn, const char *type)
{
    ma *s = ma_symz(mt, name);
    if (!s)
        return RT_ENOMEM;
    ms_symbol *e = &mt->syms.v[s->extra];
    e->native = fn;
    if (type) {
        ma *t = ml_parse(mt, type);
        if (!t)
            return RT_ENOMEM;
        e = &mt->syms.v[s->extra]; /* parsing may have grown the table */
        e->type = t;
    }
    ms_sync(e);
    return 0;
}

ma *ml_parse(metta *mt, const char *text)
{
    mr_reader r = {mt, text, strlen(text), 0, {0}};
    ma *a = NULL;
    int bang, found;
    size_t start;
    metta_error err;
    int rc = mr_next(&r, &a, &bang, &found, &start, &err);
    mr_fini(&r);
    return rc == 0 && found ? a : NULL;
}

static int intern_syms(metta *mt)
{
    msyms *s = &mt->s;
    struct {
        ma **slot;
        const char *name;
    } t[] = {
        {&s->eq, "="}, {&s->colon, ":"}, {&s->arrow, "->"}, {&s->comma, ","},
        {&s->empty, "Empty"}, {&s->notreducible, "NotReducible"}, {&s->error, "Error"},
        {&s->undefined, "%Undefined%"}, {&s->atom, "Atom"}, {&s->symbol, "Symbol"},
        {&s->variable, "Variable"}, {&s->expression, "Expression"}, {&s->grounded, "Grounded"},
        {&s->type, "Type"}, {&s->number, "Number"}, {&s->string, "String"}, {&s->bool_, "Bool"},
        {&s->spacetype, "SpaceType"}, {&s->statemonad, "StateMonad"}, {&s->unit, "()"},
        {&s->stackoverflow, "StackOverflow"}, {&s->noreturn, "NoReturn"},
        {&s->incorrect_nargs, "IncorrectNumberOfArguments"}, {&s->badtype, "BadType"},
        {&s->badargtype, "BadArgType"}, {&s->ret, "return"}, {&s->function, "function"},
        {&s->quote, "quote"}, {&s->self, "&self"}, {&s->chain, "chain"}, {&s->eval, "eval"},
        {&s->unify, "unify"}, {&s->metta, "metta"}, {&s->cons, "cons-atom"},
        {&s->decons, "decons-atom"}, {&s->collapse_bind, "collapse-bind"},
        {&s->superpose_bind, "superpose-bind"}, {&s->context_space, "context-space"},
        {&s->evalc, "evalc"}, {&s->true_, "True"}, {&s->false_, "False"},
        {&s->divzero, "DivisionByZero"}, {&s->errortype, "ErrorType"}, {&s->if_, "if"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        *t[i].slot = ma_symz(mt, t[i].name);
        if (!*t[i].slot)
            return RT_ENOMEM;
    }
    return 0;
}

int mh_perm_consts(metta *mt);

int metta_new(metta **out, const metta_limits *lim, rt_pool *pool, FILE *print_out)
{
    metta *mt = rt_calloc(1, sizeof *mt);
    if (!mt)
        return RT_ENOMEM;
    rt_smap_init(&mt->symtab);
    rt_arena_init(&mt->perm, 0);
    mt->pool = pool;
    mt->out = print_out ? print_out : stdout;
    if (lim)
        mt->lim = *lim;
    if (!mt->lim.max_depth)
        mt->lim.max_depth = 1000000;
    int rc = mh_init(mt);
    if (rc == 0)
        rc = mh_perm_consts(mt);
    /* symbol 0 is reserved so that a variable's name id 0 means "anonymous" */
    if (rc == 0 && !ma_symz(mt, "$"))
        rc = RT_ENOMEM;
    if (rc == 0)
        rc = intern_syms(mt);
    uint32_t self;
    if (rc == 0)
        rc = msp_new(mt, &self);
    if (rc == 0) {
        ma *sp = ma_space(mt, self);
        if (!sp)
            rc = RT_ENOMEM;
        else
            mt->syms.v[mt->s.self->extra].token = sp;
    }
    if (rc == 0)
        rc = ml_install_core(mt);
    if (rc == 0)
        rc = ml_install_data(mt);
    if (rc == 0)
        rc = ml_install_extra(mt);
    if (rc == 0)
        rc = ml_install_mod(mt);
    if (rc == 0)
        rc = ml_install_doc(mt);
    if (rc) {
        metta_free(mt);
        return rc;
    }
    *out = mt;
    return 0;
}

void metta_free(metta *mt)
{
    if (!mt)
        return;
    for (size_t i = 0; i < mt->spaces.n; i++)
        mork_space_free(mt->spaces.v[i].ms);
    rt_vec_free(&mt->spaces);
    rt_vec_free(&mt->states);
    rt_vec_free(&mt->syms);
    rt_smap_free(&mt->symtab);
    rt_arena_free(&mt->perm);
    rt_vec_free(&mt->scratch);
    rt_vec_free(&mt->scratch2);
    mc_free(mt);
    rt_free(mt->base_dir);
    mh_fini(mt);
    rt_free(mt);
}

/* Replace bound tokens (&self, bind! names) by their atoms. */
static ma *token_fn(metta *mt, void *ctx, ma *a, int *descend)
{
    ma *self = ctx;
    if (a->kind == MA_SYM) {
        if (a == mt->s.self && self)
            return self;
        ma *t = mt->syms.v[a->extra].token;
        return t ? t : a;
    }
    *descend = a->kind == MA_EXPR;
    return a;
}

static ma *subst_tokens(metta *mt, ma *a, ma *self)
{
    return mw_map(mt, a, token_fn, self);
}

static int report(metta *mt, metta_m *m, ma *x, size_t start, const char *text, size_t len,
                  metta_result_fn fn, void *ctx, metta_stats *st)
{
    rt_buf o = {0};
    int rc = rt_buf_putc(&o, '[');
    int failed = 0;
    for (size_t i = 0; i < m->results.n && rc == 0; i++) {
        if (i)
            rc = rt_buf_append(&o, ", ", 2);
        if (rc == 0)
            rc = ma_print(mt, &o, m->results.v[i]);
        if (ma_is_error(mt, m->results.v[i]))
            failed = 1;
    }
    if (rc == 0)
        rc = rt_buf_putc(&o, ']');
    int is_assert = x->kind == MA_EXPR && x->nptr && MA_ITEMS(x)[0]->kind == MA_SYM &&
                    strncmp(MA_NAME(MA_ITEMS(x)[0]), "assert", 6) == 0;
    if (st) {
        st->evaluated++;
        st->steps += m->steps;
        if (is_assert) {
            st->asserts++;
            st->assert_failures += failed;
        }
    }
    if (rc == 0 && fn) {
        metta_result r = {(const char *)o.v, o.n, 1, 1, is_assert, is_assert && failed};
        for (size_t i = 0; i < start && i < len; i++) {
            if (text[i] == '\n') {
                r.line++;
                r.col = 1;
            } else {
                r.col++;
            }
        }
        rc = fn(ctx, &r);
    }
    rt_vec_free(&o);
    return rc;
}

static int run_has_token(const char *t, size_t n)
{
    return memchr(t, '&', n) != NULL;
}

/* Could text hold an expression whose head is the one-byte symbol c, as in
 * `(= ...` or `( : ...`? (Conservative: strings and comments count too.) */
static int mentions_head(const char *t, size_t n, char c)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i] != '(')
            continue;
        size_t j = i + 1;
        while (j < n && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r'))
            j++;
        if (j + 1 < n && t[j] == c && (t[j + 1] == ' ' || t[j + 1] == '\t' || t[j + 1] == '\n' ||
                                        t[j + 1] == '\r' || t[j + 1] == '('))
            return 1;
    }
    return 0;
}

/* Load [from, to) of text with mork's parallel loader. */
static int bulk_load(metta *mt, uint32_t sp, const char *text, size_t from, size_t to,
                     metta_stats *st, metta_error *err)
{
    mork_perr pe = {0};
    size_t n = 0;
    int rc = mork_space_add_text(mt->spaces.v[sp].ms, text + from, to - from, mt->pool, &n, &pe);
    mt->spaces.v[sp].gen++;
    /* the parts were not inspected atom by atom: assume the worst when
     * the text could hold such declarations or rules */
    if (mentions_head(text + from, to - from, ':'))
        mt->spaces.v[sp].expr_types = 1;
    if (mentions_head(text + from, to - from, '='))
        mt->spaces.v[sp].odd_rules = 1;
    if (rc == RT_ESYNTAX && err) {
        size_t line = 1, col = 1, off = from + pe.offset;
        for (size_t i = 0; i < off; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        err->line = line;
        err->col = col;
        snprintf(err->msg, sizeof err->msg, "%s", pe.msg ? pe.msg : "syntax error");
    }
    if (rc == 0 && st)
        st->loaded += n;
    return rc;
}

int metta_run(metta *mt, const char *text, size_t len, metta_result_fn fn, void *ctx,
              metta_stats *st, metta_error *err)
{
    return mrun_text(mt, 0, text, len, fn, ctx, st, err);
}

int mrun_text(metta *mt, uint32_t sp, const char *text, size_t len, metta_result_fn fn,
              void *ctx, metta_stats *st, metta_error *err)
{
    mr_reader r = {mt, text, len, 0, {0}};
    int rc = 0;
    ma *x = NULL;
    size_t scanned = 0; /* text before this offset is known to hold no long run */
    ma *self = sp ? ma_space(mt, sp) : NULL; /* &self inside a module */
    if (mh_root_push(mt, &x))
        return RT_ENOMEM;
    if (mh_root_push(mt, &self)) {
        mh_root_pop(mt, 1);
        return RT_ENOMEM;
    }
    for (;;) {
        if (mt->pool && rt_pool_nthreads(mt->pool) > 1 && r.pos >= scanned) {
            /* find the run of plain atoms starting here */
            size_t p = r.pos, end = r.pos, s0;
            int bang = 0, k;
            while ((k = mr_skip(text, len, &p, &bang, &s0)) == 1 && !bang)
                end = p;
            scanned = end > r.pos ? end : r.pos + 1;
            if (end - r.pos >= BULK_MIN_BYTES && !run_has_token(text + r.pos, end - r.pos)) {
                rc = bulk_load(mt, sp, text, r.pos, end, st, err);
                if (rc)
                    break;
                r.pos = end;
            }
        }
        int bang, found;
        size_t start = 0;
        x = NULL;
        rc = mr_next(&r, &x, &bang, &found, &start, err);
        if (rc || !found)
            break;
        x = subst_tokens(mt, x, self);
        if (!x) {
            rc = RT_ENOMEM;
            break;
        }
        if (!bang) {
            rc = msp_add(mt, sp, x);
            if (rc)
                break;
            if (st)
                st->loaded++;
            continue;
        }
        metta_m m;
        rc = mm_run(mt, &m, x, sp);
        if (rc == 0) {
            x = m.top;
            rc = report(mt, &m, x, start, text, len, fn, ctx, st);
        }
        mm_fini(&m);
        if (rc)
            break;
    }
    mh_root_pop(mt, 2);
    mr_fini(&r);
    return rc;
}

int metta_set_base_dir(metta *mt, const char *dir)
{
    char *d = rt_strdup(dir ? dir : ".");
    if (!d)
        return RT_ENOMEM;
    rt_free(mt->base_dir);
    mt->base_dir = d;
    return 0;
}
