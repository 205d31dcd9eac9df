/* agc_meta: file_type_info, params, and size-checked zstd decoding. */
#include "agc/agc_meta.h"

#include <stdlib.h>
#include <string.h>

#include "kindred/rt.h"

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int agc_meta_info_pairs(const agc_archive *ar,
                        int (*fn)(void *ctx, const char *key, const char *val), void *ctx)
{
    long s = agc_ar_find(ar, "file_type_info");
    if (s < 0)
        return RT_EFORMAT;
    const uint8_t *p;
    size_t n;
    uint64_t meta;
    int st = agc_ar_part(ar, s, 0, &p, &n, &meta);
    if (st)
        return st == RT_ERANGE ? RT_EFORMAT : st;
    size_t pos = 0;
    for (uint64_t i = 0; i < meta; i++) {
        const uint8_t *k0 = memchr(p + pos, 0, n - pos);
        if (!k0)
            return RT_EFORMAT;
        size_t vpos = (size_t)(k0 - p) + 1;
        const uint8_t *v0 = vpos < n ? memchr(p + vpos, 0, n - vpos) : NULL;
        if (!v0)
            return RT_EFORMAT;
        if (fn && fn(ctx, (const char *)(p + pos), (const char *)(p + vpos)))
            return RT_OK;
        pos = (size_t)(v0 - p) + 1;
    }
    return RT_OK;
}

typedef struct ver_acc {
    long major, minor;
    int have_major;
} ver_acc;

static int take_version(void *ctx, const char *key, const char *val)
{
    ver_acc *v = ctx;
    if (strcmp(key, "file_version_major") == 0) {
        v->major = strtol(val, NULL, 10);
        v->have_major = 1;
    } else if (strcmp(key, "file_version_minor") == 0) {
        v->minor = strtol(val, NULL, 10);
    }
    return 0;
}

int agc_meta_read(const agc_archive *ar, agc_params *p)
{
    memset(p, 0, sizeof *p);
    ver_acc v = {0, 0, 0};
    int st = agc_meta_info_pairs(ar, take_version, &v);
    if (st)
        return st;
    if (!v.have_major || v.major < 1 || v.minor < 0 || v.minor > 999)
        return RT_EFORMAT;
    if (v.major >= 4)
        return RT_EUNSUPPORTED;
    p->version = (uint32_t)(v.major * 1000 + v.minor);
    long s = agc_ar_find(ar, "params");
    if (s < 0)
        return RT_EFORMAT;
    const uint8_t *d;
    size_t n;
    uint64_t meta;
    st = agc_ar_part(ar, s, 0, &d, &n, &meta);
    if (st)
        return st == RT_ERANGE ? RT_EFORMAT : st;
    size_t need = p->version < 2000 ? 12 : 16;
    if (n < need)
        return RT_EFORMAT;
    p->k = rd32(d);
    p->mml = rd32(d + 4);
    p->pack = rd32(d + 8);
    p->segment_size = need == 16 ? rd32(d + 12) : 0;
    /* Ranges wider than the reference CLI's, but enough to keep the
     * arithmetic of every decoder away from zero and overflow. */
    if (p->k < 1 || p->k > 64 || p->mml < 1 || p->mml > 1000 || p->pack < 1)
        return RT_EFORMAT;
    return RT_OK;
}

uint64_t agc_zbound(size_t csize)
{
    /* zstd's densest frame is an RLE block: 3 header bytes per 128 KiB. */
    uint64_t b = ((uint64_t)csize + 1) * 43691u + 4096u;
#ifdef KINDRED_FUZZING
    if (b > (64u << 20))
        b = 64u << 20;
#endif
    return b;
}

int agc_zprecheck(const void *src, size_t srclen, uint64_t want)
{
    if (want > agc_zbound(srclen) || want > SIZE_MAX / 2)
        return RT_EFORMAT;
    unsigned long long fcs = ZSTD_getFrameContentSize(src, srclen);
    if (fcs == ZSTD_CONTENTSIZE_ERROR || (fcs != ZSTD_CONTENTSIZE_UNKNOWN && fcs != want))
        return RT_EFORMAT;
    return RT_OK;
}

int agc_zdec(ZSTD_DCtx *dctx, const void *src, size_t srclen, void *dst, size_t want)
{
    unsigned long long fcs = ZSTD_getFrameContentSize(src, srclen);
    if (fcs == ZSTD_CONTENTSIZE_ERROR)
        return RT_EFORMAT;
    if (fcs != ZSTD_CONTENTSIZE_UNKNOWN && fcs != want)
        return RT_EFORMAT;
    size_t r = ZSTD_decompressDCtx(dctx, dst, want, src, srclen);
    if (ZSTD_isError(r) || r != want)
        return RT_EFORMAT;
    return RT_OK;
}

int agc_buf_grow(uint8_t **buf, size_t *cap, size_t n)
{
    if (n < *cap && *buf)
        return RT_OK;
    size_t nc = *cap ? *cap : 256;
    while (nc <= n) {
        if (nc > SIZE_MAX / 2)
            return RT_ENOMEM;
        nc *= 2;
    }
    uint8_t *b = rt_realloc(*buf, nc);
    if (!b)
        return RT_ENOMEM;
    *buf = b;
    *cap = nc;
    return RT_OK;
}

int agc_zpart_plain(const agc_archive *ar, long s, uint64_t part, ZSTD_DCtx *dctx,
                    uint8_t **buf, size_t *cap, size_t *len)
{
    const uint8_t *p;
    size_t n;
    uint64_t raw;
    int st = agc_ar_part(ar, s, part, &p, &n, &raw);
    if (st)
        return st == RT_ERANGE ? RT_EFORMAT : st;
    if (raw && agc_zprecheck(p, n, raw))
        return RT_EFORMAT;
    st = agc_buf_grow(buf, cap, (size_t)raw);
    if (st)
        return st;
    if (raw == 0) {
        *len = 0;
        return RT_OK;
    }
    st = agc_zdec(dctx, p, n, *buf, (size_t)raw);
    if (st)
        return st;
    *len = (size_t)raw;
    return RT_OK;
}
