/*
 * agc_segment: cutting one contig into segments at splitter occurrences.
 *
 * Every occurrence of a splitter ends the current segment (inclusive) and
 * starts the next one at the splitter's first symbol, so neighbours share
 * exactly k symbols; the k-mer is reset after a hit, so occurrences never
 * overlap:
 *
 *   contig   ....[ splitter A ].........[ splitter B ]......
 *   seg i    ----------------->|                              back = A
 *   seg i+1                 |<-A------------------B->|        front A, back B
 *   seg i+2                                       |<-B------> front B, no back
 *
 * A contig without splitters is one segment with neither end; an empty
 * contig has none. The last segment has no back splitter.
 */
#ifndef KINDRED_AGC_SEGMENT_H
#define KINDRED_AGC_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "agc/agc_splitter.h"

typedef struct agc_segpos {
    size_t start, len;     /* symbols contig[start .. start+len) */
    uint64_t front, back;  /* canonical splitters, AGC_KMER_NONE if absent */
    uint8_t front_dir;     /* agc_kmer_orient() bits of the front k-mer */
    uint8_t back_dir;      /* and of the back k-mer */
} agc_segpos;

typedef RT_VEC(agc_segpos) agc_segpos_vec;

/* A window of the contig whose canonical k-mer is a splitter, ending at pos
 * (inclusive). */
typedef struct agc_hit {
    size_t pos;
    uint64_t kmer;
    uint8_t orient;        /* agc_kmer_orient() bits */
} agc_hit;

typedef RT_VEC(agc_hit) agc_hit_vec;

/* Every window ending in [from, to) whose k-mer (no symbol >= 4 in it) is a
 * splitter, appended to *out in order. Chunks of one contig can be scanned
 * in parallel: the result does not depend on where a chunk starts. */
int agc_segment_hits(const uint8_t *s, size_t n, size_t from, size_t to, uint32_t k,
                     const agc_sset *splitters, agc_hit_vec *out);

/* Segments from all hits of a contig (in order): a hit closer than k to the
 * previous accepted one is skipped, as the sequential scan resets its k-mer
 * after each splitter. Appends to *out (cleared first). */
int agc_segment_build(const agc_hit *h, size_t nh, size_t n, uint32_t k, agc_segpos_vec *out);

/* Append the segments of s[0..n) to *out (cleared first). RT_ENOMEM. */
int agc_segment_contig(const uint8_t *s, size_t n, uint32_t k, const agc_sset *splitters,
                       agc_segpos_vec *out);

#endif /* KINDRED_AGC_SEGMENT_H */
