/* agc_fasta: FASTA records to nucleotide codes (rules in the header). */
#include "agc/agc_fasta.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "agc/agc_codec.h"

/* Byte -> code, with two markers: SKIP for dropped bytes, BAD (N with a
 * flag bit) for letters outside IUPAC. */
enum { T_SKIP = 0xFF, T_BAD = 0x44 };

struct agc_fasta {
    rt_in *in;
    uint8_t tab[256];
    char *pending;      /* header line read ahead (without '>'), owned */
    int started;        /* a header has been seen */
    int done;
    uint64_t nbad;
};

static void make_table(uint8_t *tab)
{
    for (int b = 0; b < 256; b++) {
        uint8_t c = agc_char2code[b];
        tab[b] = c == AGC_CODE_SKIP ? T_SKIP : (c > 15 ? T_BAD : c);
    }
}

int agc_fasta_open(agc_fasta **out, const char *path)
{
    agc_fasta *f = rt_calloc(1, sizeof *f);
    if (!f)
        return RT_ENOMEM;
    make_table(f->tab);
    int rc = rt_in_open(&f->in, path);
    if (rc) {
        rt_free(f);
        return rc;
    }
    *out = f;
    return RT_OK;
}

#if defined(__SSE2__)
/* Sixteen bytes that are all A, C, G or T (either case) to their codes;
 * 0 (nothing written) when any byte is something else. A genome's lines
 * are almost all such blocks, and the table loop below costs a load and a
 * shift a byte: this was most of the time of reading a sample. Clearing
 * bit 0x20 maps only 'a'/'A' to 'A' (and so on), so the compares see
 * exactly the eight letters. */
static inline int acgt16(const uint8_t *src, uint8_t *dst)
{
    __m128i u = _mm_and_si128(_mm_loadu_si128((const __m128i *)src), _mm_set1_epi8((char)0xDF));
    __m128i a = _mm_cmpeq_epi8(u, _mm_set1_epi8('A'));
    __m128i c = _mm_cmpeq_epi8(u, _mm_set1_epi8('C'));
    __m128i g = _mm_cmpeq_epi8(u, _mm_set1_epi8('G'));
    __m128i t = _mm_cmpeq_epi8(u, _mm_set1_epi8('T'));
    __m128i any = _mm_or_si128(_mm_or_si128(a, c), _mm_or_si128(g, t));
    if (_mm_movemask_epi8(any) != 0xFFFF)
        return 0;
    __m128i code = _mm_or_si128(_mm_and_si128(c, _mm_set1_epi8(1)),
                                _mm_or_si128(_mm_and_si128(g, _mm_set1_epi8(2)),
                                             _mm_and_si128(t, _mm_set1_epi8(3))));
    _mm_storeu_si128((__m128i *)dst, code);
    return 1;
}
#endif

/* Sixteen bytes at a time while they are all ACGT (SSE2), else eight at a
 * time while none of them is dropped (only SKIP has its top bit set), then
 * byte by byte: every byte is stored and the position advances only for
 * kept ones (dst has room for n codes). The block steps have no dependency
 * from one byte's position to the next, which the byte loop has. */
static size_t convert(const uint8_t *tab, const uint8_t *src, size_t n, uint8_t *dst,
                      uint64_t *nbad)
{
    const uint64_t ones = 0x0101010101010101ULL;
    size_t m = 0, i = 0;
    uint64_t bad = 0;
    for (; i + 8 <= n; i += 8) {
#if defined(__SSE2__)
        if (i + 16 <= n && acgt16(src + i, dst + m)) {
            m += 16;
            i += 8;
            continue;
        }
#endif
        uint64_t w = 0;
        for (unsigned j = 0; j < 8; j++)
            w |= (uint64_t)tab[src[i + j]] << (8 * j);
        if (w & (ones << 7))
            break;
        uint64_t lo = w & (ones * 0x0F);
        memcpy(dst + m, &lo, 8);
        m += 8;
        /* T_BAD is the one code with both bits 0x40 and 0x04 set. */
        bad += 8 - agc_zero_bytes8(w & (w >> 4) & (ones << 2));
    }
    for (; i < n; i++) {
        uint8_t t = tab[src[i]];
        dst[m] = t & 0x0F;
        m += t != T_SKIP;
        bad += t == T_BAD;
    }
    *nbad += bad;
    return m;
}

size_t agc_fasta_convert(const uint8_t *src, size_t n, uint8_t *dst, uint64_t *nbad)
{
    uint8_t tab[256];
    make_table(tab);
    return convert(tab, src, n, dst, nbad);
}

/* The header is cut at the first CR, as the reference tool cuts it. */
static char *dup_header(const char *line, size_t len)
{
    const char *cr = memchr(line, '\r', len);
    if (cr)
        len = (size_t)(cr - line);
    char *h = rt_malloc(len + 1);
    if (h) {
        memcpy(h, line, len);
        h[len] = 0;
    }
    return h;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

int agc_fasta_next(agc_fasta *f, agc_fa_rec *rec, int *eof)
{
    const char *line;
    size_t len;
    int e, rc;
    memset(rec, 0, sizeof *rec);
    *eof = 0;
    if (f->done) {
        *eof = 1;
        return RT_OK;
    }
    while (!f->pending) {
        rc = rt_in_getline(f->in, &line, &len, &e);
        if (rc)
            return rc;
        if (e) {
            f->done = 1;
            *eof = 1;
            return RT_OK;
        }
        if (len && line[0] == '>') {
            f->pending = dup_header(line + 1, len - 1);
            if (!f->pending)
                return RT_ENOMEM;
        } else if (!blank(line, len)) {
            return RT_EFORMAT;
        }
    }
    rt_buf seq = {0};
    rec->name = f->pending;
    f->pending = NULL;
    for (;;) {
        rc = rt_in_getline(f->in, &line, &len, &e);
        if (rc)
            goto fail;
        if (e) {
            f->done = 1;
            break;
        }
        if (len && line[0] == '>') {
            f->pending = dup_header(line + 1, len - 1);
            if (!f->pending) {
                rc = RT_ENOMEM;
                goto fail;
            }
            break;
        }
        if (len == 0)
            continue;
        if (rt_vec_reserve(&seq, seq.n + len)) {
            rc = RT_ENOMEM;
            goto fail;
        }
        seq.n += convert(f->tab, (const uint8_t *)line, len, seq.v + seq.n, &f->nbad);
    }
    rec->seq = seq.v;
    rec->len = seq.n;
    return RT_OK;
fail:
    rt_vec_free(&seq);
    rt_free(rec->name);
    rec->name = NULL;
    return rc;
}

uint64_t agc_fasta_nbad(const agc_fasta *f)
{
    return f->nbad;
}

void agc_fasta_close(agc_fasta *f)
{
    if (!f)
        return;
    rt_in_close(f->in);
    rt_free(f->pending);
    rt_free(f);
}
