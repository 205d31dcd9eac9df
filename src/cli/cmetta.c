/*
 * cmetta: run MeTTa programs.
 *
 *   cmetta FILE | -           evaluate; one `[r1, r2]` line per `!` atom
 *   cmetta --test FILE...     self-checking scripts: count assertions per file
 *   cmetta                    interactive REPL (libedit line editing, history)
 *
 * Only this layer exits. Exit status: 0 success, 1 failed assertions or an
 * error in the program text, 2 usage errors.
 */
#include <editline/readline.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/metta.h"
#include "kindred/rt.h"

typedef struct opts {
    metta_limits lim;
    int threads;
    int test;
    int quiet;
} opts;

static void usage(FILE *f)
{
    fprintf(f,
            "cmetta %s: MeTTa interpreter on a trie atom space\n"
            "Usage: cmetta [options] FILE      evaluate FILE ('-' = stdin)\n"
            "       cmetta --test FILE...      run self-checking scripts\n"
            "       cmetta                     interactive REPL\n"
            "Options:\n"
            "  -t N             threads for bulk loading of facts (default 2)\n"
            "  --max-steps N    stop one `!` evaluation after N steps (default: no limit)\n"
            "  --max-depth N    continuation depth limit (default 1000000)\n"
            "  -q               (with --test) print only the summary lines\n"
            "  -h, --help       this help\n"
            "  --version        print the version\n",
            KINDRED_VERSION);
}

static int read_all(FILE *f, char **out, size_t *n)
{
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    if (!b)
        return RT_ENOMEM;
    for (;;) {
        if (len == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return RT_ENOMEM;
            }
            b = nb;
            cap *= 2;
        }
        size_t k = fread(b + len, 1, cap - len, f);
        len += k;
        if (k == 0)
            break;
    }
    if (ferror(f)) {
        free(b);
        return RT_EIO;
    }
    *out = b;
    *n = len;
    return 0;
}

static int read_file(const char *path, char **out, size_t *n)
{
    if (strcmp(path, "-") == 0)
        return read_all(stdin, out, n);
    FILE *f = fopen(path, "rb");
    if (!f)
        return RT_EIO;
    int rc = read_all(f, out, n);
    fclose(f);
    return rc;
}

static int print_result(void *ctx, const metta_result *r)
{
    (void)ctx;
    fwrite(r->text, 1, r->len, stdout);
    fputc('\n', stdout);
    return 0;
}

typedef struct testctx {
    const char *file;
    int quiet;
} testctx;

static int test_result(void *ctx, const metta_result *r)
{
    testctx *t = ctx;
    if (r->failed && !t->quiet)
        printf("FAIL: %s:%zu:%zu: %.*s\n", t->file, r->line, r->col, (int)r->len, r->text);
    return 0;
}

static int make_interp(const opts *o, rt_pool **pool, metta **mt)
{
    *pool = NULL;
    if (o->threads > 1 && rt_pool_create(pool, o->threads, 0) != 0)
        *pool = NULL;
    int rc = metta_new(mt, &o->lim, *pool, stdout);
    if (rc) {
        rt_pool_destroy(*pool);
        fprintf(stderr, "[cmetta] %s\n", rt_strerror(rc));
    }
    return rc;
}

static int run_file(const opts *o, const char *path, testctx *tc, metta_stats *st)
{
    char *text;
    size_t len;
    int rc = read_file(path, &text, &len);
    if (rc) {
        fprintf(stderr, "[cmetta] %s: %s\n", path, strerror(errno));
        return 1;
    }
    rt_pool *pool;
    metta *mt;
    if (make_interp(o, &pool, &mt)) {
        free(text);
        return 1;
    }
    if (strcmp(path, "-") != 0) {
        /* import! and include look beside the program file */
        char *dir = strdup(path);
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash)
            *slash = 0;
        if (dir && metta_set_base_dir(mt, slash ? (dir[0] ? dir : "/") : ".") != 0)
            fprintf(stderr, "[cmetta] out of memory\n");
        free(dir);
    }
    metta_error err = {0};
    rc = metta_run(mt, text, len, tc ? test_result : print_result, tc, st, &err);
    int status = 0;
    if (rc == RT_ESYNTAX) {
        fprintf(stderr, "%s:%zu:%zu: error: %s\n", strcmp(path, "-") ? path : "<stdin>", err.line,
                err.col, err.msg);
        status = 1;
    } else if (rc) {
        fprintf(stderr, "[cmetta] %s: %s\n", path, rt_strerror(rc));
        status = 1;
    }
    metta_free(mt);
    rt_pool_destroy(pool);
    free(text);
    return status;
}

/* Net parenthesis depth of a line, ignoring strings and comments. */
static int depth_of(const char *s, int d)
{
    int instr = 0;
    for (; *s; s++) {
        if (instr) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '"')
                instr = 0;
        } else if (*s == '"') {
            instr = 1;
        } else if (*s == ';') {
            break;
        } else if (*s == '(') {
            d++;
        } else if (*s == ')') {
            d--;
        }
    }
    return d;
}

static int repl(const opts *o)
{
    rt_pool *pool;
    metta *mt;
    if (make_interp(o, &pool, &mt))
        return 1;
    char hist[4096] = "";
    const char *home = getenv("HOME");
    if (home) {
        snprintf(hist, sizeof hist, "%s/.cmetta_history", home);
        read_history(hist);
    }
    rt_buf acc = {0};
    int d = 0;
    for (;;) {
        char *line = readline(acc.n ? "...> " : "metta> ");
        if (!line)
            break;
        if (!acc.n && (strcmp(line, "exit") == 0 || strcmp(line, "quit") == 0)) {
            free(line);
            break;
        }
        if (*line)
            add_history(line);
        rt_buf_append(&acc, line, strlen(line));
        rt_buf_putc(&acc, '\n');
        d = depth_of(line, d);
        free(line);
        if (d > 0)
            continue;
        metta_error err = {0};
        int rc = metta_run(mt, (const char *)acc.v, acc.n, print_result, NULL, NULL, &err);
        if (rc == RT_ESYNTAX)
            fprintf(stderr, "<input>:%zu:%zu: error: %s\n", err.line, err.col, err.msg);
        else if (rc)
            fprintf(stderr, "[cmetta] %s\n", rt_strerror(rc));
        fflush(stdout);
        acc.n = 0;
        d = 0;
    }
    if (*hist)
        write_history(hist);
    rt_vec_free(&acc);
    metta_free(mt);
    rt_pool_destroy(pool);
    return 0;
}

static int parse_num(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || !*s)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    opts o = {{0, 0}, 2, 0, 0};
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        uint64_t v;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("cmetta %s\n", KINDRED_VERSION);
            return 0;
        } else if (strcmp(a, "--test") == 0) {
            o.test = 1;
        } else if (strcmp(a, "-q") == 0) {
            o.quiet = 1;
        } else if ((strcmp(a, "-t") == 0 || strcmp(a, "--max-steps") == 0 ||
                    strcmp(a, "--max-depth") == 0) && i + 1 < argc) {
            if (parse_num(argv[++i], &v) != 0) {
                fprintf(stderr, "[cmetta] bad number for %s: %s\n", a, argv[i]);
                return 2;
            }
            if (a[1] == 't')
                o.threads = v > 64 ? 64 : (int)v;
            else if (a[6] == 's')
                o.lim.max_steps = v;
            else
                o.lim.max_depth = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
        } else if (a[0] == '-' && a[1] != 0) {
            fprintf(stderr, "[cmetta] unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else {
            break;
        }
    }
    int nfiles = argc - i;
    if (o.test) {
        if (nfiles == 0) {
            usage(stderr);
            return 2;
        }
        int bad = 0;
        for (; i < argc; i++) {
            metta_stats st = {0};
            testctx tc = {argv[i], o.quiet};
            int rc = run_file(&o, argv[i], &tc, &st);
            size_t pass = st.asserts - st.assert_failures;
            printf("%s: %zu assertions passed, %zu failed%s\n", argv[i], pass,
                   st.assert_failures, rc ? " (stopped by an error)" : "");
            if (rc || st.assert_failures)
                bad = 1;
        }
        if (fflush(stdout) != 0)
            return 1;
        return bad;
    }
    if (nfiles == 0)
        return repl(&o);
    if (nfiles > 1) {
        usage(stderr);
        return 2;
    }
    int rc = run_file(&o, argv[i], NULL, NULL);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "[cmetta] write error on stdout\n");
        return 1;
    }
    return rc;
}
