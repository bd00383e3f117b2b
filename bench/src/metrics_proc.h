/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel gives without lags.ko: the per-CPU lines of
 * /proc/schedstat and the node-wide ctxt line of /proc/stat.
 *
 * /proc/schedstat versions 15, 16 and 17 (Linux 4.x to 6.14) have the
 * same nine fields on a "cpuN" line (Documentation/scheduler/sched-stats.rst);
 * they differ only in the "domainN" lines, which are not read:
 *   0 sched_yield() calls          5 of those, to wake a task on this CPU
 *   1 legacy, always 0             6 time tasks ran on this CPU, ns
 *   2 schedule() calls             7 time tasks waited to run here, ns
 *   3 schedule() left the CPU idle 8 time slices run (tasks that got the CPU)
 *   4 try_to_wake_up() calls
 * Fields 0-5 count only while schedstats are on (CONFIG_SCHEDSTATS and
 * the kernel.sched_schedstats sysctl); 6-8 come from sched_info
 * (CONFIG_SCHED_INFO) and always count.
 */
#ifndef LAGS_METRICS_PROC_H
#define LAGS_METRICS_PROC_H

#include <stddef.h>
#include <stdint.h>

#define SCHEDSTAT_FIELDS 9
#define SCHEDSTAT_VERSION_MIN 15
#define SCHEDSTAT_VERSION_MAX 17

enum schedstat_field {
	SCHEDSTAT_YIELD = 0,
	SCHEDSTAT_LEGACY = 1,
	SCHEDSTAT_SCHEDULE = 2,
	SCHEDSTAT_SCHEDULE_IDLE = 3,
	SCHEDSTAT_WAKEUPS = 4,
	SCHEDSTAT_WAKEUPS_LOCAL = 5,
	SCHEDSTAT_RUN_NS = 6,
	SCHEDSTAT_WAIT_NS = 7,
	SCHEDSTAT_TIMESLICES = 8,
};

struct schedstat_cpu {
	unsigned cpu;
	uint64_t field[SCHEDSTAT_FIELDS];
};

struct schedstat {
	unsigned version;
	size_t ncpus;
	struct schedstat_cpu *cpus;	/* in file order */
};

/*
 * Reads /proc/schedstat at path.  0 on success; -1 with the reason in
 * err when the file cannot be read, its version is not 15..17, or a cpu
 * line has fewer than nine numbers.
 */
int schedstat_read(const char *path, struct schedstat *s, char *err,
		   size_t errlen);
void schedstat_free(struct schedstat *s);

/* The "ctxt" value of /proc/stat at path (context switches since boot,
 * all CPUs); 0, or -1 with the reason in err. */
int proc_stat_ctxt(const char *path, uint64_t *ctxt, char *err,
		   size_t errlen);

#endif
