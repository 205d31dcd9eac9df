/*
 * agc_zpack: the zstd frame of one delta pack.
 *
 * A delta pack is LZ-diff text: short edit records (numbers, separators,
 * a few literal letters) and, where a sample holds sequence its group's
 * reference lacks, long runs of literal letters. zstd's optimal parser
 * spends most of its time on those runs, reading every letter of what is
 * mostly new sequence, and finds only the long repeats there (the same
 * stretch in another sample of the pack). So the frame is cut into blocks
 * at the edges of every literal run of ZP_RUN_MIN letters or more:
 *
 *   pack:   | records .. | run (>= 2 kb letters) | records ...... | run | ..
 *   blocks: | zstd's own | ours                  | zstd's own     | ours| ..
 *            optimal parse  hash of 16 letters,   (split further at 128 kb)
 *                           last two offsets
 *
 * A block that is almost all letters gets its matches from a small matcher
 * of our own (a 4-way hash of 16-byte strings over the letters of the pack
 * so far, plus the last two offsets, which carry a copy across an SNP);
 * every other block falls back to zstd's parser at the pack's level. The
 * result is one ordinary zstd frame: any zstd decoder reads it, the
 * reference tool included.
 *
 * The packs of the raw groups (0-15: contigs too short for a splitter
 * pair) hold nucleotide codes, not letters: there the runs are the codes
 * 0..15, and a pack is nearly all run. On one such pack of a benchmark
 * set (1 MB, mostly new sequence) zstd's parser took 0.42 s for 254,061
 * bytes; the matcher takes 0.04 s for 230,933.
 *
 * Against plain level 17 on the packs of a 100-genome benchmark set this
 * made the packs 7% smaller (each block's literals get their own Huffman
 * table, and a run is no longer mixed into the statistics of the records)
 * in about 40% less time.
 *
 * The matcher's table is stamped per pack, so what it finds depends only
 * on the pack: the output does not depend on which worker compressed what
 * before. One agc_zpack per thread; it is not safe to share.
 */
#ifndef KINDRED_AGC_ZPACK_H
#define KINDRED_AGC_ZPACK_H

#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "kindred/rt.h"

typedef struct agc_zpack agc_zpack;

/* NULL when out of memory. */
agc_zpack *agc_zpack_new(void);
void agc_zpack_free(agc_zpack *z);

/* What a pack holds: LZ-diff text (runs are literal letters 'A'..'U') or
 * raw segments (the packs of groups 0-15: nucleotide codes 0..15 between
 * separators, so nearly all of it is one run per segment). */
typedef enum { AGC_ZP_LZDIFF, AGC_ZP_CODES } agc_zp_text;

/* out = one zstd frame of src[0..n) at `level`, with the given minimum
 * match and target length when non-zero. cctx is reset before and after. */
int agc_zpack_compress(agc_zpack *z, ZSTD_CCtx *cctx, const uint8_t *src, size_t n,
                       int level, int min_match, int target_len, agc_zp_text text,
                       rt_buf *out);

/* Blocks of the last call that our matcher parsed (the rest were zstd's). */
size_t agc_zpack_own_blocks(const agc_zpack *z);

#endif
