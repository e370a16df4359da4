/*
 * JUnit XML report for CI systems, written with libxml2's text writer:
 * <testsuites> contains one <testsuite> per account and one <testcase> per
 * test.  A result in a --fail-on class gets a <failure> whose type lists
 * the classes.  An account that could not be checked gets an <error> in
 * each of its test cases, with or without --fail-on, because its tests
 * did not run.  tests/fixtures/junit.xsd describes the form.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "report.h"

/* libxml2's BAD_CAST drops const, which -Wcast-qual rejects. */
#define XML_TEXT(s) ((const xmlChar *)(s))

#define CLASS_NAMES_MAX 160
#define CELL_TEXT_MAX 256

/* Every call below returns a negative number on failure. */
static int
attribute(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *clean = ld_report_clean_text(value, 1);
	int rc;

	if (clean == NULL)
		return -1;
	rc = xmlTextWriterWriteAttribute(w, XML_TEXT(name), XML_TEXT(clean));
	free(clean);
	return rc;
}

static int
attribute_count(xmlTextWriterPtr w, const char *name, size_t value)
{
	return xmlTextWriterWriteFormatAttribute(w, XML_TEXT(name), "%zu", value);
}

static int
text(xmlTextWriterPtr w, const char *value)
{
	char *clean = ld_report_clean_text(value, 1);
	int rc;

	if (clean == NULL)
		return -1;
	rc = xmlTextWriterWriteString(w, XML_TEXT(clean));
	free(clean);
	return rc;
}

static int
property(xmlTextWriterPtr w, const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	if (xmlTextWriterStartElement(w, XML_TEXT("property")) < 0 ||
	    attribute(w, "name", name) < 0 || attribute(w, "value", value) < 0)
		return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* The details of a result, one "name: value" line each, for system-out. */
static char *
result_details(const struct ld_result *r)
{
	char *details = NULL, *verdict, when[32];
	size_t length = 0;
	FILE *out = open_memstream(&details, &length);

	if (out == NULL)
		return NULL;
	fprintf(out, "placement: %s\n", ld_placement_name(r->placement));
	if (r->folder != NULL)
		fprintf(out, "folder: %s\ncopies: %u\n", r->folder, r->copies);
	if (r->category != NULL)
		fprintf(out, "category: %s\n", r->category);
	ld_format_utc(r->received_at, when, sizeof(when));
	if (when[0] != '\0')
		fprintf(out, "received_at: %s\n", when);
	if (r->authserv_id != NULL)
		fprintf(out, "authserv_id: %s\n", r->authserv_id);
	for (size_t m = 0; m < LD_AUTH_COUNT; m++)
		fprintf(out, "%s: %s\n", ld_auth_method_names[m],
		    r->auth[m] != NULL ? r->auth[m] : "unknown");
	fprintf(out, "ignored_authentication_results: %zu\n", r->ignored_headers);
	if (ld_report_verdict_text(r, &verdict) != 0) {
		fclose(out);
		free(details);
		return NULL;
	}
	if (verdict != NULL)
		fprintf(out, "provider_verdict: %s\n", verdict);
	free(verdict);
	if (r->disagreement != NULL)
		fprintf(out, "disagreement: %s\n", r->disagreement);
	if (r->moved_from != NULL)
		fprintf(out, "moved_from: %s\n", r->moved_from);
	if (ld_report_bounce_text(r, &verdict) != 0) {
		fclose(out);
		free(details);
		return NULL;
	}
	if (verdict != NULL)
		fprintf(out, "bounce: %s\n", verdict);
	free(verdict);
	if (r->bounce != NULL && r->bounce->diagnostic != NULL)
		fprintf(out, "bounce_diagnostic: %s\n", r->bounce->diagnostic);
	if (r->error != NULL)
		fprintf(out, "error: %s\n", r->error);
	if (fclose(out) != 0) {
		free(details);
		return NULL;
	}
	return details;
}

static int
write_outcome(xmlTextWriterPtr w, const struct ld_result *r, unsigned classes)
{
	char names[CLASS_NAMES_MAX], cell[CELL_TEXT_MAX];

	ld_report_cell_text(r, cell, sizeof(cell));
	if (r->placement == LD_PLACEMENT_ERROR) {
		if (xmlTextWriterStartElement(w, XML_TEXT("error")) < 0 ||
		    attribute(w, "message", r->error != NULL ? r->error :
		    "the account could not be checked") < 0 ||
		    attribute(w, "type", "error") < 0)
			return -1;
		return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
	}
	if (classes == 0)
		return 0;
	ld_report_fail_class_names(classes, names, sizeof(names));
	if (xmlTextWriterStartElement(w, XML_TEXT("failure")) < 0 ||
	    attribute(w, "message", cell) < 0 || attribute(w, "type", names) < 0 ||
	    text(w, "matched --fail-on ") < 0 || text(w, names) < 0)
		return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
write_testcase(xmlTextWriterPtr w, struct ld_report *report, size_t a,
    size_t t, unsigned classes)
{
	const struct ld_result *r = ld_report_result(report, a, t);
	char *details, classname[512];
	int rc;

	/* CI systems group test cases by class name: provider.account. */
	snprintf(classname, sizeof(classname), "%s.%s",
	    ld_report_provider_name(&report->accounts[a]),
	    report->accounts[a].account->name);
	if (xmlTextWriterStartElement(w, XML_TEXT("testcase")) < 0 ||
	    attribute(w, "name", report->tests[t].label) < 0 ||
	    attribute(w, "classname", classname) < 0 ||
	    write_outcome(w, r, classes) < 0)
		return -1;
	if ((details = result_details(r)) == NULL)
		return -1;
	rc = xmlTextWriterStartElement(w, XML_TEXT("system-out")) < 0 ||
	    text(w, details) < 0 || xmlTextWriterEndElement(w) < 0 ? -1 : 0;
	free(details);
	if (rc != 0)
		return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
write_testsuite(xmlTextWriterPtr w, struct ld_report *report, size_t a,
    const struct ld_report_options *options)
{
	const struct ld_account_report *account = &report->accounts[a];
	size_t failures = 0, errors = 0;
	char when[32];

	for (size_t t = 0; t < report->test_count; t++) {
		const struct ld_result *r = ld_report_result(report, a, t);

		if (r->placement == LD_PLACEMENT_ERROR)
			errors++;
		else if (ld_report_fail_classes(r, options->fail_on) != 0)
			failures++;
	}
	ld_format_utc(report->started_at, when, sizeof(when));

	if (xmlTextWriterStartElement(w, XML_TEXT("testsuite")) < 0 ||
	    attribute(w, "name", account->account->name) < 0 ||
	    attribute_count(w, "tests", report->test_count) < 0 ||
	    attribute_count(w, "failures", failures) < 0 ||
	    attribute_count(w, "errors", errors) < 0 ||
	    (when[0] != '\0' && attribute(w, "timestamp", when) < 0) ||
	    xmlTextWriterStartElement(w, XML_TEXT("properties")) < 0 ||
	    property(w, "provider", ld_report_provider_name(account)) < 0 ||
	    property(w, "user", account->account->user) < 0 ||
	    property(w, "status", account->ok ? "ok" : "error") < 0 ||
	    property(w, "error", account->error) < 0 ||
	    xmlTextWriterEndElement(w) < 0)
		return -1;
	for (size_t t = 0; t < report->test_count; t++) {
		const struct ld_result *r = ld_report_result(report, a, t);

		if (write_testcase(w, report, a, t,
		    ld_report_fail_classes(r, options->fail_on)) != 0)
			return -1;
	}
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
write_document(xmlTextWriterPtr w, struct ld_report *report,
    const struct ld_report_options *options)
{
	size_t failures = 0, errors = 0;

	for (size_t i = 0; i < report->account_count * report->test_count; i++) {
		if (report->results[i].placement == LD_PLACEMENT_ERROR)
			errors++;
		else if (ld_report_fail_classes(&report->results[i],
		    options->fail_on) != 0)
			failures++;
	}
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w, XML_TEXT("  ")) < 0 ||
	    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, XML_TEXT("testsuites")) < 0 ||
	    attribute(w, "name", "landed") < 0 ||
	    attribute_count(w, "tests",
	    report->account_count * report->test_count) < 0 ||
	    attribute_count(w, "failures", failures) < 0 ||
	    attribute_count(w, "errors", errors) < 0)
		return -1;
	for (size_t a = 0; a < report->account_count; a++)
		if (write_testsuite(w, report, a, options) != 0)
			return -1;
	if (xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndDocument(w) < 0)
		return -1;
	return 0;
}

int
ld_report_write_junit(struct ld_report *report, FILE *out,
    const struct ld_report_options *options)
{
	xmlOutputBufferPtr buffer;
	xmlTextWriterPtr w;
	int rc;

	/* The buffer flushes to out but never closes it. */
	buffer = xmlOutputBufferCreateFile(out, NULL);
	if (buffer == NULL) {
		errno = ENOMEM;
		return -1;
	}
	w = xmlNewTextWriter(buffer);
	if (w == NULL) {
		xmlOutputBufferClose(buffer);
		errno = ENOMEM;
		return -1;
	}
	rc = write_document(w, report, options);
	xmlFreeTextWriter(w);
	if (rc != 0 && errno == 0)
		errno = EIO;
	return rc != 0 || ferror(out) ? -1 : 0;
}
