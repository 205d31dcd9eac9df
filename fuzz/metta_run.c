/*
 * Fuzz target for the MeTTa reader and evaluator: arbitrary program text is
 * run with a step and depth limit, so malformed text must give RT_ESYNTAX
 * with a position, and well-formed text must evaluate to results or Error
 * atoms, never a crash, a hang or unbounded memory. import!/include look in
 * a directory that does not exist, so the target touches no files.
 */
#include <stdint.h>
#include <stdio.h>

#include "kindred/metta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_result(void *ctx, const metta_result *r)
{
    size_t *n = ctx;
    *n += r->len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048)
        return 0; /* long programs only slow the search down */
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        return 0;
    metta_limits lim = {.max_steps = 3000, .max_depth = 300};
    metta *mt;
    if (metta_new(&mt, &lim, NULL, sink) == 0) {
        metta_set_base_dir(mt, "/nonexistent-kindred-fuzz-dir");
        size_t n = 0;
        metta_error err;
        metta_stats st = {0};
        (void)metta_run(mt, (const char *)data, size, count_result, &n, &st, &err);
        metta_free(mt);
    }
    fclose(sink);
    return 0;
}
