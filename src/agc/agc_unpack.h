/*
 * agc_unpack: turning segment descriptors into nucleotide codes, with a
 * per-thread cache of decoded group references and delta/raw packs.
 *
 *   group g >= 16 (LZ):  xb64(g)r part 0 = reference (in_group 0)
 *                        xb64(g)d part (id-1)/pack, entry (id-1)%pack = delta
 *   group g <  16 (raw): xb64(g)d part id/pack, entry id%pack = the codes
 *   pack (decompressed): e0 FF e1 FF ... e(n-1) FF
 *   stored part:         meta 0 -> payload as is; else zstd frame | marker
 *                        (marker 1 on references: tuple-packed frame)
 *
 *   contig = seg0 | seg1[k:] | seg2[k:] | ...   (segments overlap by k)
 *
 * Formats 1.x and 2.x name the streams seg-<g>-ref / seg-<g>-delta (g in
 * decimal) with the same parts; format 1.x deltas use LZ-diff version 1.
 *
 * Cache: decoded parts keyed by (group, part, kind) in an agc_cache, which
 * readers on several threads may share; decoded LZ segments in a small
 * private direct-mapped table. Batch range queries on one archive thus
 * decompress each touched part once.
 * Thread safety: one agc_unpack per thread; the archive and the shared
 * cache are shared.
 */
#ifndef KINDRED_AGC_UNPACK_H
#define KINDRED_AGC_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "agc/agc_archive.h"
#include "agc/agc_cache.h"
#include "agc/agc_coll.h"
#include "agc/agc_meta.h"

typedef struct agc_unpack agc_unpack;

/* Decoded parts go to `shared` (borrowed, may serve several unpackers on
 * other threads), or with shared NULL to a private cache of cache_bytes
 * (0 picks 64 MiB). Borrowed ar and p must outlive the unpacker. */
int agc_unpack_create(agc_unpack **out, const agc_archive *ar, const agc_params *p,
                      agc_cache *shared, size_t cache_bytes);
void agc_unpack_free(agc_unpack *u);   /* NULL ok */

/* Codes of one segment, already reverse-complemented when sg->rc is set;
 * borrowed, valid until the next call on u. RT_EFORMAT on anything corrupt,
 * including a decoded length other than sg->raw_len. */
int agc_unpack_segment(agc_unpack *u, const agc_seg *sg, const uint8_t **seq, size_t *len);

/* Codes of contig positions [from, to) into out (to - from bytes);
 * RT_ERANGE unless from <= to <= c->len. */
int agc_unpack_range(agc_unpack *u, const agc_ctg *c, uint64_t from, uint64_t to, uint8_t *out);

/* Letters of contig positions [from, to) into out, in lines of `line`
 * letters: *col is the column the first letter lands in (in/out), and a
 * '\n' follows every letter that fills a line; the caller ends a last
 * partial line. line 0 writes no newline. out holds (to - from) +
 * (to - from) / line + 1 bytes; *out_len receives the bytes written.
 * Errors as agc_unpack_range (RT_ERANGE also for *col >= line). */
int agc_unpack_range_lines(agc_unpack *u, const agc_ctg *c, uint64_t from, uint64_t to,
                           uint64_t line, uint64_t *col, uint8_t *out, size_t *out_len);

/* The first boundary between segments of c after position pos (the
 * contig length when none): ranges cut there share no segment. */
uint64_t agc_unpack_next_cut(const agc_params *p, const agc_ctg *c, uint64_t pos);

/* Cache statistics since creation (for tests and benchmarks). */
void agc_unpack_stats(const agc_unpack *u, uint64_t *hits, uint64_t *misses);

#endif /* KINDRED_AGC_UNPACK_H */
