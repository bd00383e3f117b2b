/* SPDX-License-Identifier: GPL-2.0 */
/* The unit test groups; each records its results through tap.h. */
#ifndef UNIT_UNIT_H
#define UNIT_UNIT_H

void test_histogram(void);
void test_arrivals(void);
void test_azure_arrivals(void);
void test_trace_csv(void);
void test_cgroup_mounts(void);
void test_json_writer(void);
void test_switch_cost(void);
void test_function_stream(void);
void test_handover(void);
void test_metrics(void);
void test_fleet_model(void);
/* bench_binary: the built faas-node-bench, run as a child. */
void test_options(const char *bench_binary);
void test_cleanup(const char *bench_binary);
void test_ab_stats(const char *bench_binary);
void test_cost_model(const char *bench_binary);
void test_request_shapes(const char *bench_binary);

/*
 * The first number after "key": in a JSON file written by
 * faas-node-bench (a quoted number counts); -1 when the file or the key
 * is missing.  Files up to 1 MiB.
 */
double unit_json_number(const char *path, const char *key);
/* Writes text to a new temporary file; returns its path (static). */
const char *unit_temp_file(const char *text);

#endif
