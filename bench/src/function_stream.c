// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "function_stream.h"

/* Streams of different functions must not share random numbers. */
#define STREAM_SEED_STRIDE 0x9e3779b97f4a7c15ULL

int function_stream_init(struct function_stream *stream,
			 const struct arrival_source *src,
			 const struct arrival_params *params, unsigned function,
			 char *err, size_t errlen)
{
	double share;

	memset(stream, 0, sizeof(*stream));
	if (params->mode == ARRIVAL_REPLAY || params->mode == ARRIVAL_CLOSED) {
		snprintf(err, errlen, "--arrival %s has no per-function stream: "
			 "use a dispatcher (--generator fifo or fair)",
			 arrival_mode_name(params->mode));
		return -1;
	}
	if (function >= src->functions) {
		snprintf(err, errlen, "function %u of %u", function, src->functions);
		return -1;
	}
	share = arrival_function_share(src, function);
	stream->mean_gap_ns = share > 0.0 && src->mean_gap_ns > 0.0 ?
			      src->mean_gap_ns / share : INFINITY;
	stream->bursty = src->bursty;
	stream->on_mean_ns = src->on_mean_ns;
	stream->off_mean_ns = src->off_mean_ns;
	rng_seed(&stream->phase_rng, params->seed);
	if (stream->bursty) {
		stream->on_start_ns = 0.0;
		stream->on_until_ns = draw_exponential(&stream->phase_rng,
						       stream->on_mean_ns);
	}
	if (params->mode == ARRIVAL_AZURE) {
		/* The source outlives the stream: it is the parent's, and a
		 * function process has its own copy from fork(). */
		stream->azure = src;
		stream->function = function;
	}
	stream->synthetic = params->mode == ARRIVAL_SYNTHETIC;
	stream->service = src->service;
	stream->service_mean_ns = src->function_service_ns[function];
	stream->service_cap_ns = src->service_cap_ns;
	rng_seed(&stream->rng, params->seed + STREAM_SEED_STRIDE * (function + 1ULL));
	return 0;
}

/*
 * Real time of the point `into` ns of "on" time after the start of the
 * current "on" phase (bursty streams).
 */
static double on_time_to_real(struct function_stream *s, double into)
{
	/* Walk the shared phases: each "on" period holds on_until - on_start. */
	while (s->on_start_ns + into > s->on_until_ns) {
		into -= s->on_until_ns - s->on_start_ns;
		s->on_start_ns = s->on_until_ns +
				 draw_exponential(&s->phase_rng, s->off_mean_ns);
		s->on_until_ns = s->on_start_ns +
				 draw_exponential(&s->phase_rng, s->on_mean_ns);
	}
	return s->on_start_ns + into;
}

static double draw_stream_service(struct function_stream *s)
{
	double service = s->synthetic ?
		draw_lognormal(&s->rng, s->service_mean_ns,
			       SYNTH_REQUEST_SERVICE_SIGMA) :
		draw_service(&s->rng, s->service, s->service_mean_ns);

	if (service > s->service_cap_ns)
		service = s->service_cap_ns;
	return service < 1.0 ? 1.0 : service;
}

int function_stream_next(struct function_stream *s, double *time_ns,
			 double *service_ns)
{
	double gap;

	if (s->azure) {
		gap = arrival_draw_gap(s->azure, s->function, &s->rng, !s->started);
		s->started = 1;
		if (!(gap >= 0.0) || !isfinite(gap))
			return -1;
		s->now_ns += gap;
		*time_ns = s->now_ns;
		*service_ns = draw_stream_service(s);
		return 0;
	}
	if (!isfinite(s->mean_gap_ns))
		return -1;
	gap = draw_exponential(&s->rng, s->mean_gap_ns);
	if (s->bursty) {
		/* Arrivals are Poisson in "on" time; the last one lies in
		 * the current phase [on_start_ns, on_until_ns]. */
		double in_phase = s->now_ns > s->on_start_ns ?
				  s->now_ns - s->on_start_ns : 0.0;

		s->now_ns = on_time_to_real(s, in_phase + gap);
	} else {
		s->now_ns += gap;
	}
	*time_ns = s->now_ns;
	*service_ns = draw_stream_service(s);
	return 0;
}
