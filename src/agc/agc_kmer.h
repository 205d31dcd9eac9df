/*
 * agc_kmer: canonical k-mers of nucleotide codes, as the AGC format stores
 * them in `splitters` and `segment-splitters`.
 *
 * A k-mer of symbols 0..3 is kept right-aligned while rolling (dir) together
 * with its reverse complement (rc); the value the format uses is
 * left-aligned in a u64, first symbol in bits 63..62:
 *
 *   bit 63                                         bit 0
 *   | s0 | s1 | ... | s(k-1) | 0 0 ... 0 (64-2k zero bits) |
 *
 * canonical = min(dir, rc) as unsigned; "dir-oriented" means dir <= rc.
 * Any code >= 4 resets the k-mer. A canonical k-mer is never ~0, so ~0
 * serves as "no k-mer" everywhere in the writer.
 */
#ifndef KINDRED_AGC_KMER_H
#define KINDRED_AGC_KMER_H

#include <stddef.h>
#include <stdint.h>

#define AGC_KMER_NONE (~(uint64_t)0)

typedef struct agc_kmer {
    uint64_t dir, rc;   /* right-aligned 2-bit codes */
    uint64_t mask;      /* low 2k bits */
    uint32_t k, n;      /* n = symbols held (<= k) */
    uint32_t shift;     /* 64 - 2k: right-aligned -> left-aligned */
} agc_kmer;

static inline void agc_kmer_init(agc_kmer *km, uint32_t k)
{
    km->k = k;
    km->n = 0;
    km->dir = km->rc = 0;
    km->mask = k >= 32 ? ~(uint64_t)0 : (((uint64_t)1 << (2 * k)) - 1);
    km->shift = 64 - 2 * k;
}

static inline void agc_kmer_reset(agc_kmer *km)
{
    km->n = 0;
    km->dir = km->rc = 0;
}

/* Append one symbol c < 4; returns 1 when the k-mer is full. */
static inline int agc_kmer_push(agc_kmer *km, unsigned c)
{
    km->dir = ((km->dir << 2) | c) & km->mask;
    km->rc = (km->rc >> 2) | ((uint64_t)(3 - c) << (2 * km->k - 2));
    if (km->n < km->k)
        km->n++;
    return km->n == km->k;
}

static inline uint64_t agc_kmer_canon(const agc_kmer *km)
{
    uint64_t d = km->dir << km->shift, r = km->rc << km->shift;
    return d < r ? d : r;
}

static inline int agc_kmer_is_dir(const agc_kmer *km)
{
    return km->dir <= km->rc;
}

/* Orientation bits: bit 0 = dir <= rc (reads canonically as is), bit 1 =
 * rc <= dir (canonical when read from the other strand); both for a
 * palindrome. */
static inline unsigned agc_kmer_orient(const agc_kmer *km)
{
    return (unsigned)(km->dir <= km->rc) | ((unsigned)(km->rc <= km->dir) << 1);
}

/* Canonical k-mers of every full window of s (codes; >= 4 resets) appended
 * to out[] (capacity at least n); returns how many were written. */
size_t agc_kmer_enumerate(const uint8_t *s, size_t n, uint32_t k, uint64_t *out);

/* The same for the windows ending in [from, to) only (scanning starts k-1
 * symbols earlier), so a long contig can be enumerated in parallel chunks. */
size_t agc_kmer_enumerate_range(const uint8_t *s, size_t n, size_t from, size_t to, uint32_t k,
                                uint64_t *out);

/* Sort ascending (LSD radix, 11 bits per pass); tmp holds n values.
 * Allocation-free and stable. */
void agc_kmer_sort(uint64_t *v, uint64_t *tmp, size_t n);

/* Keep only values that occur exactly once in sorted v; returns the new
 * length (in place, order kept). */
size_t agc_kmer_singletons(uint64_t *v, size_t n);

/* 1 when x occurs in sorted v[0..n). */
int agc_kmer_bsearch(const uint64_t *v, size_t n, uint64_t x);

#endif /* KINDRED_AGC_KMER_H */
