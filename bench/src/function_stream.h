/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One function's own arrival process, for the self-timed generator:
 * each function process draws its own next arrival and sleeps until it,
 * so no dispatcher runs between two requests.
 *
 * The merged process of arrivals.c (one stream, each arrival given to
 * function f with probability p_f) is, for Poisson arrivals, the same as
 * independent Poisson streams of rate p_f * rate, one per function (the
 * splitting property of Poisson processes).  For the bursty modes the
 * on/off phases are shared by all functions: every stream draws them
 * from a generator seeded with the run's seed alone, so all functions
 * see the same phases, and arrivals of function f come at rate
 * p_f * rate_on while on.  In the azure mode every function already is
 * a renewal process of its own (arrivals.h), which its stream runs.
 * Streams are O(1) in memory.
 */
#ifndef FAAS_FUNCTION_STREAM_H
#define FAAS_FUNCTION_STREAM_H

#include <stdint.h>
#include "arrivals.h"
#include "rng.h"

struct function_stream {
	double mean_gap_ns;	/* this function's gap while "on" */
	/* shared phases (bursty modes): [on_start, on_until) */
	int bursty;
	double on_start_ns, on_until_ns, on_mean_ns, off_mean_ns;
	struct rng phase_rng;
	double now_ns;		/* the last arrival, since the start */
	/* azure: renewal process of its own (arrival_draw_gap) */
	const struct arrival_source *azure;
	unsigned function;
	int started;
	/* service */
	int synthetic;
	enum service_shape service;
	double service_mean_ns, service_cap_ns;
	struct rng rng;
};

/*
 * Builds function f's stream from a source made by arrival_source_init()
 * (poisson, onoff, synthetic and azure modes; not replay or closed).
 * 0, or -1 with the reason in err.
 */
int function_stream_init(struct function_stream *stream,
			 const struct arrival_source *src,
			 const struct arrival_params *params, unsigned function,
			 char *err, size_t errlen);
/*
 * The next arrival of this function: its time since the start of the
 * run in *time_ns (non-decreasing), its CPU service in *service_ns.
 * Returns 0, or -1 when the function never gets a request.
 */
int function_stream_next(struct function_stream *stream, double *time_ns,
			 double *service_ns);

#endif
