/*
 * landed check: log into each seed account, find each test message and
 * report where it landed and what the receiver concluded.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>

#include "bounces.h"
#include "check.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "plan.h"
#include "provider_registry.h"
#include "report.h"
#include "wait.h"

#define DEFAULT_JOBS 32
#define MAX_JOBS 256
#define DEFAULT_TIMEOUT 30
#define MAX_WAIT_SECONDS (24 * 3600)

/*
 * libetpan waits with select(), which cannot take a descriptor of
 * FD_SETSIZE (1024) or more, so the account workers together may hold
 * at most half of that, leaving the rest to stdio, the config, the
 * report and the libraries.
 */
#define WORKER_FD_BUDGET (FD_SETSIZE / 2)
/* Descriptors held by everything but the workers, an estimate. */
#define OTHER_FDS 64
/* IDLE sessions per account with --wait: INBOX and the spam folder. */
#define MAX_IDLE_SESSIONS 2

static const char check_usage[] =
"usage: landed check [-c FILE] [-a ACCOUNT]... TESTS... [OPTIONS]\n"
"\n"
"Log into each seed account of landed.conf (read-only), find each test\n"
"message and report where it landed and what the receiver concluded.\n"
"\n"
"tests (at least one):\n"
"  --sent FILE.eml        a sent message: its Message-ID identifies the test,\n"
"                         its file name (without .eml) labels it\n"
"  --message-id [LABEL=]ID  a Message-ID such as '<abc@example.com>'\n"
"  --tag TAG              matched exactly in the X-Landed-Tag header, or as a\n"
"                         whole word in the Subject\n"
"\n"
"options:\n"
"  -c, --config FILE      config file (default: $LANDED_CONFIG, ./landed.conf,\n"
"                         $XDG_CONFIG_HOME/landed/landed.conf)\n"
"  -a, --account NAME     check only this account (repeatable)\n"
"  --format FORMAT        report format: table, json, csv, junit or html\n"
"                         (default: table)\n"
"  -o, --output FILE      write the report to FILE instead of stdout\n"
"  --fail-on LIST         exit 1 when a result is in one of these classes,\n"
"                         comma-separated: spam, missing, rejected, other,\n"
"                         error, dmarc-fail, spf-fail, dkim-fail, auth-unknown\n"
"  -j, --jobs N           accounts checked in parallel (default 32, at most\n"
"                         256; --wait opens up to 2 more connections per\n"
"                         account, which lowers the maximum to 128)\n"
"  --timeout SECONDS      limit for each network step: connecting, the TLS\n"
"                         handshake, each command and its reply (default 30)\n"
"  --plugin-dir DIR       load provider plugins (NAME.so) from DIR before\n"
"                         those in $LANDED_PLUGIN_PATH (repeatable)\n"
"  --bounces ACCOUNT      also search ACCOUNT of landed.conf, the sender's\n"
"                         mailbox, for bounces of the tests: a failed\n"
"                         delivery makes a missing test \"rejected\" with\n"
"                         the receiver's status code.  ACCOUNT is not\n"
"                         checked as a seed unless -a names it\n"
"  --wait DURATION        keep searching for test messages not yet found\n"
"                         until DURATION after the start: 90s, 5m, 1h or\n"
"                         plain seconds, at most 24h (default: search once)\n"
"  -v, --verbose          per-cell details in the table, progress messages\n"
"  -q, --quiet            print only errors on stderr\n"
"  --debug LIST           debug output for imap, tls, parse, config or all;\n"
"                         the IMAP trace masks passwords and tokens\n"
"  -h, --help             show this help\n"
"\n"
"exit status: 0 every account checked and nothing matched --fail-on;\n"
"1 a result matched --fail-on; 2 usage or config error; 3 at least one\n"
"account could not be checked (the others are still reported).\n";

struct check_args {
	const char *config_path;
	const char **accounts;
	size_t account_count;
	struct ld_plan plan;
	const struct ld_report_format *format;
	const char *output;
	unsigned fail_on;
	unsigned jobs;
	unsigned timeout;
	unsigned wait;		/* --wait in seconds, 0 for none */
	struct ld_string_list plugin_dirs;
	const char *bounces;	/* --bounces account name, or NULL */
};

/* Work shared by the account workers. */
struct check_pool {
	pthread_mutex_t lock;
	size_t next;
	struct ld_report *report;
	const struct ld_check_options *options;
	size_t done;		/* accounts finished */
	size_t found;		/* results found in some folder */
	int progress;		/* show a progress line on stderr (a TTY) */
};

static int
parse_uint(const char *option, const char *text, unsigned min, unsigned max,
    unsigned *value_r)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' ||
	    value < min || value > max) {
		fprintf(stderr, "landed check: invalid value \"%s\" for %s: "
		    "expected a whole number from %u to %u\n", text, option,
		    min, max);
		return -1;
	}
	*value_r = (unsigned)value;
	return 0;
}

/* Parses "90s", "5m", "1h" or plain seconds into *seconds_r. */
static int
parse_duration(const char *option, const char *text, unsigned *seconds_r)
{
	unsigned long value, unit = 1;
	char *end;

	errno = 0;
	value = strtoul(text, &end, 10);
	if (end != text && end[0] != '\0' && end[1] == '\0') {
		switch (end[0]) {
		case 's':
			unit = 1;
			end++;
			break;
		case 'm':
			unit = 60;
			end++;
			break;
		case 'h':
			unit = 3600;
			end++;
			break;
		default:
			break;
		}
	}
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' ||
	    value > MAX_WAIT_SECONDS / unit) {
		fprintf(stderr, "landed check: invalid value \"%s\" for %s: "
		    "expected a duration such as 90s, 5m or 1h (a plain number "
		    "is seconds), at most 24h\n", text, option);
		return -1;
	}
	*seconds_r = (unsigned)(value * unit);
	return 0;
}

static int
add_account_filter(struct check_args *args, const char *name)
{
	const char **grown = realloc(args->accounts,
	    (args->account_count + 1) * sizeof(*grown));

	if (grown == NULL)
		return -1;
	args->accounts = grown;
	args->accounts[args->account_count++] = name;
	return 0;
}

static int
parse_args(int argc, char **argv, struct check_args *args)
{
	enum { OPT_SENT = 256, OPT_MESSAGE_ID, OPT_TAG, OPT_FORMAT, OPT_FAIL_ON,
	    OPT_TIMEOUT, OPT_DEBUG, OPT_WAIT, OPT_BOUNCES,
	    OPT_PLUGIN_DIR };
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "sent", required_argument, NULL, OPT_SENT },
		{ "message-id", required_argument, NULL, OPT_MESSAGE_ID },
		{ "tag", required_argument, NULL, OPT_TAG },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "debug", required_argument, NULL, OPT_DEBUG },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "bounces", required_argument, NULL, OPT_BOUNCES },
		{ "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ld_error err = { 0 };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:a:o:j:vqh", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			args->config_path = optarg;
			break;
		case 'a':
			if (add_account_filter(args, optarg) != 0)
				return -1;
			break;
		case OPT_SENT:
			if (ld_plan_add_sent(&args->plan, optarg, &err) != LD_OK)
				goto plan_error;
			break;
		case OPT_MESSAGE_ID:
			if (ld_plan_add_message_id(&args->plan, optarg, &err) != LD_OK)
				goto plan_error;
			break;
		case OPT_TAG:
			if (ld_plan_add_tag(&args->plan, optarg, &err) != LD_OK)
				goto plan_error;
			break;
		case OPT_FORMAT:
			args->format = ld_report_format_find(optarg);
			if (args->format == NULL) {
				fprintf(stderr, "landed check: unknown format \"%s\"; "
				    "use " LD_REPORT_FORMAT_NAMES "\n", optarg);
				return -1;
			}
			break;
		case 'o':
			args->output = optarg;
			break;
		case OPT_FAIL_ON:
			if (ld_plan_parse_fail_on(optarg, &args->fail_on, &err) != LD_OK)
				goto plan_error;
			break;
		case 'j':
			if (parse_uint("-j", optarg, 1, MAX_JOBS, &args->jobs) != 0)
				return -1;
			break;
		case OPT_TIMEOUT:
			if (parse_uint("--timeout", optarg, 1, 3600, &args->timeout) != 0)
				return -1;
			break;
		case 'v':
			ld_log_set_verbosity(2);
			break;
		case 'q':
			ld_log_set_verbosity(0);
			break;
		case OPT_DEBUG:
			if (ld_log_enable_debug(optarg) != 0) {
				fprintf(stderr, "landed check: unknown debug subsystem "
				    "in \"%s\"; use imap, tls, parse, config or all\n",
				    optarg);
				return -1;
			}
			break;
		case OPT_WAIT:
			if (parse_duration("--wait", optarg, &args->wait) != 0)
				return -1;
			break;
		case OPT_PLUGIN_DIR:
			if (ld_string_list_add(&args->plugin_dirs, optarg) != 0)
				return -1;
			break;
		case OPT_BOUNCES:
			args->bounces = optarg;
			break;
		case 'h':
			fputs(check_usage, stdout);
			exit(LD_EXIT_OK);
		default:
			fputs("run 'landed check --help' for the options\n", stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "landed check: unexpected argument \"%s\"; tests are "
		    "given with --sent, --message-id or --tag\n", argv[optind]);
		return -1;
	}
	if (args->plan.test_count == 0) {
		fputs("landed check: no tests given; use --sent FILE.eml, "
		    "--message-id ID or --tag TAG (see 'landed check --help')\n",
		    stderr);
		return -1;
	}
	return 0;

plan_error:
	ld_log_command_error("check", "%s", err.message);
	return -1;
}

/* A provider without a default server (generic) needs host in the config;
 * that is a configuration error, found before any account is checked. */
static int
check_server_known(const struct ld_config *config,
    const struct ld_account *account, const struct landed_provider *provider)
{
	if (!provider->supported)
		return 0;
	if ((account->host != NULL || provider->imap_host != NULL) &&
	    (account->port != 0 || provider->imap_port != 0))
		return 0;
	fprintf(stderr, "landed check: %s: account %s: provider %s has no "
	    "default IMAP server; set host (and port) in the account's "
	    "section\n", config->path, account->name, provider->name);
	return -1;
}

/* Without any authserv-id pattern no field is the receiver's own, so
 * every auth result would be unknown.  Warn once, before the check. */
static void
warn_without_trust(const struct ld_account *account,
    const struct landed_provider *provider)
{
	if (account->authserv_ids != NULL || provider->authserv_ids != NULL ||
	    (provider->flags & LANDED_PROVIDER_NO_AUTHSERV_ID))
		return;
	ld_log_warn("account %s: provider %s names no authserv-id, so no "
	    "Authentication-Results field is trusted and SPF, DKIM and DMARC "
	    "results will show as unknown; set authserv_id in the account's "
	    "section to the receiver's id", account->name, provider->name);
}

/* Fills the report's accounts from the config, keeping only -a ones. */
static int
select_accounts(const struct ld_config *config, const struct check_args *args,
    struct ld_report *report)
{
	struct ld_error err = { 0 };

	report->accounts = calloc(config->account_count + 1,
	    sizeof(*report->accounts));
	if (report->accounts == NULL)
		return -1;

	for (size_t i = 0; i < args->account_count; i++) {
		if (ld_config_account(config, args->accounts[i]) == NULL) {
			fprintf(stderr, "landed check: account \"%s\" is not in %s\n",
			    args->accounts[i], config->path);
			return -1;
		}
	}

	for (size_t i = 0; i < config->account_count; i++) {
		const struct ld_account *account = &config->accounts[i];
		struct ld_account_report *entry;
		size_t f;

		for (f = 0; f < args->account_count; f++)
			if (strcmp(args->accounts[f], account->name) == 0)
				break;
		if (args->account_count > 0 && f == args->account_count)
			continue;
		/* The sender's mailbox is a seed only when -a names it. */
		if (args->account_count == 0 && args->bounces != NULL &&
		    strcmp(args->bounces, account->name) == 0)
			continue;

		entry = &report->accounts[report->account_count++];
		entry->account = account;
		entry->provider = ld_provider_find(account->provider);
		if (entry->provider == NULL) {
			fprintf(stderr, "landed check: %s: account %s: unknown "
			    "provider \"%s\"; known providers: %s\n", config->path,
			    account->name, account->provider, ld_provider_names());
			return -1;
		}
		if (ld_provider_check_account(entry->provider, account->name,
		    account->tls_fingerprint != NULL, account->ca_file != NULL,
		    &err) != LD_OK) {
			ld_log_command_error("check", "%s: %s", config->path,
			    err.message);
			return -1;
		}
		if (check_server_known(config, account, entry->provider) != 0)
			return -1;
		warn_without_trust(account, entry->provider);
	}
	return 0;
}

/* Returns how many IDLE sessions the providers of the accounts allow. */
static unsigned
max_idle_sessions(const struct ld_report *report)
{
	unsigned max_idle = 0;

	for (size_t a = 0; a < report->account_count; a++) {
		unsigned connections = report->accounts[a].provider->max_connections;
		unsigned idle = connections > 1 ? connections - 1 : 0;

		if (idle > MAX_IDLE_SESSIONS)
			idle = MAX_IDLE_SESSIONS;
		if (idle > max_idle)
			max_idle = idle;
	}
	return max_idle;
}

/*
 * Checks, before any connection, that the workers stay within
 * WORKER_FD_BUDGET and within the open-file limit, raising its soft
 * value up to FD_SETSIZE when needed.  A worker uses at most one
 * descriptor more than its account has connections.  While it opens a
 * connection, that connection's socket may not exist yet, but the
 * password_cmd pipe (two descriptors), the resolver's socket or the
 * ca_file may be open.
 */
static int
check_fd_budget(const struct ld_report *report, const struct check_args *args)
{
	unsigned jobs = args->jobs;
	unsigned connections = 1, per_worker, needed;
	struct rlimit limit;
	rlim_t soft;

	if (jobs > report->account_count)
		jobs = (unsigned)report->account_count;
	if (args->wait > 0)
		connections += max_idle_sessions(report);
	per_worker = connections + 1;
	needed = jobs * per_worker;

	if (needed > WORKER_FD_BUDGET) {
		fprintf(stderr, "landed check: -j %u%s needs up to %u file "
		    "descriptors (%u per account), more than the %u that "
		    "landed allows, because libetpan cannot use a descriptor "
		    "of %d or more; use -j %u or less\n", args->jobs,
		    args->wait > 0 ? " with --wait" : "", needed, per_worker,
		    WORKER_FD_BUDGET, FD_SETSIZE, WORKER_FD_BUDGET / per_worker);
		return -1;
	}

	if (getrlimit(RLIMIT_NOFILE, &limit) != 0 ||
	    limit.rlim_cur == RLIM_INFINITY ||
	    limit.rlim_cur >= needed + OTHER_FDS)
		return 0;
	soft = limit.rlim_cur;
	limit.rlim_cur = limit.rlim_max < FD_SETSIZE ? limit.rlim_max :
	    FD_SETSIZE;
	if (limit.rlim_cur >= needed + OTHER_FDS &&
	    setrlimit(RLIMIT_NOFILE, &limit) == 0)
		return 0;
	fprintf(stderr, "landed check: -j %u needs about %u open files, but "
	    "the limit (ulimit -n) is %llu and cannot be raised above %llu; "
	    "raise the limit or use a lower -j\n", args->jobs,
	    needed + OTHER_FDS, (unsigned long long)soft,
	    (unsigned long long)limit.rlim_max);
	return -1;
}

static void
check_one_account(struct check_pool *pool, size_t a)
{
	struct ld_report *report = pool->report;
	struct ld_account_report *entry = &report->accounts[a];
	struct ld_error err = { 0 };
	enum ld_status status;

	ld_log_info("%s: checking %s", entry->account->name,
	    entry->provider->display_name);
	status = ld_check_account(entry->account, entry->provider,
	    report->tests, report->test_count, pool->options,
	    ld_report_result(report, a, 0), &err);
	entry->ok = status == LD_OK;
	if (status != LD_OK) {
		entry->error = strdup(err.message);
		ld_log_error("%s", err.message);
	}
}

static size_t
count_found(struct ld_report *report, size_t a)
{
	size_t found = 0;

	for (size_t t = 0; t < report->test_count; t++) {
		enum ld_placement p = ld_report_result(report, a, t)->placement;

		if (p == LD_PLACEMENT_INBOX || p == LD_PLACEMENT_SPAM ||
		    p == LD_PLACEMENT_OTHER)
			found++;
	}
	return found;
}

/* Rewrites one status line on stderr; called with the pool lock held. */
static void
show_progress(const struct check_pool *pool)
{
	const struct ld_report *report = pool->report;

	fprintf(stderr, "\r\033[Kchecking: %zu of %zu accounts done, "
	    "%zu of %zu test messages found", pool->done,
	    report->account_count, pool->found,
	    report->account_count * report->test_count);
	if (pool->done == report->account_count)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static void *
pool_worker(void *arg)
{
	struct check_pool *pool = arg;

	for (;;) {
		size_t a;

		pthread_mutex_lock(&pool->lock);
		a = pool->next++;
		pthread_mutex_unlock(&pool->lock);
		if (a >= pool->report->account_count)
			break;

		check_one_account(pool, a);

		pthread_mutex_lock(&pool->lock);
		pool->done++;
		pool->found += count_found(pool->report, a);
		if (pool->progress)
			show_progress(pool);
		else
			ld_log_info("%zu of %zu accounts done", pool->done,
			    pool->report->account_count);
		pthread_mutex_unlock(&pool->lock);
	}
	return NULL;
}

/* Checks every account with at most jobs workers at a time. */
static void
run_pool(struct ld_report *report, const struct ld_check_options *options,
    unsigned jobs)
{
	struct check_pool pool = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.report = report,
		.options = options,
		.progress = isatty(STDERR_FILENO) && ld_log_verbosity() == 1,
	};
	pthread_t threads[MAX_JOBS];
	unsigned started = 0;

	if (jobs > report->account_count)
		jobs = (unsigned)report->account_count;
	for (unsigned i = 1; i < jobs; i++) {
		if (pthread_create(&threads[started], NULL, pool_worker, &pool) != 0)
			break;
		started++;
	}
	pool_worker(&pool);
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
}

static int
write_report(struct ld_report *report, const struct check_args *args)
{
	struct ld_report_options options = {
		.verbose = ld_log_verbosity() >= 2,
		.fail_on = args->fail_on,
	};
	const struct ld_report_format *format = args->format;

	if (format == NULL)
		format = ld_report_format_find("table");
	return ld_report_output(report, format, args->output, &options,
	    "check");
}

/*
 * Checks that the --bounces account is in the config and usable, and
 * stores it in *account_r and *provider_r.  Returns 0, or -1 after an
 * error message.
 */
static int
find_bounce_account(const struct ld_config *config, const char *name,
    const struct ld_account **account_r,
    const struct landed_provider **provider_r)
{
	const struct ld_account *account = ld_config_account(config, name);
	const struct landed_provider *provider;
	struct ld_error err = { 0 };

	if (account == NULL) {
		fprintf(stderr, "landed check: --bounces account \"%s\" is not in "
		    "%s; add an [account %s] section for the sender's mailbox or "
		    "name an existing one\n", name, config->path, name);
		return -1;
	}
	provider = ld_provider_find(account->provider);
	if (provider == NULL) {
		fprintf(stderr, "landed check: %s: account %s: unknown provider "
		    "\"%s\"; known providers: %s\n", config->path, account->name,
		    account->provider, ld_provider_names());
		return -1;
	}
	if (ld_provider_check_account(provider, account->name,
	    account->tls_fingerprint != NULL, account->ca_file != NULL,
	    &err) != LD_OK) {
		ld_log_command_error("check", "%s: %s", config->path,
		    err.message);
		return -1;
	}
	*account_r = account;
	*provider_r = provider;
	return 0;
}

/* Searches the sender's mailbox; a failure is logged and reported. */
static void
collect_bounces(struct ld_report *report, const struct ld_account *account,
    const struct landed_provider *provider,
    const struct ld_check_options *options)
{
	struct ld_error err = { 0 };

	ld_log_info("%s: searching for bounces", account->name);
	if (ld_bounces_collect(report, account, provider, options, &err) !=
	    LD_OK)
		ld_log_error("%s", err.message);
}

static int
exit_status(struct ld_report *report, unsigned fail_on)
{
	int status = LD_EXIT_OK;

	for (size_t a = 0; a < report->account_count; a++)
		for (size_t t = 0; t < report->test_count; t++)
			if (ld_plan_fails(ld_report_result(report, a, t), fail_on))
				status = LD_EXIT_MATCHED;
	for (size_t a = 0; a < report->account_count; a++)
		if (!report->accounts[a].ok)
			return LD_EXIT_ACCOUNT;
	if (report->bounces.account != NULL && !report->bounces.ok)
		return LD_EXIT_ACCOUNT;
	return status;
}

int
ld_cmd_check(int argc, char **argv)
{
	struct check_args args = { .jobs = DEFAULT_JOBS, .timeout = DEFAULT_TIMEOUT };
	struct ld_config *config = NULL;
	struct ld_report report = { 0 };
	struct ld_error err = { 0 };
	struct ld_check_options options;
	const struct ld_account *bounce_account = NULL;
	const struct landed_provider *bounce_provider = NULL;
	char *config_path = NULL;
	int status = LD_EXIT_USAGE;

	if (parse_args(argc, argv, &args) != 0)
		goto out;
	if (ld_provider_load_plugins(&args.plugin_dirs, &err) != LD_OK) {
		ld_log_command_error("check", "%s", err.message);
		goto out;
	}

	if (ld_config_locate(args.config_path, &config_path, &err) != LD_OK ||
	    ld_config_load(config_path, &config, &err) != LD_OK) {
		ld_log_command_error("check", "%s", err.message);
		goto out;
	}

	if (select_accounts(config, &args, &report) != 0)
		goto out;
	if (args.bounces != NULL && find_bounce_account(config, args.bounces,
	    &bounce_account, &bounce_provider) != 0)
		goto out;

	report.tests = args.plan.tests;
	report.test_count = args.plan.test_count;
	args.plan.tests = NULL;
	args.plan.test_count = 0;
	report.results = calloc(report.account_count * report.test_count + 1,
	    sizeof(*report.results));
	if (report.results == NULL) {
		fputs("landed check: out of memory\n", stderr);
		goto out;
	}

	if (check_fd_budget(&report, &args) != 0)
		goto out;

	options.timeout_seconds = args.timeout;
	options.wait_seconds = args.wait;
	options.started_ms = ld_wait_now_ms();
	report.started_at = time(NULL);
	run_pool(&report, &options, args.jobs);
	if (bounce_account != NULL)
		collect_bounces(&report, bounce_account, bounce_provider, &options);
	report.finished_at = time(NULL);

	if (write_report(&report, &args) != 0)
		goto out;
	status = exit_status(&report, args.fail_on);

out:
	ld_report_clear(&report);
	ld_plan_clear(&args.plan);
	ld_config_free(&config);
	free(config_path);
	free(args.accounts);
	ld_string_list_clear(&args.plugin_dirs);
	ld_provider_unload_all();
	return status;
}
