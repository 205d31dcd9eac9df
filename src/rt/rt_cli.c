/*
 * Helpers every program shares: the common options, number parsing, the
 * resource footer and a progress line.
 *
 * Programs keep their own getopt_long loop (their options differ) and hand
 * each option to rt_cli_common_opt first; RT_CLI_SHORTOPTS and
 * RT_CLI_LONGOPTS in rt.h give the matching table entries.
 */
#include "kindred/rt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_THREADS 1024
#define DEFAULT_MAX_THREADS 16
#define PROGRESS_NS 200000000u /* five updates per second at most */

void rt_cli_common_init(rt_cli_common *co)
{
    memset(co, 0, sizeof *co);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    co->threads = n < DEFAULT_MAX_THREADS ? (int)n : DEFAULT_MAX_THREADS;
    co->start_ns = rt_now_ns();
    co->start_cpu = rt_cpu_seconds();
}

int rt_cli_parse_int(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s)
        return RT_EINVAL;
    /* strtol accepts leading blanks and '+'; a number on a command line
     * should be just digits (and a minus sign where negatives make sense). */
    if (!(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
        return RT_EINVAL;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0')
        return RT_EINVAL;
    if (errno == ERANGE || v < lo || v > hi)
        return RT_ERANGE;
    *out = v;
    return RT_OK;
}

int rt_cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !(s[0] >= '0' && s[0] <= '9'))
        return RT_EINVAL;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0')
        return RT_EINVAL;
    if (errno == ERANGE || v > UINT64_MAX)
        return RT_ERANGE;
    *out = (uint64_t)v;
    return RT_OK;
}

int rt_cli_common_opt(rt_cli_common *co, int opt, const char *arg)
{
    long v;
    int rc;
    switch (opt) {
    case 'h':
        co->help = 1;
        return 1;
    case RT_CLI_OPT_VERSION:
        co->version = 1;
        return 1;
    case RT_CLI_OPT_FOOTER:
        co->footer = 1;
        return 1;
    case 'v':
        if (!arg) {
            co->verbose++;
            return 1;
        }
        /* getopt hands "-vvv" to us as 'v' with argument "vv". */
        if (arg[strspn(arg, "v")] == '\0') {
            co->verbose += 1 + (int)strlen(arg);
            return 1;
        }
        rc = rt_cli_parse_int(arg, 0, 9, &v);
        if (rc != 0)
            return rc;
        co->verbose = (int)v;
        return 1;
    case 't':
    case '@':
        rc = rt_cli_parse_int(arg, 1, MAX_THREADS, &v);
        if (rc != 0)
            return rc;
        co->threads = (int)v;
        return 1;
    default:
        return 0;
    }
}

int rt_cli_log_level(const rt_cli_common *co)
{
    int lv = RT_LOG_WARN + co->verbose;
    return lv > RT_LOG_DEBUG ? RT_LOG_DEBUG : lv;
}

void rt_cli_footer(const rt_cli_common *co, const char *tag, FILE *f)
{
    double real = (double)(rt_now_ns() - co->start_ns) * 1e-9;
    double cpu = rt_cpu_seconds() - co->start_cpu;
    double gb = (double)rt_peak_rss_bytes() / (1024.0 * 1024.0 * 1024.0);
    fprintf(f ? f : stderr, "[%s] Real time: %.3f s; CPU: %.3f s; Peak RSS: %.3f GB\n",
            tag ? tag : "kindred", real, cpu, gb);
}

void rt_progress_init(rt_progress *p, const char *label, uint64_t total, FILE *f)
{
    p->label = label ? label : "";
    p->total = total;
    p->last_ns = 0;
    p->f = f ? f : stderr;
    p->enabled = isatty(fileno(p->f));
}

void rt_progress_update(rt_progress *p, uint64_t done)
{
    if (!p->enabled)
        return;
    uint64_t now = rt_now_ns();
    if (p->last_ns != 0 && now - p->last_ns < PROGRESS_NS)
        return;
    p->last_ns = now ? now : 1; /* 0 means "nothing shown yet" */
    if (p->total)
        fprintf(p->f, "\r[%s] %llu / %llu (%.1f%%)", p->label, (unsigned long long)done,
                (unsigned long long)p->total, 100.0 * (double)done / (double)p->total);
    else
        fprintf(p->f, "\r[%s] %llu", p->label, (unsigned long long)done);
    fflush(p->f);
}

void rt_progress_done(rt_progress *p)
{
    if (!p->enabled || p->last_ns == 0)
        return;
    fputs("\r\033[K", p->f); /* erase the line so later output starts clean */
    fflush(p->f);
    p->last_ns = 0;
}
