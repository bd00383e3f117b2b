// SPDX-License-Identifier: GPL-2.0
/* Percentiles against vectors whose answers are known. */
#include <stdlib.h>
#include "histogram.h"
#include "tap.h"
#include "unit.h"

static int within(uint64_t got, uint64_t want, double rel)
{
	double diff = (double)got - (double)want;

	return (diff < 0 ? -diff : diff) <= rel * (double)want;
}

void test_histogram(void)
{
	struct histogram *h = malloc(sizeof(*h));
	uint64_t low, high;
	int ok = 1;

	hist_init(h);
	for (uint64_t v = 1; v <= 100; v++)
		hist_record(h, 101 - v);	/* order must not matter */
	tap_ok(hist_percentile(h, 50) == 50 && hist_percentile(h, 90) == 90 &&
	       hist_percentile(h, 99) == 99 && hist_percentile(h, 100) == 100 &&
	       hist_percentile(h, 1) == 1,
	       "histogram: 1..100 gives p1=1 p50=50 p90=90 p99=99 p100=100");
	tap_ok(h->count == 100 && hist_mean(h) == 50.5 && h->min == 1 &&
	       h->max == 100, "histogram: count, mean, min and max of 1..100");

	hist_init(h);
	for (int i = 0; i < 999; i++)
		hist_record(h, 1000000);	/* 1 ms */
	hist_record(h, 5000000000ULL);	/* one 5 s outlier */
	tap_ok(within(hist_percentile(h, 99.9), 1000000, 1.0 / 64) &&
	       hist_percentile(h, 100) == 5000000000ULL,
	       "histogram: p99.9 ignores a single outlier in 1000, max keeps it");

	hist_init(h);
	for (uint64_t v = 1; v <= 1000000; v++)
		hist_record(h, v * 1000);
	tap_ok(within(hist_percentile(h, 50), 500000000, 1.0 / 64) &&
	       within(hist_percentile(h, 99), 990000000, 1.0 / 64) &&
	       within(hist_percentile(h, 99.9), 999000000, 1.0 / 64),
	       "histogram: uniform 1 us..1 s percentiles within 1/64");

	for (uint64_t v = 1; v < (1ULL << 40); v = v * 3 + 1) {
		unsigned b = hist_bucket_of(v);

		hist_bucket_range(b, &low, &high);
		if (v < low || v > high)
			ok = 0;
	}
	tap_ok(ok, "histogram: every value falls inside its bucket's range");

	hist_init(h);
	tap_ok(hist_percentile(h, 99) == 0 && hist_mean(h) == 0.0,
	       "histogram: empty histogram gives 0");
	{
		struct histogram *a = malloc(sizeof(*a));

		hist_init(a);
		hist_init(h);
		for (uint64_t v = 1; v <= 50; v++)
			hist_record(h, v);
		for (uint64_t v = 51; v <= 100; v++)
			hist_record(a, v);
		hist_merge(h, a);
		tap_ok(hist_percentile(h, 50) == 50 && h->count == 100 &&
		       h->max == 100, "histogram: merge of 1..50 and 51..100");
		free(a);
	}
	free(h);
}
