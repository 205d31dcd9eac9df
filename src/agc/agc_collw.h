/*
 * agc_collw: serialising the collection metadata of a v3 archive (format
 * spec 3): the sample list, and per batch of `pack` samples the contig names
 * and the segment details. Payloads are built raw here; the caller
 * compresses them (zstd 19 / 18) except the details, whose sub-container
 * this module assembles:
 *
 *   collection-details part:
 *   | cv(raw0) cv(packed0) ... cv(raw4) cv(packed4) | zstd0 | ... | zstd4 |
 *
 *   0: cv(n_samples) { cv(n_contigs) { cv(n_segments) } }   (the shape)
 *   1: group ids   2: in-group ids (predicted)   3: zz2(raw_len, s+k)   4: rc
 *
 * Contig names are delta-coded against the previous name of the same sample
 * by space-separated components (0x81 = same component, bytes >= 0x80 =
 * copy-runs). Pure functions; thread-safe.
 */
#ifndef KINDRED_AGC_COLLW_H
#define KINDRED_AGC_COLLW_H

#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "kindred/rt.h"

/* Where one segment of a contig is stored. */
typedef struct agc_segdesc {
    uint32_t group;
    uint32_t in_group;
    uint32_t raw_len;
    uint32_t rc;
} agc_segdesc;

typedef struct agc_cw_contig {
    const char *name;          /* full header, borrowed */
    const agc_segdesc *segs;   /* borrowed */
    uint32_t nseg;
} agc_cw_contig;

typedef struct agc_cw_sample {
    const char *name;
    const agc_cw_contig *contigs;
    uint32_t ncontigs;
} agc_cw_sample;

/* Raw `collection-samples` payload: cv(n) name\0 ... RT_ENOMEM. */
int agc_collw_samples(const char *const *names, size_t n, rt_buf *raw);

/* Raw `collection-contigs` payload of one batch (appended to raw). */
int agc_collw_contigs(const agc_cw_sample *s, size_t n, rt_buf *raw);

/* One contig name delta-coded against prev (NULL = first of its sample),
 * appended to out without the terminating NUL. */
int agc_collw_name(const char *prev, const char *cur, rt_buf *out);

/* The complete `collection-details` part of one batch, into out (cleared).
 * pred = segment_size + k; ngroups bounds every group id. cctx is a
 * caller's compression context (reused). RT_ENOMEM, RT_EFORMAT when zstd
 * fails. */
int agc_collw_details(const agc_cw_sample *s, size_t n, uint32_t pred, uint32_t ngroups,
                      ZSTD_CCtx *cctx, rt_buf *out);

/* zstd of src at level into out (cleared). RT_ENOMEM, RT_EFORMAT. */
int agc_zstd_into(ZSTD_CCtx *cctx, const void *src, size_t n, int level, rt_buf *out);

#endif /* KINDRED_AGC_COLLW_H */
