/* SPDX-License-Identifier: GPL-2.0 */
/* Random variates: service times and popularity across functions. */
#ifndef FAAS_DISTRIBUTIONS_H
#define FAAS_DISTRIBUTIONS_H

#include <stddef.h>
#include "rng.h"

enum service_shape {
	SERVICE_FIXED,
	SERVICE_EXPONENTIAL,
	SERVICE_LOGNORMAL,
	SERVICE_BIMODAL,
	SERVICE_PARETO,
};

/* Parses "fixed", "exp", "lognormal", "bimodal" or "pareto"; -1 when unknown. */
int service_shape_parse(const char *name, enum service_shape *shape);
const char *service_shape_name(enum service_shape shape);

double draw_exponential(struct rng *rng, double mean);
double draw_normal(struct rng *rng);
/* Lognormal with the given mean and sigma of the underlying normal. */
double draw_lognormal(struct rng *rng, double mean, double sigma);
/*
 * Pareto (type I) with the given mean and shape alpha > 1: heavy-tailed,
 * infinite variance for alpha <= 2.  P(X > x) = (x_m / x)^alpha.
 */
double draw_pareto(struct rng *rng, double mean, double alpha);
/* A service time of the given shape and mean. */
double draw_service(struct rng *rng, enum service_shape shape, double mean);

/*
 * Bimodal service: 90% short requests, 10% requests ten times as long,
 * scaled so that the mean is as asked.
 */
#define BIMODAL_LONG_SHARE 0.1
#define BIMODAL_LONG_FACTOR 10.0
#define LOGNORMAL_SERVICE_SIGMA 1.0
/*
 * Pareto service: alpha 1.5 (finite mean, infinite variance), so one
 * request in a hundred takes about 7x the mean and one in ten thousand
 * about 150x; callers cap a draw at SERVICE_CAP_FACTOR x the mean.
 */
#define PARETO_SERVICE_ALPHA 1.5

/* Zipf popularity over n items: cdf[i] = P(item <= i). */
struct zipf_table {
	size_t n;
	double *cdf;
};

int zipf_table_init(struct zipf_table *table, size_t n, double exponent);
/* Same, with arbitrary non-negative weights (not all zero). */
int weight_table_init(struct zipf_table *table, const double *weights,
		      size_t n);
size_t zipf_draw(const struct zipf_table *table, struct rng *rng);
/* Probability of item i. */
double zipf_probability(const struct zipf_table *table, size_t i);
void zipf_table_free(struct zipf_table *table);

#endif
