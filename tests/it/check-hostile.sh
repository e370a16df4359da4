# landed check against a server that lies in well-formed replies.  It
# lists a folder name that carries IMAP commands after a line break and
# one with a terminal escape sequence.  Its SEARCH returns UID 0 and
# repeated UIDs, and its FETCH answers UIDs that were not requested.  landed must send no
# injected command, print no escape sequence, and count each requested
# UID once.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-hostile.XXXXXX")
fake=
trap '[ -z "$fake" ] || kill "$fake" 2>/dev/null; rm -rf "$work"' EXIT INT TERM

python3 tests/fixtures/fake-imap-server hostile --port-file "$work/port" \
    --log "$work/sent.log" --lifetime 20 &
fake=$!
while [ ! -s "$work/port" ]; do sleep 0.05; done

cat >"$work/landed.conf" <<EOF
[account hostile]
provider = generic
user = seed
password_env = LANDED_IT_HOSTILE
host = 127.0.0.1
port = $(cat "$work/port")
tls = none
authserv_id = mx.example.net
EOF
chmod 600 "$work/landed.conf"

LANDED_IT_HOSTILE=seed-pass "$LANDED" check -c "$work/landed.conf" \
    --message-id t1='<t1@sender.example.com>' --format json -v \
    >"$work/out.json" 2>"$work/stderr"
check_eq "exit status" 0 "$?"
wait "$fake"
fake=

sent=$(tr -d '\r' <"$work/sent.log")
for forbidden in 'A1 SELECT' 'A2 STORE' 'A3 EXPUNGE' 'EXPUNGE' 'STORE'; do
	check_not_contains "no injected $forbidden" "$forbidden" "$sent"
done
check_contains "searched INBOX" "EXAMINE INBOX" "$sent"
check_not_contains "no UID 0 fetched" "FETCH 0" "$sent"
check_contains "fetch asks for UIDs 1 and 2 as a range" "UID FETCH 1:2 " "$sent"
check_contains "skipped folders named in a warning" "listed 2 folders whose name contains" "$(cat "$work/stderr")"
check_not_contains "no escape sequence on stderr" "$(printf '\033')" "$(cat "$work/stderr")"
check_not_contains "no escape sequence in the report" "$(printf '\033')" "$(cat "$work/out.json")"

field() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(eval(sys.argv[2], {}, {"r": r}))' "$work/out.json" "$1"
}
check_eq "found in INBOX" "inbox INBOX" "$(field 'r["placement"] + " " + r["folder"]')"
check_eq "copies count UIDs 1 and 2 only, once each" "2" "$(field 'r["copies"]')"

check_finish
