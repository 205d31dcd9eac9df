/* Fuzz target: LZ-diff decoding. Input layout:
 *   byte 0: reference length L (0..255); byte 1: bit 0 = grammar version,
 *   bits 1..: min match length; then L reference codes; the rest is the delta.
 * The measured length must equal the decoded one. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agc/agc_lzdiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t rl = data[0];
    int ver = (data[1] & 1) + 1;
    uint32_t mml = (uint32_t)(data[1] >> 1) % 33;
    if (size < 2 + rl)
        return 0;
    const uint8_t *ref = data + 2, *d = ref + rl;
    size_t dl = size - 2 - rl, n = 0, m = 0;
    if (agc_lzd_decode(ref, rl, d, dl, mml, ver, NULL, 0, &n))
        return 0;
    if (n > (1u << 24))
        return 0;
    uint8_t *out = malloc(n ? n : 1);
    if (!out)
        return 0;
    if (agc_lzd_decode(ref, rl, d, dl, mml, ver, out, n, &m) || m != n)
        abort();
    free(out);
    return 0;
}
