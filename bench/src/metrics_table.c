// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "metrics_table.h"

#define TABLE_MAX_BYTES (16u << 20)

/* Splits line (modified) at blanks into at most max tokens; returns the
 * number found, or max + 1 when there are more. */
static size_t split_blanks(char *line, char **tok, size_t max)
{
	size_t n = 0;
	char *save, *t;

	for (t = strtok_r(line, " \t\r", &save); t;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (n == max)
			return max + 1;
		tok[n++] = t;
	}
	return n;
}

static size_t count_blanks_tokens(const char *line)
{
	size_t n = 0;
	int in = 0;

	for (; *line && *line != '\n'; line++) {
		int blank = *line == ' ' || *line == '\t' || *line == '\r';

		if (!blank && !in)
			n++;
		in = !blank;
	}
	return n;
}

int metrics_table_parse(char *text, struct metrics_table *t, char *err,
			size_t errlen)
{
	size_t lines = 0, row = 0, lineno = 0;
	char *p, *next;

	memset(t, 0, sizeof(*t));
	t->text = text;
	for (p = text; *p; p++)
		lines += *p == '\n';
	lines++;
	p = text;
	while (*p == '\n')
		p++;
	if (!*p) {
		snprintf(err, errlen, "empty (no header line)");
		goto fail;
	}
	next = strchr(p, '\n');
	if (next)
		*next++ = '\0';
	t->ncols = count_blanks_tokens(p);
	t->cols = calloc(t->ncols ? t->ncols : 1, sizeof(*t->cols));
	t->cells = calloc(lines * (t->ncols ? t->ncols : 1), sizeof(*t->cells));
	if (!t->cols || !t->cells) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	split_blanks(p, t->cols, t->ncols);
	lineno = 1;
	for (p = next; p && *p; p = next) {
		size_t n;

		lineno++;
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		if (count_blanks_tokens(p) == 0)
			continue;
		n = split_blanks(p, t->cells + row * t->ncols, t->ncols);
		if (n != t->ncols) {
			snprintf(err, errlen, "line %zu has %s cells than the %zu of the header",
				 lineno, n > t->ncols ? "more" : "fewer", t->ncols);
			goto fail;
		}
		row++;
	}
	t->nrows = row;
	return 0;
fail:
	metrics_table_free(t);
	return -1;
}

int metrics_table_read(const char *path, struct metrics_table *t, char *err,
		       size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 4096, n;
	char *text, *grown, msg[256];

	memset(t, 0, sizeof(*t));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = malloc(cap);
	while (text && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 < cap)
			continue;
		if (cap >= TABLE_MAX_BYTES) {
			snprintf(err, errlen, "%s: larger than %u bytes", path,
				 TABLE_MAX_BYTES);
			free(text);
			fclose(f);
			return -1;
		}
		grown = realloc(text, cap * 2);
		if (!grown) {
			free(text);
			text = NULL;
			break;
		}
		text = grown;
		cap *= 2;
	}
	if (!text || ferror(f)) {
		snprintf(err, errlen, "%s: %s", path,
			 text ? "read error" : "out of memory");
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	text[len] = '\0';
	if (metrics_table_parse(text, t, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "%s: %s", path, msg);
		return -1;
	}
	return 0;
}

long metrics_table_col(const struct metrics_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (long)i;
	return -1;
}

const char *metrics_table_cell(const struct metrics_table *t, size_t r,
			       size_t c)
{
	return t->cells[r * t->ncols + c];
}

void metrics_table_free(struct metrics_table *t)
{
	free(t->cols);
	free(t->cells);
	free(t->text);
	memset(t, 0, sizeof(*t));
}
