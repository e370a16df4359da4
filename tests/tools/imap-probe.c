/*
 * imap-probe: drives the IMAP session module (src/imap.h) for the
 * integration tests in tests/it/imap-*.sh.
 *
 *   imap-probe -h HOST -p PORT [-t implicit|starttls|none] [-C CA_FILE]
 *       [-F sha256:..] [-u USER] [-a login|plain|xoauth2|oauthbearer]
 *       [-T SECONDS] [-d] COMMAND...
 *
 * The password comes from $IMAP_PROBE_PASSWORD.  Commands run in order
 * after login:
 *   list                      one "folder NAME RAW-NAME FLAGS" line each
 *   examine RAW-NAME          "exists N"
 *   search HEADER VALUE       "uids U1 U2 ..."
 *   fetch HEADER VALUE FIELD  "message UID INTERNALDATE" and the header
 *   capability NAME           "capability NAME yes|no"
 * Prints "ok" at the end, or "error (STATUS): MESSAGE" and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imap.h"
#include "log.h"

static const struct {
	const char *name;
	unsigned flag;
} flag_names[] = {
	{ "\\Noselect", LD_FOLDER_NOSELECT }, { "\\All", LD_FOLDER_ALL },
	{ "\\Archive", LD_FOLDER_ARCHIVE }, { "\\Drafts", LD_FOLDER_DRAFTS },
	{ "\\Flagged", LD_FOLDER_FLAGGED }, { "\\Junk", LD_FOLDER_JUNK },
	{ "\\Sent", LD_FOLDER_SENT }, { "\\Trash", LD_FOLDER_TRASH },
	{ "\\Important", LD_FOLDER_IMPORTANT },
	{ "\\NonExistent", LD_FOLDER_NONEXISTENT },
};

static int
fail(const struct ld_error *err)
{
	printf("error (%s): %s\n", ld_status_name(err->status), err->message);
	return 1;
}

static int
usage(void)
{
	fprintf(stderr, "usage: imap-probe -h HOST -p PORT [-t MODE] "
	    "[-C CA_FILE] [-F FINGERPRINT] [-u USER] [-a AUTH] [-T SECONDS] "
	    "[-d] COMMAND...\n");
	return 2;
}

static int
parse_options(int argc, char **argv, struct ld_imap_params *p)
{
	int c;

	while ((c = getopt(argc, argv, "h:p:t:C:F:u:a:T:d")) != -1) {
		switch (c) {
		case 'h': p->host = optarg; break;
		case 'p': p->port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'C': p->ca_file = optarg; break;
		case 'F': p->tls_fingerprint = optarg; break;
		case 'u': p->user = optarg; break;
		case 'T': p->timeout_seconds = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': ld_log_enable_debug("imap,tls"); break;
		case 't':
			if (strcmp(optarg, "implicit") == 0)
				p->tls = LD_TLS_IMPLICIT;
			else if (strcmp(optarg, "starttls") == 0)
				p->tls = LD_TLS_STARTTLS;
			else if (strcmp(optarg, "none") == 0)
				p->tls = LD_TLS_NONE;
			else
				return -1;
			break;
		case 'a':
			if (strcmp(optarg, "login") == 0)
				p->auth = LD_AUTH_LOGIN;
			else if (strcmp(optarg, "plain") == 0)
				p->auth = LD_AUTH_PLAIN;
			else if (strcmp(optarg, "xoauth2") == 0)
				p->auth = LD_AUTH_XOAUTH2;
			else if (strcmp(optarg, "oauthbearer") == 0)
				p->auth = LD_AUTH_OAUTHBEARER;
			else
				return -1;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static int
run_list(struct ld_imap *session)
{
	struct ld_imap_folder *folders = NULL;
	struct ld_error err;
	size_t count = 0;

	if (ld_imap_list(session, &folders, &count, &err) != LD_OK)
		return fail(&err);
	for (size_t i = 0; i < count; i++) {
		printf("folder %s %s", folders[i].name, folders[i].raw_name);
		for (size_t j = 0; j < sizeof(flag_names) / sizeof(flag_names[0]); j++)
			if (folders[i].flags & flag_names[j].flag)
				printf(" %s", flag_names[j].name);
		printf("\n");
	}
	ld_imap_folders_free(&folders, count);
	return 0;
}

static int
run_search(struct ld_imap *session, char **args, int fetch, int field_count)
{
	struct ld_imap_search_term term = { args[0], args[1] };
	struct ld_imap_message *messages = NULL;
	const char *const *fields = (const char *const *)(args + 2);
	struct ld_error err;
	uint32_t *uids = NULL;
	size_t count = 0, message_count = 0;

	if (ld_imap_search(session, &term, 1, &uids, &count, &err) != LD_OK)
		return fail(&err);
	printf("uids");
	for (size_t i = 0; i < count; i++)
		printf(" %u", uids[i]);
	printf("\n");
	if (fetch && ld_imap_fetch_headers(session, uids, count, fields,
	    (size_t)field_count, &messages, &message_count, &err) != LD_OK) {
		free(uids);
		return fail(&err);
	}
	for (size_t i = 0; i < message_count; i++)
		printf("message %u %lld\n%s", messages[i].uid,
		    (long long)messages[i].internal_date, messages[i].header);
	ld_imap_messages_free(&messages, message_count);
	free(uids);
	return 0;
}

static int
run_commands(struct ld_imap *session, int argc, char **argv)
{
	struct ld_error err;
	uint32_t exists;
	int i = 0;

	while (i < argc) {
		if (strcmp(argv[i], "list") == 0) {
			if (run_list(session) != 0)
				return 1;
			i += 1;
		} else if (strcmp(argv[i], "examine") == 0 && i + 1 < argc) {
			if (ld_imap_examine(session, argv[i + 1], &exists,
			    &err) != LD_OK)
				return fail(&err);
			printf("exists %u\n", exists);
			i += 2;
		} else if (strcmp(argv[i], "search") == 0 && i + 2 < argc) {
			if (run_search(session, argv + i + 1, 0, 0) != 0)
				return 1;
			i += 3;
		} else if (strcmp(argv[i], "fetch") == 0 && i + 3 < argc) {
			if (run_search(session, argv + i + 1, 1, 1) != 0)
				return 1;
			i += 4;
		} else if (strcmp(argv[i], "capability") == 0 && i + 1 < argc) {
			printf("capability %s %s\n", argv[i + 1],
			    ld_imap_has_capability(session, argv[i + 1]) ?
			    "yes" : "no");
			i += 2;
		} else {
			fprintf(stderr, "imap-probe: unknown command %s\n",
			    argv[i]);
			return 2;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct ld_imap_params params;
	struct ld_imap *session = NULL;
	struct ld_error err;
	int status;

	memset(&params, 0, sizeof(params));
	params.account = "probe";
	params.user = "seed";
	params.secret = getenv("IMAP_PROBE_PASSWORD");
	if (params.secret == NULL)
		params.secret = "";
	if (parse_options(argc, argv, &params) != 0 || params.host == NULL)
		return usage();

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ld_imap_open(&params, &session, &err) != LD_OK)
		return fail(&err);
	status = run_commands(session, argc - optind, argv + optind);
	ld_imap_close(&session);
	if (status == 0)
		printf("ok\n");
	return status;
}
