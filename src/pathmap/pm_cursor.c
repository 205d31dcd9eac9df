/*
 * Read cursor, ordered walk (pm_foreach) and write cursor of the pathmap.
 *
 * The cursor keeps a stack of frames, one per node on the focus path, each
 * with the path offset where that node's compressed prefix starts. The
 * focus is the top node plus a depth; depth - start is how far into the
 * node's prefix the focus sits (== plen: at its branch point).
 *
 *     path_:  c a t 0 1 2 : x y
 *             ^root start=0   ^child start=8 (after branch byte ':')
 *     nodes_: [root "cat01"] [n "2"] [leaf "y"] ...   depth_ = 10
 *
 * Only ascending past a frame's start pops it, so moves inside long
 * compressed runs cost no stack traffic. The root reference taken at init
 * keeps every node on the stack alive whatever the trie's owner does.
 */
#include "pathmap/pm_node.h"

#include <stdlib.h>

/* ------------------------------------------------------------- storage */

static int grow_frames(pm_cur *c)
{
    size_t ncap = c->capframes_ * 2;
    const pm_node **nn = rt_malloc(ncap * sizeof *nn);
    size_t *ns = rt_malloc(ncap * sizeof *ns);
    if (!nn || !ns) {
        rt_free(nn);
        rt_free(ns);
        return RT_ENOMEM;
    }
    memcpy(nn, c->nodes_, c->nframes_ * sizeof *nn);
    memcpy(ns, c->starts_, c->nframes_ * sizeof *ns);
    if (c->nodes_ != c->inl_nodes_) {
        rt_free(c->nodes_);
        rt_free(c->starts_);
    }
    c->nodes_ = nn;
    c->starts_ = ns;
    c->capframes_ = ncap;
    return 0;
}

static int reserve_path(pm_cur *c, size_t need)
{
    if (need <= c->cappath_)
        return 0;
    size_t ncap = c->cappath_ * 2;
    while (ncap < need)
        ncap *= 2;
    uint8_t *np = rt_malloc(ncap);
    if (!np)
        return RT_ENOMEM;
    memcpy(np, c->path_, c->depth_);
    if (c->path_ != c->inl_path_)
        rt_free(c->path_);
    c->path_ = np;
    c->cappath_ = ncap;
    return 0;
}

static int push(pm_cur *c, const pm_node *x, size_t start)
{
    if (c->nframes_ == c->capframes_) {
        int rc = grow_frames(c);
        if (rc)
            return rc;
    }
    c->nodes_[c->nframes_] = x;
    c->starts_[c->nframes_] = start;
    c->nframes_++;
    return 0;
}

#define TOP(c) ((c)->nodes_[(c)->nframes_ - 1])
#define TOPSTART(c) ((c)->starts_[(c)->nframes_ - 1])

static int at_branch(const pm_cur *c)
{
    return c->depth_ - TOPSTART(c) == TOP(c)->plen;
}

/* --------------------------------------------------------------- setup */

void pm_cur_init(pm_cur *c, const pm_trie *t)
{
    c->nodes_ = c->inl_nodes_;
    c->starts_ = c->inl_starts_;
    c->capframes_ = PM_CUR_INLINE_FRAMES;
    c->path_ = c->inl_path_;
    c->cappath_ = PM_CUR_INLINE_PATH;
    c->depth_ = 0;
    c->base_ = 0;
    c->nframes_ = 0;
    c->root_ = t->root;
    pm_retain((pm_node *)t->root);
    if (c->root_) {
        c->nodes_[0] = c->root_;
        c->starts_[0] = 0;
        c->nframes_ = 1;
    }
    c->base_frames_ = c->nframes_;
}

int pm_cur_init_at(pm_cur *c, const pm_trie *t, const void *p, size_t n)
{
    pm_cur_init(c, t);
    if (!c->root_)
        return 0;
    int r = pm_cur_descend(c, p, n);
    if (r < 0) {
        pm_cur_fini(c);
        return r;
    }
    if (r == 0) {
        /* Nothing under p: an empty view that still owns no reference. */
        pm_release((pm_node *)c->root_);
        c->root_ = NULL;
        c->nframes_ = 0;
        c->depth_ = 0;
        c->base_frames_ = 0;
        return 0;
    }
    c->base_ = n;
    c->base_frames_ = c->nframes_;
    return 0;
}

void pm_cur_fini(pm_cur *c)
{
    pm_release((pm_node *)c->root_);
    c->root_ = NULL;
    if (c->nodes_ != c->inl_nodes_) {
        rt_free(c->nodes_);
        rt_free(c->starts_);
    }
    if (c->path_ != c->inl_path_)
        rt_free(c->path_);
    c->nodes_ = c->inl_nodes_;
    c->starts_ = c->inl_starts_;
    c->path_ = c->inl_path_;
    c->nframes_ = 0;
    c->depth_ = 0;
}

void pm_cur_reset(pm_cur *c)
{
    c->nframes_ = c->base_frames_;
    c->depth_ = c->base_;
}

/* ---------------------------------------------------------- inspection */

const uint8_t *pm_cur_path(const pm_cur *c) { return c->path_ + c->base_; }

size_t pm_cur_depth(const pm_cur *c) { return c->depth_ - c->base_; }

int pm_cur_val(const pm_cur *c, uint64_t *val)
{
    if (!c->nframes_ || !at_branch(c) || !pm_has_val(TOP(c)))
        return 0;
    if (val)
        *val = pm_val(TOP(c));
    return 1;
}

uint64_t pm_cur_count(const pm_cur *c)
{
    return c->nframes_ ? pm_ncount(TOP(c)) : 0;
}

void pm_cur_child_mask(const pm_cur *c, uint64_t mask[4])
{
    memset(mask, 0, 4 * sizeof(uint64_t));
    if (!c->nframes_)
        return;
    const pm_node *x = TOP(c);
    if (!at_branch(c)) {
        unsigned b = pm_prefix(x)[c->depth_ - TOPSTART(c)];
        mask[b >> 6] |= UINT64_C(1) << (b & 63);
        return;
    }
    if (x->kind == PM_MASK) {
        memcpy(mask, ((const pm_mask *)x)->mask, 32);
    } else if (x->kind == PM_SMALL) {
        const uint8_t *bs = pm_small_bytes(x);
        for (unsigned i = 0; i < pm_in(x)->n; i++)
            mask[bs[i] >> 6] |= UINT64_C(1) << (bs[i] & 63);
    }
}

unsigned pm_cur_child_count(const pm_cur *c)
{
    if (!c->nframes_)
        return 0;
    return at_branch(c) ? pm_nkids(TOP(c)) : 1u;
}

/* --------------------------------------------------------------- moves */

int pm_cur_descend_byte(pm_cur *c, uint8_t b)
{
    if (!c->nframes_)
        return 0;
    const pm_node *x = TOP(c);
    size_t off = c->depth_ - TOPSTART(c);
    int rc = reserve_path(c, c->depth_ + 1);
    if (rc)
        return rc;
    if (off < x->plen) {
        if (pm_prefix(x)[off] != b)
            return 0;
    } else {
        pm_node **s = pm_find(x, b);
        if (!s)
            return 0;
        if ((rc = push(c, *s, c->depth_ + 1)) != 0)
            return rc;
    }
    c->path_[c->depth_++] = b;
    return 1;
}

int pm_cur_descend_partial(pm_cur *c, const void *p, size_t n, size_t *matched)
{
    const uint8_t *k = pm_key(p);
    size_t i = 0;
    int rc = 0;
    if (c->nframes_ && (rc = reserve_path(c, c->depth_ + n)) != 0)
        return rc;
    while (i < n && c->nframes_) {
        const pm_node *x = TOP(c);
        size_t off = c->depth_ - TOPSTART(c);
        if (off < x->plen) {
            /* Match a whole run of the compressed prefix at once. */
            size_t l = pm_lcp(pm_prefix(x) + off, x->plen - off, k + i, n - i);
            if (l == 0)
                break;
            memcpy(c->path_ + c->depth_, k + i, l);
            c->depth_ += l;
            i += l;
            continue;
        }
        rc = pm_cur_descend_byte(c, k[i]);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        i++;
    }
    if (matched)
        *matched = i;
    return i == n;
}

int pm_cur_descend(pm_cur *c, const void *p, size_t n)
{
    size_t m;
    int r = pm_cur_descend_partial(c, p, n, &m);
    if (r == 0)
        pm_cur_ascend(c, m);
    return r;
}

int pm_cur_ascend(pm_cur *c, size_t k)
{
    if (k > c->depth_ - c->base_)
        return RT_ERANGE;
    c->depth_ -= k;
    while (c->nframes_ > c->base_frames_ && TOPSTART(c) > c->depth_)
        c->nframes_--;
    return 0;
}

int pm_cur_first_child(pm_cur *c)
{
    if (!c->nframes_)
        return 0;
    const pm_node *x = TOP(c);
    size_t off = c->depth_ - TOPSTART(c);
    if (off < x->plen)
        return pm_cur_descend_byte(c, pm_prefix(x)[off]);
    unsigned idx;
    unsigned b = pm_next_byte(x, 0, &idx);
    if (b > 255)
        return 0;
    return pm_cur_descend_byte(c, (uint8_t)b);
}

/* When the focus is at the start of a non-base frame: move to the next
 * sibling child of the parent's branch point. */
static int sibling(pm_cur *c)
{
    const pm_node *y = c->nodes_[c->nframes_ - 2];
    unsigned b = c->path_[c->depth_ - 1], idx;
    unsigned nb = b < 255 ? pm_next_byte(y, b + 1, &idx) : 256;
    if (nb > 255)
        return 0;
    c->nodes_[c->nframes_ - 1] = pm_kids(y)[idx];
    c->path_[c->depth_ - 1] = (uint8_t)nb;
    return 1;
}

int pm_cur_next_sibling(pm_cur *c)
{
    if (!c->nframes_ || c->depth_ == c->base_)
        return 0;
    if (c->nframes_ <= c->base_frames_ || c->depth_ != TOPSTART(c))
        return 0;   /* inside a compressed run: no siblings */
    return sibling(c);
}

/* From the focus, down to the smallest key at or below it. */
static int descend_min(pm_cur *c)
{
    for (;;) {
        const pm_node *x = TOP(c);
        size_t off = c->depth_ - TOPSTART(c);
        if (off < x->plen) {
            size_t rest = x->plen - off;
            int rc = reserve_path(c, c->depth_ + rest);
            if (rc)
                return rc;
            memcpy(c->path_ + c->depth_, pm_prefix(x) + off, rest);
            c->depth_ += rest;
        }
        if (pm_has_val(x))
            return 1;
        unsigned idx;
        unsigned b = pm_next_byte(x, 0, &idx);
        int rc = pm_cur_descend_byte(c, (uint8_t)b);
        if (rc < 0)
            return rc;
    }
}

/* The subtrie of the focus is exhausted: go to the first key of the next
 * subtrie in order, or end (cursor reset, 0). */
static int climb(pm_cur *c)
{
    for (;;) {
        if (c->nframes_ <= c->base_frames_) {
            pm_cur_reset(c);
            return 0;
        }
        c->depth_ = TOPSTART(c);
        if (sibling(c))
            return descend_min(c);
        c->nframes_--;
        c->depth_ = TOPSTART(c) + TOP(c)->plen;
    }
}

int pm_cur_next(pm_cur *c)
{
    if (!c->nframes_)
        return 0;
    const pm_node *x = TOP(c);
    if (!at_branch(c) || pm_nkids(x) > 0) {
        if (at_branch(c)) {
            int rc = pm_cur_first_child(c);
            if (rc < 0)
                return rc;
        }
        return descend_min(c);
    }
    return climb(c);
}

int pm_cur_seek(pm_cur *c, const void *key, size_t n)
{
    const uint8_t *k = pm_key(key);
    pm_cur_reset(c);
    if (!c->nframes_)
        return 0;
    size_t m;
    int rc = pm_cur_descend_partial(c, k, n, &m);
    if (rc < 0)
        return rc;
    if (m == n) {
        if (pm_cur_val(c, NULL))
            return 1;
        return pm_cur_next(c);
    }
    /* Mismatch at k[m]: find the smallest branch above it here. */
    const pm_node *x = TOP(c);
    size_t off = c->depth_ - TOPSTART(c);
    unsigned want = k[m];
    if (off < x->plen) {
        if (pm_prefix(x)[off] > want) {
            if ((rc = pm_cur_descend_byte(c, pm_prefix(x)[off])) < 0)
                return rc;
            return descend_min(c);
        }
        return climb(c);
    }
    unsigned idx;
    unsigned b = want < 255 ? pm_next_byte(x, want + 1, &idx) : 256;
    if (b <= 255) {
        if ((rc = pm_cur_descend_byte(c, (uint8_t)b)) < 0)
            return rc;
        return descend_min(c);
    }
    return climb(c);
}

int pm_cur_subtrie(const pm_cur *c, pm_trie **out)
{
    pm_trie *s;
    int rc = pm_new(&s);
    if (rc)
        return rc;
    if (c->nframes_) {
        s->root = pm_view_node((pm_node *)TOP(c), c->depth_ - TOPSTART(c));
        if (!s->root) {
            pm_free(s);
            return RT_ENOMEM;
        }
    }
    *out = s;
    return 0;
}

/* ------------------------------------------------------------- foreach */

int pm_foreach(const pm_trie *t, const void *p, size_t n, pm_visit_fn fn, void *ctx)
{
    pm_cur c;
    int rc = pm_cur_init_at(&c, t, p, n);
    if (rc)
        return rc;
    int stop = 0;
    for (rc = pm_cur_seek(&c, NULL, 0); rc == 1; rc = pm_cur_next(&c)) {
        uint64_t v = 0;
        pm_cur_val(&c, &v);
        if ((stop = fn(ctx, c.path_, c.depth_, v)) != 0)
            break;
    }
    pm_cur_fini(&c);
    if (stop)
        return stop;
    return rc < 0 ? rc : 0;
}

/* -------------------------------------------------------- write cursor */

int pm_wcur_begin(pm_wcur *w, pm_trie *t, const void *p, size_t n)
{
    w->t_ = t;
    w->plen_ = n;
    w->prefix_ = NULL;
    w->sub_ = NULL;
    if (n) {
        w->prefix_ = rt_memdup(p, n);
        if (!w->prefix_)
            return RT_ENOMEM;
    }
    int rc = pm_subtrie(t, p, n, &w->sub_);
    if (rc) {
        rt_free(w->prefix_);
        w->prefix_ = NULL;
    }
    return rc;
}

int pm_wcur_insert(pm_wcur *w, const void *k, size_t n, uint64_t val, int *added)
{
    return pm_insert(w->sub_, k, n, val, added);
}

int pm_wcur_remove(pm_wcur *w, const void *k, size_t n, int *removed)
{
    return pm_remove(w->sub_, k, n, removed, NULL);
}

int pm_wcur_get(const pm_wcur *w, const void *k, size_t n, uint64_t *val)
{
    return pm_get(w->sub_, k, n, val);
}

int pm_wcur_commit(pm_wcur *w)
{
    int rc = pm_graft(w->t_, w->prefix_, w->plen_, w->sub_);
    if (rc)
        return rc;
    pm_wcur_abort(w);
    return 0;
}

void pm_wcur_abort(pm_wcur *w)
{
    pm_free(w->sub_);
    rt_free(w->prefix_);
    w->sub_ = NULL;
    w->prefix_ = NULL;
}
