/* Fuzz target: LZ-diff encoding must decode back. Input layout:
 *   byte 0: min match length 15 + (b % 18); byte 1: split point s (as a
 *   fraction of the rest, s/255); the rest, bytes mapped to codes (mostly
 *   ACGT, some N and IUPAC), is cut at s into reference and text. A text
 *   built by copying and editing the reference is what real inputs look
 *   like, so bit 7 of each text byte copies the reference symbol instead.
 * Checks: decode(encode(t)) == t, no separator byte in the delta, the cost
 * vector never undercounts the delta. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agc/agc_lzdiff.h"
#include "agc/agc_lzenc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t code(uint8_t b)
{
    uint8_t c = b & 31;
    return c < 24 ? (uint8_t)(c & 3) : (c < 28 ? 4 : (uint8_t)(c - 23));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > (1u << 20))
        return 0;
    uint32_t mml = 15 + data[0] % 18;
    size_t rest = size - 2, rl = rest * data[1] / 255, tl = rest - rl;
    if (tl == 0)
        return 0; /* an empty segment never reaches the encoder */
    uint8_t *r = malloc(rl + 1), *t = malloc(tl + 1), *d = malloc(tl + 1);
    uint32_t *c = malloc((tl + 1) * sizeof *c);
    if (!r || !t || !d || !c)
        abort();
    for (size_t i = 0; i < rl; i++)
        r[i] = code(data[2 + i]);
    for (size_t i = 0; i < tl; i++) {
        uint8_t b = data[2 + rl + i];
        t[i] = (b & 0x80) && rl ? r[(i + (b & 0x3F)) % rl] : code(b);
    }
    agc_lzref z;
    if (agc_lzref_init(&z, r, (uint32_t)rl, mml))
        abort();
    rt_buf out = {0};
    if (agc_lz_encode(&z, t, (uint32_t)tl, &out))
        abort();
    size_t got = 0;
    if (agc_lzd_decode(r, rl, out.v, out.n, mml, 2, d, tl + 1, &got) || got != tl ||
        (tl && memcmp(d, t, tl) != 0))
        abort();
    for (size_t i = 0; i < out.n; i++)
        if (out.v[i] == 0xFF)
            abort();
    agc_lz_costs(&z, t, (uint32_t)tl, data[0] & 1, c);
    uint64_t sum = 0;
    for (size_t i = 0; i < tl; i++)
        sum += c[i];
    if (sum < out.n)
        abort();
    (void)agc_lz_estimate(&z, t, (uint32_t)tl, (uint32_t)(tl / 2));
    rt_vec_free(&out);
    agc_lzref_free(&z);
    free(r);
    free(t);
    free(d);
    free(c);
    return 0;
}
