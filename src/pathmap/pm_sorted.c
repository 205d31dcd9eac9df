/*
 * Bottom-up build of a trie from a batch whose keys are already in byte
 * order (callers such as the atom space sort before inserting).
 *
 * In a sorted range every key shares the common prefix of the first and the
 * last key, so each node is made once, at its final size, from the range it
 * covers: no copy-on-write, no node growth, no lookups.
 *
 *   range [lo, hi), d bytes already consumed by the ancestors
 *
 *     keys:  d.. "ab"            <- equal to the prefix: the node's value
 *            d.. "ab" 'c' ...  \
 *            d.. "ab" 'c' ...   > group 'c' -> child built from [.., ..), d+3
 *            d.. "ab" 'x' ...  -> group 'x' -> child
 *
 *     node:  prefix "ab" (lcp of first and last key past d), value if a key
 *            ends there, children by the byte that follows
 *
 * Repeats of a key are adjacent; the last of them wins, as in a sequence of
 * inserts. Recursion is one frame per branching level; a batch deeper than
 * MAX_DEPTH levels is left to the insert-based build (the caller's job),
 * so the stack stays small whatever the keys.
 */
#include "pathmap/pm_node.h"

#define MAX_DEPTH 200
#define INLINE_KIDS 16

/* Byte-order comparison of two items' keys (a proper prefix sorts first). */
static int kv_cmp(const pm_kv *a, const pm_kv *b)
{
    size_t m = a->len < b->len ? a->len : b->len;
    int c = m ? memcmp(a->key, b->key, m) : 0;
    if (c)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

int pm_sorted_check(const pm_kv *items, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (kv_cmp(&items[i - 1], &items[i]) > 0)
            return 0;
    return 1;
}

static void release_all(pm_node **kids, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        pm_release(kids[i]);
}

static int build(pm_slab *sl, const pm_kv *it, size_t lo, size_t hi, size_t d,
                 unsigned depth, pm_node **out)
{
    if (depth > MAX_DEPTH)
        return PM_TOO_DEEP;
    const uint8_t *k0 = pm_key(it[lo].key), *k1 = pm_key(it[hi - 1].key);
    size_t l = pm_lcp(k0 + d, it[lo].len - d, k1 + d, it[hi - 1].len - d);
    size_t e = d + l;

    int has_val = 0;
    uint64_t val = 0;
    size_t i = lo;
    while (i < hi && it[i].len == e) {
        has_val = 1;
        val = it[i++].val;
    }

    /* Count the groups first so the child arrays are sized once. */
    unsigned ng = 0;
    for (size_t j = i; j < hi; ng++) {
        uint8_t b = pm_key(it[j].key)[e];
        while (j < hi && pm_key(it[j].key)[e] == b)
            j++;
    }

    if (ng == 0) {
        /* has_val must hold: a range is never empty. */
        *out = pm_chain_new(sl, k0 + d, l, val);
        return *out ? 0 : RT_ENOMEM;
    }
    pm_node *kin[INLINE_KIDS] = {0};
    uint8_t bin[INLINE_KIDS] = {0};
    pm_node **kids = kin;
    uint8_t *bytes = bin;
    if (ng > INLINE_KIDS) {
        kids = rt_malloc(ng * (sizeof *kids + 1));
        if (!kids)
            return RT_ENOMEM;
        bytes = (uint8_t *)(kids + ng);
    }

    int rc = 0;
    unsigned nk = 0;
    while (i < hi) {
        uint8_t b = pm_key(it[i].key)[e];
        size_t j = i + 1;
        while (j < hi && pm_key(it[j].key)[e] == b)
            j++;
        rc = build(sl, it, i, j, e + 1, depth + 1, &kids[nk]);
        if (rc)
            break;
        bytes[nk++] = b;
        i = j;
    }
    if (!rc) {
        rc = pm_node_make(sl, k0 + d, l, has_val, val, nk, bytes, kids, out);
        if (rc)
            release_all(kids, nk);
    } else {
        release_all(kids, nk);
    }
    if (kids != kin)
        rt_free(kids);
    return rc;
}

int pm_build_sorted_nodes(pm_slab *sl, const pm_kv *items, size_t n, pm_node **out)
{
    *out = NULL;
    if (n == 0)
        return 0;
    return build(sl, items, 0, n, 0, 0, out);
}
