/* SPDX-License-Identifier: GPL-2.0 */
/* A small, seedable pseudo-random generator (xoshiro256**). */
#ifndef FAAS_RNG_H
#define FAAS_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *rng, uint64_t seed);
uint64_t rng_next(struct rng *rng);
/* Uniform in the open interval (0, 1). */
double rng_uniform(struct rng *rng);

#endif
