/* Yahoo Mail: spam goes to "Bulk", which carries no SPECIAL-USE flag. */
#include "platform-yahoo.h"

static const char *const domains[] = { "yahoo.com", "ymail.com", "rocketmail.com", NULL };
/* Matches atlasNNN.free.mail.<dc>.yahoo.com and the newer
 * atlas-production.v2-mail-prod1-<dc>.omega.yahoo.com. */
static const char *const authserv_ids[] = { "atlas*.yahoo.com", NULL };
static const char *const junk[] = { "Bulk", "Bulk Mail", NULL };

LANDED_PROVIDER(yahoo) = {
	LANDED_PROVIDER_HEADER,
	.name = "yahoo",
	.display_name = "Yahoo Mail",
	.domains = domains,
	.imap_host = "imap.mail.yahoo.com",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN |
	    LANDED_PROVIDER_AUTH_OAUTHBEARER,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.max_connections = 5,
	.supported = 1,
	.notes = "app password",
	.verdict_fields = yahoo_verdict_fields,
	.interpret = yahoo_platform_interpret,
};
