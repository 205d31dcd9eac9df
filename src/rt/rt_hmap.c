/*
 * Open-addressing hash maps: rt_hmap (u64 -> u64) and rt_smap (bytes -> u64).
 *
 * Linear probing from the slot given by the key's hash; deletion shifts the
 * following entries back instead of leaving tombstones, so lookups never
 * wade through dead slots and the map needs no periodic cleanup.
 *
 * rt_hmap keeps its three arrays in one allocation (one failure point, one
 * free):
 *
 *   keys ->  [ k0 | k1 | ... | k(cap-1) ]   uint64
 *   vals ->  [ v0 | v1 | ... | v(cap-1) ]   uint64
 *   used ->  [ u0 | u1 | ... | u(cap-1) ]   uint8, 1 = slot holds an entry
 *
 * rt_smap slots point at key bytes copied into the map's arena; the stored
 * hash makes rehashing cheap and rejects most mismatches without memcmp:
 *
 *   slot: { key -> "ACGT..." (arena) | klen | hash | val }   key NULL = empty
 *
 * Deleted smap keys stay in the arena until rt_smap_clear or rt_smap_free.
 */
#include "kindred/rt.h"

#include <string.h>

#define MIN_CAP 16u

/* Load factor 7/8: enough free slots that probe runs stay short. */
static int too_full(size_t n, size_t cap)
{
    return n > cap - cap / 8;
}

/* Smallest power-of-two capacity that holds n entries within the load factor. */
static int cap_for(size_t n, size_t *out)
{
    size_t cap = MIN_CAP;
    while (too_full(n, cap)) {
        if (cap > SIZE_MAX / 2)
            return RT_ERANGE;
        cap *= 2;
    }
    *out = cap;
    return RT_OK;
}

/* ------------------------------------------------------------ rt_hmap */

static size_t home(uint64_t key, size_t mask)
{
    return (size_t)rt_mix64(key) & mask;
}

void rt_hmap_init(rt_hmap *m)
{
    memset(m, 0, sizeof *m);
}

void rt_hmap_free(rt_hmap *m)
{
    rt_free(m->keys);
    memset(m, 0, sizeof *m);
}

void rt_hmap_clear(rt_hmap *m)
{
    if (m->cap)
        memset(m->used, 0, m->cap);
    m->n = 0;
}

static int hmap_rehash(rt_hmap *m, size_t cap)
{
    size_t per = 2 * sizeof(uint64_t) + 1, bytes;
    if (rt_size_mul(cap, per, &bytes) != 0)
        return RT_ERANGE;
    uint8_t *mem = rt_malloc(bytes);
    if (!mem)
        return RT_ENOMEM;
    uint64_t *keys = (uint64_t *)mem;
    uint64_t *vals = keys + cap;
    uint8_t *used = (uint8_t *)(vals + cap);
    memset(used, 0, cap);
    size_t mask = cap - 1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->used[i])
            continue;
        size_t j = home(m->keys[i], mask);
        while (used[j])
            j = (j + 1) & mask;
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
        used[j] = 1;
    }
    rt_free(m->keys);
    m->keys = keys;
    m->vals = vals;
    m->used = used;
    m->cap = cap;
    return RT_OK;
}

int rt_hmap_reserve(rt_hmap *m, size_t n)
{
    size_t cap;
    if (n < m->n)
        n = m->n;
    int rc = cap_for(n, &cap);
    if (rc != 0)
        return rc;
    if (cap <= m->cap)
        return RT_OK;
    return hmap_rehash(m, cap);
}

/* Slot of key, or of the empty slot where it would go; *hit says which. */
static size_t hmap_find(const rt_hmap *m, uint64_t key, int *hit)
{
    size_t mask = m->cap - 1, i = home(key, mask);
    while (m->used[i]) {
        if (m->keys[i] == key) {
            *hit = 1;
            return i;
        }
        i = (i + 1) & mask;
    }
    *hit = 0;
    return i;
}

void rt_hmap_get(const rt_hmap *m, uint64_t key, uint64_t *val, int *found)
{
    int hit = 0;
    if (m->cap) {
        size_t i = hmap_find(m, key, &hit);
        if (hit && val)
            *val = m->vals[i];
    }
    *found = hit;
}

/* Finds key, inserting it with *val_io when absent; *slot is its slot. */
static int hmap_upsert(rt_hmap *m, uint64_t key, uint64_t *val_io, int *inserted, size_t *slot)
{
    int hit = 0;
    size_t i = 0;
    *inserted = 0;
    if (m->cap)
        i = hmap_find(m, key, &hit);
    if (hit) {
        *val_io = m->vals[i];
        *slot = i;
        return RT_OK;
    }
    if (!m->cap || too_full(m->n + 1, m->cap)) {
        if (m->cap > SIZE_MAX / 2)
            return RT_ERANGE;
        int rc = hmap_rehash(m, m->cap ? m->cap * 2 : MIN_CAP);
        if (rc != 0)
            return rc;
        i = hmap_find(m, key, &hit);
    }
    m->keys[i] = key;
    m->vals[i] = *val_io;
    m->used[i] = 1;
    m->n++;
    *inserted = 1;
    *slot = i;
    return RT_OK;
}

int rt_hmap_put_new(rt_hmap *m, uint64_t key, uint64_t *val_io, int *inserted)
{
    size_t slot;
    return hmap_upsert(m, key, val_io, inserted, &slot);
}

int rt_hmap_put(rt_hmap *m, uint64_t key, uint64_t val)
{
    uint64_t v = val;
    int inserted;
    size_t slot;
    int rc = hmap_upsert(m, key, &v, &inserted, &slot);
    if (rc == 0)
        m->vals[slot] = val;
    return rc;
}

void rt_hmap_del(rt_hmap *m, uint64_t key, int *removed)
{
    int hit = 0;
    size_t i = 0;
    if (m->cap)
        i = hmap_find(m, key, &hit);
    if (removed)
        *removed = hit;
    if (!hit)
        return;
    /* Backward shift: pull later entries of the run into the hole when
     * their home slot is not between the hole and their current slot. */
    size_t mask = m->cap - 1, j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->used[j])
            break;
        size_t h = home(m->keys[j], mask);
        if (((j - h) & mask) >= ((j - i) & mask)) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->used[i] = 0;
    m->n--;
}

int rt_hmap_next(const rt_hmap *m, size_t *it, uint64_t *key, uint64_t *val)
{
    for (size_t i = *it; i < m->cap; i++) {
        if (m->used[i]) {
            if (key)
                *key = m->keys[i];
            if (val)
                *val = m->vals[i];
            *it = i + 1;
            return 1;
        }
    }
    *it = m->cap;
    return 0;
}

/* ------------------------------------------------------------ rt_smap */

struct rt_smap_slot {
    const uint8_t *key; /* NULL: empty slot */
    size_t klen;
    uint64_t hash;
    uint64_t val;
};

/* Any fixed value works; it only has to be the same for every lookup. */
#define SMAP_SEED 0x6b696e6472656421ULL

void rt_smap_init(rt_smap *m)
{
    memset(m, 0, sizeof *m);
    /* Keys are usually short: small blocks waste little on tiny maps. */
    rt_arena_init(&m->keys, 16 * 1024);
}

void rt_smap_free(rt_smap *m)
{
    rt_free(m->slots);
    rt_arena_free(&m->keys);
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
}

void rt_smap_clear(rt_smap *m)
{
    if (m->cap)
        memset(m->slots, 0, m->cap * sizeof *m->slots);
    m->n = 0;
    rt_arena_reset(&m->keys);
}

static int smap_rehash(rt_smap *m, size_t cap)
{
    rt_smap_slot *s = rt_calloc(cap, sizeof *s);
    if (!s)
        return RT_ENOMEM;
    size_t mask = cap - 1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = (size_t)m->slots[i].hash & mask;
        while (s[j].key)
            j = (j + 1) & mask;
        s[j] = m->slots[i];
    }
    rt_free(m->slots);
    m->slots = s;
    m->cap = cap;
    return RT_OK;
}

int rt_smap_reserve(rt_smap *m, size_t n)
{
    size_t cap;
    if (n < m->n)
        n = m->n;
    int rc = cap_for(n, &cap);
    if (rc != 0)
        return rc;
    if (cap <= m->cap)
        return RT_OK;
    return smap_rehash(m, cap);
}

static size_t smap_find(const rt_smap *m, const void *key, size_t klen, uint64_t h, int *hit)
{
    size_t mask = m->cap - 1, i = (size_t)h & mask;
    while (m->slots[i].key) {
        const rt_smap_slot *s = &m->slots[i];
        if (s->hash == h && s->klen == klen && (klen == 0 || memcmp(s->key, key, klen) == 0)) {
            *hit = 1;
            return i;
        }
        i = (i + 1) & mask;
    }
    *hit = 0;
    return i;
}

void rt_smap_get(const rt_smap *m, const void *key, size_t klen, uint64_t *val, int *found)
{
    int hit = 0;
    if (m->cap) {
        size_t i = smap_find(m, key, klen, rt_hash64(key, klen, SMAP_SEED), &hit);
        if (hit && val)
            *val = m->slots[i].val;
    }
    *found = hit;
}

/* Finds key, inserting it with *val_io when absent (see rt.h). Returns the
 * slot through *slot so put can overwrite without a second lookup. */
static int smap_upsert(rt_smap *m, const void *key, size_t klen, uint64_t *val_io,
                       int *inserted, size_t *slot)
{
    uint64_t h = rt_hash64(key, klen, SMAP_SEED);
    int hit = 0;
    size_t i = 0;
    *inserted = 0;
    if (m->cap)
        i = smap_find(m, key, klen, h, &hit);
    if (hit) {
        *val_io = m->slots[i].val;
        *slot = i;
        return RT_OK;
    }
    if (!m->cap || too_full(m->n + 1, m->cap)) {
        if (m->cap > SIZE_MAX / 2)
            return RT_ERANGE;
        int rc = smap_rehash(m, m->cap ? m->cap * 2 : MIN_CAP);
        if (rc != 0)
            return rc;
        i = smap_find(m, key, klen, h, &hit);
    }
    uint8_t *copy = rt_arena_alloc(&m->keys, klen);
    if (!copy)
        return RT_ENOMEM;
    if (klen)
        memcpy(copy, key, klen);
    m->slots[i].key = copy;
    m->slots[i].klen = klen;
    m->slots[i].hash = h;
    m->slots[i].val = *val_io;
    m->n++;
    *inserted = 1;
    *slot = i;
    return RT_OK;
}

int rt_smap_put_new(rt_smap *m, const void *key, size_t klen, uint64_t *val_io, int *inserted)
{
    size_t slot;
    return smap_upsert(m, key, klen, val_io, inserted, &slot);
}

int rt_smap_put(rt_smap *m, const void *key, size_t klen, uint64_t val)
{
    uint64_t v = val;
    int inserted;
    size_t slot;
    int rc = smap_upsert(m, key, klen, &v, &inserted, &slot);
    if (rc == 0)
        m->slots[slot].val = val;
    return rc;
}

void rt_smap_del(rt_smap *m, const void *key, size_t klen, int *removed)
{
    int hit = 0;
    size_t i = 0;
    if (m->cap)
        i = smap_find(m, key, klen, rt_hash64(key, klen, SMAP_SEED), &hit);
    if (removed)
        *removed = hit;
    if (!hit)
        return;
    size_t mask = m->cap - 1, j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->slots[j].key)
            break;
        size_t h = (size_t)m->slots[j].hash & mask;
        if (((j - h) & mask) >= ((j - i) & mask)) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    memset(&m->slots[i], 0, sizeof m->slots[i]);
    m->n--;
}

int rt_smap_next(const rt_smap *m, size_t *it, const uint8_t **key, size_t *klen, uint64_t *val)
{
    for (size_t i = *it; i < m->cap; i++) {
        const rt_smap_slot *s = &m->slots[i];
        if (s->key) {
            if (key)
                *key = s->key;
            if (klen)
                *klen = s->klen;
            if (val)
                *val = s->val;
            *it = i + 1;
            return 1;
        }
    }
    *it = m->cap;
    return 0;
}
