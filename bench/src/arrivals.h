/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arrival processes: which function gets a request when, and how much
 * CPU it costs.  Streams: memory does not grow with the run length.
 */
#ifndef FAAS_ARRIVALS_H
#define FAAS_ARRIVALS_H

#include <stddef.h>
#include <stdint.h>
#include "distributions.h"
#include "options.h"
#include "rng.h"
#include "trace_csv.h"

struct arrival {
	double time_ns;		/* since the start of the run */
	unsigned function;
	double service_ns;
};

struct arrival_params {
	enum arrival_mode mode;
	unsigned functions;
	double rate_per_s;	/* mean arrivals per second, all functions */
	double on_ms, off_ms;	/* ONOFF and SYNTHETIC burst periods */
	double zipf;
	enum service_shape service;
	double service_mean_ns;
	uint64_t seed;
	const char *trace;	/* REPLAY */
};

struct arrival_source {
	enum arrival_mode mode;
	unsigned functions;
	double mean_gap_ns;	/* between arrivals while "on" */
	double on_mean_ns, off_mean_ns;
	int bursty;
	double now_ns, on_until_ns;
	struct zipf_table popularity;
	double *function_service_ns;	/* per function mean service */
	enum service_shape service;
	double service_cap_ns;
	struct rng rng;
	struct trace_reader trace;
	int trace_open;
};

/* Synthetic traces: shape of the per-function spread. */
#define SYNTH_POPULARITY_SIGMA 2.0
#define SYNTH_FUNCTION_SERVICE_SIGMA 1.0
#define SYNTH_REQUEST_SERVICE_SIGMA 0.5
#define SERVICE_CAP_FACTOR 200.0

/* Arrival rate for an offered load: load * cpus / mean service. */
double arrival_rate_for_load(double load, unsigned cpus, double service_mean_ns);

/* Returns 0, or -1 with the reason in err. */
int arrival_source_init(struct arrival_source *src,
			const struct arrival_params *params,
			char *err, size_t errlen);
/* 1: next arrival in *out; 0: no more (replay end); -1: error in err. */
int arrival_next(struct arrival_source *src, struct arrival *out,
		 char *err, size_t errlen);
/* A service time for function f (closed loop). */
double arrival_draw_service(struct arrival_source *src, unsigned function);
/* Expected share of requests that go to function f. */
double arrival_function_share(const struct arrival_source *src,
			      unsigned function);
void arrival_source_free(struct arrival_source *src);

#endif
