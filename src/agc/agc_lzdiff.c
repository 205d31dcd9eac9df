/* agc_lzdiff: LZ-diff delta decoding (grammar in agc_lzdiff.h). Every
 * number, copy and output length is checked: deltas come from the file. */
#include "agc/agc_lzdiff.h"

#include <string.h>

#include "kindred/rt.h"

/* Literal bytes: code + 1 ('A'..'U' -> codes 0..20, and 30, 32, which
 * the reference decoder does not accept), LIT_SAME for '!', 0 otherwise. */
enum { LIT_SAME = 0x80 };
static const uint8_t lit1[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,
    ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14,
    ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21,
    ['_'] = 31, ['a'] = 33, ['!'] = LIT_SAME,
};

/* Greedy unsigned decimal; at least one digit, no overflow. */
static int read_num(const uint8_t *d, size_t n, size_t *i, uint64_t *out)
{
    size_t j = *i;
    uint64_t v = 0;
    while (j < n && d[j] >= '0' && d[j] <= '9') {
        if (v > (UINT64_MAX - 9) / 10)
            return RT_EFORMAT;
        v = v * 10 + (uint64_t)(d[j] - '0');
        j++;
    }
    if (j == *i)
        return RT_EFORMAT;
    *i = j;
    *out = v;
    return RT_OK;
}

int agc_lzd_decode(const uint8_t *ref, size_t rlen, const uint8_t *delta, size_t dlen,
                   uint32_t mml, int version, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!out)
        cap = SIZE_MAX;
    if (dlen == 0) {
        if (!out) {
            *out_len = rlen;
            return RT_OK;
        }
        if (rlen > cap)
            return RT_EFORMAT;
        if (rlen)
            memcpy(out, ref, rlen);
        *out_len = rlen;
        return RT_OK;
    }
    size_t i = 0, o = 0;
    uint64_t pred = 0;
    while (i < dlen) {
        uint8_t c = delta[i];
        uint8_t t = (uint8_t)(c - 'A');
        int lit = t <= 20 || t == 30 || t == 32;
        if (out && (lit || (c == '!' && version >= 2))) {
            /* Divergent genomes give long runs of literals: a tight loop up
             * to the first other token, bounded by the output room; any
             * byte it cannot take is left to the checked path below. */
            size_t end = dlen - i < cap - o ? dlen : i + (cap - o), i0 = i;
            for (; i < end; i++, o++, pred++) {
                uint8_t v = lit1[delta[i]];
                if (v - 1u < LIT_SAME - 1u)
                    out[o] = (uint8_t)(v - 1);
                else if (v == LIT_SAME && version >= 2 && pred < rlen)
                    out[o] = ref[pred];
                else
                    break;
            }
            if (i > i0)
                continue;
        }
        if (lit) {
            if (o >= cap)
                return RT_EFORMAT;
            if (out)
                out[o] = (uint8_t)(c - 'A');
            o++;
            pred++;
            i++;
        } else if (c == '!' && version >= 2) {
            if (o >= cap || pred >= rlen)
                return RT_EFORMAT;
            if (out)
                out[o] = ref[pred];
            o++;
            pred++;
            i++;
        } else if (c == 0x1E) {
            uint64_t n;
            i++;
            if (read_num(delta, dlen, &i, &n) || i >= dlen || delta[i] != 0x04)
                return RT_EFORMAT;
            i++;
            if (n > cap - o || n + 4 > cap - o)
                return RT_EFORMAT;
            if (out)
                memset(out + o, 4, (size_t)n + 4);
            o += (size_t)n + 4;
        } else {
            int neg = 0;
            uint64_t d, len;
            if (c == '-') {
                neg = 1;
                i++;
            }
            if (read_num(delta, dlen, &i, &d) || i >= dlen)
                return RT_EFORMAT;
            uint64_t pos;
            if (neg) {
                if (d > pred)
                    return RT_EFORMAT;
                pos = pred - d;
            } else {
                if (d > rlen || pred > rlen - d)
                    return RT_EFORMAT;
                pos = pred + d;
            }
            if (pos > rlen)
                return RT_EFORMAT;
            if (delta[i] == ',') {
                i++;
                if (read_num(delta, dlen, &i, &len) || i >= dlen || delta[i] != '.')
                    return RT_EFORMAT;
                if (len > rlen)
                    return RT_EFORMAT;
                len += mml;
            } else if (delta[i] == '.' && version >= 2) {
                len = rlen - pos;
            } else {
                return RT_EFORMAT;
            }
            i++;
            if (len > rlen - pos || len > cap - o)
                return RT_EFORMAT;
            if (out)
                memcpy(out + o, ref + pos, (size_t)len);
            o += (size_t)len;
            pred = pos + len;
        }
    }
    *out_len = o;
    return RT_OK;
}
