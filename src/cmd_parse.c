#include <stdio.h>

#include "commands.h"

int
ld_cmd_parse(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("landed: parse is not implemented yet\n", stderr);
	return LD_EXIT_USAGE;
}
