/*
 * Parser for Authentication-Results (RFC 8601 section 2.2),
 * ARC-Authentication-Results (RFC 8617 section 4.1.1) and Received-SPF
 * (RFC 7208 section 9.1) field values.
 *
 * The grammar is followed strictly.  Departures that known receivers make
 * and whose meaning is unambiguous are accepted and named in the header's
 * deviations.  Anything else makes the whole field an error, with the byte
 * offset of the first unexpected byte and no results.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres_lex.h"
#include "headers.h"
#include "landed/authres.h"

/* Departures from the grammar that are recovered, with their JSON text. */
#define AR_DEVIATION_LIST(X)                                              \
	X(DEVIATION_NO_AUTHSERV_ID, "no authserv-id")                     \
	X(DEVIATION_STRAY_TOKEN, "stray token after authserv-id")         \
	X(DEVIATION_TRAILING_SEMICOLON, "trailing ';'")                   \
	X(DEVIATION_BARE_PAIR, "key=value pair without ptype")            \
	X(DEVIATION_REASON_AFTER_PROPERTIES, "reason after properties")   \
	X(DEVIATION_KEYWORD, "keyword with '_' or a final '-'")           \
	X(DEVIATION_VALUE, "value outside token, quoted-string and address forms") \
	X(DEVIATION_EMPTY_VALUE, "empty value")                           \
	X(DEVIATION_SPF_VALUE, "Received-SPF value not a dot-atom or quoted-string")

enum ar_deviation {
#define AR_DEVIATION_ENUM(name, text) name,
	AR_DEVIATION_LIST(AR_DEVIATION_ENUM)
#undef AR_DEVIATION_ENUM
	DEVIATION_COUNT
};

static const char *const deviation_texts[] = {
#define AR_DEVIATION_TEXT(name, text) text,
	AR_DEVIATION_LIST(AR_DEVIATION_TEXT)
#undef AR_DEVIATION_TEXT
};

static const char *const kind_names[] = {
#define LANDED_AR_KIND_NAME(name, field) field,
	LANDED_AR_KIND_LIST(LANDED_AR_KIND_NAME)
#undef LANDED_AR_KIND_NAME
};

/*
 * Well-known method names: the IANA Email Authentication Methods registry,
 * BIMI and Microsoft's compauth.  "dkim=pass" after a result without a ';'
 * in between is a missing separator, not a vendor's key=value pair.
 */
static const char *const known_methods[] = {
	"arc", "auth", "bimi", "compauth", "dkim", "dkim-adsp", "dkim-atps",
	"dmarc", "dnswl", "domainkeys", "iprev", "rrvs", "sender-id", "smime",
	"spf", "vbr", NULL
};

/* Result keywords of Received-SPF (RFC 7208 section 9.1). */
static const char *const spf_results[] = {
	"pass", "fail", "softfail", "policy", "neutral", "none", "temperror",
	"permerror", NULL
};

/* The highest ARC instance (RFC 8617 section 4.2.1). */
#define ARC_MAX_INSTANCE	50

struct ar_parser {
	struct ld_ar_lexer lexer;
	struct landed_ar_header *header;
	enum landed_ar_kind kind;

	char *pool;			/* the header's string storage */
	size_t pool_used;
	size_t pool_size;

	size_t result_capacity;
	size_t property_capacity;	/* of the last result */
	unsigned deviations;		/* bit set of enum ar_deviation */
	int out_of_memory;
};

static int
fail(struct ar_parser *parser, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a syntax error (the first one wins) and returns -1. */
static int
fail(struct ar_parser *parser, size_t at, const char *fmt, ...)
{
	struct landed_ar_header *header = parser->header;
	char why[200];
	va_list ap;
	int n;

	if (header->error != NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);

	n = snprintf(NULL, 0, "%s at byte %zu", why, at);
	header->error = malloc((size_t)n + 1);
	if (header->error == NULL) {
		parser->out_of_memory = 1;
		return -1;
	}
	snprintf(header->error, (size_t)n + 1, "%s at byte %zu", why, at);
	header->error_offset = at;
	return -1;
}

static int
fail_no_memory(struct ar_parser *parser)
{
	parser->out_of_memory = 1;
	return -1;
}

static void
note(struct ar_parser *parser, enum ar_deviation deviation)
{
	parser->deviations |= 1u << deviation;
}

static int
skip_cfws(struct ar_parser *parser)
{
	size_t at;

	if (ld_ar_lex_skip_cfws(&parser->lexer, &at) != 0)
		return fail(parser, at, "unterminated comment");
	return 0;
}

/* Copies text into the pool as a NUL-terminated string. */
static char *
store(struct ar_parser *parser, const char *text, size_t length, int lower)
{
	char *copy;
	size_t i;

	/* prepare_pool() sizes the pool so that this cannot run out. */
	if (parser->pool_size - parser->pool_used < length + 1) {
		parser->out_of_memory = 1;
		return NULL;
	}
	copy = parser->pool + parser->pool_used;
	parser->pool_used += length + 1;
	if (lower) {
		for (i = 0; i < length; i++)
			copy[i] = (char)tolower((unsigned char)text[i]);
	} else {
		memcpy(copy, text, length);
	}
	copy[length] = '\0';
	return copy;
}

/* Copies the content of a quoted-string, resolving quoted-pairs. */
static char *
store_unquoted(struct ar_parser *parser, const char *text, size_t length)
{
	char *copy;
	size_t i, n = 0;

	copy = store(parser, text, length, 0);
	if (copy == NULL)
		return NULL;
	for (i = 0; i < length; i++) {
		if (text[i] == '\\' && i + 1 < length)
			i++;
		copy[n++] = text[i];
	}
	copy[n] = '\0';
	return copy;
}

static const char *
text_at(const struct ar_parser *parser)
{
	return parser->lexer.text + parser->lexer.position;
}

/*
 * Reads a keyword, lower-cased, into *out.  what names it in the error
 * when there is none.
 */
static int
parse_keyword(struct ar_parser *parser, const char *what, char **out)
{
	size_t length = ld_ar_lex_keyword(&parser->lexer);

	if (length == 0)
		return fail(parser, parser->lexer.position, "missing %s", what);
	if (!ld_ar_keyword_is_ldh(text_at(parser), length))
		note(parser, DEVIATION_KEYWORD);
	*out = store(parser, text_at(parser), length, 1);
	if (*out == NULL)
		return -1;
	parser->lexer.position += length;
	return 0;
}

static int
at_byte(const struct ar_parser *parser, int c)
{
	return ld_ar_lex_peek(&parser->lexer) == c;
}

static int
expect_byte(struct ar_parser *parser, int c, const char *context)
{
	if (!at_byte(parser, c))
		return fail(parser, parser->lexer.position, "expected '%c' %s",
		    c, context);
	parser->lexer.position++;
	return 0;
}

static int
is_value_end(const struct ar_parser *parser)
{
	int c = ld_ar_lex_peek(&parser->lexer);

	return c == -1 || c == ';';
}

/*
 * Reads a value after "=" (CFWS before it already skipped) into *out:
 * unquoted when quoted.  spf selects the Received-SPF value grammar.
 */
static int
parse_value(struct ar_parser *parser, int spf, const char *name, char **out)
{
	enum ld_ar_value_form form;
	size_t start, length;
	const char *text = parser->lexer.text;

	if (is_value_end(parser)) {
		note(parser, DEVIATION_EMPTY_VALUE);
		*out = store(parser, "", 0, 0);
		return *out == NULL ? -1 : 0;
	}
	if (ld_ar_lex_value(&parser->lexer, spf, &start, &length, &form) != 0) {
		if (at_byte(parser, '"'))
			return fail(parser, parser->lexer.position,
			    "unterminated quoted string");
		return fail(parser, parser->lexer.position,
		    "missing value for '%s'", name);
	}

	if (form == LD_AR_VALUE_QUOTED) {
		*out = store_unquoted(parser, text + start, length);
		return *out == NULL ? -1 : 0;
	}
	if (form == LD_AR_VALUE_LOOSE)
		note(parser, spf ? DEVIATION_SPF_VALUE : DEVIATION_VALUE);
	*out = store(parser, text + start, length, 0);
	return *out == NULL ? -1 : 0;
}

static int
is_known_method(const char *keyword)
{
	size_t i;

	for (i = 0; known_methods[i] != NULL; i++)
		if (strcmp(known_methods[i], keyword) == 0)
			return 1;
	return 0;
}

static struct landed_ar_result *
add_result(struct ar_parser *parser, size_t at)
{
	struct landed_ar_header *header = parser->header;
	struct landed_ar_result *grown, *result;
	size_t capacity;

	if (header->result_count >= LANDED_AR_MAX_RESULTS) {
		fail(parser, at, "more than %d results", LANDED_AR_MAX_RESULTS);
		return NULL;
	}
	if (header->result_count == parser->result_capacity) {
		capacity = parser->result_capacity ?
		    parser->result_capacity * 2 : 4;
		grown = realloc(header->results, capacity * sizeof(*grown));
		if (grown == NULL) {
			fail_no_memory(parser);
			return NULL;
		}
		header->results = grown;
		parser->result_capacity = capacity;
	}
	result = &header->results[header->result_count++];
	memset(result, 0, sizeof(*result));
	parser->property_capacity = 0;
	return result;
}

static struct landed_ar_property *
add_property(struct ar_parser *parser, struct landed_ar_result *result,
    size_t at)
{
	struct landed_ar_property *grown, *property;
	size_t capacity;

	if (result->property_count >= LANDED_AR_MAX_PROPERTIES) {
		fail(parser, at, "more than %d properties in one result",
		    LANDED_AR_MAX_PROPERTIES);
		return NULL;
	}
	if (result->property_count == parser->property_capacity) {
		capacity = parser->property_capacity ?
		    parser->property_capacity * 2 : 4;
		grown = realloc(result->properties, capacity * sizeof(*grown));
		if (grown == NULL) {
			fail_no_memory(parser);
			return NULL;
		}
		result->properties = grown;
		parser->property_capacity = capacity;
	}
	property = &result->properties[result->property_count++];
	memset(property, 0, sizeof(*property));
	return property;
}

/* methodspec: method [ "/" version ] "=" result (RFC 8601). */
static int
parse_methodspec(struct ar_parser *parser, struct landed_ar_result *result)
{
	size_t length;

	if (parse_keyword(parser, "method", &result->method) != 0 ||
	    skip_cfws(parser) != 0)
		return -1;

	if (at_byte(parser, '/')) {
		parser->lexer.position++;
		if (skip_cfws(parser) != 0)
			return -1;
		length = ld_ar_lex_digits(&parser->lexer);
		if (length == 0)
			return fail(parser, parser->lexer.position,
			    "missing method version after '%s/'",
			    result->method);
		result->method_version = store(parser, text_at(parser),
		    length, 0);
		if (result->method_version == NULL)
			return -1;
		parser->lexer.position += length;
		if (skip_cfws(parser) != 0)
			return -1;
	}

	if (!at_byte(parser, '='))
		return fail(parser, parser->lexer.position,
		    "expected '=' after method '%s'", result->method);
	parser->lexer.position++;
	if (skip_cfws(parser) != 0)
		return -1;
	if (ld_ar_lex_keyword(&parser->lexer) == 0)
		return fail(parser, parser->lexer.position,
		    "missing result for method '%s'", result->method);
	return parse_keyword(parser, "result", &result->result);
}

/* propspec after its ptype: "." property "=" pvalue. */
static int
parse_propspec(struct ar_parser *parser, struct landed_ar_property *property)
{
	parser->lexer.position++;	/* the '.' */
	if (skip_cfws(parser) != 0 ||
	    parse_keyword(parser, "property name", &property->property) != 0 ||
	    skip_cfws(parser) != 0)
		return -1;
	if (!at_byte(parser, '='))
		return fail(parser, parser->lexer.position,
		    "expected '=' after '%s.%s'", property->ptype,
		    property->property);
	parser->lexer.position++;
	if (skip_cfws(parser) != 0)
		return -1;
	return parse_value(parser, 0, property->property, &property->value);
}

/*
 * One item after a result: reason=, ptype.property=value, or a vendor's
 * key=value pair (Outlook's action=none).
 */
static int
parse_result_item(struct ar_parser *parser, struct landed_ar_result *result)
{
	struct landed_ar_property *property;
	size_t start = parser->lexer.position;
	char *keyword;

	if (ld_ar_lex_keyword(&parser->lexer) == 0)
		return fail(parser, start, "expected ';' or a property");
	if (parse_keyword(parser, "property", &keyword) != 0 ||
	    skip_cfws(parser) != 0)
		return -1;

	if (at_byte(parser, '.')) {
		property = add_property(parser, result, start);
		if (property == NULL)
			return -1;
		property->ptype = keyword;
		return parse_propspec(parser, property);
	}
	if (!at_byte(parser, '='))
		return fail(parser, parser->lexer.position,
		    "expected '.' or '=' after '%s'", keyword);
	if (is_known_method(keyword))
		return fail(parser, start, "missing ';' before method '%s'",
		    keyword);
	parser->lexer.position++;
	if (skip_cfws(parser) != 0)
		return -1;

	if (strcmp(keyword, "reason") == 0 && result->reason == NULL) {
		if (result->property_count > 0)
			note(parser, DEVIATION_REASON_AFTER_PROPERTIES);
		return parse_value(parser, 0, keyword, &result->reason);
	}
	note(parser, DEVIATION_BARE_PAIR);
	property = add_property(parser, result, start);
	if (property == NULL)
		return -1;
	property->property = keyword;
	return parse_value(parser, 0, keyword, &property->value);
}

/* resinfo without its leading ';': methodspec, reason and properties. */
static int
parse_resinfo(struct ar_parser *parser)
{
	struct landed_ar_result *result;

	result = add_result(parser, parser->lexer.position);
	if (result == NULL || parse_methodspec(parser, result) != 0)
		return -1;
	for (;;) {
		if (skip_cfws(parser) != 0)
			return -1;
		if (is_value_end(parser))
			return 0;
		if (parse_result_item(parser, result) != 0)
			return -1;
	}
}

/* After "none" (no-result) only CFWS and a trailing ';' may follow. */
static int
parse_no_result_end(struct ar_parser *parser)
{
	if (ld_ar_lex_at_end(&parser->lexer))
		return 0;
	if (!at_byte(parser, ';'))
		return fail(parser, parser->lexer.position,
		    "unexpected text after 'none'");
	parser->lexer.position++;
	if (skip_cfws(parser) != 0)
		return -1;
	if (!ld_ar_lex_at_end(&parser->lexer))
		return fail(parser, parser->lexer.position,
		    "results after 'none'");
	note(parser, DEVIATION_TRAILING_SEMICOLON);
	return 0;
}

/*
 * The results after the authserv-id: "none" or one resinfo after each
 * ';'.  first_has_separator is 0 for Outlook's form, where the first
 * result follows the field name directly.
 */
static int
parse_results(struct ar_parser *parser, int first_has_separator)
{
	size_t start, length;

	if (first_has_separator) {
		if (ld_ar_lex_at_end(&parser->lexer))
			return fail(parser, parser->lexer.position,
			    "expected ';' after authserv-id");
		if (expect_byte(parser, ';', "after authserv-id") != 0 ||
		    skip_cfws(parser) != 0)
			return -1;
		if (ld_ar_lex_at_end(&parser->lexer)) {
			note(parser, DEVIATION_TRAILING_SEMICOLON);
			return 0;
		}
		start = parser->lexer.position;
		length = ld_ar_lex_keyword(&parser->lexer);
		if (length == 4 && strncasecmp(text_at(parser), "none", 4) == 0) {
			parser->lexer.position += 4;
			if (skip_cfws(parser) != 0)
				return -1;
			if (!at_byte(parser, '='))
				return parse_no_result_end(parser);
			parser->lexer.position = start;	/* a method "none" */
		}
	}

	for (;;) {
		if (parse_resinfo(parser) != 0)
			return -1;
		if (ld_ar_lex_at_end(&parser->lexer))
			return 0;
		parser->lexer.position++;	/* the ';' */
		if (skip_cfws(parser) != 0)
			return -1;
		if (ld_ar_lex_at_end(&parser->lexer)) {
			note(parser, DEVIATION_TRAILING_SEMICOLON);
			return 0;
		}
	}
}

/* ARC's instance prefix: [CFWS] "i" [CFWS] "=" [CFWS] 1*DIGIT [CFWS] ";". */
static int
parse_arc_instance(struct ar_parser *parser)
{
	size_t start, length, i;
	long instance = 0;

	if (skip_cfws(parser) != 0)
		return -1;
	if (!at_byte(parser, 'i'))
		return fail(parser, parser->lexer.position,
		    "missing ARC instance \"i=\"");
	parser->lexer.position++;
	if (skip_cfws(parser) != 0 ||
	    expect_byte(parser, '=', "after ARC instance tag \"i\"") != 0 ||
	    skip_cfws(parser) != 0)
		return -1;

	start = parser->lexer.position;
	length = ld_ar_lex_digits(&parser->lexer);
	if (length == 0)
		return fail(parser, start, "missing ARC instance number");
	for (i = 0; i < length && instance <= ARC_MAX_INSTANCE; i++)
		instance = instance * 10 + (text_at(parser)[i] - '0');
	if (instance < 1 || instance > ARC_MAX_INSTANCE)
		return fail(parser, start, "ARC instance %.*s is outside 1-%d",
		    (int)(length < 20 ? length : 20), text_at(parser),
		    ARC_MAX_INSTANCE);
	parser->header->instance = instance;
	parser->lexer.position += length;

	if (skip_cfws(parser) != 0)
		return -1;
	return expect_byte(parser, ';', "after the ARC instance");
}

/*
 * Returns whether a result (Outlook's form, "spf=pass ...") is where
 * the authserv-id belongs: a keyword followed by '=' or '/'.
 */
static int
starts_with_result(struct ar_parser *parser)
{
	size_t start = parser->lexer.position, at;
	size_t length = ld_ar_lex_keyword(&parser->lexer);
	int c;

	if (length == 0)
		return 0;
	parser->lexer.position += length;
	if (ld_ar_lex_skip_cfws(&parser->lexer, &at) != 0) {
		parser->lexer.position = start;
		return 0;
	}
	c = ld_ar_lex_peek(&parser->lexer);
	parser->lexer.position = start;
	return c == '=' || c == '/';
}

/* The version after the authserv-id, or the stray token of Microsoft's
 * ARC field ("i=1; mx.microsoft.com 1;" has a version; others do not). */
static int
parse_version(struct ar_parser *parser)
{
	size_t start = parser->lexer.position;
	size_t keyword = ld_ar_lex_keyword(&parser->lexer);
	size_t digits = ld_ar_lex_digits(&parser->lexer);

	if (keyword == 0)
		return 0;
	if (digits == keyword) {
		parser->header->version = store(parser, text_at(parser),
		    digits, 0);
		if (parser->header->version == NULL)
			return -1;
	} else if (parser->kind == LANDED_AR_ARC_AUTHENTICATION_RESULTS) {
		note(parser, DEVIATION_STRAY_TOKEN);
	} else {
		return fail(parser, start, "unexpected '%.*s' after authserv-id",
		    (int)(keyword < 40 ? keyword : 40), text_at(parser));
	}
	parser->lexer.position += keyword;
	return skip_cfws(parser);
}

/*
 * Reads the authserv-id at the start of the payload into the header.
 * Returns 1 when Outlook's form puts a result where the id belongs, so the
 * field has none, 0 after storing the id, or -1 after an error.
 */
static int
parse_authserv_id(struct ar_parser *parser)
{
	enum ld_ar_value_form form;
	size_t start, length;
	const char *text = parser->lexer.text;

	if (skip_cfws(parser) != 0)
		return -1;
	start = parser->lexer.position;
	if (ld_ar_lex_at_end(&parser->lexer))
		return fail(parser, start, "missing authserv-id");
	if (starts_with_result(parser)) {
		note(parser, DEVIATION_NO_AUTHSERV_ID);
		return 1;
	}
	if (parser->lexer.length - start >= 2 && text[start] == '=' &&
	    text[start + 1] == '?')
		return fail(parser, start, "an RFC 2047 encoded-word is not a "
		    "valid authserv-id");
	if (ld_ar_lex_value(&parser->lexer, 0, &start, &length, &form) != 0) {
		if (at_byte(parser, '"'))
			return fail(parser, start, "unterminated quoted string");
		return fail(parser, start, "missing authserv-id");
	}
	if (form == LD_AR_VALUE_ADDRESS || form == LD_AR_VALUE_LOOSE)
		return fail(parser, start, "invalid authserv-id '%.*s'",
		    (int)(length < 60 ? length : 60), text + start);
	if (form == LD_AR_VALUE_QUOTED)
		parser->header->authserv_id = store_unquoted(parser,
		    text + start, length);
	else
		parser->header->authserv_id = store(parser, text + start,
		    length, 0);
	return parser->header->authserv_id == NULL ? -1 : 0;
}

/* authres-payload (RFC 8601): authserv-id [version] and the results. */
static int
parse_payload(struct ar_parser *parser)
{
	int rc = parse_authserv_id(parser);

	if (rc < 0)
		return -1;
	if (rc == 1)
		return parse_results(parser, 0);
	if (skip_cfws(parser) != 0 || parse_version(parser) != 0)
		return -1;
	return parse_results(parser, 1);
}

static int
is_spf_result(const char *keyword)
{
	size_t i;

	for (i = 0; spf_results[i] != NULL; i++)
		if (strcmp(spf_results[i], keyword) == 0)
			return 1;
	return 0;
}

/* Received-SPF: result [comment] [key=value *(";" key=value) [";"]]. */
static int
parse_received_spf(struct ar_parser *parser)
{
	struct landed_ar_result *result;
	struct landed_ar_property *property;
	size_t start;
	char *key;

	result = add_result(parser, 0);
	if (result == NULL)
		return -1;
	result->method = store(parser, "spf", 3, 0);
	if (result->method == NULL || skip_cfws(parser) != 0)
		return -1;
	start = parser->lexer.position;
	if (parse_keyword(parser, "SPF result", &result->result) != 0)
		return -1;
	if (!is_spf_result(result->result))
		return fail(parser, start, "unknown Received-SPF result '%s'",
		    result->result);

	if (skip_cfws(parser) != 0)
		return -1;
	while (!ld_ar_lex_at_end(&parser->lexer)) {
		start = parser->lexer.position;
		if (parse_keyword(parser, "key", &key) != 0 ||
		    skip_cfws(parser) != 0)
			return -1;
		if (!at_byte(parser, '='))
			return fail(parser, parser->lexer.position,
			    "expected '=' after key '%s'", key);
		parser->lexer.position++;
		if (skip_cfws(parser) != 0)
			return -1;
		property = add_property(parser, result, start);
		if (property == NULL)
			return -1;
		property->property = key;
		if (parse_value(parser, 1, key, &property->value) != 0 ||
		    skip_cfws(parser) != 0)
			return -1;
		if (ld_ar_lex_at_end(&parser->lexer))
			break;
		if (expect_byte(parser, ';', "between key=value pairs") != 0 ||
		    skip_cfws(parser) != 0)
			return -1;
	}
	return 0;
}

/* Drops the results of a field that failed, keeping its identity. */
static void
clear_results(struct landed_ar_header *header)
{
	size_t i;

	for (i = 0; i < header->result_count; i++)
		free(header->results[i].properties);
	free(header->results);
	header->results = NULL;
	header->result_count = 0;
}

static int
store_deviations(struct ar_parser *parser)
{
	struct landed_ar_header *header = parser->header;
	size_t i, count = 0;

	if (parser->deviations == 0 || header->error != NULL)
		return 0;
	header->deviations = malloc(DEVIATION_COUNT *
	    sizeof(*header->deviations));
	if (header->deviations == NULL)
		return -1;
	for (i = 0; i < DEVIATION_COUNT; i++)
		if (parser->deviations & (1u << i))
			header->deviations[count++] = deviation_texts[i];
	header->deviation_count = count;
	return 0;
}

static struct landed_ar_header *
new_header(enum landed_ar_kind kind)
{
	struct landed_ar_header *header;

	header = calloc(1, sizeof(*header));
	if (header == NULL)
		return NULL;
	header->kind = kind;
	header->instance = -1;
	header->trusted = LANDED_AR_TRUST_UNSET;
	return header;
}

/* Runs the grammar of the field's kind over the unfolded text. */
static int
run_grammar(struct ar_parser *parser)
{
	switch (parser->kind) {
	case LANDED_AR_ARC_AUTHENTICATION_RESULTS:
		if (parse_arc_instance(parser) != 0)
			return -1;
		return parse_payload(parser);
	case LANDED_AR_RECEIVED_SPF:
		return parse_received_spf(parser);
	case LANDED_AR_AUTHENTICATION_RESULTS:
	default:
		return parse_payload(parser);
	}
}

/*
 * Sets up the pool: the unfolded text first, then room for every string
 * the grammar can store.  Each stored string comes from at least one byte
 * of text, or is an empty value after "k=", so twice the text plus a
 * little is enough.
 */
static int
prepare_pool(struct ar_parser *parser, const char *value, size_t length)
{
	size_t text_length;

	parser->pool_size = length + 2 * length + 16;
	parser->pool = malloc(parser->pool_size);
	if (parser->pool == NULL)
		return -1;
	text_length = ld_header_unfold(value, length, parser->pool);
	parser->pool_used = text_length;
	parser->header->internal = parser->pool;
	return ld_ar_lex_init(&parser->lexer, parser->pool, text_length);
}

/*
 * Rejects a field that contains a NUL byte.  Stored strings end at their
 * first NUL, so "mx.google.com\0.evil.example" would otherwise read as
 * the authserv-id mx.google.com.
 */
static int
reject_nul(struct ar_parser *parser)
{
	const char *nul;

	nul = memchr(parser->lexer.text, '\0', parser->lexer.length);
	if (nul == NULL)
		return 0;
	return fail(parser, (size_t)(nul - parser->lexer.text),
	    "NUL byte in the field");
}

/*
 * Reads the ARC instance and the authserv-id from the first
 * LANDED_AR_ID_SCAN_BYTES of a field over the size limit, whose error is
 * already set, so that trust judges the field by its id.  An id that
 * reaches the end of those bytes may have been cut short, so it is
 * dropped.
 */
static void
read_oversize_id(struct ar_parser *parser, const char *value, size_t length)
{
	struct landed_ar_header *header = parser->header;

	if (value == NULL || parser->kind == LANDED_AR_RECEIVED_SPF)
		return;
	if (length > LANDED_AR_ID_SCAN_BYTES)
		length = LANDED_AR_ID_SCAN_BYTES;
	if (prepare_pool(parser, value, length) != 0) {
		parser->out_of_memory = 1;
		ld_ar_lex_done(&parser->lexer);
		return;
	}
	if (memchr(parser->lexer.text, '\0', parser->lexer.length) == NULL &&
	    (parser->kind != LANDED_AR_ARC_AUTHENTICATION_RESULTS ||
	    parse_arc_instance(parser) == 0) &&
	    parse_authserv_id(parser) == 0 &&
	    ld_ar_lex_at_end(&parser->lexer))
		header->authserv_id = NULL;	/* in the pool; not freed */
	ld_ar_lex_done(&parser->lexer);
}

int
landed_ar_parse(enum landed_ar_kind kind, const char *value, size_t length,
    struct landed_ar_header **out)
{
	struct ar_parser parser;
	struct landed_ar_header *header;

	*out = NULL;
	memset(&parser, 0, sizeof(parser));
	header = new_header(kind);
	if (header == NULL)
		return -1;
	parser.header = header;
	parser.kind = kind;

	if (length > LANDED_AR_MAX_FIELD_BYTES) {
		fail(&parser, LANDED_AR_MAX_FIELD_BYTES, "field of %zu bytes "
		    "is over the limit of %d bytes", length,
		    LANDED_AR_MAX_FIELD_BYTES);
		read_oversize_id(&parser, value, length);
		goto done;
	}
	if (prepare_pool(&parser, value, length) != 0) {
		parser.out_of_memory = 1;
		goto done;
	}
	if (reject_nul(&parser) != 0 || run_grammar(&parser) != 0)
		clear_results(header);
	if (store_deviations(&parser) != 0)
		parser.out_of_memory = 1;
	ld_ar_lex_done(&parser.lexer);

done:
	if (parser.out_of_memory) {
		landed_ar_header_free(&header);
		return -1;
	}
	*out = header;
	return 0;
}

void
landed_ar_header_free(struct landed_ar_header **header)
{
	struct landed_ar_header *h;
	size_t i, j;

	if (header == NULL || *header == NULL)
		return;
	h = *header;
	for (i = 0; i < h->result_count; i++) {
		struct landed_ar_result *r = &h->results[i];

		/* Strings of a parsed header live in its pool. */
		if (h->internal == NULL) {
			for (j = 0; j < r->property_count; j++) {
				free(r->properties[j].ptype);
				free(r->properties[j].property);
				free(r->properties[j].value);
			}
			free(r->method);
			free(r->method_version);
			free(r->result);
			free(r->reason);
		}
		free(r->properties);
	}
	if (h->internal == NULL) {
		free(h->authserv_id);
		free(h->version);
	}
	free(h->internal);
	free(h->results);
	free(h->deviations);
	free(h->error);
	free(h);
	*header = NULL;
}

const char *
landed_ar_kind_name(enum landed_ar_kind kind)
{
	if ((size_t)kind >= LANDED_AR_KIND_COUNT)
		return "unknown field";
	return kind_names[kind];
}
