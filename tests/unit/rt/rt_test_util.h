/*
 * Helpers shared by the runtime's I/O tests: temporary files, and gzip data
 * made with zlib (not with the code under test) in the shapes rt_in must
 * read:
 *
 *   single member:  [hdr|deflate|crc32 isize]
 *   multi-member:   [member][member]...          (cat a.gz b.gz)
 *   bgzip (BGZF):   [hdr FEXTRA "BC" BSIZE|deflate|crc isize]... [empty EOF member]
 *
 * Functions are static inline so each test uses only what it needs.
 */
#ifndef KINDRED_RT_TEST_UTIL_H
#define KINDRED_RT_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "kindred/rt.h"

/* Path of a fresh temporary file (created empty); caller frees and unlinks. */
static inline char *tu_tmpfile(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    size_t n = strlen(dir) + 32;
    char *path = malloc(n);
    if (!path)
        return NULL;
    snprintf(path, n, "%s/kindred-rt-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    close(fd);
    return path;
}

static inline int tu_write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    int rc = fclose(f);
    return w == n && rc == 0 ? 0 : -1;
}

/* Appends one gzip member holding src[0..n) to *out (a malloc'd buffer). */
static inline int tu_gzip_member(const void *src, size_t n, int level, rt_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t bound = deflateBound(&z, (uLong)n) + 64;
    if (rt_vec_reserve(out, out->n + bound) != 0) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *)(uintptr_t)src;
    z.avail_in = (uInt)n;
    z.next_out = out->v + out->n;
    z.avail_out = (uInt)bound;
    int zr = deflate(&z, Z_FINISH);
    size_t produced = bound - z.avail_out;
    deflateEnd(&z);
    if (zr != Z_STREAM_END)
        return -1;
    out->n += produced;
    return 0;
}

/* Appends one BGZF block: a gzip member whose header carries the "BC"
 * extra subfield with the block size minus one, as bgzip writes it. */
static inline int tu_bgzf_block(const void *src, size_t n, rt_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uint8_t body[70000];
    z.next_in = (Bytef *)(uintptr_t)src;
    z.avail_in = (uInt)n;
    z.next_out = body;
    z.avail_out = sizeof body;
    int zr = deflate(&z, Z_FINISH);
    size_t clen = sizeof body - z.avail_out;
    deflateEnd(&z);
    if (zr != Z_STREAM_END)
        return -1;
    size_t total = 18 + clen + 8;
    if (total > 65536)
        return -1;
    uint8_t hdr[18] = {0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 'B', 'C', 2, 0, 0, 0};
    hdr[16] = (uint8_t)((total - 1) & 0xff);
    hdr[17] = (uint8_t)((total - 1) >> 8);
    uint32_t crc = (uint32_t)crc32(0, (const Bytef *)src, (uInt)n);
    uint8_t tail[8];
    for (int i = 0; i < 4; i++) {
        tail[i] = (uint8_t)(crc >> (8 * i));
        tail[4 + i] = (uint8_t)((uint32_t)n >> (8 * i));
    }
    if (rt_buf_append(out, hdr, sizeof hdr) || rt_buf_append(out, body, clen) ||
        rt_buf_append(out, tail, sizeof tail))
        return -1;
    return 0;
}

/* Deterministic text with lines of varied lengths, optionally CRLF. */
static inline void tu_make_text(rt_buf *out, size_t approx, uint64_t seed, int crlf)
{
    uint64_t x = seed;
    while (out->n < approx) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t len = (size_t)(x >> 33) % 200;
        if ((x >> 20) % 97 == 0)
            len = 0;
        for (size_t i = 0; i < len; i++)
            rt_buf_putc(out, (uint8_t)"ACGTNacgtn >;:0123456789"[(x >> (i % 40)) % 24]);
        if (crlf)
            rt_buf_putc(out, '\r');
        rt_buf_putc(out, '\n');
    }
}

/* Whole content of a file into out (replacing what it held); rt_read_file's
 * status. */
static inline int tu_file_bytes(const char *path, rt_buf *out)
{
    uint8_t *d;
    size_t n;
    out->n = 0;
    int rc = rt_read_file(path, &d, &n);
    if (rc == 0) {
        rc = rt_buf_append(out, d, n);
        rt_free(d);
    }
    return rc;
}

/* Whole decompressed content of a gzip file into out (replacing what it
 * held) through zlib's gz* reader, which also reads concatenated members:
 * its length, or -1 on any error, a bad CRC included. */
static inline long tu_gz_slurp(const char *path, rt_buf *out)
{
    out->n = 0;
    gzFile g = gzopen(path, "rb");
    if (!g)
        return -1;
    uint8_t buf[65536];
    int k;
    while ((k = gzread(g, buf, sizeof buf)) > 0)
        rt_buf_append(out, buf, (size_t)k);
    int err;
    gzerror(g, &err);
    int crc_ok = gzclose(g) == Z_OK;
    return k < 0 || err != Z_OK || !crc_ok ? -1 : (long)out->n;
}

#endif
