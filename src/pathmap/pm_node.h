/*
 * Internal node representation of the pathmap trie (layout drawn in
 * include/kindred/pathmap.h). Shared by the pm_*.c files only.
 *
 * Invariants:
 *   - a LEAF always holds a value; an inner node (SMALL or MASK) may have a
 *     value and any number of children, but never neither;
 *   - children are kept in increasing byte order (SMALL) or by mask rank
 *     (MASK, which is the same order);
 *   - `count` of an inner node = its own value (0/1) + counts of children;
 *   - a node reachable from two places (rc > 1, or below such a node) is
 *     never written; writers copy it first (pm_node_copy).
 * Normalised builders (pm_node_make) also merge a valueless single-child
 * node into its child and pick SMALL/MASK by fan-out; in-place edits keep
 * the structure valid but may leave it slightly less compact when an
 * optional tidy-up allocation fails.
 */
#ifndef KINDRED_PM_NODE_H
#define KINDRED_PM_NODE_H

#include "kindred/pathmap.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

enum { PM_LEAF = 0, PM_SMALL = 1, PM_MASK = 2 };
enum { PM_HAS_VAL = 1, PM_IN_SLAB = 2 };

#define PM_PLEN_MAX 65535u
#define PM_SMALL_MAX 16u       /* SMALL holds at most this many children */
#define PM_SMALL_SHRINK 12u    /* MASK below this is turned back into SMALL */

struct pm_node {
    _Atomic uint32_t rc;
    uint8_t kind;
    uint8_t flags;
    uint16_t plen;
};

typedef struct pm_leaf {
    pm_node h;
    uint64_t val;
    uint8_t prefix[];
} pm_leaf;

typedef struct pm_inner {
    pm_node h;
    uint64_t count;
    uint64_t val;
    uint16_t n, cap;
    uint8_t cum[4];    /* MASK: set bits in mask words before word w */
} pm_inner;

typedef struct pm_mask {
    pm_inner in;
    uint64_t mask[4];
} pm_mask;

/*
 * Slab blocks for bulk builds. A bulk build makes a million nodes that will
 * most likely die together; asking malloc for each one was a third of the
 * build's time (and the part of it that scaled worst across threads).
 * A builder instead cuts its nodes from aligned blocks of its own:
 *
 *   block (PM_SLAB_BLOCK bytes, aligned to its size)
 *   +-----------------+--------+--------+------+--------+----------+
 *   | live u32 | pad  | node   | node   | ...  | node   | (unused) |
 *   +-----------------+--------+--------+------+--------+----------+
 *   ^ block_of(x) = x & ~(PM_SLAB_BLOCK - 1)
 *
 * Such nodes carry PM_IN_SLAB. Freeing one decrements `live`; the block
 * goes back to rt_free when the count reaches zero, whichever thread drops
 * the last node. While its builder still cuts from a block, `live` holds
 * an extra PM_SLAB_BIAS so that no release can free it early; closing the
 * block takes the bias back minus the nodes handed out. A node in a slab is
 * otherwise an ordinary node: it is copied before growing (it cannot be
 * realloc'd) and a block lives as long as any of its nodes does.
 * A pm_slab belongs to one builder thread.
 */
#define PM_SLAB_BLOCK 262144u
#define PM_SLAB_BIAS (1u << 30)

typedef struct pm_slab {
    uint8_t *blk;       /* open block or NULL */
    uint32_t off;       /* next free byte in blk */
    uint32_t made;      /* nodes cut from blk */
} pm_slab;

/*
 * A handle owns a slab of its own for the leaves its inserts make, once it
 * holds PM_INSERT_SLAB_MIN keys. A million inserts otherwise hand glibc a
 * million small chunks; freeing them fills its fast bins, and the next
 * large request then merges them all one by one (a third of an insert
 * round's time after a big trie was dropped). Below the threshold a trie
 * keeps to malloc, so that small tries do not each pin a block. The slab
 * is the writer's, like the handle: readers never touch it.
 */
#define PM_INSERT_SLAB_MIN 4096u

struct pm_trie {
    pm_node *root;
    pm_slab slab;
};

/* Set the flag bits other than PM_IN_SLAB, which stays as it is. */
static inline void pm_set_flags(pm_node *x, unsigned f)
{
    x->flags = (uint8_t)((x->flags & PM_IN_SLAB) | (f & ~(unsigned)PM_IN_SLAB));
}

/* Callers may pass NULL for an empty key; pointer arithmetic on NULL is
 * undefined, so every entry point swaps in a real (empty) array. */
static inline const uint8_t *pm_key(const void *p)
{
    static const uint8_t empty[1] = {0};
    return p ? (const uint8_t *)p : empty;
}

static inline size_t pm_pad8(size_t x) { return (x + 7) & ~(size_t)7; }

static inline uint8_t *pm_prefix(const pm_node *x)
{
    switch (x->kind) {
    case PM_LEAF: return (uint8_t *)((const pm_leaf *)x)->prefix;
    case PM_SMALL: return (uint8_t *)x + sizeof(pm_inner);
    default: return (uint8_t *)x + sizeof(pm_mask);
    }
}

static inline pm_inner *pm_in(const pm_node *x) { return (pm_inner *)x; }

static inline uint8_t *pm_small_bytes(const pm_node *x)
{
    return (uint8_t *)x + sizeof(pm_inner) + pm_pad8(x->plen);
}

static inline pm_node **pm_small_kids(const pm_node *x)
{
    return (pm_node **)(pm_small_bytes(x) + pm_pad8(pm_in(x)->cap));
}

static inline pm_node **pm_mask_kids(const pm_node *x)
{
    return (pm_node **)((uint8_t *)x + sizeof(pm_mask) + pm_pad8(x->plen));
}

static inline pm_node **pm_kids(const pm_node *x)
{
    return x->kind == PM_SMALL ? pm_small_kids(x) : pm_mask_kids(x);
}

static inline unsigned pm_nkids(const pm_node *x)
{
    return x->kind == PM_LEAF ? 0u : pm_in(x)->n;
}

static inline int pm_has_val(const pm_node *x)
{
    return (x->flags & PM_HAS_VAL) != 0;
}

static inline uint64_t pm_val(const pm_node *x)
{
    return x->kind == PM_LEAF ? ((const pm_leaf *)x)->val : pm_in(x)->val;
}

static inline uint64_t pm_ncount(const pm_node *x)
{
    if (!x)
        return 0;
    return x->kind == PM_LEAF ? 1u : pm_in(x)->count;
}

/* Population count without relying on a hardware instruction being
 * enabled at compile time (the library call it falls back to is slow). */
static inline unsigned pm_popcount(uint64_t x)
{
#ifdef __POPCNT__
    return (unsigned)__builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
#endif
}

/* Rank of byte b among the set bits of a MASK node's bitmap. */
static inline unsigned pm_rank(const pm_node *x, unsigned b)
{
    const pm_mask *m = (const pm_mask *)x;
    unsigned w = b >> 6;
    return m->in.cum[w] + pm_popcount(m->mask[w] & ((UINT64_C(1) << (b & 63)) - 1));
}

static inline void pm_mask_set(pm_node *x, unsigned b)
{
    pm_mask *m = (pm_mask *)x;
    m->mask[b >> 6] |= UINT64_C(1) << (b & 63);
    for (unsigned w = (b >> 6) + 1; w < 4; w++)
        m->in.cum[w]++;
}

static inline void pm_mask_clear(pm_node *x, unsigned b)
{
    pm_mask *m = (pm_mask *)x;
    m->mask[b >> 6] &= ~(UINT64_C(1) << (b & 63));
    for (unsigned w = (b >> 6) + 1; w < 4; w++)
        m->in.cum[w]--;
}

/* The slot of child b, or NULL. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* SMALL lookup without a data-dependent branch. The scan it replaces left
 * the loop at a random index, a mispredicted branch that waits for the
 * node's bytes; until it resolves the CPU cannot run ahead into the next
 * lookup, so every lookup's cache misses queued behind the last one's.
 * Here the only branch is "found", which is nearly always predicted.
 * Sixteen bytes are always readable: the byte array is padded to 8 and
 * at least 8 bytes of child pointers follow it in the node. Bytes past n
 * are masked off; bytes are unique, so the lowest zero byte of w ^ b is
 * the match (the borrow in the zero-byte test only runs upwards). */
static inline pm_node **pm_small_find16(const pm_node *x, const uint8_t *bs, unsigned n,
                                        unsigned b)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = ones << 7;
    uint64_t w0, w1, bb = ones * (b & 0xFF);
    memcpy(&w0, bs, 8);
    memcpy(&w1, bs + 8, 8);
    w0 ^= bb;
    w1 ^= bb;
    uint64_t z0 = (w0 - ones) & ~w0 & highs, z1 = (w1 - ones) & ~w1 & highs;
    z0 &= n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1;
    z1 &= n >= 16 ? ~(uint64_t)0 : n <= 8 ? 0 : ((uint64_t)1 << (8 * (n - 8))) - 1;
    unsigned i0 = (unsigned)__builtin_ctzll(z0 | (uint64_t)1 << 63) >> 3;
    unsigned i1 = 8 + ((unsigned)__builtin_ctzll(z1 | (uint64_t)1 << 63) >> 3);
    unsigned i = z0 ? i0 : i1;
    return (z0 | z1) ? pm_small_kids(x) + i : NULL;
}
#endif

/* Lookups call pm_find once a level; left to itself the compiler makes it
 * a call, and the call's own instructions then sit in the window behind
 * each cache miss where the next lookup's loads should be (a get at a
 * million keys went from about 185 to 145 ns once it was inlined). */
#if defined(__GNUC__)
#define PM_HOT_INLINE inline __attribute__((always_inline))
#define PM_NOINLINE __attribute__((noinline))
#else
#define PM_HOT_INLINE inline
#define PM_NOINLINE
#endif

static PM_HOT_INLINE pm_node **pm_find(const pm_node *x, unsigned b)
{
    if (x->kind == PM_SMALL) {
        const uint8_t *bs = pm_small_bytes(x);
        unsigned n = pm_in(x)->n;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (n <= 16)
            return pm_small_find16(x, bs, n, b);
#endif
        for (unsigned i = 0; i < n; i++) {
            if (bs[i] == b)
                return pm_small_kids(x) + i;
            if (bs[i] > b)
                return NULL;
        }
        return NULL;
    }
    if (x->kind == PM_MASK) {
        /* A full node's slot is the byte itself. Random keys fill the top
         * levels, and there skipping the rank takes its popcount off the
         * chain of loads that leads to the next miss: a lookup at a
         * million random keys got about a third faster. */
        if (pm_in(x)->n == 256)
            return pm_mask_kids(x) + b;
        const uint64_t *m = ((const pm_mask *)x)->mask;
        if (!(m[b >> 6] >> (b & 63) & 1))
            return NULL;
        return pm_mask_kids(x) + pm_rank(x, b);
    }
    return NULL;
}

/* Child i (in byte order) and its byte. For MASK, iterate with
 * pm_next_byte instead when walking many. */
static inline unsigned pm_byte_at(const pm_node *x, unsigned i)
{
    if (x->kind == PM_SMALL)
        return pm_small_bytes(x)[i];
    const uint64_t *m = ((const pm_mask *)x)->mask;
    for (unsigned w = 0; w < 4; w++) {
        unsigned c = pm_popcount(m[w]);
        if (i < c) {
            uint64_t v = m[w];
            while (i--)
                v &= v - 1;
            return w * 64 + (unsigned)__builtin_ctzll(v);
        }
        i -= c;
    }
    return 256;
}

/* Smallest child byte >= b (256 when none); *idx gets its index. */
static inline unsigned pm_next_byte(const pm_node *x, unsigned b, unsigned *idx)
{
    if (x->kind == PM_SMALL) {
        const uint8_t *bs = pm_small_bytes(x);
        unsigned n = pm_in(x)->n;
        for (unsigned i = 0; i < n; i++)
            if (bs[i] >= b) {
                *idx = i;
                return bs[i];
            }
        return 256;
    }
    if (x->kind == PM_MASK) {
        const uint64_t *m = ((const pm_mask *)x)->mask;
        for (unsigned w = b >> 6; w < 4 && b < 256; w++) {
            uint64_t v = m[w];
            if (w == b >> 6)
                v &= ~UINT64_C(0) << (b & 63);
            if (v) {
                unsigned r = w * 64 + (unsigned)__builtin_ctzll(v);
                *idx = pm_rank(x, r);
                return r;
            }
        }
        return 256;
    }
    return 256;
}

/* Ask for the lines of node x that a lookup of byte b below it will touch,
 * before x's header has arrived. At a million keys every level is a cache
 * miss, and without this the header miss and the miss on the child slot are
 * taken one after the other:
 *
 *   SMALL, plen <= 8:  | hdr 32 | bytes | kids ...........|   x .. x+175
 *                      ^x        ^x+64 and ^x+128 cover the slots
 *   MASK, plen 0:      | hdr 32 | mask 32 | kids by rank ..|
 *                      slot of b is x+64+8*rank(b); rank(b) == b when full
 *
 * The guesses (small prefix, full mask) are only guesses: a wrong one costs
 * one wasted line fetch, never a wrong answer. Addresses are computed as
 * integers because they may lie past the end of the node. */
static inline void pm_prefetch_node(const pm_node *x, unsigned b)
{
    uintptr_t a = (uintptr_t)x;
    __builtin_prefetch((const void *)a);
    __builtin_prefetch((const void *)(a + 64));
    __builtin_prefetch((const void *)(a + 128));
    __builtin_prefetch((const void *)(a + sizeof(pm_mask) + 8u * b));
}

/* How many children ahead a walk over all of a node's children asks for
 * them. Joining or freeing a big trie takes or drops a reference on
 * millions of nodes nobody has read lately, each an atomic add on the
 * node's count: without the prefetch every add waited for its own miss,
 * and a locked add lets no later load start meanwhile, so the misses were
 * taken one by one (a join of two tries of a million random keys went
 * from 180 to 110 ms with it). */
#define PM_KIDS_AHEAD 16u

/* Ask for x's first PM_KIDS_AHEAD children; a walk over them then asks
 * for child i + PM_KIDS_AHEAD as it reaches child i. GCC counts a prefetch
 * as no effect and deletes a loop of nothing else, so each round here also
 * runs an empty volatile asm. (A write hint would suit the counts better,
 * but without -mprfchw GCC drops that on x86-64 altogether.) */
static inline void pm_prefetch_first_kids(const pm_node *x)
{
    unsigned n = pm_nkids(x);
    pm_node *const *k = n ? pm_kids(x) : NULL;
    for (unsigned i = 0; i < n && i < PM_KIDS_AHEAD; i++) {
        __builtin_prefetch(k[i]);
#if defined(__GNUC__)
        __asm__ __volatile__("" : : "r"(k[i]));
#endif
    }
}

static inline void pm_retain(pm_node *x)
{
    if (x)
        atomic_fetch_add_explicit(&x->rc, 1, memory_order_relaxed);
}

/* 1 when this reference is the only one (acquire: pairs with the release
 * in pm_release so another thread's last reads happen before our writes). */
static inline int pm_unique(pm_node *x)
{
    return atomic_load_explicit(&x->rc, memory_order_acquire) == 1;
}

/* p[0..plen) == k[0..plen). Leaf suffixes of 8 to 16 bytes are the
 * common case at the bottom of a lookup; two overlapping word loads
 * there leave less work waiting on the leaf's miss than a call. */
static inline int pm_bytes_eq(const uint8_t *p, const uint8_t *k, size_t plen)
{
    if (plen >= 8 && plen <= 16) {
        uint64_t a0, b0, a1, b1;
        memcpy(&a0, p, 8);
        memcpy(&b0, k, 8);
        memcpy(&a1, p + plen - 8, 8);
        memcpy(&b1, k + plen - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    return memcmp(p, k, plen) == 0;
}

/* The 8 bytes at p as a number that orders as the bytes do. */
static inline uint64_t pm_be64(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return x;
#else
    return __builtin_bswap64(x);
#endif
}

/* memcpy for the short keys and suffixes of typical batches without a
 * library call: two overlapping word copies cover 8 to 16 bytes. */
static inline void pm_copy_short(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t x, y;
        memcpy(&x, src, 8);
        memcpy(&y, src + n - 8, 8);
        memcpy(dst, &x, 8);
        memcpy(dst + n - 8, &y, 8);
    } else if (n) {
        memcpy(dst, src, n);
    }
}

static inline size_t pm_lcp(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
    size_t n = la < lb ? la : lb, i = 0;
    while (i + 8 <= n) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            return i + (size_t)__builtin_clzll(x ^ y) / 8;
#else
            return i + (size_t)__builtin_ctzll(x ^ y) / 8;
#endif
        i += 8;
    }
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* ---- pm_node.c ---- */
void pm_release(pm_node *x);
size_t pm_node_size(const pm_node *x);
/* Close the slab's open block (the builder is done with it). */
void pm_slab_close(pm_slab *sl);
/* The constructors take an optional slab (NULL: plain rt_malloc). */
pm_node *pm_leaf_new(pm_slab *sl, const uint8_t *p, size_t plen, uint64_t val);
/* A new node holding `suffix` (any length) -> val, chained when longer
 * than PM_PLEN_MAX. NULL on ENOMEM. */
pm_node *pm_chain_new(pm_slab *sl, const uint8_t *s, size_t n, uint64_t val);
pm_node *pm_inner_new(pm_slab *sl, int kind, const uint8_t *p, size_t plen, unsigned cap);
/* Copy of x (children retained) with room for `extra` more children. */
pm_node *pm_node_copy(const pm_node *x, unsigned extra);
/* Copy of x whose prefix is a.b instead of x's own (x is not consumed;
 * children retained). Chains when a.b is longer than PM_PLEN_MAX. */
pm_node *pm_node_reprefix(const pm_node *x, const uint8_t *a, size_t la,
                          const uint8_t *b, size_t lb);
/* Add child b -> kid to the unshared inner node x (b absent). Returns the
 * node (possibly moved or converted) or NULL on ENOMEM (x unchanged). */
pm_node *pm_add_child(pm_node *x, unsigned b, pm_node *kid);
/* Remove the entry for child b (present) from unshared x; the caller
 * already dropped or moved the child's reference. */
void pm_del_child(pm_node *x, unsigned b);
/* Drop the first k prefix bytes of unshared x in place. */
void pm_trim_inplace(pm_node *x, size_t k);
/* Normalised node from parts; consumes the kids' references on success
 * (and on failure leaves them to the caller). *out = NULL when the parts
 * are empty. Returns 0 or RT_ENOMEM. */
int pm_node_make(pm_slab *sl, const uint8_t *p, size_t plen, int has_val, uint64_t val,
                 unsigned n, const uint8_t *bytes, pm_node *const *kids,
                 pm_node **out);
/* Tidy an unshared node after removals: returns the node that should take
 * its slot (NULL when empty). Never fails: tidy-ups that need memory are
 * skipped when it is short. */
pm_node *pm_tidy(pm_node *x);
/* A view (x, off) is the subtrie starting `off` bytes into x's prefix.
 * Returns a new reference to a node for it (copy when off > 0). */
pm_node *pm_view_node(pm_node *x, size_t off);

/* ---- pm_trie.c ---- */
/* Where path p ends: node *x and offset *off into its prefix (plen = at its
 * branch point). 0 when no key starts with p. */
int pm_locate(pm_node *root, const uint8_t *p, size_t n, pm_node **x, size_t *off);
/* The view (x, off) with everything under p replaced by y's keys (y
 * borrowed, may be NULL). *out is a new reference. */
int pm_replace_at(pm_node *x, size_t off, const uint8_t *p, size_t n, pm_node *y,
                  pm_node **out);

/* ---- pm_algebra.c ---- (operands borrowed, *out a new reference) */
int pm_join_nodes(pm_node *a, pm_node *b, pm_node **out);

/* ---- pm_sorted.c ---- */
#define PM_TOO_DEEP 1
/* 1 when the items' keys are in non-decreasing byte order. */
int pm_sorted_check(const pm_kv *items, size_t n);
/* Trie of the sorted items (later repeats win), built bottom-up; *out a new
 * reference (NULL for n == 0). 0, RT_ENOMEM, or PM_TOO_DEEP when the keys
 * branch more than a couple of hundred levels deep (nothing is kept; build
 * by inserts instead). Nodes are cut from sl (may be NULL), which the
 * caller closes when it has no more builds to run. */
int pm_build_sorted_nodes(pm_slab *sl, const pm_kv *items, size_t n, pm_node **out);

#endif /* KINDRED_PM_NODE_H */
