/* mork expression bytes: MORK's layout, escapes beyond its limits, the
 * validator and the printer. Expected bytes follow the published MORK
 * layout (arity 00..3F, VarRef 80..BF, NewVar C0, symbol C1..FF). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/mork.h"

static void parse_ok(const char *text, rt_buf *out)
{
    mork_perr err = {0};
    out->n = 0;
    int rc = mork_parse_one(text, strlen(text), out, &err);
    if (rc)
        fail_msg("parse of '%s' failed: %s at %zu:%zu", text, err.msg ? err.msg : "?", err.line,
                 err.col);
}

static void expect_bytes(const char *text, const uint8_t *want, size_t n)
{
    rt_buf b = {0};
    parse_ok(text, &b);
    assert_int_equal(b.n, n);
    assert_memory_equal(b.v, want, n);
    rt_vec_free(&b);
}

static void mork_layout_examples(void **state)
{
    (void)state;
    static const uint8_t edge[] = {0x03, 0xC4, 'e', 'd', 'g', 'e', 0xC1, '1', 0xC1, '2'};
    expect_bytes("(edge 1 2)", edge, sizeof edge);
    static const uint8_t foo[] = {0x03, 0xC3, 'f', 'o', 'o', 0xC0, 0x80};
    expect_bytes("(foo $x $x)", foo, sizeof foo);
    static const uint8_t unit[] = {0x00};
    expect_bytes("()", unit, 1);
    static const uint8_t sym[] = {0xC1, 'a'};
    expect_bytes("a", sym, 2);
    static const uint8_t var[] = {0xC0};
    expect_bytes("$only", var, 1);
    /* (f $x (g $y $x)): second var is C0, ref to the first is 80 */
    static const uint8_t nest[] = {0x03, 0xC1, 'f', 0xC0, 0x03, 0xC1, 'g', 0xC0, 0x80};
    expect_bytes("(f $x (g $y $x))", nest, sizeof nest);
}

static void alpha_equivalent_same_bytes(void **state)
{
    (void)state;
    rt_buf a = {0}, b = {0};
    parse_ok("(f $x $y $x (g $y))", &a);
    parse_ok("(f $p $q $p (g $q))", &b);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.v, b.v, a.n);
    parse_ok("(f $p $q $q (g $q))", &b);
    assert_true(a.n != b.n || memcmp(a.v, b.v, a.n) != 0);
    rt_vec_free(&a);
    rt_vec_free(&b);
}

/* "(x x x ... x)" with n children. */
static char *list_of(size_t n, const char *item)
{
    size_t il = strlen(item), len = 2 + n * (il + 1);
    char *s = malloc(len + 1);
    size_t k = 0;
    s[k++] = '(';
    for (size_t i = 0; i < n; i++) {
        if (i)
            s[k++] = ' ';
        memcpy(s + k, item, il);
        k += il;
    }
    s[k++] = ')';
    s[k] = 0;
    return s;
}

static void arity_escape(void **state)
{
    (void)state;
    rt_buf b = {0};
    char *s63 = list_of(63, "a");
    parse_ok(s63, &b);
    assert_int_equal(b.v[0], 0x3F);
    assert_int_equal(b.n, 1 + 63 * 2);
    char *s64 = list_of(64, "a");
    parse_ok(s64, &b);
    static const uint8_t hdr[] = {0x40, 0, 0, 0, 64, 0xC1, 'a'};
    assert_memory_equal(b.v, hdr, sizeof hdr);
    assert_int_equal(b.n, 5 + 64 * 2);
    size_t span;
    assert_int_equal(mork_expr_span(b.v, b.n, &span, NULL), RT_OK);
    assert_int_equal(span, b.n);
    /* The printer restores the text exactly. */
    rt_buf t = {0};
    assert_int_equal(mork_expr_print(&t, b.v, b.n), RT_OK);
    assert_int_equal(t.n, strlen(s64));
    assert_memory_equal(t.v, s64, t.n);
    /* 1000 children nested inside another expression. */
    char *s1000 = list_of(1000, "(q)");
    char *wrapped = malloc(strlen(s1000) + 16);
    sprintf(wrapped, "(w %s z)", s1000);
    parse_ok(wrapped, &b);
    static const uint8_t whdr[] = {0x03, 0xC1, 'w', 0x40, 0, 0, 0x03, 0xE8, 0x01, 0xC1, 'q'};
    assert_memory_equal(b.v, whdr, sizeof whdr);
    t.n = 0;
    assert_int_equal(mork_expr_print(&t, b.v, b.n), RT_OK);
    assert_int_equal(t.n, strlen(wrapped));
    assert_memory_equal(t.v, wrapped, t.n);
    free(s63);
    free(s64);
    free(s1000);
    free(wrapped);
    rt_vec_free(&b);
    rt_vec_free(&t);
}

static void symbol_escape_no_truncation(void **state)
{
    (void)state;
    rt_buf b = {0};
    char s[400];
    memset(s, 'k', 63);
    s[63] = 0;
    parse_ok(s, &b);
    assert_int_equal(b.n, 64);
    assert_int_equal(b.v[0], 0xFF);
    memset(s, 'k', 64);
    s[64] = 0;
    parse_ok(s, &b);
    assert_int_equal(b.n, 5 + 64);
    static const uint8_t h64[] = {0x41, 0, 0, 0, 64};
    assert_memory_equal(b.v, h64, 5);
    /* The case upstream is reported to get wrong: 302 bytes, not 302 & 63. */
    memset(s, 'z', 302);
    s[302] = 0;
    parse_ok(s, &b);
    static const uint8_t h302[] = {0x41, 0, 0, 0x01, 0x2E};
    assert_memory_equal(b.v, h302, 5);
    assert_int_equal(b.n, 5 + 302);
    rt_buf t = {0};
    assert_int_equal(mork_expr_print(&t, b.v, b.n), RT_OK);
    assert_int_equal(t.n, 302);
    assert_memory_equal(t.v, s, 302);
    rt_vec_free(&b);
    rt_vec_free(&t);
}

static void many_variables(void **state)
{
    (void)state;
    /* (f $v0 ... $v69 $v69 $v63 $v0): refs to 69 and 63 and 0 */
    char text[2048];
    size_t k = (size_t)sprintf(text, "(f");
    for (int i = 0; i < 70; i++)
        k += (size_t)sprintf(text + k, " $n%d", i);
    sprintf(text + k, " $n69 $n63 $n0)");
    rt_buf b = {0};
    parse_ok(text, &b);
    /* header: arity 74 escaped, f, 70 NewVars, then the three refs */
    assert_int_equal(b.v[0], 0x40);
    assert_int_equal(b.v[4], 74);
    for (int i = 0; i < 70; i++)
        assert_int_equal(b.v[7 + i], 0xC0);
    static const uint8_t refs[] = {0x42, 0, 0, 0, 69, 0xBF, 0x80};
    assert_int_equal(b.n, 7 + 70 + sizeof refs);
    assert_memory_equal(b.v + 77, refs, sizeof refs);
    uint32_t nv = 0;
    size_t span;
    assert_int_equal(mork_expr_span(b.v, b.n, &span, &nv), RT_OK);
    assert_int_equal(nv, 70);
    rt_vec_free(&b);
}

static void validator_rejects(void **state)
{
    (void)state;
    size_t span;
    static const uint8_t trunc[] = {0x03, 0xC4, 'e', 'd'};
    assert_int_equal(mork_expr_span(trunc, sizeof trunc, &span, NULL), RT_EFORMAT);
    static const uint8_t missing[] = {0x02, 0xC1, 'a'};
    assert_int_equal(mork_expr_span(missing, sizeof missing, &span, NULL), RT_EFORMAT);
    static const uint8_t badtag[] = {0x43};
    assert_int_equal(mork_expr_span(badtag, 1, &span, NULL), RT_EFORMAT);
    static const uint8_t badtag2[] = {0x7F};
    assert_int_equal(mork_expr_span(badtag2, 1, &span, NULL), RT_EFORMAT);
    static const uint8_t early_ref[] = {0x02, 0xC0, 0x81};
    assert_int_equal(mork_expr_span(early_ref, sizeof early_ref, &span, NULL), RT_EFORMAT);
    static const uint8_t noncanon[] = {0x40, 0, 0, 0, 5, 0, 0, 0, 0, 0};
    assert_int_equal(mork_expr_span(noncanon, sizeof noncanon, &span, NULL), RT_EFORMAT);
    static const uint8_t huge[] = {0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};
    assert_int_equal(mork_expr_span(huge, sizeof huge, &span, NULL), RT_EFORMAT);
    assert_int_equal(mork_expr_span(trunc, 0, &span, NULL), RT_EFORMAT);
    /* trailing bytes are not part of the span */
    static const uint8_t two[] = {0xC1, 'a', 0xC1, 'b'};
    assert_int_equal(mork_expr_span(two, sizeof two, &span, NULL), RT_OK);
    assert_int_equal(span, 2);
}

static void builders_match_parser(void **state)
{
    (void)state;
    rt_buf a = {0}, b = {0};
    assert_int_equal(mork_enc_arity(&a, 4), RT_OK);
    assert_int_equal(mork_enc_symbol(&a, "rule", 4), RT_OK);
    assert_int_equal(mork_enc_newvar(&a), RT_OK);
    assert_int_equal(mork_enc_arity(&a, 0), RT_OK);
    assert_int_equal(mork_enc_varref(&a, 0), RT_OK);
    parse_ok("(rule $x () $x)", &b);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.v, b.v, a.n);
    assert_int_equal(mork_enc_symbol(&a, "", 0), RT_EINVAL);
    a.n = 0;
    assert_int_equal(mork_enc_varref(&a, 64), RT_OK);
    static const uint8_t x[] = {0x42, 0, 0, 0, 64};
    assert_memory_equal(a.v, x, 5);
    rt_vec_free(&a);
    rt_vec_free(&b);
}

static void printer_names_and_roundtrip(void **state)
{
    (void)state;
    static const char *cases[] = {
        "(edge 1 2)",
        "(f $a $b $a)",
        "()",
        "(())",
        "(a (b (c ()) d) \"str with ( spaces\" $a)",
        "(= (rule 12) result-12)",
        "sym",
        "$a",
        "(, (edge $a $b) (edge $b $c))",
    };
    rt_buf b = {0}, t = {0}, b2 = {0};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        parse_ok(cases[i], &b);
        t.n = 0;
        assert_int_equal(mork_expr_print(&t, b.v, b.n), RT_OK);
        assert_int_equal(t.n, strlen(cases[i]));
        assert_memory_equal(t.v, cases[i], t.n);
    }
    /* Names are canonical: $x $y print as $a $b; the 27th var is $v26. */
    parse_ok("(g $x $y $x)", &b);
    t.n = 0;
    assert_int_equal(mork_expr_print(&t, b.v, b.n), RT_OK);
    assert_int_equal(t.n, strlen("(g $a $b $a)"));
    assert_memory_equal(t.v, "(g $a $b $a)", t.n);
    char text[512];
    size_t k = (size_t)sprintf(text, "(h");
    for (int i = 0; i < 28; i++)
        k += (size_t)sprintf(text + k, " $q%d", i);
    sprintf(text + k, ")");
    parse_ok(text, &b);
    t.n = 0;
    assert_int_equal(mork_expr_print(&t, b.v, b.n), RT_OK);
    assert_int_equal(rt_buf_putc(&t, 0), RT_OK);
    assert_non_null(strstr((char *)t.v, " $z $v26 $v27)"));
    /* and the canonical text parses back to the same bytes */
    b2.n = 0;
    assert_int_equal(mork_parse_one((char *)t.v, t.n - 1, &b2, NULL), RT_OK);
    assert_int_equal(b2.n, b.n);
    assert_memory_equal(b2.v, b.v, b.n);
    rt_vec_free(&b);
    rt_vec_free(&b2);
    rt_vec_free(&t);
}

static void deep_nesting_no_recursion(void **state)
{
    (void)state;
    size_t depth = 200000;
    char *s = malloc(2 * depth + 2);
    for (size_t i = 0; i < depth; i++) {
        s[i] = '(';
        s[depth + 1 + i] = ')';
    }
    s[depth] = 'x';
    s[2 * depth + 1] = 0;
    rt_buf b = {0}, t = {0};
    parse_ok(s, &b);
    assert_int_equal(b.n, depth + 2);
    assert_int_equal(mork_expr_print(&t, b.v, b.n), RT_OK);
    assert_int_equal(t.n, 2 * depth + 1);
    assert_memory_equal(t.v, s, t.n);
    free(s);
    rt_vec_free(&b);
    rt_vec_free(&t);
}

static void printer_rejects_malformed(void **state)
{
    (void)state;
    rt_buf t = {0};
    static const uint8_t bad[] = {0x02, 0xC1};
    assert_int_equal(mork_expr_print(&t, bad, sizeof bad), RT_EFORMAT);
    assert_int_equal(t.n, 0);
    rt_vec_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mork_layout_examples),
        cmocka_unit_test(alpha_equivalent_same_bytes),
        cmocka_unit_test(arity_escape),
        cmocka_unit_test(symbol_escape_no_truncation),
        cmocka_unit_test(many_variables),
        cmocka_unit_test(validator_rejects),
        cmocka_unit_test(builders_match_parser),
        cmocka_unit_test(printer_names_and_roundtrip),
        cmocka_unit_test(deep_nesting_no_recursion),
        cmocka_unit_test(printer_rejects_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
