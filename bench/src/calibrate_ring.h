/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One measurement of lags-calibrate: N processes pinned to one CPU,
 * each (optionally) in its own cgroup with a private working set, pass
 * a token round-robin through pipes.  On its turn a process runs one
 * request (passes over its whole working set, one write per 64-byte
 * cache line, in the order of faas-node-bench's workers), measures the
 * request's own CPU time (CLOCK_THREAD_CPUTIME_ID) and the wall time
 * from the moment its predecessor wrote the token to the moment its own
 * read() returned (the handoff: pipe write, wakeup, scheduler, context
 * switch, pipe read), then passes the token on.  In back-to-back mode
 * one process runs its requests with nothing in between: the baseline.
 */
#ifndef FAAS_CALIBRATE_RING_H
#define FAAS_CALIBRATE_RING_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define RING_REQUEST_STRIDE 64	/* bytes between the writes of a request */

struct ring_config {
	unsigned processes;		/* >= 1; 1 when back_to_back */
	unsigned working_set_kib;	/* per process, >= 1 */
	unsigned passes;		/* passes over the working set per request */
	unsigned warmup;		/* turns per process not recorded */
	unsigned reps;			/* turns per process recorded */
	int cpu;			/* every process is pinned here */
	int back_to_back;		/* baseline: no token, no handoff */
	char *const *group_dirs;	/* cgroup per process, NULL: stay */
	const sigset_t *stop_signals;	/* blocked by the caller */
};

struct ring_sample {
	uint64_t request_cpu_ns;	/* CPU time of the request */
	uint64_t handoff_ns;		/* token write -> read returned; 0 in
					 * back-to-back mode */
};

/*
 * Runs one configuration; fills samples[process * reps + turn] (an array
 * of processes x reps).  0; or -1 with err, and *stopped set to the stop
 * signal when one arrived (all processes are killed and reaped either
 * way).  The caller must have blocked stop_signals.
 */
int ring_run(const struct ring_config *config, struct ring_sample *samples,
	     int *stopped, char *err, size_t errlen);

#endif
