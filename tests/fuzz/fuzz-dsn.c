/*
 * libFuzzer target for the bounce reader.  The input is a whole message;
 * a parsed bounce must satisfy the limits that dsn.h promises, and its
 * status codes must be explainable or empty.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ld_error err = { 0 };
	struct ld_dsn *dsn = NULL;

	if (ld_dsn_parse((const char *)data, size, &dsn, &err) != LD_OK) {
		if (dsn != NULL)
			abort();
		return 0;
	}
	if (dsn->recipient_count > LD_DSN_MAX_RECIPIENTS)
		abort();
	for (size_t i = 0; i < dsn->recipient_count; i++) {
		const struct ld_dsn_recipient *r = &dsn->recipients[i];

		if (r->status[0] != '\0' && ld_dsn_explain(r->status) == NULL)
			abort();
		if (r->diagnostic != NULL &&
		    strlen(r->diagnostic) > LD_DSN_MAX_DIAGNOSTIC_BYTES)
			abort();
	}
	if (dsn->returned_header != NULL &&
	    strlen(dsn->returned_header) != dsn->returned_header_length)
		abort();
	ld_dsn_free(&dsn);
	return 0;
}
