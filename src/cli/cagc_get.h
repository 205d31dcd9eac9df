/* The extraction pipeline shared by getset, getctg and getcol.
 *
 *   owner: plan records -> split into chunks -> rt_pipe_submit
 *   pool:  header + sequence lines, decoded straight into the job's buffer
 *          (per-worker reader clone) -> gzip
 *   owner: consume in submission order: one write per job -> rt_out
 *          (stdout, -o, or per-sample)
 *
 * A record longer than a chunk (~1 MiB) is split at the first end of a
 * stored segment after it, so chunks decode disjoint segments; a chunk
 * starts in the line column where the previous one stopped. Memory stays
 * bounded by threads x chunk size (4 chunks at most when one segment is
 * that long) whatever the contig lengths and however slow the reader of
 * the output is. */
#ifndef KINDRED_CAGC_GET_H
#define KINDRED_CAGC_GET_H

#include <stdint.h>

#include "cli/cagc_opt.h"

typedef struct cagc_rec {
    uint32_t sample, ctg;
    uint64_t from, to;        /* half-open, already clipped to the contig */
    const char *range;        /* ":a-b" suffix for the header, or NULL */
    int file;                 /* index into the output paths (getcol -o DIR) */
} cagc_rec;

typedef struct cagc_emit cagc_emit;

/* paths: one output per file index, NULL = the single output of -o/stdout. */
int cagc_emit_open(cagc_emit **out, agc_reader *r, const cagc_opts *o, char **paths,
                   int npaths);
/* Queue one record (the header is built here). */
int cagc_emit_rec(cagc_emit *e, const cagc_rec *rec);
/* Finish, close outputs; returns the first error (0 on success). */
int cagc_emit_close(cagc_emit *e);

#endif /* KINDRED_CAGC_GET_H */
