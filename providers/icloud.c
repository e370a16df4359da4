/* iCloud Mail: one Authentication-Results field per method, each with its
 * own authserv-id. */
#include "provider-plugin.h"

static const char *const domains[] = { "icloud.com", "me.com", "mac.com", NULL };
static const char *const authserv_ids[] = {
	"dkim-verifier.icloud.com", "spf.icloud.com", "dmarc.icloud.com",
	"bimi.icloud.com", "arc.icloud.com", NULL
};
/* NOTE: "Junk" is a guess; SPECIAL-USE and the config take precedence. */
static const char *const junk[] = { "Junk", NULL };

LANDED_PROVIDER(icloud) = {
	LANDED_PROVIDER_HEADER,
	.name = "icloud",
	.display_name = "iCloud Mail",
	.domains = domains,
	.imap_host = "imap.mail.me.com",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.max_connections = 4,
	.supported = 1,
	.notes = "app-specific password; user may be the local part only",
};
