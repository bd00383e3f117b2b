// SPDX-License-Identifier: GPL-2.0
/*
 * --arrival azure: long-run rate and mean service as asked, the
 * popularity skew and burstiness of Shahrad et al. (USENIX ATC 2020),
 * determinism, and O(functions) memory with O(log functions) arrivals.
 */
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arrivals.h"
#include "tap.h"
#include "unit.h"

#define AZURE_RATE 10000.0	/* per second */
#define AZURE_SERVICE_NS 1e6
#define AZURE_SAMPLES 2000000

struct azure_run {
	unsigned functions;
	double rate_per_s, mean_service_ns;
	unsigned long *count;	/* arrivals per function */
	double *last, *sum, *sum2;	/* inter-arrival times per function */
};

static void azure_params(struct arrival_params *p, unsigned functions,
			 uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	p->mode = ARRIVAL_AZURE;
	p->functions = functions;
	p->rate_per_s = AZURE_RATE;
	p->service = SERVICE_EXPONENTIAL;	/* ignored by azure */
	p->service_mean_ns = AZURE_SERVICE_NS;
	p->seed = seed;
}

static void record_gap(struct azure_run *r, const struct arrival *a)
{
	unsigned f = a->function;

	if (r->count[f]) {
		double gap = a->time_ns - r->last[f];

		r->sum[f] += gap;
		r->sum2[f] += gap * gap;
	}
	r->last[f] = a->time_ns;
	r->count[f]++;
}

static int azure_run(struct arrival_source *src, struct azure_run *r,
		     unsigned functions, long samples)
{
	struct arrival a = { 0 };
	char err[256];
	double service = 0.0;

	r->functions = functions;
	r->count = calloc(functions, sizeof(*r->count));
	r->last = calloc(functions, sizeof(*r->last));
	r->sum = calloc(functions, sizeof(*r->sum));
	r->sum2 = calloc(functions, sizeof(*r->sum2));
	if (!r->count || !r->last || !r->sum || !r->sum2)
		return -1;
	for (long i = 0; i < samples; i++) {
		double before = a.time_ns;

		if (arrival_next(src, &a, err, sizeof(err)) != 1 ||
		    a.function >= functions || a.time_ns < before)
			return -1;
		service += a.service_ns;
		record_gap(r, &a);
	}
	r->rate_per_s = samples / (a.time_ns / 1e9);
	r->mean_service_ns = service / samples;
	return 0;
}

static void azure_run_free(struct azure_run *r)
{
	free(r->count);
	free(r->last);
	free(r->sum);
	free(r->sum2);
}

static double sample_cv(const struct azure_run *r, unsigned f)
{
	double n = (double)(r->count[f] - 1);
	double mean = r->sum[f] / n;

	return sqrt(r->sum2[f] / n - mean * mean) / mean;
}

static int by_share_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Expected share of the top `fraction` of functions (at least one). */
static double top_share(const struct arrival_source *src, double fraction)
{
	unsigned n = src->functions, top = (unsigned)(fraction * n);
	double *shares = calloc(n, sizeof(*shares)), sum = 0.0;

	if (!shares)
		return -1.0;
	for (unsigned f = 0; f < n; f++)
		shares[f] = arrival_function_share(src, f);
	qsort(shares, n, sizeof(*shares), by_share_desc);
	for (unsigned i = 0; i < (top ? top : 1); i++)
		sum += shares[i];
	free(shares);
	return sum;
}

static void test_rate_and_service(const struct azure_run *r)
{
	tap_diag("azure: %.0f arrivals/s (asked %.0f), mean service %.1f us "
		 "(asked %.1f)", r->rate_per_s, AZURE_RATE,
		 r->mean_service_ns / 1e3, AZURE_SERVICE_NS / 1e3);
	tap_ok(fabs(r->rate_per_s - AZURE_RATE) < 0.03 * AZURE_RATE,
	       "azure: long-run rate within 3%% of the asked rate");
	tap_ok(fabs(r->mean_service_ns - AZURE_SERVICE_NS) < 0.05 * AZURE_SERVICE_NS,
	       "azure: mean service over requests within 5%% of the asked mean");
}

/* The shape claimed from Fig. 5(b), on a population as large as we allow. */
static void test_skew_shape(void)
{
	struct arrival_params p;
	struct arrival_source src;
	char err[256];
	double total = 0.0, top10, top1, top01;

	azure_params(&p, 100000, 11);
	if (!tap_ok(arrival_source_init(&src, &p, err, sizeof(err)) == 0,
		    "azure: source with 100000 functions builds"))
		return;
	for (unsigned f = 0; f < src.functions; f++)
		total += arrival_function_share(&src, f);
	tap_ok(fabs(total - 1.0) < 1e-9, "azure: expected shares sum to 1");
	top10 = top_share(&src, 0.10);
	top1 = top_share(&src, 0.01);
	top01 = top_share(&src, 0.001);
	tap_diag("azure, %u functions: top 0.1%% / 1%% / 10%% take %.1f%% / "
		 "%.1f%% / %.1f%% (Fig. 5(b): about 64 / 91 / 99.5)",
		 src.functions, 100 * top01, 100 * top1, 100 * top10);
	tap_ok(top10 >= 0.97 && top1 >= 0.80 && top01 >= 0.50 && top01 <= 0.80,
	       "azure: popularity skew as in Fig. 5(b) (top 10%% >= 97%%, "
	       "top 1%% >= 80%%, top 0.1%% 50..80%%)");
	arrival_source_free(&src);
}

/* The requests actually drawn go where the expected shares say. */
static void test_drawn_shares(const struct arrival_source *src,
			      const struct azure_run *r)
{
	unsigned n = src->functions;
	double *shares = calloc(n, sizeof(*shares)), cut, top10;
	unsigned long seen = 0, in_top = 0;

	if (!shares)
		return;
	for (unsigned f = 0; f < n; f++)
		shares[f] = arrival_function_share(src, f);
	qsort(shares, n, sizeof(*shares), by_share_desc);
	cut = shares[n / 10 - 1];
	for (unsigned f = 0; f < n; f++) {
		seen += r->count[f];
		if (arrival_function_share(src, f) >= cut)
			in_top += r->count[f];
	}
	top10 = top_share(src, 0.10);
	tap_ok(fabs((double)in_top / seen - top10) < 0.01 && top10 >= 0.95,
	       "azure: drawn requests follow the shares (top 10%% of %u "
	       "functions: expected %.1f%%, got %.1f%%)", n, 100 * top10,
	       100.0 * in_top / seen);
	free(shares);
}

static void test_burstiness(const struct arrival_source *src,
			    const struct azure_run *r)
{
	unsigned bursty = 0, bursty_ok = 0, smooth = 0, smooth_ok = 0;
	unsigned above_one = 0;

	for (unsigned f = 0; f < src->functions; f++) {
		double cv = arrival_function_gap_cv(src, f);

		above_one += cv > 1.0;
		if (r->count[f] < 2000)
			continue;
		if (cv >= 3.0) {
			bursty++;
			bursty_ok += sample_cv(r, f) > 1.5;
		} else if (cv <= 0.5) {
			smooth++;
			smooth_ok += sample_cv(r, f) < 0.75;
		}
	}
	tap_diag("azure: %u of %u functions with CV > 1 (Fig. 6: 43%%); "
		 "busy ones: %u/%u bursty and %u/%u smooth as meant",
		 above_one, src->functions, bursty_ok, bursty, smooth_ok, smooth);
	tap_ok(fabs((double)above_one / src->functions - 0.43) < 0.02,
	       "azure: share of functions with inter-arrival CV > 1 as in Fig. 6");
	tap_ok(bursty >= 3 && bursty_ok == bursty,
	       "azure: functions meant bursty (CV >= 3) show gap CV > 1.5");
	tap_ok(smooth >= 3 && smooth_ok == smooth,
	       "azure: functions meant periodic (CV <= 0.5) show gap CV < 0.75");
}

static int same_stream(uint64_t seed_a, uint64_t seed_b, int count)
{
	struct arrival_params p;
	struct arrival_source a, b;
	struct arrival x, y;
	char err[256];
	int same = 1;

	azure_params(&p, 500, seed_a);
	if (arrival_source_init(&a, &p, err, sizeof(err)))
		return -1;
	p.seed = seed_b;
	if (arrival_source_init(&b, &p, err, sizeof(err)))
		return -1;
	for (int i = 0; i < count && same; i++) {
		arrival_next(&a, &x, err, sizeof(err));
		arrival_next(&b, &y, err, sizeof(err));
		same = x.time_ns == y.time_ns && x.function == y.function &&
		       x.service_ns == y.service_ns;
	}
	arrival_source_free(&a);
	arrival_source_free(&b);
	return same;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * CPU ns per arrival over `samples` arrivals (-1 on error), and whether
 * the heap in use grew meanwhile.  Gives up after 10 s of CPU time.
 */
static double ns_per_arrival(unsigned functions, long samples, int *grew)
{
	struct arrival_params p;
	struct arrival_source src;
	struct arrival a;
	struct mallinfo2 before, after;
	char err[256];
	double start, spent;
	long i;

	azure_params(&p, functions, 5);
	if (arrival_source_init(&src, &p, err, sizeof(err)))
		return -1.0;
	before = mallinfo2();
	start = cpu_seconds();
	for (i = 0; i < samples; i++) {
		if (arrival_next(&src, &a, err, sizeof(err)) != 1)
			break;
		if ((i & 0xffff) == 0 && cpu_seconds() - start > 10.0)
			break;
	}
	spent = cpu_seconds() - start;
	after = mallinfo2();
	/* in use: arena chunks plus mmap()ed blocks */
	*grew = after.uordblks + after.hblkhd != before.uordblks + before.hblkhd;
	arrival_source_free(&src);
	return i ? spent * 1e9 / (double)i : -1.0;
}

static void test_scaling(void)
{
	int grew_small = 0, grew_big = 0;
	double small = ns_per_arrival(1000, 1000000, &grew_small);
	double big = ns_per_arrival(100000, 1000000, &grew_big);

	tap_diag("azure: %.0f ns per arrival with 1000 functions, %.0f ns with "
		 "100000", small, big);
	tap_ok(small > 0 && big > 0 && big < 3000.0 && big < 10.0 * small,
	       "azure: time per arrival bounded with 100000 functions "
	       "(< 3 us, < 10x the time with 1000)");
	tap_ok(!grew_small && !grew_big,
	       "azure: no memory allocated while arrivals stream");
}

static void test_edges(void)
{
	struct arrival_params p;
	struct arrival_source src;
	struct azure_run r = { 0 };
	char err[256];

	azure_params(&p, 1, 3);
	if (tap_ok(arrival_source_init(&src, &p, err, sizeof(err)) == 0 &&
		   azure_run(&src, &r, 1, 200000) == 0,
		   "azure: one function runs")) {
		tap_ok(fabs(arrival_function_share(&src, 0) - 1.0) < 1e-12 &&
		       fabs(r.rate_per_s - AZURE_RATE) < 0.05 * AZURE_RATE,
		       "azure: one function takes all requests at the asked rate "
		       "(%.0f/s)", r.rate_per_s);
	}
	azure_run_free(&r);
	arrival_source_free(&src);
	p.rate_per_s = 0.0;
	tap_ok(arrival_source_init(&src, &p, err, sizeof(err)) == -1,
	       "azure: a zero rate is refused (%s)", err);
	arrival_source_free(&src);
}

void test_azure_arrivals(void)
{
	struct arrival_params p;
	struct arrival_source src;
	struct azure_run r = { 0 };
	char err[256];

	azure_params(&p, 1000, 11);
	if (!tap_ok(arrival_source_init(&src, &p, err, sizeof(err)) == 0 &&
		    azure_run(&src, &r, 1000, AZURE_SAMPLES) == 0,
		    "azure: source with 1000 functions runs, times never decrease"))
		return;
	test_rate_and_service(&r);
	test_drawn_shares(&src, &r);
	test_burstiness(&src, &r);
	azure_run_free(&r);
	arrival_source_free(&src);
	tap_ok(same_stream(42, 42, 200000) == 1,
	       "azure: the same seed gives the same arrivals");
	tap_ok(same_stream(42, 43, 200000) == 0,
	       "azure: another seed gives other arrivals");
	test_skew_shape();
	test_scaling();
	test_edges();
}
