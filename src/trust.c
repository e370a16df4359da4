#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "trust.h"

/*
 * Wildcard match with '*' as any run of characters.  On a mismatch after a
 * '*', the star is made to cover one more character and matching resumes,
 * so the work is at most the product of the two lengths.
 */
int
landed_ar_pattern_match(const char *pattern, const char *authserv_id)
{
	const char *p = pattern, *s = authserv_id;
	const char *star = NULL, *resume = NULL;

	if (pattern == NULL || authserv_id == NULL)
		return 0;
	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p != '\0' && tolower((unsigned char)*p) ==
		    tolower((unsigned char)*s)) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

void
ld_trust_policy_clear(struct ld_trust_policy *policy)
{
	size_t i;

	for (i = 0; i < policy->pattern_count; i++)
		free(policy->patterns[i]);
	free(policy->patterns);
	policy->patterns = NULL;
	policy->pattern_count = 0;
	policy->no_authserv_id = 0;
}

int
ld_trust_policy_add(struct ld_trust_policy *policy, const char *pattern)
{
	char **grown, *copy;

	copy = strdup(pattern);
	if (copy == NULL)
		return -1;
	grown = realloc(policy->patterns,
	    (policy->pattern_count + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(copy);
		return -1;
	}
	policy->patterns = grown;
	policy->patterns[policy->pattern_count++] = copy;
	return 0;
}

int
ld_trust_policy_add_provider(struct ld_trust_policy *policy,
    const struct landed_provider *provider)
{
	size_t i;

	if (provider->flags & LANDED_PROVIDER_NO_AUTHSERV_ID)
		policy->no_authserv_id = 1;
	if (provider->authserv_ids == NULL)
		return 0;
	for (i = 0; provider->authserv_ids[i] != NULL; i++)
		if (ld_trust_policy_add(policy, provider->authserv_ids[i]) != 0)
			return -1;
	return 0;
}

int
ld_trust_policy_is_set(const struct ld_trust_policy *policy)
{
	return policy->pattern_count > 0 || policy->no_authserv_id;
}

int
ld_trust_matches(const struct ld_trust_policy *policy,
    const struct landed_ar_header *header)
{
	size_t i;

	if (header->authserv_id == NULL)
		return 0;
	for (i = 0; i < policy->pattern_count; i++)
		if (landed_ar_pattern_match(policy->patterns[i],
		    header->authserv_id))
			return 1;
	return 0;
}

/* Allocates the per-pattern flags of a set of slots.  Returns 0 or -1. */
static int
slots_init(struct ld_trust_slots *slots, size_t pattern_count)
{
	slots->no_id_taken = 0;
	slots->pattern_taken = NULL;
	if (pattern_count == 0)
		return 0;
	slots->pattern_taken = calloc(pattern_count, 1);
	return slots->pattern_taken == NULL ? -1 : 0;
}

int
ld_trust_stream_init(struct ld_trust_stream *stream,
    const struct ld_trust_policy *policy)
{
	memset(stream, 0, sizeof(*stream));
	stream->policy = policy;
	stream->arc_instance_seen = -1;
	stream->arc_instance = -1;
	if (slots_init(&stream->scan_slots, policy->pattern_count) != 0 ||
	    slots_init(&stream->decide_slots, policy->pattern_count) != 0) {
		ld_trust_stream_done(stream);
		return -1;
	}
	return 0;
}

void
ld_trust_stream_done(struct ld_trust_stream *stream)
{
	free(stream->scan_slots.pattern_taken);
	stream->scan_slots.pattern_taken = NULL;
	free(stream->decide_slots.pattern_taken);
	stream->decide_slots.pattern_taken = NULL;
}

/*
 * Authentication-Results: topmost match per pattern, or topmost no-id.
 * A field with an error and no authserv-id may be the receiver's own
 * field that could not be read.  So it takes every slot still free and is
 * itself untrusted, and no field below it is trusted in its place.
 * NOTE: GMX writes one field per DKIM signature under one authserv-id, so
 * only its topmost signature's result is trusted and the others count as
 * ignored.
 */
static int
decide_authentication_results(const struct ld_trust_policy *policy,
    struct ld_trust_slots *slots, const struct landed_ar_header *header)
{
	int trusted = 0;
	size_t i;

	if (header->authserv_id == NULL && header->error != NULL) {
		for (i = 0; i < policy->pattern_count; i++)
			slots->pattern_taken[i] = 1;
		slots->no_id_taken = 1;
		return 0;
	}
	if (header->authserv_id == NULL) {
		if (policy->no_authserv_id && !slots->no_id_taken) {
			slots->no_id_taken = 1;
			trusted = 1;
		}
		return trusted;
	}
	for (i = 0; i < policy->pattern_count; i++) {
		if (slots->pattern_taken[i] ||
		    !landed_ar_pattern_match(policy->patterns[i],
		    header->authserv_id))
			continue;
		slots->pattern_taken[i] = 1;
		trusted = 1;
	}
	return trusted;
}

void
ld_trust_stream_scan(struct ld_trust_stream *stream,
    const struct landed_ar_header *header)
{
	size_t position = stream->scanned++;

	switch (header->kind) {
	case LANDED_AR_AUTHENTICATION_RESULTS:
		if (!decide_authentication_results(stream->policy,
		    &stream->scan_slots, header))
			break;
		/* The lowest trusted field so far: only ARC fields above it
		 * can be trusted. */
		stream->have_trusted_ar = 1;
		stream->lowest_trusted_ar = position;
		stream->arc_instance = stream->arc_instance_seen;
		break;
	case LANDED_AR_ARC_AUTHENTICATION_RESULTS:
		if (ld_trust_matches(stream->policy, header) &&
		    header->instance > stream->arc_instance_seen)
			stream->arc_instance_seen = header->instance;
		break;
	case LANDED_AR_RECEIVED_SPF:
	default:
		break;
	}
}

/* Returns whether a position is above the lowest trusted
 * Authentication-Results field. */
static int
is_above_trusted(const struct ld_trust_stream *stream, size_t position)
{
	return stream->have_trusted_ar &&
	    position < stream->lowest_trusted_ar;
}

void
ld_trust_stream_decide(struct ld_trust_stream *stream,
    struct landed_ar_header *header)
{
	size_t position = stream->decided++;
	int trusted = 0;

	if (!ld_trust_policy_is_set(stream->policy)) {
		header->trusted = LANDED_AR_TRUST_UNSET;
		return;
	}
	switch (header->kind) {
	case LANDED_AR_AUTHENTICATION_RESULTS:
		trusted = decide_authentication_results(stream->policy,
		    &stream->decide_slots, header);
		break;
	case LANDED_AR_ARC_AUTHENTICATION_RESULTS:
		if (!stream->arc_taken && is_above_trusted(stream, position) &&
		    header->instance >= 0 &&
		    header->instance == stream->arc_instance &&
		    ld_trust_matches(stream->policy, header)) {
			stream->arc_taken = 1;
			trusted = 1;
		}
		break;
	case LANDED_AR_RECEIVED_SPF:
	default:
		/* Positions only grow, so when the topmost Received-SPF field
		 * is not above the lowest trusted field, none is. */
		trusted = !stream->spf_taken &&
		    is_above_trusted(stream, position);
		stream->spf_taken = 1;
		header->trusted = trusted ? LANDED_AR_TRUST_YES :
		    LANDED_AR_TRUST_NO;
		return;
	}
	header->trusted = trusted ? LANDED_AR_TRUST_YES : LANDED_AR_TRUST_NO;
	if (!trusted)
		stream->ignored++;
}

int
ld_trust_apply(const struct ld_trust_policy *policy,
    struct landed_ar_header **headers, size_t count, size_t *ignored_r)
{
	struct ld_trust_stream stream;
	size_t i;

	*ignored_r = 0;
	if (ld_trust_stream_init(&stream, policy) != 0)
		return -1;
	for (i = 0; i < count; i++)
		ld_trust_stream_scan(&stream, headers[i]);
	for (i = 0; i < count; i++)
		ld_trust_stream_decide(&stream, headers[i]);
	*ignored_r = stream.ignored;
	ld_trust_stream_done(&stream);
	return 0;
}
