/*
 * `landed check --bounces ACCOUNT`: search the sender's mailbox for
 * bounces of the tests and attach each one to the result of its test at
 * the seed account whose address is the bounce's recipient.
 */
#ifndef LANDED_BOUNCES_H
#define LANDED_BOUNCES_H

#include <stddef.h>

#include "check.h"
#include "config.h"
#include "dsn.h"
#include "landed/provider.h"
#include "result.h"
#include "status.h"

/*
 * Bytes of each candidate message that are fetched and read.  A bounce
 * puts its report before the returned message, so a cut one still
 * parses; only a returned header block past this point is lost.
 */
#define LD_BOUNCE_FETCH_BYTES	(1024 * 1024)

/*
 * Returns 1 when address is one of the account's addresses, ignoring
 * case: its "address =" list, else its user when that contains '@',
 * else user@DOMAIN for each of the provider's domains.
 */
int ld_account_has_address(const struct ld_account *account,
    const struct landed_provider *provider, const char *address);

/*
 * Attaches one parsed bounce to the report.  The bounce belongs to every
 * test whose Message-ID or tag is in its returned header block, or whose
 * Message-ID is in its In-Reply-To or References.  For each recipient
 * that failed or was delayed, the result of that test at the matching
 * account gets the bounce.  A failure turns a "missing" placement into
 * "rejected" and replaces an attached delay, and a placement found in a
 * mailbox is kept.  A recipient that matches no account of the report is
 * logged as a warning and counted in report->bounces.unmatched.  source
 * names the message in warnings.  Returns LD_OK or LD_ERR_NOMEM.
 */
enum ld_status ld_bounces_apply(struct ld_report *report,
    const struct ld_dsn *dsn, const char *source);

/*
 * Logs into the account, searches its folders (not Sent, Drafts or
 * views such as All Mail) for messages whose body contains a test's
 * Message-ID or tag, reads each as a bounce and applies it.  Fills
 * report->bounces; on failure, err names the account and explains why, and
 * the results of the seed accounts keep what was applied so far.
 */
enum ld_status ld_bounces_collect(struct ld_report *report,
    const struct ld_account *account, const struct landed_provider *provider,
    const struct ld_check_options *options, struct ld_error *err);

#endif
