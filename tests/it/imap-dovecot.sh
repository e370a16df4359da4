#!/bin/sh
# IMAP session against a private Dovecot: TLS modes and verification,
# authentication, LIST with SPECIAL-USE and UTF-8 names, EXAMINE, UID
# SEARCH and UID FETCH, the masked wire trace, and proof from Dovecot's
# rawlog that the session only reads.
#
# Needs $BUILD/tools/imap-probe (make check builds it).
. tests/lib/check.sh
. tests/lib/dovecot.sh

probe=${BUILD:-build}/tools/imap-probe
dir=$(mktemp -d "${TMPDIR:-/tmp}/landed-imap.XXXXXX")
trap 'dovecot_stop "$dir/dovecot"; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
chmod 755 "$dir"

printf 'mailbox Junk {\n  special_use = \\Junk\n}\n' >"$dir/extra.in"
DOVECOT_EXTRA_CONF=$dir/extra.in DOVECOT_RAWLOG=1 dovecot_start "$dir/dovecot" ||
	exit 1
d=$DOVECOT_DIR
maildir=$d/mail/seed/Maildir

# One message in INBOX with a known INTERNALDATE (the file's mtime), one
# in Junk, and an empty folder named "Entwürfe" in modified UTF-7.
mkdir -p "$maildir/.Junk/cur" "$maildir/.Entw&APw-rfe/cur"
printf 'Message-ID: <t1@example.com>\r\nSubject: first\r\nX-Landed-Tag: tag-one\r\n\r\nbody\r\n' \
    >"$maildir/cur/1767323045.1.seed:2,"
touch -d '2026-01-02 03:04:05 UTC' "$maildir/cur/1767323045.1.seed:2,"
printf 'Message-ID: <t2@example.com>\r\nSubject: second\r\n\r\nbody\r\n' \
    >"$maildir/.Junk/cur/1767323046.2.seed:2,"
dovecot_fix_owner "$d"

export IMAP_PROBE_PASSWORD=seedpass
imaps="-h 127.0.0.1 -p $DOVECOT_IMAPS_PORT -T 10"

# Implicit TLS with ca_file, and LIST with \Junk and a UTF-8 name.
out=$($probe $imaps -C "$DOVECOT_CA" list 2>&1)
check_contains "implicit TLS list ok" "ok" "$out"
check_contains "list shows Junk as \\Junk" "folder Junk Junk \\Junk" "$out"
check_contains "list decodes UTF-7 name" "folder Entwürfe Entw&APw-rfe" "$out"
check_contains "list shows INBOX" "folder INBOX INBOX" "$out"

# STARTTLS on the plain port, certificate pinned, to "localhost".
out=$($probe -h localhost -p "$DOVECOT_IMAP_PORT" -t starttls \
    -F "$DOVECOT_FINGERPRINT" capability STARTTLS 2>&1)
check_contains "starttls with pin ok" "ok" "$out"
# Capabilities are read again after TLS and login, and Dovecot's list
# after login no longer has STARTTLS.
check_contains "capabilities refreshed after login" "capability STARTTLS no" "$out"
out=$($probe $imaps -C "$DOVECOT_CA" capability SPECIAL-USE capability X-GM-EXT-1 2>&1)
check_contains "capability SPECIAL-USE" "capability SPECIAL-USE yes" "$out"
check_contains "capability X-GM-EXT-1 absent" "capability X-GM-EXT-1 no" "$out"
out=$($probe -h localhost -p "$DOVECOT_IMAP_PORT" -t starttls \
    -C "$DOVECOT_CA" 2>&1)
check_contains "starttls with ca_file ok" "ok" "$out"

# Wrong password: the server's NO text is in the message.
out=$(IMAP_PROBE_PASSWORD=wrong $probe $imaps -C "$DOVECOT_CA" 2>&1)
check_contains "wrong password status" "error (authentication failed)" "$out"
check_contains "wrong password server text" "[AUTHENTICATIONFAILED]" "$out"
check_contains "wrong password names user" "for user seed" "$out"

# Untrusted certificate and wrong pin: rejected, with the server's
# fingerprint to pin, and no credentials sent.  The user names are not
# in the passwd-file, so Dovecot would log them on any LOGIN.
out=$($probe $imaps -u untrusted-user 2>&1)
check_contains "untrusted cert rejected" "is not trusted: self-signed certificate" "$out"
check_contains "untrusted cert shows fingerprint" "tls_fingerprint = $DOVECOT_FINGERPRINT" "$out"
check_contains "untrusted cert suggests ca_file" "set ca_file" "$out"
bad_pin=sha256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF
out=$($probe $imaps -u pinned-user -F $bad_pin 2>&1)
check_contains "wrong pin rejected" "does not match tls_fingerprint" "$out"
check_contains "wrong pin shows server's" "the server sent $DOVECOT_FINGERPRINT" "$out"
out=$($probe -h 127.0.0.1 -p "$DOVECOT_IMAP_PORT" -t starttls \
    -u starttls-user -F $bad_pin 2>&1)
check_contains "starttls wrong pin rejected" "does not match tls_fingerprint" "$out"
out=$($probe $imaps -F sha256:12:34 2>&1)
check_contains "malformed pin rejected" "invalid tls_fingerprint" "$out"
out=$($probe $imaps -C "$d/missing.pem" 2>&1)
check_contains "missing ca_file rejected" "cannot load ca_file $d/missing.pem" "$out"
sleep 0.3
log=$(cat "$d/dovecot.log")
check_not_contains "no LOGIN after untrusted cert" "untrusted-user" "$log"
check_not_contains "no LOGIN after wrong pin" "pinned-user" "$log"
check_not_contains "no LOGIN after starttls pin" "starttls-user" "$log"
check_contains "dovecot saw no auth attempts" "no auth attempts" "$log"

# Implicit TLS to the plaintext port fails in the handshake.
out=$($probe -h 127.0.0.1 -p "$DOVECOT_IMAP_PORT" -C "$DOVECOT_CA" 2>&1)
check_contains "TLS to plain port fails" "TLS handshake with 127.0.0.1:$DOVECOT_IMAP_PORT failed" "$out"

# tls = none: allowed to 127.0.0.1, rejected before any lookup or
# connection to a name outside loopback (.invalid never resolves).
out=$($probe -h 127.0.0.1 -p "$DOVECOT_IMAP_PORT" -t none list 2>&1)
check_contains "tls none to loopback ok" "ok" "$out"
out=$($probe -h imap.invalid -p "$DOVECOT_IMAP_PORT" -t none 2>&1)
check_contains "tls none elsewhere rejected" "error (configuration error)" "$out"
check_contains "tls none message" "tls = none is only allowed to a loopback address" "$out"
check_not_contains "tls none never resolved" "resolve" "$out"

# Other SASL mechanisms.  Dovecot checks an OAuth token as the password.
for auth in plain xoauth2 oauthbearer; do
	out=$($probe $imaps -C "$DOVECOT_CA" -a $auth 2>&1)
	check_contains "auth $auth ok" "ok" "$out"
	out=$(IMAP_PROBE_PASSWORD=wrong $probe $imaps -C "$DOVECOT_CA" -a $auth 2>&1)
	check_contains "auth $auth wrong secret" "error (authentication failed)" "$out"
done

# EXAMINE of a missing folder, and of the UTF-7 one.
out=$($probe $imaps -C "$DOVECOT_CA" examine Nope 2>&1)
check_contains "examine missing status" "error (not found)" "$out"
check_contains "examine missing message" 'rejected EXAMINE of folder "Nope"' "$out"
out=$($probe $imaps -C "$DOVECOT_CA" examine 'Entw&APw-rfe' examine Junk 2>&1)
check_contains "examine utf-7 folder" "exists 0" "$out"
check_contains "examine junk" "exists 1" "$out"

# UID SEARCH and UID FETCH: header and INTERNALDATE.
out=$($probe $imaps -C "$DOVECOT_CA" examine INBOX \
    fetch Message-ID '<t1@example.com>' Message-ID \
    search X-Landed-Tag tag-one search Subject nothing-like-this 2>&1)
check_contains "fetch finds uid" "uids 1" "$out"
check_contains "fetch internaldate" "message 1 1767323045" "$out"
check_contains "fetch header" "Message-ID: <t1@example.com>" "$out"
check_not_contains "fetch only asked fields" "Subject: first" "$out"
check_contains "search by tag" "uids 1" "$out"
check_contains "search with no match" "uids
" "$out
"

# The wire trace masks the password.
out=$($probe $imaps -C "$DOVECOT_CA" -d 2>&1)
check_contains "trace shows masked LOGIN" "LOGIN ***" "$out"
check_not_contains "trace hides password" "seedpass" "$out"
out=$($probe $imaps -C "$DOVECOT_CA" -a plain -d 2>&1)
check_contains "trace shows masked PLAIN" "AUTHENTICATE PLAIN ***" "$out"
check_not_contains "trace hides PLAIN blob" "c2VlZHBhc3M" "$out"
check_not_contains "trace hides PLAIN blob 2" "AHNlZWQAc2VlZHBhc3M" "$out"

# Read-only: the logged-in sessions sent no command that changes mail.
sleep 0.3
raw=$(cat "$d"/mail/seed/dovecot.rawlog/*.in 2>/dev/null)
check_contains "rawlog recorded commands" "EXAMINE" "$raw"
check_contains "rawlog shows BODY.PEEK" "BODY.PEEK[HEADER.FIELDS" "$raw"
check_not_contains "no SELECT" " SELECT " "$raw"
check_not_contains "no STORE" " STORE " "$raw"
check_not_contains "no EXPUNGE" "EXPUNGE" "$raw"
check_not_contains "no BODY[ without PEEK" " BODY[" "$raw"

check_finish
