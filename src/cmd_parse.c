/*
 * landed parse: print the Authentication-Results, ARC-Authentication-Results
 * and Received-SPF fields of a message as JSON.
 *
 * The message is read one field at a time and each field's JSON is written
 * as soon as it is parsed, so memory stays flat whatever the input size.
 * Trust needs a look-ahead: ARC and Received-SPF fields are trusted only
 * above the lowest trusted Authentication-Results field, and ARC only at
 * the highest matching instance there.  So with a trust policy the input
 * is read twice: a regular file by seeking back, anything else after
 * spooling it to an unlinked temporary file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "authres_block.h"
#include "authres_json.h"
#include "commands.h"
#include "headers.h"
#include "log.h"
#include "provider_registry.h"
#include "trust.h"

static const char parse_usage[] =
"usage: landed parse [--trust PATTERN]... [--provider NAME] [FILE|-]\n"
"\n"
"Print every Authentication-Results, ARC-Authentication-Results and\n"
"Received-SPF field of a message or bare header block (standard input\n"
"when FILE is '-' or absent) as JSON.\n"
"\n"
"  --trust PATTERN   trust the topmost field whose authserv-id matches\n"
"                    PATTERN (case-insensitive; '*' matches any run of\n"
"                    characters); repeatable\n"
"  --provider NAME   trust the authserv-ids of a known provider; repeatable\n"
"  --plugin-dir DIR  load provider plugins (NAME.so) from DIR before those\n"
"                    in $LANDED_PLUGIN_PATH; repeatable\n"
"  -h, --help        show this help\n"
"\n"
"Exit status: 0 every field parsed, 1 a field had an error,\n"
"2 usage or input/output error.\n";

/* The output buffer; output is written field by field through it. */
#define OUTPUT_BUFFER_BYTES	(256 * 1024)
#define SPOOL_CHUNK_BYTES	(64 * 1024)

struct parse_run {
	struct ld_trust_policy policy;
	struct ld_trust_stream trust;
	FILE *input;		/* what is read: the file, stdin or the spool */
	FILE *opened;		/* owned: the file opened from the command line */
	FILE *spool;		/* owned: the copy of a non-seekable input */
	off_t start;		/* where the input starts, for the second pass */
	size_t emitted;
	int had_field_error;

	/* The JSON text of one header, reused from field to field, so that
	 * each field costs one json_dumpb() and one fwrite(). */
	char *text;
	size_t text_size;
};

/* Adds the authserv-ids of each --provider, after the plugins loaded. */
static int
add_providers(struct parse_run *run, const struct ld_string_list *names,
    const struct ld_string_list *plugin_dirs, int *status)
{
	const struct landed_provider *provider;
	struct ld_error err = { 0 };

	*status = LD_EXIT_USAGE;
	if (ld_provider_load_plugins(plugin_dirs, &err) != LD_OK) {
		ld_log_error("%s", err.message);
		return -1;
	}
	for (size_t i = 0; i < names->count; i++) {
		provider = ld_provider_find(names->items[i]);
		if (provider == NULL) {
			ld_log_error("unknown provider '%s'; known providers: %s",
			    names->items[i], ld_provider_names());
			return -1;
		}
		if (ld_trust_policy_add_provider(&run->policy, provider) != 0) {
			ld_log_error("out of memory while reading the options");
			return -1;
		}
	}
	return 0;
}

/* Parses the options into run->policy.  Returns optind, or -1 after a
 * usage error or help (with *status set). */
static int
parse_options(int argc, char **argv, struct parse_run *run, int *status)
{
	static const struct option options[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "provider", required_argument, NULL, 'p' },
		{ "plugin-dir", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* --provider names and --plugin-dir directories, both from argv. */
	struct ld_string_list names = { 0 }, plugin_dirs = { 0 };
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 't':
			if (ld_trust_policy_add(&run->policy, optarg) != 0)
				goto no_memory;
			break;
		case 'p':
			if (ld_string_list_add(&names, optarg) != 0)
				goto no_memory;
			break;
		case 'P':
			if (ld_string_list_add(&plugin_dirs, optarg) != 0)
				goto no_memory;
			break;
		case 'h':
			fputs(parse_usage, stdout);
			*status = LD_EXIT_OK;
			goto fail;
		default:
			fputs(parse_usage, stderr);
			*status = LD_EXIT_USAGE;
			goto fail;
		}
	}
	if (argc - optind > 1) {
		ld_log_error("parse takes one FILE, got %d", argc - optind);
		*status = LD_EXIT_USAGE;
		goto fail;
	}
	rc = add_providers(run, &names, &plugin_dirs, status);
	ld_string_list_clear(&names);
	ld_string_list_clear(&plugin_dirs);
	return rc == 0 ? optind : -1;

no_memory:
	ld_log_error("out of memory while reading the options");
	*status = LD_EXIT_USAGE;
fail:
	ld_string_list_clear(&names);
	ld_string_list_clear(&plugin_dirs);
	return -1;
}

static int
open_input(struct parse_run *run, const char *path)
{
	struct stat st;

	if (path == NULL || strcmp(path, "-") == 0) {
		run->input = stdin;
		return 0;
	}
	run->opened = fopen(path, "rb");
	if (run->opened == NULL) {
		ld_log_error("cannot open '%s': %m", path);
		return -1;
	}
	if (fstat(fileno(run->opened), &st) == 0 && S_ISDIR(st.st_mode)) {
		ld_log_error("'%s' is a directory; give a message file, or - "
		    "for standard input", path);
		fclose(run->opened);
		run->opened = NULL;
		return -1;
	}
	run->input = run->opened;
	return 0;
}

/* Copies the rest of run->input into an unlinked temporary file. */
static int
spool_input(struct parse_run *run)
{
	char *chunk;
	size_t n;
	int rc = 0;

	run->spool = tmpfile();
	chunk = malloc(SPOOL_CHUNK_BYTES);
	if (run->spool == NULL || chunk == NULL) {
		ld_log_error("cannot create a temporary file for standard "
		    "input: %m; set TMPDIR to a writable directory");
		free(chunk);
		return -1;
	}
	while ((n = fread(chunk, 1, SPOOL_CHUNK_BYTES, run->input)) > 0) {
		if (fwrite(chunk, 1, n, run->spool) != n) {
			ld_log_error("writing the temporary copy of standard "
			    "input failed: %m");
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(run->input)) {
		ld_log_error("reading standard input failed: %m");
		rc = -1;
	}
	free(chunk);
	run->input = run->spool;
	run->start = 0;
	if (rc == 0 && fseeko(run->spool, 0, SEEK_SET) != 0)
		rc = -1;
	return rc;
}

/* Makes run->input readable twice: seekable as it is, or spooled. */
static int
make_rereadable(struct parse_run *run)
{
	struct stat st;

	if (fstat(fileno(run->input), &st) == 0 && S_ISREG(st.st_mode)) {
		run->start = ftello(run->input);
		if (run->start >= 0)
			return 0;
	}
	return spool_input(run);
}

/*
 * Reads up to the next authentication field.  Returns 1 with *kind and
 * *length set, 0 at the end of the header block, or -1 after a read error
 * (logged).  A field over the size limit comes with its full length and
 * the start of its value, or NULL when too little of it was kept, and
 * landed_ar_parse() reports it as an error.
 */
static int
next_auth_field(struct ld_header_reader *reader,
    struct ld_header_field *field, enum landed_ar_kind *kind,
    size_t *length)
{
	struct ld_error err;
	int rc;

	while ((rc = ld_header_reader_next(reader, field, &err)) != 0) {
		if (rc < 0 && err.status != LD_ERR_LIMIT) {
			ld_log_error("%s", err.message);
			return -1;
		}
		if (field->name == NULL || !ld_authres_field_kind(field, kind))
			continue;
		*length = field->value_length;
		if (rc < 0) {
			*length = field->length;
			if (field->value_length < LANDED_AR_ID_SCAN_BYTES)
				field->value = NULL;
		}
		return 1;
	}
	return 0;
}

/*
 * First pass: decides Authentication-Results trust, which depends only on
 * order, so that the second pass has the lowest trusted field and the
 * highest matching ARC instance above it.
 */
static int
scan_trust(struct parse_run *run)
{
	struct ld_header_reader *reader;
	struct ld_header_field field;
	struct landed_ar_header *header;
	enum landed_ar_kind kind;
	size_t length;
	int rc;

	reader = ld_header_reader_new(run->input);
	if (reader == NULL)
		return -1;
	while ((rc = next_auth_field(reader, &field, &kind, &length)) > 0) {
		if (landed_ar_parse(kind, field.value, length, &header) != 0) {
			ld_log_error("out of memory while parsing the field "
			    "at byte %zu", field.offset);
			rc = -1;
			break;
		}
		ld_trust_stream_scan(&run->trust, header);
		landed_ar_header_free(&header);
	}
	ld_header_reader_free(&reader);
	if (rc != 0)
		return -1;
	if (fseeko(run->input, run->start, SEEK_SET) != 0) {
		ld_log_error("cannot seek back in the input: %m");
		return -1;
	}
	return 0;
}

/* Decides trust for a header and writes its JSON element. */
static int
emit_header(struct parse_run *run, struct landed_ar_header *header)
{
	json_t *json;
	size_t length;

	header->position = run->emitted;
	ld_trust_stream_decide(&run->trust, header);
	if (header->error != NULL)
		run->had_field_error = 1;

	json = ld_authres_header_json(header);
	if (json == NULL)
		return -1;
	length = json_dumpb(json, run->text, run->text_size, JSON_COMPACT);
	if (length > run->text_size) {
		free(run->text);
		run->text_size = length * 2;
		run->text = malloc(run->text_size);
		length = run->text == NULL ? 0 :
		    json_dumpb(json, run->text, run->text_size, JSON_COMPACT);
	}
	json_decref(json);
	ld_authres_json_arena_rewind();
	if (length == 0)
		return -1;

	fputs(run->emitted == 0 ? "\n" : ",\n", stdout);
	fwrite(run->text, 1, length, stdout);
	run->emitted++;
	return 0;
}

/* Parses one field and writes it. */
static int
emit_field(struct parse_run *run, enum landed_ar_kind kind,
    const char *value, size_t length)
{
	struct landed_ar_header *header;
	int rc;

	if (landed_ar_parse(kind, value, length, &header) != 0)
		return -1;
	rc = emit_header(run, header);
	landed_ar_header_free(&header);
	return rc;
}

/* Second pass: every authentication field, in message order. */
static int
emit_all(struct parse_run *run)
{
	struct ld_header_reader *reader;
	struct ld_header_field field;
	enum landed_ar_kind kind;
	size_t length;
	int rc, status = 0;

	reader = ld_header_reader_new(run->input);
	if (reader == NULL)
		return -1;
	fputs("{\"headers\": [", stdout);
	while ((rc = next_auth_field(reader, &field, &kind, &length)) > 0) {
		if (emit_field(run, kind, field.value, length) != 0) {
			ld_log_error("out of memory while parsing the field "
			    "at byte %zu", field.offset);
			status = -1;
			break;
		}
	}
	if (rc < 0)
		status = -1;
	fputs(run->emitted == 0 ? "]}\n" : "\n]}\n", stdout);
	ld_header_reader_free(&reader);
	return status;
}

static int
run_parse(struct parse_run *run, const char *path)
{
	if (open_input(run, path) != 0)
		return LD_EXIT_USAGE;
	if (ld_authres_json_arena_start() != 0) {
		ld_log_error("out of memory");
		return LD_EXIT_USAGE;
	}
	if (ld_trust_stream_init(&run->trust, &run->policy) != 0) {
		ld_log_error("out of memory");
		return LD_EXIT_USAGE;
	}
	if (ld_trust_policy_is_set(&run->policy) &&
	    (make_rereadable(run) != 0 || scan_trust(run) != 0))
		return LD_EXIT_USAGE;
	if (emit_all(run) != 0)
		return LD_EXIT_USAGE;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ld_log_error("writing the output failed: %m");
		return LD_EXIT_USAGE;
	}
	return run->had_field_error ? LD_EXIT_MATCHED : LD_EXIT_OK;
}

int
ld_cmd_parse(int argc, char **argv)
{
	static char output_buffer[OUTPUT_BUFFER_BYTES];
	struct parse_run run;
	int first, status = LD_EXIT_OK;

	memset(&run, 0, sizeof(run));
	first = parse_options(argc, argv, &run, &status);
	if (first >= 0) {
		setvbuf(stdout, output_buffer, _IOFBF, sizeof(output_buffer));
		status = run_parse(&run, first < argc ? argv[first] : NULL);
	}

	free(run.text);
	ld_trust_stream_done(&run.trust);
	ld_trust_policy_clear(&run.policy);
	if (run.spool != NULL)
		fclose(run.spool);
	if (run.opened != NULL)
		fclose(run.opened);
	ld_provider_unload_all();
	return status;
}
