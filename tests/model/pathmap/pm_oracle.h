/*
 * A naive reference for the pathmap tests: a sorted array of (key, value)
 * with the same operations, written as plainly as possible so it can be
 * trusted by inspection. Keys compare as byte strings, a key before its
 * extensions (memcmp on the common length, then shorter first).
 *
 *     ora.e: [ {"",v} {"a",v} {"ab",v} {"b",v} ... ]   sorted, unique keys
 */
#ifndef PM_ORACLE_H
#define PM_ORACLE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/pathmap.h"

typedef struct ora_ent {
    uint8_t *k;
    size_t n;
    uint64_t v;
} ora_ent;

typedef struct ora {
    ora_ent *e;
    size_t n, cap;
} ora;

static inline int ora_cmp(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    size_t m = na < nb ? na : nb;
    int c = m ? memcmp(a, b, m) : 0;
    if (c)
        return c;
    return na < nb ? -1 : na > nb ? 1 : 0;
}

/* Index of the first entry >= key. */
static inline size_t ora_lower(const ora *o, const uint8_t *k, size_t n)
{
    size_t lo = 0, hi = o->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ora_cmp(o->e[mid].k, o->e[mid].n, k, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline int ora_get(const ora *o, const uint8_t *k, size_t n, uint64_t *v)
{
    size_t i = ora_lower(o, k, n);
    if (i < o->n && ora_cmp(o->e[i].k, o->e[i].n, k, n) == 0) {
        if (v)
            *v = o->e[i].v;
        return 1;
    }
    return 0;
}

/* Insert or overwrite (overwrite = 1) / insert if absent (overwrite = 0). */
static inline int ora_put(ora *o, const uint8_t *k, size_t n, uint64_t v, int overwrite)
{
    size_t i = ora_lower(o, k, n);
    if (i < o->n && ora_cmp(o->e[i].k, o->e[i].n, k, n) == 0) {
        if (overwrite)
            o->e[i].v = v;
        return 0;
    }
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        o->e = realloc(o->e, o->cap * sizeof *o->e);
        if (!o->e)
            abort();
    }
    memmove(o->e + i + 1, o->e + i, (o->n - i) * sizeof *o->e);
    o->e[i].k = malloc(n ? n : 1);
    if (!o->e[i].k)
        abort();
    if (n)
        memcpy(o->e[i].k, k, n);
    o->e[i].n = n;
    o->e[i].v = v;
    o->n++;
    return 1;
}

static inline void ora_del_at(ora *o, size_t i)
{
    free(o->e[i].k);
    memmove(o->e + i, o->e + i + 1, (o->n - i - 1) * sizeof *o->e);
    o->n--;
}

static inline int ora_del(ora *o, const uint8_t *k, size_t n)
{
    size_t i = ora_lower(o, k, n);
    if (i < o->n && ora_cmp(o->e[i].k, o->e[i].n, k, n) == 0) {
        ora_del_at(o, i);
        return 1;
    }
    return 0;
}

static inline void ora_clear(ora *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->e[i].k);
    o->n = 0;
}

static inline void ora_free(ora *o)
{
    ora_clear(o);
    free(o->e);
    o->e = NULL;
    o->cap = 0;
}

static inline void ora_copy(ora *dst, const ora *src)
{
    ora_clear(dst);
    for (size_t i = 0; i < src->n; i++)
        ora_put(dst, src->e[i].k, src->e[i].n, src->e[i].v, 1);
}

static inline int ora_has_prefix(const ora_ent *e, const uint8_t *p, size_t n)
{
    return e->n >= n && (n == 0 || memcmp(e->k, p, n) == 0);
}

static inline uint64_t ora_count_prefix(const ora *o, const uint8_t *p, size_t n)
{
    uint64_t c = 0;
    for (size_t i = 0; i < o->n; i++)
        c += (uint64_t)ora_has_prefix(&o->e[i], p, n);
    return c;
}

/* Key-by-key comparison of a trie with the oracle through pm_foreach. */
typedef struct ora_walk {
    const ora *o;
    size_t i;
    int bad;
} ora_walk;

static inline int ora_walk_fn(void *ctx, const uint8_t *k, size_t n, uint64_t v)
{
    ora_walk *w = ctx;
    if (w->i >= w->o->n || ora_cmp(k, n, w->o->e[w->i].k, w->o->e[w->i].n) != 0 ||
        v != w->o->e[w->i].v) {
        w->bad = 1;
        return 1;
    }
    w->i++;
    return 0;
}

/* 1 when t holds exactly the oracle's keys and values. */
static inline int ora_matches(const pm_trie *t, const ora *o)
{
    ora_walk w = {o, 0, 0};
    if (pm_count(t) != o->n)
        return 0;
    if (pm_foreach(t, NULL, 0, ora_walk_fn, &w) != 0 && !w.bad)
        return 0;
    return !w.bad && w.i == o->n;
}

static inline uint64_t ora_rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static inline long ora_scale(void)
{
    const char *s = getenv("KINDRED_TEST_SCALE");
    long v = s ? atol(s) : 1;
    return v > 0 ? v : 1;
}

/* Sanitizer builds run the same operation mix, a quarter as long: ASan costs
 * ~10x and TSan ~30x here, and the release build already runs the full
 * count. KINDRED_TEST_SCALE still multiplies either. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ORA_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define ORA_SANITIZED 1
#endif
#endif
#ifndef ORA_SANITIZED
#define ORA_SANITIZED 0
#endif

/* Number of operations for a run whose release-build size is n. */
static inline long ora_ops(long n)
{
    return (ORA_SANITIZED ? n / 4 : n) * ora_scale();
}

#endif /* PM_ORACLE_H */
