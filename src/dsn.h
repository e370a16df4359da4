/*
 * Reading delivery status notifications (bounces).
 *
 * Two shapes are read: RFC 3464 reports (multipart/report;
 * report-type=delivery-status, with a message/delivery-status part, or
 * the RFC 6533 message/global-delivery-status part), and the plain-text
 * bounces that qmail ("failure notice"), Exim ("Mail delivery failed")
 * and similar MTAs send instead.  dsn.c uses libetpan's MIME parser, so
 * it is the second file after imap.c that includes libetpan.
 */
#ifndef LANDED_DSN_H
#define LANDED_DSN_H

#include <stddef.h>

#include "status.h"

/* Messages larger than this are rejected with LD_ERR_LIMIT. */
#define LD_DSN_MAX_MESSAGE_BYTES	(8 * 1024 * 1024)
/* Recipients beyond this many are dropped and counted in recipients_dropped. */
#define LD_DSN_MAX_RECIPIENTS		256
/* A longer Diagnostic-Code or bounce text is cut at this many bytes. */
#define LD_DSN_MAX_DIAGNOSTIC_BYTES	1000

/* The Action field of RFC 3464 section 2.3.3. */
#define LD_DSN_ACTION_LIST(X)                           \
	X(LD_DSN_ACTION_FAILED, "failed")               \
	X(LD_DSN_ACTION_DELAYED, "delayed")             \
	X(LD_DSN_ACTION_DELIVERED, "delivered")         \
	X(LD_DSN_ACTION_RELAYED, "relayed")             \
	X(LD_DSN_ACTION_EXPANDED, "expanded")           \
	X(LD_DSN_ACTION_UNKNOWN, "unknown")

enum ld_dsn_action {
#define LD_DSN_ACTION_ENUM(name, text) name,
	LD_DSN_ACTION_LIST(LD_DSN_ACTION_ENUM)
#undef LD_DSN_ACTION_ENUM
};

#define LD_DSN_FORMAT_LIST(X)                           \
	X(LD_DSN_FORMAT_RFC3464, "rfc3464")             \
	X(LD_DSN_FORMAT_TEXT, "text")

enum ld_dsn_format {
#define LD_DSN_FORMAT_ENUM(name, text) name,
	LD_DSN_FORMAT_LIST(LD_DSN_FORMAT_ENUM)
#undef LD_DSN_FORMAT_ENUM
};

struct ld_dsn_recipient {
	char *final_recipient;		/* owned; bare address, or NULL */
	char *original_recipient;	/* owned; bare address, or NULL */
	enum ld_dsn_action action;
	char status[16];		/* enhanced status code "5.7.26", or "" */
	unsigned smtp_code;		/* reply code such as 550, or 0 */
	char *diagnostic;		/* owned; the receiver's reply, or NULL */
	char *remote_mta;		/* owned; host name, or NULL */
};

struct ld_dsn {
	enum ld_dsn_format format;
	char *reporting_mta;		/* owned; host name, or NULL */
	struct ld_dsn_recipient *recipients;	/* owned */
	size_t recipient_count;
	int recipients_dropped;		/* more than LD_DSN_MAX_RECIPIENTS */

	/*
	 * Owned header block of the returned message (a message/rfc822 or
	 * text/rfc822-headers part, or the copy quoted in a text bounce),
	 * or NULL when the bounce returned none.
	 */
	char *returned_header;
	size_t returned_header_length;

	/* Owned In-Reply-To and References values of the bounce itself,
	 * joined by spaces, or NULL. */
	char *references;
};

/*
 * Parses a whole message.  Returns LD_OK with *dsn_r set when it is a
 * bounce of either shape.  Returns LD_ERR_NOT_FOUND when it is not a
 * bounce (an auto-reply, an ordinary message), and LD_ERR_LIMIT when it
 * is larger than LD_DSN_MAX_MESSAGE_BYTES or nests too many parts.
 * Returns LD_ERR_SYNTAX when libetpan cannot parse its MIME structure,
 * and LD_ERR_NOMEM when memory runs out.  A bounce in which no recipient can
 * be found is returned with recipient_count 0.
 */
enum ld_status ld_dsn_parse(const char *message, size_t length,
    struct ld_dsn **dsn_r, struct ld_error *err);

/* Frees *dsn (which may be NULL) and sets it to NULL. */
void ld_dsn_free(struct ld_dsn **dsn);

/* Returns "failed", "delayed", ... */
const char *ld_dsn_action_name(enum ld_dsn_action action);
const char *ld_dsn_format_name(enum ld_dsn_format format);

/*
 * Returns a one-line explanation of an enhanced status code ("5.7.26":
 * "unauthenticated: SPF/DMARC failed"), or NULL when
 * status is not a well-formed code.  Codes without a specific entry get
 * the meaning of their class and subject (RFC 3463).
 */
const char *ld_dsn_explain(const char *status);

#endif
