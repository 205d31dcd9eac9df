/* Argument helpers shared by the commands that compress (create, append):
 * clamped numeric options as the reference tool parses them, the -f
 * fraction, and the -i list of input files. */
#ifndef CAGC_ARGS_H
#define CAGC_ARGS_H

#include "agc/agc_compress.h"
#include "kindred/rt.h"

/* Owned strings; free with cagc_strvec_free. */
typedef RT_VEC(char *) cagc_strvec;

void cagc_strvec_free(cagc_strvec *v);
/* Append a copy of s. RT_ENOMEM. */
int cagc_strvec_push(cagc_strvec *v, const char *s);
/* Append a copy of s unless an equal string is present. RT_ENOMEM. */
int cagc_strvec_push_unique(cagc_strvec *v, const char *s);
/* Add the whitespace-separated names of the file at path, skipping repeats.
 * rt_read_file's errors, RT_ENOMEM. */
int cagc_read_list(const char *path, cagc_strvec *v);

/* Parse an integer option and clamp it to [lo, hi] as the reference tool
 * does; a non-number prints "[cagc] CMD: option OPT needs a number" and
 * returns 1. */
int cagc_opt_long(const char *cmd, const char *opt, const char *arg, long lo, long hi,
                  long *out);
/* The -f fallback fraction, clamped to [0, 0.05]; 1 (with a message) if arg
 * is not a number. */
int cagc_opt_fraction(const char *cmd, const char *arg, double *out);

/* The options create and append share (-t/-@, -v, -c, -i, -o, -a, -d, -f,
 * --footer, --version, -h), handled from inside either command's getopt
 * loop so that both parse them alike. */
enum { CAGC_LOPT_FOOTER = 0x2000, CAGC_LOPT_VERSION, CAGC_LOPT_PANSN };
enum {
    CAGC_OPT_TAKEN, /* recorded; go on */
    CAGC_OPT_EXIT0, /* help or version printed: exit 0 */
    CAGC_OPT_EXIT1, /* message printed: exit 1 */
    CAGC_OPT_OTHER  /* not a shared option: the command's own */
};
typedef struct cagc_build_args {
    const char *cmd;   /* "create" or "append", for messages */
    const char *usage; /* printed by -h (stdout) and unknown options (stderr) */
    agc_create_opts *o;
    int *footer;
    const char *out, *list;
    int verbose;
} cagc_build_args;

int cagc_build_opt(cagc_build_args *a, int c, const char *arg);
/* The logger -v asked for (0: warnings, 1: progress, 2: details), made the
 * compressor's. */
void cagc_build_logger(cagc_build_args *a, rt_logger *lg);

#endif
