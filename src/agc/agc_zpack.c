/* agc_zpack: delta packs cut into blocks at long literal runs, the runs
 * parsed by a hash matcher of our own (layout and rationale in
 * agc_zpack.h). */
#define ZSTD_STATIC_LINKING_ONLY
#include "agc_zpack.h"

#include <string.h>

/* The producer interface and a stable input buffer arrived in zstd 1.5.4;
 * older versions get the plain parse (same frames, slower and larger). */
#if ZSTD_VERSION_NUMBER >= 10504
#define ZP_OWN_PARSE 1
#else
#define ZP_OWN_PARSE 0
#endif

enum {
    ZP_HBITS = 17,          /* buckets */
    ZP_WAYS = 4,            /* cells a bucket, newest first */
    ZP_HASH_LEN = 16,       /* bytes hashed; also the shortest new-offset match */
    ZP_REP_MIN = 6,         /* shortest match at one of the last two offsets */
    ZP_GOOD = 32,           /* a rep match this long is not bettered by a lookup */
    ZP_RUN_MIN = 2048,      /* letters that make a run its own block */
};

/*
 *   tab: [ bucket 0: c c c c ][ bucket 1: c c c c ] ...   c = base + 1 + position
 *
 * A cell at or below `base` was written for an earlier pack: stale. Each
 * pack moves `base` past every value the last one wrote, so the table
 * needs clearing only when the u32 stamps run out.
 */
struct agc_zpack {
    uint32_t *tab;
    uint32_t base, next_base;
    const uint8_t *src;      /* the pack being compressed */
    size_t n;
    size_t indexed;          /* positions below this are in the table */
    size_t ours;             /* blocks parsed here in the last call */
    uint8_t lo, span;        /* the run symbols: lo .. lo + span */
};

agc_zpack *agc_zpack_new(void)
{
    agc_zpack *z = rt_calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->tab = rt_calloc((size_t)ZP_WAYS << ZP_HBITS, sizeof *z->tab);
    if (!z->tab) {
        rt_free(z);
        return NULL;
    }
    return z;
}

void agc_zpack_free(agc_zpack *z)
{
    if (!z)
        return;
    rt_free(z->tab);
    rt_free(z);
}

size_t agc_zpack_own_blocks(const agc_zpack *z) { return z->ours; }

/* A run symbol: in LZ-diff text the literal letters 'A'..'U' ('!' and the
 * rare codes are left to zstd: they are not what makes a run long); in a
 * pack of raw segments the nucleotide codes 0..15. */
static inline int letter(const agc_zpack *z, uint8_t c)
{
    return (uint8_t)(c - z->lo) <= z->span;
}

#if ZP_OWN_PARSE
static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t *bucket(const agc_zpack *z, const uint8_t *p)
{
    uint64_t h = rd64(p) * 0x9E3779B97F4A7C15ULL ^ rd64(p + 8) * 0xC2B2AE3D27D4EB4FULL;
    return z->tab + (size_t)(h >> (64 - ZP_HBITS)) * ZP_WAYS;
}

/* Callers keep i + ZP_HASH_LEN <= z->n. */
static inline void insert(agc_zpack *z, size_t i)
{
    uint32_t *b = bucket(z, z->src + i);
    memmove(b + 1, b, (ZP_WAYS - 1) * sizeof *b);
    b[0] = z->base + 1 + (uint32_t)i;
}

static void index_to(agc_zpack *z, size_t to)
{
    size_t lim = z->n - ZP_HASH_LEN + 1;   /* n >= ZP_HASH_LEN here */
    for (size_t i = z->indexed; i < to && i < lim; i++)
        if (letter(z, z->src[i]))
            insert(z, i);
    if (to > z->indexed)
        z->indexed = to;
}

static inline size_t match_len(const uint8_t *a, const uint8_t *b, size_t max)
{
    size_t m = 0;
    while (m + 8 <= max) {
        uint64_t x = rd64(a + m) ^ rd64(b + m);
        if (x)
            return m + ((size_t)__builtin_ctzll(x) >> 3);
        m += 8;
    }
    while (m < max && a[m] == b[m])
        m++;
    return m;
}

/* zstd calls this once per block. Blocks that are not almost all letters
 * go back to zstd's own parser (the error return asks for that). */
static size_t produce(void *state, ZSTD_Sequence *seq, size_t cap, const void *srcv, size_t sn,
                      const void *dict, size_t dict_n, int level, size_t window)
{
    agc_zpack *z = state;
    (void)dict;
    (void)dict_n;
    (void)level;
    uintptr_t lo = (uintptr_t)z->src, p = (uintptr_t)srcv;
    if (!z->src || z->n < ZP_HASH_LEN || p < lo || sn > z->n || p - lo > z->n - sn)
        return ZSTD_SEQUENCE_PRODUCER_ERROR;
    size_t off = (size_t)(p - lo), end = off + sn;
    const uint8_t *b = z->src;
    size_t lets = 0;
    for (size_t i = off; i < end; i++)
        lets += letter(z, b[i]);
    index_to(z, off);
    if (lets * 16 < sn * 15)
        return ZSTD_SEQUENCE_PRODUCER_ERROR;

    size_t i = off, lit = off, ns = 0, rep0 = 0, rep1 = 0;
    while (i + ZP_HASH_LEN <= end) {
        size_t best = 0, bo = 0, bs = i;
        size_t reps[2] = {rep0, rep1};
        for (int r = 0; r < 2; r++) {
            size_t o = reps[r];
            if (o && o <= i) {
                size_t m = match_len(b + i, b + i - o, end - i);
                if (m >= ZP_REP_MIN && m > best) {
                    best = m;
                    bo = o;
                }
            }
        }
        if (best < ZP_GOOD) {
            const uint32_t *bk = bucket(z, b + i);
            for (int w = 0; w < ZP_WAYS && bk[w] > z->base; w++) {
                size_t cp = bk[w] - z->base - 1;
                if (cp >= i || i - cp > window)
                    continue;
                size_t m = match_len(b + i, b + cp, end - i);
                if (m < ZP_HASH_LEN || m <= best + 1)
                    continue;
                size_t s0 = i, q = cp;
                while (s0 > lit && q > 0 && b[s0 - 1] == b[q - 1]) {
                    s0--;
                    q--;
                }
                best = m + (i - s0);
                bo = i - cp;
                bs = s0;
            }
        }
        if (letter(z, b[i]))
            insert(z, i);
        if (!best) {
            i++;
            continue;
        }
        if (bo != rep0) {
            rep1 = rep0;
            rep0 = bo;
        }
        if (ns + 2 > cap)
            return ZSTD_SEQUENCE_PRODUCER_ERROR;
        seq[ns++] = (ZSTD_Sequence){.offset = (unsigned)bo, .litLength = (unsigned)(bs - lit),
                                    .matchLength = (unsigned)best, .rep = 0};
        for (size_t j = i + 1; j < bs + best && j + ZP_HASH_LEN <= end; j++)
            if (letter(z, b[j]))
                insert(z, j);
        i = bs + best;
        lit = i;
    }
    if (ns + 1 > cap)
        return ZSTD_SEQUENCE_PRODUCER_ERROR;
    seq[ns++] = (ZSTD_Sequence){.offset = 0, .litLength = (unsigned)(end - lit), .matchLength = 0,
                                .rep = 0};
    /* Positions from `i` on were not inserted (too close to the block end
     * for a key); the next block's catch-up does them. */
    z->indexed = i < end ? i : end;
    z->ours++;
    return ns;
}

static void start_pack(agc_zpack *z, const uint8_t *src, size_t n)
{
    if (z->next_base > UINT32_MAX - 2 - (uint32_t)n) {
        memset(z->tab, 0, ((size_t)ZP_WAYS << ZP_HBITS) * sizeof *z->tab);
        z->next_base = 0;
    }
    z->base = z->next_base;
    z->next_base = z->base + (uint32_t)n + 1;
    z->src = src;
    z->n = n;
    z->indexed = 0;
}

/* End of the first run of >= ZP_RUN_MIN letters at or after i, its start
 * in *rs; n when there is none. */
static size_t next_run(const agc_zpack *z, const uint8_t *s, size_t n, size_t i, size_t *rs)
{
    while (i < n) {
        if (!letter(z, s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && letter(z, s[j]))
            j++;
        if (j - i >= ZP_RUN_MIN) {
            *rs = i;
            return j;
        }
        i = j;
    }
    *rs = n;
    return n;
}

static int own_parse(agc_zpack *z, ZSTD_CCtx *cctx, const uint8_t *src, size_t n, rt_buf *out)
{
    /* Each cut adds a block header that compressBound does not count. */
    size_t cap = ZSTD_compressBound(n) + 3 * (n / (ZP_RUN_MIN / 2) + 4);
    if (rt_vec_reserve(out, cap))
        return RT_ENOMEM;
    start_pack(z, src, n);
    size_t r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_enableLongDistanceMatching, ZSTD_ps_disable);
    if (!ZSTD_isError(r))
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_enableSeqProducerFallback, 1);
    if (!ZSTD_isError(r))
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_stableInBuffer, 1);
    if (!ZSTD_isError(r))
        r = ZSTD_CCtx_setPledgedSrcSize(cctx, n);
    if (ZSTD_isError(r))
        return RT_EFORMAT;
    ZSTD_registerSequenceProducer(cctx, z, produce);
    ZSTD_inBuffer ib = {src, 0, 0};
    ZSTD_outBuffer ob = {out->v, cap, 0};
    size_t i = 0;
    while (i < n) {
        size_t rs, re = next_run(z, src, n, i, &rs);
        size_t cuts[2] = {rs, re};
        for (int c = 0; c < 2; c++) {
            if (cuts[c] <= ib.size || cuts[c] >= n)
                continue;
            ib.size = cuts[c];
            r = ZSTD_compressStream2(cctx, &ob, &ib, ZSTD_e_flush);
            if (ZSTD_isError(r) || r != 0 || ib.pos != ib.size)
                return RT_EFORMAT;
        }
        i = re;
    }
    ib.size = n;
    r = ZSTD_compressStream2(cctx, &ob, &ib, ZSTD_e_end);
    if (ZSTD_isError(r) || r != 0)
        return RT_EFORMAT;
    out->n = ob.pos;
    return RT_OK;
}
#endif

static int plain(ZSTD_CCtx *cctx, const uint8_t *src, size_t n, rt_buf *out)
{
    size_t cap = ZSTD_compressBound(n);
    if (rt_vec_reserve(out, cap))
        return RT_ENOMEM;
    size_t r = ZSTD_compress2(cctx, out->v, cap, src, n);
    if (ZSTD_isError(r))
        return RT_EFORMAT;
    out->n = r;
    return RT_OK;
}

static int set_level(ZSTD_CCtx *cctx, int level, int min_match, int target_len)
{
    ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
    size_t r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    if (!ZSTD_isError(r) && min_match)
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_minMatch, min_match);
    if (!ZSTD_isError(r) && target_len)
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_targetLength, target_len);
    return ZSTD_isError(r) ? RT_EFORMAT : RT_OK;
}

int agc_zpack_compress(agc_zpack *z, ZSTD_CCtx *cctx, const uint8_t *src, size_t n,
                       int level, int min_match, int target_len, agc_zp_text text, rt_buf *out)
{
    rt_vec_clear(out);
    z->ours = 0;
    z->lo = text == AGC_ZP_CODES ? 0 : 'A';
    z->span = text == AGC_ZP_CODES ? 15 : 20;
    int rc = set_level(cctx, level, min_match, target_len);
#if ZP_OWN_PARSE
    /* Stamps are u32 positions; a pack that large (never seen: packs are
     * tens of entries) takes zstd's own parse. */
    if (!rc && n >= ZP_HASH_LEN && n < ((size_t)1 << 31)) {
        rc = own_parse(z, cctx, src, n, out);
        z->src = NULL;
        /* Whatever the streaming calls disliked, the plain frame below is
         * still right; only the time is lost. */
        if (rc == RT_EFORMAT) {
            rt_vec_clear(out);
            z->ours = 0;
            rc = set_level(cctx, level, min_match, target_len);
        } else {
            ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
            return rc;
        }
    }
#endif
    if (!rc)
        rc = plain(cctx, src, n, out);
    ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
    return rc;
}
