/* agc_archive: footer parsing and part access over one read-only byte range
 * (layout in agc_archive.h). */
#include "agc/agc_archive.h"

#include <stdlib.h>
#include <string.h>

#include "agc/agc_codec.h"

struct agc_archive {
    const uint8_t *data;
    size_t len;
    size_t body_end;          /* first byte of the footer: parts lie before it */
    rt_map map;
    int mapped;
    agc_ar_stream *streams;
    size_t nstreams;
    agc_ar_loc *parts;       /* every stream's parts, back to back */
    uint32_t *by_name;        /* stream indices sorted by name */
};

static int parse_footer(agc_archive *a)
{
    const uint8_t *d = a->data;
    size_t len = a->len;
    if (len < 9)
        return RT_EFORMAT;
    uint64_t fsz = 0;
    for (int i = 7; i >= 0; i--)
        fsz = (fsz << 8) | d[len - 8 + (size_t)i];
    if (fsz == 0 || fsz > len - 8)
        return RT_EFORMAT;
    size_t fstart = len - 8 - (size_t)fsz, fend = len - 8, pos = fstart;
    a->body_end = fstart;
    uint64_t ns;
    int st = agc_avar_get(d, fend, &pos, &ns);
    if (st)
        return st;
    /* A stream takes at least 4 footer bytes: a bound before allocating. */
    if (ns > (fend - pos) / 4 + 1)
        return RT_EFORMAT;
    a->streams = rt_calloc(ns ? (size_t)ns : 1, sizeof *a->streams);
    if (!a->streams)
        return RT_ENOMEM;
    a->nstreams = (size_t)ns;
    size_t pcap = 0, pn = 0;
    size_t *first = rt_calloc(ns ? (size_t)ns : 1, sizeof *first);
    if (!first)
        return RT_ENOMEM;
    st = RT_EFORMAT;
    for (size_t s = 0; s < ns; s++) {
        const uint8_t *nul = memchr(d + pos, 0, fend - pos);
        if (!nul)
            goto done;
        a->streams[s].name = (const char *)(d + pos);
        pos = (size_t)(nul - d) + 1;
        uint64_t np, raw;
        if (agc_avar_get(d, fend, &pos, &np) || agc_avar_get(d, fend, &pos, &raw))
            goto done;
        if (np > (fend - pos) / 2 || np > UINT32_MAX)
            goto done;
        if (pn + np > pcap) {
            size_t nc = pcap ? pcap : 64;
            while (nc < pn + np)
                nc *= 2;
            agc_ar_loc *p = rt_realloc(a->parts, nc * sizeof *p);
            if (!p) {
                st = RT_ENOMEM;
                goto done;
            }
            a->parts = p;
            pcap = nc;
        }
        first[s] = pn;
        a->streams[s].nparts = (uint32_t)np;
        for (uint64_t i = 0; i < np; i++) {
            uint64_t off, sz;
            if (agc_avar_get(d, fend, &pos, &off) || agc_avar_get(d, fend, &pos, &sz))
                goto done;
            if (off >= fstart || d[off] > 8 || d[off] > fstart - off - 1 ||
                sz > fstart - off - 1 - d[off])
                goto done;
            a->parts[pn].offset = off;
            a->parts[pn].size = sz;
            pn++;
        }
    }
    if (pos != fend)
        goto done;
    for (size_t s = 0; s < ns; s++)
        a->streams[s].parts = a->parts ? a->parts + first[s] : NULL;
    st = RT_OK;
done:
    rt_free(first);
    return st;
}

/* Sort context-free: the comparator needs the names, so sort (name, index)
 * pairs built on the side. */
typedef struct name_ix {
    const char *name;
    uint32_t ix;
} name_ix;

static int cmp_name_ix(const void *x, const void *y)
{
    const name_ix *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->ix < b->ix ? -1 : a->ix > b->ix;
}

static int build_index(agc_archive *a)
{
    if (a->nstreams > UINT32_MAX)
        return RT_EFORMAT;
    name_ix *t = rt_malloc((a->nstreams ? a->nstreams : 1) * sizeof *t);
    a->by_name = rt_malloc((a->nstreams ? a->nstreams : 1) * sizeof *a->by_name);
    if (!t || !a->by_name) {
        rt_free(t);
        return RT_ENOMEM;
    }
    for (size_t i = 0; i < a->nstreams; i++) {
        t[i].name = a->streams[i].name;
        t[i].ix = (uint32_t)i;
    }
    qsort(t, a->nstreams, sizeof *t, cmp_name_ix);
    for (size_t i = 0; i < a->nstreams; i++)
        a->by_name[i] = t[i].ix;
    rt_free(t);
    return RT_OK;
}

int agc_ar_open_mem(agc_archive **out, const uint8_t *data, size_t len)
{
    *out = NULL;
    agc_archive *a = rt_calloc(1, sizeof *a);
    if (!a)
        return RT_ENOMEM;
    a->data = data;
    a->len = len;
    int st = parse_footer(a);
    if (!st)
        st = build_index(a);
    if (st) {
        agc_ar_close(a);
        return st;
    }
    *out = a;
    return RT_OK;
}

int agc_ar_open_file(agc_archive **out, const char *path)
{
    *out = NULL;
    rt_map m;
    int st = rt_map_open(&m, path);
    if (st)
        return st;
    agc_archive *a = NULL;
    st = agc_ar_open_mem(&a, m.data, m.len);
    if (st) {
        rt_map_close(&m);
        return st;
    }
    a->map = m;
    a->mapped = 1;
    *out = a;
    return RT_OK;
}

void agc_ar_close(agc_archive *a)
{
    if (!a)
        return;
    rt_free(a->by_name);
    rt_free(a->parts);
    rt_free(a->streams);
    if (a->mapped)
        rt_map_close(&a->map);
    rt_free(a);
}

size_t agc_ar_nstreams(const agc_archive *a)
{
    return a->nstreams;
}

const agc_ar_stream *agc_ar_stream_at(const agc_archive *a, size_t i)
{
    return i < a->nstreams ? &a->streams[i] : NULL;
}

long agc_ar_find(const agc_archive *a, const char *name)
{
    size_t lo = 0, hi = a->nstreams;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(a->streams[a->by_name[mid]].name, name);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < a->nstreams && strcmp(a->streams[a->by_name[lo]].name, name) == 0)
        return (long)a->by_name[lo];
    return -1;
}

int agc_ar_part(const agc_archive *a, long s, uint64_t part, const uint8_t **payload,
                size_t *size, uint64_t *meta)
{
    if (s < 0 || (size_t)s >= a->nstreams || part >= a->streams[s].nparts)
        return RT_ERANGE;
    const agc_ar_loc *p = &a->streams[s].parts[part];
    size_t pos = (size_t)p->offset;
    uint64_t m;
    int st = agc_avar_get(a->data, a->body_end, &pos, &m);
    if (st)
        return st;
    *payload = a->data + pos;
    *size = (size_t)p->size;
    *meta = p->size ? m : 0;
    return RT_OK;
}

const uint8_t *agc_ar_data(const agc_archive *a, size_t *len)
{
    *len = a->len;
    return a->data;
}
