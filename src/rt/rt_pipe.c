/*
 * Ordered pipeline: parallel work, consumption in submission order.
 *
 * Every job gets a sequence number and a slot in a ring of max_inflight
 * slots (slot = seq % max_inflight). Workers fill in a slot's status and
 * mark it done in any order; the owner consumes only the slot at the tail,
 * so results leave in submission order whatever the thread count:
 *
 *   seq:     tail                               head
 *             v                                  v
 *   ring:  [ done | running | done | queued | (free) ... ]
 *             |
 *             +--> consume(job0), then job1 once it is done, ...
 *
 * Errors and cancellation. `stop_seq` is the lowest sequence number known
 * to have failed (work error, or consume error seen by the owner). A job
 * whose number is above stop_seq skips its work. Jobs start in submission
 * order (the pool is FIFO), so every job before the first failing one runs
 * normally; after the pipeline has failed, every later job reaches consume
 * with RT_ECANCELED, whether its work ran or not. What consume sees is thus
 * the same for every thread count.
 */
#include "kindred/rt.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct slot {
    rt_pipe *pipe;
    void *job;
    uint64_t seq;
    int status;
    int done;     /* guarded by pipe->mu */
} slot;

struct rt_pipe {
    rt_pool *pool;
    rt_pipe_work_fn work;
    rt_pipe_consume_fn consume;
    void *ctx;
    slot *ring;
    size_t cap;
    uint64_t head, tail;      /* next seq to submit, next seq to consume */
    int status;               /* owner only: first failure, in order */
    atomic_uint_least64_t stop_seq;
    pthread_mutex_t mu;
    pthread_cond_t done_cv;
};

static void lower_stop(rt_pipe *p, uint64_t seq)
{
    uint_least64_t cur = atomic_load(&p->stop_seq);
    while (seq < cur && !atomic_compare_exchange_weak(&p->stop_seq, &cur, seq))
        ;
}

static void run_job(void *arg, int worker)
{
    slot *s = arg;
    rt_pipe *p = s->pipe;
    int st;
    if (s->seq > atomic_load(&p->stop_seq)) {
        st = RT_ECANCELED;
    } else {
        st = p->work(p->ctx, s->job, worker);
        if (st != 0)
            lower_stop(p, s->seq);
    }
    pthread_mutex_lock(&p->mu);
    s->status = st;
    s->done = 1;
    pthread_cond_broadcast(&p->done_cv);
    pthread_mutex_unlock(&p->mu);
    /* The slot and the pipe may be reused or freed from here on. */
}

int rt_pipe_create(rt_pipe **out, rt_pool *pool, size_t max_inflight,
                   rt_pipe_work_fn work, rt_pipe_consume_fn consume, void *ctx)
{
    *out = NULL;
    if (!pool || !work || !consume)
        return RT_EINVAL;
    if (max_inflight == 0)
        max_inflight = 4 * (size_t)rt_pool_nthreads(pool);
    rt_pipe *p = rt_calloc(1, sizeof *p);
    if (!p)
        return RT_ENOMEM;
    p->ring = rt_calloc(max_inflight, sizeof *p->ring);
    if (!p->ring) {
        rt_free(p);
        return RT_ENOMEM;
    }
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        rt_free(p->ring);
        rt_free(p);
        return RT_ETHREAD;
    }
    pthread_cond_init(&p->done_cv, NULL);
    p->pool = pool;
    p->work = work;
    p->consume = consume;
    p->ctx = ctx;
    p->cap = max_inflight;
    atomic_init(&p->stop_seq, UINT64_MAX);
    for (size_t i = 0; i < max_inflight; i++)
        p->ring[i].pipe = p;
    *out = p;
    return RT_OK;
}

/* Hands the tail job to consume; the caller has seen it done. */
static void consume_tail(rt_pipe *p)
{
    slot *s = &p->ring[p->tail % p->cap];
    uint64_t seq = p->tail;
    void *job = s->job;
    int st = s->status;
    s->job = NULL;
    p->tail++;
    if (p->status != 0) {
        (void)p->consume(p->ctx, job, RT_ECANCELED);
        return;
    }
    int rc = p->consume(p->ctx, job, st);
    if (st != 0)
        p->status = st;
    else if (rc != 0)
        p->status = rc;
    if (p->status != 0)
        lower_stop(p, seq);
}

/* Consumes finished jobs at the tail; with `block`, waits until at least
 * one was consumed (there must be one outstanding). */
static void drain(rt_pipe *p, int block)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->tail == p->head)
            break;
        slot *s = &p->ring[p->tail % p->cap];
        if (!s->done) {
            if (!block)
                break;
            pthread_cond_wait(&p->done_cv, &p->mu);
            continue;
        }
        s->done = 0;
        /* consume may take long (writing output): do not hold the lock. */
        pthread_mutex_unlock(&p->mu);
        consume_tail(p);
        block = 0;
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
}

int rt_pipe_submit(rt_pipe *p, void *job)
{
    if (!p)
        return RT_EINVAL;
    if (p->status != 0) {
        /* Keep submission order: everything before this job goes first. */
        while (p->tail != p->head)
            drain(p, 1);
        (void)p->consume(p->ctx, job, RT_ECANCELED);
        return p->status;
    }
    while (p->head - p->tail == p->cap)
        drain(p, 1);
    slot *s = &p->ring[p->head % p->cap];
    s->job = job;
    s->seq = p->head;
    s->status = 0;
    s->done = 0; /* no worker holds this slot: it was consumed */
    p->head++;
    int rc = rt_pool_submit(p->pool, run_job, s);
    if (rc != 0) {
        pthread_mutex_lock(&p->mu);
        s->status = rc;
        s->done = 1;
        pthread_mutex_unlock(&p->mu);
    }
    drain(p, 0);
    return p->status;
}

int rt_pipe_finish(rt_pipe *p)
{
    if (!p)
        return RT_EINVAL;
    while (p->tail != p->head)
        drain(p, 1);
    return p->status;
}

void rt_pipe_destroy(rt_pipe *p)
{
    if (!p)
        return;
    rt_pipe_finish(p);
    pthread_cond_destroy(&p->done_cv);
    pthread_mutex_destroy(&p->mu);
    rt_free(p->ring);
    rt_free(p);
}
