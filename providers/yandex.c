/* Yandex Mail: A-R from per-host ids under yandex.net. */
#include "provider-plugin.h"

static const char *const domains[] = { "yandex.com", "yandex.ru", "ya.ru", NULL };
static const char *const authserv_ids[] = { "*.yandex.net", NULL };
/* NOTE: "Spam" is a guess; SPECIAL-USE and the config take precedence. */
static const char *const junk[] = { "Spam", "Спам", NULL };

static const char *const verdict_fields[] = { "X-Yandex-Spam", NULL };

/*
 * X-Yandex-Spam is 1 on ordinary mail.  NOTE: other values are
 * unconfirmed, so only 1 is taken as a verdict (not spam).
 */
static int
yandex_interpret(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	char value[64];
	long long number;

	if (ops->header_field(message, "X-Yandex-Spam", 0, value,
	    sizeof(value)) < 0 || !landed_plugin_parse_int(value, &number))
		return 0;
	if (ops->set_int(verdict, "yandex_spam", number) != 0)
		return -1;
	if (number == 1)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_NOT_SPAM,
		    "X-Yandex-Spam: 1");
	return 0;
}

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
	.verdict_fields = verdict_fields,
	.interpret = yandex_interpret,
};
