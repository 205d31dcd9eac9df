/* agc_kmer: enumeration, radix sort and singleton filtering of canonical
 * k-mers (the splitter candidates of a reference). A radix sort rather than
 * qsort because the reference holds one k-mer per base: millions of keys. */
#include "agc/agc_kmer.h"

#include <string.h>

size_t agc_kmer_enumerate(const uint8_t *s, size_t n, uint32_t k, uint64_t *out)
{
    agc_kmer km;
    size_t m = 0;
    agc_kmer_init(&km, k);
    for (size_t i = 0; i < n; i++) {
        if (s[i] > 3) {
            agc_kmer_reset(&km);
            continue;
        }
        if (agc_kmer_push(&km, s[i]))
            out[m++] = agc_kmer_canon(&km);
    }
    return m;
}

size_t agc_kmer_enumerate_range(const uint8_t *s, size_t n, size_t from, size_t to, uint32_t k,
                                uint64_t *out)
{
    agc_kmer km;
    size_t m = 0;
    if (to > n)
        to = n;
    agc_kmer_init(&km, k);
    for (size_t i = from >= k - 1 ? from - (k - 1) : 0; i < to; i++) {
        if (s[i] > 3) {
            agc_kmer_reset(&km);
            continue;
        }
        if (agc_kmer_push(&km, s[i]) && i >= from)
            out[m++] = agc_kmer_canon(&km);
    }
    return m;
}

void agc_kmer_sort(uint64_t *v, uint64_t *tmp, size_t n)
{
    /* 6 passes of 11 bits (the counters fit comfortably on a thread stack);
     * a pass whose digit is the same for every key is skipped. */
    enum { BITS = 11, RADIX = 1 << BITS };
    uint64_t *src = v, *dst = tmp;
    size_t cnt[RADIX];
    for (unsigned sh = 0; sh < 64; sh += BITS) {
        memset(cnt, 0, sizeof cnt);
        for (size_t i = 0; i < n; i++)
            cnt[(src[i] >> sh) & (RADIX - 1)]++;
        int trivial = n == 0;
        for (size_t d = 0; d < RADIX && !trivial; d++) {
            if (cnt[d] == n)
                trivial = 1;
            else if (cnt[d])
                break;
        }
        if (trivial)
            continue;
        size_t sum = 0;
        for (size_t d = 0; d < RADIX; d++) {
            size_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[cnt[(src[i] >> sh) & (RADIX - 1)]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
}

size_t agc_kmer_singletons(uint64_t *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i])
            j++;
        if (j == i + 1)
            v[m++] = v[i];
        i = j;
    }
    return m;
}

int agc_kmer_bsearch(const uint64_t *v, size_t n, uint64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == x;
}
