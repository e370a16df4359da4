/* Zoho Mail. */
#include "provider-plugin.h"

static const char *const domains[] = { "zoho.com", "zohomail.com", "zoho.eu", NULL };
static const char *const authserv_ids[] = { "mx.zohomail.com", "mx.zohomail.eu", NULL };

static const char *const verdict_fields[] = { "X-Zoho-Virus-Status", NULL };

/* Zoho's virus scan result; Zoho writes no spam verdict that is known. */
static int
zoho_interpret(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	char value[256];

	if (ops->header_field(message, "X-Zoho-Virus-Status", 0, value,
	    sizeof(value)) < 0)
		return 0;
	return ops->set_string(verdict, "virus_status", value);
}

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
	.verdict_fields = verdict_fields,
	.interpret = zoho_interpret,
};
