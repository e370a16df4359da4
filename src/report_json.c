/* JSON report of `landed check`, schema "landed/1". */
#include <errno.h>
#include <jansson.h>

#include "authres_json.h"
#include "provider_verdict.h"
#include "report.h"

void
ld_format_utc(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (t < 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "%s", "");
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Every string from a server, a header field or a file may hold bytes
 * that are not UTF-8; jansson rejects those, so they are replaced. */
#define string_or_null(s) ld_json_string_or_null(s)

static json_t *
time_or_null(time_t t)
{
	char buf[32];

	if (t < 0)
		return json_null();
	ld_format_utc(t, buf, sizeof(buf));
	return json_string(buf);
}

/* Whole seconds from the start of the check until found, or null. */
static json_t *
found_after_json(const struct ld_result *result)
{
	if (result->placement != LD_PLACEMENT_INBOX &&
	    result->placement != LD_PLACEMENT_SPAM &&
	    result->placement != LD_PLACEMENT_OTHER)
		return json_null();
	return json_integer((result->found_after_ms + 500) / 1000);
}

static json_t *
tests_json(const struct ld_report *report)
{
	json_t *array = json_array();

	for (size_t i = 0; i < report->test_count; i++) {
		const struct ld_test *test = &report->tests[i];

		json_array_append_new(array, json_pack("{s:o, s:o, s:o}",
		    "label", string_or_null(test->label),
		    "message_id", string_or_null(test->message_id),
		    "tag", string_or_null(test->tag)));
	}
	return array;
}

static json_t *
accounts_json(const struct ld_report *report)
{
	json_t *array = json_array();

	for (size_t i = 0; i < report->account_count; i++) {
		const struct ld_account_report *a = &report->accounts[i];

		json_array_append_new(array, json_pack("{s:o, s:s, s:o, s:s, s:o}",
		    "name", string_or_null(a->account->name),
		    "provider", a->provider != NULL ? a->provider->name :
		    a->account->provider,
		    "user", string_or_null(a->account->user),
		    "status", a->ok ? "ok" : "error",
		    "error", string_or_null(a->error)));
	}
	return array;
}

static json_t *
auth_json(const struct ld_result *result)
{
	json_t *auth = json_object();

	json_object_set_new(auth, "authserv_id",
	    string_or_null(result->authserv_id));
	for (size_t m = 0; m < LD_AUTH_COUNT; m++)
		json_object_set_new(auth, ld_auth_method_names[m],
		    string_or_null(result->auth[m]));
	return auth;
}

static json_t *
bounce_json(const struct ld_bounce *bounce)
{
	if (bounce == NULL)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}",
	    "smtp_code", bounce->smtp_code != 0 ?
	    json_integer(bounce->smtp_code) : json_null(),
	    "status", string_or_null(bounce->status),
	    "diagnostic", string_or_null(bounce->diagnostic),
	    "reporting_mta", string_or_null(bounce->reporting_mta),
	    "explanation", string_or_null(bounce->explanation),
	    "action", bounce->action);
}

/* The --bounces mailbox, or null without --bounces. */
static json_t *
bounces_json(const struct ld_report *report)
{
	const struct ld_bounce_report *b = &report->bounces;

	if (b->account == NULL)
		return json_null();
	return json_pack("{s:s, s:s, s:o, s:i, s:i}",
	    "account", b->account->name,
	    "status", b->ok ? "ok" : "error",
	    "error", string_or_null(b->error),
	    "bounces", (json_int_t)b->bounces,
	    "unmatched_recipients", (json_int_t)b->unmatched);
}

static json_t *
result_json(struct ld_report *report, size_t a, size_t t)
{
	const struct ld_result *result = ld_report_result(report, a, t);
	const struct ld_account_report *account = &report->accounts[a];
	json_t *headers = json_array();

	for (size_t h = 0; h < result->header_count; h++)
		json_array_append_new(headers,
		    ld_authres_header_json(result->headers[h]));

	return json_pack("{s:o, s:s, s:o, s:s, s:o, s:o, s:i, s:o, s:o, s:o,"
	    " s:o, s:o, s:i, s:o, s:o, s:o}",
	    "account", string_or_null(account->account->name),
	    "provider", account->provider != NULL ? account->provider->name :
	    account->account->provider,
	    "test", string_or_null(report->tests[t].label),
	    "placement", ld_placement_name(result->placement),
	    "folder", string_or_null(result->folder),
	    "category", string_or_null(result->category),
	    "copies", (json_int_t)result->copies,
	    "received_at", time_or_null(result->received_at),
	    "found_after_seconds", found_after_json(result),
	    "moved_from", string_or_null(result->moved_from),
	    "auth", auth_json(result),
	    "authentication_results", headers,
	    "ignored_authentication_results", (json_int_t)result->ignored_headers,
	    "provider_verdict", ld_provider_verdict_json(result),
	    "bounce", bounce_json(result->bounce),
	    "error", string_or_null(result->error));
}

int
ld_report_write_json(struct ld_report *report, FILE *out)
{
	json_t *root, *results;
	int rc;

	/* A result that cannot be built fails the report rather than
	 * vanishing from it. */
	results = json_array();
	for (size_t a = 0; a < report->account_count; a++) {
		for (size_t t = 0; t < report->test_count; t++) {
			json_t *result = result_json(report, a, t);

			if (result == NULL ||
			    json_array_append_new(results, result) != 0) {
				json_decref(results);
				errno = ENOMEM;
				return -1;
			}
		}
	}

	root = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}",
	    "schema", "landed/1",
	    "started_at", time_or_null(report->started_at),
	    "finished_at", time_or_null(report->finished_at),
	    "tests", tests_json(report),
	    "accounts", accounts_json(report),
	    "results", results);
	if (root == NULL) {
		errno = ENOMEM;
		return -1;
	}
	json_object_set_new(root, "bounces", bounces_json(report));

	rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc != 0 || fputc('\n', out) == EOF)
		return -1;
	return 0;
}
