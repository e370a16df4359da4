#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "headers.h"
#include "plan.h"

static const char *const fail_on_names[] = {
#define LD_FAIL_NAME(name, text) text,
	LD_FAIL_ON_LIST(LD_FAIL_NAME)
#undef LD_FAIL_NAME
};

#define FAIL_ON_COUNT (sizeof(fail_on_names) / sizeof(fail_on_names[0]))
#define MAX_ID_LENGTH 998

/* Copies [start, end) trimmed of surrounding white space, NUL-terminated. */
static char *
trimmed_copy(const char *start, const char *end)
{
	char *copy;

	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	copy = malloc((size_t)(end - start) + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, start, (size_t)(end - start));
	copy[end - start] = '\0';
	return copy;
}

/* Checks a Message-ID in its "<left@right>" form; returns NULL or why not. */
static const char *
message_id_problem(const char *id)
{
	size_t length = strlen(id);

	if (length < 3 || id[0] != '<' || id[length - 1] != '>')
		return "it must be enclosed in angle brackets, like <abc@example.com>";
	if (length > MAX_ID_LENGTH)
		return "it is longer than 998 characters";
	for (const char *p = id + 1; p < id + length - 1; p++)
		if (*p == '<' || *p == '>' || (unsigned char)*p <= ' ' ||
		    (unsigned char)*p == 0x7f)
			return "it contains white space, a control character or "
			    "an angle bracket inside the brackets";
	if (strchr(id, '@') == NULL)
		return "it has no @";
	return NULL;
}

static enum ld_status
add_test(struct ld_plan *plan, char *label, char *message_id, char *tag,
    struct ld_error *err)
{
	struct ld_test *grown;

	for (size_t i = 0; i < plan->test_count; i++) {
		if (strcmp(plan->tests[i].label, label) == 0) {
			ld_error_set(err, LD_ERR_USAGE, "two tests are labelled "
			    "\"%s\"; give each a distinct label (LABEL=<id>)", label);
			goto fail;
		}
	}

	grown = realloc(plan->tests, (plan->test_count + 1) * sizeof(*grown));
	if (grown == NULL) {
		ld_error_set(err, LD_ERR_NOMEM, "out of memory");
		goto fail;
	}
	plan->tests = grown;
	plan->tests[plan->test_count++] = (struct ld_test){
		.label = label, .message_id = message_id, .tag = tag,
	};
	return LD_OK;

fail:
	free(label);
	free(message_id);
	free(tag);
	return err != NULL ? err->status : LD_ERR_USAGE;
}

static char *
label_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *end;

	base = base != NULL ? base + 1 : path;
	end = base + strlen(base);
	if (end - base > 4 && strcasecmp(end - 4, ".eml") == 0)
		end -= 4;
	return trimmed_copy(base, end);
}

/* Reads the unfolded values of Message-ID and X-Landed-Tag of a file. */
static enum ld_status
read_sent_identity(const char *path, char **message_id_r, char **tag_r,
    struct ld_error *err)
{
	struct ld_header_reader *reader;
	struct ld_header_field field;
	struct ld_error read_err = { 0 };
	FILE *fp;
	int rc;

	fp = fopen(path, "rb");
	if (fp == NULL)
		return ld_error_set(err, LD_ERR_IO, "cannot read sent message "
		    "%s: %s", path, strerror(errno));
	reader = ld_header_reader_new(fp);
	if (reader == NULL) {
		fclose(fp);
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	}

	while ((rc = ld_header_reader_next(reader, &field, &read_err)) != 0) {
		char **target = NULL;
		char *value;

		if (rc < 0) {
			if (read_err.status == LD_ERR_LIMIT)
				continue;
			break;
		}
		if (ld_header_name_is(&field, "Message-ID") && *message_id_r == NULL)
			target = message_id_r;
		else if (ld_header_name_is(&field, "X-Landed-Tag") && *tag_r == NULL)
			target = tag_r;
		if (target == NULL)
			continue;

		value = trimmed_copy(field.value, field.value + field.value_length);
		if (value == NULL)
			break;
		value[ld_header_unfold(value, strlen(value), value)] = '\0';
		*target = value;
	}

	ld_header_reader_free(&reader);
	fclose(fp);
	if (rc < 0 && read_err.status != LD_ERR_LIMIT)
		return ld_error_set(err, read_err.status, "cannot read sent "
		    "message %s: %s", path, read_err.message);
	return LD_OK;
}

enum ld_status
ld_plan_add_sent(struct ld_plan *plan, const char *path, struct ld_error *err)
{
	char *message_id = NULL, *tag = NULL, *label;
	const char *problem;
	enum ld_status status;

	status = read_sent_identity(path, &message_id, &tag, err);
	if (status != LD_OK)
		goto fail;

	if (message_id == NULL && tag == NULL) {
		status = ld_error_set(err, LD_ERR_USAGE, "sent message %s has "
		    "no Message-ID and no X-Landed-Tag header, so landed cannot "
		    "find it; use the file that the mail server accepted, or "
		    "--tag", path);
		goto fail;
	}
	if (message_id != NULL) {
		problem = message_id_problem(message_id);
		if (problem != NULL) {
			status = ld_error_set(err, LD_ERR_USAGE, "sent message %s: "
			    "invalid Message-ID \"%.200s\": %s", path, message_id,
			    problem);
			goto fail;
		}
		/* The Message-ID identifies the message; a tag is not needed. */
		free(tag);
		tag = NULL;
	}

	label = label_from_path(path);
	if (label == NULL || label[0] == '\0') {
		free(label);
		status = ld_error_set(err, LD_ERR_USAGE, "cannot make a label "
		    "from the file name %s", path);
		goto fail;
	}
	return add_test(plan, label, message_id, tag, err);

fail:
	free(message_id);
	free(tag);
	return status;
}

enum ld_status
ld_plan_add_message_id(struct ld_plan *plan, const char *arg,
    struct ld_error *err)
{
	const char *separator = NULL;
	char *label, *id;
	const char *problem;

	/* "LABEL=<id>": the label ends at the first "=<" when the argument
	 * does not start with the id itself. */
	if (arg[0] != '<')
		separator = strstr(arg, "=<");

	if (separator != NULL) {
		label = trimmed_copy(arg, separator);
		id = trimmed_copy(separator + 1, arg + strlen(arg));
	} else {
		id = trimmed_copy(arg, arg + strlen(arg));
		if (id != NULL && id[0] != '<') {
			char *wrapped = malloc(strlen(id) + 3);

			if (wrapped != NULL)
				sprintf(wrapped, "<%s>", id);
			free(id);
			id = wrapped;
		}
		label = id != NULL ? strdup(id) : NULL;
	}
	if (label == NULL || id == NULL) {
		free(label);
		free(id);
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	}

	problem = message_id_problem(id);
	if (problem == NULL && label[0] == '\0')
		problem = "the label before '=' is empty";
	if (problem != NULL) {
		ld_error_set(err, LD_ERR_USAGE, "invalid --message-id \"%.200s\": %s",
		    arg, problem);
		free(label);
		free(id);
		return LD_ERR_USAGE;
	}
	return add_test(plan, label, id, NULL, err);
}

enum ld_status
ld_plan_add_tag(struct ld_plan *plan, const char *tag, struct ld_error *err)
{
	char *copy, *label;

	if (tag[0] == '\0' || strlen(tag) > MAX_ID_LENGTH)
		return ld_error_set(err, LD_ERR_USAGE, "invalid --tag \"%.200s\": "
		    "it must have 1 to 998 characters", tag);
	for (const char *p = tag; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p == 0x7f ||
		    *p == '"' || *p == '\\')
			return ld_error_set(err, LD_ERR_USAGE, "invalid --tag "
			    "\"%.200s\": it must not contain white space, control "
			    "characters, quotes or backslashes", tag);

	copy = strdup(tag);
	label = strdup(tag);
	if (copy == NULL || label == NULL) {
		free(copy);
		free(label);
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");
	}
	return add_test(plan, label, NULL, copy, err);
}

void
ld_plan_clear(struct ld_plan *plan)
{
	for (size_t i = 0; i < plan->test_count; i++) {
		free(plan->tests[i].label);
		free(plan->tests[i].message_id);
		free(plan->tests[i].tag);
	}
	free(plan->tests);
	plan->tests = NULL;
	plan->test_count = 0;
}

/* Whether the field value, unfolded and trimmed, equals expected. */
static int
value_equals(const struct ld_header_field *field, const char *expected)
{
	size_t expected_length = strlen(expected);
	char *value = trimmed_copy(field->value, field->value + field->value_length);
	int equal;

	if (value == NULL)
		return 0;
	value[ld_header_unfold(value, strlen(value), value)] = '\0';
	equal = strlen(value) == expected_length && strcmp(value, expected) == 0;
	free(value);
	return equal;
}

static int
is_word_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c >= 0x80;
}

/* Whether tag occurs in the field value with no word character on
 * either side. */
static int
value_has_word(const struct ld_header_field *field, const char *tag)
{
	size_t tag_length = strlen(tag);
	const char *value = field->value;
	size_t length = field->value_length;

	for (size_t i = 0; i + tag_length <= length; i++) {
		if (memcmp(value + i, tag, tag_length) != 0)
			continue;
		if (i > 0 && is_word_char((unsigned char)value[i - 1]))
			continue;
		if (i + tag_length < length &&
		    is_word_char((unsigned char)value[i + tag_length]))
			continue;
		return 1;
	}
	return 0;
}

int
ld_test_matches(const struct ld_test *test, const char *header, size_t length)
{
	struct ld_header_iter iter;
	struct ld_header_field field;

	ld_header_iter_init(&iter, header, length);
	while (ld_header_iter_next(&iter, &field)) {
		if (test->message_id != NULL &&
		    ld_header_name_is(&field, "Message-ID") &&
		    value_equals(&field, test->message_id))
			return 1;
		if (test->tag == NULL)
			continue;
		if (ld_header_name_is(&field, "X-Landed-Tag") &&
		    value_equals(&field, test->tag))
			return 1;
		if (ld_header_name_is(&field, "Subject") &&
		    value_has_word(&field, test->tag))
			return 1;
	}
	return 0;
}

enum ld_status
ld_plan_parse_fail_on(const char *list, unsigned *mask_r, struct ld_error *err)
{
	const char *p = list;

	*mask_r = 0;
	while (*p != '\0') {
		size_t length = strcspn(p, ",");
		size_t i;

		for (i = 0; i < FAIL_ON_COUNT; i++)
			if (strlen(fail_on_names[i]) == length &&
			    strncmp(p, fail_on_names[i], length) == 0)
				break;
		if (i == FAIL_ON_COUNT)
			return ld_error_set(err, LD_ERR_USAGE, "unknown --fail-on "
			    "class \"%.*s\"; use spam, missing, rejected, other, "
			    "error, dmarc-fail, spf-fail, dkim-fail or auth-unknown",
			    (int)length, p);
		*mask_r |= 1u << i;
		p += length;
		if (*p == ',')
			p++;
	}
	return LD_OK;
}

static int
auth_is(const struct ld_result *result, enum ld_auth_index method,
    const char *a, const char *b)
{
	const char *value = result->auth[method];

	return value != NULL && (strcmp(value, a) == 0 ||
	    (b != NULL && strcmp(value, b) == 0));
}

int
ld_plan_fails(const struct ld_result *result, unsigned mask)
{
	int found = result->placement == LD_PLACEMENT_INBOX ||
	    result->placement == LD_PLACEMENT_SPAM ||
	    result->placement == LD_PLACEMENT_OTHER;
	int unknown = 1;

	for (size_t m = 0; m < LD_AUTH_COUNT; m++)
		if (result->auth[m] != NULL)
			unknown = 0;

	if ((mask & (1u << LD_FAIL_SPAM)) && result->placement == LD_PLACEMENT_SPAM)
		return 1;
	if ((mask & (1u << LD_FAIL_MISSING)) && result->placement == LD_PLACEMENT_MISSING)
		return 1;
	if ((mask & (1u << LD_FAIL_REJECTED)) && result->placement == LD_PLACEMENT_REJECTED)
		return 1;
	if ((mask & (1u << LD_FAIL_OTHER)) && result->placement == LD_PLACEMENT_OTHER)
		return 1;
	if ((mask & (1u << LD_FAIL_ERROR)) && result->placement == LD_PLACEMENT_ERROR)
		return 1;
	if ((mask & (1u << LD_FAIL_DMARC)) && auth_is(result, LD_AUTH_DMARC, "fail", NULL))
		return 1;
	if ((mask & (1u << LD_FAIL_SPF)) && auth_is(result, LD_AUTH_SPF, "fail", "softfail"))
		return 1;
	if ((mask & (1u << LD_FAIL_DKIM)) && auth_is(result, LD_AUTH_DKIM, "fail", NULL))
		return 1;
	if ((mask & (1u << LD_FAIL_AUTH_UNKNOWN)) && found && unknown)
		return 1;
	return 0;
}
