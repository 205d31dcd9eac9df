/* agc_coll_v12: collections of format 1.x and 2.x archives. Hand-built
 * archives (container, varints and zigzag codes written here from the
 * format description, not with the library's encoders) decode to the
 * values put in; every truncation and bit flip of their streams ends in a
 * clean error or a valid result; the archives written by AGC 1.1 and 2.1
 * (tests/data/agc) decode to their FASTA inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "agc/agc_archive.h"
#include "agc/agc_coll.h"
#include "agc/agc_meta.h"
#include "agc_test_golden.h"
#include "kindred/agc.h"
#include "kindred/rt.h"

/* ---------------------------------------------------------------- bytes */

typedef struct buf {
    uint8_t *d;
    size_t n, cap;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->d = realloc(b->d, b->cap);
    }
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void put_byte(buf *b, uint8_t x)
{
    put(b, &x, 1);
}

static void put_str(buf *b, const char *s)
{
    put(b, s, strlen(s) + 1);
}

/* Collection varint: prefix classes 0, 10, 110, 1110, 11110000. */
static void put_cv(buf *b, uint32_t v)
{
    static const uint64_t lo[5] = {0, 128, 16512, 2113664, 270549120};
    int n = 0;
    while (n < 4 && (uint64_t)v >= lo[n + 1])
        n++;
    uint64_t x = (uint64_t)v - lo[n];
    static const uint8_t pref[5] = {0x00, 0x80, 0xC0, 0xE0, 0xF0};
    uint8_t out[5];
    out[0] = (uint8_t)(pref[n] | (n == 4 ? 0 : x >> (8 * n)));
    for (int i = 1; i <= n; i++)
        out[i] = (uint8_t)(x >> (8 * (n - i)));
    put(b, out, (size_t)n + 1);
}

/* Container varint: a length byte, then the value big-endian. */
static void put_avar(buf *b, uint64_t x)
{
    uint8_t n = 0, t[8];
    for (uint64_t y = x; y; y >>= 8)
        n++;
    put_byte(b, n);
    for (int i = 0; i < n; i++)
        t[i] = (uint8_t)(x >> (8 * (n - 1 - i)));
    put(b, t, n);
}

static uint32_t zz_signed(int64_t d)
{
    return (uint32_t)(d >= 0 ? 2 * d : -2 * d - 1);
}

static uint32_t zz_pred(uint64_t x, uint64_t p)
{
    if (x < p)
        return (uint32_t)(2 * (p - x) - 1);
    if (x < 2 * p)
        return (uint32_t)(2 * (x - p));
    return (uint32_t)x;
}

static buf zstd_of(const buf *raw)
{
    buf z = {0};
    z.cap = ZSTD_compressBound(raw->n) + 1;
    z.d = malloc(z.cap);
    z.n = ZSTD_compress(z.d, z.cap, raw->d, raw->n, 3);
    assert_false(ZSTD_isError(z.n));
    return z;
}

/* ---------------------------------------------------------------- archives */

typedef struct part_in {
    const char *stream;
    uint64_t meta;
    const buf *payload;
} part_in;

/* Parts in file order; streams registered in order of first appearance. */
static buf mk_archive(const part_in *p, int np)
{
    buf a = {0}, f = {0};
    uint64_t off[16];
    const char *names[16];
    int ns = 0;
    for (int i = 0; i < np; i++) {
        off[i] = a.n;
        put_avar(&a, p[i].meta);
        put(&a, p[i].payload->d, p[i].payload->n);
        int k = 0;
        while (k < ns && strcmp(names[k], p[i].stream))
            k++;
        if (k == ns)
            names[ns++] = p[i].stream;
    }
    put_avar(&f, (uint64_t)ns);
    for (int k = 0; k < ns; k++) {
        put_str(&f, names[k]);
        int cnt = 0;
        for (int i = 0; i < np; i++)
            cnt += strcmp(p[i].stream, names[k]) == 0;
        put_avar(&f, (uint64_t)cnt);
        put_avar(&f, 0);
        for (int i = 0; i < np; i++)
            if (strcmp(p[i].stream, names[k]) == 0) {
                put_avar(&f, off[i]);
                put_avar(&f, p[i].payload->n);
            }
    }
    put(&a, f.d, f.n);
    uint8_t sz[8];
    for (int i = 0; i < 8; i++)
        sz[i] = (uint8_t)((uint64_t)f.n >> (8 * i));
    put(&a, sz, 8);
    free(f.d);
    return a;
}

static buf file_info(int major)
{
    buf b = {0};
    char v[4];
    snprintf(v, sizeof v, "%d", major);
    put_str(&b, "file_version_major");
    put_str(&b, v);
    put_str(&b, "file_version_minor");
    put_str(&b, "0");
    return b;
}

static buf params(int n)
{
    buf b = {0};
    const uint32_t v[4] = {5, 20, 50, 1000};   /* k, mml, pack, segment size */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 4; j++)
            put_byte(&b, (uint8_t)(v[i] >> (8 * j)));
    return b;
}

/* The collection both tests describe:
 *   sample "zeta" (stored first): "c1 first contig" 3 segments, "c2" none
 *   sample "alpha": "x" 1 segment
 *   commands ("agc create x", "Mon"), ("agc append y", "") */
typedef struct segv {
    uint32_t g, id, len, rc;
} segv;

static const segv c1_segs[3] = {{20, 0, 100, 0}, {17, 3, 50, 1}, {17, 1, 5, 0}};
static const segv x_segs[1] = {{40, 70000, 200000, 1}};

static void put_v1_segs(buf *b, const segv *s, int n)
{
    int64_t pg = 0, pid = 0, pl = 0;
    for (int i = 0; i < n; i++) {
        put_cv(b, zz_signed((int64_t)s[i].g - pg));
        put_cv(b, zz_signed((int64_t)s[i].id - pid));
        put_cv(b, zz_signed((int64_t)s[i].len - pl));
        put_cv(b, s[i].rc);
        pg = s[i].g, pid = s[i].id, pl = s[i].len;
    }
}

static void put_cmds(buf *b)
{
    put_cv(b, 2);
    put_str(b, "agc create x");
    put_str(b, "Mon");
    put_str(b, "agc append y");
    put_str(b, "");
}

static buf v1_desc(void)
{
    buf b = {0};
    put_cv(&b, 2);
    put_str(&b, "zeta");
    put_cv(&b, 2);
    put_str(&b, "c1 first contig");
    put_cv(&b, 3);
    put_v1_segs(&b, c1_segs, 3);
    put_str(&b, "c2");
    put_cv(&b, 0);
    put_str(&b, "alpha");
    put_cv(&b, 1);
    put_str(&b, "x");
    put_cv(&b, 1);
    put_v1_segs(&b, x_segs, 1);
    put_cmds(&b);
    return b;
}

static buf v2_main(void)
{
    buf b = {0};
    put_cv(&b, 1);   /* details batch: one sample */
    put_cv(&b, 2);
    put_str(&b, "zeta");
    put_cv(&b, 2);
    put_str(&b, "c1 first contig");
    put_cv(&b, 3);
    put_str(&b, "c2");
    put_cv(&b, 0);
    put_str(&b, "alpha");
    put_cv(&b, 1);
    put_str(&b, "x");
    put_cv(&b, 1);
    put_cmds(&b);
    return b;
}

static buf v2_details(const segv *s, int n)
{
    buf b = {0};
    for (int col = 0; col < 4; col++) {
        uint64_t prev = 0;
        for (int i = 0; i < n; i++) {
            uint32_t v = col == 0 ? s[i].g : col == 1 ? s[i].id : col == 2 ? s[i].len : s[i].rc;
            put_cv(&b, col == 3 ? v : zz_pred(v, prev));
            prev = v;
        }
    }
    return b;
}

/* A whole archive from the raw streams: v1 (desc) or v2 (main, d0, d1). */
static buf archive_of(int v, const buf *s0, const buf *s1, const buf *s2)
{
    buf fi = file_info(v), pr = params(v == 1 ? 3 : 4);
    buf z0 = zstd_of(s0), z1 = {0}, z2 = {0};
    part_in p[5] = {{"file_type_info", 2, &fi}, {"params", 0, &pr}};
    int np = 2;
    if (v == 1) {
        p[np++] = (part_in){"collection-desc", s0->n, &z0};
    } else {
        z1 = zstd_of(s1);
        z2 = zstd_of(s2);
        p[np++] = (part_in){"collection-main", s0->n, &z0};
        p[np++] = (part_in){"collection-details", s1->n, &z1};
        p[np++] = (part_in){"collection-details", s2->n, &z2};
    }
    buf a = mk_archive(p, np);
    free(fi.d), free(pr.d), free(z0.d), free(z1.d), free(z2.d);
    return a;
}

/* Open the collection and load every sample; 0 or the first error. */
static int load_all(const buf *a, agc_coll **out, agc_archive **arout)
{
    agc_archive *ar;
    int st = agc_ar_open_mem(&ar, a->d, a->n);
    if (st)
        return st;
    agc_params p;
    agc_coll *c = NULL;
    st = agc_meta_read(ar, &p);
    if (!st)
        st = agc_coll_open(&c, ar, &p, 64);
    for (uint32_t i = 0; !st && i < agc_coll_nsamples(c); i++) {
        agc_sample s;
        st = agc_coll_sample(c, i, &s);
    }
    if (out && !st) {
        *out = c;
        *arout = ar;
        return 0;
    }
    agc_coll_free(c);
    agc_ar_close(ar);
    return st;
}

static void check_collection(agc_coll *c)
{
    assert_int_equal(agc_coll_nsamples(c), 2);
    assert_string_equal(agc_coll_sample_name(c, 0), "zeta");
    assert_int_equal(agc_coll_sorted(c, 0), 1);
    uint32_t ix;
    int found;
    agc_coll_find_sample(c, "alpha", &ix, &found);
    assert_true(found);
    assert_int_equal(ix, 1);
    agc_sample s;
    assert_int_equal(agc_coll_sample(c, 0, &s), 0);
    assert_int_equal(s.nctg, 2);
    assert_string_equal(s.ctgs[0].name, "c1 first contig");
    assert_int_equal(s.ctgs[0].short_len, 2);
    assert_int_equal(s.ctgs[0].nseg, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s.ctgs[0].segs[i].group, c1_segs[i].g);
        assert_int_equal(s.ctgs[0].segs[i].in_group, c1_segs[i].id);
        assert_int_equal(s.ctgs[0].segs[i].raw_len, c1_segs[i].len);
        assert_int_equal(s.ctgs[0].segs[i].rc, c1_segs[i].rc);
    }
    assert_int_equal(s.ctgs[0].len, 100 + 45 + 0);   /* k = 5 overlaps */
    assert_int_equal(s.ctgs[1].nseg, 0);
    assert_int_equal(s.ctgs[1].len, 0);
    assert_int_equal(agc_coll_sample(c, 1, &s), 0);
    assert_int_equal(s.nctg, 1);
    assert_int_equal(s.ctgs[0].segs[0].group, 40);
    assert_int_equal(s.ctgs[0].segs[0].in_group, 70000);
    assert_int_equal(s.ctgs[0].len, 200000);
    assert_int_equal(s.ctgs[0].segs[0].rc, 1);
    assert_int_equal(agc_coll_ncmd(c), 2);
    const char *cmd, *date;
    agc_coll_cmd(c, 0, &cmd, &date);
    assert_string_equal(cmd, "agc create x");
    assert_string_equal(date, "Mon");
    agc_coll_cmd(c, 1, &cmd, &date);
    assert_string_equal(cmd, "agc append y");
    assert_string_equal(date, "");
}

static void v1_collection_decodes(void **state)
{
    (void)state;
    buf d = v1_desc();
    buf a = archive_of(1, &d, NULL, NULL);
    agc_coll *c;
    agc_archive *ar;
    assert_int_equal(load_all(&a, &c, &ar), 0);
    check_collection(c);
    agc_coll_free(c);
    agc_ar_close(ar);
    free(a.d), free(d.d);
}

static void v2_collection_decodes(void **state)
{
    (void)state;
    buf m = v2_main(), d0 = v2_details(c1_segs, 3), d1 = v2_details(x_segs, 1);
    buf a = archive_of(2, &m, &d0, &d1);
    agc_coll *c;
    agc_archive *ar;
    assert_int_equal(load_all(&a, &c, &ar), 0);
    check_collection(c);
    agc_coll_free(c);
    agc_ar_close(ar);
    free(a.d), free(m.d), free(d0.d), free(d1.d);
}

/* Every strict prefix of a stream fails; every flipped bit ends in an
 * error or a successful decode (sanitizers check the rest). */
static void mutate_stream(int v, int which)
{
    buf s[3] = {v == 1 ? v1_desc() : v2_main(), v2_details(c1_segs, 3), v2_details(x_segs, 1)};
    buf orig = s[which];
    int errors = 0;
    for (size_t len = 0; len < orig.n; len++) {
        buf t = {malloc(len + 1), len, len + 1};
        memcpy(t.d, orig.d, len);
        s[which] = t;
        buf a = archive_of(v, &s[0], &s[1], &s[2]);
        int st = load_all(&a, NULL, NULL);
        assert_true(st == RT_EFORMAT);
        free(a.d), free(t.d);
    }
    for (size_t i = 0; i < orig.n; i++)
        for (int bit = 0; bit < 8; bit++) {
            buf t = {malloc(orig.n), orig.n, orig.n};
            memcpy(t.d, orig.d, orig.n);
            t.d[i] ^= (uint8_t)(1u << bit);
            s[which] = t;
            buf a = archive_of(v, &s[0], &s[1], &s[2]);
            int st = load_all(&a, NULL, NULL);
            assert_true(st == 0 || st == RT_EFORMAT);
            errors += st != 0;
            free(a.d), free(t.d);
        }
    assert_true(errors > 0);
    s[which] = orig;
    for (int i = 0; i < 3; i++)
        free(s[i].d);
}

static void v1_truncated_and_flipped(void **state)
{
    (void)state;
    mutate_stream(1, 0);
}

static void v2_truncated_and_flipped(void **state)
{
    (void)state;
    mutate_stream(2, 0);
    mutate_stream(2, 1);
    mutate_stream(2, 2);
}

static void v2_missing_details_part(void **state)
{
    (void)state;
    buf m = v2_main(), d0 = v2_details(c1_segs, 3);
    buf fi = file_info(2), pr = params(4), z0 = zstd_of(&m), z1 = zstd_of(&d0);
    part_in p[4] = {{"file_type_info", 2, &fi}, {"params", 0, &pr},
                    {"collection-main", m.n, &z0}, {"collection-details", d0.n, &z1}};
    buf a = mk_archive(p, 4);
    agc_archive *ar;
    assert_int_equal(agc_ar_open_mem(&ar, a.d, a.n), 0);
    agc_params prm;
    assert_int_equal(agc_meta_read(ar, &prm), 0);
    assert_int_equal(prm.version, 2000);
    assert_int_equal(prm.segment_size, 1000);
    agc_coll *c;
    assert_int_equal(agc_coll_open(&c, ar, &prm, 64), 0);
    agc_sample s;
    assert_int_equal(agc_coll_sample(c, 0, &s), 0);
    assert_int_equal(agc_coll_sample(c, 1, &s), RT_EFORMAT);
    agc_coll_free(c);
    agc_ar_close(ar);
    free(a.d), free(m.d), free(d0.d), free(fi.d), free(pr.d), free(z0.d), free(z1.d);
}

/* ---------------------------------------------------------------- real archives */


static char shared[1024];

static int find_inputs(void)
{
    if (!tg_golden_dir(shared, sizeof shared - 8, "inputs/toy/ref.fa"))
        return 0;
    strcat(shared, "/inputs");
    return 1;
}

/* Every contig of `sample` in archive `arc` equals the records of `fa`. */
static void sample_matches(agc_reader *rd, const char *sample, const char *fa)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", shared, fa);
    tg_rec r[8];
    int nr = tg_read_fasta(p, r, 8);
    assert_true(nr > 0);
    uint32_t s, nc;
    int found;
    agc_reader_find_sample(rd, sample, &s, &found);
    assert_true(found);
    assert_int_equal(agc_reader_n_contigs(rd, s, &nc), 0);
    assert_int_equal(nc, (uint32_t)nr);
    for (uint32_t c = 0; c < nc; c++) {
        const char *name;
        uint64_t len;
        assert_int_equal(agc_reader_contig(rd, s, c, &name, &len), 0);
        assert_string_equal(name, r[c].name);
        assert_int_equal(len, r[c].n);
        char *b = malloc(len + 1);
        assert_int_equal(agc_reader_fetch(rd, s, c, 0, len, b), 0);
        assert_memory_equal(b, r[c].seq, len);
        if (len > 70000) {
            assert_int_equal(agc_reader_fetch(rd, s, c, 59000, 61000, b), 0);
            assert_memory_equal(b, r[c].seq + 59000, 2000);
        }
        free(b);
        free(r[c].seq);
    }
}

static void old_archives_match_inputs(void **state)
{
    (void)state;
    /* The golden inputs and tests/data are part of the setup: missing means failed. */
    assert_true(find_inputs());
    static const char *toys[] = {"tests/data/agc/v1/toy.agc", "tests/data/agc/v2/toy.agc"};
    for (int i = 0; i < 2; i++) {
        agc_reader *rd;
        assert_int_equal(agc_reader_open(&rd, toys[i]), 0);
        agc_reader_info in;
        agc_reader_get_info(rd, &in);
        assert_int_equal(in.version, i ? 2000 : 1000);
        assert_int_equal(in.segment_size, i ? 60000 : 0);
        assert_int_equal(in.n_samples, 4);
        sample_matches(rd, "ref", "toy/ref.fa");
        sample_matches(rd, "a", "toy/a.fa");
        sample_matches(rd, "b", "toy/b.fa");
        sample_matches(rd, "c", "toy/c.fa");
        agc_reader_close(rd);
    }
    static const char *synth[] = {"tests/data/agc/v1/synth.agc", "tests/data/agc/v2/synth_b1.agc"};
    for (int i = 0; i < 2; i++) {
        agc_reader *rd;
        assert_int_equal(agc_reader_open(&rd, synth[i]), 0);
        sample_matches(rd, "s2", "synth/s2.fa");
        agc_reader_close(rd);
    }
}

static void old_archive_prefixes_fail(void **state)
{
    (void)state;
    FILE *f = fopen("tests/data/agc/v2/toy_concat_b1.agc", "rb");
    assert_non_null(f);
    uint8_t d[4096];
    size_t n = fread(d, 1, sizeof d, f);
    fclose(f);
    assert_true(n > 100 && n < sizeof d);
    for (size_t len = 0; len < n; len++) {
        agc_reader *r;
        int st = agc_reader_open_mem(&r, d, len);
        if (!st) {
            agc_reader_close(r);
            fail_msg("prefix of %zu bytes opened", len);
        }
    }
    agc_reader *r;
    assert_int_equal(agc_reader_open_mem(&r, d, n), 0);
    assert_int_equal(agc_reader_n_samples(r), 12);
    agc_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(v1_collection_decodes),
        cmocka_unit_test(v2_collection_decodes),
        cmocka_unit_test(v1_truncated_and_flipped),
        cmocka_unit_test(v2_truncated_and_flipped),
        cmocka_unit_test(v2_missing_details_part),
        cmocka_unit_test(old_archives_match_inputs),
        cmocka_unit_test(old_archive_prefixes_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
