// SPDX-License-Identifier: GPL-2.0
/*
 * The switch-cost model's accounting, end to end on the host: a run
 * with --cost-model charges exactly the calibrated cost per handover,
 * says so in its report, and charges nothing without it.  Runs the
 * built faas-node-bench with --groups none (no root needed).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "run_child.h"
#include "tap.h"
#include "unit.h"

/* A full 2 x 2 table whose every point is `extra_ns`. */
static const char *flat_calibration(int extra_ns)
{
	static char text[512];

	snprintf(text, sizeof(text),
		 "# cpu_model: unit test CPU\n"
		 "1 16 %d 1000 10\n1 4096 %d 1000 10\n"
		 "64 16 %d 1000 10\n64 4096 %d 1000 10\n",
		 extra_ns, extra_ns, extra_ns, extra_ns);
	return text;
}

static int run(const char *bench, const char *json, const char *model)
{
	char *argv[] = { (char *)bench, "--groups", "none", "--functions", "6",
			 "--seconds", "1.5", "--load", "0.6", "--service-us", "300",
			 "--working-set-kib", "64", "--quiet", "--json", (char *)json,
			 model ? "--cost-model" : NULL, (char *)model, NULL };

	return wait_child(start_child(argv));
}

void test_cost_model(const char *bench_binary)
{
	char path[64];
	const char *json = "/tmp/faas-unit-model.json";
	double per, charged, handovers, cpu_model, cpu_plain;

	snprintf(path, sizeof(path), "%s", unit_temp_file(flat_calibration(100000)));
	if (!tap_ok(run(bench_binary, json, path) == 0,
		    "cost model: a run with --cost-model exits 0"))
		goto out;
	per = unit_json_number(json, "ns_per_handover");
	charged = unit_json_number(json, "cost_model_charged_ns");
	handovers = unit_json_number(json, "function_handovers");
	cpu_model = unit_json_number(json, "functions_cpu_s");
	tap_ok(per == 100000, "cost model: the calibrated 100000 ns per handover "
	       "is used (%.0f)", per);
	tap_ok(handovers > 0 && charged == handovers * per,
	       "cost model: charged = handovers x cost (%.0f = %.0f x %.0f)",
	       charged, handovers, per);
	if (!tap_ok(run(bench_binary, json, NULL) == 0,
		    "cost model: a run without it exits 0"))
		goto out;
	tap_ok(unit_json_number(json, "cost_model_charged_ns") == 0 &&
	       unit_json_number(json, "ns_per_handover") == 0,
	       "cost model: off by default, nothing charged");
	/* The charge is burnt, not only counted: the functions used more
	 * CPU by at least half of what was charged (same seed and load). */
	cpu_plain = unit_json_number(json, "functions_cpu_s");
	tap_ok(cpu_model - cpu_plain >= 0.5 * charged / 1e9,
	       "cost model: the functions burnt the charge (%.3f s CPU with, "
	       "%.3f s without, %.3f s charged)", cpu_model, cpu_plain,
	       charged / 1e9);
	tap_ok(run(bench_binary, json, "/nonexistent/calibration.tsv") == 1,
	       "cost model: a missing calibration file is exit 1");
out:
	remove(path);
	remove(json);
}
