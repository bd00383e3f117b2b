// SPDX-License-Identifier: GPL-2.0
/* The calibrated switch cost: loading the table and interpolating it. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "switch_cost.h"
#include "tap.h"
#include "unit.h"

/*
 * groups 1, 4, 16 (log2: 0, 2, 4) x ws 16, 64, 256 KiB (log2: 4, 6, 8),
 * rows shuffled, with the two extra columns lags-calibrate writes.
 */
static const char good[] =
"# lags-calibrate: test table\n"
"#   cpu_model:  Test CPU 9000  \n"
"# columns: groups_per_cpu working_set_kib extra_ns handoff_ns reps resume_ns baseline_ns\n"
"4\t16\t100\t2000\t50\t600\t500\n"
"1\t16\t0\t600\t50\t500\t500\n"
"1 64 10 600 50 1000 990\n"
"\n"
"1\t256\t20\t600\t50\t4000\t3980\n"
"4\t64\t300\t2100\t50\t1300\t1000\n"
"4\t256\t1000\t2200\t50\t5000\t4000\n"
"16\t16\t200\t3000\t50\t700\t500\n"
"16\t64\t-50\t3100\t50\t950\t1000\n"
"16\t256\t4000\t3200\t50\t8000\t4000\n";

/* Loads text from a temporary file; the return of switch_cost_load. */
static int load_text(const char *text, struct switch_cost_model *model,
		     char *err, size_t errlen)
{
	const char *path = unit_temp_file(text);
	int ret = switch_cost_load(model, path, err, errlen);

	unlink(path);
	return ret;
}

static void expect_error(const char *text, const char *where, const char *why,
			 const char *what)
{
	struct switch_cost_model model;
	char err[512] = "";
	int ret = load_text(text, &model, err, sizeof(err));

	tap_diag("error: %s", err);
	tap_ok(ret == -1 && strstr(err, "/tmp/faas-unit.") == err &&
	       strstr(err, where) && strstr(err, why) &&
	       model.n_groups == 0 && model.n_ws == 0,
	       "switch_cost: %s rejected (%s)", what, why);
}

static int near(double a, double b)
{
	return fabs(a - b) < 1e-6 * (fabs(b) + 1);
}

static void test_loading(struct switch_cost_model *model)
{
	char err[512] = "";
	int ret = load_text(good, model, err, sizeof(err));

	tap_diag("error: %s", err);
	tap_ok(ret == 0 && model->n_groups == 3 && model->n_ws == 3 &&
	       model->groups_per_cpu[0] == 1 && model->groups_per_cpu[1] == 4 &&
	       model->groups_per_cpu[2] == 16 && model->ws_kib[0] == 16 &&
	       model->ws_kib[1] == 64 && model->ws_kib[2] == 256,
	       "switch_cost: a shuffled 3 x 3 table loads with sorted axes");
	tap_ok(ret == 0 && model->extra_ns[1][0] == 100 &&
	       model->extra_ns[2][1] == -50 && model->extra_ns[2][2] == 4000 &&
	       model->extra_ns[0][1] == 10,
	       "switch_cost: each value lands at its (groups, ws) cell");
	tap_ok(strcmp(model->cpu_model, "Test CPU 9000") == 0 &&
	       strncmp(model->source, "/tmp/faas-unit.", 15) == 0,
	       "switch_cost: cpu_model from the header, source is the path");

	ret = switch_cost_load(model, "/nonexistent/calibration.tsv", err,
			       sizeof(err));
	tap_diag("error: %s", err);
	tap_ok(ret == -1 && strstr(err, "/nonexistent/calibration.tsv") &&
	       strstr(err, "No such file"), "switch_cost: a missing file is an error");

	expect_error("# only comments\n\n", ": no data rows", "no data rows",
		     "a file without rows");
	expect_error("1 16 0 600 50\n1 64 10\n", ":2:", "expected 5 columns",
		     "a short row");
	expect_error("1 16 0 600 50\nx 64 10 600 50\n", ":2:",
		     "groups_per_cpu 'x' is not a positive integer",
		     "a non-numeric density");
	expect_error("1 16 0 600 50\n1 0 10 600 50\n", ":2:",
		     "working_set_kib '0' is not a positive integer",
		     "a zero working set");
	expect_error("1 16 0 600 50\n1 64 nan 600 50\n", ":2:",
		     "extra_ns 'nan' is not a finite number", "a NaN cost");
	expect_error("1 16 0 600 50\n1 64 12abc 600 50\n", ":2:",
		     "extra_ns '12abc' is not a finite number", "trailing junk");
	expect_error("1 16 0 600 50\n1 64 10 600 0\n", ":2:",
		     "reps '0' is not a positive integer", "zero repetitions");
	expect_error("1 16 0 600 50\n1 64 10 600 50\n2 16 5 900 50\n", ": the table",
		     "not rectangular: no row for groups_per_cpu 2, working_set_kib 64",
		     "a non-rectangular table");
	expect_error("1 16 0 600 50\n1 16 1 600 50\n", ":2:",
		     "second row for groups_per_cpu 1, working_set_kib 16",
		     "a duplicate row");
}

static void test_interpolation(const struct switch_cost_model *model)
{
	struct switch_cost_model empty;

	tap_ok(near(switch_cost_ns(model, 16, 4), 100) &&
	       near(switch_cost_ns(model, 64, 1), 10) &&
	       near(switch_cost_ns(model, 256, 16), 4000) &&
	       near(switch_cost_ns(model, 256, 4), 1000),
	       "switch_cost: grid points give the table's values");
	/* log2 midpoints: groups 2 (between 1 and 4), ws 32 (16..64). */
	tap_ok(near(switch_cost_ns(model, 32, 1), 5) &&
	       near(switch_cost_ns(model, 16, 2), 50) &&
	       near(switch_cost_ns(model, 32, 2), (0 + 10 + 100 + 300) / 4.0),
	       "switch_cost: midpoints in log2 are the mean of the corners");
	/* Log, not linear, in ws: 40 KiB is 0.661 of the way from 16 to 64. */
	tap_ok(near(switch_cost_ns(model, 40, 4),
		    100 + (log2(40) - 4) / 2 * (300 - 100)),
	       "switch_cost: interpolation is in log2 of the working set");
	tap_ok(near(switch_cost_ns(model, 256, 8),
		    1000 + 0.5 * (4000 - 1000)),
	       "switch_cost: interpolation is in log2 of the groups per CPU");
	tap_ok(near(switch_cost_ns(model, 1, 4), 100) &&
	       near(switch_cost_ns(model, 0, 4), 100) &&
	       near(switch_cost_ns(model, 64, 0.25), 10) &&
	       near(switch_cost_ns(model, 256, NAN), 20) &&
	       near(switch_cost_ns(model, 100000, 1000), 4000) &&
	       near(switch_cost_ns(model, 4, 100), 200) &&
	       near(switch_cost_ns(model, 1u << 20, 4), 1000),
	       "switch_cost: clamped to the table's edges outside its range");
	tap_ok(switch_cost_ns(model, 64, 16) == 0 &&
	       switch_cost_ns(model, 60, 15) == 0 &&
	       near(switch_cost_ns(model, 64, 8), 0.5 * (300 - 50)),
	       "switch_cost: never negative (a negative cell gives 0)");
	memset(&empty, 0, sizeof(empty));
	tap_ok(switch_cost_ns(&empty, 64, 4) == 0,
	       "switch_cost: an empty model costs nothing");
}

void test_switch_cost(void)
{
	struct switch_cost_model model;

	test_loading(&model);
	/* reload: the error cases above reset model */
	if (load_text(good, &model, (char[256]){ 0 }, 256)) {
		tap_ok(0, "switch_cost: reloading the good table");
		return;
	}
	test_interpolation(&model);
}
