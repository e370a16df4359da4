/*
 * Tests for the Authentication-Results, ARC-Authentication-Results and
 * Received-SPF parser (authres.c, authres_lex.c, authres_block.c).
 *
 * Each case renders the parsed header as one line, "method=result
 * ptype.property=value ...; ...", so that a failure prints the whole
 * expected and actual parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authres_block.h"
#include "authres_lex.h"
#include "harness.h"
#include "landed/authres.h"

#define AR	LANDED_AR_AUTHENTICATION_RESULTS
#define ARC	LANDED_AR_ARC_AUTHENTICATION_RESULTS
#define SPF	LANDED_AR_RECEIVED_SPF

struct parse_case {
	const char *name;
	enum landed_ar_kind kind;
	const char *value;
	const char *authserv_id;	/* NULL: none expected */
	const char *version;
	long instance;
	const char *results;		/* rendered; "" for none */
	const char *deviations;		/* joined with " | " */
	const char *error;		/* expected error text, or NULL */
};

/* A growing string for rendering. */
struct text {
	char *data;
	size_t length;
	size_t capacity;
};

static void
text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->length + n + 1 > t->capacity) {
		t->capacity = (t->length + n + 1) * 2;
		t->data = realloc(t->data, t->capacity);
		if (t->data == NULL)
			abort();
	}
	memcpy(t->data + t->length, s, n + 1);
	t->length += n;
}

/* Renders results as "m[/v]=r [reason="x"] p.q=v k=v; ...". */
static char *
render_results(const struct landed_ar_header *h)
{
	struct text t = { NULL, 0, 0 };
	size_t i, j;

	text_add(&t, "");
	for (i = 0; i < h->result_count; i++) {
		const struct landed_ar_result *r = &h->results[i];

		if (i > 0)
			text_add(&t, "; ");
		text_add(&t, r->method);
		if (r->method_version != NULL) {
			text_add(&t, "/");
			text_add(&t, r->method_version);
		}
		text_add(&t, "=");
		text_add(&t, r->result);
		if (r->reason != NULL) {
			text_add(&t, " reason=\"");
			text_add(&t, r->reason);
			text_add(&t, "\"");
		}
		for (j = 0; j < r->property_count; j++) {
			const struct landed_ar_property *p = &r->properties[j];

			text_add(&t, " ");
			if (p->ptype != NULL) {
				text_add(&t, p->ptype);
				text_add(&t, ".");
			}
			text_add(&t, p->property);
			text_add(&t, "=");
			text_add(&t, p->value);
		}
	}
	return t.data;
}

static char *
render_deviations(const struct landed_ar_header *h)
{
	struct text t = { NULL, 0, 0 };
	size_t i;

	text_add(&t, "");
	for (i = 0; i < h->deviation_count; i++) {
		if (i > 0)
			text_add(&t, " | ");
		text_add(&t, h->deviations[i]);
	}
	return t.data;
}

static const struct parse_case cases[] = {
	/* RFC 8601 appendix B. */
	{ "rfc8601 b.2 none", AR, " example.org 1; none",
	  "example.org", "1", -1, "", "", NULL },
	{ "rfc8601 b.3 spf", AR,
	  " example.com;\r\n          spf=pass smtp.mailfrom=example.net",
	  "example.com", NULL, -1, "spf=pass smtp.mailfrom=example.net", "",
	  NULL },
	{ "rfc8601 b.4 auth and spf", AR,
	  " example.com;\r\n          auth=pass (cram-md5) "
	  "smtp.auth=sender@example.net;\r\n          spf=pass "
	  "smtp.mailfrom=example.net",
	  "example.com", NULL, -1,
	  "auth=pass smtp.auth=sender@example.net; spf=pass "
	  "smtp.mailfrom=example.net", "", NULL },
	{ "rfc8601 b.4 iprev", AR,
	  " example.com; iprev=pass\r\n          policy.iprev=192.0.2.200",
	  "example.com", NULL, -1, "iprev=pass policy.iprev=192.0.2.200", "",
	  NULL },
	{ "rfc8601 b.5 dkim", AR,
	  " example.com;\r\n          dkim=pass (good signature) "
	  "header.d=example.com",
	  "example.com", NULL, -1, "dkim=pass header.d=example.com", "",
	  NULL },
	{ "rfc8601 b.5 auth and spf fail", AR,
	  " example.com;\r\n          auth=pass (cram-md5) "
	  "smtp.auth=sender@example.com;\r\n          spf=fail "
	  "smtp.mailfrom=example.com",
	  "example.com", NULL, -1,
	  "auth=pass smtp.auth=sender@example.com; spf=fail "
	  "smtp.mailfrom=example.com", "", NULL },
	{ "rfc8601 b.6 two signatures", AR,
	  " mail-router.example.net;\r\n          dkim=pass (good signature) "
	  "header.d=newyork.example.com\r\n                header.b=oINEO8hg;"
	  "\r\n          dkim=fail (bad signature) "
	  "header.d=newyork.example.com\r\n                header.b=EToRSuvU",
	  "mail-router.example.net", NULL, -1,
	  "dkim=pass header.d=newyork.example.com header.b=oINEO8hg; "
	  "dkim=fail header.d=newyork.example.com header.b=EToRSuvU", "",
	  NULL },
	{ "rfc8601 b.7 reasons", AR,
	  " example.com;\r\n          dkim=pass reason=\"good signature\"\r\n"
	  "            header.i=@mail-router.example.net;\r\n"
	  "          dkim=fail reason=\"bad signature\"\r\n"
	  "            header.i=@newyork.example.com",
	  "example.com", NULL, -1,
	  "dkim=pass reason=\"good signature\" "
	  "header.i=@mail-router.example.net; dkim=fail reason=\"bad "
	  "signature\" header.i=@newyork.example.com", "", NULL },
	{ "rfc8601 b.7 second header", AR,
	  " example.net;\r\n          dkim=pass (good signature) "
	  "header.i=@newyork.example.com",
	  "example.net", NULL, -1, "dkim=pass header.i=@newyork.example.com",
	  "", NULL },

	/* Grammar corners. */
	{ "comment before authserv-id", AR,
	  " (written by; the (receiver)) example.com; spf=pass",
	  "example.com", NULL, -1, "spf=pass", "", NULL },
	{ "nested comments with quoted-pairs", AR,
	  "example.com (a (b \\) c) d); spf=pass (x (y) \\( z) "
	  "smtp.mailfrom=a@example.com",
	  "example.com", NULL, -1, "spf=pass smtp.mailfrom=a@example.com", "",
	  NULL },
	{ "semicolon inside comment", AR,
	  "example.com; spf=pass (a; b=c; d) smtp.mailfrom=example.com",
	  "example.com", NULL, -1, "spf=pass smtp.mailfrom=example.com", "",
	  NULL },
	{ "semicolon inside quoted reason", AR,
	  "example.com; dkim=fail reason=\"bad; really\" header.d=example.com",
	  "example.com", NULL, -1,
	  "dkim=fail reason=\"bad; really\" header.d=example.com", "", NULL },
	{ "quoted-pairs in quoted value", AR,
	  "example.com; dkim=fail reason=\"say \\\"hi\\\" \\\\ ok\"",
	  "example.com", NULL, -1, "dkim=fail reason=\"say \"hi\" \\ ok\"", "",
	  NULL },
	{ "quoted authserv-id", AR, "\"mx.example.com\"; spf=pass",
	  "mx.example.com", NULL, -1, "spf=pass", "", NULL },
	{ "method version", AR,
	  "example.com; dkim/1=pass header.d=example.com",
	  "example.com", NULL, -1, "dkim/1=pass header.d=example.com", "",
	  NULL },
	{ "cfws everywhere", AR,
	  "example.com 1 (v) ; dkim (c) / (c) 1 (c) = (c) pass (c) header "
	  "(c) . (c) d (c) = (c) example.com (c) ; spf=pass",
	  "example.com", "1", -1, "dkim/1=pass header.d=example.com; spf=pass",
	  "", NULL },
	{ "case folding", AR,
	  "Example.COM; SPF=PASS SMTP.MailFrom=Alice@Example.COM",
	  "Example.COM", NULL, -1, "spf=pass smtp.mailfrom=Alice@Example.COM",
	  "", NULL },
	{ "unknown method and ptype kept", AR,
	  "example.com; x-me-sender=none x-foo.bar=baz; x-ptr=pass "
	  "policy.ptr=mail.example.com",
	  "example.com", NULL, -1,
	  "x-me-sender=none x-foo.bar=baz; x-ptr=pass "
	  "policy.ptr=mail.example.com", "", NULL },
	{ "quoted property value", AR,
	  "example.com; dkim=pass header.b=\"ab+/cd=\"",
	  "example.com", NULL, -1, "dkim=pass header.b=ab+/cd=", "", NULL },
	{ "quoted local-part address", AR,
	  "example.com; spf=pass smtp.mailfrom=\"a b\"@example.com",
	  "example.com", NULL, -1, "spf=pass smtp.mailfrom=\"a b\"@example.com",
	  "", NULL },
	{ "semicolon without space", AR,
	  "example.com;spf=pass smtp.mailfrom=example.com;dkim=pass "
	  "header.d=example.com",
	  "example.com", NULL, -1,
	  "spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com",
	  "", NULL },
	{ "comment glued to result", AR,
	  "example.com; dmarc=pass(p=REJECT)header.from=example.com",
	  "example.com", NULL, -1, "dmarc=pass header.from=example.com", "",
	  NULL },
	{ "method named none", AR, "example.com; none=pass",
	  "example.com", NULL, -1, "none=pass", "", NULL },
	{ "seventeen results", AR,
	  "example.com; a=pass; b=pass; c=pass; d=pass; e=pass; f=pass; "
	  "g=pass; h=pass; i=pass; j=pass; k=pass; l=pass; m=pass; n=pass; "
	  "o=pass; p=pass; q=pass",
	  "example.com", NULL, -1,
	  "a=pass; b=pass; c=pass; d=pass; e=pass; f=pass; g=pass; h=pass; "
	  "i=pass; j=pass; k=pass; l=pass; m=pass; n=pass; o=pass; p=pass; "
	  "q=pass", "", NULL },
	{ "utf-8 in a quoted reason", AR,
	  "example.com; dkim=fail reason=\"cl\xc3\xa9 invalide\"",
	  "example.com", NULL, -1, "dkim=fail reason=\"cl\xc3\xa9 invalide\"",
	  "", NULL },
	{ "lf folding with tabs", AR,
	  "example.com;\n\tspf=pass\n\t smtp.mailfrom=example.com",
	  "example.com", NULL, -1, "spf=pass smtp.mailfrom=example.com", "",
	  NULL },

	/* Known dialects, recovered with deviations. */
	{ "outlook without authserv-id", AR,
	  " spf=pass (sender IP is 192.0.2.20)\r\n smtp.mailfrom=example.com; "
	  "dkim=pass (signature was verified)\r\n header.d=example.com;"
	  "dmarc=pass action=none\r\n header.from=example.com;compauth=pass "
	  "reason=100",
	  NULL, NULL, -1,
	  "spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; "
	  "dmarc=pass action=none header.from=example.com; compauth=pass "
	  "reason=\"100\"",
	  "no authserv-id | key=value pair without ptype", NULL },
	{ "outlook with trailing semicolon", AR,
	  " spf=softfail (sender IP is 192.0.2.21) smtp.mailfrom=example.com; "
	  "dkim=none (message not signed) header.d=none;dmarc=fail "
	  "action=quarantine header.from=example.com;compauth=fail reason=001;",
	  NULL, NULL, -1,
	  "spf=softfail smtp.mailfrom=example.com; dkim=none header.d=none; "
	  "dmarc=fail action=quarantine header.from=example.com; "
	  "compauth=fail reason=\"001\"",
	  "no authserv-id | trailing ';' | key=value pair without ptype", NULL },
	{ "microsoft arc version", ARC,
	  " i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom=example.com; "
	  "dmarc=pass action=none header.from=example.com; dkim=pass "
	  "header.d=example.com; arc=none",
	  "mx.microsoft.com", "1", 1,
	  "spf=pass smtp.mailfrom=example.com; dmarc=pass action=none "
	  "header.from=example.com; dkim=pass header.d=example.com; arc=none",
	  "key=value pair without ptype", NULL },
	{ "arc stray token", ARC, "i=2; mx.microsoft.com x1; spf=pass",
	  "mx.microsoft.com", NULL, 2, "spf=pass",
	  "stray token after authserv-id", NULL },
	{ "yahoo comment without space", AR,
	  " atlas212.free.mail.ne1.yahoo.com;\r\n dkim=pass "
	  "header.i=@example.com header.s=sel1;\r\n spf=pass "
	  "smtp.mailfrom=example.com;\r\n dmarc=pass(p=NONE,sp=QUARANTINE) "
	  "header.from=example.com;",
	  "atlas212.free.mail.ne1.yahoo.com", NULL, -1,
	  "dkim=pass header.i=@example.com header.s=sel1; spf=pass "
	  "smtp.mailfrom=example.com; dmarc=pass header.from=example.com",
	  "trailing ';'", NULL },
	{ "yahoo older keywords", AR,
	  "atlas105.free.mail.bf1.yahoo.com; dkim=dkim_pass "
	  "header.i=@example.com; dmarc=success(p=REJECT) "
	  "header.from=example.com arc_overridden_status=NOT_OVERRIDDEN",
	  "atlas105.free.mail.bf1.yahoo.com", NULL, -1,
	  "dkim=dkim_pass header.i=@example.com; dmarc=success "
	  "header.from=example.com arc_overridden_status=NOT_OVERRIDDEN",
	  "key=value pair without ptype | keyword with '_' or a final '-'",
	  NULL },
	{ "opendkim slash in header.b", AR,
	  "mx.lab.test; dkim=pass (2048-bit key; unprotected) "
	  "header.d=cfg1.test header.b=ejIH/07S; dkim-atps=neutral",
	  "mx.lab.test", NULL, -1,
	  "dkim=pass header.d=cfg1.test header.b=ejIH/07S; dkim-atps=neutral",
	  "value outside token, quoted-string and address forms", NULL },
	{ "zoho result without properties", AR,
	  "mx.zohomail.com; dkim=pass; spf=pass smtp.mailfrom=a@example.com",
	  "mx.zohomail.com", NULL, -1,
	  "dkim=pass; spf=pass smtp.mailfrom=a@example.com", "", NULL },
	{ "mailru empty comment", AR,
	  "mxs.mail.ru; spf=none () smtp.mailfrom=alice@example.com "
	  "smtp.helo=mail.example.com; dmarc=pass header.from=alice@example.com",
	  "mxs.mail.ru", NULL, -1,
	  "spf=none smtp.mailfrom=alice@example.com smtp.helo=mail.example.com; "
	  "dmarc=pass header.from=alice@example.com", "", NULL },
	{ "none with trailing semicolon", AR, "example.org; none;",
	  "example.org", NULL, -1, "", "trailing ';'", NULL },
	{ "authserv-id and semicolon only", AR, "example.org;",
	  "example.org", NULL, -1, "", "trailing ';'", NULL },
	{ "empty value at the end", AR,
	  "example.com; spf=pass smtp.mailfrom=",
	  "example.com", NULL, -1, "spf=pass smtp.mailfrom=", "empty value",
	  NULL },
	{ "reason after properties", AR,
	  "example.com; dkim=fail header.d=example.com reason=\"bad\"",
	  "example.com", NULL, -1, "dkim=fail reason=\"bad\" "
	  "header.d=example.com", "reason after properties", NULL },

	/* Errors: the field has no results. */
	{ "unterminated comment", AR, "example.com; spf=pass (oops",
	  "example.com", NULL, -1, "", "",
	  "unterminated comment at byte 22" },
	{ "unterminated comment before id", AR, "(a (b) c example.com; x=y",
	  NULL, NULL, -1, "", "", "unterminated comment at byte 0" },
	{ "unterminated quote", AR, "example.com; dkim=fail reason=\"oops",
	  "example.com", NULL, -1, "", "",
	  "unterminated quoted string at byte 30" },
	{ "quoted-pair at the very end", AR,
	  "example.com; spf=pass (x \\", "example.com", NULL, -1, "", "",
	  "unterminated comment at byte 22" },
	{ "missing semicolon between results", AR,
	  "example.com; spf=pass dkim=pass",
	  "example.com", NULL, -1, "", "",
	  "missing ';' before method 'dkim' at byte 22" },
	{ "garbage after last result", AR,
	  "example.com; spf=pass smtp.mailfrom=a@example.com garbage",
	  "example.com", NULL, -1, "", "",
	  "expected '.' or '=' after 'garbage' at byte 57" },
	{ "quoted garbage after result", AR,
	  "example.com; spf=pass \"x\"", "example.com", NULL, -1, "", "",
	  "expected ';' or a property at byte 22" },
	{ "none followed by results", AR, "example.com; none; spf=pass",
	  "example.com", NULL, -1, "", "", "results after 'none' at byte 19" },
	{ "results followed by none", AR, "example.com; spf=pass; none",
	  "example.com", NULL, -1, "", "",
	  "expected '=' after method 'none' at byte 27" },
	{ "encoded-word as authserv-id", AR,
	  " =?utf-8?q?mx.example.com?=; spf=pass", NULL, NULL, -1, "", "",
	  "an RFC 2047 encoded-word is not a valid authserv-id at byte 1" },
	{ "empty field", AR, "  ", NULL, NULL, -1, "", "",
	  "missing authserv-id at byte 2" },
	{ "missing authserv-id before semicolon", AR, "; spf=pass",
	  NULL, NULL, -1, "", "", "missing authserv-id at byte 0" },
	{ "authserv-id without results", AR, "example.com",
	  "example.com", NULL, -1, "", "",
	  "expected ';' after authserv-id at byte 11" },
	{ "unexpected token after id", AR, "example.com abc; spf=pass",
	  "example.com", NULL, -1, "", "",
	  "unexpected 'abc' after authserv-id at byte 12" },
	{ "missing result", AR, "example.com; spf=", "example.com", NULL, -1,
	  "", "", "missing result for method 'spf' at byte 17" },
	{ "missing property name", AR, "example.com; spf=pass smtp.=x",
	  "example.com", NULL, -1, "", "", "missing property name at byte 27" },
	{ "missing equals after property", AR,
	  "example.com; spf=pass smtp.mailfrom x", "example.com", NULL, -1,
	  "", "", "expected '=' after 'smtp.mailfrom' at byte 36" },
	{ "arc without instance", ARC, "mx.google.com; spf=pass", NULL, NULL,
	  -1, "", "", "missing ARC instance \"i=\" at byte 0" },
	{ "arc instance zero", ARC, "i=0; mx.google.com; spf=pass", NULL,
	  NULL, -1, "", "", "ARC instance 0 is outside 1-50 at byte 2" },
	{ "arc instance too high", ARC, "i=51; mx.google.com; spf=pass", NULL,
	  NULL, -1, "", "", "ARC instance 51 is outside 1-50 at byte 2" },
	{ "arc huge instance", ARC,
	  "i=99999999999999999999999; mx.google.com; spf=pass", NULL, NULL, -1,
	  "", "", "ARC instance 99999999999999999999 is outside 1-50 at byte 2" },

	/* ARC and Received-SPF. */
	{ "gmail arc", ARC,
	  " i=1; mx.google.com;\r\n       dkim=pass header.i=@example.com "
	  "header.s=sel1 header.b=AbCd1234;\r\n       arc=pass (i=1)",
	  "mx.google.com", NULL, 1,
	  "dkim=pass header.i=@example.com header.s=sel1 header.b=AbCd1234; "
	  "arc=pass", "", NULL },
	{ "received-spf gmail", SPF,
	  " pass (google.com: domain of alice@example.com designates "
	  "192.0.2.10 as permitted sender) client-ip=192.0.2.10;",
	  NULL, NULL, -1, "spf=pass client-ip=192.0.2.10", "", NULL },
	{ "received-spf rfc 7208 example", SPF,
	  " pass (mybox.example.org: domain of\r\n myname@example.com "
	  "designates 192.0.2.1 as permitted sender)\r\n "
	  "receiver=mybox.example.org; client-ip=192.0.2.1;\r\n "
	  "envelope-from=\"myname@example.com\"; helo=foo.example.com;",
	  NULL, NULL, -1,
	  "spf=pass receiver=mybox.example.org client-ip=192.0.2.1 "
	  "envelope-from=myname@example.com helo=foo.example.com", "", NULL },
	{ "received-spf microsoft", SPF,
	  " Pass (protection.outlook.com: domain of example.com designates\r\n"
	  " 192.0.2.20 as permitted sender) receiver=protection.outlook.com;\r\n"
	  " client-ip=192.0.2.20; helo=mail.example.com; pr=C",
	  NULL, NULL, -1,
	  "spf=pass receiver=protection.outlook.com client-ip=192.0.2.20 "
	  "helo=mail.example.com pr=C", "", NULL },
	{ "received-spf unquoted address", SPF,
	  "Pass (mailfrom) identity=mailfrom; client-ip=2001:db8::2; "
	  "envelope-from=alice@example.com; receiver=<UNKNOWN>",
	  NULL, NULL, -1,
	  "spf=pass identity=mailfrom client-ip=2001:db8::2 "
	  "envelope-from=alice@example.com receiver=<UNKNOWN>",
	  "Received-SPF value not a dot-atom or quoted-string", NULL },
	{ "received-spf result only", SPF, " none", NULL, NULL, -1, "spf=none",
	  "", NULL },
	{ "received-spf unknown result", SPF, " great (x) a=b", NULL, NULL,
	  -1, "", "", "unknown Received-SPF result 'great' at byte 1" },
	{ "received-spf missing semicolon", SPF,
	  "pass client-ip=192.0.2.1 helo=x", NULL, NULL, -1, "", "",
	  "expected ';' between key=value pairs at byte 25" },
};

static void
run_case(const struct parse_case *c)
{
	struct landed_ar_header *h = NULL;
	char *results, *deviations;
	int rc;

	TEST_CASE(c->name);
	rc = landed_ar_parse(c->kind, c->value, strlen(c->value), &h);
	CHECK_INT(0, rc);
	if (rc != 0 || h == NULL)
		return;
	results = render_results(h);
	deviations = render_deviations(h);
	CHECK_STR(c->error, h->error);
	CHECK_STR(c->results, results);
	CHECK_STR(c->deviations, deviations);
	CHECK_STR(c->authserv_id, h->authserv_id);
	CHECK_STR(c->version, h->version);
	CHECK_INT(c->instance, h->instance);
	CHECK_INT(c->kind, h->kind);
	CHECK_INT(LANDED_AR_TRUST_UNSET, h->trusted);
	free(results);
	free(deviations);
	landed_ar_header_free(&h);
	CHECK_TRUE(h == NULL);
}

/* Parses a generated value and returns the header (caller frees). */
static struct landed_ar_header *
parse_text(enum landed_ar_kind kind, const char *text, size_t length)
{
	struct landed_ar_header *h = NULL;

	if (landed_ar_parse(kind, text, length, &h) != 0) {
		printf("out of memory parsing %zu bytes\n", length);
		exit(2);
	}
	return h;
}

static char *
repeat(const char *head, const char *unit, size_t count, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(hl + ul * count + tl + 1);

	if (s == NULL)
		abort();
	memcpy(s, head, hl);
	for (i = 0; i < count; i++)
		memcpy(s + hl + i * ul, unit, ul);
	memcpy(s + hl + count * ul, tail, tl + 1);
	return s;
}

static void
test_limits(void)
{
	struct landed_ar_header *h;
	char *s;

	TEST_CASE("256 results accepted");
	s = repeat("example.com", "; a=pass", 256, "");
	h = parse_text(AR, s, strlen(s));
	CHECK_STR(NULL, h->error);
	CHECK_INT(256, h->result_count);
	landed_ar_header_free(&h);
	free(s);

	TEST_CASE("257 results rejected");
	s = repeat("example.com", "; a=pass", 257, "");
	h = parse_text(AR, s, strlen(s));
	CHECK_STR("more than 256 results at byte 2061", h->error);
	CHECK_INT(0, h->result_count);
	landed_ar_header_free(&h);
	free(s);

	TEST_CASE("64 properties accepted");
	s = repeat("example.com; a=pass", " x.y=z", 64, "");
	h = parse_text(AR, s, strlen(s));
	CHECK_STR(NULL, h->error);
	CHECK_INT(1, h->result_count);
	CHECK_INT(64, h->result_count == 1 ? h->results[0].property_count : 0);
	landed_ar_header_free(&h);
	free(s);

	TEST_CASE("65 properties rejected");
	s = repeat("example.com; a=pass", " x.y=z", 65, "");
	h = parse_text(AR, s, strlen(s));
	CHECK_STR("more than 64 properties in one result at byte 404",
	    h->error);
	CHECK_INT(0, h->result_count);
	landed_ar_header_free(&h);
	free(s);

	TEST_CASE("field over 64 KiB rejected");
	s = repeat("example.com; a=pass reason=\"", "x", 65536, "\"");
	h = parse_text(AR, s, strlen(s));
	CHECK_TRUE(h->error != NULL &&
	    strstr(h->error, "over the limit of 65536 bytes") != NULL);
	CHECK_INT(0, h->result_count);
	CHECK_STR("example.com", h->authserv_id);
	landed_ar_header_free(&h);
	free(s);

	/* Only the first bytes are read, so the caller may pass just those. */
	TEST_CASE("oversize id from first bytes only");
	s = repeat("\"example.com\"; a=pass reason=\"", "x",
	    LANDED_AR_ID_SCAN_BYTES, "");
	h = parse_text(AR, s, 70000);
	CHECK_STR("field of 70000 bytes is over the limit of 65536 bytes at "
	    "byte 65536", h->error);
	CHECK_STR("example.com", h->authserv_id);
	landed_ar_header_free(&h);
	free(s);

	TEST_CASE("oversize without value");
	h = parse_text(AR, NULL, 70000);
	CHECK_TRUE(h->error != NULL);
	CHECK_STR(NULL, h->authserv_id);
	landed_ar_header_free(&h);

	TEST_CASE("oversize arc keeps id and instance");
	s = repeat("i=2; mx.example.net; a=pass reason=\"", "x", 65536, "\"");
	h = parse_text(ARC, s, strlen(s));
	CHECK_TRUE(h->error != NULL);
	CHECK_STR("mx.example.net", h->authserv_id);
	CHECK_INT(2, h->instance);
	landed_ar_header_free(&h);
	free(s);

	/* An id that reaches the end of the bytes read may be cut short. */
	TEST_CASE("oversize id cut at scan end");
	s = repeat("", "a", 65600, "; a=pass");
	h = parse_text(AR, s, strlen(s));
	CHECK_TRUE(h->error != NULL);
	CHECK_STR(NULL, h->authserv_id);
	landed_ar_header_free(&h);
	free(s);

	TEST_CASE("oversize id after long comment");
	s = repeat("(", "x", 65600, ") example.com; a=pass");
	h = parse_text(AR, s, strlen(s));
	CHECK_TRUE(h->error != NULL);
	CHECK_STR(NULL, h->authserv_id);
	landed_ar_header_free(&h);
	free(s);

	TEST_CASE("oversize received-spf has no id");
	s = repeat("pass reason=\"", "x", 65536, "\"");
	h = parse_text(SPF, s, strlen(s));
	CHECK_TRUE(h->error != NULL);
	CHECK_STR(NULL, h->authserv_id);
	landed_ar_header_free(&h);
	free(s);

	TEST_CASE("field of exactly 64 KiB accepted");
	s = repeat("example.com; a=pass reason=\"", "x", 65536 - 29, "\"");
	CHECK_INT(65536, strlen(s));
	h = parse_text(AR, s, strlen(s));
	CHECK_STR(NULL, h->error);
	CHECK_INT(65536 - 29, h->result_count == 1 ?
	    strlen(h->results[0].reason) : 0);
	landed_ar_header_free(&h);
	free(s);
}

struct nul_case {
	const char *name;
	enum landed_ar_kind kind;
	const char *value;
	size_t length;
	const char *error;
};

/* Values with a NUL byte; sizeof - 1 keeps the bytes after it. */
#define NUL_VALUE(s)	s, sizeof(s) - 1

static const struct nul_case nul_cases[] = {
	{ "nul in quoted authserv-id", AR,
	  NUL_VALUE("\"mx.google.com\0.evil.example\"; dmarc=pass"),
	  "NUL byte in the field at byte 14" },
	{ "nul in token authserv-id", AR,
	  NUL_VALUE("mx.google.com\0; dmarc=pass"),
	  "NUL byte in the field at byte 13" },
	{ "nul in quoted value", AR,
	  NUL_VALUE("mx.example.net; spf=pass reason=\"a\0b\""),
	  "NUL byte in the field at byte 34" },
	{ "nul in comment", AR,
	  NUL_VALUE("mx.example.net; spf=pass (a\0b)"),
	  "NUL byte in the field at byte 27" },
	{ "nul after folding", AR,
	  NUL_VALUE("mx.example.net;\r\n spf=pass\0"),
	  "NUL byte in the field at byte 24" },
	{ "nul in arc field", ARC,
	  NUL_VALUE("i=1; mx.google.com; arc=pass\0"),
	  "NUL byte in the field at byte 28" },
	{ "nul in received-spf", SPF,
	  NUL_VALUE("pass client-ip=\"192.0.2.1\0\""),
	  "NUL byte in the field at byte 25" },
};

static void
test_nul(void)
{
	struct landed_ar_header *h;
	size_t i;

	for (i = 0; i < sizeof(nul_cases) / sizeof(nul_cases[0]); i++) {
		const struct nul_case *c = &nul_cases[i];

		TEST_CASE(c->name);
		h = parse_text(c->kind, c->value, c->length);
		CHECK_STR(c->error, h->error);
		CHECK_STR(NULL, h->authserv_id);
		CHECK_INT(0, h->result_count);
		landed_ar_header_free(&h);
	}
}

static double
seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * Hostile inputs at the size limit must parse in linear time.  The bound
 * of 2 s is loose on purpose: each case takes a few milliseconds even
 * under AddressSanitizer, and catastrophic backtracking would take hours.
 */
static void
test_hostile_field(const char *name, enum landed_ar_kind kind, char *text,
    int expect_error)
{
	struct landed_ar_header *h;
	struct timespec start;

	TEST_CASE(name);
	clock_gettime(CLOCK_MONOTONIC, &start);
	h = parse_text(kind, text, strlen(text));
	CHECK_TRUE(seconds_since(&start) < 2.0);
	CHECK_INT(expect_error, h->error != NULL);
	landed_ar_header_free(&h);
	free(text);
}

static void
test_hostile(void)
{
	char *s;

	test_hostile_field("64 KiB of open parentheses", AR,
	    repeat("", "((((", 16000, ""), 1);
	s = repeat("example.com ", "(", 30000, "");
	test_hostile_field("deeply nested comment closed", AR,
	    repeat(s, ")", 30000, "; spf=pass"), 0);
	free(s);
	test_hostile_field("64 KiB token without semicolon", AR,
	    repeat("", "a", 65000, ""), 1);
	test_hostile_field("many a=b pairs", AR,
	    repeat("example.com; spf=pass", " a=b", 16000, ""), 1);
	test_hostile_field("many a=b results", AR,
	    repeat("example.com", "; a=b", 13000, ""), 1);
	test_hostile_field("address-like run", AR,
	    repeat("example.com; spf=pass smtp.mailfrom=", "a@", 30000, ""), 0);
	test_hostile_field("dot-atom without domain", AR,
	    repeat("example.com; spf=pass smtp.mailfrom=", "a.", 30000, "@"), 0);
	test_hostile_field("unterminated quote of backslashes", AR,
	    repeat("example.com; spf=pass reason=\"", "\\\\", 30000, ""), 1);
	test_hostile_field("long quoted local-part", AR,
	    repeat("example.com; spf=pass smtp.mailfrom=\"", "a", 60000,
	    "\"@"), 1);
	test_hostile_field("received-spf many pairs", SPF,
	    repeat("pass", " a=b;", 13000, ""), 1);
}

/*
 * The lexer itself has no size limit, so it is run on the inputs that the
 * 64 KiB field limit keeps from the parser.
 */
static void
test_lexer_linear(void)
{
	struct ld_ar_lexer lexer;
	struct timespec start;
	enum ld_ar_value_form form;
	size_t at, value_start, value_length, pairs = 0;
	char *s, *open_part;

	TEST_CASE("lexer 1 MiB nested comment");
	open_part = repeat("", "(", 1 << 19, "");
	s = repeat(open_part, ")", 1 << 19, "x");
	free(open_part);
	clock_gettime(CLOCK_MONOTONIC, &start);
	CHECK_INT(0, ld_ar_lex_init(&lexer, s, strlen(s)));
	CHECK_INT(0, ld_ar_lex_skip_cfws(&lexer, &at));
	CHECK_INT('x', ld_ar_lex_peek(&lexer));
	CHECK_TRUE(seconds_since(&start) < 2.0);
	ld_ar_lex_done(&lexer);
	free(s);

	TEST_CASE("lexer 100000 a=b pairs");
	s = repeat("", "a=b ", 100000, "");
	clock_gettime(CLOCK_MONOTONIC, &start);
	CHECK_INT(0, ld_ar_lex_init(&lexer, s, strlen(s)));
	while (!ld_ar_lex_at_end(&lexer)) {
		size_t key = ld_ar_lex_keyword(&lexer);

		if (key == 0)
			break;
		lexer.position += key + 1;
		if (ld_ar_lex_value(&lexer, 0, &value_start, &value_length,
		    &form) != 0 || ld_ar_lex_skip_cfws(&lexer, &at) != 0)
			break;
		pairs++;
	}
	CHECK_INT(100000, pairs);
	CHECK_TRUE(seconds_since(&start) < 2.0);
	ld_ar_lex_done(&lexer);
	free(s);

	TEST_CASE("lexer 1 MiB loose value");
	s = repeat("", "a@b/", 1 << 18, "");
	clock_gettime(CLOCK_MONOTONIC, &start);
	CHECK_INT(0, ld_ar_lex_init(&lexer, s, strlen(s)));
	CHECK_INT(0, ld_ar_lex_value(&lexer, 0, &value_start, &value_length,
	    &form));
	CHECK_INT(LD_AR_VALUE_LOOSE, form);
	CHECK_INT(1 << 20, value_length);
	CHECK_TRUE(seconds_since(&start) < 2.0);
	ld_ar_lex_done(&lexer);
	free(s);
}

/* Reads a whole file; exits when it cannot. */
static char *
read_file(const char *path, size_t *length)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	long size;

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
	data[size] = '\0';
	*length = (size_t)size;
	return data;
}

struct sample_case {
	const char *file;
	size_t fields;		/* authentication fields in the sample */
	const char *first;	/* rendered results of the topmost field */
};

static const struct sample_case samples[] = {
	{ "aol.eml", 2, "spf=pass" },
	{ "fastmail.eml", 2, "x-csa=none; x-me-sender=none; x-ptr=pass "
	  "smtp.helo=mail.example.com policy.ptr=mail.example.com; "
	  "bimi=skipped; arc=none; dkim=pass header.d=example.com "
	  "header.i=@example.com header.b=Qw12Er34 header.a=rsa-sha256 "
	  "header.s=sel1 x-bits=2048; dmarc=none "
	  "policy.published-domain-policy=none policy.applied-disposition=none "
	  "policy.evaluated-disposition=none policy.policy-from=p "
	  "header.from=example.com; iprev=pass smtp.remote-ip=192.0.2.60; "
	  "spf=pass smtp.mailfrom=alice@example.com smtp.helo=mail.example.com" },
	{ "gmail.eml", 3, "dkim=pass header.i=@example.com header.s=sel1 "
	  "header.b=AbCd1234; spf=pass smtp.mailfrom=alice@example.com; "
	  "dmarc=pass header.from=example.com" },
	{ "gmail-forged.eml", 3, "spf=softfail client-ip=192.0.2.66" },
	{ "gmx.eml", 2, "dkim=pass header.i=@example.com" },
	{ "icloud.eml", 5, "bimi=skipped reason=\"insufficient dmarc\"" },
	{ "lab-opendkim.eml", 3, "dmarc=pass header.from=cfg1.test" },
	{ "lab-rspamd.eml", 1, "dkim=pass header.d=cfg1.test header.s=sel1 "
	  "header.b=JI78bwcT; dmarc=pass header.from=cfg1.test; spf=pass "
	  "smtp.mailfrom=alice@cfg1.test" },
	{ "mailru.eml", 1, "spf=none smtp.mailfrom=alice@example.com "
	  "smtp.helo=mail.example.com; dkim=pass header.d=example.com; "
	  "dmarc=pass header.from=alice@example.com" },
	{ "outlook.eml", 3, "spf=pass smtp.mailfrom=example.com; dmarc=pass "
	  "action=none header.from=example.com; dkim=pass "
	  "header.d=example.com; arc=none" },
	{ "outlook-junk.eml", 3, "spf=softfail "
	  "smtp.rcpttodomain=outlook.example smtp.mailfrom=example.com; "
	  "dmarc=fail action=quarantine header.from=example.com; dkim=none; "
	  "arc=none" },
	{ "yahoo.eml", 2, "spf=pass" },
	{ "yahoo-older.eml", 2, "spf=pass" },
	{ "yandex.eml", 1, "spf=pass smtp.mail=alice@example.com; dkim=pass "
	  "header.i=@example.com" },
	{ "yandex-qloud.eml", 1, "spf=pass smtp.mail=alice@example.com; "
	  "dkim=pass header.i=@example.com" },
	{ "zoho.eml", 2, "dkim=pass; spf=pass "
	  "smtp.mailfrom=alice@example.com; dmarc=pass "
	  "header.from=example.com" },
};

static void
test_samples(void)
{
	struct landed_ar_header **headers;
	char path[256], *data, *first;
	size_t i, j, count, length;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		TEST_CASE(samples[i].file);
		snprintf(path, sizeof(path), "samples/authres/%s",
		    samples[i].file);
		data = read_file(path, &length);
		CHECK_INT(0, ld_authres_parse_block(data, length, &headers,
		    &count));
		CHECK_INT(samples[i].fields, count);
		for (j = 0; j < count; j++) {
			CHECK_STR(NULL, headers[j]->error);
			CHECK_INT(j, headers[j]->position);
		}
		if (count > 0) {
			first = render_results(headers[0]);
			CHECK_STR(samples[i].first, first);
			free(first);
		}
		ld_authres_block_free(&headers, count);
		CHECK_TRUE(headers == NULL);
		free(data);
	}
}

static void
test_block(void)
{
	static const char block[] =
	    "From alice@example.com Fri Dec  4 19:20:30 2026\n"
	    "Received: from x\n"
	    "authentication-results: a.example; spf=pass\n"
	    "ARC-Authentication-Results: i=1; a.example;\n"
	    "  dkim=pass\n"
	    "Authentication-Results: b.example; spf=pass (oops\n"
	    "received-spf: none\n"
	    "\n"
	    "Authentication-Results: body.example; spf=pass\n";
	struct landed_ar_header **headers;
	size_t count;

	TEST_CASE("block in message order");
	CHECK_INT(0, ld_authres_parse_block(block, sizeof(block) - 1,
	    &headers, &count));
	CHECK_INT(4, count);
	if (count != 4)
		return;
	CHECK_INT(AR, headers[0]->kind);
	CHECK_STR("a.example", headers[0]->authserv_id);
	CHECK_INT(ARC, headers[1]->kind);
	CHECK_INT(1, headers[1]->instance);
	CHECK_STR("unterminated comment at byte 21", headers[2]->error);
	CHECK_STR("b.example", headers[2]->authserv_id);
	CHECK_INT(SPF, headers[3]->kind);
	CHECK_INT(3, headers[3]->position);
	ld_authres_block_free(&headers, count);

	TEST_CASE("block without fields");
	CHECK_INT(0, ld_authres_parse_block("Subject: x\r\n\r\n", 14,
	    &headers, &count));
	CHECK_INT(0, count);
	CHECK_TRUE(headers == NULL);
}

static void
test_names(void)
{
	TEST_CASE("kind names");
	CHECK_STR("Authentication-Results", landed_ar_kind_name(AR));
	CHECK_STR("ARC-Authentication-Results", landed_ar_kind_name(ARC));
	CHECK_STR("Received-SPF", landed_ar_kind_name(SPF));
	CHECK_STR("unknown field", landed_ar_kind_name(LANDED_AR_KIND_COUNT));
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_limits();
	test_nul();
	test_hostile();
	test_lexer_linear();
	test_samples();
	test_block();
	test_names();
	return harness_finish();
}
