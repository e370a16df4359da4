/* Zoho Mail. */
#include "provider-plugin.h"

static const char *const domains[] = { "zoho.com", "zohomail.com", "zoho.eu", NULL };
static const char *const authserv_ids[] = { "mx.zohomail.com", "mx.zohomail.eu", NULL };

LANDED_PROVIDER(zoho) = {
	LANDED_PROVIDER_HEADER,
	.name = "zoho",
	.display_name = "Zoho Mail",
	.domains = domains,
	.imap_host = "imap.zoho.com",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN,
	.authserv_ids = authserv_ids,
	.max_connections = 4,
	.supported = 1,
	.notes = "app-specific password; IMAP must be enabled; imap.zoho.eu for EU accounts",
};
