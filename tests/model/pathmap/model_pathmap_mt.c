/*
 * Model test of the pathmap trie against the sorted-array oracle: long
 * random sequences of every operation over a few tries at once (so
 * snapshots, sharing between tries and the algebra are all exercised),
 * with keys from tiny alphabets so prefixes and collisions are frequent.
 * Batch inserts go through a 2-thread pool half of the time (hence _mt).
 *
 * KINDRED_TEST_SCALE multiplies the number of operations (default 1 runs
 * in a few seconds in a release build).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pm_oracle.h"

#define NT 4

typedef struct world {
    pm_trie *t[NT];
    ora o[NT];
    uint64_t rng;
    const uint8_t *alpha;
    unsigned nalpha;
    unsigned maxlen;
    rt_pool *pool;
    uint64_t ops;
} world;

static unsigned rnd(world *w, unsigned n) { return (unsigned)(ora_rng(&w->rng) % n); }

/* A random key into buf; mostly short over the alphabet, sometimes long. */
static size_t gen_key(world *w, uint8_t *buf)
{
    unsigned r = rnd(w, 100);
    size_t n;
    if (r < 2)
        n = 250 + rnd(w, 200);           /* past the cursor's inline room */
    else
        n = rnd(w, w->maxlen + 1);
    for (size_t i = 0; i < n; i++)
        buf[i] = w->alpha[rnd(w, w->nalpha)];
    if (r < 2 && n > 10)
        memset(buf, w->alpha[0], n / 2);  /* long shared runs */
    return n;
}

static size_t gen_prefix(world *w, uint8_t *buf)
{
    size_t n = rnd(w, 4);
    for (size_t i = 0; i < n; i++)
        buf[i] = w->alpha[rnd(w, w->nalpha)];
    return n;
}

static void check(world *w, int i, const char *what)
{
    if (!ora_matches(w->t[i], &w->o[i]))
        fail_msg("trie %d differs from oracle after %s (op %llu)", i, what,
                 (unsigned long long)w->ops);
}

static void check_all(world *w, const char *what)
{
    for (int i = 0; i < NT; i++)
        check(w, i, what);
}

/* ---------------------------------------------------------------- cursor */

/* Oracle of the view under p: entries with p stripped. */
static void view_oracle(const ora *o, const uint8_t *p, size_t n, ora *v)
{
    ora_clear(v);
    for (size_t i = 0; i < o->n; i++)
        if (ora_has_prefix(&o->e[i], p, n))
            ora_put(v, o->e[i].k + n, o->e[i].n - n, o->e[i].v, 1);
}

static void oracle_mask(const ora *v, const uint8_t *q, size_t m, uint64_t mask[4])
{
    memset(mask, 0, 32);
    for (size_t i = 0; i < v->n; i++)
        if (v->e[i].n > m && ora_has_prefix(&v->e[i], q, m)) {
            unsigned b = v->e[i].k[m];
            mask[b >> 6] |= UINT64_C(1) << (b & 63);
        }
}

static void check_focus(pm_cur *c, const ora *v)
{
    const uint8_t *q = pm_cur_path(c);
    size_t m = pm_cur_depth(c);
    uint64_t mv = 0, ov = 0;
    int hv = pm_cur_val(c, &mv), ho = ora_get(v, q, m, &ov);
    assert_int_equal(hv, ho);
    if (hv)
        assert_int_equal(mv, ov);
    assert_int_equal(pm_cur_count(c), ora_count_prefix(v, q, m));
    uint64_t a[4], b[4];
    pm_cur_child_mask(c, a);
    oracle_mask(v, q, m, b);
    assert_memory_equal(a, b, 32);
    unsigned cnt = 0;
    for (int i = 0; i < 4; i++)
        cnt += (unsigned)__builtin_popcountll(b[i]);
    assert_int_equal(pm_cur_child_count(c), cnt);
}

static void cursor_round(world *w, int ti)
{
    uint8_t p[8], k[512];
    size_t pn = rnd(w, 3) ? 0 : gen_prefix(w, p);
    ora v = {0}, snap = {0};
    view_oracle(&w->o[ti], p, pn, &v);
    pm_cur c;
    assert_int_equal(pm_cur_init_at(&c, w->t[ti], p, pn), 0);

    /* Writes to the trie after init must not show through the cursor. */
    if (rnd(w, 2)) {
        size_t kn = gen_key(w, k);
        uint64_t val = ora_rng(&w->rng);
        assert_int_equal(pm_insert(w->t[ti], k, kn, val, NULL), 0);
        ora_put(&w->o[ti], k, kn, val, 1);
    }
    /* Full in-order walk. */
    size_t i = 0;
    int r;
    for (r = pm_cur_seek(&c, NULL, 0); r == 1; r = pm_cur_next(&c), i++) {
        assert_true(i < v.n);
        assert_int_equal(ora_cmp(pm_cur_path(&c), pm_cur_depth(&c), v.e[i].k, v.e[i].n), 0);
        uint64_t val;
        assert_true(pm_cur_val(&c, &val));
        assert_int_equal(val, v.e[i].v);
    }
    assert_int_equal(r, 0);
    assert_int_equal(i, v.n);
    assert_int_equal(pm_cur_depth(&c), 0);

    /* Seeks. */
    for (int s = 0; s < 8; s++) {
        size_t kn = gen_key(w, k);
        size_t j = ora_lower(&v, k, kn);
        r = pm_cur_seek(&c, k, kn);
        assert_true(r >= 0);
        if (j == v.n) {
            assert_int_equal(r, 0);
            assert_int_equal(pm_cur_depth(&c), 0);
        } else {
            assert_int_equal(r, 1);
            assert_int_equal(ora_cmp(pm_cur_path(&c), pm_cur_depth(&c), v.e[j].k, v.e[j].n), 0);
            if (j + 1 < v.n) {
                assert_int_equal(pm_cur_next(&c), 1);
                assert_int_equal(ora_cmp(pm_cur_path(&c), pm_cur_depth(&c), v.e[j + 1].k,
                                         v.e[j + 1].n), 0);
            }
        }
    }

    /* Random walk with every move checked against the oracle. */
    pm_cur_reset(&c);
    for (int s = 0; s < 60; s++) {
        check_focus(&c, &v);
        size_t d = pm_cur_depth(&c);
        uint8_t q[1024];
        memcpy(q, pm_cur_path(&c), d);
        uint64_t mask[4];
        oracle_mask(&v, q, d, mask);
        switch (rnd(w, 6)) {
        case 0: case 1: {
            uint8_t b = w->alpha[rnd(w, w->nalpha)];
            int want = (mask[b >> 6] >> (b & 63)) & 1;
            assert_int_equal(pm_cur_descend_byte(&c, b), want);
            assert_int_equal(pm_cur_depth(&c), d + (size_t)want);
            break;
        }
        case 2: {
            size_t up = d ? rnd(w, (unsigned)d + 1) : 0;
            assert_int_equal(pm_cur_ascend(&c, up), 0);
            assert_int_equal(pm_cur_depth(&c), d - up);
            assert_int_equal(pm_cur_ascend(&c, d - up + 1), RT_ERANGE);
            break;
        }
        case 3: {
            int first = -1;
            for (int b = 0; b < 256 && first < 0; b++)
                if ((mask[b >> 6] >> (b & 63)) & 1)
                    first = b;
            assert_int_equal(pm_cur_first_child(&c), first >= 0);
            if (first >= 0)
                assert_int_equal(pm_cur_path(&c)[d], first);
            break;
        }
        case 4: {
            int want = -1;
            if (d > 0) {
                uint64_t pm[4];
                oracle_mask(&v, q, d - 1, pm);
                for (int b = q[d - 1] + 1; b < 256 && want < 0; b++)
                    if ((pm[b >> 6] >> (b & 63)) & 1)
                        want = b;
            }
            assert_int_equal(pm_cur_next_sibling(&c), want >= 0);
            if (want >= 0)
                assert_int_equal(pm_cur_path(&c)[d - 1], want);
            else
                assert_int_equal(pm_cur_depth(&c), d);
            break;
        }
        default: {
            size_t kn = gen_key(w, k);
            size_t m = 0, exp = 0;
            /* Longest exp with q.k[0..exp) existing in the view. */
            memcpy(q + d, k, kn);
            while (exp < kn && ora_count_prefix(&v, q, d + exp + 1) > 0)
                exp++;
            r = pm_cur_descend_partial(&c, k, kn, &m);
            assert_int_equal(r, exp == kn);
            assert_int_equal(m, exp);
            break;
        }
        }
    }
    /* Subtrie at the focus. */
    pm_trie *sub;
    assert_int_equal(pm_cur_subtrie(&c, &sub), 0);
    view_oracle(&v, pm_cur_path(&c), pm_cur_depth(&c), &snap);
    assert_true(ora_matches(sub, &snap));
    pm_free(sub);
    pm_cur_fini(&c);
    ora_free(&v);
    ora_free(&snap);
}

/* ------------------------------------------------------------ main loop */

static void one_op(world *w)
{
    uint8_t k[512], p[8];
    size_t kn, pn;
    int i = (int)rnd(w, NT), j = (int)rnd(w, NT);
    pm_trie *t = w->t[i];
    ora *o = &w->o[i];
    unsigned op = rnd(w, 100);
    w->ops++;
    if (o->n < w->maxlen * 20 && rnd(w, 4)) {
        /* Keep the tries well filled: the shrinking operations are many. */
        for (int x = 0; x < 20; x++) {
            kn = gen_key(w, k);
            uint64_t v = ora_rng(&w->rng) % 1000;
            assert_int_equal(pm_insert(t, k, kn, v, NULL), 0);
            ora_put(o, k, kn, v, 1);
        }
        return;
    }
    if (op < 30) {
        kn = gen_key(w, k);
        uint64_t v = ora_rng(&w->rng) % 1000;
        int added = -1;
        assert_int_equal(pm_insert(t, k, kn, v, &added), 0);
        assert_int_equal(added, ora_put(o, k, kn, v, 1));
    } else if (op < 45) {
        /* Remove a present key most of the time. */
        if (o->n && rnd(w, 4)) {
            ora_ent *e = &o->e[rnd(w, (unsigned)o->n)];
            kn = e->n;
            memcpy(k, e->k, kn);
        } else {
            kn = gen_key(w, k);
        }
        int removed = -1;
        uint64_t old = 0, ov = 0;
        int had = ora_get(o, k, kn, &ov);
        assert_int_equal(pm_remove(t, k, kn, &removed, &old), 0);
        assert_int_equal(removed, had);
        if (had)
            assert_int_equal(old, ov);
        ora_del(o, k, kn);
    } else if (op < 50) {
        kn = gen_key(w, k);
        uint64_t v = 0, ov = 0;
        int h = pm_get(t, k, kn, &v);
        assert_int_equal(h, ora_get(o, k, kn, &ov));
        if (h)
            assert_int_equal(v, ov);
        assert_int_equal(pm_contains(t, k, kn), h);
        pn = gen_prefix(w, p);
        assert_int_equal(pm_count_prefix(t, p, pn), ora_count_prefix(o, p, pn));
        assert_int_equal(pm_path_exists(t, k, kn), ora_count_prefix(o, k, kn) > 0);
        assert_int_equal(pm_count(t), o->n);
        assert_int_equal(pm_is_empty(t), o->n == 0);
        /* Batched lookups: a mix of present and random keys. */
        pm_kv q[40];
        uint8_t qk[40][512], found[40];
        uint64_t vals[40];
        unsigned nq = rnd(w, 40);
        for (unsigned x = 0; x < nq; x++) {
            if (o->n && rnd(w, 2)) {
                ora_ent *e = &o->e[rnd(w, (unsigned)o->n)];
                memcpy(qk[x], e->k, e->n);
                q[x].len = e->n;
            } else {
                q[x].len = gen_key(w, qk[x]);
            }
            q[x].key = qk[x];
        }
        pm_get_batch(t, q, nq, found, vals);
        for (unsigned x = 0; x < nq; x++) {
            uint64_t bv;
            int oh = ora_get(o, q[x].key, q[x].len, &bv);
            assert_int_equal(found[x], oh);
            if (oh)
                assert_int_equal(vals[x], bv);
        }
    } else if (op < 53) {
        if (i == j)
            return;
        pm_trie *c;
        assert_int_equal(pm_clone(t, &c), 0);
        pm_free(w->t[j]);
        w->t[j] = c;
        ora_copy(&w->o[j], o);
    } else if (op < 57) {
        assert_int_equal(pm_join(t, w->t[j]), 0);
        ora tmp = {0};
        ora_copy(&tmp, &w->o[j]);
        for (size_t x = 0; x < tmp.n; x++)
            ora_put(o, tmp.e[x].k, tmp.e[x].n, tmp.e[x].v, 0);
        ora_free(&tmp);
        check(w, i, "join");
    } else if (op < 59) {
        assert_int_equal(pm_meet(t, w->t[j]), 0);
        for (size_t x = o->n; x-- > 0;)
            if (!ora_get(&w->o[j], o->e[x].k, o->e[x].n, NULL))
                ora_del_at(o, x);
        check(w, i, "meet");
    } else if (op < 61) {
        assert_int_equal(pm_subtract(t, w->t[j]), 0);
        if (i == j) {
            ora_clear(o);
        } else {
            for (size_t x = o->n; x-- > 0;)
                if (ora_get(&w->o[j], o->e[x].k, o->e[x].n, NULL))
                    ora_del_at(o, x);
        }
        check(w, i, "subtract");
    } else if (op < 62) {
        /* restrict against a small random prefix set */
        pm_trie *pt;
        ora po = {0};
        assert_int_equal(pm_new(&pt), 0);
        for (unsigned x = rnd(w, 4); x > 0; x--) {
            pn = gen_prefix(w, p);
            assert_int_equal(pm_insert(pt, p, pn, 0, NULL), 0);
            ora_put(&po, p, pn, 0, 1);
        }
        if (rnd(w, 2)) {
            pm_free(pt);
            assert_int_equal(pm_clone(w->t[j], &pt), 0);
            ora_copy(&po, &w->o[j]);
        }
        assert_int_equal(pm_restrict(t, pt), 0);
        for (size_t x = o->n; x-- > 0;) {
            int keep = 0;
            for (size_t l = 0; l <= o->e[x].n && !keep; l++)
                keep = ora_get(&po, o->e[x].k, l, NULL);
            if (!keep)
                ora_del_at(o, x);
        }
        pm_free(pt);
        ora_free(&po);
        check(w, i, "restrict");
    } else if (op < 63) {
        size_t d = rnd(w, 4);
        assert_int_equal(pm_drop_head(t, d), 0);
        ora nw = {0};
        for (size_t x = 0; x < o->n; x++)
            if (o->e[x].n >= d)
                ora_put(&nw, o->e[x].k + d, o->e[x].n - d, o->e[x].v, 0);
        ora_free(o);
        *o = nw;
        check(w, i, "drop_head");
    } else if (op < 65) {
        pn = gen_prefix(w, p);
        ora src = {0};
        ora_copy(&src, &w->o[j]);
        assert_int_equal(pm_graft(t, p, pn, w->t[j]), 0);
        for (size_t x = o->n; x-- > 0;)
            if (ora_has_prefix(&o->e[x], p, pn))
                ora_del_at(o, x);
        for (size_t x = 0; x < src.n; x++) {
            memcpy(k, p, pn);
            memcpy(k + pn, src.e[x].k, src.e[x].n);
            ora_put(o, k, pn + src.e[x].n, src.e[x].v, 1);
        }
        ora_free(&src);
        check(w, i, "graft");
    } else if (op < 66) {
        pn = gen_prefix(w, p);
        ora src = {0};
        ora_copy(&src, &w->o[j]);
        assert_int_equal(pm_join_at(t, p, pn, w->t[j]), 0);
        for (size_t x = 0; x < src.n; x++) {
            memcpy(k, p, pn);
            memcpy(k + pn, src.e[x].k, src.e[x].n);
            ora_put(o, k, pn + src.e[x].n, src.e[x].v, 0);
        }
        ora_free(&src);
        check(w, i, "join_at");
    } else if (op < 68) {
        pn = gen_prefix(w, p);
        pm_trie *out;
        ora taken = {0};
        view_oracle(o, p, pn, &taken);
        if (op < 67) {
            assert_int_equal(pm_take(t, p, pn, &out), 0);
            for (size_t x = o->n; x-- > 0;)
                if (ora_has_prefix(&o->e[x], p, pn))
                    ora_del_at(o, x);
        } else {
            assert_int_equal(pm_subtrie(t, p, pn, &out), 0);
        }
        if (i != j) {
            pm_free(w->t[j]);
            w->t[j] = out;
            ora_free(&w->o[j]);
            w->o[j] = taken;
        } else {
            assert_true(ora_matches(out, &taken));
            pm_free(out);
            ora_free(&taken);
        }
        check(w, i, "take/subtrie");
    } else if (op < 69) {
        pn = gen_prefix(w, p);
        uint64_t rm = 0;
        assert_int_equal(pm_remove_prefix(t, p, pn, &rm), 0);
        assert_int_equal(rm, ora_count_prefix(o, p, pn));
        for (size_t x = o->n; x-- > 0;)
            if (ora_has_prefix(&o->e[x], p, pn))
                ora_del_at(o, x);
    } else if (op < 72) {
        pn = gen_prefix(w, p);
        pm_wcur wc;
        ora edits = {0};
        ora_copy(&edits, o);
        assert_int_equal(pm_wcur_begin(&wc, t, p, pn), 0);
        for (unsigned x = 1 + rnd(w, 8); x > 0; x--) {
            uint8_t s[512];
            size_t sn = rnd(w, 4);
            for (size_t y = 0; y < sn; y++)
                s[y] = w->alpha[rnd(w, w->nalpha)];
            memcpy(k, p, pn);
            memcpy(k + pn, s, sn);
            if (rnd(w, 3)) {
                uint64_t v = ora_rng(&w->rng) % 1000;
                int added;
                assert_int_equal(pm_wcur_insert(&wc, s, sn, v, &added), 0);
                assert_int_equal(added, ora_put(&edits, k, pn + sn, v, 1));
            } else {
                int removed;
                assert_int_equal(pm_wcur_remove(&wc, s, sn, &removed), 0);
                assert_int_equal(removed, ora_del(&edits, k, pn + sn));
            }
            uint64_t v1 = 0, v2 = 0;
            int h = pm_wcur_get(&wc, s, sn, &v1);
            assert_int_equal(h, ora_get(&edits, k, pn + sn, &v2));
            assert_int_equal(v1, v2);
        }
        check(w, i, "wcur (before commit)");
        if (rnd(w, 4)) {
            assert_int_equal(pm_wcur_commit(&wc), 0);
            ora_free(o);
            *o = edits;
        } else {
            pm_wcur_abort(&wc);
            ora_free(&edits);
        }
        check(w, i, "wcur");
    } else if (op < 74) {
        pm_kv items[64];
        uint8_t keys[64][16];
        unsigned nb = rnd(w, 64);
        for (unsigned x = 0; x < nb; x++) {
            size_t n = rnd(w, w->maxlen + 1);
            if (n > 16)
                n = 16;
            for (size_t y = 0; y < n; y++)
                keys[x][y] = w->alpha[rnd(w, w->nalpha)];
            items[x].key = keys[x];
            items[x].len = n;
            items[x].val = ora_rng(&w->rng) % 1000;
        }
        uint64_t added = 0, before = o->n;
        assert_int_equal(pm_insert_many(t, items, nb, rnd(w, 2) ? w->pool : NULL, &added), 0);
        for (unsigned x = 0; x < nb; x++)
            ora_put(o, items[x].key, items[x].len, items[x].val, 1);
        assert_int_equal(added, o->n - before);
        check(w, i, "insert_many");
    } else if (op < 76) {
        int same = w->o[i].n == w->o[j].n;
        for (size_t x = 0; same && x < w->o[i].n; x++)
            same = ora_cmp(w->o[i].e[x].k, w->o[i].e[x].n, w->o[j].e[x].k, w->o[j].e[x].n) == 0 &&
                   w->o[i].e[x].v == w->o[j].e[x].v;
        assert_int_equal(pm_equal(t, w->t[j]), same);
    } else if (op < 77) {
        if (rnd(w, 8) == 0) {
            pm_clear(t);
            ora_clear(o);
        }
    } else if (op < 80) {
        cursor_round(w, i);
    } else {
        /* Repeat inserts of existing keys (value overwrite). */
        if (o->n) {
            ora_ent *e = &o->e[rnd(w, (unsigned)o->n)];
            int added;
            assert_int_equal(pm_insert(t, e->k, e->n, 7, &added), 0);
            assert_int_equal(added, 0);
            e->v = 7;
        }
    }
    if (w->ops % 64 == 0)
        check_all(w, "periodic");
}

/* Insert keys until every trie holds `n` of them (mirrored in the oracle),
 * so the random operations that follow work on tries large enough to cut
 * their leaves from slab blocks. */
static void prefill(world *w, size_t n)
{
    uint8_t k[16];
    for (int i = 0; i < NT; i++)
        while (w->o[i].n < n) {
            size_t len = 1 + rnd(w, w->maxlen);
            for (size_t j = 0; j < len; j++)
                k[j] = w->alpha[rnd(w, w->nalpha)];
            uint64_t v = ora_rng(&w->rng) % 1000;
            assert_int_equal(pm_insert(w->t[i], k, len, v, NULL), 0);
            ora_put(&w->o[i], k, len, v, 1);
        }
    check_all(w, "prefill");
}

static void run_world(uint64_t seed, const uint8_t *alpha, unsigned nalpha,
                      unsigned maxlen, size_t nfill, long nops)
{
    world w;
    memset(&w, 0, sizeof w);
    w.rng = seed;
    w.alpha = alpha;
    w.nalpha = nalpha;
    w.maxlen = maxlen;
    assert_int_equal(rt_pool_create(&w.pool, 2, 0), 0);
    for (int i = 0; i < NT; i++)
        assert_int_equal(pm_new(&w.t[i]), 0);
    prefill(&w, nfill);
    for (long n = 0; n < nops; n++)
        one_op(&w);
    check_all(&w, "end");
    print_message("    final sizes %zu %zu %zu %zu\n", w.o[0].n, w.o[1].n, w.o[2].n, w.o[3].n);
    for (int i = 0; i < NT; i++) {
        pm_free(w.t[i]);
        ora_free(&w.o[i]);
    }
    rt_pool_destroy(w.pool);
    print_message("    %llu operations\n", (unsigned long long)w.ops);
}

static void model_binary(void **state)
{
    (void)state;
    static const uint8_t a[] = {0x00, 0xff};
    run_world(0x9e3779b97f4a7c15ULL, a, 2, 8, 0, ora_ops(15000));
}

static void model_abc(void **state)
{
    (void)state;
    static const uint8_t a[] = {'a', 'b', 'c'};
    run_world(0x1234567ULL, a, 3, 6, 0, ora_ops(15000));
}

static void model_wide(void **state)
{
    (void)state;
    static const uint8_t a[] = {0, 1, 63, 64, 65, 127, 128, 200, 254, 255, 'x', 'y',
                                'z', 10, 20, 30, 40, 50, 60, 70};
    run_world(0xabcdefULL, a, 20, 5, 0, ora_ops(10000));
}

/* Tries past PM_INSERT_SLAB_MIN keys (4096): inserts then cut leaves
 * from the handle's slab, and every other operation meets such leaves,
 * shared between tries, copied, trimmed and freed in any order. Each
 * check walks every key, hence fewer operations. */
static void model_big(void **state)
{
    (void)state;
    static const uint8_t a[] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 0, 255};
    run_world(0x5eedULL, a, 10, 6, 5000, ora_ops(600));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model_binary),
        cmocka_unit_test(model_abc),
        cmocka_unit_test(model_wide),
        cmocka_unit_test(model_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
