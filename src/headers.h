/*
 * Reading the header fields of a message (RFC 5322 section 2.2).
 *
 * A header block ends at the first empty line or at the end of input, and
 * lines may end in CRLF or LF.  A line that starts with a space or tab
 * continues the previous field.  Lines that are not fields (no colon, or
 * an mbox "From " line) are skipped.
 */
#ifndef LANDED_HEADERS_H
#define LANDED_HEADERS_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

/* Maximum size of one field, name and folded value included. */
#define LD_HEADER_MAX_FIELD_BYTES	(64 * 1024)

/*
 * One header field.  The pointers are borrowed from the buffer that was
 * read and are not NUL-terminated.  value is the text after the colon,
 * still folded, without the line break that ends the field.
 */
struct ld_header_field {
	const char *name;
	size_t name_length;
	const char *value;
	size_t value_length;
	size_t offset;		/* byte offset of the field in the input */
	size_t length;		/* bytes of the field, final line break excluded */
};

/* Iterator over the fields of a header block held in memory. */
struct ld_header_iter {
	const char *buffer;
	size_t length;
	size_t position;
};

void ld_header_iter_init(struct ld_header_iter *iter, const char *buffer,
    size_t length);

/*
 * Stores the next field in *field and returns 1, or returns 0 at the end
 * of the header block.  Fields are not limited in size here.
 */
int ld_header_iter_next(struct ld_header_iter *iter,
    struct ld_header_field *field);

/*
 * Streaming reader over a FILE*, holding at most one field in memory.
 */
struct ld_header_reader;

/* Returns a new reader over fp (borrowed), or NULL when out of memory. */
struct ld_header_reader *ld_header_reader_new(FILE *fp);

/*
 * Reads the next field.  Returns 1 with *field valid until the next call,
 * 0 at the end of the header block, or -1 with err set:
 *   LD_ERR_LIMIT  the field is longer than LD_HEADER_MAX_FIELD_BYTES.  Its
 *                 name is in *field when the name itself fit, value and
 *                 value_length are then the start of the value that was
 *                 kept (the field's first LD_HEADER_MAX_FIELD_BYTES bytes
 *                 or more), else value is NULL.  length is the full size.
 *                 The field has been consumed, and the next call reads
 *                 the following field.
 *   LD_ERR_IO     reading failed; the reader is done.
 */
int ld_header_reader_next(struct ld_header_reader *reader,
    struct ld_header_field *field, struct ld_error *err);

/*
 * Limits each read from the FILE* to bytes (1 to 64 KiB), so that tests
 * can split the input at every byte.
 */
void ld_header_reader_set_read_size(struct ld_header_reader *reader,
    size_t bytes);

/* Bytes consumed from the FILE* so far. */
size_t ld_header_reader_offset(const struct ld_header_reader *reader);

/* Frees *reader (which may be NULL) and sets it to NULL. */
void ld_header_reader_free(struct ld_header_reader **reader);

/*
 * Unfolds a field value: removes every CRLF or LF that is followed by a
 * space or tab, keeping the space or tab.  out must have room for length
 * bytes and may be the same as in.  Returns the unfolded length.
 */
size_t ld_header_unfold(const char *in, size_t length, char *out);

/* Returns whether a field's name equals name, ignoring case. */
int ld_header_name_is(const struct ld_header_field *field, const char *name);

#endif
