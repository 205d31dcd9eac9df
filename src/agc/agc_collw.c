/* agc_collw: collection payloads (layouts in the header). */
#include "agc/agc_collw.h"

#include <string.h>

#include "agc/agc_codec.h"

static int cv(rt_buf *b, uint32_t x)
{
    uint8_t t[AGC_CVAR_MAX];
    return rt_buf_append(b, t, agc_cvar_put(t, x));
}

static int str0(rt_buf *b, const char *s)
{
    return rt_buf_append(b, s, strlen(s) + 1);
}

int agc_collw_samples(const char *const *names, size_t n, rt_buf *raw)
{
    int rc = cv(raw, (uint32_t)n);
    for (size_t i = 0; i < n && !rc; i++)
        rc = str0(raw, names[i]);
    return rc;
}

static size_t ncomp(const char *s)
{
    size_t c = 1;
    for (; *s; s++)
        c += *s == ' ';
    return c;
}

/* Length of the component starting at s (up to ' ' or NUL). */
static size_t clen(const char *s)
{
    size_t l = 0;
    while (s[l] && s[l] != ' ')
        l++;
    return l;
}

int agc_collw_name(const char *prev, const char *cur, rt_buf *out)
{
    if (!prev || ncomp(prev) != ncomp(cur))
        return rt_buf_append(out, cur, strlen(cur));
    const char *p = prev, *c = cur;
    for (int first = 1;; first = 0) {
        if (!first && rt_buf_putc(out, ' '))
            return RT_ENOMEM;
        size_t lp = clen(p), lc = clen(c);
        if (lp == lc && memcmp(p, c, lc) == 0) {
            if (rt_buf_putc(out, 0x81))
                return RT_ENOMEM;
        } else if (lp != lc) {
            if (rt_buf_append(out, c, lc))
                return RT_ENOMEM;
        } else {
            int cnt = 0;
            for (size_t j = 0; j < lc; j++) {
                if (p[j] == c[j]) {
                    if (cnt == 100) {
                        if (rt_buf_putc(out, (uint8_t)-cnt))
                            return RT_ENOMEM;
                        cnt = 1;
                    } else {
                        cnt++;
                    }
                } else {
                    if (cnt && rt_buf_putc(out, (uint8_t)-cnt))
                        return RT_ENOMEM;
                    cnt = 0;
                    if (rt_buf_putc(out, (uint8_t)c[j]))
                        return RT_ENOMEM;
                }
            }
            if (cnt && rt_buf_putc(out, (uint8_t)-cnt))
                return RT_ENOMEM;
        }
        p += lp;
        c += lc;
        if (!*c)
            break;
        p++;
        c++;
    }
    return RT_OK;
}

int agc_collw_contigs(const agc_cw_sample *s, size_t n, rt_buf *raw)
{
    int rc = cv(raw, (uint32_t)n);
    for (size_t i = 0; i < n && !rc; i++) {
        rc = cv(raw, s[i].ncontigs);
        const char *prev = NULL;
        for (uint32_t j = 0; j < s[i].ncontigs && !rc; j++) {
            rc = agc_collw_name(prev, s[i].contigs[j].name, raw);
            if (!rc)
                rc = rt_buf_putc(raw, 0);
            prev = s[i].contigs[j].name;
        }
    }
    return rc;
}

int agc_zstd_into(ZSTD_CCtx *cctx, const void *src, size_t n, int level, rt_buf *out)
{
    size_t cap = ZSTD_compressBound(n);
    rt_vec_clear(out);
    if (rt_vec_reserve(out, cap))
        return RT_ENOMEM;
    size_t r = ZSTD_compressCCtx(cctx, out->v, cap, src, n, level);
    if (ZSTD_isError(r))
        return RT_EFORMAT;
    out->n = r;
    return RT_OK;
}

int agc_collw_details(const agc_cw_sample *s, size_t n, uint32_t pred, uint32_t ngroups,
                      ZSTD_CCtx *cctx, rt_buf *out)
{
    rt_buf col[5], packed = {0};
    int rc = RT_ENOMEM;
    memset(col, 0, sizeof col);
    /* last[g]: the in-group state of group g in this batch, -1 = none */
    int64_t *last = rt_malloc(((size_t)ngroups + 1) * sizeof *last);
    if (!last)
        goto done;
    for (size_t g = 0; g <= ngroups; g++)
        last[g] = -1;
    rc = cv(&col[0], (uint32_t)n);
    for (size_t i = 0; i < n && !rc; i++) {
        rc = cv(&col[0], s[i].ncontigs);
        for (uint32_t j = 0; j < s[i].ncontigs && !rc; j++) {
            const agc_cw_contig *c = &s[i].contigs[j];
            rc = cv(&col[0], c->nseg);
            for (uint32_t q = 0; q < c->nseg && !rc; q++) {
                const agc_segdesc *d = &c->segs[q];
                if (d->group > ngroups) {
                    rc = RT_EINVAL;
                    break;
                }
                int64_t prev = last[d->group];
                uint64_t e;
                if (prev == -1)
                    e = d->in_group;
                else if (d->in_group == 0)
                    e = 0;
                else if ((int64_t)d->in_group == prev + 1)
                    e = 1;
                else
                    e = agc_zz2_enc(d->in_group, (uint64_t)(prev + 1)) + 1;
                rc = cv(&col[1], d->group);
                if (!rc)
                    rc = cv(&col[2], (uint32_t)e);
                if (!rc)
                    rc = cv(&col[3], (uint32_t)agc_zz2_enc(d->raw_len, pred));
                if (!rc)
                    rc = cv(&col[4], d->rc ? 1 : 0);
                if ((int64_t)d->in_group > prev && d->in_group > 0)
                    last[d->group] = d->in_group;
            }
        }
    }
    if (rc)
        goto done;
    rt_vec_clear(out);
    rt_buf frames = {0};
    for (int i = 0; i < 5 && !rc; i++) {
        rc = agc_zstd_into(cctx, col[i].v, col[i].n, 19, &packed);
        if (!rc)
            rc = cv(out, (uint32_t)col[i].n);
        if (!rc)
            rc = cv(out, (uint32_t)packed.n);
        if (!rc)
            rc = rt_buf_append(&frames, packed.v, packed.n);
    }
    if (!rc)
        rc = rt_buf_append(out, frames.v, frames.n);
    rt_vec_free(&frames);
done:
    for (int i = 0; i < 5; i++)
        rt_vec_free(&col[i]);
    rt_vec_free(&packed);
    rt_free(last);
    return rc;
}
