/* Argument helpers shared by cagc create and cagc append (cagc_args.h). */
#include "cli/cagc_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cagc_strvec_free(cagc_strvec *v)
{
    for (size_t i = 0; i < v->n; i++)
        rt_free(v->v[i]);
    rt_vec_free(v);
}

int cagc_strvec_push(cagc_strvec *v, const char *s)
{
    char *d = rt_strdup(s);
    if (!d || rt_vec_push(v, d)) {
        rt_free(d);
        return RT_ENOMEM;
    }
    return 0;
}

int cagc_strvec_push_unique(cagc_strvec *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->v[i], s) == 0)
            return 0;
    return cagc_strvec_push(v, s);
}

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int cagc_read_list(const char *path, cagc_strvec *v)
{
    uint8_t *data = NULL;
    size_t len = 0, i = 0;
    int rc = rt_read_file(path, &data, &len);
    while (!rc && i < len) {
        while (i < len && is_space(data[i]))
            i++;
        size_t b = i;
        while (i < len && !is_space(data[i]))
            i++;
        if (i > b) {
            char *w = rt_malloc(i - b + 1);
            if (!w) {
                rc = RT_ENOMEM;
                break;
            }
            memcpy(w, data + b, i - b);
            w[i - b] = 0;
            rc = cagc_strvec_push_unique(v, w);
            rt_free(w);
        }
    }
    rt_free(data);
    return rc;
}

int cagc_opt_long(const char *cmd, const char *opt, const char *arg, long lo, long hi,
                  long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (!*arg || *end) {
        fprintf(stderr, "[cagc] %s: option %s needs a number, not '%s'\n", cmd, opt, arg);
        return 1;
    }
    *out = v < lo ? lo : (v > hi ? hi : v);
    return 0;
}

int cagc_opt_fraction(const char *cmd, const char *arg, double *out)
{
    char *end;
    double f = strtod(arg, &end);
    if (!*arg || *end || f != f) {
        fprintf(stderr, "[cagc] %s: option -f needs a number, not '%s'\n", cmd, arg);
        return 1;
    }
    *out = f < 0 ? 0 : (f > 0.05 ? 0.05 : f);
    return 0;
}

int cagc_build_opt(cagc_build_args *a, int c, const char *arg)
{
    long v;
    switch (c) {
    case 't':
    case '@':
        if (cagc_opt_long(a->cmd, "-t", arg, 1, 1024, &v))
            return CAGC_OPT_EXIT1;
        a->o->threads = (int)v;
        return CAGC_OPT_TAKEN;
    case 'v':
        if (cagc_opt_long(a->cmd, "-v", arg, 0, 2, &v))
            return CAGC_OPT_EXIT1;
        a->verbose = (int)v;
        return CAGC_OPT_TAKEN;
    case 'c':
        a->o->concat = 1;
        return CAGC_OPT_TAKEN;
    case 'i':
        a->list = arg;
        return CAGC_OPT_TAKEN;
    case 'o':
        a->out = arg;
        return CAGC_OPT_TAKEN;
    case 'a':
        a->o->adaptive = 1;
        return CAGC_OPT_TAKEN;
    case 'd': /* format 3 never stores the command line */
        return CAGC_OPT_TAKEN;
    case 'f':
        return cagc_opt_fraction(a->cmd, arg, &a->o->fallback) ? CAGC_OPT_EXIT1
                                                                 : CAGC_OPT_TAKEN;
    case CAGC_LOPT_FOOTER:
        *a->footer = 1;
        return CAGC_OPT_TAKEN;
    case CAGC_LOPT_VERSION:
        printf("cagc %s\n", KINDRED_VERSION);
        return CAGC_OPT_EXIT0;
    case 'h':
        fputs(a->usage, stdout);
        return CAGC_OPT_EXIT0;
    case '?':
        fputs(a->usage, stderr);
        return CAGC_OPT_EXIT1;
    default:
        return CAGC_OPT_OTHER;
    }
}

void cagc_build_logger(cagc_build_args *a, rt_logger *lg)
{
    lg->level = a->verbose == 0 ? RT_LOG_WARN : RT_LOG_INFO + (a->verbose > 1);
    lg->tag = "cagc";
    lg->sink = NULL;
    a->o->lg = lg;
}
