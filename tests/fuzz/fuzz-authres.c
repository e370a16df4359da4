/*
 * libFuzzer target for the authentication field parser.  The input is a
 * header block: every Authentication-Results, ARC-Authentication-Results
 * and Received-SPF field in it is parsed, trust is applied, and each
 * header is turned into JSON.  The first input byte also selects one kind
 * for a direct landed_ar_parse() call on the rest, so that values with no
 * field name around them are reached too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "authres_block.h"
#include "authres_json.h"
#include "trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_header(const struct landed_ar_header *h)
{
	json_t *json = ld_authres_header_json(h);

	/* A header with an error carries no results. */
	if (h->error != NULL && h->result_count != 0)
		abort();
	json_decref(json);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct landed_ar_header **headers, *header;
	struct ld_trust_policy policy = { NULL, 0, 1 };
	size_t count, ignored, i;

	if (ld_authres_parse_block((const char *)data, size, &headers,
	    &count) == 0) {
		if (ld_trust_policy_add(&policy, "*.example.com") == 0)
			ld_trust_apply(&policy, headers, count, &ignored);
		for (i = 0; i < count; i++)
			check_header(headers[i]);
		ld_authres_block_free(&headers, count);
		ld_trust_policy_clear(&policy);
	}

	if (size > 0 && landed_ar_parse((enum landed_ar_kind)(data[0] %
	    LANDED_AR_KIND_COUNT), (const char *)data + 1, size - 1,
	    &header) == 0) {
		check_header(header);
		landed_ar_header_free(&header);
	}
	return 0;
}
