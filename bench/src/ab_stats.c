// SPDX-License-Identifier: GPL-2.0
/*
 * ab-stats: ratios to a baseline configuration, min/median/max over
 * repetitions.  Input lines: "CONFIG REP METRIC VALUE" (blank and '#'
 * lines skipped).  A metric of configuration C in repetition R is
 * divided by the same metric of the baseline in the same repetition, so
 * interleaved runs are compared with their neighbours.
 *
 *   ab-stats [--baseline NAME] [--tsv] [FILE]
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 64

struct sample {
	char config[NAME_MAX_LEN];
	char metric[NAME_MAX_LEN];
	long rep;
	double value;
};

struct samples {
	struct sample *items;
	size_t n, cap;
	char (*configs)[NAME_MAX_LEN];
	size_t n_configs;
	char (*metrics)[NAME_MAX_LEN];
	size_t n_metrics;
};

static int add_name(char (**names)[NAME_MAX_LEN], size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*names)[i], name) == 0)
			return 0;
	*names = realloc(*names, (*n + 1) * sizeof(**names));
	if (!*names)
		return -1;
	snprintf((*names)[(*n)++], NAME_MAX_LEN, "%s", name);
	return 0;
}

static int read_samples(FILE *in, const char *name, struct samples *s)
{
	char line[512];
	unsigned long number = 0;

	while (fgets(line, sizeof(line), in)) {
		struct sample x;
		char extra[8];
		int got;

		number++;
		if (line[strspn(line, " \t")] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		got = sscanf(line, "%63s %ld %63s %lf %7s", x.config, &x.rep,
			     x.metric, &x.value, extra);
		if (got != 4) {
			fprintf(stderr, "ab-stats: %s:%lu: expected 'CONFIG REP METRIC "
				"VALUE'\n", name, number);
			return -1;
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 256;
			s->items = realloc(s->items, s->cap * sizeof(*s->items));
			if (!s->items)
				return -1;
		}
		s->items[s->n++] = x;
		if (add_name(&s->configs, &s->n_configs, x.config) ||
		    add_name(&s->metrics, &s->n_metrics, x.metric))
			return -1;
	}
	return 0;
}

static const struct sample *find(const struct samples *s, const char *config,
				 const char *metric, long rep)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].rep == rep && strcmp(s->items[i].config, config) == 0 &&
		    strcmp(s->items[i].metric, metric) == 0)
			return &s->items[i];
	return NULL;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Values of one config/metric, and ratios to the baseline by rep. */
static void collect(const struct samples *s, const char *config,
		    const char *metric, const char *baseline, double *values,
		    size_t *n_values, double *ratios, size_t *n_ratios)
{
	*n_values = *n_ratios = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct sample *x = &s->items[i], *base;

		if (strcmp(x->config, config) || strcmp(x->metric, metric))
			continue;
		values[(*n_values)++] = x->value;
		base = find(s, baseline, metric, x->rep);
		if (base && base->value != 0.0)
			ratios[(*n_ratios)++] = x->value / base->value;
	}
}

static double cv(const double *v, size_t n)
{
	double mean = 0, var = 0;

	if (n < 2)
		return NAN;
	for (size_t i = 0; i < n; i++)
		mean += v[i] / (double)n;
	for (size_t i = 0; i < n; i++)
		var += (v[i] - mean) * (v[i] - mean) / (double)(n - 1);
	return mean != 0.0 ? sqrt(var) / fabs(mean) : NAN;
}

static void print(const struct samples *s, const char *baseline, int tsv)
{
	double *values = calloc(s->n + 1, sizeof(double));
	double *ratios = calloc(s->n + 1, sizeof(double));

	if (tsv)
		printf("metric\tconfig\tn\tmedian\tcv\tratio_min\tratio_median\tratio_max\n");
	else
		printf("%-26s %-16s %3s %14s %7s %22s\n", "metric", "config", "n",
		       "median", "cv", "ratio to " "baseline min/med/max");
	for (size_t m = 0; m < s->n_metrics; m++) {
		for (size_t c = 0; c < s->n_configs; c++) {
			size_t nv, nr;
			double med, var, rmin = NAN, rmed = NAN, rmax = NAN;

			collect(s, s->configs[c], s->metrics[m], baseline, values,
				&nv, ratios, &nr);
			if (!nv)
				continue;
			var = cv(values, nv);
			med = median(values, nv);
			if (nr) {
				rmed = median(ratios, nr);
				rmin = ratios[0];
				rmax = ratios[nr - 1];
			}
			if (tsv)
				printf("%s\t%s\t%zu\t%.6g\t%.4f\t%.4f\t%.4f\t%.4f\n",
				       s->metrics[m], s->configs[c], nv, med, var,
				       rmin, rmed, rmax);
			else
				printf("%-26s %-16s %3zu %14.6g %6.1f%% %6.3f %6.3f %6.3f\n",
				       s->metrics[m], s->configs[c], nv, med, 100 * var,
				       rmin, rmed, rmax);
		}
	}
	free(values);
	free(ratios);
}

int main(int argc, char **argv)
{
	const char *baseline = "stock", *path = NULL;
	struct samples s = { 0 };
	int tsv = 0;
	FILE *in = stdin;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--baseline") == 0 && i + 1 < argc) {
			baseline = argv[++i];
		} else if (strcmp(argv[i], "--tsv") == 0) {
			tsv = 1;
		} else if (strcmp(argv[i], "--help") == 0) {
			printf("Usage: ab-stats [--baseline NAME] [--tsv] [FILE]\n"
			       "Reads 'CONFIG REP METRIC VALUE' lines; prints per metric "
			       "and config the median,\nits coefficient of variation and "
			       "the ratio to the baseline (same REP)\nas min/median/max.\n");
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "ab-stats: unknown option '%s'\n", argv[i]);
			return 2;
		} else if (!path) {
			path = argv[i];
		} else {
			fprintf(stderr, "ab-stats: one input file only\n");
			return 2;
		}
	}
	if (path && strcmp(path, "-") && !(in = fopen(path, "r"))) {
		fprintf(stderr, "ab-stats: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (read_samples(in, path ? path : "stdin", &s))
		return 1;
	if (!s.n) {
		fprintf(stderr, "ab-stats: no samples\n");
		return 1;
	}
	print(&s, baseline, tsv);
	return 0;
}
