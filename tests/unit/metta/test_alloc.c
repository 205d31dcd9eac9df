/* metta under allocation failure: every allocation of interpreter set-up,
 * reading, loading and evaluation is made to fail in turn; each run must
 * end with RT_ENOMEM (or succeed once the failure point is past the last
 * allocation), never crash, and leak nothing (checked by the ASan build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "kindred/metta.h"

static const char *const PROG =
    "(= (fib $n) (if (< $n 2) $n (+ (fib (- $n 1)) (fib (- $n 2)))))\n"
    "(edge 1 2)\n(edge 2 3)\n(: f (-> Number Number))\n(= (f $x) (* $x 2))\n"
    "!(fib 8)\n"
    "!(match &self (, (edge $a $b) (edge $b $c)) ($a $c))\n"
    "!(assertEqual (collapse (superpose (1 2))) (1 2))\n"
    "!(let $x (new-state 1) (get-state (change-state! $x (f 4))))\n"
    "!(map-atom (1 2 3) $v (+ $v 1))\n"
    "!(case (superpose (a b)) ((a 1) ($_ 2)))\n"
    "!(bind! &s (new-space))\n!(add-atom &s (x y))\n!(get-atoms &s)\n";

typedef struct sink {
    char text[512];
} sink;

static int collect(void *ctx, const metta_result *r)
{
    sink *s = ctx;
    size_t have = strlen(s->text);
    if (have + r->len + 2 < sizeof s->text) {
        memcpy(s->text + have, r->text, r->len);
        s->text[have + r->len] = '|';
        s->text[have + r->len + 1] = 0;
    }
    return 0;
}

static int run_once(sink *s)
{
    metta *mt = NULL;
    s->text[0] = 0;
    int rc = metta_new(&mt, NULL, NULL, stdout);
    if (rc == 0) {
        metta_error err;
        rc = metta_run(mt, PROG, strlen(PROG), collect, s, NULL, &err);
        metta_free(mt);
    }
    return rc;
}

static void test_every_failure_point(void **state)
{
    (void)state;
    sink ok;
    rt_alloc_fail_after(-1);
    assert_int_equal(run_once(&ok), 0);
    assert_string_equal(ok.text, "[21]|[(1 3)]|[()]|[8]|[(2 3 4)]|[1, 2]|[()]|[()]|[(x y)]|");
    long n;
    for (n = 0; n < 100000; n++) {
        sink s;
        rt_alloc_fail_after(n);
        int rc = run_once(&s);
        rt_alloc_fail_after(-1);
        if (rc == 0) {
            assert_string_equal(s.text, ok.text);
            break;
        }
        assert_int_equal(rc, RT_ENOMEM);
    }
    assert_true(n > 10 && n < 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_failure_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
