/*
 * Tests of the report module: reading landed/1 JSON back, the compact
 * cell verdict, cleaning of server text, CSV quoting and the --fail-on
 * class names.  The golden files of every format are compared by
 * tests/it/report-formats.sh.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "plan.h"
#include "report.h"

#define FIXTURE "tests/fixtures/report-landed1.json"

static const char minimal_report[] =
    "{\"schema\": \"landed/1\", \"started_at\": \"2026-12-04T19:43:21Z\","
    " \"finished_at\": null,"
    " \"tests\": [{\"label\": \"t1\", \"message_id\": \"<a@b>\", \"tag\": null},"
    "             {\"label\": \"t2\", \"message_id\": null, \"tag\": \"x\"}],"
    " \"accounts\": [{\"name\": \"acc\", \"provider\": \"gmail\","
    "                 \"user\": null, \"status\": \"ok\", \"error\": null}],"
    " \"results\": [%s]}";

static const char result_t1[] =
    "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"spam\","
    " \"folder\": \"Junk\", \"copies\": 1,"
    " \"received_at\": \"2026-12-04T19:44:00Z\","
    " \"auth\": {\"authserv_id\": \"mx.google.com\", \"spf\": \"pass\","
    "           \"dkim\": null, \"dmarc\": \"fail\", \"arc\": null}}";

static const char result_t2[] =
    "{\"account\": \"acc\", \"test\": \"t2\", \"placement\": \"missing\"}";

/* Reads the minimal report with results (a JSON list body). */
static enum ld_status
read_minimal(const char *results, struct ld_report_file *file,
    struct ld_error *err)
{
	char text[4096];

	snprintf(text, sizeof(text), minimal_report, results);
	return ld_report_read_buffer(text, strlen(text), "test.json", file, err);
}

static void
test_read_minimal(void)
{
	struct ld_report_file file;
	struct ld_error err = { 0 };
	char results[1024];
	struct ld_result *r;

	TEST_CASE("read minimal report");
	/* Results out of order are placed by their names. */
	snprintf(results, sizeof(results), "%s, %s", result_t2, result_t1);
	CHECK_INT(LD_OK, read_minimal(results, &file, &err));
	CHECK_STR("", err.message);
	CHECK_INT(2, file.report.test_count);
	CHECK_INT(1, file.report.account_count);
	CHECK_INT(-1, file.report.finished_at);
	CHECK_INT(1796413401, file.report.started_at);
	CHECK_STR("gmail", ld_report_provider_name(&file.report.accounts[0]));
	CHECK_TRUE(file.report.accounts[0].provider != NULL);

	r = ld_report_result(&file.report, 0, 0);
	CHECK_INT(LD_PLACEMENT_SPAM, r->placement);
	CHECK_STR("Junk", r->folder);
	CHECK_STR("fail", r->auth[LD_AUTH_DMARC]);
	CHECK_STR(NULL, r->auth[LD_AUTH_DKIM]);
	CHECK_STR("mx.google.com", r->authserv_id);
	r = ld_report_result(&file.report, 0, 1);
	CHECK_INT(LD_PLACEMENT_MISSING, r->placement);
	CHECK_INT(-1, r->received_at);
	ld_report_file_clear(&file);
}

/* One invalid report and the words its error message must contain. */
struct bad_report {
	const char *results;	/* NULL: use text as the whole file */
	const char *text;
	enum ld_status status;
	const char *message;
};

static const struct bad_report bad_reports[] = {
	{ NULL, "{\"schema\": \"landed/2\"}", LD_ERR_UNSUPPORTED,
	    "test.json: report schema \"landed/2\" is not supported; this "
	    "landed reads \"landed/1\" only" },
	{ NULL, "{\"tests\": []}", LD_ERR_SYNTAX,
	    "test.json is not a landed report: it has no \"schema\" member" },
	{ NULL, "[1, 2]", LD_ERR_SYNTAX, "the JSON is not an object" },
	{ NULL, "{\"schema\": ", LD_ERR_SYNTAX, "test.json is not valid JSON" },
	{ NULL, "{\"schema\": 1}", LD_ERR_SYNTAX, "schema: expected a string" },
	{ NULL, "{\"schema\": \"landed/1\", \"schema\": \"landed/1\"}",
	    LD_ERR_SYNTAX, "duplicate object key" },
	{ "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"lost\"}",
	    NULL, LD_ERR_SYNTAX, "results[0]: placement is not inbox" },
	{ "{\"account\": \"other\", \"test\": \"t1\", \"placement\": \"inbox\"}",
	    NULL, LD_ERR_SYNTAX, "results[0]: account is not in \"accounts\"" },
	{ "{\"account\": \"acc\", \"test\": \"t9\", \"placement\": \"inbox\"}",
	    NULL, LD_ERR_SYNTAX, "results[0]: test is not in \"tests\"" },
	{ "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"inbox\"}",
	    NULL, LD_ERR_SYNTAX,
	    "no result for account \"acc\" and test \"t2\"" },
	{ "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"inbox\"},"
	  "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"inbox\"}",
	    NULL, LD_ERR_SYNTAX, "results[1]: a second result for this account" },
	{ "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"inbox\","
	  " \"copies\": -1}", NULL, LD_ERR_SYNTAX,
	    "results[0].copies: expected a whole number" },
	{ "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"inbox\","
	  " \"received_at\": \"yesterday\"}", NULL, LD_ERR_SYNTAX,
	    "results[0].received_at: expected a UTC time" },
	{ "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"inbox\","
	  " \"auth\": {\"spf\": 5}}", NULL, LD_ERR_SYNTAX,
	    "results[0].auth.spf: expected a string" },
	{ "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"inbox\","
	  " \"authentication_results\": [{\"field\": \"X-Spam\"}]}", NULL,
	    LD_ERR_SYNTAX, "results[0].authentication_results[0]: field is not" },
	{ "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"inbox\","
	  " \"provider_verdict\": {\"verdict\": \"maybe\"}}", NULL,
	    LD_ERR_SYNTAX, "verdict is neither \"spam\" nor \"not_spam\"" },
	{ "{\"account\": \"acc\", \"test\": \"t1\", \"placement\": \"rejected\","
	  " \"bounce\": {\"action\": \"lost\"}}", NULL, LD_ERR_SYNTAX,
	    "results[0].bounce: action is neither" },
};

static void
test_read_errors(void)
{
	for (size_t i = 0; i < sizeof(bad_reports) / sizeof(bad_reports[0]); i++) {
		const struct bad_report *bad = &bad_reports[i];
		struct ld_report_file file;
		struct ld_error err = { 0 };
		enum ld_status status;
		char name[64];

		snprintf(name, sizeof(name), "read error %zu", i);
		TEST_CASE(name);
		if (bad->results != NULL)
			status = read_minimal(bad->results, &file, &err);
		else
			status = ld_report_read_buffer(bad->text,
			    strlen(bad->text), "test.json", &file, &err);
		CHECK_INT(bad->status, status);
		if (strstr(err.message, bad->message) == NULL)
			CHECK_STR(bad->message, err.message);
		CHECK_TRUE(file.report.results == NULL);
		CHECK_TRUE(file.accounts == NULL);
	}
}

static void
test_read_fixture(void)
{
	struct ld_report_file file;
	struct ld_error err = { 0 };
	const struct ld_result *r;

	TEST_CASE("read fixture");
	CHECK_INT(LD_OK, ld_report_read(FIXTURE, &file, &err));
	CHECK_STR("", err.message);
	CHECK_INT(6, file.report.account_count);
	CHECK_INT(3, file.report.test_count);
	CHECK_INT(0, file.report.accounts[5].ok);
	CHECK_STR("sender", file.report.bounces.account->name);
	CHECK_INT(1, file.report.bounces.unmatched);

	/* outlook / cfg1: the provider judged it spam, found in the inbox. */
	r = ld_report_result(&file.report, 1, 0);
	CHECK_INT(LANDED_VERDICT_SPAM, r->verdict.opinion);
	CHECK_TRUE(r->disagreement != NULL);
	CHECK_TRUE(r->header_count > 0);
	CHECK_INT(LANDED_AR_TRUST_YES, r->headers[0]->trusted);

	/* yahoo / cfg4: rejected, with its bounce. */
	r = ld_report_result(&file.report, 3, 1);
	CHECK_INT(LD_PLACEMENT_REJECTED, r->placement);
	CHECK_TRUE(r->bounce != NULL);
	if (r->bounce != NULL) {
		CHECK_INT(554, r->bounce->smtp_code);
		CHECK_STR("5.7.9", r->bounce->status);
		CHECK_STR("failed", r->bounce->action);
	}
	ld_report_file_clear(&file);

	TEST_CASE("read missing file");
	CHECK_INT(LD_ERR_NOT_FOUND, ld_report_read("tests/no-such.json", &file,
	    &err));
	CHECK_TRUE(strstr(err.message, "cannot open tests/no-such.json") != NULL);
}

/* A diagnostic or folder in another charset must not drop the result
 * from the JSON report: invalid bytes become U+FFFD. */
static void
test_json_invalid_utf8(void)
{
	struct ld_report_file file;
	struct ld_error err = { 0 };
	struct ld_result *r;
	char *text = NULL, *saved;
	size_t length = 0;
	FILE *out;
	json_t *root, *results;
	json_error_t json_err;

	TEST_CASE("json with invalid UTF-8");
	CHECK_INT(LD_OK, ld_report_read(FIXTURE, &file, &err));
	r = ld_report_result(&file.report, 0, 0);
	saved = r->folder;
	r->folder = (char *)(uintptr_t)"Zur\xfc" "ck";
	out = open_memstream(&text, &length);
	CHECK_INT(0, ld_report_write_json(&file.report, out));
	fclose(out);
	r->folder = saved;

	root = json_loadb(text, length, 0, &json_err);
	CHECK_TRUE(root != NULL);
	results = json_object_get(root, "results");
	CHECK_INT(6 * 3, json_array_size(results));
	CHECK_STR("Zur\xef\xbf\xbd" "ck", json_string_value(json_object_get(
	    json_array_get(results, 0), "folder")));
	json_decref(root);
	free(text);
	ld_report_file_clear(&file);
}

static void
test_cell_text(void)
{
	struct ld_result r = { .placement = LD_PLACEMENT_SPAM, .received_at = -1 };
	struct ld_bounce bounce = { .action = "failed", .smtp_code = 550 };
	char buf[128];

	TEST_CASE("cell text spam with unknown auth");
	ld_report_cell_text(&r, buf, sizeof(buf));
	CHECK_STR("spam, auth=unknown", buf);

	TEST_CASE("cell text dmarc fail hides spf and dkim");
	r.auth[LD_AUTH_DMARC] = "fail";
	r.auth[LD_AUTH_SPF] = "softfail";
	r.auth[LD_AUTH_DKIM] = "none";
	ld_report_cell_text(&r, buf, sizeof(buf));
	CHECK_STR("spam, dmarc=fail", buf);

	TEST_CASE("cell text dmarc none shows spf and dkim");
	r.auth[LD_AUTH_DMARC] = "none";
	ld_report_cell_text(&r, buf, sizeof(buf));
	CHECK_STR("spam, dmarc=none, spf=softfail, dkim=none", buf);

	TEST_CASE("cell text passing spf hidden");
	r.auth[LD_AUTH_DMARC] = NULL;
	r.auth[LD_AUTH_SPF] = "pass";
	r.auth[LD_AUTH_ARC] = "fail";
	ld_report_cell_text(&r, buf, sizeof(buf));
	CHECK_STR("spam, dkim=none, arc=fail", buf);

	TEST_CASE("cell text category");
	r = (struct ld_result){ .placement = LD_PLACEMENT_INBOX,
	    .category = (char *)"promotions" };
	r.auth[LD_AUTH_DMARC] = "pass";
	ld_report_cell_text(&r, buf, sizeof(buf));
	CHECK_STR("inbox/promotions, dmarc=pass", buf);

	TEST_CASE("cell text disagreement");
	r.verdict.opinion = LANDED_VERDICT_SPAM;
	r.disagreement = (char *)"the provider judged it spam";
	ld_report_cell_text(&r, buf, sizeof(buf));
	CHECK_STR("inbox/promotions, dmarc=pass, provider=spam", buf);

	TEST_CASE("cell text rejected without status");
	r = (struct ld_result){ .placement = LD_PLACEMENT_REJECTED,
	    .bounce = &bounce };
	ld_report_cell_text(&r, buf, sizeof(buf));
	CHECK_STR("rejected 550", buf);

	TEST_CASE("cell text delayed bounce");
	bounce.action = "delayed";
	bounce.status = (char *)"4.4.7";
	r.placement = LD_PLACEMENT_MISSING;
	ld_report_cell_text(&r, buf, sizeof(buf));
	CHECK_STR("missing, delayed 4.4.7", buf);

	TEST_CASE("cell text error");
	r = (struct ld_result){ .placement = LD_PLACEMENT_ERROR };
	r.auth[LD_AUTH_DMARC] = "pass";
	ld_report_cell_text(&r, buf, sizeof(buf));
	CHECK_STR("error", buf);

	TEST_CASE("cell text cut to buffer");
	r = (struct ld_result){ .placement = LD_PLACEMENT_INBOX };
	r.auth[LD_AUTH_DMARC] = "pass";
	ld_report_cell_text(&r, buf, 8);
	CHECK_STR("inbox, ", buf);
}

static void
test_clean_text(void)
{
	static const struct {
		const char *in;
		int keep_newlines;
		const char *out;
	} cases[] = {
		{ "plain", 0, "plain" },
		{ "Отложенные", 0, "Отложенные" },
		{ "a\033[31mb", 0, "a\xef\xbf\xbd[31mb" },
		{ "bad \xff byte", 0, "bad \xef\xbf\xbd byte" },
		{ "c1 \xc2\x9b csi", 0, "c1 \xef\xbf\xbd csi" },
		{ "line\nbreak\ttab", 0, "line\xef\xbf\xbd" "break\xef\xbf\xbdtab" },
		{ "line\nbreak\ttab", 1, "line\nbreak\ttab" },
		{ "cr\r", 1, "cr\xef\xbf\xbd" },
		{ "del\x7f", 0, "del\xef\xbf\xbd" },
		{ "overlong \xc0\xaf", 0, "overlong \xef\xbf\xbd\xef\xbf\xbd" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *clean = ld_report_clean_text(cases[i].in,
		    cases[i].keep_newlines);
		char name[64];

		snprintf(name, sizeof(name), "clean text %zu", i);
		TEST_CASE(name);
		CHECK_STR(cases[i].out, clean);
		free(clean);
	}
	TEST_CASE("clean text NULL");
	CHECK_STR(NULL, ld_report_clean_text(NULL, 0));
}

static void
test_csv_quoting(void)
{
	struct ld_report_file file;
	struct ld_error err = { 0 };
	struct ld_report_options options = { 0 };
	char *text = NULL;
	size_t length = 0;
	FILE *out;

	TEST_CASE("csv quoting");
	CHECK_INT(LD_OK, ld_report_read(FIXTURE, &file, &err));
	out = open_memstream(&text, &length);
	CHECK_INT(0, ld_report_write_csv(&file.report, out, &options));
	fclose(out);
	CHECK_TRUE(strncmp(text, "account,provider,test,message_id,placement,"
	    "folder,", 44) == 0);
	CHECK_TRUE(strstr(text, ",\"promo, \"\"B\"\"\",") != NULL);
	CHECK_TRUE(strstr(text, ",\"Junk\xef\xbf\xbd[31m, \"\"evil\"\"\",")
	    != NULL);
	CHECK_TRUE(strstr(text, "\033") == NULL);
	CHECK_TRUE(strstr(text, "\r\n") != NULL);
	free(text);
	ld_report_file_clear(&file);
}

static void
test_fail_classes(void)
{
	struct ld_result r = { .placement = LD_PLACEMENT_SPAM };
	unsigned mask, classes;
	char names[128];

	TEST_CASE("fail classes spam and dmarc");
	r.auth[LD_AUTH_DMARC] = "fail";
	CHECK_INT(LD_OK, ld_plan_parse_fail_on("missing,spam,dmarc-fail,spf-fail",
	    &mask, NULL));
	classes = ld_report_fail_classes(&r, mask);
	ld_report_fail_class_names(classes, names, sizeof(names));
	CHECK_STR("spam,dmarc-fail", names);

	TEST_CASE("fail classes none");
	ld_report_fail_class_names(ld_report_fail_classes(&r, 0), names,
	    sizeof(names));
	CHECK_STR("", names);
}

static void
test_formats(void)
{
	static const char *const names[] = { "table", "json", "csv", "junit",
	    "html" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		TEST_CASE(names[i]);
		CHECK_TRUE(ld_report_format_find(names[i]) != NULL);
	}
	TEST_CASE("unknown format");
	CHECK_TRUE(ld_report_format_find("pdf") == NULL);
}

int
main(void)
{
	test_read_minimal();
	test_read_errors();
	test_read_fixture();
	test_json_invalid_utf8();
	test_cell_text();
	test_clean_text();
	test_csv_quoting();
	test_fail_classes();
	test_formats();
	return harness_finish();
}
