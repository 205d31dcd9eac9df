/*
 * Loading other files: (import! SPACE NAME) and (include NAME).
 *
 * NAME (a symbol or a string, with or without the .metta suffix) is looked
 * up in the interpreter's base directory. The file runs as a program whose
 * `&self` is the target space: its plain atoms are added there and its `!`
 * atoms are evaluated silently. import! into a token that is not bound yet
 * (`!(import! &m lib)`) creates a new space and binds the token to it, as
 * the reference does; include loads into the calling context's space.
 * This is the file-loading core of the reference's module system, without
 * module dependencies, catalogs or packages.
 */
#include "metta/metta_int.h"

#include <stdio.h>
#include <stdlib.h>

#define ARG(i) (MA_ITEMS(call)[(i)])
#define NARGS (call->nptr - 1)

/* An import runs a new machine on the C stack of the step that called it,
 * which may itself be up to 48 in-place continuations deep (metta_eval.c):
 * bounding the nesting bounds the C stack (a few MiB at most). */
enum { IMPORT_DEPTH_MAX = 16 };

static int read_text(const char *path, char **out, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return RT_EIO;
    rt_buf b = {0};
    char tmp[65536];
    size_t k;
    int rc = 0;
    while (rc == 0 && (k = fread(tmp, 1, sizeof tmp, f)) > 0)
        rc = rt_buf_append(&b, tmp, k);
    if (rc == 0 && ferror(f))
        rc = RT_EIO;
    fclose(f);
    if (rc == 0)
        rc = rt_buf_putc(&b, 0);
    if (rc) {
        rt_vec_free(&b);
        return rc;
    }
    *out = (char *)b.v;
    *n = b.n - 1;
    return 0;
}

/* Run file NAME into space sp; msg gets a static reason on failure. */
static int load_into(metta *mt, uint32_t sp, ma *name, const char **msg)
{
    const char *nm;
    if (name->kind == MA_SYM)
        nm = MA_NAME(name);
    else if (name->kind == MA_STR)
        nm = MA_STRV(name);
    else {
        *msg = "expected a module name";
        return RT_EINVAL;
    }
    if (mt->import_depth >= IMPORT_DEPTH_MAX) {
        *msg = "import nesting too deep";
        return RT_ELIMIT;
    }
    size_t nl = strlen(nm);
    int has_ext = nl > 6 && strcmp(nm + nl - 6, ".metta") == 0;
    rt_buf path = {0};
    int rc = rt_buf_printf(&path, "%s/%s%s", mt->base_dir ? mt->base_dir : ".", nm,
                           has_ext ? "" : ".metta");
    char *text = NULL;
    size_t len = 0;
    if (rc == 0)
        rc = read_text((const char *)path.v, &text, &len);
    rt_vec_free(&path);
    if (rc) {
        *msg = rc == RT_EIO ? "module file not found" : "out of memory";
        return rc;
    }
    metta_error err = {0};
    mt->import_depth++;
    rc = mrun_text(mt, sp, text, len, NULL, NULL, NULL, &err);
    mt->import_depth--;
    rt_free(text);
    if (rc == RT_ESYNTAX)
        *msg = "syntax error in module";
    else if (rc)
        *msg = rt_strerror(rc);
    return rc;
}

static int n_import(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    metta *mt = m->mt;
    if (NARGS != 2)
        return ml_noreduce(m, cur, call);
    ma *dst = ARG(1);
    uint32_t sp;
    if (dst->kind == MA_SPACE) {
        sp = dst->extra;
    } else if (dst->kind == MA_SYM) {
        int rc = msp_new(mt, &sp);
        ma *a = rc == 0 ? ma_space(mt, sp) : NULL;
        if (!a)
            return m->err = RT_ENOMEM;
        mt->syms.v[dst->extra].token = a;
    } else {
        return ml_error(m, cur, call, "import! expects a space or a token as its first argument");
    }
    const char *msg = NULL;
    int rc = load_into(mt, sp, ARG(2), &msg);
    if (rc == RT_ENOMEM)
        return m->err = rc;
    if (rc)
        return ml_error(m, cur, call, msg);
    return mm_ret(m, cur, mt->t_unit, cur->b);
}

static int n_include(metta_m *m, ml_alt *cur, ma *call, ma *type)
{
    (void)type;
    if (NARGS != 1)
        return ml_noreduce(m, cur, call);
    const char *msg = NULL;
    int rc = load_into(m->mt, cur->space, ARG(1), &msg);
    if (rc == RT_ENOMEM)
        return m->err = rc;
    if (rc)
        return ml_error(m, cur, call, msg);
    return mm_ret(m, cur, m->mt->t_unit, cur->b);
}

int ml_install_mod(metta *mt)
{
    int rc = 0;
    rc |= ml_def(mt, "import!", n_import, "(-> Atom Atom (->))");
    rc |= ml_def(mt, "include", n_include, "(-> Atom (->))");
    return rc ? RT_ENOMEM : 0;
}
