/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded-memory latency histogram: exact below 64, then 64 linear
 * buckets per power of two (relative error below 1/64), up to 2^44
 * (about 4.9 hours in nanoseconds).  Fixed size: no allocation, so it
 * can live in memory shared with the function processes.
 */
#ifndef FAAS_HISTOGRAM_H
#define FAAS_HISTOGRAM_H

#include <stdint.h>

#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_MAX_EXP 44
#define HIST_BUCKETS (HIST_SUB + (HIST_MAX_EXP - HIST_SUB_BITS + 1) * HIST_SUB)

struct histogram {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	double sum;
	uint64_t buckets[HIST_BUCKETS];
};

void hist_init(struct histogram *hist);
void hist_record(struct histogram *hist, uint64_t value);
void hist_merge(struct histogram *into, const struct histogram *from);
double hist_mean(const struct histogram *hist);
/*
 * Nearest-rank percentile (0 < pct <= 100): the smallest recorded value
 * v such that at least pct% of the values are <= v, up to bucket
 * resolution; exact for values below 64, and 100 gives the maximum.
 */
uint64_t hist_percentile(const struct histogram *hist, double pct);
/* Bucket index of a value and the range [low, high] of a bucket. */
unsigned hist_bucket_of(uint64_t value);
void hist_bucket_range(unsigned bucket, uint64_t *low, uint64_t *high);

#endif
