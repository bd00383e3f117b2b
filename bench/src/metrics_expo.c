// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>
#include "metrics_expo.h"

void expo_write_label_value(FILE *out, const char *value)
{
	for (const char *p = value; *p; p++) {
		switch (*p) {
		case '\\': fputs("\\\\", out); break;
		case '"': fputs("\\\"", out); break;
		case '\n': fputs("\\n", out); break;
		default: fputc(*p, out);
		}
	}
}

void expo_write_help_text(FILE *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		default: fputc(*p, out);
		}
	}
}

void expo_family(struct expo_writer *w, const char *name, const char *type,
		 const char *help)
{
	w->name = name;
	w->type = type;
	w->help = help;
	w->header_written = 0;
}

void expo_sample(struct expo_writer *w, const struct expo_label *labels,
		 size_t n, const char *value)
{
	if (!w->header_written) {
		fprintf(w->out, "# HELP %s ", w->name);
		expo_write_help_text(w->out, w->help);
		fprintf(w->out, "\n# TYPE %s %s\n", w->name, w->type);
		w->header_written = 1;
	}
	fputs(w->name, w->out);
	for (size_t i = 0; i < n; i++) {
		fprintf(w->out, "%s%s=\"", i ? "," : "{", labels[i].name);
		expo_write_label_value(w->out, labels[i].value);
		fputc('"', w->out);
	}
	fprintf(w->out, "%s %s\n", n ? "}" : "", value);
}

char *expo_scaled(char *buf, uint64_t v, unsigned digits)
{
	uint64_t scale = 1;
	size_t len;

	if (digits > 19)
		digits = 19;
	for (unsigned i = 0; i < digits; i++)
		scale *= 10;
	if (digits == 0) {
		snprintf(buf, EXPO_NUMBER_LEN, "%" PRIu64, v);
		return buf;
	}
	snprintf(buf, EXPO_NUMBER_LEN, "%" PRIu64 ".%0*" PRIu64, v / scale,
		 (int)digits, v % scale);
	/* Trailing zeros of the fraction, and a bare point, go. */
	len = strlen(buf);
	while (buf[len - 1] == '0')
		buf[--len] = '\0';
	if (buf[len - 1] == '.')
		buf[--len] = '\0';
	return buf;
}
