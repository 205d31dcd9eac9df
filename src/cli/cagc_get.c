/* cagc getset | getcol | getctg: planning the records to extract. Queries
 * follow the reference tool: ctg, ctg@sample, ctg:from-to,
 * ctg@sample:from-to (0-based, both ends inclusive), split at the last '@'
 * and the last ':' that is followed by a '-'. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cagc_cmd.h"
#include "cli/cagc_get.h"

static const char get_usage[] =
    "Usage: cagc getset <in.agc> <sample> [<sample> ...] [options]\n"
    "       cagc getctg <in.agc> <query> [<query> ...] [options]\n"
    "       cagc getcol <in.agc> [options]\n"
    "  query: ctg | ctg@sample | ctg:from-to | ctg@sample:from-to (0-based, inclusive)\n"
    "Options:\n"
    "  -o FILE     output file (getcol: existing directory, one FILE per sample)\n"
    "  -l N        line length (default 80; 0 = no wrap; else at least 40)\n"
    "  -g N        gzip level 0-9 (default 0 = plain)\n"
    "  -t N, -@ N  threads\n"
    "  -s          streaming: one thread, no gzip\n"
    "  -p, -f      accepted for compatibility (no effect)\n"
    "  -r          getcol: skip the reference sample\n"
    "  -r FILE     getctg: queries from FILE, one per line\n"
    "  --bed FILE  getctg: regions 'ctg[@sample] start end' (0-based, half-open)\n"
    "  --one-based getctg: from-to are 1-based inclusive (samtools style)\n"
    "  --pansn     name records sample#contig\n"
    "Exit status 1 on any error (unknown sample or contig, corrupt archive, failed write).\n";

static int get_begin(int argc, char **argv, int kind, int min_pos, cagc_opts *o, agc_reader **r,
                     int *done)
{
    *done = 0;
    if (cagc_parse(argc, argv, kind, get_usage, o))
        return 1;
    if (o->help) {
        *done = 1;
        return 0;
    }
    if (o->npos < min_pos) {
        fputs(get_usage, stderr);
        return 1;
    }
    return cagc_open(o, r);
}

static int finish(agc_reader *r, cagc_emit *e, int st)
{
    int cst = cagc_emit_close(e);
    agc_reader_close(r);
    if (!st)
        st = cst;
    /* Output failures were already reported, once, by rt_out or by the
     * code that opened the file. */
    if (st == RT_EPIPE || st == RT_EIO)
        return 1;
    if (st)
        return cagc_fail("extraction failed", st);
    return 0;
}

static int emit_sample(cagc_emit *e, agc_reader *r, uint32_t s, int file)
{
    uint32_t n;
    int st = agc_reader_n_contigs(r, s, &n);
    for (uint32_t c = 0; c < n && !st; c++) {
        uint64_t len;
        st = agc_reader_contig(r, s, c, NULL, &len);
        if (st)
            break;
        cagc_rec rec = {s, c, 0, len, NULL, file};
        st = cagc_emit_rec(e, &rec);
    }
    return st;
}

int cagc_cmd_getset(int argc, char **argv)
{
    cagc_opts o;
    agc_reader *r;
    int done, rc = get_begin(argc, argv, CAGC_GET, 2, &o, &r, &done);
    if (rc || done)
        return rc;
    /* Check every name before writing anything. */
    for (int a = 1; a < o.npos; a++) {
        uint32_t s;
        int found;
        agc_reader_find_sample(r, o.pos[a], &s, &found);
        if (!found) {
            fprintf(stderr, "[cagc] getset: no sample named '%s'\n", o.pos[a]);
            agc_reader_close(r);
            return 1;
        }
    }
    cagc_emit *e;
    int st = cagc_emit_open(&e, r, &o, NULL, 0);
    if (st) {
        agc_reader_close(r);
        return cagc_fail("getset", st);
    }
    for (int a = 1; a < o.npos && !st; a++) {
        uint32_t s;
        int found;
        agc_reader_find_sample(r, o.pos[a], &s, &found);
        st = emit_sample(e, r, s, 0);
    }
    return finish(r, e, st);
}

int cagc_cmd_getcol(int argc, char **argv)
{
    cagc_opts o;
    agc_reader *r;
    int done, rc = get_begin(argc, argv, CAGC_GETCOL, 1, &o, &r, &done);
    if (rc || done)
        return rc;
    uint32_t ns = agc_reader_n_samples(r);
    char **paths = NULL;
    int st = 0;
    if (o.out) {
        paths = rt_calloc(ns ? ns : 1, sizeof *paths);
        if (!paths) {
            agc_reader_close(r);
            return cagc_fail("getcol", RT_ENOMEM);
        }
        for (uint32_t s = 0; s < ns && !st; s++) {
            const char *nm = agc_reader_sample_name(r, s);
            size_t n = strlen(o.out) + strlen(nm) + 8;
            paths[s] = rt_malloc(n);
            if (!paths[s])
                st = RT_ENOMEM;
            else
                snprintf(paths[s], n, "%s/%s.fa%s", o.out, nm, o.gzip ? ".gz" : "");
        }
    }
    cagc_emit *e = NULL;
    if (!st)
        st = cagc_emit_open(&e, r, &o, paths, (int)ns);
    /* Format 3 archives are written out in stored order; the reference
     * tool lists the samples of older formats by name (its collection of
     * those is a sorted map), and getcol follows that order. */
    agc_reader_info in;
    agc_reader_get_info(r, &in);
    for (uint32_t i = 0; i < ns && !st; i++) {
        uint32_t s = in.version < 3000 ? agc_reader_sample_sorted(r, i) : i;
        if (o.skip_ref && s == 0)
            continue;
        st = emit_sample(e, r, s, paths ? (int)s : 0);
    }
    rc = finish(r, e, st);
    if (paths)
        for (uint32_t s = 0; s < ns; s++)
            rt_free(paths[s]);
    rt_free(paths);
    return rc;
}

/* ---------------------------------------------------------------- getctg */

typedef struct query {
    char *buf;                /* owned copy of the query text */
    char *name;               /* into buf */
    char *sample;             /* NULL when absent */
    int has_range;
    long long from, to;       /* as written by the user */
    int bed;                  /* from/to are a BED half-open interval */
} query;

static int has_dash_after(const char *s, const char **colon, const char **dash)
{
    /* The last ':' that has a '-' after it, and the last '-' after it. */
    const char *d = strrchr(s, '-');
    if (!d)
        return 0;
    const char *c = NULL;
    for (const char *p = s; p < d; p++)
        if (*p == ':')
            c = p;
    if (!c)
        return 0;
    *colon = c;
    *dash = d;
    return 1;
}

/* Split a query in place (q is modified). */
static void parse_query(char *q, query *out)
{
    memset(out, 0, sizeof *out);
    const char *c, *d;
    for (char *at = strrchr(q, '@'); at; ) {
        if (has_dash_after(at + 1, &c, &d)) {
            *at = '\0';
            out->name = q;
            out->sample = at + 1;
            out->has_range = 1;
            out->from = atoll(c + 1);
            out->to = atoll(d + 1);
            *(char *)c = '\0';
            return;
        }
        char *prev = NULL;
        for (char *p = q; p < at; p++)
            if (*p == '@')
                prev = p;
        at = prev;
    }
    char *at = strrchr(q, '@');
    if (at) {
        *at = '\0';
        out->name = q;
        out->sample = at + 1;
        return;
    }
    if (has_dash_after(q, &c, &d)) {
        out->has_range = 1;
        out->from = atoll(c + 1);
        out->to = atoll(d + 1);
        *(char *)c = '\0';
    }
    out->name = q;
}

typedef RT_VEC(query) query_vec;

static int add_query(query_vec *v, const char *text, int bed)
{
    char *q = rt_strdup(text);
    if (!q)
        return RT_ENOMEM;
    query x;
    if (bed) {
        /* ctg[@sample] <tab|space> start <tab|space> end [...] */
        memset(&x, 0, sizeof x);
        char *save = NULL, *f1 = strtok_r(q, " \t", &save), *f2 = strtok_r(NULL, " \t", &save),
             *f3 = strtok_r(NULL, " \t", &save);
        if (!f1 || !f2 || !f3) {
            fprintf(stderr, "[cagc] getctg: malformed BED line '%s'\n", text);
            rt_free(q);
            return RT_ESYNTAX;
        }
        char *at = strrchr(f1, '@');
        if (at) {
            *at = '\0';
            x.sample = at + 1;
        }
        x.name = f1;
        x.has_range = 1;
        x.bed = 1;
        x.from = atoll(f2);
        x.to = atoll(f3);
    } else {
        parse_query(q, &x);
    }
    x.buf = q;
    int st = rt_vec_push(v, x);
    if (st)
        rt_free(q);
    return st;
}

static int read_lines(query_vec *v, const char *path, int bed)
{
    rt_in *in;
    int st = rt_in_open(&in, path);
    if (st) {
        fprintf(stderr, "[cagc] getctg: cannot read %s: %s\n", path, rt_strerror(st));
        return st;
    }
    for (;;) {
        const char *line;
        size_t len;
        int eof;
        st = rt_in_getline(in, &line, &len, &eof);
        if (st || eof)
            break;
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        if (len == 0 || line[0] == '#')
            continue;
        if (bed && (strncmp(line, "track", 5) == 0 || strncmp(line, "browser", 7) == 0))
            continue;
        char *t = rt_malloc(len + 1);
        if (!t) {
            st = RT_ENOMEM;
            break;
        }
        memcpy(t, line, len);
        t[len] = '\0';
        st = add_query(v, t, bed);
        rt_free(t);
        if (st)
            break;
    }
    rt_in_close(in);
    return st;
}

/* Find (sample, contig) of a query; prints the reason when it fails. */
static int resolve(agc_reader *r, const query *q, uint32_t *s, uint32_t *c)
{
    int found;
    if (q->sample) {
        agc_reader_find_sample(r, q->sample, s, &found);
        if (!found) {
            fprintf(stderr, "[cagc] getctg: no sample named '%s'\n", q->sample);
            return RT_ENOTFOUND;
        }
        int st = agc_reader_find_contig(r, *s, q->name, strlen(q->name), c, &found);
        if (st)
            return st;
        if (!found) {
            fprintf(stderr, "[cagc] getctg: no contig '%s' in sample '%s'\n", q->name, q->sample);
            return RT_ENOTFOUND;
        }
        return 0;
    }
    size_t nlen = strcspn(q->name, " \t\r\n");
    uint32_t ns = agc_reader_n_samples(r), hits = 0;
    for (uint32_t i = 0; i < ns; i++) {
        uint32_t ci;
        int st = agc_reader_find_contig(r, i, q->name, nlen, &ci, &found);
        if (st)
            return st;
        if (found && hits++ == 0) {
            *s = i;
            *c = ci;
        }
    }
    if (hits == 1)
        return 0;
    fprintf(stderr, "[cagc] getctg: contig '%.*s' %s\n", (int)nlen, q->name,
            hits ? "is in several samples; use ctg@sample" : "not found in any sample");
    return RT_ENOTFOUND;
}

/* Range of a resolved query; writes the header suffix into buf. */
static void plan_range(const query *q, uint64_t len, int one_based, cagc_rec *rec, char *buf,
                       size_t bufsz)
{
    rec->from = 0;
    rec->to = len;
    rec->range = NULL;
    if (!q->has_range)
        return;
    long long f = q->from, t = q->to, shown_f = q->from, shown_t = q->to;
    if (q->bed) {
        t = t - 1;               /* half-open -> inclusive */
        shown_t = t;
    } else if (one_based) {
        f -= 1;
        t -= 1;
    }
    if (f < 0) {
        fprintf(stderr, "[cagc] getctg: warning: negative start in '%s' set to the contig start\n",
                q->name);
        f = 0;
        shown_f = one_based && !q->bed ? 1 : 0;
    }
    if (t < 0 && !q->bed) {
        t = len ? (long long)len - 1 : 0;
        shown_t = one_based ? (long long)len : t;
    }
    if (f > t) {
        if (!q->bed)
            fprintf(stderr, "[cagc] getctg: warning: start after end in '%s': whole contig\n",
                    q->name);
        f = 0;
        t = len ? (long long)len - 1 : -1;
        if (q->bed)
            t = f - 1; /* an empty BED interval stays empty */
        shown_f = one_based && !q->bed ? 1 : 0;
        shown_t = one_based && !q->bed ? (long long)len : t;
    }
    uint64_t a = (uint64_t)f, b = t < 0 ? 0 : (uint64_t)t + 1;
    if (b > len)
        b = len;
    if (a > b)
        a = b;
    if (a >= len && q->has_range && len && (uint64_t)f >= len)
        fprintf(stderr, "[cagc] getctg: warning: range of '%s' starts past its end (%llu)\n",
                q->name, (unsigned long long)len);
    rec->from = a;
    rec->to = b;
    snprintf(buf, bufsz, ":%lld-%lld", shown_f, shown_t);
    rec->range = buf;
}

int cagc_cmd_getctg(int argc, char **argv)
{
    cagc_opts o;
    agc_reader *r;
    int done, rc = get_begin(argc, argv, CAGC_GETCTG, 1, &o, &r, &done);
    if (rc || done)
        return rc;
    query_vec qs = {0};
    int st = 0;
    for (int a = 1; a < o.npos && !st; a++)
        st = add_query(&qs, o.pos[a], 0);
    if (!st && o.regions)
        st = read_lines(&qs, o.regions, 0);
    if (!st && o.bed)
        st = read_lines(&qs, o.bed, 1);
    if (!st && qs.n == 0) {
        fputs(get_usage, stderr);
        st = RT_EINVAL;
    }
    cagc_rec *recs = NULL;
    char (*ranges)[48] = NULL;
    if (!st) {
        recs = rt_calloc(qs.n, sizeof *recs);
        ranges = rt_calloc(qs.n, sizeof *ranges);
        if (!recs || !ranges)
            st = RT_ENOMEM;
    }
    /* Resolve everything first: an unknown name writes nothing. */
    for (size_t i = 0; i < qs.n && !st; i++) {
        uint64_t len;
        st = resolve(r, &qs.v[i], &recs[i].sample, &recs[i].ctg);
        if (!st)
            st = agc_reader_contig(r, recs[i].sample, recs[i].ctg, NULL, &len);
        if (!st)
            plan_range(&qs.v[i], len, o.one_based, &recs[i], ranges[i], sizeof ranges[i]);
    }
    cagc_emit *e = NULL;
    if (!st)
        st = cagc_emit_open(&e, r, &o, NULL, 0);
    for (size_t i = 0; i < qs.n && !st; i++)
        st = cagc_emit_rec(e, &recs[i]);
    int quiet = st == RT_ENOTFOUND || st == RT_ESYNTAX || st == RT_EINVAL;
    if (quiet) {
        cagc_emit_close(e);
        agc_reader_close(r);
        rc = 1;
    } else if (!e) {
        agc_reader_close(r);
        rc = st ? cagc_fail("getctg", st) : 0;
    } else {
        rc = finish(r, e, st);
    }
    for (size_t i = 0; i < qs.n; i++)
        rt_free(qs.v[i].buf);
    rt_vec_free(&qs);
    rt_free(recs);
    rt_free(ranges);
    return rc;
}
