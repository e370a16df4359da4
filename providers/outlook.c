/*
 * Outlook.com and Hotmail: Authentication-Results with no authserv-id,
 * and Microsoft's own verdict in three headers:
 *   X-Forefront-Antispam-Report            "SFV:SPM;CAT:BULK;SCL:5;..."
 *   X-MS-Exchange-Organization-SCL         -1 to 9; 5 and up is spam
 *   X-Microsoft-Antispam-Mailbox-Delivery  "...;dest:J;..." (I inbox, J junk)
 * and the BCL (bulk complaint level) in X-Microsoft-Antispam.
 */
#include <stdio.h>

#include "provider-plugin.h"

static const char *const domains[] = {
	"outlook.com", "hotmail.com", "live.com", "msn.com", NULL
};
static const char *const junk[] = { "Junk", "Junk Email", "Junk E-mail", NULL };
/* Microsoft's ARC-Authentication-Results carry this id ("i=1;
 * mx.microsoft.com 1; ..."); its Authentication-Results carry none. */
static const char *const authserv_ids[] = { "mx.microsoft.com", NULL };
static const char *const verdict_fields[] = {
	"X-Forefront-Antispam-Report", "X-MS-Exchange-Organization-SCL",
	"X-Microsoft-Antispam-Mailbox-Delivery", "X-Microsoft-Antispam", NULL
};

/* Microsoft documents SCL 5 and 6 as spam and 9 as high-confidence spam;
 * -1, 0 and 1 as not spam. */
#define SCL_SPAM_MIN 5
#define SCL_NOT_SPAM_MAX 1

#define VALUE_BYTES 256
#define FIELD_BYTES 4096

/* Copies the value of key from the list in field into the verdict. */
static int
copy_item(const char *field, const char *key, const char *verdict_key,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict,
    char *value, size_t size)
{
	long long number;

	if (!landed_plugin_list_value(field, key, value, size) || value[0] == '\0')
		return 0;
	if (landed_plugin_parse_int(value, &number))
		return ops->set_int(verdict, verdict_key, number) == 0 ? 1 : -1;
	return ops->set_string(verdict, verdict_key, value) == 0 ? 1 : -1;
}

/* The verdict's opinion, strongest evidence first: the folder Exchange
 * delivered the message to, then the SCL, then the spam filter verdict. */
static int
judge(const char *dest, long long scl, int has_scl, const char *sfv,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	char evidence[32];

	if (strcasecmp(dest, "J") == 0)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_SPAM,
		    "X-Microsoft-Antispam-Mailbox-Delivery dest:J");
	if (strcasecmp(dest, "I") == 0)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_NOT_SPAM,
		    "X-Microsoft-Antispam-Mailbox-Delivery dest:I");
	snprintf(evidence, sizeof(evidence), "SCL %lld", scl);
	if (has_scl && scl >= SCL_SPAM_MIN)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_SPAM,
		    evidence);
	if (has_scl && scl <= SCL_NOT_SPAM_MAX)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_NOT_SPAM,
		    evidence);
	if (strcasecmp(sfv, "SPM") == 0)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_SPAM,
		    "X-Forefront-Antispam-Report SFV:SPM");
	return 0;
}

/* compauth (Microsoft's composite authentication) from the trusted A-R. */
static int
copy_compauth(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	for (size_t h = 0; h < message->authentication_result_count; h++) {
		const struct landed_ar_header *header =
		    message->authentication_results[h];

		if (header->kind != LANDED_AR_AUTHENTICATION_RESULTS ||
		    header->trusted != LANDED_AR_TRUST_YES)
			continue;
		for (size_t r = 0; r < header->result_count; r++) {
			const struct landed_ar_result *result = &header->results[r];

			if (strcmp(result->method, "compauth") != 0)
				continue;
			if (ops->set_string(verdict, "compauth", result->result) != 0)
				return -1;
			if (result->reason != NULL && ops->set_string(verdict,
			    "compauth_reason", result->reason) != 0)
				return -1;
			return 0;
		}
	}
	return 0;
}

static int
outlook_interpret(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	char field[FIELD_BYTES], value[VALUE_BYTES];
	char sfv[VALUE_BYTES] = "", dest[VALUE_BYTES] = "";
	long long scl = 0;
	int has_scl = 0;

	if (ops->header_field(message, "X-Forefront-Antispam-Report", 0, field,
	    sizeof(field)) >= 0) {
		if (copy_item(field, "SCL", "scl", ops, verdict, value,
		    sizeof(value)) < 0 ||
		    copy_item(field, "SFV", "sfv", ops, verdict, sfv,
		    sizeof(sfv)) < 0 ||
		    copy_item(field, "CAT", "cat", ops, verdict, value,
		    sizeof(value)) < 0)
			return -1;
		if (landed_plugin_list_value(field, "SCL", value, sizeof(value)))
			has_scl = landed_plugin_parse_int(value, &scl);
	}
	/* Exchange's own SCL header outranks the copy in the report. */
	if (ops->header_field(message, "X-MS-Exchange-Organization-SCL", 0,
	    value, sizeof(value)) >= 0 && landed_plugin_parse_int(value, &scl)) {
		has_scl = 1;
		if (ops->set_int(verdict, "scl", scl) != 0)
			return -1;
	}
	if (ops->header_field(message, "X-Microsoft-Antispam-Mailbox-Delivery",
	    0, field, sizeof(field)) >= 0 &&
	    copy_item(field, "dest", "dest", ops, verdict, dest,
	    sizeof(dest)) < 0)
		return -1;
	if (ops->header_field(message, "X-Microsoft-Antispam", 0, field,
	    sizeof(field)) >= 0 &&
	    copy_item(field, "BCL", "bcl", ops, verdict, value,
	    sizeof(value)) < 0)
		return -1;
	if (copy_compauth(message, ops, verdict) != 0)
		return -1;
	return judge(dest, scl, has_scl, sfv, ops, verdict);
}

LANDED_PROVIDER(outlook) = {
	LANDED_PROVIDER_HEADER,
	.name = "outlook",
	.display_name = "Outlook.com",
	.domains = domains,
	.imap_host = "outlook.office365.com",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	/* Basic authentication for personal accounts ended 2024-09-16. */
	.auth_methods = LANDED_PROVIDER_AUTH_XOAUTH2,
	.authserv_ids = authserv_ids,
	.flags = LANDED_PROVIDER_NO_AUTHSERV_ID,
	.junk_folders = junk,
	.max_connections = 4,
	.supported = 1,
	.notes = "OAuth 2.0 (XOAUTH2) only for personal accounts",
	.verdict_fields = verdict_fields,
	.interpret = outlook_interpret,
};
