/*
 * Tests for landed.conf loading (config.c), config file lookup and the
 * three secret sources (secret.c).  Every config is written into a fresh
 * mkdtemp() directory.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"

static char tmpdir[PATH_MAX];

/* Returns DIR/name in a static buffer that the next call overwrites. */
static const char *
tmp_path(const char *name)
{
	static char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static void
write_file(const char *path, const char *content, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	fputs(content, fp);
	fclose(fp);
	chmod(path, mode);
}

/* Writes content as DIR/landed.conf (mode 0600) and loads it. */
static enum ld_status
load_text(const char *content, struct ld_config **config_r,
    struct ld_error *err)
{
	const char *path = tmp_path("landed.conf");

	write_file(path, content, 0600);
	ld_error_clear(err);
	return ld_config_load(path, config_r, err);
}

/* Redirects stderr into a file until capture_end() returns its text. */
static int saved_stderr = -1;

static void
capture_start(void)
{
	int fd = open(tmp_path("stderr.txt"), O_WRONLY | O_CREAT | O_TRUNC,
	    0600);

	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static const char *
capture_end(void)
{
	static char text[4096];
	size_t n;
	FILE *fp;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	text[0] = '\0';
	if ((fp = fopen(tmp_path("stderr.txt"), "r")) != NULL) {
		n = fread(text, 1, sizeof(text) - 1, fp);
		text[n] = '\0';
		fclose(fp);
	}
	return text;
}

static void
test_every_key(void)
{
	struct ld_config *config = NULL;
	struct ld_error err;
	const struct ld_account *a;
	char expected[PATH_MAX + 64];

	TEST_CASE("config every key");
	CHECK_INT(LD_OK, load_text(
	    "; seed accounts\n"
	    "# another comment style\n"
	    "\n"
	    "[account gmail-1]\n"
	    "provider = gmail            ; a plugin name\n"
	    "user = seed1@gmail.com\n"
	    "password_cmd = pass show seeds/gmail-1   ; or password_env\n"
	    "auth = XOAUTH2\n"
	    "host = 127.0.0.1\n"
	    "port = 10993\n"
	    "tls = implicit\n"
	    "ca_file = fixtures/ca.pem\n"
	    "tls_fingerprint = sha256:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:"
	    "45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89\n"
	    "folders = INBOX, Junk E-mail ,[Gmail]/Spam\n"
	    "authserv_id = mx.example.net, *.example.org\n"
	    "\n"
	    "[account plain]\n"
	    "  user = seed2@example.net\n"
	    "  password_env = SEED2_PASSWORD\n"
	    "  tls = none\n"
	    "  host = localhost\n"
	    "[account  file.user@2 ]\n"
	    "user = seed3\n"
	    "password_file = /etc/landed/seed3\n"
	    "tls = starttls\n"
	    "auth = oauthbearer\n", &config, &err));
	CHECK_STR("", err.message);
	if (config == NULL)
		return;

	CHECK_INT(3, config->account_count);
	a = &config->accounts[0];
	CHECK_STR("gmail-1", a->name);
	CHECK_INT(4, a->line);
	CHECK_STR("gmail", a->provider);
	CHECK_STR("seed1@gmail.com", a->user);
	CHECK_STR("pass show seeds/gmail-1", a->password_cmd);
	CHECK_STR(NULL, a->password_env);
	CHECK_STR(NULL, a->password_file);
	CHECK_INT(1, a->auth_set);
	CHECK_INT(LD_AUTH_XOAUTH2, a->auth);
	CHECK_STR("127.0.0.1", a->host);
	CHECK_INT(10993, a->port);
	CHECK_INT(1, a->tls_set);
	CHECK_INT(LD_TLS_IMPLICIT, a->tls);
	snprintf(expected, sizeof(expected), "%s/fixtures/ca.pem", tmpdir);
	CHECK_STR(expected, a->ca_file);
	CHECK_STR("sha256:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
	    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
	    a->tls_fingerprint);
	CHECK_INT(3, a->folder_count);
	if (a->folder_count == 3) {
		CHECK_STR("INBOX", a->folders[0]);
		CHECK_STR("Junk E-mail", a->folders[1]);
		CHECK_STR("[Gmail]/Spam", a->folders[2]);
	}
	CHECK_INT(2, a->authserv_id_count);
	if (a->authserv_id_count == 2) {
		CHECK_STR("mx.example.net", a->authserv_ids[0]);
		CHECK_STR("*.example.org", a->authserv_ids[1]);
	}

	a = &config->accounts[1];
	CHECK_STR("plain", a->name);
	CHECK_STR("generic", a->provider);
	CHECK_STR("seed2@example.net", a->user);
	CHECK_STR("SEED2_PASSWORD", a->password_env);
	CHECK_INT(LD_TLS_NONE, a->tls);
	CHECK_INT(0, a->auth_set);
	CHECK_INT(0, a->port);
	CHECK_STR(NULL, a->ca_file);
	CHECK_STR(NULL, a->tls_fingerprint);
	CHECK_TRUE(a->folders == NULL);
	CHECK_INT(0, a->folder_count);

	a = &config->accounts[2];
	CHECK_STR("file.user@2", a->name);
	CHECK_STR("/etc/landed/seed3", a->password_file);
	CHECK_INT(LD_TLS_STARTTLS, a->tls);
	CHECK_INT(LD_AUTH_OAUTHBEARER, a->auth);

	CHECK_TRUE(ld_config_account(config, "plain") == &config->accounts[1]);
	CHECK_TRUE(ld_config_account(config, "nope") == NULL);
	ld_config_free(&config);
	CHECK_TRUE(config == NULL);
	ld_config_free(&config);
}

static void
test_fingerprint_forms(void)
{
	static const char *const forms[] = {
		"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
		"SHA256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
		"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
	};
	char text[512];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct ld_config *config = NULL;
		struct ld_error err;

		TEST_CASE(forms[i]);
		snprintf(text, sizeof(text), "[account a]\nuser = u\n"
		    "password_env = P\ntls_fingerprint = %s\n", forms[i]);
		CHECK_INT(LD_OK, load_text(text, &config, &err));
		if (config == NULL)
			continue;
		CHECK_STR("sha256:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
		    "67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
		    config->accounts[0].tls_fingerprint);
		ld_config_free(&config);
	}
}

#define ACCOUNT_HEAD "[account a]\nuser = u\n"

static const struct {
	const char *name;
	const char *text;
	enum ld_status status;
	const char *needle;	/* expected in the message after "DIR/landed.conf" */
	const char *needle2;	/* a second part of the message, or NULL */
} error_cases[] = {
	{ "unknown key close", ACCOUNT_HEAD "pasword_cmd = x\n",
	    LD_ERR_CONFIG, ":3: unknown key \"pasword_cmd\"",
	    "did you mean \"password_cmd\"?" },
	{ "unknown key far", ACCOUNT_HEAD "password_env = P\nmailbox = x\n",
	    LD_ERR_CONFIG, ":4: unknown key \"mailbox\"",
	    "the keys are provider, user," },
	{ "unknown section", "[server a]\nuser = u\n", LD_ERR_CONFIG,
	    ":1: unknown section [server a]", "only [account NAME]" },
	{ "section without name", "[account]\nuser = u\n", LD_ERR_CONFIG,
	    ":1: unknown section [account]", NULL },
	{ "section without bracket", "[account a\nuser = u\n", LD_ERR_CONFIG,
	    ":1: section header without \"]\"", NULL },
	{ "invalid account name", "[account a/b]\nuser = u\n", LD_ERR_CONFIG,
	    ":1: invalid account name \"a/b\"", NULL },
	{ "duplicate account", ACCOUNT_HEAD "password_env = P\n\n"
	    "[account a]\nuser = v\npassword_env = Q\n", LD_ERR_CONFIG,
	    ":5: duplicate account name \"a\" (first at line 1)", NULL },
	{ "key outside section", "user = u\n[account a]\n", LD_ERR_CONFIG,
	    ":1: key \"user\" is outside a section",
	    "below an [account NAME] line" },
	{ "port zero", ACCOUNT_HEAD "password_env = P\nport = 0\n",
	    LD_ERR_CONFIG, ":4: port: invalid port \"0\"", "1 to 65535" },
	{ "port too big", ACCOUNT_HEAD "password_env = P\nport = 65536\n",
	    LD_ERR_CONFIG, ":4: port: invalid port \"65536\"", NULL },
	{ "port huge", ACCOUNT_HEAD "port = 99999999999999999999999\n",
	    LD_ERR_CONFIG, ":3: port: invalid port", NULL },
	{ "port not a number", ACCOUNT_HEAD "port = 99x\n", LD_ERR_CONFIG,
	    ":3: port: invalid port \"99x\"", NULL },
	{ "port negative", ACCOUNT_HEAD "port = -1\n", LD_ERR_CONFIG,
	    ":3: port: invalid port \"-1\"", NULL },
	{ "empty value", ACCOUNT_HEAD "port =\n", LD_ERR_CONFIG,
	    ":3: port is empty", NULL },
	{ "invalid tls", ACCOUNT_HEAD "tls = ssl\n", LD_ERR_CONFIG,
	    ":3: tls: invalid value \"ssl\"",
	    "use one of implicit, starttls or none" },
	{ "invalid auth", ACCOUNT_HEAD "auth = cram-md5\n", LD_ERR_CONFIG,
	    ":3: auth: invalid value \"cram-md5\"",
	    "login, plain, xoauth2 or oauthbearer" },
	{ "no user", "[account a]\npassword_env = P\n", LD_ERR_CONFIG,
	    ":1: account \"a\" has no user", "user = ADDRESS" },
	{ "no user before next section", "[account a]\npassword_env = P\n"
	    "[account b]\nuser = u\npassword_env = P\n", LD_ERR_CONFIG,
	    ":1: account \"a\" has no user", NULL },
	{ "no password source", ACCOUNT_HEAD "host = h\n", LD_ERR_CONFIG,
	    ":1: account \"a\" has no password source",
	    "password_cmd, password_env or password_file" },
	{ "two password sources", ACCOUNT_HEAD "password_cmd = x\n"
	    "password_env = P\n", LD_ERR_CONFIG,
	    ":4: password_env: account \"a\" already has password_cmd "
	    "(line 3)", "keep exactly one" },
	{ "three password sources", ACCOUNT_HEAD "password_file = f\n"
	    "password_cmd = x\npassword_env = P\n", LD_ERR_CONFIG,
	    ":4: password_cmd: account \"a\" already has password_file", NULL },
	{ "password in file", ACCOUNT_HEAD "password = hunter2\n",
	    LD_ERR_CONFIG, ":3: password: passwords are never stored in "
	    "landed.conf; use password_cmd, password_env or password_file",
	    NULL },
	{ "fingerprint short", ACCOUNT_HEAD "tls_fingerprint = sha256:AB:CD\n",
	    LD_ERR_CONFIG, ":3: tls_fingerprint: invalid SHA-256 fingerprint "
	    "\"sha256:AB:CD\"", "32 bytes as hex pairs" },
	{ "fingerprint not hex", ACCOUNT_HEAD "tls_fingerprint = "
	    "XBCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789\n",
	    LD_ERR_CONFIG, ":3: tls_fingerprint: invalid", NULL },
	{ "fingerprint bad colons", ACCOUNT_HEAD "tls_fingerprint = "
	    "ABC:DEF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
	    "67:89:AB:CD:EF:01:23:45:67:89:A\n",
	    LD_ERR_CONFIG, ":3: tls_fingerprint: invalid", NULL },
	{ "empty config", "; nothing here\n\n", LD_ERR_CONFIG,
	    ": no accounts; add an [account NAME] section", NULL },
	{ "tls none remote", ACCOUNT_HEAD "password_env = P\n"
	    "host = imap.example.net\ntls = none\n", LD_ERR_CONFIG,
	    ":5: tls: \"none\" is allowed only with host = 127.0.0.1", NULL },
	{ "tls none default host", ACCOUNT_HEAD "password_env = P\n"
	    "tls = none\n", LD_ERR_CONFIG, ":4: tls: \"none\" is allowed", NULL },
	{ "key set twice", ACCOUNT_HEAD "password_env = P\nuser = v\n",
	    LD_ERR_CONFIG, ":4: user is set twice in [account a]", NULL },
	{ "line without equals", ACCOUNT_HEAD "password_env = P\nfolders\n",
	    LD_ERR_CONFIG, ":4: expected \"key = value\"", NULL },
	{ "bare line in incomplete section", ACCOUNT_HEAD "S3cr3tPW\n",
	    LD_ERR_CONFIG, ":3: expected \"key = value\"", NULL },
	{ "empty list item", ACCOUNT_HEAD "password_env = P\n"
	    "folders = INBOX,,Junk\n", LD_ERR_CONFIG,
	    ":4: folders: empty item in \"INBOX,,Junk\"", NULL },
	{ "long line", ACCOUNT_HEAD "password_cmd = "
	    "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "\n", LD_ERR_CONFIG, ":3: line longer than", "a script" },
};

static void
test_errors(void)
{
	char prefix[PATH_MAX + 64];

	snprintf(prefix, sizeof(prefix), "%s/landed.conf", tmpdir);
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]);
	    i++) {
		struct ld_config *config = NULL;
		struct ld_error err;
		char needle[PATH_MAX + 1200];

		TEST_CASE(error_cases[i].name);
		CHECK_INT(error_cases[i].status,
		    load_text(error_cases[i].text, &config, &err));
		CHECK_TRUE(config == NULL);
		CHECK_INT(error_cases[i].status, err.status);
		snprintf(needle, sizeof(needle), "%s%s", prefix,
		    error_cases[i].needle);
		if (strstr(err.message, needle) == NULL)
			CHECK_STR(needle, err.message);
		if (error_cases[i].needle2 != NULL &&
		    strstr(err.message, error_cases[i].needle2) == NULL)
			CHECK_STR(error_cases[i].needle2, err.message);
		ld_config_free(&config);
	}
}

static void
test_missing_file(void)
{
	struct ld_config *config = NULL;
	struct ld_error err;

	TEST_CASE("config missing file");
	CHECK_INT(LD_ERR_IO, ld_config_load(tmp_path("absent.conf"), &config,
	    &err));
	CHECK_TRUE(strstr(err.message, "absent.conf") != NULL);
	CHECK_TRUE(strstr(err.message, "No such file") != NULL);

	TEST_CASE("config path is a directory");
	CHECK_INT(LD_ERR_IO, ld_config_load(tmpdir, &config, &err));
	CHECK_TRUE(strstr(err.message, "is a directory") != NULL);
}

static void
test_relative_paths(void)
{
	struct ld_config *config = NULL;
	struct ld_error err;
	char expected[PATH_MAX + 64];
	char cwd[PATH_MAX];

	TEST_CASE("config relative password_file");
	CHECK_INT(LD_OK, load_text("[account a]\nuser = u\n"
	    "password_file = secrets/a\nca_file = /etc/ssl/ca.pem\n",
	    &config, &err));
	if (config != NULL) {
		snprintf(expected, sizeof(expected), "%s/secrets/a", tmpdir);
		CHECK_STR(expected, config->accounts[0].password_file);
		CHECK_STR("/etc/ssl/ca.pem", config->accounts[0].ca_file);
		ld_config_free(&config);
	}

	TEST_CASE("config home-relative path");
	setenv("HOME", "/home/seed", 1);
	CHECK_INT(LD_OK, load_text("[account a]\nuser = u\n"
	    "password_file = ~/.landed/a\n", &config, &err));
	if (config != NULL) {
		CHECK_STR("/home/seed/.landed/a",
		    config->accounts[0].password_file);
		ld_config_free(&config);
	}

	TEST_CASE("config in working directory");
	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(tmpdir) == -1)
		return;
	write_file("landed.conf", "[account a]\nuser = u\n"
	    "ca_file = ca.pem\npassword_env = P\n", 0600);
	CHECK_INT(LD_OK, ld_config_load("landed.conf", &config, &err));
	if (config != NULL) {
		CHECK_STR("ca.pem", config->accounts[0].ca_file);
		ld_config_free(&config);
	}
	if (chdir(cwd) == -1)
		perror(cwd);
}

static void
test_permission_warning(void)
{
	struct ld_config *config = NULL;
	struct ld_error err;
	char path[PATH_MAX + 64];
	const char *output;

	snprintf(path, sizeof(path), "%s", tmp_path("open.conf"));
	TEST_CASE("config readable by others warns");
	write_file(path, "[account a]\nuser = u\npassword_cmd = pass a\n",
	    0644);
	capture_start();
	CHECK_INT(LD_OK, ld_config_load(path, &config, &err));
	output = capture_end();
	CHECK_TRUE(strstr(output, "warning") != NULL);
	CHECK_TRUE(strstr(output, path) != NULL);
	CHECK_TRUE(strstr(output, "chmod 600") != NULL);
	CHECK_TRUE(strstr(output, "pass a") == NULL);
	ld_config_free(&config);

	TEST_CASE("config readable by group warns");
	write_file(path, "[account a]\nuser = u\npassword_file = f\n", 0640);
	capture_start();
	CHECK_INT(LD_OK, ld_config_load(path, &config, &err));
	output = capture_end();
	CHECK_TRUE(strstr(output, "chmod 600") != NULL);
	ld_config_free(&config);

	TEST_CASE("config mode 600 is quiet");
	write_file(path, "[account a]\nuser = u\npassword_cmd = pass a\n",
	    0600);
	capture_start();
	CHECK_INT(LD_OK, ld_config_load(path, &config, &err));
	CHECK_STR("", capture_end());
	ld_config_free(&config);

	TEST_CASE("config with password_env only is quiet");
	write_file(path, "[account a]\nuser = u\npassword_env = P\n", 0644);
	capture_start();
	CHECK_INT(LD_OK, ld_config_load(path, &config, &err));
	CHECK_STR("", capture_end());
	ld_config_free(&config);
}

static void
test_locate(void)
{
	char *path = NULL;
	struct ld_error err;
	char cwd[PATH_MAX];
	char expected[PATH_MAX + 64];

	unsetenv("LANDED_CONFIG");
	TEST_CASE("locate explicit path");
	write_file(tmp_path("explicit.conf"), "", 0600);
	CHECK_INT(LD_OK, ld_config_locate(tmp_path("explicit.conf"), &path,
	    &err));
	CHECK_STR(tmp_path("explicit.conf"), path);
	free(path);

	TEST_CASE("locate explicit path missing");
	CHECK_INT(LD_ERR_NOT_FOUND, ld_config_locate(tmp_path("nope.conf"),
	    &path, &err));
	CHECK_TRUE(path == NULL);
	CHECK_TRUE(strstr(err.message, "nope.conf (from -c)") != NULL);

	TEST_CASE("locate LANDED_CONFIG");
	setenv("LANDED_CONFIG", tmp_path("explicit.conf"), 1);
	CHECK_INT(LD_OK, ld_config_locate(NULL, &path, &err));
	CHECK_STR(tmp_path("explicit.conf"), path);
	free(path);
	unsetenv("LANDED_CONFIG");

	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(tmpdir) == -1)
		return;
	mkdir(tmp_path("empty"), 0700);
	mkdir(tmp_path("xdg"), 0700);
	mkdir(tmp_path("xdg/landed"), 0700);
	write_file(tmp_path("xdg/landed/landed.conf"), "", 0600);

	TEST_CASE("locate working directory");
	write_file("landed.conf", "", 0600);
	CHECK_INT(LD_OK, ld_config_locate(NULL, &path, &err));
	CHECK_STR("landed.conf", path);
	free(path);

	TEST_CASE("locate XDG_CONFIG_HOME");
	if (chdir("empty") == -1)
		return;
	setenv("XDG_CONFIG_HOME", tmp_path("xdg"), 1);
	CHECK_INT(LD_OK, ld_config_locate(NULL, &path, &err));
	CHECK_STR(tmp_path("xdg/landed/landed.conf"), path);
	free(path);

	TEST_CASE("locate HOME/.config");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", tmp_path("empty"), 1);
	CHECK_INT(LD_ERR_NOT_FOUND, ld_config_locate(NULL, &path, &err));
	snprintf(expected, sizeof(expected), "tried ./landed.conf and "
	    "%s/empty/.config/landed/landed.conf", tmpdir);
	if (strstr(err.message, expected) == NULL)
		CHECK_STR(expected, err.message);
	CHECK_TRUE(strstr(err.message, "-c FILE") != NULL);

	if (chdir(cwd) == -1)
		perror(cwd);
}

static struct ld_account
make_account(void)
{
	struct ld_account a;

	memset(&a, 0, sizeof(a));
	a.name = "seed";
	a.user = "seed@example.net";
	return a;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct {
	const char *name;
	const char *command;
	enum ld_status status;
	const char *secret;	/* expected secret, or NULL */
	const char *needle;	/* expected in the error message, or NULL */
} command_cases[] = {
	{ "command first line", "printf 'hunter2\\r\\nsecond\\n'", LD_OK,
	    "hunter2", NULL },
	{ "command no newline", "printf 's3cret'", LD_OK, "s3cret", NULL },
	{ "command long output", "yes tok | head -c 200000", LD_OK, "tok",
	    NULL },
	{ "command exit status", "echo leaked-output; exit 3", LD_ERR_AUTH,
	    NULL, "account \"seed\" failed with exit status 3" },
	{ "command not found", "/nonexistent/landed-helper", LD_ERR_AUTH,
	    NULL, "exit status 127" },
	{ "command empty output", "true", LD_ERR_NOT_FOUND, NULL,
	    "printed an empty first line" },
	{ "command stdin is null", "cat", LD_ERR_NOT_FOUND, NULL,
	    "empty first line" },
	{ "command killed", "kill -9 $$", LD_ERR_AUTH, NULL,
	    "killed by signal 9" },
};

static void
test_secret_command(void)
{
	for (size_t i = 0; i < sizeof(command_cases) / sizeof(command_cases[0]);
	    i++) {
		struct ld_account a = make_account();
		struct ld_error err;
		char *secret = NULL;

		TEST_CASE(command_cases[i].name);
		a.password_cmd = (char *)(uintptr_t)command_cases[i].command;
		ld_error_clear(&err);
		CHECK_INT(command_cases[i].status,
		    ld_secret_fetch(&a, &secret, &err));
		CHECK_STR(command_cases[i].secret, secret);
		if (command_cases[i].needle != NULL &&
		    strstr(err.message, command_cases[i].needle) == NULL)
			CHECK_STR(command_cases[i].needle, err.message);
		CHECK_TRUE(strstr(err.message, "leaked-output") == NULL);
		ld_secret_free(&secret);
		CHECK_TRUE(secret == NULL);
	}
}

static void
test_secret_timeout(void)
{
	struct ld_account a = make_account();
	struct ld_error err;
	char *secret = NULL;
	double start;

	TEST_CASE("command timeout kills group");
	ld_secret_set_command_timeout(300);
	a.password_cmd = "sleep 5; echo late";
	start = now_seconds();
	CHECK_INT(LD_ERR_TIMEOUT, ld_secret_fetch(&a, &secret, &err));
	CHECK_TRUE(now_seconds() - start < 2.0);
	CHECK_TRUE(secret == NULL);
	CHECK_TRUE(strstr(err.message, "account \"seed\" timed out after "
	    "0.3 s") != NULL);

	TEST_CASE("command timeout after closing stdout");
	a.password_cmd = "echo early; exec >&-; sleep 5";
	start = now_seconds();
	CHECK_INT(LD_ERR_TIMEOUT, ld_secret_fetch(&a, &secret, &err));
	CHECK_TRUE(now_seconds() - start < 2.0);
	CHECK_TRUE(secret == NULL);
	ld_secret_set_command_timeout(0);
}

static void
test_secret_env(void)
{
	struct ld_account a = make_account();
	struct ld_error err;
	char *secret = NULL;

	a.password_env = "LANDED_TEST_SECRET";

	TEST_CASE("env set");
	setenv("LANDED_TEST_SECRET", "env-secret", 1);
	CHECK_INT(LD_OK, ld_secret_fetch(&a, &secret, &err));
	CHECK_STR("env-secret", secret);
	ld_secret_free(&secret);

	TEST_CASE("env empty");
	setenv("LANDED_TEST_SECRET", "", 1);
	CHECK_INT(LD_ERR_NOT_FOUND, ld_secret_fetch(&a, &secret, &err));
	CHECK_TRUE(strstr(err.message, "LANDED_TEST_SECRET") != NULL);
	CHECK_TRUE(strstr(err.message, "is empty") != NULL);

	TEST_CASE("env unset");
	unsetenv("LANDED_TEST_SECRET");
	CHECK_INT(LD_ERR_NOT_FOUND, ld_secret_fetch(&a, &secret, &err));
	CHECK_TRUE(strstr(err.message, "LANDED_TEST_SECRET") != NULL);
	CHECK_TRUE(strstr(err.message, "is not set") != NULL);
	CHECK_TRUE(secret == NULL);
}

static void
test_secret_file(void)
{
	struct ld_account a = make_account();
	struct ld_error err;
	char *secret = NULL;
	char path[PATH_MAX + 64];
	const char *output;

	snprintf(path, sizeof(path), "%s", tmp_path("secret"));
	a.password_file = path;

	TEST_CASE("file first line");
	write_file(path, "file-secret\r\nignored\n", 0600);
	capture_start();
	CHECK_INT(LD_OK, ld_secret_fetch(&a, &secret, &err));
	CHECK_STR("", capture_end());
	CHECK_STR("file-secret", secret);
	ld_secret_free(&secret);

	TEST_CASE("file readable by others warns");
	write_file(path, "file-secret\n", 0644);
	capture_start();
	CHECK_INT(LD_OK, ld_secret_fetch(&a, &secret, &err));
	output = capture_end();
	CHECK_TRUE(strstr(output, "chmod 600") != NULL);
	CHECK_TRUE(strstr(output, "file-secret") == NULL);
	ld_secret_free(&secret);

	TEST_CASE("file empty");
	write_file(path, "\n", 0600);
	CHECK_INT(LD_ERR_NOT_FOUND, ld_secret_fetch(&a, &secret, &err));
	CHECK_TRUE(strstr(err.message, path) != NULL);
	CHECK_TRUE(strstr(err.message, "is empty") != NULL);

	TEST_CASE("file missing");
	unlink(path);
	CHECK_INT(LD_ERR_IO, ld_secret_fetch(&a, &secret, &err));
	CHECK_TRUE(strstr(err.message, path) != NULL);
	CHECK_TRUE(strstr(err.message, "No such file") != NULL);

	TEST_CASE("file unreadable");
	write_file(path, "x\n", 0600);
	if (geteuid() != 0) {
		chmod(path, 0);
		CHECK_INT(LD_ERR_IO, ld_secret_fetch(&a, &secret, &err));
		CHECK_TRUE(strstr(err.message, "Permission denied") != NULL);
	}
	unlink(path);

	TEST_CASE("no source");
	a.password_file = NULL;
	CHECK_INT(LD_ERR_CONFIG, ld_secret_fetch(&a, &secret, &err));
	CHECK_TRUE(strstr(err.message, "account \"seed\"") != NULL);
}

static void
remove_tree(const char *dir)
{
	char command[PATH_MAX + 32];

	snprintf(command, sizeof(command), "rm -rf '%s'", dir);
	if (system(command) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

int
main(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/landed-test-config.XXXXXX",
	    base != NULL && base[0] != '\0' ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror(tmpdir);
		return 2;
	}

	test_every_key();
	test_fingerprint_forms();
	test_errors();
	test_missing_file();
	test_relative_paths();
	test_permission_warning();
	test_locate();
	test_secret_command();
	test_secret_timeout();
	test_secret_env();
	test_secret_file();

	remove_tree(tmpdir);
	return harness_finish();
}
