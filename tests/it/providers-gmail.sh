# The Gmail plugin's search hook against the scripted Gmail of
# tests/fixtures/fake-imap-server, because Dovecot has no X-GM-EXT-1.
# Only INBOX, Spam, Trash and All Mail are searched, and each inbox copy
# gets its tab from an X-GM-RAW search.  With INBOX left out of the
# folders list, an All Mail copy with the \Inbox label still counts as
# inbox.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-gmail.XXXXXX")
fake_dir=$work
. tests/lib/fake-server.sh
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

write_config() {	# write_config [FOLDERS-LINE]
	cat > "$work/landed.conf" <<EOF
[account gmail-1]
provider = gmail
user = seed@gmail.example
password_cmd = echo fake-secret
host = 127.0.0.1
port = $port
tls = none
${1:-}
EOF
	chmod 600 "$work/landed.conf"
}

field() {	# field TEST EXPRESSION
	printf '%s' "$json" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if r["test"] == sys.argv[1]:
        print(eval(sys.argv[2], {}, {"r": r}))' "$1" "$2"
}

tests="--message-id promo=<promo@sender.example.com>
 --message-id primary=<primary@sender.example.com>
 --message-id archived=<archived@sender.example.com>
 --message-id spam=<spam@sender.example.com>"

fake_server_start gmail
write_config
json=$("$LANDED" check -c "$work/landed.conf" $tests --format json --timeout 5 2>"$work/stderr")
check_eq "check exits 0" 0 "$?"
fake_server_stop
commands=$(cat "$work/commands")

check_eq "promotions tab" "inbox INBOX promotions 2" \
    "$(field promo 'r["placement"] + " " + r["folder"] + " " + r["category"] + " " + str(r["copies"])')"
check_eq "promotions tab in provider_verdict" "promotions" "$(field promo 'r["provider_verdict"]["tab"]')"
check_eq "primary tab" "inbox primary" "$(field primary 'r["placement"] + " " + r["category"]')"
check_eq "archived message is other in All Mail" "other [Gmail]/All Mail 1 None" \
    "$(field archived 'r["placement"] + " " + r["folder"] + " " + str(r["copies"]) + " " + str(r["category"])')"
check_eq "spam folder" "spam [Gmail]/Spam" "$(field spam 'r["placement"] + " " + r["folder"]')"
check_contains "X-GM-RAW tab search sent" 'X-GM-RAW "category:promotions { rfc822msgid:promo@sender.example.com rfc822msgid:primary@sender.example.com }"' "$commands"
check_not_contains "label folder not searched" 'EXAMINE Receipts' "$commands"
check_not_contains "no SELECT" 'SELECT' "$commands"

# INBOX left out: the \Inbox label from All Mail places the copy.
fake_server_start gmail
write_config 'folders = [Gmail]/All Mail, [Gmail]/Spam'
json=$("$LANDED" check -c "$work/landed.conf" $tests --format json --timeout 5 2>"$work/stderr")
check_eq "check without INBOX exits 0" 0 "$?"
fake_server_stop
check_eq "All Mail copy with \\Inbox is inbox" "inbox [Gmail]/All Mail" \
    "$(field promo 'r["placement"] + " " + r["folder"]')"
check_eq "archived stays other" "other" "$(field archived 'r["placement"]')"
check_contains "in:inbox search sent" 'X-GM-RAW "in:inbox {' "$(cat "$work/commands")"

check_finish
