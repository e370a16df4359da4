/*
 * Tests for the trust rules (trust.c): authserv-id patterns, the topmost
 * match per pattern, Outlook's fields without an id, fields whose id
 * cannot be read, ARC and Received-SPF above the receiver's fields, and
 * the samples with their providers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authres_block.h"
#include "harness.h"
#include "provider_registry.h"
#include "trust.h"

struct pattern_case {
	const char *pattern;
	const char *id;
	int match;
};

static const struct pattern_case pattern_cases[] = {
	{ "mx.google.com", "mx.google.com", 1 },
	{ "mx.google.com", "MX.Google.COM", 1 },
	{ "MX.GOOGLE.COM", "mx.google.com", 1 },
	{ "mx.google.com", "mx.google.com.example", 0 },
	{ "mx.google.com", "mx.google.co", 0 },
	{ "*.yandex.net", "vla5-3f8a.qloud-c.yandex.net", 1 },
	{ "*.yandex.net", "mxfront7g.mail.yandex.net", 1 },
	{ "*.yandex.net", "yandex.net", 0 },
	{ "*.yandex.net", "evil-yandex.net", 0 },
	{ "atlas*.yahoo.com", "atlas212.free.mail.ne1.yahoo.com", 1 },
	{ "atlas*.yahoo.com",
	  "atlas-production.v2-mail-prod1-gq1.omega.yahoo.com", 1 },
	{ "atlas*.yahoo.com", "mta1.yahoo.com", 0 },
	{ "atlas*.yahoo.com", "atlas.yahoo.com.example", 0 },
	{ "*", "anything.example", 1 },
	{ "*", "", 1 },
	{ "", "", 1 },
	{ "", "a", 0 },
	{ "mx*.messagingengine.com", "mx3.messagingengine.com", 1 },
	{ "a*b*c", "a-c-b-c", 1 },
	{ "a*b*c", "a-c-b-", 0 },
	{ "**", "x", 1 },
};

static void
test_patterns(void)
{
	char *id, *pattern;
	size_t i;

	for (i = 0; i < sizeof(pattern_cases) / sizeof(pattern_cases[0]); i++) {
		TEST_CASE(pattern_cases[i].id);
		CHECK_INT(pattern_cases[i].match, landed_ar_pattern_match(
		    pattern_cases[i].pattern, pattern_cases[i].id));
	}

	TEST_CASE("pattern with null id");
	CHECK_INT(0, landed_ar_pattern_match("*", NULL));

	/* Many stars against a long near-miss stays quadratic at worst. */
	TEST_CASE("pattern worst case");
	id = malloc(20001);
	pattern = malloc(2002);
	memset(id, 'a', 20000);
	id[20000] = '\0';
	memset(pattern, 0, 2002);
	for (i = 0; i < 1000; i++)
		memcpy(pattern + 2 * i, "a*", 2);
	pattern[2000] = 'b';
	CHECK_INT(0, landed_ar_pattern_match(pattern, id));
	free(id);
	free(pattern);
}

/* Renders the trust decisions as "yes no - ...". */
static void
render_trust(struct landed_ar_header **headers, size_t count, char *out,
    size_t size)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < count && used < size; i++) {
		const char *word = headers[i]->trusted == LANDED_AR_TRUST_YES ?
		    "yes" : headers[i]->trusted == LANDED_AR_TRUST_NO ? "no" :
		    "-";

		used += (size_t)snprintf(out + used, size - used, "%s%s",
		    i > 0 ? " " : "", word);
	}
}

struct apply_case {
	const char *name;
	const char *patterns[4];
	int no_authserv_id;
	const char *block;
	const char *trusted;
	size_t ignored;
};

static const struct apply_case apply_cases[] = {
	{ "no policy leaves trust unset", { NULL }, 0,
	  "Authentication-Results: mx.google.com; spf=pass\n"
	  "Received-SPF: pass\n",
	  "- -", 0 },
	{ "forged field below receiver's", { "mx.google.com" }, 0,
	  "Authentication-Results: mx.google.com; spf=fail\n"
	  "Authentication-Results: mx.google.com; spf=pass\n",
	  "yes no", 1 },
	{ "field of another receiver ignored", { "mx.google.com" }, 0,
	  "Authentication-Results: mx.example.net; spf=pass\n"
	  "Authentication-Results: MX.GOOGLE.COM; spf=pass\n",
	  "no yes", 1 },
	{ "one field per pattern", { "spf.icloud.com", "dkim-verifier.icloud.com",
	  "dmarc.icloud.com" }, 0,
	  "Authentication-Results: dmarc.icloud.com; dmarc=pass\n"
	  "Authentication-Results: dkim-verifier.icloud.com; dkim=pass\n"
	  "Authentication-Results: spf.icloud.com; spf=pass\n"
	  "Authentication-Results: spf.icloud.com; spf=pass\n",
	  "yes yes yes no", 1 },
	{ "outlook topmost field without id", { NULL }, 1,
	  "Authentication-Results: spf=fail smtp.mailfrom=example.com\n"
	  "Authentication-Results: spf=pass smtp.mailfrom=example.com\n"
	  "Authentication-Results: mx.example.net; spf=pass\n",
	  "yes no no", 2 },
	{ "wildcard pattern takes topmost only", { "*.yandex.net" }, 0,
	  "Authentication-Results: mxfront7g.mail.yandex.net; spf=pass\n"
	  "Authentication-Results: vla5-3f8a.qloud-c.yandex.net; spf=pass\n",
	  "yes no", 1 },
	{ "arc highest instance above field", { "mx.google.com" }, 0,
	  "ARC-Authentication-Results: i=1; mx.google.com; spf=pass\n"
	  "ARC-Authentication-Results: i=3; mx.example.net; spf=pass\n"
	  "ARC-Authentication-Results: i=2; mx.google.com; spf=pass\n"
	  "ARC-Authentication-Results: i=2; mx.google.com; spf=fail\n"
	  "Authentication-Results: mx.google.com; spf=pass\n",
	  "no no yes no yes", 3 },
	{ "forged arc below receiver's field", { "mx.google.com" }, 0,
	  "Authentication-Results: mx.google.com; spf=fail\n"
	  "ARC-Authentication-Results: i=50; mx.google.com; spf=pass\n",
	  "yes no", 1 },
	{ "arc above beats higher one below", { "mx.google.com" }, 0,
	  "ARC-Authentication-Results: i=1; mx.google.com; spf=fail\n"
	  "Authentication-Results: mx.google.com; spf=fail\n"
	  "ARC-Authentication-Results: i=50; mx.google.com; spf=pass\n",
	  "yes yes no", 1 },
	{ "arc above the lowest trusted field", { "a.example", "b.example" },
	  0,
	  "Authentication-Results: a.example; spf=pass\n"
	  "ARC-Authentication-Results: i=1; a.example; spf=pass\n"
	  "Authentication-Results: b.example; dkim=pass\n"
	  "ARC-Authentication-Results: i=2; a.example; spf=pass\n",
	  "yes yes yes no", 1 },
	{ "arc without trusted field", { "mx.google.com" }, 0,
	  "ARC-Authentication-Results: i=1; mx.google.com; spf=pass\n"
	  "Authentication-Results: mx.example.net; spf=pass\n",
	  "no no", 2 },
	{ "received-spf topmost above field", { "mx.google.com" }, 0,
	  "Received-SPF: pass\n"
	  "Received-SPF: fail\n"
	  "Authentication-Results: mx.google.com; spf=pass\n",
	  "yes no yes", 0 },
	{ "forged received-spf below field", { "mx.google.com" }, 0,
	  "Authentication-Results: mx.google.com; dkim=pass\n"
	  "Received-SPF: pass\n",
	  "yes no", 0 },
	{ "received-spf without trusted field", { "mx.google.com" }, 0,
	  "Received-SPF: pass\n"
	  "Authentication-Results: mx.example.net; spf=pass\n",
	  "no no", 1 },
	{ "field without readable id takes all", { "mx.google.com",
	  "spf.icloud.com" }, 1,
	  "Authentication-Results: ; spf=fail\n"
	  "Authentication-Results: mx.google.com; spf=pass\n"
	  "Authentication-Results: spf.icloud.com; spf=pass\n"
	  "Authentication-Results: spf=pass smtp.mailfrom=example.com\n"
	  "Received-SPF: pass\n",
	  "no no no no no", 4 },
	{ "field without readable id below", { "mx.google.com",
	  "other.example" }, 0,
	  "Authentication-Results: mx.google.com; spf=pass\n"
	  "Authentication-Results: \"mx.google.com; spf=pass\n"
	  "Authentication-Results: other.example; spf=pass\n",
	  "yes no no", 2 },
	{ "receiver's field with an error still counts", { "mx.google.com" }, 0,
	  "Authentication-Results: mx.google.com; spf=pass (oops\n"
	  "Authentication-Results: mx.google.com; spf=pass\n",
	  "yes no", 1 },
	{ "pattern matches no field", { "mx.google.com" }, 0,
	  "Authentication-Results: mx.example.net; spf=pass\n",
	  "no", 1 },
};

static void
load_policy(struct ld_trust_policy *policy, const struct apply_case *c)
{
	size_t i;

	memset(policy, 0, sizeof(*policy));
	for (i = 0; i < 4 && c->patterns[i] != NULL; i++)
		if (ld_trust_policy_add(policy, c->patterns[i]) != 0)
			exit(2);
	policy->no_authserv_id = c->no_authserv_id;
}

/*
 * Checks the trust decisions on a block, both through ld_trust_apply()
 * and through the two passes of the streaming form.
 */
static void
check_block(const struct ld_trust_policy *policy, const char *block,
    size_t length, const char *trusted, size_t ignored)
{
	struct landed_ar_header **headers;
	struct ld_trust_stream stream;
	char rendered[256];
	size_t j, count, apply_ignored;

	if (ld_authres_parse_block(block, length, &headers, &count) != 0)
		exit(2);
	CHECK_INT(0, ld_trust_apply(policy, headers, count, &apply_ignored));
	render_trust(headers, count, rendered, sizeof(rendered));
	CHECK_STR(trusted, rendered);
	CHECK_INT(ignored, apply_ignored);

	for (j = 0; j < count; j++)
		headers[j]->trusted = LANDED_AR_TRUST_UNSET;
	CHECK_INT(0, ld_trust_stream_init(&stream, policy));
	for (j = 0; j < count; j++)
		ld_trust_stream_scan(&stream, headers[j]);
	for (j = 0; j < count; j++)
		ld_trust_stream_decide(&stream, headers[j]);
	render_trust(headers, count, rendered, sizeof(rendered));
	CHECK_STR(trusted, rendered);
	CHECK_INT(ignored, stream.ignored);
	ld_trust_stream_done(&stream);

	ld_authres_block_free(&headers, count);
}

static void
test_apply(void)
{
	struct ld_trust_policy policy;
	size_t i;

	for (i = 0; i < sizeof(apply_cases) / sizeof(apply_cases[0]); i++) {
		const struct apply_case *c = &apply_cases[i];

		TEST_CASE(c->name);
		load_policy(&policy, c);
		check_block(&policy, c->block, strlen(c->block), c->trusted,
		    c->ignored);
		ld_trust_policy_clear(&policy);
		CHECK_INT(0, policy.pattern_count);
	}
}

/* Builds "Authentication-Results: " head, pad 'x' bytes, tail "\n" rest. */
static char *
build_field(const char *head, size_t pad, const char *tail,
    const char *rest, size_t *length)
{
	static const char name[] = "Authentication-Results: ";
	size_t name_length = strlen(name), head_length = strlen(head);
	size_t tail_length = strlen(tail), rest_length = strlen(rest);
	char *s, *p;

	*length = name_length + head_length + pad + tail_length + 1 +
	    rest_length;
	s = malloc(*length + 1);
	if (s == NULL)
		exit(2);
	p = s;
	memcpy(p, name, name_length);
	p += name_length;
	memcpy(p, head, head_length);
	p += head_length;
	memset(p, 'x', pad);
	p += pad;
	memcpy(p, tail, tail_length);
	p += tail_length;
	*p++ = '\n';
	memcpy(p, rest, rest_length + 1);
	return s;
}

/* A receiver's field that cannot be parsed must not let the forged field
 * below it be trusted. */
static void
test_unreadable_fields(void)
{
	static const char forged[] =
	    "Authentication-Results: mx.google.com; dmarc=pass\n"
	    "ARC-Authentication-Results: i=50; mx.google.com; dmarc=pass\n"
	    "Received-SPF: pass\n";
	static const char nul_block[] =
	    "Authentication-Results: \"mx.google.com\0.evil.example\"; "
	    "dmarc=fail\n"
	    "Authentication-Results: mx.google.com; dmarc=pass\n";
	struct ld_trust_policy policy = { 0 };
	char *block;
	size_t length;

	if (ld_trust_policy_add(&policy, "mx.google.com") != 0)
		exit(2);

	TEST_CASE("oversize field keeps its id");
	block = build_field("mx.google.com; dmarc=fail reason=\"", 70000,
	    "\"", forged, &length);
	check_block(&policy, block, length, "yes no no no", 2);
	free(block);

	TEST_CASE("oversize field without readable id");
	block = build_field("(", 70000, ") mx.google.com; dmarc=fail", forged,
	    &length);
	check_block(&policy, block, length, "no no no no", 3);
	free(block);

	TEST_CASE("nul in id takes every slot");
	check_block(&policy, nul_block, sizeof(nul_block) - 1, "no no", 2);

	policy.no_authserv_id = 1;
	TEST_CASE("oversize outlook field without id");
	block = build_field("spf=fail reason=\"", 70000, "\"",
	    "Authentication-Results: spf=pass smtp.mailfrom=example.com\n",
	    &length);
	check_block(&policy, block, length, "no no", 2);
	free(block);

	ld_trust_policy_clear(&policy);
}

static char *
read_sample(const char *name, size_t *length)
{
	char path[256];
	FILE *fp;
	char *data;
	long size;

	snprintf(path, sizeof(path), "samples/authres/%s", name);
	fp = fopen(path, "rb");
	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 ||
	    (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		printf("cannot read %s (run the tests from the top of the "
		    "source tree)\n", path);
		exit(2);
	}
	data = malloc((size_t)size + 1);
	if (data == NULL || fread(data, 1, (size_t)size, fp) != (size_t)size)
		exit(2);
	fclose(fp);
	*length = (size_t)size;
	return data;
}

struct sample_case {
	const char *file;
	const char *provider;
	const char *trusted;
	size_t ignored;
};

static const struct sample_case sample_cases[] = {
	{ "gmail.eml", "gmail", "yes yes yes", 0 },
	{ "gmail-forged.eml", "gmail", "yes yes no", 1 },
	/* Outlook and iCloud write Received-SPF below their
	 * Authentication-Results, so it is not trusted. */
	{ "outlook.eml", "outlook", "yes yes no", 0 },
	{ "outlook-junk.eml", "outlook", "yes yes no", 0 },
	{ "yahoo.eml", "yahoo", "yes yes", 0 },
	{ "yahoo-older.eml", "yahoo", "yes yes", 0 },
	{ "aol.eml", "aol", "yes yes", 0 },
	{ "icloud.eml", "icloud", "yes yes yes yes no", 0 },
	{ "yandex.eml", "yandex", "yes", 0 },
	{ "yandex-qloud.eml", "yandex", "yes", 0 },
	{ "mailru.eml", "mailru", "yes", 0 },
	{ "gmx.eml", "gmx", "yes no", 1 },
	{ "fastmail.eml", "fastmail", "yes yes", 0 },
	{ "zoho.eml", "zoho", "yes yes", 0 },
	{ "gmail.eml", "yahoo", "no no no", 2 },
};

static void
test_samples(void)
{
	const struct landed_provider *provider;
	struct landed_ar_header **headers;
	struct ld_trust_policy policy;
	char rendered[256], *data;
	size_t i, count, length, ignored;

	for (i = 0; i < sizeof(sample_cases) / sizeof(sample_cases[0]); i++) {
		const struct sample_case *c = &sample_cases[i];

		TEST_CASE(c->file);
		provider = ld_provider_find(c->provider);
		CHECK_TRUE(provider != NULL);
		if (provider == NULL)
			continue;
		memset(&policy, 0, sizeof(policy));
		CHECK_INT(0, ld_trust_policy_add_provider(&policy, provider));
		CHECK_INT(1, ld_trust_policy_is_set(&policy));

		data = read_sample(c->file, &length);
		CHECK_INT(0, ld_authres_parse_block(data, length, &headers,
		    &count));
		CHECK_INT(0, ld_trust_apply(&policy, headers, count, &ignored));
		render_trust(headers, count, rendered, sizeof(rendered));
		CHECK_STR(c->trusted, rendered);
		CHECK_INT(c->ignored, ignored);

		ld_authres_block_free(&headers, count);
		ld_trust_policy_clear(&policy);
		free(data);
	}
}

int
main(void)
{
	test_patterns();
	test_apply();
	test_unreadable_fields();
	test_samples();
	return harness_finish();
}
