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

/* The filter alone: 0 when x is certainly not in the set. Takes the words
 * and the shift (64 - fbits) rather than the set, so that a scan can keep
 * them in registers. */
static inline int agc_sset_may_have(const uint64_t *filter, unsigned fsh, uint64_t x)
{
    uint64_t f = (x * AGC_SSET_MUL) >> fsh;
    return (filter[f >> 6] >> (f & 63)) & 1;
}

/* The table lookup, for an x the filter let through. */
static inline int agc_sset_probe(const agc_sset *s, uint64_t x)
{
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

static inline int agc_sset_has(const agc_sset *s, uint64_t x)
{
    return s->slot && agc_sset_may_have(s->filter, 64 - s->fbits, x) && agc_sset_probe(s, x);
}

/* One contig of the reference, borrowed. */
typedef struct agc_seqref {
    const uint8_t *s;
    size_t n;
} agc_seqref;

/* Fallback minimizers (-f): a k-mer x is one when
 * (fmix64(x) ^ AGC_FB_SALT) < thr, thr = fraction * 2^64 (0 = off). */
#define AGC_FB_SALT 0xD73F8BF11046C40EULL

static inline int agc_fb_pass(uint64_t x, uint64_t thr)
{
    return (rt_mix64(x) ^ AGC_FB_SALT) < thr;
}

/* A minimizer seen between two consecutive splitters s1 -> s2 of a scanned
 * contig (s1 = ~0 before the first), dir = it reads canonically there. */
typedef struct agc_fbrec {
    uint64_t s1, s2, kmer;
    uint8_t dir;
} agc_fbrec;

typedef RT_VEC(uint64_t) agc_u64vec;
typedef RT_VEC(agc_fbrec) agc_fbvec;

typedef struct agc_split_out {
    uint64_t *spl;          /* sorted, unique */
    size_t nspl;
    agc_fbvec fb;           /* fallback records (only with fb_thr) */
    uint64_t *singles;      /* with keep_kmers: sorted reference singletons */
    size_t nsingles;
    uint64_t *dups;         /* and the sorted distinct repeated k-mers */
    size_t ndups;
} agc_split_out;

/*
 * Splitters of a reference made of nctg contigs into *out (all arrays owned;
 * release with agc_split_out_free). pool may be NULL (everything on the
 * caller's thread); with a pool the k-mer enumeration and the per-contig
 * scans run in parallel and the result is the same. fb_thr != 0 also
 * collects fallback records; keep_kmers keeps the k-mer lists adaptive mode
 * needs. Errors: RT_ENOMEM.
 */
int agc_splitters_find(const agc_seqref *ctg, size_t nctg, uint32_t k, uint32_t seg_size,
                       uint64_t fb_thr, int keep_kmers, rt_pool *pool, agc_split_out *out);
void agc_split_out_free(agc_split_out *out);

/* The spacing scan of one contig against sorted candidates cand[0..ncand):
 * splitters appended to *spl, fallback records to *fb (when fb_thr). */
int agc_splitters_scan(const uint8_t *s, size_t n, uint32_t k, uint32_t seg_size,
                       const uint64_t *cand, size_t ncand, uint64_t fb_thr, agc_u64vec *spl,
                       agc_fbvec *fb);

#endif /* KINDRED_AGC_SPLITTER_H */
