/*
 * TCP and TLS connections with OpenSSL, for the IMAP session.
 *
 * Sockets are non-blocking and every wait is a poll() bounded by the
 * deadline of the current step, so a server that sends nothing, or sends
 * its reply a byte at a time, costs at most timeout_seconds per step.
 * A step starts when the connection opens, when the TLS handshake starts
 * and ends, and with every write.  Each step may also read at most
 * LD_CONN_MAX_STEP_BYTES.  Socket I/O goes through a
 * small BIO that sends with MSG_NOSIGNAL, because a write to a closed
 * socket must return EPIPE rather than kill the process with SIGPIPE.
 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netdb.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "tls.h"

#define DEFAULT_TIMEOUT_SECONDS	30
#define FINGERPRINT_SIZE	32
/* "sha256:" and 32 bytes as "AB:" */
#define FINGERPRINT_TEXT_SIZE	(7 + FINGERPRINT_SIZE * 3)

enum conn_failure {
	CONN_FAILURE_NONE,
	CONN_FAILURE_TIMEOUT,
	CONN_FAILURE_CLOSED,
	CONN_FAILURE_SYSTEM,	/* errno in sys_errno */
	CONN_FAILURE_TLS,	/* OpenSSL's reason in tls_reason */
	CONN_FAILURE_TOO_LARGE,	/* read over LD_CONN_MAX_STEP_BYTES in a step */
};

struct ld_conn {
	int fd;
	SSL_CTX *ctx;			/* owned, NULL before STARTTLS */
	SSL *ssl;			/* owned, NULL while plaintext */
	char *account;			/* owned */
	char *host;			/* owned */
	unsigned port;
	unsigned timeout_seconds;

	/* Deadline and read count of the current step (see begin_step()). */
	int64_t step_deadline_ms;	/* CLOCK_MONOTONIC */
	uint64_t step_bytes;		/* read since the step started */

	enum conn_failure failure;
	int sys_errno;
	char tls_reason[256];

	/* Filled by the verify callback during the handshake. */
	int pinned;
	int verify_error;		/* first X509_V_ERR_*, or X509_V_OK */
	int verify_depth;
	char leaf_fingerprint[FINGERPRINT_TEXT_SIZE + 1];
	char leaf_names[256];		/* subjectAltName entries, for messages */
};

static pthread_once_t bio_once = PTHREAD_ONCE_INIT;
static BIO_METHOD *socket_bio_method;	/* written once under bio_once */

static const char *
account_name(const char *account)
{
	return account != NULL ? account : "(unnamed)";
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd; returns 1 when ready, 0 at the deadline, -1. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { fd, events, 0 };
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/*
 * Starts a step: the reads and writes until the next step share one
 * deadline, timeout_seconds from now, and one read budget of
 * LD_CONN_MAX_STEP_BYTES.
 */
static void
begin_step(struct ld_conn *conn)
{
	conn->step_deadline_ms = now_ms() + (int64_t)conn->timeout_seconds * 1000;
	conn->step_bytes = 0;
}

static void
set_failure(struct ld_conn *conn, enum conn_failure failure)
{
	if (conn->failure != CONN_FAILURE_NONE)
		return;
	conn->failure = failure;
	if (failure == CONN_FAILURE_SYSTEM)
		conn->sys_errno = errno;
	if (failure == CONN_FAILURE_TLS) {
		unsigned long e = ERR_peek_last_error();

		if (e != 0)
			ERR_error_string_n(e, conn->tls_reason,
			    sizeof(conn->tls_reason));
		else
			snprintf(conn->tls_reason, sizeof(conn->tls_reason),
			    "unknown TLS error");
	}
}

/*
 * A socket BIO that never raises SIGPIPE.  Its data is the ld_conn, and
 * the socket stays non-blocking: EAGAIN becomes a retry for OpenSSL.
 */
static int
socket_bio_write(BIO *bio, const char *data, int size)
{
	struct ld_conn *conn = BIO_get_data(bio);
	ssize_t n;

	BIO_clear_retry_flags(bio);
	n = send(conn->fd, data, (size_t)size, MSG_NOSIGNAL);
	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		BIO_set_retry_write(bio);
	else
		conn->sys_errno = errno;
	return -1;
}

static int
socket_bio_read(BIO *bio, char *data, int size)
{
	struct ld_conn *conn = BIO_get_data(bio);
	ssize_t n;

	BIO_clear_retry_flags(bio);
	n = recv(conn->fd, data, (size_t)size, 0);
	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		BIO_set_retry_read(bio);
	else
		conn->sys_errno = errno;
	return -1;
}

static long
socket_bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
	(void)bio;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int
socket_bio_create(BIO *bio)
{
	BIO_set_init(bio, 1);
	return 1;
}

static void
socket_bio_init_once(void)
{
	BIO_METHOD *method;

	method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
	    "landed socket");
	if (method == NULL)
		return;
	BIO_meth_set_write(method, socket_bio_write);
	BIO_meth_set_read(method, socket_bio_read);
	BIO_meth_set_ctrl(method, socket_bio_ctrl);
	BIO_meth_set_create(method, socket_bio_create);
	socket_bio_method = method;
}

int
ld_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (host == NULL)
		return 0;
	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

/* Returns 1 when host is an IPv4 or IPv6 address literal. */
static int
host_is_address(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

static int
address_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;

		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;

		return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
	}
	return 0;
}

/*
 * Connects one non-blocking socket to one address.  Returns the socket,
 * or -1 with errno set (ETIMEDOUT at the deadline).
 */
static int
connect_address(const struct addrinfo *ai, int64_t deadline)
{
	int fd, r, soerr = 0;
	socklen_t len = sizeof(soerr);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (fd >= FD_SETSIZE) {
		/* libetpan waits with select(), which cannot take this fd. */
		close(fd);
		errno = EMFILE;
		return -1;
	}

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto fail;

	r = wait_fd(fd, POLLOUT, deadline);
	if (r == 0)
		errno = ETIMEDOUT;
	if (r <= 0)
		goto fail;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		goto fail;
	if (soerr != 0) {
		errno = soerr;
		goto fail;
	}
	return fd;

fail:
	r = errno;
	close(fd);
	errno = r;
	return -1;
}

static enum ld_status
connect_error(const struct ld_conn_params *params, unsigned timeout, int e,
    struct ld_error *err)
{
	const char *account = account_name(params->account);

	switch (e) {
	case ETIMEDOUT:
		return ld_error_set(err, LD_ERR_TIMEOUT,
		    "account %s: no reply from %s:%u within %u s while "
		    "connecting; check host, port and firewall",
		    account, params->host, params->port, timeout);
	case ECONNREFUSED:
		return ld_error_set(err, LD_ERR_NETWORK,
		    "account %s: connection to %s:%u refused; check host and "
		    "port, and that the IMAP server is running",
		    account, params->host, params->port);
	case EMFILE:
		return ld_error_set(err, LD_ERR_LIMIT,
		    "account %s: cannot connect to %s:%u: too many open files "
		    "(libetpan needs descriptors below FD_SETSIZE %d); lower "
		    "the number of parallel connections",
		    account, params->host, params->port, FD_SETSIZE);
	default:
		return ld_error_set(err, LD_ERR_NETWORK,
		    "account %s: cannot connect to %s:%u: %s",
		    account, params->host, params->port, strerror(e));
	}
}

static struct ld_conn *
conn_new(const struct ld_conn_params *params, unsigned timeout)
{
	struct ld_conn *conn = calloc(1, sizeof(*conn));

	if (conn == NULL)
		return NULL;
	conn->fd = -1;
	conn->port = params->port;
	conn->timeout_seconds = timeout;
	conn->verify_error = X509_V_OK;
	conn->account = strdup(account_name(params->account));
	conn->host = strdup(params->host);
	if (conn->account == NULL || conn->host == NULL) {
		ld_conn_close(&conn);
		return NULL;
	}
	return conn;
}

/*
 * A name lookup that may outlive its caller.  getaddrinfo() has no
 * timeout, so it runs in a detached thread.  A caller whose deadline
 * passes marks the lookup abandoned and returns.  The thread then frees
 * everything when the resolver finally replies.
 */
struct lookup {
	pthread_mutex_t lock;
	pthread_cond_t finished;
	int done;
	int abandoned;
	char *host;
	char service[16];
	struct addrinfo hints;
	struct addrinfo *list;
	int result;
	int sys_errno;
};

static void
lookup_free(struct lookup *lookup)
{
	if (lookup->list != NULL)
		freeaddrinfo(lookup->list);
	pthread_cond_destroy(&lookup->finished);
	pthread_mutex_destroy(&lookup->lock);
	free(lookup->host);
	free(lookup);
}

static void *
lookup_run(void *arg)
{
	struct lookup *lookup = arg;
	struct addrinfo *list = NULL;
	int result, abandoned;

	result = getaddrinfo(lookup->host, lookup->service, &lookup->hints,
	    &list);
	pthread_mutex_lock(&lookup->lock);
	lookup->result = result;
	lookup->sys_errno = errno;
	lookup->list = list;
	lookup->done = 1;
	abandoned = lookup->abandoned;
	pthread_cond_signal(&lookup->finished);
	pthread_mutex_unlock(&lookup->lock);
	if (abandoned)
		lookup_free(lookup);
	return NULL;
}

/*
 * Resolves host like getaddrinfo(), but gives up at deadline_ms
 * (CLOCK_MONOTONIC) and then returns EAI_AGAIN with *timed_out set.
 */
static int
resolve_until(const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **list_r,
    int64_t deadline_ms, int *timed_out)
{
	struct lookup *lookup = calloc(1, sizeof(*lookup));
	pthread_condattr_t attributes;
	pthread_attr_t thread_attributes;
	pthread_t thread;
	int result;

	*list_r = NULL;
	*timed_out = 0;
	if (lookup == NULL || (lookup->host = strdup(host)) == NULL) {
		free(lookup);
		return EAI_MEMORY;
	}
	snprintf(lookup->service, sizeof(lookup->service), "%s", service);
	lookup->hints = *hints;
	pthread_mutex_init(&lookup->lock, NULL);
	pthread_condattr_init(&attributes);
	pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	pthread_cond_init(&lookup->finished, &attributes);
	pthread_condattr_destroy(&attributes);

	pthread_attr_init(&thread_attributes);
	pthread_attr_setdetachstate(&thread_attributes, PTHREAD_CREATE_DETACHED);
	result = pthread_create(&thread, &thread_attributes, lookup_run, lookup);
	pthread_attr_destroy(&thread_attributes);
	if (result != 0) {
		/* No thread to spare: look up in this one, without a limit. */
		result = getaddrinfo(host, service, hints, list_r);
		lookup_free(lookup);
		return result;
	}

	pthread_mutex_lock(&lookup->lock);
	while (!lookup->done) {
		struct timespec until = {
			.tv_sec = (time_t)(deadline_ms / 1000),
			.tv_nsec = (long)(deadline_ms % 1000) * 1000000L,
		};

		if (pthread_cond_timedwait(&lookup->finished, &lookup->lock,
		    &until) == ETIMEDOUT && !lookup->done) {
			lookup->abandoned = 1;
			pthread_mutex_unlock(&lookup->lock);
			*timed_out = 1;
			return EAI_AGAIN;
		}
	}
	pthread_mutex_unlock(&lookup->lock);

	result = lookup->result;
	errno = lookup->sys_errno;
	*list_r = lookup->list;
	lookup->list = NULL;
	lookup_free(lookup);
	return result;
}

enum ld_status
ld_conn_open(const struct ld_conn_params *params, struct ld_conn **conn_r,
    struct ld_error *err)
{
	struct addrinfo hints, *list = NULL;
	unsigned timeout = params->timeout_seconds != 0 ?
	    params->timeout_seconds : DEFAULT_TIMEOUT_SECONDS;
	int64_t deadline = now_ms() + (int64_t)timeout * 1000;
	char service[16];
	int fd = -1, last_errno = ECONNREFUSED, r, timed_out;

	*conn_r = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%u", params->port);

	r = resolve_until(params->host, service, &hints, &list, deadline,
	    &timed_out);
	if (timed_out)
		return ld_error_set(err, LD_ERR_TIMEOUT,
		    "account %s: looking up the host name %s timed out after "
		    "%u s; check the DNS resolver, or set host to an address",
		    account_name(params->account), params->host, timeout);
	if (r != 0)
		return ld_error_set(err, LD_ERR_NETWORK,
		    "account %s: cannot resolve host name %s: %s",
		    account_name(params->account), params->host,
		    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));

	for (struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next) {
		if (params->loopback_only && !address_is_loopback(ai->ai_addr)) {
			last_errno = EACCES;
			continue;
		}
		fd = connect_address(ai, deadline);
		if (fd < 0)
			last_errno = errno;
	}
	freeaddrinfo(list);

	if (fd < 0 && last_errno == EACCES)
		return ld_error_set(err, LD_ERR_CONFIG,
		    "account %s: %s resolves to an address outside loopback, "
		    "and tls = none is only allowed to loopback; use tls = "
		    "implicit or starttls", account_name(params->account),
		    params->host);
	if (fd < 0)
		return connect_error(params, timeout, last_errno, err);

	if ((*conn_r = conn_new(params, timeout)) == NULL) {
		close(fd);
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	}
	(*conn_r)->fd = fd;
	/* Connecting and reading the greeting are one step. */
	(*conn_r)->step_deadline_ms = deadline;
	ld_log_debug(LD_DEBUG_TLS, "account %s: connected to %s:%u (fd %d)",
	    (*conn_r)->account, params->host, params->port, fd);
	return LD_OK;
}

static int
is_hex(char c)
{
	return isxdigit((unsigned char)c);
}

static unsigned
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	return (unsigned)(tolower((unsigned char)c) - 'a' + 10);
}

enum ld_status
ld_tls_parse_fingerprint(const char *text, unsigned char digest[32],
    struct ld_error *err)
{
	const char *p = text;
	size_t n = 0;

	if (strncasecmp(p, "sha256:", 7) != 0)
		goto invalid;
	p += 7;
	while (*p != '\0') {
		if (n == FINGERPRINT_SIZE || !is_hex(p[0]) || !is_hex(p[1]))
			goto invalid;
		digest[n++] = (unsigned char)(hex_value(p[0]) << 4 |
		    hex_value(p[1]));
		p += 2;
		if (*p == ':' && p[1] != '\0')
			p++;
	}
	if (n == FINGERPRINT_SIZE)
		return LD_OK;

invalid:
	return ld_error_set(err, LD_ERR_CONFIG,
	    "invalid tls_fingerprint \"%s\": expected \"sha256:\" and the 32 "
	    "bytes of the certificate's SHA-256 digest in hex, as in "
	    "sha256:AB:CD:...", text);
}

static void
format_fingerprint(const unsigned char *digest, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	char *p = out;

	memcpy(p, "sha256:", 7);
	p += 7;
	for (size_t i = 0; i < FINGERPRINT_SIZE; i++) {
		if (i > 0)
			*p++ = ':';
		*p++ = hex[digest[i] >> 4];
		*p++ = hex[digest[i] & 0x0f];
	}
	*p = '\0';
}

static int
cert_digest(X509 *cert, unsigned char digest[FINGERPRINT_SIZE])
{
	unsigned int len = 0;

	return X509_digest(cert, EVP_sha256(), digest, &len) == 1 &&
	    len == FINGERPRINT_SIZE;
}

static void
append_name(char *out, size_t size, const char *name)
{
	size_t used = strlen(out);

	snprintf(out + used, size - used, "%s%s", used > 0 ? ", " : "", name);
}

/* Writes the DNS names and IP addresses of a certificate's subjectAltName. */
static void
list_cert_names(X509 *cert, char *out, size_t size)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name,
	    NULL, NULL);
	char text[INET6_ADDRSTRLEN];

	out[0] = '\0';
	for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);
		const unsigned char *data;
		int len;

		if (name->type == GEN_DNS) {
			data = ASN1_STRING_get0_data(name->d.dNSName);
			len = ASN1_STRING_length(name->d.dNSName);
			if (len > 0 && len < (int)sizeof(text) &&
			    memchr(data, '\0', (size_t)len) == NULL) {
				memcpy(text, data, (size_t)len);
				text[len] = '\0';
				append_name(out, size, text);
			}
		} else if (name->type == GEN_IPADD) {
			data = ASN1_STRING_get0_data(name->d.iPAddress);
			len = ASN1_STRING_length(name->d.iPAddress);
			if ((len == 4 && inet_ntop(AF_INET, data, text,
			    sizeof(text)) != NULL) || (len == 16 &&
			    inet_ntop(AF_INET6, data, text, sizeof(text)) != NULL))
				append_name(out, size, text);
		}
	}
	GENERAL_NAMES_free(names);
	if (out[0] == '\0')
		snprintf(out, size, "no DNS name or IP address");
}

/*
 * Records the leaf certificate's fingerprint and the first verification
 * error, for the error message.  When pinned, the chain is not checked
 * here: the handshake goes on and the pin is compared afterwards, before
 * any application data.
 */
static int
verify_callback(int preverify_ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct ld_conn *conn = ssl != NULL ? SSL_get_app_data(ssl) : NULL;
	unsigned char digest[FINGERPRINT_SIZE];

	if (conn == NULL)
		return 0;
	if (conn->leaf_fingerprint[0] == '\0') {
		X509 *leaf = X509_STORE_CTX_get0_cert(store);

		if (leaf != NULL && cert_digest(leaf, digest))
			format_fingerprint(digest, conn->leaf_fingerprint);
		if (leaf != NULL)
			list_cert_names(leaf, conn->leaf_names,
			    sizeof(conn->leaf_names));
	}
	if (!preverify_ok && conn->verify_error == X509_V_OK) {
		conn->verify_error = X509_STORE_CTX_get_error(store);
		conn->verify_depth = X509_STORE_CTX_get_error_depth(store);
	}
	return conn->pinned ? 1 : preverify_ok;
}

static enum ld_status
setup_verification(struct ld_conn *conn, const struct ld_conn_params *params,
    struct ld_error *err)
{
	X509_VERIFY_PARAM *vp;

	SSL_set_verify(conn->ssl, SSL_VERIFY_PEER, verify_callback);
	if (conn->pinned)
		return LD_OK;

	if (params->ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(conn->ctx, params->ca_file,
		    NULL) != 1)
			return ld_error_set(err, LD_ERR_CONFIG,
			    "account %s: cannot load ca_file %s: %s; give a "
			    "readable PEM file with the CA certificate",
			    conn->account, params->ca_file,
			    ERR_reason_error_string(ERR_peek_last_error()));
	} else if (SSL_CTX_set_default_verify_paths(conn->ctx) != 1) {
		return ld_error_set(err, LD_ERR_TLS,
		    "account %s: cannot load the system trust store; install "
		    "ca-certificates or set ca_file", conn->account);
	}

	vp = SSL_get0_param(conn->ssl);
	if (host_is_address(conn->host)) {
		if (X509_VERIFY_PARAM_set1_ip_asc(vp, conn->host) != 1)
			return ld_error_set(err, LD_ERR_TLS,
			    "account %s: cannot check the certificate against "
			    "address %s", conn->account, conn->host);
	} else if (SSL_set1_host(conn->ssl, conn->host) != 1 ||
	    SSL_set_tlsext_host_name(conn->ssl, conn->host) != 1) {
		return ld_error_set(err, LD_ERR_TLS,
		    "account %s: cannot check the certificate against host "
		    "name %s", conn->account, conn->host);
	}
	return LD_OK;
}

static enum ld_status
certificate_error(const struct ld_conn *conn, struct ld_error *err)
{
	const char *fingerprint = conn->leaf_fingerprint[0] != '\0' ?
	    conn->leaf_fingerprint : "(not received)";
	int e = conn->verify_error;

	if (e == X509_V_ERR_HOSTNAME_MISMATCH ||
	    e == X509_V_ERR_IP_ADDRESS_MISMATCH)
		return ld_error_set(err, LD_ERR_TLS,
		    "account %s: the TLS certificate of %s:%u is not valid for "
		    "%s (it names %s); connect with a name that the "
		    "certificate lists, or pin this certificate with "
		    "tls_fingerprint = %s", conn->account, conn->host,
		    conn->port, conn->host, conn->leaf_names, fingerprint);
	return ld_error_set(err, LD_ERR_TLS,
	    "account %s: the TLS certificate of %s:%u is not trusted: %s "
	    "(chain depth %d); set ca_file to the CA certificate that issued "
	    "it, or pin this certificate with tls_fingerprint = %s",
	    conn->account, conn->host, conn->port,
	    X509_verify_cert_error_string(e), conn->verify_depth, fingerprint);
}

static enum ld_status
handshake_error(struct ld_conn *conn, int ssl_error, struct ld_error *err)
{
	if (!conn->pinned && conn->verify_error != X509_V_OK)
		return certificate_error(conn, err);

	if (ssl_error == SSL_ERROR_ZERO_RETURN ||
	    (ssl_error == SSL_ERROR_SYSCALL && conn->sys_errno == 0))
		return ld_error_set(err, LD_ERR_TLS,
		    "account %s: %s:%u closed the connection during the TLS "
		    "handshake; check that the port speaks TLS",
		    conn->account, conn->host, conn->port);
	if (ssl_error == SSL_ERROR_SYSCALL)
		return ld_error_set(err, LD_ERR_NETWORK,
		    "account %s: network error with %s:%u during the TLS "
		    "handshake: %s", conn->account, conn->host, conn->port,
		    strerror(conn->sys_errno));

	set_failure(conn, CONN_FAILURE_TLS);
	return ld_error_set(err, LD_ERR_TLS,
	    "account %s: TLS handshake with %s:%u failed: %s; check that the "
	    "port speaks TLS (tls = implicit usually means port 993, tls = "
	    "starttls port 143)", conn->account, conn->host, conn->port,
	    conn->tls_reason);
}

/* Compares the server's leaf certificate with the pinned digest. */
static enum ld_status
check_pin(struct ld_conn *conn, const unsigned char *pin,
    const char *pin_text, struct ld_error *err)
{
	X509 *leaf = SSL_get0_peer_certificate(conn->ssl);
	unsigned char digest[FINGERPRINT_SIZE];
	char text[FINGERPRINT_TEXT_SIZE + 1];

	if (leaf == NULL || !cert_digest(leaf, digest))
		return ld_error_set(err, LD_ERR_TLS,
		    "account %s: %s:%u sent no TLS certificate to compare with "
		    "tls_fingerprint", conn->account, conn->host, conn->port);
	if (memcmp(digest, pin, FINGERPRINT_SIZE) == 0)
		return LD_OK;

	format_fingerprint(digest, text);
	return ld_error_set(err, LD_ERR_TLS,
	    "account %s: the TLS certificate of %s:%u does not match "
	    "tls_fingerprint: the server sent %s but the configuration pins "
	    "%s; update tls_fingerprint only if the server's certificate "
	    "changed on purpose", conn->account, conn->host, conn->port, text,
	    pin_text);
}

static enum ld_status
create_ssl(struct ld_conn *conn, struct ld_error *err)
{
	BIO *bio;

	pthread_once(&bio_once, socket_bio_init_once);
	if (socket_bio_method == NULL)
		return ld_error_set(err, LD_ERR_NOMEM,
		    "out of memory while setting up TLS");

	conn->ctx = SSL_CTX_new(TLS_client_method());
	if (conn->ctx == NULL)
		return ld_error_set(err, LD_ERR_NOMEM,
		    "out of memory while setting up TLS");
	SSL_CTX_set_min_proto_version(conn->ctx, TLS1_2_VERSION);
	/* IMAP's tagged replies show truncation, so a bare EOF is a close. */
	SSL_CTX_set_options(conn->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);

	conn->ssl = SSL_new(conn->ctx);
	bio = BIO_new(socket_bio_method);
	if (conn->ssl == NULL || bio == NULL) {
		BIO_free(bio);
		return ld_error_set(err, LD_ERR_NOMEM,
		    "out of memory while setting up TLS");
	}
	BIO_set_data(bio, conn);
	SSL_set_bio(conn->ssl, bio, bio);
	SSL_set_app_data(conn->ssl, conn);
	return LD_OK;
}

enum ld_status
ld_conn_start_tls(struct ld_conn *conn, const struct ld_conn_params *params,
    struct ld_error *err)
{
	unsigned char pin[FINGERPRINT_SIZE];
	enum ld_status status;

	if (params->tls_fingerprint != NULL) {
		status = ld_tls_parse_fingerprint(params->tls_fingerprint, pin,
		    err);
		if (status != LD_OK)
			return status;
		conn->pinned = 1;
	}
	if ((status = create_ssl(conn, err)) != LD_OK)
		return status;
	if ((status = setup_verification(conn, params, err)) != LD_OK)
		return status;

	begin_step(conn);
	for (;;) {
		int r, e, ready;

		ERR_clear_error();
		conn->sys_errno = 0;
		r = SSL_connect(conn->ssl);
		if (r == 1)
			break;
		e = SSL_get_error(conn->ssl, r);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			return handshake_error(conn, e, err);
		ready = wait_fd(conn->fd,
		    e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
		    conn->step_deadline_ms);
		if (ready == 0) {
			set_failure(conn, CONN_FAILURE_TIMEOUT);
			return ld_error_set(err, LD_ERR_TIMEOUT,
			    "account %s: no reply from %s:%u within %u s during "
			    "the TLS handshake; check that the port speaks TLS",
			    conn->account, conn->host, conn->port,
			    conn->timeout_seconds);
		}
		if (ready < 0) {
			conn->sys_errno = errno;
			return handshake_error(conn, SSL_ERROR_SYSCALL, err);
		}
	}

	if (conn->pinned)
		status = check_pin(conn, pin, params->tls_fingerprint, err);
	else if (SSL_get0_peer_certificate(conn->ssl) == NULL ||
	    SSL_get_verify_result(conn->ssl) != X509_V_OK)
		status = certificate_error(conn, err);
	if (status != LD_OK)
		return status;

	/* With implicit TLS the greeting follows without a write. */
	begin_step(conn);
	ld_log_debug(LD_DEBUG_TLS, "account %s: %s with %s:%u, cipher %s, %s",
	    conn->account, SSL_get_version(conn->ssl), conn->host, conn->port,
	    SSL_get_cipher_name(conn->ssl),
	    conn->pinned ? "certificate matches the pin" :
	    "certificate verified");
	return LD_OK;
}

/*
 * Runs one SSL_read or SSL_write step.  Returns the byte count, 0 on a
 * clean close, -1 on failure, or -2 with *events set when it must wait.
 */
static ssize_t
tls_step(struct ld_conn *conn, void *rbuf, const void *wbuf, size_t size,
    short *events)
{
	int n, e, len = size > INT_MAX ? INT_MAX : (int)size;

	ERR_clear_error();
	conn->sys_errno = 0;
	n = wbuf != NULL ? SSL_write(conn->ssl, wbuf, len) :
	    SSL_read(conn->ssl, rbuf, len);
	if (n > 0)
		return n;

	e = SSL_get_error(conn->ssl, n);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		*events = POLLIN;
		return -2;
	case SSL_ERROR_WANT_WRITE:
		*events = POLLOUT;
		return -2;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (conn->sys_errno == 0)
			return 0;
		errno = conn->sys_errno;
		set_failure(conn, CONN_FAILURE_SYSTEM);
		return -1;
	default:
		set_failure(conn, CONN_FAILURE_TLS);
		return -1;
	}
}

static ssize_t
plain_step(struct ld_conn *conn, void *rbuf, const void *wbuf, size_t size,
    short *events)
{
	ssize_t n;

	n = wbuf != NULL ? send(conn->fd, wbuf, size, MSG_NOSIGNAL) :
	    recv(conn->fd, rbuf, size, 0);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		*events = wbuf != NULL ? POLLOUT : POLLIN;
		return -2;
	}
	set_failure(conn, CONN_FAILURE_SYSTEM);
	return -1;
}

/*
 * Reads into rbuf, or writes wbuf when it is not NULL, at least one byte,
 * waiting up to the step's deadline.  Returns as ld_conn_read() does.
 */
static ssize_t
transfer(struct ld_conn *conn, void *rbuf, const void *wbuf, size_t size)
{
	if (conn->failure != CONN_FAILURE_NONE)
		return -1;
	/* poll() alone would miss a deadline while data keeps arriving. */
	if (now_ms() >= conn->step_deadline_ms) {
		set_failure(conn, CONN_FAILURE_TIMEOUT);
		return -1;
	}
	for (;;) {
		short events = 0;
		ssize_t n = conn->ssl != NULL ?
		    tls_step(conn, rbuf, wbuf, size, &events) :
		    plain_step(conn, rbuf, wbuf, size, &events);
		int ready;

		if (n == 0 && wbuf == NULL)
			set_failure(conn, CONN_FAILURE_CLOSED);
		if (n != -2)
			return n;

		ready = wait_fd(conn->fd, events, conn->step_deadline_ms);
		if (ready == 0) {
			set_failure(conn, CONN_FAILURE_TIMEOUT);
			return -1;
		}
		if (ready < 0) {
			set_failure(conn, CONN_FAILURE_SYSTEM);
			return -1;
		}
	}
}

ssize_t
ld_conn_read(struct ld_conn *conn, void *buf, size_t size)
{
	ssize_t n;

	/* Reading one byte past the budget is enough to know it was exceeded. */
	if (size > LD_CONN_MAX_STEP_BYTES - conn->step_bytes + 1)
		size = (size_t)(LD_CONN_MAX_STEP_BYTES - conn->step_bytes + 1);
	n = transfer(conn, buf, NULL, size);
	if (n <= 0)
		return n;
	conn->step_bytes += (uint64_t)n;
	if (conn->step_bytes > LD_CONN_MAX_STEP_BYTES) {
		set_failure(conn, CONN_FAILURE_TOO_LARGE);
		return -1;
	}
	return n;
}

ssize_t
ld_conn_write(struct ld_conn *conn, const void *buf, size_t size)
{
	size_t done = 0;

	begin_step(conn);
	while (done < size) {
		ssize_t n = transfer(conn, NULL, (const char *)buf + done,
		    size - done);

		if (n <= 0) {
			set_failure(conn, CONN_FAILURE_CLOSED);
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)size;
}

enum ld_status
ld_conn_error(const struct ld_conn *conn, const char *step,
    struct ld_error *err)
{
	switch (conn->failure) {
	case CONN_FAILURE_NONE:
		return LD_OK;
	case CONN_FAILURE_TIMEOUT:
		return ld_error_set(err, LD_ERR_TIMEOUT,
		    "account %s: no reply from %s:%u within %u s during %s; "
		    "try again later or raise the timeout",
		    conn->account, conn->host, conn->port,
		    conn->timeout_seconds, step);
	case CONN_FAILURE_CLOSED:
		return ld_error_set(err, LD_ERR_NETWORK,
		    "account %s: %s:%u closed the connection during %s; try "
		    "again later, and read the server's log if it repeats",
		    conn->account, conn->host, conn->port, step);
	case CONN_FAILURE_SYSTEM:
		return ld_error_set(err, LD_ERR_NETWORK,
		    "account %s: network error with %s:%u during %s: %s",
		    conn->account, conn->host, conn->port, step,
		    strerror(conn->sys_errno));
	case CONN_FAILURE_TLS:
		return ld_error_set(err, LD_ERR_TLS,
		    "account %s: TLS error with %s:%u during %s: %s",
		    conn->account, conn->host, conn->port, step,
		    conn->tls_reason);
	case CONN_FAILURE_TOO_LARGE:
		return ld_error_set(err, LD_ERR_PROTOCOL,
		    "account %s: %s:%u sent more than %lu MiB in reply to one "
		    "command; landed stopped reading", conn->account,
		    conn->host, conn->port, LD_CONN_MAX_STEP_BYTES >> 20);
	}
	return LD_OK;
}

int
ld_conn_is_broken(const struct ld_conn *conn)
{
	return conn->failure != CONN_FAILURE_NONE;
}

int
ld_conn_fd(const struct ld_conn *conn)
{
	return conn->fd;
}

void
ld_conn_close(struct ld_conn **connp)
{
	struct ld_conn *conn;

	if (connp == NULL || (conn = *connp) == NULL)
		return;
	if (conn->ssl != NULL) {
		/* One non-blocking try at close_notify; no wait for the reply. */
		if (conn->failure == CONN_FAILURE_NONE &&
		    SSL_is_init_finished(conn->ssl))
			SSL_shutdown(conn->ssl);
		SSL_free(conn->ssl);
	}
	SSL_CTX_free(conn->ctx);
	if (conn->fd >= 0)
		close(conn->fd);
	free(conn->account);
	free(conn->host);
	free(conn);
	*connp = NULL;
}

int
ld_conn_pending(const struct ld_conn *conn)
{
	return conn != NULL && conn->ssl != NULL && SSL_pending(conn->ssl) > 0;
}

char *
ld_base64_encode(const unsigned char *data, size_t size)
{
	char *out;

	if (size > INT_MAX / 2)
		return NULL;
	out = malloc((size + 2) / 3 * 4 + 1);
	if (out == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, data, (int)size);
	return out;
}

unsigned char *
ld_base64_decode(const char *text, size_t *size_r)
{
	size_t length = strlen(text);
	unsigned char *out;
	int n;

	if (length % 4 != 0 || length > INT_MAX / 2)
		return NULL;
	out = malloc(length / 4 * 3 + 1);
	if (out == NULL)
		return NULL;
	/* EVP_DecodeBlock counts the padding as zero bytes: drop them. */
	n = EVP_DecodeBlock(out, (const unsigned char *)text, (int)length);
	if (n < 0) {
		free(out);
		return NULL;
	}
	for (size_t i = length; i > 0 && text[i - 1] == '='; i--)
		n--;
	out[n] = '\0';
	*size_r = (size_t)n;
	return out;
}
