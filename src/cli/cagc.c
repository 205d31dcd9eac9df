/* cagc: command dispatcher. Every command lives in its own cagc_*.c file;
 * only this layer (src/cli) exits the process. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cagc_cmd.h"
#include "kindred/rt.h"

/* Stand-ins until the writer's commands are linked in: strong definitions
 * in cagc_create.c replace them. */
__attribute__((weak)) int cagc_cmd_create(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "[cagc] create: not available in this build\n");
    return 1;
}

__attribute__((weak)) int cagc_cmd_append(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "[cagc] append: not available in this build\n");
    return 1;
}

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} cmds[] = {
    {"create", cagc_cmd_create, "create archive from FASTA files"},
    {"append", cagc_cmd_append, "add FASTA files to an archive"},
    {"getcol", cagc_cmd_getcol, "extract all samples"},
    {"getset", cagc_cmd_getset, "extract samples"},
    {"getctg", cagc_cmd_getctg, "extract contigs or ranges"},
    {"listref", cagc_cmd_listref, "print the reference sample name"},
    {"listset", cagc_cmd_listset, "list sample names"},
    {"listctg", cagc_cmd_listctg, "list contig names of samples"},
    {"info", cagc_cmd_info, "show archive parameters (on stderr)"},
};

static void usage(FILE *f)
{
    fprintf(f, "cagc %s: AGC archive tool\nUsage: cagc <command> [options]\nCommands:\n",
            KINDRED_VERSION);
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
    fprintf(f, "Run 'cagc <command> -h' for the options of a command.\n");
}

int main(int argc, char **argv)
{
    /* A closed pipe must become a write error (EPIPE), not a signal. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("cagc %s\n", KINDRED_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "[cagc] Unknown mode: %s\n", argv[1]);
    return 1;
}
