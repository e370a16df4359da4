/*
 * Tests for the header field reader (headers.c): the in-memory iterator,
 * the streaming reader with its input split at every byte, the field size
 * limit and unfolding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "headers.h"

/* Appends "name=[value]@offset+length" for a field to out. */
static void
append_field(char *out, size_t size, const struct ld_header_field *f)
{
	size_t used = strlen(out);

	snprintf(out + used, size - used, "%.*s=[%.*s]@%zu+%zu\n",
	    (int)f->name_length, f->name, (int)f->value_length, f->value,
	    f->offset, f->length);
}

static void
iterate(const char *input, char *out, size_t size)
{
	struct ld_header_iter iter;
	struct ld_header_field field;

	out[0] = '\0';
	ld_header_iter_init(&iter, input, strlen(input));
	while (ld_header_iter_next(&iter, &field))
		append_field(out, size, &field);
}

/* Streams input with each fread() limited to read_size bytes. */
static int
stream(const char *input, size_t read_size, char *out, size_t size)
{
	struct ld_header_reader *reader;
	struct ld_header_field field;
	struct ld_error err;
	FILE *fp;
	int rc;

	out[0] = '\0';
	fp = fmemopen((void *)(uintptr_t)input, strlen(input), "r");
	if (fp == NULL)
		return -1;
	reader = ld_header_reader_new(fp);
	if (reader == NULL) {
		fclose(fp);
		return -1;
	}
	ld_header_reader_set_read_size(reader, read_size);
	while ((rc = ld_header_reader_next(reader, &field, &err)) == 1)
		append_field(out, size, &field);
	ld_header_reader_free(&reader);
	fclose(fp);
	return rc;
}

struct iter_case {
	const char *name;
	const char *input;
	const char *fields;
};

static const struct iter_case iter_cases[] = {
	{ "crlf fields", "A: 1\r\nB: 2\r\n\r\nC: body\r\n",
	  "A=[ 1]@0+4\nB=[ 2]@6+4\n" },
	{ "lf fields", "A: 1\nB: 2\n\nC: body\n",
	  "A=[ 1]@0+4\nB=[ 2]@5+4\n" },
	{ "folded field", "A: 1\r\n\t2\r\n  3\r\nB:x\r\n",
	  "A=[ 1\r\n\t2\r\n  3]@0+13\nB=[x]@15+3\n" },
	{ "no final line break", "A: 1\nB: 2", "A=[ 1]@0+4\nB=[ 2]@5+4\n" },
	{ "empty input", "", "" },
	{ "blank line first", "\r\nA: 1\r\n", "" },
	{ "blank line before indented body", "A: 1\n\n indented body\n",
	  "A=[ 1]@0+4\n" },
	{ "mbox from line skipped",
	  "From alice@example.com Fri Dec  4 19:20:30 2026\nA: 1\n",
	  "A=[ 1]@48+4\n" },
	{ "stray continuation skipped", " lost\n\tline\nA: 1\n",
	  "A=[ 1]@12+4\n" },
	{ "line without colon skipped", "garbage\nA: 1\n", "A=[ 1]@8+4\n" },
	{ "space before colon", "Subject : hi\n", "Subject=[ hi]@0+12\n" },
	{ "empty name skipped", ": x\nA:\n", "A=[]@4+2\n" },
	{ "colon in value", "A: b:c\n", "A=[ b:c]@0+6\n" },
	{ "lone cr kept in value", "A: b\rc\n", "A=[ b\rc]@0+6\n" },
};

static void
test_iterator_and_stream(void)
{
	char expected[1024], actual[1024];
	size_t i, split, length;
	int rc, all_equal;

	for (i = 0; i < sizeof(iter_cases) / sizeof(iter_cases[0]); i++) {
		const struct iter_case *c = &iter_cases[i];

		TEST_CASE(c->name);
		iterate(c->input, actual, sizeof(actual));
		CHECK_STR(c->fields, actual);

		/* The streaming reader must agree for every read size. */
		snprintf(expected, sizeof(expected), "%s", c->fields);
		length = strlen(c->input);
		all_equal = 1;
		for (split = 1; split <= length + 1; split++) {
			rc = stream(c->input, split, actual, sizeof(actual));
			if (rc != 0 || strcmp(expected, actual) != 0) {
				all_equal = 0;
				CHECK_INT(0, rc);
				CHECK_STR(expected, actual);
				printf("  read size: %zu\n", split);
				break;
			}
		}
		CHECK_TRUE(all_equal);
	}
}

/* Builds "Name: " followed by n bytes of 'x' and a line break. */
static char *
long_field(const char *name, size_t n, const char *rest)
{
	size_t name_length = strlen(name), rest_length = strlen(rest);
	char *s = malloc(name_length + 2 + n + 1 + rest_length + 1);

	if (s == NULL)
		abort();
	memcpy(s, name, name_length);
	memcpy(s + name_length, ": ", 2);
	memset(s + name_length + 2, 'x', n);
	s[name_length + 2 + n] = '\n';
	memcpy(s + name_length + 3 + n, rest, rest_length + 1);
	return s;
}

static void
test_limit(void)
{
	struct ld_header_reader *reader;
	struct ld_header_field field;
	struct ld_error err;
	char *input;
	FILE *fp;
	size_t read_sizes[] = { 1, 7, 4096, 65536 }, i;

	for (i = 0; i < sizeof(read_sizes) / sizeof(read_sizes[0]); i++) {
		TEST_CASE("over-long field, then next field");
		input = long_field("Authentication-Results", 70000,
		    "B: after\n\nbody\n");
		fp = fmemopen(input, strlen(input), "r");
		reader = ld_header_reader_new(fp);
		ld_header_reader_set_read_size(reader, read_sizes[i]);

		CHECK_INT(-1, ld_header_reader_next(reader, &field, &err));
		CHECK_INT(LD_ERR_LIMIT, err.status);
		CHECK_INT(22, field.name_length);
		CHECK_TRUE(field.name != NULL && ld_header_name_is(&field,
		    "authentication-results"));
		/* The start of the value is kept: 64 KiB + 2 bytes of field
		 * minus "Authentication-Results:". */
		CHECK_TRUE(field.value != NULL &&
		    strncmp(field.value, " xxx", 4) == 0);
		CHECK_INT(65536 + 2 - 23, field.value_length);
		CHECK_INT(70024, field.length);
		CHECK_INT(0, field.offset);

		CHECK_INT(1, ld_header_reader_next(reader, &field, &err));
		CHECK_TRUE(ld_header_name_is(&field, "B"));
		CHECK_INT(70025, field.offset);
		CHECK_INT(0, ld_header_reader_next(reader, &field, &err));
		CHECK_INT(70035, ld_header_reader_offset(reader));
		ld_header_reader_free(&reader);
		CHECK_TRUE(reader == NULL);
		fclose(fp);
		free(input);
	}

	TEST_CASE("field of exactly 64 KiB");
	input = long_field("A", 65536 - 3, "");
	fp = fmemopen(input, strlen(input), "r");
	reader = ld_header_reader_new(fp);
	CHECK_INT(1, ld_header_reader_next(reader, &field, &err));
	CHECK_INT(65536, field.length);
	CHECK_INT(65536 - 2, field.value_length);
	CHECK_INT(0, ld_header_reader_next(reader, &field, &err));
	ld_header_reader_free(&reader);
	fclose(fp);
	free(input);

	TEST_CASE("over-long line without name");
	input = long_field("", 200000, "");
	input[0] = 'x';
	input[1] = 'x';
	fp = fmemopen(input, strlen(input), "r");
	reader = ld_header_reader_new(fp);
	CHECK_INT(-1, ld_header_reader_next(reader, &field, &err));
	CHECK_INT(LD_ERR_LIMIT, err.status);
	CHECK_TRUE(field.name == NULL);
	CHECK_INT(0, ld_header_reader_next(reader, &field, &err));
	ld_header_reader_free(&reader);
	fclose(fp);
	free(input);
}

struct unfold_case {
	const char *name;
	const char *input;
	const char *output;
};

static const struct unfold_case unfold_cases[] = {
	{ "unfold crlf tab", "a\r\n\tb", "a\tb" },
	{ "unfold lf space", "a\n b\n  c", "a b  c" },
	{ "unfold keeps bare break", "a\r\nb", "a\r\nb" },
	{ "unfold trailing break", "a\r\n", "a\r\n" },
	{ "unfold nothing", "abc", "abc" },
	{ "unfold empty", "", "" },
};

static void
test_unfold(void)
{
	char buffer[64];
	size_t i, n;

	for (i = 0; i < sizeof(unfold_cases) / sizeof(unfold_cases[0]); i++) {
		TEST_CASE(unfold_cases[i].name);
		n = ld_header_unfold(unfold_cases[i].input,
		    strlen(unfold_cases[i].input), buffer);
		buffer[n] = '\0';
		CHECK_STR(unfold_cases[i].output, buffer);

		/* In place. */
		snprintf(buffer, sizeof(buffer), "%s", unfold_cases[i].input);
		n = ld_header_unfold(buffer, strlen(buffer), buffer);
		buffer[n] = '\0';
		CHECK_STR(unfold_cases[i].output, buffer);
	}
}

int
main(void)
{
	test_iterator_and_stream();
	test_limit();
	test_unfold();
	return harness_finish();
}
