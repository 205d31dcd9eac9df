/*
 * pathmap handles, point operations (insert, remove, get) and prefix
 * operations (count, subtrie, graft, take, remove under a prefix).
 *
 * Writes walk down from the root. A node met with rc > 1 is first replaced
 * in its slot by a private copy (its children gain a reference, so the next
 * level is shared in turn and gets copied too): that is copy-on-write along
 * the touched path. Such a copy holds the same keys, so when a later
 * allocation fails the trie's contents are still what they were; the one
 * edit that changes contents is made last, after every allocation it needs
 * has succeeded.
 */
#include "pathmap/pm_node.h"

int pm_new(pm_trie **out)
{
    pm_trie *t = rt_malloc(sizeof *t);
    if (!t)
        return RT_ENOMEM;
    memset(t, 0, sizeof *t);
    *out = t;
    return 0;
}

int pm_clone(const pm_trie *t, pm_trie **out)
{
    pm_trie *c = rt_malloc(sizeof *c);
    if (!c)
        return RT_ENOMEM;
    memset(c, 0, sizeof *c);
    c->root = t->root;
    pm_retain(c->root);
    *out = c;
    return 0;
}

void pm_free(pm_trie *t)
{
    if (!t)
        return;
    pm_release(t->root);
    pm_slab_close(&t->slab);
    rt_free(t);
}

void pm_clear(pm_trie *t)
{
    pm_release(t->root);
    t->root = NULL;
}

void pm_swap(pm_trie *a, pm_trie *b)
{
    pm_node *r = a->root;
    a->root = b->root;
    b->root = r;
}

uint64_t pm_count(const pm_trie *t) { return pm_ncount(t->root); }

int pm_is_empty(const pm_trie *t) { return t->root == NULL; }

/* ------------------------------------------------------------------ get */

/* One step of a lookup: from node x at key offset *pos, the next node, or
 * NULL when the lookup is over (*hit then says whether it found the key).
 * Both pm_get and pm_get_batch walk with it. */
static PM_HOT_INLINE const pm_node *get_step(const pm_node *x, const uint8_t *k, size_t n,
                                             size_t *pos, int *hit, uint64_t *val)
{
    size_t plen = x->plen, p = *pos;
    *hit = 0;
    /* A leaf ends every lookup that reaches one: its whole prefix must be
     * the rest of the key. Testing for it first leaves fewer tests waiting
     * on the leaf's miss (about 5% at a million keys). */
    if (x->kind == PM_LEAF) {
        if (plen == n - p && pm_bytes_eq(pm_prefix(x), k + p, plen)) {
            *hit = 1;
            *val = pm_val(x);
        }
        return NULL;
    }
    if (plen) {   /* inner nodes mostly have none: test that first */
        if (n - p < plen || !pm_bytes_eq(pm_prefix(x), k + p, plen))
            return NULL;
        p += plen;
    }
    if (p == n) {
        if (pm_has_val(x)) {
            *hit = 1;
            *val = pm_val(x);
        }
        return NULL;
    }
    pm_node **s = pm_find(x, k[p]);
    if (!s)
        return NULL;
    *pos = p + 1;
    return *s;
}

int pm_get(const pm_trie *t, const void *key, size_t n, uint64_t *val)
{
    const uint8_t *k = pm_key(key);
    const pm_node *x = t->root;
    size_t pos = 0;
    int hit = 0;
    uint64_t v = 0;
    while (x) {
        x = get_step(x, k, n, &pos, &hit, &v);
        if (x && pos < n)
            pm_prefetch_node(x, k[pos]);
    }
    if (hit && val)
        *val = v;
    return hit;
}

#define BATCH_WAYS 16

void pm_get_batch(const pm_trie *t, const pm_kv *q, size_t n, uint8_t *found,
                  uint64_t *vals)
{
    /* Up to BATCH_WAYS lookups in flight; each step ends by prefetching
     * the node the lookup needs next and moving on to another lookup. */
    const pm_node *x[BATCH_WAYS];
    size_t pos[BATCH_WAYS], idx[BATCH_WAYS];
    size_t next = 0, live = 0;
    for (; live < BATCH_WAYS && next < n; live++, next++) {
        x[live] = t->root;
        pos[live] = 0;
        idx[live] = next;
        if (x[live])
            __builtin_prefetch(x[live]);
    }
    while (live > 0) {
        for (size_t w = 0; w < live;) {
            const pm_kv *kv = &q[idx[w]];
            const uint8_t *k = pm_key(kv->key);
            int hit = 0;
            uint64_t v = 0;
            const pm_node *y = x[w] ? get_step(x[w], k, kv->len, &pos[w], &hit, &v) : NULL;
            if (y) {
                pm_prefetch_node(y, pos[w] < kv->len ? k[pos[w]] : 0);
                x[w++] = y;
                continue;
            }
            found[idx[w]] = (uint8_t)hit;
            if (vals && hit)
                vals[idx[w]] = v;
            if (next < n) {
                x[w] = t->root;
                pos[w] = 0;
                idx[w] = next++;
                w++;
            } else {
                live--;
                x[w] = x[live];
                pos[w] = pos[live];
                idx[w] = idx[live];
            }
        }
    }
}

int pm_contains(const pm_trie *t, const void *key, size_t n)
{
    return pm_get(t, key, n, NULL);
}

/* Find where path p ends: node *x and offset *off into its prefix
 * (0..plen; plen = at the node's branch point). 0 when no key starts
 * with p. */
int pm_locate(pm_node *root, const uint8_t *p, size_t n, pm_node **x, size_t *off)
{
    pm_node *c = root;
    size_t pos = 0;
    while (c) {
        size_t plen = c->plen;
        size_t l = pm_lcp(pm_prefix(c), plen, p + pos, n - pos);
        if (pos + l == n) {
            *x = c;
            *off = l;
            return 1;
        }
        if (l < plen)
            return 0;
        pos += plen;
        if (c->kind == PM_LEAF)
            return 0;
        pm_node **s = pm_find(c, p[pos]);
        if (!s)
            return 0;
        c = *s;
        pos++;
    }
    return 0;
}

uint64_t pm_count_prefix(const pm_trie *t, const void *p, size_t n)
{
    pm_node *x;
    size_t off;
    if (!pm_locate(t->root, pm_key(p), n, &x, &off))
        return 0;
    return pm_ncount(x);
}

int pm_path_exists(const pm_trie *t, const void *p, size_t n)
{
    pm_node *x;
    size_t off;
    return pm_locate(t->root, pm_key(p), n, &x, &off);
}

/* --------------------------------------------------------------- insert */

/* Replace *slot by a private copy when it is shared. */
static int own(pm_node **slot, unsigned extra)
{
    pm_node *x = *slot;
    if (pm_unique(x))
        return 0;
    pm_node *y = pm_node_copy(x, extra);
    if (!y)
        return RT_ENOMEM;
    *slot = y;
    pm_release(x);
    return 0;
}

/* Add 1 to the count of every inner node on the path of key k[0..n) that
 * ends above `stop` (all of them private by now). */
static void bump_counts(pm_node *x, const uint8_t *k, size_t n, const pm_node *stop, int64_t d)
{
    size_t pos = 0;
    while (x && x != stop && x->kind != PM_LEAF) {
        pm_in(x)->count += (uint64_t)d;
        pos += x->plen;
        if (pos >= n)
            return;
        pm_node **s = pm_find(x, k[pos]);
        if (!s)
            return;
        x = *s;
        pos++;
    }
}

#define PATH_INLINE 64

int pm_insert(pm_trie *t, const void *key, size_t n, uint64_t val, int *added)
{
    const uint8_t *k = pm_key(key);
    pm_node **slot = &t->root;
    pm_node *path[PATH_INLINE];   /* inner nodes passed, to bump their counts */
    size_t np = 0;
    int overflow = 0, rc;
    size_t pos = 0;
    pm_node *stop = NULL;         /* node whose count is already right */
    pm_slab *sl = pm_ncount(t->root) >= PM_INSERT_SLAB_MIN ? &t->slab : NULL;

    for (;;) {
        pm_node *x = *slot;
        if (!x) {
            pm_node *l = pm_chain_new(sl, k + pos, n - pos, val);
            if (!l)
                return RT_ENOMEM;
            *slot = l;
            stop = l;
            break;
        }
        if ((rc = own(slot, 1)) != 0)
            return rc;
        x = *slot;
        size_t plen = x->plen;
        uint8_t *p = pm_prefix(x);
        /* Inner nodes mostly have no prefix: skip the comparison there. */
        size_t l = plen ? pm_lcp(p, plen, k + pos, n - pos) : 0;
        if (l < plen) {
            /* Split x at l: a new two-way node above it, made with room for
             * four children. Under random keys such a node is where the
             * bottom level begins, and it goes on to take a dozen or more
             * children; each resize is a malloc, a copy and a free whose
             * chunk headers miss the cache. */
            pm_node *s = pm_inner_new(NULL, PM_SMALL, p, l, 4);
            pm_node *leaf = NULL;
            if (!s)
                return RT_ENOMEM;
            if (pos + l < n) {
                leaf = pm_chain_new(sl, k + pos + l + 1, n - pos - l - 1, val);
                if (!leaf) {
                    pm_release(s);
                    return RT_ENOMEM;
                }
            }
            unsigned xb = p[l];
            pm_trim_inplace(x, l + 1);
            pm_inner *si = pm_in(s);
            uint8_t *bs = pm_small_bytes(s);
            pm_node **ks = pm_small_kids(s);
            si->count = pm_ncount(x) + 1;
            if (!leaf) {
                pm_set_flags(s, PM_HAS_VAL);
                si->val = val;
                bs[0] = (uint8_t)xb;
                ks[0] = x;
                si->n = 1;
            } else {
                unsigned lb = k[pos + l];
                int first = lb < xb;
                bs[first ? 0 : 1] = (uint8_t)lb;
                ks[first ? 0 : 1] = leaf;
                bs[first ? 1 : 0] = (uint8_t)xb;
                ks[first ? 1 : 0] = x;
                si->n = 2;
            }
            *slot = s;
            stop = s;
            break;
        }
        pos += plen;
        if (pos == n) {
            if (pm_has_val(x)) {
                if (x->kind == PM_LEAF)
                    ((pm_leaf *)x)->val = val;
                else
                    pm_in(x)->val = val;
                if (added)
                    *added = 0;
                return 0;
            }
            x->flags |= PM_HAS_VAL;
            pm_in(x)->val = val;
            pm_in(x)->count++;
            stop = x;
            break;
        }
        unsigned c = k[pos];
        if (x->kind == PM_LEAF) {
            pm_node *y = pm_inner_new(NULL, PM_SMALL, p, plen, 2);
            if (!y)
                return RT_ENOMEM;
            pm_node *leaf = pm_chain_new(sl, k + pos + 1, n - pos - 1, val);
            if (!leaf) {
                pm_release(y);
                return RT_ENOMEM;
            }
            pm_set_flags(y, PM_HAS_VAL);
            pm_in(y)->val = ((pm_leaf *)x)->val;
            pm_in(y)->count = 2;
            pm_in(y)->n = 1;
            pm_small_bytes(y)[0] = (uint8_t)c;
            pm_small_kids(y)[0] = leaf;
            *slot = y;
            pm_release(x);
            stop = y;
            break;
        }
        pm_node **ks = pm_find(x, c);
        if (!ks) {
            pm_node *leaf = pm_chain_new(sl, k + pos + 1, n - pos - 1, val);
            if (!leaf)
                return RT_ENOMEM;
            pm_node *y = pm_add_child(x, c, leaf);
            if (!y) {
                pm_release(leaf);
                return RT_ENOMEM;
            }
            *slot = y;
            pm_in(y)->count++;
            stop = y;
            break;
        }
        if (np < PATH_INLINE)
            path[np++] = x;
        else
            overflow = 1;
        slot = ks;
        pos++;
        if (pos < n)
            pm_prefetch_node(*ks, k[pos]);
    }
    if (overflow)
        bump_counts(t->root, k, n, stop, 1);
    else
        for (size_t i = 0; i < np; i++)
            pm_in(path[i])->count++;
    if (added)
        *added = 1;
    return 0;
}

/* --------------------------------------------------------------- remove */

/* Remove key k (known present) below *slot; the path above is private. */
static int rm(pm_node **slot, const uint8_t *k, size_t n, uint64_t *old)
{
    int rc = own(slot, 0);
    if (rc)
        return rc;
    pm_node *x = *slot;
    size_t plen = x->plen;
    k += plen;
    n -= plen;
    if (n == 0) {
        *old = pm_val(x);
        if (x->kind == PM_LEAF) {
            pm_release(x);
            *slot = NULL;
            return 0;
        }
        x->flags &= (uint8_t)~PM_HAS_VAL;
        pm_in(x)->val = 0;
        pm_in(x)->count--;
        *slot = pm_tidy(x);
        return 0;
    }
    unsigned c = k[0];
    pm_node **ks = pm_find(x, c);
    rc = rm(ks, k + 1, n - 1, old);
    if (rc)
        return rc;
    pm_in(x)->count--;
    if (*ks == NULL)
        pm_del_child(x, c);
    *slot = pm_tidy(x);
    return 0;
}

int pm_remove(pm_trie *t, const void *key, size_t n, int *removed, uint64_t *old)
{
    uint64_t v;
    if (!pm_get(t, key, n, NULL)) {
        if (removed)
            *removed = 0;
        return 0;
    }
    int rc = rm(&t->root, pm_key(key), n, &v);
    if (rc)
        return rc;
    if (removed)
        *removed = 1;
    if (old)
        *old = v;
    return 0;
}

/* ------------------------------------------------------- prefix updates */

/* A reference to y with p prepended to its keys (NULL stays NULL). */
static int prepend(const uint8_t *p, size_t n, pm_node *y, pm_node **out)
{
    *out = NULL;
    if (!y)
        return 0;
    if (n == 0) {
        pm_retain(y);
        *out = y;
        return 0;
    }
    pm_node *z = pm_node_reprefix(y, p, n, pm_prefix(y), y->plen);
    if (!z)
        return RT_ENOMEM;
    *out = z;
    return 0;
}

int pm_replace_at(pm_node *x, size_t off, const uint8_t *p, size_t n, pm_node *y,
                  pm_node **out)
{
    *out = NULL;
    if (!x)
        return prepend(p, n, y, out);
    const uint8_t *pre = pm_prefix(x) + off;
    size_t la = x->plen - off;
    size_t l = pm_lcp(pre, la, p, n);
    if (l == n)
        return prepend(pre, l, y, out);
    if (l < la) {
        if (!y) {
            *out = pm_view_node(x, off);
            return *out ? 0 : RT_ENOMEM;
        }
        pm_node *kids[2], *a, *b;
        uint8_t bytes[2];
        a = pm_view_node(x, off + l + 1);
        if (!a)
            return RT_ENOMEM;
        int rc = prepend(p + l + 1, n - l - 1, y, &b);
        if (rc) {
            pm_release(a);
            return rc;
        }
        int af = pre[l] < p[l];
        kids[af ? 0 : 1] = a;
        bytes[af ? 0 : 1] = pre[l];
        kids[af ? 1 : 0] = b;
        bytes[af ? 1 : 0] = p[l];
        rc = pm_node_make(NULL, pre, l, 0, 0, 2, bytes, kids, out);
        if (rc) {
            pm_release(a);
            pm_release(b);
        }
        return rc;
    }
    /* p goes on past x's branch point. */
    if (x->kind == PM_LEAF && !y) {
        *out = pm_view_node(x, off);
        return *out ? 0 : RT_ENOMEM;
    }
    unsigned c = p[l];
    pm_node **s = pm_find(x, c);
    pm_node *nk;
    int rc = pm_replace_at(s ? *s : NULL, 0, p + l + 1, n - l - 1, y, &nk);
    if (rc)
        return rc;
    if (s && nk == *s) {  /* nothing changed below */
        pm_release(nk);
        *out = pm_view_node(x, off);
        return *out ? 0 : RT_ENOMEM;
    }
    pm_node *z;
    if (x->kind == PM_LEAF) {
        z = pm_inner_new(NULL, PM_SMALL, pre, la, 1);
        if (z) {
            pm_set_flags(z, PM_HAS_VAL);
            pm_in(z)->val = pm_val(x);
            pm_in(z)->count = 1;
        }
    } else {
        z = pm_node_reprefix(x, pre, la, NULL, 0);
    }
    if (!z) {
        pm_release(nk);
        return RT_ENOMEM;
    }
    /* z is fresh, hence private; la <= PM_PLEN_MAX so it is one node. */
    uint64_t oldc = 0;
    pm_node **zs = pm_find(z, c);
    if (zs) {
        oldc = pm_ncount(*zs);
        pm_release(*zs);
        if (nk)
            *zs = nk;
        else
            pm_del_child(z, c);
    } else if (nk) {
        pm_node *z2 = pm_add_child(z, c, nk);
        if (!z2) {
            pm_release(nk);
            pm_release(z);
            return RT_ENOMEM;
        }
        z = z2;
    }
    pm_in(z)->count = pm_in(z)->count - oldc + pm_ncount(nk);
    z = pm_tidy(z);
    *out = z;
    return 0;
}

int pm_subtrie(const pm_trie *t, const void *p, size_t n, pm_trie **out)
{
    pm_trie *s;
    int rc = pm_new(&s);
    if (rc)
        return rc;
    pm_node *x;
    size_t off;
    if (pm_locate(t->root, pm_key(p), n, &x, &off)) {
        s->root = pm_view_node(x, off);
        if (!s->root) {
            pm_free(s);
            return RT_ENOMEM;
        }
    }
    *out = s;
    return 0;
}

int pm_graft(pm_trie *t, const void *p, size_t n, const pm_trie *src)
{
    pm_node *r;
    int rc = pm_replace_at(t->root, 0, pm_key(p), n, src->root, &r);
    if (rc)
        return rc;
    pm_release(t->root);
    t->root = r;
    return 0;
}

int pm_remove_prefix(pm_trie *t, const void *p, size_t n, uint64_t *removed)
{
    uint64_t c = pm_count_prefix(t, p, n);
    if (c) {
        pm_node *r;
        int rc = pm_replace_at(t->root, 0, pm_key(p), n, NULL, &r);
        if (rc)
            return rc;
        pm_release(t->root);
        t->root = r;
    }
    if (removed)
        *removed = c;
    return 0;
}

int pm_take(pm_trie *t, const void *p, size_t n, pm_trie **out)
{
    pm_trie *s;
    int rc = pm_subtrie(t, p, n, &s);
    if (rc)
        return rc;
    if (s->root) {
        pm_node *r;
        rc = pm_replace_at(t->root, 0, pm_key(p), n, NULL, &r);
        if (rc) {
            pm_free(s);
            return rc;
        }
        pm_release(t->root);
        t->root = r;
    }
    *out = s;
    return 0;
}

int pm_join_at(pm_trie *t, const void *p, size_t n, const pm_trie *src)
{
    pm_node *x, *sub = NULL, *j, *r;
    size_t off;
    if (!src->root)
        return 0;
    if (pm_locate(t->root, pm_key(p), n, &x, &off)) {
        sub = pm_view_node(x, off);
        if (!sub)
            return RT_ENOMEM;
    }
    int rc = pm_join_nodes(sub, src->root, &j);
    pm_release(sub);
    if (rc)
        return rc;
    rc = pm_replace_at(t->root, 0, pm_key(p), n, j, &r);
    pm_release(j);
    if (rc)
        return rc;
    pm_release(t->root);
    t->root = r;
    return 0;
}

/* ---------------------------------------------------------------- stats */

static void stats(const pm_node *x, size_t depth, pm_stats *st)
{
    depth += x->plen;
    st->bytes += pm_node_size(x);
    if (x->kind == PM_LEAF) {
        st->leaves++;
        if (depth > st->max_depth)
            st->max_depth = depth;
        return;
    }
    if (x->kind == PM_SMALL)
        st->smalls++;
    else
        st->masks++;
    if (pm_has_val(x) && depth > st->max_depth)
        st->max_depth = depth;
    unsigned n = pm_in(x)->n;
    pm_node **k = pm_kids(x);
    for (unsigned i = 0; i < n; i++)
        stats(k[i], depth + 1, st);
}

void pm_get_stats(const pm_trie *t, pm_stats *out)
{
    memset(out, 0, sizeof *out);
    out->keys = pm_count(t);
    if (t->root)
        stats(t->root, 0, out);
}
