/* agc_archive_w: parts and footer written here read back with the reader's
 * container parser; stream ids are stable; the footer length is right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agc/agc_archive.h"
#include "agc/agc_archive_w.h"
#include "kindred/rt.h"

static void write_and_read(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, P_tmpdir "/test_arw_%ld.agc", (long)getpid());
    agc_arw *w = NULL;
    uint32_t a, b, a2;
    assert_int_equal(agc_arw_open(&w, path, NULL), 0);
    assert_int_equal(agc_arw_stream(w, "alpha", &a), 0);
    assert_int_equal(agc_arw_stream(w, "beta", &b), 0);
    assert_int_equal(agc_arw_stream(w, "alpha", &a2), 0);
    assert_int_equal(a, a2);
    assert_int_not_equal(a, b);
    uint32_t empty;
    assert_int_equal(agc_arw_stream(w, "empty", &empty), 0);
    assert_int_equal(agc_arw_part(w, a, "hello", 5, 31), 0);
    assert_int_equal(agc_arw_offset(w), 2 + 5);
    assert_int_equal(agc_arw_part(w, b, "", 0, 0), 0);
    assert_int_equal(agc_arw_part(w, a, "xyz", 3, 476822), 0);
    assert_int_equal(agc_arw_part(w, 99, "x", 1, 0), RT_EINVAL);
    assert_int_equal(agc_arw_close(w), 0);

    agc_archive *ar = NULL;
    assert_int_equal(agc_ar_open_file(&ar, path), 0);
    assert_int_equal(agc_ar_nstreams(ar), 3);
    long ia = agc_ar_find(ar, "alpha"), ib = agc_ar_find(ar, "beta"), ie = agc_ar_find(ar, "empty");
    assert_true(ia >= 0 && ib >= 0 && ie >= 0);
    assert_int_equal(agc_ar_stream_at(ar, (size_t)ia)->nparts, 2);
    assert_int_equal(agc_ar_stream_at(ar, (size_t)ie)->nparts, 0);
    const uint8_t *p;
    size_t n;
    uint64_t meta;
    assert_int_equal(agc_ar_part(ar, ia, 0, &p, &n, &meta), 0);
    assert_int_equal(n, 5);
    assert_memory_equal(p, "hello", 5);
    assert_int_equal(meta, 31);
    assert_int_equal(agc_ar_part(ar, ia, 1, &p, &n, &meta), 0);
    assert_int_equal(n, 3);
    assert_int_equal(meta, 476822);
    assert_int_equal(agc_ar_part(ar, ib, 0, &p, &n, &meta), 0);
    assert_int_equal(n, 0);
    size_t len;
    const uint8_t *all = agc_ar_data(ar, &len);
    /* first part at offset 0: varint 01 1F then the payload */
    assert_memory_equal(all, "\x01\x1fhello", 7);
    agc_ar_close(ar);
    unlink(path);
}

static void unwritable(void **state)
{
    (void)state;
    agc_arw *w = NULL;
    assert_int_not_equal(agc_arw_open(&w, "/nonexistent/dir/x.agc", NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_and_read),
        cmocka_unit_test(unwritable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
