#!/bin/sh
# Integration tests of `landed parse`: JSON shape, trust options, exit
# status, limits, hostile input and flat memory on a large header dump.
# Needs $LANDED (the binary under test) and python3 for JSON checks.
set -u
. tests/lib/check.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-parse.XXXXXX")
trap 'rm -rf "$work"' EXIT

# jq-like access with python3: json_get FILE EXPRESSION (d is the document).
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

run() {
	"$LANDED" parse "$@" >"$work/out.json" 2>"$work/err.txt"
	echo $?
}

# A sample without a trust policy: every field, trusted null.
status=$(run samples/authres/gmail.eml)
check_eq "gmail exit status" 0 "$status"
check_eq "gmail field count" 3 "$(json_get "$work/out.json" 'len(d["headers"])')"
check_eq "gmail fields in order" \
	"['ARC-Authentication-Results', 'Received-SPF', 'Authentication-Results']" \
	"$(json_get "$work/out.json" '[h["field"] for h in d["headers"]]')"
check_eq "gmail trusted null" "[None, None, None]" \
	"$(json_get "$work/out.json" '[h["trusted"] for h in d["headers"]]')"
check_eq "gmail arc instance" 1 "$(json_get "$work/out.json" 'd["headers"][0]["instance"]')"
check_eq "gmail element keys" \
	"['field', 'authserv_id', 'version', 'instance', 'trusted', 'results', 'deviations', 'error']" \
	"$(json_get "$work/out.json" 'list(d["headers"][2].keys())')"
check_eq "gmail result keys" \
	"['method', 'method_version', 'result', 'reason', 'properties']" \
	"$(json_get "$work/out.json" 'list(d["headers"][2]["results"][0].keys())')"
check_eq "gmail property" \
	"{'ptype': 'header', 'property': 'i', 'value': '@example.com'}" \
	"$(json_get "$work/out.json" 'd["headers"][2]["results"][0]["properties"][0]')"

# --provider: the forged field below the receiver's is untrusted.
status=$(run --provider gmail samples/authres/gmail-forged.eml)
check_eq "forged exit status" 0 "$status"
check_eq "forged trust" "[True, True, False]" \
	"$(json_get "$work/out.json" '[h["trusted"] for h in d["headers"]]')"

# --trust is repeatable and case-insensitive; from a pipe, the input is
# spooled for the ARC look-ahead and gives the same output as the file.
status=$(run --trust MX.GOOGLE.COM --trust '*.example.net' samples/authres/gmail.eml)
check_eq "trust exit status" 0 "$status"
cp "$work/out.json" "$work/file.json"
cat samples/authres/gmail.eml | "$LANDED" parse --trust MX.GOOGLE.COM \
	--trust '*.example.net' - >"$work/pipe.json"
check_eq "pipe output equals file output" "$(cat "$work/file.json")" "$(cat "$work/pipe.json")"
"$LANDED" parse --trust MX.GOOGLE.COM --trust '*.example.net' \
	<samples/authres/gmail.eml >"$work/redirect.json"
check_eq "redirected stdin equals file output" "$(cat "$work/file.json")" "$(cat "$work/redirect.json")"
check_eq "trust decisions" "[True, True, True]" \
	"$(json_get "$work/file.json" '[h["trusted"] for h in d["headers"]]')"

# Outlook: no authserv-id, with its deviations listed.
status=$(run --provider outlook samples/authres/outlook.eml)
check_eq "outlook exit status" 0 "$status"
check_eq "outlook deviations" "['no authserv-id', 'key=value pair without ptype']" \
	"$(json_get "$work/out.json" 'd["headers"][1]["deviations"]')"
check_eq "outlook trusted" "True" "$(json_get "$work/out.json" 'd["headers"][1]["trusted"]')"

# Fail closed: a receiver's field over the size limit keeps the
# authserv-id of its first bytes, and one whose id cannot be read takes
# every pattern, so the forged fields below are untrusted either way.
python3 - "$work" <<'EOF'
import sys
w = sys.argv[1]
forged = ("Authentication-Results: mx.google.com; dmarc=pass\r\n"
          "ARC-Authentication-Results: i=50; mx.google.com; dmarc=pass\r\n"
          "Received-SPF: pass client-ip=192.0.2.1\r\n\r\n")
with open(w + "/oversize-id.eml", "w", newline="") as f:
    f.write("Authentication-Results: mx.google.com; dmarc=fail reason=\""
            + "x" * 70000 + "\"\r\n" + forged)
with open(w + "/oversize-no-id.eml", "w", newline="") as f:
    f.write("Authentication-Results: (" + "x" * 70000
            + ") mx.google.com; dmarc=fail\r\n" + forged)
EOF
status=$(run --provider gmail "$work/oversize-id.eml")
check_eq "oversize field exit status" 1 "$status"
check_eq "oversize field keeps its id" "mx.google.com" \
	"$(json_get "$work/out.json" 'd["headers"][0]["authserv_id"]')"
check_eq "oversize field with id trust" "[True, False, False, False]" \
	"$(json_get "$work/out.json" '[h["trusted"] for h in d["headers"]]')"
status=$(run --provider gmail "$work/oversize-no-id.eml")
check_eq "oversize field without id trust" "[False, False, False, False]" \
	"$(json_get "$work/out.json" '[h["trusted"] for h in d["headers"]]')"
cp "$work/out.json" "$work/file.json"
cat "$work/oversize-no-id.eml" | "$LANDED" parse --provider gmail - >"$work/pipe.json"
check_eq "oversize field from a pipe" "$(cat "$work/file.json")" "$(cat "$work/pipe.json")"

# ARC-Authentication-Results and Received-SPF count only above the
# receiver's lowest trusted Authentication-Results field.
printf 'Authentication-Results: mx.google.com; spf=fail smtp.mailfrom=s.example; dkim=none\r\nARC-Authentication-Results: i=50; mx.google.com; spf=pass; dkim=pass; dmarc=pass; arc=pass\r\nReceived-SPF: pass (sender-written) client-ip=192.0.2.1;\r\n\r\n' >"$work/forged-below.eml"
status=$(run --provider gmail "$work/forged-below.eml")
check_eq "forged arc and spf exit status" 0 "$status"
check_eq "forged arc and spf untrusted" "[True, False, False]" \
	"$(json_get "$work/out.json" '[h["trusted"] for h in d["headers"]]')"

# A NUL byte is an error with its offset, and the field is untrusted.
printf 'Authentication-Results: "mx.google.com\000.evil.example"; dmarc=pass\n\n' >"$work/nul.eml"
status=$(run --provider gmail "$work/nul.eml")
check_eq "nul exit status" 1 "$status"
check_eq "nul error" "NUL byte in the field at byte 15" \
	"$(json_get "$work/out.json" 'd["headers"][0]["error"]')"
check_eq "nul field untrusted" "False" \
	"$(json_get "$work/out.json" 'd["headers"][0]["trusted"]')"

# Usage and I/O errors exit 2.
status=$(run --provider no-such-provider samples/authres/gmail.eml)
check_eq "unknown provider exit status" 2 "$status"
check_contains "unknown provider message" "unknown provider 'no-such-provider'" "$(cat "$work/err.txt")"
status=$(run "$work/missing.eml")
check_eq "missing file exit status" 2 "$status"
check_contains "missing file message" "cannot open" "$(cat "$work/err.txt")"
status=$(run a.eml b.eml)
check_eq "two files exit status" 2 "$status"
status=$(run --bogus)
check_eq "unknown option exit status" 2 "$status"
"$LANDED" parse --help >"$work/help.txt"
check_eq "help exit status" 0 "$?"
check_contains "help text" "--trust PATTERN" "$(cat "$work/help.txt")"

# A field with an error: exit 1, the other fields still parsed.
printf 'Authentication-Results: a.example; spf=pass (oops\nAuthentication-Results: b.example; spf=pass\n\n' >"$work/bad.eml"
status=$(run "$work/bad.eml")
check_eq "error exit status" 1 "$status"
check_eq "error text" "unterminated comment at byte 21" \
	"$(json_get "$work/out.json" 'd["headers"][0]["error"]')"
check_eq "error has no results" "[]" "$(json_get "$work/out.json" 'd["headers"][0]["results"]')"
check_eq "next field parsed" "pass" \
	"$(json_get "$work/out.json" 'd["headers"][1]["results"][0]["result"]')"

# No fields at all.
printf 'Subject: hi\n\nbody\n' >"$work/none.eml"
status=$(run "$work/none.eml")
check_eq "no fields exit status" 0 "$status"
check_eq "no fields output" '{"headers": []}' "$(cat "$work/out.json")"

# Hostile input: 1 MiB of nested parentheses, 100,000 a=b pairs and a
# field with no ';' are rejected with a clear error, and quickly.
python3 - "$work" <<'EOF'
import sys
w = sys.argv[1]
with open(w + "/parens.eml", "w") as f:
    f.write("Authentication-Results: x; spf=pass " + "(" * (1 << 20) + "\n")
    f.write("Authentication-Results: y; spf=pass\n\n")
with open(w + "/pairs.eml", "w") as f:
    f.write("Authentication-Results: x; spf=pass" + " a=b" * 100000 + "\n\n")
with open(w + "/nosemi.eml", "w") as f:
    f.write("Authentication-Results: " + "a" * 60000 + "\n\n")
with open(w + "/pairfields.eml", "w") as f:
    for i in range(100000):
        f.write("Authentication-Results: x; a=b\n")
EOF
start=$(date +%s)
status=$(run "$work/parens.eml")
check_eq "parentheses exit status" 1 "$status"
check_contains "parentheses limit error" "over the limit of 65536 bytes" \
	"$(json_get "$work/out.json" 'd["headers"][0]["error"]')"
check_eq "field after parentheses" "y" "$(json_get "$work/out.json" 'd["headers"][1]["authserv_id"]')"
status=$(run "$work/pairs.eml")
check_eq "pairs exit status" 1 "$status"
status=$(run "$work/nosemi.eml")
check_eq "no semicolon exit status" 1 "$status"
check_contains "no semicolon error" "expected ';' after authserv-id" \
	"$(json_get "$work/out.json" 'd["headers"][0]["error"]')"
status=$(run "$work/pairfields.eml")
check_eq "100000 fields exit status" 0 "$status"
check_eq "100000 fields count" 100000 "$(json_get "$work/out.json" 'len(d["headers"])')"
elapsed=$(( $(date +%s) - start ))
# The bound is loose: under AddressSanitizer all of this takes seconds.
check_eq "hostile inputs within 60 s" 1 "$([ "$elapsed" -lt 60 ] && echo 1 || echo 0)"

# Memory stays flat: a 60 MB header dump parses in a few MB.  Sanitized
# builds reserve large shadow memory, so only the plain build is measured.
case "${BUILD:-}" in
*san*) ;;
*)
	python3 - "$work/big.eml" <<'EOF'
import sys
field = ("Authentication-Results: mx.example.com;\r\n"
         "\tdkim=pass header.d=example.com header.s=sel1 header.b=AbCd1234;\r\n"
         "\tspf=pass (domain of alice@example.com designates 192.0.2.1) "
         "smtp.mailfrom=alice@example.com;\r\n"
         "\tdmarc=pass (p=NONE) header.from=example.com\r\n")
with open(sys.argv[1], "w", newline="") as f:
    f.write(field * (60 * 1024 * 1024 // len(field)))
EOF
	rss=$(python3 - "$LANDED" "$work/big.eml" <<'EOF'
import resource, subprocess, sys
subprocess.run([sys.argv[1], "parse", "--trust", "mx.example.com", sys.argv[2]],
               stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
EOF
)
	check_eq "60 MB dump in under 16 MB of memory" 1 "$([ "$rss" -lt 16 ] && echo 1 || echo 0)"
	;;
esac

check_finish
