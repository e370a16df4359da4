#include <stdlib.h>

#include "authres_block.h"

int
ld_authres_field_kind(const struct ld_header_field *field,
    enum landed_ar_kind *kind)
{
	int i;

	for (i = 0; i < LANDED_AR_KIND_COUNT; i++) {
		if (ld_header_name_is(field, landed_ar_kind_name(i))) {
			*kind = (enum landed_ar_kind)i;
			return 1;
		}
	}
	return 0;
}

static int
append_header(struct landed_ar_header ***headers, size_t *count,
    size_t *capacity, struct landed_ar_header *header)
{
	struct landed_ar_header **grown;
	size_t new_capacity;

	if (*count == *capacity) {
		new_capacity = *capacity ? *capacity * 2 : 8;
		grown = realloc(*headers, new_capacity * sizeof(*grown));
		if (grown == NULL)
			return -1;
		*headers = grown;
		*capacity = new_capacity;
	}
	(*headers)[(*count)++] = header;
	return 0;
}

int
ld_authres_parse_block(const char *buf, size_t len,
    struct landed_ar_header ***headers_r, size_t *count_r)
{
	struct landed_ar_header **headers = NULL, *header;
	struct ld_header_iter iter;
	struct ld_header_field field;
	enum landed_ar_kind kind;
	size_t count = 0, capacity = 0;

	*headers_r = NULL;
	*count_r = 0;
	ld_header_iter_init(&iter, buf, len);
	while (ld_header_iter_next(&iter, &field)) {
		if (!ld_authres_field_kind(&field, &kind))
			continue;
		if (landed_ar_parse(kind, field.value, field.value_length,
		    &header) != 0)
			goto no_memory;
		header->position = count;
		if (append_header(&headers, &count, &capacity, header) != 0) {
			landed_ar_header_free(&header);
			goto no_memory;
		}
	}
	*headers_r = headers;
	*count_r = count;
	return 0;

no_memory:
	ld_authres_block_free(&headers, count);
	return -1;
}

void
ld_authres_block_free(struct landed_ar_header ***headers, size_t count)
{
	size_t i;

	if (headers == NULL || *headers == NULL)
		return;
	for (i = 0; i < count; i++)
		landed_ar_header_free(&(*headers)[i]);
	free(*headers);
	*headers = NULL;
}
