/*
 * landed providers: the providers built in and loaded, with their IMAP server,
 * login methods, whether landed can check them, and where each plugin in
 * use came from.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "authres_json.h"
#include "commands.h"
#include "log.h"
#include "provider_registry.h"

static const char providers_usage[] =
"usage: landed providers [--format table|json] [--plugin-dir DIR]...\n"
"\n"
"List the mail providers landed knows: the name to use as 'provider =' in\n"
"landed.conf, the default IMAP server, the login methods, whether landed\n"
"can check that provider at all, and the plugin in use: \"built-in\" or\n"
"the path of the NAME.so that replaced or added it.\n"
"\n"
"  --format table|json  output format (default: table)\n"
"  --plugin-dir DIR     load provider plugins (NAME.so) from DIR before\n"
"                       those in $LANDED_PLUGIN_PATH (repeatable)\n";

static const char *const tls_names[] = { "implicit", "starttls", "none" };

static const struct {
	unsigned bit;
	const char *name;
} auth_names[] = {
	{ LANDED_PROVIDER_AUTH_LOGIN, "login" },
	{ LANDED_PROVIDER_AUTH_PLAIN, "plain" },
	{ LANDED_PROVIDER_AUTH_XOAUTH2, "xoauth2" },
	{ LANDED_PROVIDER_AUTH_OAUTHBEARER, "oauthbearer" },
};

#define AUTH_NAME_COUNT (sizeof(auth_names) / sizeof(auth_names[0]))

static void
format_imap(const struct landed_provider *p, char *buf, size_t size)
{
	if (p->imap_host == NULL)
		snprintf(buf, size, "%s", p->supported ? "(set host)" : "-");
	else
		snprintf(buf, size, "%s:%u", p->imap_host, p->imap_port);
}

static void
format_auth(const struct landed_provider *p, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < AUTH_NAME_COUNT; i++) {
		if (!(p->auth_methods & auth_names[i].bit))
			continue;
		if (buf[0] != '\0')
			strncat(buf, ",", size - strlen(buf) - 1);
		strncat(buf, auth_names[i].name, size - strlen(buf) - 1);
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "-");
}

static int
write_table(void)
{
	const struct landed_provider *p;
	char imap[128], auth[64];

	printf("%-10s %-22s %-28s %-9s %-30s %-10s %s\n", "name",
	    "display name", "imap", "tls", "auth", "source", "notes");
	for (size_t i = 0; (p = ld_provider_at(i)) != NULL; i++) {
		format_imap(p, imap, sizeof(imap));
		format_auth(p, auth, sizeof(auth));
		printf("%-10s %-22s %-28s %-9s %-30s %-10s %s\n", p->name,
		    p->display_name, imap, p->supported ? tls_names[p->tls] : "-",
		    auth, ld_provider_source(p), p->supported ?
		    (p->notes != NULL ? p->notes : "") : p->unsupported_reason);
	}
	return fflush(stdout) == 0 ? LD_EXIT_OK : LD_EXIT_USAGE;
}

static json_t *
provider_json(const struct landed_provider *p)
{
	json_t *auth = json_array();
	char imap[128];

	for (size_t i = 0; i < AUTH_NAME_COUNT; i++)
		if (p->auth_methods & auth_names[i].bit)
			json_array_append_new(auth, json_string(auth_names[i].name));
	format_imap(p, imap, sizeof(imap));

	/* A plugin's strings and its path need not be UTF-8. */
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:o, s:o}",
	    "name", p->name,
	    "display_name", ld_json_string_or_null(p->display_name),
	    "imap", p->imap_host != NULL ? ld_json_string_or_null(imap) :
	    json_null(),
	    "tls", p->supported ? json_string(tls_names[p->tls]) : json_null(),
	    "auth", auth,
	    "supported", p->supported,
	    "reason", p->supported ? json_null() :
	    ld_json_string_or_null(p->unsupported_reason),
	    "source", ld_json_string_or_null(ld_provider_source(p)));
}

static int
write_json(void)
{
	const struct landed_provider *p;
	json_t *list = json_array();
	json_t *root;
	int rc;

	for (size_t i = 0; (p = ld_provider_at(i)) != NULL; i++) {
		json_t *entry = provider_json(p);

		if (entry == NULL || json_array_append_new(list, entry) != 0) {
			json_decref(list);
			ld_log_command_error("providers", "out of memory");
			return LD_EXIT_USAGE;
		}
	}
	root = json_pack("{s:o}", "providers", list);
	rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc != 0 || putchar('\n') == EOF || fflush(stdout) != 0)
		return LD_EXIT_USAGE;
	return LD_EXIT_OK;
}

static int
run_providers(int argc, char **argv, const char *format,
    const struct ld_string_list *dirs, struct ld_error *err)
{
	if (optind < argc) {
		fprintf(stderr, "landed providers: unexpected argument \"%s\"\n",
		    argv[optind]);
		return LD_EXIT_USAGE;
	}
	if (strcmp(format, "json") != 0 && strcmp(format, "table") != 0) {
		fprintf(stderr, "landed providers: unknown format \"%s\"; use "
		    "table or json\n", format);
		return LD_EXIT_USAGE;
	}
	if (ld_provider_load_plugins(dirs, err) != LD_OK) {
		ld_log_command_error("providers", "%s", err->message);
		return LD_EXIT_USAGE;
	}
	if (strcmp(format, "json") == 0)
		return write_json();
	return write_table();
}

int
ld_cmd_providers(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "plugin-dir", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ld_string_list dirs = { 0 };
	struct ld_error err = { 0 };
	const char *format = "table";
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'p':
			if (ld_string_list_add(&dirs, optarg) != 0) {
				fputs("landed providers: out of memory\n", stderr);
				ld_string_list_clear(&dirs);
				return LD_EXIT_USAGE;
			}
			break;
		case 'h':
			ld_string_list_clear(&dirs);
			fputs(providers_usage, stdout);
			return LD_EXIT_OK;
		default:
			ld_string_list_clear(&dirs);
			fputs("run 'landed providers --help' for the options\n", stderr);
			return LD_EXIT_USAGE;
		}
	}
	status = run_providers(argc, argv, format, &dirs, &err);
	ld_string_list_clear(&dirs);
	ld_provider_unload_all();
	return status;
}
