/*
 * agc_lzenc: the LZ-diff v2 encoder of one group reference, and the two
 * cost models the writer uses to choose groups and split points
 * (format spec 6.2, 6.3).
 *
 * Index: the reference R is padded with KEY symbols 31 (never in data) so
 * forward matches stop at its end. Every 4th position i whose KEY symbols
 * are all ACGT is hashed (h = fmix64 of the 2-bit packed key) into a table
 * of u32 cells (when len/4 < 65535) or u64 cells, linear probing up to 64
 * cells from h & hmask. A cell holds i/4 in its low half and a tag, the top
 * bits of h, in its high half; all ones in the low half is an empty cell:
 *
 *   Rp:     [ R[0] ... R[len-1] | 31 x KEY ]
 *   table:  [ tag|i/4 | empty | tag|i/4 | ... ]   size: power of two, >= 8
 *   filter: [ u64 | u64 | ... ]   word (h >> 32) & wmask; bits h>>14, >>20, >>26
 *
 * Most lookups find nothing: a segment scored against the group of its
 * other half fails on every position of that half. The filter, a blocked
 * Bloom filter of 16 bits per indexed key (three bits in one word), answers
 * about 99 in 100 of those before the table is read; at 8 bits and two bits
 * a key one in twenty got through, and those lookups, each a cache miss in
 * a cold table, took half the search time that was left. The tag lets a
 * probe pass over cells of other keys without reading R. Which cells are
 * probed and which candidates survive is as without filter and tags (a
 * key's cells all carry its tag, and the filter never drops a present key),
 * so the output is the same, only sooner.
 *
 * Delta grammar: 'A'+c literal; '!' literal equal to R at pred; 0x1E n 0x04
 * N-run of n+4; [-]d[,l]. match at pred+d of length l+mml (to the end of R
 * when ",l" is omitted). An identical text encodes as the empty string.
 *
 * An agc_lzref is immutable once built: encode, estimate and costs may run
 * on any number of threads at once.
 */
#ifndef KINDRED_AGC_LZENC_H
#define KINDRED_AGC_LZENC_H

#include <stddef.h>
#include <stdint.h>

#include "kindred/rt.h"

typedef struct agc_lzref {
    uint8_t *rp;        /* R and its padding; owned */
    uint32_t len;       /* |R| */
    uint32_t mml, key;  /* key = mml - 3 */
    uint64_t key_mask;
    uint32_t *c32;      /* exactly one of c32/c64 is set */
    uint64_t *c64;
    uint64_t *filt;     /* Bloom words */
    uint64_t wmask;     /* words - 1 */
    uint64_t hmask;
} agc_lzref;

/* Copy R and build its index. mml in [15, 32]. Owned; free with
 * agc_lzref_free. RT_ENOMEM. */
int agc_lzref_init(agc_lzref *r, const uint8_t *ref, uint32_t len, uint32_t mml);
void agc_lzref_free(agc_lzref *r);

/* Delta of t[0..n) against r into *out (cleared first). RT_ENOMEM; RT_EINVAL
 * for an empty text against a non-empty reference, which the grammar cannot
 * express (the empty delta means "identical"). Segments are never empty. */
int agc_lz_encode(const agc_lzref *r, const uint8_t *t, uint32_t n, rt_buf *out);

/* Estimated delta size with the reference encoder's quirks (no rewinding
 * of backward extensions, no '!'); stops early once above bound and then
 * returns a value > bound. 0 for an identical text. */
uint32_t agc_lz_estimate(const agc_lzref *r, const uint8_t *t, uint32_t n, uint32_t bound);

/* Per-symbol cost of coding t against r: costs[0..n). A match or N-run
 * costs on its first symbol when prefix, else on its last. */
void agc_lz_costs(const agc_lzref *r, const uint8_t *t, uint32_t n, int prefix, uint32_t *costs);

#endif /* KINDRED_AGC_LZENC_H */
