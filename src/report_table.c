/*
 * The placement matrix for people: one row per account, one column per
 * test, each cell the placement and, where the receiver's own header
 * reports it, the DMARC result.  Errors follow the matrix in full.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

#define COLOR_RESET "\033[0m"

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
	case LD_PLACEMENT_ERROR:
		return "\033[31m";	/* red */
	}
	return "";
}

static void
cell_text(const struct ld_result *result, char *buf, size_t size)
{
	const char *dmarc = result->auth[LD_AUTH_DMARC];

	if (dmarc != NULL && result->placement != LD_PLACEMENT_ERROR)
		snprintf(buf, size, "%s dmarc=%s",
		    ld_placement_name(result->placement), dmarc);
	else
		snprintf(buf, size, "%s", ld_placement_name(result->placement));
}

/* Display width of UTF-8 text, counting each code point as one column. */
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
column_widths(struct ld_report *report, size_t *account_width,
    size_t *provider_width, size_t *test_widths)
{
	char cell[128];

	*account_width = strlen("account");
	*provider_width = strlen("provider");
	for (size_t a = 0; a < report->account_count; a++) {
		const struct ld_account_report *acc = &report->accounts[a];

		if (display_width(acc->account->name) > *account_width)
			*account_width = display_width(acc->account->name);
		if (strlen(acc->account->provider) > *provider_width)
			*provider_width = strlen(acc->account->provider);
	}
	for (size_t t = 0; t < report->test_count; t++) {
		test_widths[t] = display_width(report->tests[t].label);
		for (size_t a = 0; a < report->account_count; a++) {
			cell_text(ld_report_result(report, a, t), cell, sizeof(cell));
			if (strlen(cell) > test_widths[t])
				test_widths[t] = strlen(cell);
		}
	}
}

static void
print_details(struct ld_report *report, FILE *out)
{
	char when[32];

	for (size_t a = 0; a < report->account_count; a++) {
		for (size_t t = 0; t < report->test_count; t++) {
			const struct ld_result *r = ld_report_result(report, a, t);

			if (r->placement == LD_PLACEMENT_MISSING ||
			    r->placement == LD_PLACEMENT_ERROR)
				continue;
			ld_format_utc(r->received_at, when, sizeof(when));
			fprintf(out, "%s / %s: %s in \"%s\", %u cop%s, received %s\n",
			    report->accounts[a].account->name,
			    report->tests[t].label,
			    ld_placement_name(r->placement),
			    r->folder != NULL ? r->folder : "",
			    r->copies, r->copies == 1 ? "y" : "ies",
			    when[0] != '\0' ? when : "unknown");
			fprintf(out, "    authserv-id %s:",
			    r->authserv_id != NULL ? r->authserv_id : "(none trusted)");
			for (size_t m = 0; m < LD_AUTH_COUNT; m++)
				fprintf(out, " %s=%s", ld_auth_method_names[m],
				    r->auth[m] != NULL ? r->auth[m] : "unknown");
			fprintf(out, "; %zu untrusted field%s ignored\n",
			    r->ignored_headers, r->ignored_headers == 1 ? "" : "s");
		}
	}
}

int
ld_report_write_table(struct ld_report *report, FILE *out,
    const struct ld_report_style *style)
{
	size_t account_width, provider_width;
	size_t test_widths[report->test_count > 0 ? report->test_count : 1];
	char cell[128];

	column_widths(report, &account_width, &provider_width, test_widths);

	print_padded(out, "account", account_width + 2, NULL);
	print_padded(out, "provider", provider_width + 2, NULL);
	for (size_t t = 0; t < report->test_count; t++)
		print_padded(out, report->tests[t].label, test_widths[t] + 2, NULL);
	fputc('\n', out);

	for (size_t a = 0; a < report->account_count; a++) {
		const struct ld_account_report *acc = &report->accounts[a];

		print_padded(out, acc->account->name, account_width + 2, NULL);
		print_padded(out, acc->account->provider, provider_width + 2, NULL);
		for (size_t t = 0; t < report->test_count; t++) {
			const struct ld_result *r = ld_report_result(report, a, t);

			cell_text(r, cell, sizeof(cell));
			print_padded(out, cell, test_widths[t] + 2,
			    style->color ? placement_color(r->placement) : NULL);
		}
		fputc('\n', out);
	}

	for (size_t a = 0; a < report->account_count; a++)
		if (!report->accounts[a].ok)
			fprintf(out, "\n%s: %s", report->accounts[a].account->name,
			    report->accounts[a].error != NULL ?
			    report->accounts[a].error : "failed");
	fputc('\n', out);

	if (style->verbose) {
		fputc('\n', out);
		print_details(report, out);
	}
	return ferror(out) ? -1 : 0;
}
