// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster-size model of lags-fleet (bench/src/fleet_model.h) and its
 * readers: the load curve CSV, the JSON reader and capacity.json.  Every
 * expected number is worked out by hand in the comment beside it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fleet_capacity.h"
#include "fleet_curve.h"
#include "fleet_model.h"
#include "json_reader.h"
#include "tap.h"
#include "unit.h"

static void test_nodes(void)
{
	char err[256];
	double u = 0;

	/* ceil(250 / 100) = 3; exactly 300 / 100 = 3 stays 3; a hair more is 4. */
	tap_ok(fleet_nodes(250, 100) == 3, "fleet: 250/s on nodes of 100/s need 3");
	tap_ok(fleet_nodes(300, 100) == 3, "fleet: 300/s on nodes of 100/s need exactly 3");
	tap_ok(fleet_nodes(300.001, 100) == 4, "fleet: 300.001/s need 4");
	tap_ok(fleet_nodes(0, 100) == 0, "fleet: no demand needs no node");
	tap_ok(fleet_nodes(0.5, 100) == 1, "fleet: any demand needs a whole node");

	/* Headroom 0.25: usable 100 x 0.75 = 75; 300 / 75 = 4, 301 / 75 -> 5. */
	tap_ok(fleet_usable(100, 0.25, &u, err, sizeof(err)) == 0 && u == 75 &&
	       fleet_nodes(300, u) == 4 && fleet_nodes(301, u) == 5,
	       "fleet: headroom 0.25 leaves 75 of 100/s; 300/s need 4, 301/s 5");
	/*
	 * 100 x (1 - 0.34) is 65.99999999999999 in doubles, so 198 / u is
	 * 3.0000000000000004: the tolerance keeps it at 3 nodes, not 4.
	 */
	tap_ok(fleet_usable(100, 0.34, &u, err, sizeof(err)) == 0 && 198 / u > 3 &&
	       fleet_nodes(198, u) == 3,
	       "fleet: 198/s on 66/s usable need 3 nodes despite the rounding error");

	tap_ok(fleet_usable(0, 0, &u, err, sizeof(err)) == -1 && strstr(err, "positive"),
	       "fleet: capacity 0 rejected (%s)", err);
	tap_ok(fleet_usable(-5, 0, &u, err, sizeof(err)) == -1 &&
	       fleet_usable(NAN, 0, &u, err, sizeof(err)) == -1,
	       "fleet: negative and NaN capacity rejected");
	tap_ok(fleet_usable(100, 1, &u, err, sizeof(err)) == -1 && strstr(err, "headroom") &&
	       fleet_usable(100, -0.1, &u, err, sizeof(err)) == -1,
	       "fleet: headroom 1 and -0.1 rejected (%s)", err);
}

static void test_plan(void)
{
	double demand[] = { 100, 250, 0, 300, 50 };
	struct fleet_curve curve = { demand, 5 };
	struct fleet_plan plan;
	char err[256];

	/*
	 * Capacity 100/s, no headroom: nodes per minute 1, 3, 0, 3, 1.
	 * Autoscaled: 8 node-minutes; peak 3 (first at minute 3: 300/s);
	 * fixed at the peak: 3 x 5 = 15 node-minutes.
	 */
	tap_ok(fleet_plan_compute(&curve, 100, 0, &plan, err, sizeof(err)) == 0 &&
	       plan.peak_nodes == 3 && plan.peak_minute == 3 &&
	       plan.autoscaled_node_minutes == 8 && plan.static_node_minutes == 15 &&
	       plan.usable_per_s == 100,
	       "fleet: plan at 100/s: peak 3, 8 node-minutes autoscaled, 15 fixed");
	/* Headroom 0.5: usable 50: 2, 5, 0, 6, 1 -> 14; peak 6; 30 fixed. */
	tap_ok(fleet_plan_compute(&curve, 100, 0.5, &plan, err, sizeof(err)) == 0 &&
	       plan.peak_nodes == 6 && plan.autoscaled_node_minutes == 14 &&
	       plan.static_node_minutes == 30,
	       "fleet: plan with headroom 0.5: peak 6, 14 autoscaled, 30 fixed");
	/* 125/s per node: 1, 2, 0, 3, 1 -> 7; the peak stays at 3 nodes. */
	tap_ok(fleet_plan_compute(&curve, 125, 0, &plan, err, sizeof(err)) == 0 &&
	       plan.peak_nodes == 3 && plan.autoscaled_node_minutes == 7,
	       "fleet: plan at 125/s: peak 3, 7 autoscaled");
	tap_ok(fleet_plan_compute(&curve, 0, 0, &plan, err, sizeof(err)) == -1,
	       "fleet: plan with capacity 0 rejected");

	/* (10 - 8) / 10 = 20%; (10 - 12) / 10 = -20%; baseline 0: undefined. */
	tap_ok(fabs(fleet_reduction_percent(8, 10) - 20) < 1e-12 &&
	       fabs(fleet_reduction_percent(12, 10) + 20) < 1e-12 &&
	       isnan(fleet_reduction_percent(1, 0)),
	       "fleet: reduction 8 vs 10 is 20%%, 12 vs 10 is -20%%, vs 0 undefined");
}

static void test_curve_check(void)
{
	double zeros[] = { 0, 0 }, negative[] = { 5, -1 };
	struct fleet_curve empty = { NULL, 0 }, z = { zeros, 2 }, n = { negative, 2 };
	char err[256];

	tap_ok(fleet_curve_check(&empty, err, sizeof(err)) == -1 && strstr(err, "no minutes"),
	       "fleet: an empty curve rejected (%s)", err);
	tap_ok(fleet_curve_check(&z, err, sizeof(err)) == -1 && strstr(err, "0 in every minute"),
	       "fleet: a curve of zeros rejected (%s)", err);
	tap_ok(fleet_curve_check(&n, err, sizeof(err)) == -1 && strstr(err, "minute 1"),
	       "fleet: a negative demand rejected with its minute (%s)", err);
}

/* Reads text as a curve; returns its minutes, or -1 with err after the path. */
static long read_curve(const char *text, struct fleet_curve *curve, char *err,
		       size_t errlen)
{
	const char *path = unit_temp_file(text);
	char full[512];
	long n;

	n = fleet_curve_read(path, curve, full, sizeof(full)) ? -1 : (long)curve->minutes;
	snprintf(err, errlen, "%s", n < 0 ? full + strlen(path) : "");
	unlink(path);
	return n;
}

static void curve_error(const char *text, const char *where, const char *why,
			const char *what)
{
	struct fleet_curve curve;
	char err[512];
	long n = read_curve(text, &curve, err, sizeof(err));

	tap_diag("error: %s", err);
	tap_ok(n == -1 && strncmp(err, where, strlen(where)) == 0 && strstr(err, why),
	       "fleet curve: %s rejected at '%s'", what, where);
}

static void test_curve_csv(void)
{
	struct fleet_curve curve;
	char err[512];
	long n;

	n = read_curve("# a comment\nminute,demand_per_s\n0,10\n\n1, 20.5 \r\n# x\n2,0\n",
		       &curve, err, sizeof(err));
	tap_ok(n == 3 && curve.demand[0] == 10 && curve.demand[1] == 20.5 &&
	       curve.demand[2] == 0, "fleet curve: header, comments, blanks, CRLF; 3 minutes");
	if (n > 0)
		fleet_curve_free(&curve);
	n = read_curve("0,1e3\n1,2000\n", &curve, err, sizeof(err));
	tap_ok(n == 2 && curve.demand[0] == 1000, "fleet curve: no header, exponent notation");
	if (n > 0)
		fleet_curve_free(&curve);

	curve_error("minute,demand_per_s\n0,10\n2,10\n", ":3:", "minute 2, expected 1",
		    "a missing minute");
	curve_error("1,10\n", ":1:", "expected 0", "a curve not starting at minute 0");
	curve_error("0,10\n1,-3\n", ":2:", ">= 0", "a negative demand");
	curve_error("0,10\n1,lots\n", ":2:", "not a number", "a demand that is no number");
	curve_error("0,10\n1.5,3\n", ":2:", "whole number", "a fractional minute");
	curve_error("0,10\n1,3,4\n", ":2:", "more than two fields", "an extra field");
	curve_error("0,10\n1\n", ":2:", "expected 'minute,demand_per_s'", "a missing field");
	curve_error("minute,nodes\n0,10\n", ":1:", "header must read", "a wrong header");
	curve_error("# nothing\n", ":", "no minutes", "an empty curve");
	curve_error("0,0\n1,0\n", ":", "0 in every minute", "a curve of zeros");
	tap_ok(fleet_curve_read("/nonexistent/curve.csv", &curve, err, sizeof(err)) == -1 &&
	       strstr(err, "cannot open"), "fleet curve: a missing file is an error (%s)", err);
}

static void json_error(const char *text, const char *where, const char *why,
		       const char *what)
{
	struct json_value v;
	char err[256];
	int ret = json_parse(text, strlen(text), "t", &v, err, sizeof(err));

	tap_diag("error: %s", err);
	tap_ok(ret == -1 && strncmp(err, where, strlen(where)) == 0 && strstr(err, why),
	       "json: %s rejected at %s", what, where);
}

static void test_json(void)
{
	const char *text = "{\"a\": [1, -2.5e1, true, null],\n \"b\": {\"c\": \"x\\\"y\\u0041\"}}";
	const struct json_value *a, *c;
	struct json_value v;
	char err[256];

	tap_ok(json_parse(text, strlen(text), "t", &v, err, sizeof(err)) == 0 &&
	       (a = json_get(&v, "a")) && a->type == JSON_ARRAY && a->count == 4 &&
	       a->items[1].number == -25 && a->items[2].type == JSON_TRUE &&
	       a->items[3].type == JSON_NULL && (c = json_get(json_get(&v, "b"), "c")) &&
	       strcmp(c->string, "x\"yA") == 0 && c->line == 2,
	       "json: nested document parsed, escapes decoded, line numbers kept");
	json_free(&v);
	json_error("{\"a\": 1,\n \"b\": 2\n \"c\": 3}", "t:3:2:", "expected ',' or '}'",
		   "a missing comma");
	json_error("{\"a\": \"open}", "t:1:", "unterminated string", "an open string");
	json_error("[1, 2] x", "t:1:8:", "text after the document", "trailing text");
	json_error("[01]", "t:1:3:", "expected ',' or ']'", "a leading zero");
	json_error("{\"a\" 1}", "t:1:6:", "expected ':'", "a missing colon");
	json_error("", "t:1:1:", "end of the input", "an empty document");
	json_error("[1.]", "t:1:", "digit must follow", "a bare decimal point");
}

/* A capacity.json with the given configs array body. */
static const char *capacity_file(const char *configs)
{
	static char text[2048];

	snprintf(text, sizeof(text), "{\"tool\": \"lags-capacity\", \"format\": 1,\n"
		 "\"configs\": [\n%s\n]}\n", configs);
	return unit_temp_file(text);
}

static void capacity_error(const char *configs, const char *where, const char *why,
			   const char *what)
{
	const char *path = capacity_file(configs);
	struct fleet_capacity set;
	char err[512];
	int ret = fleet_capacity_read(path, &set, err, sizeof(err));
	const char *at = strncmp(err, path, strlen(path)) == 0 ? err + strlen(path) : err;

	tap_diag("error: %s", err);
	tap_ok(ret == -1 && strncmp(at, where, strlen(where)) == 0 && strstr(at, why),
	       "capacity.json: %s rejected at '%s'", what, where);
	unlink(path);
}

static void test_capacity(void)
{
	const char *path = capacity_file(
		"{\"config\": \"stock\", \"bound\": \"exact\", \"capacity_per_s\": 290.5, \"load\": 0.581},\n"
		"{\"config\": \"lags\", \"bound\": \"above\", \"capacity_per_s\": 308},\n"
		"{\"config\": \"onegroup\", \"bound\": \"below\", \"capacity_per_s\": null}");
	const struct fleet_config *c;
	struct fleet_capacity set;
	char err[512], dir[] = "/tmp/faas-unit-dir.XXXXXX", file[64];

	tap_ok(fleet_capacity_read(path, &set, err, sizeof(err)) == 0 && set.count == 3 &&
	       (c = fleet_capacity_find(&set, "stock")) && c->capacity_per_s == 290.5 &&
	       c->bound == FLEET_BOUND_EXACT && c->line == 3 &&
	       fleet_capacity_find(&set, "lags")->bound == FLEET_BOUND_AT_LEAST &&
	       fleet_capacity_find(&set, "onegroup")->bound == FLEET_BOUND_UNKNOWN &&
	       !fleet_capacity_find(&set, "slice3ms"),
	       "capacity.json: three configurations, exact, above and below");
	fleet_capacity_free(&set);
	/* A lags-capacity output directory: DIR/capacity.json. */
	if (mkdtemp(dir)) {
		snprintf(file, sizeof(file), "%s/capacity.json", dir);
		tap_ok(rename(path, file) == 0 &&
		       fleet_capacity_read(dir, &set, err, sizeof(err)) == 0 && set.count == 3,
		       "capacity.json: read from its directory");
		fleet_capacity_free(&set);
		unlink(file);
		rmdir(dir);
	} else {
		tap_ok(0, "capacity.json: a temporary directory");
		unlink(path);
	}

	capacity_error("{\"config\": \"stock\", \"bound\": \"exact\", \"capacity_per_s\": 0}",
		       ":3:", "must be positive, got 0", "a capacity of 0");
	capacity_error("{\"config\": \"stock\", \"bound\": \"exact\", \"capacity_per_s\": 5},\n"
		       "{\"config\": \"lags\", \"bound\": \"exact\", \"capacity_per_s\": -1}",
		       ":4:", "(lags): capacity_per_s must be positive", "a negative capacity");
	capacity_error("{\"config\": \"stock\", \"bound\": \"exact\", \"capacity_per_s\": \"9\"}",
		       ":3:", "must be a number, got a string", "a quoted capacity");
	capacity_error("{\"config\": \"stock\", \"bound\": \"exact\"}",
		       ":3:", "got nothing", "a missing capacity");
	capacity_error("{\"config\": \"stock\", \"bound\": \"roughly\", \"capacity_per_s\": 5}",
		       ":3:", "bound 'roughly'", "an unknown bound");
	capacity_error("{\"config\": \"a\", \"bound\": \"exact\", \"capacity_per_s\": 5},\n"
		       "{\"config\": \"a\", \"bound\": \"exact\", \"capacity_per_s\": 6}",
		       ":4:", "appears twice", "a duplicate configuration");
	capacity_error("{\"bound\": \"exact\", \"capacity_per_s\": 5}", ":3:",
		       "\"config\" must be a name", "a configuration without a name");
	capacity_error("", ":2:", "\"configs\" is empty", "no configurations");
	capacity_error("{\"config\": \"a\",, }", ":3:", "expected a key string",
		       "malformed JSON");
	path = unit_temp_file("[1, 2]\n");
	tap_ok(fleet_capacity_read(path, &set, err, sizeof(err)) == -1 &&
	       strstr(err, "\"configs\" array"),
	       "capacity.json: a document without configs is rejected (%s)", err);
	unlink(path);
}

void test_fleet_model(void)
{
	test_nodes();
	test_plan();
	test_curve_check();
	test_curve_csv();
	test_json();
	test_capacity();
}
