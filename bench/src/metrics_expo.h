/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing the Prometheus text exposition format, version 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats/): per metric
 * family a "# HELP" and a "# TYPE" line, then its samples
 * "name{label="value",...} value", all samples of a family together.
 *
 * A family's HELP and TYPE lines are written with its first sample, so
 * a family without samples leaves nothing in the output.
 */
#ifndef LAGS_METRICS_EXPO_H
#define LAGS_METRICS_EXPO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct expo_label {
	const char *name;	/* [a-zA-Z_][a-zA-Z0-9_]*, written as is */
	const char *value;	/* any UTF-8 text, escaped */
};

struct expo_writer {
	FILE *out;
	const char *name, *type, *help;	/* the family being written */
	int header_written;
};

/* Writes "\\" for a backslash, "\"" for a double quote and "\n" for a
 * newline, other bytes as they are (label values). */
void expo_write_label_value(FILE *out, const char *value);
/* Writes "\\" and "\n" for backslash and newline (HELP text). */
void expo_write_help_text(FILE *out, const char *text);

/* Starts the family name of type ("counter", "gauge") with help text. */
void expo_family(struct expo_writer *w, const char *name, const char *type,
		 const char *help);
/* One sample of the current family: labels (n of them) and value, the
 * text of a number (see expo_scaled). */
void expo_sample(struct expo_writer *w, const struct expo_label *labels,
		 size_t n, const char *value);

/*
 * The exact decimal text of v / 10^digits into buf (at least
 * EXPO_NUMBER_LEN bytes), e.g. (1500, 6) -> "0.0015", (7, 0) -> "7":
 * microseconds or nanoseconds as seconds without floating point
 * rounding.  digits at most 19.  Returns buf.
 */
#define EXPO_NUMBER_LEN 48
char *expo_scaled(char *buf, uint64_t v, unsigned digits);

#endif
