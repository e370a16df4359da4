#!/bin/sh
# landed check against a server that trickles its reply to UID SEARCH and
# one that replies to UID FETCH with a 160 MiB literal
# (tests/fixtures/fake-imap-server), next to a healthy Dovecot account.
# --timeout bounds the whole step, not each read, and one step may read
# at most 64 MiB.  Both faults fail their own account only.  The literal
# is large enough that max RSS passes 200 MB without the 64 MiB cap.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh
. tests/lib/dovecot.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-limits.XXXXXX")
fake_dir=$work
. tests/lib/fake-server.sh
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null
	dovecot_stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
chmod 755 "$work"

mkdir -p "$work/src/INBOX"
printf 'Date: Fri, 04 Dec 2026 19:43:20 +0000\r\nSubject: test\r\nMessage-ID: <t1@sender.example.com>\r\n\r\nbody\r\n' \
    >"$work/src/INBOX/1.eml"
tests/lib/seed-maildir "$work/src" "$work/dovecot/mail/seed/Maildir"
DOVECOT_USERS="seed:seedpass" dovecot_start "$work/dovecot" ||
	{ echo "FAIL dovecot did not start"; exit 1; }
dovecot_fix_owner "$work/dovecot"

# Max RSS comes from GNU time; without it that check is skipped.
if /usr/bin/time -f %M true >/dev/null 2>&1; then
	have_time=1
else
	have_time=0
	echo "SKIP max RSS checks: /usr/bin/time -f %M does not work here"
fi

# write_config PORT: one account on the fake server, one on Dovecot.
write_config() {
	{
		printf '[account fake]\nprovider = generic\nuser = f\npassword_cmd = echo f\nhost = 127.0.0.1\nport = %s\ntls = none\n\n' "$1"
		printf '[account good]\nprovider = generic\nuser = seed\npassword_cmd = echo seedpass\nhost = 127.0.0.1\nport = %s\nca_file = %s\n' \
		    "$DOVECOT_IMAPS_PORT" "$DOVECOT_CA"
	} >"$work/landed.conf"
	chmod 600 "$work/landed.conf"
}

# run_check: runs landed check, sets $status, $elapsed, $rss_kb (or
# empty), $errors ("NAME STATUS ERROR" lines) and $placements.
run_check() {
	start=$(date +%s)
	if [ "$have_time" = 1 ]; then
		/usr/bin/time -f %M -o "$work/rss" "$LANDED" check \
		    -c "$work/landed.conf" --timeout $timeout --format json \
		    --message-id t1='<t1@sender.example.com>' \
		    >"$work/out.json" 2>"$work/stderr"
		status=$?
		rss_kb=$(tail -n 1 "$work/rss")
	else
		"$LANDED" check -c "$work/landed.conf" --timeout $timeout \
		    --format json --message-id t1='<t1@sender.example.com>' \
		    >"$work/out.json" 2>"$work/stderr"
		status=$?
		rss_kb=
	fi
	elapsed=$(($(date +%s) - start))
	errors=$(python3 -c '
import json, sys
for a in json.load(open(sys.argv[1]))["accounts"]:
    print(a["name"], a["status"], a["error"])' "$work/out.json")
	placements=$(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["account"], r["placement"])' "$work/out.json")
}

timeout=3

# --- a reply trickled one byte every 0.5 s -----------------------------------

fake_server_start trickle-search --lifetime 60
write_config "$port"
run_check
check_eq "trickle: exit 3 for a failed account" 3 "$status"
check_eq "trickle: done within timeout + 5 s" 1 $((elapsed <= timeout + 5))
check_contains "trickle: step timed out" \
    "fake error account fake: no reply from 127.0.0.1:$port within $timeout s during UID SEARCH" \
    "$errors"
check_contains "trickle: healthy account ok" "good ok" "$errors"
check_contains "trickle: healthy account found" "good inbox" "$placements"
fake_server_stop

# --- a 160 MiB literal in the UID FETCH reply --------------------------------

fake_server_start huge-fetch --lifetime 60
write_config "$port"
run_check
check_eq "huge fetch: exit 3 for a failed account" 3 "$status"
check_contains "huge fetch: size limit message" \
    "fake error account fake: 127.0.0.1:$port sent more than 64 MiB in reply to one command; landed stopped reading" \
    "$errors"
check_contains "huge fetch: healthy account ok" "good ok" "$errors"
check_contains "huge fetch: healthy account found" "good inbox" "$placements"
if [ -n "$rss_kb" ]; then
	check_eq "huge fetch: max RSS below 200 MB (got $rss_kb KB)" 1 \
	    $((rss_kb < 200000))
fi
fake_server_stop

check_finish
