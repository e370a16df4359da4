# Folder resolution against a Dovecot laid out like each provider:
# Gmail's [Gmail]/ folders with \Junk and \All, the same in Russian,
# Yahoo's unflagged "Bulk", GMX's "Spamverdacht", Web.de's "Unbekannt",
# and Proton Bridge's "Folders/" and "Labels/".  Dovecot has no
# X-GM-EXT-1, so the Gmail plugin takes the generic path here.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh
. tests/lib/dovecot.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-folders.XXXXXX")
trap 'dovecot_stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"

msg() {	# msg FILE MESSAGE-ID
	mkdir -p "$(dirname "$1")"
	printf 'From: Probe <probe@sender.example.com>\r\nTo: seed@example.net\r\nSubject: probe\r\nDate: Fri, 04 Dec 2026 19:43:20 +0000\r\nMessage-ID: %s\r\n\r\nbody\r\n' "$2" > "$1"
}

src=$work/src
msg "$src/gmail/INBOX/1.eml" '<inbox@sender.example.com>'
msg "$src/gmail/[Gmail]/All Mail/1.eml" '<inbox@sender.example.com>'
msg "$src/gmail/[Gmail]/All Mail/2.eml" '<archived@sender.example.com>'
msg "$src/gmail/[Gmail]/All Mail/3.eml" '<other@sender.example.com>'
msg "$src/gmail/Receipts/1.eml" '<other@sender.example.com>'
msg "$src/gmail/[Gmail]/Spam/1.eml" '<spam@sender.example.com>'
msg "$src/gmailru/INBOX/1.eml" '<inbox@sender.example.com>'
msg "$src/gmailru/[Gmail]/Вся почта/1.eml" '<archived@sender.example.com>'
msg "$src/gmailru/[Gmail]/Спам/1.eml" '<spam@sender.example.com>'
msg "$src/yahoo/INBOX/1.eml" '<inbox@sender.example.com>'
msg "$src/yahoo/Bulk/1.eml" '<spam@sender.example.com>'
msg "$src/gmx/INBOX/1.eml" '<inbox@sender.example.com>'
msg "$src/gmx/Spamverdacht/1.eml" '<spam@sender.example.com>'
msg "$src/webde/Unbekannt/1.eml" '<other@sender.example.com>'
msg "$src/webde/Spam/1.eml" '<spam@sender.example.com>'
msg "$src/proton/INBOX/1.eml" '<inbox@sender.example.com>'
msg "$src/proton/Labels/Receipts/1.eml" '<inbox@sender.example.com>'
msg "$src/proton/All Mail/1.eml" '<inbox@sender.example.com>'
msg "$src/proton/Folders/Work/1.eml" '<other@sender.example.com>'
msg "$src/proton/All Mail/2.eml" '<other@sender.example.com>'
msg "$src/proton/Spam/1.eml" '<spam@sender.example.com>'

users="gmail gmailru yahoo gmx webde proton"
pairs=
for user in $users; do
	tests/lib/seed-maildir "$src/$user" "$work/dovecot/mail/$user/Maildir"
	pairs="$pairs $user:$user-pass"
done

# Only the names real servers flag get SPECIAL-USE; Bulk, Spamverdacht
# and Unbekannt get none.
cat > "$work/special-use.conf" <<'EOF'
mailbox "[Gmail]/Spam" {
  special_use = \Junk
}
mailbox "[Gmail]/All Mail" {
  special_use = \All
}
mailbox "[Gmail]/Спам" {
  special_use = \Junk
}
mailbox "[Gmail]/Вся почта" {
  special_use = \All
}
mailbox Spam {
  special_use = \Junk
}
mailbox "All Mail" {
  special_use = \All
}
EOF
DOVECOT_USERS=$pairs
DOVECOT_EXTRA_CONF=$work/special-use.conf
export DOVECOT_USERS DOVECOT_EXTRA_CONF
dovecot_start "$work/dovecot" || { echo "FAIL dovecot did not start"; exit 1; }
dovecot_fix_owner "$work/dovecot"

: > "$work/landed.conf"
for user in $users; do
	provider=$user
	[ "$user" = gmailru ] && provider=gmail
	cat >> "$work/landed.conf" <<EOF
[account $user]
provider = $provider
user = $user
password_cmd = echo $user-pass
host = 127.0.0.1
port = $DOVECOT_IMAPS_PORT
ca_file = $DOVECOT_CA
tls = implicit

EOF
done
chmod 600 "$work/landed.conf"

json=$("$LANDED" check -c "$work/landed.conf" \
    --message-id 'inbox=<inbox@sender.example.com>' \
    --message-id 'spam=<spam@sender.example.com>' \
    --message-id 'archived=<archived@sender.example.com>' \
    --message-id 'other=<other@sender.example.com>' \
    --format json --timeout 10 2>"$work/stderr")
check_eq "check exits 0" 0 "$?"

placed() {	# placed ACCOUNT TEST: "placement folder copies"
	printf '%s' "$json" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if r["account"] == sys.argv[1] and r["test"] == sys.argv[2]:
        print(r["placement"], r["folder"], r["copies"])' "$1" "$2"
}

check_eq "gmail inbox with All Mail copy" "inbox INBOX 2" "$(placed gmail inbox)"
check_eq "gmail [Gmail]/Spam by \\Junk" "spam [Gmail]/Spam 1" "$(placed gmail spam)"
check_eq "gmail archived in All Mail" "other [Gmail]/All Mail 1" "$(placed gmail archived)"
check_eq "gmail label folder over All Mail" "other Receipts 2" "$(placed gmail other)"
check_eq "localized gmail spam by \\Junk" "spam [Gmail]/Спам 1" "$(placed gmailru spam)"
check_eq "localized gmail All Mail by \\All" "other [Gmail]/Вся почта 1" "$(placed gmailru archived)"
check_eq "yahoo unflagged Bulk" "spam Bulk 1" "$(placed yahoo spam)"
check_eq "gmx Spamverdacht" "spam Spamverdacht 1" "$(placed gmx spam)"
check_eq "webde Unbekannt is other" "other Unbekannt 1" "$(placed webde other)"
check_eq "webde Spam" "spam Spam 1" "$(placed webde spam)"
check_eq "proton inbox with label and All Mail" "inbox INBOX 3" "$(placed proton inbox)"
check_eq "proton Folders/ is other" "other Folders/Work 2" "$(placed proton other)"
check_eq "proton Spam" "spam Spam 1" "$(placed proton spam)"

check_finish
