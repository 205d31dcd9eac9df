/*
 * Deterministic workload generator for the mork benchmarks.
 *
 *   mork-gen edges N [NODES]   (edge i j), i and j uniform in [0, NODES)
 *                              (default NODES = max(N / 20, 1), as in MORK's
 *                              transitive benchmark: 50 000 nodes per 1M edges)
 *   mork-gen facts N           (fact i value-i)
 *   mork-gen rules N           (= (rule i) result-i)
 *
 * Same arguments, same bytes: the random source is a fixed-seed xorshift.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/rt.h"

static uint64_t next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mork-gen edges|facts|rules N [NODES]\n");
        return 1;
    }
    uint64_t n, nodes = 0, seed = 0x9E3779B97F4A7C15ULL;
    if (rt_cli_parse_u64(argv[2], &n)) {
        fprintf(stderr, "mork-gen: bad N '%s'\n", argv[2]);
        return 1;
    }
    if (argc > 3 && rt_cli_parse_u64(argv[3], &nodes)) {
        fprintf(stderr, "mork-gen: bad NODES '%s'\n", argv[3]);
        return 1;
    }
    if (!nodes)
        nodes = n / 20 ? n / 20 : 1;
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    const char *mode = argv[1];
    for (uint64_t i = 0; i < n; i++) {
        int r;
        if (strcmp(mode, "edges") == 0) {
            uint64_t a = next(&seed) % nodes, b = next(&seed) % nodes;
            r = printf("(edge %llu %llu)\n", (unsigned long long)a, (unsigned long long)b);
        } else if (strcmp(mode, "facts") == 0) {
            r = printf("(fact %llu value-%llu)\n", (unsigned long long)i, (unsigned long long)i);
        } else if (strcmp(mode, "rules") == 0) {
            r = printf("(= (rule %llu) result-%llu)\n", (unsigned long long)i,
                       (unsigned long long)i);
        } else {
            fprintf(stderr, "mork-gen: unknown mode '%s'\n", mode);
            return 1;
        }
        if (r < 0)
            return 1;
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
