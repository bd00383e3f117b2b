/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System counters read before and after a run: /proc/stat (context
 * switches, CPU time), the lags module's /sys/kernel/debug/lags/stats,
 * the LAGS sysctls and the scheduler debugfs knobs.
 */
#ifndef FAAS_PROC_COUNTERS_H
#define FAAS_PROC_COUNTERS_H

#include <stdint.h>
#include <stdio.h>

#define LAGS_STATS_PATH "/sys/kernel/debug/lags/stats"
#define LAGS_STATS_MAX_COLUMNS 32

struct cpu_times {
	uint64_t context_switches;
	uint64_t busy_ticks;
	uint64_t total_ticks;
};

/* 0, or -1 when /proc/stat cannot be read. */
int read_cpu_times(const char *proc_stat_path, struct cpu_times *times);

struct lags_stats {
	int present;
	unsigned columns;
	char names[LAGS_STATS_MAX_COLUMNS][32];
	uint64_t total[LAGS_STATS_MAX_COLUMNS];
};

/*
 * Reads the header ("cpu" then column names) and the "total" row.
 * present = 0 when the file is missing; -1 when it is malformed.
 */
int read_lags_stats(const char *path, struct lags_stats *stats);
/* after - before, column by column (same header expected). */
void lags_stats_delta(const struct lags_stats *before,
		      const struct lags_stats *after, struct lags_stats *delta);
/* The delta of a named column, or -1 when absent. */
int64_t lags_stats_get(const struct lags_stats *stats, const char *name);

#define MAX_SYSCTLS 32

struct kernel_config {
	char release[128];
	char machine[64];
	unsigned n_sysctls;
	char sysctl_names[MAX_SYSCTLS][64];
	char sysctl_values[MAX_SYSCTLS][128];
	char base_slice_ns[32];		/* "" when not readable */
	char features[2048];		/* sched_features, "" likewise */
};

/* Kernel release, /proc/sys/kernel/sched_lags*, sched debugfs knobs. */
void read_kernel_config(struct kernel_config *config);

#endif
