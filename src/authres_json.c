#include <stdlib.h>
#include <string.h>

#include "authres_json.h"
#include "utf8.h"

/*
 * Returns a JSON string of s with each byte that is not part of valid
 * UTF-8 replaced by U+FFFD, because header fields are not always UTF-8.
 */
static json_t *
string_replacing_invalid(const char *s)
{
	const unsigned char *in = (const unsigned char *)s;
	char *copy;
	size_t n = 0, step;
	json_t *string;

	copy = malloc(strlen(s) * 3 + 1);
	if (copy == NULL)
		return NULL;
	while (*in != '\0') {
		step = ld_utf8_sequence_length(in);
		if (step == 0) {
			memcpy(copy + n, "\xef\xbf\xbd", 3);
			n += 3;
			in++;
			continue;
		}
		memcpy(copy + n, in, step);
		n += step;
		in += step;
	}
	copy[n] = '\0';
	string = json_string(copy);
	free(copy);
	return string;
}

json_t *
ld_json_string_or_null(const char *s)
{
	json_t *string;

	if (s == NULL)
		return json_null();
	string = json_string(s);
	if (string == NULL)
		string = string_replacing_invalid(s);
	return string;
}

/* Adds a member; value may be NULL (a failed allocation).  Returns 0/-1. */
static int
set(json_t *object, const char *key, json_t *value)
{
	return json_object_set_new_nocheck(object, key, value);
}

static json_t *
property_json(const struct landed_ar_property *p)
{
	json_t *object = json_object();

	if (object == NULL ||
	    set(object, "ptype", ld_json_string_or_null(p->ptype)) != 0 ||
	    set(object, "property", ld_json_string_or_null(p->property)) != 0 ||
	    set(object, "value", ld_json_string_or_null(p->value)) != 0) {
		json_decref(object);
		return NULL;
	}
	return object;
}

static json_t *
result_json(const struct landed_ar_result *r)
{
	json_t *object = json_object(), *properties = json_array();
	size_t i;

	if (object == NULL || properties == NULL)
		goto fail;
	for (i = 0; i < r->property_count; i++)
		if (json_array_append_new(properties,
		    property_json(&r->properties[i])) != 0)
			goto fail;
	if (set(object, "method", ld_json_string_or_null(r->method)) != 0 ||
	    set(object, "method_version",
	    ld_json_string_or_null(r->method_version)) != 0 ||
	    set(object, "result", ld_json_string_or_null(r->result)) != 0 ||
	    set(object, "reason", ld_json_string_or_null(r->reason)) != 0 ||
	    set(object, "properties", properties) != 0)
		goto fail_object;
	return object;

fail:
	json_decref(properties);
fail_object:
	json_decref(object);
	return NULL;
}

static json_t *
trusted_json(enum landed_ar_trust trusted)
{
	if (trusted == LANDED_AR_TRUST_UNSET)
		return json_null();
	return json_boolean(trusted == LANDED_AR_TRUST_YES);
}

static json_t *
results_json(const struct landed_ar_header *h)
{
	json_t *array = json_array();
	size_t i;

	if (array == NULL)
		return NULL;
	for (i = 0; i < h->result_count; i++) {
		if (json_array_append_new(array,
		    result_json(&h->results[i])) != 0) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

static json_t *
deviations_json(const struct landed_ar_header *h)
{
	json_t *array = json_array();
	size_t i;

	if (array == NULL)
		return NULL;
	for (i = 0; i < h->deviation_count; i++) {
		if (json_array_append_new(array,
		    json_string(h->deviations[i])) != 0) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

json_t *
ld_authres_header_json(const struct landed_ar_header *h)
{
	json_t *object = json_object();

	if (object == NULL ||
	    set(object, "field", json_string(landed_ar_kind_name(h->kind))) ||
	    set(object, "authserv_id", ld_json_string_or_null(h->authserv_id)) ||
	    set(object, "version", ld_json_string_or_null(h->version)) ||
	    set(object, "instance", h->instance >= 0 ?
	    json_integer(h->instance) : json_null()) ||
	    set(object, "trusted", trusted_json(h->trusted)) ||
	    set(object, "results", results_json(h)) ||
	    set(object, "deviations", deviations_json(h)) ||
	    set(object, "error", ld_json_string_or_null(h->error))) {
		json_decref(object);
		return NULL;
	}
	return object;
}

/*
 * Bump allocator for jansson while `landed parse` writes one header at a
 * time: every value of a header is freed before the next header is
 * built, so the arena is simply rewound.  Blocks that do not fit come
 * from malloc().
 */
#define JSON_ARENA_BYTES	(1024 * 1024)

static char *json_arena;
static size_t json_arena_used;

static void *
arena_malloc(size_t size)
{
	size_t rounded = (size + 15) & ~(size_t)15;
	void *block;

	if (rounded < size || JSON_ARENA_BYTES - json_arena_used < rounded)
		return malloc(size);
	block = json_arena + json_arena_used;
	json_arena_used += rounded;
	return block;
}

static void
arena_free(void *block)
{
	char *p = block;

	if (p >= json_arena && p < json_arena + JSON_ARENA_BYTES)
		return;
	free(block);
}

int
ld_authres_json_arena_start(void)
{
	json_arena = malloc(JSON_ARENA_BYTES);
	if (json_arena == NULL)
		return -1;
	json_arena_used = 0;
	json_set_alloc_funcs(arena_malloc, arena_free);
	return 0;
}

void
ld_authres_json_arena_rewind(void)
{
	json_arena_used = 0;
}
