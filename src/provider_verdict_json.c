/* The "provider_verdict" member of a check result in JSON (landed/1). */
#include <jansson.h>

#include "authres_json.h"
#include "provider_verdict.h"

static json_t *
member_json(const struct ld_verdict_member *member)
{
	switch (member->type) {
	case LD_VERDICT_INT:
		return json_integer((json_int_t)member->number);
	case LD_VERDICT_BOOL:
		return json_boolean(member->number != 0);
	case LD_VERDICT_STRING:
		break;
	}
	return ld_json_string_or_null(member->string);
}

json_t *
ld_provider_verdict_json(const struct ld_result *result)
{
	const struct ld_provider_verdict *verdict = &result->verdict;
	json_t *object = json_object();

	if (object == NULL)
		return NULL;
	for (size_t i = 0; i < verdict->member_count; i++)
		json_object_set_new(object, verdict->members[i].key,
		    member_json(&verdict->members[i]));
	if (verdict->opinion == LANDED_VERDICT_UNKNOWN)
		return object;

	json_object_set_new(object, "verdict", ld_json_string_or_null(
	    verdict->opinion == LANDED_VERDICT_SPAM ? "spam" : "not_spam"));
	json_object_set_new(object, "evidence", verdict->evidence != NULL ?
	    ld_json_string_or_null(verdict->evidence) : json_null());
	json_object_set_new(object, "disagrees",
	    json_boolean(result->disagreement != NULL));
	if (result->disagreement != NULL)
		json_object_set_new(object, "disagreement",
		    ld_json_string_or_null(result->disagreement));
	return object;
}
