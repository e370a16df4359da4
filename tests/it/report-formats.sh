# landed report on the fixed report tests/fixtures/report-landed1.json.
# Every format is compared with its golden file in tests/golden.  The
# CSV is parsed back and its columns compared with landed(1), the JUnit
# file is validated against tests/fixtures/junit.xsd, and the HTML is
# parsed by libxml2's HTML parser.  Colour appears only on a terminal,
# and the exit statuses and error messages are checked.
#
# Needs: $LANDED (the binary under test), python3, xmllint, script.
# UPDATE_GOLDEN=1 rewrites the golden files from the current output.
set -u
. tests/lib/check.sh

fixture=tests/fixtures/report-landed1.json
golden=tests/golden
work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-report.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# render NAME ARGS...: renders the fixture into $work/NAME and compares
# it with $golden/NAME.
render() {
	name=$1
	shift
	"$LANDED" report "$fixture" "$@" -o "$work/$name"
	status=$?
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$work/$name" "$golden/$name"
	fi
	if cmp -s "$golden/$name" "$work/$name"; then
		check_eq "golden $name" same same
	else
		check_eq "golden $name" same \
		    "differs: $(diff "$golden/$name" "$work/$name" | head -n 20)"
	fi
}

# --- golden files ---------------------------------------------------------

render report.table
check_eq "table exit status (an account failed)" 3 "$status"
render report-verbose.table -v
render report.csv --format csv
render report.junit.xml --format junit --fail-on spam,dmarc-fail
render report.html --format html
"$LANDED" report "$fixture" --format json -o "$work/report.json"
check_eq "json re-render is the fixture" "" \
    "$(cmp "$fixture" "$work/report.json" 2>&1)"
"$LANDED" report - --format csv < "$fixture" > "$work/stdin.csv"
check_eq "report from standard input" "" \
    "$(cmp "$golden/report.csv" "$work/stdin.csv" 2>&1)"

# --- table ----------------------------------------------------------------

table=$(cat "$work/report.table")
check_contains "table groups gmail accounts" "gmail     gmail-1" "$table"
check_contains "table second gmail row" "          gmail-2" "$table"
check_contains "table legend" "legend:" "$table"
check_contains "table account error" "broken: account broken: login failed" "$table"
check_not_contains "table without escape sequences" "$(printf '\033')" \
    "$(cat "$work/report.table" "$work/report-verbose.table")"
verbose=$(cat "$work/report-verbose.table")
check_contains "verbose folder with control character cleaned" \
    "Junk$(printf '\357\277\275')[31m, \"evil\"" "$verbose"
check_contains "verbose bounce" \
    "bounce    failed 554 5.7.9 (rejected by the receiver's policy)" "$verbose"
check_contains "verbose disagreement" "disagrees the provider judged it spam" \
    "$verbose"

# --- colour only on a terminal, and never with NO_COLOR -------------------

esc=$(printf '\033[')
tty_out=$(env -u NO_COLOR script -qec "$LANDED report $fixture" /dev/null)
check_contains "colour on a terminal" "${esc}32minbox" "$tty_out"
no_color=$(NO_COLOR=1 script -qec "$LANDED report $fixture" /dev/null)
check_not_contains "NO_COLOR on a terminal" "$esc" "$no_color"
check_contains "NO_COLOR still prints the matrix" "inbox/promotions" "$no_color"
empty=$(NO_COLOR= script -qec "$LANDED report $fixture" /dev/null)
check_contains "empty NO_COLOR keeps colour" "${esc}33mspam" "$empty"

# --- CSV parsed back ------------------------------------------------------

csv_check=$(python3 - "$work/report.csv" "$fixture" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8"),
                       strict=True))
report = json.load(open(sys.argv[2], encoding="utf-8"))
header, rows = rows[0], rows[1:]
problems = []
if len(rows) != len(report["results"]):
    problems.append("rows %d, results %d" % (len(rows), len(report["results"])))
for row, result in zip(rows, report["results"]):
    record = dict(zip(header, row))
    if len(row) != len(header):
        problems.append("row of %d fields" % len(row))
    for key in ("account", "provider", "test", "placement", "folder", "error"):
        expected = result[key] if result[key] is not None else ""
        if key == "folder":
            expected = expected.replace("\x1b", "\ufffd")
        if record[key] != expected:
            problems.append("%s: %r != %r" % (key, record[key], expected))
    for method in ("spf", "dkim", "dmarc", "arc"):
        expected = result["auth"][method] or ""
        if record[method] != expected:
            problems.append("%s: %r != %r" % (method, record[method], expected))
    bounce = result["bounce"] or {}
    if record["bounce_status"] != (bounce.get("status") or ""):
        problems.append("bounce_status %r" % record["bounce_status"])
raw = open(sys.argv[1], "rb").read()
if raw.count(b"\r\n") != len(rows) + 1 or raw.replace(b"\r\n", b"").count(b"\n"):
    problems.append("lines do not all end in CRLF")
print("\n".join(problems) if problems else "ok")
PY
)
check_eq "CSV parsed back matches the JSON" ok "$csv_check"
check_contains "CSV quotes a label with comma and quote" '"promo, ""B"""' \
    "$(cat "$work/report.csv")"

# The column list in landed(1) is the contract.
header=$(head -n 1 "$work/report.csv" | tr -d '\r')
documented=$(sed -n '/^\.\\" csv-columns-begin/,/^\.\\" csv-columns-end/p' \
    man/landed.1 | sed -n 's/^\.It Li \([a-z_]*\).*/\1/p' | paste -sd, -)
check_eq "CSV columns as documented in landed(1)" "$header" "$documented"

# --- JUnit ----------------------------------------------------------------

junit_status=$(xmllint --noout --schema tests/fixtures/junit.xsd \
    "$work/report.junit.xml" 2>&1)
check_eq "JUnit validates against junit.xsd" \
    "$work/report.junit.xml validates" "$junit_status"
failures=$(xmllint --xpath 'string(/testsuites/@failures)' "$work/report.junit.xml")
check_eq "JUnit failures (spam or dmarc-fail)" 3 "$failures"
errors=$(xmllint --xpath 'count(//testcase/error)' "$work/report.junit.xml")
check_eq "JUnit errors (the broken account)" 3 "$errors"
type=$(xmllint --xpath 'string(//testsuite[@name="outlook"]/testcase[@name="cfg4"]/failure/@type)' \
    "$work/report.junit.xml")
check_eq "JUnit failure type lists classes" "spam,dmarc-fail" "$type"
"$LANDED" report "$fixture" --format junit -o "$work/none.xml"
check_eq "JUnit without --fail-on has no failure" 0 \
    "$(xmllint --xpath 'count(//failure)' "$work/none.xml")"

# --- HTML parsed by libxml2 -----------------------------------------------

html_errors=$(xmllint --html --noout "$work/report.html" 2>&1)
check_eq "HTML parses without errors" "" "$html_errors"
cells=$(xmllint --html --xpath 'count(//table[@class="matrix"]/tbody/tr/td)' \
    "$work/report.html")
check_eq "HTML cells" 18 "$cells"
spam=$(xmllint --html --xpath 'count(//td[contains(concat(" ", @class, " "), " spam ")])' \
    "$work/report.html")
check_eq "HTML spam cells" 3 "$spam"
external=$(xmllint --html --xpath 'count(//script|//link|//img|//*[@src])' \
    "$work/report.html")
check_eq "HTML has no external assets" 0 "$external"
check_not_contains "HTML escapes the folder" '<script' "$(cat "$work/report.html")"

# --- errors and exit statuses ---------------------------------------------

out=$("$LANDED" report "$fixture" --fail-on spam -o "$work/x" 2>&1)
check_eq "account error outranks --fail-on" 3 "$?"
sed 's/"status": "error"/"status": "ok"/' "$fixture" > "$work/all-ok.json"
"$LANDED" report "$work/all-ok.json" --fail-on spam -o "$work/x"
check_eq "--fail-on spam matched" 1 "$?"
"$LANDED" report "$work/all-ok.json" -o "$work/x"
check_eq "nothing to fail on" 0 "$?"

sed 's#"schema": "landed/1"#"schema": "landed/2"#' "$fixture" > "$work/v2.json"
out=$("$LANDED" report "$work/v2.json" 2>&1)
check_eq "unknown schema exit status" 2 "$?"
check_contains "unknown schema message" \
    "report schema \"landed/2\" is not supported; this landed reads \"landed/1\" only" "$out"
echo '{"tests": []}' > "$work/noschema.json"
out=$("$LANDED" report "$work/noschema.json" 2>&1)
check_contains "missing schema" "is not a landed report: it has no \"schema\" member" "$out"
printf '{"schema": "landed/1",' > "$work/cut.json"
out=$("$LANDED" report "$work/cut.json" 2>&1)
check_contains "truncated JSON" "is not valid JSON" "$out"
sed 's/"placement": "inbox"/"placement": "lost"/' "$fixture" > "$work/bad.json"
out=$("$LANDED" report "$work/bad.json" 2>&1)
check_contains "unknown placement" \
    "results[0]: placement is not inbox, spam, other, missing, rejected or error" "$out"
out=$("$LANDED" report "$work/missing.json" 2>&1)
check_eq "missing file exit status" 2 "$?"
check_contains "missing file" "cannot open $work/missing.json" "$out"
out=$("$LANDED" report "$fixture" --format pdf 2>&1)
check_eq "unknown format exit status" 2 "$?"
check_contains "unknown format" "unknown format \"pdf\"; use table, json, csv, junit or html" "$out"
out=$("$LANDED" report "$fixture" -o "$work/no/such/dir/x.csv" 2>&1)
check_eq "unwritable output exit status" 2 "$?"
check_contains "unwritable output" "cannot write $work/no/such/dir/x.csv" "$out"
out=$("$LANDED" report 2>&1)
check_eq "no file exit status" 2 "$?"
check_contains "no file" "no report given" "$out"

check_finish
