/* agc_segment: contig -> segments with k-symbol overlaps (diagram in the
 * header). */
#include "agc/agc_segment.h"

int agc_segment_contig(const uint8_t *s, size_t n, uint32_t k, const agc_sset *splitters,
                       agc_segpos_vec *out)
{
    agc_kmer km;
    agc_segpos cur = {0, 0, AGC_KMER_NONE, AGC_KMER_NONE, 0, 0};
    rt_vec_clear(out);
    agc_kmer_init(&km, k);
    for (size_t i = 0; i < n; i++) {
        if (s[i] > 3) {
            agc_kmer_reset(&km);
            continue;
        }
        if (!agc_kmer_push(&km, s[i]))
            continue;
        uint64_t d = agc_kmer_canon(&km);
        if (!agc_sset_has(splitters, d))
            continue;
        cur.len = i + 1 - cur.start;
        cur.back = d;
        cur.back_dir = (uint8_t)agc_kmer_orient(&km);
        if (rt_vec_push(out, cur))
            return RT_ENOMEM;
        cur.start = i + 1 - k;
        cur.front = d;
        cur.front_dir = cur.back_dir;
        cur.back = AGC_KMER_NONE;
        cur.back_dir = 0;
        agc_kmer_reset(&km);
    }
    if (cur.start < n) {
        cur.len = n - cur.start;
        cur.back = AGC_KMER_NONE;
        if (rt_vec_push(out, cur))
            return RT_ENOMEM;
    }
    return RT_OK;
}

int agc_segment_hits(const uint8_t *s, size_t n, size_t from, size_t to, uint32_t k,
                     const agc_sset *splitters, agc_hit_vec *out)
{
    /* The k-mer kept left-aligned on both strands. The reverse strand's
     * stale low bits are masked when it is used, not when it is updated:
     * the update is the loop's one serial dependency, and at two
     * operations a base it no longer limits the scan. The symbols enter
     * through two four-entry tables (a load instead of a variable shift),
     * and the scan runs in two loops: one gathers the k - 1 symbols after
     * a start or an N, the other tests a k-mer at every symbol with no
     * count to keep. That made the scan a quarter faster. */
    const unsigned sh = 64 - 2 * k;
    const uint64_t lmask = ~(uint64_t)0 << sh;
    if (to > n)
        to = n;
    if (!splitters->slot)
        return RT_OK;
    /* The set's filter in locals: the compiler would reload it from the set
     * on every symbol, since the hit list is written in the same loop. */
    const uint64_t *filt = splitters->filter;
    const unsigned fsh = 64 - splitters->fbits;
    uint64_t fwd[4], rev[4];
    for (unsigned c = 0; c < 4; c++) {
        fwd[c] = (uint64_t)c << sh;
        rev[c] = (uint64_t)(3 - c) << 62;
    }
    /* The k-1 symbols before `from` only feed k-mers: the first k-mer the
     * second loop tests ends at `from` or later. */
    size_t i = from >= k - 1 ? from - (k - 1) : 0;
    while (i < to) {
        uint64_t dir = 0, rc = 0;
        for (uint32_t run = 0; run < k - 1 && i < to; i++) {
            unsigned c = s[i];
            if (c > 3) {
                run = 0;
                continue;
            }
            dir = (dir << 2) | fwd[c];
            rc = (rc >> 2) | rev[c];
            run++;
        }
        for (; i < to; i++) {
            unsigned c = s[i];
            if (c > 3) {
                i++;
                break;
            }
            dir = (dir << 2) | fwd[c];
            rc = (rc >> 2) | rev[c];
            uint64_t r = rc & lmask;
            uint64_t d = dir < r ? dir : r;
            if (!agc_sset_may_have(filt, fsh, d) || !agc_sset_probe(splitters, d))
                continue;
            agc_hit h = {i, d, (uint8_t)((dir <= r) | ((r <= dir) << 1))};
            if (rt_vec_push(out, h))
                return RT_ENOMEM;
        }
    }
    return RT_OK;
}

int agc_segment_build(const agc_hit *h, size_t nh, size_t n, uint32_t k, agc_segpos_vec *out)
{
    agc_segpos cur = {0, 0, AGC_KMER_NONE, AGC_KMER_NONE, 0, 0};
    size_t next_ok = 0;   /* the first end position a full k-mer can have */
    rt_vec_clear(out);
    for (size_t j = 0; j < nh; j++) {
        if (h[j].pos < next_ok)
            continue;
        cur.len = h[j].pos + 1 - cur.start;
        cur.back = h[j].kmer;
        cur.back_dir = h[j].orient;
        if (rt_vec_push(out, cur))
            return RT_ENOMEM;
        cur.start = h[j].pos + 1 - k;
        cur.front = h[j].kmer;
        cur.front_dir = h[j].orient;
        cur.back = AGC_KMER_NONE;
        cur.back_dir = 0;
        next_ok = h[j].pos + k;
    }
    if (cur.start < n) {
        cur.len = n - cur.start;
        if (rt_vec_push(out, cur))
            return RT_ENOMEM;
    }
    return RT_OK;
}
