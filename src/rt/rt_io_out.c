/*
 * Buffered output, plain or gzip, with every write checked.
 *
 * Gzip output is a sequence of independent gzip members, each compressed
 * in one call by libdeflate (faster than zlib at equal ratio, and a member
 * per buffer needs no streaming state). Any gzip reader, and rt_in, reads
 * such a concatenation as one stream:
 *
 *   caller bytes -> buf [ up to MEMBER bytes ] -- compress --> zbuf -> fd
 *                   file: [member 0][member 1]...[member k]
 *
 * Plain output goes from buf straight to the descriptor; a write larger
 * than the buffer bypasses it.
 *
 * With a pool (rt_out_set_pool) each full buffer becomes a job of an ordered
 * pipeline: workers compress members in parallel, the owner writes them in
 * order from the pipeline's consume callback. Member boundaries do not depend
 * on the pool, so the bytes are the same as the serial writer's:
 *
 *   caller -> cur job [in: MEMBER bytes] --submit--> worker: in -> z (libdeflate)
 *             ^ refilled from the free list         owner, in order: write z,
 *                                                    job back to the free list
 *
 * Errors: the first failure is kept in `status`, logged once, and returned
 * by every later call, which writes nothing more. A reader that has gone
 * away (EPIPE, with SIGPIPE ignored by the program) becomes RT_EPIPE so the
 * CLI can tell "downstream closed" from a real I/O failure.
 */
#include "kindred/rt.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PLAIN_BUF (128u * 1024u)
#define MEMBER (1024u * 1024u)

struct rt_out {
    int fd;
    int own_fd;
    int status;
    int gzip;
    int members;       /* gzip members written so far */
    const rt_logger *lg;
    char *name;        /* for the one error message */
    struct libdeflate_compressor *c;
    uint8_t *buf;
    size_t n, cap;
    uint8_t *zbuf;
    size_t zcap;
    /* parallel gzip (NULL pipe: serial) */
    int level;
    rt_pipe *pipe;
    struct libdeflate_compressor **cs; /* one per pool worker */
    int ncs;
    struct out_job *cur;               /* job whose `in` is buf */
    struct out_job *free_jobs;
};

typedef struct out_job {
    struct out_job *next; /* free list */
    uint8_t *in;          /* MEMBER bytes */
    size_t n;
    uint8_t *z;           /* zcap bytes */
    size_t zn;
} out_job;

/* Records the first failure and reports it; returns the sticky status. */
static int fail(rt_out *w, int rc, int err)
{
    if (w->status == 0) {
        w->status = rc;
        if (rc == RT_EPIPE || rc == RT_EIO)
            rt_log(w->lg, RT_LOG_ERROR, "writing %s failed: %s", w->name, strerror(err));
        else
            rt_log(w->lg, RT_LOG_ERROR, "writing %s failed: %s", w->name, rt_strerror(rc));
    }
    return w->status;
}

static int write_all(rt_out *w, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t r = write(w->fd, p, n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            return fail(w, e == EPIPE ? RT_EPIPE : RT_EIO, e);
        }
        if (r == 0)
            return fail(w, RT_EIO, EIO);
        p += r;
        n -= (size_t)r;
    }
    return RT_OK;
}

/* Compresses buf[0..n) as one gzip member and writes it. */
static int emit_member(rt_out *w)
{
    size_t z = libdeflate_gzip_compress(w->c, w->buf, w->n, w->zbuf, w->zcap);
    if (z == 0) /* cannot happen with a bound-sized zbuf; never write half */
        return fail(w, RT_ELIMIT, 0);
    w->n = 0;
    w->members++;
    return write_all(w, w->zbuf, z);
}

/* Hands the current member to the pipeline and starts a fresh buffer. */
static int submit_member(rt_out *w)
{
    out_job *j = w->cur;
    j->n = w->n;
    w->n = 0;
    w->members++;
    w->cur = NULL;
    w->buf = NULL;
    int rc = rt_pipe_submit(w->pipe, j); /* may consume: writes, recycles */
    out_job *next = w->free_jobs;
    if (next) {
        w->free_jobs = next->next;
    } else {
        next = rt_calloc(1, sizeof *next);
        if (next) {
            next->in = rt_malloc(MEMBER);
            next->z = rt_malloc(w->zcap);
            if (!next->in || !next->z) {
                rt_free(next->in);
                rt_free(next->z);
                rt_free(next);
                next = NULL;
            }
        }
        if (!next)
            return fail(w, RT_ENOMEM, 0);
    }
    w->cur = next;
    w->buf = next->in;
    if (rc != 0)
        return fail(w, rc, 0);
    return w->status;
}

static int push(rt_out *w)
{
    if (w->gzip && w->pipe)
        return w->n ? submit_member(w) : RT_OK;
    if (w->gzip)
        return w->n ? emit_member(w) : RT_OK;
    size_t n = w->n;
    w->n = 0;
    return write_all(w, w->buf, n);
}

int rt_out_open_fd(rt_out **out, int fd, int own_fd, int gzip_level, const rt_logger *lg)
{
    *out = NULL;
    if (fd < 0 || gzip_level < 0 || gzip_level > 12)
        return RT_EINVAL;
    rt_out *w = rt_calloc(1, sizeof *w);
    if (!w)
        return RT_ENOMEM;
    w->fd = fd;
    w->lg = lg;
    w->gzip = gzip_level > 0;
    w->cap = w->gzip ? MEMBER : PLAIN_BUF;
    char name[32];
    if (fd == STDOUT_FILENO)
        snprintf(name, sizeof name, "standard output");
    else
        snprintf(name, sizeof name, "descriptor %d", fd);
    w->name = rt_strdup(name);
    w->buf = rt_malloc(w->cap);
    if (!w->name || !w->buf)
        goto fail;
    if (w->gzip) {
        /* libdeflate allocates with malloc, outside the failure hook; its
         * process-wide allocator setting is not ours to change. */
        w->level = gzip_level;
        w->c = libdeflate_alloc_compressor(gzip_level);
        if (!w->c)
            goto fail;
        w->zcap = libdeflate_gzip_compress_bound(w->c, MEMBER);
        w->zbuf = rt_malloc(w->zcap);
        if (!w->zbuf)
            goto fail;
    }
    w->own_fd = own_fd; /* only now: on failure the caller keeps the fd */
    *out = w;
    return RT_OK;
fail:
    if (w->c)
        libdeflate_free_compressor(w->c);
    rt_free(w->zbuf);
    rt_free(w->buf);
    rt_free(w->name);
    rt_free(w);
    return RT_ENOMEM;
}

int rt_out_open(rt_out **out, const char *path, int gzip_level, const rt_logger *lg)
{
    *out = NULL;
    if (gzip_level < 0 || gzip_level > 12)
        return RT_EINVAL;
    if (!path || strcmp(path, "-") == 0)
        return rt_out_open_fd(out, STDOUT_FILENO, 0, gzip_level, lg);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return RT_EIO;
    int rc = rt_out_open_fd(out, fd, 1, gzip_level, lg);
    if (rc != 0) {
        close(fd);
        return rc;
    }
    char *name = rt_strdup(path);
    if (name) { /* keep the generic name if the copy fails */
        rt_free((*out)->name);
        (*out)->name = name;
    }
    return RT_OK;
}

static int par_work(void *ctx, void *job, int worker)
{
    const rt_out *w = ctx;
    out_job *j = job;
    j->zn = libdeflate_gzip_compress(w->cs[worker], j->in, j->n, j->z, w->zcap);
    return j->zn ? RT_OK : RT_ELIMIT;
}

/* Runs on the owner thread, in member order. */
static int par_consume(void *ctx, void *job, int status)
{
    rt_out *w = ctx;
    out_job *j = job;
    int rc;
    if (w->status)
        rc = w->status;
    else if (status != 0)
        rc = fail(w, status, 0);
    else
        rc = write_all(w, j->z, j->zn);
    j->next = w->free_jobs;
    w->free_jobs = j;
    return rc;
}

static void par_free(rt_out *w)
{
    if (w->pipe)
        rt_pipe_destroy(w->pipe); /* consumes (recycles) every job */
    w->pipe = NULL;
    if (w->cur) {
        w->cur->next = w->free_jobs;
        w->free_jobs = w->cur;
        w->cur = NULL;
        w->buf = NULL;
    }
    while (w->free_jobs) {
        out_job *j = w->free_jobs;
        w->free_jobs = j->next;
        rt_free(j->in);
        rt_free(j->z);
        rt_free(j);
    }
    for (int i = 0; i < w->ncs; i++)
        if (w->cs[i])
            libdeflate_free_compressor(w->cs[i]);
    rt_free(w->cs);
    w->cs = NULL;
    w->ncs = 0;
}

int rt_out_set_pool(rt_out *w, rt_pool *pool)
{
    if (!w || !pool)
        return RT_EINVAL;
    if (w->status)
        return w->status;
    if (w->pipe || w->n > 0 || w->members > 0)
        return RT_EINVAL;
    int nt = rt_pool_nthreads(pool);
    if (!w->gzip || nt <= 1)
        return RT_OK; /* nothing to gain */
    int rc = RT_ENOMEM;
    w->cs = rt_calloc((size_t)nt, sizeof *w->cs);
    out_job *j = rt_calloc(1, sizeof *j);
    if (!w->cs || !j)
        goto fail;
    w->ncs = nt;
    for (int i = 0; i < nt; i++)
        if (!(w->cs[i] = libdeflate_alloc_compressor(w->level)))
            goto fail;
    /* Two members per worker in flight keeps every worker busy while the
     * owner fills the next buffer; memory stays at a few MiB per worker. */
    rc = rt_pipe_create(&w->pipe, pool, 2 * (size_t)nt, par_work, par_consume, w);
    if (rc != 0)
        goto fail;
    /* The serial buffers become the first job. */
    j->in = w->buf;
    j->z = w->zbuf;
    w->zbuf = NULL;
    w->cur = j;
    return RT_OK;
fail:
    rt_free(j);
    par_free(w);
    return rc;
}

int rt_out_write(rt_out *w, const void *p, size_t n)
{
    if (w->status)
        return w->status;
    const uint8_t *s = p;
    while (n > 0) {
        if (!w->gzip && w->n == 0 && n >= w->cap)
            return write_all(w, s, n);
        size_t k = w->cap - w->n;
        if (k > n)
            k = n;
        memcpy(w->buf + w->n, s, k);
        w->n += k;
        s += k;
        n -= k;
        if (w->n == w->cap) {
            int rc = push(w);
            if (rc != 0)
                return rc;
        }
    }
    return RT_OK;
}

int rt_out_putc(rt_out *w, int c)
{
    if (w->status)
        return w->status;
    w->buf[w->n++] = (uint8_t)c;
    return w->n == w->cap ? push(w) : RT_OK;
}

int rt_out_puts(rt_out *w, const char *s)
{
    return rt_out_write(w, s, strlen(s));
}

int rt_out_printf(rt_out *w, const char *fmt, ...)
{
    if (w->status)
        return w->status;
    va_list ap;
    size_t room = w->cap - w->n;
    va_start(ap, fmt);
    int m = vsnprintf((char *)w->buf + w->n, room, fmt, ap);
    va_end(ap);
    if (m < 0)
        return fail(w, RT_EINVAL, 0);
    if ((size_t)m < room) {
        w->n += (size_t)m;
        return RT_OK;
    }
    /* Did not fit (vsnprintf needs room for its NUL too): format aside. */
    rt_buf b = {0};
    int rc = rt_vec_reserve(&b, (size_t)m + 1);
    if (rc != 0)
        return fail(w, rc, 0);
    va_start(ap, fmt);
    vsnprintf((char *)b.v, (size_t)m + 1, fmt, ap);
    va_end(ap);
    rc = rt_out_write(w, b.v, (size_t)m);
    rt_vec_free(&b);
    return rc;
}

int rt_out_member_end(rt_out *w)
{
    if (w->status)
        return w->status;
    return w->gzip ? push(w) : RT_OK;
}

int rt_out_flush(rt_out *w)
{
    if (w->status)
        return w->status;
    int rc = push(w);
    if (rc == 0 && w->pipe) {
        rc = rt_pipe_finish(w->pipe); /* every member written */
        if (rc != 0)
            rc = fail(w, rc, 0);
    }
    return rc;
}

int rt_out_status(const rt_out *w)
{
    return w->status;
}

int rt_out_close(rt_out *w)
{
    if (!w)
        return RT_OK;
    if (w->status == 0) {
        /* An empty gzip file is not valid gzip: write one empty member. */
        if (w->gzip && w->n == 0 && w->members == 0) {
            if (w->pipe)
                submit_member(w);
            else
                emit_member(w);
        } else
            push(w);
        if (w->pipe && w->status == 0) {
            int rc = rt_pipe_finish(w->pipe);
            if (rc != 0)
                fail(w, rc, 0);
        }
    }
    par_free(w);
    if (w->own_fd && close(w->fd) != 0)
        fail(w, RT_EIO, errno);
    int rc = w->status;
    if (w->c)
        libdeflate_free_compressor(w->c);
    rt_free(w->zbuf);
    rt_free(w->buf);
    rt_free(w->name);
    rt_free(w);
    return rc;
}
