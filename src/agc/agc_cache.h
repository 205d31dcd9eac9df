/*
 * agc_cache: decoded parts (group references and packs) shared by every
 * reader of one archive, least recently used entries evicted once the bytes
 * held exceed a budget. Entries are immutable; a reader pins the ones it is
 * reading, and pinned entries are never evicted, so decoding runs outside
 * the lock:
 *
 *   get(key) ──lock──► hit: pin, return ─► reader uses data ─► unpin
 *              miss: reader decodes the part without the lock, then
 *   put(key, data) ──lock──► insert (or take the twin a racing reader
 *                            inserted first), evict unpinned LRU, pin
 *
 * acquire(key) does the same without ever decoding a part twice: a miss
 * inserts an empty entry claimed by the caller, who decodes and fills it
 * (or abandons it on error); readers asking for a claimed key meanwhile
 * wait for it instead of decoding their own copy:
 *
 *   acquire ──lock──► ready: pin, return | loading: wait | absent: claim
 *   fill(claimed, data) ──lock──► ready, evict, wake the waiters
 *
 * Thread-safe: every function may be called from any thread.
 */
#ifndef KINDRED_AGC_CACHE_H
#define KINDRED_AGC_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct agc_centry {
    uint64_t key;
    const uint8_t *data;
    size_t len;
    const uint32_t *ends;    /* packs: offset of each entry's 0xFF separator */
    uint32_t nent;
} agc_centry;

typedef struct agc_cache agc_cache;

int agc_cache_create(agc_cache **out, size_t budget);
/* Frees every entry; none may be pinned any more. NULL ok. */
void agc_cache_free(agc_cache *c);
void agc_cache_set_budget(agc_cache *c, size_t budget);
/* The pinned entry for key, or NULL when absent. */
const agc_centry *agc_cache_get(agc_cache *c, uint64_t key);
/* Insert decoded bytes; data and ends become the cache's (freed with
 * rt_free), even on failure. *out receives the pinned entry, which is an
 * equal twin when another thread inserted the key first. RT_ENOMEM. */
int agc_cache_put(agc_cache *c, uint64_t key, uint8_t *data, size_t len, uint32_t *ends,
                  uint32_t nent, const agc_centry **out);
void agc_cache_unpin(agc_cache *c, const agc_centry *e);

/* The pinned entry for key, waiting while another thread fills it. On a
 * miss, *mine = 1 and the entry is an empty claim the caller must pass to
 * agc_cache_fill or agc_cache_abandon (a claimer must not acquire other
 * keys before that). RT_ENOMEM. */
int agc_cache_acquire(agc_cache *c, uint64_t key, const agc_centry **out, int *mine);
/* Complete a claim (data and ends become the cache's, as in put); the
 * entry stays pinned by the caller. */
void agc_cache_fill(agc_cache *c, const agc_centry *e, uint8_t *data, size_t len,
                    uint32_t *ends, uint32_t nent);
/* Drop a claim after a failed decode; waiters then claim it themselves. */
void agc_cache_abandon(agc_cache *c, const agc_centry *e);

#endif /* KINDRED_AGC_CACHE_H */
