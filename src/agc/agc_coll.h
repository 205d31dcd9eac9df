/*
 * agc_coll: the collection metadata of an archive, read side. Sample names
 * are read at open; each batch of `pack` consecutive samples (their contig
 * names and segment lists) is decoded on first use and kept. Formats 1.x and
 * 2.x (layouts in agc_coll_v12.c) are read through the same views.
 *
 *   collection-samples  cv(n) name\0 ...                       (one zstd part)
 *   collection-contigs  part b: cv(ns) per sample cv(nc) encname\0 ...
 *   collection-details  part b: 5 x (cv raw, cv packed) | 5 zstd frames:
 *        0 shape: cv(ns) per sample cv(nc) per contig cv(nseg)
 *        1 group ids   2 in-group ids (predicted)   3 raw lengths (zz2 vs
 *        segment_size + k)   4 reverse-complement flags
 *
 * In memory, one batch:
 *
 *   samples[i] --ctg0,nctg--> ctgs[j] --seg0,nseg--> segs[s] (group, id, len, rc)
 *
 * Thread safety: loading a batch mutates the collection; callers make sure
 * every batch they need is loaded (agc_coll_sample) before reading it from
 * several threads. Loaded batches never move until agc_coll_free.
 */
#ifndef KINDRED_AGC_COLL_H
#define KINDRED_AGC_COLL_H

#include <stddef.h>
#include <stdint.h>

#include <zstd.h>

#include "agc/agc_archive.h"
#include "agc/agc_meta.h"

typedef struct agc_seg {
    uint32_t group;
    uint32_t in_group;
    uint32_t raw_len;
    uint32_t rc;
} agc_seg;

typedef struct agc_ctg {
    const char *name;        /* full header, NUL-terminated */
    size_t short_len;        /* bytes up to the first space, tab, CR or LF */
    uint64_t len;            /* sum of raw lengths minus the k-base overlaps */
    const agc_seg *segs;
    uint32_t nseg;
} agc_ctg;

typedef struct agc_sample {
    const char *name;
    const agc_ctg *ctgs;
    uint32_t nctg;
} agc_sample;

typedef struct agc_coll agc_coll;

/* Reads collection-samples. max_groups bounds the group ids accepted later
 * (the number of streams is a safe bound). Owned; free with agc_coll_free. */
int agc_coll_open(agc_coll **out, const agc_archive *ar, const agc_params *p,
                  uint32_t max_groups);
void agc_coll_free(agc_coll *c);
uint32_t agc_coll_nsamples(const agc_coll *c);
const char *agc_coll_sample_name(const agc_coll *c, uint32_t i);
/* The i-th sample index in byte-wise sorted name order (listset). */
uint32_t agc_coll_sorted(const agc_coll *c, uint32_t i);
/* Index of a sample by exact name; *found = 0 when absent. */
void agc_coll_find_sample(const agc_coll *c, const char *name, uint32_t *idx, int *found);
/* The sample with its contigs, loading its batch if needed (borrowed view,
 * valid until agc_coll_free). RT_EFORMAT on a corrupt batch. */
int agc_coll_sample(agc_coll *c, uint32_t i, agc_sample *out);

/* Command lines stored by format 1.x/2.x writers (none in 3.x): pair i as
 * borrowed strings, valid until agc_coll_free; i < agc_coll_ncmd. */
uint32_t agc_coll_ncmd(const agc_coll *c);
void agc_coll_cmd(const agc_coll *c, uint32_t i, const char **cmd, const char **date);

/* Decode a contig-name stream of one sample (exposed for tests): the names
 * are delta-coded against the previous name by space-separated components. */
int agc_coll_name_decode(const char *prev, size_t prev_len, const uint8_t *enc, size_t enc_len,
                         char *out, size_t cap, size_t *out_len);

#endif /* KINDRED_AGC_COLL_H */
