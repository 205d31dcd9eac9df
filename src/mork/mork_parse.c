/*
 * Text to expression bytes, in one pass with no per-atom allocation.
 *
 * An expression's arity is unknown until its `)`, so `(` writes a one-byte
 * placeholder and remembers where; `)` patches it. An arity above 63 needs
 * the 5-byte escape, so the children are moved up by 4 bytes (rare, and
 * linear in the expression's size):
 *
 *   out:  ... [??] child child child ...      open stack: {tag_at, count, text_at}
 *              ^ patched at ')'
 *
 * Variable names are not copied: the table holds (pointer, length) into the
 * text, hashed into an open-addressed index whose slots carry a stamp, so
 * starting the next top-level expression clears it in O(1).
 */
#include "mork_int.h"

#include <string.h>

typedef struct open_frame {
    size_t tag_at;  /* offset of the placeholder tag in out */
    size_t count;   /* children so far */
    size_t text_at; /* offset of '(' in the text, for "unclosed" errors */
} open_frame;

typedef struct var_name {
    const char *p;
    size_t n;
} var_name;

typedef struct var_slot {
    uint32_t stamp;
    uint32_t idx;
} var_slot;

struct mork_parser {
    RT_VEC(open_frame) open;
    RT_VEC(var_name) names;
    var_slot *slots; /* index over names; capacity a power of two */
    size_t nslots;
    uint32_t stamp;
};

int mork_parser_new(mork_parser **out)
{
    mork_parser *p = rt_calloc(1, sizeof *p);
    if (!p)
        return RT_ENOMEM;
    *out = p;
    return RT_OK;
}

void mork_parser_free(mork_parser *p)
{
    if (!p)
        return;
    rt_vec_free(&p->open);
    rt_vec_free(&p->names);
    rt_free(p->slots);
    rt_free(p);
}

/* Forget every variable name: a new scope. */
static void vars_reset(mork_parser *p)
{
    p->names.n = 0;
    if (++p->stamp == 0) { /* wrapped: old stamps could look current */
        if (p->slots)
            memset(p->slots, 0, p->nslots * sizeof *p->slots);
        p->stamp = 1;
    }
}

static size_t name_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 0x100000001B3ULL;
    return (size_t)rt_mix64(h);
}

static void index_add(mork_parser *p, uint32_t idx)
{
    size_t mask = p->nslots - 1;
    size_t h = name_hash(p->names.v[idx].p, p->names.v[idx].n) & mask;
    while (p->slots[h].stamp == p->stamp)
        h = (h + 1) & mask;
    p->slots[h].stamp = p->stamp;
    p->slots[h].idx = idx;
}

/* Index every name of the scope, in a table of at least `cap` slots that
 * holds no entry of the current scope yet. */
static int index_all(mork_parser *p, size_t cap)
{
    if (cap > p->nslots) {
        var_slot *s = rt_calloc(cap, sizeof *s);
        if (!s)
            return RT_ENOMEM;
        rt_free(p->slots);
        p->slots = s;
        p->nslots = cap;
    }
    for (size_t i = 0; i < p->names.n; i++)
        index_add(p, (uint32_t)i);
    return RT_OK;
}

enum { LINEAR_VARS = 8 }; /* few variables per expression is the norm */

/* *idx = index of the named variable; *fresh = 1 when first seen. */
static int var_lookup(mork_parser *p, const char *s, size_t n, uint32_t *idx, int *fresh)
{
    *fresh = 0;
    if (p->names.n <= LINEAR_VARS) {
        for (size_t i = 0; i < p->names.n; i++)
            if (p->names.v[i].n == n && memcmp(p->names.v[i].p, s, n) == 0) {
                *idx = (uint32_t)i;
                return RT_OK;
            }
    } else {
        size_t mask = p->nslots - 1, h = name_hash(s, n) & mask;
        while (p->slots[h].stamp == p->stamp) {
            var_name *v = &p->names.v[p->slots[h].idx];
            if (v->n == n && memcmp(v->p, s, n) == 0) {
                *idx = p->slots[h].idx;
                return RT_OK;
            }
            h = (h + 1) & mask;
        }
    }
    if (p->names.n >= UINT32_MAX - 1)
        return RT_ELIMIT;
    var_name vn = {s, n};
    if (rt_vec_push(&p->names, vn))
        return RT_ENOMEM;
    *idx = (uint32_t)(p->names.n - 1);
    *fresh = 1;
    if (p->names.n == LINEAR_VARS + 1) /* switch to the index */
        return index_all(p, p->nslots > 64 ? p->nslots : 64);
    if (p->names.n > LINEAR_VARS + 1) {
        if (p->names.n * 2 > p->nslots)
            return index_all(p, p->nslots * 2); /* fresh table, all names */
        index_add(p, *idx);
    }
    return RT_OK;
}

/* Byte classes: 1 = whitespace, 2 = ends a symbol (whitespace ( ) ;). */
enum { C_SPACE = 1, C_DELIM = 2 };
static const uint8_t byte_class[256] = {
    ['\t'] = 3, ['\n'] = 3, ['\v'] = 3, ['\f'] = 3, ['\r'] = 3, [' '] = 3,
    ['('] = C_DELIM, [')'] = C_DELIM, [';'] = C_DELIM,
};

static inline int is_space(unsigned char c)
{
    return byte_class[c] & C_SPACE;
}

static inline int is_delim(unsigned char c)
{
    return byte_class[c] & C_DELIM;
}

void mork_text_position(const char *text, size_t len, size_t offset, size_t *line, size_t *col)
{
    if (offset > len)
        offset = len;
    size_t ln = 1, start = 0;
    for (size_t i = 0; i < offset; i++)
        if (text[i] == '\n') {
            ln++;
            start = i + 1;
        }
    *line = ln;
    *col = offset - start + 1;
}

static int syntax(const char *text, size_t len, size_t at, const char *msg, mork_perr *err)
{
    if (err) {
        err->offset = at;
        err->msg = msg;
        mork_text_position(text, len, at, &err->line, &err->col);
    }
    return RT_ESYNTAX;
}

/* Room for n more bytes at out->v + out->n. */
static inline int reserve(rt_buf *out, size_t n)
{
    if (RT_LIKELY(out->cap - out->n >= n))
        return RT_OK;
    size_t need;
    if (rt_size_add(out->n, n, &need))
        return RT_ELIMIT;
    return rt_vec_reserve(out, need);
}

static int put_u32_escape(rt_buf *out, uint8_t tag, size_t v)
{
    if (v > UINT32_MAX)
        return RT_ELIMIT;
    int rc = reserve(out, 5);
    if (rc)
        return rc;
    uint8_t *w = out->v + out->n;
    w[0] = tag;
    w[1] = (uint8_t)(v >> 24);
    w[2] = (uint8_t)(v >> 16);
    w[3] = (uint8_t)(v >> 8);
    w[4] = (uint8_t)v;
    out->n += 5;
    return RT_OK;
}

static int put_symbol(rt_buf *out, const unsigned char *s, size_t n)
{
    int rc;
    if (n <= MORK_INLINE_MAX) {
        if ((rc = reserve(out, n + 1)))
            return rc;
        out->v[out->n] = (uint8_t)(MORK_TAG_SYMBOL + n);
        memcpy(out->v + out->n + 1, s, n);
        out->n += n + 1;
        return RT_OK;
    }
    if ((rc = put_u32_escape(out, MORK_TAG_SYMBOL_X, n)) || (rc = reserve(out, n)))
        return rc;
    memcpy(out->v + out->n, s, n);
    out->n += n;
    return RT_OK;
}

/* Offset of the next byte that is neither whitespace nor comment (len if
 * none). */
size_t mork_skip_blank(const char *text, size_t len, size_t i)
{
    const unsigned char *t = (const unsigned char *)text;
    while (i < len) {
        if (is_space(t[i])) {
            i++;
        } else if (t[i] == ';') {
            const void *nl = memchr(t + i, '\n', len - i);
            i = nl ? (size_t)((const unsigned char *)nl - t) + 1 : len;
        } else {
            break;
        }
    }
    return i;
}

/* Patch the placeholder of a closed expression with its arity. */
static int close_arity(rt_buf *out, const open_frame *f)
{
    if (f->count <= MORK_INLINE_MAX) {
        out->v[f->tag_at] = (uint8_t)f->count;
        return RT_OK;
    }
    if (f->count > UINT32_MAX)
        return RT_ELIMIT;
    int rc = reserve(out, 4);
    if (rc)
        return rc;
    uint8_t *t = out->v + f->tag_at;
    memmove(t + 5, t + 1, out->n - f->tag_at - 1);
    out->n += 4;
    t[0] = MORK_TAG_ARITY_X;
    t[1] = (uint8_t)(f->count >> 24);
    t[2] = (uint8_t)(f->count >> 16);
    t[3] = (uint8_t)(f->count >> 8);
    t[4] = (uint8_t)f->count;
    return RT_OK;
}

/*
 * One expression from text[*pos] (whitespace already skipped by the caller's
 * loop below). keep_vars continues the variable scope of the previous call.
 */
static int parse_expr(mork_parser *p, const char *text, size_t len, size_t *pos, rt_buf *out,
                      int *found, mork_perr *err, int keep_vars)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = *pos, entry = out->n;
    int rc = RT_OK;
    if (!keep_vars)
        vars_reset(p);
    p->open.n = 0;
    *found = 0;
    for (;;) {
        i = mork_skip_blank(text, len, i);
        if (i >= len) {
            if (p->open.n == 0) { /* nothing but blanks */
                *pos = len;
                return RT_OK;
            }
            rc = syntax(text, len, p->open.v[p->open.n - 1].text_at, "unclosed '('", err);
            goto fail;
        }
        unsigned char c = t[i];
        if (c == '(') {
            open_frame f = {out->n, 0, i};
            if ((rc = rt_vec_push(&p->open, f)) || (rc = reserve(out, 1)))
                goto fail;
            out->v[out->n++] = 0;
            i++;
            continue;
        }
        if (c == ')') {
            if (p->open.n == 0) {
                rc = syntax(text, len, i, "unexpected ')'", err);
                goto fail;
            }
            open_frame f = p->open.v[--p->open.n];
            if ((rc = close_arity(out, &f)))
                goto fail;
            i++;
        } else if (c == '"') {
            size_t start = i++;
            while (i < len && t[i] != '"')
                i += t[i] == '\\' ? 2 : 1;
            if (i >= len) {
                rc = syntax(text, len, start, "unterminated string", err);
                goto fail;
            }
            i++; /* closing quote */
            if (i < len && !is_delim(t[i])) {
                rc = syntax(text, len, i, "expected a delimiter after string", err);
                goto fail;
            }
            if ((rc = put_symbol(out, t + start, i - start)))
                goto fail;
        } else if (c == '$') {
            size_t start = ++i;
            while (i < len && !is_delim(t[i]))
                i++;
            if (i == start) {
                rc = syntax(text, len, start - 1, "variable without a name", err);
                goto fail;
            }
            uint32_t idx;
            int fresh;
            if ((rc = var_lookup(p, text + start, i - start, &idx, &fresh)))
                goto fail;
            if (fresh) {
                if ((rc = reserve(out, 1)))
                    goto fail;
                out->v[out->n++] = MORK_TAG_NEWVAR;
            } else if (idx <= MORK_INLINE_MAX) {
                if ((rc = reserve(out, 1)))
                    goto fail;
                out->v[out->n++] = (uint8_t)(MORK_TAG_VARREF + idx);
            } else if ((rc = put_u32_escape(out, MORK_TAG_VARREF_X, idx))) {
                goto fail;
            }
        } else {
            size_t start = i;
            while (i < len && !is_delim(t[i]))
                i++;
            if ((rc = put_symbol(out, t + start, i - start)))
                goto fail;
        }
        /* A complete element: it is a child of the open expression, or the
         * whole top-level expression. */
        if (p->open.n == 0)
            break;
        p->open.v[p->open.n - 1].count++;
    }
    *pos = i;
    *found = 1;
    return RT_OK;
fail:
    if (rc == RT_ELIMIT && err) {
        err->offset = i;
        err->msg = "expression exceeds the encoding's limits";
        mork_text_position(text, len, i, &err->line, &err->col);
    }
    out->n = entry;
    return rc;
}

int mork_parse_next(mork_parser *p, const char *text, size_t len, size_t *pos, rt_buf *out,
                    int *found, mork_perr *err)
{
    return parse_expr(p, text, len, pos, out, found, err, 0);
}

int mork_parse_one(const char *text, size_t len, rt_buf *out, mork_perr *err)
{
    mork_parser *p;
    int rc = mork_parser_new(&p);
    if (rc)
        return rc;
    size_t pos = 0, entry = out->n;
    int found;
    rc = parse_expr(p, text, len, &pos, out, &found, err, 0);
    if (rc == 0 && !found)
        rc = syntax(text, len, len, "no expression", err);
    if (rc == 0 && (pos = mork_skip_blank(text, len, pos)) < len) {
        out->n = entry;
        rc = syntax(text, len, pos, "more than one expression", err);
    }
    mork_parser_free(p);
    return rc;
}

/* One expression of a pair, sharing the scope of what came before. */
static int pair_part(mork_parser *p, const char *text, size_t len, rt_buf *out, mork_perr *err,
                     int keep, const char *none, const char *more)
{
    size_t pos = 0;
    int found;
    int rc = parse_expr(p, text, len, &pos, out, &found, err, keep);
    if (rc == 0 && !found)
        return syntax(text, len, len, none, err);
    if (rc == 0 && (pos = mork_skip_blank(text, len, pos)) < len)
        return syntax(text, len, pos, more, err);
    return rc;
}

int mork_parse_pair(const char *pattern, size_t plen, const char *tmpl, size_t tlen, rt_buf *out,
                    mork_perr *err)
{
    mork_parser *p;
    int rc = mork_parser_new(&p);
    if (rc)
        return rc;
    size_t entry = out->n;
    if (!(rc = rt_buf_putc(out, 2)) &&
        !(rc = pair_part(p, pattern, plen, out, err, 0, "pattern: no expression",
                         "pattern: more than one expression")))
        rc = pair_part(p, tmpl, tlen, out, err, 1, "template: no expression",
                       "template: more than one expression");
    if (rc)
        out->n = entry;
    mork_parser_free(p);
    return rc;
}
