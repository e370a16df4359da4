/* Proton Mail through Proton Mail Bridge on the user's own machine. */
#include "provider-plugin.h"

static const char *const domains[] = { "proton.me", "protonmail.com", "pm.me", NULL };
static const char *const junk[] = { "Spam", NULL };
static const char *const views[] = { "All Mail", "Starred", NULL };

LANDED_PROVIDER(proton) = {
	LANDED_PROVIDER_HEADER,
	.name = "proton",
	.display_name = "Proton Mail (Bridge)",
	.domains = domains,
	.imap_host = "127.0.0.1",
	.imap_port = 1143,
	.tls = LANDED_PROVIDER_TLS_STARTTLS,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN,
	/* NOTE: Bridge's authserv-id is not known; name it with authserv_id
	 * in the config, or no header is trusted. */
	.authserv_ids = NULL,
	.junk_folders = junk,
	.view_folders = views,
	.max_connections = 4,
	.supported = 1,
	.notes = "Bridge password; pin Bridge's self-signed certificate with tls_fingerprint",
};
