/*
 * Lexer for the Authentication-Results family of fields (RFC 8601,
 * RFC 8617, RFC 7208 section 9.1).  Each token class is one anchored
 * PCRE2 pattern with possessive quantifiers, compiled once with JIT and
 * matched at the current position, so every call costs time linear in
 * the text it consumes.  Comments are skipped by a loop with a depth
 * counter, because nesting is beyond a regular pattern.
 */
#ifndef LANDED_AUTHRES_LEX_H
#define LANDED_AUTHRES_LEX_H

#include <stddef.h>

/* Form in which a value was written. */
enum ld_ar_value_form {
	LD_AR_VALUE_TOKEN,	/* RFC 2045 token, or dot-atom for Received-SPF */
	LD_AR_VALUE_ADDRESS,	/* [local-part] "@" domain-name */
	LD_AR_VALUE_QUOTED,	/* quoted-string; the span excludes the quotes */
	LD_AR_VALUE_LOOSE,	/* printable run outside the grammar ("ab/c=") */
};

struct ld_ar_lexer {
	const char *text;
	size_t length;
	size_t position;
	void *match_data;	/* owned pcre2_match_data */
};

/*
 * Prepares a lexer over text (borrowed).  Returns 0, or -1 when memory
 * runs out or the patterns could not be compiled.
 */
int ld_ar_lex_init(struct ld_ar_lexer *lexer, const char *text,
    size_t length);

void ld_ar_lex_done(struct ld_ar_lexer *lexer);

/*
 * Skips CFWS (RFC 5322): white space, line breaks and comments, which
 * nest and may hold quoted-pairs.  Returns 0, or -1 with *error_at set
 * to the opening parenthesis of an unterminated comment.
 */
int ld_ar_lex_skip_cfws(struct ld_ar_lexer *lexer, size_t *error_at);

/* Returns whether the lexer is at the end of its text. */
int ld_ar_lex_at_end(const struct ld_ar_lexer *lexer);

/* Returns the byte at the position, or -1 at the end. */
int ld_ar_lex_peek(const struct ld_ar_lexer *lexer);

/*
 * Returns the length of a keyword (letters, digits, '-' and, beyond
 * RFC 8601's ldh-str, '_') at the position, or 0; does not consume it.
 */
size_t ld_ar_lex_keyword(struct ld_ar_lexer *lexer);

/* Returns the length of a run of digits at the position, or 0. */
size_t ld_ar_lex_digits(struct ld_ar_lexer *lexer);

/*
 * Matches a value at the position and consumes it: an RFC 8601 pvalue
 * (spf == 0) or a Received-SPF value (spf != 0).  Stores the span of its
 * text in *start and *length and its form in *form.  Returns 0, or -1
 * when no value starts here (the position is unchanged).
 */
int ld_ar_lex_value(struct ld_ar_lexer *lexer, int spf, size_t *start,
    size_t *length, enum ld_ar_value_form *form);

/* Returns whether a keyword is a strict ldh-str (no '_', no final '-'). */
int ld_ar_keyword_is_ldh(const char *keyword, size_t length);

#endif
