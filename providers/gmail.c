/*
 * Gmail: Spam under [Gmail]/, inbox tabs through X-GM-RAW, A-R from
 * mx.google.com.
 *
 * With X-GM-EXT-1 (Gmail's IMAP extensions) the search covers INBOX,
 * Spam, Trash and All Mail only: every other Gmail folder is a label,
 * which shows copies of messages that All Mail already holds.  In INBOX,
 * one X-GM-RAW search per tab ("category:promotions" ...) limited to the
 * copies found gives each copy its tab.  In All Mail, "in:inbox" marks
 * the copies that are also in the inbox, so that a config whose folders
 * list leaves INBOX out still places them right.  Without X-GM-EXT-1
 * every folder gets landed's own search.
 */
#include <stdio.h>

#include "provider-plugin.h"

static const char *const domains[] = { "gmail.com", "googlemail.com", NULL };
static const char *const authserv_ids[] = { "mx.google.com", NULL };
/* The [Gmail]/ names follow the account's language; SPECIAL-USE \Junk
 * (sent after login) is what finds a localized Spam folder. */
static const char *const junk[] = { "[Gmail]/Spam", "[Google Mail]/Spam", NULL };
static const char *const views[] = {
	"[Gmail]/All Mail", "[Google Mail]/All Mail",
	"[Gmail]/Important", "[Google Mail]/Important",
	"[Gmail]/Starred", "[Google Mail]/Starred", NULL
};

static const char *const tabs[] = {
	"primary", "promotions", "social", "updates", "forums", NULL
};

#define INBOX_LABEL "\\Inbox"
#define TAB_LABEL_PREFIX "category:"
/* Keeps "UID SEARCH X-GM-RAW" plus the quoted query under the session's
 * 1200-byte command buffer. */
#define MAX_QUERY_BYTES 1000

/* Appends " rfc822msgid:ID" (ID without angle brackets) when it fits. */
static int
append_message_id(char *query, size_t size, const char *message_id)
{
	size_t used = strlen(query);
	size_t length = strlen(message_id);
	int written;

	if (length >= 2 && message_id[0] == '<' && message_id[length - 1] == '>') {
		message_id++;
		length -= 2;
	}
	written = snprintf(query + used, size - used, " rfc822msgid:%.*s",
	    (int)length, message_id);
	if (written < 0 || (size_t)written >= size - used) {
		query[used] = '\0';
		return 0;
	}
	return 1;
}

/*
 * Runs "FILTER { rfc822msgid:A rfc822msgid:B ... }" over the copies found
 * (braces are OR in Gmail's search syntax), as many batches as the query
 * length needs, and attaches label to every UID it returns.
 * NOTE: tested only against the scripted server of the test suite, not
 * against Gmail itself.
 */
static int
label_matching(const char *filter, const char *label,
    const struct landed_search_ops *ops, struct landed_search *search)
{
	size_t count = ops->copy_count(search);
	size_t next = 0;

	while (next < count) {
		char query[MAX_QUERY_BYTES];
		const uint32_t *uids;
		size_t uid_count, ids = 0;

		snprintf(query, sizeof(query), "%s {", filter);
		for (; next < count; next++) {
			const char *id = ops->copy_message_id(search, next);

			if (id == NULL)
				continue;
			/* Two bytes stay free for the closing " }". */
			if (!append_message_id(query, sizeof(query) - 2, id))
				break;
			ids++;
		}
		if (ids == 0)
			return 0;
		strcat(query, " }");
		if (ops->search_gmail_raw(search, query, &uids, &uid_count) != 0)
			return -1;
		for (size_t i = 0; i < uid_count; i++)
			if (ops->add_label(search, uids[i], label) != 0)
				return -1;
	}
	return 0;
}

static int
gmail_search(const struct landed_folder_view *folder,
    const struct landed_search_ops *ops, struct landed_search *search)
{
	int inbox = folder->role == LANDED_FOLDER_ROLE_INBOX;
	int all_mail = (folder->special_use & LANDED_FOLDER_ALL) != 0;

	if (!ops->has_capability(search, "X-GM-EXT-1"))
		return ops->search_headers(search);
	if (!inbox && !all_mail && folder->role != LANDED_FOLDER_ROLE_JUNK &&
	    !(folder->special_use & LANDED_FOLDER_TRASH))
		return 0;
	if (ops->search_headers(search) != 0)
		return -1;
	if (ops->copy_count(search) == 0)
		return 0;

	if (all_mail)
		return label_matching("in:inbox", INBOX_LABEL, ops, search);
	if (!inbox)
		return 0;
	for (size_t t = 0; tabs[t] != NULL; t++) {
		char filter[32], label[32];

		snprintf(filter, sizeof(filter), "category:%s", tabs[t]);
		snprintf(label, sizeof(label), TAB_LABEL_PREFIX "%s", tabs[t]);
		if (label_matching(filter, label, ops, search) != 0)
			return -1;
	}
	return 0;
}

static int
gmail_interpret(const struct landed_message_view *message,
    const struct landed_verdict_ops *ops, struct landed_verdict *verdict)
{
	size_t prefix = strlen(TAB_LABEL_PREFIX);

	for (size_t l = 0; l < message->label_count; l++) {
		const char *label = message->labels[l];

		if (strncmp(label, TAB_LABEL_PREFIX, prefix) != 0)
			continue;
		if (ops->set_category(verdict, label + prefix) != 0 ||
		    ops->set_string(verdict, "tab", label + prefix) != 0)
			return -1;
	}
	return 0;
}

/* A copy found in All Mail that carries the \Inbox label is in the inbox. */
static int
gmail_refine(const struct landed_message_view *message,
    enum landed_placement *placement)
{
	if (!(message->special_use & LANDED_FOLDER_ALL))
		return 0;
	for (size_t l = 0; l < message->label_count; l++) {
		if (strcmp(message->labels[l], INBOX_LABEL) == 0) {
			*placement = LANDED_PLACEMENT_INBOX;
			return 1;
		}
	}
	return 0;
}

LANDED_PROVIDER(gmail) = {
	LANDED_PROVIDER_HEADER,
	.name = "gmail",
	.display_name = "Gmail",
	.domains = domains,
	.imap_host = "imap.gmail.com",
	.imap_port = 993,
	.tls = LANDED_PROVIDER_TLS_IMPLICIT,
	.auth_methods = LANDED_PROVIDER_AUTH_LOGIN | LANDED_PROVIDER_AUTH_PLAIN |
	    LANDED_PROVIDER_AUTH_XOAUTH2 | LANDED_PROVIDER_AUTH_OAUTHBEARER,
	.authserv_ids = authserv_ids,
	.junk_folders = junk,
	.view_folders = views,
	.max_connections = 15,
	.supported = 1,
	.notes = "app password (needs 2-step verification) or OAuth 2.0",
	.search = gmail_search,
	.interpret = gmail_interpret,
	.refine = gmail_refine,
};
