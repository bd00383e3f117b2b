/* SPDX-License-Identifier: GPL-2.0 */
/* Command line of faas-node-bench. */
#ifndef FAAS_OPTIONS_H
#define FAAS_OPTIONS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "distributions.h"

enum arrival_mode {
	ARRIVAL_POISSON,
	ARRIVAL_ONOFF,
	ARRIVAL_CLOSED,
	ARRIVAL_SYNTHETIC,
	ARRIVAL_REPLAY,
};

enum group_mode {
	GROUPS_PER_FUNCTION,	/* one cpu cgroup per function */
	GROUPS_SINGLE,		/* all functions in one cpu cgroup */
	GROUPS_NONE,		/* stay in the cgroup we were started in */
};

struct bench_options {
	unsigned functions;
	unsigned workers;		/* threads per function */
	double seconds;
	double load;			/* offered load, fraction of capacity */
	unsigned cpus;			/* capacity in CPUs; 0: affinity mask */
	enum service_shape service;
	double service_us;		/* mean CPU time per request */
	unsigned working_set_kib;
	enum arrival_mode arrival;
	double zipf;			/* popularity exponent, 0: uniform */
	double on_ms, off_ms;		/* bursty on/off periods */
	unsigned clients;		/* closed loop: outstanding per function */
	const char *trace;		/* replay CSV */
	uint64_t seed;
	enum group_mode groups;
	unsigned depth;			/* cgroup levels per function, 1..4 */
	unsigned weight;		/* cpu.weight, 0: leave default */
	unsigned cpu_max_us;		/* quota per 100 ms period, 0: none */
	const char *cgroup_root;	/* where to create our parent group */
	double slo_us;			/* 0: 10x the mean service time */
	double drain_seconds;
	const char *json;
	const char *csv;		/* per-function rows */
	const char *hist_csv;		/* latency histogram (CDF) */
	const char *summary;		/* "metric value" lines */
	const char *label;
	int quiet;
};

#define CPU_MAX_PERIOD_US 100000u

/* Fills the defaults. */
void options_defaults(struct bench_options *opts);
/*
 * Parses argv.  Returns 0 on success, 1 when --help was printed, and 2
 * after printing a message for bad arguments (the exit status to use).
 */
int options_parse(struct bench_options *opts, int argc, char **argv);
void options_usage(FILE *out, const char *prog);

const char *arrival_mode_name(enum arrival_mode mode);
const char *group_mode_name(enum group_mode mode);

#endif
