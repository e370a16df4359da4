#!/bin/sh
# landed check with many accounts in parallel: a silent server and a dead
# port among healthy Dovecot accounts cost no more than the timeout, with
# -j 8 and with -j 1.  Invalid -j values and a -j that would need too many
# file descriptors are rejected before any connection.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh
. tests/lib/dovecot.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-concurrency.XXXXXX")
server_pid=
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null
	dovecot_stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
chmod 755 "$work"

healthy="h1 h2 h3 h4 h5 h6"
users=
for user in $healthy; do
	mkdir -p "$work/src/$user/INBOX"
	printf 'Date: Fri, 04 Dec 2026 19:43:20 +0000\r\nSubject: test\r\nMessage-ID: <t1@sender.example.com>\r\n\r\nbody\r\n' \
	    >"$work/src/$user/INBOX/1.eml"
	tests/lib/seed-maildir "$work/src/$user" "$work/dovecot/mail/$user/Maildir"
	users="$users $user:$user-pass"
done
DOVECOT_USERS=$users dovecot_start "$work/dovecot" ||
	{ echo "FAIL dovecot did not start"; exit 1; }
dovecot_fix_owner "$work/dovecot"

# A silent server: accepts the connection and never sends a byte.
tests/fixtures/fake-imap-server silent --port-file "$work/silent-port" \
    --connections 2 --lifetime 30 &
server_pid=$!
i=0
while [ ! -s "$work/silent-port" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
silent_port=$(cat "$work/silent-port")
# A dead port: free now, so nothing listens there.
dead_port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

{
	for user in h1 h2 h3; do
		printf '[account %s]\nprovider = generic\nuser = %s\npassword_cmd = echo %s-pass\nhost = 127.0.0.1\nport = %s\nca_file = %s\n\n' \
		    "$user" "$user" "$user" "$DOVECOT_IMAPS_PORT" "$DOVECOT_CA"
	done
	printf '[account silent]\nprovider = generic\nuser = s\npassword_cmd = echo s\nhost = 127.0.0.1\nport = %s\ntls = none\n\n' "$silent_port"
	printf '[account dead]\nprovider = generic\nuser = d\npassword_cmd = echo d\nhost = 127.0.0.1\nport = %s\ntls = none\n\n' "$dead_port"
	for user in h4 h5 h6; do
		printf '[account %s]\nprovider = generic\nuser = %s\npassword_cmd = echo %s-pass\nhost = 127.0.0.1\nport = %s\ntls = none\n\n' \
		    "$user" "$user" "$user" "$DOVECOT_IMAP_PORT"
	done
} >"$work/landed.conf"
chmod 600 "$work/landed.conf"

timeout=3
for jobs in 8 1; do
	start=$(date +%s)
	json=$("$LANDED" check -c "$work/landed.conf" -j $jobs --timeout $timeout \
	    --format json --message-id t1='<t1@sender.example.com>' 2>"$work/stderr")
	status=$?
	elapsed=$(($(date +%s) - start))
	check_eq "-j $jobs: exit 3 for failed accounts" 3 "$status"
	# One timeout for the silent server, plus start-up and scheduling.
	check_eq "-j $jobs: one timeout for the faults" 1 $((elapsed <= 2 * timeout))
	placements=$(printf '%s' "$json" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    print(r["account"], r["placement"])')
	for user in $healthy; do
		check_contains "-j $jobs: $user found" "$user inbox" "$placements"
	done
	errors=$(printf '%s' "$json" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["accounts"]:
    print(a["name"], a["status"], a["error"])')
	check_contains "-j $jobs: silent server timed out" \
	    "silent error account silent: no reply from 127.0.0.1:$silent_port within $timeout s" \
	    "$errors"
	check_contains "-j $jobs: dead port refused" \
	    "dead error account dead: connection to 127.0.0.1:$dead_port refused" "$errors"
done

# --- -j limits ---------------------------------------------------------------

for bad in 0 257 -1 x; do
	out=$("$LANDED" check -c "$work/landed.conf" -j "$bad" \
	    --message-id '<t1@sender.example.com>' 2>&1)
	check_eq "-j $bad is a usage error" 2 "$?"
	check_contains "-j $bad message" "invalid value \"$bad\" for -j" "$out"
done

# 130 accounts on the dead port: -j 256 with --wait needs 4 descriptors
# per account (main session, two IDLE sessions, one while connecting).
i=0
while [ $i -lt 130 ]; do
	printf '[account many-%d]\nprovider = generic\nuser = m\npassword_cmd = echo m\nhost = 127.0.0.1\nport = %s\ntls = none\n\n' \
	    $i "$dead_port"
	i=$((i + 1))
done >"$work/many.conf"
chmod 600 "$work/many.conf"
out=$("$LANDED" check -c "$work/many.conf" -j 256 --wait 1m \
    --message-id '<t1@sender.example.com>' 2>&1)
check_eq "descriptor budget: usage error" 2 "$?"
check_contains "descriptor budget: message" \
    "-j 256 with --wait needs up to 520 file descriptors (4 per account)" "$out"
check_contains "descriptor budget: the fix" "use -j 128 or less" "$out"
check_not_contains "descriptor budget: no connection tried" "refused" "$out"
out=$("$LANDED" check -c "$work/many.conf" -j 256 --timeout 2 \
    --message-id '<t1@sender.example.com>' 2>&1)
check_eq "-j 256 without --wait fits" 3 "$?"

check_finish
