/*
 * Status codes and the error context that every module of landed uses.
 *
 * Library code returns an enum ld_status and, at the point of failure,
 * writes one readable sentence into the caller's struct ld_error.  Only
 * main.c maps statuses to exit codes; no module calls exit().
 */
#ifndef LANDED_STATUS_H
#define LANDED_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#define LD_STATUS_LIST(X)                                          \
	X(LD_OK, "ok")                                             \
	X(LD_ERR_NOMEM, "out of memory")                           \
	X(LD_ERR_USAGE, "usage error")                             \
	X(LD_ERR_CONFIG, "configuration error")                    \
	X(LD_ERR_IO, "input/output error")                         \
	X(LD_ERR_SYNTAX, "syntax error")                           \
	X(LD_ERR_LIMIT, "limit exceeded")                          \
	X(LD_ERR_NETWORK, "network error")                         \
	X(LD_ERR_TIMEOUT, "timed out")                             \
	X(LD_ERR_TLS, "TLS error")                                 \
	X(LD_ERR_AUTH, "authentication failed")                    \
	X(LD_ERR_PROTOCOL, "protocol error")                       \
	X(LD_ERR_NOT_FOUND, "not found")                           \
	X(LD_ERR_UNSUPPORTED, "not supported")

enum ld_status {
#define LD_STATUS_ENUM(name, text) name,
	LD_STATUS_LIST(LD_STATUS_ENUM)
#undef LD_STATUS_ENUM
};

/* Error context filled at the point of failure. */
struct ld_error {
	enum ld_status status;
	char message[1024];	/* one sentence: what failed, on what, what to do */
};

/* Returns the fixed name of a status ("timed out"). */
const char *ld_status_name(enum ld_status status);

/*
 * Records status and a printf-style message in err (which may be NULL) and
 * returns status, so that a failing function can end with
 * "return ld_error_set(err, LD_ERR_IO, ...);".
 */
enum ld_status ld_error_set(struct ld_error *err, enum ld_status status,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Clears err to LD_OK with an empty message; err may be NULL. */
void ld_error_clear(struct ld_error *err);

#endif
