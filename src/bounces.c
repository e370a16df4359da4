/*
 * Bounces of the tests in the sender's mailbox: searching it over IMAP
 * (read-only, as every session of landed), reading each candidate with
 * dsn.c, and matching the bounce to tests and its recipients to seed
 * accounts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounces.h"
#include "check.h"
#include "folders.h"
#include "imap.h"
#include "log.h"
#include "plan.h"

int
ld_account_has_address(const struct ld_account *account,
    const struct landed_provider *provider, const char *address)
{
	const char *at;
	size_t user_length;

	if (address == NULL || address[0] == '\0')
		return 0;
	if (account->addresses != NULL) {
		for (size_t i = 0; i < account->address_count; i++)
			if (strcasecmp(account->addresses[i], address) == 0)
				return 1;
		return 0;
	}
	if (account->user == NULL)
		return 0;
	if (strchr(account->user, '@') != NULL)
		return strcasecmp(account->user, address) == 0;

	/* A login name without a domain: user@ each provider domain. */
	at = strrchr(address, '@');
	user_length = strlen(account->user);
	if (at == NULL || (size_t)(at - address) != user_length ||
	    strncasecmp(address, account->user, user_length) != 0 ||
	    provider == NULL || provider->domains == NULL)
		return 0;
	for (size_t i = 0; provider->domains[i] != NULL; i++)
		if (strcasecmp(provider->domains[i], at + 1) == 0)
			return 1;
	return 0;
}

/* Returns 1 when message_id is one of the "<...>" ids in references. */
static int
references_contain(const char *references, const char *message_id)
{
	size_t length = strlen(message_id);
	const char *p = references;

	while (references != NULL && (p = strstr(p, message_id)) != NULL) {
		int starts = p == references || p[-1] == ' ' || p[-1] == ',';
		int ends = p[length] == '\0' || p[length] == ' ' ||
		    p[length] == ',';

		if (starts && ends)
			return 1;
		p += length;
	}
	return 0;
}

static int
bounce_names_test(const struct ld_dsn *dsn, const struct ld_test *test)
{
	if (dsn->returned_header != NULL &&
	    ld_test_matches(test, dsn->returned_header,
	    dsn->returned_header_length))
		return 1;
	return test->message_id != NULL && dsn->references != NULL &&
	    references_contain(dsn->references, test->message_id);
}

static struct ld_bounce *
bounce_new(const struct ld_dsn *dsn, const struct ld_dsn_recipient *r)
{
	struct ld_bounce *bounce = calloc(1, sizeof(*bounce));

	if (bounce == NULL)
		return NULL;
	bounce->action = ld_dsn_action_name(r->action);
	bounce->smtp_code = r->smtp_code;
	bounce->explanation = ld_dsn_explain(r->status);
	if ((r->status[0] != '\0' &&
	    (bounce->status = strdup(r->status)) == NULL) ||
	    (r->diagnostic != NULL &&
	    (bounce->diagnostic = strdup(r->diagnostic)) == NULL) ||
	    (dsn->reporting_mta != NULL &&
	    (bounce->reporting_mta = strdup(dsn->reporting_mta)) == NULL))
		ld_bounce_free(&bounce);
	return bounce;
}

/* Attaches the recipient's bounce to one result, by the rules in
 * bounces.h.  Returns LD_OK or LD_ERR_NOMEM. */
static enum ld_status
attach(struct ld_result *result, const struct ld_dsn *dsn,
    const struct ld_dsn_recipient *r)
{
	int failed = r->action == LD_DSN_ACTION_FAILED;
	struct ld_bounce *bounce;

	/* The first failure stays; a delay never replaces a bounce. */
	if (result->bounce != NULL &&
	    (!failed || strcmp(result->bounce->action, "failed") == 0))
		return LD_OK;
	if ((bounce = bounce_new(dsn, r)) == NULL)
		return LD_ERR_NOMEM;
	ld_bounce_free(&result->bounce);
	result->bounce = bounce;
	if (failed && result->placement == LD_PLACEMENT_MISSING)
		result->placement = LD_PLACEMENT_REJECTED;
	return LD_OK;
}

/* Returns the index of the report account with that address, or -1. */
static long
find_account(const struct ld_report *report,
    const struct ld_dsn_recipient *r)
{
	for (size_t a = 0; a < report->account_count; a++) {
		const struct ld_account_report *entry = &report->accounts[a];

		if (ld_account_has_address(entry->account, entry->provider,
		    r->final_recipient) ||
		    ld_account_has_address(entry->account, entry->provider,
		    r->original_recipient))
			return (long)a;
	}
	return -1;
}

enum ld_status
ld_bounces_apply(struct ld_report *report, const struct ld_dsn *dsn,
    const char *source)
{
	int named = 0;

	for (size_t t = 0; t < report->test_count; t++) {
		if (!bounce_names_test(dsn, &report->tests[t]))
			continue;
		named = 1;
		for (size_t i = 0; i < dsn->recipient_count; i++) {
			const struct ld_dsn_recipient *r = &dsn->recipients[i];
			long a;

			if (r->action != LD_DSN_ACTION_FAILED &&
			    r->action != LD_DSN_ACTION_DELAYED)
				continue;
			if ((a = find_account(report, r)) < 0) {
				report->bounces.unmatched++;
				ld_log_warn("%s: bounce for test %s to %s (%s %s) "
				    "matches no checked account; list that "
				    "address in the account's \"address =\" key "
				    "of landed.conf", source,
				    report->tests[t].label,
				    r->final_recipient != NULL ?
				    r->final_recipient : "(no recipient)",
				    ld_dsn_action_name(r->action),
				    r->status[0] != '\0' ? r->status : "without status");
				continue;
			}
			if (attach(ld_report_result(report, (size_t)a, t), dsn,
			    r) != LD_OK)
				return LD_ERR_NOMEM;
		}
		if (dsn->recipient_count == 0)
			ld_log_warn("%s: bounce for test %s names no recipient, so "
			    "it is not attached to any account", source,
			    report->tests[t].label);
	}
	if (named)
		report->bounces.bounces++;
	return LD_OK;
}

/* IMAP */

struct bounce_search {
	struct ld_report *report;
	const struct ld_account *account;
	struct ld_imap *session;
};

/* TEXT terms for every test's Message-ID and tag. */
static struct ld_imap_search_term *
search_terms(const struct ld_report *report, size_t *count_r)
{
	struct ld_imap_search_term *terms = calloc(report->test_count * 2 + 1,
	    sizeof(*terms));
	size_t count = 0;

	if (terms == NULL)
		return NULL;
	for (size_t t = 0; t < report->test_count; t++) {
		const struct ld_test *test = &report->tests[t];

		if (test->message_id != NULL)
			terms[count++] = (struct ld_imap_search_term){
				NULL, test->message_id };
		if (test->tag != NULL)
			terms[count++] = (struct ld_imap_search_term){
				NULL, test->tag };
	}
	*count_r = count;
	return terms;
}

/* Reads one fetched message; a message that is not a bounce is skipped. */
static enum ld_status
read_candidate(struct bounce_search *search, const char *folder,
    const struct ld_imap_message *message)
{
	struct ld_error err = { 0 };
	struct ld_dsn *dsn = NULL;
	char source[300];
	enum ld_status status;

	snprintf(source, sizeof(source), "account %s, folder \"%s\", UID %u",
	    search->account->name, folder, (unsigned)message->uid);
	if (message->size > message->header_length)
		ld_log_debug(LD_DEBUG_PARSE, "%s: read the first %zu of %zu "
		    "bytes", source, message->header_length, message->size);

	status = ld_dsn_parse(message->header, message->header_length, &dsn,
	    &err);
	if (status == LD_ERR_NOMEM)
		return status;
	if (status != LD_OK) {
		ld_log_debug(LD_DEBUG_PARSE, "%s: skipped: %s", source,
		    err.message);
		return LD_OK;
	}
	status = ld_bounces_apply(search->report, dsn, source);
	ld_dsn_free(&dsn);
	return status;
}

/* Messages per UID FETCH: 16 x 1 MiB stays far below the 64 MiB that a
 * connection reads in reply to one command. */
#define BOUNCE_FETCH_BATCH 16

static enum ld_status
search_folder(struct bounce_search *search, const struct ld_imap_folder *folder,
    const struct ld_imap_search_term *terms, size_t term_count,
    struct ld_error *err)
{
	struct ld_imap_message *messages = NULL;
	size_t message_count = 0, uid_count = 0;
	uint32_t *uids = NULL;
	uint32_t exists = 0;
	enum ld_status status;

	status = ld_imap_examine(search->session, folder->raw_name, &exists, err);
	if (status != LD_OK || exists == 0)
		return status;
	status = ld_imap_search(search->session, terms, term_count, &uids,
	    &uid_count, err);
	if (status != LD_OK || uid_count == 0)
		goto out;
	/*
	 * Fetch in batches: every message may bring LD_BOUNCE_FETCH_BYTES,
	 * and one reply must stay far below the connection's cap on bytes
	 * per command.
	 */
	for (size_t first = 0; first < uid_count && status == LD_OK;
	    first += BOUNCE_FETCH_BATCH) {
		size_t batch = uid_count - first < BOUNCE_FETCH_BATCH ?
		    uid_count - first : BOUNCE_FETCH_BATCH;

		status = ld_imap_fetch_messages(search->session, uids + first,
		    batch, LD_BOUNCE_FETCH_BYTES, &messages, &message_count, err);
		for (size_t m = 0; m < message_count && status == LD_OK; m++)
			status = read_candidate(search, folder->name, &messages[m]);
		ld_imap_messages_free(&messages, message_count);
		message_count = 0;
	}
	if (status == LD_ERR_NOMEM)
		ld_error_set(err, status, "out of memory");

out:
	free(uids);
	return status;
}

/* Returns 1 for folders that hold no bounces of their own. */
static int
skip_folder(const struct ld_folder_plan *plan)
{
	return plan->role == LD_ROLE_VIEW ||
	    (plan->folder->flags & (LD_FOLDER_SENT | LD_FOLDER_DRAFTS)) != 0;
}

static enum ld_status
search_mailbox(struct bounce_search *search,
    const struct landed_provider *provider, struct ld_error *err)
{
	struct ld_imap_folder *folders = NULL;
	struct ld_folder_plan *plan = NULL;
	struct ld_imap_search_term *terms = NULL;
	size_t folder_count = 0, plan_count = 0, term_count = 0;
	enum ld_status status;

	status = ld_imap_list(search->session, &folders, &folder_count, err);
	if (status != LD_OK)
		return status;
	status = ld_folders_plan(search->account->name, folders, folder_count,
	    provider, search->account->folders, search->account->folder_count,
	    &plan, &plan_count, err);
	if (status != LD_OK)
		goto out;
	if ((terms = search_terms(search->report, &term_count)) == NULL) {
		status = ld_error_set(err, LD_ERR_NOMEM, "out of memory");
		goto out;
	}

	for (size_t f = 0; f < plan_count && status == LD_OK; f++) {
		if (skip_folder(&plan[f]))
			continue;
		ld_log_debug(LD_DEBUG_IMAP, "%s: searching folder \"%s\" for "
		    "bounces", search->account->name, plan[f].folder->name);
		status = search_folder(search, plan[f].folder, terms, term_count,
		    err);
	}

out:
	free(terms);
	free(plan);
	ld_imap_folders_free(&folders, folder_count);
	return status;
}

enum ld_status
ld_bounces_collect(struct ld_report *report, const struct ld_account *account,
    const struct landed_provider *provider,
    const struct ld_check_options *options, struct ld_error *err)
{
	struct bounce_search search = {
		.report = report,
		.account = account,
	};
	enum ld_status status;

	report->bounces.account = account;
	report->bounces.ok = 0;
	if (!provider->supported) {
		status = ld_error_set(err, LD_ERR_UNSUPPORTED, "account %s: %s",
		    account->name, provider->unsupported_reason);
		goto out;
	}

	status = ld_account_open_session(search.account, provider, options,
	    &search.session, err);
	if (status == LD_OK)
		status = search_mailbox(&search, provider, err);
	ld_imap_close(&search.session);

out:
	if (status == LD_OK) {
		report->bounces.ok = 1;
	} else {
		free(report->bounces.error);
		report->bounces.error = strdup(err->message);
	}
	return status;
}
