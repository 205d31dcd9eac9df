/*
 * agc_splitter: the splitter k-mers that cut contigs into segments, chosen
 * from the reference sample, and the set every worker probes while
 * segmenting.
 *
 * Choice (format spec 7.3): canonical k-mers that occur exactly once in the
 * whole reference are candidates. Each reference contig is scanned with a
 * distance counter that starts at segment_size and counts every symbol; a
 * candidate met while the counter is >= segment_size becomes a splitter and
 * resets the counter (and the k-mer, so splitters never overlap). The
 * rightmost candidate after the last splitter of each contig is added too.
 *
 * The set is open addressing over u64 keys with ~0 as the empty slot (a
 * canonical k-mer is never ~0), load <= 1/2, probed linearly, behind a
 * one-bit-per-key filter small enough to stay in L1 (almost every probe of
 * a contig scan is a miss and stops there):
 *
 *   filter[(x * C) >> (64 - fbits)]  0 -> absent
 *   slot[h(x) & mask] -> x or next slot ... until ~0
 *
 * Built once, then read-only: any number of threads may probe it.
 */
#ifndef KINDRED_AGC_SPLITTER_H
#define KINDRED_AGC_SPLITTER_H

#include <stddef.h>
#include <stdint.h>

#include "agc/agc_kmer.h"
#include "kindred/rt.h"

typedef struct agc_sset {
    uint64_t *slot;
    size_t mask;
    size_t n;
    uint64_t *filter;   /* 2^fbits bits */
    unsigned fbits;
} agc_sset;

#define AGC_SSET_MUL 0x9E3779B97F4A7C15ULL

/* Build from n values (duplicates allowed). Owned; free with agc_sset_free.
 * RT_ENOMEM. */
int agc_sset_build(agc_sset *s, const uint64_t *v, size_t n);
void agc_sset_free(agc_sset *s);

static inline int agc_sset_has(const agc_sset *s, uint64_t x)
{
    if (!s->slot)
        return 0;
    uint64_t f = (x * AGC_SSET_MUL) >> (64 - s->fbits);
    if (!((s->filter[f >> 6] >> (f & 63)) & 1))
        return 0;
    size_t i = (size_t)rt_mix64(x) & s->mask;
    for (;;) {
        uint64_t y = s->slot[i];
        if (y == x)
            return 1;
        if (y == AGC_KMER_NONE)
            return 0;
        i = (i + 1) & s->mask;
    }
}

/* One contig of the reference, borrowed. */
typedef struct agc_seqref {
    const uint8_t *s;
    size_t n;
} agc_seqref;

/*
 * Splitters of a reference made of nctg contigs, sorted ascending and
 * unique, into *out (owned, rt_free) with *nout entries. pool may be NULL
 * (everything on the caller's thread); with a pool the k-mer enumeration and
 * the per-contig scans run in parallel and the result is the same.
 * Errors: RT_ENOMEM.
 */
int agc_splitters_find(const agc_seqref *ctg, size_t nctg, uint32_t k, uint32_t seg_size,
                       rt_pool *pool, uint64_t **out, size_t *nout);

#endif /* KINDRED_AGC_SPLITTER_H */
