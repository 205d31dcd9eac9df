/*
 * Parallel bulk load: the space, the expression count and the first error
 * must not depend on the number of threads, including when the speculative
 * cuts land inside multi-line expressions, strings and comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/mork.h"

static int dump_line(void *ctx, const uint8_t *e, size_t n)
{
    rt_buf *out = ctx;
    int rc = mork_expr_print(out, e, n);
    return rc ? rc : rt_buf_putc(out, '\n');
}

/* Load text with t threads: the dump, count of parsed expressions, status. */
static int load(const char *text, size_t len, int t, rt_buf *dump, size_t *nexprs,
                mork_perr *err)
{
    rt_pool *pool = NULL;
    assert_int_equal(rt_pool_create(&pool, t, 0), RT_OK);
    mork_space *s;
    assert_int_equal(mork_space_new(&s), RT_OK);
    /* a space that already holds something: the load must join into it */
    const char *pre = "(pre 1) (edge 5 5)";
    assert_int_equal(mork_space_add_text(s, pre, strlen(pre), NULL, NULL, NULL), RT_OK);
    int rc = mork_space_add_text(s, text, len, pool, nexprs, err);
    dump->n = 0;
    assert_int_equal(mork_space_foreach(s, dump_line, dump), RT_OK);
    mork_space_free(s);
    rt_pool_destroy(pool);
    return rc;
}

/* About 1.5 MB of mixed text; `tricky` adds line starts with '(' inside
 * expressions, strings and comments. */
static rt_buf make_text(int tricky)
{
    rt_buf t = {0};
    uint64_t x = 12345;
    int big_open = 0;
    for (int i = 0; t.n < 1500000; i++) {
        /* tricky: one expression spanning the middle half, every line of
         * it starting with '(' -- cuts at 1/2, 1/3, 2/3 fall inside it */
        if (tricky && !big_open && t.n > 300000) {
            rt_buf_printf(&t, "(big\n");
            big_open = 1;
        } else if (tricky && big_open == 1 && t.n > 1200000) {
            rt_buf_printf(&t, ")\n");
            big_open = 2;
        }
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(x >> 33);
        switch (r % 7) {
        case 0:
            rt_buf_printf(&t, "(edge %u %u)\n", r % 5000, (r >> 8) % 5000);
            break;
        case 1:
            rt_buf_printf(&t, "(fact %d value-%d) ; (not an atom\n", i, i);
            break;
        case 2:
            rt_buf_printf(&t, "(= (rule %d) (result %d $x $y $x))\n", i % 1000, i);
            break;
        case 3:
            if (tricky)
                rt_buf_printf(&t, "(multi %d\n(inner line)\n  (more))\n", i);
            else
                rt_buf_printf(&t, "(multi %d (inner line) (more))\n", i);
            break;
        case 4:
            if (tricky)
                rt_buf_printf(&t, "(s \"text\n(looks like an atom\n\" %d)\n", i % 300);
            else
                rt_buf_printf(&t, "(s \"text %d\")\n", i % 300);
            break;
        case 5:
            rt_buf_printf(&t, "  (indented %u)   (two on a line %u)\n", r % 100, r % 77);
            break;
        default:
            rt_buf_printf(&t, "(edge %u %u)\n", r % 50, r % 7);
            break;
        }
    }
    return t;
}

static void same_for_any_threads(int tricky)
{
    rt_buf text = make_text(tricky);
    rt_buf d1 = {0}, dt = {0};
    size_t n1 = 0, nt = 0;
    mork_perr err;
    assert_int_equal(load((char *)text.v, text.n, 1, &d1, &n1, &err), RT_OK);
    assert_true(n1 > 10000);
    for (int t = 2; t <= 4; t++) {
        assert_int_equal(load((char *)text.v, text.n, t, &dt, &nt, &err), RT_OK);
        assert_int_equal(nt, n1);
        assert_int_equal(dt.n, d1.n);
        assert_memory_equal(dt.v, d1.v, d1.n);
    }
    rt_vec_free(&text);
    rt_vec_free(&d1);
    rt_vec_free(&dt);
}

static void plain_text(void **state)
{
    (void)state;
    same_for_any_threads(0);
}

static void cuts_inside_expressions(void **state)
{
    (void)state;
    same_for_any_threads(1);
}

/* Bulk loads at 1 and 2 threads hold what adding the lines one at a time
 * holds. The text mixes the generator's atoms with keys that tie on many
 * leading bytes (long shared symbol prefixes, numbers that are prefixes of
 * others) and repeats, so the sorting and merging of the bulk path is
 * checked against plain inserts. */
static void same_as_one_at_a_time(void **state)
{
    (void)state;
    rt_buf text = make_text(0);
    uint64_t x = 99;
    for (int i = 0; i < 60000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(x >> 33);
        switch (r % 4) {
        case 0:
            rt_buf_printf(&text, "(a-very-long-shared-symbol-prefix-%u tail)\n", r % 3000);
            break;
        case 1:
            rt_buf_printf(&text, "(n %u %u)\n", r % 1000, (r >> 10) % 10);
            break;
        case 2:
            rt_buf_printf(&text, "(n %u)\n", r % 100);
            break;
        default:
            rt_buf_printf(&text, "(a-very-long-shared-symbol-prefix-%u)\n", r % 50);
            break;
        }
    }
    rt_buf one = {0}, line = {0};
    mork_space *s;
    assert_int_equal(mork_space_new(&s), RT_OK);
    const char *pre = "(pre 1) (edge 5 5)";
    assert_int_equal(mork_space_add_text(s, pre, strlen(pre), NULL, NULL, NULL), RT_OK);
    for (size_t i = 0; i < text.n;) {
        const uint8_t *nl = memchr(text.v + i, '\n', text.n - i);
        size_t e = nl ? (size_t)(nl - text.v) + 1 : text.n;
        assert_int_equal(mork_space_add_text(s, (char *)text.v + i, e - i, NULL, NULL, NULL),
                         RT_OK);
        i = e;
    }
    assert_int_equal(mork_space_foreach(s, dump_line, &one), RT_OK);
    mork_space_free(s);
    mork_perr err;
    size_t n;
    for (int t = 1; t <= 2; t++) {
        assert_int_equal(load((char *)text.v, text.n, t, &line, &n, &err), RT_OK);
        assert_int_equal(line.n, one.n);
        assert_memory_equal(line.v, one.v, one.n);
    }
    rt_vec_free(&one);
    rt_vec_free(&line);
    rt_vec_free(&text);
}

/* The parallel path is really taken: 2 parts parsed, 2 ranges built, and
 * work in every phase. */
static void work_is_split(void **state)
{
    (void)state;
    rt_buf text = make_text(0);
    rt_pool *pool;
    assert_int_equal(rt_pool_create(&pool, 2, 0), RT_OK);
    mork_space *s;
    assert_int_equal(mork_space_new(&s), RT_OK);
    mork_load_stats st;
    memset(&st, 0, sizeof st);
    assert_int_equal(mork_space_add_text_stats(s, (char *)text.v, text.n, pool, NULL, NULL, &st),
                     RT_OK);
    assert_int_equal(st.parts, 2);
    assert_int_equal(st.ranges, 2);
    for (int p = 0; p < MORK_PHASES; p++)
        assert_true(st.cpu_max_ns[p] <= st.cpu_sum_ns[p]);
    assert_true(st.cpu_sum_ns[MORK_PHASE_PARSE] > 0);
    mork_space_free(s);
    rt_pool_destroy(pool);
    rt_vec_free(&text);
}

/* Put an error at the start of the line after each of the given fractions
 * of the text; every thread count must report the first one. */
static void first_error_at(int tricky, double f1, double f2)
{
    rt_buf text = make_text(tricky);
    /* at an "(edge" line: never inside a string */
    rt_buf_putc(&text, 0);
    text.n--;
    const char *base = (const char *)text.v;
    size_t a = (size_t)(strstr(base + (size_t)((double)text.n * f1), "\n(edge ") - base);
    size_t b = (size_t)(strstr(base + (size_t)((double)text.n * f2), "\n(edge ") - base);
    /* "$ " is an error anywhere, even inside an open expression */
    text.v[a + 1] = '$';
    text.v[a + 2] = ' ';
    text.v[b + 1] = '$';
    text.v[b + 2] = ' ';
    size_t line = 1;
    for (size_t i = 0; i <= a; i++)
        line += text.v[i] == '\n';
    rt_buf d = {0};
    for (int t = 1; t <= 4; t++) {
        mork_perr err = {0};
        size_t n;
        assert_int_equal(load((char *)text.v, text.n, t, &d, &n, &err), RT_ESYNTAX);
        assert_int_equal(err.line, line);
        assert_int_equal(err.offset, a + 1);
        /* nothing from the failed text was added */
        rt_buf_putc(&d, 0);
        assert_string_equal((char *)d.v, "(pre 1)\n(edge 5 5)\n");
    }
    rt_vec_free(&d);
    rt_vec_free(&text);
}

static void first_error_wins(void **state)
{
    (void)state;
    first_error_at(0, 1.0 / 3, 5.0 / 6);
}

/* Errors inside the long expression (found by a worker reading past its
 * cut) and after it (found by the owner parsing the rest). */
static void first_error_after_bad_cut(void **state)
{
    (void)state;
    first_error_at(1, 0.55, 0.6);
    first_error_at(1, 0.9, 0.95);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_text),
        cmocka_unit_test(cuts_inside_expressions),
        cmocka_unit_test(same_as_one_at_a_time),
        cmocka_unit_test(work_is_split),
        cmocka_unit_test(first_error_wins),
        cmocka_unit_test(first_error_after_bad_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
