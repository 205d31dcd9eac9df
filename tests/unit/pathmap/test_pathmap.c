/*
 * pathmap: hand-checked cases for the point, prefix, algebra and cursor
 * operations, including the edge cases (empty key, keys that are prefixes
 * of others, bytes 0x00/0xff, keys longer than one node's prefix can hold).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kindred/pathmap.h"

static pm_trie *mk(const char *const *keys, size_t n)
{
    pm_trie *t;
    assert_int_equal(pm_new(&t), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pm_insert(t, keys[i], strlen(keys[i]), i + 1, NULL), 0);
    return t;
}

/* All keys joined as "k1,k2,..." in iteration order. */
static int cat_fn(void *ctx, const uint8_t *k, size_t n, uint64_t v)
{
    (void)v;
    char *s = ctx;
    size_t l = strlen(s);
    memcpy(s + l, k, n);
    s[l + n] = ',';
    s[l + n + 1] = 0;
    return 0;
}

static const char *list(const pm_trie *t, const char *prefix)
{
    static char buf[4096];
    buf[0] = 0;
    assert_int_equal(pm_foreach(t, prefix, strlen(prefix), cat_fn, buf), 0);
    return buf;
}

static void basics(void **st)
{
    (void)st;
    pm_trie *t;
    assert_int_equal(pm_new(&t), 0);
    assert_true(pm_is_empty(t));
    assert_int_equal(pm_count(t), 0);
    assert_false(pm_contains(t, "", 0));
    int added;
    assert_int_equal(pm_insert(t, NULL, 0, 7, &added), 0);
    assert_int_equal(added, 1);
    assert_int_equal(pm_insert(t, "a", 1, 8, &added), 0);
    assert_int_equal(pm_insert(t, "ab", 2, 9, &added), 0);
    assert_int_equal(pm_insert(t, "abc", 3, 10, &added), 0);
    assert_int_equal(pm_insert(t, "abd", 3, 11, &added), 0);
    assert_int_equal(pm_insert(t, "ab", 2, 12, &added), 0);
    assert_int_equal(added, 0);
    assert_int_equal(pm_count(t), 5);
    uint64_t v;
    assert_true(pm_get(t, "", 0, &v));
    assert_int_equal(v, 7);
    assert_true(pm_get(t, "ab", 2, &v));
    assert_int_equal(v, 12);
    assert_false(pm_contains(t, "abe", 3));
    assert_false(pm_contains(t, "b", 1));
    assert_false(pm_contains(t, "abcd", 4));
    assert_string_equal(list(t, ""), ",a,ab,abc,abd,");
    assert_string_equal(list(t, "ab"), "ab,abc,abd,");
    assert_int_equal(pm_count_prefix(t, "ab", 2), 3);
    assert_int_equal(pm_count_prefix(t, "abc", 3), 1);
    assert_int_equal(pm_count_prefix(t, "x", 1), 0);
    assert_true(pm_path_exists(t, "ab", 2));
    assert_false(pm_path_exists(t, "ac", 2));
    int removed;
    uint64_t old;
    assert_int_equal(pm_remove(t, "ab", 2, &removed, &old), 0);
    assert_int_equal(removed, 1);
    assert_int_equal(old, 12);
    assert_int_equal(pm_remove(t, "ab", 2, &removed, &old), 0);
    assert_int_equal(removed, 0);
    assert_string_equal(list(t, ""), ",a,abc,abd,");
    assert_int_equal(pm_remove(t, "", 0, &removed, NULL), 0);
    assert_int_equal(removed, 1);
    assert_string_equal(list(t, ""), "a,abc,abd,");
    /* Batched lookups give the same answers. */
    pm_kv q[5] = {{(const uint8_t *)"a", 1, 0}, {(const uint8_t *)"ab", 2, 0},
                  {(const uint8_t *)"abd", 3, 0}, {NULL, 0, 0}, {(const uint8_t *)"zz", 2, 0}};
    uint8_t found[5];
    uint64_t vals[5] = {0};
    pm_get_batch(t, q, 5, found, vals);
    assert_int_equal(found[0], 1);
    assert_int_equal(vals[0], 8);
    assert_int_equal(found[1], 0);
    assert_int_equal(found[2], 1);
    assert_int_equal(vals[2], 11);
    assert_int_equal(found[3], 0);
    assert_int_equal(found[4], 0);
    pm_clear(t);
    assert_true(pm_is_empty(t));
    pm_get_batch(t, q, 5, found, NULL);
    for (int i = 0; i < 5; i++)
        assert_int_equal(found[i], 0);
    pm_free(t);
}

static void binary_bytes(void **st)
{
    (void)st;
    pm_trie *t;
    assert_int_equal(pm_new(&t), 0);
    uint8_t k[300];
    /* Every single byte, and every byte after 0x00 and 0xff. */
    for (int b = 0; b < 256; b++) {
        k[0] = (uint8_t)b;
        assert_int_equal(pm_insert(t, k, 1, (uint64_t)b, NULL), 0);
        k[0] = 0xff;
        k[1] = (uint8_t)b;
        assert_int_equal(pm_insert(t, k, 2, (uint64_t)b, NULL), 0);
    }
    assert_int_equal(pm_count(t), 512);
    pm_cur c;
    pm_cur_init(&c, t);
    uint64_t mask[4];
    pm_cur_child_mask(&c, mask);
    for (int i = 0; i < 4; i++)
        assert_true(mask[i] == ~UINT64_C(0));
    assert_int_equal(pm_cur_child_count(&c), 256);
    /* Iteration order: 0x00, 0x01, ..., 0xff, 0xff 0x00, ... */
    int i = 0;
    for (int r = pm_cur_seek(&c, NULL, 0); r == 1; r = pm_cur_next(&c), i++) {
        if (i < 256) {
            assert_int_equal(pm_cur_depth(&c), 1);
            assert_int_equal(pm_cur_path(&c)[0], i);
        } else {
            assert_int_equal(pm_cur_depth(&c), 2);
            assert_int_equal(pm_cur_path(&c)[1], i - 256);
        }
    }
    assert_int_equal(i, 512);
    /* Removing all but a few turns the wide node back into a narrow one. */
    for (int b = 0; b < 250; b++) {
        k[0] = 0xff;
        k[1] = (uint8_t)b;
        assert_int_equal(pm_remove(t, k, 2, NULL, NULL), 0);
    }
    assert_int_equal(pm_count_prefix(t, "\xff", 1), 7);
    pm_cur_fini(&c);
    pm_free(t);
}

static void huge_key(void **st)
{
    (void)st;
    /* Longer than a node's 16-bit prefix length: stored as a chain. */
    size_t n = 200000;
    uint8_t *k = malloc(n + 1);
    assert_non_null(k);
    for (size_t i = 0; i < n; i++)
        k[i] = (uint8_t)(i * 7);
    pm_trie *t;
    assert_int_equal(pm_new(&t), 0);
    assert_int_equal(pm_insert(t, k, n, 1, NULL), 0);
    assert_int_equal(pm_insert(t, k, 100000, 2, NULL), 0);
    k[n] = 9;
    assert_int_equal(pm_insert(t, k, n + 1, 3, NULL), 0);
    uint64_t v;
    assert_true(pm_get(t, k, n, &v));
    assert_int_equal(v, 1);
    assert_true(pm_get(t, k, 100000, &v));
    assert_int_equal(v, 2);
    assert_true(pm_get(t, k, n + 1, &v));
    assert_false(pm_contains(t, k, n - 1));
    assert_int_equal(pm_count_prefix(t, k, 70000), 3);
    pm_stats s;
    pm_get_stats(t, &s);
    assert_int_equal(s.keys, 3);
    assert_int_equal(s.max_depth, n + 1);
    /* The cursor walks it with heap room. */
    pm_cur c;
    pm_cur_init(&c, t);
    assert_int_equal(pm_cur_seek(&c, NULL, 0), 1);
    assert_int_equal(pm_cur_depth(&c), 100000);
    assert_int_equal(pm_cur_next(&c), 1);
    assert_int_equal(pm_cur_depth(&c), n);
    assert_memory_equal(pm_cur_path(&c), k, n);
    assert_int_equal(pm_cur_next(&c), 1);
    assert_int_equal(pm_cur_depth(&c), n + 1);
    assert_int_equal(pm_cur_next(&c), 0);
    pm_cur_fini(&c);
    /* Graft it somewhere else and drop the head again. */
    pm_trie *u;
    assert_int_equal(pm_new(&u), 0);
    assert_int_equal(pm_graft(u, "xyz", 3, t), 0);
    assert_int_equal(pm_count(u), 3);
    assert_int_equal(pm_drop_head(u, 3), 0);
    assert_true(pm_equal(u, t));
    assert_int_equal(pm_remove(t, k, n, NULL, NULL), 0);
    assert_int_equal(pm_remove(t, k, 100000, NULL, NULL), 0);
    assert_true(pm_get(t, k, n + 1, &v));
    assert_int_equal(v, 3);
    assert_int_equal(pm_count(t), 1);
    pm_free(u);
    pm_free(t);
    free(k);
}

static void snapshots(void **st)
{
    (void)st;
    static const char *const ks[] = {"cat", "car", "cart", "dog"};
    pm_trie *a = mk(ks, 4), *b;
    assert_int_equal(pm_clone(a, &b), 0);
    assert_true(pm_equal(a, b));
    assert_int_equal(pm_insert(b, "cab", 3, 9, NULL), 0);
    assert_int_equal(pm_remove(a, "car", 3, NULL, NULL), 0);
    assert_string_equal(list(a, ""), "cart,cat,dog,");
    assert_string_equal(list(b, ""), "cab,car,cart,cat,dog,");
    assert_false(pm_equal(a, b));
    pm_free(a);
    assert_string_equal(list(b, "ca"), "cab,car,cart,cat,");
    pm_free(b);
}

static void algebra(void **st)
{
    (void)st;
    static const char *const ka[] = {"", "ab", "abc", "b", "bcd", "x"};
    static const char *const kb[] = {"ab", "abcd", "bc", "bcd", "y"};
    pm_trie *a = mk(ka, 6), *b = mk(kb, 5), *t;

    assert_int_equal(pm_clone(a, &t), 0);
    assert_int_equal(pm_join(t, b), 0);
    assert_string_equal(list(t, ""), ",ab,abc,abcd,b,bc,bcd,x,y,");
    uint64_t v;
    assert_true(pm_get(t, "ab", 2, &v));
    assert_int_equal(v, 2);   /* the left operand's value is kept */
    pm_free(t);

    assert_int_equal(pm_clone(a, &t), 0);
    assert_int_equal(pm_meet(t, b), 0);
    assert_string_equal(list(t, ""), "ab,bcd,");
    pm_free(t);

    assert_int_equal(pm_clone(a, &t), 0);
    assert_int_equal(pm_subtract(t, b), 0);
    assert_string_equal(list(t, ""), ",abc,b,x,");
    assert_int_equal(pm_subtract(t, t), 0);
    assert_true(pm_is_empty(t));
    pm_free(t);

    /* restrict: keys of a with a prefix that is a key of {"ab", "bc"} */
    static const char *const kp[] = {"ab", "bc"};
    pm_trie *p = mk(kp, 2);
    assert_int_equal(pm_clone(a, &t), 0);
    assert_int_equal(pm_restrict(t, p), 0);
    assert_string_equal(list(t, ""), "ab,abc,bcd,");
    pm_free(t);
    /* The empty key as prefix keeps everything. */
    static const char *const ke[] = {""};
    pm_trie *e = mk(ke, 1);
    assert_int_equal(pm_clone(a, &t), 0);
    assert_int_equal(pm_restrict(t, e), 0);
    assert_true(pm_equal(t, a));
    pm_free(t);

    /* drop_head(1): "ab"->"b"(2), "abc"->"bc"(3), "b"->""(4), "bcd"->"cd"(5),
     * "x"->""(6) collides with "b"'s: the smaller original key wins. */
    assert_int_equal(pm_clone(a, &t), 0);
    assert_int_equal(pm_drop_head(t, 1), 0);
    assert_string_equal(list(t, ""), ",b,bc,cd,");
    assert_true(pm_get(t, "", 0, &v));
    assert_int_equal(v, 4);
    pm_free(t);

    pm_free(a);
    pm_free(b);
    pm_free(p);
    pm_free(e);
}

static void prefix_ops(void **st)
{
    (void)st;
    static const char *const ka[] = {"app", "apple", "apply", "banana", "band"};
    static const char *const kb[] = {"", "1", "22"};
    pm_trie *a = mk(ka, 5), *b = mk(kb, 3), *s;

    assert_int_equal(pm_subtrie(a, "appl", 4, &s), 0);
    assert_string_equal(list(s, ""), "e,y,");
    pm_free(s);
    assert_int_equal(pm_subtrie(a, "ban", 3, &s), 0);
    assert_string_equal(list(s, ""), "ana,d,");
    pm_free(s);
    assert_int_equal(pm_subtrie(a, "q", 1, &s), 0);
    assert_true(pm_is_empty(s));
    pm_free(s);

    pm_trie *t;
    assert_int_equal(pm_clone(a, &t), 0);
    assert_int_equal(pm_graft(t, "ap", 2, b), 0);
    assert_string_equal(list(t, ""), "ap,ap1,ap22,banana,band,");
    assert_int_equal(pm_graft(t, "band", 4, b), 0);
    assert_string_equal(list(t, ""), "ap,ap1,ap22,banana,band,band1,band22,");
    pm_free(t);

    assert_int_equal(pm_clone(a, &t), 0);
    assert_int_equal(pm_join_at(t, "app", 3, b), 0);
    assert_string_equal(list(t, ""), "app,app1,app22,apple,apply,banana,band,");
    uint64_t v;
    assert_true(pm_get(t, "app", 3, &v));
    assert_int_equal(v, 1);
    pm_free(t);

    assert_int_equal(pm_clone(a, &t), 0);
    assert_int_equal(pm_take(t, "ba", 2, &s), 0);
    assert_string_equal(list(s, ""), "nana,nd,");
    assert_string_equal(list(t, ""), "app,apple,apply,");
    pm_free(s);
    uint64_t rm;
    assert_int_equal(pm_remove_prefix(t, "appl", 4, &rm), 0);
    assert_int_equal(rm, 2);
    assert_string_equal(list(t, ""), "app,");
    pm_free(t);

    /* Write cursor. */
    assert_int_equal(pm_clone(a, &t), 0);
    pm_wcur w;
    assert_int_equal(pm_wcur_begin(&w, t, "ban", 3), 0);
    assert_true(pm_wcur_get(&w, "d", 1, &v));
    int added, removed;
    assert_int_equal(pm_wcur_insert(&w, "jo", 2, 50, &added), 0);
    assert_int_equal(added, 1);
    assert_int_equal(pm_wcur_remove(&w, "ana", 3, &removed), 0);
    assert_int_equal(removed, 1);
    assert_string_equal(list(t, ""), "app,apple,apply,banana,band,");   /* not yet */
    assert_int_equal(pm_wcur_commit(&w), 0);
    assert_string_equal(list(t, ""), "app,apple,apply,band,banjo,");
    pm_free(t);
    pm_free(a);
    pm_free(b);
}

static void cursor_moves(void **st)
{
    (void)st;
    static const char *const ks[] = {"a", "abc", "abd", "b", "bxyz"};
    pm_trie *t = mk(ks, 5);
    pm_cur c;
    pm_cur_init(&c, t);
    assert_int_equal(pm_cur_descend_byte(&c, 'a'), 1);
    assert_true(pm_cur_val(&c, NULL));
    assert_int_equal(pm_cur_count(&c), 3);
    assert_int_equal(pm_cur_descend_byte(&c, 'x'), 0);
    assert_int_equal(pm_cur_depth(&c), 1);
    assert_int_equal(pm_cur_descend(&c, "bd", 2), 1);
    assert_int_equal(pm_cur_next_sibling(&c), 0);       /* no byte after 'd' */
    assert_int_equal(pm_cur_ascend(&c, 1), 0);
    assert_int_equal(pm_cur_first_child(&c), 1);
    assert_memory_equal(pm_cur_path(&c), "abc", 3);
    assert_int_equal(pm_cur_next_sibling(&c), 1);
    assert_memory_equal(pm_cur_path(&c), "abd", 3);
    assert_int_equal(pm_cur_ascend(&c, 4), RT_ERANGE);
    pm_cur_reset(&c);
    /* Inside the compressed run "xyz". */
    size_t m;
    assert_int_equal(pm_cur_descend_partial(&c, "bxq", 3, &m), 0);
    assert_int_equal(m, 2);
    assert_false(pm_cur_val(&c, NULL));
    assert_int_equal(pm_cur_child_count(&c), 1);
    assert_int_equal(pm_cur_next(&c), 1);
    assert_memory_equal(pm_cur_path(&c), "bxyz", 4);
    assert_int_equal(pm_cur_next(&c), 0);
    assert_int_equal(pm_cur_depth(&c), 0);
    /* seek */
    assert_int_equal(pm_cur_seek(&c, "ab", 2), 1);
    assert_memory_equal(pm_cur_path(&c), "abc", 3);
    assert_int_equal(pm_cur_seek(&c, "abcc", 4), 1);
    assert_memory_equal(pm_cur_path(&c), "abd", 3);
    assert_int_equal(pm_cur_seek(&c, "b", 1), 1);
    assert_int_equal(pm_cur_depth(&c), 1);
    assert_int_equal(pm_cur_seek(&c, "bxz", 3), 0);
    assert_int_equal(pm_cur_seek(&c, "", 0), 1);
    assert_memory_equal(pm_cur_path(&c), "a", 1);
    pm_trie *sub;
    assert_int_equal(pm_cur_descend(&c, "bc", 2), 1);
    assert_int_equal(pm_cur_subtrie(&c, &sub), 0);
    assert_string_equal(list(sub, ""), ",");
    pm_free(sub);
    pm_cur_fini(&c);

    /* A view under a prefix that ends inside a compressed run. */
    assert_int_equal(pm_cur_init_at(&c, t, "bx", 2), 0);
    assert_int_equal(pm_cur_count(&c), 1);
    assert_int_equal(pm_cur_seek(&c, NULL, 0), 1);
    assert_memory_equal(pm_cur_path(&c), "yz", 2);
    assert_int_equal(pm_cur_ascend(&c, 3), RT_ERANGE);
    assert_int_equal(pm_cur_next(&c), 0);
    pm_cur_fini(&c);
    assert_int_equal(pm_cur_init_at(&c, t, "q", 1), 0);
    assert_int_equal(pm_cur_count(&c), 0);
    assert_int_equal(pm_cur_seek(&c, NULL, 0), 0);
    assert_int_equal(pm_cur_first_child(&c), 0);
    pm_cur_fini(&c);

    /* A cursor pins what it saw. */
    pm_cur_init(&c, t);
    pm_clear(t);
    assert_int_equal(pm_cur_seek(&c, "b", 1), 1);
    assert_int_equal(pm_cur_next(&c), 1);
    assert_memory_equal(pm_cur_path(&c), "bxyz", 4);
    pm_cur_fini(&c);
    pm_free(t);
}

static int stop_at_two(void *ctx, const uint8_t *k, size_t n, uint64_t v)
{
    (void)k;
    (void)n;
    (void)v;
    int *calls = ctx;
    return ++*calls == 2 ? 42 : 0;
}

static void foreach_stop(void **st)
{
    (void)st;
    static const char *const ks[] = {"a", "b", "c"};
    pm_trie *t = mk(ks, 3);
    int calls = 0;
    assert_int_equal(pm_foreach(t, NULL, 0, stop_at_two, &calls), 42);
    assert_int_equal(calls, 2);
    pm_free(t);
}

/* A node of every fan-out from 1 to 40 children (narrow nodes hold up to
 * 16, so this crosses the narrow/wide switch), the children spread over
 * the byte range with gaps: every byte 0..255 must be found exactly when
 * it is a child, by a single lookup and by a batch, whether the trie was
 * built by inserts or in bulk. */
static void fanouts(void **st)
{
    (void)st;
    for (unsigned nk = 1; nk <= 40; nk++) {
        uint8_t is_kid[256] = {0};
        pm_kv kv[40];
        uint8_t keys[40][2];
        for (unsigned i = 0; i < nk; i++) {
            unsigned b = nk + i * (215u / nk); /* distinct, increasing, <= 255 */
            is_kid[b] = 1;
            keys[i][0] = 'p';
            keys[i][1] = (uint8_t)b;
            kv[i].key = keys[i];
            kv[i].len = 2;
            kv[i].val = 1000 + b;
        }
        pm_trie *ti, *tb;
        assert_int_equal(pm_new(&ti), 0);
        for (unsigned i = 0; i < nk; i++)
            assert_int_equal(pm_insert(ti, keys[i], 2, kv[i].val, NULL), 0);
        assert_int_equal(pm_build(&tb, kv, nk, NULL), 0);
        pm_kv q[256];
        uint8_t qk[256][2], found[256];
        uint64_t vals[256];
        for (unsigned b = 0; b < 256; b++) {
            qk[b][0] = 'p';
            qk[b][1] = (uint8_t)b;
            q[b].key = qk[b];
            q[b].len = 2;
        }
        const pm_trie *tries[2] = {ti, tb};
        for (int w = 0; w < 2; w++) {
            assert_int_equal(pm_count(tries[w]), nk);
            pm_get_batch(tries[w], q, 256, found, vals);
            for (unsigned b = 0; b < 256; b++) {
                uint64_t v = 0;
                int hit = pm_get(tries[w], qk[b], 2, &v);
                assert_int_equal(hit, is_kid[b]);
                assert_int_equal(found[b], is_kid[b]);
                if (hit) {
                    assert_int_equal(v, 1000 + b);
                    assert_int_equal(vals[b], 1000 + b);
                }
            }
        }
        pm_free(ti);
        pm_free(tb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basics),     cmocka_unit_test(binary_bytes),
        cmocka_unit_test(huge_key),   cmocka_unit_test(snapshots),
        cmocka_unit_test(algebra),    cmocka_unit_test(prefix_ops),
        cmocka_unit_test(cursor_moves), cmocka_unit_test(foreach_stop),
        cmocka_unit_test(fanouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
