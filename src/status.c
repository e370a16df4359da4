#include <stdio.h>
#include <string.h>

#include "status.h"

static const char *const status_names[] = {
#define LD_STATUS_NAME(name, text) text,
	LD_STATUS_LIST(LD_STATUS_NAME)
#undef LD_STATUS_NAME
};

const char *
ld_status_name(enum ld_status status)
{
	if ((size_t)status >= sizeof(status_names) / sizeof(status_names[0]))
		return "unknown status";
	return status_names[status];
}

enum ld_status
ld_error_set(struct ld_error *err, enum ld_status status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return status;

	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return status;
}

void
ld_error_clear(struct ld_error *err)
{
	if (err == NULL)
		return;
	err->status = LD_OK;
	err->message[0] = '\0';
}
