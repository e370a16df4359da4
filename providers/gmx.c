/* GMX: spam goes to "Spamverdacht". */
#include "platform-ui.h"

static const char *const domains[] = { "gmx.net", "gmx.de", "gmx.com", "gmx.at", "gmx.ch", NULL };
static const char *const authserv_ids[] = { "gmx.net", NULL };
static const char *const junk[] = { "Spamverdacht", "Spam", NULL };

LANDED_PROVIDER(gmx) = {
	LANDED_PROVIDER_HEADER,
	.name = "gmx",
	.display_name = "GMX",
	.domains = domains,
	.imap_host = "imap.gmx.net",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.max_connections = 4,
	.supported = 1,
	.notes = "IMAP must be enabled in the account settings",
	.verdict_fields = ui_verdict_fields,
	.interpret = ui_interpret,
};
