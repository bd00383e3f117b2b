#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Nobody harmed, wakeup latency: with LAGS on (the dense preset, no
# opt-out anywhere) a latency-sensitive task wakes as fast as with LAGS
# off.  Run by tests/harness/lags-latency.sh in one boot of the lags
# kernel under instruction counting (one vCPU: the guest clock is the count
# of executed instructions, so the host's load does not enter); it has no
# "lags-kernels" line, so the 2-vCPU guest suites do not run it.
#
# A periodic probe (lags-probe periodic, 1 ms period, SCHED_OTHER) measures
# the time from each intended wakeup to running, beside a dense load
# (lags-wakeload: 32 function cgroups at offered load 0.9, 2 ms requests):
#
#   light   the probe in a cpu cgroup of its own (cpu.lags=1, the default)
#   root    the probe in the root cgroup (a daemon or kernel thread)
#   short   the probe in a cgroup of its own with a 0.1 ms custom slice
#           (sched_attr.sched_runtime)
#   idle    no dense load: the probe in a normal cgroup beside a cpu.idle
#           cgroup whose 2 processes run 2 ms and sleep 0.1 ms
#
# After a warm-up, each case runs pairs of LAGS off and on (5 s each,
# LAGS_LATENCY_SECS): 4 pairs, 2 beside cpu.idle, 6 for the root
# probe.  The order alternates, off then on in odd pairs, on then off in
# even ones, so that each setting runs as often right after a switch of
# kernel.sched_lags as after a run of its own (in one boot of 24 such
# pairs of the root probe, LAGS on's p99 was 1.11 x higher in the runs
# right after the switch than after a run of its own, LAGS off's 1.03 x;
# a second boot, with the probe in 1 s pieces, showed no such step.
# Always off first, as the test ran before 2026-12-07, would charge such
# a step to LAGS on alone).  The means of the p99s are
# compared: on at most 1.1 x off, the bound of the issue that asked for
# these cases (for idle also the means of the maxima).  A case over its
# bound runs more pairs, see below.  (The series' goal is 1.05 x.  Four
# boots of 2026-12-07, off first, means of the p99s over all pairs:
# light probe 1.02 x (single boots 0.94-1.09 x), root cgroup 1.07 x
# (0.99-1.11 x), short slice 0.98-1.02 x, beside cpu.idle 1.00 x and
# maximum 1.00-1.02 x; root cgroup in alternating order, one boot of 24
# pairs: 1.016 x (bootstrap 90% interval 0.97-1.06 x).  v1 of the
# series: 2.3 x, 2.3 x, 45 x, a 38 x maximum beside cpu.idle; the series
# without its light-waker rule, sched_lags_mode 7, in two boots: light
# 2.4-2.5 x, root 2.2-2.3 x (2.35 x over 8 pairs in a third), short
# slice 1.07 x and 1.12 x.)  TAP goes to stdout and
# /results/lags-latency.tap.

. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lags.sh"

P=/proc/sys/kernel
CG=/sys/fs/cgroup
lags_cpu_cgroup
res=/results/lags-latency
mkdir -p $res
secs=${LAGS_LATENCY_SECS:-5}

field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

mkdir -p $CG/lags-probe $CG/lags-idle $CG/lags-normal
echo 1 > $CG/lags-idle/cpu.idle

# probe CASE: one probe run of CASE with its load; prints the probe's line.
probe() {
	case $1 in
	idle)
		lags-probe burst --procs 2 --run-us 2000 --sleep-us 100 \
			--seconds $((secs + 2)) --cgroup $CG/lags-idle &
		;;
	*)
		lags-wakeload --groups 32 --seconds $((secs + 2)) --load 0.9 \
			--work-us 2000 --cgroot $CG/lags-wl >/dev/null &
		;;
	esac
	sleep 1
	case $1 in
	light) lags-probe periodic --seconds $secs --cgroup $CG/lags-probe ;;
	root) lags-probe periodic --seconds $secs ;;
	short) lags-probe periodic --seconds $secs --slice-us 100 --cgroup $CG/lags-probe ;;
	idle) lags-probe periodic --seconds $secs --cgroup $CG/lags-normal ;;
	esac
	wait
}

# Warm-up, not measured: the first runs after boot pay for first touches.
# It ends with LAGS off, so that the first pair's off run is not right
# after a switch and its on run is (run_pairs).
for m in on off; do
	lags_dense $m
	probe light >/dev/null
done

# run_pairs CASE FIRST LAST: pairs FIRST..LAST of CASE (odd pairs off,
# then on; even pairs on, then off: over an even number of pairs each
# setting runs half of its runs right after a switch), added to offp,
# onp, offm, onm and n.
run_pairs() {
	r=$2
	while [ $r -le $3 ]; do
		order="off on"
		[ $((r % 2)) -eq 0 ] && order="on off"
		for m in $order; do
			lags_dense $m
			line=$(probe $1)
			echo "$1 $m $r $line" >> $res/samples.txt
			p=$(field p99_us "$line")
			x=$(field max_us "$line")
			[ -n "$p" ] || continue
			n=$((n + 1))
			if [ $m = off ]; then
				offp=$((offp + p)) offm=$((offm + x))
			else
				onp=$((onp + p)) onm=$((onm + x))
			fi
		done
		r=$((r + 1))
	done
}

# within_bound: the means of the p99s (for idle also of the maxima) with
# LAGS on at most lim / 10 x off.
within_bound() {
	[ $((onp * 10)) -le $((offp * lim)) ] &&
		{ [ $c != idle ] || [ $((onm * 10)) -le $((offm * lim)) ]; }
}

for c in light root short idle; do
	offp=0 onp=0 offm=0 onm=0 n=0
	# 4 pairs (the short slice too, to see a smaller harm), 2 beside
	# cpu.idle (58-60 us in every run).  The root probe competes with
	# the whole load at the top level and spreads most: 6.
	k0=4 lim=11
	case $c in
	idle) k0=2 ;;
	root) k0=6 ;;
	esac
	k=$k0
	run_pairs $c 1 $k
	# The p99 of a 5 s run spreads 0.78-1.34 x between single pairs, with
	# either setting, mostly through LAGS off's low draws.  While the
	# means over the runs so far exceed the bound, k0 more pairs are run
	# (at most twice) and all of them judged: noise rarely repeats, harm
	# does (v1, or the series without its light-waker rule: 2.2-2.5 x in
	# every set).  Three tries let a harm just over a bound pass more
	# often than one would.
	while ! within_bound && [ $k -lt $((3 * k0)) ]; do
		tap_diag "$c: p99 off $((offp / k)) us on $((onp / k)) us in $k pairs; $k0 more"
		run_pairs $c $((k + 1)) $((k + k0))
		k=$((k + k0))
	done
	lags_dense off
	tap_diag "$c: p99 off $((offp / k)) us on $((onp / k)) us; max off $((offm / k)) us on $((onm / k)) us ($k pairs)"
	tap_check "$c: all $((2 * k)) probe runs measured" [ $n -eq $((2 * k)) ]
	tap_check "$c: p99 wakeup latency with LAGS on at most $((lim / 10)).$((lim % 10)) x off ($((onp / k)) vs $((offp / k)) us)" \
		[ $((onp * 10)) -le $((offp * lim)) ]
	if [ $c = idle ]; then
		tap_check "$c: max wakeup latency with LAGS on at most 1.1 x off ($((onm / k)) vs $((offm / k)) us)" \
			[ $((onm * 10)) -le $((offm * 11)) ]
	fi
done

for d in lags-wl lags-probe lags-idle lags-normal; do lags_cgroup_remove $CG/$d; done
tap_done
