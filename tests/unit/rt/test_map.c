/* rt_map: mapped regular files, empty files, the heap fallback for pipes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "rt_test_util.h"

static void maps_file(void **state)
{
    (void)state;
    rt_buf t = {0};
    tu_make_text(&t, 200000, 21, 0);
    char *path = tu_tmpfile();
    assert_int_equal(tu_write_file(path, t.v, t.n), 0);
    rt_map m;
    assert_int_equal(rt_map_open(&m, path), 0);
    assert_int_equal(m.len, t.n);
    assert_memory_equal(m.data, t.v, t.n);
    assert_int_equal(m.maplen_, t.n); /* really mapped, not copied */
    rt_map_close(&m);
    assert_null(m.data);
    assert_int_equal(m.len, 0);
    rt_map_close(&m); /* closing twice is harmless */
    assert_int_equal(tu_write_file(path, "", 0), 0);
    assert_int_equal(rt_map_open(&m, path), 0);
    assert_null(m.data);
    assert_int_equal(m.len, 0);
    rt_map_close(&m);
    unlink(path);
    free(path);
    rt_vec_free(&t);
}

static void errors(void **state)
{
    (void)state;
    rt_map m;
    errno = 0;
    assert_int_equal(rt_map_open(&m, "no/such/file"), RT_EIO);
    assert_int_equal(errno, ENOENT);
    assert_null(m.data);
    assert_int_equal(rt_map_open(&m, NULL), RT_EINVAL);
    rt_map_close(NULL);
}

static void pipe_falls_back_to_heap(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "through a pipe", 14), 14);
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    rt_map m;
    assert_int_equal(rt_map_open(&m, "-"), 0);
    assert_int_equal(m.len, 14);
    assert_memory_equal(m.data, "through a pipe", 14);
    assert_int_equal(m.maplen_, 0);
    rt_map_close(&m);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(maps_file),
        cmocka_unit_test(errors),
        cmocka_unit_test(pipe_falls_back_to_heap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
