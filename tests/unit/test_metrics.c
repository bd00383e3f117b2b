// SPDX-License-Identifier: GPL-2.0
/* lags-metrics: parsing the debugfs, /proc and cpu.stat fixtures
 * (tests/fixtures/metrics) and writing the exposition format. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "metrics_expo.h"
#include "metrics_publish.h"
#include "tap.h"
#include "unit.h"

#ifndef UNIT_FIXTURES
#error "UNIT_FIXTURES (the tests/fixtures directory) must be defined"
#endif
#define FIX UNIT_FIXTURES "/metrics"

static char *label_text(const char *value)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	expo_write_label_value(f, value);
	fclose(f);
	return text;
}

/* Occurrences of needle in haystack. */
static int count(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_expo(void)
{
	char buf[EXPO_NUMBER_LEN], *text = NULL;
	size_t size = 0;
	FILE *f;
	struct expo_writer w;
	struct expo_label l[2] = { { "cgroup", "/a\"b" }, { "kind", "x\\y\nz" } };
	char *esc;

	tap_ok(strcmp(expo_scaled(buf, 1500, 6), "0.0015") == 0,
	       "metrics: 1500 us is 0.0015 s (%s)", buf);
	tap_ok(strcmp(expo_scaled(buf, 2000000001, 9), "2.000000001") == 0,
	       "metrics: 2000000001 ns is 2.000000001 s, exactly (%s)", buf);
	tap_ok(strcmp(expo_scaled(buf, 3000000, 6), "3") == 0 &&
	       strcmp(expo_scaled(buf, 0, 6), "0") == 0,
	       "metrics: whole seconds and zero have no fraction");
	tap_ok(strcmp(expo_scaled(buf, UINT64_MAX, 0), "18446744073709551615") == 0,
	       "metrics: the largest counter is written in full");

	esc = label_text("a\"b\\c\nd");
	tap_ok(strcmp(esc, "a\\\"b\\\\c\\nd") == 0,
	       "metrics: label value escapes quote, backslash, newline (%s)", esc);
	free(esc);

	f = open_memstream(&text, &size);
	w = (struct expo_writer){ .out = f };
	expo_family(&w, "lags_empty_total", "counter", "never sampled");
	expo_family(&w, "lags_x_total", "counter", "help with \\ and\nnewline");
	expo_sample(&w, l, 2, "1");
	expo_sample(&w, NULL, 0, "2");
	fclose(f);
	tap_ok(!strstr(text, "lags_empty_total"),
	       "metrics: a family without samples writes nothing");
	tap_ok(strcmp(text, "# HELP lags_x_total help with \\\\ and\\nnewline\n"
		      "# TYPE lags_x_total counter\n"
		      "lags_x_total{cgroup=\"/a\\\"b\",kind=\"x\\\\y\\nz\"} 1\n"
		      "lags_x_total 2\n") == 0,
	       "metrics: HELP/TYPE once, then the samples with escaped labels");
	if (text && !strstr(text, "lags_x_total 2"))
		tap_diag("got: %s", text);
	free(text);
}

static void test_table(void)
{
	struct metrics_table t;
	char err[256];
	char good[] = "cpu a b\n0 1 2\n\n1 3 4\n";
	char bad[] = "cpu a b\n0 1 2\n1 3\n";

	tap_ok(metrics_table_parse(strdup(good), &t, err, sizeof(err)) == 0 &&
	       t.ncols == 3 && t.nrows == 2 && metrics_table_col(&t, "b") == 2 &&
	       metrics_table_col(&t, "c") == -1 &&
	       strcmp(metrics_table_cell(&t, 1, 2), "4") == 0,
	       "metrics: a debugfs table parses (blank lines skipped)");
	metrics_table_free(&t);
	tap_ok(metrics_table_parse(strdup(bad), &t, err, sizeof(err)) == -1 &&
	       strstr(err, "line 3"),
	       "metrics: a short row is refused, naming its line (%s)", err);
}

static void test_debugfs(void)
{
	struct lags_debugfs d;
	char err[512], path[] = "/tmp/lags-unit-dbg.XXXXXX", file[600];
	char esc[] = "/a\\040b/c\\134d\\\\e";
	FILE *f;

	tap_ok(strcmp(lags_unescape_path(esc), "/a b/c\\d\\e") == 0,
	       "metrics: cgroup paths are unescaped (\\040, \\134, \\\\)");
	tap_ok(lags_debugfs_read(FIX "/debugfs", &d, err, sizeof(err)) == 0 &&
	       strcmp(d.mode, "patched") == 0 && d.stats.nrows == 3 &&
	       d.cgroups.nrows == 4 && d.tunables.nrows == 10 &&
	       strcmp(metrics_table_cell(&d.cgroups, 1, 0), "/a b/quote\"back\\slash") == 0,
	       "metrics: the debugfs fixture reads (mode, stats, cgroups, tunables)");
	lags_debugfs_free(&d);
	tap_ok(lags_debugfs_read(FIX "/no-such-dir", &d, err, sizeof(err)) == 1,
	       "metrics: a missing debugfs directory means not loaded");

	/* A stats file without wait_max_us is malformed. */
	if (!mkdtemp(path)) {
		tap_ok(0, "metrics: mkdtemp");
		return;
	}
	snprintf(file, sizeof(file), "%s/mode", path);
	f = fopen(file, "w");
	fputs("observe-only\n", f);
	fclose(f);
	snprintf(file, sizeof(file), "%s/stats", path);
	f = fopen(file, "w");
	fputs("cpu switches voluntary involuntary cross_group intra_group idle\n0 1 1 0 0 1 0\n", f);
	fclose(f);
	tap_ok(lags_debugfs_read(path, &d, err, sizeof(err)) == -1 &&
	       strstr(err, "wait_max_us"),
	       "metrics: a stats header without a needed column is refused (%s)", err);
	unlink(file);
	snprintf(file, sizeof(file), "%s/mode", path);
	unlink(file);
	rmdir(path);
}

static void test_proc(void)
{
	struct schedstat s;
	char err[512];
	const char *v14 = unit_temp_file("version 14\ncpu0 1 2 3 4 5 6 7 8 9\n");
	const char *v17, *short_line;
	uint64_t ctxt = 0;
	int ret;

	tap_ok(schedstat_read(FIX "/proc/schedstat", &s, err, sizeof(err)) == 0 &&
	       s.version == 16 && s.ncpus == 2 && s.cpus[1].cpu == 1 &&
	       s.cpus[1].field[SCHEDSTAT_RUN_NS] == 9876543210123ULL &&
	       s.cpus[0].field[SCHEDSTAT_TIMESLICES] == 34567,
	       "metrics: schedstat v16 fixture: 2 CPUs, domain lines ignored");
	schedstat_free(&s);
	tap_ok(schedstat_read(v14, &s, err, sizeof(err)) == -1 && strstr(err, "version 14"),
	       "metrics: schedstat version 14 is refused (%s)", err);
	unlink(v14);
	v17 = unit_temp_file("version 17\ntimestamp 1\ncpu3 1 0 3 4 5 6 7 8 9\n");
	tap_ok(schedstat_read(v17, &s, err, sizeof(err)) == 0 && s.ncpus == 1 &&
	       s.cpus[0].cpu == 3 && s.cpus[0].field[SCHEDSTAT_SCHEDULE] == 3,
	       "metrics: schedstat version 17 reads");
	schedstat_free(&s);
	unlink(v17);
	short_line = unit_temp_file("version 15\ncpu0 1 2 3\n");
	tap_ok(schedstat_read(short_line, &s, err, sizeof(err)) == -1 && strstr(err, "line 2"),
	       "metrics: a cpu line with too few numbers is refused (%s)", err);
	unlink(short_line);
	ret = proc_stat_ctxt(FIX "/proc/stat", &ctxt, err, sizeof(err));
	tap_ok(ret == 0 && ctxt == 9876543, "metrics: /proc/stat ctxt (%llu)",
	       (unsigned long long)ctxt);
}

static void test_cgroup(void)
{
	struct cgroup_cpu_stats s;
	char err[512];

	tap_ok(cgroup_cpu_stats_read(FIX "/cgroup", 100, &s, err, sizeof(err)) == 0 &&
	       s.n == 4 && strcmp(s.cg[0].path, "/") == 0 &&
	       strcmp(s.cg[1].path, "/fn-a") == 0 &&
	       strcmp(s.cg[3].path, "/fn-b/inner") == 0 && !s.truncated &&
	       s.cg[1].value[CPU_STAT_THROTTLED_USEC] == 350000 &&
	       (s.cg[1].present & (1u << CPU_STAT_NR_THROTTLED)) &&
	       !(s.cg[2].present & (1u << CPU_STAT_NR_THROTTLED)),
	       "metrics: cpu.stat of every cgroup, sorted, keys only where present");
	cgroup_cpu_stats_free(&s);
	tap_ok(cgroup_cpu_stats_read(FIX "/cgroup", 2, &s, err, sizeof(err)) == 0 &&
	       s.n == 2 && s.truncated, "metrics: --max-cgroups truncates and says so");
	cgroup_cpu_stats_free(&s);
	tap_ok(cgroup_cpu_stats_read(FIX "/proc", 100, &s, err, sizeof(err)) == -1 &&
	       strstr(err, "cgroup v2"),
	       "metrics: a root without cgroup.controllers is refused (%s)", err);
}

static void test_publish(void)
{
	struct metrics_readings r;
	char err[512], buf[EXPO_NUMBER_LEN], *text = NULL;
	const char *unit;
	size_t size = 0;
	FILE *f;

	tap_ok(strcmp(metrics_tunable_value(buf, 2000, "us", &unit), "0.002") == 0 &&
	       strcmp(unit, "seconds") == 0 &&
	       strcmp(metrics_tunable_value(buf, 25, "%", &unit), "0.25") == 0 &&
	       strcmp(unit, "ratio") == 0 &&
	       strcmp(metrics_tunable_value(buf, 3, "-", &unit), "3") == 0 && !*unit,
	       "metrics: tunables in base units (us -> seconds, %% -> ratio)");

	memset(&r, 0, sizeof(r));
	r.have_lags = lags_debugfs_read(FIX "/debugfs", &r.lags, err, sizeof(err)) == 0;
	r.have_schedstat = schedstat_read(FIX "/proc/schedstat", &r.schedstat, err,
					  sizeof(err)) == 0;
	r.have_ctxt = proc_stat_ctxt(FIX "/proc/stat", &r.ctxt, err, sizeof(err)) == 0;
	r.have_cgroups = cgroup_cpu_stats_read(FIX "/cgroup", 100, &r.cgroups, err,
					       sizeof(err)) == 0;
	f = open_memstream(&text, &size);
	tap_ok(metrics_publish(f, &r) == 0, "metrics: publishing the fixtures succeeds");
	fclose(f);
	tap_ok(strstr(text, "\nlags_context_switches_total{cpu=\"1\",kind=\"involuntary\"} 4801\n") &&
	       strstr(text, "\nlags_group_switches_total{cpu=\"0\",kind=\"cross_group\"} 73\n"),
	       "metrics: per-CPU switches by kind from stats");
	tap_ok(!strstr(text, "cpu=\"total\""), "metrics: the stats total row is not published");
	tap_ok(strstr(text, "\nlags_runnable_wait_max_seconds{cpu=\"1\"} 0.117641\n") &&
	       strstr(text, "\nlags_event_seconds_total{cpu=\"1\",event=\"light\"} 2.000000001\n") &&
	       strstr(text, "\nlags_events_total{cpu=\"1\",event=\"guard\"} 1\n") &&
	       !strstr(text, "event=\"light_ns\""),
	       "metrics: waits and LAGS event times in seconds, events counted");
	tap_ok(strstr(text, "\nlags_cgroup_switches_total{cgroup=\"/a b/quote\\\"back\\\\slash\","
			    "direction=\"out\"} 31229\n") != NULL,
	       "metrics: a cgroup path with space, quote, backslash is a valid label");
	tap_ok(strstr(text, "\nlags_tunable{name=\"drain_budget_us\",owner=\"kernel\","
			    "unit=\"seconds\"} 0.002\n") &&
	       strstr(text, "\nlags_tunable{name=\"cgroup_top\",owner=\"module\",unit=\"rows\"} 32\n"),
	       "metrics: tunables in force");
	tap_ok(strstr(text, "\nlags_cgroup_cpu_throttled_seconds_total{cgroup=\"/fn-a\"} 0.35\n") &&
	       !strstr(text, "lags_cgroup_cpu_periods_total{cgroup=\"/fn-b\"}") &&
	       strstr(text, "\nlags_schedstat_run_seconds_total{cpu=\"1\"} 9876.543210123\n") &&
	       strstr(text, "\nlags_node_context_switches_total 9876543\n"),
	       "metrics: cpu.stat, schedstat and ctxt in base units");
	tap_ok(count(text, "# TYPE lags_context_switches_total counter\n") == 1 &&
	       count(text, "# TYPE ") == count(text, "# HELP "),
	       "metrics: one TYPE line per family, each with HELP");
	free(text);
	lags_debugfs_free(&r.lags);
	schedstat_free(&r.schedstat);
	cgroup_cpu_stats_free(&r.cgroups);

	memset(&r, 0, sizeof(r));
	text = NULL;
	f = open_memstream(&text, &size);
	metrics_publish(f, &r);
	fclose(f);
	tap_ok(strstr(text, "\nlags_module_loaded 0\n") &&
	       strstr(text, "lags_source_up{source=\"lags_debugfs\"} 0\n") &&
	       !strstr(text, "lags_context_switches_total") &&
	       !strstr(text, "lags_module_info"),
	       "metrics: without the module: lags_module_loaded 0 and no module families");
	free(text);
}

void test_metrics(void)
{
	test_expo();
	test_table();
	test_debugfs();
	test_proc();
	test_cgroup();
	test_publish();
}
