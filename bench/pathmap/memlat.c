/*
 * Memory latency of this machine, the floor under a trie lookup.
 *
 *   pathmap-memlat [--mb M ...] [--loads N]
 *
 * For each working-set size M (MiB; default 1 4 16 64 256) it links one
 * 64-byte line per slot into a single random cycle and follows it, so
 * every load depends on the one before and nothing can overlap:
 *
 *   slot:  0     1     2     3   ...            (64 bytes each)
 *   next: [7]   [0]   [5]   [1]  ...  one cycle through all slots
 *
 * and prints `latency_<M>mb <ns> ns/load`. A lookup of a random key in a
 * trie that does not fit in cache needs at least one such load (the node
 * that holds the key), so a single lookup cannot be faster than the
 * latency at the trie's size; only lookups kept in flight together
 * (pm_get_batch) can go below it.
 */
#include "kindred/rt.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE 64

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double chase(size_t mb, uint64_t loads)
{
    size_t n = mb * 1024 * 1024 / LINE;
    if (n < 2)
        n = 2;
    uint64_t *a = rt_aligned_alloc(LINE, n * LINE);
    size_t *order = malloc(n * sizeof *order);
    if (!a || !order) {
        fprintf(stderr, "pathmap-memlat: out of memory at %zu MiB\n", mb);
        exit(1);
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(rng(&s) % (i + 1));
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    const size_t w = LINE / sizeof(uint64_t);
    for (size_t i = 0; i < n; i++)
        a[order[i] * w] = order[(i + 1) % n] * w;
    free(order);
    uint64_t p = 0;
    for (size_t i = 0; i < n; i++)   /* touch every page once first */
        p = a[p];
    uint64_t t0 = rt_now_ns();
    for (uint64_t i = 0; i < loads; i++)
        p = a[p];
    uint64_t t1 = rt_now_ns();
    volatile uint64_t sink = p;
    (void)sink;
    rt_free(a);
    return (double)(t1 - t0) / (double)loads;
}

int main(int argc, char **argv)
{
    size_t mbs[32];
    int nm = 0;
    uint64_t loads = 10000000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mb") && i + 1 < argc && nm < 32) {
            mbs[nm++] = (size_t)strtoull(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--loads") && i + 1 < argc) {
            loads = strtoull(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: pathmap-memlat [--mb M ...] [--loads N]\n");
            return strcmp(argv[i], "--help") ? 1 : 0;
        }
    }
    if (nm == 0) {
        const size_t def[] = {1, 4, 16, 64, 256};
        for (nm = 0; nm < 5; nm++)
            mbs[nm] = def[nm];
    }
    if (loads == 0)
        loads = 1;
    for (int i = 0; i < nm; i++) {
        printf("latency_%zumb %.1f ns/load\n", mbs[i], chase(mbs[i], loads));
        fflush(stdout);
    }
    return 0;
}
