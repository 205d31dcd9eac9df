/*
 * Arena: bump allocation from a list of blocks, released all at once.
 *
 * One block in memory (the header is padded to 16 bytes so the payload,
 * and therefore every allocation, is 16-byte aligned):
 *
 *   +------------------+--------------------------+----------------------+
 *   | hdr: prev, size, | allocations, each        | free: size - used    |
 *   | used (16-aligned)| rounded up to 16 bytes   | (poisoned in debug)  |
 *   +------------------+--------------------------+----------------------+
 *                      ^ payload                  ^ payload + used
 *
 * The list runs from the newest block (a->head) to the oldest through
 * `prev`. A request that does not fit the head starts a new head block of
 * max(block_size, n). A large request (over a quarter of block_size) gets a
 * block of its own that is linked behind the head, so the head keeps its
 * free space for the small requests that follow.
 *
 * Reset keeps the largest block: a worker whose jobs need the same amount
 * of scratch each time then reaches a state where it never calls malloc.
 *
 * With RT_ARENA_DEBUG, released bytes are overwritten with 0xA5 and, under
 * AddressSanitizer, poisoned; the unused tail of every block is poisoned too,
 * so reading past an allocation or through a pointer that outlived a reset
 * is reported where it happens.
 */
#include "kindred/rt.h"

#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif

#if defined(RT_ARENA_DEBUG) && defined(ARENA_ASAN)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN 16u
#define DEFAULT_BLOCK (64u * 1024u)

struct rt_arena_block {
    rt_arena_block *prev;
    size_t size;   /* payload bytes */
    size_t used;   /* payload bytes handed out */
    size_t pad_;   /* keeps the payload 16-byte aligned on 64-bit targets */
};

/* Header size rounded up so that the payload is aligned on any target. */
#define HDR (((sizeof(rt_arena_block) + ALIGN - 1) / ALIGN) * ALIGN)

static unsigned char *payload(rt_arena_block *b)
{
    return (unsigned char *)b + HDR;
}

/* Marks bytes as released: filled in debug builds, poisoned under ASan. */
static void release_bytes(unsigned char *p, size_t n)
{
#ifdef RT_ARENA_DEBUG
    UNPOISON(p, n);
    memset(p, 0xA5, n);
    POISON(p, n);
#else
    (void)p;
    (void)n;
#endif
}

void rt_arena_init(rt_arena *a, size_t block_size)
{
    memset(a, 0, sizeof *a);
    if (block_size == 0)
        block_size = DEFAULT_BLOCK;
    /* Rounded so that a block's payload size keeps allocations aligned. */
    if (block_size < ALIGN)
        block_size = ALIGN;
    a->block_size = (block_size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

static rt_arena_block *new_block(rt_arena *a, size_t size)
{
    size_t total;
    if (rt_size_add(size, HDR, &total) != 0)
        return NULL;
    rt_arena_block *b = rt_malloc(total);
    if (!b)
        return NULL;
    b->prev = NULL;
    b->size = size;
    b->used = 0;
    b->pad_ = 0;
    POISON(payload(b), size);
    a->reserved += size;
    a->nblocks++;
    return b;
}

void *rt_arena_alloc(rt_arena *a, size_t n)
{
    if (n == 0)
        n = 1; /* a unique pointer, as promised */
    if (a->block_size == 0) /* zero-initialised rather than rt_arena_init'ed */
        a->block_size = DEFAULT_BLOCK;
    if (n > SIZE_MAX - ALIGN - HDR)
        return NULL;
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    rt_arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        if (b && need > a->block_size / 4) {
            /* Own block, linked behind the head so its free space survives. */
            rt_arena_block *big = new_block(a, need);
            if (!big)
                return NULL;
            big->prev = b->prev;
            b->prev = big;
            b = big;
        } else {
            size_t sz = need > a->block_size ? need : a->block_size;
            rt_arena_block *nb = new_block(a, sz);
            if (!nb)
                return NULL;
            nb->prev = b;
            a->head = nb;
            b = nb;
        }
    }
    unsigned char *p = payload(b) + b->used;
    b->used += need;
    UNPOISON(p, n);
    a->used += need;
    if (a->used > a->peak)
        a->peak = a->used;
    return p;
}

void *rt_arena_calloc(rt_arena *a, size_t count, size_t size)
{
    size_t n;
    if (rt_size_mul(count, size, &n) != 0)
        return NULL;
    void *p = rt_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *rt_arena_strndup(rt_arena *a, const char *s, size_t n)
{
    const char *nul = memchr(s, '\0', n);
    size_t len = nul ? (size_t)(nul - s) : n;
    if (len == SIZE_MAX)
        return NULL;
    char *d = rt_arena_alloc(a, len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

void rt_arena_reset(rt_arena *a)
{
    rt_arena_block *keep = NULL;
    for (rt_arena_block *b = a->head; b; b = b->prev)
        if (!keep || b->size > keep->size)
            keep = b;
    rt_arena_block *b = a->head;
    while (b) {
        rt_arena_block *prev = b->prev;
        if (b != keep) {
            release_bytes(payload(b), b->used);
            UNPOISON(payload(b), b->size); /* the allocator owns it again */
            rt_free(b);
        }
        b = prev;
    }
    if (keep) {
        release_bytes(payload(keep), keep->used);
        keep->used = 0;
        keep->prev = NULL;
        a->reserved = keep->size;
        a->nblocks = 1;
    } else {
        a->reserved = 0;
        a->nblocks = 0;
    }
    a->head = keep;
    a->used = 0;
    a->gen++;
}

void rt_arena_free(rt_arena *a)
{
    rt_arena_block *b = a->head;
    while (b) {
        rt_arena_block *prev = b->prev;
        release_bytes(payload(b), b->used);
        UNPOISON(payload(b), b->size);
        rt_free(b);
        b = prev;
    }
    size_t bs = a->block_size;
    uint64_t gen = a->gen;
    memset(a, 0, sizeof *a);
    a->block_size = bs;
    a->gen = gen + 1;
}

void rt_arena_get_stats(const rt_arena *a, rt_arena_stats *out)
{
    out->used = a->used;
    out->peak = a->peak;
    out->reserved = a->reserved;
    out->nblocks = a->nblocks;
    out->gen = a->gen;
}
