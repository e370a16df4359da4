/* Tests of the modified UTF-7 codec for mailbox names (RFC 3501 5.1.3). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mutf7.h"

/* Names that must encode to exactly this form and decode back. */
static const struct {
	const char *utf8;
	const char *mutf7;
} round_trips[] = {
	{ "", "" },
	{ "INBOX", "INBOX" },
	{ "Junk E-mail", "Junk E-mail" },
	{ "&", "&-" },
	{ "Spam & Junk", "Spam &- Junk" },
	{ "Entw\xc3\xbc" "rfe", "Entw&APw-rfe" },
	{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	{ "\xd0\x9e\xd1\x82\xd0\xbf\xd1\x80\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5"
	    "\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb5",
	    "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-" },
	/* U+1F600 outside the BMP goes through a surrogate pair. */
	{ "\xf0\x9f\x98\x80", "&2D3eAA-" },
	{ "a\xf0\x9f\x98\x80" "b\xe2\x82\xac", "a&2D3eAA-b&IKw-" },
	/* "&" right after a base64 run. */
	{ "\xc3\x84&\xc3\x96", "&AMQ-&-&ANY-" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e&", "&ZeVnLIqe-&-" },
	/* Control characters are not printable, so they are encoded. */
	{ "\x01tab\t", "&AAE-tab&AAk-" },
};

/* Server names the decoder must reject. */
static const struct {
	const char *mutf7;
	const char *problem;
} bad_names[] = {
	{ "&", "unterminated" },
	{ "Entw&APw", "unterminated" },
	{ "&AP!-", "invalid base64 character" },
	{ "&AP/-", "invalid base64 character" },
	{ "&AP=-", "invalid base64 character" },
	{ "&APx-", "non-zero padding bits" },
	{ "&AP-", "shorter than one UTF-16 unit" },
	{ "&A-", "shorter than one UTF-16 unit" },
	{ "&APwA-", "incomplete UTF-16 unit" },
	{ "&AGE-", "encoded printable US-ASCII" },
	{ "&ACY-", "encoded printable US-ASCII" },
	{ "&AAA-", "encoded NUL" },
	{ "&2D0-", "unpaired UTF-16 high surrogate" },
	{ "&3gA-", "unpaired UTF-16 low surrogate" },
	{ "&2D3YPQ-", "unpaired UTF-16 high surrogate" },
	{ "&AMQ-&ANY-", "base64 run split in two" },
	{ "Entw\xc3\xbcrfe", "outside printable US-ASCII" },
	{ "tab\there", "outside printable US-ASCII" },
};

/* UTF-8 the encoder must reject. */
static const char *const bad_utf8[] = {
	"\xc3",			/* truncated */
	"\xc3(",		/* bad continuation byte */
	"\xc0\xa6",		/* overlong "&" */
	"\xe0\x80\xa6",		/* overlong "&" */
	"\xed\xa0\x80",		/* UTF-16 surrogate */
	"\xf4\x90\x80\x80",	/* above U+10FFFF */
	"\xff",
	"\x80",
};

static void
test_round_trips(void)
{
	for (size_t i = 0; i < sizeof(round_trips) / sizeof(round_trips[0]); i++) {
		struct ld_error err;
		char *encoded = NULL, *decoded = NULL;

		TEST_CASE(round_trips[i].mutf7);
		CHECK_INT(LD_OK, ld_utf8_to_mutf7(round_trips[i].utf8,
		    &encoded, &err));
		CHECK_STR(round_trips[i].mutf7, encoded);
		CHECK_INT(LD_OK, ld_mutf7_to_utf8(round_trips[i].mutf7,
		    &decoded, &err));
		CHECK_STR(round_trips[i].utf8, decoded);
		free(encoded);
		free(decoded);
	}
}

static void
test_bad_names(void)
{
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		struct ld_error err;
		char *decoded = NULL;

		TEST_CASE(bad_names[i].mutf7);
		ld_error_clear(&err);
		CHECK_INT(LD_ERR_SYNTAX, ld_mutf7_to_utf8(bad_names[i].mutf7,
		    &decoded, &err));
		CHECK_TRUE(decoded == NULL);
		CHECK_INT(LD_ERR_SYNTAX, err.status);
		if (strstr(err.message, bad_names[i].problem) == NULL)
			CHECK_STR(bad_names[i].problem, err.message);
		free(decoded);
	}
}

static void
test_bad_utf8(void)
{
	for (size_t i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		struct ld_error err;
		char *encoded = NULL;

		TEST_CASE("invalid UTF-8");
		CHECK_INT(LD_ERR_SYNTAX, ld_utf8_to_mutf7(bad_utf8[i], &encoded,
		    &err));
		CHECK_TRUE(encoded == NULL);
		CHECK_TRUE(strstr(err.message, "invalid UTF-8") != NULL);
	}
}

/* Code points at each UTF-8 length and UTF-16 boundary survive a round trip. */
static void
test_all_planes(void)
{
	static const unsigned long code_points[] = {
		0x01, 0x1f, 0x7f, 0x80, 0xff, 0x100, 0x7ff, 0x800, 0xd7ff,
		0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff,
	};

	TEST_CASE("code point boundaries");
	for (size_t i = 0; i < sizeof(code_points) / sizeof(code_points[0]); i++) {
		unsigned long cp = code_points[i];
		char utf8[8] = { 0 };
		char *encoded = NULL, *decoded = NULL;
		struct ld_error err;

		if (cp < 0x80) {
			utf8[0] = (char)cp;
		} else if (cp < 0x800) {
			utf8[0] = (char)(0xc0 | (cp >> 6));
			utf8[1] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			utf8[0] = (char)(0xe0 | (cp >> 12));
			utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
			utf8[2] = (char)(0x80 | (cp & 0x3f));
		} else {
			utf8[0] = (char)(0xf0 | (cp >> 18));
			utf8[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
			utf8[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
			utf8[3] = (char)(0x80 | (cp & 0x3f));
		}
		CHECK_INT(LD_OK, ld_utf8_to_mutf7(utf8, &encoded, &err));
		CHECK_TRUE(encoded != NULL && encoded[0] == '&');
		CHECK_INT(LD_OK, ld_mutf7_to_utf8(encoded, &decoded, &err));
		CHECK_STR(utf8, decoded);
		free(encoded);
		free(decoded);
	}
}

int
main(void)
{
	test_round_trips();
	test_bad_names();
	test_bad_utf8();
	test_all_planes();
	return harness_finish();
}
