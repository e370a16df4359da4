/* Tests of the test plan: Message-ID and tag arguments, exact matching of
 * fetched headers, and the --fail-on classes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "plan.h"

static void
test_message_id_arguments(void)
{
	static const struct {
		const char *arg;
		int ok;
		const char *label;
		const char *id;
	} cases[] = {
		{ "<abc@example.com>", 1, "<abc@example.com>", "<abc@example.com>" },
		{ "abc@example.com", 1, "<abc@example.com>", "<abc@example.com>" },
		{ "cfg1=<abc@example.com>", 1, "cfg1", "<abc@example.com>" },
		{ " <abc@example.com> ", 1, "<abc@example.com>", "<abc@example.com>" },
		{ "<a=b@example.com>", 1, "<a=b@example.com>", "<a=b@example.com>" },
		{ "x=<a=<b@example.com>", 0, NULL, NULL },
		{ "<abc>", 0, NULL, NULL },
		{ "<ab c@example.com>", 0, NULL, NULL },
		{ "=<abc@example.com>", 0, NULL, NULL },
		{ "<abc@example.com", 0, NULL, NULL },
		{ "", 0, NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ld_plan plan = { 0 };
		struct ld_error err = { 0 };
		enum ld_status status;

		TEST_CASE(cases[i].arg);
		status = ld_plan_add_message_id(&plan, cases[i].arg, &err);
		CHECK_INT(cases[i].ok ? LD_OK : LD_ERR_USAGE, status);
		if (cases[i].ok && status == LD_OK) {
			CHECK_STR(cases[i].label, plan.tests[0].label);
			CHECK_STR(cases[i].id, plan.tests[0].message_id);
			CHECK_STR(NULL, plan.tests[0].tag);
		} else if (!cases[i].ok) {
			CHECK_TRUE(strstr(err.message, "--message-id") != NULL);
		}
		ld_plan_clear(&plan);
	}
}

static void
test_duplicate_labels(void)
{
	struct ld_plan plan = { 0 };
	struct ld_error err = { 0 };

	TEST_CASE("duplicate labels rejected");
	CHECK_INT(LD_OK, ld_plan_add_tag(&plan, "run-1", &err));
	CHECK_INT(LD_ERR_USAGE, ld_plan_add_message_id(&plan,
	    "run-1=<x@example.com>", &err));
	CHECK_TRUE(strstr(err.message, "run-1") != NULL);
	CHECK_INT(1, plan.test_count);
	ld_plan_clear(&plan);
}

static void
test_tag_arguments(void)
{
	static const struct {
		const char *tag;
		int ok;
	} cases[] = {
		{ "run-1", 1 }, { "cfg4.2026-12-04", 1 }, { "", 0 },
		{ "two words", 0 }, { "tab\tin", 0 }, { "quote\"", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ld_plan plan = { 0 };
		struct ld_error err = { 0 };

		TEST_CASE(cases[i].tag);
		CHECK_INT(cases[i].ok ? LD_OK : LD_ERR_USAGE,
		    ld_plan_add_tag(&plan, cases[i].tag, &err));
		ld_plan_clear(&plan);
	}
}

static void
test_matching(void)
{
	static const struct {
		const char *name;
		const char *id;
		const char *tag;
		const char *header;
		int match;
	} cases[] = {
		{ "exact id", "<a1@example.com>", NULL,
		  "Message-ID: <a1@example.com>\r\n", 1 },
		{ "id superstring", "<a1@example.com>", NULL,
		  "Message-ID: <xa1@example.com>\r\n", 0 },
		{ "id case differs", "<a1@example.com>", NULL,
		  "Message-ID: <A1@example.com>\r\n", 0 },
		{ "id folded", "<a1@example.com>", NULL,
		  "Message-ID:\r\n <a1@example.com>\r\n", 1 },
		{ "header name case", "<a1@example.com>", NULL,
		  "message-id: <a1@example.com>\r\n", 1 },
		{ "tag header exact", NULL, "run-1",
		  "X-Landed-Tag: run-1\r\n", 1 },
		{ "tag header superstring", NULL, "run-1",
		  "X-Landed-Tag: run-10\r\n", 0 },
		{ "tag in subject", NULL, "run-1",
		  "Subject: probe run-1 of today\r\n", 1 },
		{ "tag superstring in subject", NULL, "run-1",
		  "Subject: probe run-10 of today\r\n", 0 },
		{ "tag prefix in subject", NULL, "run-1",
		  "Subject: probe xrun-1\r\n", 0 },
		{ "tag at subject end", NULL, "run-1",
		  "Subject: [run-1]\r\n", 1 },
		{ "tag in other header", NULL, "run-1",
		  "X-Other: run-1\r\n", 0 },
		{ "tag followed by dot word", NULL, "run-1",
		  "Subject: run-1.5\r\n", 0 },
		{ "LF line ends", NULL, "run-1",
		  "Subject: hello\nX-Landed-Tag: run-1\n", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ld_test test = {
			.label = (char *)(uintptr_t)cases[i].name,
			.message_id = (char *)(uintptr_t)cases[i].id,
			.tag = (char *)(uintptr_t)cases[i].tag,
		};

		TEST_CASE(cases[i].name);
		CHECK_INT(cases[i].match, ld_test_matches(&test, cases[i].header,
		    strlen(cases[i].header)));
	}
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, fp);
	fclose(fp);
}

static void
test_sent_files(void)
{
	char dir[] = "/tmp/landed-test-plan.XXXXXX";
	char path[256];
	struct ld_plan plan = { 0 };
	struct ld_error err = { 0 };

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}

	TEST_CASE("sent file with Message-ID");
	snprintf(path, sizeof(path), "%s/cfg1-all-pass.eml", dir);
	write_file(path, "From: a@example.com\r\nMessage-ID:\r\n <cfg1@example.com>\r\n"
	    "X-Landed-Tag: t1\r\n\r\nbody Message-ID: <no@example.com>\r\n");
	CHECK_INT(LD_OK, ld_plan_add_sent(&plan, path, &err));
	CHECK_STR("cfg1-all-pass", plan.tests[0].label);
	CHECK_STR("<cfg1@example.com>", plan.tests[0].message_id);
	CHECK_STR(NULL, plan.tests[0].tag);

	TEST_CASE("sent file with only a tag");
	snprintf(path, sizeof(path), "%s/tagged.eml", dir);
	write_file(path, "Subject: x\nX-Landed-Tag: run-7\n\nbody\n");
	CHECK_INT(LD_OK, ld_plan_add_sent(&plan, path, &err));
	CHECK_STR("tagged", plan.tests[1].label);
	CHECK_STR(NULL, plan.tests[1].message_id);
	CHECK_STR("run-7", plan.tests[1].tag);

	TEST_CASE("sent file without identity");
	snprintf(path, sizeof(path), "%s/anonymous.eml", dir);
	write_file(path, "Subject: x\n\nMessage-ID: <in-body@example.com>\n");
	CHECK_INT(LD_ERR_USAGE, ld_plan_add_sent(&plan, path, &err));
	CHECK_TRUE(strstr(err.message, "anonymous.eml") != NULL);
	CHECK_TRUE(strstr(err.message, "no Message-ID") != NULL);

	TEST_CASE("sent file with invalid Message-ID");
	snprintf(path, sizeof(path), "%s/bad.eml", dir);
	write_file(path, "Message-ID: not-an-id\n\n");
	CHECK_INT(LD_ERR_USAGE, ld_plan_add_sent(&plan, path, &err));
	CHECK_TRUE(strstr(err.message, "not-an-id") != NULL);

	TEST_CASE("sent file missing");
	snprintf(path, sizeof(path), "%s/none.eml", dir);
	CHECK_INT(LD_ERR_IO, ld_plan_add_sent(&plan, path, &err));
	CHECK_TRUE(strstr(err.message, "none.eml") != NULL);

	CHECK_INT(2, plan.test_count);
	ld_plan_clear(&plan);
	(void)!system((snprintf(path, sizeof(path), "rm -rf '%s'", dir), path));
}

static void
test_fail_on(void)
{
	struct ld_error err = { 0 };
	unsigned mask = 0;
	struct ld_result spam = { .placement = LD_PLACEMENT_SPAM };
	struct ld_result inbox_unknown = { .placement = LD_PLACEMENT_INBOX };
	struct ld_result inbox_dmarc_fail = { .placement = LD_PLACEMENT_INBOX };
	struct ld_result missing = { .placement = LD_PLACEMENT_MISSING };

	inbox_dmarc_fail.auth[LD_AUTH_DMARC] = "fail";
	inbox_dmarc_fail.auth[LD_AUTH_SPF] = "softfail";

	TEST_CASE("fail-on parse");
	CHECK_INT(LD_OK, ld_plan_parse_fail_on("spam,dmarc-fail", &mask, &err));
	CHECK_INT(1, ld_plan_fails(&spam, mask));
	CHECK_INT(1, ld_plan_fails(&inbox_dmarc_fail, mask));
	CHECK_INT(0, ld_plan_fails(&inbox_unknown, mask));
	CHECK_INT(0, ld_plan_fails(&missing, mask));

	TEST_CASE("fail-on spf-fail includes softfail");
	CHECK_INT(LD_OK, ld_plan_parse_fail_on("spf-fail", &mask, &err));
	CHECK_INT(1, ld_plan_fails(&inbox_dmarc_fail, mask));

	TEST_CASE("fail-on auth-unknown only for found messages");
	CHECK_INT(LD_OK, ld_plan_parse_fail_on("auth-unknown", &mask, &err));
	CHECK_INT(1, ld_plan_fails(&inbox_unknown, mask));
	CHECK_INT(0, ld_plan_fails(&missing, mask));

	TEST_CASE("fail-on unknown class");
	CHECK_INT(LD_ERR_USAGE, ld_plan_parse_fail_on("spam,bogus", &mask, &err));
	CHECK_TRUE(strstr(err.message, "\"bogus\"") != NULL);
}

int
main(void)
{
	test_message_id_arguments();
	test_duplicate_labels();
	test_tag_arguments();
	test_matching();
	test_sent_files();
	test_fail_on();
	return harness_finish();
}
