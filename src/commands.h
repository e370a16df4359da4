/*
 * Subcommands of the landed program.  Each takes the arguments after its
 * own name (argv[0] is the subcommand name) and returns the process exit
 * status documented in landed(1).
 */
#ifndef LANDED_COMMANDS_H
#define LANDED_COMMANDS_H

/* Exit statuses shared by the subcommands. */
enum ld_exit {
	LD_EXIT_OK = 0,
	LD_EXIT_MATCHED = 1,	/* check: --fail-on matched; parse: a field had an error */
	LD_EXIT_USAGE = 2,	/* usage, configuration or I/O error */
	LD_EXIT_ACCOUNT = 3,	/* check: at least one account could not be checked */
};

int ld_cmd_check(int argc, char **argv);
int ld_cmd_parse(int argc, char **argv);
int ld_cmd_providers(int argc, char **argv);
int ld_cmd_report(int argc, char **argv);

#endif
