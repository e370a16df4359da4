/*
 * JSON form of parsed authentication fields, as in the output of
 * `landed parse`: one element of its "headers" array.
 */
#ifndef LANDED_AUTHRES_JSON_H
#define LANDED_AUTHRES_JSON_H

#include <jansson.h>

#include "landed/authres.h"

/*
 * Returns a new object { field, authserv_id, version, instance, trusted,
 * results, deviations, error }, with null for absent members and for
 * trusted when no trust policy was applied, or NULL when out of memory.
 */
json_t *ld_authres_header_json(const struct landed_ar_header *h);

/*
 * Returns a JSON string of s, with every byte that is not valid UTF-8
 * replaced by U+FFFD (servers and header fields send other charsets),
 * or JSON null when s is NULL.  Returns NULL only when out of memory.
 */
json_t *ld_json_string_or_null(const char *s);

/*
 * Makes jansson allocate from an arena until the process exits, for a
 * single-threaded program that builds and frees one header's JSON at a
 * time.  Call it before any other jansson call, and call
 * ld_authres_json_arena_rewind() only when no JSON value is alive.
 * Returns 0, or -1 when out of memory.
 */
int ld_authres_json_arena_start(void);
void ld_authres_json_arena_rewind(void);

#endif
