#!/bin/sh
# landed check --wait against a real Dovecot.  The deadline is respected
# when a test message never arrives.  A message that arrives in a folder
# without IDLE is found by polling, and a mailbox without a spam folder
# gets IDLE on INBOX only.  Invalid durations are rejected before any
# connection.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh
. tests/lib/dovecot.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-deadline.XXXXXX")
landed_pid=
trap '[ -z "$landed_pid" ] || kill "$landed_pid" 2>/dev/null
	dovecot_stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
chmod 755 "$work"

mkdir -p "$work/src/INBOX" "$work/src/Archive"
printf 'Date: Fri, 04 Dec 2026 19:43:20 +0000\r\nSubject: early test\r\nMessage-ID: <early@sender.example.com>\r\n\r\nbody\r\n' \
    >"$work/src/INBOX/1.eml"
printf 'Date: Fri, 04 Dec 2026 19:43:20 +0000\r\nSubject: unrelated\r\nMessage-ID: <unrelated@example.org>\r\n\r\nbody\r\n' \
    >"$work/src/Archive/1.eml"
tests/lib/seed-maildir "$work/src" "$work/dovecot/mail/seed/Maildir"

DOVECOT_USERS="seed:seed-pass" DOVECOT_RAWLOG=1 dovecot_start "$work/dovecot" ||
	{ echo "FAIL dovecot did not start"; exit 1; }
dovecot_fix_owner "$work/dovecot"

cat >"$work/landed.conf" <<EOF
[account seed]
provider = generic
user = seed
password_cmd = echo seed-pass
host = 127.0.0.1
port = $DOVECOT_IMAPS_PORT
ca_file = $DOVECOT_CA
authserv_id = mx.example.net
EOF
chmod 600 "$work/landed.conf"

# --- the deadline ----------------------------------------------------------

wait_seconds=3
timeout=5
start=$(date +%s)
json=$("$LANDED" check -c "$work/landed.conf" --format json --timeout $timeout \
    --wait ${wait_seconds}s --message-id early='<early@sender.example.com>' \
    --message-id never='<never@sender.example.com>' 2>"$work/stderr")
status=$?
elapsed=$(($(date +%s) - start))
check_eq "missing test is not an error" 0 "$status"
check_eq "finished before the deadline plus the timeout" 1 \
    $((elapsed <= wait_seconds + timeout))
field() {	# field TEST EXPRESSION
	printf '%s' "$json" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if r["test"] == sys.argv[1]:
        print(eval(sys.argv[2], {}, {"r": r}))' "$1" "$2"
}
check_eq "never is missing" "missing None None" \
    "$(field never 'r["placement"] + " " + str(r["found_after_seconds"]) + " " + str(r["moved_from"])')"
check_eq "early is in INBOX" "inbox" "$(field early 'r["placement"]')"
check_eq "stderr quiet without -v" "" "$(cat "$work/stderr")"

# --- polling finds a message in a folder without IDLE -----------------------

"$LANDED" check -c "$work/landed.conf" -v --format json --timeout $timeout \
    --wait 60 --message-id archived='<archived@sender.example.com>' \
    >"$work/report.json" 2>"$work/stderr" &
landed_pid=$!
i=0
while ! grep -q 'IDLE on' "$work/stderr" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
/usr/bin/python3 - "$DOVECOT_IMAP_PORT" <<'PY'
import imaplib, sys
imap = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
imap.login("seed", "seed-pass")
imap.append("Archive", None, None, b"Subject: archived test\r\n"
            b"Message-ID: <archived@sender.example.com>\r\n\r\nbody\r\n")
imap.logout()
PY
wait "$landed_pid"
status=$?
landed_pid=
json=$(cat "$work/report.json")
check_eq "polling exit status" 0 "$status"
check_eq "polling found the archived message" "other Archive" \
    "$(field archived 'r["placement"] + " " + r["folder"]')"
check_contains "IDLE only on INBOX (no spam folder)" 'IDLE on "INBOX"' \
    "$(cat "$work/stderr")"

# --- invalid durations -------------------------------------------------------

for bad in 5x -5 1d 25h '' m 90ss; do
	out=$("$LANDED" check -c "$work/landed.conf" --wait "$bad" \
	    --message-id '<a@example.com>' 2>&1)
	check_eq "--wait '$bad' is a usage error" 2 "$?"
	check_contains "--wait '$bad' message" "invalid value \"$bad\" for --wait" "$out"
done
for good in 0 90 90s 5m 1h 24h; do
	out=$("$LANDED" check -c "$work/landed.conf" --wait "$good" --help 2>&1)
	check_eq "--wait '$good' is accepted" 0 "$?"
done

check_finish
