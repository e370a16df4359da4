/* Gmail: Spam under [Gmail]/, tabs through X-GM-RAW, A-R from mx.google.com. */
#include "provider-plugin.h"

static const char *const domains[] = { "gmail.com", "googlemail.com", NULL };
static const char *const authserv_ids[] = { "mx.google.com", NULL };
/* The [Gmail]/ names follow the account's language; SPECIAL-USE \Junk
 * (sent after login) is what finds a localized Spam folder. */
static const char *const junk[] = { "[Gmail]/Spam", "[Google Mail]/Spam", NULL };
static const char *const views[] = {
	"[Gmail]/All Mail", "[Google Mail]/All Mail",
	"[Gmail]/Important", "[Google Mail]/Important",
	"[Gmail]/Starred", "[Google Mail]/Starred", NULL
};

LANDED_PROVIDER(gmail) = {
	LANDED_PROVIDER_HEADER,
	.name = "gmail",
	.display_name = "Gmail",
	.domains = domains,
	.imap_host = "imap.gmail.com",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN |
	    LANDED_PROVIDER_AUTH_XOAUTH2 | LANDED_PROVIDER_AUTH_OAUTHBEARER,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.view_folders = views,
	.max_connections = 15,
	.supported = 1,
	.notes = "app password (needs 2-step verification) or OAuth 2.0",
};
