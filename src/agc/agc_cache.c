/* agc_cache: the shared, pinned LRU of decoded parts (see agc_cache.h). */
#include "agc/agc_cache.h"

#include <pthread.h>
#include <stddef.h>

#include "kindred/rt.h"

/* The public view first, so a const agc_centry * converts back. */
typedef struct entry {
    agc_centry pub;
    uint64_t tick;
    int pins;
    int loading;             /* claimed by acquire, not filled yet */
} entry;

struct agc_cache {
    pthread_mutex_t mu;
    pthread_cond_t filled;   /* a claim was filled or abandoned */
    rt_hmap index;           /* key -> entry pointer */
    size_t bytes, budget;
    uint64_t tick;
};

static void evict(agc_cache *c);

static size_t entry_bytes(const entry *e)
{
    return e->pub.len + (size_t)e->pub.nent * sizeof(uint32_t) + sizeof *e;
}

static void entry_free(entry *e)
{
    rt_free((void *)e->pub.data);
    rt_free((void *)e->pub.ends);
    rt_free(e);
}

int agc_cache_create(agc_cache **out, size_t budget)
{
    *out = NULL;
    agc_cache *c = rt_calloc(1, sizeof *c);
    if (!c)
        return RT_ENOMEM;
    if (pthread_mutex_init(&c->mu, NULL)) {
        rt_free(c);
        return RT_ETHREAD;
    }
    if (pthread_cond_init(&c->filled, NULL)) {
        pthread_mutex_destroy(&c->mu);
        rt_free(c);
        return RT_ETHREAD;
    }
    rt_hmap_init(&c->index);
    c->budget = budget;
    *out = c;
    return RT_OK;
}

void agc_cache_free(agc_cache *c)
{
    if (!c)
        return;
    size_t it = 0;
    uint64_t k, v;
    while (rt_hmap_next(&c->index, &it, &k, &v))
        entry_free((entry *)(uintptr_t)v);
    rt_hmap_free(&c->index);
    pthread_cond_destroy(&c->filled);
    pthread_mutex_destroy(&c->mu);
    rt_free(c);
}

void agc_cache_set_budget(agc_cache *c, size_t budget)
{
    pthread_mutex_lock(&c->mu);
    c->budget = budget;
    pthread_mutex_unlock(&c->mu);
}

const agc_centry *agc_cache_get(agc_cache *c, uint64_t key)
{
    uint64_t v;
    int found = 0;
    pthread_mutex_lock(&c->mu);
    rt_hmap_get(&c->index, key, &v, &found);
    entry *e = found ? (entry *)(uintptr_t)v : NULL;
    while (e && e->loading) {
        pthread_cond_wait(&c->filled, &c->mu);
        found = 0;
        rt_hmap_get(&c->index, key, &v, &found);
        e = found ? (entry *)(uintptr_t)v : NULL;
    }
    if (e) {
        e->pins++;
        e->tick = ++c->tick;
    }
    pthread_mutex_unlock(&c->mu);
    return e ? &e->pub : NULL;
}

int agc_cache_acquire(agc_cache *c, uint64_t key, const agc_centry **out, int *mine)
{
    *out = NULL;
    *mine = 0;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        uint64_t v;
        int found = 0;
        rt_hmap_get(&c->index, key, &v, &found);
        entry *e = found ? (entry *)(uintptr_t)v : NULL;
        if (e && e->loading) {
            pthread_cond_wait(&c->filled, &c->mu);
            continue;
        }
        if (e) {
            e->pins++;
            e->tick = ++c->tick;
            *out = &e->pub;
            break;
        }
        e = rt_calloc(1, sizeof *e);
        if (!e || rt_hmap_put(&c->index, key, (uint64_t)(uintptr_t)e)) {
            pthread_mutex_unlock(&c->mu);
            rt_free(e);
            return RT_ENOMEM;
        }
        e->pub.key = key;
        e->pins = 1;
        e->loading = 1;
        e->tick = ++c->tick;
        *out = &e->pub;
        *mine = 1;
        break;
    }
    pthread_mutex_unlock(&c->mu);
    return RT_OK;
}

static entry *entry_of(const agc_centry *pe)
{
    return (entry *)(void *)((char *)(uintptr_t)pe - offsetof(entry, pub));
}

void agc_cache_fill(agc_cache *c, const agc_centry *pe, uint8_t *data, size_t len,
                    uint32_t *ends, uint32_t nent)
{
    entry *e = entry_of(pe);
    pthread_mutex_lock(&c->mu);
    e->pub.data = data;
    e->pub.len = len;
    e->pub.ends = ends;
    e->pub.nent = nent;
    e->loading = 0;
    c->bytes += entry_bytes(e);
    evict(c);
    pthread_cond_broadcast(&c->filled);
    pthread_mutex_unlock(&c->mu);
}

void agc_cache_abandon(agc_cache *c, const agc_centry *pe)
{
    entry *e = entry_of(pe);
    pthread_mutex_lock(&c->mu);
    rt_hmap_del(&c->index, e->pub.key, NULL);
    pthread_cond_broadcast(&c->filled);
    pthread_mutex_unlock(&c->mu);
    entry_free(e);
}

/* Under the lock: once over budget, drop unpinned entries, oldest first,
 * down to 7/8 of it, so the full scan runs once per eighth of turnover
 * rather than on every insert. */
static void evict(agc_cache *c)
{
    if (c->bytes <= c->budget)
        return;
    size_t target = c->budget - c->budget / 8;
    while (c->bytes > target) {
        entry *victim = NULL;
        size_t it = 0;
        uint64_t k, v;
        while (rt_hmap_next(&c->index, &it, &k, &v)) {
            entry *e = (entry *)(uintptr_t)v;
            if (e->pins == 0 && (!victim || e->tick < victim->tick))
                victim = e;
        }
        if (!victim)
            return;
        rt_hmap_del(&c->index, victim->pub.key, NULL);
        c->bytes -= entry_bytes(victim);
        entry_free(victim);
    }
}

int agc_cache_put(agc_cache *c, uint64_t key, uint8_t *data, size_t len, uint32_t *ends,
                  uint32_t nent, const agc_centry **out)
{
    *out = NULL;
    entry *e = rt_calloc(1, sizeof *e);
    if (!e) {
        rt_free(data);
        rt_free(ends);
        return RT_ENOMEM;
    }
    e->pub.key = key;
    e->pub.data = data;
    e->pub.len = len;
    e->pub.ends = ends;
    e->pub.nent = nent;
    e->pins = 1;
    pthread_mutex_lock(&c->mu);
    uint64_t v;
    int found = 0;
    rt_hmap_get(&c->index, key, &v, &found);
    while (found && ((entry *)(uintptr_t)v)->loading) {
        pthread_cond_wait(&c->filled, &c->mu);
        found = 0;
        rt_hmap_get(&c->index, key, &v, &found);
    }
    if (found) {
        entry *twin = (entry *)(uintptr_t)v;
        twin->pins++;
        twin->tick = ++c->tick;
        pthread_mutex_unlock(&c->mu);
        entry_free(e);
        *out = &twin->pub;
        return RT_OK;
    }
    int st = rt_hmap_put(&c->index, key, (uint64_t)(uintptr_t)e);
    if (st) {
        pthread_mutex_unlock(&c->mu);
        entry_free(e);
        return st;
    }
    e->tick = ++c->tick;
    c->bytes += entry_bytes(e);
    evict(c);
    pthread_mutex_unlock(&c->mu);
    *out = &e->pub;
    return RT_OK;
}

void agc_cache_unpin(agc_cache *c, const agc_centry *pe)
{
    if (!pe)
        return;
    entry *e = entry_of(pe);
    pthread_mutex_lock(&c->mu);
    e->pins--;
    if (e->pins == 0 && c->bytes > c->budget)
        evict(c);
    pthread_mutex_unlock(&c->mu);
}
