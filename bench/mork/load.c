/*
 * mork load and join benchmarks. Prints one line per measurement with the
 * median (and min, max) of REPS runs; the machine is shared, so medians.
 *
 *   mork-load facts|rules|edges N individual|bulk THREADS REPS
 *       facts: (fact i value-i); rules: (= (rule i) result-i);
 *       edges: (edge i j) with i, j uniform in [0, max(N/20, 1)) (as
 *       MORK's transitive benchmark: 50 000 nodes per 1M edges).
 *       individual: every item parsed on its own and added with
 *       mork_space_add; bulk: one mork_space_add_text of the whole text.
 *       Each run starts from a fresh space and includes creating it (as
 *       the MeTTaTron benchmark does); the text is generated beforehand.
 *   mork-load join N - THREADS REPS
 *       load N edges, then time the query (, (edge $a $b) (edge $b $c)).
 *   mork-load point N - THREADS REPS
 *       load N facts, then time 100 000 queries (fact k $v) for random k:
 *       the fixed cost of one small query.
 *
 * Output: workload N mode threads | median us/item | items/s | min max (ms)
 * | process CPU per item (all threads, including freeing the space)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/mork.h"
#include "kindred/rt.h"

static uint64_t next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* The workload text, and each item's start offset (items[n] = end). */
static int make_text(const char *w, size_t n, rt_buf *text, size_t *items)
{
    uint64_t seed = 0x9E3779B97F4A7C15ULL, nodes = n / 20 ? n / 20 : 1;
    for (size_t i = 0; i < n; i++) {
        items[i] = text->n;
        int rc;
        if (strcmp(w, "facts") == 0) {
            rc = rt_buf_printf(text, "(fact %zu value-%zu)\n", i, i);
        } else if (strcmp(w, "rules") == 0) {
            rc = rt_buf_printf(text, "(= (rule %zu) result-%zu)\n", i, i);
        } else if (strcmp(w, "point") == 0) {
            rc = rt_buf_printf(text, "(fact %zu value-%zu)\n", i, i);
        } else if (strcmp(w, "edges") == 0 || strcmp(w, "join") == 0) {
            uint64_t a = next(&seed) % nodes, b = next(&seed) % nodes;
            rc = rt_buf_printf(text, "(edge %llu %llu)\n", (unsigned long long)a,
                               (unsigned long long)b);
        } else {
            return RT_EINVAL;
        }
        if (rc)
            return rc;
    }
    items[n] = text->n;
    return RT_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int count_sol(void *ctx, const mork_solution *sol)
{
    (void)sol;
    ++*(uint64_t *)ctx;
    return 0;
}

static int die(const char *what, int rc)
{
    fprintf(stderr, "mork-load: %s: %s\n", what, rt_strerror(rc));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: mork-load facts|rules|edges|join N individual|bulk|- "
                        "THREADS REPS\n");
        return 1;
    }
    const char *w = argv[1], *mode = argv[3];
    long n, nt, reps;
    if (rt_cli_parse_int(argv[2], 1, 100000000, &n) || rt_cli_parse_int(argv[4], 1, 64, &nt) ||
        rt_cli_parse_int(argv[5], 1, 1000000, &reps)) {
        fprintf(stderr, "mork-load: bad number\n");
        return 1;
    }
    int point = strcmp(w, "point") == 0;
    int join = strcmp(w, "join") == 0 || point, indiv = strcmp(mode, "individual") == 0;
    rt_buf text = {0};
    size_t *items = malloc(((size_t)n + 1) * sizeof *items);
    uint64_t *ns = calloc((size_t)reps, sizeof *ns);
    int rc;
    if (!items || !ns)
        return die("alloc", RT_ENOMEM);
    if ((rc = make_text(w, (size_t)n, &text, items)))
        return die("workload", rc);
    rt_pool *pool;
    if ((rc = rt_pool_create(&pool, (int)nt, 0)))
        return die("pool", rc);
    rt_buf pat = {0}, e = {0};
    const char *jp = "(, (edge $a $b) (edge $b $c))";
    if ((rc = mork_parse_one(jp, strlen(jp), &pat, NULL)))
        return die("pattern", rc);
    uint64_t sols = 0;
    mork_load_stats st;
    memset(&st, 0, sizeof st);
    double cpu0 = rt_cpu_seconds();
    for (long r = 0; r < reps; r++) {
        mork_space *s;
        uint64_t t0 = rt_now_ns();
        if ((rc = mork_space_new(&s)))
            return die("space", rc);
        if (indiv && !join) {
            for (long i = 0; i < n; i++) {
                e.n = 0;
                if ((rc = mork_parse_one((const char *)text.v + items[i],
                                         items[i + 1] - items[i], &e, NULL)) ||
                    (rc = mork_space_add(s, e.v, e.n, NULL)))
                    return die("add", rc);
            }
        } else if ((rc = mork_space_add_text_stats(s, (const char *)text.v, text.n, pool, NULL,
                                                   NULL, &st))) {
            return die("load", rc);
        }
        if (point) {
            /* patterns prepared first: only the queries are timed */
            enum { Q = 100000 };
            rt_buf qs = {0};
            size_t *qo = malloc((Q + 1) * sizeof *qo);
            uint64_t seed = 42;
            if (!qo)
                return die("alloc", RT_ENOMEM);
            for (size_t q = 0; q < Q; q++) {
                char t[64];
                int tl = snprintf(t, sizeof t, "(fact %llu $v)",
                                  (unsigned long long)(next(&seed) % (uint64_t)n));
                qo[q] = qs.n;
                if ((rc = mork_parse_one(t, (size_t)tl, &qs, NULL)))
                    return die("pattern", rc);
            }
            qo[Q] = qs.n;
            t0 = rt_now_ns();
            sols = 0;
            for (size_t q = 0; q < Q; q++)
                if ((rc = mork_query(s, qs.v + qo[q], qo[q + 1] - qo[q], count_sol, &sols)))
                    return die("query", rc);
            ns[r] = (rt_now_ns() - t0) / Q;
            rt_vec_free(&qs);
            free(qo);
            mork_space_free(s);
            continue;
        }
        if (join) {
            t0 = rt_now_ns();
            sols = 0;
            if ((rc = mork_query(s, pat.v, pat.n, count_sol, &sols)))
                return die("query", rc);
        }
        ns[r] = rt_now_ns() - t0;
        mork_space_free(s);
    }
    double cpu = rt_cpu_seconds() - cpu0;
    qsort(ns, (size_t)reps, sizeof *ns, cmp_u64);
    double med = (double)ns[reps / 2];
    if (point)
        printf("point query in %ld facts | median %.0f ns/query | %llu solutions in the last "
               "run (of 100000 queries)\n",
               n, med, (unsigned long long)sols);
    else if (join)
        printf("join %ld edges  threads %ld | median %.2f ms | %llu solutions | %.1f M "
               "solutions/s | min %.2f max %.2f ms\n",
               n, nt, med * 1e-6, (unsigned long long)sols,
               med > 0 ? (double)sols / med * 1e3 : 0.0, (double)ns[0] * 1e-6,
               (double)ns[reps - 1] * 1e-6);
    else
        printf("%s %ld %s threads %ld | median %.3f us/item | %.2f M items/s | min %.3f max "
               "%.3f ms | cpu %.3f us/item\n",
               w, n, mode, nt, med / 1e3 / (double)n, (double)n / med * 1e3,
               (double)ns[0] * 1e-6, (double)ns[reps - 1] * 1e-6, cpu * 1e6 / (double)reps / (double)n);
    if (!join && !indiv && n >= 100000) {
        /* Per phase: the largest job's thread CPU time is what the phase
         * takes with a free core per thread; averaged over the runs. */
        double crit = (double)st.serial_ns, sum = 0;
        for (int p = 0; p < MORK_PHASES; p++) {
            crit += (double)st.cpu_max_ns[p];
            sum += (double)st.cpu_sum_ns[p];
        }
        sum += (double)st.serial_ns;
        printf("  phases (ms/run, wall | cpu sum | cpu of largest job): parse %.1f | %.1f | "
               "%.1f; sort %.1f | %.1f | %.1f; build %.1f | %.1f | %.1f; serial %.1f; "
               "%u parts %u ranges\n"
               "  critical path %.1f ms/run, total work %.1f ms/run: %.2f us/item with a "
               "free core per thread\n",
               st.wall_ns[0] * 1e-6 / (double)reps, st.cpu_sum_ns[0] * 1e-6 / (double)reps,
               st.cpu_max_ns[0] * 1e-6 / (double)reps, st.wall_ns[1] * 1e-6 / (double)reps,
               st.cpu_sum_ns[1] * 1e-6 / (double)reps, st.cpu_max_ns[1] * 1e-6 / (double)reps,
               st.wall_ns[2] * 1e-6 / (double)reps, st.cpu_sum_ns[2] * 1e-6 / (double)reps,
               st.cpu_max_ns[2] * 1e-6 / (double)reps, st.serial_ns * 1e-6 / (double)reps,
               st.parts, st.ranges, crit * 1e-6 / (double)reps, sum * 1e-6 / (double)reps,
               crit * 1e-3 / (double)reps / (double)n);
    }
    rt_pool_destroy(pool);
    rt_vec_free(&text);
    rt_vec_free(&pat);
    rt_vec_free(&e);
    free(items);
    free(ns);
    return 0;
}
