#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "provider_registry.h"

#define BUILTIN_PROVIDER_LIST(X) \
	X(gmail) X(outlook) X(yahoo) X(aol) X(proton) X(gmx) X(webde) \
	X(yandex) X(mailru) X(icloud) X(fastmail) X(zoho) X(tutanota) \
	X(generic)

#define DECLARE_PROVIDER(name) \
	extern const struct landed_provider landed_provider_##name;
BUILTIN_PROVIDER_LIST(DECLARE_PROVIDER)
#undef DECLARE_PROVIDER

static const struct landed_provider *const builtin_providers[] = {
#define LIST_PROVIDER(name) &landed_provider_##name,
	BUILTIN_PROVIDER_LIST(LIST_PROVIDER)
#undef LIST_PROVIDER
	NULL
};

const struct landed_provider *
ld_provider_find(const char *name)
{
	for (size_t i = 0; builtin_providers[i] != NULL; i++)
		if (strcasecmp(builtin_providers[i]->name, name) == 0)
			return builtin_providers[i];
	return NULL;
}

const struct landed_provider *
ld_provider_at(size_t i)
{
	if (i >= sizeof(builtin_providers) / sizeof(builtin_providers[0]))
		return NULL;
	return builtin_providers[i];
}

const char *
ld_provider_names(void)
{
	static const char names[] =
#define NAME_STRING(name) #name ", "
	    BUILTIN_PROVIDER_LIST(NAME_STRING)
#undef NAME_STRING
	    ;
	static char trimmed[sizeof(names)];

	/* Drop the trailing ", " once; the result is constant afterwards. */
	if (trimmed[0] == '\0') {
		memcpy(trimmed, names, sizeof(names) - 3);
		trimmed[sizeof(names) - 3] = '\0';
	}
	return trimmed;
}
