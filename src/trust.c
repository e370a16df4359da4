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

int
ld_trust_stream_init(struct ld_trust_stream *stream,
    const struct ld_trust_policy *policy)
{
	memset(stream, 0, sizeof(*stream));
	stream->policy = policy;
	stream->arc_instance = -1;
	if (policy->pattern_count == 0)
		return 0;
	stream->pattern_taken = calloc(policy->pattern_count, 1);
	return stream->pattern_taken == NULL ? -1 : 0;
}

void
ld_trust_stream_done(struct ld_trust_stream *stream)
{
	free(stream->pattern_taken);
	stream->pattern_taken = NULL;
}

void
ld_trust_stream_scan_arc(struct ld_trust_stream *stream,
    const struct landed_ar_header *header)
{
	if (header->kind != LANDED_AR_ARC_AUTHENTICATION_RESULTS ||
	    !ld_trust_matches(stream->policy, header))
		return;
	if (header->instance > stream->arc_instance)
		stream->arc_instance = header->instance;
}

/*
 * Authentication-Results: topmost match per pattern, or topmost no-id.
 * NOTE: GMX writes one field per DKIM signature under one authserv-id, so
 * only its topmost signature's result is trusted and the others count as
 * ignored.
 */
static int
decide_authentication_results(struct ld_trust_stream *stream,
    const struct landed_ar_header *header)
{
	const struct ld_trust_policy *policy = stream->policy;
	int trusted = 0;
	size_t i;

	if (header->authserv_id == NULL) {
		if (policy->no_authserv_id && !stream->no_id_taken) {
			stream->no_id_taken = 1;
			trusted = 1;
		}
		return trusted;
	}
	for (i = 0; i < policy->pattern_count; i++) {
		if (stream->pattern_taken[i] ||
		    !landed_ar_pattern_match(policy->patterns[i],
		    header->authserv_id))
			continue;
		stream->pattern_taken[i] = 1;
		trusted = 1;
	}
	return trusted;
}

void
ld_trust_stream_decide(struct ld_trust_stream *stream,
    struct landed_ar_header *header)
{
	int trusted = 0;

	if (!ld_trust_policy_is_set(stream->policy)) {
		header->trusted = LANDED_AR_TRUST_UNSET;
		return;
	}
	switch (header->kind) {
	case LANDED_AR_AUTHENTICATION_RESULTS:
		trusted = decide_authentication_results(stream, header);
		break;
	case LANDED_AR_ARC_AUTHENTICATION_RESULTS:
		if (!stream->arc_taken && header->instance >= 0 &&
		    header->instance == stream->arc_instance &&
		    ld_trust_matches(stream->policy, header)) {
			stream->arc_taken = 1;
			trusted = 1;
		}
		break;
	case LANDED_AR_RECEIVED_SPF:
	default:
		trusted = !stream->spf_taken;
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
		ld_trust_stream_scan_arc(&stream, headers[i]);
	for (i = 0; i < count; i++)
		ld_trust_stream_decide(&stream, headers[i]);
	*ignored_r = stream.ignored;
	ld_trust_stream_done(&stream);
	return 0;
}
