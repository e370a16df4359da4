#include <stdlib.h>
#include <string.h>

#include "provider_hooks.h"
#include "provider_verdict.h"

#define MAX_LABEL_BYTES 256
#define MAX_MESSAGE_ID_BYTES 998

/* One folder's search through a plugin's search hook. */
struct landed_search {
	struct ld_imap *session;		/* borrowed */
	struct ld_copy_list *copies;		/* borrowed */
	size_t first;			/* index of this folder's first copy */
	int searched;			/* search_headers ran */
	int failed;			/* an ops call failed; err is set */
	enum ld_status status;
	struct ld_error *err;
	ld_header_search_fn header_search;
	void *context;
	uint32_t *gmail_uids;		/* owned; the last X-GM-RAW result */
	char **message_ids;		/* owned; per copy, filled on demand */
	size_t message_id_count;
};

void
ld_copy_list_clear(struct ld_copy_list *list)
{
	for (size_t c = 0; c < list->count; c++) {
		struct ld_copy *copy = &list->items[c];

		free(copy->message.header);
		for (size_t l = 0; l < copy->labels.count; l++)
			free(copy->labels.names[l]);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static enum landed_folder_role
public_role(enum ld_folder_role role)
{
	switch (role) {
	case LD_ROLE_INBOX:
		return LANDED_FOLDER_ROLE_INBOX;
	case LD_ROLE_JUNK:
		return LANDED_FOLDER_ROLE_JUNK;
	case LD_ROLE_VIEW:
		return LANDED_FOLDER_ROLE_VIEW;
	case LD_ROLE_OTHER:
		break;
	}
	return LANDED_FOLDER_ROLE_OTHER;
}

/* The session's LD_FOLDER_* bits have the values of LANDED_FOLDER_*. */
static unsigned
public_special_use(unsigned flags)
{
	return flags & (LANDED_FOLDER_ALL | LANDED_FOLDER_ARCHIVE |
	    LANDED_FOLDER_DRAFTS | LANDED_FOLDER_FLAGGED | LANDED_FOLDER_JUNK |
	    LANDED_FOLDER_SENT | LANDED_FOLDER_TRASH | LANDED_FOLDER_IMPORTANT);
}

static int
fail_search(struct landed_search *search, enum ld_status status)
{
	search->failed = 1;
	search->status = status;
	return -1;
}

static int
search_has_capability(const struct landed_search *search, const char *name)
{
	return name != NULL && ld_imap_has_capability(search->session, name);
}

static int
search_headers(struct landed_search *search)
{
	enum ld_status status;

	if (search->searched)
		return 0;
	search->searched = 1;
	search->first = search->copies->count;
	status = search->header_search(search->context, search->err);
	if (status != LD_OK)
		return fail_search(search, status);
	return 0;
}

static size_t
search_copy_count(const struct landed_search *search)
{
	if (!search->searched)
		return 0;
	return search->copies->count - search->first;
}

static uint32_t
search_copy_uid(const struct landed_search *search, size_t i)
{
	if (i >= search_copy_count(search))
		return 0;
	return search->copies->items[search->first + i].message.uid;
}

static const char *
search_copy_message_id(struct landed_search *search, size_t i)
{
	struct landed_search *cache = search;
	size_t count = search_copy_count(search);
	const struct ld_imap_message *message;
	char value[MAX_MESSAGE_ID_BYTES + 1];

	if (i >= count)
		return NULL;
	if (cache->message_ids == NULL) {
		cache->message_ids = calloc(count, sizeof(char *));
		if (cache->message_ids == NULL)
			return NULL;
		cache->message_id_count = count;
	}
	if (i >= cache->message_id_count)
		return NULL;
	if (cache->message_ids[i] != NULL)
		return cache->message_ids[i];

	message = &search->copies->items[search->first + i].message;
	if (ld_header_field_value(message->header, message->header_length,
	    "Message-ID", 0, value, sizeof(value)) <= 0)
		return NULL;
	cache->message_ids[i] = strdup(value);
	return cache->message_ids[i];
}

static int
search_gmail_raw(struct landed_search *search, const char *query,
    const uint32_t **uids_r, size_t *count_r)
{
	enum ld_status status;

	*uids_r = NULL;
	*count_r = 0;
	free(search->gmail_uids);
	search->gmail_uids = NULL;
	if (query == NULL)
		return fail_search(search, ld_error_set(search->err, LD_ERR_USAGE,
		    "the X-GM-RAW query is missing"));
	if (!search->searched)
		return fail_search(search, ld_error_set(search->err, LD_ERR_USAGE,
		    "an X-GM-RAW search ran before search_headers examined "
		    "the folder"));
	status = ld_imap_search_gmail(search->session, query,
	    &search->gmail_uids, count_r, search->err);
	if (status != LD_OK)
		return fail_search(search, status);
	*uids_r = search->gmail_uids;
	return 0;
}

static int
add_label_to(struct ld_labels *labels, const char *label)
{
	for (size_t l = 0; l < labels->count; l++)
		if (strcmp(labels->names[l], label) == 0)
			return 0;
	/* NOTE: labels past LANDED_MAX_LABELS are dropped without notice. */
	if (labels->count == LANDED_MAX_LABELS)
		return 0;
	labels->names[labels->count] = strdup(label);
	if (labels->names[labels->count] == NULL)
		return -1;
	labels->count++;
	return 0;
}

static int
search_add_label(struct landed_search *search, uint32_t uid, const char *label)
{
	size_t count = search_copy_count(search);

	if (label == NULL || label[0] == '\0' || strlen(label) > MAX_LABEL_BYTES)
		return fail_search(search, ld_error_set(search->err, LD_ERR_USAGE,
		    "a label is empty or longer than %d bytes", MAX_LABEL_BYTES));
	for (size_t i = 0; i < count; i++) {
		struct ld_copy *copy = &search->copies->items[search->first + i];

		if (copy->message.uid != uid)
			continue;
		if (add_label_to(&copy->labels, label) != 0)
			return fail_search(search, ld_error_set(search->err,
			    LD_ERR_NOMEM, "out of memory"));
	}
	return 0;
}

static const struct landed_search_ops search_ops = {
	.has_capability = search_has_capability,
	.search_headers = search_headers,
	.copy_count = search_copy_count,
	.copy_uid = search_copy_uid,
	.copy_message_id = search_copy_message_id,
	.search_gmail_raw = search_gmail_raw,
	.add_label = search_add_label,
};

enum ld_status
ld_provider_search_folder(const struct landed_provider *provider,
    const char *account, struct ld_imap *session,
    const struct ld_folder_plan *folder, struct ld_copy_list *copies,
    ld_header_search_fn header_search, void *context, struct ld_error *err)
{
	struct landed_folder_view view = {
		.name = folder->folder->name,
		.special_use = public_special_use(folder->folder->flags),
		.role = public_role(folder->role),
	};
	struct landed_search search = {
		.session = session,
		.copies = copies,
		.first = copies->count,
		.status = LD_OK,
		.err = err,
		.header_search = header_search,
		.context = context,
	};
	struct ld_error hook_err = { 0 };
	int rc;

	rc = provider->search(&view, &search_ops, &search);

	free(search.gmail_uids);
	for (size_t i = 0; i < search.message_id_count; i++)
		free(search.message_ids[i]);
	free(search.message_ids);

	if (search.failed) {
		/* Keep the failing step's sentence and add where it ran. */
		hook_err = *err;
		return ld_error_set(err, search.status, "account %s: %s "
		    "(provider plugin %s, folder \"%s\")", account,
		    hook_err.message, provider->name, view.name);
	}
	if (rc != 0)
		return ld_error_set(err, LD_ERR_PROTOCOL, "account %s: the "
		    "search hook of provider plugin %s failed in folder \"%s\"",
		    account, provider->name, view.name);
	return LD_OK;
}

/* Fills a view of one copy; authentication results are left empty. */
static void
copy_view(const struct ld_copy *copy, struct landed_message_view *view)
{
	*view = (struct landed_message_view){
		.folder = copy->folder->folder->name,
		.special_use = public_special_use(copy->folder->folder->flags),
		.role = public_role(copy->folder->role),
		.header = copy->message.header,
		.header_length = copy->message.header_length,
		.labels = (const char *const *)copy->labels.names,
		.label_count = copy->labels.count,
	};
}

static enum ld_placement
placement_of(enum landed_placement placement)
{
	switch (placement) {
	case LANDED_PLACEMENT_INBOX:
		return LD_PLACEMENT_INBOX;
	case LANDED_PLACEMENT_SPAM:
		return LD_PLACEMENT_SPAM;
	case LANDED_PLACEMENT_OTHER:
		break;
	}
	return LD_PLACEMENT_OTHER;
}

enum ld_placement
ld_provider_copy_placement(const struct landed_provider *provider,
    const struct ld_copy *copy, int *rank_r)
{
	enum ld_folder_role role = copy->folder->role;
	enum landed_placement placement = LANDED_PLACEMENT_OTHER;
	struct landed_message_view view;

	if (role == LD_ROLE_INBOX)
		placement = LANDED_PLACEMENT_INBOX;
	else if (role == LD_ROLE_JUNK)
		placement = LANDED_PLACEMENT_SPAM;

	if (provider->refine != NULL) {
		enum landed_placement chosen = placement;

		copy_view(copy, &view);
		if (provider->refine(&view, &chosen) == 1 &&
		    (chosen == LANDED_PLACEMENT_INBOX ||
		    chosen == LANDED_PLACEMENT_SPAM ||
		    chosen == LANDED_PLACEMENT_OTHER)) {
			*rank_r = (int)chosen;
			return placement_of(chosen);
		}
	}
	*rank_r = role == LD_ROLE_VIEW ? 3 : (int)placement;
	return placement_of(placement);
}

enum ld_status
ld_provider_interpret(const struct landed_provider *provider,
    const struct ld_copy *copy, struct ld_result *result, struct ld_error *err)
{
	struct landed_verdict verdict = { .result = result };
	struct landed_message_view view;

	if (provider->interpret != NULL) {
		copy_view(copy, &view);
		view.authentication_results =
		    (const struct landed_ar_header *const *)result->headers;
		view.authentication_result_count = result->header_count;
		if (provider->interpret(&view, &ld_verdict_ops, &verdict) != 0)
			return ld_error_set(err, LD_ERR_PROTOCOL, "the interpret "
			    "hook of provider plugin %s failed (out of memory, "
			    "or an invalid verdict key)", provider->name);
	}
	if (ld_provider_note_disagreement(result) != 0)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	return LD_OK;
}
