/*
 * Provider plugin ABI, version 1.
 *
 * A provider plugin describes one mail provider to landed: where its IMAP
 * server is, how it names its spam folder and which authserv-ids its own
 * Authentication-Results fields carry.  Optional hooks change how landed
 * searches it and read its own verdict headers.  Built-in plugins live
 * in providers/NAME.c and are linked into the binary.  The same source
 * built as NAME.so exports one symbol, `landed_provider`, of type
 * struct landed_provider; providers/README.md shows how to build one.
 *
 * Compatibility: abi_version and struct_size come first, and the loader
 * checks both before it reads anything else.  It rejects a plugin whose
 * abi_version differs from LANDED_PROVIDER_ABI_VERSION or whose
 * struct_size is smaller than this struct.  Members are only ever
 * appended.  A change of meaning or layout bumps the version.
 *
 * Ownership: every pointer in struct landed_provider is borrowed from the
 * plugin and must stay valid while the plugin is loaded (static const data
 * in practice).  String lists are NULL-terminated arrays, and a NULL list
 * means "none".  Hooks see read-only views owned by landed that are valid
 * only during the call, and they write only through the output functions
 * they are handed.
 *
 * Threads: landed checks accounts in parallel, so a hook may run in
 * several threads at once.  Hooks must not keep mutable global state.
 */
#ifndef LANDED_PROVIDER_H
#define LANDED_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "landed/authres.h"

/* Most header field names a plugin may list in verdict_fields. */
#define LANDED_PROVIDER_MAX_VERDICT_FIELDS 16

#define LANDED_PROVIDER_ABI_VERSION 1u

/* TLS mode of a provider's IMAP server. */
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

/* Bits of struct landed_provider's flags. */
/* The receiver writes Authentication-Results with no authserv-id (Outlook):
 * the topmost such field is the receiver's own. */
#define LANDED_PROVIDER_NO_AUTHSERV_ID		0x01u
/* The server presents a self-signed certificate (Proton Bridge), so an
 * account needs tls_fingerprint or ca_file.  Without either, landed
 * rejects the config and explains how to get the fingerprint. */
#define LANDED_PROVIDER_PIN_REQUIRED		0x02u

/* Role of a folder, as landed resolved it. */
enum landed_folder_role {
	LANDED_FOLDER_ROLE_INBOX = 0,
	LANDED_FOLDER_ROLE_JUNK = 1,
	LANDED_FOLDER_ROLE_OTHER = 2,	/* Trash, Archive, a user folder */
	LANDED_FOLDER_ROLE_VIEW = 3,	/* shows copies kept elsewhere (All Mail) */
};

/* SPECIAL-USE attributes of a folder (RFC 6154), as a bit set. */
#define LANDED_FOLDER_ALL		0x002u
#define LANDED_FOLDER_ARCHIVE		0x004u
#define LANDED_FOLDER_DRAFTS		0x008u
#define LANDED_FOLDER_FLAGGED		0x010u
#define LANDED_FOLDER_JUNK		0x020u
#define LANDED_FOLDER_SENT		0x040u
#define LANDED_FOLDER_TRASH		0x080u
#define LANDED_FOLDER_IMPORTANT		0x100u	/* Gmail's \Important */

/* Placement of one copy of a test message. */
enum landed_placement {
	LANDED_PLACEMENT_INBOX = 0,
	LANDED_PLACEMENT_SPAM = 1,
	LANDED_PLACEMENT_OTHER = 2,
};

/* The provider's own opinion of a message, from its verdict headers. */
enum landed_spam_verdict {
	LANDED_VERDICT_UNKNOWN = 0,	/* no header says, or its meaning is unknown */
	LANDED_VERDICT_NOT_SPAM = 1,
	LANDED_VERDICT_SPAM = 2,
};

/* A folder during the search; read-only, valid during the hook call. */
struct landed_folder_view {
	const char *name;		/* UTF-8, as shown to users */
	unsigned special_use;		/* LANDED_FOLDER_* bits */
	enum landed_folder_role role;
};

/* Opaque: one folder's search in progress, owned by landed. */
struct landed_search;

/*
 * The narrow interface a search hook has to the IMAP session.  Each
 * function takes the search the hook was handed.  A function that returns
 * int returns 0 on success and -1 on failure.  After a failure landed has
 * recorded the error, and the hook must return -1 at once.
 */
struct landed_search_ops {
	/* Returns 1 when the server advertised the capability, else 0. */
	int (*has_capability)(const struct landed_search *search,
	    const char *name);

	/*
	 * Runs landed's own search in this folder: EXAMINE, one UID SEARCH
	 * for every test's Message-ID and tag, then a UID FETCH of the header
	 * fields with BODY.PEEK.  The copies found become the folder's
	 * results.  A second call does nothing.
	 */
	int (*search_headers)(struct landed_search *search);

	/* Returns how many copies search_headers found in this folder. */
	size_t (*copy_count)(const struct landed_search *search);

	/* Returns the UID of copy i, or 0 past the end. */
	uint32_t (*copy_uid)(const struct landed_search *search, size_t i);

	/*
	 * Returns the Message-ID of copy i with its angle brackets, as the
	 * message carries it, or NULL when it has none.  The string belongs
	 * to landed and lives until the hook returns.
	 */
	const char *(*copy_message_id)(struct landed_search *search,
	    size_t i);

	/*
	 * Runs UID SEARCH X-GM-RAW "query" in this folder (Gmail's search
	 * syntax; the server must advertise X-GM-EXT-1).  Fails unless
	 * search_headers ran first, because that examines the folder.
	 * *uids_r belongs to landed and lives until the next call or the end
	 * of the hook.
	 */
	int (*search_gmail_raw)(struct landed_search *search, const char *query,
	    const uint32_t **uids_r, size_t *count_r);

	/*
	 * Attaches a label (copied) to the copy with this UID, for the
	 * interpret and refine hooks to read.  A UID that is no copy is
	 * ignored, and labels past LANDED_MAX_LABELS per copy are dropped.
	 */
	int (*add_label)(struct landed_search *search, uint32_t uid,
	    const char *label);
};

#define LANDED_MAX_LABELS 16

/* One found copy of a test message; read-only, valid during the call. */
struct landed_message_view {
	const char *folder;		/* UTF-8 name of the folder it is in */
	unsigned special_use;		/* that folder's LANDED_FOLDER_* bits */
	enum landed_folder_role role;

	/* The fetched header fields, in message order, CRLF line ends,
	 * NUL-terminated.  Read them with ops->header_field. */
	const char *header;
	size_t header_length;

	/* Labels a search hook attached, or none. */
	const char *const *labels;
	size_t label_count;

	/* Every Authentication-Results, ARC-Authentication-Results and
	 * Received-SPF field, topmost first, with trusted set. */
	const struct landed_ar_header *const *authentication_results;
	size_t authentication_result_count;
};

/* Opaque: the verdict part of one result, owned by landed. */
struct landed_verdict;

/*
 * Reading a message and writing the provider's verdict.  A plugin writes
 * nothing else: the rest of the result belongs to landed.
 */
struct landed_verdict_ops {
	/*
	 * Copies the unfolded value of the n-th field called name (case-
	 * insensitive, 0 for the topmost) into buf, NUL-terminated and cut to
	 * size - 1 bytes, without the space after the colon.  Returns the
	 * full length of the value, or -1 when there is no such field.
	 * Only the header fields in struct landed_provider's verdict_fields
	 * and landed's own search fields are fetched.
	 */
	long (*header_field)(const struct landed_message_view *message,
	    const char *name, size_t n, char *buf, size_t size);

	/*
	 * Add a member to "provider_verdict" in the JSON report.  key is 1
	 * to 32 lower-case letters, digits or '_', such as "scl", and not one
	 * that landed writes itself ("verdict", "evidence", "disagrees",
	 * "disagreement").  Setting a key again replaces its value.  Strings
	 * are copied.  Each returns 0, or -1 for an invalid key, past 32
	 * members, or when out of memory.
	 */
	int (*set_int)(struct landed_verdict *verdict, const char *key,
	    long long value);
	int (*set_string)(struct landed_verdict *verdict, const char *key,
	    const char *value);
	int (*set_bool)(struct landed_verdict *verdict, const char *key,
	    int value);

	/* Sets the result's "category", the provider's tab (Gmail:
	 * "primary", "promotions", "social", "updates", "forums"). */
	int (*set_category)(struct landed_verdict *verdict, const char *category);

	/*
	 * States the provider's own opinion and the evidence, such as
	 * "X-Microsoft-Antispam-Mailbox-Delivery dest:J".  landed flags the
	 * result when this opinion disagrees with the folder it found.
	 */
	int (*set_spam_verdict)(struct landed_verdict *verdict,
	    enum landed_spam_verdict opinion, const char *evidence);
};

struct landed_provider {
	unsigned abi_version;		/* LANDED_PROVIDER_ABI_VERSION */
	size_t struct_size;		/* sizeof(struct landed_provider) */

	/* The config and command-line name: lower-case letters, digits, '-'
	 * and '_', such as "gmail". */
	const char *name;
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
	 * The config's authserv_id replaces them.
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

	/* 0 when landed cannot check this provider; the reason explains why. */
	int supported;
	const char *unsupported_reason;

	/*
	 * How to log in and which facts above are unverified (guesses from
	 * public sources); `landed providers` shows it.  SPECIAL-USE and the
	 * config take precedence over guessed folder names.
	 */
	const char *notes;

	/*
	 * Header fields the interpret hook reads, fetched in addition to
	 * landed's own (Message-ID, X-Landed-Tag, Subject, Date and the
	 * authentication fields).  At most LANDED_PROVIDER_MAX_VERDICT_FIELDS
	 * names of printable ASCII without spaces or colons; the loader
	 * rejects a plugin with more or other names.
	 */
	const char *const *verdict_fields;

	/*
	 * Hook: search one folder.  Called for every folder landed chose to
	 * search, in place of landed's own search.  Return 0 after calling
	 * ops->search_headers, or without calling it to skip the folder
	 * (which is then never examined), or -1 after a failed ops call.
	 * NULL: landed's own search in every folder.
	 */
	int (*search)(const struct landed_folder_view *folder,
	    const struct landed_search_ops *ops, struct landed_search *search);

	/*
	 * Hook: read the provider's verdict headers and labels of the copy
	 * that decides the placement, and write their meaning through ops.
	 * Return 0, or -1 only when an ops call failed.  NULL: an empty
	 * provider_verdict.
	 */
	int (*interpret)(const struct landed_message_view *message,
	    const struct landed_verdict_ops *ops, struct landed_verdict *verdict);

	/*
	 * Hook: decide the placement of one copy where its folder alone does
	 * not tell (a copy in All Mail that carries the \Inbox label).
	 * On entry *placement is landed's choice from the folder role:
	 * inbox, spam, or other for both other and view folders.  Return 1
	 * after changing it, 0 to keep it.  A copy in a view folder that no
	 * hook placed ranks below every other copy.  NULL: the folder
	 * decides.
	 */
	int (*refine)(const struct landed_message_view *message,
	    enum landed_placement *placement);
};

#endif
