/* cagc subcommands: one entry point per command, called by the dispatcher
 * (cagc.c) with argv[0] = the command name. Each returns the exit status. */
#ifndef KINDRED_CAGC_CMD_H
#define KINDRED_CAGC_CMD_H

int cagc_cmd_create(int argc, char **argv);
int cagc_cmd_append(int argc, char **argv);
int cagc_cmd_listset(int argc, char **argv);
int cagc_cmd_listref(int argc, char **argv);
int cagc_cmd_listctg(int argc, char **argv);
int cagc_cmd_info(int argc, char **argv);
int cagc_cmd_getset(int argc, char **argv);
int cagc_cmd_getctg(int argc, char **argv);
int cagc_cmd_getcol(int argc, char **argv);

#endif /* KINDRED_CAGC_CMD_H */
