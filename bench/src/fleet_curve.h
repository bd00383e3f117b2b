/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fleet load curve of lags-fleet: a CSV file of
 *
 *     minute,demand_per_s
 *     0,31250.5
 *     1,31190
 *     ...
 *
 * minute: whole minutes from the start of the curve, 0, 1, 2, ... with
 * no gap (a day has 1440); demand_per_s: requests per second offered to
 * the whole fleet during that minute (its mean), a number >= 0.  Lines
 * starting with '#' and blank lines are skipped; the header line is
 * optional and, when present, must be the first other line and read
 * exactly "minute,demand_per_s".  Blanks around fields and CRLF line
 * ends are accepted.
 */
#ifndef FAAS_FLEET_CURVE_H
#define FAAS_FLEET_CURVE_H

#include <stddef.h>
#include "fleet_model.h"

/*
 * Reads the curve at path into *curve (demand allocated; free with
 * fleet_curve_free).  Returns 0, or -1 with "PATH:LINE: why" (or
 * "PATH: why") in err.  An empty curve or one whose demand is 0 in
 * every minute is an error (fleet_curve_check).
 */
int fleet_curve_read(const char *path, struct fleet_curve *curve, char *err,
		     size_t errlen);
void fleet_curve_free(struct fleet_curve *curve);

#endif
