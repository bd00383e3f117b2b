#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags lags-debug lags-distro
#
# Two or more cpu.lags=0 groups at one level switch the drain off there:
# the level has one exempt waiter slot (lags_note_exempt()), which cannot
# protect two groups kept on stock behaviour, so lags_can_drain() refuses
# while cfs_rq->lags_nr_exempt > 1.  Siblings under one parent, all on CPU
# 1, each a group of 2 spinners: d and n (cpu.lags=1) and e1, e2
# (cpu.lags=0).  LAGS is switched on after the load has started, so the
# count is the one rebuilt at the reset (lags_recount_exempt()).
#   d n e1:   one exempt group; the drain still acts (drain_keep > 0)
#   d e1 e2:  two exempt groups; the drain keeps d at most a tenth as often
# drain_keep is the "total" row of lags.ko's stats (its debugfs file).
# Needs 2 CPUs: the load goes on CPU 1.

. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lags.sh"

CG=/sys/fs/cgroup
ROOT=$CG/lags-exempt
STATS=/sys/kernel/debug/lags/stats
secs=${LAGS_EXEMPT_SECS:-5}

[ "$(grep -c ^processor /proc/cpuinfo)" -ge 2 ] ||
	tap_skip_all "needs 2 CPUs (the load runs on CPU 1)"
loaded=
if [ ! -r $STATS ] && insmod /lags/module/lags.ko 2>/dev/null; then
	loaded=1
fi
[ -r $STATS ] || tap_skip_all "lags.ko did not load: no LAGS counters"

lags_cpu_cgroup $ROOT
for g in d n e1 e2; do mkdir -p $ROOT/$g; done
echo 0 > $ROOT/e1/cpu.lags
echo 0 > $ROOT/e2/cpu.lags

# stat NAME: the "total" row of lags.ko's stats for column NAME.
stat() {
	awk -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
		$1 == "total" { print (k ? $k : 0) }' $STATS
}

# phase GROUP...: drain_keep over $secs s with the groups busy on CPU 1,
# LAGS switched on once they run.
phase() {
	lags_dense off
	for g in "$@"; do
		taskset -c 1 lags-probe burst --procs 2 --seconds $((secs + 3)) \
			--cgroup $ROOT/$g >/dev/null &
	done
	sleep 1
	lags_dense on
	sleep 1
	k0=$(stat drain_keep)
	sleep $secs
	k1=$(stat drain_keep)
	wait
	lags_dense off
	echo $((k1 - k0))
}

one=$(phase d n e1)
two=$(phase d e1 e2)
tap_diag "drain_keep in ${secs}s on CPU 1: $one with one cpu.lags=0 group (d n e1), $two with two (d e1 e2)"
tap_check "one cpu.lags=0 group beside two others: the drain still acts (drain_keep $one > 0)" [ "$one" -gt 0 ]
tap_check "two cpu.lags=0 groups at one level: no drain there (drain_keep $two <= $one / 10)" [ $((two * 10)) -le "$one" ]
tap_check "the test's cgroups are removed" lags_cgroup_remove $ROOT
[ -n "$loaded" ] && rmmod lags 2>/dev/null
tap_done
