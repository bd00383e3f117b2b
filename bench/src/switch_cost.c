// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "switch_cost.h"

#define CPU_MODEL_KEY "cpu_model:"

/* One data row; what the loader keeps of it. */
struct switch_cost_row {
	unsigned groups, ws_kib;
	double extra_ns;
};

/* Parses a positive integer field; 0 or -1. */
static int parse_positive(const char *field, unsigned *out)
{
	char *end;
	unsigned long value;

	if (*field < '0' || *field > '9')
		return -1;
	errno = 0;
	value = strtoul(field, &end, 10);
	if (errno || *end || value == 0 || value > 1u << 30)
		return -1;
	*out = (unsigned)value;
	return 0;
}

/* Parses a finite number; 0 or -1. */
static int parse_finite(const char *field, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(field, &end);
	return errno || *end || end == field || !isfinite(*out) ? -1 : 0;
}

/* Splits a row and checks its five leading fields; 0 or -1 with why. */
static int parse_row(char *line, struct switch_cost_row *row, char *why,
		     size_t size)
{
	static const char *const names[] = {
		"groups_per_cpu", "working_set_kib", "extra_ns", "handoff_ns",
		"reps",
	};
	char *fields[5], *save = NULL;
	unsigned n = 0, reps;
	double handoff;

	for (char *f = strtok_r(line, " \t\r\n", &save); f && n < 5;
	     f = strtok_r(NULL, " \t\r\n", &save))
		fields[n++] = f;
	if (n < 5) {
		snprintf(why, size, "expected 5 columns (groups_per_cpu "
			 "working_set_kib extra_ns handoff_ns reps), found %u", n);
		return -1;
	}
	if (parse_positive(fields[0], &row->groups) ||
	    parse_positive(fields[1], &row->ws_kib)) {
		unsigned bad = parse_positive(fields[0], &row->groups) ? 0 : 1;

		snprintf(why, size, "%s '%s' is not a positive integer",
			 names[bad], fields[bad]);
		return -1;
	}
	if (parse_finite(fields[2], &row->extra_ns) ||
	    parse_finite(fields[3], &handoff)) {
		unsigned bad = parse_finite(fields[2], &row->extra_ns) ? 2 : 3;

		snprintf(why, size, "%s '%s' is not a finite number", names[bad],
			 fields[bad]);
		return -1;
	}
	if (parse_positive(fields[4], &reps)) {
		snprintf(why, size, "reps '%s' is not a positive integer",
			 fields[4]);
		return -1;
	}
	return 0;
}

/* Inserts value into the ascending set; its index, or -1 when full. */
static int axis_insert(unsigned *axis, unsigned *n, unsigned value)
{
	unsigned i = 0;

	while (i < *n && axis[i] < value)
		i++;
	if (i < *n && axis[i] == value)
		return (int)i;
	if (*n == SWITCH_COST_MAX_POINTS)
		return -1;
	memmove(&axis[i + 1], &axis[i], (*n - i) * sizeof(*axis));
	axis[i] = value;
	(*n)++;
	return (int)i;
}

static int axis_index(const unsigned *axis, unsigned n, unsigned value)
{
	for (unsigned i = 0; i < n; i++)
		if (axis[i] == value)
			return (int)i;
	return -1;
}

/* "# cpu_model: NAME" -> NAME, blanks trimmed. */
static void read_comment(struct switch_cost_model *model, const char *line)
{
	const char *p = line + 1 + strspn(line + 1, " \t");
	size_t len;

	if (strncmp(p, CPU_MODEL_KEY, strlen(CPU_MODEL_KEY)) != 0)
		return;
	p += strlen(CPU_MODEL_KEY);
	p += strspn(p, " \t");
	len = strcspn(p, "\r\n");
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	snprintf(model->cpu_model, sizeof(model->cpu_model), "%.*s", (int)len, p);
}

/* Builds the table from the rows; 0 or -1 with err. */
static int build_table(struct switch_cost_model *model,
		       const struct switch_cost_row *rows,
		       const unsigned long *line_of, size_t n_rows,
		       const char *path, char *err, size_t errlen)
{
	unsigned char seen[16][16] = { { 0 } };

	for (size_t r = 0; r < n_rows; r++) {
		int g = axis_insert(model->groups_per_cpu, &model->n_groups,
				    rows[r].groups);
		int w = axis_insert(model->ws_kib, &model->n_ws, rows[r].ws_kib);

		if (g < 0 || w < 0) {
			snprintf(err, errlen, "%s:%lu: more than %d distinct %s",
				 path, line_of[r], SWITCH_COST_MAX_POINTS,
				 g < 0 ? "groups_per_cpu values" :
				 "working_set_kib values");
			return -1;
		}
	}
	for (size_t r = 0; r < n_rows; r++) {
		int g = axis_index(model->groups_per_cpu, model->n_groups,
				   rows[r].groups);
		int w = axis_index(model->ws_kib, model->n_ws, rows[r].ws_kib);

		if (seen[g][w]) {
			snprintf(err, errlen, "%s:%lu: second row for groups_per_cpu "
				 "%u, working_set_kib %u", path, line_of[r],
				 rows[r].groups, rows[r].ws_kib);
			return -1;
		}
		seen[g][w] = 1;
		model->extra_ns[g][w] = rows[r].extra_ns;
	}
	for (unsigned g = 0; g < model->n_groups; g++)
		for (unsigned w = 0; w < model->n_ws; w++)
			if (!seen[g][w]) {
				snprintf(err, errlen, "%s: the table is not rectangular: "
					 "no row for groups_per_cpu %u, "
					 "working_set_kib %u", path,
					 model->groups_per_cpu[g], model->ws_kib[w]);
				return -1;
			}
	return 0;
}

int switch_cost_load(struct switch_cost_model *model, const char *path,
		     char *err, size_t errlen)
{
	struct switch_cost_row rows[SWITCH_COST_MAX_POINTS * SWITCH_COST_MAX_POINTS];
	unsigned long line_of[SWITCH_COST_MAX_POINTS * SWITCH_COST_MAX_POINTS];
	size_t n_rows = 0;
	unsigned long number = 0;
	char line[1024], why[192];
	FILE *in;
	int ret = -1;

	memset(model, 0, sizeof(*model));
	snprintf(model->source, sizeof(model->source), "%s", path);
	in = fopen(path, "r");
	if (!in) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		const char *p = line + strspn(line, " \t");

		number++;
		if (!strchr(line, '\n') && !feof(in)) {
			snprintf(err, errlen, "%s:%lu: line longer than %zu bytes",
				 path, number, sizeof(line) - 2);
			goto out;
		}
		if (*p == '#') {
			read_comment(model, p);
			continue;
		}
		if (p[strspn(p, " \t\r\n")] == '\0')
			continue;
		if (n_rows == sizeof(rows) / sizeof(rows[0])) {
			snprintf(err, errlen, "%s:%lu: more than %zu rows", path,
				 number, n_rows);
			goto out;
		}
		if (parse_row(line, &rows[n_rows], why, sizeof(why))) {
			snprintf(err, errlen, "%s:%lu: %s", path, number, why);
			goto out;
		}
		line_of[n_rows++] = number;
	}
	if (ferror(in)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	if (n_rows == 0) {
		snprintf(err, errlen, "%s: no data rows (groups_per_cpu "
			 "working_set_kib extra_ns handoff_ns reps)", path);
		goto out;
	}
	ret = build_table(model, rows, line_of, n_rows, path, err, errlen);
out:
	fclose(in);
	if (ret) {
		model->n_groups = 0;
		model->n_ws = 0;
	}
	return ret;
}

/*
 * Where x lies on a log2 axis: the lower index and the weight of the
 * upper one (0..1), clamped to the axis.
 */
static void axis_locate(const unsigned *axis, unsigned n, double x,
			unsigned *lower, double *weight)
{
	double lx;

	*weight = 0;
	if (n < 2 || !(x > axis[0])) {
		*lower = 0;
		return;
	}
	if (x >= axis[n - 1]) {
		*lower = n - 1;
		return;
	}
	*lower = 0;
	while (*lower + 1 < n - 1 && axis[*lower + 1] <= x)
		(*lower)++;
	lx = log2(x);
	*weight = (lx - log2(axis[*lower])) /
		  (log2(axis[*lower + 1]) - log2(axis[*lower]));
}

double switch_cost_ns(const struct switch_cost_model *model,
		      unsigned working_set_kib, double groups_per_cpu)
{
	unsigned g, w, g1, w1;
	double wg, ww, value;

	if (!model->n_groups || !model->n_ws)
		return 0;
	axis_locate(model->groups_per_cpu, model->n_groups, groups_per_cpu, &g,
		    &wg);
	axis_locate(model->ws_kib, model->n_ws, working_set_kib, &w, &ww);
	g1 = wg > 0 ? g + 1 : g;
	w1 = ww > 0 ? w + 1 : w;
	value = (1 - wg) * ((1 - ww) * model->extra_ns[g][w] +
			    ww * model->extra_ns[g][w1]) +
		wg * ((1 - ww) * model->extra_ns[g1][w] +
		      ww * model->extra_ns[g1][w1]);
	return value > 0 ? value : 0;
}
