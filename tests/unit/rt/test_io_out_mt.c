/*
 * rt_out with a pool (parallel gzip members): the bytes equal the serial
 * writer's at every thread count, flush really writes, errors stay sticky
 * and are reported once, allocation failures are clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "rt_test_util.h"

/* Writes text in varied pieces, ending members at fixed points. */
static int write_text(rt_out *w, const rt_buf *t)
{
    size_t pos = 0, step = 1;
    int k = 0, rc = 0;
    while (pos < t->n && rc == 0) {
        size_t n = t->n - pos < step ? t->n - pos : step;
        rc = rt_out_write(w, t->v + pos, n);
        pos += n;
        step = step * 5 + 3;
        if (step > 3000000)
            step = 7;
        if (++k % 7 == 0 && rc == 0)
            rc = rt_out_member_end(w);
    }
    return rc;
}

static void write_file(const char *path, const rt_buf *t, int level, int threads)
{
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, threads, 0), 0);
    rt_out *w;
    assert_int_equal(rt_out_open(&w, path, level, NULL), 0);
    assert_int_equal(rt_out_set_pool(w, pool), 0);
    assert_int_equal(write_text(w, t), 0);
    assert_int_equal(rt_out_close(w), 0);
    rt_pool_destroy(pool);
}

static void same_bytes_as_serial(void **state)
{
    (void)state;
    rt_buf t = {0}, ref = {0}, got = {0}, back = {0};
    tu_make_text(&t, 9 << 20, 31, 0);
    char *path = tu_tmpfile();
    int levels[] = {1, 6};
    for (int l = 0; l < 2; l++) {
        write_file(path, &t, levels[l], 1); /* one thread: the serial writer */
        assert_int_equal(tu_file_bytes(path, &ref), 0);
        assert_int_equal(tu_gz_slurp(path, &back), (long)t.n);
        assert_memory_equal(back.v, t.v, t.n);
        for (int th = 2; th <= 4; th++) {
            write_file(path, &t, levels[l], th);
            assert_int_equal(tu_file_bytes(path, &got), 0);
            assert_int_equal(got.n, ref.n);
            assert_memory_equal(got.v, ref.v, ref.n);
        }
    }
    unlink(path);
    free(path);
    rt_vec_free(&t);
    rt_vec_free(&ref);
    rt_vec_free(&got);
    rt_vec_free(&back);
}

static void flush_writes_everything(void **state)
{
    (void)state;
    rt_buf t = {0}, back = {0};
    tu_make_text(&t, 5 << 20, 32, 1);
    char *path = tu_tmpfile();
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 3, 0), 0);
    rt_out *w;
    assert_int_equal(rt_out_open(&w, path, 3, NULL), 0);
    assert_int_equal(rt_out_set_pool(w, pool), 0);
    assert_int_equal(rt_out_set_pool(w, pool), RT_EINVAL); /* only once */
    assert_int_equal(rt_out_write(w, t.v, t.n), 0);
    assert_int_equal(rt_out_flush(w), 0);
    /* Still open, yet the file already holds every byte written. */
    assert_int_equal(tu_gz_slurp(path, &back), (long)t.n);
    assert_memory_equal(back.v, t.v, t.n);
    assert_int_equal(rt_out_puts(w, "tail\n"), 0);
    assert_int_equal(rt_out_close(w), 0);
    assert_int_equal(tu_gz_slurp(path, &back), (long)t.n + 5);
    assert_memory_equal(back.v + t.n, "tail\n", 5);
    /* An empty parallel writer still makes valid gzip. */
    assert_int_equal(rt_out_open(&w, path, 6, NULL), 0);
    assert_int_equal(rt_out_set_pool(w, pool), 0);
    assert_int_equal(rt_out_close(w), 0);
    assert_int_equal(tu_gz_slurp(path, &back), 0);
    /* set_pool after a write is refused; plain output ignores the pool */
    assert_int_equal(rt_out_open(&w, path, 6, NULL), 0);
    assert_int_equal(rt_out_puts(w, "x"), 0);
    assert_int_equal(rt_out_set_pool(w, pool), RT_EINVAL);
    assert_int_equal(rt_out_close(w), 0);
    assert_int_equal(rt_out_open(&w, path, 0, NULL), 0);
    assert_int_equal(rt_out_set_pool(w, pool), 0);
    assert_int_equal(rt_out_puts(w, "plain"), 0);
    assert_int_equal(rt_out_close(w), 0);
    assert_int_equal(tu_file_bytes(path, &back), 0);
    assert_int_equal(back.n, 5);
    assert_memory_equal(back.v, "plain", 5);
    rt_pool_destroy(pool);
    unlink(path);
    free(path);
    rt_vec_free(&t);
    rt_vec_free(&back);
}

static int count_lines(FILE *f)
{
    fflush(f);
    rewind(f);
    int n = 0, c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static void closed_pipe_and_full_disk(void **state)
{
    (void)state;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    assert_int_equal(sigaction(SIGPIPE, &ign, &old), 0);
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 3, 0), 0);
    rt_buf t = {0};
    tu_make_text(&t, 2 << 20, 33, 0);
    for (int i = 0; i < 2; i++) {
        FILE *sink = tmpfile();
        rt_logger lg = {.level = RT_LOG_DEBUG, .tag = "t", .sink = sink};
        rt_out *w;
        int want;
        if (i == 0) {
            int fds[2];
            assert_int_equal(pipe(fds), 0);
            close(fds[0]);
            assert_int_equal(rt_out_open_fd(&w, fds[1], 1, 1, &lg), 0);
            want = RT_EPIPE;
        } else {
            if (access("/dev/full", W_OK) != 0) {
                fclose(sink);
                continue;
            }
            assert_int_equal(rt_out_open(&w, "/dev/full", 1, &lg), 0);
            want = RT_EIO;
        }
        assert_int_equal(rt_out_set_pool(w, pool), 0);
        int rc = 0;
        for (int k = 0; k < 50 && rc == 0; k++)
            rc = rt_out_write(w, t.v, t.n);
        if (rc == 0)
            rc = rt_out_flush(w);
        assert_int_equal(rc, want);
        assert_int_equal(rt_out_write(w, "x", 1), want);
        assert_int_equal(rt_out_flush(w), want);
        assert_int_equal(rt_out_close(w), want);
        assert_int_equal(count_lines(sink), 1);
    }
    sigaction(SIGPIPE, &old, NULL);
    rt_pool_destroy(pool);
    rt_vec_free(&t);
}

/* Holds a pool worker until the test opens the gate. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int open;
} gate;

static void gated(void *arg, int worker)
{
    (void)worker;
    gate *g = arg;
    pthread_mutex_lock(&g->mu);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

static void alloc_failures(void **state)
{
    (void)state;
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 2, 0), 0);
    char *path = tu_tmpfile();
    rt_buf back = {0};
    /* set_pool failing leaves a working serial writer. */
    int fails = 0;
    for (long k = 0; k < 10; k++) {
        rt_out *w;
        assert_int_equal(rt_out_open(&w, path, 6, NULL), 0);
        rt_alloc_fail_after(k);
        int rc = rt_out_set_pool(w, pool);
        rt_alloc_fail_after(-1);
        assert_true(rc == 0 || rc == RT_ENOMEM);
        fails += rc != 0;
        assert_int_equal(rt_out_puts(w, "still fine\n"), 0);
        assert_int_equal(rt_out_close(w), 0);
        assert_int_equal(tu_gz_slurp(path, &back), 11);
        if (rc == 0)
            break;
    }
    assert_true(fails >= 2);
    /* A new member buffer that cannot be allocated: sticky RT_ENOMEM. The
     * workers are held, so no finished member can be recycled and the
     * second member must allocate. */
    rt_buf t = {0};
    tu_make_text(&t, 3 << 20, 34, 0);
    rt_out *w;
    assert_int_equal(rt_out_open(&w, path, 1, NULL), 0);
    assert_int_equal(rt_out_set_pool(w, pool), 0);
    gate g = {.open = 0};
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.cv, NULL);
    assert_int_equal(rt_pool_submit(pool, gated, &g), 0);
    assert_int_equal(rt_pool_submit(pool, gated, &g), 0);
    rt_alloc_fail_after(0);
    int rc = rt_out_write(w, t.v, t.n);
    rt_alloc_fail_after(-1);
    pthread_mutex_lock(&g.mu);
    g.open = 1;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    assert_int_equal(rc, RT_ENOMEM);
    assert_int_equal(rt_out_puts(w, "x"), RT_ENOMEM);
    assert_int_equal(rt_out_close(w), RT_ENOMEM);
    rt_pool_wait(pool);
    pthread_cond_destroy(&g.cv);
    pthread_mutex_destroy(&g.mu);
    rt_pool_destroy(pool);
    unlink(path);
    free(path);
    rt_vec_free(&t);
    rt_vec_free(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_bytes_as_serial),
        cmocka_unit_test(flush_writes_everything),
        cmocka_unit_test(closed_pipe_and_full_disk),
        cmocka_unit_test(alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
