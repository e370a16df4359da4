/*
 * Trust rules: the authentication fields that are the receiver's own.
 *
 * A sender can write any field, including one that claims the receiver's
 * authserv-id, but the receiver prepends its fields above everything the
 * sender wrote.  So for each authserv-id pattern only the topmost
 * Authentication-Results field that matches is trusted, and for a
 * receiver that writes no authserv-id (Outlook) the topmost field without
 * one.  A field with a syntax error is judged by its authserv-id like any
 * other, so that a lower field cannot take its place.  A field with an
 * error whose authserv-id could not be read might be the receiver's own:
 * over the size limit with no id in its first bytes, with a NUL byte, or
 * with a broken id.  So it takes every pattern not yet taken and the
 * no-authserv-id place too, and is itself untrusted.
 *
 * ARC-Authentication-Results and Received-SPF fields are trusted only
 * when at least one Authentication-Results field is trusted, and only
 * above the lowest trusted one (smaller position).  Of the ARC fields
 * above it, the matching one with the highest instance (i=) is trusted;
 * of the Received-SPF fields above it, the topmost.  Every other
 * Authentication-Results and ARC-Authentication-Results field is
 * untrusted and counted as ignored.  An untrusted Received-SPF field is
 * not counted.
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
 * Deciding trust field by field, for a message read as a stream.  ARC and
 * Received-SPF trust depend on the lowest trusted Authentication-Results
 * field, and ARC trust on the highest matching instance above it.  So
 * every header is fed in message order to ld_trust_stream_scan() in a
 * first pass, then again in the same order to ld_trust_stream_decide().
 * A field's position is the number of headers fed before it in its pass.
 */
struct ld_trust_slots {
	unsigned char *pattern_taken;	/* per pattern */
	int no_id_taken;
};

struct ld_trust_stream {
	const struct ld_trust_policy *policy;	/* borrowed */
	struct ld_trust_slots scan_slots;	/* first pass */
	struct ld_trust_slots decide_slots;	/* second pass */
	size_t scanned;		/* headers fed to the first pass */
	size_t decided;		/* headers fed to the second pass */
	int have_trusted_ar;	/* an Authentication-Results field is trusted */
	size_t lowest_trusted_ar;	/* its largest position */
	long arc_instance_seen;	/* highest matching ARC instance so far */
	long arc_instance;	/* highest one above lowest_trusted_ar, or -1 */
	int spf_taken;
	int arc_taken;
	size_t ignored;
};

/* Returns 0, or -1 when out of memory. */
int ld_trust_stream_init(struct ld_trust_stream *stream,
    const struct ld_trust_policy *policy);
void ld_trust_stream_scan(struct ld_trust_stream *stream,
    const struct landed_ar_header *header);
void ld_trust_stream_decide(struct ld_trust_stream *stream,
    struct landed_ar_header *header);
void ld_trust_stream_done(struct ld_trust_stream *stream);

#endif
