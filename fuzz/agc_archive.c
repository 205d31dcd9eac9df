/* Fuzz target: open an archive held in memory, decode the collection and a
 * bounded prefix of every contig. Any input must end in success or a clean
 * error: no crash, no hang, no allocation beyond the fuzzing cap. */
#include <stddef.h>
#include <stdint.h>

#include "kindred/agc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    agc_reader *r;
    if (agc_reader_open_mem(&r, data, size))
        return 0;
    agc_reader_set_cache(r, 1u << 20);
    static char buf[1 << 16];
    uint32_t ns = agc_reader_n_samples(r);
    for (uint32_t s = 0; s < ns && s < 64; s++) {
        uint32_t nc;
        if (agc_reader_n_contigs(r, s, &nc))
            break;
        for (uint32_t c = 0; c < nc && c < 64; c++) {
            uint64_t len;
            if (agc_reader_contig(r, s, c, NULL, &len))
                break;
            uint64_t to = len < sizeof buf ? len : sizeof buf;
            if (agc_reader_fetch(r, s, c, 0, to, buf))
                break;
            if (len > 10)   /* a range that starts inside, near the end */
                (void)agc_reader_fetch(r, s, c, len - 10, len, buf);
        }
    }
    agc_reader_close(r);
    return 0;
}
