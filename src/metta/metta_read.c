/*
 * The reader: MeTTa text to atoms, with the reference tokenizer.
 *
 * Tokens are split only by whitespace, parentheses and `;` comments, so
 * `&self`, `->` and `+` are ordinary one-token symbols. A token is then
 * classified:
 *
 *   "..."                    string (escapes \n \t \r \0 \\ \" \')
 *   [-+]?D+                  64-bit integer (a symbol if it overflows)
 *   [-+]?D+.D+ | ...e[-+]?D+ double
 *   True / False             Bool
 *   $name                    variable (one per name per top-level atom)
 *   anything else            symbol
 *
 * A top-level `!` followed by whitespace or `(` marks an atom to evaluate;
 * `!name` is a symbol, as in the reference. Nesting uses an explicit stack,
 * so any depth is read without recursion.
 */
#include "metta/metta_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

static int is_delim(char c)
{
    return isspace((unsigned char)c) || c == '(' || c == ')' || c == ';';
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* 1 = integer, 2 = float, 0 = neither */
static int num_class(const char *t, size_t n)
{
    size_t i = 0;
    if (i < n && (t[i] == '-' || t[i] == '+'))
        i++;
    size_t d0 = i;
    while (i < n && isdigit((unsigned char)t[i]))
        i++;
    if (i == d0)
        return 0;
    if (i == n)
        return 1;
    int isf = 0;
    if (t[i] == '.') {
        size_t f0 = ++i;
        while (i < n && isdigit((unsigned char)t[i]))
            i++;
        if (i == f0)
            return 0;
        isf = 1;
        if (i == n)
            return 2;
    }
    if (t[i] == 'e' || t[i] == 'E') {
        i++;
        if (i < n && (t[i] == '-' || t[i] == '+'))
            i++;
        if (!all_digits(t + i, n - i))
            return 0;
        return 2;
    }
    (void)isf;
    return 0;
}

static int unescape(const char *s, size_t n, rt_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n) {
            char e = s[++i];
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '0': c = 0; break;
            default: c = e; break;
            }
        }
        if (rt_buf_putc(out, (uint8_t)c) != 0)
            return RT_ENOMEM;
    }
    return 0;
}

ma *mr_token(metta *mt, const char *tok, size_t n)
{
    if (n >= 2 && tok[0] == '"' && tok[n - 1] == '"') {
        rt_buf b = {0};
        if (unescape(tok + 1, n - 2, &b) != 0) {
            rt_vec_free(&b);
            return NULL;
        }
        ma *a = ma_str(mt, b.v ? (const char *)b.v : "", b.n);
        rt_vec_free(&b);
        return a;
    }
    int nc = num_class(tok, n);
    if (nc) {
        char buf[128];
        if (n < sizeof buf) {
            memcpy(buf, tok, n);
            buf[n] = 0;
            char *end;
            errno = 0;
            if (nc == 1) {
                long long v = strtoll(buf, &end, 10);
                if (errno == 0 && *end == 0)
                    return ma_int(mt, v);
            } else {
                double v = strtod(buf, &end);
                if (*end == 0)
                    return ma_flt(mt, v);
            }
        }
    }
    if (n == 4 && memcmp(tok, "True", 4) == 0)
        return mt->t_true;
    if (n == 5 && memcmp(tok, "False", 5) == 0)
        return mt->t_false;
    return ma_sym(mt, tok, n);
}

static void set_err(mr_reader *r, size_t off, const char *msg, metta_error *err)
{
    if (!err)
        return;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < off && i < r->len; i++) {
        if (r->text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    err->line = line;
    err->col = col;
    snprintf(err->msg, sizeof err->msg, "%s", msg);
}

static size_t skip_blank(const char *t, size_t len, size_t i)
{
    for (;;) {
        while (i < len && isspace((unsigned char)t[i]))
            i++;
        if (i < len && t[i] == ';') {
            while (i < len && t[i] != '\n')
                i++;
            continue;
        }
        return i;
    }
}

/* End of the token starting at i (strings run to their closing quote). */
static int token_end(const char *t, size_t len, size_t i, size_t *end)
{
    if (t[i] == '"') {
        size_t j = i + 1;
        while (j < len && t[j] != '"') {
            if (t[j] == '\\')
                j++;
            j++;
        }
        if (j >= len)
            return RT_ESYNTAX;
        *end = j + 1;
        return 0;
    }
    size_t j = i;
    while (j < len && !is_delim(t[j]))
        j++;
    *end = j;
    return 0;
}

static ma *reader_var(mr_reader *r, const char *name, size_t n)
{
    ma *s = ma_sym(r->mt, name, n);
    if (!s)
        return NULL;
    uint32_t id = ma_sym_id(s);
    for (size_t i = 0; i < r->vars.n; i++)
        if (r->vars.v[i].name == id)
            return r->vars.v[i].var;
    ma *v = ma_var_new(r->mt, id);
    if (!v)
        return NULL;
    struct mr_var e = {id, v};
    if (rt_vec_push(&r->vars, e) != 0)
        return NULL;
    return v;
}

int mr_next(mr_reader *r, ma **out, int *bang, int *found, size_t *start, metta_error *err)
{
    const char *t = r->text;
    size_t len = r->len;
    size_t i = skip_blank(t, len, r->pos);
    *found = 0;
    *bang = 0;
    r->vars.n = 0;
    if (i >= len) {
        r->pos = i;
        return 0;
    }
    *start = i;
    if (t[i] == '!' && (i + 1 >= len || t[i + 1] == '(' || isspace((unsigned char)t[i + 1]))) {
        *bang = 1;
        i = skip_blank(t, len, i + 1);
        if (i >= len) {
            set_err(r, i, "expected an atom after '!'", err);
            return RT_ESYNTAX;
        }
    }
    RT_VEC(ma *) items = {0};
    RT_VEC(size_t) opens = {0};
    RT_VEC(size_t) openpos = {0};
    int rc = 0;
    ma *result = NULL;
    for (;;) {
        i = skip_blank(t, len, i);
        if (i >= len) {
            set_err(r, opens.n ? openpos.v[opens.n - 1] : i, "unclosed '('", err);
            rc = RT_ESYNTAX;
            goto done;
        }
        char c = t[i];
        ma *a = NULL;
        if (c == '(') {
            if (rt_vec_push(&opens, items.n) || rt_vec_push(&openpos, i)) {
                rc = RT_ENOMEM;
                goto done;
            }
            i++;
            continue;
        }
        if (c == ')') {
            if (opens.n == 0) {
                set_err(r, i, "unexpected ')'", err);
                rc = RT_ESYNTAX;
                goto done;
            }
            size_t s0 = opens.v[--opens.n];
            openpos.n--;
            size_t n = items.n - s0;
            a = ma_expr(r->mt, (uint32_t)n);
            if (!a) {
                rc = RT_ENOMEM;
                goto done;
            }
            for (size_t k = 0; k < n; k++)
                MA_ITEMS(a)[k] = items.v[s0 + k];
            items.n = s0;
            i++;
        } else {
            size_t e;
            if (token_end(t, len, i, &e) != 0) {
                set_err(r, i, "unterminated string", err);
                rc = RT_ESYNTAX;
                goto done;
            }
            if (c == '$') {
                if (e - i < 2) {
                    set_err(r, i, "variable without a name", err);
                    rc = RT_ESYNTAX;
                    goto done;
                }
                a = reader_var(r, t + i + 1, e - i - 1);
            } else {
                a = mr_token(r->mt, t + i, e - i);
            }
            if (!a) {
                rc = RT_ENOMEM;
                goto done;
            }
            i = e;
        }
        if (opens.n == 0) {
            result = a;
            break;
        }
        if (rt_vec_push(&items, a)) {
            rc = RT_ENOMEM;
            goto done;
        }
    }
    r->pos = i;
    *out = result;
    *found = 1;
done:
    rt_vec_free(&items);
    rt_vec_free(&opens);
    rt_vec_free(&openpos);
    return rc;
}

void mr_fini(mr_reader *r)
{
    rt_vec_free(&r->vars);
}

int mr_skip(const char *t, size_t len, size_t *pos, int *bang, size_t *start)
{
    size_t i = skip_blank(t, len, *pos);
    *bang = 0;
    if (i >= len) {
        *pos = i;
        *start = i;
        return 0;
    }
    *start = i;
    if (t[i] == '!' && (i + 1 >= len || t[i + 1] == '(' || isspace((unsigned char)t[i + 1])))
        *bang = 1;
    size_t depth = 0;
    if (*bang)
        i = skip_blank(t, len, i + 1);
    for (;;) {
        i = skip_blank(t, len, i);
        if (i >= len)
            return RT_ESYNTAX;
        if (t[i] == '(') {
            depth++;
            i++;
        } else if (t[i] == ')') {
            if (depth == 0)
                return RT_ESYNTAX;
            depth--;
            i++;
        } else {
            size_t e;
            if (token_end(t, len, i, &e) != 0)
                return RT_ESYNTAX;
            i = e;
        }
        if (depth == 0)
            break;
    }
    *pos = i;
    return 1;
}
