/* Option parsing for the read commands. Numeric options are clamped to the
 * reference tool's ranges instead of rejected, as it does. */
#include "cli/cagc_opt.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long long clampll(const char *s, long long lo, long long hi)
{
    long long v = atoll(s);
    return v < lo ? lo : v > hi ? hi : v;
}

int cagc_parse(int argc, char **argv, int kind, const char *usage, cagc_opts *o)
{
    memset(o, 0, sizeof *o);
    o->line = 80;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    o->threads = cores / 2 > 1 ? (int)(cores / 2) : 1;
    long tmax = cores > 16 ? cores : 16;
    o->lg.level = RT_LOG_WARN;
    o->lg.tag = "cagc";
    enum { OPT_BED = 256, OPT_ONE, OPT_PANSN, OPT_HELP };
    static const struct option longs[] = {
        {"bed", required_argument, NULL, OPT_BED},
        {"one-based", no_argument, NULL, OPT_ONE},
        {"pansn", no_argument, NULL, OPT_PANSN},
        {"threads", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *shorts = kind & CAGC_LIST ? "+:o:v:h" :
                         kind & CAGC_GETCOL ? ":g:l:o:t:@:v:fprsh" :
                         kind & CAGC_GETCTG ? ":g:l:o:t:@:v:r:psh" : ":g:l:o:t:@:v:psh";
    /* GNU getopt permutes, so options may follow positionals as in the
     * reference tool; "+" keeps list commands strict about nothing. */
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, shorts + (shorts[0] == '+'), longs, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'g': o->gzip = (int)clampll(optarg, 0, 9); break;
        case 'l': {
            long long v = atoll(optarg);
            o->line = v <= 0 ? 0 : (uint64_t)clampll(optarg, 40, 2000000000LL);
            break;
        }
        case 't':
        case '@': o->threads = (int)clampll(optarg, 1, tmax); break;
        case 'v': o->verbose = (int)clampll(optarg, 0, 2); break;
        case 'f': o->fast = 1; break;
        case 'p': break;
        case 's': o->streaming = 1; break;
        case 'r':
            if (kind & CAGC_GETCTG)
                o->regions = optarg;
            else
                o->skip_ref = 1;
            break;
        case OPT_BED: o->bed = optarg; break;
        case OPT_ONE: o->one_based = 1; break;
        case OPT_PANSN: o->pansn = 1; break;
        case 'h':
        case OPT_HELP: o->help = 1; break;
        case ':':
            fprintf(stderr, "[cagc] %s: option -%c needs a value\n", argv[0], optopt);
            return 1;
        default:
            if (optopt)
                fprintf(stderr, "[cagc] %s: unknown option -%c\n", argv[0], optopt);
            else
                fprintf(stderr, "[cagc] %s: unknown option %s\n", argv[0], argv[optind - 1]);
            return 1;
        }
    }
    if (o->help) {
        fputs(usage, stdout);
        return 0;
    }
    o->pos = argv + optind;
    o->npos = argc - optind;
    if (o->verbose >= 1)
        o->lg.level = RT_LOG_INFO;
    if (o->streaming) {
        o->threads = 1;
        o->gzip = 0;
    }
    return 0;
}

int cagc_fail(const char *what, int st)
{
    fprintf(stderr, "[cagc] %s: %s\n", what, rt_strerror(st));
    return 1;
}

int cagc_open(const cagc_opts *o, agc_reader **r)
{
    int st = agc_reader_open(r, o->pos[0]);
    if (st) {
        fprintf(stderr, "[cagc] cannot read archive %s: %s\n", o->pos[0], rt_strerror(st));
        return 1;
    }
    return 0;
}
