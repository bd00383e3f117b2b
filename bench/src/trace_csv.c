// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "trace_csv.h"

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A number followed by blanks and the expected terminator. */
static int parse_field(const char **cursor, char terminator, double *value,
		       const char *what, char *err, size_t errlen)
{
	const char *s = skip_blanks(*cursor);
	char *end;

	errno = 0;
	*value = strtod(s, &end);
	if (end == s || errno || !isfinite(*value)) {
		snprintf(err, errlen, "%s is not a number", what);
		return -1;
	}
	end = (char *)skip_blanks(end);
	if (terminator == ',' ? *end != ',' :
	    (*end && *end != '\n' && *end != '\r')) {
		snprintf(err, errlen, terminator == ',' ?
			 "missing field after %s" : "trailing text after %s",
			 what);
		return -1;
	}
	*cursor = *end ? end + 1 : end;
	return 0;
}

enum trace_line_kind trace_parse_line(const char *line,
				      struct trace_record *record,
				      char *err, size_t errlen)
{
	const char *cursor = skip_blanks(line);
	double function;

	if (!*cursor || *cursor == '\n' || *cursor == '\r' || *cursor == '#')
		return TRACE_LINE_SKIP;
	if (parse_field(&cursor, ',', &record->time_us, "time_us", err, errlen) ||
	    parse_field(&cursor, ',', &function, "function", err, errlen) ||
	    parse_field(&cursor, '\n', &record->service_us, "service_us", err,
			errlen))
		return TRACE_LINE_ERROR;
	if (record->time_us < 0) {
		snprintf(err, errlen, "time_us is negative");
		return TRACE_LINE_ERROR;
	}
	if (function < 0 || function != floor(function) || function > 1e15) {
		snprintf(err, errlen, "function must be a non-negative integer");
		return TRACE_LINE_ERROR;
	}
	if (!(record->service_us > 0)) {
		snprintf(err, errlen, "service_us must be positive");
		return TRACE_LINE_ERROR;
	}
	record->function = (uint64_t)function;
	return TRACE_LINE_RECORD;
}

void trace_reader_init(struct trace_reader *reader, FILE *file,
		       const char *name)
{
	memset(reader, 0, sizeof(*reader));
	reader->file = file;
	reader->name = name;
}

int trace_reader_open(struct trace_reader *reader, const char *path)
{
	FILE *file = fopen(path, "r");

	if (!file)
		return -1;
	trace_reader_init(reader, file, path);
	return 0;
}

int trace_reader_next(struct trace_reader *reader, struct trace_record *record)
{
	char why[160];

	while (getline(&reader->line, &reader->line_size, reader->file) >= 0) {
		const char *start = skip_blanks(reader->line);

		reader->line_number++;
		if (reader->line_number == 1 && isalpha((unsigned char)*start))
			continue;	/* header */
		switch (trace_parse_line(reader->line, record, why, sizeof(why))) {
		case TRACE_LINE_SKIP:
			continue;
		case TRACE_LINE_ERROR:
			snprintf(reader->error, sizeof(reader->error), "%s:%lu: %s",
				 reader->name, reader->line_number, why);
			return -1;
		case TRACE_LINE_RECORD:
			break;
		}
		if (record->time_us < reader->last_time_us) {
			snprintf(reader->error, sizeof(reader->error),
				 "%s:%lu: time_us goes backwards (%.3f after %.3f)",
				 reader->name, reader->line_number,
				 record->time_us, reader->last_time_us);
			return -1;
		}
		reader->last_time_us = record->time_us;
		return 1;
	}
	if (ferror(reader->file)) {
		snprintf(reader->error, sizeof(reader->error), "%s:%lu: read error: %s",
			 reader->name, reader->line_number, strerror(errno));
		return -1;
	}
	return 0;
}

void trace_reader_close(struct trace_reader *reader)
{
	if (reader->file)
		fclose(reader->file);
	free(reader->line);
	reader->file = NULL;
	reader->line = NULL;
}
