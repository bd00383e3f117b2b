// SPDX-License-Identifier: GPL-2.0
#include <math.h>
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

/* ---- ARRIVAL_AZURE -------------------------------------------------- */

static double normal_cdf(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

/*
 * Inverse of the standard normal CDF, 0 < p < 1: P. J. Acklam's rational
 * approximation (2003, relative error 1.15e-9), refined by one Halley step
 * on erfc as Acklam suggests.
 */
static double normal_quantile(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02,
		-3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01,
		-1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00,
		4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
		2.445134137142996e+00, 3.754408661907416e+00 };
	double q, r, x, e, u;

	if (p < 0.02425 || p > 1.0 - 0.02425) {
		q = sqrt(-2.0 * log(p < 0.5 ? p : 1.0 - p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
		if (p > 0.5)
			x = -x;
	} else {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
	}
	e = normal_cdf(x) - p;
	u = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);
	return x - u / (1.0 + x * u / 2.0);
}

static void shuffle(struct rng *rng, double *v, unsigned n)
{
	for (unsigned i = n; i > 1; i--) {
		unsigned j = (unsigned)(rng_uniform(rng) * i);
		double t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

/*
 * n values exp(sigma z_i), z_i the standard normal quantiles at
 * (i + 0.5) / n, in a random order: a lognormal sample whose shape does
 * not depend on the seed (only which function gets which value does).
 */
static void stratified_lognormal(struct rng *rng, double *out, unsigned n,
				 double sigma)
{
	for (unsigned i = 0; i < n; i++)
		out[i] = exp(sigma * normal_quantile((i + 0.5) / n));
	shuffle(rng, out, n);
}

/*
 * Inverse CDF of the inter-arrival CV per application, read from the
 * "All Apps" curve of Fig. 6 (Shahrad et al.; the released-trace notebook
 * redraws it): about 23% near-periodic (timers, CV ~ 0), 57% at CV <= 1,
 * 94.5% at CV <= 10.  Linear between the readings.
 */
static const struct {
	double cdf, cv;
} azure_gap_cv_knots[] = {
	{ 0.000, AZURE_GAP_CV_MIN }, { 0.228, AZURE_GAP_CV_MIN },
	{ 0.296, 0.1 }, { 0.363, 0.25 }, { 0.447, 0.5 }, { 0.502, 0.75 },
	{ 0.570, 1.0 }, { 0.654, 1.5 }, { 0.716, 2.0 }, { 0.803, 3.0 },
	{ 0.851, 4.0 }, { 0.880, 5.0 }, { 0.929, 8.0 },
	{ 0.945, AZURE_GAP_CV_MAX }, { 1.000, AZURE_GAP_CV_MAX },
};

static double azure_gap_cv_quantile(double u)
{
	size_t n = sizeof(azure_gap_cv_knots) / sizeof(azure_gap_cv_knots[0]);

	for (size_t i = 1; i < n; i++) {
		double lo = azure_gap_cv_knots[i - 1].cdf, hi = azure_gap_cv_knots[i].cdf;

		if (u <= hi)
			return azure_gap_cv_knots[i - 1].cv +
			       (azure_gap_cv_knots[i].cv - azure_gap_cv_knots[i - 1].cv) *
			       (u - lo) / (hi - lo);
	}
	return AZURE_GAP_CV_MAX;
}

/* ln(1 + CV^2) of Weibull gaps of shape k: Gamma(1+2/k) / Gamma(1+1/k)^2. */
static double weibull_log_cv2p1(double k)
{
	return lgamma(1.0 + 2.0 / k) - 2.0 * lgamma(1.0 + 1.0 / k);
}

/* The Weibull shape whose gaps have this CV (bisection on ln k). */
static double weibull_shape_for_cv(double cv)
{
	double target = log1p(cv * cv), lo = log(0.05), hi = log(500.0);

	for (int i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2.0;

		/* the CV falls as k grows */
		if (weibull_log_cv2p1(exp(mid)) > target)
			lo = mid;
		else
			hi = mid;
	}
	return exp((lo + hi) / 2.0);
}

/* Gamma(shape, 1) for shape >= 1: Marsaglia and Tsang, ACM TOMS 26(3), 2000. */
static double draw_gamma(struct rng *rng, double shape)
{
	double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);

	for (;;) {
		double x = draw_normal(rng), v = 1.0 + c * x, u;

		if (v <= 0.0)
			continue;
		v = v * v * v;
		u = rng_uniform(rng);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

/*
 * E[min(X, cap)] for X lognormal with this mean and sigma:
 * mean * Phi(z - sigma) + cap * (1 - Phi(z)), z = (ln cap - mu) / sigma.
 */
static double capped_lognormal_mean(double mean, double sigma, double cap)
{
	double mu = log(mean) - sigma * sigma / 2.0;
	double z = (log(cap) - mu) / sigma;

	return mean * normal_cdf(z - sigma) + cap * 0.5 * erfc(z / M_SQRT2);
}

static double azure_capped_mean(const struct arrival_source *src, double scale)
{
	double sum = 0.0;

	for (unsigned f = 0; f < src->functions; f++)
		sum += zipf_probability(&src->popularity, f) *
		       capped_lognormal_mean(scale * src->function_service_ns[f],
					     LOGNORMAL_SERVICE_SIGMA,
					     src->service_cap_ns);
	return sum;
}

/*
 * Scales the per-function means so that the mean over requests, after the
 * cap, is target.  The capped mean is concave in the scale and below
 * target at the uncapped solution, so scale *= target / mean rises to it.
 */
static void azure_normalise_service(struct arrival_source *src, double target)
{
	double uncapped = 0.0, scale;

	for (unsigned f = 0; f < src->functions; f++)
		uncapped += zipf_probability(&src->popularity, f) *
			    src->function_service_ns[f];
	scale = target / uncapped;
	for (int i = 0; i < 200; i++) {
		double mean = azure_capped_mean(src, scale);

		if (fabs(mean - target) <= 1e-12 * target)
			break;
		scale *= target / mean;
	}
	for (unsigned f = 0; f < src->functions; f++)
		src->function_service_ns[f] *= scale;
}

static int heap_before(const struct arrival_source *src, unsigned a,
		       unsigned b)
{
	double ta = src->next_ns[a], tb = src->next_ns[b];

	return ta < tb || (ta == tb && a < b);
}

static void heap_sift_down(struct arrival_source *src, unsigned pos)
{
	unsigned n = src->functions, *heap = src->heap;

	for (;;) {
		unsigned left = 2 * pos + 1, best = pos;

		if (left < n && heap_before(src, heap[left], heap[best]))
			best = left;
		if (left + 1 < n && heap_before(src, heap[left + 1], heap[best]))
			best = left + 1;
		if (best == pos)
			return;
		left = heap[best];
		heap[best] = heap[pos];
		heap[pos] = left;
		pos = best;
	}
}

double arrival_draw_gap(const struct arrival_source *src, unsigned function,
			struct rng *rng, int first)
{
	double k, scale;

	if (src->mode != ARRIVAL_AZURE || function >= src->functions)
		return -1.0;
	k = src->gap_shape[function];
	scale = src->gap_scale_ns[function];
	if (first)	/* length-biased Weibull: (L / scale)^k ~ Gamma(1 + 1/k) */
		return rng_uniform(rng) * scale *
		       pow(draw_gamma(rng, 1.0 + 1.0 / k), 1.0 / k);
	return scale * pow(-log(rng_uniform(rng)), 1.0 / k);
}

/* Per-function Weibull gaps: mean 1 / (rate x share), CV from Fig. 6. */
static void azure_init_gaps(struct arrival_source *src, double *cv,
			    double rate_per_s)
{
	unsigned n = src->functions;

	for (unsigned f = 0; f < n; f++)
		cv[f] = azure_gap_cv_quantile((f + 0.5) / n);
	shuffle(&src->rng, cv, n);
	for (unsigned f = 0; f < n; f++) {
		double share = zipf_probability(&src->popularity, f);
		double k = weibull_shape_for_cv(cv[f]);

		src->gap_shape[f] = k;
		src->gap_scale_ns[f] = 1e9 / (rate_per_s * share) /
				       exp(lgamma(1.0 + 1.0 / k));
	}
	for (unsigned f = 0; f < n; f++) {
		src->next_ns[f] = arrival_draw_gap(src, f, &src->rng, 1);
		src->heap[f] = f;
	}
	for (unsigned i = n / 2; i-- > 0;)
		heap_sift_down(src, i);
}

static int init_azure(struct arrival_source *src,
		      const struct arrival_params *params)
{
	unsigned n = params->functions;
	double *scratch = calloc(n, sizeof(*scratch));
	int ret = -1;

	src->next_ns = calloc(n, sizeof(*src->next_ns));
	src->gap_scale_ns = calloc(n, sizeof(*src->gap_scale_ns));
	src->gap_shape = calloc(n, sizeof(*src->gap_shape));
	src->heap = calloc(n, sizeof(*src->heap));
	if (!scratch || !src->next_ns || !src->gap_scale_ns || !src->gap_shape ||
	    !src->heap || !(params->rate_per_s > 0.0))
		goto out;
	/* Popularity first, then service, then burstiness: fixed order. */
	stratified_lognormal(&src->rng, scratch, n, AZURE_POPULARITY_SIGMA);
	if (weight_table_init(&src->popularity, scratch, n))
		goto out;
	src->service = SERVICE_LOGNORMAL;
	stratified_lognormal(&src->rng, src->function_service_ns, n,
			     AZURE_FUNCTION_SERVICE_SIGMA);
	azure_normalise_service(src, params->service_mean_ns);
	src->mean_gap_ns = 1e9 / params->rate_per_s;
	azure_init_gaps(src, scratch, params->rate_per_s);
	ret = 0;
out:
	free(scratch);
	return ret;
}

static void azure_next(struct arrival_source *src, struct arrival *out)
{
	unsigned f = src->heap[0];

	out->time_ns = src->now_ns = src->next_ns[f];
	out->function = f;
	src->next_ns[f] += arrival_draw_gap(src, f, &src->rng, 0);
	heap_sift_down(src, 0);
	out->service_ns = arrival_draw_service(src, f);
}

double arrival_function_gap_cv(const struct arrival_source *src,
			       unsigned function)
{
	if (src->mode == ARRIVAL_POISSON)
		return 1.0;
	if (src->mode != ARRIVAL_AZURE || function >= src->functions)
		return -1.0;
	return sqrt(expm1(weibull_log_cv2p1(src->gap_shape[function])));
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

	if (params->mode == ARRIVAL_AZURE) {
		if (init_azure(src, params)) {
			snprintf(err, errlen, "cannot build the azure trace: "
				 "out of memory or no positive rate");
			return -1;
		}
	} else if (params->mode == ARRIVAL_SYNTHETIC) {
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
	if (src->mode == ARRIVAL_AZURE) {
		azure_next(src, out);
		return 1;
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
	free(src->next_ns);
	free(src->gap_scale_ns);
	free(src->gap_shape);
	free(src->heap);
	src->next_ns = src->gap_scale_ns = src->gap_shape = NULL;
	src->heap = NULL;
}
