/*
 * Header field reader: an iterator over a block in memory and a streaming
 * reader over a FILE* that keeps at most one field in memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "headers.h"

#define READ_CHUNK	65536

struct ld_header_reader {
	FILE *fp;
	char in[READ_CHUNK];
	size_t in_position;
	size_t in_length;
	size_t offset;		/* bytes consumed from fp */
	size_t read_size;	/* bytes requested per fread() */
	int done;

	char *field;		/* LD_HEADER_MAX_FIELD_BYTES + 2 bytes */
	size_t stored;		/* bytes of the field held in field[] */
	size_t total;		/* bytes of the field read, held or not */
	char last[2];		/* the last two bytes read of the field */
};

static int
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* Returns the length of a line break that ends text[0..length), or 0. */
static size_t
line_break_length(const char *text, size_t length)
{
	if (length >= 2 && text[length - 2] == '\r' && text[length - 1] == '\n')
		return 2;
	if (length >= 1 && text[length - 1] == '\n')
		return 1;
	return 0;
}

/*
 * Splits a field (text without its final line break) into name and value.
 * Returns 0 when the text is not a field: no colon, an empty name, or a
 * name with a space or control character (an mbox "From " line).
 */
static int
split_field(const char *text, size_t length, struct ld_header_field *field)
{
	const char *colon;
	size_t name_length, i;

	colon = memchr(text, ':', length);
	if (colon == NULL)
		return 0;

	/* RFC 5322 obsolete syntax allows white space before the colon. */
	name_length = (size_t)(colon - text);
	while (name_length > 0 && is_wsp((unsigned char)text[name_length - 1]))
		name_length--;
	if (name_length == 0)
		return 0;
	for (i = 0; i < name_length; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c <= 32 || c >= 127)
			return 0;
	}

	field->name = text;
	field->name_length = name_length;
	field->value = colon + 1;
	field->value_length = length - (size_t)(colon + 1 - text);
	return 1;
}

void
ld_header_iter_init(struct ld_header_iter *iter, const char *buffer,
    size_t length)
{
	iter->buffer = buffer;
	iter->length = length;
	iter->position = 0;
}

/* Returns the offset just past the line that starts at position. */
static size_t
iter_line_end(const struct ld_header_iter *iter, size_t position)
{
	const char *newline;

	newline = memchr(iter->buffer + position, '\n',
	    iter->length - position);
	if (newline == NULL)
		return iter->length;
	return (size_t)(newline - iter->buffer) + 1;
}

int
ld_header_iter_next(struct ld_header_iter *iter, struct ld_header_field *field)
{
	const char *buffer = iter->buffer;
	size_t start, end, length;

	while (iter->position < iter->length) {
		start = iter->position;
		end = iter_line_end(iter, start);

		/* An empty line ends the header block. */
		if (end - start == line_break_length(buffer + start, end - start)) {
			iter->position = iter->length;
			return 0;
		}

		/* Take in the continuation lines. */
		while (end < iter->length && is_wsp((unsigned char)buffer[end]))
			end = iter_line_end(iter, end);
		iter->position = end;

		/* A continuation line before any field is skipped. */
		if (is_wsp((unsigned char)buffer[start]))
			continue;

		length = end - start;
		length -= line_break_length(buffer + start, length);
		if (!split_field(buffer + start, length, field))
			continue;
		field->offset = start;
		field->length = length;
		return 1;
	}
	return 0;
}

struct ld_header_reader *
ld_header_reader_new(FILE *fp)
{
	struct ld_header_reader *reader;

	reader = calloc(1, sizeof(*reader));
	if (reader == NULL)
		return NULL;
	reader->field = malloc(LD_HEADER_MAX_FIELD_BYTES + 2);
	if (reader->field == NULL) {
		free(reader);
		return NULL;
	}
	reader->fp = fp;
	reader->read_size = READ_CHUNK;
	return reader;
}

void
ld_header_reader_free(struct ld_header_reader **reader)
{
	if (reader == NULL || *reader == NULL)
		return;
	free((*reader)->field);
	free(*reader);
	*reader = NULL;
}

void
ld_header_reader_set_read_size(struct ld_header_reader *reader, size_t bytes)
{
	if (bytes == 0 || bytes > READ_CHUNK)
		bytes = READ_CHUNK;
	reader->read_size = bytes;
}

size_t
ld_header_reader_offset(const struct ld_header_reader *reader)
{
	return reader->offset;
}

/*
 * Returns the next input byte without consuming it, -1 at the end of
 * input, or -2 when reading failed.
 */
static int
reader_peek(struct ld_header_reader *reader)
{
	if (reader->in_position == reader->in_length) {
		reader->in_position = 0;
		reader->in_length = fread(reader->in, 1, reader->read_size,
		    reader->fp);
		if (reader->in_length == 0)
			return ferror(reader->fp) ? -2 : -1;
	}
	return (unsigned char)reader->in[reader->in_position];
}

/* Appends bytes to the field, keeping at most the buffer's size. */
static void
reader_append(struct ld_header_reader *reader, const char *bytes,
    size_t length)
{
	size_t room = LD_HEADER_MAX_FIELD_BYTES + 2 - reader->stored;
	size_t copy = length < room ? length : room;

	memcpy(reader->field + reader->stored, bytes, copy);
	reader->stored += copy;
	reader->total += length;
	if (length >= 2) {
		reader->last[0] = bytes[length - 2];
		reader->last[1] = bytes[length - 1];
	} else if (length == 1) {
		reader->last[0] = reader->last[1];
		reader->last[1] = bytes[0];
	}
}

/* Consumes one line, line break included.  Returns 0, or -2 on error. */
static int
reader_read_line(struct ld_header_reader *reader)
{
	const char *start, *newline;
	size_t available, length;
	int c;

	for (;;) {
		c = reader_peek(reader);
		if (c == -1)
			return 0;
		if (c == -2)
			return -2;

		start = reader->in + reader->in_position;
		available = reader->in_length - reader->in_position;
		newline = memchr(start, '\n', available);
		length = newline != NULL ? (size_t)(newline - start) + 1 :
		    available;
		reader_append(reader, start, length);
		reader->in_position += length;
		reader->offset += length;
		if (newline != NULL)
			return 0;
	}
}

/* Returns the size of the line break that ends the field read so far. */
static size_t
reader_break_length(const struct ld_header_reader *reader)
{
	if (reader->total >= 2 && reader->last[0] == '\r' &&
	    reader->last[1] == '\n')
		return 2;
	if (reader->total >= 1 && reader->last[1] == '\n')
		return 1;
	return 0;
}

/* Reads one field with its continuation lines.  Returns 0, or -2. */
static int
reader_read_field(struct ld_header_reader *reader)
{
	int c;

	reader->stored = 0;
	reader->total = 0;
	if (reader_read_line(reader) != 0)
		return -2;
	/* An empty line ends the block and takes no continuation lines. */
	if (reader->total == reader_break_length(reader))
		return 0;
	for (;;) {
		c = reader_peek(reader);
		if (c == -2)
			return -2;
		if (c < 0 || !is_wsp(c))
			return 0;
		if (reader_read_line(reader) != 0)
			return -2;
	}
}

static int
reader_io_error(struct ld_header_reader *reader, struct ld_error *err)
{
	reader->done = 1;
	ld_error_set(err, LD_ERR_IO, "reading the message failed: %s",
	    strerror(errno));
	return -1;
}

/* Reports a field over the limit, with its name and the start of its
 * value when the name fit. */
static int
reader_limit_error(struct ld_header_reader *reader, size_t start,
    size_t length, struct ld_header_field *field, struct ld_error *err)
{
	size_t kept_length = reader->stored < length ? reader->stored : length;

	memset(field, 0, sizeof(*field));
	if (!split_field(reader->field, kept_length, field)) {
		field->name = NULL;
		field->name_length = 0;
		field->value = NULL;
		field->value_length = 0;
	}
	field->offset = start;
	field->length = length;
	ld_error_set(err, LD_ERR_LIMIT, "header field at byte %zu is %zu "
	    "bytes long, over the limit of %d bytes", start, length,
	    LD_HEADER_MAX_FIELD_BYTES);
	return -1;
}

int
ld_header_reader_next(struct ld_header_reader *reader,
    struct ld_header_field *field, struct ld_error *err)
{
	size_t start, length;
	int c;

	while (!reader->done) {
		c = reader_peek(reader);
		if (c == -2)
			return reader_io_error(reader, err);
		if (c == -1)
			break;

		start = reader->offset;
		if (reader_read_field(reader) != 0)
			return reader_io_error(reader, err);
		length = reader->total - reader_break_length(reader);

		/* An empty line ends the header block. */
		if (length == 0)
			break;
		/* A continuation line before any field is skipped. */
		if (is_wsp((unsigned char)reader->field[0]))
			continue;
		if (length > LD_HEADER_MAX_FIELD_BYTES)
			return reader_limit_error(reader, start, length, field,
			    err);
		if (!split_field(reader->field, length, field))
			continue;
		field->offset = start;
		field->length = length;
		return 1;
	}
	reader->done = 1;
	return 0;
}

size_t
ld_header_unfold(const char *in, size_t length, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < length; i++) {
		if (in[i] == '\r' && i + 2 < length && in[i + 1] == '\n' &&
		    is_wsp((unsigned char)in[i + 2])) {
			i++;
			continue;
		}
		if (in[i] == '\n' && i + 1 < length &&
		    is_wsp((unsigned char)in[i + 1]))
			continue;
		out[n++] = in[i];
	}
	return n;
}

int
ld_header_name_is(const struct ld_header_field *field, const char *name)
{
	size_t length = strlen(name);

	return field->name != NULL && field->name_length == length &&
	    strncasecmp(field->name, name, length) == 0;
}
