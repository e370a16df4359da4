/*
 * The providers landed can use: the built-in plugins, and the plugins
 * loaded from shared objects (provider_loader.c), found by name.  An
 * outside plugin with the name of a built-in one replaces it.
 *
 * Load plugins once, before any thread starts; afterwards the registry is
 * only read and may be used from every thread.
 */
#ifndef LANDED_PROVIDER_REGISTRY_H
#define LANDED_PROVIDER_REGISTRY_H

#include <stddef.h>

#include "landed/provider.h"
#include "status.h"

/* Maximum number of outside plugins loaded at once. */
#define LD_MAX_LOADED_PROVIDERS 64

/* Returns the provider with that name (case-insensitive), or NULL. */
const struct landed_provider *ld_provider_find(const char *name);

/*
 * Returns the i-th provider in a stable order, or NULL past the end: the
 * built-ins (each replaced by an outside plugin of its name), then the
 * outside plugins with new names, in load order.
 */
const struct landed_provider *ld_provider_at(size_t i);

/* Returns "built-in", or the path of the shared object a provider came
 * from. */
const char *ld_provider_source(const struct landed_provider *provider);

/* Returns a comma-separated list of all provider names, for messages.
 * The text lives until the next call. */
const char *ld_provider_names(void);

/*
 * Checks a plugin's struct before anything else of it is used: the ABI
 * version, the struct size, and that name, display_name and the TLS mode
 * are valid.  source names the plugin in the error.
 */
enum ld_status ld_provider_validate(const struct landed_provider *provider,
    const char *source, struct ld_error *err);

/*
 * Adds an outside plugin, already validated, to the registry.  The first
 * plugin added for a name wins; a later one of the same name is skipped
 * with a warning and LD_OK.  source (copied) is shown by `landed
 * providers`; handle (may be NULL) is dlclose()d by
 * ld_provider_unload_all().
 */
enum ld_status ld_provider_register(const struct landed_provider *provider,
    const char *source, void *handle, struct ld_error *err);

/* Strings from repeated options such as --plugin-dir, in order. */
struct ld_string_list {
	const char **items;	/* owned array of borrowed strings (argv) */
	size_t count;
};

/* Appends a string.  Returns 0, or -1 when out of memory. */
int ld_string_list_add(struct ld_string_list *list, const char *item);
void ld_string_list_clear(struct ld_string_list *list);

/*
 * Loads every NAME.so in the --plugin-dir directories (each must exist),
 * then in the colon-separated LANDED_PLUGIN_PATH (missing directories
 * there are skipped), in that order of precedence.  Files in one
 * directory load in name order.  Fails on the first file that cannot be
 * loaded or fails ld_provider_validate().
 */
enum ld_status ld_provider_load_plugins(const struct ld_string_list *dirs,
    struct ld_error *err);

/* Loads one shared object that exports `landed_provider`. */
enum ld_status ld_provider_load_file(const char *path, struct ld_error *err);

/* Forgets every outside plugin and unloads their shared objects. */
void ld_provider_unload_all(void);

/* Forgets every outside plugin and stores up to size of their dlopen()
 * handles in handles; returns how many.  For ld_provider_unload_all(). */
size_t ld_provider_forget_all(void **handles, size_t size);

/*
 * Checks, before any login, that an account can use its provider: the
 * provider is supported, and a provider that needs a pinned certificate
 * has tls_fingerprint or ca_file.  account names the account in err.
 */
enum ld_status ld_provider_check_account(const struct landed_provider *provider,
    const char *account, int has_fingerprint, int has_ca_file,
    struct ld_error *err);

#endif
