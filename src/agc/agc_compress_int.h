/*
 * agc_compress internals shared by agc_compress*.c.
 *
 * Group table and the two indexes over it (changed only in the sequential
 * registration step, read by any number of workers otherwise):
 *
 *   pmap: (k1,k2) -> group id        open addressing, linear probing
 *   terms: k -> sorted other ends of every group (k, x) / (x, k) with both
 *          ends defined (the candidates of one-splitter and middle search)
 *
 *   groups[g]: k1 k2 | ref + LZ index (g >= 16) | current pack:
 *              pack bytes  e0 FF e1 FF ...   ent[] = start of each entry
 *
 * A round's contigs own their items (one per stored segment); items point
 * either into the contig's codes or into the classifying worker's arena.
 */
#ifndef KINDRED_AGC_COMPRESS_INT_H
#define KINDRED_AGC_COMPRESS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "agc/agc_archive_w.h"
#include "agc/agc_collw.h"
#include "agc/agc_compress.h"
#include "agc/agc_lzenc.h"
#include "agc/agc_segment.h"
#include "agc/agc_splitter.h"
#include "agc/agc_zpack.h"
#include "kindred/rt.h"

#define CG_RAW 16u          /* groups 0..15 hold raw segments */
#define CG_NONE 0xFFFFFFFFu /* "no group" */

typedef struct cg_part {    /* a part produced by a worker, written later */
    uint8_t *data;
    size_t n;
    uint64_t meta;
    int is_ref;
} cg_part;

typedef struct cgroup {
    uint64_t k1, k2;
    uint32_t sid_r, sid_d;  /* stream ids */
    int has_ref;
    uint32_t ref_len;
    agc_lzref lz;           /* owns the reference copy */
    uint32_t no_seqs;       /* entries so far incl. reference / dummy */
    rt_buf pack;
    RT_VEC(uint32_t) ent;
    RT_VEC(uint32_t) todo;  /* this round's item indices (into round items) */
    RT_VEC(cg_part) out;    /* parts produced this round */
} cgroup;

typedef struct pm_slot {
    uint64_t k1, k2;
    uint32_t gid;           /* CG_NONE = empty */
} pm_slot;

typedef struct pmap {
    pm_slot *s;
    size_t mask, n;
} pmap;

typedef RT_VEC(uint64_t) u64vec;

typedef struct tmap {       /* terminators */
    rt_hmap idx;            /* k -> index into lists */
    RT_VEC(u64vec) lists;
} tmap;

typedef struct fbpair {     /* an oriented splitter pair */
    uint64_t a, b;
} fbpair;

typedef RT_VEC(fbpair) fbpvec;

typedef struct fbmap {      /* fallback minimizer -> oriented pairs */
    rt_hmap idx;
    RT_VEC(fbpvec) lists;
} fbmap;

typedef struct fbcand {     /* scratch of the fallback search */
    uint64_t a, b, kmer;
} fbcand;

typedef struct citem {
    const uint8_t *data;
    uint32_t len;
    uint32_t part;          /* seg_part_no within the contig */
    uint32_t ctg;           /* contig index within the round */
    uint32_t gid;           /* CG_NONE until known */
    uint64_t k1, k2;
    uint32_t in_group;
    uint8_t rc;
} citem;

typedef struct cctg {
    char *name;
    uint8_t *seq;
    size_t len;
    uint32_t sample;        /* index into the sample table */
    citem *items;
    uint32_t nitems, nparts;
    uint32_t chunk0, nchunks;   /* its hit-scan chunks */
    uint32_t seg0, nsegs;       /* its segments */
} cctg;

typedef struct cseg {       /* one segment and the 1-2 items it becomes */
    uint32_t ctg;
    agc_segpos pos;
    citem it[2];
    uint8_t nit;
} cseg;

typedef struct cchunk {     /* a window of a contig scanned for splitters */
    uint32_t ctg;
    size_t from, to;
    agc_hit_vec hits;
} cchunk;

typedef RT_VEC(cctg) cctg_vec;
typedef RT_VEC(cchunk) cchunk_vec;

typedef struct cworker {
    rt_arena arena;         /* rc copies of this round's segments */
    agc_segpos_vec segs;
    RT_VEC(uint32_t) c1, c2;
    rt_buf delta, tmp;
    RT_VEC(fbcand) fbc;
    RT_VEC(fbcand) fbp;     /* pruned: a, b, count in kmer */
    agc_u64vec nspl;        /* adaptive: new splitters found by this worker */
    agc_fbvec nfb;          /* and their fallback records */
    ZSTD_CCtx *cctx;
    agc_zpack *zp;          /* delta packs */
    int err;
} cworker;

typedef struct csample {
    char *name;
    RT_VEC(agc_cw_contig) contigs;   /* names and segs owned */
} csample;

typedef struct cstate {
    agc_create_opts o;
    rt_pool *pool;
    int nw;
    cworker *w;
    agc_sset splitters;
    agc_split_out ref;      /* splitters (+ k-mer lists in adaptive mode) */
    uint64_t fb_thr;        /* 0 = no fallback */
    fbmap fb;
    agc_fbvec fb_pending;   /* records applied after the current round */
    pmap map;
    tmap terms;
    RT_VEC(cgroup *) groups;
    /* the current round */
    cctg_vec round;
    RT_VEC(citem *) all;    /* flattened items, for todo indices */
    cchunk_vec chunks;
    int scanned;            /* chunks already hold the round's hits */
    RT_VEC(cseg) segs;
    /* the next round, scanned ahead while the current one compresses */
    cctg_vec next;
    cchunk_vec next_chunks;
    /* samples */
    RT_VEC(csample) samples;
    size_t batch_done;      /* samples already serialised */
    rt_smap sample_names;
    agc_arw *ar;
    uint32_t sid_samples, sid_contigs, sid_details;
    ZSTD_CCtx *cctx;        /* owner thread */
    uint64_t nbad;
    uint64_t ns_phase[4];   /* wall time in A, B, C (+reading), D; for -v 2 */
    uint64_t t_start;
    const char *const *inputs;  /* borrowed, for o.names */
    size_t ninputs;
} cstate;

/* pair map */
int cs_pmap_init(pmap *m);
void cs_pmap_free(pmap *m);
uint32_t cs_pmap_get(const pmap *m, uint64_t k1, uint64_t k2);
int cs_pmap_put(pmap *m, uint64_t k1, uint64_t k2, uint32_t gid);
/* terminators */
void cs_terms_init(tmap *t);
void cs_terms_free(tmap *t);
const u64vec *cs_terms_get(const tmap *t, uint64_t k);
int cs_terms_add(tmap *t, uint64_t k, uint64_t other);

/* fallback map */
void cs_fb_init(fbmap *m);
void cs_fb_free(fbmap *m);
int cs_fb_add(fbmap *m, const agc_fbrec *r);
const fbpvec *cs_fb_get(const fbmap *m, uint64_t kmer);

/* Work the owner thread does while the pool compresses a round's groups
 * (reading the next input). */
typedef struct cs_idle {
    void (*fn)(void *ctx);
    void *ctx;
} cs_idle;

/* Run the current round (phases A-D and the collection rows), then free
 * its contigs. idle may be NULL. */
int cs_run_round(cstate *s, const cs_idle *idle);
void cs_free_round(cstate *s);
/* Submit the splitter scan (A1) of s->next to the pool without waiting; the
 * caller's next pool wait completes it. *jobs (owned, rt_free) must live
 * until then. */
int cs_scan_ahead(cstate *s, void **jobs);
/* Make s->next the current round (its A1 already done). */
void cs_advance_round(cstate *s);

/* Phase A: classify one segment of the round (runs on a worker). */
int cs_classify_seg(cstate *s, cworker *w, cseg *sg);

/* Raw groups 0..15 with their placeholder entries, and (~0,~0) -> 0. */
int cs_init_groups(cstate *s);
/* Phases B-D for the current round. */
int cs_register(cstate *s);
/* idle (may be NULL) runs on the owner thread while the workers compress. */
int cs_store_groups(cstate *s, void (*idle)(void *ctx), void *ctx);
/* Close: flush partial packs of every group (parallel), write them. */
int cs_finish_groups(cstate *s);
/* Write parts produced by workers, in group order (owner thread). */
int cs_write_group_parts(cstate *s, uint32_t gid);

#endif /* KINDRED_AGC_COMPRESS_INT_H */
