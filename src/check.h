/*
 * The work of `landed check` for one account: connect, find every test
 * message, and fill in one result per test.
 */
#ifndef LANDED_CHECK_H
#define LANDED_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "landed/provider.h"
#include "result.h"
#include "status.h"
#include "trust.h"

struct ld_check_options {
	unsigned timeout_seconds;	/* per network step */
	unsigned wait_seconds;		/* --wait: 0 searches once */
	int64_t started_ms;		/* start of the check, ld_wait_now_ms() */
};

/*
 * Opens a verified IMAP session for an account.  The config's host, port,
 * TLS mode and login method apply, else the provider's.  The secret is
 * fetched fresh and wiped after login.
 */
enum ld_status ld_account_open_session(const struct ld_account *account,
    const struct landed_provider *provider,
    const struct ld_check_options *options, struct ld_imap **session_r,
    struct ld_error *err);

/*
 * Checks one account for every test.  results has test_count entries and
 * is filled in whatever happens.  On failure the account's results are
 * placement "error", and err gives the reason, naming the account.
 */
enum ld_status ld_check_account(const struct ld_account *account,
    const struct landed_provider *provider,
    const struct ld_test *tests, size_t test_count,
    const struct ld_check_options *options,
    struct ld_result *results, struct ld_error *err);

struct account_search;		/* private to check.c */

/*
 * One account's check in progress, handed to wait.c after the first
 * search pass.  Everything is borrowed from ld_check_account().
 */
struct ld_check_run {
	const struct ld_account *account;
	const struct landed_provider *provider;
	const struct ld_check_options *options;
	const struct ld_test *tests;
	size_t test_count;
	struct account_search *search;
};

/* Opens one more session to the run's account, with a fresh secret. */
enum ld_status ld_check_connect(const struct ld_check_run *run,
    struct ld_imap **session_r, struct ld_error *err);

/*
 * Searches every folder again and decides each test's placement into
 * results (test_count cleared entries).  Reconnects first when an
 * earlier pass failed.
 */
enum ld_status ld_check_search_again(struct ld_check_run *run,
    struct ld_result *results, struct ld_error *err);

/*
 * Sets trusted on each header of a received message and fills the
 * result's auth, authserv_id and ignored_headers from the receiver's own
 * fields only.  Returns 0, or -1 when out of memory.
 */
int ld_verdict_fill(struct ld_result *result,
    const struct ld_trust_policy *policy);

#endif
