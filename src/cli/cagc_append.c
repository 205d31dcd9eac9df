/*
 * cagc append: a new archive holding the samples of IN.agc followed by the
 * samples of the new FASTA files. IN.agc is never modified.
 *
 * This version re-compresses rather than restoring the compressor state:
 *
 *   child process                         this process
 *   IN.agc --reader--> FIFO TMP/0.fa ---> agc_create(TMP/0.fa .. TMP/n-1.fa,
 *                      FIFO TMP/1.fa --->            NEW.fa ..)
 *                      ...                  names forced to the stored ones,
 *   (full headers, decoded letters,         k s l b from IN.agc's params,
 *    one sample after the other)            + IN.agc's stored splitters
 *                                           --> OUT.agc.partPID
 *   exit status 0 ------------------------> rename to OUT.agc
 *
 * The decoded collection never touches the disk: agc_create opens its
 * inputs strictly one after the other, and the child writes them in that
 * order. The child is forked before agc_create starts any thread.
 *
 * Sample 0 stays the reference, so the splitters are recomputed from the
 * same sequence, and the stored `splitters` are added to them (they differ
 * only for -a, or -c with several samples in the reference file). Every
 * segment is classified against fully unpacked group references,
 * so append compresses exactly like one create of all inputs (the reference
 * tool's appender estimates costs against groups it has not unpacked). The
 * price is time: the existing samples are decoded and compressed again.
 *
 * Failure at any step leaves no output file: the archive is written under a
 * temporary name and renamed only once it is complete.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agc/agc_archive.h"
#include "agc/agc_compress.h"
#include "cli/cagc_args.h"
#include "cli/cagc_cmd.h"
#include "kindred/agc.h"
#include "kindred/rt.h"

static const char usage_text[] =
    "Usage: cagc append [options] -o out.agc <in.agc> <new.fa> [<new.fa> ...]\n"
    "Writes a new archive with the samples of in.agc followed by the new ones;\n"
    "in.agc is not modified. k, segment size, min match length and batch size\n"
    "come from in.agc. A new sample whose name is already in in.agc is an error.\n"
    "Options:\n"
    "  -o FILE   output archive (required; may equal in.agc)\n"
    "  -c        concatenated genomes: every contig of the new files is a sample\n"
    "  -i FILE   file with new FASTA names (whitespace-separated)\n"
    "  -t INT    threads (default: online CPUs, at most 16)\n"
    "  -v INT    verbosity (0; 0-2)\n"
    "  -a        adaptive mode: new splitters for contigs that have none\n"
    "  -f FLOAT  fraction of fallback minimizers (0; 0-0.05)\n"
    "  -h        this help\n";

/* One existing sample as FASTA (full headers, one sequence line per
 * contig: the compressor does not care about line lengths). */
static int dump_sample(agc_reader *r, uint32_t smp, FILE *f)
{
    uint32_t nc = 0;
    int rc = agc_reader_n_contigs(r, smp, &nc);
    char *buf = NULL;
    size_t cap = 0;
    for (uint32_t c = 0; c < nc && !rc; c++) {
        const char *name;
        uint64_t len;
        if ((rc = agc_reader_contig(r, smp, c, &name, &len)))
            break;
        if (len + 1 > cap) {
            char *nb = rt_realloc(buf, (size_t)len + 1);
            if (!nb) {
                rc = RT_ENOMEM;
                break;
            }
            buf = nb;
            cap = (size_t)len + 1;
        }
        if (len && (rc = agc_reader_fetch(r, smp, c, 0, len, buf)))
            break;
        if (fprintf(f, ">%s\n", name) < 0 || fwrite(buf, 1, (size_t)len, f) != len ||
            fputc('\n', f) == EOF)
            rc = RT_EPIPE;
    }
    rt_free(buf);
    return rc;
}

/* The child: sample i into FIFO i, in order (agc_create opens its inputs
 * one after the other). After a failure the remaining FIFOs are still
 * opened and closed, so the parent never waits on one; the exit status
 * tells the parent not to keep what it built. */
static void feed_fifos(agc_reader *r, const cagc_strvec *fifos, const cagc_strvec *names)
{
    int failed = 0;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (size_t i = 0; i < fifos->n; i++) {
        FILE *f = fopen(fifos->v[i], "wb");
        if (!f) {
            failed = 1;
            continue;
        }
        if (!failed) {
            int rc = dump_sample(r, (uint32_t)i, f);
            if (rc && rc != RT_EPIPE)
                fprintf(stderr, "[cagc] cannot decode sample '%s': %s\n", names->v[i],
                        rt_strerror(rc));
            failed = rc != 0;
        }
        if (fclose(f) != 0)
            failed = 1;
    }
    _exit(failed ? 1 : 0);
}

typedef struct {
    char *dir;              /* temporary directory, NULL = none */
    cagc_strvec files;           /* decoded samples inside it */
} tmpdump;

static void tmpdump_free(tmpdump *t)
{
    for (size_t i = 0; i < t->files.n; i++)
        unlink(t->files.v[i]);
    if (t->dir)
        rmdir(t->dir);
    cagc_strvec_free(&t->files);
    rt_free(t->dir);
}

/* Directory part of path (with the trailing '/'), or "" */
static size_t dir_len(const char *path)
{
    const char *sl = strrchr(path, '/');
    return sl ? (size_t)(sl - path) + 1 : 0;
}

static int prepare(agc_reader *r, const char *out, tmpdump *t, cagc_strvec *names,
                   const rt_logger *lg)
{
    size_t dl = dir_len(out);
    size_t cap = dl + 32;
    int rc = RT_OK;
    if (!(t->dir = rt_malloc(cap)))
        return RT_ENOMEM;
    snprintf(t->dir, cap, "%.*s.cagc-append-XXXXXX", (int)dl, out);
    if (!mkdtemp(t->dir)) {
        rt_log(lg, RT_LOG_ERROR, "cannot create a temporary directory beside %s: %s", out,
               strerror(errno));
        rt_free(t->dir);
        t->dir = NULL;
        return RT_EIO;
    }
    uint32_t ns = agc_reader_n_samples(r);
    if (ns == 0) {
        rt_log(lg, RT_LOG_ERROR, "the input archive holds no sample");
        rc = RT_EFORMAT;
    }
    for (uint32_t i = 0; i < ns && !rc; i++) {
        size_t fl = strlen(t->dir) + 24;
        char *fp = rt_malloc(fl);
        if (!fp)
            return RT_ENOMEM;
        snprintf(fp, fl, "%s/%u.fa", t->dir, (unsigned)i);
        if (mkfifo(fp, 0600) != 0) {
            rt_log(lg, RT_LOG_ERROR, "cannot create %s: %s", fp, strerror(errno));
            rt_free(fp);
            return RT_EIO;
        }
        if (rt_vec_push(&t->files, fp)) {
            unlink(fp);
            rt_free(fp);
            return RT_ENOMEM;
        }
        rc = cagc_strvec_push(names, agc_reader_sample_name(r, i));
    }
    return rc;
}

/* The stored `splitters` stream (u64 LE each): they are added to those
 * recomputed from sample 0, so splitters found by adaptive mode, or in a
 * reference file holding several -c samples, are not lost. No stream (old
 * formats) = none; a malformed one is an error. */
static int read_splitters(const char *in, uint64_t **out, size_t *n, const rt_logger *lg)
{
    agc_archive *a = NULL;
    *out = NULL;
    *n = 0;
    int rc = agc_ar_open_file(&a, in);
    long sid = rc ? -1 : agc_ar_find(a, "splitters");
    if (!rc && sid >= 0) {
        const uint8_t *p;
        size_t sz;
        uint64_t meta;
        rc = agc_ar_part(a, sid, 0, &p, &sz, &meta);
        if (!rc && (sz % 8 || meta != sz / 8))
            rc = RT_EFORMAT;
        if (!rc && sz && !(*out = rt_malloc(sz)))
            rc = RT_ENOMEM;
        for (size_t i = 0; !rc && i < sz / 8; i++) {
            uint64_t x = 0;
            for (int b = 7; b >= 0; b--)
                x = x << 8 | p[i * 8 + (size_t)b];
            (*out)[i] = x;
        }
        if (!rc)
            *n = sz / 8;
    }
    agc_ar_close(a);
    if (rc) {
        rt_log(lg, RT_LOG_ERROR, "%s: unreadable splitters stream: %s", in, rt_strerror(rc));
        rt_free(*out);
        *out = NULL;
    }
    return rc;
}

/* New inputs whose sample name is taken already; only checkable up front
 * outside -c (there names come from headers and agc_create rejects them). */
static int check_names(const cagc_strvec *names, const cagc_strvec *inputs, const rt_logger *lg)
{
    int rc = RT_OK;
    char nm[4096];
    for (size_t i = 0; i < inputs->n; i++) {
        agc_sample_name(inputs->v[i], nm, sizeof nm);
        for (size_t j = 0; j < names->n; j++) {
            if (strcmp(names->v[j], nm) == 0) {
                rt_log(lg, RT_LOG_ERROR, "%s: sample '%s' is already in the archive",
                       inputs->v[i], nm);
                rc = RT_EEXIST;
                break;
            }
        }
    }
    return rc;
}

static int run_append(agc_create_opts *o, const char *in, const cagc_strvec *news, const char *out,
                      const rt_logger *lg)
{
    tmpdump t = {0};
    cagc_strvec names = {0}, all = {0};
    const char **forced = NULL;
    char *part = NULL;
    uint64_t *spl = NULL;
    size_t nspl = 0;
    agc_reader_info info;
    agc_reader *r = NULL;
    pid_t child = -1;
    int rc = agc_reader_open(&r, in);
    if (rc)
        rt_log(lg, RT_LOG_ERROR, "cannot open archive %s: %s", in, rt_strerror(rc));
    if (!rc) {
        agc_reader_get_info(r, &info);
        rc = prepare(r, out, &t, &names, lg);
    }
    if (!rc)
        rc = read_splitters(in, &spl, &nspl, lg);
    if (!rc && !o->concat)
        rc = check_names(&names, news, lg);
    for (size_t i = 0; i < t.files.n && !rc; i++)
        rc = cagc_strvec_push(&all, t.files.v[i]);
    for (size_t i = 0; i < news->n && !rc; i++)
        rc = cagc_strvec_push(&all, news->v[i]);
    if (!rc && !(forced = rt_calloc(all.n, sizeof *forced)))
        rc = RT_ENOMEM;
    if (!rc) {
        size_t pl = strlen(out) + 32;
        if (!(part = rt_malloc(pl)))
            rc = RT_ENOMEM;
        else
            snprintf(part, pl, "%s.part%ld", out, (long)getpid());
    }
    if (!rc) {
        /* fork before agc_create starts its threads */
        fflush(stdout);
        fflush(stderr);
        child = fork();
        if (child == 0)
            feed_fifos(r, &t.files, &names);
        if (child < 0) {
            rt_log(lg, RT_LOG_ERROR, "cannot fork: %s", strerror(errno));
            rc = RT_EIO;
        }
    }
    agc_reader_close(r);
    if (!rc) {
        for (size_t i = 0; i < names.n; i++)
            forced[i] = names.v[i];
        o->names = forced;
        o->extra_splitters = spl;
        o->n_extra_splitters = nspl;
        o->k = info.k;
        o->seg_size = info.segment_size;
        o->mml = info.min_match_len;
        o->pack = info.pack;
        rt_log(lg, RT_LOG_INFO, "%zu samples from %s, %zu new inputs", names.n, in, news->n);
        rc = agc_create(o, (const char *const *)all.v, all.n, part);
        if (rc == RT_EINVAL)
            rt_log(lg, RT_LOG_ERROR, "%s: params k=%u s=%u l=%u b=%u out of range", in,
                   (unsigned)info.k, (unsigned)info.segment_size, (unsigned)info.min_match_len,
                   (unsigned)info.pack);
    }
    if (child > 0) {
        int st = 0;
        if (rc)
            kill(child, SIGKILL);   /* it may wait on a FIFO nobody opens */
        while (waitpid(child, &st, 0) < 0 && errno == EINTR)
            ;
        if (!rc && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
            rt_log(lg, RT_LOG_ERROR, "%s: decoding the existing samples failed", in);
            rc = RT_EFORMAT;
        }
    }
    if (!rc && rename(part, out) != 0) {
        rt_log(lg, RT_LOG_ERROR, "cannot rename %s to %s: %s", part, out, strerror(errno));
        rc = RT_EIO;
    }
    if (rc && part)
        unlink(part);
    o->names = NULL;
    o->extra_splitters = NULL;
    o->n_extra_splitters = 0;
    rt_free(spl);
    rt_free(part);
    rt_free(forced);
    cagc_strvec_free(&all);
    cagc_strvec_free(&names);
    tmpdump_free(&t);
    return rc;
}

int cagc_cmd_append(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", 0, NULL, 'h'},                  {"threads", 1, NULL, 't'},
        {"footer", 0, NULL, CAGC_LOPT_FOOTER},   {"version", 0, NULL, CAGC_LOPT_VERSION},
        {NULL, 0, NULL, 0}};
    agc_create_opts o;
    rt_cli_common co;
    int c;
    agc_create_opts_default(&o);
    rt_cli_common_init(&co);
    o.threads = co.threads;
    cagc_build_args ba = {"append", usage_text, &o, &co.footer, NULL, NULL, 0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "ci:o:t:@:v:af:dh", longopts, NULL)) != -1) {
        int r = cagc_build_opt(&ba, c, optarg);
        if (r == CAGC_OPT_EXIT0)
            return 0;
        if (r != CAGC_OPT_TAKEN) {
            if (r == CAGC_OPT_OTHER)
                fputs(usage_text, stderr);
            return 1;
        }
    }
    const char *out = ba.out, *list = ba.list;
    rt_logger lg;
    cagc_build_logger(&ba, &lg);
    if (!out || strcmp(out, "-") == 0 || optind >= argc) {
        if (!out || strcmp(out, "-") == 0)
            fprintf(stderr, "[cagc] append: -o FILE is required (the output is a new file)\n");
        fputs(usage_text, stderr);
        return 1;
    }
    const char *in = argv[optind];
    cagc_strvec news = {0};
    int rc = RT_OK;
    for (int i = optind + 1; i < argc && !rc; i++)
        rc = cagc_strvec_push_unique(&news, argv[i]);
    if (!rc && list && (rc = cagc_read_list(list, &news)))
        rt_log(&lg, RT_LOG_ERROR, "cannot read %s: %s", list, rt_strerror(rc));
    if (!rc && news.n == 0) {
        fprintf(stderr, "[cagc] append: no new FASTA file given\n");
        rc = RT_EINVAL;
    }
    if (!rc)
        rc = run_append(&o, in, &news, out, &lg);
    cagc_strvec_free(&news);
    if (co.footer)
        rt_cli_footer(&co, "cagc", stderr);
    return rc ? 1 : 0;
}
