/*
 * PCRE2 patterns of the Authentication-Results lexer.
 *
 * Sources of the grammar: RFC 8601 section 2.2 (Keyword, pvalue), RFC 2045
 * section 5.1 (token), RFC 5322 section 3.2 (quoted-string, dot-atom,
 * CFWS), RFC 6376 section 3.5 (domain-name), RFC 7208 section 9.1
 * (Received-SPF key-value pairs).
 *
 * Linear time: every pattern is anchored and every repetition possessive.
 * No repeated group contains an unbounded repetition that could match the
 * same text another way.  So a match attempt tries at most a fixed number
 * of alternatives, each over the text it scans once.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <string.h>

#include "authres_lex.h"

/* Bytes that may appear in a value outside the grammar: printable ASCII
 * and UTF-8, except the delimiters '"', '(', ')', ';' and '\'. */
#define LOOSE_CLASS	"[!#-'*-:<-\\[\\]-~\\x80-\\xff]"
/* RFC 2045 token: printable ASCII except tspecials. */
#define TOKEN_CLASS	"[!#$%&'*+.0-9A-Z^_`a-z{|}~-]"
/* RFC 5322 atext, with UTF-8 as RFC 6532 allows. */
#define ATEXT_CLASS	"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\x80-\\xff-]"
#define DOT_ATOM	ATEXT_CLASS "++(?:\\." ATEXT_CLASS "++)*+"
#define QUOTED		"\"(?:[^\"\\\\]|\\\\[\\s\\S])*+\""
#define DOMAIN_LABEL	"[A-Za-z0-9_\\x80-\\xff-]++"
#define DOMAIN		DOMAIN_LABEL "(?:\\." DOMAIN_LABEL ")*+"

/*
 * A pvalue: group 1 a token, group 2 an address, group 3 the content of a
 * quoted-string, group 4 a loose run.  The first two must end where the
 * run of value bytes ends, or the loose form takes the whole run.
 */
#define PVALUE_PATTERN                                                  \
	"(?:(" TOKEN_CLASS "++)(?!" LOOSE_CLASS ")"                     \
	"|((?:" DOT_ATOM "|" QUOTED ")?+@" DOMAIN ")(?!" LOOSE_CLASS ")" \
	"|\"((?:[^\"\\\\]|\\\\[\\s\\S])*+)\""                           \
	"|(" LOOSE_CLASS "++))"

/* A Received-SPF value: group 1 a dot-atom, 2 quoted content, 3 loose. */
#define SPF_VALUE_PATTERN                                               \
	"(?:(" DOT_ATOM ")(?!" LOOSE_CLASS ")"                          \
	"|\"((?:[^\"\\\\]|\\\\[\\s\\S])*+)\""                           \
	"|(" LOOSE_CLASS "++))"

enum pattern_id {
	PATTERN_KEYWORD,
	PATTERN_DIGITS,
	PATTERN_PVALUE,
	PATTERN_SPF_VALUE,
	PATTERN_COUNT
};

static const char *const pattern_sources[PATTERN_COUNT] = {
	"[A-Za-z0-9_-]++",
	"[0-9]++",
	PVALUE_PATTERN,
	SPF_VALUE_PATTERN,
};

/* Match-time guard for the interpreter, used only if JIT is unavailable. */
#define MATCH_LIMIT	1000000

static pthread_once_t patterns_once = PTHREAD_ONCE_INIT;
static pcre2_code *patterns[PATTERN_COUNT];
static int patterns_jit[PATTERN_COUNT];
static pcre2_match_context *match_context;
static int patterns_ready;

static void
compile_patterns(void)
{
	int error_code, i;
	PCRE2_SIZE error_offset;

	match_context = pcre2_match_context_create(NULL);
	if (match_context == NULL)
		return;
	pcre2_set_match_limit(match_context, MATCH_LIMIT);

	for (i = 0; i < PATTERN_COUNT; i++) {
		patterns[i] = pcre2_compile((PCRE2_SPTR)pattern_sources[i],
		    PCRE2_ZERO_TERMINATED, PCRE2_ANCHORED, &error_code,
		    &error_offset, NULL);
		if (patterns[i] == NULL)
			return;
		patterns_jit[i] = pcre2_jit_compile(patterns[i],
		    PCRE2_JIT_COMPLETE) == 0;
	}
	patterns_ready = 1;
}

int
ld_ar_lex_init(struct ld_ar_lexer *lexer, const char *text, size_t length)
{
	pthread_once(&patterns_once, compile_patterns);
	if (!patterns_ready)
		return -1;

	lexer->text = text;
	lexer->length = length;
	lexer->position = 0;
	lexer->match_data = pcre2_match_data_create(8, NULL);
	return lexer->match_data == NULL ? -1 : 0;
}

void
ld_ar_lex_done(struct ld_ar_lexer *lexer)
{
	pcre2_match_data_free(lexer->match_data);
	lexer->match_data = NULL;
}

/* Matches a pattern at the position.  Returns the number of groups set
 * plus one, or 0 for no match. */
static int
match_here(struct ld_ar_lexer *lexer, enum pattern_id id)
{
	int rc;

	if (patterns_jit[id])
		rc = pcre2_jit_match(patterns[id], (PCRE2_SPTR)lexer->text,
		    lexer->length, lexer->position, 0, lexer->match_data,
		    match_context);
	else
		rc = pcre2_match(patterns[id], (PCRE2_SPTR)lexer->text,
		    lexer->length, lexer->position, 0, lexer->match_data,
		    match_context);
	return rc > 0 ? rc : 0;
}

/* Returns the length of the whole match, or 0 for no match. */
static size_t
match_length(struct ld_ar_lexer *lexer, enum pattern_id id)
{
	PCRE2_SIZE *ovector;

	if (match_here(lexer, id) == 0)
		return 0;
	ovector = pcre2_get_ovector_pointer(lexer->match_data);
	return ovector[1] - ovector[0];
}

int
ld_ar_lex_at_end(const struct ld_ar_lexer *lexer)
{
	return lexer->position >= lexer->length;
}

int
ld_ar_lex_peek(const struct ld_ar_lexer *lexer)
{
	if (lexer->position >= lexer->length)
		return -1;
	return (unsigned char)lexer->text[lexer->position];
}

/* Skips one comment that starts at the position.  Returns 0 or -1. */
static int
skip_comment(struct ld_ar_lexer *lexer)
{
	const char *text = lexer->text;
	size_t i = lexer->position + 1, depth = 1;

	while (i < lexer->length) {
		switch (text[i]) {
		case '\\':
			if (i + 1 >= lexer->length)
				return -1;
			i += 2;
			continue;
		case '(':
			depth++;
			break;
		case ')':
			if (--depth == 0) {
				lexer->position = i + 1;
				return 0;
			}
			break;
		default:
			break;
		}
		i++;
	}
	return -1;
}

int
ld_ar_lex_skip_cfws(struct ld_ar_lexer *lexer, size_t *error_at)
{
	for (;;) {
		switch (ld_ar_lex_peek(lexer)) {
		case ' ':
		case '\t':
		case '\r':
		case '\n':
			lexer->position++;
			break;
		case '(':
			if (skip_comment(lexer) != 0) {
				*error_at = lexer->position;
				return -1;
			}
			break;
		default:
			return 0;
		}
	}
}

size_t
ld_ar_lex_keyword(struct ld_ar_lexer *lexer)
{
	return match_length(lexer, PATTERN_KEYWORD);
}

size_t
ld_ar_lex_digits(struct ld_ar_lexer *lexer)
{
	return match_length(lexer, PATTERN_DIGITS);
}

int
ld_ar_lex_value(struct ld_ar_lexer *lexer, int spf, size_t *start,
    size_t *length, enum ld_ar_value_form *form)
{
	static const enum ld_ar_value_form pvalue_forms[] = {
		LD_AR_VALUE_TOKEN, LD_AR_VALUE_ADDRESS, LD_AR_VALUE_QUOTED,
		LD_AR_VALUE_LOOSE,
	};
	static const enum ld_ar_value_form spf_forms[] = {
		LD_AR_VALUE_TOKEN, LD_AR_VALUE_QUOTED, LD_AR_VALUE_LOOSE,
	};
	PCRE2_SIZE *ovector;
	int groups, group;

	groups = match_here(lexer, spf ? PATTERN_SPF_VALUE : PATTERN_PVALUE);
	if (groups == 0)
		return -1;

	/* The group that matched is the last one set. */
	ovector = pcre2_get_ovector_pointer(lexer->match_data);
	group = groups - 1;
	*start = ovector[2 * group];
	*length = ovector[2 * group + 1] - ovector[2 * group];
	*form = spf ? spf_forms[group - 1] : pvalue_forms[group - 1];
	lexer->position = ovector[1];
	return 0;
}

int
ld_ar_keyword_is_ldh(const char *keyword, size_t length)
{
	if (length == 0 || keyword[length - 1] == '-')
		return 0;
	return memchr(keyword, '_', length) == NULL;
}
