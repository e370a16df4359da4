/*
 * landed.conf: the seed accounts, in INI form (read with inih).
 *
 *   [account NAME]
 *   provider, user, password_cmd | password_env | password_file, auth,
 *   host, port, tls, ca_file, tls_fingerprint, folders, authserv_id,
 *   address
 *
 * Errors name the file, the line and the key.  The config stores only
 * where a secret comes from, never the secret; ld_secret_fetch() reads it.
 */
#ifndef LANDED_CONFIG_H
#define LANDED_CONFIG_H

#include <stddef.h>

#include "imap.h"
#include "status.h"

struct ld_account {
	char *name;		/* from "[account NAME]" */
	unsigned line;		/* line of the section header, for messages */
	char *provider;		/* plugin name; "generic" when unset */
	char *user;

	/* Exactly one source of the secret is set. */
	char *password_cmd;	/* run with /bin/sh -c; first line of stdout */
	char *password_env;	/* name of an environment variable */
	char *password_file;	/* first line of the file */

	enum ld_auth_method auth;	int auth_set;
	char *host;			/* NULL: the provider's */
	unsigned port;			/* 0: the provider's */
	enum ld_tls_mode tls;		int tls_set;
	char *ca_file;
	char *tls_fingerprint;		/* normalized "sha256:AB:CD:..." */
	char **folders;			/* "folders =" list, or NULL */
	size_t folder_count;
	char **authserv_ids;		/* "authserv_id =" patterns, or NULL */
	size_t authserv_id_count;
	char **addresses;		/* "address =" list, or NULL */
	size_t address_count;
};

struct ld_config {
	char *path;
	struct ld_account *accounts;	/* in file order */
	size_t account_count;
};

/*
 * Finds the config file: explicit_path (from -c) when not NULL, else
 * $LANDED_CONFIG, else ./landed.conf, else
 * $XDG_CONFIG_HOME/landed/landed.conf (default ~/.config).
 */
enum ld_status ld_config_locate(const char *explicit_path, char **path_r,
    struct ld_error *err);

/* Loads and validates a config file; warns when a file that names a
 * password_file or password_cmd is readable by other users. */
enum ld_status ld_config_load(const char *path, struct ld_config **config_r,
    struct ld_error *err);

void ld_config_free(struct ld_config **config);

/* Returns the account with that name, or NULL. */
const struct ld_account *ld_config_account(const struct ld_config *config,
    const char *name);

/*
 * Gets an account's secret from its password_cmd, password_env or
 * password_file.  The error names the account and the source, never the
 * secret.  Free the result with ld_secret_free().
 */
enum ld_status ld_secret_fetch(const struct ld_account *account,
    char **secret_r, struct ld_error *err);

/* Overwrites and frees *secret, then sets it to NULL. */
void ld_secret_free(char **secret);

/*
 * Sets how long a password_cmd may run before it is killed, in
 * milliseconds; 0 restores the default of 30 s.  For tests.
 */
void ld_secret_set_command_timeout(unsigned milliseconds);

#endif
