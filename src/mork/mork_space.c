/*
 * The atom space: a set of expression byte strings in a pathmap trie.
 *
 *   trie keys:  03 C4 edge C1 1 C1 2      (edge 1 2)
 *               03 C4 edge C1 1 C1 3      (edge 1 3)   <- shares 9 bytes
 *               03 C4 fact ...
 *
 * The trie's copy-on-write sharing makes a snapshot one pm_clone. Bytes are
 * validated on the way in, so everything reading the trie may decode
 * without bounds checks.
 */
#include "mork_int.h"

#include <string.h>

int mork_space_new(mork_space **out)
{
    mork_space *s = rt_calloc(1, sizeof *s);
    if (!s)
        return RT_ENOMEM;
    int rc = pm_new(&s->trie);
    if (rc) {
        rt_free(s);
        return rc;
    }
    *out = s;
    return RT_OK;
}

void mork_space_free(mork_space *s)
{
    if (!s)
        return;
    pm_free(s->trie);
    rt_free(s);
}

int mork_space_clone(const mork_space *s, mork_space **out)
{
    mork_space *c = rt_calloc(1, sizeof *c);
    if (!c)
        return RT_ENOMEM;
    int rc = pm_clone(s->trie, &c->trie);
    if (rc) {
        rt_free(c);
        return rc;
    }
    *out = c;
    return RT_OK;
}

/* The bytes must be exactly one well-formed expression. */
static int check_one(const uint8_t *e, size_t n)
{
    size_t span;
    int rc = mork_expr_span(e, n, &span, NULL);
    if (rc)
        return rc;
    return span == n ? RT_OK : RT_EFORMAT;
}

int mork_space_add(mork_space *s, const uint8_t *e, size_t n, int *added)
{
    int rc = check_one(e, n);
    if (rc)
        return rc;
    return pm_insert(s->trie, e, n, 0, added);
}

int mork_space_remove(mork_space *s, const uint8_t *e, size_t n, int *removed)
{
    int rc = check_one(e, n);
    if (rc)
        return rc;
    return pm_remove(s->trie, e, n, removed, NULL);
}

int mork_space_contains(const mork_space *s, const uint8_t *e, size_t n, int *found)
{
    int rc = check_one(e, n);
    if (rc)
        return rc;
    int f = pm_contains(s->trie, e, n);
    if (found)
        *found = f;
    return RT_OK;
}

size_t mork_space_count(const mork_space *s)
{
    return (size_t)pm_count(s->trie);
}

int mork_space_join(mork_space *s, const mork_space *s2)
{
    return pm_join(s->trie, s2->trie);
}

typedef struct visit_ctx {
    mork_expr_fn fn;
    void *ctx;
} visit_ctx;

static int visit(void *ctx, const uint8_t *key, size_t n, uint64_t val)
{
    (void)val;
    visit_ctx *v = ctx;
    return v->fn(v->ctx, key, n);
}

int mork_space_foreach(const mork_space *s, mork_expr_fn fn, void *ctx)
{
    visit_ctx v = {fn, ctx};
    return pm_foreach(s->trie, NULL, 0, visit, &v);
}
