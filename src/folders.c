#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "folders.h"

/*
 * Names of spam folders seen across mail clients and providers.  UTF-8;
 * compared without regard to ASCII case.
 */
static const char *const junk_names[] = {
	"Junk", "Junk E-mail", "Junk Email", "Junk Mail", "Bulk", "Bulk Mail",
	"Spam", "Spamverdacht", "Spam-Verdacht",
	"Спам", "Нежелательная почта", "垃圾邮件", "迷惑メール",
	"Courrier indésirable", "Correo no deseado", "Posta indesiderata",
	NULL
};

static const char *const role_names[] = {
#define LD_ROLE_NAME(name, text) text,
	LD_FOLDER_ROLE_LIST(LD_ROLE_NAME)
#undef LD_ROLE_NAME
};

const char *
ld_folder_role_name(enum ld_folder_role role)
{
	return role_names[role];
}

static int
name_in_list(const char *name, const char *const *list)
{
	if (list == NULL)
		return 0;
	for (size_t i = 0; list[i] != NULL; i++)
		if (strcasecmp(name, list[i]) == 0)
			return 1;
	return 0;
}

/* Strips an "INBOX." style prefix, as servers with the personal
 * namespace below INBOX (Courier, older Cyrus) show folders. */
static const char *
strip_inbox_prefix(const char *name, char delimiter)
{
	if (delimiter != '\0' && strncasecmp(name, "INBOX", 5) == 0 &&
	    name[5] == delimiter && name[6] != '\0')
		return name + 6;
	return name;
}

int
ld_folder_is_junk_name(const char *name, char delimiter,
    const struct landed_provider *provider)
{
	const char *bare = strip_inbox_prefix(name, delimiter);

	if (provider != NULL && (name_in_list(name, provider->junk_folders) ||
	    name_in_list(bare, provider->junk_folders)))
		return 1;
	return name_in_list(name, junk_names) || name_in_list(bare, junk_names);
}

static enum ld_folder_role
folder_role(const struct ld_imap_folder *folder,
    const struct landed_provider *provider)
{
	if (strcasecmp(folder->name, "INBOX") == 0)
		return LD_ROLE_INBOX;
	if (folder->flags & LD_FOLDER_JUNK)
		return LD_ROLE_JUNK;
	if (folder->flags & (LD_FOLDER_ALL | LD_FOLDER_FLAGGED | LD_FOLDER_IMPORTANT))
		return LD_ROLE_VIEW;
	if (provider != NULL && name_in_list(folder->name, provider->view_folders))
		return LD_ROLE_VIEW;
	if (ld_folder_is_junk_name(folder->name, folder->delimiter, provider))
		return LD_ROLE_JUNK;
	return LD_ROLE_OTHER;
}

static int
folder_selected(const struct ld_imap_folder *folder, char *const *only,
    size_t only_count)
{
	if (only == NULL)
		return 1;
	for (size_t i = 0; i < only_count; i++) {
		if (strcasecmp(only[i], "INBOX") == 0 &&
		    strcasecmp(folder->name, "INBOX") == 0)
			return 1;
		if (strcmp(only[i], folder->name) == 0)
			return 1;
	}
	return 0;
}

static enum ld_status
check_only_folders_exist(const char *account,
    const struct ld_imap_folder *folders, size_t folder_count,
    char *const *only, size_t only_count, struct ld_error *err)
{
	for (size_t i = 0; i < only_count; i++) {
		size_t f;

		for (f = 0; f < folder_count; f++)
			if (folder_selected(&folders[f], &only[i], 1))
				break;
		if (f < folder_count)
			continue;

		char names[512] = "";
		for (f = 0; f < folder_count; f++) {
			if (strlen(names) + strlen(folders[f].name) + 4 >= sizeof(names))
				break;
			if (names[0] != '\0')
				strcat(names, ", ");
			strcat(names, folders[f].name);
		}
		return ld_error_set(err, LD_ERR_NOT_FOUND,
		    "account %s: folder \"%s\" from the config's folders list "
		    "does not exist on the server; its folders are: %s",
		    account, only[i], names);
	}
	return LD_OK;
}

enum ld_status
ld_folders_plan(const char *account, const struct ld_imap_folder *folders,
    size_t folder_count, const struct landed_provider *provider,
    char *const *only, size_t only_count, struct ld_folder_plan **plan_r,
    size_t *count_r, struct ld_error *err)
{
	static const enum ld_folder_role order[] = {
		LD_ROLE_INBOX, LD_ROLE_JUNK, LD_ROLE_OTHER, LD_ROLE_VIEW
	};
	struct ld_folder_plan *plan;
	size_t count = 0;
	enum ld_status status;

	*plan_r = NULL;
	*count_r = 0;
	if (only != NULL) {
		status = check_only_folders_exist(account, folders,
		    folder_count, only, only_count, err);
		if (status != LD_OK)
			return status;
	}

	plan = calloc(folder_count + 1, sizeof(*plan));
	if (plan == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");

	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		for (size_t f = 0; f < folder_count; f++) {
			const struct ld_imap_folder *folder = &folders[f];

			if (folder->flags & (LD_FOLDER_NOSELECT | LD_FOLDER_NONEXISTENT))
				continue;
			if (!folder_selected(folder, only, only_count))
				continue;
			if (folder_role(folder, provider) != order[o])
				continue;
			plan[count].folder = folder;
			plan[count].role = order[o];
			count++;
		}
	}

	*plan_r = plan;
	*count_r = count;
	return LD_OK;
}
