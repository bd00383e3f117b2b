/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Function instances: one process per function, placed in its cgroup,
 * with K worker threads that block on the function's request pipe and,
 * per request, burn its CPU service time while touching a private
 * working set.  Results go to memory shared with the parent.
 */
#ifndef FAAS_FUNCTION_PROCESS_H
#define FAAS_FUNCTION_PROCESS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "histogram.h"

/* What travels through a request pipe (one atomic pipe write). */
struct request_message {
	uint64_t intended_ns;	/* CLOCK_MONOTONIC arrival time */
	uint64_t service_ns;	/* CPU time to burn */
};

struct worker_slot {
	struct histogram latency;	/* intended arrival to completion */
	_Atomic uint64_t completed;
	uint64_t within_slo;
	uint64_t cpu_ns;		/* thread CPU time at exit */
};

struct function_config {
	unsigned functions;
	unsigned workers;
	unsigned working_set_kib;
	uint64_t slo_ns;
	int closed_loop;		/* report completions to the dispatcher */
	char *const *cgroup_dirs;	/* per function, NULL: stay */
};

struct function_set {
	unsigned functions, workers;
	struct worker_slot *slots;	/* functions * workers, shared */
	_Atomic int *abandon;		/* shared: stop burning, exit */
	size_t shared_bytes;
	int *request_fd;		/* write ends, -1 once closed */
	int completion_fd;		/* read end, -1 unless closed loop */
	pid_t *pids;
	struct rusage *usage;		/* from wait4 */
	int *exit_status;
};

#define REQUEST_PIPE_BYTES (256 * 1024)
#define SETUP_TIMEOUT_NS (120ULL * 1000000000ULL)

/*
 * Forks the functions and waits until all are in their cgroups and
 * ready.  0, or -1 with err (children already started are reaped).
 */
int function_set_start(struct function_set *set,
		       const struct function_config *config,
		       char *err, size_t errlen);
/* Nonblocking send: 0 sent, 1 pipe full (dropped), -1 error. */
int function_send(struct function_set *set, unsigned function,
		  const struct request_message *message);
uint64_t function_set_completed(const struct function_set *set);
/* Closing the request pipes lets the workers drain and exit. */
void function_set_close_requests(struct function_set *set);
void function_set_abandon(struct function_set *set);
/*
 * Reaps all functions, waiting up to timeout_ns, then kills the rest
 * (our own children only).  Returns the number that failed.
 */
int function_set_wait(struct function_set *set, uint64_t timeout_ns);
struct worker_slot *function_slot(const struct function_set *set,
				  unsigned function, unsigned worker);
void function_set_free(struct function_set *set);

#endif
