/*
 * The providers landed knows: the built-in plugins, found by name.
 */
#ifndef LANDED_PROVIDER_REGISTRY_H
#define LANDED_PROVIDER_REGISTRY_H

#include <stddef.h>

#include "landed/provider.h"

/* Returns the provider with that name (case-insensitive), or NULL. */
const struct landed_provider *ld_provider_find(const char *name);

/* Returns the i-th provider in a stable order, or NULL past the end. */
const struct landed_provider *ld_provider_at(size_t i);

/* Returns a comma-separated list of all provider names, for messages. */
const char *ld_provider_names(void);

#endif
