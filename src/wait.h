/*
 * Waiting for late test messages (`landed check --wait`): after the
 * first search pass, an account is searched again until every test
 * message is found or the deadline passes.
 */
#ifndef LANDED_WAIT_H
#define LANDED_WAIT_H

#include <stdint.h>

#include "check.h"
#include "result.h"
#include "status.h"

/* Returns CLOCK_MONOTONIC in milliseconds. */
int64_t ld_wait_now_ms(void);

/*
 * Stamps found_after_ms on the tests that the first pass found, then,
 * when options->wait_seconds is set and a test is still missing, waits
 * for it until options->started_ms + wait_seconds.  Up to two extra
 * sessions IDLE on INBOX and on the spam folder, when the server offers
 * IDLE and the provider's max_connections leaves room.  A full search
 * pass on the main session runs whenever an IDLE session reports news
 * (at most once a second), at polls 5 s after the first pass and then at doubling intervals of
 * at most 60 s, and once more at the deadline.
 *
 * A test once found stays found.  When a later pass finds it in another
 * folder, results reports the new folder and moved_from the one it left.
 * A failed pass while waiting is logged and retried at the next poll.
 * results keep what the last good pass found, and the call returns LD_OK.
 * Fails only when out of memory.
 */
enum ld_status ld_wait_for_tests(struct ld_check_run *run,
    struct ld_result *results, struct ld_error *err);

#endif
