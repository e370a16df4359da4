/*
 * The output side of a plugin's interpret hook: struct landed_verdict
 * (opaque to plugins) and the functions it writes through.
 */
#ifndef LANDED_PROVIDER_VERDICT_H
#define LANDED_PROVIDER_VERDICT_H

#include "landed/provider.h"
#include "result.h"

/* The result an interpret hook writes into; it owns nothing. */
struct landed_verdict {
	struct ld_result *result;	/* borrowed */
};

/* The output functions handed to every interpret hook. */
extern const struct landed_verdict_ops ld_verdict_ops;

/*
 * Sets result->disagreement when the provider judged the message spam
 * but it is in the inbox, or not spam but it is in a spam folder.
 * Returns 0, or -1 when out of memory.
 */
int ld_provider_note_disagreement(struct ld_result *result);

/*
 * Returns the JSON object of result's "provider_verdict": the plugin's
 * members, and when the plugin stated an opinion also "verdict" ("spam"
 * or "not_spam"), "evidence", "disagrees" and, when it disagrees with
 * the folder, "disagreement".  Returns NULL when out of memory.
 */
struct json_t;
struct json_t *ld_provider_verdict_json(const struct ld_result *result);

#endif
