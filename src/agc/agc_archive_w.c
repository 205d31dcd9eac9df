/* agc_archive_w: parts out as they come, registry at the end (layout in the
 * header). */
#include "agc/agc_archive_w.h"

#include <string.h>

#include "agc/agc_codec.h"

typedef struct {
    uint64_t offset, size;
} wpart;

typedef struct {
    char *name;
    RT_VEC(wpart) parts;
} wstream;

struct agc_arw {
    rt_out *out;
    uint64_t off;
    int err;
    RT_VEC(wstream) streams;
    rt_smap names;   /* name -> id */
};

int agc_arw_open(agc_arw **out, const char *path, const rt_logger *lg)
{
    agc_arw *w = rt_calloc(1, sizeof *w);
    if (!w)
        return RT_ENOMEM;
    rt_smap_init(&w->names);
    int rc = rt_out_open(&w->out, (path && strcmp(path, "-") != 0) ? path : NULL, 0, lg);
    if (rc) {
        rt_smap_free(&w->names);
        rt_free(w);
        return rc;
    }
    *out = w;
    return RT_OK;
}

int agc_arw_stream(agc_arw *w, const char *name, uint32_t *id)
{
    size_t len = strlen(name);
    uint64_t v = w->streams.n;
    int inserted = 0;
    if (rt_smap_put_new(&w->names, name, len, &v, &inserted))
        return RT_ENOMEM;
    if (inserted) {
        wstream s;
        memset(&s, 0, sizeof s);
        s.name = rt_strdup(name);
        if (!s.name || rt_vec_push(&w->streams, s)) {
            rt_free(s.name);
            return RT_ENOMEM;
        }
    }
    *id = (uint32_t)v;
    return RT_OK;
}

static int put(agc_arw *w, const void *p, size_t n)
{
    if (w->err)
        return w->err;
    int rc = rt_out_write(w->out, p, n);
    if (rc) {
        w->err = rc;
        return rc;
    }
    w->off += n;
    return RT_OK;
}

int agc_arw_part(agc_arw *w, uint32_t id, const void *payload, size_t n, uint64_t meta)
{
    if (id >= w->streams.n)
        return RT_EINVAL;
    uint8_t v[AGC_AVAR_MAX];
    wpart p = {w->off, n};
    if (rt_vec_push(&w->streams.v[id].parts, p))
        return RT_ENOMEM;
    int rc = put(w, v, agc_avar_put(v, meta));
    if (!rc && n)
        rc = put(w, payload, n);
    return rc;
}

uint64_t agc_arw_offset(const agc_arw *w)
{
    return w->off;
}

static void free_all(agc_arw *w)
{
    for (size_t i = 0; i < w->streams.n; i++) {
        rt_free(w->streams.v[i].name);
        rt_vec_free(&w->streams.v[i].parts);
    }
    rt_vec_free(&w->streams);
    rt_smap_free(&w->names);
    rt_free(w);
}

static int avar(rt_buf *b, uint64_t x)
{
    uint8_t v[AGC_AVAR_MAX];
    return rt_buf_append(b, v, agc_avar_put(v, x));
}

int agc_arw_close(agc_arw *w)
{
    rt_buf f = {0};
    int rc = w->err;
    if (!rc)
        rc = avar(&f, w->streams.n);
    for (size_t i = 0; i < w->streams.n && !rc; i++) {
        wstream *s = &w->streams.v[i];
        rc = rt_buf_append(&f, s->name, strlen(s->name) + 1);
        if (!rc)
            rc = avar(&f, s->parts.n);
        if (!rc)
            rc = avar(&f, 0);
        for (size_t j = 0; j < s->parts.n && !rc; j++) {
            rc = avar(&f, s->parts.v[j].offset);
            if (!rc)
                rc = avar(&f, s->parts.v[j].size);
        }
    }
    if (!rc) {
        uint8_t le[8];
        uint64_t sz = f.n;
        for (int i = 0; i < 8; i++)
            le[i] = (uint8_t)(sz >> (8 * i));
        rc = put(w, f.v, f.n);
        if (!rc)
            rc = put(w, le, 8);
    }
    rt_vec_free(&f);
    int rc2 = rt_out_close(w->out);
    free_all(w);
    return rc ? rc : rc2;
}

void agc_arw_abort(agc_arw *w)
{
    if (!w)
        return;
    (void)rt_out_close(w->out);
    free_all(w);
}
