/*
 * Loading provider plugins from shared objects with dlopen(): every
 * NAME.so in the --plugin-dir directories and in LANDED_PLUGIN_PATH.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "provider_registry.h"

/*
 * Checks the size of the exported symbol before any member is read, so
 * that a symbol smaller than the two leading members (a plugin built
 * against something else) is rejected instead of read past its end.
 */
static enum ld_status
check_symbol_size(void *handle, const struct landed_provider *provider,
    const char *path, struct ld_error *err)
{
	const ElfW(Sym) *symbol;
	void *entry = NULL;
	Dl_info info;
	size_t needed = offsetof(struct landed_provider, struct_size) +
	    sizeof(provider->struct_size);

	(void)handle;
	if (dladdr1(provider, &info, &entry, RTLD_DL_SYMENT) == 0 ||
	    entry == NULL)
		return LD_OK;	/* no symbol table entry: nothing to check */
	symbol = entry;
	if (symbol->st_size < needed)
		return ld_error_set(err, LD_ERR_UNSUPPORTED, "provider plugin %s: "
		    "its landed_provider symbol has %zu bytes, fewer than a "
		    "struct landed_provider; rebuild the plugin against "
		    "landed's include/landed/provider.h", path,
		    (size_t)symbol->st_size);
	if (symbol->st_size < sizeof(struct landed_provider) ||
	    symbol->st_size < provider->struct_size)
		return ld_error_set(err, LD_ERR_UNSUPPORTED, "provider plugin %s: "
		    "its landed_provider symbol has %zu bytes, but says its "
		    "struct has %zu; rebuild the plugin against landed's "
		    "include/landed/provider.h", path, (size_t)symbol->st_size,
		    provider->struct_size);
	return LD_OK;
}

enum ld_status
ld_provider_load_file(const char *path, struct ld_error *err)
{
	const struct landed_provider *provider;
	enum ld_status status;
	void *handle;

	/* RTLD_LOCAL keeps one plugin's symbols from resolving another's. */
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL)
		return ld_error_set(err, LD_ERR_IO, "provider plugin %s: cannot "
		    "load it: %s", path, dlerror());
	provider = dlsym(handle, "landed_provider");
	if (provider == NULL) {
		dlclose(handle);
		return ld_error_set(err, LD_ERR_NOT_FOUND, "provider plugin %s: "
		    "it exports no symbol landed_provider; define the provider "
		    "with LANDED_PROVIDER(name) and build with "
		    "-DLANDED_PLUGIN_SHARED", path);
	}

	status = check_symbol_size(handle, provider, path, err);
	if (status == LD_OK)
		status = ld_provider_validate(provider, path, err);
	if (status == LD_OK)
		status = ld_provider_register(provider, path, handle, err);
	if (status != LD_OK) {
		dlclose(handle);
		return status;
	}
	ld_log_debug(LD_DEBUG_CONFIG, "loaded provider plugin \"%s\" from %s",
	    provider->name, path);
	return LD_OK;
}

static int
is_plugin_file(const struct dirent *entry)
{
	size_t length = strlen(entry->d_name);

	return entry->d_name[0] != '.' && length > 3 &&
	    strcmp(entry->d_name + length - 3, ".so") == 0;
}

/* Loads every NAME.so of one directory, in name order. */
static enum ld_status
load_directory(const char *dir, int must_exist, struct ld_error *err)
{
	struct dirent **entries = NULL;
	enum ld_status status = LD_OK;
	char path[PATH_MAX];
	struct stat st;
	int count;

	if (stat(dir, &st) != 0) {
		if (!must_exist)
			return LD_OK;
		return ld_error_set(err, LD_ERR_NOT_FOUND, "plugin directory "
		    "%s: %s", dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) {
		if (!must_exist)
			return LD_OK;
		return ld_error_set(err, LD_ERR_NOT_FOUND, "plugin directory "
		    "%s: not a directory", dir);
	}
	count = scandir(dir, &entries, is_plugin_file, alphasort);
	if (count < 0)
		return ld_error_set(err, LD_ERR_IO, "plugin directory %s: "
		    "cannot read it: %s", dir, strerror(errno));

	for (int i = 0; i < count; i++) {
		if (status == LD_OK) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			    entries[i]->d_name) >= sizeof(path))
				status = ld_error_set(err, LD_ERR_LIMIT,
				    "plugin directory %s: the path of %s is "
				    "too long", dir, entries[i]->d_name);
			else
				status = ld_provider_load_file(path, err);
		}
		free(entries[i]);
	}
	free(entries);
	return status;
}

int
ld_string_list_add(struct ld_string_list *list, const char *item)
{
	const char **grown = realloc(list->items,
	    (list->count + 1) * sizeof(*grown));

	if (grown == NULL)
		return -1;
	list->items = grown;
	list->items[list->count++] = item;
	return 0;
}

void
ld_string_list_clear(struct ld_string_list *list)
{
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

enum ld_status
ld_provider_load_plugins(const struct ld_string_list *dirs,
    struct ld_error *err)
{
	const char *path = getenv("LANDED_PLUGIN_PATH");
	enum ld_status status;
	char *copy, *dir, *rest;

	for (size_t i = 0; dirs != NULL && i < dirs->count; i++) {
		status = load_directory(dirs->items[i], 1, err);
		if (status != LD_OK)
			return status;
	}
	if (path == NULL || path[0] == '\0')
		return LD_OK;

	copy = strdup(path);
	if (copy == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	status = LD_OK;
	for (dir = strtok_r(copy, ":", &rest); dir != NULL && status == LD_OK;
	    dir = strtok_r(NULL, ":", &rest))
		status = load_directory(dir, 0, err);
	free(copy);
	return status;
}

void
ld_provider_unload_all(void)
{
	void *handles[LD_MAX_LOADED_PROVIDERS];
	size_t count = ld_provider_forget_all(handles, LD_MAX_LOADED_PROVIDERS);

	for (size_t i = 0; i < count; i++)
		dlclose(handles[i]);
}
