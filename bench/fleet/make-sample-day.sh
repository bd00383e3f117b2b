#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Writes the synthetic sample day of fleet demand (bench/fleet/sample-day.csv)
# to stdout: 1440 minutes, "minute,demand_per_s" (Documentation/fleet.rst).
#
# Usage: bench/fleet/make-sample-day.sh > bench/fleet/sample-day.csv
set -eu
awk 'BEGIN {
	pi = atan2(0, -1)
	print "# A synthetic diurnal day of fleet demand for lags-fleet (Documentation/fleet.rst)."
	print "# Not a measurement: requests/s offered to the whole fleet, one line per minute,"
	print "# made by bench/fleet/make-sample-day.sh:"
	print "#   demand(m) = 30000 * (1 + 0.5 cos(2 pi (h - 19.5) / 24)"
	print "#                         + 0.15 exp(-((h - 12.5) / 1.2)^2)"
	print "#                         + 0.04 sin(2 pi m / 37) sin(2 pi m / 11)),  h = m / 60"
	print "# An evening peak at 19:34 (46176 at minute 1174), a trough at 07:12"
	print "# (13986 at minute 432), a lunch bump at 12:30 and a ripple of a few minutes."
	print "minute,demand_per_s"
	for (m = 0; m < 1440; m++) {
		h = m / 60
		d = 30000 * (1 + 0.5 * cos(2 * pi * (h - 19.5) / 24) \
			+ 0.15 * exp(-((h - 12.5) / 1.2) ^ 2) \
			+ 0.04 * sin(2 * pi * m / 37) * sin(2 * pi * m / 11))
		printf "%d,%.1f\n", m, d
	}
}'
