/*
 * The result model of `landed check`: the tests looked for, the accounts
 * checked, and one result per (account, test).  The report writers read
 * only this model.
 */
#ifndef LANDED_RESULT_H
#define LANDED_RESULT_H

#include <stddef.h>
#include <time.h>

#include "landed/authres.h"
#include "landed/provider.h"
#include "config.h"

#define LD_PLACEMENT_LIST(X)                    \
	X(LD_PLACEMENT_INBOX, "inbox")          \
	X(LD_PLACEMENT_SPAM, "spam")            \
	X(LD_PLACEMENT_OTHER, "other")          \
	X(LD_PLACEMENT_MISSING, "missing")      \
	X(LD_PLACEMENT_REJECTED, "rejected")    \
	X(LD_PLACEMENT_ERROR, "error")

enum ld_placement {
#define LD_PLACEMENT_ENUM(name, text) name,
	LD_PLACEMENT_LIST(LD_PLACEMENT_ENUM)
#undef LD_PLACEMENT_ENUM
};

/* Returns "inbox", "spam", ... */
const char *ld_placement_name(enum ld_placement placement);

/* A test message to look for; identified by Message-ID, by tag, or both. */
struct ld_test {
	char *label;		/* owned; shown in reports */
	char *message_id;	/* owned; "<...>", or NULL */
	char *tag;		/* owned; or NULL */
};

/* The authentication methods reported in "auth". */
#define LD_AUTH_METHOD_LIST(X) \
	X(LD_AUTH_SPF, "spf") X(LD_AUTH_DKIM, "dkim") \
	X(LD_AUTH_DMARC, "dmarc") X(LD_AUTH_ARC, "arc")

enum ld_auth_index {
#define LD_AUTH_ENUM(name, text) name,
	LD_AUTH_METHOD_LIST(LD_AUTH_ENUM)
#undef LD_AUTH_ENUM
	LD_AUTH_COUNT
};

extern const char *const ld_auth_method_names[LD_AUTH_COUNT];

/* A bounce in the sender's mailbox for one test at one recipient. */
struct ld_bounce {
	const char *action;		/* static: "failed" or "delayed" */
	unsigned smtp_code;		/* reply code such as 550, or 0 */
	char *status;			/* owned; "5.7.26", or NULL */
	char *diagnostic;		/* owned; the receiver's reply, or NULL */
	char *reporting_mta;		/* owned; or NULL */
	const char *explanation;	/* static; meaning of status, or NULL */
};

void ld_bounce_free(struct ld_bounce **bounce);

/* The sender's mailbox that --bounces searched. */
struct ld_bounce_report {
	const struct ld_account *account;	/* borrowed; NULL without --bounces */
	int ok;
	char *error;			/* owned; why it could not be read, or NULL */
	size_t bounces;			/* bounces read that name a test */
	size_t unmatched;		/* their recipients that match no account */
};

/* One member of "provider_verdict": a number, a string or a boolean. */
enum ld_verdict_type { LD_VERDICT_INT, LD_VERDICT_STRING, LD_VERDICT_BOOL };

struct ld_verdict_member {
	char *key;			/* owned */
	enum ld_verdict_type type;
	long long number;		/* LD_VERDICT_INT, or 0/1 for BOOL */
	char *string;			/* owned; LD_VERDICT_STRING */
};

#define LD_VERDICT_MAX_MEMBERS 32

/* The verdict in the provider's own headers, written by its interpret hook. */
struct ld_provider_verdict {
	struct ld_verdict_member members[LD_VERDICT_MAX_MEMBERS];
	size_t member_count;
	enum landed_spam_verdict opinion;
	char *evidence;			/* owned; the header that says so, or NULL */
};

/* Frees what a verdict owns and empties it. */
void ld_provider_verdict_clear(struct ld_provider_verdict *verdict);

struct ld_result {
	enum ld_placement placement;
	char *folder;			/* owned; UTF-8, or NULL */
	char *category;			/* owned; Gmail tab, or NULL */
	unsigned copies;		/* copies found, view folders included */
	time_t received_at;		/* INTERNALDATE, or -1 */
	/* Milliseconds from the start of the check until the search that
	 * first found the message; meaningful only when it was found. */
	long long found_after_ms;
	char *moved_from;		/* owned; folder it left while landed waited, or NULL */

	/* Every A-R, ARC-A-R and Received-SPF field of the chosen copy, in
	 * message order, with trusted set; owned. */
	struct landed_ar_header **headers;
	size_t header_count;
	size_t ignored_headers;		/* fields not the receiver's own */
	const char *authserv_id;	/* borrowed from headers, or NULL */
	const char *auth[LD_AUTH_COUNT];	/* borrowed from headers, or NULL */

	struct ld_provider_verdict verdict;
	/* owned; why the folder and the provider's verdict disagree, or NULL */
	char *disagreement;

	/* owned; the bounce for this test at this account, or NULL */
	struct ld_bounce *bounce;

	char *error;			/* owned; why the result is an error */
};

struct ld_account_report {
	const struct ld_account *account;	/* borrowed from the config */
	const struct landed_provider *provider;	/* borrowed */
	int ok;
	char *error;				/* owned, or NULL */
};

struct ld_report {
	time_t started_at;
	time_t finished_at;
	struct ld_test *tests;
	size_t test_count;
	struct ld_account_report *accounts;
	size_t account_count;
	/* account_count * test_count results; results[a * test_count + t] */
	struct ld_result *results;
	struct ld_bounce_report bounces;
};

/* Returns the result for account a and test t. */
struct ld_result *ld_report_result(struct ld_report *report, size_t a, size_t t);

/* Frees everything the report owns (not the config it borrows from). */
void ld_report_clear(struct ld_report *report);

void ld_result_clear(struct ld_result *result);

#endif
