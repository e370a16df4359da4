/*
 * Checking one account: connect, choose the folders, search each folder
 * once for every test, fetch the matching headers, and decide where each
 * test message landed.
 */
#include <stdlib.h>
#include <string.h>

#include "authres_block.h"
#include "check.h"
#include "folders.h"
#include "imap.h"
#include "log.h"
#include "plan.h"
#include "provider_hooks.h"
#include "trust.h"
#include "wait.h"

/* Header fields fetched for every search hit. */
static const char *const fetch_fields[] = {
	"Message-ID", "X-Landed-Tag", "Subject", "Date",
	"Authentication-Results", "ARC-Authentication-Results", "Received-SPF",
};

#define FETCH_FIELD_COUNT (sizeof(fetch_fields) / sizeof(fetch_fields[0]))
/* The provider's verdict_fields fetched on top of fetch_fields. */
#define MAX_VERDICT_FIELDS LANDED_PROVIDER_MAX_VERDICT_FIELDS

struct account_search {
	const struct ld_account *account;
	const struct landed_provider *provider;
	const struct ld_test *tests;
	size_t test_count;
	struct ld_imap *session;
	struct ld_trust_policy policy;	/* the receiver's authserv-ids */
	struct ld_copy_list copies;
	const char *fields[FETCH_FIELD_COUNT + MAX_VERDICT_FIELDS];
	size_t field_count;
};

static enum ld_tls_mode
provider_tls(enum landed_provider_tls tls)
{
	switch (tls) {
	case LANDED_PROVIDER_TLS_STARTTLS:
		return LD_TLS_STARTTLS;
	case LANDED_PROVIDER_TLS_NONE:
		return LD_TLS_NONE;
	case LANDED_PROVIDER_TLS_IMPLICIT:
		break;
	}
	return LD_TLS_IMPLICIT;
}

enum ld_status
ld_account_open_session(const struct ld_account *account,
    const struct landed_provider *provider,
    const struct ld_check_options *options, struct ld_imap **session_r,
    struct ld_error *err)
{
	struct ld_imap_params params = { 0 };
	char *secret = NULL;
	enum ld_status status;

	params.account = account->name;
	params.host = account->host != NULL ? account->host : provider->imap_host;
	params.port = account->port != 0 ? account->port : provider->imap_port;
	params.tls = account->tls_set ? account->tls : provider_tls(provider->tls);
	params.ca_file = account->ca_file;
	params.tls_fingerprint = account->tls_fingerprint;
	params.user = account->user;
	params.auth = account->auth_set ? account->auth : LD_AUTH_LOGIN;
	params.timeout_seconds = options->timeout_seconds;

	if (params.host == NULL || params.port == 0)
		return ld_error_set(err, LD_ERR_CONFIG, "account %s: provider %s "
		    "has no default IMAP server; set host and port in the "
		    "account's section", account->name, provider->name);

	status = ld_secret_fetch(account, &secret, err);
	if (status != LD_OK)
		return status;
	params.secret = secret;
	status = ld_imap_open(&params, session_r, err);
	ld_secret_free(&secret);
	return status;
}

static enum ld_status
open_session(const struct account_search *search,
    const struct ld_check_options *options, struct ld_imap **session_r,
    struct ld_error *err)
{
	return ld_account_open_session(search->account, search->provider,
	    options, session_r, err);
}

/* Builds the OR-ed search terms for every test. */
static struct ld_imap_search_term *
search_terms(const struct ld_test *tests, size_t test_count, size_t *count_r)
{
	struct ld_imap_search_term *terms = calloc(test_count * 2 + 1,
	    sizeof(*terms));
	size_t count = 0;

	if (terms == NULL)
		return NULL;
	for (size_t t = 0; t < test_count; t++) {
		if (tests[t].message_id != NULL)
			terms[count++] = (struct ld_imap_search_term){
				"Message-ID", tests[t].message_id };
		if (tests[t].tag != NULL) {
			terms[count++] = (struct ld_imap_search_term){
				"X-Landed-Tag", tests[t].tag };
			terms[count++] = (struct ld_imap_search_term){
				"Subject", tests[t].tag };
		}
	}
	*count_r = count;
	return terms;
}

static enum ld_status
record_copies(struct account_search *search, const struct ld_folder_plan *folder,
    struct ld_imap_message *messages, size_t message_count,
    struct ld_error *err)
{
	for (size_t m = 0; m < message_count; m++) {
		int kept = 0;

		for (size_t t = 0; t < search->test_count; t++) {
			struct ld_copy *grown;
			struct ld_copy *copy;

			if (!ld_test_matches(&search->tests[t], messages[m].header,
			    messages[m].header_length))
				continue;
			grown = realloc(search->copies.items,
			    (search->copies.count + 1) * sizeof(*grown));
			if (grown == NULL)
				return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
			search->copies.items = grown;
			copy = &search->copies.items[search->copies.count++];
			*copy = (struct ld_copy){ 0 };
			copy->test = t;
			copy->folder = folder;
			copy->message = messages[m];
			if (kept) {
				/* A second test matched the same message. */
				copy->message.header = strdup(messages[m].header);
				if (copy->message.header == NULL)
					return ld_error_set(err, LD_ERR_NOMEM,
					    "out of memory");
			}
			kept = 1;
		}
		if (kept)
			messages[m].header = NULL;	/* moved into a copy */
	}
	return LD_OK;
}

/* One folder's search: landed's own, or through the provider's hook. */
struct folder_search {
	struct account_search *search;
	const struct ld_folder_plan *folder;
	const struct ld_imap_search_term *terms;
	size_t term_count;
};

static enum ld_status
search_headers(void *context, struct ld_error *err)
{
	struct folder_search *f = context;
	struct account_search *search = f->search;
	struct ld_imap_message *messages = NULL;
	size_t message_count = 0, uid_count = 0;
	uint32_t *uids = NULL;
	uint32_t exists = 0;
	enum ld_status status;

	status = ld_imap_examine(search->session, f->folder->folder->raw_name,
	    &exists, err);
	if (status != LD_OK || exists == 0)
		return status;

	status = ld_imap_search(f->search->session, f->terms, f->term_count, &uids,
	    &uid_count, err);
	if (status != LD_OK || uid_count == 0)
		goto out;

	status = ld_imap_fetch_headers(search->session, uids, uid_count,
	    search->fields, search->field_count, &messages, &message_count, err);
	if (status != LD_OK)
		goto out;
	status = record_copies(search, f->folder, messages, message_count, err);

out:
	ld_imap_messages_free(&messages, message_count);
	free(uids);
	return status;
}

static enum ld_status
search_folder(struct account_search *search, const struct ld_folder_plan *folder,
    const struct ld_imap_search_term *terms, size_t term_count,
    struct ld_error *err)
{
	struct folder_search f = { search, folder, terms, term_count };

	if (search->provider->search == NULL)
		return search_headers(&f, err);
	return ld_provider_search_folder(search->provider, search->account->name,
	    search->session, folder, &search->copies, search_headers, &f, err);
}

/*
 * Decides each test's placement from its copies: a copy in INBOX wins,
 * then one in a spam folder, then one elsewhere.  A copy in a view folder
 * (All Mail) counts as a copy but is the placement only when no other
 * copy exists, which is what an archived message looks like, unless the
 * provider's refine hook places it (Gmail's \Inbox label).  The
 * provider's interpret hook then reads the chosen copy.
 */
static enum ld_status
decide_placements(struct account_search *search, struct ld_result *results,
    struct ld_error *err)
{
	for (size_t t = 0; t < search->test_count; t++) {
		struct ld_result *result = &results[t];
		struct ld_copy *best = NULL;
		enum ld_placement placement = LD_PLACEMENT_MISSING;
		int best_rank = 0;

		result->copies = 0;
		for (size_t c = 0; c < search->copies.count; c++) {
			struct ld_copy *copy = &search->copies.items[c];
			enum ld_placement copy_placement;
			int rank;

			if (copy->test != t)
				continue;
			result->copies++;
			copy_placement = ld_provider_copy_placement(
			    search->provider, copy, &rank);
			if (best == NULL || rank < best_rank) {
				best = copy;
				best_rank = rank;
				placement = copy_placement;
			}
		}
		if (best == NULL) {
			result->placement = LD_PLACEMENT_MISSING;
			continue;
		}

		result->placement = placement;
		result->folder = strdup(best->folder->folder->name);
		result->received_at = best->message.internal_date;
		if (result->folder == NULL)
			return LD_ERR_NOMEM;
		if (ld_authres_parse_block(best->message.header,
		    best->message.header_length, &result->headers,
		    &result->header_count) != 0)
			return LD_ERR_NOMEM;
		if (ld_verdict_fill(result, &search->policy) != 0)
			return LD_ERR_NOMEM;
		if (ld_provider_interpret(search->provider, best, result,
		    err) != LD_OK)
			return err->status;
	}
	return LD_OK;
}

static enum ld_status
search_account(struct account_search *search, struct ld_result *results,
    struct ld_error *err)
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
	    search->provider, search->account->folders,
	    search->account->folder_count, &plan, &plan_count, err);
	if (status != LD_OK)
		goto out;

	terms = search_terms(search->tests, search->test_count, &term_count);
	if (terms == NULL) {
		status = ld_error_set(err, LD_ERR_NOMEM, "out of memory");
		goto out;
	}

	for (size_t f = 0; f < plan_count; f++) {
		ld_log_debug(LD_DEBUG_IMAP, "%s: searching %s folder \"%s\"",
		    search->account->name, ld_folder_role_name(plan[f].role),
		    plan[f].folder->name);
		status = search_folder(search, &plan[f], terms, term_count, err);
		if (status != LD_OK)
			goto out;
	}

	status = decide_placements(search, results, err);
	if (status == LD_ERR_NOMEM)
		ld_error_set(err, status, "out of memory");
	else if (status != LD_OK) {
		struct ld_error hook_err = *err;

		ld_error_set(err, status, "account %s: %s",
		    search->account->name, hook_err.message);
	}

out:
	ld_copy_list_clear(&search->copies);
	free(terms);
	free(plan);
	ld_imap_folders_free(&folders, folder_count);
	return status;
}

/*
 * The receiver's authserv-id patterns: the config's authserv_id list when
 * given, else the provider's.  The provider's "writes no authserv-id"
 * flag applies either way.
 */
static enum ld_status
build_policy(struct ld_trust_policy *policy, const struct ld_account *account,
    const struct landed_provider *provider, struct ld_error *err)
{
	int rc = 0;

	if (account->authserv_ids != NULL) {
		for (size_t i = 0; i < account->authserv_id_count && rc == 0; i++)
			rc = ld_trust_policy_add(policy, account->authserv_ids[i]);
		policy->no_authserv_id =
		    (provider->flags & LANDED_PROVIDER_NO_AUTHSERV_ID) != 0;
	} else {
		rc = ld_trust_policy_add_provider(policy, provider);
	}
	if (rc != 0)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	return LD_OK;
}

/* landed's own header fields, then the ones the provider's verdict needs. */
static void
choose_fetch_fields(struct account_search *search)
{
	const char *const *extra = search->provider->verdict_fields;

	search->field_count = 0;
	for (size_t i = 0; i < FETCH_FIELD_COUNT; i++)
		search->fields[search->field_count++] = fetch_fields[i];
	for (size_t i = 0; extra != NULL && extra[i] != NULL &&
	    i < MAX_VERDICT_FIELDS; i++)
		search->fields[search->field_count++] = extra[i];
}

static void
mark_all_error(struct ld_result *results, size_t test_count, const char *why)
{
	for (size_t t = 0; t < test_count; t++) {
		ld_result_clear(&results[t]);
		results[t].placement = LD_PLACEMENT_ERROR;
		results[t].error = strdup(why);
	}
}

enum ld_status
ld_check_account(const struct ld_account *account,
    const struct landed_provider *provider, const struct ld_test *tests,
    size_t test_count, const struct ld_check_options *options,
    struct ld_result *results, struct ld_error *err)
{
	struct account_search search = {
		.account = account,
		.provider = provider,
		.tests = tests,
		.test_count = test_count,
	};
	enum ld_status status;

	for (size_t t = 0; t < test_count; t++)
		ld_result_clear(&results[t]);

	if (!provider->supported) {
		status = ld_error_set(err, LD_ERR_UNSUPPORTED, "account %s: %s",
		    account->name, provider->unsupported_reason);
		goto fail;
	}

	status = build_policy(&search.policy, account, provider, err);
	if (status != LD_OK)
		goto fail;
	choose_fetch_fields(&search);
	status = open_session(&search, options, &search.session, err);
	if (status != LD_OK)
		goto fail;
	status = search_account(&search, results, err);
	if (status == LD_OK) {
		struct ld_check_run run = { account, provider, options,
		    tests, test_count, &search };

		status = ld_wait_for_tests(&run, results, err);
	}
	ld_imap_close(&search.session);
	if (status != LD_OK)
		goto fail;
	ld_trust_policy_clear(&search.policy);
	return LD_OK;

fail:
	ld_trust_policy_clear(&search.policy);
	mark_all_error(results, test_count, err->message);
	return status;
}

enum ld_status
ld_check_connect(const struct ld_check_run *run, struct ld_imap **session_r,
    struct ld_error *err)
{
	return open_session(run->search, run->options, session_r, err);
}

enum ld_status
ld_check_search_again(struct ld_check_run *run, struct ld_result *results,
    struct ld_error *err)
{
	struct account_search *search = run->search;
	enum ld_status status;

	if (search->session == NULL) {
		status = open_session(search, run->options, &search->session,
		    err);
		if (status != LD_OK)
			return status;
	}
	status = search_account(search, results, err);
	/* The next pass starts on a new session rather than a failed one. */
	if (status != LD_OK)
		ld_imap_close(&search->session);
	return status;
}
