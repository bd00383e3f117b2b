#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cpu.lags=0 does what it claims: a group that opted out is served as on
# stock while the rest of the node drains.  One boot of the lags kernel
# under instruction counting (vm-run --icount 0, one vCPU: the guest
# clock is the count of executed instructions, so the host's load does
# not enter), 32 function cgroups at offered load 0.9 (faas-node-bench),
# and a SCHED_OTHER cyclictest (1 ms period) in a cgroup of its own: with
# LAGS off (bench/lags-regress cyclictest-fair-dense, the stock
# reference), and with LAGS on and cpu.lags=0 on it and its parent
# (cyclictest-optout-dense), twice each, alternating.
#
# With v1 of the series the exempt probe had p99 0.32x and mean 0.99x of
# LAGS off (its waiting-side rule stopped every drain while it waited);
# v2 makes light wakers stock-like without the flag (tests/harness/
# lags-latency.sh) and keeps the exempt group's waits at stock: the test
# asks for the exempt probe's p99 and mean with LAGS on at most 1.1 x
# those of the probe with LAGS off (means of the two runs).
#
# Known bug (issue 10): since faas-node-bench's functions time themselves
# (no dispatcher that interrupts every drain), the exempt probe's p99
# spreads from 0.81 to 1.36 x of LAGS off between runs (make goals,
# cyclictest part: median 0.99 x of 3); the p99 check is reported as a
# TODO until the series is fixed.  The mean stays within 1.1 x and is
# checked strictly.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

patched_image_built || tap_skip_all "no patched lags kernel built"
[ -x "$LAGS_BUILD/bench/bin/lags-regress" ] || tap_skip_all "bench/ not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-optout.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$LAGS_TOP/scripts/vm-run" --kernel lags --icount 0 --smp 1 --mem 1G --timeout 900 --results "$tmp/r" -- \
	sh -c 'for r in 1 2; do
		echo 0 >/proc/sys/kernel/sched_lags
		lags-regress --quick --label off --rep $r cyclictest-fair-dense
		echo 1 >/proc/sys/kernel/sched_lags
		lags-regress --quick --label lags --rep $r cyclictest-optout-dense
	done >/results/samples.txt; echo 0 >/proc/sys/kernel/sched_lags' >"$tmp/log" 2>&1
rc=$?
tap_is "the guest run succeeded" "$rc" 0
[ $rc -eq 0 ] || { tail -n 5 "$tmp/log" | sed 's/^/# /'; tap_done; exit; }

# median2 METRIC: the mean of the two runs' values (the median of two).
median2() {
	awk -v m="$1" '$3 == m { s += $4; n++ } END { if (n == 2) printf "%d\n", s / n }' "$tmp/r/samples.txt"
}
fair_p99=$(median2 cyclictest_fair_dense.p99_us)
out_p99=$(median2 cyclictest_optout_dense.p99_us)
fair_avg=$(median2 cyclictest_fair_dense.avg_us)
out_avg=$(median2 cyclictest_optout_dense.avg_us)
tap_diag "cyclictest SCHED_OTHER beside 32 busy groups: LAGS off p99 ${fair_p99:-?} us avg ${fair_avg:-?} us; LAGS on with cpu.lags=0 p99 ${out_p99:-?} us avg ${out_avg:-?} us"
tap_check "both runs of both probes measured" test -n "$fair_p99" -a -n "$out_p99" -a -n "$fair_avg" -a -n "$out_avg"
tap_todo $([ -n "$out_p99" ] && [ -n "$fair_p99" ] && [ $((out_p99 * 10)) -le $((fair_p99 * 11)) ]; echo $?) \
	"cpu.lags=0 with LAGS on: p99 wakeup latency at most 1.1 x LAGS off (${out_p99:-?} vs ${fair_p99:-?} us)" \
	"issue 10: the exempt probe's p99 beside self-timed functions"
tap_result $([ -n "$out_avg" ] && [ -n "$fair_avg" ] && [ $((out_avg * 10)) -le $((fair_avg * 11)) ]; echo $?) \
	"cpu.lags=0 with LAGS on: mean wakeup latency at most 1.1 x LAGS off (${out_avg:-?} vs ${fair_avg:-?} us)"
tap_done
