/*
 * Trust rules: the authentication fields that are the receiver's own.
 *
 * A sender can write any field, including one that claims the receiver's
 * authserv-id, but the receiver prepends its fields above everything the
 * sender wrote.  So for each authserv-id pattern only the topmost
 * Authentication-Results field that matches is trusted, and for a
 * receiver that writes no authserv-id (Outlook) the topmost field without
 * one.  Of ARC-Authentication-Results, the matching field with the
 * highest instance (i=) is trusted; of Received-SPF, the topmost field.
 * Every other Authentication-Results and ARC-Authentication-Results field
 * is untrusted and counted as ignored.  A field with a syntax error is
 * judged by its authserv-id like any other, so that a lower field cannot
 * take its place.
 */
#ifndef LANDED_TRUST_H
#define LANDED_TRUST_H

#include <stddef.h>

#include "landed/authres.h"
#include "landed/provider.h"

struct ld_trust_policy {
	char **patterns;	/* owned copies */
	size_t pattern_count;
	int no_authserv_id;	/* the receiver writes no authserv-id */
};

/* Empties a policy and frees what it owns; the struct itself stays. */
void ld_trust_policy_clear(struct ld_trust_policy *policy);

/* Adds an authserv-id pattern.  Returns 0, or -1 when out of memory. */
int ld_trust_policy_add(struct ld_trust_policy *policy, const char *pattern);

/* Adds a provider's patterns and its no-authserv-id flag.  Returns 0 or
 * -1 when out of memory. */
int ld_trust_policy_add_provider(struct ld_trust_policy *policy,
    const struct landed_provider *provider);

/* Returns whether the policy names any receiver at all. */
int ld_trust_policy_is_set(const struct ld_trust_policy *policy);

/* Returns whether a header's authserv-id is one the policy names. */
int ld_trust_matches(const struct ld_trust_policy *policy,
    const struct landed_ar_header *header);

/*
 * Sets trusted on each of a message's headers (in message order) and
 * stores in *ignored_r the number of untrusted Authentication-Results and
 * ARC-Authentication-Results fields.  With an empty policy every header
 * stays LANDED_AR_TRUST_UNSET and *ignored_r is 0.  Returns 0, or -1 when
 * out of memory.
 */
int ld_trust_apply(const struct ld_trust_policy *policy,
    struct landed_ar_header **headers, size_t count, size_t *ignored_r);

/*
 * Deciding trust field by field, for a message read as a stream.  The ARC
 * rule needs the highest matching instance before the first ARC field is
 * decided: feed every ARC-Authentication-Results header to
 * ld_trust_stream_scan_arc() in a first pass, then every header in
 * message order to ld_trust_stream_decide().
 */
struct ld_trust_stream {
	const struct ld_trust_policy *policy;	/* borrowed */
	unsigned char *pattern_taken;		/* per pattern */
	int no_id_taken;
	int spf_taken;
	int arc_taken;
	long arc_instance;	/* highest matching ARC instance, or -1 */
	size_t ignored;
};

/* Returns 0, or -1 when out of memory. */
int ld_trust_stream_init(struct ld_trust_stream *stream,
    const struct ld_trust_policy *policy);
void ld_trust_stream_scan_arc(struct ld_trust_stream *stream,
    const struct landed_ar_header *header);
void ld_trust_stream_decide(struct ld_trust_stream *stream,
    struct landed_ar_header *header);
void ld_trust_stream_done(struct ld_trust_stream *stream);

#endif
