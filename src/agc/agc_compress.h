/*
 * agc_compress: `create` of an AGC 3.0 archive from FASTA files.
 *
 * Pipeline (docs/agc-create.md has the full picture):
 *
 *   reference file --> splitters (parallel k-mer scan, sort, spacing)
 *   every input --> rounds of contigs (one sample, or `pack` contigs in -c)
 *     A  parallel: splitter hits per 1 Mbp chunk, then every segment
 *        classified against the groups frozen at the start of the round
 *     B  sequential: sort, number new groups, spread raw segments
 *     C  parallel per group: reference / LZ-diff / packs / zstd; the hit
 *        scan of the next input is queued behind it while the owner reads
 *        the input after that
 *     D  sequential: parts to the file in group order, collection rows
 *   close: partial packs (parallel), params, splitters, collection, footer
 *
 * The archive bytes depend only on the inputs and options, never on the
 * thread count: every parallel step writes only its own slot and every
 * order-dependent step is sequential.
 */
#ifndef KINDRED_AGC_COMPRESS_H
#define KINDRED_AGC_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "kindred/rt.h"

typedef struct agc_create_opts {
    uint32_t k;          /* k-mer length, 17..32 (31) */
    uint32_t seg_size;   /* segment size (60000) */
    uint32_t mml;        /* LZ min match length, 15..32 (20) */
    uint32_t pack;       /* pack cardinality / batch size (50) */
    int concat;          /* -c: every contig is its own sample */
    int pansn;           /* split inputs into samples by "sample#hap#" */
    int adaptive;        /* -a: new splitters for contigs that have none */
    double fallback;     /* -f: fallback minimizer fraction, 0..0.05 (0 = off) */
    int threads;         /* >= 1 */
    const rt_logger *lg; /* borrowed; NULL = silent */
    /* Optional, parallel to the inputs of agc_create: a non-NULL names[i]
     * makes the whole of inputs[i] one sample of that name, whatever the
     * file is called and whatever the mode (append re-feeds decoded samples
     * this way). Borrowed. */
    const char *const *names;
    /* Optional: k-mers added to the splitters found in the reference
     * (append passes the stored `splitters`, which also hold splitters of
     * adaptive mode and, with -c, of a reference file of several samples).
     * Sorted or not, duplicates allowed. Borrowed. */
    const uint64_t *extra_splitters;
    size_t n_extra_splitters;
} agc_create_opts;

void agc_create_opts_default(agc_create_opts *o);

/* Sample name of a FASTA path: the file name without directories, its last
 * extension removed, then any of .fna .gz .fa .fasta stripped repeatedly
 * while the name stays non-empty. Writes into dst (cap bytes). */
void agc_sample_name(const char *path, char *dst, size_t cap);

/*
 * Write an archive of inputs[0..n) (inputs[0] is the reference and sample 0)
 * to out_path (NULL or "-" = stdout). Errors are logged through o->lg once,
 * with the file and record concerned, and returned: RT_EIO, RT_EFORMAT
 * (unreadable FASTA), RT_EEXIST (duplicate sample or contig name),
 * RT_EINVAL (bad options, --pansn header without two '#'), RT_ENOMEM,
 * RT_EPIPE. On failure a partly written regular output file is removed.
 */
int agc_create(const agc_create_opts *o, const char *const *inputs, size_t n,
               const char *out_path);

#endif /* KINDRED_AGC_COMPRESS_H */
