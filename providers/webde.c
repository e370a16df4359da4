/* Web.de: GMX's platform; mail from unknown senders goes to "Unbekannt". */
#include "provider-plugin.h"

static const char *const domains[] = { "web.de", NULL };
/* NOTE: the authserv-id and the spam folder name are guesses from the
 * shared GMX platform; SPECIAL-USE and the config take precedence. */
static const char *const authserv_ids[] = { "web.de", "gmx.net", NULL };
/* "Unbekannt" (mail from unknown senders) is neither inbox nor spam and
 * is left out here on purpose, so a copy there is placed "other". */
static const char *const junk[] = { "Spam", "Spamverdacht", NULL };

static const char *const verdict_fields[] = { "X-UI-Filterresults", NULL };

/*
 * X-UI-Filterresults (the GMX and Web.de platform) starts with a class
 * and a number: "notjunk:1;V03:K0:...", "junk:10;...", "unknown:2;...".
 * "junk" means judged spam and "notjunk" not spam; "unknown" (seen on
 * Web.de mail from unknown senders) gives no verdict.
 */
static int
webde_interpret(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	char value[1024], class[64];
	size_t length;

	if (ops->header_field(message, "X-UI-Filterresults", 0, value,
	    sizeof(value)) < 0)
		return 0;
	length = strcspn(value, ":;");
	if (length == 0 || length >= sizeof(class))
		return ops->set_string(verdict, "filterresults", value);
	memcpy(class, value, length);
	class[length] = '\0';
	if (ops->set_string(verdict, "filterresults", value) != 0 ||
	    ops->set_string(verdict, "filter_class", class) != 0)
		return -1;
	if (strcasecmp(class, "junk") == 0)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_SPAM,
		    "X-UI-Filterresults junk");
	if (strcasecmp(class, "notjunk") == 0)
		return ops->set_spam_verdict(verdict, LANDED_VERDICT_NOT_SPAM,
		    "X-UI-Filterresults notjunk");
	return 0;
}

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
	.verdict_fields = verdict_fields,
	.interpret = webde_interpret,
};
