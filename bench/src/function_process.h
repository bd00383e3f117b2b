/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Function instances: one process per function, placed in its cgroup,
 * with K worker threads.  A worker gets its next request either from the
 * function's own arrival stream (self-timed: it sleeps until the
 * request's intended time) or from the function's request pipe (a
 * dispatcher sends it), then serves it: CPU bursts that touch a private
 * working set, optionally split across fan-out threads and separated by
 * simulated I/O waits.  Results go to memory shared with the parent.
 */
#ifndef FAAS_FUNCTION_PROCESS_H
#define FAAS_FUNCTION_PROCESS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "distributions.h"
#include "function_stream.h"
#include "handover.h"
#include "histogram.h"

/* What travels through a request pipe (one atomic pipe write). */
struct request_message {
	uint64_t intended_ns;	/* CLOCK_MONOTONIC arrival time */
	uint64_t service_ns;	/* CPU time to burn */
};

struct worker_slot {
	struct histogram latency;	/* intended arrival to completion */
	struct histogram timer_lag;	/* self-timed: intended to wake-up */
	_Atomic uint64_t completed;
	uint64_t completed_in_window;	/* done before the window's end */
	uint64_t issued;		/* self-timed: arrivals in the window */
	uint64_t within_slo;
	uint64_t handovers;		/* see handover.h */
	uint64_t charged_ns;		/* switch-cost model, CPU ns added */
	uint64_t io_waits;
	/* from the start of the window to the worker's exit, with its
	 * fan-out helpers: switches (getrusage RUSAGE_THREAD), CPU time */
	uint64_t voluntary, involuntary;
	uint64_t cpu_ns;
};

/* The pipe ends a function process keeps. */
struct function_fds {
	int request;		/* read end of its request pipe */
	int completion;		/* write end, -1 unless closed loop */
	int ready;		/* write end: 'R' ready, 'E' failed */
	int go;			/* read end: EOF starts the window */
	int stop;		/* read end: EOF abandons the run */
};

/* What one request does besides its CPU service time. */
struct request_shape {
	unsigned bursts;		/* CPU bursts, >= 1; service split evenly */
	double io_mean_ns;		/* blocking wait between bursts */
	enum service_shape io_shape;
	unsigned fanout;		/* threads per burst, >= 1 */
	double handover_cost_ns;	/* CPU charged per handover, 0: off */
};

struct function_config {
	unsigned functions;
	unsigned workers;
	unsigned working_set_kib;
	uint64_t slo_ns;
	int closed_loop;		/* report completions to the dispatcher */
	char *const *cgroup_dirs;	/* per function, NULL: stay */
	struct request_shape shape;
	unsigned cpus;			/* CPUs in the handover table */
	uint64_t seed;			/* of the I/O wait draws */
	/* Self-timed: per function stream (copied by its process), or NULL
	 * for requests from a dispatcher through the pipes. */
	const struct function_stream *streams;
};

struct function_set {
	unsigned functions, workers;
	struct worker_slot *slots;	/* functions * workers, shared */
	_Atomic int *abandon;		/* shared: stop burning, exit */
	/* shared: the measured window, set by function_set_go() */
	_Atomic uint64_t *start_ns, *end_ns;
	_Atomic uint64_t *workers_done;	/* shared: workers that left */
	_Atomic uint64_t *abandon_ns;	/* shared: when it was abandoned */
	struct handover_tags *tags;	/* shared */
	int go_fd;			/* write end; closing it starts the run */
	int stop_fd;			/* write end; closing it abandons it */
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
/*
 * Starts the measured window [start_ns, end_ns) for self-timed
 * functions (their stream's time 0 is start_ns; arrivals at or after
 * end_ns are not served).  Dispatcher runs call it too.
 */
void function_set_go(struct function_set *set, uint64_t start_ns,
		     uint64_t end_ns);
/* Nonblocking send: 0 sent, 1 pipe full (dropped), -1 error. */
int function_send(struct function_set *set, unsigned function,
		  const struct request_message *message);
uint64_t function_set_completed(const struct function_set *set);
/* Workers that have left their loop (window over, or abandoned). */
uint64_t function_set_workers_done(const struct function_set *set);
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
