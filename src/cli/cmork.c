/*
 * cmork: load S-expression files into an atom space and count, dump or
 * query it.
 *
 *   cmork count [-t N] FILE...
 *   cmork dump  [-t N] [-o OUT] FILE...
 *   cmork query [-t N] [-o OUT] [--template T] PATTERN FILE...
 *
 * Exit status 0 on success, 1 on any error (unreadable file, malformed
 * expression reported as FILE:LINE:COL, failed write). Only this file exits.
 */
#include <getopt.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "kindred/mork.h"
#include "kindred/rt.h"

static void usage(FILE *f)
{
    fprintf(f,
            "cmork %s: atom space of S-expressions on a trie\n"
            "Usage:\n"
            "  cmork count [options] FILE...           number of distinct atoms\n"
            "  cmork dump  [options] FILE...           every atom, one per line, trie order\n"
            "  cmork query [options] PATTERN FILE...   atoms unifying with PATTERN\n"
            "Options:\n"
            "  -t, --threads N    threads for loading (default: CPUs, at most 16)\n"
            "  -o, --output FILE  write to FILE instead of stdout\n"
            "  --template T       query: print T instantiated per solution\n"
            "  -v, --verbose      more messages on stderr\n"
            "  --footer           print time and memory used at exit\n"
            "  -h, --help         this text\n"
            "  --version          version\n"
            "PATTERN may be a conjunction (, p1 p2 ...) sharing variables; without\n"
            "--template a plain pattern prints each matching atom and a conjunction\n"
            "prints itself instantiated. FILE '-' is stdin.\n",
            KINDRED_VERSION);
}

enum { OPT_TEMPLATE = 0x2000 };

typedef struct printer {
    rt_out *out;
    rt_buf line;
    int rc;
} printer;

static int print_expr(void *ctx, const uint8_t *e, size_t n)
{
    printer *p = ctx;
    p->line.n = 0;
    int rc = mork_expr_print(&p->line, e, n);
    if (!rc)
        rc = rt_buf_putc(&p->line, '\n');
    if (!rc)
        rc = rt_out_write(p->out, p->line.v, p->line.n);
    return rc;
}

static int print_solution(void *ctx, const mork_solution *sol)
{
    printer *p = ctx;
    if (mork_solution_nconj(sol) == 1) {
        const uint8_t *e;
        size_t n;
        mork_solution_atom(sol, 0, &e, &n);
        return print_expr(p, e, n);
    }
    rt_buf b = {0};
    int rc = mork_solution_pattern(sol, &b);
    if (!rc)
        rc = print_expr(p, b.v, b.n);
    rt_vec_free(&b);
    return rc;
}

static int load_files(mork_space *s, char **files, int nfiles, rt_pool *pool,
                      const rt_logger *lg)
{
    for (int i = 0; i < nfiles; i++) {
        mork_perr err = {0};
        size_t n = 0;
        uint64_t t0 = rt_now_ns();
        errno = 0;
        int rc = mork_space_load_file(s, files[i], pool, &n, &err);
        if (rc == RT_ESYNTAX || (rc == RT_ELIMIT && err.msg)) {
            rt_log(lg, RT_LOG_ERROR, "%s:%zu:%zu: %s", files[i], err.line, err.col, err.msg);
            return rc;
        }
        if (rc == RT_EIO) {
            rt_log(lg, RT_LOG_ERROR, "%s: cannot read: %s", files[i],
                   errno ? strerror(errno) : rt_strerror(rc));
            return rc;
        }
        if (rc) {
            rt_log(lg, RT_LOG_ERROR, "%s: %s", files[i], rt_strerror(rc));
            return rc;
        }
        double sec = (double)(rt_now_ns() - t0) * 1e-9;
        rt_log(lg, RT_LOG_INFO, "%s: %zu expressions in %.3f s (%.2f M/s)", files[i], n, sec,
               sec > 0 ? (double)n / sec * 1e-6 : 0.0);
    }
    return RT_OK;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    rt_cli_common co;
    rt_cli_common_init(&co);
    rt_logger lg = {RT_LOG_WARN, "cmork", NULL};
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        printf("cmork %s\n", KINDRED_VERSION);
        return 0;
    }
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    int is_count = strcmp(cmd, "count") == 0, is_dump = strcmp(cmd, "dump") == 0,
        is_query = strcmp(cmd, "query") == 0;
    if (!is_count && !is_dump && !is_query) {
        rt_log(&lg, RT_LOG_ERROR, "unknown command '%s' (try --help)", cmd);
        return 1;
    }
    static const struct option longopts[] = {
        RT_CLI_LONGOPTS,
        {"output", 1, NULL, 'o'},
        {"template", 1, NULL, OPT_TEMPLATE},
        {0, 0, 0, 0},
    };
    const char *outpath = "-", *tmpl = NULL;
    int opt;
    optind = 2;
    while ((opt = getopt_long(argc, argv, "o:" RT_CLI_SHORTOPTS, longopts, NULL)) != -1) {
        int r = rt_cli_common_opt(&co, opt, optarg);
        if (r == 1)
            continue;
        if (r < 0) {
            rt_log(&lg, RT_LOG_ERROR, "bad value for -%c: '%s'", opt, optarg ? optarg : "");
            return 1;
        }
        if (opt == 'o') {
            outpath = optarg;
        } else if (opt == OPT_TEMPLATE && is_query) {
            tmpl = optarg;
        } else {
            usage(stderr);
            return 1;
        }
    }
    if (co.help) {
        usage(stdout);
        return 0;
    }
    if (co.version) {
        printf("cmork %s\n", KINDRED_VERSION);
        return 0;
    }
    lg.level = rt_cli_log_level(&co);
    int first = optind;
    const char *pattern = NULL;
    if (is_query) {
        if (first >= argc) {
            rt_log(&lg, RT_LOG_ERROR, "query: missing PATTERN");
            return 1;
        }
        pattern = argv[first++];
    }
    if (first >= argc) {
        rt_log(&lg, RT_LOG_ERROR, "%s: no input FILE", cmd);
        return 1;
    }

    int rc = RT_OK, status = 1;
    mork_space *s = NULL;
    rt_pool *pool = NULL;
    rt_out *out = NULL;
    rt_buf pat = {0};
    printer pr = {NULL, {0}, 0};
    if (pattern) {
        mork_perr err = {0};
        rc = tmpl ? mork_parse_pair(pattern, strlen(pattern), tmpl, strlen(tmpl), &pat, &err)
                  : mork_parse_one(pattern, strlen(pattern), &pat, &err);
        if (rc) {
            rt_log(&lg, RT_LOG_ERROR, "%s:%zu: %s", tmpl ? "pattern/template" : "pattern",
                   err.col, err.msg ? err.msg : rt_strerror(rc));
            goto done;
        }
    }
    if ((rc = mork_space_new(&s)) || (rc = rt_pool_create(&pool, co.threads, 0))) {
        rt_log(&lg, RT_LOG_ERROR, "%s", rt_strerror(rc));
        goto done;
    }
    if ((rc = load_files(s, argv + first, argc - first, pool, &lg)))
        goto done;
    rt_pool_destroy(pool);
    pool = NULL;
    if ((rc = rt_out_open(&out, outpath, 0, &lg))) {
        rt_log(&lg, RT_LOG_ERROR, "%s: cannot open for writing: %s", outpath, strerror(errno));
        goto done;
    }
    pr.out = out;
    if (is_count) {
        rc = rt_out_printf(out, "%zu\n", mork_space_count(s));
    } else if (is_dump) {
        rc = mork_space_foreach(s, print_expr, &pr);
    } else if (tmpl) {
        rc = mork_transform(s, pat.v, pat.n, print_expr, &pr);
    } else {
        rc = mork_query(s, pat.v, pat.n, print_solution, &pr);
    }
    int crc = rt_out_close(out);
    out = NULL;
    if (!rc)
        rc = crc;
    if (rc) {
        /* rt_out already reported its own write failures once. */
        if (rc != crc)
            rt_log(&lg, RT_LOG_ERROR, "%s: %s", cmd, rt_strerror(rc));
        goto done;
    }
    status = 0;
done:
    if (out)
        rt_out_close(out);
    rt_vec_free(&pr.line);
    rt_vec_free(&pat);
    rt_pool_destroy(pool);
    mork_space_free(s);
    if (co.footer)
        rt_cli_footer(&co, "cmork", stderr);
    return status;
}
