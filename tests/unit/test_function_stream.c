// SPDX-License-Identifier: GPL-2.0
/*
 * Self-timed arrival streams: each function's stream has its share of
 * the merged rate, bursty streams share their on/off phases, a stream
 * is deterministic and never goes back in time.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "arrivals.h"
#include "function_stream.h"
#include "tap.h"
#include "unit.h"

#define FUNCTIONS 8
#define SECONDS 200.0

static int make_source(struct arrival_source *src, struct arrival_params *p,
		       enum arrival_mode mode)
{
	char err[256];

	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->functions = FUNCTIONS;
	p->rate_per_s = 400.0;
	p->on_ms = 50.0;
	p->off_ms = 50.0;
	p->zipf = 1.0;
	p->service = SERVICE_FIXED;
	p->service_mean_ns = 1e6;
	p->seed = 11;
	return arrival_source_init(src, p, err, sizeof(err));
}

/* Arrivals of function f in [0, SECONDS); -1 when time went backwards. */
static long count_arrivals(struct function_stream *s, double *service_sum)
{
	double t, service, last = 0.0;
	long n = 0;

	*service_sum = 0.0;
	while (function_stream_next(s, &t, &service) == 0 && t < SECONDS * 1e9) {
		if (t < last)
			return -1;
		last = t;
		*service_sum += service;
		n++;
	}
	return n;
}

static void test_rates(void)
{
	struct arrival_source src;
	struct arrival_params p;
	char err[256];
	int rates_ok = 1, service_ok = 1;
	long total = 0;

	if (!tap_ok(make_source(&src, &p, ARRIVAL_POISSON) == 0,
		    "function streams: a poisson source"))
		return;
	for (unsigned f = 0; f < FUNCTIONS; f++) {
		struct function_stream s;
		double expect = arrival_function_share(&src, f) * p.rate_per_s * SECONDS;
		double service_sum;
		long n;

		if (function_stream_init(&s, &src, &p, f, err, sizeof(err))) {
			rates_ok = 0;
			break;
		}
		n = count_arrivals(&s, &service_sum);
		total += n;
		/* 4 standard deviations of a Poisson count */
		if (n < 0 || fabs(n - expect) > 4.0 * sqrt(expect) + 1) {
			tap_diag("function %u: %ld arrivals, expected %.0f", f, n, expect);
			rates_ok = 0;
		}
		if (n > 0 && fabs(service_sum / n - 1e6) > 1.0)
			service_ok = 0;
	}
	tap_ok(rates_ok, "function streams: each function gets its Zipf share "
	       "of the rate (%ld arrivals in %.0f s)", total, SECONDS);
	tap_ok(service_ok, "function streams: fixed service is the asked mean");
	arrival_source_free(&src);
}

/* Is t inside an "on" phase of the sequence drawn from seed? */
static int in_on_phase(uint64_t seed, double on_mean, double off_mean, double t)
{
	struct rng phases;
	double on_start = 0.0, on_until;

	rng_seed(&phases, seed);
	on_until = draw_exponential(&phases, on_mean);
	while (on_until < t) {
		on_start = on_until + draw_exponential(&phases, off_mean);
		on_until = on_start + draw_exponential(&phases, on_mean);
	}
	return t >= on_start;
}

/* Bursty: every function arrives only in the one shared "on" phases. */
static void test_shared_phases(void)
{
	struct arrival_source src;
	struct arrival_params p;
	struct function_stream a, a2;
	char err[256];
	int same = 1, outside = 0, checked = 0;

	if (!tap_ok(make_source(&src, &p, ARRIVAL_ONOFF) == 0 &&
		    function_stream_init(&a, &src, &p, 0, err, sizeof(err)) == 0,
		    "function streams: an on/off source"))
		return;
	a2 = a;
	for (int i = 0; i < 1000; i++) {
		double t1, t2, s1, s2;

		function_stream_next(&a, &t1, &s1);
		function_stream_next(&a2, &t2, &s2);
		if (t1 != t2 || s1 != s2)
			same = 0;
	}
	tap_ok(same, "function streams: deterministic for a seed");
	for (unsigned f = 0; f < 3; f++) {
		struct function_stream s;
		double t, service;

		function_stream_init(&s, &src, &p, f, err, sizeof(err));
		for (int i = 0; i < 300; i++) {
			function_stream_next(&s, &t, &service);
			outside += !in_on_phase(p.seed, p.on_ms * 1e6,
						p.off_ms * 1e6, t);
			checked++;
		}
	}
	tap_ok(outside == 0, "function streams: on/off phases are shared by all "
	       "functions (%d of %d arrivals of functions 0-2 outside them)",
	       outside, checked);
	arrival_source_free(&src);
}

/* Azure: each function runs its own renewal process at its share. */
static void test_azure(void)
{
	struct arrival_source src;
	struct arrival_params p;
	char err[256];
	int ok = 1, bursty = 0;

	if (!tap_ok(make_source(&src, &p, ARRIVAL_AZURE) == 0,
		    "function streams: an azure source"))
		return;
	for (unsigned f = 0; f < FUNCTIONS; f++) {
		struct function_stream s;
		double expect = arrival_function_share(&src, f) * p.rate_per_s * SECONDS;
		double t, service, last = 0, sum = 0, sum2 = 0;
		long n = 0;

		function_stream_init(&s, &src, &p, f, err, sizeof(err));
		while (function_stream_next(&s, &t, &service) == 0 && t < SECONDS * 1e9) {
			double gap = t - last;

			if (n) {
				sum += gap;
				sum2 += gap * gap;
			}
			last = t;
			n++;
		}
		/* A renewal count has sd ~ cv * sqrt(expect): allow 4 sd. */
		double cv = arrival_function_gap_cv(&src, f);

		if (expect > 40 &&
		    fabs(n - expect) > 4.0 * (cv > 1 ? cv : 1) * sqrt(expect) + 5) {
			tap_diag("azure function %u: %ld arrivals, expected %.0f",
				 f, n, expect);
			ok = 0;
		}
		if (n > 40 && cv > 2.0) {
			double mean = sum / (n - 1);

			bursty += sqrt(sum2 / (n - 1) - mean * mean) / mean > 1.2;
		}
	}
	tap_ok(ok, "function streams: azure functions arrive at their share");
	tap_diag("azure: %d bursty functions with sample CV > 1.2", bursty);
	arrival_source_free(&src);
}

static void test_refusals(void)
{
	struct arrival_source src;
	struct arrival_params p;
	struct function_stream s;
	char err[256] = "";

	make_source(&src, &p, ARRIVAL_POISSON);
	p.mode = ARRIVAL_CLOSED;
	tap_ok(function_stream_init(&s, &src, &p, 0, err, sizeof(err)) == -1 &&
	       strstr(err, "dispatcher"),
	       "function streams: closed loop is refused with a reason");
	p.mode = ARRIVAL_POISSON;
	tap_ok(function_stream_init(&s, &src, &p, FUNCTIONS, err, sizeof(err)) == -1,
	       "function streams: a function beyond the source is refused");
	arrival_source_free(&src);
}

void test_function_stream(void)
{
	test_rates();
	test_shared_phases();
	test_azure();
	test_refusals();
}
