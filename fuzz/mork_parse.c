/*
 * Fuzz the text parser and the printer: any input must parse or fail with
 * a position inside the text, never crash; every parsed expression must be
 * valid bytes, and printing then re-parsing it must give the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kindred/mork.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    mork_parser *p;
    if (mork_parser_new(&p))
        return 0;
    rt_buf e = {0}, t = {0}, back = {0};
    size_t pos = 0;
    for (;;) {
        int found = 0;
        mork_perr err = {0};
        e.n = 0;
        int rc = mork_parse_next(p, text, size, &pos, &e, &found, &err);
        if (rc) {
            if (rc == RT_ESYNTAX &&
                (err.offset > size || err.line == 0 || err.col == 0 || !err.msg))
                abort();
            break;
        }
        if (!found)
            break;
        size_t span;
        if (mork_expr_span(e.v, e.n, &span, NULL) || span != e.n)
            abort();
        t.n = 0;
        if (mork_expr_print(&t, e.v, e.n))
            abort();
        back.n = 0;
        if (mork_parse_one((const char *)t.v, t.n, &back, NULL))
            abort();
        if (back.n != e.n || memcmp(back.v, e.v, e.n) != 0)
            abort();
        if (pos > size)
            abort();
    }
    rt_vec_free(&e);
    rt_vec_free(&t);
    rt_vec_free(&back);
    mork_parser_free(p);
    return 0;
}
