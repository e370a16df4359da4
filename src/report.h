/*
 * Report writers of `landed check`.  Each writes the whole report to out
 * and returns 0, or -1 when writing failed (errno set).
 */
#ifndef LANDED_REPORT_H
#define LANDED_REPORT_H

#include <stdio.h>

#include "result.h"

struct ld_report_style {
	int color;		/* ANSI colour: only on a TTY without NO_COLOR */
	int verbose;		/* -v: per-cell details */
};

int ld_report_write_json(struct ld_report *report, FILE *out);
int ld_report_write_table(struct ld_report *report, FILE *out,
    const struct ld_report_style *style);

/* Formats t as "2026-12-04T19:43:21Z" into buf (at least 21 bytes). */
void ld_format_utc(time_t t, char *buf, size_t size);

#endif
