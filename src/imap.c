/*
 * IMAP session over libetpan (IMAP4rev1, RFC 3501), read-only: EXAMINE,
 * UID SEARCH and UID FETCH with BODY.PEEK, plus LIST with SPECIAL-USE
 * attributes (RFC 6154), and SASL PLAIN (RFC 4616), XOAUTH2 and
 * OAUTHBEARER (RFC 7628).  IDLE (RFC 2177) waits for new mail.
 *
 * libetpan reads and writes through a stream driver defined here that
 * calls tls.c, so OpenSSL does TLS with verification and every read and
 * write has the session's timeout.  This is the only file that includes
 * libetpan.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "imap.h"
#include "log.h"
#include "mutf7.h"
#include "tls.h"

#define DEFAULT_TIMEOUT_SECONDS	30
#define TRACE_LINE_SIZE		400

/* One direction of the wire trace, collected into lines. */
struct trace_buffer {
	char text[TRACE_LINE_SIZE];
	size_t length;
	int truncated;
	int private_data;	/* part of the line was sent as private */
};

struct ld_imap {
	mailimap *imap;		/* owned; owns the stream and so the conn */
	struct ld_conn *conn;	/* borrowed from the stream driver */
	char *account;		/* owned */
	char *host;		/* owned */
	unsigned port;
	int broken;		/* no more commands: the stream failed */
	int idling;		/* IDLE sent and not yet ended with DONE */
	char sasl_error[256];	/* decoded error challenge of a failed SASL login */
	struct trace_buffer sent;
	struct trace_buffer received;
};

/*
 * The stream driver: libetpan's reads and writes go to the ld_conn in
 * low->data, which the driver owns and closes.  libetpan never writes to
 * this table, but its API takes a non-const pointer.
 */
static ssize_t
stream_read(mailstream_low *low, void *buf, size_t size)
{
	return ld_conn_read(low->data, buf, size);
}

static ssize_t
stream_write(mailstream_low *low, const void *buf, size_t size)
{
	return ld_conn_write(low->data, buf, size);
}

static int
stream_close(mailstream_low *low)
{
	struct ld_conn *conn = low->data;

	ld_conn_close(&conn);
	low->data = NULL;
	return 0;
}

static int
stream_get_fd(mailstream_low *low)
{
	return low->data != NULL ? ld_conn_fd(low->data) : -1;
}

static void
stream_free(mailstream_low *low)
{
	stream_close(low);
	free(low);
}

static mailstream_low_driver stream_driver = {
	.mailstream_read = stream_read,
	.mailstream_write = stream_write,
	.mailstream_close = stream_close,
	.mailstream_get_fd = stream_get_fd,
	.mailstream_free = stream_free,
};

/* Wire trace */

/* Replaces the arguments of LOGIN and AUTHENTICATE, and private lines. */
static void
trace_emit(const char *prefix, struct trace_buffer *tb)
{
	char tag[32] = "", command[32] = "", mechanism[32] = "";
	const char *text = tb->text;

	sscanf(tb->text, "%31s %31s %31s", tag, command, mechanism);
	if (strcasecmp(command, "LOGIN") == 0) {
		ld_log_debug(LD_DEBUG_IMAP, "%s%s LOGIN ***", prefix, tag);
	} else if (strcasecmp(command, "AUTHENTICATE") == 0) {
		ld_log_debug(LD_DEBUG_IMAP, "%s%s AUTHENTICATE %s ***", prefix,
		    tag, mechanism);
	} else if (tb->private_data) {
		ld_log_debug(LD_DEBUG_IMAP, "%s***", prefix);
	} else {
		ld_log_debug(LD_DEBUG_IMAP, "%s%s%s", prefix, text,
		    tb->truncated ? " [...]" : "");
	}
	tb->length = 0;
	tb->text[0] = '\0';
	tb->truncated = 0;
	tb->private_data = 0;
}

static void
trace_add(const char *prefix, struct trace_buffer *tb, const char *data,
    size_t size, int private_data)
{
	for (size_t i = 0; i < size; i++) {
		unsigned char c = (unsigned char)data[i];

		if (private_data)
			tb->private_data = 1;
		if (c == '\n') {
			trace_emit(prefix, tb);
			continue;
		}
		if (c == '\r')
			continue;
		if (tb->length + 1 >= sizeof(tb->text)) {
			tb->truncated = 1;
			continue;
		}
		tb->text[tb->length++] = isprint(c) || c >= 0x80 ? (char)c : '?';
		tb->text[tb->length] = '\0';
	}
}

static void
trace_logger(mailimap *imap, int log_type, const char *data, size_t size,
    void *context)
{
	struct ld_imap *session = context;

	(void)imap;
	switch (log_type) {
	case MAILSTREAM_LOG_TYPE_DATA_SENT:
		trace_add("C: ", &session->sent, data, size, 0);
		break;
	case MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE:
		trace_add("C: ", &session->sent, data, size, 1);
		break;
	case MAILSTREAM_LOG_TYPE_DATA_RECEIVED:
		trace_add("S: ", &session->received, data, size, 0);
		break;
	default:
		break;
	}
}

/* Errors */

/*
 * Copies the text of the server's last reply line, after the tag and
 * the status word, into out: "[AUTHENTICATIONFAILED] Authentication
 * failed."  Falls back to libetpan's response text.
 */
static const char *
server_text(const struct ld_imap *session, char *out, size_t size)
{
	const MMAPString *buffer = session->imap->imap_stream_buffer;
	const char *line = NULL, *end, *p;
	size_t n = 0;

	out[0] = '\0';
	if (buffer != NULL && buffer->str != NULL && buffer->len > 0) {
		end = buffer->str + buffer->len;
		while (end > buffer->str && (end[-1] == '\n' || end[-1] == '\r'))
			end--;
		for (line = end; line > buffer->str && line[-1] != '\n'; line--)
			;
		p = line;
		/* Skip "tag " and "NO ". */
		for (int word = 0; word < 2 && p < end; word++) {
			while (p < end && *p != ' ')
				p++;
			while (p < end && *p == ' ')
				p++;
		}
		if (line[0] == '*' || line[0] == '+' || p >= end)
			p = line;
		for (; p < end && n + 1 < size; p++)
			out[n++] = isprint((unsigned char)*p) ? *p : '?';
		out[n] = '\0';
	}
	if (n == 0 && session->imap->imap_response != NULL)
		snprintf(out, size, "%s", session->imap->imap_response);
	if (out[0] == '\0')
		snprintf(out, size, "(no text)");
	return out;
}

/* Turns a libetpan error from command step into a status and sentence. */
static enum ld_status
imap_failure(struct ld_imap *session, int r, const char *step,
    struct ld_error *err)
{
	char text[400];

	switch (r) {
	case MAILIMAP_ERROR_MEMORY:
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory during %s",
		    step);
	case MAILIMAP_ERROR_STREAM:
		session->broken = 1;
		if (ld_conn_is_broken(session->conn))
			return ld_conn_error(session->conn, step, err);
		return ld_error_set(err, LD_ERR_NETWORK,
		    "account %s: lost the connection to %s:%u during %s",
		    session->account, session->host, session->port, step);
	case MAILIMAP_ERROR_PARSE:
		session->broken = 1;
		return ld_error_set(err, LD_ERR_PROTOCOL,
		    "account %s: %s:%u sent a reply to %s that is not valid "
		    "IMAP; check that host and port belong to an IMAP server, "
		    "and run with --debug=imap to see the reply",
		    session->account, session->host, session->port, step);
	case MAILIMAP_ERROR_FATAL:
		session->broken = 1;
		return ld_error_set(err, LD_ERR_PROTOCOL,
		    "account %s: %s:%u ended the session (BYE) during %s: \"%s\"",
		    session->account, session->host, session->port, step,
		    server_text(session, text, sizeof(text)));
	case MAILIMAP_ERROR_PROTOCOL:
		return ld_error_set(err, LD_ERR_PROTOCOL,
		    "account %s: %s:%u rejected %s as invalid (BAD): \"%s\"",
		    session->account, session->host, session->port, step,
		    server_text(session, text, sizeof(text)));
	default:
		return ld_error_set(err, LD_ERR_PROTOCOL,
		    "account %s: %s:%u rejected %s: \"%s\"", session->account,
		    session->host, session->port, step,
		    server_text(session, text, sizeof(text)));
	}
}

/* Describes why a session that failed earlier takes no more commands. */
static enum ld_status
broken_error(const struct ld_imap *session, const char *step,
    struct ld_error *err)
{
	if (session->conn != NULL && ld_conn_error(session->conn, step, err) !=
	    LD_OK)
		return err != NULL ? err->status : LD_ERR_NETWORK;
	return ld_error_set(err, LD_ERR_NETWORK,
	    "account %s: cannot run %s because the session with %s:%u failed "
	    "earlier; open a new session", session->account, step,
	    session->host, session->port);
}

/* Session set-up */

static enum ld_status
check_params(const struct ld_imap_params *params, struct ld_error *err)
{
	const char *account = params->account != NULL ? params->account :
	    "(unnamed)";

	if (params->host == NULL || params->host[0] == '\0')
		return ld_error_set(err, LD_ERR_CONFIG,
		    "account %s: host is missing", account);
	if (params->port == 0 || params->port > 65535)
		return ld_error_set(err, LD_ERR_CONFIG,
		    "account %s: port %u is invalid; use 1 to 65535",
		    account, params->port);
	if (params->user == NULL || params->secret == NULL)
		return ld_error_set(err, LD_ERR_CONFIG,
		    "account %s: user or password is missing", account);
	if (params->tls == LD_TLS_NONE && !ld_host_is_loopback(params->host))
		return ld_error_set(err, LD_ERR_CONFIG,
		    "account %s: tls = none is only allowed to a loopback "
		    "address (127.0.0.0/8, ::1, localhost), not to %s; use "
		    "tls = implicit or tls = starttls", account, params->host);
	return LD_OK;
}

static struct ld_imap *
session_new(const struct ld_imap_params *params)
{
	struct ld_imap *session = calloc(1, sizeof(*session));

	if (session == NULL)
		return NULL;
	session->account = strdup(params->account != NULL ? params->account :
	    "(unnamed)");
	session->host = strdup(params->host);
	session->port = params->port;
	session->imap = mailimap_new(0, NULL);
	if (session->account == NULL || session->host == NULL ||
	    session->imap == NULL) {
		ld_imap_close(&session);
		return NULL;
	}
	return session;
}

/* Hands conn to libetpan as a stream and reads the greeting. */
static enum ld_status
read_greeting(struct ld_imap *session, struct ld_conn *conn,
    const struct ld_imap_params *params, struct ld_error *err)
{
	mailstream_low *low;
	mailstream *stream;
	int r;

	low = mailstream_low_new(conn, &stream_driver);
	if (low == NULL) {
		ld_conn_close(&conn);
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	}
	stream = mailstream_new(low, 8192);
	if (stream == NULL) {
		mailstream_low_free(low);
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	}
	session->conn = conn;
	if (ld_log_debug_enabled(LD_DEBUG_IMAP))
		mailimap_set_logger(session->imap, trace_logger, session);

	r = mailimap_connect(session->imap, stream);
	if (r == MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION) {
		char text[400];

		session->broken = 1;
		return ld_error_set(err, LD_ERR_NETWORK,
		    "account %s: %s:%u rejected the connection: \"%s\"",
		    session->account, session->host, session->port,
		    server_text(session, text, sizeof(text)));
	}
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    params->tls == LD_TLS_STARTTLS) {
		/* RFC 3501: STARTTLS is not allowed after PREAUTH. */
		session->broken = 1;
		return ld_error_set(err, LD_ERR_TLS,
		    "account %s: %s:%u sent PREAUTH on a plaintext connection, "
		    "so STARTTLS is impossible; use tls = implicit",
		    session->account, session->host, session->port);
	}
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return imap_failure(session, r, "the greeting", err);
	return LD_OK;
}

static enum ld_status
refresh_capabilities(struct ld_imap *session, struct ld_error *err)
{
	struct mailimap_capability_data *caps = NULL;
	int r;

	r = mailimap_capability(session->imap, &caps);
	if (r != MAILIMAP_NO_ERROR)
		return imap_failure(session, r, "CAPABILITY", err);
	mailimap_capability_data_free(caps);
	return LD_OK;
}

static enum ld_status
start_tls(struct ld_imap *session, const struct ld_conn_params *conn_params,
    struct ld_error *err)
{
	enum ld_status status;
	int r;

	if (!mailimap_has_extension(session->imap, "STARTTLS")) {
		session->broken = 1;
		return ld_error_set(err, LD_ERR_TLS,
		    "account %s: %s:%u does not offer STARTTLS, so no "
		    "credentials were sent; use tls = implicit (usually port "
		    "993)", session->account, session->host, session->port);
	}
	r = mailimap_starttls(session->imap);
	if (r != MAILIMAP_NO_ERROR) {
		status = imap_failure(session, r, "STARTTLS", err);
		session->broken = 1;
		return status;
	}
	/* Bytes read before the handshake could be injected in plaintext. */
	if (session->imap->imap_stream->read_buffer_len != 0) {
		session->broken = 1;
		return ld_error_set(err, LD_ERR_TLS,
		    "account %s: %s:%u sent data right after accepting "
		    "STARTTLS, before the TLS handshake; this is how a "
		    "plaintext injection looks, so the session was closed",
		    session->account, session->host, session->port);
	}
	status = ld_conn_start_tls(session->conn, conn_params, err);
	if (status != LD_OK) {
		session->broken = 1;
		return status;
	}
	return refresh_capabilities(session, err);
}

/* SASL */

/* Writes text and CRLF, marked private so the trace masks it. */
static int
send_private_line(struct ld_imap *session, const char *text)
{
	mailstream *stream = session->imap->imap_stream;
	int ok;

	mailstream_set_privacy(stream, 0);
	ok = mailstream_write(stream, text, strlen(text)) >= 0 &&
	    mailstream_write(stream, "\r\n", 2) >= 0 &&
	    mailstream_flush(stream) == 0;
	mailstream_set_privacy(stream, 1);
	return ok ? MAILIMAP_NO_ERROR : MAILIMAP_ERROR_STREAM;
}

/*
 * Keeps the decoded text of a "+ BASE64" error challenge, which XOAUTH2
 * and OAUTHBEARER (RFC 7628 section 3.2.2) use for a JSON error such as
 * {"status":"invalid_token"}, with anything unprintable replaced.
 */
static void
keep_sasl_error(struct ld_imap *session, const char *line)
{
	char encoded[1024];
	unsigned char *decoded;
	size_t length = 0, n = 0;

	snprintf(encoded, sizeof(encoded), "%s", line[1] == ' ' ? line + 2 : "");
	encoded[strcspn(encoded, "\r\n")] = '\0';
	decoded = ld_base64_decode(encoded, &length);
	if (decoded == NULL)
		return;
	for (size_t i = 0; i < length && n + 1 < sizeof(session->sasl_error); i++)
		session->sasl_error[n++] = isprint(decoded[i]) ? (char)decoded[i] : '?';
	session->sasl_error[n] = '\0';
	free(decoded);
}

/*
 * Runs AUTHENTICATE with one client response: as SASL-IR (RFC 4959)
 * when the server has it, else after the first "+" continuation.  A
 * second continuation carries the server's error, and abort_reply is
 * sent in reply so that the tagged NO follows.
 */
static int
sasl_exchange(struct ld_imap *session, const char *mechanism,
    const char *response, const char *abort_reply)
{
	mailimap *imap = session->imap;
	struct mailimap_response *reply = NULL;
	int sasl_ir = mailimap_has_extension(imap, "SASL-IR");
	size_t size = strlen(mechanism) + strlen(response) + 32;
	char *command = malloc(size);
	char *line;
	int r;

	if (command == NULL)
		return MAILIMAP_ERROR_MEMORY;
	if (sasl_ir)
		snprintf(command, size, "AUTHENTICATE %s %s", mechanism,
		    response[0] != '\0' ? response : "=");
	else
		snprintf(command, size, "AUTHENTICATE %s", mechanism);

	mailstream_set_privacy(imap->imap_stream, 0);
	r = mailimap_send_current_tag(imap);
	mailstream_set_privacy(imap->imap_stream, 1);
	if (r == MAILIMAP_NO_ERROR)
		r = send_private_line(session, command);
	free(command);
	if (r != MAILIMAP_NO_ERROR)
		return r;

	if ((line = mailimap_read_line(imap)) == NULL)
		return MAILIMAP_ERROR_STREAM;
	if (!sasl_ir && line[0] == '+') {
		if ((r = send_private_line(session, response)) != MAILIMAP_NO_ERROR)
			return r;
		if ((line = mailimap_read_line(imap)) == NULL)
			return MAILIMAP_ERROR_STREAM;
	}
	if (line[0] == '+') {
		keep_sasl_error(session, line);
		if ((r = send_private_line(session, abort_reply)) != MAILIMAP_NO_ERROR)
			return r;
		if (mailimap_read_line(imap) == NULL)
			return MAILIMAP_ERROR_STREAM;
	}

	r = mailimap_parse_response(imap, &reply);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	r = reply->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
	mailimap_response_free(reply);
	if (r != MAILIMAP_RESP_COND_STATE_OK)
		return MAILIMAP_ERROR_LOGIN;
	imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	return MAILIMAP_NO_ERROR;
}

/* Builds the mechanism's client response, base64-encoded. */
static char *
sasl_response(const struct ld_imap_params *params)
{
	size_t user_length = strlen(params->user);
	size_t size = 3 * user_length + strlen(params->secret) +
	    strlen(params->host) + 64;
	unsigned char *raw = malloc(size);
	size_t n = 0;
	char *encoded;

	if (raw == NULL)
		return NULL;
	if (params->auth == LD_AUTH_PLAIN) {
		/* RFC 4616: authzid NUL authcid NUL passwd, authzid empty. */
		n = (size_t)snprintf((char *)raw, size, "%c%s%c%s", '\0',
		    params->user, '\0', params->secret);
	} else if (params->auth == LD_AUTH_XOAUTH2) {
		/* Google's and Microsoft's XOAUTH2: user, then the bearer token. */
		n = (size_t)snprintf((char *)raw, size,
		    "user=%s\001auth=Bearer %s\001\001", params->user,
		    params->secret);
	} else {
		/* RFC 7628 with RFC 5801's GS2 header; "," and "=" escaped. */
		memcpy(raw, "n,a=", 4);
		n = 4;
		for (size_t i = 0; i < user_length; i++) {
			char c = params->user[i];

			if (c == ',' || c == '=') {
				memcpy(raw + n, c == ',' ? "=2C" : "=3D", 3);
				n += 3;
			} else {
				raw[n++] = (unsigned char)c;
			}
		}
		n += (size_t)snprintf((char *)raw + n, size - n,
		    ",\001host=%s\001port=%u\001auth=Bearer %s\001\001",
		    params->host, params->port, params->secret);
	}
	encoded = ld_base64_encode(raw, n);
	explicit_bzero(raw, size);
	free(raw);
	return encoded;
}

/* What to do about a rejected login, from the server's words. */
static const char *
login_hint(const char *server_text, enum ld_auth_method auth)
{
	/* Gmail's replies to a plain password, and to an account whose IMAP
	 * access is switched off. */
	if (strcasestr(server_text, "application-specific password") != NULL)
		return "the provider requires an app password: create one in "
		    "the account's security settings and use it";
	if (strcasestr(server_text, "not enabled for IMAP") != NULL)
		return "IMAP is switched off for this account: enable it in "
		    "the account's settings";
	if (auth == LD_AUTH_XOAUTH2 || auth == LD_AUTH_OAUTHBEARER)
		return "the token may have expired or lack the IMAP scope: "
		    "password_cmd must print a fresh access token";
	return "check the user name and the password, or whether the "
	    "provider needs an app password or OAuth 2.0 (auth = xoauth2)";
}

static enum ld_status
login_rejected(struct ld_imap *session, const struct ld_imap_params *params,
    const char *step, struct ld_error *err)
{
	char text[400];

	server_text(session, text, sizeof(text));
	if (session->sasl_error[0] != '\0')
		return ld_error_set(err, LD_ERR_AUTH, "account %s: %s:%u "
		    "rejected %s for user %s: \"%s\", with the SASL error %s; %s",
		    session->account, session->host, session->port, step,
		    params->user, text, session->sasl_error,
		    login_hint(text, params->auth));
	return ld_error_set(err, LD_ERR_AUTH, "account %s: %s:%u rejected %s "
	    "for user %s: \"%s\"; %s", session->account, session->host,
	    session->port, step, params->user, text,
	    login_hint(text, params->auth));
}

static enum ld_status
authenticate(struct ld_imap *session, const struct ld_imap_params *params,
    struct ld_error *err)
{
	static const char *const names[] = { "LOGIN", "AUTHENTICATE PLAIN",
	    "AUTHENTICATE XOAUTH2", "AUTHENTICATE OAUTHBEARER" };
	static const char *const sasl_names[] = { "LOGIN", "PLAIN", "XOAUTH2",
	    "OAUTHBEARER" };
	const char *step = names[params->auth];
	char *response;
	char text[400];
	int r;

	switch (params->auth) {
	case LD_AUTH_LOGIN:
		if (mailimap_has_extension(session->imap, "LOGINDISABLED"))
			return ld_error_set(err, LD_ERR_AUTH,
			    "account %s: %s:%u disables LOGIN on this "
			    "connection (LOGINDISABLED); use TLS or auth = plain",
			    session->account, session->host, session->port);
		r = mailimap_login(session->imap, params->user, params->secret);
		break;
	default:
		if ((response = sasl_response(params)) == NULL)
			return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
		/* After an error challenge, PLAIN cancels with "*", XOAUTH2
		 * sends an empty response and OAUTHBEARER a lone %x01. */
		r = sasl_exchange(session, sasl_names[params->auth], response,
		    params->auth == LD_AUTH_PLAIN ? "*" :
		    params->auth == LD_AUTH_XOAUTH2 ? "" : "AQ==");
		explicit_bzero(response, strlen(response));
		free(response);
		break;
	}

	if ((r == MAILIMAP_ERROR_LOGIN || r == MAILIMAP_ERROR_CUSTOM_COMMAND) &&
	    strstr(server_text(session, text, sizeof(text)), "[UNAVAILABLE]") !=
	    NULL)
		return ld_error_set(err, LD_ERR_NETWORK,
		    "account %s: %s:%u could not check the credentials of user "
		    "%s right now: \"%s\"; try again later, and read the "
		    "server's log if it repeats", session->account,
		    session->host, session->port, params->user, text);
	if (r == MAILIMAP_ERROR_LOGIN || r == MAILIMAP_ERROR_CUSTOM_COMMAND)
		return login_rejected(session, params, step, err);
	if (r != MAILIMAP_NO_ERROR)
		return imap_failure(session, r, step, err);
	return LD_OK;
}

static enum ld_status
open_session(struct ld_imap *session, const struct ld_imap_params *params,
    const struct ld_conn_params *conn_params, struct ld_error *err)
{
	struct ld_conn *conn = NULL;
	enum ld_status status;

	if ((status = ld_conn_open(conn_params, &conn, err)) != LD_OK)
		return status;
	if (params->tls == LD_TLS_IMPLICIT &&
	    (status = ld_conn_start_tls(conn, conn_params, err)) != LD_OK) {
		ld_conn_close(&conn);
		return status;
	}
	if ((status = read_greeting(session, conn, params, err)) != LD_OK)
		return status;
	/* A greeting may carry the capabilities ("* OK [CAPABILITY ...]"). */
	if ((session->imap->imap_connection_info == NULL ||
	    session->imap->imap_connection_info->imap_capability == NULL) &&
	    (status = refresh_capabilities(session, err)) != LD_OK)
		return status;
	if (params->tls == LD_TLS_STARTTLS &&
	    (status = start_tls(session, conn_params, err)) != LD_OK)
		return status;

	if (session->imap->imap_state == MAILIMAP_STATE_NON_AUTHENTICATED) {
		const struct mailimap_capability_data *before =
		    session->imap->imap_connection_info != NULL ?
		    session->imap->imap_connection_info->imap_capability : NULL;

		if ((status = authenticate(session, params, err)) != LD_OK)
			return status;
		/*
		 * Servers may offer more capabilities after login.  Most send
		 * them in the login reply ("OK [CAPABILITY ...]"), which
		 * libetpan stores in place of the old list: ask only when no
		 * new list arrived, which saves a round trip per account.
		 */
		if (session->imap->imap_connection_info == NULL ||
		    session->imap->imap_connection_info->imap_capability == before)
			status = refresh_capabilities(session, err);
		if (status != LD_OK)
			return status;
	}
	return LD_OK;
}

enum ld_status
ld_imap_open(const struct ld_imap_params *params, struct ld_imap **session_r,
    struct ld_error *err)
{
	struct ld_conn_params conn_params;
	struct ld_imap *session;
	enum ld_status status;

	*session_r = NULL;
	if ((status = check_params(params, err)) != LD_OK)
		return status;

	memset(&conn_params, 0, sizeof(conn_params));
	conn_params.account = params->account;
	conn_params.host = params->host;
	conn_params.port = params->port;
	conn_params.ca_file = params->ca_file;
	conn_params.tls_fingerprint = params->tls_fingerprint;
	conn_params.timeout_seconds = params->timeout_seconds != 0 ?
	    params->timeout_seconds : DEFAULT_TIMEOUT_SECONDS;
	conn_params.loopback_only = params->tls == LD_TLS_NONE;

	if ((session = session_new(params)) == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	status = open_session(session, params, &conn_params, err);
	if (status != LD_OK) {
		session->broken = 1;
		ld_imap_close(&session);
		return status;
	}
	*session_r = session;
	return LD_OK;
}

void
ld_imap_close(struct ld_imap **sessionp)
{
	struct ld_imap *session;

	if (sessionp == NULL || (session = *sessionp) == NULL)
		return;
	if (session->imap != NULL) {
		/* A command sent during IDLE would be taken as a bad DONE. */
		if (session->idling && !session->broken &&
		    mailimap_idle_done(session->imap) != MAILIMAP_NO_ERROR)
			session->broken = 1;
		if (!session->broken && session->imap->imap_stream != NULL)
			mailimap_logout(session->imap);
		mailimap_free(session->imap);
	}
	free(session->account);
	free(session->host);
	free(session);
	*sessionp = NULL;
}

int
ld_imap_has_capability(struct ld_imap *session, const char *name)
{
	char copy[128];

	/* libetpan takes a non-const string and keeps AUTH=X apart. */
	if (snprintf(copy, sizeof(copy), "%s", name) >= (int)sizeof(copy))
		return 0;
	if (strncasecmp(copy, "AUTH=", 5) == 0)
		return mailimap_has_authentication(session->imap, copy + 5);
	return mailimap_has_extension(session->imap, copy);
}

/* LIST */

static const struct {
	const char *name;
	unsigned flag;
} folder_attributes[] = {
	{ "Noselect", LD_FOLDER_NOSELECT },
	{ "All", LD_FOLDER_ALL },
	{ "Archive", LD_FOLDER_ARCHIVE },
	{ "Drafts", LD_FOLDER_DRAFTS },
	{ "Flagged", LD_FOLDER_FLAGGED },
	{ "Junk", LD_FOLDER_JUNK },
	{ "Sent", LD_FOLDER_SENT },
	{ "Trash", LD_FOLDER_TRASH },
	{ "Important", LD_FOLDER_IMPORTANT },
	{ "NonExistent", LD_FOLDER_NONEXISTENT },
};

/* Maps an attribute name without its backslash to LD_FOLDER_* or 0. */
static unsigned
attribute_flag(const char *name)
{
	if (name[0] == '\\')
		name++;
	for (size_t i = 0; i < sizeof(folder_attributes) /
	    sizeof(folder_attributes[0]); i++)
		if (strcasecmp(name, folder_attributes[i].name) == 0)
			return folder_attributes[i].flag;
	return 0;
}

static unsigned
list_flags(const struct mailimap_mbx_list_flags *mbf)
{
	unsigned flags = 0;

	if (mbf == NULL)
		return 0;
	if (mbf->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    mbf->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		flags |= LD_FOLDER_NOSELECT;
	for (clistiter *it = clist_begin(mbf->mbf_oflags); it != NULL;
	    it = clist_next(it)) {
		const struct mailimap_mbx_list_oflag *of = clist_content(it);

		if (of->of_type == MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT &&
		    of->of_flag_ext != NULL)
			flags |= attribute_flag(of->of_flag_ext);
	}
	return flags;
}

/* Whether a raw name has a byte that no quoted IMAP string may hold: a
 * CR or LF there would end the command and start another. */
static int
has_control_byte(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

/*
 * Replaces C0 and C1 control characters and DEL in a UTF-8 name with
 * U+FFFD, so that a folder name cannot move a terminal's cursor or change
 * its title when printed.  Returns a new string or NULL.
 */
static char *
printable_name(const char *name)
{
	size_t length = strlen(name);
	char *out = malloc(length * 3 + 1);
	size_t n = 0;

	if (out == NULL)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
		int c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;

		if (*p < 0x20 || *p == 0x7f || c1) {
			memcpy(out + n, "\xef\xbf\xbd", 3);
			n += 3;
			p += c1;
		} else {
			out[n++] = (char)*p;
		}
	}
	out[n] = '\0';
	return out;
}

static enum ld_status
copy_folder(const struct mailimap_mailbox_list *mb,
    struct ld_imap_folder *folder, struct ld_error *err)
{
	char *decoded = NULL;
	struct ld_error ignored;

	memset(folder, 0, sizeof(*folder));
	folder->raw_name = strdup(mb->mb_name);
	if (folder->raw_name == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	/* A name that is not valid modified UTF-7 is shown as sent. */
	if (ld_mutf7_to_utf8(mb->mb_name, &decoded, &ignored) != LD_OK) {
		ld_log_debug(LD_DEBUG_IMAP, "%s", ignored.message);
		decoded = NULL;
	}
	folder->name = printable_name(decoded != NULL ? decoded : mb->mb_name);
	free(decoded);
	if (folder->name == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	folder->delimiter = mb->mb_delimiter;
	folder->flags = list_flags(mb->mb_flag);
	return LD_OK;
}

/*
 * Copies the LIST replies that libetpan stored for the last command.  A
 * folder whose name contains a control character is skipped with a warning,
 * because libetpan would send a CR or LF in it unescaped: a server could
 * otherwise make landed send any command, STORE and EXPUNGE included.
 */
static enum ld_status
copy_folders(struct ld_imap *session, clist *list,
    struct ld_imap_folder **folders_r, size_t *count_r, struct ld_error *err)
{
	size_t skipped = 0;
	size_t count = list != NULL ? (size_t)clist_count(list) : 0;
	struct ld_imap_folder *folders;
	size_t n = 0;

	folders = calloc(count > 0 ? count : 1, sizeof(*folders));
	if (folders == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	for (clistiter *it = count > 0 ? clist_begin(list) : NULL; it != NULL;
	    it = clist_next(it)) {
		const struct mailimap_mailbox_list *mb = clist_content(it);

		if (mb == NULL || mb->mb_name == NULL)
			continue;
		if (has_control_byte(mb->mb_name)) {
			skipped++;
			continue;
		}
		if (copy_folder(mb, &folders[n], err) != LD_OK) {
			ld_imap_folders_free(&folders, n + 1);
			return LD_ERR_NOMEM;
		}
		n++;
	}
	if (skipped > 0)
		ld_log_warn("account %s: %s:%u listed %zu folder%s whose name "
		    "contains a line break or another control character; "
		    "landed skipped %s, because such a name cannot be sent "
		    "back safely", session->account, session->host,
		    session->port, skipped, skipped == 1 ? "" : "s",
		    skipped == 1 ? "it" : "them");
	*folders_r = folders;
	*count_r = n;
	return LD_OK;
}

enum ld_status
ld_imap_list(struct ld_imap *session, struct ld_imap_folder **folders_r,
    size_t *count_r, struct ld_error *err)
{
	clist *list = NULL;
	enum ld_status status;
	int r;

	*folders_r = NULL;
	*count_r = 0;
	if (session->broken)
		return broken_error(session, "LIST", err);

	if (ld_imap_has_capability(session, "SPECIAL-USE")) {
		r = mailimap_custom_command(session->imap,
		    "LIST \"\" \"*\" RETURN (SPECIAL-USE)");
		if (r != MAILIMAP_NO_ERROR)
			return imap_failure(session, r,
			    "LIST RETURN (SPECIAL-USE)", err);
		return copy_folders(session,
		    session->imap->imap_response_info->rsp_mailbox_list,
		    folders_r, count_r, err);
	}

	r = mailimap_list(session->imap, "", "*", &list);
	if (r != MAILIMAP_NO_ERROR)
		return imap_failure(session, r, "LIST", err);
	status = copy_folders(session, list, folders_r, count_r, err);
	if (list != NULL)
		mailimap_list_result_free(list);
	return status;
}

void
ld_imap_folders_free(struct ld_imap_folder **folders, size_t count)
{
	if (folders == NULL || *folders == NULL)
		return;
	for (size_t i = 0; i < count; i++) {
		free((*folders)[i].name);
		free((*folders)[i].raw_name);
	}
	free(*folders);
	*folders = NULL;
}

/* EXAMINE */

/*
 * Returns 1 when the text of a NO reply reports a missing mailbox.
 * NOTE: Dovecot 2.3.19 sends only the text "Mailbox doesn't exist", with
 * no [NONEXISTENT] code (RFC 5530), so the text is matched too.
 */
static int
reply_means_missing(const char *text)
{
	return strstr(text, "[NONEXISTENT]") != NULL ||
	    strcasestr(text, "doesn't exist") != NULL ||
	    strcasestr(text, "does not exist") != NULL;
}

enum ld_status
ld_imap_examine(struct ld_imap *session, const char *raw_name,
    uint32_t *exists_r, struct ld_error *err)
{
	struct ld_error ignored;
	char *name = NULL;
	char step[300], text[400];
	int r;

	*exists_r = 0;
	if (session->broken)
		return broken_error(session, "EXAMINE", err);
	if (has_control_byte(raw_name))
		return ld_error_set(err, LD_ERR_USAGE, "account %s: a folder "
		    "name with a control character cannot be sent to the "
		    "server", session->account);
	if (ld_mutf7_to_utf8(raw_name, &name, &ignored) != LD_OK)
		name = NULL;
	snprintf(step, sizeof(step), "EXAMINE of folder \"%s\"",
	    name != NULL ? name : raw_name);
	free(name);

	r = mailimap_examine(session->imap, raw_name);
	if (r == MAILIMAP_ERROR_EXAMINE) {
		server_text(session, text, sizeof(text));
		return ld_error_set(err, reply_means_missing(text) ?
		    LD_ERR_NOT_FOUND : LD_ERR_PROTOCOL,
		    "account %s: %s:%u rejected %s: \"%s\"; check the folder "
		    "name against the server's LIST", session->account,
		    session->host, session->port, step, text);
	}
	if (r != MAILIMAP_NO_ERROR)
		return imap_failure(session, r, step, err);
	/* libetpan drops the selection info after a failed EXAMINE. */
	if (session->imap->imap_selection_info == NULL)
		return ld_error_set(err, LD_ERR_PROTOCOL,
		    "account %s: %s:%u accepted %s but sent no mailbox data",
		    session->account, session->host, session->port, step);
	*exists_r = session->imap->imap_selection_info->sel_exists;
	return LD_OK;
}

/* UID SEARCH */

static struct mailimap_search_key *
header_key(const struct ld_imap_search_term *term)
{
	char *name = NULL;
	char *value = strdup(term->value);
	struct mailimap_search_key *key = NULL;

	if (term->header == NULL) {
		if (value != NULL && (key = mailimap_search_key_new_text(value)) ==
		    NULL)
			free(value);
		return key;
	}
	name = strdup(term->header);
	if (name != NULL && value != NULL)
		key = mailimap_search_key_new_header(name, value);
	if (key == NULL) {
		free(name);
		free(value);
	}
	return key;
}

/* Builds (OR t1 (OR t2 t3)) from the terms; NULL when out of memory. */
static struct mailimap_search_key *
build_search_key(const struct ld_imap_search_term *terms, size_t count)
{
	struct mailimap_search_key *key = header_key(&terms[count - 1]);

	for (size_t i = count - 1; i > 0 && key != NULL; i--) {
		struct mailimap_search_key *left = header_key(&terms[i - 1]);
		struct mailimap_search_key *both = NULL;

		if (left != NULL)
			both = mailimap_search_key_new_or(left, key);
		if (both == NULL) {
			if (left != NULL)
				mailimap_search_key_free(left);
			mailimap_search_key_free(key);
			return NULL;
		}
		key = both;
	}
	return key;
}

static int
compare_uids(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Copies SEARCH results sorted, without duplicates and without UID 0,
 * which no message has.  More than LD_IMAP_MAX_SEARCH_HITS hits is an
 * error: test messages are few, and a server that returns a million UIDs
 * would otherwise get a FETCH command of megabytes.
 */
static enum ld_status
copy_uids(struct ld_imap *session, clist *result, uint32_t **uids_r,
    size_t *count_r, struct ld_error *err)
{
	size_t count = result != NULL ? (size_t)clist_count(result) : 0;
	uint32_t *uids;
	size_t n = 0, kept = 0;

	if (count > LD_IMAP_MAX_SEARCH_HITS)
		return ld_error_set(err, LD_ERR_PROTOCOL, "account %s: %s:%u "
		    "returned %zu messages for one UID SEARCH, more than the "
		    "%d that landed fetches; use a tag or Message-ID that "
		    "fewer messages contain", session->account, session->host,
		    session->port, count, LD_IMAP_MAX_SEARCH_HITS);
	uids = calloc(count > 0 ? count : 1, sizeof(*uids));
	if (uids == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	for (clistiter *it = count > 0 ? clist_begin(result) : NULL;
	    it != NULL; it = clist_next(it))
		uids[n++] = *(uint32_t *)clist_content(it);
	qsort(uids, n, sizeof(*uids), compare_uids);
	for (size_t i = 0; i < n; i++)
		if (uids[i] != 0 && (kept == 0 || uids[kept - 1] != uids[i]))
			uids[kept++] = uids[i];
	*uids_r = uids;
	*count_r = kept;
	return LD_OK;
}

enum ld_status
ld_imap_search(struct ld_imap *session,
    const struct ld_imap_search_term *terms, size_t term_count,
    uint32_t **uids_r, size_t *count_r, struct ld_error *err)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	enum ld_status status;
	int r;

	*uids_r = NULL;
	*count_r = 0;
	if (session->broken)
		return broken_error(session, "UID SEARCH", err);
	if (term_count == 0)
		return copy_uids(session, NULL, uids_r, count_r, err);
	if ((key = build_search_key(terms, term_count)) == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");

	r = mailimap_uid_search(session->imap, "UTF-8", key, &result);
	if (r == MAILIMAP_ERROR_UID_SEARCH) {
		/* RFC 3501 allows a server to reject CHARSET UTF-8. */
		ld_log_debug(LD_DEBUG_IMAP, "account %s: UID SEARCH CHARSET "
		    "UTF-8 rejected; retrying without CHARSET", session->account);
		r = mailimap_uid_search(session->imap, NULL, key, &result);
	}
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_failure(session, r, "UID SEARCH", err);
	status = copy_uids(session, result, uids_r, count_r, err);
	mailimap_search_result_free(result);
	return status;
}

/* Appends s as an IMAP quoted string; returns 0 when s cannot be quoted. */
static int
append_quoted(char *out, size_t size, const char *s)
{
	size_t n = strlen(out);

	if (n + 1 >= size)
		return 0;
	out[n++] = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c > 0x7e || n + 4 >= size)
			return 0;
		if (c == '"' || c == '\\')
			out[n++] = '\\';
		out[n++] = (char)c;
	}
	out[n++] = '"';
	out[n] = '\0';
	return 1;
}

enum ld_status
ld_imap_search_gmail(struct ld_imap *session, const char *query,
    uint32_t **uids_r, size_t *count_r, struct ld_error *err)
{
	char command[1200] = "UID SEARCH X-GM-RAW ";
	int r;

	*uids_r = NULL;
	*count_r = 0;
	if (session->broken)
		return broken_error(session, "UID SEARCH X-GM-RAW", err);
	if (!ld_imap_has_capability(session, "X-GM-EXT-1"))
		return ld_error_set(err, LD_ERR_UNSUPPORTED,
		    "account %s: %s:%u does not offer X-GM-EXT-1, so it "
		    "cannot run an X-GM-RAW search", session->account,
		    session->host, session->port);
	if (!append_quoted(command, sizeof(command), query))
		return ld_error_set(err, LD_ERR_USAGE,
		    "account %s: X-GM-RAW query \"%s\" is too long or has "
		    "characters outside printable US-ASCII", session->account,
		    query);

	r = mailimap_custom_command(session->imap, command);
	if (r != MAILIMAP_NO_ERROR)
		return imap_failure(session, r, "UID SEARCH X-GM-RAW", err);
	return copy_uids(session, session->imap->imap_response_info->rsp_search_result,
	    uids_r, count_r, err);
}

/* UID FETCH */

/* Converts an INTERNALDATE to seconds since the epoch, or -1. */
static time_t
internal_date_seconds(const struct mailimap_date_time *dt)
{
	struct tm tm;
	int zone = dt->dt_zone < 0 ? -dt->dt_zone : dt->dt_zone;
	long offset = (zone / 100) * 3600L + (zone % 100) * 60L;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	/* "+0200" is two hours ahead of UTC, so subtract it. */
	return dt->dt_zone < 0 ? t + offset : t - offset;
}

static void
free_list_item(void *data, void *unused)
{
	(void)unused;
	free(data);
}

static struct mailimap_fetch_type *
build_fetch_type(const char *const *fields, size_t field_count)
{
	struct mailimap_fetch_type *type;
	struct mailimap_header_list *headers;
	struct mailimap_section *section;
	struct mailimap_fetch_att *att;
	clist *names = clist_new();

	type = mailimap_fetch_type_new_fetch_att_list_empty();
	if (names == NULL || type == NULL)
		goto fail;
	for (size_t i = 0; i < field_count; i++) {
		char *name = strdup(fields[i]);

		if (name == NULL || clist_append(names, name) != 0) {
			free(name);
			goto fail;
		}
	}
	if (mailimap_fetch_type_new_fetch_att_list_add(type,
	    mailimap_fetch_att_new_uid()) != 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(type,
	    mailimap_fetch_att_new_internaldate()) != 0)
		goto fail;

	/* BODY.PEEK, because a plain BODY[] would set \Seen. */
	headers = mailimap_header_list_new(names);
	if (headers == NULL)
		goto fail;
	names = NULL;
	section = mailimap_section_new_header_fields(headers);
	if (section == NULL) {
		mailimap_header_list_free(headers);
		goto fail;
	}
	att = mailimap_fetch_att_new_body_peek_section(section);
	if (att == NULL) {
		mailimap_section_free(section);
		goto fail;
	}
	if (mailimap_fetch_type_new_fetch_att_list_add(type, att) != 0) {
		mailimap_fetch_att_free(att);
		goto fail;
	}
	return type;

fail:
	if (names != NULL) {
		clist_foreach(names, free_list_item, NULL);
		clist_free(names);
	}
	if (type != NULL)
		mailimap_fetch_type_free(type);
	return NULL;
}

/* Copies one FETCH reply; returns 0 when it has no UID or header. */
static int
copy_message(const struct mailimap_msg_att *msg, struct ld_imap_message *out)
{
	memset(out, 0, sizeof(*out));
	out->internal_date = -1;
	for (clistiter *it = clist_begin(msg->att_list); it != NULL;
	    it = clist_next(it)) {
		const struct mailimap_msg_att_item *item = clist_content(it);
		const struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID) {
			out->uid = st->att_data.att_uid;
		} else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE) {
			out->size = st->att_data.att_rfc822_size;
		} else if (st->att_type == MAILIMAP_MSG_ATT_INTERNALDATE &&
		    st->att_data.att_internal_date != NULL) {
			out->internal_date = internal_date_seconds(
			    st->att_data.att_internal_date);
		} else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
		    st->att_data.att_body_section != NULL) {
			const struct mailimap_msg_att_body_section *body =
			    st->att_data.att_body_section;
			size_t length = body->sec_body_part != NULL ?
			    body->sec_length : 0;

			free(out->header);
			out->header = malloc(length + 1);
			if (out->header == NULL)
				return -1;
			if (length > 0)
				memcpy(out->header, body->sec_body_part, length);
			out->header[length] = '\0';
			out->header_length = length;
		}
	}
	if (out->uid == 0 || out->header == NULL) {
		free(out->header);
		out->header = NULL;
		return 0;
	}
	return 1;
}

static enum ld_status
copy_messages(clist *result, struct ld_imap_message **messages_r,
    size_t *count_r, struct ld_error *err)
{
	size_t count = result != NULL ? (size_t)clist_count(result) : 0;
	struct ld_imap_message *messages;
	size_t n = 0;

	messages = calloc(count > 0 ? count : 1, sizeof(*messages));
	if (messages == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	for (clistiter *it = count > 0 ? clist_begin(result) : NULL;
	    it != NULL; it = clist_next(it)) {
		int r = copy_message(clist_content(it), &messages[n]);

		if (r < 0) {
			ld_imap_messages_free(&messages, n);
			return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
		}
		n += (size_t)r;
	}
	*messages_r = messages;
	*count_r = n;
	return LD_OK;
}

/* Returns a sorted copy of the UIDs without duplicates, or NULL. */
static uint32_t *
sorted_uids(const uint32_t *uids, size_t uid_count, size_t *count_r)
{
	uint32_t *copy = malloc((uid_count > 0 ? uid_count : 1) * sizeof(*copy));
	size_t kept = 0;

	if (copy == NULL)
		return NULL;
	memcpy(copy, uids, uid_count * sizeof(*copy));
	qsort(copy, uid_count, sizeof(*copy), compare_uids);
	for (size_t i = 0; i < uid_count; i++)
		if (kept == 0 || copy[kept - 1] != copy[i])
			copy[kept++] = copy[i];
	*count_r = kept;
	return copy;
}

/* Returns a set of sorted UIDs with runs of consecutive UIDs as ranges,
 * or NULL when out of memory. */
static struct mailimap_set *
uid_set(const uint32_t *uids, size_t uid_count)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i = 0;

	while (set != NULL && i < uid_count) {
		size_t j = i;

		while (j + 1 < uid_count && uids[j + 1] == uids[j] + 1)
			j++;
		if (mailimap_set_add_interval(set, uids[i], uids[j]) != 0) {
			mailimap_set_free(set);
			set = NULL;
		}
		i = j + 1;
	}
	return set;
}

/*
 * Drops FETCH replies for UIDs that were not asked for and repeated
 * replies for one UID, which a confused or hostile server may send, so
 * that they cannot add copies of a test message.
 */
static void
keep_requested(struct ld_imap_message *messages, size_t *count,
    const uint32_t *uids, size_t uid_count)
{
	size_t kept = 0;

	for (size_t i = 0; i < *count; i++) {
		int wanted = bsearch(&messages[i].uid, uids, uid_count,
		    sizeof(*uids), compare_uids) != NULL;

		for (size_t k = 0; wanted && k < kept; k++)
			if (messages[k].uid == messages[i].uid)
				wanted = 0;
		if (wanted) {
			messages[kept++] = messages[i];
		} else {
			ld_log_debug(LD_DEBUG_IMAP, "ignored a FETCH reply for "
			    "UID %u, which was not asked for or came twice",
			    messages[i].uid);
			free(messages[i].header);
		}
	}
	*count = kept;
}

/*
 * Runs one UID FETCH of the attributes in type (owned; NULL means out of
 * memory) for the UIDs, keeping only replies for UIDs asked for.
 */
static enum ld_status
run_uid_fetch(struct ld_imap *session, const uint32_t *uids, size_t uid_count,
    struct mailimap_fetch_type *type, struct ld_imap_message **messages_r,
    size_t *count_r, struct ld_error *err)
{
	struct mailimap_set *set = NULL;
	clist *result = NULL;
	uint32_t *wanted = NULL;
	size_t wanted_count = 0;
	enum ld_status status;
	int r;

	if (type == NULL ||
	    (wanted = sorted_uids(uids, uid_count, &wanted_count)) == NULL ||
	    (set = uid_set(wanted, wanted_count)) == NULL) {
		if (type != NULL)
			mailimap_fetch_type_free(type);
		free(wanted);
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	}

	r = mailimap_uid_fetch(session->imap, set, type, &result);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		free(wanted);
		return imap_failure(session, r, "UID FETCH", err);
	}
	status = copy_messages(result, messages_r, count_r, err);
	mailimap_fetch_list_free(result);
	if (status == LD_OK)
		keep_requested(*messages_r, count_r, wanted, wanted_count);
	free(wanted);
	return status;
}

enum ld_status
ld_imap_fetch_headers(struct ld_imap *session, const uint32_t *uids,
    size_t uid_count, const char *const *fields, size_t field_count,
    struct ld_imap_message **messages_r, size_t *count_r,
    struct ld_error *err)
{
	*messages_r = NULL;
	*count_r = 0;
	if (session->broken)
		return broken_error(session, "UID FETCH", err);
	if (uid_count == 0)
		return copy_messages(NULL, messages_r, count_r, err);
	if (field_count == 0)
		return ld_error_set(err, LD_ERR_USAGE,
		    "UID FETCH needs at least one header field name");
	return run_uid_fetch(session, uids, uid_count,
	    build_fetch_type(fields, field_count), messages_r, count_r, err);
}

/* Builds UID FETCH attributes: UID, INTERNALDATE, RFC822.SIZE and
 * BODY.PEEK[]<0.max_bytes>. */
static struct mailimap_fetch_type *
build_message_fetch_type(uint32_t max_bytes)
{
	struct mailimap_fetch_type *type;
	struct mailimap_section *section;
	struct mailimap_fetch_att *att;

	if ((type = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL)
		return NULL;
	if (mailimap_fetch_type_new_fetch_att_list_add(type,
	    mailimap_fetch_att_new_uid()) != 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(type,
	    mailimap_fetch_att_new_internaldate()) != 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(type,
	    mailimap_fetch_att_new_rfc822_size()) != 0 ||
	    (section = mailimap_section_new(NULL)) == NULL) {
		mailimap_fetch_type_free(type);
		return NULL;
	}
	/* BODY.PEEK, because a plain BODY[] would set \Seen. */
	att = mailimap_fetch_att_new_body_peek_section_partial(section, 0,
	    max_bytes);
	if (att == NULL) {
		mailimap_section_free(section);
		mailimap_fetch_type_free(type);
		return NULL;
	}
	if (mailimap_fetch_type_new_fetch_att_list_add(type, att) != 0) {
		mailimap_fetch_att_free(att);
		mailimap_fetch_type_free(type);
		return NULL;
	}
	return type;
}

enum ld_status
ld_imap_fetch_messages(struct ld_imap *session, const uint32_t *uids,
    size_t uid_count, uint32_t max_bytes, struct ld_imap_message **messages_r,
    size_t *count_r, struct ld_error *err)
{
	*messages_r = NULL;
	*count_r = 0;
	if (session->broken)
		return broken_error(session, "UID FETCH", err);
	if (uid_count == 0)
		return copy_messages(NULL, messages_r, count_r, err);
	return run_uid_fetch(session, uids, uid_count,
	    build_message_fetch_type(max_bytes), messages_r, count_r, err);
}

void
ld_imap_messages_free(struct ld_imap_message **messages, size_t count)
{
	if (messages == NULL || *messages == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		free((*messages)[i].header);
	free(*messages);
	*messages = NULL;
}

/* IDLE */

enum ld_status
ld_imap_idle_start(struct ld_imap *session, struct ld_error *err)
{
	int r;

	if (session->broken)
		return broken_error(session, "IDLE", err);
	if (session->idling)
		return LD_OK;
	if (!mailimap_has_idle(session->imap))
		return ld_error_set(err, LD_ERR_UNSUPPORTED,
		    "account %s: %s:%u does not offer IDLE", session->account,
		    session->host, session->port);
	/* libetpan 1.9's mailimap_idle() writes into the selection info
	 * without checking it. */
	if (session->imap->imap_selection_info == NULL)
		return ld_error_set(err, LD_ERR_USAGE,
		    "account %s: IDLE needs an EXAMINEd folder first",
		    session->account);

	r = mailimap_idle(session->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_failure(session, r, "IDLE", err);
	session->idling = 1;
	return LD_OK;
}

int
ld_imap_idle_fd(struct ld_imap *session)
{
	if (session->broken || !session->idling)
		return -1;
	return mailimap_idle_get_fd(session->imap);
}

/*
 * Data may wait in libetpan's read buffer.  It may also wait, decrypted,
 * inside OpenSSL when one TLS record was larger than libetpan's 8 KiB
 * read.  poll() on the descriptor detects neither.
 */
int
ld_imap_idle_pending(struct ld_imap *session)
{
	mailstream *stream = session->imap->imap_stream;

	if (!session->idling || stream == NULL)
		return 0;
	return stream->read_buffer_len > 0 || ld_conn_pending(session->conn);
}

enum ld_status
ld_imap_idle_done(struct ld_imap *session, uint32_t *exists_r,
    struct ld_error *err)
{
	int r;

	*exists_r = 0;
	if (session->broken)
		return broken_error(session, "DONE (end of IDLE)", err);
	if (!session->idling)
		return ld_error_set(err, LD_ERR_USAGE,
		    "account %s: DONE sent without IDLE", session->account);

	session->idling = 0;
	r = mailimap_idle_done(session->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_failure(session, r, "DONE (end of IDLE)", err);
	if (session->imap->imap_selection_info != NULL)
		*exists_r = session->imap->imap_selection_info->sel_exists;
	return LD_OK;
}
