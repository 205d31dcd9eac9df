/*
 * Helpers shared by the agc tests that read the golden data: where it is
 * ($KINDRED_SHARED/golden/agc, else ../shared/golden/agc) and a plain FASTA
 * reader that is independent of the code under test (the oracle the
 * decoded contigs are compared with). Static inline: each test takes what
 * it uses.
 */
#ifndef KINDRED_AGC_TEST_GOLDEN_H
#define KINDRED_AGC_TEST_GOLDEN_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One FASTA record: header line without '>', upper-cased sequence. */
typedef struct tg_rec {
    char name[256];
    char *seq;
    size_t n;
} tg_rec;

/* Directory of the golden data into dir; 1 if the file `probe` (relative
 * to it) is readable there, 0 if not. */
static inline int tg_golden_dir(char *dir, size_t cap, const char *probe)
{
    const char *e = getenv("KINDRED_SHARED");
    snprintf(dir, cap, "%s/golden/agc", e && *e ? e : "../shared");
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", dir, probe);
    FILE *f = fopen(p, "rb");
    if (!f)
        return 0;
    fclose(f);
    return 1;
}

/* Up to max records of a plain FASTA file; their count, or -1 if the file
 * cannot be opened. Free each seq. */
static inline int tg_read_fasta(const char *path, tg_rec *out, int max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    int n = -1;
    size_t cap = 0;
    static char line[1 << 16];
    while (fgets(line, sizeof line, f)) {
        size_t l = strcspn(line, "\r\n");
        if (line[0] == '>') {
            if (++n >= max)
                break;
            snprintf(out[n].name, sizeof out[n].name, "%.*s", (int)(l - 1), line + 1);
            out[n].seq = NULL;
            out[n].n = 0;
            cap = 0;
            continue;
        }
        if (n < 0)
            continue;
        if (out[n].n + l + 1 > cap) {
            cap = (out[n].n + l + 1) * 2;
            char *g = realloc(out[n].seq, cap);
            if (!g) {
                fclose(f);
                return -1;
            }
            out[n].seq = g;
        }
        for (size_t i = 0; i < l; i++)
            out[n].seq[out[n].n++] = (char)toupper((unsigned char)line[i]);
    }
    fclose(f);
    return n < max ? n + 1 : max;
}

#endif
