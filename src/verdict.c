/*
 * The receiver's conclusion: auth.spf, auth.dkim, auth.dmarc and
 * auth.arc, taken from the receiver's own header fields only.
 */
#include <string.h>

#include "check.h"
#include "trust.h"

static int
method_index(const char *method)
{
	for (size_t m = 0; m < LD_AUTH_COUNT; m++)
		if (strcmp(method, ld_auth_method_names[m]) == 0)
			return (int)m;
	return -1;
}

/*
 * Takes the results of one trusted field.  The first result of a method
 * wins, except that a passing DKIM signature outranks a failing one of
 * the same kind of field: a message with several signatures is
 * authenticated when one verifies.  before contains what earlier kinds of
 * field set, which only fills gaps.
 */
static void
take_results(struct ld_result *result, const struct landed_ar_header *header,
    const char *const *before)
{
	for (size_t r = 0; r < header->result_count; r++) {
		const struct landed_ar_result *res = &header->results[r];
		int m = method_index(res->method);

		if (m < 0)
			continue;
		if (result->auth[m] == NULL ||
		    (m == LD_AUTH_DKIM && before[m] == NULL &&
		    strcmp(res->result, "pass") == 0))
			result->auth[m] = res->result;
	}
}

/*
 * Reports the authserv-id of the field that gave the DMARC result, when
 * one did: a receiver that writes one field per method (iCloud) would
 * otherwise be named by whichever of its fields came first.  Outlook's
 * field has no authserv-id, so its result reports null.
 */
static void
prefer_dmarc_authserv_id(struct ld_result *result)
{
	const char *dmarc = result->auth[LD_AUTH_DMARC];

	if (dmarc == NULL)
		return;
	for (size_t h = 0; h < result->header_count; h++) {
		const struct landed_ar_header *header = result->headers[h];

		for (size_t r = 0; r < header->result_count; r++) {
			if (header->results[r].result == dmarc) {
				result->authserv_id = header->authserv_id;
				return;
			}
		}
	}
}

int
ld_verdict_fill(struct ld_result *result, const struct ld_trust_policy *policy)
{
	if (ld_trust_apply(policy, result->headers, result->header_count,
	    &result->ignored_headers) != 0)
		return -1;

	/* Authentication-Results first, then ARC's copy, then Received-SPF. */
	static const enum landed_ar_kind order[] = {
		LANDED_AR_AUTHENTICATION_RESULTS,
		LANDED_AR_ARC_AUTHENTICATION_RESULTS,
		LANDED_AR_RECEIVED_SPF,
	};
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		const char *before[LD_AUTH_COUNT];

		memcpy(before, result->auth, sizeof(before));
		for (size_t h = 0; h < result->header_count; h++) {
			const struct landed_ar_header *header = result->headers[h];

			if (header->kind != order[k] ||
			    header->trusted != LANDED_AR_TRUST_YES ||
			    header->error != NULL)
				continue;
			if (result->authserv_id == NULL && header->authserv_id != NULL &&
			    header->kind != LANDED_AR_RECEIVED_SPF)
				result->authserv_id = header->authserv_id;
			take_results(result, header, before);
		}
	}
	prefer_dmarc_authserv_id(result);
	return 0;
}
