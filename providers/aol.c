/* AOL Mail runs on Yahoo's platform. */
#include "platform-yahoo.h"

static const char *const domains[] = { "aol.com", "aim.com", NULL };
/* Matches atlasNNN.free.mail.<dc>.yahoo.com and the newer
 * atlas-production.v2-mail-prod1-<dc>.omega.yahoo.com. */
static const char *const authserv_ids[] = { "atlas*.yahoo.com", NULL };
/* NOTE: "Bulk" is a guess from the shared Yahoo platform; SPECIAL-USE and
 * the config's folders take precedence. */
static const char *const junk[] = { "Bulk", "Bulk Mail", "Spam", NULL };

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
	.verdict_fields = yahoo_verdict_fields,
	.interpret = yahoo_platform_interpret,
};
