/*
 * For plugin sources: the LANDED_PROVIDER(name) definition macro and small
 * parsing helpers that a plugin compiles into itself, because a plugin
 * .so cannot call functions of the landed binary.
 *
 * A plugin defines its provider with
 *
 *	LANDED_PROVIDER(name) = { LANDED_PROVIDER_HEADER, .name = "name", ... };
 *
 * Linked into landed, that is the symbol landed_provider_NAME; built as
 * NAME.so with -DLANDED_PLUGIN_SHARED it is the one exported symbol
 * landed_provider.
 */
#ifndef LANDED_PROVIDER_PLUGIN_H
#define LANDED_PROVIDER_PLUGIN_H

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "landed/provider.h"

#ifdef LANDED_PLUGIN_SHARED
#define LANDED_PROVIDER(name) \
	extern const struct landed_provider landed_provider; \
	const struct landed_provider landed_provider
#else
#define LANDED_PROVIDER(name) \
	extern const struct landed_provider landed_provider_##name; \
	const struct landed_provider landed_provider_##name
#endif

#define LANDED_PROVIDER_HEADER \
	.abi_version = LANDED_PROVIDER_ABI_VERSION, \
	.struct_size = sizeof(struct landed_provider)

/*
 * Finds key in a list of "key:value" items separated by ';', as in
 * "SCL:5;SFV:SPM;dest:J" (keys compared without regard to case, spaces
 * after ';' skipped), and copies its value into buf, cut to size - 1
 * bytes.  Returns 1 when the key is present, else 0.
 */
static inline int
landed_plugin_list_value(const char *list, const char *key, char *buf,
    size_t size)
{
	size_t key_length = strlen(key);
	const char *item = list;

	while (item != NULL && *item != '\0') {
		const char *end = strchr(item, ';');
		size_t length = end != NULL ? (size_t)(end - item) : strlen(item);

		while (length > 0 && (*item == ' ' || *item == '\t')) {
			item++;
			length--;
		}
		if (length > key_length && item[key_length] == ':' &&
		    strncasecmp(item, key, key_length) == 0) {
			size_t value_length = length - key_length - 1;

			if (size == 0)
				return 1;
			if (value_length > size - 1)
				value_length = size - 1;
			memcpy(buf, item + key_length + 1, value_length);
			buf[value_length] = '\0';
			return 1;
		}
		item = end != NULL ? end + 1 : NULL;
	}
	return 0;
}

/*
 * Parses a whole decimal number, optionally negative, with nothing after
 * it.  Returns 1 and stores it in *value_r, or 0 when text is not one.
 */
static inline int
landed_plugin_parse_int(const char *text, long long *value_r)
{
	char *end;
	long long value;

	if (text == NULL || text[0] == '\0')
		return 0;
	value = strtoll(text, &end, 10);
	if (*end != '\0')
		return 0;
	*value_r = value;
	return 1;
}

#endif
