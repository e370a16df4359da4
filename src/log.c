#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static int log_verbosity = 1;
static unsigned log_debug_mask;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct {
	const char *name;
	unsigned bit;
} debug_subsystems[] = {
	{ "imap", LD_DEBUG_IMAP },
	{ "parse", LD_DEBUG_PARSE },
	{ "tls", LD_DEBUG_TLS },
	{ "config", LD_DEBUG_CONFIG },
	{ "all", ~0u },
};

void
ld_log_set_verbosity(int verbosity)
{
	log_verbosity = verbosity;
}

int
ld_log_verbosity(void)
{
	return log_verbosity;
}

int
ld_log_enable_debug(const char *list)
{
	char buf[256];
	char *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);

	for (char *name = strtok_r(buf, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(debug_subsystems) / sizeof(debug_subsystems[0]); i++)
			if (strcmp(name, debug_subsystems[i].name) == 0)
				break;
		if (i == sizeof(debug_subsystems) / sizeof(debug_subsystems[0]))
			return -1;
		log_debug_mask |= debug_subsystems[i].bit;
	}
	return 0;
}

int
ld_log_debug_enabled(unsigned subsystem)
{
	return (log_debug_mask & subsystem) != 0;
}

static void
log_write_to(const char *prefix, const char *separator, const char *fmt,
    va_list ap)
{
	char message[4096];

	/*
	 * Messages quote servers, bounces and files, so control characters
	 * are shown as '?': an escape sequence must not reach the terminal.
	 * A message longer than the buffer is cut.
	 */
	vsnprintf(message, sizeof(message), fmt, ap);
	for (unsigned char *p = (unsigned char *)message; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';

	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "landed%s%s%s\n", separator, prefix, message);
	pthread_mutex_unlock(&log_lock);
}

static void
log_write(const char *prefix, const char *fmt, va_list ap)
{
	log_write_to(prefix, ": ", fmt, ap);
}

void
ld_log_command_error(const char *command, const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s: ", command);
	va_start(ap, fmt);
	log_write_to(prefix, " ", fmt, ap);
	va_end(ap);
}

void
ld_log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_write("error: ", fmt, ap);
	va_end(ap);
}

void
ld_log_warn(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 1)
		return;
	va_start(ap, fmt);
	log_write("warning: ", fmt, ap);
	va_end(ap);
}

void
ld_log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 2)
		return;
	va_start(ap, fmt);
	log_write("", fmt, ap);
	va_end(ap);
}

void
ld_log_debug(unsigned subsystem, const char *fmt, ...)
{
	va_list ap;

	if (!ld_log_debug_enabled(subsystem))
		return;
	va_start(ap, fmt);
	log_write("debug: ", fmt, ap);
	va_end(ap);
}
