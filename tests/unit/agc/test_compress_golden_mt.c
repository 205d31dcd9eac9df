/* agc_compress against the reference tool's own archives: for golden cases,
 * every stream except file_type_info must hold the same parts (metadata and
 * payload bytes) as the archive the reference tool wrote from the same
 * inputs and options. That pins grouping, reference choice, LZ parsing,
 * packing, zstd levels and the collection down to the byte; only the order
 * of parts in the file may differ. The one exception is the zstd frame of
 * a delta pack (a part of a group's `xNd` stream): cagc parses those
 * frames its own way (agc_zpack), so there the frames must decode to the
 * same LZ-diff text, and cagc's frames must not be larger in all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "agc/agc_archive.h"
#include "agc/agc_compress.h"
#include "kindred/rt.h"

static char golden[512];

/* Options and inputs of one line of cases.tsv ("NAME\tcreate ARGS"). */
static int parse_case(const char *name, agc_create_opts *o, char inputs[][1100], size_t *n)
{
    char path[600], line[4096];
    snprintf(path, sizeof path, "%s/cases.tsv", golden);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        size_t l = strlen(name);
        if (strncmp(line, name, l) == 0 && line[l] == '\t') {
            found = 1;
            break;
        }
    }
    fclose(f);
    if (!found)
        return -1;
    agc_create_opts_default(o);
    o->threads = 2;
    *n = 0;
    char *save = NULL, *tok = strtok_r(strchr(line, '\t') + 1, " \t\n", &save);
    tok = strtok_r(NULL, " \t\n", &save); /* skip "create" */
    for (; tok; tok = strtok_r(NULL, " \t\n", &save)) {
        if (!strcmp(tok, "-a")) {
            o->adaptive = 1;
        } else if (!strcmp(tok, "-c")) {
            o->concat = 1;
        } else if (tok[0] == '-') {
            char *v = strtok_r(NULL, " \t\n", &save);
            if (!v)
                return -1;
            switch (tok[1]) {
            case 'b': o->pack = (uint32_t)atol(v); break;
            case 's': o->seg_size = (uint32_t)atol(v); break;
            case 'k': o->k = (uint32_t)atol(v); break;
            case 'l': o->mml = (uint32_t)atol(v); break;
            case 'f': o->fallback = atof(v); break;
            default: return -1;
            }
        } else if (*n < 16) {
            snprintf(inputs[(*n)++], 1100, "%s/%.500s", golden, tok);
        }
    }
    return 0;
}

/* The text of a delta pack part: a zstd frame and the marker byte 0, with
 * the text's length as metadata. NULL when the part is not one. */
static uint8_t *pack_text(const uint8_t *p, size_t n, uint64_t meta)
{
    if (n < 2 || p[n - 1] != 0 || meta == 0 || meta > ((uint64_t)1 << 30))
        return NULL;
    uint8_t *t = malloc((size_t)meta);
    if (t && ZSTD_decompress(t, (size_t)meta, p, n - 1) != meta) {
        free(t);
        t = NULL;
    }
    return t;
}

/* Parts of a delta stream: the same bytes, or the same text. */
static int same_pack(const uint8_t *x, size_t nx, uint64_t mx, const uint8_t *y, size_t ny,
                     uint64_t my)
{
    if (nx == ny && mx == my && memcmp(x, y, nx) == 0)
        return 1;
    if (mx != my)
        return 0;
    uint8_t *a = pack_text(x, nx, mx), *b = pack_text(y, ny, my);
    int same = a && b && memcmp(a, b, (size_t)mx) == 0;
    free(a);
    free(b);
    return same;
}

static int is_delta_stream(const char *name)
{
    size_t l = strlen(name);
    return l >= 3 && name[0] == 'x' && name[l - 1] == 'd';
}

static void same_streams(const char *mine, const char *theirs)
{
    agc_archive *a = NULL, *b = NULL;
    assert_int_equal(agc_ar_open_file(&a, mine), 0);
    assert_int_equal(agc_ar_open_file(&b, theirs), 0);
    assert_int_equal(agc_ar_nstreams(a), agc_ar_nstreams(b));
    size_t bad = 0, packs_mine = 0, packs_theirs = 0;
    for (size_t i = 0; i < agc_ar_nstreams(b); i++) {
        const agc_ar_stream *st = agc_ar_stream_at(b, i);
        if (!strcmp(st->name, "file_type_info"))
            continue;
        long j = agc_ar_find(a, st->name);
        int same = j >= 0 && agc_ar_stream_at(a, (size_t)j)->nparts == st->nparts;
        for (uint64_t p = 0; same && p < st->nparts; p++) {
            const uint8_t *x, *y;
            size_t nx, ny;
            uint64_t mx, my;
            assert_int_equal(agc_ar_part(a, j, p, &x, &nx, &mx), 0);
            assert_int_equal(agc_ar_part(b, (long)i, p, &y, &ny, &my), 0);
            if (is_delta_stream(st->name)) {
                same = same_pack(x, nx, mx, y, ny, my);
                packs_mine += nx;
                packs_theirs += ny;
            } else {
                same = nx == ny && mx == my && memcmp(x, y, nx) == 0;
            }
        }
        if (!same && bad++ < 5)
            print_message("stream %s differs\n", st->name);
    }
    assert_int_equal(bad, 0);
    if (packs_mine > packs_theirs)
        print_message("delta packs: %zu bytes, reference tool %zu\n", packs_mine, packs_theirs);
    assert_true(packs_mine <= packs_theirs);
    agc_ar_close(a);
    agc_ar_close(b);
}

static void run_case(const char *name)
{
    agc_create_opts o;
    char inputs[16][1100];
    const char *in[16];
    size_t n = 0;
    assert_int_equal(parse_case(name, &o, inputs, &n), 0);
    for (size_t i = 0; i < n; i++)
        in[i] = inputs[i];
    char out[128], theirs[600];
    snprintf(out, sizeof out, P_tmpdir "/test_golden_%ld.agc", (long)getpid());
    snprintf(theirs, sizeof theirs, "%s/archives/%s.agc", golden, name);
    assert_int_equal(agc_create(&o, in, n, out), 0);
    same_streams(out, theirs);
    unlink(out);
}

static void toy_default(void **state) { (void)state; run_case("toy_default"); }
static void synth_default(void **state) { (void)state; run_case("synth_default"); }
static void synth_b2_s10k(void **state) { (void)state; run_case("synth_b2_s10k"); }
static void synth_concat(void **state) { (void)state; run_case("synth_concat"); }
static void synth_k25(void **state) { (void)state; run_case("synth_k25"); }
static void synth_fallback(void **state) { (void)state; run_case("synth_fallback"); }

int main(void)
{
    const char *sh = getenv("KINDRED_SHARED");
    snprintf(golden, sizeof golden, "%s/golden/agc", sh ? sh : "../shared");
    char probe[600];
    snprintf(probe, sizeof probe, "%s/cases.tsv", golden);
    if (access(probe, R_OK) != 0) {
        fprintf(stderr, "golden data not found under %s (set KINDRED_SHARED)\n", golden);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(toy_default),   cmocka_unit_test(synth_default),
        cmocka_unit_test(synth_b2_s10k), cmocka_unit_test(synth_concat),
        cmocka_unit_test(synth_k25),     cmocka_unit_test(synth_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
