/*
 * rt_out: plain and gzip output read back (through zlib's gzread, an
 * independent reader, and through rt_in), a closed pipe giving RT_EPIPE
 * exactly once, /dev/full, open errors and allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt_test_util.h"

/* Writes `text` through every entry point, in pieces of varied size. */
static void write_pieces(rt_out *w, const rt_buf *text, int member_ends)
{
    size_t pos = 0, step = 1;
    int k = 0;
    while (pos < text->n) {
        size_t n = text->n - pos < step ? text->n - pos : step;
        switch (k++ % 4) {
        case 0:
            assert_int_equal(rt_out_write(w, text->v + pos, n), 0);
            break;
        case 1:
            for (size_t i = 0; i < n; i++)
                assert_int_equal(rt_out_putc(w, text->v[pos + i]), 0);
            break;
        case 2: {
            char tmp[4096 + 1];
            size_t m = n < 4096 ? n : 4096;
            memcpy(tmp, text->v + pos, m);
            tmp[m] = '\0';
            n = strlen(tmp); /* text has no NULs */
            assert_int_equal(rt_out_puts(w, tmp), 0);
            break;
        }
        default:
            assert_int_equal(rt_out_printf(w, "%.*s", (int)n, (const char *)text->v + pos), 0);
            break;
        }
        pos += n;
        step = step * 3 + 1;
        if (step > 400000)
            step = 1;
        if (member_ends && k % 5 == 0)
            assert_int_equal(rt_out_member_end(w), 0);
    }
}

static void plain_roundtrip(void **state)
{
    (void)state;
    rt_buf t = {0}, back = {0};
    tu_make_text(&t, 3 << 20, 11, 0);
    char *path = tu_tmpfile();
    rt_out *w;
    assert_int_equal(rt_out_open(&w, path, 0, NULL), 0);
    write_pieces(w, &t, 1); /* member_end is a no-op for plain output */
    assert_int_equal(rt_out_flush(w), 0);
    assert_int_equal(rt_out_status(w), 0);
    assert_int_equal(rt_out_close(w), 0);
    assert_int_equal(tu_file_bytes(path, &back), 0);
    assert_int_equal(back.n, t.n);
    assert_memory_equal(back.v, t.v, t.n);
    unlink(path);
    free(path);
    rt_vec_free(&t);
    rt_vec_free(&back);
}

static void gzip_roundtrip(void **state)
{
    (void)state;
    rt_buf t = {0};
    tu_make_text(&t, 3 << 20, 12, 1);
    char *path = tu_tmpfile();
    int levels[] = {1, 6, 12};
    for (int i = 0; i < 3; i++) {
        rt_out *w;
        assert_int_equal(rt_out_open(&w, path, levels[i], NULL), 0);
        write_pieces(w, &t, i != 1);
        assert_int_equal(rt_out_close(w), 0);
        rt_buf back = {0};
        assert_int_equal(tu_gz_slurp(path, &back), (long)t.n);
        assert_memory_equal(back.v, t.v, t.n);
        rt_vec_free(&back);
        /* and through rt_in, line by line */
        rt_in *r;
        assert_int_equal(rt_in_open(&r, path), 0);
        assert_int_equal(rt_in_is_gzip(r), 1);
        size_t pos = 0;
        const char *line;
        size_t len;
        int eof;
        for (;;) {
            assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
            if (eof)
                break;
            const uint8_t *nl = memchr(t.v + pos, '\n', t.n - pos);
            assert_non_null(nl);
            size_t want = (size_t)(nl - t.v) - pos - 1; /* text is CRLF */
            assert_int_equal(len, want);
            assert_memory_equal(line, t.v + pos, want);
            pos = (size_t)(nl - t.v) + 1;
        }
        assert_int_equal(pos, t.n);
        rt_in_close(r);
    }
    unlink(path);
    free(path);
    rt_vec_free(&t);
}

static void gzip_empty_is_valid(void **state)
{
    (void)state;
    char *path = tu_tmpfile();
    rt_out *w;
    assert_int_equal(rt_out_open(&w, path, 6, NULL), 0);
    assert_int_equal(rt_out_close(w), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size >= 18); /* one member: header + empty block + trailer */
    rt_buf back = {0};
    assert_int_equal(tu_gz_slurp(path, &back), 0);
    rt_in *r;
    assert_int_equal(rt_in_open(&r, path), 0);
    int c;
    assert_int_equal(rt_in_peek(r, &c), 0);
    assert_int_equal(c, -1);
    rt_in_close(r);
    unlink(path);
    free(path);
    rt_vec_free(&back);
}

static void member_end_starts_new_member(void **state)
{
    (void)state;
    char *path = tu_tmpfile();
    rt_out *w;
    assert_int_equal(rt_out_open(&w, path, 6, NULL), 0);
    assert_int_equal(rt_out_puts(w, "first\n"), 0);
    assert_int_equal(rt_out_member_end(w), 0);
    assert_int_equal(rt_out_member_end(w), 0); /* nothing pending: no empty member */
    assert_int_equal(rt_out_puts(w, "second\n"), 0);
    assert_int_equal(rt_out_close(w), 0);
    rt_buf raw = {0};
    assert_int_equal(tu_file_bytes(path, &raw), 0);
    /* Count members by inflating them one at a time with zlib. */
    int members = 0;
    size_t off = 0;
    rt_buf all = {0};
    while (off < raw.n) {
        z_stream z;
        memset(&z, 0, sizeof z);
        assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
        uint8_t out[256];
        z.next_in = raw.v + off;
        z.avail_in = (uInt)(raw.n - off);
        z.next_out = out;
        z.avail_out = sizeof out;
        assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
        rt_buf_append(&all, out, sizeof out - z.avail_out);
        off = raw.n - z.avail_in;
        inflateEnd(&z);
        members++;
    }
    assert_int_equal(members, 2);
    assert_int_equal(all.n, 13);
    assert_memory_equal(all.v, "first\nsecond\n", 13);
    unlink(path);
    free(path);
    rt_vec_free(&raw);
    rt_vec_free(&all);
}

/* A logger whose sink is a temporary file, to count error reports. */
typedef struct {
    FILE *f;
    rt_logger lg;
} capture;

static void capture_open(capture *c)
{
    c->f = tmpfile();
    assert_non_null(c->f);
    c->lg = (rt_logger){.level = RT_LOG_DEBUG, .tag = "test", .sink = c->f};
}

static int capture_lines(capture *c, char *first, size_t cap)
{
    fflush(c->f);
    rewind(c->f);
    int lines = 0;
    char buf[1024];
    while (fgets(buf, sizeof buf, c->f)) {
        if (lines == 0 && first)
            snprintf(first, cap, "%s", buf);
        lines++;
    }
    fclose(c->f);
    return lines;
}

static void closed_pipe_is_epipe_once(void **state)
{
    (void)state;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    assert_int_equal(sigaction(SIGPIPE, &ign, &old), 0);
    int levels[] = {0, 1};
    for (int i = 0; i < 2; i++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        close(fds[0]); /* the reader is gone */
        capture cap;
        capture_open(&cap);
        rt_out *w;
        assert_int_equal(rt_out_open_fd(&w, fds[1], 1, levels[i], &cap.lg), 0);
        uint8_t block[8192];
        for (size_t k = 0; k < sizeof block; k++)
            block[k] = (uint8_t)(k * 131 + (k >> 7)); /* compresses poorly */
        int rc = 0;
        for (int k = 0; k < 10000 && rc == 0; k++)
            rc = rt_out_write(w, block, sizeof block);
        if (rc == 0)
            rc = rt_out_flush(w);
        assert_int_equal(rc, RT_EPIPE);
        /* sticky: every later call says the same and writes nothing */
        assert_int_equal(rt_out_write(w, "x", 1), RT_EPIPE);
        assert_int_equal(rt_out_putc(w, 'x'), RT_EPIPE);
        assert_int_equal(rt_out_printf(w, "%d", 1), RT_EPIPE);
        assert_int_equal(rt_out_member_end(w), RT_EPIPE);
        assert_int_equal(rt_out_flush(w), RT_EPIPE);
        assert_int_equal(rt_out_status(w), RT_EPIPE);
        assert_int_equal(rt_out_close(w), RT_EPIPE);
        char first[1024] = "";
        assert_int_equal(capture_lines(&cap, first, sizeof first), 1);
        assert_non_null(strstr(first, "[test] "));
        assert_non_null(strstr(first, strerror(EPIPE)));
        /* own_fd: the write end was closed by rt_out_close */
        assert_int_equal(fcntl(fds[1], F_GETFD), -1);
    }
    sigaction(SIGPIPE, &old, NULL);
}

static void dev_full_is_error(void **state)
{
    (void)state;
    /* Linux always has /dev/full; its absence is a broken test machine. */
    assert_int_equal(access("/dev/full", W_OK), 0);
    int levels[] = {0, 3};
    for (int i = 0; i < 2; i++) {
        capture cap;
        capture_open(&cap);
        rt_out *w;
        assert_int_equal(rt_out_open(&w, "/dev/full", levels[i], &cap.lg), 0);
        /* Small writes sit in the buffer; the failure shows at close. */
        assert_int_equal(rt_out_puts(w, "hello\n"), 0);
        assert_int_equal(rt_out_close(w), RT_EIO);
        char first[1024] = "";
        assert_int_equal(capture_lines(&cap, first, sizeof first), 1);
        assert_non_null(strstr(first, "/dev/full"));
        assert_non_null(strstr(first, strerror(ENOSPC)));
    }
    /* A large write fails at once, without the logger (NULL is silent). */
    rt_out *w;
    assert_int_equal(rt_out_open(&w, "/dev/full", 0, NULL), 0);
    static uint8_t big[1 << 20];
    assert_int_equal(rt_out_write(w, big, sizeof big), RT_EIO);
    assert_int_equal(rt_out_close(w), RT_EIO);
}

static void stdout_is_not_closed(void **state)
{
    (void)state;
    char *path = tu_tmpfile();
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
    close(fd);
    rt_out *w;
    assert_int_equal(rt_out_open(&w, "-", 0, NULL), 0);
    assert_int_equal(rt_out_puts(w, "to stdout\n"), 0);
    assert_int_equal(rt_out_close(w), 0);
    assert_true(fcntl(STDOUT_FILENO, F_GETFD) >= 0);
    assert_int_equal(rt_out_open(&w, NULL, 0, NULL), 0); /* NULL path: stdout too */
    assert_int_equal(rt_out_puts(w, "again\n"), 0);
    assert_int_equal(rt_out_close(w), 0);
    assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
    close(saved);
    rt_buf back = {0};
    assert_int_equal(tu_file_bytes(path, &back), 0);
    assert_int_equal(back.n, 16);
    assert_memory_equal(back.v, "to stdout\nagain\n", 16);
    rt_vec_free(&back);
    unlink(path);
    free(path);
}

static void open_errors(void **state)
{
    (void)state;
    rt_out *w = (rt_out *)&w;
    errno = 0;
    assert_int_equal(rt_out_open(&w, "no/such/dir/out.txt", 0, NULL), RT_EIO);
    assert_int_equal(errno, ENOENT);
    assert_null(w);
    assert_int_equal(rt_out_open(&w, "-", 13, NULL), RT_EINVAL);
    assert_int_equal(rt_out_open(&w, "-", -1, NULL), RT_EINVAL);
    assert_int_equal(rt_out_open_fd(&w, -1, 0, 0, NULL), RT_EINVAL);
    assert_int_equal(rt_out_close(NULL), 0);
    /* A descriptor that cannot be written: the write error is RT_EIO. */
    char *path = tu_tmpfile();
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(rt_out_open_fd(&w, fd, 0, 0, NULL), 0);
    assert_int_equal(rt_out_puts(w, "x"), 0);
    assert_int_equal(rt_out_close(w), RT_EIO);
    assert_true(fcntl(fd, F_GETFD) >= 0); /* not ours: still open */
    close(fd);
    unlink(path);
    free(path);
}

static void open_alloc_failure(void **state)
{
    (void)state;
    char *path = tu_tmpfile();
    int levels[] = {0, 6};
    for (int i = 0; i < 2; i++) {
        int fails = 0;
        for (long k = 0; k < 20; k++) {
            int fd = open(path, O_WRONLY | O_TRUNC);
            assert_true(fd >= 0);
            rt_out *w = (rt_out *)&w;
            rt_alloc_fail_after(k);
            int rc = rt_out_open_fd(&w, fd, 1, levels[i], NULL);
            rt_alloc_fail_after(-1);
            if (rc == 0) {
                assert_int_equal(rt_out_puts(w, "ok\n"), 0);
                assert_int_equal(rt_out_close(w), 0); /* closes fd */
                break;
            }
            assert_int_equal(rc, RT_ENOMEM);
            assert_null(w);
            /* on failure the descriptor stays the caller's */
            assert_int_equal(close(fd), 0);
            fails++;
        }
        assert_true(fails >= (levels[i] ? 3 : 2));
    }
    /* Through rt_out_open: no descriptor leaks on failure either. */
    rt_out *w;
    rt_alloc_fail_after(0);
    assert_int_equal(rt_out_open(&w, path, 0, NULL), RT_ENOMEM);
    rt_alloc_fail_after(-1);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_roundtrip),
        cmocka_unit_test(gzip_roundtrip),
        cmocka_unit_test(gzip_empty_is_valid),
        cmocka_unit_test(member_end_starts_new_member),
        cmocka_unit_test(closed_pipe_is_epipe_once),
        cmocka_unit_test(dev_full_is_error),
        cmocka_unit_test(stdout_is_not_closed),
        cmocka_unit_test(open_errors),
        cmocka_unit_test(open_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
