/*
 * The placement matrix for people: rows are accounts grouped by provider,
 * columns are tests, and each cell is the placement with a compact
 * verdict.  A legend and the accounts that could not be checked follow;
 * with -v, every cell's details follow too.  Text from servers and files
 * is cleaned of control characters, so no folder name or error message
 * can send escape sequences to the terminal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define COLOR_RESET "\033[0m"
#define COLUMN_GAP 2
#define CELL_TEXT_MAX 256

/* The cleaned text of every name and cell, and the row order. */
struct table {
	size_t *order;		/* account indexes grouped by provider */
	char **accounts;	/* cleaned account names */
	char **providers;	/* cleaned provider names */
	char **labels;		/* cleaned test labels */
	char **cells;		/* cleaned cell texts, [a * test_count + t] */
	size_t account_width, provider_width;
	size_t *test_widths;
};

static const char *
placement_color(enum ld_placement placement)
{
	switch (placement) {
	case LD_PLACEMENT_INBOX:
		return "\033[32m";	/* green */
	case LD_PLACEMENT_SPAM:
		return "\033[33m";	/* yellow */
	case LD_PLACEMENT_OTHER:
		return "\033[36m";	/* cyan */
	case LD_PLACEMENT_MISSING:
		return "\033[2m";	/* dim */
	case LD_PLACEMENT_REJECTED:
		return "\033[31m";	/* red */
	case LD_PLACEMENT_ERROR:
		return "\033[35m";	/* magenta */
	}
	return "";
}

/*
 * Display width of UTF-8 text, counting each code point as one column.
 * NOTE: East Asian wide characters take two columns in a terminal, so a
 * row holding them is misaligned.
 */
static size_t
display_width(const char *s)
{
	size_t width = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			width++;
	return width;
}

static void
print_padded(FILE *out, const char *text, size_t width, const char *color)
{
	size_t w = display_width(text);

	if (color != NULL)
		fprintf(out, "%s%s%s", color, text, COLOR_RESET);
	else
		fputs(text, out);
	for (; w < width; w++)
		fputc(' ', out);
}

static void
table_free(struct table *table, struct ld_report *report)
{
	for (size_t a = 0; a < report->account_count; a++) {
		free(table->accounts != NULL ? table->accounts[a] : NULL);
		free(table->providers != NULL ? table->providers[a] : NULL);
	}
	for (size_t t = 0; t < report->test_count; t++)
		free(table->labels != NULL ? table->labels[t] : NULL);
	for (size_t i = 0; i < report->account_count * report->test_count; i++)
		free(table->cells != NULL ? table->cells[i] : NULL);
	free(table->order);
	free(table->accounts);
	free(table->providers);
	free(table->labels);
	free(table->cells);
	free(table->test_widths);
}

static int
table_fill(struct table *table, struct ld_report *report)
{
	size_t count = report->account_count * report->test_count;
	char cell[CELL_TEXT_MAX];

	for (size_t a = 0; a < report->account_count; a++) {
		table->accounts[a] = ld_report_clean_text(
		    report->accounts[a].account->name, 0);
		table->providers[a] = ld_report_clean_text(
		    ld_report_provider_name(&report->accounts[a]), 0);
		if (table->accounts[a] == NULL || table->providers[a] == NULL)
			return -1;
	}
	for (size_t t = 0; t < report->test_count; t++)
		if ((table->labels[t] = ld_report_clean_text(
		    report->tests[t].label, 0)) == NULL)
			return -1;
	for (size_t i = 0; i < count; i++) {
		ld_report_cell_text(&report->results[i], cell, sizeof(cell));
		if ((table->cells[i] = ld_report_clean_text(cell, 0)) == NULL)
			return -1;
	}
	return 0;
}

static void
table_measure(struct table *table, struct ld_report *report)
{
	table->account_width = strlen("account");
	table->provider_width = strlen("provider");
	for (size_t a = 0; a < report->account_count; a++) {
		if (display_width(table->accounts[a]) > table->account_width)
			table->account_width = display_width(table->accounts[a]);
		if (display_width(table->providers[a]) > table->provider_width)
			table->provider_width = display_width(table->providers[a]);
	}
	for (size_t t = 0; t < report->test_count; t++) {
		table->test_widths[t] = display_width(table->labels[t]);
		for (size_t a = 0; a < report->account_count; a++) {
			size_t w = display_width(
			    table->cells[a * report->test_count + t]);

			if (w > table->test_widths[t])
				table->test_widths[t] = w;
		}
	}
}

static int
table_build(struct table *table, struct ld_report *report)
{
	size_t accounts = report->account_count + 1;
	size_t tests = report->test_count + 1;

	*table = (struct table){ 0 };
	table->order = calloc(accounts, sizeof(*table->order));
	table->accounts = calloc(accounts, sizeof(*table->accounts));
	table->providers = calloc(accounts, sizeof(*table->providers));
	table->labels = calloc(tests, sizeof(*table->labels));
	table->cells = calloc(report->account_count * report->test_count + 1,
	    sizeof(*table->cells));
	table->test_widths = calloc(tests, sizeof(*table->test_widths));
	if (table->order == NULL || table->accounts == NULL ||
	    table->providers == NULL || table->labels == NULL ||
	    table->cells == NULL || table->test_widths == NULL ||
	    table_fill(table, report) != 0) {
		errno = ENOMEM;
		return -1;
	}
	ld_report_group_by_provider(report, table->order);
	table_measure(table, report);
	return 0;
}

static void
print_matrix(FILE *out, struct table *table, struct ld_report *report,
    const struct ld_report_options *options)
{
	const char *previous = NULL;

	print_padded(out, "provider", table->provider_width + COLUMN_GAP, NULL);
	print_padded(out, "account", table->account_width + COLUMN_GAP, NULL);
	for (size_t t = 0; t < report->test_count; t++)
		print_padded(out, table->labels[t], t + 1 < report->test_count ?
		    table->test_widths[t] + COLUMN_GAP : 0, NULL);
	fputc('\n', out);

	for (size_t i = 0; i < report->account_count; i++) {
		size_t a = table->order[i];
		const char *provider = table->providers[a];

		/* The provider's name heads its group only. */
		print_padded(out, previous != NULL &&
		    strcmp(previous, provider) == 0 ? "" : provider,
		    table->provider_width + COLUMN_GAP, NULL);
		previous = provider;
		print_padded(out, table->accounts[a],
		    table->account_width + COLUMN_GAP, NULL);
		for (size_t t = 0; t < report->test_count; t++) {
			const struct ld_result *r = ld_report_result(report, a, t);

			print_padded(out, table->cells[a * report->test_count + t],
			    t + 1 < report->test_count ?
			    table->test_widths[t] + COLUMN_GAP : 0,
			    options->color ? placement_color(r->placement) : NULL);
		}
		fputc('\n', out);
	}
}

static void
print_legend(FILE *out, const struct ld_report_options *options)
{
	fputs("\nlegend:\n", out);
	for (int p = LD_PLACEMENT_INBOX; p <= LD_PLACEMENT_ERROR; p++) {
		fputs("  ", out);
		print_padded(out, ld_placement_name(p), strlen("rejected") +
		    COLUMN_GAP, options->color ? placement_color(p) : NULL);
		fprintf(out, "%s\n", ld_report_placement_meaning(p));
	}
	for (size_t i = 0; ld_report_verdict_legend[i] != NULL; i++)
		fprintf(out, "  %s\n", ld_report_verdict_legend[i]);
}

static int
print_errors(FILE *out, struct table *table, struct ld_report *report)
{
	const struct ld_bounce_report *bounces = &report->bounces;
	int heading = 0;

	if (bounces->account != NULL && !bounces->ok) {
		char *error = ld_report_clean_text(bounces->error != NULL ?
		    bounces->error : "failed", 0);
		char *name = ld_report_clean_text(bounces->account->name, 0);

		if (error == NULL || name == NULL) {
			free(error);
			free(name);
			return -1;
		}
		fprintf(out, "\nbounce mailbox %s not read: %s\n", name, error);
		free(error);
		free(name);
	}

	for (size_t i = 0; i < report->account_count; i++) {
		size_t a = table->order[i];
		const struct ld_account_report *account = &report->accounts[a];
		char *error;

		if (account->ok)
			continue;
		if (!heading)
			fputs("\naccounts not checked:\n", out);
		heading = 1;
		error = ld_report_clean_text(account->error != NULL ?
		    account->error : "failed", 0);
		if (error == NULL)
			return -1;
		fprintf(out, "  %s: %s\n", table->accounts[a], error);
		free(error);
	}
	return 0;
}

/* Prints "    name  text" with text cleaned; returns 0 or -1. */
static int
print_detail(FILE *out, const char *name, const char *text)
{
	char *clean = ld_report_clean_text(text, 0);

	if (clean == NULL)
		return -1;
	fprintf(out, "    %-10s%s\n", name, clean);
	free(clean);
	return 0;
}

static int
print_bounce(FILE *out, const struct ld_result *r)
{
	char *text;

	if (ld_report_bounce_text(r, &text) != 0)
		return -1;
	if (text == NULL)
		return 0;
	fprintf(out, "    %-10s%s\n", "bounce", text);
	free(text);
	if (r->bounce->diagnostic != NULL &&
	    print_detail(out, "reply", r->bounce->diagnostic) != 0)
		return -1;
	return 0;
}

static int
print_cell_details(FILE *out, struct table *table, struct ld_report *report,
    size_t a, size_t t)
{
	const struct ld_result *r = ld_report_result(report, a, t);
	char line[CELL_TEXT_MAX + 64], when[32], *verdict;
	int trusted = 0;

	fprintf(out, "\n%s / %s: %s\n", table->accounts[a], table->labels[t],
	    table->cells[a * report->test_count + t]);
	if (r->moved_from != NULL && print_detail(out, "moved", r->moved_from) != 0)
		return -1;
	if (r->folder != NULL) {
		snprintf(line, sizeof(line), "%s (%u cop%s found)", r->folder,
		    r->copies, r->copies == 1 ? "y" : "ies");
		if (print_detail(out, "folder", line) != 0)
			return -1;
	}
	ld_format_utc(r->received_at, when, sizeof(when));
	if (when[0] != '\0')
		fprintf(out, "    %-10s%s\n", "received", when);
	if (r->placement == LD_PLACEMENT_INBOX || r->placement == LD_PLACEMENT_SPAM ||
	    r->placement == LD_PLACEMENT_OTHER)
		fprintf(out, "    %-10s%lld s after the check started\n", "found",
		    (r->found_after_ms + 500) / 1000);

	for (size_t h = 0; h < r->header_count; h++) {
		char *text;

		if (r->headers[h]->trusted != LANDED_AR_TRUST_YES)
			continue;
		if ((text = ld_report_header_text(r->headers[h])) == NULL)
			return -1;
		fprintf(out, "    %-10s%s\n", trusted ? "" : "trusted", text);
		trusted = 1;
		free(text);
	}
	if (!trusted && (r->placement == LD_PLACEMENT_INBOX ||
	    r->placement == LD_PLACEMENT_SPAM || r->placement == LD_PLACEMENT_OTHER))
		fprintf(out, "    %-10s%s\n", "trusted", "no header of the receiver");
	if (r->ignored_headers > 0)
		fprintf(out, "    %-10s%zu untrusted field%s not used\n", "ignored",
		    r->ignored_headers, r->ignored_headers == 1 ? "" : "s");
	if (ld_report_verdict_text(r, &verdict) != 0)
		return -1;
	if (verdict != NULL)
		fprintf(out, "    %-10s%s\n", "provider", verdict);
	free(verdict);
	if (r->disagreement != NULL &&
	    print_detail(out, "disagrees", r->disagreement) != 0)
		return -1;
	if (print_bounce(out, r) != 0)
		return -1;
	if (r->error != NULL && print_detail(out, "error", r->error) != 0)
		return -1;
	return 0;
}

int
ld_report_write_table(struct ld_report *report, FILE *out,
    const struct ld_report_options *options)
{
	struct table table;
	int rc = -1;

	if (table_build(&table, report) != 0)
		goto out;

	print_matrix(out, &table, report, options);
	print_legend(out, options);
	if (print_errors(out, &table, report) != 0)
		goto out;
	if (options->verbose) {
		fputs("\ndetails:\n", out);
		for (size_t i = 0; i < report->account_count; i++)
			for (size_t t = 0; t < report->test_count; t++)
				if (print_cell_details(out, &table, report,
				    table.order[i], t) != 0)
					goto out;
	}
	rc = ferror(out) ? -1 : 0;

out:
	if (rc != 0 && errno == 0)
		errno = ENOMEM;
	table_free(&table, report);
	return rc;
}
