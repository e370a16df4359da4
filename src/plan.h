/*
 * The tests of a `landed check` run, from --sent, --message-id and --tag,
 * how a fetched message is matched against them, and the --fail-on
 * classes.
 */
#ifndef LANDED_PLAN_H
#define LANDED_PLAN_H

#include <stddef.h>

#include "result.h"
#include "status.h"

struct ld_plan {
	struct ld_test *tests;	/* owned */
	size_t test_count;
};

/* Adds the test of a sent message: its Message-ID (or, without one, its
 * X-Landed-Tag), labelled with the file name less ".eml". */
enum ld_status ld_plan_add_sent(struct ld_plan *plan, const char *path,
    struct ld_error *err);

/* Adds "[LABEL=]<id>"; brackets are added to a bare id. */
enum ld_status ld_plan_add_message_id(struct ld_plan *plan, const char *arg,
    struct ld_error *err);

enum ld_status ld_plan_add_tag(struct ld_plan *plan, const char *tag,
    struct ld_error *err);

void ld_plan_clear(struct ld_plan *plan);

/*
 * Returns 1 when a fetched header block is the test's message: the exact
 * Message-ID, the exact X-Landed-Tag value, or the tag as a whole word of
 * the Subject.  IMAP SEARCH HEADER matches substrings, so every search
 * hit is checked here again ("run-1" must not match "run-10").
 */
int ld_test_matches(const struct ld_test *test, const char *header,
    size_t length);

#define LD_FAIL_ON_LIST(X) \
	X(LD_FAIL_SPAM, "spam") X(LD_FAIL_MISSING, "missing") \
	X(LD_FAIL_REJECTED, "rejected") X(LD_FAIL_OTHER, "other") \
	X(LD_FAIL_ERROR, "error") X(LD_FAIL_DMARC, "dmarc-fail") \
	X(LD_FAIL_SPF, "spf-fail") X(LD_FAIL_DKIM, "dkim-fail") \
	X(LD_FAIL_AUTH_UNKNOWN, "auth-unknown")

enum ld_fail_on_class {
#define LD_FAIL_ENUM(name, text) name,
	LD_FAIL_ON_LIST(LD_FAIL_ENUM)
#undef LD_FAIL_ENUM
};

/* Parses "spam,missing,dmarc-fail" into a bit set (1 << class). */
enum ld_status ld_plan_parse_fail_on(const char *list, unsigned *mask_r,
    struct ld_error *err);

/* Returns 1 when the result falls in one of the classes of mask. */
int ld_plan_fails(const struct ld_result *result, unsigned mask);

#endif
