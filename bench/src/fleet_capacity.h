/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-node capacities for lags-fleet, from the capacity.json that
 * lags-capacity writes (Documentation/bench.rst):
 *
 *     { "tool": "lags-capacity", "format": 1, ...,
 *       "configs": [
 *         { "config": "stock", "bound": "exact", "load": 0.4125,
 *           "capacity_per_s": 206.25, ... }, ... ] }
 *
 * Per configuration: "config" (its name, unique, at most 63 bytes),
 * "bound" ("exact": the bisection ended inside the bracket; "above": the
 * configuration held its SLO at the top of the bracket, so its capacity
 * is at least the value given; "below": it missed even at the bottom,
 * no capacity known) and "capacity_per_s" (requests/s one node served
 * within the SLO: the offered rate of the highest load that held; a
 * positive number, null for "below").  Other keys are ignored.
 */
#ifndef FAAS_FLEET_CAPACITY_H
#define FAAS_FLEET_CAPACITY_H

#include <stddef.h>

#define FLEET_NAME_MAX 64

enum fleet_bound {
	FLEET_BOUND_EXACT,
	FLEET_BOUND_AT_LEAST,	/* "above" */
	FLEET_BOUND_UNKNOWN,	/* "below" */
};

struct fleet_config {
	char name[FLEET_NAME_MAX];
	enum fleet_bound bound;
	double capacity_per_s;	/* requests/s per node at the SLO; 0 when unknown */
	unsigned long line;	/* where it stands in the file */
};

struct fleet_capacity {
	struct fleet_config *configs;
	size_t count;
};

/*
 * Reads path (a capacity.json, or a lags-capacity output directory
 * holding one) into *set.  Returns 0, or -1 with "FILE:LINE: why" (or
 * "FILE: why") in err: not JSON, no "configs" array, a configuration
 * without a name or bound, a duplicate name, a capacity that is not a
 * positive number.
 */
int fleet_capacity_read(const char *path, struct fleet_capacity *set,
			char *err, size_t errlen);
/* The configuration called name, or NULL. */
const struct fleet_config *fleet_capacity_find(const struct fleet_capacity *set,
					       const char *name);
void fleet_capacity_free(struct fleet_capacity *set);

#endif
