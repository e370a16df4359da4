#!/bin/sh
# landed check with auth = xoauth2 and auth = oauthbearer against a real
# Dovecot, which checks a bearer token as the password of its
# passwd-file.  The token comes from password_cmd, run afresh for each
# connection.  A rejected token fails only its account, with the
# server's reply shown and the token never printed.
#
# Needs: $LANDED (the binary under test).
set -u
. tests/lib/check.sh
. tests/lib/dovecot.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-oauth.XXXXXX")
trap 'dovecot_stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
chmod 755 "$work"

token=ya29.a0AfB_token-for-tests
for user in xo ob; do
	mkdir -p "$work/src/$user/INBOX"
	printf 'Date: Fri, 04 Dec 2026 19:43:20 +0000\r\nSubject: test\r\nMessage-ID: <t1@sender.example.com>\r\n\r\nbody\r\n' \
	    >"$work/src/$user/INBOX/1.eml"
	tests/lib/seed-maildir "$work/src/$user" "$work/dovecot/mail/$user/Maildir"
done
DOVECOT_USERS="xo:$token ob:$token" dovecot_start "$work/dovecot" ||
	{ echo "FAIL dovecot did not start"; exit 1; }
dovecot_fix_owner "$work/dovecot"

# write_config TOKEN-COMMAND
write_config() {
	{
		printf '[account xoauth2]\nprovider = generic\nuser = xo\nauth = xoauth2\n'
		printf 'password_cmd = echo run >> %s/token-runs; %s\n' "$work" "$1"
		printf 'host = 127.0.0.1\nport = %s\nca_file = %s\n\n' \
		    "$DOVECOT_IMAPS_PORT" "$DOVECOT_CA"
		printf '[account oauthbearer]\nprovider = generic\nuser = ob\nauth = oauthbearer\n'
		printf 'password_cmd = echo run >> %s/token-runs; %s\n' "$work" "$1"
		printf 'host = 127.0.0.1\nport = %s\nca_file = %s\n' \
		    "$DOVECOT_IMAPS_PORT" "$DOVECOT_CA"
	} >"$work/landed.conf"
	chmod 600 "$work/landed.conf"
}

field() {	# field ACCOUNT EXPRESSION
	printf '%s' "$json" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if r["account"] == sys.argv[1]:
        print(eval(sys.argv[2], {}, {"r": r}))' "$1" "$2"
}

write_config "echo $token"
json=$("$LANDED" check -c "$work/landed.conf" --format json --timeout 5 \
    --message-id t1='<t1@sender.example.com>' 2>"$work/stderr")
check_eq "valid token: exit 0" 0 "$?"
check_eq "xoauth2 login and search" "inbox" "$(field xoauth2 'r["placement"]')"
check_eq "oauthbearer login and search" "inbox" "$(field oauthbearer 'r["placement"]')"
check_eq "token fetched once per connection" 2 "$(wc -l <"$work/token-runs")"

write_config "echo expired-token"
json=$("$LANDED" check -c "$work/landed.conf" --format json --timeout 5 \
    --message-id t1='<t1@sender.example.com>' 2>"$work/stderr")
check_eq "rejected token: exit 3" 3 "$?"
for account in xoauth2 oauthbearer; do
	error=$(field $account 'r["error"]')
	check_contains "$account rejected: names the account" "account $account:" "$error"
	check_contains "$account rejected: names the mechanism" "AUTHENTICATE $(echo $account | tr a-z A-Z)" "$error"
	check_contains "$account rejected: server's reply" "AUTHENTICATIONFAILED" "$error"
done
check_not_contains "rejected token not printed" "expired-token" "$json$(cat "$work/stderr")"

# A server that explains the rejection in a SASL error challenge, as
# Gmail and Outlook do: the decoded JSON is part of the error.
for mechanism in xoauth2 oauthbearer; do
	rm -f "$work/port" "$work/fake.log"
	python3 tests/fixtures/fake-imap-server oauth-error --port-file "$work/port" \
	    --log "$work/fake.log" --lifetime 20 &
	fake=$!
	while [ ! -s "$work/port" ]; do sleep 0.05; done
	printf '[account fake]\nprovider = generic\nuser = seed@example.com\n' >"$work/fake.conf"
	printf 'auth = %s\npassword_cmd = echo stale-token\nhost = 127.0.0.1\n' "$mechanism" >>"$work/fake.conf"
	printf 'port = %s\ntls = none\nauthserv_id = mx.example.net\n' "$(cat "$work/port")" >>"$work/fake.conf"
	chmod 600 "$work/fake.conf"
	json=$("$LANDED" check -c "$work/fake.conf" --format json --timeout 5 \
	    --message-id t1='<t1@sender.example.com>' 2>"$work/stderr")
	check_eq "$mechanism error challenge: exit 3" 3 "$?"
	error=$(field fake 'r["error"]')
	check_contains "$mechanism error challenge: decoded" '{"status":"401","schemes":"bearer","scope":"imap"}' "$error"
	check_contains "$mechanism error challenge: hint" "fresh access token" "$error"
	check_not_contains "$mechanism error challenge: token not printed" "stale-token" "$json$(cat "$work/stderr")"
	wait $fake
done

check_finish
