// SPDX-License-Identifier: GPL-2.0
/* Reads the per-minute fleet load curve (format in fleet_curve.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fleet_curve.h"

#define FLEET_CURVE_HEADER "minute,demand_per_s"

/* Strips blanks at both ends of s in place; returns s. */
static char *trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Parses "MINUTE,DEMAND" into its fields; returns 0 or -1 with why. */
static int parse_row(char *line, unsigned long *minute, double *demand,
		     char *why, size_t whylen)
{
	char *comma = strchr(line, ','), *a, *b, *end;

	if (!comma) {
		snprintf(why, whylen, "expected 'minute,demand_per_s', found '%s'", line);
		return -1;
	}
	*comma = '\0';
	a = trim(line);
	b = trim(comma + 1);
	if (strchr(b, ',')) {
		snprintf(why, whylen, "more than two fields");
		return -1;
	}
	errno = 0;
	*minute = strtoul(a, &end, 10);
	if (!*a || *end || *a == '-' || *a == '+' || errno) {
		snprintf(why, whylen, "minute '%s' is not a whole number >= 0", a);
		return -1;
	}
	errno = 0;
	*demand = strtod(b, &end);
	if (!*b || *end || errno) {
		snprintf(why, whylen, "demand_per_s '%s' is not a number", b);
		return -1;
	}
	if (!isfinite(*demand) || *demand < 0) {
		snprintf(why, whylen, "demand_per_s must be finite and >= 0, got %s", b);
		return -1;
	}
	return 0;
}

static int add_minute(struct fleet_curve *curve, size_t *cap, double demand)
{
	if (curve->minutes == *cap) {
		size_t n = *cap ? *cap * 2 : 1440;
		double *d = realloc(curve->demand, n * sizeof(*d));

		if (!d)
			return -1;
		curve->demand = d;
		*cap = n;
	}
	curve->demand[curve->minutes++] = demand;
	return 0;
}

int fleet_curve_read(const char *path, struct fleet_curve *curve, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "r");
	unsigned long number = 0, minute;
	char *line = NULL, why[160];
	size_t size = 0, cap = 0;
	int seen_other = 0, ret = -1;
	double demand;

	*curve = (struct fleet_curve){ 0 };
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &size, f) >= 0) {
		char *s = trim(line);

		number++;
		if (!*s || *s == '#')
			continue;
		if (!seen_other++ && isalpha((unsigned char)*s)) {
			if (strcmp(s, FLEET_CURVE_HEADER) == 0)
				continue;
			snprintf(err, errlen, "%s:%lu: the header must read '%s', found '%s'",
				 path, number, FLEET_CURVE_HEADER, s);
			goto out;
		}
		if (parse_row(s, &minute, &demand, why, sizeof(why))) {
			snprintf(err, errlen, "%s:%lu: %s", path, number, why);
			goto out;
		}
		if (minute != curve->minutes) {
			snprintf(err, errlen, "%s:%lu: minute %lu, expected %zu (minutes start at 0 and go up by 1)",
				 path, number, minute, curve->minutes);
			goto out;
		}
		if (add_minute(curve, &cap, demand)) {
			snprintf(err, errlen, "%s:%lu: out of memory", path, number);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	if (fleet_curve_check(curve, why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	ret = 0;
out:
	free(line);
	fclose(f);
	if (ret)
		fleet_curve_free(curve);
	return ret;
}

void fleet_curve_free(struct fleet_curve *curve)
{
	free(curve->demand);
	*curve = (struct fleet_curve){ 0 };
}
