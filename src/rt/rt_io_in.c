/*
 * Buffered input: plain files, gzip (single or multi-member, so bgzip too)
 * and stdin, detected by the gzip magic bytes rather than the file name.
 *
 * zlib does the inflating in general: it streams, so members of any size
 * work from any source. BGZF members (bgzip) announce their compressed size
 * in the header and are at most 64 KiB, so those are decoded whole by
 * libdeflate instead, about twice as fast; a member that libdeflate refuses
 * or that does not fit the output space goes through zlib, so the fast path
 * never changes what is accepted.
 *
 * A regular gzip file of at most WHOLE_MAX bytes is read into raw whole at
 * open. Its members are then decoded in one call each by libdeflate (about
 * twice zlib's speed) into `mem`, and handed out from there; a member that
 * libdeflate refuses, or that decodes to more than MEM_MAX bytes, goes
 * through zlib from the same buffer, so again nothing accepted changes.
 *
 *   raw (whole):  [ decoded members | z.next_in .. end of file ]
 *                                     | one member at a time
 *                                     v
 *   mem:          [ handed out | mem_pos .. mem_len ] --copy--> buf
 *
 * Two buffers; compressed bytes only exist for gzip input:
 *
 *   raw (gzip):  [ consumed | z.next_in .. z.avail_in | free ]
 *                                  | inflate, or libdeflate for a BGZF block
 *                                  v
 *   buf:         [ consumed | pos .. len: decoded, unread | free .. cap ]
 *
 * A line is handed out as a pointer into buf. When a line runs past len,
 * the unread bytes move to the front and, if the line is longer than the
 * whole buffer, buf doubles, so long lines cost a copy but never fail.
 */
#include "kindred/rt.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define RAW_CAP (128u * 1024u)
#define BUF_CAP (128u * 1024u)
#define WHOLE_MAX ((size_t)256 << 20) /* compressed file size for whole mode */
#define MEM_MAX ((size_t)256 << 20)   /* decoded member size for whole mode */

struct rt_in {
    int fd;
    int own_fd;
    int gzip;
    int src_eof;       /* read() returned 0 */
    int z_live;        /* z is initialised */
    int member_open;   /* inside a gzip member (header seen, end not yet) */
    int err;           /* sticky: once decoding failed, it stays failed */
    char *path;
    uint8_t *raw;
    z_stream z;
    struct libdeflate_decompressor *dd; /* BGZF fast path; made on first use */
    int dd_failed;                      /* allocation failed: zlib only */
    int whole;                          /* raw holds the whole file */
    size_t raw_cap;
    uint8_t *mem;                       /* whole mode: one decoded member */
    size_t mem_pos, mem_len, mem_cap;
    uint8_t *buf;
    size_t pos, len, cap;
};

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return rt_calloc(items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    rt_free(p);
}

/* read() that retries on EINTR; *got = 0 at end of file. */
static int read_some(int fd, void *dst, size_t n, size_t *got)
{
    for (;;) {
        ssize_t r = read(fd, dst, n);
        if (r >= 0) {
            *got = (size_t)r;
            return RT_OK;
        }
        if (errno != EINTR)
            return RT_EIO;
    }
}

/* Refills raw from the descriptor, keeping unread compressed bytes. */
static int refill_raw(rt_in *r)
{
    if (r->z.avail_in && r->z.next_in != r->raw)
        memmove(r->raw, r->z.next_in, r->z.avail_in);
    r->z.next_in = r->raw;
    size_t got = 0;
    int rc = read_some(r->fd, r->raw + r->z.avail_in, r->raw_cap - r->z.avail_in, &got);
    if (rc != 0)
        return rc;
    if (got == 0)
        r->src_eof = 1;
    r->z.avail_in += (uInt)got;
    return RT_OK;
}

/* Reads until `need` compressed bytes are buffered or the input ends. */
static int ensure_raw(rt_in *r, size_t need)
{
    while (r->z.avail_in < need && !r->src_eof) {
        int rc = refill_raw(r);
        if (rc != 0)
            return rc;
    }
    return RT_OK;
}

/* BGZF member at next_in: its total size from the "BC" extra subfield, or 0.
 *
 *   1f 8b 08 FLG(FEXTRA) MTIME(4) XFL OS | XLEN(2) | 'B' 'C' 02 00 BSIZE(2) ...
 *   BSIZE = total member size - 1
 */
static int bgzf_size(rt_in *r, size_t *size)
{
    *size = 0;
    int rc = ensure_raw(r, 12);
    if (rc != 0 || r->z.avail_in < 12)
        return rc;
    const uint8_t *p = r->z.next_in;
    if (p[2] != 8 || !(p[3] & 4))
        return RT_OK;
    size_t xlen = (size_t)p[10] | (size_t)p[11] << 8;
    rc = ensure_raw(r, 12 + xlen);
    if (rc != 0 || r->z.avail_in < 12 + xlen)
        return rc;
    p = r->z.next_in; /* refilling may have moved the bytes */
    for (size_t off = 12; off + 4 <= 12 + xlen;) {
        size_t slen = (size_t)p[off + 2] | (size_t)p[off + 3] << 8;
        if (p[off] == 'B' && p[off + 1] == 'C' && slen == 2 && off + 6 <= 12 + xlen) {
            size_t bsize = ((size_t)p[off + 4] | (size_t)p[off + 5] << 8) + 1;
            if (bsize >= 12 + xlen + 8) /* room for the header and trailer */
                *size = bsize;
            return RT_OK;
        }
        off += 4 + slen;
    }
    return RT_OK;
}

/* The libdeflate decompressor, made on first use; 0 when it cannot be
 * (then zlib decodes everything). */
static int have_dd(rt_in *r)
{
    if (!r->dd && !r->dd_failed) {
        r->dd = libdeflate_alloc_decompressor();
        r->dd_failed = !r->dd;
    }
    return r->dd != NULL;
}

/* Decodes one whole BGZF member straight into the output if it fits.
 * *done: 1 = decoded, 2 = a BGZF member that does not fit the output space
 * left, 0 = anything else; members not decoded here go to zlib. */
static int bgzf_member(rt_in *r, int *done)
{
    *done = 0;
    size_t size;
    int rc = bgzf_size(r, &size);
    if (rc != 0 || size == 0)
        return rc;
    rc = ensure_raw(r, size);
    if (rc != 0 || r->z.avail_in < size)
        return rc; /* truncated: zlib reports it */
    const uint8_t *p = r->z.next_in;
    size_t isize = (size_t)p[size - 4] | (size_t)p[size - 3] << 8 |
                   (size_t)p[size - 2] << 16 | (size_t)p[size - 1] << 24;
    if (isize > r->z.avail_out) {
        *done = 2;
        return RT_OK;
    }
    if (!have_dd(r))
        return RT_OK;
    size_t in_used = 0, out_used = 0;
    enum libdeflate_result lr = libdeflate_gzip_decompress_ex(
        r->dd, p, size, r->z.next_out, r->z.avail_out, &in_used, &out_used);
    if (lr != LIBDEFLATE_SUCCESS || in_used != size)
        return RT_OK; /* let zlib judge this member */
    r->z.next_in += size;
    r->z.avail_in -= (uInt)size;
    r->z.next_out += out_used;
    r->z.avail_out -= (uInt)out_used;
    *done = 1;
    return RT_OK;
}

/* Whole mode: decodes the member at next_in into mem with libdeflate.
 * *done = 1 when it did; 0 leaves the member to zlib (bad data, or larger
 * than MEM_MAX), which then reports exactly what it always reported. */
static int whole_member(rt_in *r, int *done)
{
    *done = 0;
    if (!have_dd(r))
        return RT_OK;
    const uint8_t *p = r->z.next_in;
    size_t avail = r->z.avail_in;
    /* First guess: the size the file's last member announces (exact for a
     * single-member file), at least 4x the compressed bytes left; too small
     * a guess only costs a retry with twice the room. */
    size_t want = avail >= 18 ? (size_t)p[avail - 4] | (size_t)p[avail - 3] << 8 |
                                    (size_t)p[avail - 2] << 16 | (size_t)p[avail - 1] << 24
                              : 0;
    /* Deflate expands at most about 1032:1: a damaged trailer must not
     * make us reserve more than the member could hold. */
    if (avail < SIZE_MAX / 1040 && want > avail * 1032 + 65536)
        want = avail * 1032 + 65536;
    if (want < avail * 4)
        want = avail * 4;
    if (want < 65536)
        want = 65536;
    for (;;) {
        if (want > MEM_MAX)
            want = MEM_MAX;
        if (want > r->mem_cap) {
            uint8_t *m = rt_realloc(r->mem, want);
            if (!m)
                return RT_OK; /* zlib streams in less memory */
            r->mem = m;
            r->mem_cap = want;
        }
        size_t in_used = 0, out_used = 0;
        enum libdeflate_result lr = libdeflate_gzip_decompress_ex(
            r->dd, p, avail, r->mem, r->mem_cap, &in_used, &out_used);
        if (lr == LIBDEFLATE_SUCCESS) {
            r->z.next_in += in_used;
            r->z.avail_in -= (uInt)in_used;
            r->mem_pos = 0;
            r->mem_len = out_used;
            *done = 1;
            return RT_OK;
        }
        if (lr != LIBDEFLATE_INSUFFICIENT_SPACE || r->mem_cap >= MEM_MAX)
            return RT_OK;
        want = r->mem_cap * 2;
    }
}

/* Decodes up to n bytes into dst; *got = 0 only at the end of input.
 * Keeps decoding while there is room and compressed input is buffered; once
 * it has output it reads more only to complete a BGZF block it has begun. */
static int gz_decode(rt_in *r, uint8_t *dst, size_t n, size_t *got)
{
    *got = 0;
    if (n > UINT_MAX)
        n = UINT_MAX;
    r->z.next_out = dst;
    r->z.avail_out = (uInt)n;
    while (r->z.avail_out == n || (r->z.avail_out > 0 && r->z.avail_in > 0) ||
           (r->z.avail_out > 0 && r->mem_pos < r->mem_len)) {
        if (r->mem_pos < r->mem_len) {
            size_t m = r->mem_len - r->mem_pos;
            if (m > r->z.avail_out)
                m = r->z.avail_out;
            memcpy(r->z.next_out, r->mem + r->mem_pos, m);
            r->mem_pos += m;
            r->z.next_out += m;
            r->z.avail_out -= (uInt)m;
            continue;
        }
        if (r->z.avail_in == 0 && !r->src_eof) {
            int rc = refill_raw(r);
            if (rc != 0)
                return rc;
        }
        if (!r->member_open) {
            if (r->z.avail_in == 0 && r->src_eof)
                break; /* clean end after the last member */
            /* A new member must start with the magic; anything else is
             * trailing garbage, which we refuse rather than guess at. */
            while (r->z.avail_in < 2 && !r->src_eof) {
                int rc = refill_raw(r);
                if (rc != 0)
                    return rc;
            }
            if (r->z.avail_in < 2 || r->z.next_in[0] != 0x1f || r->z.next_in[1] != 0x8b)
                return RT_EFORMAT;
            int done;
            int rc = bgzf_member(r, &done);
            if (rc != 0)
                return rc;
            if (done == 1)
                continue;
            if (done == 2 && r->z.avail_out != n)
                break; /* return what we have; the next call has room */
            if (done == 0 && r->whole) {
                if ((rc = whole_member(r, &done)) != 0)
                    return rc;
                if (done)
                    continue;
            }
            if (inflateReset(&r->z) != Z_OK)
                return RT_EFORMAT;
            r->member_open = 1;
        }
        int zr = inflate(&r->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            r->member_open = 0;
        } else if (zr == Z_MEM_ERROR) {
            return RT_ENOMEM;
        } else if (zr == Z_BUF_ERROR) {
            /* No progress possible: inflate needs input and there is none
             * left, so the member is truncated. (With input left, the
             * loop refills and tries again.) */
            if (r->src_eof && r->z.avail_in == 0)
                return RT_EFORMAT;
        } else if (zr != Z_OK) {
            return RT_EFORMAT;
        }
    }
    *got = n - r->z.avail_out;
    return RT_OK;
}

/* Appends decoded bytes to dst (plain read or gzip). */
static int decode(rt_in *r, uint8_t *dst, size_t n, size_t *got)
{
    if (r->err)
        return r->err;
    int rc;
    if (r->gzip) {
        rc = gz_decode(r, dst, n, got);
    } else if (r->src_eof) {
        *got = 0;
        rc = RT_OK;
    } else {
        rc = read_some(r->fd, dst, n, got);
        if (rc == 0 && *got == 0)
            r->src_eof = 1;
    }
    if (rc != 0)
        r->err = rc;
    return rc;
}

/* Makes buf hold at least `want` unread bytes if the input has them;
 * returns with fewer only at the end of input. */
static int fill(rt_in *r, size_t want)
{
    while (r->len - r->pos < want) {
        if (r->pos > 0) {
            memmove(r->buf, r->buf + r->pos, r->len - r->pos);
            r->len -= r->pos;
            r->pos = 0;
        }
        if (r->len == r->cap) {
            if (r->cap > SIZE_MAX / 2)
                return RT_ELIMIT;
            uint8_t *nb = rt_realloc(r->buf, r->cap * 2);
            if (!nb)
                return RT_ENOMEM;
            r->buf = nb;
            r->cap *= 2;
        }
        size_t got;
        int rc = decode(r, r->buf + r->len, r->cap - r->len, &got);
        if (rc != 0)
            return rc;
        if (got == 0)
            break;
        r->len += got;
    }
    return RT_OK;
}

/* Whole mode for a regular gzip file that is not too large: the rest of
 * the file joins what open has read, and raw holds it all. Anything else
 * (stdin, pipes, large files, a failed allocation) streams as before. */
static int read_whole(rt_in *r)
{
    struct stat st;
    if (!r->own_fd || fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uint64_t)st.st_size > WHOLE_MAX || r->src_eof)
        return RT_OK;
    size_t have = r->z.avail_in, size = (size_t)st.st_size;
    if (size < have)
        return RT_OK;
    uint8_t *w = rt_malloc(size + 1);
    if (!w)
        return RT_OK;
    memcpy(w, r->z.next_in, have);
    /* One byte of slack tells whether the file grew since fstat. */
    size_t cap = size + 1;
    while (have < cap) {
        size_t got = 0;
        int rc = read_some(r->fd, w + have, cap - have, &got);
        if (rc != 0) {
            rt_free(w);
            return rc;
        }
        if (got == 0)
            break;
        have += got;
    }
    rt_free(r->raw);
    r->raw = w;
    r->raw_cap = cap;
    r->z.next_in = w;
    r->z.avail_in = (uInt)have;
    if (have < cap) { /* the end of the file: decode members whole */
        r->src_eof = 1;
        r->whole = 1;
    } /* else it is still growing: stream on from this larger buffer */
    return RT_OK;
}

int rt_in_open(rt_in **out, const char *path)
{
    *out = NULL;
    if (!path)
        return RT_EINVAL;
    int is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return RT_EIO;
    int rc = RT_ENOMEM;
    rt_in *r = rt_calloc(1, sizeof *r);
    if (!r)
        goto fail_fd;
    r->fd = fd;
    r->own_fd = !is_stdin;
    r->cap = BUF_CAP;
    r->path = rt_strdup(path);
    r->buf = rt_malloc(r->cap);
    if (!r->path || !r->buf)
        goto fail;
    rc = fill(r, 2);
    if (rc != 0)
        goto fail;
    if (r->len >= 2 && r->buf[0] == 0x1f && r->buf[1] == 0x8b) {
        /* What was read so far is compressed: it becomes raw input. */
        rc = RT_ENOMEM;
        r->raw = rt_malloc(RAW_CAP);
        if (!r->raw)
            goto fail;
        r->raw_cap = RAW_CAP;
        r->z.zalloc = z_alloc;
        r->z.zfree = z_free;
        /* 16 + 15: gzip wrapper only, 32 KiB window. */
        int zr = inflateInit2(&r->z, 16 + 15);
        if (zr != Z_OK) {
            rc = zr == Z_MEM_ERROR ? RT_ENOMEM : RT_EFORMAT;
            goto fail;
        }
        r->z_live = 1;
        size_t n = r->len - r->pos; /* at most BUF_CAP == RAW_CAP */
        memcpy(r->raw, r->buf + r->pos, n);
        r->z.next_in = r->raw;
        r->z.avail_in = (uInt)n;
        r->pos = r->len = 0;
        r->gzip = 1; /* src_eof stays as the plain read left it */
        if ((rc = read_whole(r)) != 0)
            goto fail;
    }
    *out = r;
    return RT_OK;
fail:
    {
        int e = errno;
        rt_in_close(r);
        errno = e;
    }
    return rc;
fail_fd:
    if (!is_stdin)
        close(fd);
    return rc;
}

int rt_in_read(rt_in *r, void *buf, size_t n, size_t *got)
{
    uint8_t *dst = buf;
    size_t done = 0;
    *got = 0;
    while (done < n) {
        if (r->pos < r->len) {
            size_t k = r->len - r->pos;
            if (k > n - done)
                k = n - done;
            memcpy(dst + done, r->buf + r->pos, k);
            r->pos += k;
            done += k;
            continue;
        }
        size_t k;
        int rc;
        if (n - done >= r->cap) {
            /* Large reads skip the copy through buf. */
            rc = decode(r, dst + done, n - done, &k);
        } else {
            r->pos = r->len = 0;
            rc = decode(r, r->buf, r->cap, &k);
            if (rc == 0)
                r->len = k;
        }
        if (rc != 0) {
            if (done > 0)
                break; /* hand out what we have; the error is sticky */
            return rc;
        }
        if (k == 0)
            break;
        if (n - done >= r->cap)
            done += k;
    }
    *got = done;
    return RT_OK;
}

int rt_in_getline(rt_in *r, const char **line, size_t *len, int *eof)
{
    size_t scanned = 0;
    *line = NULL;
    *len = 0;
    *eof = 0;
    for (;;) {
        uint8_t *start = r->buf + r->pos;
        size_t avail = r->len - r->pos;
        uint8_t *nl = memchr(start + scanned, '\n', avail - scanned);
        if (nl) {
            size_t n = (size_t)(nl - start);
            r->pos += n + 1;
            if (n > 0 && start[n - 1] == '\r')
                n--;
            *line = (const char *)start;
            *len = n;
            return RT_OK;
        }
        scanned = avail;
        int rc = fill(r, avail + 1);
        if (rc != 0)
            return rc;
        if (r->len - r->pos == avail) {
            /* End of input: the last line may lack its newline. */
            if (avail == 0) {
                *eof = 1;
                return RT_OK;
            }
            start = r->buf + r->pos;
            size_t n = avail;
            r->pos += avail;
            if (start[n - 1] == '\r')
                n--;
            *line = (const char *)start;
            *len = n;
            return RT_OK;
        }
    }
}

int rt_in_peek(rt_in *r, int *c)
{
    int rc = fill(r, 1);
    if (rc != 0)
        return rc;
    *c = r->pos < r->len ? r->buf[r->pos] : -1;
    return RT_OK;
}

int rt_in_is_gzip(const rt_in *r)
{
    return r->gzip;
}

const char *rt_in_path(const rt_in *r)
{
    return r->path;
}

void rt_in_close(rt_in *r)
{
    if (!r)
        return;
    if (r->z_live)
        inflateEnd(&r->z);
    if (r->dd)
        libdeflate_free_decompressor(r->dd);
    if (r->own_fd)
        close(r->fd);
    rt_free(r->raw);
    rt_free(r->mem);
    rt_free(r->buf);
    rt_free(r->path);
    rt_free(r);
}

/* ------------------------------------------------------------ whole files */

int rt_read_file(const char *path, uint8_t **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    int is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return RT_EIO;
    struct stat st;
    size_t cap = 64 * 1024;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        if ((uint64_t)st.st_size >= SIZE_MAX)
            goto range;
        cap = (size_t)st.st_size + 1; /* +1 to see end of file in one go */
    }
    rt_buf b = {0};
    int rc = rt_vec_reserve(&b, cap);
    if (rc != 0)
        goto fail;
    for (;;) {
        if (b.n == b.cap) {
            rc = rt_vec_reserve(&b, b.cap + 1);
            if (rc != 0)
                goto fail;
        }
        size_t got;
        rc = read_some(fd, b.v + b.n, b.cap - b.n, &got);
        if (rc != 0)
            goto fail;
        if (got == 0)
            break;
        b.n += got;
    }
    if (!is_stdin)
        close(fd);
    if (b.n == 0) {
        rt_vec_free(&b);
        return RT_OK;
    }
    *data = b.v;
    *len = b.n;
    return RT_OK;
fail:
    {
        int e = errno;
        rt_vec_free(&b);
        if (!is_stdin)
            close(fd);
        errno = e;
    }
    return rc;
range:
    if (!is_stdin)
        close(fd);
    return RT_ERANGE;
}
