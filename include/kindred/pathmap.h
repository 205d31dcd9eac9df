/*
 * pathmap: a persistent radix trie over byte strings, with structural
 * sharing, set algebra, cursors and a parallel bulk build.
 *
 * A trie maps byte-string keys of any length (the empty key included; a key
 * may be a prefix of another) to one uint64_t value each. A set is a trie
 * whose values are ignored (pass 0).
 *
 * ------------------------------------------------------------------------
 * Ownership and sharing
 * ------------------------------------------------------------------------
 * A pm_trie is a small owned handle that points at a root node. Nodes are
 * reference-counted (atomically) and immutable while shared: pm_clone makes
 * a second handle on the same root in O(1), and a later write through either
 * handle copies only the nodes on the path it touches ("copy on write"); a
 * node whose count is 1 and whose whole path from the root is unshared is
 * changed in place. Each handle therefore behaves like an independent value.
 * Whole subtries are shared the same way between tries built by the algebra,
 * graft, take and build operations.
 *
 * ------------------------------------------------------------------------
 * Thread safety
 * ------------------------------------------------------------------------
 *   - One handle: any number of threads may call read functions (those that
 *     take `const pm_trie *`, and pm_clone, pm_cur_init) on it at the same
 *     time, as long as no thread is writing that same handle. Writes to one
 *     handle are serialised by the caller.
 *   - Distinct handles, including clones that share nodes, may be read and
 *     written by distinct threads with no locking at all: sharing is
 *     invisible. A typical pattern is "clone, hand the clone to readers,
 *     keep writing the original".
 *   - A read cursor pins the root it was opened on (a reference), so once
 *     pm_cur_init has returned the handle may be written, even freed, and the
 *     cursor keeps seeing the contents as of pm_cur_init.
 *   - Cursors and write cursors themselves are used by one thread at a time.
 *
 * ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 * Functions returning int return 0 or a negative rt_status; queries that can
 * only answer yes/no return 1/0. On any error (RT_ENOMEM in particular) the
 * trie holds exactly the keys and values it held before the call (a write
 * may already have swapped some shared nodes for private copies of them).
 *
 * ------------------------------------------------------------------------
 * Node layout (see docs/pathmap.md for the algorithms)
 * ------------------------------------------------------------------------
 * A node stands for one position in the key space: it holds the compressed
 * run of bytes leading to that position ("prefix", path compression), an
 * optional value for the key ending there, and children indexed by the next
 * byte. The byte that selects a child is consumed by the parent, so a key
 * is  prefix(root) . b1 . prefix(child1) . b2 . prefix(child2) ...
 *
 * Every node starts with the same 8-byte header:
 *
 *     0        4      5       6        8
 *     +--------+------+-------+--------+
 *     | rc u32 | kind | flags | plen   |   rc: atomic reference count
 *     +--------+------+-------+--------+   flags: HAS_VAL; plen: prefix bytes
 *
 * LEAF (a key with no extension; count is implicitly 1):
 *
 *     +--------+----------+------------------+
 *     | header | val u64  | prefix[plen]     |    16 + plen bytes
 *     +--------+----------+------------------+
 *
 * SMALL (1..16 children, sorted byte list, searched linearly):
 *
 *     0        8          16         24            32
 *     +--------+----------+----------+-------------+-------------------+
 *     | header | count u64| val u64  | n, cap, pad | prefix[plen] pad8 |
 *     +--------+----------+----------+-------------+-------------------+
 *     | bytes[cap] (sorted) pad8 | child[cap] (pm_node *, same order)  |
 *     +--------------------------+-------------------------------------+
 *
 * MASK (17..256 children, bitmap + children packed by rank):
 *
 *     0        8          16         24            32                 64
 *     +--------+----------+----------+-------------+------------------+
 *     | header | count u64| val u64  | n, cap, pad | mask[4] u64      |
 *     +--------+----------+----------+-------------+------------------+
 *     | prefix[plen] pad8 | child[cap] (rank of byte b = popcount of  |
 *     |                   |  mask bits below b)                       |
 *     +-------------------+-------------------------------------------+
 *
 * `count` is the number of keys in the subtrie, kept up to date so that
 * pm_count and pm_count_prefix cost O(key length). Long compressed runs
 * (over 65535 bytes) are chained through single-child nodes.
 */
#ifndef KINDRED_PATHMAP_H
#define KINDRED_PATHMAP_H

#include <stddef.h>
#include <stdint.h>

#include "kindred/rt.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pm_node pm_node;   /* opaque; layout above */
typedef struct pm_kv pm_kv;       /* a key and a value, see pm_build */
typedef struct pm_trie pm_trie;   /* opaque handle */

/* ------------------------------------------------------------------------ */
/* Handles                                                                   */
/* ------------------------------------------------------------------------ */

/* A new empty trie (owned; free with pm_free). RT_ENOMEM. */
int pm_new(pm_trie **out);
/* A second handle on the same contents, O(1) (owned; free with pm_free).
 * Reads `t` only. RT_ENOMEM. */
int pm_clone(const pm_trie *t, pm_trie **out);
/* Drop the handle and its reference to the root; NULL ok. Nodes no other
 * trie or cursor references are freed. */
void pm_free(pm_trie *t);
/* Remove every key (drops the root reference). Never fails. */
void pm_clear(pm_trie *t);
/* Exchange the contents of two handles, O(1). */
void pm_swap(pm_trie *a, pm_trie *b);

/* ------------------------------------------------------------------------ */
/* Point operations                                                          */
/* ------------------------------------------------------------------------ */

/* Insert `key` (n bytes, key may be NULL when n == 0) with value `val`,
 * overwriting the value of an existing key. *added (may be NULL) is set to
 * 1 when the key was new, 0 when it existed. RT_ENOMEM. */
int pm_insert(pm_trie *t, const void *key, size_t n, uint64_t val, int *added);
/* Remove `key`. *removed (may be NULL) = 1 when it was present; *old (may be
 * NULL) receives its value then. RT_ENOMEM (copying a shared path). */
int pm_remove(pm_trie *t, const void *key, size_t n, int *removed, uint64_t *old);
/* 1 and *val (may be NULL) set when `key` is present, else 0. */
int pm_get(const pm_trie *t, const void *key, size_t n, uint64_t *val);
int pm_contains(const pm_trie *t, const void *key, size_t n);
/* Look up n keys at once: found[i] = 1 and vals[i] (vals may be NULL) set
 * when q[i].key is present, found[i] = 0 otherwise (q[i].val is ignored).
 * Same answers as n calls of pm_get; several lookups are kept in flight
 * and their next nodes prefetched, so independent lookups overlap their
 * cache misses instead of paying them one after another. */
void pm_get_batch(const pm_trie *t, const pm_kv *q, size_t n, uint8_t *found,
                  uint64_t *vals);
/* Number of keys, O(1). */
uint64_t pm_count(const pm_trie *t);
/* 1 when the trie has no key. */
int pm_is_empty(const pm_trie *t);
/* 1 when the two tries hold the same keys with the same values (shared
 * subtries compare in O(1)). */
int pm_equal(const pm_trie *a, const pm_trie *b);

/* ------------------------------------------------------------------------ */
/* Prefix operations                                                         */
/* ------------------------------------------------------------------------ */

/* Number of keys that start with p (n bytes), O(n). p itself counts when it
 * is a key. */
uint64_t pm_count_prefix(const pm_trie *t, const void *p, size_t n);
/* 1 when some key starts with p (the path exists). */
int pm_path_exists(const pm_trie *t, const void *p, size_t n);

/* Visit every key that starts with p, in lexicographic byte order (a key
 * before its extensions). `key` is the whole key, valid during the call
 * only. A non-zero return from fn stops the walk and is returned.
 * Returns 0, fn's value, or RT_ENOMEM (key buffer). The trie must not be
 * written during the walk. */
typedef int (*pm_visit_fn)(void *ctx, const uint8_t *key, size_t n, uint64_t val);
int pm_foreach(const pm_trie *t, const void *p, size_t n, pm_visit_fn fn, void *ctx);

/* A new trie (owned) holding the keys of `t` that start with p, with p
 * removed from their front. Shares nodes with t; O(n). RT_ENOMEM. */
int pm_subtrie(const pm_trie *t, const void *p, size_t n, pm_trie **out);
/* Replace everything under p by `src`: afterwards the keys of t starting
 * with p are exactly p.k for each key k of src (src unchanged, shared).
 * src may be t itself. RT_ENOMEM. */
int pm_graft(pm_trie *t, const void *p, size_t n, const pm_trie *src);
/* Join `src` under p: add p.k -> v for each key k of src, keeping t's value
 * where p.k already exists. src may be t. RT_ENOMEM. */
int pm_join_at(pm_trie *t, const void *p, size_t n, const pm_trie *src);
/* Move the keys under p out of t into a new trie (owned; p removed from
 * their front). *out gets an empty trie when nothing starts with p.
 * RT_ENOMEM (then t is unchanged and *out untouched). */
int pm_take(pm_trie *t, const void *p, size_t n, pm_trie **out);
/* Remove every key that starts with p; *removed (may be NULL) = how many. */
int pm_remove_prefix(pm_trie *t, const void *p, size_t n, uint64_t *removed);
/* Keep only the keys of t that have a prefix (possibly the whole key, or the
 * empty key) which is a key of `prefixes`. RT_ENOMEM. */
int pm_restrict(pm_trie *t, const pm_trie *prefixes);
/* Remove the first k bytes of every key; keys shorter than k disappear.
 * Keys that collide after the cut are merged; the value kept is the one of
 * the lexicographically smallest original key. RT_ENOMEM. */
int pm_drop_head(pm_trie *t, size_t k);

/* ------------------------------------------------------------------------ */
/* Set algebra                                                               */
/* ------------------------------------------------------------------------ */
/*
 * dst := dst OP src. Subtries shared by both operands are recognised by
 * pointer and handled in O(1) (join/meet keep them, subtract drops them),
 * so operating on a trie and a lightly edited clone of it costs about the
 * size of the edit. src may be dst. Values: for keys in both, dst's value
 * is kept. src is only read. RT_ENOMEM leaves dst unchanged.
 */
int pm_join(pm_trie *dst, const pm_trie *src);      /* union */
int pm_meet(pm_trie *dst, const pm_trie *src);      /* intersection */
int pm_subtract(pm_trie *dst, const pm_trie *src);  /* difference */

/* ------------------------------------------------------------------------ */
/* Read cursor                                                               */
/* ------------------------------------------------------------------------ */
/*
 * A cursor has a focus: a path (byte string) that exists in the trie, i.e.
 * is a prefix of at least one key, or the empty path of the view root. It
 * moves byte by byte; compressed runs are walked inside the nodes, so any
 * path can be a focus. A cursor opened with pm_cur_init_at sees only the
 * keys under its prefix, with the prefix removed (its "view").
 *
 * The struct is stack-allocatable; its fields are private. It holds inline
 * room for PM_CUR_INLINE_FRAMES nodes and PM_CUR_INLINE_PATH path bytes and
 * allocates (rt_malloc) only beyond that, so moves that can grow the focus
 * return RT_ENOMEM in the rare deep case. Do not copy a pm_cur by value.
 * Init pins the root (see thread safety); fini releases it.
 */
#define PM_CUR_INLINE_FRAMES 40
#define PM_CUR_INLINE_PATH 320

typedef struct pm_cur {
    const pm_node *root_;       /* pinned reference (NULL: empty view) */
    const pm_node **nodes_;     /* frame stack: node of each level */
    size_t *starts_;            /* path offset where that node's prefix starts */
    size_t nframes_, capframes_;
    uint8_t *path_;             /* whole path from the trie root */
    size_t depth_, cappath_;
    size_t base_;               /* bytes of the view prefix at the front of path_ */
    size_t base_frames_;        /* frames up to the view root (not poppable) */
    const pm_node *inl_nodes_[PM_CUR_INLINE_FRAMES];
    size_t inl_starts_[PM_CUR_INLINE_FRAMES];
    uint8_t inl_path_[PM_CUR_INLINE_PATH];
} pm_cur;

/* Open a cursor on t with the focus at the empty path. Never fails. */
void pm_cur_init(pm_cur *c, const pm_trie *t);
/* Open a cursor whose view is the keys under p (p removed). If no key
 * starts with p the view is empty. RT_ENOMEM only for very long p. */
int pm_cur_init_at(pm_cur *c, const pm_trie *t, const void *p, size_t n);
/* Release the pinned root and any heap room. */
void pm_cur_fini(pm_cur *c);
/* Focus back to the view root. */
void pm_cur_reset(pm_cur *c);

/* The focus path relative to the view (valid until the next move) and its
 * length. */
const uint8_t *pm_cur_path(const pm_cur *c);
size_t pm_cur_depth(const pm_cur *c);
/* 1 and *val (may be NULL) set when the focus path is a key. */
int pm_cur_val(const pm_cur *c, uint64_t *val);
/* Keys at or below the focus. */
uint64_t pm_cur_count(const pm_cur *c);
/* Bytes b for which focus.b exists: bit b of mask[b >> 6] is (b & 63). */
void pm_cur_child_mask(const pm_cur *c, uint64_t mask[4]);
unsigned pm_cur_child_count(const pm_cur *c);

/* Moves. Return 1 when moved, 0 when the target does not exist (the cursor
 * is then unchanged unless stated), negative on error (RT_ENOMEM). */
int pm_cur_descend_byte(pm_cur *c, uint8_t b);
/* All of p or nothing. */
int pm_cur_descend(pm_cur *c, const void *p, size_t n);
/* As far along p as the trie goes; *matched = bytes descended. Returns 1
 * when all n matched, 0 otherwise (the cursor stays at the longest match). */
int pm_cur_descend_partial(pm_cur *c, const void *p, size_t n, size_t *matched);
/* Up k bytes; RT_ERANGE (and no move) when k > depth. */
int pm_cur_ascend(pm_cur *c, size_t k);
/* Descend by the smallest child byte. */
int pm_cur_first_child(pm_cur *c);
/* Replace the last byte of the focus by the next larger byte that exists
 * (focus = parent.b' with b' > b smallest). 0 at the view root or when no
 * larger sibling exists. */
int pm_cur_next_sibling(pm_cur *c);
/* Move to the smallest key greater than the focus path (in-order
 * iteration: a key comes before its extensions). 0 when none: the cursor
 * is then at the view root. */
int pm_cur_next(pm_cur *c);
/* Move to the smallest key >= k. 0 when none: the cursor is then at the
 * view root. Iterate a whole view with
 *     for (r = pm_cur_seek(c, NULL, 0); r == 1; r = pm_cur_next(c)) ...  */
int pm_cur_seek(pm_cur *c, const void *k, size_t n);
/* A new trie (owned) holding the keys under the focus, focus removed; it
 * shares nodes. RT_ENOMEM. */
int pm_cur_subtrie(const pm_cur *c, pm_trie **out);

/* ------------------------------------------------------------------------ */
/* Write cursor: batched edits below a prefix                                */
/* ------------------------------------------------------------------------ */
/*
 * Edits keys p.k through short suffixes k. Between begin and commit the
 * trie itself still shows its old contents (it may be read, but must not be
 * written); commit replaces the subtrie under p by the edited one. The
 * struct is stack-allocatable; fields are private. Use by one thread.
 */
typedef struct pm_wcur {
    pm_trie *t_;
    pm_trie *sub_;        /* working copy of the keys under the prefix */
    uint8_t *prefix_;     /* owned copy of p */
    size_t plen_;
} pm_wcur;

/* RT_ENOMEM (then nothing to release). */
int pm_wcur_begin(pm_wcur *w, pm_trie *t, const void *p, size_t n);
/* As pm_insert / pm_remove / pm_get on the key p.k. */
int pm_wcur_insert(pm_wcur *w, const void *k, size_t n, uint64_t val, int *added);
int pm_wcur_remove(pm_wcur *w, const void *k, size_t n, int *removed);
int pm_wcur_get(const pm_wcur *w, const void *k, size_t n, uint64_t *val);
/* Publish the edits into the trie and release the cursor. On RT_ENOMEM the
 * trie is unchanged and the cursor stays open (commit again or abort). */
int pm_wcur_commit(pm_wcur *w);
/* Drop the edits and release the cursor. */
void pm_wcur_abort(pm_wcur *w);

/* ------------------------------------------------------------------------ */
/* Bulk build                                                                */
/* ------------------------------------------------------------------------ */

struct pm_kv {
    const uint8_t *key;   /* borrowed */
    size_t len;
    uint64_t val;
};

/*
 * Build a trie from n items. When a key repeats, the later item's value
 * wins (as if inserted in order). The batch is sorted (a stable bucket sort
 * on the byte, or two, after the batch's common prefix, then each bucket) and
 * built bottom-up, every node made once at its final size; a batch whose
 * keys are already in byte order (memcmp order, a key before its
 * extensions; repeats adjacent) is detected in one pass and skips the sort.
 * With a pool of more than one thread the unsorted path counts, scatters,
 * sorts and builds in parallel, the parts being disjoint ranges of buckets
 * whose subtries are then joined; the result holds exactly what a
 * sequential build holds. pool may be NULL (sequential). Needs about
 * 24 bytes per item plus the total key length of scratch memory during the
 * call. The items and keys are only read; they must not change during the
 * call. Must be called by the pool's owner thread.
 * Returns 0 and an owned trie, or RT_ENOMEM / RT_ETHREAD.
 */
int pm_build(pm_trie **out, const pm_kv *items, size_t n, rt_pool *pool);
/* Insert a batch into t (batch values overwrite t's), using pm_build then a
 * join. *added (may be NULL) = keys that were new. RT_ENOMEM leaves t
 * unchanged. */
int pm_insert_many(pm_trie *t, const pm_kv *items, size_t n, rt_pool *pool,
                   uint64_t *added);

/* ------------------------------------------------------------------------ */
/* Statistics                                                                */
/* ------------------------------------------------------------------------ */

typedef struct pm_stats {
    uint64_t keys;
    uint64_t leaves, smalls, masks;   /* nodes reached, shared ones once per path */
    uint64_t bytes;                   /* sum of node allocation sizes */
    uint64_t max_depth;               /* longest key */
} pm_stats;

/* Walk the trie; a node shared at several places is counted at each. */
void pm_get_stats(const pm_trie *t, pm_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* KINDRED_PATHMAP_H */
