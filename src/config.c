/*
 * landed.conf reader.  inih splits the file into sections and
 * "key = value" pairs; this file checks every value and builds the
 * account list.
 *
 * inih (release 55, as Debian 12 builds it) strips " ; comment" at the
 * end of a value, where the ';' follows whitespace.  It also truncates
 * lines longer than its line buffer without an error, joins indented
 * lines to the previous value and passes no line numbers to the handler.
 * So the file is fed through config_read_line(), which counts lines,
 * rejects long lines and removes leading whitespace, so that no line
 * continues another.  It also handles the section headers itself, so
 * that empty and duplicate sections are seen too.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "log.h"

/* Maximum length of a key that gets a "did you mean" suggestion. */
#define CONFIG_MAX_SUGGEST_LEN	32

struct config_parser {
	const char *path;
	FILE *fp;
	unsigned line;		/* line that inih is working on */
	struct ld_config *config;
	int in_section;		/* an [account NAME] line has been read */
	unsigned keys_seen;	/* bit per config_keys[] entry, this section */
	unsigned secret_line;	/* line of the password source, or 0 */
	const char *secret_key;	/* key of that source */
	unsigned tls_line;
	int failed;
	struct ld_error *err;
};

typedef enum ld_status (*config_setter)(struct config_parser *,
    struct ld_account *, const char *key, const char *value);

static enum ld_status set_string(struct config_parser *, struct ld_account *,
    const char *, const char *);
static enum ld_status set_secret_source(struct config_parser *,
    struct ld_account *, const char *, const char *);
static enum ld_status set_path(struct config_parser *, struct ld_account *,
    const char *, const char *);
static enum ld_status set_auth(struct config_parser *, struct ld_account *,
    const char *, const char *);
static enum ld_status set_port(struct config_parser *, struct ld_account *,
    const char *, const char *);
static enum ld_status set_tls(struct config_parser *, struct ld_account *,
    const char *, const char *);
static enum ld_status set_fingerprint(struct config_parser *,
    struct ld_account *, const char *, const char *);
static enum ld_status set_list(struct config_parser *, struct ld_account *,
    const char *, const char *);

static const struct {
	const char *name;
	config_setter set;
} config_keys[] = {
	{ "provider", set_string },
	{ "user", set_string },
	{ "password_cmd", set_secret_source },
	{ "password_env", set_secret_source },
	{ "password_file", set_secret_source },
	{ "auth", set_auth },
	{ "host", set_string },
	{ "port", set_port },
	{ "tls", set_tls },
	{ "ca_file", set_path },
	{ "tls_fingerprint", set_fingerprint },
	{ "folders", set_list },
	{ "authserv_id", set_list },
	{ "address", set_list },
};
#define CONFIG_KEY_COUNT (sizeof(config_keys) / sizeof(config_keys[0]))

static const char *const auth_names[] = {
	[LD_AUTH_LOGIN] = "login",
	[LD_AUTH_PLAIN] = "plain",
	[LD_AUTH_XOAUTH2] = "xoauth2",
	[LD_AUTH_OAUTHBEARER] = "oauthbearer",
};

static const char *const tls_names[] = {
	[LD_TLS_IMPLICIT] = "implicit",
	[LD_TLS_STARTTLS] = "starttls",
	[LD_TLS_NONE] = "none",
};

/* Records the first error only; later ones are often its consequences. */
static int
config_fail(struct config_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
config_fail(struct config_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return 0;
	p->failed = 1;
	if (p->err == NULL)
		return 0;
	p->err->status = LD_ERR_CONFIG;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
	va_end(ap);
	return 0;
}

static enum ld_status
config_nomem(struct config_parser *p)
{
	if (!p->failed) {
		p->failed = 1;
		ld_error_set(p->err, LD_ERR_NOMEM,
		    "out of memory while reading %s", p->path);
	}
	return LD_ERR_NOMEM;
}

static struct ld_account *
config_current(struct config_parser *p)
{
	return &p->config->accounts[p->config->account_count - 1];
}

/* Returns a pointer to the string member that a plain string key sets. */
static char **
account_string_member(struct ld_account *a, const char *key)
{
	if (strcmp(key, "provider") == 0)
		return &a->provider;
	if (strcmp(key, "user") == 0)
		return &a->user;
	if (strcmp(key, "host") == 0)
		return &a->host;
	if (strcmp(key, "password_cmd") == 0)
		return &a->password_cmd;
	if (strcmp(key, "password_env") == 0)
		return &a->password_env;
	if (strcmp(key, "password_file") == 0)
		return &a->password_file;
	if (strcmp(key, "ca_file") == 0)
		return &a->ca_file;
	return NULL;
}

static enum ld_status
set_string(struct config_parser *p, struct ld_account *a, const char *key,
    const char *value)
{
	char **member = account_string_member(a, key);

	if ((*member = strdup(value)) == NULL)
		return config_nomem(p);
	return LD_OK;
}

/*
 * Turns a path relative to the config file's directory into one relative
 * to the working directory; "~/" starts at $HOME.
 */
static char *
config_resolve_path(const char *config_path, const char *value)
{
	const char *slash, *home;
	char *out;

	if (value[0] == '/')
		return strdup(value);
	if (value[0] == '~' && value[1] == '/' &&
	    (home = getenv("HOME")) != NULL && home[0] != '\0') {
		if (asprintf(&out, "%s%s", home, value + 1) < 0)
			return NULL;
		return out;
	}
	if ((slash = strrchr(config_path, '/')) == NULL)
		return strdup(value);
	if (asprintf(&out, "%.*s/%s", (int)(slash - config_path), config_path,
	    value) < 0)
		return NULL;
	return out;
}

static enum ld_status
set_path(struct config_parser *p, struct ld_account *a, const char *key,
    const char *value)
{
	char **member = account_string_member(a, key);

	if ((*member = config_resolve_path(p->path, value)) == NULL)
		return config_nomem(p);
	return LD_OK;
}

static enum ld_status
set_secret_source(struct config_parser *p, struct ld_account *a,
    const char *key, const char *value)
{
	if (p->secret_key != NULL) {
		config_fail(p, "%s:%u: %s: account \"%s\" already has %s "
		    "(line %u); keep exactly one of password_cmd, "
		    "password_env and password_file", p->path, p->line, key,
		    a->name, p->secret_key, p->secret_line);
		return LD_ERR_CONFIG;
	}
	p->secret_key = key;
	p->secret_line = p->line;
	if (strcmp(key, "password_file") == 0)
		return set_path(p, a, key, value);
	return set_string(p, a, key, value);
}

/*
 * Finds value (case-insensitively) in a table of names and returns its
 * index; on no match records an error that lists the names and returns -1.
 */
static int
config_choose(struct config_parser *p, const char *key, const char *value,
    const char *const *names, size_t count)
{
	char allowed[128] = "";
	size_t used = 0;

	for (size_t i = 0; i < count; i++)
		if (strcasecmp(names[i], value) == 0)
			return (int)i;

	for (size_t i = 0; i < count && used < sizeof(allowed); i++) {
		const char *separator = i == 0 ? "" :
		    i + 1 == count ? " or " : ", ";

		used += (size_t)snprintf(allowed + used, sizeof(allowed) - used,
		    "%s%s", separator, names[i]);
	}
	config_fail(p, "%s:%u: %s: invalid value \"%s\"; use one of %s",
	    p->path, p->line, key, value, allowed);
	return -1;
}

static enum ld_status
set_auth(struct config_parser *p, struct ld_account *a, const char *key,
    const char *value)
{
	int i = config_choose(p, key, value, auth_names,
	    sizeof(auth_names) / sizeof(auth_names[0]));

	if (i < 0)
		return LD_ERR_CONFIG;
	a->auth = (enum ld_auth_method)i;
	a->auth_set = 1;
	return LD_OK;
}

static enum ld_status
set_tls(struct config_parser *p, struct ld_account *a, const char *key,
    const char *value)
{
	int i = config_choose(p, key, value, tls_names,
	    sizeof(tls_names) / sizeof(tls_names[0]));

	if (i < 0)
		return LD_ERR_CONFIG;
	a->tls = (enum ld_tls_mode)i;
	a->tls_set = 1;
	p->tls_line = p->line;
	return LD_OK;
}

static enum ld_status
set_port(struct config_parser *p, struct ld_account *a, const char *key,
    const char *value)
{
	unsigned long port = 0;
	const char *c;

	for (c = value; *c != '\0' && port <= 65535; c++) {
		if (!isdigit((unsigned char)*c))
			break;
		port = port * 10 + (unsigned long)(*c - '0');
	}
	if (*c != '\0' || port < 1 || port > 65535) {
		config_fail(p, "%s:%u: %s: invalid port \"%s\"; use a number "
		    "from 1 to 65535", p->path, p->line, key, value);
		return LD_ERR_CONFIG;
	}
	a->port = (unsigned)port;
	return LD_OK;
}

/*
 * Normalizes a SHA-256 certificate fingerprint: an optional "sha256:"
 * prefix, then 32 bytes as 64 hex digits or as 32 colon-separated pairs.
 * Writes "sha256:AB:CD:..." (102 characters) into out.
 */
static int
config_normalize_fingerprint(const char *value, char out[103])
{
	unsigned char digits[64];
	size_t n = 0, len;
	int colons;

	if (strncasecmp(value, "sha256:", 7) == 0)
		value += 7;
	len = strlen(value);
	if (len == 64)
		colons = 0;
	else if (len == 95)
		colons = 1;
	else
		return -1;

	for (size_t i = 0; i < len; i++) {
		if (colons && i % 3 == 2) {
			if (value[i] != ':')
				return -1;
			continue;
		}
		if (!isxdigit((unsigned char)value[i]))
			return -1;
		digits[n++] = (unsigned char)toupper((unsigned char)value[i]);
	}

	memcpy(out, "sha256:", 7);
	for (size_t i = 0; i < 32; i++) {
		out[7 + i * 3] = (char)digits[i * 2];
		out[8 + i * 3] = (char)digits[i * 2 + 1];
		out[9 + i * 3] = i == 31 ? '\0' : ':';
	}
	return 0;
}

static enum ld_status
set_fingerprint(struct config_parser *p, struct ld_account *a,
    const char *key, const char *value)
{
	char normalized[103];

	if (config_normalize_fingerprint(value, normalized) == -1) {
		config_fail(p, "%s:%u: %s: invalid SHA-256 fingerprint \"%s\"; "
		    "give 32 bytes as hex pairs, with or without colons, "
		    "optionally after \"sha256:\" (openssl x509 -noout "
		    "-fingerprint -sha256 prints one)", p->path, p->line, key,
		    value);
		return LD_ERR_CONFIG;
	}
	if ((a->tls_fingerprint = strdup(normalized)) == NULL)
		return config_nomem(p);
	return LD_OK;
}

/* Splits a comma-separated list; items are trimmed and must not be empty. */
static enum ld_status
set_list(struct config_parser *p, struct ld_account *a, const char *key,
    const char *value)
{
	char ***items = &a->authserv_ids;
	size_t *count = &a->authserv_id_count;
	size_t max = 1;
	const char *start = value;

	if (strcmp(key, "folders") == 0) {
		items = &a->folders;
		count = &a->folder_count;
	} else if (strcmp(key, "address") == 0) {
		items = &a->addresses;
		count = &a->address_count;
	}

	for (const char *c = value; *c != '\0'; c++)
		if (*c == ',')
			max++;
	if ((*items = calloc(max, sizeof(**items))) == NULL)
		return config_nomem(p);

	for (;;) {
		const char *end = strchr(start, ',');
		size_t len = end != NULL ? (size_t)(end - start) :
		    strlen(start);

		while (len > 0 && isspace((unsigned char)*start)) {
			start++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)start[len - 1]))
			len--;
		if (len == 0) {
			config_fail(p, "%s:%u: %s: empty item in \"%s\"; "
			    "separate the items with single commas", p->path,
			    p->line, key, value);
			return LD_ERR_CONFIG;
		}
		if (((*items)[*count] = strndup(start, len)) == NULL)
			return config_nomem(p);
		(*count)++;
		if (end == NULL)
			break;
		start = end + 1;
	}
	return LD_OK;
}

/* Returns the Levenshtein distance, or INT_MAX for a long word. */
static int
config_edit_distance(const char *a, const char *b)
{
	int row[CONFIG_MAX_SUGGEST_LEN + 1];
	size_t la = strlen(a), lb = strlen(b);

	if (la > CONFIG_MAX_SUGGEST_LEN || lb > CONFIG_MAX_SUGGEST_LEN)
		return INT_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diagonal = row[0];

		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int above = row[j];
			int cost = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? 0 : 1;
			int best = diagonal + cost;

			if (above + 1 < best)
				best = above + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diagonal = above;
			row[j] = best;
		}
	}
	return row[lb];
}

static int
config_unknown_key(struct config_parser *p, const char *key)
{
	const char *closest = NULL;
	int best = INT_MAX;

	for (size_t i = 0; i < CONFIG_KEY_COUNT; i++) {
		int d = config_edit_distance(key, config_keys[i].name);

		if (d < best) {
			best = d;
			closest = config_keys[i].name;
		}
	}
	if (closest != NULL && best <= 3)
		return config_fail(p, "%s:%u: unknown key \"%s\"; did you mean "
		    "\"%s\"?", p->path, p->line, key, closest);
	return config_fail(p, "%s:%u: unknown key \"%s\"; the keys are "
	    "provider, user, password_cmd, password_env, password_file, auth, "
	    "host, port, tls, ca_file, tls_fingerprint, folders, "
	    "authserv_id and address", p->path, p->line, key);
}

/* inih calls this for every "key = value" line. */
static int
config_handle_pair(void *user, const char *section, const char *key,
    const char *value)
{
	struct config_parser *p = user;
	struct ld_account *a;
	size_t i;

	(void)section;	/* config_read_line() tracks the sections */
	if (p->failed)
		return 0;
	if (!p->in_section)
		return config_fail(p, "%s:%u: key \"%s\" is outside a section; "
		    "put it below an [account NAME] line", p->path, p->line,
		    key);
	if (strcasecmp(key, "password") == 0)
		return config_fail(p, "%s:%u: %s: passwords are never stored "
		    "in landed.conf; use password_cmd, password_env or "
		    "password_file", p->path, p->line, key);

	for (i = 0; i < CONFIG_KEY_COUNT; i++)
		if (strcasecmp(key, config_keys[i].name) == 0)
			break;
	if (i == CONFIG_KEY_COUNT)
		return config_unknown_key(p, key);
	key = config_keys[i].name;

	a = config_current(p);
	if (p->keys_seen & (1u << i))
		return config_fail(p, "%s:%u: %s is set twice in [account %s]; "
		    "keep one line", p->path, p->line, key, a->name);
	p->keys_seen |= 1u << i;
	if (value[0] == '\0')
		return config_fail(p, "%s:%u: %s is empty; give a value or "
		    "remove the line", p->path, p->line, key);

	return config_keys[i].set(p, a, key, value) == LD_OK;
}

static int
config_is_loopback(const char *host)
{
	return host != NULL && (strncmp(host, "127.", 4) == 0 ||
	    strcmp(host, "::1") == 0 || strcasecmp(host, "localhost") == 0);
}

/* Checks what a complete [account NAME] section must contain. */
static void
config_finish_section(struct config_parser *p)
{
	struct ld_account *a;

	if (!p->in_section || p->failed)
		return;
	a = config_current(p);

	if (a->user == NULL) {
		config_fail(p, "%s:%u: account \"%s\" has no user; add a line "
		    "\"user = ADDRESS\"", p->path, a->line, a->name);
		return;
	}
	if (p->secret_key == NULL) {
		config_fail(p, "%s:%u: account \"%s\" has no password source; "
		    "add one of password_cmd, password_env or password_file",
		    p->path, a->line, a->name);
		return;
	}
	if (a->tls_set && a->tls == LD_TLS_NONE &&
	    !config_is_loopback(a->host)) {
		config_fail(p, "%s:%u: tls: \"none\" is allowed only with "
		    "host = 127.0.0.1, ::1 or localhost, because the password "
		    "would cross the network unencrypted", p->path,
		    p->tls_line);
		return;
	}
	if (a->provider == NULL && (a->provider = strdup("generic")) == NULL)
		config_nomem(p);
}

static int
config_valid_account_name(const char *name)
{
	if (*name == '\0')
		return 0;
	for (; *name != '\0'; name++)
		if (!isalnum((unsigned char)*name) &&
		    strchr("._-@+", *name) == NULL)
			return 0;
	return 1;
}

static void
config_begin_account(struct config_parser *p, const char *name)
{
	struct ld_config *c = p->config;
	struct ld_account *grown;

	for (size_t i = 0; i < c->account_count; i++)
		if (strcmp(c->accounts[i].name, name) == 0) {
			config_fail(p, "%s:%u: duplicate account name \"%s\" "
			    "(first at line %u); give each account its own "
			    "name", p->path, p->line, name,
			    c->accounts[i].line);
			return;
		}

	grown = realloc(c->accounts, (c->account_count + 1) * sizeof(*grown));
	if (grown == NULL) {
		config_nomem(p);
		return;
	}
	c->accounts = grown;
	memset(&grown[c->account_count], 0, sizeof(*grown));
	if ((grown[c->account_count].name = strdup(name)) == NULL) {
		config_nomem(p);
		return;
	}
	grown[c->account_count].line = p->line;
	c->account_count++;

	p->in_section = 1;
	p->keys_seen = 0;
	p->secret_key = NULL;
	p->secret_line = 0;
	p->tls_line = 0;
}

/* Handles a line that starts with '['. */
static void
config_section_line(struct config_parser *p, const char *line)
{
	const char *close = strchr(line, ']');
	char inner[256];
	size_t len;
	char *name;

	config_finish_section(p);
	if (p->failed)
		return;
	if (close == NULL) {
		config_fail(p, "%s:%u: section header without \"]\"; write "
		    "[account NAME]", p->path, p->line);
		return;
	}
	len = (size_t)(close - line - 1);
	if (len >= sizeof(inner)) {
		config_fail(p, "%s:%u: section name longer than %zu "
		    "characters", p->path, p->line, sizeof(inner) - 1);
		return;
	}
	memcpy(inner, line + 1, len);
	inner[len] = '\0';

	while (len > 0 && isspace((unsigned char)inner[len - 1]))
		inner[--len] = '\0';
	name = inner;
	while (isspace((unsigned char)*name))
		name++;
	if (strncmp(name, "account", 7) != 0 ||
	    !isspace((unsigned char)name[7])) {
		config_fail(p, "%s:%u: unknown section [%s]; landed.conf has "
		    "only [account NAME] sections", p->path, p->line, name);
		return;
	}
	name += 7;
	while (isspace((unsigned char)*name))
		name++;
	if (!config_valid_account_name(name)) {
		config_fail(p, "%s:%u: invalid account name \"%s\"; use "
		    "letters, digits and . _ - @ +", p->path, p->line, name);
		return;
	}
	config_begin_account(p, name);
}

/* The ini_reader for inih: see the comment at the top of this file. */
static char *
config_read_line(char *buf, int size, void *stream)
{
	struct config_parser *p = stream;
	size_t len, skip = 0;
	int c;

	if (p->failed || fgets(buf, size, p->fp) == NULL)
		return NULL;
	p->line++;

	len = strlen(buf);
	if (len == (size_t)size - 1 && buf[len - 1] != '\n' && !feof(p->fp)) {
		config_fail(p, "%s:%u: line longer than %d characters; shorten "
		    "it (a long password_cmd can go into a script)", p->path,
		    p->line, size - 3);
		while ((c = fgetc(p->fp)) != EOF && c != '\n')
			;
		return NULL;
	}

	if (p->line == 1 && strncmp(buf, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	while (buf[skip] != '\0' && buf[skip] != '\n' &&
	    isspace((unsigned char)buf[skip]))
		skip++;
	memmove(buf, buf + skip, len - skip + 1);

	if (buf[0] == '[')
		config_section_line(p, buf);
	return buf;
}

/* Warns when other users can read where the passwords come from. */
static void
config_check_mode(const char *path, int fd, const struct ld_config *config)
{
	struct stat st;
	int names_source = 0;

	if (fstat(fd, &st) == -1)
		return;
	for (size_t i = 0; i < config->account_count; i++)
		if (config->accounts[i].password_cmd != NULL ||
		    config->accounts[i].password_file != NULL)
			names_source = 1;
	if (names_source && (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		ld_log_warn("%s names password commands or files and is "
		    "readable by other users (mode %03o); run chmod 600 %s",
		    path, (unsigned)(st.st_mode & 0777), path);
}

static enum ld_status
config_parse(struct config_parser *p)
{
	int rc = ini_parse_stream(config_read_line, p, config_handle_pair, p);

	/* A malformed line is reported before the checks of the section it
	 * ends, which would otherwise blame a missing key instead. */
	if (!p->failed && rc > 0) {
		config_fail(p, "%s:%d: expected \"key = value\", a comment or "
		    "[account NAME]", p->path, rc);
		return LD_ERR_CONFIG;
	}
	if (!p->failed)
		config_finish_section(p);
	if (p->failed)
		return p->err != NULL ? p->err->status : LD_ERR_CONFIG;
	if (rc < 0)
		return config_nomem(p);
	if (p->config->account_count == 0) {
		config_fail(p, "%s: no accounts; add an [account NAME] section "
		    "with user and a password source", p->path);
		return LD_ERR_CONFIG;
	}
	return LD_OK;
}

enum ld_status
ld_config_load(const char *path, struct ld_config **config_r,
    struct ld_error *err)
{
	struct config_parser p;
	struct stat st;
	enum ld_status status;

	*config_r = NULL;
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.err = err;

	if ((p.fp = fopen(path, "r")) == NULL)
		return ld_error_set(err, LD_ERR_IO, "cannot open config file "
		    "%s: %s", path, strerror(errno));
	if (fstat(fileno(p.fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(p.fp);
		return ld_error_set(err, LD_ERR_IO, "config file %s is a "
		    "directory; give the path of landed.conf", path);
	}
	if ((p.config = calloc(1, sizeof(*p.config))) == NULL ||
	    (p.config->path = strdup(path)) == NULL) {
		fclose(p.fp);
		ld_config_free(&p.config);
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory while "
		    "reading %s", path);
	}

	status = config_parse(&p);
	if (status == LD_OK)
		config_check_mode(path, fileno(p.fp), p.config);
	fclose(p.fp);
	if (status != LD_OK) {
		ld_config_free(&p.config);
		return status;
	}
	*config_r = p.config;
	return LD_OK;
}

static void
config_free_list(char **items, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(items[i]);
	free(items);
}

void
ld_config_free(struct ld_config **config)
{
	struct ld_config *c;

	if (config == NULL || (c = *config) == NULL)
		return;
	for (size_t i = 0; i < c->account_count; i++) {
		struct ld_account *a = &c->accounts[i];

		free(a->name);
		free(a->provider);
		free(a->user);
		free(a->password_cmd);
		free(a->password_env);
		free(a->password_file);
		free(a->host);
		free(a->ca_file);
		free(a->tls_fingerprint);
		config_free_list(a->folders, a->folder_count);
		config_free_list(a->authserv_ids, a->authserv_id_count);
		config_free_list(a->addresses, a->address_count);
	}
	free(c->accounts);
	free(c->path);
	free(c);
	*config = NULL;
}

const struct ld_account *
ld_config_account(const struct ld_config *config, const char *name)
{
	for (size_t i = 0; i < config->account_count; i++)
		if (strcmp(config->accounts[i].name, name) == 0)
			return &config->accounts[i];
	return NULL;
}

static enum ld_status
config_locate_named(const char *path, const char *origin, char **path_r,
    struct ld_error *err)
{
	if (access(path, R_OK) == -1)
		return ld_error_set(err, LD_ERR_NOT_FOUND, "cannot read config "
		    "file %s (from %s): %s", path, origin, strerror(errno));
	if ((*path_r = strdup(path)) == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	return LD_OK;
}

enum ld_status
ld_config_locate(const char *explicit_path, char **path_r,
    struct ld_error *err)
{
	const char *env, *xdg, *home;
	char *user_path = NULL;
	enum ld_status status;

	*path_r = NULL;
	if (explicit_path != NULL)
		return config_locate_named(explicit_path, "-c", path_r, err);
	if ((env = getenv("LANDED_CONFIG")) != NULL && env[0] != '\0')
		return config_locate_named(env, "$LANDED_CONFIG", path_r, err);
	if (access("landed.conf", F_OK) == 0)
		return config_locate_named("landed.conf", "the working "
		    "directory", path_r, err);

	xdg = getenv("XDG_CONFIG_HOME");
	home = getenv("HOME");
	if (xdg != NULL && xdg[0] == '/') {
		if (asprintf(&user_path, "%s/landed/landed.conf", xdg) < 0)
			user_path = NULL;
	} else if (home != NULL && home[0] != '\0') {
		if (asprintf(&user_path, "%s/.config/landed/landed.conf",
		    home) < 0)
			user_path = NULL;
	} else {
		return ld_error_set(err, LD_ERR_NOT_FOUND, "no config file: "
		    "tried ./landed.conf, and neither $XDG_CONFIG_HOME nor "
		    "$HOME is set; give one with -c FILE or $LANDED_CONFIG");
	}
	if (user_path == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");

	if (access(user_path, F_OK) == 0) {
		status = config_locate_named(user_path, "the user config "
		    "directory", path_r, err);
		free(user_path);
		return status;
	}
	ld_error_set(err, LD_ERR_NOT_FOUND, "no config file: tried "
	    "./landed.conf and %s; create one there or give one with -c FILE "
	    "or $LANDED_CONFIG", user_path);
	free(user_path);
	return LD_ERR_NOT_FOUND;
}
