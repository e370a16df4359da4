/* Yandex Mail: A-R from per-host ids under yandex.net. */
#include "provider-plugin.h"

static const char *const domains[] = { "yandex.com", "yandex.ru", "ya.ru", NULL };
static const char *const authserv_ids[] = { "*.yandex.net", NULL };
/* NOTE: "Spam" is a guess; SPECIAL-USE and the config take precedence. */
static const char *const junk[] = { "Spam", "Спам", NULL };

LANDED_PROVIDER(yandex) = {
	LANDED_PROVIDER_HEADER,
	.name = "yandex",
	.display_name = "Yandex Mail",
	.domains = domains,
	.imap_host = "imap.yandex.com",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN |
	    LANDED_PROVIDER_AUTH_XOAUTH2,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.max_connections = 4,
	.supported = 1,
	.notes = "app password (required with two-factor authentication)",
};
