/*
 * agc_meta: the fixed metadata streams of an archive (file_type_info,
 * params) and checked zstd decoding of parts, shared by the collection and
 * segment readers.
 *
 *   file_type_info: meta = pair count, payload "key\0value\0" x n
 *   params:         u32 LE k | mml | pack_cardinality | segment_size
 *                   (format 1.x stores only the first three)
 */
#ifndef KINDRED_AGC_META_H
#define KINDRED_AGC_META_H

#include <stddef.h>
#include <stdint.h>

#include <zstd.h>

#include "agc/agc_archive.h"

typedef struct agc_params {
    uint32_t version;        /* 1000 * major + minor, e.g. 3000 */
    uint32_t k;
    uint32_t mml;
    uint32_t pack;
    uint32_t segment_size;
} agc_params;

/* Read and validate file_type_info and params. RT_EFORMAT when either is
 * missing or malformed, RT_EUNSUPPORTED for versions >= 4.0. */
int agc_meta_read(const agc_archive *ar, agc_params *p);

/* Visit the file_type_info pairs in stored order (borrowed strings); stops
 * early when fn returns non-zero. */
int agc_meta_info_pairs(const agc_archive *ar,
                        int (*fn)(void *ctx, const char *key, const char *val), void *ctx);

/* Largest raw size a zstd frame of `csize` bytes can legitimately expand to;
 * untrusted sizes above it are rejected before any allocation. Fuzzing
 * builds (KINDRED_FUZZING) also cap it at 64 MiB to stay inside the fuzzer's
 * memory limit. */
uint64_t agc_zbound(size_t csize);

/* Before allocating `want` bytes for a frame: RT_EFORMAT when want exceeds
 * agc_zbound(srclen) or differs from the content size the frame declares. */
int agc_zprecheck(const void *src, size_t srclen, uint64_t want);

/* Decompress exactly one frame of src into dst, which must receive exactly
 * `want` bytes. RT_EFORMAT on any zstd error or size mismatch. */
int agc_zdec(ZSTD_DCtx *dctx, const void *src, size_t srclen, void *dst, size_t want);

/* A part whose metadata is its raw size and whose payload is a bare zstd
 * frame (collection streams). *buf is grown with rt_realloc as needed
 * (owned by the caller, even when this fails; *cap its capacity); *len receives the raw size. */
int agc_zpart_plain(const agc_archive *ar, long s, uint64_t part, ZSTD_DCtx *dctx,
                    uint8_t **buf, size_t *cap, size_t *len);

/* Grow *buf to hold at least n bytes (+1 spare). */
int agc_buf_grow(uint8_t **buf, size_t *cap, size_t n);

#endif /* KINDRED_AGC_META_H */
