// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <string.h>
#include "histogram.h"

void hist_init(struct histogram *hist)
{
	memset(hist, 0, sizeof(*hist));
	hist->min = UINT64_MAX;
}

unsigned hist_bucket_of(uint64_t value)
{
	unsigned exp;

	if (value < HIST_SUB)
		return (unsigned)value;
	exp = 63 - (unsigned)__builtin_clzll(value);
	if (exp > HIST_MAX_EXP)
		return HIST_BUCKETS - 1;
	return HIST_SUB + (exp - HIST_SUB_BITS) * HIST_SUB +
	       (unsigned)((value >> (exp - HIST_SUB_BITS)) - HIST_SUB);
}

void hist_bucket_range(unsigned bucket, uint64_t *low, uint64_t *high)
{
	unsigned exp, mantissa;

	if (bucket < HIST_SUB) {
		*low = *high = bucket;
		return;
	}
	exp = (bucket - HIST_SUB) / HIST_SUB + HIST_SUB_BITS;
	mantissa = (bucket - HIST_SUB) % HIST_SUB + HIST_SUB;
	*low = (uint64_t)mantissa << (exp - HIST_SUB_BITS);
	*high = *low + ((uint64_t)1 << (exp - HIST_SUB_BITS)) - 1;
}

void hist_record(struct histogram *hist, uint64_t value)
{
	hist->buckets[hist_bucket_of(value)]++;
	hist->count++;
	hist->sum += (double)value;
	if (value < hist->min)
		hist->min = value;
	if (value > hist->max)
		hist->max = value;
}

void hist_merge(struct histogram *into, const struct histogram *from)
{
	if (!from->count)
		return;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		into->buckets[i] += from->buckets[i];
	into->count += from->count;
	into->sum += from->sum;
	if (from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
}

double hist_mean(const struct histogram *hist)
{
	return hist->count ? hist->sum / (double)hist->count : 0.0;
}

uint64_t hist_percentile(const struct histogram *hist, double pct)
{
	uint64_t rank, seen = 0, low, high, mid;

	if (!hist->count)
		return 0;
	rank = (uint64_t)ceil(pct / 100.0 * (double)hist->count - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank >= hist->count)
		return hist->max;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += hist->buckets[i];
		if (seen < rank)
			continue;
		hist_bucket_range(i, &low, &high);
		mid = low + (high - low) / 2;
		if (mid < hist->min)
			mid = hist->min;
		if (mid > hist->max)
			mid = hist->max;
		return mid;
	}
	return hist->max;
}
