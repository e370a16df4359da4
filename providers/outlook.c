/* Outlook.com and Hotmail: Authentication-Results with no authserv-id. */
#include "provider-plugin.h"

static const char *const domains[] = {
	"outlook.com", "hotmail.com", "live.com", "msn.com", NULL
};
static const char *const junk[] = { "Junk", "Junk Email", "Junk E-mail", NULL };

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
	.flags = LANDED_PROVIDER_NO_AUTHSERV_ID,
	.junk_folders = junk,
	.max_connections = 4,
	.supported = 1,
	.notes = "OAuth 2.0 (XOAUTH2) only for personal accounts",
};
