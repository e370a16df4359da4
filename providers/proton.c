/* Proton Mail through Proton Mail Bridge on the user's own machine. */
#include "provider-plugin.h"

static const char *const domains[] = { "proton.me", "protonmail.com", "pm.me", NULL };
static const char *const junk[] = { "Spam", NULL };
static const char *const views[] = { "All Mail", "Starred", NULL };

static const char *const verdict_fields[] = {
	"X-Pm-Spamscore", "X-Pm-Origin", NULL
};

/*
 * X-Pm-Spamscore is 0 on ordinary mail and higher for spammier mail.
 * NOTE: Proton publishes no threshold, so the score is recorded but not
 * taken as a spam verdict.
 */
static int
proton_interpret(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	char value[256];
	long long score;

	if (ops->header_field(message, "X-Pm-Spamscore", 0, value,
	    sizeof(value)) >= 0 && landed_plugin_parse_int(value, &score) &&
	    ops->set_int(verdict, "spamscore", score) != 0)
		return -1;
	if (ops->header_field(message, "X-Pm-Origin", 0, value,
	    sizeof(value)) >= 0 && ops->set_string(verdict, "origin", value) != 0)
		return -1;
	return 0;
}

LANDED_PROVIDER(proton) = {
	LANDED_PROVIDER_HEADER,
	.name = "proton",
	.display_name = "Proton Mail (Bridge)",
	.domains = domains,
	.imap_host = "127.0.0.1",
	.imap_port = 1143,
	.tls = LANDED_PROVIDER_TLS_STARTTLS,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN,
	/* NOTE: Bridge's authserv-id is not known; name it with authserv_id
	 * in the config, or no header is trusted. */
	.authserv_ids = NULL,
	.flags = LANDED_PROVIDER_PIN_REQUIRED,
	.junk_folders = junk,
	.view_folders = views,
	.max_connections = 4,
	.supported = 1,
	.notes = "Bridge password; pin Bridge's self-signed certificate with tls_fingerprint",
	.verdict_fields = verdict_fields,
	.interpret = proton_interpret,
};
