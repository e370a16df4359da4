/*
 * Folder roles: which listed folders to search and what finding a test
 * message there means.
 *
 * Spam folders are found by, in order: the SPECIAL-USE \Junk attribute
 * (RFC 6154), the provider's own names, and a table of names that
 * clients use in many languages.  View folders (\All, \Flagged, Gmail's
 * All Mail and Important) show copies of messages filed elsewhere.
 */
#ifndef LANDED_FOLDERS_H
#define LANDED_FOLDERS_H

#include <stddef.h>

#include "imap.h"
#include "landed/provider.h"
#include "status.h"

#define LD_FOLDER_ROLE_LIST(X) \
	X(LD_ROLE_INBOX, "inbox") X(LD_ROLE_JUNK, "junk") \
	X(LD_ROLE_OTHER, "other") X(LD_ROLE_VIEW, "view")

enum ld_folder_role {
#define LD_ROLE_ENUM(name, text) name,
	LD_FOLDER_ROLE_LIST(LD_ROLE_ENUM)
#undef LD_ROLE_ENUM
};

const char *ld_folder_role_name(enum ld_folder_role role);

struct ld_folder_plan {
	const struct ld_imap_folder *folder;	/* borrowed from the listing */
	enum ld_folder_role role;
};

/* Returns 1 when a folder name is a known spam folder name in any language. */
int ld_folder_is_junk_name(const char *name, char delimiter,
    const struct landed_provider *provider);

/*
 * Chooses the folders to search, in search order (inbox, spam, others,
 * views), skipping \Noselect ones.  With only (the config's "folders"
 * list), searches just those, and fails naming any that the server does
 * not have.  account names the account in errors.
 */
enum ld_status ld_folders_plan(const char *account,
    const struct ld_imap_folder *folders, size_t folder_count,
    const struct landed_provider *provider,
    char *const *only, size_t only_count,
    struct ld_folder_plan **plan_r, size_t *count_r, struct ld_error *err);

#endif
