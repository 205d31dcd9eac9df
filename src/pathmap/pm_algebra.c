/*
 * Set algebra on pathmap tries: join, meet, subtract, restrict, drop_head
 * and equality.
 *
 * Every operation is a simultaneous walk of two "views": (node, off) is the
 * subtrie that starts `off` bytes into the node's compressed prefix, so two
 * tries whose compressed runs break at different places can be walked in
 * step without first copying nodes to line the runs up.
 *
 *     a: [p r e f i x]--b-->...        view (a, 2) starts here: "efix"
 *              ^off=2
 *
 * Results are built functionally: untouched subtries are shared by
 * reference (and the same pointer on both sides is answered at once: join
 * and meet keep it, subtract drops it), a node whose result equals one of
 * its operands is replaced by that operand so sharing survives, and nothing
 * of an operand is written. The caller swaps in the new root only after the
 * whole result exists, so a failure leaves the destination untouched.
 */
#include "pathmap/pm_node.h"

/* ------------------------------------------------------------- builder */

/* An inner node under construction: children are pushed in byte order. */
typedef struct bld {
    pm_node *x;
} bld;

static int bld_init(bld *b, const uint8_t *p, size_t plen, unsigned cap)
{
    if (cap == 0)
        cap = 1;
    b->x = pm_inner_new(NULL, cap <= PM_SMALL_MAX ? PM_SMALL : PM_MASK, p, plen, cap);
    return b->x ? 0 : RT_ENOMEM;
}

/* Consumes kid (may be NULL: ignored). */
static void bld_push(bld *b, unsigned byte, pm_node *kid)
{
    if (!kid)
        return;
    pm_node *x = b->x;
    pm_inner *in = pm_in(x);
    if (x->kind == PM_SMALL)
        pm_small_bytes(x)[in->n] = (uint8_t)byte;
    else
        pm_mask_set(x, byte);
    pm_kids(x)[in->n++] = kid;
    in->count += pm_ncount(kid);
}

static pm_node *bld_finish(bld *b, int has_val, uint64_t val)
{
    pm_node *x = b->x;
    if (has_val) {
        pm_set_flags(x, PM_HAS_VAL);
        pm_in(x)->val = val;
        pm_in(x)->count++;
    }
    return pm_tidy(x);
}

/* 1 when the built node equals view (a, 0) child for child. */
static int bld_same(const bld *b, const pm_node *a, int has_val, uint64_t val)
{
    const pm_node *x = b->x;
    if (a->kind == PM_LEAF)
        return pm_in(x)->n == 0 && has_val && val == pm_val(a);
    if (pm_in(x)->n != pm_in(a)->n || has_val != pm_has_val(a) ||
        (has_val && val != pm_val(a)))
        return 0;
    pm_node **xk = pm_kids(x), **ak = pm_kids(a);
    for (unsigned i = 0; i < pm_in(a)->n; i++)
        if (xk[i] != ak[i])
            return 0;
    return 1;   /* same pointers in the same order: same bytes too */
}

/* Reference to r with prefix pre[0..l) . c prepended; consumes r. */
static int prepend_byte(const uint8_t *pre, size_t l, unsigned c, pm_node *r, pm_node **out)
{
    *out = NULL;
    if (!r)
        return 0;
    uint8_t tmp[256];
    uint8_t *buf = tmp;
    if (l + 1 > sizeof tmp) {
        buf = rt_malloc(l + 1);
        if (!buf) {
            pm_release(r);
            return RT_ENOMEM;
        }
    }
    memcpy(buf, pre, l);
    buf[l] = (uint8_t)c;
    pm_node *y = pm_node_reprefix(r, buf, l + 1, pm_prefix(r), r->plen);
    if (buf != tmp)
        rt_free(buf);
    pm_release(r);
    if (!y)
        return RT_ENOMEM;
    *out = y;
    return 0;
}

/* View (x, off) with child c set to nk (NULL removes it); consumes nk. */
static int with_child(pm_node *x, size_t off, unsigned c, pm_node *nk, pm_node **out)
{
    pm_node **s = pm_find(x, c);
    if (s ? *s == nk : nk == NULL) {
        pm_release(nk);
        *out = pm_view_node(x, off);
        return *out ? 0 : RT_ENOMEM;
    }
    pm_node *z;
    size_t la = x->plen - off;
    if (x->kind == PM_LEAF) {
        z = pm_inner_new(NULL, PM_SMALL, pm_prefix(x) + off, la, 1);
        if (z) {
            pm_set_flags(z, PM_HAS_VAL);
            pm_in(z)->val = pm_val(x);
            pm_in(z)->count = 1;
        }
    } else {
        z = pm_node_reprefix(x, pm_prefix(x) + off, la, NULL, 0);
    }
    if (!z) {
        pm_release(nk);
        return RT_ENOMEM;
    }
    uint64_t oldc = 0;
    pm_node **zs = pm_find(z, c);
    if (zs) {
        oldc = pm_ncount(*zs);
        pm_release(*zs);
        if (nk)
            *zs = nk;
        else
            pm_del_child(z, c);
    } else {
        pm_node *z2 = pm_add_child(z, c, nk);
        if (!z2) {
            pm_release(nk);
            pm_release(z);
            return RT_ENOMEM;
        }
        z = z2;
    }
    pm_in(z)->count = pm_in(z)->count - oldc + pm_ncount(nk);
    *out = pm_tidy(z);
    return 0;
}

static void release_kids(pm_node **k, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        pm_release(k[i]);
}

#define VIEW(x, o, p, l)                     \
    const uint8_t *p = pm_prefix(x) + (o);   \
    size_t l = (size_t)(x)->plen - (o)

/* ---------------------------------------------------------------- join */

static int join_v(pm_node *a, size_t oa, pm_node *b, size_t ob, pm_node **out)
{
    *out = NULL;
    if (!a || !b || (a == b && oa == ob)) {
        pm_node *x = a ? a : b;
        size_t o = a ? oa : ob;
        if (!x)
            return 0;
        *out = pm_view_node(x, o);
        return *out ? 0 : RT_ENOMEM;
    }
    VIEW(a, oa, pa, la);
    VIEW(b, ob, pb, lb);
    size_t l = pm_lcp(pa, la, pb, lb);
    int rc;
    if (l < la && l < lb) {
        pm_node *kids[2];
        uint8_t bytes[2];
        int af = pa[l] < pb[l];
        kids[af ? 0 : 1] = pm_view_node(a, oa + l + 1);
        kids[af ? 1 : 0] = pm_view_node(b, ob + l + 1);
        bytes[af ? 0 : 1] = pa[l];
        bytes[af ? 1 : 0] = pb[l];
        if (!kids[0] || !kids[1]) {
            pm_release(kids[0]);
            pm_release(kids[1]);
            return RT_ENOMEM;
        }
        rc = pm_node_make(NULL, pa, l, 0, 0, 2, bytes, kids, out);
        if (rc)
            release_kids(kids, 2);
        return rc;
    }
    if (l == la && l < lb) {
        unsigned c = pb[l];
        pm_node **s = pm_find(a, c);
        pm_node *r;
        if ((rc = join_v(s ? *s : NULL, 0, b, ob + l + 1, &r)) != 0)
            return rc;
        return with_child(a, oa, c, r, out);
    }
    if (l == lb && l < la) {
        unsigned c = pa[l];
        pm_node **s = pm_find(b, c);
        pm_node *r;
        if ((rc = join_v(a, oa + l + 1, s ? *s : NULL, 0, &r)) != 0)
            return rc;
        return with_child(b, ob, c, r, out);
    }
    /* Both at their branch point: merge children byte by byte. */
    unsigned na = pm_nkids(a), nb = pm_nkids(b);
    unsigned cap = na + nb > 256 ? 256 : na + nb;
    bld bd;
    if ((rc = bld_init(&bd, pa, l, cap)) != 0)
        return rc;
    unsigned ia = 0, ib = 0, ba = 0, bb = 0;
    unsigned xa = na ? pm_next_byte(a, 0, &ia) : 256;
    unsigned xb = nb ? pm_next_byte(b, 0, &ib) : 256;
    pm_node *const *ks_a = na ? pm_kids(a) : NULL, *const *ks_b = nb ? pm_kids(b) : NULL;
    pm_prefetch_first_kids(a);
    pm_prefetch_first_kids(b);
    while (xa < 256 || xb < 256) {
        pm_node *r;
        unsigned c = xa < xb ? xa : xb;
        /* Children are visited in order, so ba and bb are their ranks. */
        if (xa == c && ba + PM_KIDS_AHEAD < na)
            __builtin_prefetch(ks_a[ba + PM_KIDS_AHEAD]);
        if (xb == c && bb + PM_KIDS_AHEAD < nb)
            __builtin_prefetch(ks_b[bb + PM_KIDS_AHEAD]);
        pm_node *ka = xa == c ? ks_a[ia] : NULL;
        pm_node *kb = xb == c ? ks_b[ib] : NULL;
        if ((rc = join_v(ka, 0, kb, 0, &r)) != 0) {
            pm_release(bd.x);
            return rc;
        }
        bld_push(&bd, c, r);
        if (xa == c)
            xa = ++ba < na ? pm_next_byte(a, c + 1, &ia) : 256;
        if (xb == c)
            xb = ++bb < nb ? pm_next_byte(b, c + 1, &ib) : 256;
    }
    int hv = pm_has_val(a) || pm_has_val(b);
    uint64_t v = pm_has_val(a) ? pm_val(a) : pm_val(b);
    if (oa == 0 && bld_same(&bd, a, hv, v)) {
        pm_release(bd.x);
        pm_retain(a);
        *out = a;
        return 0;
    }
    if (ob == 0 && bld_same(&bd, b, hv, v)) {
        pm_release(bd.x);
        pm_retain(b);
        *out = b;
        return 0;
    }
    *out = bld_finish(&bd, hv, v);
    return 0;
}

int pm_join_nodes(pm_node *a, pm_node *b, pm_node **out)
{
    return join_v(a, 0, b, 0, out);
}

/* ---------------------------------------------------------------- meet */

static int meet_v(pm_node *a, size_t oa, pm_node *b, size_t ob, pm_node **out)
{
    *out = NULL;
    if (!a || !b)
        return 0;
    if (a == b && oa == ob) {
        *out = pm_view_node(a, oa);
        return *out ? 0 : RT_ENOMEM;
    }
    VIEW(a, oa, pa, la);
    VIEW(b, ob, pb, lb);
    size_t l = pm_lcp(pa, la, pb, lb);
    int rc;
    if (l < la && l < lb)
        return 0;
    if (l == la && l < lb) {
        unsigned c = pb[l];
        pm_node **s = pm_find(a, c);
        pm_node *r;
        if (!s)
            return 0;
        if ((rc = meet_v(*s, 0, b, ob + l + 1, &r)) != 0)
            return rc;
        return prepend_byte(pa, l, c, r, out);
    }
    if (l == lb && l < la) {
        unsigned c = pa[l];
        pm_node **s = pm_find(b, c);
        pm_node *r;
        if (!s)
            return 0;
        if ((rc = meet_v(a, oa + l + 1, *s, 0, &r)) != 0)
            return rc;
        return prepend_byte(pa, l, c, r, out);
    }
    unsigned na = pm_nkids(a), nb = pm_nkids(b);
    unsigned cap = na < nb ? na : nb;
    bld bd;
    if ((rc = bld_init(&bd, pa, l, cap)) != 0)
        return rc;
    for (unsigned i = 0; i < na; i++) {
        unsigned c = pm_byte_at(a, i);
        pm_node **s = pm_find(b, c);
        if (!s)
            continue;
        pm_node *r;
        if ((rc = meet_v(pm_kids(a)[i], 0, *s, 0, &r)) != 0) {
            pm_release(bd.x);
            return rc;
        }
        bld_push(&bd, c, r);
    }
    int hv = pm_has_val(a) && pm_has_val(b);
    uint64_t v = hv ? pm_val(a) : 0;
    if (oa == 0 && bld_same(&bd, a, hv, v)) {
        pm_release(bd.x);
        pm_retain(a);
        *out = a;
        return 0;
    }
    *out = bld_finish(&bd, hv, v);
    return 0;
}

/* ------------------------------------------------------------ subtract */

static int sub_v(pm_node *a, size_t oa, pm_node *b, size_t ob, pm_node **out)
{
    *out = NULL;
    if (!a)
        return 0;
    if (a == b && oa == ob)
        return 0;
    if (!b) {
        *out = pm_view_node(a, oa);
        return *out ? 0 : RT_ENOMEM;
    }
    VIEW(a, oa, pa, la);
    VIEW(b, ob, pb, lb);
    size_t l = pm_lcp(pa, la, pb, lb);
    int rc;
    if (l < la && l < lb) {
        *out = pm_view_node(a, oa);
        return *out ? 0 : RT_ENOMEM;
    }
    if (l == la && l < lb) {
        unsigned c = pb[l];
        pm_node **s = pm_find(a, c);
        pm_node *r;
        if (!s) {
            *out = pm_view_node(a, oa);
            return *out ? 0 : RT_ENOMEM;
        }
        if ((rc = sub_v(*s, 0, b, ob + l + 1, &r)) != 0)
            return rc;
        return with_child(a, oa, c, r, out);
    }
    if (l == lb && l < la) {
        unsigned c = pa[l];
        pm_node **s = pm_find(b, c);
        pm_node *r;
        if (!s) {
            *out = pm_view_node(a, oa);
            return *out ? 0 : RT_ENOMEM;
        }
        if ((rc = sub_v(a, oa + l + 1, *s, 0, &r)) != 0)
            return rc;
        return prepend_byte(pa, l, c, r, out);
    }
    unsigned na = pm_nkids(a);
    bld bd;
    if ((rc = bld_init(&bd, pa, l, na)) != 0)
        return rc;
    pm_node *const *ks = na ? pm_kids(a) : NULL;
    pm_prefetch_first_kids(a);
    for (unsigned i = 0; i < na; i++) {
        unsigned c = pm_byte_at(a, i);
        pm_node *ka = ks[i];
        if (i + PM_KIDS_AHEAD < na)
            __builtin_prefetch(ks[i + PM_KIDS_AHEAD]);
        pm_node **s = pm_find(b, c);
        pm_node *r;
        if ((rc = sub_v(ka, 0, s ? *s : NULL, 0, &r)) != 0) {
            pm_release(bd.x);
            return rc;
        }
        bld_push(&bd, c, r);
    }
    int hv = pm_has_val(a) && !pm_has_val(b);
    uint64_t v = hv ? pm_val(a) : 0;
    if (oa == 0 && bld_same(&bd, a, hv, v)) {
        pm_release(bd.x);
        pm_retain(a);
        *out = a;
        return 0;
    }
    *out = bld_finish(&bd, hv, v);
    return 0;
}

/* ------------------------------------------------------------ restrict */

static int restrict_v(pm_node *a, size_t oa, pm_node *b, size_t ob, pm_node **out)
{
    *out = NULL;
    if (!a || !b)
        return 0;
    VIEW(a, oa, pa, la);
    VIEW(b, ob, pb, lb);
    size_t l = pm_lcp(pa, la, pb, lb);
    int rc;
    pm_node *r;
    if (l < lb) {
        if (l < la)
            return 0;
        unsigned c = pb[l];
        pm_node **s = pm_find(a, c);
        if (!s)
            return 0;
        if ((rc = restrict_v(*s, 0, b, ob + l + 1, &r)) != 0)
            return rc;
        return prepend_byte(pa, l, c, r, out);
    }
    /* b at its branch point: a key of b is a prefix of all of view a. */
    if (pm_has_val(b)) {
        *out = pm_view_node(a, oa);
        return *out ? 0 : RT_ENOMEM;
    }
    if (l < la) {
        unsigned c = pa[l];
        pm_node **s = pm_find(b, c);
        if (!s)
            return 0;
        if ((rc = restrict_v(a, oa + l + 1, *s, 0, &r)) != 0)
            return rc;
        return prepend_byte(pa, l, c, r, out);
    }
    unsigned na = pm_nkids(a);
    bld bd;
    if ((rc = bld_init(&bd, pa, l, na)) != 0)
        return rc;
    for (unsigned i = 0; i < na; i++) {
        unsigned c = pm_byte_at(a, i);
        pm_node **s = pm_find(b, c);
        if (!s)
            continue;
        if ((rc = restrict_v(pm_kids(a)[i], 0, *s, 0, &r)) != 0) {
            pm_release(bd.x);
            return rc;
        }
        bld_push(&bd, c, r);
    }
    /* a's own value here has no key of b as prefix (b has none here). */
    *out = bld_finish(&bd, 0, 0);
    return 0;
}

/* ----------------------------------------------------------- drop head */

/* Join of every subtrie found k bytes below view (x, off), in byte order
 * so the earliest key's value wins on collisions. */
static int drop_v(pm_node *x, size_t off, size_t k, pm_node **out)
{
    *out = NULL;
    size_t la = x->plen - off;
    if (k <= la) {
        *out = pm_view_node(x, off + k);
        return *out ? 0 : RT_ENOMEM;
    }
    unsigned n = pm_nkids(x);
    pm_node *acc = NULL;
    for (unsigned i = 0; i < n; i++) {
        pm_node *r, *j;
        int rc = drop_v(pm_kids(x)[i], 0, k - la - 1, &r);
        if (rc) {
            pm_release(acc);
            return rc;
        }
        if (!r)
            continue;
        rc = join_v(acc, 0, r, 0, &j);
        pm_release(r);
        pm_release(acc);
        if (rc)
            return rc;
        acc = j;
    }
    *out = acc;
    return 0;
}

/* ------------------------------------------------------------ equality */

static int equal_v(const pm_node *a, size_t oa, const pm_node *b, size_t ob)
{
    if (!a || !b)
        return a == b;
    if (a == b && oa == ob)
        return 1;
    if (pm_ncount(a) != pm_ncount(b))
        return 0;
    VIEW(a, oa, pa, la);
    VIEW(b, ob, pb, lb);
    size_t l = pm_lcp(pa, la, pb, lb);
    if (l < la && l < lb)
        return 0;
    if (l == la && l < lb) {
        if (pm_has_val(a) || pm_nkids(a) != 1)
            return 0;
        pm_node **s = pm_find(a, pb[l]);
        return s && equal_v(*s, 0, b, ob + l + 1);
    }
    if (l == lb && l < la) {
        if (pm_has_val(b) || pm_nkids(b) != 1)
            return 0;
        pm_node **s = pm_find(b, pa[l]);
        return s && equal_v(a, oa + l + 1, *s, 0);
    }
    if (pm_has_val(a) != pm_has_val(b) || (pm_has_val(a) && pm_val(a) != pm_val(b)))
        return 0;
    unsigned na = pm_nkids(a);
    if (na != pm_nkids(b))
        return 0;
    for (unsigned i = 0; i < na; i++) {
        unsigned c = pm_byte_at(a, i);
        pm_node **s = pm_find(b, c);
        if (!s || !equal_v(pm_kids(a)[i], 0, *s, 0))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ handles */

static int commit(pm_trie *t, int rc, pm_node *r)
{
    if (rc)
        return rc;
    pm_release(t->root);
    t->root = r;
    return 0;
}

int pm_join(pm_trie *dst, const pm_trie *src)
{
    pm_node *r = NULL;
    int rc = join_v(dst->root, 0, src->root, 0, &r);
    return commit(dst, rc, r);
}

int pm_meet(pm_trie *dst, const pm_trie *src)
{
    pm_node *r = NULL;
    int rc = meet_v(dst->root, 0, src->root, 0, &r);
    return commit(dst, rc, r);
}

int pm_subtract(pm_trie *dst, const pm_trie *src)
{
    pm_node *r = NULL;
    int rc = sub_v(dst->root, 0, src->root, 0, &r);
    return commit(dst, rc, r);
}

int pm_restrict(pm_trie *t, const pm_trie *prefixes)
{
    pm_node *r = NULL;
    int rc = restrict_v(t->root, 0, prefixes->root, 0, &r);
    return commit(t, rc, r);
}

int pm_drop_head(pm_trie *t, size_t k)
{
    pm_node *r = NULL;
    if (k == 0 || !t->root)
        return 0;
    int rc = drop_v(t->root, 0, k, &r);
    return commit(t, rc, r);
}

int pm_equal(const pm_trie *a, const pm_trie *b)
{
    return equal_v(a->root, 0, b->root, 0);
}
