# Seeds the demo mailboxes (samples/demo) into a private Dovecot with
# tests/lib/seed-maildir and checks what an IMAP client gets: the folder
# names, their SPECIAL-USE attributes, where each test message of the
# sent batch lies, unread flags, INTERNALDATE, and that seeding twice
# gives the same files.
. tests/lib/check.sh
. tests/lib/dovecot.sh

demo=samples/demo
dir=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-demo.XXXXXX") || exit 1
trap 'dovecot_stop "$dir"; rm -rf "$dir"' EXIT

seeds=$(cd "$demo/mailboxes" && ls)
DOVECOT_USERS=
for user in $seeds sender; do
	DOVECOT_USERS="$DOVECOT_USERS $user:pw-$user"
done
export DOVECOT_USERS
DOVECOT_EXTRA_CONF=$demo/special-use.conf dovecot_start "$dir" || exit 1
for user in $seeds; do
	tests/lib/seed-maildir "$demo/mailboxes/$user" "$dir/mail/$user/Maildir"
done
tests/lib/seed-maildir "$demo/bounces" "$dir/mail/sender/Maildir"
dovecot_fix_owner "$dir"

doveadm_run() {
	doveadm -c "$dir/dovecot.conf" "$@"
}

check_eq "seeded users" \
    "aol fastmail gmail gmx icloud outlook proton webde yahoo yandex" \
    "$(echo $seeds)"

# LIST "" "*" RETURN (SPECIAL-USE) as a client sees it, one
# "ATTRIBUTES NAME" entry per folder, sorted by name in code point order,
# names decoded from modified UTF-7.
list_folders() {
	python3 - "$DOVECOT_IMAPS_PORT" "$DOVECOT_CA" "$1" "pw-$1" <<'PY'
import base64, imaplib, re, ssl, sys

def decode_mutf7(name):
    def decode_run(match):
        b64 = match.group(1).replace(",", "/")
        b64 += "=" * (-len(b64) % 4)
        return base64.b64decode(b64).decode("utf-16-be")
    return re.sub(r"&([^-]+)-", decode_run, name).replace("&-", "&")

port, ca, user, password = sys.argv[1:]
imap = imaplib.IMAP4_SSL("127.0.0.1", int(port),
                         ssl_context=ssl.create_default_context(cafile=ca))
imap.login(user, password)
imap._simple_command("LIST", '""', '"*"', "RETURN", "(SPECIAL-USE)")
rows = []
for line in imap.untagged_responses.get("LIST", []):
    m = re.match(rb'\((.*?)\) "/" (.*)$', line)
    name = decode_mutf7(m.group(2).decode().strip('"'))
    rows.append((name, f"{m.group(1).decode() or '-'} {name}"))
imap.logout()
print("; ".join(row for _, row in sorted(rows)))
PY
}

check_eq "gmail folders" \
    '- INBOX; \NonExistent [Gmail]; \All [Gmail]/All Mail; \Junk [Gmail]/Spam' \
    "$(list_folders gmail)"
check_eq "outlook folders" '- INBOX; \Junk Junk' "$(list_folders outlook)"
check_eq "yahoo folders" '- Bulk; - INBOX' "$(list_folders yahoo)"
check_eq "aol folders" '- Bulk; - INBOX' "$(list_folders aol)"
check_eq "proton folders" \
    '\All All Mail; \NonExistent Folders; - Folders/Newsletters; - INBOX; \NonExistent Labels; - Labels/Shops; \Junk Spam' \
    "$(list_folders proton)"
check_eq "gmx folders" '- INBOX; - Spamverdacht' "$(list_folders gmx)"
check_eq "webde folders" '- INBOX; \Junk Spam; - Unbekannt' \
    "$(list_folders webde)"
check_eq "yandex folders" '- INBOX; - Спам' "$(list_folders yandex)"
check_eq "icloud folders" '- INBOX; \Junk Junk' "$(list_folders icloud)"
check_eq "fastmail folders" '- INBOX; \Junk Spam' "$(list_folders fastmail)"
check_eq "sender folders" '- INBOX' "$(list_folders sender)"

# where USER N: the folders that hold test N's Message-ID, sorted.
where() {
	mid=$(sed -n 's/^Message-ID: //p' "$demo/sent/cfg$2.eml")
	doveadm_run fetch -u "$1" mailbox mailbox '*' header Message-ID "$mid" |
	    sed -n 's/^mailbox: //p' | LC_ALL=C sort | paste -sd, -
}

# The expected matrix: USER then the folders of tests 1 to 4, "-" for
# a test that was never delivered (rejected or dropped).
while read -r user f1 f2 f3 f4; do
	n=1
	for expected in "$f1" "$f2" "$f3" "$f4"; do
		[ "$expected" = - ] && expected=
		check_eq "$user test $n" "$(echo "$expected" | tr '+' ' ')" \
		    "$(where "$user" $n)"
		n=$((n + 1))
	done
done <<'EOF'
gmail INBOX,[Gmail]/All+Mail [Gmail]/Spam [Gmail]/Spam -
outlook INBOX INBOX Junk Junk
yahoo INBOX INBOX Bulk Bulk
aol INBOX Bulk Bulk Bulk
proton All+Mail,Folders/Newsletters All+Mail,INBOX,Labels/Shops Spam Spam
gmx INBOX Spamverdacht Spamverdacht Spamverdacht
webde INBOX Unbekannt Unbekannt Spam
yandex INBOX INBOX Спам -
icloud INBOX Junk Junk -
fastmail INBOX INBOX Spam Spam
EOF

for user in $seeds; do
	check_eq "$user inbox has ordinary mail" 2 \
	    "$(doveadm_run search -u "$user" mailbox INBOX not header \
	    X-Landed-Tag landed-demo | wc -l)"
done

check_eq "bounces in sender inbox" 2 \
    "$(doveadm_run search -u sender mailbox INBOX header Content-Type \
    report-type=delivery-status | wc -l)"
check_eq "seeded mail is unread" "" \
    "$(doveadm_run search -u gmail mailbox '*' seen)"
check_eq "internaldate from Received" "2026-12-04 18:40:12" \
    "$(doveadm_run fetch -u yandex date.received mailbox 'Спам' |
    sed -n 's/^date.received: //p')"

# Seeding is deterministic: the same names, contents and times.
tests/lib/seed-maildir "$demo/mailboxes/proton" "$dir/again1"
tests/lib/seed-maildir "$demo/mailboxes/proton" "$dir/again2"
listing() {
	(cd "$1" && find . -type f -exec stat -c '%n %s %Y' {} + | sort)
}
check_eq "seeding twice is identical" "$(listing "$dir/again1")" \
    "$(listing "$dir/again2")"
check_contains "encoded folder on disk" ".&BCEEPwQwBDw-" \
    "$(ls -a "$dir/mail/yandex/Maildir")"

check_finish
