/*
 * The verdict header of Yahoo's mail platform, which AOL shares,
 * compiled into each of the two plugins.
 */
#ifndef LANDED_PLATFORM_YAHOO_H
#define LANDED_PLATFORM_YAHOO_H

#include "provider-plugin.h"

static const char *const yahoo_verdict_fields[] = { "X-YahooFilteredBulk", NULL };

/*
 * X-YahooFilteredBulk carries the sending IP address and was seen only
 * in older Yahoo mail.  NOTE: its meaning is inferred from its name, so
 * it is recorded but not taken as a spam verdict.
 */
static int
yahoo_platform_interpret(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	char value[256];

	if (ops->header_field(message, "X-YahooFilteredBulk", 0, value,
	    sizeof(value)) < 0)
		return 0;
	return ops->set_string(verdict, "filtered_bulk", value);
}

#endif
