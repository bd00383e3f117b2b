#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags lags-distro
# lags-timeout: 900
#
# Nobody harmed, shares: with LAGS on (the dense preset: all mechanisms,
# 3 ms budget, 50 ms guard, 5% light budget) every cpu cgroup gets the
# CPU share it gets with LAGS off, measured in the same boot on 2 vCPUs
# (a one-vCPU guest never reweights groups), LAGS off and on
# alternating.  A share is a group's cpu.stat usage_usec over the
# measured window divided by the sum over the case's groups.
#
#   weights-smp   cpu.weight 1600 with 16 spinners beside 16 groups of
#                 cpu.weight 100 with 2 spinners each, all CPUs: the big
#                 group's share (about 0.5) and the small groups' spread;
#                 20 s windows, three runs each.
#   weights-1cpu  one CPU: cpu.weight 2500 with 4 spinners against 100
#                 with 1 spinner (about 25:1).
#   wakeup-split  cpu.weight 100:200:300, each group 4 processes that run
#                 1 ms and sleep 1 ms (wakeup-driven), 30 s.
#   idle          a cpu.idle group of 4 spinners beside a normal group of
#                 2 processes that run 2 ms and sleep 0.1 ms: the idle
#                 group's share may grow by at most 1 point.
#   adversary     a group whose 2 processes sleep 1 ms and run 1 ms beside
#                 two groups of spinners, equal weights: it gets no more
#                 than its weight share (the v2 issue's bound), and at
#                 least 0.6x of its share with LAGS off (a lag clamp
#                 check; the deferral costs it 0.78-0.97x).
#
# Tolerance: 5% (relative) of the LAGS-off share, as asked of v2 of the
# series, except where stated.  Each case runs LAGS off, on, off, on
# (weights-smp and the split three times each, idle four times) and
# compares the mean of the on-runs with the mean of the off-runs.
# The last runs measured are in /results/lags-shares/.
#
# LAGS_SHARES_ON=flatcg compares the sched_ext peer scx_flatcg with LAGS
# off instead (the flatcg configuration of bench/lags-knobs.sh, on a
# kernel with sched_ext: scripts/bench-goals flatcg); "LAGS on" in the
# results then means flatcg.

. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lags.sh"

P=/proc/sys/kernel
CG=/sys/fs/cgroup
ROOT=$CG/lags-shares
lags_cpu_cgroup $ROOT
res=/results/lags-shares
mkdir -p $res
secs=${LAGS_SHARES_SECS:-8}
ncpu=$(grep -c ^processor /proc/cpuinfo)
[ "$ncpu" -ge 2 ] || tap_skip_all "needs 2 or more CPUs (shares are per-CPU in a one-CPU guest)"


mkgroup() {	# mkgroup NAME WEIGHT|idle
	[ -d $ROOT/$1 ] && return 0
	mkdir $ROOT/$1
	if [ "$2" = idle ]; then
		echo 1 > $ROOT/$1/cpu.idle
	else
		echo "$2" > $ROOT/$1/cpu.weight
	fi
}
usage() { sed -n 's/^usage_usec //p' $ROOT/$1/cpu.stat; }
cleanup() {
	for d in $ROOT/*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	return 0
}

# measure GROUPS...: usage of each group over $secs seconds after a one
# second warm-up, written as "name usec" lines to $res/last.
measure() {
	sleep 1
	for g in "$@"; do echo "$g $(usage $g)"; done > $res/start
	sleep "$secs"
	for g in "$@"; do echo "$g $(usage $g)"; done > $res/end
	awk 'NR == FNR { s[$1] = $2; next } { print $1, $2 - s[$1] }' $res/start $res/end > $res/last
}

# share NAME: share (x 1000000) of NAME in $res/last.
share() {
	awk -v g="$1" '{ t += $2; if ($1 == g) u = $2 } END { if (t > 0) printf "%d\n", u * 1000000 / t; else print 0 }' $res/last
}

# within A B PCT: A within PCT percent of B (integers).
within() {
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d * 100 <= p * b) }'
}

# shares_mode on|off: LAGS (or, with LAGS_SHARES_ON=flatcg, scx_flatcg)
# on or off.
on_what=${LAGS_SHARES_ON:-lags}
case $on_what in
lags) ;;
flatcg)
	lags_knobs_load lags-shares
	knobs_init
	tap_diag "LAGS on means scx_flatcg loaded (sched_ext) in this run"
	;;
*) tap_skip_all "LAGS_SHARES_ON must be lags or flatcg, not '$on_what'" ;;
esac
shares_mode() {
	if [ "$on_what" = lags ]; then
		lags_dense "$1"
		return
	fi
	knobs_restore
	[ "$1" = on ] || return 0
	knobs_apply flatcg >/dev/null || tap_diag "scx_flatcg did not load: this run is stock"
}

# run_case NAME SETUP-FN METRIC-FN: off, on, off, on; prints "off on" as
# the means of the metric (an integer) over the two runs of each.
run_case() {
	offs=0 ons=0
	for r in $(seq ${reps:-2}); do
		for m in off on; do
			shares_mode $m
			$2
			$3 > $res/$1-$m-$r.metric
			wait
			cp $res/last $res/$1-$m-$r.usage
			v=$(cat $res/$1-$m-$r.metric)
			if [ $m = off ]; then offs=$((offs + v)); else ons=$((ons + v)); fi
		done
	done
	shares_mode off
	echo "$((offs / ${reps:-2})) $((ons / ${reps:-2}))"
}

# weights-smp
setup_smp() {
	mkgroup big 1600
	lags-probe burst --procs 16 --seconds $((secs + 2)) --cgroup $ROOT/big &
	i=1
	while [ $i -le 16 ]; do
		mkgroup s$i 100
		lags-probe burst --procs 2 --seconds $((secs + 2)) --cgroup $ROOT/s$i &
		i=$((i + 1))
	done
}
metric_smp() {
	i=1 names=big
	while [ $i -le 16 ]; do names="$names s$i"; i=$((i + 1)); done
	measure $names
	share big
}
# 48 spinners on 2 CPUs: an 8 s window's share spread 0.446-0.497 from run
# to run (one boot: 0.459 and 0.488 with LAGS off), enough to miss 5% by
# noise alone; 20 s windows spread 0.475-0.495.  So this case runs three
# 20 s windows per mode.
set -- $(secs=${LAGS_SHARES_SMP_SECS:-20} reps=3 run_case smp setup_smp metric_smp)
tap_diag "weights-smp: big group share x1e6 off $1 on $2"
tap_check "cpu.weight 1600 vs 16 x 100 on $ncpu CPUs: big group's share within 5% of LAGS off ($2 vs $1 ppm)" within "$2" "$1" 5
# Spread of the small groups: each group's usage summed over the runs of
# a mode, then max/min (a single run's spread varies by 10-20 points).
spread() { cat "$@" | awk '$1 != "big" { u[$1] += $2 } END { for (g in u) { if (!n++ || u[g] < lo) lo = u[g]; if (u[g] > hi) hi = u[g] }; printf "%d\n", hi * 100 / (lo > 0 ? lo : 1) }'; }
so=$(spread $res/smp-off-*.usage)
sn=$(spread $res/smp-on-*.usage)
tap_diag "weights-smp: small groups max/min x100 off $so on $sn"
tap_check "the 16 cpu.weight 100 groups stay as even as with LAGS off (max/min ${sn}% vs ${so}%, at most +15 points)" [ "$sn" -le $((so + 15)) ]
cleanup

# weights-1cpu
setup_1cpu() {
	mkgroup heavy 2500
	mkgroup light 100
	taskset -c 1 lags-probe burst --procs 4 --seconds $((secs + 2)) --cgroup $ROOT/heavy &
	taskset -c 1 lags-probe burst --procs 1 --seconds $((secs + 2)) --cgroup $ROOT/light &
}
metric_1cpu() { measure heavy light; share light; }
set -- $(run_case 1cpu setup_1cpu metric_1cpu)
tap_diag "weights-1cpu: cpu.weight 100 group's share x1e6 off $1 on $2 (25:1 is 38461)"
tap_check "cpu.weight 2500:100 on one CPU: the small group's share within 5% of LAGS off ($2 vs $1 ppm)" within "$2" "$1" 5
cleanup

# wakeup-split: 30 s windows
osecs=$secs
secs=${LAGS_SHARES_SPLIT_SECS:-30}
setup_split() {
	for w in 100 200 300; do
		mkgroup w$w $w
		lags-probe burst --procs 4 --run-us 1000 --sleep-us 1000 --seconds $((secs + 2)) --cgroup $ROOT/w$w &
	done
}
metric_split() { measure w100 w200 w300; share w100; }
reps=3
run_case split setup_split metric_split >/dev/null
for w in 100 200 300; do
	off=0 on=0
	for r in $(seq $reps); do
		cp $res/split-off-$r.usage $res/last
		off=$((off + $(share w$w)))
		cp $res/split-on-$r.usage $res/last
		on=$((on + $(share w$w)))
	done
	off=$((off / reps)) on=$((on / reps))
	tap_diag "wakeup-split: cpu.weight $w share x1e6 off $off on $on"
	tap_check "wakeup-driven 100:200:300 on $ncpu CPUs over ${secs}s: cpu.weight $w's share within 5% of LAGS off ($on vs $off ppm)" within "$on" "$off" 5
done
secs=$osecs
reps=2
cleanup

# idle
setup_idle() {
	mkgroup idle idle
	mkgroup busy 100
	lags-probe burst --procs 4 --seconds $((secs + 2)) --cgroup $ROOT/idle &
	lags-probe burst --procs 2 --run-us 2000 --sleep-us 100 --seconds $((secs + 2)) --cgroup $ROOT/busy &
}
metric_idle() { measure idle busy; share idle; }
# An 8 s window's idle share spreads 0.269-0.281 with LAGS off and
# 0.274-0.282 on (8 pairs in one boot: means 0.275 and 0.278); with two
# pairs, one on-run of 0.289 beside two low off-runs (0.269, 0.272) took
# the difference over the 1-point bound in CI.  Four pairs.
set -- $(reps=4 run_case idle setup_idle metric_idle)
tap_diag "idle: cpu.idle group's share x1e6 off $1 on $2"
tap_check "cpu.idle group beside a normal group that sleeps 0.1 ms: share at most LAGS off + 1 point ($2 vs $1 ppm)" [ "$2" -le $(($1 + 10000)) ]
cleanup

# adversary
setup_adv() {
	mkgroup adv 100
	mkgroup b1 100
	mkgroup b2 100
	lags-probe burst --procs 2 --run-us 1000 --sleep-us 1000 --seconds $((secs + 2)) --cgroup $ROOT/adv &
	lags-probe burst --procs 2 --seconds $((secs + 2)) --cgroup $ROOT/b1 &
	lags-probe burst --procs 2 --seconds $((secs + 2)) --cgroup $ROOT/b2 &
}
metric_adv() { measure adv b1 b2; share adv; }
set -- $(run_case adv setup_adv metric_adv)
tap_diag "adversary: sleep 1 ms / run 1 ms group's share x1e6 off $1 on $2 (weight share 333333)"
# Not more than its weight share, 1/3 (+5%), as the v2 issue asks.  Until
# 2026-12-07 this asked for at most LAGS off + 5%, which the placement of
# its 6 tasks on 2 CPUs makes a coin toss with two runs each: in one boot
# of six runs each, single runs with LAGS off measured 0.227, 0.248,
# 0.255, 0.290, 0.291 and 0.293, with LAGS on 0.199, 0.200, 0.200, 0.246,
# 0.246 and 0.247 (means 0.267 and 0.223), and a make check whose two
# LAGS-off runs both drew 0.222 failed it with 0.239 and 0.245.
tap_check "a group that sleeps 1 ms and runs 1 ms gets no more than its weight share (+5%) with LAGS on ($2 vs 333333 ppm)" [ "$2" -le 350000 ]
# Nor far less.  The deferral delays its wakeups behind the spinners'
# drains, which costs it CPU: v2 of the series measured 0.78-0.97x in
# four boots (0.73x before the review fixes); that cost is reported,
# not hidden, in Documentation/results.rst.  This check guards the lag
# clamps: one that forgave the credit the group earns waiting behind
# drains, at each sleep, left it 0.46x and 0.52x.
tap_check "a group that sleeps 1 ms and runs 1 ms keeps at least 0.6x of its share with LAGS off ($2 vs $1 ppm)" [ $(($2 * 100)) -ge $(($1 * 60)) ]
cleanup

lags_dense off
lags_cgroup_remove $ROOT
tap_done
