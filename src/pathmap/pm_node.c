/*
 * Node allocation, copying, growth and normalisation for the pathmap trie.
 *
 * Nodes come from rt_malloc, or from a bulk builder's slab blocks (layout
 * in pm_node.h), so each one can be freed on its own when its last
 * reference goes, whichever thread drops it.
 */
#include "pathmap/pm_node.h"

#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static size_t small_size(size_t plen, size_t cap)
{
    return sizeof(pm_inner) + pm_pad8(plen) + pm_pad8(cap) + cap * sizeof(pm_node *);
}

static size_t mask_size(size_t plen, size_t cap)
{
    return sizeof(pm_mask) + pm_pad8(plen) + cap * sizeof(pm_node *);
}

size_t pm_node_size(const pm_node *x)
{
    switch (x->kind) {
    case PM_LEAF: return sizeof(pm_leaf) + x->plen;
    case PM_SMALL: return small_size(x->plen, pm_in(x)->cap);
    default: return mask_size(x->plen, pm_in(x)->cap);
    }
}

/* Slab blocks are aligned to their size, so a node finds its block by
 * masking its address; the live count sits in the block's first word. */
static _Atomic uint32_t *slab_live(const pm_node *x)
{
    return (_Atomic uint32_t *)((uintptr_t)x & ~(uintptr_t)(PM_SLAB_BLOCK - 1));
}

static void slab_put(_Atomic uint32_t *live, uint32_t k)
{
    if (atomic_fetch_sub_explicit(live, k, memory_order_acq_rel) == k)
        rt_free((void *)live);
}

void pm_slab_close(pm_slab *sl)
{
    if (!sl || !sl->blk)
        return;
    slab_put((_Atomic uint32_t *)sl->blk, PM_SLAB_BIAS - sl->made);
    sl->blk = NULL;
}

/* Open a fresh block in sl for a node of sz bytes (padded); NULL when
 * memory is short. Kept out of line: it runs once per block, and inlined
 * it would crowd the per-node path below. */
static PM_NOINLINE void *slab_refill(pm_slab *sl, size_t sz)
{
    pm_slab_close(sl);
    uint8_t *b = rt_aligned_alloc(PM_SLAB_BLOCK, PM_SLAB_BLOCK);
    if (!b)
        return NULL;
    atomic_init((_Atomic uint32_t *)b, PM_SLAB_BIAS);
    sl->blk = b;
    sl->off = (uint32_t)(8 + sz);
    sl->made = 1;
    return b + 8;
}

/* sz bytes for a node: from the slab when there is one and the node is
 * small enough to share a block, else from rt_malloc. *in_slab says which.
 * A bulk build cuts a million leaves here, so the common case (room left
 * in the open block) is a few instructions inline. */
static inline void *node_alloc(pm_slab *sl, size_t sz, int *in_slab)
{
    if (!sl || sz > PM_SLAB_BLOCK / 8) {
        *in_slab = 0;
        return rt_malloc(sz);
    }
    sz = pm_pad8(sz);
    void *p;
    if (sl->blk && sl->off + sz <= PM_SLAB_BLOCK) {
        p = sl->blk + sl->off;
        sl->off += (uint32_t)sz;
        sl->made++;
    } else {
        p = slab_refill(sl, sz);
    }
    *in_slab = p != NULL;
    return p;
}

static void node_free(pm_node *x)
{
    if (x->flags & PM_IN_SLAB)
        slab_put(slab_live(x), 1);
    else
        rt_free(x);
}

/* realloc for an unshared node; a slab node moves to rt_malloc memory. */
static pm_node *node_resize(pm_node *x, size_t old, size_t sz)
{
    if (!(x->flags & PM_IN_SLAB))
        return rt_realloc(x, sz);
    pm_node *y = rt_malloc(sz);
    if (!y)
        return NULL;
    memcpy(y, x, old < sz ? old : sz);
    y->flags &= (uint8_t)~PM_IN_SLAB;
    node_free(x);
    return y;
}

void pm_release(pm_node *x)
{
    while (x) {
        if (atomic_fetch_sub_explicit(&x->rc, 1, memory_order_release) != 1)
            return;
        atomic_thread_fence(memory_order_acquire);
        if (x->kind == PM_LEAF) {
            node_free(x);
            return;
        }
        unsigned n = pm_in(x)->n;
        pm_node **k = pm_kids(x);
        /* Release all but the last child recursively, the last in the loop,
         * so long chains do not deepen the stack. */
        pm_node *last = n ? k[n - 1] : NULL;
        pm_prefetch_first_kids(x);
        for (unsigned i = 0; i + 1 < n; i++) {
            if (i + PM_KIDS_AHEAD < n)
                __builtin_prefetch(k[i + PM_KIDS_AHEAD]);
            pm_release(k[i]);
        }
        node_free(x);
        x = last;
    }
}

pm_node *pm_leaf_new(pm_slab *sl, const uint8_t *p, size_t plen, uint64_t val)
{
    int in_slab;
    pm_leaf *l = node_alloc(sl, sizeof(pm_leaf) + plen, &in_slab);
    if (!l)
        return NULL;
    atomic_init(&l->h.rc, 1);
    l->h.kind = PM_LEAF;
    l->h.flags = (uint8_t)(PM_HAS_VAL | (in_slab ? PM_IN_SLAB : 0));
    l->h.plen = (uint16_t)plen;
    l->val = val;
    pm_copy_short(l->prefix, p, plen);
    return &l->h;
}

pm_node *pm_inner_new(pm_slab *sl, int kind, const uint8_t *p, size_t plen, unsigned cap)
{
    size_t sz = kind == PM_SMALL ? small_size(plen, cap) : mask_size(plen, cap);
    int in_slab;
    pm_inner *x = node_alloc(sl, sz, &in_slab);
    if (!x)
        return NULL;
    atomic_init(&x->h.rc, 1);
    x->h.kind = (uint8_t)kind;
    x->h.flags = in_slab ? PM_IN_SLAB : 0;
    x->h.plen = (uint16_t)plen;
    x->count = 0;
    x->val = 0;
    x->n = 0;
    x->cap = (uint16_t)cap;
    memset(x->cum, 0, sizeof x->cum);
    if (kind == PM_MASK)
        memset(((pm_mask *)x)->mask, 0, sizeof(((pm_mask *)x)->mask));
    if (plen)
        memcpy(pm_prefix(&x->h), p, plen);
    return &x->h;
}

/* Wrap x under a single-child node: prefix p (<= PM_PLEN_MAX), then byte b.
 * Consumes x on success. */
static pm_node *wrap(const uint8_t *p, size_t plen, unsigned b, pm_node *x)
{
    pm_node *w = pm_inner_new(NULL, PM_SMALL, p, plen, 1);
    if (!w)
        return NULL;
    pm_small_bytes(w)[0] = (uint8_t)b;
    pm_small_kids(w)[0] = x;
    pm_in(w)->n = 1;
    pm_in(w)->count = pm_ncount(x);
    return w;
}

pm_node *pm_chain_new(pm_slab *sl, const uint8_t *s, size_t n, uint64_t val)
{
    if (n <= PM_PLEN_MAX)
        return pm_leaf_new(sl, s, n, val);
    /* Build from the tail so each wrap consumes the node below it. */
    size_t cut = n - PM_PLEN_MAX;    /* bytes before the last segment */
    pm_node *x = pm_leaf_new(sl, s + cut, PM_PLEN_MAX, val);
    while (x && cut > 0) {
        size_t seg = cut - 1 > PM_PLEN_MAX ? PM_PLEN_MAX : cut - 1;
        size_t start = cut - 1 - seg;
        pm_node *w = wrap(s + start, seg, s[cut - 1], x);
        if (!w) {
            pm_release(x);
            return NULL;
        }
        x = w;
        cut = start;
    }
    return x;
}

/* Copy x's body (value, count, children with references taken) into y,
 * which has x's kind, enough capacity and its own prefix already set. */
static void copy_body(pm_node *y, const pm_node *x)
{
    pm_set_flags(y, x->flags);
    if (x->kind == PM_LEAF) {
        ((pm_leaf *)y)->val = ((const pm_leaf *)x)->val;
        return;
    }
    unsigned n = pm_in(x)->n;
    pm_in(y)->count = pm_in(x)->count;
    pm_in(y)->val = pm_in(x)->val;
    pm_in(y)->n = (uint16_t)n;
    pm_node **xk = pm_kids(x), **yk = pm_kids(y);
    if (x->kind == PM_SMALL) {
        memcpy(pm_small_bytes(y), pm_small_bytes(x), n);
    } else {
        memcpy(((pm_mask *)y)->mask, ((const pm_mask *)x)->mask, 32);
        memcpy(pm_in(y)->cum, pm_in(x)->cum, 4);
    }
    for (unsigned i = 0; i < n; i++) {
        yk[i] = xk[i];
        pm_retain(xk[i]);
    }
}

static pm_node *copy_with(const pm_node *x, const uint8_t *p, size_t plen, unsigned extra)
{
    pm_node *y;
    if (x->kind == PM_LEAF) {
        y = pm_leaf_new(NULL, p, plen, 0);
    } else {
        unsigned cap = pm_in(x)->n + extra;
        if (x->kind == PM_SMALL && cap > PM_SMALL_MAX)
            cap = PM_SMALL_MAX > pm_in(x)->n ? PM_SMALL_MAX : pm_in(x)->n;
        if (x->kind == PM_MASK && cap > 256)
            cap = 256;
        if (cap == 0)
            cap = 1;
        y = pm_inner_new(NULL, x->kind, p, plen, cap);
    }
    if (y)
        copy_body(y, x);
    return y;
}

pm_node *pm_node_copy(const pm_node *x, unsigned extra)
{
    return copy_with(x, pm_prefix(x), x->plen, extra);
}

pm_node *pm_node_reprefix(const pm_node *x, const uint8_t *a, size_t la,
                          const uint8_t *b, size_t lb)
{
    size_t total = la + lb;
    uint8_t tmp[256];
    uint8_t *buf = tmp;
    if (total > sizeof tmp) {
        buf = rt_malloc(total);
        if (!buf)
            return NULL;
    }
    if (la)
        memcpy(buf, a, la);
    if (lb)
        memcpy(buf + la, b, lb);
    pm_node *y;
    if (total <= PM_PLEN_MAX) {
        y = copy_with(x, buf, total, 0);
    } else {
        size_t cut = total - PM_PLEN_MAX;
        y = copy_with(x, buf + cut, PM_PLEN_MAX, 0);
        while (y && cut > 0) {
            size_t seg = cut - 1 > PM_PLEN_MAX ? PM_PLEN_MAX : cut - 1;
            size_t start = cut - 1 - seg;
            pm_node *w = wrap(buf + start, seg, buf[cut - 1], y);
            if (!w) {
                pm_release(y);
                y = NULL;
                break;
            }
            y = w;
            cut = start;
        }
    }
    if (buf != tmp)
        rt_free(buf);
    return y;
}

pm_node *pm_view_node(pm_node *x, size_t off)
{
    if (off == 0) {
        pm_retain(x);
        return x;
    }
    return pm_node_reprefix(x, pm_prefix(x) + off, x->plen - off, NULL, 0);
}

/* Convert an unshared SMALL into a MASK with room for `cap` children. */
static pm_node *small_to_mask(pm_node *x, unsigned cap)
{
    pm_node *y = pm_inner_new(NULL, PM_MASK, pm_prefix(x), x->plen, cap);
    if (!y)
        return NULL;
    unsigned n = pm_in(x)->n;
    const uint8_t *bs = pm_small_bytes(x);
    pm_node **xk = pm_small_kids(x), **yk = pm_mask_kids(y);
    for (unsigned i = 0; i < n; i++) {
        pm_mask_set(y, bs[i]);
        yk[i] = xk[i];
    }
    pm_set_flags(y, x->flags);
    pm_in(y)->count = pm_in(x)->count;
    pm_in(y)->val = pm_in(x)->val;
    pm_in(y)->n = (uint16_t)n;
    node_free(x);
    return y;
}

/* Where byte b (not yet a child) goes among a SMALL node's n sorted
 * bytes. Random keys land anywhere, so a scan from either end leaves its
 * loop at a random point: a mispredicted branch in every insert. The SSE2
 * form compares all bytes at once; the bytes below b are a prefix of the
 * array, so their count is the run of ones at the bottom of the mask.
 * Sixteen bytes are readable as in pm_small_find16. */
static inline unsigned small_slot_for(const uint8_t *bs, unsigned n, unsigned b)
{
#if defined(__SSE2__)
    if (n <= 16) {
        const __m128i flip = _mm_set1_epi8((char)0x80);
        __m128i v = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)bs), flip);
        __m128i lt = _mm_cmplt_epi8(v, _mm_set1_epi8((char)(uint8_t)(b ^ 0x80u)));
        unsigned below = (unsigned)_mm_movemask_epi8(lt) & ((1u << n) - 1u);
        return (unsigned)__builtin_ctz(~below);
    }
#endif
    unsigned i = 0;
    while (i < n && bs[i] < b)
        i++;
    return i;
}

pm_node *pm_add_child(pm_node *x, unsigned b, pm_node *kid)
{
    pm_inner *in = pm_in(x);
    unsigned n = in->n;
    if (x->kind == PM_SMALL) {
        if (n == in->cap) {
            if (n >= PM_SMALL_MAX) {
                x = small_to_mask(x, n + 8);
                if (!x)
                    return NULL;
                return pm_add_child(x, b, kid);
            }
            unsigned ncap = n < 2 ? 2 : n * 2;
            if (ncap > PM_SMALL_MAX)
                ncap = PM_SMALL_MAX;
            size_t old_kids = (size_t)((uint8_t *)pm_small_kids(x) - (uint8_t *)x);
            pm_node *y = node_resize(x, small_size(x->plen, in->cap), small_size(x->plen, ncap));
            if (!y)
                return NULL;
            x = y;
            in = pm_in(x);
            in->cap = (uint16_t)ncap;
            memmove(pm_small_kids(x), (uint8_t *)x + old_kids, n * sizeof(pm_node *));
        }
        uint8_t *bs = pm_small_bytes(x);
        pm_node **k = pm_small_kids(x);
        unsigned i = small_slot_for(bs, n, b);
        memmove(bs + i + 1, bs + i, n - i);
        memmove(k + i + 1, k + i, (n - i) * sizeof *k);
        bs[i] = (uint8_t)b;
        k[i] = kid;
        in->n = (uint16_t)(n + 1);
        return x;
    }
    if (n == in->cap) {
        unsigned ncap = n + n / 2 + 4;
        if (ncap > 256)
            ncap = 256;
        pm_node *y = node_resize(x, mask_size(x->plen, in->cap), mask_size(x->plen, ncap));
        if (!y)
            return NULL;
        x = y;
        in = pm_in(x);
        in->cap = (uint16_t)ncap;
    }
    unsigned r = pm_rank(x, b);
    pm_node **k = pm_mask_kids(x);
    memmove(k + r + 1, k + r, (n - r) * sizeof(pm_node *));
    k[r] = kid;
    pm_mask_set(x, b);
    in->n = (uint16_t)(n + 1);
    return x;
}

void pm_del_child(pm_node *x, unsigned b)
{
    pm_inner *in = pm_in(x);
    unsigned n = in->n;
    if (x->kind == PM_SMALL) {
        uint8_t *bs = pm_small_bytes(x);
        pm_node **k = pm_small_kids(x);
        unsigned i = 0;
        while (i < n && bs[i] != b)
            i++;
        for (; i + 1 < n; i++) {
            bs[i] = bs[i + 1];
            k[i] = k[i + 1];
        }
    } else {
        unsigned r = pm_rank(x, b);
        pm_node **k = pm_mask_kids(x);
        memmove(k + r, k + r + 1, (n - r - 1) * sizeof(pm_node *));
        pm_mask_clear(x, b);
    }
    in->n = (uint16_t)(n - 1);
}

void pm_trim_inplace(pm_node *x, size_t k)
{
    size_t plen = x->plen, nl = plen - k;
    uint8_t *p = pm_prefix(x);
    if (x->kind == PM_LEAF) {
        memmove(p, p + k, nl);
        x->plen = (uint16_t)nl;
        return;
    }
    /* The arrays follow the 8-padded prefix: slide them down with it. */
    uint8_t *arr_old = p + pm_pad8(plen);
    uint8_t *arr_new = p + pm_pad8(nl);
    size_t arr_len = x->kind == PM_SMALL
                         ? pm_pad8(pm_in(x)->cap) + pm_in(x)->cap * sizeof(pm_node *)
                         : pm_in(x)->n * sizeof(pm_node *);
    memmove(p, p + k, nl);
    if (arr_new != arr_old)
        memmove(arr_new, arr_old, arr_len);
    x->plen = (uint16_t)nl;
}

int pm_node_make(pm_slab *sl, const uint8_t *p, size_t plen, int has_val, uint64_t val,
                 unsigned n, const uint8_t *bytes, pm_node *const *kids,
                 pm_node **out)
{
    *out = NULL;
    if (n == 0 && !has_val)
        return 0;
    if (n == 0) {
        pm_node *l = pm_chain_new(sl, p, plen, val);
        if (!l)
            return RT_ENOMEM;
        *out = l;
        return 0;
    }
    if (n == 1 && !has_val) {
        uint8_t tmp[256];
        uint8_t *buf = tmp;
        if (plen + 1 > sizeof tmp) {
            buf = rt_malloc(plen + 1);
            if (!buf)
                return RT_ENOMEM;
        }
        if (plen)
            memcpy(buf, p, plen);
        buf[plen] = bytes[0];
        pm_node *k = kids[0];
        pm_node *y = pm_node_reprefix(k, buf, plen + 1, pm_prefix(k), k->plen);
        if (buf != tmp)
            rt_free(buf);
        if (!y)
            return RT_ENOMEM;
        pm_release(k);
        *out = y;
        return 0;
    }
    /* Prefixes over the limit: build the bottom node on the last
     * PM_PLEN_MAX bytes and wrap the rest. */
    size_t cut = plen > PM_PLEN_MAX ? plen - PM_PLEN_MAX : 0;
    int kind = n <= PM_SMALL_MAX ? PM_SMALL : PM_MASK;
    pm_node *x = pm_inner_new(sl, kind, p + cut, plen - cut, n);
    if (!x)
        return RT_ENOMEM;
    uint64_t count = has_val ? 1 : 0;
    pm_node **xk = pm_kids(x);
    if (kind == PM_SMALL)
        memcpy(pm_small_bytes(x), bytes, n);
    for (unsigned i = 0; i < n; i++) {
        if (kind == PM_MASK)
            pm_mask_set(x, bytes[i]);
        xk[i] = kids[i];
        count += pm_ncount(kids[i]);
    }
    pm_in(x)->n = (uint16_t)n;
    pm_in(x)->count = count;
    pm_in(x)->val = has_val ? val : 0;
    pm_set_flags(x, has_val ? PM_HAS_VAL : 0);
    pm_node *bot = x;
    while (cut > 0) {
        size_t seg = cut - 1 > PM_PLEN_MAX ? PM_PLEN_MAX : cut - 1;
        size_t start = cut - 1 - seg;
        pm_node *w = wrap(p + start, seg, p[cut - 1], x);
        if (!w) {
            /* Give the kids back to the caller untouched. */
            pm_node **k = pm_kids(bot);
            for (unsigned i = 0; i < n; i++)
                pm_retain(k[i]);
            pm_release(x);
            return RT_ENOMEM;
        }
        x = w;
        cut = start;
    }
    *out = x;
    return 0;
}

pm_node *pm_tidy(pm_node *x)
{
    if (x->kind == PM_LEAF)
        return x;
    pm_inner *in = pm_in(x);
    if (in->n == 0) {
        if (!pm_has_val(x)) {
            pm_release(x);
            return NULL;
        }
        pm_node *l = pm_leaf_new(NULL, pm_prefix(x), x->plen, in->val);
        if (!l)
            return x;
        pm_release(x);
        return l;
    }
    if (in->n == 1 && !pm_has_val(x)) {
        unsigned b = pm_byte_at(x, 0);
        pm_node *k = pm_kids(x)[0];
        uint8_t tmp[256];
        uint8_t *buf = tmp;
        size_t plen = x->plen;
        if (plen + 1 > sizeof tmp) {
            buf = rt_malloc(plen + 1);
            if (!buf)
                return x;
        }
        memcpy(buf, pm_prefix(x), plen);
        buf[plen] = (uint8_t)b;
        pm_node *y = NULL;
        if (plen + 1 + k->plen <= PM_PLEN_MAX)
            y = pm_node_reprefix(k, buf, plen + 1, pm_prefix(k), k->plen);
        if (buf != tmp)
            rt_free(buf);
        if (!y)
            return x;
        pm_release(x);
        return y;
    }
    if (x->kind == PM_MASK && in->n < PM_SMALL_SHRINK) {
        unsigned n = in->n;
        pm_node *y = pm_inner_new(NULL, PM_SMALL, pm_prefix(x), x->plen, n);
        if (!y)
            return x;
        uint8_t *bs = pm_small_bytes(y);
        pm_node **yk = pm_small_kids(y), **xk = pm_mask_kids(x);
        const uint64_t *m = ((pm_mask *)x)->mask;
        unsigned i = 0;
        for (unsigned w = 0; w < 4; w++)
            for (uint64_t v = m[w]; v; v &= v - 1)
                bs[i++] = (uint8_t)(w * 64 + (unsigned)__builtin_ctzll(v));
        memcpy(yk, xk, n * sizeof(pm_node *));
        pm_set_flags(y, x->flags);
        pm_in(y)->count = in->count;
        pm_in(y)->val = in->val;
        pm_in(y)->n = (uint16_t)n;
        node_free(x);
        return y;
    }
    return x;
}
