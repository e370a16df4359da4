/*
 * Waiting for late test messages: IDLE (RFC 2177) watchers on INBOX and
 * the spam folder wake the account up when mail arrives there, and a
 * poll with backoff covers the other folders.  Every wake-up runs one
 * full search pass on the main session, so the decision rules stay in
 * check.c.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "folders.h"
#include "imap.h"
#include "log.h"
#include "wait.h"

#define POLL_FIRST_MS	5000
#define POLL_MAX_MS	60000
/* RFC 2177 advises clients to re-issue IDLE at least every 29 minutes. */
#define IDLE_RENEW_MS	(25 * 60 * 1000)
#define MAX_WATCHERS	2
/* Minimum time between two search passes that IDLE news starts. */
#define PASS_GAP_MS	1000

/* One extra session that IDLEs on one folder. */
struct watcher {
	struct ld_imap *session;	/* owned; NULL once it failed */
	char *folder;			/* owned; UTF-8 name for messages */
	int64_t idle_since_ms;
};

struct wait_state {
	struct ld_check_run *run;
	struct ld_result *results;	/* borrowed; test_count entries */
	int64_t deadline_ms;
	struct watcher watchers[MAX_WATCHERS];
	size_t watcher_count;
};

int64_t
ld_wait_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
is_found(const struct ld_result *result)
{
	return result->placement == LD_PLACEMENT_INBOX ||
	    result->placement == LD_PLACEMENT_SPAM ||
	    result->placement == LD_PLACEMENT_OTHER;
}

static size_t
count_missing(const struct ld_result *results, size_t test_count)
{
	size_t missing = 0;

	for (size_t t = 0; t < test_count; t++)
		if (!is_found(&results[t]))
			missing++;
	return missing;
}

static int
same_folder(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/*
 * Merges one test's result of a new pass into the kept one.  A test
 * found earlier and missing now (deleted, or moved out of the searched
 * folders) keeps its earlier result.  Returns -1 when out of memory.
 */
static int
merge_result(struct ld_result *kept, struct ld_result *fresh, int64_t found_ms,
    const char *account, const char *label)
{
	char *first_folder;

	if (!is_found(fresh))
		return 0;
	if (!is_found(kept)) {
		fresh->found_after_ms = found_ms;
		ld_log_info("%s: found %s in \"%s\" after %lld ms", account,
		    label, fresh->folder, (long long)found_ms);
		goto replace;
	}

	fresh->found_after_ms = kept->found_after_ms;
	first_folder = kept->moved_from != NULL ? kept->moved_from :
	    kept->folder;
	if (!same_folder(fresh->folder, kept->folder))
		ld_log_info("%s: %s moved from \"%s\" to \"%s\"", account,
		    label, kept->folder, fresh->folder);
	if (first_folder != NULL && !same_folder(first_folder, fresh->folder)) {
		fresh->moved_from = strdup(first_folder);
		if (fresh->moved_from == NULL)
			return -1;
	}

replace:
	ld_result_clear(kept);
	*kept = *fresh;
	*fresh = (struct ld_result){ .placement = LD_PLACEMENT_MISSING,
	    .received_at = -1 };
	return 0;
}

/*
 * Runs one search pass and merges it into the results.  A failed pass
 * is logged and changes nothing.
 */
static enum ld_status
search_pass(struct wait_state *state, struct ld_error *err)
{
	struct ld_check_run *run = state->run;
	struct ld_result *fresh;
	struct ld_error pass_err = { 0 };
	enum ld_status status = LD_OK;
	int64_t found_ms;

	fresh = calloc(run->test_count + 1, sizeof(*fresh));
	if (fresh == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	for (size_t t = 0; t < run->test_count; t++)
		ld_result_clear(&fresh[t]);

	if (ld_check_search_again(run, fresh, &pass_err) != LD_OK) {
		ld_log_warn("%s (while waiting; retrying at the next poll)",
		    pass_err.message);
		goto out;
	}

	found_ms = ld_wait_now_ms() - run->options->started_ms;
	for (size_t t = 0; t < run->test_count; t++) {
		if (merge_result(&state->results[t], &fresh[t], found_ms,
		    run->account->name, run->tests[t].label) != 0) {
			status = ld_error_set(err, LD_ERR_NOMEM, "out of memory");
			break;
		}
	}

out:
	for (size_t t = 0; t < run->test_count; t++)
		ld_result_clear(&fresh[t]);
	free(fresh);
	return status;
}

/* Watchers */

static void
drop_watcher(struct watcher *watcher, const char *account,
    const struct ld_error *failure)
{
	if (failure != NULL)
		ld_log_warn("%s (IDLE on \"%s\" stopped; polling covers it)",
		    failure->message, watcher->folder);
	else
		ld_log_debug(LD_DEBUG_IMAP, "%s: IDLE on \"%s\" ended", account,
		    watcher->folder);
	ld_imap_close(&watcher->session);
}

static enum ld_status
start_watcher(struct watcher *watcher, const char *raw_name,
    struct ld_error *err)
{
	uint32_t exists;
	enum ld_status status;

	status = ld_imap_examine(watcher->session, raw_name, &exists, err);
	if (status == LD_OK)
		status = ld_imap_idle_start(watcher->session, err);
	watcher->idle_since_ms = ld_wait_now_ms();
	return status;
}

/*
 * Finds the raw names of INBOX and of the first spam folder in a new
 * session's listing.  Either may be left NULL.
 */
static enum ld_status
find_idle_folders(struct ld_check_run *run, struct ld_imap *session,
    char *raw_names[MAX_WATCHERS], char *names[MAX_WATCHERS],
    struct ld_error *err)
{
	static const enum ld_folder_role roles[MAX_WATCHERS] = {
		LD_ROLE_INBOX, LD_ROLE_JUNK };
	struct ld_imap_folder *folders = NULL;
	struct ld_folder_plan *plan = NULL;
	size_t folder_count = 0, plan_count = 0;
	enum ld_status status;

	status = ld_imap_list(session, &folders, &folder_count, err);
	if (status != LD_OK)
		return status;
	status = ld_folders_plan(run->account->name, folders, folder_count,
	    run->provider, run->account->folders, run->account->folder_count,
	    &plan, &plan_count, err);
	if (status != LD_OK)
		goto out;

	for (size_t w = 0; w < MAX_WATCHERS; w++) {
		for (size_t f = 0; f < plan_count; f++) {
			if (plan[f].role != roles[w])
				continue;
			raw_names[w] = strdup(plan[f].folder->raw_name);
			names[w] = strdup(plan[f].folder->name);
			if (raw_names[w] == NULL || names[w] == NULL)
				status = ld_error_set(err, LD_ERR_NOMEM,
				    "out of memory");
			break;
		}
	}

out:
	free(plan);
	ld_imap_folders_free(&folders, folder_count);
	return status;
}

/* Returns how many IDLE sessions the provider's connection limit allows. */
static size_t
idle_slots(const struct landed_provider *provider)
{
	unsigned max = provider->max_connections != 0 ?
	    provider->max_connections : 1;

	/* One connection is the main session. */
	return max - 1 < MAX_WATCHERS ? max - 1 : MAX_WATCHERS;
}

/*
 * Opens the IDLE watchers.  Any failure here only means less IDLE and
 * more polling, so it is logged, not returned, except out of memory.
 */
static enum ld_status
open_watchers(struct wait_state *state, struct ld_error *err)
{
	struct ld_check_run *run = state->run;
	const char *account = run->account->name;
	size_t slots = idle_slots(run->provider);
	char *raw_names[MAX_WATCHERS] = { NULL }, *names[MAX_WATCHERS] = { NULL };
	struct ld_error failure = { 0 };
	enum ld_status status = LD_OK;

	for (size_t w = 0; w < slots; w++) {
		struct watcher *watcher = &state->watchers[state->watcher_count];

		if (ld_check_connect(run, &watcher->session, &failure) != LD_OK) {
			ld_log_warn("%s (no IDLE; polling instead)", failure.message);
			break;
		}
		if (!ld_imap_has_capability(watcher->session, "IDLE")) {
			ld_log_info("%s: the server does not offer IDLE; "
			    "polling every folder", account);
			ld_imap_close(&watcher->session);
			break;
		}
		if (w == 0) {
			status = find_idle_folders(run, watcher->session,
			    raw_names, names, &failure);
			if (status == LD_ERR_NOMEM) {
				ld_imap_close(&watcher->session);
				ld_error_set(err, status, "out of memory");
				break;
			}
			if (status != LD_OK) {
				ld_log_warn("%s (no IDLE; polling instead)",
				    failure.message);
				ld_imap_close(&watcher->session);
				status = LD_OK;
				break;
			}
		}
		if (raw_names[w] == NULL) {
			ld_imap_close(&watcher->session);
			continue;
		}
		watcher->folder = names[w];
		names[w] = NULL;
		if (start_watcher(watcher, raw_names[w], &failure) != LD_OK) {
			drop_watcher(watcher, account, &failure);
			free(watcher->folder);
			watcher->folder = NULL;
			continue;
		}
		ld_log_info("%s: IDLE on \"%s\"", account, watcher->folder);
		state->watcher_count++;
	}

	for (size_t w = 0; w < MAX_WATCHERS; w++) {
		free(raw_names[w]);
		free(names[w]);
	}
	return status;
}

static void
close_watchers(struct wait_state *state)
{
	for (size_t w = 0; w < state->watcher_count; w++) {
		ld_imap_close(&state->watchers[w].session);
		free(state->watchers[w].folder);
		state->watchers[w].folder = NULL;
	}
	state->watcher_count = 0;
}

/*
 * Ends IDLE on a watcher that has news or is due for renewal, and starts
 * it again.  A watcher that fails is dropped.
 */
static void
restart_watcher(struct watcher *watcher, const char *account)
{
	struct ld_error failure = { 0 };
	uint32_t exists;

	if (ld_imap_idle_done(watcher->session, &exists, &failure) != LD_OK ||
	    ld_imap_idle_start(watcher->session, &failure) != LD_OK) {
		drop_watcher(watcher, account, &failure);
		return;
	}
	ld_log_debug(LD_DEBUG_IMAP, "%s: \"%s\" has %u messages", account,
	    watcher->folder, (unsigned)exists);
	watcher->idle_since_ms = ld_wait_now_ms();
}

/*
 * Waits until a watcher has input or until wake_ms.  Returns 1 when at
 * least one watcher woke up (each such watcher is restarted), else 0.
 */
static int
wait_for_news(struct wait_state *state, int64_t wake_ms)
{
	const char *account = state->run->account->name;
	struct pollfd fds[MAX_WATCHERS];
	size_t map[MAX_WATCHERS];
	size_t n = 0;
	int woke = 0;

	for (size_t w = 0; w < state->watcher_count; w++) {
		struct watcher *watcher = &state->watchers[w];

		if (watcher->session == NULL)
			continue;
		if (ld_imap_idle_pending(watcher->session)) {
			restart_watcher(watcher, account);
			woke = 1;
			continue;
		}
		fds[n] = (struct pollfd){ ld_imap_idle_fd(watcher->session),
		    POLLIN, 0 };
		map[n++] = w;
	}
	if (woke)
		return 1;

	for (;;) {
		int64_t left = wake_ms - ld_wait_now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(n > 0 ? fds : NULL, (nfds_t)n,
		    left > INT_MAX ? INT_MAX : (int)left);
		if (r == 0)
			return 0;
		if (r > 0)
			break;
		if (errno != EINTR) {
			ld_log_warn("%s: poll() failed while waiting: %s", account,
			    strerror(errno));
			return 0;
		}
	}

	for (size_t i = 0; i < n; i++) {
		if (fds[i].revents == 0)
			continue;
		restart_watcher(&state->watchers[map[i]], account);
		woke = 1;
	}
	return woke;
}

static void
renew_old_idles(struct wait_state *state, int64_t now)
{
	for (size_t w = 0; w < state->watcher_count; w++) {
		struct watcher *watcher = &state->watchers[w];

		if (watcher->session != NULL &&
		    now - watcher->idle_since_ms >= IDLE_RENEW_MS)
			restart_watcher(watcher, state->run->account->name);
	}
}

static int64_t
earliest(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/*
 * Sleeps until at least PASS_GAP_MS have passed since the last search
 * pass (or until the deadline), so that a server that reports news after
 * every IDLE cannot drive a pass after pass at full speed.
 */
static void
keep_pass_gap(const struct wait_state *state, int64_t last_pass_ms)
{
	int64_t until = earliest(last_pass_ms + PASS_GAP_MS, state->deadline_ms);
	int64_t left;

	while ((left = until - ld_wait_now_ms()) > 0)
		(void)poll(NULL, 0, left > INT_MAX ? INT_MAX : (int)left);
}

static enum ld_status
wait_loop(struct wait_state *state, struct ld_error *err)
{
	struct ld_check_run *run = state->run;
	int64_t interval = POLL_FIRST_MS;
	int64_t next_poll = ld_wait_now_ms() + interval;
	int64_t last_pass = ld_wait_now_ms();
	enum ld_status status = LD_OK;

	while (count_missing(state->results, run->test_count) > 0) {
		int64_t now = ld_wait_now_ms();
		int64_t wake = earliest(next_poll, state->deadline_ms);

		if (now >= state->deadline_ms) {
			/* One last look, so the report shows the deadline's state. */
			status = search_pass(state, err);
			break;
		}
		for (size_t w = 0; w < state->watcher_count; w++)
			wake = earliest(wake, state->watchers[w].idle_since_ms +
			    IDLE_RENEW_MS);

		if (wait_for_news(state, wake)) {
			keep_pass_gap(state, last_pass);
			status = search_pass(state, err);
			last_pass = ld_wait_now_ms();
		} else if (ld_wait_now_ms() >= next_poll) {
			status = search_pass(state, err);
			last_pass = ld_wait_now_ms();
			interval = earliest(interval * 2, POLL_MAX_MS);
			next_poll = ld_wait_now_ms() + interval;
		}
		if (status != LD_OK)
			break;
		renew_old_idles(state, ld_wait_now_ms());
	}
	return status;
}

enum ld_status
ld_wait_for_tests(struct ld_check_run *run, struct ld_result *results,
    struct ld_error *err)
{
	struct wait_state state = { .run = run, .results = results };
	int64_t found_ms = ld_wait_now_ms() - run->options->started_ms;
	size_t missing;
	enum ld_status status;

	for (size_t t = 0; t < run->test_count; t++)
		if (is_found(&results[t]))
			results[t].found_after_ms = found_ms;

	missing = count_missing(results, run->test_count);
	if (run->options->wait_seconds == 0 || missing == 0)
		return LD_OK;
	state.deadline_ms = run->options->started_ms +
	    (int64_t)run->options->wait_seconds * 1000;
	if (ld_wait_now_ms() >= state.deadline_ms)
		return LD_OK;

	ld_log_info("%s: waiting for %zu of %zu test messages", run->account->name,
	    missing, run->test_count);
	status = open_watchers(&state, err);
	if (status == LD_OK)
		status = wait_loop(&state, err);
	close_watchers(&state);
	return status;
}
