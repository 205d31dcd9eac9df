/*
 * rt_in: plain and gzip input (single member, multi-member, BGZF), CRLF and
 * missing final newline, long lines, stdin, corrupt and truncated gzip,
 * rt_read_file, and allocation failures. Gzip data comes from zlib.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "rt_test_util.h"

/* Reads all lines and checks them against an independent split of `text`:
 * lines end at LF, a CR before the LF (or before the end) is dropped, and
 * a last line without LF still counts. */
static void expect_lines(rt_in *r, const uint8_t *text, size_t n)
{
    size_t pos = 0;
    for (;;) {
        const char *line;
        size_t len;
        int eof;
        assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
        if (pos == n) {
            assert_int_equal(eof, 1);
            break;
        }
        assert_int_equal(eof, 0);
        const uint8_t *nl = memchr(text + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - text) : n;
        size_t want = end - pos;
        if (want > 0 && text[end - 1] == '\r')
            want--;
        assert_int_equal(len, want);
        assert_memory_equal(line, text + pos, want);
        pos = nl ? end + 1 : n;
    }
    /* eof stays eof */
    const char *line;
    size_t len;
    int eof;
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
    assert_int_equal(eof, 1);
}

/* Reads everything with rt_in_read in chunks of `chunk` and compares. */
static void expect_bytes(rt_in *r, const uint8_t *text, size_t n, size_t chunk)
{
    uint8_t *got = malloc(n + chunk + 1);
    assert_non_null(got);
    size_t total = 0, k;
    for (;;) {
        assert_int_equal(rt_in_read(r, got + total, chunk, &k), 0);
        if (k == 0)
            break;
        total += k;
        assert_true(total <= n);
    }
    assert_int_equal(total, n);
    assert_memory_equal(got, text, n);
    free(got);
}

static rt_in *open_bytes(char **path, const void *p, size_t n)
{
    *path = tu_tmpfile();
    assert_non_null(*path);
    assert_int_equal(tu_write_file(*path, p, n), 0);
    rt_in *r = NULL;
    assert_int_equal(rt_in_open(&r, *path), 0);
    return r;
}

static void done_path(char *path)
{
    unlink(path);
    free(path);
}

/* getline, peek and read share one buffer: mixing them loses nothing. */
static void mixed_calls(void **state)
{
    (void)state;
    const char *text = "head\r\nbody bytes\nline3\nrest";
    char *path;
    rt_in *r = open_bytes(&path, text, strlen(text));
    const char *line;
    size_t len, got;
    int eof, c;
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
    assert_int_equal(len, 4);
    assert_int_equal(rt_in_peek(r, &c), 0);
    assert_int_equal(c, 'b');
    char buf[8];
    assert_int_equal(rt_in_read(r, buf, 5, &got), 0);
    assert_int_equal(got, 5);
    assert_memory_equal(buf, "body ", 5);
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
    assert_int_equal(len, 5);
    assert_memory_equal(line, "bytes", 5);
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
    assert_memory_equal(line, "line3", 5);
    assert_int_equal(rt_in_read(r, buf, sizeof buf, &got), 0);
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "rest", 4);
    assert_int_equal(rt_in_read(r, buf, sizeof buf, &got), 0);
    assert_int_equal(got, 0);
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
    assert_int_equal(eof, 1);
    rt_in_close(r);
    done_path(path);
}

static void plain_crlf_and_last_line(void **state)
{
    (void)state;
    const char *cases[] = {
        "a\nbb\r\nccc",        /* no final newline */
        "a\nbb\r\nccc\n",
        "\n\r\n\nx",           /* empty lines in both styles */
        "one\rtwo\r\n",        /* a lone CR stays inside the line */
        "last\r",              /* CR right before the end */
        "",
        "\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path;
        rt_in *r = open_bytes(&path, cases[i], strlen(cases[i]));
        assert_int_equal(rt_in_is_gzip(r), 0);
        assert_string_equal(rt_in_path(r), path);
        expect_lines(r, (const uint8_t *)cases[i], strlen(cases[i]));
        rt_in_close(r);
        done_path(path);
    }
    /* Explicit results for the first case, independent of expect_lines. */
    char *path;
    rt_in *r = open_bytes(&path, "a\nbb\r\nccc", 9);
    const char *line;
    size_t len;
    int eof;
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
    assert_int_equal(len, 1);
    assert_memory_equal(line, "a", 1);
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
    assert_int_equal(len, 2);
    assert_memory_equal(line, "bb", 2);
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
    assert_int_equal(len, 3);
    assert_memory_equal(line, "ccc", 3);
    assert_int_equal(eof, 0);
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), 0);
    assert_int_equal(eof, 1);
    rt_in_close(r);
    done_path(path);
}

static void plain_large_and_peek(void **state)
{
    (void)state;
    rt_buf t = {0};
    tu_make_text(&t, 3 << 20, 1, 1);
    char *path;
    rt_in *r = open_bytes(&path, t.v, t.n);
    int c;
    assert_int_equal(rt_in_peek(r, &c), 0);
    assert_int_equal(c, t.v[0]);
    assert_int_equal(rt_in_peek(r, &c), 0); /* peeking consumes nothing */
    assert_int_equal(c, t.v[0]);
    expect_lines(r, t.v, t.n);
    assert_int_equal(rt_in_peek(r, &c), 0);
    assert_int_equal(c, -1);
    rt_in_close(r);
    size_t chunks[] = {1, 7, 4096, 1 << 20};
    for (size_t i = 0; i < 4; i++) {
        r = NULL;
        assert_int_equal(rt_in_open(&r, path), 0);
        expect_bytes(r, t.v, t.n, chunks[i]);
        rt_in_close(r);
    }
    done_path(path);
    rt_vec_free(&t);
}

static void long_lines(void **state)
{
    (void)state;
    rt_buf t = {0};
    for (int k = 0; k < 3; k++) {
        size_t len = (size_t)(k + 1) * 700000; /* far longer than the buffer */
        for (size_t i = 0; i < len; i++)
            rt_buf_putc(&t, (uint8_t)('a' + (i * 7 + (size_t)k) % 26));
        rt_buf_append(&t, "\r\nshort\n", 8);
    }
    char *path;
    rt_in *r = open_bytes(&path, t.v, t.n);
    expect_lines(r, t.v, t.n);
    rt_in_close(r);
    done_path(path);
    rt_buf z = {0};
    assert_int_equal(tu_gzip_member(t.v, t.n, 6, &z), 0);
    r = open_bytes(&path, z.v, z.n);
    assert_int_equal(rt_in_is_gzip(r), 1);
    expect_lines(r, t.v, t.n);
    rt_in_close(r);
    done_path(path);
    /* BGZF: blocks often meet a buffer too full for a whole block, which
     * zlib then decodes in pieces. */
    z.n = 0;
    for (size_t off = 0; off < t.n; off += 60000) {
        size_t n = t.n - off < 60000 ? t.n - off : 60000;
        assert_int_equal(tu_bgzf_block(t.v + off, n, &z), 0);
    }
    r = open_bytes(&path, z.v, z.n);
    expect_lines(r, t.v, t.n);
    rt_in_close(r);
    done_path(path);
    rt_vec_free(&z);
    rt_vec_free(&t);
}

static void gzip_single_member(void **state)
{
    (void)state;
    rt_buf t = {0}, z = {0};
    tu_make_text(&t, 2 << 20, 2, 0);
    rt_buf_append(&t, "no newline at the end", 21);
    assert_int_equal(tu_gzip_member(t.v, t.n, 6, &z), 0);
    char *path;
    rt_in *r = open_bytes(&path, z.v, z.n);
    assert_int_equal(rt_in_is_gzip(r), 1);
    expect_lines(r, t.v, t.n);
    rt_in_close(r);
    size_t chunks[] = {3, 65536, 3 << 20};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(rt_in_open(&r, path), 0);
        expect_bytes(r, t.v, t.n, chunks[i]);
        rt_in_close(r);
    }
    done_path(path);
    rt_vec_free(&t);
    rt_vec_free(&z);
}

/* Members split the text at arbitrary points, even inside a CRLF. */
static void gzip_multi_member(void **state)
{
    (void)state;
    rt_buf t = {0}, z = {0};
    tu_make_text(&t, 1 << 20, 3, 1);
    size_t cuts[] = {0, 1, 17, 5000, 5001, 300000, 300001, 700003, t.n};
    /* one cut lands between a CR and its LF */
    const uint8_t *cr = memchr(t.v + 400000, '\r', t.n - 400000);
    assert_non_null(cr);
    cuts[7] = (size_t)(cr - t.v) + 1;
    for (size_t i = 0; i + 1 < sizeof cuts / sizeof cuts[0]; i++)
        assert_int_equal(tu_gzip_member(t.v + cuts[i], cuts[i + 1] - cuts[i], i % 9 + 1, &z), 0);
    char *path;
    rt_in *r = open_bytes(&path, z.v, z.n);
    expect_lines(r, t.v, t.n);
    rt_in_close(r);
    assert_int_equal(rt_in_open(&r, path), 0);
    expect_bytes(r, t.v, t.n, 10000);
    rt_in_close(r);
    done_path(path);
    rt_vec_free(&t);
    rt_vec_free(&z);
}

static void gzip_bgzf(void **state)
{
    (void)state;
    rt_buf t = {0}, z = {0};
    tu_make_text(&t, 1 << 20, 4, 0);
    for (size_t off = 0; off < t.n; off += 65280) {
        size_t n = t.n - off < 65280 ? t.n - off : 65280;
        assert_int_equal(tu_bgzf_block(t.v + off, n, &z), 0);
    }
    assert_int_equal(tu_bgzf_block("", 0, &z), 0); /* the BGZF end-of-file block */
    assert_int_equal(z.v[3] & 4, 4);                 /* FEXTRA really set */
    char *path;
    rt_in *r = open_bytes(&path, z.v, z.n);
    assert_int_equal(rt_in_is_gzip(r), 1);
    expect_lines(r, t.v, t.n);
    rt_in_close(r);
    done_path(path);
    rt_vec_free(&t);
    rt_vec_free(&z);
}

/* BGZF blocks whose size field lies, and BGZF mixed with plain members:
 * the data is valid gzip, so it must still decode (zlib takes over). */
static void gzip_bgzf_odd(void **state)
{
    (void)state;
    rt_buf t = {0}, z = {0};
    tu_make_text(&t, 300000, 9, 1);
    size_t third = t.n / 3;
    assert_int_equal(tu_gzip_member(t.v, 1000, 6, &z), 0);
    size_t b1 = z.n;
    assert_int_equal(tu_bgzf_block(t.v + 1000, 50000, &z), 0);
    size_t b2 = z.n;
    assert_int_equal(tu_bgzf_block(t.v + 51000, third - 51000, &z), 0);
    assert_int_equal(tu_gzip_member(t.v + third, t.n - third, 1, &z), 0);
    char *path = tu_tmpfile();
    for (int lie = 0; lie < 4; lie++) {
        uint8_t save0 = z.v[b1 + 16], save1 = z.v[b2 + 16], save2 = z.v[b2 + 17];
        if (lie == 1)
            z.v[b1 + 16] = (uint8_t)(z.v[b1 + 16] - 1); /* one byte short */
        if (lie == 2)
            z.v[b1 + 16] = (uint8_t)(z.v[b1 + 16] + 40); /* runs into the next */
        if (lie == 3)
            z.v[b2 + 16] = z.v[b2 + 17] = 0xff; /* claims 64 KiB */
        assert_int_equal(tu_write_file(path, z.v, z.n), 0);
        rt_in *r;
        assert_int_equal(rt_in_open(&r, path), 0);
        expect_lines(r, t.v, t.n);
        rt_in_close(r);
        z.v[b1 + 16] = save0;
        z.v[b2 + 16] = save1;
        z.v[b2 + 17] = save2;
    }
    done_path(path);
    rt_vec_free(&t);
    rt_vec_free(&z);
}

static void gzip_empty_members(void **state)
{
    (void)state;
    rt_buf z = {0};
    assert_int_equal(tu_gzip_member("", 0, 6, &z), 0);
    char *path;
    rt_in *r = open_bytes(&path, z.v, z.n);
    assert_int_equal(rt_in_is_gzip(r), 1);
    expect_lines(r, (const uint8_t *)"", 0);
    rt_in_close(r);
    done_path(path);
    assert_int_equal(tu_gzip_member("x\n", 2, 6, &z), 0);
    assert_int_equal(tu_gzip_member("", 0, 6, &z), 0);
    r = open_bytes(&path, z.v, z.n);
    expect_lines(r, (const uint8_t *)"x\n", 2);
    rt_in_close(r);
    done_path(path);
    rt_vec_free(&z);
}

/* Reads to the end; returns the first error (0 if none). */
static int drain_status(rt_in *r)
{
    uint8_t buf[4096];
    size_t got;
    for (;;) {
        int rc = rt_in_read(r, buf, sizeof buf, &got);
        if (rc != 0)
            return rc;
        if (got == 0)
            return 0;
    }
}

static void gzip_truncated_and_corrupt(void **state)
{
    (void)state;
    rt_buf t = {0}, z = {0};
    tu_make_text(&t, 20000, 5, 0);
    assert_int_equal(tu_gzip_member(t.v, t.n, 6, &z), 0);
    size_t bgzf_start = z.n;
    assert_int_equal(tu_bgzf_block(t.v, 5000, &z), 0); /* decoded by the fast path */
    size_t bgzf_end = z.n;
    assert_int_equal(tu_gzip_member(t.v, 100, 6, &z), 0);
    char *path = tu_tmpfile();
    /* Every truncation point (from 2 bytes, where the magic is whole). */
    for (size_t cut = 2; cut < z.n;) {
        assert_int_equal(tu_write_file(path, z.v, cut), 0);
        rt_in *r;
        assert_int_equal(rt_in_open(&r, path), 0);
        int rc = drain_status(r);
        if (cut == bgzf_start || cut == bgzf_end) {
            /* a cut between members leaves a shorter, valid file */
            assert_int_equal(rc, 0);
            rt_in_close(r);
            cut++;
            continue;
        }
        if (rc != RT_EFORMAT)
            fail_msg("truncated at %zu of %zu: status %d", cut, z.n, rc);
        /* sticky: the next call reports it again */
        size_t got;
        uint8_t b;
        assert_int_equal(rt_in_read(r, &b, 1, &got), RT_EFORMAT);
        rt_in_close(r);
        /* every byte near the ends and the BGZF block's edges, else a stride */
        int near = cut < 64 || z.n - cut < 64 || (cut + 64 > bgzf_start && cut < bgzf_start + 64) ||
                   (cut + 64 > bgzf_end && cut < bgzf_end + 64);
        cut += near ? 1 : 97;
    }
    /* A flipped bit in the data or the trailer (CRC, size). */
    size_t flips[] = {30, z.n / 3, bgzf_start + 40, bgzf_end - 7, bgzf_end - 2, z.n - 7};
    for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
        z.v[flips[i]] ^= 0x10;
        assert_int_equal(tu_write_file(path, z.v, z.n), 0);
        rt_in *r;
        assert_int_equal(rt_in_open(&r, path), 0);
        assert_int_equal(drain_status(r), RT_EFORMAT);
        rt_in_close(r);
        z.v[flips[i]] ^= 0x10;
    }
    /* Trailing bytes that are not a member, and getline sees it too. */
    rt_buf_append(&z, "garbage", 7);
    assert_int_equal(tu_write_file(path, z.v, z.n), 0);
    rt_in *r;
    assert_int_equal(rt_in_open(&r, path), 0);
    const char *line;
    size_t len;
    int eof, rc;
    do
        rc = rt_in_getline(r, &line, &len, &eof);
    while (rc == 0 && !eof);
    assert_int_equal(rc, RT_EFORMAT);
    rt_in_close(r);
    done_path(path);
    rt_vec_free(&t);
    rt_vec_free(&z);
}

/* Replaces stdin with the read end of a pipe holding `data`. */
static int stdin_from_pipe(const void *data, size_t n)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_true(n < 60000); /* fits the pipe buffer: no writer thread */
    assert_int_equal(write(fds[1], data, n), (ssize_t)n);
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    return saved;
}

static void restore_stdin(int saved)
{
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
}

/* Random damage (flipped bytes, header fields, cuts) to plain and BGZF
 * members: the reader must return data or RT_EFORMAT, never crash or hang
 * (ASan and UBSan watch the decoders here). */
static void random_damage(int from_file, int iters)
{
    rt_buf t = {0}, z = {0}, d = {0};
    char *path = from_file ? tu_tmpfile() : NULL;
    tu_make_text(&t, 6000, 10, 1);
    assert_int_equal(tu_bgzf_block(t.v, 3000, &z), 0);
    assert_int_equal(tu_gzip_member(t.v + 3000, t.n - 3000, 6, &z), 0);
    assert_int_equal(tu_bgzf_block(t.v, 2000, &z), 0);
    assert_int_equal(tu_bgzf_block("", 0, &z), 0);
    uint64_t x = 99;
    int bad = 0;
    for (int iter = 0; iter < iters; iter++) {
        d.n = 0;
        rt_buf_append(&d, z.v, z.n);
        int edits = 1 + iter % 4;
        for (int e = 0; e < edits; e++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t at = (size_t)(x >> 33) % d.n;
            if (e == 0 && iter % 3 == 0)
                at = (size_t)(x >> 40) % 24; /* headers: flags, XLEN, BSIZE */
            d.v[at] = (uint8_t)(x >> 16);
        }
        if (iter % 5 == 0)
            d.n = 2 + (size_t)(x >> 20) % (d.n - 2);
        /* A pipe streams through zlib; a file is decoded whole. */
        int saved = -1;
        if (from_file)
            assert_int_equal(tu_write_file(path, d.v, d.n), 0);
        else
            saved = stdin_from_pipe(d.v, d.n);
        rt_in *r;
        assert_int_equal(rt_in_open(&r, from_file ? path : "-"), 0);
        const char *line;
        size_t len;
        int eof, rc;
        long lines = 0;
        do
            rc = rt_in_getline(r, &line, &len, &eof);
        while (rc == 0 && !eof && ++lines < 1000000);
        assert_true(rc == 0 || rc == RT_EFORMAT);
        if (rc != 0)
            bad++;
        rt_in_close(r);
        if (!from_file)
            restore_stdin(saved);
    }
    assert_true(bad > iters / 3); /* most damage is detected (CRCs) */
    if (path)
        done_path(path);
    rt_vec_free(&t);
    rt_vec_free(&z);
    rt_vec_free(&d);
}

static void gzip_random_damage(void **state)
{
    (void)state;
    random_damage(0, 1500);
}

static void gzip_random_damage_file(void **state)
{
    (void)state;
    random_damage(1, 400);
}

/* A file is decoded member by member in one piece, a pipe streams: both
 * must give the same bytes. The first member is far larger than the size
 * the last one announces (the whole-member guess must grow), and empty and
 * BGZF members sit between plain ones. */
static void gzip_file_and_pipe_agree(void **state)
{
    (void)state;
    rt_buf t = {0}, z = {0};
    for (int i = 0; i < 40000; i++) /* about 1.6 MB that deflates to ~2 KB */
        rt_buf_append(&t, "ACGTACGTACGTACGTACGTACGTACGTACGTACGTACG\n", 40);
    size_t big = t.n;
    rt_buf tail = {0};
    tu_make_text(&tail, 20000, 8, 1);
    rt_buf_append(&t, tail.v, tail.n);
    rt_vec_free(&tail);
    assert_int_equal(tu_gzip_member(t.v, big, 9, &z), 0);
    assert_int_equal(tu_gzip_member("", 0, 6, &z), 0);
    assert_int_equal(tu_bgzf_block(t.v + big, 7000, &z), 0);
    assert_int_equal(tu_gzip_member(t.v + big + 7000, t.n - big - 7000, 1, &z), 0);
    assert_true(z.n < 60000);
    char *path;
    rt_in *r = open_bytes(&path, z.v, z.n);
    expect_lines(r, t.v, t.n);
    rt_in_close(r);
    assert_int_equal(rt_in_open(&r, path), 0);
    expect_bytes(r, t.v, t.n, 4096);
    rt_in_close(r);
    done_path(path);
    int saved = stdin_from_pipe(z.v, z.n);
    assert_int_equal(rt_in_open(&r, "-"), 0);
    expect_lines(r, t.v, t.n);
    rt_in_close(r);
    restore_stdin(saved);
    rt_vec_free(&t);
    rt_vec_free(&z);
}

static void stdin_plain_and_gzip(void **state)
{
    (void)state;
    const char *text = "from\r\nstdin\nno newline";
    int saved = stdin_from_pipe(text, strlen(text));
    rt_in *r;
    assert_int_equal(rt_in_open(&r, "-"), 0);
    assert_string_equal(rt_in_path(r), "-");
    assert_int_equal(rt_in_is_gzip(r), 0);
    expect_lines(r, (const uint8_t *)text, strlen(text));
    rt_in_close(r); /* must not close fd 0 */
    assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
    restore_stdin(saved);

    rt_buf t = {0}, z = {0};
    tu_make_text(&t, 100000, 6, 1);
    assert_int_equal(tu_gzip_member(t.v, t.n / 2, 9, &z), 0);
    assert_int_equal(tu_gzip_member(t.v + t.n / 2, t.n - t.n / 2, 1, &z), 0);
    saved = stdin_from_pipe(z.v, z.n);
    assert_int_equal(rt_in_open(&r, "-"), 0);
    assert_int_equal(rt_in_is_gzip(r), 1);
    expect_lines(r, t.v, t.n);
    rt_in_close(r);
    restore_stdin(saved);
    rt_vec_free(&t);
    rt_vec_free(&z);
}

static void open_errors(void **state)
{
    (void)state;
    rt_in *r = (rt_in *)&r;
    errno = 0;
    assert_int_equal(rt_in_open(&r, "no/such/dir/file.txt"), RT_EIO);
    assert_int_equal(errno, ENOENT);
    assert_null(r);
    assert_int_equal(rt_in_open(&r, NULL), RT_EINVAL);
    rt_in_close(NULL);
}

static void open_alloc_failure(void **state)
{
    (void)state;
    rt_buf z = {0};
    assert_int_equal(tu_gzip_member("a\nb\n", 4, 6, &z), 0);
    char *path = tu_tmpfile();
    assert_int_equal(tu_write_file(path, z.v, z.n), 0);
    int fails = 0;
    for (long k = 0; k < 40; k++) {
        rt_in *r = (rt_in *)&r;
        rt_alloc_fail_after(k);
        int rc = rt_in_open(&r, path);
        rt_alloc_fail_after(-1);
        if (rc == 0) {
            expect_lines(r, (const uint8_t *)"a\nb\n", 4);
            rt_in_close(r);
            break;
        }
        assert_int_equal(rc, RT_ENOMEM);
        assert_null(r);
        fails++;
    }
    assert_true(fails >= 4); /* reader, path, buffer, raw buffer, zlib state */
    /* zlib allocates its window once a member spans several inflate
     * calls: that failure is an error from getline, not a crash, and it
     * is sticky. */
    rt_buf t = {0};
    tu_make_text(&t, 1 << 20, 8, 0);
    z.n = 0;
    assert_int_equal(tu_gzip_member(t.v, t.n, 6, &z), 0);
    assert_int_equal(tu_write_file(path, z.v, z.n), 0);
    rt_vec_free(&t);
    rt_in *r;
    assert_int_equal(rt_in_open(&r, path), 0);
    const char *line;
    size_t len;
    int eof;
    rt_alloc_fail_after(0);
    int rc = rt_in_getline(r, &line, &len, &eof);
    rt_alloc_fail_after(-1);
    assert_int_equal(rc, RT_ENOMEM);
    assert_int_equal(rt_in_getline(r, &line, &len, &eof), RT_ENOMEM);
    rt_in_close(r);
    done_path(path);
    rt_vec_free(&z);
}

static void read_file_whole(void **state)
{
    (void)state;
    rt_buf t = {0};
    tu_make_text(&t, 300000, 7, 0);
    char *path = tu_tmpfile();
    assert_int_equal(tu_write_file(path, t.v, t.n), 0);
    uint8_t *data;
    size_t len;
    assert_int_equal(rt_read_file(path, &data, &len), 0);
    assert_int_equal(len, t.n);
    assert_memory_equal(data, t.v, t.n);
    rt_free(data);
    assert_int_equal(tu_write_file(path, "", 0), 0);
    assert_int_equal(rt_read_file(path, &data, &len), 0);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_int_equal(tu_write_file(path, t.v, t.n), 0);
    rt_alloc_fail_after(0);
    assert_int_equal(rt_read_file(path, &data, &len), RT_ENOMEM);
    rt_alloc_fail_after(-1);
    assert_null(data);
    done_path(path);
    assert_int_equal(rt_read_file("no/such/file", &data, &len), RT_EIO);
    int saved = stdin_from_pipe("piped bytes", 11);
    assert_int_equal(rt_read_file("-", &data, &len), 0);
    assert_int_equal(len, 11);
    assert_memory_equal(data, "piped bytes", 11);
    rt_free(data);
    restore_stdin(saved);
    rt_vec_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_crlf_and_last_line),
        cmocka_unit_test(plain_large_and_peek),
        cmocka_unit_test(mixed_calls),
        cmocka_unit_test(long_lines),
        cmocka_unit_test(gzip_single_member),
        cmocka_unit_test(gzip_multi_member),
        cmocka_unit_test(gzip_bgzf),
        cmocka_unit_test(gzip_bgzf_odd),
        cmocka_unit_test(gzip_empty_members),
        cmocka_unit_test(gzip_truncated_and_corrupt),
        cmocka_unit_test(gzip_random_damage),
        cmocka_unit_test(gzip_random_damage_file),
        cmocka_unit_test(gzip_file_and_pipe_agree),
        cmocka_unit_test(stdin_plain_and_gzip),
        cmocka_unit_test(open_errors),
        cmocka_unit_test(open_alloc_failure),
        cmocka_unit_test(read_file_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
