/*
 * agc-gen: a deterministic generator of related genomes for benchmarks.
 *
 *   agc-gen -n GENOMES -l LEN -s SEED -o DIR [-c CHROMS] [-w WIDTH] [-x] [-z]
 *
 * Writes DIR/g000.fa ... (DIR/g000.fa.gz with -z). Genome 0 is random; every
 * later genome copies a parent chosen among the earlier ones (a random
 * mutation tree) and mutates it:
 *
 *   g000 ─┬─ g001 ─── g003
 *         └─ g002 ─┬─ g004        SNPs ~1/1000, indels 1-20 bp ~1/10000,
 *                  └─ g005        1-2 inversions, N runs, rare lowercase
 *
 * -x adds an accessory genome, as in bacterial collections: each generation
 * also gains novel stretches of 1-20 kb and loses stretches of 1-20 kb, each
 * about once per 250 kb, so many segments have no relative in the archive.
 * Without -x the bytes are those of earlier versions of this generator.
 *
 * Every fourth genome (from g003) is a draft: its chromosomes are cut into
 * contigs of 20-300 kb, named like assembler output. Same arguments, same
 * bytes, on any machine (own PRNG, no libc rand). All genomes stay in memory
 * (n x LEN bytes), which is fine for benchmark sizes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t below(rng *r, uint64_t n)
{
    return n ? next(r) % n : 0;
}

typedef struct chrom {
    char *s;
    size_t n, cap;
} chrom;

typedef struct genome {
    chrom *c;
    int nc;
} genome;

static void put(chrom *c, char x)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1 << 16;
        c->s = realloc(c->s, c->cap);
        if (!c->s) {
            perror("agc-gen");
            exit(1);
        }
    }
    c->s[c->n++] = x;
}

static const char ACGT[4] = {'A', 'C', 'G', 'T'};

static char comp(char x)
{
    switch (x) {
    case 'A': return 'T';
    case 'C': return 'G';
    case 'G': return 'C';
    case 'T': return 'A';
    case 'a': return 't';
    case 'c': return 'g';
    case 'g': return 'c';
    case 't': return 'a';
    default: return x;
    }
}

static void mutate(rng *r, const chrom *src, chrom *dst, int accessory)
{
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->n;) {
        uint64_t u = below(r, 100000);
        if (accessory && u >= 99998 && below(r, 5) == 0) {
            if (below(r, 2)) { /* novel stretch */
                for (uint64_t k = 1000 + below(r, 19000); k; k--)
                    put(dst, ACGT[below(r, 4)]);
            } else { /* lost stretch */
                i += 1000 + below(r, 19000);
            }
            continue;
        }
        if (u < 100) {                       /* SNP */
            put(dst, ACGT[below(r, 4)]);
            i++;
        } else if (u < 105) {                /* deletion */
            i += 1 + below(r, 20);
        } else if (u < 110) {                /* insertion */
            for (uint64_t k = 1 + below(r, 20); k; k--)
                put(dst, ACGT[below(r, 4)]);
        } else if (u < 111 && below(r, 20) == 0) { /* N run */
            for (uint64_t k = 50 + below(r, 2000); k; k--)
                put(dst, 'N');
        } else {
            put(dst, src->s[i++]);
        }
    }
    /* 1-2 inversions of 1-20 kb */
    for (uint64_t k = 1 + below(r, 2); k && dst->n > 40000; k--) {
        size_t len = 1000 + below(r, 19000), a = below(r, dst->n - len);
        for (size_t x = a, y = a + len - 1; x < y; x++, y--) {
            char t = comp(dst->s[x]);
            dst->s[x] = comp(dst->s[y]);
            dst->s[y] = t;
        }
    }
    /* rare soft-masked stretch */
    if (below(r, 3) == 0 && dst->n > 10000) {
        size_t a = below(r, dst->n - 5000);
        for (size_t x = a; x < a + 5000; x++)
            if (dst->s[x] >= 'A' && dst->s[x] <= 'Z' && dst->s[x] != 'N')
                dst->s[x] = (char)(dst->s[x] + 32);
    }
}

typedef struct sink {
    FILE *f;
    gzFile z;
} sink;

static void out(sink *k, const char *p, size_t n)
{
    if (k->z ? (size_t)gzwrite(k->z, p, (unsigned)n) != n : fwrite(p, 1, n, k->f) != n) {
        fprintf(stderr, "agc-gen: write failed\n");
        exit(1);
    }
}

static void write_seq(sink *k, const char *s, size_t n, int width)
{
    for (size_t i = 0; i < n; i += (size_t)width) {
        size_t m = n - i < (size_t)width ? n - i : (size_t)width;
        out(k, s + i, m);
        out(k, "\n", 1);
    }
}

int main(int argc, char **argv)
{
    long n = 8, nchrom = 3, width = 80;
    unsigned long long len = 2000000, seed = 1;
    const char *dir = NULL;
    int gz = 0, acc = 0, c;
    while ((c = getopt(argc, argv, "n:l:s:o:c:w:xzh")) != -1) {
        switch (c) {
        case 'n': n = atol(optarg); break;
        case 'l': len = strtoull(optarg, NULL, 10); break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'o': dir = optarg; break;
        case 'c': nchrom = atol(optarg); break;
        case 'w': width = atol(optarg); break;
        case 'x': acc = 1; break;
        case 'z': gz = 1; break;
        default:
            fprintf(stderr, "usage: agc-gen -n GENOMES -l LEN -s SEED -o DIR [-c CHROMS] "
                            "[-w WIDTH] [-x] [-z]\n");
            return c == 'h' ? 0 : 1;
        }
    }
    if (!dir || n < 1 || n > 100000 || nchrom < 1 || width < 1 || len < (unsigned long long)nchrom) {
        fprintf(stderr, "agc-gen: need -o DIR, -n >= 1, -l >= CHROMS\n");
        return 1;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        perror(dir);
        return 1;
    }
    rng r = {seed};
    genome *g = calloc((size_t)n, sizeof *g);
    if (!g)
        return 1;
    for (long i = 0; i < n; i++) {
        g[i].nc = (int)nchrom;
        g[i].c = calloc((size_t)nchrom, sizeof *g[i].c);
        if (!g[i].c)
            return 1;
        long parent = i ? (long)below(&r, (uint64_t)i) : -1;
        for (long k = 0; k < nchrom; k++) {
            if (parent < 0) {
                size_t cl = (size_t)(len / (unsigned long long)nchrom);
                for (size_t x = 0; x < cl; x++)
                    put(&g[i].c[k], ACGT[below(&r, 4)]);
            } else {
                mutate(&r, &g[parent].c[k], &g[i].c[k], acc);
            }
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/g%03ld.fa%s", dir, i, gz ? ".gz" : "");
        sink s = {NULL, NULL};
        if (gz)
            s.z = gzopen(path, "wb6");
        else
            s.f = fopen(path, "wb");
        if (!s.f && !s.z) {
            perror(path);
            return 1;
        }
        int draft = i >= 3 && i % 4 == 3;
        for (long k = 0; k < nchrom; k++) {
            chrom *ch = &g[i].c[k];
            char hdr[256];
            if (!draft) {
                int m = snprintf(hdr, sizeof hdr, ">chr%ld g%03ld parent=%ld\n", k + 1, i, parent);
                out(&s, hdr, (size_t)m);
                write_seq(&s, ch->s, ch->n, (int)width);
                continue;
            }
            for (size_t a = 0, part = 1; a < ch->n; part++) {
                size_t l = 20000 + below(&r, 280000);
                if (l > ch->n - a)
                    l = ch->n - a;
                int m = snprintf(hdr, sizeof hdr, ">g%03ld_ctg%ld_%zu len=%zu\n", i, k + 1, part, l);
                out(&s, hdr, (size_t)m);
                write_seq(&s, ch->s + a, l, (int)width);
                a += l;
            }
        }
        if (s.z ? gzclose(s.z) != Z_OK : fclose(s.f) != 0) {
            fprintf(stderr, "agc-gen: cannot finish %s\n", path);
            return 1;
        }
    }
    for (long i = 0; i < n; i++) {
        for (long k = 0; k < nchrom; k++)
            free(g[i].c[k].s);
        free(g[i].c);
    }
    free(g);
    return 0;
}
