# landed check --bounces against a real Dovecot on 127.0.0.1: the sender's
# mailbox contains the bounces of samples/dsn (Postfix, Gmail, Outlook, Exim,
# qmail, a delay and a report with one failed and one relayed recipient),
# an auto-reply, a bounce for an address of no account, and the sent test
# itself in Sent.  Checks the placement and bounce of every seed, the
# exit status, errors for a missing or unreadable bounce account, and
# that the sender's mailbox is only read.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh
. tests/lib/dovecot.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-bounces.XXXXXX")
trap 'dovecot_stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"

# --- mailboxes ------------------------------------------------------------

src="$work/src"
mkdir -p "$src/sender/INBOX" "$src/sender/Sent" "$src/charlie/INBOX" \
    "$src/alpha/INBOX"
cp samples/dsn/*.eml "$src/sender/INBOX/"
cp samples/demo/bounces/autoreply-cfg2.eml "$src/sender/INBOX/"
# A delay for an address that has no failure, and a failure for an address
# that no account has.
sed 's/seed@gmail\.example\.net/late@gmail.example.net/g' \
    samples/dsn/postfix-delayed.eml > "$src/sender/INBOX/delayed-only.eml"
sed 's/seed@mx\.example\.net/nobody@unknown.example.net/g' \
    samples/dsn/postfix-5.7.1.eml > "$src/sender/INBOX/unmatched.eml"
# The sent test in Sent must not be read as a bounce.
sed -n '/^Return-Path: <news@example.com>/,/^Hello/p' \
    samples/dsn/postfix-5.7.1.eml > "$src/sender/Sent/t1.eml"
# charlie received t1 although Outlook also bounced it.
sed -n '/^From: Example News/,/^Hello/p' samples/dsn/exim-failed.eml \
    > "$src/charlie/INBOX/t1.eml"
printf 'From: a@example.org\r\nSubject: hello\r\nMessage-ID: <x@example.org>\r\n\r\nhi\r\n' \
    > "$src/alpha/INBOX/1.eml"

for user in sender charlie alpha; do
	tests/lib/seed-maildir "$src/$user" "$work/dovecot/mail/$user/Maildir"
done
printf 'mailbox Sent {\n  special_use = \\Sent\n}\n' > "$work/special-use.conf"
DOVECOT_USERS="sender:sender-pass alpha:alpha-pass bravo:bravo-pass
 charlie:charlie-pass delta:delta-pass echo:echo-pass foxtrot:foxtrot-pass
 golf:golf-pass"
DOVECOT_EXTRA_CONF="$work/special-use.conf"
DOVECOT_RAWLOG=1
export DOVECOT_USERS DOVECOT_EXTRA_CONF DOVECOT_RAWLOG
dovecot_start "$work/dovecot" || { echo "FAIL dovecot did not start"; exit 1; }
dovecot_fix_owner "$work/dovecot"

snapshot() {	# file names (they carry the flags) and contents of every message
	(cd "$work/dovecot/mail/sender" && find . -path '*/cur/*' -o -path '*/new/*' |
	    grep -v dovecot | sort | while read -r f; do
		printf '%s %s\n' "$f" "$(cksum < "$f")"
	done)
}
before=$(snapshot)

# --- config ---------------------------------------------------------------

account() {	# account NAME ADDRESS
	cat <<EOF

[account $1]
provider = generic
user = $1
password_cmd = echo $1-pass
host = 127.0.0.1
port = $DOVECOT_IMAPS_PORT
ca_file = $DOVECOT_CA
EOF
	[ -n "$2" ] && echo "address = $2"
}
{
	account sender ""
	account alpha seed@mx.example.net
	account bravo "seed@gmail.example.net, bravo@example.net"
	account charlie seed@outlook.example.net
	account delta seed@yandex.example.net
	account echo seed@fastmail.example.net
	account foxtrot seed@mail.example.org
	account golf late@gmail.example.net
} > "$work/landed.conf"
sed 's/^password_cmd = echo sender-pass$/password_cmd = echo wrong-pass/' \
    "$work/landed.conf" > "$work/wrong.conf"
chmod 600 "$work/landed.conf" "$work/wrong.conf"

tests="--message-id t1=<t1-5c1f0a9e@news.example.com>
 --message-id t2=<t2-7d3e9b41@news.example.com>"

field() {	# field JSON ACCOUNT TEST EXPRESSION
	printf '%s' "$1" | python3 -c '
import json, sys
report = json.load(sys.stdin)
for r in report["results"]:
    if r["account"] == sys.argv[1] and r["test"] == sys.argv[2]:
        b = r["bounce"] or {}
        print(eval(sys.argv[3], {"r": r, "b": b}))' "$2" "$3" "$4"
}

top() {	# top JSON EXPRESSION
	printf '%s' "$1" | python3 -c '
import json, sys
report = json.load(sys.stdin)
print(eval(sys.argv[1], {"report": report}))' "$2"
}

# --- rejections -----------------------------------------------------------

json=$("$LANDED" check -c "$work/landed.conf" $tests --bounces sender \
    --format json --timeout 10 2>"$work/stderr")
status=$?
check_eq "exit status with bounces read" 0 "$status"
check_eq "sender is not a seed" "alpha bravo charlie delta echo foxtrot golf" \
    "$(top "$json" '" ".join(a["name"] for a in report["accounts"])')"
check_eq "bounces summary" "sender ok None 9 1" \
    "$(top "$json" '" ".join(str(report["bounces"][k]) for k in ("account", "status", "error", "bounces", "unmatched_recipients"))')"

check_eq "postfix 5.7.1" "rejected 554 5.7.1 mail.example.com failed" \
    "$(field "$json" alpha t1 'r["placement"] + " " + str(b["smtp_code"]) + " " + b["status"] + " " + b["reporting_mta"] + " " + b["action"]')"
check_eq "postfix explanation" "rejected by policy or a block list" \
    "$(field "$json" alpha t1 'b["explanation"]')"
check_eq "postfix diagnostic" "554 5.7.1 Rejected by policy: DMARC p=reject failed" \
    "$(field "$json" alpha t1 'b["diagnostic"]')"
check_eq "gmail failure beats its delay" "rejected 5.7.25 failed" \
    "$(field "$json" bravo t1 'r["placement"] + " " + b["status"] + " " + b["action"]')"
check_eq "gmail 5.7.25 explanation" "no PTR record for the sending IP" \
    "$(field "$json" bravo t1 'b["explanation"]')"
check_eq "found placement stands with bounce" "inbox 5.7.1" \
    "$(field "$json" charlie t1 'r["placement"] + " " + b["status"]')"
check_eq "qmail text bounce" "rejected 550 5.7.1 relay.example.org" \
    "$(field "$json" delta t1 'r["placement"] + " " + str(b["smtp_code"]) + " " + b["status"] + " " + b["reporting_mta"]')"
check_eq "multi-recipient failed one" "rejected 5.7.1" \
    "$(field "$json" delta t2 'r["placement"] + " " + b["status"]')"
check_eq "multi-recipient relayed one" "missing None" \
    "$(field "$json" echo t2 'r["placement"] + " " + str(r["bounce"])')"
check_eq "exim text bounce" "rejected 5.1.1 no such user at the receiver" \
    "$(field "$json" foxtrot t1 'r["placement"] + " " + b["status"] + " " + b["explanation"]')"
check_eq "delay is not a rejection" "missing delayed 4.7.0 421" \
    "$(field "$json" golf t1 'r["placement"] + " " + b["action"] + " " + b["status"] + " " + str(b["smtp_code"])')"
check_eq "delay explanation" "deferred: a temporary failure, not final" \
    "$(field "$json" golf t1 'b["explanation"]')"
check_eq "no bounce for t2 at alpha" "missing None" \
    "$(field "$json" alpha t2 'r["placement"] + " " + str(r["bounce"])')"
check_contains "unmatched recipient warned" \
    "nobody@unknown.example.net (failed 5.7.1) matches no checked account" \
    "$(cat "$work/stderr")"

table=$("$LANDED" check -c "$work/landed.conf" $tests --bounces sender \
    --timeout 10 2>/dev/null)
check_contains "table shows the status" "rejected 5.7.25" "$table"

"$LANDED" check -c "$work/landed.conf" $tests --bounces sender \
    --fail-on rejected --timeout 10 >/dev/null 2>&1
check_eq "--fail-on rejected" 1 "$?"

json=$("$LANDED" check -c "$work/landed.conf" $tests --bounces sender \
    -a sender -a alpha --format json --timeout 10 2>/dev/null)
check_eq "-a names the bounce account too" "sender alpha" \
    "$(top "$json" '" ".join(a["name"] for a in report["accounts"])')"

json=$("$LANDED" check -c "$work/landed.conf" $tests --format json \
    --timeout 10 2>/dev/null)
check_eq "without --bounces" "missing None None" \
    "$(field "$json" alpha t1 'r["placement"] + " " + str(r["bounce"])') $(top "$json" 'report["bounces"]')"

# --- errors ---------------------------------------------------------------

out=$("$LANDED" check -c "$work/landed.conf" $tests --bounces nosuch 2>&1)
check_eq "unknown bounce account exit status" 2 "$?"
check_contains "unknown bounce account message" \
    "--bounces account \"nosuch\" is not in" "$out"

json=$("$LANDED" check -c "$work/wrong.conf" $tests --bounces sender \
    --format json --timeout 10 2>"$work/stderr")
check_eq "unreadable bounce account exit status" 3 "$?"
check_eq "unreadable bounce account status" "error" \
    "$(top "$json" 'report["bounces"]["status"]')"
check_contains "unreadable bounce account error names it" "account sender" \
    "$(top "$json" 'report["bounces"]["error"]')"
check_eq "seed results stand" "inbox" "$(field "$json" charlie t1 'r["placement"]')"
check_not_contains "password not printed" "wrong-pass" "$json$(cat "$work/stderr")"

# --- read-only ------------------------------------------------------------

check_eq "sender mailbox unchanged" "$before" "$(snapshot)"
commands=$(cat "$work"/dovecot/mail/sender/dovecot.rawlog/*.in 2>/dev/null)
check_contains "bounces fetched with BODY.PEEK[]" "BODY.PEEK[]<0.1048576>" "$commands"
check_not_contains "no SELECT" " SELECT " "$commands"
check_not_contains "no STORE" " STORE " "$commands"
check_not_contains "no BODY[ without PEEK" "BODY[" "$commands"
bounce_sessions=$(grep -l 'UID SEARCH .*TEXT' "$work"/dovecot/mail/sender/dovecot.rawlog/*.in | wc -l)
check_eq "bounce searches recorded" 4 "$bounce_sessions"
check_not_contains "Sent not searched for bounces" "EXAMINE Sent" \
    "$(grep -l 'UID SEARCH .*TEXT' "$work"/dovecot/mail/sender/dovecot.rawlog/*.in | xargs cat)"

check_finish
