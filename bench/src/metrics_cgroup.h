/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpu.stat of every cgroup of a cgroup v2 hierarchy (default
 * /sys/fs/cgroup), read without lags.ko.  The keys read are those of
 * Linux 6.12 (Documentation/admin-guide/cgroup-v2.rst, "cpu"):
 * usage_usec, user_usec, system_usec (every cgroup), nr_periods,
 * nr_throttled, throttled_usec, nr_bursts, burst_usec (cgroups with the
 * cpu controller enabled).  Other keys are ignored.
 *
 * Cgroup v1 is not read: its cpu.stat has other keys and lives in a
 * separate cpu hierarchy; a root without cgroup.controllers is refused.
 */
#ifndef LAGS_METRICS_CGROUP_H
#define LAGS_METRICS_CGROUP_H

#include <stddef.h>
#include <stdint.h>

#define CGROUP_ROOT_DIR "/sys/fs/cgroup"

enum cpu_stat_key {
	CPU_STAT_USAGE_USEC,
	CPU_STAT_USER_USEC,
	CPU_STAT_SYSTEM_USEC,
	CPU_STAT_NR_PERIODS,
	CPU_STAT_NR_THROTTLED,
	CPU_STAT_THROTTLED_USEC,
	CPU_STAT_NR_BURSTS,
	CPU_STAT_BURST_USEC,
	CPU_STAT_NR_KEYS
};

/* The key names as in cpu.stat, indexed by enum cpu_stat_key. */
extern const char *const cpu_stat_key_names[CPU_STAT_NR_KEYS];

struct cgroup_cpu_stat {
	char *path;			/* "/" for the root, "/a/b" below it */
	unsigned present;		/* bit k: key k was in the file */
	uint64_t value[CPU_STAT_NR_KEYS];
};

struct cgroup_cpu_stats {
	size_t n;
	struct cgroup_cpu_stat *cg;	/* sorted by path */
	int truncated;			/* more than max cgroups existed */
};

/* Parses one cpu.stat file into st (path left alone); 0, or -1 with
 * the reason in err when it cannot be read. */
int cgroup_cpu_stat_parse(const char *file, struct cgroup_cpu_stat *st,
			  char *err, size_t errlen);

/*
 * Reads cpu.stat of root and of every cgroup below it (directories,
 * depth first, symlinks not followed), at most max cgroups (truncated
 * set when there were more).  A cgroup that disappears during the walk
 * is skipped.  0 on success; -1 with the reason in err when root is not
 * a cgroup v2 directory (no cgroup.controllers: not mounted, or v1) or
 * cannot be read.
 */
int cgroup_cpu_stats_read(const char *root, size_t max,
			  struct cgroup_cpu_stats *out, char *err,
			  size_t errlen);
void cgroup_cpu_stats_free(struct cgroup_cpu_stats *s);

#endif
