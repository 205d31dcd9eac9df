/* agc_lzenc: LZ-diff v2 encoding, estimate and cost vector (layout in the
 * header). The three scans walk the text identically; they differ only in
 * what they emit, and the estimate keeps two quirks of the reference tool
 * (it neither rewinds backward extensions nor writes '!'), because group
 * choices compare these numbers and should match its decisions. */
#include "agc/agc_lzenc.h"

#include <string.h>

enum { STEP = 4, TRIES = 64, PAD = 31, NCODE = 4, NRUN_MIN = 4, NRUN_START = 0x1E };

static inline uint64_t filt_bits(uint64_t hv)
{
    return (UINT64_C(1) << (hv >> 14 & 63)) | (UINT64_C(1) << (hv >> 20 & 63)) |
           (UINT64_C(1) << (hv >> 26 & 63));
}

/* A cell's tag, from the top bits of its key's hash (layout in the
 * header): written by the index build, compared by the lookups. */
static inline uint32_t tag32(uint64_t hv) { return (uint32_t)(hv >> 48); }
static inline uint64_t tag64(uint64_t hv) { return hv >> 32; }

/* 0 when the key of hash hv is certainly not in the index. */
static inline int may_have(const agc_lzref *r, uint64_t hv)
{
    uint64_t m = filt_bits(hv);
    return (r->filt[hv >> 32 & r->wmask] & m) == m;
}

int agc_lzref_init(agc_lzref *r, const uint8_t *ref, uint32_t len, uint32_t mml)
{
    memset(r, 0, sizeof *r);
    r->len = len;
    r->mml = mml;
    r->key = mml - STEP + 1;
    r->key_mask = ~(uint64_t)0 >> (64 - 2 * r->key);
    uint32_t rplen = len + r->key;
    r->rp = rt_malloc(rplen);
    if (!r->rp)
        return RT_ENOMEM;
    if (len)
        memcpy(r->rp, ref, len);
    memset(r->rp + len, PAD, r->key);

    /* Table size: count the positions the sparse index would consider. */
    uint64_t cnt = 0;
    uint32_t valid = 0, cm = 0, kmod = r->key % STEP;
    for (uint32_t i = 0; i < rplen; i++) {
        valid = r->rp[i] < 4 ? valid + 1 : 0;
        if (++cm == STEP)
            cm = 0;
        if (cm == kmod && valid >= r->key)
            cnt++;
    }
    uint64_t size = (uint64_t)((double)cnt / 0.7);
    while (size & (size - 1))
        size &= size - 1;
    size <<= 1;
    if (size < 8)
        size = 8;
    r->hmask = size - 1;
    uint64_t words = 1;
    while (words * 4 < cnt)
        words <<= 1;
    r->wmask = words - 1;
    r->filt = rt_calloc(words, sizeof *r->filt);
    if (!r->filt)
        goto oom;
    int short_ht = len / STEP < 65535;
    if (short_ht) {
        r->c32 = rt_malloc(size * sizeof *r->c32);
        if (!r->c32)
            goto oom;
        memset(r->c32, 0xFF, size * sizeof *r->c32);
    } else {
        r->c64 = rt_malloc(size * sizeof *r->c64);
        if (!r->c64)
            goto oom;
        memset(r->c64, 0xFF, size * sizeof *r->c64);
    }
    for (uint32_t i = 0; i + r->key < rplen; i += STEP) {
        uint64_t x = 0;
        uint32_t j;
        for (j = 0; j < r->key; j++) {
            if (r->rp[i + j] > 3)
                break;
            x = (x << 2) | r->rp[i + j];
        }
        if (j < r->key)
            continue;
        uint64_t hv = rt_mix64(x), h = hv & r->hmask;
        r->filt[hv >> 32 & r->wmask] |= filt_bits(hv);
        for (uint32_t t = 0; t < TRIES; t++) {
            uint64_t c = (h + t) & r->hmask;
            if (short_ht) {
                if ((r->c32[c] & 0xFFFFu) == 0xFFFFu) {
                    r->c32[c] = tag32(hv) << 16 | i / STEP;
                    break;
                }
            } else if ((uint32_t)r->c64[c] == 0xFFFFFFFFu) {
                r->c64[c] = tag64(hv) << 32 | i / STEP;
                break;
            }
        }
    }
    return RT_OK;
oom:
    agc_lzref_free(r);
    return RT_ENOMEM;
}

void agc_lzref_free(agc_lzref *r)
{
    rt_free(r->rp);
    rt_free(r->c32);
    rt_free(r->c64);
    rt_free(r->filt);
    memset(r, 0, sizeof *r);
}

/* 2-bit code of t[0..key), or ~0 when a symbol is not ACGT. */
static inline uint64_t get_code(const agc_lzref *r, const uint8_t *t)
{
    uint64_t x = 0;
    for (uint32_t j = 0; j < r->key; j++) {
        if (t[j] > 3)
            return ~(uint64_t)0;
        x = (x << 2) | t[j];
    }
    return x;
}

/* The code at i given the code at i-1 (valid only after a literal). */
static inline uint64_t next_code(const agc_lzref *r, uint64_t prev, const uint8_t *t)
{
    uint8_t c = t[r->key - 1];
    if (c > 3)
        return ~(uint64_t)0;
    return ((prev << 2) & r->key_mask) | c;
}

static inline uint32_t nrun_len(const uint8_t *t, uint32_t max_len)
{
    if (t[0] != NCODE || t[1] != NCODE || t[2] != NCODE)
        return 0;
    uint32_t l = 3;
    while (l < max_len && t[l] == NCODE)
        l++;
    return l;
}

/* Length of the common prefix of a and b, at most lim; 8 bytes at a time
 * (matches run for thousands of symbols). */
static inline uint32_t common_prefix(const uint8_t *a, const uint8_t *b, uint32_t lim)
{
    uint32_t f = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (f + 8 <= lim) {
        uint64_t x, y;
        memcpy(&x, a + f, 8);
        memcpy(&y, b + f, 8);
        uint64_t d = x ^ y;
        if (d)
            return f + (uint32_t)(__builtin_ctzll(d) >> 3);
        f += 8;
    }
#endif
    while (f < lim && a[f] == b[f])
        f++;
    return f;
}

/* Longest candidate (backward + forward extension) of at least mml+1
 * symbols among the probed cells of the key hashed to hv; returns 0 when
 * none qualifies. Callers ask may_have first. */
static int find_best(const agc_lzref *r, uint64_t hv, const uint8_t *s, uint32_t max_len,
                     uint32_t nlit, uint32_t *ref_pos, uint32_t *lb, uint32_t *lf)
{
    uint64_t hp = hv & r->hmask;
    uint32_t best = r->mml;
    uint32_t rplen = r->len + r->key;
    *lb = *lf = 0;
    for (uint32_t t = 0; t < TRIES; t++) {
        uint32_t cell;
        if (r->c32) {
            uint32_t c = r->c32[hp];
            if ((c & 0xFFFFu) == 0xFFFFu)
                break;
            hp = (hp + 1) & r->hmask;
            if (c >> 16 != tag32(hv))
                continue;
            cell = c & 0xFFFFu;
        } else {
            uint64_t c = r->c64[hp];
            if ((uint32_t)c == 0xFFFFFFFFu)
                break;
            hp = (hp + 1) & r->hmask;
            if (c >> 32 != tag64(hv))
                continue;
            cell = (uint32_t)c;
        }
        uint32_t h = cell * STEP;
        const uint8_t *p = r->rp + h;
        uint32_t lim = max_len < rplen - h ? max_len : rplen - h;
        uint32_t f = common_prefix(s, p, lim);
        if (f < r->key)
            continue;
        uint32_t b = 0, bl = nlit < h ? nlit : h;
        while (b < bl && s[-(long)b - 1] == p[-(long)b - 1])
            b++;
        if (b + f > best) {
            *lb = b;
            *lf = f;
            *ref_pos = h;
            best = b + f;
        }
    }
    return *lb + *lf >= r->mml;
}

static int put_uint(rt_buf *o, uint32_t x)
{
    char d[12];
    int n = 0;
    do {
        d[n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    if (rt_vec_reserve(o, o->n + (size_t)n))
        return RT_ENOMEM;
    while (n)
        o->v[o->n++] = (uint8_t)d[--n];
    return RT_OK;
}

static int put_int(rt_buf *o, int64_t x)
{
    if (x < 0) {
        if (rt_buf_putc(o, '-'))
            return RT_ENOMEM;
        return put_uint(o, (uint32_t)-x);
    }
    return put_uint(o, (uint32_t)x);
}

int agc_lz_encode(const agc_lzref *r, const uint8_t *t, uint32_t n, rt_buf *out)
{
    rt_vec_clear(out);
    if (n == r->len && (n == 0 || memcmp(t, r->rp, n) == 0))
        return RT_OK;
    if (n == 0)
        return RT_EINVAL;
    if (rt_vec_reserve(out, n / 32 + 16))
        return RT_ENOMEM;
    uint32_t i = 0, pred = 0, nlit = 0;
    uint64_t prev = ~(uint64_t)0;
    while (i + r->key < n) {
        uint64_t x = (prev != ~(uint64_t)0 && nlit > 0) ? next_code(r, prev, t + i)
                                                        : get_code(r, t + i);
        prev = x;
        if (x == ~(uint64_t)0) {
            uint32_t nr = nrun_len(t + i, n - i);
            if (nr >= NRUN_MIN) {
                if (rt_buf_putc(out, NRUN_START) || put_uint(out, nr - NRUN_MIN) ||
                    rt_buf_putc(out, NCODE))
                    return RT_ENOMEM;
                i += nr;
                nlit = 0;
            } else {
                if (rt_buf_putc(out, (uint8_t)('A' + t[i])))
                    return RT_ENOMEM;
                i++;
                pred++;
                nlit++;
            }
            continue;
        }
        uint32_t pos = 0, lb, lf;
        uint64_t hv = rt_mix64(x);
        if (!may_have(r, hv) || !find_best(r, hv, t + i, n - i, nlit, &pos, &lb, &lf)) {
            if (rt_buf_putc(out, (uint8_t)('A' + t[i])))
                return RT_ENOMEM;
            i++;
            pred++;
            nlit++;
            continue;
        }
        /* Take back the literals the match now covers. */
        out->n -= lb;
        pos -= lb;
        pred -= lb;
        i -= lb;
        uint32_t len = lb + lf;
        if (pos == pred) {
            size_t e = out->n;
            for (size_t j = 1; j < e && j < pos; j++) {
                uint8_t c = out->v[e - j];
                if (c < 'A' || c > 'Z')
                    break;
                if ((uint32_t)(c - 'A') == r->rp[pos - j])
                    out->v[e - j] = '!';
            }
        }
        if (put_int(out, (int64_t)pos - (int64_t)pred))
            return RT_ENOMEM;
        if (!(i + len == n && pos + len == r->len)) {
            if (rt_buf_putc(out, ',') || put_uint(out, len - r->mml))
                return RT_ENOMEM;
        }
        if (rt_buf_putc(out, '.'))
            return RT_ENOMEM;
        pred = pos + len;
        i += len;
        nlit = 0;
    }
    for (; i < n; i++)
        if (rt_buf_putc(out, (uint8_t)('A' + t[i])))
            return RT_ENOMEM;
    return RT_OK;
}

/* Decimal digits, capped as the reference's estimate caps them. */
static inline uint32_t ulen8(uint32_t x)
{
    uint32_t d = 1;
    while (x >= 10 && d < 8) {
        x /= 10;
        d++;
    }
    return d;
}

static inline uint32_t ulen10(uint32_t x)
{
    uint32_t d = 1;
    while (x >= 10) {
        x /= 10;
        d++;
    }
    return d;
}

uint32_t agc_lz_estimate(const agc_lzref *r, const uint8_t *t, uint32_t n, uint32_t bound)
{
    if (n == r->len && (n == 0 || memcmp(t, r->rp, n) == 0))
        return 0;
    uint32_t est = 0, i = 0, pred = 0, nlit = 0;
    uint64_t prev = ~(uint64_t)0;
    while (i + r->key < n) {
        if (est > bound)
            return est;
        uint64_t x = (prev != ~(uint64_t)0 && nlit > 0) ? next_code(r, prev, t + i)
                                                        : get_code(r, t + i);
        prev = x;
        if (x == ~(uint64_t)0) {
            uint32_t nr = nrun_len(t + i, n - i);
            if (nr >= NRUN_MIN) {
                est += 2 + ulen8(nr);
                i += nr;
                nlit = 0;
            } else {
                est++;
                i++;
                pred++;
                nlit++;
            }
            continue;
        }
        uint32_t pos = 0, lb, lf;
        uint64_t hv = rt_mix64(x);
        if (!may_have(r, hv) || !find_best(r, hv, t + i, n - i, nlit, &pos, &lb, &lf)) {
            est++;
            i++;
            pred++;
            nlit++;
            continue;
        }
        uint32_t len = lb + lf;
        int32_t d = (int32_t)pos - (int32_t)pred;
        uint32_t c = d >= 0 ? ulen8((uint32_t)d) : 1 + ulen8((uint32_t)-d);
        if (!(i + len == n && pos + len == r->len))
            c += 1 + ulen8(len - r->mml);
        est += c + 1;
        pred = pos + len;
        i += len;
        nlit = 0;
    }
    /* i may overshoot n here (the backward extension was not rewound); the
     * reference adds n - i in u32 arithmetic, which then subtracts. */
    est += n - i;
    return est;
}

static void fill_cost(uint32_t *costs, uint32_t at, uint32_t len, uint32_t c, int prefix)
{
    memset(costs + at, 0, (size_t)len * sizeof *costs);
    costs[prefix ? at : at + len - 1] = c;
}

void agc_lz_costs(const agc_lzref *r, const uint8_t *t, uint32_t n, int prefix, uint32_t *costs)
{
    uint32_t i = 0, pred = 0, nlit = 0;
    uint64_t prev = ~(uint64_t)0;
    while (i + r->key < n) {
        uint64_t x = (prev != ~(uint64_t)0 && nlit > 0) ? next_code(r, prev, t + i)
                                                        : get_code(r, t + i);
        prev = x;
        if (x == ~(uint64_t)0) {
            uint32_t nr = nrun_len(t + i, n - i);
            if (nr >= NRUN_MIN) {
                fill_cost(costs, i, nr, 2 + ulen10(nr - NRUN_MIN), prefix);
                i += nr;
                nlit = 0;
            } else {
                costs[i] = 1;
                i++;
                pred++;
                nlit++;
            }
            continue;
        }
        uint32_t pos = 0, lb, lf;
        uint64_t hv = rt_mix64(x);
        if (!may_have(r, hv) || !find_best(r, hv, t + i, n - i, nlit, &pos, &lb, &lf)) {
            costs[i] = 1;
            i++;
            pred++;
            nlit++;
            continue;
        }
        pos -= lb;
        pred -= lb;
        i -= lb;
        uint32_t len = lb + lf;
        int32_t d = (int32_t)pos - (int32_t)pred;
        uint32_t c = d >= 0 ? ulen10((uint32_t)d) : ulen10((uint32_t)-d) + 1;
        c += ulen10(len - r->mml) + 2;
        fill_cost(costs, i, len, c, prefix);
        pred = pos + len;
        i += len;
        nlit = 0;
    }
    for (; i < n; i++)
        costs[i] = 1;
}
