/*
 * The verdict header of the 1&1 mail platform that GMX and Web.de share,
 * compiled into each of the two plugins.
 */
#ifndef LANDED_PLATFORM_UI_H
#define LANDED_PLATFORM_UI_H

#include "provider-plugin.h"

static const char *const ui_verdict_fields[] = { "X-UI-Filterresults", NULL };

/*
 * X-UI-Filterresults (the GMX and Web.de platform) starts with a class
 * and a number: "notjunk:1;V03:K0:...", "junk:10;...", "unknown:2;...".
 * "junk" means judged spam and "notjunk" not spam; "unknown" (seen on
 * Web.de mail from unknown senders) gives no verdict.
 */
static int
ui_interpret(const struct landed_message_view *message,
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

#endif
