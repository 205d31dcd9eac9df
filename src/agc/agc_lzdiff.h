/*
 * agc_lzdiff: decoding of LZ-diff deltas (a segment described against its
 * group's reference). The encoder is agc_lzenc.
 *
 * Byte grammar (numbers in decimal ASCII, no separators between tokens):
 *
 *   'A'+c            literal code c (0..20; 30 and 32 also accepted)  pred += 1
 *   '!'              literal ref[pred] (version 2 only)               pred += 1
 *   0x1E n 0x04      n + 4 codes N (4)                                pred unchanged
 *   [-]d ',' l '.'   copy l + mml codes from ref[pred + d]            pred = end of copy
 *   [-]d '.'         copy from ref[pred + d] to the end of ref (v2)   pred = len(ref)
 */
#ifndef KINDRED_AGC_LZDIFF_H
#define KINDRED_AGC_LZDIFF_H

#include <stddef.h>
#include <stdint.h>

/* Decode `delta` against `ref` into out (cap bytes). version 1 or 2 selects
 * the grammar. An empty delta yields the reference itself. Errors:
 * RT_EFORMAT for bad syntax, a copy outside the reference, or output longer
 * than cap. With out == NULL nothing is written and cap is ignored: *out_len
 * receives the length the delta decodes to, so callers can size (and check)
 * the output before allocating. Pure and thread-safe. */
int agc_lzd_decode(const uint8_t *ref, size_t rlen, const uint8_t *delta, size_t dlen,
                   uint32_t mml, int version, uint8_t *out, size_t cap, size_t *out_len);

#endif /* KINDRED_AGC_LZDIFF_H */
