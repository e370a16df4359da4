# Provider plugins as shared objects.  providers/template.c is built with
# the command of providers/README.md, loaded with --plugin-dir and
# LANDED_PLUGIN_PATH, and used by landed check against a real Dovecot,
# which shows its verdict and a folder that disagrees with it.  Also: a
# built-in replaced, and the errors for an ABI mismatch, a missing symbol,
# a missing directory, a Tuta account and an unpinned Proton Bridge.
#
# Needs: $LANDED (the binary under test), cc.
set -u
. tests/lib/check.sh
. tests/lib/dovecot.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-plugins.XXXXXX")
trap 'dovecot_stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"
root=$(pwd)

# --- build the template with the guide's exact command ---------------------

command=$(sed -n '/^cc -std=c11/,/template\.c$/p' providers/README.md |
    tr -d '\\\n')
check_contains "guide has the build command" "providers/template.c" "$command"
mkdir -p "$work/author/providers" "$work/plugins"
cp -R include "$work/author/"
cp providers/template.c "$work/author/providers/"
(cd "$work/author" && eval "$command") >"$work/cc.log" 2>&1
check_eq "template builds with the guide's command" 0 "$?"
check_eq "build prints no warning" "" "$(cat "$work/cc.log")"
cp "$work/author/example.so" "$work/plugins/"

# --- landed providers -----------------------------------------------------

source_of() {	# source_of NAME: the "source" landed providers shows
	python3 -c '
import json, sys
for p in json.load(sys.stdin)["providers"]:
    if p["name"] == sys.argv[1]:
        print(p["source"])' "$1"
}

json=$("$LANDED" providers --plugin-dir "$work/plugins" --format json)
check_eq "plugin listed with its path" "$work/plugins/example.so" \
    "$(printf '%s' "$json" | source_of example)"
check_eq "built-ins stay built-in" "built-in" \
    "$(printf '%s' "$json" | source_of gmail)"

json=$(LANDED_PLUGIN_PATH="/nonexistent:$work/plugins" "$LANDED" providers --format json)
check_eq "LANDED_PLUGIN_PATH loads it" "$work/plugins/example.so" \
    "$(printf '%s' "$json" | source_of example)"

table=$("$LANDED" providers --plugin-dir "$work/plugins")
check_contains "table shows the source" "$work/plugins/example.so" "$table"

# A built-in replaced by an outside copy of itself.
mkdir -p "$work/replace"
# make builds every plugin .so into build/providers only.
cp build/providers/gmail.so "$work/replace/gmail.so"
json=$("$LANDED" providers --plugin-dir "$work/replace" --format json)
check_eq "outside gmail replaces the built-in" "$work/replace/gmail.so" \
    "$(printf '%s' "$json" | source_of gmail)"

# --plugin-dir wins over LANDED_PLUGIN_PATH for the same name.
mkdir -p "$work/second"
cp "$work/plugins/example.so" "$work/second/example.so"
json=$(LANDED_PLUGIN_PATH="$work/second" "$LANDED" providers \
    --plugin-dir "$work/plugins" --format json 2>"$work/stderr")
check_eq "--plugin-dir before LANDED_PLUGIN_PATH" "$work/plugins/example.so" \
    "$(printf '%s' "$json" | source_of example)"
check_contains "shadowed plugin warned about" "skipped" "$(cat "$work/stderr")"

# --- loader errors ----------------------------------------------------------

mkdir -p "$work/bad-abi" "$work/no-symbol"
cat > "$work/bad-abi.c" <<'EOF'
#include "landed/provider-plugin.h"
const struct landed_provider landed_provider = {
	.abi_version = LANDED_PROVIDER_ABI_VERSION + 1,
	.struct_size = sizeof(struct landed_provider),
	.name = "future", .display_name = "Future", .supported = 1,
};
EOF
cc -std=c11 -shared -fPIC -I include -o "$work/bad-abi/future.so" "$work/bad-abi.c"
out=$("$LANDED" providers --plugin-dir "$work/bad-abi" 2>&1)
check_eq "ABI mismatch exits 2" 2 "$?"
check_contains "ABI mismatch names file and versions" \
    "$work/bad-abi/future.so: ABI version 2, but this landed supports version 1" "$out"
check_contains "ABI mismatch says to rebuild" "rebuild the plugin" "$out"

printf 'int not_a_provider = 1;\n' > "$work/no-symbol.c"
cc -shared -fPIC -o "$work/no-symbol/empty.so" "$work/no-symbol.c"
out=$("$LANDED" providers --plugin-dir "$work/no-symbol" 2>&1)
check_eq "missing symbol exits 2" 2 "$?"
check_contains "missing symbol explained" "exports no symbol landed_provider" "$out"

# A symbol smaller than the struct must be rejected before it is read.
mkdir -p "$work/tiny"
printf 'const unsigned landed_provider = 1;\n' > "$work/tiny.c"
cc -shared -fPIC -o "$work/tiny/tiny.so" "$work/tiny.c"
out=$("$LANDED" providers --plugin-dir "$work/tiny" 2>&1)
check_eq "too small symbol exits 2" 2 "$?"
check_contains "too small symbol explained" "landed_provider symbol has 4 bytes" "$out"

out=$("$LANDED" providers --plugin-dir "$work/missing" 2>&1)
check_eq "missing plugin directory exits 2" 2 "$?"
check_contains "missing plugin directory named" "$work/missing" "$out"

# --- landed parse with the plugin's authserv-ids --------------------------

printf 'Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=a.example\r\n\r\n' > "$work/one.eml"
out=$("$LANDED" parse --plugin-dir "$work/plugins" --provider example "$work/one.eml")
check_contains "parse trusts the plugin's authserv-id" '"trusted":true' "$out"

# --- landed check with the plugin ------------------------------------------

msg() {	# msg FILE MESSAGE-ID VERDICT
	mkdir -p "$(dirname "$1")"
	{
		printf 'Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=sender.example.com;\r\n'
		printf '\tdkim=pass header.d=sender.example.com; dmarc=pass header.from=sender.example.com\r\n'
		printf 'X-Example-Spam: %s\r\n' "$3"
		printf 'From: Probe <probe@sender.example.com>\r\n'
		printf 'To: seed@example.net\r\nSubject: probe\r\n'
		printf 'Date: Fri, 04 Dec 2026 19:43:20 +0000\r\n'
		printf 'Message-ID: %s\r\n\r\nbody\r\n' "$2"
	} > "$1"
}
msg "$work/src/INBOX/1.eml" '<disagree@sender.example.com>' yes
msg "$work/src/Junk/1.eml" '<agree@sender.example.com>' yes

tests/lib/seed-maildir "$work/src" "$work/dovecot/mail/seed/Maildir"
DOVECOT_USERS="seed:seedpass"
export DOVECOT_USERS
dovecot_start "$work/dovecot" || { echo "FAIL dovecot did not start"; exit 1; }
dovecot_fix_owner "$work/dovecot"

cat > "$work/landed.conf" <<EOF
[account lab]
provider = example
user = seed
password_cmd = echo seedpass
host = 127.0.0.1
port = $DOVECOT_IMAPS_PORT
ca_file = $DOVECOT_CA
EOF
chmod 600 "$work/landed.conf"

json=$("$LANDED" check -c "$work/landed.conf" --plugin-dir "$work/plugins" \
    --message-id 'disagree=<disagree@sender.example.com>' \
    --message-id 'agree=<agree@sender.example.com>' --format json \
    --timeout 10 2>"$work/stderr")
check_eq "check with the plugin exits 0" 0 "$?"

verdict() {	# verdict TEST: provider_verdict of that test as sorted JSON
	printf '%s' "$json" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if r["test"] == sys.argv[1]:
        print(json.dumps(r["provider_verdict"], sort_keys=True))' "$1"
}

check_eq "plugin verdict in INBOX disagrees" \
    '{"disagreement": "the provider judged it spam (X-Example-Spam: yes), but it is in the inbox folder \"INBOX\"", "disagrees": true, "evidence": "X-Example-Spam: yes", "example_spam": "yes", "verdict": "spam"}' \
    "$(verdict disagree)"
check_eq "plugin verdict in Junk agrees" \
    '{"disagrees": false, "evidence": "X-Example-Spam: yes", "example_spam": "yes", "verdict": "spam"}' \
    "$(verdict agree)"

out=$("$LANDED" check -c "$work/landed.conf" --message-id '<x@example.com>' 2>&1)
check_eq "unknown provider without the plugin exits 2" 2 "$?"
check_contains "unknown provider lists the known ones" "known providers" "$out"

# --- accounts that cannot work fail before any login -----------------------

cat > "$work/tuta.conf" <<EOF
[account tuta-1]
provider = tutanota
user = seed@tuta.example
password_env = UNUSED
EOF
out=$("$LANDED" check -c "$work/tuta.conf" --message-id '<x@example.com>' 2>&1)
check_eq "Tuta account exits 2" 2 "$?"
check_contains "Tuta account explained" "Tuta offers no IMAP access" "$out"

cat > "$work/proton.conf" <<EOF
[account proton-1]
provider = proton
user = seed@proton.example
password_env = UNUSED
EOF
out=$("$LANDED" check -c "$work/proton.conf" --message-id '<x@example.com>' 2>&1)
check_eq "unpinned Proton Bridge exits 2" 2 "$?"
check_contains "unpinned Proton Bridge says how to pin" "tls_fingerprint = sha256:" "$out"

cd "$root"
check_finish
