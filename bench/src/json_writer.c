// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <math.h>
#include "json_writer.h"

void json_init(struct json_writer *w, FILE *out)
{
	w->out = out;
	w->depth = 0;
	w->count[0] = 0;
}

static void write_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void member(struct json_writer *w, const char *key)
{
	if (w->count[w->depth]++)
		fputc(',', w->out);
	if (w->depth) {
		fputc('\n', w->out);
		for (int i = 0; i < w->depth; i++)
			fputs("  ", w->out);
	}
	if (key) {
		write_escaped(w->out, key);
		fputs(": ", w->out);
	}
}

static void open_level(struct json_writer *w, const char *key, char bracket)
{
	member(w, key);
	fputc(bracket, w->out);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->count[++w->depth] = 0;
}

static void close_level(struct json_writer *w, char bracket)
{
	int had_members = w->count[w->depth];

	if (w->depth)
		w->depth--;
	if (had_members) {
		fputc('\n', w->out);
		for (int i = 0; i < w->depth; i++)
			fputs("  ", w->out);
	}
	fputc(bracket, w->out);
	if (!w->depth)
		fputc('\n', w->out);
}

void json_object_begin(struct json_writer *w, const char *key)
{
	open_level(w, key, '{');
}

void json_object_end(struct json_writer *w)
{
	close_level(w, '}');
}

void json_array_begin(struct json_writer *w, const char *key)
{
	open_level(w, key, '[');
}

void json_array_end(struct json_writer *w)
{
	close_level(w, ']');
}

void json_string(struct json_writer *w, const char *key, const char *value)
{
	member(w, key);
	write_escaped(w->out, value ? value : "");
}

void json_uint(struct json_writer *w, const char *key, uint64_t value)
{
	member(w, key);
	fprintf(w->out, "%" PRIu64, value);
}

void json_int(struct json_writer *w, const char *key, int64_t value)
{
	member(w, key);
	fprintf(w->out, "%" PRId64, value);
}

void json_double(struct json_writer *w, const char *key, double value)
{
	member(w, key);
	if (isfinite(value))
		fprintf(w->out, "%.10g", value);
	else
		fputs("null", w->out);
}

void json_bool(struct json_writer *w, const char *key, int value)
{
	member(w, key);
	fputs(value ? "true" : "false", w->out);
}

void json_null(struct json_writer *w, const char *key)
{
	member(w, key);
	fputs("null", w->out);
}
