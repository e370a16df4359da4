/* Any IMAP server: the config names host, port and authserv_id. */
#include "provider-plugin.h"

LANDED_PROVIDER(generic) = {
	LANDED_PROVIDER_HEADER,
	.name = "generic",
	.display_name = "Generic IMAP",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN |
	    LANDED_PROVIDER_AUTH_XOAUTH2 | LANDED_PROVIDER_AUTH_OAUTHBEARER,
	.max_connections = 4,
	.supported = 1,
	.notes = "set host and authserv_id in the config",
};
