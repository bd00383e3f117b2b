// SPDX-License-Identifier: GPL-2.0
/* Arrival generators: mean rate and shape; service time means. */
#include <math.h>
#include <stdlib.h>
#include "arrivals.h"
#include "tap.h"
#include "unit.h"

#define SAMPLES 200000

struct gap_stats {
	double mean, cv;
	double *share;
};

static int gap_stats(enum arrival_mode mode, double zipf, unsigned functions,
		     struct gap_stats *out)
{
	struct arrival_params params = {
		.mode = mode, .functions = functions, .rate_per_s = 1000.0,
		.on_ms = 100, .off_ms = 100, .zipf = zipf,
		.service = SERVICE_EXPONENTIAL, .service_mean_ns = 1e6, .seed = 7,
	};
	struct arrival_source src;
	struct arrival a;
	char err[256];
	double last = 0, sum = 0, sum2 = 0;

	if (arrival_source_init(&src, &params, err, sizeof(err)))
		return -1;
	out->share = calloc(functions, sizeof(double));
	for (int i = 0; i < SAMPLES; i++) {
		double gap;

		if (arrival_next(&src, &a, err, sizeof(err)) != 1)
			return -1;
		gap = a.time_ns - last;
		last = a.time_ns;
		sum += gap;
		sum2 += gap * gap;
		out->share[a.function] += 1.0 / SAMPLES;
	}
	out->mean = sum / SAMPLES;
	out->cv = sqrt(sum2 / SAMPLES - out->mean * out->mean) / out->mean;
	arrival_source_free(&src);
	return 0;
}

static double service_mean(enum service_shape shape, double *cv)
{
	struct rng rng;
	double sum = 0, sum2 = 0;

	rng_seed(&rng, 3);
	for (int i = 0; i < SAMPLES; i++) {
		double s = draw_service(&rng, shape, 2000.0);

		sum += s;
		sum2 += s * s;
	}
	*cv = sqrt(sum2 / SAMPLES - (sum / SAMPLES) * (sum / SAMPLES)) /
	      (sum / SAMPLES);
	return sum / SAMPLES;
}

/*
 * Pareto service: draw_pareto() keeps its mean and its tail
 * P(X > x) = (x_m / x)^alpha; arrival_draw_service() caps at
 * SERVICE_CAP_FACTOR x the mean, which takes
 * x_m^alpha c^(1 - alpha) / (alpha - 1) off the mean.
 */
static void test_pareto_service(void)
{
	const double mean = 2000.0, alpha = PARETO_SERVICE_ALPHA;
	const double x_m = mean * (alpha - 1.0) / alpha;
	const double cap = SERVICE_CAP_FACTOR * mean;
	const double tail10 = pow(x_m / (10.0 * mean), alpha);
	const double capped = mean - pow(x_m, alpha) * pow(cap, 1.0 - alpha) /
				     (alpha - 1.0);
	const long n = 4000000;
	struct arrival_params params = {
		.mode = ARRIVAL_POISSON, .functions = 1, .rate_per_s = 1000.0,
		.service = SERVICE_PARETO, .service_mean_ns = mean, .seed = 9,
	};
	struct arrival_source src;
	struct rng rng;
	double sum = 0, sum_capped = 0, beyond = 0;
	char err[256];

	rng_seed(&rng, 5);
	for (long i = 0; i < n; i++) {
		double s = draw_service(&rng, SERVICE_PARETO, mean);

		sum += s;
		beyond += s > 10.0 * mean;
	}
	if (arrival_source_init(&src, &params, err, sizeof(err)))
		return;
	for (long i = 0; i < n; i++)
		sum_capped += arrival_draw_service(&src, 0);
	arrival_source_free(&src);
	tap_diag("pareto: mean %.1f (asked %.1f), P(X > 10 mean) %.5f "
		 "(expected %.5f), capped mean %.1f (expected %.1f)", sum / n,
		 mean, beyond / n, tail10, sum_capped / n, capped);
	tap_ok(fabs(sum / n - mean) < 0.05 * mean,
	       "arrivals: pareto service keeps its mean (5%%, infinite variance)");
	tap_ok(fabs(beyond / n - tail10) < 0.05 * tail10,
	       "arrivals: pareto tail P(X > 10 mean) = (1/30)^1.5 within 5%%");
	tap_ok(fabs(sum_capped / n - capped) < 0.01 * capped,
	       "arrivals: capped pareto mean is the asked mean less the cut "
	       "tail (%.1f%%), within 1%%", 100.0 * (1.0 - capped / mean));
}

void test_arrivals(void)
{
	struct gap_stats poisson = { 0 }, onoff = { 0 }, synthetic = { 0 };
	static const char *const shapes[] = { "fixed", "exp", "lognormal", "bimodal" };
	double top_share = 0;

	tap_ok(fabs(arrival_rate_for_load(0.5, 4, 2e6) - 1000.0) < 1e-9,
	       "arrivals: load 0.5 on 4 CPUs with 2 ms requests is 1000/s");
	if (!tap_ok(gap_stats(ARRIVAL_POISSON, 1.0, 10, &poisson) == 0,
		    "arrivals: poisson source runs"))
		return;
	tap_diag("poisson mean gap %.1f us, cv %.3f", poisson.mean / 1e3, poisson.cv);
	tap_ok(fabs(poisson.mean - 1e6) < 0.02e6,
	       "arrivals: poisson mean gap within 2%% of 1 ms");
	tap_ok(fabs(poisson.cv - 1.0) < 0.03,
	       "arrivals: poisson gaps are exponential (cv within 0.03 of 1)");
	{
		double h = 0, ok = 1;

		for (int i = 1; i <= 10; i++)
			h += 1.0 / i;
		for (int i = 0; i < 10; i++)
			if (fabs(poisson.share[i] - 1.0 / (i + 1) / h) > 0.01)
				ok = 0;
		tap_ok(ok, "arrivals: zipf s=1 shares over 10 functions within 1%%");
	}
	if (tap_ok(gap_stats(ARRIVAL_ONOFF, 0.0, 10, &onoff) == 0,
		   "arrivals: on/off source runs")) {
		tap_diag("on/off mean gap %.1f us, cv %.3f", onoff.mean / 1e3, onoff.cv);
		tap_ok(fabs(onoff.mean - 1e6) < 0.05e6,
		       "arrivals: on/off keeps the mean rate (within 5%%)");
		tap_ok(onoff.cv > 1.3, "arrivals: on/off is burstier than poisson");
		tap_ok(fabs(onoff.share[0] - 0.1) < 0.01 && fabs(onoff.share[9] - 0.1) < 0.01,
		       "arrivals: zipf s=0 spreads evenly");
	}
	if (tap_ok(gap_stats(ARRIVAL_SYNTHETIC, 0.0, 200, &synthetic) == 0,
		   "arrivals: synthetic trace source runs")) {
		double *sorted = synthetic.share;

		/* share of the 20 most popular functions out of 200 */
		for (int k = 0; k < 20; k++) {
			int best = 0;

			for (int i = 1; i < 200; i++)
				if (sorted[i] > sorted[best])
					best = i;
			top_share += sorted[best];
			sorted[best] = -1;
		}
		tap_diag("synthetic: top 10%% of functions get %.0f%% of requests",
			 100 * top_share);
		tap_ok(top_share > 0.5, "arrivals: synthetic popularity is heavy-tailed "
		       "(top 10%% of functions > 50%% of requests)");
		tap_ok(fabs(synthetic.mean - 1e6) < 0.1e6 && synthetic.cv > 1.3,
		       "arrivals: synthetic keeps the mean rate and is bursty");
	}
	for (unsigned i = 0; i < 4; i++) {
		enum service_shape shape;
		double cv, mean;

		service_shape_parse(shapes[i], &shape);
		mean = service_mean(shape, &cv);
		tap_diag("%s: mean %.1f cv %.3f", shapes[i], mean, cv);
		tap_ok(fabs(mean - 2000.0) < 0.03 * 2000.0 &&
		       (i == 0 ? cv < 1e-6 : i == 1 ? fabs(cv - 1) < 0.05 : cv > 0.8),
		       "arrivals: %s service keeps its mean (3%%) and shape", shapes[i]);
	}
	{
		enum service_shape shape;

		tap_ok(service_shape_parse("weibull", &shape) == -1,
		       "arrivals: unknown service shape rejected");
	}
	test_pareto_service();
	free(poisson.share);
	free(onoff.share);
	free(synthetic.share);
}
