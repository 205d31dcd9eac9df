/*
 * agc_compat: the reference tool's C API (agc_open, agc_get_ctg_seq, ...)
 * over agc_reader, so its callers can relink against kindred. Differences
 * that callers can rely on: errors return -1/NULL instead of crashing, and
 * the *64 variants take 64-bit positions.
 *
 * The reference API allows calls on one agc_t from several threads only
 * through separate handles; the same holds here (an agc_t wraps one reader).
 */
#include "kindred/agc.h"

#include <string.h>

struct agc_t {
    agc_reader *r;
};

agc_t *agc_open(char *fn, int prefetching)
{
    (void)prefetching;
    agc_t *a = rt_calloc(1, sizeof *a);
    if (!a)
        return NULL;
    if (agc_reader_open(&a->r, fn)) {
        rt_free(a);
        return NULL;
    }
    return a;
}

int agc_close(agc_t *agc)
{
    if (!agc)
        return -1;
    agc_reader_close(agc->r);
    rt_free(agc);
    return 0;
}

/* Sample and contig of a (sample, name) pair; an empty or NULL sample means
 * "the one sample holding this short name". */
static int locate(const agc_t *agc, const char *sample, const char *name, uint32_t *s, uint32_t *c)
{
    if (!agc || !name)
        return -1;
    agc_reader *r = agc->r;
    int found;
    size_t nlen = strcspn(name, " \t\r\n");
    if (sample && *sample) {
        agc_reader_find_sample(r, sample, s, &found);
        if (!found || agc_reader_find_contig(r, *s, name, nlen, c, &found) || !found)
            return -1;
        return 0;
    }
    uint32_t ns = agc_reader_n_samples(r), hits = 0;
    for (uint32_t i = 0; i < ns; i++) {
        uint32_t ci;
        if (agc_reader_find_contig(r, i, name, nlen, &ci, &found))
            return -1;
        if (found && hits++ == 0) {
            *s = i;
            *c = ci;
        }
    }
    return hits == 1 ? 0 : -1;
}

int64_t agc_get_ctg_len64(const agc_t *agc, const char *sample, const char *name)
{
    uint32_t s, c;
    uint64_t len;
    if (locate(agc, sample, name, &s, &c) || agc_reader_contig(agc->r, s, c, NULL, &len))
        return -1;
    return (int64_t)len;
}

int agc_get_ctg_len(const agc_t *agc, const char *sample, const char *name)
{
    int64_t n = agc_get_ctg_len64(agc, sample, name);
    return n > INT32_MAX ? -1 : (int)n;
}

int64_t agc_get_ctg_seq64(const agc_t *agc, const char *sample, const char *name, int64_t start,
                          int64_t end, char *buf)
{
    uint32_t s, c;
    uint64_t len;
    if (!buf || start < 0 || end < start || locate(agc, sample, name, &s, &c) ||
        agc_reader_contig(agc->r, s, c, NULL, &len))
        return -1;
    if ((uint64_t)end >= len)
        return -1;
    if (agc_reader_fetch(agc->r, s, c, (uint64_t)start, (uint64_t)end + 1, buf))
        return -1;
    buf[end - start + 1] = '\0';
    return end - start + 1;
}

int agc_get_ctg_seq(const agc_t *agc, const char *sample, const char *name, int start, int end,
                    char *buf)
{
    return (int)agc_get_ctg_seq64(agc, sample, name, start, end, buf);
}

int agc_n_sample(const agc_t *agc)
{
    return agc ? (int)agc_reader_n_samples(agc->r) : -1;
}

int agc_n_ctg(const agc_t *agc, const char *sample)
{
    uint32_t s, n;
    int found;
    if (!agc || !sample)
        return -1;
    agc_reader_find_sample(agc->r, sample, &s, &found);
    if (!found || agc_reader_n_contigs(agc->r, s, &n))
        return -1;
    return (int)n;
}

char *agc_reference_sample(const agc_t *agc)
{
    if (!agc || agc_reader_n_samples(agc->r) == 0)
        return NULL;
    return rt_strdup(agc_reader_sample_name(agc->r, 0));
}

/* A NULL-terminated array of owned strings. */
static char **list_new(uint32_t n)
{
    return rt_calloc((size_t)n + 1, sizeof(char *));
}

char **agc_list_sample(const agc_t *agc, int *n_sample)
{
    if (!agc)
        return NULL;
    uint32_t n = agc_reader_n_samples(agc->r);
    char **l = list_new(n);
    if (!l)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        if (!(l[i] = rt_strdup(agc_reader_sample_name(agc->r, i)))) {
            agc_list_destroy(l);
            return NULL;
        }
    if (n_sample)
        *n_sample = (int)n;
    return l;
}

char **agc_list_ctg(const agc_t *agc, const char *sample, int *n_ctg)
{
    uint32_t s, n;
    int found;
    if (!agc || !sample)
        return NULL;
    agc_reader_find_sample(agc->r, sample, &s, &found);
    if (!found || agc_reader_n_contigs(agc->r, s, &n))
        return NULL;
    char **l = list_new(n);
    if (!l)
        return NULL;
    for (uint32_t i = 0; i < n; i++) {
        const char *name;
        if (agc_reader_contig(agc->r, s, i, &name, NULL) || !(l[i] = rt_strdup(name))) {
            agc_list_destroy(l);
            return NULL;
        }
    }
    if (n_ctg)
        *n_ctg = (int)n;
    return l;
}

int agc_list_destroy(char **list)
{
    if (!list)
        return -1;
    for (char **p = list; *p; p++)
        rt_free(*p);
    rt_free(list);
    return 0;
}

int agc_string_destroy(char *sample)
{
    if (!sample)
        return -1;
    rt_free(sample);
    return 0;
}
