/*
 * agc_fasta: FASTA records as nucleotide codes, for the archive writer.
 * Input is whatever rt_in reads (plain, gzip, bgzip, "-" for stdin).
 *
 *   >name with description\r\n     header: bytes after '>' up to the first
 *   ACGTacgtNNRY...\n               CR/LF, kept verbatim
 *   acgt\n                          body: every line up to the next line that
 *   >next ...                       starts with '>'
 *
 * Body bytes < 64 (newlines, digits, '-', '*', '.', spaces) are dropped;
 * letters are case-insensitive; A C G T N and the IUPAC codes map to codes
 * 0..15; every other byte >= 64 becomes N (code 4) and is counted, because
 * the reference tool cannot read other codes back from a delta. A record
 * with an empty body is an empty contig (it does not end the file, as it
 * does in the reference tool). Text before the first header other than
 * blank lines is a format error. Not thread-safe.
 */
#ifndef KINDRED_AGC_FASTA_H
#define KINDRED_AGC_FASTA_H

#include <stddef.h>
#include <stdint.h>

#include "kindred/rt.h"

typedef struct agc_fasta agc_fasta;

typedef struct agc_fa_rec {
    char *name;      /* NUL-terminated header; owned by the caller (rt_free) */
    uint8_t *seq;    /* codes; owned by the caller (rt_free); may be NULL if len 0 */
    size_t len;
} agc_fa_rec;

/* Open path ("-" = stdin). Errors: RT_EIO, RT_ENOMEM. Close with
 * agc_fasta_close. */
int agc_fasta_open(agc_fasta **out, const char *path);

/* Next record into *rec (ownership of its buffers passes to the caller), or
 * *eof = 1. Errors: RT_EFORMAT (text before the first header, corrupt
 * gzip), RT_EIO, RT_ENOMEM. */
int agc_fasta_next(agc_fasta *f, agc_fa_rec *rec, int *eof);

/* Letters replaced by N so far. */
uint64_t agc_fasta_nbad(const agc_fasta *f);

/* Convert ASCII sequence text to codes with the rules above: returns the
 * number of codes written to dst (capacity >= n); *nbad += replaced. */
size_t agc_fasta_convert(const uint8_t *src, size_t n, uint8_t *dst, uint64_t *nbad);

void agc_fasta_close(agc_fasta *f);   /* NULL ok */

#endif /* KINDRED_AGC_FASTA_H */
