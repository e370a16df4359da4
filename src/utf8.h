/*
 * UTF-8 validation shared by the writers, which replace invalid bytes
 * from servers and header fields with U+FFFD.
 */
#ifndef LANDED_UTF8_H
#define LANDED_UTF8_H

#include <stddef.h>

/*
 * Returns the length (1 to 4) of the valid UTF-8 sequence at s, or 0 for
 * an invalid one: overlong forms, surrogates and code points above
 * U+10FFFF are invalid.  s must be NUL-terminated.
 */
size_t ld_utf8_sequence_length(const unsigned char *s);

#endif
