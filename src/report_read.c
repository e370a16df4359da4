/*
 * Reading a saved JSON report (schema "landed/1") back into the result
 * model, for `landed report`.  Every member is checked for its type, and
 * an error names the file and the member ("results[3].auth.spf").  A
 * member that landed/1 does not define is ignored; a missing optional
 * member reads as null.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "provider_registry.h"
#include "report.h"

#define SCHEMA "landed/1"
#define WHERE_MAX 200
/* The maximum length of a member path copied into a longer one. */
#define WHERE_PART "%.120s"
/* The maximum number of header fields one result may list. */
#define MAX_HEADERS_PER_RESULT 1024

struct reader {
	const char *name;		/* file name for messages */
	struct ld_report_file *file;
	struct ld_error *err;
	size_t string_capacity;
};

static enum ld_status
invalid(struct reader *r, const char *where, const char *what)
{
	return ld_error_set(r->err, LD_ERR_SYNTAX, "%s: %s: %s; the file is "
	    "not a valid landed report", r->name, where, what);
}

static enum ld_status
no_memory(struct reader *r)
{
	return ld_error_set(r->err, LD_ERR_NOMEM, "%s: out of memory while "
	    "reading the report", r->name);
}

/* Keeps a copy of s for the report's borrowed pointers; s may be NULL. */
static enum ld_status
keep_string(struct reader *r, const char *s, const char **kept_r)
{
	struct ld_report_file *file = r->file;
	char *copy;

	*kept_r = NULL;
	if (s == NULL)
		return LD_OK;
	if (file->string_count == r->string_capacity) {
		size_t capacity = r->string_capacity ? r->string_capacity * 2 : 64;
		char **grown = realloc(file->strings, capacity * sizeof(*grown));

		if (grown == NULL)
			return no_memory(r);
		file->strings = grown;
		r->string_capacity = capacity;
	}
	if ((copy = strdup(s)) == NULL)
		return no_memory(r);
	file->strings[file->string_count++] = copy;
	*kept_r = copy;
	return LD_OK;
}

/*
 * Gets the string member key of object: *value_r is borrowed from the
 * JSON tree, and NULL for null or (unless required) an absent member.
 */
static enum ld_status
get_string(struct reader *r, json_t *object, const char *key,
    const char *where, int required, const char **value_r)
{
	json_t *value = json_object_get(object, key);
	char at[WHERE_MAX + 64];

	*value_r = NULL;
	snprintf(at, sizeof(at), WHERE_PART "%s%s", where, where[0] != '\0' ? "." : "",
	    key);
	if (value == NULL || json_is_null(value)) {
		if (required)
			return invalid(r, at, value == NULL ? "missing" :
			    "is null, expected a string");
		return LD_OK;
	}
	if (!json_is_string(value))
		return invalid(r, at, "expected a string");
	*value_r = json_string_value(value);
	return LD_OK;
}

/* Like get_string(), and the result is a new copy, or NULL. */
static enum ld_status
copy_string(struct reader *r, json_t *object, const char *key,
    const char *where, int required, char **copy_r)
{
	const char *value;
	enum ld_status status;

	*copy_r = NULL;
	status = get_string(r, object, key, where, required, &value);
	if (status != LD_OK || value == NULL)
		return status;
	if ((*copy_r = strdup(value)) == NULL)
		return no_memory(r);
	return LD_OK;
}

/* Gets a whole number from 0 to max; null or absent reads as 0. */
static enum ld_status
get_count(struct reader *r, json_t *object, const char *key,
    const char *where, json_int_t max, json_int_t *value_r)
{
	json_t *value = json_object_get(object, key);
	char at[WHERE_MAX + 64];

	*value_r = 0;
	snprintf(at, sizeof(at), WHERE_PART ".%s", where, key);
	if (value == NULL || json_is_null(value))
		return LD_OK;
	if (!json_is_integer(value) || json_integer_value(value) < 0 ||
	    json_integer_value(value) > max)
		return invalid(r, at, "expected a whole number from 0 up");
	*value_r = json_integer_value(value);
	return LD_OK;
}

/* Parses "2026-12-04T19:43:21Z"; null or absent reads as -1. */
static enum ld_status
get_time(struct reader *r, json_t *object, const char *key,
    const char *where, time_t *time_r)
{
	const char *text, *end;
	char at[WHERE_MAX + 64];
	struct tm tm = { 0 };
	enum ld_status status;

	*time_r = -1;
	status = get_string(r, object, key, where, 0, &text);
	if (status != LD_OK || text == NULL)
		return status;
	end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0') {
		snprintf(at, sizeof(at), WHERE_PART "%s%s", where,
		    where[0] != '\0' ? "." : "", key);
		return invalid(r, at, "expected a UTC time such as "
		    "\"2026-12-04T19:43:21Z\"");
	}
	*time_r = timegm(&tm);
	return LD_OK;
}

/* Gets an array member; absent or null reads as an empty array. */
static enum ld_status
get_array(struct reader *r, json_t *object, const char *key,
    const char *where, json_t **array_r)
{
	json_t *value = json_object_get(object, key);
	char at[WHERE_MAX + 64];

	*array_r = NULL;
	if (value == NULL || json_is_null(value))
		return LD_OK;
	if (!json_is_array(value)) {
		snprintf(at, sizeof(at), WHERE_PART "%s%s", where,
		    where[0] != '\0' ? "." : "", key);
		return invalid(r, at, "expected an array");
	}
	*array_r = value;
	return LD_OK;
}

static enum ld_status
read_tests(struct reader *r, json_t *root)
{
	struct ld_report *report = &r->file->report;
	json_t *tests, *test;
	char where[WHERE_MAX];
	enum ld_status status;
	size_t i;

	if ((status = get_array(r, root, "tests", "", &tests)) != LD_OK)
		return status;
	if (tests == NULL)
		return invalid(r, "tests", "missing");
	report->tests = calloc(json_array_size(tests) + 1, sizeof(*report->tests));
	if (report->tests == NULL)
		return no_memory(r);

	json_array_foreach(tests, i, test) {
		struct ld_test *t = &report->tests[i];

		snprintf(where, sizeof(where), "tests[%zu]", i);
		if (!json_is_object(test))
			return invalid(r, where, "expected an object");
		report->test_count = i + 1;
		if ((status = copy_string(r, test, "label", where, 1,
		    &t->label)) != LD_OK ||
		    (status = copy_string(r, test, "message_id", where, 0,
		    &t->message_id)) != LD_OK ||
		    (status = copy_string(r, test, "tag", where, 0,
		    &t->tag)) != LD_OK)
			return status;
		for (size_t earlier = 0; earlier < i; earlier++)
			if (strcmp(report->tests[earlier].label, t->label) == 0)
				return invalid(r, where, "a second test with "
				    "this label");
	}
	return LD_OK;
}

static enum ld_status
read_account(struct reader *r, json_t *object, const char *where,
    struct ld_account *account, struct ld_account_report *entry)
{
	const char *status_text;
	enum ld_status status;

	if (!json_is_object(object))
		return invalid(r, where, "expected an object");
	if ((status = copy_string(r, object, "name", where, 1,
	    &account->name)) != LD_OK ||
	    (status = copy_string(r, object, "provider", where, 1,
	    &account->provider)) != LD_OK ||
	    (status = copy_string(r, object, "user", where, 0,
	    &account->user)) != LD_OK ||
	    (status = copy_string(r, object, "error", where, 0,
	    &entry->error)) != LD_OK ||
	    (status = get_string(r, object, "status", where, 1,
	    &status_text)) != LD_OK)
		return status;
	if (strcmp(status_text, "ok") != 0 && strcmp(status_text, "error") != 0)
		return invalid(r, where, "status is neither \"ok\" nor \"error\"");

	entry->account = account;
	entry->provider = ld_provider_find(account->provider);
	entry->ok = strcmp(status_text, "ok") == 0;
	return LD_OK;
}

static enum ld_status
read_accounts(struct reader *r, json_t *root)
{
	struct ld_report_file *file = r->file;
	struct ld_report *report = &file->report;
	json_t *accounts, *account;
	char where[WHERE_MAX];
	enum ld_status status;
	size_t i, count;

	if ((status = get_array(r, root, "accounts", "", &accounts)) != LD_OK)
		return status;
	if (accounts == NULL)
		return invalid(r, "accounts", "missing");
	count = json_array_size(accounts);
	file->accounts = calloc(count + 1, sizeof(*file->accounts));
	report->accounts = calloc(count + 1, sizeof(*report->accounts));
	if (file->accounts == NULL || report->accounts == NULL)
		return no_memory(r);

	json_array_foreach(accounts, i, account) {
		snprintf(where, sizeof(where), "accounts[%zu]", i);
		report->account_count = i + 1;
		status = read_account(r, account, where, &file->accounts[i],
		    &report->accounts[i]);
		if (status != LD_OK)
			return status;
		for (size_t earlier = 0; earlier < i; earlier++)
			if (strcmp(file->accounts[earlier].name,
			    file->accounts[i].name) == 0)
				return invalid(r, where, "a second account with "
				    "this name");
	}
	return LD_OK;
}

static enum ld_status
read_property(struct reader *r, json_t *object, const char *where,
    struct landed_ar_property *property)
{
	enum ld_status status;

	if (!json_is_object(object))
		return invalid(r, where, "expected an object");
	if ((status = copy_string(r, object, "ptype", where, 0,
	    &property->ptype)) != LD_OK ||
	    (status = copy_string(r, object, "property", where, 1,
	    &property->property)) != LD_OK ||
	    (status = copy_string(r, object, "value", where, 1,
	    &property->value)) != LD_OK)
		return status;
	return LD_OK;
}

static enum ld_status
read_ar_result(struct reader *r, json_t *object, const char *where,
    struct landed_ar_result *result)
{
	char at[WHERE_MAX];
	json_t *properties, *property;
	enum ld_status status;
	size_t i;

	if (!json_is_object(object))
		return invalid(r, where, "expected an object");
	if ((status = copy_string(r, object, "method", where, 1,
	    &result->method)) != LD_OK ||
	    (status = copy_string(r, object, "method_version", where, 0,
	    &result->method_version)) != LD_OK ||
	    (status = copy_string(r, object, "result", where, 1,
	    &result->result)) != LD_OK ||
	    (status = copy_string(r, object, "reason", where, 0,
	    &result->reason)) != LD_OK ||
	    (status = get_array(r, object, "properties", where,
	    &properties)) != LD_OK)
		return status;
	if (json_array_size(properties) > LANDED_AR_MAX_PROPERTIES)
		return invalid(r, where, "more properties than a parsed header "
		    "can have");
	result->properties = calloc(json_array_size(properties) + 1,
	    sizeof(*result->properties));
	if (result->properties == NULL)
		return no_memory(r);
	json_array_foreach(properties, i, property) {
		snprintf(at, sizeof(at), WHERE_PART ".properties[%zu]", where, i);
		result->property_count = i + 1;
		status = read_property(r, property, at, &result->properties[i]);
		if (status != LD_OK)
			return status;
	}
	return LD_OK;
}

static enum ld_status
read_header_kind(struct reader *r, json_t *object, const char *where,
    struct landed_ar_header *header)
{
	const char *field;
	enum ld_status status;
	int kind;

	status = get_string(r, object, "field", where, 1, &field);
	if (status != LD_OK)
		return status;
	for (kind = 0; kind < LANDED_AR_KIND_COUNT; kind++)
		if (strcmp(field, landed_ar_kind_name(kind)) == 0)
			break;
	if (kind == LANDED_AR_KIND_COUNT)
		return invalid(r, where, "field is not Authentication-Results, "
		    "ARC-Authentication-Results or Received-SPF");
	header->kind = (enum landed_ar_kind)kind;
	return LD_OK;
}

static enum ld_status
read_header_meta(struct reader *r, json_t *object, const char *where,
    struct landed_ar_header *header)
{
	json_t *instance = json_object_get(object, "instance");
	json_t *trusted = json_object_get(object, "trusted");
	enum ld_status status;

	if ((status = read_header_kind(r, object, where, header)) != LD_OK ||
	    (status = copy_string(r, object, "authserv_id", where, 0,
	    &header->authserv_id)) != LD_OK ||
	    (status = copy_string(r, object, "version", where, 0,
	    &header->version)) != LD_OK ||
	    (status = copy_string(r, object, "error", where, 0,
	    &header->error)) != LD_OK)
		return status;

	header->instance = -1;
	if (instance != NULL && !json_is_null(instance)) {
		if (!json_is_integer(instance) || json_integer_value(instance) < 0 ||
		    json_integer_value(instance) > LONG_MAX)
			return invalid(r, where, "instance is not a whole number");
		header->instance = (long)json_integer_value(instance);
	}
	header->trusted = LANDED_AR_TRUST_UNSET;
	if (json_is_boolean(trusted))
		header->trusted = json_is_true(trusted) ? LANDED_AR_TRUST_YES :
		    LANDED_AR_TRUST_NO;
	else if (trusted != NULL && !json_is_null(trusted))
		return invalid(r, where, "trusted is not true, false or null");
	return LD_OK;
}

static enum ld_status
read_deviations(struct reader *r, json_t *object, const char *where,
    struct landed_ar_header *header)
{
	json_t *deviations, *deviation;
	enum ld_status status;
	size_t i;

	status = get_array(r, object, "deviations", where, &deviations);
	if (status != LD_OK || json_array_size(deviations) == 0)
		return status;
	header->deviations = calloc(json_array_size(deviations),
	    sizeof(*header->deviations));
	if (header->deviations == NULL)
		return no_memory(r);
	json_array_foreach(deviations, i, deviation) {
		if (!json_is_string(deviation))
			return invalid(r, where, "deviations holds a non-string");
		status = keep_string(r, json_string_value(deviation),
		    &header->deviations[i]);
		if (status != LD_OK)
			return status;
		header->deviation_count = i + 1;
	}
	return LD_OK;
}

/* Reads one element of "authentication_results" into a new header. */
static enum ld_status
read_header(struct reader *r, json_t *object, const char *where,
    size_t position, struct landed_ar_header **header_r)
{
	struct landed_ar_header *header;
	json_t *results, *result;
	char at[WHERE_MAX];
	enum ld_status status;
	size_t i;

	if (!json_is_object(object))
		return invalid(r, where, "expected an object");
	if ((*header_r = header = calloc(1, sizeof(*header))) == NULL)
		return no_memory(r);
	header->position = position;
	if ((status = read_header_meta(r, object, where, header)) != LD_OK ||
	    (status = read_deviations(r, object, where, header)) != LD_OK ||
	    (status = get_array(r, object, "results", where, &results)) != LD_OK)
		return status;
	if (json_array_size(results) > LANDED_AR_MAX_RESULTS)
		return invalid(r, where, "more results than a parsed header "
		    "can have");
	header->results = calloc(json_array_size(results) + 1,
	    sizeof(*header->results));
	if (header->results == NULL)
		return no_memory(r);
	json_array_foreach(results, i, result) {
		snprintf(at, sizeof(at), WHERE_PART ".results[%zu]", where, i);
		header->result_count = i + 1;
		status = read_ar_result(r, result, at, &header->results[i]);
		if (status != LD_OK)
			return status;
	}
	return LD_OK;
}

static enum ld_status
read_headers(struct reader *r, json_t *object, const char *where,
    struct ld_result *result)
{
	json_t *headers, *header;
	char at[WHERE_MAX];
	enum ld_status status;
	size_t i;

	status = get_array(r, object, "authentication_results", where, &headers);
	if (status != LD_OK || json_array_size(headers) == 0)
		return status;
	if (json_array_size(headers) > MAX_HEADERS_PER_RESULT)
		return invalid(r, where, "more than 1024 authentication_results");
	result->headers = calloc(json_array_size(headers),
	    sizeof(*result->headers));
	if (result->headers == NULL)
		return no_memory(r);
	json_array_foreach(headers, i, header) {
		snprintf(at, sizeof(at), WHERE_PART ".authentication_results[%zu]",
		    where, i);
		result->header_count = i + 1;
		status = read_header(r, header, at, i, &result->headers[i]);
		if (status != LD_OK)
			return status;
	}
	return LD_OK;
}

static enum ld_status
read_auth(struct reader *r, json_t *object, const char *where,
    struct ld_result *result)
{
	json_t *auth = json_object_get(object, "auth");
	char at[WHERE_MAX];
	const char *value;
	enum ld_status status;

	snprintf(at, sizeof(at), WHERE_PART ".auth", where);
	if (auth == NULL || json_is_null(auth))
		return LD_OK;
	if (!json_is_object(auth))
		return invalid(r, at, "expected an object");
	if ((status = get_string(r, auth, "authserv_id", at, 0, &value)) != LD_OK ||
	    (status = keep_string(r, value, &result->authserv_id)) != LD_OK)
		return status;
	for (size_t m = 0; m < LD_AUTH_COUNT; m++) {
		status = get_string(r, auth, ld_auth_method_names[m], at, 0,
		    &value);
		if (status != LD_OK ||
		    (status = keep_string(r, value, &result->auth[m])) != LD_OK)
			return status;
	}
	return LD_OK;
}

static enum ld_status
read_placement(struct reader *r, json_t *object, const char *where,
    struct ld_result *result)
{
	const char *name;
	enum ld_status status;
	int p;

	status = get_string(r, object, "placement", where, 1, &name);
	if (status != LD_OK)
		return status;
	for (p = LD_PLACEMENT_INBOX; p <= LD_PLACEMENT_ERROR; p++) {
		if (strcmp(name, ld_placement_name(p)) == 0) {
			result->placement = (enum ld_placement)p;
			return LD_OK;
		}
	}
	return invalid(r, where, "placement is not inbox, spam, other, "
	    "missing, rejected or error");
}

static enum ld_status
read_opinion(struct reader *r, json_t *value, const char *where,
    struct ld_provider_verdict *verdict)
{
	const char *text = json_string_value(value);

	if (text != NULL && strcmp(text, "spam") == 0)
		verdict->opinion = LANDED_VERDICT_SPAM;
	else if (text != NULL && strcmp(text, "not_spam") == 0)
		verdict->opinion = LANDED_VERDICT_NOT_SPAM;
	else
		return invalid(r, where, "verdict is neither \"spam\" nor "
		    "\"not_spam\"");
	return LD_OK;
}

/* Reads a plugin's member: a whole number, a string or a boolean. */
static enum ld_status
read_verdict_member(struct reader *r, const char *key, json_t *value,
    const char *where, struct ld_provider_verdict *verdict)
{
	struct ld_verdict_member *member;

	if (verdict->member_count == LD_VERDICT_MAX_MEMBERS)
		return invalid(r, where, "more members than a provider may set");
	member = &verdict->members[verdict->member_count];
	if (json_is_integer(value)) {
		member->type = LD_VERDICT_INT;
		member->number = json_integer_value(value);
	} else if (json_is_boolean(value)) {
		member->type = LD_VERDICT_BOOL;
		member->number = json_is_true(value);
	} else if (json_is_string(value)) {
		member->type = LD_VERDICT_STRING;
		if ((member->string = strdup(json_string_value(value))) == NULL)
			return no_memory(r);
	} else {
		return invalid(r, where, "a member is not a whole number, a "
		    "string or a boolean");
	}
	if ((member->key = strdup(key)) == NULL) {
		free(member->string);
		member->string = NULL;
		return no_memory(r);
	}
	verdict->member_count++;
	return LD_OK;
}

/*
 * Reads "provider_verdict": the plugin's members, and the members that
 * landed writes from the provider's opinion ("verdict", "evidence",
 * "disagreement"; "disagrees" follows from "disagreement").
 */
static enum ld_status
read_provider_verdict(struct reader *r, json_t *object, const char *where,
    struct ld_result *result)
{
	json_t *verdict = json_object_get(object, "provider_verdict"), *value;
	struct ld_provider_verdict *out = &result->verdict;
	char at[WHERE_MAX];
	const char *key;
	enum ld_status status = LD_OK;

	snprintf(at, sizeof(at), WHERE_PART ".provider_verdict", where);
	if (verdict == NULL || json_is_null(verdict))
		return LD_OK;
	if (!json_is_object(verdict))
		return invalid(r, at, "expected an object");
	json_object_foreach(verdict, key, value) {
		if (strcmp(key, "disagrees") == 0)
			continue;
		if (strcmp(key, "verdict") == 0)
			status = read_opinion(r, value, at, out);
		else if (strcmp(key, "evidence") == 0)
			status = copy_string(r, verdict, key, at, 0, &out->evidence);
		else if (strcmp(key, "disagreement") == 0)
			status = copy_string(r, verdict, key, at, 0,
			    &result->disagreement);
		else
			status = read_verdict_member(r, key, value, at, out);
		if (status != LD_OK)
			return status;
	}
	return LD_OK;
}

/* Returns the fixed string of a bounce action, which the model borrows. */
static const char *
bounce_action(const char *text)
{
	if (text != NULL && strcmp(text, "failed") == 0)
		return "failed";
	if (text != NULL && strcmp(text, "delayed") == 0)
		return "delayed";
	return NULL;
}

static enum ld_status
read_bounce(struct reader *r, json_t *object, const char *where,
    struct ld_result *result)
{
	json_t *value = json_object_get(object, "bounce");
	struct ld_bounce *bounce;
	const char *text;
	json_int_t code;
	char at[WHERE_MAX];
	enum ld_status status;

	snprintf(at, sizeof(at), WHERE_PART ".bounce", where);
	if (value == NULL || json_is_null(value))
		return LD_OK;
	if (!json_is_object(value))
		return invalid(r, at, "expected an object or null");
	if ((result->bounce = bounce = calloc(1, sizeof(*bounce))) == NULL)
		return no_memory(r);
	if ((status = get_string(r, value, "action", at, 1, &text)) != LD_OK)
		return status;
	if ((bounce->action = bounce_action(text)) == NULL)
		return invalid(r, at, "action is neither \"failed\" nor "
		    "\"delayed\"");
	if ((status = get_count(r, value, "smtp_code", at, 999, &code)) != LD_OK ||
	    (status = copy_string(r, value, "status", at, 0,
	    &bounce->status)) != LD_OK ||
	    (status = copy_string(r, value, "diagnostic", at, 0,
	    &bounce->diagnostic)) != LD_OK ||
	    (status = copy_string(r, value, "reporting_mta", at, 0,
	    &bounce->reporting_mta)) != LD_OK ||
	    (status = get_string(r, value, "explanation", at, 0,
	    &text)) != LD_OK ||
	    (status = keep_string(r, text, &bounce->explanation)) != LD_OK)
		return status;
	bounce->smtp_code = (unsigned)code;
	return LD_OK;
}

/* Reads the members of one result object into an empty result. */
static enum ld_status
read_result_members(struct reader *r, json_t *object, const char *where,
    struct ld_result *result)
{
	json_int_t copies, ignored, found_after;
	enum ld_status status;

	if ((status = read_placement(r, object, where, result)) != LD_OK ||
	    (status = copy_string(r, object, "folder", where, 0,
	    &result->folder)) != LD_OK ||
	    (status = copy_string(r, object, "category", where, 0,
	    &result->category)) != LD_OK ||
	    (status = copy_string(r, object, "error", where, 0,
	    &result->error)) != LD_OK ||
	    (status = get_count(r, object, "copies", where, UINT_MAX,
	    &copies)) != LD_OK ||
	    (status = get_count(r, object, "ignored_authentication_results",
	    where, (json_int_t)LLONG_MAX, &ignored)) != LD_OK ||
	    (status = get_time(r, object, "received_at", where,
	    &result->received_at)) != LD_OK ||
	    (status = read_auth(r, object, where, result)) != LD_OK ||
	    (status = read_headers(r, object, where, result)) != LD_OK ||
	    (status = read_provider_verdict(r, object, where, result)) != LD_OK ||
	    (status = read_bounce(r, object, where, result)) != LD_OK ||
	    (status = copy_string(r, object, "moved_from", where, 0,
	    &result->moved_from)) != LD_OK ||
	    (status = get_count(r, object, "found_after_seconds", where,
	    (json_int_t)(LLONG_MAX / 1000), &found_after)) != LD_OK)
		return status;
	result->found_after_ms = found_after * 1000;
	result->copies = (unsigned)copies;
	result->ignored_headers = (size_t)ignored;
	return LD_OK;
}

static size_t
find_account(const struct ld_report_file *file, const char *name)
{
	for (size_t a = 0; a < file->report.account_count; a++)
		if (strcmp(file->accounts[a].name, name) == 0)
			return a;
	return SIZE_MAX;
}

static size_t
find_test(const struct ld_report *report, const char *label)
{
	for (size_t t = 0; t < report->test_count; t++)
		if (strcmp(report->tests[t].label, label) == 0)
			return t;
	return SIZE_MAX;
}

/*
 * Places result i: landed writes results ordered by account, then test,
 * so the expected position is tried first and the names are searched
 * only when it does not match.
 */
static enum ld_status
locate_result(struct reader *r, json_t *object, const char *where, size_t i,
    size_t *index_r)
{
	struct ld_report *report = &r->file->report;
	const char *account, *test;
	size_t a, t;
	enum ld_status status;

	if ((status = get_string(r, object, "account", where, 1,
	    &account)) != LD_OK ||
	    (status = get_string(r, object, "test", where, 1, &test)) != LD_OK)
		return status;
	a = i / report->test_count;
	t = i % report->test_count;
	if (a >= report->account_count ||
	    strcmp(r->file->accounts[a].name, account) != 0)
		a = find_account(r->file, account);
	if (strcmp(report->tests[t].label, test) != 0)
		t = find_test(report, test);
	if (a == SIZE_MAX)
		return invalid(r, where, "account is not in \"accounts\"");
	if (t == SIZE_MAX)
		return invalid(r, where, "test is not in \"tests\"");
	*index_r = a * report->test_count + t;
	return LD_OK;
}

static enum ld_status
check_complete(struct reader *r, const unsigned char *seen)
{
	struct ld_report *report = &r->file->report;

	for (size_t i = 0; i < report->account_count * report->test_count; i++) {
		char what[WHERE_MAX * 3];

		if (seen[i])
			continue;
		snprintf(what, sizeof(what), "no result for account \"%.*s\" "
		    "and test \"%.*s\"", WHERE_MAX,
		    report->accounts[i / report->test_count].account->name,
		    WHERE_MAX, report->tests[i % report->test_count].label);
		return invalid(r, "results", what);
	}
	return LD_OK;
}

static enum ld_status
read_results(struct reader *r, json_t *root)
{
	struct ld_report *report = &r->file->report;
	size_t count = report->account_count * report->test_count, i, index = 0;
	unsigned char *seen;
	json_t *results, *object;
	char where[WHERE_MAX];
	enum ld_status status = LD_OK;

	if ((status = get_array(r, root, "results", "", &results)) != LD_OK)
		return status;
	if (results == NULL)
		return invalid(r, "results", "missing");
	if ((seen = calloc(count + 1, 1)) == NULL)
		return no_memory(r);

	json_array_foreach(results, i, object) {
		snprintf(where, sizeof(where), "results[%zu]", i);
		if (!json_is_object(object)) {
			status = invalid(r, where, "expected an object");
			break;
		}
		if (count == 0 || (status = locate_result(r, object, where, i,
		    &index)) != LD_OK)
			break;
		if (seen[index]) {
			status = invalid(r, where, "a second result for this "
			    "account and test");
			break;
		}
		seen[index] = 1;
		status = read_result_members(r, object, where,
		    &report->results[index]);
		if (status != LD_OK)
			break;
	}
	if (status == LD_OK && count == 0 && json_array_size(results) > 0)
		status = invalid(r, "results", "results without accounts or tests");
	if (status == LD_OK)
		status = check_complete(r, seen);
	free(seen);
	return status;
}

static enum ld_status
check_schema(struct reader *r, json_t *root)
{
	json_t *schema;

	if (!json_is_object(root))
		return ld_error_set(r->err, LD_ERR_SYNTAX, "%s is not a landed "
		    "report: the JSON is not an object", r->name);
	schema = json_object_get(root, "schema");
	if (schema == NULL)
		return ld_error_set(r->err, LD_ERR_SYNTAX, "%s is not a landed "
		    "report: it has no \"schema\" member", r->name);
	if (!json_is_string(schema))
		return invalid(r, "schema", "expected a string");
	if (strcmp(json_string_value(schema), SCHEMA) != 0)
		return ld_error_set(r->err, LD_ERR_UNSUPPORTED, "%s: report "
		    "schema \"%.64s\" is not supported; this landed reads "
		    "\"" SCHEMA "\" only, so render the file with the landed "
		    "version that wrote it", r->name, json_string_value(schema));
	return LD_OK;
}

/*
 * Checks the number of results against LD_REPORT_MAX_RESULTS and
 * allocates them, before the tests and accounts are read, so that
 * ld_report_clear() finds them however far reading gets.
 */
static enum ld_status
allocate_results(struct reader *r, json_t *root)
{
	struct ld_report *report = &r->file->report;
	json_t *tests = json_object_get(root, "tests");
	json_t *accounts = json_object_get(root, "accounts");
	size_t test_count = json_array_size(tests);
	size_t account_count = json_array_size(accounts);

	if (test_count > 0 && account_count > LD_REPORT_MAX_RESULTS / test_count)
		return ld_error_set(r->err, LD_ERR_LIMIT, "%s: %zu accounts "
		    "times %zu tests is more than the %u results landed "
		    "reads", r->name, account_count, test_count,
		    LD_REPORT_MAX_RESULTS);
	report->results = calloc(account_count * test_count + 1,
	    sizeof(*report->results));
	if (report->results == NULL)
		return no_memory(r);
	for (size_t i = 0; i < account_count * test_count; i++)
		ld_result_clear(&report->results[i]);
	return LD_OK;
}

/* Reads the top-level "bounces": the mailbox that --bounces searched. */
static enum ld_status
read_bounce_mailbox(struct reader *r, json_t *root)
{
	struct ld_report_file *file = r->file;
	struct ld_bounce_report *out = &file->report.bounces;
	json_t *value = json_object_get(root, "bounces");
	const char *status_text;
	json_int_t bounces, unmatched;
	enum ld_status status;

	if (value == NULL || json_is_null(value))
		return LD_OK;
	if (!json_is_object(value))
		return invalid(r, "bounces", "expected an object or null");
	if ((status = copy_string(r, value, "account", "bounces", 1,
	    &file->bounce_account.name)) != LD_OK ||
	    (status = get_string(r, value, "status", "bounces", 1,
	    &status_text)) != LD_OK ||
	    (status = copy_string(r, value, "error", "bounces", 0,
	    &out->error)) != LD_OK ||
	    (status = get_count(r, value, "bounces", "bounces",
	    (json_int_t)LLONG_MAX, &bounces)) != LD_OK ||
	    (status = get_count(r, value, "unmatched_recipients", "bounces",
	    (json_int_t)LLONG_MAX, &unmatched)) != LD_OK)
		return status;
	if (strcmp(status_text, "ok") != 0 && strcmp(status_text, "error") != 0)
		return invalid(r, "bounces", "status is neither \"ok\" nor "
		    "\"error\"");
	out->account = &file->bounce_account;
	out->ok = strcmp(status_text, "ok") == 0;
	out->bounces = (size_t)bounces;
	out->unmatched = (size_t)unmatched;
	return LD_OK;
}

enum ld_status
ld_report_read_buffer(const char *text, size_t length, const char *name,
    struct ld_report_file *file, struct ld_error *err)
{
	struct reader r = { .name = name, .file = file, .err = err };
	json_error_t json_error;
	json_t *root;
	enum ld_status status;

	*file = (struct ld_report_file){ 0 };
	root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &json_error);
	if (root == NULL)
		return ld_error_set(err, LD_ERR_SYNTAX, "%s is not valid JSON: "
		    "%s at line %d, column %d", name, json_error.text,
		    json_error.line, json_error.column);

	if ((status = check_schema(&r, root)) == LD_OK &&
	    (status = allocate_results(&r, root)) == LD_OK &&
	    (status = get_time(&r, root, "started_at", "",
	    &file->report.started_at)) == LD_OK &&
	    (status = get_time(&r, root, "finished_at", "",
	    &file->report.finished_at)) == LD_OK &&
	    (status = read_tests(&r, root)) == LD_OK &&
	    (status = read_accounts(&r, root)) == LD_OK &&
	    (status = read_bounce_mailbox(&r, root)) == LD_OK)
		status = read_results(&r, root);
	json_decref(root);
	if (status != LD_OK)
		ld_report_file_clear(file);
	return status;
}

/* Reads all of in, up to LD_REPORT_MAX_BYTES, into a new buffer. */
static enum ld_status
read_all(FILE *in, const char *name, char **text_r, size_t *length_r,
    struct ld_error *err)
{
	size_t length = 0, capacity = 64 * 1024;
	char *text = malloc(capacity), *grown;

	while (text != NULL) {
		length += fread(text + length, 1, capacity - length, in);
		if (ferror(in)) {
			free(text);
			return ld_error_set(err, LD_ERR_IO, "cannot read %s: %s",
			    name, strerror(errno));
		}
		if (length < capacity)
			break;
		if (capacity >= LD_REPORT_MAX_BYTES) {
			free(text);
			return ld_error_set(err, LD_ERR_LIMIT, "%s is larger than "
			    "%u MiB, the largest report landed reads", name,
			    LD_REPORT_MAX_BYTES / (1024 * 1024));
		}
		capacity *= 2;
		if ((grown = realloc(text, capacity)) == NULL)
			free(text);
		text = grown;
	}
	if (text == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory while "
		    "reading %s", name);
	*text_r = text;
	*length_r = length;
	return LD_OK;
}

enum ld_status
ld_report_read(const char *path, struct ld_report_file *file,
    struct ld_error *err)
{
	int from_stdin = strcmp(path, "-") == 0;
	const char *name = from_stdin ? "standard input" : path;
	FILE *in = from_stdin ? stdin : fopen(path, "r");
	char *text = NULL;
	size_t length = 0;
	enum ld_status status;

	*file = (struct ld_report_file){ 0 };
	if (in == NULL)
		return ld_error_set(err, errno == ENOENT ? LD_ERR_NOT_FOUND :
		    LD_ERR_IO, "cannot open %s: %s", path, strerror(errno));
	status = read_all(in, name, &text, &length, err);
	if (!from_stdin)
		fclose(in);
	if (status != LD_OK)
		return status;
	status = ld_report_read_buffer(text, length, name, file, err);
	free(text);
	return status;
}

void
ld_report_file_clear(struct ld_report_file *file)
{
	size_t accounts = file->report.account_count;

	/* ld_report_clear() frees the results, tests and account errors. */
	ld_report_clear(&file->report);
	for (size_t i = 0; file->accounts != NULL && i < accounts; i++) {
		free(file->accounts[i].name);
		free(file->accounts[i].provider);
		free(file->accounts[i].user);
	}
	free(file->accounts);
	free(file->bounce_account.name);
	for (size_t i = 0; i < file->string_count; i++)
		free(file->strings[i]);
	free(file->strings);
	*file = (struct ld_report_file){ 0 };
}
