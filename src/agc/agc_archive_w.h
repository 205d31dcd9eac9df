/*
 * agc_archive_w: the container of an AGC file, write side. Parts are
 * appended to the output as they come; the footer (stream registry) is
 * written at close, so the output may be a pipe:
 *
 *   offset 0
 *   | avar(meta) payload | avar(meta) payload | ... | FOOTER | u64 LE |
 *     ^ part offset = position of its varint            ^ byte length of FOOTER
 *
 *   FOOTER = avar(n_streams), then per stream in registration order:
 *            name\0 avar(n_parts) avar(0) { avar(offset) avar(size) } x n_parts
 *
 * `size` counts the payload only. Stream names are unique; registering an
 * existing name returns its id. Not thread-safe: one owner thread writes,
 * which is also what makes the byte order deterministic.
 */
#ifndef KINDRED_AGC_ARCHIVE_W_H
#define KINDRED_AGC_ARCHIVE_W_H

#include <stddef.h>
#include <stdint.h>

#include "kindred/rt.h"

typedef struct agc_arw agc_arw;

/* path NULL or "-" writes to stdout. lg (borrowed, may be NULL) receives the
 * one message about a failed write. Owned; finish with agc_arw_close or
 * agc_arw_abort. Errors: RT_EIO, RT_ENOMEM. */
int agc_arw_open(agc_arw **out, const char *path, const rt_logger *lg);

/* Id of the stream `name` (registered now if new). RT_ENOMEM. */
int agc_arw_stream(agc_arw *w, const char *name, uint32_t *id);

/* Append one part of stream id: avar(meta) then n payload bytes.
 * Errors: RT_EIO/RT_EPIPE (sticky), RT_ENOMEM, RT_EINVAL for a bad id. */
int agc_arw_part(agc_arw *w, uint32_t id, const void *payload, size_t n, uint64_t meta);

/* Bytes written so far. */
uint64_t agc_arw_offset(const agc_arw *w);

/* Write the footer, flush and close; returns the first error of the whole
 * life of the writer, or 0. Frees w. */
int agc_arw_close(agc_arw *w);
/* Close without a footer (after an error); frees w. NULL ok. */
void agc_arw_abort(agc_arw *w);

#endif /* KINDRED_AGC_ARCHIVE_W_H */
