#include <stdlib.h>

#include "authres_block.h"
#include "result.h"

static const char *const placement_names[] = {
#define LD_PLACEMENT_NAME(name, text) text,
	LD_PLACEMENT_LIST(LD_PLACEMENT_NAME)
#undef LD_PLACEMENT_NAME
};

const char *const ld_auth_method_names[LD_AUTH_COUNT] = {
#define LD_AUTH_NAME(name, text) text,
	LD_AUTH_METHOD_LIST(LD_AUTH_NAME)
#undef LD_AUTH_NAME
};

const char *
ld_placement_name(enum ld_placement placement)
{
	return placement_names[placement];
}

struct ld_result *
ld_report_result(struct ld_report *report, size_t a, size_t t)
{
	return &report->results[a * report->test_count + t];
}

void
ld_result_clear(struct ld_result *result)
{
	free(result->folder);
	free(result->category);
	free(result->error);
	ld_bounce_free(&result->bounce);
	free(result->moved_from);
	free(result->disagreement);
	ld_provider_verdict_clear(&result->verdict);
	ld_authres_block_free(&result->headers, result->header_count);
	*result = (struct ld_result){ .placement = LD_PLACEMENT_MISSING,
	    .received_at = -1 };
}

void
ld_bounce_free(struct ld_bounce **bounce)
{
	if (bounce == NULL || *bounce == NULL)
		return;
	free((*bounce)->status);
	free((*bounce)->diagnostic);
	free((*bounce)->reporting_mta);
	free(*bounce);
	*bounce = NULL;
}

void
ld_report_clear(struct ld_report *report)
{
	for (size_t i = 0; i < report->account_count * report->test_count; i++)
		ld_result_clear(&report->results[i]);
	free(report->results);

	for (size_t i = 0; i < report->test_count; i++) {
		free(report->tests[i].label);
		free(report->tests[i].message_id);
		free(report->tests[i].tag);
	}
	free(report->tests);

	for (size_t i = 0; i < report->account_count; i++)
		free(report->accounts[i].error);
	free(report->bounces.error);
	free(report->accounts);
	*report = (struct ld_report){ 0 };
}
