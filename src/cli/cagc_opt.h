/* Options shared by the read commands of cagc, and small helpers. */
#ifndef KINDRED_CAGC_OPT_H
#define KINDRED_CAGC_OPT_H

#include <stdint.h>

#include "kindred/agc.h"
#include "kindred/rt.h"

typedef struct cagc_opts {
    const char *out;          /* -o: file (dir for getcol), NULL = stdout */
    int gzip;                 /* -g 0..9 */
    uint64_t line;            /* -l: 0 = no wrap, else clamped to [40, 2e9] */
    int threads;              /* -t / -@ */
    int streaming;            /* -s */
    int fast;                 /* -f (getcol), accepted */
    int skip_ref;             /* -r (getcol) */
    int verbose;              /* -v */
    const char *regions;      /* -r FILE (getctg) */
    const char *bed;          /* --bed FILE */
    int one_based;            /* --one-based */
    int pansn;                /* --pansn */
    int help;
    int npos;                 /* positional arguments */
    char **pos;
    rt_logger lg;
} cagc_opts;

enum { CAGC_GET = 1, CAGC_GETCTG = 2, CAGC_GETCOL = 4, CAGC_LIST = 8 };

/* Parse argv (argv[0] = command) for a command of the given kind; prints
 * the error and returns non-zero on a bad option. */
int cagc_parse(int argc, char **argv, int kind, const char *usage, cagc_opts *o);
/* Print "[cagc] <what>: <message>" for a status and return 1. */
int cagc_fail(const char *what, int st);
/* Open the archive named by the first positional argument. */
int cagc_open(const cagc_opts *o, agc_reader **r);

#endif /* KINDRED_CAGC_OPT_H */
