// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arrivals.h"

double arrival_rate_for_load(double load, unsigned cpus, double service_mean_ns)
{
	return load * (double)cpus * 1e9 / service_mean_ns;
}

static int init_synthetic_spread(struct arrival_source *src,
				 const struct arrival_params *params)
{
	double *weights = calloc(params->functions, sizeof(*weights));
	double weighted_mean = 0.0;

	if (!weights)
		return -1;
	for (unsigned i = 0; i < params->functions; i++) {
		weights[i] = draw_lognormal(&src->rng, 1.0, SYNTH_POPULARITY_SIGMA);
		src->function_service_ns[i] =
			draw_lognormal(&src->rng, 1.0, SYNTH_FUNCTION_SERVICE_SIGMA);
	}
	if (weight_table_init(&src->popularity, weights, params->functions)) {
		free(weights);
		return -1;
	}
	free(weights);
	for (unsigned i = 0; i < params->functions; i++)
		weighted_mean += zipf_probability(&src->popularity, i) *
				 src->function_service_ns[i];
	for (unsigned i = 0; i < params->functions; i++)
		src->function_service_ns[i] *= params->service_mean_ns / weighted_mean;
	return 0;
}

int arrival_source_init(struct arrival_source *src,
			const struct arrival_params *params,
			char *err, size_t errlen)
{
	memset(src, 0, sizeof(*src));
	src->mode = params->mode;
	src->functions = params->functions;
	src->service = params->service;
	src->service_cap_ns = params->service_mean_ns * SERVICE_CAP_FACTOR;
	rng_seed(&src->rng, params->seed);
	src->function_service_ns = calloc(params->functions,
					  sizeof(*src->function_service_ns));
	if (!src->function_service_ns || !params->functions) {
		snprintf(err, errlen, "no functions or out of memory");
		return -1;
	}
	for (unsigned i = 0; i < params->functions; i++)
		src->function_service_ns[i] = params->service_mean_ns;

	if (params->mode == ARRIVAL_SYNTHETIC) {
		if (init_synthetic_spread(src, params)) {
			snprintf(err, errlen, "cannot build the synthetic trace");
			return -1;
		}
	} else if (zipf_table_init(&src->popularity, params->functions,
				   params->zipf)) {
		snprintf(err, errlen, "cannot build the popularity table");
		return -1;
	}

	src->bursty = params->mode == ARRIVAL_ONOFF ||
		      params->mode == ARRIVAL_SYNTHETIC;
	src->on_mean_ns = params->on_ms * 1e6;
	src->off_mean_ns = params->off_ms * 1e6;
	if (params->rate_per_s > 0) {
		src->mean_gap_ns = 1e9 / params->rate_per_s;
		/* Keep the long-run mean rate: arrive faster while "on". */
		if (src->bursty)
			src->mean_gap_ns *= src->on_mean_ns /
					    (src->on_mean_ns + src->off_mean_ns);
	}
	if (src->bursty)
		src->on_until_ns = draw_exponential(&src->rng, src->on_mean_ns);

	if (params->mode == ARRIVAL_REPLAY) {
		if (!params->trace || trace_reader_open(&src->trace, params->trace)) {
			snprintf(err, errlen, "cannot open trace %s: %m",
				 params->trace ? params->trace : "(none)");
			return -1;
		}
		src->trace_open = 1;
	}
	return 0;
}

double arrival_draw_service(struct arrival_source *src, unsigned function)
{
	double mean = src->function_service_ns[function], service;

	if (src->mode == ARRIVAL_SYNTHETIC)
		service = draw_lognormal(&src->rng, mean, SYNTH_REQUEST_SERVICE_SIGMA);
	else
		service = draw_service(&src->rng, src->service, mean);
	if (service > src->service_cap_ns)
		service = src->service_cap_ns;
	return service < 1.0 ? 1.0 : service;
}

double arrival_function_share(const struct arrival_source *src,
			      unsigned function)
{
	return zipf_probability(&src->popularity, function);
}

static double next_time(struct arrival_source *src)
{
	double t = src->now_ns + draw_exponential(&src->rng, src->mean_gap_ns);

	/* Exponential gaps are memoryless, so an arrival that falls past
	 * the end of an "on" period restarts in the next one. */
	while (src->bursty && t > src->on_until_ns) {
		double on_start = src->on_until_ns +
				  draw_exponential(&src->rng, src->off_mean_ns);

		src->on_until_ns = on_start +
				   draw_exponential(&src->rng, src->on_mean_ns);
		t = on_start + draw_exponential(&src->rng, src->mean_gap_ns);
	}
	return t;
}

int arrival_next(struct arrival_source *src, struct arrival *out,
		 char *err, size_t errlen)
{
	struct trace_record record;
	int ret;

	if (src->mode == ARRIVAL_REPLAY) {
		ret = trace_reader_next(&src->trace, &record);
		if (ret < 0)
			snprintf(err, errlen, "%s", src->trace.error);
		if (ret <= 0)
			return ret;
		out->time_ns = record.time_us * 1e3;
		out->function = (unsigned)(record.function % src->functions);
		out->service_ns = record.service_us * 1e3;
		return 1;
	}
	if (src->mode == ARRIVAL_CLOSED) {
		snprintf(err, errlen, "closed loop has no arrival process");
		return -1;
	}
	src->now_ns = next_time(src);
	out->time_ns = src->now_ns;
	out->function = (unsigned)zipf_draw(&src->popularity, &src->rng);
	out->service_ns = arrival_draw_service(src, out->function);
	return 1;
}

void arrival_source_free(struct arrival_source *src)
{
	if (src->trace_open)
		trace_reader_close(&src->trace);
	zipf_table_free(&src->popularity);
	free(src->function_service_ns);
	src->function_service_ns = NULL;
}
