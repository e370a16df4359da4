/*
 * Fetches an account's password or token from its password_cmd,
 * password_env or password_file.
 *
 * The secret is the first line (CR and LF removed).  Every buffer that
 * held it is wiped with explicit_bzero() before it is freed, and no
 * message contains it or the output of a command.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

/* Maximum length of the secret line, with room for long OAuth tokens. */
#define SECRET_MAX_LEN		16384
#define SECRET_DEFAULT_TIMEOUT_MS	30000u

extern char **environ;

static unsigned secret_timeout_ms = SECRET_DEFAULT_TIMEOUT_MS;

void
ld_secret_set_command_timeout(unsigned milliseconds)
{
	secret_timeout_ms = milliseconds != 0 ? milliseconds :
	    SECRET_DEFAULT_TIMEOUT_MS;
}

void
ld_secret_free(char **secret)
{
	if (secret == NULL || *secret == NULL)
		return;
	explicit_bzero(*secret, strlen(*secret));
	free(*secret);
	*secret = NULL;
}

static long long
secret_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Copies the first line of buf[0..len) into a new string.  Returns
 * LD_ERR_NOT_FOUND for an empty line and LD_ERR_NOMEM on failure.
 */
static enum ld_status
secret_first_line(const char *buf, size_t len, char **secret_r)
{
	const char *newline = memchr(buf, '\n', len);

	if (newline != NULL)
		len = (size_t)(newline - buf);
	while (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0)
		return LD_ERR_NOT_FOUND;
	if ((*secret_r = strndup(buf, len)) == NULL)
		return LD_ERR_NOMEM;
	return LD_OK;
}

/*
 * Starts /bin/sh -c command in its own process group, with stdin from
 * /dev/null and stdout into a pipe whose read end is returned in *fd_r.
 */
static enum ld_status
secret_spawn(const struct ld_account *a, pid_t *pid_r, int *fd_r,
    struct ld_error *err)
{
	char *argv[] = { "sh", "-c", a->password_cmd, NULL };
	int fds[2], devnull;
	pid_t pid;

	if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return ld_error_set(err, LD_ERR_IO, "cannot open /dev/null "
		    "for the password_cmd of account \"%s\": %s", a->name,
		    strerror(errno));
	if (pipe2(fds, O_CLOEXEC) == -1) {
		close(devnull);
		return ld_error_set(err, LD_ERR_IO, "cannot create a pipe for "
		    "the password_cmd of account \"%s\": %s", a->name,
		    strerror(errno));
	}

	/* Between fork and exec the child calls only async-signal-safe
	 * functions, because other threads may hold locks. */
	if ((pid = fork()) == 0) {
		setpgid(0, 0);
		if (dup2(devnull, STDIN_FILENO) == -1 ||
		    dup2(fds[1], STDOUT_FILENO) == -1)
			_exit(126);
		execve("/bin/sh", argv, environ);
		_exit(127);
	}
	close(devnull);
	close(fds[1]);
	if (pid == -1) {
		close(fds[0]);
		return ld_error_set(err, LD_ERR_IO, "cannot start the "
		    "password_cmd of account \"%s\": %s", a->name,
		    strerror(errno));
	}
	setpgid(pid, pid);	/* also here, so that kill(-pid) cannot miss */
	*pid_r = pid;
	*fd_r = fds[0];
	return LD_OK;
}

/*
 * Reads the command's stdout until end of file or the deadline.  Keeps
 * up to size bytes in buf and reads the rest into a scratch buffer, so
 * that the command never blocks on a full pipe.  Returns 1 on timeout.
 */
static int
secret_read_output(int fd, char *buf, size_t size, size_t *len_r,
    long long deadline)
{
	char scratch[512];
	size_t len = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - secret_now_ms();
		ssize_t n;

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd.revents == 0)
			continue;
		if (len < size)
			n = read(fd, buf + len, size - len);
		else
			n = read(fd, scratch, sizeof(scratch));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			explicit_bzero(scratch, sizeof(scratch));
			*len_r = len;
			return 0;
		}
		if (len < size)
			len += (size_t)n;
	}
	explicit_bzero(scratch, sizeof(scratch));
	*len_r = len;
	return 1;
}

/* Waits for the command to exit until the deadline; returns 1 on timeout. */
static int
secret_wait(pid_t pid, int *wstatus, long long deadline)
{
	for (;;) {
		pid_t r = waitpid(pid, wstatus, WNOHANG);

		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR) {
			*wstatus = 0;
			return 0;
		}
		if (secret_now_ms() >= deadline)
			return 1;
		poll(NULL, 0, 10);
	}
}

static void
secret_kill(pid_t pid)
{
	int wstatus;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &wstatus, 0) == -1 && errno == EINTR)
		;
}

static enum ld_status
secret_check_exit(const struct ld_account *a, int wstatus,
    struct ld_error *err)
{
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return LD_OK;
	if (WIFEXITED(wstatus))
		return ld_error_set(err, LD_ERR_AUTH, "password_cmd of account "
		    "\"%s\" failed with exit status %d; run the command by "
		    "hand to see why", a->name, WEXITSTATUS(wstatus));
	return ld_error_set(err, LD_ERR_AUTH, "password_cmd of account \"%s\" "
	    "was killed by signal %d", a->name,
	    WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
}

static enum ld_status
secret_from_command(const struct ld_account *a, char **secret_r,
    struct ld_error *err)
{
	long long deadline = secret_now_ms() + secret_timeout_ms;
	enum ld_status status;
	size_t len = 0;
	int fd = -1, wstatus = 0, timed_out;
	pid_t pid = -1;
	char *buf;

	if ((buf = malloc(SECRET_MAX_LEN)) == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	if ((status = secret_spawn(a, &pid, &fd, err)) != LD_OK) {
		free(buf);
		return status;
	}

	timed_out = secret_read_output(fd, buf, SECRET_MAX_LEN, &len,
	    deadline);
	close(fd);
	if (!timed_out)
		timed_out = secret_wait(pid, &wstatus, deadline);
	if (timed_out) {
		secret_kill(pid);
		status = ld_error_set(err, LD_ERR_TIMEOUT, "password_cmd of "
		    "account \"%s\" timed out after %u.%u s and was killed",
		    a->name, secret_timeout_ms / 1000,
		    secret_timeout_ms % 1000 / 100);
	} else {
		status = secret_check_exit(a, wstatus, err);
	}

	if (status == LD_OK && len == SECRET_MAX_LEN &&
	    memchr(buf, '\n', len) == NULL)
		status = ld_error_set(err, LD_ERR_LIMIT, "password_cmd of "
		    "account \"%s\" printed a first line longer than %d bytes",
		    a->name, SECRET_MAX_LEN);
	if (status == LD_OK) {
		status = secret_first_line(buf, len, secret_r);
		if (status == LD_ERR_NOT_FOUND)
			ld_error_set(err, status, "password_cmd of account "
			    "\"%s\" exited with status 0 but printed an empty "
			    "first line", a->name);
		else if (status == LD_ERR_NOMEM)
			ld_error_set(err, status, "out of memory");
	}
	explicit_bzero(buf, SECRET_MAX_LEN);
	free(buf);
	return status;
}

static enum ld_status
secret_from_env(const struct ld_account *a, char **secret_r,
    struct ld_error *err)
{
	const char *value = getenv(a->password_env);

	if (value == NULL)
		return ld_error_set(err, LD_ERR_NOT_FOUND, "environment "
		    "variable %s (password_env of account \"%s\") is not set",
		    a->password_env, a->name);
	if (value[0] == '\0')
		return ld_error_set(err, LD_ERR_NOT_FOUND, "environment "
		    "variable %s (password_env of account \"%s\") is empty",
		    a->password_env, a->name);
	if ((*secret_r = strdup(value)) == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	return LD_OK;
}

/* Reads up to size bytes; stops early at a newline or end of file. */
static ssize_t
secret_read_file(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len < size) {
		ssize_t n = read(fd, buf + len, size - len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0 || memchr(buf + len, '\n', (size_t)n) != NULL)
			return (ssize_t)(len + (size_t)n);
		len += (size_t)n;
	}
	return (ssize_t)len;
}

static enum ld_status
secret_from_file(const struct ld_account *a, char **secret_r,
    struct ld_error *err)
{
	const char *path = a->password_file;
	enum ld_status status;
	struct stat st;
	ssize_t len;
	char *buf;
	int fd;

	/* read(2) and not stdio, so that no unwiped buffer keeps a copy. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return ld_error_set(err, LD_ERR_IO, "cannot read password_file "
		    "%s of account \"%s\": %s", path, a->name, strerror(errno));
	if (fstat(fd, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		ld_log_warn("password_file %s of account \"%s\" is readable "
		    "by other users (mode %03o); run chmod 600 %s", path,
		    a->name, (unsigned)(st.st_mode & 0777), path);
	if ((buf = malloc(SECRET_MAX_LEN)) == NULL) {
		close(fd);
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	}

	len = secret_read_file(fd, buf, SECRET_MAX_LEN);
	close(fd);
	if (len == -1)
		status = ld_error_set(err, LD_ERR_IO, "cannot read "
		    "password_file %s of account \"%s\": %s", path, a->name,
		    strerror(errno));
	else if ((size_t)len == SECRET_MAX_LEN &&
	    memchr(buf, '\n', SECRET_MAX_LEN) == NULL)
		status = ld_error_set(err, LD_ERR_LIMIT, "password_file %s of "
		    "account \"%s\" has a first line longer than %d bytes",
		    path, a->name, SECRET_MAX_LEN);
	else if ((status = secret_first_line(buf, (size_t)len, secret_r)) ==
	    LD_ERR_NOT_FOUND)
		ld_error_set(err, status, "password_file %s of account \"%s\" "
		    "is empty; put the password on its first line", path,
		    a->name);
	else if (status == LD_ERR_NOMEM)
		ld_error_set(err, status, "out of memory");

	explicit_bzero(buf, SECRET_MAX_LEN);
	free(buf);
	return status;
}

enum ld_status
ld_secret_fetch(const struct ld_account *account, char **secret_r,
    struct ld_error *err)
{
	*secret_r = NULL;
	if (account->password_cmd != NULL)
		return secret_from_command(account, secret_r, err);
	if (account->password_env != NULL)
		return secret_from_env(account, secret_r, err);
	if (account->password_file != NULL)
		return secret_from_file(account, secret_r, err);
	return ld_error_set(err, LD_ERR_CONFIG, "account \"%s\" has no "
	    "password_cmd, password_env or password_file", account->name);
}
