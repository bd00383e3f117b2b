/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster-size model of lags-fleet (Documentation/fleet.rst): how
 * many interchangeable nodes a fleet needs, minute by minute, to serve
 * a demand curve when each node holds the p99 SLO up to a measured
 * capacity.
 *
 * Units: demand and capacity in requests per second (demand: across the
 * fleet; capacity: of one node at the SLO, as lags-capacity measures
 * it); headroom is a fraction of a node's capacity kept spare, in
 * [0, 1); nodes are whole; node-minutes are nodes x minutes.
 *
 * The formula: a node may carry usable = capacity x (1 - headroom)
 * requests/s, the load is spread evenly, so a minute with demand d
 * needs nodes(d) = ceil(d / usable) nodes.  A quotient within
 * FLEET_ROUNDING_TOLERANCE (relative) above a whole number counts as
 * that number, so that 198 requests/s on nodes of 100 with 34% headroom
 * (usable 66) need 3 nodes and not 4 after the rounding error of
 * 100 x (1 - 0.34), 65.99999999999999.
 */
#ifndef FAAS_FLEET_MODEL_H
#define FAAS_FLEET_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define FLEET_ROUNDING_TOLERANCE 1e-9

/* Per-minute demand in requests/s across the fleet, minute i at demand[i]. */
struct fleet_curve {
	double *demand;
	size_t minutes;
};

/* What one configuration needs for a whole curve. */
struct fleet_plan {
	double usable_per_s;		/* capacity x (1 - headroom) */
	uint64_t peak_nodes;		/* nodes(peak demand) */
	size_t peak_minute;		/* first minute at the peak demand */
	/* Sum over minutes of nodes(demand): per-minute autoscaling. */
	uint64_t autoscaled_node_minutes;
	/* peak_nodes x minutes: fixed at the peak all day. */
	uint64_t static_node_minutes;
};

/*
 * Nodes needed for demand requests/s on nodes that each carry usable
 * requests/s (> 0): ceil(demand / usable) with the tolerance above;
 * 0 for demand 0.  demand must be finite and >= 0.
 */
uint64_t fleet_nodes(double demand, double usable_per_s);

/*
 * The usable rate per node, capacity_per_s x (1 - headroom).  Returns
 * 0, or -1 with why in err when capacity is not a positive finite
 * number or headroom not in [0, 1).
 */
int fleet_usable(double capacity_per_s, double headroom, double *usable_per_s,
		 char *err, size_t errlen);

/*
 * Fills plan for curve (at least one minute, demands finite and >= 0:
 * fleet_curve_check) with nodes of capacity_per_s and headroom.
 * Returns 0, or -1 with why in err (as fleet_usable).
 */
int fleet_plan_compute(const struct fleet_curve *curve, double capacity_per_s,
		       double headroom, struct fleet_plan *plan, char *err,
		       size_t errlen);

/*
 * Checks that curve has at least one minute, every demand is finite and
 * >= 0 and the peak is above 0.  Returns 0, or -1 with why in err.
 */
int fleet_curve_check(const struct fleet_curve *curve, char *err, size_t errlen);

/*
 * Reduction of value against baseline in percent,
 * 100 x (baseline - value) / baseline: positive when value is smaller.
 * NAN when baseline is 0.
 */
double fleet_reduction_percent(double value, double baseline);

#endif
