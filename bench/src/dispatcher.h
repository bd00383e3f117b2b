/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dispatcher thread: sends each request to its function at the
 * intended arrival time (open loop), or keeps a fixed number of
 * requests in flight per function (closed loop).
 */
#ifndef FAAS_DISPATCHER_H
#define FAAS_DISPATCHER_H

#include <stdatomic.h>
#include <stdint.h>
#include "arrivals.h"
#include "function_process.h"
#include "histogram.h"

struct dispatcher {
	/* in */
	struct arrival_source *source;
	struct function_set *functions;
	int closed_loop;
	unsigned clients;		/* closed loop, per function */
	uint64_t start_ns, end_ns;	/* CLOCK_MONOTONIC */
	_Atomic int stop;
	/* out */
	_Atomic int finished;
	_Atomic uint64_t issued;
	uint64_t *issued_per_function;
	uint64_t *dropped_per_function;
	uint64_t dropped;
	struct histogram lag;		/* send time - intended time */
	uint64_t cpu_ns;		/* the dispatcher thread's CPU time */
	uint64_t stopped_ns;
	int failed;
	char error[256];
};

#define DISPATCH_MAX_SLEEP_NS (50ULL * 1000 * 1000)

/* Allocates the per-function counters, empties the lag histogram; 0 or -1. */
int dispatcher_init(struct dispatcher *dispatcher, unsigned functions);
void *dispatcher_main(void *dispatcher);
void dispatcher_free(struct dispatcher *dispatcher);

#endif
