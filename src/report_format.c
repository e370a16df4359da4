/*
 * Code shared by the report writers: the table of formats, writing to -o
 * or stdout, the compact verdict of a cell, the legend, and cleaning of
 * text that came from a server or a file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"
#include "report.h"
#include "utf8.h"

static int
write_json(struct ld_report *report, FILE *out,
    const struct ld_report_options *options)
{
	(void)options;
	return ld_report_write_json(report, out);
}

static const struct ld_report_format formats[] = {
	{ "table", ld_report_write_table },
	{ "json", write_json },
	{ "csv", ld_report_write_csv },
	{ "junit", ld_report_write_junit },
	{ "html", ld_report_write_html },
};

const struct ld_report_format *
ld_report_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

/* NO_COLOR set to a non-empty value turns colour off (no-color.org). */
static int
color_wanted(FILE *out, const char *path)
{
	const char *no_color = getenv("NO_COLOR");

	if (path != NULL || !isatty(fileno(out)))
		return 0;
	return no_color == NULL || no_color[0] == '\0';
}

int
ld_report_output(struct ld_report *report,
    const struct ld_report_format *format, const char *path,
    struct ld_report_options *options, const char *command)
{
	FILE *out = stdout;
	int rc;

	if (path != NULL) {
		out = fopen(path, "w");
		if (out == NULL) {
			fprintf(stderr, "landed %s: cannot write %s: %s\n", command,
			    path, strerror(errno));
			return -1;
		}
	}
	options->color = color_wanted(out, path);

	rc = format->write(report, out, options);
	if (out != stdout) {
		if (fclose(out) != 0)
			rc = -1;
	} else if (fflush(out) != 0) {
		rc = -1;
	}
	if (rc != 0)
		fprintf(stderr, "landed %s: writing the %s report to %s failed: "
		    "%s\n", command, format->name,
		    path != NULL ? path : "standard output", strerror(errno));
	return rc;
}

/* Appends ", key=value" to buf when value is set and wanted. */
static void
append_auth(char *buf, size_t size, const char *key, const char *value)
{
	size_t used = strlen(buf);

	if (value == NULL || used >= size)
		return;
	snprintf(buf + used, size - used, ", %s=%s", key, value);
}

static int
is_found(enum ld_placement placement)
{
	return placement == LD_PLACEMENT_INBOX ||
	    placement == LD_PLACEMENT_SPAM || placement == LD_PLACEMENT_OTHER;
}

/*
 * Appends the bounce's status, or its SMTP code when it has no status:
 * "rejected 550" for a rejection ("rejected 5.7.26" is written before
 * this), ", delayed 4.4.7" for any other placement.
 */
static void
append_bounce(char *buf, size_t size, const struct ld_result *result)
{
	const struct ld_bounce *bounce = result->bounce;
	size_t used = strlen(buf);
	char code[16] = "";

	if (bounce == NULL || used >= size)
		return;
	if (bounce->smtp_code != 0)
		snprintf(code, sizeof(code), " %u", bounce->smtp_code);
	if (result->placement == LD_PLACEMENT_REJECTED) {
		if (bounce->status == NULL)
			snprintf(buf + used, size - used, "%s", code);
		return;
	}
	if (bounce->status != NULL)
		snprintf(code, sizeof(code), " %s", bounce->status);
	snprintf(buf + used, size - used, ", %s%s", bounce->action, code);
}

static const char *
unless(const char *value, const char *hidden)
{
	return value != NULL && strcmp(value, hidden) != 0 ? value : NULL;
}

void
ld_report_cell_text(const struct ld_result *result, char *buf, size_t size)
{
	const char *const *auth = result->auth;
	const char *dmarc = auth[LD_AUTH_DMARC];

	if (size == 0)
		return;
	if (result->category != NULL && is_found(result->placement))
		snprintf(buf, size, "%s/%s", ld_placement_name(result->placement),
		    result->category);
	else if (result->placement == LD_PLACEMENT_REJECTED &&
	    result->bounce != NULL && result->bounce->status != NULL)
		snprintf(buf, size, "rejected %s", result->bounce->status);
	else
		snprintf(buf, size, "%s", ld_placement_name(result->placement));
	append_bounce(buf, size, result);
	if (!is_found(result->placement))
		return;

	if (auth[LD_AUTH_SPF] == NULL && auth[LD_AUTH_DKIM] == NULL &&
	    dmarc == NULL && auth[LD_AUTH_ARC] == NULL)
		append_auth(buf, size, "auth", "unknown");
	append_auth(buf, size, "dmarc", dmarc);
	/* A DMARC verdict other than none already sums up SPF and DKIM. */
	if (dmarc == NULL || strcmp(dmarc, "none") == 0) {
		append_auth(buf, size, "spf", unless(auth[LD_AUTH_SPF], "pass"));
		append_auth(buf, size, "dkim", unless(auth[LD_AUTH_DKIM], "pass"));
	}
	if (auth[LD_AUTH_ARC] != NULL && strcmp(auth[LD_AUTH_ARC], "fail") == 0)
		append_auth(buf, size, "arc", "fail");
	if (result->disagreement != NULL)
		append_auth(buf, size, "provider",
		    ld_report_opinion_name(result));
}

const char *
ld_report_placement_meaning(enum ld_placement placement)
{
	switch (placement) {
	case LD_PLACEMENT_INBOX:
		return "found in the inbox";
	case LD_PLACEMENT_SPAM:
		return "found in the spam folder";
	case LD_PLACEMENT_OTHER:
		return "found in another folder (Trash, Archive, a user folder)";
	case LD_PLACEMENT_MISSING:
		return "not found in any folder";
	case LD_PLACEMENT_REJECTED:
		return "a bounce for it was found";
	case LD_PLACEMENT_ERROR:
		return "the account could not be checked";
	}
	return "";
}

const char *const ld_report_verdict_legend[] = {
	"dmarc=, spf=, dkim=, arc=: results from the receiver's own "
	    "Authentication-Results.",
	"spf and dkim are shown unless they passed, and only when DMARC is "
	    "unknown or none; arc only when it failed.",
	"auth=unknown: no trusted Authentication-Results.",
	"inbox/promotions: the provider's tab.",
	"provider=spam, provider=not_spam: the provider's own verdict "
	    "disagrees with the folder.",
	NULL,
};

static int
is_control(const unsigned char *s, size_t length, int keep_newlines)
{
	if (length == 1)
		return (s[0] < 0x20 || s[0] == 0x7f) &&
		    !(keep_newlines && (s[0] == '\n' || s[0] == '\t'));
	/* C1 controls U+0080..U+009F, such as the 8-bit CSI U+009B. */
	return length == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

char *
ld_report_clean_text(const char *s, int keep_newlines)
{
	const unsigned char *in = (const unsigned char *)s;
	char *copy;
	size_t n = 0;

	if (s == NULL)
		return NULL;
	copy = malloc(strlen(s) * 3 + 1);
	if (copy == NULL)
		return NULL;
	while (*in != '\0') {
		size_t step = ld_utf8_sequence_length(in);

		if (step == 0 || is_control(in, step, keep_newlines)) {
			memcpy(copy + n, "\xef\xbf\xbd", 3);
			n += 3;
			in += step == 0 ? 1 : step;
			continue;
		}
		memcpy(copy + n, in, step);
		n += step;
		in += step;
	}
	copy[n] = '\0';
	return copy;
}

const char *
ld_report_provider_name(const struct ld_account_report *account)
{
	if (account->provider != NULL)
		return account->provider->name;
	return account->account->provider;
}

void
ld_report_group_by_provider(struct ld_report *report, size_t *order)
{
	size_t n = 0;

	for (size_t a = 0; a < report->account_count; a++) {
		const char *provider = ld_report_provider_name(&report->accounts[a]);
		size_t earlier;

		for (earlier = 0; earlier < a; earlier++)
			if (strcmp(ld_report_provider_name(&report->accounts[earlier]),
			    provider) == 0)
				break;
		if (earlier < a)
			continue;
		for (size_t b = a; b < report->account_count; b++)
			if (strcmp(ld_report_provider_name(&report->accounts[b]),
			    provider) == 0)
				order[n++] = b;
	}
}

static const char *const fail_class_names[] = {
#define LD_FAIL_NAME(name, text) text,
	LD_FAIL_ON_LIST(LD_FAIL_NAME)
#undef LD_FAIL_NAME
};

#define FAIL_CLASS_COUNT (sizeof(fail_class_names) / sizeof(fail_class_names[0]))

unsigned
ld_report_fail_classes(const struct ld_result *result, unsigned mask)
{
	unsigned matched = 0;

	for (unsigned i = 0; i < FAIL_CLASS_COUNT; i++)
		if ((mask & (1u << i)) && ld_plan_fails(result, 1u << i))
			matched |= 1u << i;
	return matched;
}

void
ld_report_fail_class_names(unsigned mask, char *buf, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (unsigned i = 0; i < FAIL_CLASS_COUNT && used < size; i++) {
		if (!(mask & (1u << i)))
			continue;
		snprintf(buf + used, size - used, "%s%s", used > 0 ? "," : "",
		    fail_class_names[i]);
		used += strlen(buf + used);
	}
}

static void
write_result_text(FILE *out, const struct landed_ar_result *r)
{
	fprintf(out, "%s", r->method);
	if (r->method_version != NULL)
		fprintf(out, "/%s", r->method_version);
	fprintf(out, "=%s", r->result);
	if (r->reason != NULL)
		fprintf(out, " reason=\"%s\"", r->reason);
	for (size_t p = 0; p < r->property_count; p++) {
		const struct landed_ar_property *prop = &r->properties[p];

		if (prop->ptype != NULL)
			fprintf(out, " %s.%s=%s", prop->ptype, prop->property,
			    prop->value);
		else
			fprintf(out, " %s=%s", prop->property, prop->value);
	}
}

char *
ld_report_header_text(const struct landed_ar_header *header)
{
	char *text = NULL, *clean;
	size_t length = 0;
	FILE *out = open_memstream(&text, &length);

	if (out == NULL)
		return NULL;
	fputs(landed_ar_kind_name(header->kind), out);
	if (header->instance >= 0)
		fprintf(out, " i=%ld", header->instance);
	if (header->authserv_id != NULL)
		fprintf(out, " %s", header->authserv_id);
	fputs(":", out);
	if (header->error != NULL)
		fprintf(out, " not parsed: %s", header->error);
	for (size_t i = 0; i < header->result_count; i++) {
		fputs(i == 0 ? " " : "; ", out);
		write_result_text(out, &header->results[i]);
	}
	if (header->result_count == 0 && header->error == NULL)
		fputs(" no results", out);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	clean = ld_report_clean_text(text, 0);
	free(text);
	return clean;
}

static const char *
opinion_name(enum landed_spam_verdict opinion)
{
	switch (opinion) {
	case LANDED_VERDICT_SPAM:
		return "spam";
	case LANDED_VERDICT_NOT_SPAM:
		return "not_spam";
	case LANDED_VERDICT_UNKNOWN:
		break;
	}
	return NULL;
}

const char *
ld_report_opinion_name(const struct ld_result *result)
{
	return opinion_name(result->verdict.opinion);
}

int
ld_report_verdict_text(const struct ld_result *result, char **text_r)
{
	const struct ld_provider_verdict *verdict = &result->verdict;
	char *text = NULL;
	size_t length = 0;
	FILE *out;

	*text_r = NULL;
	if (verdict->member_count == 0 && verdict->opinion == LANDED_VERDICT_UNKNOWN)
		return 0;
	if ((out = open_memstream(&text, &length)) == NULL)
		return -1;
	for (size_t i = 0; i < verdict->member_count; i++) {
		const struct ld_verdict_member *member = &verdict->members[i];

		fprintf(out, "%s%s=", i > 0 ? " " : "", member->key);
		if (member->type == LD_VERDICT_STRING)
			fputs(member->string != NULL ? member->string : "", out);
		else if (member->type == LD_VERDICT_BOOL)
			fputs(member->number != 0 ? "true" : "false", out);
		else
			fprintf(out, "%lld", member->number);
	}
	if (verdict->opinion != LANDED_VERDICT_UNKNOWN)
		fprintf(out, "%sjudged %s%s%s%s", verdict->member_count > 0 ?
		    "; " : "", opinion_name(verdict->opinion),
		    verdict->evidence != NULL ? " (" : "",
		    verdict->evidence != NULL ? verdict->evidence : "",
		    verdict->evidence != NULL ? ")" : "");
	if (fclose(out) != 0) {
		free(text);
		return -1;
	}
	*text_r = ld_report_clean_text(text, 0);
	free(text);
	return *text_r != NULL ? 0 : -1;
}

int
ld_report_bounce_text(const struct ld_result *result, char **text_r)
{
	const struct ld_bounce *bounce = result->bounce;
	char *text = NULL;
	size_t length = 0;
	FILE *out;

	*text_r = NULL;
	if (bounce == NULL)
		return 0;
	if ((out = open_memstream(&text, &length)) == NULL)
		return -1;
	fputs(bounce->action, out);
	if (bounce->smtp_code != 0)
		fprintf(out, " %u", bounce->smtp_code);
	if (bounce->status != NULL)
		fprintf(out, " %s", bounce->status);
	if (bounce->explanation != NULL)
		fprintf(out, " (%s)", bounce->explanation);
	if (bounce->reporting_mta != NULL)
		fprintf(out, ", reported by %s", bounce->reporting_mta);
	if (fclose(out) != 0) {
		free(text);
		return -1;
	}
	*text_r = ld_report_clean_text(text, 0);
	free(text);
	return *text_r != NULL ? 0 : -1;
}
