/*
 * Diagnostics on stderr.  Reports go to stdout and never through here.
 *
 * Levels: error and warn always print, info prints with -v, and debug
 * prints only for the subsystems enabled with --debug=imap,parse,...
 * Callers must never pass a secret; the IMAP wire trace masks LOGIN and
 * AUTHENTICATE arguments before it calls ld_debug().
 */
#ifndef LANDED_LOG_H
#define LANDED_LOG_H

#define LD_DEBUG_IMAP	0x01u
#define LD_DEBUG_PARSE	0x02u
#define LD_DEBUG_TLS	0x04u
#define LD_DEBUG_CONFIG	0x08u

/* 0 quiet (-q: errors only), 1 normal, 2 verbose (-v). */
void ld_log_set_verbosity(int verbosity);
int ld_log_verbosity(void);

/* Enables debug output for the subsystems named in a comma list. */
int ld_log_enable_debug(const char *list);
int ld_log_debug_enabled(unsigned subsystem);

void ld_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Prints "landed COMMAND: message" on stderr, with control characters
 * shown as '?', for a subcommand's own usage and input errors.
 */
void ld_log_command_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ld_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ld_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ld_log_debug(unsigned subsystem, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
