# landed check against a real Dovecot on 127.0.0.1: every placement class,
# unflagged and localized spam folders, a non-ASCII folder, a forged
# Authentication-Results field, tag superstrings, a wrong password, an
# untrusted certificate, a pinned certificate over STARTTLS, and proof
# that the seed mailboxes are left untouched.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh
. tests/lib/dovecot.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-check.XXXXXX")
trap 'dovecot_stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"

# --- mailboxes ------------------------------------------------------------

msg() {	# msg FILE MESSAGE-ID SUBJECT [EXTRA-HEADER-LINES]
	mkdir -p "$(dirname "$1")"
	{
		[ -n "${4:-}" ] && printf '%b' "$4"
		printf 'From: Probe <probe@sender.example.com>\r\n'
		printf 'To: seed@example.net\r\n'
		printf 'Subject: %s\r\n' "$3"
		printf 'Date: Fri, 04 Dec 2026 19:43:20 +0000\r\n'
		printf 'Message-ID: %s\r\n' "$2"
		printf 'MIME-Version: 1.0\r\n\r\nbody\r\n'
	} > "$1"
}

src="$work/src"
ar_pass='Authentication-Results: mx.example.net;\r\n\tspf=pass smtp.mailfrom=sender.example.com;\r\n\tdkim=pass header.d=sender.example.com;\r\n\tdmarc=pass header.from=sender.example.com\r\n'
ar_fail='Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=sender.example.com;\r\n\tdkim=none; dmarc=fail header.from=sender.example.com\r\n'
ar_forged='Authentication-Results: mx.example.net; spf=pass; dkim=pass; dmarc=pass\r\n'

# alpha: a generic server with \Junk on "Junk".
msg "$src/alpha/INBOX/1.eml" '<inbox-1@sender.example.com>' 'inbox test' "$ar_pass"
msg "$src/alpha/INBOX/2.eml" '<other-mail@example.org>' 'run-10 newsletter' 'X-Landed-Tag: run-10\r\n'
msg "$src/alpha/INBOX/3.eml" '<forged@sender.example.com>' 'forged test' "$ar_fail$ar_forged"
msg "$src/alpha/Junk/1.eml" '<spam-1@sender.example.com>' 'spam test' "$ar_fail"
msg "$src/alpha/Archive/1.eml" '<other-1@sender.example.com>' 'archived test' "$ar_pass"
msg "$src/alpha/Отложенные/1.eml" '<utf8-1@sender.example.com>' 'deferred test' "$ar_pass"
msg "$src/alpha/INBOX/4.eml" '<tagged@sender.example.com>' 'probe tag-7 today' 'X-Landed-Tag: tag-7\r\n'

# bravo: Yahoo's unflagged "Bulk".
msg "$src/bravo/INBOX/1.eml" '<unrelated@example.org>' 'hello'
msg "$src/bravo/Bulk/1.eml" '<spam-1@sender.example.com>' 'spam test' "$ar_fail"

# charlie: a localized, unflagged spam folder.
msg "$src/charlie/INBOX/1.eml" '<inbox-1@sender.example.com>' 'inbox test' "$ar_pass"
msg "$src/charlie/Спам/1.eml" '<spam-1@sender.example.com>' 'spam test' "$ar_fail"

for user in alpha bravo charlie; do
	tests/lib/seed-maildir "$src/$user" "$work/dovecot/mail/$user/Maildir"
done

printf 'mailbox Junk {\n  special_use = \\Junk\n}\n' > "$work/special-use.conf"
DOVECOT_USERS="alpha:alpha-pass bravo:bravo-pass charlie:charlie-pass"
DOVECOT_EXTRA_CONF="$work/special-use.conf"
DOVECOT_RAWLOG=1
export DOVECOT_USERS DOVECOT_EXTRA_CONF DOVECOT_RAWLOG
dovecot_start "$work/dovecot" || { echo "FAIL dovecot did not start"; exit 1; }
dovecot_fix_owner "$work/dovecot"

snapshot() {	# file names (they carry the flags) and contents of every message
	(cd "$work/dovecot/mail" && find . -path '*/cur/*' -o -path '*/new/*' |
	    grep -v dovecot | sort | while read -r f; do
		printf '%s %s\n' "$f" "$(cksum < "$f")"
	done)
}
before=$(snapshot)

# --- config ---------------------------------------------------------------

printf 'alpha-pass\n' > "$work/alpha.secret"
chmod 600 "$work/alpha.secret"
cat > "$work/landed.conf" <<EOF
[account alpha]
provider = generic
user = alpha
password_file = $work/alpha.secret
host = 127.0.0.1
port = $DOVECOT_IMAPS_PORT
ca_file = $DOVECOT_CA
authserv_id = mx.example.net

[account bravo]
provider = yahoo
user = bravo
password_env = LANDED_IT_BRAVO
host = localhost
port = $DOVECOT_IMAP_PORT
tls = starttls
tls_fingerprint = $DOVECOT_FINGERPRINT
authserv_id = mx.example.net

[account charlie]
provider = generic
user = charlie
password_cmd = echo charlie-pass
host = 127.0.0.1
port = $DOVECOT_IMAPS_PORT
ca_file = $DOVECOT_CA
authserv_id = mx.example.net
EOF
chmod 600 "$work/landed.conf"
export LANDED_IT_BRAVO=bravo-pass

tests="--message-id inbox=<inbox-1@sender.example.com>
 --message-id spam=<spam-1@sender.example.com>
 --message-id other=<other-1@sender.example.com>
 --message-id utf8=<utf8-1@sender.example.com>
 --message-id forged=<forged@sender.example.com>
 --tag run-1 --tag tag-7"

# --- placements -----------------------------------------------------------

json=$("$LANDED" check -c "$work/landed.conf" $tests --format json --timeout 10 2>"$work/stderr")
status=$?
check_eq "exit status with every account checked" 0 "$status"

field() {	# field ACCOUNT TEST EXPRESSION
	printf '%s' "$json" | python3 -c '
import json, sys
report = json.load(sys.stdin)
for r in report["results"]:
    if r["account"] == sys.argv[1] and r["test"] == sys.argv[2]:
        print(eval(sys.argv[3], {}, {"r": r}))' "$1" "$2" "$3"
}

check_eq "schema" "landed/1" "$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["schema"])')"
check_eq "alpha inbox" "inbox INBOX" "$(field alpha inbox 'r["placement"] + " " + r["folder"]')"
check_eq "alpha inbox auth" "pass pass pass mx.example.net" "$(field alpha inbox 'r["auth"]["spf"] + " " + r["auth"]["dkim"] + " " + r["auth"]["dmarc"] + " " + r["auth"]["authserv_id"]')"
check_eq "alpha inbox received_at" "True" "$(field alpha inbox 'r["received_at"].endswith("Z")')"
check_eq "alpha spam in flagged Junk" "spam Junk" "$(field alpha spam 'r["placement"] + " " + r["folder"]')"
check_eq "alpha other in Archive" "other Archive" "$(field alpha other 'r["placement"] + " " + r["folder"]')"
check_eq "alpha non-ASCII folder in UTF-8" "other Отложенные" "$(field alpha utf8 'r["placement"] + " " + r["folder"]')"
check_eq "alpha forged field ignored" "fail 1" "$(field alpha forged 'r["auth"]["dmarc"] + " " + str(r["ignored_authentication_results"])')"
check_eq "alpha forged field listed untrusted" "[True, False]" "$(field alpha forged '[h["trusted"] for h in r["authentication_results"]]')"
check_eq "alpha tag superstring not matched" "missing" "$(field alpha run-1 'r["placement"]')"
check_eq "alpha tag matched exactly" "inbox" "$(field alpha tag-7 'r["placement"]')"
check_eq "bravo unflagged Bulk over STARTTLS with pin" "spam Bulk" "$(field bravo spam 'r["placement"] + " " + r["folder"]')"
check_eq "bravo missing" "missing None 0" "$(field bravo inbox 'r["placement"] + " " + str(r["folder"]) + " " + str(r["copies"])')"
check_eq "charlie localized spam folder" "spam Спам" "$(field charlie spam 'r["placement"] + " " + r["folder"]')"
check_eq "charlie inbox" "inbox" "$(field charlie inbox 'r["placement"]')"

table=$("$LANDED" check -c "$work/landed.conf" $tests --timeout 10 2>/dev/null)
check_contains "table has a row per account" "charlie" "$table"
check_contains "table shows the test labels" "forged" "$table"
check_not_contains "table without a TTY has no colour" "$(printf '\033')" "$table"

# --- the mailboxes are untouched ------------------------------------------

after=$(snapshot)
check_eq "message files and flags unchanged" "$before" "$after"

commands=$(cat "$work"/dovecot/mail/*/dovecot.rawlog/*.in 2>/dev/null |
    tr -d '\r' | sed -E 's/^[^ ]+ //' | tr 'a-z' 'A-Z')
check_contains "rawlog captured the session" "EXAMINE" "$commands"
check_contains "fetch uses BODY.PEEK" "BODY.PEEK[HEADER.FIELDS" "$commands"
for forbidden in 'SELECT ' 'STORE ' 'EXPUNGE' 'COPY ' 'MOVE ' 'DELETE ' 'APPEND '; do
	check_not_contains "no $forbidden command" "$forbidden" "$commands"
done
check_eq "no BODY[ without PEEK" "" "$(printf '%s\n' "$commands" | grep -E 'BODY\[' | grep -v 'BODY\.PEEK\[')"

# --- failures: one account fails, the others are still reported -----------

sed -e 's/^password_cmd = echo charlie-pass$/password_cmd = echo wrong-pass/' \
    "$work/landed.conf" > "$work/wrong.conf"
chmod 600 "$work/wrong.conf"
json=$("$LANDED" check -c "$work/wrong.conf" $tests --format json --timeout 10 2>"$work/stderr")
check_eq "wrong password exits 3" 3 "$?"
check_eq "wrong password: account error" "error" "$(field charlie inbox 'r["placement"]')"
check_contains "wrong password: error names the account" "charlie" "$(field charlie inbox 'r["error"]')"
check_contains "wrong password: server reply shown" "uthentication failed" "$(field charlie inbox 'r["error"]')"
check_eq "wrong password: other accounts still checked" "inbox" "$(field alpha inbox 'r["placement"]')"
check_not_contains "wrong password: secret not printed" "wrong-pass" "$json$(cat "$work/stderr")"

sed -e "/^ca_file = /d" "$work/landed.conf" > "$work/untrusted.conf"
chmod 600 "$work/untrusted.conf"
json=$("$LANDED" check -c "$work/untrusted.conf" $tests -a alpha --format json --timeout 10 2>"$work/stderr")
check_eq "untrusted certificate exits 3" 3 "$?"
check_contains "untrusted certificate: error says so" "certificate" "$(field alpha inbox 'r["error"]')"
check_contains "untrusted certificate: fingerprint shown for pinning" "$DOVECOT_FINGERPRINT" "$(field alpha inbox 'r["error"]')"

check_finish
