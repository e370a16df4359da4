/*
 * HTML report: one self-contained page (inline style sheet, no scripts,
 * no external assets) with the colour matrix, a legend, each cell's
 * details and the accounts that could not be checked.  The page is built
 * as a libxml2 HTML tree, so every text and attribute is escaped by the
 * serializer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include "report.h"

/* libxml2's BAD_CAST drops const, which -Wcast-qual rejects. */
#define XML_TEXT(s) ((const xmlChar *)(s))

#define CELL_TEXT_MAX 256

/*
 * Each placement's cell colour.  tests/it/report-html.sh looks for these
 * exact colours in a screenshot, so change both together.
 */
static const char style_sheet[] =
    "body { font-family: sans-serif; margin: 24px; color: #1a1a1a;"
    " background: #ffffff; }\n"
    "table.matrix { border-collapse: separate; border-spacing: 3px; }\n"
    "table.matrix th { background: #eeeeee; text-align: left;"
    " padding: 6px 10px; font-weight: 600; vertical-align: top; }\n"
    "table.matrix td { padding: 8px 12px; white-space: nowrap; }\n"
    "table.matrix td a { color: inherit; text-decoration: none; }\n"
    ".inbox { background: #b9e6bd; }\n"
    ".spam { background: #f6c08b; }\n"
    ".other { background: #a9d4f5; }\n"
    ".missing { background: #d6d6d6; }\n"
    ".rejected { background: #ef9a9a; }\n"
    ".error { background: #c5a3d9; }\n"
    "td.disagrees { outline: 3px dashed #7a0019; outline-offset: -4px; }\n"
    ".swatch { display: inline-block; width: 12px; height: 12px;"
    " margin-right: 8px; vertical-align: middle; }\n"
    "ul.legend { list-style: none; padding: 0; }\n"
    ".detail { border-left: 4px solid #cccccc; padding: 2px 12px;"
    " margin: 12px 0; }\n"
    ".detail h3 { font-size: 1em; margin: 4px 0; }\n"
    "dl { display: grid; grid-template-columns: max-content auto;"
    " gap: 2px 16px; margin: 4px 0; }\n"
    "dt { color: #555555; }\n"
    "dd { margin: 0; font-family: monospace; }\n";

/* Adds an element with escaped, cleaned text; returns it or NULL. */
static xmlNodePtr
add_text(xmlNodePtr parent, const char *name, const char *value)
{
	char *clean = ld_report_clean_text(value != NULL ? value : "", 1);
	xmlNodePtr node;

	if (clean == NULL)
		return NULL;
	node = xmlNewTextChild(parent, NULL, XML_TEXT(name), XML_TEXT(clean));
	free(clean);
	return node;
}

static xmlNodePtr
add_element(xmlNodePtr parent, const char *name)
{
	return xmlNewChild(parent, NULL, XML_TEXT(name), NULL);
}

static int
set_attribute(xmlNodePtr node, const char *name, const char *value)
{
	char *clean;
	xmlAttrPtr attr;

	if (node == NULL || (clean = ld_report_clean_text(value, 0)) == NULL)
		return -1;
	attr = xmlNewProp(node, XML_TEXT(name), XML_TEXT(clean));
	free(clean);
	return attr != NULL ? 0 : -1;
}

static void
cell_id(size_t a, size_t t, char *buf, size_t size)
{
	snprintf(buf, size, "r%zu-%zu", a, t);
}

static int
add_header_row(xmlNodePtr table, struct ld_report *report)
{
	xmlNodePtr row = add_element(add_element(table, "thead"), "tr");

	if (row == NULL || add_text(row, "th", "provider") == NULL ||
	    add_text(row, "th", "account") == NULL)
		return -1;
	for (size_t t = 0; t < report->test_count; t++) {
		const struct ld_test *test = &report->tests[t];
		xmlNodePtr th = add_text(row, "th", test->label);

		if (th == NULL)
			return -1;
		if (test->message_id != NULL &&
		    set_attribute(th, "title", test->message_id) != 0)
			return -1;
	}
	return 0;
}

static int
add_cell(xmlNodePtr row, struct ld_report *report, size_t a, size_t t)
{
	const struct ld_result *r = ld_report_result(report, a, t);
	char text[CELL_TEXT_MAX], id[64], href[80], classes[64];
	xmlNodePtr td = add_element(row, "td");
	xmlNodePtr link;

	ld_report_cell_text(r, text, sizeof(text));
	cell_id(a, t, id, sizeof(id));
	snprintf(href, sizeof(href), "#%s", id);
	snprintf(classes, sizeof(classes), "%s%s", ld_placement_name(r->placement),
	    r->disagreement != NULL ? " disagrees" : "");
	if (set_attribute(td, "class", classes) != 0 ||
	    (link = add_text(td, "a", text)) == NULL ||
	    set_attribute(link, "href", href) != 0)
		return -1;
	return 0;
}

/* Counts the accounts from index i on that share account i's provider. */
static size_t
group_size(struct ld_report *report, const size_t *order, size_t i)
{
	const char *provider = ld_report_provider_name(&report->accounts[order[i]]);
	size_t n = 1;

	while (i + n < report->account_count &&
	    strcmp(ld_report_provider_name(&report->accounts[order[i + n]]),
	    provider) == 0)
		n++;
	return n;
}

static int
add_matrix(xmlNodePtr body, struct ld_report *report, const size_t *order)
{
	xmlNodePtr table = add_element(body, "table"), tbody;
	char rowspan[32];

	if (set_attribute(table, "class", "matrix") != 0 ||
	    add_header_row(table, report) != 0 ||
	    (tbody = add_element(table, "tbody")) == NULL)
		return -1;
	for (size_t i = 0; i < report->account_count; i++) {
		size_t a = order[i];
		xmlNodePtr row = add_element(tbody, "tr");

		if (row == NULL)
			return -1;
		/* The provider's name spans its group of rows. */
		if (i == 0 || strcmp(ld_report_provider_name(&report->accounts[a]),
		    ld_report_provider_name(&report->accounts[order[i - 1]])) != 0) {
			xmlNodePtr th = add_text(row, "th",
			    ld_report_provider_name(&report->accounts[a]));

			snprintf(rowspan, sizeof(rowspan), "%zu",
			    group_size(report, order, i));
			if (set_attribute(th, "rowspan", rowspan) != 0)
				return -1;
		}
		if (add_text(row, "th", report->accounts[a].account->name) == NULL)
			return -1;
		for (size_t t = 0; t < report->test_count; t++)
			if (add_cell(row, report, a, t) != 0)
				return -1;
	}
	return 0;
}

static int
add_legend(xmlNodePtr body)
{
	xmlNodePtr list = add_element(body, "ul");

	if (set_attribute(list, "class", "legend") != 0)
		return -1;
	for (int p = LD_PLACEMENT_INBOX; p <= LD_PLACEMENT_ERROR; p++) {
		xmlNodePtr item = add_element(list, "li"), swatch;
		char line[128];

		if (item == NULL || (swatch = add_element(item, "span")) == NULL)
			return -1;
		snprintf(line, sizeof(line), "swatch %s", ld_placement_name(p));
		if (set_attribute(swatch, "class", line) != 0)
			return -1;
		snprintf(line, sizeof(line), "%s: %s", ld_placement_name(p),
		    ld_report_placement_meaning(p));
		if (xmlAddChild(item, xmlNewText(XML_TEXT(line))) == NULL)
			return -1;
	}
	for (size_t i = 0; ld_report_verdict_legend[i] != NULL; i++)
		if (add_text(list, "li", ld_report_verdict_legend[i]) == NULL)
			return -1;
	return 0;
}

static int
add_definition(xmlNodePtr list, const char *term, const char *value)
{
	if (add_text(list, "dt", term) == NULL ||
	    add_text(list, "dd", value) == NULL)
		return -1;
	return 0;
}

static int
add_headers(xmlNodePtr list, const struct ld_result *r)
{
	int trusted = 0;

	for (size_t h = 0; h < r->header_count; h++) {
		char *text;
		int rc;

		if (r->headers[h]->trusted != LANDED_AR_TRUST_YES)
			continue;
		if ((text = ld_report_header_text(r->headers[h])) == NULL)
			return -1;
		rc = add_definition(list, trusted ? "" : "trusted", text);
		free(text);
		if (rc != 0)
			return -1;
		trusted = 1;
	}
	if (!trusted && r->placement != LD_PLACEMENT_MISSING &&
	    r->placement != LD_PLACEMENT_ERROR &&
	    r->placement != LD_PLACEMENT_REJECTED)
		return add_definition(list, "trusted", "no header of the receiver");
	return 0;
}

static int
add_bounce(xmlNodePtr list, const struct ld_result *r)
{
	char *text;
	int rc;

	if (ld_report_bounce_text(r, &text) != 0)
		return -1;
	if (text == NULL)
		return 0;
	rc = add_definition(list, "bounce", text);
	free(text);
	if (rc == 0 && r->bounce->diagnostic != NULL)
		rc = add_definition(list, "reply", r->bounce->diagnostic);
	return rc;
}

static int
add_cell_detail(xmlNodePtr section, struct ld_report *report, size_t a,
    size_t t)
{
	const struct ld_result *r = ld_report_result(report, a, t);
	char id[64], line[CELL_TEXT_MAX + 128], cell[CELL_TEXT_MAX], when[32];
	char *verdict;
	xmlNodePtr div = add_element(section, "div"), heading, swatch, list;

	cell_id(a, t, id, sizeof(id));
	ld_report_cell_text(r, cell, sizeof(cell));
	snprintf(line, sizeof(line), "%s / %s: %s",
	    report->accounts[a].account->name, report->tests[t].label, cell);
	if (set_attribute(div, "class", "detail") != 0 ||
	    set_attribute(div, "id", id) != 0 ||
	    (heading = add_element(div, "h3")) == NULL ||
	    (swatch = add_element(heading, "span")) == NULL ||
	    (list = add_element(div, "dl")) == NULL)
		return -1;
	snprintf(when, sizeof(when), "swatch %s", ld_placement_name(r->placement));
	if (set_attribute(swatch, "class", when) != 0 ||
	    add_text(heading, "span", line) == NULL)
		return -1;

	if (r->folder != NULL) {
		snprintf(line, sizeof(line), "%u", r->copies);
		if (add_definition(list, "folder", r->folder) != 0 ||
		    add_definition(list, "copies", line) != 0)
			return -1;
	}
	if (r->moved_from != NULL && add_definition(list, "moved from",
	    r->moved_from) != 0)
		return -1;
	ld_format_utc(r->received_at, when, sizeof(when));
	if (when[0] != '\0' && add_definition(list, "received", when) != 0)
		return -1;
	if (r->placement == LD_PLACEMENT_INBOX || r->placement == LD_PLACEMENT_SPAM ||
	    r->placement == LD_PLACEMENT_OTHER) {
		snprintf(line, sizeof(line), "%lld s after the check started",
		    (r->found_after_ms + 500) / 1000);
		if (add_definition(list, "found", line) != 0)
			return -1;
	}
	if (add_headers(list, r) != 0)
		return -1;
	if (r->ignored_headers > 0) {
		snprintf(line, sizeof(line), "%zu untrusted field%s not used",
		    r->ignored_headers, r->ignored_headers == 1 ? "" : "s");
		if (add_definition(list, "ignored", line) != 0)
			return -1;
	}
	if (ld_report_verdict_text(r, &verdict) != 0)
		return -1;
	if (verdict != NULL && add_definition(list, "provider", verdict) != 0) {
		free(verdict);
		return -1;
	}
	free(verdict);
	if (r->disagreement != NULL &&
	    add_definition(list, "disagrees", r->disagreement) != 0)
		return -1;
	if (add_bounce(list, r) != 0)
		return -1;
	if (r->error != NULL && add_definition(list, "error", r->error) != 0)
		return -1;
	return 0;
}

static int
add_errors(xmlNodePtr body, struct ld_report *report, const size_t *order)
{
	const struct ld_bounce_report *bounces = &report->bounces;
	xmlNodePtr list = NULL;
	char line[1200];

	if (bounces->account != NULL) {
		if (bounces->ok)
			snprintf(line, sizeof(line), "Bounce mailbox %s: %zu "
			    "bounce%s for the tests, %zu recipient%s matching no "
			    "account.", bounces->account->name, bounces->bounces,
			    bounces->bounces == 1 ? "" : "s", bounces->unmatched,
			    bounces->unmatched == 1 ? "" : "s");
		else
			snprintf(line, sizeof(line), "Bounce mailbox %s not read: "
			    "%s", bounces->account->name, bounces->error != NULL ?
			    bounces->error : "failed");
		if (add_text(body, "p", line) == NULL)
			return -1;
	}

	for (size_t i = 0; i < report->account_count; i++) {
		const struct ld_account_report *account = &report->accounts[order[i]];

		if (account->ok)
			continue;
		if (list == NULL && (add_text(body, "h2",
		    "Accounts not checked") == NULL ||
		    (list = add_element(body, "ul")) == NULL))
			return -1;
		snprintf(line, sizeof(line), "%s: %s", account->account->name,
		    account->error != NULL ? account->error : "failed");
		if (add_text(list, "li", line) == NULL)
			return -1;
	}
	return 0;
}

static int
add_summary(xmlNodePtr body, struct ld_report *report)
{
	char started[32], finished[32], line[160];

	ld_format_utc(report->started_at, started, sizeof(started));
	ld_format_utc(report->finished_at, finished, sizeof(finished));
	snprintf(line, sizeof(line), "%zu account%s, %zu test%s; checked from "
	    "%s to %s.", report->account_count,
	    report->account_count == 1 ? "" : "s", report->test_count,
	    report->test_count == 1 ? "" : "s",
	    started[0] != '\0' ? started : "an unknown time",
	    finished[0] != '\0' ? finished : "an unknown time");
	if (add_text(body, "h1", "Inbox placement") == NULL ||
	    add_text(body, "p", line) == NULL)
		return -1;
	return 0;
}

static int
add_head(xmlNodePtr html, struct ld_report *report)
{
	xmlNodePtr head = add_element(html, "head"), meta, style;
	char title[64], started[32];

	ld_format_utc(report->started_at, started, sizeof(started));
	snprintf(title, sizeof(title), "landed report %s", started);
	if (head == NULL || (meta = add_element(head, "meta")) == NULL ||
	    set_attribute(meta, "charset", "utf-8") != 0 ||
	    add_text(head, "title", title) == NULL ||
	    (style = add_text(head, "style", style_sheet)) == NULL)
		return -1;
	return 0;
}

static int
build_page(xmlDocPtr doc, struct ld_report *report, const size_t *order)
{
	xmlNodePtr html, body, section;

	html = xmlNewDocNode(doc, NULL, XML_TEXT("html"), NULL);
	if (html == NULL)
		return -1;
	xmlDocSetRootElement(doc, html);
	if (set_attribute(html, "lang", "en") != 0 ||
	    add_head(html, report) != 0 ||
	    (body = add_element(html, "body")) == NULL ||
	    add_summary(body, report) != 0 ||
	    add_matrix(body, report, order) != 0 ||
	    add_legend(body) != 0 ||
	    add_errors(body, report, order) != 0 ||
	    add_text(body, "h2", "Details") == NULL ||
	    (section = add_element(body, "div")) == NULL)
		return -1;
	for (size_t i = 0; i < report->account_count; i++)
		for (size_t t = 0; t < report->test_count; t++)
			if (add_cell_detail(section, report, order[i], t) != 0)
				return -1;
	return 0;
}

int
ld_report_write_html(struct ld_report *report, FILE *out,
    const struct ld_report_options *options)
{
	size_t *order = calloc(report->account_count + 1, sizeof(*order));
	xmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
	xmlChar *page = NULL;
	int size = 0, rc = -1;

	(void)options;
	if (order == NULL || doc == NULL ||
	    xmlCreateIntSubset(doc, XML_TEXT("html"), NULL, NULL) == NULL)
		goto out;
	ld_report_group_by_provider(report, order);
	if (build_page(doc, report, order) != 0)
		goto out;
	htmlDocDumpMemoryFormat(doc, &page, &size, 1);
	if (page == NULL)
		goto out;
	if (fwrite(page, 1, (size_t)size, out) == (size_t)size && !ferror(out))
		rc = 0;

out:
	if (rc != 0 && page == NULL)
		errno = ENOMEM;
	xmlFree(page);
	xmlFreeDoc(doc);
	free(order);
	return rc;
}
