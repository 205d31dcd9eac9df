/*
 * rt_pipe: results are consumed in submission order on the owner thread
 * whatever the thread count, in-flight bound and per-job delays; the first
 * error stops the pipeline yet every job still reaches consume; what
 * consume sees does not depend on the thread count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kindred/rt.h"

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static long scale(void)
{
    const char *s = getenv("KINDRED_TEST_SCALE");
    long v = s ? atol(s) : 1;
    return v > 0 ? v : 1;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ULL;
    return x ^ (x >> 29);
}

typedef struct {
    long seq;
    uint64_t result;
    int worked;
} job;

typedef struct {
    pthread_t owner;
    long next;            /* owner only: next seq expected by consume */
    long consumed;
    long fail_work_at;    /* -1: never */
    long fail_consume_at; /* -1: never */
    int max_delay_us;
    atomic_int in_work, max_in_work;
    atomic_long works_run;
    int *statuses;        /* status seen by consume, per seq */
    int bad_order, bad_thread, bad_result;
} ctx;

static int work_fn(void *vc, void *vj, int worker)
{
    ctx *c = vc;
    job *j = vj;
    (void)worker;
    int now = atomic_fetch_add(&c->in_work, 1) + 1;
    int seen = atomic_load(&c->max_in_work);
    while (now > seen && !atomic_compare_exchange_weak(&c->max_in_work, &seen, now))
        ;
    atomic_fetch_add(&c->works_run, 1);
    if (c->max_delay_us)
        sleep_us((long)(mix((uint64_t)j->seq) % (uint64_t)c->max_delay_us));
    j->result = mix((uint64_t)j->seq + 1);
    j->worked = 1;
    atomic_fetch_sub(&c->in_work, 1);
    return j->seq == c->fail_work_at ? RT_EFORMAT : 0;
}

static int consume_fn(void *vc, void *vj, int status)
{
    ctx *c = vc;
    job *j = vj;
    if (!pthread_equal(pthread_self(), c->owner))
        c->bad_thread++;
    if (j->seq != c->next)
        c->bad_order++;
    if (status == 0 && (!j->worked || j->result != mix((uint64_t)j->seq + 1)))
        c->bad_result++;
    if (c->statuses)
        c->statuses[j->seq] = status;
    c->next = j->seq + 1;
    c->consumed++;
    int rc = j->seq == c->fail_consume_at ? RT_EIO : 0;
    free(j); /* the consumer owns the job, also when it was cancelled */
    return rc;
}

static void ctx_init(ctx *c)
{
    memset(c, 0, sizeof *c);
    c->owner = pthread_self();
    c->fail_work_at = -1;
    c->fail_consume_at = -1;
    atomic_init(&c->in_work, 0);
    atomic_init(&c->max_in_work, 0);
    atomic_init(&c->works_run, 0);
}

/* Submits n jobs; returns the first non-zero submit status (or 0) and the
 * finish status through *fin. Jobs are numbered start, start+1, ... */
static int run_from(rt_pipe *pp, long start, long n, int *fin)
{
    int first = 0;
    for (long i = start; i < start + n; i++) {
        job *j = calloc(1, sizeof *j);
        assert_non_null(j);
        j->seq = i;
        int rc = rt_pipe_submit(pp, j);
        if (rc != 0 && first == 0)
            first = rc;
    }
    *fin = rt_pipe_finish(pp);
    return first;
}

static int run(rt_pipe *pp, long n, int *fin)
{
    return run_from(pp, 0, n, fin);
}

static void consumed_in_submission_order(void **state)
{
    (void)state;
    int threads[] = {1, 2, 3, 4, 8};
    size_t inflight[] = {1, 3, 16, 0};
    long n = 600 * scale();
    for (size_t t = 0; t < 5; t++)
        for (size_t f = 0; f < 4; f++) {
            rt_pool *pool;
            assert_int_equal(rt_pool_create(&pool, threads[t], 0), 0);
            ctx c;
            ctx_init(&c);
            c.max_delay_us = 300;
            rt_pipe *pp;
            assert_int_equal(rt_pipe_create(&pp, pool, inflight[f], work_fn, consume_fn, &c), 0);
            int fin;
            assert_int_equal(run(pp, n, &fin), 0);
            assert_int_equal(fin, 0);
            /* finish consumed everything, in order, on this thread. */
            assert_int_equal(c.consumed, n);
            assert_int_equal(c.bad_order, 0);
            assert_int_equal(c.bad_thread, 0);
            assert_int_equal(c.bad_result, 0);
            assert_int_equal(atomic_load(&c.works_run), n);
            size_t bound = inflight[f] ? inflight[f] : 4 * (size_t)threads[t];
            assert_true((size_t)atomic_load(&c.max_in_work) <= bound);
            assert_true(atomic_load(&c.max_in_work) <= threads[t]);
            /* The pipe can take more work after finish. */
            assert_int_equal(run_from(pp, n, 10, &fin), 0);
            assert_int_equal(c.consumed, n + 10);
            assert_int_equal(c.bad_order, 0);
            rt_pipe_destroy(pp);
            rt_pool_destroy(pool);
        }
}

/* Jobs really run in parallel when threads are available. */
static void work_overlaps(void **state)
{
    (void)state;
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 4, 0), 0);
    ctx c;
    ctx_init(&c);
    c.max_delay_us = 3000;
    rt_pipe *pp;
    assert_int_equal(rt_pipe_create(&pp, pool, 8, work_fn, consume_fn, &c), 0);
    int fin;
    assert_int_equal(run(pp, 64, &fin), 0);
    assert_int_equal(fin, 0);
    assert_true(atomic_load(&c.max_in_work) >= 2);
    rt_pipe_destroy(pp);
    rt_pool_destroy(pool);
}

static void check_failed_run(const ctx *c, long n, long fail_at, int err, int first, int fin,
                             size_t inflight)
{
    assert_int_equal(first, err);
    assert_int_equal(fin, err);
    assert_int_equal(c->consumed, n); /* every job handed back */
    assert_int_equal(c->bad_order, 0);
    assert_int_equal(c->bad_thread, 0);
    assert_int_equal(c->bad_result, 0);
    for (long i = 0; i < n; i++) {
        int want = i < fail_at ? 0 : i == fail_at ? (err == RT_EIO ? 0 : err) : RT_ECANCELED;
        assert_int_equal(c->statuses[i], want);
    }
    /* Work stopped: nothing submitted after the failure was seen ran. */
    assert_true(atomic_load(&c->works_run) <= fail_at + 1 + (long)inflight);
}

static void work_error_stops_and_cancels(void **state)
{
    (void)state;
    int threads[] = {1, 2, 4};
    long n = 400, fail_at = 150;
    for (size_t t = 0; t < 3; t++) {
        rt_pool *pool;
        assert_int_equal(rt_pool_create(&pool, threads[t], 0), 0);
        ctx c;
        ctx_init(&c);
        c.max_delay_us = 200;
        c.fail_work_at = fail_at;
        c.statuses = calloc((size_t)n, sizeof *c.statuses);
        rt_pipe *pp;
        assert_int_equal(rt_pipe_create(&pp, pool, 8, work_fn, consume_fn, &c), 0);
        int fin, first = run(pp, n, &fin);
        check_failed_run(&c, n, fail_at, RT_EFORMAT, first, fin, 8);
        rt_pipe_destroy(pp);
        rt_pool_destroy(pool);
        free(c.statuses);
    }
}

static void consume_error_stops_and_cancels(void **state)
{
    (void)state;
    int threads[] = {1, 2, 4};
    long n = 300, fail_at = 77;
    for (size_t t = 0; t < 3; t++) {
        rt_pool *pool;
        assert_int_equal(rt_pool_create(&pool, threads[t], 0), 0);
        ctx c;
        ctx_init(&c);
        c.max_delay_us = 100;
        c.fail_consume_at = fail_at;
        c.statuses = calloc((size_t)n, sizeof *c.statuses);
        rt_pipe *pp;
        assert_int_equal(rt_pipe_create(&pp, pool, 5, work_fn, consume_fn, &c), 0);
        int fin, first = run(pp, n, &fin);
        check_failed_run(&c, n, fail_at, RT_EIO, first, fin, 5);
        rt_pipe_destroy(pp);
        rt_pool_destroy(pool);
        free(c.statuses);
    }
}

/* An error in the last in-flight job, found only by finish. */
static void error_seen_by_finish(void **state)
{
    (void)state;
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 3, 0), 0);
    ctx c;
    ctx_init(&c);
    c.max_delay_us = 2000;
    c.fail_work_at = 19;
    rt_pipe *pp;
    assert_int_equal(rt_pipe_create(&pp, pool, 64, work_fn, consume_fn, &c), 0);
    int fin;
    run(pp, 20, &fin);
    assert_int_equal(fin, RT_EFORMAT);
    assert_int_equal(c.consumed, 20);
    /* Later submits are handed straight back, cancelled. */
    job *j = calloc(1, sizeof *j);
    j->seq = 20;
    assert_int_equal(rt_pipe_submit(pp, j), RT_EFORMAT);
    assert_int_equal(c.consumed, 21);
    assert_int_equal(c.bad_order, 0);
    rt_pipe_destroy(pp);
    rt_pool_destroy(pool);
}

/* Destroy without finish still consumes (and so frees) every job. */
static void destroy_consumes_outstanding(void **state)
{
    (void)state;
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 2, 0), 0);
    ctx c;
    ctx_init(&c);
    c.max_delay_us = 1000;
    rt_pipe *pp;
    assert_int_equal(rt_pipe_create(&pp, pool, 32, work_fn, consume_fn, &c), 0);
    for (long i = 0; i < 30; i++) {
        job *j = calloc(1, sizeof *j);
        j->seq = i;
        assert_int_equal(rt_pipe_submit(pp, j), 0);
    }
    rt_pipe_destroy(pp);
    assert_int_equal(c.consumed, 30);
    assert_int_equal(c.bad_order, 0);
    rt_pool_destroy(pool);
}

/* What consume sees is the same at every thread count. */
static void statuses_independent_of_threads(void **state)
{
    (void)state;
    enum { N = 200 };
    int ref[N];
    for (int t = 1; t <= 4; t++) {
        rt_pool *pool;
        assert_int_equal(rt_pool_create(&pool, t, 0), 0);
        ctx c;
        ctx_init(&c);
        c.max_delay_us = 150;
        c.fail_work_at = 120;
        c.statuses = calloc(N, sizeof *c.statuses);
        rt_pipe *pp;
        assert_int_equal(rt_pipe_create(&pp, pool, 0, work_fn, consume_fn, &c), 0);
        int fin;
        run(pp, N, &fin);
        if (t == 1)
            memcpy(ref, c.statuses, sizeof ref);
        else
            assert_memory_equal(ref, c.statuses, sizeof ref);
        rt_pipe_destroy(pp);
        rt_pool_destroy(pool);
        free(c.statuses);
    }
}

/* Two pipes may share one pool. */
static void two_pipes_one_pool(void **state)
{
    (void)state;
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 3, 0), 0);
    ctx a, b;
    ctx_init(&a);
    ctx_init(&b);
    a.max_delay_us = b.max_delay_us = 200;
    rt_pipe *pa, *pb;
    assert_int_equal(rt_pipe_create(&pa, pool, 4, work_fn, consume_fn, &a), 0);
    assert_int_equal(rt_pipe_create(&pb, pool, 6, work_fn, consume_fn, &b), 0);
    for (long i = 0; i < 200; i++) {
        job *ja = calloc(1, sizeof *ja), *jb = calloc(1, sizeof *jb);
        ja->seq = jb->seq = i;
        assert_int_equal(rt_pipe_submit(pa, ja), 0);
        assert_int_equal(rt_pipe_submit(pb, jb), 0);
    }
    assert_int_equal(rt_pipe_finish(pa), 0);
    assert_int_equal(rt_pipe_finish(pb), 0);
    assert_int_equal(a.consumed, 200);
    assert_int_equal(b.consumed, 200);
    assert_int_equal(a.bad_order + b.bad_order + a.bad_result + b.bad_result, 0);
    rt_pipe_destroy(pa);
    rt_pipe_destroy(pb);
    rt_pool_destroy(pool);
}

static void create_errors(void **state)
{
    (void)state;
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 2, 0), 0);
    ctx c;
    ctx_init(&c);
    rt_pipe *pp = (rt_pipe *)&pp;
    assert_int_equal(rt_pipe_create(&pp, NULL, 4, work_fn, consume_fn, &c), RT_EINVAL);
    assert_null(pp);
    assert_int_equal(rt_pipe_create(&pp, pool, 4, NULL, consume_fn, &c), RT_EINVAL);
    assert_int_equal(rt_pipe_create(&pp, pool, 4, work_fn, NULL, &c), RT_EINVAL);
    for (long k = 0; k < 2; k++) {
        rt_alloc_fail_after(k);
        assert_int_equal(rt_pipe_create(&pp, pool, 4, work_fn, consume_fn, &c), RT_ENOMEM);
        rt_alloc_fail_after(-1);
        assert_null(pp);
    }
    rt_alloc_fail_after(2);
    assert_int_equal(rt_pipe_create(&pp, pool, 4, work_fn, consume_fn, &c), 0);
    rt_alloc_fail_after(-1);
    rt_pipe_destroy(pp);
    rt_pipe_destroy(NULL);
    rt_pool_destroy(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(consumed_in_submission_order),
        cmocka_unit_test(work_overlaps),
        cmocka_unit_test(work_error_stops_and_cancels),
        cmocka_unit_test(consume_error_stops_and_cancels),
        cmocka_unit_test(error_seen_by_finish),
        cmocka_unit_test(destroy_consumes_outstanding),
        cmocka_unit_test(statuses_independent_of_threads),
        cmocka_unit_test(two_pipes_one_pool),
        cmocka_unit_test(create_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
