/* SPDX-License-Identifier: GPL-2.0 */
/* Results of one run and their forms: table, JSON, CSV, summary. */
#ifndef FAAS_REPORT_H
#define FAAS_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include "histogram.h"
#include "options.h"
#include "proc_counters.h"
#include "switch_cost.h"

struct function_summary {
	uint64_t issued, dropped, completed, within_slo;
	double mean_ns;
	uint64_t p50_ns, p99_ns, max_ns;
	uint64_t voluntary, involuntary;	/* context switches */
	uint64_t handovers;		/* resumed after another function */
	uint64_t charged_ns;		/* switch-cost model */
	uint64_t completed_in_window;
	double cpu_s;			/* user + system, in the window */
	double setup_cpu_s;		/* the rest of the process's life */
	double expected_share;			/* of all requests */
	char *cgroup;			/* owned copy, NULL: none */
};

struct run_report {
	const struct bench_options *opts;
	unsigned cpus;
	struct kernel_config kernel;
	int cgroup_version;		/* 0: no cgroups */
	const char *cgroup_parent;
	int partial;
	const char *partial_reason;
	double offered_rate_per_s;
	uint64_t slo_ns;
	double elapsed_s;		/* measured window */
	double wall_s;			/* window + drain */
	uint64_t issued, dropped, completed, within_slo, unfinished;
	uint64_t completed_in_window;	/* done before the window's end */
	struct histogram latency;
	struct function_summary *functions;
	uint64_t voluntary, involuntary;	/* all function processes */
	uint64_t system_switches;	/* /proc/stat ctxt delta */
	double cpu_utilisation;		/* /proc/stat busy share */
	double generator_cpu_share;	/* our parent process, of capacity */
	double function_cpu_s;
	uint64_t generator_max_rss_kib;	/* the parent process */
	/* dispatcher: send - intended; self-timed: the functions' own
	 * wake-up - intended, for requests that found a worker idle */
	struct histogram dispatch_lag;
	uint64_t dispatcher_cpu_ns;	/* the dispatcher thread alone */
	uint64_t generator_voluntary, generator_involuntary;	/* parent */
	uint64_t handovers;		/* all functions, handover.h */
	uint64_t charged_ns;		/* switch-cost model, all functions */
	uint64_t io_waits;
	const struct switch_cost_model *cost_model;	/* NULL: off */
	double handover_cost_ns;	/* charged per handover */
	struct lags_stats lags;		/* deltas, present=0 when absent */
};

void report_print_table(const struct run_report *report, FILE *out);
int report_write_json(const struct run_report *report, const char *path);
int report_write_csv(const struct run_report *report, const char *path);
int report_write_hist_csv(const struct run_report *report, const char *path);
/* "metric value" lines, the input of the A/B runner. */
int report_write_summary(const struct run_report *report, const char *path);

#endif
