/* Fastmail. */
#include "provider-plugin.h"

static const char *const domains[] = { "fastmail.com", "fastmail.fm", NULL };
static const char *const authserv_ids[] = { "mx*.messagingengine.com", NULL };
/* NOTE: "Spam" is a guess; SPECIAL-USE and the config take precedence. */
static const char *const junk[] = { "Spam", NULL };

LANDED_PROVIDER(fastmail) = {
	LANDED_PROVIDER_HEADER,
	.name = "fastmail",
	.display_name = "Fastmail",
	.domains = domains,
	.imap_host = "imap.fastmail.com",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.max_connections = 4,
	.supported = 1,
	.notes = "app password",
};
