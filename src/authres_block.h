/*
 * Parsing every authentication field of a message header block.
 */
#ifndef LANDED_AUTHRES_BLOCK_H
#define LANDED_AUTHRES_BLOCK_H

#include <stddef.h>

#include "headers.h"
#include "landed/authres.h"

/*
 * Returns 1 and sets *kind when the field is Authentication-Results,
 * ARC-Authentication-Results or Received-SPF (names compared ignoring
 * case), else 0.
 */
int ld_authres_field_kind(const struct ld_header_field *field,
    enum landed_ar_kind *kind);

/*
 * Parses every Authentication-Results, ARC-Authentication-Results and
 * Received-SPF field of a header block (CRLF or LF; parsing stops at the
 * first empty line) in message order, with position set to the index
 * among these fields (0 for the topmost).  A field with a syntax error,
 * or longer than LANDED_AR_MAX_FIELD_BYTES, is returned with its error
 * set.  *headers_r is a new array of *count_r new headers, NULL when
 * there are none.  Returns 0, or -1 when memory runs out (nothing is
 * then returned).
 */
int ld_authres_parse_block(const char *buf, size_t len,
    struct landed_ar_header ***headers_r, size_t *count_r);

/* Frees an array from ld_authres_parse_block() and every header in it,
 * and sets *headers to NULL. */
void ld_authres_block_free(struct landed_ar_header ***headers, size_t count);

#endif
