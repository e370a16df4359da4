/*
 * Delivery status notifications: RFC 3464 (with the RFC 6533 global
 * variant), enhanced status codes from RFC 3463, RFC 7372 and RFC 7505,
 * and the plain-text bounces of MTAs that send no report.
 *
 * libetpan's MIME parser splits the message into parts and decodes
 * their transfer encoding.  This is the second file of landed that
 * includes libetpan (imap.c is the first), because writing another
 * MIME parser would be worse than a second user of the one we link.
 * The fields inside a delivery-status part and the text of a bounce are
 * read here, with headers.c for the field syntax.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "dsn.h"
#include "headers.h"

/* MIME nesting deeper than this is not searched for report parts. */
#define MAX_PART_DEPTH	16
/* Container types (multipart, message/rfc822) a message may name before
 * it is parsed at all; see count_container_types(). */
#define MAX_CONTAINER_TYPES	256

static const char *const action_names[] = {
#define LD_DSN_ACTION_NAME(name, text) text,
	LD_DSN_ACTION_LIST(LD_DSN_ACTION_NAME)
#undef LD_DSN_ACTION_NAME
};

static const char *const format_names[] = {
#define LD_DSN_FORMAT_NAME(name, text) text,
	LD_DSN_FORMAT_LIST(LD_DSN_FORMAT_NAME)
#undef LD_DSN_FORMAT_NAME
};

const char *
ld_dsn_action_name(enum ld_dsn_action action)
{
	return action_names[action];
}

const char *
ld_dsn_format_name(enum ld_dsn_format format)
{
	return format_names[format];
}

/* Explanations */

struct status_explanation {
	const char *status;
	const char *text;
};

/* Codes whose meaning is certain: RFC 3463, RFC 7372, RFC 7505. */
static const struct status_explanation explanations[] = {
	{ "5.1.1", "no such user at the receiver" },
	{ "5.1.2", "the recipient's domain does not exist or accepts no mail" },
	{ "5.1.10", "the recipient's domain has a null MX and accepts no mail" },
	{ "5.2.1", "the recipient's mailbox is disabled" },
	{ "5.2.2", "the recipient's mailbox is full" },
	{ "5.2.3", "the message is larger than the recipient accepts" },
	{ "5.3.4", "the message is larger than the receiving system accepts" },
	{ "5.7.0", "rejected for a security or policy reason" },
	{ "5.7.1", "rejected by policy or a block list" },
	{ "5.7.20", "no passing DKIM signature" },
	{ "5.7.21", "no acceptable DKIM signature" },
	{ "5.7.22", "no valid DKIM signature of the author's domain" },
	{ "5.7.23", "SPF validation failed" },
	{ "5.7.24", "SPF validation error" },
	{ "5.7.25", "no PTR record for the sending IP" },
	{ "5.7.26", "unauthenticated: SPF/DMARC failed" },
	{ "5.7.27", "the sender's domain has a null MX" },
};

/* Permanent failures by subject, the middle number (RFC 3463 section 3). */
static const char *const permanent_subjects[] = {
	"permanent failure",
	"permanent failure: address problem",
	"permanent failure: mailbox problem",
	"permanent failure: mail system problem",
	"permanent failure: network or routing problem",
	"permanent failure: protocol problem",
	"permanent failure: message content problem",
	"permanent failure: security or policy",
};

/* Returns 1 when s is "C.S.D" with one-digit class 2, 4 or 5 and up to
 * three digits each in subject and detail. */
static int
status_is_valid(const char *s)
{
	size_t digits;

	if ((s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return 0;
	s += 2;
	for (int part = 0; part < 2; part++) {
		for (digits = 0; isdigit((unsigned char)s[digits]); digits++)
			;
		if (digits == 0 || digits > 3)
			return 0;
		s += digits;
		if (part == 0 && *s++ != '.')
			return 0;
	}
	return *s == '\0';
}

const char *
ld_dsn_explain(const char *status)
{
	unsigned subject;

	if (status == NULL || !status_is_valid(status))
		return NULL;
	if (status[0] == '2')
		return "delivered";
	if (status[0] == '4')
		return "deferred: a temporary failure, not final";

	for (size_t i = 0; i < sizeof(explanations) / sizeof(explanations[0]);
	    i++)
		if (strcmp(explanations[i].status, status) == 0)
			return explanations[i].text;
	subject = (unsigned)strtoul(status + 2, NULL, 10);
	if (subject >= sizeof(permanent_subjects) / sizeof(permanent_subjects[0]))
		subject = 0;
	return permanent_subjects[subject];
}

/* Text helpers */

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copies text with every run of white space (line breaks included) made
 * one space, trimmed, and cut at LD_DSN_MAX_DIAGNOSTIC_BYTES. */
static char *
collapse_space(const char *text, size_t length)
{
	char *out = malloc(length + 1);
	size_t n = 0;
	int pending_space = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < length && n < LD_DSN_MAX_DIAGNOSTIC_BYTES; i++) {
		unsigned char c = (unsigned char)text[i];

		if (is_blank(c)) {
			pending_space = n > 0;
			continue;
		}
		if (pending_space && n + 1 < LD_DSN_MAX_DIAGNOSTIC_BYTES)
			out[n++] = ' ';
		pending_space = 0;
		out[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[n] = '\0';
	return out;
}

/* Returns 1 when the token at s (length n) is a reply code 2xx to 5xx. */
static int
is_reply_code(const char *s, size_t n)
{
	return n >= 3 && (s[0] == '2' || s[0] == '4' || s[0] == '5') &&
	    isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
	    (n == 3 || s[3] == '-' || s[3] == ' ');
}

/*
 * Finds the first enhanced status code that is a word of its own in text
 * and copies it to out.  Returns 1 when one was found.
 */
static int
find_status(const char *text, size_t length, char out[16])
{
	for (size_t i = 0; i < length; i++) {
		size_t j = i;
		char code[16];

		if (i > 0 && (isalnum((unsigned char)text[i - 1]) ||
		    text[i - 1] == '.'))
			continue;
		while (j < length && j - i < sizeof(code) - 1 &&
		    (isdigit((unsigned char)text[j]) || text[j] == '.'))
			j++;
		/* A full stop after the code ends the sentence ("5.7.1."). */
		while (j > i && text[j - 1] == '.')
			j--;
		if (j == i || (j < length && isalnum((unsigned char)text[j])))
			continue;
		memcpy(code, text + i, j - i);
		code[j - i] = '\0';
		if (status_is_valid(code)) {
			memcpy(out, code, j - i + 1);
			return 1;
		}
	}
	return 0;
}

/* Returns the first reply code that starts a word of text, or 0. */
static unsigned
find_reply_code(const char *text, size_t length)
{
	for (size_t i = 0; i + 3 <= length; i++) {
		if (i > 0 && !is_blank(text[i - 1]) && text[i - 1] != ';' &&
		    text[i - 1] != ':')
			continue;
		if (is_reply_code(text + i, length - i) &&
		    (i + 3 == length || text[i + 3] == '-' || is_blank(text[i + 3])))
			return (unsigned)strtoul(text + i, NULL, 10);
	}
	return 0;
}

/* Returns 1 when the word (length n) is exactly an enhanced status code. */
static int
word_is_status(const char *word, size_t n)
{
	char code[16];

	if (n == 0 || n >= sizeof(code))
		return 0;
	memcpy(code, word, n);
	code[n] = '\0';
	return status_is_valid(code);
}

/* Appends a word to out (at *n), with a space before all but the first. */
static void
append_word(char *out, size_t *n, const char *word, size_t length)
{
	if (length == 0)
		return;
	if (*n > 0)
		out[(*n)++] = ' ';
	memcpy(out + *n, word, length);
	*n += length;
}

/*
 * Makes the one-line diagnostic of a reply: drops a leading "smtp;"
 * type, collapses white space, and removes the "550-5.7.26" prefixes of
 * continuation lines, so that "550-5.7.26 a\n550 5.7.26 b" reads
 * "550 5.7.26 a b".  NOTE: a later word equal to the reply code, such as
 * "550" in "error 550", is removed too.
 */
static char *
clean_diagnostic(const char *text, size_t length)
{
	const char *semicolon;
	char *flat, *out, code[4] = "";
	const char *p;
	size_t n = 0;

	while (length > 0 && is_blank(*text)) {
		text++;
		length--;
	}
	semicolon = memchr(text, ';', length);
	/* "smtp; 550 ..." or "X-Postfix; ..." */
	if (semicolon != NULL && (size_t)(semicolon - text) < 20 &&
	    memchr(text, ' ', (size_t)(semicolon - text)) == NULL) {
		length -= (size_t)(semicolon + 1 - text);
		text = semicolon + 1;
	}
	if ((flat = collapse_space(text, length)) == NULL)
		return NULL;
	if ((out = malloc(strlen(flat) + 2)) == NULL) {
		free(flat);
		return NULL;
	}
	if (is_reply_code(flat, strlen(flat)))
		memcpy(code, flat, 3);

	for (p = flat; *p != '\0';) {
		size_t word = strcspn(p, " ");
		const char *rest = p + 4;
		size_t rest_length = word > 4 ? word - 4 : 0;
		int coded = code[0] != '\0' && word >= 3 &&
		    strncmp(p, code, 3) == 0 && (word == 3 || p[3] == '-');

		if (coded && n == 0) {
			/* The first line: "550-5.7.26" becomes "550 5.7.26". */
			append_word(out, &n, p, 3);
			append_word(out, &n, rest, rest_length);
		} else if (coded && word == 3) {
			/* "550 5.7.26" of a continuation line: drop both. */
			p += word;
			while (*p == ' ')
				p++;
			word = strcspn(p, " ");
			if (!word_is_status(p, word))
				word = 0;
		} else if (coded) {
			if (!word_is_status(rest, rest_length))
				append_word(out, &n, rest, rest_length);
		} else {
			append_word(out, &n, p, word);
		}
		p += word;
		while (*p == ' ')
			p++;
	}
	out[n] = '\0';
	free(flat);
	return out;
}

/*
 * Copies the address out of a recipient value: "rfc822; <a@b>" or
 * "a@b (comment)" become "a@b".  Returns NULL when out of memory; an
 * empty value gives "".
 */
static char *
bare_address(const char *value, size_t length)
{
	const char *semicolon = memchr(value, ';', length);
	const char *end;

	if (semicolon != NULL) {
		length -= (size_t)(semicolon + 1 - value);
		value = semicolon + 1;
	}
	while (length > 0 && (is_blank(*value) || *value == '<')) {
		value++;
		length--;
	}
	end = value;
	while ((size_t)(end - value) < length && !is_blank(*end) &&
	    *end != '>' && *end != '(' && *end != ',')
		end++;
	return strndup(value, (size_t)(end - value));
}

/* Copies a field's value, unfolded and trimmed. */
static char *
field_value(const struct ld_header_field *field)
{
	return collapse_space(field->value, field->value_length);
}

/* Copies the host out of "dns; mx.example.net" (RFC 3464 mta-name). */
static char *
mta_name(const struct ld_header_field *field)
{
	char *value = field_value(field);
	char *semicolon;

	if (value == NULL)
		return NULL;
	semicolon = strchr(value, ';');
	if (semicolon != NULL) {
		char *host = semicolon + 1;

		while (*host == ' ')
			host++;
		memmove(value, host, strlen(host) + 1);
	}
	return value;
}

/* Recipients */

static void
recipient_clear(struct ld_dsn_recipient *r)
{
	free(r->final_recipient);
	free(r->original_recipient);
	free(r->diagnostic);
	free(r->remote_mta);
	memset(r, 0, sizeof(*r));
}

/* Appends an empty recipient; NULL when out of memory or when the limit
 * is reached (then recipients_dropped is set). */
static struct ld_dsn_recipient *
add_recipient(struct ld_dsn *dsn, int *nomem)
{
	struct ld_dsn_recipient *grown;

	*nomem = 0;
	if (dsn->recipient_count >= LD_DSN_MAX_RECIPIENTS) {
		dsn->recipients_dropped = 1;
		return NULL;
	}
	grown = realloc(dsn->recipients,
	    (dsn->recipient_count + 1) * sizeof(*grown));
	if (grown == NULL) {
		*nomem = 1;
		return NULL;
	}
	dsn->recipients = grown;
	grown = &dsn->recipients[dsn->recipient_count++];
	memset(grown, 0, sizeof(*grown));
	grown->action = LD_DSN_ACTION_UNKNOWN;
	return grown;
}

static enum ld_dsn_action
parse_action(const char *value)
{
	for (size_t i = 0; i < LD_DSN_ACTION_UNKNOWN; i++) {
		size_t n = strlen(action_names[i]);

		/* RFC 3464 allows a comment after the keyword. */
		if (strncasecmp(value, action_names[i], n) == 0 &&
		    (value[n] == '\0' || value[n] == ' ' || value[n] == '('))
			return (enum ld_dsn_action)i;
	}
	return LD_DSN_ACTION_UNKNOWN;
}

/* Fills what a recipient's fields left open from the others. */
static void
complete_recipient(struct ld_dsn_recipient *r)
{
	if (r->status[0] == '\0' && r->diagnostic != NULL)
		find_status(r->diagnostic, strlen(r->diagnostic), r->status);
	if (r->smtp_code == 0 && r->diagnostic != NULL)
		r->smtp_code = find_reply_code(r->diagnostic,
		    strlen(r->diagnostic));
	if (r->action != LD_DSN_ACTION_UNKNOWN)
		return;
	if (r->status[0] == '5' || (r->status[0] == '\0' && r->smtp_code >= 500))
		r->action = LD_DSN_ACTION_FAILED;
	else if (r->status[0] == '4' ||
	    (r->status[0] == '\0' && r->smtp_code >= 400))
		r->action = LD_DSN_ACTION_DELAYED;
	else if (r->status[0] == '2')
		r->action = LD_DSN_ACTION_DELIVERED;
}

/* Reads one per-recipient block of a delivery-status part. */
static enum ld_status
read_recipient_block(struct ld_dsn *dsn, const char *block, size_t length)
{
	struct ld_header_iter iter;
	struct ld_header_field field;
	struct ld_dsn_recipient *r;
	int nomem;

	if ((r = add_recipient(dsn, &nomem)) == NULL)
		return nomem ? LD_ERR_NOMEM : LD_OK;

	ld_header_iter_init(&iter, block, length);
	while (ld_header_iter_next(&iter, &field)) {
		char **target = NULL;
		char *value;

		if (ld_header_name_is(&field, "Final-Recipient"))
			target = &r->final_recipient;
		else if (ld_header_name_is(&field, "Original-Recipient"))
			target = &r->original_recipient;
		if (target != NULL) {
			free(*target);
			*target = bare_address(field.value, field.value_length);
			if (*target == NULL)
				return LD_ERR_NOMEM;
			continue;
		}

		if (ld_header_name_is(&field, "Remote-MTA")) {
			free(r->remote_mta);
			if ((r->remote_mta = mta_name(&field)) == NULL)
				return LD_ERR_NOMEM;
		} else if (ld_header_name_is(&field, "Diagnostic-Code")) {
			free(r->diagnostic);
			r->diagnostic = clean_diagnostic(field.value,
			    field.value_length);
			if (r->diagnostic == NULL)
				return LD_ERR_NOMEM;
		} else if (ld_header_name_is(&field, "Action")) {
			if ((value = field_value(&field)) == NULL)
				return LD_ERR_NOMEM;
			r->action = parse_action(value);
			free(value);
		} else if (ld_header_name_is(&field, "Status")) {
			find_status(field.value, field.value_length, r->status);
		}
	}
	complete_recipient(r);
	return LD_OK;
}

/* Returns the offset of the line after pos, or length. */
static size_t
next_line(const char *text, size_t length, size_t pos)
{
	const char *nl = memchr(text + pos, '\n', length - pos);

	return nl != NULL ? (size_t)(nl - text) + 1 : length;
}

/* Returns 1 when the line at pos holds only white space. */
static int
line_is_blank(const char *text, size_t length, size_t pos)
{
	for (; pos < length && text[pos] != '\n'; pos++)
		if (text[pos] != ' ' && text[pos] != '\t' && text[pos] != '\r')
			return 0;
	return 1;
}

/*
 * Reads the body of a delivery-status part: blocks of fields separated
 * by blank lines, the per-message block first.  A block that names a
 * recipient is a recipient block, also when a broken report has no blank
 * line after its per-message fields.
 */
static enum ld_status
read_status_part(struct ld_dsn *dsn, const char *text, size_t length)
{
	size_t pos = 0;

	while (pos < length) {
		struct ld_header_iter iter;
		struct ld_header_field field;
		size_t end;
		int names_recipient = 0;
		enum ld_status status;

		while (pos < length && line_is_blank(text, length, pos))
			pos = next_line(text, length, pos);
		if (pos >= length)
			break;
		for (end = pos; end < length && !line_is_blank(text, length, end);)
			end = next_line(text, length, end);

		ld_header_iter_init(&iter, text + pos, end - pos);
		while (ld_header_iter_next(&iter, &field)) {
			if (ld_header_name_is(&field, "Reporting-MTA") &&
			    dsn->reporting_mta == NULL) {
				if ((dsn->reporting_mta = mta_name(&field)) == NULL)
					return LD_ERR_NOMEM;
			}
			if (ld_header_name_is(&field, "Final-Recipient") ||
			    ld_header_name_is(&field, "Original-Recipient"))
				names_recipient = 1;
		}
		if (names_recipient) {
			status = read_recipient_block(dsn, text + pos, end - pos);
			if (status != LD_OK)
				return status;
		}
		pos = end;
	}
	return LD_OK;
}

/* Text bounces */

/* Returns 1 when the line announces the returned copy of the message. */
static int
is_copy_marker(const char *line, size_t length)
{
	static const char *const phrases[] = {
		"copy of", "original message", "returned message",
		"undelivered message", "message follows",
	};
	char buf[200];

	while (length > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		length--;
	}
	if (length < 3 || strncmp(line, "---", 3) != 0)
		return 0;
	if (length >= sizeof(buf))
		length = sizeof(buf) - 1;
	memcpy(buf, line, length);
	buf[length] = '\0';
	for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (strcasestr(buf, phrases[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Returns the length of the address that starts a bounce line, or 0:
 * "<a@b>: ..." (qmail, Postfix) at any indent, or a bare "a@b", alone
 * or before a colon, on an indented line (Exim).  *start_r is set to
 * the address.
 */
static size_t
line_address(const char *line, size_t length, const char **start_r)
{
	size_t indent = 0, n = 0;
	int bracket, at = 0;

	while (indent < length && (line[indent] == ' ' || line[indent] == '\t'))
		indent++;
	line += indent;
	length -= indent;
	bracket = length > 0 && line[0] == '<';
	if (!bracket && indent == 0)
		return 0;
	*start_r = line + bracket;
	for (n = bracket; n < length; n++) {
		unsigned char c = (unsigned char)line[n];

		if (c == '@')
			at++;
		if (c <= ' ' || c == '>' || c == '<' || c == ':' || c == '"' ||
		    c == '(' || c == ',')
			break;
	}
	if (at != 1 || n == (size_t)bracket)
		return 0;
	if (bracket && (n >= length || line[n] != '>'))
		return 0;
	/* What follows must be the end of the line or a colon. */
	{
		size_t after = n + bracket;

		while (after < length && (line[after] == '\r' ||
		    line[after] == ' ' || line[after] == '\t'))
			after++;
		if (after < length && line[after] != ':' && line[after] != '\n')
			return 0;
	}
	return n - (size_t)bracket;
}

/* Copies the header block that starts at the first non-blank line. */
static enum ld_status
copy_returned_header(struct ld_dsn *dsn, const char *text, size_t length)
{
	size_t pos = 0, end;

	while (pos < length && line_is_blank(text, length, pos))
		pos = next_line(text, length, pos);
	for (end = pos; end < length && !line_is_blank(text, length, end);)
		end = next_line(text, length, end);
	if (end == pos)
		return LD_OK;
	free(dsn->returned_header);
	dsn->returned_header = strndup(text + pos, end - pos);
	if (dsn->returned_header == NULL)
		return LD_ERR_NOMEM;
	/* strndup() stops at a NUL byte inside the block. */
	dsn->returned_header_length = strlen(dsn->returned_header);
	return LD_OK;
}

/* The explanation text gathered for one recipient of a text bounce. */
struct text_span {
	size_t start;
	size_t end;
};

static enum ld_status
finish_text_recipient(struct ld_dsn_recipient *r, const char *text,
    struct text_span span, enum ld_dsn_action action)
{
	const char *p = text + span.start;
	size_t length = span.end - span.start;
	unsigned code = find_reply_code(p, length);

	find_status(p, length, r->status);
	r->smtp_code = code;
	/* The diagnostic starts at the receiver's reply when there is one. */
	for (size_t i = 0; code != 0 && i + 3 <= length; i++) {
		if ((i == 0 || is_blank(p[i - 1]) || p[i - 1] == ':') &&
		    is_reply_code(p + i, length - i) &&
		    (unsigned)strtoul(p + i, NULL, 10) == code) {
			p += i;
			length -= i;
			break;
		}
	}
	if (length > 0 && (r->diagnostic = clean_diagnostic(p, length)) == NULL)
		return LD_ERR_NOMEM;
	if (r->diagnostic != NULL && r->diagnostic[0] == '\0') {
		free(r->diagnostic);
		r->diagnostic = NULL;
	}
	r->action = action;
	return LD_OK;
}

/*
 * Reads a plain-text bounce: each recipient is a line that starts with
 * its address, and the lines after it up to a blank line or the next
 * address explain the failure.  Reading stops at the line that
 * announces the returned copy, whose header block is kept.
 */
static enum ld_status
read_text_bounce(struct ld_dsn *dsn, const char *text, size_t length,
    enum ld_dsn_action action)
{
	struct text_span spans[LD_DSN_MAX_RECIPIENTS];
	size_t first = dsn->recipient_count;
	size_t pos = 0;
	int current = 0, nomem;
	enum ld_status status = LD_OK;

	while (pos < length) {
		size_t end = next_line(text, length, pos);
		const char *address = NULL;
		size_t address_length, start;
		struct ld_dsn_recipient *r;

		if (is_copy_marker(text + pos, end - pos)) {
			status = copy_returned_header(dsn, text + end, length - end);
			break;
		}
		if (line_is_blank(text, length, pos)) {
			current = 0;
		} else if ((address_length = line_address(text + pos, end - pos,
		    &address)) > 0) {
			r = add_recipient(dsn, &nomem);
			if (r == NULL && nomem)
				return LD_ERR_NOMEM;
			current = r != NULL;
			if (r != NULL) {
				r->final_recipient = strndup(address, address_length);
				if (r->final_recipient == NULL)
					return LD_ERR_NOMEM;
				/* The explanation may start on the same line,
				 * after "<address>:". */
				start = (size_t)(address - text) + address_length;
				while (start < end && (text[start] == '>' ||
				    text[start] == ':'))
					start++;
				spans[dsn->recipient_count - 1 - first] =
				    (struct text_span){ start, end };
			}
		} else if (current) {
			spans[dsn->recipient_count - 1 - first].end = end;
		}
		pos = end;
	}

	for (size_t i = first; i < dsn->recipient_count && status == LD_OK; i++)
		status = finish_text_recipient(&dsn->recipients[i], text,
		    spans[i - first], action);
	return status;
}

/* Finds the host in "This is the qmail-send program at HOST." or
 * "This is the mail system at host HOST." */
static enum ld_status
text_reporting_mta(struct ld_dsn *dsn, const char *text)
{
	static const char *const intros[] = {
		"program at ", "mail system at host ",
	};

	for (size_t i = 0; i < sizeof(intros) / sizeof(intros[0]); i++) {
		const char *p = strcasestr(text, intros[i]);
		size_t n;

		if (p == NULL)
			continue;
		p += strlen(intros[i]);
		n = strcspn(p, " \t\r\n");
		while (n > 0 && p[n - 1] == '.')
			n--;
		if (n == 0)
			continue;
		if ((dsn->reporting_mta = strndup(p, n)) == NULL)
			return LD_ERR_NOMEM;
		return LD_OK;
	}
	return LD_OK;
}

/* The message as a whole */

/* Facts from the top-level header fields of a message. */
struct message_facts {
	int from_daemon;	/* From: MAILER-DAEMON, postmaster, ... */
	int null_sender;	/* Return-Path: <> */
	int bounce_subject;	/* a subject that bounces use */
	int delay_subject;	/* "Delayed Mail", "Warning: message ... delayed" */
	char *references;	/* owned */
	char *from_domain;	/* owned */
};

static int
contains_any(const char *text, const char *const *needles, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcasestr(text, needles[i]) != NULL)
			return 1;
	return 0;
}

static enum ld_status
append_reference(struct message_facts *facts, const char *value)
{
	size_t old = facts->references != NULL ? strlen(facts->references) : 0;
	char *grown = realloc(facts->references, old + strlen(value) + 2);

	if (grown == NULL)
		return LD_ERR_NOMEM;
	if (old > 0)
		grown[old++] = ' ';
	strcpy(grown + old, value);
	facts->references = grown;
	return LD_OK;
}

static enum ld_status
read_from(struct message_facts *facts, const char *value)
{
	static const char *const daemons[] = {
		"mailer-daemon@", "postmaster@", "mail delivery subsystem",
		"mail delivery system",
	};
	const char *at = strrchr(value, '@');

	facts->from_daemon = contains_any(value, daemons,
	    sizeof(daemons) / sizeof(daemons[0]));
	if (at != NULL) {
		size_t n = strcspn(at + 1, "> \t)");

		if ((facts->from_domain = strndup(at + 1, n)) == NULL)
			return LD_ERR_NOMEM;
	}
	return LD_OK;
}

static enum ld_status
read_facts(const char *message, size_t length, struct message_facts *facts)
{
	static const char *const bounce_subjects[] = {
		"failure notice", "undeliver", "delivery status notification",
		"mail delivery failed", "returned mail", "delivery failure",
		"could not be delivered", "delivery has failed", "delayed mail",
		"delivery delayed", "warning: message",
	};
	static const char *const delay_subjects[] = {
		"delay", "warning: message",
	};
	struct ld_header_iter iter;
	struct ld_header_field field;

	ld_header_iter_init(&iter, message, length);
	while (ld_header_iter_next(&iter, &field)) {
		enum ld_status status = LD_OK;
		char *value;

		if (!ld_header_name_is(&field, "From") &&
		    !ld_header_name_is(&field, "Return-Path") &&
		    !ld_header_name_is(&field, "Subject") &&
		    !ld_header_name_is(&field, "In-Reply-To") &&
		    !ld_header_name_is(&field, "References"))
			continue;
		if ((value = field_value(&field)) == NULL)
			return LD_ERR_NOMEM;
		if (ld_header_name_is(&field, "From") && facts->from_domain == NULL) {
			status = read_from(facts, value);
		} else if (ld_header_name_is(&field, "Return-Path")) {
			facts->null_sender = strcmp(value, "<>") == 0;
		} else if (ld_header_name_is(&field, "Subject")) {
			facts->bounce_subject = contains_any(value, bounce_subjects,
			    sizeof(bounce_subjects) / sizeof(bounce_subjects[0]));
			facts->delay_subject = contains_any(value, delay_subjects,
			    sizeof(delay_subjects) / sizeof(delay_subjects[0]));
		} else if (ld_header_name_is(&field, "In-Reply-To") ||
		    ld_header_name_is(&field, "References")) {
			status = append_reference(facts, value);
		}
		free(value);
		if (status != LD_OK)
			return status;
	}
	return LD_OK;
}

/* Returns 1 when the part's content type is type/subtype (either may be
 * NULL to match any). */
static int
content_is(const struct mailmime *part, const char *type, const char *subtype)
{
	const struct mailmime_content *ct = part->mm_content_type;
	const char *name = NULL;

	if (ct == NULL || ct->ct_type == NULL)
		return 0;
	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		const struct mailmime_discrete_type *d =
		    ct->ct_type->tp_data.tp_discrete_type;

		switch (d->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT:
			name = "text";
			break;
		case MAILMIME_DISCRETE_TYPE_APPLICATION:
			name = "application";
			break;
		case MAILMIME_DISCRETE_TYPE_EXTENSION:
			name = d->dt_extension;
			break;
		default:
			name = "other";
			break;
		}
	} else if (ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
		const struct mailmime_composite_type *c =
		    ct->ct_type->tp_data.tp_composite_type;

		name = c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE ? "message" :
		    c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART ? "multipart" :
		    c->ct_token;
	}
	if (name == NULL || (type != NULL && strcasecmp(name, type) != 0))
		return 0;
	return subtype == NULL || (ct->ct_subtype != NULL &&
	    strcasecmp(ct->ct_subtype, subtype) == 0);
}

/* Copies a part's body with its transfer encoding undone; NULL when the
 * part has no body or when out of memory (*nomem set). */
static char *
part_text(const struct mailmime *part, size_t *length_r, int *nomem)
{
	const struct mailmime_data *body = part->mm_body;
	const char *data;
	size_t length, index = 0;
	char *decoded = NULL, *copy;
	size_t decoded_length = 0;

	*nomem = 0;
	*length_r = 0;
	if (body == NULL || body->dt_type != MAILMIME_DATA_TEXT)
		return NULL;
	data = body->dt_data.dt_text.dt_data;
	length = body->dt_data.dt_text.dt_length;

	if (body->dt_encoded && (body->dt_encoding == MAILMIME_MECHANISM_BASE64 ||
	    body->dt_encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE) &&
	    mailmime_part_parse(data, length, &index, body->dt_encoding,
	    &decoded, &decoded_length) == MAILIMF_NO_ERROR) {
		data = decoded;
		length = decoded_length;
	}
	copy = malloc(length + 1);
	if (copy != NULL) {
		memcpy(copy, data, length);
		copy[length] = '\0';
		*length_r = length;
	} else {
		*nomem = 1;
	}
	if (decoded != NULL)
		mailmime_decoded_part_free(decoded);
	return copy;
}

/* The parts of a report that landed reads; all borrowed. */
struct report_parts {
	const struct mailmime *status;		/* message/delivery-status */
	const struct mailmime *returned;	/* message/rfc822 or headers */
	const struct mailmime *text;		/* first text/plain */
};

static void
find_parts(const struct mailmime *part, int depth, struct report_parts *found)
{
	if (part == NULL || depth > MAX_PART_DEPTH)
		return;
	if (part->mm_type == MAILMIME_MULTIPLE) {
		for (clistiter *it = clist_begin(part->mm_data.mm_multipart.mm_mp_list);
		    it != NULL; it = clist_next(it))
			find_parts(clist_content(it), depth + 1, found);
		return;
	}
	if (content_is(part, "message", "delivery-status") ||
	    content_is(part, "message", "global-delivery-status")) {
		if (found->status == NULL)
			found->status = part;
	} else if (content_is(part, "message", "rfc822") ||
	    content_is(part, "message", "global") ||
	    content_is(part, "text", "rfc822-headers") ||
	    content_is(part, "message", "global-headers")) {
		/* Not entered: its parts belong to the returned message. */
		if (found->returned == NULL)
			found->returned = part;
	} else if (content_is(part, "text", "plain") && found->text == NULL) {
		found->text = part;
	}
}

static enum ld_status
read_part(struct ld_dsn *dsn, const struct mailmime *part,
    enum ld_status (*reader)(struct ld_dsn *, const char *, size_t))
{
	size_t length;
	int nomem;
	char *text = part_text(part, &length, &nomem);
	enum ld_status status;

	if (text == NULL)
		return nomem ? LD_ERR_NOMEM : LD_OK;
	status = reader(dsn, text, length);
	free(text);
	return status;
}

static enum ld_status
read_text_failed(struct ld_dsn *dsn, const char *text, size_t length)
{
	return read_text_bounce(dsn, text, length, LD_DSN_ACTION_FAILED);
}

static enum ld_status
read_text_delayed(struct ld_dsn *dsn, const char *text, size_t length)
{
	return read_text_bounce(dsn, text, length, LD_DSN_ACTION_DELAYED);
}

/* Returns 1 when the body of a text bounce reports that delivery
 * attempts continue. */
static int
text_says_delayed(const struct mailmime *part)
{
	static const char *const phrases[] = {
		"not yet been delivered", "will continue trying",
		"will keep trying", "delivery attempts will continue",
	};
	size_t length;
	int nomem, delayed;
	char *text = part_text(part, &length, &nomem);

	if (text == NULL)
		return 0;
	delayed = contains_any(text, phrases, sizeof(phrases) /
	    sizeof(phrases[0]));
	free(text);
	return delayed;
}

static enum ld_status
read_text_message(struct ld_dsn *dsn, const struct report_parts *parts,
    const struct message_facts *facts)
{
	int delayed = facts->delay_subject || text_says_delayed(parts->text);
	size_t length;
	int nomem;
	char *text;
	enum ld_status status;

	dsn->format = LD_DSN_FORMAT_TEXT;
	status = read_part(dsn, parts->text, delayed ? read_text_delayed :
	    read_text_failed);
	if (status != LD_OK || dsn->reporting_mta != NULL)
		return status;

	text = part_text(parts->text, &length, &nomem);
	if (text == NULL)
		return nomem ? LD_ERR_NOMEM : LD_OK;
	status = text_reporting_mta(dsn, text);
	free(text);
	if (status == LD_OK && dsn->reporting_mta == NULL &&
	    facts->from_domain != NULL &&
	    (dsn->reporting_mta = strdup(facts->from_domain)) == NULL)
		status = LD_ERR_NOMEM;
	return status;
}

static enum ld_status
read_returned(struct ld_dsn *dsn, const char *text, size_t length)
{
	if (dsn->returned_header != NULL)
		return LD_OK;
	return copy_returned_header(dsn, text, length);
}

/* Reads the parsed message into dsn; LD_ERR_NOT_FOUND when no bounce. */
static enum ld_status
read_message(struct ld_dsn *dsn, const struct mailmime *root,
    const struct message_facts *facts)
{
	const struct mailmime *body = root;
	struct report_parts parts = { 0 };
	int report = 0;
	enum ld_status status;

	if (root->mm_type == MAILMIME_MESSAGE)
		body = root->mm_data.mm_message.mm_msg_mime;
	if (body == NULL)
		return LD_ERR_NOT_FOUND;
	if (content_is(body, "multipart", "report")) {
		char *type = mailmime_content_param_get(body->mm_content_type,
		    (char *)"report-type");

		if (type == NULL || (strcasecmp(type, "delivery-status") != 0 &&
		    strcasecmp(type, "global-delivery-status") != 0))
			return LD_ERR_NOT_FOUND;
		report = 1;
	} else if (!facts->from_daemon &&
	    !(facts->null_sender && facts->bounce_subject)) {
		return LD_ERR_NOT_FOUND;
	}

	find_parts(body, 0, &parts);
	if (report && parts.status != NULL) {
		dsn->format = LD_DSN_FORMAT_RFC3464;
		status = read_part(dsn, parts.status, read_status_part);
	} else if (parts.text != NULL) {
		status = read_text_message(dsn, &parts, facts);
	} else {
		return LD_ERR_NOT_FOUND;
	}
	if (status == LD_OK && parts.returned != NULL)
		status = read_part(dsn, parts.returned, read_returned);
	return status;
}

/*
 * Counts the Content-Type fields that open a nested message or a
 * multipart, anywhere in the text.  libetpan's MIME parser recurses once
 * per nesting level, so thousands of levels overflow the stack before any
 * depth check on the parsed tree can run.  This count is an upper bound
 * of the depth, read without parsing.
 */
static size_t
count_container_types(const char *message, size_t length)
{
	static const char *const needles[] = { "message/rfc822", "multipart/",
	    "message/global" };
	size_t count = 0;

	for (size_t i = 0; i < length; i++) {
		for (size_t n = 0; n < sizeof(needles) / sizeof(needles[0]); n++) {
			size_t needle_length = strlen(needles[n]);

			if (length - i >= needle_length &&
			    strncasecmp(message + i, needles[n], needle_length) == 0)
				count++;
		}
	}
	return count;
}

enum ld_status
ld_dsn_parse(const char *message, size_t length, struct ld_dsn **dsn_r,
    struct ld_error *err)
{
	struct message_facts facts = { 0 };
	struct mailmime *root = NULL;
	struct ld_dsn *dsn;
	size_t index = 0;
	enum ld_status status;

	*dsn_r = NULL;
	if (length > LD_DSN_MAX_MESSAGE_BYTES)
		return ld_error_set(err, LD_ERR_LIMIT, "message of %zu bytes is "
		    "larger than the %d bytes a bounce is read from", length,
		    LD_DSN_MAX_MESSAGE_BYTES);
	if ((dsn = calloc(1, sizeof(*dsn))) == NULL)
		return ld_error_set(err, LD_ERR_NOMEM, "out of memory");

	status = read_facts(message, length, &facts);
	if (status != LD_OK)
		goto out;
	if (count_container_types(message, length) > MAX_CONTAINER_TYPES) {
		status = ld_error_set(err, LD_ERR_LIMIT, "the message names more "
		    "than %d nested messages or multiparts, more than any "
		    "bounce has; it was not parsed", MAX_CONTAINER_TYPES);
		goto out;
	}
	if (mailmime_parse(message, length, &index, &root) != MAILIMF_NO_ERROR ||
	    root == NULL) {
		status = ld_error_set(err, LD_ERR_SYNTAX, "the MIME structure of "
		    "the message cannot be parsed");
		goto out;
	}
	status = read_message(dsn, root, &facts);
	if (status == LD_OK && facts.references != NULL) {
		dsn->references = facts.references;
		facts.references = NULL;
	}

out:
	if (status == LD_ERR_NOMEM)
		ld_error_set(err, status, "out of memory");
	else if (status == LD_ERR_NOT_FOUND)
		ld_error_set(err, status, "the message is not a bounce");
	if (root != NULL)
		mailmime_free(root);
	free(facts.references);
	free(facts.from_domain);
	if (status != LD_OK)
		ld_dsn_free(&dsn);
	*dsn_r = dsn;
	return status;
}

void
ld_dsn_free(struct ld_dsn **dsn)
{
	if (dsn == NULL || *dsn == NULL)
		return;
	for (size_t i = 0; i < (*dsn)->recipient_count; i++)
		recipient_clear(&(*dsn)->recipients[i]);
	free((*dsn)->recipients);
	free((*dsn)->reporting_mta);
	free((*dsn)->returned_header);
	free((*dsn)->references);
	free(*dsn);
	*dsn = NULL;
}
