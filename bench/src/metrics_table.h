/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A whitespace-separated table with a header line, the shape of the
 * lags.ko debugfs files stats, cgroups and tunables
 * (Documentation/module.rst): the first line names the columns, every
 * further non-empty line is one row with exactly as many cells.
 */
#ifndef LAGS_METRICS_TABLE_H
#define LAGS_METRICS_TABLE_H

#include <stddef.h>

struct metrics_table {
	size_t ncols;
	size_t nrows;
	char **cols;	/* ncols header names */
	char **cells;	/* nrows * ncols cells, row-major */
	char *text;	/* the file's text; cols and cells point into it */
};

/*
 * Reads the table at path (at most 16 MiB).  0 on success; -1 when the
 * file cannot be read, has no header line or a row has a different
 * number of cells than the header, with the reason in err.  On error
 * t is empty (metrics_table_free is still allowed).
 */
int metrics_table_read(const char *path, struct metrics_table *t,
		       char *err, size_t errlen);
/* Parses text (modified in place, owned by t afterwards; NULL-safe). */
int metrics_table_parse(char *text, struct metrics_table *t,
			char *err, size_t errlen);
/* Index of the column named name, or -1. */
long metrics_table_col(const struct metrics_table *t, const char *name);
/* Cell of row r, column c (both in range). */
const char *metrics_table_cell(const struct metrics_table *t, size_t r,
			       size_t c);
void metrics_table_free(struct metrics_table *t);

#endif
