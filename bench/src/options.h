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
	ARRIVAL_AZURE,
};

/* Who delivers the requests (Documentation/bench.rst, "Generators"). */
enum generator_mode {
	GENERATOR_SELF,		/* each function sleeps until its arrivals */
	GENERATOR_FIFO,		/* one SCHED_FIFO dispatcher thread */
	GENERATOR_FAIR,		/* one SCHED_OTHER dispatcher thread (v1) */
};

enum group_mode {
	GROUPS_PER_FUNCTION,	/* one cpu cgroup per function */
	GROUPS_SINGLE,		/* all functions in one cpu cgroup */
	GROUPS_NONE,		/* stay in the cgroup we were started in */
};

struct bench_options {
	unsigned functions;
	unsigned per_cpu;		/* functions per capacity CPU, 0: --functions */
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
	enum generator_mode generator;
	int generator_given;		/* --generator on the command line */
	unsigned fifo_priority;		/* of the fifo dispatcher */
	unsigned bursts;		/* CPU bursts per request */
	double io_us;			/* mean wait between bursts, 0: none */
	enum service_shape io_shape;
	unsigned fanout;		/* threads per burst */
	const char *cost_model;		/* calibration file, NULL: model off */
	const char *preset;
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
#define MAX_FUNCTIONS 100000u

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
const char *generator_mode_name(enum generator_mode mode);

#endif
