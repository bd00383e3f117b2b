// SPDX-License-Identifier: GPL-2.0
/* The cluster-size model: formulas in fleet_model.h. */
#include <math.h>
#include <stdio.h>
#include "fleet_model.h"

uint64_t fleet_nodes(double demand, double usable_per_s)
{
	double q = demand / usable_per_s;

	if (q <= 0)
		return 0;
	return (uint64_t)ceil(q - q * FLEET_ROUNDING_TOLERANCE);
}

int fleet_usable(double capacity_per_s, double headroom, double *usable_per_s,
		 char *err, size_t errlen)
{
	if (!isfinite(capacity_per_s) || capacity_per_s <= 0) {
		snprintf(err, errlen, "capacity must be a positive number of requests/s, got %g",
			 capacity_per_s);
		return -1;
	}
	if (!(headroom >= 0 && headroom < 1)) {
		snprintf(err, errlen, "headroom must be in [0, 1), got %g", headroom);
		return -1;
	}
	*usable_per_s = capacity_per_s * (1 - headroom);
	return 0;
}

int fleet_curve_check(const struct fleet_curve *curve, char *err, size_t errlen)
{
	double peak = 0;

	if (curve->minutes == 0) {
		snprintf(err, errlen, "the load curve has no minutes");
		return -1;
	}
	for (size_t i = 0; i < curve->minutes; i++) {
		double d = curve->demand[i];

		if (!isfinite(d) || d < 0) {
			snprintf(err, errlen, "minute %zu: demand must be a finite number >= 0, got %g",
				 i, d);
			return -1;
		}
		if (d > peak)
			peak = d;
	}
	if (peak == 0) {
		snprintf(err, errlen, "the load curve's demand is 0 in every minute");
		return -1;
	}
	return 0;
}

int fleet_plan_compute(const struct fleet_curve *curve, double capacity_per_s,
		       double headroom, struct fleet_plan *plan, char *err,
		       size_t errlen)
{
	double peak = -1;

	*plan = (struct fleet_plan){ 0 };
	if (fleet_usable(capacity_per_s, headroom, &plan->usable_per_s, err, errlen))
		return -1;
	for (size_t i = 0; i < curve->minutes; i++) {
		double d = curve->demand[i];

		plan->autoscaled_node_minutes += fleet_nodes(d, plan->usable_per_s);
		if (d > peak) {
			peak = d;
			plan->peak_minute = i;
		}
	}
	plan->peak_nodes = fleet_nodes(peak, plan->usable_per_s);
	plan->static_node_minutes = plan->peak_nodes * (uint64_t)curve->minutes;
	return 0;
}

double fleet_reduction_percent(double value, double baseline)
{
	if (baseline == 0)
		return NAN;
	return 100 * (baseline - value) / baseline;
}
