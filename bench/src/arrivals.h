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
	/* AZURE: one renewal process per function, Weibull gaps */
	double *next_ns;	/* next arrival of each function */
	double *gap_scale_ns;	/* Weibull scale of each function's gaps */
	double *gap_shape;	/* Weibull shape k: CV < 1 for k > 1 */
	unsigned *heap;		/* functions, min-heap on next_ns */
};

/* Synthetic traces: shape of the per-function spread. */
#define SYNTH_POPULARITY_SIGMA 2.0
#define SYNTH_FUNCTION_SERVICE_SIGMA 1.0
#define SYNTH_REQUEST_SERVICE_SIGMA 0.5
#define SERVICE_CAP_FACTOR 200.0

/*
 * Azure: the shape of the Azure Functions 2019 workload, Shahrad et al.,
 * "Serverless in the Wild", USENIX ATC 2020 (figures as reproduced in
 * github.com/Azure/AzurePublicDataset, analysis/AzureFunctionsDataset2019-
 * Trace_Analysis.md; readings in Documentation/bench.rst).
 *
 * Popularity: rate of function f proportional to exp(sigma z_f), the z_f
 * normal quantiles at (f + 0.5) / n in a seeded random order.  Sigma 3.5
 * fits Fig. 5(b): of 100000 functions the top 0.1% / 1% / 10% take 62% /
 * 86% / 98.5% of requests (figure: 64% / 91% / 99.5%).
 */
#define AZURE_POPULARITY_SIGMA 3.5
/*
 * Mean execution time across functions: lognormal, sigma 2.25 from the
 * quartiles (0.22 s, 4.4 s) and deciles (0.064 s, 23 s) of the per-function
 * average in Fig. 7.  Within a function requests are lognormal with sigma
 * LOGNORMAL_SERVICE_SIGMA (1.0): the medians of the per-function daily
 * minimum and maximum in Fig. 7 (0.21 s, 3.8 s) lie about 1.4 sigma below
 * and above the average's, the expected range of the ~8 daily invocations
 * of the median function of Fig. 5(a).
 */
#define AZURE_FUNCTION_SERVICE_SIGMA 2.25
/* Inter-arrival CV per function, clamped to what Fig. 6 shows. */
#define AZURE_GAP_CV_MIN 0.05
#define AZURE_GAP_CV_MAX 10.0

/* Arrival rate for an offered load: load * cpus / mean service. */
double arrival_rate_for_load(double load, unsigned cpus, double service_mean_ns);

/*
 * Returns 0, or -1 with the reason in err.  ARRIVAL_AZURE needs
 * rate_per_s > 0 and ignores service, zipf, on_ms and off_ms; its state is
 * O(functions) (about 50 bytes each) and is built in O(functions) time.
 */
int arrival_source_init(struct arrival_source *src,
			const struct arrival_params *params,
			char *err, size_t errlen);
/*
 * 1: next arrival in *out; 0: no more (replay end); -1: error in err.
 * Times never decrease.  ARRIVAL_AZURE: O(log functions), no allocation.
 */
int arrival_next(struct arrival_source *src, struct arrival *out,
		 char *err, size_t errlen);
/*
 * A service time in ns for function f (closed loop), capped at
 * SERVICE_CAP_FACTOR x the asked mean and at least 1 ns.  ARRIVAL_AZURE:
 * lognormal around f's own mean; over requests the mean is the asked one
 * (the cap is accounted for).
 */
double arrival_draw_service(struct arrival_source *src, unsigned function);
/* Expected share of requests that go to function f, in [0, 1]. */
double arrival_function_share(const struct arrival_source *src,
			      unsigned function);
/*
 * Expected coefficient of variation of function f's inter-arrival times:
 * ARRIVAL_AZURE the CV of its Weibull gaps (drawn from Fig. 6 of Shahrad
 * et al.), ARRIVAL_POISSON 1; -1 for the other modes (not a renewal
 * process per function).
 */
double arrival_function_gap_cv(const struct arrival_source *src,
			       unsigned function);
/*
 * ARRIVAL_AZURE: a gap in ns until function f's next arrival, drawn from
 * rng (for per-function generators).  first != 0: the time from the start
 * of the run to f's first arrival, drawn so that the process is
 * stationary from time 0 (the residual life U x L, L length-biased);
 * otherwise a Weibull gap.  Infinite when f's share rounds to 0; -1 for
 * the other modes.
 */
double arrival_draw_gap(const struct arrival_source *src, unsigned function,
			struct rng *rng, int first);
void arrival_source_free(struct arrival_source *src);

#endif
