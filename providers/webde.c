/* Web.de: GMX's platform; mail from unknown senders goes to "Unbekannt". */
#include "platform-ui.h"

static const char *const domains[] = { "web.de", NULL };
/* NOTE: the authserv-id and the spam folder name are guesses from the
 * shared GMX platform; SPECIAL-USE and the config take precedence. */
static const char *const authserv_ids[] = { "web.de", "gmx.net", NULL };
/* "Unbekannt" (mail from unknown senders) is neither inbox nor spam and
 * is left out here on purpose, so a copy there is placed "other". */
static const char *const junk[] = { "Spam", "Spamverdacht", NULL };

LANDED_PROVIDER(webde) = {
	LANDED_PROVIDER_HEADER,
	.name = "webde",
	.display_name = "Web.de",
	.domains = domains,
	.imap_host = "imap.web.de",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.max_connections = 4,
	.supported = 1,
	.notes = "IMAP must be enabled in the settings; user may be the local part only",
	.verdict_fields = ui_verdict_fields,
	.interpret = ui_interpret,
};
