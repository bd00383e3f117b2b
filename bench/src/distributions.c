// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "distributions.h"

static const char *const shape_names[] = {
	[SERVICE_FIXED] = "fixed",
	[SERVICE_EXPONENTIAL] = "exp",
	[SERVICE_LOGNORMAL] = "lognormal",
	[SERVICE_BIMODAL] = "bimodal",
	[SERVICE_PARETO] = "pareto",
};

int service_shape_parse(const char *name, enum service_shape *shape)
{
	for (size_t i = 0; i < sizeof(shape_names) / sizeof(shape_names[0]); i++) {
		if (strcmp(name, shape_names[i]) == 0) {
			*shape = (enum service_shape)i;
			return 0;
		}
	}
	return -1;
}

const char *service_shape_name(enum service_shape shape)
{
	return shape_names[shape];
}

double draw_exponential(struct rng *rng, double mean)
{
	return -log(rng_uniform(rng)) * mean;
}

double draw_normal(struct rng *rng)
{
	/* Box-Muller; one of the pair is thrown away for simplicity. */
	double u1 = rng_uniform(rng), u2 = rng_uniform(rng);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double draw_lognormal(struct rng *rng, double mean, double sigma)
{
	double mu = log(mean) - sigma * sigma / 2.0;

	return exp(mu + sigma * draw_normal(rng));
}

double draw_pareto(struct rng *rng, double mean, double alpha)
{
	/* Inverse CDF: x = x_m * U^(-1/alpha), mean = x_m * alpha / (alpha - 1). */
	double scale = mean * (alpha - 1.0) / alpha;

	return scale * pow(rng_uniform(rng), -1.0 / alpha);
}

double draw_service(struct rng *rng, enum service_shape shape, double mean)
{
	double short_mean;

	switch (shape) {
	case SERVICE_FIXED:
		return mean;
	case SERVICE_EXPONENTIAL:
		return draw_exponential(rng, mean);
	case SERVICE_LOGNORMAL:
		return draw_lognormal(rng, mean, LOGNORMAL_SERVICE_SIGMA);
	case SERVICE_BIMODAL:
		short_mean = mean / (1.0 - BIMODAL_LONG_SHARE +
				     BIMODAL_LONG_SHARE * BIMODAL_LONG_FACTOR);
		if (rng_uniform(rng) < BIMODAL_LONG_SHARE)
			return short_mean * BIMODAL_LONG_FACTOR;
		return short_mean;
	case SERVICE_PARETO:
		return draw_pareto(rng, mean, PARETO_SERVICE_ALPHA);
	}
	return mean;
}

int weight_table_init(struct zipf_table *table, const double *weights,
		      size_t n)
{
	double total = 0.0, running = 0.0;

	table->n = n;
	table->cdf = calloc(n ? n : 1, sizeof(*table->cdf));
	if (!table->cdf)
		return -1;
	for (size_t i = 0; i < n; i++)
		total += weights[i];
	if (!(total > 0.0))
		return -1;
	for (size_t i = 0; i < n; i++) {
		running += weights[i];
		table->cdf[i] = running / total;
	}
	if (n)
		table->cdf[n - 1] = 1.0;
	return 0;
}

int zipf_table_init(struct zipf_table *table, size_t n, double exponent)
{
	double *weights = calloc(n ? n : 1, sizeof(*weights));
	int ret;

	if (!weights)
		return -1;
	for (size_t i = 0; i < n; i++)
		weights[i] = pow((double)(i + 1), -exponent);
	ret = weight_table_init(table, weights, n);
	free(weights);
	return ret;
}

size_t zipf_draw(const struct zipf_table *table, struct rng *rng)
{
	double u = rng_uniform(rng);
	size_t lo = 0, hi = table->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (table->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

double zipf_probability(const struct zipf_table *table, size_t i)
{
	return table->cdf[i] - (i ? table->cdf[i - 1] : 0.0);
}

void zipf_table_free(struct zipf_table *table)
{
	free(table->cdf);
	table->cdf = NULL;
}
