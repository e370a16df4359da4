/*
 * Network connections for the IMAP session: TCP with a timeout on every
 * step, optionally wrapped in TLS by OpenSSL with certificate
 * verification (chain and host name) or a pinned leaf certificate.
 *
 * A step is a command and its reply: it starts with ld_conn_open(), with
 * the start and the end of ld_conn_start_tls(), and with every
 * ld_conn_write(), and ends when the next one starts.  Each step has at
 * most timeout_seconds and may read at most LD_CONN_MAX_STEP_BYTES, so a
 * server that trickles its reply or sends an endless one fails that step.
 * A caller that waits between steps, as IDLE does with poll(), must write
 * (DONE) before it reads again.
 *
 * This module uses OpenSSL only and contains no IMAP code.  imap.c plugs
 * a connection into libetpan as a stream driver.  A connection belongs
 * to one thread at a time.
 */
#ifndef LANDED_TLS_H
#define LANDED_TLS_H

#include <sys/types.h>

#include "status.h"

/* Connection target and trust settings.  The strings are borrowed. */
struct ld_conn_params {
	const char *account;		/* config name, used in every message */
	const char *host;
	unsigned port;
	const char *ca_file;		/* NULL: the system trust store */
	const char *tls_fingerprint;	/* "sha256:AB:CD:..." or NULL */
	unsigned timeout_seconds;	/* per step (see above); 0 means 30 */
	int loopback_only;		/* reject addresses outside loopback */
};

/*
 * Maximum bytes read in one step, because libetpan keeps a whole reply,
 * literals included, in memory.  A header fetch reads a few KiB per
 * message, so one of a few thousand messages fits far below this.  The
 * bounce search fetches at most 1 MiB of 16 messages per command.
 */
#define LD_CONN_MAX_STEP_BYTES	(64UL << 20)

struct ld_conn;

/*
 * Resolves params->host and connects over TCP, trying each address until
 * the deadline of timeout_seconds, which also bounds reading the
 * greeting.  The connection copies what it keeps of params.
 */
enum ld_status ld_conn_open(const struct ld_conn_params *params,
    struct ld_conn **conn_r, struct ld_error *err);

/*
 * Runs the TLS handshake on an open connection and verifies the server:
 * against the pin when params->tls_fingerprint is set, else the chain
 * against ca_file or the system store and the host name (or IP address).
 * On failure no application data has been sent over TLS.
 */
enum ld_status ld_conn_start_tls(struct ld_conn *conn,
    const struct ld_conn_params *params, struct ld_error *err);

/*
 * Reads up to size bytes, waiting at most until the step's deadline for
 * the first.  Returns the byte count, 0 when the server closed the
 * connection, or -1 on a timeout, an error or when the step has read
 * more than LD_CONN_MAX_STEP_BYTES; ld_conn_error() then describes the
 * failure.
 */
ssize_t ld_conn_read(struct ld_conn *conn, void *buf, size_t size);

/*
 * Starts a new step and writes all size bytes, or returns -1 (timeout or
 * error).
 */
ssize_t ld_conn_write(struct ld_conn *conn, const void *buf, size_t size);

/*
 * Writes into err a sentence about the last failed read or write, naming
 * the step (e.g. "UID FETCH"), and returns LD_ERR_TIMEOUT,
 * LD_ERR_NETWORK, LD_ERR_TLS or, for a reply over
 * LD_CONN_MAX_STEP_BYTES, LD_ERR_PROTOCOL.  Returns LD_OK and leaves err
 * alone when nothing failed.
 */
enum ld_status ld_conn_error(const struct ld_conn *conn, const char *step,
    struct ld_error *err);

/* Returns 1 once a read or write has failed, timed out or seen EOF. */
int ld_conn_is_broken(const struct ld_conn *conn);

int ld_conn_fd(const struct ld_conn *conn);

/* Returns 1 when TLS has decrypted bytes that no read has taken yet, which
 * poll() on the descriptor cannot see. */
int ld_conn_pending(const struct ld_conn *conn);

/* Sends a TLS close_notify when possible, closes the socket, frees *conn. */
void ld_conn_close(struct ld_conn **conn);

/* Returns 1 for "localhost", 127.0.0.0/8 and ::1 (literal names only). */
int ld_host_is_loopback(const char *host);

/*
 * Parses "sha256:AB:CD:..." (colons optional, hex in either case) into
 * 32 bytes.
 */
enum ld_status ld_tls_parse_fingerprint(const char *text,
    unsigned char digest[32], struct ld_error *err);

/*
 * Encodes size bytes as base64 (RFC 4648) into a new NUL-terminated
 * string, or returns NULL when out of memory.
 */
char *ld_base64_encode(const unsigned char *data, size_t size);

/*
 * Decodes base64 text into a new buffer with its length in *size_r and a
 * NUL after the data.  Returns NULL for invalid input or when out of
 * memory.
 */
unsigned char *ld_base64_decode(const char *text, size_t *size_r);

#endif
