/*
 * Provider plugin ABI.
 *
 * A provider plugin describes one mail provider to landed: where its IMAP
 * server is, how it names its spam folder, and which authserv-ids its own
 * Authentication-Results fields carry.  Built-in plugins live in
 * providers/NAME.c and are linked into the binary; the same source built
 * as NAME.so exports one symbol, `landed_provider`, of this type.
 *
 * Compatibility: abi_version and struct_size come first and are checked
 * before anything else is read.  Members are only ever appended; a new
 * member that changes meaning bumps LANDED_PROVIDER_ABI_VERSION.
 *
 * Ownership: every pointer is borrowed from the plugin and must stay valid
 * while the plugin is loaded (static const data in practice).  String
 * lists are NULL-terminated arrays; a NULL list means "none".
 */
#ifndef LANDED_PROVIDER_H
#define LANDED_PROVIDER_H

#include <stddef.h>

#define LANDED_PROVIDER_ABI_VERSION 1u

/* How a provider's IMAP server starts TLS. */
enum landed_provider_tls {
	LANDED_PROVIDER_TLS_IMPLICIT = 0,
	LANDED_PROVIDER_TLS_STARTTLS = 1,
	LANDED_PROVIDER_TLS_NONE = 2,
};

/* Login methods, as a bit set in auth_methods. */
#define LANDED_PROVIDER_AUTH_LOGIN		0x01u
#define LANDED_PROVIDER_AUTH_PLAIN		0x02u
#define LANDED_PROVIDER_AUTH_XOAUTH2		0x04u
#define LANDED_PROVIDER_AUTH_OAUTHBEARER	0x08u

/* flags */
/* The receiver writes Authentication-Results with no authserv-id (Outlook):
 * the topmost such field is the receiver's own. */
#define LANDED_PROVIDER_NO_AUTHSERV_ID		0x01u

struct landed_provider {
	unsigned abi_version;		/* LANDED_PROVIDER_ABI_VERSION */
	size_t struct_size;		/* sizeof(struct landed_provider) */

	const char *name;		/* config and command-line name: "gmail" */
	const char *display_name;	/* "Gmail" */
	const char *const *domains;	/* address domains served: "gmail.com" */

	/* Default IMAP endpoint; the config may override each. */
	const char *imap_host;		/* NULL: the config must give host */
	unsigned imap_port;
	enum landed_provider_tls tls;
	unsigned auth_methods;		/* LANDED_PROVIDER_AUTH_* */

	/*
	 * Patterns of the receiver's own authserv-ids, compared
	 * case-insensitively with '*' matching any run of characters.  A
	 * receiver that writes one field per method has one pattern each.
	 */
	const char *const *authserv_ids;
	unsigned flags;			/* LANDED_PROVIDER_* */

	/*
	 * Names of the spam folder that this provider uses, tried after the
	 * SPECIAL-USE \Junk attribute and before the generic names.
	 */
	const char *const *junk_folders;

	/*
	 * Folders that show copies of messages kept elsewhere (Gmail's
	 * "[Gmail]/All Mail", "[Gmail]/Important"); a copy there is counted
	 * but does not make a message "other".  SPECIAL-USE \All and
	 * \Flagged are recognized without being listed.
	 */
	const char *const *view_folders;

	/* Concurrent IMAP connections allowed per account; 0 means 1. */
	unsigned max_connections;

	/* 0 when landed cannot check this provider; reason says why. */
	int supported;
	const char *unsupported_reason;

	/*
	 * Whether a provider fact above is unverified (a guess from public
	 * sources); `landed providers` shows it, and SPECIAL-USE and the
	 * config take precedence over guessed folder names.
	 */
	const char *notes;
};

#endif
