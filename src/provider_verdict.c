/*
 * The provider's own verdict on a message: the output functions that a
 * plugin's interpret hook writes through, the reading of header fields
 * for it, and the check of that verdict against the folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headers.h"
#include "provider_hooks.h"
#include "provider_verdict.h"

#define MAX_KEY_BYTES 32

void
ld_provider_verdict_clear(struct ld_provider_verdict *verdict)
{
	for (size_t i = 0; i < verdict->member_count; i++) {
		free(verdict->members[i].key);
		free(verdict->members[i].string);
	}
	free(verdict->evidence);
	*verdict = (struct ld_provider_verdict){ 0 };
}

/* Members that landed writes itself from the spam verdict. */
static const char *const reserved_keys[] = {
	"verdict", "evidence", "disagrees", "disagreement", NULL
};

/* Keys become JSON member names: short, lower-case, not reserved. */
static int
valid_key(const char *key)
{
	size_t length = key != NULL ? strlen(key) : 0;

	if (length == 0 || length > MAX_KEY_BYTES)
		return 0;
	for (size_t i = 0; reserved_keys[i] != NULL; i++)
		if (strcmp(key, reserved_keys[i]) == 0)
			return 0;
	for (size_t i = 0; i < length; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= '0' && key[i] <= '9') || key[i] == '_'))
			return 0;
	return 1;
}

/* Returns the member called key, a new empty one, or NULL when full. */
static struct ld_verdict_member *
member_slot(struct ld_provider_verdict *verdict, const char *key)
{
	struct ld_verdict_member *member;

	for (size_t i = 0; i < verdict->member_count; i++) {
		member = &verdict->members[i];
		if (strcmp(member->key, key) == 0) {
			free(member->string);
			member->string = NULL;
			return member;
		}
	}
	if (verdict->member_count == LD_VERDICT_MAX_MEMBERS)
		return NULL;
	member = &verdict->members[verdict->member_count];
	*member = (struct ld_verdict_member){ 0 };
	member->key = strdup(key);
	if (member->key == NULL)
		return NULL;
	verdict->member_count++;
	return member;
}

static int
set_number(struct landed_verdict *out, const char *key,
    enum ld_verdict_type type, long long value)
{
	struct ld_verdict_member *member;

	if (!valid_key(key))
		return -1;
	member = member_slot(&out->result->verdict, key);
	if (member == NULL)
		return -1;
	member->type = type;
	member->number = value;
	return 0;
}

static int
verdict_set_int(struct landed_verdict *out, const char *key, long long value)
{
	return set_number(out, key, LD_VERDICT_INT, value);
}

static int
verdict_set_bool(struct landed_verdict *out, const char *key, int value)
{
	return set_number(out, key, LD_VERDICT_BOOL, value != 0);
}

static int
verdict_set_string(struct landed_verdict *out, const char *key,
    const char *value)
{
	struct ld_verdict_member *member;
	char *copy;

	if (!valid_key(key) || value == NULL)
		return -1;
	copy = strdup(value);
	if (copy == NULL)
		return -1;
	member = member_slot(&out->result->verdict, key);
	if (member == NULL) {
		free(copy);
		return -1;
	}
	member->type = LD_VERDICT_STRING;
	member->string = copy;
	return 0;
}

static int
verdict_set_category(struct landed_verdict *out, const char *category)
{
	char *copy = category != NULL ? strdup(category) : NULL;

	if (copy == NULL)
		return -1;
	free(out->result->category);
	out->result->category = copy;
	return 0;
}

static int
verdict_set_spam_verdict(struct landed_verdict *out,
    enum landed_spam_verdict opinion, const char *evidence)
{
	struct ld_provider_verdict *verdict = &out->result->verdict;
	char *copy = NULL;

	if (opinion != LANDED_VERDICT_UNKNOWN && opinion != LANDED_VERDICT_SPAM &&
	    opinion != LANDED_VERDICT_NOT_SPAM)
		return -1;
	if (evidence != NULL && (copy = strdup(evidence)) == NULL)
		return -1;
	free(verdict->evidence);
	verdict->evidence = copy;
	verdict->opinion = opinion;
	return 0;
}

static long
verdict_header_field(const struct landed_message_view *message,
    const char *name, size_t n, char *buf, size_t size)
{
	return ld_header_field_value(message->header, message->header_length,
	    name, n, buf, size);
}

const struct landed_verdict_ops ld_verdict_ops = {
	.header_field = verdict_header_field,
	.set_int = verdict_set_int,
	.set_string = verdict_set_string,
	.set_bool = verdict_set_bool,
	.set_category = verdict_set_category,
	.set_spam_verdict = verdict_set_spam_verdict,
};

/* Appends one byte to buf when it fits, and counts it either way. */
static void
put_byte(char *buf, size_t size, size_t *length, char c)
{
	if (size > 0 && *length < size - 1)
		buf[*length] = c;
	(*length)++;
}

/* Unfolds value into buf (cut to size - 1 bytes), dropping the leading
 * and trailing white space, and returns the full unfolded length. */
static size_t
unfold_trimmed(const char *value, size_t value_length, char *buf, size_t size)
{
	size_t start = 0, end = value_length, length = 0;

	while (start < end && (value[start] == ' ' || value[start] == '\t'))
		start++;
	while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t' ||
	    value[end - 1] == '\r' || value[end - 1] == '\n'))
		end--;
	for (size_t i = start; i < end; i++) {
		if (value[i] == '\r' || value[i] == '\n')
			continue;
		put_byte(buf, size, &length, value[i]);
	}
	if (size > 0)
		buf[length < size ? length : size - 1] = '\0';
	return length;
}

long
ld_header_field_value(const char *header, size_t length, const char *name,
    size_t n, char *buf, size_t size)
{
	struct ld_header_iter iter;
	struct ld_header_field field;

	if (size > 0)
		buf[0] = '\0';
	if (header == NULL || name == NULL)
		return -1;
	ld_header_iter_init(&iter, header, length);
	while (ld_header_iter_next(&iter, &field)) {
		if (!ld_header_name_is(&field, name))
			continue;
		if (n-- > 0)
			continue;
		return (long)unfold_trimmed(field.value, field.value_length,
		    buf, size);
	}
	return -1;
}

int
ld_provider_note_disagreement(struct ld_result *result)
{
	const struct ld_provider_verdict *verdict = &result->verdict;
	const char *evidence = verdict->evidence != NULL ? verdict->evidence :
	    "its verdict headers";
	char text[512];

	if (verdict->opinion == LANDED_VERDICT_SPAM &&
	    result->placement == LD_PLACEMENT_INBOX)
		snprintf(text, sizeof(text), "the provider judged it spam "
		    "(%s), but it is in the inbox folder \"%s\"", evidence,
		    result->folder != NULL ? result->folder : "INBOX");
	else if (verdict->opinion == LANDED_VERDICT_NOT_SPAM &&
	    result->placement == LD_PLACEMENT_SPAM)
		snprintf(text, sizeof(text), "the provider judged it not spam "
		    "(%s), but it is in the spam folder \"%s\"", evidence,
		    result->folder != NULL ? result->folder : "");
	else
		return 0;

	free(result->disagreement);
	result->disagreement = strdup(text);
	return result->disagreement != NULL ? 0 : -1;
}
