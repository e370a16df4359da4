/*
 * A small test harness: every check prints what it expected and what it
 * got when it fails, and the binary exits non-zero if any check failed.
 *
 * The last line a test binary prints is "checks: N passed, N failed";
 * tests/run-tests sums those lines into the summary of `make check`.
 */
#ifndef LANDED_HARNESS_H
#define LANDED_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_passed;
static int harness_failed;
static const char *harness_case = "";

/* Names the case that the following checks belong to. */
#define TEST_CASE(name) (harness_case = (name))

#define CHECK_TRUE(cond)                                                  \
	do {                                                              \
		if (cond) {                                               \
			harness_passed++;                                 \
		} else {                                                  \
			harness_failed++;                                 \
			printf("FAIL %s (%s:%d): %s is false\n",          \
			    harness_case, __FILE__, __LINE__, #cond);     \
		}                                                         \
	} while (0)

#define CHECK_INT(expected, actual)                                       \
	do {                                                              \
		long long harness_e = (long long)(expected);              \
		long long harness_a = (long long)(actual);                \
		if (harness_e == harness_a) {                             \
			harness_passed++;                                 \
		} else {                                                  \
			harness_failed++;                                 \
			printf("FAIL %s (%s:%d): %s\n  expected: %lld\n"  \
			    "  actual:   %lld\n", harness_case, __FILE__,  \
			    __LINE__, #actual, harness_e, harness_a);     \
		}                                                         \
	} while (0)

/* Compares two strings, either of which may be NULL. */
#define CHECK_STR(expected, actual)                                       \
	do {                                                              \
		const char *harness_e = (expected);                       \
		const char *harness_a = (actual);                         \
		if ((harness_e == NULL && harness_a == NULL) ||           \
		    (harness_e != NULL && harness_a != NULL &&            \
		    strcmp(harness_e, harness_a) == 0)) {                 \
			harness_passed++;                                 \
		} else {                                                  \
			harness_failed++;                                 \
			printf("FAIL %s (%s:%d): %s\n  expected: %s%s%s\n" \
			    "  actual:   %s%s%s\n", harness_case,          \
			    __FILE__, __LINE__, #actual,                  \
			    harness_e ? "\"" : "",                        \
			    harness_e ? harness_e : "NULL",               \
			    harness_e ? "\"" : "",                        \
			    harness_a ? "\"" : "",                        \
			    harness_a ? harness_a : "NULL",               \
			    harness_a ? "\"" : "");                       \
		}                                                         \
	} while (0)

/* Prints the closing line and returns the exit status for main(). */
static inline int
harness_finish(void)
{
	printf("checks: %d passed, %d failed\n", harness_passed,
	    harness_failed);
	return harness_failed == 0 ? 0 : 1;
}

#endif
