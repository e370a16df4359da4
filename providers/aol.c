/* AOL Mail runs on Yahoo's platform. */
#include "provider-plugin.h"

static const char *const domains[] = { "aol.com", "aim.com", NULL };
/* Matches atlasNNN.free.mail.<dc>.yahoo.com and the newer
 * atlas-production.v2-mail-prod1-<dc>.omega.yahoo.com. */
static const char *const authserv_ids[] = { "atlas*.yahoo.com", NULL };
/* NOTE: "Bulk" is a guess from the shared Yahoo platform; SPECIAL-USE and
 * the config's folders take precedence. */
static const char *const junk[] = { "Bulk", "Bulk Mail", "Spam", NULL };

static const char *const verdict_fields[] = { "X-YahooFilteredBulk", NULL };

/*
 * X-YahooFilteredBulk carries the sending IP address and was seen only
 * in older Yahoo mail.  NOTE: its meaning is inferred from its name, so
 * it is recorded but not taken as a spam verdict.
 */
static int
aol_interpret(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	char value[256];

	if (ops->header_field(message, "X-YahooFilteredBulk", 0, value,
	    sizeof(value)) < 0)
		return 0;
	return ops->set_string(verdict, "filtered_bulk", value);
}

LANDED_PROVIDER(aol) = {
	LANDED_PROVIDER_HEADER,
	.name = "aol",
	.display_name = "AOL Mail",
	.domains = domains,
	.imap_host = "imap.aol.com",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN |
	    LANDED_PROVIDER_AUTH_OAUTHBEARER,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.max_connections = 5,
	.supported = 1,
	.notes = "app password; spam folder name unverified",
	.verdict_fields = verdict_fields,
	.interpret = aol_interpret,
};
