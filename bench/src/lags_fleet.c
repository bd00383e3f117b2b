// SPDX-License-Identifier: GPL-2.0
/*
 * lags-fleet: the cluster-size model (Documentation/fleet.rst).  From
 * per-node capacities at the p99 SLO (lags-capacity's capacity.json)
 * and a fleet's per-minute demand curve (CSV, fleet_curve.h), prints
 * per configuration the nodes needed at the peak, the node-hours of
 * the curve with nodes fixed at the peak and with nodes scaled every
 * minute, and the reduction of each against the baseline.
 *
 *   lags-fleet --capacity FILE|DIR --load CURVE.csv [--headroom H]
 *              [--baseline NAME] [--baseline-per-s R] [--configs "A B"]
 *              [--tsv FILE] [--minutes FILE] [--plot FILE.png]
 *
 * Exit status: 0 done; 1 an input is malformed or the plot failed
 * (message: what, where, why); 2 bad arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fleet_capacity.h"
#include "fleet_curve.h"
#include "fleet_model.h"
#include "fleet_plot.h"

#define MODEL_SUFFIX "+model"

struct fleet_args {
	const char *capacity, *load, *baseline, *configs;
	const char *tsv, *minutes, *plot;
	double headroom;
	double baseline_per_s;	/* 0: use the measured capacities as they are */
};

/* One row of the result. */
struct fleet_row {
	const struct fleet_config *config;
	const struct fleet_config *baseline;	/* of its family; NULL: none */
	double capacity_per_s;	/* after --baseline-per-s scaling */
	struct fleet_plan plan;
	int planned;		/* 0: capacity unknown ("below") */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lags-fleet --capacity FILE|DIR --load CURVE.csv [options]\n"
		"  --capacity FILE|DIR  lags-capacity's capacity.json, or its output directory\n"
		"  --load CURVE.csv     per-minute fleet demand: minute,demand_per_s (requests/s)\n"
		"  --headroom H         spare fraction of each node's capacity, 0 <= H < 1 (0)\n"
		"  --baseline NAME      configuration to compare with (stock); CONFIG+model\n"
		"                       rows are compared with NAME+model\n"
		"  --baseline-per-s R   the baseline's capacity on your node type (requests/s):\n"
		"                       every capacity is scaled by R / the measured baseline's\n"
		"  --configs \"A B\"      only these configurations (default: all in the file)\n"
		"  --tsv FILE           the result table, tab-separated ('-': stdout)\n"
		"  --minutes FILE       nodes needed per minute and configuration, tab-separated\n"
		"  --plot FILE.png      demand and nodes per minute (gnuplot)\n");
}

/* Parses a finite number from s for option opt; exits 2 when it is not one. */
static double number_arg(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v)) {
		fprintf(stderr, "lags-fleet: %s: '%s' is not a number\n", opt, s);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv, struct fleet_args *a)
{
	static const struct option options[] = {
		{ "capacity", required_argument, NULL, 'c' },
		{ "load", required_argument, NULL, 'l' },
		{ "headroom", required_argument, NULL, 'r' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "baseline-per-s", required_argument, NULL, 'B' },
		{ "configs", required_argument, NULL, 'C' },
		{ "tsv", required_argument, NULL, 't' },
		{ "minutes", required_argument, NULL, 'm' },
		{ "plot", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*a = (struct fleet_args){ .baseline = "stock" };
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'c': a->capacity = optarg; break;
		case 'l': a->load = optarg; break;
		case 'r': a->headroom = number_arg("--headroom", optarg); break;
		case 'b': a->baseline = optarg; break;
		case 'B':
			a->baseline_per_s = number_arg("--baseline-per-s", optarg);
			if (a->baseline_per_s <= 0) {
				fprintf(stderr, "lags-fleet: --baseline-per-s must be positive, got %s\n",
					optarg);
				exit(2);
			}
			break;
		case 'C': a->configs = optarg; break;
		case 't': a->tsv = optarg; break;
		case 'm': a->minutes = optarg; break;
		case 'p': a->plot = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lags-fleet: unexpected argument '%s'\n", argv[optind]);
		exit(2);
	}
	if (!a->capacity || !a->load) {
		fprintf(stderr, "lags-fleet: --capacity and --load are required\n");
		usage(stderr);
		exit(2);
	}
	if (!(a->headroom >= 0 && a->headroom < 1)) {
		fprintf(stderr, "lags-fleet: --headroom must be in [0, 1), got %g\n", a->headroom);
		exit(2);
	}
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The baseline of name's family: NAME, or NAME+model for CONFIG+model. */
static const struct fleet_config *family_baseline(const struct fleet_capacity *set,
						  const char *baseline,
						  const char *name)
{
	char b[FLEET_NAME_MAX + sizeof(MODEL_SUFFIX)];
	const struct fleet_config *c;

	snprintf(b, sizeof(b), "%s%s", baseline,
		 has_suffix(name, MODEL_SUFFIX) ? MODEL_SUFFIX : "");
	c = fleet_capacity_find(set, b);
	return c && c->bound != FLEET_BOUND_UNKNOWN ? c : NULL;
}

/* Is name one of the blank-separated words of list (NULL: all are)? */
static int selected(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!list)
		return 1;
	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == ' ' || p[n] == '\t' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Builds the rows; -1 with a message when a configuration or the baseline is missing. */
static int build_rows(const struct fleet_args *a, const struct fleet_capacity *set,
		      const struct fleet_curve *curve, struct fleet_row *rows,
		      size_t *n)
{
	const struct fleet_config *base = fleet_capacity_find(set, a->baseline);
	char err[256];

	if (!base) {
		fprintf(stderr, "lags-fleet: %s: no configuration '%s' (--baseline); it has:",
			a->capacity, a->baseline);
		for (size_t i = 0; i < set->count; i++)
			fprintf(stderr, " %s", set->configs[i].name);
		fputc('\n', stderr);
		return -1;
	}
	if (a->configs) {
		char *list = strdup(a->configs), *save = NULL;

		if (!list) {
			fprintf(stderr, "lags-fleet: out of memory\n");
			return -1;
		}
		for (char *w = strtok_r(list, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
			if (!fleet_capacity_find(set, w)) {
				fprintf(stderr, "lags-fleet: --configs: no configuration '%s' in %s\n",
					w, a->capacity);
				free(list);
				return -1;
			}
		}
		free(list);
	}
	if (a->baseline_per_s > 0 && base->bound != FLEET_BOUND_EXACT) {
		fprintf(stderr, "lags-fleet: --baseline-per-s needs an exact capacity of '%s', the file has %s\n",
			a->baseline, base->bound == FLEET_BOUND_AT_LEAST ?
			"a lower bound (above the bracket)" : "none (below the bracket)");
		return -1;
	}
	*n = 0;
	for (size_t i = 0; i < set->count; i++) {
		const struct fleet_config *c = &set->configs[i];
		struct fleet_row *r = &rows[*n];

		if (!selected(a->configs, c->name))
			continue;
		*r = (struct fleet_row){ .config = c,
			.baseline = family_baseline(set, a->baseline, c->name),
			.capacity_per_s = c->capacity_per_s };
		(*n)++;
		if (c->bound == FLEET_BOUND_UNKNOWN)
			continue;
		if (a->baseline_per_s > 0) {
			if (!r->baseline || r->baseline->bound != FLEET_BOUND_EXACT) {
				fprintf(stderr, "lags-fleet: --baseline-per-s: '%s' has no exact baseline capacity to scale by\n",
					c->name);
				return -1;
			}
			r->capacity_per_s *= a->baseline_per_s / r->baseline->capacity_per_s;
		}
		if (fleet_plan_compute(curve, r->capacity_per_s, a->headroom,
				       &r->plan, err, sizeof(err))) {
			fprintf(stderr, "lags-fleet: %s:%lu: %s: %s\n", a->capacity,
				c->line, c->name, err);
			return -1;
		}
		r->planned = 1;
	}
	if (*n == 0) {
		fprintf(stderr, "lags-fleet: --configs '%s' names no configuration\n",
			a->configs);
		return -1;
	}
	return 0;
}

/* The row of the baseline of r's family, or NULL. */
static const struct fleet_row *baseline_row(const struct fleet_row *rows,
					    size_t n, const struct fleet_row *r)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].config == r->baseline && rows[i].planned)
			return &rows[i];
	return NULL;
}

static void print_table(FILE *out, const struct fleet_args *a,
			const struct fleet_curve *curve,
			const struct fleet_row *rows, size_t n)
{
	double peak = 0, sum = 0;
	size_t at = 0;

	for (size_t i = 0; i < curve->minutes; i++) {
		sum += curve->demand[i];
		if (curve->demand[i] > peak) {
			peak = curve->demand[i];
			at = i;
		}
	}
	fprintf(out, "lags-fleet: %zu minutes, peak %.6g requests/s at minute %zu (%02zu:%02zu), mean %.6g requests/s; headroom %g%%\n",
		curve->minutes, peak, at, at / 60 % 24, at % 60,
		sum / (double)curve->minutes, 100 * a->headroom);
	if (a->baseline_per_s > 0)
		fprintf(out, "capacities scaled so that %s serves %g requests/s per node\n",
			a->baseline, a->baseline_per_s);
	fprintf(out, "%-18s %12s %12s %10s %12s %12s %12s %12s\n", "config",
		"node req/s", "usable req/s", "peak nodes", "node-h fixed",
		"node-h auto", "fewer: peak", "fewer: auto");
	for (size_t i = 0; i < n; i++) {
		const struct fleet_row *r = &rows[i], *b = baseline_row(rows, n, r);
		const char *note = r->config->bound == FLEET_BOUND_AT_LEAST ?
			"  (capacity at least, nodes at most)" : "";

		if (!r->planned) {
			fprintf(out, "%-18s %12s %12s %10s %12s %12s %12s %12s  (below the bracket: capacity unknown)\n",
				r->config->name, "-", "-", "-", "-", "-", "-", "-");
			continue;
		}
		fprintf(out, "%-18s %12.6g %12.6g %10llu %12.1f %12.1f", r->config->name,
			r->capacity_per_s, r->plan.usable_per_s,
			(unsigned long long)r->plan.peak_nodes,
			r->plan.static_node_minutes / 60.0,
			r->plan.autoscaled_node_minutes / 60.0);
		if (b && b != r)
			fprintf(out, " %11.1f%% %11.1f%%%s\n",
				fleet_reduction_percent(r->plan.peak_nodes, b->plan.peak_nodes),
				fleet_reduction_percent(r->plan.autoscaled_node_minutes,
							b->plan.autoscaled_node_minutes),
				note);
		else
			fprintf(out, " %12s %12s%s\n", b ? "baseline" : "-", b ? "baseline" : "-", note);
	}
	fprintf(out, "fewer: nodes (peak) and node-hours (autoscaled) saved against %s, in %% of its; node-h fixed: peak nodes all day\n",
		a->baseline);
}

static void write_tsv(FILE *out, const struct fleet_row *rows, size_t n)
{
	fprintf(out, "config\tbound\tcapacity_per_s\tusable_per_s\tpeak_nodes\tstatic_node_minutes\tautoscaled_node_minutes\tbaseline\tpeak_reduction_pct\tautoscaled_reduction_pct\n");
	for (size_t i = 0; i < n; i++) {
		const struct fleet_row *r = &rows[i], *b = baseline_row(rows, n, r);
		static const char *bounds[] = { "exact", "above", "below" };

		fprintf(out, "%s\t%s\t", r->config->name, bounds[r->config->bound]);
		if (!r->planned) {
			fprintf(out, "-\t-\t-\t-\t-\t-\t-\t-\n");
			continue;
		}
		fprintf(out, "%.6g\t%.6g\t%llu\t%llu\t%llu\t%s", r->capacity_per_s,
			r->plan.usable_per_s, (unsigned long long)r->plan.peak_nodes,
			(unsigned long long)r->plan.static_node_minutes,
			(unsigned long long)r->plan.autoscaled_node_minutes,
			b ? b->config->name : "-");
		if (b)
			fprintf(out, "\t%.2f\t%.2f\n",
				fleet_reduction_percent(r->plan.peak_nodes, b->plan.peak_nodes),
				fleet_reduction_percent(r->plan.autoscaled_node_minutes,
							b->plan.autoscaled_node_minutes));
		else
			fprintf(out, "\t-\t-\n");
	}
}

/* Opens path for writing ('-': stdout), calls write, closes; -1 with a message. */
static int write_file(const char *path, const char *what,
		      void (*write)(FILE *, const void *), const void *ctx)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");

	if (!f) {
		fprintf(stderr, "lags-fleet: %s: cannot create %s: %s\n", what, path,
			strerror(errno));
		return -1;
	}
	write(f, ctx);
	if (f == stdout ? fflush(f) : fclose(f)) {
		fprintf(stderr, "lags-fleet: %s: cannot write %s: %s\n", what, path,
			strerror(errno));
		return -1;
	}
	return 0;
}

struct rows_ctx {
	const struct fleet_row *rows;
	size_t n;
};

struct minutes_ctx {
	const struct fleet_curve *curve;
	const struct fleet_series *series;
	size_t n;
};

static void tsv_writer(FILE *f, const void *ctx)
{
	const struct rows_ctx *c = ctx;

	write_tsv(f, c->rows, c->n);
}

static void minutes_writer(FILE *f, const void *ctx)
{
	const struct minutes_ctx *c = ctx;

	fleet_write_minutes(f, c->curve, c->series, c->n);
}

int main(int argc, char **argv)
{
	struct fleet_capacity set;
	struct fleet_curve curve;
	struct fleet_args a;
	struct fleet_row *rows;
	struct fleet_series *series;
	size_t n = 0, ns = 0;
	char err[512], title[256];
	int ret = 1;

	parse_args(argc, argv, &a);
	if (fleet_capacity_read(a.capacity, &set, err, sizeof(err))) {
		fprintf(stderr, "lags-fleet: %s\n", err);
		return 1;
	}
	if (fleet_curve_read(a.load, &curve, err, sizeof(err))) {
		fprintf(stderr, "lags-fleet: %s\n", err);
		fleet_capacity_free(&set);
		return 1;
	}
	rows = calloc(set.count, sizeof(*rows));
	series = calloc(set.count, sizeof(*series));
	if (!rows || !series) {
		fprintf(stderr, "lags-fleet: out of memory\n");
		goto out;
	}
	if (build_rows(&a, &set, &curve, rows, &n))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (rows[i].planned)
			series[ns++] = (struct fleet_series){ rows[i].config->name,
							      rows[i].plan.usable_per_s };
	print_table(stdout, &a, &curve, rows, n);
	if (a.tsv && write_file(a.tsv, "--tsv", tsv_writer,
				&(struct rows_ctx){ rows, n }))
		goto out;
	if (a.minutes && write_file(a.minutes, "--minutes", minutes_writer,
				    &(struct minutes_ctx){ &curve, series, ns }))
		goto out;
	if (a.plot) {
		snprintf(title, sizeof(title), "Nodes needed at the p99 SLO, headroom %g%%",
			 100 * a.headroom);
		if (fleet_plot_png(a.plot, title, &curve, series, ns, err, sizeof(err))) {
			fprintf(stderr, "lags-fleet: %s\n", err);
			goto out;
		}
	}
	ret = 0;
out:
	free(series);
	free(rows);
	fleet_curve_free(&curve);
	fleet_capacity_free(&set);
	return ret;
}
