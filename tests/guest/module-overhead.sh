#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Overhead of lags.ko on context switches: "perf bench sched pipe" with
# both processes on CPU 0 (every operation is two switches on one CPU,
# the worst case for a per-switch probe), without and with the module,
# interleaved in one boot (ABBA order against drift).  Ratios with/without
# per round; min/median/max go to /results/module-overhead.txt.
#
# The issue's goal is a median ratio <= 1.02.  Under TCG the noise of one
# round is a few percent, so the test fails only above
# LAGS_OVERHEAD_MAX (default 1.05); the figures are what to look at.
#
#   LAGS_OVERHEAD_ROUNDS  rounds (default 7)
#   LAGS_OVERHEAD_LOOPS   pipe round trips per run (default 20000)
#
# lags-kernels: stock lags
. "$(dirname "$0")/module-lib.sh"

[ -f "$LAGS_KO" ] || tap_skip_all "no $LAGS_KO"
command -v perf >/dev/null || tap_skip_all "no perf"
lags_loaded && lags_unload
rounds=${LAGS_OVERHEAD_ROUNDS:-7}
loops=${LAGS_OVERHEAD_LOOPS:-20000}
max=${LAGS_OVERHEAD_MAX:-1.05}

# usecs per pipe operation (one round trip, two switches)
run() {
	taskset 1 perf bench sched pipe -l "$loops" 2>/dev/null |
		awk '/usecs\/op/ { print $1 }'
}
with() { lags_load && run && lags_unload; }
without() { run; }

run >/dev/null	# warm up
out=/tmp/lags-overhead.$$
: >"$out"
i=0
while [ $i -lt "$rounds" ]; do
	if [ $((i % 2)) -eq 0 ]; then
		a=$(without); b=$(with)
	else
		b=$(with); a=$(without)
	fi
	echo "$a $b" >>"$out"
	tap_diag "round $i: without $a us/op, with $b us/op"
	i=$((i + 1))
done

mkdir -p /results
summary=$(awk -v k="$LAGS_VARIANT" -v l="$loops" '
	$1 > 0 && $2 > 0 { r[n++] = $2 / $1; sa += $1; sb += $2 }
	END {
		for (i = 0; i < n; i++) for (j = i + 1; j < n; j++)
			if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
		med = n % 2 ? r[int(n / 2)] : (r[n / 2 - 1] + r[n / 2]) / 2
		printf "%s kernel, perf bench sched pipe -l %d on one CPU, %d rounds: " \
		       "ratio with/without min %.4f median %.4f max %.4f " \
		       "(mean us/op without %.3f, with %.3f)\n",
		       k, l, n, r[0], med, r[n - 1], sa / n, sb / n
	}' "$out")
echo "$summary" | tee -a /results/module-overhead.txt | sed 's/^/# /'
median=$(echo "$summary" | sed 's/.*median \([0-9.]*\).*/\1/')
tap_is "all $rounds rounds measured" "$(awk '$1 > 0 && $2 > 0' "$out" | wc -l)" "$rounds"
tap_check "median overhead ratio $median <= $max (goal 1.02)" \
	awk -v m="$median" -v x="$max" 'BEGIN { exit !(m > 0 && m <= x) }'
rm -f "$out"
tap_done
