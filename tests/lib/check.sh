# Checks for integration scripts, in the same shape as tests/harness.h:
# a failed check prints what it expected and what it got, and
# check_finish prints "checks: N passed, N failed" and sets the exit status.
#
# Source it from a test script:  . tests/lib/check.sh

check_passed=0
check_failed=0

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		check_passed=$((check_passed + 1))
	else
		check_failed=$((check_failed + 1))
		printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
	fi
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
	case "$3" in
	*"$2"*) check_passed=$((check_passed + 1)) ;;
	*)
		check_failed=$((check_failed + 1))
		printf 'FAIL %s\n  expected to contain: %s\n  actual: %s\n' "$1" "$2" "$3"
		;;
	esac
}

# check_not_contains NAME NEEDLE HAYSTACK
check_not_contains() {
	case "$3" in
	*"$2"*)
		check_failed=$((check_failed + 1))
		printf 'FAIL %s\n  expected not to contain: %s\n  actual: %s\n' "$1" "$2" "$3"
		;;
	*) check_passed=$((check_passed + 1)) ;;
	esac
}

check_finish() {
	echo "checks: $check_passed passed, $check_failed failed"
	[ "$check_failed" -eq 0 ]
}
