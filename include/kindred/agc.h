/*
 * kindred agc: reading AGC (Assembled Genomes Compressor) archives, format
 * 3.x as written by the reference tool 3.x, and the older formats 1.x and
 * 2.x (AGC 1.x and 2.x).
 *
 * Conventions (as everywhere in kindred): functions return 0 or a negative
 * rt_status (kindred/rt.h); results leave through out-parameters; strings
 * returned as `const char *` are borrowed from the reader and stay valid
 * until the last reader sharing them is closed.
 *
 * Positions are 0-based and 64-bit. Ranges in this API are half-open
 * [from, to); the CLI converts the reference tool's inclusive ranges.
 *
 * Thread safety: one agc_reader is used by one thread at a time. For more
 * threads, give each its own agc_reader_clone(): clones share the memory
 * map, the collection metadata (loaded lazily under an internal lock) and
 * the cache of decoded parts (each part is decompressed once for all of
 * them); a clone owns only its decoder state, a few hundred bytes until it
 * decodes something. Any clone may be closed first; the shared state is
 * freed with the last one.
 *
 * Errors: RT_EIO (cannot open/map), RT_EFORMAT (corrupt or truncated
 * archive), RT_EUNSUPPORTED (format version), RT_ENOMEM, RT_ERANGE
 * (positions or indices out of range).
 */
#ifndef KINDRED_AGC_H
#define KINDRED_AGC_H

#include <stddef.h>
#include <stdint.h>

#include "kindred/rt.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct agc_reader agc_reader;

typedef struct agc_reader_info {
    uint32_t version;        /* 1000 * major + minor, 3000 for 3.0 */
    uint32_t k;              /* k-mer length (segment overlap) */
    uint32_t min_match_len;
    uint32_t pack;           /* pack cardinality ("batch size") */
    uint32_t segment_size;
    uint32_t n_samples;
} agc_reader_info;

/* Open a file (memory-mapped, nothing decompressed but the sample list).
 * Owned; close with agc_reader_close. */
int agc_reader_open(agc_reader **out, const char *path);
/* Open an archive held in memory; `data` is borrowed and must outlive every
 * reader sharing it. */
int agc_reader_open_mem(agc_reader **out, const uint8_t *data, size_t len);
/* A new reader sharing r's read-only state; see thread safety above. */
int agc_reader_clone(agc_reader **out, agc_reader *r);
/* Byte budget of the decoded-part cache shared by this reader and its
 * clones (default 256 MiB). Thread-safe. */
void agc_reader_set_cache(agc_reader *r, size_t bytes);
void agc_reader_close(agc_reader *r);   /* NULL ok */

void agc_reader_get_info(const agc_reader *r, agc_reader_info *out);
/* Visit the file_type_info key/value pairs in stored order. */
int agc_reader_file_info(const agc_reader *r,
                         int (*fn)(void *ctx, const char *key, const char *val), void *ctx);

/* Command lines stored in the archive (formats 1.x and 2.x; 3.x stores
 * none): fn receives each command and its date string (possibly empty),
 * borrowed, in stored order; stops early when fn returns non-zero. */
void agc_reader_cmd_lines(const agc_reader *r,
                          int (*fn)(void *ctx, const char *cmd, const char *date), void *ctx);

/* Samples in archive order; sample 0 is the reference. */
uint32_t agc_reader_n_samples(const agc_reader *r);
const char *agc_reader_sample_name(const agc_reader *r, uint32_t sample);
/* Name of the reference sample (sample 0); NULL for an empty archive. */
const char *agc_reader_ref_sample(const agc_reader *r);
/* The i-th sample index in byte-wise sorted name order. */
uint32_t agc_reader_sample_sorted(const agc_reader *r, uint32_t i);
/* *found = 0 when no sample has this exact name. */
void agc_reader_find_sample(const agc_reader *r, const char *name, uint32_t *sample, int *found);

/* Contigs of a sample, in stored order (loads the sample's batch). */
int agc_reader_n_contigs(agc_reader *r, uint32_t sample, uint32_t *n);
/* Full stored header and length of one contig. */
int agc_reader_contig(agc_reader *r, uint32_t sample, uint32_t ctg, const char **name,
                      uint64_t *len);
/* First contig of the sample whose short name (header up to the first
 * space, tab, CR or LF) equals name[0..nlen); *found = 0 when none. */
int agc_reader_find_contig(agc_reader *r, uint32_t sample, const char *name, size_t nlen,
                           uint32_t *ctg, int *found);
/* Nucleotides [from, to) of a contig as upper-case letters into buf
 * (to - from bytes, no terminator). RT_ERANGE unless from <= to <= length. */
int agc_reader_fetch(agc_reader *r, uint32_t sample, uint32_t ctg, uint64_t from, uint64_t to,
                     char *buf);
/* The same range formatted as FASTA sequence lines of `line` letters:
 * *col is the column the first letter lands in (in/out, below line), and a
 * '\n' follows every letter that fills a line, so consecutive ranges of a
 * contig continue each other's lines; the caller ends a last partial line.
 * line 0 writes the letters alone. buf holds (to - from) + (to - from) /
 * line + 1 bytes; *n receives the bytes written. One pass from the decoded
 * segments to the text, for writers of FASTA. */
int agc_reader_fetch_lines(agc_reader *r, uint32_t sample, uint32_t ctg, uint64_t from,
                           uint64_t to, uint64_t line, uint64_t *col, char *buf, size_t *n);
/* The first boundary between the contig's stored segments after pos (the
 * contig length when none). Splitting a long extraction at such cuts lets
 * each part decode disjoint segments. */
int agc_reader_next_cut(agc_reader *r, uint32_t sample, uint32_t ctg, uint64_t pos,
                        uint64_t *cut);
/* Cache hits and misses of this reader (parts reused / decoded). */
void agc_reader_cache_stats(const agc_reader *r, uint64_t *hits, uint64_t *misses);

/* ------------------------------------------------------------------------ */
/* Compatibility layer: the reference tool's C API (agc-api.h), same names  */
/* and semantics, so its callers can relink. Positions are int there; the   */
/* 64-bit variants below are the extension.                                 */
/* ------------------------------------------------------------------------ */
typedef struct agc_t agc_t;

/* NULL on failure. `prefetching` is accepted and ignored (the file is
 * memory-mapped). */
agc_t *agc_open(char *fn, int prefetching);
int agc_close(agc_t *agc);
/* Length of a contig; sample may be NULL or "" when the contig name is
 * unique across samples. -1 when not found. */
int agc_get_ctg_len(const agc_t *agc, const char *sample, const char *name);
int64_t agc_get_ctg_len64(const agc_t *agc, const char *sample, const char *name);
/* Writes the closed range [start, end] plus a NUL into buf (end - start + 2
 * bytes); returns the number of bases, or -1. */
int agc_get_ctg_seq(const agc_t *agc, const char *sample, const char *name, int start, int end,
                    char *buf);
int64_t agc_get_ctg_seq64(const agc_t *agc, const char *sample, const char *name, int64_t start,
                          int64_t end, char *buf);
int agc_n_sample(const agc_t *agc);
int agc_n_ctg(const agc_t *agc, const char *sample);
/* Owned string; free with agc_string_destroy. */
char *agc_reference_sample(const agc_t *agc);
/* Owned NULL-terminated arrays; free with agc_list_destroy. */
char **agc_list_sample(const agc_t *agc, int *n_sample);
char **agc_list_ctg(const agc_t *agc, const char *sample, int *n_ctg);
int agc_list_destroy(char **list);
int agc_string_destroy(char *sample);

#ifdef __cplusplus
}
#endif
#endif /* KINDRED_AGC_H */
