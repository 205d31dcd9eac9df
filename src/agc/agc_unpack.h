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
 * Cache: entries keyed by (kind, group, part), evicted least recently used
 * once their bytes exceed the budget; batch range queries on one archive thus
 * decompress each touched pack once.
 * Thread safety: one agc_unpack per thread; the archive it reads is shared.
 */
#ifndef KINDRED_AGC_UNPACK_H
#define KINDRED_AGC_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "agc/agc_archive.h"
#include "agc/agc_coll.h"
#include "agc/agc_meta.h"

typedef struct agc_unpack agc_unpack;

/* cache_bytes 0 picks 64 MiB. Borrowed ar and p must outlive the unpacker. */
int agc_unpack_create(agc_unpack **out, const agc_archive *ar, const agc_params *p,
                      size_t cache_bytes);
void agc_unpack_free(agc_unpack *u);   /* NULL ok */

/* Codes of one segment, already reverse-complemented when sg->rc is set;
 * borrowed, valid until the next call on u. RT_EFORMAT on anything corrupt,
 * including a decoded length other than sg->raw_len. */
int agc_unpack_segment(agc_unpack *u, const agc_seg *sg, const uint8_t **seq, size_t *len);

/* Codes of contig positions [from, to) into out (to - from bytes);
 * RT_ERANGE unless from <= to <= c->len. */
int agc_unpack_range(agc_unpack *u, const agc_ctg *c, uint64_t from, uint64_t to, uint8_t *out);

/* Cache statistics since creation (for tests and benchmarks). */
void agc_unpack_stats(const agc_unpack *u, uint64_t *hits, uint64_t *misses);

#endif /* KINDRED_AGC_UNPACK_H */
