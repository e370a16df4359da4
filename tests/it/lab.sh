# The lab end to end (lab/run): four DNS set-ups of a sending domain sent
# through knot, rspamd, two Postfix instances and Dovecot on loopback,
# then landed check --bounces.  Checks every cell of the matrix in the
# JSON report, the deliveries on disk, that landed only read the
# mailboxes, and that no daemon outlives the run.
#
# Skipped only where unshare may not create namespaces (not root, or a
# container that forbids it), because the lab needs its own network.
# The first run on a machine also compiles rspamd's pattern cache into
# lab/out/cache (about 20 s); later runs take about 10 s.
#
# Needs: $LANDED (the binary under test), the lab's packages
# (scripts/deps install).
set -u
. tests/lib/check.sh

if ! unshare --net --mount --uts --pid --fork --kill-child --mount-proc \
    true 2>/dev/null; then
	echo "skip: unshare --net --mount --uts --pid is not permitted here, and the lab needs its own network namespace"
	check_finish
	exit
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-lab.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# --- run ------------------------------------------------------------------

LAB_OUT=$work DOVECOT_RAWLOG=1 LANDED=$LANDED lab/run >"$work/run.log" 2>&1
status=$?
check_eq "lab/run exit status" 0 "$status"
if [ "$status" -ne 0 ] || [ ! -f "$work/report.json" ]; then
	echo "lab/run output:"
	sed 's/^/    /' "$work/run.log"
	check_finish
	exit
fi
output=$(cat "$work/run.log")

# --- the matrix -----------------------------------------------------------

# field TEST PATH: prints one field of TEST's result, e.g. auth.dmarc;
# "null" for JSON null, "absent" when the test has no result.
field() {
	/usr/bin/python3 - "$work/report.json" "$1" "$2" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
result = next((r for r in report["results"] if r["test"] == sys.argv[2]), None)
if result is None:
    print("absent")
    sys.exit()
value = result
for key in sys.argv[3].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print("null" if value is None else value)
PY
}

schema=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["schema"])' \
    "$work/report.json")
check_eq "report schema" "landed/1" "$schema"

check_eq "cfg1 placement" inbox "$(field cfg1-aligned placement)"
check_eq "cfg1 folder" INBOX "$(field cfg1-aligned folder)"
check_eq "cfg1 authserv-id" mx.lab.test "$(field cfg1-aligned auth.authserv_id)"
check_eq "cfg1 spf" pass "$(field cfg1-aligned auth.spf)"
check_eq "cfg1 dkim" pass "$(field cfg1-aligned auth.dkim)"
check_eq "cfg1 dmarc" pass "$(field cfg1-aligned auth.dmarc)"

check_eq "cfg2 placement" spam "$(field cfg2-spf-only placement)"
check_eq "cfg2 folder" Junk "$(field cfg2-spf-only folder)"
check_eq "cfg2 spf" pass "$(field cfg2-spf-only auth.spf)"
check_eq "cfg2 dkim" none "$(field cfg2-spf-only auth.dkim)"
check_eq "cfg2 dmarc" none "$(field cfg2-spf-only auth.dmarc)"

check_eq "cfg3 placement" spam "$(field cfg3-no-records placement)"
check_eq "cfg3 folder" Junk "$(field cfg3-no-records folder)"
check_eq "cfg3 spf" none "$(field cfg3-no-records auth.spf)"
check_eq "cfg3 dkim" none "$(field cfg3-no-records auth.dkim)"
check_eq "cfg3 dmarc" none "$(field cfg3-no-records auth.dmarc)"

check_eq "cfg4 placement" rejected "$(field cfg4-violated placement)"
check_eq "cfg4 bounce status" 5.7.1 "$(field cfg4-violated bounce.status)"
check_eq "cfg4 bounce smtp code" 554 "$(field cfg4-violated bounce.smtp_code)"
check_contains "cfg4 bounce diagnostic" "5.7.1 Rejected by receiver-lab policy" \
    "$(field cfg4-violated bounce.diagnostic)"
check_eq "cfg4 reporting mta" mail.sender.test \
    "$(field cfg4-violated bounce.reporting_mta)"
check_contains "table shows the rejection" "rejected 5.7.1" "$output"

# --- what the site did ----------------------------------------------------

check_contains "deliveries" \
    "delivered: seed1 INBOX 1, seed1 Junk 2; bounced to alice: 1" "$output"
dsn=$(cat "$work"/dovecot/mail/alice/Maildir/new/* 2>/dev/null)
check_contains "dsn is a delivery report" "report-type=delivery-status" "$dsn"
check_contains "dsn status" "Status: 5.7.1" "$dsn"
rejected=$(grep -c 'milter-reject: END-OF-MESSAGE.*5.7.1' "$work/mx/postfix.log")
check_eq "mx rejections at end of data" 1 "$rejected"

# landed opened folders with EXAMINE and fetched with BODY.PEEK only.
for user in seed1 alice; do
	commands=$(cat "$work"/dovecot/mail/$user/dovecot.rawlog/*.in 2>/dev/null)
	check_contains "$user was searched" "EXAMINE" "$commands"
	if printf '%s\n' "$commands" | grep -Eiq ' (SELECT|STORE|EXPUNGE|COPY|MOVE) |BODY\['; then
		check_eq "$user read-only" "no SELECT, STORE, EXPUNGE, COPY, MOVE or BODY[" \
		    "$(printf '%s\n' "$commands" | grep -Ei ' (SELECT|STORE|EXPUNGE|COPY|MOVE) |BODY\[' | head -n 3)"
	else
		check_eq "$user read-only" ok ok
	fi
done

# Every daemon ran in the lab's PID namespace, which ends with lab/run.
left=0
for cmdline in /proc/[0-9]*/cmdline; do
	if cat "$cmdline" 2>/dev/null | tr '\0' ' ' | grep -q "$work"; then
		left=$((left + 1))
	fi
done
check_eq "processes left from the lab" 0 "$left"

# --- a daemon that fails --------------------------------------------------

# A copy of the lab whose rspamd configuration does not parse: lab/run
# must name rspamd and show the end of its log.
tree=$work/broken-tree
mkdir -p "$tree/tests"
cp -r lab "$tree/lab"
cp -r tests/lib tests/fixtures "$tree/tests/"
echo 'options { this is not UCL' >>"$tree/lab/conf/rspamd/rspamd.conf.in"
landed_path=$(cd "$(dirname "$LANDED")" && pwd)/$(basename "$LANDED")
LAB_OUT=$work/broken-out LAB_CACHE=$PWD/lab/out/cache LANDED=$landed_path \
    "$tree/lab/run" >"$work/broken.log" 2>&1
status=$?
broken=$(cat "$work/broken.log")
check_eq "broken rspamd exit status" 1 "$status"
check_contains "broken rspamd is named" "lab: rspamd did not start listening" "$broken"
check_contains "broken rspamd log tail" "lines of $work/broken-out/rspamd/log/rspamd.log" "$broken"
check_not_contains "broken rspamd stops the run" "submitted" "$broken"

check_finish
