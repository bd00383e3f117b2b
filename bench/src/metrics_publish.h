/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lags_* metric families (Documentation/metrics.rst has the list)
 * written from one set of readings: lags.ko's debugfs files when the
 * module is loaded, and always /proc/schedstat, /proc/stat and the
 * cgroup v2 cpu.stat files that could be read.
 */
#ifndef LAGS_METRICS_PUBLISH_H
#define LAGS_METRICS_PUBLISH_H

#include <stdint.h>
#include <stdio.h>
#include "metrics_cgroup.h"
#include "metrics_debugfs.h"
#include "metrics_proc.h"

struct metrics_readings {
	int have_lags;		/* lags.ko's debugfs was read */
	struct lags_debugfs lags;
	int have_schedstat;
	struct schedstat schedstat;
	int have_ctxt;
	uint64_t ctxt;		/* /proc/stat ctxt */
	int have_cgroups;
	struct cgroup_cpu_stats cgroups;
};

/* Writes every family that has samples to out; 0, or -1 when writing
 * failed (ferror). */
int metrics_publish(FILE *out, const struct metrics_readings *r);

/*
 * A tunable's value in base units: "us", "ms", "ns" become seconds and
 * "%" a ratio (0..1), with *unit set to "seconds" or "ratio"; other
 * units keep the value and their name ("-" becomes "").  buf holds
 * EXPO_NUMBER_LEN bytes.  Returns buf.
 */
char *metrics_tunable_value(char *buf, uint64_t value, const char *unit_in,
			    const char **unit);

#endif
