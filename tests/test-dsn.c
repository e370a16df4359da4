/*
 * Tests of the bounce reader (src/dsn.c) on the samples in samples/dsn
 * and samples/demo/bounces, on hand-made edge cases, and on every
 * truncation of each sample.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "harness.h"

static char *
read_file(const char *path, size_t *length_r)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	long size;

	if (fp == NULL) {
		printf("cannot open %s (run from the top of the repository)\n", path);
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (data = malloc((size_t)size + 1)) != NULL) {
		*length_r = fread(data, 1, (size_t)size, fp);
		data[*length_r] = '\0';
	}
	fclose(fp);
	return data;
}

/* Parses a sample file; NULL (with a failed check) when it is no bounce. */
static struct ld_dsn *
parse_sample(const char *path)
{
	struct ld_error err = { 0 };
	struct ld_dsn *dsn = NULL;
	size_t length = 0;
	char *data = read_file(path, &length);
	enum ld_status status;

	CHECK_TRUE(data != NULL);
	if (data == NULL)
		return NULL;
	status = ld_dsn_parse(data, length, &dsn, &err);
	free(data);
	CHECK_STR("ok", ld_status_name(status));
	if (status != LD_OK)
		printf("  %s: %s\n", path, err.message);
	return dsn;
}

struct expected_recipient {
	const char *address;
	const char *action;
	const char *status;
	unsigned smtp_code;
	const char *diagnostic_start;	/* expected prefix, or NULL for none */
};

struct sample_case {
	const char *path;
	const char *format;
	const char *reporting_mta;
	int has_returned_header;
	size_t recipient_count;
	struct expected_recipient recipients[2];
};

static const struct sample_case sample_cases[] = {
	{ "samples/dsn/postfix-5.7.1.eml", "rfc3464", "mail.example.com", 1, 1,
	    { { "seed@mx.example.net", "failed", "5.7.1", 554,
		"554 5.7.1 Rejected by policy: DMARC p=reject failed" } } },
	{ "samples/dsn/gmail-5.7.25.eml", "rfc3464", "googlemail.com", 1, 1,
	    { { "seed@gmail.example.net", "failed", "5.7.25", 550,
		"550 5.7.25 [198.51.100.5] The IP address sending this message "
		"does not have a PTR record setup, or the corresponding" } } },
	{ "samples/dsn/outlook-5.7.1.eml", "rfc3464",
	    "DM6PR02MB1234.namprd02.prod.outlook.example.net", 1, 1,
	    { { "Seed@Outlook.example.net", "failed", "5.7.1", 550,
		"550 5.7.1 Service unavailable, Client host [198.51.100.5] "
		"blocked using Spamhaus." } } },
	{ "samples/dsn/exim-failed.eml", "text", "mx.example.org", 1, 1,
	    { { "seed@mail.example.org", "failed", "5.1.1", 550,
		"550 5.1.1 <seed@mail.example.org>: Recipient address "
		"rejected: User unknown" } } },
	{ "samples/dsn/qmail-failure-notice.eml", "text", "relay.example.org",
	    1, 1,
	    { { "seed@yandex.example.net", "failed", "5.7.1", 550,
		"550 5.7.1 Message rejected under DMARC policy of example.com "
		"Giving up" } } },
	{ "samples/dsn/postfix-delayed.eml", "rfc3464", "mail.example.com", 1, 1,
	    { { "seed@gmail.example.net", "delayed", "4.7.0", 421,
		"421 4.7.0 [198.51.100.5] Our system has detected that this "
		"message is suspicious due to the very low reputation of the "
		"sending IP address. To protect" } } },
	{ "samples/dsn/postfix-multi.eml", "rfc3464", "mail.example.com", 1, 2,
	    { { "seed@yandex.example.net", "failed", "5.7.1", 550,
		"550 5.7.1 Message rejected under DMARC policy of example.com" },
	      { "seed@fastmail.example.net", "relayed", "2.0.0", 250,
		"250 2.0.0 Ok: queued as 4Y2Z3A4B5C" } } },
	{ "samples/demo/bounces/gmail-cfg4.eml", "rfc3464", "relay.example.org",
	    1, 1,
	    { { "seed@gmail.example.net", "failed", "5.7.26", 550,
		"550 5.7.26 Unauthenticated email from cfg4.example.com is not "
		"accepted because the domain's DMARC policy is reject" } } },
	{ "samples/demo/bounces/yandex-cfg4.eml", "rfc3464", "relay.example.org",
	    1, 1,
	    { { "seed@yandex.example.net", "failed", "5.7.1", 550,
		"550 5.7.1 Message rejected under DMARC policy" } } },
};

static void
check_recipient(const struct ld_dsn_recipient *r,
    const struct expected_recipient *e)
{
	CHECK_STR(e->address, r->final_recipient);
	CHECK_STR(e->action, ld_dsn_action_name(r->action));
	CHECK_STR(e->status, r->status);
	CHECK_INT(e->smtp_code, r->smtp_code);
	CHECK_TRUE(r->diagnostic != NULL);
	if (r->diagnostic != NULL && strncmp(r->diagnostic, e->diagnostic_start,
	    strlen(e->diagnostic_start)) != 0)
		CHECK_STR(e->diagnostic_start, r->diagnostic);
}

static void
test_samples(void)
{
	for (size_t i = 0; i < sizeof(sample_cases) / sizeof(sample_cases[0]);
	    i++) {
		const struct sample_case *c = &sample_cases[i];
		struct ld_dsn *dsn;

		TEST_CASE(c->path);
		if ((dsn = parse_sample(c->path)) == NULL)
			continue;
		CHECK_STR(c->format, ld_dsn_format_name(dsn->format));
		CHECK_STR(c->reporting_mta, dsn->reporting_mta);
		CHECK_INT(c->has_returned_header, dsn->returned_header != NULL);
		CHECK_INT(c->recipient_count, dsn->recipient_count);
		for (size_t r = 0; r < c->recipient_count &&
		    r < dsn->recipient_count; r++)
			check_recipient(&dsn->recipients[r], &c->recipients[r]);
		if (dsn->returned_header != NULL)
			CHECK_TRUE(strstr(dsn->returned_header, "Message-ID: <") !=
			    NULL);
		ld_dsn_free(&dsn);
		CHECK_TRUE(dsn == NULL);
	}
}

static void
test_gmail_diagnostic_joined(void)
{
	struct ld_dsn *dsn;

	TEST_CASE("gmail diagnostic continuation prefixes");
	if ((dsn = parse_sample("samples/dsn/gmail-5.7.25.eml")) == NULL)
		return;
	CHECK_TRUE(strstr(dsn->recipients[0].diagnostic, "550-") == NULL);
	CHECK_TRUE(strstr(dsn->recipients[0].diagnostic,
	    "missing PTR records. https://support.google.com") != NULL);
	CHECK_STR("<t1-5c1f0a9e@news.example.com> <t1-5c1f0a9e@news.example.com>",
	    dsn->references);
	ld_dsn_free(&dsn);
}

static void
test_not_bounces(void)
{
	static const char ordinary[] =
	    "From: Someone <someone@example.org>\r\n"
	    "Subject: Undelivered Mail Returned to Sender\r\n"
	    "\r\n<seed@example.net>: 550 5.1.1 user unknown\r\n";
	static const char receipt[] =
	    "From: MAILER-DAEMON@example.org\r\n"
	    "Content-Type: multipart/report; report-type=disposition-notification;\r\n"
	    "\tboundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nread\r\n--b--\r\n";
	struct ld_error err = { 0 };
	struct ld_dsn *dsn = NULL;
	size_t length = 0;
	char *data;

	TEST_CASE("auto-reply is not a bounce");
	data = read_file("samples/demo/bounces/autoreply-cfg2.eml", &length);
	CHECK_TRUE(data != NULL);
	if (data != NULL) {
		CHECK_STR("not found", ld_status_name(ld_dsn_parse(data, length,
		    &dsn, &err)));
		CHECK_TRUE(dsn == NULL);
		free(data);
	}

	TEST_CASE("bounce words from an ordinary sender");
	CHECK_STR("not found", ld_status_name(ld_dsn_parse(ordinary,
	    sizeof(ordinary) - 1, &dsn, &err)));

	TEST_CASE("read receipt report");
	CHECK_STR("not found", ld_status_name(ld_dsn_parse(receipt,
	    sizeof(receipt) - 1, &dsn, &err)));
	CHECK_TRUE(dsn == NULL);
}

static void
test_edge_cases(void)
{
	/* No blank line between the per-message and recipient fields, an
	 * Action with a comment, no Status, and an upper-case address type. */
	static const char squashed[] =
	    "From: MAILER-DAEMON@mta.example.org\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"x\"\n\n"
	    "--x\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns;mta.example.org\n"
	    "Final-Recipient: RFC822; <a@example.net>\n"
	    "Action: Failed (gave up)\n"
	    "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\n"
	    "--x--\n";
	/* A text bounce with no copy of the message and no reply code. */
	static const char bare[] =
	    "Return-Path: <>\n"
	    "From: postmaster@mta.example.org\n"
	    "Subject: Returned mail\n\n"
	    "<b@example.net>:\nUnknown host\n";
	/* A status code at the end of a sentence. */
	static const char sentence[] =
	    "From: MAILER-DAEMON@mta.example.org\n"
	    "Subject: failure notice\n\n"
	    "<c@example.net>:\nThe receiver rejected it with 5.7.1.\n";
	struct ld_error err = { 0 };
	struct ld_dsn *dsn = NULL;

	TEST_CASE("status code before a full stop");
	CHECK_STR("ok", ld_status_name(ld_dsn_parse(sentence,
	    sizeof(sentence) - 1, &dsn, &err)));
	if (dsn != NULL) {
		CHECK_INT(1, dsn->recipient_count);
		CHECK_STR("5.7.1", dsn->recipients[0].status);
		ld_dsn_free(&dsn);
	}

	TEST_CASE("report without blank line after per-message fields");
	CHECK_STR("ok", ld_status_name(ld_dsn_parse(squashed,
	    sizeof(squashed) - 1, &dsn, &err)));
	if (dsn != NULL) {
		CHECK_STR("mta.example.org", dsn->reporting_mta);
		CHECK_INT(1, dsn->recipient_count);
		CHECK_STR("a@example.net", dsn->recipients[0].final_recipient);
		CHECK_STR("failed", ld_dsn_action_name(dsn->recipients[0].action));
		CHECK_STR("5.2.2", dsn->recipients[0].status);
		CHECK_INT(552, dsn->recipients[0].smtp_code);
		CHECK_TRUE(dsn->returned_header == NULL);
		ld_dsn_free(&dsn);
	}

	TEST_CASE("text bounce without reply code");
	CHECK_STR("ok", ld_status_name(ld_dsn_parse(bare, sizeof(bare) - 1,
	    &dsn, &err)));
	if (dsn != NULL) {
		CHECK_STR("text", ld_dsn_format_name(dsn->format));
		CHECK_STR("mta.example.org", dsn->reporting_mta);
		CHECK_INT(1, dsn->recipient_count);
		CHECK_STR("b@example.net", dsn->recipients[0].final_recipient);
		CHECK_STR("", dsn->recipients[0].status);
		CHECK_INT(0, dsn->recipients[0].smtp_code);
		CHECK_STR("Unknown host", dsn->recipients[0].diagnostic);
		ld_dsn_free(&dsn);
	}
}

static void
test_limits(void)
{
	struct ld_error err = { 0 };
	struct ld_dsn *dsn = NULL;
	size_t length = LD_DSN_MAX_MESSAGE_BYTES + 1;
	char *big = calloc(1, length);
	char *many;
	size_t n = 0, size = 64 * (LD_DSN_MAX_RECIPIENTS + 10) + 200;

	TEST_CASE("message over the size limit");
	CHECK_TRUE(big != NULL);
	if (big != NULL) {
		CHECK_STR("limit exceeded", ld_status_name(ld_dsn_parse(big,
		    length, &dsn, &err)));
		CHECK_TRUE(strstr(err.message, "larger than") != NULL);
		free(big);
	}

	TEST_CASE("recipients over the limit");
	many = malloc(size);
	CHECK_TRUE(many != NULL);
	if (many == NULL)
		return;
	n += (size_t)snprintf(many + n, size - n,
	    "From: MAILER-DAEMON@example.org\nSubject: failure notice\n\n");
	for (int i = 0; i < LD_DSN_MAX_RECIPIENTS + 10; i++)
		n += (size_t)snprintf(many + n, size - n,
		    "<user%d@example.net>:\n550 5.1.1 no\n\n", i);
	CHECK_STR("ok", ld_status_name(ld_dsn_parse(many, n, &dsn, &err)));
	if (dsn != NULL) {
		CHECK_INT(LD_DSN_MAX_RECIPIENTS, dsn->recipient_count);
		CHECK_INT(1, dsn->recipients_dropped);
		ld_dsn_free(&dsn);
	}
	free(many);

	/* libetpan's MIME parser recurses once per level: thousands of
	 * nested messages would overflow the stack if they reached it. */
	TEST_CASE("nesting over the limit");
	size = 30000 * 48 + 200;
	many = malloc(size);
	CHECK_TRUE(many != NULL);
	if (many == NULL)
		return;
	n = (size_t)snprintf(many, size, "From: MAILER-DAEMON@example.org\n"
	    "Subject: Undelivered Mail Returned to Sender\n");
	for (int i = 0; i < 30000; i++)
		n += (size_t)snprintf(many + n, size - n,
		    "Content-Type: message/rfc822\n\n");
	CHECK_STR("limit exceeded", ld_status_name(ld_dsn_parse(many, n, &dsn,
	    &err)));
	CHECK_TRUE(strstr(err.message, "nested") != NULL);
	CHECK_TRUE(dsn == NULL);
	free(many);
}

/* Every prefix of every sample parses or fails cleanly (ASan watches). */
static void
test_truncations(void)
{
	for (size_t i = 0; i < sizeof(sample_cases) / sizeof(sample_cases[0]);
	    i++) {
		size_t length = 0, failures = 0;
		char *data = read_file(sample_cases[i].path, &length);

		TEST_CASE(sample_cases[i].path);
		if (data == NULL)
			continue;
		for (size_t cut = 0; cut <= length; cut++) {
			struct ld_error err = { 0 };
			struct ld_dsn *dsn = NULL;
			char *copy = malloc(cut + 1);
			enum ld_status status;

			if (copy == NULL)
				break;
			memcpy(copy, data, cut);
			status = ld_dsn_parse(copy, cut, &dsn, &err);
			if (status != LD_OK && status != LD_ERR_NOT_FOUND &&
			    status != LD_ERR_SYNTAX)
				failures++;
			if ((status == LD_OK) != (dsn != NULL))
				failures++;
			ld_dsn_free(&dsn);
			free(copy);
		}
		CHECK_INT(0, failures);
		free(data);
	}
}

static void
test_explanations(void)
{
	static const struct {
		const char *status;
		const char *explanation;
	} cases[] = {
		{ "5.7.25", "no PTR record for the sending IP" },
		{ "5.7.26", "unauthenticated: SPF/DMARC failed" },
		{ "5.7.1", "rejected by policy or a block list" },
		{ "5.1.1", "no such user at the receiver" },
		{ "5.2.2", "the recipient's mailbox is full" },
		{ "4.7.0", "deferred: a temporary failure, not final" },
		{ "4.2.2", "deferred: a temporary failure, not final" },
		{ "5.4.7", "permanent failure: network or routing problem" },
		{ "5.9.9", "permanent failure" },
		{ "2.0.0", "delivered" },
		{ "5.7", NULL },
		{ "3.1.1", NULL },
		{ "5.7.1234", NULL },
		{ "", NULL },
	};

	TEST_CASE("explanations");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(cases[i].explanation, ld_dsn_explain(cases[i].status));
	CHECK_STR(NULL, ld_dsn_explain(NULL));
}

int
main(void)
{
	test_samples();
	test_gmail_diagnostic_joined();
	test_not_bounces();
	test_edge_cases();
	test_limits();
	test_truncations();
	test_explanations();
	return harness_finish();
}
