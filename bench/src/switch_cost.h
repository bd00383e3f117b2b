/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The calibrated cost of a resume: how much more CPU time a request
 * needs when other cgroups ran on its CPU since its process last ran,
 * as measured by lags-calibrate on real hardware (a file below
 * bench/calibration/, format in switch_cost_calibrate.c and
 * Documentation/bench.rst).  Used to add the cache and TLB refill cost
 * that an emulator without caches does not charge.
 */
#ifndef FAAS_SWITCH_COST_H
#define FAAS_SWITCH_COST_H

#include <stddef.h>

#define SWITCH_COST_MAX_POINTS 16

struct switch_cost_model {
	char cpu_model[128];	/* from the file's header, "" if absent */
	char source[256];	/* the path it was loaded from */
	unsigned n_groups, n_ws;
	unsigned groups_per_cpu[16];	/* ascending */
	unsigned ws_kib[16];		/* ascending */
	double extra_ns[16][16];	/* [groups index][ws index] */
};

/*
 * Loads a calibration file written by lags-calibrate.  0, or -1 with the
 * reason (file:line: what) in err.
 *
 * Lines starting with '#' are comments ("# cpu_model: NAME" fills
 * cpu_model); blank lines are skipped; every other line is a row
 * "groups_per_cpu working_set_kib extra_ns handoff_ns reps [more...]"
 * separated by blanks or tabs: two positive integers, a finite number
 * (nanoseconds, may be negative: the measured difference of medians), a
 * finite number and a positive integer; further columns are ignored.
 * The rows must form a full table: every (groups_per_cpu,
 * working_set_kib) pair of the at most 16 x 16 distinct values exactly
 * once, in any order.
 */
int switch_cost_load(struct switch_cost_model *model, const char *path,
		     char *err, size_t errlen);

/*
 * Extra CPU ns a request pays when it resumes after another group ran
 * on its CPU: bilinear interpolation in log2(ws) and
 * log2(groups_per_cpu), clamped to the table's range; never negative.
 *
 * working_set_kib: the request's working set in KiB (0 counts as the
 * smallest calibrated size); groups_per_cpu: runnable cgroups sharing
 * the CPU (below 1, NaN: the smallest calibrated density).  Outside the
 * table the nearest edge value is used (no extrapolation).  A model
 * with no rows gives 0.
 */
double switch_cost_ns(const struct switch_cost_model *model,
		      unsigned working_set_kib, double groups_per_cpu);

#endif
