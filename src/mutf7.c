/*
 * Modified UTF-7 codec for IMAP mailbox names (RFC 3501 section 5.1.3,
 * which builds on UTF-7 in RFC 2152).  The decoder is strict: a name has
 * exactly one valid encoding, so anything else is rejected.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mutf7.h"

/* A growing output string.  failed is set once an allocation fails. */
struct mutf7_buffer {
	char *data;
	size_t length;
	size_t size;
	int failed;
};

static const char mutf7_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static void
buffer_add(struct mutf7_buffer *buf, char c)
{
	if (buf->failed)
		return;
	if (buf->length + 2 > buf->size) {
		size_t size = buf->size == 0 ? 64 : buf->size * 2;
		char *data = realloc(buf->data, size);

		if (data == NULL) {
			buf->failed = 1;
			return;
		}
		buf->data = data;
		buf->size = size;
	}
	buf->data[buf->length++] = c;
	buf->data[buf->length] = '\0';
}

static enum ld_status
buffer_finish(struct mutf7_buffer *buf, char **result_r, struct ld_error *err)
{
	if (!buf->failed && buf->data == NULL)
		buf->data = strdup("");
	if (buf->failed || buf->data == NULL) {
		free(buf->data);
		return ld_error_set(err, LD_ERR_NOMEM,
		    "out of memory while converting a mailbox name");
	}
	*result_r = buf->data;
	return LD_OK;
}

static int
base64_value(unsigned char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(mutf7_alphabet, c);
	return p == NULL ? -1 : (int)(p - mutf7_alphabet);
}

static void
put_utf8(struct mutf7_buffer *buf, uint32_t cp)
{
	if (cp < 0x80) {
		buffer_add(buf, (char)cp);
	} else if (cp < 0x800) {
		buffer_add(buf, (char)(0xc0 | (cp >> 6)));
		buffer_add(buf, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buffer_add(buf, (char)(0xe0 | (cp >> 12)));
		buffer_add(buf, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buffer_add(buf, (char)(0x80 | (cp & 0x3f)));
	} else {
		buffer_add(buf, (char)(0xf0 | (cp >> 18)));
		buffer_add(buf, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buffer_add(buf, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buffer_add(buf, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Decodes the base64 run that starts at in[*pos] (just after "&") up to
 * its "-", appends the UTF-8 text to buf and leaves *pos after the "-".
 * Returns NULL or a description of what is wrong.
 */
static const char *
decode_run(const char *in, size_t *pos, struct mutf7_buffer *buf)
{
	uint32_t bits = 0;
	unsigned nbits = 0;
	uint32_t high = 0;	/* pending high surrogate, or 0 */
	size_t units = 0;
	size_t i = *pos;

	for (;; i++) {
		int v;

		if (in[i] == '\0')
			return "unterminated \"&\"";
		if (in[i] == '-')
			break;
		if ((v = base64_value((unsigned char)in[i])) < 0)
			return "invalid base64 character";
		bits = (bits << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;

		uint32_t unit = (bits >> (nbits - 16)) & 0xffff;

		nbits -= 16;
		bits &= (1u << nbits) - 1;
		units++;
		if (high != 0) {
			if (unit < 0xdc00 || unit > 0xdfff)
				return "unpaired UTF-16 high surrogate";
			put_utf8(buf, 0x10000 + ((high - 0xd800) << 10) +
			    (unit - 0xdc00));
			high = 0;
		} else if (unit >= 0xd800 && unit <= 0xdbff) {
			high = unit;
		} else if (unit >= 0xdc00 && unit <= 0xdfff) {
			return "unpaired UTF-16 low surrogate";
		} else if (unit == 0) {
			return "encoded NUL character";
		} else if (unit >= 0x20 && unit <= 0x7e) {
			return "encoded printable US-ASCII character";
		} else {
			put_utf8(buf, unit);
		}
	}

	if (units == 0)
		return "base64 run shorter than one UTF-16 unit";
	if (high != 0)
		return "unpaired UTF-16 high surrogate";
	if (nbits >= 6)
		return "incomplete UTF-16 unit in base64";
	if (bits != 0)
		return "non-zero padding bits in base64";
	*pos = i + 1;
	return NULL;
}

enum ld_status
ld_mutf7_to_utf8(const char *mutf7, char **utf8_r, struct ld_error *err)
{
	struct mutf7_buffer buf = { NULL, 0, 0, 0 };
	const char *problem = NULL;
	size_t run_end = SIZE_MAX;	/* offset just after the last base64 run */
	size_t i = 0;

	while (mutf7[i] != '\0' && problem == NULL) {
		unsigned char c = (unsigned char)mutf7[i];

		if (c < 0x20 || c > 0x7e) {
			problem = "byte outside printable US-ASCII";
		} else if (c != '&') {
			buffer_add(&buf, (char)c);
			i++;
		} else if (mutf7[i + 1] == '-') {
			buffer_add(&buf, '&');
			i += 2;
		} else if (i == run_end) {
			/* A valid encoder joins adjacent runs into one. */
			problem = "base64 run split in two";
		} else {
			i++;
			problem = decode_run(mutf7, &i, &buf);
			run_end = i;
		}
	}

	if (problem != NULL) {
		free(buf.data);
		return ld_error_set(err, LD_ERR_SYNTAX,
		    "invalid modified UTF-7 mailbox name \"%s\": %s at byte %zu",
		    mutf7, problem, i);
	}
	return buffer_finish(&buf, utf8_r, err);
}

/*
 * Reads one UTF-8 character at s, stores it in *cp and returns its length
 * in bytes, or 0 when the sequence is invalid.
 */
static size_t
get_utf8(const unsigned char *s, uint32_t *cp)
{
	size_t length, i;
	uint32_t min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		length = 2, min = 0x80, *cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		length = 3, min = 0x800, *cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		length = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}

	for (i = 1; i < length; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return length;
}

/* Appends the 16 bits of one UTF-16 unit to a base64 run in progress. */
static void
put_unit(struct mutf7_buffer *buf, uint32_t unit, uint32_t *bits,
    unsigned *nbits)
{
	*bits = (*bits << 16) | unit;
	*nbits += 16;
	while (*nbits >= 6) {
		*nbits -= 6;
		buffer_add(buf, mutf7_alphabet[(*bits >> *nbits) & 0x3f]);
	}
	*bits &= (1u << *nbits) - 1;
}

enum ld_status
ld_utf8_to_mutf7(const char *utf8, char **mutf7_r, struct ld_error *err)
{
	struct mutf7_buffer buf = { NULL, 0, 0, 0 };
	const unsigned char *s = (const unsigned char *)utf8;
	uint32_t bits = 0;
	unsigned nbits = 0;
	int in_run = 0;
	size_t i = 0;

	while (s[i] != '\0') {
		uint32_t cp;
		size_t length = get_utf8(s + i, &cp);

		if (length == 0) {
			free(buf.data);
			return ld_error_set(err, LD_ERR_SYNTAX,
			    "invalid UTF-8 in mailbox name at byte %zu", i);
		}
		i += length;

		if (cp >= 0x20 && cp <= 0x7e) {
			if (in_run) {
				if (nbits > 0)
					buffer_add(&buf, mutf7_alphabet[
					    (bits << (6 - nbits)) & 0x3f]);
				buffer_add(&buf, '-');
				in_run = 0;
				bits = nbits = 0;
			}
			buffer_add(&buf, (char)cp);
			if (cp == '&')
				buffer_add(&buf, '-');
			continue;
		}

		if (!in_run) {
			buffer_add(&buf, '&');
			in_run = 1;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			put_unit(&buf, 0xd800 + (cp >> 10), &bits, &nbits);
			put_unit(&buf, 0xdc00 + (cp & 0x3ff), &bits, &nbits);
		} else {
			put_unit(&buf, cp, &bits, &nbits);
		}
	}

	if (in_run) {
		if (nbits > 0)
			buffer_add(&buf, mutf7_alphabet[(bits << (6 - nbits)) & 0x3f]);
		buffer_add(&buf, '-');
	}
	return buffer_finish(&buf, mutf7_r, err);
}
