/*
 * Parser for the fields in which a receiver records what it concluded
 * about a message's authentication:
 *
 *   Authentication-Results      RFC 8601
 *   ARC-Authentication-Results  RFC 8617 (an "i=N;" instance, then RFC 8601)
 *   Received-SPF                RFC 7208 section 9.1
 *
 * The parser is strict about the grammar and tolerant about the dialects
 * of known receivers.  Where the receiver's meaning can be recovered
 * without guessing, the results are returned and each departure from the
 * grammar is listed in the header's deviations.  Otherwise the header
 * carries an error with the byte offset and no results.
 *
 * Ownership: every pointer in these structs is owned by the enclosing
 * struct landed_ar_header and freed by landed_ar_header_free().
 */
#ifndef LANDED_AUTHRES_H
#define LANDED_AUTHRES_H

#include <stddef.h>

/* Hard limits; input over a limit is an error, never truncated. */
#define LANDED_AR_MAX_FIELD_BYTES	(64 * 1024)
#define LANDED_AR_MAX_RESULTS		256
#define LANDED_AR_MAX_PROPERTIES	64
/* Bytes at the start of a field over LANDED_AR_MAX_FIELD_BYTES that are
 * read for its authserv-id (and ARC instance). */
#define LANDED_AR_ID_SCAN_BYTES		1024

/* Field kinds with their header field names. */
#define LANDED_AR_KIND_LIST(X)                                           \
	X(LANDED_AR_AUTHENTICATION_RESULTS, "Authentication-Results")    \
	X(LANDED_AR_ARC_AUTHENTICATION_RESULTS, "ARC-Authentication-Results") \
	X(LANDED_AR_RECEIVED_SPF, "Received-SPF")

enum landed_ar_kind {
#define LANDED_AR_KIND_ENUM(name, field) name,
	LANDED_AR_KIND_LIST(LANDED_AR_KIND_ENUM)
#undef LANDED_AR_KIND_ENUM
	LANDED_AR_KIND_COUNT
};

/*
 * A property of a result.  ptype is NULL for a key=value pair that has no
 * ptype: the pairs of Received-SPF ("client-ip=192.0.2.1") and vendors'
 * pairs such as Outlook's "action=none".
 */
struct landed_ar_property {
	char *ptype;		/* lower-cased: "smtp", "header", "policy", ... */
	char *property;		/* lower-cased: "mailfrom", "d", ... */
	char *value;		/* case kept, unquoted, quoted-pairs resolved */
};

struct landed_ar_result {
	char *method;		/* lower-cased: "spf", "dkim", "x-me-sender" */
	char *method_version;	/* "1" for "dkim/1", else NULL */
	char *result;		/* lower-cased result keyword */
	char *reason;		/* reason= value, else NULL */
	struct landed_ar_property *properties;
	size_t property_count;
};

/* Trust decision: unset until a trust policy has been applied. */
enum landed_ar_trust {
	LANDED_AR_TRUST_UNSET = -1,
	LANDED_AR_TRUST_NO = 0,
	LANDED_AR_TRUST_YES = 1,
};

struct landed_ar_header {
	enum landed_ar_kind kind;
	size_t position;	/* 0 for the topmost field of the message */
	char *authserv_id;	/* NULL when the field has none (Outlook) */
	char *version;		/* authres-version, else NULL */
	long instance;		/* ARC i=, or -1 */
	enum landed_ar_trust trusted;

	struct landed_ar_result *results;
	size_t result_count;

	/* Departures from the grammar that were recovered, as fixed strings. */
	const char **deviations;
	size_t deviation_count;

	/* Non-NULL when the field could not be parsed; results are then empty. */
	char *error;		/* "why at byte N" */
	size_t error_offset;	/* byte offset into the unfolded value */

	/*
	 * Storage that contains the strings of a parsed header.  NULL in a
	 * header built by hand, whose strings are then freed one by one.
	 */
	void *internal;
};

/*
 * Parses one field value (the text after "Name:", folded or unfolded) of
 * the given kind into a newly allocated header.  A syntax error is not a
 * failure of this call: it returns 0 with (*out)->error set.  A NUL byte
 * anywhere in the value is such an error.  So is a length over
 * LANDED_AR_MAX_FIELD_BYTES, and then only the first
 * LANDED_AR_ID_SCAN_BYTES of value are read, for the authserv-id and the
 * ARC instance: a caller that kept only those bytes may pass them, or
 * NULL.  Returns -1 only when memory runs out, with *out NULL.
 *
 * Received-SPF gives one result with method "spf", its key=value pairs as
 * properties without ptype, and no authserv-id.
 */
int landed_ar_parse(enum landed_ar_kind kind, const char *value,
    size_t length, struct landed_ar_header **out);

/* Frees *header and everything it owns, and sets *header to NULL. */
void landed_ar_header_free(struct landed_ar_header **header);

/* Returns the header field name of a kind ("Received-SPF"). */
const char *landed_ar_kind_name(enum landed_ar_kind kind);

/*
 * Matches a receiver's authserv-id against a pattern: compared
 * case-insensitively, '*' matching any run of characters, dots included.
 * Runs in time linear in the product of the lengths at worst.
 */
int landed_ar_pattern_match(const char *pattern, const char *authserv_id);

#endif
