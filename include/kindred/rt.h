/*
 * kindred runtime: the shared base of every engine (cagc, pathmap, mork, cmetta).
 *
 * Conventions that hold for every function below:
 *   - Functions that can fail return int: 0 (RT_OK) or a negative rt_status.
 *     Results leave through out-parameters. "Not found" is reported through a
 *     flag or a NULL result, never as an error, unless the caller asked for a
 *     thing that must exist.
 *   - Ownership is stated per function: "borrowed" pointers stay the caller's,
 *     "owned" results are freed with the named function.
 *   - No function keeps mutable global state, with one documented exception:
 *     the allocation-failure hook used by tests (rt_alloc_fail_after).
 *   - Thread safety is stated per type. Unless said otherwise an object may be
 *     used by one thread at a time, and distinct objects by distinct threads.
 */
#ifndef KINDRED_RT_H
#define KINDRED_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KINDRED_VERSION "0.1.0"

#if defined(__GNUC__) || defined(__clang__)
#define RT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define RT_NODISCARD __attribute__((warn_unused_result))
#define RT_LIKELY(x) __builtin_expect(!!(x), 1)
#define RT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define RT_PRINTF(a, b)
#define RT_NODISCARD
#define RT_LIKELY(x) (x)
#define RT_UNLIKELY(x) (x)
#endif

/* ------------------------------------------------------------------------ */
/* Status codes (rt_status.c)                                                */
/* ------------------------------------------------------------------------ */

typedef enum rt_status {
    RT_OK = 0,
    RT_ENOMEM = -1,       /* allocation failed */
    RT_EIO = -2,          /* read/write/open failed (errno-level failure) */
    RT_EFORMAT = -3,      /* input bytes violate the format (corrupt, truncated) */
    RT_EINVAL = -4,       /* caller passed an invalid argument */
    RT_ENOTFOUND = -5,    /* a named thing that must exist does not */
    RT_ERANGE = -6,       /* value or position outside the allowed range */
    RT_ELIMIT = -7,       /* an implementation limit was reached (depth, size) */
    RT_EPIPE = -8,        /* output closed by the reader (EPIPE) */
    RT_EUNSUPPORTED = -9, /* valid input using a feature not supported */
    RT_ECANCELED = -10,   /* work stopped because another part failed */
    RT_ESYNTAX = -11,     /* text input could not be parsed */
    RT_EEXIST = -12,      /* a thing that must be unique already exists */
    RT_ETHREAD = -13,     /* thread creation or synchronisation failed */
    RT_STATUS_MIN_ = -13
} rt_status;

/* A short static English message for a status code; never NULL, thread-safe. */
const char *rt_strerror(int status);

/* ------------------------------------------------------------------------ */
/* Allocation (rt_alloc.c)                                                    */
/* ------------------------------------------------------------------------ */
/*
 * All library allocations go through these so tests can make the n-th one
 * fail. They behave like their libc namesakes; rt_realloc(p, 0) frees p and
 * returns NULL; rt_free(NULL) is a no-op. Thread-safe.
 */
void *rt_malloc(size_t n);
void *rt_calloc(size_t count, size_t size);   /* NULL on overflow of count*size */
void *rt_realloc(void *p, size_t n);
void rt_free(void *p);
/* n bytes aligned to `align` (a power of two; n a non-zero multiple of it),
 * freed with rt_free; NULL on failure or bad arguments. */
void *rt_aligned_alloc(size_t align, size_t n);
char *rt_strdup(const char *s);               /* owned; free with rt_free */
void *rt_memdup(const void *p, size_t n);     /* owned; free with rt_free */

/*
 * Test hook, the one piece of process-wide mutable state: after n further
 * successful allocations, every following rt_malloc/rt_calloc/rt_realloc (n>0
 * bytes) fails until the hook is disarmed with n < 0. Counting is atomic.
 */
void rt_alloc_fail_after(long n);
/* Count allocation attempts (on != 0) or stop counting. Off by default:
 * a shared counter would make every allocation in every thread write one
 * cache line. */
void rt_alloc_count_on(int on);
/* Allocations attempted while counting was on (atomic counter). */
unsigned long rt_alloc_count(void);

/* Checked size arithmetic: return 0 and set *out, or RT_ERANGE on overflow. */
int rt_size_mul(size_t a, size_t b, size_t *out);
int rt_size_add(size_t a, size_t b, size_t *out);

/* ------------------------------------------------------------------------ */
/* Logging (rt_log.c)                                                        */
/* ------------------------------------------------------------------------ */

enum { RT_LOG_ERROR = 0, RT_LOG_WARN = 1, RT_LOG_INFO = 2, RT_LOG_DEBUG = 3 };

/*
 * A logger is a small value owned by the program (the CLI) and lent to library
 * contexts by pointer. A NULL logger means silent. Messages go to `sink`
 * (stderr when NULL) as one line: "[tag] message\n", written with a single
 * fwrite so lines from several threads do not interleave.
 */
typedef struct rt_logger {
    int level;        /* messages with level <= this are printed */
    const char *tag;  /* e.g. "cagc"; borrowed, must outlive the logger */
    FILE *sink;       /* NULL = stderr */
} rt_logger;

void rt_log(const rt_logger *lg, int level, const char *fmt, ...) RT_PRINTF(3, 4);
void rt_vlog(const rt_logger *lg, int level, const char *fmt, va_list ap) RT_PRINTF(3, 0);

/* ------------------------------------------------------------------------ */
/* Arena (rt_arena.c)                                                        */
/* ------------------------------------------------------------------------ */
/*
 * Bump allocator for per-job scratch. Memory comes in blocks; reset keeps the
 * largest block for reuse and frees the rest, so a worker that resets after
 * each job reaches a steady state with no malloc traffic.
 *
 *   block list:  [hdr|used.......|free   ] -> [hdr|used..........] -> NULL
 *                 ^ cur (allocation happens here, older blocks behind it)
 *
 * Debug check: in builds with RT_ARENA_DEBUG (on under sanitizers and in
 * debug builds) released memory is filled with 0xA5 and poisoned for ASan, so
 * a pointer that outlives a reset faults on use. `gen` counts resets so holders
 * can assert that the arena has not been reset under them.
 * Not thread-safe: one arena per thread.
 */
typedef struct rt_arena_block rt_arena_block;
typedef struct rt_arena {
    rt_arena_block *head;   /* current block (newest) */
    size_t block_size;      /* default size of new blocks */
    size_t used;            /* bytes handed out since the last reset */
    size_t peak;            /* high-water mark of `used` */
    size_t reserved;        /* bytes held in blocks */
    size_t nblocks;         /* blocks currently held */
    uint64_t gen;           /* incremented by every reset */
} rt_arena;

typedef struct rt_arena_stats {
    size_t used, peak, reserved, nblocks;
    uint64_t gen;
} rt_arena_stats;

/* Initialise; block_size 0 picks 64 KiB. Allocates nothing yet. */
void rt_arena_init(rt_arena *a, size_t block_size);
/* n bytes aligned to 16; NULL on failure (n == 0 returns a valid unique pointer). */
void *rt_arena_alloc(rt_arena *a, size_t n);
void *rt_arena_calloc(rt_arena *a, size_t count, size_t size);
char *rt_arena_strndup(rt_arena *a, const char *s, size_t n); /* NUL-terminated */
/* Release everything allocated so far; keeps one block for reuse. */
void rt_arena_reset(rt_arena *a);
/* Release all memory; the arena may be re-initialised. */
void rt_arena_free(rt_arena *a);
void rt_arena_get_stats(const rt_arena *a, rt_arena_stats *out);

/* ------------------------------------------------------------------------ */
/* Growable vectors (rt_vec.c)                                                */
/* ------------------------------------------------------------------------ */
/*
 * A typed vector is any struct whose first members are { T *v; size_t n, cap; }.
 * Declare with RT_VEC(T) (an anonymous struct type) or typedef RT_VEC(T) name;
 * zero-initialise, free with rt_vec_free. Growth is geometric (x1.5, min 8).
 * Macros evaluate `vec` more than once; pass a plain lvalue.
 */
#define RT_VEC(T) struct { T *v; size_t n, cap; }

/* Make room for `need` elements of size `elem`; 0 or RT_ENOMEM/RT_ERANGE. */
int rt_vec_reserve_(void *vec, size_t elem, size_t need);
void rt_vec_free_(void *vec);

#define rt_vec_reserve(vec, need) rt_vec_reserve_((void *)(vec), sizeof *(vec)->v, (need))
#define rt_vec_push(vec, x)                                                  \
    (((vec)->n < (vec)->cap || rt_vec_reserve((vec), (vec)->n + 1) == 0)    \
         ? ((vec)->v[(vec)->n++] = (x), 0)                                  \
         : RT_ENOMEM)
#define rt_vec_free(vec) rt_vec_free_((void *)(vec))
#define rt_vec_clear(vec) ((vec)->n = 0)

/* A byte buffer with the vector layout, plus helpers. */
typedef RT_VEC(uint8_t) rt_buf;
int rt_buf_append(rt_buf *b, const void *p, size_t n);
int rt_buf_putc(rt_buf *b, uint8_t c);
/* Appends formatted text; a NUL follows it in memory (not counted in n). */
int rt_buf_printf(rt_buf *b, const char *fmt, ...) RT_PRINTF(2, 3);

/* ------------------------------------------------------------------------ */
/* Hashing (rt_hash.c)                                                       */
/* ------------------------------------------------------------------------ */

/* Fast 64-bit hash of bytes (XXH3); seed selects an independent function. */
uint64_t rt_hash64(const void *p, size_t n, uint64_t seed);
/* Finaliser-quality mix of one 64-bit word (bijective). */
static inline uint64_t rt_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* ------------------------------------------------------------------------ */
/* Hash maps (rt_hmap.c)                                                     */
/* ------------------------------------------------------------------------ */
/*
 * Open addressing with linear probing and backward-shift deletion (no
 * tombstones); load factor at most 7/8 before doubling.
 *
 * rt_hmap: uint64 key -> uint64 value. Every key value is allowed.
 * rt_smap: byte-string key -> uint64 value; keys are copied into the map.
 * Iteration order is the slot order: deterministic for a given sequence of
 * operations, but not sorted. Not thread-safe for writers; any number of
 * readers may call get concurrently when no writer is active.
 */
typedef struct rt_hmap {
    uint64_t *keys;
    uint64_t *vals;
    uint8_t *used;     /* 1 per slot */
    size_t cap;        /* power of two, or 0 */
    size_t n;
} rt_hmap;

void rt_hmap_init(rt_hmap *m);
void rt_hmap_free(rt_hmap *m);
void rt_hmap_clear(rt_hmap *m);                   /* keeps capacity */
int rt_hmap_reserve(rt_hmap *m, size_t n);
/* *found = 1 and *val set when present; val may be NULL. */
void rt_hmap_get(const rt_hmap *m, uint64_t key, uint64_t *val, int *found);
/* Insert or overwrite. */
int rt_hmap_put(rt_hmap *m, uint64_t key, uint64_t val);
/* Insert if absent: *val_io in = value to insert, out = value now stored;
 * *inserted = 1 when the key was new. */
int rt_hmap_put_new(rt_hmap *m, uint64_t key, uint64_t *val_io, int *inserted);
/* Remove; *removed = 1 when the key was present (may be NULL). */
void rt_hmap_del(rt_hmap *m, uint64_t key, int *removed);
/* Iterate: start with *it = 0; returns 1 and fills key/val while entries
 * remain; key and val may be NULL. */
int rt_hmap_next(const rt_hmap *m, size_t *it, uint64_t *key, uint64_t *val);

typedef struct rt_smap_slot rt_smap_slot;
typedef struct rt_smap {
    rt_smap_slot *slots;
    size_t cap;
    size_t n;
    rt_arena keys;     /* key bytes live here */
} rt_smap;

void rt_smap_init(rt_smap *m);
void rt_smap_free(rt_smap *m);
void rt_smap_get(const rt_smap *m, const void *key, size_t klen, uint64_t *val, int *found);
int rt_smap_put(rt_smap *m, const void *key, size_t klen, uint64_t val);
int rt_smap_put_new(rt_smap *m, const void *key, size_t klen, uint64_t *val_io, int *inserted);
/* Iterate as rt_hmap_next; *key points into the map (valid until it is freed). */
int rt_smap_next(const rt_smap *m, size_t *it, const uint8_t **key, size_t *klen, uint64_t *val);
/* Remove; *removed = 1 when the key was present (may be NULL). The key's
 * bytes stay in the map's arena until rt_smap_clear or rt_smap_free. */
void rt_smap_del(rt_smap *m, const void *key, size_t klen, int *removed);
/* Remove every entry and release key bytes; keeps the slot array. */
void rt_smap_clear(rt_smap *m);
int rt_smap_reserve(rt_smap *m, size_t n);
/* For both maps: entries may move on put/put_new/del, so do not modify a map
 * while iterating it (rt_*_del during iteration may skip or repeat entries). */

/* ------------------------------------------------------------------------ */
/* Thread pool (rt_pool.c)                                                   */
/* ------------------------------------------------------------------------ */
/*
 * A bounded pool: `nthreads` workers and a job queue of at most `qcap` jobs.
 * Submitting to a full queue blocks. A pool created with nthreads <= 1 starts
 * no thread and runs every job inside rt_pool_submit, on the caller's thread,
 * with worker index 0. Each job receives the index of the worker running it
 * (0..nthreads-1) so it can use per-worker scratch (arenas, codec contexts).
 *
 * Thread safety: submit and wait may be called from one thread at a time
 * (the owner). Jobs may not submit to their own pool.
 */
typedef struct rt_pool rt_pool;
typedef void (*rt_job_fn)(void *arg, int worker);

/* qcap 0 picks 4 * nthreads. */
int rt_pool_create(rt_pool **out, int nthreads, size_t qcap);
/* A pool that runs its jobs one at a time in submission order: on one
 * worker thread when `threaded`, else in place inside submit. For work that
 * should proceed beside the owner (reading ahead) without taking a worker
 * from the main pool. rt_pool_nthreads gives 1 either way. */
int rt_pool_create_serial(rt_pool **out, int threaded, size_t qcap);
/* Jobs submitted so far (the ticket of the next job is this + 1). */
uint64_t rt_pool_submitted(rt_pool *p);
/* Serial pools: wait until the first n submitted jobs have finished. On a
 * pool of several workers, until any n have finished. */
void rt_pool_wait_for(rt_pool *p, uint64_t n);
int rt_pool_submit(rt_pool *p, rt_job_fn fn, void *arg);
/* Wait until every submitted job has finished. */
void rt_pool_wait(rt_pool *p);
int rt_pool_nthreads(const rt_pool *p);
/* Waits for outstanding jobs, stops the workers and frees the pool; NULL ok. */
void rt_pool_destroy(rt_pool *p);

/* ------------------------------------------------------------------------ */
/* Ordered pipeline (rt_pipe.c)                                              */
/* ------------------------------------------------------------------------ */
/*
 * Jobs run in parallel on a pool; their results are consumed strictly in
 * submission order, on the thread that calls rt_pipe_submit/rt_pipe_finish
 * (the owner). This is what keeps output bytes independent of thread count.
 *
 *   owner:  submit(j0) submit(j1) submit(j2) ... finish()
 *   pool:     work(j1)  work(j0)  work(j2)       (any order, in parallel)
 *   owner:  consume(j0) consume(j1) consume(j2)  (always submission order)
 *
 * At most `max_inflight` jobs are submitted but not consumed; submit blocks
 * (consuming finished jobs in order while it waits) when that many are out.
 * The first non-zero return of work or consume, in submission order (so the
 * same at every thread count), becomes the pipeline's status:
 * jobs not yet started are skipped (their work is not run; consume is still
 * called with status RT_ECANCELED so the owner can free them) and submit and
 * finish return it.
 *
 * Thread safety: only the owner thread calls submit/finish/destroy; `work`
 * runs on pool workers and must only touch its job and read-only context.
 */
typedef struct rt_pipe rt_pipe;
typedef int (*rt_pipe_work_fn)(void *ctx, void *job, int worker);
/* status: 0, the job's work error, or RT_ECANCELED. Return non-zero to stop. */
typedef int (*rt_pipe_consume_fn)(void *ctx, void *job, int status);

/* max_inflight 0 picks 4 * rt_pool_nthreads(pool). Errors: RT_EINVAL,
 * RT_ENOMEM, RT_ETHREAD. The pool is borrowed and must outlive the pipe; it
 * may be shared with other pipes and plain jobs. */

int rt_pipe_create(rt_pipe **out, rt_pool *pool, size_t max_inflight,
                   rt_pipe_work_fn work, rt_pipe_consume_fn consume, void *ctx);
int rt_pipe_submit(rt_pipe *p, void *job);
/* Wait for and consume every outstanding job; returns the pipeline status. */
int rt_pipe_finish(rt_pipe *p);
/* Finishes if needed, then frees; NULL ok. */
void rt_pipe_destroy(rt_pipe *p);

/* ------------------------------------------------------------------------ */
/* Buffered input (rt_io_in.c)                                                */
/* ------------------------------------------------------------------------ */
/*
 * Reads a plain file, a gzip file (single or multi-member, including bgzip),
 * or stdin ("-"), detecting gzip by its magic bytes. Lines may end in LF or
 * CRLF; rt_in_getline strips either. Not thread-safe.
 */
typedef struct rt_in rt_in;

/* path "-" = stdin. Errors: RT_EIO (with errno kept for the message). */
int rt_in_open(rt_in **out, const char *path);
/* Read up to n bytes; *got = 0 at end of input. RT_EFORMAT on corrupt gzip. */
int rt_in_read(rt_in *r, void *buf, size_t n, size_t *got);
/* Next line without its LF/CRLF; *line points into the reader (valid until
 * the next call), *len its length; *eof = 1 when no line remained. */
int rt_in_getline(rt_in *r, const char **line, size_t *len, int *eof);
/* A last line without a final newline is returned like any other; a CR
 * before the end of input is stripped as if an LF followed. Gzip input must
 * be a sequence of whole members: trailing bytes that are not a gzip member,
 * and truncated members, give RT_EFORMAT. Errors are sticky. */
/* Peek at the next byte without consuming it; *c = -1 at end of input. */
int rt_in_peek(rt_in *r, int *c);
int rt_in_is_gzip(const rt_in *r);
const char *rt_in_path(const rt_in *r);
void rt_in_close(rt_in *r);

/* Read a whole file into memory (owned, free with rt_free). */
int rt_read_file(const char *path, uint8_t **data, size_t *len);

/* Read-only memory map of a whole file (empty files give data NULL, len 0). */
typedef struct rt_map {
    const uint8_t *data;
    size_t len;
    void *base_;       /* internal */
    size_t maplen_;    /* internal */
} rt_map;
int rt_map_open(rt_map *m, const char *path);
void rt_map_close(rt_map *m);

/* ------------------------------------------------------------------------ */
/* Buffered output (rt_io_out.c)                                             */
/* ------------------------------------------------------------------------ */
/*
 * Writes to a file or stdout ("-" or NULL path), optionally as gzip. Every
 * write is checked: the first failure (disk full, closed pipe) is kept as a
 * sticky status, reported once through the logger, and returned by this and
 * every later call; nothing after it is written. rt_out_close flushes and
 * returns the sticky status, so a caller that checks only close still learns
 * of any failure. The CLI must ignore SIGPIPE so a closed pipe becomes
 * RT_EPIPE instead of killing the process. Not thread-safe.
 */
typedef struct rt_out rt_out;

/* gzip_level 0 = plain, 1..12 = gzip members (libdeflate). lg may be NULL. */
int rt_out_open(rt_out **out, const char *path, int gzip_level, const rt_logger *lg);
/* Wrap an already-open descriptor (not closed by rt_out_close unless own_fd). */
int rt_out_open_fd(rt_out **out, int fd, int own_fd, int gzip_level, const rt_logger *lg);
/* Errors (open): RT_EINVAL (level outside 0..12), RT_EIO (errno kept),
 * RT_ENOMEM. Writes: RT_EPIPE (reader gone), RT_EIO (any other write
 * failure, e.g. disk full). Standard output ("-"/NULL) is never closed. With
 * gzip, rt_out_flush also ends the current member; closing a gzip writer that
 * received no bytes writes one empty member, so the file is valid gzip. */
/* Compress gzip members on `pool` (borrowed; must outlive the writer) while
 * the caller keeps writing; members are written in order by the thread that
 * calls the rt_out functions, and the bytes are identical to the serial
 * writer's. Call before the first write; RT_EINVAL after it. A no-op for plain
 * output or a one-thread pool. Uses about 2 MiB per pool thread. */
int rt_out_set_pool(rt_out *w, rt_pool *pool);
int rt_out_write(rt_out *w, const void *p, size_t n);
int rt_out_putc(rt_out *w, int c);
int rt_out_puts(rt_out *w, const char *s);
int rt_out_printf(rt_out *w, const char *fmt, ...) RT_PRINTF(2, 3);
/* With gzip output: end the current gzip member here (next bytes start a new
 * one). No-op for plain output. */
int rt_out_member_end(rt_out *w);
/* Push buffered bytes to the descriptor. */
int rt_out_flush(rt_out *w);
int rt_out_status(const rt_out *w);
/* Flush, close, free; returns the first error seen (or 0). NULL ok. */
int rt_out_close(rt_out *w);

/* ------------------------------------------------------------------------ */
/* Time and resources (rt_time.c)                                            */
/* ------------------------------------------------------------------------ */

uint64_t rt_now_ns(void);           /* monotonic clock */
double rt_cpu_seconds(void);        /* user + system CPU of the process */
size_t rt_peak_rss_bytes(void);     /* peak resident set size */

/* ------------------------------------------------------------------------ */
/* CLI helpers (rt_cli.c)                                                    */
/* ------------------------------------------------------------------------ */
/*
 * Options every program shares, parsed by rt_cli_common_opt from inside the
 * program's own getopt_long loop:
 *   -h/--help, --version, -v/--verbose (repeatable, or -v N), -t/-@/--threads N,
 *   --footer (print real time, CPU time and peak RSS at exit).
 */
typedef struct rt_cli_common {
    int help;
    int version;
    int verbose;      /* 0 = warnings and errors only */
    int threads;      /* >= 1 */
    int footer;
    uint64_t start_ns;
    double start_cpu;
} rt_cli_common;

/* Option codes and table entries for the program's getopt_long loop:
 *   getopt_long(argc, argv, "o:" RT_CLI_SHORTOPTS, longopts, NULL)
 *   struct option longopts[] = { RT_CLI_LONGOPTS, {"out", 1, NULL, 'o'}, {0} };
 * "-v" takes an optional attached argument: -v, -vv, -v2, --verbose=2 work;
 * "-v 2" does not (the 2 is a separate argument). */
enum { RT_CLI_OPT_VERSION = 0x1000, RT_CLI_OPT_FOOTER = 0x1001 };
#define RT_CLI_SHORTOPTS "hv::t:@:"
#define RT_CLI_LONGOPTS                                                        \
    {"help", 0, NULL, 'h'}, {"version", 0, NULL, RT_CLI_OPT_VERSION},         \
        {"verbose", 2, NULL, 'v'}, {"threads", 1, NULL, 't'},                 \
        {"footer", 0, NULL, RT_CLI_OPT_FOOTER}

/* Fill defaults: threads = min(online CPUs, 16), start times recorded. */
void rt_cli_common_init(rt_cli_common *co);
/* Parse a positive integer within [lo, hi]; RT_EINVAL/RT_ERANGE otherwise. */
int rt_cli_parse_int(const char *s, long lo, long hi, long *out);
int rt_cli_parse_u64(const char *s, uint64_t *out);
/* Handle one option from getopt_long (opt and optarg): 1 = it was a common
 * option and is recorded in co, 0 = not a common option (the program handles
 * it), RT_EINVAL/RT_ERANGE = bad argument (threads must be 1..1024). */
int rt_cli_common_opt(rt_cli_common *co, int opt, const char *arg);
/* Logger level for co->verbose: RT_LOG_WARN + verbose, at most RT_LOG_DEBUG. */
int rt_cli_log_level(const rt_cli_common *co);
/* Print the footer line: "[tag] Real time: X s; CPU: Y s; Peak RSS: Z GB". */
void rt_cli_footer(const rt_cli_common *co, const char *tag, FILE *f);

/*
 * Progress on stderr, shown only when stderr is a terminal (or when forced
 * for tests), at most ~5 updates per second, erased by rt_progress_done.
 */
typedef struct rt_progress {
    const char *label;
    uint64_t total;     /* 0 = unknown */
    uint64_t last_ns;
    int enabled;
    FILE *f;
} rt_progress;

/* f NULL = stderr. Set p->enabled = 1 after init to force output (tests). */
void rt_progress_init(rt_progress *p, const char *label, uint64_t total, FILE *f);
void rt_progress_update(rt_progress *p, uint64_t done);
void rt_progress_done(rt_progress *p);

#ifdef __cplusplus
}
#endif
#endif /* KINDRED_RT_H */
