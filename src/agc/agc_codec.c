/* agc_codec: varints, zz2, base-64 stream names, tuple packing, nucleotide
 * tables and reverse complement (layouts drawn in agc_codec.h). */
#include "agc/agc_codec.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "kindred/rt.h"

size_t agc_avar_put(uint8_t *dst, uint64_t x)
{
    size_t n = 0;
    for (uint64_t t = x; t; t >>= 8)
        n++;
    dst[0] = (uint8_t)n;
    for (size_t i = 0; i < n; i++)
        dst[1 + i] = (uint8_t)(x >> (8 * (n - 1 - i)));
    return n + 1;
}

int agc_avar_get(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
    size_t i = *pos;
    if (i >= len)
        return RT_EFORMAT;
    size_t n = p[i++];
    if (n > 8 || n > len - i)
        return RT_EFORMAT;
    uint64_t x = 0;
    for (size_t j = 0; j < n; j++)
        x = (x << 8) | p[i + j];
    *pos = i + n;
    *out = x;
    return RT_OK;
}

enum {
    CV_T1 = 128u,
    CV_T2 = 128u + (1u << 14),
    CV_T3 = 128u + (1u << 14) + (1u << 21),
    CV_T4 = 128u + (1u << 14) + (1u << 21) + (1u << 28)
};

size_t agc_cvar_put(uint8_t *dst, uint32_t x)
{
    if (x < CV_T1) {
        dst[0] = (uint8_t)x;
        return 1;
    }
    if (x < CV_T2) {
        uint32_t v = x - CV_T1;
        dst[0] = (uint8_t)(0x80 | (v >> 8));
        dst[1] = (uint8_t)v;
        return 2;
    }
    if (x < CV_T3) {
        uint32_t v = x - CV_T2;
        dst[0] = (uint8_t)(0xC0 | (v >> 16));
        dst[1] = (uint8_t)(v >> 8);
        dst[2] = (uint8_t)v;
        return 3;
    }
    if (x < CV_T4) {
        uint32_t v = x - CV_T3;
        dst[0] = (uint8_t)(0xE0 | (v >> 24));
        dst[1] = (uint8_t)(v >> 16);
        dst[2] = (uint8_t)(v >> 8);
        dst[3] = (uint8_t)v;
        return 4;
    }
    uint32_t v = x - CV_T4;
    dst[0] = 0xF0;
    dst[1] = (uint8_t)(v >> 24);
    dst[2] = (uint8_t)(v >> 16);
    dst[3] = (uint8_t)(v >> 8);
    dst[4] = (uint8_t)v;
    return 5;
}

int agc_cvar_get(const uint8_t *p, size_t len, size_t *pos, uint32_t *out)
{
    size_t i = *pos;
    if (i >= len)
        return RT_EFORMAT;
    uint8_t b = p[i];
    size_t n;
    uint64_t v, base;
    if (b < 0x80) {
        n = 1, v = b, base = 0;
    } else if (b < 0xC0) {
        n = 2, v = b & 0x3F, base = CV_T1;
    } else if (b < 0xE0) {
        n = 3, v = b & 0x1F, base = CV_T2;
    } else if (b < 0xF0) {
        n = 4, v = b & 0x0F, base = CV_T3;
    } else if (b == 0xF0) {
        n = 5, v = 0, base = CV_T4;
    } else {
        return RT_EFORMAT;
    }
    if (n > len - i)
        return RT_EFORMAT;
    for (size_t j = 1; j < n; j++)
        v = (v << 8) | p[i + j];
    v += base;
    if (v > UINT32_MAX)
        return RT_EFORMAT;
    *pos = i + n;
    *out = (uint32_t)v;
    return RT_OK;
}

uint64_t agc_zz2_enc(uint64_t x, uint64_t p)
{
    if (x < p)
        return 2 * (p - x) - 1;
    if (x - p < p)
        return 2 * (x - p);
    return x;
}

uint64_t agc_zz2_dec(uint64_t v, uint64_t p)
{
    /* 2p may exceed u64 only for p >= 2^63, where every v is below it. */
    if (p <= UINT64_MAX / 2 && v >= 2 * p)
        return v;
    if (v & 1)
        return p - (v + 1) / 2;
    return p + v / 2;
}

static const char b64_digits[64] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_#";

size_t agc_b64_put(char *dst, uint64_t n)
{
    size_t i = 0;
    do {
        dst[i++] = b64_digits[n & 63];
        n >>= 6;
    } while (n);
    return i;
}

static int b64_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 36;
    if (c == '_')
        return 62;
    if (c == '#')
        return 63;
    return -1;
}

int agc_b64_get(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 11)
        return RT_EFORMAT;
    uint64_t x = 0;
    for (size_t i = len; i-- > 0;) {
        int d = b64_val(s[i]);
        if (d < 0 || (x >> 58) != 0)
            return RT_EFORMAT;
        x = (x << 6) | (uint64_t)d;
    }
    *out = x;
    return RT_OK;
}

void agc_group_sname(char *dst, uint32_t group, char kind)
{
    dst[0] = 'x';
    size_t n = agc_b64_put(dst + 1, group);
    dst[1 + n] = kind;
    dst[2 + n] = '\0';
}

/* Symbols per byte and base for a maximum symbol value. */
static void tuple_shape(uint8_t maxv, unsigned *nb, unsigned *base)
{
    if (maxv < 4)
        *nb = 4, *base = 4;
    else if (maxv < 6)
        *nb = 3, *base = 6;
    else if (maxv < 16)
        *nb = 2, *base = 16;
    else
        *nb = 1, *base = 256;
}

/* #{j < m : a[j] == b[j]}, eight bytes a step: the test runs 28 times over
 * every new reference segment. */
static uint64_t count_equal(const uint8_t *a, const uint8_t *b, size_t m)
{
    uint64_t e = 0;
    size_t j = 0;
    for (; j + 8 <= m; j += 8) {
        uint64_t x, y;
        memcpy(&x, a + j, 8);
        memcpy(&y, b + j, 8);
        e += agc_zero_bytes8(x ^ y);
    }
    for (; j < m; j++)
        e += a[j] == b[j];
    return e;
}

/* #{j < m : s[j] < 4}. */
static uint64_t count_acgt(const uint8_t *s, size_t m)
{
    uint64_t g = 0;
    size_t j = 0;
    for (; j + 8 <= m; j += 8) {
        uint64_t x;
        memcpy(&x, s + j, 8);
        g += agc_zero_bytes8(x & 0xFCFCFCFCFCFCFCFCULL);
    }
    for (; j < m; j++)
        g += s[j] < 4;
    return g;
}

int agc_periodic(const uint8_t *s, size_t n)
{
    /* The answer is whether any shift qualifies, so the shifts go from 31
     * down: the ACGT count of shift i covers s[0, n-i), one prefix that
     * only grows, counted once rather than per shift. cnt / acgt >= 0.5
     * exactly when 2 cnt >= acgt: the quotient of two integers below 2^53
     * rounds to 0.5 only when it is 0.5. */
    size_t covered = n > 31 ? n - 31 : 0;
    uint64_t acgt = count_acgt(s, covered);
    for (size_t i = 31; i >= 4; i--) {
        if (i >= n)
            continue;
        for (; covered < n - i; covered++)
            acgt += s[covered] < 4;
        if (acgt && 2 * count_equal(s, s + i, n - i) >= acgt)
            return 1;
    }
    return 0;
}

size_t agc_tuples_bound(size_t n)
{
    return n + 2;
}

int agc_tuples_pack(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, size_t *out_len)
{
    uint8_t maxv = 0;
    for (size_t i = 0; i < n; i++)
        if (src[i] > maxv)
            maxv = src[i];
    unsigned nb, base;
    tuple_shape(maxv, &nb, &base);
    if (nb == 1) {
        if (cap < n + 1)
            return RT_ERANGE;
        if (n)
            memcpy(dst, src, n);
        dst[n] = 0x10;
        *out_len = n + 1;
        return RT_OK;
    }
    size_t q = n / nb, r = n % nb;
    if (cap < q + 2)
        return RT_ERANGE;
    const uint8_t *s = src;
    for (size_t i = 0; i < q; i++, s += nb) {
        unsigned v = 0;
        for (unsigned j = 0; j < nb; j++)
            v = v * base + s[j];
        dst[i] = (uint8_t)v;
    }
    unsigned v = 0;
    for (size_t j = 0; j < r; j++)
        v = v * base + s[j];
    dst[q] = (uint8_t)v;
    dst[q + 1] = (uint8_t)((nb << 4) | r);
    *out_len = q + 2;
    return RT_OK;
}

static int tuple_marker(const uint8_t *t, size_t tlen, unsigned *nb, unsigned *base,
                        unsigned *rem, size_t *n)
{
    if (tlen == 0)
        return RT_EFORMAT;
    uint8_t m = t[tlen - 1];
    *nb = m >> 4;
    *rem = m & 15;
    if (*nb == 1) {
        if (*rem != 0)
            return RT_EFORMAT;
        *base = 256;
        *n = tlen - 1;
        return RT_OK;
    }
    if (*nb < 2 || *nb > 4 || *rem >= *nb || tlen < 2)
        return RT_EFORMAT;
    *base = *nb == 4 ? 4 : *nb == 3 ? 6 : 16;
    *n = (tlen - 2) * *nb + *rem;
    return RT_OK;
}

int agc_tuples_count(const uint8_t *t, size_t tlen, size_t *n)
{
    unsigned nb, base, rem;
    return tuple_marker(t, tlen, &nb, &base, &rem, n);
}

/* The four base-4 digits of every byte, most significant first: one load
 * and one store per packed byte instead of four shifts and stores. */
#define Q1(v) {(v) >> 6, ((v) >> 4) & 3, ((v) >> 2) & 3, (v) & 3}
#define Q4(v) Q1(v), Q1((v) + 1), Q1((v) + 2), Q1((v) + 3)
#define Q16(v) Q4(v), Q4((v) + 4), Q4((v) + 8), Q4((v) + 12)
#define Q64(v) Q16(v), Q16((v) + 16), Q16((v) + 32), Q16((v) + 48)
static const uint8_t quads[256][4] = {Q64(0), Q64(64), Q64(128), Q64(192)};
#undef Q1
#undef Q4
#undef Q16
#undef Q64

int agc_tuples_unpack(const uint8_t *t, size_t tlen, uint8_t *dst, size_t cap, size_t *out_len)
{
    unsigned nb, base, rem;
    size_t n;
    int st = tuple_marker(t, tlen, &nb, &base, &rem, &n);
    if (st)
        return st;
    if (cap < n)
        return RT_ERANGE;
    if (nb == 1) {
        if (n)
            memcpy(dst, t, n);
        *out_len = n;
        return RT_OK;
    }
    size_t q = tlen - 2;
    uint8_t *d = dst;
    /* One loop per shape so the divisions become shifts or constant
     * multiplications. */
    if (nb == 4) {
        for (size_t i = 0; i < q; i++, d += 4)
            memcpy(d, quads[t[i]], 4);
    } else if (nb == 2) {
        for (size_t i = 0; i < q; i++, d += 2) {
            d[0] = (uint8_t)(t[i] >> 4);
            d[1] = (uint8_t)(t[i] & 15);
        }
    } else {
        for (size_t i = 0; i < q; i++, d += 3) {
            unsigned v = t[i];
            if (v >= 216)
                return RT_EFORMAT;
            d[0] = (uint8_t)(v / 36);
            d[1] = (uint8_t)(v / 6 % 6);
            d[2] = (uint8_t)(v % 6);
        }
    }
    unsigned v = t[q];
    for (unsigned j = rem; j-- > 0;) {
        d[j] = (uint8_t)(v % base);
        v /= base;
    }
    if (v != 0)
        return RT_EFORMAT;
    *out_len = n;
    return RT_OK;
}

void agc_revcomp(uint8_t *s, size_t n)
{
    size_t i = 0, j = n;
    while (j > i + 1) {
        j--;
        uint8_t a = s[i], b = s[j];
        s[i] = b < 4 ? (uint8_t)(3 - b) : b;
        s[j] = a < 4 ? (uint8_t)(3 - a) : a;
        i++;
    }
    if (j == i + 1 && s[i] < 4)
        s[i] = (uint8_t)(3 - s[i]);
}

void agc_codes_to_letters(uint8_t *s, size_t n)
{
    /* For c in 0..3: 'A' + 2c + 2[c >= 2] + 11[c == 3] gives A C G T, and
     * no byte of the sum carries into the next. */
    const uint64_t ones = 0x0101010101010101ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (x & (0xFC * ones)) {
            for (size_t j = i; j < i + 8; j++)
                s[j] = (uint8_t)agc_code2char[s[j]];
            continue;
        }
        uint64_t ge2 = (x >> 1) & ones, eq3 = x & (x >> 1) & ones;
        x = 0x41 * ones + 2 * x + 2 * ge2 + 11 * eq3;
        memcpy(s + i, &x, 8);
    }
    for (; i < n; i++)
        s[i] = (uint8_t)agc_code2char[s[i]];
}

/* Letters of eight codes when all are below 4 (see agc_codes_to_letters);
 * 0 otherwise (no letter is a zero byte). */
static uint64_t letters_word(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL;
    if (x & (0xFC * ones))
        return 0;
    uint64_t ge2 = (x >> 1) & ones, eq3 = x & (x >> 1) & ones;
    return 0x41 * ones + 2 * x + 2 * ge2 + 11 * eq3;
}

static uint64_t rc_word(uint64_t x);

void agc_codes_to_letters_copy(uint8_t *dst, const uint8_t *src, size_t n, int rc)
{
    size_t i = 0;
    if (!rc) {
#ifdef __SSE2__
        /* Sixteen at a time with the same formula as letters_word. */
        const __m128i three = _mm_set1_epi8(3), one = _mm_set1_epi8(1);
        const __m128i two = _mm_set1_epi8(2), eleven = _mm_set1_epi8(11);
        const __m128i base = _mm_set1_epi8(0x41);
        for (; i + 16 <= n; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(x, three), three)) != 0xFFFF) {
                for (size_t j = i; j < i + 16; j++)
                    dst[j] = (uint8_t)agc_code2char[src[j]];
                continue;
            }
            __m128i ge2 = _mm_and_si128(_mm_cmpgt_epi8(x, one), two);
            __m128i eq3 = _mm_and_si128(_mm_cmpeq_epi8(x, three), eleven);
            __m128i y = _mm_add_epi8(_mm_add_epi8(base, _mm_add_epi8(x, x)),
                                     _mm_add_epi8(ge2, eq3));
            _mm_storeu_si128((__m128i *)(void *)(dst + i), y);
        }
#endif
        for (; i + 8 <= n; i += 8) {
            uint64_t x;
            memcpy(&x, src + i, 8);
            uint64_t y = letters_word(x);
            if (y) {
                memcpy(dst + i, &y, 8);
            } else {
                for (size_t j = i; j < i + 8; j++)
                    dst[j] = (uint8_t)agc_code2char[src[j]];
            }
        }
        for (; i < n; i++)
            dst[i] = (uint8_t)agc_code2char[src[i]];
        return;
    }
#ifdef __SSE2__
    {
        const __m128i three = _mm_set1_epi8(3), one = _mm_set1_epi8(1);
        const __m128i two = _mm_set1_epi8(2), eleven = _mm_set1_epi8(11);
        const __m128i base = _mm_set1_epi8(0x41);
        for (; i + 16 <= n; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(src + n - i - 16));
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(x, three), three)) != 0xFFFF)
                break;
            /* reverse the 16 bytes: 32-bit words, 16-bit halves, bytes */
            x = _mm_shuffle_epi32(x, _MM_SHUFFLE(0, 1, 2, 3));
            x = _mm_shufflehi_epi16(_mm_shufflelo_epi16(x, _MM_SHUFFLE(2, 3, 0, 1)),
                                    _MM_SHUFFLE(2, 3, 0, 1));
            x = _mm_or_si128(_mm_slli_epi16(x, 8), _mm_srli_epi16(x, 8));
            x = _mm_xor_si128(x, three);   /* all below 4: complement is c ^ 3 */
            __m128i ge2 = _mm_and_si128(_mm_cmpgt_epi8(x, one), two);
            __m128i eq3 = _mm_and_si128(_mm_cmpeq_epi8(x, three), eleven);
            __m128i y = _mm_add_epi8(_mm_add_epi8(base, _mm_add_epi8(x, x)),
                                     _mm_add_epi8(ge2, eq3));
            _mm_storeu_si128((__m128i *)(void *)(dst + i), y);
        }
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, src + n - i - 8, 8);
        x = rc_word(x);
        uint64_t y = letters_word(x);
        if (!y) {
            uint8_t b[8];
            memcpy(b, &x, 8);
            for (int j = 0; j < 8; j++)
                b[j] = (uint8_t)agc_code2char[b[j]];
            memcpy(&y, b, 8);
        }
        memcpy(dst + i, &y, 8);
    }
    for (; i < n; i++) {
        uint8_t c = src[n - 1 - i];
        dst[i] = (uint8_t)agc_code2char[c < 4 ? 3 - c : c];
    }
}

/* Eight codes at a time: byte-reverse a word, then xor 3 into the bytes
 * below 4 (for them 3 - c == c ^ 3). A byte is below 4 when its top six
 * bits are clear, found without carries between bytes. */
static uint64_t rc_word(uint64_t x)
{
    const uint64_t hi = 0x8080808080808080ULL, lo7 = 0x7F7F7F7F7F7F7F7FULL;
    x = __builtin_bswap64(x);
    uint64_t t = x & 0xFCFCFCFCFCFCFCFCULL;
    uint64_t nz = (t | ((t & lo7) + lo7)) & hi;
    return x ^ (((~nz & hi) >> 7) * 3);
}

void agc_revcomp_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, src + n - i - 8, 8);
        x = rc_word(x);
        memcpy(dst + i, &x, 8);
    }
    for (; i < n; i++) {
        uint8_t c = src[n - 1 - i];
        dst[i] = c < 4 ? (uint8_t)(3 - c) : c;
    }
}

/* Input letters -> codes: bytes below 64 are dropped by the reader of FASTA
 * (newlines, digits, '-', '*'), IUPAC letters in either case map to 0..15,
 * '@' and '`' to 32, everything else (including bytes >= 128) to 30. */
const uint8_t agc_char2code[256] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
     32,   0,  11,   1,  12,  30,  30,   2,  13,  30,  30,   9,  30,  10,   4,  30,
     30,  30,   5,   7,   3,  15,  14,   8,  30,   6,  30,  30,  30,  30,  30,  30,
     32,   0,  11,   1,  12,  30,  30,   2,  13,  30,  30,   9,  30,  10,   4,  30,
     30,  30,   5,   7,   3,  15,  14,   8,  30,   6,  30,  30,  30,  30,  30,  30,
     30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,
     30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,
     30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,
     30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,
     30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,
     30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,
     30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,
     30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,  30,
};

const char agc_code2char[256] = {
    'A', 'C', 'G', 'T', 'N', 'R', 'Y', 'S',
    'W', 'K', 'M', 'B', 'D', 'H', 'V', 'U',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
};
