/*
 * agc_archive: the container of an AGC file, read side. The whole file is
 * one read-only byte range (a memory map, or a caller's buffer); opening
 * parses the footer into a stream table, and parts are then served as
 * borrowed slices of that range, so any number of threads may read parts of
 * one open archive at once.
 *
 *   offset 0                                                      EOF
 *   | part | part | part | ... | FOOTER                  | u64 LE size |
 *     ^ varint(meta) payload     n_streams avar                ^ byte length
 *                                per stream: name\0 n_parts     of FOOTER
 *                                  raw_size (n_parts x offset, size)
 *
 * A part starts with a container varint (its metadata) followed by `size`
 * payload bytes; the footer's offset points at the varint. Every offset and
 * size is checked against the file length when the footer is parsed. The
 * writer lives in agc_archive_w.c and shares only agc_codec.
 */
#ifndef KINDRED_AGC_ARCHIVE_H
#define KINDRED_AGC_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "kindred/rt.h"

typedef struct agc_ar_loc {
    uint64_t offset;   /* of the metadata varint */
    uint64_t size;     /* payload bytes after the varint */
} agc_ar_loc;

typedef struct agc_ar_stream {
    const char *name;  /* NUL-terminated, points into the footer bytes */
    uint32_t nparts;
    agc_ar_loc *parts;
} agc_ar_stream;

typedef struct agc_archive agc_archive;

/* Open a file (memory-mapped). Errors: RT_EIO, RT_EFORMAT, RT_ENOMEM.
 * Owned; close with agc_ar_close. */
int agc_ar_open_file(agc_archive **out, const char *path);
/* Parse a caller's buffer; it is borrowed and must outlive the archive. */
int agc_ar_open_mem(agc_archive **out, const uint8_t *data, size_t len);
void agc_ar_close(agc_archive *a);   /* NULL ok */

size_t agc_ar_nstreams(const agc_archive *a);
const agc_ar_stream *agc_ar_stream_at(const agc_archive *a, size_t i);
/* Index of the stream with this name, or -1 when absent. */
long agc_ar_find(const agc_archive *a, const char *name);
/* Part `part` of stream `s`: *meta is its metadata (0 when size is 0, as the
 * reference reader reports), payload and size a borrowed slice of the file.
 * RT_ERANGE for a part index out of range, RT_EFORMAT for a bad varint. */
int agc_ar_part(const agc_archive *a, long s, uint64_t part, const uint8_t **payload,
                size_t *size, uint64_t *meta);
/* The whole file (borrowed). */
const uint8_t *agc_ar_data(const agc_archive *a, size_t *len);

#endif /* KINDRED_AGC_ARCHIVE_H */
