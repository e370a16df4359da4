# landed check in every report format against the demo's real Dovecot
# on 127.0.0.1 (tests/demo/run-demo): the table that check prints equals
# the one landed report renders from check's JSON, the CSV has a row per
# account and test, the JUnit file validates and fails exactly the spam
# results with --fail-on spam, and the HTML parses.
#
# Needs: $LANDED, dovecot, python3, xmllint.
set -u
. tests/lib/check.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-report-check.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

demo() {
	timeout 300 tests/demo/run-demo "$LANDED" "$@" 2>>"$work/demo.log"
}

demo --format json -o "$work/run.json"
check_eq "check --format json exit status" 0 "$?"
demo > "$work/check.table"
check_eq "check table exit status" 0 "$?"
"$LANDED" report "$work/run.json" > "$work/report.table"
check_eq "report exit status" 0 "$?"
check_eq "re-rendered table equals check's" "" \
    "$(diff "$work/check.table" "$work/report.table")"
check_not_contains "no colour when not a terminal" "$(printf '\033')" \
    "$(cat "$work/check.table")"

results=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]))' \
    "$work/run.json")
spam=$(python3 -c 'import json,sys; print(sum(r["placement"] == "spam" for r in json.load(open(sys.argv[1]))["results"]))' \
    "$work/run.json")

demo --format csv -o "$work/run.csv"
check_eq "check --format csv exit status" 0 "$?"
rows=$(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], newline="")))) - 1)' \
    "$work/run.csv")
check_eq "CSV rows" "$results" "$rows"

demo --format junit --fail-on spam -o "$work/run.xml"
check_eq "check --fail-on spam exit status" 1 "$?"
check_eq "JUnit validates" "$work/run.xml validates" \
    "$(xmllint --noout --schema tests/fixtures/junit.xsd "$work/run.xml" 2>&1)"
check_eq "JUnit failures are the spam results" "$spam" \
    "$(xmllint --xpath 'string(/testsuites/@failures)' "$work/run.xml")"

demo --format html -o "$work/run.html"
check_eq "check --format html exit status" 0 "$?"
check_eq "HTML parses" "" "$(xmllint --html --noout "$work/run.html" 2>&1)"
check_eq "HTML cells" "$results" \
    "$(xmllint --html --xpath 'count(//table[@class="matrix"]/tbody/tr/td)' "$work/run.html")"

demo --format yaml >/dev/null
check_eq "unknown format exit status" 2 "$?"
check_contains "unknown format message" "unknown format \"yaml\"" \
    "$(cat "$work/demo.log")"

if [ "$check_failed" -gt 0 ]; then
	tail -n 20 "$work/demo.log"
fi
check_finish
