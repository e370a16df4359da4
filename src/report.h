/*
 * Report writers of `landed check` and `landed report`, found by name in
 * a table, and the reader that turns a saved JSON report back into the
 * result model.  Each writer writes the whole report to out and returns
 * 0, or -1 when writing failed (errno set).
 */
#ifndef LANDED_REPORT_H
#define LANDED_REPORT_H

#include <stdio.h>

#include "result.h"
#include "status.h"

struct ld_report_options {
	int color;		/* ANSI colour in the table (TTY, no NO_COLOR) */
	int verbose;		/* -v: per-cell details in the table */
	unsigned fail_on;	/* --fail-on classes, 1 << enum ld_fail_on_class */
};

typedef int ld_report_writer(struct ld_report *report, FILE *out,
    const struct ld_report_options *options);

struct ld_report_format {
	const char *name;	/* the --format value */
	ld_report_writer *write;
};

/* The --format values, for help text and error messages. */
#define LD_REPORT_FORMAT_NAMES "table, json, csv, junit or html"

/* Returns the format called name, or NULL. */
const struct ld_report_format *ld_report_format_find(const char *name);

int ld_report_write_json(struct ld_report *report, FILE *out);
ld_report_writer ld_report_write_table;
ld_report_writer ld_report_write_csv;
ld_report_writer ld_report_write_junit;
ld_report_writer ld_report_write_html;

/*
 * Writes the report in format to path, or to stdout when path is NULL,
 * with colour only when writing to a terminal and NO_COLOR is unset or
 * empty.  Failures are printed on stderr after "landed COMMAND: ".
 * Returns 0 or -1.
 */
int ld_report_output(struct ld_report *report,
    const struct ld_report_format *format, const char *path,
    struct ld_report_options *options, const char *command);

/*
 * Formats the compact verdict of a cell, such as "spam, dmarc=fail" or
 * "inbox/promotions, spf=softfail".  It is the placement, the provider's
 * tab after a slash, and DMARC whenever a trusted header reports it.
 * SPF and DKIM follow unless they passed, and only when DMARC is unknown
 * or none; ARC follows when it failed.  A found message with no trusted
 * header gets "auth=unknown", and a result whose folder the provider's
 * own verdict contradicts ends in "provider=spam" or "provider=not_spam".
 * A bounce adds its status: "rejected, 5.7.26" or "missing, delayed
 * 4.4.7".
 */
void ld_report_cell_text(const struct ld_result *result, char *buf,
    size_t size);

/* The legends of the table and the HTML page: one line per placement,
 * then the lines (NULL-terminated) that explain the verdicts. */
const char *ld_report_placement_meaning(enum ld_placement placement);
extern const char *const ld_report_verdict_legend[];

/*
 * Returns a copy of s (NULL for NULL) in which every byte that is not
 * valid UTF-8 and every control character (C0, DEL, C1) is replaced by
 * U+FFFD, except tab and line feed when keep_newlines is set.  Server
 * and file data pass through this before it is written to a terminal,
 * CSV, XML or HTML.  Returns NULL when out of memory and s is not NULL.
 */
char *ld_report_clean_text(const char *s, int keep_newlines);

/*
 * Returns one line for a parsed header, cleaned as above and to be
 * freed: "Authentication-Results mx.google.com: spf=pass
 * smtp.mailfrom=a@example.com; dmarc=fail header.from=example.com".
 * Returns NULL when out of memory.
 */
char *ld_report_header_text(const struct landed_ar_header *header);

/* Returns "spam" or "not_spam" for the provider's own opinion, or NULL. */
const char *ld_report_opinion_name(const struct ld_result *result);

/*
 * Sets *text_r to a new line for the provider's verdict, such as
 * "scl=5 sfv=SPM; judged spam (X-Microsoft-Antispam-Mailbox-Delivery
 * dest:J)", or to NULL when the provider gave none.  Returns 0, or -1
 * when out of memory.
 */
int ld_report_verdict_text(const struct ld_result *result, char **text_r);

/*
 * Sets *text_r to a new line for the result's bounce, such as "failed
 * 550 5.7.26 (unauthenticated: SPF/DMARC failed), reported by
 * relay.example.org", or to NULL when it has none.  Returns 0, or -1
 * when out of memory.
 */
int ld_report_bounce_text(const struct ld_result *result, char **text_r);

/* Returns the name of the account's provider as the JSON report has it. */
const char *ld_report_provider_name(const struct ld_account_report *account);

/*
 * Fills order (account_count entries) with the account indexes grouped
 * by provider: providers in the order of their first account, accounts
 * in report order within a provider.
 */
void ld_report_group_by_provider(struct ld_report *report, size_t *order);

/* Returns the bit set of --fail-on classes that the result falls in. */
unsigned ld_report_fail_classes(const struct ld_result *result, unsigned mask);

/* Writes the names of the classes in mask, comma-separated, into buf. */
void ld_report_fail_class_names(unsigned mask, char *buf, size_t size);

/* Formats t as "2026-12-04T19:43:21Z" into buf (at least 21 bytes). */
void ld_format_utc(time_t t, char *buf, size_t size);

/*
 * A report read back from its JSON form.  It owns what struct ld_report
 * only borrows: the accounts, which a config holds for `landed check`,
 * and the strings that results point to (authserv_id, auth[], header
 * deviations and bounce explanations).
 */
struct ld_report_file {
	struct ld_report report;
	struct ld_account *accounts;	/* owned; report.accounts[i].account */
	struct ld_account bounce_account;	/* owned; report.bounces.account */
	char **strings;			/* owned; borrowed by the results */
	size_t string_count;
};

/* The largest report file that ld_report_read() accepts, in bytes. */
#define LD_REPORT_MAX_BYTES (256u * 1024 * 1024)
/* The maximum number of results (accounts times tests) in a report. */
#define LD_REPORT_MAX_RESULTS 1000000u

/*
 * Reads a JSON report of schema "landed/1" from path ("-" for standard
 * input) into file.  A report of another schema, a member of the wrong
 * type, an unknown placement and a missing or repeated (account, test)
 * result are errors whose message names the file and the member.
 */
enum ld_status ld_report_read(const char *path, struct ld_report_file *file,
    struct ld_error *err);

/* Like ld_report_read(), from memory; name labels the messages. */
enum ld_status ld_report_read_buffer(const char *text, size_t length,
    const char *name, struct ld_report_file *file, struct ld_error *err);

/* Frees everything the file owns and zeroes it. */
void ld_report_file_clear(struct ld_report_file *file);

#endif
