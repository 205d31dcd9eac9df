/*
 * rt_pool: inline mode, every job runs once, per-worker indices, wait,
 * the bounded queue blocking submitters, shutdown, creation failures.
 * Runs under ThreadSanitizer too (the per-worker counters below are plain
 * ints on purpose: two threads sharing a worker index would be a race).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "kindred/rt.h"

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

typedef struct {
    atomic_int runs;
    pthread_t caller;
    int same_thread;
    int worker;
} inline_ctx;

static void inline_job(void *arg, int worker)
{
    inline_ctx *c = arg;
    atomic_fetch_add(&c->runs, 1);
    c->same_thread = pthread_equal(pthread_self(), c->caller);
    c->worker = worker;
}

static void inline_mode(void **state)
{
    (void)state;
    int counts[] = {1, 0, -3};
    for (size_t t = 0; t < 3; t++) {
        rt_pool *p;
        assert_int_equal(rt_pool_create(&p, counts[t], 0), 0);
        assert_int_equal(rt_pool_nthreads(p), 1);
        inline_ctx c = {.caller = pthread_self(), .worker = -1};
        atomic_init(&c.runs, 0);
        assert_int_equal(rt_pool_submit(p, inline_job, &c), 0);
        /* Already ran, on this thread, as worker 0. */
        assert_int_equal(atomic_load(&c.runs), 1);
        assert_true(c.same_thread);
        assert_int_equal(c.worker, 0);
        rt_pool_wait(p);
        rt_pool_destroy(p);
    }
    rt_pool_destroy(NULL);
}

enum { MAXW = 16 };

typedef struct {
    atomic_long sum;
    atomic_int bad_worker;
    int nthreads;
    long per_worker[MAXW]; /* each touched only by its own worker */
} count_ctx;

typedef struct {
    count_ctx *c;
    long value;
} count_job;

static void count_fn(void *arg, int worker)
{
    count_job *j = arg;
    if (worker < 0 || worker >= j->c->nthreads)
        atomic_store(&j->c->bad_worker, 1);
    else
        j->c->per_worker[worker]++;
    if (j->value % 64 == 0)
        sleep_us(50);
    atomic_fetch_add(&j->c->sum, j->value);
}

static void every_job_runs_once(void **state)
{
    (void)state;
    int counts[] = {2, 3, 4, 8};
    enum { N = 5000 };
    static count_job jobs[N];
    for (size_t t = 0; t < 4; t++) {
        static count_ctx c;
        memset(&c, 0, sizeof c);
        c.nthreads = counts[t];
        rt_pool *p;
        assert_int_equal(rt_pool_create(&p, counts[t], t == 0 ? 1 : 0), 0);
        assert_int_equal(rt_pool_nthreads(p), counts[t]);
        for (long i = 0; i < N; i++) {
            jobs[i].c = &c;
            jobs[i].value = i + 1;
            assert_int_equal(rt_pool_submit(p, count_fn, &jobs[i]), 0);
        }
        rt_pool_wait(p);
        /* After wait, every job has finished: the sums are final. */
        assert_int_equal(atomic_load(&c.sum), (long)N * (N + 1) / 2);
        long total = 0;
        for (int w = 0; w < MAXW; w++)
            total += c.per_worker[w];
        assert_int_equal(total, N);
        assert_int_equal(atomic_load(&c.bad_worker), 0);
        /* The pool is reusable after wait. */
        for (long i = 0; i < 100; i++)
            assert_int_equal(rt_pool_submit(p, count_fn, &jobs[i]), 0);
        rt_pool_destroy(p); /* waits for those too */
        assert_int_equal(atomic_load(&c.sum), (long)N * (N + 1) / 2 + 100 * 101 / 2);
    }
}

/* A gate that jobs wait on until the test opens it. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int open;
    atomic_int started, finished;
} gate;

static void gated_job(void *arg, int worker)
{
    (void)worker;
    gate *g = arg;
    atomic_fetch_add(&g->started, 1);
    pthread_mutex_lock(&g->mu);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
    atomic_fetch_add(&g->finished, 1);
}

typedef struct {
    rt_pool *target;
    gate *g;
    atomic_int submitted;
} submitter;

/* Runs on another pool, so the test thread stays free to watch it block. */
static void submit_five(void *arg, int worker)
{
    (void)worker;
    submitter *s = arg;
    for (int i = 0; i < 5; i++) {
        rt_pool_submit(s->target, gated_job, s->g);
        atomic_fetch_add(&s->submitted, 1);
    }
}

static void full_queue_blocks_submit(void **state)
{
    (void)state;
    gate g = {.open = 0};
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.cv, NULL);
    atomic_init(&g.started, 0);
    atomic_init(&g.finished, 0);
    rt_pool *target, *driver;
    assert_int_equal(rt_pool_create(&target, 2, 2), 0); /* 2 running + 2 queued */
    assert_int_equal(rt_pool_create(&driver, 2, 0), 0);
    submitter s = {.target = target, .g = &g};
    atomic_init(&s.submitted, 0);
    assert_int_equal(rt_pool_submit(driver, submit_five, &s), 0);
    /* Wait (generously: the machine may be loaded) for the blocked state. */
    for (int i = 0; i < 20000 && (atomic_load(&s.submitted) < 4 || atomic_load(&g.started) < 2); i++)
        sleep_us(1000);
    sleep_us(50000); /* give a wrongly unbounded queue time to show it */
    assert_int_equal(atomic_load(&s.submitted), 4);
    assert_int_equal(atomic_load(&g.started), 2);
    pthread_mutex_lock(&g.mu);
    g.open = 1;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    rt_pool_wait(driver);
    assert_int_equal(atomic_load(&s.submitted), 5);
    rt_pool_wait(target);
    assert_int_equal(atomic_load(&g.finished), 5);
    rt_pool_destroy(driver);
    rt_pool_destroy(target);
    pthread_cond_destroy(&g.cv);
    pthread_mutex_destroy(&g.mu);
}

static void slow_job(void *arg, int worker)
{
    (void)worker;
    sleep_us(2000);
    atomic_fetch_add((atomic_int *)arg, 1);
}

static void destroy_finishes_outstanding(void **state)
{
    (void)state;
    for (int t = 2; t <= 4; t++) {
        atomic_int done;
        atomic_init(&done, 0);
        rt_pool *p;
        assert_int_equal(rt_pool_create(&p, t, 64), 0);
        for (int i = 0; i < 40; i++)
            assert_int_equal(rt_pool_submit(p, slow_job, &done), 0);
        rt_pool_destroy(p);
        assert_int_equal(atomic_load(&done), 40);
    }
}

static void wait_on_idle_pool_returns(void **state)
{
    (void)state;
    rt_pool *p;
    assert_int_equal(rt_pool_create(&p, 3, 0), 0);
    rt_pool_wait(p);
    rt_pool_wait(p);
    rt_pool_destroy(p);
}

/* A serial job records its place in the finishing order; the gate lets the
 * test hold the worker inside job 1 while it checks what is and is not
 * done yet. */
typedef struct {
    atomic_int next;      /* finishing-order counter */
    int order[8];         /* order[i]: place in which job i finished */
    atomic_int gate;      /* job 0 spins until this is 1 */
    pthread_t caller;
    int off_thread;       /* some job ran on another thread */
} serial_ctx;

typedef struct {
    serial_ctx *c;
    int i;
} serial_job_arg;

static void serial_job(void *arg, int worker)
{
    serial_job_arg *a = arg;
    assert_int_equal(worker, 0);
    if (a->i == 0)
        while (!atomic_load(&a->c->gate))
            sleep_us(100);
    else
        sleep_us(200 * (8 - a->i)); /* later jobs are shorter */
    if (!pthread_equal(pthread_self(), a->c->caller))
        a->c->off_thread = 1;
    a->c->order[a->i] = atomic_fetch_add(&a->c->next, 1);
}

static void serial_pool_keeps_order(void **state)
{
    (void)state;
    for (int threaded = 0; threaded < 2; threaded++) {
        rt_pool *p;
        serial_ctx c = {.caller = pthread_self()};
        atomic_init(&c.next, 0);
        atomic_init(&c.gate, !threaded); /* inline: job 0 must not block */
        serial_job_arg a[8];
        assert_int_equal(rt_pool_create_serial(&p, threaded, 2), 0);
        assert_int_equal(rt_pool_nthreads(p), 1);
        assert_int_equal(rt_pool_submitted(p), 0);
        for (int i = 0; i < 2; i++) {
            a[i] = (serial_job_arg){&c, i};
            assert_int_equal(rt_pool_submit(p, serial_job, &a[i]), 0);
        }
        assert_int_equal(rt_pool_submitted(p), 2);
        if (threaded) {
            /* job 0 is held: nothing has finished, and job 1 waits behind
             * it although it is ready */
            sleep_us(2000);
            assert_int_equal(atomic_load(&c.next), 0);
            atomic_store(&c.gate, 1);
        }
        rt_pool_wait_for(p, 1);
        assert_true(atomic_load(&c.next) >= 1);
        assert_int_equal(c.order[0], 0);
        for (int i = 2; i < 8; i++) {
            a[i] = (serial_job_arg){&c, i};
            assert_int_equal(rt_pool_submit(p, serial_job, &a[i]), 0);
        }
        rt_pool_wait_for(p, 5);
        int fin = atomic_load(&c.next);
        assert_true(fin >= 5);
        for (int i = 0; i < fin; i++)
            assert_int_equal(c.order[i], i);
        /* asking for more than was submitted returns once all are done */
        rt_pool_wait_for(p, 100);
        assert_int_equal(atomic_load(&c.next), 8);
        for (int i = 0; i < 8; i++)
            assert_int_equal(c.order[i], i);
        assert_int_equal(c.off_thread, threaded);
        rt_pool_destroy(p);
    }
    rt_pool_wait_for(NULL, 3);
    assert_int_equal(rt_pool_submitted(NULL), 0);
}

static void create_errors(void **state)
{
    (void)state;
    rt_pool *p = (rt_pool *)&p;
    assert_int_equal(rt_pool_create(&p, 100000, 0), RT_EINVAL);
    assert_null(p);
    assert_int_equal(rt_pool_submit(NULL, slow_job, NULL), RT_EINVAL);
    /* Fail each allocation of creation in turn: clean error, no leak. */
    int saw_fail = 0;
    for (long k = 0; k < 50; k++) {
        rt_alloc_fail_after(k);
        int rc = rt_pool_create(&p, 4, 0);
        rt_alloc_fail_after(-1);
        if (rc == 0) {
            atomic_int done;
            atomic_init(&done, 0);
            assert_int_equal(rt_pool_submit(p, slow_job, &done), 0);
            rt_pool_destroy(p);
            assert_int_equal(atomic_load(&done), 1);
            break;
        }
        assert_int_equal(rc, RT_ENOMEM);
        assert_null(p);
        saw_fail++;
    }
    assert_true(saw_fail >= 3); /* pool, ring, threads, worker args */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inline_mode),
        cmocka_unit_test(every_job_runs_once),
        cmocka_unit_test(full_queue_blocks_submit),
        cmocka_unit_test(destroy_finishes_outstanding),
        cmocka_unit_test(wait_on_idle_pool_returns),
        cmocka_unit_test(serial_pool_keeps_order),
        cmocka_unit_test(create_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
