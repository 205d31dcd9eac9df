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
#define KEYS_AHEAD 16

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

/* First index past the group that starts at i: the items whose byte e
 * equals it[i]'s (every item in [i, hi) has one, and they do not
 * decrease). A galloping search: at the top levels a group holds
 * thousands of keys and a scan would read every one of them once per
 * level; at the bottom a group holds one key, and the first probe
 * settles it as a scan would. */
static size_t group_end(const pm_kv *it, size_t i, size_t hi, size_t e)
{
    const uint8_t b = pm_key(it[i].key)[e];
    size_t in = i, step = 1;            /* it[in] is in the group */
    while (hi - in > step && pm_key(it[in + step].key)[e] == b) {
        in += step;
        step *= 2;
    }
    size_t out = hi - in > step ? in + step : hi;   /* past the group */
    while (out - in > 1) {
        size_t mid = in + (out - in) / 2;
        if (pm_key(it[mid].key)[e] == b)
            in = mid;
        else
            out = mid;
    }
    return out;
}

static int build(pm_slab *sl, const pm_kv *it, size_t n, size_t lo, size_t hi, size_t d,
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
    if (i == hi) {
        /* has_val must hold: a range is never empty. */
        *out = pm_chain_new(sl, k0 + d, l, val);
        return *out ? 0 : RT_ENOMEM;
    }

    /* Children go to arrays on the stack; a node with more groups than
     * they hold moves them to the heap, with room for every byte value
     * (groups start with distinct bytes). */
    pm_node *kin[INLINE_KIDS] = {0};
    uint8_t bin[INLINE_KIDS] = {0};
    pm_node **kids = kin;
    uint8_t *bytes = bin;
    int rc = 0;
    unsigned nk = 0;
    while (i < hi) {
        if (nk == INLINE_KIDS && kids == kin) {
            kids = rt_malloc(256 * (sizeof *kids + 1));
            if (!kids) {
                kids = kin;
                rc = RT_ENOMEM;
                break;
            }
            bytes = (uint8_t *)(kids + 256);
            memcpy(kids, kin, sizeof kin);
            memcpy(bytes, bin, sizeof bin);
        }
        /* Keys are read in item order, mostly at the leaves; a caller's
         * sorted batch has them all over memory, so ask for the key
         * KEYS_AHEAD items on, over the whole batch rather than this
         * node's range. (Scanning every group, as this build once did,
         * fetched them as a side effect, at the price of reading each key
         * once per level.) */
        if (i + KEYS_AHEAD < n)
            __builtin_prefetch(it[i + KEYS_AHEAD].key);
        const uint8_t *k = pm_key(it[i].key);
        size_t j = group_end(it, i, hi, e);
        /* A lone key below this node is a leaf (a chain past
         * PM_PLEN_MAX bytes), made here rather than by a call that would
         * compare the key with itself to find that out. */
        if (j == i + 1) {
            kids[nk] = pm_chain_new(sl, k + e + 1, it[i].len - e - 1, it[i].val);
            rc = kids[nk] ? 0 : RT_ENOMEM;
        } else {
            rc = build(sl, it, n, i, j, e + 1, depth + 1, &kids[nk]);
        }
        if (rc)
            break;
        bytes[nk++] = k[e];
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
    return build(sl, items, n, 0, n, 0, 0, out);
}
