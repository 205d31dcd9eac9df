/*
 * agc_coll_int: the collection's private state, shared by the format 3
 * decoder (agc_coll.c) and the format 1/2 decoders (agc_coll_v12.c).
 *
 * Format 3 keeps everything per batch of `pack` samples:
 *
 *   batches[b] -> { samples[], ctgs[], segs[], names }      (b = i / pack)
 *
 * Formats 1 and 2 store all names in one stream read at open; their views
 * live in whole-collection arrays, and only v2's segment lists come in
 * batches (of details_batch_size samples, 5 x pack when written):
 *
 *   osamples[i] --ctgs--> octgs[ctg_first[i] ..] --segs--> batch segs[]
 *   blob: the decompressed name stream itself; every name and command line
 *         points into it (NUL-terminated in place)
 */
#ifndef KINDRED_AGC_COLL_INT_H
#define KINDRED_AGC_COLL_INT_H

#include "agc/agc_coll.h"

typedef struct coll_batch {
    agc_sample *samples;     /* v3 only */
    agc_ctg *ctgs;           /* v3 only */
    agc_seg *segs;
    char *names;             /* v3 only */
} coll_batch;

struct agc_coll {
    const agc_archive *ar;
    agc_params prm;
    uint32_t max_groups;
    uint32_t nsamples;
    char **snames;           /* point into sblob (v3) or blob (v1/v2) */
    char *sblob;
    uint32_t *sorted;
    coll_batch **batches;    /* lazily filled, nbatches entries */
    uint32_t nbatches;
    uint32_t bsize;          /* samples per batch */
    long s_contigs, s_details;
    ZSTD_DCtx *dctx;
    /* formats 1 and 2 */
    uint8_t *blob;
    size_t blob_len;
    agc_sample *osamples;
    agc_ctg *octgs;
    size_t *ctg_first;       /* nsamples + 1 entries */
    const char **cmds;       /* ncmd pairs (command, date) */
    uint32_t ncmd;
};

/* Decode collection-desc (v1) or collection-main (v2) into c, which holds
 * ar, prm, max_groups and dctx already. */
int agc_coll_v12_open(agc_coll *c);
/* Load v2 details batch b (v1 has everything loaded at open). */
int agc_coll_v12_batch(agc_coll *c, uint32_t b);

/* Shared helpers of agc_coll.c. */
size_t agc_coll_short_len(const char *s);
int agc_coll_sort_names(agc_coll *c);
void agc_coll_batch_free(coll_batch *b);

#endif /* KINDRED_AGC_COLL_INT_H */
