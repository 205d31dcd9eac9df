/* agc_compress: archives of generated genome collections decode to the
 * input (upper-cased) through the reader; -t 1 and -t 2 give the same bytes;
 * -c and --pansn; duplicate names and bad headers are errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agc/agc_archive.h"
#include "agc/agc_compress.h"
#include "kindred/agc.h"
#include "kindred/rt.h"

static uint64_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 17;
}

typedef struct {
    char name[64];
    char *seq;
    size_t len;
} gctg;

typedef struct {
    char name[32];
    gctg c[8];
    int n;
} gsample;

static char dir[64];
static const char ACGT[] = "ACGT";

static char *mutate(const char *r, size_t n, size_t *out_n, uint64_t *seed, int rc)
{
    char *t = malloc(2 * n + 1000);
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        uint64_t x = rng(seed) % 2000;
        if (x < 4) {
            t[j++] = ACGT[rng(seed) % 4];
            i++;
        } else if (x < 5) {
            i += rng(seed) % 40;
        } else if (x < 6) {
            for (int q = (int)(rng(seed) % 40); q > 0; q--)
                t[j++] = ACGT[rng(seed) % 4];
        } else if (x == 6) {
            for (int q = (int)(rng(seed) % 60); q > 0; q--)
                t[j++] = 'N';
        } else {
            t[j++] = r[i++];
        }
    }
    if (rc) {
        for (size_t a = 0, b = j ? j - 1 : 0; a < b; a++, b--) {
            char c = t[a];
            t[a] = t[b];
            t[b] = c;
        }
        for (size_t a = 0; a < j; a++) {
            char *p = strchr(ACGT, t[a]);
            if (p)
                t[a] = ACGT[3 - (p - ACGT)];
        }
    }
    t[j] = 0;
    *out_n = j;
    return t;
}

static void make_collection(gsample *s, int ns, uint64_t seed)
{
    size_t lens[3] = {30000, 12000, 5000};
    char *ref[3];
    for (int c = 0; c < 3; c++) {
        ref[c] = malloc(lens[c] + 1);
        for (size_t i = 0; i < lens[c]; i++)
            ref[c][i] = ACGT[rng(&seed) % 4];
        ref[c][lens[c]] = 0;
        /* a repeat inside the first contig */
        if (c == 0)
            memcpy(ref[c] + 20000, ref[c] + 1000, 3000);
    }
    for (int k = 0; k < ns; k++) {
        snprintf(s[k].name, sizeof s[k].name, "g%d", k);
        s[k].n = 0;
        for (int c = 0; c < 3; c++) {
            gctg *g = &s[k].c[s[k].n++];
            snprintf(g->name, sizeof g->name, "chr%d g%d desc %d", c + 1, k, c);
            if (k == 0) {
                g->seq = strdup(ref[c]);
                g->len = lens[c];
            } else {
                g->seq = mutate(ref[c], lens[c], &g->len, &seed, k == 2 && c == 1);
            }
        }
        if (k == 3) {
            /* a draft: split contig 1 into pieces, lowercase one */
            gctg *g = &s[k].c[0];
            size_t cut = g->len / 3;
            gctg *h = &s[k].c[s[k].n++];
            snprintf(h->name, sizeof h->name, "frag_b");
            h->seq = strdup(g->seq + cut);
            h->len = g->len - cut;
            for (size_t i = 0; i < h->len; i += 2)
                h->seq[i] = (char)tolower(h->seq[i]);
            g->seq[cut] = 0;
            g->len = cut;
        }
        if (k == 4) {
            gctg *g = &s[k].c[s[k].n++];
            snprintf(g->name, sizeof g->name, "tiny");
            g->seq = strdup("ACGTRYKM");
            g->len = 8;
            g = &s[k].c[s[k].n++];
            snprintf(g->name, sizeof g->name, "empty");
            g->seq = strdup("");
            g->len = 0;
        }
    }
    for (int c = 0; c < 3; c++)
        free(ref[c]);
}

static void free_collection(gsample *s, int ns)
{
    for (int k = 0; k < ns; k++)
        for (int c = 0; c < s[k].n; c++)
            free(s[k].c[c].seq);
}

static void write_fasta(const char *path, const gsample *s, int from, int to, int pansn)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int k = from; k < to; k++)
        for (int c = 0; c < s[k].n; c++) {
            if (pansn)
                fprintf(f, ">%s#1#%s\n", s[k].name, s[k].c[c].name);
            else
                fprintf(f, ">%s\r\n", s[k].c[c].name);
            for (size_t i = 0; i < s[k].c[c].len; i += 61)
                fprintf(f, "%.61s\n", s[k].c[c].seq + i);
        }
    fclose(f);
}

static uint8_t *slurp(const char *path, size_t *n)
{
    uint8_t *d = NULL;
    assert_int_equal(rt_read_file(path, &d, n), 0);
    return d;
}

/* Every sample and contig of the archive equals the collection. */
static void verify(const char *arch, const gsample *s, int ns, int pansn)
{
    agc_reader *r = NULL;
    assert_int_equal(agc_reader_open(&r, arch), 0);
    assert_int_equal(agc_reader_n_samples(r), (uint32_t)ns);
    for (int k = 0; k < ns; k++) {
        char want[64];
        snprintf(want, sizeof want, pansn ? "%s#1" : "%s", s[k].name);
        assert_string_equal(agc_reader_sample_name(r, (uint32_t)k), want);
        uint32_t nc = 0;
        assert_int_equal(agc_reader_n_contigs(r, (uint32_t)k, &nc), 0);
        assert_int_equal(nc, (uint32_t)s[k].n);
        for (int c = 0; c < s[k].n; c++) {
            const char *name;
            uint64_t len;
            assert_int_equal(agc_reader_contig(r, (uint32_t)k, (uint32_t)c, &name, &len), 0);
            if (!pansn)
                assert_string_equal(name, s[k].c[c].name);
            assert_int_equal(len, s[k].c[c].len);
            char *buf = malloc(len + 1);
            assert_int_equal(agc_reader_fetch(r, (uint32_t)k, (uint32_t)c, 0, len, buf), 0);
            for (size_t i = 0; i < len; i++)
                assert_int_equal(buf[i], toupper((unsigned char)s[k].c[c].seq[i]));
            free(buf);
        }
    }
    agc_reader_close(r);
}

static void opts(agc_create_opts *o, int threads)
{
    agc_create_opts_default(o);
    o->k = 21;
    o->seg_size = 1500;
    o->pack = 3;
    o->threads = threads;
}

static void roundtrip_and_threads(void **state)
{
    (void)state;
    enum { NS = 6 };
    gsample s[NS];
    make_collection(s, NS, 1234);
    char files[NS][160];
    const char *in[NS];
    for (int k = 0; k < NS; k++) {
        snprintf(files[k], sizeof files[k], "%s/g%d.fa", dir, k);
        write_fasta(files[k], s, k, k + 1, 0);
        in[k] = files[k];
    }
    char a1[128], a2[128];
    snprintf(a1, sizeof a1, "%s/t1.agc", dir);
    snprintf(a2, sizeof a2, "%s/t2.agc", dir);
    agc_create_opts o;
    opts(&o, 1);
    assert_int_equal(agc_create(&o, in, NS, a1), 0);
    opts(&o, 2);
    assert_int_equal(agc_create(&o, in, NS, a2), 0);
    size_t n1, n2;
    uint8_t *b1 = slurp(a1, &n1), *b2 = slurp(a2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    size_t raw = 0;
    for (int k = 0; k < NS; k++)
        for (int c = 0; c < s[k].n; c++)
            raw += s[k].c[c].len;
    assert_true(n1 < raw / 4); /* the related genomes compress well */
    rt_free(b1);
    rt_free(b2);
    verify(a1, s, NS, 0);
    /* default parameters too (few splitters: mostly raw and one-sided groups) */
    agc_create_opts_default(&o);
    o.threads = 2;
    assert_int_equal(agc_create(&o, in, NS, a2), 0);
    verify(a2, s, NS, 0);
    free_collection(s, NS);
}

static void pansn_and_concat(void **state)
{
    (void)state;
    enum { NS = 4 };
    gsample s[NS];
    make_collection(s, NS, 99);
    char f1[128], f2[128], a[128];
    snprintf(f1, sizeof f1, "%s/pan.fa", dir);
    snprintf(f2, sizeof f2, "%s/rest.fa", dir);
    snprintf(a, sizeof a, "%s/p.agc", dir);
    write_fasta(f1, s, 0, NS, 1);
    agc_create_opts o;
    opts(&o, 2);
    o.pansn = 1;
    const char *in[1] = {f1};
    assert_int_equal(agc_create(&o, in, 1, a), 0);
    verify(a, s, NS, 1);
    /* -c: every contig is a sample named by its short name */
    write_fasta(f1, s, 0, 1, 0);
    write_fasta(f2, s, 1, NS, 0);
    opts(&o, 2);
    o.concat = 1;
    const char *in2[2] = {f1, f2};
    /* contig short names repeat across genomes ("chr1"), so -c must refuse */
    assert_int_equal(agc_create(&o, in2, 2, a), RT_EEXIST);
    free_collection(s, NS);
}

static uint64_t n_splitters(const char *arch)
{
    agc_archive *ar = NULL;
    assert_int_equal(agc_ar_open_file(&ar, arch), 0);
    long id = agc_ar_find(ar, "splitters");
    assert_true(id >= 0);
    const uint8_t *p;
    size_t n;
    uint64_t meta;
    assert_int_equal(agc_ar_part(ar, id, 0, &p, &n, &meta), 0);
    assert_int_equal(n, 8 * meta);
    agc_ar_close(ar);
    return meta;
}

/* -a and -f: a sample with a contig unrelated to the reference gets new
 * splitters; archives decode and do not depend on the thread count. */
static void adaptive_and_fallback(void **state)
{
    (void)state;
    enum { NS = 5 };
    gsample s[NS];
    make_collection(s, NS, 4321);
    uint64_t seed = 17;
    gctg *g = &s[2].c[s[2].n++];
    snprintf(g->name, sizeof g->name, "novel");
    g->len = 9000;
    g->seq = malloc(g->len + 1);
    for (size_t i = 0; i < g->len; i++)
        g->seq[i] = ACGT[rng(&seed) % 4];
    g->seq[g->len] = 0;
    /* a later sample shares half of it, so the new splitters matter */
    gctg *h = &s[4].c[s[4].n++];
    snprintf(h->name, sizeof h->name, "novel_copy");
    h->seq = mutate(g->seq, 4500, &h->len, &seed, 0);
    char files[NS][160], a1[160], a2[160];
    const char *in[NS];
    char cmd[200];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/ad", dir);
    assert_int_equal(system(cmd), 0);
    for (int k = 0; k < NS; k++) {
        snprintf(files[k], sizeof files[k], "%s/ad/g%d.fa", dir, k);
        write_fasta(files[k], s, k, k + 1, 0);
        in[k] = files[k];
    }
    snprintf(a1, sizeof a1, "%s/a1.agc", dir);
    snprintf(a2, sizeof a2, "%s/a2.agc", dir);
    agc_create_opts o;
    opts(&o, 1);
    assert_int_equal(agc_create(&o, in, NS, a1), 0);
    uint64_t plain = n_splitters(a1);
    for (int mode = 0; mode < 3; mode++) {
        opts(&o, 1);
        o.adaptive = mode != 1;
        o.fallback = mode >= 1 ? 0.05 : 0;
        assert_int_equal(agc_create(&o, in, NS, a1), 0);
        o.threads = 2;
        assert_int_equal(agc_create(&o, in, NS, a2), 0);
        size_t n1, n2;
        uint8_t *b1 = slurp(a1, &n1), *b2 = slurp(a2, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(b1, b2, n1);
        rt_free(b1);
        rt_free(b2);
        verify(a1, s, NS, 0);
        if (o.adaptive)
            assert_true(n_splitters(a1) > plain);
        else
            assert_int_equal(n_splitters(a1), plain);
    }
    free_collection(s, NS);
}

static void input_errors(void **state)
{
    (void)state;
    char f[128], a[128];
    snprintf(f, sizeof f, "%s/dup.fa", dir);
    snprintf(a, sizeof a, "%s/e.agc", dir);
    FILE *fp = fopen(f, "w");
    fputs(">x\nACGTACGTAC\n>y\nAAAA\n>x\nCCCC\n", fp);
    fclose(fp);
    agc_create_opts o;
    opts(&o, 1);
    const char *in[1] = {f};
    assert_int_equal(agc_create(&o, in, 1, a), RT_EEXIST);
    fp = fopen(f, "w");
    fputs(">a#1#c1\nACGT\n>b_no_hap\nACGT\n", fp);
    fclose(fp);
    o.pansn = 1;
    assert_int_equal(agc_create(&o, in, 1, a), RT_EINVAL);
    fp = fopen(f, "w");
    fputs(">a#1#c1\nACGT\n>b#1#c1\nACGT\n>a#1#c2\nACGT\n", fp);
    fclose(fp);
    assert_int_equal(agc_create(&o, in, 1, a), RT_EEXIST);
    o.pansn = 0;
    const char *in2[2] = {f, "/nonexistent/x.fa"};
    assert_int_not_equal(agc_create(&o, in2, 2, a), 0);
}

/* opts.names: a forced name makes a whole file one sample, under the name
 * given, in default and -c mode; NULL entries keep the usual naming; a forced
 * name equal to a derived one is a duplicate. */
static void forced_names(void **state)
{
    (void)state;
    enum { NS = 4 };
    gsample s[NS];
    make_collection(s, NS, 4321);
    char files[NS][160], a[128];
    const char *in[NS];
    for (int k = 0; k < NS; k++) {
        snprintf(files[k], sizeof files[k], "%s/f%d.fa", dir, k);
        write_fasta(files[k], s, k, k + 1, 0);
        in[k] = files[k];
    }
    snprintf(a, sizeof a, "%s/n.agc", dir);
    /* the files are f0.fa ..; the collection names them g0 .. */
    const char *names[NS] = {s[0].name, s[1].name, s[2].name, NULL};
    snprintf(files[3], sizeof files[3], "%s/%s.fa", dir, s[3].name);
    write_fasta(files[3], s, 3, 4, 0);
    agc_create_opts o;
    opts(&o, 2);
    o.names = names;
    assert_int_equal(agc_create(&o, in, NS, a), 0);
    verify(a, s, NS, 0);
    /* extra splitters join the stored set (duplicates and order ignored)
     * and the archive still decodes */
    uint64_t base = n_splitters(a);
    const uint64_t extra[4] = {0x00000000FFFF0000ULL, 0x1234ULL << 22, 0x00000000FFFF0000ULL,
                               7ULL << 40};
    o.extra_splitters = extra;
    o.n_extra_splitters = 4;
    assert_int_equal(agc_create(&o, in, NS, a), 0);
    assert_int_equal(n_splitters(a), base + 3);
    verify(a, s, NS, 0);
    /* -c: forced files stay whole samples despite several contigs each */
    opts(&o, 2);
    o.concat = 1;
    o.names = names;
    assert_int_equal(agc_create(&o, in, NS - 1, a), 0);
    verify(a, s, NS - 1, 0);
    /* a forced name that a later file's derived name repeats */
    const char *dup[2] = {s[3].name, NULL};
    const char *in2[2] = {files[0], files[3]};
    opts(&o, 1);
    o.names = dup;
    assert_int_equal(agc_create(&o, in2, 2, a), RT_EEXIST);
    free_collection(s, NS);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, P_tmpdir "/test_compress_%ld", (long)getpid());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    return system(cmd);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip_and_threads),
        cmocka_unit_test(pansn_and_concat),
        cmocka_unit_test(adaptive_and_fallback),
        cmocka_unit_test(input_errors),
        cmocka_unit_test(forced_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
