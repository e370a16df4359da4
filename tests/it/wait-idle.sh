#!/bin/sh
# landed check --wait against a real Dovecot.  IDLE sessions on INBOX and
# Junk see a message appended after the check started.  A message moved
# from INBOX to Junk while landed waits is reported in Junk with the move
# noted.  password_cmd runs once per connection, and the IDLE sessions
# send no command that changes mail.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh
. tests/lib/dovecot.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-wait.XXXXXX")
landed_pid=
trap '[ -z "$landed_pid" ] || kill "$landed_pid" 2>/dev/null
	dovecot_stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
chmod 755 "$work"

msg() {	# msg FILE MESSAGE-ID SUBJECT
	mkdir -p "$(dirname "$1")"
	printf 'From: Probe <probe@sender.example.com>\r\nTo: seed@example.net\r\nSubject: %s\r\nDate: Fri, 04 Dec 2026 19:43:20 +0000\r\nMessage-ID: %s\r\nAuthentication-Results: mx.example.net; dmarc=pass header.from=sender.example.com\r\n\r\nbody\r\n' \
	    "$3" "$2" >"$1"
}

msg "$work/src/INBOX/1.eml" '<early@sender.example.com>' 'early test'
msg "$work/src/INBOX/2.eml" '<moved@sender.example.com>' 'moved test'
msg "$work/src/Junk/1.eml" '<unrelated@example.org>' 'hello'
tests/lib/seed-maildir "$work/src" "$work/dovecot/mail/seed/Maildir"

printf 'mailbox Junk {\n  special_use = \\Junk\n}\n' >"$work/special-use.conf"
DOVECOT_USERS="seed:seed-pass" DOVECOT_EXTRA_CONF="$work/special-use.conf" \
    DOVECOT_RAWLOG=1 dovecot_start "$work/dovecot" ||
	{ echo "FAIL dovecot did not start"; exit 1; }
dovecot_fix_owner "$work/dovecot"

cat >"$work/landed.conf" <<EOF
[account seed]
provider = generic
user = seed
password_cmd = echo run >> $work/secret-runs; echo seed-pass
host = 127.0.0.1
port = $DOVECOT_IMAPS_PORT
ca_file = $DOVECOT_CA
authserv_id = mx.example.net
EOF
chmod 600 "$work/landed.conf"

# imap_client ACTION: the sender's side, over plain IMAP to 127.0.0.1.
imap_client() {
	/usr/bin/python3 - "$DOVECOT_IMAP_PORT" "$1" <<'PY'
import imaplib, sys
port, action = int(sys.argv[1]), sys.argv[2]
imap = imaplib.IMAP4("127.0.0.1", port)
imap.login("seed", "seed-pass")
if action == "move":
    imap.select("INBOX")
    typ, data = imap.uid("SEARCH", None, "HEADER", "Message-ID", "<moved@sender.example.com>")
    uid = data[0].split()[0]
    imap.uid("COPY", uid, "Junk")
    imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
    imap.expunge()
else:
    message = (b"From: Probe <probe@sender.example.com>\r\n"
               b"To: seed@example.net\r\nSubject: late test\r\n"
               b"Message-ID: <late@sender.example.com>\r\n"
               b"Authentication-Results: mx.example.net; dmarc=pass\r\n"
               b"\r\nbody\r\n")
    imap.append("INBOX", None, None, message)
imap.logout()
PY
}

# wait_for_log TEXT: waits up to 10 s until landed's stderr contains TEXT.
wait_for_log() {
	i=0
	while ! grep -q "$1" "$work/stderr" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

start=$(date +%s)
"$LANDED" check -c "$work/landed.conf" -v --format json --timeout 5 \
    --wait 40s --message-id early='<early@sender.example.com>' \
    --message-id moved='<moved@sender.example.com>' \
    --message-id late='<late@sender.example.com>' \
    >"$work/report.json" 2>"$work/stderr" &
landed_pid=$!

wait_for_log 'IDLE on "Junk"'
check_contains "IDLE on INBOX" 'IDLE on "INBOX"' "$(cat "$work/stderr")"
check_contains "IDLE on Junk" 'IDLE on "Junk"' "$(cat "$work/stderr")"
imap_client move
wait_for_log 'moved from "INBOX" to "Junk"'
imap_client append

wait "$landed_pid"
status=$?
landed_pid=
elapsed=$(($(date +%s) - start))
check_eq "exit status" 0 "$status"
check_eq "finished before the deadline" 1 $((elapsed < 40))

json=$(cat "$work/report.json")
field() {	# field TEST EXPRESSION
	printf '%s' "$json" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if r["test"] == sys.argv[1]:
        print(eval(sys.argv[2], {}, {"r": r}))' "$1" "$2"
}
check_eq "early found in INBOX" "inbox INBOX" "$(field early 'r["placement"] + " " + r["folder"]')"
check_eq "early not moved" "None" "$(field early 'r["moved_from"]')"
check_eq "early has found_after_seconds" "True" "$(field early 'r["found_after_seconds"] >= 0')"
check_eq "late found by IDLE" "inbox INBOX" "$(field late 'r["placement"] + " " + r["folder"]')"
check_eq "late has received_at" "True" "$(field late 'r["received_at"].endswith("Z")')"
check_eq "late found no earlier than early" "True" \
    "$(printf '%s' "$json" | python3 -c '
import json, sys
r = {x["test"]: x for x in json.load(sys.stdin)["results"]}
print(r["late"]["found_after_seconds"] >= r["early"]["found_after_seconds"])')"
check_eq "moved reported in Junk" "spam Junk" "$(field moved 'r["placement"] + " " + r["folder"]')"
check_eq "move noted" "INBOX" "$(field moved 'r["moved_from"]')"

# One secret per connection: the main session and two IDLE sessions.
check_eq "password_cmd ran once per connection" 3 "$(wc -l <"$work/secret-runs")"

sleep 0.3
commands=$(cat "$work"/dovecot/mail/seed/dovecot.rawlog/*.in 2>/dev/null |
    tr -d '\r' | sed -E 's/^[^ ]+ //' | tr 'a-z' 'A-Z')
check_contains "IDLE sent" "IDLE" "$commands"
check_contains "DONE sent" "DONE" "$commands"
for forbidden in 'SELECT ' 'STORE ' 'EXPUNGE' 'COPY '; do
	# The test's own client session did COPY, STORE and EXPUNGE, so only
	# sessions that sent IDLE are looked at.
	landed_commands=$(grep -l IDLE "$work"/dovecot/mail/seed/dovecot.rawlog/*.in |
	    xargs cat | tr -d '\r' | sed -E 's/^[^ ]+ //' | tr 'a-z' 'A-Z')
	check_not_contains "no $forbidden in IDLE sessions" "$forbidden" "$landed_commands"
done

check_finish
