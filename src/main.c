#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "version.h"

static const char usage_text[] =
"usage: landed COMMAND [OPTIONS]\n"
"\n"
"Find test messages in seed mailboxes over IMAP and report where they\n"
"landed (inbox, spam, other, missing, rejected) and what each receiver\n"
"concluded about SPF, DKIM, DMARC and ARC.\n"
"\n"
"commands:\n"
"  check      log into the seed accounts of landed.conf and report placement\n"
"  parse      print the Authentication-Results, ARC-Authentication-Results\n"
"             and Received-SPF fields of a message as JSON\n"
"  providers  list the mail providers landed knows and their IMAP servers\n"
"  report     render a saved JSON report as a table, JSON, CSV, JUnit or HTML\n"
"\n"
"options:\n"
"  --help     show this help\n"
"  --version  show the version\n"
"\n"
"Run 'landed COMMAND --help' for the options of a command.\n";

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return LD_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return LD_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("landed %s\n", LANDED_VERSION);
		return LD_EXIT_OK;
	}
	if (strcmp(argv[1], "check") == 0)
		return ld_cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "parse") == 0)
		return ld_cmd_parse(argc - 1, argv + 1);
	if (strcmp(argv[1], "providers") == 0)
		return ld_cmd_providers(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return ld_cmd_report(argc - 1, argv + 1);

	if (argv[1][0] == '-')
		fprintf(stderr, "landed: unknown option '%s'; run 'landed --help' "
		    "for the options\n", argv[1]);
	else
		fprintf(stderr, "landed: unknown command '%s'; run 'landed --help' "
		    "for the list of commands\n", argv[1]);
	return LD_EXIT_USAGE;
}
