/*
 * A provider plugin to start from: "example", a provider whose receiver
 * writes Authentication-Results as mx.example.net, files spam in "Junk"
 * and states its own verdict in "X-Example-Spam: yes" or "no".
 *
 * Build it as a shared object (providers/README.md explains each flag):
 *
 *   cc -std=c11 -Wall -Wextra -shared -fPIC -DLANDED_PLUGIN_SHARED \
 *       -I include -o example.so providers/template.c
 *
 * and load it with `landed providers --plugin-dir .`.
 */
#include <string.h>
#include <strings.h>

#include "landed/provider-plugin.h"

static const char *const domains[] = { "example.net", NULL };
static const char *const authserv_ids[] = { "mx.example.net", NULL };
static const char *const junk[] = { "Junk", NULL };
static const char *const verdict_fields[] = { "X-Example-Spam", NULL };

/*
 * Reads X-Example-Spam from the copy that decides the placement and
 * writes it into "provider_verdict"; landed then flags a result whose
 * folder disagrees with it.
 */
static int
example_interpret(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	char value[64];

	if (ops->header_field(message, "X-Example-Spam", 0, value,
	    sizeof(value)) < 0)
		return 0;
	if (ops->set_string(verdict, "example_spam", value) != 0)
		return -1;
	if (strcasecmp(value, "yes") == 0)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_SPAM,
		    "X-Example-Spam: yes");
	if (strcasecmp(value, "no") == 0)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_NOT_SPAM,
		    "X-Example-Spam: no");
	return 0;
}

LANDED_PROVIDER(example) = {
	LANDED_PROVIDER_HEADER,
	.name = "example",
	.display_name = "Example Mail",
	.domains = domains,
	.imap_host = "imap.example.net",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.max_connections = 4,
	.supported = 1,
	.notes = "a template for plugin authors",
	.verdict_fields = verdict_fields,
	.interpret = example_interpret,
};
