/* Mail.ru. */
#include "provider-plugin.h"

static const char *const domains[] = { "mail.ru", "inbox.ru", "list.ru", "bk.ru", NULL };
static const char *const authserv_ids[] = { "mxs.mail.ru", NULL };
/* NOTE: the spam folder name is not known; localized "Спам" was seen in
 * clients.  SPECIAL-USE and the config take precedence. */
static const char *const junk[] = { "Спам", "Spam", NULL };

LANDED_PROVIDER(mailru) = {
	LANDED_PROVIDER_HEADER,
	.name = "mailru",
	.display_name = "Mail.ru",
	.domains = domains,
	.imap_host = "imap.mail.ru",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.max_connections = 4,
	.supported = 1,
	.notes = "password for external applications",
};
