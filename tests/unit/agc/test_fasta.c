/* agc_fasta: CRLF, lowercase, IUPAC, letters outside IUPAC, empty records,
 * '>' only at a line start, text before the first header, gzip members. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "agc/agc_codec.h"
#include "agc/agc_fasta.h"
#include "kindred/rt.h"

static char path[64];

static void write_file(const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

/* Decode codes back to letters for easy comparison. */
static void letters(const agc_fa_rec *r, char *out)
{
    static const char tab[] = "ACGTNRYSWKMBDHVU";
    for (size_t i = 0; i < r->len; i++)
        out[i] = r->seq[i] < 16 ? tab[r->seq[i]] : '?';
    out[r->len] = 0;
}

static void expect_record(agc_fasta *f, const char *name, const char *seq)
{
    agc_fa_rec r;
    int eof = 1;
    char buf[256];
    assert_int_equal(agc_fasta_next(f, &r, &eof), 0);
    assert_int_equal(eof, 0);
    assert_string_equal(r.name, name);
    letters(&r, buf);
    assert_string_equal(buf, seq);
    rt_free(r.name);
    rt_free(r.seq);
}

static void expect_eof(agc_fasta *f)
{
    agc_fa_rec r;
    int eof = 0;
    assert_int_equal(agc_fasta_next(f, &r, &eof), 0);
    assert_int_equal(eof, 1);
}

static void mixed_input(void **state)
{
    (void)state;
    write_file("\n>chr1 first one\r\nACgt\r\nnnRY\r\n>empty\n>chr2\nacXg@t`\nA C-G*T.1\n"
               ">nl_only\n\n>last>part\nGG>G\n>end\nTT");
    agc_fasta *f = NULL;
    assert_int_equal(agc_fasta_open(&f, path), 0);
    expect_record(f, "chr1 first one", "ACGTNNRY");
    expect_record(f, "empty", "");
    expect_record(f, "chr2", "ACNGNTNACGT");
    expect_record(f, "nl_only", "");
    expect_record(f, "last>part", "GGG"); /* a mid-line ">" is dropped like any byte < 64 */
    expect_record(f, "end", "TT");
    expect_eof(f);
    expect_eof(f);
    assert_int_equal(agc_fasta_nbad(f), 3);
    agc_fasta_close(f);
}

static void text_before_header(void **state)
{
    (void)state;
    write_file("ACGT\n>x\nA\n");
    agc_fasta *f = NULL;
    agc_fa_rec r;
    int eof = 0;
    assert_int_equal(agc_fasta_open(&f, path), 0);
    assert_int_equal(agc_fasta_next(f, &r, &eof), RT_EFORMAT);
    agc_fasta_close(f);
    write_file("");
    assert_int_equal(agc_fasta_open(&f, path), 0);
    expect_eof(f);
    agc_fasta_close(f);
}

static void gzip_members(void **state)
{
    (void)state;
    for (int m = 0; m < 2; m++) {
        gzFile g = gzopen(path, m ? "ab" : "wb");
        assert_non_null(g);
        const char *t = m ? ">b\nTTTT\n" : ">a desc\nacgtn\nAC\n";
        assert_int_equal(gzwrite(g, t, (unsigned)strlen(t)), (int)strlen(t));
        gzclose(g);
    }
    agc_fasta *f = NULL;
    assert_int_equal(agc_fasta_open(&f, path), 0);
    expect_record(f, "a desc", "ACGTNAC");
    expect_record(f, "b", "TTTT");
    expect_eof(f);
    agc_fasta_close(f);
}

static void convert_table(void **state)
{
    (void)state;
    const char *in = "ACGTNRYSWKMBDHVUacgtnryswkmbdhvuXZ@`\x80\xff\n 1-.*";
    uint8_t out[64];
    uint64_t bad = 0;
    size_t n = agc_fasta_convert((const uint8_t *)in, strlen(in), out, &bad);
    assert_int_equal(n, 38);
    for (int i = 0; i < 32; i++)
        assert_int_equal(out[i], i % 16);
    for (int i = 32; i < 38; i++)
        assert_int_equal(out[i], 4);
    assert_int_equal(bad, 6);
}

/* Long runs take the sixteen- and eight-byte paths: random text, mostly
 * bases of either case with bad letters, IUPAC codes, dropped bytes and
 * any other byte value at every offset, against a byte-by-byte reading of
 * the code table. */
static void convert_long_runs(void **state)
{
    (void)state;
    const char *pool = "ACGTACGTACGTacgtNRYnXZ@\x80\xff\r -1";
    size_t np = strlen(pool);
    uint8_t src[600], got[600], want[600];
    uint64_t seed = 3;
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(round % 600);
        unsigned rare = 1 + (unsigned)(round % 50);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned r = (unsigned)(seed >> 33);
            if (r % rare)
                src[i] = (uint8_t)"ACGTacgt"[r / rare % 8];
            else
                src[i] = r / rare % 2 ? (uint8_t)pool[r / rare / 2 % np] : (uint8_t)(r / rare / 2);
        }
        size_t m = 0;
        uint64_t wbad = 0, gbad = 0;
        for (size_t i = 0; i < n; i++) {
            uint8_t c = agc_char2code[src[i]];
            if (c == AGC_CODE_SKIP)
                continue;
            wbad += c > 15;
            want[m++] = c > 15 ? 4 : c;
        }
        size_t g = agc_fasta_convert(src, n, got, &gbad);
        assert_int_equal(g, m);
        assert_memory_equal(got, want, m);
        assert_int_equal(gbad, wbad);
    }
}

static void missing_file(void **state)
{
    (void)state;
    agc_fasta *f = NULL;
    assert_int_not_equal(agc_fasta_open(&f, "/nonexistent/dir/x.fa"), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, P_tmpdir "/test_fasta_%ld.fa", (long)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mixed_input),     cmocka_unit_test(text_before_header),
        cmocka_unit_test(gzip_members),    cmocka_unit_test(convert_table),
        cmocka_unit_test(missing_file),    cmocka_unit_test(convert_long_runs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
