#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
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

#define BUILTIN_COUNT \
	(sizeof(builtin_providers) / sizeof(builtin_providers[0]) - 1)

#define MAX_NAME_BYTES 32

/* An outside plugin in use. */
struct loaded_provider {
	const struct landed_provider *provider;	/* borrowed from the .so */
	char *source;				/* owned path */
	void *handle;				/* dlopen() handle, or NULL */
};

static struct loaded_provider loaded[LD_MAX_LOADED_PROVIDERS];
static size_t loaded_count;

static const struct loaded_provider *
find_loaded(const char *name)
{
	for (size_t i = 0; i < loaded_count; i++)
		if (strcasecmp(loaded[i].provider->name, name) == 0)
			return &loaded[i];
	return NULL;
}

static const struct landed_provider *
find_builtin(const char *name)
{
	for (size_t i = 0; i < BUILTIN_COUNT; i++)
		if (strcasecmp(builtin_providers[i]->name, name) == 0)
			return builtin_providers[i];
	return NULL;
}

const struct landed_provider *
ld_provider_find(const char *name)
{
	const struct loaded_provider *outside = find_loaded(name);

	if (outside != NULL)
		return outside->provider;
	return find_builtin(name);
}

const struct landed_provider *
ld_provider_at(size_t i)
{
	const struct loaded_provider *outside;

	if (i < BUILTIN_COUNT) {
		outside = find_loaded(builtin_providers[i]->name);
		return outside != NULL ? outside->provider : builtin_providers[i];
	}
	i -= BUILTIN_COUNT;
	for (size_t l = 0; l < loaded_count; l++) {
		if (find_builtin(loaded[l].provider->name) != NULL)
			continue;
		if (i-- == 0)
			return loaded[l].provider;
	}
	return NULL;
}

const char *
ld_provider_source(const struct landed_provider *provider)
{
	for (size_t i = 0; i < loaded_count; i++)
		if (loaded[i].provider == provider)
			return loaded[i].source;
	return "built-in";
}

const char *
ld_provider_names(void)
{
	static char names[(MAX_NAME_BYTES + 2) *
	    (BUILTIN_COUNT + LD_MAX_LOADED_PROVIDERS)];
	const struct landed_provider *provider;

	names[0] = '\0';
	for (size_t i = 0; (provider = ld_provider_at(i)) != NULL; i++) {
		if (i > 0)
			strcat(names, ", ");
		strcat(names, provider->name);
	}
	return names;
}

static int
valid_name(const char *name)
{
	size_t length = strlen(name);

	if (length == 0 || length > MAX_NAME_BYTES)
		return 0;
	for (size_t i = 0; i < length; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '_'))
			return 0;
	return 1;
}

/* A header field name (RFC 5322 ftext): printable ASCII but ':'. */
static int
valid_field_name(const char *name)
{
	if (name[0] == '\0' || strlen(name) > MAX_NAME_BYTES * 4)
		return 0;
	for (const char *p = name; *p != '\0'; p++)
		if (*p < 33 || *p > 126 || *p == ':')
			return 0;
	return 1;
}

enum ld_status
ld_provider_validate(const struct landed_provider *provider,
    const char *source, struct ld_error *err)
{
	if (provider->abi_version != LANDED_PROVIDER_ABI_VERSION)
		return ld_error_set(err, LD_ERR_UNSUPPORTED, "provider plugin "
		    "%s: ABI version %u, but this landed supports version %u; "
		    "rebuild the plugin against landed's include/landed/"
		    "provider.h", source, provider->abi_version,
		    LANDED_PROVIDER_ABI_VERSION);
	if (provider->struct_size < sizeof(struct landed_provider))
		return ld_error_set(err, LD_ERR_UNSUPPORTED, "provider plugin "
		    "%s: struct size %zu bytes, but ABI version %u needs at "
		    "least %zu; rebuild the plugin against landed's "
		    "include/landed/provider.h", source, provider->struct_size,
		    LANDED_PROVIDER_ABI_VERSION, sizeof(struct landed_provider));
	if (provider->name == NULL || !valid_name(provider->name))
		return ld_error_set(err, LD_ERR_CONFIG, "provider plugin %s: "
		    "invalid name \"%s\"; use 1 to %d lower-case letters, "
		    "digits, '-' or '_'", source,
		    provider->name != NULL ? provider->name : "(null)",
		    MAX_NAME_BYTES);
	if (provider->display_name == NULL)
		return ld_error_set(err, LD_ERR_CONFIG, "provider plugin %s: "
		    "display_name is missing", source);
	if (provider->tls != LANDED_PROVIDER_TLS_IMPLICIT &&
	    provider->tls != LANDED_PROVIDER_TLS_STARTTLS &&
	    provider->tls != LANDED_PROVIDER_TLS_NONE)
		return ld_error_set(err, LD_ERR_CONFIG, "provider plugin %s: "
		    "invalid tls mode %d", source, (int)provider->tls);
	if (!provider->supported && provider->unsupported_reason == NULL)
		return ld_error_set(err, LD_ERR_CONFIG, "provider plugin %s: "
		    "supported is 0 but unsupported_reason is missing", source);
	if (provider->imap_port > 65535)
		return ld_error_set(err, LD_ERR_CONFIG, "provider plugin %s: "
		    "invalid imap_port %u; use 1 to 65535, or 0 for none",
		    source, provider->imap_port);
	for (size_t i = 0; provider->verdict_fields != NULL &&
	    provider->verdict_fields[i] != NULL; i++) {
		/* The names go into a UID FETCH command line. */
		if (i >= LANDED_PROVIDER_MAX_VERDICT_FIELDS ||
		    !valid_field_name(provider->verdict_fields[i]))
			return ld_error_set(err, LD_ERR_CONFIG, "provider plugin "
			    "%s: verdict_fields must be at most %d header field "
			    "names of printable ASCII without spaces or colons",
			    source, LANDED_PROVIDER_MAX_VERDICT_FIELDS);
	}
	return LD_OK;
}

enum ld_status
ld_provider_register(const struct landed_provider *provider,
    const char *source, void *handle, struct ld_error *err)
{
	const struct loaded_provider *earlier = find_loaded(provider->name);
	struct loaded_provider *entry;

	if (earlier != NULL) {
		ld_log_warn("provider plugin %s: skipped, because %s already "
		    "provides \"%s\"", source, earlier->source, provider->name);
		return LD_OK;
	}
	if (loaded_count == LD_MAX_LOADED_PROVIDERS)
		return ld_error_set(err, LD_ERR_LIMIT, "provider plugin %s: "
		    "more than %d outside plugins; remove some from the "
		    "plugin directories", source, LD_MAX_LOADED_PROVIDERS);
	entry = &loaded[loaded_count];
	entry->source = strdup(source);
	if (entry->source == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	entry->provider = provider;
	entry->handle = handle;
	loaded_count++;
	return LD_OK;
}

size_t
ld_provider_forget_all(void **handles, size_t size)
{
	size_t count = 0;

	for (size_t i = 0; i < loaded_count; i++) {
		if (loaded[i].handle != NULL && count < size)
			handles[count++] = loaded[i].handle;
		free(loaded[i].source);
		loaded[i] = (struct loaded_provider){ 0 };
	}
	loaded_count = 0;
	return count;
}

enum ld_status
ld_provider_check_account(const struct landed_provider *provider,
    const char *account, int has_fingerprint, int has_ca_file,
    struct ld_error *err)
{
	if (!provider->supported)
		return ld_error_set(err, LD_ERR_UNSUPPORTED, "account %s: %s",
		    account, provider->unsupported_reason);
	if ((provider->flags & LANDED_PROVIDER_PIN_REQUIRED) &&
	    !has_fingerprint && !has_ca_file)
		return ld_error_set(err, LD_ERR_CONFIG, "account %s: %s "
		    "presents a self-signed certificate, so the account needs "
		    "tls_fingerprint = sha256:...; get it with 'openssl "
		    "s_client -starttls imap -connect HOST:PORT </dev/null | "
		    "openssl x509 -noout -fingerprint -sha256' (Bridge's "
		    "default is 127.0.0.1:1143), or from the error of a check "
		    "run without it", account, provider->display_name);
	return LD_OK;
}
