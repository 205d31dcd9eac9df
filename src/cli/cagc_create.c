/*
 * cagc create: options of the reference tool's `create` plus --pansn, then
 * agc_create. Numeric options are clamped to the reference tool's ranges
 * (as it does) rather than rejected; non-numbers are errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agc/agc_compress.h"
#include "cli/cagc_cmd.h"
#include "kindred/rt.h"

static const char usage_text[] =
    "Usage: cagc create [options] <ref.fa> [<in.fa> ...] > out.agc\n"
    "Inputs may be plain, gzip or bgzip FASTA, '-' for stdin; the first is the\n"
    "reference (sample 0). Samples are named after their files.\n"
    "Options:\n"
    "  -o FILE   output archive (default: stdout)\n"
    "  -k INT    k-mer length (31; 17-32)\n"
    "  -s INT    expected segment size (60000; 100-1000000)\n"
    "  -l INT    minimal LZ match length (20; 15-32)\n"
    "  -b INT    batch size / pack cardinality (50; 1-1000000000)\n"
    "  -c        concatenated genomes: every contig is its own sample\n"
    "  -i FILE   file with input FASTA names (whitespace-separated)\n"
    "  -t INT    threads (default: online CPUs, at most 16)\n"
    "  -v INT    verbosity (0; 0-2)\n"
    "  -d        do not store the command line (v3 never stores it)\n"
    "  -a        adaptive mode: new splitters for contigs that have none\n"
    "  -f FLOAT  fraction of fallback minimizers (0; 0-0.05)\n"
    "  --pansn   split inputs into samples named 'sample#hap' from headers\n"
    "            'sample#hap#contig'; each sample's records must be contiguous\n"
    "  -h        this help\n";

static long clampl(long v, long lo, long hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

static int num(const char *opt, const char *arg, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (!*arg || *end) {
        fprintf(stderr, "[cagc] create: option %s needs a number, not '%s'\n", opt, arg);
        return 1;
    }
    *out = clampl(v, lo, hi);
    return 0;
}

typedef RT_VEC(char *) strvec;

static int push_unique(strvec *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->v[i], s) == 0)
            return 0;
    char *d = rt_strdup(s);
    if (!d || rt_vec_push(v, d)) {
        rt_free(d);
        return RT_ENOMEM;
    }
    return 0;
}

static int read_list(const char *path, strvec *v)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = rt_read_file(path, &data, &len);
    if (rc)
        return rc;
    size_t i = 0;
    while (i < len && !rc) {
        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
            i++;
        size_t b = i;
        while (i < len && !(data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
            i++;
        if (i > b) {
            char *w = rt_malloc(i - b + 1);
            if (!w) {
                rc = RT_ENOMEM;
                break;
            }
            memcpy(w, data + b, i - b);
            w[i - b] = 0;
            rc = push_unique(v, w);
            rt_free(w);
        }
    }
    rt_free(data);
    return rc;
}

int cagc_cmd_create(int argc, char **argv)
{
    enum { OPT_PANSN = 0x2000, OPT_FOOTER, OPT_VERSION };
    static const struct option longopts[] = {
        {"pansn", 0, NULL, OPT_PANSN},    {"help", 0, NULL, 'h'},
        {"threads", 1, NULL, 't'},        {"footer", 0, NULL, OPT_FOOTER},
        {"version", 0, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};
    agc_create_opts o;
    rt_cli_common co;
    const char *out = NULL, *list = NULL;
    long v;
    int verbose = 0, c;
    strvec inputs = {0};
    agc_create_opts_default(&o);
    rt_cli_common_init(&co);
    o.threads = co.threads;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:s:l:b:ci:o:t:@:v:daf:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (num("-k", optarg, 17, 32, &v))
                return 1;
            o.k = (uint32_t)v;
            break;
        case 's':
            if (num("-s", optarg, 100, 1000000, &v))
                return 1;
            o.seg_size = (uint32_t)v;
            break;
        case 'l':
            if (num("-l", optarg, 15, 32, &v))
                return 1;
            o.mml = (uint32_t)v;
            break;
        case 'b':
            if (num("-b", optarg, 1, 1000000000, &v))
                return 1;
            o.pack = (uint32_t)v;
            break;
        case 't':
        case '@':
            if (num("-t", optarg, 1, 1024, &v))
                return 1;
            o.threads = (int)v;
            break;
        case 'v':
            if (num("-v", optarg, 0, 2, &v))
                return 1;
            verbose = (int)v;
            break;
        case 'c':
            o.concat = 1;
            break;
        case 'i':
            list = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'd':
            break;
        case 'a':
            o.adaptive = 1;
            break;
        case 'f': {
            char *end;
            double f = strtod(optarg, &end);
            if (!*optarg || *end || f != f) {
                fprintf(stderr, "[cagc] create: option -f needs a number, not '%s'\n", optarg);
                return 1;
            }
            o.fallback = f < 0 ? 0 : (f > 0.05 ? 0.05 : f);
            break;
        }
        case OPT_PANSN:
            o.pansn = 1;
            break;
        case OPT_FOOTER:
            co.footer = 1;
            break;
        case OPT_VERSION:
            printf("cagc %s\n", KINDRED_VERSION);
            return 0;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            fputs(usage_text, stderr);
            return 1;
        }
    }
    rt_logger lg = {verbose == 0 ? RT_LOG_WARN : RT_LOG_INFO + (verbose > 1), "cagc", NULL};
    o.lg = &lg;
    if (o.concat && o.pansn) {
        fprintf(stderr, "[cagc] create: -c and --pansn exclude each other\n");
        return 1;
    }
    int rc = RT_OK;
    for (int i = optind; i < argc && !rc; i++) {
        rc = push_unique(&inputs, argv[i]);
        if (!rc && list && i == optind) {
            rc = read_list(list, &inputs);
            if (rc)
                rt_log(&lg, RT_LOG_ERROR, "cannot read %s: %s", list, rt_strerror(rc));
        }
    }
    if (!rc && list && optind >= argc && (rc = read_list(list, &inputs)))
        rt_log(&lg, RT_LOG_ERROR, "cannot read %s: %s", list, rt_strerror(rc));
    if (!rc && inputs.n == 0) {
        fputs(usage_text, stderr);
        rc = RT_EINVAL;
    } else if (!rc) {
        rc = agc_create(&o, (const char *const *)inputs.v, inputs.n, out);
    }
    for (size_t i = 0; i < inputs.n; i++)
        rt_free(inputs.v[i]);
    rt_vec_free(&inputs);
    if (co.footer)
        rt_cli_footer(&co, "cagc", stderr);
    return rc ? 1 : 0;
}
