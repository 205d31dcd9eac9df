/* cagc listset | listref | listctg | info: metadata listings, byte for byte
 * as the reference tool prints them (listref without a newline, info on
 * stderr). */
#include <stdio.h>
#include <string.h>

#include "cli/cagc_cmd.h"
#include "cli/cagc_opt.h"

static const char list_usage[] =
    "Usage: cagc listset|listref <in.agc> [-o FILE]\n"
    "       cagc listctg <in.agc> <sample> [<sample> ...] [-o FILE]\n"
    "       cagc info <in.agc> [-v 1]\n";

/* Parse, open the archive and the output; 0 = go on, else an exit status+1. */
static int list_begin(int argc, char **argv, int min_pos, cagc_opts *o, agc_reader **r,
                      rt_out **w, int *done)
{
    *done = 0;
    if (cagc_parse(argc, argv, CAGC_LIST, list_usage, o))
        return 1;
    if (o->help) {
        *done = 1;
        return 0;
    }
    if (o->npos < min_pos) {
        fputs(list_usage, stderr);
        return 1;
    }
    if (cagc_open(o, r))
        return 1;
    if (w) {
        int st = rt_out_open(w, o->out, 0, &o->lg);
        if (st) {
            agc_reader_close(*r);
            return cagc_fail(o->out ? o->out : "stdout", st);
        }
    }
    return 0;
}

static int list_end(agc_reader *r, rt_out *w, int st, const char *what)
{
    int cst = rt_out_close(w);
    agc_reader_close(r);
    if (st)
        return cagc_fail(what, st);
    if (cst)
        return 1;   /* reported by rt_out */
    return 0;
}

int cagc_cmd_listset(int argc, char **argv)
{
    cagc_opts o;
    agc_reader *r;
    rt_out *w;
    int done, rc = list_begin(argc, argv, 1, &o, &r, &w, &done);
    if (rc || done)
        return rc;
    uint32_t n = agc_reader_n_samples(r);
    for (uint32_t i = 0; i < n; i++) {
        rt_out_puts(w, agc_reader_sample_name(r, agc_reader_sample_sorted(r, i)));
        rt_out_putc(w, '\n');
    }
    return list_end(r, w, 0, "listset");
}

int cagc_cmd_listref(int argc, char **argv)
{
    cagc_opts o;
    agc_reader *r;
    rt_out *w;
    int done, rc = list_begin(argc, argv, 1, &o, &r, &w, &done);
    if (rc || done)
        return rc;
    if (agc_reader_n_samples(r) > 0)
        rt_out_puts(w, agc_reader_sample_name(r, 0));
    return list_end(r, w, 0, "listref");
}

int cagc_cmd_listctg(int argc, char **argv)
{
    cagc_opts o;
    agc_reader *r;
    rt_out *w;
    int done, rc = list_begin(argc, argv, 2, &o, &r, &w, &done);
    if (rc || done)
        return rc;
    int st = 0;
    const char *bad = "listctg";
    for (int a = 1; a < o.npos && !st; a++) {
        uint32_t s, n;
        int found;
        agc_reader_find_sample(r, o.pos[a], &s, &found);
        if (!found) {
            fprintf(stderr, "[cagc] listctg: no sample named '%s'\n", o.pos[a]);
            rt_out_close(w);
            agc_reader_close(r);
            return 1;
        }
        st = agc_reader_n_contigs(r, s, &n);
        if (st)
            break;
        rt_out_puts(w, o.pos[a]);
        rt_out_putc(w, '\n');
        for (uint32_t c = 0; c < n && !st; c++) {
            const char *name;
            st = agc_reader_contig(r, s, c, &name, NULL);
            if (!st) {
                rt_out_write(w, "   ", 3);
                rt_out_puts(w, name);
                rt_out_putc(w, '\n');
            }
        }
    }
    return list_end(r, w, st, bad);
}

static int print_pair(void *ctx, const char *key, const char *val)
{
    (void)ctx;
    fprintf(stderr, "%-16s : %s\n", key, val);
    return 0;
}

/* "date : command", as the reference tool prints stored command lines. */
static int print_cmd(void *ctx, const char *cmd, const char *date)
{
    (void)ctx;
    fprintf(stderr, "%s : %s\n", date, cmd);
    return 0;
}

int cagc_cmd_info(int argc, char **argv)
{
    cagc_opts o;
    agc_reader *r;
    int done, rc = list_begin(argc, argv, 1, &o, &r, NULL, &done);
    if (rc || done)
        return rc;
    agc_reader_info in;
    agc_reader_get_info(r, &in);
    /* The reference tool writes this report to stderr, even with -o. */
    fprintf(stderr, "No. samples      : %u\n", in.n_samples);
    fprintf(stderr, "k-mer length     : %u\n", in.k);
    fprintf(stderr, "Min. match length: %u\n", in.min_match_len);
    if (in.segment_size)
        fprintf(stderr, "Segment size     : %u\n", in.segment_size);
    fprintf(stderr, "Batch size       : %u\n", in.pack);
    fprintf(stderr, "Reference name   : %s\n", in.n_samples ? agc_reader_sample_name(r, 0) : "");
    fprintf(stderr, "Command lines:\n");
    agc_reader_cmd_lines(r, print_cmd, NULL);
    int st = 0;
    if (o.verbose >= 1) {
        fprintf(stderr, "File type info:\n");
        st = agc_reader_file_info(r, print_pair, NULL);
    }
    agc_reader_close(r);
    if (fflush(stderr) != 0)
        return 1;
    return st ? cagc_fail("info", st) : 0;
}
