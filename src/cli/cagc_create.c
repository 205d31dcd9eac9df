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
#include "cli/cagc_args.h"
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

int cagc_cmd_create(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pansn", 0, NULL, CAGC_LOPT_PANSN},       {"help", 0, NULL, 'h'},
        {"threads", 1, NULL, 't'},                 {"footer", 0, NULL, CAGC_LOPT_FOOTER},
        {"version", 0, NULL, CAGC_LOPT_VERSION},   {NULL, 0, NULL, 0}};
    agc_create_opts o;
    rt_cli_common co;
    long v;
    int c;
    cagc_strvec inputs = {0};
    agc_create_opts_default(&o);
    rt_cli_common_init(&co);
    o.threads = co.threads;
    cagc_build_args ba = {"create", usage_text, &o, &co.footer, NULL, NULL, 0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:s:l:b:ci:o:t:@:v:daf:h", longopts, NULL)) != -1) {
        switch (cagc_build_opt(&ba, c, optarg)) {
        case CAGC_OPT_TAKEN:
            continue;
        case CAGC_OPT_EXIT0:
            return 0;
        case CAGC_OPT_EXIT1:
            return 1;
        default:
            break;
        }
        switch (c) {
        case 'k':
            if (cagc_opt_long("create", "-k", optarg, 17, 32, &v))
                return 1;
            o.k = (uint32_t)v;
            break;
        case 's':
            if (cagc_opt_long("create", "-s", optarg, 100, 1000000, &v))
                return 1;
            o.seg_size = (uint32_t)v;
            break;
        case 'l':
            if (cagc_opt_long("create", "-l", optarg, 15, 32, &v))
                return 1;
            o.mml = (uint32_t)v;
            break;
        case 'b':
            if (cagc_opt_long("create", "-b", optarg, 1, 1000000000, &v))
                return 1;
            o.pack = (uint32_t)v;
            break;
        case CAGC_LOPT_PANSN:
            o.pansn = 1;
            break;
        default:
            fputs(usage_text, stderr);
            return 1;
        }
    }
    const char *out = ba.out, *list = ba.list;
    rt_logger lg;
    cagc_build_logger(&ba, &lg);
    if (o.concat && o.pansn) {
        fprintf(stderr, "[cagc] create: -c and --pansn exclude each other\n");
        return 1;
    }
    int rc = RT_OK;
    for (int i = optind; i < argc && !rc; i++) {
        rc = cagc_strvec_push_unique(&inputs, argv[i]);
        if (!rc && list && i == optind) {
            rc = cagc_read_list(list, &inputs);
            if (rc)
                rt_log(&lg, RT_LOG_ERROR, "cannot read %s: %s", list, rt_strerror(rc));
        }
    }
    if (!rc && list && optind >= argc && (rc = cagc_read_list(list, &inputs)))
        rt_log(&lg, RT_LOG_ERROR, "cannot read %s: %s", list, rt_strerror(rc));
    if (!rc && inputs.n == 0) {
        fputs(usage_text, stderr);
        rc = RT_EINVAL;
    } else if (!rc) {
        rc = agc_create(&o, (const char *const *)inputs.v, inputs.n, out);
    }
    cagc_strvec_free(&inputs);
    if (co.footer)
        rt_cli_footer(&co, "cagc", stderr);
    return rc ? 1 : 0;
}
