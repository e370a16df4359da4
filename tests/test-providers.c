/*
 * Provider plugins: the registry and the ABI check, the header reading
 * that hooks use, and each plugin's interpret and refine hooks against
 * the messages in samples/providers, which carry the providers' real
 * header shapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authres_block.h"
#include "check.h"
#include "harness.h"
#include "landed/provider-plugin.h"
#include "provider_hooks.h"
#include "provider_registry.h"
#include "trust.h"

static char *
read_sample(const char *name, size_t *length_r)
{
	char path[256];
	char *data;
	FILE *fp;
	long size;

	snprintf(path, sizeof(path), "samples/providers/%s", name);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		printf("cannot open %s; run from the repository root\n", path);
		return NULL;
	}
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = calloc(1, (size_t)size + 1);
	if (data != NULL && fread(data, 1, (size_t)size, fp) != (size_t)size) {
		free(data);
		data = NULL;
	}
	fclose(fp);
	*length_r = (size_t)size;
	return data;
}

/* A found copy in a folder of the given name, flags and role. */
struct fixture {
	struct ld_imap_folder folder;
	struct ld_folder_plan plan;
	struct ld_copy copy;
	struct ld_result result;
};

static int
fixture_load(struct fixture *f, const char *sample, const char *folder,
    unsigned flags, enum ld_folder_role role)
{
	memset(f, 0, sizeof(*f));
	f->folder.name = (char *)(uintptr_t)folder;
	f->folder.flags = flags;
	f->plan.folder = &f->folder;
	f->plan.role = role;
	f->copy.folder = &f->plan;
	f->copy.message.header = read_sample(sample, &f->copy.message.header_length);
	ld_result_clear(&f->result);
	return f->copy.message.header != NULL ? 0 : -1;
}

static void
fixture_free(struct fixture *f)
{
	free(f->copy.message.header);
	for (size_t l = 0; l < f->copy.labels.count; l++)
		free(f->copy.labels.names[l]);
	ld_result_clear(&f->result);
}

/* Runs what check does for the chosen copy: placement, trust, verdict. */
static enum ld_status
fixture_check(struct fixture *f, const char *provider_name)
{
	const struct landed_provider *provider = ld_provider_find(provider_name);
	struct ld_trust_policy policy = { 0 };
	struct ld_error err = { 0 };
	enum ld_status status;
	int rank;

	f->result.placement = ld_provider_copy_placement(provider, &f->copy, &rank);
	f->result.folder = strdup(f->folder.name);
	if (ld_authres_parse_block(f->copy.message.header,
	    f->copy.message.header_length, &f->result.headers,
	    &f->result.header_count) != 0 ||
	    ld_trust_policy_add_provider(&policy, provider) != 0 ||
	    ld_verdict_fill(&f->result, &policy) != 0)
		return LD_ERR_NOMEM;
	status = ld_provider_interpret(provider, &f->copy, &f->result, &err);
	if (status != LD_OK)
		printf("interpret failed: %s\n", err.message);
	ld_trust_policy_clear(&policy);
	return status;
}

/* Returns the verdict member called key, or NULL. */
static const struct ld_verdict_member *
member(const struct ld_result *result, const char *key)
{
	for (size_t i = 0; i < result->verdict.member_count; i++)
		if (strcmp(result->verdict.members[i].key, key) == 0)
			return &result->verdict.members[i];
	return NULL;
}

static long long
member_int(const struct ld_result *result, const char *key)
{
	const struct ld_verdict_member *m = member(result, key);

	return m != NULL && m->type == LD_VERDICT_INT ? m->number : -999;
}

static const char *
member_string(const struct ld_result *result, const char *key)
{
	const struct ld_verdict_member *m = member(result, key);

	return m != NULL && m->type == LD_VERDICT_STRING ? m->string : NULL;
}

static void
test_registry(void)
{
	static const char *const names[] = {
		"gmail", "outlook", "yahoo", "aol", "proton", "gmx", "webde",
		"yandex", "mailru", "icloud", "fastmail", "zoho", "tutanota",
		"generic", NULL
	};
	struct ld_error err = { 0 };

	TEST_CASE("every built-in is found and valid");
	for (size_t i = 0; names[i] != NULL; i++) {
		const struct landed_provider *p = ld_provider_find(names[i]);

		CHECK_TRUE(p != NULL);
		if (p == NULL)
			continue;
		CHECK_INT(LD_OK, ld_provider_validate(p, names[i], &err));
		CHECK_STR("built-in", ld_provider_source(p));
	}
	CHECK_TRUE(ld_provider_find("GMAIL") != NULL);
	CHECK_TRUE(ld_provider_find("hotmail") == NULL);
	CHECK_TRUE(strstr(ld_provider_names(), "tutanota") != NULL);
}

static void
test_abi_check(void)
{
	struct landed_provider p = {
		LANDED_PROVIDER_HEADER, .name = "lab", .display_name = "Lab",
		.supported = 1,
	};
	struct ld_error err = { 0 };

	TEST_CASE("ABI version mismatch rejected");
	p.abi_version = LANDED_PROVIDER_ABI_VERSION + 1;
	CHECK_INT(LD_ERR_UNSUPPORTED, ld_provider_validate(&p, "lab.so", &err));
	CHECK_TRUE(strstr(err.message, "lab.so: ABI version 2, but this landed "
	    "supports version 1") != NULL);

	TEST_CASE("struct smaller than ABI v1 rejected");
	p.abi_version = LANDED_PROVIDER_ABI_VERSION;
	p.struct_size = sizeof(p) - sizeof(void *);
	CHECK_INT(LD_ERR_UNSUPPORTED, ld_provider_validate(&p, "lab.so", &err));
	CHECK_TRUE(strstr(err.message, "struct size") != NULL);

	TEST_CASE("larger struct from a newer header accepted");
	p.struct_size = sizeof(p) + 64;
	CHECK_INT(LD_OK, ld_provider_validate(&p, "lab.so", &err));

	TEST_CASE("invalid plugin name rejected");
	p.struct_size = sizeof(p);
	p.name = "Lab Mail";
	CHECK_INT(LD_ERR_CONFIG, ld_provider_validate(&p, "lab.so", &err));
	CHECK_TRUE(strstr(err.message, "invalid name \"Lab Mail\"") != NULL);

	TEST_CASE("unsupported plugin needs a reason");
	p.name = "lab";
	p.supported = 0;
	CHECK_INT(LD_ERR_CONFIG, ld_provider_validate(&p, "lab.so", &err));
}

static void
test_outside_plugin_replaces_builtin(void)
{
	static const struct landed_provider replacement = {
		LANDED_PROVIDER_HEADER, .name = "gmail",
		.display_name = "Gmail (lab)", .supported = 1,
	};
	static const struct landed_provider second = {
		LANDED_PROVIDER_HEADER, .name = "gmail",
		.display_name = "Gmail (second)", .supported = 1,
	};
	static const struct landed_provider added = {
		LANDED_PROVIDER_HEADER, .name = "labmail",
		.display_name = "Lab Mail", .supported = 1,
	};
	const struct landed_provider *last = NULL, *p;
	struct ld_error err = { 0 };

	TEST_CASE("outside plugin replaces a built-in");
	CHECK_INT(LD_OK, ld_provider_register(&replacement, "/lab/gmail.so",
	    NULL, &err));
	CHECK_INT(LD_OK, ld_provider_register(&second, "/lab2/gmail.so",
	    NULL, &err));
	CHECK_INT(LD_OK, ld_provider_register(&added, "/lab/labmail.so",
	    NULL, &err));
	CHECK_TRUE(ld_provider_find("gmail") == &replacement);
	CHECK_STR("/lab/gmail.so", ld_provider_source(&replacement));
	CHECK_TRUE(ld_provider_at(0) == &replacement);
	for (size_t i = 0; (p = ld_provider_at(i)) != NULL; i++)
		last = p;
	CHECK_TRUE(last == &added);

	TEST_CASE("unloading restores the built-ins");
	ld_provider_unload_all();
	CHECK_STR("Gmail", ld_provider_find("gmail")->display_name);
	CHECK_TRUE(ld_provider_find("labmail") == NULL);
}

static void
test_account_checks(void)
{
	struct ld_error err = { 0 };

	TEST_CASE("Tuta account rejected before login");
	CHECK_INT(LD_ERR_UNSUPPORTED, ld_provider_check_account(
	    ld_provider_find("tutanota"), "tuta-1", 0, 0, &err));
	CHECK_TRUE(strstr(err.message, "account tuta-1: Tuta offers no IMAP "
	    "access") != NULL);

	TEST_CASE("Proton without a pin explains the fingerprint");
	CHECK_INT(LD_ERR_CONFIG, ld_provider_check_account(
	    ld_provider_find("proton"), "proton-1", 0, 0, &err));
	CHECK_TRUE(strstr(err.message, "tls_fingerprint = sha256:") != NULL);
	CHECK_TRUE(strstr(err.message, "openssl x509 -noout -fingerprint "
	    "-sha256") != NULL);
	CHECK_INT(LD_OK, ld_provider_check_account(ld_provider_find("proton"),
	    "proton-1", 1, 0, &err));
}

static void
test_header_field(void)
{
	static const char header[] =
	    "X-A: one\r\nX-Folded: first\r\n second;\r\n\tthird  \r\n"
	    "x-a: two\r\n";
	char buf[64];

	TEST_CASE("header field unfolded and trimmed");
	CHECK_INT(strlen("first second;\tthird"), ld_header_field_value(header,
	    strlen(header), "X-Folded", 0, buf, sizeof(buf)));
	CHECK_STR("first second;\tthird", buf);

	TEST_CASE("header field by position, any case");
	CHECK_INT(3, ld_header_field_value(header, strlen(header), "X-A", 1,
	    buf, sizeof(buf)));
	CHECK_STR("two", buf);
	CHECK_INT(-1, ld_header_field_value(header, strlen(header), "X-A", 2,
	    buf, sizeof(buf)));
	CHECK_STR("", buf);

	TEST_CASE("header field cut to the buffer");
	CHECK_INT(strlen("first second;\tthird"), ld_header_field_value(header,
	    strlen(header), "X-Folded", 0, buf, 6));
	CHECK_STR("first", buf);
}

static void
test_outlook(void)
{
	struct fixture f;

	TEST_CASE("outlook dest:J in INBOX disagrees");
	if (fixture_load(&f, "outlook-dest-junk.eml", "INBOX", 0,
	    LD_ROLE_INBOX) != 0) {
		CHECK_TRUE(0);
		return;
	}
	CHECK_INT(LD_OK, fixture_check(&f, "outlook"));
	CHECK_INT(LD_PLACEMENT_INBOX, f.result.placement);
	CHECK_INT(6, member_int(&f.result, "scl"));
	CHECK_STR("SPM", member_string(&f.result, "sfv"));
	CHECK_STR("BULK", member_string(&f.result, "cat"));
	CHECK_STR("J", member_string(&f.result, "dest"));
	CHECK_INT(7, member_int(&f.result, "bcl"));
	CHECK_STR("pass", member_string(&f.result, "compauth"));
	CHECK_STR("100", member_string(&f.result, "compauth_reason"));
	CHECK_INT(LANDED_VERDICT_SPAM, f.result.verdict.opinion);
	CHECK_STR("X-Microsoft-Antispam-Mailbox-Delivery dest:J",
	    f.result.verdict.evidence);
	CHECK_STR("the provider judged it spam (X-Microsoft-Antispam-Mailbox-"
	    "Delivery dest:J), but it is in the inbox folder \"INBOX\"",
	    f.result.disagreement);
	fixture_free(&f);

	TEST_CASE("outlook dest:I in Junk disagrees");
	if (fixture_load(&f, "outlook-dest-inbox.eml", "Junk", LD_FOLDER_JUNK,
	    LD_ROLE_JUNK) != 0) {
		CHECK_TRUE(0);
		return;
	}
	CHECK_INT(LD_OK, fixture_check(&f, "outlook"));
	CHECK_INT(LD_PLACEMENT_SPAM, f.result.placement);
	CHECK_INT(1, member_int(&f.result, "scl"));
	CHECK_STR("NSPM", member_string(&f.result, "sfv"));
	CHECK_INT(LANDED_VERDICT_NOT_SPAM, f.result.verdict.opinion);
	CHECK_TRUE(f.result.disagreement != NULL);
	fixture_free(&f);

	TEST_CASE("outlook dest:I in INBOX agrees");
	if (fixture_load(&f, "outlook-dest-inbox.eml", "INBOX", 0,
	    LD_ROLE_INBOX) != 0) {
		CHECK_TRUE(0);
		return;
	}
	CHECK_INT(LD_OK, fixture_check(&f, "outlook"));
	CHECK_TRUE(f.result.disagreement == NULL);
	fixture_free(&f);
}

static void
test_ui_platform(void)
{
	struct fixture f;

	TEST_CASE("gmx junk in Spamverdacht agrees");
	if (fixture_load(&f, "gmx-junk.eml", "Spamverdacht", 0,
	    LD_ROLE_JUNK) != 0) {
		CHECK_TRUE(0);
		return;
	}
	CHECK_INT(LD_OK, fixture_check(&f, "gmx"));
	CHECK_STR("junk", member_string(&f.result, "filter_class"));
	CHECK_INT(LANDED_VERDICT_SPAM, f.result.verdict.opinion);
	CHECK_TRUE(f.result.disagreement == NULL);
	CHECK_STR("pass", f.result.auth[LD_AUTH_DKIM]);
	fixture_free(&f);

	TEST_CASE("gmx notjunk is not spam");
	if (fixture_load(&f, "gmx-notjunk.eml", "INBOX", 0, LD_ROLE_INBOX) != 0) {
		CHECK_TRUE(0);
		return;
	}
	CHECK_INT(LD_OK, fixture_check(&f, "gmx"));
	CHECK_STR("notjunk", member_string(&f.result, "filter_class"));
	CHECK_INT(LANDED_VERDICT_NOT_SPAM, f.result.verdict.opinion);
	fixture_free(&f);

	TEST_CASE("webde Unbekannt is other, no verdict");
	if (fixture_load(&f, "webde-unknown.eml", "Unbekannt", 0,
	    LD_ROLE_OTHER) != 0) {
		CHECK_TRUE(0);
		return;
	}
	CHECK_INT(0, ld_folder_is_junk_name("Unbekannt", '/',
	    ld_provider_find("webde")));
	CHECK_INT(LD_OK, fixture_check(&f, "webde"));
	CHECK_INT(LD_PLACEMENT_OTHER, f.result.placement);
	CHECK_STR("unknown", member_string(&f.result, "filter_class"));
	CHECK_INT(LANDED_VERDICT_UNKNOWN, f.result.verdict.opinion);
	fixture_free(&f);
}

static void
test_other_verdict_headers(void)
{
	struct fixture f;

	TEST_CASE("yandex X-Yandex-Spam 1 is not spam");
	if (fixture_load(&f, "yandex-ordinary.eml", "INBOX", 0,
	    LD_ROLE_INBOX) == 0) {
		CHECK_INT(LD_OK, fixture_check(&f, "yandex"));
		CHECK_INT(1, member_int(&f.result, "yandex_spam"));
		CHECK_INT(LANDED_VERDICT_NOT_SPAM, f.result.verdict.opinion);
		CHECK_STR("mxfront7g.mail.yandex.net", f.result.authserv_id);
	}
	fixture_free(&f);

	TEST_CASE("proton spam score recorded only");
	if (fixture_load(&f, "proton-spamscore.eml", "Spam", LD_FOLDER_JUNK,
	    LD_ROLE_JUNK) == 0) {
		CHECK_INT(LD_OK, fixture_check(&f, "proton"));
		CHECK_INT(3, member_int(&f.result, "spamscore"));
		CHECK_STR("external", member_string(&f.result, "origin"));
		CHECK_INT(LANDED_VERDICT_UNKNOWN, f.result.verdict.opinion);
	}
	fixture_free(&f);

	TEST_CASE("yahoo filtered bulk in unflagged Bulk");
	if (fixture_load(&f, "yahoo-bulk.eml", "Bulk", 0, LD_ROLE_JUNK) == 0) {
		CHECK_INT(1, ld_folder_is_junk_name("Bulk", '/',
		    ld_provider_find("yahoo")));
		CHECK_INT(LD_OK, fixture_check(&f, "yahoo"));
		CHECK_INT(LD_PLACEMENT_SPAM, f.result.placement);
		CHECK_STR("192.0.2.21", member_string(&f.result, "filtered_bulk"));
		CHECK_STR("pass", f.result.auth[LD_AUTH_DMARC]);
	}
	fixture_free(&f);

	TEST_CASE("zoho virus status recorded");
	if (fixture_load(&f, "zoho-virus-status.eml", "INBOX", 0,
	    LD_ROLE_INBOX) == 0) {
		CHECK_INT(LD_OK, fixture_check(&f, "zoho"));
		CHECK_STR("1", member_string(&f.result, "virus_status"));
	}
	fixture_free(&f);
}

static int
add_label(struct ld_copy *copy, const char *label)
{
	copy->labels.names[copy->labels.count] = strdup(label);
	return copy->labels.names[copy->labels.count++] != NULL ? 0 : -1;
}

static void
test_gmail_labels(void)
{
	const struct landed_provider *gmail = ld_provider_find("gmail");
	struct fixture f;
	int rank;

	TEST_CASE("gmail All Mail copy with \\Inbox is inbox");
	if (fixture_load(&f, "gmx-notjunk.eml", "[Gmail]/All Mail",
	    LD_FOLDER_ALL, LD_ROLE_VIEW) != 0) {
		CHECK_TRUE(0);
		return;
	}
	CHECK_INT(LD_PLACEMENT_OTHER, ld_provider_copy_placement(gmail,
	    &f.copy, &rank));
	CHECK_INT(3, rank);
	CHECK_INT(0, add_label(&f.copy, "\\Inbox"));
	CHECK_INT(LD_PLACEMENT_INBOX, ld_provider_copy_placement(gmail,
	    &f.copy, &rank));
	CHECK_INT(0, rank);
	fixture_free(&f);

	TEST_CASE("gmail tab label sets category");
	if (fixture_load(&f, "gmx-notjunk.eml", "INBOX", 0, LD_ROLE_INBOX) != 0) {
		CHECK_TRUE(0);
		return;
	}
	CHECK_INT(0, add_label(&f.copy, "category:promotions"));
	CHECK_INT(LD_OK, fixture_check(&f, "gmail"));
	CHECK_STR("promotions", f.result.category);
	CHECK_STR("promotions", member_string(&f.result, "tab"));
	fixture_free(&f);
}

int
main(void)
{
	test_registry();
	test_abi_check();
	test_outside_plugin_replaces_builtin();
	test_account_checks();
	test_header_field();
	test_outlook();
	test_ui_platform();
	test_other_verdict_headers();
	test_gmail_labels();
	return harness_finish();
}
