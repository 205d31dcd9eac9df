/*
 * Bounded thread pool: a fixed set of workers fed from a ring of jobs.
 *
 *   owner --submit--> [ ring: qcap slots, FIFO ] --pop--> worker 0..n-1
 *                      ^head (next to run)  ^head+count (next free)
 *
 * Submitting to a full ring blocks the owner, which is what bounds the
 * memory held by queued jobs. Jobs start in submission order (the ring is
 * FIFO); the ordered pipeline relies on that. `pending` counts queued plus
 * running jobs, so rt_pool_wait returns only when every job has returned.
 *
 * With nthreads <= 1 no thread exists and submit runs the job in place:
 * single-threaded runs then have no locking and no hand-off cost at all.
 * A serial pool is the one exception: one real worker, so that a long job
 * (reading the next input file) runs beside the owner. One worker and a
 * FIFO ring mean jobs finish in submission order, so "the first n jobs
 * are done" is simply `done >= n`:
 *
 *   submitted: 1 2 3 4 5      done = 3  ->  rt_pool_wait_for(p, 3) returns,
 *              x x x . .                    rt_pool_wait_for(p, 4) blocks
 */
#include "kindred/rt.h"

#include <pthread.h>
#include <string.h>

/* Far more than any machine this runs on; catches nonsense like -t 1e9. */
#define MAX_THREADS 1024

typedef struct {
    rt_job_fn fn;
    void *arg;
} job;

struct rt_pool {
    pthread_mutex_t mu;
    pthread_cond_t not_empty; /* workers wait here for jobs */
    pthread_cond_t not_full;  /* the owner waits here for ring space */
    pthread_cond_t idle;      /* the owner waits here for pending == 0 */
    job *ring;
    size_t qcap, head, count;
    size_t pending;
    uint64_t submitted, done; /* jobs ever submitted / ever finished */
    int stop;
    int nthreads;   /* 1 in inline mode */
    int started;    /* threads actually running */
    pthread_t *threads;
};

typedef struct {
    rt_pool *p;
    int index;
} worker_arg;

static void *worker_main(void *arg)
{
    rt_pool *p = ((worker_arg *)arg)->p;
    int index = ((worker_arg *)arg)->index;
    rt_free(arg);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->count == 0 && !p->stop)
            pthread_cond_wait(&p->not_empty, &p->mu);
        if (p->count == 0) /* stop requested and nothing left */
            break;
        job j = p->ring[p->head];
        p->head = (p->head + 1) % p->qcap;
        p->count--;
        pthread_cond_signal(&p->not_full);
        pthread_mutex_unlock(&p->mu);
        j.fn(j.arg, index);
        pthread_mutex_lock(&p->mu);
        p->done++;
        if (--p->pending == 0 || p->nthreads == 1)
            pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Stops and joins the `started` workers; the pool must be otherwise idle. */
static void stop_workers(rt_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->not_empty);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->started; i++)
        pthread_join(p->threads[i], NULL);
    p->started = 0;
}

static void free_pool(rt_pool *p)
{
    pthread_cond_destroy(&p->idle);
    pthread_cond_destroy(&p->not_full);
    pthread_cond_destroy(&p->not_empty);
    pthread_mutex_destroy(&p->mu);
    rt_free(p->threads);
    rt_free(p->ring);
    rt_free(p);
}

static int create(rt_pool **out, int nthreads, size_t qcap, int threaded)
{
    *out = NULL;
    if (nthreads > MAX_THREADS)
        return RT_EINVAL;
    if (nthreads < 1)
        nthreads = 1;
    rt_pool *p = rt_calloc(1, sizeof *p);
    if (!p)
        return RT_ENOMEM;
    p->nthreads = nthreads;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        rt_free(p);
        return RT_ETHREAD;
    }
    /* Condition variables on Linux cannot fail to initialise with default
     * attributes; checking would add untestable branches. */
    pthread_cond_init(&p->not_empty, NULL);
    pthread_cond_init(&p->not_full, NULL);
    pthread_cond_init(&p->idle, NULL);
    if (nthreads == 1 && !threaded) {
        *out = p;
        return RT_OK;
    }
    if (qcap == 0)
        qcap = 4 * (size_t)nthreads;
    p->qcap = qcap;
    int rc = RT_ENOMEM;
    p->ring = rt_calloc(qcap, sizeof *p->ring);
    p->threads = rt_calloc((size_t)nthreads, sizeof *p->threads);
    if (!p->ring || !p->threads)
        goto fail;
    for (int i = 0; i < nthreads; i++) {
        worker_arg *wa = rt_malloc(sizeof *wa);
        if (!wa) {
            rc = RT_ENOMEM;
            goto fail;
        }
        wa->p = p;
        wa->index = i;
        if (pthread_create(&p->threads[i], NULL, worker_main, wa) != 0) {
            rt_free(wa);
            rc = RT_ETHREAD;
            goto fail;
        }
        p->started++;
    }
    *out = p;
    return RT_OK;
fail:
    stop_workers(p);
    free_pool(p);
    return rc;
}

int rt_pool_create(rt_pool **out, int nthreads, size_t qcap)
{
    return create(out, nthreads, qcap, 0);
}

int rt_pool_create_serial(rt_pool **out, int threaded, size_t qcap)
{
    return create(out, 1, qcap, threaded);
}

int rt_pool_submit(rt_pool *p, rt_job_fn fn, void *arg)
{
    if (!p || !fn)
        return RT_EINVAL;
    if (p->started == 0) {
        p->submitted++;
        fn(arg, 0);
        p->done++;
        return RT_OK;
    }
    pthread_mutex_lock(&p->mu);
    while (p->count == p->qcap)
        pthread_cond_wait(&p->not_full, &p->mu);
    p->ring[(p->head + p->count) % p->qcap] = (job){fn, arg};
    p->count++;
    p->pending++;
    p->submitted++;
    pthread_cond_signal(&p->not_empty);
    pthread_mutex_unlock(&p->mu);
    return RT_OK;
}

void rt_pool_wait(rt_pool *p)
{
    if (!p || p->started == 0)
        return;
    pthread_mutex_lock(&p->mu);
    while (p->pending > 0)
        pthread_cond_wait(&p->idle, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

uint64_t rt_pool_submitted(rt_pool *p)
{
    if (!p)
        return 0;
    if (p->started == 0)
        return p->submitted;
    pthread_mutex_lock(&p->mu);
    uint64_t n = p->submitted;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void rt_pool_wait_for(rt_pool *p, uint64_t n)
{
    if (!p || p->started == 0)
        return;
    pthread_mutex_lock(&p->mu);
    while (p->done < n && p->pending > 0)
        pthread_cond_wait(&p->idle, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

int rt_pool_nthreads(const rt_pool *p)
{
    return p ? p->nthreads : 1;
}

void rt_pool_destroy(rt_pool *p)
{
    if (!p)
        return;
    rt_pool_wait(p);
    stop_workers(p);
    free_pool(p);
}
