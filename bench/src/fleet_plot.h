/* SPDX-License-Identifier: GPL-2.0 */
/* lags-fleet's per-minute table and its plot (gnuplot). */
#ifndef FAAS_FLEET_PLOT_H
#define FAAS_FLEET_PLOT_H

#include <stddef.h>
#include <stdio.h>
#include "fleet_model.h"

/* One column of nodes per minute: a configuration's usable rate per node. */
struct fleet_series {
	const char *name;
	double usable_per_s;	/* capacity x (1 - headroom), > 0 */
};

/*
 * Writes the per-minute table to out, tab-separated with a header line:
 * "minute demand_per_s NODES_1 ... NODES_n" where NODES_i is the name of
 * series i and its value fleet_nodes(demand, usable_per_s).
 */
void fleet_write_minutes(FILE *out, const struct fleet_curve *curve,
			 const struct fleet_series *series, size_t n);

/*
 * Plots demand (top panel, requests/s) and nodes needed per series
 * (bottom panel, steps) against the hour of the curve into the PNG png,
 * with gnuplot's pngcairo terminal (gnuplot on PATH; the table goes to
 * a temporary file in $TMPDIR or /tmp, removed afterwards).  title is
 * the plot's title.  Returns 0, or -1 with why in err (cannot write the
 * table, gnuplot missing or failing).
 */
int fleet_plot_png(const char *png, const char *title,
		   const struct fleet_curve *curve,
		   const struct fleet_series *series, size_t n, char *err,
		   size_t errlen);

#endif
