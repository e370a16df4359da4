/*
 * Modified UTF-7 for IMAP mailbox names (RFC 3501 section 5.1.3).
 *
 * Printable US-ASCII other than "&" represents itself, "&-" is "&", and
 * every other run of characters is "&", UTF-16BE in base64 with ","
 * in place of "/" and no padding, then "-".
 */
#ifndef LANDED_MUTF7_H
#define LANDED_MUTF7_H

#include "status.h"

/*
 * Decodes a mailbox name as the server sends it into UTF-8 in a new
 * string (*utf8_r, freed by the caller).  Returns LD_ERR_SYNTAX for bad
 * base64, an unterminated "&", non-zero padding bits, an unpaired
 * surrogate, a NUL, encoded printable ASCII or a raw byte outside
 * 0x20-0x7e.
 */
enum ld_status ld_mutf7_to_utf8(const char *mutf7, char **utf8_r,
    struct ld_error *err);

/*
 * Encodes a UTF-8 mailbox name into modified UTF-7 in a new string
 * (*mutf7_r, freed by the caller).  Returns LD_ERR_SYNTAX for invalid
 * UTF-8 (overlong forms, surrogates, code points above U+10FFFF).
 */
enum ld_status ld_utf8_to_mutf7(const char *utf8, char **mutf7_r,
    struct ld_error *err);

#endif
