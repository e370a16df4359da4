/*
 * IMAP session: the only interface of landed to an IMAP server, and
 * imap.c the only file that includes libetpan.
 *
 * A session is read-only by construction: it offers EXAMINE (never
 * SELECT), UID SEARCH and UID FETCH of header fields with BODY.PEEK, and
 * nothing that changes a mailbox.  TLS runs in OpenSSL (tls.c) below
 * libetpan, with chain and host-name verification or a pinned
 * certificate.  Every network step is bounded by params->timeout_seconds.
 *
 * One session belongs to one thread; sessions share no state.
 */
#ifndef LANDED_IMAP_H
#define LANDED_IMAP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "status.h"

enum ld_tls_mode {
	LD_TLS_IMPLICIT,	/* TLS from the first byte (port 993) */
	LD_TLS_STARTTLS,	/* plaintext greeting, then STARTTLS before login */
	LD_TLS_NONE,		/* plaintext; only allowed to a loopback address */
};

enum ld_auth_method {
	LD_AUTH_LOGIN,
	LD_AUTH_PLAIN,
	LD_AUTH_XOAUTH2,
	LD_AUTH_OAUTHBEARER,
};

/* Everything a session needs to connect; all strings are borrowed. */
struct ld_imap_params {
	const char *account;		/* config name, used in every message */
	const char *host;
	unsigned port;
	enum ld_tls_mode tls;
	const char *ca_file;		/* NULL: the system trust store */
	const char *tls_fingerprint;	/* "sha256:AB:CD:..." pins the leaf, or NULL */
	const char *user;
	const char *secret;		/* password or token; never logged */
	enum ld_auth_method auth;
	unsigned timeout_seconds;	/* per network step; 0 means 30 */
};

/* Folder attributes from LIST (RFC 3501, RFC 6154 SPECIAL-USE). */
#define LD_FOLDER_NOSELECT	0x001u
#define LD_FOLDER_ALL		0x002u
#define LD_FOLDER_ARCHIVE	0x004u
#define LD_FOLDER_DRAFTS	0x008u
#define LD_FOLDER_FLAGGED	0x010u
#define LD_FOLDER_JUNK		0x020u
#define LD_FOLDER_SENT		0x040u
#define LD_FOLDER_TRASH		0x080u
#define LD_FOLDER_IMPORTANT	0x100u	/* Gmail's \Important */
#define LD_FOLDER_NONEXISTENT	0x200u

struct ld_imap_folder {
	char *name;		/* owned; UTF-8, as shown to users */
	char *raw_name;		/* owned; modified UTF-7, as sent to the server */
	char delimiter;		/* hierarchy delimiter, or '\0' when flat */
	unsigned flags;		/* LD_FOLDER_* */
};

struct ld_imap_message {
	uint32_t uid;
	char *header;		/* owned; the fetched header fields, CRLF, NUL-terminated */
	size_t header_length;
	time_t internal_date;	/* INTERNALDATE as seconds since the epoch (UTC), or -1 */
	size_t size;		/* RFC822.SIZE from ld_imap_fetch_messages(), else 0 */
};

/*
 * One OR-ed search term, a case-insensitive substring match: HEADER
 * header value, or TEXT value (the whole message, its MIME parts
 * included) when header is NULL.
 */
/* Most UIDs one search may return; more is reported as an error. */
#define LD_IMAP_MAX_SEARCH_HITS 10000

struct ld_imap_search_term {
	const char *header;	/* "Message-ID", "X-Landed-Tag", "Subject", NULL */
	const char *value;
};

struct ld_imap;

/*
 * Connects, runs the TLS handshake with verification (or STARTTLS),
 * authenticates and reads the capabilities.  No credentials are sent
 * unless TLS is verified, or tls is LD_TLS_NONE to a loopback address.
 */
enum ld_status ld_imap_open(const struct ld_imap_params *params,
    struct ld_imap **session_r, struct ld_error *err);

/* Sends LOGOUT when the session is alive, frees it and sets *session to NULL. */
void ld_imap_close(struct ld_imap **session);

/* Returns 1 when the server advertised the capability (case-insensitive). */
int ld_imap_has_capability(struct ld_imap *session, const char *name);

/*
 * Lists every folder, with SPECIAL-USE attributes: `LIST "" "*" RETURN
 * (SPECIAL-USE)` when the server has SPECIAL-USE, else a plain LIST.
 */
enum ld_status ld_imap_list(struct ld_imap *session,
    struct ld_imap_folder **folders_r, size_t *count_r, struct ld_error *err);
void ld_imap_folders_free(struct ld_imap_folder **folders, size_t count);

/* EXAMINEs a folder by its raw (modified UTF-7) name. */
enum ld_status ld_imap_examine(struct ld_imap *session, const char *raw_name,
    uint32_t *exists_r, struct ld_error *err);

/* Runs one UID SEARCH with the terms OR-ed together, charset UTF-8. */
enum ld_status ld_imap_search(struct ld_imap *session,
    const struct ld_imap_search_term *terms, size_t term_count,
    uint32_t **uids_r, size_t *count_r, struct ld_error *err);

/* Runs UID SEARCH X-GM-RAW "query" (Gmail only; needs X-GM-EXT-1). */
enum ld_status ld_imap_search_gmail(struct ld_imap *session, const char *query,
    uint32_t **uids_r, size_t *count_r, struct ld_error *err);

/*
 * Fetches INTERNALDATE and BODY.PEEK[HEADER.FIELDS (fields...)] for the
 * given UIDs in one UID FETCH.
 */
enum ld_status ld_imap_fetch_headers(struct ld_imap *session,
    const uint32_t *uids, size_t uid_count,
    const char *const *fields, size_t field_count,
    struct ld_imap_message **messages_r, size_t *count_r,
    struct ld_error *err);
void ld_imap_messages_free(struct ld_imap_message **messages, size_t count);

/*
 * Fetches INTERNALDATE, RFC822.SIZE and BODY.PEEK[]<0.max_bytes> for the
 * given UIDs in one UID FETCH.  Each message's first max_bytes, header
 * and body, are stored in header and header_length; a size larger than
 * header_length means the message was cut.
 */
enum ld_status ld_imap_fetch_messages(struct ld_imap *session,
    const uint32_t *uids, size_t uid_count, uint32_t max_bytes,
    struct ld_imap_message **messages_r, size_t *count_r,
    struct ld_error *err);

/*
 * Starts IDLE (RFC 2177) on the folder last EXAMINEd, so that the server
 * announces new and expunged messages without being asked.  Until
 * ld_imap_idle_done() the session takes no other command; closing it
 * ends IDLE first.  Returns LD_ERR_UNSUPPORTED when the server lacks IDLE.
 */
enum ld_status ld_imap_idle_start(struct ld_imap *session,
    struct ld_error *err);

/* Returns the socket to poll for input while idling, or -1. */
int ld_imap_idle_fd(struct ld_imap *session);

/*
 * Returns 1 when server data already waits in the session's read buffer,
 * where poll() on the socket does not see it: check this before polling.
 */
int ld_imap_idle_pending(struct ld_imap *session);

/*
 * Ends IDLE with DONE, reads the updates the server sent meanwhile and
 * stores the folder's message count (EXISTS) in *exists_r.
 */
enum ld_status ld_imap_idle_done(struct ld_imap *session, uint32_t *exists_r,
    struct ld_error *err);

#endif
