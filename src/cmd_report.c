/*
 * landed report: render a JSON report saved by `landed check --format
 * json` again, in any format.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "plan.h"
#include "report.h"

static const char report_usage[] =
"usage: landed report FILE.json [--format FORMAT] [-o FILE] [--fail-on LIST]\n"
"                     [-v]\n"
"\n"
"Render a report saved with 'landed check --format json' again, from FILE\n"
"or from standard input when FILE is '-'.  Only reports of schema landed/1\n"
"are read.\n"
"\n"
"options:\n"
"  --format FORMAT     table, json, csv, junit or html (default: table)\n"
"  -o, --output FILE   write the report to FILE instead of stdout\n"
"  --fail-on LIST      exit 1 when a result is in one of these classes, and\n"
"                      mark it as a JUnit failure; comma-separated: spam,\n"
"                      missing, rejected, other, error, dmarc-fail,\n"
"                      spf-fail, dkim-fail, auth-unknown\n"
"  -v, --verbose       per-cell details in the table\n"
"  -h, --help          show this help\n"
"\n"
"exit status: as 'landed check' would have exited for the saved results:\n"
"0 nothing matched --fail-on; 1 a result matched --fail-on; 2 usage error,\n"
"or the file cannot be read or is not a landed/1 report; 3 an account in\n"
"the report could not be checked.\n";

struct report_args {
	const char *input;
	const struct ld_report_format *format;
	const char *output;
	struct ld_report_options options;
};

static int
parse_args(int argc, char **argv, struct report_args *args)
{
	enum { OPT_FORMAT = 256, OPT_FAIL_ON };
	static const struct option options[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ld_error err = { 0 };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:vh", options, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			args->format = ld_report_format_find(optarg);
			if (args->format == NULL) {
				fprintf(stderr, "landed report: unknown format "
				    "\"%s\"; use " LD_REPORT_FORMAT_NAMES "\n",
				    optarg);
				return -1;
			}
			break;
		case 'o':
			args->output = optarg;
			break;
		case OPT_FAIL_ON:
			if (ld_plan_parse_fail_on(optarg, &args->options.fail_on,
			    &err) != LD_OK) {
				ld_log_command_error("report", "%s", err.message);
				return -1;
			}
			break;
		case 'v':
			args->options.verbose = 1;
			break;
		case 'h':
			fputs(report_usage, stdout);
			exit(LD_EXIT_OK);
		default:
			fputs("run 'landed report --help' for the options\n", stderr);
			return -1;
		}
	}
	if (optind >= argc) {
		fputs("landed report: no report given; name a JSON file saved "
		    "with 'landed check --format json', or '-' for standard "
		    "input\n", stderr);
		return -1;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "landed report: unexpected argument \"%s\"; "
		    "give one report file\n", argv[optind + 1]);
		return -1;
	}
	args->input = argv[optind];
	if (args->format == NULL)
		args->format = ld_report_format_find("table");
	return 0;
}

/* The exit status `landed check` gives for the same results. */
static int
exit_status(struct ld_report *report, unsigned fail_on)
{
	int status = LD_EXIT_OK;

	for (size_t i = 0; i < report->account_count * report->test_count; i++)
		if (ld_plan_fails(&report->results[i], fail_on))
			status = LD_EXIT_MATCHED;
	for (size_t a = 0; a < report->account_count; a++)
		if (!report->accounts[a].ok)
			return LD_EXIT_ACCOUNT;
	return status;
}

int
ld_cmd_report(int argc, char **argv)
{
	struct report_args args = { 0 };
	struct ld_report_file file;
	struct ld_error err = { 0 };
	int status = LD_EXIT_USAGE;

	if (parse_args(argc, argv, &args) != 0)
		return LD_EXIT_USAGE;
	if (ld_report_read(args.input, &file, &err) != LD_OK) {
		ld_log_command_error("report", "%s", err.message);
		return LD_EXIT_USAGE;
	}
	if (ld_report_output(&file.report, args.format, args.output,
	    &args.options, "report") == 0)
		status = exit_status(&file.report, args.options.fail_on);
	ld_report_file_clear(&file);
	return status;
}
