/*
 * Shared by the plugin sources in providers/.  A plugin defines its
 * provider with LANDED_PROVIDER(name) = { ... };  Linked into landed, that
 * is the symbol landed_provider_NAME; built as NAME.so (with
 * -DLANDED_PLUGIN_SHARED) it is the one exported symbol landed_provider.
 */
#ifndef LANDED_PROVIDER_PLUGIN_H
#define LANDED_PROVIDER_PLUGIN_H

#include "landed/provider.h"

#ifdef LANDED_PLUGIN_SHARED
#define LANDED_PROVIDER(name) \
	const struct landed_provider landed_provider
#else
#define LANDED_PROVIDER(name) \
	extern const struct landed_provider landed_provider_##name; \
	const struct landed_provider landed_provider_##name
#endif

#define LANDED_PROVIDER_HEADER \
	.abi_version = LANDED_PROVIDER_ABI_VERSION, \
	.struct_size = sizeof(struct landed_provider)

#endif
