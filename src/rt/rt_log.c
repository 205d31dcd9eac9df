/* Leveled logging: one line per message, written with a single fwrite so
 * concurrent loggers do not interleave within a line. */
#include "kindred/rt.h"

#include <stdio.h>

void rt_vlog(const rt_logger *lg, int level, const char *fmt, va_list ap)
{
    if (!lg || level > lg->level)
        return;
    char line[1024];
    int n = snprintf(line, sizeof line, "[%s] ", lg->tag ? lg->tag : "kindred");
    if (n < 0)
        return;
    size_t off = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    int m = vsnprintf(line + off, sizeof line - off, fmt, ap);
    if (m < 0)
        return;
    off += (size_t)m < sizeof line - off ? (size_t)m : sizeof line - off - 1;
    if (off > sizeof line - 2)
        off = sizeof line - 2;
    line[off++] = '\n';
    FILE *f = lg->sink ? lg->sink : stderr;
    fwrite(line, 1, off, f);
    fflush(f);
}

void rt_log(const rt_logger *lg, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rt_vlog(lg, level, fmt, ap);
    va_end(ap);
}
