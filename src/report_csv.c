/*
 * CSV report (RFC 4180): a header row, then one row per account and
 * test, in the order of the JSON report.  Lines end in CRLF; a field
 * that contains a comma, a double quote, CR or LF is quoted, with its
 * double quotes doubled.  An unknown or absent value is an empty field.
 *
 * The column order is a contract documented in landed(1): columns are
 * never reordered or removed, and new ones are only added at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define FIELD_MAX 64

/* Returns the field's text (borrowed, or formatted into buf), or NULL. */
typedef const char *csv_field(struct ld_report *report, size_t a, size_t t,
    char *buf, size_t size);

static const char *
field_account(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)t, (void)buf, (void)size;
	return report->accounts[a].account->name;
}

static const char *
field_provider(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)t, (void)buf, (void)size;
	return ld_report_provider_name(&report->accounts[a]);
}

static const char *
field_test(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)a, (void)buf, (void)size;
	return report->tests[t].label;
}

static const char *
field_message_id(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)a, (void)buf, (void)size;
	return report->tests[t].message_id;
}

static const char *
field_placement(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)buf, (void)size;
	return ld_placement_name(ld_report_result(report, a, t)->placement);
}

static const char *
field_folder(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)buf, (void)size;
	return ld_report_result(report, a, t)->folder;
}

static const char *
field_category(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)buf, (void)size;
	return ld_report_result(report, a, t)->category;
}

static const char *
field_copies(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	snprintf(buf, size, "%u", ld_report_result(report, a, t)->copies);
	return buf;
}

static const char *
field_received_at(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	ld_format_utc(ld_report_result(report, a, t)->received_at, buf, size);
	return buf;
}

static const char *
field_authserv_id(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)buf, (void)size;
	return ld_report_result(report, a, t)->authserv_id;
}

/* Defines field_METHOD, the trusted result of one authentication method. */
#define AUTH_FIELD(method, index)                                          \
static const char *                                                        \
field_##method(struct ld_report *report, size_t a, size_t t, char *buf,    \
    size_t size)                                                           \
{                                                                          \
	(void)buf, (void)size;                                             \
	return ld_report_result(report, a, t)->auth[index];                \
}
AUTH_FIELD(spf, LD_AUTH_SPF)
AUTH_FIELD(dkim, LD_AUTH_DKIM)
AUTH_FIELD(dmarc, LD_AUTH_DMARC)
AUTH_FIELD(arc, LD_AUTH_ARC)
#undef AUTH_FIELD

static const char *
field_ignored(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	snprintf(buf, size, "%zu", ld_report_result(report, a, t)->ignored_headers);
	return buf;
}

static const char *
field_error(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)buf, (void)size;
	return ld_report_result(report, a, t)->error;
}

static const char *
field_provider_verdict(struct ld_report *report, size_t a, size_t t,
    char *buf, size_t size)
{
	(void)buf, (void)size;
	return ld_report_opinion_name(ld_report_result(report, a, t));
}

static const char *
field_provider_evidence(struct ld_report *report, size_t a, size_t t,
    char *buf, size_t size)
{
	(void)buf, (void)size;
	return ld_report_result(report, a, t)->verdict.evidence;
}

static const char *
field_disagreement(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)buf, (void)size;
	return ld_report_result(report, a, t)->disagreement;
}

static const char *
field_found_after(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	const struct ld_result *r = ld_report_result(report, a, t);

	if (r->placement != LD_PLACEMENT_INBOX &&
	    r->placement != LD_PLACEMENT_SPAM && r->placement != LD_PLACEMENT_OTHER)
		return NULL;
	snprintf(buf, size, "%lld", (r->found_after_ms + 500) / 1000);
	return buf;
}

static const char *
field_moved_from(struct ld_report *report, size_t a, size_t t, char *buf,
    size_t size)
{
	(void)buf, (void)size;
	return ld_report_result(report, a, t)->moved_from;
}

/* Defines field_bounce_NAME, the bounce's string member NAME. */
#define BOUNCE_FIELD(member)                                               \
static const char *                                                        \
field_bounce_##member(struct ld_report *report, size_t a, size_t t,        \
    char *buf, size_t size)                                                \
{                                                                          \
	const struct ld_bounce *bounce = ld_report_result(report, a, t)->bounce; \
                                                                           \
	(void)buf, (void)size;                                             \
	return bounce != NULL ? bounce->member : NULL;                     \
}
BOUNCE_FIELD(action)
BOUNCE_FIELD(status)
BOUNCE_FIELD(diagnostic)
BOUNCE_FIELD(reporting_mta)
BOUNCE_FIELD(explanation)
#undef BOUNCE_FIELD

static const char *
field_bounce_smtp_code(struct ld_report *report, size_t a, size_t t,
    char *buf, size_t size)
{
	const struct ld_bounce *bounce = ld_report_result(report, a, t)->bounce;

	if (bounce == NULL || bounce->smtp_code == 0)
		return NULL;
	snprintf(buf, size, "%u", bounce->smtp_code);
	return buf;
}

/* The column order documented in landed(1); append new columns only. */
static const struct {
	const char *name;
	csv_field *field;
} columns[] = {
	{ "account", field_account },
	{ "provider", field_provider },
	{ "test", field_test },
	{ "message_id", field_message_id },
	{ "placement", field_placement },
	{ "folder", field_folder },
	{ "category", field_category },
	{ "copies", field_copies },
	{ "received_at", field_received_at },
	{ "found_after_seconds", field_found_after },
	{ "moved_from", field_moved_from },
	{ "authserv_id", field_authserv_id },
	{ "spf", field_spf },
	{ "dkim", field_dkim },
	{ "dmarc", field_dmarc },
	{ "arc", field_arc },
	{ "ignored_authentication_results", field_ignored },
	{ "provider_verdict", field_provider_verdict },
	{ "provider_evidence", field_provider_evidence },
	{ "disagreement", field_disagreement },
	{ "bounce_action", field_bounce_action },
	{ "bounce_smtp_code", field_bounce_smtp_code },
	{ "bounce_status", field_bounce_status },
	{ "bounce_diagnostic", field_bounce_diagnostic },
	{ "bounce_reporting_mta", field_bounce_reporting_mta },
	{ "bounce_explanation", field_bounce_explanation },
	{ "error", field_error },
};

#define COLUMN_COUNT (sizeof(columns) / sizeof(columns[0]))

/* Writes one field, cleaned of control characters and quoted as needed. */
static int
write_field(FILE *out, const char *value)
{
	char *clean;

	if (value == NULL || value[0] == '\0')
		return 0;
	if ((clean = ld_report_clean_text(value, 1)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (strpbrk(clean, ",\"\r\n") == NULL) {
		fputs(clean, out);
	} else {
		fputc('"', out);
		for (const char *p = clean; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		fputc('"', out);
	}
	free(clean);
	return 0;
}

int
ld_report_write_csv(struct ld_report *report, FILE *out,
    const struct ld_report_options *options)
{
	char buf[FIELD_MAX];

	(void)options;
	for (size_t c = 0; c < COLUMN_COUNT; c++)
		fprintf(out, "%s%s", c > 0 ? "," : "", columns[c].name);
	fputs("\r\n", out);

	for (size_t a = 0; a < report->account_count; a++) {
		for (size_t t = 0; t < report->test_count; t++) {
			for (size_t c = 0; c < COLUMN_COUNT; c++) {
				if (c > 0)
					fputc(',', out);
				if (write_field(out, columns[c].field(report, a, t,
				    buf, sizeof(buf))) != 0)
					return -1;
			}
			fputs("\r\n", out);
		}
	}
	return ferror(out) ? -1 : 0;
}
