/*
 * Running a provider plugin's hooks during `landed check`: the search
 * hook per folder, the refine hook per copy found, and the interpret hook
 * on the copy that decides a test's placement.  This file binds the
 * plugin ABI's views and output functions to landed's own types.
 */
#ifndef LANDED_PROVIDER_HOOKS_H
#define LANDED_PROVIDER_HOOKS_H

#include <stddef.h>

#include "folders.h"
#include "imap.h"
#include "landed/provider.h"
#include "result.h"
#include "status.h"

/* Labels that a search hook attached to one copy; owned strings. */
struct ld_labels {
	char *names[LANDED_MAX_LABELS];
	size_t count;
};

/* One copy of a test message found in a folder. */
struct ld_copy {
	size_t test;				/* index into the tests */
	const struct ld_folder_plan *folder;	/* borrowed from the plan */
	struct ld_imap_message message;		/* header owned */
	struct ld_labels labels;
};

/* The copies found in one account, in the order found. */
struct ld_copy_list {
	struct ld_copy *items;	/* owned */
	size_t count;
};

/* Frees every copy's header and labels, then the list's array. */
void ld_copy_list_clear(struct ld_copy_list *list);

/* landed's own search of the examined folder, which appends the copies
 * it finds to the list handed to ld_provider_search_folder(). */
typedef enum ld_status (*ld_header_search_fn)(void *context,
    struct ld_error *err);

/*
 * Searches the examined folder through the provider's search hook, which
 * may call header_search (with context) through its ops.  Returns LD_OK,
 * the status of the IMAP step that failed, or LD_ERR_PROTOCOL when the
 * hook failed on its own.  err names the account, plugin and folder.
 */
enum ld_status ld_provider_search_folder(const struct landed_provider *provider,
    const char *account, struct ld_imap *session,
    const struct ld_folder_plan *folder, struct ld_copy_list *copies,
    ld_header_search_fn header_search, void *context, struct ld_error *err);

/*
 * Returns where one copy counts as placed: the refine hook's choice, else
 * the folder role's.  *rank_r orders copies (lower is preferred): inbox,
 * spam, other, then a view-folder copy that no hook placed.
 */
enum ld_placement ld_provider_copy_placement(
    const struct landed_provider *provider, const struct ld_copy *copy,
    int *rank_r);

/*
 * Runs the interpret hook on the copy that decides the result, whose
 * placement, folder and headers are already set, and records a
 * disagreement between the folder and the provider's own verdict.
 * Returns LD_OK, LD_ERR_NOMEM, or LD_ERR_PROTOCOL when the hook failed;
 * err names the plugin.
 */
enum ld_status ld_provider_interpret(const struct landed_provider *provider,
    const struct ld_copy *copy, struct ld_result *result,
    struct ld_error *err);

/*
 * Copies the unfolded value of the n-th field called name (0 = topmost)
 * of a header block into buf, as the ABI's header_field does.  Returns
 * the value's full length, or -1 when there is no such field.
 */
long ld_header_field_value(const char *header, size_t length,
    const char *name, size_t n, char *buf, size_t size);

#endif
